"""One ingest run: repositories and ticket exports into the facts store and the index.

For each repository: facts (history, blame), then content (files, ADRs, history notes) synced
into the index; for each ticket export: ticket facts, then ticket documents. The lexical index
is republished once at the end. Each step that writes facts is one transaction, and the index
sync is restartable, so a failed or killed run leaves the previous state usable.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from handoff.core.errors import InputError
from handoff.core.facts import load_facts
from handoff.core.progress import Progress
from handoff.core.records import Adr, Problem, Ticket
from handoff.core.workspace import Workspace

if TYPE_CHECKING:  # the index stack (LlamaIndex, Chroma) loads only when an ingest indexes
    from handoff.index.sync import Index, SyncSummary

from handoff.ingest.documents import (
    HistoryEntry,
    file_document,
    file_version,
    history_document,
    history_version,
    ticket_document,
    ticket_version,
)
from handoff.ingest.redact import redact
from handoff.ingest.repository import IngestSummary, ingest_repository
from handoff.ingest.sources import content as repo_content
from handoff.ingest.sources.content import FileText, RepoContent
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.remote import is_url, mirror, url_name
from handoff.ingest.sources.tickets import read_tickets
from handoff.ingest.writes import save_adrs, save_tickets


@dataclass
class SourceReport:
    source: str
    facts: IngestSummary | None = None
    index: SyncSummary | None = None
    skipped: Counter = field(default_factory=Counter)
    redactions: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    tickets: int = 0
    adrs: int = 0


@dataclass
class IngestReport:
    sources: list[SourceReport] = field(default_factory=list)
    lexical_rebuilt: bool = False
    seconds: float = 0.0


def run_ingest(ws: Workspace, sources: list[tuple[str, str | None]], ticket_files: list[tuple[Path, str | None]],
               progress: Progress, index: bool = True) -> IngestReport:
    """Ingest `sources` ((path or URL, name)) and `ticket_files` ((file, repo)); `index=False` stops at facts."""
    started = time.perf_counter()
    report = IngestReport()
    vectors = None
    if index:
        from handoff.index.sync import Index

        vectors = Index(ws.home / "index", ws.settings, progress)
    for source, name in sources:
        report.sources.append(_ingest_repository(ws, source, name, vectors, progress))
    for path, repo in ticket_files:
        report.sources.append(ingest_tickets(ws, path, repo, vectors))
    if vectors is not None:
        report.lexical_rebuilt = vectors.publish_lexical()
    report.seconds = time.perf_counter() - started
    return report


def configured_sources(ws: Workspace) -> tuple[list[tuple[str, str | None]], list[tuple[Path, str | None]]]:
    """The `[[repos]]` entries of the settings, as `run_ingest` arguments."""
    if not ws.settings.repos:
        raise InputError(f"{ws.toml_path}: no [[repos]] entries; add some or name a PATH to ingest")
    sources, tickets = [], []
    for entry in ws.settings.repos:
        location = entry.source if is_url(entry.source) else str(ws.path_setting(entry.source))
        sources.append((location, entry.name or None))
        tickets += [(ws.path_setting(t), entry.name or None) for t in entry.tickets]
    return sources, tickets


def _ingest_repository(ws: Workspace, source: str, name: str | None, vectors: Index | None,
                       progress: Progress) -> SourceReport:
    if is_url(source):
        name = name or url_name(source)
        source = str(mirror(ws.home / "mirrors", source, name))
    facts = ingest_repository(ws.store, ws.settings, source, name, progress, git_cache=ws.home / "git")
    report = SourceReport(source=facts.repo, facts=facts)
    if facts.head is None:
        return report
    repo = GitRepo.open(facts.path)
    survey = repo_content.survey(repo, facts.head, ws.settings.max_file_bytes, ws.settings.exclude,
                                 ws.settings.adr_globs)
    adr_texts = {t.path: t for t in repo_content.read_texts(repo, survey, sorted(survey.adr_paths))}
    adrs = refresh_adrs(ws, facts.repo, adr_texts, survey)
    report.adrs, report.problems = len(adrs), survey.problems
    if vectors is not None:
        report.index = sync_content(ws, repo, facts.repo, survey, adr_texts, adrs, vectors)
    report.skipped, report.redactions = survey.skipped, survey.redactions
    return report


def refresh_adrs(ws: Workspace, repo: str, texts: dict[str, FileText], survey: RepoContent) -> dict[str, Adr]:
    """Parse every ADR at HEAD (they are few) and replace the repository's ADR facts with them."""
    adrs = repo_content.parse_adrs(list(texts.values()), survey)
    stored = [r["path"] for r in ws.store.rows("SELECT path FROM adrs WHERE repo = :repo", repo=repo)]
    with ws.store.transaction() as conn:
        save_adrs(conn, repo, adrs, stored, set(survey.entries))
    return adrs


