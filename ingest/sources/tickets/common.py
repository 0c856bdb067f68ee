"""What every ticket reader shares: turning records into tickets without losing the good ones,
dates, people and open/closed.

A reader hands `convert_all` its records as `(where, raw)` pairs and a function that turns one raw
record into a Ticket or raises RecordError; a bad record becomes a Problem and the rest go on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import fields, is_dataclass, replace
from datetime import datetime, tzinfo
from typing import Any

from handoff.core.records import Identity, Problem, Ticket
from handoff.core.text import without_surrogates

CLOSED_STATUSES = {
    "done", "closed", "resolved", "canceled", "cancelled", "completed", "complete", "fixed",
    "duplicate", "won't do", "won't fix", "wontfix", "rejected",
}
MONTHS = {name: n for n, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
# Jira's export format is `dd/MMM/yy h:mm a` unless an admin changed it; servers often use 24 h.
JIRA_DATE = re.compile(
    r"^(\d{1,2})/([A-Za-z]{3})/(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$"
)


class RecordError(ValueError):
    """One record that cannot become a ticket; the message says which field and why."""


def convert_all(
    source: str, records: Iterable[tuple[str, Any]], convert: Callable[[Any], Ticket]
) -> tuple[list[Ticket], list[Problem]]:
    tickets, problems = [], []
    for where, raw in records:
        try:
            tickets.append(convert(raw))
        except RecordError as exc:
            problems.append(Problem(source, where, str(exc)))
        except (AttributeError, TypeError) as exc:  # a field holding a list where an object belongs, ...
            problems.append(Problem(source, where, f"a field has an unexpected shape ({exc})"))
        except RecursionError:
            problems.append(Problem(source, where, "nested too deep to read; skipped"))
    return tickets, problems


def plain_text(record):
    """`record` (a ticket and what it holds) with every string made text UTF-8 can carry, in place."""
    for item in fields(record):
        setattr(record, item.name, _plain(getattr(record, item.name)))
    return record


def _plain(value):
    if isinstance(value, str):
        return without_surrogates(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Identity):
        return replace(value, name=without_surrogates(value.name), email=without_surrogates(value.email))
    if is_dataclass(value):
        return plain_text(value)
    return value


def cut_text(ticket: Ticket, max_chars: int) -> int:
    """Cut the ticket's title, body and comments, in that order, to `max_chars` characters in all;
    returns how many were left out."""
    left, cut = max_chars, 0
    ticket.title, left, cut = _cut(ticket.title, left, cut)
    ticket.body, left, cut = _cut(ticket.body, left, cut)
    for comment in ticket.comments:
        comment.body, left, cut = _cut(comment.body, left, cut)
    return cut


def _cut(text: str, left: int, cut: int) -> tuple[str, int, int]:
    kept = text[:left]
    return kept, left - len(kept), cut + len(text) - len(kept)


def required(value: object, field: str) -> str:
    text = clean(value)
    if not text:
        raise RecordError(f"no {field}")
    return text


def clean(value: object) -> str:
    """Text as a tracker gave it, with Windows line endings made plain and outer space removed."""
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def iso_datetime(value: object, field: str, tz: tzinfo) -> datetime | None:
    """An ISO 8601 timestamp (GitHub, Jira, Linear), or JavaScript's `Date.toString()` form that
    Linear's CSV export writes (`Mon Sep 15 2025 17:00:00 GMT+0000 (Coordinated Universal Time)`);
    one without an offset is read in `tz`."""
    text = clean(value)
    if not text:
        return None
    try:
        parsed: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        parsed = _javascript_date(text)
    if parsed is None:
        raise RecordError(f"{field}: {text!r} is not an ISO 8601 date")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _javascript_date(text: str) -> datetime | None:
    match = JS_DATE.match(text)
    if match is None:
        return None
    return datetime.strptime(f"{match['date']} {match['offset']}", "%b %d %Y %H:%M:%S %z")


JS_DATE = re.compile(r"^[A-Z][a-z]{2} (?P<date>[A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT(?P<offset>[+-]\d{4})")


def jira_datetime(value: object, field: str, tz: tzinfo) -> datetime | None:
    """A date in Jira's CSV export (`15/Jan/24 9:30 AM`), read in `tz` since Jira writes no offset."""
    text = clean(value)
    if not text:
        return None
    match = JIRA_DATE.match(text)
    if not match:
        return iso_datetime(text, field, tz)
    day, month, year, hour, minute, second, half = match.groups()
    try:
        return datetime(
            int(year) + (2000 if len(year) == 2 else 0), MONTHS[month.lower()], int(day),
            _hour_of_day(int(hour), half), int(minute), int(second or 0), tzinfo=tz,
        )
    except (KeyError, ValueError):
        raise RecordError(f"{field}: {text!r} is not a date") from None


def _hour_of_day(hour: int, half: str | None) -> int:
    """24-hour clock from `h a`: 12 AM is 0, 12 PM is 12; without AM/PM the hour is already 24-hour."""
    if not half:
        return hour
    return hour % 12 + (12 if half.lower() == "pm" else 0)


def person(name: object = "", email: object = "") -> Identity | None:
    """An Identity, or None when the source names nobody; an email given as the name moves over."""
    name, email = clean(name), clean(email)
    if not email and "@" in name and " " not in name:
        name, email = "", name
    return Identity(name, email) if name or email else None


def state_of(status: str) -> str:
    return "closed" if status.strip().lower() in CLOSED_STATUSES else "open"
