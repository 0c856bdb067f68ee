"""`handoff offboard` and `handoff kt`: checklists for leaving contractors, and KT drafts.

Registered on the one `app` of `cli.py`; like every command, these parse, call and render.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from handoff.assist.offboarding import DueOutcome, build_checklist, indexed_documentation, record_due
from handoff.core.errors import InputError
from handoff.core.facts import Facts, load_facts
from handoff.core.json import to_json
from handoff.core.workspace import Workspace
from handoff.retention.documentation import Documentation
from handoff.retention.person_lookup import find_person

from handoff.api.cli.app import AsOfOption, app, as_of_date, out, workspace
from handoff.api.render.markdown import FORMATS, checklist_text, kt_text

FormatOption = Annotated[str, typer.Option("--format", help="md (GitHub task lists) or json.")]
OutputOption = Annotated[Optional[Path], typer.Option("-o", "--output", help="Write to this file instead of stdout.")]


@app.command("offboard")
def offboard_command(
    ctx: typer.Context,
    person: Annotated[Optional[str], typer.Argument(help="Id, email or name of the contractor.")] = None,
    due_: Annotated[bool, typer.Option("--due", help="Record a checklist for every contractor leaving soon.")] = False,
    within_days: Annotated[Optional[int], typer.Option(
        "--within-days", help="With --due: end dates up to this many days ahead (default: the horizon).")] = None,
    as_of: AsOfOption = None, fmt: FormatOption = "md", output: OutputOption = None,
):
    """The offboarding checklist of a contractor, or (--due) record one for each contractor leaving soon."""
    _check_format(fmt)
    if due_ == (person is not None):
        raise InputError("give either a PERSON or --due, e.g. handoff offboard \"Viktor Salo\"")
    if within_days is not None and not due_:
        raise InputError("--within-days goes with --due")
    ws = workspace(ctx)
    facts, when = load_facts(ws.store, ws.settings), as_of_date(as_of)
    docs = _documentation(ws, facts)
    if due_:
        window = ws.settings.horizon_days if within_days is None else within_days
        outcomes = record_due(ws.store, facts, docs, when, window, ws.settings)
        _emit(to_json(outcomes) + "\n" if fmt == "json" else _due_lines(outcomes, when), output)
        return
    found = find_person(facts, person)
    _emit(checklist_text(build_checklist(facts, found.id, when, docs, ws.settings), fmt), output)


@app.command("kt")
def kt_command(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(
        help="A person (id, email or name), or a file or folder (PATH or REPO:PATH).")],
    llm: Annotated[bool, typer.Option(
        "--llm", help="Have the configured model write each section from the same sources.")] = False,
    as_of: AsOfOption = None, fmt: FormatOption = "md", output: OutputOption = None,
):
    """A knowledge-transfer draft for a person's areas, or for a folder or file, with cited sources."""
    from handoff.assist.kt import kt_draft
    from handoff.assist.retrieval import Retriever
    from handoff.retention.kt_scope import kt_scope

    _check_format(fmt)
    ws = workspace(ctx)
    facts = load_facts(ws.store, ws.settings)
    scope = kt_scope(facts, target)
    draft = kt_draft(scope, facts, Retriever(ws.home / "index", ws.settings), as_of_date(as_of), ws.settings, llm)
    _emit(kt_text(draft, fmt), output)


def _documentation(ws: Workspace, facts: Facts) -> Documentation:
    """What the index says documents each file; loads the index stack only here."""
    from handoff.assist.retrieval import Retriever

    return indexed_documentation(Retriever(ws.home / "index", ws.settings).collection, facts)


def _due_lines(outcomes: list[DueOutcome], as_of: date) -> str:
    if not outcomes:
        return f"no contractor's end date is due as of {as_of}\n"
    return "".join(f"{o.outcome}: {o.name} ({o.person}), leaves {o.end_date}, {o.files_at_risk} files at risk\n"
                   for o in outcomes)


def _emit(text: str, output: Path | None) -> None:
    """The rendered text to stdout, or to `output` with one line saying where it went."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"-o {output}: cannot write ({exc.strerror})") from None
    out.print(f"written to {output}", highlight=False)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"--format {fmt!r}: use {' or '.join(FORMATS)}")
