"""Offboarding checklists on the sample organisation, judged on its demo date, 2026-10-01.

Most tests read a facts-only workspace (fast, no model); those about documentation and
decision records need ADR texts and docstrings, which come with the index, and use the shared
`sample_index` workspace.
"""

import json
import shutil
from datetime import date

import pytest
from typer.testing import CliRunner

from handoff.api.main import app
from handoff.core.checklists import recorded
from handoff.core.errors import AmbiguousError, InputError, NotFoundError
from handoff.core.facts import load_facts
from handoff.core.workspace import Workspace
from handoff.retention.documentation import Documentation
from handoff.retention.offboarding.checklist import checklist
from handoff.retention.person_lookup import find_person
from handoff.retention.policy import RiskPolicy

from .conftest import SAMPLE_TICKETS, generate_sample

AS_OF = date(2026, 10, 1)
VIKTOR, LENA, AIKO = "C2007", "C2009", "C3002"


def run(home, *args, code=0, env=None):
    result = CliRunner().invoke(app, ["--home", str(home), *map(str, args)], env=env)
    assert result.exit_code == code, result.output + str(result.exception or "")
    return result


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    """The sample organisation with facts only: roster, history, blame and tickets."""
    root = generate_sample(tmp_path_factory.mktemp("offboarding") / "org")
    home = root / "ws"
    run(home, "init")
    run(home, "roster", "load", root / "roster.csv")
    tickets = [arg for name in SAMPLE_TICKETS for arg in ("--tickets", root / "tickets" / name)]
    run(home, "ingest", root / "shop", "--facts-only", *tickets)
    return root


@pytest.fixture(scope="module")
def facts(org):
    ws = Workspace.open(org / "ws")
    return load_facts(ws.store, ws.settings)


def build(facts, person, docs=None):
    return checklist(facts, person, AS_OF, docs or Documentation(), policy=RiskPolicy.default())


def paths(items):
    return [(f.path, f.level) for f in items]


def test_viktor_summary_and_files(facts):
    c = build(facts, VIKTOR)
    s = c.summary
    assert (c.name, s.vendor, s.team, s.end_date, s.days_left, s.status) == (
        "Viktor Salo", "Northwind Dev", "checkout", date(2026, 10, 31), 30, "departing")
    assert (s.lines_held, s.files_held, s.files_at_risk) == (1038, 40, {"critical": 26, "high": 6})
    assert [(r.repo, r.lines, r.total) for r in s.repositories] == [("shop", 1038, 5356)]
    payments = next(f for f in s.folders if f.path == "shop/payments")
    assert (payments.lines, payments.total) == (288, 326)
    assert paths(c.at_risk_files)[:3] == [("shop/payments/webhooks.py", "critical"), ("shop/money.py", "critical"),
                                          ("shop/payments/stripe_gateway.py", "critical")]
    refunds = next(f for f in c.at_risk_files if f.path == "shop/billing/refunds.py")
    assert (refunds.level, refunds.held_lines, refunds.lines) == ("high", 108, 138)
    assert refunds.successors[0].name == "Tomás Reyes"
    assert refunds.documentation.tickets == ["SHOP-16", "SHOP-31", "SHOP-52", "SHOP-58", "SHOP-68"]


def test_viktor_tickets(facts):
    tickets = build(facts, VIKTOR).tickets
    assert [(t.key, t.roles, t.stale) for t in tickets.to_reassign] == [
        ("GH-54", ["assignee"], False),  # GitHub names him by login, which the roster lists as an alias
        ("SHOP-75", ["assignee"], True), ("SHOP-77", ["assignee", "reporter"], True),
        ("SHOP-85", ["assignee"], False), ("SHOP-86", ["assignee"], False)]
    assert [t.suggested.name for t in tickets.to_reassign][1:] == ["Tomás Reyes", "Noor Haddad", "Sofia Brandt",
                                                                   "Noor Haddad"]
    assert [t.key for t in tickets.context] == ["SHOP-3", "SHOP-14", "SHOP-16", "SHOP-31", "SHOP-37", "SHOP-42",
                                                "SHOP-45", "SHOP-54", "SHOP-58", "SHOP-63"]


def test_lena_has_left_and_her_closed_tickets_hold_the_context(facts):
    c = build(facts, LENA)
    assert (c.summary.status, c.summary.days_left) == ("departed", -123)
    assert paths(c.at_risk_files)[:2] == [("shop/notifications/email.py", "critical"),
                                          ("docs/decisions/0001-transactional-outbox-for-domain-events.md",
                                           "critical")]
    assert c.tickets.to_reassign == []
    assert [t.key for t in c.tickets.context] == ["SHOP-12", "SHOP-27", "SHOP-50", "SHOP-51", "SHOP-56"]
    assert c.access_window == (date(2026, 3, 2), date(2026, 5, 31))
    assert [(r.repo, r.commits, r.last_commit) for r in c.access_review] == [("shop", 3, date(2026, 5, 11))]


