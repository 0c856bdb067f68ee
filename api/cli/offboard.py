"""`handoff offboard` and `handoff kt`: checklists for leaving contractors, and KT drafts.

Registered on the one `app` of `cli.py`; like every command, these parse, call and render.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from handoff.api.cli.app import AsOfOption, app, as_of_date, out, policy, workspace
from handoff.api.cli.report import index_collection
from handoff.api.render.markdown import FORMATS, checklist_text, kt_text
from handoff.assist.indexed_docs import indexed_documentation
from handoff.assist.offboarding import DueOutcome, record_due
from handoff.core.errors import InputError
from handoff.core.facts import load_facts
from handoff.core.json import to_json
from handoff.retention.offboarding.checklist import checklist
from handoff.retention.person_lookup import find_person

FormatOption = Annotated[str, typer.Option("--format", help="md (GitHub task lists) or json.")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="Write to this file instead of stdout.")]


@app.command("offboard")
def offboard_command(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Argument(help="Id, email or name of the contractor.")] = None,
    due_: Annotated[bool, typer.Option("--due", help="Record a checklist for every contractor leaving soon.")] = False,
    within_days: Annotated[int | None, typer.Option(
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
    facts, when, chosen = load_facts(ws.store, ws.settings), as_of_date(as_of), policy(ws)
    docs = indexed_documentation(index_collection(ws), facts)
    if person is None:  # --due, as checked above
        window = chosen.horizon_days if within_days is None else within_days
        outcomes = record_due(ws.store, facts, docs, when, window, policy=chosen)
        _emit(to_json(outcomes) + "\n" if fmt == "json" else _due_lines(outcomes, when), output)
        return
    found = find_person(facts, person)
    _emit(checklist_text(checklist(facts, found.id, when, docs, policy=chosen), fmt), output)


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
    retriever = Retriever(ws.home / "index", ws.settings)
    draft = kt_draft(scope, facts, retriever, as_of_date(as_of), ws.settings, llm, policy=policy(ws))
    _emit(kt_text(draft, fmt), output)


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
