"""Notifications (e-mail and SMS, their templates) and the vendored retry library."""

from .model import source

MAILER_RENAME = "rename-mailer"

SOURCES = [
    source("shop/notifications/__init__.py", r'''
@@ mailer
"""Messages to customers: order e-mails and shipping SMS, sent from domain events."""
'''),
    source("shop/notifications/email.py", r'''
@@ mailer
"""Order e-mails over SMTP, rendered from the templates in templates/.

@@ > rename-mailer
"""Order e-mails over SMTP, rendered from the templates in templates/.

This module was `mailer.py` until it only sent e-mail; SMS has its own module next to it.
@@ dedupe-emails
Every send is recorded in `sent_notifications` under (event id, template) first, so an event
delivered twice by the outbox sends its e-mail once (SHOP-51).
@@ mail-retry
Transient SMTP failures are retried with exponential backoff and jitter, up to five attempts
within about a minute (docs/adr/20260316-retry-email-delivery-with-backoff.md).
@@ mailer
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from shop.config import load_settings
@@ dedupe-emails
from shop.db.session import transaction
@@ mailer
from shop.events.bus import Event
from shop.notifications.templates import render
@@ mail-retry
from shop.vendor.backoff_lite import expo, on_exception
@@ mailer

log = logging.getLogger(__name__)


def send_order_confirmation(event: Event) -> None:
    order = event.payload
    _send(event, "order_confirmation", order["email"], f"Your order {order['number']}", order)
@@ payment-events


def send_payment_failed(event: Event) -> None:
    order = event.payload
    _send(event, "payment_failed", order["email"], f"Payment for order {order['number']} failed", order)
@@ refund-email


def send_refund_issued(event: Event) -> None:
    refund = event.payload
    _send(event, "refund_issued", refund["email"], f"Refund for order {refund['number']}", refund)
@@ shipped-email


def send_shipped(event: Event) -> None:
    shipment = event.payload
    _send(event, "shipped", shipment["email"], f"Order {shipment['number']} is on its way", shipment)
@@ mailer


def _send(event: Event, template: str, to: str, subject: str, context: dict) -> None:
@@ dedupe-emails
    if not _claim(event, template):
        log.info("skipping %s for event %s: already sent", template, event.id)
        return
@@ mailer
    message = EmailMessage()
    message["From"] = load_settings().mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(render(f"{template}.txt", context))
    _deliver(message)
@@ dedupe-emails


def _claim(event: Event, template: str) -> bool:
    """Record that this event's e-mail is being sent; False when another delivery already did."""
    with transaction() as conn:
        return conn.exec_driver_sql(
            "INSERT INTO sent_notifications (event_id, template) VALUES (%s, %s)"
            " ON CONFLICT DO NOTHING RETURNING event_id",
            (event.id, template),
        ).first() is not None
@@ mailer


@@ mail-retry
@on_exception(expo, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, TimeoutError), max_tries=5)
@@ mailer
def _deliver(message: EmailMessage) -> None:
    settings = load_settings()
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_user:
            smtp.starttls()
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(message)
''', moves=[(MAILER_RENAME, "shop/notifications/mailer.py")]),
    source("shop/notifications/templates.py", r'''
@@ mailer
"""Jinja templates for customer messages; plain text only, as most of our mail is read on phones."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), undefined=StrictUndefined, autoescape=False,
                      keep_trailing_newline=True)
    env.filters["cents"] = format_cents
    return env


def render(name: str, context: dict) -> str:
    return environment().get_template(name).render(**context)


def format_cents(cents: int, currency: str = "EUR") -> str:
    """1999 -> "19,99 €": German formatting, since every customer so far is in the eurozone."""
@@ mailer
    return f"{cents // 100},{cents % 100:02d} €"
@@ > negative-cents
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d} €"
'''),
    source("shop/notifications/templates/order_confirmation.txt", r'''
@@ mailer
Hello {{ name }},

thank you for your order {{ number }}.

{% for line in lines -%}
{{ line.quantity }} x {{ line.title }}  {{ line.amount_cents | cents }}
{% endfor %}
@@ confirmation-discount-line
{% if discount_cents %}Discount ({{ promo_code }}): -{{ discount_cents | cents }}
{% endif %}
@@ mailer
Shipping: {{ shipping_cents | cents }}
Total:    {{ total_cents | cents }} (incl. {{ tax_cents | cents }} VAT)

We will e-mail you again when your parcel leaves our warehouse.

Your shop team
'''),
    source("shop/notifications/templates/payment_failed.txt", r'''
@@ payment-events
Hello {{ name }},

the payment for your order {{ number }} did not go through, so we have not shipped it.

You can pay again within 24 hours from your order page; after that the order is cancelled
and the items go back on sale.

Your shop team
'''),
    source("shop/notifications/templates/shipped.txt", r'''
@@ shipped-email
Hello {{ name }},

your order {{ number }} is on its way with {{ carrier }}.

Track it here: {{ tracking_url }}

Your shop team
'''),
    source("shop/notifications/templates/refund_issued.txt", r'''
@@ refund-email
Hello {{ name }},

we have refunded {{ amount_cents | cents }} for your order {{ number }}.
{% if shipping_cents %}This includes the shipping cost of {{ shipping_cents | cents }}.
{% endif %}
Depending on your bank, the money will be back on your account in three to five working days.

Your shop team
'''),
    source("shop/notifications/sms.py", r'''
@@ sms
"""Shipping SMS through the SMS gateway's REST API.

Only one message exists: "your parcel is on its way", with the tracking link. Numbers are
normalised to E.164 before sending; a number we cannot normalise is skipped and logged,
never guessed.
"""

from __future__ import annotations

import logging
import re

import httpx

from shop.config import load_settings
from shop.events.bus import Event
from shop.shipping.labels import tracking_url

log = logging.getLogger(__name__)
E164 = re.compile(r"^\+[1-9]\d{7,14}$")
@@ sms-country-codes
COUNTRY_CODES = {"DE": "+49", "AT": "+43", "NL": "+31", "BE": "+32", "FR": "+33", "IT": "+39", "FI": "+358"}
@@ sms


def normalise(number: str, country: str) -> str | None:
    digits = re.sub(r"[^\d+]", "", number)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0"):
@@ sms
        digits = {"DE": "+49", "AT": "+43", "NL": "+31"}.get(country, "") + digits[1:]
@@ > sms-country-codes
        digits = COUNTRY_CODES.get(country, "") + digits[1:]
@@ sms
    return digits if E164.match(digits) else None


def send_shipped(event: Event) -> None:
    shipment = event.payload
    number = normalise(shipment.get("phone") or "", shipment["country"])
    if number is None:
        log.info("no usable phone number for order %s", shipment["number"])
        return
    settings = load_settings()
    link = tracking_url(shipment["carrier"], shipment["tracking_number"])
    httpx.post(
        settings.sms_api_url,
        headers={"Authorization": f"Bearer {settings.sms_api_token}"},
        json={"to": number, "text": f"Your order {shipment['number']} is on its way: {link}"},
        timeout=5.0,
    ).raise_for_status()
'''),
    source("shop/vendor/README.md", r'''
@@ mail-retry
# Vendored code

Third-party code copied into the repository, unchanged, so that it cannot change under us and
needs no extra dependency. Do not edit these files; replace them with a newer release instead.

| folder | project | version | licence |
|---|---|---|---|
| `backoff_lite/` | backoff-lite | 0.4.2 | MIT |
'''),
    source("shop/vendor/__init__.py", r'''
@@ mail-retry
'''),
    source("shop/vendor/backoff_lite/__init__.py", r'''
@@ mail-retry
"""backoff-lite 0.4.2: retry decorators with exponential backoff and full jitter. MIT licence."""

import functools
import logging
import random
import time

__version__ = "0.4.2"
__all__ = ["constant", "expo", "on_exception"]

logger = logging.getLogger("backoff_lite")


def expo(base=2, factor=1, max_value=None):
    """Generator of exponentially growing waits: factor * base ** n, capped at max_value."""
    n = 0
    while True:
        value = factor * base ** n
        if max_value is not None and value >= max_value:
            yield max_value
        else:
            yield value
            n += 1


def constant(interval=1):
    while True:
        yield interval


def full_jitter(value):
    return random.uniform(0, value)


def on_exception(wait_gen, exception, max_tries=None, max_time=None, jitter=full_jitter, **wait_kwargs):
    """Retry the decorated function when it raises `exception`, waiting per `wait_gen`."""

    def decorate(target):
        @functools.wraps(target)
        def retry(*args, **kwargs):
            waits = wait_gen(**wait_kwargs)
            tries = 0
            start = time.monotonic()
            while True:
                tries += 1
                try:
                    return target(*args, **kwargs)
                except exception as e:
                    elapsed = time.monotonic() - start
                    if (max_tries is not None and tries >= max_tries) or (
                        max_time is not None and elapsed >= max_time
                    ):
                        raise
                    seconds = jitter(next(waits)) if jitter else next(waits)
                    logger.info("backing off %s for %.1fs (%s: %s)", target.__name__, seconds, type(e).__name__, e)
                    time.sleep(seconds)

        return retry

    return decorate
'''),
]