def test_aiko_tickets_sessions_and_questions(facts):
    c = build(facts, AIKO)
    assert [t.key for t in c.tickets.to_reassign] == ["SHOP-79", "SHOP-81", "SHOP-83"]
    assert [(s.successor.name if s.successor else None, len(s.files)) for s in c.sessions][-1] == (None, 1)
    assert [f.path for f in c.sessions[-1].files] == ["scripts/export_shipments.sh"]
    asked = {(q.kind, q.files[0].path if q.files else q.tickets[0]) for q in c.questions}
    assert {("stale_ticket", "SHOP-79"), ("only_them", "scripts/export_shipments.sh")} <= asked
    export = next(q for q in c.questions if q.kind == "only_them" and q.files[0].path == "scripts/export_shipments.sh")
    assert c.sessions[-1].questions == [export.n]
    assert [e.detail for e in export.evidence] == [
        "every change in its history is by Aiko Tanaka; they hold 20 of its 20 lines"]


def test_a_contractor_leaving_after_the_horizon_is_judged_at_their_end_date(facts):
    marek = build(facts, "C2012")
    assert marek.summary.status == "active" and marek.summary.files_at_risk["critical"] > 0
    assert "shop/auth/sessions.py" in {f.path for f in marek.at_risk_files}


@pytest.mark.parametrize("query, found", [
    ("C2007", VIKTOR), ("viktor.salo@northwind.example", VIKTOR), ("Viktor Salo", VIKTOR), ("viktor", VIKTOR),
    ("tomas", "E1011"), ("Hugo", "E1017"),
])
def test_a_person_by_id_email_or_name(facts, query, found):
    assert find_person(facts, query).id == found


def test_an_ambiguous_or_unknown_person_is_an_error_naming_candidates(facts):
    with pytest.raises(AmbiguousError, match=r"'Ma' matches 2 people: Hugo Marchetti \(E1017\), Marek Novak "
                                             r"\(C2012\); give an id or email"):
        find_person(facts, "Ma")
    with pytest.raises(NotFoundError, match=r"no person matches 'Viktr'; did you mean Viktor Salo \(C2007\)\?"):
        find_person(facts, "Viktr")
    with pytest.raises(InputError, match=r"Sofia Brandt \(E1002\) is an employee"):
        build(facts, "E1002")


@pytest.mark.parametrize("args, code, message", [
    (("offboard", "Ma"), 2, "error: 'Ma' matches 2 people: Hugo Marchetti (E1017), Marek Novak (C2012)"),
    (("offboard", "Nobody Here"), 3, "error: no person matches 'Nobody Here'"),
    (("offboard", "Viktor", "--due"), 2, "error: give either a PERSON or --due"),
    (("offboard",), 2, "error: give either a PERSON or --due"),
    (("offboard", "Viktor", "--format", "html"), 2, "error: --format 'html': use md or json"),
    (("offboard", "Viktor", "--within-days", "5"), 2, "error: --within-days goes with --due"),
    (("kt", "no/such/folder"), 3, "error: no file or folder 'no/such/folder' in shop"),
])
def test_cli_errors_are_one_line(org, args, code, message):
    result = run(org / "ws", *args, "--as-of", "2026-10-01", code=code)
    assert result.output.startswith(message) and result.output.count("\n") == 1


def test_markdown_is_a_task_list_and_json_carries_the_same(org):
    md = run(org / "ws", "offboard", "Viktor Salo", "--as-of", "2026-10-01").stdout
    assert md.startswith("# Offboarding checklist: Viktor Salo (C2007)\n")
    for heading in ("## 1. Summary", "## 2. Files at risk", "## 3. Decisions", "## 4. Tickets",
                    "## 5. Knowledge-transfer sessions", "## 6. Questions to ask before they leave",
                    "## 7. Access to review"):
        assert heading in md
    assert "- [ ] **27. `shop/billing/refunds.py`**: high; Viktor Salo holds 108 of 138 lines" in md
    assert "- [ ] SHOP-75 Capture authorisations before they expire (To Do; assignee;" in md
    assert "> The search index is empty" in md
    data = json.loads(run(org / "ws", "offboard", "C2007", "--as-of", "2026-10-01", "--format", "json").stdout)
    assert list(data) == ["person", "name", "as_of", "summary", "at_risk_files", "decisions", "tickets", "sessions",
                          "questions", "access_review", "access_window", "indexed"]
    assert data["at_risk_files"][26]["path"] == "shop/billing/refunds.py"
    assert [t["key"] for t in data["tickets"]["to_reassign"]] == ["GH-54", "SHOP-75", "SHOP-77", "SHOP-85", "SHOP-86"]


def test_output_is_deterministic_and_can_go_to_a_file(org, tmp_path):
    first = run(org / "ws", "offboard", "Aiko", "--as-of", "2026-10-01").stdout
    run(org / "ws", "offboard", "Aiko", "--as-of", "2026-10-01", "-o", tmp_path / "aiko.md")
    assert (tmp_path / "aiko.md").read_text(encoding="utf-8") == first


