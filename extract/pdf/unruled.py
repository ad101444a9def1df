"""Unruled tables, found by column alignment: a run of lines that each split into two or more cells at gaps
far wider than a word space, whose cells line up in columns separated by gutters no cell crosses.
Justified prose never qualifies: its widened word spaces stay well under a cell gap, so its lines are
single segments. Rows start at a vertical gap, or when the first column opens a new label or a number lands
in a column the row already filled; other lines continue the cells they sit in (wrapped cell text)."""

from __future__ import annotations

import re

from extract.pdf.lines import make_line
from extract.pdf.model import Line, Page, Table, Word
from extract.pdf.paragraphs import bullets
from extract.pdf.settings import LayoutSettings, layout_data

_AMOUNT_END = re.compile(r"(\d\.\d+\)?|\)|^[–‒-])$")
_AMOUNT_START = re.compile(r"^[(\d–‒-]")
_ENUMERATOR = re.compile(layout_data()["enumerator_pattern"])
_NUMBER = re.compile(r"^[-–‒(]?[\d.,\s%]+\)?$|^[–‒-]$")


def _segments(line: Line, s: LayoutSettings) -> list[list[Word]]:
    """A line's cells: words parted by a gap over a cell gap, or amounts side by side ("438.3   265.6",
    right-aligned in neighbouring columns, stand closer than text cells)."""
    out: list[list[Word]] = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:], strict=False):
        gap = b.x0 - a.x1
        if gap > s.table_cell_gap_em * line.size or (
            gap > s.table_number_gap_em * line.size
            and _AMOUNT_END.search(a.text)
            and _AMOUNT_START.match(b.text)
        ):
            out.append([])
        out[-1].append(b)
    if len(out) > 1 and len(out[0]) == 1 and _is_marker(out[0][0].text):
        out[1:2] = [out[0] + out[1]]  # "1.<tab>text", "•<tab>text": a list item, not two cells
        del out[0]
    return out


def _is_marker(text: str) -> bool:
    return text in bullets() or bool(_ENUMERATOR.match(text))


