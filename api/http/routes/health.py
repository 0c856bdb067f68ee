"""Liveness and readiness, for process managers and load balancers; no key needed."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from handoff.api.http.schemas import Health, documented
from handoff.api.http.state import AppState, state
from handoff.core.errors import WorkspaceError

router = APIRouter(tags=["health"])


class NotReadyError(WorkspaceError):
    code = "not_ready"


@router.get("/healthz", response_model=Health, responses=documented(Health, {"status": "ok"}))
def healthz() -> Health:
    """The process answers."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=documented(Health, {"status": "ready"}, 503))
def readyz(st: AppState = Depends(state)) -> Health:
    """The search index and its embedding model are loaded, so a question is answered without a wait."""
    if not st.readers.loaded:
        raise NotReadyError("the search index and embedding model are still loading")
    return Health(status="ready")
