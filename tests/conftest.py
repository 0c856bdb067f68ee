"""Shared fixtures: a workspace in a temp folder and the git repository builder."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.core.workspace import Workspace

from .gitbuilder import GitBuilder


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    ws, _ = Workspace.init(tmp_path / "ws")
    return ws


@pytest.fixture
def repo(tmp_path: Path) -> GitBuilder:
    return GitBuilder(tmp_path / "repo")


@pytest.fixture
def ingest(workspace):
    """Ingest a repository into the test workspace and return the summary."""
    from handoff.ingest.repository import ingest_repository

    def run(repo, name=None, settings=None):
        return ingest_repository(workspace.store, settings or workspace.settings, str(repo.path), name)

    return run


@pytest.fixture
def facts(workspace):
    """The facts snapshot of the test workspace, loaded afresh on each call."""
    from handoff.core.facts import load_facts

    return lambda settings=None: load_facts(workspace.store, settings or workspace.settings)
