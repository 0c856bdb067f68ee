"""What a knowledge-transfer draft covers: one folder or file, or the areas a person holds.

A target is `repo:path`, a path found in exactly one repository, or else a person (by id,
email or name). A person's areas are the folders where they hold at least half of the lines
of the files directly inside, and, in other folders, the code files they hold at least half
of; prose (ADRs, docs) is covered by the decisions of the areas, and tests by the code they
test. The areas with the most of their lines come first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from handoff.core.errors import AmbiguousError, NotFoundError
from handoff.core.facts import Facts
from handoff.retention.documentation import is_prose
from handoff.retention.person_lookup import find_person

MAX_AREAS = 8
HELD_SHARE = 0.5
TEST_FOLDERS = {"test", "tests", "__tests__", "spec", "specs"}


@dataclass
class Area:
    repo: str
    path: str  # a folder, or a file when the area is one file
    files: list[str]
    lines: int  # the person's lines, or all lines for a path target


@dataclass
class KtScope:
    kind: str  # person | path
    subject: str  # the person's name, or repo:path
    person: str | None
    areas: list[Area]


def kt_scope(facts: Facts, target: str, people: bool = True) -> KtScope:
    """The scope `target` names; with `people` False only a file or folder, and a target that is none is
    not found whoever it may name, so that the answer says nothing about the roster."""
    repo, path = _split(facts, target.strip())
    if repo is not None:
        return _path_scope(facts, repo, path)
    if not people:
        raise _no_path(facts, _clean(target))
    person = find_person(facts, target)
    return KtScope("person", person.name, person.id, person_areas(facts, person.id))


def person_areas(facts: Facts, person_id: str) -> list[Area]:
    by_folder: dict[tuple[str, str], list] = defaultdict(list)
    for f in facts.files:
        by_folder[(f.repo, str(PurePosixPath(f.path).parent))].append(f)
    areas = []
    for (repo, folder), files in sorted(by_folder.items()):
        theirs = sum(f.owners.get(person_id, 0) for f in files)
        if theirs and theirs >= HELD_SHARE * sum(f.lines for f in files):
            areas.append(Area(repo, folder, sorted(f.path for f in files), theirs))
            continue
        held = [f for f in files if f.lines and f.owners.get(person_id, 0) >= HELD_SHARE * f.lines
                and not is_prose(f.path) and not is_test(f.path)]
        if held:
            areas.append(Area(repo, folder, sorted(f.path for f in held), sum(f.owners[person_id] for f in held)))
    return sorted(areas, key=lambda a: (-a.lines, a.repo, a.path))[:MAX_AREAS]


def is_test(path: str) -> bool:
    parts = PurePosixPath(path)
    name = parts.name.lower()
    return (bool(TEST_FOLDERS & {p.lower() for p in parts.parts[:-1]}) or name.startswith("test_")
            or parts.stem.lower().endswith("_test") or ".test." in name or ".spec." in name)


def _path_scope(facts: Facts, repo: str, path: str) -> KtScope:
    files = [f for f in facts.files if f.repo == repo and (f.path == path or f.path.startswith(path + "/")
                                                           or path == ".")]
    return KtScope("path", f"{repo}:{path}", None,
                   [Area(repo, path, sorted(f.path for f in files), sum(f.lines for f in files))])


def _split(facts: Facts, target: str) -> tuple[str | None, str]:
    """(repo, path) when the target names a file or folder; (None, target) when it does not."""
    repo, sep, rest = target.partition(":")
    if sep and repo in facts.repos:
        path = _clean(rest)
        if not _holders(facts, path).get(repo):
            raise NotFoundError(f"{target!r}: no file or folder {path!r} in repository {repo}")
        return repo, path
    path = _clean(target)
    holders = _holders(facts, path)
    if len(holders) > 1:
        raise AmbiguousError(f"{path!r} is in {len(holders)} repositories: "
                             f"{', '.join(f'{r}:{path}' for r in sorted(holders))}; give one of them")
    if holders:
        return next(iter(holders)), path
    if "/" in target:
        raise _no_path(facts, path)
    return None, target


def _no_path(facts: Facts, path: str) -> NotFoundError:
    return NotFoundError(f"no file or folder {path!r} in {', '.join(facts.repos) or 'any repository'}")


def _holders(facts: Facts, path: str) -> Counter:
    """Repository -> files at or under `path`."""
    return Counter(f.repo for f in facts.files if path == "." or f.path == path or f.path.startswith(path + "/"))


def _clean(path: str) -> str:
    path = path.strip().removeprefix("./").strip("/")
    return path or "."
