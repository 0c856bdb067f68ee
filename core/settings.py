"""Every setting, declared once with its default and help.

Values come from `handoff.toml` in the workspace, overridden by `HANDOFF_*` environment
variables (`HANDOFF_RISK_THRESHOLD=0.6`). Unknown keys and unsafe values are refused when the
settings load, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from handoff.core.errors import WorkspaceError

DEFAULT_BOT_PATTERNS = [
    r"\[bot\]",
    r"^dependabot",
    r"^renovate",
    r"^pre-commit-ci",
    r"^github-actions",
    r"^greenkeeper",
    r"^snyk-bot",
]


DEFAULT_TICKET_PATTERNS = [
    r"(?<![\w/-])#(?P<number>\d+)\b",
    r"\bGH-(?P<number>\d+)\b",
    r"\b(?P<key>[A-Z][A-Z0-9]{1,9}-\d+)\b",
]


class RepoEntry(BaseModel):
    """One `[[repos]]` table: a repository to ingest with `handoff ingest --all`."""

    model_config = {"extra": "forbid"}
    source: str = Field(description="A local clone's path or a git URL (cloned as a mirror into the workspace).")
    name: str = Field("", description="Repository name; the folder or URL name by default.")
    adr_globs: list[str] = Field(default_factory=list, description="Extra globs of ADR files.")
    tickets: list[str] = Field(default_factory=list, description="Ticket export files for this repository.")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="forbid")

    database_url: str = Field(
        "", description="Facts store URL; empty means the SQLite file `facts.db` in the workspace."
    )
    roster: str = Field(
        "", description="Roster file (CSV or TOML) loaded whenever it changes; relative to the workspace."
    )
    horizon_days: int = Field(
        90, ge=0, le=3650, description="A contractor ending within this many days is departing."
    )
    risk_threshold: float = Field(
        0.5, gt=0, le=1, description="Share of a file's lines held by leaving contractors that puts it at risk."
    )
    critical_share: float = Field(
        0.2, gt=0, le=1, description="An at-risk file is critical when no active employee holds this share."
    )
    contractor_domains: list[str] = Field(
        default_factory=list, description="Email domains of unrostered authors who are contractors."
    )
    employee_domains: list[str] = Field(
        default_factory=list, description="Email domains of unrostered authors who are employees."
    )
    bot_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_BOT_PATTERNS),
        description="Regular expressions matched against author names and emails to spot bots.",
    )
    include_bots: bool = Field(False, description="Count bots' lines in ownership.")
    blame_ignore_whitespace: bool = Field(True, description="Blame with -w (whitespace changes keep their author).")
    blame_detect_moves: bool = Field(
        False, description="Blame with -M -C: lines moved or copied keep their original author."
    )
    blame_jobs: int = Field(0, ge=0, le=256, description="Parallel blame processes; 0 means one per CPU.")
    exclude: list[str] = Field(
        default_factory=list, description="Glob patterns of paths left out of ownership (e.g. 'docs/**')."
    )

    embed_model: str = Field(
        "all-MiniLM-L6-v2", description="Embedding model: a packaged model name, a local model folder, or the "
        "model name at embed_api_base."
    )
    embed_batch_size: int = Field(64, ge=1, le=4096, description="Chunks embedded per batch.")
    embed_device: str = Field("cpu", description="Torch device for the local embedding model.")
    embed_backend: Literal["torch", "onnx", "onnx-int8"] = Field(
        "torch", description="Runtime of the local embedding model: torch, onnx (ONNX Runtime, the same vectors, "
        "faster) or onnx-int8 (quantised: faster still, slightly different vectors, so the index is rebuilt)."
    )
    embed_onnx_dir: str = Field(
        "", description="Absolute folder where ONNX exports of the model are cached; empty means ~/.cache/handoff/onnx."
    )
    embed_api_base: str = Field("", description="OpenAI-compatible embeddings endpoint; empty means local model.")
    embed_api_key: str = Field("", description="API key for embed_api_base.")
    chroma_url: str = Field("", description="Chroma server URL; empty means the embedded store in the workspace.")
    broker_url: str = Field("", description="Celery broker URL (redis://...); empty means the in-process worker pool.")
    max_file_bytes: int = Field(1_000_000, ge=1, description="Files larger than this are not indexed.")
    max_ticket_text: int = Field(
        2_000_000, ge=1000, le=100_000_000, description="Characters of a ticket's text (title, body, comments) "
        "kept; the rest is left out and counted. A JSON record 64 times as long is skipped whole."
    )
    adr_globs: list[str] = Field(default_factory=list, description="Extra globs of ADR files in every repository.")
    ticket_patterns: list[str] = Field(
        default_factory=lambda: list(DEFAULT_TICKET_PATTERNS),
        description="Regular expressions finding ticket keys in commit messages (groups 'number' -> GH-n, 'key').",
    )
    answer_mode: str = Field("extractive", pattern="^(extractive|llm)$",
                             description="How `ask` answers: extractive (no model) or llm.")
    llm_api_base: str = Field("", description="OpenAI-compatible chat endpoint, e.g. http://127.0.0.1:8080/v1.")
    llm_model: str = Field("", description="Model name at llm_api_base.")
    llm_api_key: str = Field("", description="API key for llm_api_base.")
    llm_timeout: float = Field(30.0, gt=0, le=600, description="Seconds to wait for the model before falling back.")
    ask_min_similarity: float = Field(
        0.3, ge=0, le=1, description="Evidence whose best cosine similarity is below this is reported as weak."
    )
    allowed_roots: list[str] = Field(
        default_factory=list, description="Folders that HTTP ingest jobs may read repositories and ticket files from."
    )
    repos: list[RepoEntry] = Field(default_factory=list, description="Repositories for `handoff ingest --all`.")

    @field_validator("bot_patterns", "ticket_patterns")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        import re

        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
        return patterns

    @field_validator("embed_onnx_dir")
    @classmethod
    def _onnx_dir_absolute(cls, folder: str) -> str:
        """A relative folder would follow the current directory, and a server would export again in each one."""
        if folder and not Path(folder).expanduser().is_absolute():
            raise ValueError(f"{folder!r} is not an absolute folder")
        return folder

    @field_validator("contractor_domains", "employee_domains")
    @classmethod
    def _domains_lowercase(cls, domains: list[str]) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in domains if d.strip()]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (env_settings, init_settings)

    @property
    def blame_processes(self) -> int:
        return self.blame_jobs or os.cpu_count() or 1

    def onnx_cache(self, environ: Mapping[str, str] = os.environ) -> Path:
        """embed_onnx_dir, or the user's cache folder: one export serves every workspace of the user."""
        if self.embed_onnx_dir:
            return Path(self.embed_onnx_dir).expanduser()
        return Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "handoff" / "onnx"


def load_settings(toml_path: Path) -> Settings:
    """Settings from `toml_path` (if it exists) overridden by the environment."""
    values = {}
    if toml_path.exists():
        try:
            values = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise WorkspaceError(f"{toml_path}: not valid TOML ({exc}); fix the file") from None
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise WorkspaceError(
            f"{toml_path}: setting '{where}': {first['msg']}; fix it in the file or its HANDOFF_ variable"
        ) from None


def settings_template() -> str:
    """The commented `handoff.toml` written by `handoff init`: every setting with its help."""
    lines = ["# Handoff settings. Environment variables HANDOFF_<NAME> override these.", ""]
    for name, field in Settings.model_fields.items():
        if name == "repos":
            continue
        lines.append(f"# {field.description}")
        lines.append(f"# {name} = {_toml_value(field.get_default(call_default_factory=True))}")
        lines.append("")
    lines.append("# Repositories for `handoff ingest --all`, one table each:")
    lines.append("# [[repos]]")
    for name, field in RepoEntry.model_fields.items():
        lines.append(f"# {name} = ...  # {field.description}")
    return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'" if "'" not in value else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)
