"""Ingest jobs: checked when submitted, run by a worker pool outside the request, kept in `jobs`.

The pool is in-process by default; with `broker_url` set, jobs go to Celery workers (`handoff
worker`, see `handoff.ingest.jobs.celery`), which keep the same row and honour the same cancel flag.

A job's row holds what the CLI's progress bars show (the stage, items done of the total) and
the warnings and errors a run produced; it is written as the work goes, so any request (or
another server process) reads the same state. Cancelling sets a flag in the row that the job's
progress reporter checks at every step (reading the row at most every CHECK_SECONDS) and
raises on, so a job stops at its next file or batch, whichever process took the cancel;
whatever it had committed stays, as after a killed CLI run, and the next run resumes.

Jobs of one workspace run one at a time, across server processes and Celery workers alike:
a job starts once it holds the `ingest_job` lock in `meta`, since two runs would write the
same index and BM25 generations. The row records the process running the job, so a server
process starting up fails only the jobs of processes that are gone. What a job may read is
limited to the `allowed_roots` folders (repositories and ticket exports) and to network git
URLs.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from handoff.core.errors import HandoffError, InputError, NotFoundError
from handoff.ingest.jobs.processes import is_running, this_process
from handoff.core.store import FactsStore, get_meta, insert_many
from handoff.core.workspace import Workspace

from handoff.core.json import jsonable

FINISHED = ("succeeded", "failed", "cancelled")
ACTIVE = ("queued", "running")
FLUSH_SECONDS = 0.5
CHECK_SECONDS = 0.5  # a running job reads its cancel flag at most this often
LOCK = "ingest_job"
LOCK_WAIT = 0.5  # seconds before a queued in-process job asks for the workspace again
CELERY = "celery"  # the runner of jobs sent to Celery workers
INTERNAL = "internal error; the server log has the details"
log = logging.getLogger("handoff.ingest.jobs.store")


@dataclass
class Job:
    id: str
    kind: str
    state: str
    stage: str | None
    done: int
    total: int | None
    request: dict
    result: dict | None
    errors: list[str]
    cancel_requested: bool
    created_at: str
    updated_at: str


@dataclass
class IngestPlan:
    """What one job ingests, as `run_ingest` takes it."""

    sources: list[tuple[str, str | None]] = field(default_factory=list)
    tickets: list[tuple[Path, str | None]] = field(default_factory=list)
    index: bool = True


class JobCancelled(Exception):
    """Raised inside a running job at its next progress step once a cancel was requested."""


def plan_ingest(ws: Workspace, repository: str | None, name: str | None, tickets: list[str],
                configured: bool = False, index: bool = True) -> IngestPlan:
    """The checked plan of an ingest request; InputError (400) for anything outside what is allowed."""
    from handoff.ingest.sources.git import GitRepo
    from handoff.ingest.sources.remote import check_url, is_url
    from handoff.ingest.workflow import configured_sources

    roots = [ws.path_setting(root) for root in ws.settings.allowed_roots]
    plan = IngestPlan(index=index)
    if repository:
        _check_text(repository, "repository")
        if is_url(repository):
            plan.sources.append((check_url(repository), name))
        else:
            plan.sources.append((str(GitRepo.open(allowed_path(repository, roots, "repository")).path), name))
    plan.tickets += [(allowed_path(t, roots, "ticket file", want_file=True), name) for t in tickets]
    if configured:
        more_sources, more_tickets = configured_sources(ws)
        plan.sources += more_sources
        plan.tickets += more_tickets
    if not plan.sources and not plan.tickets:
        raise InputError("nothing to ingest: give a repository, ticket files, or configured: true")
    return plan


def allowed_path(raw: str, roots: list[Path], what: str, want_file: bool = False) -> Path:
    """`raw` resolved, when it is absolute, has no `..` and resolves (symlinks followed) inside a root."""
    _check_text(raw, what)
    path = Path(raw)
    if not path.is_absolute() or ".." in path.parts:
        raise InputError(f"{what} {raw!r}: give an absolute path without '..'")
    if not roots:
        raise InputError(f"{what} {raw!r}: no allowed_roots are configured, so the API reads no local paths; "
                         "add folders to allowed_roots in handoff.toml")
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise InputError(f"{what} {raw!r}: outside the allowed roots ({', '.join(map(str, roots))})")
    if not (resolved.is_file() if want_file else resolved.is_dir()):
        raise InputError(f"{what} {raw!r}: no such {'file' if want_file else 'folder'}")
    return resolved


def _check_text(value: str, what: str) -> None:
    if value.startswith("-") or any(c in value for c in "\n\r\x00"):
        raise InputError(f"{what} {value!r}: looks like an option or holds control characters")


class JobStore:
    """The `jobs` table: one row per job, updated as it runs."""

    def __init__(self, store: FactsStore):
        self.store = store

    def create(self, kind: str, request: dict, runner: str) -> Job:
        """A queued job; `runner` is the process that will run it (`this_process()`) or CELERY."""
        now = _now()
        row = {"id": uuid.uuid4().hex[:12], "kind": kind, "state": "queued", "request": json.dumps(request),
               "runner": runner, "created_at": now, "updated_at": now}
        with self.store.transaction(changes_facts=False) as conn:
            insert_many(conn, "jobs", [row])
        return self.get(row["id"])

    def get(self, job_id: str) -> Job | None:
        rows = self.store.rows("SELECT * FROM jobs WHERE id = :id", id=job_id)
        return _job(rows[0]) if rows else None

    def update(self, job_id: str, **values) -> None:
        values = _encoded(values)
        assignments = ", ".join(f"{k} = :{k}" for k in values)
        with self.store.transaction(changes_facts=False) as conn:
            conn.execute(text(f"UPDATE jobs SET {assignments}, updated_at = :now WHERE id = :id"),
                         {**values, "now": _now(), "id": job_id})

    def finish(self, job_id: str, state: str, **values) -> None:
        """Give a queued or running job its final state; a job that has one keeps it."""
        values = _encoded(values)
        assignments = "".join(f", {k} = :{k}" for k in values)
        with self.store.transaction(changes_facts=False) as conn:
            conn.execute(text(f"UPDATE jobs SET state = :state{assignments}, updated_at = :now "
                              "WHERE id = :id AND state IN ('queued', 'running')"),
                         {**values, "state": state, "now": _now(), "id": job_id})

    def count_done(self, job_id: str, done: int) -> None:
        """Raise the parts done to `done`: workers finishing together report counts out of order."""
        with self.store.transaction(changes_facts=False) as conn:
            conn.execute(text("UPDATE jobs SET done = :done, updated_at = :now WHERE id = :id AND done < :done"),
                         {"done": done, "now": _now(), "id": job_id})

    def running_on_workers(self) -> list[str]:
        """The ids of the jobs Celery workers are running."""
        return [row["id"] for row in self.store.rows("SELECT id FROM jobs WHERE state = 'running' AND runner = :runner",
                                                     runner=CELERY)]

    def cancel_requested(self, job_id: str) -> bool:
        return bool(self.store.rows("SELECT cancel_requested FROM jobs WHERE id = :id", id=job_id)[0]
                    ["cancel_requested"])

    def interrupt_orphans(self) -> None:
        """Fail the jobs of server processes that are gone: nothing else will finish them. Jobs of
        Celery workers are left to their workers."""
        rows = self.store.rows("SELECT id, runner FROM jobs WHERE state IN ('queued', 'running')")
        for row in rows:
            if row["runner"] != CELERY and not (row["runner"] and is_running(row["runner"])):
                self.finish(row["id"], "failed",
                            errors=["interrupted: the server stopped before the job finished"])

    def acquire(self, job_id: str) -> bool:
        """Take the workspace's ingest lock, or take it over from a job that ended without freeing it."""
        with self.store.transaction(changes_facts=False) as conn:
            conn.execute(text("INSERT INTO meta (key, value) VALUES (:key, :id) ON CONFLICT (key) DO NOTHING"),
                         {"key": LOCK, "id": job_id})
            holder = get_meta(conn, LOCK)
        if holder == job_id:
            return True
        if self._holds_on(holder):
            return False
        with self.store.transaction(changes_facts=False) as conn:
            taken = conn.execute(text("UPDATE meta SET value = :id WHERE key = :key AND value = :holder"),
                                 {"key": LOCK, "id": job_id, "holder": holder})
        return taken.rowcount == 1

    def release(self, job_id: str) -> None:
        with self.store.transaction(changes_facts=False) as conn:
            conn.execute(text("DELETE FROM meta WHERE key = :key AND value = :id"), {"key": LOCK, "id": job_id})

    def _holds_on(self, job_id: str) -> bool:
        """Whether the lock's holder is still queued or running in a process that is."""
        rows = self.store.rows("SELECT state, runner FROM jobs WHERE id = :id", id=job_id)
        if not rows or rows[0]["state"] not in ACTIVE:
            return False
        runner = rows[0]["runner"]
        return runner == CELERY or not runner or is_running(runner)


