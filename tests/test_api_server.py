"""A real `handoff serve` on loopback: it starts, serves every role over HTTP, runs a job, stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import psutil
import pytest

from .api_kit import AS_OF, issue_keys, small_workspace, wait_for
from .gitbuilder import GitBuilder, numbered
from .test_api_processes import CHARGEBACKS

pytestmark = pytest.mark.slow

HANDOFF = str(Path(sys.executable).parent / "handoff")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, log: Path, env: dict | None = None, workers: int = 1) -> tuple[subprocess.Popen, str]:
    """`handoff serve` on a free loopback port, once /readyz answers (index and model loaded)."""
    port = free_port()
    process = subprocess.Popen([HANDOFF, "--home", str(home), "serve", "--port", str(port), "--workers", str(workers)],
                               stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"

    def ready():
        assert process.poll() is None, log.read_text()
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(ready, seconds=180, what="handoff serve to be ready")
    wait_for(lambda: log.read_text().count("Application startup complete") == workers, seconds=180,
             what="every server process to serve")
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


def ask_together(base: str, key: str, question: dict, clients: int = 8, each: int = 3) -> list[dict]:
    """Every answer of `clients` threads asking `each` times at once, each request on a new connection."""
    answers, lock = [], threading.Lock()

    def client():
        for _ in range(each):
            response = httpx.post(f"{base}/ask", json=question, headers={"Authorization": f"Bearer {key}"}, timeout=120)
            with lock:
                answers.append(response.json() if response.status_code == 200 else response.text)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def connections_per_process(server: subprocess.Popen, base: str, clients: int) -> list[int]:
    """How many of `clients` keep-alive connections, opened together, each server process holds."""
    connections = [httpx.Client(base_url=base, timeout=60) for _ in range(clients)]
    threads = [threading.Thread(target=connection.get, args=("/healthz",)) for connection in connections]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    port = int(base.rsplit(":", 1)[1])
    held = sorted(sum(1 for c in worker.net_connections(kind="tcp") if c.laddr.port == port and c.raddr)
                  for worker in psutil.Process(server.pid).children() if worker.net_connections(kind="tcp"))
    for connection in connections:
        connection.close()
    return held


def wait_for_job(base: str, key: str, job_id: str) -> dict:
    def finished():
        found = httpx.get(f"{base}/ingest/jobs/{job_id}", headers={"Authorization": f"Bearer {key}"}, timeout=60)
        return found.json() if found.json()["state"] in ("succeeded", "failed", "cancelled") else None

    return wait_for(finished, seconds=300, what=f"job {job_id}")


def test_several_processes_answer_alike_before_and_after_a_job(tmp_path):
    ws = small_workspace(tmp_path, index=True)
    keys = issue_keys(ws)
    GitBuilder(tmp_path / "allowed" / "shop").commit("alice", {"pay/chargebacks.py": CHARGEBACKS}, when="2025-03-01")
    process, base = start_server(ws.home, tmp_path / "server.log", workers=2)
    try:
        question = {"question": "how are chargebacks contested?", "as_of": AS_OF, "kind": "code"}
        assert connections_per_process(process, base, clients=8) == [4, 4]
        assert connections_per_process(process, base, clients=6) == [3, 3]

        before = ask_together(base, keys["reader"], question)
        assert all(answer == before[0] for answer in before), before
        assert "pay/chargebacks.py" not in {c["path"] for c in before[0]["citations"]}
        job = httpx.post(f"{base}/ingest/jobs", headers={"Authorization": f"Bearer {keys['admin']}"}, timeout=60,
                         json={"repository": str(tmp_path / "allowed" / "shop"), "name": "shop"}).json()
        assert wait_for_job(base, keys["admin"], job["id"])["state"] == "succeeded"
        after = ask_together(base, keys["reader"], question)
        assert all(answer == after[0] for answer in after), after
        assert after[0]["citations"][0]["path"] == "pay/chargebacks.py"
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=60)
    assert code == 0
    log = (tmp_path / "server.log").read_text()
    assert log.count("Application shutdown complete") == 2 and "Traceback" not in log


def test_a_process_killed_mid_job_fails_its_job_and_frees_the_workspace(tmp_path):
    ws = small_workspace(tmp_path, index=True)
    keys = issue_keys(ws)
    big = GitBuilder(tmp_path / "allowed" / "big")
    big.commit("alice", {f"mod/m{n:03}.py": numbered(f"module {n}", 40) for n in range(300)}, when="2025-03-01")
    process, base = start_server(ws.home, tmp_path / "server.log", workers=2)
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    try:
        job = httpx.post(f"{base}/ingest/jobs", json={"repository": str(big.path)}, headers=admin, timeout=60).json()
        wait_for(lambda: httpx.get(f"{base}/ingest/jobs/{job['id']}", headers=admin).json()["stage"] == "embed",
                 seconds=120, what="the job to embed")
        runner = ws.store.rows("SELECT runner FROM jobs WHERE id = :id", id=job["id"])[0]["runner"]
        os.kill(int(runner.split(":")[1]), signal.SIGKILL)

        failed = wait_for_job(base, keys["admin"], job["id"])  # marked by the process started in its place
        assert failed["state"] == "failed"
        assert failed["errors"][-1] == "interrupted: the server stopped before the job finished"
        again = httpx.post(f"{base}/ingest/jobs", json={"repository": str(tmp_path / "allowed" / "shop"),
                                                        "index": False}, headers=admin, timeout=60).json()
        assert wait_for_job(base, keys["admin"], again["id"])["state"] == "succeeded"
        answers = ask_together(base, keys["reader"], {"question": "how is the refund amount computed?",
                                                      "as_of": AS_OF}, clients=4, each=2)
        assert all(a["citations"][0]["path"] == "pay/refunds.py" for a in answers), answers
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
