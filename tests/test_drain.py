"""The knowledge-drain report: figures computed by hand from known histories.

A small repository whose every line has a known author gives exact totals, slices, trend
points and warnings at two as-of dates; the sample workspace's report is checked against plain
`git blame` per email, computed here without Handoff's code.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

from handoff.api.main import app
from handoff.core.checklists import fingerprint
from handoff.core.progress import SilentProgress
from handoff.core.records import Ticket
from handoff.core.roster import read_roster, replace_roster
from handoff.ingest.samples import month_ends, sample_ownership
from handoff.ingest.writes import save_tickets
from handoff.retention.drain import ChecklistNote, drain
from handoff.retention.policy import RiskPolicy
from handoff.retention.truck_factor import truck_factor

from .gitbuilder import lines, numbered

POLICY = RiskPolicy.default()

ROSTER = """id,name,emails,kind,vendor,team,start,end
alice,Alice Employee,alice@corp.example,employee,,core,2020-01-01,
dave,Dave Employee,dave@corp.example,employee,,core,2021-01-01,
bob,Bob Contractor,bob@vendor.example,contractor,Vendor,pay,2024-01-01,2025-03-31
carol,Carol Contractor,carol@vendor.example,contractor,Vendor,cart,2024-01-01,2025-07-15
erin,Erin Contractor,erin@agency.example,contractor,Agency,cart,2024-01-01,2026-12-31
"""
BEFORE = date(2025, 2, 1)  # bob departing
AFTER = date(2025, 6, 1)  # bob departed, carol departing
LINES = 50


class StageLog(SilentProgress):
    """Progress that remembers each stage's total: how many files a sample had to blame."""

    def __init__(self) -> None:
        super().__init__()
        self.totals: list[int | None] = []

    def stage(self, name: str, total: int | None = None) -> None:
        self.totals.append(total)


@pytest.fixture
def org(workspace, repo, ingest, tmp_path):
    """Fifty lines whose authors and dates are known; see each commit's comment."""
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    replace_roster(workspace.store, read_roster(roster))
    cart = numbered("cart", 9)
    repo.commit("bob", {"pay/pay.py": numbered("pay", 8), "pay/legacy.py": numbered("legacy", 2),
                        "mixed.py": numbered("bob", 3)}, when="2024-10-05")
    repo.commit("alice", {"pay/pay.py": numbered("pay", 8) + numbered("alice", 2), "core.py": numbered("c", 5)},
                when="2024-11-10")
    repo.commit("carol", {"cart/cart.py": cart, "mixed.py": numbered("bob", 3) + numbered("carol", 3)},
                when="2024-12-10")
    repo.commit("erin", {"cart/cart.py": cart + "erin\n", "cart/view.py": numbered("view", 4)}, when="2025-01-10")
    repo.commit("dave", {"mixed.py": numbered("bob", 3) + numbered("carol", 3) + numbered("dave", 4)},
                when="2025-02-10", message="Tidy mixed (#5)")
    repo.commit("unknown", {"core.py": numbered("c", 5) + "drive-by\n"}, when="2025-03-10")
    repo.commit("alice", {"cart/README.md": lines("# Cart", "How the cart works.")}, when="2025-03-20")
    repo.commit("erin", {"tools.py": numbered("tools", 6)}, when="2025-04-10")
    repo.commit("carol", {"cart/cart.py": cart.replace("cart line 0\n", "cart line 0 rounded\n") + "erin\n"},
                when="2025-05-20", message="Round cart totals (#7)")
    with workspace.store.transaction() as conn:
        save_tickets(conn, str(tmp_path / "tickets.json"),
                     [Ticket("GH-5", "Tidy mixed"), Ticket("GH-7", "Round cart totals")], "repo")
    ingest(repo)
    return repo


@pytest.fixture
def report(workspace, facts, org):
    def build(day: date, horizon_days: int = POLICY.horizon_days, **options):
        samples = sample_ownership(workspace.store, workspace.settings, day)
        return drain(facts(), day, samples=samples, policy=replace(POLICY, horizon_days=horizon_days), **options)

    return build


def shares(**held: int) -> dict[str, float]:
    return {f"{kind}_share": pytest.approx(n / LINES) for kind, n in held.items()}


