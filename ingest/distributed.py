"""One ingest split into parts that many workers share: per repository, and per stage.

    prepare  per repository: mirror a URL, pin HEAD, list the files to blame (changed since
             the last ingest, not left out) in batches of BLAME_BATCH
    facts    per repository: the history since the last ingest; each blame batch
    write    per repository: the staged history and blame, in one transaction; then the ADRs
    content  per repository and bucket: the documents whose id hashes to the bucket, into the
             index; per ticket export: its facts and documents
    finish   once: the BM25 index rebuilt from the vector store

Phases run in this order; the parts of one phase run in any order, on any worker. A part reads
what earlier parts staged in the job folder (`jobs/<id>/` in the workspace, which every worker
mounts) and stages its own output there, atomically, under its name. Nothing reaches the facts
store before the write step, so a part that runs twice (its worker died before acknowledging
it) only stages the same output again, and a part already staged is not run again.

The writes are those of the embedded ingest, through its own helpers and in the same order:
both modes write the same facts and the same chunks. Blame staged by a batch is handed to
`files_at_head` as if stored, so the one rule that sorts files (left out, unchanged, blamed) stays
in `repository.py`; a file the batches missed is simply blamed there. The content buckets are
fixed, so a document always falls in the same bucket, and each bucket keeps its own docstore
(`<repo>~<bucket>`): workers never write the same docstore at once.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from handoff.core.errors import ExternalError, InputError
from handoff.core.files import atomic_write
from handoff.core.json import jsonable
from handoff.core.progress import Progress, SilentProgress
from handoff.core.workspace import Workspace
from handoff.index.embedding import embedder, model_id
from handoff.index.sync import Index, SyncSummary
from handoff.ingest.local import ingest_tickets, refresh_adrs, sync_content
from handoff.ingest.repository import (
    IngestSummary,
    StoredFile,
    clear_repository,
    files_at_head,
    ingest_repository,
    repo_name,
    save_authorship,
    save_commits,
    save_files,
    save_repo,
    stored_files,
    warn,
)
from handoff.ingest.sources import authorship
from handoff.ingest.sources import content as repo_content
from handoff.ingest.sources.blame import blame_files, blame_options
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.history import Change, Commit, read_commits
from handoff.ingest.sources.remote import is_url, mirror, url_name
from handoff.ingest.sources.tree import attribute_reasons, binary_blobs, list_tree, structural_reason

PHASES = ("prepare", "facts", "write", "content", "finish")
KINDS = {"prepare": ("prepare",), "facts": ("history", "blame"), "write": ("write",),
         "content": ("content", "tickets"), "finish": ()}
PHASE_OF = {kind: phase for phase, kinds in KINDS.items() for kind in kinds}
BLAME_BATCH = 100  # files per blame part
CONTENT_BUCKETS = 8  # content parts per repository; changing it re-embeds every repository once

_models: dict[str, object] = {}  # embedding models loaded in this process, by model id


class JobFolder:
    """A job's plan and its parts' staged outputs, one JSON file each."""

    def __init__(self, ws: Workspace, job_id: str):
        self.root = ws.home / "jobs" / job_id

    @property
    def plan(self) -> dict:
        return self.read("plan")

    def write(self, name: str, value) -> None:
        atomic_write(self.root / f"{name}.json", json.dumps(jsonable(value)))

    def read(self, name: str) -> dict:
        return json.loads((self.root / f"{name}.json").read_text())

    def has(self, name: str) -> bool:
        return (self.root / f"{name}.json").is_file()

    def count(self, kinds: tuple[str, ...]) -> int:
        """Staged outputs of parts of these kinds: the parts of a phase done so far."""
        return sum(1 for p in self.root.glob("*.json") if p.name.split(".", 1)[0] in kinds)

    def claim(self, name: str, owner: str) -> bool:
        """True for the first owner to claim `name`, and for that owner again; False for anyone else."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.root / f"{name}.claim", "x") as handle:
                handle.write(owner)
        except FileExistsError:
            return (self.root / f"{name}.claim").read_text() == owner
        return True

    def last_change(self) -> float:
        """When anything was last staged, claimed or launched here (seconds since the epoch); 0 for no folder.
        Files renamed into place or a folder removed as the job ends vanish while this looks: they are skipped."""
        try:
            paths = list(self.root.iterdir())
        except FileNotFoundError:
            return 0.0
        times = []
        for path in paths:
            try:
                times.append(path.stat().st_mtime)
            except FileNotFoundError:
                continue
        return max(times, default=0.0)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def begin(ws: Workspace, job_id: str, plan: dict) -> JobFolder:
    """Stage the plan; open the index once, so a change of model empties it before parts run in parallel."""
    folder = JobFolder(ws, job_id)
    folder.write("plan", {**plan, "started": time.time()})
    if plan["index"]:
        Index(ws.home / "index", ws.settings, SilentProgress())
    return folder


