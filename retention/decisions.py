"""Architecture decision records: status, links and who wrote them (from git history)."""

from __future__ import annotations

from dataclasses import dataclass, field

from handoff.core.facts import AdrFact, Facts
from handoff.retention.ownership import check_repo


@dataclass
class DecisionRecord(AdrFact):
    """An ADR as the facts hold it, with who wrote it."""

    authors: list[str] = field(default_factory=list)  # person ids, most deliveries first


@dataclass
class DecisionReport:
    adrs: list[DecisionRecord]


def decision_records(facts: Facts, repo: str | None = None) -> DecisionReport:
    check_repo(facts, repo)
    records = []
    for adr in facts.adrs:
        if repo and adr.repo != repo:
            continue
        history = facts.contributions.get((adr.repo, adr.path), {})
        authors = sorted(history, key=lambda p: (-history[p].deliveries, not history[p].first_author, p))
        records.append(DecisionRecord(**vars(adr), authors=authors))
    records.sort(key=lambda r: (r.repo, r.number if r.number is not None else 1 << 30, r.path))
    return DecisionReport(records)
