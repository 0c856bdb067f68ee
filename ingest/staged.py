"""What the parts of an ingest stage for the parts after them, as typed records, and where they wait.

    Plan         the run: sources, ticket exports, whether to index, and how it is cut (`Shape`)
    Prepared     a repository pinned at HEAD, its files sorted, those to blame cut into parts
    History      new commits and the authorship rows they change
    Blamed       one blame part's counts, and the files git could not blame
    Written      the facts side of a repository's run (`IngestSummary`), its ADRs and skips
    Synced       one content bucket's index sync
    SourceReport / IngestReport   what a run reports, per source and whole

`MemoryStaging` keeps them as they are, in one process; `ingest.jobs.folder.JobFolder` keeps them
as JSON files that workers share and reads them back as these records.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from handoff.core.records import Problem
from handoff.index.summary import SyncSummary
from handoff.ingest.sources.blame import Counts
from handoff.ingest.sources.history import Commit

T = TypeVar("T")


@dataclass(frozen=True)
class Shape:
    """How a run is cut into parts. Changing `content_buckets` re-embeds every repository once: each
    bucket keeps its own docstore."""

    blame_batch: int | None  # files per blame part; None: one part per repository
    content_buckets: int  # content parts per repository


IN_PROCESS = Shape(blame_batch=None, content_buckets=1)
ON_WORKERS = Shape(blame_batch=100, content_buckets=8)


@dataclass
class Plan:
    """What one run ingests: (path or URL, name) sources and (ticket file, repository) exports."""

    sources: list[tuple[str, str | None]]
    tickets: list[tuple[str, str | None]]
    index: bool = True
    shape: Shape = IN_PROCESS
    started: float = field(default_factory=time.time)


@dataclass
class FileAtHead:
    path: str
    blob: str
    left_out: str | None  # why ownership leaves it out (binary, vendored, ...); None when it counts


@dataclass
class Prepared:
    """A repository pinned at HEAD, with every file at HEAD sorted and those to blame cut into parts."""

    name: str
    path: str
    head: str | None  # None for a repository without commits
    since: str | None  # the last ingest's HEAD when HEAD descends from it; None reads the history whole
    options: str  # the key of the blame options (flags, ignore-revs, mailmap) at HEAD
    shallow: bool = False
    files: list[FileAtHead] = field(default_factory=list)
    batches: list[list[str]] = field(default_factory=list)  # paths to blame, one list per blame part

    @property
    def commit(self) -> str:
        """The pinned HEAD; only repositories that have one get parts after `prepare`."""
        if self.head is None:
            raise ValueError(f"{self.name} has no commits to ingest")
        return self.head


@dataclass
class History:
    commits: list[Commit]
    touched: list[str]  # paths whose authorship rows are replaced
    authorship: list[dict]  # the new rows of the `authorship` table for those paths
    seconds: float


@dataclass
class Blamed:
    counts: dict[str, Counts]  # path -> identity -> (name, lines)
    failed: dict[str, str]  # path -> why git could not blame it
    seconds: float


@dataclass
class IngestSummary:
    """The facts side of one repository's run, as `handoff ingest` prints it."""

    repo: str
    path: str
    head: str | None = None
    commits_new: int = 0
    files: int = 0
    lines: int = 0
    blamed: int = 0
    reused: int = 0
    excluded: Counter = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Written:
    facts: IngestSummary
    adrs: int = 0
    problems: list[Problem] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    redactions: Counter = field(default_factory=Counter)


@dataclass
class Synced:
    index: SyncSummary
    skipped: Counter = field(default_factory=Counter)
    redactions: Counter = field(default_factory=Counter)


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


class Staging(Protocol):
    """Where the plan and the parts' outputs wait for the parts that read them."""

    def put(self, part: str, output: Any, warnings: list[str]) -> None: ...

    def get(self, part: str, kind: type[T]) -> T: ...

    def has(self, part: str) -> bool: ...

    def warnings(self) -> list[str]: ...


class MemoryStaging:
    """Staging for a run in one process: the outputs as they are."""

    def __init__(self) -> None:
        self._outputs: dict[str, Any] = {}
        self._warnings: dict[str, list[str]] = {}

    def put(self, part: str, output: Any, warnings: list[str]) -> None:
        self._outputs[part], self._warnings[part] = output, warnings

    def get(self, part: str, kind: type[T]) -> T:
        return self._outputs[part]

    def has(self, part: str) -> bool:
        return part in self._outputs

    def warnings(self) -> list[str]:
        return [w for part in sorted(self._warnings) for w in self._warnings[part]]


def prepared(staging: Staging, plan: Plan) -> dict[int, Prepared]:
    """Staged repositories by source number, each once (a repository named twice is ingested once)."""
    repos, names = {}, set()
    for i in range(len(plan.sources)):
        staged = staging.get(f"prepare.{i}", Prepared)
        if staged.name not in names:
            repos[i] = staged
            names.add(staged.name)
    return repos
