"""Table models from table_cell blocks: caption, unit line, notes, header rows, stub and cell paths.

Format-independent: every reader emits table cells as Block(kind="table_cell", table, row, col, page, bbox)
(DOCX adds spans, header-row flags and indents), and captions and notes are the short blocks just before and
after. So one builder serves Word, PDF (ruled or found by alignment) and anything else: Document in,
list[Table] out. A table whose parts follow each other across a page break (the header repeated, or no
caption of its own and the same columns) is one Table. Rules: schemas/data/tables.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

from extract.money import NUMBER, parse_number
from extract.text import normalize_text
from schemas.models import Block, Document, Table, TableCell
from schemas.rules import Common, TableRules, load_rules


def rules() -> TableRules:
    return load_rules(TableRules)


@lru_cache(maxsize=1)
def _res() -> dict[str, re.Pattern[str]]:
    r = rules()
    return {
        "label": re.compile(r.caption_label),
        "unit": re.compile(r.unit_line),
        "note": re.compile(r.note_line),
        "continued": re.compile(r.continued),
    }


# --- numbers in cells --------------------------------------------------------------------------------------

_CELL = re.compile(
    rf"^(?P<open>\()?\s*(?P<neg>[-−–])?\s*(?P<num>{NUMBER})\s*(?P<close>\))?"
    r"\s*(?P<note>(?:[a-z]{1,2}|\*{1,3}|[†‡])(?:\s*,\s*[a-z])*)?$"
)


def cell_value(text: str) -> tuple[float | None, str | None]:
    """(value as printed, footnote mark) of a cell: "1 250.3a" -> (1250.3, "a"), "(44.7)" -> (-44.7, None),
    "–", "..", "n/a", words, percentages -> (None, None). No scale is applied."""
    t = normalize_text(text).strip()
    if not t or t.lower() in load_rules(Common).none_cells:
        return None, None
    m = _CELL.match(t)
    if not m or bool(m.group("open")) != bool(m.group("close")):
        return None, None
    value = parse_number(m.group("num"))
    if value is None:
        return None, None
    if m.group("open") or m.group("neg"):
        value = -value
    return value, (m.group("note") or None)


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:19|20)\d{2}\s*", text))


def row_kind(label: str) -> str:
    """"total", "subtotal" or "row" from a stub label ("Subtotal, C", "Total (1+2)", "Grand total")."""
    low = normalize_text(label).lower().strip(" :.*")
    if any(re.match(rf"{re.escape(w)}\b", low) for w in load_rules(Common).subtotal_rows):
        return "subtotal"
    if any(re.match(rf"{re.escape(w)}\b", low) for w in rules().total_rows):
        return "total"
    return "row"


# --- parts: one parser table with its blocks ---------------------------------------------------------------


@dataclass
class _Part:
    ordinal: int
    first: int  # index in doc.blocks of its first and last cell block
    last: int
    cells: dict[tuple[int, int], list[Block]] = field(default_factory=dict)

    def rows(self) -> list[int]:
        return sorted({r for r, _ in self.cells})

    def text(self, r: int, c: int) -> str:
        return _text(self.cells.get((r, c), []))

    def nested(self) -> bool:
        return any(b.parent_table is not None for bs in self.cells.values() for b in bs)

    def ncols(self) -> int:
        return max((c + (bs[0].col_span or 1) for (_, c), bs in self.cells.items()), default=0)


def _text(bs: list[Block]) -> str:
    """A cell's text as printed: a list label the reader moved out of the text ("A.") put back."""
    return normalize_text(" ".join(f"{b.label} {b.text}" if b.label else b.text for b in bs))


def _parts(doc: Document) -> list[_Part]:
    parts: dict[int, _Part] = {}
    for i, b in enumerate(doc.blocks):
        if b.kind != "table_cell" or b.table is None:
            continue
        p = parts.setdefault(b.table, _Part(b.table, i, i))
        p.last = i
        p.cells.setdefault((b.row or 0, b.col or 0), []).append(b)
    for p in parts.values():
        _join_wrapped_labels(p)
    return sorted(parts.values(), key=lambda p: p.first)


