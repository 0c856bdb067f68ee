"""Running ingest jobs outside the request: an in-process worker pool, or Celery workers.

The pool is in-process by default; with `broker_url` set, jobs go to Celery workers (`handoff
worker`, see `handoff.ingest.jobs.celery`), which keep the same row and honour the same cancel flag.
A job's progress reporter checks the cancel flag at every step (reading the row at most every
CHECK_SECONDS) and raises on it, so a job stops at its next file or batch, whichever process took
the cancel; whatever it had committed stays, as after a killed CLI run, and the next run resumes.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from handoff.core.errors import HandoffError, NotFoundError
from handoff.core.json import jsonable
from handoff.core.workspace import Workspace
from handoff.index.snapshots import Snapshots
from handoff.ingest.jobs.plan import IngestPlan
from handoff.ingest.jobs.processes import this_process
from handoff.ingest.jobs.store import CELERY, FINISHED, Job, JobStore

FLUSH_SECONDS = 0.5
CHECK_SECONDS = 0.5  # a running job reads its cancel flag at most this often
LOCK_WAIT = 0.5  # seconds before a queued in-process job asks for the workspace again
INTERNAL = "internal error; the server log has the details"
log = logging.getLogger("handoff.ingest.jobs")


class JobCancelled(Exception):
    """Raised inside a running job at its next progress step once a cancel was requested."""


class JobProgress:
    """Progress written to the job's row (at most every FLUSH_SECONDS), and where a cancel lands."""

    def __init__(self, jobs: JobStore, job_id: str, cancelled: threading.Event):
        self.jobs, self.job_id, self.cancelled = jobs, job_id, cancelled
        self.name: str | None = None
        self.done = 0
        self.total: int | None = None
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
    """Runs ingest jobs in a worker pool, one at a time, readers kept on a snapshot of the index meanwhile.

    With `broker_url` the jobs go to Celery workers instead, which outlive this process: their
    jobs are not interrupted at start-up, and readers see the Chroma server's collection live and
    each new BM25 generation once it is published.
    """

    def __init__(self, ws: Workspace, snapshots: Snapshots | None = None, workers: int = 1):
        self.ws, self.snapshots = ws, snapshots or Snapshots(ws)
        self.jobs = JobStore(ws.store)
        self.celery = bool(ws.settings.broker_url)
        if self.celery:
            _connect_celery(ws)
        else:
            self.jobs.interrupt_orphans()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest-job")
        self._running: dict[str, tuple[Future, threading.Event]] = {}

    def submit(self, plan: IngestPlan, request: dict) -> Job:
        """Queue the plan; the job's row keeps `request` with no credentials in its repository URL."""
        from handoff.ingest.sources.remote import shown_url

        if request.get("repository"):
            request = {**request, "repository": shown_url(request["repository"])}
        job = self.jobs.create("ingest", request, CELERY if self.celery else this_process())
        if self.celery:
            from handoff.ingest.jobs.celery import submit

            submit(job.id, plan.sources, [(str(p), r) for p, r in plan.tickets], plan.index)
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
        return self.get(job_id)

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
        from handoff.ingest.local import run_ingest

        plan.check_confined()
        if plan.index:
            progress.stage("snapshot")
            self.snapshots.pin()
        report = run_ingest(self.ws, plan.sources, plan.tickets, progress, index=plan.index)
        if plan.index:
            self.snapshots.publish()
        return report


def _connect_celery(ws: Workspace) -> None:
    from handoff.ingest.jobs.celery import check_settings, connect

    check_settings(ws.settings)
    connect(ws.settings)
