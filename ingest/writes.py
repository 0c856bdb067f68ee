"""ADRs and tickets as facts: what `handoff adrs`, offboarding and reports read.

Tickets are replaced per export file (a ticket gone from the file is gone from the facts);
ADRs per repository path. Text is stored redacted, as it is indexed.
"""

from __future__ import annotations

import json
import posixpath

from sqlalchemy import Connection, text

from handoff.core.records import Adr, Ticket
from handoff.core.store import insert_many
from handoff.ingest.documents import ticket_version


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
