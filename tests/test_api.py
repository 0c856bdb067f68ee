"""The HTTP API in-process: every endpoint under every role, JSON as the CLI prints it, errors as
JSON, ingest jobs and their limits, keys. A small real index (real model) serves /ask.

The workspace builders and the `facts_ws`, `keys` and `client` fixtures live in `api_kit` and `conftest`.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from handoff.api.cli.serve import is_loopback
from handoff.api.http.app import create_app
from handoff.api.http.state import FactsCache
from handoff.api.main import app as cli_app
from handoff.core.errors import InputError
from handoff.core.keys import ROLES, issue_key, permits, revoke_key
from handoff.core.roster import read_roster, replace_roster
from handoff.core.workspace import Workspace
from handoff.ingest.jobs.plan import plan_ingest
from handoff.ingest.jobs.processes import this_process
from handoff.ingest.jobs.runner import JobProgress
from handoff.ingest.jobs.store import CELERY, JobStore

from .api_kit import AS_OF, ROSTER, bearer, cli_json, cli_text, issue_keys, poll_job, small_workspace, wait_for
from .gitbuilder import GitBuilder, numbered

# Every endpoint with a request that passes auth, and the least role that may call it.
ENDPOINTS = [
    ("POST", "/ask", {"question": "how are refunds computed?"}, "reader"),
    ("GET", "/ownership", None, "reader"),
    ("GET", "/truck-factor", None, "reader"),
    ("POST", "/kt-documents", {"path": "pay"}, "reader"),
    ("POST", "/kt-documents", {"person": "bob"}, "manager"),
    ("GET", "/people", None, "manager"),
    ("GET", "/people/bob", None, "manager"),
    ("POST", "/people/carol/offboarding", None, "manager"),
    ("GET", "/people/carol/offboarding", None, "manager"),
    ("GET", "/risk", None, "manager"),
    ("GET", "/reports/knowledge-drain?format=json", None, "manager"),
    ("POST", "/ingest/jobs", {"repository": "/nonexistent"}, "admin"),
    ("GET", "/ingest/jobs/nope", None, "admin"),
    ("DELETE", "/ingest/jobs/nope", None, "admin"),
    ("GET", "/keys", None, "admin"),
    ("POST", "/keys", {"role": "reader"}, "admin"),
    ("DELETE", "/keys/nope", None, "admin"),
    ("POST", "/ui/ask", {"question": "how are refunds computed?"}, "reader"),
    ("GET", "/ui/people", None, "manager"),
    ("GET", "/ui/risk", None, "manager"),
    ("GET", "/ui/offboarding", None, "manager"),
    ("POST", "/ui/people/carol/offboarding", None, "manager"),
]


@pytest.mark.parametrize("method, path, body, needed", ENDPOINTS,
                         ids=[f"{m} {p} {json.dumps(b) if b else ''}" for m, p, b, _ in ENDPOINTS])
def test_every_endpoint_under_every_role(client, keys, facts_ws, method, path, body, needed):
    revoked = issue_key(facts_ws.store, "admin")
    revoke_key(facts_ws.store, revoked.id)
    for headers in ({}, bearer("hk_nope_nope"), bearer(revoked.key), bearer(keys["admin"] + "x"),
                    {"Authorization": f"Basic {keys['admin']}"}):
        response = client.request(method, path, json=body, headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["www-authenticate"] == "Bearer"
    for role in ROLES:
        response = client.request(method, path, json=body, headers=bearer(keys[role]))
        if permits(role, needed):
            assert response.status_code not in (401, 403, 500), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["error"] == {
                "code": "forbidden", "message": f"this needs the {needed} role; the key "
                f"{keys[role].split('_')[1]} is a {role} key"}


def test_health_needs_no_key_and_ready_waits_for_the_index(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 503  # preload_index=False: nothing loaded yet
    assert client.get("/readyz").json()["error"]["code"] == "not_ready"


@pytest.mark.parametrize("path, cli", [
    (f"/people?as_of={AS_OF}", ("people", "--json", "--as-of", AS_OF)),
    (f"/risk?as_of={AS_OF}", ("risk", "--json", "--as-of", AS_OF)),
    (f"/risk?as_of={AS_OF}&threshold=0.9&horizon_days=10", ("risk", "--json", "--as-of", AS_OF, "--threshold",
                                                             "0.9", "--horizon-days", "10")),
    (f"/ownership?as_of={AS_OF}&path=pay", ("ownership", "--json", "--as-of", AS_OF, "--path", "pay")),
    ("/truck-factor?repo=shop", ("truck-factor", "--json", "--repo", "shop")),
    (f"/reports/knowledge-drain?format=json&as_of={AS_OF}", ("report", "--format", "json", "--as-of", AS_OF)),
])
def test_json_is_what_the_cli_prints(client, keys, facts_ws, path, cli):
    response = client.get(path, headers=bearer(keys["admin"]))
    assert response.status_code == 200
    assert response.json() == cli_json(facts_ws, *cli)


def test_report_formats_are_what_the_cli_writes(client, keys, facts_ws):
    manager = bearer(keys["manager"])
    url = f"/reports/knowledge-drain?as_of={AS_OF}"
    markdown = client.get(url + "&format=md", headers=manager)
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert markdown.text == cli_text(facts_ws, "report", "--format", "md", "--as-of", AS_OF)
    page = client.get(url, headers=manager)
    assert page.headers["content-type"].startswith("text/html") and "<html" in page.text
    csv = client.get(url + "&format=csv&table=totals", headers=manager)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text == cli_text(facts_ws, "report", "--format", "csv", "--table", "totals", "--as-of", AS_OF)
    for bad in ("&format=csv", "&table=totals", "&format=csv&table=nope", "&format=pdf"):
        assert client.get(url + bad, headers=manager).status_code == 400, bad


def test_offboarding_checklists_are_created_then_kept(client, keys, facts_ws):
    manager = bearer(keys["manager"])
    assert client.get("/people/carol/offboarding", headers=manager).status_code == 404
    created = client.post(f"/people/Carol%20Contractor/offboarding?as_of={AS_OF}", headers=manager)
    assert created.status_code == 201 and created.headers["handoff-checklist"] == "created"
    assert created.json() == cli_json(facts_ws, "offboard", "carol", "--format", "json", "--as-of", AS_OF)
    again = client.post(f"/people/carol/offboarding?as_of={AS_OF}&format=md", headers=manager)
    assert again.status_code == 200 and again.headers["handoff-checklist"] == "unchanged"
    assert again.text == cli_text(facts_ws, "offboard", "carol", "--as-of", AS_OF)
    assert client.get("/people/carol/offboarding", headers=manager).json() == created.json()
    refused = client.post("/people/alice/offboarding", headers=manager)
    assert refused.status_code == 400 and "offboarding checklists are for contractors" in refused.text
    assert client.post("/people/nobody/offboarding", headers=manager).status_code == 404


def test_kt_drafts_of_paths_for_readers_and_of_people_for_managers(client, keys, facts_ws):
    reader, manager = bearer(keys["reader"]), bearer(keys["manager"])
    draft = client.post("/kt-documents", json={"path": "pay", "as_of": AS_OF}, headers=reader)
    assert draft.status_code == 200 and draft.json()["kind"] == "path" and draft.json()["subject"] == "shop:pay"
    markdown = client.post("/kt-documents?format=md", json={"path": "pay", "as_of": AS_OF}, headers=manager)
    assert markdown.text == cli_text(facts_ws, "kt", "pay", "--as-of", AS_OF)
    for_reader = client.post("/kt-documents?format=md", json={"path": "pay", "as_of": AS_OF}, headers=reader).text
    assert "- Bob Contractor (contractor): 19 of 20 lines (95%)" in for_reader and "2025-03-31" not in for_reader
    assert client.post("/kt-documents", json={"person": "bob"}, headers=reader).status_code == 403
    assert client.post("/kt-documents", json={"path": "Bob Contractor"}, headers=manager).json()["error"] == {
        "code": "bad_input", "message": "path 'Bob Contractor' names a person; send it as person"}
    for name in ("Bob Contractor", "Nobody Here"):
        assert client.post("/kt-documents", json={"path": name}, headers=reader).json()["error"] == {
            "code": "not_found", "message": f"no file or folder {name!r} in shop"}
    assert client.post("/kt-documents", json={"person": "bob"}, headers=manager).json()["person"] == "bob"
    both = client.post("/kt-documents", json={"person": "bob", "path": "pay"}, headers=manager)
    assert both.json()["error"] == {"code": "bad_input", "message": "body: give exactly one of person or path"}


def test_one_person_by_id_email_or_name(client, keys):
    manager = bearer(keys["manager"])
    everyone = client.get(f"/people?as_of={AS_OF}", headers=manager).json()["people"]
    bob = next(p for p in everyone if p["person"] == "bob")
    for query in ("bob", "bob@vendor.example", "Bob%20Contractor"):
        assert client.get(f"/people/{query}?as_of={AS_OF}", headers=manager).json() == bob
    assert client.get("/people/zed", headers=manager).status_code == 404
    ambiguous = client.get("/people/contractor", headers=manager)
    assert ambiguous.status_code == 400 and ambiguous.json()["error"]["code"] == "ambiguous"


def test_risk_names_the_departed_contractor(client, keys):
    risk = client.get(f"/risk?as_of={AS_OF}", headers=bearer(keys["manager"])).json()
    files = {f["path"]: f for f in risk["files"]}
    assert files["pay/refunds.py"]["level"] == "critical"
    assert files["pay/refunds.py"]["holders"][0] == {"person": "bob", "name": "Bob Contractor",
                                                     "status": "departed", "share": 1.0}


@pytest.mark.parametrize("method, path, body, status, code, message", [
    ("GET", "/risk?threshold=2", None, 400, "bad_input", "query.threshold: Input should be less than or equal to 1 "
                                                       "(got '2')"),
    ("GET", "/risk?as_of=June", None, 400, "bad_input", "query.as_of: use a date YYYY-MM-DD between 1900 and 2999 "
                                                     "(got 'June')"),
    ("GET", "/risk?as_of=9999-12-31", None, 400, "bad_input", "query.as_of: use a date YYYY-MM-DD between 1900 and "
                                                            "2999 (got '9999-12-31')"),
    ("POST", "/ask", {"question": "x", "as_of": 0}, 400, "bad_input", "body.as_of: use a date YYYY-MM-DD between "
                                                                    "1900 and 2999 (got 0)"),
    ("POST", "/ask", {"question": "x", "llm": 0}, 400, "bad_input", "body.llm: Input should be a valid boolean "
                                                                  "(got 0)"),
    ("POST", "/ask", {}, 400, "bad_input", "body.question: Field required"),
    ("POST", "/ask", {"question": "x", "surprise": 1}, 400, "bad_input", "body.surprise: Extra inputs are not "
                                                                        "permitted (got 1)"),
    ("POST", "/ask", {"question": "   "}, 400, "bad_input", "the question is empty; ask something, e.g. handoff ask "
                                                          "\"how are refunds computed?\""),
    ("POST", "/ask", {"question": "refunds?"}, 404, "not_found", "the index is empty; run `handoff ingest PATH` first"),
    ("GET", "/ownership?repo=nope", None, 404, "not_found", "repository 'nope' is not ingested; known: shop"),
    ("GET", "/ingest/jobs/nope", None, 404, "not_found", "ingest job 'nope' does not exist"),
    ("GET", "/no/such/page", None, 404, "not_found", "Not Found"),
    ("PUT", "/people", None, 405, "method_not_allowed", "Method Not Allowed"),
])
def test_errors_are_json_with_their_status(client, keys, method, path, body, status, code, message):
    response = client.request(method, path, json=body, headers=bearer(keys["admin"]))
    assert response.status_code == status
    assert response.json() == {"error": {"code": code, "message": message}}


def test_an_unexpected_error_is_a_500_without_a_trace(client, keys, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr("handoff.api.http.routes.retention.truck_factor", broken)
    response = client.get("/truck-factor", headers=bearer(keys["reader"]))
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal",
                                         "message": "internal error; the server log has the details"}}
    assert "secret detail" not in response.text and "Traceback" not in response.text


def test_keys_are_stored_hashed_and_revocable_through_the_api(client, keys, facts_ws):
    created = client.post("/keys", json={"role": "manager"}, headers=bearer(keys["admin"]))
    assert created.status_code == 201 and set(created.json()) == {"id", "role", "key"}
    key = created.json()["key"]
    secret = key.split("_", 2)[2]
    [row] = facts_ws.store.rows("SELECT * FROM api_keys WHERE id = :id", id=created.json()["id"])
    assert row["hash"] == hashlib.sha256(secret.encode()).hexdigest() and secret not in json.dumps(row)
    assert client.get("/people", headers=bearer(key)).status_code == 200
    listed = client.get("/keys", headers=bearer(keys["admin"])).json()["keys"]
    assert {k["id"]: k["role"] for k in listed}[created.json()["id"]] == "manager"
    assert all(set(k) == {"id", "role", "created_at", "revoked_at"} for k in listed)
    revoked = client.delete(f"/keys/{created.json()['id']}", headers=bearer(keys["admin"])).json()
    assert revoked["revoked_at"]
    assert client.get("/people", headers=bearer(key)).status_code == 401
    assert client.post("/keys", json={"role": "root"}, headers=bearer(keys["admin"])).status_code == 400


def test_keys_commands(facts_ws):
    runner = CliRunner()
    home = ["--home", str(facts_ws.home)]
    created = json.loads(runner.invoke(cli_app, [*home, "keys", "create", "--role", "reader", "--json"]).stdout)
    assert set(created) == {"id", "role", "key"} and created["role"] == "reader"
    assert created["key"].startswith(f"hk_{created['id']}_")
    with TestClient(create_app(facts_ws.home, preload_index=False)) as c:
        assert c.get("/ownership", headers=bearer(created["key"])).status_code == 200
        assert c.get("/people", headers=bearer(created["key"])).status_code == 403
        runner.invoke(cli_app, [*home, "keys", "revoke", created["id"]])
        assert c.get("/ownership", headers=bearer(created["key"])).status_code == 401
    listed = json.loads(runner.invoke(cli_app, [*home, "keys", "list", "--json"]).stdout)["keys"]
    assert [k["revoked_at"] is not None for k in listed if k["id"] == created["id"]] == [True]
    bad = runner.invoke(cli_app, [*home, "keys", "create", "--role", "root"])
    assert bad.exit_code == 2 and "role 'root': use one of reader, manager, admin" in bad.stderr
    assert runner.invoke(cli_app, [*home, "keys", "revoke", "nope"]).exit_code == 3


def test_serve_refuses_a_public_host_while_no_key_exists(tmp_path):
    ws, _ = Workspace.init(tmp_path / "ws")
    result = CliRunner().invoke(cli_app, ["--home", str(ws.home), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "no API key exists yet" in result.stderr
    revoke_key(ws.store, issue_key(ws.store, "admin").id)
    assert CliRunner().invoke(cli_app, ["--home", str(ws.home), "serve", "--host", "10.1.2.3"]).exit_code == 2


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.3.2.1", True), ("localhost", True),
                                            ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False),
                                            ("192.168.1.5", False), ("example.com", False)])
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


def test_a_facts_only_job_runs_outside_the_request(client, keys, tmp_path):
    repo = GitBuilder(tmp_path / "allowed" / "shop")
    repo.commit("alice", {"core/new.py": numbered("new", 5)}, when="2025-03-01")
    response = client.post("/ingest/jobs", json={"repository": str(repo.path), "name": "shop", "index": False},
                           headers=bearer(keys["admin"]))
    assert response.status_code == 202
    queued = response.json()
    assert queued["state"] in ("queued", "running") and queued["request"]["repository"] == str(repo.path)
    job = poll_job(client, keys["admin"], queued["id"])
    assert job["state"] == "succeeded", job
    assert job["stage"] == "blame" and job["done"] == job["total"] == 1
    assert job["result"]["sources"][0]["facts"]["commits_new"] == 1
    owned = client.get("/ownership?path=core", headers=bearer(keys["reader"])).json()
    assert "core/new.py" in {f["path"] for f in owned["files"]}


def test_a_failing_job_reports_its_error(client, keys):
    url = "https://127.0.0.1:9/unreachable.git"  # loopback, closed port: fails at once
    job = client.post("/ingest/jobs", json={"repository": url, "index": False}, headers=bearer(keys["admin"])).json()
    job = poll_job(client, keys["admin"], job["id"])
    assert job["state"] == "failed"
    assert job["errors"][-1].startswith(f"cannot fetch {url}")


def test_cancel_stops_a_running_job_and_a_queued_one(client, keys, slow_ingest, tmp_path):
    body = {"repository": str(tmp_path / "allowed" / "shop"), "index": False}
    admin = bearer(keys["admin"])
    running = client.post("/ingest/jobs", json=body, headers=admin).json()
    queued = client.post("/ingest/jobs", json=body, headers=admin).json()
    assert slow_ingest.wait(30)
    progress = wait_for(lambda: client.get(f"/ingest/jobs/{running['id']}", headers=admin).json()["done"] > 0,
                        what="progress")
    assert progress
    assert client.get(f"/ingest/jobs/{queued['id']}", headers=admin).json()["state"] == "queued"
    assert client.delete(f"/ingest/jobs/{queued['id']}", headers=admin).json()["cancel_requested"] is True
    assert client.delete(f"/ingest/jobs/{running['id']}", headers=admin).status_code == 200
    stopped = poll_job(client, keys["admin"], running["id"])
    assert stopped["state"] == "cancelled" and stopped["stage"] == "blame" and 0 < stopped["done"] < 1000
    never = poll_job(client, keys["admin"], queued["id"])
    assert never["state"] == "cancelled" and never["stage"] is None
    assert client.delete(f"/ingest/jobs/{running['id']}", headers=admin).json()["state"] == "cancelled"


def gone_process() -> str:
    """How the job store names a process that has since exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    name = f"{socket.gethostname()}:{child.pid}:{psutil.Process(child.pid).create_time():.2f}"
    child.wait()
    return name


