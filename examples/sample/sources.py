"""The whole sample repository: every file, every commit, and what changes files across time."""

from __future__ import annotations

from . import (
    adrs,
    code_api,
    code_auth,
    code_billing,
    code_catalog,
    code_commerce,
    code_core,
    code_events,
    code_infra,
    code_inventory,
    code_notifications,
    code_payments,
    code_routes,
    code_schema,
    code_shipping,
    code_tests,
    code_tests_more,
    code_web,
    code_web_shop,
    decisions,
    docs,
    releases,
)
from .deps import bump_commits
from .model import Source
from .releases import release_commits
from .story import History, Reformat, Rewrite
from .timeline import TIMELINE

MODULES = (code_core, code_schema, code_catalog, code_commerce, code_payments, code_billing, code_inventory,
           code_shipping, code_events, code_notifications, code_auth, code_api, code_routes, code_tests,
           code_tests_more, code_web, code_web_shop, code_infra, adrs, decisions, docs, releases)

# Moves rewrite the imports of every file that used the old module path.
REWRITES = [
    Rewrite("move-payments", "shop.payments.provider", "shop.billing.payments"),
    Rewrite("move-payments", "shop.payments.webhooks", "shop.billing.stripe_webhooks"),
    Rewrite("move-payments", "shop.payments.idempotency", "shop.billing.idempotency"),
    Rewrite("rename-mailer", "shop.notifications.email", "shop.notifications.mailer"),
    Rewrite("rename-mailer", "from shop.notifications import email", "from shop.notifications import mailer"),
    Rewrite("rename-mailer", "email.send_", "mailer.send_"),
]
REFORMAT = Reformat("reformat", skip=("shop/vendor/",))


def all_sources() -> list[Source]:
    sources = [src for module in MODULES for src in module.SOURCES]
    paths = [src.path for src in sources]
    duplicates = sorted({p for p in paths if paths.count(p) > 1})
    if duplicates:
        raise ValueError(f"two templates write the same path: {', '.join(duplicates)}")
    return sources


def build_history(seed: int) -> History:
    """The sample's history for `seed`: people's commits, the bots' bumps and the releases."""
    bumps, versions = bump_commits()
    releases, shop_versions = release_commits()
    versions["shop"] = shop_versions
    return History(TIMELINE + bumps + releases, all_sources(), REWRITES, REFORMAT, versions, seed)
