"""Truck factor: how many people would have to leave before most files have no author.

Greedy, as Avelino et al. (ICPC 2016) and their tool: while at least half of the files keep an
author, remove the author of the most files. A tie goes to the person with more changes to the
files in scope (creations plus deliveries), as in the tool, then to the person id, so the result
is deterministic where the tool's is not. Last, as the tool does, removed authors holding fewer
than a tenth of the files of the first one are not counted: they only finish off a long tail of
small authors and would make the truck factor grow with the number of occasional contributors.

Files are those counted at HEAD that have a history (`authorship.file_authors`); a folder's
truck factor is the same computation over the files under it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from handoff.core.facts import Facts
from handoff.retention.doa import file_authors
from handoff.retention.ownership import check_repo

COVERAGE = 0.5
PRUNE_SHARE = 0.1


@dataclass
class Removal:
    person: str
    name: str
    files: int


@dataclass
class FolderTruckFactor:
    path: str
    files: int
    truck_factor: int
    removed: list[Removal] = field(default_factory=list)


@dataclass
class RepoTruckFactor:
    repo: str
    files: int
    truck_factor: int
    removed: list[Removal]
    folders: list[FolderTruckFactor]


@dataclass
class TruckFactorReport:
    repos: list[RepoTruckFactor]


def truck_factor(facts: Facts, repo: str | None = None, include_bots: bool = False) -> TruckFactorReport:
    """Each repository's truck factor (or only `repo`'s), with those of its top-level folders."""
    check_repo(facts, repo)
    authored = file_authors(facts, repo, include_bots)
    report = TruckFactorReport(repos=[])
    for name in sorted({r for r, _ in authored}):
        in_repo = {path: a for (r, path), a in authored.items() if r == name}
        removed = greedy(in_repo, changes(facts, name, in_repo), facts)
        report.repos.append(RepoTruckFactor(name, len(in_repo), len(removed), removed, folders(facts, name, in_repo)))
    return report


def folders(facts: Facts, repo: str, in_repo: dict[str, set[str]]) -> list[FolderTruckFactor]:
    """The truck factor of each top-level folder, over the files under it."""
    result = []
    for folder in sorted({PurePosixPath(p).parts[0] for p in in_repo if "/" in p}):
        subset = {p: a for p, a in in_repo.items() if p.startswith(folder + "/")}
        removed = greedy(subset, changes(facts, repo, subset), facts)
        result.append(FolderTruckFactor(folder, len(subset), len(removed), removed))
    return result


def changes(facts: Facts, repo: str, paths: Iterable[str]) -> Counter:
    """Person -> creations plus deliveries over `paths`: the tool's tie-break between authors."""
    counts: Counter = Counter()
    for path in paths:
        for person, c in facts.contributions.get((repo, path), {}).items():
            counts[person] += int(c.first_author) + c.deliveries
    return counts


def greedy(authors_by_file: dict[str, set[str]], tie_break: Counter, facts: Facts) -> list[Removal]:
    """The authors removed, in order, until fewer than half of the files keep one; pruned."""
    files_of = Counter(p for authors in authors_by_file.values() for p in authors)
    remaining = {path: set(a) for path, a in authors_by_file.items()}
    removed: list[Removal] = []
    while files_of and sum(1 for a in remaining.values() if a) >= COVERAGE * len(remaining):
        top = min(files_of, key=lambda p: (-files_of[p], -tie_break[p], p))
        removed.append(Removal(top, facts.people[top].name, files_of.pop(top)))
        for authors in remaining.values():
            authors.discard(top)
    return prune(removed)


def prune(removed: list[Removal]) -> list[Removal]:
    """Drop removed authors with fewer than PRUNE_SHARE of the first (largest) one's files."""
    if not removed:
        return removed
    return [r for r in removed if r.files / removed[0].files >= PRUNE_SHARE]
