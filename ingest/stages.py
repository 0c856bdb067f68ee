"""The stages of the ingest pipeline, one function per kind of part (see `pipeline` for the order).

Each takes the workspace, the staging, the plan and the part's progress, reads what earlier parts
staged, and returns its own typed output. Only `write` and `tickets` write facts, each in one
transaction; `content` and `tickets` write the index, restartably (`index.sync`).
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from handoff.core.errors import ExternalError, InputError
from handoff.core.progress import Progress
from handoff.core.records import Adr, Ticket
from handoff.core.settings import Settings
from handoff.core.workspace import Workspace
from handoff.index.summary import SyncSummary
from handoff.ingest import writes
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
from handoff.ingest.sources import authorship
from handoff.ingest.sources import content as repo_content
from handoff.ingest.sources.blame import blame_files, blame_options
from handoff.ingest.sources.content import FileText, RepoContent
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.history import read_commits
from handoff.ingest.sources.remote import is_url, mirror, url_name
from handoff.ingest.sources.tickets import read_tickets
from handoff.ingest.sources.tree import attribute_reasons, binary_blobs, list_tree, structural_reason
from handoff.ingest.staged import (
    Blamed,
    FileAtHead,
    History,
    IngestSummary,
    Plan,
    Prepared,
    SourceReport,
    Staging,
    Synced,
    Written,
)
from handoff.ingest.writes import StoredFile, repo_name, stored_files, stored_head

_models: dict[str, object] = {}  # embedding models loaded in this process, by model id


def prepare(ws: Workspace, staging: Staging, plan: Plan, progress: Progress, i: int) -> Prepared:
    """Pin HEAD, note what the last ingest saw, sort the files at HEAD and cut those to blame into parts."""
    source, name = plan.sources[i]
    if is_url(source):
        name = name or url_name(source)
        source = str(mirror(ws.home / "mirrors", source, name))
    repo = GitRepo.open(source)
    name, head = repo_name(repo, name), repo.head()
    if head is None:
        return Prepared(name, str(repo.path), None, None, "")
    since = stored_head(ws.store, name)
    if since is not None and not repo.is_ancestor(since, head):
        since = None
    if head != since:  # written once here, before the parts that read it run side by side
        repo.with_commit_graph(ws.home / "git" / name, head)
    settings = ws.settings
    options = blame_options(repo, head, settings.blame_ignore_whitespace, settings.blame_detect_moves)
    options.close()
    stored = {} if since is None else stored_files(ws.store, name)
    files = _sorted_files(repo, head, settings, stored)
    to_blame = [f.path for f in files if f.left_out is None and not _unchanged(stored.get(f.path), f.blob,
                                                                               options.key)]
    size = plan.shape.blame_batch or max(len(to_blame), 1)
    batches = [to_blame[k:k + size] for k in range(0, len(to_blame), size)]
    return Prepared(name, str(repo.path), head, since, options.key, repo.is_shallow(), files, batches)


def _sorted_files(repo: GitRepo, head: str, settings: Settings, stored: dict[str, StoredFile]) -> list[FileAtHead]:
    """Every path at HEAD with the reason ownership leaves it out, if any; a blob known to be binary is not
    read again."""
    entries = list_tree(repo, head)
    reasons = {e.path: r for e in entries if (r := structural_reason(e))}
    regular = [e for e in entries if e.path not in reasons]
    reasons |= attribute_reasons(repo, head, [e.path for e in regular], settings.exclude)
    candidates = [e for e in regular if e.path not in reasons]
    unknown = [e.blob for e in candidates if not _known_text_or_binary(stored.get(e.path), e.blob)]
    binary = binary_blobs(repo, unknown)
    for entry in candidates:
        old = stored.get(entry.path)
        if entry.blob in binary or (old and old.blob == entry.blob and old.excluded == "binary"):
            reasons[entry.path] = "binary"
    return [FileAtHead(e.path, e.blob, reasons.get(e.path)) for e in entries]


def _known_text_or_binary(old: StoredFile | None, blob: str) -> bool:
    return old is not None and old.blob == blob and old.excluded in (None, "binary")


def _unchanged(old: StoredFile | None, blob: str, options: str) -> bool:
    return old is not None and old.blob == blob and old.excluded is None and old.options == options


def _git(ws: Workspace, repo: Prepared) -> GitRepo:
    """The repository, with the workspace's commit-graph for its HEAD (written by `prepare`)."""
    git = GitRepo.open(repo.path)
    if repo.head is None or repo.head == repo.since:
        return git
    return git.with_commit_graph(ws.home / "git" / repo.name, repo.head)