def parts(folder: JobFolder, phase: str) -> list[str]:
    """The parts of `phase`, from the plan and what the earlier phases staged."""
    plan = folder.plan
    if phase == "prepare":
        return [f"prepare.{i}" for i in range(len(plan["sources"]))]
    repos = _repositories(folder)
    if phase == "facts":
        return [part for i, r in repos.items() if r["head"]
                for part in (f"history.{i}", *(f"blame.{i}.{k}" for k in range(len(r["batches"]))))]
    if phase == "write":
        return [f"write.{i}" for i in repos]
    if phase == "content":
        buckets = [f"content.{i}.{b}" for i, r in repos.items() if r["head"] for b in range(CONTENT_BUCKETS)]
        return (buckets if plan["index"] else []) + [f"tickets.{j}" for j in range(len(plan["tickets"]))]
    return []


def run_part(ws: Workspace, folder: JobFolder, part: str, progress: SilentProgress) -> None:
    """Run `part` and stage its output with its warnings; a part staged before is not run again."""
    if folder.has(part):
        return
    kind, *numbers = part.split(".")
    output = STAGES[kind](ws, folder, progress, *map(int, numbers))
    folder.write(part, {**output, "warnings": progress.warnings})


def phase_of(part: str) -> str:
    return PHASE_OF[part.split(".", 1)[0]]


def warnings(folder: JobFolder) -> list[str]:
    """Every staged part's warnings, for the job's row."""
    return [w for p in sorted(folder.root.glob("*.json")) for w in json.loads(p.read_text()).get("warnings", [])]


def _repositories(folder: JobFolder) -> dict[int, dict]:
    """Staged plans by source number, each repository once (a repository named twice is ingested once)."""
    repos, names = {}, set()
    for i in range(len(folder.plan["sources"])):
        staged = folder.read(f"prepare.{i}")
        if staged["name"] not in names:
            repos[i] = staged
            names.add(staged["name"])
    return repos


def prepare(ws: Workspace, folder: JobFolder, progress: Progress, i: int) -> dict:
    """Pin HEAD, note what the last ingest saw, and batch the files to blame."""
    source, name = folder.plan["sources"][i]
    if is_url(source):
        name = name or url_name(source)
        source = str(mirror(ws.home / "mirrors", source, name))
    repo = GitRepo.open(source)
    name, head = repo_name(repo, name), repo.head()
    since = _stored_head(ws, name)
    if head is None or (since is not None and not repo.is_ancestor(since, head)):
        since = None
    plan = {"name": name, "path": str(repo.path), "head": head, "since": since, "batches": []}
    if head is not None:
        to_blame = _to_blame(ws, _git(ws, plan), plan)
        plan["batches"] = [to_blame[k:k + BLAME_BATCH] for k in range(0, len(to_blame), BLAME_BATCH)]
    return plan


