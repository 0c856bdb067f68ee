"""Recorded offboarding checklists: one per person in the `checklists` table.

A scheduled run (`handoff offboard --due`) records the checklist of every contractor about to
leave. What decides whether a recorded checklist is still right is its fingerprint: the end
date and the at-risk files with their levels. A run whose fingerprint matches the recorded one
changes nothing, so cron can run it daily; a moved end date or a newly at-risk file refreshes it.
Timestamps are the as-of dates of the runs, so the same inputs give the same rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import Connection, text

from handoff.core.store import FactsStore, insert_many


@dataclass
class RecordedChecklist:
    person: str
    as_of: str
    end_date: str | None
    fingerprint: str
    content: dict
    created_at: str
    updated_at: str


class AtRisk(Protocol):
    repo: str
    path: str
    level: str


def fingerprint(end_date: date | None, files: Iterable[AtRisk]) -> str:
    """Digest of the end date and the sorted (repo, path, level) of the at-risk files."""
    payload = {"end": end_date.isoformat() if end_date else None,
               "files": sorted([f.repo, f.path, f.level] for f in files)}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]


def record(store: FactsStore, person: str, as_of: date, end_date: date | None, digest: str, content: dict) -> str:
    """Insert or refresh `person`'s checklist unless the recorded one has the same fingerprint.

    Returns what happened: created, refreshed or unchanged.
    """
    with store.transaction() as conn:
        row = conn.execute(text("SELECT fingerprint FROM checklists WHERE person = :person"),
                           {"person": person}).first()
        if row is not None and row.fingerprint == digest:
            return "unchanged"
        values = {"person": person, "as_of": as_of.isoformat(), "end_date": end_date.isoformat() if end_date else None,
                  "fingerprint": digest, "content": json.dumps(content, ensure_ascii=False, sort_keys=True),
                  "updated_at": as_of.isoformat()}
        if row is None:
            insert_many(conn, "checklists", [{**values, "created_at": as_of.isoformat()}])
            return "created"
        _update(conn, values)
        return "refreshed"


def recorded(store: FactsStore, person: str) -> RecordedChecklist | None:
    rows = store.rows("SELECT * FROM checklists WHERE person = :person", person=person)
    if not rows:
        return None
    row = dict(rows[0])
    row["content"] = json.loads(row["content"])
    return RecordedChecklist(**row)


def _update(conn: Connection, values: dict) -> None:
    conn.execute(text("UPDATE checklists SET as_of = :as_of, end_date = :end_date, fingerprint = :fingerprint, "
                      "content = :content, updated_at = :updated_at WHERE person = :person"), values)
