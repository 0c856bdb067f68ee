"""The HTTP API: one FastAPI app over one workspace, its routes, and errors as JSON.

What is costly to build is built once per app (`state.AppState`) and shared by every request: the
search index readers (the embedding model loads once), a facts snapshot reused until the store
changes, and the ingest job runner. Every error leaves as `{"error": {"code", "message"}}` with the
status its class declares in `core.errors`; anything unexpected leaves as a 500 with no trace
(the trace goes to the server log).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Match

from handoff.api.http.security_headers import add_security_headers
from handoff.api.http.state import AppState, FactsCache, IndexReaders
from handoff.core.errors import HandoffError
from handoff.core.text import printable
from handoff.core.workspace import Workspace
from handoff.index.snapshots import Snapshots
from handoff.ingest.jobs.runner import JobRunner

HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
log = logging.getLogger("handoff.api")


def create_app(home: Path, preload_index: bool = True, serve_when_loaded: bool = False) -> FastAPI:
    """The app for the workspace at `home`; `preload_index` loads the search model at start-up, in the
    background (/readyz tells when it is done) or, with `serve_when_loaded`, before the app takes requests:
    among several server processes, one not yet loaded then leaves requests to the others."""
    from handoff.api.http.routes import ask, health, ingest, keys, kt, people, reports, retention, web

    app = FastAPI(title="Handoff", version="1", lifespan=_lifespan(home, preload_index, serve_when_loaded),
                  description="Ownership, knowledge at risk, offboarding and cited answers over a workspace. "
                              "Send an API key from `handoff keys create` as `Authorization: Bearer <key>`.")
    routers = [module.router for module in (health, ask, kt, people, retention, reports, ingest, keys, web)]
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=web.WEB / "static"), name="static")
    _error_handlers(app)
    add_security_headers(app)
    _keep_example_nulls(app, routers)
    return app


def _keep_example_nulls(app: FastAPI, routers) -> None:
    """FastAPI drops every null from the OpenAPI document, examples' included, which would leave them
    missing required fields; this puts each documented example back whole."""
    generate = app.openapi

    def openapi() -> dict:
        document = generate()
        for route in (r for router in routers for r in router.routes if r.path in document["paths"]):
            for status, response in route.responses.items():
                for media, content in response.get("content", {}).items():
                    for method in route.methods if "example" in content else ():
                        documented = document["paths"][route.path][method.lower()]["responses"][str(status)]
                        documented["content"][media]["example"] = content["example"]
        return document

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


def _lifespan(home: Path, preload_index: bool, serve_when_loaded: bool):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        ws = Workspace.open(home)
        snapshots = Snapshots(ws)
        readers = IndexReaders(ws, snapshots)
        jobs = JobRunner(ws, snapshots)
        app.state.handoff = AppState(ws, readers, FactsCache(ws), jobs)
        if preload_index and serve_when_loaded:
            await asyncio.to_thread(_preload, app.state.handoff)
        elif preload_index:
            threading.Thread(target=_preload, args=(app.state.handoff,), name="preload", daemon=True).start()
        try:
            yield
        finally:
            jobs.shutdown()
            ws.store.close()

    return lifespan


def _preload(st: AppState) -> None:
    """Load the index, the model and the facts before the first question, then move what start-up built out
    of the garbage collector's sight: it lives as long as the process, and walking it (some 650,000 objects)
    in each full collection of the first minutes stalled every request of the process for about 0.5 s.
    Start-up's garbage is collected first, or it would stay frozen with the rest."""
    st.readers.retriever()
    st.facts.get()
    gc.collect()
    gc.freeze()


def error_response(status: int, code: str, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": printable(message)}}, status_code=status,
                        headers=headers)


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HandoffError)
    async def handoff_error(request: Request, exc: HandoffError):
        return error_response(exc.http_status, exc.code, exc.message, getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return error_response(400, "bad_input", _validation_message(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        headers = {"Allow": _allowed(request)} if exc.status_code == 405 else exc.headers
        return error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "http_error"), str(exc.detail),
                              headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal", "internal error; the server log has the details")


def _allowed(request: Request) -> str:
    """Every method some route takes at this path (routing names only the first route it tried)."""
    scopes = [{**request.scope, "method": method} for method in METHODS]
    return ", ".join(scope["method"] for scope in scopes
                     if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes))


def _validation_message(exc: RequestValidationError) -> str:
    """The first problem as `where: what (got value)`, e.g. `query.as_of: Input should be a valid date ...`."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    value = first.get("input")
    shown = f" (got {value!r})" if isinstance(value, (str, int, float)) and len(repr(value)) <= 60 else ""
    what = first.get("msg", "invalid").removeprefix("Value error, ")
    return f"{where}: {what}{shown}"