def _to_blame(ws: Workspace, repo: GitRepo, plan: dict) -> list[list[str]]:
    """[path, blob] of the text files at HEAD, not left out, whose blame is not stored for this blob and options."""
    settings = ws.settings
    options = blame_options(repo, plan["head"], settings.blame_ignore_whitespace, settings.blame_detect_moves)
    options.close()
    stored = {} if plan["since"] is None else stored_files(ws.store, plan["name"])
    entries = [e for e in list_tree(repo, plan["head"]) if not structural_reason(e)]
    left_out = attribute_reasons(repo, plan["head"], [e.path for e in entries], settings.exclude)
    changed = [e for e in entries if e.path not in left_out and not _same(stored.get(e.path), e.blob, options.key)]
    binary = binary_blobs(repo, [e.blob for e in changed])
    return [[e.path, e.blob] for e in changed if e.blob not in binary]


def _same(old: StoredFile | None, blob: str, options: str) -> bool:
    return old is not None and old.blob == blob and (
        old.excluded == "binary" or (old.excluded is None and old.options == options))


def _git(ws: Workspace, plan: dict) -> GitRepo:
    """The repository, with the workspace's commit-graph for its HEAD (written by the first part that needs it)."""
    repo = GitRepo.open(plan["path"])
    return repo if plan["head"] == plan["since"] else repo.with_commit_graph(ws.home / "git" / plan["name"],
                                                                             plan["head"])


def history(ws: Workspace, folder: JobFolder, progress: Progress, i: int) -> dict:
    """New commits, and the authorship rows they change: every row when the history is read whole."""
    plan = folder.read(f"prepare.{i}")
    repo, since = GitRepo.open(plan["path"]), plan["since"]
    started = time.perf_counter()
    histories = {} if since is None else authorship.from_rows(
        ws.store.rows("SELECT * FROM authorship WHERE repo = :repo", repo=plan["name"]))
    touched: set[str] = set()
    commits = []
    progress.stage("history")
    for commit in read_commits(repo, since):
        authorship.apply_commit(histories, commit, touched)
        commits.append(asdict(commit))
        progress.advance()
    if repo.head() != plan["head"]:
        raise InputError(f"{plan['name']}: HEAD moved during the ingest; ingest the repository again")
    touched = set(histories) if since is None else touched
    return {"commits": commits, "touched": sorted(touched), "seconds": time.perf_counter() - started,
            "authorship": authorship.to_rows(plan["name"], histories, touched)}


def blame(ws: Workspace, folder: JobFolder, progress: Progress, i: int, k: int) -> dict:
    """Blame counts of one batch; files git fails to blame are left to the write step, which reports them."""
    plan = folder.read(f"prepare.{i}")
    repo, batch = _git(ws, plan), dict(plan["batches"][k])
    settings, started = ws.settings, time.perf_counter()
    options = blame_options(repo, plan["head"], settings.blame_ignore_whitespace, settings.blame_detect_moves)
    progress.stage("blame", total=len(batch))
    try:
        results = blame_files(repo, plan["head"], list(batch), options, settings.blame_processes, progress.advance)
        blamed = {path: {"blob": batch[path], "counts": counts} for path, counts in results
                  if not isinstance(counts, ExternalError)}
    finally:
        options.close()
    return {"options": options.key, "blamed": blamed, "seconds": time.perf_counter() - started}


def write(ws: Workspace, folder: JobFolder, progress: Progress, i: int) -> dict:
    """The repository's facts in one transaction, as `ingest_repository` writes them; then its ADRs."""
    plan = folder.read(f"prepare.{i}")
    if plan["head"] is None:  # an empty repository: nothing was staged, and its facts are one row
        return {"facts": ingest_repository(ws.store, ws.settings, plan["path"], plan["name"], progress)}
    batches = [folder.read(f"blame.{i}.{k}") for k in range(len(plan["batches"]))]
    summary = _write_facts(ws, plan, folder.read(f"history.{i}"), batches, progress)
    survey, adr_texts = _survey(ws, GitRepo.open(plan["path"]), plan["head"])
    adrs = refresh_adrs(ws, plan["name"], adr_texts, survey)
    return {"facts": summary, "adrs": len(adrs), "problems": survey.problems, "skipped": survey.skipped,
            "redactions": survey.redactions}


