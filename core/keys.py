"""API keys as the workspace keeps them: an id, a role and the hash of the secret, never the secret.

`handoff keys create` and the API's admin routes write here; every authenticated request
reads one row by id. A revoked key keeps its row (with `revoked_at`) so the list shows who
had access and until when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text

from .errors import NotFoundError
from .store import FactsStore, insert_many

SELECT = "SELECT id, role, created_at, revoked_at FROM api_keys"


@dataclass
class KeyRecord:
    id: str
    role: str
    created_at: str
    revoked_at: str | None = None


def save_key(store: FactsStore, key_id: str, role: str, secret_hash: str) -> KeyRecord:
    record = KeyRecord(key_id, role, _now())
    with store.transaction() as conn:
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
    with store.transaction() as conn:
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
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