def _join_wrapped_labels(p: _Part) -> None:
    """A reader that splits a wrapped stub label into rows ("B. Executive direction and" / "management
    2 480.9 ..."): a stub line starting in lower case continues the label above it when one of the two rows
    holds nothing but its label; the lines become one label on the row that holds the values."""
    cols: dict[int, set[int]] = {}
    for r, c in p.cells:
        cols.setdefault(r, set()).add(c)
    prev = None
    for r in p.rows():
        if prev is not None and (prev, 0) in p.cells and (r, 0) in p.cells and p.text(r, 0)[:1].islower():
            if cols[prev] == {0}:
                p.cells[(r, 0)] = p.cells.pop((prev, 0)) + p.cells[(r, 0)]
                cols[prev] = set()
                prev = r
                continue
            if cols[r] == {0}:
                p.cells[(prev, 0)] = p.cells[(prev, 0)] + p.cells.pop((r, 0))
                cols[r] = set()
                continue
        prev = r


def _header_count(p: _Part, rows: list[int]) -> int:
    """Leading rows before the first row with a number in a non-stub column, up to the last of them with a
    non-stub cell (a row with only a stub label is a band of the body); rows the file flags as repeated
    headers count too. 0 when no row holds a number."""
    first_data = None
    for k, r in enumerate(rows):
        texts = [p.text(r, c) for (rr, c) in p.cells if rr == r and c >= 1]
        numbers = [t for t in texts if not _is_year(t) and cell_value(t)[0] is not None]
        blanks = [t for t in texts if t.lower() in load_rules(Common).none_cells]
        if numbers or (blanks and len(blanks) == len(texts) and p.text(r, 0)):
            first_data = k
            break
    n = 0
    if first_data is not None:
        for k in range(first_data):
            if any(c >= 1 and p.text(rows[k], c) for (rr, c) in p.cells if rr == rows[k]):
                n = k + 1
    flagged = 0
    for r in rows:
        if not all(bs[0].header_row for (rr, _), bs in p.cells.items() if rr == r):
            break
        flagged += 1
    return max(n, flagged if first_data is None or flagged <= first_data else 0)


def _header_key(p: _Part, rows: list[int], n: int) -> tuple:
    return tuple(tuple(sorted((c, p.text(r, c)) for (rr, c) in p.cells if rr == r)) for r in rows[:n])


# --- captions and notes ------------------------------------------------------------------------------------


@dataclass
class _Caption:
    number: str | None = None
    title: list[str] = field(default_factory=list)
    unit: str | None = None
    block_ids: list[str] = field(default_factory=list)
    first: int = 0  # index of its first block (or the table's first cell when it has none)


def _caption(doc: Document, first: int) -> _Caption:
    """Short non-table lines right before a table, back to its "Table N" label: label, title, unit line."""
    r, res = rules(), _res()
    lines: list[tuple[int, Block]] = []
    i = first - 1
    while i >= 0 and len(lines) < r.caption_max_lines:
        b = doc.blocks[i]
        t = normalize_text(b.text)
        if b.kind == "table_cell" or len(t) > r.caption_max_chars or res["note"].match(t):
            break
        if re.match(r"^\d{1,2}\.\d{1,3}\s", t):  # a numbered paragraph ("4.11 Table 4.1 lists ...")
            break
        lines.insert(0, (i, b))
        i -= 1
        if res["label"].match(t):
            break
    cap = _Caption(first=lines[0][0] if lines else first)
    labelled = next((k for k, (_, b) in enumerate(lines) if res["label"].match(normalize_text(b.text))), None)
    if labelled is None and len(lines) > 2:  # no label: only the lines nearest the table
        lines = lines[-2:]
        cap.first = lines[0][0]
    elif labelled is not None:
        lines = lines[labelled:]
        cap.first = lines[0][0]
    for _, b in lines:
        t = _text([b]) if b.kind == "list_item" else normalize_text(b.text)  # "(1) Regular budget" whole
        m = res["label"].match(t)
        if m:
            cap.number = m.group(1).rstrip(".")
            rest = t[m.end():].strip(" :.-–—")
            if rest:
                cap.title.append(rest)
        elif res["unit"].match(t) and cap.unit is None:
            cap.unit = t
        else:
            cap.title.append(t)
        cap.block_ids.append(b.id)
    return cap