def history(ws: Workspace, staging: Staging, plan: Plan, progress: Progress, i: int) -> History:
    """New commits, and the authorship rows they change: every row when the history is read whole."""
    repo = staging.get(f"prepare.{i}", Prepared)
    git, started = _git(ws, repo), time.perf_counter()
    progress.stage("history")
    commits = []
    for commit in read_commits(git, repo.since):
        commits.append(commit)
        progress.advance()
    if git.head() != repo.head:
        raise InputError(f"{repo.name}: HEAD moved during the ingest; ingest the repository again")
    histories = {} if repo.since is None else _stored_histories(ws, repo.name, commits)
    touched: set[str] = set()
    for commit in commits:
        authorship.apply_commit(histories, commit, touched)
    touched = set(histories) if repo.since is None else touched
    return History(commits, sorted(touched), authorship.to_rows(repo.name, histories, touched),
                   time.perf_counter() - started)


def _stored_histories(ws: Workspace, repo: str, commits: list) -> authorship.Histories:
    """The stored authorship of just the paths the new commits touch (and the paths they rename)."""
    paths = sorted({p for c in commits for ch in c.changes for p in (ch.path, ch.old_path) if p})
    rows = []
    for start in range(0, len(paths), 500):
        rows += ws.store.rows("SELECT * FROM authorship WHERE repo = :repo AND path IN :paths", repo=repo,
                              paths=tuple(paths[start:start + 500]))
    return authorship.from_rows(rows)


def blame(ws: Workspace, staging: Staging, plan: Plan, progress: Progress, i: int, k: int) -> Blamed:
    """Blame counts of one part; a file git fails to blame is noted, and the write step reports it."""
    repo = staging.get(f"prepare.{i}", Prepared)
    git, paths, settings, started = _git(ws, repo), repo.batches[k], ws.settings, time.perf_counter()
    options = blame_options(git, repo.commit, settings.blame_ignore_whitespace, settings.blame_detect_moves)
    counts, failed = {}, {}
    progress.stage("blame", total=len(paths))
    try:
        for path, result in blame_files(git, repo.commit, paths, options, settings.blame_processes, progress.advance):
            if isinstance(result, ExternalError):
                failed[path] = result.message
            else:
                counts[path] = result
    finally:
        options.close()
    return Blamed(counts, failed, time.perf_counter() - started)


def write(ws: Workspace, staging: Staging, plan: Plan, progress: Progress, i: int) -> Written:
    """The repository's facts in one transaction (unless an earlier run of this step committed them);
    then its ADRs."""
    repo = staging.get(f"prepare.{i}", Prepared)
    summary = IngestSummary(repo=repo.name, path=repo.path, head=repo.head)
    if repo.head is None:
        _warn(summary, progress, f"{repo.name}: empty repository (no commits); nothing to own yet")
        with ws.store.transaction() as conn:
            writes.clear_repository(conn, repo.name)
            writes.save_repo(conn, summary, shallow=False)
        return Written(summary)
    staged = staging.get(f"history.{i}", History)
    blamed = [staging.get(f"blame.{i}.{k}", Blamed) for k in range(len(repo.batches))]
    summary.commits_new = len(staged.commits)
    if repo.shallow:
        _warn(summary, progress, f"{repo.name}: shallow clone, history is partial; authorship and truck factor "
                                 f"cover only the fetched commits (git fetch --unshallow)")
    stored = {} if repo.since is None else stored_files(ws.store, repo.name)
    files = _file_rows(repo, stored, blamed, summary, progress)
    started = time.perf_counter()
    if not _written(ws, repo):
        with ws.store.transaction() as conn:
            if repo.since is None:
                writes.clear_repository(conn, repo.name)
            writes.save_repo(conn, summary, repo.shallow)
            writes.save_commits(conn, repo.name, staged.commits, tuple(ws.settings.ticket_patterns))
            writes.save_authorship(conn, repo.name, staged.authorship, set(staged.touched))
            writes.save_files(conn, repo.name, stored, files)
    summary.seconds = {"history": staged.seconds, "blame": sum(b.seconds for b in blamed),
                       "write": time.perf_counter() - started}
    survey, adr_texts = _survey(ws, GitRepo.open(repo.path), repo.head)
    adrs = _refresh_adrs(ws, repo.name, adr_texts, survey)
    return Written(summary, len(adrs), survey.problems, survey.skipped, survey.redactions)


