"""Linear's CSV export (Settings > Import / Export > Export CSV).

Columns read: `ID, Title, Description, Status, Creator, Assignee, Labels (comma-separated),
Created, Updated, Completed, Canceled`. A ticket is closed when it has a Completed or Canceled
date, or a closed status; `resolved` is that date. Linear exports no comments, no issue type and no
url. Linear guards cells that a spreadsheet would take for a formula with a leading `'`, removed here.
"""

from __future__ import annotations

import re
from datetime import tzinfo

from handoff.core.records import Ticket
from handoff.ingest.sources.tickets.common import clean, iso_datetime, person, required, state_of
from handoff.ingest.sources.tickets.tables import first

FORMULA_GUARD = re.compile(r"^'(?=[=+\-@])")


def is_linear_csv(header: list[str]) -> bool:
    return {"id", "title", "status"} <= set(header) and bool({"team", "creator", "created"} & set(header))


def from_row(row: dict[str, list[str]], tz: tzinfo) -> Ticket:
    status = _cell(row, "status")
    completed = iso_datetime(_cell(row, "completed"), "Completed", tz)
    canceled = iso_datetime(_cell(row, "canceled"), "Canceled", tz)
    return Ticket(
        key=required(_cell(row, "id"), "ID"),
        title=required(_cell(row, "title"), "Title"),
        body=_cell(row, "description"),
        status=status,
        state="closed" if completed or canceled else state_of(status),
        assignee=person(_cell(row, "assignee")),
        reporter=person(_cell(row, "creator")),
        labels=[label.strip() for label in _cell(row, "labels").split(",") if label.strip()],
        created=iso_datetime(_cell(row, "created"), "Created", tz),
        updated=iso_datetime(_cell(row, "updated"), "Updated", tz),
        resolved=completed or canceled,
        source="linear-csv",
    )


def _cell(row: dict[str, list[str]], name: str) -> str:
    return clean(FORMULA_GUARD.sub("", first(row, name)))
