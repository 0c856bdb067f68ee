"""Roles on HTTP endpoints: a FastAPI dependency that lets through keys of a role or above.

Keys, their hashing and the role ranking live in `core.keys`; this module only reads the
`Authorization: Bearer` header and turns a failure into 401 or 403.
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from handoff.core.keys import KeyRecord, authenticate, authorize

bearer = HTTPBearer(auto_error=False, description="An API key from `handoff keys create`.")


def require(role: str):
    """A FastAPI dependency letting through keys of `role` or above; it returns the key's record."""

    def dependency(request: Request,
                   credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> KeyRecord:
        key = authenticate(request.app.state.handoff.ws.store, credentials.credentials if credentials else None)
        return authorize(key, role)

    return dependency
