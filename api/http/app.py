"""The HTTP API: one FastAPI app over one workspace, the state its routes share, errors as JSON.

What is costly to build is built once per app and shared by every request: the search index
readers (the embedding model loads once), a facts snapshot reused until the store changes,
and the ingest job runner. Every error leaves as `{"error": {"code", "message"}}` with the
status its class declares in `core.errors`; anything unexpected leaves as a 500 with no trace
(the trace goes to the server log).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
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

from handoff.ingest.jobs.store import JobRunner

WEB = Path(__file__).parent / "web"
SNAPSHOTS = "index-snapshots"
PINNED = "PINNED"
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}
METHODS = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
log = logging.getLogger("handoff.api")


class FactsCache:
    """One facts snapshot shared by requests until the facts change (ingest, roster reload).

    The store's facts version, one small read per request, tells a change by any process: an
    ingest job, a CLI run, another server process.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self._lock = threading.Lock()
        self._version: str | None = None
        self._facts: Facts | None = None

    def get(self) -> Facts:
        if self.ws.settings.roster:
            sync_roster(self.ws.store, self.ws.path_setting(self.ws.settings.roster))
        version = self.ws.store.facts_version()
        with self._lock:
            if version != self._version or self._facts is None:
                self._facts, self._version = load_facts(self.ws.store, self.ws.settings), version
            return self._facts


class IndexReaders:
    """The one Retriever that queries share, kept on the last complete index while a job writes.

    Chroma shows writes at once, so before an ingest job writes, it copies the index and pins
    the copy (`pin`): a file in `index-snapshots` names the copy and the live BM25 generation of
    that moment. Every server process reads that file before each question and moves its readers
    to the copy, so queries see the previous complete index whichever process runs the job. When
    the job completes, it publishes a new BM25 generation and drops the pin (`publish`); readers
    then move back to the live index, re-reading it from disk, since Chroma in one process does
    not see what another wrote. A job that fails or is cancelled leaves the pin until a later job
    completes, since the live index is then half-updated; so does a server stopped mid-job. A
    complete CLI ingest publishes a new generation too, which outdates the pin. With a Chroma
    server (`chroma_url`) there is nothing to copy: queries see the server's collection as it is.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.live = ws.home / "index"
        self.snapshots = ws.home / SNAPSHOTS
        self._lock = threading.Lock()
        self._retriever = None
        self._source: tuple[Path, str | None] | None = None
        self._model = None
        self._queries = None

    @property
    def loaded(self) -> bool:
        return self._retriever is not None

    @property
    def model(self):
        """The embedding model, loaded once for every Retriever this opens."""
        from handoff.index.embedding import embedder

        if self._model is None:
            self._model = embedder(self.ws.settings)
        return self._model

    def retriever(self):
        """The Retriever of the index to read now; the first call loads it (and the embedding model)."""
        source = self._source_now()
        with self._lock:
            if self._retriever is None or source != self._source:
                self._retriever, self._source = self._open(source[0]), source
            return self._retriever

    def pin(self) -> None:
        """Copy the live index and point every process's readers at the copy, unless one is pinned already."""
        if self.ws.settings.chroma_url or self._pinned_copy(self._live_generation()) is not None:
            return
        self.remove_stale_copies()
        copy = self.snapshots / uuid.uuid4().hex
        for part in ("chroma", "bm25"):
            if (self.live / part).is_dir():
                shutil.copytree(self.live / part, copy / part)
        _atomic_write(self.snapshots / PINNED, f"{copy.name} {self._live_generation() or ''}")

    def publish(self) -> None:
        """Point readers back at the live index, now complete, and drop the copy."""
        (self.snapshots / PINNED).unlink(missing_ok=True)
        self.remove_stale_copies()

    def remove_stale_copies(self) -> None:
        """Copies no pin names: left by a job that completed, or by a server stopped while copying."""
        pinned = self._pinned_copy(self._live_generation())
        for folder in self.snapshots.glob("*") if self.snapshots.is_dir() else ():
            if folder.is_dir() and folder != pinned:
                shutil.rmtree(folder, ignore_errors=True)

    def _source_now(self) -> tuple[Path, str | None]:
        """The pinned copy while it is current, else the live index; with the live BM25 generation."""
        generation = self._live_generation()
        return self._pinned_copy(generation) or self.live, generation

    def _pinned_copy(self, live_generation: str | None) -> Path | None:
        """The pinned copy, unless an ingest completed since it was pinned (the live generation moved on)."""
        try:
            name, generation = (self.snapshots / PINNED).read_text().split(" ")
        except (FileNotFoundError, ValueError):
            return None
        copy = self.snapshots / name
        return copy if generation == (live_generation or "") and copy.is_dir() else None

    def _live_generation(self) -> str | None:
        current = self.live / "bm25" / "CURRENT"
        return current.read_text() if current.is_file() else None

    def _open(self, root: Path):
        """A Retriever over `root` that has embedded one question, so the first real one does not load the model."""
        from handoff.assist.batching import QueryBatcher
        from handoff.assist.retrieval import Filters, Retriever
        from handoff.index.embedding import query_embeddings

        if self._queries is None:
            self._queries = QueryBatcher(lambda questions: query_embeddings(self.model, questions))
        retriever = Retriever(root, self.ws.settings, queries=self._queries, reread=root == self.live)
        if not retriever.empty:
            retriever.dense("warm-up", 1, Filters())
        return retriever


def _atomic_write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temp.write_text(content)
    os.replace(temp, path)


@dataclass
class AppState:
    ws: Workspace
    readers: IndexReaders
    facts: FactsCache
    jobs: JobRunner


def state(request: Request) -> AppState:
    """The running app's shared state, as a FastAPI dependency."""
    return request.app.state.handoff


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


def _lifespan(home: Path, preload_index: bool, serve_when_loaded: bool):
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        ws = Workspace.open(home)
        readers = IndexReaders(ws)
        jobs = JobRunner(ws, readers)
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
