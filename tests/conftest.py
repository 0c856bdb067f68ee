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
