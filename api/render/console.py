"""Human output: rich tables sorted by what matters most, with totals."""

from __future__ import annotations

from collections import Counter
from pathlib import PurePosixPath

from rich.console import Console
from rich.markup import escape as esc
from rich.table import Table

from handoff.retention.ownership import OwnershipReport
from handoff.retention.people_report import PeopleReport
from handoff.retention.risk import RiskReport
from handoff.retention.truck_factor import TruckFactorReport

STATUS_STYLE = {"active": "green", "departing": "yellow", "departed": "red", "unknown": "dim"}


def status(value: str) -> str:
    return f"[{STATUS_STYLE.get(value, '')}]{value}[/]"


def pct(share: float) -> str:
    return f"{share:.0%}"


def people_table(console: Console, report: PeopleReport) -> None:
    table = Table(title=f"People on {report.as_of}", show_footer=True)
    for column in ("Person", "Name", "Kind", "Vendor", "Team", "Status", "End"):
        table.add_column(column)
    table.add_column("Commits", justify="right", footer=str(sum(r.commits for r in report.people)))
    table.add_column("Lines", justify="right", footer=str(sum(r.lines for r in report.people)))
    for r in report.people:
        table.add_row(esc(r.person), esc(r.name), r.kind, esc(r.vendor or ""), esc(r.team or ""), status(r.status),
                      str(r.end or ""), str(r.commits), str(r.lines))
    table.columns[0].footer = f"{len(report.people)} people"
    console.print(table)
    for s in report.merge_suggestions:
        console.print(f"[yellow]merge?[/] {esc(s.name)}: {esc(', '.join(s.people))} ({s.reason}; add a .mailmap line "
                      f"or list every email in the roster)", highlight=False)


def ownership_table(console: Console, report: OwnershipReport, prefix: str | None, limit: int) -> None:
    depth = len(PurePosixPath(prefix.strip("/")).parts) if prefix else 0
    folders = [f for f in report.folders if f.path != "." and len(PurePosixPath(f.path).parts) == depth + 1]
    if folders:
        table = Table(title="Folders")
        for column in ("Repo", "Folder", "Files", "Lines", "Top owners"):
            table.add_column(column, justify="right" if column in ("Files", "Lines") else "left")
        for folder in sorted(folders, key=lambda f: -f.lines)[: limit or None]:
            table.add_row(esc(folder.repo), esc(folder.path) + "/", str(folder.files), str(folder.lines),
                          _owners(folder.owners))
        console.print(table)
    files = sorted(report.files, key=lambda f: (-f.lines, f.repo, f.path))
    table = Table(title="Files", show_footer=True)
    table.add_column("Repo", footer=f"{len(files)} files")
    table.add_column("Path")
    table.add_column("Lines", justify="right", footer=str(sum(f.lines for f in files)))
    table.add_column("Top owners")
    for f in files[: limit or None]:
        table.add_row(esc(f.repo), esc(f.path), str(f.lines), _owners(f.owners))
    console.print(table)
    if limit and len(files) > limit:
        console.print(f"[dim]{len(files) - limit} more files; --limit 0 shows all, --json gives everything[/]")
    reasons = Counter(e.reason for e in report.excluded)
    if reasons:
        console.print("Left out: " + ", ".join(f"{n} {reason}" for reason, n in reasons.most_common()))


def truck_factor_table(console: Console, report: TruckFactorReport) -> None:
    table = Table(title="Truck factor")
    for column in ("Repo / folder", "Files", "Truck factor", "Rests on"):
        table.add_column(column, justify="right" if column in ("Files", "Truck factor") else "left")
    for r in report.repos:
        table.add_row(f"[bold]{esc(r.repo)}[/]", str(r.files), f"[bold]{r.truck_factor}[/]",
                      ", ".join(f"{esc(x.name)} ({x.files} files)" for x in r.removed))
        for f in sorted(r.folders, key=lambda f: (f.truck_factor, -f.files)):
            table.add_row(f"  {esc(f.path)}/", str(f.files), str(f.truck_factor),
                          ", ".join(esc(x.name) for x in f.removed))
    console.print(table)


def risk_table(console: Console, report: RiskReport, limit: int) -> None:
    files = report.files
    critical = sum(1 for f in files if f.level == "critical")
    table = Table(title=f"Knowledge at risk on {report.as_of} (threshold {pct(report.threshold)}, "
                        f"horizon {report.horizon_days} days)", show_footer=True)
    table.add_column("Level", footer=f"{critical} critical")
    table.add_column("Repo")
    table.add_column("Path", footer=f"{len(files)} files")
    table.add_column("Lines", justify="right", footer=str(sum(f.lines for f in files)))
    table.add_column("At risk", justify="right", footer=str(sum(f.at_risk_lines for f in files)))
    table.add_column("Held by")
    table.add_column("Successors")
    for f in files[: limit or None]:
        level = "[bold red]critical[/]" if f.level == "critical" else "[yellow]high[/]"
        held = ", ".join(f"{esc(h.name)} {status(h.status)} {pct(h.share)}" for h in f.holders)
        successors = ", ".join(f"{esc(s.name)} {pct(s.share)}" for s in f.successors) or "[red]nobody active[/]"
        at_risk = f"{f.at_risk_lines} ({pct(f.at_risk_share)})"
        table.add_row(level, esc(f.repo), esc(f.path), str(f.lines), at_risk, held, successors)
    console.print(table)
    if limit and len(files) > limit:
        console.print(f"[dim]{len(files) - limit} more files; --limit 0 shows all[/]")


