"""The people of the sample organisation: the roster HR keeps, and the authors it does not know.

Each member has a short key (what the timeline and the tickets use), the identity HR knows
them by, the identity git sees (which may differ: one employee committed from a misconfigured
laptop for a while, and `.mailmap` joins the two) and the handles of the ticket trackers.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

VENDORS = {"northwind": ("Northwind Dev", "northwind.example"), "brightcode": ("Brightcode", "brightcode.example")}
EUROPE_CENTRAL, EUROPE_EAST = ("+0100", "+0200"), ("+0200", "+0300")
EUROPE_WEST, UTC = ("+0000", "+0100"), ("+0000", "+0000")


@dataclass(frozen=True)
class Member:
    key: str
    id: str
    name: str
    email: str
    kind: str  # employee | contractor on the roster; bot | unknown otherwise
    vendor: str = ""
    team: str = ""
    start: str = ""
    end: str = ""
    login: str = ""
    zone: tuple[str, str] = EUROPE_CENTRAL  # UTC offsets in winter and in summer
    alias_until: str = ""  # commits before this date used `alias`
    alias: tuple[str, str] = ("", "")  # (name, email) git recorded before `alias_until`

    @property
    def rostered(self) -> bool:
        return self.kind in ("employee", "contractor")

    @property
    def vendor_name(self) -> str:
        return VENDORS[self.vendor][0] if self.vendor else ""

    @property
    def account_id(self) -> str:
        """A Jira Cloud account id: stable, opaque, derived from the key."""
        return "712020:" + hashlib.sha1(self.key.encode()).hexdigest()[:24]

    def git_identity(self, day: str) -> tuple[str, str]:
        if self.alias_until and day < self.alias_until:
            return self.alias
        return self.name, self.email

    def offset(self, day: str) -> str:
        """The UTC offset of the member's clock on `day`; summer time from April to October."""
        return self.zone[1] if "04" <= day[5:7] <= "10" else self.zone[0]


def _contractor(key, hr_id, name, vendor, **fields) -> Member:
    local = name.lower().replace(" ", ".")
    return Member(key, hr_id, name, f"{local}@{VENDORS[vendor][1]}", "contractor", vendor=vendor, **fields)


def _employee(key, hr_id, name, **fields) -> Member:
    local = name.lower().replace(" ", ".").replace("á", "a")
    return Member(key, hr_id, name, f"{local}@shop.example", "employee", **fields)


CAST = [
    _employee("ingrid", "E1004", "Ingrid Okafor", team="platform", start="2023-02-01", login="iokafor"),
    _employee("tomas", "E1011", "Tomás Reyes", team="checkout", start="2024-03-04", login="treyes-shop"),
    _employee("hugo", "E1017", "Hugo Marchetti", team="catalog", start="2024-09-16", login="hugomarchetti",
              alias_until="2025-10-01", alias=("hugo", "hugo@hugos-macbook-pro.local")),
    _employee("priya", "E1023", "Priya Nandakumar", team="web", start="2025-01-06", login="priya-n"),
    _employee("sofia", "E1002", "Sofia Brandt", team="platform", start="2022-05-09", login="sbrandt"),
    _employee("noor", "E1031", "Noor Haddad", team="checkout", start="2026-06-01", login="noorh"),
    _contractor("viktor", "C2007", "Viktor Salo", "northwind", team="checkout", start="2025-06-16",
                end="2026-10-31", login="vsalo-nw", zone=EUROPE_EAST),
    _contractor("lena", "C2009", "Lena Petrovic", "northwind", team="platform", start="2025-07-01",
                end="2026-05-31", login="lpetrovic-nw", zone=EUROPE_EAST),
    _contractor("marek", "C2012", "Marek Novak", "northwind", team="platform", start="2025-09-01",
                end="2027-02-26", login="mnovak-nw", zone=EUROPE_EAST),
    _contractor("aiko", "C3002", "Aiko Tanaka", "brightcode", team="fulfilment", start="2025-07-14",
                end="2026-12-15", login="aiko-bc", zone=EUROPE_WEST),
    _contractor("jonah", "C3005", "Jonah Adeyemi", "brightcode", team="web", start="2025-08-04",
                end="2027-03-31", login="jadeyemi-bc", zone=EUROPE_WEST),
    Member("dana", "", "Dana Whitcombe", "dana.whitcombe@freemail.example", "unknown", login="dwhitcombe", zone=UTC),
    Member("dependabot", "", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "bot",
           login="dependabot[bot]", zone=UTC),
    Member("precommit", "", "pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com", "bot",
           login="pre-commit-ci[bot]", zone=UTC),
]
PEOPLE = {m.key: m for m in CAST}
ROSTER_FIELDS = ("id", "name", "emails", "kind", "vendor", "team", "start", "end", "aliases")


def roster_csv() -> str:
    """The roster as HR exports it: rostered members only, emails `;`-separated, ISO dates."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ROSTER_FIELDS)
    for m in sorted((m for m in CAST if m.rostered), key=lambda m: m.id):
        writer.writerow([m.id, m.name, m.email, m.kind, m.vendor_name, m.team, m.start, m.end, m.login])
    return out.getvalue()


def mailmap_lines() -> str:
    """One `.mailmap` line per member who committed under another identity."""
    return "".join(f"{m.name} <{m.email}> {m.alias[0]} <{m.alias[1]}>\n" for m in CAST if m.alias_until)
