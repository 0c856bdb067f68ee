"""Text no UTF-8 can carry is refused where it enters: a 400 from the API, one line from the CLI.

A lone surrogate (`"\\ud800"` in a JSON body) once gave a 500 and kept the batch of questions it
was embedded with waiting through three retries; an undecodable byte in `handoff ask` gave a
traceback. Rich markup in a message (`[/x]`) is printed as text, never parsed.
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from handoff.api.main import app as cli_app

from .api_kit import bearer

BODIES = [
    ("/ask", '{"question": "refunds \\ud800?"}', "body.question"),
    ("/ask", '{"question": "refunds?", "repo": "\\udfff"}', "body.repo"),
    ("/ui/ask", '{"question": "\\ud800"}', "body.question"),
    ("/kt-documents", '{"path": "pay/\\ud800"}', "body.path"),
    ("/kt-documents", '{"person": "bob\\udc80"}', "body.person"),
    ("/ingest/jobs", '{"repository": "/srv/\\ud800"}', "body.repository"),
    ("/ingest/jobs", '{"tickets": ["/srv/a.json", "/srv/\\ud801.json"]}', "body.tickets[1]"),
]


@pytest.mark.parametrize("path, body, where", BODIES, ids=[f"{p} {w}" for p, _, w in BODIES])
def test_a_lone_surrogate_in_a_body_is_a_400_naming_the_field(client, keys, path, body, where):
    response = client.post(path, content=body.encode(), headers={**bearer(keys["admin"]),
                                                                 "Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_input" and error["message"].startswith(f"{where}: not valid UTF-8 text")


@pytest.mark.parametrize("args", [
    ["ask", "caf\udce9 refunds?"],
    ["kt", "pay/\udcff"],
    ["people", "--as-of", "2025-01-0\udcb1"],
    ["ownership", "--path", "\udc80"],
])
def test_an_undecodable_argument_is_one_line(facts_ws, args):
    result = CliRunner().invoke(cli_app, ["--home", str(facts_ws.home), *args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: command-line argument ") and "not valid UTF-8 text" in result.stderr
    assert result.stderr.count("\n") == 1 and result.exception is None or isinstance(result.exception, SystemExit)


def test_markup_in_a_message_is_printed_as_text(facts_ws):
    result = CliRunner().invoke(cli_app, ["--home", str(facts_ws.home), "offboard", "[/x] [bold]nobody"])
    assert result.exit_code == 3
    assert "'[/x] [bold]nobody'" in result.stderr and result.stderr.count("\n") == 1
