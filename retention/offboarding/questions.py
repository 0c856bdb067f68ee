"""Questions to ask a contractor before they leave, generated from the gaps in what is written down.

Four gaps, asked in this order, each question carrying the evidence that raised it:

    undocumented     a critical file of theirs that no ADR, ticket, README or docstring explains
    superseded_adr   a superseded decision record that code or docs still point to
    stale_ticket     an open ticket of theirs with no activity for a month
    only_them        an at-risk file nobody else has ever changed (unless already asked about)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handoff.core.facts import Facts
from handoff.core.people import Person
from handoff.retention.documentation import Documentation
from handoff.retention.offboarding.items import AtRiskFile, Decision, FileRef, TicketToReassign


@dataclass
class Evidence:
    kind: str  # file | adr | reference | ticket
    repo: str | None
    path: str | None  # a file or ADR path; the ticket key for a ticket
    line: int | None
    detail: str


@dataclass
class Question:
    n: int
    kind: str
    text: str
    files: list[FileRef] = field(default_factory=list)
    adrs: list[str] = field(default_factory=list)
    tickets: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def questions(facts: Facts, person: Person, files: list[AtRiskFile], decided: list[Decision],
              to_reassign: list[TicketToReassign], docs: Documentation) -> list[Question]:
    asked = undocumented(person, files) + superseded(facts, files, decided, docs) + stale(to_reassign)
    asked_files = {ref for q in asked for ref in q.files}
    asked += only_them(person, [f for f in files if FileRef(f.repo, f.path) not in asked_files])
    for n, question in enumerate(asked, start=1):
        question.n = n
    return asked


def undocumented(person: Person, files: list[AtRiskFile]) -> list[Question]:
    result = []
    for f in files:
        if f.level == "critical" and f.undocumented:
            alone = f" and only {person.name} has ever changed it" if f.only_them else ""
            result.append(Question(
                0, "undocumented",
                f"What is {f.path} for, what depends on it, and what must its next maintainer know before changing "
                "it? Nothing documents it.",
                files=[FileRef(f.repo, f.path)],
                evidence=[Evidence("file", f.repo, f.path, None,
                                   f"{person.name} holds {f.held_lines} of its {f.lines} lines{alone}; no ADR, "
                                   "ticket, README or docstring explains it")]))
    return result


def superseded(facts: Facts, files: list[AtRiskFile], decided: list[Decision], docs: Documentation) -> list[Question]:
    """Superseded ADRs of theirs, or documenting their files, that other files still refer to."""
    adrs = {(d.repo, d.path) for d in decided} | {(f.repo, a) for f in files for a in f.documentation.adrs}
    adr_paths = {(a.repo, a.path) for a in facts.adrs}
    result = []
    for adr in sorted((a for a in facts.adrs if (a.repo, a.path) in adrs), key=lambda a: (a.repo, a.path)):
        later = [link.target_path or link.target for link in adr.links if link.kind == "superseded_by"]
        refs = [r for r in docs.adr_references.get((adr.repo, adr.path), []) if (r.repo, r.path) not in adr_paths]
        if adr.status.casefold() != "superseded" or not refs:
            continue
        where = ", ".join(sorted({r.path for r in refs}))
        newer = f" by {', '.join(later)}" if later else ""
        result.append(Question(
            0, "superseded_adr",
            f"{adr.path} ({adr.title}) is superseded{newer}, yet {where} still refers to it: which of its reasons "
            "still hold, and should the reference move to the newer record?",
            files=sorted({FileRef(r.repo, r.path) for r in refs}),
            adrs=[adr.path],
            evidence=[Evidence("adr", adr.repo, adr.path, None, f"status {adr.status}{newer}")]
            + [Evidence("reference", r.repo, r.path, r.line, f"refers to {adr.path}") for r in refs]))
    return result


def stale(to_reassign: list[TicketToReassign]) -> list[Question]:
    return [
        Question(0, "stale_ticket",
                 f"{t.key} ({t.title}) is open and has not moved since {t.updated}: what is its real state, what "
                 "is left to do, and who should take it?",
                 files=list(t.files), tickets=[t.key],
                 evidence=[Evidence("ticket", None, t.key, None, f"{t.status}, last updated {t.updated}")])
        for t in to_reassign if t.stale
    ]


def only_them(person: Person, files: list[AtRiskFile]) -> list[Question]:
    """Files nobody else has changed; prose (ADRs, docs) explains itself and is left out."""
    return [
        Question(0, "only_them",
                 f"Nobody but {person.name} has ever changed {f.path}: which parts are fragile, and what would "
                 "you check first after changing it?",
                 files=[FileRef(f.repo, f.path)],
                 evidence=[Evidence("file", f.repo, f.path, None,
                                    f"every change in its history is by {person.name}; they hold {f.held_lines} "
                                    f"of its {f.lines} lines")])
        for f in files if f.only_them and not f.documentation.prose
    ]
