"""A real `handoff serve` on loopback: it starts, serves every role over HTTP, runs a job, stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from .test_api import AS_OF, issue_keys, small_workspace, wait_for

pytestmark = pytest.mark.slow

HANDOFF = str(Path(sys.executable).parent / "handoff")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, log: Path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """`handoff serve` on a free loopback port, once /readyz answers (index and model loaded)."""
    port = free_port()
    process = subprocess.Popen([HANDOFF, "--home", str(home), "serve", "--port", str(port)],
                               stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"

    def ready():
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(ready, seconds=180, what="handoff serve to be ready")
    return process, base


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    ws = small_workspace(root, index=True)
    keys = issue_keys(ws)
    process, base = start_server(ws.home, root / "server.log")
    yield base, keys, root
    if process.poll() is None:
        process.kill()


def test_serves_every_role_over_http(served):
    base, keys, _ = served
    with httpx.Client(base_url=base, timeout=60) as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.get("/people").status_code == 401
        reader = {"Authorization": f"Bearer {keys['reader']}"}
        assert http.get("/people", headers=reader).status_code == 403
        answer = http.post("/ask", json={"question": "how is the refund amount computed?", "as_of": AS_OF},
                           headers=reader).json()
        assert answer["citations"][0]["path"] == "pay/refunds.py"
        manager = {"Authorization": f"Bearer {keys['manager']}"}
        people = http.get(f"/people?as_of={AS_OF}", headers=manager).json()["people"]
        assert {p["person"]: p["status"] for p in people}["bob"] == "departed"
        assert "text/html" in http.get("/").headers["content-type"]


def test_runs_an_ingest_job_over_http(served):
    base, keys, root = served
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        job = http.post("/ingest/jobs", json={"repository": str(root / "allowed" / "shop"), "index": False},
                        headers=admin)
        assert job.status_code == 202

        def finished():
            found = http.get(f"/ingest/jobs/{job.json()['id']}", headers=admin).json()
            return found if found["state"] in ("succeeded", "failed", "cancelled") else None

        assert wait_for(finished, what="the job")["state"] == "succeeded"


def test_interrupt_shuts_down_through_the_lifespan(tmp_path):
    ws = small_workspace(tmp_path, index=False)
    issue_keys(ws)
    process, base = start_server(ws.home, tmp_path / "server.log")
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    log = (tmp_path / "server.log").read_text()
    assert "Application shutdown complete" in log and "Traceback" not in log
