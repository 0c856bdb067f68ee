"""`handoff people`, `ownership`, `truck-factor`, `risk` and `adrs`: the analyses over the facts."""

from __future__ import annotations

from typing import Annotated

import typer

from handoff.api.cli.app import (
    AsOfOption,
    HorizonOption,
    JsonOption,
    LimitOption,
    RepoOption,
    app,
    as_of_date,
    out,
    policy,
    print_json,
    workspace,
)
from handoff.api.render import console
from handoff.core.facts import load_facts
from handoff.retention.decisions import decision_records
from handoff.retention.ownership import ownership
from handoff.retention.people_report import people
from handoff.retention.risk import risk
from handoff.retention.truck_factor import truck_factor

ThresholdOption = Annotated[float | None, typer.Option("--threshold", help="Share held by leaving contractors.")]
PathOption = Annotated[str | None, typer.Option("--path", help="Only files under this folder or path.")]


@app.command("people")
def people_command(ctx: typer.Context, as_of: AsOfOption = None, json: JsonOption = False):
    """Everyone: identities, kind, vendor, team, status and commits; suggests merges."""
    ws = workspace(ctx)
    report = people(load_facts(ws.store, ws.settings), as_of_date(as_of), policy=policy(ws))
    print_json(report) if json else console.people_table(out, report)


@app.command("ownership")
def ownership_command(
    ctx: typer.Context, repo: RepoOption = None, path: PathOption = None,
    as_of: AsOfOption = None, limit: LimitOption = 50, json: JsonOption = False,
):
    """Who owns the lines surviving at HEAD, per file and folder."""
    ws = workspace(ctx)
    report = ownership(load_facts(ws.store, ws.settings), as_of_date(as_of), policy=policy(ws), repo=repo, path=path)
    print_json(report) if json else console.ownership_table(out, report, path, limit)


@app.command("truck-factor")
def truck_factor_command(ctx: typer.Context, repo: RepoOption = None, json: JsonOption = False):
    """How many authors would have to leave before most files have none."""
    ws = workspace(ctx)
    report = truck_factor(load_facts(ws.store, ws.settings), repo)
    print_json(report) if json else console.truck_factor_table(out, report)


@app.command("risk")
def risk_command(
    ctx: typer.Context, as_of: AsOfOption = None, threshold: ThresholdOption = None,
    horizon_days: HorizonOption = None, repo: RepoOption = None, limit: LimitOption = 50, json: JsonOption = False,
):
    """Files held mostly by contractors who are leaving or have left, with successors."""
    ws = workspace(ctx)
    chosen = policy(ws, horizon_days=horizon_days, threshold=threshold)
    report = risk(load_facts(ws.store, ws.settings), as_of_date(as_of), policy=chosen, repo=repo)
    print_json(report) if json else console.risk_table(out, report, limit)


@app.command("adrs")
def adrs_command(ctx: typer.Context, repo: RepoOption = None, json: JsonOption = False):
    """Architecture decision records found in the repositories, with status and links."""
    ws = workspace(ctx)
    report = decision_records(load_facts(ws.store, ws.settings), repo)
    print_json(report) if json else console.adrs_table(out, report)
