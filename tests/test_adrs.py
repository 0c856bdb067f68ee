"""ADR discovery and parsing, on fixtures written after each format's own template."""

from __future__ import annotations

from pathlib import Path

import pytest

from handoff.core.errors import InputError
from handoff.core.records import AdrLink, Problem, Section
from handoff.ingest.sources.adrs import AdrFormatError, find_adr_paths, parse_adr

FIXTURES = Path(__file__).parent / "fixtures" / "adrs"


def parse(name: str):
    return parse_adr(name, (FIXTURES / name).read_text(encoding="utf-8"))


def test_find_adr_paths_keeps_records_in_the_usual_folders_and_skips_indexes():
    paths = [
        "README.md",
        "doc/adr/0001-record-architecture-decisions.md",
        "doc/adr/README.md",
        "doc/adr/index.md",
        "docs/decisions/0003-use-jwt.md",
        "docs/decisions/adr-template.md",
        "docs/decisions/template.md",
        "docs/decisions/backend/0004-split-the-api.markdown",
        "docs/architecture-decisions/0002-use-kafka.md",
        "docs/architecture/decisions/0007-store-invoices.md",
        "adr/20240312-use-launchdarkly.md",
        "services/billing/docs/adr/0001-use-stripe.md",
        "docs/adr/0005-asciidoc.adoc",
        "docs/adr/0006-rest.rst",
        "docs/guides/deploy.md",
        "src/adr.py",
    ]
    assert find_adr_paths(paths) == [
        "adr/20240312-use-launchdarkly.md",
        "doc/adr/0001-record-architecture-decisions.md",
        "docs/architecture-decisions/0002-use-kafka.md",
        "docs/architecture/decisions/0007-store-invoices.md",
        "docs/decisions/0003-use-jwt.md",
        "docs/decisions/backend/0004-split-the-api.markdown",
        "services/billing/docs/adr/0001-use-stripe.md",
    ]


def test_find_adr_paths_honours_adr_dir_and_globs():
    paths = ["architecture/records/0001-first.md", "rfcs/0042-streaming.md", "notes/todo.md", "doc/adr/0002-x.md"]
    assert find_adr_paths(paths, adr_dir="./architecture/records\n", globs=["rfcs/*.md"]) == [
        "architecture/records/0001-first.md",
        "doc/adr/0002-x.md",
        "rfcs/0042-streaming.md",
    ]


def test_nygard_accepted_record():
    adr = parse("nygard/0001-record-architecture-decisions.md")
    assert (adr.number, adr.title, adr.status, adr.date, adr.format) == (
        1, "Record architecture decisions", "accepted", "2021-03-02", "nygard",
    )
    assert adr.deciders == []
    assert adr.links == []
    assert [(s.heading, s.start_line, s.end_line) for s in adr.sections] == [
        ("Status", 5, 7), ("Context", 9, 11), ("Decision", 13, 15), ("Consequences", 17, 19),
    ]
    assert adr.sections[1].text == "We need to record the architectural decisions made on this project."


def test_adr_tools_superceded_record_and_old_day_first_date():
    adr = parse("nygard/0002-use-postgresql-for-orders.md")
    assert adr.status == "superseded"
    assert adr.date == "2021-04-12"
    assert adr.links == [AdrLink("superseded_by", "0004-shard-orders-with-citus.md")]


def test_adr_tools_supercedes_link_after_the_status():
    adr = parse("nygard/0004-shard-orders-with-citus.md")
    assert adr.status == "accepted"
    assert adr.links == [AdrLink("supersedes", "0002-use-postgresql-for-orders.md")]
    assert adr.sections[0] == Section(
        "Status", "Accepted\n\nSupercedes [2. Use PostgreSQL for orders](0002-use-postgresql-for-orders.md)", 5, 9,
    )


