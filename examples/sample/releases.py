"""Releases: a commit per release that bumps the version and adds a section to CHANGELOG.md."""

from __future__ import annotations

from .model import source
from .story import Commit

RELEASES = [  # (day, who, version, changes)
    ("2025-09-26", "ingrid", "0.9.0", ["Preview sale build: catalog, cart, checkout with Stripe, order e-mail"]),
    ("2025-10-13", "sofia", "1.0.0", ["Launch: invoices, stock reservations at checkout, shipping rates by zone",
                                      "Product search with German and English stemming"]),
    ("2025-11-03", "ingrid", "1.1.0", ["Shipping SMS with tracking link", "Release expired reservations every minute"]),
    ("2025-11-24", "sofia", "1.2.0", ["Carriers ParcelExpress and EcoPost, labels bought once per parcel",
                                      "Payment webhooks applied exactly once (SHOP-37)",
                                      "Bulky items go by freight (GH-25)"]),
    ("2025-12-15", "ingrid", "1.3.0", ["Payments moved to their own package behind a provider interface",
                                       "Web: 3-D Secure challenges (GH-41)"]),
    ("2026-01-26", "sofia", "1.4.0", ["Adyen as a second payment provider (SHOP-45)",
                                      "Invoice numbers restart every January (#31)", "Web: React Query"]),
    ("2026-02-25", "ingrid", "1.5.0", ["Transactional outbox for domain events (SHOP-50)",
                                       "Fixed: duplicate order e-mails (SHOP-51)"]),
    ("2026-03-25", "ingrid", "1.6.0", ["E-mail delivery retried with backoff", "Refund e-mail (SHOP-54)",
                                       "Fixed: refunds above the captured amount (SHOP-52)"]),
    ("2026-04-29", "sofia", "1.7.0", ["Nightly stock count import (SHOP-60)", "Low stock report (SHOP-66)",
                                      "Fixed: shipping weight bands off by one (#47)"]),
    ("2026-05-27", "ingrid", "1.8.0", ["Fixed: overselling the last unit (SHOP-67)"]),
    ("2026-06-30", "sofia", "1.9.0", ["Refunds pro-rate discounts over partial quantities (SHOP-58)",
                                      "Outbox health check and replay (ENG-31)"]),
    ("2026-07-28", "ingrid", "1.10.0", ["Per-client API rate limit (ENG-33)", "VAT rates for Finland and Slovakia"]),
    ("2026-08-26", "sofia", "1.11.0", ["Refresh sessions in Redis with reuse detection (ENG-38)",
                                       "Web: promo code field (GH-44)"]),
    ("2026-09-22", "ingrid", "1.12.0", ["Web: 3-D Secure errors shown to the customer (GH-49)",
                                        "Fixed: webhooks rejected when our clock lags (SHOP-64)"]),
]


def release_commits() -> tuple[list[Commit], list[tuple[str, str]]]:
    """Release commits, and the shop's own version as (commit key, version) for `History`."""
    commits = [Commit(f"release-{v}", who, day, f"Release {v}") for day, who, v, _ in RELEASES]
    return commits, [("skeleton", "0.1.0")] + [(f"release-{v}", v) for _, _, v, _ in RELEASES]


def _changelog() -> str:
    sections = "".join(f"@@ release-{v}\n## [{v}] - {day}\n\n" + "".join(f"- {c}\n" for c in changes) + "\n"
                       for day, _, v, changes in reversed(RELEASES))
    return (f"@@ release-{RELEASES[0][2]}\n# Changelog\n\nNotable changes to the shop, newest first. "
            "Versions are the release tags deployed to production.\n\n" + sections)


SOURCES = [source("CHANGELOG.md", _changelog())]