def _notes(doc: Document, last: int) -> tuple[list[str], list[str], int]:
    """Note lines right after a table ("a Includes ...", "Note: ..."): texts, block ids, index after them.
    A table ending a PDF page has its lettered notes read as the page's footnotes (the mark set apart as
    the block's label): a letter or star mark is a table's, a numbered footnote belongs to the text."""
    texts: list[str] = []
    ids: list[str] = []
    i = last + 1
    while i < len(doc.blocks) and len(texts) < 8:
        b = doc.blocks[i]
        t = normalize_text(b.text)
        if b.kind == "footnote" and b.label and re.fullmatch(r"[a-z]{1,2}|\*{1,3}|[†‡]", b.label):
            t = f"{b.label} {t}"
        if b.kind == "table_cell" or not _res()["note"].match(t):
            break
        texts.append(t)
        ids.append(b.id)
        i += 1
    return texts, ids, i


# --- the builder -------------------------------------------------------------------------------------------


def build_tables(doc: Document) -> list[Table]:
    """Every table of `doc` in reading order (two rows and two columns at least), continued parts merged,
    ids "t<ordinal of first part>"."""
    out: list[Table] = []
    prev: tuple[_Part, Table, int] | None = None  # last part, its table, index after its notes
    base: dict[str, str | None] = {}  # table id -> its caption without a part's sub-title
    for p in _parts(doc):
        if p.nested():
            out.append(_nested_table(doc, p))  # a table inside a cell: never a part of its neighbours
            continue
        rows = p.rows()
        n_head = _header_count(p, rows)
        cap = _caption(doc, p.first)
        notes, note_ids, after = _notes(doc, p.last)
        if prev is not None and _continues(doc, prev, p, rows, n_head, cap):
            _append(prev[1], p, rows[n_head if _same_header(prev[0], p, n_head) else 0 :])
            prev[1].notes += notes
            prev[1].block_ids += note_ids
            prev = (p, prev[1], after)
            continue
        table = Table(id=f"t{p.ordinal}", doc_id=doc.id, number=cap.number,
                      caption=" ".join(cap.title) or None, unit=cap.unit, notes=notes,
                      block_ids=cap.block_ids + note_ids)
        if prev is not None and cap.number is None and cap.unit is None and prev[2] >= cap.first - 0:
            # "(2) Extrabudgetary": a part of the table above under its own sub-title
            above = prev[1]
            table.number, table.unit = above.number, above.unit
            base[table.id] = base.get(above.id, above.caption)
            table.caption = " — ".join(x for x in (base[table.id], table.caption) if x) or None
        table.header_rows = n_head
        _append(table, p, rows)
        out.append(table)
        prev = (p, table, after)
    out = [t for t in out if t.n_rows >= 2 and t.n_cols >= 2]  # a framed box or a one-line strip: no table
    for t in out:
        _strip_marks(t)
        _spans_from_boxes(t)
        _paths(t)
    return out


def _strip_marks(t: Table) -> None:
    """A footnote letter glued to a head or stub label ("2024 expenditurea") whose note the table prints
    ("a Excludes ...") goes to the cell's `note`, so the label reads as in a table without the note."""
    marks = {m.group(1) for n in t.notes if (m := re.match(r"^([a-z]{1,2})\s", n))}
    for c in t.cells:
        if c.value is not None or not marks:
            continue
        m = re.match(r"^(.*[a-z)])([a-z]{1,2})$", c.text)
        if m and m.group(2) in marks and len(m.group(1)) > 2:
            c.text, c.note = m.group(1), m.group(2)


