"""Architecture decision records: which repository files are ADRs, and what each one says.

An ADR is recognised by its shape, not its folder, because contractors copy templates loosely:

- `nygard` (adr-tools): `# 1. Title`, a `Date:` line, a `## Status` section whose paragraphs hold
  the status and links such as `Supercedes [1. Title](0001-title.md)` (adr-tools' own spelling).
- `madr2`: `* Status:`, `* Deciders:`, `* Date:` bullets under the title, a `## Links` section.
- `madr3` / `madr4`: YAML front matter (`status`, `date`, `deciders`; MADR 4 says `decision-makers`).
- `log4brains`: `- Status:` / `- Date:` / `- Tags:` bullets, files named `YYYYMMDD-slug.md`.

The reader fills every `Adr` field; `number` is None when neither the file name nor the title
carries one (log4brains names files by date). Markdown structure comes from markdown-it-py, so a
`#` inside a code block is never taken for a heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from fnmatch import fnmatch
from pathlib import PurePosixPath
from typing import NamedTuple

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from handoff.core.errors import InputError
from handoff.core.records import Adr, AdrLink, Problem, Section

ADR_DIRS = (
    "doc/adr", "docs/adr", "docs/decisions", "docs/architecture-decisions", "adr", "docs/architecture/decisions",
)
MARKDOWN_SUFFIXES = (".md", ".markdown")
NOT_ADR_STEMS = ("readme", "index", "toc", "_index", "_sidebar", "template")
FRONT_MATTER_KEYS = ("status", "date", "deciders", "decision-makers", "consulted", "informed")
MADR_HEADINGS = ("context and problem statement", "considered options", "decision outcome", "decision drivers")
NYGARD_HEADINGS = ("status", "context", "decision", "consequences")
LINK_KINDS = {
    "supersedes": "supersedes", "supercedes": "supersedes",
    "superseded by": "superseded_by", "superceded by": "superseded_by",
    "amends": "amends", "amended by": "amended_by",
}
STATUS_SPELLINGS = {"superceded": "superseded"}  # adr-tools writes "Superceded by"

META_LINE = re.compile(
    r"^\s*(?P<bullet>[-*+]\s+)?(?:\*\*)?(?P<key>status|date|deciders|decision-makers|tags)(?:\*\*)?\s*:"
    r"(?:\*\*)?\s*(?P<value>.*?)\s*$",
    re.IGNORECASE,
)
MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\((?P<href>[^)\s]+)\)")
BARE_LINK = re.compile(
    r"\b(?P<verb>supersedes|supercedes|superseded by|superceded by|amends|amended by)\s+"
    r"(?P<target>[\w./-]+\.md|(?:ADR[-_ ]?)?\d+)\b",
    re.IGNORECASE,
)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
NUMBERED_NAME = re.compile(r"^(\d{1,5})[-_ .]")
DATED_NAME = re.compile(r"^(\d{4})(\d{2})(\d{2})-")
NUMBERED_TITLE = re.compile(r"^(?:ADR[-_ ]?(\d+)[.:]?|(\d+)[.:])\s+(.*)$", re.IGNORECASE)
ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
DAY_FIRST_DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")  # adr-tools before it moved to ISO 8601


class Heading(NamedTuple):
    level: int
    line: int  # 0-based, in the whole file
    inline: Token  # markdown-it's inline token: the heading's words


class AdrFormatError(InputError):
    """An ADR that cannot be read (broken front matter, no title); `problem` says where."""

    code = "bad_adr"

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def find_adr_paths(paths: list[str], adr_dir: str | None = None, globs: Sequence[str] = ()) -> list[str]:
    """The Markdown files among `paths` that sit in an ADR folder or match one of `globs`.

    ADR folders are the usual ones (`doc/adr`, `docs/decisions`, ...) at any depth, so each package
    of a monorepo counts, plus `adr_dir`, the content of the repository's `.adr-dir`. Index,
    README and template files are left out; AsciiDoc and reStructuredText ADRs are not read.
    """
    folders = [folder for folder in (*ADR_DIRS, _clean_dir(adr_dir or "")) if folder]
    found = set()
    for path in paths:
        pure = PurePosixPath(path)
        if pure.suffix.lower() not in MARKDOWN_SUFFIXES or _is_index_or_template(pure.stem):
            continue
        if any(_under(pure.parent, folder) for folder in folders) or any(fnmatch(path, g) for g in globs):
            found.add(path)
    return sorted(found)


def parse_adr(path: str, text: str) -> Adr | None:
    """Read one ADR; None when the file has no ADR shape (a README, a guide beside the records).

    Raises AdrFormatError, carrying a `Problem(source=path, where="line N", ...)`, when the file
    looks like an ADR but cannot be read: front matter that is not valid YAML or not closed, or
    no title. The caller reports the problem and goes on with the next file.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    front, offset = _front_matter(path, text)
    lines = text.split("\n")
    headings = _headings("\n".join(lines[offset:]), offset)
    title_heading = next((h for h in headings if h.level == 1), None)
    preamble = _preamble(lines, headings, offset, title_heading)
    meta = {m["key"].lower(): m for m in map(META_LINE.match, preamble) if m and m["value"]}
    sections = _sections(lines, headings)
    fmt = _format(path, front, meta, {_heading_text(h).lower() for h in headings if h.level >= 2})
    if fmt is None:
        return None
    raw_title = _heading_text(title_heading) if title_heading else str(front.get("title") or "")
    if not raw_title:
        raise AdrFormatError(Problem(path, f"line {offset + 1}", "no title: an ADR starts with a '# Title' heading"))
    number, title = _number_and_title(path, raw_title)
    status_lines = _status_lines(front, meta, sections)
    return Adr(
        path=path,
        number=number,
        title=title,
        status=_normalise_status(status_lines[0] if status_lines else ""),
        date=_iso_date(front.get("date") or _meta_value(meta, "date")) or _date_from_name(path),
        deciders=_deciders(front, meta),
        links=_status_links(status_lines) + _links_section(sections),
        sections=sections,
        format=fmt,
    )


