"""Real git repositories for tests, built commit by commit with pinned authors and dates.

    repo = GitBuilder(tmp_path / "repo")
    repo.commit("alice", {"app.py": "a\\nb\\n"}, when="2025-01-01")
    repo.commit("bob", {"app.py": "a\\nB\\nc\\n"}, when="2025-02-01", message="tweak")
    repo.commit("bob", {}, delete=["old.py"], rename={"x.py": "y.py"})

Authors are given by a short name and resolved through `people` (name, email) so tests can
state exact expected numbers per person.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_PEOPLE = {
    "alice": ("Alice Employee", "alice@corp.example"),
    "bob": ("Bob Contractor", "bob@vendor.example"),
    "carol": ("Carol Contractor", "carol@vendor.example"),
    "dave": ("Dave Employee", "dave@corp.example"),
    "erin": ("Erin Contractor", "erin@agency.example"),
    "bot": ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
}


class GitBuilder:
    def __init__(self, path: Path, people: dict[str, tuple[str, str]] | None = None, bare: bool = False):
        self.path = Path(path)
        self.people = {**DEFAULT_PEOPLE, **(people or {})}
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Test Committer")
        self.git("config", "user.email", "committer@corp.example")
        self.git("config", "commit.gpgsign", "false")
        self._tick = 0

    def git(self, *args: str, env: dict | None = None, input: bytes | None = None) -> str:
        result = subprocess.run(["git", "-C", str(self.path), *args], capture_output=True, input=input,
                                env={**os.environ, **(env or {})})
        if result.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace')}")
        return result.stdout.decode(errors="replace")

    def commit(self, author: str, files: dict[str, str | bytes] | None = None, *, when: str | None = None,
               message: str | None = None, delete: list[str] = (), rename: dict[str, str] | None = None) -> str:
        """Write `files`, delete and rename paths, commit as `author`; returns the sha."""
        for old, new in (rename or {}).items():
            (self.path / new).parent.mkdir(parents=True, exist_ok=True)
            self.git("mv", old, new)
        for path, content in (files or {}).items():
            target = self.path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content if isinstance(content, bytes) else content.encode())
            self.git("add", "--", path)
        for path in delete:
            self.git("rm", "-q", "--", path)
        name, email = self.people.get(author, (author, f"{author}@corp.example"))
        stamp = self._date(when)
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": stamp,
               "GIT_COMMITTER_DATE": stamp}
        self.git("commit", "-q", "--allow-empty", "-m", message or f"change by {author}", env=env)
        return self.head()

    def symlink(self, link: str, target: str) -> None:
        (self.path / link).symlink_to(target)
        self.git("add", "--", link)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def blame_lines(self, path: str, *flags: str) -> dict[str, int]:
        """Plain `git blame` per author email: the reference ownership numbers are checked against."""
        counts: dict[str, int] = {}
        for line in self.git("blame", "--line-porcelain", *flags, "HEAD", "--", path).splitlines():
            if line.startswith("author-mail "):
                email = line[len("author-mail "):].strip("<>").lower()
                counts[email] = counts.get(email, 0) + 1
        return counts

    def _date(self, when: str | None) -> str:
        self._tick += 1
        if when is None:
            moment = datetime(2025, 1, 1, tzinfo=UTC).timestamp() + self._tick * 3600
        else:
            moment = datetime.fromisoformat(when).replace(tzinfo=UTC).timestamp() + self._tick
        return f"{int(moment)} +0000"


def lines(*items: str) -> str:
    """File content from lines, newline-terminated."""
    return "".join(f"{item}\n" for item in items)


def numbered(prefix: str, count: int) -> str:
    """`count` distinct lines, so blame attribution is unambiguous."""
    return lines(*(f"{prefix} line {i}" for i in range(count)))
