"""A workspace is one folder holding settings, the facts store and the indexes.

Found from `--home`, else `HANDOFF_HOME`, else `./.handoff`; created by `handoff init`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from handoff.core.errors import WorkspaceError
from handoff.core.settings import Settings, load_settings, settings_template
from handoff.core.store import FactsStore

DEFAULT_HOME = ".handoff"


def resolve_home(home: str | Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    chosen = home or env.get("HANDOFF_HOME") or DEFAULT_HOME
    return Path(chosen).expanduser().absolute()


@dataclass
class Workspace:
    home: Path

    @property
    def toml_path(self) -> Path:
        return self.home / "handoff.toml"

    @property
    def db_path(self) -> Path:
        return self.home / "facts.db"

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.toml_path)

    @cached_property
    def store(self) -> FactsStore:
        url = self.settings.database_url or f"sqlite:///{self.db_path}"
        return FactsStore(url)

    def path_setting(self, value: str) -> Path:
        """A path named in the settings, relative to the workspace folder."""
        return (self.home / Path(value).expanduser()).resolve()

    @classmethod
    def init(cls, home: Path) -> tuple[Workspace, bool]:
        """Create the workspace if needed; returns it and whether it was new."""
        if home.exists() and not home.is_dir():
            raise WorkspaceError(f"{home} exists and is not a folder; choose another --home")
        created = not (home / "handoff.toml").exists()
        home.mkdir(parents=True, exist_ok=True)
        if created:
            (home / "handoff.toml").write_text(settings_template(), encoding="utf-8")
        workspace = cls(home)
        _ = workspace.store  # creates and migrates the facts store
        return workspace, created

    @classmethod
    def open(cls, home: Path) -> Workspace:
        if not (home / "handoff.toml").is_file():
            raise WorkspaceError(
                f"no Handoff workspace at {home}; run `handoff init` (or pass --home / set HANDOFF_HOME)"
            )
        return cls(home)
