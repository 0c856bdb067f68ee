"""Ingest jobs on Celery workers over a Redis broker (`broker_url`); `handoff worker` runs one.

A job's phases (see `pipeline`) run one after another. The parts of a phase go out as one
Celery chord, to whichever workers are free, and the chord's callback starts the next phase.
Tasks are acknowledged late: a worker killed mid-part never acknowledges it, and Redis gives it
to another worker once the visibility timeout has passed. Parts are idempotent, so a part run
twice changes nothing; a phase callback delivered twice starts its phase once, since the first
copy claims the phase under its task id.

One message can still be lost: Redis hands a message over (BRPOP) before kombu records it as
unacknowledged, so a worker killed at that moment takes it with it, and the chord waiting for
it never completes. Each worker therefore looks for running jobs whose folder has not changed
for longer than the visibility timeout, and sends again the parts of the current phase not
staged yet and the callback that starts the next phase (`resend_stalled`).

Every worker serves the workspace of its `--home`: the same stores and the same folder (a
shared volume) as the API's. The job's row in `jobs`, kept through the job store that the
command passes in, shows the phase and its parts done, and ends succeeded, failed or cancelled.
Jobs of one workspace run one at a time, as in the in-process pool: a job starts once it holds
the workspace's ingest lock (`JobStore.acquire`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass

from celery import Celery, chord

from handoff.core.errors import HandoffError, WorkspaceError
from handoff.core.json import jsonable
from handoff.core.progress import SilentProgress
from handoff.core.settings import Settings
from handoff.core.workspace import Workspace
from handoff.ingest import pipeline
from handoff.ingest.jobs.folder import JobFolder
from handoff.ingest.jobs.store import JobStore
from handoff.ingest.pipeline import KINDS, PHASES
from handoff.ingest.staged import ON_WORKERS, Plan

QUEUE = "handoff"
ACTIVE = ("queued", "running")
RESTORE_SWEEP = 5  # seconds between a worker's looks for parts whose worker died
STALL_SWEEP = 10  # seconds between a worker's looks for jobs that stopped moving
LOCK_WAIT = 5  # seconds before a job waiting for the workspace asks again
CHECK_SECONDS = 1.0  # a running part reads its job's state at most this often
INTERNAL = "internal error; the worker's log has the details"
log = logging.getLogger("handoff.ingest.jobs.celery")

app = Celery("handoff", set_as_current=False)
app.conf.update(
    task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
    worker_cancel_long_running_tasks_on_connection_loss=True, broker_connection_retry_on_startup=True,
    task_default_queue=QUEUE, task_serializer="json", result_serializer="json", accept_content=["json"],
)


@dataclass
class Served:
    """What a worker process serves: the workspace of `--home`, and the `jobs` table's store."""

    ws: Workspace
    jobs: JobStore


_served: Served | None = None


def served() -> Served:
    """What this worker process serves; set by `serve` before any task runs."""
    if _served is None:
        raise WorkspaceError("this process is not a Handoff worker; start one with `handoff worker`")
    return _served


def check_settings(settings: Settings) -> None:
    """Refuse what cannot work with workers in several processes: no broker, or the embedded vector store."""
    if not settings.broker_url:
        raise WorkspaceError("broker_url is not set: set it (redis://...) to run ingest jobs on workers")
    if not settings.chroma_url:
        raise WorkspaceError("broker_url needs chroma_url: workers cannot share the embedded vector store; "
                             "start `chroma run` and set chroma_url")


def connect(settings: Settings) -> None:
    """Point the app at the workspace's broker, once per process: a process serves one workspace."""
    app.conf.update(broker_url=settings.broker_url, result_backend=settings.broker_url)


def submit(job_id: str, sources: list[tuple[str, str | None]], tickets: list[tuple[str, str | None]],
           index: bool) -> None:
    """Queue a job created in `jobs`, with what `run_ingest` would take."""
    start.delay(job_id, {"sources": sources, "tickets": tickets, "index": index})


def serve(ws: Workspace, jobs: JobStore, visibility_timeout: int) -> None:
    """Run a worker in this process until it is stopped: one part at a time, as many workers as wanted.

    A part not acknowledged `visibility_timeout` seconds after its delivery is presumed lost with
    its worker and delivered again, so the timeout must exceed the slowest part.
    """
    global _served
    check_settings(ws.settings)
    connect(ws.settings)
    app.conf.broker_transport_options = {"visibility_timeout": visibility_timeout,
                                         "unacked_restore_interval": RESTORE_SWEEP, "unacked_restore_throttle": 1}
    _served = Served(ws, jobs)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Chroma request otherwise
    threading.Thread(target=_sweep_stalls, args=(visibility_timeout,), name="stall-sweep", daemon=True).start()
    app.worker_main(["worker", "--pool=solo", f"--queues={QUEUE}", f"--hostname=handoff-{os.getpid()}@%h",
                     "--without-gossip", "--without-mingle", "--loglevel=INFO"])


@app.task(bind=True, max_retries=None, ignore_result=True)
def start(self, job_id: str, plan: dict) -> None:
    """Begin a queued job once it holds the workspace."""
    ws, jobs = served().ws, served().jobs
    job = jobs.get(job_id)
    if job is None or job.state not in ACTIVE:
        return
    if job.cancel_requested:
        return _end(job_id, "cancelled")
    if not jobs.acquire(job_id):
        raise self.retry(countdown=LOCK_WAIT)
    jobs.update(job_id, state="running")
    try:
        pipeline.begin(ws, JobFolder(ws, job_id), Plan(**plan, shape=ON_WORKERS))
    except Exception as exc:
        return _end(job_id, "failed", errors=[_failure(exc)])
    advance.delay(job_id, PHASES[0])


