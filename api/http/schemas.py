"""Request bodies, and how responses are documented: schemas, examples and error statuses.

A response is a result record of core, retention or assist rendered by `render.jsonable`,
the same JSON as the CLI's `--json`; its schema is generated from the record's dataclass and
its example is real output on the sample organisation (examples/README.md), trimmed to a row.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from handoff.assist.retrieval import Kind
from handoff.core.keys import KeyRecord, Role
from handoff.core.text import check_text

ERRORS = {
    400: "Bad input: a malformed body or parameter, or a value the core refuses; the message says which.",
    401: "No API key, or one that is not valid (unknown, revoked or mistyped).",
    403: "The API key's role is below the one this endpoint needs.",
    404: "Unknown person, repository or job, or nothing indexed yet.",
    503: "The workspace cannot be read, or the server is not ready yet.",
}


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
YEARS = (1900, 2999)


def iso_date(value) -> date:
    """A date written YYYY-MM-DD in a sane range: no timestamps, no datetimes, no year 9999 that the
    horizon would carry past the calendar."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        value = date.fromisoformat(value)
    if not isinstance(value, date) or not YEARS[0] <= value.year <= YEARS[1]:
        raise ValueError(f"use a date YYYY-MM-DD between {YEARS[0]} and {YEARS[1]}")
    return value


IsoDate = Annotated[date, BeforeValidator(iso_date)]
AsOfQuery = Annotated[IsoDate | None, Query(description="Date to judge status on (YYYY-MM-DD); today by default.")]


class ErrorDetail(BaseModel):
    code: str = Field(description="Stable machine-readable code: bad_input, unauthorized, forbidden, not_found, ...")
    message: str = Field(description="One line saying what is wrong and where.")


class ErrorBody(BaseModel):
    error: ErrorDetail

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"error": {"code": "forbidden",
                   "message": "this needs the manager role; the key 3f9a1c2b7d4e is a reader key"}}]})


