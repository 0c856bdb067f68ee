"""A job's staging on workers: the plan and each part's output, one JSON file each in `jobs/<id>/`.

Every worker mounts the workspace, so a part staged by one worker is read by the next. Outputs are
written through a temporary file and renamed into place, so a reader sees a part whole or not at all;
they are read back as the pipeline's typed records.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter

from handoff.core.files import atomic_write
from handoff.core.json import jsonable
from handoff.core.workspace import Workspace
from handoff.ingest.staged import Plan

T = TypeVar("T")


class JobFolder:
    def __init__(self, ws: Workspace, job_id: str):
        self.root: Path = ws.home / "jobs" / job_id

    @property
    def plan(self) -> Plan:
        return self.get("plan", Plan)

    def put(self, part: str, output: Any, warnings: list[str]) -> None:
        atomic_write(self.root / f"{part}.json", json.dumps({"output": jsonable(output), "warnings": warnings}))

    def get(self, part: str, kind: type[T]) -> T:
        return TypeAdapter(kind).validate_python(self._read(part)["output"])

    def has(self, part: str) -> bool:
        return (self.root / f"{part}.json").is_file()

    def warnings(self) -> list[str]:
        """Every staged part's warnings, for the job's row."""
        return [w for p in sorted(self.root.glob("*.json")) for w in json.loads(p.read_text())["warnings"]]

    def count(self, kinds: tuple[str, ...]) -> int:
        """Staged outputs of parts of these kinds: the parts of a phase done so far."""
        return sum(1 for p in self.root.glob("*.json") if p.name.split(".", 1)[0] in kinds)

    def claim(self, name: str, owner: str) -> bool:
        """True for the first owner to claim `name`, and for that owner again; False for anyone else."""
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            with open(self.root / f"{name}.claim", "x") as handle:
                handle.write(owner)
        except FileExistsError:
            return (self.root / f"{name}.claim").read_text() == owner
        return True

    def last_change(self) -> float:
        """When anything was last staged, claimed or launched here (seconds since the epoch); 0 for no folder.
        Files renamed into place or a folder removed as the job ends vanish while this looks: they are skipped."""
        try:
            paths = list(self.root.iterdir())
        except FileNotFoundError:
            return 0.0
        times = []
        for path in paths:
            try:
                times.append(path.stat().st_mtime)
            except FileNotFoundError:
                continue
        return max(times, default=0.0)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _read(self, part: str) -> dict:
        return json.loads((self.root / f"{part}.json").read_text())
