"""Degree of authorship (Fritz et al., as used by Avelino et al., ICPC 2016).

    DOA = 3.293 + 1.098 * FA + 0.164 * DL - 0.321 * ln(1 + AC)

FA is 1 for the file's creator (renames followed), DL the person's deliveries (commits to the
file), AC the deliveries of everyone else. A person is an author of a file when their DOA,
normalised by the file's highest, is above 0.75 and the absolute DOA is at least 3.293.
"""

from __future__ import annotations

import math

from handoff.core.facts import Facts

NORMALISED_MIN = 0.75
ABSOLUTE_MIN = 3.293


def doa(first_author: bool, deliveries: int, others: int) -> float:
    return 3.293 + 1.098 * int(first_author) + 0.164 * deliveries - 0.321 * math.log(1 + others)


def file_doas(facts: Facts, repo: str, path: str, include_bots: bool = False) -> dict[str, float]:
    """Person -> DOA for everyone who delivered to the file (bots only when asked)."""
    contributions = facts.contributions.get((repo, path), {})
    total = sum(c.deliveries for c in contributions.values())
    return {
        person: doa(c.first_author, c.deliveries, total - c.deliveries)
        for person, c in contributions.items()
        if include_bots or facts.people[person].kind != "bot"
    }


def authors(doas: dict[str, float]) -> set[str]:
    if not doas:
        return set()
    top = max(doas.values())
    return {p for p, v in doas.items() if v >= ABSOLUTE_MIN and top > 0 and v / top > NORMALISED_MIN}


def file_authors(facts: Facts, repo: str | None = None) -> dict[tuple[str, str], set[str]]:
    """(repo, path) -> authors, for every file counted in ownership at HEAD."""
    return {(f.repo, f.path): authors(file_doas(facts, f.repo, f.path))
            for f in facts.files if repo is None or f.repo == repo}
