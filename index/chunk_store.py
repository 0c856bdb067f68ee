"""The text and metadata of every chunk of a BM25 generation, in a file beside it, read by position.

An answer shows the text of the few chunks it keeps; asking Chroma for them cost a SQLite read
per question (1 to 3 ms, a tenth of a server's time per question). The generation already lists
its chunks in id order, so each is written once as a JSON line and found by its offset: reading
one is a slice of a memory-mapped file, kept in the page cache rather than in each server
process's heap, and still readable after a newer generation has deleted the file.
"""

from __future__ import annotations

import json
import mmap
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

LINES = "chunks.jsonl"
OFFSETS = "offsets.npy"


class Chunks(Protocol):
    def read(self, position: int) -> tuple[str, dict]: ...


@dataclass
class ChunkList:
    """Chunks held in memory, as a generation is built."""

    texts: list[str]
    metadata: list[dict]

    def read(self, position: int) -> tuple[str, dict]:
        return self.texts[position], self.metadata[position]


def write_chunk_file(folder: Path, chunks: Chunks, count: int) -> None:
    offsets = [0]
    with (folder / LINES).open("wb") as out:
        for position in range(count):
            text, meta = chunks.read(position)
            line = json.dumps({"text": text, "metadata": meta}).encode() + b"\n"
            out.write(line)
            offsets.append(offsets[-1] + len(line))
    np.save(folder / OFFSETS, np.array(offsets, dtype=np.int64))


class ChunkFile:
    """A generation's chunks, read from its file."""

    def __init__(self, folder: Path):
        self.offsets = np.load(folder / OFFSETS)
        with (folder / LINES).open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) if self.offsets[-1] else b""

    @classmethod
    def open(cls, folder: Path) -> ChunkFile | None:
        """The generation's chunk file, or None for a generation written before there was one."""
        return cls(folder) if (folder / OFFSETS).is_file() else None

    def read(self, position: int) -> tuple[str, dict]:
        chunk = json.loads(self._map[self.offsets[position]:self.offsets[position + 1]])
        return chunk["text"], chunk["metadata"]
