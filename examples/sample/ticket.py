"""One ticket, as every tracker export is written from: the shape the data modules fill in."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True)
class Ticket:
    key: str  # GH-14, SHOP-21, ENG-7: the key Handoff cites
    kind: str  # bug | feature | task
    status: str  # open | in progress | done
    reporter: str  # member key, or a GitHub login for people outside the roster
    assignee: str | None
    created: str  # "YYYY-MM-DD HH:MM", UTC
    closed: str | None
    labels: tuple[str, ...]
    title: str
    body: str
    comments: tuple[tuple[str, str, str], ...] = ()  # (who, "YYYY-MM-DD HH:MM", text)
    group: str = ""  # GitHub only: "backend" issues go to the gh export, "web" ones to the REST export

    @property
    def number(self) -> int:
        return int(self.key.rsplit("-", 1)[1])

    @property
    def is_open(self) -> bool:
        return self.status in ("open", "in progress")


def ticket(key, kind, status, reporter, assignee, created, closed, labels, title, body, *comments, group=""):
    """A Ticket from positional fields; `labels` is a space-separated string, `body` is dedented."""
    return Ticket(key, kind, status, reporter, assignee, created, closed, tuple(labels.split()), title,
                  unwrap(textwrap.dedent(body)), tuple(comments), group)


def unwrap(text: str) -> str:
    """Paragraphs on one line each, as people type them into a tracker (the data is wrapped for reading)."""
    return "\n\n".join(" ".join(p.split()) for p in text.strip().split("\n\n"))
