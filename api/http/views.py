"""What a key's role may see of the facts: managers and admins everything, readers no HR facts.

Readers are answered from `retention.reader_view` (no contract dates, vendors, teams or
leaving statuses) and may not judge a date after today; managers and admins get the facts
as the CLI shows them.
"""

from __future__ import annotations

from datetime import date

from handoff.api.http.state import AppState
from handoff.core.errors import ForbiddenError
from handoff.core.facts import Facts
from handoff.core.keys import KeyRecord, permits

HR_ROLE = "manager"


def facts_for(st: AppState, key: KeyRecord) -> Facts:
    """The facts snapshot `key` may be answered from."""
    return st.facts.get() if permits(key.role, HR_ROLE) else st.facts.for_readers()


def as_of_for(key: KeyRecord, as_of: date | None, today: date | None = None) -> date:
    """The date to judge on: `as_of` or today; a reader may not ask about a date after today."""
    today = today or date.today()
    if as_of is not None and as_of > today and not permits(key.role, HR_ROLE):
        raise ForbiddenError(f"as_of {as_of.isoformat()}: a date after today needs the {HR_ROLE} role; "
                             f"the key {key.id} is a {key.role} key")
    return as_of or today