def test_jobs_of_server_processes_that_are_gone_are_marked_failed(facts_ws):
    store = JobStore(facts_ws.store)
    runners = {"gone": gone_process(), "alive": this_process(), "celery": CELERY}
    jobs = {name: store.create("ingest", {"repository": "/x"}, runner) for name, runner in runners.items()}
    store.update(jobs["gone"].id, state="running")
    with TestClient(create_app(facts_ws.home, preload_index=False)) as c:
        admin = bearer(issue_key(facts_ws.store, "admin").key)
        found = {name: c.get(f"/ingest/jobs/{job.id}", headers=admin).json() for name, job in jobs.items()}
    assert found["gone"]["state"] == "failed"
    assert found["gone"]["errors"] == ["interrupted: the server stopped before the job finished"]
    assert found["alive"]["state"] == found["celery"]["state"] == "queued"


def test_facts_are_reloaded_when_any_process_changes_them_and_only_then(facts_ws, tmp_path):
    cache = FactsCache(facts_ws)
    first = cache.get()
    job = JobStore(facts_ws.store).create("ingest", {}, this_process())
    JobStore(facts_ws.store).update(job.id, stage="blame", done=3)
    issue_key(facts_ws.store, "reader")
    assert cache.get() is first  # job progress and keys are not facts

    dave = "dave,Dave Contractor,dave@vendor.example,contractor,,pay,2025-01-01,\n"
    (tmp_path / "more.csv").write_text(ROSTER + dave)
    other = Workspace.open(facts_ws.home)  # as a CLI run or another server process holds it
    replace_roster(other.store, read_roster(tmp_path / "more.csv"))
    assert "dave" in cache.get().people and "dave" not in first.people


