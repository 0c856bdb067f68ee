"""Ingest on the servers: Celery workers on redis-server, facts on PostgreSQL, vectors on `chroma run`.

The servers are real and started by the session fixtures of `servers.py`; the workers are real
`handoff worker` processes. What the workers write must equal what the embedded ingest writes:
the same facts, the same chunks and the same answers, also when a worker is killed with
SIGKILL in the middle of a job (its part goes to the other worker once the visibility timeout
has passed) and when a second ingest only brings changes. A job that fails or is cancelled
ends with one line of error and leaves the workspace to the next job.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import redis

from handoff.core.facts import load_facts
from handoff.core.json import jsonable
from handoff.core.progress import SilentProgress
from handoff.core.roster import read_roster, replace_roster
from handoff.core.workspace import Workspace
from handoff.index.embedding import model_id
from handoff.index.vectors import chroma_client, open_collection
from handoff.ingest.jobs.celery import QUEUE
from handoff.ingest.jobs.plan import IngestPlan
from handoff.ingest.jobs.runner import JobRunner
from handoff.ingest.jobs.store import FINISHED, Job, JobStore
from handoff.ingest.local import run_ingest
from handoff.retention.policy import RiskPolicy

from .conftest import EXAMPLES, SAMPLE_TICKETS
from .gitbuilder import GitBuilder
from .servers import on_servers

pytestmark = pytest.mark.slow

HANDOFF = str(Path(sys.executable).parent / "handoff")
VISIBILITY_SECONDS = 30  # a killed worker's part is delivered again after this
JOB_SECONDS = 900
FACT_TABLES = ("people", "person_emails", "commits", "file_changes", "files", "blame_lines", "authorship",
               "tickets", "ticket_comments", "adrs", "adr_links", "commit_tickets")
QUESTIONS = [json.loads(line)["q"] for line in (EXAMPLES / "questions.jsonl").read_text().splitlines()[:8]]


@pytest.fixture
def served(tmp_path, postgres, chroma, redis_url) -> Iterator[Workspace]:
    """A new workspace on the servers: its own PostgreSQL and Chroma databases, the session's broker.

    One broker for all: a process sends to one broker, as the API of one workspace does.
    """
    ws, _ = Workspace.init(on_servers(tmp_path / "served", postgres, chroma, redis_url))
    yield ws
    ws.store.close()


@contextmanager
def workers(ws: Workspace, count: int) -> Iterator[list[subprocess.Popen]]:
    """`count` worker processes on the workspace, each in its own process group, logging into the workspace."""
    processes = []
    try:
        for n in range(count):
            with open(ws.home / f"worker-{n}.log", "wb") as log:
                processes.append(subprocess.Popen(
                    [HANDOFF, "--home", str(ws.home), "worker", "--visibility-timeout", str(VISIBILITY_SECONDS)],
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        yield processes
    finally:
        for process in processes:
            kill(process, signal.SIGTERM)


def kill(process: subprocess.Popen, sig: int) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def submit(ws: Workspace, sources: list[Path], tickets: list[Path] = ()) -> str:
    plan = IngestPlan(sources=[(str(s), None) for s in sources], tickets=[(t, None) for t in tickets])
    return JobRunner(ws).submit(plan, {"test": True}).id


def wait(ws: Workspace, job_id: str, until=lambda job: job.state in FINISHED, poll: float = 0.5) -> Job:
    jobs, deadline = JobStore(ws.store), time.monotonic() + JOB_SECONDS
    while time.monotonic() < deadline:
        job = jobs.get(job_id)
        if until(job) or job.state in FINISHED:
            return job
        time.sleep(poll)
    raise AssertionError(f"job {job_id} still {jobs.get(job_id).state} after {JOB_SECONDS} s: "
                         f"see {ws.home}/worker-*.log")


def running_part(log: Path) -> bool:
    """Whether the worker logging to `log` is in the middle of a part. A worker killed between parts, as
    Redis hands it the next one, can lose that part's message: Redis's BRPOP has removed it from the
    queue before kombu records it as unacknowledged. That window is not what this test kills in."""
    received = re.findall(r"run_part\[([0-9a-f-]+)\] received", log.read_text())
    return bool(received) and f"run_part[{received[-1]}] succeeded" not in log.read_text()


def facts_dump(ws: Workspace) -> dict[str, list[str]]:
    return {t: sorted(json.dumps(r, sort_keys=True, default=str) for r in ws.store.rows(f"SELECT * FROM {t}"))
            for t in FACT_TABLES}


def chunks(ws: Workspace) -> dict[str, tuple]:
    client = chroma_client(ws.home / "index" / "chroma", ws.settings.chroma_url)
    collection, _ = open_collection(client, model_id(ws.settings))
    data = collection.get(include=["documents", "metadatas"])
    assert len(set(data["ids"])) == len(data["ids"]) == collection.count()
    rows = zip(data["ids"], data["documents"], data["metadatas"], strict=True)
    return {i: (d, json.dumps(m, sort_keys=True)) for i, d, m in rows}


def answers(ws: Workspace) -> list[dict]:
    from handoff.assist.answer import ask
    from handoff.assist.retrieval import Filters, Retriever

    retriever, facts = Retriever(ws.home / "index", ws.settings), load_facts(ws.store, ws.settings)
    policy = RiskPolicy.from_settings(ws.settings)
    return [jsonable(ask(q, retriever, facts, date(2026, 10, 1), ws.settings, 8, Filters(), policy=policy))
            for q in QUESTIONS]


def test_two_workers_one_killed_ingest_the_sample_as_the_embedded_mode_does(sample_index, served):
    sample = sample_index.home.parent
    replace_roster(served.store, read_roster(sample / "roster.csv"))
    with workers(served, 2) as (doomed, survivor):
        job_id = submit(served, [sample / "shop"], [sample / "tickets" / name for name in SAMPLE_TICKETS])
        busy = wait(served, job_id, until=lambda job: job.stage == "content" and job.done <= (job.total or 0) - 3
                    and running_part(served.home / "worker-0.log"), poll=0.05)
        assert busy.state == "running", busy.errors
        kill(doomed, signal.SIGKILL)
        job = wait(served, job_id)
    assert job.state == "succeeded", job.errors
    assert doomed.returncode == -signal.SIGKILL and survivor.returncode is not None
    assert job.result["sources"][0]["source"] == "shop" and job.result["lexical_rebuilt"]
    assert facts_dump(served) == facts_dump(sample_index)
    assert chunks(served) == chunks(sample_index)
    assert answers(served) == answers(sample_index)
    assert not (served.home / "jobs" / job_id).exists()


def test_a_second_ingest_brings_only_the_changes_as_the_embedded_mode_does(served, tmp_path):
    repo = GitBuilder(tmp_path / "lib")
    repo.commit("alice", {f"lib/mod_{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(12)}
                | {"README.md": "# Lib\n"})
    embedded, _ = Workspace.init(tmp_path / "embedded")
    with workers(served, 2):
        first = wait(served, submit(served, [repo.path]))
        run_ingest(embedded, [(str(repo.path), None)], [], SilentProgress())
        repo.commit("bob", {"lib/mod_1.py": "def f1(x):\n    return x * 2\n", "lib/new.py": "VALUE = 3\n"},
                    delete=["lib/mod_2.py"], message="change, GH-4")
        second = wait(served, submit(served, [repo.path]))
        run_ingest(embedded, [(str(repo.path), None)], [], SilentProgress())
    assert first.state == second.state == "succeeded", first.errors + second.errors
    assert second.result["sources"][0]["facts"]["commits_new"] == 1
    assert facts_dump(served) == facts_dump(embedded)
    assert chunks(served) == chunks(embedded)


def test_a_part_message_lost_by_the_broker_is_sent_again(served, tmp_path):
    """Redis hands a message over before kombu records it as unacknowledged: a worker killed at that
    moment loses it, and the phase's chord never completes. Taking the message off the queue does
    the same without a kill; the stalled job is noticed, the part sent again, and the job ends as
    the embedded ingest does."""
    repo = GitBuilder(tmp_path / "lib")
    repo.commit("alice", {f"lib/mod_{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(12)}
                | {"README.md": "# Lib\n"})
    embedded, _ = Workspace.init(tmp_path / "embedded")
    broker = redis.Redis.from_url(served.settings.broker_url)
    with workers(served, 1):
        job_id = submit(served, [repo.path])
        launched = served.home / "jobs" / job_id / "launched-content.json"
        wait(served, job_id, until=lambda job: launched.exists(), poll=0.02)
        lost = broker.lpop(QUEUE)  # the last part queued: the worker is busy with the first
        assert lost and b"handoff.ingest.jobs.celery.run_part" in lost
        job = wait(served, job_id)
    run_ingest(embedded, [(str(repo.path), None)], [], SilentProgress())
    assert job.state == "succeeded", job.errors
    assert "sending again" in (served.home / "worker-0.log").read_text()
    assert facts_dump(served) == facts_dump(embedded)
    assert chunks(served) == chunks(embedded)


def test_a_failed_and_a_cancelled_job_end_cleanly_and_free_the_workspace(served, tmp_path):
    repo = GitBuilder(tmp_path / "app")
    repo.commit("alice", {"app.py": "print('hello')\n"})
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    failing = submit(served, [repo.path], [broken])
    cancelled = submit(served, [repo.path])
    JobRunner(served).cancel(cancelled)
    following = submit(served, [repo.path])
    with workers(served, 1):
        ends = [wait(served, job_id) for job_id in (failing, cancelled, following)]
    assert [job.state for job in ends] == ["failed", "cancelled", "succeeded"]
    assert "broken.json" in ends[0].errors[-1] and "\n" not in ends[0].errors[-1]
    assert not (served.home / "jobs").exists() or not any((served.home / "jobs").iterdir())
    assert served.store.rows("SELECT value FROM meta WHERE key = 'ingest_job'") == []
