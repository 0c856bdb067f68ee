"""`handoff ingest`: repositories and ticket exports into the facts store and the search index."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from handoff.api.cli.app import app, err, out, workspace
from handoff.api.cli.progress_bars import RichProgress
from handoff.api.render import console
from handoff.core.errors import InputError

TicketsOption = Annotated[list[Path] | None, typer.Option(
    "--tickets", help="A ticket export (GitHub JSON, Jira JSON or CSV, Linear CSV); repeatable.")]
FactsOnlyOption = Annotated[bool, typer.Option(
    "--facts-only", help="History and ownership only; leave the search index as it is.")]


@app.command()
def ingest(
    ctx: typer.Context,
    path: Annotated[str | None, typer.Argument(help="A local git clone, or a git URL to mirror.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Repository name (default: folder name).")] = None,
    tickets: TicketsOption = None,
    all_repos: Annotated[bool, typer.Option("--all", help="Ingest every [[repos]] entry of handoff.toml.")] = False,
    facts_only: FactsOnlyOption = False,
):
    """Read repositories and ticket exports into the facts store and the search index."""
    from handoff.ingest.local import configured_sources, run_ingest  # loads the index stack only when needed

    ws = workspace(ctx)
    sources = [(path, name)] if path else []
    ticket_files = [(t, name) for t in tickets or []]
    if all_repos:
        more_sources, more_tickets = configured_sources(ws)
        sources, ticket_files = sources + more_sources, ticket_files + more_tickets
    if not sources and not ticket_files:
        raise InputError("nothing to ingest: give a PATH or URL, --tickets FILE, or --all")
    with RichProgress(err) as progress:
        report = run_ingest(ws, sources, ticket_files, progress, index=not facts_only)
    console.ingest_summary(out, report)
