"""Atlassian Document Format (Jira Cloud REST v3 descriptions and comments) as plain text.

Paragraphs and headings become lines separated by a blank line, lists `- item` / `1. item` with
nested lists indented, code blocks their code, mentions their `@Name`, hard breaks a newline, and
a link its text followed by the address. Media has no text and is left out; a node type this
reader does not know still gives the text of its children, so new node types lose no words.
"""

from __future__ import annotations

from datetime import UTC, datetime

LISTS = ("bulletList", "orderedList", "taskList", "decisionList")
SILENT = ("mediaSingle", "mediaGroup", "media", "mediaInline", "placeholder", "extension", "bodiedExtension")
INLINE = ("text", "hardBreak", "mention", "emoji", "inlineCard", "status", "date", "mediaInline", "placeholder")


def adf_to_text(doc: dict) -> str:
    return _block(doc).strip()


def _children(node: dict) -> list[dict]:
    return [child for child in node.get("content") or () if isinstance(child, dict)]


def _attrs(node: dict) -> dict:
    return node.get("attrs") or {}


def _block(node: dict) -> str:
    kind = node.get("type")
    if kind in SILENT:
        return ""
    if kind in LISTS:
        return _list(node)
    if kind == "codeBlock":
        return "".join(child.get("text", "") for child in _children(node))
    if kind == "blockquote":
        return "\n".join(f"> {line}".rstrip() for line in _blocks(node).split("\n"))
    if kind == "rule":
        return "---"
    if kind == "tableRow":
        return " | ".join(_blocks(cell).replace("\n\n", " ") for cell in _children(node))
    if kind not in INLINE:
        return _blocks(node, "\n" if kind == "table" else "\n\n")
    return _inline(node)


def _blocks(node: dict, separator: str = "\n\n") -> str:
    children = _children(node)
    if children and all(child.get("type") in INLINE for child in children):
        return "".join(_inline(child) for child in children)
    return separator.join(text for text in map(_block, children) if text)


def _list(node: dict) -> str:
    start = _attrs(node).get("order", 1)
    lines = []
    for i, item in enumerate(_children(node)):
        first, *rest = _blocks(item, "\n").split("\n")
        lines.append(f"{_marker(node, item, start + i)} {first}")
        lines += [f"  {line}" if line else line for line in rest]
    return "\n".join(lines)


def _marker(node: dict, item: dict, number: int) -> str:
    if node.get("type") == "orderedList":
        return f"{number}."
    if node.get("type") == "taskList":
        return "- [x]" if _attrs(item).get("state") == "DONE" else "- [ ]"
    return "-"


def _inline_of(node: dict) -> str:
    return "".join(_inline(child) for child in _children(node))


def _inline(node: dict) -> str:
    kind, attrs = node.get("type"), _attrs(node)
    if kind == "text":
        return _text(node)
    if kind == "hardBreak":
        return "\n"
    if kind == "mention":
        return attrs.get("text") or f"@{attrs.get('id', '')}"
    if kind == "emoji":
        return attrs.get("text") or attrs.get("shortName", "")
    if kind in ("inlineCard", "blockCard", "embedCard"):
        return attrs.get("url", "")
    if kind == "status":
        return attrs.get("text", "")
    if kind == "date":
        return _date(attrs.get("timestamp"))
    if kind in SILENT:
        return ""
    return _inline_of(node)


def _text(node: dict) -> str:
    text = node.get("text", "")
    for mark in node.get("marks") or ():
        href = (mark.get("attrs") or {}).get("href") if mark.get("type") == "link" else None
        if href and href != text:
            return f"{text} ({href})"
    return text


def _date(timestamp: object) -> str:
    try:
        return datetime.fromtimestamp(int(str(timestamp)) / 1000, UTC).date().isoformat()
    except (TypeError, ValueError):
        return ""

