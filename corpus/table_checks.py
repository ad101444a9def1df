"""Sum checks of tables: a Total / Subtotal row against the rows it closes, a Total column against the
columns beside it under the same head ("Changes: Technical adjustments + New mandates + Other = Total").

Works on Table models (extract/tables.py), so it reads the row paths the builder found: "Subtotal, C" sums
the rows of group C, a "Total" after subtotals sums the subtotals, a group without values of its own is
counted through its subtotal. A dash is nil (0). Tolerance: half a printed unit per term (rounding).
compare calls `with_table_checks` once, which also drops its generic column-total check for the cells of
these tables (that one cannot see groups and subtotals).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from extract.parallel import fork_each
from extract.table_figures import _cue_res
from extract.tables import build_tables, row_kind
from schemas.models import Check, Document, Figure, SeriesPoint, Table, TableCell
from schemas.rules import ParallelSettings, load_rules


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _point(t: Table, c: TableCell | None, figs: dict[tuple, Figure], row_label: str) -> SeriesPoint:
    f = figs.get((t.doc_id, t.id, c.row, c.col)) if c else None
    if f is not None:
        return SeriesPoint(doc_id=f.doc_id or "", amount=f.amount, text=f.text, page=f.page,
                           block_id=f.block_id, sentence=f.sentence, year=f.years[0] if f.years else None)
    return SeriesPoint(doc_id=t.doc_id or "", amount=(c.value or 0.0) if c else 0.0, text=c.text if c else "",
                       page=c.page if c else None, block_id=c.block_ids[0] if c and c.block_ids else None,
                       sentence=row_label)


def _check(t: Table, what: str, total: TableCell, parts: list[TableCell | None], figs: dict[tuple, Figure],
           labels: list[str]) -> Check | None:
    if total.value is None or len(parts) < 2 or all(p is None or p.value is None for p in parts):
        return None
    got = sum(p.value or 0.0 for p in parts if p is not None)
    digits = max([_decimals(total.text)] + [_decimals(p.text) for p in parts if p is not None])
    tol = 0.5 * 10 ** -digits * (len(parts) + 1) + 1e-9
    ok = abs(got - total.value) <= tol
    name = f"table {t.number or t.id}"
    message = (f"{name}: {what} {total.value:,.{digits}f} vs sum of {len(parts)} parts {got:,.{digits}f}"
               + ("" if ok else f" (off by {total.value - got:+,.{digits}f})"))
    points = [_point(t, total, figs, what)]
    points += [_point(t, p, figs, lab) for p, lab in zip(parts, labels, strict=True)]
    return Check(kind="table_sum", ok=ok, message=message, doc_id=t.doc_id, figures=points)


def check_table(t: Table, figures: Iterable[Figure] = ()) -> list[Check]:
    """Row and column sum checks of one table (passing ones included, ok=True)."""
    figs = {(f.doc_id, f.table_id, f.row, f.col): f for f in figures if f.table_id}
    counts = _cue_res()[0]
    grid = {(c.row, c.col): c for c in t.cells}
    stub = sorted((c for c in t.cells if c.stub and not c.header), key=lambda c: c.row)
    cols = sorted({c.col for c in t.cells if not c.stub and not c.header and c.value is not None})
    cols = [k for k in cols if not any(counts.search(x) for c in t.cells if c.col == k for x in c.col_path)]
    has_values = {s.row for s in stub if any(grid.get((s.row, k)) and grid[(s.row, k)].value is not None
                                             for k in cols)}
    out: list[Check] = []
    for i, s in enumerate(stub):
        kind = row_kind(s.text)
        if kind == "row" or any(counts.search(x) for x in s.row_path):
            continue
        prefix = s.row_path[:-1]
        earlier = stub[:i]
        # rows since the previous sum row that closed the same group
        start = max((j + 1 for j, e in enumerate(earlier) if e.row_path[:-1] == prefix
                     and row_kind(e.text) == "total"), default=0)
        scope = earlier[start:]
        sums = [e for e in scope if e.row_path[:-1] == prefix and row_kind(e.text) != "row"]
        if kind == "total" and sums:
            parts = sums
        else:
            parts = _parts(prefix, scope, has_values)
        for k in cols:
            total = grid.get((s.row, k))
            if total is None:
                continue
            head = " / ".join(total.col_path)
            c = _check(t, f"{' / '.join(s.row_path)} | {head}", total, [grid.get((p.row, k)) for p in parts],
                       figs, [" / ".join(p.row_path) for p in parts])
            if c:
                out.append(c)
    out += _column_checks(t, cols, grid, figs)
    return out


def _parts(prefix: list[str], scope: list[TableCell], has_values: set[int]) -> list[TableCell]:
    """Rows a sum row under `prefix` adds up: its sibling rows; a group without values of its own counts
    through its last (sub)total, or through its own rows when it has none."""
    out: list[TableCell] = []
    for e in scope:
        if e.row_path[:-1] != prefix or row_kind(e.text) != "row":
            continue
        if e.row in has_values:
            out.append(e)
            continue
        inner = [x for x in scope if x.row_path[:-1] == e.row_path and row_kind(x.text) != "row"]
        out += inner[-1:] if inner else _parts(e.row_path, scope, has_values)
    return out


def _column_checks(t: Table, cols: list[int], grid: dict[tuple[int, int], TableCell],
                   figs: dict[tuple, Figure]) -> list[Check]:
    paths = {k: next((c.col_path for c in t.cells if c.col == k and not c.header), []) for k in cols}
    out: list[Check] = []
    for k in cols:
        path = paths[k]
        if not path or row_kind(path[-1]) != "total" or len(path) < 2:
            continue
        siblings = [j for j in cols if j != k and paths[j][:-1] == path[:-1] and len(paths[j]) == len(path)]
        for r in sorted({c.row for c in t.cells if c.col == k and not c.header}):
            total = grid.get((r, k))
            if total is None:
                continue
            label = " / ".join(next((c.row_path for c in t.cells if c.row == r and c.stub), []))
            c = _check(t, f"{label} | {' / '.join(path)}", total, [grid.get((r, j)) for j in siblings], figs,
                       [" / ".join(paths[j]) for j in siblings])
            if c:
                out.append(c)
    return out


def table_checks(docs: Iterable[Document], figures: Iterable[Figure] = (), cores: int = 1) -> list[Check]:
    """Sum checks of every table of `docs` (blocks loaded), passing ones included. Each document's tables are
    its own: with `cores` > 1 the documents are split over forked processes (in order, the same checks)."""
    by_doc: dict[str | None, list[Figure]] = {}
    for f in figures:  # grouped once: a scan of every figure per table grows with the square of the corpus
        by_doc.setdefault(f.doc_id, []).append(f)

    def check(d: Document) -> list[Check]:
        return document_table_checks(d, by_doc.get(d.id, []))

    def size(d: Document) -> int:
        return len(d.blocks) + len(by_doc.get(d.id, []))

    least = load_rules(ParallelSettings).min_records_per_process
    return [c for part in fork_each(check, list(docs), cores, size, least) for c in part]


def document_table_checks(doc: Document, figures: list[Figure]) -> list[Check]:
    """Sum checks of every table of one document (blocks loaded), given its figures: a document's tables are
    its own, so compare may check each one while its blocks are loaded and drop them after."""
    return [c for t in build_tables(doc) for c in check_table(t, figures)]


def checked_documents(docs: Iterable[Document], placed: Iterable[Any] = ()) -> list[Document]:
    """The documents with_table_checks checks: those compare placed figures of (all when none)."""
    doc_ids = {p.fig.doc_id for p in placed}
    return [d for d in docs if not doc_ids or d.id in doc_ids]


def _different_cells(c: Check, by_block: dict[tuple[str | None, str | None], Figure]) -> bool:
    if c.kind != "inconsistent_restatement" or not c.figures:
        return False
    figs = [by_block.get((p.doc_id, p.block_id)) for p in c.figures]
    return all(f is not None for f in figs) and len({(f.table_id, f.row, f.col) for f in figs if f}) > 1


def with_table_checks(pairs: list[tuple[Check, tuple]], docs: Iterable[Document], figures: Iterable[Figure],
                      placed: Iterable[Any] = (), cores: int = 1,
                      found: list[Check] | None = None) -> list[tuple[Check, tuple]]:
    """compare's (check, series key) pairs with the table sum checks added. Dropped: compare's own
    column-total checks of table figures (they miss groups and subtotals), and its restatement checks
    between table cells: two cells are two figures, not one stated twice ("Posts" 2024 expenditure vs
    2026 estimate; "Posts" of subprogramme 1 vs 2), and sums check a table's consistency.
    `placed`: compare's figures with their series key (objects with .fig and .key); a table check joins
    the series of its total, and only the documents compare placed figures of (one format each) are
    checked. `cores`: processes the table checks may use (table_checks). `found`: the table checks of
    checked_documents(docs, placed), in order, when the caller computed them (then `docs` is not read)."""
    figs = list(figures)
    placed = list(placed)
    keys = {(p.fig.doc_id, p.fig.block_id): p.key for p in placed}
    # block ids are per document ("p0009" in every one): a cell is known by its document and block
    cells = {(f.doc_id, f.block_id) for f in figs if f.table_id and f.block_id}
    by_block: dict[tuple[str | None, str | None], Figure] = {
        (f.doc_id, f.block_id): f for f in figs if f.table_id and f.block_id
    }
    kept = [(c, k) for c, k in pairs
            if not (c.kind == "sum_mismatch" and "table Total" in c.message and c.figures
                    and (c.figures[0].doc_id, c.figures[0].block_id) in cells)
            and not _different_cells(c, by_block)]
    if found is None:
        found = table_checks(checked_documents(docs, placed), figs, cores)
    added = [(c, keys.get((c.doc_id, c.figures[0].block_id), ())) for c in found]
    return kept + added
