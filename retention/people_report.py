"""Everyone Handoff knows of: rostered people and the authors the roster does not name."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from handoff.core.facts import Facts
from handoff.retention.policy import RiskPolicy


@dataclass
class PersonRow:
    person: str
    name: str
    kind: str
    vendor: str | None
    team: str | None
    start: date | None
    end: date | None
    status: str
    emails: list[str]
    commits: int
    lines: int
    last_commit: date | None


@dataclass
class MergeSuggestion:
    name: str
    people: list[str]
    emails: list[str]
    reason: str


@dataclass
class PeopleReport:
    as_of: date
    people: list[PersonRow]
    merge_suggestions: list[MergeSuggestion]


def people(facts: Facts, as_of: date, *, policy: RiskPolicy) -> PeopleReport:
    commits = Counter(c.person for c in facts.commits)
    last: dict[str, date] = {}
    for c in facts.commits:
        last[c.person] = max(last.get(c.person, c.authored_at.date()), c.authored_at.date())
    lines: Counter[str] = Counter()
    for f in facts.files:
        lines.update(f.owners)
    rows = [
        PersonRow(p.id, p.name, p.kind, p.vendor, p.team, p.start, p.end, p.status(as_of, policy.horizon_days),
                  list(p.emails), commits[p.id], lines[p.id], last.get(p.id))
        for p in facts.people.values()
    ]
    rows.sort(key=lambda r: (-r.lines, -r.commits, r.person))
    return PeopleReport(as_of, rows, merge_suggestions(rows))


def merge_suggestions(rows: list[PersonRow]) -> list[MergeSuggestion]:
    """People who share one name under several identities: probably one person (add a .mailmap line)."""
    by_name: dict[str, list[PersonRow]] = defaultdict(list)
    for row in rows:
        if row.kind != "bot":
            by_name[_name_key(row.name)].append(row)
    suggestions = []
    for group in by_name.values():
        if len(group) > 1:
            group.sort(key=lambda r: r.person)
            suggestions.append(MergeSuggestion(
                group[0].name, [r.person for r in group], sorted({e for r in group for e in r.emails}),
                "one name, several emails"))
    return sorted(suggestions, key=lambda s: s.name.lower())


def _name_key(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()
