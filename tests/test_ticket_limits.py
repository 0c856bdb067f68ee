"""Ticket exports that are too big, too deep or not quite text: read as a stream, cut, counted, never a crash.

A 33 MB ticket body once cost 5 GB and a minute inside the server; a Jira document nested 3,000
levels deep raised RecursionError; a lone surrogate escaped in JSON failed in SQLite. Each is now
a ticket cut to `max_ticket_text` (the rest counted as a problem), a record skipped with its
reason, or text with U+FFFD, and the records around them are read as before.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from handoff.core.errors import InputError
from handoff.core.progress import SilentProgress
from handoff.ingest.local import run_ingest
from handoff.ingest.sources.tickets import read_tickets

HANDOFF = Path(sys.executable).parent / "handoff"


def gh_issue(number: int, body: str, **more) -> dict:
    return {"number": number, "title": f"issue {number}", "body": body, "state": "OPEN", "labels": [],
            "assignees": [], "author": {"login": "x"}, "createdAt": "2025-01-01T00:00:00Z",
            "updatedAt": "2025-01-01T00:00:00Z", "closedAt": None,
            "url": f"https://github.com/o/r/issues/{number}", "comments": [], **more}


def nested(depth: int) -> str:
    """An ADF document `depth` paragraphs deep, as JSON text (the encoder itself would run out of stack)."""
    return ('{"type": "doc", "version": 1, "content": [' + '{"type": "paragraph", "content": [' * depth +
            '{"type": "text", "text": "deep"}' + "]}" * depth + "]}")


def jira_issue(key: str, description: str) -> str:
    return (f'{{"key": "{key}", "self": "https://x.atlassian.net/rest/api/3/issue/{key}", "fields": '
            f'{{"summary": "summary of {key}", "description": {description}, "status": {{"name": "Open"}}}}}}')


def test_a_long_body_is_cut_and_what_is_left_out_is_counted(tmp_path):
    path = tmp_path / "gh.json"
    path.write_text(json.dumps([gh_issue(1, "x" * 50_000, comments=[
        {"author": {"login": "y"}, "createdAt": "2025-01-02T00:00:00Z", "body": "c" * 500}]), gh_issue(2, "tiny")]))
    tickets, problems = read_tickets(path, max_text=10_000)
    assert [t.key for t in tickets] == ["GH-1", "GH-2"]
    first = tickets[0]
    assert len(first.title) + len(first.body) == 10_000 and first.comments[0].body == ""
    assert tickets[1].body == "tiny"
    assert [(p.where, p.message) for p in problems] == [
        ("GH-1", "text cut to 10,000 characters; 40,507 left out (max_ticket_text)")]


def test_a_record_far_over_the_limit_is_skipped_without_being_held(tmp_path):
    path = tmp_path / "gh.json"
    with path.open("w") as out:
        out.write("[" + json.dumps(gh_issue(1, "ok")) + ', {"number": 2, "title": "huge", "body": "')
        for _ in range(100):
            out.write("y" * 1_000_000)
        out.write('"}, ' + json.dumps(gh_issue(3, "also ok")) + "]")
    tracemalloc.start()
    tickets, problems = read_tickets(path, max_text=1000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [t.key for t in tickets] == ["GH-1", "GH-3"]
    assert [(p.where, p.message.split(",")[0]) for p in problems] == [("record 2", "100")]
    assert "characters of JSON, more than the 64,000 a record may take; skipped" in problems[0].message
    assert peak < 20_000_000  # the 100 MB record was let go as it was read


def test_a_document_nested_thousands_of_levels_is_one_problem(tmp_path):
    path = tmp_path / "jira.json"
    path.write_text('{"issues": [' + jira_issue("A-1", nested(3000)) + ", " + jira_issue("A-2", nested(3)) + "]}")
    tickets, problems = read_tickets(path)
    assert [(t.key, t.body, t.source) for t in tickets] == [("A-2", "deep", "jira-v3")]
    assert [(p.where, p.message) for p in problems] == [
        ("record 1", "nested 6005 levels deep, more than the 100 a record may go; skipped")]


def test_a_top_level_object_nested_too_deep_is_one_line(tmp_path):
    path = tmp_path / "odd.json"
    path.write_text('{"meta": ' + "[" * 5000 + "]" * 5000 + ', "issues": []}')
    with pytest.raises(InputError, match="odd.json: not valid JSON \\(line 1: nested more than 100 levels deep\\)"):
        read_tickets(path)


def test_lone_surrogates_become_replacement_characters(tmp_path, workspace):
    path = tmp_path / "gh.json"
    path.write_text('[{"number": 1, "title": "bad \\ud800 title", "body": "body \\udfff end", "state": "OPEN",'
                    ' "labels": [{"name": "l\\ud83d"}], "author": {"login": "a\\ud800"}, "createdAt": '
                    '"2025-01-01T00:00:00Z", "url": "https://github.com/o/r/issues/1", "comments": []}]')
    tickets, _ = read_tickets(path)
    found = (tickets[0].title, tickets[0].body, tickets[0].labels)
    assert found == ("bad \ufffd title", "body \ufffd end", ["l\ufffd"])
    run_ingest(workspace, [], [(path, None)], SilentProgress(), index=False)
    [row] = workspace.store.rows("SELECT title, body, labels FROM tickets")
    assert row["title"] == "bad \ufffd title" and json.loads(row["labels"]) == ["l\ufffd"]


def test_a_truncated_record_is_one_line_naming_the_line(tmp_path):
    path = tmp_path / "cut.json"
    path.write_text("[\n" + json.dumps(gh_issue(1, "ok")) + ",\n" + '{"number": 2, "body": "' + "z" * 200_000)
    with pytest.raises(InputError) as refused:
        read_tickets(path, max_text=1000)
    assert refused.value.message.startswith(f"{path}: not valid JSON (line 3: ")
    assert "\n" not in refused.value.message


def test_a_csv_cell_over_the_limit_is_cut(tmp_path):
    path = tmp_path / "jira.csv"
    path.write_text("Summary,Issue key,Status,Description\nBig,A-1,Open," + '"' + "d" * 300_000 + '"\n'
                    "Small,A-2,Open,fine\n")
    tickets, problems = read_tickets(path, max_text=10_000)
    assert [(t.key, len(t.title) + len(t.body)) for t in tickets] == [("A-1", 10_000), ("A-2", 9)]
    assert [p.where for p in problems] == ["A-1"]


@pytest.mark.slow
def test_a_33_megabyte_ticket_is_indexed_in_bounded_memory(tmp_path):
    """The whole ingest (facts and index, real model) in its own process, its peak memory measured."""
    path = tmp_path / "big.json"
    words = "refund ledger payment invoice the cents order customer discount "
    path.write_text(json.dumps([gh_issue(1, words * 520_000), gh_issue(2, "small")]))
    assert path.stat().st_size > 33_000_000
    home = tmp_path / "ws"
    subprocess.run([HANDOFF, "--home", home, "init"], check=True, capture_output=True)
    measure = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(r.stdout)")
    out = subprocess.run([sys.executable, "-c", measure, HANDOFF, "--home", home, "ingest", "--tickets", path],
                         capture_output=True, text=True, timeout=600).stdout
    code, peak_kb = map(int, out.split("\n", 1)[0].split())
    assert code == 0, out
    assert "GH-1: text cut to 2,000,000 characters" in out
    assert peak_kb < 1_500_000, f"peak {peak_kb / 1e6:.1f} GB"
