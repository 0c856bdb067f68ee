"""Retention analyses: pure functions from a facts snapshot (and an as-of date) to records."""

from .authorship import doa, file_authors
from .decisions import decision_records
from .drain import drain
from .ownership import ownership
from .people import people
from .risk import risk
from .truck_factor import truck_factor

ANALYSES = {
    "adrs": decision_records,
    "drain": drain,
    "ownership": ownership,
    "people": people,
    "risk": risk,
    "truck-factor": truck_factor,
}

__all__ = ["ANALYSES", "decision_records", "drain", "doa", "file_authors", "ownership", "people", "risk", "truck_factor"]
