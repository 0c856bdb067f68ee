"""Jira's CSV export ("Export CSV (all fields)" or "current fields").

Columns read (names as Jira writes them, matched without case): `Issue key, Summary, Description,
Status, Status Category, Issue Type, Assignee, Reporter, Created, Updated, Resolved`, every
`Labels` column and every `Comment` column. Dates are in Jira's export format (`15/Jan/24 9:30 AM`)
without an offset, so they are read in the zone the caller gives. A comment cell is
`date;author;body`; Jira Cloud writes the author as an account id, turned back into a name when the
same export pairs that id with a name in `Assignee Id` / `Reporter Id` / `Creator Id`. A comment
that does not follow that shape is kept whole as its body. The export has no issue url.
"""

from __future__ import annotations

from datetime import tzinfo

from handoff.core.records import Comment, Identity, Ticket
from handoff.ingest.sources.tickets.common import RecordError, clean, jira_datetime, person, required, state_of
from handoff.ingest.sources.tickets.tables import every, first

PEOPLE_COLUMNS = ("assignee", "reporter", "creator")


def is_jira_csv(header: list[str]) -> bool:
    return "issue key" in header and "summary" in header


def account_names(rows: list[dict[str, list[str]]]) -> dict[str, str]:
    """Account id -> display name, from the `X` / `X Id` column pairs of the whole export."""
    names = {}
    for row in rows:
        for column in PEOPLE_COLUMNS:
            account, name = first(row, f"{column} id"), first(row, column)
            if account and name:
                names[account.strip()] = name.strip()
    return names


def from_row(row: dict[str, list[str]], names: dict[str, str], tz: tzinfo) -> Ticket:
    status = clean(first(row, "status"))
    resolved = jira_datetime(first(row, "resolved"), "Resolved", tz)
    return Ticket(
        key=required(first(row, "issue key"), "Issue key"),
        title=required(first(row, "summary"), "Summary"),
        body=clean(first(row, "description")),
        status=status,
        state=_state(status, clean(first(row, "status category")), resolved is not None),
        type=clean(first(row, "issue type")),
        assignee=person(first(row, "assignee")),
        reporter=person(first(row, "reporter")),
        labels=every(row, "labels"),
        created=jira_datetime(first(row, "created"), "Created", tz),
        updated=jira_datetime(first(row, "updated"), "Updated", tz),
        resolved=resolved,
        comments=[_comment(cell, names, tz) for cell in every(row, "comment")],
        source="jira-csv",
    )


def _state(status: str, category: str, resolved: bool) -> str:
    if category:
        return "closed" if category.lower() == "done" else "open"
    return "closed" if resolved else state_of(status)


def _comment(cell: str, names: dict[str, str], tz: tzinfo) -> Comment:
    parts = cell.split(";", 2)
    if len(parts) == 3:
        try:
            created = jira_datetime(parts[0], "Comment", tz)
        except RecordError:
            created = None
        if created:
            author = parts[1].strip()
            return Comment(person(names.get(author, author)) or Identity(), created, clean(parts[2]))
    return Comment(Identity(), None, clean(cell))
