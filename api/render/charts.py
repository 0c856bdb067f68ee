"""The knowledge-drain report's charts, drawn by matplotlib as static SVG to inline in the page.

Text stays text in the SVG (`svg.fonttype: none`), so labels are sharp at any zoom, printable
and searchable. Labels are plain text (`text.parse_math: False`): a folder named `$\frac{a}{b}$`
is shown as named, and one naming a TeX command mathtext does not know cannot fail the report.
Each chart salts matplotlib's element ids with its own name: several charts in one page never
share an id, and the same report always draws the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter
from matplotlib.typing import RcKeyType

from handoff.retention.drain import DrainReport, Slice, Totals
from handoff.retention.trend import TrendPoint

WIDTH = 9.0  # inches; the page scales the SVG to its column
MAX_BARS = 12
HOLDERS = (  # label, colour (Okabe-Ito, readable with colour-blindness)
    ("Employees", "#0072B2"),
    ("Contractors staying", "#E69F00"),
    ("Contractors departing", "#D55E00"),
    ("Contractors departed", "#8E1F3F"),
    ("Unknown authors", "#999999"),
)
GROUP_ID = re.compile(r' id="[A-Za-z0-9.]+_\d+"')  # figure_1, axes_1, patch_3: named, never referred to
STYLE: dict[RcKeyType, Any] = {"svg.fonttype": "none", "text.parse_math": False, "font.size": 10,
                               "axes.spines.top": False, "axes.spines.right": False,
                               "font.family": ["DejaVu Sans", "sans-serif"]}


def charts(report: DrainReport) -> dict[str, str]:
    """Chart name -> SVG markup, for each chart that has something to show."""
    drawn = {"holders": holders_chart(report.totals)}
    if report.by_vendor:
        drawn["vendors"] = slices_chart(report.by_vendor, "Lines by vendor, by who holds them", _vendor_label)
    if report.by_folder:
        drawn["folders"] = slices_chart(report.by_folder, "Lines by top-level folder, by who holds them",
                                        _folder_label)
    if report.trend:
        drawn["trend"] = trend_chart(report.trend)
        drawn["drain"] = drain_chart(report.trend)
    return drawn


def holder_parts(t: Totals) -> list[float]:
    """The totals as the five stacked parts of the holders bar, in HOLDERS order."""
    staying = max(0.0, t.contractor_share - t.departing_share - t.departed_share)
    return [t.employee_share, staying, t.departing_share, t.departed_share, t.unknown_share]


def holders_chart(totals: Totals) -> str:
    def draw(ax: Axes) -> None:
        parts = holder_parts(totals)
        _stacked(ax, ["All code"], [parts])
        for left, width in zip(_lefts(parts), parts, strict=True):
            if width >= 0.04:
                ax.text(left + width / 2, 0, f"{width:.0%}", ha="center", va="center", color="white",
                        fontweight="bold")
        ax.set_title(f"Who holds the {totals.lines:,} surviving lines", loc="left")

    return _render("holders", 1.8, draw)


def slices_chart(slices: Sequence[Slice], title: str, label: Callable[[Slice], str]) -> str:
    shown = list(slices)[:MAX_BARS][::-1]

    def draw(ax: Axes) -> None:
        _stacked(ax, [label(s) for s in shown], [holder_parts(s.totals) for s in shown])
        more = f" (largest {MAX_BARS} of {len(slices)})" if len(slices) > MAX_BARS else ""
        ax.set_title(title + more, loc="left")

    return _render(title, 1.4 + 0.32 * len(shown), draw)


def trend_chart(points: Sequence[TrendPoint]) -> str:
    series = [("Employees", "employee_share"), ("Contractors", "contractor_share"),
              ("Contractors departing", "departing_share"), ("Contractors departed", "departed_share"),
              ("Unknown authors", "unknown_share")]
    colours = dict(HOLDERS) | {"Contractors": "#E69F00"}

    def draw(ax: Axes) -> None:
        dates = [p.date for p in points]
        for name, attribute in series:
            ax.plot(date2num(dates), [getattr(p, attribute) for p in points], marker="o", markersize=3.5, linewidth=2,
                    label=name, color=colours[name])
        ax.set_ylim(0, 1)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylabel("share of surviving lines")
        _month_axis(ax, dates)
        ax.set_title("Who held the code at each month end", loc="left")
        _legend(ax)

    return _render("trend", 3.8, draw)


def drain_chart(points: Sequence[TrendPoint]) -> str:
    def draw(ax: Axes) -> None:
        dates = [p.date for p in points]
        drained = [p.drained_lines for p in points]
        ax.fill_between(date2num(dates), drained, color="#8E1F3F", alpha=0.25, linewidth=0)
        ax.plot(date2num(dates), drained, marker="o", markersize=3.5, linewidth=2, color="#8E1F3F")
        ax.set_ylim(0, max(max(drained), 1) * 1.15)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylabel("lines whose holders had left")
        _month_axis(ax, dates)
        ax.set_title("Knowledge drain: surviving lines whose holders had left", loc="left")

    return _render("drain", 3.0, draw)


def _stacked(ax, labels: list[str], rows: list[list[float]]) -> None:
    """Horizontal bars of five parts each, 0-100 %, with the legend under the axis."""
    for i, (name, colour) in enumerate(HOLDERS):
        widths = [row[i] for row in rows]
        lefts = [sum(row[:i]) for row in rows]
        ax.barh(labels, widths, left=lefts, color=colour, label=name, height=0.7)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("share of surviving lines")
    _legend(ax)


def _legend(ax: Axes) -> None:
    """One row of keys under the chart, outside the axes so it never covers a bar or a label."""
    handles, labels = ax.get_legend_handles_labels()
    ax.figure.legend(handles, labels, loc="outside lower center", ncol=len(labels), frameon=False, fontsize=9,
                     handlelength=1.4, columnspacing=1.4)


def _lefts(parts: list[float]) -> list[float]:
    return [sum(parts[:i]) for i in range(len(parts))]


def _month_axis(ax, dates) -> None:
    ax.set_xticks(date2num(dates), [d.strftime("%b %Y") for d in dates], rotation=45, ha="right")
    ax.grid(axis="y", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)


def _vendor_label(s: Slice) -> str:
    return f"{s.name} ({s.totals.lines:,} lines)"


def _folder_label(s: Slice) -> str:
    folder = "(root files)" if s.name == "." else f"{s.name}/"
    return f"{s.repo}: {folder} ({s.totals.lines:,})"


def _render(name: str, height: float, draw: Callable[[Axes], None]) -> str:
    """`draw` on a fresh figure, as an <svg> element to inline: no XML prolog, no metadata, and
    only the ids that something refers to (clip paths, markers), salted with `name`, so that
    several charts in one page never repeat an id."""
    with matplotlib.rc_context({**STYLE, "svg.hashsalt": name}):
        fig = Figure(figsize=(WIDTH, height), layout="constrained")
        draw(fig.add_subplot())
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type")))
    markup = buffer.getvalue()
    return GROUP_ID.sub("", markup[markup.index("<svg"):])
