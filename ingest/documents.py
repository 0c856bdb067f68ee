"""Everything indexed, as LlamaIndex Documents with stable ids and a version.

    code / doc   {repo}:{path}            version: blob id and whether the path is an ADR candidate
    adr          {repo}:{path}            (the same: one document per file, its kind says adr)
    history      history:{repo}:{path}    version: digest of the commits that touched the file
    ticket       ticket:{KEY}             version: digest of the ticket record

The version decides whether a document is built and embedded again; metadata that changes
without the text (owners, statuses) is added to chunks later and left out of the id and hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from handoff.core.records import Adr, Ticket
from handoff.ingest.sources.content import FileText

if TYPE_CHECKING:
    from llama_index.core import Document

EMBEDDED_KEYS = ("path", "title", "symbol", "key")


@dataclass
class HistoryEntry:
    sha: str
    author: str
    authored_at: str
    message: str


def file_document(repo: str, text: FileText, adr: Adr | None, adr_candidate: bool) -> Document:
    version = file_version(text.blob, adr_candidate)
    if adr is not None:
        return _document(f"{repo}:{text.path}", text.text, version, kind="adr", repo=repo, path=text.path,
                         language="markdown", title=adr.title, adr_status=adr.status,
                         adr_number=adr.number if adr.number is not None else -1)
    return _document(f"{repo}:{text.path}", text.text, version, kind=text.kind, repo=repo, path=text.path,
                     language=text.language or "text")


def file_version(blob: str, adr_candidate: bool) -> str:
    """Changes with the content, and with the ADR folders setting that decides how a file is read."""
    return f"{blob}:{'adr' if adr_candidate else 'file'}"


def history_document(repo: str, path: str, entries: list[HistoryEntry]) -> Document:
    """Commit messages of one file, newest first: what answers 'why was this changed'."""
    blocks = [f"{e.authored_at[:10]} {e.sha[:10]} {e.author}: {e.message}" for e in reversed(entries)]
    text = f"Change history of {path}\n\n" + "\n\n".join(blocks)
    return _document(f"history:{repo}:{path}", text, history_version(entries), kind="history", repo=repo,
                     path=path, language="text", title=f"History of {path}")


def history_version(entries: list[HistoryEntry]) -> str:
    return _digest([e.sha for e in entries])


def ticket_document(ticket: Ticket, repo: str = "") -> Document:
    facts = [f"Status: {ticket.status or ticket.state}."]
    if ticket.type:
        facts.append(f"Type: {ticket.type}.")
    if ticket.labels:
        facts.append(f"Labels: {', '.join(ticket.labels)}.")
    lines = [f"{ticket.key}: {ticket.title}", "", " ".join(facts), "", ticket.body.strip()]
    for comment in ticket.comments:
        who = comment.author.name or comment.author.email or "someone"
        when = comment.created.date().isoformat() if comment.created else ""
        lines += ["", f"Comment by {who} {when}:".replace("  ", " "), comment.body.strip()]
    return _document(f"ticket:{ticket.key}", "\n".join(lines).strip() + "\n", ticket_version(ticket), kind="ticket",
                     repo=repo, path=ticket.key, language="text", title=ticket.title, key=ticket.key,
                     url=ticket.url, state=ticket.state)


def ticket_version(ticket: Ticket) -> str:
    return _digest(asdict(ticket))


def _document(doc_id: str, text: str, version: str, **metadata) -> Document:
    from llama_index.core import Document  # versions are needed without the index stack, documents are not

    metadata["version"] = version
    document = Document(id_=doc_id, text=text, metadata=metadata)
    document.excluded_embed_metadata_keys = [k for k in metadata if k not in EMBEDDED_KEYS]
    document.excluded_llm_metadata_keys = list(document.excluded_embed_metadata_keys)
    return document


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=_json_default).encode()).hexdigest()[:20]


def _json_default(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(type(value).__name__)
