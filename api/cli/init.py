"""`handoff init` and `handoff roster load`: the workspace and who is who."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from handoff.api.cli.app import app, change_line, out
from handoff.core.roster import file_digest, read_roster, replace_roster
from handoff.core.workspace import Workspace

roster_app = typer.Typer(no_args_is_help=True, help="Load the roster of people.")
app.add_typer(roster_app, name="roster")


@app.command()
def init(ctx: typer.Context):
    """Create the workspace: settings file and facts store."""
    ws, created = Workspace.init(ctx.obj)
    out.print(f"{'created' if created else 'already there'}: workspace {ws.home} (settings in {ws.toml_path})")


@roster_app.command("load")
def roster_load(ctx: typer.Context, file: Annotated[Path, typer.Argument(help="Roster CSV or TOML.")]):
    """Replace the roster with FILE and print what changed."""
    ws = Workspace.open(ctx.obj)
    loaded = read_roster(file)
    change = replace_roster(ws.store, loaded, file_digest(file))
    out.print(f"roster: {len(loaded)} people from {file}; {change_line(change)}", highlight=False)
    for pid, fields in change.changed.items():
        out.print(f"  {pid}: {'; '.join(fields)}", highlight=False)
