"""CSV exports read as rows keyed by lower-case column name, each name holding a list of cells,
because Jira repeats a column (`Labels`, `Comment`, `Watchers`) once per value."""

from __future__ import annotations

import csv
from collections.abc import Iterable


def read_table(lines: Iterable[str], max_field: int = 1 << 27,
               max_cell: int | None = None) -> tuple[list[str], list[tuple[str, dict[str, list[str]]]]]:
    """The header, and `("row N", row)` pairs numbered as a spreadsheet shows them (header is
    row 1); blank rows are left out. Rows are read one at a time; a cell is kept to `max_cell`
    characters (the ticket's text is cut to that anyway), and one longer than `max_field` is a csv.Error."""
    csv.field_size_limit(max(csv.field_size_limit(), max_field))
    rows = csv.reader(lines)
    header = [name.strip().lower() for name in next(rows, [])]
    records = []
    for number, cells in enumerate(rows, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, list[str]] = {}
        for name, cell in zip(header, cells, strict=False):  # real exports have rows shorter than the header
            row.setdefault(name, []).append(cell[:max_cell])
        records.append((f"row {number}", row))
    return header, records


def first(row: dict[str, list[str]], name: str) -> str:
    return next((cell for cell in row.get(name, ()) if cell.strip()), "")


def every(row: dict[str, list[str]], name: str) -> list[str]:
    return [cell.strip() for cell in row.get(name, ()) if cell.strip()]
