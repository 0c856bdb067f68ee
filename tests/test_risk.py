"""People's status over time, and the files that knowledge leaves with."""

from dataclasses import replace
from datetime import date

import pytest

from handoff.core.errors import InputError, NotFoundError
from handoff.core.roster import read_roster, replace_roster
from handoff.retention.people_report import people
from handoff.retention.policy import RiskPolicy
from handoff.retention.risk import risk

from .gitbuilder import numbered

POLICY = RiskPolicy.default()

ROSTER = """id,name,emails,kind,vendor,team,start,end
alice,Alice Employee,alice@corp.example,employee,,core,2020-01-01,
dave,Dave Employee,dave@corp.example,employee,,core,2021-01-01,
bob,Bob Contractor,bob@vendor.example,contractor,Vendor,pay,2024-01-01,2025-03-31
carol,Carol Contractor,carol@vendor.example,contractor,Vendor,cart,2024-01-01,2025-07-15
erin,Erin Contractor,erin@agency.example,contractor,Agency,cart,2024-01-01,2026-12-31
"""


@pytest.fixture
def org(workspace, repo, ingest, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    replace_roster(workspace.store, read_roster(roster))
    repo.commit("bob", {"pay/pay.py": numbered("pay", 8), "mixed.py": numbered("bob", 3)}, when="2024-02-01")
    repo.commit("alice", {"pay/pay.py": numbered("pay", 8) + numbered("alice", 2), "core.py": numbered("c", 5)},
                when="2024-03-01")
    repo.commit("carol", {"cart/cart.py": numbered("cart", 9), "mixed.py": numbered("bob", 3) + numbered("carol", 3)},
                when="2024-04-01")
    repo.commit("erin", {"cart/cart.py": numbered("cart", 9) + "erin\n", "cart/view.py": numbered("view", 4)},
                when="2024-05-01")
    repo.commit("dave", {"mixed.py": numbered("bob", 3) + numbered("carol", 3) + numbered("dave", 4)},
                when="2024-06-01")
    repo.commit("unknown", {"core.py": numbered("c", 5) + "drive-by\n"}, when="2024-07-01")
    repo.commit("bot", {"core.py": numbered("c", 5) + "drive-by\nbump\n"}, when="2024-08-01")
    ingest(repo)


def levels(report):
    return {f.path: (f.level, f.at_risk_lines, round(f.at_risk_share, 2)) for f in report.files}


def test_status_moves_from_active_to_departing_to_departed(org, facts):
    snapshot = facts()
    bob = snapshot.people["bob"]
    assert [bob.status(date(2024, 12, 1), 90), bob.status(date(2025, 1, 15), 90),
            bob.status(date(2025, 3, 31), 90), bob.status(date(2025, 4, 1), 90)] == [
        "active", "departing", "departing", "departed"]
    assert snapshot.people["alice"].status(date(2030, 1, 1), 90) == "active"


def test_risk_levels_across_as_of_dates(org, facts):
    snapshot = facts()
    assert levels(risk(snapshot, date(2024, 12, 1), policy=POLICY)) == {}
    assert levels(risk(snapshot, date(2025, 1, 15), policy=POLICY)) == {"pay/pay.py": ("high", 8, 0.8)}
    assert levels(risk(snapshot, date(2025, 6, 1), policy=POLICY)) == {
        "cart/cart.py": ("critical", 9, 0.9),
        "pay/pay.py": ("high", 8, 0.8),
        "mixed.py": ("high", 6, 0.6),
    }
    ranked = risk(snapshot, date(2025, 6, 1), policy=POLICY).files
    assert [f.path for f in ranked] == ["cart/cart.py", "pay/pay.py", "mixed.py"]


def test_threshold_and_horizon_change_what_is_at_risk(org, facts):
    snapshot = facts()
    assert set(levels(risk(snapshot, date(2025, 6, 1), policy=replace(POLICY, threshold=0.85)))) == {"cart/cart.py"}
    longer = risk(snapshot, date(2025, 1, 1), policy=replace(POLICY, horizon_days=200))
    assert set(levels(longer)) == {"cart/cart.py", "pay/pay.py", "mixed.py"}
    with pytest.raises(InputError):
        risk(snapshot, date(2025, 6, 1), policy=replace(POLICY, threshold=1.5))
    with pytest.raises(NotFoundError, match="known: repo"):
        risk(snapshot, date(2025, 6, 1), policy=POLICY, repo="nope")


def test_holders_and_successors(org, facts):
    report = risk(facts(), date(2025, 6, 1), policy=POLICY)
    cart = next(f for f in report.files if f.path == "cart/cart.py")
    assert [(h.person, h.status, round(h.share, 2)) for h in cart.holders] == [("carol", "departing", 0.9)]
    assert [(s.person, round(s.share, 2), round(s.cochange_share, 2)) for s in cart.successors] == [
        ("erin", 0.1, 0.5), ("dave", 0.0, 0.2)]  # dave: mixed.py changed together with cart.py
    pay = next(f for f in report.files if f.path == "pay/pay.py")
    assert [(h.person, h.status) for h in pay.holders] == [("bob", "departed")]
    assert [s.person for s in pay.successors][0] == "alice"
    mixed = next(f for f in report.files if f.path == "mixed.py")
    assert [s.person for s in mixed.successors][:2] == ["dave", "alice"]


def test_people_lists_everyone_with_status_commits_and_kind(org, facts):
    report = people(facts(), date(2025, 6, 1), policy=POLICY)
    rows = {r.person: r for r in report.people}
    assert {p: (r.kind, r.status, r.commits) for p, r in rows.items()} == {
        "alice": ("employee", "active", 1),
        "dave": ("employee", "active", 1),
        "bob": ("contractor", "departed", 1),
        "carol": ("contractor", "departing", 1),
        "erin": ("contractor", "active", 1),
        "unknown@corp.example": ("unknown", "unknown", 1),
        "49699333+dependabot[bot]@users.noreply.github.com": ("bot", "unknown", 1),
    }
    assert rows["bob"].vendor == "Vendor" and rows["bob"].emails == ["bob@vendor.example"]


def test_merge_suggestions_for_one_name_with_several_emails(workspace, repo, ingest, facts):
    repo.people["bob2"] = ("Bob Contractor", "bob@home.example")
    repo.commit("bob", {"a.py": "a\n"})
    repo.commit("bob2", {"b.py": "b\n"})
    ingest(repo)
    [suggestion] = people(facts(), date(2025, 1, 1), policy=POLICY).merge_suggestions
    assert suggestion.people == ["bob@home.example", "bob@vendor.example"]


def test_unrostered_authors_are_classified_by_domain(workspace, repo, ingest, facts):
    from handoff.core.settings import Settings

    repo.commit("bob", {"a.py": "a\n"})
    repo.commit("alice", {"b.py": "b\n"})
    ingest(repo)
    snapshot = facts(Settings(contractor_domains=["vendor.example"], employee_domains=["@Corp.example"]))
    assert snapshot.people["bob@vendor.example"].kind == "contractor"
    assert snapshot.people["bob@vendor.example"].vendor == "vendor.example"
    assert snapshot.people["alice@corp.example"].kind == "employee"
