"""Domain events: the in-process bus, the transactional outbox and the handlers that listen."""

from .model import source

SOURCES = [
    source("shop/events/__init__.py", r'''
@@ event-bus
"""Domain events: what happened, published to whoever subscribed (e-mails, fulfilment, analytics)."""
'''),
    source("shop/events/bus.py", r'''
@@ event-bus
"""An in-process publish/subscribe bus.

Handlers subscribe to a topic ("order.placed") and are called with the event's payload. Since
the outbox (docs/decisions/0001-transactional-outbox-for-domain-events.md) the bus no longer
runs inside the request: the outbox relay calls `dispatch` for each stored event, after the
transaction that produced it has committed. The original decision to run handlers in-process
is docs/adr/0005-in-process-event-bus.md, superseded but kept for the reasoning.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID, uuid4

log = logging.getLogger(__name__)

Handler = Callable[["Event"], None]


@dataclass(frozen=True)
class Event:
    topic: str
    payload: dict
    id: UUID = field(default_factory=uuid4)


class EventBus:
    def __init__(self) -> None:
        self._handlers: dict[str, list[Handler]] = defaultdict(list)

    def subscribe(self, topic: str, handler: Handler) -> None:
        """Call `handler` for every event on `topic`; "*" subscribes to every topic."""
        self._handlers[topic].append(handler)

    def publish(self, topic: str, payload: dict) -> Event:
        event = Event(topic, payload)
        self.dispatch(event)
        return event

    def dispatch(self, event: Event) -> None:
        """Run every handler of the event's topic, in subscription order."""
        for handler in [*self._handlers[event.topic], *self._handlers["*"]]:
@@ event-bus
            handler(event)
@@ > bus-handler-errors
            try:
                handler(event)
            except Exception:
                # One failing handler (a mail server down) must not stop the others (fulfilment).
                # The outbox retries the whole event, so handlers must be idempotent.
                log.exception("handler %s failed for %s %s", handler.__qualname__, event.topic, event.id)
                raise
@@ event-bus

    def topics(self) -> list[str]:
        return sorted(topic for topic, handlers in self._handlers.items() if handlers)


bus = EventBus()
'''),
    source("shop/events/outbox.py", r'''
@@ outbox
"""The transactional outbox: events stored with the change that caused them, published after.

`record_event` inserts into `outbox` inside the caller's transaction, so an order and its
`order.placed` event commit or roll back together; no e-mail for an order that does not exist,
no order without its e-mail. A relay (`relay_once`, run by `shop-worker outbox`) then reads
unpublished rows, dispatches them on the bus and marks them published.

Delivery is at least once: a relay that dies after dispatching and before marking publishes
that event again on restart. Handlers de-duplicate by event id (see notifications/email.py).
Decision record: docs/decisions/0001-transactional-outbox-for-domain-events.md.
"""

from __future__ import annotations

import json
import logging
from uuid import UUID, uuid4

from sqlalchemy import Connection

from shop.db.session import transaction
from shop.events.bus import Event, bus

log = logging.getLogger(__name__)
BATCH = 100
@@ outbox-retries
MAX_ATTEMPTS = 8
@@ outbox


def record_event(conn: Connection, topic: str, payload: dict) -> UUID:
    """Store an event in the caller's transaction; the relay publishes it once that commits."""
    event_id = uuid4()
    conn.exec_driver_sql(
        "INSERT INTO outbox (event_id, topic, payload) VALUES (%s, %s, %s)",
        (event_id, topic, json.dumps(payload)),
    )
    return event_id


def relay_once() -> int:
    """Publish one batch of pending events; returns how many were published."""
    with transaction() as conn:
@@ outbox
        rows = conn.exec_driver_sql(
            "SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT %s",
            (BATCH,),
        ).all()
@@ > outbox-skip-locked
        # SKIP LOCKED: with two relays running (one per worker host since the February scale-up)
        # both read the same batch and customers got every order e-mail twice (SHOP-51).
        # Now each row is claimed by exactly one relay until its transaction ends.
        rows = conn.exec_driver_sql(
            "SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (BATCH,),
        ).all()
@@ > outbox-retries
        # SKIP LOCKED: with two relays running (one per worker host since the February scale-up)
        # both read the same batch and customers got every order e-mail twice (SHOP-51).
        # Now each row is claimed by exactly one relay until its transaction ends.
        rows = conn.exec_driver_sql(
            "SELECT id, event_id, topic, payload FROM outbox WHERE published_at IS NULL AND attempts < %s"
            " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            (MAX_ATTEMPTS, BATCH),
        ).all()
@@ outbox
        for row_id, event_id, topic, payload in rows:
@@ outbox
            bus.dispatch(Event(topic, payload, event_id))
            conn.exec_driver_sql("UPDATE outbox SET published_at = now() WHERE id = %s", (row_id,))
@@ > outbox-retries
            try:
                bus.dispatch(Event(topic, payload, event_id))
            except Exception:
                # Poison events used to block the whole queue behind them. Count the attempt
                # and move on; after MAX_ATTEMPTS the row stays for a person to look at.
                conn.exec_driver_sql("UPDATE outbox SET attempts = attempts + 1 WHERE id = %s", (row_id,))
                continue
            conn.exec_driver_sql("UPDATE outbox SET published_at = now() WHERE id = %s", (row_id,))
@@ outbox
        return len(rows)
@@ outbox-metrics


def backlog(conn: Connection) -> dict[str, int]:
    """Pending and stuck events, for the `/healthz/outbox` check and its alert (ENG-31).

    A growing `pending` means the relay is down or slow; any `stuck` event needs a person.
    """
    pending, stuck = conn.exec_driver_sql(
        "SELECT count(*) FILTER (WHERE attempts < %s), count(*) FILTER (WHERE attempts >= %s)"
        " FROM outbox WHERE published_at IS NULL",
        (MAX_ATTEMPTS, MAX_ATTEMPTS),
    ).one()
    return {"pending": pending, "stuck": stuck}


def purge_published(conn: Connection, keep_days: int = 14) -> int:
    """Delete published events older than `keep_days`; the table grew to 40 GB before this existed."""
    return conn.exec_driver_sql(
        "DELETE FROM outbox WHERE published_at < now() - make_interval(days => %s)", (keep_days,)
    ).rowcount


def replay(conn: Connection, event_id: UUID) -> None:
    """Publish a stuck event again after its cause is fixed: resets its attempts."""
    log.warning("replaying outbox event %s", event_id)
    conn.exec_driver_sql(
        "UPDATE outbox SET attempts = 0, published_at = NULL WHERE event_id = %s", (event_id,)
    )
'''),
    source("shop/events/handlers.py", r'''
@@ event-handlers
"""Who listens to what. Imported once at start-up by the web app and by the worker."""

from shop.events.bus import Event, bus
from shop.notifications import email
@@ sms
from shop.notifications import sms
@@ event-handlers


def on_order_placed(event: Event) -> None:
    email.send_order_confirmation(event)
@@ payment-events


def on_payment_failed(event: Event) -> None:
    email.send_payment_failed(event)
@@ refund-email


def on_refund_issued(event: Event) -> None:
    email.send_refund_issued(event)
@@ sms


def on_shipment_labelled(event: Event) -> None:
@@ shipped-email
    email.send_shipped(event)
@@ sms
    sms.send_shipped(event)
@@ event-handlers


def register() -> None:
    bus.subscribe("order.placed", on_order_placed)
@@ payment-events
    bus.subscribe("payment.failed", on_payment_failed)
@@ refund-email
    bus.subscribe("refund.issued", on_refund_issued)
@@ sms
    bus.subscribe("shipment.labelled", on_shipment_labelled)
''', moves=[]),
]
