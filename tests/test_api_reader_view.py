"""Reader keys learn who knows the code, never HR facts: no end dates, no leaving statuses, no date oracle.

Bob's contract ended 2025-03-31 and Carol's 2025-07-31. A reader sweeping `as_of` across those
days, on every endpoint a reader may call, must get the same answer each day, with no end date,
vendor, team or departing/departed status in it; a date after today is refused; and a KT path
that names a person is not found, exactly as a path that names nothing. Managers still see it all.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from handoff.api.http.app import create_app
from handoff.core.workspace import Workspace

from .api_kit import bearer, issue_keys, small_workspace, wait_for

pytestmark = pytest.mark.slow

SWEEP = [date(2025, 1, 1) + timedelta(days=n) for n in range(0, 240, 3)] + [date(2025, 3, 31), date(2025, 4, 1),
                                                                             date(2025, 7, 31), date(2025, 8, 1)]
HR_WORDS = ("departed", "departing", "2025-03-31", "2025-07-31", "Vendor", "ended", "ends ")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    ws: Workspace = small_workspace(tmp_path_factory.mktemp("reader-view"), index=True)
    keys = issue_keys(ws)
    with TestClient(create_app(ws.home), raise_server_exceptions=False) as c:
        wait_for(lambda: c.get("/readyz").status_code == 200, what="readiness")
        yield c, keys


def reader_calls(as_of: str | None):
    dated = {"as_of": as_of} if as_of else {}
    query = f"?as_of={as_of}" if as_of else ""
    return [
        ("POST", "/ask", {"question": "how is the refund amount computed?", **dated}),
        ("POST", "/ui/ask", {"question": "how is the refund amount computed?", **dated}),
        ("GET", f"/ownership{query}", None),
        ("GET", "/truck-factor", None),
        ("POST", "/kt-documents", {"path": "pay", **dated}),
        ("POST", "/kt-documents?format=md", {"path": "pay", **dated}),
    ]


def undated(path: str, text: str, as_of: str | None) -> str:
    """The response without the date it was asked for: a KT draft names its date."""
    if as_of and path == "/kt-documents":
        return json.dumps({**json.loads(text), "as_of": None})
    return text.replace(f"Draft of {as_of}", "Draft of AS_OF") if as_of else text


def test_a_reader_sees_the_same_answers_on_every_date_and_no_hr_facts(served):
    client, keys = served
    first: dict[int, str] = {}
    for day in [None, *(d.isoformat() for d in SWEEP)]:
        for n, (method, path, body) in enumerate(reader_calls(day)):
            response = client.request(method, path, json=body, headers=bearer(keys["reader"]))
            assert response.status_code == 200, (path, day, response.text)
            text = undated(path, response.text, day)
            assert not [w for w in HR_WORDS if w in text], (path, day, text)
            if day is not None:
                assert first.setdefault(n, text) == text, (path, day)


def test_a_reader_sees_owners_without_status_and_managers_with_it(served):
    client, keys = served
    body = {"question": "how is the refund amount computed?", "as_of": "2025-06-01"}
    for_reader = client.post("/ask", json=body, headers=bearer(keys["reader"])).json()
    for_manager = client.post("/ask", json=body, headers=bearer(keys["manager"])).json()
    assert for_reader["owners"][0]["people"][0] == {**for_manager["owners"][0]["people"][0], "status": "withheld"}
    assert for_manager["owners"][0]["people"][0]["status"] == "departed"
    assert {p["status"] for f in for_reader["owners"] for p in f["people"] + f["also_knows"]} <= {"withheld",
                                                                                                  "unknown"}


def test_a_date_after_today_is_refused_to_readers_only(served):
    client, keys = served
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for method, path, body in reader_calls(tomorrow):
        if path == "/truck-factor":
            continue
        refused = client.request(method, path, json=body, headers=bearer(keys["reader"]))
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["error"]["message"].startswith(f"as_of {tomorrow}: a date after today needs the "
                                                             "manager role")
        assert client.request(method, path, json=body, headers=bearer(keys["manager"])).status_code == 200


@pytest.mark.parametrize("target", ["Bob Contractor", "bob", "bob@vendor.example", "carol", "Nobody", "C2007"])
def test_a_kt_path_that_names_a_person_is_not_found_like_any_other(served, target):
    client, keys = served
    response = client.post("/kt-documents", json={"path": target}, headers=bearer(keys["reader"]))
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": f"no file or folder {target!r} in shop"}}