def _nested_table(doc: Document, p: _Part) -> Table:
    rows = p.rows()
    t = Table(id=f"t{p.ordinal}", doc_id=doc.id, header_rows=_header_count(p, rows))
    _append(t, p, rows)
    return t


def _same_header(a: _Part, b: _Part, n: int) -> bool:
    ra, rb = a.rows(), b.rows()
    return n > 0 and _header_key(a, ra, n) == _header_key(b, rb, n)


def _continues(doc: Document, prev: tuple[_Part, Table, int], p: _Part, rows: list[int], n_head: int,
               cap: _Caption) -> bool:
    """p continues the table above: nothing between them but a "(continued)" line or the caption repeated,
    and either the header repeated or (no header, no caption) the same columns on a later page. With the
    header repeated on the next page, a few short lines between (running heads a reader left) do not
    part them."""
    a, table, _ = prev
    between = [normalize_text(b.text) for b in doc.blocks[a.last + 1 : p.first]]
    repeated = {normalize_text(x) for x in [table.caption or "", table.unit or ""]}
    other = [t for t in between  # notes printed under the part on its page ("Note: ...") do not part them
             if t and not _res()["continued"].match(t) and t not in repeated and not _res()["label"].match(t)
             and not _res()["note"].match(t)]
    if cap.number and table.number and cap.number != table.number:
        return False
    pa = max((b.page or 0 for bs in a.cells.values() for b in bs), default=0)
    pb = min((b.page or 0 for bs in p.cells.values() for b in bs), default=0)
    same_header = _same_header(a, p, n_head) and n_head == table.header_rows
    if same_header and pb == pa + 1 and pa > 0 and len(other) <= 4 and all(len(t) <= 80 for t in other):
        return True
    if other:
        return False
    if same_header:
        return True
    return n_head == 0 and cap.number is None and p.ncols() == a.ncols() and pb > pa > 0


def _append(t: Table, p: _Part, rows: list[int]) -> None:
    """Cells of `rows` of part p appended to t as a compact grid (empty printed rows dropped)."""
    base = t.n_rows
    index = {r: base + k for k, r in enumerate(rows)}
    for (r, c), bs in sorted(p.cells.items()):
        if r not in index:
            continue
        text = _text(bs)
        value, note = cell_value(text)
        row_span = bs[0].row_span or 1
        last_row = index[r] if row_span == 1 else max(
            (index[x] for x in rows if r <= x < r + row_span), default=index[r])
        boxes = [b.bbox for b in bs if b.bbox]
        bbox = (min(x[0] for x in boxes), min(x[1] for x in boxes), max(x[2] for x in boxes),
                max(x[3] for x in boxes)) if boxes else None
        t.cells.append(TableCell(
            row=index[r], col=c, text=text, row_span=last_row - index[r] + 1, col_span=bs[0].col_span or 1,
            header=index[r] < t.header_rows, stub=c == 0, value=value, note=note, page=bs[0].page, bbox=bbox,
            indent=bs[0].indent, block_ids=[b.id for b in bs],
        ))
    t.n_rows = base + len(rows)
    t.n_cols = max(t.n_cols, p.ncols())
    t.parts.append(p.ordinal)
    t.pages = sorted({*t.pages, *(b.page for bs in p.cells.values() for b in bs if b.page)})


# --- paths -------------------------------------------------------------------------------------------------


def _outline(label: str) -> str | None:
    """Kind of an outline label opening a stub label: "A." -> "upper", "1." -> "digit", "(a)" -> "lower"."""
    m = re.match(r"^\(?([A-Z]|\d{1,2}|[a-z]|[ivx]{1,4})[.)]\s", label)
    if not m:
        return None
    g = m.group(1)
    return "digit" if g.isdigit() else "upper" if g.isupper() else "roman" if re.fullmatch("[ivx]+", g) \
        and len(g) > 1 else "lower"