def test_totals_at_two_dates(report):
    # employees: alice 9 (pay 2, core 5, README 2), dave 4; contractors: bob 13, carol 12, erin 11; unknown 1
    before = report(BEFORE).totals
    assert before.lines == LINES
    assert vars(before) == {"lines": LINES, **shares(employee=13, contractor=36, unknown=1, departing=13, departed=0),
                            "files_at_risk": 2, "files_critical": 1}  # pay.py (alice 20 %), legacy.py
    after = report(AFTER).totals
    assert vars(after) == {"lines": LINES, **shares(employee=13, contractor=36, unknown=1, departing=12, departed=13),
                           "files_at_risk": 4, "files_critical": 2}  # + mixed.py (dave 40 %), cart.py


def test_the_same_figures_by_vendor_team_repository_and_folder(report):
    r = report(AFTER)
    by_vendor = {s.name: (s.totals.lines, s.totals.departing_share, s.totals.departed_share, s.totals.files_at_risk,
                          s.totals.files_critical) for s in r.by_vendor}
    assert by_vendor == {"Vendor": (25, pytest.approx(12 / 25), pytest.approx(13 / 25), 4, 2),
                         "(employees)": (13, 0, 0, 0, 0), "Agency": (11, 0, 0, 0, 0),
                         "(unknown authors)": (1, 0, 0, 0, 0)}
    assert [(s.name, s.totals.lines, s.totals.files_at_risk) for s in r.by_team] == [
        ("cart", 23, 2), ("core", 13, 0), ("pay", 13, 3), ("(no team)", 1, 0)]  # carol: mixed.py, cart.py
    assert [(s.repo, s.name, s.totals.lines, s.share_of_lines, s.totals.contractor_share) for s in r.by_folder] == [
        ("repo", ".", 22, 0.44, pytest.approx(12 / 22)), ("repo", "cart", 16, 0.32, pytest.approx(14 / 16)),
        ("repo", "pay", 12, 0.24, pytest.approx(10 / 12))]
    assert [(s.name, vars(s.totals)) for s in r.by_repo] == [("repo", vars(r.totals))]


def test_truck_factor_rows_and_top_files(report, facts):
    r = report(AFTER)
    expected = truck_factor(facts()).repos[0]
    assert (r.truck_factors[0].folder, r.truck_factors[0].truck_factor) == (".", expected.truck_factor)
    assert {row.folder for row in r.truck_factors[1:]} == {f.path for f in expected.folders}
    assert [(f.path, f.level, f.at_risk_lines) for f in r.files_at_risk] == [
        ("cart/cart.py", "critical", 9), ("pay/pay.py", "high", 8), ("mixed.py", "high", 6),
        ("pay/legacy.py", "critical", 2)]
    assert len(report(AFTER, top_files=1).files_at_risk) == 1


def test_departing_contractors_with_exposure_and_checklist_state(report):
    [carol] = report(AFTER).departing
    assert (carol.person, carol.end, carol.days_left, carol.lines, carol.share_of_lines, carol.files_at_risk,
            carol.files_critical, carol.checklist) == ("carol", date(2025, 7, 15), 44, 12, 0.24, 2, 1, None)
    right = fingerprint(date(2025, 7, 15), [SimpleNamespace(repo="repo", path="mixed.py", level="high"),
                                            SimpleNamespace(repo="repo", path="cart/cart.py", level="critical")])
    states = [report(AFTER, checklists=notes).departing[0].checklist for notes in (
        {"carol": ChecklistNote("carol", right, AFTER)}, {"carol": ChecklistNote("carol", "stale", AFTER)},
        {"erin": ChecklistNote("erin", right, AFTER)})]
    assert states == ["current", "outdated", "missing"]
    assert [d.person for d in report(BEFORE).departing] == ["bob"]


def test_documentation_of_files_at_risk(report):
    d = report(AFTER).documentation
    # mixed.py: commit naming GH-5; cart.py: GH-7 and cart/README.md; the pay/ files: nothing
    assert (d.files_at_risk, d.documented, d.documented_share, d.by_ticket, d.by_adr, d.by_readme, d.prose) == (
        4, 2, 0.5, 2, 0, 1, 0)
    assert [(u.path, u.level, u.at_risk_lines) for u in d.undocumented] == [
        ("pay/pay.py", "high", 8), ("pay/legacy.py", "critical", 2)]


