"""The CLI through its runner: JSON contracts, one-line errors with exit codes, help and docs."""

import json
from pathlib import Path

import click
import pytest

from handoff.api.main import app

from .gitbuilder import numbered

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def ingested(cli, repo, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,emails,kind,vendor,team,start,end\n"
                      "bob,Bob Contractor,bob@vendor.example,contractor,Vendor,pay,2024-01-01,2025-03-31\n"
                      "alice,Alice Employee,alice@corp.example,employee,,core,2020-01-01,\n")
    repo.commit("bob", {"pay/pay.py": numbered("p", 9), "vendor/x.js": "x\n"})
    repo.commit("alice", {"pay/pay.py": numbered("p", 9) + "a\n"})
    cli("init")
    cli("roster", "load", roster)
    cli("ingest", repo.path, "--name", "shop", "--facts-only")
    return cli


def test_json_contracts(ingested):
    people = json.loads(ingested("people", "--json", "--as-of", "2025-06-01").stdout)
    assert set(people) >= {"people", "merge_suggestions"}
    assert set(people["people"][0]) >= {"person", "name", "kind", "vendor", "team", "start", "end", "status",
                                        "emails", "commits"}
    owned = json.loads(ingested("ownership", "--json").stdout)
    assert owned["files"] == [{"repo": "shop", "path": "pay/pay.py", "lines": 10, "owners": [
        {"person": "bob", "name": "Bob Contractor", "kind": "contractor", "status": "departed", "lines": 9,
         "share": 0.9},
        {"person": "alice", "name": "Alice Employee", "kind": "employee", "status": "active", "lines": 1,
         "share": 0.1}]}]
    assert owned["excluded"] == [{"repo": "shop", "path": "vendor/x.js", "reason": "vendored"}]
    tf = json.loads(ingested("truck-factor", "--json").stdout)
    assert tf["repos"][0]["repo"] == "shop" and tf["repos"][0]["truck_factor"] == 2  # creator and modifier
    assert [r["person"] for r in tf["repos"][0]["removed"]] == ["alice", "bob"]
    assert tf["repos"][0]["folders"][0]["path"] == "pay"
    risk = json.loads(ingested("risk", "--json", "--as-of", "2025-06-01").stdout)
    assert (risk["as_of"], risk["threshold"], risk["horizon_days"]) == ("2025-06-01", 0.5, 90)
    [f] = risk["files"]
    assert (f["path"], f["lines"], f["at_risk_lines"], f["at_risk_share"], f["level"]) == (
        "pay/pay.py", 10, 9, 0.9, "critical")
    assert f["holders"][0] == {"person": "bob", "name": "Bob Contractor", "status": "departed", "share": 0.9}
    assert f["successors"][0]["person"] == "alice" and f["successors"][0]["share"] == 0.1


def test_tables_show_totals(ingested):
    out = ingested("risk", "--as-of", "2025-06-01").stdout
    assert "pay/pay.py" in out and "critical" in out and "1 files" in out
    assert "departed" in ingested("people", "--as-of", "2025-06-01").stdout
    assert "Left out: 1 vendored" in ingested("ownership").stdout


@pytest.mark.parametrize("args, code, message", [
    (("risk", "--as-of", "June"), 2, "--as-of 'June': not a date; use YYYY-MM-DD"),
    (("ownership", "--repo", "nope"), 3, "repository 'nope' is not ingested; known: shop"),
    (("risk", "--threshold", "2"), 2, "threshold 2.0: must be above 0 and at most 1 (e.g. 0.5)"),
])
def test_errors_are_one_line_with_exit_codes(ingested, args, code, message):
    result = ingested(*args, code=code)
    assert result.stderr.strip() == f"error: {message}"


def test_missing_workspace_and_bad_paths(cli, tmp_path):
    result = cli("people", code=4)
    assert "no Handoff workspace" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    cli("init")
    assert "not a git repository" in cli("ingest", tmp_path, code=2).stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,emails,kind\nx,X,x@y.example,alien\n")
    assert "row 2, field 'kind'" in cli("roster", "load", bad, code=2).stderr


def test_bad_setting_is_refused_at_start(cli, tmp_path):
    cli("init")
    (tmp_path / "ws" / "handoff.toml").write_text("risk_threshold = 3\n")
    assert "setting 'risk_threshold'" in cli("people", code=4).stderr
    (tmp_path / "ws" / "handoff.toml").write_text("risk_treshold = 0.3\n")
    assert "setting 'risk_treshold'" in cli("people", code=4).stderr


def all_commands(group: click.Group, prefix=()):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from all_commands(command, prefix + (name,))
        else:
            yield " ".join(prefix + (name,)), command


def test_every_command_has_help_and_is_documented():
    readme = README.read_text()
    for name, command in all_commands(typer_group()):
        assert command.help, f"{name} has no help text"
        assert f"handoff {name}" in readme, f"`handoff {name}` is not in the README"


def typer_group() -> click.Group:
    import typer.main

    return typer.main.get_command(app)


def test_bot_names_keep_their_brackets(cli, repo):
    repo.commit("alice", {"req.txt": "a==1\n"})
    repo.commit("bot", {"req.txt": "a==2\n"})
    cli("init")
    cli("ingest", repo.path, "--facts-only")
    people = json.loads(cli("people", "--json").stdout)["people"]
    assert "dependabot[bot]" in {p["name"] for p in people}
    assert "dependabot[bot]" in cli("people").stdout


def test_adrs_are_facts_even_without_the_index(cli, repo):
    repo.commit("alice", {"docs/adr/0001-use-postgres.md": "# 1. Use PostgreSQL\n\nDate: 2025-01-02\n\n## Status\n\n"
                                                           "Accepted\n\n## Context\n\nWe need SQL.\n"})
    repo.commit("bob", {"docs/adr/0002-use-sqlite.md":
                        "# 2. Use SQLite\n\nDate: 2025-02-01\n\n## Status\n\n"
                        "Accepted\n\nSupercedes [1. Use PostgreSQL](0001-use-postgres.md)\n"})
    cli("init")
    cli("ingest", repo.path, "--facts-only")
    adrs = json.loads(cli("adrs", "--json").stdout)["adrs"]
    assert [(a["number"], a["title"], a["authors"]) for a in adrs] == [
        (1, "Use PostgreSQL", ["alice@corp.example"]), (2, "Use SQLite", ["bob@vendor.example"])]
    assert adrs[1]["links"] == [{"kind": "supersedes", "target": "0001-use-postgres.md",
                                 "target_path": "docs/adr/0001-use-postgres.md"}]
