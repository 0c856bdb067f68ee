"""API keys and roles: who may call which endpoint.

A key reads `hk_<id>_<secret>`. The id finds one row of the workspace's `api_keys` table; the
secret is 32 random bytes, so its SHA-256 is all the workspace needs to keep (nothing can be
guessed, so no slow password hash is needed) and the key itself is shown only once.

Roles are ranked, each including the ones below it:

    reader   ask, KT drafts for paths, ownership and truck factor of code
    manager  people, risk, offboarding, reports, KT drafts for people
    admin    ingest jobs and keys
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from handoff.core.errors import ForbiddenError, InputError, UnauthorizedError
from handoff.core.keys import KeyRecord, active_key, save_key
from handoff.core.store import FactsStore

ROLES = ("reader", "manager", "admin")
PREFIX = "hk"

bearer = HTTPBearer(auto_error=False, description="An API key from `handoff keys create`.")


@dataclass
class IssuedKey:
    id: str
    role: str
    key: str


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"role {role!r}: use one of {', '.join(ROLES)}")
    return role


def issue_key(store: FactsStore, role: str) -> IssuedKey:
    """A new key for `role`; only its hash is stored, so the returned key is the one chance to read it."""
    key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    save_key(store, key_id, check_role(role), _digest(secret))
    return IssuedKey(key_id, role, f"{PREFIX}_{key_id}_{secret}")


def authenticate(store: FactsStore, key: str | None) -> KeyRecord:
    """The key's record when `key` is well formed, known, unrevoked and its secret matches."""
    if not key:
        raise UnauthorizedError("no API key; send `Authorization: Bearer <key>` (create one with "
                                "`handoff keys create`)")
    prefix, _, rest = key.partition("_")
    key_id, _, secret = rest.partition("_")
    found = active_key(store, key_id) if prefix == PREFIX and key_id and secret else None
    if found is None or not hmac.compare_digest(found[1], _digest(secret)):
        raise UnauthorizedError("the API key is not valid (mistyped, or revoked)")
    return found[0]


def permits(granted: str, needed: str) -> bool:
    return ROLES.index(granted) >= ROLES.index(needed)


def authorize(key: KeyRecord, role: str) -> KeyRecord:
    """`key` when its role is `role` or above; ForbiddenError (403) otherwise."""
    if not permits(key.role, role):
        raise ForbiddenError(f"this needs the {role} role; the key {key.id} is a {key.role} key")
    return key


def require(role: str):
    """A FastAPI dependency letting through keys of `role` or above; it returns the key's record."""

    def dependency(request: Request,
                   credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> KeyRecord:
        key = authenticate(request.app.state.handoff.ws.store, credentials.credentials if credentials else None)
        return authorize(key, role)

    return dependency


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
