"""The knowledge-drain report (manager): HTML, Markdown, JSON or one CSV table, as `handoff report` writes it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from handoff.api.http.auth import require
from handoff.api.http.schemas import DRAIN_EXAMPLE, AsOfQuery, documented
from handoff.api.http.state import AppState, state
from handoff.api.render.report_html import render_html
from handoff.api.render.report_tables import TABLES, csv_text, markdown, table_named
from handoff.api.workflows import drain_report
from handoff.core.errors import InputError
from handoff.core.json import jsonable
from handoff.retention.drain import RISE_POINTS, DrainReport

if TYPE_CHECKING:
    TableName = str
else:  # the documented enum of table names, from the tables themselves
    TableName = Literal[tuple(TABLES)]

router = APIRouter(tags=["reports"], dependencies=[Depends(require("manager"))])

OTHERS = {"text/html": "<!doctype html><html>... one self-contained page ...</html>",
          "text/markdown": "# Knowledge drain on 2026-10-01\n...", "text/csv": "repo,path,lines,...\n"}


@router.get("/reports/knowledge-drain", responses=documented(DrainReport, DRAIN_EXAMPLE, 400, 401, 403,
                                                             others=OTHERS))
def knowledge_drain(
    st: AppState = Depends(state),
    fmt: Annotated[Literal["html", "md", "json", "csv"], Query(alias="format", description="html (one "
                   "self-contained page), md, json, or csv (one table, named by `table`).")] = "html",
    table: Annotated[TableName | None, Query(description="With format=csv: the table.")] = None,
    as_of: AsOfQuery = None,
    horizon_days: Annotated[int | None, Query(ge=0, le=3650, description="Days ahead that count as departing.")]
    = None,
    rise_points: Annotated[float, Query(ge=0, le=100, description="Warn about folders whose contractor share rose "
                                        "more than this many points in 3 months.")] = RISE_POINTS,
) -> Response:
    """Who holds the code, what leaves next, the trend and early warnings. The first report of a month
    samples ownership at past month ends (git blame, cached), so it can take a while."""
    if (fmt == "csv") != (table is not None):
        raise InputError(f"format=csv returns one table, named by table= (one of {', '.join(TABLES)}); "
                         "table= goes with format=csv only")
    report = drain_report(st.ws, st.facts.get(), st.readers.retriever().collection, as_of or date.today(),
                          policy=st.policy(horizon_days=horizon_days), rise_points=rise_points)
    if table is not None:  # format=csv, as checked above
        return PlainTextResponse(csv_text(table_named(report, table)), media_type="text/csv")
    if fmt == "html":
        return HTMLResponse(render_html(report))
    return PlainTextResponse(markdown(report), media_type="text/markdown") if fmt == "md" else \
        JSONResponse(jsonable(report))
