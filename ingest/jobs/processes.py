"""Which process runs a job, recorded so that another process can tell whether it still does.

A server with several worker processes (`handoff serve --workers N`) runs each ingest job in
the process that took the request, and a worker that dies is restarted while its siblings run
on. The job's row records its process as `host:pid:start-time`: the start time tells a live
process from a later one given the same pid. A process on another host is taken as alive,
since this one cannot see it.
"""

from __future__ import annotations

import functools
import os
import socket

import psutil


def this_process() -> str:
    return _this(os.getpid())


def is_running(process: str) -> bool:
    host, pid, _ = process.rsplit(":", 2)
    if host != socket.gethostname():
        return True
    try:
        return _describe(int(pid)) == process
    except psutil.AccessDenied:  # another user's process, so not one of ours that died
        return True
    except (psutil.NoSuchProcess, ValueError):
        return False


@functools.cache
def _this(pid: int) -> str:
    """Cached per pid, so a forked child describes itself."""
    return _describe(pid)


def _describe(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{psutil.Process(pid).create_time():.2f}"
