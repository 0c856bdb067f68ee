"""The files at HEAD, and which of them ownership leaves out and why.

Left out, each with its reason: submodules and symlinks (never followed), binary files (a NUL
byte in the first 8000 bytes, as git decides, or the `binary` attribute), vendored and
generated files (`linguist-vendored` / `linguist-generated` in `.gitattributes`, which also
override the defaults below), and paths matching the `exclude` setting.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import PurePosixPath

from handoff.core.errors import ExternalError
from handoff.ingest.sources.git import GitRepo, decode

VENDORED_DIRS = ("vendor", "vendors", "node_modules", "third_party", "third-party", "bower_components", "external")
GENERATED_NAMES = (
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "npm-shrinkwrap.json", "poetry.lock", "Pipfile.lock",
    "uv.lock", "Cargo.lock", "Gemfile.lock", "composer.lock", "go.sum", "mix.lock", "pubspec.lock",
)
GENERATED_GLOBS = ("*.min.js", "*.min.css", "*.min.map", "*.js.map", "*_pb2.py", "*.pb.go", "*.pb.cc", "*.pb.h")
BINARY_SNIFF = 8000


@dataclass(frozen=True)
class TreeEntry:
    path: str
    blob: str
    mode: str
    size: int


def list_tree(repo: GitRepo, head: str) -> list[TreeEntry]:
    out = repo.run("ls-tree", "-r", "-z", "-l", "--full-tree", head)
    entries = []
    for record in out.split(b"\x00"):
        if not record:
            continue
        meta, path = record.split(b"\t", 1)
        mode, _kind, blob, size = meta.split()
        if size == b"BAD":  # git lists an object it cannot read
            raise ExternalError(f"{repo.path}: git cannot read {decode(path)} (object {blob.decode()}) at "
                                f"{head[:12]}; the repository is damaged: run `git fsck` there")
        entries.append(TreeEntry(decode(path), blob.decode(), mode.decode(), int(size) if size != b"-" else 0))
    return entries


def structural_reason(entry: TreeEntry) -> str | None:
    if entry.mode == "160000":
        return "submodule"
    if entry.mode == "120000":
        return "symlink"
    return None


def attribute_reasons(repo: GitRepo, head: str, paths: list[str], exclude: list[str]) -> dict[str, str]:
    """Reasons from `.gitattributes` at HEAD, the built-in defaults and the `exclude` globs."""
    attrs = _check_attrs(repo, head, paths, ("linguist-vendored", "linguist-generated", "diff"))
    reasons = {}
    for path in paths:
        values = attrs.get(path, {})
        reason = (
            _flag(values.get("linguist-vendored"), _default_vendored(path), "vendored")
            or _flag(values.get("linguist-generated"), _default_generated(path), "generated")
            or ("binary" if values.get("diff") == "unset" else None)
            or ("excluded by setting" if any(_glob(path, g) for g in exclude) else None)
        )
        if reason:
            reasons[path] = reason
    return reasons


def binary_blobs(repo: GitRepo, blobs: list[str]) -> set[str]:
    """Blobs whose first 8000 bytes hold a NUL byte: git's own test for binary content."""
    return {blob for blob, content in repo.read_blobs(blobs, limit=BINARY_SNIFF) if b"\x00" in content}


def _check_attrs(repo: GitRepo, head: str, paths: list[str], names: tuple[str, ...]) -> dict[str, dict]:
    """Attributes as `.gitattributes` at `head` define them, bare repositories included."""
    if not paths:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        repo.run("read-tree", head, env=env)
        out = repo.run("check-attr", "--cached", "-z", "--stdin", *names,
                       input=b"".join(p.encode() + b"\x00" for p in paths), env=env)
    fields = out.split(b"\x00")
    attrs: dict[str, dict] = {}
    for i in range(0, len(fields) - 2, 3):
        value = fields[i + 2].decode()
        if value != "unspecified":
            attrs.setdefault(decode(fields[i]), {})[fields[i + 1].decode()] = value
    return attrs


def _flag(value: str | None, default: bool, reason: str) -> str | None:
    if value in ("set", "true"):
        return reason
    if value in ("unset", "false"):
        return None
    return reason if default else None


def _default_vendored(path: str) -> bool:
    return any(part in VENDORED_DIRS for part in PurePosixPath(path).parts[:-1])


def _default_generated(path: str) -> bool:
    name = PurePosixPath(path).name
    return name in GENERATED_NAMES or any(fnmatch(name, g) for g in GENERATED_GLOBS)


def _glob(path: str, pattern: str) -> bool:
    """Shell-style glob whose `*` spans folders; a pattern without `/` matches the file name anywhere."""
    return fnmatch(PurePosixPath(path).name if "/" not in pattern else path, pattern)