def test_amends_amended_by_and_other_relations():
    assert parse("nygard/0003-publish-order-events-to-rabbitmq.md").links == [
        AdrLink("amended_by", "0005-keep-order-events-for-seven-days.md"),
    ]
    assert parse("nygard/0005-keep-order-events-for-seven-days.md").links == [
        AdrLink("amends", "0003-publish-order-events-to-rabbitmq.md"),
        AdrLink("relates_to", "0004-shard-orders-with-citus.md"),
    ]


def test_a_code_block_line_starting_with_hash_is_not_a_heading():
    adr = parse("nygard/0003-publish-order-events-to-rabbitmq.md")
    decision = adr.sections[2]
    assert (decision.heading, decision.start_line, decision.end_line) == ("Decision", 16, 24)
    assert "# the outbox relay, not the request handler, publishes" in decision.text


def test_madr2_bullets_status_link_and_links_section():
    adr = parse("madr2/0003-use-jwt-for-api-sessions.md")
    assert (adr.number, adr.title, adr.status, adr.date, adr.format) == (
        3, "Use JWT for API sessions", "superseded", "2022-09-14", "madr2",
    )
    assert adr.deciders == ["Priya Natarajan", "Jonas Weber"]
    assert adr.links == [
        AdrLink("superseded_by", "0005-use-opaque-tokens-with-introspection.md"),
        AdrLink("relates_to", "0004-rotate-signing-keys-monthly.md"),
    ]
    assert [(s.heading, s.start_line, s.end_line) for s in adr.sections] == [
        ("Context and Problem Statement", 9, 12),
        ("Decision Drivers", 14, 17),
        ("Considered Options", 19, 22),
        ("Decision Outcome", 24, 34),
        ("Pros and Cons of the Options", 36, 46),
        ("Links", 48, 51),
    ]
    outcome = adr.sections[3].text
    assert outcome.startswith('Chosen option: "JWT signed with RS256"')
    assert "### Negative Consequences <!-- optional -->\n\n* A token cannot be revoked before it expires." in outcome


def test_madr2_superseding_record():
    adr = parse("madr2/0005-use-opaque-tokens-with-introspection.md")
    assert adr.status == "accepted"
    assert adr.deciders == ["Priya Natarajan", "Jonas Weber", "Aiko Tanaka"]
    assert adr.links == [AdrLink("supersedes", "0003-use-jwt-for-api-sessions.md")]


def test_madr3_front_matter():
    adr = parse("madr3/0007-store-invoices-as-pdf-a.md")
    assert (adr.number, adr.title, adr.status, adr.date, adr.format) == (
        7, "Store invoices as PDF/A-3", "accepted", "2023-05-22", "madr3",
    )
    assert adr.deciders == ["Marta Ruiz", "Ólafur Jónsson"]
    assert adr.links == []
    context = adr.sections[0]
    assert (context.heading, context.start_line, context.end_line) == ("Context and Problem Statement", 10, 12)
    assert adr.sections[4] == Section(
        "Validation", "The archive job rejects files that fail veraPDF validation.", 33, 35,
    )


def test_madr4_decision_makers_and_bare_superseded_by():
    adr = parse("madr4/0012-move-search-to-opensearch.md")
    assert (adr.number, adr.title, adr.status, adr.date, adr.format) == (
        12, "Move product search to OpenSearch", "superseded", "2024-02-19", "madr4",
    )
    assert adr.deciders == ["Kwame Mensah", "Sofia Rossi"]
    assert adr.links == [AdrLink("superseded_by", "ADR-0015")]
    assert [s.heading for s in adr.sections] == [
        "Context and Problem Statement", "Considered Options", "Decision Outcome",
        "Pros and Cons of the Options", "More Information",
    ]
    assert (adr.sections[2].start_line, adr.sections[2].end_line) == (24, 35)


def test_madr4_comma_separated_decision_makers():
    adr = parse("madr4/0015-use-postgres-full-text-search.md")
    assert (adr.status, adr.deciders, adr.format) == ("accepted", ["Sofia Rossi", "Lin Wei"], "madr4")


