"""The README, docs/ (architecture, runbooks, onboarding, API) and the GitHub files around them."""

from __future__ import annotations

from .model import source

SOURCES = [
    source("README.md", r'''
@@ skeleton
# Shop

The backend of our online store: catalog, cart, checkout, payments, fulfilment and the
messages customers get. Python 3.12, FastAPI, PostgreSQL.
@@ web-scaffold
The web shop itself is in `web/` (React, TypeScript, Vite).
@@ skeleton

## Getting started

@@ skeleton
    docker compose up -d        # Postgres (and, later, Redis and a mail catcher)
    make install                # poetry install and the pre-commit hooks
    make migrate                # apply migrations/*.sql in oder
    make test
@@ > readme-typo
    docker compose up -d        # Postgres, Redis and a mail catcher on :8025
    make install                # poetry install and the pre-commit hooks
    make migrate                # apply migrations/*.sql in order
    make test
@@ skeleton

Settings come from `config/settings.yaml`, then `config/<SHOP_ENV>.yaml`, then `SHOP_*`
environment variables (see `shop/config.py`).
@@ readme-web

The web shop: `cd web && npm ci && npm run dev` serves it on :5173 and proxies `/api` to the
API on :8000 (`uvicorn --factory shop.api.app:create_app --reload`). `make web` does both.
@@ readme-worker

Background jobs run as `shop-worker outbox` and `shop-worker release-reservations`, one
process each (`make worker` starts both locally).
@@ skeleton

## Layout

| folder | what |
|---|---|
| `shop/catalog`, `shop/cart`, `shop/checkout` | what the customer sees before paying |
@@ payments-v1
| `shop/billing` | tax, invoices, refunds: how much is owed or given back |
@@ > move-payments
| `shop/billing` | tax, invoices, refunds: how much is owed or given back |
| `shop/payments` | moving money: Stripe and Adyen behind one interface, webhooks |
@@ inventory-stock
| `shop/inventory`, `shop/shipping` | stock, reservations, rates, carriers, labels |
@@ event-bus
| `shop/events`, `shop/notifications` | domain events and the e-mails and SMS they trigger |
@@ tokens
| `shop/auth`, `shop/api` | tokens and sessions; the HTTP API |
@@ skeleton
| `migrations/` | schema changes, plain SQL, applied in order |
@@ adr-0001
| `docs/adr`, `docs/decisions` | why things are the way they are |
@@ skeleton

## How we work

Small pull requests, reviewed by someone from the owning team. Reference the ticket in the
commit message (`SHOP-123` for Jira, `#123` for GitHub issues, `ENG-12` for Linear).
@@ adr-0001
Decisions that change how the shop is built get a record in `docs/adr` (or, since 2026,
`docs/decisions`); see docs/adr/0001-record-architecture-decisions.md.
@@ ignore-revs

`git config blame.ignoreRevsFile .git-blame-ignore-revs` keeps the 2026 reformat out of blame.
'''),
    source("docs/architecture.md", r'''
@@ architecture-doc
# Architecture

![Web, API, database](img/architecture.png)

One deployable Python service (the API, `shop.api.app:create_app`) and one worker process
per background job (`shop-worker`), both on PostgreSQL. The web client is static files
served by the CDN; it talks to the API only.

## A request's path

Routes in `shop/api/routes` parse the request and call a domain package; domain packages
take a database connection and never commit themselves. `shop.db.session.transaction()` is
the unit of work.

## Money

Integer cents everywhere (docs/adr/0002-store-money-as-integer-cents.md).
@@ architecture-auth

## Authentication

Short-lived RS256 access tokens, verified with the public key alone, and refresh tokens in
an HttpOnly cookie (docs/adr/0007-jwt-access-tokens.md). `shop/api/deps.py` turns the bearer
token into the current customer; admin endpoints require the `admin` scope.
@@ checkout

## Checkout

`shop/checkout/service.py:place_order` prices the cart, reserves stock, computes discount,
shipping and VAT, writes the order and authorises the payment, all in one transaction. The
payment is captured when the parcel ships, not at checkout.
@@ event-bus

## Events

Domain events ("order.placed", "payment.captured", "refund.issued", "shipment.labelled")
decouple checkout from what follows it: e-mails, SMS, fulfilment.
@@ > outbox
## Events

Domain events ("order.placed", "payment.captured", "refund.issued", "shipment.labelled")
decouple checkout from what follows it: e-mails, SMS, fulfilment. They are written to the
`outbox` table in the same transaction as the change, and the `shop-worker outbox` relay
dispatches them on the in-process bus after commit. Delivery is at least once; handlers
de-duplicate by event id. See docs/decisions/0001-transactional-outbox-for-domain-events.md
and docs/runbooks/outbox.md.
@@ architecture-fulfilment

## Fulfilment

Stock is held per SKU and warehouse. Checkout reserves it for 15 minutes
(docs/decisions/0002-reserve-stock-during-checkout.md); paid orders convert their
reservations, expired ones are released by a worker. Shipping prices come from carrier rate
tables (docs/decisions/0003-shipping-rates-from-carrier-tables.md); labels are bought once per
parcel even when the carrier call is retried.
@@ provider-interface

## Payments

`shop/payments` hides Stripe and Adyen behind `PaymentProvider`
(docs/adr/0006-payment-providers-behind-an-interface.md). Incoming webhooks are verified,
de-duplicated by event id and applied in one transaction.
@@ architecture-web

## Web

`web/` is a React single-page app. Server state (products, cart, orders) lives in React Query
(docs/decisions/0005-server-state-with-react-query.md); the API client refreshes the access
token once on a 401. Money arrives as cents and is formatted in `web/src/lib/money.ts` only.
'''),
    source("docs/runbooks/payments.md", r'''
@@ runbook-payments
# Runbook: payments

## Webhooks are failing

Symptoms: orders stay `pending` after the customer paid; the Stripe dashboard shows webhook
deliveries with 4xx answers.

1. `signature does not match`: the endpoint secret changed. Put the new `whsec_...` value in
   the secret store as `SHOP_STRIPE_WEBHOOK_SECRET` and restart the API.
2. `timestamp outside the tolerance`: our clock is off. Check `chronyc tracking` on the API
   hosts (SHOP-64 was a node 7 minutes behind).
3. Once fixed, resend the failed events from the Stripe dashboard. Re-sending is safe: each
   event id is applied once (`processed_webhook_events`).

## A refund failed at the provider

The refund row is written in the same transaction as the provider call, so a failed call
leaves no row. Retry from the admin; the idempotency key makes a retry after a timeout safe.
If the provider says the amount exceeds what is refundable, compare `payments.captured_cents`
and `refunded_cents` with the dashboard before doing anything by hand.

## Switching a market to Adyen
@@ runbook-adyen-notifications

Adyen confirms captures and refunds with notifications, not in the API answer. Until SHOP-77
is finished, an Adyen payment stays `authorized` in our table after capture: check the Adyen
customer area before you act on that status. Notifications are signed with an HMAC key
(`adyen_hmac_key`); `verify_adyen_hmac` in shop/payments/webhooks.py checks it.
@@ runbook-payments

Set `payment_provider: adyen` plus `adyen_api_key`, `adyen_merchant_account` and
`adyen_hmac_key` for that deployment. Authorisations already made with Stripe are captured
and refunded through Stripe: the provider is stored per payment.

## Authorisations about to expire

Card authorisations hold seven days. Orders not shipped after six days are listed by
`SELECT number FROM orders WHERE status = 'paid' AND placed_at < now() - interval '6 days'`;
ask fulfilment before voiding any of them.
'''),
    source("docs/runbooks/outbox.md", r'''
@@ handover-docs
# Runbook: outbox and e-mail

## Events are not going out

`GET /healthz/outbox` shows `pending` and `stuck`. A growing `pending` means the relay is
down: `systemctl status shop-worker@outbox` on the worker hosts, restart it, and it catches up
from the table. Nothing is lost while it is down.

## Customers get an e-mail twice

Should not happen since SHOP-51: relays claim rows with `FOR UPDATE SKIP LOCKED` and e-mails
are recorded in `sent_notifications` by (event id, template) before sending. If it happens,
check that every relay runs the current release and that `sent_notifications` has its unique
constraint.

## The mail relay is down

Sends are retried with backoff for about a minute
(docs/adr/20260316-retry-email-delivery-with-backoff.md), then the event fails and the relay
tries it again on its next pass.
@@ outbox-metrics

## An event is stuck

After eight failed attempts an event stays in the table with `attempts >= 8`. Find the cause
in the worker log (search for the event id), fix it, then replay it with
`shop.events.outbox.replay(conn, event_id)` from a shell on a worker host.
'''),
    source("docs/onboarding.md", r'''
@@ onboarding
# Onboarding

Welcome. Your first week:

1. Get the README's "Getting started" working, including `make test`.
2. Read docs/architecture.md, then the decision records in `docs/adr` and `docs/decisions`,
   oldest first: they explain most of what looks odd.
3. Pick a ticket labelled `good-first-issue` with your team lead.

## Who to ask

| area | team | code |
|---|---|---|
| catalog, search, stock counts | catalog | `shop/catalog`, `shop/inventory/stock.py` |
| cart, checkout, refunds | checkout | `shop/cart`, `shop/checkout`, `shop/billing` |
| payments | checkout | `shop/payments` |
| shipping, reservations | fulfilment | `shop/shipping`, `shop/inventory/reservations.py` |
| events, e-mail, auth, CI | platform | `shop/events`, `shop/notifications`, `shop/auth` |
| web shop | web | `web/` |

Some of this code was written by contractors whose contracts end this year; when you change
their code, pair with them while they are here and write down what you learn in the runbooks.
'''),
    source("docs/api.md", r'''
@@ api-docs
# The HTTP API

All amounts are integer cents (`*_cents`). Errors are `{"error": "<class>", "message": "..."}`
with the status from `shop/api/app.py`: 404 not found, 409 conflict, 422 invalid request,
402 payment declined.
@@ > request-id
# The HTTP API

All amounts are integer cents (`*_cents`). Errors are `{"error": "<class>", "message": "..."}`
with the status from `shop/api/app.py`: 404 not found, 409 conflict, 422 invalid request,
402 payment declined. Every response has an `X-Request-ID` header; quote it to support.
@@ api-docs

| method and path | who | what |
|---|---|---|
| `GET /products`, `GET /products/{slug}` | anyone | catalog pages |
@@ search
| `GET /search?q=` | anyone | full text search |
@@ api-docs
| `GET /carts/{id}`, `PUT /carts/{id}/lines` | anyone with the cart id | the cart, always priced |
@@ promotions
| `PUT /carts/{id}/promo-code` | anyone with the cart id | set or clear the promo code |
@@ api-docs
| `POST /orders` | customer | checkout; `client_secret` when 3-D Secure is needed |
@@ order-status-api
| `GET /orders/{number}` | customer | status, total, tracking links |
@@ api-docs
| `POST /auth/login`, `POST /auth/refresh` | anyone | access token; refresh token as cookie |
| `GET /admin/orders/{number}` | admin | any order |
| `POST /admin/orders/{number}/refunds` | admin | refund lines, see shop/billing/refunds.py |
| `POST /webhooks/stripe` | Stripe | signed webhooks |
@@ rate-limit

Clients get 120 requests a minute (HTTP 429 with `Retry-After` beyond that); webhooks are
exempt.
'''),
    source("CONTRIBUTING.md", r'''
@@ contributing
# Contributing

1. Branch from `main`, keep the change small, open a pull request.
2. `make lint test` must pass; CI runs the same.
3. Reference the ticket in the commit message: `SHOP-123` (Jira), `#123` or `GH-123` (GitHub
   issues), `ENG-12` (Linear). `fixes #123` closes a GitHub issue on merge.
4. Someone from the owning team reviews (see `.github/CODEOWNERS`).
@@ ignore-revs
5. Python is formatted by `ruff format` (pre-commit does it). Do not mix reformatting with
   changes: a formatting-only commit goes into `.git-blame-ignore-revs`.
@@ contributing

Money is integer cents, always (docs/adr/0002-store-money-as-integer-cents.md).
'''),
    source(".github/pull_request_template.md", r'''
@@ pr-template
## What and why

<!-- One paragraph. Link the ticket: SHOP-123, #123 or ENG-12. -->

## How to check

- [ ] tests added or updated
- [ ] migration added (if the schema changed) and `shop/db/tables.py` updated
- [ ] decision record added (if this changes how the shop is built)
'''),
    source(".github/CODEOWNERS", r'''
@@ codeowners
# Reviews are requested from the owning team. Contractors are listed with their team lead so
# that knowledge stays in the team when a contract ends.
*                       @shop-example/platform
/shop/catalog/          @shop-example/catalog
/shop/cart/             @shop-example/checkout
/shop/checkout/         @shop-example/checkout
/shop/billing/          @shop-example/checkout
/shop/payments/         @shop-example/checkout @vsalo-nw
/shop/inventory/        @shop-example/fulfilment @aiko-bc
/shop/shipping/         @shop-example/fulfilment @aiko-bc
@@ codeowners
/shop/events/           @shop-example/platform @lpetrovic-nw
/shop/notifications/    @shop-example/platform @lpetrovic-nw
@@ > codeowners-platform
/shop/events/           @shop-example/platform @iokafor
/shop/notifications/    @shop-example/platform @iokafor
@@ codeowners
/shop/auth/             @shop-example/platform @mnovak-nw
/web/                   @shop-example/web
'''),
]
