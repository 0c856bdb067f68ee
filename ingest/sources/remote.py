"""Repositories named by URL: cloned as mirrors into the workspace, fetched again on re-ingest.

Only network transports are accepted (https, http, ssh, git, and scp-like `user@host:path`);
`ext::`, `file::` and other transport helpers, and anything that looks like an option, are
refused before git sees them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from handoff.core.errors import ExternalError, InputError
from handoff.ingest.sources.git_env import git_environment

SCHEMES = {"https", "http", "ssh", "git"}
SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:]")
SAFE_CONFIG = ["-c", "protocol.ext.allow=never", "-c", "protocol.file.allow=never"]


def is_url(source: str) -> bool:
    return "://" in source or "::" in source or bool(SCP_LIKE.match(source))


def check_url(url: str) -> str:
    if url.startswith("-") or any(c in url for c in "\n\r\x00"):
        raise InputError(f"repository URL {url!r}: looks like an option, not a URL")
    if "::" in url:
        raise InputError(f"repository URL {url!r}: transport helpers ('ext::', 'file::') are not allowed")
    if SCP_LIKE.match(url):
        return url
    scheme = urlparse(url).scheme.lower()
    if scheme not in SCHEMES:
        raise InputError(f"repository URL {url!r}: scheme {scheme!r} not allowed; use {', '.join(sorted(SCHEMES))}")
    return url


def url_name(url: str) -> str:
    tail = re.split(r"[/:]", url.rstrip("/"))[-1]
    return tail.removesuffix(".git") or "repo"


def mirror(mirrors: Path, url: str, name: str) -> Path:
    """A bare mirror of `url` under `mirrors`, cloned the first time and fetched afterwards."""
    check_url(url)
    target = mirrors / f"{name}.git"
    if target.is_dir():
        _git(["git", *SAFE_CONFIG, "-C", str(target), "fetch", "--prune", "--quiet", "origin"], url)
    else:
        partial = mirrors / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        _git(["git", *SAFE_CONFIG, "clone", "--mirror", "--quiet", "--", url, str(partial)], url)
        partial.rename(target)
    return target


def _git(args: list[str], url: str) -> None:
    result = subprocess.run(args, capture_output=True, env=git_environment())
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExternalError(f"cannot fetch {url}: {lines[-1] if lines else 'git failed'}")
