"""Knowledge-transfer drafts for a folder, a file or a person's areas, every statement cited.

A draft covers the areas of a `KtScope` (a folder, a file, or a person's areas) with six
sections each, written from templates over the index and the facts:

    Purpose and structure          READMEs that name the area, package and module docstrings
    Key files and entry points     the largest files; the names other code imports from the area
    Decisions and their reasons    the ADRs that document the area: what they decided, and why
    Known issues and open tickets  bugs fixed in the area's files; open tickets about them
    Ownership and who to ask       who holds the lines, who should take over
    Glossary                       the classes and types the area defines, with their docstrings

Every statement drawn from the index cites a numbered source: a chunk's repository, path and
line range, or a ticket key. With `llm`, the model rewrites each section from the same sources
under the checks of `llm.cited_completion`; a section it cannot write stays as the template
wrote it and says why. Ownership comes from the facts store, cites nothing, and is never
rewritten by the model. What a source says (a README line, a docstring, an ADR's decision) is
quoted as its words, never restated as the draft's, and every section's Markdown passes
`markup.markdown_text`, so no raw HTML or unsafe link from a repository or tracker gets through.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import PurePosixPath

from handoff.assist.evidence import Citation, citations
from handoff.assist.indexed_docs import DOCSTRING_QUOTES, Chunk, IndexedChunks, documentation, leading_docstring
from handoff.assist.llm import LlmUnavailable, cited_completion
from handoff.assist.retrieval import Filters, Hit, Retriever
from handoff.core.facts import Facts
from handoff.core.markup import markdown_text, quoted
from handoff.core.records import ticket_order
from handoff.core.settings import Settings
from handoff.retention.documentation import FileDocs, file_docs, tickets_by_file
from handoff.retention.kt_scope import Area, KtScope
from handoff.retention.policy import RiskPolicy
from handoff.retention.successors import Successors

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z`\"'(])")
IMPORT = re.compile(r"^\s*from\s+([\w.]+)\s+import\s+\(?([\w\s,]+)\)?", re.MULTILINE)
DEFINITION = re.compile(r"^(?:export\s+)?(?:class|interface|enum|type)\s+([A-Z]\w*)", re.MULTILINE)
CITED = re.compile(r"\[(\d+)\]")
DECIDED = ("decision outcome", "decision")
REASONS = ("context and problem statement", "context")
MAX_QUOTE = 400
MAX_LISTED = 8
MAX_FAILURES = 2
SECTIONS = {
    "Purpose and structure": "what the area is for and how it is organised",
    "Key files and entry points": "the files to read first and the names other code calls",
    "Decisions and their reasons": "the decisions that shaped the area and the reasons given for them",
    "Known issues and open tickets": "the bugs fixed here before and the work still open",
    "Ownership and who to ask": "who holds the code and who should take it over",
    "Glossary": "the domain terms the area defines",
}


@dataclass
class KtSection:
    title: str
    text: str  # Markdown; statements cite [n]
    sources: list[int]
    written_by: str = "template"  # template | llm
    notice: str | None = None


@dataclass
class KtAreaDraft:
    repo: str
    path: str
    files: int
    lines: int
    sections: list[KtSection]


@dataclass
class KtDraft:
    subject: str
    kind: str  # person | path
    person: str | None
    as_of: date
    areas: list[KtAreaDraft]
    sources: list[Citation]
    indexed: bool


class Sources:
    """Numbers chunks in the order they are first cited; a chunk keeps its number."""

    def __init__(self):
        self.citations: list[Citation] = []
        self.texts: dict[int, str] = {}
        self._numbers: dict[str, int] = {}

    def cite(self, chunk: Chunk) -> int:
        if chunk.id not in self._numbers:
            n = len(self.citations) + 1
            self._numbers[chunk.id] = n
            self.citations.append(replace(citations([Hit(chunk.id, chunk.text, chunk.meta, 0.0)])[0], n=n))
            self.texts[n] = chunk.text
        return self._numbers[chunk.id]


def kt_draft(scope: KtScope, facts: Facts, retriever: Retriever, as_of: date, settings: Settings,
             llm: bool = False, *, policy: RiskPolicy) -> KtDraft:
    """The draft for `scope`: from templates, or with `llm` rewritten section by section by the model."""
    chunks = IndexedChunks(retriever.collection)
    docs = documentation(chunks, facts)
    successors = Successors(facts, as_of, policy.horizon_days)
    writer = AreaWriter(facts, chunks, file_docs(facts, docs), retriever, successors, as_of, policy.horizon_days)
    areas = [writer.draft(area) for area in scope.areas]
    draft = KtDraft(scope.subject, scope.kind, scope.person, as_of, areas, writer.sources.citations, docs.indexed)
    if llm:
        rewrite(draft, writer.sources.texts, settings)
    return draft


def rewrite(draft: KtDraft, texts: dict[int, str], settings: Settings) -> None:
    """Each section that cites sources rewritten by the model; after MAX_FAILURES failures in a row
    the model is not asked again, so a dead endpoint costs two timeouts, not one per section."""
    failures, reason = 0, ""
    for area in draft.areas:
        for section in (s for s in area.sections if s.sources):
            if failures >= MAX_FAILURES:
                section.notice = f"written from templates: {reason}"
                continue
            reason = _rewrite_section(f"{area.repo}:{area.path}", section, draft.sources, texts, settings)
            failures = failures + 1 if reason else 0


def _rewrite_section(area: str, section: KtSection, sources: list[Citation], texts: dict[int, str],
                     settings: Settings) -> str:
    """Puts the model's text in place of the template's; returns why not when it cannot."""
    variables = {"area": area, "section": section.title, "purpose": SECTIONS[section.title]}
    try:
        written = cited_completion(settings, "kt_section", variables, [sources[n - 1] for n in section.sources],
                                   {n: texts[n] for n in section.sources})
    except LlmUnavailable as exc:
        section.notice = f"written from templates: {exc.reason}"
        return exc.reason
    section.text, section.sources, section.written_by = markdown_text(written.text), written.cited, "llm"
    return ""


class AreaWriter:
    """Writes the six sections of each area, numbering the sources it cites across the draft."""

    def __init__(self, facts: Facts, chunks: IndexedChunks, docs: dict[tuple[str, str], FileDocs],
                 retriever: Retriever, successors: Successors, as_of: date, horizon_days: int):
        self.facts, self.chunks, self.docs, self.retriever = facts, chunks, docs, retriever
        self.successors, self.as_of, self.horizon_days = successors, as_of, horizon_days
        self.owned = {(f.repo, f.path): f for f in facts.files}
        self.linked = tickets_by_file(facts)
        self.sources = Sources()

    def draft(self, area: Area) -> KtAreaDraft:
        writers = (self.purpose, self.key_files, self.decisions, self.issues, self.ownership, self.glossary)
        sections = []
        for title, write in zip(SECTIONS, writers, strict=True):
            text = markdown_text("\n".join(write(area)) or "Nothing in the index covers this yet.")
            sections.append(KtSection(title, text, sorted({int(n) for n in CITED.findall(text)})))
        lines = sum(self.owned[(area.repo, p)].lines for p in area.files if (area.repo, p) in self.owned)
        return KtAreaDraft(area.repo, area.path, len(area.files), lines, sections)

    def purpose(self, area: Area) -> list[str]:
        lines = self._readme_lines(area)
        init = self.chunks.first(area.repo, f"{area.path}/__init__.py")
        if init and (said := leading_docstring(init.text)):
            lines.append(f"- Package `{area.path}` says: {quoted(said)} "
                         f"[{self.sources.cite(init)}]")
        for path in self._by_size(area)[:MAX_LISTED]:
            first = self.chunks.first(area.repo, path)
            doc = self.docs[(area.repo, path)].docstring
            if first and doc and not path.endswith("__init__.py"):
                lines.append(f"- `{path}` says: {quoted(doc)} [{self.sources.cite(first)}]")
        return lines + self._subfolders(area)

    def key_files(self, area: Area) -> list[str]:
        lines = ["Largest files:"]
        for path in self._by_size(area)[:MAX_LISTED]:
            owned = self.owned[(area.repo, path)]
            top = max(owned.owners, key=lambda p: (owned.owners[p], p), default=None)
            held = f", {self.facts.people[top].name} holds {owned.owners[top] / owned.lines:.0%}" if top else ""
            lines.append(f"- `{path}` ({owned.lines} line{'' if owned.lines == 1 else 's'}{held})")
        entries = self._entry_points(area)
        return lines + (["", "Entry points (names that code outside the area imports):"] + entries if entries else [])

    def decisions(self, area: Area) -> list[str]:
        adrs = sorted({a for p in area.files for a in self.docs[(area.repo, p)].adrs})
        by_path = {(a.repo, a.path): a for a in self.facts.adrs}
        lines = []
        for path in adrs:
            adr = by_path[(area.repo, path)]
            decided = self._section_sentences(area.repo, path, DECIDED)
            why = self._section_sentences(area.repo, path, REASONS)
            lines.append(f"- **{adr.title}** (`{path}`, {adr.status})" + "".join(
                part for part in (f". Decision, as the ADR words it: {decided}" if decided else "",
                                  f". Why, as it words it: {why}" if why else "") if part))
        return lines

    def issues(self, area: Area) -> list[str]:
        keys = {k for p in area.files for k in self.linked.get((area.repo, p), ())}
        tickets = [self.facts.tickets[k] for k in sorted(keys, key=ticket_order)]
        fixed = sorted((t for t in tickets if t.state == "closed" and _is_bug(t)),
                       key=lambda t: (t.resolved is None, -(t.resolved.timestamp() if t.resolved else 0), t.key))
        lines = [self._ticket_line(t, f"fixed {t.resolved.date()}" if t.resolved else "fixed")
                 for t in fixed[:MAX_LISTED]]
        for ticket in self._open_tickets(area, tickets):
            who = self.facts.people[ticket.assignee].name if ticket.assignee else "nobody"
            status = "open" if ticket.status.casefold() == "open" else f"open, {ticket.status}"
            lines.append(self._ticket_line(ticket, f"{status}, assigned to {who}"))
        return lines

    def ownership(self, area: Area) -> list[str]:
        held: Counter = Counter()
        total = 0
        for path in area.files:
            owned = self.owned[(area.repo, path)]
            held.update(owned.owners)
            total += owned.lines
        ranked = sorted(held.items(), key=lambda item: (-item[1], item[0]))[:4]
        lines = [self._holder_line(pid, count, total) for pid, count in ranked]
        ask = self._who_to_ask(area)
        return lines + ["", f"Ask first: {', '.join(ask)}." if ask else "Nobody active knows this area yet."]

    def glossary(self, area: Area) -> list[str]:
        terms: dict[str, str] = {}
        for path in area.files:
            for chunk in self.chunks.file(area.repo, path, "code"):
                for match in DEFINITION.finditer(chunk.text):
                    name = match.group(1)
                    if name not in terms:
                        meaning = _class_docstring(chunk.text[match.end():])
                        said = f": {quoted(meaning)}" if meaning else ""
                        terms[name] = f"- `{name}` ({path}){said} [{self.sources.cite(chunk)}]"
        return [terms[name] for name in sorted(terms, key=str.casefold)][:2 * MAX_LISTED]

    def _readme_lines(self, area: Area) -> list[str]:
        readmes = sorted({r for p in area.files if (r := self.docs[(area.repo, p)].readme)})
        lines = []
        for readme in readmes:
            for chunk in self.chunks.file(area.repo, readme, "doc"):
                lines += [f"- {readme} says: {quoted(_plain(text))} [{self.sources.cite(chunk)}]"
                          for text in chunk.text.splitlines() if _names_path(text, area.path)]
        return lines[:MAX_LISTED]

    def _subfolders(self, area: Area) -> list[str]:
        counts: Counter = Counter()
        for path in area.files:
            inside = PurePosixPath(path).relative_to(area.path) if area.path not in (".", path) else None
            if inside is not None and len(inside.parts) > 1:
                counts[inside.parts[0]] += 1
        return [f"- `{area.path}/{name}/`: {n} files" for name, n in sorted(counts.items())]

    def _entry_points(self, area: Area) -> list[str]:
        modules = {_module(p): p for p in area.files if p.endswith(".py")}
        users: dict[tuple[str, str], set[str]] = defaultdict(set)
        for chunk in self.chunks.chunks:
            if chunk.meta.get("kind") != "code" or chunk.key[1] in area.files or chunk.key[0] != area.repo:
                continue
            for module, names in IMPORT.findall(chunk.text):
                for name in (n.strip() for n in names.split(",") if n.strip()):
                    if module in modules:
                        users[(modules[module], name)].add(chunk.key[1])
        ranked = sorted(users.items(), key=lambda u: (-len(u[1]), u[0]))
        return [line for line in (self._entry_line(area.repo, path, name, sorted(by))
                                  for (path, name), by in ranked) if line][:MAX_LISTED]

    def _entry_line(self, repo: str, path: str, name: str, used_by: list[str]) -> str | None:
        defined = next((c for c in self.chunks.file(repo, path, "code")
                        if (c.meta.get("symbol") or "").split(".")[0] == name), None)
        if defined is None:
            return None
        more = f" and {len(used_by) - 3} more" if len(used_by) > 3 else ""
        return (f"- `{name}` in `{path}`, used by {', '.join(f'`{u}`' for u in used_by[:3])}{more} "
                f"[{self.sources.cite(defined)}]")

    def _section_sentences(self, repo: str, path: str, headings: tuple[str, ...]) -> str:
        """The first sentences of the ADR section under the first of `headings` it has."""
        sections = {(c.meta.get("symbol") or "").split(" > ")[-1].casefold(): c
                    for c in reversed(self.chunks.file(repo, path, "adr")) if " > " in (c.meta.get("symbol") or "")}
        chunk = next((sections[h] for h in headings if h in sections), None)
        if chunk is None:
            return ""
        prose = _plain("\n".join(line for line in chunk.text.splitlines() if not line.startswith("#")))
        words = " ".join(SENTENCE.split(prose)[:2])
        words = words if len(words) <= MAX_QUOTE else words[:MAX_QUOTE - 1].rstrip() + "…"
        return f"{quoted(words)} [{self.sources.cite(chunk)}]"

    def _open_tickets(self, area: Area, linked: list) -> list:
        """Open tickets linked to the area's files, and open ones whose text names a word of their names."""
        found = {t.key: t for t in linked if t.state == "open"}
        words = sorted({w for p in area.files for w in re.split(r"[_\W]+", PurePosixPath(p).stem) if len(w) > 3})
        if self.retriever.lexical is not None and words and self.chunks.tickets:
            for hit in self.retriever.bm25(" ".join(words), len(self.chunks.tickets), Filters(kind="ticket")):
                ticket = self.facts.tickets.get(hit.meta.get("key", ""))
                if ticket and ticket.state == "open" and _names_any(hit.text, words):
                    found.setdefault(ticket.key, ticket)
        return [found[k] for k in sorted(found, key=ticket_order)]

    def _ticket_line(self, ticket, state: str) -> str:
        chunk = self.chunks.tickets.get(ticket.key)
        cited = f" [{self.sources.cite(chunk)}]" if chunk else ""
        return f"- {ticket.key}: {ticket.title} ({state}){cited}"

    def _holder_line(self, pid: str, lines: int, total: int) -> str:
        person = self.facts.people[pid]
        status = person.status(self.as_of, self.horizon_days)
        ends = ""
        if person.end and status != "active":
            ends = f", {'ended' if status == 'departed' else 'ends'} {person.end}"
        shown = person.kind if status == "withheld" else f"{person.kind}, {status}{ends}"
        return f"- {person.name} ({shown}): {lines} of {total} lines ({lines / total:.0%})"

    def _who_to_ask(self, area: Area) -> list[str]:
        weight: dict[str, float] = defaultdict(float)
        for path in area.files:
            for rank, s in enumerate(self.successors.for_file(self.owned[(area.repo, path)])):
                weight[s.name] += self.owned[(area.repo, path)].lines / (rank + 1)
        return [name for name, _ in sorted(weight.items(), key=lambda w: (-w[1], w[0]))[:3]]

    def _by_size(self, area: Area) -> list[str]:
        return sorted(area.files, key=lambda p: (-self.owned[(area.repo, p)].lines, p))


