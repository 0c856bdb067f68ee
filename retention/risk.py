"""Knowledge at risk: files held mostly by contractors who are leaving or have left.

A file is at risk when departing + departed contractors hold at least `threshold` of its
lines; it is critical when no active employee holds at least `critical_share` of it, high
otherwise. Files are ranked by lines at risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handoff.core.facts import Facts
from handoff.retention.ownership import check_repo
from handoff.retention.policy import RiskPolicy
from handoff.retention.successors import Successor, Successors

LEAVING = ("departing", "departed")


@dataclass
class Holder:
    person: str
    name: str
    status: str
    share: float


@dataclass
class FileRisk:
    repo: str
    path: str
    lines: int
    at_risk_lines: int
    at_risk_share: float
    level: str  # critical | high
    holders: list[Holder]
    successors: list[Successor]


@dataclass
class RiskReport:
    as_of: date
    threshold: float
    horizon_days: int
    files: list[FileRisk]


def risk(facts: Facts, as_of: date, *, policy: RiskPolicy, repo: str | None = None) -> RiskReport:
    check_repo(facts, repo)
    status = {pid: p.status(as_of, policy.horizon_days) for pid, p in facts.people.items()}
    leaving = {pid for pid, p in facts.people.items() if p.kind == "contractor" and status[pid] in LEAVING}
    successors = Successors(facts, as_of, policy.horizon_days)
    files = []
    for f in facts.files:
        if (repo and f.repo != repo) or not f.lines:
            continue
        at_risk = sum(lines for pid, lines in f.owners.items() if pid in leaving)
        if at_risk / f.lines < policy.threshold:
            continue
        employee_best = max((lines / f.lines for pid, lines in f.owners.items()
                             if facts.people[pid].kind == "employee" and status[pid] == "active"), default=0.0)
        holders = [Holder(pid, facts.people[pid].name, status[pid], lines / f.lines)
                   for pid, lines in sorted(f.owners.items(), key=lambda kv: (-kv[1], kv[0])) if pid in leaving]
        files.append(FileRisk(f.repo, f.path, f.lines, at_risk, at_risk / f.lines,
                              "critical" if employee_best < policy.critical_share else "high", holders,
                              successors.for_file(f)))
    files.sort(key=lambda r: (-r.at_risk_lines, -r.at_risk_share, r.repo, r.path))
    return RiskReport(as_of, policy.threshold, policy.horizon_days, files)
