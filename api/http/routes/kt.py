"""Knowledge-transfer drafts: of a file or folder (reader), of the areas a person holds (manager)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from handoff.api.http.auth import require
from handoff.api.http.schemas import KT_EXAMPLE, KtRequest, documented
from handoff.api.http.state import AppState, state
from handoff.api.http.views import as_of_for, facts_for
from handoff.api.render.markdown import kt_markdown
from handoff.assist.kt import KtDraft, kt_draft
from handoff.core.errors import InputError
from handoff.core.json import jsonable
from handoff.core.keys import KeyRecord, authorize, permits
from handoff.retention.kt_scope import kt_scope

router = APIRouter(tags=["kt"])

Format = Annotated[Literal["json", "md"], Query(alias="format", description="json, or md with [n] citations.")]
KT_MARKDOWN = "# Knowledge transfer: shop:shop/billing\n\nDraft of 2026-10-01, for shop:shop/billing. ...\n"


@router.post("/kt-documents", responses=documented(KtDraft, KT_EXAMPLE, 400, 401, 403, 404,
                                                   others={"text/markdown": KT_MARKDOWN}))
def kt_document(body: KtRequest, fmt: Format = "json", key: KeyRecord = Depends(require("reader")),
                st: AppState = Depends(state)) -> Response:
    """A knowledge-transfer draft with cited sources, for exactly one of `path` (a file or folder, reader
    role) or `person` (the areas they hold, manager role): what `handoff kt TARGET` prints. A reader's
    draft leaves HR facts out, and a path that names no file or folder is not found, whoever it names."""
    kind, target = body.target
    authorize(key, "manager" if kind == "person" else "reader")
    facts = facts_for(st, key)
    scope = kt_scope(facts, target, people=permits(key.role, "manager"))
    if scope.kind != kind:
        raise InputError(f"{kind} {target!r} names a {scope.kind}; send it as {scope.kind}")
    draft = kt_draft(scope, facts, st.readers.retriever(), as_of_for(key, body.as_of), st.ws.settings, body.llm,
                     policy=st.policy())
    if fmt == "md":
        return PlainTextResponse(kt_markdown(draft), media_type="text/markdown")
    return JSONResponse(jsonable(draft))
