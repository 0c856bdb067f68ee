"""Decision records in docs/decisions, in MADR: version 2 (bullets), 3 and 4 (YAML front matter)."""

from .model import source

SOURCES = [
    source("docs/decisions/0001-transactional-outbox-for-domain-events.md", r'''
@@ adr-outbox
# Use a transactional outbox for domain events

* Status: accepted
* Deciders: Lena Petrovic, Ingrid Okafor, Tomás Reyes
* Date: 2026-02-05

Technical Story: SHOP-50

## Context and Problem Statement

Handlers of the in-process bus run before the order's transaction commits. In January two
customers got confirmation e-mails for orders that were rolled back after a payment decline,
and a deploy during the evening peak lost the events of orders placed while workers stopped.
How do we publish events exactly when, and always when, their transaction commits?

## Decision Drivers

* No event for a change that did not commit, no committed change without its event
* No new infrastructure to run if we can avoid it
* Handlers keep their simple in-process shape

## Considered Options

* Transactional outbox table in Postgres, published by a relay worker
* A message broker (RabbitMQ) written to after commit
* Keep the bus, add after-commit hooks

## Decision Outcome

Chosen option: "Transactional outbox", because it is the only option where the event and the
change share one transaction, and it runs on the database we already operate.

### Positive Consequences

* Events commit and roll back with the order.
* A relay that was down catches up from the table.

### Negative Consequences

* At-least-once delivery: a relay crash between dispatch and marking publishes an event again,
  so every handler must be idempotent (e-mails de-duplicate by event id).
* A second relay must not read the same rows: claim them with `FOR UPDATE SKIP LOCKED`.

## Pros and Cons of the Options

### Message broker after commit

* Good, because other services could subscribe later.
* Bad, because the commit and the publish can still be split by a crash.
* Bad, because it is one more system to run and monitor.

## Links

* Supersedes [5. In-process event bus for domain events](../adr/0005-in-process-event-bus.md)
'''),
    source("docs/decisions/0002-reserve-stock-during-checkout.md", r'''
@@ adr-reservations
# Reserve stock during checkout

* Status: accepted
* Deciders: Aiko Tanaka, Tomás Reyes, Hugo Marchetti
* Date: 2025-10-02

Technical Story: SHOP-21

## Context and Problem Statement

During the September preview sale we sold 14 units of a jacket we had 9 of: stock was only
checked when the cart was shown, not when the order was placed. When should stock be held
for a customer?

## Considered Options

* When the item goes into the cart
* During checkout, for a limited time
* Only when the payment is captured

## Decision Outcome

Chosen option: "During checkout, for a limited time", because holding stock for abandoned
carts would hide most of a small batch, and checking only at capture lets two people pay for
the last unit. Checkout reserves every line before authorising the payment; a reservation
lasts 15 minutes (`reservation_ttl_minutes`), is converted when the order is paid, and a
worker job releases expired ones every minute.

### Positive Consequences

* No overselling between "buy" and "paid".

### Negative Consequences

* Stock can look sold out for up to 15 minutes while someone hesitates on the payment page.
'''),
    source("docs/decisions/0003-shipping-rates-from-carrier-tables.md", r'''
@@ adr-rates
---
status: accepted
date: 2025-09-19
deciders: Aiko Tanaka, Hugo Marchetti
consulted: Tomás Reyes
informed: customer service
---
# Compute shipping rates from carrier rate tables

## Context and Problem Statement

Checkout shows a shipping price before payment. The carriers offer live quote APIs and yearly
price lists. Which do we use?

## Decision Drivers

* Checkout must not fail or slow down because a carrier API does
* Prices must match what the carriers invoice us, within a cent

## Considered Options

* Live quotes from each carrier's API during checkout
* Tables copied from the carriers' price lists into `config/shipping_rates.yaml`

## Decision Outcome

Chosen option: "Tables", because the list prices are what we are invoiced and change once a
year. Rates are per zone (1: Germany, 2: neighbouring countries, 3: rest of the EU) and
weight band of 500 g; the last band covers anything heavier. Orders from 75.00 EUR after
discounts ship free within zone 1.

### Consequences

* Good, because quoting is a dictionary lookup.
* Bad, because someone has to update the table every January.

### Confirmation

`tests/test_rates.py` pins a few prices from the current lists.

## More Information

Bulky items (over 31.5 kg) were added later and go by freight with a surcharge (GH-25).
'''),
    source("docs/decisions/0004-idempotent-payment-webhooks.md", r'''
@@ adr-webhooks
---
status: accepted
date: 2025-11-12
deciders: Viktor Salo, Tomás Reyes
consulted: Ingrid Okafor
informed: support
---
# Process each payment webhook exactly once

## Context and Problem Statement

Stripe delivers webhooks at least once. On 2025-11-06 a slow deploy made Stripe retry, two
workers applied the same `charge.refunded` event and one order showed a double refund in the
admin (SHOP-37). How do we make webhook handling idempotent?

## Decision Drivers

* Duplicates arrive both minutes apart and at the same moment on two workers
* No new infrastructure

## Considered Options

* Check a "processed" flag before applying, set it after
* Insert the event id into a table with a primary key, in the same transaction as the change
* Make every handler idempotent by itself

## Decision Outcome

Chosen option: "Insert the event id", because the primary key turns the race into a conflict
the database resolves: the insert is the lock. `processed_webhook_events (provider, event_id)`
is written first inside the handler's transaction; `ON CONFLICT DO NOTHING` tells the second
delivery to stop.

### Consequences

* Good, because it also covers events we have not thought of yet.
* Bad, because the table grows by one row per event; rows older than 90 days can go.

## More Information

Outgoing calls (captures, refunds) use idempotency keys, see `shop/payments/idempotency.py`.
'''),
    source("docs/decisions/0005-server-state-with-react-query.md", r'''
@@ adr-react-query
---
status: accepted
date: 2026-01-20
decision-makers: Jonah Adeyemi, Priya Nandakumar
consulted: Tomás Reyes
informed: web team
---
# Keep server state in React Query

## Context and Problem Statement

Every page fetched its data in `useEffect` and kept it in local state. The cart badge and the
cart page disagreed after an update, and each page re-implemented loading and error states.

## Decision Drivers

* One cache for data that belongs to the server (cart, products, orders)
* Optimistic updates for the cart

## Considered Options

* React Query (TanStack Query)
* Redux Toolkit with RTK Query
* Keep `useEffect`, add a context for the cart

## Decision Outcome

Chosen option: "React Query", because it solves exactly server state and nothing else, and
needs no store boilerplate. Local UI state stays in components.

### Consequences

* Good, because the cart is fetched once and shared by every component that shows it.
* Bad, because one more library to keep up to date.

### Confirmation

No new `useEffect` that fetches; code review checks it.

## More Information

Query keys: `["products"]`, `["cart"]`, `["order", number]`.
'''),
    source("docs/decisions/0006-refunds-pro-rate-order-discounts.md", r'''
@@ adr-refunds
---
status: accepted
date: 2026-06-10
decision-makers: Viktor Salo, Tomás Reyes, Sofia Brandt
consulted: finance
informed: support
---
# Refunds pro-rate order discounts

## Context and Problem Statement

A customer who used a 10 % code and returns one of three mugs should get back what they paid
for that mug, not its list price. Since SHOP-52 refunds subtract the line's discount, but
partial quantities were split with integer division, so refunding three units one at a time
returned up to two cents less than refunding them at once (SHOP-58).

## Decision Drivers

* A refund never returns more than was paid for the refunded units
* Refunding in parts adds up exactly to refunding at once

## Considered Options

* Integer division, the remainder kept by the shop
* Largest-remainder allocation with `Money.allocate`

## Decision Outcome

Chosen option: "Largest-remainder allocation", because it is exact and reuses the rule the
order discount was spread with at checkout. Shipping is refunded only when the refund returns
everything not yet refunded. The total is capped at captured minus refunded.

### Consequences

* Good, because finance can reconcile refunds with charges to the cent.

## More Information

This amends [2. Store money as integer cents](../adr/0002-store-money-as-integer-cents.md):
allocation is now also the rule for refunds. Code: `shop/billing/refunds.py`.
'''),
]
