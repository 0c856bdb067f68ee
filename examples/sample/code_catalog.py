"""The catalog: products and variants, listing and price lookups, search, and the CSV import."""

from .model import source

SOURCES = [
    source("shop/catalog/__init__.py", r'''
@@ catalog
"""Products and their variants (one SKU per size or colour), prices in integer cents."""
'''),
    source("shop/catalog/models.py", r'''
@@ catalog
"""Catalog records as the rest of the shop sees them, independent of the database rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from shop.money import Money


@dataclass(frozen=True)
class Variant:
    sku: str
    name: str
    price: Money
    weight_grams: int


@dataclass(frozen=True)
class Product:
    id: int
    slug: str
    title: str
    description: str
    variants: tuple[Variant, ...] = field(default_factory=tuple)

    @property
    def from_price(self) -> Money:
        """The cheapest variant's price: what a product card shows as "from 19.90"."""
        return min(v.price for v in self.variants)
@@ catalog-variant-sort

    def variants_by_price(self) -> list[Variant]:
        """Cheapest first, then by name: the order of the size picker on the product page."""
        return sorted(self.variants, key=lambda v: (v.price.cents, v.name))
@@ catalog
@@ catalog-images
    images: tuple[str, ...] = field(default_factory=tuple)

    @property
    def cover_image(self) -> str | None:
        return self.images[0] if self.images else None
'''),
    source("shop/catalog/service.py", r'''
@@ catalog
"""Reading the catalog: product pages, listings and price lookups for carts."""

from __future__ import annotations

from sqlalchemy import Connection, select

from shop.catalog.models import Product, Variant
from shop.db.tables import products, variants
@@ catalog
from shop.errors import NotFound
@@ > catalog-pagination
from shop.errors import InvalidRequest, NotFound
@@ catalog
from shop.money import Money

PAGE_SIZE = 24


def get_product(conn: Connection, slug: str) -> Product:
    row = conn.execute(select(products).where(products.c.slug == slug, products.c.active)).first()
    if row is None:
        raise NotFound(f"product {slug!r}")
    return _product(row, _variants(conn, [row.id]).get(row.id, []))


def list_products(conn: Connection, page: int = 1) -> list[Product]:
    """Active products, newest first, `PAGE_SIZE` to a page."""
@@ catalog-pagination
    if page < 1:
        # page=0 produced a negative OFFSET and a 500 from Postgres (seen from a crawler).
        raise InvalidRequest("page starts at 1")
@@ catalog
    rows = conn.execute(
        select(products)
        .where(products.c.active)
        .order_by(products.c.created_at.desc(), products.c.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    by_product = _variants(conn, [r.id for r in rows])
    return [_product(r, by_product.get(r.id, [])) for r in rows]
@@ catalog-prices


def prices(conn: Connection, skus: list[str]) -> dict[str, Money]:
    """Current unit prices by SKU. Carts call this on every read: a cart never trusts a stored price."""
    rows = conn.execute(select(variants.c.sku, variants.c.price_cents).where(variants.c.sku.in_(skus)))
    found = {sku: Money(cents) for sku, cents in rows}
    missing = sorted(set(skus) - found.keys())
    if missing:
        raise NotFound(f"unknown SKUs: {', '.join(missing)}")
    return found
@@ catalog


def _variants(conn: Connection, product_ids: list[int]) -> dict[int, list[Variant]]:
    by_product: dict[int, list[Variant]] = {}
    rows = conn.execute(select(variants).where(variants.c.product_id.in_(product_ids)).order_by(variants.c.sku))
    for r in rows:
        by_product.setdefault(r.product_id, []).append(Variant(r.sku, r.name, Money(r.price_cents), r.weight_grams))
    return by_product


def _product(row, product_variants: list[Variant]) -> Product:
    return Product(row.id, row.slug, row.title, row.description, tuple(product_variants))
'''),
    source("shop/catalog/importer.py", r'''
@@ catalog-import
"""Importing products from the buying team's spreadsheet export (CSV, one row per variant).

Columns: `slug,title,description,sku,variant,price,weight_grams`. Rows with the same slug are
one product. Prices are decimal strings in EUR ("19.90"), converted to cents once, here.
An import is all or nothing: the first bad row stops it with its row number.
"""

from __future__ import annotations

import csv
import io
from itertools import groupby

from sqlalchemy import Connection

from shop.errors import InvalidRequest
from shop.money import Money

COLUMNS = ("slug", "title", "description", "sku", "variant", "price", "weight_grams")


def read_rows(data: bytes) -> list[dict]:
@@ catalog-import
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
@@ > catalog-import-bom
    # Excel saves "CSV UTF-8" with a byte order mark, which became part of the first column's
    # name ("\ufeffslug") and made every row look like it had no slug.
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
@@ catalog-import
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidRequest(f"missing columns: {', '.join(missing)}")
    rows = []
    for number, row in enumerate(reader, start=2):
        try:
            row["price_cents"] = Money.from_decimal(row["price"]).cents
            row["weight_grams"] = int(row["weight_grams"])
        except (ArithmeticError, ValueError):
            raise InvalidRequest(f"row {number}: price {row['price']!r} or weight {row['weight_grams']!r}") from None
        rows.append(row)
    return rows


def import_products(conn: Connection, rows: list[dict]) -> int:
    """Insert or update products and variants; returns how many products were touched."""
    count = 0
    for slug, group in groupby(sorted(rows, key=lambda r: r["slug"]), key=lambda r: r["slug"]):
        variants = list(group)
        product_id = conn.exec_driver_sql(
            "INSERT INTO products (slug, title, description) VALUES (%s, %s, %s)"
            " ON CONFLICT (slug) DO UPDATE SET title = excluded.title, description = excluded.description"
            " RETURNING id",
            (slug, variants[0]["title"], variants[0]["description"]),
        ).scalar_one()
        for v in variants:
            conn.exec_driver_sql(
                "INSERT INTO variants (sku, product_id, name, price_cents, weight_grams) VALUES (%s, %s, %s, %s, %s)"
                " ON CONFLICT (sku) DO UPDATE SET name = excluded.name, price_cents = excluded.price_cents,"
                " weight_grams = excluded.weight_grams",
                (v["sku"], product_id, v["variant"], v["price_cents"], v["weight_grams"]),
            )
        count += 1
    return count
'''),
    source("shop/catalog/search.py", r'''
@@ search
"""Product search with Postgres full text search.

Titles weigh more than descriptions (`setweight` A and B in the `search_vector` column that
migration 0006 adds and a trigger keeps current). German and English stemming both run, since
half of the catalog is written in each; `websearch_to_tsquery` accepts what people type,
quotes and minus signs included.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from shop.catalog.models import Product
from shop.catalog.service import get_product

MAX_RESULTS = 50
@@ search
QUERY = text(
    """
    SELECT slug, ts_rank_cd(search_vector, query) AS rank
    FROM products, websearch_to_tsquery('simple', :q) AS query
    WHERE active AND search_vector @@ query
    ORDER BY rank DESC, slug
    LIMIT :limit
    """
)
@@ > search-stemming
QUERY = text(
    """
    SELECT slug, ts_rank_cd(search_vector, query) AS rank
    FROM products,
         websearch_to_tsquery('german', :q) || websearch_to_tsquery('english', :q) AS query
    WHERE active AND search_vector @@ query
    ORDER BY rank DESC, slug
    LIMIT :limit
    """
)
@@ search


def search(conn: Connection, q: str, limit: int = 20) -> list[Product]:
    """Products matching `q`, best first. Blank queries return nothing rather than everything."""
    q = q.strip()
    if not q:
        return []
    rows = conn.execute(QUERY, {"q": q, "limit": min(limit, MAX_RESULTS)}).all()
    return [get_product(conn, row.slug) for row in rows]
'''),
]
