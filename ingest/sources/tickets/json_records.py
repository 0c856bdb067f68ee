"""A JSON export read one record at a time: memory follows the records kept, not the file.

An export is a list of records, or an object holding one (`issues` from Jira, `items` from a
GitHub search). The file is read in growing blocks; a scanner that knows only strings and
brackets finds where each record ends and how deep it nests, and each record is then decoded
alone by the standard decoder. A record nested deeper than MAX_DEPTH (the decoder, and the
readers after it, would run out of stack) or longer than `max_chars` is never decoded: it
becomes a `Skipped` with the reason, the text of an over-long one is let go as it is scanned,
and the records after it are still read. A file that is not valid JSON is an InputError naming
the line, in the standard decoder's words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from handoff.core.errors import InputError

MAX_DEPTH = 100  # Jira's deepest real documents nest about 20 levels
BLOCK = 1 << 20
WHITESPACE = re.compile(r"[ \t\n\r]*")
STRUCTURE = re.compile(r'[\[\]{}"]')
PLAIN = re.compile(r'[^"\\]*')
SCALAR = re.compile(r"[^,\]}\s]*")
RECORD_LISTS = ("issues", "items")


@dataclass(frozen=True)
class Skipped:
    """A record left undecoded, and why."""

    reason: str


@dataclass(frozen=True)
class _Span:
    end: int  # offset in the reader's text where the value ends
    depth: int
    length: int  # characters of the value, including any let go while scanning it
    complete: bool


class _Reader:
    """The file's text from the current value on, refilled in growing blocks."""

    def __init__(self, handle: TextIO, where: str):
        self.handle, self.where = handle, where
        self.text, self.pos, self.eof = "", 0, False
        self.dropped_lines = self.dropped_chars = 0
        self.span_start = 0  # where the value being scanned starts, counted from the start of the file
        self.let_go_after: int | None = None  # past this many of its characters, its text is let go

    def more(self, pos: int) -> int:
        """`pos` after reading more text (shifted when text behind it was let go); -1 at the end of the file."""
        if self.eof:
            return -1
        if self.let_go_after is not None and self.dropped_chars + pos - self.span_start > self.let_go_after:
            self._drop(pos)
            pos = 0
        try:
            block = self.handle.read(max(BLOCK, len(self.text)))
        except UnicodeDecodeError:
            raise InputError(f"{self.where}: not UTF-8 text") from None
        self.eof = not block
        self.text += block
        return pos if block else -1

    def drop(self) -> None:
        """Forget the text before the current position."""
        self._drop(self.pos)

    def peek(self) -> str:
        """The next character after whitespace ('' at the end of the file)."""
        while True:
            self.pos = _matched_end(WHITESPACE, self.text, self.pos)
            if self.pos < len(self.text):
                return self.text[self.pos]
            if self.more(self.pos) < 0:
                return ""

    def expect(self, allowed: str, what: str) -> str:
        found = self.peek()
        if not found or found not in allowed:
            raise self.error(what)
        self.pos += 1
        return found

    def error(self, what: str, offset: int | None = None) -> InputError:
        offset = self.pos if offset is None else offset
        line = self.dropped_lines + self.text.count("\n", 0, offset) + 1
        return InputError(f"{self.where}: not valid JSON (line {line}: {what})")

    def span(self, let_go_after: int | None = None) -> _Span:
        """The value starting at the current position; past `let_go_after` characters its text is let go."""
        self.span_start, self.let_go_after = self.dropped_chars + self.pos, let_go_after
        depth = deepest = 0
        pos = self.pos
        while True:
            if depth == 0 and pos > self.pos:
                break
            if depth == 0 and self.text[pos] not in "[{":
                pos = self._scalar_end(pos)
                break
            found = STRUCTURE.search(self.text, pos)
            if found is None:
                pos = self.more(len(self.text))
                if pos < 0:
                    break
                continue
            char, pos = found.group(), found.end()
            if char == '"':
                pos = self._string_end(pos)
            elif char in "[{":
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
            if pos < 0:
                break
        self.let_go_after = None
        end = len(self.text) if pos < 0 else pos
        return _Span(end, deepest, self.dropped_chars + end - self.span_start, pos >= 0 and depth == 0)

    def _string_end(self, pos: int) -> int:
        """The offset after the closing quote of the string whose text starts at `pos`; -1 if unclosed."""
        while True:
            pos = _matched_end(PLAIN, self.text, pos)
            if pos + 1 < len(self.text) or (pos < len(self.text) and self.text[pos] == '"'):
                if self.text[pos] == '"':
                    return pos + 1
                pos += 2
                continue
            pos = self.more(pos)
            if pos < 0:
                return -1

    def _scalar_end(self, pos: int) -> int:
        if self.text[pos] == '"':
            return self._string_end(pos + 1)
        while (end := _matched_end(SCALAR, self.text, pos)) == len(self.text):
            if (pos := self.more(pos)) < 0:
                return len(self.text)
        return end

    def _drop(self, pos: int) -> None:
        self.dropped_lines += self.text.count("\n", 0, pos)
        self.dropped_chars += pos
        self.text, self.pos = self.text[pos:], self.pos - pos


