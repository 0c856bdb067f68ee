"""Ownership and truck factor of the code (reader), knowledge at risk (manager)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from handoff.retention.ownership import ownership
from handoff.retention.risk import risk
from handoff.retention.truck_factor import truck_factor
from handoff.retention.ownership import OwnershipReport
from handoff.retention.risk import RiskReport
from handoff.retention.truck_factor import TruckFactorReport

from handoff.api.http.app import AppState, state
from handoff.api.http.auth import require
from handoff.core.json import jsonable
from handoff.api.http.schemas import OWNERSHIP_EXAMPLE, RISK_EXAMPLE, TRUCK_FACTOR_EXAMPLE, AsOfQuery, documented

router = APIRouter(tags=["retention"])

Repo = Annotated[str | None, Query(description="Only this repository.")]


@router.get("/ownership", dependencies=[Depends(require("reader"))],
            responses=documented(OwnershipReport, OWNERSHIP_EXAMPLE, 400, 401, 403, 404))
def ownership_route(repo: Repo = None, as_of: AsOfQuery = None, st: AppState = Depends(state),
                    path: Annotated[str | None, Query(description="Only files under this folder or path.")] = None,
                    ) -> JSONResponse:
    """Who owns the lines surviving at HEAD, per file and per folder, and the files left out with their
    reason: the JSON of `handoff ownership --json`."""
    report = ownership(st.facts.get(), as_of or date.today(), st.ws.settings.horizon_days, repo, path)
    return JSONResponse(jsonable(report))


@router.get("/truck-factor", dependencies=[Depends(require("reader"))],
            responses=documented(TruckFactorReport, TRUCK_FACTOR_EXAMPLE, 400, 401, 403, 404))
def truck_factor_route(repo: Repo = None, st: AppState = Depends(state)) -> JSONResponse:
    """How many authors would have to leave before most files have none, per repository and top-level
    folder: the JSON of `handoff truck-factor --json`."""
    return JSONResponse(jsonable(truck_factor(st.facts.get(), repo)))


@router.get("/risk", dependencies=[Depends(require("manager"))],
            responses=documented(RiskReport, RISK_EXAMPLE, 400, 401, 403, 404))
def risk_route(
    as_of: AsOfQuery = None, repo: Repo = None, st: AppState = Depends(state),
    threshold: Annotated[float | None, Query(gt=0, le=1, description="Share held by leaving contractors.")] = None,
    horizon_days: Annotated[int | None, Query(ge=0, le=3650, description="Days ahead that count as departing.")]
    = None,
) -> JSONResponse:
    """Files held mostly by contractors who are leaving or have left, with holders and successors: the JSON
    of `handoff risk --json`."""
    s = st.ws.settings
    report = risk(st.facts.get(), as_of or date.today(), s.risk_threshold if threshold is None else threshold,
                  s.horizon_days if horizon_days is None else horizon_days, s.critical_share, repo)
    return JSONResponse(jsonable(report))
