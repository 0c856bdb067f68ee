"""The facts a reader is answered from: who knows the code, never what HR knows about them.

A reader (a core engineer asking about code) may learn who holds and who knows a file, but not
a contract's dates, vendor or team, nor whether someone is leaving: any of these, or an answer
that changes with the as-of date, would let a reader recover a contractor's end date by asking
the same question for each day. In this view every rostered person keeps id, name, kind and
emails, loses start, end, vendor and team, and has the status `withheld`; successors are drawn
from everyone not known to be gone, so the answers are the same on every date.
"""

from __future__ import annotations

from dataclasses import replace

from handoff.core.facts import Facts
from handoff.core.people import Person


def reader_view(facts: Facts) -> Facts:
    """`facts` with the people's HR facts left out."""
    return replace(facts, people={pid: _without_hr(p) for pid, p in facts.people.items()})


def _without_hr(person: Person) -> Person:
    if not person.rostered:
        return person
    return replace(person, start=None, end=None, vendor=None, team=None, disclosed=False)
