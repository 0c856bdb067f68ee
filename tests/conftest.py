"""Shared fixtures: a workspace in a temp folder, `handoff` run in process, the git repository builder."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from handoff.api.http.app import create_app
from handoff.api.main import app
from handoff.core.workspace import Workspace

from .api_kit import issue_keys, small_workspace
from .gitbuilder import GitBuilder
from .servers import chroma, on_servers, postgres, redis_url, servers_requested  # noqa: F401  (session fixtures)


@pytest.fixture
def workspace(tmp_path: Path, request) -> Iterator[Workspace]:
    """A new workspace; with HANDOFF_TEST_SERVERS=1, on a new PostgreSQL database and Chroma database."""
    home = tmp_path / "ws"
    if servers_requested():
        on_servers(home, request.getfixturevalue("postgres"), request.getfixturevalue("chroma"))
    ws, _ = Workspace.init(home)
    yield ws
    ws.store.close()


@pytest.fixture
def cli(tmp_path: Path):
    """`handoff` run in process on a workspace in tmp_path; asserts the exit code (0 unless told)."""
    runner = CliRunner()
    home = str(tmp_path / "ws")

    def run(*args, code=0):
        result = runner.invoke(app, ["--home", home, *map(str, args)])
        assert result.exit_code == code, result.output + str(result.exception or "")
        return result

    return run


@pytest.fixture
def repo(tmp_path: Path) -> GitBuilder:
    return GitBuilder(tmp_path / "repo")


@pytest.fixture
def ingest(workspace):
    """Ingest a repository's facts into the test workspace (with `settings` for this run only) and return
    its summary."""
    from handoff.core.progress import SilentProgress
    from handoff.ingest.local import run_ingest

    def run(repo, name=None, settings=None):
        kept = workspace.settings
        workspace.settings = settings or kept
        try:
            report = run_ingest(workspace, [(str(repo.path), name)], [], SilentProgress(), index=False)
        finally:
            workspace.settings = kept
        return report.sources[0].facts

    return run


@pytest.fixture
def facts(workspace):
    """The facts snapshot of the test workspace, loaded afresh on each call."""
    from handoff.core.facts import load_facts

    return lambda settings=None: load_facts(workspace.store, settings or workspace.settings)


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLE_TICKETS = ("github-gh.json", "github-rest.json", "jira-v2.json", "jira-v3.json", "jira.csv", "linear.csv")


def generate_sample(out: Path, seed: int = 7) -> Path:
    """The sample organisation (examples/sample_workspace.py) written to `out`."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(EXAMPLES / "sample_workspace.py"), str(out), "--seed", str(seed)],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Workspace:
    """The sample organisation fully ingested (facts and index, real model), once per test session.

    Read-only: tests that change a workspace build their own.
    """
    from handoff.core.progress import SilentProgress
    from handoff.core.roster import read_roster, replace_roster
    from handoff.ingest.local import run_ingest

    root = generate_sample(tmp_path_factory.mktemp("sample") / "org")
    ws, _ = Workspace.init(root / "ws")
    replace_roster(ws.store, read_roster(root / "roster.csv"))
    tickets = [(root / "tickets" / name, None) for name in SAMPLE_TICKETS]
    run_ingest(ws, [(str(root / "shop"), None)], tickets, SilentProgress())
    return ws


@pytest.fixture
def slow_ingest(monkeypatch):
    """Stands in for a long ingest: a blame stage of 1000 files that advances every 10 ms."""
    started = threading.Event()

    def run_ingest(ws, sources, tickets, progress, index=True):
        progress.stage("blame", total=1000)
        started.set()
        for _ in range(1000):
            time.sleep(0.01)
            progress.advance()

    monkeypatch.setattr("handoff.ingest.local.run_ingest", run_ingest)
    return started


@pytest.fixture
def facts_ws(tmp_path) -> Workspace:
    return small_workspace(tmp_path, index=False)


@pytest.fixture
def keys(facts_ws) -> dict[str, str]:
    return issue_keys(facts_ws)


@pytest.fixture
def client(facts_ws):
    with TestClient(create_app(facts_ws.home, preload_index=False), raise_server_exceptions=False) as c:
        yield c
