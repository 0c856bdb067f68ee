"""The shop's tests for tax, invoices, stock, shipping, messaging, auth, the API and the config."""

from .model import source

SOURCES = [
    source("tests/test_config.py", r'''
@@ test-config
import pytest

from shop import config


def test_environment_overrides_files(monkeypatch):
    config.load_settings.cache_clear()
    monkeypatch.setenv("SHOP_LOG_LEVEL", "WARNING")
    assert config.load_settings("test").log_level == "WARNING"


def test_unknown_keys_are_refused(monkeypatch, tmp_path):
    config.load_settings.cache_clear()
    (tmp_path / "settings.yaml").write_text("databse_url: typo\n")
    monkeypatch.setattr(config, "CONFIG_DIR", tmp_path)
    with pytest.raises(ValueError, match="databse_url"):
        config.load_settings("test")
'''),
    source("tests/test_tax.py", r'''
@@ test-tax
from decimal import Decimal

from shop.billing.tax import tax_in_gross, tax_for_lines
from shop.cart.cart import CartLine
from shop.money import Money


def test_tax_inside_a_gross_price():
    assert tax_in_gross(Money(11900), Decimal("19")) == Money(1900)


def test_tax_is_rounded_per_line():
    lines = [CartLine("MUG-1", 1, Money(999)), CartLine("MUG-2", 1, Money(999))]
    assert [t.amount.cents for t in tax_for_lines(lines, "DE")] == [160, 160]
@@ tax-rates-2026


def test_finland_rate():
    assert tax_for_lines([CartLine("MUG-1", 1, Money(12550))], "FI")[0].amount == Money(2550)
'''),
    source("tests/test_invoices.py", r'''
@@ test-invoices
from datetime import date
from decimal import Decimal

from shop.billing.invoices import Invoice, InvoiceLine
from shop.money import Money


def test_vat_is_summed_per_rate():
    invoice = Invoice("INV-2025-000001", "251013-00001", date(2025, 10, 13), [
        InvoiceLine("Mug", 2, Money(2380), Decimal("19"), Money(380)),
        InvoiceLine("Book", 1, Money(1070), Decimal("7"), Money(70)),
        InvoiceLine("Tea", 1, Money(1190), Decimal("19"), Money(190)),
    ])
    assert invoice.vat_by_rate() == {Decimal("7"): Money(70), Decimal("19"): Money(570)}
    assert invoice.gross_total == Money(4640)
@@ invoice-year


def test_numbers_restart_every_year(conn):
    from shop.billing.invoices import next_invoice_number

    assert next_invoice_number(conn, date(2026, 1, 2)).startswith("INV-2026-")
'''),
    source("tests/test_idempotency.py", r'''
@@ test-idempotency
from shop.payments.idempotency import idempotency_key


def test_same_movement_same_key():
    assert idempotency_key("251117-00003", "capture", 4990) == idempotency_key("251117-00003", "capture", 4990)


def test_second_refund_of_same_amount_gets_a_new_key():
    first = idempotency_key("251117-00003", "refund", 990, sequence=0)
    assert first != idempotency_key("251117-00003", "refund", 990, sequence=1)
'''),
    source("tests/test_provider.py", r'''
@@ test-provider
from dataclasses import replace

import pytest

from shop.config import Settings
from shop.payments.provider import get_provider


def test_stripe_is_the_default():
    assert get_provider(Settings(stripe_api_key="sk_test_x")).name == "stripe"


def test_adyen_by_setting():
    settings = replace(Settings(), payment_provider="adyen", adyen_api_key="k", adyen_merchant_account="ShopEU")
    assert get_provider(settings).name == "adyen"


def test_unknown_provider_names_the_valid_ones():
    with pytest.raises(ValueError, match="stripe, adyen"):
        get_provider(replace(Settings(), payment_provider="paypal"))
'''),
    source("tests/test_stripe_gateway.py", r'''
@@ test-void-captured
from types import SimpleNamespace

from shop.money import Money
from shop.payments.stripe_gateway import StripeGateway


class FakeIntents:
    def __init__(self, status):
        self.status, self.cancelled = status, False

    def retrieve(self, ref):
        return SimpleNamespace(status=self.status, amount_received=4990, currency="eur")

    def cancel(self, ref):
        self.cancelled = True


def test_void_of_captured_intent_refunds(monkeypatch):
    gateway = StripeGateway.__new__(StripeGateway)
    refunds = []
    gateway.client = SimpleNamespace(payment_intents=FakeIntents("succeeded"))
    monkeypatch.setattr(gateway, "refund", lambda ref, amount, idempotency_key: refunds.append(amount))
    gateway.void("pi_1")
    assert refunds == [Money(4990)]
'''),
    source("tests/test_orders.py", r'''
@@ test-orders
from datetime import datetime

import pytest

from shop.checkout.orders import Status, order_number, transition
from shop.errors import Conflict


def test_paid_order_can_be_refunded():
    assert transition(Status.PAID, Status.REFUNDED) is Status.REFUNDED


def test_cancelled_is_final():
    with pytest.raises(Conflict):
        transition(Status.CANCELLED, Status.PAID)


def test_order_number_reads_well():
    assert order_number(datetime(2026, 1, 14), 42) == "260114-00042"
@@ shipped-refunds


def test_returned_parcel_can_be_refunded():
    assert transition(Status.SHIPPED, Status.REFUNDED) is Status.REFUNDED
'''),
    source("tests/test_stock.py", r'''
@@ test-stock
from shop.inventory.stock import StockLevel


def test_available_never_negative():
    assert StockLevel("MUG-1", "BER", on_hand=2, reserved=5, low_stock_at=1).available == 0


def test_low_at_threshold():
    assert StockLevel("MUG-1", "BER", on_hand=6, reserved=1, low_stock_at=5).low
@@ stock-feed


def test_stocktake_books_the_difference(conn):
    from shop.inventory.stock import import_feed, levels

    conn.exec_driver_sql("INSERT INTO stock_levels (sku, warehouse, on_hand) VALUES ('MUG-1', 'BER', 10)")
    assert import_feed(conn, [{"sku": "MUG-1", "warehouse": "BER", "counted": "8"}]) == 1
    assert levels(conn, "MUG-1")[0].on_hand == 8
'''),
    source("tests/test_search.py", r'''
@@ test-search
from shop.catalog.search import search


def test_blank_query_finds_nothing(conn):
    assert search(conn, "   ") == []
@@ search-stemming


def test_german_plural_matches_singular(conn):
    conn.exec_driver_sql("INSERT INTO products (slug, title) VALUES ('tasse-blau', 'Blaue Tasse')")
    assert [p.slug for p in search(conn, "tassen")] == ["tasse-blau"]
'''),
    source("tests/test_importer.py", r'''
@@ catalog-import
import pytest

from shop.catalog.importer import read_rows
from shop.errors import InvalidRequest

CSV = "slug,title,description,sku,variant,price,weight_grams\nmug,Mug,,MUG-1,Blue,12.90,350\n"


def test_prices_become_cents():
    assert read_rows(CSV.encode())[0]["price_cents"] == 1290


def test_bad_price_names_the_row():
    with pytest.raises(InvalidRequest, match="row 2"):
        read_rows(CSV.replace("12.90", "twelve").encode())
@@ catalog-import-bom


def test_excel_byte_order_mark():
    assert read_rows(b"\xef\xbb\xbf" + CSV.encode())[0]["slug"] == "mug"
'''),
    source("tests/test_carriers.py", r'''
@@ test-carriers
from shop.shipping.carriers import choose_carrier

CARRIERS = {"parcelexpress": "PE", "parcelexpress-freight": "PEF", "ecopost": "EP"}


def test_germany_and_austria_by_parcelexpress():
    assert choose_carrier("AT", 2000, CARRIERS) == "PE"


def test_rest_of_eu_by_ecopost():
    assert choose_carrier("IT", 2000, CARRIERS) == "EP"


def test_bulky_by_freight_everywhere():
    assert choose_carrier("IT", 40_000, CARRIERS) == "PEF"
'''),
    source("tests/test_labels.py", r'''
@@ test-labels
from shop.shipping.carriers import Address, CreatedShipment
from shop.shipping.labels import buy_label, tracking_url


class CountingCarrier:
    name = "ecopost"

    def __init__(self):
        self.calls = 0

    def create_shipment(self, to, weight_grams, reference):
        self.calls += 1
        return CreatedShipment(self.name, "EP123", "https://labels.example/EP123.pdf")


def test_second_call_reuses_the_label(conn):
    carrier = CountingCarrier()
    to = Address("A", "Street 1", "10115", "Berlin", "DE")
    buy_label(conn, 1, carrier, to, 500)
    buy_label(conn, 1, carrier, to, 500)
    assert carrier.calls == 1


def test_tracking_page():
    assert tracking_url("ecopost", "EP123").endswith("consignment=EP123")
'''),
    source("tests/test_sms.py", r'''
@@ test-sms
import pytest

from shop.notifications.sms import normalise


@pytest.mark.parametrize("raw, country, expected", [
    ("0171 2345678", "DE", "+491712345678"),
    ("0043 664 1234567", "AT", "+436641234567"),
    ("+31 6 12345678", "NL", "+31612345678"),
    ("12", "DE", None),
])
def test_normalise(raw, country, expected):
    assert normalise(raw, country) == expected
'''),
    source("tests/test_bus.py", r'''
@@ test-bus
from shop.events.bus import EventBus


def test_handlers_run_in_subscription_order():
    bus, seen = EventBus(), []
    bus.subscribe("order.placed", lambda e: seen.append("first"))
    bus.subscribe("order.placed", lambda e: seen.append("second"))
    bus.publish("order.placed", {})
    assert seen == ["first", "second"]


def test_star_sees_everything():
    bus, seen = EventBus(), []
    bus.subscribe("*", lambda e: seen.append(e.topic))
    bus.publish("refund.issued", {})
    assert seen == ["refund.issued"]
'''),
    source("tests/test_tokens.py", r'''
@@ test-tokens
from datetime import datetime, timedelta, timezone

import jwt
import pytest

from shop.auth import tokens

PRIVATE = open("deploy/keys/jwt_signing.pem", "rb").read()
PUBLIC = open("deploy/keys/jwt_signing.pub", "rb").read()


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setattr(tokens, "_private_key", lambda: PRIVATE)


def test_roundtrip():
    claims = tokens.decode_access_token(tokens.issue_access_token(7, ["customer"]), PUBLIC)
    assert claims["sub"] == "7" and claims["scope"] == "customer"


def test_expired_token_is_refused():
    old = datetime.now(timezone.utc) - timedelta(hours=1)
    with pytest.raises(jwt.ExpiredSignatureError):
        tokens.decode_access_token(tokens.issue_access_token(7, [], now=old), PUBLIC)
'''),
    source("tests/test_sessions.py", r'''
@@ test-sessions
import fakeredis

from shop.auth.sessions import RefreshSessions


def test_rotation_returns_a_new_token():
    sessions = RefreshSessions(fakeredis.FakeRedis())
    token = sessions.start(7)
    session, new_token = sessions.rotate(token)
    assert session.customer_id == 7 and new_token != token


def test_reusing_a_retired_token_revokes_the_family():
    sessions = RefreshSessions(fakeredis.FakeRedis())
    first = sessions.start(7)
    _, second = sessions.rotate(first)
    assert sessions.rotate(first) is None
    assert sessions.rotate(second) is None
'''),
    source("tests/test_ratelimit.py", r'''
@@ test-rate-limit
import fakeredis
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shop.api import ratelimit
from shop.config import load_settings


def client(monkeypatch, limit: int) -> TestClient:
    monkeypatch.setenv("SHOP_RATE_LIMIT_PER_MINUTE", str(limit))
    load_settings.cache_clear()
    monkeypatch.setattr(ratelimit.redis.Redis, "from_url", lambda url: fakeredis.FakeRedis())
    app = FastAPI()
    app.add_middleware(ratelimit.RateLimitMiddleware)
    app.get("/products")(lambda: [])
    app.post("/webhooks/stripe")(lambda: {})
    return TestClient(app)


def test_over_the_limit_is_429(monkeypatch):
    api = client(monkeypatch, 2)
    assert [api.get("/products").status_code for _ in range(3)] == [200, 200, 429]


def test_webhooks_are_exempt(monkeypatch):
    api = client(monkeypatch, 1)
    assert all(api.post("/webhooks/stripe").status_code == 200 for _ in range(3))
'''),
]
