"""Answers to handoff questions: cited evidence, the owners of what is cited, related decisions.

The extractive answer needs no model: it quotes the most relevant sentences of the best
ADRs, docs, tickets and history notes, and names the best code chunks by symbol and lines,
every statement carrying its source number. When even the best evidence is weak it says so
instead of guessing. The LLM mode (see `llm.py`) writes from the same citations.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from handoff.assist.evidence import Citation, best_sentences, citations, relevance
from handoff.assist.llm import LlmUnavailable, cited_completion
from handoff.assist.retrieval import Filters, Hit, Retriever
from handoff.core.errors import InputError
from handoff.core.facts import Facts
from handoff.core.settings import Settings
from handoff.core.text import check_text
from handoff.retention.ownership import OwnerFactory
from handoff.retention.policy import RiskPolicy
from handoff.retention.successors import Successors

MAX_QUESTION = 2000
DEFINITION = re.compile(r"^\s*(?:export\s+)?(?:async\s+)?(?:def|class|function|func|interface)\s+([A-Za-z_]\w*)", re.M)
PROSE = ("adr", "doc", "ticket", "history")


@dataclass
class OwnerShare:
    person: str
    name: str
    kind: str
    status: str
    share: float


@dataclass
class CitedFile:
    repo: str
    path: str
    people: list[OwnerShare]
    also_knows: list[OwnerShare] = field(default_factory=list)


@dataclass
class Related:
    adrs: list[dict] = field(default_factory=list)
    tickets: list[dict] = field(default_factory=list)


@dataclass
class Answer:
    question: str
    mode: str
    answer: str
    citations: list[Citation]
    owners: list[CitedFile]
    related: Related
    weak: bool = False
    notice: str | None = None


def check_question(question: str) -> str:
    question = " ".join(check_text(question, "the question").split())
    if not question:
        raise InputError("the question is empty; ask something, e.g. handoff ask \"how are refunds computed?\"")
    if len(question) > MAX_QUESTION:
        raise InputError(f"the question is {len(question):,} characters; keep it under {MAX_QUESTION:,}")
    return question


def ask(question: str, retriever: Retriever, facts: Facts, as_of: date, settings: Settings, k: int = 8,
        filters: Filters = Filters(), llm: bool = False, *, policy: RiskPolicy) -> Answer:
    """An answer from the best evidence: extractive, or written by the model when `llm` and it can."""
    question = check_question(question)
    if filters.repo and filters.repo not in facts.repos:
        known = ", ".join(facts.repos) or "none ingested yet"
        raise InputError(f"repo {filters.repo!r}: not ingested; known: {known}")
    hits = retriever.search(question, k, filters)
    cited = citations(hits)
    weak = is_weak(question, hits, settings.ask_min_similarity)
    answer = Answer(question, "extractive", weak_answer(cited) if weak else extractive_answer(question, hits, cited),
                    cited, owners_of(cited, facts, as_of, policy.horizon_days), related_to(cited, facts), weak)
    if llm and not weak:
        try:
            written = cited_completion(settings, "ask", {"question": question}, cited,
                                       {c.n: h.text for c, h in zip(cited, hits, strict=True)})
            answer.mode, answer.answer = "llm", written.text
        except LlmUnavailable as exc:
            answer.notice = f"model answer unavailable ({exc.reason}); this is the extractive answer"
    return answer


def is_weak(question: str, hits: list[Hit], min_similarity: float) -> bool:
    """No hit close enough in meaning, nor one holding half the question's terms (tokenizing every hit's text
    is the dearer test, so it runs only when the first fails)."""
    if not hits:
        return True
    if max(h.dense_similarity for h in hits) >= min_similarity:
        return False
    return max(relevance(question, h.text + " " + h.meta.get("path", "")) for h in hits) < 0.5


def weak_answer(cited: list[Citation]) -> str:
    if not cited:
        return "Nothing in the index matches this question."
    closest = ", ".join(f"{_where(c)} [{c.n}]" for c in cited[:3])
    return ("The index holds no clear answer to this question; the closest sources are " + closest +
            ". Rephrase with a file, function or ticket name, or ask the owners below.")


def extractive_answer(question: str, hits: list[Hit], cited: list[Citation]) -> str:
    lines = []
    for hit, citation in zip(hits, cited, strict=True):
        kind = citation.kind
        if kind in PROSE:
            text = hit.text.removeprefix(f"Change history of {citation.path}\n")
            sentences = best_sentences(question, text, limit=2 if kind in ("adr", "doc") else 1)
            if sentences:
                lines.append(f"- {_label(citation)}: " + " ".join(sentences) + f" [{citation.n}]")
        elif kind == "code":
            names = f"`{citation.symbol}`" if citation.symbol else ", ".join(f"`{d}`" for d in _defines(hit.text)[:3])
            lines.append(f"- Code: {_where(citation)}" + (f" ({names})" if names else "") +
                         _best_comment(question, hit.text) + f" [{citation.n}]")
        if len(lines) == 6:
            break
    return "\n".join(lines) or weak_answer(cited)


def owners_of(cited: list[Citation], facts: Facts, as_of: date, horizon_days: int) -> list[CitedFile]:
    """Who holds each cited file, with status, and who else knows it (successors)."""
    files = facts.files_by_path
    factory = OwnerFactory(facts, as_of, horizon_days)
    successors = Successors(facts, as_of, horizon_days)
    result, seen = [], set()
    for c in cited:
        key = (c.repo, c.path)
        if key in seen or key not in files:
            continue
        seen.add(key)
        owned = files[key]
        people = [OwnerShare(o.person, o.name, o.kind, o.status, o.share)
                  for o in factory.rank(owned.owners, owned.lines)[:3]]
        holders = {p.person for p in people}
        others = [OwnerShare(s.person, s.name, facts.people[s.person].kind, factory.status(s.person), s.share)
                  for s in successors.for_file(owned) if s.person not in holders]
        result.append(CitedFile(c.repo, c.path, people, others))
    return result


def related_to(cited: list[Citation], facts: Facts) -> Related:
    """ADRs and tickets linked to the cited files through commits, plus those cited directly."""
    paths = {(c.repo, c.path) for c in cited if c.kind in ("code", "doc", "history")}
    keys: Counter = Counter(c.key for c in cited if c.kind == "ticket" and c.key)
    adr_paths = {(c.repo, c.path) for c in cited if c.kind == "adr"}
    known_adrs = {(a.repo, a.path) for a in facts.adrs}
    for repo, sha in {commit for path in paths for commit in facts.commits_by_path.get(path, [])}:
        keys.update(facts.commit_tickets.get((repo, sha), []))
        adr_paths.update((repo, p) for p in facts.changes[(repo, sha)] if (repo, p) in known_adrs)
    ranked = sorted(keys, key=lambda k: (-keys[k], k))  # most linked first; ties by key, whatever the store's order
    tickets = [facts.tickets[k] for k in ranked if k in facts.tickets][:8]
    adrs = [a for a in facts.adrs if (a.repo, a.path) in adr_paths]
    return Related(
        adrs=[{"repo": a.repo, "path": a.path, "number": a.number, "title": a.title, "status": a.status}
              for a in adrs],
        tickets=[{"key": t.key, "title": t.title, "state": t.state, "url": t.url} for t in tickets],
    )


def _label(c: Citation) -> str:
    if c.kind == "adr":
        return f"Decision \"{c.title}\"" if c.title else "Decision"
    if c.kind == "ticket":
        return f"Ticket {c.key}"
    if c.kind == "history":
        return f"History of {c.path}"
    return f"{c.path}" + (f" ({c.symbol})" if c.symbol else "")


def _where(c: Citation) -> str:
    if c.kind == "ticket":
        return c.key or c.path
    return f"{c.path}:{c.start_line}-{c.end_line}"


def _best_comment(question: str, code: str) -> str:
    """The docstring or comment line of a chunk that best matches the question: what the code says it does."""
    comments = [c for c in (_comment_text(line) for line in code.splitlines()) if c and len(c) > 15]
    if not comments:
        return ""
    best = max(comments, key=lambda c: (relevance(question, c), -comments.index(c)))
    return f": {best}"


def _comment_text(line: str) -> str | None:
    stripped = line.strip()
    if not stripped.startswith(('"""', "'''", "#", "//", "/*", "* ")):
        return None
    return stripped.strip("\"'").lstrip("#/* ").strip().strip("\"'").strip()


def _defines(code: str) -> list[str]:
    """Names of the functions and classes a chunk defines, for code chunks that span several."""
    return DEFINITION.findall(code)
