"""The HTTP API: one FastAPI app over one workspace, the state its routes share, errors as JSON.

What is costly to build is built once per app and shared by every request: the search index
readers (the embedding model loads once), a facts snapshot reused until the store changes,
and the ingest job runner. Every error leaves as `{"error": {"code", "message"}}` with the
status its class declares in `core.errors`; anything unexpected leaves as a 500 with no trace
(the trace goes to the server log).
"""

from __future__ import annotations

import logging
import shutil
import threading
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.routing import Match

from handoff.core.errors import HandoffError
from handoff.core.facts import Facts, load_facts
from handoff.core.roster import sync_roster
from handoff.core.workspace import Workspace

from .jobs import JobRunner

WEB = Path(__file__).parent / "web"
SNAPSHOTS = "index-snapshots"
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
log = logging.getLogger("handoff.api")


class FactsCache:
    """One facts snapshot shared by requests until the facts store changes (ingest, roster reload).

    A change is seen from the SQLite files' size and modification time, so an ingest run from
    the CLI is picked up too; a store named by URL is read afresh for every request.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self._lock = threading.Lock()
        self._version: tuple | None = None
        self._facts: Facts | None = None

    def get(self) -> Facts:
        if self.ws.settings.roster:
            sync_roster(self.ws.store, self.ws.path_setting(self.ws.settings.roster))
        version = self._store_version()
        with self._lock:
            if version is None or version != self._version or self._facts is None:
                self._facts, self._version = load_facts(self.ws.store, self.ws.settings), version
            return self._facts

    def _store_version(self) -> tuple | None:
        if self.ws.settings.database_url:
            return None
        files = (self.ws.db_path, self.ws.db_path.with_name(self.ws.db_path.name + "-wal"))
        return tuple((s.st_size, s.st_mtime_ns) for s in (f.stat() for f in files if f.exists()))


class IndexReaders:
    """The one Retriever that queries share, kept on the last complete index while a job writes.

    Chroma shows writes at once, so before an ingest job writes, the readers move to a copy of
    the index taken then (`pin`); when the job completes they move back to the live index and
    its new BM25 generation (`publish`). A job that fails or is cancelled leaves them on the copy
    until a later job completes, since the live index is then half-updated. Outside jobs, a BM25
    generation published by a CLI ingest is picked up on the next query. With a Chroma server
    (`chroma_url`) there is nothing to copy: queries see the server's collection as it is.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.live = ws.home / "index"
        shutil.rmtree(ws.home / SNAPSHOTS, ignore_errors=True)  # copies left by a server stopped mid-job
        self._lock = threading.Lock()
        self._retriever = None
        self._pinned: Path | None = None
        self._generation: str | None = None

    @property
    def loaded(self) -> bool:
        return self._retriever is not None

    def retriever(self):
        """The current Retriever; the first call loads it (and the embedding model)."""
        with self._lock:
            if self._retriever is None or (self._pinned is None and self._generation != self._live_generation()):
                self._retriever, self._generation = _open_retriever(self.live, self.ws), self._live_generation()
            return self._retriever

    def pin(self) -> None:
        """Move readers to a copy of the live index, unless they already read one."""
        if self._pinned is not None or self.ws.settings.chroma_url:
            return
        copy = self.ws.home / SNAPSHOTS / uuid.uuid4().hex
        for part in ("chroma", "bm25"):
            if (self.live / part).is_dir():
                shutil.copytree(self.live / part, copy / part)
        retriever = _open_retriever(copy, self.ws)
        with self._lock:
            self._retriever, self._pinned = retriever, copy

    def publish(self) -> None:
        """Move readers back to the live index, now complete, and drop the copy."""
        retriever, generation = _open_retriever(self.live, self.ws), self._live_generation()
        with self._lock:
            copy, self._pinned = self._pinned, None
            self._retriever, self._generation = retriever, generation
        if copy is not None:
            shutil.rmtree(copy, ignore_errors=True)

    def _live_generation(self) -> str | None:
        current = self.live / "bm25" / "CURRENT"
        return current.read_text() if current.is_file() else None


def _open_retriever(root: Path, ws: Workspace):
    """A Retriever over `root` with its embedding model loaded now rather than on the first question."""
    from handoff.assist.retrieval import Filters, Retriever

    retriever = Retriever(root, ws.settings, batch_queries=True)
    if not retriever.empty:
        retriever.dense("warm-up", 1, Filters())
    return retriever


@dataclass
class AppState:
    ws: Workspace
    readers: IndexReaders
    facts: FactsCache
    jobs: JobRunner


def state(request: Request) -> AppState:
    """The running app's shared state, as a FastAPI dependency."""
    return request.app.state.handoff


def create_app(home: Path, preload_index: bool = True) -> FastAPI:
    """The app for the workspace at `home`; `preload_index` loads the search model at start-up."""
    from . import (routes_ask, routes_health, routes_ingest, routes_keys, routes_kt, routes_people, routes_reports,
                   routes_retention, routes_web)

    app = FastAPI(title="Handoff", version="1", lifespan=_lifespan(home, preload_index),
                  description="Ownership, knowledge at risk, offboarding and cited answers over a workspace. "
                              "Send an API key from `handoff keys create` as `Authorization: Bearer <key>`.")
    routers = [module.router for module in (routes_health, routes_ask, routes_kt, routes_people, routes_retention,
                                            routes_reports, routes_ingest, routes_keys, routes_web)]
    for router in routers:
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    _error_handlers(app)
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

    app.openapi = openapi


def _lifespan(home: Path, preload_index: bool):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        ws = Workspace.open(home)
        readers = IndexReaders(ws)
        jobs = JobRunner(ws, readers)
        app.state.handoff = AppState(ws, readers, FactsCache(ws), jobs)
        if preload_index:
            threading.Thread(target=readers.retriever, name="index-preload", daemon=True).start()
        try:
            yield
        finally:
            jobs.shutdown()
            ws.store.close()

    return lifespan


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


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