def _file_rows(repo: Prepared, stored: dict[str, StoredFile], blamed: list[Blamed], summary: IngestSummary,
               progress: Progress) -> dict[str, dict]:
    """The `files` rows at HEAD, each with its blame counts (None: unchanged, kept as stored)."""
    counts = {path: c for b in blamed for path, c in b.counts.items()}
    failed = {path: why for b in blamed for path, why in b.failed.items()}
    rows: dict[str, dict] = {}
    for f in repo.files:
        old = stored.get(f.path)
        if f.left_out:
            rows[f.path] = {"blob": f.blob, "lines": 0, "excluded": f.left_out, "counts": {}}
        elif f.path in counts:
            rows[f.path] = {"blob": f.blob, "lines": sum(n for _, n in counts[f.path].values()), "excluded": None,
                            "counts": counts[f.path]}
            summary.blamed += 1
        elif old is not None and f.path not in failed:  # unchanged since the last ingest
            rows[f.path] = {"blob": f.blob, "lines": old.lines, "excluded": None, "counts": None}
            summary.reused += 1
        else:
            _warn(summary, progress, failed.get(f.path, f"{repo.name}: {f.path} was not blamed"))
            rows[f.path] = {"blob": f.blob, "lines": 0, "excluded": "blame failed", "counts": {}}
    for row in rows.values():
        row["options"] = repo.options
        if row["excluded"]:
            summary.excluded[row["excluded"]] += 1
        else:
            summary.files += 1
            summary.lines += row["lines"]
    if summary.excluded["submodule"]:
        _warn(summary, progress, f"{repo.name}: {summary.excluded['submodule']} submodule(s) skipped; "
                                 f"ingest each submodule as its own repository")
    return rows


def _written(ws: Workspace, repo: Prepared) -> bool:
    """True when an earlier run of this step committed (its worker died before staging); refuses when
    another ingest moved the repository on in the meantime, as the staged history would not fit."""
    head = stored_head(ws.store, repo.name)
    if head == repo.head != repo.since:
        return True
    if repo.since is not None and head != repo.since:
        raise InputError(f"{repo.name}: another ingest wrote it during this job; ingest it again")
    return False


def _survey(ws: Workspace, git: GitRepo, head: str) -> tuple[RepoContent, dict[str, FileText]]:
    """The indexable files at HEAD and the text of the ADRs among them."""
    settings = ws.settings
    survey = repo_content.survey(git, head, settings.max_file_bytes, settings.exclude, settings.adr_globs)
    adr_texts = {t.path: t for t in repo_content.read_texts(git, survey, sorted(survey.adr_paths))}
    return survey, adr_texts


def _refresh_adrs(ws: Workspace, repo: str, texts: dict[str, FileText], survey: RepoContent) -> dict[str, Adr]:
    """Parse every ADR at HEAD (they are few) and replace the repository's ADR facts with them."""
    adrs = repo_content.parse_adrs(list(texts.values()), survey)
    stored = [r["path"] for r in ws.store.rows("SELECT path FROM adrs WHERE repo = :repo", repo=repo)]
    with ws.store.transaction() as conn:
        writes.save_adrs(conn, repo, adrs, stored, set(survey.entries))
    return adrs


