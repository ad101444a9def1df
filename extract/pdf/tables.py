"""Tables: ruled ones from the page's ruling edges (pdfplumber's TableFinder, asked only on pages that
draw rules), then their words assigned to cells; unruled ones from column alignment (`unruled.py`)."""

from __future__ import annotations

from extract.pdf.lines import lines as make_lines
from extract.pdf.model import Page, Table, Word
from extract.pdf.settings import LayoutSettings


class _EdgePage:
    """Just enough of a pdfplumber page for its TableFinder: the ruling edges."""

    def __init__(self, shapes: list[dict], width: float, height: float):
        from pdfplumber.utils import obj_to_edges

        self.bbox = (0, 0, width, height)
        self.edges = [e for s in shapes for e in obj_to_edges(s)]


def ruled_cells(shapes: list[dict], width: float, height: float) -> list[tuple]:
    rect = [x for x in shapes if x["object_type"] == "rect"]
    horizontal = sum(1 for x in shapes if x["width"] >= 3 and (x["height"] < 1 or x in rect))
    vertical = sum(1 for x in shapes if x["height"] >= 3 and (x["width"] < 1 or x in rect))
    if horizontal < 2 or vertical < 2:  # no cell can be closed: skip pdfplumber
        return []
    from pdfplumber.table import TableFinder

    # TableFinder reads only .bbox and .edges of its page; its annotation asks for a whole pdfplumber Page.
    return TableFinder(_EdgePage(shapes, width, height), {}).cells  # type: ignore[arg-type]


def _group(cells: list[tuple]) -> list[list[tuple]]:
    """Cells that share a corner form one table (like pdfplumber's, but a one-cell framed box counts)."""
    groups: list[tuple[set, list]] = []
    for c in sorted(cells, key=lambda c: (c[1], c[0])):
        corners = {(round(x, 1), round(y, 1)) for x in (c[0], c[2]) for y in (c[1], c[3])}
        hits = [g for g in groups if g[0] & corners]
        merged = (corners.union(*[g[0] for g in hits]), [c] + [x for g in hits for x in g[1]])
        groups = [g for g in groups if not any(g is h for h in hits)] + [merged]
    return [g[1] for g in groups]


def _inside(x: float, y: float, b: tuple[float, float, float, float]) -> bool:
    return b[0] <= x <= b[2] and b[1] <= y <= b[3]


def layout_page(
    num: int, width: float, height: float, words: list[Word], rules: list, cells: list, s: LayoutSettings
) -> Page:
    """Words inside a ruled table's cells become that cell's lines; the others are the page's body lines."""
    tables: list[Table] = []
    for group in _group([tuple(map(float, c)) for c in cells]):
        tops = sorted({round(c[1]) for c in group})
        lefts = sorted({round(c[0]) for c in group})
        bbox = (
            min(c[0] for c in group),
            min(c[1] for c in group),
            max(c[2] for c in group),
            max(c[3] for c in group),
        )
        cells_rc = [(tops.index(round(c[1])), lefts.index(round(c[0])), c) for c in group]
        tables.append(Table(num, bbox, sorted(cells_rc, key=lambda t: (t[0], t[1]))))
    tables.sort(key=lambda t: t.bbox[1])
    body: list[Word] = []
    in_cell: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        for ti, t in enumerate(tables):
            if not _inside(cx, cy, t.bbox):
                continue
            hit = next((rc for rc in t.cells if _inside(cx, cy, rc[2])), None)
            if hit:
                in_cell.setdefault((ti, hit[0], hit[1]), []).append(w)
                break
        else:
            body.append(w)
    for (ti, r, c), ws in in_cell.items():
        tables[ti].lines[(r, c)] = make_lines(ws, num, (ti, r, c), s)
    return Page(num, width, height, make_lines(body, num, None, s), tables, rules)
