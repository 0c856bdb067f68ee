"""Knowledge-transfer sessions: the at-risk files grouped by the successor who should take them.

Each file goes to its first successor, except a decision record of theirs, which goes with the
decision to its proposed new owner; a session's agenda is the folders and files it covers,
the decisions proposed for that successor, the tickets suggested to them, and the open
questions about those files, decisions and tickets. Files nobody active knows end up in one
last session without a successor, which is the first thing a manager has to resolve.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from handoff.core.facts import folder_of
from handoff.retention.offboarding.items import AtRiskFile, Decision, FileRef, PersonRef, TicketToReassign
from handoff.retention.offboarding.questions import Question


@dataclass
class Session:
    successor: PersonRef | None
    areas: list[str]
    files: list[FileRef]
    lines: int  # the leaving person's lines in these files
    decisions: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    questions: list[int] = field(default_factory=list)


def sessions(files: list[AtRiskFile], decided: list[Decision], to_reassign: list[TicketToReassign],
             asked: list[Question]) -> list[Session]:
    """One session per successor, the biggest first; the one without a successor last."""
    owners = {(d.repo, d.path): d.proposed_owner for d in decided}
    grouped: dict[PersonRef | None, list[AtRiskFile]] = defaultdict(list)
    for f in files:
        grouped[owners[(f.repo, f.path)] if (f.repo, f.path) in owners else _first_successor(f)].append(f)
    for d in decided:
        grouped.setdefault(d.proposed_owner, [])
    result = [_session(who, group, decided, to_reassign, asked) for who, group in grouped.items()]
    return sorted(result, key=lambda s: (s.successor is None, -len(s.files), -s.lines,
                                         s.successor.name if s.successor else ""))


def _first_successor(f: AtRiskFile) -> PersonRef | None:
    return PersonRef(f.successors[0].person, f.successors[0].name) if f.successors else None


def _session(who: PersonRef | None, group: list[AtRiskFile], decided: list[Decision],
             to_reassign: list[TicketToReassign], asked: list[Question]) -> Session:
    refs = [FileRef(f.repo, f.path) for f in group]
    session = Session(who, sorted({folder_of(f.path) for f in group}), refs,
                      sum(f.held_lines for f in group),
                      decisions=[d.path for d in decided if d.proposed_owner == who],
                      tickets=[t.key for t in to_reassign if t.suggested == who])
    session.questions = [q.n for q in asked if set(q.files) & set(refs) or set(q.adrs) & set(session.decisions)
                         or set(q.tickets) & set(session.tickets)]
    return session
