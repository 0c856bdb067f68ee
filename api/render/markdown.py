"""Offboarding checklists and KT drafts as Markdown (GitHub task lists) or JSON.

Markdown and JSON carry the same content; the JSON is `to_json` of the same record. The Markdown
leaves through `markup.markdown_text`: what tickets, ADRs and repositories say shows as text, and
only http(s) and mailto links remain. Nothing here reads a clock, so a fixed as-of date gives
byte-identical output.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handoff.core.json import to_json
from handoff.core.markup import markdown_text, safe_link
from handoff.retention.offboarding.checklist import Checklist
from handoff.retention.offboarding.items import AtRiskFile, Decision

if TYPE_CHECKING:  # the KT module loads the index stack; rendering needs only the record's shape
    from handoff.assist.kt import KtDraft

FORMATS = ("md", "json")


def checklist_text(checklist: Checklist, fmt: str) -> str:
    return to_json(checklist) + "\n" if fmt == "json" else checklist_markdown(checklist)


def kt_text(draft: KtDraft, fmt: str) -> str:
    return to_json(draft) + "\n" if fmt == "json" else kt_markdown(draft)


def checklist_markdown(c: Checklist) -> str:
    where = _where_for(len(c.summary.repositories) > 1)
    parts = [_heading(c), _summary(c, where), _files(c, where), _decisions(c), _tickets(c, where), _sessions(c, where),
             _questions(c, where), _access(c)]
    return markdown_text("\n\n".join(p for p in parts if p) + "\n")


def kt_markdown(d: KtDraft) -> str:
    covers = f"the areas {d.subject} holds" if d.kind == "person" else d.subject
    lines = [f"# Knowledge transfer: {d.subject}", "",
             f"Draft of {d.as_of} for {covers}. Every [n] cites a source listed at the end."]
    if not d.indexed:
        lines += ["", "> The search index is empty, so nothing could be cited: run `handoff ingest` without "
                      "`--facts-only` first."]
    if not d.areas:
        lines += ["", f"Nothing to draft: {d.subject} holds half of no folder and of no code file; "
                      "draft a folder or file instead (handoff kt PATH)."]
    for area in d.areas:
        lines += ["", f"## {area.path} ({area.repo}, {_count(area.files, 'file')}, {_count(area.lines, 'line')})"]
        for s in area.sections:
            lines += ["", f"### {s.title}", ""]
            lines += [f"> {s.notice}", ""] if s.notice else []
            lines += ["> Written by the model from the cited sources.", ""] if s.written_by == "llm" else []
            lines.append(s.text)
    lines += ["", "## Sources", ""] + [f"[{c.n}] {_source(c)}" for c in d.sources]
    return markdown_text("\n".join(lines) + "\n")


def _heading(c: Checklist) -> str:
    s = c.summary
    who = ", ".join(x for x in (s.kind.capitalize(), s.vendor, f"team {s.team}" if s.team else None) if x)
    when = f"left on {s.end_date} ({-s.days_left} days ago)" if s.days_left < 0 else \
        f"leaves on {s.end_date} (in {s.days_left} days)"
    lines = [f"# Offboarding checklist: {c.name} ({c.person})", "", f"As of {c.as_of}. {who}; {when}; {s.status}."]
    if not c.indexed:
        lines += ["", "> The search index is empty, so ADR texts and docstrings were not read and some files may be "
                      "flagged undocumented wrongly: run `handoff ingest` without `--facts-only`."]
    return "\n".join(lines)


def _summary(c: Checklist, where) -> str:
    s = c.summary
    lines = ["## 1. Summary", "", f"- Lines held: {s.lines_held} in {s.files_held} files",
             f"- Files at risk: {s.files_at_risk['critical']} critical, {s.files_at_risk['high']} high"]
    lines += [f"- Share of {r.repo}: {r.share:.0%} ({r.lines} of {r.total} lines)" for r in s.repositories]
    if s.folders:
        lines += ["", "| Folder | Their lines | Share |", "|---|---:|---:|"]
        lines += [f"| `{where(f.repo, f.path)}/` | {f.lines} of {f.total} | {f.share:.0%} |" for f in s.folders]
    return "\n".join(lines)


def _files(c: Checklist, where) -> str:
    lines = ["## 2. Files at risk", ""]
    for f in c.at_risk_files:
        others = ", ".join(f"{h.name} {h.share:.0%}" for h in f.holders if h.person != c.person)
        leaving = f"; {f.at_risk_share:.0%} with others leaving ({others})" if others else ""
        lines.append(f"- [ ] **{f.rank}. `{where(f.repo, f.path)}`**: {f.level}; {c.name} holds {f.held_lines} of "
                     f"{f.lines} lines{leaving}")
        lines.append("  - Successors: " + (", ".join(f"{s.name} ({s.share:.0%} of the file, {s.folder_share:.0%} of "
                                                      f"the folder)" for s in f.successors) or "nobody active"))
        lines.append("  - " + _documentation(f))
    return "\n".join(lines if c.at_risk_files else lines + ["Nothing they hold is at risk."])


def _documentation(f: AtRiskFile) -> str:
    if f.undocumented:
        return "**Undocumented**: no ADR, ticket, README or docstring explains it"
    d = f.documentation
    parts = ["it is documentation itself"] if d.prose else []
    parts += [f"ADR `{a}`" for a in d.adrs if a != f.path]
    parts += [f"tickets {', '.join(d.tickets)}"] if d.tickets else []
    parts += [f"README `{d.readme}`"] if d.readme else []
    parts += [f"docstring \"{d.docstring}\""] if d.docstring else []
    return "Documented by: " + "; ".join(parts)


def _decisions(c: Checklist) -> str:
    lines = ["## 3. Decisions", ""]
    lines += [_decision(d) for d in c.decisions] or ["They are not named on any decision record."]
    return "\n".join(lines)


def _decision(d: Decision) -> str:
    number = f"ADR {d.number}, " if d.number is not None else ""
    state = "still accepted" if d.accepted else d.status + (f" by `{'`, `'.join(d.superseded_by)}`"
                                                           if d.superseded_by else "")
    owner = f"{d.proposed_owner.name} ({d.proposed_owner.person})" if d.proposed_owner else "nobody active: choose one"
    return (f"- [ ] **{d.title}** (`{d.path}`; {number}{' and '.join(d.roles)}): {state}. "
            f"Proposed new owner: {owner}")


def _tickets(c: Checklist, where) -> str:
    lines = ["## 4. Tickets", "", "### Open tickets to reassign", ""]
    for t in c.tickets.to_reassign:
        stale = ", no activity for over a month" if t.stale else ""
        to = f"; suggest {t.suggested.name} ({t.suggested.person})" if t.suggested else "; choose a new assignee"
        lines.append(f"- [ ] {t.key} {t.title} ({t.status}; {' and '.join(t.roles)}; last updated {t.updated}"
                     f"{stale}){to}")
    lines += [] if c.tickets.to_reassign else ["None."]
    lines += ["", "### Closed tickets with context to transfer", ""]
    for context in c.tickets.context:
        files = ", ".join(f"`{where(f.repo, f.path)}`" for f in context.files)
        lines.append(f"- [ ] {context.key} {context.title} (resolved {context.resolved}): touches {files}")
    return "\n".join(lines + ([] if c.tickets.context else ["None."]))


def _sessions(c: Checklist, where) -> str:
    lines = ["## 5. Knowledge-transfer sessions"]
    questions = {q.n: q for q in c.questions}
    for n, s in enumerate(c.sessions, start=1):
        who = f"with {s.successor.name} ({s.successor.person})" if s.successor else "without a successor: assign one"
        lines += ["", f"### Session {n} {who}", "", f"Areas: {', '.join(f'`{a}/`' for a in s.areas) or 'none'}", ""]
        lines += [f"- [ ] Walk through `{where(f.repo, f.path)}`" for f in s.files if f.path not in s.decisions]
        lines += [f"- [ ] Hand over the decision `{d}`" for d in s.decisions]
        lines += [f"- [ ] Hand over ticket {t}" for t in s.tickets]
        lines += [f"- [ ] Q{q}: {questions[q].text}" for q in s.questions]
    return "\n".join(lines if c.sessions else lines + ["", "Nothing to hand over."])


def _questions(c: Checklist, where) -> str:
    lines = ["## 6. Questions to ask before they leave", ""]
    for q in c.questions:
        lines.append(f"- [ ] **Q{q.n}.** {q.text}")
        lines += [f"  - Evidence: {_evidence(e, where)}" for e in q.evidence]
    return "\n".join(lines if c.questions else lines + ["No gaps found."])


def _evidence(e, where) -> str:
    if e.kind == "ticket":
        return f"{e.path}: {e.detail}"
    place = where(e.repo, e.path) + (f":{e.line}" if e.line else "")
    return f"`{place}`: {e.detail}"


def _access(c: Checklist) -> str:
    start, end = c.access_window
    lines = ["## 7. Access to review", "", f"Commits from {start} to {end}.", ""]
    for r in c.access_review:
        lines.append(f"- [ ] Repository {r.repo}: {_count(r.commits, 'commit')}, last on {r.last_commit}")
        lines += [f"  - [ ] `{a.area}/`: {_count(a.commits, 'commit')}, last on {a.last_commit}" for a in r.areas]
    return "\n".join(lines if c.access_review else lines + ["No commits in that window."])


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _source(c) -> str:
    if c.kind == "ticket":
        return " ".join(part for part in (c.key, c.title, safe_link(c.url)) if part) + " (ticket)"
    return f"{c.repo}:{c.path}:{c.start_line}-{c.end_line} ({c.kind})"


def _where_for(several_repos: bool):
    return (lambda repo, path: f"{repo}:{path}") if several_repos else (lambda repo, path: path)
