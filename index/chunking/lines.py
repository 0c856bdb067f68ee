"""Line arithmetic that every chunker shares: whole-line spans, line windows, packing.

A chunk is always whole lines of the file: its text is exactly lines `start..end` joined, so a
line range cited to a user can be checked against the file. Lines are split on "\\n" only, as
git counts them (not on the other separators `str.splitlines` knows).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

from handoff.core.records import Chunk

# all-MiniLM-L6-v2 reads 256 word pieces and drops the rest. Measured with its tokenizer on
# llama_index's sources (3.6 characters a piece, header line included): at 800 characters the
# median chunk is 185 pieces and 7% pass 256; at 1200, 52% do.
MAX_CHARS = 800
WINDOW_LINES = 60
OVERLAP_LINES = 10


@dataclass(frozen=True)
class Span:
    """Lines `start..end` (1-based, inclusive) and what they belong to."""

    start: int
    end: int
    symbol: str | None = None


class Lines:
    """A text's lines, with the character offset where each starts."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.split("\n")
        self.starts = [0, *accumulate(len(line) + 1 for line in self.lines)][:-1]

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, number: int) -> str:
        """Line `number`, counting from 1."""
        return self.lines[number - 1]

    def number_at(self, offset: int) -> int:
        """The line holding character `offset`."""
        return bisect_right(self.starts, offset)

    def size(self, start: int, end: int) -> int:
        """Characters in lines `start..end` joined by newlines."""
        return self.starts[end - 1] + len(self.lines[end - 1]) - self.starts[start - 1]

    def is_blank(self, number: int) -> bool:
        return not self.lines[number - 1].strip()

    def trim(self, start: int, end: int) -> tuple[int, int] | None:
        """The span without its blank first and last lines; None when all are blank."""
        while start <= end and self.is_blank(start):
            start += 1
        while end >= start and self.is_blank(end):
            end -= 1
        return (start, end) if start <= end else None

    def chunk(self, span: Span, language: str | None) -> Chunk:
        text = "\n".join(self.lines[span.start - 1 : span.end])
        return Chunk(text=text, start_line=span.start, end_line=span.end, symbol=span.symbol, language=language)


def windows(
    lines: Lines, start: int, end: int, max_chars: int = MAX_CHARS,
    max_lines: int = WINDOW_LINES, overlap: int = OVERLAP_LINES,
) -> list[tuple[int, int]]:
    """Lines `start..end` as windows of at most `max_lines` lines and `max_chars` characters,
    each overlapping the previous one by up to `overlap` lines (never more than half of it).

    A window never splits a line: one line longer than `max_chars` is a window of its own.
    """
    spans: list[tuple[int, int]] = []
    first = start
    while first <= end:
        trimmed = lines.trim(first, end)
        if trimmed is None:
            break
        first = trimmed[0]
        last = _window_end(lines, first, trimmed[1], max_chars, max_lines)
        spans.append(lines.trim(first, last) or (first, last))
        if last >= trimmed[1]:
            break
        first = last + 1 - min(overlap, (last - first + 1) // 2)
    return spans


def _window_end(lines: Lines, first: int, end: int, max_chars: int, max_lines: int) -> int:
    last = first
    while last < end and last - first + 1 < max_lines and lines.size(first, last + 1) <= max_chars:
        last += 1
    return last


def pack(lines: Lines, blocks: list[tuple[int, int]], max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Consecutive blocks (paragraphs, statements) joined into spans of up to `max_chars`;
    a block larger than that alone is cut into line windows."""
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for block in blocks:
        if lines.size(*block) > max_chars:
            spans.extend(_flushed(current))
            spans.extend(windows(lines, *block, max_chars=max_chars))
            current = None
        elif current and lines.size(current[0], block[1]) <= max_chars:
            current = (current[0], block[1])
        else:
            spans.extend(_flushed(current))
            current = block
    spans.extend(_flushed(current))
    return spans


def _flushed(span: tuple[int, int] | None) -> list[tuple[int, int]]:
    return [span] if span else []


def paragraphs(lines: Lines, start: int, end: int) -> list[tuple[int, int]]:
    """Runs of non-blank lines between `start` and `end`."""
    blocks, first = [], None
    for number in range(start, end + 1):
        if lines.is_blank(number):
            if first is not None:
                blocks.append((first, number - 1))
            first = None
        elif first is None:
            first = number
    if first is not None:
        blocks.append((first, end))
    return blocks
