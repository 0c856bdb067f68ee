"""Hybrid retrieval: dense (Chroma) and lexical (BM25) results fused by reciprocal rank.

Reciprocal rank fusion is what LlamaIndex's `QueryFusionRetriever` does with one query; doing
it here over the raw result lists keeps a question to one embedding, one Chroma query and one
BM25 lookup. Candidates carry no text: the texts of the chunks kept are read at the end, from the
lexical index's chunk file. Filters (repository, kind, path prefix, person) apply to both sides,
and overlapping chunks of one file are merged so a citation never repeats itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

import numpy as np

from handoff.core.errors import InputError, NotFoundError
from handoff.core.settings import Settings
from handoff.index.embedding import embedder, model_id
from handoff.index.lexical import LexicalIndex
from handoff.index.vectors import chroma_client, open_collection

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

Kind = Literal["code", "doc", "adr", "ticket", "history"]
KINDS: tuple[str, ...] = get_args(Kind)
RRF_K = 60
CANDIDATES = 4  # each retriever returns this many times k before fusion


@dataclass(frozen=True)
class Filters:
    repo: str | None = None
    kind: str | None = None
    path_prefix: str | None = None
    person: str | None = None  # primary owner of the chunk's file

    def where(self) -> dict | None:
        clauses = [{key: value} for key, value in
                   (("repo", self.repo), ("kind", self.kind), ("owner", self.person)) if value]
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def accepts(self, meta: dict) -> bool:
        if self.repo and meta.get("repo") != self.repo:
            return False
        if self.kind and meta.get("kind") != self.kind:
            return False
        if self.person and meta.get("owner") != self.person:
            return False
        return not self.path_prefix or str(meta.get("path", "")).startswith(self.path_prefix)


@dataclass
class Hit:
    id: str
    text: str
    meta: dict
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    dense_similarity: float = 0.0
    merged: list[str] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return self.meta.get("document_id", self.id.split("#", 1)[0])

    @property
    def lines(self) -> tuple[int, int]:
        return int(self.meta.get("start_line", 0)), int(self.meta.get("end_line", 0))


class Retriever:
    """Searches the workspace index; the embedding model loads on the first dense search."""

    def __init__(self, index_root: Path, settings: Settings, queries: Callable[[str], list[float]] | None = None,
                 reread: bool = False):
        """`queries` turns a question into its vector (a server shares one batching embedder between the
        retrievers it opens); `reread` sees what other processes wrote to the index since this one opened it."""
        self.settings = settings
        client = chroma_client(index_root / "chroma", settings.chroma_url, reread=reread)
        self.collection, _ = open_collection(client, model_id(settings))
        self.lexical = LexicalIndex.load(index_root / "bm25")
        self._model: BaseEmbedding | None = None
        self._positions: dict[str, int] | None = None
        self._queries = queries or (lambda question: self.model.get_query_embedding(question))

    @property
    def model(self):
        if self._model is None:
            self._model = embedder(self.settings)
        return self._model

    @property
    def empty(self) -> bool:
        return self.collection.count() == 0

    def search(self, query: str, k: int = 10, filters: Filters = Filters(), mode: str = "hybrid") -> list[Hit]:
        """The best `k` chunks. The index is counted only when nothing was found or no lexical index was ever
        published (then before the model loads): a Chroma count costs a few milliseconds per question."""
        if filters.kind and filters.kind not in KINDS:
            raise InputError(f"kind {filters.kind!r}: use one of {', '.join(KINDS)}")
        if self.lexical is None:
            self._refuse_empty()
        dense = self._dense(query, k * CANDIDATES, filters) if mode in ("hybrid", "dense") else []
        lexical = self._lexical(query, k * CANDIDATES, filters) if mode in ("hybrid", "bm25") else []
        hits = merge_overlaps(fuse(dense, lexical))[:k]
        if not hits:
            self._refuse_empty()
        return self._with_texts(hits)

    def _refuse_empty(self) -> None:
        if self.empty:
            raise NotFoundError("the index is empty; run `handoff ingest PATH` first")

    def dense(self, query: str, n: int, filters: Filters) -> list[Hit]:
        """The `n` nearest chunks (Chroma returns all it has when it holds fewer)."""
        return self._with_texts(self._dense(query, n, filters))

    def bm25(self, query: str, n: int, filters: Filters) -> list[Hit]:
        """The `n` best chunks by BM25."""
        return self._with_texts(self._lexical(query, n, filters))

    def _dense(self, query: str, n: int, filters: Filters) -> list[Hit]:
        """Candidates without text: Chroma reads text and metadata from SQLite for every result, which made
        a query four times dearer than one asking for distances alone."""
        vector = self._queries(query)
        wanted = n * 3 if filters.path_prefix else n
        result = self.collection.query(query_embeddings=[vector], n_results=wanted, where=filters.where(),
                                       include=["distances"])
        found = self._filterable(result["ids"][0])
        pairs = zip(result["ids"][0], result["distances"][0], strict=True)
        hits = [Hit(i, "", found[i], 0.0, dense_similarity=1 - d)
                for i, d in pairs if i in found and filters.accepts(found[i])]
        return hits[:n]

    def _lexical(self, query: str, n: int, filters: Filters) -> list[Hit]:
        """Candidates without text, by BM25."""
        if self.lexical is None or self.lexical.model is None:
            return []
        allowed = None
        if filters != Filters():
            allowed = np.array([filters.accepts(m) for m in self.lexical.metadata], dtype=bool)
        return [Hit(self.lexical.ids[i], "", self.lexical.metadata[i], score)
                for i, score in self.lexical.search(query, n, allowed)]

    def _filterable(self, ids: list[str]) -> dict[str, dict]:
        """The metadata that filters and overlap merging read, from the lexical index; Chroma is asked only
        for chunks written since that was published."""
        positions, metadata = self._lexical_positions(), self.lexical.metadata if self.lexical else []
        found = {i: metadata[positions[i]] for i in ids if i in positions}
        missing = [i for i in ids if i not in found]
        found.update({i: meta for i, (_, meta) in self._from_chroma(missing).items()})
        return found

    def _lexical_positions(self) -> dict[str, int]:
        if self._positions is None:
            self._positions = {chunk: n for n, chunk in enumerate(self.lexical.ids)} if self.lexical else {}
        return self._positions

    def _with_texts(self, hits: list[Hit]) -> list[Hit]:
        """`hits` with their text and whole metadata, from the lexical index's chunk file; Chroma is read only
        for chunks written since that was published. A chunk found in neither drops out."""
        positions = self._lexical_positions()
        stored = self.lexical.chunks if self.lexical else None
        found = {h.id: stored.read(positions[h.id]) for h in hits if stored and h.id in positions}
        found.update(self._from_chroma([h.id for h in hits if h.id not in found]))
        for hit in hits:
            hit.text, hit.meta = found.get(hit.id, (hit.text, hit.meta))
        return [h for h in hits if h.id in found]

    def _from_chroma(self, ids: list[str]) -> dict[str, tuple[str, dict]]:
        """Text and metadata of chunks written since the lexical index was published (or of every chunk
        when its generation predates the chunk file)."""
        if not ids:
            return {}
        got = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return dict(zip(got["ids"], zip(got["documents"], got["metadatas"], strict=True), strict=True))


def fuse(dense: list[Hit], lexical: list[Hit]) -> list[Hit]:
    """Reciprocal rank fusion: 1/(60 + rank) summed over the lists a chunk appears in."""
    fused: dict[str, Hit] = {}
    for rank, hit in enumerate(dense, start=1):
        fused[hit.id] = hit
        hit.dense_rank, hit.score = rank, 1 / (RRF_K + rank)
    for rank, hit in enumerate(lexical, start=1):
        existing = fused.setdefault(hit.id, Hit(hit.id, hit.text, hit.meta, 0.0))
        existing.lexical_rank = rank
        existing.score += 1 / (RRF_K + rank)
    return sorted(fused.values(), key=lambda h: (-h.score, h.id))


def merge_overlaps(hits: list[Hit]) -> list[Hit]:
    """Drop a chunk whose lines overlap a better chunk of the same document."""
    kept: list[Hit] = []
    for hit in hits:
        start, end = hit.lines
        twin = next((k for k in kept if k.doc_id == hit.doc_id and start <= k.lines[1] and k.lines[0] <= end), None)
        if twin is None:
            kept.append(hit)
        else:
            twin.merged.append(hit.id)
    return kept
