"""Degree of authorship (Fritz et al., as used by Avelino et al., ICPC 2016).

    DOA = 3.293 + 1.098 * FA + 0.164 * DL - 0.321 * ln(1 + AC)

FA is 1 for anyone who created the file under any of its paths, DL the person's deliveries
(commits that modified or renamed it), AC the deliveries of everyone else, bots included; ingest
counts them as the tool of Avelino et al. does. A person is an author of a file when their DOA,
normalised by the file's highest, is above 0.75 and either the DOA is at least 3.293 or they
created the file: the tool's rule, under which a creator stays an author of a busy file as long
as nobody else dominates it.

Bots are never authors (a Handoff rule, lifted with `include_bots`): they are set aside before
normalising, so a file that a bot changes most still names the people who know it.
"""

from __future__ import annotations

import math

from handoff.core.facts import Contribution, Facts

NORMALISED_MIN = 0.75
ABSOLUTE_MIN = 3.293


def doa(first_author: bool, deliveries: int, others: int) -> float:
    return 3.293 + 1.098 * int(first_author) + 0.164 * deliveries - 0.321 * math.log(1 + others)


def file_doas(facts: Facts, repo: str, path: str, include_bots: bool = False) -> dict[str, float]:
    """Person -> DOA for everyone who changed the file (bots only when asked)."""
    contributions = facts.contributions.get((repo, path), {})
    total = sum(c.deliveries for c in contributions.values())
    return {
        person: doa(c.first_author, c.deliveries, total - c.deliveries)
        for person, c in contributions.items()
        if include_bots or facts.people[person].kind != "bot"
    }


def authors(doas: dict[str, float], creators: set[str]) -> set[str]:
    top = max(doas.values(), default=0.0)
    if top <= 0:
        return set()
    return {p for p, v in doas.items() if v / top > NORMALISED_MIN and (v >= ABSOLUTE_MIN or p in creators)}


def file_authors(facts: Facts, repo: str | None = None,
                 include_bots: bool = False) -> dict[tuple[str, str], set[str]]:
    """(repo, path) -> authors, for every file counted in ownership at HEAD that has a history.

    A file without one (brought in by a merge commit alone) is left out rather than counted as
    orphaned, as the tool leaves out files it finds no commit for.
    """
    result = {}
    for f in facts.files:
        contributions = facts.contributions.get((f.repo, f.path))
        if contributions and (repo is None or f.repo == repo):
            doas = file_doas(facts, f.repo, f.path, include_bots)
            result[(f.repo, f.path)] = authors(doas, creators(contributions))
    return result


def creators(contributions: dict[str, Contribution]) -> set[str]:
    return {person for person, c in contributions.items() if c.first_author}
