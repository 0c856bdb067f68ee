"""The knowledge-drain report as one self-contained HTML page.

Everything is inline: the CSS, the sorting script and the SVG charts, so the file opens
offline, mails as one attachment and prints. The page shows the tables of `report_text` (the
same rows as the Markdown and CSV) with the charts of `report_charts`; sorting a table happens
in the page, on each cell's raw value.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from handoff.api.render.charts import charts
from handoff.api.render.report_script import report_script
from handoff.api.render.report_tables import cell_text, report_tables
from handoff.retention.drain import DrainReport

NUMERIC = {"count", "share", "points"}


def render_html(report: DrainReport) -> str:
    tables = {t.name: t for t in report_tables(report)}
    return _environment().get_template("report.html.j2").render(
        report=report, tables=tables, charts=charts(report), script=Markup(report_script()))


def sort_key(value, kind: str) -> str:
    """The value a column sorts on: the raw number, or the ISO date, or the text itself."""
    if value is None:
        return ""
    return repr(value) if kind in NUMERIC else str(value)


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("handoff.api.render", "templates"), autoescape=select_autoescape(["j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = cell_text
    env.filters["sort_key"] = sort_key
    env.tests["numeric"] = lambda kind: kind in NUMERIC
    return env
