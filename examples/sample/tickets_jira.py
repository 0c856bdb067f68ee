"""Jira issues of project SHOP, by component: payments, fulfilment, and checkout (with platform)."""

from .ticket import ticket

PAYMENTS = [
    ticket("SHOP-3", "feature", "done", "sofia", "viktor", "2025-07-20 10:00", "2025-08-05 17:30", "payments launch",
           "Card payments with Stripe", """
           Card payments for the launch, with 3-D Secure. Authorise at checkout, capture when the
           parcel ships. Decision in ADR 3."""),
    ticket("SHOP-14", "feature", "done", "viktor", "viktor", "2025-08-20 09:00", "2025-09-04 16:00", "payments",
           "Apply Stripe webhooks to payments", """
           payment_intent.succeeded marks the payment captured, payment_intent.payment_failed marks it
           failed, charge.refunded records the refunded amount. Verify the Stripe-Signature header."""),
    ticket("SHOP-16", "feature", "done", "tomas", "viktor", "2025-08-25 11:00", "2025-09-18 15:00", "payments refunds",
           "Refund order lines from the admin", """
           Support refunds returned items line by line. Quantities per SKU, a reason, optionally the
           shipping cost."""),
    ticket("SHOP-31", "task", "done", "viktor", "viktor", "2025-10-27 10:30", "2025-12-01 17:00",
           "payments refactoring",
           "Move payments out of billing", """
           shop/billing mixes two things: deciding amounts (tax, invoices, refunds) and moving money
           (Stripe calls, webhooks). The Nordic launch adds a second provider, and the two halves are
           owned by different people. Move billing/payments.py, billing/stripe_webhooks.py and
           billing/idempotency.py into a new package shop/payments, without changing them, so history
           follows the files. Billing keeps tax, invoices and refunds.""",
           ("tomas", "2025-10-28 09:10", "Fine by checkout. Please do it as a pure move so blame survives."),
           ("viktor", "2025-12-01 17:00", "Done in one commit, imports updated. Interface work continues in SHOP-42.")),
    ticket("SHOP-37", "bug", "done", "sofia", "viktor", "2025-11-07 08:50", "2025-11-13 16:40", "payments webhooks",
           "Order shows a double refund after a webhook retry", """
           Order 251105-00311 shows 2 x 24.90 refunded in the admin; Stripe shows one refund. The
           charge.refunded webhook was delivered twice during the deploy and applied twice.""",
           ("viktor", "2025-11-12 14:00", "Root cause: no de-duplication. Fix: processed_webhook_events with a "
                                          "primary key on (provider, event_id), inserted in the same transaction. "
                                          "Decision record docs/decisions/0004.")),
    ticket("SHOP-42", "feature", "done", "viktor", "viktor", "2025-11-28 09:00", "2025-12-08 17:00", "payments",
           "Payment provider interface", """
           PaymentProvider protocol (authorize, capture, refund, void) with the Stripe gateway behind
           it; provider chosen by the payment_provider setting. See ADR 6."""),
    ticket("SHOP-45", "feature", "done", "sofia", "viktor", "2025-12-05 10:00", "2026-01-07 18:00", "payments nordics",
           "Nordic launch: Adyen as payment provider", """
           Our partner bank in Finland requires Adyen. Adyen gateway behind the provider interface,
           manual capture, idempotency keys on captures and refunds."""),
    ticket("SHOP-52", "bug", "done", "sofia", "tomas", "2026-02-20 09:30", "2026-03-02 15:20", "payments refunds",
           "Refund higher than the amount captured", """
           Order 260211-00052 (10 % code) was refunded at list price: 44.00 refunded, 39.60 captured.
           Stripe rejected the refund after our refund row had been written, and the admin showed it
           as refunded.""",
           ("viktor", "2026-02-23 10:00", "compute_refund ignores order_lines.discount_cents. Tomás takes it while "
                                          "I am on the Adyen notifications."),
           ("tomas", "2026-03-02 15:20", "Refunds now subtract the line's discount and are capped at captured "
                                         "minus already refunded; the provider call comes last.")),
    ticket("SHOP-58", "bug", "done", "sofia", "viktor", "2026-03-12 11:15", "2026-06-11 17:00",
           "payments refunds finance",
           "Partial refunds off by a cent", """
           Finance reconciliation: refunding 3 mugs one at a time returned 29.98 in total, refunding all
           three at once returns 30.00 minus discount exactly. Integer division loses the remainder.""",
           ("viktor", "2026-06-10 12:00", "Use Money.allocate for partial quantities, as checkout does for the "
                                          "discount. Decision record docs/decisions/0006.")),
    ticket("SHOP-62", "bug", "done", "tomas", "noor", "2026-03-30 14:00", "2026-06-29 16:00", "payments adyen",
           "Adyen calls hold checkout workers for ten seconds", """
           When Adyen's test endpoint is slow, each checkout worker waits 10 s. Adyen answers in
           300 ms normally; a 4 s timeout is plenty.""",
           ("viktor", "2026-06-15 09:00", "Noor, a good first ticket in payments: the timeout is set in "
                                          "AdyenGateway.__init__.")),
    ticket("SHOP-63", "bug", "done", "tomas", "viktor", "2026-04-09 10:20", "2026-04-20 16:00", "payments stripe",
           "Voiding a payment that was already captured fails", """
           Cancelling an order after the capture job ran raises "This PaymentIntent's status is
           succeeded". Voiding a captured payment has to be a full refund."""),
    ticket("SHOP-75", "feature", "open", "tomas", "viktor", "2026-07-08 09:00", None, "payments",
           "Capture authorisations before they expire", """
           Card authorisations expire after seven days. Orders that wait for stock lose their
           authorisation. Capture or void automatically after six days, with a report for
           fulfilment."""),
    ticket("SHOP-77", "feature", "in progress", "viktor", "viktor", "2026-07-15 10:00", None, "payments adyen",
           "Handle Adyen CAPTURE and REFUND notifications", """
           Adyen confirms captures and refunds asynchronously. We do not process its notifications
           yet, so Adyen payments stay "authorized" in our table. Verify the HMAC signature with
           adyen_hmac_key, de-duplicate like the Stripe webhooks."""),
    ticket("SHOP-85", "bug", "open", "sofia", "viktor", "2026-09-14 15:00", None, "payments refunds",
           "Refunds fail for Finnish orders paid before the switch to Adyen", """
           Refunds use the currently configured provider, but older orders were paid with Stripe. The
           provider must come from the payments row."""),
    ticket("SHOP-86", "task", "open", "sofia", "viktor", "2026-09-21 10:00", None, "payments handover",
           "Knowledge transfer: payments and refunds", """
           Viktor's contract ends on 2026-10-31. Sessions with Noor and Tomás on: webhooks and their
           de-duplication, provider interface and Adyen, refunds (discount shares, partial quantities,
           shipping), the runbook. Open items: SHOP-75, SHOP-77, SHOP-85."""),
]

