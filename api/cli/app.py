"""The `handoff` command: parses arguments, calls the core, renders the result. Nothing else."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from typer.core import TyperGroup
from rich.console import Console

from handoff.core.errors import HandoffError, InputError
from handoff.core.facts import load_facts
from handoff.core.roster import file_digest, read_roster, replace_roster, sync_roster
from handoff.core.workspace import Workspace, resolve_home
from handoff.retention.decisions import decision_records
from handoff.retention.ownership import ownership
from handoff.retention.people_report import people
from handoff.retention.risk import risk
from handoff.retention.truck_factor import truck_factor

from handoff.api.render import console
from handoff.api.cli.progress_bars import RichProgress
from handoff.core.json import to_json

PIPED_WIDTH = None if os.isatty(1) else 160  # tables written to a file or pipe need not fit 80 columns
out = Console(soft_wrap=True, width=PIPED_WIDTH)
err = Console(stderr=True, soft_wrap=True)


class HandoffGroup(TyperGroup):
    """Turns every HandoffError into one line on stderr and its exit code, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except HandoffError as exc:
            err.print(f"[red]error:[/] {exc.message}", highlight=False)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(cls=HandoffGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  help="Handoff keeps what contractors know from leaving with them.")
roster_app = typer.Typer(no_args_is_help=True, help="Load the roster of people.")
app.add_typer(roster_app, name="roster")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of console.")]
AsOfOption = Annotated[Optional[str], typer.Option("--as-of", help="Date to judge status on (YYYY-MM-DD); today by default.")]
RepoOption = Annotated[Optional[str], typer.Option("--repo", help="Only this repository.")]
LimitOption = Annotated[int, typer.Option("--limit", help="Rows shown in tables; 0 shows all.")]


@app.callback()
def main_options(
    ctx: typer.Context,
    home: Annotated[Optional[Path], typer.Option("--home", help="Workspace folder (default ./.handoff or HANDOFF_HOME).")] = None,
):
    ctx.obj = resolve_home(home)


def workspace(ctx: typer.Context) -> Workspace:
    ws = Workspace.open(ctx.obj)
    if ws.settings.roster:
        change = sync_roster(ws.store, ws.path_setting(ws.settings.roster))
        if change and not change.empty:
            err.print(f"roster reloaded from {ws.settings.roster}: {_change_line(change)}", highlight=False)
    return ws


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
    out.print(f"roster: {len(loaded)} people from {file}; {_change_line(change)}", highlight=False)
    for pid, fields in change.changed.items():
        out.print(f"  {pid}: {'; '.join(fields)}", highlight=False)


@app.command()
def ingest(
    ctx: typer.Context,
    path: Annotated[Optional[str], typer.Argument(help="A local git clone, or a git URL to mirror.")] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="Repository name (default: folder name).")] = None,
    tickets: Annotated[Optional[list[Path]], typer.Option("--tickets", help="A ticket export (GitHub JSON, Jira JSON or CSV, Linear CSV); repeatable.")] = None,
    all_repos: Annotated[bool, typer.Option("--all", help="Ingest every [[repos]] entry of handoff.toml.")] = False,
    facts_only: Annotated[bool, typer.Option("--facts-only", help="History and ownership only; leave the search index as it is.")] = False,
):
    """Read repositories and ticket exports into the facts store and the search index."""
    from handoff.ingest.workflow import configured_sources, run_ingest  # loads the index stack only when needed

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


@app.command("adrs")
def adrs_command(ctx: typer.Context, repo: RepoOption = None, json: JsonOption = False):
    """Architecture decision records found in the repositories, with status and links."""
    ws = workspace(ctx)
    report = decision_records(load_facts(ws.store, ws.settings), repo)
    print_json(report) if json else console.adrs_table(out, report)


