"""Build, configuration, CI, migrations, keys and the repository's own dot-files."""

from __future__ import annotations

import re
import struct
import zlib

from . import deps
from .cast import mailmap_lines
from .model import binary_source, source
from .planted import RSA_PRIVATE_KEY, RSA_PUBLIC_KEY


def png(width: int, height: int, pixel) -> bytes:
    """A real PNG (8-bit RGB) whose pixel (x, y) is `pixel(x, y)` -> (r, g, b)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


def _tabs(makefile: str) -> str:
    """Makefile recipes must start with a tab; the template indents them with four spaces."""
    return re.sub(r"(?m)^    ", "\t", makefile)


def _logo(x: int, y: int) -> tuple[int, int, int]:
    """A shopping bag: a teal square with a handle, on white."""
    in_bag = 8 <= x < 40 and 14 <= y < 42
    in_handle = 16 <= x < 32 and 6 <= y < 14 and not (19 <= x < 29 and y >= 9)
    return (14, 128, 120) if in_bag or in_handle else (255, 255, 255)


def _diagram(x: int, y: int) -> tuple[int, int, int]:
    """Three boxes joined by a line: web, API, database."""
    box = any(10 + 70 * i <= x < 60 + 70 * i for i in range(3)) and 20 <= y < 60
    line = 38 <= y < 42 and 10 <= x < 200
    return (40, 70, 140) if box else (150, 150, 150) if line else (250, 250, 250)


SOURCES = [
    source("pyproject.toml", r'''
@@ skeleton
[project]
name = "shop"
version = "%%ver:shop%%"
description = "The online store's backend"
requires-python = ">=3.12"
dependencies = [
''' + deps.pyproject_dependencies(dev=False) + r'''@@ skeleton
]

[dependency-groups]
dev = [
''' + deps.pyproject_dependencies(dev=True) + r'''@@ skeleton
]
@@ outbox

[project.scripts]
shop-worker = "shop.worker:main"
@@ skeleton

[build-system]
requires = ["poetry-core>=2.0"]
build-backend = "poetry.core.masonry.api"

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 120
target-version = "py312"
@@ ruff-rules

[tool.ruff.lint]
select = ["E", "F", "I", "B", "UP", "S"]
ignore = ["S101"]
@@ skeleton
@@ reformat

[tool.ruff.format]
quote-style = "double"
exclude = ["shop/vendor/**"]
'''),
    source("poetry.lock", deps.poetry_lock()),
    source("web/package.json", deps.package_json()),
    source("web/package-lock.json", deps.package_lock()),
    source(".pre-commit-config.yaml", deps.precommit_config()),
    source(".github/dependabot.yml", r'''
@@ ci
version: 2
updates:
  - package-ecosystem: pip
    directory: "/"
    schedule:
      interval: weekly
    open-pull-requests-limit: 5
  - package-ecosystem: npm
    directory: "/web"
    schedule:
      interval: weekly
    open-pull-requests-limit: 5
'''),
    source(".github/workflows/ci.yml", r'''
@@ ci
name: CI
on:
  push:
    branches: [main]
  pull_request:

jobs:
  python:
    runs-on: ubuntu-24.04
@@ ci-python-313
    strategy:
      matrix:
        python: ["3.12", "3.13"]
@@ ci
@@ postgres
    services:
      postgres:
        image: postgres:16
        env:
          POSTGRES_USER: shop
          POSTGRES_PASSWORD: shop
          POSTGRES_DB: shop_test
        ports: ["5432:5432"]
        options: --health-cmd pg_isready --health-interval 5s --health-retries 10
@@ ci
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
@@ ci
          python-version: "3.12"
@@ > ci-python-313
          python-version: ${{ matrix.python }}
@@ ci
      - run: pipx install poetry==2.1.3 && poetry install --with dev
@@ ci-cache
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pypoetry
          key: poetry-${{ hashFiles('poetry.lock') }}
@@ ci
@@ postgres
      - run: for f in migrations/*.sql; do psql "$DATABASE_URL" -f "$f"; done
        env:
          DATABASE_URL: postgresql://shop:shop@localhost:5432/shop_test
@@ ci
      - run: poetry run pytest -q
@@ web-scaffold

  web:
    runs-on: ubuntu-24.04
    defaults:
      run:
        working-directory: web
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: npm
          cache-dependency-path: web/package-lock.json
      - run: npm ci
@@ web-money-test
      - run: npm test
@@ web-scaffold
      - run: npm run build
'''),
    source("docker-compose.yml", r'''
@@ postgres
# Local development: `docker compose up -d`, then `make migrate`.
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: shop
      POSTGRES_DB: shop
    ports: ["5432:5432"]
    volumes: ["pgdata:/var/lib/postgresql/data"]
@@ compose-healthcheck
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "shop"]
      interval: 5s
      retries: 10
@@ postgres
@@ cart-api
  redis:
    image: redis:7
    ports: ["6379:6379"]
@@ mailer
  mail:
    image: axllent/mailpit
    ports: ["1025:1025", "8025:8025"]
@@ postgres

volumes:
  pgdata:
'''),
    source("Makefile", _tabs(r'''
@@ skeleton
.PHONY: install test lint
@@ make-web
.PHONY: web
@@ readme-worker
.PHONY: worker
@@ postgres
.PHONY: migrate
@@ skeleton

install:
    poetry install --with dev
    pre-commit install

test:
    poetry run pytest -q

lint:
    pre-commit run --all-files
@@ make-web

web:
    (cd web && npm ci && npm run dev) & poetry run uvicorn --factory shop.api.app:create_app --reload
@@ readme-worker

worker:
    poetry run shop-worker outbox & poetry run shop-worker release-reservations
@@ postgres

migrate:
    for f in migrations/*.sql; do \
        psql "$${SHOP_DATABASE_URL:-postgresql://shop:shop@localhost:5432/shop}" -f "$$f"; \
    done
''')),
    source(".gitattributes", r'''
@@ gitattributes
* text=auto eol=lf
*.png binary
poetry.lock linguist-generated=true
web/package-lock.json linguist-generated=true -diff
'''),
    source(".gitignore", r'''
@@ skeleton
__pycache__/
*.pyc
.venv/
.pytest_cache/
.ruff_cache/
.env
@@ web-scaffold
web/node_modules/
web/dist/
'''),
    source("config/settings.yaml", r'''
@@ skeleton
# Defaults for every environment. No secrets here: production values live in
# config/production.yaml on the servers or in SHOP_* variables.
database_url: postgresql://shop:shop@localhost:5432/shop
currency: EUR
log_level: INFO
@@ mailer
smtp:
  host: localhost
  port: 1025
mail_from: orders@shop.example
@@ shipping-rates
free_shipping_threshold_cents: 7500
@@ reservations
reservation_ttl_minutes: 15
@@ rate-limit
rate_limit_per_minute: 120
'''),
    source("config/test.yaml", r'''
@@ skeleton
database_url: postgresql://shop:shop@localhost:5432/shop_test
log_level: DEBUG
'''),
    source("config/production.yaml", r'''
@@ production-config
# Production settings, deployed by the release job to /etc/shop/production.yaml.
database_url: postgresql://shop:Pg7-vK2q-Shop-prod-4471@db.internal:5432/shop
log_level: WARNING
payment_provider: stripe
@@ prod-smtp
smtp:
  host: smtp.mailrelay.example
  port: 587
  user: orders@shop.example
  password: smtp-Xq93-LmR7-shop
@@ redis-sessions
redis_url: redis://cache.internal:6379/0
'''),
    source("config/shipping_rates.yaml", r'''
@@ shipping-rates
# Carrier list prices in cents per weight band: band 0 is up to 500 g, band 1 up to 1 kg, and
# so on; the last band is the price for anything heavier. Updated every January from the
# carriers' new price lists (docs/decisions/0003-shipping-rates-from-carrier-tables.md).
@@ shipping-rates
zones:
  1: [490, 590, 690, 790, 890, 990]
  2: [990, 1190, 1390, 1590, 1790, 1990]
  3: [1490, 1690, 1890, 2190, 2490, 2790]
@@ > rates-2026
# 2026 price lists, valid from 2026-01-01.
zones:
  1: [490, 590, 690, 790, 890, 990]
  2: [1050, 1250, 1450, 1650, 1850, 2050]
  3: [1550, 1750, 1990, 2290, 2590, 2890]
'''),
    source("deploy/keys/jwt_signing.pem", "@@ jwt-key\n" + RSA_PRIVATE_KEY),
    source("deploy/keys/jwt_signing.pub", "@@ jwt-key\n" + RSA_PUBLIC_KEY),
    source(".mailmap", "@@ mailmap\n" + mailmap_lines()),
    source(".git-blame-ignore-revs", r'''
@@ ignore-revs
# Commits that only reformatted code. GitHub reads this file; locally run
#   git config blame.ignoreRevsFile .git-blame-ignore-revs
# ruff format, double quotes everywhere (2026-02-02)
%%sha:reformat%%
'''),
    source(".adr-dir", "@@ adr-0001\ndocs/adr\n"),
    binary_source("web/public/logo.png", "web-scaffold", png(48, 48, _logo)),
    binary_source("docs/img/architecture.png", "architecture-doc", png(210, 80, _diagram)),
]
