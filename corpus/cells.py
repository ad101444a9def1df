"""How a value prints in a table or CSV cell, and compare's series already as the text the CLI prints.

The CLI's `render` and the compare cache share these: the cache keeps each series' rows as the strings the
CLI prints (table cells, CSV lines, indented JSON), so a warm `compare` formats nothing (formatting 100,000
points took seconds on an archive, and indenting their JSON four).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

SERIES_COLUMNS = ["metric", "subject", "currency", "points", "checks"]
POINT_COLUMNS = ["metric", "subject", "currency", "edition", "doc_id", "year", "as_of", "amount", "text"]
POINT_COLUMNS += ["change", "pct_change", "note", "period", "years"]
# the table leaves the year to `edition`, and shows `when` (as-of date, period or years) for as_of, period
# and years: a budget table's three columns (2024 expenditure, 2025 approved, 2026 estimate) told apart
POINT_TABLE_COLUMNS = ["metric", "subject", "currency", "edition", "doc_id", "when", "amount", "text"]
POINT_TABLE_COLUMNS += ["change", "pct_change", "note"]
CHECK_COLUMNS = ["kind", "status", "ok", "doc_id", "message"]
_SERIES_HEAD = POINT_COLUMNS[:3]  # a series' own columns (metric, subject, currency), the same in its rows


def cell(value: Any) -> str:
    """A value as table text: lists joined by "; ", a period as start/end, amounts with thousands commas."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        if set(value) == {"start", "end"}:  # a Period: ISO 8601 interval notation
            return f"{value['start']}/{value['end']}"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def csv_cell(value: Any) -> Any:
    """Numbers stay machine-readable in CSV (no thousands separators), 2.0 -> 2."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return cell(value)


def table_cells(row: dict[str, Any], columns: Sequence[str]) -> list[str]:
    """One table row's cells: a cell is one line (newlines become spaces)."""
    return [cell(row.get(c)).replace("\n", " ") for c in columns]


def csv_text(rows: list[dict[str, Any]], columns: Sequence[str], header: bool = True) -> str:
    """CSV of `columns` of the rows (a writer keeps no state between rows, so pieces join up)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header:
        w.writerow(columns)
    w.writerows([csv_cell(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def when(row: dict[str, Any]) -> str:
    """When a figure stands: "as of 2025-12-31", a period "2025/2034", else the years it names."""
    parts = []
    if row.get("as_of"):
        parts.append(f"as of {row['as_of']}")
    if row.get("period"):
        parts.append(cell(row["period"]))
    elif row.get("years") and not row.get("as_of"):
        parts.append(", ".join(map(str, row["years"])))
    return "; ".join(parts)


def point_rows(series: dict[str, Any]) -> list[dict[str, Any]]:
    """compare's rows of one series (its JSON values): one per point, led by the series' own columns."""
    head = {c: series[c] for c in _SERIES_HEAD}
    return [{**head, **p} for p in series["points"]]


def series_cells(series: dict[str, Any]) -> dict[str, Any]:
    """What compare's table prints of one series (its JSON values), already as text: the head cells, each
    point's other cells, the longest cell of each column, and each check's ok flag and cells."""
    own = POINT_TABLE_COLUMNS[len(_SERIES_HEAD) :]  # the table's columns after the series' own
    head = table_cells(series, _SERIES_HEAD)
    points = [table_cells({**p, "when": when(p)}, own) for p in series["points"]]
    longest = [len(h) for h in head] + [max([0, *map(len, column)]) for column in zip(*points, strict=True)]
    return {
        "head": head,
        "points": points,
        "longest": longest if points else [],  # a series with no points has no rows
        "checks": [[c["ok"], *table_cells(c, CHECK_COLUMNS)] for c in series["checks"]],
    }


def series_csv(series: dict[str, Any]) -> str:
    """compare's CSV lines of one series (its JSON values), without the header."""
    return csv_text(point_rows(series), POINT_COLUMNS, header=False)


def series_json(series: dict[str, Any]) -> list[str]:
    """compare --format json's text of one series (its JSON values) as an element of the printed array, its
    checks left out: [the text up to them, the text after them, each check's ("1" ok, "0" not) + text]."""
    row = {**{c: series.get(c) for c in SERIES_COLUMNS}, **series}  # the CLI's order of the keys
    keys = list(row)
    at = keys.index("checks")
    before = "".join(_member(k, row[k]) + ",\n" for k in keys[:at])
    after = "".join(",\n" + _member(k, row[k]) for k in keys[at + 1 :])
    checks = [("1" if c["ok"] else "0") + "      " + _indented(c, 3) for c in series["checks"]]
    return ["  {\n" + before + '    "checks": ', after + "\n  }", *checks]


def json_array(series: list[list[str]], all_checks: bool) -> str:
    """`json.dumps(rows, ensure_ascii=False, indent=2)` of compare's series from their `series_json` pieces,
    only failed and unverified checks unless `all_checks`."""
    items = []
    for before, after, *checks in series:
        kept = [c[1:] for c in checks if all_checks or c[0] == "0"]
        items.append(before + ("[\n" + ",\n".join(kept) + "\n    ]" if kept else "[]") + after)
    return "[\n" + ",\n".join(items) + "\n]" if items else "[]"


def _member(key: str, value: Any) -> str:
    """One key of a series object as json.dumps(indent=2) prints it inside the array."""
    return "    " + json.dumps(key, ensure_ascii=False) + ": " + _indented(value, 2)


def _indented(value: Any, depth: int) -> str:
    """json.dumps(value, indent=2) as it prints `depth` levels down a larger value: every line after the
    first moved right (JSON text holds no raw newline, so each one is the layout's)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)