@app.command("ask")
def ask_command(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A question about the code, its decisions or its history.")],
    repo: RepoOption = None,
    kind: Annotated[Optional[str], typer.Option("--kind", help="Only code, doc, adr, ticket or history.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="Sources to cite.")] = 8,
    llm: Annotated[bool, typer.Option("--llm", help="Have the configured model write the answer from the sources.")] = False,
    as_of: AsOfOption = None, json: JsonOption = False,
):
    """Answer a handoff question with cited sources and the owners of what is cited."""
    from handoff.assist.answer import ask, check_question
    from handoff.assist.retrieval import Filters, Retriever

    ws = workspace(ctx)
    question = check_question(question)
    retriever = Retriever(ws.home / "index", ws.settings)
    answer = ask(question, retriever, load_facts(ws.store, ws.settings), as_of_date(as_of), ws.settings, k,
                 Filters(repo=repo, kind=kind), llm=llm or ws.settings.answer_mode == "llm")
    print_json(answer) if json else console.answer_text(out, answer)


@app.command("eval")
def eval_command(
    ctx: typer.Context,
    questions: Annotated[Path, typer.Argument(help='JSON lines: {"q": "...", "expect": ["path or ticket key", ...]}.')],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="Rank up to which a source counts as found.")] = 5,
    repo: RepoOption = None, json: JsonOption = False,
):
    """Measure retrieval on your own questions: recall@1/5/10, MRR and the questions missed."""
    from handoff.assist.evaluate import evaluate, read_questions
    from handoff.assist.retrieval import Filters, Retriever

    ws = workspace(ctx)
    report = evaluate(Retriever(ws.home / "index", ws.settings), read_questions(questions), k, filters=Filters(repo=repo))
    print_json(report) if json else console.eval_table(out, report, k)


@app.command("people")
def people_command(ctx: typer.Context, as_of: AsOfOption = None, json: JsonOption = False):
    """Everyone: identities, kind, vendor, team, status and commits; suggests merges."""
    ws = workspace(ctx)
    report = people(load_facts(ws.store, ws.settings), as_of_date(as_of), ws.settings.horizon_days)
    print_json(report) if json else console.people_table(out, report)


@app.command("ownership")
def ownership_command(
    ctx: typer.Context, repo: RepoOption = None,
    path: Annotated[Optional[str], typer.Option("--path", help="Only files under this folder or path.")] = None,
    as_of: AsOfOption = None, limit: LimitOption = 50, json: JsonOption = False,
):
    """Who owns the lines surviving at HEAD, per file and folder."""
    ws = workspace(ctx)
    report = ownership(load_facts(ws.store, ws.settings), as_of_date(as_of), ws.settings.horizon_days, repo, path)
    print_json(report) if json else console.ownership_table(out, report, path, limit)


@app.command("truck-factor")
def truck_factor_command(ctx: typer.Context, repo: RepoOption = None, json: JsonOption = False):
    """How many authors would have to leave before most files have none."""
    ws = workspace(ctx)
    report = truck_factor(load_facts(ws.store, ws.settings), repo)
    print_json(report) if json else console.truck_factor_table(out, report)


@app.command("risk")
def risk_command(
    ctx: typer.Context, as_of: AsOfOption = None,
    threshold: Annotated[Optional[float], typer.Option("--threshold", help="Share held by leaving contractors.")] = None,
    horizon_days: Annotated[Optional[int], typer.Option("--horizon-days", help="Days ahead that count as departing.")] = None,
    repo: RepoOption = None, limit: LimitOption = 50, json: JsonOption = False,
):
    """Files held mostly by contractors who are leaving or have left, with successors."""
    ws = workspace(ctx)
    s = ws.settings
    report = risk(load_facts(ws.store, s), as_of_date(as_of), s.risk_threshold if threshold is None else threshold,
                  s.horizon_days if horizon_days is None else horizon_days, s.critical_share, repo)
    print_json(report) if json else console.risk_table(out, report, limit)


def _change_line(change) -> str:
    if change.empty:
        return "no changes"
    parts = [f"{len(change.added)} added", f"{len(change.removed)} removed", f"{len(change.changed)} changed"]
    return ", ".join(parts)
