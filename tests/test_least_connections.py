"""The listener that several server processes share: each new connection goes to the process holding fewest.

Two listeners on one real listening socket, sharing one table, play two processes (each takes
its own slot in the table), accepting without blocking as an event loop does."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest

from handoff.api.http.balancer import MAX_DEFER, LeastConnectionsListener


@pytest.fixture
def two_processes():
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))
    first = LeastConnectionsListener.from_socket(bound, processes=3)
    first.listen(16)
    second = LeastConnectionsListener(first.family, first.type, first.proto, fileno=os.dup(first.fileno()),
                                      table=first.table)
    for listener in (first, second):
        listener.setblocking(False)
        assert not takes(listener)  # a serving process looks at the socket: it takes its slot in the table
    clients: list[socket.socket] = []
    yield first, second, clients
    for s in (*clients, first, second):
        s.close()


def connect(listener: socket.socket, clients: list[socket.socket]) -> None:
    clients.append(socket.create_connection(listener.getsockname()))
    time.sleep(0.02)  # the handshake completes into the accept queue


def takes(listener: LeastConnectionsListener) -> bool:
    try:
        listener.accept()
    except BlockingIOError:
        return False
    return True


def test_a_connection_goes_to_the_process_holding_fewer(two_processes):
    first, second, clients = two_processes
    connect(first, clients)
    assert takes(first)
    for _ in range(3):
        connect(first, clients)
        assert not takes(first)  # holds more than the second: leaves it
        assert takes(second)
        connect(first, clients)
        assert takes(first)  # both hold as many: whoever comes first
    assert (first.held(), second.held()) == (4, 3)


def first_two_second_one(first, second, clients) -> None:
    for listener in (first, second, first):  # each takes while it holds no more than the other
        connect(first, clients)
        assert takes(listener)


def test_closed_connections_no_longer_count(two_processes):
    first, second, clients = two_processes
    first_two_second_one(first, second, clients)
    for held in list(first._held):
        held.close()
    connect(first, clients)
    assert not takes(second)
    assert takes(first)
    assert (first.held(), second.held()) == (1, 1)


def test_a_connection_no_other_process_takes_is_taken_after_a_while(two_processes):
    first, second, clients = two_processes
    first_two_second_one(first, second, clients)
    connect(first, clients)
    started = time.monotonic()
    while not takes(first):  # the second, holding fewer, never comes
        assert time.monotonic() - started < 5 * MAX_DEFER
    assert time.monotonic() - started >= MAX_DEFER


def test_each_waiting_connection_gets_its_own_wait(two_processes):
    first, second, clients = two_processes
    first_two_second_one(first, second, clients)
    connect(first, clients)
    assert not takes(first)
    assert takes(second)  # 2 and 2
    second._held[-1].close()  # 2 and 1 again, as when the first began to wait
    time.sleep(2 * MAX_DEFER)
    connect(first, clients)
    assert not takes(first)  # a new connection: the first waits again rather than take it at once
    assert takes(second)


def test_a_process_that_is_gone_does_not_count(two_processes):
    first, _, clients = two_processes
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    with first.table.get_lock():
        first.table[3:6] = [gone.pid, 0, 0]  # the second's slot, as if it had died holding nothing
    connect(first, clients)
    assert takes(first)
    connect(first, clients)
    assert takes(first)  # nobody alive holds fewer
