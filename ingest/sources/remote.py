"""Repositories named by URL: cloned as mirrors into the workspace, fetched again on re-ingest.

Only network transports are accepted (https, http, ssh, git, and scp-like `user@host:path`);
`ext::`, `file::` and other transport helpers (`<name>::<address>`, as git reads them: an IPv6
host such as `ssh://[::1]/x` is not one), and anything that looks like an option, are refused
before git sees them.

Credentials in a URL (`https://user:token@host/...`) are used for the one git call that needs
them and kept nowhere: not in the mirror's configuration (each fetch names the URL again), not
in messages (`shown_url`, and git's own words are scrubbed).
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
HELPER = re.compile(r"^[A-Za-z0-9+.-]*::")  # git's own test: scheme characters from the start, then '::'
USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^/@\s:]*)(?::[^/@\s]*)?@")
SAFE_CONFIG = ["-c", "protocol.ext.allow=never", "-c", "protocol.file.allow=never"]
MIRROR_REFS = "+refs/*:refs/*"


def is_url(source: str) -> bool:
    return "://" in source or bool(HELPER.match(source)) or bool(SCP_LIKE.match(source))


def check_url(url: str) -> str:
    if url.startswith("-") or any(c in url for c in "\n\r\x00"):
        raise InputError(f"repository URL {shown_url(url)!r}: looks like an option, not a URL")
    if HELPER.match(url):
        raise InputError(f"repository URL {shown_url(url)!r}: transport helpers ('ext::', 'file::') are not allowed")
    if SCP_LIKE.match(url):
        return url
    scheme = urlparse(url).scheme.lower()
    if scheme not in SCHEMES:
        raise InputError(f"repository URL {shown_url(url)!r}: scheme {scheme!r} not allowed; "
                         f"use {', '.join(sorted(SCHEMES))}")
    return url


def shown_url(text: str) -> str:
    """`text` (a URL, or git's message about one) without credentials: an http(s) URL loses its user and
    password (a token is often given as the user), any other keeps its user name only."""
    def scrub(match: re.Match) -> str:
        scheme = match.group("scheme")
        return scheme if scheme.lower().startswith("http") else f"{scheme}{match.group('user')}@"

    return USERINFO.sub(scrub, text)


def url_name(url: str) -> str:
    tail = re.split(r"[/:]", url.rstrip("/"))[-1]
    return tail.removesuffix(".git") or "repo"


def mirror(mirrors: Path, url: str, name: str) -> Path:
    """A bare mirror of `url` under `mirrors`, cloned the first time and fetched afterwards."""
    check_url(url)
    target = mirrors / f"{name}.git"
    if target.is_dir():
        _git(["git", *SAFE_CONFIG, "-C", str(target), "fetch", "--prune", "--quiet", "--", url, MIRROR_REFS], url)
    else:
        partial = mirrors / f"{name}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        _git(["git", *SAFE_CONFIG, "clone", "--mirror", "--quiet", "--", url, str(partial)], url)
        _git(["git", "-C", str(partial), "remote", "set-url", "origin", shown_url(url)], url)
        partial.rename(target)
    return target


def _git(args: list[str], url: str) -> None:
    result = subprocess.run(args, capture_output=True, env=git_environment())
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ExternalError(f"cannot fetch {shown_url(url)}: {shown_url(lines[-1]) if lines else 'git failed'}")
