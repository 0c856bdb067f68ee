"""The knowledge-drain report as tables, and those tables as Markdown and CSV.

`report_tables` is the one place that decides which rows and columns the report shows; the
HTML page, the Markdown text and the CSV files all render its tables, so they show the same
figures. Cells hold plain values (shares as fractions, dates as dates): CSV writes them as they
are, Markdown and HTML format them for people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from handoff.core.errors import InputError
from handoff.core.markup import markdown_text
from handoff.retention.drain import DrainReport, Slice
from handoff.retention.risk import FileRisk

Value = str | int | float | date | None


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = "text"  # text | level | count | share | points | date


@dataclass
class Table:
    name: str  # the CSV file's stem and the --table value
    title: str
    columns: list[Column]
    rows: list[list[Value]] = field(default_factory=list)


def cell_text(value: Value, kind: str) -> str:
    """A cell as people read it: 41.1%, +12.5 pts, 1,234."""
    if value is None:
        return ""
    if kind == "share":
        return f"{value:.1%}"
    if kind == "points":
        return f"{value:+.1f} pts"
    if kind == "count":
        return f"{value:,}"
    return str(value)


def report_tables(report: DrainReport) -> list[Table]:
    return [builder(report) for builder in TABLES.values()]


def check_table(name: str) -> None:
    if name not in TABLES:
        raise InputError(f"--table {name!r}: no such table; choose one of {', '.join(TABLES)}")


def table_named(report: DrainReport, name: str) -> Table:
    check_table(name)
    return TABLES[name](report)


def csv_text(table: Table) -> str:
    """The table with a header row; shares as fractions rounded to 4 decimals, dates ISO."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.header for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if v is None else round(v, 4) if isinstance(v, float) else v for v in row])
    return out.getvalue()


def markdown(report: DrainReport) -> str:
    t = report.totals
    lines = [
        f"# Knowledge drain on {report.as_of}", "",
        f"Horizon {report.horizon_days} days; a file is at risk when leaving contractors hold "
        f"{report.threshold:.0%} of it, critical when no active employee holds {report.critical_share:.0%}.", "",
        f"- **{t.lines:,} lines**: employees {t.employee_share:.1%}, contractors {t.contractor_share:.1%}, "
        f"unknown authors {t.unknown_share:.1%}",
        f"- departing contractors hold {t.departing_share:.1%}, departed contractors {t.departed_share:.1%}",
        f"- **{t.files_at_risk} files at risk**, {t.files_critical} critical", "",
    ]
    for table in (t for t in report_tables(report) if t.name != "totals"):
        lines += [f"## {table.title}", "", *_markdown_table(table), ""]
    return markdown_text("\n".join(lines))


