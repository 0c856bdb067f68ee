"""Ticket exports from GitHub, Jira and Linear, on fixtures shaped like the real exports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from handoff.core.errors import InputError
from handoff.core.records import Comment, Identity, Problem
from handoff.ingest.sources.tickets import read_tickets
from handoff.ingest.sources.tickets.adf import adf_to_text
from handoff.ingest.sources.tickets.common import RecordError, jira_datetime

FIXTURES = Path(__file__).parent / "fixtures" / "tickets"
UTC = UTC
CET = timezone(timedelta(hours=1))


def read(name: str, **kwargs):
    return read_tickets(FIXTURES / name, **kwargs)


def test_gh_issue_list():
    tickets, problems = read("gh_issue_list.json")
    assert [t.key for t in tickets] == ["GH-412", "GH-418", "GH-421"]
    first = tickets[0]
    assert first.title == "Checkout returns 413 for large carts"
    assert first.body == (
        "Checkout fails for carts with more than 50 lines.\n\nSteps:\n1. Add 51 items\n2. Press **Pay**\n\n"
        "The API answers `413 Payload Too Large`."
    )
    assert (first.status, first.state, first.type, first.source) == ("CLOSED", "closed", "issue", "github-gh")
    assert first.assignee == Identity("mchen-contractor")
    assert first.reporter == Identity("jkowalski")
    assert first.labels == ["bug", "checkout"]
    assert first.created == datetime(2024, 3, 6, 14, 2, 37, tzinfo=UTC)
    assert first.updated == datetime(2024, 3, 8, 16, 20, 12, tzinfo=UTC)
    assert first.resolved == datetime(2024, 3, 8, 16, 20, 11, tzinfo=UTC)
    assert first.url == "https://github.com/acme/shop/issues/412"
    assert first.comments == [
        Comment(Identity("mchen-contractor"), datetime(2024, 3, 7, 9, 12, 44, tzinfo=UTC),
                "The gateway caps bodies at 1 MB; I raised it to 4 MB in `nginx/checkout.conf`."),
        Comment(Identity("jkowalski"), datetime(2024, 3, 8, 16, 20, 5, tzinfo=UTC),
                "Verified on staging 👍\nClosing."),
    ]
    assert tickets[1].title == "Factura: formato de importes en español"
    assert (tickets[1].state, tickets[1].assignee) == ("open", None)
    assert tickets[2].assignee == Identity("jkowalski")  # the first of several assignees
    assert problems == [
        Problem(str(FIXTURES / "gh_issue_list.json"), "record 3", "createdAt: 'last Tuesday' is not an ISO 8601 date"),
    ]


def test_github_rest_issue_list_marks_pull_requests():
    tickets, problems = read("github_rest_issues.json")
    assert [(t.key, t.type, t.state) for t in tickets] == [
        ("GH-377", "issue", "closed"), ("GH-381", "pull request", "closed"), ("GH-390", "issue", "open"),
    ]
    issue = tickets[0]
    assert issue.title == "Stock sync drops SKUs with ümlauts"
    assert issue.body == "The ERP feed is Latin-1.\nSKUs like `MÜSLI-500` arrive as `M?SLI-500` and are skipped."
    assert (issue.status, issue.source) == ("closed", "github-rest")
    assert issue.assignee == issue.reporter == Identity("tschulz-ext")
    assert issue.labels == ["bug", "erp"]
    assert issue.url == "https://github.com/acme/shop/issues/377"
    assert issue.comments == []
    assert tickets[1].url == "https://github.com/acme/shop/pull/381"
    assert (tickets[2].body, tickets[2].reporter, tickets[2].resolved) == ("", Identity("dbrown"), None)
    assert problems == [Problem(str(FIXTURES / "github_rest_issues.json"), "record 4", "no title")]


def test_jira_v2_search():
    tickets, problems = read("jira_v2_search.json")
    assert [t.key for t in tickets] == ["SHOP-45", "SHOP-55"]
    shop45 = tickets[0]
    assert shop45.title == "Refunds are booked twice when the PSP retries the webhook"
    assert shop45.body == (
        "The PSP retries {{refund.succeeded}} when we answer after 5 s.\n\nh3. Fix\n"
        "* make the handler idempotent on {{event.id}}\n* answer 200 before booking"
    )
    assert (shop45.status, shop45.state, shop45.type, shop45.source) == ("Done", "closed", "Bug", "jira-v2")
    assert shop45.assignee == Identity("Raj Patel", "raj.patel@northwind-consulting.example")
    assert shop45.reporter == Identity("Anna Kowalczyk", "anna.kowalczyk@acme.example")
    assert shop45.labels == ["payments", "webhooks"]
    assert shop45.created == datetime(2024, 1, 15, 9, 30, tzinfo=CET)
    assert shop45.resolved == datetime(2024, 1, 19, 17, 5, 12, tzinfo=CET)
    assert shop45.url == "https://jira.acme.example/browse/SHOP-45"
    assert [(c.author.name, c.body) for c in shop45.comments] == [
        ("Raj Patel", "Added a unique index on psp_event_id, see PR #5123."),
        ("Anna Kowalczyk", "Deployed, no duplicates since. Thanks [~rpatel]!"),
    ]
    assert (tickets[1].title, tickets[1].state) == ("Straße und Hausnummer werden beim Export vertauscht", "open")
    assert problems == [Problem(str(FIXTURES / "jira_v2_search.json"), "record 2", "no summary")]


def test_jira_v3_search_turns_adf_into_text():
    tickets, problems = read("jira_v3_search.json")
    assert [t.key for t in tickets] == ["OPS-7", "OPS-9"]
    ops7 = tickets[0]
    assert (ops7.status, ops7.state, ops7.type, ops7.source) == ("Resolved", "closed", "Incident", "jira-v3")
    assert ops7.body == (
        "Problem\n\n"
        "Since the Kafka upgrade the inventory-consumer lags by up to 20 minutes. @Omar Haddad set the consumer up.\n"
        "Dashboard: lag panel (https://grafana.acme.example/d/kafka-lag) 🔥\n\n"
        "- max.poll.records is 500\n"
        "- rebalances every few minutes:\n"
        "  1. session timeout hit\n"
        "  2. partitions revoked\n\n"
        "max.poll.interval.ms=300000\nsession.timeout.ms=10000\n\n"
        "Runbook: https://acme.atlassian.net/wiki/spaces/OPS/pages/98765"
    )
    assert ops7.assignee == Identity("Omar Haddad")  # Cloud hides this user's email
    assert ops7.reporter == Identity("Inês Carvalho", "ines.carvalho@acme.example")
    assert ops7.url == "https://acme.atlassian.net/browse/OPS-7"
    assert ops7.comments == [
        Comment(Identity("Omar Haddad"), datetime(2024, 5, 3, 18, 20, tzinfo=CET),
                "Raised max.poll.interval.ms to 10 min; lag is back under 5 s.\n\n"
                "> Keep an eye on the nightly reindex."),
    ]
    assert tickets[1].body == "- [x] list the groups\n- [ ] draw the topology"
    assert problems == [
        Problem(str(FIXTURES / "jira_v3_search.json"), "record 2",
                "updated: '06/May/24 9:00 AM' is not an ISO 8601 date"),
    ]


def paragraph(text: str) -> dict:
    return {"type": "paragraph", "content": [{"type": "text", "text": text}]}


def row(kind: str, *cells: str) -> dict:
    return {"type": "tableRow", "content": [{"type": kind, "content": [paragraph(c)]} for c in cells]}


def test_adf_dates_statuses_tables_panels_and_media():
    doc = {"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [
            {"type": "text", "text": "due "}, {"type": "date", "attrs": {"timestamp": "1717200000000"}},
            {"type": "text", "text": " "}, {"type": "status", "attrs": {"text": "BLOCKED", "color": "red"}}]},
        {"type": "rule"},
        {"type": "orderedList", "attrs": {"order": 3}, "content": [
            {"type": "listItem", "content": [paragraph("third")]}]},
        {"type": "panel", "attrs": {"panelType": "info"}, "content": [paragraph("inside a panel")]},
        {"type": "table", "content": [row("tableHeader", "topic", "lag"), row("tableCell", "orders", "4 s")]},
        {"type": "mediaGroup", "content": [{"type": "media", "attrs": {"id": "x", "type": "file"}}]}]}
    assert adf_to_text(doc) == (
        "due 2024-06-01 BLOCKED\n\n---\n\n3. third\n\ninside a panel\n\ntopic | lag\norders | 4 s"
    )


def test_jira_csv_repeated_columns_comments_bom_and_crlf():
    raw = (FIXTURES / "jira_export.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    tickets, problems = read("jira_export.csv")
    assert [t.key for t in tickets] == ["PAY-101", "PAY-102", "PAY-104"]
    pay101 = tickets[0]
    assert pay101.title == "Payouts fail for IBANs with lower-case letters"
    assert pay101.body == (
        'The bank rejects "de89 3704 0044 0532 0130 00".\nNormalise IBANs to upper case before validation.\n\n'
        '{code}iban = iban.replace(" ", "").upper(){code}'
    )
    assert (pay101.status, pay101.state, pay101.type, pay101.source, pay101.url) == (
        "Done", "closed", "Bug", "jira-csv", "",
    )
    assert pay101.assignee == Identity("Kenji Watanabe")
    assert pay101.reporter == Identity("Lucía Fernández")
    assert pay101.labels == ["payments", "sepa"]
    assert pay101.created == datetime(2024, 3, 3, 9, 5, tzinfo=UTC)
    assert pay101.updated == datetime(2024, 3, 7, 16, 47, tzinfo=UTC)
    assert pay101.resolved == datetime(2024, 3, 7, 16, 47, tzinfo=UTC)
    assert pay101.comments == [
        Comment(Identity("Kenji Watanabe"), datetime(2024, 3, 5, 11, 20, tzinfo=UTC),
                "Fixed in the payout validator; the SEPA XML was fine."),
        Comment(Identity("Lucía Fernández"), datetime(2024, 3, 7, 16, 45, tzinfo=UTC),
                "Verified with the bank's test IBANs.\nClosing."),
    ]
    pay102 = tickets[1]
    assert pay102.title == "Zahlung über SEPA – Fälligkeitsdatum fehlt"
    assert (pay102.state, pay102.resolved) == ("open", None)
    assert pay102.comments == [
        Comment(Identity("557058:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"), datetime(2024, 3, 12, 14, 15, tzinfo=UTC),
                "Bitte auch die Vorlaufzeit prüfen."),
        Comment(Identity(), None, "Imported from the old tracker: customer asked twice."),
    ]
    assert (tickets[2].status, tickets[2].state) == ("Won't Do", "closed")
    assert tickets[2].labels == ["cleanup", "payments", "tech-debt"]
    assert problems == [Problem(str(FIXTURES / "jira_export.csv"), "row 4", "no Issue key")]


def test_jira_csv_times_are_read_in_the_given_zone():
    tickets, _ = read("jira_export.csv", tz=CET)
    assert tickets[0].created == datetime(2024, 3, 3, 9, 5, tzinfo=CET)
    assert tickets[0].comments[1].created == datetime(2024, 3, 7, 16, 45, tzinfo=CET)


def test_linear_csv():
    tickets, problems = read("linear_export.csv")
    assert [(t.key, t.status, t.state) for t in tickets] == [
        ("ENG-214", "Done", "closed"), ("ENG-215", "In Progress", "open"),
        ("ENG-216", "Canceled", "closed"), ("ENG-218", "Todo", "open"),
    ]
    eng214 = tickets[0]
    assert eng214.title == "Search returns archived products"
    assert eng214.body == (
        "Archived products still match `?q=` queries.\n\n- filter on `archived_at IS NULL`\n- reindex nightly"
    )
    assert (eng214.assignee, eng214.reporter) == (Identity("Diego Alves"), Identity("Amara Okafor"))
    assert eng214.labels == ["Bug", "Backend"]
    assert eng214.created == datetime(2024, 5, 7, 9, 14, 22, tzinfo=UTC)
    assert eng214.resolved == datetime(2024, 5, 10, 16, 2, 45, tzinfo=UTC)
    assert (eng214.type, eng214.url, eng214.comments, eng214.source) == ("", "", [], "linear-csv")
    assert tickets[1].title == "@mention autocomplete lists deactivated users"  # Linear's formula guard removed
    assert tickets[1].reporter == Identity("", "diego.alves@acme.example")
    assert tickets[2].resolved == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    assert tickets[3].title == "Übersetzungen für den Checkout 🇩🇪"
    assert tickets[3].labels == ["i18n", "Frontend", "Good first issue"]
    assert problems == [
        Problem(str(FIXTURES / "linear_export.csv"), "row 5", "Created: '14/05/2024' is not an ISO 8601 date"),
    ]


EMPTY_EXPORTS = [
    b"", b"\xef\xbb\xbf\r\n", b"[]", b'{"issues": []}', b'{"total_count": 0, "items": []}',
    b"Summary,Issue key,Status\r\n", b"ID,Team,Title,Status,Created\n",
]


@pytest.mark.parametrize("content", EMPTY_EXPORTS)
def test_empty_exports_give_no_tickets(tmp_path, content):
    path = tmp_path / "export"
    path.write_bytes(content)
    assert read_tickets(path) == ([], [])


def test_an_unknown_csv_names_the_file_and_the_accepted_formats():
    with pytest.raises(InputError) as caught:
        read("unknown_export.csv")
    assert str(caught.value) == (
        f"{FIXTURES / 'unknown_export.csv'}: not a known ticket export (columns: task, owner, due); "
        "expected `gh issue list --json` output, a GitHub REST issue list, Jira REST search JSON (API v2 or v3), "
        "a Jira CSV export or a Linear CSV export"
    )


def test_invalid_json_is_an_input_error_with_its_line():
    expected = r"truncated\.json: not valid JSON \(line 3: Expecting ',' delimiter\); expected"
    with pytest.raises(InputError, match=expected):
        read("truncated.json")


@pytest.mark.parametrize("content", [b'{"name": "shop"}', b'[{"sha": "1a2b"}]', b"\xff\xfe{}"])
def test_json_that_is_no_ticket_export_is_an_input_error(tmp_path, content):
    path = tmp_path / "export.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match="export.json: .*expected `gh issue list --json` output"):
        read_tickets(path)


def test_a_record_of_the_wrong_shape_is_a_problem_not_a_crash(tmp_path):
    path = tmp_path / "search.json"
    path.write_text('{"issues": [{"key": "A-1", "fields": {"summary": "ok", "status": "Done"}}, "oops",'
                    ' {"key": "A-3", "fields": {"summary": "fine"}}]}')
    tickets, problems = read_tickets(path)
    assert [t.key for t in tickets] == ["A-3"]
    assert [(p.where, p.message.split(" (")[0]) for p in problems] == [
        ("record 1", "a field has an unexpected shape"), ("record 2", "not a Jira issue: no 'fields' object"),
    ]


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read the ticket export"):
        read_tickets(tmp_path / "nope.json")


@pytest.mark.parametrize(("text", "expected"), [
    ("30/Jul/18 23:33", datetime(2018, 7, 30, 23, 33, tzinfo=UTC)),
    ("01/Feb/24 12:05 AM", datetime(2024, 2, 1, 0, 5, tzinfo=UTC)),
    ("01/Feb/24 12:05 PM", datetime(2024, 2, 1, 12, 5, tzinfo=UTC)),
    ("2024-02-01 08:30", datetime(2024, 2, 1, 8, 30, tzinfo=UTC)),
])
def test_jira_export_dates(text, expected):
    assert jira_datetime(text, "Created", UTC) == expected


def test_an_impossible_jira_export_date_is_a_record_error():
    with pytest.raises(RecordError, match=r"Created: '31/Feb/24 9:00 AM' is not a date"):
        jira_datetime("31/Feb/24 9:00 AM", "Created", UTC)


def test_a_csv_row_shorter_than_its_header_is_still_read(tmp_path):
    path = tmp_path / "linear.csv"
    path.write_text("ID,Team,Title,Description,Status,Creator,Created,Completed,Canceled\nENG-1,Eng,Short row,,Todo\n")
    tickets, problems = read_tickets(path)
    assert [(t.key, t.title, t.state, t.created) for t in tickets] == [("ENG-1", "Short row", "open", None)]
    assert problems == []


def test_linear_javascript_dates(tmp_path):
    export = tmp_path / "linear.csv"
    export.write_text("ID,Title,Description,Status,Creator,Assignee,Labels,Created,Updated,Completed,Canceled\n"
                      "ENG-7,Fix rounding,Body,Done,Ana,Ben,bug,"
                      "Mon Sep 15 2025 17:00:00 GMT+0200 (Central European Summer Time),,"
                      "Tue Sep 16 2025 09:30:00 GMT+0000 (Coordinated Universal Time),\n")
    [ticket], problems = read_tickets(export)
    assert problems == []
    assert ticket.created.isoformat() == "2025-09-15T17:00:00+02:00"
    assert ticket.resolved.isoformat() == "2025-09-16T09:30:00+00:00" and ticket.state == "closed"
