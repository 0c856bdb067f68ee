"""People: who an author is, what kind of worker, and their status on a date.

A person is not an email. The roster (CSV as HR exports it, or TOML) names people with their
emails; an author is matched by email, case-insensitively, after the repository's `.mailmap`
(which git applies before Handoff sees an email). Authors the roster does not know become
`unknown` people keyed by email and classified by domain or bot pattern, never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from handoff.core.settings import Settings

KINDS = ("employee", "contractor")
AVAILABLE = ("active", "withheld")  # may take over a file: active, or not told to the one asking


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    kind: str  # employee | contractor | unknown | bot
    vendor: str | None = None
    team: str | None = None
    start: date | None = None
    end: date | None = None
    emails: tuple[str, ...] = ()
    rostered: bool = True
    aliases: tuple[str, ...] = ()  # tracker logins and other names the person goes by
    disclosed: bool = True  # False in a view without HR facts: no dates, status withheld

    def status(self, as_of: date, horizon_days: int) -> str:
        """active, departing (ends within the horizon), departed (ended), unknown (not rostered), or withheld
        (rostered, in a view that leaves HR facts out)."""
        if not self.rostered:
            return "unknown"
        if not self.disclosed:
            return "withheld"
        if self.end is None:
            return "active"
        if self.end < as_of:
            return "departed"
        if self.end <= as_of + timedelta(days=horizon_days):
            return "departing"
        return "active"


def identity_key(email: str, name: str) -> str:
    """The key an author is known by: the lowercased email, or the name when there is none."""
    email = email.strip().lower()
    return email if email else f"name:{name.strip().lower()}"


@dataclass
class Directory:
    """Resolves author identities to people: the roster first, then classification rules."""

    roster: list[Person]
    settings: Settings
    _by_email: dict[str, Person] = field(init=False)
    _unknown: dict[str, Person] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._by_email = {e: p for p in self.roster for e in p.emails}
        self._by_name = {n.casefold(): p for p in self.roster for n in (p.name, *p.aliases)}
        self._bot_res = [re.compile(p, re.IGNORECASE) for p in self.settings.bot_patterns]

    def resolve(self, email: str, name: str) -> Person:
        key = identity_key(email, name)
        person = self._by_email.get(key) or self._unknown.get(key)
        if person is None and not email.strip():
            person = self._by_name.get(name.strip().casefold())  # trackers that give only a name or login
        if person is None:
            person = self._classify(key, email.strip().lower(), name.strip() or key)
            self._unknown[key] = person
        return person

    def by_id(self, person_id: str) -> Person | None:
        for person in self.everyone():
            if person.id == person_id:
                return person
        return None

    def everyone(self) -> list[Person]:
        return [*self.roster, *self._unknown.values()]

    def _classify(self, key: str, email: str, name: str) -> Person:
        domain = email.rsplit("@", 1)[-1] if "@" in email else ""
        if any(r.search(name) or r.search(email) for r in self._bot_res):
            kind, vendor = "bot", None
        elif domain and domain in self.settings.contractor_domains:
            kind, vendor = "contractor", domain
        elif domain and domain in self.settings.employee_domains:
            kind, vendor = "employee", None
        else:
            kind, vendor = "unknown", None
        return Person(id=key, name=name, kind=kind, vendor=vendor, emails=(email,) if email else (),
                      rostered=False)
