"""Documents into chunks: the pipeline's first transformation.

Code is split by syntax, Markdown and ADRs by section, tickets and history by paragraph (the
chunking module decides). Chunk ids are `{document id}#{n}`, so the same content always gives
the same ids and a repeated run replaces chunks instead of adding new ones. Each chunk of a
file also carries the file's primary owner as the facts store knew it at ingest time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from llama_index.core.node_parser import NodeParser
from llama_index.core.schema import BaseNode, NodeRelationship, TextNode

from handoff.index.chunking import chunk_file

LANGUAGE_BY_KIND = {"adr": "markdown", "ticket": "text", "history": "text"}


class ChunkSplitter(NodeParser):
    """Splits each document with `chunk_file`; `owners` maps (repo, path) to owner metadata."""

    owners: dict = {}
    include_prev_next_rel: bool = False

    def _parse_nodes(self, nodes: Sequence[BaseNode], show_progress: bool = False, **kwargs: Any) -> list[BaseNode]:
        chunks: list[BaseNode] = []
        for document in nodes:
            chunks.extend(self._split(document))
        return chunks

    def _split(self, document: BaseNode) -> list[TextNode]:
        meta = document.metadata
        language = LANGUAGE_BY_KIND.get(meta["kind"], meta.get("language"))
        owner = self.owners.get((meta.get("repo"), meta.get("path")), {})
        nodes = []
        for n, chunk in enumerate(chunk_file(meta["path"], document.get_content(), language)):
            node = TextNode(
                id_=f"{document.id_}#{n}",
                text=chunk.text,
                metadata={**meta, **owner, "start_line": chunk.start_line, "end_line": chunk.end_line,
                          "symbol": chunk.symbol or ""},
                excluded_embed_metadata_keys=[*document.excluded_embed_metadata_keys, "start_line", "end_line",
                                              *owner],
                excluded_llm_metadata_keys=[*document.excluded_llm_metadata_keys, *owner],
                relationships={NodeRelationship.SOURCE: document.as_related_node_info()},
            )
            nodes.append(node)
        return nodes
