"""The lexical index: BM25 (bm25s) over the same chunks as the vector store.

Code needs its own tokenizer: `refundAmount`, `refund_amount` and `billing/refunds.py` must all
match a question about "refund amounts". Tokens are split on case changes, underscores and
punctuation, kept whole as well, and stemmed. Each build is written to a new generation folder
and published by replacing one `CURRENT` file, so readers always load a complete index.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from handoff.core.files import atomic_write
from handoff.index.chunk_store import ChunkFile, ChunkList, Chunks, write_chunk_file

WORD_RE = re.compile(r"[A-Za-z0-9]+(?:[_.-][A-Za-z0-9]+)*")
PART_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
FILTERABLE = ("kind", "repo", "path", "language", "start_line", "end_line", "symbol", "title", "key", "url", "owner",
              "document_id")
STOPWORDS = frozenset(
    "a an and are as at be by do does for from how i if in into is it its of on or so that the this to was "
    "were what when where which who why will with self return def class import none true false".split()
)


def tokenize(text: str) -> list[str]:
    stem = _stemmer()
    tokens = []
    for word in WORD_RE.findall(text):
        parts = PART_RE.findall(word)
        lowered = word.lower()
        if len(parts) > 1 and lowered not in STOPWORDS:
            tokens.append(lowered)
        tokens.extend(p.lower() for p in parts if p.lower() not in STOPWORDS)
    return stem(tokens)


@dataclass
class LexicalIndex:
    ids: list[str]
    metadata: list[dict]  # the FILTERABLE keys only
    model: Any  # bm25s.BM25, None for an index without chunks
    chunks: Chunks | None = None  # whole texts and metadata by position; None in generations older than it

    @classmethod
    def from_chunks(cls, ids: list[str], texts: list[str], metadata: list[dict]) -> LexicalIndex:
        """The index of stored chunks: text plus path, title and symbol; metadata kept for filtering.

        Chunks are taken in id order, not the store's: ties between equal scores then fall the same
        way however the chunks were written (one process, or workers in any order)."""
        order = sorted(range(len(ids)), key=ids.__getitem__)
        ids, texts, metadata = [ids[i] for i in order], [texts[i] for i in order], [metadata[i] for i in order]
        searchable = [f"{m.get('path', '')} {m.get('title', '')} {m.get('symbol', '')}\n{t}"
                      for t, m in zip(texts, metadata, strict=True)]
        index = cls.build(ids, searchable, [{k: m[k] for k in FILTERABLE if k in m} for m in metadata])
        index.chunks = ChunkList(texts, metadata)
        return index

    @classmethod
    def build(cls, ids: list[str], texts: list[str], metadata: list[dict]) -> LexicalIndex:
        import bm25s

        model = bm25s.BM25()
        model.index([tokenize(t) or ["\x00"] for t in texts], show_progress=False)
        return cls(ids, metadata, model)

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position, score) of the best `k` chunks with a positive score, within `allowed` when given."""
        tokens = tokenize(query)
        if not tokens or not self.ids:
            return []
        k = min(k, len(self.ids))
        mask = None if allowed is None else allowed.astype(np.float32)
        docs, scores = self.model.retrieve([tokens], k=k, show_progress=False, weight_mask=mask)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def save(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        generation = root / f"gen-{_next_generation(root)}"
        self.model.save(str(generation / "bm25"))
        (generation / "chunks.json").write_text(json.dumps({"ids": self.ids, "metadata": self.metadata}))
        if self.chunks is not None:
            write_chunk_file(generation, self.chunks, len(self.ids))
        atomic_write(root / "CURRENT", generation.name)
        for old in root.glob("gen-*"):
            if old != generation:
                shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, root: Path) -> LexicalIndex | None:
        import bm25s

        current = root / "CURRENT"
        if not current.is_file():
            return None
        generation = root / current.read_text().strip()
        chunks = json.loads((generation / "chunks.json").read_text())
        model = bm25s.BM25.load(str(generation / "bm25")) if chunks["ids"] else None
        return cls(chunks["ids"], chunks["metadata"], model, ChunkFile.open(generation))


def _next_generation(root: Path) -> int:
    numbers = [int(p.name.split("-", 1)[1]) for p in root.glob("gen-*") if p.name.split("-", 1)[1].isdigit()]
    return max(numbers, default=0) + 1


@functools.cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english").stemWords
