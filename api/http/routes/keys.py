"""API keys (admin): the same as `handoff keys create|revoke|list`, for admins without shell access."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from handoff.api.http.auth import require
from handoff.api.http.schemas import ISSUED_KEY_EXAMPLE, KEY_EXAMPLE, KeyList, KeyRequest, documented
from handoff.api.http.state import AppState, state
from handoff.core.json import jsonable
from handoff.core.keys import IssuedKey, KeyRecord, issue_key, list_keys, revoke_key

router = APIRouter(prefix="/keys", tags=["keys"], dependencies=[Depends(require("admin"))])


@router.get("", responses=documented(KeyList, {"keys": [KEY_EXAMPLE]}, 401, 403))
def keys_list(st: AppState = Depends(state)) -> JSONResponse:
    """Every key with its role, creation and revocation dates; never a secret."""
    return JSONResponse(jsonable({"keys": list_keys(st.ws.store)}))


@router.post("", status_code=201, responses=documented(
    IssuedKey, ISSUED_KEY_EXAMPLE, 400, 401, 403, status=201, description="Created; `key` is shown only here."))
def keys_create(body: KeyRequest, st: AppState = Depends(state)) -> JSONResponse:
    """A new key for a role; the workspace keeps only its hash, so this response is the one chance to read it."""
    return JSONResponse(jsonable(issue_key(st.ws.store, body.role)), status_code=201)


@router.delete("/{key_id}", responses=documented(KeyRecord, {**KEY_EXAMPLE, "revoked_at": "2026-10-02T08:30:00+00:00"},
                                                   401, 403, 404))
def keys_revoke(key_id: str, st: AppState = Depends(state)) -> JSONResponse:
    """Revoke a key: requests with it get 401 from now on."""
    return JSONResponse(jsonable(revoke_key(st.ws.store, key_id)))
