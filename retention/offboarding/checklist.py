"""The offboarding checklist of one contractor: what they hold, what explains it, who takes over.

    1 summary         vendor, team, end date, lines held, files at risk, share of each folder
    2 at-risk files   ranked, with successors and what documents each (or that nothing does)
    3 decisions       ADRs they decided or wrote, whether still accepted, a proposed new owner
    4 tickets         open ones to reassign; closed ones of theirs that explain at-risk files
    5 sessions        knowledge-transfer sessions, one per successor (`handover.py`)
    6 questions       to ask before they leave, each with its evidence (`questions.py`)
    7 access review   repositories and folders they committed to in their last 90 days

The contractor is judged as leaving even when their end date lies beyond the horizon: the
horizon stretches to their end date, so the checklist shows what will be at risk when they go,
with every contractor who leaves before them counted as gone too.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from handoff.core.errors import InputError
from handoff.core.facts import CommitFact, Facts, OwnedFile, TicketFact, folder_of
from handoff.core.people import Person
from handoff.core.records import ticket_order
from handoff.retention.decisions import DecisionRecord, decision_records
from handoff.retention.documentation import Documentation, FileDocs, adr_areas, file_docs, tickets_by_file
from handoff.retention.offboarding.handover import Session, sessions
from handoff.retention.offboarding.items import AtRiskFile, Decision, FileRef, PersonRef, TicketToReassign
from handoff.retention.offboarding.questions import Question, questions
from handoff.retention.ownership import folder_totals
from handoff.retention.policy import RiskPolicy
from handoff.retention.risk import FileRisk, risk
from handoff.retention.successors import Successors

ACCESS_DAYS = 90
STALE_DAYS = 30


@dataclass
class FolderShare:
    repo: str
    path: str  # "." is the whole repository
    lines: int  # theirs
    total: int
    share: float


@dataclass
class Summary:
    kind: str
    vendor: str | None
    team: str | None
    status: str
    end_date: date
    days_left: int  # negative once they have left
    lines_held: int
    files_held: int
    files_at_risk: dict[str, int]  # level -> files
    repositories: list[FolderShare]
    folders: list[FolderShare]


@dataclass
class ContextTicket:
    key: str
    title: str
    resolved: date | None
    url: str
    files: list[FileRef]  # at-risk files its commits changed


@dataclass
class Tickets:
    to_reassign: list[TicketToReassign] = field(default_factory=list)
    context: list[ContextTicket] = field(default_factory=list)


@dataclass
class AreaActivity:
    area: str
    commits: int
    last_commit: date


@dataclass
class AccessReview:
    repo: str
    commits: int
    last_commit: date
    areas: list[AreaActivity]


@dataclass
class Checklist:
    person: str
    name: str
    as_of: date
    summary: Summary
    at_risk_files: list[AtRiskFile]
    decisions: list[Decision]
    tickets: Tickets
    sessions: list[Session]
    questions: list[Question]
    access_review: list[AccessReview]
    access_window: tuple[date, date]
    indexed: bool  # whether ADR texts and docstrings were available


@dataclass
class Judgement:
    """What every part of one checklist shares: the snapshot, the dates, who counts as active."""

    facts: Facts
    person: Person
    end: date  # the person's end date
    as_of: date
    horizon_days: int  # stretched to the end date
    successors: Successors = field(init=False)
    owned: dict[tuple[str, str], OwnedFile] = field(init=False)

    def __post_init__(self) -> None:
        self.successors = Successors(self.facts, self.as_of, self.horizon_days)
        self.owned = {(f.repo, f.path): f for f in self.facts.files}

    def ref(self, person_id: str) -> PersonRef:
        return PersonRef(person_id, self.facts.people[person_id].name)


def checklist(facts: Facts, person_id: str, as_of: date, docs: Documentation, *, policy: RiskPolicy) -> Checklist:
    """The seven parts for `person_id`; `docs` is what the index says documents each file."""
    person, end = leaving_contractor(facts, person_id)
    stretched = policy.until(end, as_of)
    judged = Judgement(facts, person, end, as_of, stretched.horizon_days)
    report = risk(facts, as_of, policy=stretched)
    areas = adr_areas(facts, docs)
    files = at_risk_files(judged, report.files, file_docs(facts, docs, areas))
    decided = decisions(judged, areas)
    held_tickets = tickets(judged, files)
    asked = questions(facts, person, files, decided, held_tickets.to_reassign, docs)
    window = access_window(person, as_of)
    return Checklist(person.id, person.name, as_of, summary(judged, files, policy.horizon_days), files, decided,
                     held_tickets, sessions(files, decided, held_tickets.to_reassign, asked), asked,
                     access_review(facts, person.id, window), window, docs.indexed)


def leaving_contractor(facts: Facts, person_id: str) -> tuple[Person, date]:
    """The person and their end date, if a checklist can be built for them: a contractor with an end date."""
    person = facts.people[person_id]
    if person.kind != "contractor":
        raise InputError(f"{person.name} ({person.id}) is {_kind(person)}; offboarding checklists are for "
                         "contractors (see `handoff people`)")
    if person.end is None:
        raise InputError(f"{person.name} ({person.id}) has no end date on the roster; add one and load it again")
    return person, person.end


def due(facts: Facts, as_of: date, within_days: int) -> list[Person]:
    """Contractors whose end date falls between the as-of date and `within_days` after it."""
    if within_days < 0:
        raise InputError(f"--within-days {within_days}: must be zero or more")
    last = as_of + timedelta(days=within_days)
    found = [p for p in facts.people.values()
             if p.kind == "contractor" and p.rostered and p.end is not None and as_of <= p.end <= last]
    return sorted(found, key=lambda p: (p.end, p.id))


def summary(judged: Judgement, files: list[AtRiskFile], horizon_days: int) -> Summary:
    """Who they are and what they hold; their status is judged on the usual horizon, not the stretched one."""
    person, facts = judged.person, judged.facts
    held = [f for f in facts.files if f.owners.get(person.id)]
    shares = [FolderShare(repo, folder, people[person.id], lines, people[person.id] / lines if lines else 0.0)
              for (repo, folder), (_, lines, people) in sorted(folder_totals(facts.files).items())
              if people.get(person.id)]
    levels = Counter(f.level for f in files)
    return Summary(person.kind, person.vendor, person.team, person.status(judged.as_of, horizon_days), judged.end,
                   (judged.end - judged.as_of).days, sum(f.owners[person.id] for f in held), len(held),
                   {"critical": levels["critical"], "high": levels["high"]},
                   [s for s in shares if s.path == "."], [s for s in shares if s.path != "."])


def at_risk_files(judged: Judgement, risky: list[FileRisk],
                  documented: dict[tuple[str, str], FileDocs]) -> list[AtRiskFile]:
    """The at-risk files they hold lines of: critical first, then by the lines they hold."""
    pid, facts, owned = judged.person.id, judged.facts, judged.owned
    theirs = [r for r in risky if any(h.person == pid for h in r.holders)]
    theirs.sort(key=lambda r: (r.level != "critical", -owned[(r.repo, r.path)].owners[pid], r.repo, r.path))
    result = []
    for rank, r in enumerate(theirs, start=1):
        docs = documented[(r.repo, r.path)]
        lines = owned[(r.repo, r.path)].owners[pid]
        result.append(AtRiskFile(rank, r.repo, r.path, r.level, r.lines, lines, lines / r.lines, r.at_risk_share,
                                 r.holders, r.successors, docs, not docs.documented,
                                 _only_them(facts, r.repo, r.path, pid)))
    return result


def decisions(judged: Judgement, areas: dict[tuple[str, str], set[str]]) -> list[Decision]:
    """ADRs the person is named a decider of, or wrote most of, with a proposed new owner."""
    result = []
    for record in decision_records(judged.facts).adrs:
        roles = _roles(judged.person, record)
        if roles:
            area = sorted(areas.get((record.repo, record.path), ()))
            result.append(Decision(record.repo, record.path, record.number, record.title, record.status,
                                   record.status.casefold() == "accepted", roles, _superseded_by(judged.facts, record),
                                   area, proposed_owner(judged, [(record.repo, p) for p in area or [record.path]])))
    return result


def proposed_owner(judged: Judgement, files: list[tuple[str, str]]) -> PersonRef | None:
    """The active person who is first successor of the most lines among `files` ((repo, path))."""
    lines: Counter = Counter()
    for key in files:
        file = judged.owned.get(key)
        found = judged.successors.for_file(file) if file else []
        if file and found:
            lines[found[0].person] += file.lines
    if not lines:
        return None
    return judged.ref(min(lines, key=lambda p: (-lines[p], p)))


def tickets(judged: Judgement, files: list[AtRiskFile]) -> Tickets:
    """Open tickets they are assignee or reporter of; closed ones they resolved that changed at-risk files."""
    facts, pid = judged.facts, judged.person.id
    linked = _files_by_ticket(facts)
    at_risk = {(f.repo, f.path) for f in files}
    result = Tickets()
    for ticket in sorted(facts.tickets.values(), key=lambda t: ticket_order(t.key)):
        roles = [r for r, who in (("assignee", ticket.assignee), ("reporter", ticket.reporter)) if who == pid]
        if ticket.state == "open" and roles:
            result.to_reassign.append(_to_reassign(judged, ticket, roles, linked.get(ticket.key, set())))
        touched = sorted(linked.get(ticket.key, set()) & at_risk)
        if ticket.state == "closed" and ticket.assignee == pid and touched:
            result.context.append(ContextTicket(ticket.key, ticket.title, _day(ticket.resolved), ticket.url,
                                                [FileRef(*k) for k in touched]))
    return result


def access_window(person: Person, as_of: date) -> tuple[date, date]:
    """Their last ACCESS_DAYS days of work: up to the as-of date, or to their end date once past it."""
    last = min(as_of, person.end) if person.end else as_of
    return last - timedelta(days=ACCESS_DAYS), last


def access_review(facts: Facts, person_id: str, window: tuple[date, date]) -> list[AccessReview]:
    """Repositories and folders they committed to within the window, as access to review."""
    per_repo: dict[str, list] = defaultdict(list)
    for c in facts.commits:
        if c.person == person_id and window[0] <= c.authored_at.date() <= window[1]:
            per_repo[c.repo].append(c)
    return [AccessReview(repo, len(commits), max(c.authored_at.date() for c in commits), _areas(facts, commits))
            for repo, commits in sorted(per_repo.items())]


def _areas(facts: Facts, commits: list[CommitFact]) -> list[AreaActivity]:
    """Folders the commits changed files in: commits and the last day, per folder."""
    days: dict[str, list[date]] = defaultdict(list)
    for c in commits:
        for folder in {folder_of(p) for p in facts.changes.get((c.repo, c.sha), [])}:
            days[folder].append(c.authored_at.date())
    return [AreaActivity(folder, len(when), max(when)) for folder, when in sorted(days.items())]


def _to_reassign(judged: Judgement, ticket: TicketFact, roles: list[str],
                 linked: set[tuple[str, str]]) -> TicketToReassign:
    """The ticket with a suggested assignee: whoever takes most of its files, else its active reporter."""
    updated = _day(ticket.updated or ticket.created)
    stale = updated is None or updated < judged.as_of - timedelta(days=STALE_DAYS)
    files = sorted(linked)
    suggested = proposed_owner(judged, files)
    if suggested is None and ticket.reporter in judged.successors.active:
        suggested = judged.ref(ticket.reporter)
    return TicketToReassign(ticket.key, ticket.title, ticket.status, ticket.url, roles, updated, stale,
                            [FileRef(*k) for k in files], suggested)


def _files_by_ticket(facts: Facts) -> dict[str, set[tuple[str, str]]]:
    result: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for key_file, keys in tickets_by_file(facts).items():
        for key in keys:
            result[key].add(key_file)
    return result


def _roles(person: Person, record: DecisionRecord) -> list[str]:
    """decider when the record names them (by name or email), author when they wrote most of it."""
    names = {_fold(person.name), *map(_fold, person.emails)}
    decider = any(_fold(d) in names for d in record.deciders)
    return [role for role, held in (("decider", decider), ("author", record.authors[:1] == [person.id])) if held]


def _superseded_by(facts: Facts, record: DecisionRecord) -> list[str]:
    later = {link.target_path or link.target for link in record.links if link.kind == "superseded_by"}
    later |= {a.path for a in facts.adrs if a.repo == record.repo
              and any(link.kind == "supersedes" and link.target_path == record.path for link in a.links)}
    return sorted(later)


def _only_them(facts: Facts, repo: str, path: str, person_id: str) -> bool:
    changed_by = {p for p in facts.contributions.get((repo, path), {}) if facts.people[p].kind != "bot"}
    return changed_by == {person_id}


def _day(moment) -> date | None:
    return moment.date() if moment else None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _kind(person: Person) -> str:
    return {"employee": "an employee", "bot": "a bot"}.get(person.kind, "not on the roster")
