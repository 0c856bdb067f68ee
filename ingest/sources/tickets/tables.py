"""CSV exports read as rows keyed by lower-case column name, each name holding a list of cells,
because Jira repeats a column (`Labels`, `Comment`, `Watchers`) once per value."""

from __future__ import annotations

import csv
import io


def read_table(text: str) -> tuple[list[str], list[tuple[str, dict[str, list[str]]]]]:
    """The header, and `("row N", row)` pairs numbered as a spreadsheet shows them (header is
    row 1); blank rows are left out."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return [], []
    header = [name.strip().lower() for name in rows[0]]
    records = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, list[str]] = {}
        for name, cell in zip(header, cells, strict=False):  # real exports have rows shorter than the header
            row.setdefault(name, []).append(cell)
        records.append((f"row {number}", row))
    return header, records


def first(row: dict[str, list[str]], name: str) -> str:
    return next((cell for cell in row.get(name, ()) if cell.strip()), "")


def every(row: dict[str, list[str]], name: str) -> list[str]:
    return [cell.strip() for cell in row.get(name, ()) if cell.strip()]
