"""Writing a file so that a reader sees the old content or the new, never half of either."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_aside(target: Path, write: Callable[[Path], None], suffix: str = ".tmp") -> None:
    """Have `write` fill a temporary file beside `target`, then put it in place in one rename.

    Each call gets its own temporary, so writers in several processes never share one; a write that
    fails or is killed leaves `target` as it was (and, when killed, a `.{name}.*.tmp` file at worst).
    `suffix` is the temporary's, for writers that judge a file by its extension.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(handle)
    try:
        write(Path(temp))
        os.chmod(temp, 0o644)  # mkstemp makes it private; workspaces and caches are read by other processes
        os.replace(temp, target)
    finally:
        Path(temp).unlink(missing_ok=True)


def atomic_write(target: Path, text: str) -> None:
    def write(temp: Path) -> None:
        temp.write_text(text, encoding="utf-8")

    write_aside(target, write)
