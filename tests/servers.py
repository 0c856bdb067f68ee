"""Real servers for the tests: redis-server, PostgreSQL and `chroma run`, on free loopback ports.

Each starts at most once per test session, in a temporary folder of its own, and is stopped
(and its folder removed) when the session ends; nothing is mocked and nothing outlives the run.
PostgreSQL refuses to run as root, so as root its cluster belongs to the `postgres` user that
the Debian package creates. The cluster uses the C locale, so text sorts as SQLite sorts it,
and skips fsync: a test database is thrown away.

    HANDOFF_TEST_SERVERS=1 pytest -m "not slow"   # the `workspace` fixture then uses PostgreSQL and Chroma
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_SECONDS = 60
CHROMA = str(Path(sys.executable).parent / "chroma")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    """Return once `port` accepts connections; fail with the server's own output if it died first."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}): {log.read_text(errors='replace')[-2000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{what} did not listen on port {port} within {START_SECONDS} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (runuser, postgres and its backends), then SIGKILL."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


def _start(command: list[str], port: int, what: str, folder: Path) -> subprocess.Popen:
    """The server in a session of its own, its output in `folder/server.log` (a pipe nobody reads would fill)."""
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for_port(port, process, what, folder / "server.log")
    return process


def _folder(owner: str | None = None) -> Path:
    """A fresh folder under the system temp dir (pytest's own is private to root), owned by `owner`."""
    folder = Path(tempfile.mkdtemp(prefix="handoff-server-"))
    if owner:
        shutil.chown(folder, owner, owner)
    return folder


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server with nothing persisted; the URL names database 0."""
    folder, port = _folder(), free_port()
    process = _start(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                      "--save", "", "--appendonly", "no"], port, "redis-server", folder)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Postgres:
    """A running cluster; `database()` gives a new empty database's URL."""

    port: int
    user: str = "handoff"

    def database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A PostgreSQL cluster in a temporary folder, trusting loopback connections of user `handoff`."""
    owner = "postgres" if os.geteuid() == 0 else None
    folder, port = _folder(owner), free_port()
    as_owner = ["runuser", "-u", owner, "--"] if owner else []
    subprocess.run([*as_owner, _pg_binary("initdb"), "-D", str(folder / "data"), "-U", "handoff", "--auth=trust",
                    "--locale=C", "--encoding=UTF8"], check=True, capture_output=True)
    process = _start([*as_owner, _pg_binary("postgres"), "-D", str(folder / "data"), "-h", "127.0.0.1",
                      "-p", str(port), "-k", str(folder), "-c", "fsync=off", "-c", "synchronous_commit=off",
                      "-c", "full_page_writes=off", "-c", "max_connections=300"], port, "postgres", folder)
    try:
        yield Postgres(port)
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


def _pg_binary(name: str) -> str:
    """Debian keeps the server programs out of PATH, under /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                      None)
    if found is None:
        raise RuntimeError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")
    return found


@dataclass
class Chroma:
    """A running `chroma run`; `database()` gives the URL of a new, empty Chroma database on it."""

    port: int

    def database(self) -> str:
        return f"http://127.0.0.1:{self.port}/t_{uuid.uuid4().hex[:16]}"


@contextlib.contextmanager
def chroma_server() -> Iterator[Chroma]:
    folder, port = _folder(), free_port()
    process = _start([CHROMA, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                     port, "chroma run", folder)
    try:
        yield Chroma(port)
    finally:
        stop(process)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    with postgres_server() as server:
        yield server


@pytest.fixture(scope="session")
def chroma() -> Iterator[Chroma]:
    with chroma_server() as server:
        yield server


def on_servers(home: Path, postgres: Postgres, chroma: Chroma, broker_url: str = "") -> Path:
    """`home` with a handoff.toml putting its facts and vectors on new databases of the running servers."""
    settings = [f"database_url = '{postgres.database()}'", f"chroma_url = '{chroma.database()}'"]
    if broker_url:
        settings.append(f"broker_url = '{broker_url}'")
    home.mkdir(parents=True, exist_ok=True)
    (home / "handoff.toml").write_text("\n".join(settings) + "\n")
    return home


def servers_requested() -> bool:
    """The switch of the second `make test` pass: run the `workspace` fixture on the servers."""
    return os.environ.get("HANDOFF_TEST_SERVERS") == "1"