def _owners(owners) -> str:
    return ", ".join(f"{esc(o.name)} {status(o.status)} {pct(o.share)}" for o in owners[:3])


def ingest_summary(console: Console, report) -> None:
    """One line per source: what was read, indexed, skipped and redacted, and how long each stage took."""
    for s in report.sources:
        parts = []
        if s.facts:
            f = s.facts
            parts.append(f"{f.commits_new} new commits, {f.files} files / {f.lines} lines blamed "
                         f"({f.blamed} blamed, {f.reused} unchanged)")
            if f.excluded:
                parts.append("left out of ownership: " + _counts(f.excluded))
        if s.tickets:
            parts.append(f"{s.tickets} tickets")
        if s.adrs:
            parts.append(f"{s.adrs} ADRs parsed")
        if s.index:
            i = s.index
            parts.append(f"index: {i.documents} documents, {i.changed} changed, {i.removed} removed, "
                         f"{i.chunks} chunks embedded")
        if s.skipped:
            parts.append("not indexed: " + _counts(s.skipped))
        if s.redactions:
            parts.append("redacted: " + _counts(s.redactions))
        seconds = {**(s.facts.seconds if s.facts else {}), **(s.index.seconds if s.index else {})}
        if seconds:
            parts.append(", ".join(f"{stage} {t:.1f}s" for stage, t in seconds.items()))
        console.print(f"[bold]{esc(s.source)}[/]: " + esc("; ".join(parts)), highlight=False)
        for problem in s.problems:
            console.print(f"  [yellow]skipped[/] {esc(str(problem))}", highlight=False)
    if report.lexical_rebuilt:
        console.print("BM25 index rebuilt", highlight=False)
    console.print(f"done in {report.seconds:.1f}s", highlight=False)


def adrs_table(console: Console, report) -> None:
    table = Table(title="Architecture decision records")
    for column in ("Repo", "#", "Title", "Status", "Date", "Links", "Authors"):
        table.add_column(column)
    for a in report.adrs:
        links = ", ".join(f"{link.kind.replace('_', ' ')} {link.target}" for link in a.links)
        table.add_row(esc(a.repo), "" if a.number is None else str(a.number), esc(a.title), esc(a.status),
                      a.date or "", esc(links), esc(", ".join(a.authors[:3])))
    console.print(table)


def _counts(counter) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in counter.most_common())


def answer_text(console: Console, answer) -> None:
    """The answer, then the numbered sources as path:start-end, then the owners with status."""
    console.print(answer.answer, highlight=False, markup=False)
    if answer.notice:
        console.print(f"[yellow]{answer.notice}[/]", highlight=False)
    if answer.citations:
        console.print("\n[bold]Sources[/]")
        for c in answer.citations:
            where = c.key if c.kind == "ticket" else f"{c.path}:{c.start_line}-{c.end_line}"
            title = f"  {c.title}" if c.title and c.kind != "ticket" else (f"  {c.title}" if c.title else "")
            console.print(f"  [{c.n}] {where}  ({c.kind}){title}", highlight=False, markup=False)
    if answer.owners:
        console.print("\n[bold]Owners[/]")
        for f in answer.owners:
            held = ", ".join(f"{esc(p.name)} ({status(p.status)}, {pct(p.share)})" for p in f.people)
            line = f"  {esc(f.path)}: {held}"
            if f.also_knows:
                line += "; also knows it: " + ", ".join(esc(p.name) for p in f.also_knows)
            console.print(line, highlight=False)
    related = answer.related
    if related.adrs or related.tickets:
        console.print("\n[bold]Related[/]")
        for a in related.adrs:
            console.print(f"  ADR {a['path']}: {a['title']} ({a['status']})", highlight=False, markup=False)
        for t in related.tickets:
            console.print(f"  {t['key']}: {t['title']} ({t['state']})", highlight=False, markup=False)


def eval_table(console: Console, report, k: int) -> None:
    recall = "  ".join(f"recall{c} {v:.2f}" for c, v in report.recall.items())
    console.print(f"{report.questions} questions ({report.mode}): {recall}  MRR@{k} {report.mrr:.2f}", highlight=False)
    if report.missed:
        console.print(f"\n[bold]Missed within {k}[/]")
        for m in report.missed:
            console.print(f"  {esc(m.q)}\n    expected {esc(', '.join(m.expect))}; got {esc(', '.join(m.got))}",
                          highlight=False)