@app.task(bind=True, max_retries=None, ignore_result=True)
def advance(self, job_id: str, phase: str) -> None:
    """Start `phase` once every part of the one before is staged; after the last phase, end the job."""
    job, folder = served().jobs.get(job_id), JobFolder(served().ws, job_id)
    if job is None or job.state != "running" or job.cancel_requested:
        return _end(job_id, "cancelled" if job and job.cancel_requested else None)
    if not folder.claim(phase, self.request.id) or folder.has(f"launched-{phase}"):
        return
    before = PHASES[PHASES.index(phase) - 1] if phase != PHASES[0] else None
    if before and folder.count(KINDS[before]) < len(pipeline.parts(folder, folder.plan, before)):
        raise self.retry(countdown=1)
    if phase == PHASES[-1]:
        return _succeed(job_id, folder)
    _launch(job_id, folder, phase)


def _launch(job_id: str, folder: JobFolder, phase: str) -> None:
    """The phase's parts as one chord whose callback starts the next phase; noted, so a redelivery does not
    repeat it."""
    parts = pipeline.parts(folder, folder.plan, phase)
    served().jobs.update(job_id, stage=phase, done=0, total=len(parts))
    following = advance.si(job_id, PHASES[PHASES.index(phase) + 1])
    if parts:
        chord([run_part.si(job_id, part) for part in parts])(following)
    else:
        following.delay()
    folder.put(f"launched-{phase}", {}, [])


@app.task
def run_part(job_id: str, part: str) -> None:
    """One part. A failure fails the job and is not raised: the chord still reaches its callback, which ends the job."""
    ws, jobs = served().ws, served().jobs
    folder, progress = JobFolder(ws, job_id), PartProgress(jobs, job_id)
    try:
        progress.check()
        pipeline.run_part(ws, folder, folder.plan, part, progress)
    except PartStopped:
        return
    except Exception as exc:
        jobs.finish(job_id, "failed", errors=[*folder.warnings(), *progress.warnings, _failure(exc)])
    else:
        jobs.count_done(job_id, folder.count(KINDS[pipeline.phase_of(part)]))


def resend_stalled(job_id: str, quiet_for: float) -> None:
    """If nothing in the job's folder changed for `quiet_for` seconds, send again the unstaged parts of its
    current phase and the callback that starts the next one.

    Sending twice is safe: a staged part is not run again, and a phase starts once, under the claim of
    the first callback that comes. Workers that notice the same stall together send once, under a claim
    named after the moment the job stopped moving."""
    folder = JobFolder(served().ws, job_id)
    stopped = folder.last_change()
    if not stopped or time.time() - stopped < quiet_for:
        return
    if not folder.claim(f"resend-{stopped}", str(os.getpid())):
        return
    launched = [phase for phase in PHASES[:-1] if folder.has(f"launched-{phase}")]
    current = launched[-1] if launched else None
    following = PHASES[PHASES.index(current) + 1] if current else PHASES[0]
    missing = [part for part in pipeline.parts(folder, folder.plan, current) if not folder.has(part)] if current \
        else []
    log.warning("job %s has not moved for %.0f s: sending again %s and the start of %s", job_id,
                time.time() - stopped, missing or "no part", following)
    for part in missing:
        run_part.delay(job_id, part)
    advance.delay(job_id, following)


def _sweep_stalls(visibility_timeout: int) -> None:
    """A lost message shows as a job that stops moving for longer than a part may take."""
    while True:
        time.sleep(STALL_SWEEP)
        try:
            for job_id in served().jobs.running_on_workers():
                resend_stalled(job_id, quiet_for=visibility_timeout + RESTORE_SWEEP + STALL_SWEEP)
        except Exception:  # the sweep must outlive a database or broker hiccup
            log.exception("looking for stalled jobs failed")


def _succeed(job_id: str, folder: JobFolder) -> None:
    try:
        report = pipeline.finish(served().ws, folder, folder.plan, SilentProgress())
    except Exception as exc:
        return _end(job_id, "failed", errors=[*folder.warnings(), _failure(exc)])
    _end(job_id, "succeeded", stage=PHASES[-1], result=jsonable(report), errors=folder.warnings())


def _failure(exc: Exception) -> str:
    """The line a failed job shows: a HandoffError's own message; anything else goes to the log whole."""
    if isinstance(exc, HandoffError):
        return exc.message
    log.error("ingest job failed", exc_info=exc)
    return INTERNAL


def _end(job_id: str, state: str | None = None, **values) -> None:
    """Give the job its final state (unless it has one), then free the workspace and drop the staged files."""
    if state:
        served().jobs.finish(job_id, state, **values)
    served().jobs.release(job_id)
    JobFolder(served().ws, job_id).remove()


class PartStopped(Exception):
    """Raised inside a part at its next progress step once its job is cancelled or has failed."""


class PartProgress(SilentProgress):
    """A part's progress: warnings kept for the job's row, and a stop once the job will not finish."""

    def __init__(self, jobs, job_id: str):
        super().__init__()
        self.jobs, self.job_id = jobs, job_id
        self._checked = 0.0

    def stage(self, name: str, total: int | None = None) -> None:
        self.check()

    def advance(self, n: int = 1) -> None:
        self.check()

    def check(self) -> None:
        if time.monotonic() - self._checked < CHECK_SECONDS:
            return
        self._checked = time.monotonic()
        job = self.jobs.get(self.job_id)
        if job is None or job.state != "running" or job.cancel_requested:
            raise PartStopped()
