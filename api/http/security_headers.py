"""Headers on every response: the page and what it opens run only Handoff's own code, in no frame.

The Content-Security-Policy lets scripts come only from the server itself, plus the one inline
script of the knowledge-drain report, allowed by its hash: the page opens that report as a blob,
which keeps the page's policy. Styles may be inline (the report's and its SVG charts'); nothing
may be framed, embedded or sent elsewhere. The type of each response is as declared (`nosniff`)
and no page leaks its address to the sites it links to.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache

from fastapi import FastAPI, Request

from handoff.api.render.report_script import report_script


@cache
def headers() -> dict[str, str]:
    digest = base64.b64encode(hashlib.sha256(report_script().encode()).digest()).decode()
    policy = "; ".join([
        "default-src 'none'", f"script-src 'self' 'sha256-{digest}'", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:", "connect-src 'self'", "font-src 'self'", "form-action 'self'",
        "frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'",
    ])
    return {"Content-Security-Policy": policy, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer"}


def add_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def secure(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(headers())
        return response