def _clean_dir(adr_dir: str) -> str:
    return adr_dir.strip().removeprefix("./").strip("/")


def _under(parent: PurePosixPath, folder: str) -> bool:
    """True when `folder` (one or more path parts) appears in `parent` as whole parts."""
    want, parts = PurePosixPath(folder).parts, parent.parts
    return any(parts[i:i + len(want)] == want for i in range(len(parts) - len(want) + 1))


def _is_index_or_template(stem: str) -> bool:
    stem = stem.lower()
    return stem in NOT_ADR_STEMS or "template" in stem


def _front_matter(path: str, text: str) -> tuple[dict, int]:
    """The YAML front matter as a dict, and how many lines it takes (0 without front matter)."""
    if not text.startswith("---\n"):
        return {}, 0
    lines = text.split("\n")
    end = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")), None)
    if end is None:
        raise AdrFormatError(Problem(path, "line 1", "front matter opened with '---' is never closed"))
    try:
        data = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}" if mark else "line 1"
        raise AdrFormatError(Problem(path, where, f"front matter is not valid YAML: {_yaml_reason(exc)}")) from None
    if data is not None and not isinstance(data, dict):
        raise AdrFormatError(Problem(path, "line 2", "front matter is not a mapping of keys to values"))
    return {str(k).lower(): v for k, v in (data or {}).items()}, end + 1


def _yaml_reason(exc: yaml.YAMLError) -> str:
    return str(getattr(exc, "problem", None) or exc).strip()


def _headings(body: str, offset: int) -> list[Heading]:
    tokens = MarkdownIt("commonmark").parse(body)
    return [
        Heading(int(tok.tag[1]), tok.map[0] + offset, tokens[i + 1])
        for i, tok in enumerate(tokens)
        if tok.type == "heading_open" and tok.map
    ]


def _heading_text(heading: Heading) -> str:
    """The heading's words, without the `<!-- optional -->` comments MADR templates leave there."""
    parts = [c.content for c in heading.inline.children or () if c.type in ("text", "code_inline")]
    return " ".join("".join(parts).split())


def _preamble(lines: list[str], headings: list[Heading], offset: int, title: Heading | None) -> list[str]:
    """The lines between the title and the first section, where metadata bullets live."""
    start = title.line + 1 if title else offset
    end = next((h.line for h in headings if h.level >= 2 and h.line >= start), len(lines))
    return [HTML_COMMENT.sub("", line) for line in lines[start:end]]


def _sections(lines: list[str], headings: list[Heading]) -> list[Section]:
    """One section per level-2 heading, its subsections included, ending before the next one."""
    tops = [h for h in headings if h.level <= 2]
    sections = []
    for i, heading in enumerate(tops):
        if heading.level != 2:
            continue
        start = heading.line + 1
        end = tops[i + 1].line if i + 1 < len(tops) else len(lines)
        while end > start and not lines[end - 1].strip():
            end -= 1
        first = next((n for n in range(start, end) if lines[n].strip()), end)
        sections.append(Section(_heading_text(heading), "\n".join(lines[first:end]), start, max(end, start)))
    return sections


