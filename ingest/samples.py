"""Ownership at past commits, for the knowledge-drain report's trend.

For each of the last `months` month-ends up to the as-of date, a repository's sample is the last
commit before that day's end on the first-parent history of its ingested HEAD. Every file of the
sample is blamed with the HEAD ingest's options (its `.git-blame-ignore-revs` and `.mailmap`
too, so every point counts lines as the headline does and a blob's blame holds from one sample
to the next) and its exclusions, read at the sampled commit (`.gitattributes`, binary content,
the `exclude` setting). Blame results are cached per (repo,
path, blob, options) in `blame_history`, seeded by the HEAD ingest's own `blame_lines`, so a
blob unchanged between samples is never blamed twice; each sample's lines per top-level folder
and author go to `ownership_samples`, so next month's run blames only what changed in the new
month. Both caches are dropped when the blame options or the `exclude` setting change. Authors
resolve to people when the samples are read, so a roster change never needs a new blame; bots
are left out unless `include_bots` is on.
"""

from __future__ import annotations

import calendar
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import text

from handoff.core.errors import ExternalError, NotARepositoryError
from handoff.core.people import Directory
from handoff.core.progress import Progress, SilentProgress
from handoff.core.roster import stored_roster
from handoff.core.settings import Settings
from handoff.core.store import FactsStore, get_meta, insert_many, set_meta
from handoff.ingest.sources.blame import BlameOptions, Counts, blame_files, blame_options
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.tree import TreeEntry, attribute_reasons, binary_blobs, list_tree, structural_reason

MONTHS = 12

FolderCounts = dict[str, Counts]  # top-level folder -> identity key -> (name, lines)


@dataclass
class OwnershipSample:
    """Ownership on one date, in the shape `handoff.retention.trend` reads."""

    at: date
    commits: dict[str, str] = field(default_factory=dict)  # repo -> sampled commit
    lines: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)  # (repo, folder) -> person -> lines


@dataclass
class _Repo:
    """One ingested repository while it is being sampled, with its blame cache."""

    name: str
    git: GitRepo
    options: BlameOptions
    cache: dict[tuple[str, str], Counts]  # (path, blob) -> counts


def month_ends(as_of: date, months: int = MONTHS) -> list[date]:
    """The last `months` month-ends on or before `as_of`, oldest first."""
    index = as_of.year * 12 + as_of.month - 1
    ends = []
    for i in range(index - months, index + 1):
        year, month = divmod(i, 12)
        ends.append(date(year, month + 1, calendar.monthrange(year, month + 1)[1]))
    return [d for d in ends if d <= as_of][-months:]


def sample_ownership(store: FactsStore, settings: Settings, as_of: date, months: int = MONTHS,
                     progress: Progress | None = None, git_cache: Path | None = None) -> list[OwnershipSample]:
    """Ownership at each of the last `months` month-ends, every ingested repository together.

    `git_cache` is the workspace folder of the commit-graphs the ingest keeps for fast blame."""
    progress = progress or SilentProgress()
    resolve = _resolver(store, settings)
    samples = {at: OwnershipSample(at) for at in month_ends(as_of, months)}
    for row in store.rows("SELECT name, path, head FROM repos WHERE head IS NOT NULL ORDER BY name"):
        for at, sha, folders in _repo_samples(store, settings, row, list(samples), progress, git_cache):
            samples[at].commits[row["name"]] = sha
            for folder, counts in folders.items():
                _add_people(samples[at].lines.setdefault((row["name"], folder), {}), counts, resolve)
    return [s for s in samples.values() if s.commits]


def _add_people(held: dict[str, int], counts: Counts, resolve) -> None:
    """Add blame counts by author identity to `held` by person id."""
    for key, (name, lines) in counts.items():
        if (person := resolve(key, name)) is not None:
            held[person] = held.get(person, 0) + lines


def _resolver(store: FactsStore, settings: Settings):
    """Identity key and name -> person id as `load_facts` resolves them; None for a bot left out."""
    directory = Directory(stored_roster(store), settings)

    def resolve(key: str, name: str) -> str | None:
        person = directory.resolve(key, name)
        return None if person.kind == "bot" and not settings.include_bots else person.id

    return resolve


def _repo_samples(store: FactsStore, settings: Settings, row, dates: list[date], progress: Progress,
                  git_cache: Path | None) -> Iterable[tuple[date, str, FolderCounts]]:
    """(date, commit, counts per folder) for each date on which the repository had a commit."""
    try:
        git = GitRepo.open(row["path"])
    except NotARepositoryError as exc:
        progress.warn(f"{row['name']}: {exc.message}; its trend is left out")
        return
    if git_cache is not None:
        git = git.with_commit_graph(git_cache / row["name"], row["head"])
    commits = {at: found for at in dates if (found := _commit_before(git, row["head"], at))}
    options = blame_options(git, row["head"], settings.blame_ignore_whitespace, settings.blame_detect_moves)
    try:
        repo = _Repo(row["name"], git, options, {})
        stored = _stored_samples(store, settings, repo)
        if any(sha not in stored for sha, _ in commits.values()):
            repo.cache = _blame_cache(store, repo)
        for at, (sha, when) in commits.items():
            if sha not in stored:
                stored[sha] = _take_sample(store, settings, repo, sha, when, progress)
            yield at, sha, stored[sha]
    finally:
        options.close()