def _gutters(rows: list[list[list[Word]]], width: float) -> list[float]:
    """x positions between cell columns. Two readings, merged: where (almost) no cell of the multi-cell
    lines crosses (an eighth may: a header spanning two columns), and where no word at all sits over a
    strip wider than a word space (prose cells set close together run into one segment on some lines)."""
    sizes = sorted(w.size for row in rows for seg in row for w in seg)
    strip = 0.8 * sizes[len(sizes) // 2] if sizes else 8.0
    words = [(w.x0, w.x1) for row in rows for seg in row for w in seg]
    cuts = _empty_runs(words, width, 0, strip)  # precise: strips no word touches
    spans = [(seg[0].x0, seg[-1].x1) for row in rows for seg in row]
    for d in _empty_runs(spans, width, max(1, len(rows) // 8), 1.0):
        near = any(
            abs(c - d) <= 2 * strip or not any(min(c, d) < x1 and x0 < max(c, d) for x0, x1 in words)
            for c in cuts
        )  # within reach of a cut, or no word between them: the same gutter
        if not near:
            cuts.append(d)  # a gutter some spanning header word crosses
    return sorted(cuts)


def _empty_runs(
    spans: list[tuple[float, float]], width: float, allowed: int, min_width: float
) -> list[float]:
    """Middles of the x runs at least `min_width` wide that at most `allowed` spans cover, between the
    first and the last covered x."""
    n = int(width) + 2
    diff = [0] * (n + 1)
    for x0, x1 in spans:
        a, b = max(0, int(x0)), min(n - 1, int(x1) + 1)
        diff[a] += 1
        diff[b] -= 1
    cuts: list[float] = []
    cover, start, seen = 0, None, False
    for x in range(n):
        cover += diff[x]
        if cover <= allowed:
            start = x if start is None else start
        else:
            if start is not None and seen and x - start >= min_width:
                cuts.append((start + x) / 2)
            start, seen = None, True
    return cuts


def _column(x0: float, x1: float, cuts: list[float]) -> int | None:
    """The column a segment sits in; None when it straddles a gutter (a spanning title or note)."""
    lo = sum(1 for c in cuts if c < x0)
    hi = sum(1 for c in cuts if c < x1)
    return lo if lo == hi else None


def find_unruled(page: Page, s: LayoutSettings) -> list[Table]:
    """Take unruled tables off the page's body lines and return them (cells as lines, row/col indices)."""
    lines = page.lines
    segs = [_segments(ln, s) if ln.words else [] for ln in lines]
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if len(segs[i]) < 2:
            i += 1
            continue
        j = i  # extend over multi-cell lines, allowing two single-cell lines (wrapped labels, group rows)
        last_multi = i
        while j + 1 < len(lines):
            nxt = lines[j + 1]
            if nxt.top - lines[j].bottom > 3 * nxt.size or abs(nxt.size - lines[i].size) > 1.5:
                break
            if len(segs[j + 1]) < 2 and j + 1 - last_multi > 2:
                break
            j += 1
            if len(segs[j]) >= 2:
                last_multi = j
        if (
            spans
            and i - spans[-1][1] <= 4
            and _same_columns(lines, segs, spans[-1], (i, last_multi), page, s)
        ):
            spans[-1] = (spans[-1][0], last_multi)  # one table cut by a group row or a wrapped label
        else:
            spans.append((i, last_multi))
        i = last_multi + 1
    tables: list[Table] = []
    used: set[int] = set()
    for a, b in spans:
        block = list(range(a, b + 1))
        multi = [segs[k] for k in block if len(segs[k]) >= 2]
        if len(multi) < s.table_min_rows:
            continue
        table = _table(page, [lines[k] for k in block], [segs[k] for k in block], multi, s)
        if table is None:
            continue
        head = _header_lines([lines[k] for k in range(max(0, a - 2), a) if k not in used], lines[a], table, s)
        if head:
            table = (
                _table(
                    page,
                    head + [lines[k] for k in block],
                    [_segments(h, s) for h in head] + [segs[k] for k in block],
                    multi,
                    s,
                )
                or table
            )
            used.update(id(h) for h in head)
        used.update(block)
        tables.append(table)
    page.lines = [ln for k, ln in enumerate(lines) if k not in used and id(ln) not in used]
    return tables


def _same_columns(
    lines: list[Line], segs: list, one: tuple[int, int], two: tuple[int, int], page: Page, s: LayoutSettings
) -> bool:
    rows = [segs[k] for k in range(one[0], two[1] + 1) if len(segs[k]) >= 2]
    if not rows:
        return False
    cuts = _gutters(rows, page.width)
    first = _gutters([segs[k] for k in range(one[0], one[1] + 1) if len(segs[k]) >= 2], page.width)
    return len(cuts) >= 1 and len(cuts) >= len(first) - 1


def _split_at_cuts(seg: list[Word], cuts: list[float]) -> list[list[Word]]:
    """A segment that crosses a gutter is two cells set a little close ("Assembly requested | assistance")
    when the gutter falls between two of its words; a phrase the gutter cuts through mid-word (a header
    spanning two columns) stays whole."""
    parts: list[list[Word]] = [[seg[0]]]
    for a, b in zip(seg, seg[1:], strict=False):
        if any(a.x1 <= c <= b.x0 for c in cuts):
            parts.append([])
        parts[-1].append(b)
    return parts


def _header_lines(before: list[Line], first: Line, table: Table, s: LayoutSettings) -> list[Line]:
    """Up to two lines just above a table whose words all sit over its columns, not all in the first."""
    cuts = table.cuts
    out: list[Line] = []
    below = first
    for ln in reversed(before[-2:]):
        if not ln.words or below.top - ln.bottom > 1.5 * ln.size or ln.x1 > table.bbox[2] + 5:
            break
        cols = [_column(seg[0].x0, seg[-1].x1, cuts) for seg in _segments(ln, s)]
        if None in cols or max(cols) == 0:
            break
        out.insert(0, ln)
        below = ln
    return out


def _table(
    page: Page, lines: list[Line], segs: list[list[list[Word]]], multi: list, s: LayoutSettings
) -> Table | None:
    cuts = _gutters(multi, page.width)
    if len(cuts) + 1 < s.table_min_columns:
        return None
    leaders = sum(1 for row in multi if re.search(r"(\.\s?){3,}$", row[0][-1].text))
    if leaders >= 0.5 * len(multi):
        return None  # a table of contents: titles with dot leaders to page numbers, read as text
    placed = 0
    total = 0
    for row in multi:
        cols = [_column(seg[0].x0, seg[-1].x1, cuts) for seg in row]
        total += len(cols)
        placed += sum(1 for c in cols if c is not None)
    if placed < 0.8 * total:
        return None
    rows: list[dict[int, list[list[Word]]]] = []
    prev: Line | None = None
    for ln, row in zip(lines, segs, strict=False):
        cells: dict[int, list[Word]] = {}
        for seg in row:
            for part in _split_at_cuts(seg, cuts):
                c = _column(part[0].x0, part[-1].x1, cuts)
                cells.setdefault(_column(part[0].x0, part[0].x0, cuts) if c is None else c, []).extend(part)
        new = not rows or prev is None or ln.top - prev.bottom > 0.8 * ln.size
        if (
            not new
            and 0 in cells
            and cells[0][0].text[:1].isupper()
            or not new
            and 0 in cells
            and (cells[0][0].text[:1].isdigit() or cells[0][0].text[:1] in "(–-•")
        ):
            new = True
        if not new and any(
            c in rows[-1] and _NUMBER.match(" ".join(w.text for w in ws)) for c, ws in cells.items()
        ):
            new = True
        if new:
            rows.append({})
        for c, ws in cells.items():
            rows[-1].setdefault(c, []).append(ws)
        prev = ln
    table = Table(
        page.number,
        (min(ln.x0 for ln in lines), lines[0].top, max(ln.x1 for ln in lines), lines[-1].bottom),
        [],
        ruled=False,
    )
    table.cuts = cuts
    for r, row in enumerate(rows):
        for c, parts in row.items():
            table.lines[(r, c)] = [make_line(ws, page.number, (0, r, c), s) for ws in parts]
    return table
