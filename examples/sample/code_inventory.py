"""Inventory: stock levels per warehouse and the reservations that hold stock during checkout."""

from .model import source

SOURCES = [
    source("shop/inventory/__init__.py", r'''
@@ inventory-stock
"""Stock per SKU and warehouse, and the reservations that hold it during checkout."""
'''),
    source("shop/inventory/stock.py", r'''
@@ inventory-stock
"""Stock levels: what is on the shelf, what is promised, what can still be sold.

`available = on_hand - reserved`. `on_hand` changes when goods arrive or leave the warehouse;
`reserved` changes when checkouts reserve and release (see reservations.py). Only the
warehouse feed and the admin API write `on_hand`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from shop.db.tables import stock_levels
from shop.errors import InvalidRequest

@@ inventory-stock
WAREHOUSES = ("BER", "RTM")
@@ > stock-warehouse-ham
WAREHOUSES = ("BER", "HAM", "RTM")  # Hamburg opened in March 2026 for the north and Scandinavia
@@ inventory-stock


@dataclass(frozen=True)
class StockLevel:
    sku: str
    warehouse: str
    on_hand: int
    reserved: int
    low_stock_at: int

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)

    @property
    def low(self) -> bool:
        return self.available <= self.low_stock_at


def levels(conn: Connection, sku: str) -> list[StockLevel]:
    rows = conn.execute(select(stock_levels).where(stock_levels.c.sku == sku).order_by(stock_levels.c.warehouse))
    return [StockLevel(r.sku, r.warehouse, r.on_hand, r.reserved, r.low_stock_at) for r in rows]


def available(conn: Connection, sku: str) -> int:
    """Units of `sku` that can still be sold, all warehouses together."""
    return sum(level.available for level in levels(conn, sku))


def adjust(conn: Connection, sku: str, warehouse: str, delta: int, reason: str) -> None:
    """Goods in (positive) or out (negative) of a warehouse; never below zero on hand."""
    if warehouse not in WAREHOUSES:
        raise InvalidRequest(f"unknown warehouse {warehouse}")
    updated = conn.exec_driver_sql(
        "UPDATE stock_levels SET on_hand = on_hand + %s WHERE sku = %s AND warehouse = %s"
        " AND on_hand + %s >= 0 RETURNING on_hand",
        (delta, sku, warehouse, delta),
    ).first()
    if updated is None:
        raise InvalidRequest(f"{sku} in {warehouse}: cannot remove {-delta}, not that many on hand")
    conn.exec_driver_sql(
        "INSERT INTO stock_movements (sku, warehouse, delta, reason) VALUES (%s, %s, %s, %s)",
        (sku, warehouse, delta, reason),
    )
@@ stock-feed


def import_feed(conn: Connection, rows: list[dict]) -> int:
    """Apply the warehouse's nightly stock count (CSV rows `sku,warehouse,counted`).

    The count is the truth: the difference to `on_hand` is booked as a movement with reason
    `stocktake`, so shrinkage shows up in the movements report rather than vanishing.
    Returns how many SKUs changed.
    """
    changed = 0
    for row in rows:
        counted = int(row["counted"])
        current = conn.exec_driver_sql(
            "SELECT on_hand FROM stock_levels WHERE sku = %s AND warehouse = %s FOR UPDATE",
            (row["sku"], row["warehouse"]),
        ).scalar_one_or_none()
        if current is None or current == counted:
            continue
        adjust(conn, row["sku"], row["warehouse"], counted - current, "stocktake")
        changed += 1
    return changed
@@ low-stock-alerts


def low_stock(conn: Connection) -> list[StockLevel]:
    """Levels at or under their threshold, for the morning e-mail to purchasing."""
    rows = conn.execute(
        select(stock_levels).where(stock_levels.c.on_hand - stock_levels.c.reserved <= stock_levels.c.low_stock_at)
    )
    return [StockLevel(r.sku, r.warehouse, r.on_hand, r.reserved, r.low_stock_at) for r in rows]


def set_threshold(conn: Connection, sku: str, threshold: int) -> None:
    """Purchasing sets thresholds per SKU; the same for every warehouse, as they order centrally."""
    if threshold < 0:
        raise InvalidRequest("a low-stock threshold cannot be negative")
    conn.exec_driver_sql("UPDATE stock_levels SET low_stock_at = %s WHERE sku = %s", (threshold, sku))
'''),
    source("shop/inventory/reservations.py", r'''
@@ reservations
"""Reserving stock while a customer pays.

Checkout reserves every line before authorising the payment; the reservation lives for
`reservation_ttl_minutes` (15) and is either converted when the order is paid or released
when it expires. Why reserve at checkout rather than at add-to-cart or at payment:
docs/decisions/0002-reserve-stock-during-checkout.md.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import Connection

from shop.config import load_settings
from shop.errors import OutOfStock
from shop.inventory.stock import WAREHOUSES
@@ reservation-ttl-per-method

TTL_BY_METHOD = {"bank_transfer": timedelta(days=3)}
@@ reservations


@@ reservations
def reserve_cart(conn: Connection, cart) -> list[uuid.UUID]:
    """Reserve every line of `cart`, from the first warehouse that has enough; all or nothing."""
    ttl = timedelta(minutes=load_settings().reservation_ttl_minutes)
@@ > reservation-ttl-per-method
def reserve_cart(conn: Connection, cart, payment_method: str = "card") -> list[uuid.UUID]:
    """Reserve every line of `cart`, from the first warehouse that has enough; all or nothing.

    Bank transfers take days to arrive, so their reservations last longer (SHOP-83, in progress:
    checkout does not pass the method yet).
    """
    ttl = TTL_BY_METHOD.get(payment_method) or timedelta(minutes=load_settings().reservation_ttl_minutes)
@@ reservations
    expires_at = datetime.now(timezone.utc) + ttl
    return [_reserve_line(conn, cart.id, line.sku, line.quantity, expires_at) for line in cart.lines]


def _reserve_line(conn: Connection, cart_id: uuid.UUID, sku: str, quantity: int, expires_at: datetime) -> uuid.UUID:
@@ reservations
    rows = conn.exec_driver_sql(
        "SELECT warehouse, on_hand - reserved FROM stock_levels WHERE sku = %s ORDER BY warehouse",
        (sku,),
    ).all()
@@ > reservation-oversell
    # FOR UPDATE: two checkouts for the last unit used to both see it available and both
    # reserve it (SHOP-67). Rows lock in warehouse order, so concurrent checkouts cannot deadlock.
    rows = conn.exec_driver_sql(
        "SELECT warehouse, on_hand - reserved FROM stock_levels WHERE sku = %s ORDER BY warehouse FOR UPDATE",
        (sku,),
    ).all()
@@ reservations
    for warehouse, available in rows:
        if warehouse in WAREHOUSES and available >= quantity:
            reservation_id = uuid.uuid4()
            conn.exec_driver_sql(
                "UPDATE stock_levels SET reserved = reserved + %s WHERE sku = %s AND warehouse = %s",
                (quantity, sku, warehouse),
            )
            conn.exec_driver_sql(
                "INSERT INTO reservations (id, cart_id, sku, warehouse, quantity, expires_at)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                (reservation_id, cart_id, sku, warehouse, quantity, expires_at),
            )
            return reservation_id
    raise OutOfStock(sku, quantity, max((a for _, a in rows), default=0))


def convert(conn: Connection, cart_id: uuid.UUID) -> None:
    """The order is paid: reserved units leave stock for good."""
    conn.exec_driver_sql(
        "UPDATE stock_levels s SET on_hand = s.on_hand - r.quantity, reserved = s.reserved - r.quantity"
        " FROM reservations r WHERE r.cart_id = %s AND s.sku = r.sku AND s.warehouse = r.warehouse",
        (cart_id,),
    )
    conn.exec_driver_sql("DELETE FROM reservations WHERE cart_id = %s", (cart_id,))
@@ reservations


def release_expired(conn: Connection, now: datetime | None = None) -> int:
    """Give back the stock of reservations past their expiry; returns how many were released."""
    now = now or datetime.now(timezone.utc)
@@ release-job-lock
    # One releaser at a time across all workers: two used to release the same rows and
    # drive `reserved` negative (ENG-23). The lock is per transaction, freed at commit.
    if not conn.exec_driver_sql("SELECT pg_try_advisory_xact_lock(4711)").scalar_one():
        return 0
@@ reservations
    expired = conn.exec_driver_sql(
        "DELETE FROM reservations WHERE expires_at < %s RETURNING sku, warehouse, quantity", (now,)
    ).all()
    for sku, warehouse, quantity in expired:
        conn.exec_driver_sql(
            "UPDATE stock_levels SET reserved = reserved - %s WHERE sku = %s AND warehouse = %s",
            (quantity, sku, warehouse),
        )
    return len(expired)
'''),
]
