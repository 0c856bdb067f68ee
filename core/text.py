"""Text that crosses an edge (a request body, a command-line argument, a question) is checked once.

Python strings can hold what no UTF-8 text can: a lone surrogate (`\\ud800` in JSON, or an
undecodable byte of a command-line argument, which Python keeps as `\\udcxx`). Such a string
fails deep inside whatever first encodes it (the tokenizer, SQLite, the JSON of an error), as
a traceback or a 500; refused where it enters, it is one line naming where it was.
"""

from __future__ import annotations

import re

from handoff.core.errors import InputError

SURROGATE = re.compile("[\ud800-\udfff]")  # in a str, always lone: a pair would have made one character


def is_text(value: str) -> bool:
    """Whether `value` is text UTF-8 can carry."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: str, where: str) -> str:
    """`value` itself, or InputError naming `where` and the first character that no UTF-8 text holds."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{where}: not valid UTF-8 text (character {exc.start + 1} is "
                         f"{value[exc.start]!r}, a lone surrogate or an undecodable byte); send UTF-8 text") from None
    return value


def printable(message: str) -> str:
    """`message` with anything UTF-8 cannot carry escaped, so that a message itself never fails to print."""
    return message.encode("utf-8", "backslashreplace").decode("utf-8")


def without_surrogates(value: str) -> str:
    """`value` with each lone surrogate replaced by U+FFFD, for text read from a file (a JSON export may
    escape one), where refusing the whole file for one character would lose the rest."""
    return SURROGATE.sub("\ufffd", value) if not is_text(value) else value
