"""A snapshot of the facts store with every author identity resolved to a person.

Analyses take a `Facts` and never query the store themselves. Emails become people here, once:
the roster first, then classification; bots' lines are set aside unless `include_bots` is on.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import PurePosixPath

from handoff.core.people import Directory, Person
from handoff.core.roster import stored_roster
from handoff.core.settings import Settings
from handoff.core.store import FactsStore


@dataclass
class OwnedFile:
    repo: str
    path: str
    lines: int  # lines counted in ownership (bots' left out by default)
    owners: dict[str, int]  # person id -> surviving lines
    bot_lines: int = 0


@dataclass(frozen=True)
class ExcludedFile:
    repo: str
    path: str
    reason: str


@dataclass
class Contribution:
    """One person's history with one file: the inputs of degree of authorship."""

    first_author: bool = False
    deliveries: int = 0
    added: int = 0
    deleted: int = 0


@dataclass(frozen=True)
class CommitFact:
    repo: str
    sha: str
    person: str
    authored_at: datetime
    merge: bool


@dataclass(frozen=True)
class AdrLinkFact:
    kind: str
    target: str
    target_path: str | None


@dataclass
class AdrFact:
    repo: str
    path: str
    number: int | None
    title: str
    status: str
    date: str | None
    deciders: list[str]
    format: str
    links: list[AdrLinkFact] = field(default_factory=list)


@dataclass
class TicketFact:
    key: str
    title: str
    status: str
    state: str
    type: str
    assignee: str | None  # person id
    reporter: str | None
    labels: list[str]
    created: datetime | None
    updated: datetime | None
    resolved: datetime | None
    url: str
    repo: str | None
    commenters: list[str] = field(default_factory=list)


@dataclass
class Facts:
    people: dict[str, Person]
    repos: list[str]
    files: list[OwnedFile]
    excluded: list[ExcludedFile]
    contributions: dict[tuple[str, str], dict[str, Contribution]]  # (repo, path) -> person -> history
    commits: list[CommitFact]
    changes: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (repo, sha) -> paths
    shallow: set[str] = field(default_factory=set)
    adrs: list[AdrFact] = field(default_factory=list)
    tickets: dict[str, TicketFact] = field(default_factory=dict)
    commit_tickets: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (repo, sha) -> keys

    def person(self, person_id: str) -> Person:
        return self.people[person_id]

    # Indexes over the snapshot, built on first use and kept with it: a server answers many questions
    # from one snapshot, and rebuilding them per question scanned every file and every commit.

    @cached_property
    def files_by_path(self) -> dict[tuple[str, str], OwnedFile]:
        return {(f.repo, f.path): f for f in self.files}

    @cached_property
    def commits_by_path(self) -> dict[tuple[str, str], list[tuple[str, str]]]:
        """(repo, path) -> the (repo, sha) of the commits that changed it, in `changes` order."""
        commits: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for (repo, sha), paths in self.changes.items():
            for path in paths:
                commits[(repo, path)].append((repo, sha))
        return dict(commits)

    @cached_property
    def folder_owners(self) -> dict[tuple[str, str], Counter]:
        """(repo, folder) -> person -> lines held in the files directly inside that folder."""
        owners: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for f in self.files:
            owners[(f.repo, folder_of(f.path))].update(f.owners)
        return dict(owners)


def folder_of(path: str) -> str:
    """The folder holding `path`, '.' at the repository root."""
    return str(PurePosixPath(path).parent)


def load_facts(store: FactsStore, settings: Settings) -> Facts:
    directory = Directory(stored_roster(store), settings)
    resolve = _resolver(directory)
    repos = store.rows("SELECT name, shallow FROM repos ORDER BY name")
    files, excluded = _files(store, resolve, settings.include_bots)
    facts = Facts(
        people={},
        repos=[r["name"] for r in repos],
        files=files,
        excluded=excluded,
        contributions=_contributions(store, resolve),
        commits=_commits(store, resolve),
        changes=_changes(store),
        shallow={r["name"] for r in repos if r["shallow"]},
        adrs=_adrs(store),
        tickets=_tickets(store, resolve),
        commit_tickets=_commit_tickets(store),
    )
    facts.people = {p.id: p for p in directory.everyone()}
    return facts


def _resolver(directory: Directory):
    cache: dict[tuple[str, str], Person] = {}

    def resolve(email: str, name: str) -> Person:
        key = (email, name)
        if key not in cache:
            cache[key] = directory.resolve(email, name)
        return cache[key]

    return resolve