def test_trend_points_judge_each_month_on_its_own_date(report, org):
    points = report(AFTER).trend
    assert [p.date for p in points] == month_ends(AFTER)[-8:]  # no commit before October 2024
    assert [(p.lines, round(p.contractor_share, 4), round(p.departing_share, 4), round(p.departed_share, 4),
             p.drained_lines) for p in points] == [
        (13, 1.0, 0.0, 0.0, 0),  # bob's first commit; his end is more than 90 days away
        (20, 0.65, 0.0, 0.0, 0),  # alice's 7 lines
        (32, 0.7812, 0.4062, 0.0, 0),  # carol's 12; bob's end now within 90 days
        (37, 0.8108, 0.3514, 0.0, 0),
        (41, 0.7317, 0.3171, 0.0, 0),  # dave's 4
        (44, 0.6818, 0.2955, 0.0, 0),  # bob leaves on 31 March: departing on that day still
        (50, 0.72, 0.24, 0.26, 13),  # bob departed, his 13 lines drained; carol departing
        (50, 0.72, 0.24, 0.26, 13),
    ]
    assert points[-1].commits == {"repo": org.head()}  # May's sample is HEAD, the commit of 20 May


def test_a_sample_equals_plain_git_blame_at_its_commit(report, org):
    point = next(p for p in report(AFTER).trend if p.date == date(2024, 12, 31))
    sha = point.commits["repo"]
    assert sha == org.git("rev-list", "--first-parent", "-1", "--before=2024-12-31 23:59:59 +0000", "HEAD").strip()
    blamed: Counter = Counter()
    for path in org.git("ls-tree", "-r", "--name-only", sha).split():
        for line in org.git("blame", "--line-porcelain", "-w", sha, "--", path).splitlines():
            if line.startswith("author-mail "):
                blamed[line[len("author-mail <"):-1]] += 1
    assert blamed == {"bob@vendor.example": 13, "carol@vendor.example": 12, "alice@corp.example": 7}
    assert point.lines == sum(blamed.values())
    assert point.departing_share == pytest.approx(blamed["bob@vendor.example"] / point.lines)


def test_samples_are_cached_and_a_later_month_blames_only_what_is_new(workspace, org):
    first, later, again = StageLog(), StageLog(), StageLog()
    sample_ownership(workspace.store, workspace.settings, date(2025, 4, 1), progress=first)
    # a blob blamed once is never blamed again, and blobs as they are at HEAD reuse the ingest's blame:
    # Oct: pay.py, mixed.py (legacy.py is as at HEAD); Nov: core.py; Dec: cart.py, mixed.py; Jan: cart.py
    assert first.totals == [2, 1, 2, 1, 0, 0]
    sample_ownership(workspace.store, workspace.settings, AFTER, progress=later)
    assert later.totals == [0, 0]  # April and May: only the two new samples, both as at HEAD
    samples = sample_ownership(workspace.store, workspace.settings, AFTER, progress=again)
    assert again.totals == [] and len(samples) == 8
    assert workspace.store.rows("SELECT COUNT(DISTINCT path || blob) AS n FROM blame_history")[0]["n"] == 6


def test_a_change_of_exclusions_takes_the_samples_again(workspace, facts, org):
    sample_ownership(workspace.store, workspace.settings, AFTER)
    settings = workspace.settings.model_copy(update={"exclude": ["tools.py"]})
    samples = sample_ownership(workspace.store, settings, AFTER)[-1:]
    [point] = drain(facts(), AFTER, policy=POLICY, samples=samples).trend
    assert point.lines == LINES - 6


def test_early_warnings(report):
    w = report(AFTER).warnings
    # root folder: contractors held 6 of 15 lines on 28 February, 12 of 22 on 31 May (erin's tools.py)
    assert [(r.folder, r.since, r.until, r.contractor_share_before, round(r.contractor_share_after, 4),
             round(r.rise_points, 2)) for r in w.rising_folders] == [
        (".", date(2025, 2, 28), date(2025, 5, 31), 0.4, 0.5455, 14.55)]
    assert report(AFTER, rise_points=15).warnings.rising_folders == []
    assert [(r.person, r.commits, r.critical_files) for r in w.recent_critical_work] == [
        ("carol", 1, ["repo:cart/cart.py"])]
    assert [(o.path, o.lines, o.holders) for o in w.orphaned_files] == [("pay/legacy.py", 2, ["Bob Contractor"])]
    before = report(BEFORE).warnings
    assert (before.rising_folders, before.recent_critical_work, before.orphaned_files) == ([], [], [])


