"""Decision records in docs/adr: adr-tools (Nygard) numbered files, then log4brains dated ones.

The team started with adr-tools in July 2025 (`.adr-dir` names this folder) and moved to
log4brains, which keeps the same folder, in 2026. Status lines change in the commits that
supersede or amend a record, written the way adr-tools writes them ("Supercedes").
"""

from .model import source

SOURCES = [
    source("docs/adr/0001-record-architecture-decisions.md", r'''
@@ adr-0001
# 1. Record architecture decisions

Date: 2025-07-01

## Status

Accepted

## Context

We need to record the architectural decisions made on this project, so that people who join
later, employees and contractors alike, can find out why the code is the way it is without
asking someone who may have left.

## Decision

We will use Architecture Decision Records in the short format that adr-tools writes: context,
decision, status and consequences, one file per decision in `docs/adr`, numbered in order.

## Consequences

A decision that changes how the shop is built gets a record in the same pull request as the
code. Records are never deleted: a record that no longer holds is marked superseded and links
to the one that replaced it.
'''),
    source("docs/adr/0002-store-money-as-integer-cents.md", r'''
@@ money
# 2. Store money as integer cents

Date: 2025-07-10

## Status

Accepted
@@ adr-refunds

Amended by [Refunds pro-rate order discounts](../decisions/0006-refunds-pro-rate-order-discounts.md)
@@ money

## Context

Prices, discounts, VAT, shipping and refunds all combine amounts of money. Binary floating
point cannot represent most decimal amounts exactly: a basket of thirty lines at 0.10 drifts,
and a refund computed in floats can differ by a cent from the charge it reverses. Python's
`Decimal` is exact, but the values also travel through JSON, where the web client reads every
number as a double, and through Postgres, where `NUMERIC` columns invite arithmetic in SQL
with its own rounding.

## Decision

Every amount is an integer number of the currency's minor unit (cents for EUR):

* columns are `BIGINT` and named `*_cents`; API fields are named `*_cents` too;
* in Python, amounts are `shop.money.Money(cents, currency)`, which refuses floats;
* where a percentage is taken (VAT, percent discounts) the result is rounded half to even,
  once, at that step;
* an amount split across parts (an order discount over its lines) uses largest-remainder
  allocation (`Money.allocate`), so the parts always add up to the whole;
* only the web client turns cents into a decimal string, and only for display.

## Consequences

No rounding drift between charge, invoice and refund. Currencies with three minor digits
(KWD, BHD) are not supported; we do not sell there. Everyone has to remember that 1999 means
19.99: the `_cents` suffix is there to make that hard to forget.
'''),
    source("docs/adr/0003-use-stripe-for-card-payments.md", r'''
@@ adr-0003
# 3. Use Stripe for card payments

Date: 2025-08-04

## Status

@@ adr-0003
Accepted
@@ > adr-0006
Superceded by [6. Payment providers behind an interface](0006-payment-providers-behind-an-interface.md)
@@ adr-0003

## Context

We launch in October and need card payments with 3-D Secure (PSD2 strong customer
authentication) in Germany and Austria. We looked at Stripe, Adyen and PayPal. Adyen needs a
contract and an onboarding that takes weeks; PayPal alone does not cover cards well enough.

## Decision

We use Stripe PaymentIntents with manual capture: authorise when the order is placed, capture
when it ships. The billing module calls the Stripe SDK directly.

## Consequences

Fast to build and 3-D Secure comes for free in Stripe.js. We are tied to one provider: an
outage at Stripe stops checkout, and Stripe's SDK types spread through billing.
'''),
    source("docs/adr/0004-use-postgresql.md", r'''
@@ postgres
# 4. Use PostgreSQL as the only database

Date: 2025-07-03

## Status

Accepted

## Context

The shop needs transactions across orders, stock and payments, full text search for the
catalog, and a queue-like table or two. We run Postgres for other systems already.

## Decision

PostgreSQL 16 is the database for everything the shop stores, including search (`tsvector`)
and background work (tables polled with `FOR UPDATE SKIP LOCKED`). Redis is allowed for data
we can lose: carts, sessions, rate limits. Schema changes are plain SQL files in
`migrations/`, applied in order.

## Consequences

One system to back up and monitor. Search quality is below a dedicated search engine; we will
revisit when the catalog passes 50,000 products.
'''),
    source("docs/adr/0005-in-process-event-bus.md", r'''
@@ adr-0005
# 5. In-process event bus for domain events

Date: 2025-08-20

## Status

@@ adr-0005
Accepted
@@ > adr-outbox
Superceded by [Use a transactional outbox for domain events](../decisions/0001-transactional-outbox-for-domain-events.md)
@@ adr-0005

## Context

Placing an order has to trigger a confirmation e-mail now, and later fulfilment, analytics
and more. Calling each of those from checkout couples checkout to all of them.

## Decision

Checkout publishes domain events ("order.placed") on an in-process bus; subscribers run
synchronously in the same process, right after publishing. No broker, no extra service.

## Consequences

Simple and easy to test. A handler runs before the order's transaction commits, so an e-mail
can go out for an order that is then rolled back, and a crash between commit and handler
loses the event. Acceptable at launch volume; to be revisited when we add more handlers.
'''),
    source("docs/adr/0006-payment-providers-behind-an-interface.md", r'''
@@ adr-0006
# 6. Payment providers behind an interface

Date: 2025-12-04

## Status

Accepted

Supercedes [3. Use Stripe for card payments](0003-use-stripe-for-card-payments.md)

## Context

Two things changed since we chose Stripe: a two-hour Stripe incident in November stopped all
checkouts (GH-26), and the Nordic launch (SHOP-45) needs Adyen, which our partner bank there
requires. Billing code calls the Stripe SDK in many places, so adding a second provider
would touch all of them.

## Decision

* A `PaymentProvider` protocol in `shop/payments/provider.py` with four operations:
  authorize, capture, refund, void. Amounts are `Money`; references are strings.
* One gateway per provider: `stripe_gateway.py` and `adyen_gateway.py`. The setting
  `payment_provider` chooses one per deployment.
* Payments move out of `shop/billing` into their own package `shop/payments` (SHOP-31):
  billing decides amounts, payments moves money.
* Every capture and refund carries an idempotency key (`shop/payments/idempotency.py`).

## Consequences

Checkout and refunds no longer import a provider SDK. Switching a market to Adyen is a
configuration change. Features only one provider has (Stripe Radar rules) stay outside the
interface and are configured in that provider's dashboard.
'''),
    source("docs/adr/0007-jwt-access-tokens.md", r'''
@@ adr-0007
# 7. JWT access tokens with refresh tokens

Date: 2025-09-11

## Status

Accepted
@@ adr-redis-sessions

Amended by [Keep refresh sessions in Redis](20260811-keep-refresh-sessions-in-redis.md)
@@ adr-0007

## Context

The API serves the web shop and, from next year, a mobile app. Sessions in Postgres cost a
query on every request; the catalog and cart endpoints answer most requests.

## Decision

Customers get a short-lived access token (JWT, RS256, 15 minutes) and a long-lived refresh
token (30 days, opaque, stored hashed). The API verifies access tokens with the public key
only. The browser keeps the refresh token in an HttpOnly cookie.

## Consequences

No database call to authenticate a request. A stolen access token is valid until it expires;
15 minutes bounds that. Logging out everywhere means revoking refresh tokens and waiting for
the access tokens to run out.
'''),
    source("docs/adr/20260316-retry-email-delivery-with-backoff.md", r'''
@@ adr-mail-retry
# Retry e-mail delivery with exponential backoff

- Status: accepted
- Deciders: Lena Petrovic, Ingrid Okafor
- Date: 2026-03-16
- Tags: notifications, reliability

Technical Story: SHOP-56

## Context and Problem Statement

The mail relay drops connections for a few seconds when it rotates certificates, about twice
a week. Each time, the outbox relay failed the events being handled and retried them whole,
which re-ran every handler of those events. How should e-mail sending survive short outages?

## Considered Options

* Retry the whole event in the outbox relay (what happened by accident)
* Retry the SMTP call in place, with exponential backoff and jitter
* A separate mail queue with its own worker

## Decision Outcome

Chosen option: "Retry the SMTP call in place", because the outages last seconds, the
`sent_notifications` claim already makes a send idempotent, and it needs no new moving part.
We vendor backoff-lite 0.4.2 into `shop/vendor` rather than add a dependency for 60 lines.

### Positive Consequences

* A relay hiccup no longer re-runs fulfilment handlers.

### Negative Consequences

* A worker can block for up to a minute on a dead relay; the outbox processes other events
  on other workers meanwhile.

## Links

* [Transactional outbox](../decisions/0001-transactional-outbox-for-domain-events.md)
'''),
    source("docs/adr/20260714-rate-limit-the-public-api.md", r'''
@@ adr-rate-limit
# Rate limit the public API

- Status: proposed
- Deciders: Marek Novak, Sofia Brandt
- Date: 2026-07-13
- Tags: api, security

Technical Story: ENG-33

## Context and Problem Statement

A price-scraping bot sent 900 requests a second to `/products` on 2026-07-02 and slowed
checkout for everyone. Nothing limits how often one client may call the API.

## Considered Options

* Limits at the load balancer only
* A fixed window per client in Redis, in the API (middleware)
* A token bucket per client in Redis

## Decision Outcome

Proposed option: "A fixed window per client in Redis", because it is twenty lines, Redis is
already there, and the load balancer cannot tell signed-in customers apart. 120 requests a
minute per customer id, or per IP address for anonymous clients; payment webhooks exempt.

### Negative Consequences

* Bursts at a window's edge can reach twice the limit; acceptable for now.

## Links

* Still proposed: the limit value is being tuned with real traffic before we accept it.
'''),
    source("docs/adr/20260811-keep-refresh-sessions-in-redis.md", r'''
@@ adr-redis-sessions
# Keep refresh sessions in Redis

- Status: accepted
- Deciders: Marek Novak, Sofia Brandt, Ingrid Okafor
- Date: 2026-08-10
- Tags: auth

Technical Story: ENG-38

## Context and Problem Statement

Refresh tokens were rows in Postgres. With the mobile app refreshing every 15 minutes, token
rotation became a third of all database writes. Refresh tokens also could not detect reuse.

## Considered Options

* Keep them in Postgres, add a partial index
* Move them to Redis with rotation and reuse detection

## Decision Outcome

Chosen option: "Move them to Redis", because losing them only means logging in again.
Each refresh retires the old token; presenting a retired token revokes the whole family.
This amends [7. JWT access tokens with refresh tokens](0007-jwt-access-tokens.md): access
tokens are unchanged.

## Links

* Amends [7. JWT access tokens with refresh tokens](0007-jwt-access-tokens.md)
'''),
]
