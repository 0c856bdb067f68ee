"""Billing: what is owed and what goes back (tax, invoices, refunds)."""

from .model import source

SOURCES = [
    source("shop/billing/__init__.py", r'''
@@ payments-v1
"""Billing: what is owed and what goes back (tax, invoices, refunds)."""
'''),
    source("shop/billing/tax.py", r'''
@@ tax
"""VAT on order lines.

Prices in the catalog include VAT (gross), as EU consumer law expects. The tax inside a gross
amount is `gross * rate / (100 + rate)`, rounded half to even per line, never per order: the
invoice shows VAT per line and the lines must add up to the invoice total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from shop.money import Money

STANDARD_RATES = {
    "DE": Decimal("19"),
    "AT": Decimal("20"),
    "FR": Decimal("20"),
    "NL": Decimal("21"),
    "BE": Decimal("21"),
    "IT": Decimal("22"),
@@ tax-rates-2026
    "FI": Decimal("25.5"),
    "SK": Decimal("23"),
@@ tax
}


@dataclass(frozen=True)
class LineTax:
    rate: Decimal
    amount: Money


def tax_in_gross(gross: Money, rate: Decimal) -> Money:
    cents = (Decimal(gross.cents) * rate / (100 + rate)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return Money(int(cents), gross.currency)


def tax_for_lines(lines, country: str) -> list[LineTax]:
    """One `LineTax` per line, at the destination country's standard rate."""
    rate = STANDARD_RATES.get(country)
    if rate is None:
        raise ValueError(f"no VAT rate for {country}; we do not ship there")
@@ tax
    return [LineTax(rate, tax_in_gross(line.amount, rate)) for line in lines]
@@ > tax-per-line
    # Tax is due on what the customer pays, so the line's share of the discount comes off first.
    return [LineTax(rate, tax_in_gross(line.amount - getattr(line, "discount", Money.zero()), rate))
            for line in lines]
'''),
    source("shop/billing/invoices.py", r'''
@@ invoices
"""Invoices: numbered without gaps per calendar year, VAT shown per rate.

German and Austrian tax law want invoice numbers that are unique and sequential; a gap needs an
explanation in an audit. The number comes from a per-year counter row updated in the same
transaction as the invoice, so a rollback never burns a number.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shop.money import Money, total


@dataclass(frozen=True)
class InvoiceLine:
    description: str
    quantity: int
    gross: Money
    vat_rate: Decimal
    vat: Money


@dataclass(frozen=True)
class Invoice:
    number: str
    order_number: str
    issued_on: date
    lines: list[InvoiceLine]

    @property
    def gross_total(self) -> Money:
        return total([line.gross for line in self.lines])

    def vat_by_rate(self) -> dict[Decimal, Money]:
        """VAT summed per rate, for the summary box at the bottom of the invoice."""
        sums: dict[Decimal, list[Money]] = defaultdict(list)
        for line in self.lines:
            sums[line.vat_rate].append(line.vat)
        return {rate: total(amounts) for rate, amounts in sorted(sums.items())}


def next_invoice_number(conn, issued_on: date) -> str:
@@ invoices
    value = conn.exec_driver_sql(
        "UPDATE invoice_counters SET value = value + 1 RETURNING value"
    ).scalar_one()
@@ > invoice-year
    """`INV-2026-000123`: the counter restarts every January (the first version kept counting: #31)."""
    value = conn.exec_driver_sql(
        "INSERT INTO invoice_counters (year, value) VALUES (%s, 1)"
        " ON CONFLICT (year) DO UPDATE SET value = invoice_counters.value + 1 RETURNING value",
        (issued_on.year,),
    ).scalar_one()
@@ invoices
    return f"INV-{issued_on.year}-{value:06d}"
'''),
    source("shop/billing/refunds.py", r'''
@@ refunds-v1
"""Refunds: how much money goes back for which order lines.

@@ > refunds-prorate
"""Refunds: how much money goes back for which order lines.

The rules, and why, are in docs/decisions/0006-refunds-pro-rate-order-discounts.md:

@@ refund-discount-cap
- A line is refunded at what the customer paid for it: unit price times quantity minus the
  share of the order discount the line received at checkout (`order_lines.discount_cents`).
@@ refunds-prorate
- Refunding part of a line's quantity takes the same share of its discount, split with
  `Money.allocate`, so refunding units one by one adds up to refunding the line at once.
@@ refund-shipping
- Shipping goes back only when the refund covers everything not refunded yet (the whole
  order is returned), or when support forces it with `include_shipping`.
@@ refund-discount-cap
- The total never exceeds what was captured minus what was already refunded (SHOP-52).
@@ refunds-v1
"""

from __future__ import annotations

@@ refund-cleanup
import json
@@ refunds-v1
from dataclasses import dataclass

from shop.errors import Conflict, InvalidRequest
from shop.money import Money, total
@@ capture-idempotency
from shop.payments.idempotency import idempotency_key
@@ refunds-v1
from shop.payments.provider import PaymentProvider


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price: Money
@@ refund-discount-cap
    discount: Money
@@ refunds-v1
    refunded_quantity: int = 0


@dataclass(frozen=True)
class OrderView:
    number: str
    lines: list[OrderLine]
    shipping: Money
    captured: Money
    refunded: Money
    refund_count: int


@dataclass(frozen=True)
class RefundPlan:
    lines: list[tuple[str, int, Money]]  # (sku, quantity, amount)
    shipping: Money
    total: Money


def compute_refund(order: OrderView, requested: dict[str, int], include_shipping: bool = False) -> RefundPlan:
    """What to refund for `requested` quantities by SKU; nothing is sent to the provider here."""
    by_sku = {line.sku: line for line in order.lines}
    planned = []
    for sku, quantity in sorted(requested.items()):
        line = by_sku.get(sku)
        if line is None:
            raise InvalidRequest(f"{sku} is not on order {order.number}")
        if not 0 < quantity <= line.quantity - line.refunded_quantity:
            raise InvalidRequest(f"{sku}: {quantity} cannot be refunded, "
                                 f"{line.quantity - line.refunded_quantity} left")
        planned.append((sku, quantity, line_refund(line, quantity)))
@@ refunds-v1
    shipping = Money.zero(order.shipping.currency)
@@ > refund-shipping
    shipping = order.shipping if include_shipping or _returns_everything(order, requested) else Money.zero()
@@ refunds-v1
    amount = total([amount for _, _, amount in planned]) + shipping
@@ refund-discount-cap
    available = order.captured - order.refunded
    if amount > available:
        # Before SHOP-52 a discounted order could be refunded above what was captured, and the
        # provider rejected the call after our refund row was written.
        raise Conflict(f"refund of {amount} exceeds the {available} still refundable on {order.number}")
@@ refunds-v1
    return RefundPlan(planned, shipping, amount)


def line_refund(line: OrderLine, quantity: int) -> Money:
    """The money back for `quantity` units of `line`."""
@@ refunds-v1
    return line.unit_price.times(quantity)
@@ > refund-discount-cap
    paid = line.unit_price.times(line.quantity) - line.discount
    return Money(paid.cents * quantity // line.quantity, paid.currency)
@@ > refunds-prorate
    paid = line.unit_price.times(line.quantity) - line.discount
    if quantity == line.quantity:
        return paid
    # Pro rata with the cents placed by largest remainder: refunding 1 of 3 units at 10.00
    # with 1.00 discount returns 9.67, and the other two later return 9.67 and 9.66 (SHOP-58).
    return paid.allocate([quantity, line.quantity - quantity])[0]
@@ refund-shipping


def _returns_everything(order: OrderView, requested: dict[str, int]) -> bool:
    return all(requested.get(line.sku, 0) == line.quantity - line.refunded_quantity for line in order.lines)
@@ refund-api


def load_order_view(conn, number: str) -> tuple[OrderView, str]:
    """The order as refunds need it, and the payment reference to refund against."""
    order = conn.exec_driver_sql(
        "SELECT o.id, o.shipping_cents, p.provider_ref, p.captured_cents, p.refunded_cents,"
        " (SELECT count(*) FROM refunds r WHERE r.order_id = o.id) AS refund_count"
        " FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.number = %s",
        (number,),
    ).one()
@@ refund-api
    lines = [
        OrderLine(r.sku, r.quantity, Money(r.unit_price_cents))
        for r in conn.exec_driver_sql(
            "SELECT sku, quantity, unit_price_cents FROM order_lines WHERE order_id = %s ORDER BY id", (order.id,)
        )
    ]
@@ > refund-discount-cap
    # The discount each line got at checkout comes off its refund, and units refunded before
    # are counted from the refunds' own line lists, so a line is never refunded twice.
    lines = [
        OrderLine(r.sku, r.quantity, Money(r.unit_price_cents), Money(r.discount_cents), r.refunded_quantity)
        for r in conn.exec_driver_sql(
            "SELECT ol.sku, ol.quantity, ol.unit_price_cents, ol.discount_cents,"
            " (SELECT coalesce(sum((l->>'quantity')::int), 0) FROM refunds r, jsonb_array_elements(r.lines) l"
            "  WHERE r.order_id = ol.order_id AND l->>'sku' = ol.sku) AS refunded_quantity"
            " FROM order_lines ol WHERE ol.order_id = %s ORDER BY ol.id",
            (order.id,),
        )
    ]
@@ refund-api
    view = OrderView(number, lines, Money(order.shipping_cents), Money(order.captured_cents),
                     Money(order.refunded_cents), order.refund_count)
    return view, order.provider_ref
@@ refunds-v1


def refund_order(conn, provider: PaymentProvider, order: OrderView, payment_ref: str,
                 requested: dict[str, int], reason: str, include_shipping: bool = False) -> RefundPlan:
@@ refunds-v1
    """Compute, record and send a refund. The provider call comes last: if it fails the transaction
    rolls back and no refund row remains."""
@@ > refund-discount-cap
    """Compute, record and send a refund.

    The refund row is written first and the provider is called last, inside the caller's
    transaction: when the provider refuses, the exception rolls the row back, so the admin never
    shows a refund that did not happen (SHOP-52).
    """
@@ refunds-v1
    plan = compute_refund(order, requested, include_shipping)
    conn.exec_driver_sql(
        "INSERT INTO refunds (order_id, amount_cents, reason, lines)"
        " SELECT id, %s, %s, %s FROM orders WHERE number = %s",
        (plan.total.cents, reason, _lines_json(plan), order.number),
    )
@@ refunds-v1
    provider.refund(payment_ref, plan.total, idempotency_key=f"{order.number}-{order.refund_count}")
@@ > capture-idempotency
    key = idempotency_key(order.number, "refund", plan.total.cents, order.refund_count)
    provider.refund(payment_ref, plan.total, idempotency_key=key)
@@ > refund-discount-cap
    key = idempotency_key(order.number, "refund", plan.total.cents, order.refund_count)
    try:
        provider.refund(payment_ref, plan.total, idempotency_key=key)
    except Exception as exc:
        raise Conflict(f"the payment provider refused the refund of {plan.total}: {exc}") from exc
@@ shipped-refunds
    if plan.total == order.captured - order.refunded:
        # Everything captured has gone back: the order is refunded, whether or not it had shipped.
        conn.exec_driver_sql("UPDATE orders SET status = 'refunded' WHERE number = %s", (order.number,))
@@ refunds-v1
    return plan
@@ refunds-v1


def _lines_json(plan: RefundPlan) -> str:
    import json

    return json.dumps([{"sku": sku, "quantity": q, "amount_cents": a.cents} for sku, q, a in plan.lines])
@@ > refund-cleanup


def _lines_json(plan: RefundPlan) -> str:
    return json.dumps([{"sku": sku, "quantity": q, "amount_cents": a.cents} for sku, q, a in plan.lines])
'''),
]
