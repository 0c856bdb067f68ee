"""Cart, promotions and checkout: what the customer does before paying."""

from .model import source

SOURCES = [
    source("shop/cart/__init__.py", r'''
@@ cart
"""Shopping carts: lines of SKUs and quantities, priced fresh from the catalog on every read."""
'''),
    source("shop/cart/cart.py", r'''
@@ cart
"""The cart: what a customer intends to buy, before any stock is reserved or money moves.

A cart stores SKUs and quantities only. Prices come from the catalog whenever the cart is
read, so a price change reaches carts at once and nobody checks out at a stale price.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from shop.errors import InvalidRequest
from shop.money import Money, total

MAX_QUANTITY = 20
@@ cart-max-lines
MAX_LINES = 50  # a reseller's script once built a 4,000-line cart and timed out checkout
@@ cart


@dataclass
class CartLine:
    sku: str
    quantity: int
    unit_price: Money = Money(0)

    @property
    def amount(self) -> Money:
        return self.unit_price.times(self.quantity)


@dataclass
class Cart:
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    customer_id: int | None = None
    lines: list[CartLine] = field(default_factory=list)
@@ promotions
    promo_code: str | None = None
@@ cart

    def set_quantity(self, sku: str, quantity: int) -> None:
        """Set a line's quantity; zero removes the line."""
        if not 0 <= quantity <= MAX_QUANTITY:
            raise InvalidRequest(f"quantity must be between 0 and {MAX_QUANTITY}")
@@ cart-max-lines
        if quantity and sku not in {line.sku for line in self.lines} and len(self.lines) >= MAX_LINES:
            raise InvalidRequest(f"a cart holds at most {MAX_LINES} different items")
@@ cart
        self.lines = [line for line in self.lines if line.sku != sku]
        if quantity:
            self.lines.append(CartLine(sku, quantity))

    def add(self, sku: str, quantity: int = 1) -> None:
        current = next((line.quantity for line in self.lines if line.sku == sku), 0)
        self.set_quantity(sku, min(current + quantity, MAX_QUANTITY))

    def priced(self, prices: dict[str, Money]) -> Cart:
        """This cart with current unit prices filled in."""
        lines = [CartLine(line.sku, line.quantity, prices[line.sku]) for line in self.lines]
@@ cart
        return Cart(self.id, self.customer_id, lines)
@@ > promotions
        return Cart(self.id, self.customer_id, lines, self.promo_code)
@@ cart

    @property
    def subtotal(self) -> Money:
        return total([line.amount for line in self.lines])

@@ cart
    @property
    def weight_grams(self) -> int:
        return sum(line.quantity for line in self.lines)
@@ > cart-weight
    def weight_grams(self, weights: dict[str, int]) -> int:
        """Shipping weight: the variants' weights times quantities (the old version counted items)."""
        return sum(weights[line.sku] * line.quantity for line in self.lines)
@@ merge-carts


def merge(guest: Cart, customer: Cart) -> Cart:
    """The customer's cart after logging in with a guest cart (GH-14).

    Quantities of a SKU in both carts add up, capped at MAX_QUANTITY; the customer's promo code
    wins over the guest's because it was entered by the signed-in person.
    """
    merged = Cart(customer.id, customer.customer_id, list(customer.lines), customer.promo_code)
    for line in guest.lines:
        merged.add(line.sku, line.quantity)
    merged.promo_code = customer.promo_code or guest.promo_code
    return merged
'''),
    source("shop/cart/store.py", r'''
@@ cart-api
"""Carts in Redis: one JSON document per cart, kept 30 days after the last change."""

from __future__ import annotations

import json
from uuid import UUID

import redis

from shop.cart.cart import Cart, CartLine
from shop.config import load_settings

TTL_SECONDS = 30 * 24 * 3600


def _redis() -> redis.Redis:
    return redis.Redis.from_url(load_settings().redis_url)


def load_cart(cart_id: UUID | str) -> Cart:
    """The stored cart, or a new empty one with this id (a cart id in a cookie can outlive Redis)."""
    raw = _redis().get(f"cart:{cart_id}")
    if raw is None:
        return Cart(UUID(str(cart_id)))
    data = json.loads(raw)
    lines = [CartLine(line["sku"], line["quantity"]) for line in data["lines"]]
@@ cart-api
    return Cart(UUID(data["id"]), data.get("customer_id"), lines)
@@ > promotions
    return Cart(UUID(data["id"]), data.get("customer_id"), lines, data.get("promo_code"))
@@ cart-api


def save_cart(cart: Cart) -> None:
    data = {
        "id": str(cart.id),
        "customer_id": cart.customer_id,
        "lines": [{"sku": line.sku, "quantity": line.quantity} for line in cart.lines],
@@ promotions
        "promo_code": cart.promo_code,
@@ cart-api
    }
    _redis().set(f"cart:{cart.id}", json.dumps(data), ex=TTL_SECONDS)
'''),
    source("shop/cart/promotions.py", r'''
@@ promotions
"""Promo codes: percentage off, a fixed amount off, or free shipping.

One code per order. A code's discount is computed on the subtotal and then spread over the
order lines in proportion to their amounts (`Money.allocate`), so that a later partial refund
gives back exactly the discount that line received.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import Connection, func, select

from shop.db.tables import promo_codes
from shop.errors import InvalidRequest
from shop.money import Money


class Kind(Enum):
    PERCENT = "percent"
    FIXED = "fixed"
    FREE_SHIPPING = "free_shipping"


@dataclass(frozen=True)
class PromoCode:
    code: str
    kind: Kind
    value: Decimal
    min_subtotal: Money
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Discount:
    order: Money
    per_line: list[Money]
    free_shipping: bool = False


def apply(promo: PromoCode, subtotal: Money, line_amounts: list[Money], now: datetime) -> Discount:
    """The discount `promo` gives an order with these line amounts at `now`."""
    check(promo, subtotal, now)
    if promo.kind is Kind.FREE_SHIPPING:
        return Discount(Money.zero(subtotal.currency), [Money.zero(subtotal.currency)] * len(line_amounts), True)
    if promo.kind is Kind.PERCENT:
        amount = subtotal.percent(promo.value)
    else:
@@ promotions
        amount = Money.from_decimal(promo.value, subtotal.currency)
@@ > promo-cap
        # A fixed code larger than the order must not make the total negative (GH-22).
        amount = min(Money.from_decimal(promo.value, subtotal.currency), subtotal)
@@ promotions
    return Discount(amount, amount.allocate([a.cents for a in line_amounts]))


def load_code(conn: Connection, code: str) -> PromoCode:
    """The promo code as stored; codes are case-insensitive because customers type them."""
    row = conn.execute(select(promo_codes).where(func.upper(promo_codes.c.code) == code.upper())).first()
    if row is None:
        raise InvalidRequest(f"unknown promo code {code}")
    return PromoCode(row.code, Kind(row.kind), Decimal(row.value), Money(row.min_subtotal_cents), row.expires_at)


def check(promo: PromoCode, subtotal: Money, now: datetime) -> None:
    if promo.expires_at is not None and now >= promo.expires_at:
        raise InvalidRequest(f"promo code {promo.code} has expired")
    if subtotal < promo.min_subtotal:
        raise InvalidRequest(f"promo code {promo.code} needs a subtotal of at least {promo.min_subtotal}")
'''),
    source("shop/checkout/__init__.py", r'''
@@ checkout
"""Checkout: turning a cart into an order, with stock reserved and the payment authorised."""
'''),
    source("shop/checkout/orders.py", r'''
@@ checkout
"""The order's life: statuses and the transitions allowed between them.

    pending -> paid -> fulfilled -> shipped -> delivered
       |        |
       v        v
    cancelled  refunded (fully; partial refunds keep the status and record a refund)
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from shop.errors import Conflict


class Status(Enum):
    PENDING = "pending"
    PAID = "paid"
    FULFILLED = "fulfilled"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


ALLOWED = {
    Status.PENDING: {Status.PAID, Status.CANCELLED},
    Status.PAID: {Status.FULFILLED, Status.REFUNDED, Status.CANCELLED},
    Status.FULFILLED: {Status.SHIPPED, Status.REFUNDED},
@@ checkout
    Status.SHIPPED: {Status.DELIVERED},
@@ > shipped-refunds
    # Returned parcels are refunded after they come back, whether or not delivery was scanned.
    Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED},
    Status.DELIVERED: {Status.REFUNDED},
@@ checkout
}


def transition(current: Status, new: Status) -> Status:
    if new not in ALLOWED.get(current, set()):
        raise Conflict(f"an order cannot go from {current.value} to {new.value}")
    return new


def order_number(placed_at: datetime, sequence: int) -> str:
    """Numbers customers can read out on the phone: date and a daily sequence, `260114-00042`."""
    return f"{placed_at:%y%m%d}-{sequence:05d}"
'''),
    source("shop/checkout/service.py", r'''
@@ checkout
"""Placing an order.

The steps run in one database transaction, in this order: price the cart, reserve stock,
compute discount, shipping and tax, write the order, authorise the payment, and record an
`order.placed` event. A declined payment rolls everything back, the reservation included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from shop.billing.tax import tax_for_lines
from shop.cart.cart import Cart
@@ promotions
from shop.cart.promotions import Discount, apply, load_code
@@ checkout
from shop.catalog.service import prices
from shop.checkout.orders import Status, order_number
@@ outbox
from shop.events.outbox import record_event
@@ checkout
from shop.db.session import transaction
from shop.errors import InvalidRequest
@@ reservations
from shop.inventory.reservations import reserve_cart
@@ checkout
from shop.money import Money, total
from shop.payments.provider import PaymentProvider
@@ shipping-rates
from shop.shipping.rates import shipping_cost
@@ checkout


@dataclass(frozen=True)
class PlacedOrder:
    id: int
    number: str
    total: Money
    payment_ref: str
@@ checkout-3ds
    client_secret: str | None = None  # set when the bank asks for 3-D Secure (GH-41)
@@ checkout


def place_order(cart: Cart, customer, provider: PaymentProvider, payment_method: str) -> PlacedOrder:
    if not cart.lines:
        raise InvalidRequest("the cart is empty")
    now = datetime.now(timezone.utc)
    with transaction() as conn:
        cart = cart.priced(prices(conn, [line.sku for line in cart.lines]))
@@ reservations
        reserve_cart(conn, cart)
@@ checkout
        subtotal = cart.subtotal
@@ checkout
        discount = Money.zero()
@@ > promotions
        discount = _discount(conn, cart, now)
@@ checkout
        shipping = Money.zero()
@@ > shipping-rates
        shipping = shipping_cost(conn, cart, customer.country, subtotal - discount.order)
@@ checkout
        tax = tax_for_lines(cart.lines, customer.country)
        grand_total = subtotal - discount.order + shipping
        order_id, number = _insert_order(conn, cart, customer, subtotal, discount, shipping, tax, grand_total, now)
@@ checkout
        authorisation = provider.authorize(grand_total, payment_method, reference=number)
@@ > checkout-declined-release
        # A declined card raises PaymentDeclined here; the transaction rolls back and takes the
        # order and the stock reservation with it, so nothing needs releasing by hand.
        authorisation = provider.authorize(grand_total, payment_method, reference=number)
@@ checkout
        _insert_payment(conn, order_id, provider.name, authorisation.reference, grand_total)
@@ outbox
        record_event(conn, "order.placed", {"order_id": order_id, "number": number,
                                            "customer_id": customer.id, "total_cents": grand_total.cents})
@@ checkout
@@ checkout
    return PlacedOrder(order_id, number, grand_total, authorisation.reference)
@@ > checkout-3ds
    return PlacedOrder(order_id, number, grand_total, authorisation.reference, authorisation.client_secret)
@@ promotions


def _discount(conn, cart: Cart, now: datetime) -> Discount:
    """The promo code's discount spread over the lines, or none."""
    zero = Money.zero()
    if not cart.promo_code:
        return Discount(zero, [zero] * len(cart.lines))
    return apply(load_code(conn, cart.promo_code), cart.subtotal, [line.amount for line in cart.lines], now)
@@ checkout


def _insert_order(conn, cart, customer, subtotal, discount, shipping, tax, grand_total, now):
    sequence = conn.exec_driver_sql("SELECT nextval('order_number_seq')").scalar_one()
    number = order_number(now, sequence)
    order_id = conn.exec_driver_sql(
        "INSERT INTO orders (number, customer_id, status, currency, subtotal_cents, discount_cents,"
        " shipping_cents, tax_cents, total_cents) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (number, customer.id, Status.PENDING.value, subtotal.currency, subtotal.cents,
         discount.order.cents, shipping.cents, total(tax).cents, grand_total.cents),
    ).scalar_one()
    for line, line_discount, line_tax in zip(cart.lines, discount.per_line, tax):
        conn.exec_driver_sql(
            "INSERT INTO order_lines (order_id, sku, quantity, unit_price_cents, discount_cents, tax_rate)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (order_id, line.sku, line.quantity, line.unit_price.cents, line_discount.cents, str(line_tax.rate)),
        )
    return order_id, number


def _insert_payment(conn, order_id: int, provider: str, reference: str, amount: Money) -> None:
    conn.exec_driver_sql(
        "INSERT INTO payments (order_id, provider, provider_ref, status, amount_cents)"
        " VALUES (%s, %s, %s, 'authorized', %s)",
        (order_id, provider, reference, amount.cents),
    )
'''),
]
