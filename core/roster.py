"""The roster: reading it from CSV or TOML, and keeping it in the facts store.

CSV columns (header names are case-insensitive; `email` / `start_date` / `end_date` accepted):
`id, name, emails, kind, vendor, team, start, end`, emails `;`-separated, dates ISO, and an optional
`aliases` column (`;`-separated tracker logins and other names, matched when a ticket export
names someone without an email).
TOML: `[[people]]` tables with the same keys, `emails` a list. A bad row stops the load with its
file, row and field, and nothing is loaded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NoReturn

from sqlalchemy import Connection, text

from handoff.core.errors import RosterError
from handoff.core.people import KINDS, Person
from handoff.core.store import FactsStore, get_meta, insert_many, set_meta

FIELDS = ("id", "name", "emails", "kind", "vendor", "team", "start", "end", "aliases")
ALIASES = {"email": "emails", "start_date": "start", "end_date": "end", "type": "kind"}


@dataclass
class RosterChange:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def read_roster(path: Path) -> list[Person]:
    if not path.is_file():
        raise RosterError(f"roster {path}: no such file; give the path of a CSV or TOML roster")
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"roster {path}: not UTF-8 text; export it as UTF-8 CSV") from None
    rows = _toml_rows(path, content) if path.suffix.lower() == ".toml" else _csv_rows(path, content)
    people: list[Person] = []
    seen_emails: dict[str, str] = {}
    for where, row in rows:
        person = _person(path, where, row)
        if any(p.id == person.id for p in people):
            raise RosterError(f"roster {path}: {where}, field 'id': {person.id!r} appears twice")
        for email in person.emails:
            if email in seen_emails:
                raise RosterError(
                    f"roster {path}: {where}, field 'emails': {email} already belongs to {seen_emails[email]}"
                )
            seen_emails[email] = person.id
        people.append(person)
    return people


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stored_roster(store: FactsStore) -> list[Person]:
    with store.read() as conn:
        return _stored(conn)


def replace_roster(store: FactsStore, people: list[Person], digest: str = "") -> RosterChange:
    """Swap the stored roster for `people` in one transaction; returns what changed."""
    with store.transaction() as conn:
        before = {p.id: p for p in _stored(conn)}
        conn.execute(text("DELETE FROM person_emails"))
        conn.execute(text("DELETE FROM people"))
        insert_many(conn, "people", [_person_row(p) for p in people])
        insert_many(conn, "person_emails", [{"email": e, "person_id": p.id} for p in people for e in p.emails])
        set_meta(conn, "roster_digest", digest)
    return _diff(before, {p.id: p for p in people})


def sync_roster(store: FactsStore, path: Path) -> RosterChange | None:
    """Load the roster named by the `roster` setting when its content changed since last time."""
    digest = file_digest(path) if path.is_file() else ""
    with store.read() as conn:
        if get_meta(conn, "roster_digest") == digest:
            return None
    return replace_roster(store, read_roster(path), digest)


def _csv_rows(path: Path, content: str):
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames:
        raise RosterError(f"roster {path}: empty file; it needs a header row with {', '.join(FIELDS)}")
    header = {name: ALIASES.get(_norm(name), _norm(name)) for name in reader.fieldnames if name}
    header = {name: column for name, column in header.items() if column in FIELDS}  # HR extras ignored
    for required in ("id", "name", "kind"):
        if required not in header.values():
            raise RosterError(f"roster {path}: header has no '{required}' column; columns are {', '.join(FIELDS)}")
    for number, record in enumerate(reader, start=2):
        row = {header[k]: (v or "").strip() for k, v in record.items() if k in header}
        if not any(row.values()):
            continue
        row["emails"] = row.get("emails", "").split(";")
        row["aliases"] = [a for a in row.get("aliases", "").split(";") if a.strip()]
        yield f"row {number}", row


def _toml_rows(path: Path, content: str):
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise RosterError(f"roster {path}: not valid TOML ({exc})") from None
    entries = data.get("people")
    if not isinstance(entries, list):
        raise RosterError(f"roster {path}: expected [[people]] tables with {', '.join(FIELDS)}")
    for number, entry in enumerate(entries, start=1):
        row = {ALIASES.get(_norm(k), _norm(k)): v for k, v in entry.items()}
        for listed in ("emails", "aliases"):
            value = row.get(listed, [])
            row[listed] = [value] if isinstance(value, str) else value
        yield f"person {number}", {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


def _person(path: Path, where: str, row: dict) -> Person:
    def fail(name: str, problem: str):
        raise RosterError(f"roster {path}: {where}, field '{name}': {problem}")

    unknown = set(row) - set(FIELDS)
    if unknown:
        fail(sorted(unknown)[0], f"unknown column; columns are {', '.join(FIELDS)}")
    pid, name = str(row.get("id") or "").strip(), str(row.get("name") or "").strip()
    if not pid:
        fail("id", "missing")
    if not name:
        fail("name", "missing")
    kind = str(row.get("kind") or "").strip().lower()
    if kind not in KINDS:
        fail("kind", f"{row.get('kind')!r} is not one of {' | '.join(KINDS)}")
    emails = []
    for email in row.get("emails") or []:
        email = str(email).strip().lower()
        if not email:
            continue
        if "@" not in email or " " in email:
            fail("emails", f"{email!r} is not an email address")
        emails.append(email)
    start, end = _date(row.get("start"), lambda p: fail("start", p)), _date(row.get("end"), lambda p: fail("end", p))
    if start and end and end < start:
        fail("end", f"{end} is before the start date {start}")
    return Person(id=pid, name=name, kind=kind, vendor=str(row.get("vendor") or "").strip() or None,
                  team=str(row.get("team") or "").strip() or None, start=start, end=end, emails=tuple(emails),
                  aliases=tuple(str(a).strip() for a in row.get("aliases") or [] if str(a).strip()))


def _date(value, fail: Callable[[str], NoReturn]) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        fail(f"{value!r} is not an ISO date (YYYY-MM-DD)")


def _norm(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def _stored(conn: Connection) -> list[Person]:
    emails: dict[str, list[str]] = {}
    for email, pid in conn.execute(text("SELECT email, person_id FROM person_emails ORDER BY email")):
        emails.setdefault(pid, []).append(email)
    people = []
    for r in conn.execute(text("SELECT * FROM people ORDER BY id")).mappings():
        people.append(Person(
            id=r["id"], name=r["name"], kind=r["kind"], vendor=r["vendor"], team=r["team"],
            start=date.fromisoformat(r["start_date"]) if r["start_date"] else None,
            end=date.fromisoformat(r["end_date"]) if r["end_date"] else None,
            emails=tuple(emails.get(r["id"], [])), aliases=tuple(json.loads(r["aliases"])),
        ))
    return people


def _person_row(p: Person) -> dict:
    return {"id": p.id, "name": p.name, "kind": p.kind, "vendor": p.vendor, "team": p.team,
            "start_date": p.start.isoformat() if p.start else None,
            "end_date": p.end.isoformat() if p.end else None, "aliases": json.dumps(list(p.aliases))}


def _diff(before: dict[str, Person], after: dict[str, Person]) -> RosterChange:
    change = RosterChange(added=sorted(after.keys() - before.keys()), removed=sorted(before.keys() - after.keys()))
    for pid in sorted(before.keys() & after.keys()):
        old, new = before[pid], after[pid]
        fields = [f for f in ("name", "kind", "vendor", "team", "start", "end", "emails", "aliases")
                  if getattr(old, f) != getattr(new, f)]
        if fields:
            change.changed[pid] = [f"{f}: {getattr(old, f)} -> {getattr(new, f)}" for f in fields]
    return change
