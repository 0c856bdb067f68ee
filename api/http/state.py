"""What the routes of one app share, built once per app: index readers, a facts snapshot, the job runner.

A route takes `st: AppState = Depends(state)`; nothing here is a module-level global, so two apps
(two workspaces, or a test's) never share state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request

from handoff.core.facts import Facts, load_facts
from handoff.core.roster import sync_roster
from handoff.core.workspace import Workspace
from handoff.index.snapshots import Snapshots
from handoff.ingest.jobs.runner import JobRunner
from handoff.retention.policy import RiskPolicy
from handoff.retention.reader_view import reader_view

if TYPE_CHECKING:  # loaded with the index, not with the app
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from handoff.assist.batching import QueryBatcher


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
        self._readers: tuple[Facts, Facts] | None = None  # (snapshot, its reader view)

    def get(self) -> Facts:
        if self.ws.settings.roster:
            sync_roster(self.ws.store, self.ws.path_setting(self.ws.settings.roster))
        version = self.ws.store.facts_version()
        with self._lock:
            if version != self._version or self._facts is None:
                self._facts, self._version = load_facts(self.ws.store, self.ws.settings), version
            return self._facts

    def for_readers(self) -> Facts:
        """The snapshot without HR facts (`retention.reader_view`), built once per snapshot."""
        facts = self.get()
        with self._lock:
            if self._readers is None or self._readers[0] is not facts:
                self._readers = (facts, reader_view(facts))
            return self._readers[1]


class IndexReaders:
    """The one Retriever that queries share, on the index `Snapshots` says to read now.

    Moving back to the live index re-reads it from disk, since Chroma in one process does not see
    what another wrote. The embedding model loads once, for every Retriever this opens, and the
    questions that arrive together are embedded together.
    """

    def __init__(self, ws: Workspace, snapshots: Snapshots):
        self.ws, self.snapshots = ws, snapshots
        self._lock = threading.Lock()
        self._retriever = None
        self._source: tuple[Path, str | None] | None = None
        self._model: BaseEmbedding | None = None
        self._queries: QueryBatcher | None = None

    @property
    def loaded(self) -> bool:
        return self._retriever is not None

    @property
    def model(self):
        from handoff.index.embedding import embedder

        if self._model is None:
            self._model = embedder(self.ws.settings)
        return self._model

    def retriever(self):
        """The Retriever of the index to read now; the first call loads it (and the embedding model)."""
        source = self.snapshots.current()
        with self._lock:
            if self._retriever is None or source != self._source:
                self._retriever, self._source = self._open(source[0]), source
            return self._retriever

    def _open(self, root: Path):
        """A Retriever over `root` that has embedded one question, so the first real one does not load the model."""
        from handoff.assist.batching import QueryBatcher
        from handoff.assist.retrieval import Filters, Retriever
        from handoff.index.embedding import query_embeddings

        if self._queries is None:
            self._queries = QueryBatcher(lambda questions: query_embeddings(self.model, questions))
        retriever = Retriever(root, self.ws.settings, queries=self._queries, reread=root == self.snapshots.live)
        if not retriever.empty:
            retriever.dense("warm-up", 1, Filters())
        return retriever


@dataclass
class AppState:
    ws: Workspace
    readers: IndexReaders
    facts: FactsCache
    jobs: JobRunner

    def policy(self, *, horizon_days: int | None = None, threshold: float | None = None) -> RiskPolicy:
        """The workspace's risk policy, with the request's overrides."""
        return RiskPolicy.from_settings(self.ws.settings, horizon_days=horizon_days, threshold=threshold)


def state(request: Request) -> AppState:
    """The running app's shared state, as a FastAPI dependency."""
    return request.app.state.handoff
