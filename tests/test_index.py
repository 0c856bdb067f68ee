"""The index on the sample organisation: real model, real Chroma, real BM25, real SQLite."""

import importlib.util
import json
import shutil

import pytest

from handoff.assist.retrieval import Retriever
from handoff.core.facts import load_facts
from handoff.retention.decisions import decision_records

from .conftest import EXAMPLES

pytestmark = pytest.mark.slow


def planted():
    spec = importlib.util.spec_from_file_location("planted", EXAMPLES / "sample" / "planted.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def secret_fragments():
    """Every planted secret, the private key as each of its base64 lines."""
    fragments = []
    for secret in planted().PLANTED_SECRETS.values():
        lines = [line for line in secret.splitlines() if line and not line.startswith("-----")]
        fragments += lines
    return fragments


def test_no_planted_secret_is_stored_anywhere(sample_index):
    collection = Retriever(sample_index.home / "index", sample_index.settings).collection
    stored = collection.get(include=["documents", "metadatas"])
    chroma_text = json.dumps(stored["documents"]) + json.dumps(stored["metadatas"])
    files = [p for p in sample_index.home.rglob("*") if p.is_file()]
    assert any(p.name == "facts.db" for p in files) and any(p.parent.name == "bm25" or "bm25" in p.parts for p in files)
    blobs = {p: p.read_bytes() for p in files}
    for fragment in secret_fragments():
        assert fragment not in chroma_text, fragment
        for path, content in blobs.items():
            assert fragment.encode() not in content, f"{fragment!r} in {path}"
    assert "[REDACTED:aws-access-key]" in chroma_text and "[REDACTED:private-key]" in chroma_text


def test_chunks_carry_where_they_come_from(sample_index):
    collection = Retriever(sample_index.home / "index", sample_index.settings).collection
    metas = collection.get(include=["metadatas"])["metadatas"]
    kinds = {m["kind"] for m in metas}
    assert kinds == {"code", "doc", "adr", "ticket", "history"}
    refunds = [m for m in metas if m["kind"] == "code" and m["path"] == "shop/billing/refunds.py"]
    assert refunds and all(m["repo"] == "shop" and m["language"] == "python" and m["start_line"] <= m["end_line"]
                           for m in refunds)
    assert any(m["symbol"] for m in refunds) and refunds[0]["owner"] and refunds[0]["version"]
    assert any(m["kind"] == "ticket" and m["key"] == "SHOP-52" for m in metas)


def test_the_lexical_generation_holds_every_chunk_as_chroma_does(sample_index):
    retriever = Retriever(sample_index.home / "index", sample_index.settings)
    stored = retriever.collection.get(include=["documents", "metadatas"])
    in_chroma = {i: (d, m) for i, d, m in zip(stored["ids"], stored["documents"], stored["metadatas"], strict=True)}
    lexical = retriever.lexical
    assert sorted(lexical.ids) == lexical.ids and set(lexical.ids) == set(in_chroma)
    assert all(lexical.chunks.read(n) == in_chroma[i] for n, i in enumerate(lexical.ids))


def test_answers_read_chroma_for_texts_a_generation_does_not_hold(sample_index, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(sample_index.home / "index", copy)
    generation = copy / "bm25" / (copy / "bm25" / "CURRENT").read_text()
    (generation / "offsets.npy").unlink()  # as a generation written before the chunk file
    question = "how is the refund amount computed?"
    with_file = Retriever(sample_index.home / "index", sample_index.settings).search(question, 8)
    without = Retriever(copy, sample_index.settings)
    assert without.lexical.chunks is None
    assert [(h.id, h.text, h.meta) for h in without.search(question, 8)] == [(h.id, h.text, h.meta) for h in with_file]


def test_adrs_are_facts_with_status_and_links(sample_index):
    report = decision_records(load_facts(sample_index.store, sample_index.settings))
    assert len(report.adrs) >= 12
    statuses = {a.status for a in report.adrs}
    assert {"accepted", "superseded"} <= statuses
    links = {link.kind for a in report.adrs for link in a.links}
    assert {"supersedes", "superseded_by"} <= links
    assert all(a.authors for a in report.adrs)


def test_commit_messages_link_tickets_to_files(sample_index):
    facts = load_facts(sample_index.store, sample_index.settings)
    linked = {key for keys in facts.commit_tickets.values() for key in keys if key in facts.tickets}
    assert {"SHOP-52"} <= linked and any(k.startswith("GH-") for k in linked)
