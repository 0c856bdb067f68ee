"""Who holds the lines, and how that moved over the last months.

`line_mix` splits lines held per person by kind (employee, contractor, unknown) and by the
contractors' status on a date (departing, departed), plus the lines whose holder had left,
whatever their kind: the knowledge drain. The headline of the report is the mix at HEAD on the
as-of date; the trend is the same mix at sampled past commits, each judged on its own date, so
a contractor who left in May counts as departed from the June point on and not before.

A sample is what `handoff.ingest.samples` reads from git, with these fields:

    at       the date the sample stands for (a month-end)
    commits  repository -> the commit sampled for it
    lines    (repository, top-level folder) -> person id -> surviving lines
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from handoff.core.people import Person

Held = Mapping[str, int]  # person id -> lines


class Sample(Protocol):
    at: date
    commits: dict[str, str]
    lines: dict[tuple[str, str], dict[str, int]]


@dataclass(frozen=True)
class LineMix:
    """Line counts by holder; bots' lines (when counted at all) are in `lines` only."""

    lines: int = 0
    employee: int = 0
    contractor: int = 0
    unknown: int = 0
    departing: int = 0  # contractors ending within the horizon
    departed: int = 0  # contractors whose end date has passed
    drained: int = 0  # anyone whose end date has passed

    def share(self, part: int) -> float:
        return part / self.lines if self.lines else 0.0


@dataclass
class TrendPoint:
    date: date
    commits: dict[str, str]
    lines: int
    employee_share: float
    contractor_share: float
    unknown_share: float
    departing_share: float
    departed_share: float
    drained_lines: int
    drained_share: float


def line_mix(held: Held, people: Mapping[str, Person], on: date, horizon_days: int) -> LineMix:
    """Split `held` by kind and status on `on`; an id the roster never saw counts as unknown."""
    counts: Counter = Counter()
    for person_id, lines in held.items():
        person = people.get(person_id)
        kind = person.kind if person else "unknown"
        status = person.status(on, horizon_days) if person else "unknown"
        counts["lines"] += lines
        if kind in ("employee", "contractor", "unknown"):
            counts[kind] += lines
        if kind == "contractor" and status in ("departing", "departed"):
            counts[status] += lines
        if status == "departed":
            counts["drained"] += lines
    return LineMix(**counts)


def held_by_person(lines: Iterable[Held]) -> Counter:
    """Sum several person -> lines maps into one."""
    total: Counter = Counter()
    for held in lines:
        total.update(held)
    return total


def trend(samples: Iterable[Sample], people: Mapping[str, Person], horizon_days: int) -> list[TrendPoint]:
    """One point per sample, oldest first, each judged on its own date."""
    return [_point(s, people, horizon_days) for s in sorted(samples, key=lambda s: s.at)]


def _point(sample: Sample, people: Mapping[str, Person], horizon_days: int) -> TrendPoint:
    mix = line_mix(held_by_person(sample.lines.values()), people, sample.at, horizon_days)
    return TrendPoint(sample.at, dict(sorted(sample.commits.items())), mix.lines, mix.share(mix.employee),
                      mix.share(mix.contractor), mix.share(mix.unknown), mix.share(mix.departing),
                      mix.share(mix.departed), mix.drained, mix.share(mix.drained))
