"""Ingesting one repository's history and ownership into the facts store.

Reads only what changed since the last ingest (new commits, files whose blob or blame options
changed), then writes everything in one transaction: a failed ingest leaves the previous facts
exactly as they were, and re-ingesting never duplicates a fact.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, text

from handoff.core.errors import ExternalError, InputError
from handoff.core.progress import Progress, SilentProgress
from handoff.core.settings import Settings
from handoff.core.store import FactsStore, insert_many
from handoff.ingest.redact import redact
from handoff.ingest.sources import authorship
from handoff.ingest.sources.blame import BlameOptions, blame_files, blame_options
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.history import Commit, read_commits
from handoff.ingest.sources.links import ticket_keys
from handoff.ingest.sources.tree import attribute_reasons, binary_blobs, list_tree, structural_reason

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
REPO_TABLES = ("commits", "file_changes", "commit_tickets", "authorship", "files", "blame_lines")


@dataclass
class IngestSummary:
    repo: str
    path: str
    head: str | None = None
    commits_new: int = 0
    files: int = 0
    lines: int = 0
    blamed: int = 0
    reused: int = 0
    excluded: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class StoredFile:
    blob: str
    options: str
    lines: int
    excluded: str | None


def repo_name(repo: GitRepo, name: str | None) -> str:
    chosen = name or repo.path.name.removesuffix(".git")
    if not NAME_RE.match(chosen):
        raise InputError(f"repository name {chosen!r}: use letters, digits, '.', '_' or '-' (pass --name)")
    return chosen


def ingest_repository(store: FactsStore, settings: Settings, path: str, name: str | None = None,
                      progress: Progress | None = None, git_cache: Path | None = None) -> IngestSummary:
    """`git_cache`: a workspace folder for the commit-graph that speeds up blame (none: blame without)."""
    progress = progress or SilentProgress()
    repo = GitRepo.open(path)
    summary = IngestSummary(repo=repo_name(repo, name), path=str(repo.path))
    previous = store.rows("SELECT head FROM repos WHERE name = :name", name=summary.repo)
    previous_head = previous[0]["head"] if previous else None
    summary.head = head = repo.head()
    if head is None:
        warn(summary, progress, f"{summary.repo}: empty repository (no commits); nothing to own yet")
        with store.transaction() as conn:
            clear_repository(conn, summary.repo)
            save_repo(conn, summary, shallow=False)
        return summary
    shallow = repo.is_shallow()
    if shallow:
        warn(summary, progress, f"{summary.repo}: shallow clone, history is partial; authorship and "
                                 f"truck factor cover only the fetched commits (git fetch --unshallow)")
    full = previous_head is None or not repo.is_ancestor(previous_head, head)
    if git_cache is not None and head != previous_head:
        repo = repo.with_commit_graph(git_cache / summary.repo, head)

    started = time.perf_counter()
    progress.stage("history")
    commits: list[Commit] = []
    for commit in read_commits(repo, None if full else previous_head):
        commits.append(commit)
        progress.advance()
    histories = {} if full else _stored_histories(store, summary.repo, commits)
    touched: set[str] = set()
    for commit in commits:
        authorship.apply_commit(histories, commit, touched)
    summary.commits_new = len(commits)
    summary.seconds["history"] = time.perf_counter() - started

    started = time.perf_counter()
    stored = {} if full else stored_files(store, summary.repo)
    options = blame_options(repo, head, settings.blame_ignore_whitespace, settings.blame_detect_moves)
    try:
        files = files_at_head(repo, head, settings, stored, options, summary, progress)
    finally:
        options.close()
    summary.seconds["blame"] = time.perf_counter() - started

    started = time.perf_counter()
    with store.transaction() as conn:
        if full:
            clear_repository(conn, summary.repo)
            touched = set(histories)
        save_repo(conn, summary, shallow)
        save_commits(conn, summary.repo, commits, tuple(settings.ticket_patterns))
        save_authorship(conn, summary.repo, histories, touched)
        save_files(conn, summary.repo, stored, files)
    summary.seconds["write"] = time.perf_counter() - started
    return summary


def files_at_head(repo: GitRepo, head: str, settings: Settings, stored: dict[str, StoredFile],
               options: BlameOptions, summary: IngestSummary, progress: Progress) -> dict[str, dict]:
    """The new `files` rows (with their blame counts) for every path at HEAD."""
    entries = list_tree(repo, head)
    reasons = {e.path: r for e in entries if (r := structural_reason(e))}
    regular = [e for e in entries if e.path not in reasons]
    reasons |= attribute_reasons(repo, head, [e.path for e in regular], settings.exclude)
    candidates = [e for e in regular if e.path not in reasons]
    unknown = [e.blob for e in candidates if not _known_text_or_binary(stored.get(e.path), e.blob)]
    binary = binary_blobs(repo, unknown)
    for entry in candidates:
        old = stored.get(entry.path)
        if entry.blob in binary or (old and old.blob == entry.blob and old.excluded == "binary"):
            reasons[entry.path] = "binary"

    files: dict[str, dict] = {}
    to_blame = []
    for entry in entries:
        old = stored.get(entry.path)
        if entry.path in reasons:
            files[entry.path] = {"blob": entry.blob, "lines": 0, "excluded": reasons[entry.path], "counts": {}}
        elif old and old.blob == entry.blob and old.options == options.key and old.excluded is None:
            files[entry.path] = {"blob": entry.blob, "lines": old.lines, "excluded": None, "counts": None}
            summary.reused += 1
        else:
            to_blame.append(entry)
    progress.stage("blame", total=len(to_blame))
    blobs = {e.path: e.blob for e in to_blame}
    for path, counts in blame_files(repo, head, list(blobs), options, settings.blame_processes, progress.advance):
        if isinstance(counts, ExternalError):
            warn(summary, progress, counts.message)
            files[path] = {"blob": blobs[path], "lines": 0, "excluded": "blame failed", "counts": {}}
            continue
        files[path] = {"blob": blobs[path], "lines": sum(n for _, n in counts.values()), "excluded": None,
                       "counts": counts}
        summary.blamed += 1
    for row in files.values():
        row["options"] = options.key
        if row["excluded"]:
            summary.excluded[row["excluded"]] += 1
        else:
            summary.files += 1
            summary.lines += row["lines"]
    for reason in ("submodule",):
        if summary.excluded[reason]:
            warn(summary, progress, f"{summary.repo}: {summary.excluded[reason]} submodule(s) skipped; "
                                     f"ingest each submodule as its own repository")
    return files


def _stored_histories(store: FactsStore, repo: str, commits: list[Commit]) -> authorship.Histories:
    """The stored authorship of just the paths the new commits touch (and the paths they rename)."""
    paths = sorted({p for c in commits for ch in c.changes for p in (ch.path, ch.old_path) if p})
    rows = []
    for start in range(0, len(paths), 500):
        rows += store.rows("SELECT * FROM authorship WHERE repo = :repo AND path IN :paths", repo=repo,
                           paths=tuple(paths[start:start + 500]))
    return authorship.from_rows(rows)


def _known_text_or_binary(old: StoredFile | None, blob: str) -> bool:
    return old is not None and old.blob == blob and old.excluded in (None, "binary")


def stored_files(store: FactsStore, repo: str) -> dict[str, StoredFile]:
    return {r["path"]: StoredFile(r["blob"], r["options"], r["lines"], r["excluded"])
            for r in store.rows("SELECT path, blob, options, lines, excluded FROM files WHERE repo = :repo",
                                repo=repo)}


def clear_repository(conn: Connection, repo: str) -> None:
    for table in REPO_TABLES:
        conn.execute(text(f"DELETE FROM {table} WHERE repo = :repo"), {"repo": repo})


def save_repo(conn: Connection, summary: IngestSummary, shallow: bool) -> None:
    conn.execute(text(
        "INSERT INTO repos (name, path, head, shallow, ingested_at) VALUES (:name, :path, :head, :shallow, :at) "
        "ON CONFLICT (name) DO UPDATE SET path = excluded.path, head = excluded.head, "
        "shallow = excluded.shallow, ingested_at = excluded.ingested_at"),
        {"name": summary.repo, "path": summary.path, "head": summary.head, "shallow": int(shallow),
         "at": datetime.now(UTC).isoformat(timespec="seconds")})


def save_commits(conn: Connection, repo: str, commits: list[Commit], ticket_patterns: tuple[str, ...]) -> None:
    insert_many(conn, "commits", [
        {"repo": repo, "sha": c.sha, "author_name": c.name, "author_email": c.email,
         "authored_at": _iso(c.authored_at), "parents": c.parents, "message": redact(c.message).text}
        for c in commits])
    insert_many(conn, "file_changes", [
        {"repo": repo, "sha": c.sha, "path": ch.path, "old_path": ch.old_path, "status": ch.status,
         "added": ch.added, "deleted": ch.deleted}
        for c in commits for ch in c.changes])
    insert_many(conn, "commit_tickets", [
        {"repo": repo, "sha": c.sha, "key": key}
        for c in commits for key in sorted(ticket_keys(c.message, ticket_patterns))])


def save_authorship(conn: Connection, repo: str, histories: authorship.Histories, touched: set[str]) -> None:
    if touched:
        conn.execute(text("DELETE FROM authorship WHERE repo = :repo AND path = :path"),
                     [{"repo": repo, "path": p} for p in touched])
    insert_many(conn, "authorship", authorship.to_rows(repo, histories, touched))


def save_files(conn: Connection, repo: str, stored: dict[str, StoredFile], files: dict[str, dict]) -> None:
    changed = [p for p, row in files.items() if row["counts"] is not None]
    gone = [p for p in stored if p not in files]
    stale = [{"repo": repo, "path": p} for p in changed + gone]
    if stale:
        conn.execute(text("DELETE FROM blame_lines WHERE repo = :repo AND path = :path"), stale)
        conn.execute(text("DELETE FROM files WHERE repo = :repo AND path = :path"), stale)
    insert_many(conn, "files", [
        {"repo": repo, "path": p, "blob": files[p]["blob"], "options": files[p]["options"],
         "lines": files[p]["lines"], "excluded": files[p]["excluded"]} for p in changed])
    insert_many(conn, "blame_lines", [
        {"repo": repo, "path": p, "email": email, "name": name, "lines": lines}
        for p in changed for email, (name, lines) in files[p]["counts"].items()])


def _iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def warn(summary: IngestSummary, progress: Progress, message: str) -> None:
    summary.warnings.append(message)
    progress.warn(message)
