"""Result records to plain data: one conversion shared by `--json`, the API, file exports and stored checklists."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path

DECIMALS = 4


def jsonable(value):
    """Dataclasses, dates and paths to JSON types; shares rounded to 4 decimals."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def to_json(value) -> str:
    return json.dumps(jsonable(value), indent=2, ensure_ascii=False)