class JobProgress:
    """Progress written to the job's row (at most every FLUSH_SECONDS), and where a cancel lands."""

    def __init__(self, jobs: JobStore, job_id: str, cancelled: threading.Event):
        self.jobs, self.job_id, self.cancelled = jobs, job_id, cancelled
        self.name: str | None = None
        self.done, self.total = 0, None
        self.warnings: list[str] = []
        self._flushed = self._checked = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        self.check()
        self.name, self.done, self.total = name, 0, total
        self._flush(force=True)

    def advance(self, n: int = 1) -> None:
        self.check()
        self.done += n
        self._flush()

    def warn(self, message: str) -> None:
        self.warnings.append(message)
        self._flush(force=True)

    def check(self) -> None:
        """Raise JobCancelled once a cancel was asked here or, through the row, in another process."""
        if not self.cancelled.is_set() and time.monotonic() - self._checked >= CHECK_SECONDS:
            self._checked = time.monotonic()
            if self.jobs.cancel_requested(self.job_id):
                self.cancelled.set()
        if self.cancelled.is_set():
            raise JobCancelled()

    def fields(self, *errors: str) -> dict:
        """The job row's progress columns as they stand, with `errors` after the warnings."""
        return {"stage": self.name, "done": self.done, "total": self.total, "errors": [*self.warnings, *errors]}

    def _flush(self, force: bool = False) -> None:
        if force or time.monotonic() - self._flushed >= FLUSH_SECONDS:
            self.jobs.update(self.job_id, **self.fields())
            self._flushed = time.monotonic()


