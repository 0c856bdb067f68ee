"""The history as a whole: commits in order with pinned times, and every file at every commit.

`History` checks the story before anything is written (every block names a known commit,
nobody commits outside their contract, no commit is empty), decides which files each commit
touches, and renders a file as it read after any commit. Times come from the seed alone, so
the same seed always gives the same commits, byte for byte.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import random
import re
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from .cast import PEOPLE
from .model import PLACEHOLDER, Source

FIRST_COMMIT_MINUTE = (8 * 60 + 30, 10 * 60 + 30)  # a day's first commit lands between 08:30 and 10:30
MINUTES_BETWEEN = (12, 95)  # and the next ones of that day follow at these intervals


@dataclass(frozen=True)
class Commit:
    key: str
    who: str
    day: str
    message: str


@dataclass(frozen=True)
class Rewrite:
    """Before commit `key`, every file read `old` where it reads `new` at HEAD (an import path, say)."""

    key: str
    new: str
    old: str


@dataclass(frozen=True)
class Reformat:
    """Commit `key` rewrote the quotes of every Python file outside `skip`; before it they were single."""

    key: str
    skip: tuple[str, ...]

    def applies(self, path: str) -> bool:
        return path.endswith(".py") and not path.startswith(self.skip)


class History:
    """Commits in day order (declaration order within a day) and the files they write."""

    def __init__(self, commits: list[Commit], sources: list[Source], rewrites: list[Rewrite], reformat: Reformat,
                 versions: dict[str, list[tuple[str, str]]], seed: int):
        self.commits = sorted(commits, key=lambda c: c.day)
        self.index = {c.key: n for n, c in enumerate(self.commits)}
        if len(self.index) != len(commits):
            raise ValueError("two commits of the timeline share a key")
        self.sources, self.rewrites, self.reformat = sources, rewrites, reformat
        self.versions = {pkg: sorted((self.index[k], v) for k, v in steps) for pkg, steps in versions.items()}
        self.shas: dict[str, str] = {}
        self._check()
        self.touches = self._touches()
        self.times = self._clock(seed)

    def render(self, src: Source, position: int) -> tuple[str, bytes] | None:
        """(path, content) of `src` after the commit at `position`, or None while it does not exist."""
        parts = [p for p in (b.at(position, self.index) for b in src.blocks) if p is not None]
        if not any(parts):
            return None
        path = src.path_at(position, self.index)
        if src.binary:
            return path, parts[0]
        text = PLACEHOLDER.sub(lambda m: self._placeholder(m.group(1), m.group(2), position), "".join(parts))
        for rewrite in self.rewrites:
            if position < self.index[rewrite.key]:
                text = text.replace(rewrite.new, rewrite.old)
        if self.reformat.applies(src.path) and position < self.index[self.reformat.key]:
            text = single_quoted(text)
        return path, text.encode()

    def shas_needed(self, position: int) -> set[str]:
        """Commits whose sha a file touched at `position` quotes (`.git-blame-ignore-revs`)."""
        return {key for src in self.touches[position] for kind, key in PLACEHOLDER.findall(src.text)
                if kind == "sha"}

    def _placeholder(self, kind: str, name: str, position: int) -> str:
        if kind == "sha":
            return self.shas[name]
        steps = self.versions[name]
        version = steps[max(0, bisect_right(steps, (position, "\uffff")) - 1)][1]
        if kind == "ver":
            return version
        if kind == "sri":
            return base64.b64encode(hashlib.sha512(f"{name}@{version}".encode()).digest()).decode()
        return hashlib.sha256(f"{name}=={version}".encode()).hexdigest()

    def _check(self) -> None:
        for rewrite in self.rewrites:
            if rewrite.key not in self.index:
                raise ValueError(f"rewrite of {rewrite.new!r} names commit {rewrite.key!r}, which the timeline lacks")
        for src in self.sources:
            unknown = sorted(src.keys() - self.index.keys())
            if unknown:
                raise ValueError(f"{src.path}: names commits the timeline lacks: {', '.join(unknown)}")
            for block in src.blocks:
                order = [self.index[key] for key, _ in block.versions]
                if order != sorted(set(order)):
                    keys = [key for key, _ in block.versions]
                    raise ValueError(f"{src.path}: a block's versions {keys} are out of order")
        for c in self.commits:
            member = PEOPLE.get(c.who)
            if member is None:
                raise ValueError(f"commit {c.key} is by {c.who!r}, who is not in the cast (sample/cast.py)")
            if member.rostered and not (member.start <= c.day <= (member.end or "9999")):
                raise ValueError(f"commit {c.key} on {c.day} is outside {member.name}'s contract")

    def _touches(self) -> list[list[Source]]:
        """For each commit, the files it may change: the ones whose blocks, moves or inputs name it."""
        touches: list[list[Source]] = [[] for _ in self.commits]
        for src in self.sources:
            keys = src.keys()
            text = src.text
            keys |= {r.key for r in self.rewrites if r.new in text}
            if self.reformat.applies(src.path):
                keys.add(self.reformat.key)
            for kind, name in PLACEHOLDER.findall(text):
                if kind != "sha":
                    keys |= {self.commits[n].key for n, _ in self.versions[name]}
            for key in keys:
                touches[self.index[key]].append(src)
        return touches

    def _clock(self, seed: int) -> dict[str, tuple[int, str]]:
        """(epoch, UTC offset) per commit: working hours on the commit's day, always moving forward."""
        rng = random.Random(seed)
        minutes: dict[str, int] = {}
        times, last = {}, 0
        for c in self.commits:
            gap = MINUTES_BETWEEN if c.day in minutes else FIRST_COMMIT_MINUTE
            minutes[c.day] = minutes.get(c.day, 0) + rng.randint(*gap)
            midnight = calendar.timegm(date.fromisoformat(c.day).timetuple())
            local = midnight + minutes[c.day] * 60 + rng.randint(0, 59)
            offset = PEOPLE[c.who].offset(c.day)
            last = max(local - _seconds(offset), last + 37)
            times[c.key] = (last, offset)
        return times


def _seconds(offset: str) -> int:
    sign = -1 if offset.startswith("-") else 1
    return sign * (int(offset[1:3]) * 3600 + int(offset[3:5]) * 60)


STRING = re.compile(r"""(?<![\w"'])([rbf]?)"([^"'\\\n]*)"(?![\w"])""")


def single_quoted(text: str) -> str:
    """Python code as it read before the team adopted double quotes: plain strings in single quotes.

    Docstrings, comments and lines that already hold a single quote keep their double quotes, as
    a formatter would leave strings that contain the other quote.
    """
    out, in_docstring = [], False
    for line in text.splitlines(keepends=True):
        quotes = line.count('"""')
        if not in_docstring and not quotes and "'" not in line and not line.lstrip().startswith("#"):
            line = STRING.sub(r"\1'\2'", line)
        if quotes % 2:
            in_docstring = not in_docstring
        out.append(line)
    return "".join(out)
