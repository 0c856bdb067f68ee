"""The facts ingest writes, one function per group of tables; the pipeline's write steps call them
inside their one transaction, so a failed step leaves the previous facts exactly as they were and a
repeated one never duplicates a fact.

    repositories  repos, commits, file_changes, commit_tickets, authorship, files, blame_lines
    ADRs          replaced per repository path
    tickets       replaced per export file (a ticket gone from the file is gone from the facts)

Text is stored redacted, as it is indexed.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text

from handoff.core.errors import InputError
from handoff.core.records import Adr, Ticket
from handoff.core.store import FactsStore, insert_many
from handoff.ingest.documents import ticket_version
from handoff.ingest.redact import redact
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.history import Commit
from handoff.ingest.sources.links import ticket_keys

if TYPE_CHECKING:
    from handoff.ingest.staged import IngestSummary

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
REPO_TABLES = ("commits", "file_changes", "commit_tickets", "authorship", "files", "blame_lines")


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


def stored_head(store: FactsStore, name: str) -> str | None:
    rows = store.rows("SELECT head FROM repos WHERE name = :name", name=name)
    return rows[0]["head"] if rows else None


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
         "authored_at": _epoch_iso(c.authored_at), "parents": c.parents, "message": redact(c.message).text}
        for c in commits])
    insert_many(conn, "file_changes", [
        {"repo": repo, "sha": c.sha, "path": ch.path, "old_path": ch.old_path, "status": ch.status,
         "added": ch.added, "deleted": ch.deleted}
        for c in commits for ch in c.changes])
    insert_many(conn, "commit_tickets", [
        {"repo": repo, "sha": c.sha, "key": key}
        for c in commits for key in sorted(ticket_keys(c.message, ticket_patterns))])


def save_authorship(conn: Connection, repo: str, rows: list[dict], touched: set[str]) -> None:
    """Replace the authorship rows of the `touched` paths with `rows`."""
    if touched:
        conn.execute(text("DELETE FROM authorship WHERE repo = :repo AND path = :path"),
                     [{"repo": repo, "path": p} for p in touched])
    insert_many(conn, "authorship", rows)


def save_files(conn: Connection, repo: str, stored: dict[str, StoredFile], files: dict[str, dict]) -> None:
    """The `files` rows (and their `blame_lines`) of paths blamed or sorted again, and none of paths gone."""
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


def _epoch_iso(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def save_adrs(conn: Connection, repo: str, adrs: dict[str, Adr], gone: list[str], known_paths: set[str]) -> None:
    """Replace the facts of the ADRs at `adrs`' paths and of `gone` paths."""
    stale = [{"repo": repo, "path": p} for p in [*adrs, *gone]]
    if stale:
        conn.execute(text("DELETE FROM adr_links WHERE repo = :repo AND path = :path"), stale)
        conn.execute(text("DELETE FROM adrs WHERE repo = :repo AND path = :path"), stale)
    insert_many(conn, "adrs", [
        {"repo": repo, "path": path, "number": a.number, "title": a.title, "status": a.status, "date": a.date,
         "deciders": json.dumps(a.deciders), "format": a.format} for path, a in adrs.items()])
    links = {(path, link.kind, link.target): _target_path(path, link.target, known_paths)
             for path, a in adrs.items() for link in a.links}
    insert_many(conn, "adr_links", [
        {"repo": repo, "path": path, "kind": kind, "target": target, "target_path": target_path}
        for (path, kind, target), target_path in links.items()])


def save_tickets(conn: Connection, source_file: str, tickets: list[Ticket], repo: str | None) -> None:
    keys = conn.execute(text("SELECT key FROM tickets WHERE source_file = :f"), {"f": source_file}).scalars().all()
    keys = list({*keys, *(t.key for t in tickets)})
    if keys:
        conn.execute(text("DELETE FROM ticket_comments WHERE key = :key"), [{"key": k} for k in keys])
        conn.execute(text("DELETE FROM tickets WHERE key = :key"), [{"key": k} for k in keys])
    insert_many(conn, "tickets", [_ticket_row(t, source_file, repo) for t in tickets])
    insert_many(conn, "ticket_comments", [
        {"key": t.key, "n": n, "author_name": c.author.name, "author_email": c.author.email.lower() or None,
         "created": _iso(c.created), "body": c.body}
        for t in tickets for n, c in enumerate(t.comments)])


def _ticket_row(t: Ticket, source_file: str, repo: str | None) -> dict:
    return {
        "key": t.key, "source_file": source_file, "repo": repo, "title": t.title, "body": t.body,
        "status": t.status, "state": t.state, "type": t.type,
        "assignee_name": t.assignee.name if t.assignee else None,
        "assignee_email": (t.assignee.email.lower() or None) if t.assignee else None,
        "reporter_name": t.reporter.name if t.reporter else None,
        "reporter_email": (t.reporter.email.lower() or None) if t.reporter else None,
        "labels": json.dumps(t.labels), "created": _iso(t.created), "updated": _iso(t.updated),
        "resolved": _iso(t.resolved), "url": t.url, "source": t.source, "version": ticket_version(t),
    }


def _target_path(adr_path: str, target: str, known: set[str]) -> str | None:
    """The repository path a link points at, when it is written as a path to a known file."""
    candidate = posixpath.normpath(posixpath.join(posixpath.dirname(adr_path), target.split("#", 1)[0]))
    return candidate if candidate in known else None


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None
