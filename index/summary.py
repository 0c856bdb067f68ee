"""What one sync of a source did to the index: a record light enough for readers that never load LlamaIndex."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SyncSummary:
    documents: int = 0
    changed: int = 0
    removed: int = 0
    chunks: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
