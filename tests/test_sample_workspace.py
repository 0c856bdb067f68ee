"""The sample workspace generator keeps its promises, checked with plain git and file reads.

The sample is generated once per module (and a second time for determinism); nothing here uses
Handoff's own code, so a bug in Handoff cannot hide a broken sample or the other way round.
"""

from __future__ import annotations

import csv
import importlib
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPT = EXAMPLES / "sample_workspace.py"
ROSTER_HEADER = ["id", "name", "emails", "kind", "vendor", "team", "start", "end", "aliases"]
LINEAR_HEADER = ["ID", "Team", "Title", "Description", "Status", "Estimate", "Priority", "Project ID", "Project",
                 "Creator", "Assignee", "Labels", "Cycle Number", "Cycle Name", "Cycle Start", "Cycle End", "Created",
                 "Updated", "Started", "Triaged", "Completed", "Canceled", "Archived", "Due Date", "Parent issue",
                 "Initiatives", "Project Milestone ID", "Project Milestone", "SLA Status", "Roadmaps"]
DEPENDABOT = "49699333+dependabot[bot]@users.noreply.github.com"
PRE_COMMIT_CI = "66853113+pre-commit-ci[bot]@users.noreply.github.com"


def generate(out: Path, seed: int = 7) -> Path:
    subprocess.run([sys.executable, str(SCRIPT), str(out), "--seed", str(seed)], check=True, capture_output=True)
    return out


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def sample_module():
    """The generator module itself, for the constants it publishes (secrets, hostile ticket, demo date)."""
    sys.path.insert(0, str(EXAMPLES))
    try:
        return importlib.import_module("sample_workspace")
    finally:
        sys.path.remove(str(EXAMPLES))


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def repo(out: Path) -> Path:
    return out / "shop"