@dataclass
class _Group:
    label: str
    kind: str | None
    indent: float | None
    band: bool
    child: float | None = None  # indent of its first row: rows as deep as it stay in the group
    empty: bool = True


def _paths(t: Table) -> None:
    """Fill col_path of every body cell (header texts over it) and row_path / level of every body row."""
    grid = {(c.row, c.col): c for c in t.cells}
    heads = [c for c in t.cells if c.header]
    centres = _column_centres(t)
    for c in t.cells:
        if c.header:
            continue
        path: list[str] = []
        for h in range(t.header_rows):
            cell = next((x for x in heads if x.row <= h < x.row + x.row_span and _covers(x, c.col, centres)),
                        None)
            if cell is not None and cell.text and cell.col > 0 and (not path or path[-1] != cell.text):
                path.append(cell.text)
        c.col_path = path
    tol = rules().indent_tolerance
    stub = [c for c in t.cells if c.stub and not c.header]
    xs = [_indent(c, t) for c in stub]
    base = min((x for x in xs if x is not None), default=0.0)
    stack: list[_Group] = []
    by_row: dict[int, list[TableCell]] = {}
    for v in t.cells:
        if not v.stub:
            by_row.setdefault(v.row, []).append(v)
    for c, x in zip(stub, xs, strict=True):
        x = None if x is None else x - base
        kind = _outline(c.text)
        values = any(v.value is not None for v in by_row.get(c.row, []))
        others = any(v.text for v in by_row.get(c.row, []))
        rk = row_kind(c.text)
        if rk == "row":
            while stack and not (stack[-1].empty and not (kind and kind == stack[-1].kind)) \
                    and _closes(stack[-1], kind, x, values, tol):
                stack.pop()
            if stack and stack[-1].empty:
                stack[-1].empty, stack[-1].child = False, x
        path = [g.label for g in stack] + [c.text]
        c.row_path, c.level = path, len(path) - 1
        if rk == "subtotal" and stack:
            stack.pop()
        elif rk == "total":
            stack.clear()
        elif not values and not others:
            stack.append(_Group(c.text, kind, x, c.col_span > 1 or t.n_cols <= 1))
    for c in t.cells:
        if not c.header and not c.stub:
            label = grid.get((c.row, 0))
            c.row_path = list(label.row_path) if label else []


def _closes(g: _Group, kind: str | None, x: float | None, values: bool, tol: float) -> bool:
    """A stub row ends the open group g: it is a sibling by outline label ("D." after group "C."), or, with
    no distinguishing labels, it is no deeper than g (a band across the table ends only at another band)."""
    if kind and g.kind:
        return kind == g.kind
    if g.band:
        return not values and kind is None and x is not None and g.indent is not None and x <= g.indent + tol
    if kind and not g.kind:
        return False
    if x is None or g.indent is None or x > g.indent + tol:
        return False
    return g.child is None or x < g.child - tol


def _indent(c: TableCell, t: Table) -> float | None:
    """Points from the cell's left (DOCX indent), else from the page's left (PDF box x0)."""
    if c.indent is not None:
        return c.indent
    return None if c.bbox is None else c.bbox[0]


def _column_centres(t: Table) -> dict[int, float]:
    xs: dict[int, list[float]] = {}
    for c in t.cells:
        if not c.header and c.bbox and c.col_span == 1:
            xs.setdefault(c.col, []).append((c.bbox[0] + c.bbox[2]) / 2)
    return {k: sum(v) / len(v) for k, v in xs.items()}


