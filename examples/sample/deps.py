"""Dependencies, the bots that bump them, and the manifest and lock files that record them.

Each dependency is added by a person's commit and then bumped by `dependabot[bot]` (pip and
npm) or `pre-commit-ci[bot]` (hooks). Manifests and lock files are templates whose version
fields are `%%ver:NAME%%` placeholders, so every bump is a real diff of real files, and
blame gives those lines to the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from .story import Commit


@dataclass(frozen=True)
class Dependency:
    name: str
    ecosystem: str  # pip | npm | pre-commit
    added_by: str  # commit key
    first: str
    bumps: tuple[tuple[str, str], ...]  # (day, version)
    summary: str
    repo: str  # the project's GitHub repository, for the bots' links
    dev: bool = False


def _dep(name, ecosystem, added_by, versions, summary, repo, dev=False) -> Dependency:
    """`versions` is "first, day version, day version...": the version added, then each bump."""
    first, *bumps = versions.split(", ")
    return Dependency(name, ecosystem, added_by, first, tuple(tuple(b.split()) for b in bumps), summary, repo, dev)


DEPENDENCIES = [
    _dep("pyyaml", "pip", "skeleton", "6.0.2", "YAML parser and emitter for Python", "yaml/pyyaml"),
    _dep("sqlalchemy", "pip", "postgres", "2.0.41, 2025-08-19 2.0.43, 2026-02-17 2.0.46, 2026-06-23 2.0.48",
         "Database Abstraction Library", "sqlalchemy/sqlalchemy"),
    _dep("psycopg", "pip", "postgres", "3.2.9, 2025-10-21 3.2.10, 2026-05-12 3.3.1, 2026-09-08 3.3.2",
         "PostgreSQL database adapter for Python", "psycopg/psycopg"),
    _dep("fastapi", "pip", "api-app", "0.116.1, 2025-09-16 0.117.1, 2025-11-18 0.121.3, 2026-03-03 0.124.0, "
         "2026-07-21 0.127.1",
         "FastAPI framework, high performance, easy to learn, fast to code, ready for production", "fastapi/fastapi"),
    _dep("uvicorn", "pip", "api-app", "0.35.0, 2025-10-07 0.37.0, 2026-01-20 0.38.0, 2026-08-18 0.40.0",
         "The lightning-fast ASGI server.", "encode/uvicorn"),
    _dep("pydantic", "pip", "api-app", "2.11.7, 2025-10-14 2.12.2, 2026-04-07 2.12.5, 2026-09-15 2.13.0",
         "Data validation using Python type hints", "pydantic/pydantic"),
    _dep("stripe", "pip", "payments-v1", "12.4.0, 2025-09-09 12.5.1, 2025-12-16 13.2.0, 2026-06-16 14.0.1",
         "Python bindings for the Stripe API", "stripe/stripe-python"),
    _dep("jinja2", "pip", "mailer", "3.1.6", "A very fast and expressive template engine.", "pallets/jinja"),
    _dep("httpx", "pip", "carriers", "0.28.1", "The next generation HTTP client.", "encode/httpx"),
    _dep("argon2-cffi", "pip", "passwords", "25.1.0", "Argon2 for Python", "hynek/argon2-cffi"),
    _dep("bcrypt", "pip", "passwords", "4.3.0, 2025-10-28 5.0.0",
         "Modern password hashing for your software", "pyca/bcrypt"),
    _dep("pyjwt", "pip", "tokens", "2.10.1, 2026-04-21 2.11.0",
         "JSON Web Token implementation in Python", "jpadilla/pyjwt"),
    _dep("redis", "pip", "cart-api", "6.2.0, 2025-09-30 6.4.0, 2026-07-07 7.0.1",
         "Python client for Redis database and key-value store", "redis/redis-py"),
    _dep("pytest", "pip", "skeleton", "8.4.1, 2025-09-23 8.4.2, 2026-01-27 9.0.1, 2026-05-05 9.0.3",
         "pytest: simple powerful testing with Python", "pytest-dev/pytest", dev=True),
    _dep("fakeredis", "pip", "test-rate-limit", "2.30.1, 2026-09-08 2.31.3",
         "Python implementation of redis API, can be used for testing purposes.", "cunla/fakeredis-py", dev=True),
    _dep("react", "npm", "web-scaffold", "19.1.0, 2025-07-29 19.1.1, 2025-10-07 19.2.0, 2026-04-14 19.2.3",
         "React is a JavaScript library for building user interfaces.", "facebook/react"),
    _dep("react-dom", "npm", "web-scaffold", "19.1.0, 2025-07-29 19.1.1, 2025-10-07 19.2.0, 2026-04-14 19.2.3",
         "React package for working with the DOM.", "facebook/react"),
    _dep("react-router-dom", "npm", "web-scaffold", "7.6.3, 2025-08-26 7.8.2, 2026-02-10 7.9.4, 2026-06-30 7.10.1",
         "Declarative routing for React web applications", "remix-run/react-router"),
    _dep("@tanstack/react-query", "npm", "react-query",
         "5.90.2, 2026-03-31 5.90.12, "
         "2026-06-09 5.91.0, 2026-09-01 5.92.1",
         "Hooks for managing, caching and syncing asynchronous and remote data in React", "TanStack/query"),
    _dep("@stripe/stripe-js", "npm", "web-checkout", "7.9.0, 2026-01-13 8.1.0",
         "Stripe.js loading utility", "stripe/stripe-js"),
    _dep("@stripe/react-stripe-js", "npm", "web-checkout", "3.9.2",
         "React components for Stripe.js and Elements", "stripe/react-stripe-js"),
    _dep("@vitejs/plugin-react", "npm", "web-scaffold", "4.6.0, 2025-09-09 5.0.2",
         "The default Vite plugin for React projects", "vitejs/vite-plugin-react", dev=True),
    _dep("typescript", "npm", "web-scaffold", "5.8.3, 2025-08-12 5.9.2, 2025-10-28 5.9.3",
         "TypeScript is a language for application scale JavaScript development", "microsoft/TypeScript", dev=True),
    _dep("vitest", "npm", "web-scaffold", "3.2.4, 2026-02-24 4.0.3",
         "Next generation testing framework", "vitest-dev/vitest", dev=True),
    _dep("vite", "npm", "web-scaffold", "7.0.4, 2025-08-05 7.1.1, 2025-12-02 7.2.4, 2026-05-26 7.3.0, 2026-08-25 7.3.2",
         "Native-ESM powered web dev build tool", "vitejs/vite", dev=True),
    _dep("pre-commit-hooks", "pre-commit", "ci", "v5.0.0, 2025-08-04 v6.0.0, 2026-04-06 v6.1.0",
         "Some out-of-the-box hooks for pre-commit", "pre-commit/pre-commit-hooks"),
    _dep("ruff-pre-commit", "pre-commit", "ci",
         "v0.12.2, 2025-07-14 v0.12.3, 2025-08-04 v0.12.7, 2025-09-01 v0.12.11, 2025-10-06 v0.13.3, "
         "2025-11-03 v0.14.3, 2025-12-01 v0.14.8, 2026-01-05 v0.14.10, 2026-02-02 v0.15.0, 2026-03-02 v0.15.4, "
         "2026-05-04 v0.15.12, 2026-06-01 v0.16.2, 2026-07-06 v0.16.6, 2026-08-03 v0.16.9, 2026-09-07 v0.17.1",
         "A pre-commit hook for Ruff", "astral-sh/ruff-pre-commit"),
]


def bump_commits() -> tuple[list[Commit], dict[str, list[tuple[str, str]]]]:
    """The bots' commits, and each dependency's versions as (commit key, version) for `History`."""
    versions = {d.name: [(d.added_by, d.first)] for d in DEPENDENCIES}
    commits = []
    for d in (d for d in DEPENDENCIES if d.ecosystem != "pre-commit"):
        for day, new in d.bumps:
            key = f"bump-{d.name}-{new}"
            commits.append(Commit(key, "dependabot", day, _dependabot_message(d, versions[d.name][-1][1], new)))
            versions[d.name].append((key, new))
    hooks = sorted(((day, d, new) for d in DEPENDENCIES if d.ecosystem == "pre-commit" for day, new in d.bumps),
                   key=lambda item: item[0])
    for day, group in groupby(hooks, key=lambda item: item[0]):
        key, lines = f"autoupdate-{day}", []
        for _, d, new in group:
            old = versions[d.name][-1][1]
            lines.append(f"- [github.com/{d.repo}: {old} → {new}](https://github.com/{d.repo}/compare/{old}...{new})")
            versions[d.name].append((key, new))
        commits.append(Commit(key, "precommit", day, "[pre-commit.ci] pre-commit autoupdate\n\nupdates:\n"
                              + "\n".join(lines)))
    return commits, versions


def _dependabot_message(d: Dependency, old: str, new: str) -> str:
    where = " in /web" if d.ecosystem == "npm" else ""
    url = f"https://github.com/{d.repo}"
    return "\n".join([
        f"Bump {d.name} from {old} to {new}{where}", "",
        f"Bumps [{d.name}]({url}) from {old} to {new}.",
        f"- [Release notes]({url}/releases)",
        f"- [Commits]({url}/compare/v{old}...v{new})", "",
        "---", "updated-dependencies:", f"- dependency-name: {d.name}", f"  dependency-version: {new}",
        f"  dependency-type: direct:{'development' if d.dev else 'production'}",
        f"  update-type: version-update:semver-{_semver_step(old, new)}", "...", "",
        "Signed-off-by: dependabot[bot] <support@github.com>",
    ])


def _semver_step(old: str, new: str) -> str:
    a, b = old.lstrip("v").split("."), new.lstrip("v").split(".")
    return "major" if a[0] != b[0] else "minor" if a[1] != b[1] else "patch"


def _entries(ecosystem: str, dev: bool | None = None) -> list[Dependency]:
    chosen = [d for d in DEPENDENCIES if d.ecosystem == ecosystem and (dev is None or d.dev == dev)]
    return sorted(chosen, key=lambda d: d.name)


def _json_members(items: list[tuple[str, str]], indent: str, base: str = "web-scaffold") -> str:
    """JSON object members as template blocks, each (commit key, member text), commas kept valid.

    Members added later must sort before the object's last member, which therefore has to be
    there from the object's first commit (checked, so a new dependency cannot break the file).
    """
    if items[-1][0] != base:
        raise ValueError(f"the last member of a JSON object ({items[-1][1][:40]}) must come from {base}")
    return "".join(f"@@ {key}\n{indent}{text}{',' if i < len(items) - 1 else ''}\n"
                   for i, (key, text) in enumerate(items))


def package_json() -> str:
    deps = [(d.added_by, f'"{d.name}": "^%%ver:{d.name}%%"') for d in _entries("npm", dev=False)]
    dev = [(d.added_by, f'"{d.name}": "^%%ver:{d.name}%%"') for d in _entries("npm", dev=True)]
    return ("@@ web-scaffold\n{\n  \"name\": \"shop-web\",\n  \"private\": true,\n  \"version\": \"0.0.0\",\n"
            "  \"type\": \"module\",\n  \"scripts\": {\n    \"dev\": \"vite\",\n    \"build\": \"tsc && vite build\",\n"
            "    \"test\": \"vitest run\",\n    \"preview\": \"vite preview\"\n  },\n  \"dependencies\": {\n"
            + _json_members(deps, "    ") + "@@ web-scaffold\n  },\n  \"devDependencies\": {\n"
            + _json_members(dev, "    ") + "@@ web-scaffold\n  }\n}\n")


def package_lock() -> str:
    root_deps = [(d.added_by, f'"{d.name}": "^%%ver:{d.name}%%"') for d in _entries("npm", dev=False)]
    root_dev = [(d.added_by, f'"{d.name}": "^%%ver:{d.name}%%"') for d in _entries("npm", dev=True)]
    packages = []
    for d in sorted(_entries("npm"), key=lambda d: d.name):
        tarball = d.name.rsplit("/", 1)[-1]
        body = (f'"node_modules/{d.name}": {{\n      "version": "%%ver:{d.name}%%",\n'
                f'      "resolved": "https://registry.npmjs.org/{d.name}/-/{tarball}-%%ver:{d.name}%%.tgz",\n'
                f'      "integrity": "sha512-%%sri:{d.name}%%",\n'
                + ('      "dev": true,\n' if d.dev else "") + '      "license": "MIT"\n    }')
        packages.append((d.added_by, body))
    return ("@@ web-scaffold\n{\n  \"name\": \"shop-web\",\n  \"version\": \"0.0.0\",\n  \"lockfileVersion\": 3,\n"
            "  \"requires\": true,\n  \"packages\": {\n    \"\": {\n      \"name\": \"shop-web\",\n"
            "      \"version\": \"0.0.0\",\n      \"dependencies\": {\n" + _json_members(root_deps, "        ")
            + "@@ web-scaffold\n      },\n      \"devDependencies\": {\n" + _json_members(root_dev, "        ")
            + "@@ web-scaffold\n      }\n    },\n" + _json_members(packages, "    ") + "@@ web-scaffold\n  }\n}\n")


def pyproject_dependencies(dev: bool) -> str:
    return "".join(f"@@ {d.added_by}\n    \"{d.name}==%%ver:{d.name}%%\",\n" for d in _entries("pip", dev=dev))


def poetry_lock() -> str:
    header = ("@@ skeleton\n# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand."
              "\n\n")
    entries = "".join(
        f"@@ {d.added_by}\n[[package]]\nname = \"{d.name}\"\nversion = \"%%ver:{d.name}%%\"\n"
        f"description = \"{d.summary}\"\noptional = false\npython-versions = \">=3.9\"\n"
        f"groups = [\"{'dev' if d.dev else 'main'}\"]\nfiles = [\n"
        f"    {{file = \"{d.name.replace('-', '_')}-%%ver:{d.name}%%-py3-none-any.whl\", "
        f"hash = \"sha256:%%hash:{d.name}%%\"}},\n]\n\n"
        for d in _entries("pip"))
    return header + entries + ("@@ skeleton\n[metadata]\nlock-version = \"2.1\"\npython-versions = \">=3.12\"\n"
                               "content-hash = \"4c1f0e7a9b2d8c3f6e5a1b0d9c8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e\"\n")


def precommit_config() -> str:
    return ("@@ ci\nrepos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n"
            "    rev: %%ver:pre-commit-hooks%%\n    hooks:\n      - id: trailing-whitespace\n"
            "      - id: end-of-file-fixer\n      - id: check-yaml\n      - id: check-added-large-files\n"
            "  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: %%ver:ruff-pre-commit%%\n"
            "    hooks:\n      - id: ruff\n        args: [--fix]\n"
            "@@ reformat\n      - id: ruff-format\n"
            "@@ ci\n\nci:\n  autoupdate_schedule: monthly\n  skip: []\n")
