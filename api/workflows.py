"""What a command and its route both do beyond parsing and rendering, when it takes several layers.

The drain report needs ownership sampled at past month-ends (ingest: it blames with git, and
caches), the checklists recorded so far (the store), what documents each file (the index) and
the analysis itself (retention); a contractor's checklist needs the index and the store. The CLI
and the HTTP API each call these, so both give the same report and record the same checklist.
"""

from __future__ import annotations

from datetime import date

from handoff.assist.indexed_docs import indexed_documentation
from handoff.assist.offboarding import record_checklist, stored_checklists
from handoff.core.facts import Facts
from handoff.core.progress import Progress
from handoff.core.workspace import Workspace
from handoff.retention.drain import RISE_POINTS, DrainReport, drain
from handoff.retention.offboarding.checklist import Checklist
from handoff.retention.person_lookup import find_person
from handoff.retention.policy import RiskPolicy


def drain_report(ws: Workspace, facts: Facts, collection, as_of: date, *, policy: RiskPolicy,
                 rise_points: float = RISE_POINTS, progress: Progress | None = None) -> DrainReport:
    """The knowledge-drain report on `as_of`; `collection` is the index's (None for a --facts-only workspace)."""
    from handoff.ingest.samples import sample_ownership  # reads git: loaded only for a report

    samples = sample_ownership(ws.store, ws.settings, as_of, progress=progress,
                               git_cache=ws.home / "git")
    return drain(facts, as_of, policy=policy, samples=samples, checklists=stored_checklists(ws.store),
                 docs=indexed_documentation(collection, facts), rise_points=rise_points)


def contractor_checklist(ws: Workspace, facts: Facts, collection, person_query: str, as_of: date, *,
                         policy: RiskPolicy) -> tuple[Checklist, str]:
    """The checklist of the contractor `person_query` names, recorded unless unchanged; and the outcome."""
    person = find_person(facts, person_query)
    docs = indexed_documentation(collection, facts)
    return record_checklist(ws.store, facts, person, as_of, docs, policy=policy)
