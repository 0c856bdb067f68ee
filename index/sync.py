"""Keeping the index in step with the sources: LlamaIndex pipeline -> Chroma, then BM25.

Each source (a repository, a ticket file) has its own docstore of document hashes and
versions. A sync builds only documents whose version changed, lets `IngestionPipeline`
replace their chunks, deletes documents that are gone, and only then persists the docstore.
A run killed at any point therefore leaves a docstore that still lists the unfinished
documents as changed, and the next run redoes exactly them. The BM25 index is rebuilt from
the vector store whenever the set of chunks changed, and published atomically.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from llama_index.core import Document
from llama_index.core.ingestion import DocstoreStrategy, IngestionPipeline
from llama_index.core.schema import BaseNode, MetadataMode, TransformComponent
from llama_index.core.storage.docstore import SimpleDocumentStore

from handoff.core.files import atomic_write, write_aside
from handoff.core.progress import Progress
from handoff.core.settings import Settings
from handoff.index.chunking.splitter import ChunkSplitter
from handoff.index.embedding import embedder, model_id
from handoff.index.lexical import LexicalIndex
from handoff.index.summary import SyncSummary
from handoff.index.vectors import BatchedChromaStore, all_chunks, chroma_client, open_collection

# The model reads 256 word pieces of a text and drops the rest, and a piece never spans more than about
# 100 characters, so the first 32,000 characters give the same vector as the whole text; tokenizing a
# chunk of one 33 MB line in full cost 5 GB.
MAX_EMBED_CHARS = 32_000




class Embed(TransformComponent):
    """Embeds chunks in batches, loading the model only when there is something to embed."""

    settings: Any
    progress: Any
    model: Any = None

    def __call__(self, nodes: Sequence[BaseNode], **kwargs: Any) -> list[BaseNode]:
        if not nodes:
            return []
        if self.model is None:
            self.model = embedder(self.settings)
        self.progress.stage("embed", total=len(nodes))
        order = sorted(range(len(nodes)), key=lambda i: len(nodes[i].get_content(MetadataMode.EMBED)))
        size = self.settings.embed_batch_size
        for start in range(0, len(order), size):
            batch = [nodes[i] for i in order[start:start + size]]
            texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in batch]
            for node, vector in zip(batch, self.model.get_text_embedding_batch(texts), strict=True):
                node.embedding = vector
            self.progress.advance(len(batch))
        return list(nodes)


class Index:
    """The workspace's vector store, docstores and BM25 index."""

    def __init__(self, root: Path, settings: Settings, progress: Progress):
        self.root, self.settings, self.progress = root, settings, progress
        self.client = chroma_client(root / "chroma", settings.chroma_url)
        self.collection, rebuilt = open_collection(self.client, model_id(settings))
        if rebuilt:
            for path in self._docstore_dir().glob("*.json"):
                path.unlink()
        self.embed = Embed(settings=settings, progress=progress)

    def sync(self, source: str, current: dict[str, str],
             build: Callable[[list[str]], list[Document]], owners: dict | None = None) -> SyncSummary:
        """Make the index hold exactly the documents `current` (id -> version) of `source`."""
        summary = SyncSummary(documents=len(current))
        docstore = self._load_docstore(source)
        stored = set(docstore.docs)
        changed = [d for d in current if _version(docstore, d) != current[d]]
        started = time.perf_counter()
        documents = build(changed)
        summary.seconds["read"] = time.perf_counter() - started
        summary.changed = len(documents)
        started = time.perf_counter()
        if documents:
            store = BatchedChromaStore(self.collection, self.client.get_max_batch_size())
            pipeline = IngestionPipeline(
                transformations=[ChunkSplitter(owners=owners or {}), self.embed],
                docstore=docstore, vector_store=store, docstore_strategy=DocstoreStrategy.UPSERTS,
                disable_cache=True,
            )
            summary.chunks = len(pipeline.run(documents=documents))
        gone = sorted(d for d in stored if d not in current)
        for doc_id in gone:
            self.collection.delete(where={"document_id": doc_id})
            docstore.delete_document(doc_id, raise_error=False)
            docstore.delete_ref_doc(doc_id, raise_error=False)
        summary.removed = len(gone)
        summary.seconds["embed"] = time.perf_counter() - started
        if documents or gone:
            self._persist_docstore(source, docstore)
        return summary

    def publish_lexical(self) -> bool:
        """Rebuild BM25 from the vector store when its chunks changed; True when it was rebuilt."""
        fingerprint = self._fingerprint()
        marker = self.root / "bm25" / "FINGERPRINT"
        if marker.is_file() and marker.read_text() == fingerprint:
            return False
        self.progress.stage("bm25")
        data = all_chunks(self.collection)
        LexicalIndex.from_chunks(data["ids"], data["documents"], data["metadatas"]).save(self.root / "bm25")
        atomic_write(marker, fingerprint)
        return True

    def _fingerprint(self) -> str:
        digest = hashlib.sha256(model_id(self.settings).encode())
        for path in sorted(self._docstore_dir().glob("*.json")):
            digest.update(path.name.encode() + hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    def _docstore_dir(self) -> Path:
        return self.root / "docstore"

    def _load_docstore(self, source: str) -> SimpleDocumentStore:
        path = self._docstore_dir() / f"{source}.json"
        return SimpleDocumentStore.from_persist_path(str(path)) if path.is_file() else SimpleDocumentStore()

    def _persist_docstore(self, source: str, docstore: SimpleDocumentStore) -> None:
        write_aside(self._docstore_dir() / f"{source}.json", lambda temp: docstore.persist(str(temp)))


def _version(docstore: SimpleDocumentStore, doc_id: str) -> str | None:
    document = docstore.get_document(doc_id, raise_error=False)
    return document.metadata.get("version") if document is not None else None

