"""Authorship inputs of the degree-of-authorship model, accumulated from history.

The bookkeeping is that of Avelino et al.'s tool (ICPC 2016), so that the truck factor agrees
with it on real repositories:

- history belongs to a path: deleting a file does not erase it, and a file that comes back
  under the same path takes its old history back;
- a rename (`git log -M`) joins the history of the old path, all of it, to the new path, and
  the commit that renamed the file is a delivery by its author;
- creators are everyone who added the file under any of its paths (first authorship, FA);
- deliveries (DL) are the commits that modified or renamed the file. The commit that added it
  is not one, nor is a deletion or a type change; merge commits carry no changes at all.

One departure: the tool marks a rename as followed once the first file in path order has
followed it, so another file descending through the same rename stops there, and its authors
depend on the names of unrelated files. Here every file gets its whole lineage.

Per path and author the state keeps: created, deliveries, lines added and deleted. Others'
changes (AC) are the file's deliveries minus the author's own, left to retention.

Rows are written for every path the history ever had, each with its resolved history (its own
and that of the paths it was renamed from); analyses read the paths at HEAD. A re-ingest loads
the rows, applies only the new commits and rewrites the paths they touch. Renames seen by an
earlier ingest are not stored, so commits to a path that such a rename left behind (a file
re-created under its old path) reach the renamed file only in a full ingest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handoff.core.people import identity_key
from handoff.ingest.sources.history import Change, Commit

COUNTED = ("A", "M", "R")


@dataclass
class AuthorStats:
    name: str
    created: bool = False
    deliveries: int = 0
    added: int = 0
    deleted: int = 0

    def add(self, other: AuthorStats) -> None:
        self.created = self.created or other.created
        self.deliveries += other.deliveries
        self.added += other.added
        self.deleted += other.deleted


@dataclass
class PathHistory:
    authors: dict[str, AuthorStats] = field(default_factory=dict)
    renamed_from: set[str] = field(default_factory=set)


Histories = dict[str, PathHistory]


def apply_commit(histories: Histories, commit: Commit, touched: set[str]) -> None:
    """Fold one commit's changes into `histories`; adds every path whose rows change to `touched`."""
    author = identity_key(commit.email, commit.name)
    for change in commit.changes:
        if change.status in COUNTED:
            _record(histories.setdefault(change.path, PathHistory()), change, author, commit.name)
            touched.add(change.path)


def _record(history: PathHistory, change: Change, author: str, name: str) -> None:
    if change.status == "R" and change.old_path is not None:
        history.renamed_from.add(change.old_path)
    stats = history.authors.setdefault(author, AuthorStats(name))
    stats.name = name
    stats.created = stats.created or change.status == "A"
    stats.deliveries += change.status != "A"
    stats.added += change.added or 0
    stats.deleted += change.deleted or 0


def resolve(histories: Histories, path: str) -> dict[str, AuthorStats]:
    """The path's history joined with that of every path it was renamed from, each path once."""
    merged: dict[str, AuthorStats] = {}
    for source in _lineage(histories, path):
        for email, stats in histories[source].authors.items():
            merged.setdefault(email, AuthorStats(stats.name)).add(stats)
    return merged


def _lineage(histories: Histories, path: str) -> list[str]:
    """`path` first, then every path with a history it descends from through renames, sorted."""
    if path not in histories:
        return []
    seen, pending = {path}, [path]
    while pending:
        history = histories.get(pending.pop())
        new = history.renamed_from - seen if history else set()
        seen |= new
        pending += new
    return [path, *sorted(seen & histories.keys() - {path})]


def to_rows(repo: str, histories: Histories, paths: set[str]) -> list[dict]:
    rows = []
    for path in sorted(paths):
        for email, stats in resolve(histories, path).items():
            rows.append({"repo": repo, "path": path, "email": email, "name": stats.name,
                         "first_author": int(stats.created), "deliveries": stats.deliveries,
                         "added": stats.added, "deleted": stats.deleted})
    return rows


def from_rows(rows) -> Histories:
    histories: Histories = {}
    for r in rows:
        history = histories.setdefault(r["path"], PathHistory())
        history.authors[r["email"]] = AuthorStats(r["name"], bool(r["first_author"]), r["deliveries"],
                                                  r["added"], r["deleted"])
    return histories