def _files(store: FactsStore, resolve, include_bots: bool):
    owners: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    bot_lines: dict[tuple[str, str], int] = defaultdict(int)
    for r in store.rows("SELECT repo, path, email, name, lines FROM blame_lines ORDER BY repo, path, email"):
        person = resolve(r["email"], r["name"])
        if person.kind == "bot" and not include_bots:
            bot_lines[(r["repo"], r["path"])] += r["lines"]
        else:
            owners[(r["repo"], r["path"])][person.id] += r["lines"]
    files, excluded = [], []
    for r in store.rows("SELECT repo, path, lines, excluded FROM files ORDER BY repo, path"):
        key = (r["repo"], r["path"])
        if r["excluded"]:
            excluded.append(ExcludedFile(r["repo"], r["path"], r["excluded"]))
            continue
        files.append(OwnedFile(r["repo"], r["path"], r["lines"] - bot_lines[key], dict(owners.get(key, {})),
                               bot_lines[key]))
    return files, excluded


def _contributions(store: FactsStore, resolve) -> dict[tuple[str, str], dict[str, Contribution]]:
    result: dict[tuple[str, str], dict[str, Contribution]] = defaultdict(dict)
    for r in store.rows("SELECT repo, path, email, name, first_author, deliveries, added, deleted FROM authorship "
                        "ORDER BY repo, path, email"):
        person = resolve(r["email"], r["name"]).id
        c = result[(r["repo"], r["path"])].setdefault(person, Contribution())
        c.first_author = c.first_author or bool(r["first_author"])
        c.deliveries += r["deliveries"]
        c.added += r["added"]
        c.deleted += r["deleted"]
    return dict(result)


def _commits(store: FactsStore, resolve) -> list[CommitFact]:
    return [
        CommitFact(r["repo"], r["sha"], resolve(r["author_email"], r["author_name"]).id,
                   datetime.fromisoformat(r["authored_at"].replace("Z", "+00:00")), r["parents"] > 1)
        for r in store.rows("SELECT repo, sha, author_email, author_name, authored_at, parents FROM commits "
                            "ORDER BY authored_at, sha")
    ]


def _changes(store: FactsStore) -> dict[tuple[str, str], list[str]]:
    changes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in store.rows("SELECT repo, sha, path FROM file_changes ORDER BY repo, sha, path"):
        changes[(r["repo"], r["sha"])].append(r["path"])
    return dict(changes)


def _adrs(store: FactsStore) -> list[AdrFact]:
    links: dict[tuple[str, str], list[AdrLinkFact]] = defaultdict(list)
    for r in store.rows("SELECT * FROM adr_links ORDER BY repo, path, kind, target"):
        links[(r["repo"], r["path"])].append(AdrLinkFact(r["kind"], r["target"], r["target_path"]))
    return [
        AdrFact(r["repo"], r["path"], r["number"], r["title"], r["status"], r["date"], json.loads(r["deciders"]),
                r["format"], links.get((r["repo"], r["path"]), []))
        for r in store.rows("SELECT * FROM adrs ORDER BY repo, path")
    ]


def _tickets(store: FactsStore, resolve) -> dict[str, TicketFact]:
    def person(email, name) -> str | None:
        return resolve(email or "", name or "").id if (email or name) else None

    commenters: dict[str, list[str]] = defaultdict(list)
    for r in store.rows("SELECT key, author_name, author_email FROM ticket_comments ORDER BY key, n"):
        who = person(r["author_email"], r["author_name"])
        if who and who not in commenters[r["key"]]:
            commenters[r["key"]].append(who)
    return {
        r["key"]: TicketFact(
            r["key"], r["title"], r["status"], r["state"], r["type"], person(r["assignee_email"], r["assignee_name"]),
            person(r["reporter_email"], r["reporter_name"]), json.loads(r["labels"]), _when(r["created"]),
            _when(r["updated"]), _when(r["resolved"]), r["url"], r["repo"], commenters.get(r["key"], []))
        for r in store.rows("SELECT * FROM tickets ORDER BY key")
    }


def _commit_tickets(store: FactsStore) -> dict[tuple[str, str], list[str]]:
    links: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in store.rows("SELECT repo, sha, key FROM commit_tickets ORDER BY repo, sha, key"):
        links[(r["repo"], r["sha"])].append(r["key"])
    return dict(links)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None
