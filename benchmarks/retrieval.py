"""Retrieval quality: recall@1/5/10 and MRR for dense only, BM25 only and hybrid.

    .venv/bin/python benchmarks/retrieval.py                       # the sample workspace and its questions
    .venv/bin/python benchmarks/retrieval.py --home WS --questions Q.jsonl

Target on the sample set: hybrid recall@5 >= 0.9 and above both single retrievers.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sample_index import ROOT, sample_workspace

from handoff.assist.evaluate import evaluate, read_questions
from handoff.assist.retrieval import Retriever
from handoff.core.workspace import Workspace

MODES = ("dense", "bm25", "hybrid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="an ingested workspace (default: the sample)")
    parser.add_argument("--questions", type=Path, default=ROOT / "examples" / "questions.jsonl")
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    ws = Workspace.open(args.home or sample_workspace())
    retriever = Retriever(ws.home / "index", ws.settings)
    questions = read_questions(args.questions)
    retriever.search(questions[0].q, 1)  # load the model outside the timings
    print(f"{len(questions)} questions, {retriever.collection.count()} chunks in {ws.home}\n")
    print(f"{'mode':<8}{'recall@1':>10}{'recall@5':>10}{'recall@10':>11}{'MRR@' + str(args.k):>9}{'ms/question':>13}")
    results = {}
    for mode in MODES:
        started = time.perf_counter()
        report = evaluate(retriever, questions, args.k, mode)
        per_question = (time.perf_counter() - started) * 1000 / len(questions)
        results[mode] = report
        r = report.recall
        print(f"{mode:<8}{r['@1']:>10.3f}{r['@5']:>10.3f}{r['@10']:>11.3f}{report.mrr:>9.3f}{per_question:>13.1f}")
    hybrid = results["hybrid"].recall["@5"]
    best_single = max(results["dense"].recall["@5"], results["bm25"].recall["@5"])
    print(f"\nhybrid recall@5 {hybrid:.3f} >= 0.9: {'PASS' if hybrid >= 0.9 else 'MISS'}")
    print(f"hybrid above both single retrievers ({best_single:.3f}): {'PASS' if hybrid > best_single else 'MISS'}")


if __name__ == "__main__":
    main()