def _commit_before(git: GitRepo, head: str, day: date) -> tuple[str, str] | None:
    """(sha, committer date) of the last first-parent commit of `head` up to the end of `day`."""
    out = git.run("log", "--first-parent", "--no-show-signature", "-1", "--format=%H %cI",
                  f"--before={day.isoformat()} 23:59:59 +0000", head).decode().split()
    return (out[0], out[1]) if out else None


def _stored_samples(store: FactsStore, settings: Settings, repo: _Repo) -> dict[str, FolderCounts]:
    """Samples already taken with these options, after dropping any taken with other ones."""
    key = _samples_key(repo.options, settings)
    with store.transaction() as conn:
        if get_meta(conn, f"samples:{repo.name}") != key:
            for table in ("ownership_samples", "blame_history"):
                conn.execute(text(f"DELETE FROM {table} WHERE repo = :repo"), {"repo": repo.name})
            set_meta(conn, f"samples:{repo.name}", key)
    stored: dict[str, FolderCounts] = defaultdict(dict)
    for r in store.rows("SELECT sha, folder, email, name, lines FROM ownership_samples WHERE repo = :repo",
                        repo=repo.name):
        stored[r["sha"]].setdefault(r["folder"], {})[r["email"]] = (r["name"], r["lines"])
    return stored


def _samples_key(options: BlameOptions, settings: Settings) -> str:
    return hashlib.sha256("\0".join([options.key, *settings.exclude]).encode()).hexdigest()[:16]


def _blame_cache(store: FactsStore, repo: _Repo) -> dict[tuple[str, str], Counts]:
    """(path, blob) -> counts from earlier samples and from the HEAD ingest, both with these options."""
    cache: dict[tuple[str, str], Counts] = defaultdict(dict)
    rows = store.rows("SELECT path, blob, email, name, lines FROM blame_history WHERE repo = :repo AND "
                      "options = :options", repo=repo.name, options=repo.options.key)
    rows += store.rows("SELECT f.path, f.blob, b.email, b.name, b.lines FROM files f JOIN blame_lines b "
                       "ON b.repo = f.repo AND b.path = f.path WHERE f.repo = :repo AND f.options = :options "
                       "AND f.excluded IS NULL", repo=repo.name, options=repo.options.key)
    for r in rows:
        cache[(r["path"], r["blob"])][r["email"]] = (r["name"], r["lines"])
    return cache


def _take_sample(store: FactsStore, settings: Settings, repo: _Repo, sha: str, when: str,
                 progress: Progress) -> FolderCounts:
    """Blame what the cache lacks at `sha`, then store the new blames and the sample together."""
    counted = _countable(repo.git, sha, settings.exclude, repo.cache)
    missing = [e for e in counted if (e.path, e.blob) not in repo.cache]
    progress.stage(f"trend {when[:7]}", total=len(missing))
    fresh = _blame(repo, sha, missing, settings.blame_processes, progress)
    repo.cache.update(fresh)
    folders = _by_folder((e.path, repo.cache[(e.path, e.blob)]) for e in counted if (e.path, e.blob) in repo.cache)
    with store.transaction() as conn:
        insert_many(conn, "blame_history", [
            {"repo": repo.name, "path": path, "blob": blob, "options": repo.options.key, "email": email,
             "name": name, "lines": lines}
            for (path, blob), counts in fresh.items() for email, (name, lines) in counts.items()])
        insert_many(conn, "ownership_samples", [
            {"repo": repo.name, "sha": sha, "sampled_at": when, "folder": folder, "email": email, "name": name,
             "lines": lines}
            for folder, counts in folders.items() for email, (name, lines) in counts.items()])
    return folders


def _countable(git: GitRepo, sha: str, exclude: list[str], cache: dict) -> list[TreeEntry]:
    """The non-empty files at `sha` that the HEAD ingest would count: no symlink, submodule,
    vendored, generated, excluded or binary file."""
    entries = [e for e in list_tree(git, sha) if structural_reason(e) is None and e.size]
    reasons = attribute_reasons(git, sha, [e.path for e in entries], exclude)
    entries = [e for e in entries if e.path not in reasons]
    binary = binary_blobs(git, [e.blob for e in entries if (e.path, e.blob) not in cache])
    return [e for e in entries if e.blob not in binary]


def _blame(repo: _Repo, sha: str, entries: list[TreeEntry], jobs: int,
           progress: Progress) -> dict[tuple[str, str], Counts]:
    """(path, blob) -> counts at `sha`; a file git cannot blame is warned about and left out."""
    blobs = {e.path: e.blob for e in entries}
    fresh = {}
    for path, counts in blame_files(repo.git, sha, list(blobs), repo.options, jobs, progress.advance):
        if isinstance(counts, ExternalError):
            progress.warn(counts.message)
        else:
            fresh[(path, blobs[path])] = counts
    return fresh


def _by_folder(blamed: Iterable[tuple[str, Counts]]) -> FolderCounts:
    """Lines per top-level folder ("." for the root) and identity key."""
    folders: FolderCounts = defaultdict(dict)
    for path, counts in blamed:
        held = folders[path.split("/", 1)[0] if "/" in path else "."]
        for key, (name, lines) in counts.items():
            first_name, before = held.get(key, (name, 0))
            held[key] = (first_name, before + lines)
    return dict(folders)
