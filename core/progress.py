"""Progress of long work, reported to whoever shows it (rich bars in the CLI, job state in the API).

Work calls `stage(name, total)` when a stage starts, `advance(n)` as it goes and `warn(text)`
for anything the user should read afterwards; it never knows how progress is shown.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int | None = None) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def warn(self, message: str) -> None: ...


class SilentProgress:
    """Progress that shows nothing but keeps the warnings."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass

    def warn(self, message: str) -> None:
        self.warnings.append(message)