class Request(BaseModel):
    """A request body: unknown fields refused and no coercion (`0` is not `false`); dates are `IsoDate`;
    text is UTF-8 (a lone surrogate such as `"\\ud800"` is a 400 here, not a failure deep inside)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="after")
    def _utf8_text(self) -> Request:
        for name in type(self).model_fields:
            value = getattr(self, name)
            for n, text in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(text, str):
                    check_text(text, f"body.{name}" + (f"[{n}]" if isinstance(value, list) else ""))
        return self


class AskRequest(Request):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"question": "why was the payments code moved out of the billing package?", "as_of": "2026-10-01"}]})

    question: str = Field(description="A question about the code, its decisions or its history.")
    repo: str | None = Field(None, description="Only this repository.")
    kind: Kind | None = Field(None, description="Only this kind of source.")
    k: int = Field(8, ge=1, le=50, description="Sources to cite.")
    as_of: IsoDate | None = Field(None, description="Date to judge owners' status on; today by default.")
    llm: bool = Field(False, description="Have the configured model write the answer from the sources.")


class IngestRequest(Request):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"repository": "/srv/git/shop", "tickets": ["/srv/exports/jira.csv"]},
        {"repository": "https://git.example.com/shop.git", "name": "shop"}]})

    repository: str | None = Field(None, description="A git clone under one of the allowed roots, or a network git "
                                                     "URL (https, ssh, git) to mirror.")
    name: str | None = Field(None, pattern=r"^[A-Za-z0-9._-]+$", max_length=100,
                             description="Repository name; the folder or URL name by default.")
    tickets: list[str] = Field(default_factory=list, max_length=50,
                               description="Ticket exports under the allowed roots.")
    configured: bool = Field(False, description="Also ingest every [[repos]] entry of handoff.toml.")
    index: bool = Field(True, description="Update the search index too; false stops at facts (history, ownership).")


class KeyRequest(Request):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "reader"}]})

    role: Role = Field(description="reader, manager or admin.")


class KeyList(BaseModel):
    keys: list[KeyRecord]


class KtRequest(Request):
    model_config = ConfigDict(json_schema_extra={
        "examples": [{"path": "shop/billing", "as_of": "2026-10-01"}, {"person": "Viktor Salo"}],
        "oneOf": [{"required": ["person"]}, {"required": ["path"]}]})

    person: str | None = Field(None, description="A person (id, email or name): a draft of the areas they hold "
                                                 "(manager role).")
    path: str | None = Field(None, description="A file or folder, `PATH` or `REPO:PATH` (reader role).")
    as_of: IsoDate | None = Field(None, description="Date of the draft; today by default.")
    llm: bool = Field(False, description="Have the configured model write each section from the same sources.")

    @model_validator(mode="after")
    def _one_target(self) -> KtRequest:
        if (self.person is None) == (self.path is None):
            raise ValueError("give exactly one of person or path")
        return self

    @property
    def target(self) -> tuple[str, str]:
        """(kind, text): what the draft is for."""
        return ("person", self.person) if self.person is not None else ("path", self.path or "")


class Health(BaseModel):
    status: str = Field(description="ok, or ready for /readyz.")


def documented(model, example, *statuses: int, status: int = 200, description: str = "Success.",
               others: dict[str, str] | None = None) -> dict:
    """FastAPI `responses` for a route: its JSON schema with an example, the examples of its other media
    types (`others`: media type -> example text), and its error statuses."""
    content = {"application/json": {"example": example}} | {
        media: {"schema": {"type": "string"}, "example": text} for media, text in (others or {}).items()}
    return {status: {"model": model, "description": description, "content": content}} | errors(*statuses)


def errors(*statuses: int) -> dict:
    return {status: {"model": ErrorBody, "description": ERRORS[status]} for status in statuses}


OWNER = {"person": "C2007", "name": "Viktor Salo", "kind": "contractor", "status": "departing", "lines": 288,
         "share": 0.8834}

ASK_EXAMPLE = {
    "question": "why was the payments code moved out of the billing package?", "mode": "extractive",
    "answer": "- Ticket SHOP-31: Move payments out of billing [1]\n- Code: shop/payments/__init__.py:1-5: Taking "
              "money: the provider interface, its Stripe and Adyen implementations, and their webhooks. [2]",
    "citations": [{"n": 1, "kind": "ticket", "repo": "", "path": "SHOP-31", "start_line": 1, "end_line": 11,
                   "title": "Move payments out of billing", "key": "SHOP-31",
                   "url": "https://shop-example.atlassian.net/browse/SHOP-31", "symbol": None,
                   "snippet": "SHOP-31: Move payments out of billing Status: Done. Type: Task.", "score": 0.0325},
                  {"n": 2, "kind": "code", "repo": "shop", "path": "shop/payments/__init__.py", "start_line": 1,
                   "end_line": 5, "title": None, "key": None, "url": None, "symbol": None,
                   "snippet": "\"\"\"Taking money: the provider interface, its Stripe and Adyen implementations.",
                   "score": 0.0323}],
    "owners": [{"repo": "shop", "path": "shop/payments/__init__.py",
                "people": [{"person": "C2007", "name": "Viktor Salo", "kind": "contractor", "status": "departing",
                            "share": 1.0}],
                "also_knows": [{"person": "E1031", "name": "Noor Haddad", "kind": "employee", "status": "active",
                                "share": 0.0}]}],
    "related": {"adrs": [], "tickets": [{"key": "SHOP-31", "title": "Move payments out of billing", "state": "closed",
                                         "url": "https://shop-example.atlassian.net/browse/SHOP-31"}]},
    "weak": False, "notice": None,
}

PERSON_EXAMPLE = {"person": "C2007", "name": "Viktor Salo", "kind": "contractor", "vendor": "Northwind Dev",
                  "team": "checkout", "start": "2025-06-16", "end": "2026-10-31", "status": "departing",
                  "emails": ["viktor.salo@northwind.example"], "commits": 31, "lines": 1038,
                  "last_commit": "2026-09-18"}

PEOPLE_EXAMPLE = {"as_of": "2026-10-01", "people": [PERSON_EXAMPLE], "merge_suggestions": []}

RISK_EXAMPLE = {
    "as_of": "2026-10-01", "threshold": 0.5, "horizon_days": 90,
    "files": [{"repo": "shop", "path": "shop/billing/refunds.py", "lines": 138, "at_risk_lines": 108,
               "at_risk_share": 0.7826, "level": "high",
               "holders": [{"person": "C2007", "name": "Viktor Salo", "status": "departing", "share": 0.7826}],
               "successors": [{"person": "E1011", "name": "Tomás Reyes", "share": 0.2174, "folder_share": 0.1266,
                               "cochange_share": 0.2335}]}],
}

OWNERSHIP_EXAMPLE = {
    "files": [{"repo": "shop", "path": "shop/payments/__init__.py", "lines": 5, "owners": [{**OWNER, "lines": 5,
                                                                                           "share": 1.0}]}],
    "folders": [{"repo": "shop", "path": "shop/payments", "files": 6, "lines": 326, "owners": [OWNER]}],
    "excluded": [{"repo": "shop", "path": "shop/vendor/backoff_lite/__init__.py", "reason": "vendored"}],
}

TRUCK_FACTOR_EXAMPLE = {"repos": [{
    "repo": "shop", "files": 170, "truck_factor": 4,
    "removed": [{"person": "E1004", "name": "Ingrid Okafor", "files": 45},
                {"person": "C2007", "name": "Viktor Salo", "files": 29},
                {"person": "C3002", "name": "Aiko Tanaka", "files": 22},
                {"person": "C2009", "name": "Lena Petrovic", "files": 20}],
    "folders": [{"path": ".github", "files": 4, "truck_factor": 1,
                 "removed": [{"person": "E1004", "name": "Ingrid Okafor", "files": 3}]}]}]}

JOB_EXAMPLE = {"id": "5d0c2a9e41b7", "kind": "ingest", "state": "running", "stage": "embed", "done": 320,
               "total": 1184, "request": {"repository": "/srv/git/shop", "name": None, "tickets": [],
                                          "configured": False, "index": True},
               "result": None, "errors": [], "cancel_requested": False,
               "created_at": "2026-10-01T09:12:03.120+00:00", "updated_at": "2026-10-01T09:12:41.907+00:00"}

KEY_EXAMPLE = {"id": "3f9a1c2b7d4e", "role": "reader", "created_at": "2026-10-01T09:00:00+00:00", "revoked_at": None}

ISSUED_KEY_EXAMPLE = {"id": "3f9a1c2b7d4e", "role": "reader",
                      "key": "hk_3f9a1c2b7d4e_Jx3Qm0yV2cQb7q1uW8eZr5tLk9pAs4dFg6hHj2kLm0o"}

CHECKLIST_MD_EXAMPLE = """# Offboarding checklist: Viktor Salo (C2007)

