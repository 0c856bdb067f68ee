"""Writing a `History` into a git repository with `git fast-import`.

One fast-import process takes the commits in order; the stream is cut only where a file must
quote the sha of a commit already written (`.git-blame-ignore-revs` names the reformat commit),
and the marks file carries the shas from one part to the next. A clone-like finish follows:
branch `main` checked out, an `origin` remote.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .cast import PEOPLE
from .story import History

REMOTE = "https://github.com/shop-example/shop.git"
EXECUTABLE = (".sh",)


def build_repository(path: Path, history: History) -> dict[str, str]:
    """Create the repository at `path` from `history`; returns the sha of every commit by key."""
    path = path.resolve()
    git(path.parent, "init", "-q", "-b", "main", str(path))
    marks = path / ".git" / "sample-marks"
    written: dict[str, tuple[str, bytes] | None] = {}
    stream = bytearray()
    for position in range(len(history.commits)):
        if history.shas_needed(position) - history.shas.keys():
            _import(path, marks, bytes(stream), history)
            stream = bytearray()
        stream += _commit(history, position, written, resumes=position > 0 and not stream)
    _import(path, marks, bytes(stream), history)
    marks.unlink()
    git(path, "reset", "-q", "--hard", "main")
    git(path, "remote", "add", "origin", REMOTE)
    git(path, "update-ref", "refs/remotes/origin/main", "main")
    return dict(history.shas)


def git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(cwd), *args], input=data, capture_output=True)
    if result.returncode != 0:
        raise RuntimeError(f"git {args[0]} failed in {cwd}: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def _import(path: Path, marks: Path, stream: bytes, history: History) -> None:
    options = [f"--export-marks={marks}"] + ([f"--import-marks={marks}"] if marks.exists() else [])
    git(path, "fast-import", "--quiet", "--date-format=raw", *options, data=stream)
    for line in marks.read_text().splitlines():
        mark, sha = line.split()
        history.shas[history.commits[int(mark[1:]) - 1].key] = sha


def _commit(history: History, position: int, written: dict, resumes: bool) -> bytes:
    """The fast-import command for one commit: the files it changes, in full.

    `written` holds what each file (by its HEAD path) read after the commits already streamed.
    A commit that `resumes` the branch in a new fast-import process names its parent's mark.
    """
    commit = history.commits[position]
    changes = bytearray()
    for src in history.touches[position]:
        new, old = history.render(src, position), written.get(src.path)
        if new == old:
            continue
        if old and (new is None or new[0] != old[0]):
            changes += f"D {old[0]}\n".encode()
        if new:
            mode = "100755" if new[0].endswith(EXECUTABLE) else "100644"
            changes += f"M {mode} inline {new[0]}\n".encode() + _data(new[1])
        written[src.path] = new
    if not changes:
        raise ValueError(f"commit {commit.key} ({commit.message.splitlines()[0]!r}) changes no file")
    name, email = PEOPLE[commit.who].git_identity(commit.day)
    epoch, offset = history.times[commit.key]
    signature = f"{name} <{email}> {epoch} {offset}\n".encode()
    head = f"commit refs/heads/main\nmark :{position + 1}\n".encode()
    head += b"author " + signature + b"committer " + signature + _data(commit.message.encode() + b"\n")
    if resumes:
        head += f"from :{position}\n".encode()
    return head + bytes(changes) + b"\n"


def _data(content: bytes) -> bytes:
    return f"data {len(content)}\n".encode() + content + b"\n"
