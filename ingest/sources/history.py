"""Commit history in one streaming `git log` pass: who changed which file, how much, renames.

Each commit becomes a `Commit` record with its `Change`s (status from `--raw`, line counts from
`--numstat`, renames detected with `-M`). Merge commits carry no changes: their content is
already in the commits they merge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from handoff.ingest.sources.git import GitRepo, decode

RECORD = b"\x1e"
LOG_FORMAT = "%x1e%H%x00%P%x00%aN%x00%aE%x00%at%x00%B"


@dataclass
class Change:
    path: str
    status: str  # A M D R C T
    old_path: str | None = None
    added: int | None = None  # None for binary files
    deleted: int | None = None


@dataclass
class Commit:
    sha: str
    parents: int
    name: str
    email: str
    authored_at: int  # epoch seconds
    message: str
    changes: list[Change] = field(default_factory=list)


def read_commits(repo: GitRepo, since: str | None = None) -> Iterator[Commit]:
    """Commits reachable from HEAD (after `since`, when given), oldest first."""
    revs = f"{since}..HEAD" if since else "HEAD"
    args = ["log", "-z", "--date-order", "--reverse", "-M", "-l0", "--raw", "--numstat", "--no-abbrev",
            "--no-color", "--no-ext-diff", "--no-textconv", "--no-show-signature", f"--format={LOG_FORMAT}", revs, "--"]
    return parse_log(repo.stream(*args))


def parse_log(chunks: Iterable[bytes]) -> Iterator[Commit]:
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        *complete, buffer = buffer.split(RECORD)
        for record in complete:
            if record:
                yield _commit(record)
    if buffer:
        yield _commit(buffer)


def _commit(record: bytes) -> Commit:
    sha, parents, name, email, when, rest = record.split(b"\x00", 5)
    message, _, diff = rest.partition(b"\x00")
    commit = Commit(sha=sha.decode(), parents=len(parents.split()), name=decode(name), email=decode(email),
                    authored_at=int(when or 0), message=decode(message).strip())
    commit.changes = _changes(diff.lstrip(b"\n").split(b"\x00"))
    return commit


def _changes(tokens: list[bytes]) -> list[Change]:
    by_path: dict[str, Change] = {}
    order: list[Change] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        if token.startswith(b":"):
            status = token.rsplit(b" ", 1)[-1].decode()[:1]
            if status in "RC":
                change = Change(path=decode(tokens[i + 2]), old_path=decode(tokens[i + 1]), status=status)
                i += 3
            else:
                change = Change(path=decode(tokens[i + 1]), status=status)
                i += 2
            by_path[change.path] = change
            order.append(change)
        elif token:
            added, deleted, path = token.split(b"\t", 2)
            if not path:
                path, i = tokens[i + 2], i + 3
            else:
                i += 1
            counted = by_path.get(decode(path))
            if counted is not None:
                counted.added = None if added == b"-" else int(added)
                counted.deleted = None if deleted == b"-" else int(deleted)
        else:
            i += 1
    return order
