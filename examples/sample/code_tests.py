"""The shop's own test suite."""

from .model import source

SOURCES = [
    source("tests/__init__.py", r'''
@@ skeleton
'''),
    source("tests/conftest.py", r'''
@@ skeleton
"""Shared fixtures. Database tests run against the Postgres of docker-compose.yml (`make db`)."""

import os

import pytest

os.environ.setdefault("SHOP_ENV", "test")


@pytest.fixture
def eur():
    from shop.money import Money

    return lambda cents: Money(cents, "EUR")
@@ postgres


@pytest.fixture
def conn():
    """A connection in a transaction that is rolled back after the test, whatever it wrote."""
    from shop.db.session import engine

    with engine().connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()
'''),
    source("tests/test_money.py", r'''
@@ money
from decimal import Decimal

import pytest

from shop.money import CurrencyMismatch, Money


def test_cents_only():
    with pytest.raises(TypeError):
        Money(9.99)


def test_from_decimal_rounds_half_to_even():
    assert Money.from_decimal("0.125").cents == 12
    assert Money.from_decimal("0.135").cents == 14


def test_percent_of_price_includes_rounding():
    assert Money(999).percent(Decimal("19")).cents == 190


def test_no_mixing_currencies():
    with pytest.raises(CurrencyMismatch):
        Money(100, "EUR") + Money(100, "GBP")
@@ test-money-str


def test_str_never_goes_through_float():
    assert str(Money(1999)) == "19.99 EUR"
    assert str(Money(-5)) == "-0.05 EUR"
@@ money
@@ money-allocate


def test_allocate_adds_up():
    parts = Money(1000).allocate([1, 1, 1])
    assert [p.cents for p in parts] == [334, 333, 333]
    assert sum(p.cents for p in parts) == 1000


def test_allocate_by_weight():
    assert [p.cents for p in Money(100).allocate([3, 1])] == [75, 25]
@@ allocate-zero-weights


def test_allocate_zero_weights_splits_evenly():
    assert [p.cents for p in Money(10).allocate([0, 0, 0])] == [4, 3, 3]
'''),
    source("tests/test_refunds.py", r'''
@@ refunds-v1
import pytest

from shop.billing.refunds import OrderLine, OrderView, compute_refund
from shop.errors import InvalidRequest
from shop.money import Money
@@ refund-discount-cap
from shop.errors import Conflict
@@ refunds-v1


def order(lines, shipping=490, captured=None, refunded=0):
@@ refunds-v1
    captured = captured if captured is not None else sum(l.unit_price.cents * l.quantity for l in lines) + shipping
@@ > refund-discount-cap
    paid = sum(l.unit_price.cents * l.quantity - l.discount.cents for l in lines)
    captured = captured if captured is not None else paid + shipping
@@ refunds-v1
    return OrderView("260301-00007", lines, Money(shipping), Money(captured), Money(refunded), 0)


def test_refund_one_line():
@@ refunds-v1
    view = order([OrderLine("MUG-1", 2, Money(1200)), OrderLine("TEE-M", 1, Money(2500))])
@@ > refund-discount-cap
    view = order([OrderLine("MUG-1", 2, Money(1200), Money(0)), OrderLine("TEE-M", 1, Money(2500), Money(0))])
@@ refunds-v1
    plan = compute_refund(view, {"MUG-1": 1})
    assert plan.total == Money(1200)
    assert plan.shipping == Money(0)


def test_cannot_refund_more_than_bought():
@@ refunds-v1
    view = order([OrderLine("MUG-1", 2, Money(1200))])
@@ > refund-discount-cap
    view = order([OrderLine("MUG-1", 2, Money(1200), Money(0))])
@@ refunds-v1
    with pytest.raises(InvalidRequest):
        compute_refund(view, {"MUG-1": 3})
@@ refund-shipping


def test_full_return_refunds_shipping():
@@ refund-shipping
    view = order([OrderLine("MUG-1", 2, Money(1200))])
@@ > refund-discount-cap
    view = order([OrderLine("MUG-1", 2, Money(1200), Money(0))])
@@ refund-shipping
    assert compute_refund(view, {"MUG-1": 2}).shipping == Money(490)
@@ refund-discount-cap


def test_discount_comes_off_the_refund():
    view = order([OrderLine("MUG-1", 2, Money(1000), Money(200))])
    assert compute_refund(view, {"MUG-1": 2}).total == Money(1800 + 490)


def test_never_more_than_captured():
    view = order([OrderLine("MUG-1", 1, Money(1000), Money(0))], captured=500)
    with pytest.raises(Conflict):
        compute_refund(view, {"MUG-1": 1})
@@ refunds-prorate


def test_partial_quantities_add_up_to_the_line():
    line = OrderLine("MUG-1", 3, Money(1000), Money(100))
    first = compute_refund(order([line]), {"MUG-1": 1}).total
    assert first == Money(967)
'''),
    source("tests/test_promotions.py", r'''
@@ promotions
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from shop.cart.promotions import Kind, PromoCode, apply
from shop.errors import InvalidRequest
from shop.money import Money

NOW = datetime(2025, 9, 1, tzinfo=timezone.utc)


def test_percent_code_spreads_over_lines():
    promo = PromoCode("AUTUMN10", Kind.PERCENT, Decimal("10"), Money(0))
    discount = apply(promo, Money(3000), [Money(1000), Money(2000)], NOW)
    assert discount.order == Money(300)
    assert [d.cents for d in discount.per_line] == [100, 200]


def test_expired_code_is_refused():
    promo = PromoCode("SUMMER", Kind.PERCENT, Decimal("10"), Money(0), expires_at=NOW)
    with pytest.raises(InvalidRequest):
        apply(promo, Money(3000), [Money(3000)], NOW)
@@ promo-cap


def test_fixed_code_never_exceeds_the_subtotal():
    promo = PromoCode("SORRY50", Kind.FIXED, Decimal("50"), Money(0))
    assert apply(promo, Money(1999), [Money(1999)], NOW).order == Money(1999)
'''),
    source("tests/test_webhooks.py", r'''
@@ webhooks
import hashlib
import hmac
import json

import pytest

from shop.errors import InvalidRequest
from shop.payments.webhooks import verify_signature

SECRET = "whsec_test_only"


def sign(payload: bytes, timestamp: int) -> str:
    digest = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def test_valid_signature():
    payload = json.dumps({"id": "evt_1"}).encode()
    assert verify_signature(payload, sign(payload, 1000), SECRET, now=1010)["id"] == "evt_1"


def test_tampered_payload():
    payload = b'{"id": "evt_1"}'
    with pytest.raises(InvalidRequest):
        verify_signature(b'{"id": "evt_2"}', sign(payload, 1000), SECRET, now=1010)


def test_replay_after_tolerance():
    payload = b'{"id": "evt_1"}'
    with pytest.raises(InvalidRequest):
        verify_signature(payload, sign(payload, 1000), SECRET, now=1000 + 301)
@@ test-webhook-dedupe


def test_second_delivery_is_ignored(conn):
    from shop.payments.webhooks import already_processed

    assert already_processed(conn, "stripe", "evt_42") is False
    assert already_processed(conn, "stripe", "evt_42") is True
@@ webhooks
@@ webhook-clock


def test_timestamp_slightly_ahead_is_accepted():
    payload = b'{"id": "evt_1"}'
    assert verify_signature(payload, sign(payload, 1060), SECRET, now=1000)
'''),
    source("tests/test_rates.py", r'''
@@ shipping-rates
import pytest

from shop.money import Money
from shop.shipping import rates


@pytest.fixture(autouse=True)
def table(monkeypatch):
    monkeypatch.setattr(rates, "rate_table", lambda: {1: [490, 590, 690], 2: [990, 1190, 1390], 3: [1490, 1690]})


def test_free_shipping_in_germany_above_threshold():
    assert rates.quote("DE", 800, Money(7500)) == Money(0)


def test_no_free_shipping_abroad():
    assert rates.quote("AT", 800, Money(9000)) == Money(1190)


def test_heavy_parcels_use_the_last_band():
    assert rates.quote("DE", 25_000, Money(100)) == Money(690)
@@ rates-round-weight


@pytest.mark.parametrize("grams, band", [(1, 0), (500, 0), (501, 1), (1000, 1), (1001, 2)])
def test_bands_are_up_to(grams, band):
    assert rates.band_of(grams) == band
@@ rates-bulky


def test_bulky_goes_by_freight():
    assert rates.quote("DE", 40_000, Money(100)) == Money(690 + 4900)
'''),
    source("tests/test_outbox.py", r'''
@@ outbox
from shop.events.bus import EventBus
from shop.events.outbox import record_event, relay_once


def test_event_is_published_after_commit(conn, monkeypatch):
    seen = []
    bus = EventBus()
    bus.subscribe("order.placed", seen.append)
    monkeypatch.setattr("shop.events.outbox.bus", bus)
    record_event(conn, "order.placed", {"order_id": 1})
    assert seen == []
    conn.commit()
    relay_once()
    assert [e.topic for e in seen] == ["order.placed"]
'''),
    source("tests/test_notifications.py", r'''
@@ dedupe-emails
from uuid import uuid4

from shop.events.bus import Event
from shop.notifications import email


def test_same_event_sends_once(monkeypatch):
    sent = []
    claimed = set()
    monkeypatch.setattr(email, "_deliver", sent.append)
    monkeypatch.setattr(email, "_claim", lambda event, template: not (
        (event.id, template) in claimed or claimed.add((event.id, template))))
    event = Event("order.placed", {"email": "a@example.org", "number": "1", "name": "A", "lines": [],
                                   "shipping_cents": 0, "total_cents": 0, "tax_cents": 0}, uuid4())
    email.send_order_confirmation(event)
    email.send_order_confirmation(event)
    assert len(sent) == 1
@@ negative-cents


def test_cents_format():
    from shop.notifications.templates import format_cents

    assert format_cents(123456) == "1.234,56 €"
    assert format_cents(-990) == "-9,90 €"
'''),
    source("tests/test_passwords.py", r'''
@@ passwords
import bcrypt

from shop.auth.passwords import hash_password, verify


def test_roundtrip():
    stored = hash_password("correct horse battery")
    assert verify(stored, "correct horse battery") == (True, False)
    assert verify(stored, "wrong horse battery")[0] is False


def test_legacy_bcrypt_needs_rehash():
    stored = bcrypt.hashpw(b"old password 1", bcrypt.gensalt(rounds=4)).decode()
    assert verify(stored, "old password 1") == (True, True)
'''),
    source("tests/test_cart.py", r'''
@@ cart
import pytest

from shop.cart.cart import MAX_QUANTITY, Cart
from shop.errors import InvalidRequest
from shop.money import Money


def test_add_twice_adds_up():
    cart = Cart()
    cart.add("MUG-1")
    cart.add("MUG-1", 2)
    assert [(l.sku, l.quantity) for l in cart.lines] == [("MUG-1", 3)]


def test_quantity_is_capped():
    with pytest.raises(InvalidRequest):
        Cart().set_quantity("MUG-1", MAX_QUANTITY + 1)


def test_prices_come_from_the_catalog():
    cart = Cart()
    cart.add("MUG-1", 2)
    assert cart.priced({"MUG-1": Money(1200)}).subtotal == Money(2400)
@@ merge-carts


def test_merge_keeps_customer_code():
    from shop.cart.cart import merge

    guest, mine = Cart(promo_code="GUEST5"), Cart(customer_id=7, promo_code="VIP10")
    guest.add("MUG-1")
    merged = merge(guest, mine)
    assert merged.promo_code == "VIP10" and merged.lines[0].quantity == 1
'''),
    source("tests/test_reservations.py", r'''
@@ reservations
import uuid

import pytest

from shop.cart.cart import Cart
from shop.errors import OutOfStock
from shop.inventory.reservations import release_expired, reserve_cart


@pytest.fixture
def stock(conn):
    conn.exec_driver_sql("INSERT INTO stock_levels (sku, warehouse, on_hand, reserved) VALUES ('MUG-1', 'BER', 2, 0)")
    return conn


def test_reserve_and_release(stock):
    cart = Cart(uuid.uuid4())
    cart.add("MUG-1", 2)
    reserve_cart(stock, cart)
    with pytest.raises(OutOfStock):
        reserve_cart(stock, cart)
    from datetime import datetime, timedelta, timezone

    assert release_expired(stock, now=datetime.now(timezone.utc) + timedelta(hours=1)) == 1
'''),
]
