"""What documents a file: decision records, tickets, READMEs and the module's own docstring.

Retention reads no files, so the text this needs arrives as a `Documentation` record that
the assist layer fills from the search index: the text of each ADR and README, each file's
leading docstring or comment, and the lines elsewhere that name an ADR. From those and the facts:

- an ADR documents a file when its text names the file (path, dotted module, or a basename
  unique in the repository), the file's folder, or links to the file; and when the file
  itself names the ADR;
- a ticket documents a file when a commit that changed the file refers to it;
- a README documents the files of its folder and of the folders below it; the README at the
  repository root describes the whole project, so it counts for the files beside it and for
  the files whose path or folder it names;
- a file written in prose (Markdown, reStructuredText, AsciiDoc) documents itself, and an ADR
  is its own record.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from handoff.core.facts import Facts, folder_of
from handoff.core.records import ticket_order

TOKEN = re.compile(r"[A-Za-z0-9_.][\w./-]*")
README = re.compile(r"^readme(\.\w+)?$", re.IGNORECASE)
PROSE = {".md", ".markdown", ".rst", ".adoc", ".asciidoc"}


@dataclass(frozen=True)
class Reference:
    """A place that names an ADR: the line of a file where the name appears."""

    repo: str
    path: str
    line: int


@dataclass
class Documentation:
    """Text from the index that retention cannot read itself; empty when nothing is indexed."""

    adr_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    docstrings: dict[tuple[str, str], str] = field(default_factory=dict)
    adr_references: dict[tuple[str, str], list[Reference]] = field(default_factory=dict)
    readme_texts: dict[tuple[str, str], str] = field(default_factory=dict)
    indexed: bool = False


@dataclass
class FileDocs:
    adrs: list[str] = field(default_factory=list)  # ADR paths
    tickets: list[str] = field(default_factory=list)  # ticket keys
    readme: str | None = None
    docstring: str | None = None
    prose: bool = False  # the file is documentation itself (Markdown, reStructuredText, AsciiDoc)

    @property
    def documented(self) -> bool:
        return bool(self.prose or self.adrs or self.tickets or self.readme or self.docstring)


def file_docs(facts: Facts, docs: Documentation,
              areas: dict[tuple[str, str], set[str]] | None = None) -> dict[tuple[str, str], FileDocs]:
    """(repo, path) -> what documents it, for every file counted in ownership; `areas` as `adr_areas` gives."""
    adrs = _adrs_by_file(adr_areas(facts, docs) if areas is None else areas)
    tickets = tickets_by_file(facts)
    readmes = _readmes(facts)
    named = _named_by_root_readmes(facts, docs, readmes)
    own = {(a.repo, a.path) for a in facts.adrs}
    return {
        (f.repo, f.path): FileDocs(
            adrs=[f.path] if (f.repo, f.path) in own else sorted(adrs.get((f.repo, f.path), ())),
            tickets=sorted(tickets.get((f.repo, f.path), ()), key=ticket_order),
            readme=_nearest_readme(f.repo, f.path, readmes, (f.repo, f.path) in named),
            docstring=docs.docstrings.get((f.repo, f.path)),
            prose=is_prose(f.path),
        )
        for f in facts.files
    }


def adr_areas(facts: Facts, docs: Documentation) -> dict[tuple[str, str], set[str]]:
    """(repo, ADR path) -> paths of the files it documents, by what it names and what names it."""
    paths = _paths_by_repo(facts)
    adr_paths = {(a.repo, a.path) for a in facts.adrs}
    areas = {}
    for adr in facts.adrs:
        known = paths.get(adr.repo, set())
        named = mentioned_files(docs.adr_texts.get((adr.repo, adr.path), ""), known)
        named |= {link.target_path for link in adr.links if link.target_path in known}
        named |= {r.path for r in docs.adr_references.get((adr.repo, adr.path), []) if r.path in known}
        areas[(adr.repo, adr.path)] = {p for p in named if (adr.repo, p) not in adr_paths and not is_prose(p)}
    return areas


def mentioned_files(text: str, paths: set[str]) -> set[str]:
    """The paths that `text` names: whole paths, dotted modules, unique basenames, or their folder.

    A folder counts only when written with a slash (`migrations/`, `shop/payments`), so that
    "the shop" in prose does not claim every file of the `shop` package.
    """
    folders = _folders(paths)
    basenames = _unique_basenames(paths)
    found: set[str] = set()
    for raw in TOKEN.findall(text):
        token = raw.strip("./")
        name = PurePosixPath(token).name if token else ""
        if token in paths:
            found.add(token)
        elif "/" in raw and token in folders:
            found |= folders[token]
        elif name in basenames:
            found.add(basenames[name])
        elif "." in token and "/" not in token:
            found |= _module(token, paths, folders)
    return found


def is_prose(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in PROSE


def tickets_by_file(facts: Facts) -> dict[tuple[str, str], set[str]]:
    """(repo, path) -> keys of known tickets named by commits that changed the file."""
    result: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (repo, sha), keys in facts.commit_tickets.items():
        known = [k for k in keys if k in facts.tickets]
        if known:
            for path in facts.changes.get((repo, sha), []):
                result[(repo, path)].update(known)
    return result


def _module(dotted: str, paths: set[str], folders: dict[str, set[str]]) -> set[str]:
    """`shop.money.Money` -> shop/money.py: the longest prefix that is a module or a package."""
    parts = dotted.split(".")
    for end in range(len(parts), 1, -1):
        candidate = "/".join(parts[:end])
        if f"{candidate}.py" in paths:
            return {f"{candidate}.py"}
        if candidate in folders:
            return folders[candidate]
    return set()


def _folders(paths: set[str]) -> dict[str, set[str]]:
    """Folder (below the root) -> the files directly in it."""
    folders: dict[str, set[str]] = defaultdict(set)
    for path in paths:
        parent = folder_of(path)
        if parent != ".":
            folders[parent].add(path)
    return folders


def _unique_basenames(paths: set[str]) -> dict[str, str]:
    counts: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        counts[PurePosixPath(path).name].append(path)
    return {name: found[0] for name, found in counts.items()
            if len(found) == 1 and "." in name and not name.startswith("__")}


def _readmes(facts: Facts) -> dict[tuple[str, str], str]:
    """(repo, folder) -> the README path in that folder."""
    return {(f.repo, folder_of(f.path)): f.path
            for f in facts.files if README.match(PurePosixPath(f.path).name)}


def _nearest_readme(repo: str, path: str, readmes: dict[tuple[str, str], str], named_at_root: bool) -> str | None:
    """The README closest above `path`; the top one only beside it or when it names the file."""
    parents = [str(p) for p in PurePosixPath(path).parents]
    for folder in parents:
        found = readmes.get((repo, folder))
        if found and found != path and (folder != "." or parents[0] == "." or named_at_root):
            return found
    return None


def _named_by_root_readmes(facts: Facts, docs: Documentation,
                           readmes: dict[tuple[str, str], str]) -> set[tuple[str, str]]:
    """(repo, path) of the files whose path or folder a repository's top README names."""
    paths = _paths_by_repo(facts)
    named = set()
    for (repo, folder), readme in readmes.items():
        if folder == ".":
            text = docs.readme_texts.get((repo, readme), "")
            named |= {(repo, p) for p in mentioned_files(text, paths.get(repo, set()))}
    return named


def _paths_by_repo(facts: Facts) -> dict[str, set[str]]:
    paths: dict[str, set[str]] = defaultdict(set)
    for f in facts.files:
        paths[f.repo].add(f.path)
    return paths


def _adrs_by_file(areas: dict[tuple[str, str], set[str]]) -> dict[tuple[str, str], set[str]]:
    by_file: dict[tuple[str, str], set[str]] = defaultdict(set)
    for (repo, adr), paths in areas.items():
        for path in paths:
            by_file[(repo, path)].add(adr)
    return by_file
