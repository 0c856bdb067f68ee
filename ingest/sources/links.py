"""Ticket keys mentioned in commit messages: `#123` and `GH-123` (GitHub), `ABC-123` (Jira, Linear).

Patterns come from the `ticket_patterns` setting; a match's `number` group becomes `GH-<n>`, its
`key` group is kept as written. Keys that name no known ticket are harmless: links are joined
with the tickets table when read.
"""

from __future__ import annotations

import re
from functools import lru_cache


def ticket_keys(message: str, patterns: tuple[str, ...]) -> set[str]:
    keys = set()
    for regex in _compiled(patterns):
        for match in regex.finditer(message):
            groups = match.groupdict()
            if groups.get("number"):
                keys.add(f"GH-{int(groups['number'])}")
            elif groups.get("key"):
                keys.add(groups["key"])
            else:
                keys.add(match.group(0))
    return keys


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> list[re.Pattern]:
    return [re.compile(p) for p in patterns]
