"""Small records the offboarding parts share, and the orders they are listed in."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class FileRef:
    repo: str
    path: str


@dataclass(frozen=True)
class PersonRef:
    person: str
    name: str


def ticket_order(key: str) -> tuple[str, int, str]:
    """SHOP-9 before SHOP-10: by prefix, then number."""
    prefix, _, number = key.rpartition("-")
    return (prefix, int(number), key) if number.isdigit() else (key, 0, key)
