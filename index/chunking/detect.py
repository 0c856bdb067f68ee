"""What a file is, before anything reads it: text or binary, an LFS pointer, which language.

The language picks the chunker (a grammar for code, sections for docs, line windows for the
rest) and is stored with every chunk. It comes from the file name (extension, or a well-known
name such as `Makefile`), then from the shebang of a script without an extension; None when
neither tells.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

SNIFF_BYTES = 8000  # as git decides whether a file is binary
CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x1a\x1c-\x1f\x7f]")  # not tab, newlines, form feed, escape
MAX_CONTROL_SHARE = 0.01
LFS_MAX_BYTES = 1024
LFS_VERSIONS = (b"version https://git-lfs.github.com/spec/v1", b"version https://hawser.github.com/spec/v1")

EXTENSIONS = {
    "py": "python", "pyi": "python", "pyw": "python",
    "js": "javascript", "mjs": "javascript", "cjs": "javascript", "jsx": "javascript",
    "ts": "typescript", "mts": "typescript", "cts": "typescript", "tsx": "tsx",
    "go": "go", "java": "java",
    "sh": "bash", "bash": "bash", "zsh": "bash", "ksh": "bash",
    "md": "markdown", "markdown": "markdown", "mdx": "markdown",
    "rst": "rst", "txt": "text", "text": "text", "adoc": "asciidoc", "asciidoc": "asciidoc",
    "yaml": "yaml", "yml": "yaml", "json": "json", "jsonc": "json", "toml": "toml",
    "sql": "sql", "html": "html", "htm": "html", "css": "css", "scss": "scss", "less": "less",
    "xml": "xml", "ini": "ini", "cfg": "ini", "properties": "properties", "env": "dotenv",
    "mk": "makefile", "dockerfile": "dockerfile", "gradle": "groovy", "groovy": "groovy",
    "c": "c", "h": "c", "cc": "cpp", "cpp": "cpp", "cxx": "cpp", "hpp": "cpp", "hh": "cpp",
    "cs": "csharp", "rs": "rust", "rb": "ruby", "php": "php", "kt": "kotlin", "kts": "kotlin",
    "swift": "swift", "scala": "scala", "lua": "lua", "pl": "perl", "pm": "perl", "r": "r",
    "dart": "dart", "tf": "terraform", "proto": "protobuf", "graphql": "graphql", "vue": "vue",
}
NAMES = {
    "makefile": "makefile", "gnumakefile": "makefile",
    "dockerfile": "dockerfile", "containerfile": "dockerfile", "jenkinsfile": "groovy",
    ".bashrc": "bash", ".bash_profile": "bash", ".bash_login": "bash", ".bash_logout": "bash",
    ".bash_aliases": "bash", ".profile": "bash", ".zshrc": "bash", ".zprofile": "bash", ".envrc": "bash",
    ".env": "dotenv", "gemfile": "ruby", "rakefile": "ruby", "vagrantfile": "ruby",
    "cmakelists.txt": "cmake", "readme": "text", "license": "text", "licence": "text", "copying": "text",
    "authors": "text", "notice": "text", "changelog": "text", "changes": "text", "contributing": "text",
}
# `Dockerfile.dev`, `.env.local`: a well-known name with a suffix that says which variant.
NAME_PREFIXES = {"dockerfile.": "dockerfile", ".env.": "dotenv", "makefile.": "makefile"}
INTERPRETERS = {
    "python": "python", "bash": "bash", "sh": "bash", "dash": "bash", "zsh": "bash", "ksh": "bash",
    "node": "javascript", "nodejs": "javascript", "deno": "typescript", "ts-node": "typescript",
    "ruby": "ruby", "perl": "perl", "php": "php", "lua": "lua", "rscript": "r", "make": "makefile",
}
VERSION_SUFFIX = re.compile(r"[\d.]+$")


def detect_language(path: str, text: str) -> str | None:
    """The file's language by name, then by shebang; None for an unknown kind of file."""
    name = PurePosixPath(path).name.lower()
    return _by_name(name) or _by_shebang(text)


def _by_name(name: str) -> str | None:
    if name in NAMES:
        return NAMES[name]
    for prefix, language in NAME_PREFIXES.items():
        if name.startswith(prefix):
            return language
    suffix = name.rpartition(".")[2] if "." in name.lstrip(".") else ""
    return EXTENSIONS.get(suffix)


def _by_shebang(text: str) -> str | None:
    """`#!/usr/bin/env python3`, `#!/bin/bash`, `#!/usr/bin/env -S deno run` ..."""
    if not text.startswith("#!"):
        return None
    words = text[2:].partition("\n")[0].split()
    if words and PurePosixPath(words[0]).name == "env":
        words = [word for word in words[1:] if not word.startswith("-") and "=" not in word]
    if not words:
        return None
    interpreter = VERSION_SUFFIX.sub("", PurePosixPath(words[0]).name.lower())
    return INTERPRETERS.get(interpreter)


def is_text(data: bytes) -> bool:
    """True for text: no NUL in the first 8000 bytes (git's rule) and hardly any control
    characters, so that it reads as UTF-8 or as a single-byte encoding (Latin-1, Windows-1252)
    rather than as binary data that happens to hold no NUL."""
    sample = data[:SNIFF_BYTES]
    if b"\x00" in sample:
        return False
    return len(CONTROL_BYTES.findall(sample)) <= MAX_CONTROL_SHARE * len(sample)


def is_lfs_pointer(data: bytes) -> bool:
    """A Git LFS pointer file: the object lives elsewhere, the text is only its address."""
    if len(data) > LFS_MAX_BYTES or not data.startswith(LFS_VERSIONS):
        return False
    lines = data.split(b"\n")
    return any(line.startswith(b"oid sha256:") for line in lines) and any(line.startswith(b"size ") for line in lines)
