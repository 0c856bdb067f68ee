"""`handoff serve` and `handoff keys`: the commands of the HTTP API, on the one `app` of cli.py."""

from __future__ import annotations

import ipaddress
import os
from typing import Annotated

import typer
from rich.table import Table

from handoff.api.cli.app import JsonOption, app, out, print_json, workspace
from handoff.core.errors import InputError
from handoff.core.keys import ROLES, has_active_key, issue_key, list_keys, revoke_key
from handoff.core.workspace import Workspace, resolve_home

WORKERS = "HANDOFF_SERVE_WORKERS"
APP = "handoff.api.cli.serve:server_app"

keys_app = typer.Typer(no_args_is_help=True, help="Create, revoke and list the API keys of the HTTP API.")
app.add_typer(keys_app, name="keys")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on; another than loopback needs a key.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Server processes, each with its own copy of "
                                         "the model (about 0.5 GB); one per core serves concurrent questions best.")]
    = 1,
):
    """Serve the HTTP API and the web page until interrupted."""
    import uvicorn

    ws = workspace(ctx)
    keys = has_active_key(ws.store)
    if not keys and not is_loopback(host):
        raise InputError(f"--host {host}: no API key exists yet, so the server would be open to nobody but "
                         "loopback is the only safe place to start; run `handoff keys create --role admin` first")
    if not keys:
        out.print("no API key yet: create one with `handoff keys create --role admin`", highlight=False)
    os.environ.update({"HANDOFF_HOME": str(ws.home), WORKERS: str(workers)})  # read by each process's server_app
    if workers == 1:
        uvicorn.run(APP, factory=True, host=host, port=port, log_level="info")
    else:
        serve_processes(uvicorn.Config(APP, factory=True, host=host, port=port, workers=workers, log_level="info",
                                       loop="asyncio"))


def serve_processes(config) -> None:
    """uvicorn's several-process server, with the listener that spreads connections evenly (uvicorn.run's
    own path for `workers`, apart from the listener). The listener needs the asyncio event loop."""
    from uvicorn.supervisors import Multiprocess

    from handoff.api.http.balancer import LeastConnectionsListener

    listener = LeastConnectionsListener.from_socket(config.bind_socket(), config.workers)
    try:
        Multiprocess(config, sockets=[listener]).run()
    except KeyboardInterrupt:
        pass


def server_app():
    """The app of one server process, over the workspace `serve` names in HANDOFF_HOME. One of several
    processes loads before taking requests, so none waits on a process that is (re)starting."""
    from handoff.api.http.app import create_app

    one_torch_thread()
    return create_app(resolve_home(None), serve_when_loaded=int(os.environ.get(WORKERS, "1")) > 1)


def one_torch_thread() -> None:
    """Requests run side by side in the server's thread pool, so each embeds on one thread: torch's own
    threads would fight them, other server processes and other programs for the cores (on a busy 2-core
    machine a question took 4 to 10 times longer with two)."""
    import torch

    torch.set_num_threads(1)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@keys_app.command("create")
def keys_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help=f"What the key may do: {', '.join(ROLES)}.")],
    json: JsonOption = False,
):
    """Create an API key and print it; only its hash is kept, so this is the one chance to copy it."""
    issued = issue_key(Workspace.open(ctx.obj).store, role)
    if json:
        print_json(issued)
    else:
        out.print(f"API key {issued.id} ({issued.role}):\n{issued.key}\nshown only now; send it as "
                  "`Authorization: Bearer <key>`", highlight=False, markup=False)


@keys_app.command("revoke")
def keys_revoke(ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="The key's id (see keys list).")],
                json: JsonOption = False):
    """Revoke an API key: requests with it are refused from now on."""
    record = revoke_key(Workspace.open(ctx.obj).store, key_id)
    print_json(record) if json else out.print(f"revoked: {record.id} ({record.role}) at {record.revoked_at}",
                                              highlight=False)


@keys_app.command("list")
def keys_list(ctx: typer.Context, json: JsonOption = False):
    """Every API key with its role and dates; never a secret."""
    keys = list_keys(Workspace.open(ctx.obj).store)
    if json:
        print_json({"keys": keys})
        return
    table = Table(title=f"{len(keys)} API keys")
    for column in ("Id", "Role", "Created", "Revoked"):
        table.add_column(column)
    for k in keys:
        table.add_row(k.id, k.role, k.created_at, k.revoked_at or "")
    out.print(table)
