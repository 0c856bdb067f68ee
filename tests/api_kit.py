"""A small real workspace behind the HTTP API, its keys and waits: what the API test modules share."""

from __future__ import annotations

import json
import time
from pathlib import Path

from typer.testing import CliRunner

from handoff.api.main import app as cli_app
from handoff.core.keys import ROLES, issue_key
from handoff.core.progress import SilentProgress
from handoff.core.roster import read_roster, replace_roster
from handoff.core.workspace import Workspace
from handoff.ingest.local import run_ingest

from .gitbuilder import GitBuilder, numbered

AS_OF = "2025-06-01"
ROSTER = ("id,name,emails,kind,vendor,team,start,end\n"
          "bob,Bob Contractor,bob@vendor.example,contractor,Vendor,pay,2024-01-01,2025-03-31\n"
          "carol,Carol Contractor,carol@vendor.example,contractor,Vendor,pay,2024-01-01,2025-07-31\n"
          "alice,Alice Employee,alice@corp.example,employee,,core,2020-01-01,\n")
REFUNDS = '''"""Refunds: how much of an order goes back to the customer."""


def compute_refund(order, lines):
    """A refund gives back each line's price minus its share of the order discount, in cents."""
    total = sum(line.price_cents * line.quantity for line in lines)
    return total - order.discount_share_cents(lines)
'''
ADR = """# 1. Store money as integer cents

Date: 2025-02-01

## Status

Accepted

## Decision

Every amount is an integer number of cents, named with a `_cents` suffix, because floating point loses
cents when prices, discounts and refunds are combined.
"""


def small_workspace(root: Path, index: bool) -> Workspace:
    """Bob (departed contractor) wrote most of pay/, Alice (employee) the rest; the clone lies under
    the workspace's one allowed root, `root/allowed`."""
    repo = GitBuilder(root / "allowed" / "shop")
    repo.commit("bob", {"pay/refunds.py": REFUNDS, "pay/ledger.py": numbered("ledger", 12), "vendor/x.js": "x\n"},
                when="2025-01-10", message="Refunds pro-rate discounts")
    repo.commit("alice", {"docs/adr/0001-store-money-as-integer-cents.md": ADR, "core/app.py": numbered("app", 6)},
                when="2025-02-01")
    repo.commit("carol", {"pay/ledger.py": numbered("ledger", 12) + "carol\n"}, when="2025-02-10")
    ws, _ = Workspace.init(root / "ws")
    ws.toml_path.write_text(f"allowed_roots = [{json.dumps(str(root / 'allowed'))}]\n")
    ws = Workspace.open(ws.home)
    (root / "roster.csv").write_text(ROSTER)
    replace_roster(ws.store, read_roster(root / "roster.csv"))
    run_ingest(ws, [(str(repo.path), "shop")], [], SilentProgress(), index=index)
    return ws


def issue_keys(ws: Workspace) -> dict[str, str]:
    return {role: issue_key(ws.store, role).key for role in ROLES}


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def wait_for(predicate, seconds: float = 60, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def cli_json(ws: Workspace, *args: str):
    result = CliRunner().invoke(cli_app, ["--home", str(ws.home), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cli_text(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(cli_app, ["--home", str(ws.home), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def poll_job(client, key, job_id, states=("succeeded", "failed", "cancelled")):
    def finished():
        job = client.get(f"/ingest/jobs/{job_id}", headers=bearer(key)).json()
        return job if job["state"] in states else None

    return wait_for(finished, what=f"job {job_id} to reach {states}")
