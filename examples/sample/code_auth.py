"""Customers and their authentication: password hashes, access tokens, refresh sessions, auth routes."""

from .model import source

SOURCES = [
    source("shop/auth/__init__.py", r'''
@@ passwords
"""Customer authentication: password hashes, access tokens and refresh sessions."""
'''),
    source("shop/auth/passwords.py", r'''
@@ passwords
"""Password hashing with Argon2id.

Parameters follow the OWASP recommendation for Argon2id (19 MiB memory, two iterations, one
lane). Hashes made with older parameters, or imported as bcrypt from the previous shop system,
still verify; `verify` reports that they need rehashing and the login rehashes them, so old
hashes disappear as customers log in.
"""

from __future__ import annotations

import bcrypt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
@@ passwords
MIN_LENGTH = 10
@@ > password-length
MIN_LENGTH = 12  # raised after the security review of February 2026; existing passwords still work
@@ passwords


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ValueError(f"passwords need at least {MIN_LENGTH} characters")
    return HASHER.hash(password)


def verify(stored: str, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash) for a login attempt."""
@@ passwords
    if stored.startswith("$2b$"):
        return bcrypt.checkpw(password.encode(), stored.encode()), True
@@ > bcrypt-2a
    if stored.startswith(("$2a$", "$2b$", "$2y$")):
        # The old system wrote $2y$ (PHP) and $2a$ hashes too; bcrypt treats all three alike (GH-9).
        return bcrypt.checkpw(password.encode(), stored.replace("$2y$", "$2b$", 1).encode()), True
@@ passwords
    try:
        HASHER.verify(stored, password)
    except (VerifyMismatchError, InvalidHashError):
        return False, False
    return True, HASHER.check_needs_rehash(stored)
'''),
    source("shop/auth/tokens.py", r'''
@@ tokens
"""Access tokens: short-lived JWTs signed with RS256.

An access token lives `access_token_minutes` (15) and carries the customer id and scopes;
services verify it with the public key alone, without a database call. Long-lived login is
the refresh token's job (sessions.py). Decision: docs/adr/0007-jwt-access-tokens.md, amended
by docs/adr/20260811-keep-refresh-sessions-in-redis.md.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import jwt

from shop.config import load_settings

ISSUER = "https://shop.example"
AUDIENCE = "shop-api"
ALGORITHM = "RS256"
@@ tokens-kid
KEY_ID = "staging-2025-09"
@@ tokens


@lru_cache(maxsize=1)
def _private_key() -> bytes:
    return Path(load_settings().jwt_private_key_path).read_bytes()


def issue_access_token(customer_id: int, scopes: list[str], now: datetime | None = None) -> str:
    now = now or datetime.now(timezone.utc)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": str(customer_id),
        "scope": " ".join(scopes),
        "iat": now,
        "exp": now + timedelta(minutes=load_settings().access_token_minutes),
    }
@@ tokens
    return jwt.encode(claims, _private_key(), algorithm=ALGORITHM)
@@ > tokens-kid
    # The key id lets verifiers pick the right public key while two keys are valid (ENG-41).
    return jwt.encode(claims, _private_key(), algorithm=ALGORITHM, headers={"kid": KEY_ID})
@@ tokens


def decode_access_token(token: str, public_key: bytes) -> dict:
    """The claims of a valid token; jwt.InvalidTokenError for anything else, expiry included."""
@@ tokens
    return jwt.decode(token, public_key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER)
@@ > token-leeway
    # 30 s leeway: phones with a slightly fast clock got "token expired" right after login.
    return jwt.decode(token, public_key, algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER,
                      leeway=30)
'''),
    source("shop/auth/sessions.py", r'''
@@ redis-sessions
"""Refresh sessions in Redis, rotated on every use, with reuse detection.

A refresh token is an opaque random string; Redis maps its hash to the session (customer,
family, expiry). Each refresh returns a new token and retires the old one. Presenting a
retired token means it was copied: the whole family is revoked and the customer must log in
again. Moved from Postgres to Redis (docs/adr/20260811-keep-refresh-sessions-in-redis.md)
because every API call's refresh traffic was a third of the database's writes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass

import redis

from shop.config import load_settings

PREFIX = "refresh:"


@dataclass(frozen=True)
class Session:
    customer_id: int
    family: str


def _key(token: str) -> str:
    return PREFIX + hashlib.sha256(token.encode()).hexdigest()


class RefreshSessions:
    def __init__(self, client: redis.Redis | None = None):
        self.redis = client or redis.Redis.from_url(load_settings().redis_url)
        self.ttl = load_settings().refresh_token_days * 86400

    def start(self, customer_id: int) -> str:
        return self._store(Session(customer_id, secrets.token_hex(8)))

    def rotate(self, token: str) -> tuple[Session, str] | None:
        """The session and its new token, or None when `token` is unknown, expired or reused."""
        raw = self.redis.getdel(_key(token))
        if raw is None:
            return None
        data = json.loads(raw)
        if data.get("retired"):
            self.revoke_family(data["family"])
            return None
        session = Session(data["customer_id"], data["family"])
        self.redis.set(_key(token), json.dumps({**data, "retired": True}), ex=self.ttl)
        return session, self._store(session)

    def revoke_family(self, family: str) -> None:
        for key in self.redis.scan_iter(match=PREFIX + "*", count=500):
            raw = self.redis.get(key)
            if raw and json.loads(raw).get("family") == family:
                self.redis.delete(key)

    def _store(self, session: Session) -> str:
        token = secrets.token_urlsafe(32)
        payload = {"customer_id": session.customer_id, "family": session.family}
        self.redis.set(_key(token), json.dumps(payload), ex=self.ttl)
        return token
'''),
    source("shop/customers.py", r'''
@@ customers
"""Customers as the rest of the shop sees them. Sign-up and password changes live in shop.auth."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from shop.db.tables import customers
from shop.errors import NotFound


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    name: str
    country: str


def get_customer(conn: Connection, customer_id: int) -> Customer:
    row = conn.execute(select(customers).where(customers.c.id == customer_id)).first()
    if row is None:
        raise NotFound(f"customer {customer_id}")
    return Customer(row.id, row.email, row.name, row.country)


def find_by_email(conn: Connection, email: str) -> Customer | None:
    """E-mail addresses are unique case-insensitively: Anna@x and anna@x are one customer."""
    row = conn.execute(select(customers).where(customers.c.email == email.strip().lower())).first()
    return Customer(row.id, row.email, row.name, row.country) if row else None
'''),
    source("shop/auth/refresh_tokens.py", r'''
@@ tokens
"""Refresh tokens in Postgres: opaque, stored as SHA-256 hashes, rotated on every use."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import Connection

from shop.config import load_settings


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_refresh_token(conn: Connection, customer_id: int) -> str:
    token = secrets.token_urlsafe(32)
    conn.exec_driver_sql(
        "INSERT INTO refresh_tokens (token_hash, customer_id, expires_at)"
        " VALUES (%s, %s, now() + make_interval(days => %s))",
        (_hash(token), customer_id, load_settings().refresh_token_days),
    )
    return token


def rotate_refresh_token(conn: Connection, token: str) -> tuple[int, str] | None:
    """(customer id, new token) for a valid token, which is used up; None otherwise."""
    customer_id = conn.exec_driver_sql(
        "DELETE FROM refresh_tokens WHERE token_hash = %s AND expires_at > now() RETURNING customer_id",
        (_hash(token),),
    ).scalar_one_or_none()
    if customer_id is None:
        return None
    return customer_id, start_refresh_token(conn, customer_id)
@@ > redis-sessions
'''),
    source("shop/api/routes/auth.py", r'''
@@ tokens
"""POST /auth/login and /auth/refresh. The refresh token travels in an HttpOnly cookie only."""

from fastapi import APIRouter, Cookie, HTTPException, Response
from pydantic import BaseModel

from shop.auth.passwords import hash_password, verify
@@ tokens
from shop.auth.refresh_tokens import rotate_refresh_token, start_refresh_token
@@ > redis-sessions
from shop.auth.sessions import RefreshSessions
@@ tokens
from shop.auth.tokens import issue_access_token
from shop.customers import find_by_email
from shop.db.session import transaction

router = APIRouter(prefix="/auth", tags=["auth"])
COOKIE = "shop_refresh"


class LoginIn(BaseModel):
    email: str
    password: str


@router.post("/login")
def login(body: LoginIn, response: Response) -> dict:
    with transaction() as conn:
        customer = find_by_email(conn, body.email)
        stored = customer and conn.exec_driver_sql(
            "SELECT password_hash FROM customers WHERE id = %s", (customer.id,)
        ).scalar_one()
        ok, needs_rehash = verify(stored, body.password) if stored else (False, False)
        if not ok:
            raise HTTPException(401, "wrong e-mail or password")
        if needs_rehash:
            conn.exec_driver_sql(
                "UPDATE customers SET password_hash = %s WHERE id = %s", (hash_password(body.password), customer.id)
            )
@@ tokens
        refresh_token = start_refresh_token(conn, customer.id)
@@ > redis-sessions
    refresh_token = RefreshSessions().start(customer.id)
@@ tokens
    _set_cookie(response, refresh_token)
    return {"access_token": issue_access_token(customer.id, ["customer"])}


@router.post("/refresh")
def refresh(response: Response, shop_refresh: str | None = Cookie(default=None)) -> dict:
@@ tokens
    with transaction() as conn:
        rotated = rotate_refresh_token(conn, shop_refresh) if shop_refresh else None
    if rotated is None:
        raise HTTPException(401, "log in again")
    customer_id, token = rotated
@@ > redis-sessions
    rotated = RefreshSessions().rotate(shop_refresh) if shop_refresh else None
    if rotated is None:
        raise HTTPException(401, "log in again")
    session, token = rotated
    customer_id = session.customer_id
@@ tokens
    _set_cookie(response, token)
    return {"access_token": issue_access_token(customer_id, ["customer"])}


def _set_cookie(response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, secure=True, samesite="strict", path="/auth",
                        max_age=30 * 86400)
'''),
]