def _class_docstring(after: str) -> str | None:
    """The first sentence of the docstring that opens a class body, if the class has one."""
    body = after.split("\n", 1)[1].lstrip() if "\n" in after else ""
    quote = next((q for q in DOCSTRING_QUOTES if body.startswith(q)), None)
    if not quote:
        return None
    text = " ".join(body[3:].split(quote, 1)[0].split())
    return SENTENCE.split(text)[0] if text else None


def _names_path(line: str, path: str) -> bool:
    """Whether a line names `path` as a path: with a slash in it, or quoted as code."""
    if path == ".":
        return False
    found = re.search(rf"(?<![\w/.-]){re.escape(path)}/?(?![\w/.-])", line)
    return found is not None and ("/" in path or line[found.start() - 1:found.start()] == "`")


def _module(path: str) -> str:
    module = path.removesuffix(".py").replace("/", ".")
    return module.removesuffix(".__init__")


def _plain(text: str) -> str:
    """Markdown lines as one line of prose: list markers and table bars dropped."""
    lines = (re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line) for line in text.splitlines())
    return " ".join(" ".join(lines).replace("|", " ").split())


def _names_any(text: str, words: list[str]) -> bool:
    """Whether `text` has a word starting like one of `words` (plural or singular)."""
    return any(re.search(rf"\b{re.escape(w.lower().removesuffix('s'))}", text.lower()) for w in words)


def _is_bug(ticket) -> bool:
    return ticket.type.casefold() == "bug" or any(label.casefold() in ("bug", "incident") for label in ticket.labels)