def _spans_from_boxes(t: Table) -> None:
    """Readers that give boxes but no spans (PDF): a head in an upper header row whose box reaches over
    several columns spans the widest run of them, unclaimed by another head of its row, whose joint extent
    has the same centre. A word box over one column ("Changes") cannot say by its centre alone whether it
    stands over four columns or eight: it spans the widest centred run whose heads below are of one kind
    (all dated "2024 expenditure", "2026 estimate", or none dated), since a spanning head groups columns of
    one kind; a reader that gives the span or the full box makes this guess unnecessary."""
    if any(c.col_span > 1 for c in t.cells) or t.header_rows < 2:
        return
    extent: dict[int, tuple[float, float]] = {}
    for c in t.cells:
        if c.bbox and not (c.header and c.row < t.header_rows - 1):
            x0, x1 = extent.get(c.col, (c.bbox[0], c.bbox[2]))
            extent[c.col] = (min(x0, c.bbox[0]), max(x1, c.bbox[2]))
    for h in [c for c in t.cells if c.header and c.row < t.header_rows - 1 and c.bbox and c.col > 0]:
        taken = {c.col for c in t.cells if c.row == h.row and c is not h}
        assert h.bbox is not None
        left, right = h.bbox[0], h.bbox[2]
        centre = (left + right) / 2
        best = (h.col, h.col)
        for a in range(1, h.col + 1):
            for b in range(h.col, t.n_cols):
                if any(k in taken or k not in extent or extent[k][1] < left or extent[k][0] > right
                       for k in range(a, b + 1)):
                    continue
                width = extent[b][1] - extent[a][0]
                centred = abs((extent[a][0] + extent[b][1]) / 2 - centre) <= max(8.0, 0.1 * width)
                if centred and b - a > best[1] - best[0]:
                    best = (a, b)
        if best[0] == best[1]:
            best = _one_kind_run(t, h, extent, taken, centre) or best
        h.col, h.col_span = best[0], best[1] - best[0] + 1


def _one_kind_run(t: Table, h: TableCell, extent: dict[int, tuple[float, float]], taken: set[int],
                  centre: float) -> tuple[int, int] | None:
    below: dict[int, str] = {}
    for c in t.cells:
        if c.header and h.row < c.row < t.header_rows:
            below[c.col] = f"{below.get(c.col, '')} {c.text}".strip()
    best = None
    for a in range(1, h.col + 1):
        for b in range(max(h.col, a + 1), t.n_cols):
            cols = range(a, b + 1)
            if any(k in taken or k not in extent or not below.get(k) for k in cols):
                continue
            if len({bool(re.search(r"(?<!\d)(?:19|20)\d{2}(?!\d)", below[k])) for k in cols}) > 1:
                continue
            width = extent[b][1] - extent[a][0]
            if abs((extent[a][0] + extent[b][1]) / 2 - centre) <= max(6.0, 0.05 * width) and (
                    best is None or b - a > best[1] - best[0]):
                best = (a, b)
    return best


def _covers(h: TableCell, col: int, centres: dict[int, float]) -> bool:
    """A header cell stands over column `col`: by its grid span, or (a reader that gives no spans) by its
    box spanning the column's centre."""
    if h.col <= col < h.col + h.col_span:
        return True
    if h.col_span == 1 and h.bbox and col in centres and h.col != col:
        return h.bbox[0] - 2 <= centres[col] <= h.bbox[2] + 2 and abs(h.bbox[2] - h.bbox[0]) > 60
    return False


def grid_rows(t: Table) -> list[list[str]]:
    """The table as printed, row by row: a spanned cell's text in its first grid cell, the rest blank."""
    rows = [["" for _ in range(t.n_cols)] for _ in range(t.n_rows)]
    for c in t.cells:
        if c.row < t.n_rows and c.col < t.n_cols:
            rows[c.row][c.col] = c.text
    title = " ".join(x for x in (f"Table {t.number}" if t.number else None, t.caption) if x)
    pre = [[x] + [""] * (t.n_cols - 1) for x in (title, t.unit) if x]
    post = [[x] + [""] * (t.n_cols - 1) for x in t.notes]
    return pre + rows + post


def table_json(t: Table) -> str:
    return json.dumps(t.model_dump(mode="json"), ensure_ascii=False)
