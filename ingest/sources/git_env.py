"""The environment every git call on an ingested repository runs in: nothing in the repository runs.

An ingested repository is written by people outside the organisation, and its `.git/config`
and hooks are theirs too. Git would run programs they name while Handoff only reads: the
`core.fsmonitor` command and hooks such as `post-index-change` (when `check-attr` and
`read-tree` touch an index), `gpg.program` (`log.showSignature` verifies every signed commit
`git log` walks), textconv drivers and filter processes (blame converts the blobs it reads).
Every call therefore gets, as command-line configuration that outranks the repository's own:
hooks from an empty folder, no fsmonitor, no signature display, and every filter driver the
repository's configuration names emptied; blame and log also pass `--no-textconv`. The system
configuration is not read (`GIT_CONFIG_NOSYSTEM`). The user's own configuration still is, so
`safe.directory` keeps its meaning: a repository owned by someone else is refused by git unless
the operator listed it, and Handoff never lists one itself.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

FILTER_COMMANDS = ("clean", "smudge", "process")
# Variables a parent git (a hook, `git -c`) or a shell may have set that would point git elsewhere or
# hand it configuration of its own.
DROPPED = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
           "GIT_COMMON_DIR", "GIT_CONFIG", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_COUNT", "GIT_EXTERNAL_DIFF",
           "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_PAGER", "GIT_EDITOR", "GIT_ASKPASS")
BASE = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_OPTIONAL_LOCKS": "0", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_ATTR_NOSYSTEM": "1"}


@functools.cache
def empty_hooks_dir() -> str:
    """A folder of this process with no hooks in it, removed when the process exits."""
    folder = tempfile.mkdtemp(prefix="handoff-no-hooks-")
    atexit.register(shutil.rmtree, folder, True)
    return folder


def safe_config() -> dict[str, str]:
    """Settings that outrank the repository's: nothing it configures runs."""
    return {"core.hooksPath": empty_hooks_dir(), "core.fsmonitor": "false", "log.showSignature": "false"}


def git_environment(config: Mapping[str, str] = {}, environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`environ` without what would redirect git, with the safe settings and `config` as command-line config."""
    env = {k: v for k, v in environ.items() if k not in DROPPED and not k.startswith("GIT_CONFIG_KEY_")
           and not k.startswith("GIT_CONFIG_VALUE_")}
    settings = {**safe_config(), **config}
    env |= BASE | {"GIT_CONFIG_COUNT": str(len(settings))}
    for n, (key, value) in enumerate(settings.items()):
        env[f"GIT_CONFIG_KEY_{n}"], env[f"GIT_CONFIG_VALUE_{n}"] = key, value
    return env


def filter_overrides(path: Path) -> dict[str, str]:
    """Every filter driver command the repository's configuration names, emptied: `filter.<name>.smudge`
    and the like take a driver name the repository chooses, so they are found by listing its settings."""
    result = subprocess.run(["git", "-C", str(path), "config", "--name-only", "-z", "--list"], capture_output=True,
                            env=git_environment())
    return {name: "" for name in _filter_keys(result.stdout.decode("utf-8", "replace").split("\0"))}


def _filter_keys(names: Iterable[str]) -> list[str]:
    keys = []
    for name in (n.strip() for n in names):
        section, _, rest = name.partition(".")
        driver, _, command = rest.rpartition(".")
        if section.lower() == "filter" and driver and command.lower() in FILTER_COMMANDS:
            keys.append(f"filter.{driver}.{command.lower()}")
    return sorted(set(keys))
