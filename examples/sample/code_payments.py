"""Payments: the provider interface, Stripe and Adyen gateways, webhooks, idempotency keys."""

from .model import source

PAYMENTS_MOVE = "move-payments"

SOURCES = [
    source("shop/payments/__init__.py", r'''
@@ move-payments
"""Taking money: the provider interface, its Stripe and Adyen implementations, and their webhooks.

Moved out of `shop.billing` (SHOP-31): billing decides how much is owed or refunded, payments
moves the money, and the two now change for different reasons and by different people.
"""
'''),
    source("shop/payments/provider.py", r'''
@@ payments-v1
"""The payment provider interface: authorise, capture, refund, void.

Checkout and billing depend on `PaymentProvider` only, never on a provider's SDK, so a
provider can be replaced or a second one added without touching them (see
docs/adr/0006-payment-providers-behind-an-interface.md, which replaced the Stripe-only
decision of docs/adr/0003-use-stripe-for-card-payments.md).
"""

from __future__ import annotations

@@ provider-timing
import time
@@ payments-v1
from dataclasses import dataclass
from typing import Protocol

@@ payments-v1
import stripe

@@ > provider-interface
@@ payments-v1
from shop.config import Settings
from shop.money import Money


@dataclass(frozen=True)
class Authorization:
    reference: str
    amount: Money
    status: str  # authorized | requires_action | declined
    client_secret: str | None = None  # for 3-D Secure in the browser


class PaymentProvider(Protocol):
    name: str

    def authorize(self, amount: Money, payment_method: str, reference: str) -> Authorization: ...

    def capture(self, authorization_ref: str, amount: Money, idempotency_key: str) -> None: ...

    def refund(self, authorization_ref: str, amount: Money, idempotency_key: str) -> str: ...

    def void(self, authorization_ref: str) -> None: ...
@@ payments-v1


class StripeProvider:
    name = "stripe"

    def __init__(self, api_key: str):
        stripe.api_key = api_key

    def authorize(self, amount: Money, payment_method: str, reference: str) -> Authorization:
        intent = stripe.PaymentIntent.create(amount=amount.cents, currency=amount.currency.lower(),
                                             payment_method=payment_method, capture_method="manual",
                                             confirm=True, metadata={"order": reference})
        return Authorization(intent.id, amount, "authorized")

    def capture(self, authorization_ref: str, amount: Money, idempotency_key: str) -> None:
        stripe.PaymentIntent.capture(authorization_ref, amount_to_capture=amount.cents)

    def refund(self, authorization_ref: str, amount: Money, idempotency_key: str) -> str:
        return stripe.Refund.create(payment_intent=authorization_ref, amount=amount.cents).id

    def void(self, authorization_ref: str) -> None:
        stripe.PaymentIntent.cancel(authorization_ref)


def get_provider(settings: Settings) -> PaymentProvider:
    return StripeProvider(settings.stripe_api_key)
@@ > provider-interface
@@ provider-interface


PROVIDERS = ("stripe", "adyen")


def get_provider(settings: Settings) -> PaymentProvider:
    """The provider named by the `payment_provider` setting.

    Imports are local so that a deployment only needs the SDK of the provider it uses.
    """
    if settings.payment_provider == "stripe":
        from shop.payments.stripe_gateway import StripeGateway

        return StripeGateway(settings.stripe_api_key)
@@ adyen
    if settings.payment_provider == "adyen":
        from shop.payments.adyen_gateway import AdyenGateway

        return AdyenGateway(settings.adyen_api_key, settings.adyen_merchant_account)
@@ provider-interface
    raise ValueError(f"payment_provider {settings.payment_provider!r}: choose one of {', '.join(PROVIDERS)}")
@@ provider-timing


class TimedProvider:
    """Wraps a provider to log each call's duration: provider latency was invisible in incidents (ENG-19)."""

    def __init__(self, inner: PaymentProvider, log):
        self.inner, self.log, self.name = inner, log, inner.name

    def __getattr__(self, method: str):
        call = getattr(self.inner, method)

        def timed(*args, **kwargs):
            started = time.monotonic()
            try:
                return call(*args, **kwargs)
            finally:
                self.log.info("payment provider call", provider=self.name, method=method,
                              ms=round((time.monotonic() - started) * 1000))

        return timed
''', moves=[(PAYMENTS_MOVE, "shop/billing/payments.py")]),
    source("shop/payments/stripe_gateway.py", r'''
@@ provider-interface
"""Stripe as a `PaymentProvider`: PaymentIntents with manual capture.

We authorise when the order is placed and capture when the warehouse ships, so nobody pays for
something that turns out to be out of stock. An authorisation holds for seven days on cards;
docs/runbooks/payments.md says what to do with orders not shipped after six.
"""

from __future__ import annotations

import stripe

from shop.errors import PaymentDeclined
from shop.money import Money
from shop.payments.provider import Authorization

DECLINE_MESSAGES = {
    "card_declined": "Your card was declined.",
    "expired_card": "Your card has expired.",
    "insufficient_funds": "Your card has insufficient funds.",
    "incorrect_cvc": "The card's security code is incorrect.",
}


class StripeGateway:
    name = "stripe"

    def __init__(self, api_key: str):
        self.client = stripe.StripeClient(api_key, max_network_retries=2)

    def authorize(self, amount: Money, payment_method: str, reference: str) -> Authorization:
        try:
            intent = self.client.payment_intents.create(params={
                "amount": amount.cents,
                "currency": amount.currency.lower(),
                "payment_method": payment_method,
                "capture_method": "manual",
                "confirm": True,
                "metadata": {"order": reference},
            })
        except stripe.CardError as exc:
            raise PaymentDeclined(DECLINE_MESSAGES.get(exc.code or "", "Your payment was declined.")) from exc
        if intent.status == "requires_action":
            return Authorization(intent.id, amount, "requires_action", intent.client_secret)
        return Authorization(intent.id, amount, "authorized")

    def capture(self, authorization_ref: str, amount: Money, idempotency_key: str) -> None:
        """Capture up to the authorised amount; less when part of the order was cancelled."""
        self.client.payment_intents.capture(
            authorization_ref, params={"amount_to_capture": amount.cents},
            options={"idempotency_key": idempotency_key},
        )

    def refund(self, authorization_ref: str, amount: Money, idempotency_key: str) -> str:
        refund = self.client.refunds.create(
            params={"payment_intent": authorization_ref, "amount": amount.cents},
            options={"idempotency_key": idempotency_key},
        )
        return refund.id

    def void(self, authorization_ref: str) -> None:
@@ provider-interface
        self.client.payment_intents.cancel(authorization_ref)
@@ > void-captured
        intent = self.client.payment_intents.retrieve(authorization_ref)
        if intent.status == "succeeded":
            # Already captured (the capture job ran first): voiding is a full refund now.
            self.refund(authorization_ref, Money(intent.amount_received, intent.currency.upper()),
                        idempotency_key=f"void-{authorization_ref}")
            return
        self.client.payment_intents.cancel(authorization_ref)
'''),
    source("shop/payments/adyen_gateway.py", r'''
@@ adyen
"""Adyen as a `PaymentProvider`, the fallback when Stripe is unavailable in a market.

Adyen's amounts are minor units too (`value` in cents), so `Money` maps directly. Adyen
confirms captures and refunds asynchronously: the calls here return once the request is
accepted, and the `CAPTURE` / `REFUND` notifications complete them (see webhooks.py).
"""

from __future__ import annotations

import httpx

from shop.errors import PaymentDeclined
from shop.money import Money
from shop.payments.provider import Authorization

API = "https://checkout-test.adyen.com/v71"


class AdyenGateway:
    name = "adyen"

    def __init__(self, api_key: str, merchant_account: str):
        self.merchant_account = merchant_account
        self.http = httpx.Client(base_url=API, headers={"X-API-Key": api_key}, timeout=10.0)
@@ adyen-timeout
        # Adyen answers in about 300 ms; a 10 s wait held a checkout worker for nothing (SHOP-62).
        self.http.timeout = httpx.Timeout(4.0, connect=2.0)
@@ adyen

    def authorize(self, amount: Money, payment_method: str, reference: str) -> Authorization:
        response = self._post("/payments", {
            "amount": {"value": amount.cents, "currency": amount.currency},
            "paymentMethod": {"type": "scheme", "storedPaymentMethodId": payment_method},
            "reference": reference,
            "merchantAccount": self.merchant_account,
            "additionalData": {"manualCapture": "true"},
        })
        if response["resultCode"] == "Refused":
            raise PaymentDeclined(response.get("refusalReason", "Your payment was declined."))
        return Authorization(response["pspReference"], amount, "authorized")

    def capture(self, authorization_ref: str, amount: Money, idempotency_key: str) -> None:
        self._post(f"/payments/{authorization_ref}/captures", self._amount(amount), idempotency_key)

    def refund(self, authorization_ref: str, amount: Money, idempotency_key: str) -> str:
        answer = self._post(f"/payments/{authorization_ref}/refunds", self._amount(amount), idempotency_key)
        return answer["pspReference"]

    def void(self, authorization_ref: str) -> None:
        self._post(f"/payments/{authorization_ref}/cancels", {"merchantAccount": self.merchant_account})

    def _amount(self, amount: Money) -> dict:
        return {"amount": {"value": amount.cents, "currency": amount.currency},
                "merchantAccount": self.merchant_account}

    def _post(self, path: str, body: dict, idempotency_key: str | None = None) -> dict:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        response = self.http.post(path, json=body, headers=headers)
        response.raise_for_status()
        return response.json()
'''),
    source("shop/payments/idempotency.py", r'''
@@ capture-idempotency
"""Idempotency keys for calls that move money.

A capture or refund retried after a timeout must not move the money twice. Each call gets a
key derived from what it does (order, operation, amount, attempt group), so a retry of the same
operation reuses the key and the provider returns the first result instead of acting again
(docs/decisions/0004-idempotent-payment-webhooks.md covers the incoming side).
"""

from __future__ import annotations

import hashlib


def idempotency_key(order_number: str, operation: str, amount_cents: int, sequence: int = 0) -> str:
    """Stable key for one money movement: `capture`, `refund` (with the refund's sequence) or `void`.

    Two partial refunds of the same amount are different movements, hence `sequence`: the
    number of refunds the order had before this one.
    """
    raw = f"{order_number}:{operation}:{amount_cents}:{sequence}"
    return f"shop-{operation}-{hashlib.sha256(raw.encode()).hexdigest()[:32]}"
''', moves=[(PAYMENTS_MOVE, "shop/billing/idempotency.py")]),
    source("shop/payments/webhooks.py", r'''
@@ webhooks
"""Incoming payment webhooks: verify, de-duplicate, apply.

Stripe signs each delivery (`Stripe-Signature: t=<unix time>,v1=<hex hmac>`); we recompute
the HMAC-SHA256 of "<t>.<raw body>" with the endpoint secret and refuse anything unsigned,
mis-signed or older than the tolerance, which stops replays of captured requests.
"""

from __future__ import annotations

@@ adyen-notifications
import base64
@@ webhooks
import hashlib
import hmac
import json
@@ webhook-unknown-events
import logging
@@ webhooks
import time

@@ payment-events
from shop.events.bus import bus
@@ > outbox
from shop.events.outbox import record_event
@@ webhooks
from shop.errors import InvalidRequest

@@ webhook-unknown-events
log = logging.getLogger(__name__)
@@ webhooks
TOLERANCE_SECONDS = 300


def verify_signature(payload: bytes, header: str, secret: str, now: float | None = None) -> dict:
    """The event in `payload` if `header` is a valid signature of it; InvalidRequest otherwise."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    timestamp, signature = parts.get("t"), parts.get("v1")
    if not timestamp or not signature:
        raise InvalidRequest("webhook without a signature")
@@ webhooks
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
@@ > webhook-clock
    # Stripe retries with the original timestamp; only reject what is too old, never what is
    # a little ahead of our clock (a drifting node rejected every webhook for an hour: SHOP-64).
    if (now or time.time()) - int(timestamp) > TOLERANCE_SECONDS:
@@ webhooks
        raise InvalidRequest("webhook timestamp outside the tolerance")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise InvalidRequest("webhook signature does not match")
    return json.loads(payload)
@@ webhook-idempotency


def already_processed(conn, provider: str, event_id: str) -> bool:
    """Record the event as processed; True when it already was.

    Providers deliver at least once: the same event can arrive twice, minutes apart, or twice
    at once on two workers. The insert is the lock: whichever worker inserts first applies the
    event, the other sees the conflict and does nothing (docs/decisions/0004-idempotent-payment-webhooks.md).
    """
    inserted = conn.exec_driver_sql(
        "INSERT INTO processed_webhook_events (provider, event_id) VALUES (%s, %s)"
        " ON CONFLICT DO NOTHING RETURNING event_id",
        (provider, event_id),
    ).first()
    return inserted is None
@@ webhooks


def handle_stripe_event(conn, event: dict) -> None:
    """Apply one verified Stripe event to our payments table."""
@@ webhook-idempotency
    if already_processed(conn, "stripe", event["id"]):
        return
@@ webhooks
    intent = event["data"]["object"]
    if event["type"] == "payment_intent.succeeded":
        conn.exec_driver_sql(
            "UPDATE payments SET status = 'captured', captured_cents = %s WHERE provider_ref = %s",
            (intent["amount_received"], intent["id"]),
        )
@@ payment-events
        publish_payment_event(conn, "payment.captured", intent)
@@ webhooks
    elif event["type"] == "payment_intent.payment_failed":
        conn.exec_driver_sql("UPDATE payments SET status = 'failed' WHERE provider_ref = %s", (intent["id"],))
@@ payment-events
        publish_payment_event(conn, "payment.failed", intent)
@@ webhooks
    elif event["type"] == "charge.refunded":
        conn.exec_driver_sql(
            "UPDATE payments SET refunded_cents = %s WHERE provider_ref = %s",
            (intent["amount_refunded"], intent["payment_intent"]),
        )
@@ webhook-unknown-events
    else:
        # Stripe sends every event type the endpoint is subscribed to; new types appear without
        # notice. Acknowledge them so Stripe stops retrying, and leave a trace.
        log.info("ignoring stripe event %s (%s)", event["id"], event["type"])
@@ payment-events


def publish_payment_event(conn, topic: str, intent: dict) -> None:
    """Tell the rest of the shop (emails, fulfilment) that a payment changed."""
    order = conn.exec_driver_sql(
        "SELECT o.id, o.number FROM orders o JOIN payments p ON p.order_id = o.id WHERE p.provider_ref = %s",
        (intent["id"],),
    ).first()
    bus.publish(topic, {"order_id": order.id, "number": order.number, "provider_ref": intent["id"]})
@@ > outbox


def publish_payment_event(conn, topic: str, intent: dict) -> None:
    """Tell the rest of the shop (emails, fulfilment) that a payment changed, through the outbox."""
    order = conn.exec_driver_sql(
        "SELECT o.id, o.number FROM orders o JOIN payments p ON p.order_id = o.id WHERE p.provider_ref = %s",
        (intent["id"],),
    ).first()
    record_event(conn, topic, {"order_id": order.id, "number": order.number, "provider_ref": intent["id"]})
@@ adyen-notifications


def verify_adyen_hmac(item: dict, hmac_key: str) -> bool:
    """Adyen signs each notification item: HMAC-SHA256 over eight fields joined by ":" (SHOP-77).

    Work in progress: verification is done, applying CAPTURE and REFUND notifications is not.
    """
    amount = item.get("amount", {})
    fields = [item.get("pspReference", ""), item.get("originalReference", ""), item.get("merchantAccountCode", ""),
              item.get("merchantReference", ""), str(amount.get("value", "")), amount.get("currency", ""),
              item.get("eventCode", ""), item.get("success", "")]
    key = bytes.fromhex(hmac_key)
    expected = base64.b64encode(hmac.new(key, ":".join(fields).encode(), hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, item.get("additionalData", {}).get("hmacSignature", ""))
''', moves=[(PAYMENTS_MOVE, "shop/billing/stripe_webhooks.py")]),
]
