"""What a repository's files at HEAD say: indexable text, redacted, and the ADRs among them.

A file is indexed when it is text, not vendored or generated, not a Git LFS pointer and not
larger than `max_file_bytes`; each skip is counted with its reason. Secrets are redacted and
invisible characters stripped before the text leaves this module. Reading is keyed by blob id
so a re-ingest reads only the files whose content changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from handoff.core.records import Adr, Problem
from handoff.index.chunking import detect_language, is_lfs_pointer, is_text
from handoff.ingest.redact import redact
from handoff.ingest.sources.adrs import AdrFormatError, find_adr_paths, parse_adr
from handoff.ingest.sources.git import GitRepo
from handoff.ingest.sources.tree import TreeEntry, attribute_reasons, list_tree, structural_reason

DOC_LANGUAGES = {"markdown", "rst", "text", "asciidoc"}


@dataclass
class FileText:
    path: str
    blob: str
    language: str | None
    text: str

    @property
    def kind(self) -> str:
        return "doc" if self.language in DOC_LANGUAGES else "code"


@dataclass
class RepoContent:
    """The indexable files of one commit, by path, before any text is read."""

    entries: dict[str, TreeEntry]
    adr_paths: set[str]
    skipped: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)
    redactions: Counter = field(default_factory=Counter)


def survey(repo: GitRepo, head: str, max_bytes: int, exclude: list[str], adr_globs: list[str]) -> RepoContent:
    entries = list_tree(repo, head)
    regular = [e for e in entries if not structural_reason(e)]
    reasons = attribute_reasons(repo, head, [e.path for e in regular], exclude)
    content = RepoContent(entries={}, adr_paths=set())
    for entry in entries:
        reason = structural_reason(entry) or reasons.get(entry.path)
        if reason is None and entry.size > max_bytes:
            reason = "too large"
        if reason:
            content.skipped[reason] += 1
        else:
            content.entries[entry.path] = entry
    adr_dir = (repo.blob_text(f"{head}:.adr-dir") or b"").decode("utf-8", "replace").strip() or None
    content.adr_paths = set(find_adr_paths(list(content.entries), adr_dir, adr_globs))
    return content


def read_texts(repo: GitRepo, content: RepoContent, paths: list[str]) -> list[FileText]:
    """Text of `paths`, redacted; binary files and LFS pointers are counted as skipped and left out."""
    by_blob: dict[str, list[str]] = {}
    for path in paths:
        by_blob.setdefault(content.entries[path].blob, []).append(path)
    texts = []
    for blob, data in repo.read_blobs(list(by_blob)):
        for path in by_blob[blob]:
            if is_lfs_pointer(data):
                content.skipped["git lfs pointer"] += 1
            elif not is_text(data):
                content.skipped["binary"] += 1
            else:
                texts.append(_file_text(path, blob, data, content))
    return texts


def parse_adrs(texts: list[FileText], content: RepoContent) -> dict[str, Adr]:
    """The ADRs among `texts`, by path; malformed ones become problems and are indexed as plain docs."""
    adrs = {}
    for text in texts:
        if text.path not in content.adr_paths:
            continue
        try:
            adr = parse_adr(text.path, text.text)
        except AdrFormatError as exc:
            content.problems.append(exc.problem)
            continue
        if adr is not None:
            adrs[text.path] = adr
    return adrs


def _file_text(path: str, blob: str, data: bytes, content: RepoContent) -> FileText:
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = data.decode("latin-1")
    redacted = redact(decoded, path)
    for item in redacted.redactions:
        content.redactions[item.type] += 1
    return FileText(path, blob, detect_language(path, redacted.text), redacted.text)