def content(ws: Workspace, staging: Staging, plan: Plan, progress: Progress, i: int, bucket: int) -> Synced:
    """One bucket of the repository's documents (files, ADRs, history notes) synced into the index."""
    repo = staging.get(f"prepare.{i}", Prepared)
    git = GitRepo.open(repo.path)
    survey, adr_texts = _survey(ws, git, repo.commit)
    adrs = repo_content.parse_adrs(list(adr_texts.values()), survey)
    skipped, redactions = Counter(survey.skipped), Counter(survey.redactions)  # the write step counted these
    buckets = plan.shape.content_buckets
    source = repo.name if buckets == 1 else f"{repo.name}~{bucket}"
    history = _histories(ws, repo.name, set(survey.entries))
    current = {f"{repo.name}:{p}": file_version(e.blob, p in survey.adr_paths) for p, e in survey.entries.items()}
    current |= {f"history:{repo.name}:{p}": history_version(h) for p, h in history.items()}
    current = {doc: version for doc, version in current.items() if bucket_of(doc, buckets) == bucket}

    def build(changed: list[str]):
        paths = [d.split(":", 1)[1] for d in changed if not d.startswith("history:")]
        texts = [adr_texts[p] for p in paths if p in adr_texts]
        texts += repo_content.read_texts(git, survey, [p for p in paths if p not in adr_texts])
        documents = [file_document(repo.name, t, adrs.get(t.path), t.path in survey.adr_paths) for t in texts]
        documents += [history_document(repo.name, d.split(":", 2)[2], history[d.split(":", 2)[2]])
                      for d in changed if d.startswith("history:")]
        return documents

    summary = _sync(ws, progress, source, current, build, _owners(ws, repo.name))
    return Synced(summary, survey.skipped - skipped, survey.redactions - redactions)


def bucket_of(doc_id: str, buckets: int) -> int:
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16) % buckets


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
    from handoff.core.facts import load_facts

    facts = load_facts(ws.store, ws.settings)
    owners = {}
    for f in facts.files:
        if f.repo == repo and f.owners:
            person = facts.people[max(f.owners, key=lambda p: (f.owners[p], p))]
            owners[(f.repo, f.path)] = {"owner": person.id, "owner_kind": person.kind}
    return owners


def tickets(ws: Workspace, staging: Staging, plan: Plan, progress: Progress, j: int) -> SourceReport:
    """One ticket export: its facts, and its documents when the run indexes."""
    path, repo = Path(plan.tickets[j][0]), plan.tickets[j][1]
    found, problems = read_tickets(path, max_text=ws.settings.max_ticket_text)
    report = SourceReport(source=str(path), problems=problems, tickets=len(found))
    found = [_redacted(t, report.redactions) for t in found]
    with ws.store.transaction() as conn:
        writes.save_tickets(conn, str(path.resolve()), found, repo)
    if plan.index:
        by_key = {f"ticket:{t.key}": t for t in found}
        source = "tickets-" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        report.index = _sync(ws, progress, source, {k: ticket_version(t) for k, t in by_key.items()},
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


def _sync(ws: Workspace, progress: Progress, source: str, current: dict[str, str], build,
          owners: dict | None = None) -> SyncSummary:
    """`Index.sync`, with the embedding model loaded once per process (and only once something needs
    embedding) rather than once per part."""
    from handoff.index.embedding import model_id
    from handoff.index.sync import Index

    index = Index(ws.home / "index", ws.settings, progress)
    key = model_id(ws.settings)
    index.embed.model = _models.get(key)
    summary = index.sync(source, current, build, owners)
    if index.embed.model is not None:
        _models[key] = index.embed.model
    return summary


def _warn(summary: IngestSummary, progress: Progress, message: str) -> None:
    summary.warnings.append(message)
    progress.warn(message)


STAGES: dict[str, Callable[..., Any]] = {
    "prepare": prepare, "history": history, "blame": blame, "write": write, "content": content, "tickets": tickets,
}
