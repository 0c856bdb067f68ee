"""The index read as documentation: every chunk grouped by file, and what documents each file.

Offboarding checklists, KT drafts and the drain report all ask the same questions of the index:
the text of each ADR and README, a module's leading docstring, and which lines elsewhere name an
ADR's file. They read it here, once, so all three call the same files documented.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from handoff.core.facts import Facts
from handoff.retention.documentation import Documentation, Reference

DOCSTRING_QUOTES = ('"""', "'''")
COMMENT_MARKS = ("#", "//", "--", "/*", "*", ";")


@dataclass(frozen=True)
class Chunk:
    id: str
    text: str
    meta: dict

    @property
    def key(self) -> tuple[str, str]:
        return self.meta.get("repo", ""), self.meta.get("path", "")

    @property
    def start(self) -> int:
        return int(self.meta.get("start_line", 0))


class IndexedChunks:
    """Every chunk of the index, read once and grouped by file: what drafts are built from."""

    def __init__(self, collection):
        from handoff.index.vectors import all_chunks  # the index stack loads with the first index read

        got = all_chunks(collection)
        chunks = [Chunk(i, t, m) for i, t, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)]
        self.chunks = sorted(chunks, key=lambda c: (*c.key, c.start, c.id))
        self.by_file: dict[tuple[str, str], list[Chunk]] = defaultdict(list)
        self.tickets: dict[str, Chunk] = {}
        for chunk in self.chunks:
            self.by_file[chunk.key].append(chunk)
            if chunk.meta.get("kind") == "ticket":
                self.tickets.setdefault(chunk.meta.get("key") or chunk.key[1], chunk)

    def file(self, repo: str, path: str, kind: str | None = None) -> list[Chunk]:
        return [c for c in self.by_file.get((repo, path), []) if kind is None or c.meta.get("kind") == kind]

    def first(self, repo: str, path: str) -> Chunk | None:
        """The file's own first chunk (its history note left aside), when it starts at line 1."""
        found = [c for c in self.file(repo, path) if c.meta.get("kind") != "history"]
        return found[0] if found and found[0].start == 1 else None


def indexed_documentation(collection, facts: Facts) -> Documentation:
    """What the index says documents each file; empty when there is no index (a --facts-only workspace)."""
    return documentation(IndexedChunks(collection), facts) if collection is not None else Documentation()


def documentation(chunks: IndexedChunks, facts: Facts) -> Documentation:
    """ADR and README texts, leading docstrings and references to ADRs, as retention needs them."""
    docstrings = {}
    for f in facts.files:
        first = chunks.first(f.repo, f.path)
        found = leading_docstring(first.text) if first and first.meta.get("kind") == "code" else None
        if found:
            docstrings[(f.repo, f.path)] = found
    return Documentation(
        adr_texts={(a.repo, a.path): _joined(chunks.file(a.repo, a.path, "adr")) for a in facts.adrs},
        docstrings=docstrings,
        adr_references=adr_references(chunks, facts),
        readme_texts={(f.repo, f.path): _joined(chunks.file(f.repo, f.path, "doc")) for f in facts.files
                      if PurePosixPath(f.path).name.lower().startswith("readme")},
        indexed=bool(chunks.chunks))


def adr_references(chunks: IndexedChunks, facts: Facts) -> dict[tuple[str, str], list[Reference]]:
    """(repo, ADR path) -> the lines elsewhere that name the ADR's file."""
    names = {(a.repo, PurePosixPath(a.path).name): a.path for a in facts.adrs}
    found: dict[tuple[str, str], set[Reference]] = defaultdict(set)
    for chunk in chunks.chunks:
        if chunk.meta.get("kind") not in ("code", "doc", "adr"):
            continue
        repo, path = chunk.key
        for offset, line in enumerate(chunk.text.splitlines()):
            for (adr_repo, name), adr in names.items():
                if adr_repo == repo and name in line and path != adr:
                    found[(repo, adr)].add(Reference(repo, path, chunk.start + offset))
    return {adr: sorted(refs, key=lambda r: (r.path, r.line)) for adr, refs in found.items()}


def leading_docstring(text: str) -> str | None:
    """The first paragraph of a module's docstring or leading comment, on one line."""
    lines = text.lstrip("\ufeff").splitlines()
    while lines and lines[0].startswith("#") and ("coding" in lines[0][:25] or lines[0].startswith("#!")):
        lines.pop(0)
    body = "\n".join(lines).lstrip()
    quote = next((q for q in DOCSTRING_QUOTES if body.startswith(q)), None)
    paragraph = body[3:].split(quote, 1)[0] if quote else _leading_comment(lines)
    first = re.split(r"\n\s*\n", paragraph.strip(), maxsplit=1)[0]
    return " ".join(first.split()) or None



def _joined(chunks: list[Chunk]) -> str:
    return "\n".join(c.text for c in chunks)


def _leading_comment(lines: list[str]) -> str:
    comment = []
    for line in lines:
        mark = next((m for m in COMMENT_MARKS if line.strip().startswith(m)), None)
        if mark is None:
            break
        comment.append(line.strip()[len(mark):].strip(" */"))
    return "\n".join(comment)