@pytest.fixture
def outside(tmp_path) -> Path:
    repo = GitBuilder(tmp_path / "outside" / "secret")
    repo.commit("alice", {"s.py": "s\n"})
    (tmp_path / "outside" / "tickets.json").write_text("[]")
    return tmp_path / "outside"


@pytest.mark.parametrize("body, message", [
    ({"repository": "shop"}, "give an absolute path without '..'"),
    ({"repository": "{allowed}/../outside/secret"}, "give an absolute path without '..'"),
    ({"repository": "{outside}/secret"}, "outside the allowed roots"),
    ({"repository": "{allowed}/link"}, "outside the allowed roots"),
    ({"repository": "{allowed}/missing"}, "no such folder"),
    ({"repository": "{allowed}"}, "not a git repository"),
    ({"repository": "ext::sh -c touch% /tmp/handoff-pwned"}, "transport helpers ('ext::', 'file::') are not allowed"),
    ({"repository": "file::/etc"}, "transport helpers ('ext::', 'file::') are not allowed"),
    ({"repository": "file:///etc"}, "scheme 'file' not allowed"),
    ({"repository": "--upload-pack=touch /tmp/handoff-pwned"}, "looks like an option"),
    ({"repository": "-c core.sshCommand=touch /tmp/handoff-pwned"}, "looks like an option"),
    ({"repository": "https://example.com/x.git\n--upload-pack=x"}, "looks like an option"),
    ({"tickets": ["{outside}/tickets.json"]}, "outside the allowed roots"),
    ({"tickets": ["/etc/passwd"]}, "outside the allowed roots"),
    ({"tickets": ["{allowed}/shop"]}, "no such file"),
    ({}, "nothing to ingest"),
    ({"repository": "{allowed}/shop", "name": "../x"}, "body.name: String should match pattern"),
])
def test_ingest_paths_and_urls_outside_what_is_allowed_are_refused(client, keys, tmp_path, outside, body, message):
    (tmp_path / "allowed" / "link").symlink_to(outside / "secret")
    fill = {"allowed": str(tmp_path / "allowed"), "outside": str(outside)}
    body = {k: [t.format(**fill) for t in v] if isinstance(v, list) else v.format(**fill) for k, v in body.items()}
    response = client.post("/ingest/jobs", json=body, headers=bearer(keys["admin"]))
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] in ("bad_input", "not_a_repository")
    assert message in response.json()["error"]["message"]
    assert not Path("/tmp/handoff-pwned").exists()


