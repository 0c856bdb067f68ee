"""The schema: SQL migrations applied in order, and the SQLAlchemy tables that mirror them.

Each migration is written in the commit of the feature that needed it.
"""

from .model import source

MIGRATIONS = [
    ("0001_initial.sql", "postgres", """
CREATE TABLE products (
    id BIGSERIAL PRIMARY KEY,
    slug VARCHAR(200) NOT NULL UNIQUE,
    title VARCHAR(300) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE variants (
    sku VARCHAR(64) PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id),
    name VARCHAR(200) NOT NULL,
    price_cents BIGINT NOT NULL CHECK (price_cents >= 0),
    weight_grams INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(320) NOT NULL UNIQUE,
    name VARCHAR(200) NOT NULL,
    password_hash VARCHAR(200),
    country CHAR(2) NOT NULL DEFAULT 'DE'
);

CREATE SEQUENCE order_number_seq;

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    number VARCHAR(20) NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    status VARCHAR(20) NOT NULL,
    currency CHAR(3) NOT NULL,
    subtotal_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL DEFAULT 0,
    shipping_cents BIGINT NOT NULL DEFAULT 0,
    tax_cents BIGINT NOT NULL,
    total_cents BIGINT NOT NULL,
    placed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE order_lines (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    sku VARCHAR(64) NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents BIGINT NOT NULL,
    discount_cents BIGINT NOT NULL DEFAULT 0,
    tax_rate VARCHAR(8) NOT NULL
);
CREATE INDEX order_lines_order_id ON order_lines (order_id);
"""),
    ("0002_payments.sql", "payments-v1", """
CREATE TABLE payments (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    provider VARCHAR(20) NOT NULL,
    provider_ref VARCHAR(100) NOT NULL UNIQUE,
    status VARCHAR(20) NOT NULL,
    amount_cents BIGINT NOT NULL,
    captured_cents BIGINT NOT NULL DEFAULT 0,
    refunded_cents BIGINT NOT NULL DEFAULT 0
);
"""),
    ("0003_inventory.sql", "inventory-stock", """
CREATE TABLE stock_levels (
    sku VARCHAR(64) NOT NULL REFERENCES variants (sku),
    warehouse VARCHAR(20) NOT NULL,
    on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
    reserved INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    low_stock_at INTEGER NOT NULL DEFAULT 5,
    PRIMARY KEY (sku, warehouse)
);

CREATE TABLE stock_movements (
    id BIGSERIAL PRIMARY KEY,
    sku VARCHAR(64) NOT NULL,
    warehouse VARCHAR(20) NOT NULL,
    delta INTEGER NOT NULL,
    reason VARCHAR(40) NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""),
    ("0004_promo_codes.sql", "promotions", """
CREATE TABLE promo_codes (
    code VARCHAR(40) PRIMARY KEY,
    kind VARCHAR(20) NOT NULL CHECK (kind IN ('percent', 'fixed', 'free_shipping')),
    value VARCHAR(20) NOT NULL,
    min_subtotal_cents BIGINT NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX promo_codes_upper ON promo_codes (upper(code));
"""),
    ("0005_refunds.sql", "refunds-v1", """
CREATE TABLE refunds (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reason VARCHAR(200) NOT NULL,
    lines JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""),
    ("0006_search.sql", "search", """
ALTER TABLE products ADD COLUMN search_vector tsvector;

CREATE FUNCTION products_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') ||
        setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'B');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER products_search_vector BEFORE INSERT OR UPDATE OF title, description ON products
    FOR EACH ROW EXECUTE FUNCTION products_search_vector();

UPDATE products SET title = title;
CREATE INDEX products_search ON products USING gin (search_vector);
"""),
    ("0007_reservations.sql", "reservations", """
CREATE TABLE reservations (
    id UUID PRIMARY KEY,
    cart_id UUID NOT NULL,
    sku VARCHAR(64) NOT NULL,
    warehouse VARCHAR(20) NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX reservations_cart ON reservations (cart_id);
CREATE INDEX reservations_expiry ON reservations (expires_at);
"""),
    ("0008_invoices.sql", "invoices", """
CREATE TABLE invoice_counters (value BIGINT NOT NULL);
INSERT INTO invoice_counters (value) VALUES (0);

CREATE TABLE invoices (
    number VARCHAR(20) PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    issued_on DATE NOT NULL,
    pdf_url TEXT
);
"""),
    ("0009_shipments.sql", "labels", """
CREATE TABLE shipments (
    id BIGSERIAL PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    carrier VARCHAR(30) NOT NULL,
    tracking_number VARCHAR(60),
    label_url TEXT,
    status VARCHAR(20) NOT NULL DEFAULT 'pending',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (order_id, carrier)
);
"""),
    ("0010_webhook_events.sql", "webhook-idempotency", """
-- One row per provider event we applied; the primary key is what makes a duplicate delivery
-- a no-op (docs/decisions/0004-idempotent-payment-webhooks.md).
CREATE TABLE processed_webhook_events (
    provider VARCHAR(20) NOT NULL,
    event_id VARCHAR(100) NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, event_id)
);
"""),
    ("0011_invoice_counters_per_year.sql", "invoice-year", """
ALTER TABLE invoice_counters ADD COLUMN year INTEGER;
UPDATE invoice_counters SET year = 2025;
ALTER TABLE invoice_counters ALTER COLUMN year SET NOT NULL;
ALTER TABLE invoice_counters ADD PRIMARY KEY (year);
"""),
    ("0012_outbox.sql", "outbox", """
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    event_id UUID NOT NULL UNIQUE,
    topic VARCHAR(100) NOT NULL,
    payload JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at TIMESTAMPTZ
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
"""),
    ("0013_sent_notifications.sql", "dedupe-emails", """
CREATE TABLE sent_notifications (
    event_id UUID NOT NULL,
    template VARCHAR(100) NOT NULL,
    sent_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (event_id, template)
);
"""),
    ("0014_stock_warehouse_ham.sql", "stock-warehouse-ham", """
-- Hamburg opens with the same SKUs as Berlin and no stock; the first delivery is booked as
-- movements like any other.
INSERT INTO stock_levels (sku, warehouse, on_hand, reserved, low_stock_at)
SELECT sku, 'HAM', 0, 0, low_stock_at FROM stock_levels WHERE warehouse = 'BER';
"""),
    ("0015_outbox_attempts.sql", "outbox-retries", """
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
"""),
]

SOURCES = [source(f"migrations/{name}", f"@@ {key}\n{sql.lstrip()}") for name, key, sql in MIGRATIONS] + [
    source("shop/db/tables.py", r'''
@@ postgres
"""Table definitions for SQLAlchemy Core, mirroring `migrations/`.

The migrations are the source of truth; these definitions must match them, and
`tests/test_tables.py` checks that they do against a migrated database.
"""

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table,
                        Text, UniqueConstraint, func)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData()

products = Table(
    "products", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("slug", String(200), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)

variants = Table(
    "variants", metadata,
    Column("sku", String(64), primary_key=True),
    Column("product_id", BigInteger, ForeignKey("products.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("price_cents", BigInteger, nullable=False),
    Column("weight_grams", Integer, nullable=False, default=0),
)

customers = Table(
    "customers", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("password_hash", String(200)),
    Column("country", String(2), nullable=False, default="DE"),
)

orders = Table(
    "orders", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("customer_id", BigInteger, ForeignKey("customers.id"), nullable=False),
    Column("status", String(20), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("subtotal_cents", BigInteger, nullable=False),
    Column("discount_cents", BigInteger, nullable=False, default=0),
    Column("shipping_cents", BigInteger, nullable=False, default=0),
    Column("tax_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("placed_at", DateTime(timezone=True), server_default=func.now()),
)

order_lines = Table(
    "order_lines", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("order_id", BigInteger, ForeignKey("orders.id"), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("unit_price_cents", BigInteger, nullable=False),
    Column("discount_cents", BigInteger, nullable=False, default=0),
    Column("tax_rate", String(8), nullable=False),
)
@@ promotions

promo_codes = Table(
    "promo_codes", metadata,
    Column("code", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("value", String(20), nullable=False),
    Column("min_subtotal_cents", BigInteger, nullable=False, default=0),
    Column("expires_at", DateTime(timezone=True)),
)
@@ inventory-stock

stock_levels = Table(
    "stock_levels", metadata,
    Column("sku", String(64), ForeignKey("variants.sku"), primary_key=True),
    Column("warehouse", String(20), primary_key=True),
    Column("on_hand", Integer, nullable=False, default=0),
    Column("reserved", Integer, nullable=False, default=0),
    Column("low_stock_at", Integer, nullable=False, default=5),
)
@@ reservations

reservations = Table(
    "reservations", metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("cart_id", UUID(as_uuid=True), nullable=False, index=True),
    Column("sku", String(64), nullable=False),
    Column("warehouse", String(20), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
@@ payments-v1

payments = Table(
    "payments", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("order_id", BigInteger, ForeignKey("orders.id"), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("provider_ref", String(100), nullable=False, unique=True),
    Column("status", String(20), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("captured_cents", BigInteger, nullable=False, default=0),
    Column("refunded_cents", BigInteger, nullable=False, default=0),
)
@@ webhook-idempotency

processed_webhook_events = Table(
    "processed_webhook_events", metadata,
    Column("provider", String(20), primary_key=True),
    Column("event_id", String(100), primary_key=True),
    Column("processed_at", DateTime(timezone=True), server_default=func.now()),
)
@@ refunds-v1

refunds = Table(
    "refunds", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("order_id", BigInteger, ForeignKey("orders.id"), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("lines", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)
@@ outbox

outbox = Table(
    "outbox", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
    Column("topic", String(100), nullable=False),
    Column("payload", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
    Column("published_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, default=0),
)
@@ dedupe-emails

sent_notifications = Table(
    "sent_notifications", metadata,
    Column("event_id", UUID(as_uuid=True), nullable=False),
    Column("template", String(100), nullable=False),
    Column("sent_at", DateTime(timezone=True), server_default=func.now()),
    UniqueConstraint("event_id", "template"),
)
@@ labels

shipments = Table(
    "shipments", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("order_id", BigInteger, ForeignKey("orders.id"), nullable=False),
    Column("carrier", String(30), nullable=False),
    Column("tracking_number", String(60)),
    Column("label_url", Text),
    Column("status", String(20), nullable=False, default="pending"),
)
'''),
]
