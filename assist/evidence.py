"""Turning retrieved chunks into cited evidence: numbered sources and their best sentences.

A sentence is chosen for how many of the question's (stemmed, code-aware) terms it shares,
weighted by how rare each term is among the retrieved chunks, so "refund" outweighs "the"
and a sentence naming `refund_amount` counts as mentioning refunds.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from handoff.assist.retrieval import Hit
from handoff.index.lexical import tokenize

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9`\"'(\[])|\n\s*\n")
MAX_SNIPPET = 300


@dataclass
class Citation:
    n: int
    kind: str
    repo: str
    path: str
    start_line: int
    end_line: int
    title: str | None
    key: str | None
    url: str | None
    symbol: str | None
    snippet: str
    score: float


def citations(hits: list[Hit]) -> list[Citation]:
    return [
        Citation(n, h.meta.get("kind", ""), h.meta.get("repo", ""), h.meta.get("path", ""), h.lines[0], h.lines[1],
                 h.meta.get("title") or None, h.meta.get("key") or None, h.meta.get("url") or None,
                 h.meta.get("symbol") or None, _snippet(h.text), h.score)
        for n, h in enumerate(hits, start=1)
    ]


def best_sentences(question: str, text: str, limit: int = 2) -> list[str]:
    """The sentences of `text` that share the most (rare) terms with the question, in text order."""
    terms = set(tokenize(question))
    sentences = [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 20]
    if not terms or not sentences:
        return []
    frequency = Counter(t for s in sentences for t in set(tokenize(s)))
    scored = []
    for position, sentence in enumerate(sentences):
        words = set(tokenize(sentence))
        score = sum(1 + math.log(len(sentences) / frequency[t]) for t in terms & words)
        if score > 0:
            scored.append((score, position, sentence))
    chosen = sorted(scored, key=lambda s: (-s[0], s[1]))[:limit]
    return [_one_line(s) for _, _, s in sorted(chosen, key=lambda s: s[1])]


def relevance(question: str, text: str) -> float:
    """Share of the question's terms that the text contains."""
    terms = set(tokenize(question))
    return len(terms & set(tokenize(text))) / len(terms) if terms else 0.0


def _snippet(text: str) -> str:
    text = _one_line(text)
    return text if len(text) <= MAX_SNIPPET else text[: MAX_SNIPPET - 1].rstrip() + "…"


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