As of 2026-10-01. Contractor, Northwind Dev, team checkout; leaves on 2026-10-31 (in 30 days); departing.

## 2. Files at risk

- [ ] **1. `shop/payments/webhooks.py`**: critical; Viktor Salo holds 85 of 100 lines
"""

CHECKLIST_EXAMPLE = {"person": "C2007", "name": "Viktor Salo", "as_of": "2026-10-01",
    "summary": {"kind": "contractor", "vendor": "Northwind Dev", "team": "checkout",
    "status": "departing", "end_date": "2026-10-31", "days_left": 30,
    "lines_held": 1038, "files_held": 40, "files_at_risk": {"critical": 26,
    "high": 6}, "repositories": [{"repo": "shop", "path": ".", "lines": 1038,
    "total": 5356, "share": 0.1938}], "folders": []}, "at_risk_files": [{"rank": 1,
    "repo": "shop", "path": "shop/payments/webhooks.py", "level": "critical",
    "lines": 100, "held_lines": 85, "held_share": 0.85, "at_risk_share": 0.97,
    "holders": [{"person": "C2007", "name": "Viktor Salo", "status": "departing",
    "share": 0.85}], "successors": [{"person": "E1031", "name": "Noor Haddad",
    "share": 0.03, "folder_share": 0.0153, "cochange_share": 0.0189}],
    "documentation": {"adrs": ["docs/adr/0006-payment-providers-behind-an-interface.md"],
    "tickets": ["SHOP-31"], "readme": "README.md",
    "docstring": "Incoming payment webhooks: verify, de-duplicate, apply.",
    "prose": False}, "undocumented": False, "only_them": False}], "decisions": [],
    "tickets": {"to_reassign": [{"key": "SHOP-75", "title": "Capture authorisations before they expire",
    "status": "To Do", "url": "https://shop-example.atlassian.net/browse/SHOP-75",
    "roles": ["assignee"], "updated": "2026-07-08", "stale": True,
    "files": [], "suggested": {"person": "E1011", "name": "Tomás Reyes"}}],
    "context": []}, "sessions": [], "questions": [], "access_review": [],
    "access_window": ["2026-07-03", "2026-10-01"], "indexed": True}

KT_EXAMPLE = {"subject": "shop:shop/billing", "kind": "path", "person": None,
    "as_of": "2026-10-01", "areas": [{"repo": "shop", "path": "shop/billing",
    "files": 4, "lines": 237, "sections": [{"title": "Purpose and structure",
    "text": "- README.md: `shop/billing` tax, invoices, refunds: how much is owed or given back [1]\n...",
    "sources": [1], "written_by": "template", "notice": None}]}], "sources": [{"n": 1,
    "kind": "doc", "repo": "shop", "path": "README.md", "start_line": 23,
    "end_line": 34, "title": None, "key": None, "url": None, "symbol": "Shop > Layout",
    "snippet": "## Layout | folder | what | |---|---| | `shop/catalog`, `shop/cart`, `shop/checkout` | ...",
    "score": 0.0}], "indexed": True}

DRAIN_EXAMPLE = {"as_of": "2026-10-01", "horizon_days": 90, "totals": {"lines": 5356,
    "employee_share": 0.4108, "contractor_share": 0.5874, "unknown_share": 0.0019,
    "departing_share": 0.3204, "departed_share": 0.1075, "files_at_risk": 74,
    "files_critical": 61}, "threshold": 0.5, "critical_share": 0.2,
    "by_vendor": [{"name": "(employees)", "repo": None, "share_of_lines": 0.4108,
    "totals": {"lines": 2200, "employee_share": 1.0, "contractor_share": 0.0,
    "unknown_share": 0.0, "departing_share": 0.0, "departed_share": 0.0,
    "files_at_risk": 0, "files_critical": 0}}], "by_team": [], "by_repo": [],
    "by_folder": [], "truck_factors": [{"repo": "shop", "folder": ".",
    "files": 170, "truck_factor": 4, "rests_on": [{"person": "E1004",
    "name": "Ingrid Okafor", "files": 45}]}], "files_at_risk": [{"repo": "shop",
    "path": "shop/billing/refunds.py", "lines": 138, "at_risk_lines": 108,
    "at_risk_share": 0.7826, "level": "high", "holders": [{"person": "C2007",
    "name": "Viktor Salo", "status": "departing", "share": 0.7826}],
    "successors": [{"person": "E1011", "name": "Tomás Reyes", "share": 0.2174,
    "folder_share": 0.1266, "cochange_share": 0.2335}]}], "departing": [{"person": "C2007",
    "name": "Viktor Salo", "vendor": "Northwind Dev", "team": "checkout",
    "end": "2026-10-31", "days_left": 30, "lines": 1038, "share_of_lines": 0.1938,
    "files_at_risk": 32, "files_critical": 26, "checklist": None}],
    "documentation": {"files_at_risk": 74, "documented": 68, "documented_share": 0.9189,
    "by_ticket": 53, "by_adr": 37, "by_readme": 47, "prose": 13, "undocumented": []},
    "trend": [{"date": "2025-10-31", "commits": {"shop": "febcc8493a777c0f2e69f7200b7379ce51d1666a"},
    "lines": 3605, "employee_share": 0.4846, "contractor_share": 0.5154,
    "unknown_share": 0.0, "departing_share": 0.0, "departed_share": 0.0,
    "drained_lines": 0, "drained_share": 0.0}], "warnings": {"rise_points": 10.0,
    "window_months": 3, "recent_days": 30, "rising_folders": [], "recent_critical_work": [{"person": "C2007",
    "name": "Viktor Salo", "vendor": "Northwind Dev", "end": "2026-10-31",
    "commits": 1, "critical_files": ["shop:shop/payments/webhooks.py"]}],
    "orphaned_files": []}}

