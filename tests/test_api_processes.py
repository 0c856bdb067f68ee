"""Several server processes over one workspace (`handoff serve --workers N`): one job at a time,
cancels taken by any process, and every process reading the previous index while a job writes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest

from handoff.core.progress import SilentProgress
from handoff.index.snapshots import Snapshots
from handoff.ingest.jobs.plan import IngestPlan
from handoff.ingest.jobs.runner import JobRunner
from handoff.ingest.local import run_ingest

from .api_kit import small_workspace, wait_for
from .gitbuilder import GitBuilder

CHARGEBACKS = ('"""Chargebacks: disputed card payments that the bank reverses, and the evidence we send to '
               'contest them."""\n')
QUESTION = "how are chargebacks contested?"

# Another server process's readers: answers each question read from stdin with the paths found,
# each with its dense and lexical rank.
READER_PROCESS = """
import json, sys
from pathlib import Path
from handoff.api.http.state import IndexReaders
from handoff.assist.retrieval import Filters
from handoff.core.workspace import Workspace
from handoff.index.snapshots import Snapshots

ws = Workspace.open(Path(sys.argv[1]))
readers = IndexReaders(ws, Snapshots(ws))
for question in sys.stdin:
    hits = readers.retriever().search(question.strip(), 5, Filters(kind="code"))
    print(json.dumps({h.meta["path"]: [h.dense_rank, h.lexical_rank] for h in hits}), flush=True)
"""


def test_jobs_of_two_processes_run_one_at_a_time_and_either_cancels_them(tmp_path, slow_ingest):
    ws = small_workspace(tmp_path, index=False)
    first, second = JobRunner(ws), JobRunner(ws)  # as two processes hold them
    plan = IngestPlan(sources=[(str(tmp_path / "allowed" / "shop"), "shop")], index=False)
    running = first.submit(plan, {"n": 1})
    assert slow_ingest.wait(30)
    waiting = second.submit(plan, {"n": 2})
    wait_for(lambda: first.get(running.id).done > 100, what="the first job's progress")
    assert second.get(waiting.id).state == "queued"  # the workspace is held by the first

    assert second.cancel(running.id).cancel_requested  # not the process that runs it
    stopped = wait_for(lambda: (job := first.get(running.id)).state == "cancelled" and job, what="the cancel")
    assert 100 < stopped.done < 1000

    started = wait_for(lambda: (job := second.get(waiting.id)).done > 0 and job, what="the second job to start")
    assert started.state == "running"
    first.cancel(waiting.id)
    assert wait_for(lambda: second.get(waiting.id).state == "cancelled", what="the second cancel")
    first.shutdown()
    second.shutdown()


class PauseAt(SilentProgress):
    """Holds the run at the start of one stage until released."""

    def __init__(self, name: str):
        super().__init__()
        self.name, self.reached, self.release = name, threading.Event(), threading.Event()

    def stage(self, name: str, total: int | None = None) -> None:
        super().stage(name, total)
        if name == self.name:
            self.reached.set()
            assert self.release.wait(60)


class ReaderProcess:
    """Another server process's readers, asked through a pipe."""

    def __init__(self, home):
        self.process = subprocess.Popen([sys.executable, "-c", READER_PROCESS, str(home)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)

    def found(self) -> dict:
        self.process.stdin.write(QUESTION + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


@pytest.mark.slow
def test_other_processes_read_the_copy_while_a_job_writes_then_the_new_index(tmp_path):
    ws = small_workspace(tmp_path, index=True)
    GitBuilder(tmp_path / "allowed" / "shop").commit("alice", {"pay/chargebacks.py": CHARGEBACKS}, when="2025-03-01")
    before = ReaderProcess(ws.home)  # reading the live index since before the job
    assert "pay/chargebacks.py" not in before.found()
    snapshots = Snapshots(ws)  # the job's process
    snapshots.pin()
    progress = PauseAt("bm25")  # every chunk is in the live Chroma collection; BM25 not yet rebuilt
    job = threading.Thread(target=run_ingest, args=(ws, [(str(tmp_path / "allowed" / "shop"), "shop")], [],
                                                    progress))
    job.start()
    assert progress.reached.wait(120)
    during = ReaderProcess(ws.home)  # first opens the index now
    assert "pay/chargebacks.py" not in during.found()  # the copy taken before the job, not the live index
    assert "pay/chargebacks.py" not in before.found()
    progress.release.set()
    job.join()
    snapshots.publish()
    for other in (before, during):
        assert other.found()["pay/chargebacks.py"] == [1, 1]  # dense too: each process re-read Chroma
        other.stop()
    assert not list((ws.home / "index-snapshots").iterdir())
