"""The HTML report in a real browser: Debian's headless Chromium, on a closed network.

`.ci/run` installs `chromium`; Playwright drives it (its own browser downloads do not work
here). The page must load from the file alone, log no console error, draw every chart with a
non-zero size, sort its tables and print.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from typer.testing import CliRunner

from handoff.api.main import app

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
CHARTS = ("holders", "vendors", "folders", "trend", "drain")
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def report_html(tmp_path_factory) -> Path:
    """The sample workspace's report on the demo date, as one HTML file."""
    out = tmp_path_factory.mktemp("sample")
    subprocess.run([sys.executable, str(EXAMPLES / "sample_workspace.py"), str(out)], check=True, capture_output=True)
    runner = CliRunner()
    for args in (["init"], ["roster", "load", out / "roster.csv"], ["ingest", out / "shop", "--facts-only"],
                 ["report", "--as-of", "2026-10-01", "-o", out / "report.html"]):
        result = runner.invoke(app, ["--home", str(out / "ws"), *map(str, args)])
        assert result.exit_code == 0, result.output
    return out / "report.html"


@dataclass
class Tab:
    """A browser page, with the console errors it logged and the network requests it tried."""

    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def allow_files_only(self, route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(route.request.url)
            route.abort()


@pytest.fixture
def tab(tmp_path):
    """Headless Chromium with a fresh profile, allowed to load file: URLs and nothing else."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path / "profile", executable_path=str(CHROMIUM), headless=True, args=FLAGS,
            viewport={"width": 1366, "height": 900})
        tab = Tab(context.new_page())
        tab.page.set_default_timeout(60_000)
        tab.page.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
        tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
        context.route("**/*", tab.allow_files_only)
        yield tab
        context.close()


@pytest.mark.slow
def test_report_opens_offline_with_every_chart_drawn(report_html, tab, tmp_path):
    page = tab.page
    page.goto(report_html.as_uri())
    screenshot = tmp_path / "report.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert (tab.errors, tab.requests) == ([], [])
    assert screenshot.stat().st_size > 50_000
    for name in CHARTS:
        box = page.locator(f"#chart-{name} svg").bounding_box()
        assert box and box["width"] > 300 and box["height"] > 50, name
    assert page.locator("#chart-trend svg text", has_text="Sep 2026").count() == 1
    assert page.locator(".card .value").first.inner_text() == "5,356"


@pytest.mark.slow
def test_tables_sort_in_the_page(report_html, tab):
    page = tab.page
    page.goto(report_html.as_uri())
    lines = page.locator("#table-files_at_risk tbody tr td:nth-child(4)")
    header = page.locator("#table-files_at_risk thead th", has_text="Lines").first
    header.locator("button").click()
    ascending = [int(t.replace(",", "")) for t in lines.all_inner_texts()]
    header.locator("button").click()
    descending = [int(t.replace(",", "")) for t in lines.all_inner_texts()]
    assert ascending == sorted(ascending) and descending == sorted(ascending, reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
    assert tab.errors == []


@pytest.mark.slow
def test_report_prints(report_html, tab, tmp_path):
    tab.page.goto(report_html.as_uri())
    pdf = tmp_path / "report.pdf"
    tab.page.pdf(path=str(pdf), format="A4", print_background=True)
    content = pdf.read_bytes()
    assert content.startswith(b"%PDF") and len(PDF_PAGE.findall(content)) >= 3
    assert tab.errors == []
