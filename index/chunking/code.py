"""Source code into spans along its syntax: LlamaIndex's CodeSplitter on a tree-sitter grammar.

CodeSplitter returns its pieces as stripped strings. Each piece is found again in the file,
searching from where the previous one ended (pieces come in order and never overlap), and
becomes the whole lines from its first line (or the comments right above it) to the next
piece's. Neighbours are then joined while they fit, and a piece too small to stand alone (a
lone `class Cart(Base):` line whose body was split off) joins the next one even past the
limit.

None means the code cannot be split by syntax (no grammar, a tree with errors, CodeSplitter
failing): the caller cuts line windows instead.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from tree_sitter import Node, Tree

from handoff.index.chunking.grammars import Grammar, grammar_for, parser_for
from handoff.index.chunking.lines import MAX_CHARS, Lines, Span
from handoff.index.chunking.symbols import enclosing_symbol, is_comment_line

if TYPE_CHECKING:
    from llama_index.core.node_parser import CodeSplitter

MIN_SHARE = 0.2  # a piece under this share of the limit does not stand alone

_local = threading.local()


def code_spans(lines: Lines, language: str | None, max_chars: int = MAX_CHARS) -> list[Span] | None:
    """Spans of whole lines along the syntax, each with its enclosing symbol."""
    grammar = grammar_for(language)
    if grammar is None or language is None:
        return None
    try:
        tree = parser_for(grammar).parse(lines.text.encode("utf-8"))
        if tree.root_node.has_error:
            return None
        pieces = _splitter(language, grammar, max_chars).split_text(lines.text)
    except (ValueError, UnicodeError):
        return None
    starts = _piece_starts(lines, pieces)
    if starts is None:
        return None
    spans = _between(lines, _with_leading_comments(lines, tree.root_node, starts))
    return _with_symbols(lines, tree, grammar, _joined(lines, spans, max_chars))


def _splitter(language: str, grammar: Grammar, max_chars: int) -> CodeSplitter:
    """This thread's splitter, which holds this thread's parser."""
    from llama_index.core.node_parser import CodeSplitter  # loaded on the first file to chunk, not on import

    splitters = _local.__dict__.setdefault("splitters", {})
    key = (language, max_chars)
    if key not in splitters:
        splitters[key] = CodeSplitter(language=language, max_chars=max_chars, parser=parser_for(grammar))
    return splitters[key]


def _piece_starts(lines: Lines, pieces: list[str]) -> list[int] | None:
    """The line where each piece starts; None if a piece is not where it should be."""
    starts: list[int] = []
    cursor = 0
    for piece in filter(None, pieces):
        found = lines.text.find(piece, cursor)
        if found < 0:
            return None
        number = lines.number_at(found)
        if not starts or number > starts[-1]:
            starts.append(number)
        cursor = found + len(piece)
    return starts or None


def _with_leading_comments(lines: Lines, root: Node, starts: list[int]) -> list[int]:
    """Starts moved up over the comment lines right above them, and a piece of nothing but
    comments made the start of the piece after it: a comment describing a function
    (`// AddItem adds ...`, Javadoc) belongs in the function's chunk."""
    moved: list[int] = []
    for start in starts:
        if moved and _only_comments(lines, root, moved[-1], start - 1):
            continue
        while moved and start - 1 > moved[-1] and is_comment_line(root, lines, start - 1):
            start -= 1
        moved.append(start)
    return moved


def _only_comments(lines: Lines, root: Node, first: int, last: int) -> bool:
    return all(lines.is_blank(number) or is_comment_line(root, lines, number) for number in range(first, last + 1))


def _between(lines: Lines, starts: list[int]) -> list[tuple[int, int]]:
    """Whole-line spans from each start to the line before the next one.

    Spans run up to the next piece rather than to the end of their own: CodeSplitter drops
    the text after the last child of a node it splits (the end of a long string whose only
    children are escape sequences), and that text must still land in a chunk.
    """
    ends = [start - 1 for start in starts[1:]] + [len(lines)]
    trimmed = (lines.trim(start, end) for start, end in zip([1, *starts[1:]], ends, strict=True))
    return [span for span in trimmed if span]


def _joined(lines: Lines, spans: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Neighbours joined while they fit. A small piece is mostly the header of a definition
    whose body was split off, so it joins the piece after it; only a small last piece joins
    the one before."""
    small = MIN_SHARE * max_chars
    joined: list[tuple[int, int]] = []
    for span in spans:
        if joined and (
            lines.size(*joined[-1]) < small
            or (lines.size(*span) >= small and lines.size(joined[-1][0], span[1]) <= max_chars)
        ):
            joined[-1] = (joined[-1][0], span[1])
        else:
            joined.append(span)
    if len(joined) > 1 and lines.size(*joined[-1]) < small:
        last = joined.pop()
        joined[-1] = (joined[-1][0], last[1])
    return joined


def _with_symbols(lines: Lines, tree: Tree, grammar: Grammar, spans: list[tuple[int, int]]) -> list[Span]:
    return [Span(start, end, enclosing_symbol(tree.root_node, grammar, lines, start, end)) for start, end in spans]