def test_no_allowed_roots_means_no_local_paths(tmp_path):
    ws, _ = Workspace.init(tmp_path / "ws")
    with pytest.raises(InputError, match="no allowed_roots are configured"):
        plan_ingest(ws, str(tmp_path), None, [])


def test_the_page_holds_no_data_and_fragments_follow_roles(client, keys):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "API key" in page.text and "Bob" not in page.text
    assert client.get("/static/app.js").status_code == 200
    people = client.get(f"/ui/people?as_of={AS_OF}", headers=bearer(keys["manager"]))
    assert "Bob Contractor" in people.text and "departed" in people.text
    contractors = client.get(f"/ui/offboarding?as_of={AS_OF}", headers=bearer(keys["manager"])).text
    assert "Carol Contractor" in contractors and "Alice Employee" not in contractors
    assert "pay/refunds.py" in client.get(f"/ui/risk?as_of={AS_OF}", headers=bearer(keys["manager"])).text
    checklist = client.post(f"/ui/people/carol/offboarding?as_of={AS_OF}", headers=bearer(keys["manager"]))
    assert "<h1>Offboarding checklist: Carol Contractor (carol)</h1>" in checklist.text
    denied = client.get("/ui/people", headers=bearer(keys["reader"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"


def test_openapi_documents_every_endpoint_with_examples_and_errors(client):
    schema = client.get("/openapi.json").json()
    assert "/ui/ask" not in schema["paths"] and "/" not in schema["paths"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ok = next(s for s in ("200", "201", "202") if s in operation["responses"])
            assert operation["responses"][ok]["content"]["application/json"]["example"], (method, path)
            if path not in ("/healthz", "/readyz"):
                assert {"401", "403"} <= set(operation["responses"]), (method, path)
                assert operation["security"] == [{"HTTPBearer": []}], (method, path)


# --- /ask on a small real index --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def indexed_ws(tmp_path_factory) -> Workspace:
    return small_workspace(tmp_path_factory.mktemp("api-index"), index=True)


@pytest.mark.slow
def test_ask_answers_like_the_cli(indexed_ws):
    keys = issue_keys(indexed_ws)
    with TestClient(create_app(indexed_ws.home)) as c:
        wait_for(lambda: c.get("/readyz").status_code == 200, what="readiness")
        body = {"question": "how is the refund amount computed?", "as_of": AS_OF}
        answer = c.post("/ask", json=body, headers=bearer(keys["manager"]))
    assert answer.status_code == 200
    assert answer.json() == cli_json(indexed_ws, "ask", body["question"], "--as-of", AS_OF, "--json")
    assert answer.json()["citations"][0]["path"] == "pay/refunds.py"
    assert answer.json()["owners"][0]["people"][0]["name"] == "Bob Contractor"


@pytest.mark.slow
def test_queries_see_the_previous_index_until_a_job_completes(tmp_path, monkeypatch):
    ws = small_workspace(tmp_path, index=True)
    admin, reader = issue_keys(ws)["admin"], issue_keys(ws)["reader"]
    repo = GitBuilder(tmp_path / "allowed" / "shop")
    repo.commit("alice", {"pay/chargebacks.py": '"""Chargebacks: disputed card payments that the bank reverses, '
                                                'and the evidence we send to contest them."""\n'}, when="2025-03-01")
    at_bm25, release = threading.Event(), threading.Event()
    original_stage = JobProgress.stage

    def stage(self, name, total=None):
        original_stage(self, name, total)
        if name == "bm25":  # every chunk is in the live Chroma collection; BM25 not yet rebuilt
            at_bm25.set()
            release.wait(60)

    monkeypatch.setattr(JobProgress, "stage", stage)
    question = {"question": "how are chargebacks contested?", "as_of": AS_OF, "kind": "code"}

    def cited(c):
        answer = c.post("/ask", json=question, headers=bearer(reader)).json()
        return {x["path"] for x in answer["citations"]}

    with TestClient(create_app(ws.home)) as c:
        wait_for(lambda: c.get("/readyz").status_code == 200, what="readiness")
        assert "pay/chargebacks.py" not in cited(c)
        job = c.post("/ingest/jobs", json={"repository": str(repo.path), "name": "shop"}, headers=bearer(admin))
        assert at_bm25.wait(120)
        assert "pay/chargebacks.py" not in cited(c)  # mid-job: the copy taken before the job
        assert os.listdir(ws.home / "index-snapshots")
        release.set()
        assert poll_job(c, admin, job.json()["id"])["state"] == "succeeded"
        assert "pay/chargebacks.py" in cited(c)
        assert not os.listdir(ws.home / "index-snapshots")
