"""Ingesting a hostile repository runs nothing it configures: hooks, fsmonitor, gpg, textconv, filters.

Each mechanism is planted in a real repository's own `.git/config` or hooks with a program that
leaves a marker file; an ingest (history, blame, attributes, content) and a trend sample must
leave no marker, and still count the lines right. A repository owned by another user is refused
in one line, as git's `safe.directory` rule says.
"""

from __future__ import annotations

import os
import stat
import subprocess
from datetime import date
from pathlib import Path

import pytest

from handoff.core.errors import NotARepositoryError
from handoff.core.progress import SilentProgress
from handoff.ingest.local import run_ingest
from handoff.ingest.samples import sample_ownership
from handoff.ingest.sources.git import GitRepo

from .gitbuilder import GitBuilder, numbered

HOOKS = ("post-index-change", "post-checkout", "post-merge", "pre-commit", "reference-transaction", "pre-auto-gc",
         "post-rewrite", "fsmonitor-watchman")


def program(folder: Path, name: str, marks: Path, body: str = "") -> str:
    """An executable that leaves `marks/name` when run; returns its path."""
    script = folder / name
    script.write_text(f"#!/bin/sh\ntouch '{marks / name}'\n{body}")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(script)


def sign_head(repo: GitBuilder) -> None:
    """Give HEAD a (fake) PGP signature, so `log.showSignature` makes git call gpg.program."""
    raw = repo.git("cat-file", "commit", "HEAD")
    header, body = raw.split("\n\n", 1)
    signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----"
    signed = repo.git("hash-object", "-t", "commit", "-w", "--stdin",
                      input=f"{header}\n{signature}\n\n{body}".encode()).strip()
    repo.git("update-ref", "HEAD", signed)


@pytest.fixture
def hostile(tmp_path) -> tuple[GitBuilder, Path]:
    marks, bin_dir = tmp_path / "marks", tmp_path / "bin"
    marks.mkdir()
    bin_dir.mkdir()
    repo = GitBuilder(tmp_path / "hostile")
    repo.commit("alice", {".gitattributes": "* filter=sm diff=conv\n", "app.py": numbered("app", 5),
                          "docs/adr/0001-use-cents.md": "# 1. Use cents\n\n## Status\n\nAccepted\n"},
                when="2025-01-10")
    repo.commit("bob", {"app.py": numbered("app", 5) + "bob\n"}, when="2025-02-10")
    sign_head(repo)
    hooks = repo.path / ".git" / "hooks"
    for hook in HOOKS:
        program(hooks, hook, marks)
    own_hooks = tmp_path / "own-hooks"
    own_hooks.mkdir()
    for hook in HOOKS:
        program(own_hooks, f"{hook}", marks)
    settings = {
        "core.fsmonitor": program(bin_dir, "fsmonitor", marks),
        "gpg.program": program(bin_dir, "gpg", marks, "exit 1\n"),
        "log.showSignature": "true",
        "diff.conv.textconv": program(bin_dir, "textconv", marks, 'cat "$1"\n'),
        "filter.sm.smudge": program(bin_dir, "smudge", marks, "cat\n"),
        "filter.sm.clean": program(bin_dir, "clean", marks, "cat\n"),
        "filter.sm.process": program(bin_dir, "process", marks, "exit 1\n"),
        "filter.sm.required": "true",
        "core.pager": program(bin_dir, "pager", marks),
        "diff.external": program(bin_dir, "external-diff", marks),
    }
    for key, value in settings.items():
        repo.git("config", key, value)
    return repo, marks


def test_an_ingest_runs_nothing_the_repository_configures(workspace, hostile):
    repo, marks = hostile
    report = run_ingest(workspace, [(str(repo.path), "hostile")], [], SilentProgress(), index=False)
    samples = sample_ownership(workspace.store, workspace.settings, date(2025, 3, 1), git_cache=workspace.home / "git")
    assert sorted(p.name for p in marks.iterdir()) == []
    facts = report.sources[0].facts
    assert facts.commits_new == 2 and facts.warnings == []
    lines = {r["email"]: r["lines"] for r in workspace.store.rows(
        "SELECT email, lines FROM blame_lines WHERE repo = 'hostile' AND path = 'app.py'")}
    assert lines == {"alice@corp.example": 5, "bob@vendor.example": 1}
    assert samples and report.sources[0].adrs == 1


def test_a_repository_hooks_path_of_its_own_is_ignored_too(workspace, hostile, tmp_path):
    repo, marks = hostile
    repo.git("config", "core.hooksPath", str(tmp_path / "own-hooks"))
    run_ingest(workspace, [(str(repo.path), "hostile")], [], SilentProgress(), index=False)
    assert sorted(p.name for p in marks.iterdir()) == []


def test_git_never_sees_variables_that_point_it_elsewhere(tmp_path, monkeypatch):
    repo = GitBuilder(tmp_path / "repo")
    repo.commit("alice", {"a.py": "a\n"})
    other = GitBuilder(tmp_path / "other")
    other.commit("bob", {"b.py": "b\n"})
    expected = repo.head()
    monkeypatch.setenv("GIT_DIR", str(other.path / ".git"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='touch /tmp/handoff-pwned'")
    assert GitRepo.open(repo.path).head() == expected


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a folder to another user needs root")
def test_a_repository_owned_by_another_user_is_refused_in_one_line(tmp_path):
    repo = GitBuilder(tmp_path / "theirs")
    repo.commit("alice", {"a.py": "a\n"})
    subprocess.run(["chown", "-R", "12345:12345", str(repo.path)], check=True)
    with pytest.raises(NotARepositoryError) as refused:
        GitRepo.open(repo.path)
    assert "owned by another user" in refused.value.message and "safe.directory" in refused.value.message
    assert "\n" not in refused.value.message
