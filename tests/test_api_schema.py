"""The OpenAPI schema put to schemathesis against a real `handoff serve`: requests generated from it,
valid and invalid, on every operation; no response may be a 5xx, and every response must be what the
schema documents.

The server's git is barred from every transport, so an ingest job that schemathesis submits with a
generated URL fails at once instead of reaching for the network.
"""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from handoff.api.http.app import create_app

from .api_kit import bearer, issue_keys, small_workspace
from .test_api_server import start_server

pytestmark = pytest.mark.slow

# Schema-valid values that the core refuses are a 400 by design (a path outside the allowed roots, an
# empty question, a person who is not a contractor); this check would call each a failure.
LEFT_OUT = [positive_data_acceptance]

DOCUMENT = create_app(Path("/nonexistent")).openapi()  # the schema needs no workspace; the server has one
schema = schemathesis.openapi.from_dict(DOCUMENT)
ADMIN_KEY: dict[str, str] = {}  # the running server's admin key, set by the `server` fixture


@schema.auth(refresh_interval=None)
class AdminKey:
    """Every generated request carries the admin key, unless schemathesis is testing what a missing or
    wrong one gets."""

    def get(self, case, context):
        return ADMIN_KEY.get("key")  # None while collecting, before the server exists

    def set(self, case, key, context):
        case.headers = {**(case.headers or {}), **bearer(key)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("schema")
    ws = small_workspace(root, index=True)
    keys = issue_keys(ws)
    ADMIN_KEY["key"] = keys["admin"]
    process, base = start_server(ws.home, root / "server.log", env={"GIT_ALLOW_PROTOCOL": "none"})
    yield base, keys
    process.terminate()
    process.wait(timeout=60)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_responses_as_documented(case, server):
    base, _ = server
    case.call_and_validate(base_url=base, timeout=120, excluded_checks=LEFT_OUT)


def test_documented_examples_match_their_schemas():
    components = {"components": DOCUMENT["components"]}
    checked = 0
    for operations in DOCUMENT["paths"].values():
        for operation in operations.values():
            for response in operation["responses"].values():
                content = response.get("content", {}).get("application/json", {})
                if "example" in content:
                    jsonschema.validate(content["example"], {**content["schema"], **components})
                    checked += 1
    assert checked >= 15
