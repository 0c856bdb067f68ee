"""The faces of Handoff: the CLI (and later the HTTP API and web page) over the same core."""
