"""The `handoff` console script: the CLI app with every command module registered.

Each area keeps its commands in its own module (`cli.py` for ingest, people and retention;
others for offboarding, reports and the server), all on the one `app` defined in `cli.py`.
"""

from . import cli_offboarding  # noqa: F401
from . import cli_report  # noqa: F401
from . import cli_server  # noqa: F401
from . import cli_worker  # noqa: F401
from .cli import app

__all__ = ["app"]
