"""Shipping: rates, carriers, labels, the nightly shipments export and the fulfilment runbook."""

from .model import source

SOURCES = [
    source("shop/shipping/__init__.py", r'''
@@ shipping-rates
"""Shipping: what it costs, which carrier takes it, and the label on the parcel."""
'''),
    source("shop/shipping/rates.py", r'''
@@ shipping-rates
"""Shipping costs from the carriers' rate tables.

Rates are per destination zone and weight band, copied from the carriers' price lists into
`config/shipping_rates.yaml` once a year; why tables rather than live quotes is in
docs/decisions/0003-shipping-rates-from-carrier-tables.md. Orders at or above the
free-shipping threshold (75.00 EUR after discounts) ship free within zone 1.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from shop.config import load_settings
from shop.money import Money

RATES_FILE = Path(__file__).resolve().parents[2] / "config" / "shipping_rates.yaml"
@@ shipping-rates
ZONES = {
    1: {"DE"},
    2: {"AT", "BE", "NL", "FR", "LU", "DK"},
    3: {"IT", "ES", "PT", "FI", "SE", "SK", "PL", "CZ"},
}
@@ shipping-rates
BAND_GRAMS = 500
@@ rates-bulky
BULKY_GRAMS = 31_500  # above this, parcel carriers refuse the item and it goes by freight
FREIGHT_SURCHARGE = Money(4900)
@@ shipping-rates


@lru_cache(maxsize=1)
def rate_table() -> dict[int, list[int]]:
    """Zone -> price in cents per weight band (band 0 is up to 500 g, band 1 up to 1 kg, ...)."""
    with RATES_FILE.open() as handle:
        return {int(zone): prices for zone, prices in yaml.safe_load(handle)["zones"].items()}


@@ shipping-rates
def zone_of(country: str) -> int:
    for zone, countries in ZONES.items():
        if country in countries:
            return zone
    raise ValueError(f"we do not ship to {country}")


@@ shipping-rates
def band_of(weight_grams: int) -> int:
@@ shipping-rates
    return weight_grams // BAND_GRAMS
@@ > rates-round-weight
    # Bands are "up to": 500 g is band 0 and 501 g is band 1 (the old floor division put
    # exactly 1000 g in band 2 and undercharged everything just under a boundary: #47).
    return max(weight_grams - 1, 0) // BAND_GRAMS
@@ shipping-rates


def quote(country: str, weight_grams: int, goods: Money) -> Money:
    """The shipping price for a parcel of `weight_grams` worth `goods` (after discounts) to `country`."""
@@ shipping-rates
    zone = zone_of(country)
@@ shipping-rates
    if zone == 1 and goods.cents >= load_settings().free_shipping_threshold_cents:
        return Money.zero(goods.currency)
    prices = rate_table()[zone]
@@ rates-bulky
    if weight_grams > BULKY_GRAMS:
        return Money(prices[-1], goods.currency) + FREIGHT_SURCHARGE
@@ shipping-rates
    band = min(band_of(weight_grams), len(prices) - 1)
    return Money(prices[band], goods.currency)
@@ rates-bulky


def is_bulky(weight_grams: int) -> bool:
    return weight_grams > BULKY_GRAMS
@@ shipping-rates


def shipping_cost(conn, cart, country: str, goods: Money) -> Money:
    """What checkout charges for shipping `cart`."""
@@ shipping-rates
    return quote(country, cart.weight_grams, goods)
@@ > cart-weight
    weights = dict(conn.exec_driver_sql(
        "SELECT sku, weight_grams FROM variants WHERE sku = ANY(%s)", ([line.sku for line in cart.lines],)
    ).all())
    return quote(country, cart.weight_grams(weights), goods)
'''),
    source("shop/shipping/carriers.py", r'''
@@ carriers
"""Carriers: which one takes a parcel, and their APIs behind one small interface.

ParcelExpress takes parcels within Germany and Austria, EcoPost everything else in the EU;
freight (bulky items) always goes by ParcelExpress Freight. Both APIs are REST with an API
key; both return a tracking number and a label PDF URL when a shipment is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import httpx

from shop.shipping.rates import is_bulky


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    postcode: str
    city: str
    country: str
@@ carrier-address-line2
    company: str = ""
    line2: str = ""  # c/o, floor, apartment: parcels without it came back as undeliverable

    def street_lines(self) -> list[str]:
        return [line for line in (self.company, self.street, self.line2) if line]
@@ carriers


@dataclass(frozen=True)
class CreatedShipment:
    carrier: str
    tracking_number: str
    label_url: str


class Carrier(Protocol):
    name: str

    def create_shipment(self, to: Address, weight_grams: int, reference: str) -> CreatedShipment: ...


class ParcelExpress:
    name = "parcelexpress"
    url = "https://api.parcelexpress.example/v3"

    def __init__(self, api_key: str, freight: bool = False):
@@ carriers
        self.http = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {api_key}"}, timeout=8.0)
@@ > carriers-timeout
        # ParcelExpress retries on its side; waiting longer than 5 s only piles up label jobs.
        transport = httpx.HTTPTransport(retries=2)
        self.http = httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {api_key}"},
                                 timeout=5.0, transport=transport)
@@ carriers
        self.service = "FREIGHT" if freight else "PARCEL"

    def create_shipment(self, to: Address, weight_grams: int, reference: str) -> CreatedShipment:
        response = self.http.post("/shipments", json={
            "service": self.service,
            "reference": reference,
            "weight": {"value": weight_grams, "unit": "g"},
@@ carriers
            "recipient": to.__dict__,
@@ > carrier-address-line2
            "recipient": {"name": to.name, "addressLines": to.street_lines(), "postalCode": to.postcode,
                          "city": to.city, "country": to.country},
@@ carriers
        })
        response.raise_for_status()
        body = response.json()
        return CreatedShipment(self.name, body["trackingNumber"], body["labels"][0]["href"])


class EcoPost:
    name = "ecopost"
    url = "https://api.ecopost.example/shipping/v1"

    def __init__(self, api_key: str):
        self.http = httpx.Client(base_url=self.url, headers={"X-Api-Key": api_key}, timeout=8.0)

    def create_shipment(self, to: Address, weight_grams: int, reference: str) -> CreatedShipment:
        response = self.http.post("/consignments", json={
            "customerReference": reference,
            "parcel": {"weightKg": round(weight_grams / 1000, 3)},
            "receiver": {"name": to.name, "street": to.street, "zip": to.postcode, "city": to.city,
                         "countryCode": to.country},
        })
        response.raise_for_status()
        body = response.json()
        return CreatedShipment(self.name, body["consignmentNumber"], body["labelUrl"])


def choose_carrier(country: str, weight_grams: int, carriers: dict[str, Carrier]) -> Carrier:
    """The carrier for one parcel: freight for bulky items, then by destination."""
    if is_bulky(weight_grams):
        return carriers["parcelexpress-freight"]
    if country in ("DE", "AT"):
        return carriers["parcelexpress"]
    return carriers["ecopost"]
'''),
    source("shop/shipping/labels.py", r'''
@@ labels
"""Buying labels: one shipment row per parcel, created once even when the carrier call is retried.

The shipment row is written first with status `pending`, then the carrier is called with the
row id as reference. A retry after a timeout finds the pending row and asks the carrier for
the shipment by reference instead of creating a second one (a double label is a double bill).
"""

from __future__ import annotations

from shop.shipping.carriers import Address, Carrier, CreatedShipment


def buy_label(conn, order_id: int, carrier: Carrier, to: Address, weight_grams: int) -> CreatedShipment:
    row = conn.exec_driver_sql(
        "SELECT id, tracking_number, label_url, status FROM shipments WHERE order_id = %s AND carrier = %s",
        (order_id, carrier.name),
    ).first()
    if row and row.status == "labelled":
        return CreatedShipment(carrier.name, row.tracking_number, row.label_url)
    shipment_id = row.id if row else conn.exec_driver_sql(
        "INSERT INTO shipments (order_id, carrier, status) VALUES (%s, %s, 'pending') RETURNING id",
        (order_id, carrier.name),
    ).scalar_one()
    created = carrier.create_shipment(to, weight_grams, reference=f"shipment-{shipment_id}")
    conn.exec_driver_sql(
        "UPDATE shipments SET tracking_number = %s, label_url = %s, status = 'labelled' WHERE id = %s",
        (created.tracking_number, created.label_url, shipment_id),
    )
    return created


def tracking_url(carrier: str, tracking_number: str) -> str:
    """The public tracking page linked from the shipping e-mail and SMS."""
    pages = {
        "parcelexpress": "https://track.parcelexpress.example/{}",
        "parcelexpress-freight": "https://track.parcelexpress.example/freight/{}",
        "ecopost": "https://www.ecopost.example/track?consignment={}",
    }
    return pages[carrier].format(tracking_number)
'''),
    source("docs/runbooks/fulfilment.md", r'''
@@ runbook-fulfilment
# Runbook: fulfilment (stock, reservations, shipping)

Written for the handover before the end of my contract (SHOP-81, SHOP-83 are still open).

## Stock looks reserved but nobody is buying

Reservations expire after 15 minutes and `shop-worker release-reservations` gives them back
every minute. If `reserved` stays high, check that the worker runs on exactly one host with the
advisory lock (ENG-23): `SELECT * FROM pg_locks WHERE locktype = 'advisory'`.

## A label was not created

`shipments.status = 'pending'` means the carrier call failed after the row was written. Run
`buy_label` again for the order: it reuses the pending row and its reference, so the carrier
never sells us a second label (SHOP-35).

## Shipping prices for next year

Each January both carriers publish new list prices. Copy them into
`config/shipping_rates.yaml` (cents per 500 g band, per zone), update the prices pinned in
`tests/test_rates.py`, and check the free-shipping threshold with marketing. Bulky items are
priced as the last band plus `FREIGHT_SURCHARGE` in `shop/shipping/rates.py`.

## Carrier invoices do not match

`scripts/export_shipments.sh` puts yesterday's shipments in the reconciliation bucket each
night; finance compares them with the carriers' invoices. Freight re-booked by hand in the
carrier portal is missing from the export (SHOP-79).
'''),
    source("scripts/export_shipments.sh", r'''
@@ export-shipments
#!/usr/bin/env bash
# Nightly export of yesterday's shipments to the reconciliation bucket, where the carriers'
# invoices are matched against what we actually sent (SHOP-44).
set -euo pipefail

export AWS_ACCESS_KEY_ID=AKIAQ7SHOPX4NW2BC9LK
export AWS_SECRET_ACCESS_KEY=v3Kq8Zt1xR6mLp0Ws4Nd7Hc2Yb9Fj5Ue8Ga1Ti3E
export AWS_DEFAULT_REGION=eu-central-1

DAY=$(date -u -d yesterday +%F)
OUT="/tmp/shipments-${DAY}.csv"

psql "${SHOP_DATABASE_URL}" --no-psqlrc -c "\copy (
  SELECT o.number, s.carrier, s.tracking_number, s.status, o.shipping_cents
  FROM shipments s JOIN orders o ON o.id = s.order_id
  WHERE s.created_at::date = DATE '${DAY}'
) TO '${OUT}' WITH CSV HEADER"

aws s3 cp "${OUT}" "s3://shop-carrier-reconciliation/shipments/${DAY}.csv"
rm -f "${OUT}"
'''),
]
