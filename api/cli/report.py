"""`handoff report`: the knowledge-drain report as HTML, Markdown, JSON or CSV.

The command samples ownership at past month ends (an ingest step: it reads git, and caches
what it blamed), then hands the samples with the facts to `retention.drain` and renders the
record it gets back.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from handoff.api.cli.app import AsOfOption, HorizonOption, app, as_of_date, err, policy, workspace
from handoff.api.cli.progress_bars import RichProgress
from handoff.api.render.report_tables import TABLES, check_table, csv_text, markdown, report_tables, table_named
from handoff.api.workflows import drain_report
from handoff.core.errors import InputError
from handoff.core.facts import load_facts
from handoff.core.json import to_json
from handoff.core.workspace import Workspace
from handoff.retention.drain import RISE_POINTS


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    json = "json"
    csv = "csv"


FormatOption = Annotated[ReportFormat, typer.Option(
    "--format", help="html (one self-contained file), md, json or csv.")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="File to write (a folder for csv without --table); stdout by default.")]
TableOption = Annotated[str | None, typer.Option(
    "--table", help=f"With --format csv, only this table: {', '.join(TABLES)}.")]
RisePointsOption = Annotated[float, typer.Option(
    "--rise-points", min=0, help="Warn of folders whose contractor share rose more points in 3 months.")]


@app.command("report")
def report_command(
    ctx: typer.Context, as_of: AsOfOption = None, horizon_days: HorizonOption = None,
    fmt: FormatOption = ReportFormat.html, output: OutputOption = None, table: TableOption = None,
    rise_points: RisePointsOption = RISE_POINTS,
):
    """Knowledge-drain report: who holds the code, what leaves next, the trend and early warnings."""
    ws = workspace(ctx)
    day = as_of_date(as_of)
    _check_csv_options(fmt, output, table)
    facts = load_facts(ws.store, ws.settings)
    with RichProgress(err) as progress:
        report = drain_report(ws, facts, index_collection(ws), day, policy=policy(ws, horizon_days=horizon_days),
                              rise_points=rise_points, progress=progress)
    if fmt is ReportFormat.csv:
        _write_csv(report, output, table)
    else:
        from handoff.api.render.report_html import render_html  # matplotlib loads only for the HTML report

        _write({ReportFormat.html: render_html, ReportFormat.md: markdown, ReportFormat.json: to_json}[fmt](report),
               output)


def index_collection(ws: Workspace):
    """The index's Chroma collection, or None for a workspace ingested with --facts-only."""
    if not (ws.home / "index").is_dir() and not ws.settings.chroma_url:
        return None
    from handoff.assist.retrieval import Retriever  # the index stack loads only when there is one

    return Retriever(ws.home / "index", ws.settings).collection


def _check_csv_options(fmt: ReportFormat, output: Path | None, table: str | None) -> None:
    if table is not None and fmt is not ReportFormat.csv:
        raise InputError("--table picks one CSV table; add --format csv")
    if table is not None:
        check_table(table)
    if fmt is ReportFormat.csv and table is None and (output is None or output.is_file()):
        raise InputError(f"--format csv writes one file per table into a folder: give -o FOLDER, or --table NAME "
                         f"(one of {', '.join(TABLES)})")


def _write_csv(report, output: Path | None, table: str | None) -> None:
    if table is not None:
        _write(csv_text(table_named(report, table)), output)
    elif output is not None:  # every table, into the folder that _check_csv_options asked for
        _writable(output.mkdir, output, parents=True, exist_ok=True)
        for t in report_tables(report):
            _write(csv_text(t), output / f"{t.name}.csv")


def _write(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    _writable(output.write_text, output, text, encoding="utf-8")
    err.print(f"wrote {output}", highlight=False)


def _writable(action, path: Path, *args, **kwargs) -> None:
    """Run a file-system write, turning its failure into one line that names the path."""
    try:
        action(*args, **kwargs)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None

