"""Incremental indexing, crash safety and bad input, on small real repositories with the real model."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from handoff.core.errors import InputError
from handoff.core.progress import SilentProgress
from handoff.core.workspace import Workspace
from handoff.index.vectors import chroma_client, open_collection
from handoff.ingest.local import run_ingest

from .gitbuilder import GitBuilder

pytestmark = pytest.mark.slow

HANDOFF = str(Path(sys.executable).parent / "handoff")
FACT_TABLES = ("commits", "file_changes", "files", "blame_lines", "authorship", "tickets", "ticket_comments",
               "adrs", "adr_links", "commit_tickets")


def module(name: str, functions: int) -> str:
    body = [f'"""The {name} module: helpers for {name} handling."""\n']
    for i in range(functions):
        body.append(f"\n\ndef {name}_step_{i}(value):\n    \"\"\"Step {i} of {name}: adds {i} to the value.\"\"\"\n"
                    f"    total = value + {i}\n    return total * {i + 1}\n")
    return "".join(body)


def tickets_file(path: Path, numbers: list[int]) -> Path:
    path.write_text(json.dumps([
        {"number": n, "title": f"Ticket {n} about module_{n}", "body": f"Details of ticket {n}.", "state": "OPEN",
         "labels": [], "assignees": [], "author": {"login": "alice"}, "createdAt": "2025-01-01T00:00:00Z",
         "updatedAt": "2025-01-01T00:00:00Z", "closedAt": None, "url": f"https://x/{n}", "comments": []}
        for n in numbers]))
    return path


def chunks(ws: Workspace) -> dict[str, str]:
    collection, _ = open_collection(chroma_client(ws.home / "index" / "chroma"), "local:all-MiniLM-L6-v2")
    data = collection.get(include=["documents"])
    return dict(zip(data["ids"], data["documents"], strict=True))


def ingest(ws, repo, tickets=()):
    return run_ingest(ws, [(str(repo.path), None)], [(t, None) for t in tickets], SilentProgress())


def embedded(report) -> int:
    return sum(s.index.chunks for s in report.sources if s.index)


@pytest.fixture
def small(tmp_path):
    repo = GitBuilder(tmp_path / "lib")
    repo.commit("alice", {f"pkg/module_{i}.py": module(f"module_{i}", 3) for i in range(4)} | {"README.md": "# Lib\n"})
    ws, _ = Workspace.init(tmp_path / "ws")
    return ws, repo, tickets_file(tmp_path / "gh.json", [1, 2, 3])


def test_unchanged_changed_and_deleted(small):
    ws, repo, tickets = small
    first = ingest(ws, repo, [tickets])
    before = chunks(ws)
    assert embedded(first) == len(before)
    assert embedded(ingest(ws, repo, [tickets])) == 0 and chunks(ws) == before

    repo.commit("bob", {"pkg/module_2.py": module("module_2", 4)}, delete=["pkg/module_3.py"])
    tickets_file(tickets, [1, 2])
    third = ingest(ws, repo, [tickets])
    after = chunks(ws)
    changed = {i for i in after if i.startswith(("lib:pkg/module_2.py#", "history:lib:pkg/module_2.py#"))}
    assert embedded(third) == len(changed)
    assert not any("module_3.py" in i or i.startswith("ticket:GH-3#") for i in after)
    untouched = {i: t for i, t in before.items() if "module_2" not in i and "module_3" not in i and "GH-3" not in i}
    assert {i: after[i] for i in untouched} == untouched


def test_a_bad_ticket_export_fails_alone_and_keeps_the_index(small, tmp_path):
    ws, repo, tickets = small
    ingest(ws, repo, [tickets])
    before = chunks(ws)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(InputError, match="broken.json"):
        ingest(ws, repo, [broken])
    assert chunks(ws) == before


def test_skipped_files_are_counted_with_reasons(tmp_path):
    repo = GitBuilder(tmp_path / "odd")
    lfs = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 12345\n"
    repo.commit("alice", {"big.txt": "x" * 5000 + "\n", "model.bin": lfs, "ok.py": "print('ok')\n",
                          "docs/adr/0001-broken.md": "---\nstatus: [accepted\n---\n# Broken\n"})
    ws, _ = Workspace.init(tmp_path / "ws")
    ws.toml_path.write_text("max_file_bytes = 1000\n")
    ws = Workspace.open(ws.home)
    [source] = ingest(ws, repo).sources
    assert source.skipped["too large"] == 1 and source.skipped["git lfs pointer"] == 1
    assert [p.source for p in source.problems] == ["docs/adr/0001-broken.md"]
    assert "lib" not in chunks(ws) and any(i.startswith("odd:ok.py#") for i in chunks(ws))


def test_changing_the_embedding_model_empties_the_collection(tmp_path):
    client = chroma_client(tmp_path / "chroma")
    collection, rebuilt = open_collection(client, "local:model-a")
    collection.add(ids=["x"], embeddings=[[0.1, 0.2]], documents=["x"])
    assert rebuilt is False and open_collection(client, "local:model-a")[0].count() == 1
    fresh, rebuilt = open_collection(client, "local:model-b")
    assert rebuilt is True and fresh.count() == 0


def facts_dump(ws: Workspace) -> dict:
    return {t: sorted(json.dumps(r, sort_keys=True, default=str) for r in ws.store.rows(f"SELECT * FROM {t}"))
            for t in FACT_TABLES}


def test_killed_runs_end_in_the_same_index_as_an_uninterrupted_one(tmp_path):
    repo = GitBuilder(tmp_path / "big")
    repo.commit("alice", {f"src/module_{i}.py": module(f"module_{i}", 12) for i in range(30)})
    repo.commit("bob", {f"src/module_{i}.py": module(f"module_{i}", 14) for i in range(10)}, message="more, #4")
    tickets = tickets_file(tmp_path / "gh.json", [4, 5])
    reference, _ = Workspace.init(tmp_path / "reference")
    ingest(reference, repo, [tickets])

    crashed, _ = Workspace.init(tmp_path / "crashed")
    command = [HANDOFF, "--home", str(crashed.home), "ingest", str(repo.path), "--tickets", str(tickets)]
    for delay in (2.0, 9.0, 14.0):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   env={**os.environ, "HANDOFF_EMBED_BATCH_SIZE": "8"})
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert chunks(crashed) == chunks(reference)
    assert facts_dump(crashed) == facts_dump(reference)


def test_refused_urls(tmp_path):
    ws, _ = Workspace.init(tmp_path / "ws")
    for url in ("ext::sh -c touch% /tmp/pwned", "file::/etc", "--upload-pack=touch /tmp/pwned", "file:///etc"):
        with pytest.raises(InputError):
            run_ingest(ws, [(url, "x")], [], SilentProgress(), index=False)


def test_a_url_is_mirrored_and_fetched_again(tmp_path):
    served = GitBuilder(tmp_path / "served" / "app")
    served.commit("alice", {"app.py": "print(1)\n"})
    (served.path / ".git" / "git-daemon-export-ok").touch()
    port = _free_port()
    daemon = subprocess.Popen(["git", "daemon", "--reuseaddr", f"--base-path={tmp_path / 'served'}", "--export-all",
                               "--listen=127.0.0.1", f"--port={port}", str(tmp_path / "served")],
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for(port)
        ws, _ = Workspace.init(tmp_path / "ws")
        url = f"git://127.0.0.1:{port}/app"
        first = run_ingest(ws, [(url, None)], [], SilentProgress(), index=False)
        served.commit("bob", {"app.py": "print(1)\nprint(2)\n"})
        second = run_ingest(ws, [(url, None)], [], SilentProgress(), index=False)
    finally:
        daemon.kill()
    assert first.sources[0].facts.repo == "app" and (ws.home / "mirrors" / "app.git").is_dir()
    assert second.sources[0].facts.commits_new == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int) -> None:
    for _ in range(200):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"git daemon did not listen on port {port}")


def test_all_chunks_reads_a_large_collection_in_pages(tmp_path):
    from handoff.index.vectors import all_chunks

    collection, _ = open_collection(chroma_client(tmp_path / "chroma"), "local:test")
    ids = [f"c{i:05d}" for i in range(12_000)]
    for start in range(0, len(ids), 4000):
        part = ids[start:start + 4000]
        collection.add(ids=part, embeddings=[[1.0, float(i)] for i in range(len(part))], documents=part,
                       metadatas=[{"n": i} for i in range(len(part))])
    got = all_chunks(collection, page=5000)
    assert sorted(got["ids"]) == ids and sorted(got["documents"]) == ids and len(got["metadatas"]) == 12_000
