"""The HTTP routes: catalog, cart, orders, payment webhooks and the admin back office."""

from .model import source

SOURCES = [
    source("shop/api/routes/catalog.py", r'''
@@ catalog-api
"""GET /products, /products/{slug}, /search."""

@@ catalog-api
from fastapi import APIRouter
@@ > catalog-cache-headers
from fastapi import APIRouter, Response
@@ catalog-api

from shop.catalog.service import get_product, list_products
@@ search
from shop.catalog.search import search
@@ catalog-api
from shop.db.session import read_only

router = APIRouter(tags=["catalog"])


@router.get("/products")
def products(page: int = 1) -> list[dict]:
    with read_only() as conn:
        return [_card(p) for p in list_products(conn, page)]


@router.get("/products/{slug}")
@@ catalog-api
def product(slug: str) -> dict:
    with read_only() as conn:
        p = get_product(conn, slug)
    return {**_card(p), "description": p.description,
            "variants": [{"sku": v.sku, "name": v.name, "price_cents": v.price.cents} for v in p.variants]}
@@ > catalog-cache-headers
def product(slug: str, response: Response) -> dict:
    with read_only() as conn:
        p = get_product(conn, slug)
    # The CDN may keep product pages for a minute; prices in carts are re-read anyway.
    response.headers["Cache-Control"] = "public, max-age=60"
    return {**_card(p), "description": p.description,
            "variants": [{"sku": v.sku, "name": v.name, "price_cents": v.price.cents} for v in p.variants_by_price()]}
@@ catalog-api
@@ search


@router.get("/search")
def search_products(q: str, limit: int = 20) -> list[dict]:
    with read_only() as conn:
        return [_card(p) for p in search(conn, q, limit)]
@@ catalog-api


def _card(p) -> dict:
    return {"slug": p.slug, "title": p.title, "from_price_cents": p.from_price.cents}
'''),
    source("shop/api/routes/cart.py", r'''
@@ cart-api
"""The cart endpoints. Carts live in Redis for 30 days; the API always returns them priced."""

from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel

from shop.cart.store import load_cart, save_cart
from shop.catalog.service import prices
from shop.db.session import read_only

router = APIRouter(prefix="/carts", tags=["cart"])


class LineIn(BaseModel):
    sku: str
    quantity: int


@router.get("/{cart_id}")
def get_cart(cart_id: UUID) -> dict:
    return _priced(load_cart(cart_id))


@router.put("/{cart_id}/lines")
def set_line(cart_id: UUID, line: LineIn) -> dict:
    cart = load_cart(cart_id)
    cart.set_quantity(line.sku, line.quantity)
    save_cart(cart)
    return _priced(cart)
@@ promotions


@router.put("/{cart_id}/promo-code")
def set_promo_code(cart_id: UUID, code: str | None = None) -> dict:
    cart = load_cart(cart_id)
    cart.promo_code = code.strip().upper() if code else None
    save_cart(cart)
    return _priced(cart)
@@ cart-api


def _priced(cart) -> dict:
    with read_only() as conn:
        priced = cart.priced(prices(conn, [line.sku for line in cart.lines])) if cart.lines else cart
    return {
        "id": str(priced.id),
        "lines": [{"sku": l.sku, "quantity": l.quantity, "amount_cents": l.amount.cents} for l in priced.lines],
        "subtotal_cents": priced.subtotal.cents,
    }
'''),
    source("shop/api/routes/orders.py", r'''
@@ checkout-api
"""POST /orders: checkout. GET /orders/{number}: the customer's view of an order."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from shop.api.deps import current_customer
from shop.cart.store import load_cart
from shop.checkout.service import place_order
from shop.config import load_settings
@@ order-status-api
from shop.db.session import read_only
from shop.errors import NotFound
@@ checkout-api
from shop.payments.provider import get_provider
@@ order-status-api
from shop.shipping.labels import tracking_url
@@ checkout-api

router = APIRouter(prefix="/orders", tags=["orders"])


class CheckoutIn(BaseModel):
    cart_id: str
    payment_method: str


@router.post("", status_code=201)
def checkout(body: CheckoutIn, customer=Depends(current_customer)) -> dict:
    provider = get_provider(load_settings())
    placed = place_order(load_cart(body.cart_id), customer, provider, body.payment_method)
@@ checkout-api
    return {"number": placed.number, "total_cents": placed.total.cents, "payment_ref": placed.payment_ref}
@@ > checkout-3ds
    return {"number": placed.number, "total_cents": placed.total.cents, "payment_ref": placed.payment_ref,
            "client_secret": placed.client_secret}
@@ order-status-api


@router.get("/{number}")
def order_status(number: str, customer=Depends(current_customer)) -> dict:
    """The customer's own order: status, totals, and tracking once shipped."""
    with read_only() as conn:
        order = conn.exec_driver_sql(
            "SELECT number, status, total_cents, placed_at FROM orders WHERE number = %s AND customer_id = %s",
            (number, customer.id),
        ).mappings().first()
        if order is None:
            raise NotFound(f"order {number}")
        shipments = conn.exec_driver_sql(
            "SELECT s.carrier, s.tracking_number FROM shipments s JOIN orders o ON o.id = s.order_id"
            " WHERE o.number = %s AND s.tracking_number IS NOT NULL",
            (number,),
        ).all()
    return {**order, "tracking": [tracking_url(carrier, tn) for carrier, tn in shipments]}
'''),
    source("shop/api/routes/payments.py", r'''
@@ webhooks
"""Payment provider webhooks. Unauthenticated by design: the signature is the authentication."""

from fastapi import APIRouter, Header, Request

from shop.config import load_settings
from shop.db.session import transaction
from shop.payments.webhooks import handle_stripe_event, verify_signature

router = APIRouter(prefix="/webhooks", tags=["payments"])


@router.post("/stripe")
async def stripe_webhook(request: Request, stripe_signature: str = Header(...)) -> dict:
    """Verify, then apply in one transaction. Any 2xx tells Stripe to stop retrying."""
    event = verify_signature(await request.body(), stripe_signature, load_settings().stripe_webhook_secret)
    with transaction() as conn:
        handle_stripe_event(conn, event)
    return {"received": True}
'''),
    source("shop/api/routes/admin.py", r'''
@@ admin-api
"""Back-office endpoints for support staff (scope `admin`)."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from shop.api.deps import require_scope
@@ refund-api
from shop.billing.refunds import load_order_view, refund_order
from shop.config import load_settings
@@ admin-api
from shop.db.session import read_only
@@ > refund-api
from shop.db.session import read_only, transaction
from shop.payments.provider import get_provider
@@ admin-api

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_scope("admin"))])


@router.get("/orders/{number}")
def order(number: str) -> dict:
    with read_only() as conn:
        row = conn.exec_driver_sql("SELECT * FROM orders WHERE number = %s", (number,)).mappings().one()
    return dict(row)
@@ refund-api


class RefundIn(BaseModel):
    lines: dict[str, int]
    reason: str
    include_shipping: bool = False


@router.post("/orders/{number}/refunds")
def refund(number: str, body: RefundIn) -> dict:
    """Refund some or all lines of an order; see shop/billing/refunds.py for the amounts."""
    with transaction() as conn:
        view, payment_ref = load_order_view(conn, number)
        plan = refund_order(conn, get_provider(load_settings()), view, payment_ref, body.lines, body.reason,
                            body.include_shipping)
    return {"total_cents": plan.total.cents, "shipping_cents": plan.shipping.cents}
'''),
]
