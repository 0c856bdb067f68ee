"""The web page in real headless Chromium against a real `handoff serve`: enter a key, ask and follow a
citation, generate a checklist, open the drain report, and see what a reader's key may not see."""

from __future__ import annotations

import shutil

import pytest

from .api_kit import AS_OF, issue_keys, small_workspace
from .test_api_server import start_server

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium (apt)")]

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("web")
    ws = small_workspace(root, index=True)
    keys = issue_keys(ws)
    process, base = start_server(ws.home, root / "server.log")
    yield base, keys
    process.terminate()
    process.wait(timeout=60)


@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=shutil.which("chromium"), headless=True,
            args=CHROMIUM_FLAGS)
        context.set_default_timeout(60_000)
        yield context.new_page()
        context.close()


def sign_in(page, base: str, key: str) -> None:
    page.goto(base)
    page.fill("#key", key)
    page.click("#key-form button")
    page.fill("#as-of", AS_OF)
    page.dispatch_event("#as-of", "change")


def test_ask_a_question_and_follow_a_citation(site, page):
    base, keys = site
    sign_in(page, base, keys["manager"])
    page.fill("#question", "how is the refund amount computed?")
    page.click("#ask-form button")
    page.wait_for_selector("#answer .citations li")
    assert "pay/refunds.py" in page.inner_text("#cite-1 summary")
    page.click("#answer a.cite >> nth=0")
    assert "#cite-" in page.url
    cited = page.url.rsplit("#", 1)[1]
    page.click(f"#{cited} summary")
    assert page.is_visible(f"#{cited} blockquote")
    assert "Bob Contractor" in page.inner_text("#answer .owners")


def test_generate_a_checklist_and_open_the_drain_report(site, page):
    base, keys = site
    sign_in(page, base, keys["manager"])
    page.wait_for_selector("#people table")
    page.wait_for_selector("#risk table")
    assert "departed" in page.inner_text("#people")
    assert "pay/refunds.py" in page.inner_text("#risk")
    page.click("#offboarding li:has-text('Carol Contractor') button")
    heading = page.wait_for_selector("#offboarding .checklist h1")
    assert heading.inner_text() == "Offboarding checklist: Carol Contractor (carol)"
    with page.context.expect_page() as opened:
        page.click("#drain-report")
    report = opened.value
    report.wait_for_selector("table.sortable")
    assert report.title() == f"Knowledge drain on {AS_OF}"
    report.click("table.sortable thead th button >> nth=0")  # the report's script runs under the page's policy
    report.wait_for_selector("table.sortable thead th[aria-sort='ascending']")


def test_the_key_lasts_the_session_and_roles_show(site, page):
    base, keys = site
    sign_in(page, base, keys["reader"])
    page.wait_for_selector("#people .error")
    assert "this needs the manager role" in page.inner_text("#people")
    page.reload()
    assert page.is_visible("#panels") and page.is_hidden("#key-form")
    page.click("#forget")
    assert page.is_visible("#key-form")
    page.fill("#key", "hk_wrong_key")
    page.click("#key-form button")
    page.wait_for_selector("#key-form:visible")
    assert "not valid" in page.inner_text("#key-message")
