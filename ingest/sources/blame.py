"""Surviving lines per author and file at HEAD, from `git blame`.

Blame runs as parallel git processes (the CPU work is git's), reading `--incremental`
output: the same attribution as `--line-porcelain` but one record per block of lines, so the
Python side stays small. A result is valid for (path, blob, options); options include the
blame flags, `.git-blame-ignore-revs` and `.mailmap` at HEAD, so a change to any of them blames
again.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from handoff.core.errors import ExternalError
from handoff.core.people import identity_key
from handoff.ingest.sources.git import GitRepo, decode

IGNORE_REVS_FILE = ".git-blame-ignore-revs"

Counts = dict[str, tuple[str, int]]  # identity key -> (name, lines)


@dataclass
class BlameOptions:
    args: list[str]
    key: str
    ignore_revs: Path | None

    def close(self) -> None:
        if self.ignore_revs is not None:
            self.ignore_revs.unlink(missing_ok=True)


def blame_options(repo: GitRepo, head: str, ignore_whitespace: bool, detect_moves: bool) -> BlameOptions:
    """Blame flags for this HEAD, with ignore-revs limited to commits that exist here."""
    args = (["-w"] if ignore_whitespace else []) + (["-M", "-C"] if detect_moves else [])
    ignore_revs = _ignore_revs(repo, head)
    mailmap = repo.blob_text(f"{head}:.mailmap") or b""
    digest = hashlib.sha256("\0".join(args).encode() + b"\0" + b"\n".join(ignore_revs) + b"\0" + mailmap)
    path = None
    if ignore_revs:
        handle = tempfile.NamedTemporaryFile("wb", suffix=".ignore-revs", delete=False)
        handle.write(b"\n".join(ignore_revs) + b"\n")
        handle.close()
        path = Path(handle.name)
        args += ["--ignore-revs-file", str(path)]
    return BlameOptions(args=args, key=digest.hexdigest()[:16], ignore_revs=path)


def blame_files(repo: GitRepo, head: str, paths: list[str], options: BlameOptions, jobs: int,
                on_done: Callable[[], None] = lambda: None) -> Iterator[tuple[str, Counts | ExternalError]]:
    """(path, counts) for each path, blamed in parallel; a file git cannot blame yields its error."""

    def one(path: str) -> tuple[str, Counts | ExternalError]:
        try:
            return path, blame_file(repo, head, path, options)
        except ExternalError as exc:
            return path, exc

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for path, counts in pool.map(one, paths):
            on_done()
            yield path, counts


def blame_file(repo: GitRepo, head: str, path: str, options: BlameOptions) -> Counts:
    result = subprocess.run(
        ["git", "-C", str(repo.path), "blame", "--incremental", "--no-textconv", *options.args, head, "--", path],
        capture_output=True, env=repo.environment,
    )
    if result.returncode != 0:
        message = decode(result.stderr).strip().splitlines()
        raise ExternalError(f"git blame failed for {path} in {repo.path}: {message[-1] if message else ''}")
    return parse_incremental(result.stdout)


def parse_incremental(output: bytes) -> Counts:
    authors: dict[str, tuple[str, str]] = {}
    lines_by_sha: dict[str, int] = {}
    sha, name = None, ""
    for line in output.split(b"\n"):
        if sha is None:
            if not line:
                continue
            parts = line.split(b" ")
            sha = parts[0].decode()
            lines_by_sha[sha] = lines_by_sha.get(sha, 0) + int(parts[3])
        elif line.startswith(b"author "):
            name = decode(line[7:])
        elif line.startswith(b"author-mail "):
            authors[sha] = (name, decode(line[12:]).strip().strip("<>"))
        elif line.startswith(b"filename "):
            sha = None
    counts: Counts = {}
    for sha, lines in lines_by_sha.items():
        name, email = authors[sha]
        key = identity_key(email, name)
        counts[key] = (name, counts.get(key, ("", 0))[1] + lines)
    return counts


def _ignore_revs(repo: GitRepo, head: str) -> list[bytes]:
    content = repo.blob_text(f"{head}:{IGNORE_REVS_FILE}")
    if not content:
        return []
    wanted = [line.split(b"#", 1)[0].strip() for line in content.splitlines()]
    wanted = [w for w in wanted if w]
    if not wanted:
        return []
    out = repo.run("cat-file", "--batch-check", input=b"".join(w + b"\n" for w in wanted))
    return [w for w, status in zip(wanted, out.splitlines(), strict=True) if status.split()[1:2] == [b"commit"]]
