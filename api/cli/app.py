"""The one `handoff` typer app, the options commands share, and how they open the workspace and print.

Every command module registers its commands on `app`; a command parses its arguments, calls the
core and renders the record it gets back, nothing else. Every `HandoffError` becomes one line on
stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from handoff.core.errors import HandoffError, InputError
from handoff.core.json import to_json
from handoff.core.roster import RosterChange, sync_roster
from handoff.core.text import check_text, printable
from handoff.core.workspace import Workspace, resolve_home
from handoff.retention.policy import RiskPolicy

PIPED_WIDTH = None if os.isatty(1) else 160  # tables written to a file or pipe need not fit 80 columns
out = Console(soft_wrap=True, width=PIPED_WIDTH)
err = Console(stderr=True, soft_wrap=True)


class HandoffGroup(TyperGroup):
    """Turns every HandoffError into one line on stderr and its exit code, never a traceback; an argument
    that is not UTF-8 text (an undecodable byte) is one of them, refused before any command sees it. A
    usage error (an unknown option such as `--upload-pack=...`, a missing argument) is one line too, with
    exit code 2, where click would draw a box of several."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, windows_expand_args: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.TyperException as exc:  # click's usage errors, as typer raises them
            ctx = getattr(exc, "ctx", None)
            hint = f"; see `{ctx.command_path} --help`" if ctx else ""
            message = " ".join(exc.format_message().split()).rstrip(".")
            if message:  # none when the help was shown instead (a group called without a command)
                err.print(f"[red]error:[/] {escape(printable(message + hint))}", highlight=False)
            sys.exit(getattr(exc, "exit_code", 2))
        except typer.Abort:
            err.print("[red]error:[/] aborted", highlight=False)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    def parse_args(self, ctx, args):
        try:
            for n, arg in enumerate(args, start=1):
                check_text(arg, f"command-line argument {n}")
        except HandoffError as exc:
            _fail(exc)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HandoffError as exc:
            _fail(exc)


def _fail(exc: HandoffError) -> NoReturn:
    err.print(f"[red]error:[/] {escape(printable(exc.message))}", highlight=False)
    raise typer.Exit(exc.exit_code) from None


app = typer.Typer(cls=HandoffGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Handoff keeps what contractors know from leaving with them.")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="Date to judge status on (YYYY-MM-DD); today by default.")]
RepoOption = Annotated[str | None, typer.Option("--repo", help="Only this repository.")]
LimitOption = Annotated[int, typer.Option("--limit", help="Rows shown in tables; 0 shows all.")]
HorizonOption = Annotated[int | None, typer.Option(
    "--horizon-days", help="Days ahead that count as departing (default: the horizon_days setting).")]
HomeOption = Annotated[Path | None, typer.Option(
    "--home", help="Workspace folder (default ./.handoff or HANDOFF_HOME).")]


@app.callback()
def main_options(ctx: typer.Context, home: HomeOption = None):
    ctx.obj = resolve_home(home)


def workspace(ctx: typer.Context) -> Workspace:
    """The workspace of `--home`, its roster reloaded first when the roster file changed."""
    ws = Workspace.open(ctx.obj)
    if ws.settings.roster:
        change = sync_roster(ws.store, ws.path_setting(ws.settings.roster))
        if change and not change.empty:
            err.print(f"roster reloaded from {ws.settings.roster}: {change_line(change)}", highlight=False)
    return ws


def policy(ws: Workspace, *, horizon_days: int | None = None, threshold: float | None = None) -> RiskPolicy:
    """The workspace's risk policy, with the command's overrides."""
    return RiskPolicy.from_settings(ws.settings, horizon_days=horizon_days, threshold=threshold)


def print_json(record) -> None:
    """JSON straight to stdout: never through rich, whose markup would eat `[bot]` in names."""
    typer.echo(to_json(record))


def as_of_date(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--as-of {value!r}: not a date; use YYYY-MM-DD") from None


def change_line(change: RosterChange) -> str:
    if change.empty:
        return "no changes"
    return f"{len(change.added)} added, {len(change.removed)} removed, {len(change.changed)} changed"
