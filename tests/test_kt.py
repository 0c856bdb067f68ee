"""Knowledge-transfer drafts on the indexed sample organisation: cited, checkable, model optional."""

import json
import re
import subprocess

import pytest
from typer.testing import CliRunner

from handoff.api.main import app
from handoff.core.facts import load_facts

from .fake_llm import FakeLlm

pytestmark = pytest.mark.slow

SOURCE = re.compile(r"^\[(\d+)\] (?:(\S+?):(\S+):(\d+)-(\d+) \((\w+)\)|([A-Z]+-\d+) .*\(ticket\))$")
SECTIONS = ["Purpose and structure", "Key files and entry points", "Decisions and their reasons",
            "Known issues and open tickets", "Ownership and who to ask", "Glossary"]


def kt(ws, *args, env=None):
    result = CliRunner().invoke(app, ["--home", str(ws.home), "kt", *args, "--as-of", "2026-10-01"], env=env)
    assert result.exit_code == 0, result.output + str(result.exception or "")
    return result.stdout


def head_lines(repo, path: str) -> int | None:
    """Lines of `path` at HEAD, or None when HEAD has no such file."""
    shown = subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True)
    return shown.stdout.decode(errors="replace").count("\n") if shown.returncode == 0 else None


def test_every_citation_of_a_person_draft_resolves_to_real_lines(sample_index):
    draft = kt(sample_index, "Viktor Salo")
    body, _, sources = draft.partition("\n## Sources\n")
    listed = {}
    for line in sources.strip().splitlines():
        match = SOURCE.match(line)
        assert match, line
        listed[int(match.group(1))] = match
    assert sorted({int(n) for n in re.findall(r"\[(\d+)\]", body)}) == sorted(listed) == list(range(1, len(listed) + 1))
    tickets = load_facts(sample_index.store, sample_index.settings).tickets
    repo = sample_index.home.parent / "shop"
    for n, match in listed.items():
        if match.group(7):
            assert match.group(7) in tickets
            continue
        lines = head_lines(repo, match.group(3))
        assert lines is not None, f"[{n}] {match.group(3)} is not at HEAD"
        assert 1 <= int(match.group(4)) <= int(match.group(5)) <= lines, match.group(0)


def test_a_person_draft_covers_their_areas(sample_index):
    draft = kt(sample_index, "C2007")
    areas = re.findall(r"^## (\S+) \(shop, ", draft, re.MULTILINE)
    assert areas == ["shop/payments", "shop/billing", "shop", "shop/api/routes", "migrations",
                     "shop/notifications/templates"]
    payments = draft.split("\n## shop/billing ")[0]
    assert re.findall(r"^### (.+)$", payments, re.MULTILINE) == SECTIONS
    assert "- **Payment providers behind an interface** (`docs/adr/0006-payment-providers-behind-an-interface.md`, " \
           "accepted). Decision, as the ADR words it: “A `PaymentProvider` protocol in `shop/payments/provider.py`" \
           in payments
    assert "- `PaymentProvider` in `shop/payments/provider.py`, used by `shop/billing/refunds.py` [" in payments
    assert "- SHOP-77: Handle Adyen CAPTURE and REFUND notifications (open, In Progress, assigned to Viktor Salo) [" \
        in payments
    assert "- Viktor Salo (contractor, departing, ends 2026-10-31): 288 of 326 lines (88%)" in payments


def test_a_folder_draft_as_json(sample_index):
    draft = json.loads(kt(sample_index, "shop:shop/inventory", "--format", "json"))
    [area] = draft["areas"]
    assert (draft["kind"], area["path"], area["files"]) == ("path", "shop/inventory", 3)
    sections = {s["title"]: s for s in area["sections"]}
    assert list(sections) == SECTIONS
    assert "**Reserve stock during checkout**" in sections["Decisions and their reasons"]["text"]
    glossary = sections["Glossary"]["text"]
    assert "`StockLevel` (shop/inventory/stock.py)" in glossary
    cited = {s["n"]: s for s in draft["sources"]}
    assert all(n in cited for s in area["sections"] for n in s["sources"])


def test_llm_sections_and_their_fallback(sample_index):
    replies = ["Idempotency keys keep a retried capture or refund from moving money twice [1].",
               "Decided long ago [9]."]
    with FakeLlm(replies) as llm:
        env = {"HANDOFF_LLM_API_BASE": llm.url, "HANDOFF_LLM_MODEL": "scripted"}
        draft = json.loads(kt(sample_index, "shop/payments/idempotency.py", "--llm", "--format", "json", env=env))
    sections = {s["title"]: s for s in draft["areas"][0]["sections"]}
    purpose, decisions = sections["Purpose and structure"], sections["Decisions and their reasons"]
    assert (purpose["written_by"], purpose["text"], purpose["sources"]) == ("llm", replies[0], [1])
    assert decisions["written_by"] == "template" and "**Payment providers behind an interface**" in decisions["text"]
    assert decisions["notice"] == "written from templates: the model cited sources that do not exist: [9]"
    assert len(llm.requests) == 2  # sections without sources are never sent
    system, user = llm.requests[0]["messages"]
    assert system["content"].startswith("You write one section of a knowledge-transfer document")
    assert "Section: Purpose and structure" in user["content"] and "SOURCE 1 " in user["content"]
