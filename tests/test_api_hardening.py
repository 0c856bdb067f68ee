"""Smaller holes: credentials in job URLs, response headers, IPv6 ssh URLs, one-line usage errors.

Credentials given in a repository URL are used to fetch and kept nowhere: not in the job's row,
not in its errors, not in the mirror's configuration, and a re-ingest still fetches with them.
Every response of a real `handoff serve` carries a Content-Security-Policy, X-Frame-Options and
X-Content-Type-Options. `ssh://[::1]/...` is a URL, not a transport helper, and an option-like
argument on the command line is one line.
"""

from __future__ import annotations

import base64
import subprocess
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from handoff.api.main import app as cli_app
from handoff.core.progress import SilentProgress
from handoff.ingest.jobs.plan import plan_ingest
from handoff.ingest.local import run_ingest

from .api_kit import bearer, poll_job
from .gitbuilder import GitBuilder
from .test_api_server import start_server

SECRET = "s3cret-t0ken"


class AuthenticatedFiles(SimpleHTTPRequestHandler):
    """A dumb-HTTP git server: static files, behind basic auth as user `ci` with the SECRET."""

    def do_GET(self):
        expected = "Basic " + base64.b64encode(f"ci:{SECRET}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def private_repo(tmp_path):
    """A bare repository served over HTTP behind a password; yields (its URL with credentials, the builder)."""
    work = GitBuilder(tmp_path / "work")
    work.commit("alice", {"app.py": "print(1)\n"})
    bare = tmp_path / "served" / "app.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work.path), str(bare)], check=True)
    subprocess.run(["git", "-C", str(bare), "update-server-info"], check=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(AuthenticatedFiles, directory=str(tmp_path / "served")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://ci:{SECRET}@127.0.0.1:{server.server_port}/app.git", work, bare
    server.shutdown()


def test_credentials_are_used_to_fetch_and_kept_nowhere(workspace, private_repo):
    url, work, bare = private_repo
    run_ingest(workspace, [(url, "app")], [], SilentProgress(), index=False)
    work.commit("bob", {"app.py": "print(1)\nprint(2)\n"})
    subprocess.run(["git", "-C", str(work.path), "push", "-q", str(bare), "main"], check=True)
    subprocess.run(["git", "-C", str(bare), "update-server-info"], check=True)
    again = run_ingest(workspace, [(url, "app")], [], SilentProgress(), index=False)
    assert again.sources[0].facts.commits_new == 1
    kept = subprocess.run(["grep", "-r", SECRET, str(workspace.home)], capture_output=True, text=True)
    assert kept.stdout == "", kept.stdout
    assert [r["path"] for r in workspace.store.rows("SELECT path FROM repos")] == [str(workspace.home / "mirrors" /
                                                                                      "app.git")]


def test_a_job_shows_its_url_without_credentials(client, keys):
    url = f"https://deploy:{SECRET}@127.0.0.1:9/private.git"  # loopback, closed port: fails at once
    queued = client.post("/ingest/jobs", json={"repository": url, "index": False}, headers=bearer(keys["admin"]))
    assert queued.status_code == 202 and SECRET not in queued.text
    job = poll_job(client, keys["admin"], queued.json()["id"])
    assert job["state"] == "failed" and job["request"]["repository"] == "https://127.0.0.1:9/private.git"
    assert SECRET not in str(job) and job["errors"][-1].startswith("cannot fetch https://127.0.0.1:9/private.git")
    refused = client.post("/ingest/jobs", json={"repository": f"ftp://u:{SECRET}@host/x"},
                          headers=bearer(keys["admin"]))
    assert refused.status_code == 400 and SECRET not in refused.text


@pytest.mark.parametrize("url", ["ssh://[::1]/srv/x.git", "ssh://git@[::1]:2222/x.git", "git://[fe80::1]/x",
                                 "https://[2001:db8::1]/x.git"])
def test_an_ipv6_host_is_not_a_transport_helper(facts_ws, url):
    assert plan_ingest(facts_ws, url, None, []).sources == [(url, None)]


@pytest.mark.parametrize("args", [["ingest", "--upload-pack=touch /tmp/handoff-pwned"],
                                  ["ingest", "-c", "core.sshCommand=touch /tmp/handoff-pwned"],
                                  ["ask"], ["people", "--as-of"], ["no-such-command"]])
def test_a_usage_error_is_one_line(facts_ws, args):
    result = CliRunner().invoke(cli_app, ["--home", str(facts_ws.home), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert not Path("/tmp/handoff-pwned").exists()


@pytest.mark.slow
def test_every_response_of_a_real_server_carries_the_security_headers(facts_ws, tmp_path):
    process, base = start_server(facts_ws.home, tmp_path / "server.log")
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            responses = [http.get("/"), http.get("/static/app.js"), http.get("/healthz"), http.get("/people"),
                         http.get("/no/such/page"), http.get("/openapi.json")]
    finally:
        process.terminate()
        process.wait(timeout=60)
    for response in responses:
        headers = response.headers
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src 'self' 'sha256-" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(
            ";")[0]
