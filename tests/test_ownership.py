"""Ownership at HEAD: per-person surviving lines, checked against plain `git blame`."""

from datetime import date

from handoff.core.settings import Settings
from handoff.retention.ownership import ownership
from handoff.retention.policy import RiskPolicy

from .gitbuilder import lines, numbered

POLICY = RiskPolicy.default()

AS_OF = date(2025, 6, 1)


def owners_of(facts, path):
    [f] = [f for f in facts.files if f.path == path]
    return f.owners


def test_per_person_lines_equal_plain_blame_w(repo, ingest, facts):
    repo.commit("alice", {"app.py": numbered("a", 20), "lib/util.py": numbered("u", 5)})
    repo.commit("bob", {"app.py": numbered("a", 12) + numbered("b", 7)})
    repo.commit("carol", {"app.py": numbered("a", 12) + "    " + numbered("b", 7)[:-1] + "\n" + numbered("c", 2)})
    repo.commit("dave", {"lib/util.py": numbered("u", 2) + numbered("d", 4)})
    ingest(repo)
    snapshot = facts()
    for path in ("app.py", "lib/util.py"):
        assert owners_of(snapshot, path) == repo.blame_lines(path, "-w")
    assert owners_of(snapshot, "app.py") == {"alice@corp.example": 12, "bob@vendor.example": 7,
                                             "carol@vendor.example": 2}


def test_shares_and_folder_totals(repo, ingest, facts):
    repo.commit("alice", {"src/a.py": numbered("a", 30), "src/sub/b.py": numbered("b", 10)})
    repo.commit("bob", {"src/sub/b.py": numbered("b", 5) + numbered("x", 15), "README.md": "hi\n"})
    ingest(repo)
    report = ownership(facts(), AS_OF, policy=POLICY)
    b = next(f for f in report.files if f.path == "src/sub/b.py")
    assert [(o.person, o.lines, round(o.share, 4)) for o in b.owners] == [
        ("bob@vendor.example", 15, 0.75), ("alice@corp.example", 5, 0.25)]
    folders = {(f.path, f.files, f.lines): {o.person: o.lines for o in f.owners} for f in report.folders}
    assert folders[("src", 2, 50)] == {"alice@corp.example": 35, "bob@vendor.example": 15}
    assert folders[(".", 3, 51)] == {"alice@corp.example": 35, "bob@vendor.example": 16}
    only_sub = ownership(facts(), AS_OF, policy=POLICY, path="src/sub")
    assert [f.path for f in only_sub.files] == ["src/sub/b.py"]


def test_mailmap_joins_two_emails_into_one_person(repo, ingest, facts):
    repo.people["bob-old"] = ("Bob C.", "bob.personal@gmail.example")
    repo.commit("bob-old", {"a.py": numbered("old", 4)})
    repo.commit("bob", {"a.py": numbered("old", 4) + numbered("new", 6),
                        ".mailmap": "Bob Contractor <bob@vendor.example> <bob.personal@gmail.example>\n"})
    ingest(repo)
    assert owners_of(facts(), "a.py") == {"bob@vendor.example": 10}


def test_blame_ignore_revs_gives_lines_back_to_their_authors(repo, ingest, facts):
    repo.commit("alice", {"a.py": lines("def f(x):", "  return x")})
    repo.commit("bob", {"b.py": lines("def g(y):", "  return y")})
    reformat = repo.commit("carol", {"a.py": lines("def f(x):", "    return x"),
                                     "b.py": lines("def g(y):", "    return y")}, message="reformat")
    settings = Settings(blame_ignore_whitespace=False)
    ingest(repo, settings=settings)
    assert owners_of(facts(), "a.py") == {"alice@corp.example": 1, "carol@vendor.example": 1}
    repo.commit("dave", {".git-blame-ignore-revs": f"# bulk reformat\n{reformat}\n"})
    ingest(repo, settings=settings)
    assert owners_of(facts(), "a.py") == {"alice@corp.example": 2}
    assert owners_of(facts(), "b.py") == {"bob@vendor.example": 2}


def test_unknown_revs_in_ignore_file_are_skipped_not_fatal(repo, ingest, facts):
    repo.commit("alice", {"a.py": "x\n", ".git-blame-ignore-revs": "0123456789abcdef0123456789abcdef01234567\n"})
    ingest(repo)
    assert owners_of(facts(), "a.py") == {"alice@corp.example": 1}


def test_left_out_files_each_with_a_reason(repo, ingest, facts):
    repo.commit("alice", {
        "app.py": "print(1)\n",
        "logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "vendor/lib.js": "var x;\n",
        "web/node_modules/pkg/index.js": "module.exports = 1;\n",
        "package-lock.json": "{}\n",
        "static/app.min.js": "var a=1;\n",
        "gen/api_pb2.py": "x = 1\n",
        "docs/guide.md": "# Guide\n",
        "third/keep.py": "kept = True\n",
        "third/generated.py": "g = 1\n",
        "vendor/ours.py": "ours = 1\n",
        ".gitattributes": "third/generated.py linguist-generated\nvendor/ours.py -linguist-vendored\n",
    })
    ingest(repo, settings=Settings(exclude=["docs/**"]))
    snapshot = facts()
    reasons = {e.path: e.reason for e in snapshot.excluded}
    assert reasons == {
        "logo.png": "binary", "vendor/lib.js": "vendored", "web/node_modules/pkg/index.js": "vendored",
        "package-lock.json": "generated", "static/app.min.js": "generated", "gen/api_pb2.py": "generated",
        "docs/guide.md": "excluded by setting", "third/generated.py": "generated",
    }
    assert {f.path for f in snapshot.files} == {"app.py", "third/keep.py", "vendor/ours.py", ".gitattributes"}


def test_bots_are_left_out_of_ownership_unless_included(repo, ingest, facts):
    repo.commit("alice", {"requirements.txt": lines("flask==2.0", "requests==2.0")})
    repo.commit("bot", {"requirements.txt": lines("flask==3.0", "requests==2.0")}, message="Bump flask")
    ingest(repo)
    [f] = facts().files
    assert (f.owners, f.lines, f.bot_lines) == ({"alice@corp.example": 1}, 1, 1)
    [f] = facts(Settings(include_bots=True)).files
    assert f.owners == {"alice@corp.example": 1, "49699333+dependabot[bot]@users.noreply.github.com": 1}


def test_move_detection_setting_keeps_moved_lines_with_their_author(repo, ingest, facts):
    block = numbered("moved block", 8)
    repo.commit("alice", {"a.py": block, "b.py": numbered("b", 3)})
    repo.commit("bob", {"a.py": "", "b.py": numbered("b", 3) + block}, message="move block")
    ingest(repo)
    assert owners_of(facts(), "b.py") == {"alice@corp.example": 3, "bob@vendor.example": 8}
    ingest(repo, settings=Settings(blame_detect_moves=True))
    assert owners_of(facts(), "b.py") == repo.blame_lines("b.py", "-w", "-M", "-C") == {"alice@corp.example": 11}