def _markdown_table(table: Table) -> list[str]:
    if not table.rows:
        return ["None."]
    right = {"count", "share", "points"}
    lines = ["| " + " | ".join(c.header for c in table.columns) + " |",
             "|" + "|".join("---:" if c.kind in right else "---" for c in table.columns) + "|"]
    for row in table.rows:
        cells = [cell_text(v, c.kind).replace("|", "\\|") for v, c in zip(row, table.columns, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


SHARE_COLUMNS = [Column("Lines", "count"), Column("Share of all lines", "share"), Column("Employees", "share"),
                 Column("Contractors", "share"), Column("Unknown", "share"), Column("Departing", "share"),
                 Column("Departed", "share"), Column("Files at risk", "count"), Column("Critical", "count")]


def _slice_row(s: Slice) -> list[Value]:
    t = s.totals
    return [t.lines, s.share_of_lines, t.employee_share, t.contractor_share, t.unknown_share, t.departing_share,
            t.departed_share, t.files_at_risk, t.files_critical]


def _totals(report: DrainReport) -> Table:
    t = report.totals
    columns = [Column("As of", "date"), Column("Horizon (days)", "count"), Column("Lines", "count"),
               Column("Employees", "share"), Column("Contractors", "share"), Column("Unknown", "share"),
               Column("Departing", "share"), Column("Departed", "share"), Column("Files at risk", "count"),
               Column("Critical", "count")]
    return Table("totals", "Totals", columns, [[report.as_of, report.horizon_days, t.lines, t.employee_share,
                                                t.contractor_share, t.unknown_share, t.departing_share,
                                                t.departed_share, t.files_at_risk, t.files_critical]])


def _slices(name: str, title: str, header: str, pick: Callable[[DrainReport], list[Slice]]):
    def build(report: DrainReport) -> Table:
        slices = pick(report)
        if name != "folders":
            return Table(name, title, [Column(header), *SHARE_COLUMNS], [[s.name, *_slice_row(s)] for s in slices])
        return Table(name, title, [Column("Repository"), Column(header), *SHARE_COLUMNS],
                     [[s.repo, "(root files)" if s.name == "." else s.name, *_slice_row(s)] for s in slices])

    return build


def _truck_factor(report: DrainReport) -> Table:
    columns = [Column("Repository"), Column("Folder"), Column("Files", "count"), Column("Truck factor", "count"),
               Column("Rests on")]
    return Table("truck_factor", "Truck factor", columns, [
        [r.repo, "(whole repository)" if r.folder == "." else r.folder, r.files, r.truck_factor,
         ", ".join(f"{p.name} ({p.files} files)" for p in r.rests_on)] for r in report.truck_factors])


def _files_at_risk(report: DrainReport) -> Table:
    columns = [Column("Level", "level"), Column("Repository"), Column("Path"), Column("Lines", "count"),
               Column("At risk", "count"), Column("At risk share", "share"), Column("Held by"), Column("Successors")]
    return Table("files_at_risk", "Top files at risk", columns, [_risk_row(f) for f in report.files_at_risk])


def _risk_row(f: FileRisk) -> list[Value]:
    held = ", ".join(f"{h.name} ({h.status}, {h.share:.0%})" for h in f.holders)
    successors = ", ".join(f"{s.name} ({s.share:.0%})" if s.share >= 0.005 else s.name for s in f.successors)
    successors = successors or "nobody active"
    return [f.level, f.repo, f.path, f.lines, f.at_risk_lines, f.at_risk_share, held, successors]


def _departing(report: DrainReport) -> Table:
    checklists = any(d.checklist is not None for d in report.departing)
    columns = [Column("Person"), Column("Name"), Column("Vendor"), Column("Team"), Column("Ends", "date"),
               Column("Days left", "count"), Column("Lines", "count"), Column("Share of all lines", "share"),
               Column("Files at risk", "count"), Column("Critical", "count")]
    rows = [[d.person, d.name, d.vendor, d.team, d.end, d.days_left, d.lines, d.share_of_lines, d.files_at_risk,
             d.files_critical] + ([d.checklist] if checklists else []) for d in report.departing]
    return Table("departing", f"Contractors leaving within {report.horizon_days} days",
                 columns + ([Column("Checklist")] if checklists else []), rows)


def _documentation(report: DrainReport) -> Table:
    d = report.documentation
    columns = [Column("Files at risk", "count"), Column("Documented", "count"), Column("Documented share", "share"),
               Column("By ticket", "count"), Column("By decision record", "count"), Column("By README", "count")]
    return Table("documentation", "Documentation of the files at risk", columns,
                 [[d.files_at_risk, d.documented, d.documented_share, d.by_ticket, d.by_adr, d.by_readme]])


def _undocumented(report: DrainReport) -> Table:
    columns = [Column("Level", "level"), Column("Repository"), Column("Path"), Column("At risk", "count")]
    return Table("undocumented", "Files at risk with no ticket, decision record or README", columns,
                 [[u.level, u.repo, u.path, u.at_risk_lines] for u in report.documentation.undocumented])


def _trend(report: DrainReport) -> Table:
    columns = [Column("Month end", "date"), Column("Lines", "count"), Column("Employees", "share"),
               Column("Contractors", "share"), Column("Unknown", "share"), Column("Departing", "share"),
               Column("Departed", "share"), Column("Drained lines", "count"), Column("Drained share", "share"),
               Column("Commits sampled")]
    return Table("trend", "Trend at month ends", columns, [
        [p.date, p.lines, p.employee_share, p.contractor_share, p.unknown_share, p.departing_share,
         p.departed_share, p.drained_lines, p.drained_share,
         ", ".join(f"{repo}@{sha[:10]}" for repo, sha in p.commits.items())] for p in report.trend])


def _rising(report: DrainReport) -> Table:
    w = report.warnings
    columns = [Column("Repository"), Column("Folder"), Column("From", "date"), Column("To", "date"),
               Column("Contractors before", "share"), Column("Contractors after", "share"), Column("Rise", "points")]
    return Table("rising_folders", f"Folders whose contractor share rose over {w.rise_points:g} points in "
                 f"{w.window_months} months", columns, [
                     [r.repo, r.folder, r.since, r.until, r.contractor_share_before, r.contractor_share_after,
                      r.rise_points] for r in w.rising_folders])


def _recent_work(report: DrainReport) -> Table:
    w = report.warnings
    columns = [Column("Person"), Column("Name"), Column("Vendor"), Column("Ends", "date"), Column("Commits", "count"),
               Column("Critical files changed")]
    return Table("recent_critical_work", f"Departing contractors who changed critical files in the last "
                 f"{w.recent_days} days", columns, [
                     [r.person, r.name, r.vendor, r.end, r.commits, ", ".join(r.critical_files)]
                     for r in w.recent_critical_work])


def _orphaned(report: DrainReport) -> Table:
    columns = [Column("Repository"), Column("Path"), Column("Lines", "count"), Column("Held by (all departed)")]
    return Table("orphaned_files", "Files whose every holder has left", columns, [
        [o.repo, o.path, o.lines, ", ".join(o.holders)] for o in report.warnings.orphaned_files])


TABLES: dict[str, Callable[[DrainReport], Table]] = {
    "totals": _totals,
    "departing": _departing,
    "rising_folders": _rising,
    "recent_critical_work": _recent_work,
    "orphaned_files": _orphaned,
    "trend": _trend,
    "vendors": _slices("vendors", "By vendor", "Vendor", lambda r: r.by_vendor),
    "teams": _slices("teams", "By team", "Team", lambda r: r.by_team),
    "repos": _slices("repos", "By repository", "Repository", lambda r: r.by_repo),
    "folders": _slices("folders", "By top-level folder", "Folder", lambda r: r.by_folder),
    "truck_factor": _truck_factor,
    "files_at_risk": _files_at_risk,
    "documentation": _documentation,
    "undocumented": _undocumented,
}