def test_log4brains_superseded_record_has_no_number():
    adr = parse("log4brains/20240312-use-launchdarkly-for-feature-flags.md")
    assert (adr.number, adr.title, adr.status, adr.date, adr.format) == (
        None, "Use LaunchDarkly for feature flags", "superseded", "2024-03-12", "log4brains",
    )
    assert adr.deciders == ["Noah Fischer", "Émilie Bernard"]
    assert adr.links == [AdrLink("superseded_by", "20240618-use-openfeature-with-flagd.md")]
    assert [(s.heading, s.start_line, s.end_line) for s in adr.sections] == [
        ("Context and Problem Statement", 10, 12), ("Considered Options", 14, 17), ("Decision Outcome", 19, 21),
    ]


def test_log4brains_date_from_the_file_name_and_links_section():
    adr = parse("log4brains/20240618-use-openfeature-with-flagd.md")
    assert (adr.status, adr.date, adr.format) == ("accepted", "2024-06-18", "log4brains")
    assert adr.links == [
        AdrLink("supersedes", "20240312-use-launchdarkly-for-feature-flags.md"),
        AdrLink("relates_to", "20230905-trunk-based-development.md"),
    ]


def test_files_without_an_adr_shape_are_not_adrs():
    assert parse("nygard/README.md") is None
    assert parse("malformed/onboarding-guide.md") is None


def test_broken_front_matter_names_the_file_and_line():
    with pytest.raises(AdrFormatError) as caught:
        parse("malformed/0009-broken-front-matter.md")
    assert caught.value.problem == Problem(
        "malformed/0009-broken-front-matter.md", "line 5",
        "front matter is not valid YAML: expected ',' or ']', but got ':'",
    )
    assert isinstance(caught.value, InputError)


def test_unclosed_front_matter_is_reported():
    with pytest.raises(AdrFormatError) as caught:
        parse("malformed/0011-unclosed-front-matter.md")
    assert caught.value.problem.where == "line 1"
    assert caught.value.problem.message == "front matter opened with '---' is never closed"


def test_an_adr_without_a_title_is_reported():
    with pytest.raises(AdrFormatError) as caught:
        parse("malformed/0010-no-title.md")
    assert str(caught.value) == (
        "malformed/0010-no-title.md: line 1: no title: an ADR starts with a '# Title' heading"
    )


def test_crlf_and_byte_order_mark_do_not_change_the_reading():
    text = (FIXTURES / "madr2/0003-use-jwt-for-api-sessions.md").read_text(encoding="utf-8")
    windows = parse_adr("0003-use-jwt-for-api-sessions.md", "\ufeff" + text.replace("\n", "\r\n"))
    assert windows == parse_adr("0003-use-jwt-for-api-sessions.md", text)


def test_number_and_title_from_an_adr_prefixed_heading():
    adr = parse_adr("docs/adr/use-grpc.md", "# ADR-0021: Use gRPC between services\n\n## Status\n\nProposed\n")
    assert (adr.number, adr.title, adr.status, adr.format) == (21, "Use gRPC between services", "proposed", "nygard")


def test_madr_without_metadata_is_told_by_its_headings():
    text = (
        "# Cache prices in Redis\n\n## Context and Problem Statement\n\nPrices are slow.\n\n"
        "## Decision Outcome\n\nChosen option: \"Redis\".\n\n### Confirmation\n\nA load test.\n"
    )
    adr = parse_adr("docs/decisions/0031-cache-prices-in-redis.md", text)
    assert (adr.number, adr.status, adr.date, adr.format) == (31, "", None, "madr4")
    outcome = 'Chosen option: "Redis".\n\n### Confirmation\n\nA load test.'
    assert adr.sections[-1] == Section("Decision Outcome", outcome, 7, 13)
