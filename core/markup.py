"""Third-party text inside the Markdown and HTML Handoff writes: shown as text, never run or followed.

Ticket titles and bodies, ADRs, READMEs, docstrings, author names and file names are written by
people outside the organisation, and the Markdown that quotes them is opened in viewers that
render raw HTML and follow autolinks. So every Markdown document leaves through `markdown_text`:
`<` and `>` become entities (no tag, no `<javascript:...>` autolink survives; a blockquote's
leading `>` stays), and a link whose target is not http(s) or mailto loses its link syntax. A
link Handoff itself writes goes through `safe_link` first: only http(s) with a host, or mailto.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https", "mailto")
QUOTE_MARKERS = re.compile(r"^(?: {0,3}>[ ]?)+")
INLINE_LINK = re.compile(r"\]\((?!\s*(?:https?://|mailto:|#))")
REFERENCE = re.compile(r"^( {0,3})\[(?=[^\]]*\]:\s*(?!https?://|mailto:))", re.MULTILINE)
UNSAFE_URL_CHARACTERS = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")


def safe_link(url: str | None) -> str | None:
    """`url` when a browser may follow it: http(s) with a host, or mailto; None for anything else."""
    url = (url or "").strip()
    if not url or UNSAFE_URL_CHARACTERS.search(url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in LINK_SCHEMES or (parts.scheme.lower() != "mailto" and not parts.netloc):
        return None
    return url


def markdown_text(document: str) -> str:
    """The Markdown document with no raw HTML and no links other than http(s) and mailto."""
    lines = []
    for line in document.split("\n"):
        quote = QUOTE_MARKERS.match(line)
        head = quote.group() if quote else ""
        lines.append(head + _escape_html(line[len(head):]))
    return REFERENCE.sub(r"\1\\[", INLINE_LINK.sub(r"]\\(", "\n".join(lines)))


def quoted(text: str) -> str:
    """Someone else's words, marked as theirs: in quotation marks, so that an instruction inside reads as
    what a document says, not as what Handoff says to do."""
    return f"“{text.strip()}”"


def _escape_html(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;")
