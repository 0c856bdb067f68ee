"""Offboarding as a workflow shared by the CLI and the API: build a checklist, record it.

The checklist itself is a pure analysis (`retention.offboarding`); this module adds what it
reads from the index (what documents each file) and the recording in the facts store, so
`handoff offboard`, `--due`, `POST /people/{id}/offboarding` and the drain report agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handoff.core.checklists import fingerprint, record
from handoff.core.facts import Facts
from handoff.core.json import jsonable
from handoff.core.people import Person
from handoff.core.store import FactsStore
from handoff.retention.documentation import Documentation
from handoff.retention.drain import ChecklistNote
from handoff.retention.offboarding.checklist import Checklist, checklist, due
from handoff.retention.policy import RiskPolicy


@dataclass
class DueOutcome:
    person: str
    name: str
    end_date: date | None
    outcome: str  # created | refreshed | unchanged
    files_at_risk: int
    fingerprint: str


def record_checklist(store: FactsStore, facts: Facts, person: Person, as_of: date, docs: Documentation, *,
                     policy: RiskPolicy) -> tuple[Checklist, str]:
    """The person's checklist, recorded unless the recorded one has the same fingerprint; and the outcome."""
    built = checklist(facts, person.id, as_of, docs, policy=policy)
    digest = fingerprint(person.end, built.at_risk_files)
    return built, record(store, person.id, as_of, person.end, digest, jsonable(built))


def record_due(store: FactsStore, facts: Facts, docs: Documentation, as_of: date, within_days: int, *,
               policy: RiskPolicy) -> list[DueOutcome]:
    """Record the checklist of every contractor whose end date falls within `within_days`."""
    outcomes = []
    for person in due(facts, as_of, within_days):
        built, outcome = record_checklist(store, facts, person, as_of, docs, policy=policy)
        outcomes.append(DueOutcome(person.id, person.name, person.end, outcome, len(built.at_risk_files),
                                   fingerprint(person.end, built.at_risk_files)))
    return outcomes


def stored_checklists(store: FactsStore) -> dict[str, ChecklistNote]:
    """The checklists recorded so far: whose, their fingerprint, when last written."""
    return {r["person"]: ChecklistNote(r["person"], r["fingerprint"], date.fromisoformat(r["updated_at"][:10]))
            for r in store.rows("SELECT person, fingerprint, updated_at FROM checklists")}
