"""Labels reach the report's charts as plain text: a folder named like mathtext is drawn as named.

A top-level folder named `$\\undefinedcommand{x}$` once made matplotlib's mathtext raise, a
traceback from `handoff report` and a 500 from the HTML endpoint.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from handoff.api.http.app import create_app
from handoff.core.keys import issue_key

from .gitbuilder import numbered

FOLDERS = ["$\\undefinedcommand{x}$", "$\\frac{a}{b}$", "a$b$c", "_hidden", "$$", "\\$x"]


@pytest.fixture
def mathy(workspace, repo, ingest):
    files = {f"{folder}/code.py": numbered(folder, 3 + n) for n, folder in enumerate(FOLDERS)}
    repo.commit("bob", files, when="2025-01-10")
    ingest(repo)
    return workspace


def test_the_html_report_draws_every_folder_name_as_text(mathy, cli, tmp_path):
    out = tmp_path / "report.html"
    result = cli("report", "--as-of", "2025-06-01", "-o", out)
    assert result.exception is None
    page = out.read_text()
    for folder in ("$\\undefinedcommand{x}$", "$\\frac{a}{b}$", "a$b$c"):
        assert f"repo: {folder}/" in page


def test_the_html_endpoint_serves_it(mathy):
    key = issue_key(mathy.store, "manager").key
    with TestClient(create_app(mathy.home, preload_index=False)) as client:
        page = client.get("/reports/knowledge-drain?as_of=2025-06-01", headers={"Authorization": f"Bearer {key}"})
    assert page.status_code == 200 and "$\\undefinedcommand{x}$" in page.text
