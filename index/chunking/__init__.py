"""One file's text into chunks for embedding, each with its exact lines and a symbol.

    chunk_file(path, text, language=None) -> [Chunk]   dispatches on the language:
        code with a grammar   syntax pieces (CodeSplitter on tree-sitter), symbol = `Cart.add_item`
        markdown, rst, text   sections, symbol = heading path `Install > Linux`
        anything else         line windows (also the fallback when code does not parse)
    embedding_text(chunk, path) -> str   what to embed: a header line, then the chunk's text
    detect_language, is_text, is_lfs_pointer   what a file is, before reading it

A chunk's text is exactly lines `start_line..end_line` of the file (1-based, inclusive), so a
cited range can be checked against the file; the header lives outside it.
"""

from __future__ import annotations

from collections.abc import Callable

from handoff.core.records import Chunk
from handoff.index.chunking.code import code_spans
from handoff.index.chunking.detect import detect_language, is_lfs_pointer, is_text
from handoff.index.chunking.docs import asciidoc_spans, markdown_spans, underlined_spans
from handoff.index.chunking.lines import MAX_CHARS, Lines, Span, windows

__all__ = ["MAX_CHARS", "chunk_file", "detect_language", "embedding_text", "is_lfs_pointer", "is_text"]

DOC_SPLITTERS: dict[str, Callable[[Lines, int], list[Span]]] = {
    "markdown": markdown_spans,
    "rst": underlined_spans,
    "text": underlined_spans,
    "asciidoc": asciidoc_spans,
}


def chunk_file(path: str, text: str, language: str | None = None, *, max_chars: int = MAX_CHARS) -> list[Chunk]:
    """The file's chunks in order; `language` as `detect_language` names it (detected if None)."""
    language = language or detect_language(path, text)
    lines = Lines(text.replace("\r\n", "\n"))
    splitter = DOC_SPLITTERS.get(language or "")
    spans = splitter(lines, max_chars) if splitter else code_spans(lines, language, max_chars)
    if spans is None:
        spans = [Span(start, end) for start, end in windows(lines, 1, len(lines), max_chars)]
    return [lines.chunk(span, language) for span in spans]


def embedding_text(chunk: Chunk, path: str) -> str:
    """The chunk as the model should read it: `path: symbol` on a first line, then its text.

    The header lets a question naming `Cart.add_item` or `Install > Linux` find the chunk
    whose own text never says it; it is not part of `Chunk.text`, whose lines are the file's.
    """
    header = f"{path}: {chunk.symbol}" if chunk.symbol else path
    return f"{header}\n{chunk.text}"
