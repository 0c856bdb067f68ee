"""Truck factor: how many people would have to leave before most files have no author.

Greedy, as Avelino et al. (ICPC 2016): while at least half of the files keep an author, remove
the author of the most files; the truck factor is how many were removed. Ties go to the person
id, so the result is deterministic.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from handoff.core.facts import Facts

from .authorship import file_authors
from .ownership import check_repo


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


def truck_factor(facts: Facts, repo: str | None = None) -> TruckFactorReport:
    check_repo(facts, repo)
    authored = file_authors(facts, repo)
    report = TruckFactorReport(repos=[])
    for name in sorted({r for r, _ in authored}):
        in_repo = {path: a for (r, path), a in authored.items() if r == name}
        tf, removed = greedy(in_repo, facts)
        folders = []
        for folder in sorted({PurePosixPath(p).parts[0] for p in in_repo if "/" in p}):
            subset = {p: a for p, a in in_repo.items() if p.startswith(folder + "/")}
            folder_tf, folder_removed = greedy(subset, facts)
            folders.append(FolderTruckFactor(folder, len(subset), folder_tf, folder_removed))
        report.repos.append(RepoTruckFactor(name, len(in_repo), tf, removed, folders))
    return report


def greedy(authors_by_file: dict[str, set[str]], facts: Facts) -> tuple[int, list[Removal]]:
    remaining = {path: set(a) for path, a in authors_by_file.items()}
    total = len(remaining)
    removed: list[Removal] = []
    while total:
        covered = sum(1 for a in remaining.values() if a)
        if covered * 2 < total:
            break
        counts = Counter(p for a in remaining.values() for p in a)
        if not counts:
            break
        top, files = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        removed.append(Removal(top, facts.people[top].name, files))
        for a in remaining.values():
            a.discard(top)
    return len(removed), removed
