"""An ingest run in this process: every part of every phase of the pipeline, one after another.

What `handoff ingest` and a server's in-process ingest jobs run. The staging is memory, the cut is
`IN_PROCESS` (one blame part and one content bucket per repository, blame still parallel within the
part), and progress goes to whoever shows it. Each step that writes facts is one transaction and the
index sync is restartable, so a failed or killed run leaves the previous state usable.
"""

from __future__ import annotations

from pathlib import Path

from handoff.core.errors import InputError
from handoff.core.progress import Progress
from handoff.core.workspace import Workspace
from handoff.ingest.pipeline import PHASES, begin, finish, parts, run_part
from handoff.ingest.sources.remote import is_url
from handoff.ingest.staged import IN_PROCESS, IngestReport, MemoryStaging, Plan


def run_ingest(ws: Workspace, sources: list[tuple[str, str | None]], ticket_files: list[tuple[Path, str | None]],
               progress: Progress, index: bool = True) -> IngestReport:
    """Ingest `sources` ((path or URL, name)) and `ticket_files` ((file, repo)); `index=False` stops at facts."""
    plan = Plan(sources=list(sources), tickets=[(str(path), repo) for path, repo in ticket_files], index=index,
                shape=IN_PROCESS)
    staging = MemoryStaging()
    begin(ws, staging, plan)
    for phase in PHASES[:-1]:
        for part in parts(staging, plan, phase):
            run_part(ws, staging, plan, part, progress)
    return finish(ws, staging, plan, progress)


def configured_sources(ws: Workspace) -> tuple[list[tuple[str, str | None]], list[tuple[Path, str | None]]]:
    """The `[[repos]]` entries of the settings, as `run_ingest` arguments."""
    if not ws.settings.repos:
        raise InputError(f"{ws.toml_path}: no [[repos]] entries; add some or name a PATH to ingest")
    sources, tickets = [], []
    for entry in ws.settings.repos:
        location = entry.source if is_url(entry.source) else str(ws.path_setting(entry.source))
        sources.append((location, entry.name or None))
        tickets += [(ws.path_setting(t), entry.name or None) for t in entry.tickets]
    return sources, tickets
