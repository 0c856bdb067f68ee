"""The web frontend: React and TypeScript, built with Vite."""

from .model import source

SOURCES = [
    source("web/tsconfig.json", r'''
@@ web-scaffold
{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022", "DOM", "DOM.Iterable"],
    "module": "ESNext",
    "moduleResolution": "bundler",
    "jsx": "react-jsx",
    "strict": true,
    "noUnusedLocals": true,
    "noEmit": true,
    "skipLibCheck": true
  },
  "include": ["src"]
}
'''),
    source("web/vite.config.ts", r'''
@@ web-scaffold
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The API runs on :8000 in development; the dev server proxies /api to it so that
// cookies and CORS behave as they do in production behind one host name.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/api": { target: "http://localhost:8000", rewrite: (path) => path.replace(/^\/api/, "") } },
  },
});
'''),
    source("web/index.html", r'''
@@ web-scaffold
<!doctype html>
<html lang="de">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/png" href="/logo.png" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>Shop</title>
  </head>
  <body>
    <div id="root"></div>
    <script type="module" src="/src/main.tsx"></script>
  </body>
</html>
'''),
    source("web/src/main.tsx", r'''
@@ web-scaffold
import React from "react";
import ReactDOM from "react-dom/client";
@@ react-query
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
@@ web-scaffold
import { App } from "./App";

@@ react-query
// Server state lives in React Query's cache; see docs/decisions/0005-server-state-with-react-query.md.
const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } });

@@ web-scaffold
ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
@@ web-scaffold
    <App />
@@ > react-query
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
@@ web-scaffold
  </React.StrictMode>,
);
'''),
    source("web/src/App.tsx", r'''
@@ web-scaffold
import { BrowserRouter, Route, Routes } from "react-router-dom";
@@ web-header
import { Header } from "./components/Header";
@@ web-scaffold
import { ProductList } from "./catalog/ProductList";
@@ web-cart
import { CartPage } from "./cart/CartPage";
@@ web-checkout
import { CheckoutForm } from "./checkout/CheckoutForm";
@@ web-order-page
import { OrderPage } from "./orders/OrderPage";
@@ web-styles
import "./styles.css";
@@ web-scaffold

export function App() {
  return (
    <BrowserRouter>
@@ web-scaffold
      <header className="site-header">
        <img src="/logo.png" alt="Shop" height={32} />
      </header>
@@ > web-header
      <Header />
@@ web-scaffold
      <Routes>
        <Route path="/" element={<ProductList />} />
@@ web-cart
        <Route path="/cart" element={<CartPage />} />
@@ web-checkout
        <Route path="/checkout" element={<CheckoutForm />} />
@@ web-order-page
        <Route path="/orders/:number" element={<OrderPage />} />
@@ web-scaffold
      </Routes>
    </BrowserRouter>
  );
}
'''),
    source("web/src/lib/money.ts", r'''
@@ web-scaffold
// Amounts arrive from the API as integer cents (docs/adr/0002-store-money-as-integer-cents.md).
// Formatting is the only place where they become decimals, and only for display.

const formatters = new Map<string, Intl.NumberFormat>();

export function formatCents(cents: number, currency = "EUR", locale = "de-DE"): string {
  if (!Number.isInteger(cents)) {
    throw new Error(`formatCents expects integer cents, got ${cents}`);
  }
  const key = `${locale}:${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, formatter);
  }
  return formatter.format(cents / 100);
}
@@ web-money-sum

export function sumCents(amounts: number[]): number {
  return amounts.reduce((total, cents) => total + cents, 0);
}
'''),
    source("web/src/api/client.ts", r'''
@@ web-api-client
// A small fetch wrapper: JSON in and out, bearer token, one transparent refresh on 401.

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: { error?: string; message?: string },
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
}

let accessToken: string | null = null;

export function setAccessToken(token: string | null) {
  accessToken = token;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await send(path, init);
@@ web-token-refresh
  if (response.status === 401 && accessToken) {
    // The access token lives 15 minutes; the refresh token is an HttpOnly cookie, so the
    // browser sends it and JavaScript never sees it (docs/adr/0007-jwt-access-tokens.md).
    const refreshed = await fetch("/api/auth/refresh", { method: "POST", credentials: "include" });
    if (refreshed.ok) {
      setAccessToken((await refreshed.json()).access_token);
      return parse<T>(await send(path, init));
    }
    setAccessToken(null);
  }
@@ web-api-client
  return parse<T>(response);
}

function send(path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "application/json");
  if (accessToken) headers.set("Authorization", `Bearer ${accessToken}`);
  return fetch(`/api${path}`, { ...init, headers, credentials: "include" });
}

async function parse<T>(response: Response): Promise<T> {
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new ApiError(response.status, body ?? {});
  return body as T;
}
'''),
    source("web/src/catalog/ProductList.tsx", r'''
@@ web-catalog
import { useEffect, useState } from "react";
import { api } from "../api/client";
import { formatCents } from "../lib/money";

type ProductCard = { slug: string; title: string; from_price_cents: number };

export function ProductList() {
  const [products, setProducts] = useState<ProductCard[]>([]);
  useEffect(() => {
    api<ProductCard[]>("/products").then(setProducts);
  }, []);
@@ > react-query
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import { formatCents } from "../lib/money";

type ProductCard = { slug: string; title: string; from_price_cents: number };

export function ProductList() {
  const { data: products = [], isLoading } = useQuery({
    queryKey: ["products"],
    queryFn: () => api<ProductCard[]>("/products"),
  });
  if (isLoading) return <p className="loading">Loading…</p>;
@@ web-catalog
  return (
    <ul className="product-grid">
      {products.map((p) => (
        <li key={p.slug}>
          <a href={`/products/${p.slug}`}>
            <h2>{p.title}</h2>
            <p className="price">ab {formatCents(p.from_price_cents)}</p>
          </a>
        </li>
      ))}
    </ul>
  );
}
'''),
    source("web/src/lib/money.test.ts", r'''
@@ web-money-test
import { describe, expect, it } from "vitest";
import { formatCents } from "./money";

describe("formatCents", () => {
  it("formats euros the German way", () => {
    expect(formatCents(123456)).toBe("1.234,56\u00a0€");
  });

  it("refuses fractions of a cent", () => {
    expect(() => formatCents(12.5)).toThrow(/integer cents/);
  });
@@ web-money-sum

  it("sums cents", async () => {
    const { sumCents } = await import("./money");
    expect(sumCents([199, 1, 800])).toBe(1000);
  });
@@ web-money-test
});
'''),
    source("web/src/i18n.ts", r'''
@@ web-i18n
// UI strings. German is the shop's language; English for the Nordic launch (SHOP-45), where
// customers asked for it. Keys are English sentences' short forms.

@@ web-i18n
export type Locale = "de" | "en";
@@ > web-i18n-locale-guard
// Finnish customers get English until the Finnish translation is done (SHOP-45 follow-up).
export type Locale = "de" | "en";
@@ web-i18n

const strings = {
  de: {
    "cart.empty": "Dein Warenkorb ist leer.",
    "cart.subtotal": "Zwischensumme",
    "cart.checkout": "Zur Kasse",
    "cart.promo": "Gutscheincode",
    "cart.promo.apply": "Einlösen",
    "checkout.submit": "Kostenpflichtig bestellen",
    "checkout.declined": "Die Karte wurde abgelehnt.",
    "error.generic": "Etwas ist schiefgelaufen.",
  },
  en: {
    "cart.empty": "Your cart is empty.",
    "cart.subtotal": "Subtotal",
    "cart.checkout": "Checkout",
    "cart.promo": "Promo code",
    "cart.promo.apply": "Apply",
    "checkout.submit": "Place order and pay",
    "checkout.declined": "Your card was declined.",
    "error.generic": "Something went wrong.",
  },
} as const;

export type Key = keyof (typeof strings)["de"];

export function locale(): Locale {
  return document.documentElement.lang.startsWith("en") ? "en" : "de";
}

export function t(key: Key): string {
  return strings[locale()][key];
}
'''),
    source("web/src/components/Header.tsx", r'''
@@ web-header
import { useEffect, useState } from "react";
import { api } from "../api/client";

export function Header() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const id = localStorage.getItem("cart_id");
    if (id) api<{ lines: { quantity: number }[] }>(`/carts/${id}`).then((c) => setCount(itemCount(c.lines)));
  }, []);
@@ > react-query
import { useCart } from "../cart/useCart";

export function Header() {
  const { data: cart } = useCart();
  const count = cart ? itemCount(cart.lines) : 0;
@@ web-header
  return (
    <header className="site-header">
      <a href="/">
        <img src="/logo.png" alt="Shop" height={32} />
      </a>
      <a href="/cart" className="cart-badge" aria-label={`Warenkorb, ${count} Artikel`}>
        🛒 {count > 0 && <span className="count">{count}</span>}
      </a>
    </header>
  );
}

function itemCount(lines: { quantity: number }[]): number {
  return lines.reduce((total, line) => total + line.quantity, 0);
}
'''),
    source("web/src/styles.css", r'''
@@ web-styles
:root {
  --brand: #0e8078;
  --text: #1d2327;
  --muted: #6b7479;
  font-family: system-ui, sans-serif;
  color: var(--text);
}

.site-header {
  display: flex;
  justify-content: space-between;
  align-items: center;
  padding: 0.75rem 1.5rem;
  border-bottom: 1px solid #e3e6e8;
}

.product-grid {
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
  gap: 1.5rem;
  padding: 1.5rem;
  list-style: none;
}

.price {
  color: var(--muted);
}
@@ web-styles-checkout

.button,
button[type="submit"] {
  background: var(--brand);
  color: white;
  border: 0;
  border-radius: 0.25rem;
  padding: 0.75rem 1.5rem;
}

button:disabled {
  opacity: 0.5;
}

.error {
  color: #b3261e;
}
@@ web-header

.cart-badge .count {
  background: var(--brand);
  color: white;
  border-radius: 999px;
  padding: 0 0.4rem;
  font-size: 0.8rem;
}
@@ web-promo-field

.promo {
  display: flex;
  gap: 0.5rem;
  margin: 1rem 0;
}
'''),
]
