"""The knowledge-drain report: how much of the code contractors hold, and what leaves next.

`drain` is one pure function from a facts snapshot, an as-of date and three small inputs read
elsewhere (ownership samples at past commits, checklist notes, the indexed text that
`documentation` needs) to a `DrainReport`, the one record that renders as JSON, Markdown, HTML and CSV:

- totals: shares of surviving lines held by employees, contractors and unknown authors, by
  departing and by departed contractors, and the files at risk and critical (see `risk`);
- the same per vendor, team, repository and top-level folder;
- truck factor per repository and top-level folder, with the people it rests on;
- the top at-risk files with holders and successors;
- contractors departing within the horizon, their exposure and their checklist's state;
- documentation coverage of the at-risk files;
- the trend (`trend.py`) and early warnings (`warnings.py`).

A file at risk is documented when `documentation.file_docs` finds a decision record that names
or links it, a known ticket named by a commit that changed it, or a README over it, or when
the file is prose itself (decision records and runbooks document themselves). A docstring alone
does not count here: the report asks which code nobody wrote down outside the code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from handoff.core.checklists import fingerprint
from handoff.core.facts import Facts, OwnedFile
from handoff.core.people import Person
from handoff.retention.documentation import Documentation, file_docs
from handoff.retention.policy import RiskPolicy
from handoff.retention.risk import FileRisk, risk
from handoff.retention.trend import Sample, TrendPoint, line_mix, trend
from handoff.retention.truck_factor import Removal, truck_factor
from handoff.retention.warnings import Warnings, warnings

TOP_FILES = 25
RISE_POINTS = 10.0


@dataclass
class Totals:
    lines: int
    employee_share: float
    contractor_share: float
    unknown_share: float
    departing_share: float
    departed_share: float
    files_at_risk: int
    files_critical: int


@dataclass
class Slice:
    """The totals of one vendor, team, repository or top-level folder (`repo` set for folders)."""

    name: str
    repo: str | None
    share_of_lines: float  # this slice's lines over all lines
    totals: Totals


@dataclass
class TruckFactorRow:
    repo: str
    folder: str  # "." for the whole repository
    files: int
    truck_factor: int
    rests_on: list[Removal]


@dataclass(frozen=True)
class ChecklistNote:
    """A recorded offboarding checklist: whose, its fingerprint, when it was last written."""

    person: str
    fingerprint: str
    updated: date


@dataclass
class DepartingContractor:
    person: str
    name: str
    vendor: str | None
    team: str | None
    end: date
    days_left: int
    lines: int
    share_of_lines: float
    files_at_risk: int
    files_critical: int
    checklist: str | None  # current | outdated | missing; None when no checklist was ever recorded


@dataclass
class UndocumentedFile:
    repo: str
    path: str
    level: str
    at_risk_lines: int


@dataclass
class DocCoverage:
    files_at_risk: int
    documented: int
    documented_share: float
    by_ticket: int
    by_adr: int
    by_readme: int
    prose: int
    undocumented: list[UndocumentedFile] = field(default_factory=list)


@dataclass
class DrainReport:
    as_of: date
    horizon_days: int
    totals: Totals
    threshold: float
    critical_share: float
    by_vendor: list[Slice]
    by_team: list[Slice]
    by_repo: list[Slice]
    by_folder: list[Slice]
    truck_factors: list[TruckFactorRow]
    files_at_risk: list[FileRisk]  # the TOP_FILES with most lines at risk
    departing: list[DepartingContractor]
    documentation: DocCoverage
    trend: list[TrendPoint]
    warnings: Warnings


@dataclass
class _Context:
    """What every part of the report reads: the facts, the date, the risk found on it, and the
    lines each person holds over all files."""

    facts: Facts
    as_of: date
    horizon_days: int
    at_risk: dict[tuple[str, str], FileRisk]
    held: Counter = field(init=False)

    def __post_init__(self) -> None:
        self.held = _held(self.facts.files)

    def totals(self, held: Mapping[str, int], files: Sequence[FileRisk]) -> Totals:
        m = line_mix(held, self.facts.people, self.as_of, self.horizon_days)
        return Totals(m.lines, m.share(m.employee), m.share(m.contractor), m.share(m.unknown), m.share(m.departing),
                      m.share(m.departed), len(files), sum(1 for f in files if f.level == "critical"))

    def share_of_lines(self, lines: int) -> float:
        total = sum(self.held.values())
        return lines / total if total else 0.0


def drain(facts: Facts, as_of: date, *, policy: RiskPolicy, samples: Sequence[Sample] = (),
          checklists: Mapping[str, ChecklistNote] | None = None, docs: Documentation | None = None,
          rise_points: float = RISE_POINTS, top_files: int = TOP_FILES) -> DrainReport:
    """The whole report on `as_of`; `samples` feed the trend and the rising-folder warning."""
    horizon_days = policy.horizon_days
    found = risk(facts, as_of, policy=policy)
    ctx = _Context(facts, as_of, horizon_days, {(f.repo, f.path): f for f in found.files})
    critical = {key for key, f in ctx.at_risk.items() if f.level == "critical"}
    return DrainReport(
        as_of=as_of, horizon_days=horizon_days, totals=ctx.totals(ctx.held, found.files),
        threshold=policy.threshold, critical_share=policy.critical_share,
        by_vendor=_person_slices(ctx, _vendor), by_team=_person_slices(ctx, _team),
        by_repo=_file_slices(ctx, lambda f: (f.repo, None)),
        by_folder=_file_slices(ctx, lambda f: (top_folder(f.path), f.repo)),
        truck_factors=truck_factor_rows(facts), files_at_risk=found.files[:top_files],
        departing=departing(ctx, checklists or {}),
        documentation=documentation(facts, found.files, docs or Documentation()),
        trend=trend(samples, facts.people, horizon_days),
        warnings=warnings(facts, as_of, horizon_days, samples, critical, rise_points),
    )


def top_folder(path: str) -> str:
    """The first folder of a path, "." for a file at the repository root."""
    return path.split("/", 1)[0] if "/" in path else "."


def truck_factor_rows(facts: Facts) -> list[TruckFactorRow]:
    """Each repository's truck factor, then its top-level folders' from the lowest."""
    rows = []
    for repo in truck_factor(facts).repos:
        rows.append(TruckFactorRow(repo.repo, ".", repo.files, repo.truck_factor, repo.removed))
        for f in sorted(repo.folders, key=lambda f: (f.truck_factor, -f.files, f.path)):
            rows.append(TruckFactorRow(repo.repo, f.path, f.files, f.truck_factor, f.removed))
    return rows


def departing(ctx: _Context, checklists: Mapping[str, ChecklistNote]) -> list[DepartingContractor]:
    """Contractors ending within the horizon, soonest first, with what they hold."""
    rows = []
    for person in ctx.facts.people.values():
        end = person.end
        if person.kind != "contractor" or end is None or person.status(ctx.as_of, ctx.horizon_days) != "departing":
            continue
        theirs = [f for f in ctx.at_risk.values() if any(h.person == person.id for h in f.holders)]
        rows.append(DepartingContractor(
            person.id, person.name, person.vendor, person.team, end, (end - ctx.as_of).days,
            ctx.held[person.id], ctx.share_of_lines(ctx.held[person.id]), len(theirs),
            sum(1 for f in theirs if f.level == "critical"), _checklist_state(person, theirs, checklists)))
    return sorted(rows, key=lambda r: (r.end, -r.lines, r.person))


def documentation(facts: Facts, files: Sequence[FileRisk], docs: Documentation) -> DocCoverage:
    """How many at-risk files a decision record, a ticket or a README explains; the rest listed."""
    found = file_docs(facts, docs)
    counts: Counter = Counter()
    undocumented = []
    for f in files:
        d = found[(f.repo, f.path)]
        sources = {"adr": bool(d.adrs), "ticket": bool(d.tickets), "readme": bool(d.readme), "prose": d.prose}
        counts.update(kind for kind, yes in sources.items() if yes)
        if any(sources.values()):
            counts["documented"] += 1
        else:
            undocumented.append(UndocumentedFile(f.repo, f.path, f.level, f.at_risk_lines))
    share = counts["documented"] / len(files) if files else 0.0
    return DocCoverage(len(files), counts["documented"], share, counts["ticket"], counts["adr"], counts["readme"],
                         counts["prose"], undocumented)


def _person_slices(ctx: _Context, key: Callable[[Person], str]) -> list[Slice]:
    """Slices of people grouped by `key`; a file at risk counts for each group among its holders."""
    groups: dict[str, Counter] = defaultdict(Counter)
    for person_id, lines in ctx.held.items():
        groups[key(ctx.facts.people[person_id])][person_id] = lines
    risky: dict[str, list[FileRisk]] = defaultdict(list)
    for f in ctx.at_risk.values():
        for group in {key(ctx.facts.people[h.person]) for h in f.holders}:
            risky[group].append(f)
    return _slices(ctx, [(name, None, held, risky[name]) for name, held in groups.items()])


def _file_slices(ctx: _Context, key: Callable[[OwnedFile], tuple[str, str | None]]) -> list[Slice]:
    """Slices of files grouped by `key` -> (name, repo)."""
    files: dict[tuple[str, str | None], list[OwnedFile]] = defaultdict(list)
    for f in ctx.facts.files:
        files[key(f)].append(f)
    return _slices(ctx, [
        (name, repo, _held(group), [ctx.at_risk[(f.repo, f.path)] for f in group if (f.repo, f.path) in ctx.at_risk])
        for (name, repo), group in files.items()
    ])


def _slices(ctx: _Context, groups: list[tuple[str, str | None, Counter, list[FileRisk]]]) -> list[Slice]:
    slices = [Slice(name, repo, ctx.share_of_lines(sum(held.values())), ctx.totals(held, files))
              for name, repo, held, files in groups]
    return sorted(slices, key=lambda s: (-s.totals.lines, s.repo or "", s.name))


def _held(files: Sequence[OwnedFile]) -> Counter:
    held: Counter = Counter()
    for f in files:
        held.update(f.owners)
    return held


def _vendor(person: Person) -> str:
    if person.kind == "contractor":
        return person.vendor or "(contractors, no vendor)"
    return {"employee": "(employees)", "bot": "(bots)"}.get(person.kind, "(unknown authors)")


def _team(person: Person) -> str:
    return person.team or "(no team)"


def _checklist_state(person: Person, theirs: list[FileRisk], checklists: Mapping[str, ChecklistNote]) -> str | None:
    """Whether the recorded checklist still matches: the same end date and at-risk files, as
    `handoff offboard` fingerprints them (its horizon is this one for a departing contractor)."""
    if not checklists:
        return None
    note = checklists.get(person.id)
    if note is None:
        return "missing"
    current = fingerprint(person.end, theirs)
    return "current" if note.fingerprint == current else "outdated"
