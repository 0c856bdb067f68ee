"""API keys as the workspace keeps them: an id, a role and the hash of the secret, never the secret.

A key reads `hk_<id>_<secret>`. The id finds one row of the `api_keys` table; the secret is 32
random bytes, so its SHA-256 is all the workspace needs to keep (nothing can be guessed, so no
slow password hash is needed) and the key itself is shown only once. Roles are ranked, each
including the ones below it:

    reader   ask, KT drafts for paths, ownership and truck factor of code
    manager  people, risk, offboarding, reports, KT drafts for people
    admin    ingest jobs and keys

`handoff keys create` and the API's admin routes write here; every authenticated request
reads one row by id. A revoked key keeps its row (with `revoked_at`) so the list shows who
had access and until when.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from sqlalchemy import text

from handoff.core.errors import ForbiddenError, InputError, NotFoundError, UnauthorizedError
from handoff.core.store import FactsStore, insert_many

SELECT = "SELECT id, role, created_at, revoked_at FROM api_keys"
Role = Literal["reader", "manager", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
PREFIX = "hk"


@dataclass
class KeyRecord:
    id: str
    role: str
    created_at: str
    revoked_at: str | None = None


def save_key(store: FactsStore, key_id: str, role: str, secret_hash: str) -> KeyRecord:
    record = KeyRecord(key_id, role, _now())
    with store.transaction(changes_facts=False) as conn:
        insert_many(conn, "api_keys", [{"id": key_id, "role": role, "hash": secret_hash,
                                        "created_at": record.created_at}])
    return record


def active_key(store: FactsStore, key_id: str) -> tuple[KeyRecord, str] | None:
    """The unrevoked key `key_id` and its stored hash, or None."""
    rows = store.rows("SELECT id, role, hash, created_at FROM api_keys WHERE id = :id AND revoked_at IS NULL",
                      id=key_id)
    if not rows:
        return None
    row = rows[0]
    return KeyRecord(row["id"], row["role"], row["created_at"]), row["hash"]


def revoke_key(store: FactsStore, key_id: str) -> KeyRecord:
    """Mark the key revoked from now on; revoking twice keeps the first date."""
    with store.transaction(changes_facts=False) as conn:
        conn.execute(text("UPDATE api_keys SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL"),
                     {"now": _now(), "id": key_id})
    rows = store.rows(f"{SELECT} WHERE id = :id", id=key_id)
    if not rows:
        raise NotFoundError(f"API key {key_id!r} does not exist; `handoff keys list` shows the keys")
    return KeyRecord(**rows[0])


def list_keys(store: FactsStore) -> list[KeyRecord]:
    return [KeyRecord(**r) for r in store.rows(f"{SELECT} ORDER BY created_at, id")]


def has_active_key(store: FactsStore) -> bool:
    return bool(store.rows("SELECT 1 FROM api_keys WHERE revoked_at IS NULL LIMIT 1"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")



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


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