def _write_facts(ws: Workspace, plan: dict, staged: dict, batches: list[dict], progress: Progress) -> IngestSummary:
    """The staged history and blame, committed with the files `files_at_head` sorts, unless an earlier run did."""
    repo, name = _git(ws, plan), plan["name"]
    summary = IngestSummary(repo=name, path=plan["path"], head=plan["head"], commits_new=len(staged["commits"]))
    stored = {} if plan["since"] is None else stored_files(ws.store, name)
    files = _files(ws, repo, plan, stored, _blamed(batches), summary, progress)
    shallow = _shallow(repo, summary, progress)
    started = time.perf_counter()
    if not _written(ws, plan):
        with ws.store.transaction() as conn:
            if plan["since"] is None:
                clear_repository(conn, name)
            save_repo(conn, summary, shallow)
            save_commits(conn, name, [_commit(c) for c in staged["commits"]], tuple(ws.settings.ticket_patterns))
            save_authorship(conn, name, authorship.from_rows(staged["authorship"]), set(staged["touched"]))
            save_files(conn, name, stored, files)
    summary.seconds |= {"history": staged["seconds"], "blame": sum(b["seconds"] for b in batches),
                        "write": time.perf_counter() - started}
    return summary


def _shallow(repo: GitRepo, summary: IngestSummary, progress: Progress) -> bool:
    shallow = repo.is_shallow()
    if shallow:
        warn(summary, progress, f"{summary.repo}: shallow clone, history is partial; authorship and truck "
                                 f"factor cover only the fetched commits (git fetch --unshallow)")
    return shallow


def _written(ws: Workspace, plan: dict) -> bool:
    """True when an earlier run of this step committed (its worker died before staging); refuses when
    another ingest moved the repository on in the meantime, as the staged history would not fit."""
    head = _stored_head(ws, plan["name"])
    if head == plan["head"] != plan["since"]:
        return True
    if plan["since"] is not None and head != plan["since"]:
        raise InputError(f"{plan['name']}: another ingest wrote it during this job; ingest it again")
    return False


def _stored_head(ws: Workspace, name: str) -> str | None:
    rows = ws.store.rows("SELECT head FROM repos WHERE name = :name", name=name)
    return rows[0]["head"] if rows else None


def _blamed(batches: list[dict]) -> dict[str, dict]:
    """Every batch's blame of the repository, each file with the options key it was blamed under."""
    return {path: {**result, "options": batch["options"]} for batch in batches
            for path, result in batch["blamed"].items()}


def _files(ws: Workspace, repo: GitRepo, plan: dict, stored: dict[str, StoredFile], blamed: dict[str, dict],
           summary: IngestSummary, progress: Progress) -> dict[str, dict]:
    """The `files` rows at HEAD: `files_at_head` sorts them, taking staged blame where blob and options match."""
    as_stored = {path: StoredFile(b["blob"], b["options"], sum(n for _, n in b["counts"].values()), None)
                 for path, b in blamed.items()}
    settings = ws.settings
    options = blame_options(repo, plan["head"], settings.blame_ignore_whitespace, settings.blame_detect_moves)
    try:
        files = files_at_head(repo, plan["head"], settings, stored | as_stored, options, summary, progress)
    finally:
        options.close()
    taken = [path for path in blamed if files[path]["counts"] is None and files[path]["excluded"] is None]
    for path in taken:
        files[path]["counts"] = blamed[path]["counts"]
    summary.reused, summary.blamed = summary.reused - len(taken), summary.blamed + len(taken)
    return files


def _commit(staged: dict) -> Commit:
    return Commit(**{**staged, "changes": [Change(**c) for c in staged["changes"]]})


def _survey(ws: Workspace, repo: GitRepo, head: str):
    """The indexable files at HEAD and the text of the ADRs among them."""
    settings = ws.settings
    survey = repo_content.survey(repo, head, settings.max_file_bytes, settings.exclude, settings.adr_globs)
    adr_texts = {t.path: t for t in repo_content.read_texts(repo, survey, sorted(survey.adr_paths))}
    return survey, adr_texts


