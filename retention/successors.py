"""Successors: the active people best placed to take over a file (in a view without HR facts, anyone
whose status is withheld: whether they are leaving is not the asker's to know).

Ranked by their share of the file's surviving lines, then of its folder's, then of the files
that most often change together with it (co-change, from commits of at most 30 files, so bulk
reformats do not make everything look coupled).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from handoff.core.facts import Facts, OwnedFile, folder_of
from handoff.core.people import AVAILABLE

MAX_CHANGESET = 30
COUPLED_FILES = 10


@dataclass
class Successor:
    person: str
    name: str
    share: float
    folder_share: float
    cochange_share: float


class Successors:
    def __init__(self, facts: Facts, as_of: date, horizon_days: int):
        self.facts = facts
        self.active = {pid for pid, p in facts.people.items() if p.status(as_of, horizon_days) in AVAILABLE}

    def for_file(self, file: OwnedFile, limit: int = 3) -> list[Successor]:
        folder = self.facts.folder_owners.get((file.repo, folder_of(file.path)), Counter())
        coupled = self._coupled_shares(file)
        candidates = self.active & (set(file.owners) | set(folder) | set(coupled))
        ranked = sorted(
            (Successor(p, self.facts.people[p].name, _share(file.owners, p), _share(folder, p), coupled.get(p, 0.0))
             for p in candidates),
            key=lambda s: (-s.share, -s.folder_share, -s.cochange_share, s.person),
        )
        return ranked[:limit]

    def _coupled_shares(self, file: OwnedFile) -> dict[str, float]:
        together: Counter = Counter()
        for repo, sha in self.facts.commits_by_path.get((file.repo, file.path), []):
            paths = self.facts.changes.get((repo, sha), [])
            if len(paths) <= MAX_CHANGESET:
                together.update((repo, p) for p in paths if p != file.path)
        held: dict[str, float] = defaultdict(float)
        weight_total = 0.0
        for key, weight in together.most_common(COUPLED_FILES):
            other = self.facts.files_by_path.get(key)
            if other is None or not other.lines:
                continue
            weight_total += weight
            for person, lines in other.owners.items():
                held[person] += weight * lines / other.lines
        return {p: v / weight_total for p, v in held.items()} if weight_total else {}


def _share(held, person: str) -> float:
    total = sum(held.values())
    return held.get(person, 0) / total if total else 0.0
