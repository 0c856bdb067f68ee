"""One listening socket shared by several server processes, each new connection taken by the one holding fewest.

Processes that share a listening socket take new connections as the kernel wakes them, so the
split is left to chance. HTTP clients keep their connection for request after request, and a
process serves the requests of the connections it holds: with 8 clients on 2 processes, a 6/2
split made the p95 latency 1.4 times that of a 4/4 split.

Here each process publishes how many connections it holds in a small shared table, and a
process holding more than another leaves a waiting connection alone (its event loop asks again
on its next turn, by when the other has usually taken it). If no other process takes it within
MAX_DEFER, it takes it anyway: a process stuck in a long request must not hold up new clients.

    LeastConnectionsListener.from_socket(bound, processes)   the listener for uvicorn's worker processes

The listener is picklable the way multiprocessing passes sockets to spawned processes, and it
needs the asyncio event loop: uvloop accepts inside libuv, out of its reach.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import socket
import time

MAX_DEFER = 0.05  # seconds a waiting connection is left to less busy processes
FIELDS = 3  # per process in the shared table
PAUSE = 0.0005  # between two looks at a connection left to another process, so the event loop does not spin


class LeastConnectionsListener(socket.socket):
    """A listening socket whose `accept` leaves a connection to a process that holds fewer."""

    def __init__(self, *args, table=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.table = table  # per process: pid (0 for a free slot), connections held, connections ever accepted
        self._slot: int | None = None
        self._held: list[socket.socket] = []
        self._accepted = 0
        self._deferral: tuple[float, list] | None = None  # since when, and what the others had accepted then

    @classmethod
    def from_socket(cls, bound: socket.socket, processes: int) -> LeastConnectionsListener:
        slots = 2 * processes  # room for replacements started while the processes they replace still exit
        table = multiprocessing.get_context("spawn").Array("q", FIELDS * slots)
        return cls(bound.family, bound.type, bound.proto, fileno=bound.detach(), table=table)

    def accept(self) -> tuple[socket.socket, object]:
        mine, others = self._publish(), self._others()
        if any(held < mine for _, held, _ in others) and self._waiting():
            now = time.monotonic()
            accepted = [(pid, count) for pid, _, count in others]
            if self._deferral is None or self._deferral[1] != accepted:  # a new wait: another took the last one
                self._deferral = (now, accepted)
            if now - self._deferral[0] < MAX_DEFER:
                time.sleep(PAUSE)
                raise BlockingIOError("left to a process that holds fewer connections")
        self._deferral = None
        # socket.socket's own primitive (not in typeshed); BlockingIOError when another process took it
        fd, address = self._accept()  # type: ignore[attr-defined]
        connection = _HeldConnection(self, self.family, self.type, self.proto, fileno=fd)
        if socket.getdefaulttimeout() is None and self.gettimeout():
            connection.setblocking(True)  # as socket.accept does
        if connection.family in (socket.AF_INET, socket.AF_INET6):  # as asyncio does for its own TCP sockets
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._held.append(connection)
        self._accepted += 1
        self._publish()
        return connection, address

    def held(self) -> int:
        """Connections this process accepted that are still open."""
        self._held = [connection for connection in self._held if connection.fileno() != -1]
        return len(self._held)

    def released(self) -> None:
        """One of this process's connections closed: the table says so at once."""
        if self._slot is not None:
            self._publish()

    def _others(self) -> list[tuple[int, int, int]]:
        """(pid, connections held, connections accepted) of the other processes that serve."""
        with self.table.get_lock():
            rows = [tuple(self.table[FIELDS * i:FIELDS * i + FIELDS]) for i in range(len(self.table) // FIELDS)
                    if i != self._slot]
        return [row for row in rows if row[0] and _alive(row[0])]

    def _publish(self) -> int:
        held = self.held()
        with self.table.get_lock():
            if self._slot is None:
                self._slot = self._claim_slot()
            self.table[FIELDS * self._slot + 1:FIELDS * self._slot + 3] = [held, self._accepted]
        return held

    def _claim_slot(self) -> int:
        """The first slot that is free or left by a process that is gone (uvicorn restarts dead workers)."""
        slots = range(len(self.table) // FIELDS)
        slot = next((i for i in slots if not self.table[FIELDS * i] or not _alive(self.table[FIELDS * i])), 0)
        self.table[FIELDS * slot] = os.getpid()
        return slot

    def _waiting(self) -> bool:
        """Whether a connection waits to be accepted (poll, as select fails on descriptors above 1023)."""
        poller = select.poll()
        poller.register(self, select.POLLIN)
        return bool(poller.poll(0))

    def __reduce__(self):
        from multiprocessing.reduction import DupFd

        return _rebuild, (DupFd(self.fileno()), self.family, self.type, self.proto, self.table)


class _HeldConnection(socket.socket):
    """An accepted connection that tells its listener when it closes."""

    def __init__(self, listener: LeastConnectionsListener, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.listener = listener

    def close(self) -> None:
        super().close()
        self.listener.released()


def _rebuild(duplicate, family: int, kind: int, proto: int, table) -> LeastConnectionsListener:
    return LeastConnectionsListener(family, kind, proto, fileno=duplicate.detach(), table=table)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
