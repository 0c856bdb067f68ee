"""Where a repository's git data really lives: its git dir, common dir and every object store.

A folder is not confined by its path. Its `.git` may be a gitfile (`gitdir: /elsewhere`), a
worktree's `commondir` may name another repository, `objects/info/alternates` lends objects
from any folder on the machine, and any of these may be a symlink. Git follows all of them, so
a check of what an ingest may read must follow them too: from files, before git runs there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

MAX_ALTERNATES_DEPTH = 5  # git's own limit on alternates of alternates


def git_locations(folder: Path) -> list[Path]:
    """The resolved folders and files git reads for the repository at `folder` (a clone or a bare one)."""
    git_dir = _git_dir(folder)
    if git_dir is None:
        return []
    common = _common_dir(git_dir)
    stores = list(_object_stores(common / "objects"))
    found = [git_dir, common, *stores]
    for place in dict.fromkeys([git_dir, common, *stores]):
        found += _link_targets(place)
    return list(dict.fromkeys(found))


def outside(folder: Path, roots: list[Path]) -> Path | None:
    """The first place git would read for `folder` that lies outside every root, or None."""
    return next((p for p in git_locations(folder) if not any(p.is_relative_to(r) for r in roots)), None)


def _git_dir(folder: Path) -> Path | None:
    dot_git = folder / ".git"
    if dot_git.is_file():
        text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
        if not text.startswith("gitdir:"):
            return None
        return (folder / text.removeprefix("gitdir:").strip()).resolve()
    if dot_git.is_dir():
        return dot_git.resolve()
    if (folder / "HEAD").is_file() and (folder / "objects").exists():
        return folder.resolve()
    return None


def _common_dir(git_dir: Path) -> Path:
    pointer = git_dir / "commondir"
    if pointer.is_file():
        return (git_dir / pointer.read_text(encoding="utf-8", errors="replace").strip()).resolve()
    return git_dir


def _object_stores(objects: Path, depth: int = 0) -> Iterator[Path]:
    """The object folder and, recursively, the alternates it borrows from."""
    yield objects.resolve()
    if depth >= MAX_ALTERNATES_DEPTH:
        return
    alternates = objects / "info" / "alternates"
    if not alternates.is_file():
        return
    for line in alternates.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield from _object_stores((objects / line.strip('"')).resolve(), depth + 1)


def _link_targets(folder: Path) -> list[Path]:
    """Where the symlinks anywhere under `folder` lead (a pack, a loose object or `refs` may be one)."""
    targets = []
    for parent, dirs, files in os.walk(folder):
        for name in dirs + files:
            entry = Path(parent, name)
            if entry.is_symlink():
                targets.append(entry.resolve())
    return targets
