"""What a checklist lists, and what its KT sessions and questions point back to: at-risk files,
decisions and tickets to reassign, and the small references between them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from handoff.retention.documentation import FileDocs
from handoff.retention.risk import Holder
from handoff.retention.successors import Successor


@dataclass(frozen=True, order=True)
class FileRef:
    repo: str
    path: str


@dataclass(frozen=True)
class PersonRef:
    person: str
    name: str


@dataclass
class AtRiskFile:
    rank: int
    repo: str
    path: str
    level: str  # critical | high
    lines: int
    held_lines: int  # the person's
    held_share: float
    at_risk_share: float  # everyone leaving
    holders: list[Holder]
    successors: list[Successor]
    documentation: FileDocs
    undocumented: bool
    only_them: bool  # nobody else has ever changed it


@dataclass
class Decision:
    repo: str
    path: str
    number: int | None
    title: str
    status: str
    accepted: bool
    roles: list[str]  # decider, author
    superseded_by: list[str]
    area: list[str]  # files it documents
    proposed_owner: PersonRef | None


@dataclass
class TicketToReassign:
    key: str
    title: str
    status: str
    url: str
    roles: list[str]  # assignee, reporter
    updated: date | None
    stale: bool
    files: list[FileRef]
    suggested: PersonRef | None
