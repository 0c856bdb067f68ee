"""The `handoff` console script: the CLI app with every command module registered.

Each area keeps its commands in its own module of `api/cli/`, all on the one `app` of `cli/app.py`.
"""

from handoff.api.cli import ask, ingest, init, offboard, report, retention, serve, worker  # noqa: F401  (each registers its commands)
from handoff.api.cli.app import app

__all__ = ["app"]
