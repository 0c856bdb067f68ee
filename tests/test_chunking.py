"""Chunking: exact line ranges on every kind of file, symbols from the syntax tree, heading
paths for docs, line windows when there is no syntax to follow, and file detection."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest

from handoff.core.records import Chunk
from handoff.index.chunking import MAX_CHARS, chunk_file, detect_language, embedding_text, is_lfs_pointer, is_text
from handoff.index.chunking.grammars import GRAMMARS, Grammar, grammar_for

FIXTURES = Path(__file__).parent / "fixtures" / "chunking"
SMALL = 250  # small enough that each method of the fixtures gets a chunk of its own

FILES = {
    "cart.py": "python",
    "cart.js": "javascript",
    "cart.ts": "typescript",
    "checkout.tsx": "tsx",
    "cart.go": "go",
    "Cart.java": "java",
    "deploy": "bash",
    "Makefile": "makefile",
    "broken.py": "python",
    "guide.md": "markdown",
    "guide.rst": "rst",
    "notes.txt": "text",
    "real/code_splitter.py": "python",
    "real/which.js": "javascript",
    # grammars beyond the required ones; their files fall back to windows without the wheel
    "cart.rs": "rust",
    "cart.c": "c",
    "cart.cpp": "cpp",
    "Cart.cs": "csharp",
    "cart.rb": "ruby",
}
DOCS = ("markdown", "rst", "text")


def read(name: str) -> str:
    return (FIXTURES / name).read_text()


def chunks_of(name: str, max_chars: int = SMALL) -> list[Chunk]:
    return chunk_file(name, read(name), max_chars=max_chars)


def symbol_at(chunks: list[Chunk], text: str, line_text: str) -> str | None:
    """The symbol of the chunk holding the line that contains `line_text`."""
    number = next(n for n, line in enumerate(text.split("\n"), 1) if line_text in line)
    return next(c.symbol for c in chunks if c.start_line <= number <= c.end_line)


def assert_exact(chunks: list[Chunk], text: str, overlapping: bool = False) -> None:
    """Each chunk is exactly its lines of the file, in order, and every non-blank line is in one."""
    lines = text.split("\n")
    covered: set[int] = set()
    for before, chunk in zip([None, *chunks[:-1]], chunks, strict=True):
        assert 1 <= chunk.start_line <= chunk.end_line <= len(lines)
        assert chunk.text == "\n".join(lines[chunk.start_line - 1 : chunk.end_line])
        assert chunk.text.strip() and lines[chunk.start_line - 1].strip() and lines[chunk.end_line - 1].strip()
        if before is not None:
            assert chunk.start_line > (before.start_line if overlapping else before.end_line)
        covered.update(range(chunk.start_line, chunk.end_line + 1))
    assert {n for n, line in enumerate(lines, 1) if line.strip()} <= covered


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("max_chars", [SMALL, MAX_CHARS])
def test_every_chunk_is_exactly_its_lines(name: str, max_chars: int) -> None:
    text = read(name)
    chunks = chunk_file(name, text, max_chars=max_chars)
    assert chunks and all(chunk.language == FILES[name] for chunk in chunks)
    by_structure = FILES[name] in DOCS or (grammar_for(FILES[name]) is not None and name != "broken.py")
    assert_exact(chunks, text, overlapping=not by_structure)


@pytest.mark.parametrize("name", sorted(FILES))
def test_the_language_comes_from_the_name_or_the_shebang(name: str) -> None:
    assert detect_language(name, read(name)) == FILES[name]


@pytest.mark.parametrize(
    ("name", "line", "symbol"),
    [
        ("cart.py", "class Cart:", "Cart"),
        ("cart.py", "for existing in self.items:", "Cart.add_item"),
        ("cart.py", "# Adding the same SKU twice", "Cart.add_item"),
        ("cart.py", "@property", "Cart.subtotal"),
        ("cart.py", "return amount * (1 + TAX_RATE)", "Cart.total"),
        ("cart.py", "def checkout(cart: Cart)", "checkout"),
        ("cart.py", "@dataclass", "Item"),
        ("cart.js", "addItem(item) {", "Cart.addItem"),
        ("cart.js", "get total() {", "Cart.total"),
        ("cart.js", "export async function checkout", "checkout"),
        ("cart.ts", "addItem(item: Item): this {", "Cart.addItem"),
        ("cart.ts", "total(): number {", "Cart.total"),
        ("checkout.tsx", "export function CheckoutButton", "CheckoutButton"),
        ("cart.go", "func (c *Cart) AddItem(item Item) {", "Cart.AddItem"),
        ("cart.go", "// AddItem adds an item", "Cart.AddItem"),
        ("cart.go", "func (c Cart) Total() int {", "Cart.Total"),
        ("cart.go", "func Checkout(c *Cart)", "Checkout"),
        ("Cart.java", "public void addItem(Item item) {", "Cart.addItem"),
        ("Cart.java", "public BigDecimal total() {", "Cart.total"),
        ("Cart.java", "public record Line", "Cart.Line"),
        ("deploy", "release() {", "release"),
        ("real/code_splitter.py", "def split_text(self, text: str)", "CodeSplitter.split_text"),
        ("real/which.js", "const whichSync = (cmd, opt = {}) => {", "whichSync"),
    ],
)
def test_code_chunks_name_their_enclosing_symbol(name: str, line: str, symbol: str) -> None:
    assert symbol_at(chunks_of(name), read(name), line) == symbol


@pytest.mark.parametrize(
    ("name", "line", "symbol"),
    [
        ("cart.rs", "pub fn total(&self) -> u64 {", "Cart.total"),
        ("cart.rs", "impl fmt::Display for Cart {", "Cart"),
        ("cart.c", "struct cart *cart_new(size_t capacity) {", "cart_new"),
        ("cart.cpp", "int Cart::total() const {", "shop.Cart::total"),
        ("Cart.cs", "public void AddItem(Item item)", "Shop.Cart.AddItem"),
        ("cart.rb", "def add_item(item)", "Shop.Cart.add_item"),
    ],
)
def test_more_grammars_when_their_wheels_are_installed(name: str, line: str, symbol: str) -> None:
    pytest.importorskip(GRAMMARS[FILES[name]].module)
    assert symbol_at(chunks_of(name), read(name), line) == symbol


def test_module_level_code_has_no_symbol() -> None:
    assert symbol_at(chunks_of("cart.py"), read("cart.py"), "from decimal import Decimal") is None


def test_a_comment_above_a_definition_stays_with_it() -> None:
    chunks = chunks_of("cart.go")
    [chunk] = [c for c in chunks if "func (c *Cart) AddItem" in c.text]
    assert chunk.text.startswith("// AddItem adds an item")


def test_code_chunks_stay_near_the_size_limit() -> None:
    chunks = chunks_of("real/code_splitter.py", MAX_CHARS)
    assert len(chunks) > 5
    assert max(len(chunk.text) for chunk in chunks) <= 1.5 * MAX_CHARS


def test_a_syntax_error_falls_back_to_line_windows() -> None:
    text = read("broken.py")
    chunks = chunk_file("broken.py", text, max_chars=60)
    assert len(chunks) > 1 and all(chunk.symbol is None for chunk in chunks)
    assert_exact(chunks, text, overlapping=True)


def test_a_missing_grammar_wheel_falls_back_to_line_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(GRAMMARS, "python", Grammar("tree_sitter_not_installed", "language", frozenset()))
    text = read("cart.py")
    chunks = chunk_file("cart.py", text, max_chars=SMALL)
    assert len(chunks) > 1 and all(chunk.symbol is None and chunk.language == "python" for chunk in chunks)
    assert_exact(chunks, text, overlapping=True)


def test_an_empty_file_has_no_chunks() -> None:
    assert chunk_file("empty.py", "") == []
    assert chunk_file("blank.md", "\n\n") == []


def test_threads_chunk_alike() -> None:
    names = [name for name in FILES if FILES[name] not in DOCS] * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(chunks_of, names))
    assert results == [chunks_of(name) for name in names]


def test_an_unknown_language_falls_back_to_line_windows() -> None:
    text = "\n".join(f"record {n}: value {n * 7}" for n in range(1, 201))
    chunks = chunk_file("data.xyz", text)
    assert detect_language("data.xyz", text) is None
    assert len(chunks) > 3 and all(chunk.language is None and chunk.symbol is None for chunk in chunks)
    assert all(chunk.end_line - chunk.start_line < 60 and len(chunk.text) <= MAX_CHARS for chunk in chunks)
    assert all(b.start_line <= a.end_line + 1 and a.end_line - b.start_line < 10 for a, b in pairwise(chunks))
    assert_exact(chunks, text, overlapping=True)


def test_a_line_longer_than_the_limit_is_never_cut() -> None:
    long_line = "x" * (3 * MAX_CHARS)
    text = f"first\n{long_line}\nlast"
    chunks = chunk_file("data.xyz", text)
    assert [chunk.text for chunk in chunks] == ["first", long_line, "last"]


def test_windows_overlap_by_ten_lines_and_hold_sixty_at_most() -> None:
    text = "\n".join(f"{n}" for n in range(1, 151))
    chunks = chunk_file("numbers.dat", text)
    assert [(c.start_line, c.end_line) for c in chunks] == [(1, 60), (51, 110), (101, 150)]


def test_windows_on_yaml_and_json() -> None:
    text = "\n".join(f"key{n}: value{n}" for n in range(1, 120))
    chunks = chunk_file("config.yaml", text)
    assert len(chunks) > 1 and all(chunk.language == "yaml" for chunk in chunks)
    assert_exact(chunks, text, overlapping=True)


def test_markdown_sections_keep_their_heading_path() -> None:
    text = read("guide.md")
    sections = {(c.start_line, c.end_line): c.symbol for c in chunk_file("guide.md", text)}
    assert sections == {
        (1, 4): None,  # front matter
        (6, 8): "Shop",
        (10, 20): "Shop > Install > Linux",  # "## Install" has no text of its own
        (22, 24): "Shop > Install > macOS",
        (26, 31): "Shop > Run locally",
        (33, 36): "Shop > Setext heading",
    }


def test_a_hash_in_a_code_fence_is_not_a_heading() -> None:
    chunks = chunk_file("guide.md", read("guide.md"))
    assert not any(chunk.symbol and "comment" in chunk.symbol for chunk in chunks)


def test_a_long_markdown_section_is_split_between_paragraphs() -> None:
    paragraphs = [f"Paragraph {n} " + "words " * 30 for n in range(1, 9)]
    text = "# Handbook\n\n## Payments\n\n" + "\n\n".join(paragraphs) + "\n"
    chunks = chunk_file("handbook.md", text, max_chars=500)
    assert len(chunks) > 2 and {chunk.symbol for chunk in chunks} == {"Handbook > Payments"}
    assert all(chunk.text.startswith(("# Handbook", "Paragraph")) for chunk in chunks)
    assert_exact(chunks, text)


def test_rst_sections_follow_their_underlines() -> None:
    text = read("guide.rst")
    sections = [(c.start_line, c.end_line, c.symbol) for c in chunk_file("guide.rst", text)]
    assert sections == [
        (1, 5, "Shop handbook"),
        (7, 10, "Shop handbook > Architecture"),
        (12, 16, "Shop handbook > Architecture > Payments"),
        (18, 21, "Shop handbook > Architecture > Refunds"),
        (23, 30, "Shop handbook > Operations"),
    ]


def test_plain_text_is_split_by_underlined_titles_and_paragraphs() -> None:
    text = read("notes.txt")
    chunks = chunk_file("notes.txt", text, max_chars=80)
    assert [(c.start_line, c.end_line, c.symbol) for c in chunks] == [
        (1, 4, "Release notes"),
        (6, 6, "Release notes"),
        (8, 11, "Release notes > Known issues"),
    ]


def test_windows_crlf_files_keep_their_line_numbers() -> None:
    text = read("cart.py")
    unix = chunk_file("cart.py", text)
    windows = chunk_file("cart.py", text.replace("\n", "\r\n"))
    assert [(c.start_line, c.end_line, c.symbol) for c in windows] == [
        (c.start_line, c.end_line, c.symbol) for c in unix
    ]


def test_the_embedding_text_starts_with_path_and_symbol() -> None:
    chunk = Chunk(text="def add_item(self, item):\n    ...", start_line=25, end_line=26, symbol="Cart.add_item")
    assert embedding_text(chunk, "shop/cart.py") == "shop/cart.py: Cart.add_item\ndef add_item(self, item):\n    ..."
    assert embedding_text(Chunk(text="x = 1", start_line=1, end_line=1), "a.py") == "a.py\nx = 1"


@pytest.mark.parametrize(
    ("path", "text", "language"),
    [
        ("src/app/main.py", "", "python"),
        ("web/App.tsx", "", "tsx"),
        ("web/index.mjs", "", "javascript"),
        ("Makefile", "", "makefile"),
        ("GNUmakefile", "", "makefile"),
        ("docker/Dockerfile", "", "dockerfile"),
        ("Dockerfile.dev", "", "dockerfile"),
        ("Jenkinsfile", "", "groovy"),
        ("home/.bashrc", "", "bash"),
        ("docs/README", "", "text"),
        ("docs/index.rst", "", "rst"),
        ("deploy/.env.production", "", "dotenv"),
        ("bin/serve", "#!/usr/bin/env python3\nimport sys\n", "python"),
        ("bin/backup", "#!/bin/bash\nset -e\n", "bash"),
        ("bin/sync", "#!/bin/sh\n", "bash"),
        ("bin/build", "#!/usr/bin/env -S node --no-warnings\n", "javascript"),
        ("bin/tool", "#!/usr/bin/python3.11 -u\n", "python"),
        ("bin/notes", "just some words\n", None),
        ("data/blob.xyz", "", None),
    ],
)
def test_detect_language(path: str, text: str, language: str | None) -> None:
    assert detect_language(path, text) == language


def test_binary_and_text_detection() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert not is_text(png)
    assert is_text("Grüße aus Köln\n".encode())
    assert is_text("Grüße aus Köln\n".encode("latin-1"))
    assert not is_text(bytes(range(1, 32)) * 100)
    assert is_text("“Smart quotes” in Windows-1252\n".encode("cp1252"))
    assert is_text(b"\x1b[32mok\x1b[0m build passed\n" * 50)  # a log with colours


def test_lfs_pointer_detection() -> None:
    pointer = (
        b"version https://git-lfs.github.com/spec/v1\n"
        b"oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
        b"size 12345\n"
    )
    assert is_lfs_pointer(pointer)
    assert not is_lfs_pointer(b"version 1.2.3\nsize 5\n")
    assert not is_lfs_pointer(pointer + b"x" * 2000)