def _format(path: str, front: dict, meta: dict, names: set[str]) -> str | None:
    """Which template the file follows (`names`: its lower-case section headings), or None when
    it has no ADR shape at all."""
    if any(key in front for key in FRONT_MATTER_KEYS):
        return "madr4" if "decision-makers" in front or "confirmation" in names else "madr3"
    if any(m["bullet"] for m in meta.values()):
        dated = DATED_NAME.match(PurePosixPath(path).name)
        return "log4brains" if dated or "tags" in meta else "madr2"
    if "status" in names or ("date" in meta and names & set(NYGARD_HEADINGS)):
        return "nygard"
    if names & set(MADR_HEADINGS):
        return _madr_version(names)
    if {"context", "decision"} <= names:
        return "nygard"
    return None


def _madr_version(names: set[str]) -> str:
    """MADR without metadata: told apart by the headings each version introduced."""
    if "confirmation" in names:
        return "madr4"
    if "validation" in names or "more information" in names:
        return "madr3"
    return "madr2"


def _number_and_title(path: str, raw_title: str) -> tuple[int | None, str]:
    numbered = NUMBERED_TITLE.match(raw_title)
    title = numbered.group(3) if numbered else raw_title
    from_name = NUMBERED_NAME.match(PurePosixPath(path).name)
    if from_name:
        return int(from_name.group(1)), title
    if numbered:
        return int(numbered.group(1) or numbered.group(2)), title
    return None, title


def _meta_value(meta: dict, key: str) -> str:
    match = meta.get(key)
    return match["value"] if match else ""


def _status_lines(front: dict, meta: dict, sections: list[Section]) -> list[str]:
    """The status statement first, then any further statements (adr-tools' link paragraphs)."""
    if front.get("status"):
        return [str(front["status"])]
    if "status" in meta:
        return [meta["status"]["value"]]
    section = next((s for s in sections if s.heading.lower() == "status"), None)
    if section is None:
        return []
    paragraphs = re.split(r"\n\s*\n", HTML_COMMENT.sub("", section.text))
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _normalise_status(statement: str) -> str:
    """The first word of the status, lower case, adr-tools' "Superceded" spelled right."""
    words = re.findall(r"[A-Za-z_-]+", MD_LINK.sub(" ", statement))
    if not words:
        return ""
    first = words[0].lower()
    return STATUS_SPELLINGS.get(first, first)


def _iso_date(value: object) -> str | None:
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value or "")
    if match := ISO_DATE.search(text):
        return _valid_date(*match.groups())
    if match := DAY_FIRST_DATE.search(text):
        day, month, year = match.groups()
        return _valid_date(year, month, day)
    return None


def _valid_date(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _date_from_name(path: str) -> str | None:
    dated = DATED_NAME.match(PurePosixPath(path).name)
    return _valid_date(*dated.groups()) if dated else None


def _deciders(front: dict, meta: dict) -> list[str]:
    value = (
        front.get("decision-makers") or front.get("deciders")
        or _meta_value(meta, "deciders") or _meta_value(meta, "decision-makers")
    )
    items = value if isinstance(value, list) else re.split(r"[,;]", str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _status_links(statements: list[str]) -> list[AdrLink]:
    """Links in the status: the status line speaks only of supersession and amendment, later
    statements (adr-tools' `-l TARGET:Clarifies:Clarified by`) may name any relation."""
    links = []
    for i, statement in enumerate(statements):
        links += _links_in(statement, any_verb=i > 0)
    return links


def _links_section(sections: list[Section]) -> list[AdrLink]:
    """MADR 2 and log4brains keep links as `* Refined by [ADR-0005](0005-example.md)` bullets."""
    section = next((s for s in sections if s.heading.lower() == "links"), None)
    if section is None:
        return []
    items = re.findall(r"^\s*[-*+]\s+(.*)$", HTML_COMMENT.sub("", section.text), re.MULTILINE)
    return [link for item in items for link in _links_in(item, any_verb=True)]


def _links_in(statement: str, any_verb: bool) -> list[AdrLink]:
    """`Verb [text](target)` pairs in one statement; bare `superseded by ADR-0123` when there are none."""
    links, start = [], 0
    for match in MD_LINK.finditer(statement):
        kind = _relation(" ".join(re.findall(r"[a-z]+", statement[start:match.start()].lower())))
        start = match.end()
        if kind or (any_verb and _is_local(match["href"])):
            links.append(AdrLink(kind or "relates_to", match["href"]))
    if links:
        return links
    bare = BARE_LINK.finditer(statement)
    return [AdrLink(LINK_KINDS[" ".join(m["verb"].lower().split())], m["target"]) for m in bare]


def _relation(words: str) -> str | None:
    """The kind named by the words just before a link: `accepted superseded by` -> superseded_by."""
    for phrase, kind in LINK_KINDS.items():
        if words == phrase or words.endswith(" " + phrase):
            return kind
    return None


def _is_local(href: str) -> bool:
    """A link to another file of the repository, as links between ADRs are; not a web page."""
    return "://" not in href and not href.startswith(("#", "mailto:"))
