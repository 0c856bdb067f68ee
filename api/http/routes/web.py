"""The web page: a shell at `/`, and the HTML fragments its script fetches with the session's API key.

The page itself holds no data, so it needs no key; each fragment is rendered here with Jinja2 from
the same records as the JSON endpoints, behind the same roles, and errors come back as the same
JSON bodies (the script shows their message in the panel).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from handoff.api.http.auth import require
from handoff.api.http.schemas import AskRequest, AsOfQuery
from handoff.api.http.state import AppState, state
from handoff.api.http.views import as_of_for, facts_for
from handoff.api.render.markdown import checklist_markdown
from handoff.api.workflows import contractor_checklist
from handoff.assist.answer import ask
from handoff.assist.retrieval import Filters
from handoff.core.keys import KeyRecord
from handoff.core.markup import safe_link
from handoff.retention.people_report import people
from handoff.retention.risk import risk

WEB = Path(__file__).parents[1] / "web"
RISK_ROWS = 50
CITATION = re.compile(r"\[(\d+)\]")
MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")  # raw HTML in names or titles stays text

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=WEB / "templates")



def cited(text: str) -> Markup:
    """The answer text escaped, each `[n]` turned into a link to source n."""
    return Markup(CITATION.sub(r'<a class="cite" href="#cite-\1">[\1]</a>', str(escape(text))))


templates.env.filters["cited"] = cited
templates.env.filters["safe_link"] = safe_link
templates.env.filters["pct"] = lambda share: f"{share:.0%}"


@router.get("/", response_class=HTMLResponse)
def page(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "index.html")


@router.post("/ui/ask", response_class=HTMLResponse)
def answer_fragment(request: Request, body: AskRequest, key: KeyRecord = Depends(require("reader")),
                    st: AppState = Depends(state)) -> HTMLResponse:
    settings = st.ws.settings
    answer = ask(body.question, st.readers.retriever(), facts_for(st, key), as_of_for(key, body.as_of), settings,
                 body.k, Filters(repo=body.repo, kind=body.kind), llm=body.llm or settings.answer_mode == "llm",
                 policy=st.policy())
    return templates.TemplateResponse(request, "_answer.html", {"answer": answer})


@router.get("/ui/people", response_class=HTMLResponse, dependencies=[Depends(require("manager"))])
def people_fragment(request: Request, as_of: AsOfQuery = None, st: AppState = Depends(state)) -> HTMLResponse:
    report = people(st.facts.get(), as_of or date.today(), policy=st.policy())
    return templates.TemplateResponse(request, "_people.html", {"report": report})


@router.get("/ui/risk", response_class=HTMLResponse, dependencies=[Depends(require("manager"))])
def risk_fragment(request: Request, as_of: AsOfQuery = None, st: AppState = Depends(state)) -> HTMLResponse:
    report = risk(st.facts.get(), as_of or date.today(), policy=st.policy())
    return templates.TemplateResponse(request, "_risk.html", {"report": report, "limit": RISK_ROWS})


@router.get("/ui/offboarding", response_class=HTMLResponse, dependencies=[Depends(require("manager"))])
def contractors_fragment(request: Request, as_of: AsOfQuery = None, st: AppState = Depends(state)) -> HTMLResponse:
    report = people(st.facts.get(), as_of or date.today(), policy=st.policy())
    return templates.TemplateResponse(request, "_offboarding.html", {"report": report})


@router.post("/ui/people/{person_id}/offboarding", response_class=HTMLResponse,
             dependencies=[Depends(require("manager"))])
def checklist_fragment(request: Request, person_id: str, as_of: AsOfQuery = None,
                       st: AppState = Depends(state)) -> HTMLResponse:
    """Build and record the checklist (as POST /people/{id}/offboarding does) and show its Markdown."""
    built, outcome = contractor_checklist(st.ws, st.facts.get(), st.readers.retriever().collection, person_id,
                                          as_of or date.today(), policy=st.policy())
    body = Markup(MARKDOWN.render(checklist_markdown(built)))
    return templates.TemplateResponse(request, "_checklist.html", {"outcome": outcome, "body": body})
