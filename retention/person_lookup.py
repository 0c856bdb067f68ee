"""Finding the one person a user means: by id, by email or by name.

An exact id or email wins outright. A name matches when every word of the query begins a word
of the person's name, ignoring case and accents ("tomas" finds Tomás Reyes). Rostered people
are preferred over authors the roster does not know, since those are often the same person
under a tracker login. Anything left ambiguous or unmatched is an error naming the candidates,
never a guess.
"""

from __future__ import annotations

import difflib
import unicodedata

from handoff.core.errors import AmbiguousError, InputError, NotFoundError
from handoff.core.facts import Facts
from handoff.core.people import Person

MAX_LISTED = 8


def find_person(facts: Facts, query: str) -> Person:
    wanted = query.strip()
    if not wanted:
        raise InputError("no person given; name one by id, email or name (see `handoff people`)")
    people = [p for p in facts.people.values() if p.kind != "bot"]
    exact = [p for p in people if _fold(wanted) in {_fold(p.id), *map(_fold, p.emails)}]
    matches = exact or _by_name(people, wanted)
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise AmbiguousError(f"{wanted!r} matches {len(matches)} people: {_listing(matches)}; "
                             "give an id or email")
    raise NotFoundError(f"no person matches {wanted!r}; {_suggestions(people, wanted)}")


def _by_name(people: list[Person], query: str) -> list[Person]:
    words = _fold(query).split()
    matches = [p for p in people if all(any(n.startswith(w) for n in _fold(p.name).split()) for w in words)]
    full = [p for p in matches if _fold(p.name) == " ".join(words)]
    rostered = [p for p in matches if p.rostered]
    return full or rostered or matches


def _suggestions(people: list[Person], query: str) -> str:
    names = {_fold(p.name): p for p in people}
    close = [names[n] for n in difflib.get_close_matches(_fold(query), names, n=MAX_LISTED, cutoff=0.6)]
    if close:
        return f"did you mean {_listing(close)}?"
    contractors = [p for p in people if p.kind == "contractor" and p.rostered]
    return f"contractors on the roster: {_listing(contractors)}" if contractors else "the roster is empty"


def _listing(people: list[Person]) -> str:
    ordered = sorted(people, key=lambda p: (not p.rostered, p.name.casefold(), p.id))
    shown = ", ".join(f"{p.name} ({p.id})" for p in ordered[:MAX_LISTED])
    return shown + (f" and {len(ordered) - MAX_LISTED} more" if len(ordered) > MAX_LISTED else "")


def _fold(text: str) -> str:
    """Lowercase without accents: how people type names they have only seen written."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()
