"""Figures from table cells: every numeric cell of a money table, scaled by the unit its caption, column
head or row label states ("(Thousands of United States dollars)", "US$ million", "EURm").

A cell's subject is its row path, its years/period and metric come from its column path ("2024
expenditure" -> budget/expenditure, 2024), else its row path, else the caption. Cells under a count or
share (posts, percentage, rate) are not money. Provenance goes down to the cell: table_id, row, col,
cell_bbox. Pure: Document and its Tables in, Figures out. Rules: schemas/data/tables.json.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.assessment import Unit, find_unit
from extract.dates import find_dates
from extract.tables import build_tables, rules
from extract.text import normalize_text
from schemas.models import ActorMention, CellRef, Document, Figure, Metric, Period, Table, TableCell
from schemas.rules import Currencies, load_rules

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@lru_cache(maxsize=1)
def _forms() -> dict[str, str]:
    return {f: c.code for c in load_rules(Currencies).currencies for f in [c.code, *c.symbols]}


@lru_cache(maxsize=1)
def _scales() -> dict[str, float]:
    return {k.lower(): float(v) for k, v in load_rules(Currencies).scales.items()}


@lru_cache(maxsize=4096)
def unit_of(text: str | None) -> Unit | None:
    """The money unit a caption, column head or row label states, including compact heads ("EURm",
    "US$bn"); None when it states none (an amount "US$2.1 billion" is not a unit)."""
    if not text:
        return None
    text = normalize_text(text)
    unit = find_unit(text)
    if unit:
        return unit
    for m in re.finditer(rules().compact_unit, text):
        code = _forms().get(m.group("cur"))
        if code and not re.search(r"\d", m.group(0)):
            return Unit(code, _scales()[m.group("scale").lower()], m.group(0).strip())
    return None


@lru_cache(maxsize=1)
def _cue_res() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], Metric, str | None]]]:
    r = rules()
    counts = re.compile("|".join(rf"(?<![\w]){re.escape(c)}" for c in r.count_cues), re.IGNORECASE)
    metrics = [(re.compile(rf"(?<![\w]){re.escape(c)}", re.IGNORECASE), m, d) for c, m, d in r.metric_cues]
    return counts, metrics


def _metric(texts: list[str]) -> tuple[Metric, str | None]:
    for t in texts:
        for pat, metric, detail in _cue_res()[1]:
            if pat.search(t):
                return metric, detail
    return "other", None


def _period(texts: list[str]) -> Period | None:
    for t in texts:
        for d in find_dates(t, None):
            if d.kind == "interval" and "/" in d.value:
                start, end = d.value.split("/", 1)
                return Period(start=start, end=end)
    return None


def table_figures(
    doc: Document,
    tables: list[Table] | None = None,
    actors: list[ActorMention] | None = None,
    skip_blocks: set[str] | None = None,
    skip_tables: set[str] | None = None,
) -> list[Figure]:
    """Figures of every numeric money cell of `doc`'s tables (built when not given). Cells holding a block
    of `skip_blocks` (it already gave a running-text figure) are left out; tables holding any block of
    `skip_tables` (another route, the RDNA tables of extract/assessment.py, read them) are left out whole."""
    tables = build_tables(doc) if tables is None else tables
    skip = skip_blocks or set()
    if skip_tables:
        tables = [t for t in tables if not any(skip_tables.intersection(c.block_ids) for c in t.cells)]
    by_block: dict[str, list[ActorMention]] = {}
    for a in actors or []:
        if a.block_id:
            by_block.setdefault(a.block_id, []).append(a)
    chapters = {b.id: b.chapter for b in doc.blocks}
    out: list[Figure] = []
    for t in tables:
        out += _figures_of(doc.id, t, by_block, chapters, skip)
    return out


def _figures_of(
    doc_id: str | None, t: Table, by_block: dict[str, list[ActorMention]], chapters: dict[str, str | None],
    skip: set[str],
) -> list[Figure]:
    counts = _cue_res()[0]
    caption = " ".join(x for x in (t.caption, t.unit) if x)
    table_unit = unit_of(t.unit) or unit_of(t.caption)
    stub = {c.row: c for c in t.cells if c.stub and not c.header}
    stub_by_text: dict[str, list[TableCell]] = {}
    for c in stub.values():
        stub_by_text.setdefault(c.text, []).append(c)
    caption_actors = [a.name for b in t.block_ids for a in by_block.get(b, [])]
    years_only = _year_columns(t)
    out: list[Figure] = []
    for c in t.cells:
        if c.header or c.stub or c.value is None or c.col in years_only or skip.intersection(c.block_ids):
            continue
        label = stub.get(c.row)
        unit = _cell_unit(c, table_unit)
        if unit is None or any(counts.search(x) for x in [*c.row_path, *c.col_path]):
            continue
        metric, detail = _metric([" ".join(c.col_path), " ".join(c.row_path)])
        if metric == "other":  # the caption says what the table holds, not what one column is
            metric = _metric([caption])[0]
        years = sorted({int(y) for y in _YEAR.findall(" ".join(c.col_path))})
        owners = list(dict.fromkeys(
            a.name for cell in _path_cells(stub_by_text, label) for b in cell.block_ids
            for a in by_block.get(b, [])
        )) or list(dict.fromkeys(caption_actors))
        subject = " / ".join(c.row_path) or None
        head = " / ".join(c.col_path)
        out.append(Figure(
            start=0, end=len(c.text), text=c.text, amount=c.value * unit.factor, currency=unit.currency,
            doc_id=doc_id, metric=metric, actors=owners, years=years,
            period=_period(c.col_path) or _period([t.caption or ""]), subject=subject,
            chapter=chapters.get(c.block_ids[0]) if c.block_ids else None, page=c.page,
            block_id=c.block_ids[0] if c.block_ids else None,
            sentence=f"{subject or ''} | {head} ({unit.text})".strip(),
            budget_kind=detail, table_id=t.id, row=c.row, col=c.col, cell_bbox=c.bbox,
            cell=CellRef(row=list(c.row_path), column=list(c.col_path)),
        ))
    return out


def _year_columns(t: Table) -> set[int]:
    """Columns whose every number is a plain year ("2019"): dates in a money table, not amounts."""
    seen: dict[int, bool] = {}
    for c in t.cells:
        if not c.header and not c.stub and c.value is not None:
            seen[c.col] = seen.get(c.col, True) and bool(re.fullmatch(r"(?:19|20)\d{2}", c.text.strip()))
    return {k for k, v in seen.items() if v}


def _cell_unit(c: TableCell, table_unit: Unit | None) -> Unit | None:
    """The nearest unit: the row label's, then the column head's (lowest first), then the caption's."""
    for text in [*c.row_path[::-1], *c.col_path[::-1]]:
        u = unit_of(text)
        if u:
            return u
    return table_unit


def _path_cells(stub_by_text: dict[str, list[TableCell]], label: TableCell | None) -> list[TableCell]:
    """The stub cells naming the row and its groups."""
    if label is None:
        return []
    names = dict.fromkeys(label.row_path)
    return [c for name in names for c in stub_by_text.get(name, []) if c.row <= label.row]
