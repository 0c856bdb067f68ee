"""`handoff worker`: a Celery worker that runs the parts of this workspace's ingest jobs."""

from __future__ import annotations

from typing import Annotated

import typer

from handoff.api.cli.app import app, workspace
from handoff.ingest.jobs.store import JobStore


@app.command("worker")
def worker_command(
    ctx: typer.Context,
    visibility_timeout: Annotated[int, typer.Option(
        "--visibility-timeout", min=10,
        help="Seconds after which a part whose worker died goes to another worker, and a job that stopped "
             "moving gets its missing parts sent again; longer than the slowest part.")]
    = 3600,
):
    """Run ingest jobs queued on broker_url, one part at a time, until stopped; start one per core or machine."""
    from handoff.ingest.jobs.celery import serve  # Celery only where a worker runs

    ws = workspace(ctx)
    serve(ws, JobStore(ws.store), visibility_timeout)
