"""The `jobs` table: one row per ingest job, and the workspace's ingest lock.

A job's row holds what the CLI's progress bars show (the stage, items done of the total) and
the warnings and errors a run produced; it is written as the work goes, so any request (or
another server process) reads the same state. Cancelling sets a flag in the row.

Jobs of one workspace run one at a time, across server processes and Celery workers alike:
a job starts once it holds the `ingest_job` lock in `meta`, since two runs would write the
same index and BM25 generations. The row records the process running the job, so a server
process starting up fails only the jobs of processes that are gone.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from handoff.core.store import FactsStore, get_meta, insert_many
from handoff.ingest.jobs.processes import is_running

FINISHED = ("succeeded", "failed", "cancelled")
ACTIVE = ("queued", "running")
LOCK = "ingest_job"
CELERY = "celery"  # the runner of jobs sent to Celery workers


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
        [created] = self.store.rows("SELECT * FROM jobs WHERE id = :id", id=row["id"])
        return _job(created)

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
        if holder is not None and self._holds_on(holder):
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


def _encoded(values: dict) -> dict:
    return {k: json.dumps(v) if k in ("result", "errors") else v for k, v in values.items()}


def _job(row) -> Job:
    return Job(row["id"], row["kind"], row["state"], row["stage"], row["done"], row["total"],
               json.loads(row["request"]), json.loads(row["result"]) if row["result"] else None,
               json.loads(row["errors"]), bool(row["cancel_requested"]), row["created_at"], row["updated_at"])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")
