"""The shop's foundations: package, domain errors, settings, logging, database session and money."""

from .model import source

SOURCES = [
    source("shop/__init__.py", r'''
@@ skeleton
"""Shop: the online store's backend (catalog, cart, checkout, payments and fulfilment)."""

__version__ = "%%ver:shop%%"
'''),
    source("shop/errors.py", r'''
@@ skeleton
"""Domain errors. The API maps each class to one HTTP status in `shop.api.app`."""


class ShopError(Exception):
    """Base of every error the shop raises on purpose."""


class NotFound(ShopError):
    """A product, cart, order or customer that does not exist (404)."""


class Conflict(ShopError):
    """The request contradicts the current state: paying a paid order, say (409)."""


class InvalidRequest(ShopError):
    """Input that can never succeed, whatever the state (422)."""
@@ payments-v1


class PaymentDeclined(ShopError):
    """The payment provider refused the charge; the message is safe to show the customer (402)."""
@@ reservations


class OutOfStock(Conflict):
    """Not enough stock to reserve for a cart line."""

    def __init__(self, sku: str, wanted: int, available: int):
        super().__init__(f"{sku}: {wanted} wanted, {available} available")
        self.sku, self.wanted, self.available = sku, wanted, available
'''),
    source("shop/config.py", r'''
@@ skeleton
"""Settings: `config/settings.yaml`, then `config/<SHOP_ENV>.yaml`, then `SHOP_*` variables.

Later sources win. Every setting has a default here, so a key missing from a file never
surprises production, and an unknown key is an error rather than a silently ignored typo.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = "postgresql://shop:shop@localhost:5432/shop"
    currency: str = "EUR"
    log_level: str = "INFO"
@@ payments-v1
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
@@ > provider-interface
    payment_provider: str = "stripe"
    stripe_api_key: str = ""
    stripe_webhook_secret: str = ""
    adyen_api_key: str = ""
    adyen_merchant_account: str = ""
    adyen_hmac_key: str = ""
@@ mailer
    smtp_host: str = "localhost"
    smtp_port: int = 1025
    smtp_user: str = ""
    smtp_password: str = ""
    mail_from: str = "orders@shop.example"
@@ sms
    sms_api_url: str = "https://sms.gateway.example/v2/messages"
    sms_api_token: str = ""
@@ shipping-rates
    free_shipping_threshold_cents: int = 7500
@@ reservations
    reservation_ttl_minutes: int = 15
@@ tokens
    jwt_private_key_path: str = "deploy/keys/jwt_signing.pem"
    access_token_minutes: int = 15
    refresh_token_days: int = 30
@@ redis-sessions
    redis_url: str = "redis://localhost:6379/0"
@@ rate-limit
    rate_limit_per_minute: int = 120
@@ skeleton


@lru_cache(maxsize=4)
def load_settings(env: str | None = None) -> Settings:
    """The layered settings for `env` (default: `SHOP_ENV`, else development)."""
    env = env or os.environ.get("SHOP_ENV", "development")
    values: dict = {"env": env}
    for name in ("settings.yaml", f"{env}.yaml"):
        values.update(_read_yaml(CONFIG_DIR / name))
    values.update(_from_environment())
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(unknown)} (see shop/config.py for the valid ones)")
    return Settings(**values)


def _read_yaml(path: Path) -> dict:
    """Top-level keys as they are, one level of nesting flattened: `smtp: {port: 25}` is `smtp_port`."""
    if not path.exists():
        return {}
    with path.open() as handle:
        data = yaml.safe_load(handle) or {}
    flat: dict = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update({f"{key}_{inner}": v for inner, v in value.items()})
        else:
            flat[key] = value
    return flat


def _from_environment() -> dict:
    """`SHOP_DATABASE_URL=...` sets `database_url`; integer settings are converted."""
    values: dict = {}
    for f in fields(Settings):
        raw = os.environ.get(f"SHOP_{f.name.upper()}")
        if raw is not None:
            values[f.name] = int(raw) if f.type == "int" else raw
    return values
'''),
    source("shop/logging.py", r'''
@@ logging
"""Logging as one JSON object per line, which is what the log shipper indexes.

`log.info("payment provider call", provider="stripe", ms=212)` works as with structlog: extra
keyword arguments become fields of the JSON line. Call `configure()` once at start-up.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

from shop.config import load_settings

RESERVED = set(vars(logging.makeLogRecord({})))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in RESERVED})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class FieldsAdapter(logging.LoggerAdapter):
    """Accepts keyword fields: `log.info("message", order="260114-00042")`."""

    def log(self, level, msg, *args, **fields):
        exc_info = fields.pop("exc_info", None)
        super().log(level, msg, *args, extra=fields, exc_info=exc_info)


def get_logger(name: str) -> FieldsAdapter:
    return FieldsAdapter(logging.getLogger(name), {})


def configure() -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=load_settings().log_level, handlers=[handler], force=True)
'''),
    source("shop/db/__init__.py", r'''
@@ skeleton
"""Database access: one engine per process, and transactions as context managers."""

from shop.db.session import engine, read_only, transaction

__all__ = ["engine", "read_only", "transaction"]
'''),
    source("shop/db/session.py", r'''
@@ skeleton
"""The SQLAlchemy engine and the unit of work.

Every write goes through `transaction()`: one connection, one transaction, committed when the
block ends and rolled back on any exception. Domain code never commits by itself; that is what
lets the outbox store an event in the same transaction as the order that caused it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, text

from shop.config import load_settings


@lru_cache(maxsize=1)
def engine() -> Engine:
    settings = load_settings()
    return create_engine(
        settings.database_url,
@@ skeleton
        pool_size=10,
        max_overflow=5,
@@ > db-pool-size
        # Two worker hosts since February: 20 per process keeps the total under Postgres'
        # max_connections (200) with both API hosts at full scale.
        pool_size=20,
        max_overflow=5,
@@ skeleton
        pool_pre_ping=True,
@@ statement-timeout
        # A runaway report once held locks on `orders` for minutes (ENG-7): no statement may
        # run longer than five seconds on the web path. Batch jobs use their own engine.
        connect_args={"options": "-c statement_timeout=5000"},
@@ skeleton
    )


@contextmanager
def transaction() -> Iterator[Connection]:
    """A connection inside a transaction: committed at the end of the block, rolled back on error."""
    with engine().begin() as conn:
        yield conn


@contextmanager
def read_only() -> Iterator[Connection]:
    """A connection for queries only; Postgres refuses any write made through it."""
    with engine().connect() as conn:
        conn.execute(text("SET TRANSACTION READ ONLY"))
        yield conn
        conn.rollback()
'''),
    source("shop/money.py", r'''
@@ money
"""Money as integer cents with a currency.

Floats never hold a price: 0.1 + 0.2 is not 0.3, and a basket of thirty lines drifts by a cent
often enough for finance to notice. Amounts are integer cents end to end: BIGINT columns, cents
in the API, formatting only in the web client. The decision and the options we rejected are in
docs/adr/0002-store-money-as-integer-cents.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal


class CurrencyMismatch(ValueError):
    """Adding euros to pounds is a bug, never a conversion."""


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if not isinstance(self.cents, int) or isinstance(self.cents, bool):
            raise TypeError(f"Money needs integer cents, got {type(self.cents).__name__}")

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(0, currency)

    @classmethod
    def from_decimal(cls, amount: Decimal | str, currency: str = "EUR") -> Money:
        """Parse an amount such as "12.345", rounding half to even as our payment provider does."""
        cents = (Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return cls(int(cents), currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.cents, self.currency)

    def times(self, quantity: int) -> Money:
        return Money(self.cents * quantity, self.currency)

    def percent(self, rate: Decimal) -> Money:
        """`rate` percent of this amount, rounded half to even (19% VAT of 9.99 is 1.90)."""
        cents = (Decimal(self.cents) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return Money(int(cents), self.currency)
@@ money-allocate

    def allocate(self, weights: list[int]) -> list[Money]:
@@ money-allocate
        """Split into parts proportional to `weights` that add up to exactly this amount.

        Largest remainder: every part gets its floor, then the cents left over go one by one to
        the parts with the largest remainders, ties to the earliest. Discounts are spread over
        order lines this way, and refunds take back exactly what was spread.
        """
@@ > allocate-zero-weights
        """Split into parts proportional to `weights` that add up to exactly this amount.

        Largest remainder: every part gets its floor, then the cents left over go one by one to
        the parts with the largest remainders, ties to the earliest. Discounts are spread over
        order lines this way, and refunds take back exactly what was spread. Weights that are
        all zero (an order of free samples) split evenly instead of dividing by zero.
        """
        if weights and not any(weights):
            weights = [1] * len(weights)
@@ money-allocate
        total = sum(weights)
        if total <= 0:
            raise ValueError("allocate needs at least one positive weight")
        shares = [self.cents * w // total for w in weights]
        remainders = [(self.cents * w % total, -i) for i, w in enumerate(weights)]
        for _, negative_index in sorted(remainders, reverse=True)[: self.cents - sum(shares)]:
            shares[-negative_index] += 1
        return [Money(s, self.currency) for s in shares]
@@ money

    def to_decimal(self) -> Decimal:
        return Decimal(self.cents).scaleb(-2)

    def __str__(self) -> str:
        return f"{self.to_decimal():.2f} {self.currency}"

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency}")
@@ money-sum


def total(amounts: list[Money], currency: str = "EUR") -> Money:
    """The sum of `amounts`; zero in `currency` for an empty list (the builtin sum starts at int 0)."""
    result = Money.zero(currency)
    for amount in amounts:
        result += amount
    return result
'''),
]