def sync_content(ws: Workspace, repo: GitRepo, name: str, survey: RepoContent, adr_texts: dict[str, FileText],
                  adrs: dict[str, Adr], vectors: Index) -> SyncSummary:
    """Files at HEAD and their history notes into the index; only changed documents are read."""
    history = _histories(ws, name, set(survey.entries))
    current = {f"{name}:{p}": file_version(e.blob, p in survey.adr_paths) for p, e in survey.entries.items()}
    current |= {f"history:{name}:{p}": history_version(h) for p, h in history.items()}

    def build(changed: list[str]):
        paths = [d.split(":", 1)[1] for d in changed if not d.startswith("history:")]
        texts = [adr_texts[p] for p in paths if p in adr_texts]
        texts += repo_content.read_texts(repo, survey, [p for p in paths if p not in adr_texts])
        documents = [file_document(name, t, adrs.get(t.path), t.path in survey.adr_paths) for t in texts]
        documents += [history_document(name, d.split(":", 2)[2], history[d.split(":", 2)[2]])
                      for d in changed if d.startswith("history:")]
        return documents

    return vectors.sync(name, current, build, _owners(ws, name))


def ingest_tickets(ws: Workspace, path: Path, repo: str | None, vectors: Index | None) -> SourceReport:
    tickets, problems = read_tickets(path)
    report = SourceReport(source=str(path), problems=problems, tickets=len(tickets))
    tickets = [_redacted(t, report.redactions) for t in tickets]
    with ws.store.transaction() as conn:
        save_tickets(conn, str(path.resolve()), tickets, repo)
    if vectors is not None:
        by_key = {f"ticket:{t.key}": t for t in tickets}
        source = "tickets-" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        report.index = vectors.sync(source, {k: ticket_version(t) for k, t in by_key.items()},
                                    lambda changed: [ticket_document(by_key[k], repo or "") for k in changed])
    return report


def _redacted(ticket: Ticket, counts: Counter) -> Ticket:
    def clean(text: str) -> str:
        result = redact(text)
        counts.update(r.type for r in result.redactions)
        return result.text

    ticket.title, ticket.body = clean(ticket.title), clean(ticket.body)
    for comment in ticket.comments:
        comment.body = clean(comment.body)
    return ticket


def _histories(ws: Workspace, repo: str, paths: set[str]) -> dict[str, list[HistoryEntry]]:
    """Commit messages per file at HEAD, oldest first, following renames."""
    rows = ws.store.rows(
        "SELECT c.sha, c.author_name, c.authored_at, c.message, f.path, f.old_path, f.status "
        "FROM file_changes f JOIN commits c ON c.repo = f.repo AND c.sha = f.sha "
        "WHERE f.repo = :repo ORDER BY c.authored_at, c.sha", repo=repo)
    lineage: dict[str, list[HistoryEntry]] = {}
    for r in rows:
        if r["status"] == "R" and r["old_path"] in lineage:
            lineage[r["path"]] = lineage.pop(r["old_path"])
        elif r["status"] == "D":
            lineage.pop(r["path"], None)
            continue
        lineage.setdefault(r["path"], []).append(
            HistoryEntry(r["sha"], r["author_name"], r["authored_at"], r["message"]))
    return {p: entries for p, entries in lineage.items() if p in paths}


def _owners(ws: Workspace, repo: str) -> dict[tuple[str, str], dict]:
    """Primary owner of each file, as chunk metadata."""
    facts = load_facts(ws.store, ws.settings)
    owners = {}
    for f in facts.files:
        if f.repo == repo and f.owners:
            person = facts.people[max(f.owners, key=lambda p: (f.owners[p], p))]
            owners[(f.repo, f.path)] = {"owner": person.id, "owner_kind": person.kind}
    return owners
