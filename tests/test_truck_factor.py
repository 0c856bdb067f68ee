"""Degree of authorship and truck factor on real git histories, with hand-computed expectations.

The bookkeeping follows the tool of Avelino et al. (ICPC 2016): the commit that adds a file is
no delivery, a rename is one, a path keeps its history across deletion, and a renamed file keeps
the history of its old path.
"""

from __future__ import annotations

import pytest

from handoff.core.facts import load_facts
from handoff.core.progress import SilentProgress
from handoff.core.workspace import Workspace
from handoff.ingest.local import run_ingest
from handoff.retention.doa import file_authors, file_doas
from handoff.retention.truck_factor import truck_factor

from .gitbuilder import GitBuilder, numbered

ALICE, BOB, CAROL, DAVE = "alice@corp.example", "bob@vendor.example", "carol@vendor.example", "dave@corp.example"
BOT = "49699333+dependabot[bot]@users.noreply.github.com"


def ingest(workspace, repo: GitBuilder):
    run_ingest(workspace, [(str(repo.path), None)], [], SilentProgress(), index=False)
    return load_facts(workspace.store, workspace.settings)


def doas(facts, path: str) -> dict[str, float]:
    return {person: round(value, 3) for person, value in file_doas(facts, "repo", path).items()}


def history(facts, path: str) -> dict[str, tuple[bool, int]]:
    """Person -> (first author, deliveries) for one file."""
    return {p: (c.first_author, c.deliveries) for p, c in facts.contributions[("repo", path)].items()}


def authors(facts, path: str, include_bots: bool = False) -> set[str]:
    return file_authors(facts, "repo", include_bots)[("repo", path)]


def removed(report_part) -> list[tuple[str, int]]:
    return [(r.person, r.files) for r in report_part.removed]


def test_doa_of_three_people_on_two_files(workspace, repo):
    repo.commit("alice", {"a.py": numbered("a", 10), "b.py": numbered("b", 10)})
    repo.commit("bob", {"a.py": numbered("a", 11)})
    repo.commit("bob", {"a.py": numbered("a", 12)})
    repo.commit("carol", {"a.py": numbered("a", 13), "b.py": numbered("b", 11)})
    repo.commit("alice", {"b.py": numbered("b", 12)})
    facts = ingest(workspace, repo)

    # a.py: alice FA=1 DL=0 AC=3; bob DL=2 AC=1; carol DL=1 AC=2 (adding a file is no delivery)
    assert history(facts, "a.py") == {ALICE: (True, 0), BOB: (False, 2), CAROL: (False, 1)}
    assert doas(facts, "a.py") == {ALICE: 3.946, BOB: 3.398, CAROL: 3.104}
    # b.py: alice FA=1 DL=1 AC=1; carol DL=1 AC=1
    assert doas(facts, "b.py") == {ALICE: 4.332, CAROL: 3.234}
    # carol: 3.104 / 3.946 = 0.79 on a.py but under 3.293; 3.234 / 4.332 = 0.747 on b.py
    assert authors(facts, "a.py") == {ALICE, BOB}
    assert authors(facts, "b.py") == {ALICE}


def test_creator_of_a_busy_file_stays_author_below_the_absolute_threshold(workspace, repo):
    repo.commit("alice", {"busy.py": numbered("v", 1)})
    for round_ in range(6):
        for n, person in enumerate(("p1", "p2", "p3", "p4", "p5")):
            repo.commit(person, {"busy.py": numbered(f"v{round_}{n}", 1)})
    facts = ingest(workspace, repo)

    # alice: FA=1, AC=30 -> 3.289, the highest DOA; each of the five others: DL=6, AC=24 -> 3.244
    assert doas(facts, "busy.py")[ALICE] == 3.289
    assert doas(facts, "busy.py")["p1@corp.example"] == 3.244
    assert authors(facts, "busy.py") == {ALICE}


