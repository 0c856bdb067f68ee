"""One ingest as typed stages: the one orchestration, run in process (`local`) or by Celery workers.

    prepare  per repository: mirror a URL, pin HEAD, sort the files at HEAD (left out, unchanged,
             to blame) and cut those to blame into parts
    facts    per repository: the history since the last ingest (`history`); each blame part (`blame`)
    write    per repository: the staged history and blame in one transaction, then the ADRs
    content  per repository and bucket: the documents whose id hashes to the bucket, into the
             index; per ticket export: its facts and documents (`tickets`)
    finish   once: the BM25 index rebuilt from the vector store, and the run's report

Phases run in this order; the parts of one phase in any order, on any worker. A part reads what
earlier parts staged (`Staging`: in memory in process, the job folder on workers) and stages its
own output under its name. Nothing reaches the facts store before the write step, so a part run
twice only stages the same output again, and a part already staged is not run again. How finely
the work is cut is the runner's `Shape`: in process, one blame part and one content bucket per
repository; on workers, batches and buckets that several workers share. Both write the same facts
and the same chunks.
"""

from __future__ import annotations

import time
from collections import Counter

from handoff.core.progress import Progress, SilentProgress
from handoff.core.workspace import Workspace
from handoff.index.summary import SyncSummary
from handoff.ingest import stages
from handoff.ingest.staged import IngestReport, Plan, SourceReport, Staging, Synced, Written, prepared

PHASES = ("prepare", "facts", "write", "content", "finish")
KINDS = {"prepare": ("prepare",), "facts": ("history", "blame"), "write": ("write",),
         "content": ("content", "tickets"), "finish": ()}
PHASE_OF = {kind: phase for phase, kinds in KINDS.items() for kind in kinds}


def parts(staging: Staging, plan: Plan, phase: str) -> list[str]:
    """The parts of `phase`, from the plan and what the earlier phases staged."""
    if phase == "prepare":
        return [f"prepare.{i}" for i in range(len(plan.sources))]
    if phase == "finish":
        return []
    repos = prepared(staging, plan)
    if phase == "facts":
        return [part for i, r in repos.items() if r.head
                for part in (f"history.{i}", *(f"blame.{i}.{k}" for k in range(len(r.batches))))]
    if phase == "write":
        return [f"write.{i}" for i in repos]
    buckets = [f"content.{i}.{b}" for i, r in repos.items() if r.head for b in range(plan.shape.content_buckets)]
    return (buckets if plan.index else []) + [f"tickets.{j}" for j in range(len(plan.tickets))]


def phase_of(part: str) -> str:
    return PHASE_OF[part.split(".", 1)[0]]


def run_part(ws: Workspace, staging: Staging, plan: Plan, part: str, progress: Progress) -> None:
    """Run `part` and stage its output with the warnings it gave; a part staged before is not run again."""
    if staging.has(part):
        return
    kind, *numbers = part.split(".")
    collected = WarningsOf(progress)
    output = stages.STAGES[kind](ws, staging, plan, collected, *map(int, numbers))
    staging.put(part, output, collected.warnings)


class WarningsOf:
    """A part's view of the run's progress: everything passes through, and the part's own warnings are kept."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.warnings: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        self.progress.stage(name, total)

    def advance(self, n: int = 1) -> None:
        self.progress.advance(n)

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self.progress.warn(message)


def begin(ws: Workspace, staging: Staging, plan: Plan) -> None:
    """Stage the plan; open the index once, so that a change of model empties it before any part runs."""
    staging.put("plan", plan, [])
    if plan.index:
        _open_index(ws, SilentProgress())


def finish(ws: Workspace, staging: Staging, plan: Plan, progress: Progress) -> IngestReport:
    """Rebuild BM25 once every part is in, and report the run."""
    rebuilt = _open_index(ws, progress).publish_lexical() if plan.index else False
    return report(staging, plan, rebuilt)


def _open_index(ws: Workspace, progress: Progress):
    from handoff.index.sync import Index  # LlamaIndex and Chroma load only for a run that indexes

    return Index(ws.home / "index", ws.settings, progress)


def report(staging: Staging, plan: Plan, lexical_rebuilt: bool) -> IngestReport:
    """The run's report: per repository, its facts and ADRs from the write step and its index summed over
    buckets; per ticket export, its own."""
    sources = []
    for i, repo in prepared(staging, plan).items():
        written = staging.get(f"write.{i}", Written)
        buckets = [staging.get(p, Synced) for b in range(plan.shape.content_buckets)
                   if staging.has(p := f"content.{i}.{b}")]
        counted: list[Written | Synced] = [written, *buckets]
        sources.append(SourceReport(
            repo.name, written.facts, _summed([b.index for b in buckets]) if buckets else None,
            sum((c.skipped for c in counted), Counter()), sum((c.redactions for c in counted), Counter()),
            written.problems, adrs=written.adrs))
    sources += [staging.get(f"tickets.{j}", SourceReport) for j in range(len(plan.tickets))]
    return IngestReport(sources, lexical_rebuilt, time.time() - plan.started)


def _summed(summaries: list[SyncSummary]) -> SyncSummary:
    total = SyncSummary(*(sum(getattr(s, key) for s in summaries) for key in ("documents", "changed", "removed",
                                                                              "chunks")))
    seconds: Counter = Counter()
    for s in summaries:
        seconds.update(s.seconds)
    total.seconds = dict(seconds)
    return total

