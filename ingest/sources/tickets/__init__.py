"""Ticket exports: one file from GitHub, Jira or Linear read into Tickets, the format told by content.

| Ticket.source | file | key |
|---|---|---|
| github-gh   | `gh issue list --json number,title,body,state,labels,assignees,author,...,comments` | GH-<number> |
| github-rest | a REST issue list (`GET /repos/{o}/{r}/issues`), or a search result's `items` | GH-<number> |
| jira-v2 / jira-v3 | REST search JSON, `{"issues": [{"key", "fields"}]}` | the issue key |
| jira-csv    | Jira's CSV export | `Issue key` |
| linear-csv  | Linear's CSV export | `ID` |

Each reader's docstring lists the fields it reads. A record that cannot become a ticket (no key or
title, a date that is not one) is skipped and reported as a Problem (`record N` in JSON, counted
from 1; `row N` in CSV, the header being row 1); the rest of the file is still read. A file that is
none of these formats raises InputError. A UTF-8 byte order mark, Windows line endings and an empty
export are all fine.
"""

from __future__ import annotations

import json
from datetime import UTC, tzinfo
from pathlib import Path

from handoff.core.errors import InputError
from handoff.core.records import Problem, Ticket
from handoff.ingest.sources.tickets import github, jira, jira_csv, linear
from handoff.ingest.sources.tickets.common import RecordError, convert_all
from handoff.ingest.sources.tickets.tables import read_table

ACCEPTED = (
    "expected `gh issue list --json` output, a GitHub REST issue list, Jira REST search JSON (API v2 or v3), "
    "a Jira CSV export or a Linear CSV export"
)


def read_tickets(path: Path, tz: tzinfo = UTC) -> tuple[list[Ticket], list[Problem]]:
    """The tickets of one export and the problems of the records left out.

    `tz` is the zone of times written without an offset (Jira CSV always, Linear sometimes):
    the zone of the person who exported the file.
    """
    text = _read_text(path)
    if not text.strip():
        return [], []
    if text.lstrip()[0] in "[{":
        return _from_json(path, text, tz)
    return _from_csv(path, text, tz)


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the ticket export ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; {ACCEPTED}") from None


def _from_json(path: Path, text: str, tz: tzinfo) -> tuple[list[Ticket], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg}); {ACCEPTED}") from None
    if isinstance(data, dict) and isinstance(data.get("issues"), list):
        source = jira.version(data["issues"])
        return convert_all(str(path), _numbered(data["issues"]), lambda raw: jira.from_issue(raw, source, tz))
    entries = data.get("items") if isinstance(data, dict) else data  # a GitHub search wraps its issues
    if not isinstance(entries, list):
        raise InputError(f"{path}: JSON that is not a ticket export; {ACCEPTED}")
    return _from_github(path, entries, tz)


def _from_github(path: Path, entries: list, tz: tzinfo) -> tuple[list[Ticket], list[Problem]]:
    """gh or REST, decided once for the file by the first entry whose keys tell."""
    flavour = next(filter(None, (github.flavour(e) for e in entries if isinstance(e, dict))), None)
    if flavour is None:
        if entries:
            raise InputError(f"{path}: a JSON list whose entries are not GitHub issues; {ACCEPTED}")
        return [], []
    return convert_all(str(path), _numbered(entries), lambda raw: _github(raw, flavour, tz))


def _github(raw: object, flavour: str, tz: tzinfo) -> Ticket:
    if not isinstance(raw, dict):
        raise RecordError("not a JSON object")
    return github.from_gh(raw, tz) if flavour == "github-gh" else github.from_rest(raw, tz)


def _numbered(entries: list) -> list[tuple[str, object]]:
    return [(f"record {n}", entry) for n, entry in enumerate(entries, start=1)]


def _from_csv(path: Path, text: str, tz: tzinfo) -> tuple[list[Ticket], list[Problem]]:
    header, records = read_table(text)
    if jira_csv.is_jira_csv(header):
        names = jira_csv.account_names([row for _, row in records])
        return convert_all(str(path), records, lambda row: jira_csv.from_row(row, names, tz))
    if linear.is_linear_csv(header):
        return convert_all(str(path), records, lambda row: linear.from_row(row, tz))
    shown = ", ".join(name for name in header[:6] if name) or "none"
    raise InputError(f"{path}: not a known ticket export (columns: {shown}); {ACCEPTED}")
