"""Ingest on awkward repositories: every case ends in facts or one clear error, never a mess."""

import shutil
import subprocess

import pytest

from handoff.core.errors import ExternalError, NotARepositoryError

from .gitbuilder import GitBuilder, numbered


def rows(workspace, table):
    return workspace.store.rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]


def test_a_folder_that_is_not_a_repository(workspace, ingest, tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(NotARepositoryError, match="not a git repository"):
        ingest(type("R", (), {"path": tmp_path / "plain"}))
    with pytest.raises(NotARepositoryError, match="no such folder"):
        ingest(type("R", (), {"path": tmp_path / "missing"}))


def test_empty_repository_is_recorded_with_a_warning(repo, ingest, facts):
    summary = ingest(repo)
    assert summary.head is None and "empty repository" in summary.warnings[0]
    assert facts().repos == ["repo"] and facts().files == []


def test_reingest_never_duplicates_and_reblames_only_changed_files(repo, ingest, workspace):
    repo.commit("alice", {f"m{i}.py": numbered(f"m{i}", 5) for i in range(6)})
    first = ingest(repo)
    counts = {t: rows(workspace, t) for t in ("commits", "file_changes", "files", "blame_lines", "authorship")}
    again = ingest(repo)
    assert (first.blamed, again.blamed, again.reused, again.commits_new) == (6, 0, 6, 0)
    assert counts == {t: rows(workspace, t) for t in counts}
    repo.commit("bob", {"m3.py": numbered("m3", 5) + "extra\n"})
    third = ingest(repo)
    assert (third.blamed, third.reused, third.commits_new) == (1, 5, 1)
    assert rows(workspace, "commits") == 2 and rows(workspace, "blame_lines") == 7


def test_rewritten_history_is_read_again_from_scratch(repo, ingest, workspace, facts):
    repo.commit("alice", {"a.py": numbered("a", 3)})
    repo.commit("bob", {"a.py": numbered("a", 3) + "b\n"})
    ingest(repo)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit("carol", {"a.py": numbered("a", 3) + "c\n"})
    ingest(repo)
    assert rows(workspace, "commits") == 2
    [f] = facts().files
    assert f.owners == {"alice@corp.example": 3, "carol@vendor.example": 1}


def test_a_failed_ingest_leaves_the_previous_facts_intact(repo, ingest, workspace, facts):
    repo.commit("alice", {"a.py": numbered("a", 3)})
    ingest(repo)
    before = facts().files
    repo.commit("bob", {"a.py": numbered("a", 3) + "b\n"})
    obj = repo.git("rev-parse", "HEAD").strip()
    shutil.move(repo.path / ".git" / "objects" / obj[:2] / obj[2:], repo.path / "stolen")
    with pytest.raises(ExternalError):
        ingest(repo)
    assert facts().files == before and rows(workspace, "commits") == 1


def test_shallow_clone_warns_that_history_is_partial(repo, ingest, tmp_path):
    for i in range(3):
        repo.commit("alice", {"a.py": numbered("a", i + 1)})
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone)], check=True)
    summary = ingest(type("R", (), {"path": clone}))
    assert any("shallow clone" in w for w in summary.warnings)
    assert summary.files == 1


def test_detached_head(repo, ingest, facts):
    first = repo.commit("alice", {"a.py": "one\n"})
    repo.commit("bob", {"a.py": "one\ntwo\n"})
    repo.git("checkout", "-q", first)
    summary = ingest(repo)
    assert summary.head == first and facts().files[0].owners == {"alice@corp.example": 1}


def test_awkward_file_names_and_content(repo, ingest, facts):
    names = {"with space.py": "a\n", "ünïcødé/файл.py": "b\nc\n", "new\nline.txt": "d\n", "-dash.py": "e\n"}
    repo.commit("alice", names)
    repo.commit("alice", {"latin1.txt": "caf\xe9\n".encode("latin-1")})
    summary = ingest(repo)
    assert {f.path: f.lines for f in facts().files} == {**{p: c.count("\n") for p, c in names.items()},
                                                         "latin1.txt": 1}
    assert summary.warnings == []


