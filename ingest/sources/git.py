"""Running git: one place that knows how to call it, stream it and report its failures.

GitPython opens and checks repositories; the heavy readers (log, blame, ls-tree) call git
directly with NUL-separated output, which is faster to parse and safe for any file name. Every
call runs in `git_env`'s environment, so nothing the repository configures runs.
"""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import git

from handoff.core.errors import ExternalError, NotARepositoryError
from handoff.ingest.sources.git_env import filter_overrides, git_environment


@dataclass(frozen=True)
class GitRepo:
    path: Path
    bare: bool
    env: dict = field(default_factory=dict, compare=False)  # on top of the safe environment for every git call
    config: dict = field(default_factory=dict, compare=False)  # command-line config on top of the safe settings

    @property
    def environment(self) -> dict:
        return {**git_environment(self.config), **self.env}

    @classmethod
    def open(cls, path: str | Path) -> GitRepo:
        path = Path(path).expanduser()
        try:
            repo = git.Repo(path)
        except git.NoSuchPathError:
            raise NotARepositoryError(f"{path}: no such folder; give the path of a git clone") from None
        except git.InvalidGitRepositoryError:
            raise NotARepositoryError(f"{path}: not a git repository; give the path of a git clone") from None
        root = Path(repo.git_dir if repo.bare else repo.working_tree_dir or repo.git_dir).resolve()
        if not repo.bare and root != path.resolve():
            raise NotARepositoryError(
                f"{path}: inside the repository at {root}, not its top; ingest {root} instead"
            )
        _check_ownership(root)
        return cls(root, repo.bare, config=filter_overrides(root))

    def run(self, *args: str, input: bytes | None = None, check: bool = True, env: dict | None = None) -> bytes:
        result = subprocess.run(
            ["git", "-C", str(self.path), *args], input=input, capture_output=True,
            env={**self.environment, **(env or {})},
        )
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise ExternalError(f"git {args[0]} failed in {self.path}: {message[-1] if message else result.returncode}")
        return result.stdout

    def stream(self, *args: str) -> Iterator[bytes]:
        """Yield git's stdout in chunks as it is produced; raise if git fails."""
        proc = subprocess.Popen(
            ["git", "-C", str(self.path), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=self.environment,
        )
        assert proc.stdout is not None and proc.stderr is not None  # both asked for as pipes
        try:
            while chunk := proc.stdout.read(1 << 16):
                yield chunk
            stderr = proc.stderr.read()
        finally:
            proc.stdout.close()
            proc.wait()
            proc.stderr.close()
        if proc.returncode != 0:
            message = stderr.decode("utf-8", "replace").strip().splitlines()
            raise ExternalError(f"git {args[0]} failed in {self.path}: {message[-1] if message else proc.returncode}")

    def head(self) -> str | None:
        """The commit HEAD points at (detached or not), or None in an empty repository."""
        out = self.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).strip()
        if out:
            return out.decode()
        branch = self.run("symbolic-ref", "--quiet", "HEAD", check=False).strip().decode()
        if branch and self.exit_status("show-ref", "--verify", "--quiet", branch) == 1:
            return None  # unborn branch: 1 means the ref is missing, 128 that it points at a missing commit
        raise ExternalError(f"{self.path}: HEAD does not point at a readable commit; run `git fsck` there")

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == b"true"

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.exit_status("merge-base", "--is-ancestor", older, newer) == 0

    def exit_status(self, *args: str) -> int:
        return subprocess.run(["git", "-C", str(self.path), *args], capture_output=True,
                              env=self.environment).returncode

    def read_blobs(self, blobs: list[str], limit: int | None = None) -> Iterator[tuple[str, bytes]]:
        """(blob, content) for each blob id through one `git cat-file --batch`; `limit` keeps only a prefix."""
        if not blobs:
            return
        proc = subprocess.Popen(["git", "-C", str(self.path), "cat-file", "--batch"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=self.environment)
        assert proc.stdout is not None  # asked for as a pipe
        writer = threading.Thread(target=_feed, args=(proc.stdin, blobs), daemon=True)
        writer.start()
        try:
            for blob in blobs:
                header = proc.stdout.readline().split()
                size = int(header[2]) if len(header) == 3 else 0
                content = proc.stdout.read(size)
                proc.stdout.read(1)
                yield blob, content if limit is None else content[:limit]
        finally:
            proc.stdout.close()
            proc.wait()
            writer.join()

    def with_commit_graph(self, folder: Path, head: str) -> GitRepo:
        """This repository with a commit-graph and changed-path Bloom filters kept in `folder`.

        Blame walks history once per file; the Bloom filters let git skip, for each commit, the
        files it did not touch (3-4x less git CPU on a 20,000-commit history). The graph lives
        outside the clone, offered to git as an alternate object directory, so the user's
        repository is never written to; it is rewritten only when HEAD moved.
        """
        repo = replace(self, env={**self.env, "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(folder)})
        marker = folder / "info" / "graph-head"
        if not (marker.is_file() and marker.read_text() == head):
            (folder / "info").mkdir(parents=True, exist_ok=True)
            repo.run("commit-graph", "write", "--reachable", "--changed-paths", "--object-dir", str(folder))
            marker.write_text(head)
        return repo

    def blob_text(self, rev_path: str) -> bytes | None:
        out = subprocess.run(
            ["git", "-C", str(self.path), "cat-file", "blob", rev_path], capture_output=True, env=self.environment,
        )
        return out.stdout if out.returncode == 0 else None


def _check_ownership(root: Path) -> None:
    """Git refuses a repository another user owns unless `safe.directory` lists it; say so in one line."""
    result = subprocess.run(["git", "-C", str(root), "rev-parse", "--git-dir"], capture_output=True,
                            env=git_environment())
    if b"dubious ownership" in result.stderr:
        raise NotARepositoryError(
            f"{root}: owned by another user, so git refuses to read it (safe.directory); if you trust it, run "
            f"`git config --global --add safe.directory {root}`")


def _feed(stdin, blobs: list[str]) -> None:
    """Write blob ids from a thread: writing them all first could fill the pipes and deadlock."""
    try:
        stdin.write("".join(f"{b}\n" for b in blobs).encode())
    except BrokenPipeError:
        pass
    finally:
        stdin.close()


def decode(raw: bytes) -> str:
    """Text from git: UTF-8, with undecodable bytes (legacy author names) replaced, not fatal."""
    return raw.decode("utf-8", "replace")