def test_a_renamed_file_keeps_its_creator_and_later_deliveries_count_for_the_new_path(workspace, repo):
    repo.commit("alice", {"old.py": numbered("x", 20)})
    repo.commit("bob", rename={"old.py": "pkg/new.py"})
    repo.commit("carol", {"pkg/new.py": numbered("x", 21)})
    facts = ingest(workspace, repo)

    assert history(facts, "pkg/new.py") == {ALICE: (True, 0), BOB: (False, 1), CAROL: (False, 1)}
    # alice 4.391 - 0.321 ln 3; bob and carol 3.293 + 0.164 - 0.321 ln 2, under 3.293
    assert doas(facts, "pkg/new.py") == {ALICE: 4.038, BOB: 3.234, CAROL: 3.234}
    assert authors(facts, "pkg/new.py") == {ALICE}
    assert ("repo", "old.py") not in file_authors(facts)


def test_moving_a_file_back_counts_each_commit_once(workspace, repo):
    repo.commit("alice", {"a.py": numbered("a", 20)})
    repo.commit("bob", rename={"a.py": "b.py"})
    repo.commit("carol", rename={"b.py": "a.py"})
    facts = ingest(workspace, repo)

    assert history(facts, "a.py") == {ALICE: (True, 0), BOB: (False, 1), CAROL: (False, 1)}


def test_a_deleted_file_is_dropped_and_a_path_that_comes_back_takes_its_history_back(workspace, repo):
    repo.commit("alice", {"gone.py": numbered("g", 5), "notes.py": numbered("n", 5), "keep.py": numbered("k", 5)})
    repo.commit("bob", {"gone.py": numbered("g", 6), "notes.py": numbered("n", 6)})
    repo.commit("dave", delete=["gone.py", "notes.py"])
    repo.commit("carol", {"notes.py": numbered("fresh", 3)})
    facts = ingest(workspace, repo)

    assert set(file_authors(facts)) == {("repo", "keep.py"), ("repo", "notes.py")}
    assert truck_factor(facts).repos[0].files == 2
    # the deletion is no delivery; both who added notes.py are its creators (4.168 each), bob 3.457
    assert history(facts, "notes.py") == {ALICE: (True, 0), BOB: (False, 1), CAROL: (True, 0)}
    assert authors(facts, "notes.py") == {ALICE, BOB, CAROL}


def test_truck_factor_removes_authors_of_most_files_ties_to_most_changes(workspace, repo):
    repo.commit("alice", {"f1.py": numbered("1", 5), "f2.py": numbered("2", 5)})
    repo.commit("bob", {"f3.py": numbered("3", 5), "f4.py": numbered("4", 5)})
    repo.commit("carol", {"f5.py": numbered("5", 5), "f6.py": numbered("6", 5)})
    repo.commit("dave", {"f1.py": numbered("1", 6), "f3.py": numbered("3", 6)})
    repo.commit("bob", {"f4.py": numbered("4", 6)})
    repo.commit("carol", {"f5.py": numbered("5", 6)})
    repo.commit("carol", {"f5.py": numbered("5", 7)})
    facts = ingest(workspace, repo)

    # f1 {alice, dave} f2 {alice} f3 {bob, dave} f4 {bob} f5 {carol} f6 {carol}: two files each.
    # Changes break the tie: carol 2 + 2, bob 2 + 1, alice 2 + 0 and dave 0 + 2 (then by id).
    # After carol, bob and alice, only f1 and f3 (dave) keep an author: 2 of 6 is under half.
    assert authors(facts, "f1.py") == {ALICE, DAVE}
    repo_tf = truck_factor(facts).repos[0]
    assert (repo_tf.files, repo_tf.truck_factor) == (6, 3)
    assert removed(repo_tf) == [(CAROL, 2), (BOB, 2), (ALICE, 2)]