FULFILMENT = [
    ticket("SHOP-8", "feature", "done", "hugo", "aiko", "2025-07-28 09:00", "2025-08-11 17:00", "inventory",
           "Stock levels per warehouse", """
           Two warehouses (BER, RTM). On hand, reserved and available per SKU, and a movements log."""),
    ticket("SHOP-19", "feature", "done", "tomas", "aiko", "2025-09-02 10:00", "2025-09-22 16:00", "shipping checkout",
           "Shipping price at checkout", """
           Show a shipping price before payment. Zones by country, weight bands of 500 g, free
           shipping in Germany from 75 EUR after discounts."""),
    ticket("SHOP-21", "bug", "done", "hugo", "aiko", "2025-09-29 08:00", "2025-10-22 15:00", "inventory checkout",
           "Preview sale oversold the winter jacket", """
           We sold 14 of a jacket we had 9 of. Stock is checked when the cart is shown, nothing holds
           it during payment.""",
           ("aiko", "2025-10-02 11:00", "Decision record docs/decisions/0002: reserve at checkout for 15 minutes, "
                                        "release expired reservations every minute.")),
    ticket("SHOP-35", "bug", "done", "sofia", "aiko", "2025-11-04 12:00", "2025-11-10 17:30", "shipping carriers",
           "Label bought twice after a carrier timeout", """
           ParcelExpress timed out, we retried and got a second label and a second invoice line."""),
    ticket("SHOP-44", "task", "done", "sofia", "aiko", "2025-12-03 09:00", "2025-12-10 14:00", "shipping finance",
           "Nightly shipments export for carrier invoice reconciliation", """
           Finance matches the carriers' invoices against what we shipped. Export yesterday's
           shipments as CSV to the reconciliation bucket every night."""),
    ticket("SHOP-60", "feature", "done", "hugo", "hugo", "2026-03-20 10:00", "2026-04-08 16:00", "inventory",
           "Import the warehouse's nightly stock count", """
           The warehouse sends a CSV (sku, warehouse, counted) every night. The count is the truth;
           book differences as stocktake movements."""),
    ticket("SHOP-67", "bug", "done", "tomas", "aiko", "2026-04-27 09:30", "2026-05-04 16:00", "inventory bug",
           "Last unit sold twice", """
           Two customers bought the last lamp within a second; both reservations succeeded and
           reserved exceeded on hand.""",
           ("aiko", "2026-05-04 16:00", "The SELECT before the UPDATE did not lock. Rows are now locked with FOR "
                                        "UPDATE in warehouse order, so two checkouts cannot deadlock either.")),
    ticket("SHOP-79", "bug", "open", "sofia", "aiko", "2026-08-04 11:00", None, "shipping finance",
           "EcoPost freight invoices do not match the shipments export", """
           Freight shipments appear in EcoPost's invoice but not in our export: bulky items go through
           ParcelExpress Freight in choose_carrier, but some were re-booked by hand."""),
    ticket("SHOP-81", "task", "open", "hugo", "aiko", "2026-09-01 09:00", None, "shipping",
           "Carrier price lists for 2027", """
           Both carriers raise prices in January. Update config/shipping_rates.yaml and the tests."""),
    ticket("SHOP-83", "feature", "in progress", "tomas", "aiko", "2026-09-10 10:00", None, "inventory checkout",
           "Longer reservations for bank-transfer payments", """
           Bank transfers take up to three days; a 15-minute reservation releases the stock long
           before the money arrives. Reservation TTL per payment method."""),
]

