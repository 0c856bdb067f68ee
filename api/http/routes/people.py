"""People and their status, and offboarding checklists of contractors (manager)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from handoff.api.http.auth import require
from handoff.api.http.schemas import (
    CHECKLIST_EXAMPLE,
    CHECKLIST_MD_EXAMPLE,
    PEOPLE_EXAMPLE,
    PERSON_EXAMPLE,
    AsOfQuery,
    documented,
)
from handoff.api.http.state import AppState, state
from handoff.api.render.markdown import checklist_markdown
from handoff.api.workflows import contractor_checklist
from handoff.core.checklists import recorded
from handoff.core.errors import NotFoundError
from handoff.core.json import jsonable
from handoff.retention.offboarding.checklist import Checklist
from handoff.retention.people_report import PeopleReport, PersonRow, people
from handoff.retention.person_lookup import find_person

router = APIRouter(tags=["people"], dependencies=[Depends(require("manager"))])

Format = Annotated[Literal["json", "md"], Query(alias="format", description="json, or md: GitHub task lists.")]


@router.get("/people", responses=documented(PeopleReport, PEOPLE_EXAMPLE, 400, 401, 403))
def people_route(as_of: AsOfQuery = None, st: AppState = Depends(state)) -> JSONResponse:
    """Everyone: identities, kind, vendor, team, status, commits and lines held, with merge suggestions: the
    JSON of `handoff people --json`."""
    return JSONResponse(jsonable(people(st.facts.get(), as_of or date.today(), policy=st.policy())))


@router.get("/people/{person_id}", responses=documented(PersonRow, PERSON_EXAMPLE, 400, 401, 403, 404))
def person_route(person_id: str, as_of: AsOfQuery = None, st: AppState = Depends(state)) -> JSONResponse:
    """One person, found by id, email or name (an ambiguous name is a 400 listing the candidates): their
    row of GET /people."""
    facts = st.facts.get()
    found = find_person(facts, person_id)
    report = people(facts, as_of or date.today(), policy=st.policy())
    return JSONResponse(jsonable(next(row for row in report.people if row.person == found.id)))


MARKDOWN = {"text/markdown": CHECKLIST_MD_EXAMPLE}


@router.post("/people/{person_id}/offboarding", status_code=201, responses=documented(
    Checklist, CHECKLIST_EXAMPLE, 400, 401, 403, 404, status=201, others=MARKDOWN,
    description="Created; the `Handoff-Checklist` header says `created`.") | documented(
    Checklist, CHECKLIST_EXAMPLE, others=MARKDOWN, description="Refreshed, or unchanged: the header says which."))
def create_checklist(person_id: str, as_of: AsOfQuery = None, fmt: Format = "json",
                     st: AppState = Depends(state)) -> Response:
    """Build a contractor's offboarding checklist and record it: created, refreshed when its end date or
    at-risk files changed, or unchanged. The body is what `handoff offboard PERSON --format json|md` prints."""
    built, outcome = contractor_checklist(st.ws, st.facts.get(), st.readers.retriever().collection, person_id,
                                          as_of or date.today(), policy=st.policy())
    headers, status = {"Handoff-Checklist": outcome}, 201 if outcome == "created" else 200
    if fmt == "md":
        return PlainTextResponse(checklist_markdown(built), status, headers, media_type="text/markdown")
    return JSONResponse(jsonable(built), status, headers)


@router.get("/people/{person_id}/offboarding", responses=documented(Checklist, CHECKLIST_EXAMPLE, 400, 401, 403, 404))
def recorded_checklist(person_id: str, st: AppState = Depends(state)) -> JSONResponse:
    """The checklist last recorded for a contractor, by POST here or by `handoff offboard --due`."""
    person = find_person(st.facts.get(), person_id)
    found = recorded(st.ws.store, person.id)
    if found is None:
        raise NotFoundError(f"no offboarding checklist recorded for {person.name} ({person.id}); "
                            f"POST /people/{person.id}/offboarding builds one")
    return JSONResponse(found.content)