@pytest.fixture
def cli_org(cli, org, tmp_path):
    roster = tmp_path / "cli-roster.csv"
    roster.write_text(ROSTER)
    cli("init")
    cli("roster", "load", roster)
    cli("ingest", org.path, "--facts-only")
    return cli


def test_report_renders_one_record_in_every_format(cli_org, tmp_path):
    data = json.loads(cli_org("report", "--as-of", AFTER, "--format", "json").stdout)
    assert list(data)[:3] == ["as_of", "horizon_days", "totals"]
    assert list(data["totals"]) == ["lines", "employee_share", "contractor_share", "unknown_share", "departing_share",
                                    "departed_share", "files_at_risk", "files_critical"]
    assert (data["as_of"], data["horizon_days"], data["totals"]["departed_share"]) == ("2025-06-01", 90, 0.26)
    cli_org("report", "--as-of", AFTER, "--format", "csv", "-o", tmp_path / "csv")
    with (tmp_path / "csv" / "trend.csv").open() as handle:
        trend = list(csv.DictReader(handle))
    assert [(row["Month end"], row["Drained lines"]) for row in trend[-2:]] == [("2025-04-30", "13"),
                                                                                ("2025-05-31", "13")]
    one = cli_org("report", "--as-of", AFTER, "--format", "csv", "--table", "orphaned_files").stdout
    assert one.splitlines() == ["Repository,Path,Lines,Held by (all departed)", "repo,pay/legacy.py,2,Bob Contractor"]
    markdown = cli_org("report", "--as-of", AFTER, "--format", "md").stdout
    assert "- **50 lines**: employees 26.0%, contractors 72.0%, unknown authors 2.0%" in markdown
    assert "| repo | pay/legacy.py | 2 | Bob Contractor |" in markdown
    cli_org("report", "--as-of", AFTER, "-o", tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert page.count("<svg") == 5 and not any(m in page for m in ("<link", 'src="http', "url(http", "@import"))


def test_report_errors_are_one_line(cli_org, tmp_path):
    assert "give -o FOLDER" in cli_org("report", "--format", "csv", code=2).output
    assert "choose one of totals," in cli_org("report", "--format", "csv", "--table", "nope", code=2).output
    assert "add --format csv" in cli_org("report", "--table", "trend", code=2).output
    (tmp_path / "file").write_text("")
    assert "into a folder" in cli_org("report", "--format", "csv", "-o", tmp_path / "file", code=2).output
    result = cli_org("report", "--format", "md", "-o", tmp_path / "missing" / "report.md", code=2)
    assert [line for line in result.output.splitlines() if "error" in line] == [
        f"error: cannot write {tmp_path / 'missing' / 'report.md'}: No such file or directory"]


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DEMO_DATE = date(2026, 10, 1)
LEFT_OUT = ("shop/vendor/", "poetry.lock", "web/package-lock.json", ".png")  # as examples/README.md plants them


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    """The sample workspace ingested with --facts-only, and its report's JSON on the demo date."""
    out = tmp_path_factory.mktemp("sample")
    subprocess.run([sys.executable, str(EXAMPLES / "sample_workspace.py"), str(out)], check=True, capture_output=True)
    runner = CliRunner()
    for args in (["init"], ["roster", "load", out / "roster.csv"], ["ingest", out / "shop", "--facts-only"],
                 ["report", "--as-of", DEMO_DATE, "--format", "json", "-o", out / "report.json"]):
        result = runner.invoke(app, ["--home", str(out / "ws"), *map(str, args)])
        assert result.exit_code == 0, result.output
    return out, json.loads((out / "report.json").read_text())


def plain_blame(repo: Path, rev: str, ignore_revs: Path) -> dict[str, Counter]:
    """Path -> lines per author email at `rev`, by `git blame -w`, left-out files and bots aside."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout

    files = {}
    for path in git("ls-tree", "-r", "--name-only", rev).splitlines():
        if path.startswith(LEFT_OUT[0]) or path.endswith(LEFT_OUT[1:]):
            continue
        porcelain = git("blame", "--line-porcelain", "-w", "--ignore-revs-file", str(ignore_revs), rev, "--", path)
        emails = Counter(line[len("author-mail <"):-1].lower() for line in porcelain.splitlines()
                         if line.startswith("author-mail "))
        files[path] = Counter({e: n for e, n in emails.items() if "[bot]" not in e})
    return files


def roster_people(out: Path) -> dict[str, dict]:
    with (out / "roster.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {email.strip().lower(): row for row in rows for email in row["emails"].split(";")}


def status(person: dict | None, day: date) -> str:
    if person is None or not person["end"]:
        return "active"
    end = date.fromisoformat(person["end"])
    return "departed" if end < day else "departing" if end <= day + timedelta(days=90) else "active"


@pytest.mark.slow
def test_sample_workspace_figures_equal_plain_git_blame(sample_report, tmp_path):
    out, data = sample_report
    repo = out / "shop"
    ignore_revs = tmp_path / "ignore-revs"
    ignore_revs.write_bytes(subprocess.run(["git", "-C", str(repo), "show", "HEAD:.git-blame-ignore-revs"],
                                           check=True, capture_output=True).stdout)
    people = roster_people(out)
    files = plain_blame(repo, "HEAD", ignore_revs)
    held = sum(files.values(), Counter())
    total = sum(held.values())

    def share(test) -> float:
        return round(sum(n for e, n in held.items() if test(people.get(e))) / total, 4)

    def leaving(person) -> bool:
        return person is not None and person["kind"] == "contractor" and status(person, DEMO_DATE) != "active"

    at_risk = {p for p, c in files.items() if sum(c.values()) and
               sum(n for e, n in c.items() if leaving(people.get(e))) / sum(c.values()) >= 0.5}
    critical = {p for p in at_risk if max((n / sum(files[p].values()) for e, n in files[p].items()
                                           if people.get(e, {}).get("kind") == "employee"), default=0) < 0.2}
    assert data["totals"] == {
        "lines": total,
        "employee_share": share(lambda p: p is not None and p["kind"] == "employee"),
        "contractor_share": share(lambda p: p is not None and p["kind"] == "contractor"),
        "unknown_share": share(lambda p: p is None),
        "departing_share": share(lambda p: leaving(p) and status(p, DEMO_DATE) == "departing"),
        "departed_share": share(lambda p: leaving(p) and status(p, DEMO_DATE) == "departed"),
        "files_at_risk": len(at_risk),
        "files_critical": len(critical),
    }
    assert (total, len(at_risk), len(critical)) == (5356, 74, 61)  # the story examples/README.md tells


@pytest.mark.slow
def test_sample_workspace_trend_drain_equals_plain_git_blame(sample_report, tmp_path):
    out, data = sample_report
    repo = out / "shop"
    june = next(p for p in data["trend"] if p["date"] == "2026-06-30")
    sha = june["commits"]["shop"]
    assert sha == subprocess.run(["git", "-C", str(repo), "rev-list", "--first-parent", "-1",
                                  "--before=2026-06-30 23:59:59 +0000", "HEAD"],
                                 check=True, capture_output=True, text=True).stdout.strip()
    ignore_revs = tmp_path / "ignore-revs"
    ignore_revs.write_bytes(subprocess.run(["git", "-C", str(repo), "show", "HEAD:.git-blame-ignore-revs"],
                                           check=True, capture_output=True).stdout)
    held = sum(plain_blame(repo, sha, ignore_revs).values(), Counter())
    people = roster_people(out)
    lena = sum(n for e, n in held.items() if status(people.get(e), date(2026, 6, 30)) == "departed")
    assert (june["lines"], june["drained_lines"]) == (sum(held.values()), lena)
    assert lena > 0 and [p["drained_lines"] for p in data["trend"] if p["date"] < "2026-06-01"] == [0] * 8
    assert [p["date"] for p in data["trend"]] == [d.isoformat() for d in month_ends(DEMO_DATE)]