def content(ws: Workspace, folder: JobFolder, progress: Progress, i: int, bucket: int) -> dict:
    """One bucket of the repository's documents (files, ADRs, history notes) synced into the index."""
    plan = folder.read(f"prepare.{i}")
    repo = GitRepo.open(plan["path"])
    survey, adr_texts = _survey(ws, repo, plan["head"])
    adrs = repo_content.parse_adrs(list(adr_texts.values()), survey)
    skipped, redactions = Counter(survey.skipped), Counter(survey.redactions)  # the write step counted these
    index = Bucket(_index(ws, progress), bucket)
    summary = sync_content(ws, repo, plan["name"], survey, adr_texts, adrs, index)
    return {"index": summary, "skipped": survey.skipped - skipped, "redactions": survey.redactions - redactions}


def tickets(ws: Workspace, folder: JobFolder, progress: Progress, j: int) -> dict:
    """One ticket export: its facts, and its documents when the job indexes."""
    path, repo = folder.plan["tickets"][j]
    index = _index(ws, progress) if folder.plan["index"] else None
    return {"report": ingest_tickets(ws, Path(path), repo, index)}


def _index(ws: Workspace, progress: Progress) -> Index:
    """The index, its embedding model loaded once per worker process rather than once per part."""
    index = Index(ws.home / "index", ws.settings, progress)
    key = model_id(ws.settings)
    if key not in _models:
        _models[key] = embedder(ws.settings)
    index.embed.model = _models[key]
    return index


STAGES = {"prepare": prepare, "history": history, "blame": blame, "write": write, "content": content,
          "tickets": tickets}


@dataclass
class Bucket:
    """The index, seen by one content part: it syncs only the documents of its bucket, in its own docstore."""

    index: Index
    number: int

    def sync(self, source: str, current: dict[str, str], build, owners: dict | None = None) -> SyncSummary:
        mine = {doc: version for doc, version in current.items() if bucket_of(doc) == self.number}
        return self.index.sync(f"{source}~{self.number}", mine, build, owners)


def bucket_of(doc_id: str) -> int:
    return int(hashlib.sha256(doc_id.encode()).hexdigest()[:8], 16) % CONTENT_BUCKETS


def finish(ws: Workspace, folder: JobFolder) -> dict:
    """Rebuild BM25 once every part is in, and report the job as `run_ingest` reports a run."""
    plan = folder.plan
    index = Index(ws.home / "index", ws.settings, SilentProgress()) if plan["index"] else None
    rebuilt = index.publish_lexical() if index else False
    sources = [_repository_report(folder, i, r) for i, r in _repositories(folder).items()]
    sources += [folder.read(f"tickets.{j}")["report"] for j in range(len(plan["tickets"]))]
    return {"sources": sources, "lexical_rebuilt": rebuilt, "seconds": time.time() - plan["started"]}


def _repository_report(folder: JobFolder, i: int, plan: dict) -> dict:
    """The repository's `SourceReport`: facts and ADRs from the write step, the index summed over buckets."""
    written = folder.read(f"write.{i}")
    buckets = [folder.read(f"content.{i}.{b}") for b in range(CONTENT_BUCKETS) if folder.has(f"content.{i}.{b}")]
    counted = [written, *buckets]
    return {"source": plan["name"], "facts": written["facts"], "adrs": written.get("adrs", 0),
            "problems": written.get("problems", []), "tickets": 0,
            "index": _summed([b["index"] for b in buckets]) if buckets else None,
            "skipped": dict(sum((Counter(c.get("skipped", {})) for c in counted), Counter())),
            "redactions": dict(sum((Counter(c.get("redactions", {})) for c in counted), Counter()))}


def _summed(summaries: list[dict]) -> dict:
    total = {key: sum(s[key] for s in summaries) for key in ("documents", "changed", "removed", "chunks")}
    seconds = Counter()
    for s in summaries:
        seconds.update(s["seconds"])
    return {**total, "seconds": dict(seconds)}
