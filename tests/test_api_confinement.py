"""Ingest jobs read git data only inside `allowed_roots`, wherever a folder's git data really lives.

A folder inside the roots can borrow its git data from outside: a gitfile, a worktree of an
outside repository, alternates, a symlinked object folder or pack. Each is refused with one line
naming the outside place, before git runs there and again when the job starts, and the outside
repository's content never becomes answerable.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from handoff.core.errors import InputError
from handoff.ingest.jobs.plan import plan_ingest

from .api_kit import bearer
from .gitbuilder import GitBuilder


def secret_repo(root: Path) -> GitBuilder:
    repo = GitBuilder(root / "outside" / "secret")
    repo.commit("alice", {"secret.py": "LAUNCH_CODES = 'outside the roots'\n"})
    return repo


def gitfile(allowed: Path, secret: GitBuilder) -> Path:
    folder = allowed / "gitfile"
    folder.mkdir(parents=True)
    (folder / ".git").write_text(f"gitdir: {secret.path / '.git'}\n")
    return folder


def worktree(allowed: Path, secret: GitBuilder) -> Path:
    secret.git("worktree", "add", "-q", str(allowed / "worktree"))
    return allowed / "worktree"


def alternates(allowed: Path, secret: GitBuilder) -> Path:
    borrower = GitBuilder(allowed / "borrower")
    (borrower.path / ".git" / "objects" / "info" / "alternates").write_text(f"{secret.path / '.git' / 'objects'}\n")
    borrower.git("update-ref", "HEAD", secret.head())
    return borrower.path


def nested_alternates(allowed: Path, secret: GitBuilder) -> Path:
    """An alternate inside the roots that itself borrows from outside."""
    middle = GitBuilder(allowed / "middle")
    (middle.path / ".git" / "objects" / "info" / "alternates").write_text(f"{secret.path / '.git' / 'objects'}\n")
    borrower = GitBuilder(allowed / "borrower2")
    (borrower.path / ".git" / "objects" / "info" / "alternates").write_text("../../../middle/.git/objects\n")
    borrower.git("update-ref", "HEAD", secret.head())
    return borrower.path


def linked_pack(allowed: Path, secret: GitBuilder) -> Path:
    secret.git("gc", "-q")
    linked = GitBuilder(allowed / "linked")
    pack = linked.path / ".git" / "objects" / "pack"
    pack.rmdir()
    pack.symlink_to(secret.path / ".git" / "objects" / "pack")
    linked.git("update-ref", "HEAD", secret.head())
    return linked.path


def linked_git_dir(allowed: Path, secret: GitBuilder) -> Path:
    folder = allowed / "linked-git"
    folder.mkdir(parents=True)
    (folder / ".git").symlink_to(secret.path / ".git")
    return folder


BORROWERS = [gitfile, worktree, alternates, nested_alternates, linked_pack, linked_git_dir]


@pytest.mark.parametrize("borrow", BORROWERS, ids=[b.__name__ for b in BORROWERS])
def test_git_data_outside_the_roots_is_refused(client, keys, tmp_path, borrow):
    secret = secret_repo(tmp_path)
    folder = borrow(tmp_path / "allowed", secret)
    assert b"LAUNCH_CODES" in subprocess.run(["git", "-C", str(folder), "show", "HEAD:secret.py"],
                                             capture_output=True).stdout  # git would read it
    response = client.post("/ingest/jobs", json={"repository": str(folder), "index": False},
                           headers=bearer(keys["admin"]))
    assert response.status_code == 400, response.text
    message = response.json()["error"]["message"]
    assert "outside the allowed roots" in message and str(tmp_path / "outside") in message and "\n" not in message
    owned = client.get("/ownership", headers=bearer(keys["reader"])).json()
    assert "secret.py" not in {f["path"] for f in owned["files"]}


def test_a_repository_changed_after_it_was_queued_is_checked_again(facts_ws, tmp_path):
    secret = secret_repo(tmp_path)
    borrower = GitBuilder(tmp_path / "allowed" / "later")
    borrower.commit("alice", {"a.py": "a\n"})
    plan = plan_ingest(facts_ws, str(borrower.path), None, [])
    (borrower.path / ".git" / "objects" / "info" / "alternates").write_text(f"{secret.path / '.git' / 'objects'}\n")
    with pytest.raises(InputError, match="outside the allowed roots"):
        plan.check_confined()


def test_a_repository_inside_the_roots_with_alternates_inside_is_accepted(facts_ws, tmp_path):
    lender = GitBuilder(tmp_path / "allowed" / "lender")
    lender.commit("alice", {"a.py": "a\n"})
    subprocess.run(["git", "clone", "-q", "--shared", str(lender.path), str(tmp_path / "allowed" / "shared")],
                   check=True)
    plan = plan_ingest(facts_ws, str(tmp_path / "allowed" / "shared"), None, [])
    assert plan.sources == [(str(tmp_path / "allowed" / "shared"), None)]
