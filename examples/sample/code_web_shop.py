"""The web shop's pages where money changes hands: cart, checkout and the order page."""

from .model import source

SOURCES = [
    source("web/src/cart/useCart.ts", r'''
@@ react-query
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";

export type CartLine = { sku: string; quantity: number; amount_cents: number };
export type Cart = { id: string; lines: CartLine[]; subtotal_cents: number };

const cartId = () => {
  let id = localStorage.getItem("cart_id");
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem("cart_id", id);
  }
  return id;
};

export function useCart() {
  return useQuery({ queryKey: ["cart"], queryFn: () => api<Cart>(`/carts/${cartId()}`) });
}

export function useSetQuantity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (line: { sku: string; quantity: number }) =>
      api<Cart>(`/carts/${cartId()}/lines`, { method: "PUT", body: JSON.stringify(line) }),
@@ react-query
    onSuccess: (cart) => client.setQueryData(["cart"], cart),
@@ > web-optimistic-cart
    // Optimistic update: the quantity changes at once; a failure puts the old cart back.
    onMutate: async (line) => {
      await client.cancelQueries({ queryKey: ["cart"] });
      const previous = client.getQueryData<Cart>(["cart"]);
      client.setQueryData<Cart>(["cart"], (cart) =>
        cart && { ...cart, lines: cart.lines.map((l) => (l.sku === line.sku ? { ...l, quantity: line.quantity } : l)) },
      );
      return { previous };
    },
    onError: (_error, _line, context) => client.setQueryData(["cart"], context?.previous),
    onSettled: () => client.invalidateQueries({ queryKey: ["cart"] }),
@@ react-query
  });
}
'''),
    source("web/src/cart/CartPage.tsx", r'''
@@ web-cart
import { formatCents } from "../lib/money";
@@ web-promo-field
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api } from "../api/client";
@@ web-cart
import { useEffect, useState } from "react";
import { api } from "../api/client";

type Cart = { id: string; lines: { sku: string; quantity: number; amount_cents: number }[]; subtotal_cents: number };

export function CartPage() {
  const [cart, setCart] = useState<Cart | null>(null);
  useEffect(() => {
    api<Cart>(`/carts/${localStorage.getItem("cart_id")}`).then(setCart);
  }, []);
  const setQuantity = (sku: string, quantity: number) =>
    api<Cart>(`/carts/${cart!.id}/lines`, { method: "PUT", body: JSON.stringify({ sku, quantity }) }).then(setCart);
@@ > react-query
import { useCart, useSetQuantity } from "./useCart";

export function CartPage() {
  const { data: cart } = useCart();
  const update = useSetQuantity();
  const setQuantity = (sku: string, quantity: number) => update.mutate({ sku, quantity });
@@ web-cart
  if (!cart) return null;
  if (cart.lines.length === 0) return <p className="empty">Dein Warenkorb ist leer.</p>;
  return (
    <section className="cart">
      <table>
        <tbody>
          {cart.lines.map((line) => (
            <tr key={line.sku}>
              <td>{line.sku}</td>
              <td>
                <input
                  type="number"
                  min={0}
                  max={20}
                  value={line.quantity}
                  onChange={(e) => setQuantity(line.sku, Number(e.target.value))}
                />
              </td>
              <td className="amount">{formatCents(line.amount_cents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="subtotal">Zwischensumme: {formatCents(cart.subtotal_cents)}</p>
@@ web-promo-field
      <PromoCodeField cartId={cart.id} />
@@ web-cart
      <a className="button" href="/checkout">Zur Kasse</a>
    </section>
  );
}
@@ web-promo-field

function PromoCodeField({ cartId }: { cartId: string }) {
  const [code, setCode] = useState("");
  const client = useQueryClient();
  const apply = () =>
    api(`/carts/${cartId}/promo-code?code=${encodeURIComponent(code)}`, { method: "PUT" }).then(() =>
      client.invalidateQueries({ queryKey: ["cart"] }),
    );
  return (
    <div className="promo">
      <input placeholder="Gutscheincode" value={code} onChange={(e) => setCode(e.target.value)} />
      <button onClick={apply}>Einlösen</button>
    </div>
  );
}
'''),
    source("web/src/checkout/CheckoutForm.tsx", r'''
@@ web-checkout
import { useState } from "react";
import { CardElement, Elements, useElements, useStripe } from "@stripe/react-stripe-js";
import { loadStripe } from "@stripe/stripe-js";
import { api, ApiError } from "../api/client";

const stripePromise = loadStripe(import.meta.env.VITE_STRIPE_PUBLISHABLE_KEY);

type Placed = { number: string; total_cents: number; payment_ref: string };
@@ web-3ds
type Placed3ds = Placed & { client_secret?: string };
@@ web-checkout

export function CheckoutForm() {
  return (
    <Elements stripe={stripePromise}>
      <Form />
    </Elements>
  );
}

function Form() {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
@@ web-double-submit
  // Disabled while the order is being placed: a second click used to create a second order (#33).
  const [busy, setBusy] = useState(false);
@@ web-checkout

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!stripe || !elements) return;
@@ web-double-submit
    setBusy(true);
@@ web-checkout
    setError(null);
    const { paymentMethod, error: cardError } = await stripe.createPaymentMethod({
      type: "card",
      card: elements.getElement(CardElement)!,
    });
    if (cardError) {
      setError(cardError.message ?? "Die Karte wurde abgelehnt.");
@@ web-double-submit
      setBusy(false);
@@ web-checkout
      return;
    }
    try {
@@ web-checkout
      const placed = await api<Placed>("/orders", {
        method: "POST",
        body: JSON.stringify({ cart_id: localStorage.getItem("cart_id"), payment_method: paymentMethod.id }),
      });
@@ > web-3ds
      const placed = await api<Placed3ds>("/orders", {
        method: "POST",
        body: JSON.stringify({ cart_id: localStorage.getItem("cart_id"), payment_method: paymentMethod.id }),
      });
      if (placed.client_secret) {
        // The bank wants 3-D Secure: Stripe shows its challenge, and the webhook confirms
        // the payment on our side once it succeeds (GH-41).
        const { error: actionError } = await stripe.handleNextAction({ clientSecret: placed.client_secret });
        if (actionError) throw new Error(actionError.message);
      }
@@ web-checkout
      localStorage.removeItem("cart_id");
      window.location.assign(`/orders/${placed.number}`);
    } catch (e) {
@@ web-checkout
      setError(e instanceof ApiError ? e.message : "Etwas ist schiefgelaufen.");
@@ > web-error-messages
      setError(e instanceof ApiError || e instanceof Error ? e.message : "Etwas ist schiefgelaufen.");
@@ web-double-submit
      setBusy(false);
@@ web-checkout
    }
  }

  return (
    <form onSubmit={submit} className="checkout">
      <CardElement options={{ hidePostalCode: true }} />
      {error && <p className="error">{error}</p>}
@@ web-checkout
      <button type="submit" disabled={!stripe}>
@@ > web-double-submit
      <button type="submit" disabled={!stripe || busy}>
@@ web-checkout
        Kostenpflichtig bestellen
      </button>
    </form>
  );
}
'''),
    source("web/src/orders/OrderPage.tsx", r'''
@@ web-order-page
import { useEffect, useState } from "react";
import { useParams } from "react-router-dom";
import { api } from "../api/client";
import { formatCents } from "../lib/money";

type Order = { number: string; status: string; total_cents: number; placed_at: string; tracking: string[] };

const STATUS_TEXT: Record<string, string> = {
  pending: "Wir warten auf die Bestätigung deiner Zahlung.",
  paid: "Bezahlt. Wir packen dein Paket.",
  fulfilled: "Gepackt, wartet auf den Paketdienst.",
  shipped: "Unterwegs.",
  delivered: "Zugestellt.",
  cancelled: "Storniert.",
  refunded: "Erstattet.",
};

export function OrderPage() {
  const { number } = useParams();
  const [order, setOrder] = useState<Order | null>(null);
  useEffect(() => {
    api<Order>(`/orders/${number}`).then(setOrder);
  }, [number]);
  if (!order) return null;
  return (
    <section className="order">
      <h1>Bestellung {order.number}</h1>
      <p>{STATUS_TEXT[order.status] ?? order.status}</p>
      <p>Summe: {formatCents(order.total_cents)}</p>
      {order.tracking.map((url) => (
        <a key={url} href={url}>
          Sendung verfolgen
        </a>
      ))}
    </section>
  );
}
'''),
]