def test_removed_authors_with_under_a_tenth_of_the_top_files_are_not_counted(workspace, repo):
    repo.commit("alice", {f"a{i}.py": numbered(f"a{i}", 3) for i in range(11)})
    for i in range(11):
        repo.commit(f"p{i:02}", {f"p{i}.py": numbered(f"p{i}", 3)})
    facts = ingest(workspace, repo)

    # 22 files: without alice 11 keep an author (half), so p00 (1 file) goes too; 1/11 < 0.1
    repo_tf = truck_factor(facts).repos[0]
    assert (repo_tf.files, repo_tf.truck_factor) == (22, 1)
    assert removed(repo_tf) == [(ALICE, 11)]


def test_folder_truck_factors_count_changes_inside_the_folder(workspace, repo):
    repo.commit("alice", {"src/a.py": numbered("a", 5), "src/b.py": numbered("b", 5), "README.md": "hi\n"})
    repo.commit("bob", {"src/c.py": numbered("c", 5), "docs/guide.md": numbered("g", 5)})
    repo.commit("bob", {"src/c.py": numbered("c", 6)})
    repo.commit("bob", {"src/c.py": numbered("c", 7)})
    repo.commit("carol", {"docs/api.md": numbered("p", 5)})
    repo.commit("carol", {"docs/api.md": numbered("p", 6)})
    facts = ingest(workspace, repo)

    repo_tf = truck_factor(facts).repos[0]
    assert (repo_tf.files, repo_tf.truck_factor) == (6, 2)
    assert removed(repo_tf) == [(ALICE, 3), (BOB, 2)]
    folders = {f.path: (f.files, f.truck_factor, removed(f)) for f in repo_tf.folders}
    # docs: one file each; carol has 2 changes there, bob 1 (though 4 in the whole repository).
    # After carol, 1 of 2 files keeps an author: half is not under half, so bob goes too.
    assert folders == {"docs": (2, 2, [(CAROL, 1), (BOB, 1)]), "src": (3, 1, [(ALICE, 2)])}


def test_bots_are_not_authors(workspace, repo):
    repo.commit("alice", {"deps.txt": numbered("d", 3), "app.py": numbered("a", 3)})
    for n in range(10):
        repo.commit("bot", {"deps.txt": numbered(f"d{n}", 3)})
    facts = ingest(workspace, repo)

    # alice: FA=1 AC=10 -> 3.621; the bot: DL=10 -> 4.933, which would make alice 0.73 of the top
    assert doas(facts, "deps.txt") == {ALICE: 3.621}
    assert round(file_doas(facts, "repo", "deps.txt", include_bots=True)[BOT], 3) == 4.933
    assert authors(facts, "deps.txt") == {ALICE}
    assert authors(facts, "deps.txt", include_bots=True) == {BOT}
    repo_tf = truck_factor(facts).repos[0]
    assert removed(repo_tf) == [(ALICE, 2)]


@pytest.mark.parametrize("split", [2, 3])
def test_a_re_ingest_after_new_commits_equals_a_full_ingest(workspace, repo, tmp_path, split):
    steps = [
        lambda: repo.commit("alice", {"a.py": numbered("a", 10), "b.py": numbered("b", 10)}),
        lambda: repo.commit("bob", {"a.py": numbered("a", 11)}),
        lambda: repo.commit("carol", {"b.py": numbered("b", 11)}, rename={"a.py": "lib/a.py"}),
        lambda: repo.commit("dave", {"lib/a.py": numbered("a", 12)}, delete=["b.py"]),
    ]
    for step in steps[:split]:
        step()
    ingest(workspace, repo)
    for step in steps[split:]:
        step()
    incremental = ingest(workspace, repo)

    fresh, _ = Workspace.init(tmp_path / "fresh")
    full = ingest(fresh, repo)
    assert incremental.contributions == full.contributions
    assert history(full, "lib/a.py") == {ALICE: (True, 0), BOB: (False, 1), CAROL: (False, 1), DAVE: (False, 1)}
