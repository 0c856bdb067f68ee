"""Questions about the code: cited answers with the owners of what is cited (reader)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from handoff.api.http.auth import require
from handoff.api.http.schemas import ASK_EXAMPLE, AskRequest, documented
from handoff.api.http.state import AppState, state
from handoff.assist.answer import Answer, ask
from handoff.assist.retrieval import Filters
from handoff.core.json import jsonable

router = APIRouter(tags=["ask"])


@router.post("/ask", dependencies=[Depends(require("reader"))],
             responses=documented(Answer, ASK_EXAMPLE, 400, 401, 403, 404))
def ask_route(body: AskRequest, st: AppState = Depends(state)) -> JSONResponse:
    """Answer a handoff question with numbered sources, the owners of what is cited and related ADRs and
    tickets: the JSON of `handoff ask --json`."""
    settings = st.ws.settings
    answer = ask(body.question, st.readers.retriever(), st.facts.get(), body.as_of or date.today(), settings,
                 body.k, Filters(repo=body.repo, kind=body.kind), llm=body.llm or settings.answer_mode == "llm",
                 policy=st.policy())
    return JSONResponse(jsonable(answer))
