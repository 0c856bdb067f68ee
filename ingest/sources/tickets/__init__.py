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

Exports are read as a stream (`json_records`, and CSV row by row), so memory follows the tickets
kept, not the file. A ticket's text (body, then comments) is cut to `max_text` characters and each
cut is a Problem saying how much was left out; a JSON record longer than RECORD_FACTOR times that,
or nested deeper than any real one, is skipped whole, as a CSV cell of that size refuses the file.
Text no UTF-8 can carry (a lone surrogate escaped in JSON) becomes U+FFFD, and a url that is not
http(s) or mailto (`javascript:...`) is dropped.
"""

from __future__ import annotations

import csv
from datetime import UTC, tzinfo
from pathlib import Path

from handoff.core.errors import InputError
from handoff.core.markup import safe_link
from handoff.core.records import Problem, Ticket
from handoff.ingest.sources.tickets import github, jira, jira_csv, linear
from handoff.ingest.sources.tickets.common import RecordError, convert_all, cut_text, plain_text
from handoff.ingest.sources.tickets.json_records import Skipped, json_records
from handoff.ingest.sources.tickets.tables import read_table

ACCEPTED = (
    "expected `gh issue list --json` output, a GitHub REST issue list, Jira REST search JSON (API v2 or v3), "
    "a Jira CSV export or a Linear CSV export"
)
DEFAULT_MAX_TEXT = 2_000_000
RECORD_FACTOR = 64
SNIFF = 4096


def read_tickets(path: Path, tz: tzinfo = UTC,
                 max_text: int = DEFAULT_MAX_TEXT) -> tuple[list[Ticket], list[Problem]]:
    """The tickets of one export and the problems of the records left out or cut.

    `tz` is the zone of times written without an offset (Jira CSV always, Linear sometimes):
    the zone of the person who exported the file.
    """
    start = _first_character(path)
    if not start:
        return [], []
    with _open(path) as handle:
        if start in "[{":
            tickets, problems = _from_json(path, handle, tz, max_text)
        else:
            tickets, problems = _from_csv(path, handle, tz, max_text)
    for ticket in tickets:
        plain_text(ticket)
        ticket.url = safe_link(ticket.url) or ""
        left_out = cut_text(ticket, max_text)
        if left_out:
            problems.append(Problem(str(path), ticket.key, f"text cut to {max_text:,} characters; {left_out:,} "
                                                           "left out (max_ticket_text)"))
    return tickets, problems


def _open(path: Path):
    try:
        return path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the ticket export ({exc.strerror})") from None


def _first_character(path: Path) -> str:
    """The first character that is not white space, or '' for an empty export."""
    with _open(path) as handle:
        while block := _read(path, handle, SNIFF):
            if block.strip():
                return block.strip()[0]
    return ""


def _read(path: Path, handle, size: int) -> str:
    try:
        return handle.read(size)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; {ACCEPTED}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read the ticket export ({exc.strerror})") from None


def _from_json(path: Path, handle, tz: tzinfo, max_text: int) -> tuple[list[Ticket], list[Problem]]:
    try:
        container, records = json_records(handle, str(path), RECORD_FACTOR * max_text)
        skipped: list[Problem] = []
        numbered = _numbered(path, records, skipped)
        if container == "issues":
            tickets, problems = _from_jira(path, numbered, tz)
        else:
            tickets, problems = _from_github(path, numbered, tz)
    except InputError as exc:
        raise InputError(exc.message if ACCEPTED in exc.message else f"{exc.message}; {ACCEPTED}") from None
    return tickets, sorted(skipped + problems, key=_record_order)


def _numbered(path: Path, records, skipped: list[Problem]):
    """(`record N`, raw) for each decoded record; each skipped one goes to `skipped`."""
    for n, raw in enumerate(records, start=1):
        if isinstance(raw, Skipped):
            skipped.append(Problem(str(path), f"record {n}", raw.reason))
        else:
            yield f"record {n}", raw


def _record_order(problem: Problem) -> int:
    return int(problem.where.split()[-1]) if problem.where.startswith("record ") else 0


def _from_jira(path: Path, records, tz: tzinfo) -> tuple[list[Ticket], list[Problem]]:
    """Each issue read as it comes; the API version is the file's, so once one issue shows v3 all are."""
    v3 = False

    def watched():
        nonlocal v3
        for where, raw in records:
            v3 = v3 or jira.version([raw]) == "jira-v3"
            yield where, raw

    tickets, problems = convert_all(str(path), watched(), lambda raw: jira.from_issue(raw, "jira-v2", tz))
    for ticket in tickets if v3 else ():
        ticket.source = "jira-v3"
    return tickets, problems


def _from_github(path: Path, entries, tz: tzinfo) -> tuple[list[Ticket], list[Problem]]:
    """gh or REST, decided once for the file by the first entry whose keys tell; the entries before it
    wait for it."""
    flavour, waiting = None, []

    def told():
        nonlocal flavour
        for where, raw in entries:
            flavour = flavour or (github.flavour(raw) if isinstance(raw, dict) else None)
            waiting.append((where, raw))
            if flavour:
                yield from waiting
                waiting.clear()
        if waiting:
            raise InputError(f"{path}: a JSON list whose entries are not GitHub issues; {ACCEPTED}")

    return convert_all(str(path), told(), lambda raw: _github(raw, flavour, tz))


def _github(raw: object, flavour: str | None, tz: tzinfo) -> Ticket:
    if not isinstance(raw, dict):
        raise RecordError("not a JSON object")
    return github.from_gh(raw, tz) if flavour == "github-gh" else github.from_rest(raw, tz)


def _from_csv(path: Path, handle, tz: tzinfo, max_text: int) -> tuple[list[Ticket], list[Problem]]:
    try:
        header, records = read_table(handle, RECORD_FACTOR * max_text, max_text)
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; {ACCEPTED}") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV file ({exc}); {ACCEPTED}") from None
    if jira_csv.is_jira_csv(header):
        names = jira_csv.account_names([row for _, row in records])
        return convert_all(str(path), records, lambda row: jira_csv.from_row(row, names, tz))
    if linear.is_linear_csv(header):
        return convert_all(str(path), records, lambda row: linear.from_row(row, tz))
    shown = ", ".join(name for name in header[:6] if name) or "none"
    raise InputError(f"{path}: not a known ticket export (columns: {shown}); {ACCEPTED}")
