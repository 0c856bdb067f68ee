"""Authorship inputs of the degree-of-authorship model, accumulated from history.

Per file and author: first authorship (who created the file, renames followed), deliveries
(commits by the author that touched it) and lines added and deleted. Others' changes (AC) are
the file's deliveries minus the author's own. State is a plain dict so a re-ingest can load
it, apply only the new commits, and write back the paths that changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handoff.core.people import identity_key

from .history import Commit


@dataclass
class AuthorStats:
    name: str
    deliveries: int = 0
    added: int = 0
    deleted: int = 0


@dataclass
class FileAuthorship:
    creator: str | None = None
    authors: dict[str, AuthorStats] = field(default_factory=dict)


Histories = dict[str, FileAuthorship]


def apply_commit(histories: Histories, commit: Commit, touched: set[str]) -> None:
    """Fold one commit's changes into `histories`; adds every path whose rows change to `touched`."""
    author = identity_key(commit.email, commit.name)
    for change in commit.changes:
        if change.status == "D":
            histories.pop(change.path, None)
            touched.add(change.path)
            continue
        if change.status == "R" and change.old_path is not None:
            histories[change.path] = histories.pop(change.old_path, None) or FileAuthorship(creator=author)
            touched.add(change.old_path)
        elif change.status in ("A", "C") or change.path not in histories:
            histories[change.path] = FileAuthorship(creator=author)
        stats = histories[change.path].authors.setdefault(author, AuthorStats(name=commit.name))
        stats.name = commit.name
        stats.deliveries += 1
        stats.added += change.added or 0
        stats.deleted += change.deleted or 0
        touched.add(change.path)


def to_rows(repo: str, histories: Histories, paths: set[str]) -> list[dict]:
    rows = []
    for path in sorted(paths):
        history = histories.get(path)
        if history is None:
            continue
        for email, stats in history.authors.items():
            rows.append({"repo": repo, "path": path, "email": email, "name": stats.name,
                         "first_author": int(email == history.creator), "deliveries": stats.deliveries,
                         "added": stats.added, "deleted": stats.deleted})
    return rows


def from_rows(rows) -> Histories:
    histories: Histories = {}
    for r in rows:
        history = histories.setdefault(r["path"], FileAuthorship())
        if r["first_author"]:
            history.creator = r["email"]
        history.authors[r["email"]] = AuthorStats(r["name"], r["deliveries"], r["added"], r["deleted"])
    return histories
