"""Ownership and truck factor of the code (reader), knowledge at risk (manager)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from handoff.api.http.auth import require
from handoff.api.http.schemas import OWNERSHIP_EXAMPLE, RISK_EXAMPLE, TRUCK_FACTOR_EXAMPLE, AsOfQuery, documented
from handoff.api.http.state import AppState, state
from handoff.api.http.views import as_of_for, facts_for
from handoff.core.json import jsonable
from handoff.core.keys import KeyRecord
from handoff.retention.ownership import OwnershipReport, ownership
from handoff.retention.risk import RiskReport, risk
from handoff.retention.truck_factor import TruckFactorReport, truck_factor

router = APIRouter(tags=["retention"])

Repo = Annotated[str | None, Query(description="Only this repository.")]


@router.get("/ownership", responses=documented(OwnershipReport, OWNERSHIP_EXAMPLE, 400, 401, 403, 404))
def ownership_route(repo: Repo = None, as_of: AsOfQuery = None, st: AppState = Depends(state),
                    path: Annotated[str | None, Query(description="Only files under this folder or path.")] = None,
                    key: KeyRecord = Depends(require("reader"))) -> JSONResponse:
    """Who owns the lines surviving at HEAD, per file and per folder, and the files left out with their
    reason: the JSON of `handoff ownership --json`. A reader key gets owners' status `withheld` and may
    not ask about a date after today."""
    report = ownership(facts_for(st, key), as_of_for(key, as_of), policy=st.policy(), repo=repo, path=path)
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
    chosen = st.policy(horizon_days=horizon_days, threshold=threshold)
    report = risk(st.facts.get(), as_of or date.today(), policy=chosen, repo=repo)
    return JSONResponse(jsonable(report))