class JobRunner:
    """Runs ingest jobs in a worker pool, one at a time, and tells the readers when one completes.

    With `broker_url` the jobs go to Celery workers instead, which outlive this process: their
    jobs are not interrupted at start-up, and readers see the Chroma server's collection live and
    each new BM25 generation once it is published.
    """

    def __init__(self, ws: Workspace, readers, workers: int = 1):
        self.ws, self.readers = ws, readers
        self.jobs = JobStore(ws.store)
        self.celery = bool(ws.settings.broker_url)
        if self.celery:
            _connect_celery(ws)
        else:
            self.jobs.interrupt_orphans()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest-job")
        self._running: dict[str, tuple[Future, threading.Event]] = {}

    def submit(self, plan: IngestPlan, request: dict) -> Job:
        job = self.jobs.create("ingest", request, CELERY if self.celery else this_process())
        if self.celery:
            from handoff.ingest.jobs.celery import submit

            submit(job.id, {"sources": plan.sources, "tickets": [(str(p), r) for p, r in plan.tickets],
                            "index": plan.index})
            return job
        cancelled = threading.Event()
        future = self._pool.submit(self._run, job.id, plan, cancelled)
        self._running[job.id] = (future, cancelled)
        future.add_done_callback(lambda _: self._running.pop(job.id, None))
        return job

    def get(self, job_id: str) -> Job:
        job = self.jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"ingest job {job_id!r} does not exist")
        return job

    def cancel(self, job_id: str) -> Job:
        """Ask a job to stop; a queued job stops before it starts, a finished one stays as it is."""
        job = self.get(job_id)
        if job.state in FINISHED:
            return job
        self.jobs.update(job_id, cancel_requested=1)
        if job_id in self._running:
            self._running[job_id][1].set()
        return self.jobs.get(job_id)

    def shutdown(self) -> None:
        for _, cancelled in list(self._running.values()):
            cancelled.set()
        self._pool.shutdown(wait=True)

    def _run(self, job_id: str, plan: IngestPlan, cancelled: threading.Event) -> None:
        progress = JobProgress(self.jobs, job_id, cancelled)
        try:
            self._wait_for_workspace(job_id, progress)
            self.jobs.update(job_id, state="running")
            report = self._ingest(plan, progress)
        except JobCancelled:
            self.jobs.update(job_id, state="cancelled", **progress.fields())
        except HandoffError as exc:
            self.jobs.update(job_id, state="failed", **progress.fields(exc.message))
        except Exception:
            log.exception("ingest job %s failed", job_id)
            self.jobs.update(job_id, state="failed", **progress.fields(INTERNAL))
        else:
            self.jobs.update(job_id, state="succeeded", result=jsonable(report), **progress.fields())
        finally:
            self.jobs.release(job_id)

    def _wait_for_workspace(self, job_id: str, progress: JobProgress) -> None:
        """Stay queued while a job of another server process or worker holds the workspace."""
        progress.check()
        while not self.jobs.acquire(job_id):
            progress.cancelled.wait(LOCK_WAIT)
            progress.check()

    def _ingest(self, plan: IngestPlan, progress: JobProgress):
        from handoff.ingest.workflow import run_ingest

        if plan.index:
            progress.stage("snapshot")
            self.readers.pin()
        report = run_ingest(self.ws, plan.sources, plan.tickets, progress, index=plan.index)
        if plan.index:
            self.readers.publish()
        return report


def _connect_celery(ws: Workspace) -> None:
    from handoff.ingest.jobs.celery import check_settings, connect

    check_settings(ws.settings)
    connect(ws.settings)


def _encoded(values: dict) -> dict:
    return {k: json.dumps(v) if k in ("result", "errors") else v for k, v in values.items()}


def _job(row) -> Job:
    return Job(row["id"], row["kind"], row["state"], row["stage"], row["done"], row["total"],
               json.loads(row["request"]), json.loads(row["result"]) if row["result"] else None,
               json.loads(row["errors"]), bool(row["cancel_requested"]), row["created_at"], row["updated_at"])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
