"""Redaction: every kind of secret planted in a realistic file is replaced and gone, lines stay
where they were, invisible characters go, and real code without secrets comes out unchanged.

Secrets are made at run time from a seeded generator: no secret-shaped literal sits in the
repository for a scanner to flag.
"""

from __future__ import annotations

import base64
import json
import random
import string
from pathlib import Path

import pytest
from detect_secrets.plugins.keyword import DENYLIST

from handoff.ingest.redact import KEYWORD_WORDS, Redaction, redact

FIXTURES = Path(__file__).parent / "fixtures" / "chunking"
ALNUM = string.ascii_letters + string.digits
BASE64 = ALNUM + "+/"


def token(length: int, seed: int, alphabet: str = ALNUM) -> str:
    return "".join(random.Random(seed).choices(alphabet, k=length))


def b64url(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


PASSWORD = "Tr0ub4dor&3-" + token(6, 1)
DB_PASSWORD = "pg-" + token(14, 2)
AWS_ACCESS_KEY = "AKIA" + token(16, 3, string.ascii_uppercase + string.digits)
AWS_SECRET_KEY = token(40, 4, ALNUM + "/+")
GITHUB_TOKEN = "ghp_" + token(36, 5)
GITLAB_TOKEN = "glpat-" + token(20, 6)
SLACK_TOKEN = f"xoxb-{token(12, 7, string.digits)}-{token(13, 8, string.digits)}-{token(24, 9)}"
STRIPE_KEY = "sk_" + "live_" + token(24, 10)
OPENAI_KEY = "sk-" + token(20, 11) + "T3BlbkFJ" + token(20, 12)
JWT = f"{b64url({'alg': 'HS256', 'typ': 'JWT'})}.{b64url({'sub': 'customer-42', 'iat': 1700000000})}.{token(43, 13)}"
SIGNING_KEY = token(44, 14, BASE64)
PEM_BODY = [token(64, 20 + n, BASE64) for n in range(8)]


def pem(indent: str = "") -> list[str]:
    return [f"{indent}-----BEGIN RSA PRIVATE KEY-----", *(indent + line for line in PEM_BODY),
            f"{indent}-----END RSA PRIVATE KEY-----"]


def types(text: str, filename: str) -> list[str]:
    return [redaction.type for redaction in redact(text, filename).redactions]


def assert_redacted(text: str, filename: str, secrets: list[str]) -> list[str]:
    """The redacted lines; the secrets are gone and the line count is the same."""
    result = redact(text, filename)
    for secret in secrets:
        assert secret not in result.text
    assert result.text.count("\n") == text.count("\n")
    return result.text.split("\n")


def test_yaml_config() -> None:
    text = "\n".join([
        "database:",
        "  host: db.internal",
        "  user: shop",
        f"  password: {PASSWORD}",
        f"  url: postgresql://shop:{DB_PASSWORD}@db.internal:5432/shop",
        "payments:",
        f"  stripe_key: {STRIPE_KEY}",
        "chat:",
        f"  webhook_token: {SLACK_TOKEN}",
        "",
    ])
    lines = assert_redacted(text, "config/settings.yaml", [PASSWORD, DB_PASSWORD, STRIPE_KEY, SLACK_TOKEN])
    assert lines[1:4] == ["  host: db.internal", "  user: shop", "  password: [REDACTED:password]"]
    assert lines[4] == "  url: postgresql://shop:[REDACTED:basic-auth]@db.internal:5432/shop"
    assert lines[6] == "  stripe_key: [REDACTED:stripe-key]"
    assert lines[8] == "  webhook_token: [REDACTED:slack-token]"


def test_env_file() -> None:
    text = "\n".join([
        "# local settings, never commit",
        "DEBUG=true",
        "PORT=8000",
        f"DB_PASSWORD={DB_PASSWORD}",
        f"AWS_ACCESS_KEY_ID={AWS_ACCESS_KEY}",
        f"AWS_SECRET_ACCESS_KEY={AWS_SECRET_KEY}",
        f"GITHUB_TOKEN={GITHUB_TOKEN}",
        f"GITLAB_TOKEN={GITLAB_TOKEN}",
        f"OPENAI_API_KEY={OPENAI_KEY}",
        f"SESSION_SIGNING={SIGNING_KEY}",
    ])
    secrets = [DB_PASSWORD, AWS_ACCESS_KEY, AWS_SECRET_KEY, GITHUB_TOKEN, GITLAB_TOKEN, OPENAI_KEY, SIGNING_KEY]
    lines = assert_redacted(text, ".env", secrets)
    assert lines[:4] == ["# local settings, never commit", "DEBUG=true", "PORT=8000", "DB_PASSWORD=[REDACTED:password]"]
    assert lines[4] == "AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key]"
    assert lines[6:] == [
        "GITHUB_TOKEN=[REDACTED:github-token]",
        "GITLAB_TOKEN=[REDACTED:gitlab-token]",
        "OPENAI_API_KEY=[REDACTED:openai-key]",
        "SESSION_SIGNING=[REDACTED:high-entropy]",
    ]


def test_python_settings() -> None:
    kept = [
        "import os",
        'REDIS_URL = "redis://localhost:6379/0"',
        'ORDER_NAMESPACE = "123e4567-e89b-12d3-a456-426614174000"',
        'RELEASE_COMMIT = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"',
        'PAYMENT_BACKEND = "shop.payments.providers.stripe_gateway"',
        'DB_PASSWORD = os.environ["DB_PASSWORD"]',
        'api_key_env_var = "OPENAI_API_KEY"',
    ]
    planted = [
        f'SECRET_KEY = "{PASSWORD}"',
        f'DATABASES = {{"default": {{"HOST": "db", "PASSWORD": "{DB_PASSWORD}"}}}}',
        f's3 = boto3.client("s3", aws_access_key_id="{AWS_ACCESS_KEY}", aws_secret_access_key="{AWS_SECRET_KEY}")',
        f'SERVICE_TOKEN = "{JWT}"',
        f'WEBHOOK_SIGNING = "{SIGNING_KEY}"',
    ]
    lines = assert_redacted("\n".join(kept + planted), "shop/settings.py",
                            [PASSWORD, DB_PASSWORD, AWS_ACCESS_KEY, AWS_SECRET_KEY, JWT, SIGNING_KEY])
    assert lines[: len(kept)] == kept
    assert lines[len(kept) :] == [
        'SECRET_KEY = "[REDACTED:password]"',
        'DATABASES = {"default": {"HOST": "db", "PASSWORD": "[REDACTED:password]"}}',
        's3 = boto3.client("s3", aws_access_key_id="[REDACTED:aws-access-key]", '
        'aws_secret_access_key="[REDACTED:aws-secret-key]")',
        'SERVICE_TOKEN = "[REDACTED:jwt]"',
        'WEBHOOK_SIGNING = "[REDACTED:high-entropy]"',
    ]


def test_shell_script_with_a_database_url() -> None:
    text = "\n".join([
        "#!/bin/bash",
        "set -euo pipefail",
        f"export PGPASSWORD={PASSWORD}",
        f'psql "postgresql://deploy:{DB_PASSWORD}@db.prod.internal/shop" -c "select 1"',
    ])
    lines = assert_redacted(text, "scripts/migrate.sh", [PASSWORD, DB_PASSWORD])
    assert lines[2] == "export PGPASSWORD=[REDACTED:password]"
    assert lines[3] == 'psql "postgresql://deploy:[REDACTED:basic-auth]@db.prod.internal/shop" -c "select 1"'


def test_a_pem_block_collapses_to_one_line_and_keeps_the_count() -> None:
    text = "\n".join(["# deploy key", *pem(), "# end of file"])
    result = redact(text, "deploy/key.pem")
    assert result.text.split("\n") == ["# deploy key", "[REDACTED:private-key]", *[""] * 9, "# end of file"]
    assert result.redactions == [Redaction("private-key", 2)]


def test_a_pem_block_inside_yaml_keeps_its_key_and_indentation() -> None:
    text = "\n".join(["tls:", "  key: |", *pem("    "), "  port: 443"])
    lines = assert_redacted(text, "k8s/ingress.yaml", PEM_BODY)
    assert lines[:3] == ["tls:", "  key: |", "    [REDACTED:private-key]"]
    assert lines[-1] == "  port: 443"


def test_a_private_key_in_one_line_of_json() -> None:
    key = "\\n".join(pem())
    text = json.dumps({"type": "service_account", "private_key": "KEY", "client_email": "ci@shop.example"})
    text = text.replace("KEY", key + "\\n")
    lines = assert_redacted(text, "ci/service-account.json", PEM_BODY)
    assert lines == ['{"type": "service_account", "private_key": "[REDACTED:private-key]\\n", '
                     '"client_email": "ci@shop.example"}']


def test_a_truncated_key_is_redacted_up_to_its_last_line() -> None:
    text = "\n".join([*pem()[:5], "", "print('done')"])
    lines = assert_redacted(text, "notes.txt", PEM_BODY[:4])
    assert lines == ["[REDACTED:private-key]", "", "", "", "", "", "print('done')"]


def test_code_that_only_names_the_markers_is_left_alone() -> None:
    text = "\n".join([
        'BEGIN = "-----BEGIN RSA PRIVATE KEY-----"',
        'END = "-----END RSA PRIVATE KEY-----"',
        "",
        "def is_pem(text):",
        "    return text.startswith(BEGIN) and END in text",
    ])
    assert redact(text, "shop/crypto.py").text == text


def test_invisible_characters_are_stripped_everywhere() -> None:
    text = "\ufefftotal\u200b = price\u200d * qty\n# \u202egnp.exe\u202c\nhidden\U000e0041\U000e0042 tag\u2066s\u2069"
    result = redact(text, "cart.py")
    assert result.text == "total = price * qty\n# gnp.exe\nhidden tags"
    assert result.redactions == []


def test_a_secret_split_by_a_zero_width_space_is_still_found() -> None:
    result = redact(f"pass\u200bword: {PASSWORD}", "notes.md")
    assert result.text == "password: [REDACTED:password]"


def test_a_ticket_without_file_name_is_read_like_a_config_file() -> None:
    result = redact(f"Staging is down.\nThe db password: {PASSWORD}\nPlease rotate it.")
    assert PASSWORD not in result.text
    assert result.redactions == [Redaction("password", 2)]


def test_every_secret_on_a_long_minified_line_is_found() -> None:
    services = {f"service{n}": {"user": "a", "password": token(12, 100 + n)} for n in range(200)}
    text = json.dumps(services)
    result = redact(text, "dist/config.json")
    assert len(result.redactions) == 200
    assert all(service["password"] not in result.text for service in services.values())
    assert '"user": "a"' in result.text


def test_redactions_report_their_lines() -> None:
    text = f"a: 1\npassword: {PASSWORD}\nb: 2\ntoken: {GITHUB_TOKEN}\n"
    assert redact(text, "c.yaml").redactions == [Redaction("password", 2), Redaction("github-token", 4)]


def test_hashes_uuids_and_paths_in_docs_survive() -> None:
    text = "\n".join([
        "Fixed in commit 4b825dc642cb6eb9a060e54bf8d69288fbee4904 (see `shop.payments.retry`).",
        "Checksum: `sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`.",
        'Order `"123e4567-e89b-12d3-a456-426614174000"` was refunded twice.',
        "Run `python -m shop.tools.reindex --since 2024-01-01`.",
    ])
    assert redact(text, "docs/incidents.md").text == text


REAL_FILES = sorted(
    str(path.relative_to(FIXTURES)) for path in FIXTURES.rglob("*") if path.is_file() and path.name != "README.md"
)


@pytest.mark.parametrize("name", REAL_FILES)
def test_code_and_docs_without_secrets_are_unchanged(name: str) -> None:
    text = (FIXTURES / name).read_text()
    result = redact(text, name)
    assert result.redactions == []
    assert result.text == text


def test_the_keyword_prefilter_lets_every_denylisted_name_through() -> None:
    for entry in DENYLIST:
        assert any(word in entry.replace("_?", "_") for word in KEYWORD_WORDS), entry
