"""Files written once, as they read at HEAD, that can say how they read at any earlier commit.

A source's text is cut into blocks by marker lines, each naming a commit of the timeline:

    @@ cart              the lines below first appear in commit `cart`
    @@ > promo-fix       ... and the lines below replace the block above in commit `promo-fix`
    @@ > cleanup         (a version with no lines deletes the block)

So one template holds a file's whole history at the granularity blame cares about: who wrote
which lines, and who changed them later. Whatever else changes a file over time (a move, a
dependency version, an import path renamed elsewhere, the quote style before the bulk reformat)
is applied when a version is rendered, by `History.render`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = "@@ "
PLACEHOLDER = re.compile(r"%%(ver|hash|sri|sha):([\w.@/-]+)%%")


@dataclass
class Block:
    """Consecutive lines of a file and the commits that wrote them: [(commit key, text)], oldest first."""

    versions: list[tuple[str, str | bytes]]

    def at(self, position: int, index: dict[str, int]) -> str | bytes | None:
        """The text this block has after the commit at `position`, or None before it exists."""
        current = None
        for key, text in self.versions:
            if index[key] > position:
                break
            current = text
        return current


@dataclass
class Source:
    """One file of the repository: its path at HEAD, its blocks and the moves it went through."""

    path: str
    blocks: list[Block]
    moves: list[tuple[str, str]] = field(default_factory=list)  # (commit key, path before that commit)

    @property
    def binary(self) -> bool:
        return any(isinstance(text, bytes) for b in self.blocks for _, text in b.versions)

    @property
    def text(self) -> str:
        """Every version of every block, for finding what the file mentions (placeholders, imports)."""
        return "".join(text for b in self.blocks for _, text in b.versions if isinstance(text, str))

    def keys(self) -> set[str]:
        return {key for b in self.blocks for key, _ in b.versions} | {key for key, _ in self.moves}

    def path_at(self, position: int, index: dict[str, int]) -> str:
        for key, before in sorted(self.moves, key=lambda m: index[m[0]]):
            if position < index[key]:
                return before
        return self.path


def source(path: str, template: str, moves: list[tuple[str, str]] | None = None) -> Source:
    """A text file from its template (see the module docstring)."""
    return Source(path, parse_blocks(path, template), list(moves or []))


def binary_source(path: str, key: str, data: bytes) -> Source:
    return Source(path, [Block([(key, data)])])


def parse_blocks(path: str, template: str) -> list[Block]:
    blocks: list[Block] = []
    lines: list[str] | None = None
    for line in template.lstrip("\n").splitlines(keepends=True):
        if line.startswith(MARKER):
            key = line[len(MARKER):].strip()
            lines = []
            if key.startswith(">"):
                if not blocks:
                    raise ValueError(f"{path}: '@@ {key}' replaces a block, but no block comes before it")
                blocks[-1].versions.append((key[1:].strip(), lines))
            else:
                blocks.append(Block([(key, lines)]))
        elif lines is None:
            raise ValueError(f"{path}: the template must start with an '@@ commit-key' line")
        else:
            lines.append(line)
    for block in blocks:
        block.versions = [(key, "".join(text)) for key, text in block.versions]
    return blocks
