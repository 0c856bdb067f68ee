"""The vector store: one Chroma collection, embedded in the workspace or on a Chroma server.

The collection is created without Chroma's embedding function (it would download a model) and
records which embedding model built it: opening it with another model empties it so the index
is rebuilt cleanly rather than mixing vectors of two models. Writes go in batches no larger
than the server accepts, as upserts, so a run repeated after a crash never duplicates a chunk.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from llama_index.core.schema import BaseNode
from llama_index.vector_stores.chroma import ChromaVectorStore
from pydantic import PrivateAttr

from handoff.core.errors import ExternalError

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

COLLECTION = "handoff"
DEFAULT_DATABASE = "default_database"


def chroma_client(path: Path, url: str = "", reread: bool = False):
    """The embedded store at `path`, or the server at `url`, whose path names the Chroma database.

    Workspaces sharing one server keep apart by database (`http://chroma:8000/team-a`), each
    created on first use; a URL without a path uses the server's default database.

    Chroma keeps one reader per folder per process, with the vector index as it was when first
    loaded: writes by other processes stay unseen by it. `reread` forgets the readers this process
    holds, so the client loads the folder as it is now; clients opened before keep working on theirs.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if not url:
        if reread:
            SharedSystemClient.clear_system_cache()
        return chromadb.PersistentClient(path=str(path), settings=settings)
    parsed = urlparse(url)
    host, port, ssl = parsed.hostname or "localhost", parsed.port or 8000, parsed.scheme == "https"
    database = parsed.path.strip("/") or DEFAULT_DATABASE
    try:
        _ensure_database({"host": host, "port": port, "ssl": ssl}, database)
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, database=database, settings=settings)
    except Exception as exc:
        raise ExternalError(f"cannot reach the Chroma server at {url}: {exc}; start it with `chroma run`") from None


def _ensure_database(server: dict, database: str) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from chromadb.errors import NotFoundError, UniqueConstraintError

    admin = chromadb.AdminClient(ChromaSettings(
        anonymized_telemetry=False, chroma_api_impl="chromadb.api.fastapi.FastAPI", chroma_server_host=server["host"],
        chroma_server_http_port=server["port"], chroma_server_ssl_enabled=server["ssl"]))
    try:
        admin.get_database(database)
    except NotFoundError:
        with contextlib.suppress(UniqueConstraintError):  # another worker created it meanwhile
            admin.create_database(database)


def open_collection(client, model_id: str):
    """The collection for `model_id`; recreated empty when another model built it. Returns (collection, rebuilt)."""
    metadata = {"hnsw:space": "cosine", "embed_model": model_id}
    existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
    if COLLECTION in existing:
        collection = client.get_collection(COLLECTION, embedding_function=None)
        if (collection.metadata or {}).get("embed_model") == model_id:
            return collection, False
        client.delete_collection(COLLECTION)
    return client.create_collection(COLLECTION, embedding_function=None, metadata=metadata), COLLECTION in existing


class BatchedChromaStore(ChromaVectorStore):
    """ChromaVectorStore that writes within the server's batch limit and replaces existing ids."""

    _max_batch: int = PrivateAttr()

    def __init__(self, collection, max_batch: int, **kwargs: Any):
        super().__init__(chroma_collection=collection, **kwargs)
        self._max_batch = max_batch

    def add(self, nodes: Sequence[BaseNode], **add_kwargs: Any) -> list[str]:
        ids = []
        for start in range(0, len(nodes), self._max_batch):
            batch = nodes[start:start + self._max_batch]
            self._collection.delete(ids=[n.node_id for n in batch])
            ids += super().add(list(batch), **add_kwargs)
        return ids


def all_chunks(collection, include: tuple[str, ...] = ("documents", "metadatas"), page: int = 5000) -> dict:
    """Every stored chunk, read a page at a time: one `get` of a large collection overflows SQLite's
    limit on bound variables inside Chroma."""
    found: dict[str, list] = {"ids": [], **{field: [] for field in include}}
    offset = 0
    while True:
        batch = collection.get(include=list(include), limit=page, offset=offset)
        for field in found:
            found[field] += batch[field]
        if len(batch["ids"]) < page:
            return found
        offset += page
