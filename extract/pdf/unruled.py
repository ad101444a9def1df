"""Unruled tables, found by column alignment: a run of lines that each split into two or more cells at gaps
far wider than a word space, whose cells line up in columns separated by gutters no cell crosses.
Justified prose never qualifies: its widened word spaces stay well under a cell gap, so its lines are
single segments. Rows start at a vertical gap, or when the first column opens a new label or a number lands
in a column the row already filled; other lines continue the cells they sit in (wrapped cell text). The
header band (the lines before the first row with a figure) is read apart: lines set at a single line
spacing are one header row whose heads are placed on the columns of their figures (`_header_rows`)."""

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
    cell_gap, number_gap = s.table_cell_gap_em * line.size, s.table_number_gap_em * line.size
    cur = out[0]
    a = line.words[0]
    for b in line.words[1:]:
        gap = b.x0 - a.x1
        if gap > cell_gap or (
            gap > number_gap and _AMOUNT_END.search(a.text) and _AMOUNT_START.match(b.text)
        ):
            cur = []
            out.append(cur)
        cur.append(b)
        a = b
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
    first and the last covered x. Positions are whole points; the cover is only looked at where it
    changes (a sweep over the span ends, not over every point of the page width)."""
    n = int(width) + 2
    diff: dict[int, int] = {0: 0}
    for x0, x1 in spans:
        a, b = max(0, int(x0)), min(n - 1, int(x1) + 1)
        if b <= a:
            continue  # off the page (a word left or right of it): covers no point of it
        diff[a] = diff.get(a, 0) + 1
        diff[b] = diff.get(b, 0) - 1
    cuts: list[float] = []
    cover, start, seen = 0, None, False
    for x in sorted(diff):
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


def _column_at(x: float, cuts: list[float]) -> int:
    """The column a point sits in (a point never straddles a gutter)."""
    return sum(1 for c in cuts if c < x)


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
            if len(segs[j + 1]) < 2 and (
                j + 1 - last_multi > 2 or _title(nxt, lines[last_multi], segs[last_multi], s)
            ):
                break
            j += 1
            if len(segs[j]) >= 2:
                last_multi = j
        if (
            spans
            and (i - spans[-1][1] <= 4 or _stub_lines(lines, segs, spans[-1], i))
            and all(abs(lines[k].size - lines[i].size) <= 1.5 for k in range(spans[-1][1] + 1, i))
            and not any(
                _title(lines[k], lines[spans[-1][1]], segs[spans[-1][1]], s)
                for k in range(spans[-1][1] + 1, i)
            )
            and _same_columns(lines, segs, spans[-1], (i, last_multi), page, s)
        ):
            # one table cut by a group row or a wrapped label (a title in text size between parts a new one)
            spans[-1] = (spans[-1][0], last_multi)
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
        head = _header_lines([lines[k] for k in range(max(0, a - 3), a) if k not in used], lines[a], table, s)
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


def _title(ln: Line, row: Line, row_segs: list[list[Word]], s: LayoutSettings) -> bool:
    """A one-cell line set larger than the row of figures above it: a part title in text size ("(2)
    Extrabudgetary") between two parts of a table, never a wrapped label or a group row of the table."""
    amounts = any(_NUMBER.match(" ".join(w.text for w in seg)) for seg in row_segs[1:])
    return amounts and ln.size > row.size + s.style_size_tolerance


def _stub_lines(lines: list[Line], segs: list, span: tuple[int, int], i: int) -> bool:
    """The lines between a table part and line i are a long row label wrapped over several lines ("1.
    Multilateral negotiations" / "and deliberations on" / ...): each one cell, set at the table's line
    spacing, ending left of where the part's second column starts."""
    between = range(span[1] + 1, i)
    if len(between) > 8:
        return False
    second = min((segs[k][1][0].x0 for k in range(span[0], span[1] + 1) if len(segs[k]) >= 2), default=0.0)
    return (
        all(
            len(segs[k]) == 1 and lines[k].x1 < second and lines[k].top - lines[k - 1].bottom < lines[k].size
            for k in between
        )
        and lines[i].top - lines[i - 1].bottom < lines[i].size
    )


def _same_columns(
    lines: list[Line], segs: list, one: tuple[int, int], two: tuple[int, int], page: Page, s: LayoutSettings
) -> bool:
    rows = [segs[k] for k in range(one[0], two[1] + 1) if len(segs[k]) >= 2]
    if not rows:
        return False
    cuts = _gutters(rows, page.width)
    first = _gutters([segs[k] for k in range(one[0], one[1] + 1) if len(segs[k]) >= 2], page.width)
    return len(cuts) >= 1 and len(cuts) >= len(first) - 1


def _split_at_cuts(seg: list[Word], cuts: list[float], min_gap: float = 0.0) -> list[list[Word]]:
    """A segment that crosses a gutter is two cells set a little close ("Assembly requested | assistance")
    when the gutter falls between two of its words further apart than a word space; a phrase the gutter
    cuts through mid-word or at a plain word space (a header spanning two columns, a group label running
    over the first columns: "Financial resources by main | category ...") stays whole."""
    parts: list[list[Word]] = [[seg[0]]]
    for a, b in zip(seg, seg[1:], strict=False):
        if b.x0 - a.x1 > min_gap and any(a.x1 <= c <= b.x0 for c in cuts):
            parts.append([])
        parts[-1].append(b)
    return parts


def _cells(row: list[list[Word]], cuts: list[float], s: LayoutSettings) -> dict[int, list[Word]]:
    """A line's segments placed in columns (a segment a gutter crosses between two words is split)."""
    cells: dict[int, list[Word]] = {}
    for seg in row:
        for part in _split_at_cuts(seg, cuts, s.table_close_gap_em * seg[0].size):
            c = _column(part[0].x0, part[-1].x1, cuts)
            cells.setdefault(_column_at(part[0].x0, cuts) if c is None else c, []).extend(part)
    return cells


_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def _header_band(placed: list[dict[int, list[Word]]], segs: list[list[list[Word]]], cuts: list[float]) -> int:
    """Leading lines before the first line with an amount or a dash in a column right of the stub (a year
    alone is a head: "2024" over "expenditure"), up to the last of them with a cell right of the stub (a
    label alone under the heads is the body's first group row); 0 when no line holds one (a table of text)."""
    for k, cells in enumerate(placed):
        for c, ws in cells.items():
            text = " ".join(w.text for w in ws)
            if c >= 1 and _NUMBER.match(text) and not _YEAR.match(text.strip()):
                stub = cuts[0] if cuts else 0.0
                return max((j + 1 for j in range(k) if any(sg[0].x0 > stub for sg in segs[j])), default=0)
    return 0


def _extents(
    placed: list[dict[int, list[Word]]], cuts: list[float], width: float
) -> dict[int, tuple[float, float, bool]]:
    """(x0, x1, printed) of each column: the extent of its body cells (a label running over gutters, a
    group row, left out); a column with none printed (no figure, not even a dash) spans its gutters."""
    out: dict[int, tuple[float, float, bool]] = {}
    for cells in placed:
        for c, ws in cells.items():
            if any(ws[0].x0 < cut < ws[-1].x1 for cut in cuts):
                continue
            x0, x1, _ = out.get(c, (ws[0].x0, ws[-1].x1, True))
            out[c] = (min(x0, ws[0].x0), max(x1, ws[-1].x1), True)
    for c in range(len(cuts) + 1):
        if c not in out:
            out[c] = (cuts[c - 1] if c else 0.0, cuts[c] if c < len(cuts) else width, False)
    return out


def _header_rows(
    lines: list[Line], extents: dict[int, tuple[float, float, bool]], s: LayoutSettings
) -> list[dict[int, list[list[Word]]]]:
    """The header band as header rows. Heads are often printed over two or three lines ("2024" over
    "expenditure") set at a single line spacing: those lines are one header row, each head one cell with a
    line per printed line; a wider gap opens the next header row (a spanning head above its sub-heads).
    Heads are set closer than body cells ("Technical New/expanded"), so a line is cut into phrases at any
    gap wider than a word space, and each phrase goes to the body column it overlaps most (the nearest
    when it overlaps none): heads are aligned on their column's figures, not on gutters between them."""
    rows: list[dict[int, list[list[Word]]]] = []
    prev: Line | None = None
    for ln in lines:
        if prev is None or ln.top - prev.bottom > 0.8 * ln.size:
            rows.append({})
        seen: set[int] = set()
        for phrase in _phrases(ln, s):
            c = _best_column(phrase[0].x0, phrase[-1].x1, extents)
            parts = rows[-1].setdefault(c, [])
            if c in seen:
                parts[-1].extend(phrase)  # two phrases of one printed line in one column: one line
            else:
                parts.append(list(phrase))
                seen.add(c)
        prev = ln
    return rows


def _phrases(ln: Line, s: LayoutSettings) -> list[list[Word]]:
    out: list[list[Word]] = [[ln.words[0]]]
    for a, b in zip(ln.words, ln.words[1:], strict=False):
        if b.x0 - a.x1 > s.table_close_gap_em * ln.size:
            out.append([])
        out[-1].append(b)
    return out


def _best_column(x0: float, x1: float, extents: dict[int, tuple[float, float, bool]]) -> int:
    """The column whose printed cells the phrase overlaps most; else one with none printed whose gutters
    hold it; else the nearest. A head is never drawn off its figures into an empty strip a gutter cut
    through it ("2026 proposed" over figures set right of "2026")."""

    def score(c: int) -> tuple[float, float, float]:
        a, b, printed = extents[c]
        overlap = min(x1, b) - max(x0, a)
        if overlap > 0:
            return (1.0 if printed else 0.0, overlap, 0.0)
        return (-1.0, 0.0, overlap)  # the nearest (least negative)

    return max(extents, key=score) if extents else 0


def _header_lines(before: list[Line], first: Line, table: Table, s: LayoutSettings) -> list[Line]:
    """Up to three lines just above a table whose words all sit over its columns, not all in the first;
    a head right of the stub may cross gutters ("Changes" centred over the five columns it groups)."""
    cuts = table.cuts
    out: list[Line] = []
    below = first
    for ln in reversed(before[-3:]):
        if not ln.words or below.top - ln.bottom > 1.5 * ln.size or ln.x1 > table.bbox[2] + 5:
            break
        cols = [_column(seg[0].x0, seg[-1].x1, cuts) for seg in _segments(ln, s)]
        known = [c for c in cols if c is not None]
        spanning = bool(cuts) and ln.x0 > cuts[0]
        if not spanning and (len(known) < len(cols) or max(known) == 0):
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
    placed_rows = [_cells(row, cuts, s) for row in segs]
    n_head = _header_band(placed_rows, segs, cuts)
    rows: list[dict[int, list[list[Word]]]] = []
    prev: Line | None = None
    if n_head:
        rows = _header_rows(lines[:n_head], _extents(placed_rows[n_head:], cuts, page.width), s)
        prev = lines[n_head - 1]
    for k, (ln, cells) in enumerate(zip(lines[n_head:], placed_rows[n_head:], strict=False)):
        new = not rows or prev is None or ln.top - prev.bottom > 0.8 * ln.size or k == 0
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
