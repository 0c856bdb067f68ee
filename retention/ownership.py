"""Ownership: each person's share of the lines that survive at HEAD, per file and per folder."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from handoff.core.errors import NotFoundError
from handoff.core.facts import ExcludedFile, Facts, OwnedFile
from handoff.retention.policy import RiskPolicy


@dataclass
class Owner:
    person: str
    name: str
    kind: str
    status: str
    lines: int
    share: float


@dataclass
class FileOwnership:
    repo: str
    path: str
    lines: int
    owners: list[Owner]


@dataclass
class FolderOwnership:
    repo: str
    path: str
    files: int
    lines: int
    owners: list[Owner]


@dataclass
class OwnershipReport:
    files: list[FileOwnership]
    folders: list[FolderOwnership] = field(default_factory=list)
    excluded: list[ExcludedFile] = field(default_factory=list)


def ownership(facts: Facts, as_of: date, *, policy: RiskPolicy, repo: str | None = None,
              path: str | None = None) -> OwnershipReport:
    """Per-file owners, per-folder totals (every folder level) and the files left out, with reasons."""
    check_repo(facts, repo)
    files = [f for f in facts.files if _selected(f.repo, f.path, repo, path)]
    owners = OwnerFactory(facts, as_of, policy.horizon_days)
    report = OwnershipReport(
        files=[FileOwnership(f.repo, f.path, f.lines, owners.rank(f.owners, f.lines)) for f in files],
        excluded=[e for e in facts.excluded if _selected(e.repo, e.path, repo, path)],
    )
    for (repo_name, folder), (count, lines, held) in sorted(folder_totals(files).items()):
        report.folders.append(FolderOwnership(repo_name, folder, count, lines, owners.rank(held, lines)))
    return report


def folder_totals(files: list[OwnedFile]) -> dict[tuple[str, str], tuple[int, int, dict[str, int]]]:
    """(repo, folder) -> (files, lines, person -> lines) for every folder level, '.' the repository root."""
    totals: dict[tuple[str, str], list] = defaultdict(lambda: [0, 0, defaultdict(int)])
    for f in files:
        for folder in folders_of(f.path):
            entry = totals[(f.repo, folder)]
            entry[0] += 1
            entry[1] += f.lines
            for person, lines in f.owners.items():
                entry[2][person] += lines
    return {k: (v[0], v[1], dict(v[2])) for k, v in totals.items()}


def folders_of(path: str) -> list[str]:
    parents = [str(p) for p in PurePosixPath(path).parents]
    return parents[::-1]


def check_repo(facts: Facts, repo: str | None) -> None:
    if repo is not None and repo not in facts.repos:
        known = ", ".join(facts.repos) or "none ingested yet"
        raise NotFoundError(f"repository {repo!r} is not ingested; known: {known}")


class OwnerFactory:
    """Turns person -> lines into ranked `Owner` records with status on the as-of date."""

    def __init__(self, facts: Facts, as_of: date, horizon_days: int):
        self.facts, self.as_of, self.horizon_days = facts, as_of, horizon_days

    def status(self, person: str) -> str:
        return self.facts.people[person].status(self.as_of, self.horizon_days)

    def rank(self, held: dict[str, int], total: int) -> list[Owner]:
        owners = []
        for person, lines in sorted(held.items(), key=lambda kv: (-kv[1], kv[0])):
            p = self.facts.people[person]
            owners.append(Owner(person, p.name, p.kind, self.status(person), lines, lines / total if total else 0.0))
        return owners


def _selected(repo_name: str, path: str, repo: str | None, prefix: str | None) -> bool:
    if repo is not None and repo_name != repo:
        return False
    if prefix:
        prefix = prefix.strip("/")
        return path == prefix or path.startswith(prefix + "/")
    return True