def test_non_utf8_author_names_are_kept_readable(repo, ingest, facts):
    """A commit object written by an old tool, its author name in Latin-1 bytes."""
    repo.commit("alice", {"f.txt": "x\n"})
    tree = repo.git("rev-parse", "HEAD^{tree}").strip()
    raw = (f"tree {tree}\nparent {repo.head()}\n".encode() + b"author Jos\xe9 <jose@corp.example> 1700000000 +0000\n"
           b"committer Jos\xe9 <jose@corp.example> 1700000000 +0000\nencoding ISO-8859-1\n\nlatin-1\n")
    sha = repo.git("hash-object", "-t", "commit", "-w", "--stdin", input=raw).strip()
    repo.git("update-ref", "HEAD", sha)
    ingest(repo)
    assert facts().people["jose@corp.example"].name.startswith("Jos")


def test_submodules_are_skipped_and_reported(repo, ingest, facts, tmp_path):
    inner = GitBuilder(tmp_path / "inner")
    inner.commit("bob", {"lib.py": "x\n"})
    repo.commit("alice", {"a.py": "a\n"})
    repo.git("-c", "protocol.file.allow=always", "submodule", "-q", "add", str(inner.path), "libs/inner")
    repo.commit("alice", message="add submodule")
    summary = ingest(repo)
    assert summary.excluded["submodule"] == 1 and any("submodule" in w for w in summary.warnings)
    assert {e.path: e.reason for e in facts().excluded} == {"libs/inner": "submodule"}


def test_symlinks_are_not_followed(repo, ingest, facts):
    repo.commit("alice", {"real.py": numbered("r", 4)})
    repo.symlink("link.py", "real.py")
    repo.symlink("escape", "/etc/passwd")
    repo.commit("bob", message="links")
    ingest(repo)
    snapshot = facts()
    assert {e.path: e.reason for e in snapshot.excluded} == {"link.py": "symlink", "escape": "symlink"}
    assert [f.path for f in snapshot.files] == ["real.py"]


def test_a_missing_blob_fails_the_ingest_and_keeps_the_previous_facts(repo, ingest, workspace, facts):
    repo.commit("alice", {"a.py": numbered("a", 3), "b.py": "b\n"})
    ingest(repo)
    before = facts().files
    repo.commit("bob", {"a.py": numbered("a", 3) + "b\n"})
    blob = repo.git("rev-parse", "HEAD:a.py").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    with pytest.raises(ExternalError):
        ingest(repo)
    assert facts().files == before and rows(workspace, "commits") == 1


def test_secrets_in_commit_messages_are_redacted_before_storage(repo, ingest, workspace):
    repo.commit("alice", {"a.py": "a\n"}, message="Point staging at postgresql://shop:Hunter2-Staging-77@db:5432/shop")
    ingest(repo)
    [row] = workspace.store.rows("SELECT message FROM commits")
    assert "Hunter2-Staging-77" not in row["message"] and "[REDACTED:basic-auth]" in row["message"]


def test_a_commit_graph_in_the_workspace_speeds_blame_without_touching_the_clone(repo, workspace, facts, ingest):
    for i in range(5):
        repo.commit("alice" if i % 2 else "bob", {"a.py": numbered("a", i + 3), f"f{i}.py": "x\n"})
    before = sorted(p.name for p in (repo.path / ".git" / "objects" / "info").iterdir())
    ingest(repo)
    assert (workspace.home / "git" / "repo" / "info" / "commit-graph").is_file()
    assert sorted(p.name for p in (repo.path / ".git" / "objects" / "info").iterdir()) == before
    [a] = [f for f in facts().files if f.path == "a.py"]
    assert a.owners == repo.blame_lines("a.py", "-w")