def test_due_records_once_and_refreshes_when_the_end_date_moves(org, tmp_path):
    root = tmp_path / "org"
    shutil.copytree(org, root, symlinks=True)
    home = root / "ws"
    assert run(home, "offboard", "--due", "--as-of", "2026-10-01").stdout == (
        "created: Viktor Salo (C2007), leaves 2026-10-31, 32 files at risk\n"
        "created: Aiko Tanaka (C3002), leaves 2026-12-15, 25 files at risk\n")
    assert run(home, "offboard", "--due", "--as-of", "2026-10-02").stdout.count("unchanged") == 2
    roster = root / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace("2026-10-31", "2026-11-20"), encoding="utf-8")
    run(home, "roster", "load", roster)
    assert run(home, "offboard", "--due", "--as-of", "2026-10-03").stdout == (
        "refreshed: Viktor Salo (C2007), leaves 2026-11-20, 32 files at risk\n"
        "unchanged: Aiko Tanaka (C3002), leaves 2026-12-15, 25 files at risk\n")
    stored = recorded(Workspace.open(home).store, VIKTOR)
    assert (stored.created_at, stored.updated_at, stored.end_date) == ("2026-10-01", "2026-10-03", "2026-11-20")
    assert stored.content["summary"]["end_date"] == "2026-11-20"


def test_due_notices_new_files_at_risk(org, tmp_path):
    root = tmp_path / "org"
    shutil.copytree(org, root, symlinks=True)
    home = root / "ws"
    run(home, "offboard", "--due", "--as-of", "2026-10-01", "--within-days", "40")
    lower = run(home, "offboard", "--due", "--as-of", "2026-10-01", "--within-days", "40",
                env={"HANDOFF_RISK_THRESHOLD": "0.3"}).stdout
    assert lower.startswith("refreshed: Viktor Salo (C2007), leaves 2026-10-31, ")
    assert lower.count("\n") == 1  # Aiko leaves after the 40 days


@pytest.mark.slow
def test_documentation_and_decisions_from_the_index(sample_index):
    facts = load_facts(sample_index.store, sample_index.settings)
    docs = _documentation(sample_index, facts)
    viktor = build(facts, VIKTOR, docs)
    refunds = next(f for f in viktor.at_risk_files if f.path == "shop/billing/refunds.py")
    assert refunds.documentation.adrs == ["docs/adr/0006-payment-providers-behind-an-interface.md",
                                          "docs/decisions/0006-refunds-pro-rate-order-discounts.md"]
    assert refunds.documentation.docstring == "Refunds: how much money goes back for which order lines."
    assert [f.path for f in viktor.at_risk_files if f.undocumented] == ["tests/test_stripe_gateway.py"]
    assert [(d.path, d.accepted, d.roles, d.proposed_owner.name) for d in viktor.decisions] == [
        ("docs/adr/0002-store-money-as-integer-cents.md", True, ["author"], "Tomás Reyes"),
        ("docs/adr/0003-use-stripe-for-card-payments.md", False, ["author"], "Sofia Brandt"),
        ("docs/decisions/0004-idempotent-payment-webhooks.md", True, ["decider", "author"], "Noor Haddad"),
        ("docs/adr/0006-payment-providers-behind-an-interface.md", True, ["author"], "Sofia Brandt"),
        ("docs/decisions/0006-refunds-pro-rate-order-discounts.md", True, ["decider", "author"], "Tomás Reyes")]
    assert viktor.decisions[1].superseded_by == ["docs/adr/0006-payment-providers-behind-an-interface.md"]
    aiko = build(facts, AIKO, docs)
    assert [(d.path, d.status, d.roles) for d in aiko.decisions] == [
        ("docs/decisions/0002-reserve-stock-during-checkout.md", "accepted", ["decider", "author"]),
        ("docs/decisions/0003-shipping-rates-from-carrier-tables.md", "accepted", ["decider", "author"])]
    assert aiko.decisions[1].proposed_owner.name == "Hugo Marchetti"


@pytest.mark.slow
def test_questions_cite_superseded_records_still_referenced(sample_index):
    facts = load_facts(sample_index.store, sample_index.settings)
    docs = _documentation(sample_index, facts)
    for person, adr, place in (
            (VIKTOR, "docs/adr/0003-use-stripe-for-card-payments.md", ("shop/payments/provider.py", 6)),
            (LENA, "docs/adr/0005-in-process-event-bus.md", ("shop/events/bus.py", 7))):
        [question] = [q for q in build(facts, person, docs).questions if q.kind == "superseded_adr"]
        assert question.adrs == [adr]
        assert [(e.kind, e.path, e.line) for e in question.evidence] == [("adr", adr, None),
                                                                          ("reference", *place)]
    lena = build(facts, LENA, docs)
    assert [f.path for f in lena.at_risk_files if f.undocumented] == [
        "tests/test_bus.py", "tests/test_sms.py", "shop/notifications/templates/payment_failed.txt"]


def _documentation(ws, facts):
    from handoff.assist.indexed_docs import indexed_documentation
    from handoff.assist.retrieval import Retriever

    return indexed_documentation(Retriever(ws.home / "index", ws.settings).collection, facts)