CHECKOUT = [
    ticket("SHOP-5", "feature", "done", "sofia", "tomas", "2025-07-22 09:00", "2025-08-07 17:00", "checkout",
           "Place an order", """
           From a cart to an order: price, tax, payment authorisation, order number customers can
           read out on the phone."""),
    ticket("SHOP-12", "feature", "done", "sofia", "lena", "2025-08-11 09:30", "2025-08-28 15:00", "notifications",
           "Order confirmation e-mail", """
           Plain-text e-mail with lines, shipping, total and VAT after an order is placed."""),
    ticket("SHOP-27", "feature", "done", "aiko", "lena", "2025-10-06 10:00", "2025-10-20 16:30",
           "notifications shipping",
           "Shipping SMS with tracking link", """
           An SMS when the label is bought, with the carrier's tracking page. Skip numbers we cannot
           normalise."""),
    ticket("SHOP-40", "bug", "done", "sofia", "viktor", "2025-11-12 10:45", "2025-11-19 15:00", "checkout tax",
           "VAT calculated on the price before the discount", """
           Invoices with a promo code show VAT on the undiscounted price. VAT is due on what the
           customer pays."""),
    ticket("SHOP-50", "bug", "done", "tomas", "lena", "2026-01-28 08:30", "2026-02-09 18:00", "events notifications",
           "Confirmation e-mails for orders that do not exist", """
           Two customers got confirmations for orders rolled back after a declined payment, and
           orders placed during the evening deploy got no e-mail at all. The bus runs handlers before
           the transaction commits.""",
           ("lena", "2026-02-05 12:00", "Decision record docs/decisions/0001: transactional outbox. Events are "
                                        "written in the order's transaction and published by a relay after commit.")),
    ticket("SHOP-51", "bug", "done", "sofia", "lena", "2026-02-18 09:05", "2026-02-24 17:10", "notifications events",
           "Customers get every order e-mail twice", """
           Since Monday customers receive each confirmation and shipping e-mail twice, a few
           minutes apart. Support has 60 tickets about it.""",
           ("lena", "2026-02-19 10:30", "Root cause: the February scale-up added a second worker host, so two "
                                        "outbox relays run. Both select the same unpublished rows and dispatch them."),
           ("lena", "2026-02-24 17:10", "Fixed twice over: relays claim rows with FOR UPDATE SKIP LOCKED, and "
                                        "e-mails are recorded in sent_notifications by (event id, template) before "
                                        "sending, so a repeated event sends nothing.")),
    ticket("SHOP-54", "feature", "done", "sofia", "viktor", "2026-02-26 10:00", "2026-03-05 16:00",
           "notifications refunds",
           "Refund confirmation e-mail", """
           Customers ask support whether their refund went through. Send an e-mail with the amount
           and whether shipping was included."""),
    ticket("SHOP-56", "bug", "done", "ingrid", "lena", "2026-03-09 08:00", "2026-03-17 17:00",
           "notifications reliability",
           "E-mails fail when the mail relay rotates certificates", """
           Twice a week the relay drops connections for a few seconds; every event handled in that
           moment fails and all its handlers run again."""),
    ticket("SHOP-64", "bug", "done", "sofia", "noor", "2026-04-15 07:50", "2026-08-03 15:00", "payments webhooks",
           "Orders stuck in pending: webhooks rejected", """
           For an hour every Stripe webhook got 400 "timestamp outside the tolerance". One API node's
           clock was 7 minutes behind.""",
           ("viktor", "2026-04-16 09:00", "Clock fixed on the node. The check should only reject old timestamps."),
           ("noor", "2026-08-03 15:00", "Only timestamps older than the tolerance are rejected now; test added.")),
    ticket("SHOP-68", "feature", "done", "tomas", "tomas", "2026-05-05 09:00", "2026-07-06 16:00", "checkout refunds",
           "Refund parcels that come back after shipping", """
           Returned parcels cannot be refunded: orders in shipped or delivered cannot move to
           refunded."""),
    ticket("SHOP-73", "task", "done", "sofia", "sofia", "2026-06-25 09:00", "2026-07-20 12:00", "checkout tax",
           "VAT rates for Finland and Slovakia", """
           Finland 25.5 % since September 2024, Slovakia 23 % since January 2025."""),
]