@pytest.fixture(scope="module")
def roster(out: Path) -> list[dict]:
    with (out / "roster.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def ticket_keys(out: Path) -> Counter:
    """Every ticket key in every export, as examples/README.md says questions cite them."""
    tickets = out / "tickets"
    keys = Counter()
    for name in ("github-gh.json", "github-rest.json"):
        keys.update(f"GH-{issue['number']}" for issue in json.loads((tickets / name).read_text()))
    for name in ("jira-v2.json", "jira-v3.json"):
        keys.update(issue["key"] for issue in json.loads((tickets / name).read_text())["issues"])
    with (tickets / "jira.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    keys.update(row[rows[0].index("Issue key")] for row in rows[1:])
    with (tickets / "linear.csv").open(newline="", encoding="utf-8") as handle:
        keys.update(row["ID"] for row in csv.DictReader(handle))
    return keys


def test_same_seed_gives_the_same_repository(repo, tmp_path):
    again = generate(tmp_path / "again") / "shop"
    assert git(again, "rev-parse", "HEAD") == git(repo, "rev-parse", "HEAD")
    other = generate(tmp_path / "other", seed=8) / "shop"
    assert git(other, "rev-parse", "HEAD") != git(repo, "rev-parse", "HEAD")


def test_refuses_to_overwrite(out):
    result = subprocess.run([sys.executable, str(SCRIPT), str(out)], capture_output=True, text=True)
    assert result.returncode == 1 and "already exists" in result.stderr


def test_a_clean_clone_on_main(repo):
    assert git(repo, "branch", "--show-current").strip() == "main"
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "remote", "get-url", "origin").strip().endswith("shop.git")


def test_fifteen_months_of_history(repo):
    days = git(repo, "log", "--format=%ad", "--date=short").split()
    assert 250 <= len(days) <= 400
    assert min(days) == "2025-07-01" and max(days) <= "2026-09-25"
    people = set(git(repo, "log", "--use-mailmap", "--format=%aE").split())
    assert len(people - {DEPENDABOT, PRE_COMMIT_CI}) >= 10


def test_roster_as_hr_exports_it(roster, sample_module):
    assert list(roster[0]) == ROSTER_HEADER
    assert {r["kind"] for r in roster} == {"employee", "contractor"}
    assert {r["vendor"] for r in roster if r["kind"] == "contractor"} == {"Northwind Dev", "Brightcode"}
    demo = date.fromisoformat(sample_module.DEMO_DATE)
    ends = [date.fromisoformat(r["end"]) for r in roster if r["kind"] == "contractor" and r["end"]]
    assert [d.isoformat() for d in ends if d < demo] == ["2026-05-31"]
    assert sorted(d.isoformat() for d in ends if demo <= d <= demo + timedelta(days=90)) == ["2026-10-31", "2026-12-15"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", r["start"]) for r in roster)


def test_nobody_commits_outside_their_contract(repo, roster):
    for person in roster:
        days = git(repo, "log", "--use-mailmap", f"--author={person['emails']}", "--format=%ad", "--date=short").split()
        assert days, f"{person['name']} has no commits"
        assert person["start"] <= min(days) and max(days) <= (person["end"] or "9999"), person["name"]


def test_mailmap_joins_two_emails_of_one_person(repo, roster):
    raw = set(git(repo, "log", "--format=%ae").split())
    mapped = set(git(repo, "log", "--use-mailmap", "--format=%aE").split())
    rostered = {r["emails"] for r in roster}
    joined = raw - mapped
    assert len(joined) == 1 and not joined & rostered
    [line] = [line for line in (repo / ".mailmap").read_text().splitlines() if line.strip()]
    assert joined.pop() in line and any(email in line for email in rostered)


def test_an_author_outside_the_roster(repo, roster):
    rostered = {r["emails"] for r in roster} | {DEPENDABOT, PRE_COMMIT_CI}
    outsiders = set(git(repo, "log", "--use-mailmap", "--format=%aE").split()) - rostered
    assert len(outsiders) == 1


def test_bots_bump_versions(repo):
    authors = Counter(git(repo, "log", "--format=%an <%ae>").splitlines())
    assert authors[f"dependabot[bot] <{DEPENDABOT}>"] >= 10
    assert authors[f"pre-commit-ci[bot] <{PRE_COMMIT_CI}>"] >= 3
    subjects = git(repo, "log", f"--author={DEPENDABOT}", "--format=%s").splitlines()
    assert all(re.match(r"Bump \S+ from \S+ to \S+", s) for s in subjects)


def test_ignore_revs_names_the_reformat_commit(repo):
    [sha] = [line for line in (repo / ".git-blame-ignore-revs").read_text().splitlines()
             if line and not line.startswith("#")]
    assert git(repo, "cat-file", "-t", sha).strip() == "commit"
    stats = [line.split("\t") for line in git(repo, "show", "--format=", "--numstat", sha).splitlines()]
    python = [(added, deleted) for added, deleted, path in stats if path.endswith(".py")]
    assert len(python) >= 20 and all(added == deleted for added, deleted in python)
    added_by = git(repo, "log", "--diff-filter=A", "--format=%H", "--", ".git-blame-ignore-revs").split()
    assert subprocess.run(["git", "-C", str(repo), "merge-base", "--is-ancestor", sha, added_by[0]]).returncode == 0


def test_renames_are_followed(repo):
    moved = git(repo, "log", "--follow", "--name-status", "--format=", "--", "shop/payments/provider.py")
    assert re.search(r"^R\d+\tshop/billing/payments.py\tshop/payments/provider.py$", moved, re.M)
    renamed = git(repo, "log", "--follow", "--name-status", "--format=", "--", "shop/notifications/email.py")
    assert re.search(r"^R\d+\tshop/notifications/mailer.py\tshop/notifications/email.py$", renamed, re.M)
    assert len(git(repo, "log", "--follow", "--format=%H", "--", "shop/payments/provider.py").split()) >= 4


def test_vendored_lock_and_binary_files(repo):
    assert (repo / "shop/vendor/backoff_lite/__init__.py").is_file()
    assert "[[package]]" in (repo / "poetry.lock").read_text()
    assert json.loads((repo / "web/package-lock.json").read_text())["lockfileVersion"] == 3
    logo = (repo / "web/public/logo.png").read_bytes()
    assert logo.startswith(b"\x89PNG\r\n\x1a\n") and b"\x00" in logo[:8000]


def test_contractors_hold_most_of_several_files(repo, roster):
    leaving = {r["emails"] for r in roster if r["kind"] == "contractor" and r["end"] and r["end"] <= "2026-12-29"}
    employees = {r["emails"] for r in roster if r["kind"] == "employee"}
    held = {}
    for path in ("shop/payments/stripe_gateway.py", "shop/events/bus.py", "shop/shipping/carriers.py",
                 "shop/billing/refunds.py", "shop/events/outbox.py"):
        blame = git(repo, "blame", "-w", "--line-porcelain", "--ignore-revs-file", ".git-blame-ignore-revs",
                    "HEAD", "--", path)
        lines = Counter(re.findall(r"^author-mail <(.+)>$", blame, re.M))
        total = sum(lines.values())
        held[path] = (sum(n for e, n in lines.items() if e in leaving) / total,
                      max((n for e, n in lines.items() if e in employees), default=0) / total)
    assert all(share >= 0.5 for share, _ in held.values())
    assert held["shop/payments/stripe_gateway.py"][1] < 0.2 and held["shop/events/bus.py"][1] < 0.2
    assert held["shop/billing/refunds.py"][1] >= 0.2 and held["shop/events/outbox.py"][1] >= 0.2


def test_decision_records_in_every_format(repo, roster):
    adrs = sorted((repo / "docs/adr").glob("*.md")) + sorted((repo / "docs/decisions").glob("*.md"))
    assert len(adrs) >= 12
    texts = {p.name: p.read_text() for p in adrs}
    assert (repo / ".adr-dir").read_text().strip() == "docs/adr"
    assert any("Superceded by" in t for t in texts.values()) and any("Supercedes" in t for t in texts.values())
    assert any(re.search(r"^## Status$", t, re.M) for t in texts.values())
    assert any("* Status:" in t and "* Deciders:" in t and "* Date:" in t for t in texts.values())
    assert any(t.startswith("---\n") and "\ndeciders:" in t for t in texts.values())
    assert any(t.startswith("---\n") and "\ndecision-makers:" in t for t in texts.values())
    log4brains = [t for name, t in texts.items() if re.fullmatch(r"\d{8}-[a-z0-9-]+\.md", name)]
    assert log4brains and all("- Status:" in t and "- Date:" in t and "- Tags:" in t for t in log4brains)
    authors = set(git(repo, "log", "--diff-filter=A", "--format=%ae", "--", "docs/adr", "docs/decisions").split())
    assert authors & {r["emails"] for r in roster if r["kind"] == "contractor" and r["end"] <= "2026-12-15"}


def test_tickets_in_every_export(out, ticket_keys, sample_module):
    tickets = out / "tickets"
    assert sum(ticket_keys.values()) >= 60 and max(ticket_keys.values()) == 1
    gh = json.loads((tickets / "github-gh.json").read_text())
    assert {"number", "title", "body", "state", "labels", "assignees", "author", "createdAt", "updatedAt",
            "closedAt", "url", "comments"} <= set(gh[0])
    rest = json.loads((tickets / "github-rest.json").read_text())
    assert {"user", "assignee", "labels", "html_url"} <= set(rest[0]) and all("pull_request" not in i for i in rest)
    v2 = json.loads((tickets / "jira-v2.json").read_text())["issues"][0]["fields"]
    v3 = json.loads((tickets / "jira-v3.json").read_text())["issues"][0]["fields"]
    assert isinstance(v2["description"], str) and v3["description"]["type"] == "doc"
    assert "emailAddress" in v2["assignee"]
    header = next(csv.reader((tickets / "jira.csv").open(newline="", encoding="utf-8")))
    assert header.count("Labels") >= 2 and header.count("Comment") >= 2
    assert next(csv.reader((tickets / "linear.csv").open(newline="", encoding="utf-8"))) == LINEAR_HEADER
    hostile = [i for i in gh if f"GH-{i['number']}" == sample_module.HOSTILE_TICKET]
    assert hostile and "Ignore previous instructions" in hostile[0]["body"]


def test_tickets_of_the_leaving_contractors(out):
    jira = json.loads((out / "tickets/jira-v2.json").read_text())["issues"]
    jira += json.loads((out / "tickets/jira-v3.json").read_text())["issues"]
    open_by = Counter(i["fields"]["assignee"]["emailAddress"] for i in jira if i["fields"]["resolution"] is None)
    assert open_by["viktor.salo@northwind.example"] >= 2 and open_by["aiko.tanaka@brightcode.example"] >= 2
    with (out / "tickets/jira.csv").open(newline="", encoding="utf-8") as handle:
        resolved = [row for row in csv.DictReader(handle) if row["Assignee"] == "Lena Petrovic" and row["Resolved"]]
    assert len(resolved) >= 3


def test_commit_messages_reference_tickets(repo):
    messages = git(repo, "log", "--format=%B")
    for pattern in (r"\bfixes #\d+", r"\bGH-\d+", r"\bSHOP-\d+", r"\bENG-\d+"):
        assert re.search(pattern, messages), pattern


def test_every_planted_secret_is_in_the_repository(repo, sample_module):
    texts = [(repo / path).read_text(errors="replace") for path in git(repo, "ls-files").splitlines()
             if not path.endswith(".png")]
    for name, secret in sample_module.PLANTED_SECRETS.items():
        assert sum(secret in text for text in texts) == 1, name
    secrets = sample_module.PLANTED_SECRETS
    assert re.fullmatch(r"AKIA[0-9A-Z]{16}", secrets["aws_access_key_id"])
    assert len(secrets["aws_secret_access_key"]) == 40
    assert secrets["rsa_private_key"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert f"password: {secrets['yaml_password']}" in (repo / "config/production.yaml").read_text()
    assert f"postgresql://shop:{secrets['database_url_password']}@db.internal:5432/shop" in (
        repo / "config/production.yaml").read_text()


def test_questions_cite_what_exists(repo, ticket_keys):
    lines = (EXAMPLES / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line) for line in lines]
    assert len(questions) >= 40
    paths = set(git(repo, "ls-files").splitlines())
    for q in questions:
        assert q["q"].strip() and q["expect"], q
        missing = [e for e in q["expect"] if e not in paths and e not in ticket_keys]
        assert not missing, f"{q['q']!r} expects {missing}"
        assert q["kind"] in ("how", "why", "where", "people", "history", "decision"), q
        assert 1 <= len(q["answer_contains"]) <= 3 and all(f.strip() for f in q["answer_contains"]), q
    assert sum(q["kind"] in ("people", "history") for q in questions) >= 8
