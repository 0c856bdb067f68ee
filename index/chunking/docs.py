"""Documentation into sections that keep their heading path (`Install > Linux`) as symbol.

Markdown is parsed with markdown-it, so a `#` inside a code fence is not a heading and every
block (paragraph, list, table, fence) comes with its exact lines. reStructuredText and plain
text have underlined titles (with an optional overline); AsciiDoc has `== Title` lines. A
section's blocks are packed into spans up to the size limit, so a long section is split
between paragraphs, and a heading with no text of its own stays with the section under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from handoff.index.chunking.lines import MAX_CHARS, Lines, Span, pack, paragraphs

MARKDOWN = MarkdownIt("commonmark").enable("table")
FRONT_MATTER = ("---", "...")
MAX_FRONT_MATTER_LINES = 200
# reStructuredText's adornment: one punctuation character repeated along the whole line.
ADORNMENT = re.compile(r"([!-/:-@\[-`{-~])\1{2,}")
ASCIIDOC_TITLE = re.compile(r"(=+)\s+\S.*")
PATH_SEPARATOR = " > "


@dataclass(frozen=True)
class Title:
    start: int
    end: int
    level: int
    text: str


@dataclass
class Section:
    path: str | None
    blocks: list[tuple[int, int]] = field(default_factory=list)


def markdown_spans(lines: Lines, max_chars: int = MAX_CHARS) -> list[Span]:
    titles, blocks = _markdown_structure(lines)
    return _section_spans(lines, _sections(titles, blocks), max_chars)


def underlined_spans(lines: Lines, max_chars: int = MAX_CHARS) -> list[Span]:
    """reStructuredText and plain text."""
    titles = _underlined_titles(lines)
    return _section_spans(lines, _sections(titles, _title_and_paragraph_blocks(lines, titles)), max_chars)


def asciidoc_spans(lines: Lines, max_chars: int = MAX_CHARS) -> list[Span]:
    titles = [
        Title(number, number, len(match.group(1)), match.group(0)[len(match.group(1)) :].strip())
        for number in range(1, len(lines) + 1)
        if (match := ASCIIDOC_TITLE.fullmatch(lines[number]))
    ]
    return _section_spans(lines, _sections(titles, _title_and_paragraph_blocks(lines, titles)), max_chars)


def _markdown_structure(lines: Lines) -> tuple[list[Title], list[tuple[int, int]]]:
    """Headings and top-level blocks; YAML front matter is a block of its own."""
    front = _front_matter_end(lines)
    source = [""] * front + lines.lines[front:]
    # markdown-it counts a lone carriage return as a line break; git does not
    tokens = MARKDOWN.parse("\n".join(source).replace("\r", " "))
    titles: list[Title] = []
    blocks = [(1, front)] if front else []
    for index, token in enumerate(tokens):
        if token.level != 0 or token.map is None or token.nesting < 0:
            continue
        block = lines.trim(token.map[0] + 1, token.map[1])
        if block is None:
            continue
        blocks.append(block)
        if token.type == "heading_open":
            titles.append(Title(block[0], block[1], int(token.tag[1:]), _inline_text(tokens[index + 1])))
    return titles, blocks


def _front_matter_end(lines: Lines) -> int:
    if len(lines) < 2 or lines[1].rstrip() != "---":
        return 0
    for number in range(2, min(len(lines), MAX_FRONT_MATTER_LINES) + 1):
        if lines[number].rstrip() in FRONT_MATTER:
            return number
    return 0


def _inline_text(inline: Token) -> str:
    """A heading's words without their markup: `Install *fast*` -> `Install fast`."""
    parts = [child.content for child in inline.children or [] if child.type in ("text", "code_inline")]
    return "".join(parts).strip() or inline.content.strip()


def _underlined_titles(lines: Lines) -> list[Title]:
    """Titles underlined (and maybe overlined) with punctuation; levels in order of first use,
    as reStructuredText assigns them."""
    styles: list[tuple[str, bool]] = []
    titles: list[Title] = []
    for number in range(2, len(lines) + 1):
        found = _underlined_title_at(lines, number)
        if found is None or (titles and found[0] <= titles[-1].end):
            continue
        start, style = found
        if style not in styles:
            styles.append(style)
        titles.append(Title(start, number, styles.index(style) + 1, lines[number - 1].strip()))
    return titles


def _underlined_title_at(lines: Lines, number: int) -> tuple[int, tuple[str, bool]] | None:
    """(first line, style) when line `number` underlines the line above it."""
    underline, title = lines[number].rstrip(), lines[number - 1].rstrip()
    if not ADORNMENT.fullmatch(underline) or not title.strip() or ADORNMENT.fullmatch(title):
        return None
    if len(underline) < len(title.strip()) // 2:
        return None
    above = lines[number - 2].rstrip() if number > 2 else ""
    if above == underline:
        return number - 2, (underline[0], True)
    if above or title[0].isspace():
        return None
    return number - 1, (underline[0], False)


def _title_and_paragraph_blocks(lines: Lines, titles: list[Title]) -> list[tuple[int, int]]:
    blocks: list[tuple[int, int]] = []
    cursor = 1
    for title in titles:
        blocks.extend(paragraphs(lines, cursor, title.start - 1))
        blocks.append((title.start, title.end))
        cursor = title.end + 1
    blocks.extend(paragraphs(lines, cursor, len(lines)))
    return blocks


def _sections(titles: list[Title], blocks: list[tuple[int, int]]) -> list[Section]:
    """Blocks grouped under their titles; each section is named by its path of titles."""
    sections = [Section(None)]
    open_titles: list[Title] = []
    pending = iter(titles)
    upcoming = next(pending, None)
    for block in blocks:
        if upcoming is not None and block[0] >= upcoming.start:
            open_titles = [title for title in open_titles if title.level < upcoming.level] + [upcoming]
            sections.append(Section(PATH_SEPARATOR.join(title.text for title in open_titles)))
            upcoming = next(pending, None)
        sections[-1].blocks.append(block)
    return [section for section in sections if section.blocks]


def _section_spans(lines: Lines, sections: list[Section], max_chars: int) -> list[Span]:
    spans: list[Span] = []
    for index, section in enumerate(sections):
        heading_only = section.path is not None and len(section.blocks) == 1
        if heading_only and index + 1 < len(sections):
            sections[index + 1].blocks.insert(0, section.blocks[0])
            continue
        spans.extend(Span(start, end, section.path) for start, end in pack(lines, section.blocks, max_chars))
    return spans
