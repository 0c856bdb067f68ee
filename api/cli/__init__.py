"""The `handoff` command: typer commands that parse arguments, call the core and render the result."""
