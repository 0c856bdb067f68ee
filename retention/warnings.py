"""Early warnings: what a manager should act on before the drain shows in the totals.

- rising folders: top-level folders whose contractor share rose by more than `rise_points`
  percentage points over the last `window_months` of the trend (folders present at both ends);
- recent critical work: departing contractors whose commits in the last `recent_days` changed
  a critical file, so what they know of it is fresh and not yet written down anywhere;
- orphaned files: files whose every holder has already left.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from handoff.core.facts import Facts
from handoff.core.people import Person
from handoff.retention.trend import Sample, line_mix

WINDOW_MONTHS = 3
RECENT_DAYS = 30


@dataclass
class FolderRise:
    repo: str
    folder: str
    since: date
    until: date
    contractor_share_before: float
    contractor_share_after: float
    rise_points: float


@dataclass
class RecentCriticalWork:
    person: str
    name: str
    vendor: str | None
    end: date
    commits: int
    critical_files: list[str]  # repo:path


@dataclass
class OrphanedFile:
    repo: str
    path: str
    lines: int
    holders: list[str]  # names, most lines first


@dataclass
class Warnings:
    rise_points: float
    window_months: int
    recent_days: int
    rising_folders: list[FolderRise] = field(default_factory=list)
    recent_critical_work: list[RecentCriticalWork] = field(default_factory=list)
    orphaned_files: list[OrphanedFile] = field(default_factory=list)


def warnings(facts: Facts, as_of: date, horizon_days: int, samples: Sequence[Sample],
             critical: set[tuple[str, str]], rise_points: float) -> Warnings:
    return Warnings(
        rise_points, WINDOW_MONTHS, RECENT_DAYS,
        rising_folders(samples, facts.people, horizon_days, rise_points),
        recent_critical_work(facts, as_of, horizon_days, critical),
        orphaned_files(facts, as_of, horizon_days),
    )


def rising_folders(samples: Sequence[Sample], people: Mapping[str, Person], horizon_days: int,
                   rise_points: float) -> list[FolderRise]:
    """Folders whose contractor share rose by more than `rise_points` between two trend points."""
    ends = _window(samples)
    if ends is None:
        return []
    before, after = ends
    rises = []
    for key in sorted(set(before.lines) & set(after.lines)):
        old = line_mix(before.lines[key], people, before.at, horizon_days)
        new = line_mix(after.lines[key], people, after.at, horizon_days)
        points = 100 * (new.share(new.contractor) - old.share(old.contractor))
        if points > rise_points:
            rises.append(FolderRise(*key, before.at, after.at, old.share(old.contractor),
                                    new.share(new.contractor), points))
    return sorted(rises, key=lambda r: (-r.rise_points, r.repo, r.folder))


def recent_critical_work(facts: Facts, as_of: date, horizon_days: int,
                         critical: set[tuple[str, str]]) -> list[RecentCriticalWork]:
    """Departing contractors' commits of the last RECENT_DAYS that changed critical files."""
    since = as_of - timedelta(days=RECENT_DAYS)
    found: dict[str, tuple[int, set[str]]] = {}
    for commit in facts.commits:
        person = facts.people[commit.person]
        if not (since < commit.authored_at.date() <= as_of and _departing_contractor(person, as_of, horizon_days)):
            continue
        touched = {f"{commit.repo}:{p}" for p in facts.changes.get((commit.repo, commit.sha), [])
                   if (commit.repo, p) in critical}
        if touched:
            count, files = found.get(person.id, (0, set()))
            found[person.id] = (count + 1, files | touched)
    rows = [RecentCriticalWork(pid, facts.people[pid].name, facts.people[pid].vendor, _end(facts.people[pid]),
                               count, sorted(files)) for pid, (count, files) in found.items()]
    return sorted(rows, key=lambda r: (r.end, r.person))


def orphaned_files(facts: Facts, as_of: date, horizon_days: int) -> list[OrphanedFile]:
    """Files with lines whose every holder's end date has passed."""
    rows = []
    for f in facts.files:
        statuses = {facts.people[p].status(as_of, horizon_days) for p in f.owners}
        if f.lines and statuses == {"departed"}:
            holders = sorted(f.owners, key=lambda p: (-f.owners[p], p))
            rows.append(OrphanedFile(f.repo, f.path, f.lines, [facts.people[p].name for p in holders]))
    return sorted(rows, key=lambda r: (-r.lines, r.repo, r.path))


def months_back(month_end: date, months: int) -> date:
    """The last day of the month `months` before `month_end`'s month."""
    year, month = divmod(month_end.year * 12 + month_end.month - 1 - months, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _window(samples: Sequence[Sample]) -> tuple[Sample, Sample] | None:
    """The latest sample and the latest one at least WINDOW_MONTHS before it, if both exist."""
    if not samples:
        return None
    ordered = sorted(samples, key=lambda s: s.at)
    after = ordered[-1]
    start = months_back(after.at, WINDOW_MONTHS)
    earlier = [s for s in ordered if s.at <= start]
    return (earlier[-1], after) if earlier else None


def _departing_contractor(person: Person, as_of: date, horizon_days: int) -> bool:
    return person.kind == "contractor" and person.status(as_of, horizon_days) == "departing"


def _end(person: Person) -> date:
    """The end date of a departing contractor, which their status says they have."""
    if person.end is None:
        raise ValueError(f"{person.id} is departing without an end date")
    return person.end
