"""What an ingest request may read, checked before a job is queued.

Local paths only under the `allowed_roots` folders (repositories and ticket exports), network
git URLs otherwise; anything else is an InputError (400) naming what and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from handoff.core.errors import InputError
from handoff.core.workspace import Workspace


@dataclass
class IngestPlan:
    """What one job ingests, as `run_ingest` takes it."""

    sources: list[tuple[str, str | None]] = field(default_factory=list)
    tickets: list[tuple[Path, str | None]] = field(default_factory=list)
    index: bool = True
    roots: list[Path] = field(default_factory=list)
    confined: list[Path] = field(default_factory=list)  # the request's local repositories, checked against `roots`

    def check_confined(self) -> None:
        """Check the request's repositories again as the job starts: one may have changed since it was queued."""
        for folder in self.confined:
            confined(folder, self.roots, str(folder))


def plan_ingest(ws: Workspace, repository: str | None, name: str | None, tickets: list[str],
                configured: bool = False, index: bool = True) -> IngestPlan:
    """The checked plan of an ingest request; InputError (400) for anything outside what is allowed."""
    from handoff.ingest.local import configured_sources
    from handoff.ingest.sources.git import GitRepo
    from handoff.ingest.sources.remote import check_url, is_url

    roots = [ws.path_setting(root) for root in ws.settings.allowed_roots]
    plan = IngestPlan(index=index, roots=roots)
    if repository:
        _check_text(repository, "repository")
        if is_url(repository):
            plan.sources.append((check_url(repository), name))
        else:
            folder = confined(allowed_path(repository, roots, "repository"), roots, repository)
            plan.sources.append((str(GitRepo.open(folder).path), name))
            plan.confined.append(folder)
    plan.tickets += [(allowed_path(t, roots, "ticket file", want_file=True), name) for t in tickets]
    if configured:
        more_sources, more_tickets = configured_sources(ws)
        plan.sources += more_sources
        plan.tickets += more_tickets
    if not plan.sources and not plan.tickets:
        raise InputError("nothing to ingest: give a repository, ticket files, or configured: true")
    return plan


def allowed_path(raw: str, roots: list[Path], what: str, want_file: bool = False) -> Path:
    """`raw` resolved, when it is absolute, has no `..` and resolves (symlinks followed) inside a root."""
    _check_text(raw, what)
    path = Path(raw)
    if not path.is_absolute() or ".." in path.parts:
        raise InputError(f"{what} {raw!r}: give an absolute path without '..'")
    if not roots:
        raise InputError(f"{what} {raw!r}: no allowed_roots are configured, so the API reads no local paths; "
                         "add folders to allowed_roots in handoff.toml")
    resolved = path.resolve()
    if not any(resolved.is_relative_to(root) for root in roots):
        raise InputError(f"{what} {raw!r}: outside the allowed roots ({', '.join(map(str, roots))})")
    if not (resolved.is_file() if want_file else resolved.is_dir()):
        raise InputError(f"{what} {raw!r}: no such {'file' if want_file else 'folder'}")
    return resolved


def confined(folder: Path, roots: list[Path], raw: str) -> Path:
    """`folder`, when every place git would read for it (gitfile, common dir, alternates, symlinks) is in a root."""
    from handoff.ingest.sources.git_dirs import outside

    escape = outside(folder, roots)
    if escape is not None:
        raise InputError(f"repository {raw!r}: its git data is read from {escape}, outside the allowed roots "
                         f"({', '.join(map(str, roots))})")
    return folder


def _check_text(value: str, what: str) -> None:
    if value.startswith("-") or any(c in value for c in "\n\r\x00"):
        raise InputError(f"{what} {value!r}: looks like an option or holds control characters")
