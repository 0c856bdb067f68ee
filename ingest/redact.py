"""Secrets and invisible characters out of a file's text before anything is embedded or stored.

Contractors' repositories carry credentials: `.env` files, settings modules, scripts with
database URLs, pasted keys. Whatever reaches the index can come back in an answer, so every
text goes through `redact` first.

Detection is detect-secrets' own plugins and rules, with its heuristic filters. This module
decides which plugin runs on which kind of file, adds two false-positive filters measured on
real code, and turns each hit into `[REDACTED:<type>]` without moving a line, so that chunk
line numbers still point at the file. The one exception is a private key block: it collapses
to one `[REDACTED:private-key]` line followed by empty lines.

Invisible characters (zero-width spaces and joiners, a BOM inside the text, bidi controls,
Unicode tag characters) are removed everywhere: they hide text from reviewers and from the
detectors, and carry nothing a reader needs.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from detect_secrets.filters import heuristic
from detect_secrets.plugins.aws import AWSKeyDetector
from detect_secrets.plugins.azure_storage_key import AzureStorageKeyDetector
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.basic_auth import BasicAuthDetector
from detect_secrets.plugins.discord import DiscordBotTokenDetector
from detect_secrets.plugins.github_token import GitHubTokenDetector
from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
    HighEntropyStringsPlugin,
)
from detect_secrets.plugins.jwt import JwtTokenDetector
from detect_secrets.plugins.keyword import (
    CONFIG_DENYLIST_REGEX_TO_GROUP,
    DENYLIST_REGEX,
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    REGEX_BY_FILETYPE,
    KeywordDetector,
)
from detect_secrets.plugins.mailchimp import MailchimpDetector
from detect_secrets.plugins.npm import NpmDetector
from detect_secrets.plugins.openai import OpenAIDetector
from detect_secrets.plugins.private_key import PrivateKeyDetector
from detect_secrets.plugins.pypi_token import PypiTokenDetector
from detect_secrets.plugins.sendgrid import SendGridDetector
from detect_secrets.plugins.slack import SlackDetector
from detect_secrets.plugins.square_oauth import SquareOAuthDetector
from detect_secrets.plugins.stripe import StripeDetector
from detect_secrets.plugins.telegram_token import TelegramBotTokenDetector
from detect_secrets.plugins.twilio import TwilioKeyDetector
from detect_secrets.util.filetype import determine_file_type

INVISIBLE = dict.fromkeys(
    [
        0x00AD, 0x061C, 0x180E, 0xFEFF,  # soft hyphen, Arabic letter mark, Mongolian separator, BOM
        *range(0x200B, 0x2010),  # zero-width space, non-joiner, joiner; LTR and RTL marks
        *range(0x202A, 0x202F),  # bidi embeddings and overrides (U+202E ...)
        *range(0x2060, 0x2065),  # word joiner, invisible operators
        *range(0x2066, 0x206A),  # bidi isolates
        *range(0xE0000, 0xE0080),  # tag characters, which smuggle text past human readers
    ],
)

# Plugins whose hits are tokens with a recognisable shape; each names its redaction type.
# Left out: public IPs (an address is not a credential), and the Artifactory, Cloudant, IBM
# Cloud IAM, IBM COS HMAC and SoftLayer detectors, whose patterns restate the keyword and
# entropy checks for one vendor each and took 60% of the scan time on real code.
TOKEN_PLUGINS: tuple[tuple[BasePlugin, str], ...] = (
    (AWSKeyDetector(), "aws-access-key"),
    (GitHubTokenDetector(), "github-token"),
    (GitLabTokenDetector(), "gitlab-token"),
    (SlackDetector(), "slack-token"),
    (StripeDetector(), "stripe-key"),
    (OpenAIDetector(), "openai-key"),
    (JwtTokenDetector(), "jwt"),
    (BasicAuthDetector(), "basic-auth"),
    (AzureStorageKeyDetector(), "azure-storage-key"),
    (DiscordBotTokenDetector(), "discord-token"),
    (MailchimpDetector(), "mailchimp-key"),
    (NpmDetector(), "npm-token"),
    (PypiTokenDetector(), "pypi-token"),
    (SendGridDetector(), "sendgrid-key"),
    (SquareOAuthDetector(), "square-oauth-secret"),
    (TelegramBotTokenDetector(), "telegram-token"),
    (TwilioKeyDetector(), "twilio-key"),
)
AWS_ACCESS_KEY_ID = AWSKeyDetector.denylist[0]
KEYWORD = KeywordDetector()  # its rules are applied directly, see _keyword_hits
KEYWORD_HINT = re.compile(DENYLIST_REGEX, re.IGNORECASE)  # every keyword rule contains it
# Words that every entry of the keyword denylist contains: a substring test costs far less
# than the case-insensitive denylist regex, and most lines contain none of them.
KEYWORD_WORDS = ("key", "pass", "pwd", "secret", "contrase")
PRIVATE_KEY = PrivateKeyDetector()
BASE64 = Base64HighEntropyString()
HEX = HexHighEntropyString()

# Files whose values are strings even when unquoted, where a long random hex value is far more
# often a credential than a checksum. Elsewhere hex strings are git object ids and file hashes.
SETTINGS_SUFFIXES = (".env", ".envrc", ".ini", ".cfg", ".conf", ".cnf", ".properties")
# Files that assign with `KEY=value` and no quotes: the keyword rules for config files apply.
# So they do to prose (docs, and tickets, which come without a file name), where people paste
# `password: hunter2` as it is.
ASSIGNING_SUFFIXES = (".sh", ".bash", ".zsh", ".ksh", ".dockerfile", ".md", ".markdown", ".rst", ".txt", ".adoc")
ASSIGNING_NAMES = ("dockerfile", "containerfile", "makefile")
STRUCTURED_SUFFIXES = (".yaml", ".yml", ".toml")
CONFIG_VALUE = re.compile(r"^\s*(?:export\s+)?[\w.-]+\s*[=:]\s*([^\s'\"#]\S*)\s*$")

PEM_END = "-----END "
PUTTY_END = "Private-MAC:"
KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/]{20,}")
KEY_BODY = re.compile(r"[A-Za-z0-9+/=]*|[A-Za-z][\w-]*:.*")
MAX_KEY_LINES = 400

# Where a plugin's values sit in the line, `{}` standing for the values. Token plugins match a
# fixed length while real tokens may be longer (Stripe, GitLab), and JWT's pattern stops before
# the signature: both extend to the end of the token.
LOCATORS = {
    "basic-auth": r"(?<=:)(?P<value>{})(?=@)",
    "jwt": r"(?P<value>{})[\w.+/=-]*",
    "high-entropy": r"(?<!\w)(?P<value>{})(?!\w)",
}
TOKEN_LOCATOR = r"(?P<value>{})[\w-]*"
ANYWHERE = r"(?P<value>{})"
GENERIC_TYPES = {"password": 1, "high-entropy": 2}  # on overlap, the more specific type wins
LONG_LINE = 1000  # longer lines are minified code or one-line data
CONTEXT = 120  # characters either side of a value in such a line
ENV_VARIABLE_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
# `password: str` in a model shown in the docs: a type or a literal, not a secret.
NOT_SECRETS = frozenset({"str", "string", "int", "bool", "bytes", "none", "null", "nil", "true", "false", "undefined"})


@dataclass(frozen=True)
class Redaction:
    type: str  # lower-kebab: private-key, aws-access-key, password, basic-auth, high-entropy ...
    line: int  # 1-based; the redacted text keeps the original's line numbers


@dataclass(frozen=True)
class Redacted:
    text: str
    redactions: list[Redaction]


@dataclass(frozen=True)
class _Profile:
    """How one text is scanned: its file's keyword rules, and the plugins worth running.

    Only plugins that find something in the whole text run line by line: one pass over the
    text costs a third of a pass line by line. No token pattern needs a line boundary that a
    newline does not also give it (each `^` or `$` comes with a whitespace or non-word
    alternative), so a plugin silent on the whole text is silent on each of its lines.
    """

    keyword_rules: dict[re.Pattern, int]
    tokens: tuple[tuple[BasePlugin, str], ...]
    entropy: tuple[HighEntropyStringsPlugin, ...]
    unquoted_values: bool


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    type: str


@dataclass(frozen=True)
class _KeyBlock:
    first: int  # 0-based line index of the BEGIN marker
    start: int  # column where the block starts on that line
    last: int  # 0-based line index of the END marker
    end: int  # column just after the block on that line


def redact(text: str, filename: str = "") -> Redacted:
    """Replace the secrets in `text`, keeping its line count.

    `filename` picks the rules (a `.env` file's values need no quotes to be read as secrets);
    text without one, such as a ticket, is read like a config file.
    """
    text = strip_invisible(text)
    lines = text.split("\n")
    redactions = []
    scanned = [True] * len(lines)
    for block in _private_key_blocks(lines) if _finds_any(PRIVATE_KEY, text) else ():
        _collapse(lines, block)
        redactions.append(Redaction("private-key", block.first + 1))
        scanned[block.first : block.last + 1] = [False] * (block.last - block.first + 1)
    profile = _profile(filename, "\n".join(lines))
    for index, line in enumerate(lines):
        hits = _merge(_hits(line, profile)) if scanned[index] else []
        if hits:
            lines[index] = _replace(line, hits)
            redactions.extend(Redaction(hit.type, index + 1) for hit in hits)
    redactions.sort(key=lambda redaction: redaction.line)
    return Redacted("\n".join(lines), redactions)


def strip_invisible(text: str) -> str:
    """The text without zero-width, bidi-control and tag characters."""
    return text.translate(INVISIBLE)


def _private_key_blocks(lines: list[str]) -> Iterator[_KeyBlock]:
    index = 0
    while index < len(lines):
        block = _key_block_at(lines, index)
        if block:
            yield block
            index = block.last
        index += 1


def _key_block_at(lines: list[str], index: int) -> _KeyBlock | None:
    """The key block whose BEGIN marker is on this line, if key material follows it.

    Code that only names the markers (a PEM parser, a test of one) has no key material
    between them and stays as it is.
    """
    line = lines[index]
    marker = next(iter(PRIVATE_KEY.analyze_string(line)), None)
    if marker is None:
        return None
    start = line.find(marker)
    if line.endswith("-----", 0, start):
        start -= len("-----")
    end = _key_end(line, start + len(marker))
    if end is not None:
        return _KeyBlock(index, start, index, end) if KEY_MATERIAL.search(line, start, end) else None
    return _multiline_key_block(lines, index, start)


def _multiline_key_block(lines: list[str], first: int, start: int) -> _KeyBlock | None:
    """Body lines up to the END marker, or up to the last body line of a truncated key."""
    last, material = first, False
    for index in range(first + 1, min(len(lines), first + MAX_KEY_LINES)):
        end = _key_end(lines[index], 0)
        if end is not None:
            return _KeyBlock(first, start, index, end) if material else None
        body = _key_body(lines[index])
        if body is None:
            break
        material = material or bool(KEY_MATERIAL.search(body))
        last = index
    return _KeyBlock(first, start, last, len(lines[last])) if material else None


def _key_end(line: str, column: int) -> int | None:
    """The column just after an END marker (or PuTTY's MAC line) found from `column` on."""
    if line.lstrip().startswith(PUTTY_END):
        return len(line)
    found = line.find(PEM_END, column)
    if found < 0:
        return None
    closing = line.find("-----", found + len(PEM_END))
    return len(line) if closing < 0 else closing + len("-----")


def _key_body(line: str) -> str | None:
    """A key line's content (base64, or a `Header: value`) without the quotes, commas, `+`
    and `\\n` escapes that hold it in a string literal; None for anything else."""
    core = line.strip().replace("\\n", "").strip(" \t'\"`,;+\\")
    return core if KEY_BODY.fullmatch(core) else None


def _collapse(lines: list[str], block: _KeyBlock) -> None:
    head = lines[block.first][: block.start]
    tail = lines[block.last][block.end :]
    lines[block.first] = f"{head}[REDACTED:private-key]{tail}"
    for index in range(block.first + 1, block.last + 1):
        lines[index] = ""


def _profile(filename: str, text: str) -> _Profile:
    name = os.path.basename(filename).lower()
    settings = name.startswith(".env") or name.endswith(SETTINGS_SUFFIXES)
    if not name or settings or name.endswith(ASSIGNING_SUFFIXES) or name.startswith(ASSIGNING_NAMES):
        rules = CONFIG_DENYLIST_REGEX_TO_GROUP
    else:
        rules = REGEX_BY_FILETYPE.get(determine_file_type(name), QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP)
    unquoted_values = settings or name.endswith(STRUCTURED_SUFFIXES)
    entropy = (BASE64, HEX) if settings else (BASE64,)
    return _Profile(
        keyword_rules=rules,
        tokens=tuple((plugin, kind) for plugin, kind in TOKEN_PLUGINS if _finds_any(plugin, text)),
        # unquoted values get their quotes line by line, so the whole text cannot tell
        entropy=entropy if unquoted_values else tuple(plugin for plugin in entropy if _finds_any(plugin, text)),
        unquoted_values=unquoted_values,
    )


def _finds_any(plugin: BasePlugin, text: str) -> bool:
    return next(iter(plugin.analyze_string(text)), None) is not None


def _hits(line: str, profile: _Profile) -> Iterator[_Hit]:
    values: dict[str, set[str]] = defaultdict(set)
    for plugin, kind in profile.tokens:
        for value in plugin.analyze_string(line):
            values[_token_type(plugin, kind, value)].add(value)
    values["high-entropy"].update(_high_entropy_values(line, profile))
    for kind, found in values.items():
        yield from _locate(line, found, kind)
    yield from _keyword_hits(line, profile)


def _token_type(plugin: BasePlugin, kind: str, value: str) -> str:
    if isinstance(plugin, AWSKeyDetector) and not AWS_ACCESS_KEY_ID.fullmatch(value):
        return "aws-secret-key"
    return kind


def _keyword_hits(line: str, profile: _Profile) -> Iterator[_Hit]:
    """Values assigned to password-like names (password, secret, api_key, ...).

    The keyword plugin's own rules, applied with `finditer` where the plugin stops at the
    first match of each: a minified file or one-line JSON holds many assignments in a line,
    and a short value ("a") is only found again by its place, not by its text.
    """
    lowered = line.lower()
    if not any(word in lowered for word in KEYWORD_WORDS) or not KEYWORD_HINT.search(line):
        return
    for rule, group in profile.keyword_rules.items():
        for match in rule.finditer(line):
            value = match.group(group)
            if not _is_false_keyword(value, _context(line, match.start(group), match.end(group))):
                yield _Hit(match.start(group), match.end(group), "password")


def _is_false_keyword(value: str, context: str) -> bool:
    """A value read from elsewhere (`os.environ["X"]`, `get_secret()`), naming a variable,
    or naming a type."""
    return (
        _is_common_false_positive(value, context, KEYWORD)
        or heuristic.is_indirect_reference(context)
        or ENV_VARIABLE_NAME.fullmatch(value) is not None
        or value.lower().rstrip(",;") in NOT_SECRETS
    )


def _high_entropy_values(line: str, profile: _Profile) -> Iterator[str]:
    """Quoted random-looking strings; in config files unquoted values count as quoted."""
    texts = [line]
    value = CONFIG_VALUE.match(line) if profile.unquoted_values else None
    if value:
        texts.append(f'"{value.group(1)}"')
    for plugin in profile.entropy:
        for text in texts:
            for candidate in plugin.analyze_string(text):
                if plugin.calculate_shannon_entropy(candidate) > plugin.entropy_limit and not (
                    _is_common_false_positive(candidate, _context(line, line.find(candidate)), plugin)
                    or _is_ascending(candidate)
                ):
                    yield candidate


def _context(line: str, start: int, end: int | None = None) -> str:
    """What the line-level heuristics read around a value: the line, or near the value in a
    long one. They scan the text before each value (a minified file would cost the square of
    its length) and one `_id` or call anywhere in such a line would silence all its secrets."""
    if len(line) <= LONG_LINE:
        return line
    return line[max(0, start - CONTEXT) : (end if end is not None else start) + CONTEXT]


def _is_common_false_positive(value: str, context: str, plugin: BasePlugin) -> bool:
    """detect-secrets' own heuristics: sequences, UUIDs, ids, templates, `$VARIABLES`."""
    return (
        heuristic.is_sequential_string(value)
        or heuristic.is_potential_uuid(value)
        or heuristic.is_templated_secret(value)
        or heuristic.is_prefixed_with_dollar_sign(value)
        or heuristic.is_not_alphanumeric_string(value)
        or heuristic.is_likely_id_string(value, context, plugin)
    )


def _is_ascending(value: str) -> bool:
    """Alphabets and option letters ("ABC...xyz0123", "46abcefBCD") run in code-point order;
    a random string of that length steps down at about every other character."""
    descents = sum(1 for before, after in pairwise(value) if after < before)
    return descents <= len(value) // 8


def _locate(line: str, values: Iterable[str], kind: str) -> Iterator[_Hit]:
    """Where the values sit in the line, in one pass for all of them; a value missing from
    its usual place is replaced wherever it occurs, since a secret must never survive."""
    missing = {value.strip(" \t'\"") for value in values} - {""}
    for template in (LOCATORS.get(kind, TOKEN_LOCATOR), ANYWHERE):
        if not missing:
            return
        alternatives = "|".join(map(re.escape, sorted(missing, key=len, reverse=True)))
        for match in re.finditer(template.format(alternatives), line):
            missing.discard(match.group("value"))
            yield _Hit(match.start(), match.end(), kind)


def _merge(hits: Iterable[_Hit]) -> list[_Hit]:
    """Overlapping hits become one, named by the most specific of them."""
    merged: list[_Hit] = []
    for hit in sorted(hits, key=lambda hit: (hit.start, -hit.end)):
        if merged and hit.start < merged[-1].end:
            previous = merged.pop()
            kind = min(previous.type, hit.type, key=lambda kind: GENERIC_TYPES.get(kind, 0))
            hit = _Hit(previous.start, max(previous.end, hit.end), kind)
        merged.append(hit)
    return merged


def _replace(line: str, hits: list[_Hit]) -> str:
    parts, cursor = [], 0
    for hit in hits:
        parts += [line[cursor : hit.start], f"[REDACTED:{hit.type}]"]
        cursor = hit.end
    parts.append(line[cursor:])
    return "".join(parts)
