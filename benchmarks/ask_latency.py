"""Latency of extractive `ask`, in process, over an index of >= 50,000 chunks.

    .venv/bin/python benchmarks/ask_latency.py [--chunks 50000] [--embed]

The index is the sample workspace plus filler chunks cut from real Python source (the files of
the installed packages), cached under .bench/latency/. Filler vectors are random unit vectors
unless --embed asks for real embeddings (slow to build); the HNSW and BM25 work per query is the
same either way. Beside `ask`, the same run times the raw retrieval it is built on: one query
embedding, one Chroma query and one BM25 query. Targets: p50 <= 150 ms and <= 2x raw.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
from sample_index import ROOT, sample_workspace

from handoff.assist.answer import ask
from handoff.assist.evaluate import read_questions
from handoff.assist.retrieval import CANDIDATES, Retriever
from handoff.core.facts import load_facts
from handoff.core.workspace import Workspace
from handoff.index.lexical import LexicalIndex
from handoff.index.vectors import all_chunks
from handoff.retention.policy import RiskPolicy  # noqa: E402

CACHE = ROOT / ".bench" / "latency"
AS_OF = date(2026, 10, 1)
WINDOW = 40


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=50_000)
    parser.add_argument("--embed", action="store_true", help="embed filler chunks with the real model")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ws = latency_workspace(args.chunks, args.embed)
    retriever = Retriever(ws.home / "index", ws.settings)
    facts = load_facts(ws.store, ws.settings)
    questions = [q.q for q in read_questions(ROOT / "examples" / "questions.jsonl")]
    retriever.search(questions[0], 1)
    raw, full, policy = [], [], RiskPolicy.from_settings(ws.settings)
    for _ in range(args.rounds):
        for question in questions:
            raw.append(timed(lambda q=question: raw_retrieval(retriever, q, 8 * CANDIDATES)))
            full.append(timed(lambda q=question: ask(q, retriever, facts, AS_OF, ws.settings, k=8, policy=policy)))
    report(retriever.collection.count(), raw, full)


def raw_retrieval(retriever: Retriever, question: str, n: int) -> None:
    vector = retriever.model.get_query_embedding(question)
    retriever.collection.query(query_embeddings=[vector], n_results=n)
    retriever.lexical.search(question, n)


def timed(work) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def report(chunks: int, raw: list[float], full: list[float]) -> None:
    def pct(values, q):
        return float(np.percentile(values, q))

    print(f"{chunks} chunks, {len(full)} questions asked\n")
    print(f"{'':<28}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}")
    print(f"{'raw (embed+Chroma+BM25)':<28}{pct(raw, 50):>9.1f}{pct(raw, 95):>9.1f}{statistics.mean(raw):>9.1f}")
    print(f"{'ask (extractive)':<28}{pct(full, 50):>9.1f}{pct(full, 95):>9.1f}{statistics.mean(full):>9.1f}")
    ratio = pct(full, 50) / pct(raw, 50)
    print(f"\nask p50 {pct(full, 50):.1f} ms <= 150 ms: {'PASS' if pct(full, 50) <= 150 else 'MISS'}")
    print(f"ask p50 / raw p50 = {ratio:.2f} <= 2: {'PASS' if ratio <= 2 else 'MISS'}")


def latency_workspace(chunks: int, embed: bool) -> Workspace:
    marker = CACHE / f"built-{chunks}-{'embedded' if embed else 'random'}"
    if not marker.exists():
        shutil.rmtree(CACHE, ignore_errors=True)
        shutil.copytree(sample_workspace(), CACHE / "ws")
        add_filler(Workspace.open(CACHE / "ws"), chunks, embed)
        marker.touch()
    return Workspace.open(CACHE / "ws")


def add_filler(ws: Workspace, target: int, embed: bool) -> None:
    retriever = Retriever(ws.home / "index", ws.settings)
    collection = retriever.collection
    missing = target - collection.count()
    texts, metas = filler_chunks(missing)
    dimensions = len(collection.get(limit=1, include=["embeddings"])["embeddings"][0])
    batch = 2000
    for start in range(0, len(texts), batch):
        part = texts[start:start + batch]
        vectors = embed_texts(ws, part) if embed else random_unit_vectors(len(part), dimensions)
        ids = [f"filler:{start + i}#0" for i in range(len(part))]
        collection.add(ids=ids, documents=part, metadatas=metas[start:start + batch], embeddings=vectors)
        print(f"  filler {start + len(part)}/{len(texts)}", file=sys.stderr)
    data = all_chunks(collection)
    LexicalIndex.from_chunks(data["ids"], data["documents"], data["metadatas"]).save(ws.home / "index" / "bm25")


def filler_chunks(count: int) -> tuple[list[str], list[dict]]:
    source = Path(np.__file__).resolve().parent.parent
    rng = random.Random(7)
    files = sorted(source.rglob("*.py"))
    rng.shuffle(files)
    texts, metas = [], []
    for path in files:
        lines = path.read_text(errors="replace").splitlines()
        for start in range(0, len(lines), WINDOW):
            text = "\n".join(lines[start:start + WINDOW]).strip()
            if len(text) < 80:
                continue
            rel = str(path.relative_to(source))
            texts.append(text)
            metas.append({"kind": "code", "repo": "filler", "path": rel, "start_line": start + 1,
                          "end_line": min(start + WINDOW, len(lines)), "document_id": f"filler:{rel}"})
            if len(texts) == count:
                return texts, metas
    return texts, metas


def random_unit_vectors(n: int, dimensions: int) -> list[list[float]]:
    vectors = np.random.default_rng(7).standard_normal((n, dimensions)).astype(np.float32)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).tolist()


def embed_texts(ws: Workspace, texts: list[str]) -> list[list[float]]:
    from handoff.index.embedding import embedder

    return embedder(ws.settings).get_text_embedding_batch(texts)


if __name__ == "__main__":
    main()
