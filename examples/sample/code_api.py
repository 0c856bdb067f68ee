"""The HTTP API's application, middleware and dependencies, and the background worker."""

from .model import source

SOURCES = [
    source("shop/api/__init__.py", r'''
@@ api-app
"""The HTTP API (FastAPI). Routes parse and render; the domain packages do the work."""
'''),
    source("shop/api/app.py", r'''
@@ api-app
"""The FastAPI application: routers, error mapping, middleware."""

from __future__ import annotations

@@ request-id
import uuid

@@ api-app
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shop import __version__
@@ api-app
from shop.errors import Conflict, InvalidRequest, NotFound, ShopError
@@ > payments-v1
from shop.errors import Conflict, InvalidRequest, NotFound, PaymentDeclined, ShopError
@@ api-app

@@ api-app
STATUS = {NotFound: 404, Conflict: 409, InvalidRequest: 422}
@@ > payments-v1
STATUS = {NotFound: 404, Conflict: 409, InvalidRequest: 422, PaymentDeclined: 402}
@@ api-app


def create_app() -> FastAPI:
    app = FastAPI(title="Shop API", version=__version__)
    from shop.api.routes import admin, auth, cart, catalog, orders, payments

    for module in (catalog, cart, orders, payments, admin, auth):
        app.include_router(module.router)
@@ rate-limit
    from shop.api.ratelimit import RateLimitMiddleware

    app.add_middleware(RateLimitMiddleware)
@@ api-app

@@ request-id
    @app.middleware("http")
    async def request_id(request: Request, call_next):
        """Every response carries X-Request-ID (the load balancer's, or a new one) for support."""
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        response = await call_next(request)
        response.headers["X-Request-ID"] = rid
        return response

@@ api-app
    @app.exception_handler(ShopError)
    async def shop_error(request: Request, exc: ShopError) -> JSONResponse:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return JSONResponse({"error": type(exc).__name__, "message": str(exc)}, status_code=status)

    @app.get("/healthz")
    def healthz() -> dict:
        return {"status": "ok", "version": __version__}
@@ outbox-metrics

    @app.get("/healthz/outbox")
    def outbox_health() -> JSONResponse:
        from shop.db.session import read_only
        from shop.events.outbox import backlog

        with read_only() as conn:
            counts = backlog(conn)
        return JSONResponse(counts, status_code=200 if counts["stuck"] == 0 else 503)
@@ api-app

    return app
'''),
    source("shop/api/ratelimit.py", r'''
@@ rate-limit
"""Per-client rate limiting for the public API (docs/adr/20260714-rate-limit-the-public-api.md).

A fixed one-minute window per client in Redis: `INCR` and `EXPIRE` on a key named after the
client and the minute. Signed-in customers are limited by customer id, everyone else by IP.
Webhooks are exempt: the payment providers retry on 429 and would only add load.
"""

from __future__ import annotations

import time

import redis
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

from shop.config import load_settings

EXEMPT = ("/webhooks/", "/healthz")


class RateLimitMiddleware(BaseHTTPMiddleware):
    def __init__(self, app):
        super().__init__(app)
        settings = load_settings()
        self.redis = redis.Redis.from_url(settings.redis_url)
        self.limit = settings.rate_limit_per_minute

    async def dispatch(self, request, call_next):
        if request.url.path.startswith(EXEMPT):
            return await call_next(request)
        client = request.headers.get("x-customer-id") or (request.client.host if request.client else "unknown")
        window = int(time.time() // 60)
        key = f"ratelimit:{client}:{window}"
        count = self.redis.incr(key)
        if count == 1:
            self.redis.expire(key, 90)
        if count > self.limit:
            retry_after = 60 - int(time.time() % 60)
            return JSONResponse({"error": "RateLimited", "message": "too many requests"}, status_code=429,
                                headers={"Retry-After": str(retry_after)})
        return await call_next(request)
'''),
    source("shop/api/routes/__init__.py", r'''
@@ api-app
'''),
    source("shop/api/deps.py", r'''
@@ tokens
"""FastAPI dependencies: the signed-in customer from the bearer token, and scope checks."""

from functools import lru_cache
from pathlib import Path

import jwt
from fastapi import Depends, Header, HTTPException

from shop.auth.tokens import decode_access_token
from shop.customers import Customer, get_customer
from shop.db.session import read_only


@lru_cache(maxsize=1)
def _public_key() -> bytes:
    return Path("deploy/keys/jwt_signing.pub").read_bytes()


def claims(authorization: str = Header(...)) -> dict:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise HTTPException(401, "bearer token required")
    try:
        return decode_access_token(token, _public_key())
    except jwt.InvalidTokenError as exc:
        raise HTTPException(401, f"invalid token: {exc}") from None


def current_customer(token: dict = Depends(claims)) -> Customer:
    with read_only() as conn:
        return get_customer(conn, int(token["sub"]))


def require_scope(scope: str):
    def check(token: dict = Depends(claims)) -> None:
        if scope not in token.get("scope", "").split():
            raise HTTPException(403, f"scope {scope!r} required")

    return check
'''),
    source("shop/worker.py", r'''
@@ reservations-job
"""`shop-worker JOB`: the background jobs, one process per job under systemd.

@@ outbox
    shop-worker outbox                 publish outbox events, every second
@@ reservations-job
    shop-worker release-reservations   give back expired reservations, every minute
"""

from __future__ import annotations

@@ worker-signals
import signal
@@ reservations-job
import sys
@@ worker-signals
import threading
@@ reservations-job
import time

from shop.db.session import transaction
@@ outbox
from shop.events import handlers
from shop.events.outbox import relay_once
@@ reservations-job
from shop.inventory.reservations import release_expired
@@ worker-signals

stopping = threading.Event()
@@ outbox


def run_outbox() -> None:
    handlers.register()
@@ outbox
    while True:
@@ > worker-signals
    while not stopping.is_set():
@@ outbox
        if relay_once() == 0:
            time.sleep(1)
@@ reservations-job


def run_release_reservations() -> None:
@@ reservations-job
    while True:
@@ > worker-signals
    while not stopping.is_set():
@@ reservations-job
        with transaction() as conn:
            release_expired(conn)
        time.sleep(60)


JOBS = {
@@ outbox
    "outbox": run_outbox,
@@ reservations-job
    "release-reservations": run_release_reservations,
}


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in JOBS:
        sys.exit(f"usage: shop-worker {{{'|'.join(JOBS)}}}")
@@ worker-signals
    # systemd sends SIGTERM on deploys: finish the current batch instead of dying inside it.
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
@@ reservations-job
    JOBS[sys.argv[1]]()
'''),
]