def json_records(handle: TextIO, where: str, max_chars: int) -> tuple[str | None, Iterator[object]]:
    """(container, records): container is None for a top-level list, else the key of the list read
    ('issues', 'items'); each record is a decoded value or a `Skipped`. InputError for a file that is
    not valid JSON or holds no list of records."""
    reader = _Reader(handle, where)
    if reader.expect("[{", "Expecting value") == "[":
        return None, _elements(reader, max_chars, closing=False)
    key = _find_list(reader)
    if key is None:
        raise InputError(f"{where}: JSON that is not a ticket export")
    return key, _elements(reader, max_chars, closing=True)


def _find_list(reader: _Reader) -> str | None:
    """Read the top-level object's members up to the first list of records; None when it has none."""
    if reader.peek() == "}":
        reader.pos += 1
        _check_end(reader)
        return None
    while True:
        key = _key(reader)
        if key in RECORD_LISTS and reader.peek() == "[":
            reader.pos += 1
            return key
        _value(reader)
        if reader.expect(",}", "Expecting ',' delimiter") == "}":
            _check_end(reader)
            return None


def _elements(reader: _Reader, max_chars: int, closing: bool) -> Iterator[object]:
    if reader.peek() == "]":
        reader.pos += 1
    else:
        while True:
            yield _record(reader, max_chars)
            if reader.expect(",]", "Expecting ',' delimiter") == "]":
                break
    while closing and reader.expect(",}", "Expecting ',' delimiter") == ",":
        _key(reader)
        _value(reader)
    _check_end(reader)


def _record(reader: _Reader, max_chars: int) -> object:
    if not reader.peek():
        raise reader.error("Expecting value")
    reader.drop()
    span = reader.span(let_go_after=max_chars)
    if span.length > max_chars:
        if not span.complete:
            raise reader.error("Unterminated record at the end of the file", span.end)
        reader.pos = span.end
        return Skipped(f"{span.length:,} characters of JSON, more than the {max_chars:,} a record may take; "
                       "skipped")
    if span.complete and span.depth > MAX_DEPTH:
        reader.pos = span.end
        return Skipped(f"nested {span.depth} levels deep, more than the {MAX_DEPTH} a record may go; skipped")
    return _decode(reader, span)


def _key(reader: _Reader) -> str:
    if reader.peek() != '"':
        raise reader.error("Expecting property name enclosed in double quotes")
    key = _decode(reader, reader.span())
    if not isinstance(key, str):
        raise reader.error("Expecting property name enclosed in double quotes")
    reader.expect(":", "Expecting ':' delimiter")
    return key


def _value(reader: _Reader) -> None:
    """Skip a member's value, checking only that it is well formed."""
    if not reader.peek():
        raise reader.error("Expecting value")
    span = reader.span()
    if not span.complete or span.depth > MAX_DEPTH:
        _decode(reader, span)
    reader.pos = span.end


def _decode(reader: _Reader, span: _Span) -> object:
    try:
        value, stop = json.JSONDecoder().raw_decode(reader.text[:span.end], reader.pos)
    except json.JSONDecodeError as exc:
        raise reader.error(exc.msg, exc.pos) from None
    except RecursionError:
        raise reader.error(f"nested more than {MAX_DEPTH} levels deep") from None
    if not span.complete or stop != span.end:
        raise reader.error("Expecting ',' delimiter", stop)
    reader.pos = span.end
    return value


def _check_end(reader: _Reader) -> None:
    if reader.peek():
        raise reader.error("Extra data")


def _matched_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where `pattern` (which may match nothing) stops matching from `pos`."""
    found = pattern.match(text, pos)
    return found.end() if found else pos
