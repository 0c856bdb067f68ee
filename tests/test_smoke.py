from handoff.core.facts import load_facts
from handoff.ingest.repository import ingest_repository

from .gitbuilder import numbered


def test_ingest_counts_lines_per_author(workspace, repo):
    repo.commit("alice", {"app.py": numbered("a", 10)})
    repo.commit("bob", {"app.py": numbered("a", 6) + numbered("b", 3)})
    ingest_repository(workspace.store, workspace.settings, str(repo.path))
    facts = load_facts(workspace.store, workspace.settings)
    [f] = facts.files
    assert f.owners == {"alice@corp.example": 6, "bob@vendor.example": 3}
