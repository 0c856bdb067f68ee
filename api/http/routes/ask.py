"""Questions about the code: cited answers with the owners of what is cited (reader)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from handoff.api.http.auth import require
from handoff.api.http.schemas import ASK_EXAMPLE, AskRequest, documented
from handoff.api.http.state import AppState, state
from handoff.api.http.views import as_of_for, facts_for
from handoff.assist.answer import Answer, ask
from handoff.assist.retrieval import Filters
from handoff.core.json import jsonable
from handoff.core.keys import KeyRecord

router = APIRouter(tags=["ask"])


@router.post("/ask", responses=documented(Answer, ASK_EXAMPLE, 400, 401, 403, 404))
def ask_route(body: AskRequest, key: KeyRecord = Depends(require("reader")), st: AppState = Depends(state),
              ) -> JSONResponse:
    """Answer a handoff question with numbered sources, the owners of what is cited and related ADRs and
    tickets: the JSON of `handoff ask --json`. A reader key gets owners without HR facts (status
    `withheld`) and may not ask about a date after today."""
    settings = st.ws.settings
    answer = ask(body.question, st.readers.retriever(), facts_for(st, key), as_of_for(key, body.as_of), settings,
                 body.k, Filters(repo=body.repo, kind=body.kind), llm=body.llm or settings.answer_mode == "llm",
                 policy=st.policy())
    return JSONResponse(jsonable(answer))
