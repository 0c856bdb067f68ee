"""Measuring retrieval on a team's own questions: recall@1/5/10 and MRR of the cited sources.

A question file has one JSON object per line: `{"q": "...", "expect": ["path", "TICKET-1", ...]}`.
A source counts as found when a cited chunk's path or ticket key is one of the expected ones;
ranks count distinct sources, so three chunks of one file take one place, as they do in an answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from handoff.assist.retrieval import Filters, Hit, Retriever
from handoff.core.errors import InputError

CUTOFFS = (1, 5, 10)


@dataclass
class Question:
    q: str
    expect: list[str]


@dataclass
class Miss:
    q: str
    expect: list[str]
    got: list[str]


@dataclass
class EvalReport:
    questions: int
    mode: str
    recall: dict[str, float]
    mrr: float
    missed: list[Miss] = field(default_factory=list)


def read_questions(path: Path) -> list[Question]:
    if not path.is_file():
        raise InputError(f"{path}: no such question file")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            questions.append(Question(str(record["q"]), [str(e) for e in record["expect"]]))
        except (ValueError, KeyError, TypeError):
            raise InputError(f"{path}: line {number}: expected {{\"q\": \"...\", \"expect\": [\"...\"]}}") from None
    if not questions:
        raise InputError(f"{path}: no questions")
    return questions


def evaluate(retriever: Retriever, questions: list[Question], k: int = 10, mode: str = "hybrid",
             filters: Filters = Filters()) -> EvalReport:
    depth = max(k, *CUTOFFS)
    found_at: list[int | None] = []
    missed = []
    for question in questions:
        sources = _unique([source_of(h) for h in retriever.search(question.q, depth * 2, filters, mode)])
        rank = next((i for i, s in enumerate(sources, start=1) if s in question.expect), None)
        found_at.append(rank)
        if rank is None or rank > k:
            missed.append(Miss(question.q, question.expect, sources[:k]))
    n = len(questions)
    recall = {f"@{c}": sum(1 for r in found_at if r is not None and r <= c) / n for c in CUTOFFS}
    mrr = sum(1 / r for r in found_at if r is not None and r <= k) / n
    return EvalReport(n, mode, recall, mrr, missed)


def source_of(hit: Hit) -> str:
    return hit.meta.get("key") or hit.meta.get("path", "")


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
