"""The knowledge-drain report's one script, read once: inlined by `report_html`, allowed by its hash in
the web page's Content-Security-Policy (`security_headers`), so both always agree on its bytes."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def report_script() -> str:
    return (Path(__file__).parent / "templates" / "report.js").read_text(encoding="utf-8")
