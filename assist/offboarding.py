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
from handoff.core.people import Person
from handoff.core.json import jsonable
from handoff.core.settings import Settings
from handoff.core.store import FactsStore
from handoff.retention.documentation import Documentation
from handoff.retention.drain import ChecklistNote
from handoff.retention.offboarding.checklist import Checklist, checklist, due

from handoff.assist.indexed_docs import IndexedChunks, documentation


@dataclass
class DueOutcome:
    person: str
    name: str
    end_date: date
    outcome: str  # created | refreshed | unchanged
    files_at_risk: int
    fingerprint: str


def indexed_documentation(collection, facts: Facts) -> Documentation:
    """What the index says documents each file; empty when there is no index (a --facts-only workspace)."""
    return documentation(IndexedChunks(collection), facts) if collection is not None else Documentation()


def build_checklist(facts: Facts, person_id: str, as_of: date, docs: Documentation, settings: Settings) -> Checklist:
    return checklist(facts, person_id, as_of, docs, threshold=settings.risk_threshold,
                     horizon_days=settings.horizon_days, critical_share=settings.critical_share)


def record_checklist(store: FactsStore, facts: Facts, person: Person, as_of: date, docs: Documentation,
                     settings: Settings) -> tuple[Checklist, str]:
    """The person's checklist, recorded unless the recorded one has the same fingerprint; and the outcome."""
    built = build_checklist(facts, person.id, as_of, docs, settings)
    digest = checklist_fingerprint(person, built)
    return built, record(store, person.id, as_of, person.end, digest, jsonable(built))


def record_due(store: FactsStore, facts: Facts, docs: Documentation, as_of: date, within_days: int,
               settings: Settings) -> list[DueOutcome]:
    """Record the checklist of every contractor whose end date falls within `within_days`."""
    outcomes = []
    for person in due(facts, as_of, within_days):
        built, outcome = record_checklist(store, facts, person, as_of, docs, settings)
        outcomes.append(DueOutcome(person.id, person.name, person.end, outcome, len(built.at_risk_files),
                                   checklist_fingerprint(person, built)))
    return outcomes


def checklist_fingerprint(person: Person, built: Checklist) -> str:
    return fingerprint(person.end, [(f.repo, f.path, f.level) for f in built.at_risk_files])


def stored_checklists(store: FactsStore) -> dict[str, ChecklistNote]:
    """The checklists recorded so far: whose, their fingerprint, when last written."""
    return {r["person"]: ChecklistNote(r["person"], r["fingerprint"], date.fromisoformat(r["updated_at"][:10]))
            for r in store.rows("SELECT person, fingerprint, updated_at FROM checklists")}
