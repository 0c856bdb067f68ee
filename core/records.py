"""Records that several parts share: what readers normalise tickets, ADRs and chunks to.

Readers (ingest) produce them, the facts store keeps them, retention and assist read them.
Each reader's docstring says which fields it fills.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Identity:
    """Someone as a source names them: an email when known, else a display name or account id."""

    name: str = ""
    email: str = ""


@dataclass
class Comment:
    author: Identity
    created: datetime | None
    body: str


@dataclass
class Ticket:
    key: str  # GH-123, SHOP-45, ENG-12
    title: str
    body: str = ""
    status: str = ""  # as the tracker says it: open, closed, In Progress, Done ...
    state: str = ""  # normalised: open | closed
    type: str = ""
    assignee: Identity | None = None
    reporter: Identity | None = None
    labels: list[str] = field(default_factory=list)
    created: datetime | None = None
    updated: datetime | None = None
    resolved: datetime | None = None
    url: str = ""
    comments: list[Comment] = field(default_factory=list)
    source: str = ""  # github-gh | github-rest | jira-v2 | jira-v3 | jira-csv | linear-csv


@dataclass
class AdrLink:
    kind: str  # supersedes | superseded_by | amends | amended_by | relates_to
    target: str  # as written: a number, a title or a relative path


@dataclass
class Section:
    heading: str
    text: str
    start_line: int  # 1-based, inclusive
    end_line: int


@dataclass
class Adr:
    path: str
    number: int | None
    title: str
    status: str  # normalised lower case: proposed | accepted | rejected | deprecated | superseded | ...
    date: str | None  # ISO date when given
    deciders: list[str] = field(default_factory=list)
    links: list[AdrLink] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    format: str = ""  # nygard | madr2 | madr3 | madr4 | log4brains


@dataclass
class Chunk:
    """A piece of a document small enough to embed, with where it came from."""

    text: str
    start_line: int
    end_line: int
    symbol: str | None = None  # enclosing function or class for code; heading path for docs
    language: str | None = None


@dataclass
class Problem:
    """Bad input that was skipped: where it is and what is wrong, shown to the user after a run."""

    source: str  # file path
    where: str  # "line 12", "record 7"
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.message}"


def ticket_order(key: str) -> tuple[str, int, str]:
    """SHOP-9 before SHOP-10: by prefix, then number."""
    prefix, _, number = key.rpartition("-")
    return (prefix, int(number), key) if number.isdigit() else (key, 0, key)
