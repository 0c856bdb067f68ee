"""A copy of the index that readers keep answering from while an ingest job writes the live one.

Chroma shows writes at once, so before a job writes, it copies the index and pins the copy
(`pin`): a file in `index-snapshots` names the copy and the live BM25 generation of that moment.
Every server process reads that file before each question (`current`) and reads the copy, so
queries see the previous complete index whichever process runs the job. When the job completes,
it publishes a new BM25 generation and drops the pin (`publish`); readers then move back to the
live index. A job that fails or is cancelled leaves the pin until a later job completes, since the
live index is then half-updated; so does a server stopped mid-job. A complete CLI ingest publishes
a new generation too, which outdates the pin. With a Chroma server (`chroma_url`) there is nothing
to copy: queries see the server's collection as it is.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

from handoff.core.files import atomic_write
from handoff.core.workspace import Workspace

SNAPSHOTS = "index-snapshots"
PINNED = "PINNED"


class Snapshots:
    def __init__(self, ws: Workspace):
        self.ws = ws
        self.live = ws.home / "index"
        self.folder = ws.home / SNAPSHOTS

    def current(self) -> tuple[Path, str | None]:
        """The index to read now (the pinned copy while it is current, else the live index), with the
        live BM25 generation."""
        generation = self._live_generation()
        return self._pinned_copy(generation) or self.live, generation

    def pin(self) -> None:
        """Copy the live index and point every process's readers at the copy, unless one is pinned already."""
        if self.ws.settings.chroma_url or self._pinned_copy(self._live_generation()) is not None:
            return
        self.remove_stale_copies()
        copy = self.folder / uuid.uuid4().hex
        for part in ("chroma", "bm25"):
            if (self.live / part).is_dir():
                shutil.copytree(self.live / part, copy / part)
        atomic_write(self.folder / PINNED, f"{copy.name} {self._live_generation() or ''}")

    def publish(self) -> None:
        """Point readers back at the live index, now complete, and drop the copy."""
        (self.folder / PINNED).unlink(missing_ok=True)
        self.remove_stale_copies()

    def remove_stale_copies(self) -> None:
        """Copies no pin names: left by a job that completed, or by a server stopped while copying."""
        pinned = self._pinned_copy(self._live_generation())
        for folder in self.folder.glob("*") if self.folder.is_dir() else ():
            if folder.is_dir() and folder != pinned:
                shutil.rmtree(folder, ignore_errors=True)

    def _pinned_copy(self, live_generation: str | None) -> Path | None:
        """The pinned copy, unless an ingest completed since it was pinned (the live generation moved on)."""
        try:
            name, generation = (self.folder / PINNED).read_text().split(" ")
        except (FileNotFoundError, ValueError):
            return None
        copy = self.folder / name
        return copy if generation == (live_generation or "") and copy.is_dir() else None

    def _live_generation(self) -> str | None:
        current = self.live / "bm25" / "CURRENT"
        return current.read_text() if current.is_file() else None
