"""Ingest jobs (admin): submitted here, run by the job runner outside the request, followed by polling."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from handoff.api.http.auth import require
from handoff.api.http.schemas import JOB_EXAMPLE, IngestRequest, documented
from handoff.api.http.state import AppState, state
from handoff.core.json import jsonable
from handoff.ingest.jobs.plan import plan_ingest
from handoff.ingest.jobs.store import Job

router = APIRouter(prefix="/ingest/jobs", tags=["ingest"], dependencies=[Depends(require("admin"))])

QUEUED = {**JOB_EXAMPLE, "state": "queued", "stage": None, "done": 0, "total": None}


@router.post("", status_code=202, responses=documented(
    Job, QUEUED, 400, 401, 403, status=202, description="Queued; follow it at GET /ingest/jobs/{id}."))
def submit_job(body: IngestRequest, st: AppState = Depends(state)) -> JSONResponse:
    """Queue an ingest of a repository (a clone under the allowed roots, or a network git URL) and/or
    ticket exports. Paths outside the allowed roots, `..`, symlinks leading out of them, transport
    helpers (`ext::`, `file::`) and option-like values are refused with 400."""
    plan = plan_ingest(st.ws, body.repository, body.name, body.tickets, body.configured, body.index)
    return JSONResponse(jsonable(st.jobs.submit(plan, body.model_dump())), status_code=202)


@router.get("/{job_id}", responses=documented(Job, JOB_EXAMPLE, 401, 403, 404))
def get_job(job_id: str, st: AppState = Depends(state)) -> JSONResponse:
    """A job's state (queued, running, succeeded, failed, cancelled), its stage and items done of the
    total (what the CLI's progress bars show), warnings and errors, and the ingest summary once done."""
    return JSONResponse(jsonable(st.jobs.get(job_id)))


@router.delete("/{job_id}", responses=documented(Job, {**JOB_EXAMPLE, "cancel_requested": True}, 401, 403, 404))
def cancel_job(job_id: str, st: AppState = Depends(state)) -> JSONResponse:
    """Cancel a job: a queued one never starts, a running one stops at its next file or batch and keeps
    what it had committed; a finished job is returned unchanged."""
    return JSONResponse(jsonable(st.jobs.cancel(job_id)))
