"""The sample workspace, generated and fully ingested once, cached under .bench/ for benchmarks.

Rebuilt when the generator's seed changes or the cache is missing; everything else (retrieval
and latency suites) reads it without writing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".bench" / "sample"
TICKET_FILES = ("github-gh.json", "github-rest.json", "jira-v2.json", "jira-v3.json", "jira.csv", "linear.csv")


def sample_workspace(seed: int = 7) -> Path:
    """The workspace folder of the ingested sample organisation."""
    marker = CACHE / f"ingested-seed-{seed}"
    if marker.exists():
        return CACHE / "ws"
    shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.mkdir(parents=True)
    run([sys.executable, str(ROOT / "examples" / "sample_workspace.py"), str(CACHE), "--seed", str(seed)])
    handoff = [str(Path(sys.executable).parent / "handoff"), "--home", str(CACHE / "ws")]
    run([*handoff, "init"])
    run([*handoff, "roster", "load", str(CACHE / "roster.csv")])
    tickets = [arg for name in TICKET_FILES for arg in ("--tickets", str(CACHE / "tickets" / name))]
    run([*handoff, "ingest", str(CACHE / "shop"), *tickets])
    marker.touch()
    return CACHE / "ws"


def run(args: list[str]) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
