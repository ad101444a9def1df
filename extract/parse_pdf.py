"""PDF parser: words with positions in, body blocks in reading order out.

Word documents printed to PDF lose their paragraph structure: what is left is words at coordinates. We
rebuild paragraphs from geometry (vertical gaps, indentation, font changes, list markers, whether the next
word would have fitted on the line), drop page furniture (running headers, page numbers, the ITU first-page
header) into `header_text`, rejoin paragraphs split by page breaks, keep superscript footnote marks out of
the words they touch, and read ruled tables cell by cell.

Two phases: `_read_pages` is the only code that touches pdfplumber (so every library exception is turned
into a one-line DocumentError there); the rest is plain Python over small records.

Footnote text at a page bottom (smaller font below a separator) becomes `paragraph` blocks with
style="footnote" and label = the footnote mark, placed after the body block they interrupt; body blocks
carry the marks they cite in `footnotes`. Single-column layouts only: side-by-side columns are read as one.
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from extract.errors import DocumentError
from extract.text import normalize_text
from schemas.models import Block, Document, Limits

_DATA = json.loads(
    (Path(__file__).resolve().parents[1] / "schemas" / "data" / "pdf_layout.json").read_text("utf-8")
)
_PAGE_NUMBER = [re.compile(p, re.I) for p in _DATA["page_number_patterns"]]
_RUNNING_SYMBOL = [re.compile(p) for p in _DATA["running_symbol_patterns"]]
_FIRST_PAGE_HEADER = [re.compile(p, re.I) for p in _DATA["first_page_header_patterns"]]
_BULLETS: dict[str, str] = _DATA["bullet_labels"]
_ENUMERATOR = re.compile(_DATA["enumerator_pattern"])
_ORDINAL_SUP = set(_DATA["ordinal_superscripts"])
_KEEP_PREFIXES = set(_DATA["hyphen_keep_prefixes"])

_HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?$")
_CLOSERS = "\"'”’)]»"
_TERMINAL = ".!?:;"
_MARK = re.compile(r"^(\d{1,3}|[*†‡§]+|[a-z])$")


# ---------------------------------------------------------------------------------------------------------
# records
@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool


@dataclass
class Line:
    """One printed line: words left to right, superscript marks set apart."""

    words: list[Word]
    page: int
    cell: tuple[int, int, int] | None = None  # (table, row, col)
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    size: float = 0.0
    bold: bool = False
    italic: bool = False
    marks: list[str] = field(default_factory=list)
    tokens: list[tuple[str, bool]] = field(default_factory=list)  # (text, space before)
    lead_mark: str | None = None  # a superscript that opens the line (a footnote's own number)

    @property
    def text(self) -> str:
        return "".join((" " if sp and i else "") + t for i, (t, sp) in enumerate(self.tokens))


@dataclass
class Table:
    page: int
    bbox: tuple[float, float, float, float]
    cells: list[tuple[int, int, tuple[float, float, float, float]]]  # (row, col, bbox)
    lines: dict[tuple[int, int], list[Line]] = field(default_factory=dict)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[Table]
    rules: list[tuple[float, float, float]]  # horizontal rules: x0, y, x1


@dataclass
class Para:
    lines: list[Line]
    page: int
    cell: tuple[int, int, int] | None = None
    label: str | None = None
    footnote: bool = False


# ---------------------------------------------------------------------------------------------------------
# phase 1: pdfplumber
def _pdf_error(exc: BaseException) -> DocumentError:
    chain: list[BaseException] = [exc, *[a for a in exc.args if isinstance(a, BaseException)]]
    if exc.__cause__ is not None:
        chain.append(exc.__cause__)
    names = " ".join(type(e).__name__ for e in chain)
    if "Password" in names or "Encryption" in names:
        return DocumentError("encrypted PDF: a password is required")
    inner = chain[-1] if len(chain) > 1 else exc
    detail = str(inner).strip().splitlines()[0][:80] if str(inner).strip() else type(inner).__name__
    return DocumentError(f"corrupt PDF: {detail}")


def _read_pages(data: bytes, limits: Limits) -> list[Page]:
    """All PDF library work: pdfminer interprets each page into our own light char records (no LTChar
    objects, no pdfplumber char dicts: those were 2/3 of the time), ruled lines and rectangles become
    pdfplumber table edges only on pages that have any. One page in memory at a time."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    started = time.monotonic()
    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)), password="")
        raw_pages = list(PDFPage.create_pages(doc))
    except Exception as exc:  # pdfminer raises many types for damaged files
        raise _pdf_error(exc) from None
    n = len(raw_pages)
    if n == 0:
        raise DocumentError("PDF has no pages")
    if n > limits.max_pages:
        raise DocumentError(f"PDF has {n} pages, over the limit of {limits.max_pages}")
    rsrc = PDFResourceManager(caching=True)
    device = _Device(rsrc)
    interpreter = PDFPageInterpreter(rsrc, device)
    pages: list[Page] = []
    for i, raw in enumerate(raw_pages, start=1):
        if time.monotonic() - started > limits.max_seconds:
            raise DocumentError(f"PDF parsing took over {limits.max_seconds:g} s (at page {i} of {n})")
        try:
            interpreter.process_page(raw)
            chars, shapes, (width, height) = device.chars, device.shapes, device.size
            cells = _table_cells(shapes, width, height) if shapes else []
        except Exception as exc:
            raise _pdf_error(exc) from None
        rules = [(s["x0"], s["top"], s["x1"]) for s in shapes if s["height"] <= 2 and s["width"] > 20]
        pages.append(_layout_page(i, width, height, _words(chars), rules, cells))
    return pages


def _device_class() -> type:
    """Built on first use so importing this module does not import pdfminer."""
    from pdfminer.converter import PDFLayoutAnalyzer
    from pdfminer.layout import LTCurve, LTLine, LTRect
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.utils import apply_matrix_pt

    class Device(PDFLayoutAnalyzer):
        """Records (text, x0, top, x1, bottom, size, font) per upright glyph and the page's ruled shapes."""

        def begin_page(self, page, ctm) -> None:  # noqa: ANN001
            super().begin_page(page, ctm)
            self.size = (self.cur_item.width, self.cur_item.height)
            self.chars: list[tuple] = []
            self.shapes: list[dict] = []
            if not hasattr(self, "glyphs"):
                self.glyphs: dict[tuple[int, int], tuple] = {}

        def end_page(self, page) -> None:  # noqa: ANN001
            height = self.size[1]
            width = self.size[0]
            for o in self.cur_item:
                if o.width > 0.9 * width and o.height > 0.9 * height:
                    continue  # a page background or frame, not a table
                if isinstance(o, (LTLine, LTRect)) or (isinstance(o, LTCurve) and len(o.pts) == 2):
                    kind = "rect" if isinstance(o, LTRect) else "line"
                    top, bottom = height - o.y1, height - o.y0
                    self.shapes.append(
                        dict(
                            object_type=kind,
                            x0=o.x0,
                            x1=o.x1,
                            y0=o.y0,
                            y1=o.y1,
                            top=top,
                            bottom=bottom,
                            doctop=top,
                            width=o.x1 - o.x0,
                            height=o.y1 - o.y0,
                        )
                    )

        def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate):  # noqa: ANN001
            key = (id(font), cid)  # fonts live as long as the resource manager: ids are stable
            glyph = self.glyphs.get(key)
            if glyph is None:
                try:
                    text = font.to_unichr(cid)
                except (PDFUnicodeNotDefined, KeyError):
                    text = f"(cid:{cid})"
                glyph = self.glyphs[key] = (text, font.char_width(cid), font.get_descent(), font.fontname)
            text, width, descent, fontname = glyph
            adv = width * fontsize * scaling
            a, b, c, d, e, f = matrix
            if a * d * scaling > 0 and b * c <= 0:  # upright text only: skip rotated margin notes
                lo, hi = (descent * fontsize + rise), (descent * fontsize + rise + fontsize)
                if b == 0 and c == 0:
                    x0, y0, x1, y1 = e, d * lo + f, a * adv + e, d * hi + f
                else:
                    x0, y0 = apply_matrix_pt(matrix, (0, lo))
                    x1, y1 = apply_matrix_pt(matrix, (adv, hi))
                if x1 < x0:
                    x0, x1 = x1, x0
                if y1 < y0:
                    y0, y1 = y1, y0
                height = self.size[1]
                self.chars.append((text, x0, height - y1, x1, height - y0, y1 - y0, fontname))
            return adv

    return Device


_DEVICE: type | None = None


def _Device(rsrc) -> object:  # noqa: ANN001, N802
    global _DEVICE
    if _DEVICE is None:
        _DEVICE = _device_class()
    return _DEVICE(rsrc)


class _EdgePage:
    """Just enough of a pdfplumber page for its TableFinder: the ruling edges."""

    def __init__(self, shapes: list[dict], width: float, height: float):
        from pdfplumber.utils import obj_to_edges

        self.bbox = (0, 0, width, height)
        self.edges = [e for s in shapes for e in obj_to_edges(s)]


def _table_cells(shapes: list[dict], width: float, height: float) -> list[tuple]:
    from pdfplumber.table import TableFinder

    return TableFinder(_EdgePage(shapes, width, height), {}).cells


_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"})


def _words(chars: list[tuple]) -> list[Word]:
    """Chars to words like pdfplumber's extract_words: rows by top (3 pt), then split at white space, gaps
    over 3 pt, and size or font changes (so a superscript never fuses with the word it touches)."""
    words: list[Word] = []
    rows: list[list[tuple]] = []
    last_top = None
    for ch in sorted(chars, key=lambda c: c[2]):
        if last_top is None or ch[2] - last_top > 3:
            rows.append([])
        rows[-1].append(ch)
        last_top = ch[2]
    for row in rows:
        cur: list[tuple] = []
        for ch in sorted(row, key=lambda c: c[1]):
            if ch[0].isspace() or not ch[0]:
                _flush(cur, words)
                cur = []
                continue
            if cur and (ch[1] - cur[-1][3] > 3 or ch[5] != cur[-1][5] or ch[6] != cur[-1][6]):
                _flush(cur, words)
                cur = []
            cur.append(ch)
        _flush(cur, words)
    return words


def _flush(chars: list[tuple], out: list[Word]) -> None:
    if not chars:
        return
    bold, italic = _font_style(str(chars[0][6] or ""))
    top, bottom = chars[0][2], chars[0][4]
    for c in chars:
        top, bottom = min(top, c[2]), max(bottom, c[4])
    out.append(
        Word(
            text="".join([c[0] for c in chars]).translate(_LIGATURES),
            x0=chars[0][1],
            x1=chars[-1][3],
            top=top,
            bottom=bottom,
            size=float(chars[0][5]),
            bold=bold,
            italic=italic,
        )
    )


@functools.lru_cache(maxsize=256)
def _font_style(font: str) -> tuple[bool, bool]:
    """(bold, italic) from the font name: "DejaVuSans-Bold", "Arial-BoldItalicMT", "TimesNewRoman,Italic"."""
    return (
        bool(re.search(r"bold|black|heavy|semibold|demi", font, re.I)),
        bool(re.search(r"italic|oblique", font, re.I)),
    )


# ---------------------------------------------------------------------------------------------------------
# phase 2a: words -> lines, tables
def _group_tables(cells: list[tuple]) -> list[list[tuple]]:
    """Cells that share a corner form one table (like pdfplumber's, but a one-cell framed box counts)."""
    groups: list[tuple[set, list]] = []
    for c in sorted(cells, key=lambda c: (c[1], c[0])):
        corners = {(round(x, 1), round(y, 1)) for x in (c[0], c[2]) for y in (c[1], c[3])}
        hits = [g for g in groups if g[0] & corners]
        merged = (corners.union(*[g[0] for g in hits]), [c] + [x for g in hits for x in g[1]])
        groups = [g for g in groups if not any(g is h for h in hits)] + [merged]
    return [g[1] for g in groups]


def _layout_page(num: int, width: float, height: float, words: list[Word], rules: list, cells: list) -> Page:
    tables: list[Table] = []
    for group in _group_tables([tuple(map(float, c)) for c in cells]):
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
            hit = next((rc for rc in t.cells if _inside(cx, cy, rc[2])), None)
            if hit:
                in_cell.setdefault((ti, hit[0], hit[1]), []).append(w)
                break
        else:
            body.append(w)
    for (ti, r, c), ws in in_cell.items():
        tables[ti].lines[(r, c)] = _lines(ws, num, (ti, r, c))
    return Page(num, width, height, _lines(body, num, None), tables, rules)


def _inside(x: float, y: float, b: tuple[float, float, float, float]) -> bool:
    return b[0] <= x <= b[2] and b[1] <= y <= b[3]


def _lines(words: list[Word], page: int, cell: tuple[int, int, int] | None) -> list[Line]:
    """Words whose vertical extents overlap by half the smaller height share a line."""
    groups: list[list[Word]] = []
    top = bottom = 0.0
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if groups:
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= 0.5 * min(bottom - top, w.bottom - w.top):
                groups[-1].append(w)
                top, bottom = min(top, w.top), max(bottom, w.bottom)
                continue
        groups.append([w])
        top, bottom = w.top, w.bottom
    return [_make_line(sorted(g, key=lambda w: w.x0), page, cell) for g in groups]


def _make_line(words: list[Word], page: int, cell: tuple[int, int, int] | None) -> Line:
    weight: Counter[float] = Counter()
    for w in words:
        weight[round(w.size, 1)] += len(w.text)
    size = weight.most_common(1)[0][0]
    main = [w for w in words if w.size >= 0.9 * size]
    baseline = statistics.median(w.bottom for w in main)
    line = Line(words=words, page=page, cell=cell, size=size)
    prev: Word | None = None
    for w in words:
        sup = w.size <= 0.8 * size and w.bottom <= baseline - 0.15 * size and len(w.text) <= 4
        space = prev is not None and w.x0 - prev.x1 > 0.12 * size
        if sup and prev is not None and prev.text[-1:].isdigit() and w.text.lower() in _ORDINAL_SUP:
            line.tokens.append((w.text, False))  # "5th" printed with a raised "th"
        elif sup and _MARK.match(w.text):
            if not line.tokens:
                line.lead_mark = w.text
            else:
                line.marks.append(w.text)
        else:
            line.tokens.append((w.text, space))
        prev = w
    kept = [w for w in main] or words
    line.x0, line.x1 = min(w.x0 for w in kept), max(w.x1 for w in kept)
    line.top, line.bottom = min(w.top for w in kept), max(w.bottom for w in kept)
    line.bold = all(w.bold for w in main)
    line.italic = all(w.italic for w in main)
    return line


# ---------------------------------------------------------------------------------------------------------
# phase 2b: page furniture
def _matches(text: str, patterns: list[re.Pattern]) -> bool:
    t = normalize_text(text)
    return any(p.search(t) for p in patterns)


def _furniture_key(line: Line) -> str:
    return re.sub(r"\d+", "#", normalize_text(line.text).lower())


def _strip_furniture(pages: list[Page]) -> list[str]:
    """Remove running headers/footers and page numbers; return the distinct header/footer texts."""

    def candidates(p: Page) -> list[tuple[int, Line]]:
        out = [(i, ln) for i, ln in enumerate(p.lines[:3]) if ln.top < 0.12 * p.height]
        out += [(i, ln) for i, ln in list(enumerate(p.lines))[-3:] if ln.bottom > 0.88 * p.height]
        return out

    seen: Counter[tuple[str, int]] = Counter()
    pages_with: Counter[str] = Counter()  # position-free: a header may sit lower on the first page
    for p in pages:
        for key in {(_furniture_key(ln), round(ln.top / 6)) for _, ln in candidates(p)}:
            seen[key] += 1
        pages_with.update({_furniture_key(ln) for _, ln in candidates(p)})
    need = max(2, round(0.25 * len(pages)))
    body_size = _body_size(pages)
    frames = [_frame(q, body_size) if q.lines else None for q in pages]
    kept: list[str] = []
    for n, p in enumerate(pages):
        drop: set[int] = set()
        for i, ln in candidates(p):
            text = normalize_text(ln.text)
            isolated = _isolated(p.lines, i)
            count = pages_with[_furniture_key(ln)]
            in_margin = (count >= 2 or 2 * count >= len(pages)) and _in_margin(pages, n, i, body_size, frames)
            if _matches(text, _PAGE_NUMBER) and isolated:
                drop.add(i)
            elif (
                _matches(text, _RUNNING_SYMBOL)
                or seen[(_furniture_key(ln), round(ln.top / 6))] >= need
                or in_margin
            ):
                drop.add(i)
                if text not in kept:
                    kept.append(text)
        p.lines = [ln for i, ln in enumerate(p.lines) if i not in drop]
    return kept


def _body_size(pages: list[Page]) -> float:
    weight: Counter[float] = Counter()
    for p in pages:
        for ln in p.lines:
            weight[ln.size] += len(ln.text)
    return weight.most_common(1)[0][0] if weight else 10.0


def _in_margin(
    pages: list[Page], n: int, i: int, body_size: float, frames: list[tuple[float, float] | None]
) -> bool:
    """A running header or footer that is not an ITU symbol ("Ukraine RDNA4 - February 2025", often absent
    from page 1): a plain line no larger than body text, set apart from the text below (above) it by more
    than a paragraph break, and outside the text frame of every other page (above their first line, below
    their last line, ignoring lines of theirs that look like furniture the same way)."""
    p, ln = pages[n], pages[n].lines[i]
    if ln.bold or ln.size > body_size + 0.5 or len(pages) < 2:
        return False
    top = i < len(p.lines) / 2
    nb = p.lines[i + 1] if top else p.lines[i - 1] if i > 0 else None
    if nb is None:
        return False
    gap = nb.top - ln.bottom if top else ln.top - nb.bottom
    if gap < 1.5 * body_size:
        return False
    others = [f for k, f in enumerate(frames) if k != n and f is not None]
    if not others:
        return False
    return all(ln.bottom < f[0] for f in others) if top else all(ln.top > f[1] for f in others)


def _frame(p: Page, body_size: float) -> tuple[float, float]:
    """(top, bottom) of a page's text, skipping a first/last line set apart like furniture."""
    lines = p.lines
    first, last = lines[0], lines[-1]
    plain = not first.bold and first.size <= body_size + 0.5
    if len(lines) > 1 and plain and lines[1].top - first.bottom >= 1.5 * body_size:
        first = lines[1]
    plain = not last.bold and last.size <= body_size + 0.5
    if len(lines) > 1 and plain and last.top - lines[-2].bottom >= 1.5 * body_size:
        last = lines[-2]
    return first.top, last.bottom


def _isolated(lines: list[Line], i: int) -> bool:
    ln = lines[i]
    gaps = []
    if i > 0:
        gaps.append(ln.top - lines[i - 1].bottom)
    if i + 1 < len(lines):
        gaps.append(lines[i + 1].top - ln.bottom)
    return all(g >= 0.8 * (ln.bottom - ln.top) for g in gaps)


def _segments(line: Line) -> list[str]:
    """Split a line at wide gaps: a first-page header prints two columns on one baseline."""
    parts: list[list[Word]] = [[line.words[0]]]
    for a, b in zip(line.words, line.words[1:], strict=False):
        if b.x0 - a.x1 > 2 * line.size:
            parts.append([])
        parts[-1].append(b)
    return [" ".join(w.text for w in part) for part in parts]


def _strip_first_page_header(page: Page) -> list[str]:
    """The ITU header (session, place and dates, agenda item, document symbol, date, original language) goes
    to header_text: from a ruled table at the top of page 1, or else from the leading lines that match."""
    out: list[str] = []
    for t in page.tables:
        if t.bbox[1] > 0.4 * page.height:
            continue
        texts = [ln.text for lines in t.lines.values() for ln in lines]
        if not any(_matches(s, _FIRST_PAGE_HEADER) for s in texts):
            continue
        promoted: list[Line] = []
        for r in sorted({r for r, _ in t.lines}):
            row = [ln for (rr, _), lines in sorted(t.lines.items()) if rr == r for ln in lines]
            if any(_matches(ln.text, _FIRST_PAGE_HEADER) for ln in row):
                out += [normalize_text(ln.text) for ln in row]
            else:  # a title row inside the header table ("Report by the Secretary-General"): body
                for ln in row:
                    ln.cell = None
                promoted += row
        page.tables.remove(t)
        page.lines = sorted(page.lines + promoted, key=lambda ln: ln.top)
        return out
    while page.lines and any(_matches(s, _FIRST_PAGE_HEADER) for s in _segments(page.lines[0])):
        out += _segments(page.lines.pop(0))
    return [normalize_text(s) for s in out]


def _split_footnotes(page: Page, body_size: float) -> list[Line]:
    """Lines at the page bottom in a smaller font, below a rule or opening with a mark: footnote text."""
    lines = page.lines
    k = len(lines)
    while k > 0 and lines[k - 1].size <= 0.85 * body_size and lines[k - 1].top > 0.5 * page.height:
        k -= 1
    if k == len(lines):
        return []
    first = lines[k]
    above = lines[k - 1].bottom if k > 0 else 0.0
    ruled = any(above - 1 <= y <= first.top + 1 for _, y, _ in page.rules)
    underscored = k > 0 and set(normalize_text(lines[k - 1].text)) <= {"_"}
    opens = first.lead_mark is not None or bool(re.match(r"^\d{1,3}\b", first.text))
    if not (ruled or underscored or opens):
        return []
    if underscored:
        k -= 1
    notes = [ln for ln in lines[k:] if set(normalize_text(ln.text)) - {"_"}]
    page.lines = lines[:k]
    return notes


# ---------------------------------------------------------------------------------------------------------
# phase 2c: lines -> paragraphs
@dataclass
class Geometry:
    """Document-wide measures the paragraph rules compare against."""

    body_size: float
    line_gap: float  # usual gap between lines of one paragraph
    right: float  # right edge of the text column

    def para_gap(self, size: float) -> float:
        return self.line_gap + 0.4 * size


def _marker(line: Line) -> tuple[str, str] | None:
    """(label as the reader sees it, raw first word) when the line opens with a bullet or an enumerator."""
    if len(line.tokens) < 2:
        return None
    first = line.tokens[0][0]
    if first in _BULLETS:
        return _BULLETS[first], first
    if _ENUMERATOR.match(first):
        return first, first
    return None


def _marker_gap(line: Line) -> float:
    return line.words[1].x0 - line.words[0].x1 if len(line.words) > 1 else 0.0


def _ends_terminal(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _TERMINAL


def _next_word_fits(prev: Line, nxt: Line, right: float) -> bool:
    """Would the next line's first word have fitted at the end of `prev`? If so, the writer broke there."""
    first = next((w for w in nxt.words if w.text == nxt.tokens[0][0]), nxt.words[0]) if nxt.tokens else None
    if first is None:
        return False
    return prev.x1 + 0.3 * prev.size + (first.x1 - first.x0) < right - 1


def _starts_item(prev: Line, cur: Line, geo: Geometry) -> bool:
    m = _marker(cur)
    if m is None:
        return False
    if m[1] not in "-–—" and m[1] in _BULLETS:
        return True  # a bullet glyph never wraps into a sentence
    return (
        _ends_terminal(prev.text)
        or prev.text.rstrip().endswith(",")
        or _marker_gap(cur) >= 0.45 * cur.size
        or _next_word_fits(prev, cur, geo.right)
    )


def _breaks(para: Para, prev: Line, cur: Line, geo: Geometry) -> bool:
    if cur.top - prev.bottom > geo.para_gap(cur.size):
        return True
    if prev.bold != cur.bold or prev.italic != cur.italic or abs(prev.size - cur.size) > 0.5:
        return True
    if _starts_item(prev, cur, geo):
        return True
    if _title_block_ends(para, prev, cur, geo):
        return True
    if _ends_terminal(prev.text) and _next_word_fits(prev, cur, geo.right):
        return True
    lines = para.lines
    if len(lines) >= 2 and lines[1].x0 > lines[0].x0 + 3 and cur.x0 < lines[1].x0 - 3:
        return True  # back out of a hanging indent
    return False


def _is_heading_line(line: Line, geo: Geometry) -> bool:
    return line.bold or line.size >= 1.12 * geo.body_size


def _title_block_ends(para: Para, prev: Line, cur: Line, geo: Geometry) -> bool:
    """Two heading-style lines further apart than a heading's own line spacing are two headings (a title,
    then the Heading 1 under it), even when the gap is smaller than a body paragraph break."""
    if not (_is_heading_line(prev, geo) and _is_heading_line(cur, geo)):
        return False
    lines = para.lines
    if len(lines) >= 2:
        spacing = lines[1].top - lines[0].bottom  # the wrapped title's own spacing
    else:
        spacing = geo.line_gap * prev.size / geo.body_size  # body leading scaled to the heading size
    return cur.top - prev.bottom > spacing + 0.15 * cur.size


def _paragraphs(lines: list[Line], page: int, geo: Geometry) -> list[Para]:
    paras: list[Para] = []
    for ln in lines:
        if paras and not _breaks(paras[-1], paras[-1].lines[-1], ln, geo):
            paras[-1].lines.append(ln)
        else:
            paras.append(Para([ln], page, cell=ln.cell))
    return paras


def _continues(last: Para, nxt: Para, geo: Geometry) -> bool:
    """Does the first paragraph of a page carry on the last paragraph of the previous page?"""
    a, b = last.lines[-1], nxt.lines[0]
    if last.cell or nxt.cell or last.footnote or nxt.footnote or _marker(b) is not None:
        return False
    if a.bold != b.bold or a.italic != b.italic or abs(a.size - b.size) > 0.5:
        return False
    if _is_heading_style(last, geo) or _is_heading_style(nxt, geo):
        return False
    if len(last.lines) >= 2:
        indent = last.lines[1].x0
    elif _marker(last.lines[0]) is not None:
        indent = last.lines[0].words[1].x0
    else:
        indent = last.lines[0].x0
    if abs(b.x0 - indent) > 3:
        return False
    return not _ends_terminal(a.text) or not _next_word_fits(a, b, geo.right)


def _is_heading_style(p: Para, geo: Geometry) -> bool:
    big = all(ln.size >= 1.12 * geo.body_size for ln in p.lines)
    return (big or all(ln.bold for ln in p.lines)) and len(p.lines) <= 3


# ---------------------------------------------------------------------------------------------------------
# phase 2d: paragraphs -> blocks
def _vocabulary(pages: list[Page]) -> set[str]:
    """Lower-case words of the document that are not halves of a line-end hyphenation."""
    vocab: set[str] = set()
    for p in pages:
        regions = [p.lines] + [lines for t in p.tables for lines in t.lines.values()]
        for lines in regions:
            after_hyphen = False
            for ln in lines:
                toks = [t for t, _ in ln.tokens]
                if after_hyphen:
                    toks = toks[1:]
                after_hyphen = bool(toks) and toks[-1].endswith("-")
                for tok in toks:
                    if not tok.endswith("-"):
                        vocab.update(re.findall(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*", tok.lower()))
    return vocab


def _join_hyphenated(left: str, right: str, vocab: set[str]) -> bool:
    """True when "recon-" + "struction" is a soft line-break hyphen; False keeps "capacity-building"."""
    m1 = re.search(r"([a-zà-ÿ]+)-$", left)
    m2 = re.match(r"([a-zà-ÿ]+)", right)
    if not m1 or not m2 or not left[:-1][-1:].islower():
        return False
    a, b = m1.group(1).lower(), m2.group(1).lower()
    if a + b in vocab:
        return True
    if f"{a}-{b}" in vocab or a in _KEEP_PREFIXES:
        return False
    return a not in vocab and b not in vocab


def _para_text(p: Para, vocab: set[str], strip_marker: bool) -> str:
    out = ""
    for i, ln in enumerate(p.lines):
        toks = list(ln.tokens)
        if i == 0 and strip_marker:
            toks = toks[1:]
        text = "".join((" " if sp and j else "") + t for j, (t, sp) in enumerate(toks))
        if not out:
            out = text
        elif out.endswith("\u00ad"):
            out = out[:-1] + text
        elif out.endswith("-") and not out.endswith(" -") and out[-2:-1].isalnum():
            last = out.rsplit(" ", 1)[-1]
            out = (out[:-1] + text) if _join_hyphenated(last, text, vocab) else out + text
        else:
            out = f"{out} {text}"
    return normalize_text(out)


def _bbox(p: Para) -> tuple[float, float, float, float]:
    on_page = [ln for ln in p.lines if ln.page == p.page]
    return (
        round(min(ln.x0 for ln in on_page), 2),
        round(min(ln.top for ln in on_page), 2),
        round(max(ln.x1 for ln in on_page), 2),
        round(max(ln.bottom for ln in on_page), 2),
    )


def _style(p: Para) -> str | None:
    if p.footnote:
        return "footnote"
    if all(ln.bold for ln in p.lines):
        return "bold"
    if all(ln.italic for ln in p.lines):
        return "italic"
    return None


def _to_blocks(paras: list[Para], geo: Geometry, vocab: set[str]) -> list[Block]:
    marker_xs = sorted({round(p.lines[0].x0 / 6) for p in paras if p.cell is None and _marker(p.lines[0])})
    stack: list[tuple[str, str]] = []
    blocks: list[Block] = []
    for p in paras:
        first = p.lines[0]
        marker = _marker(first)
        kind, label, level, number = "paragraph", None, 0, None
        if p.footnote:
            text = _para_text(p, vocab, strip_marker=False)
            label = first.lead_mark
            if label is None and re.match(r"^\d{1,3}\s", text):
                label, text = text.split(" ", 1)
        elif p.cell is not None:
            kind, text = "table_cell", _para_text(p, vocab, strip_marker=False)
        elif _is_heading_style(p, geo) and not (marker and marker[1] in _BULLETS):
            text = _para_text(p, vocab, strip_marker=False)
            kind = "heading"
            m = _HEADING_NUMBER.match(first.tokens[0][0]) if first.tokens else None
            if m and len(first.tokens) > 1 and not _ends_terminal(text):
                number = m.group(1)
                level = number.count(".") + 1
                title = _para_text(p, vocab, strip_marker=True)
                stack = [s for s in stack if s[0].count(".") + 1 < level] + [(number, title)]
            else:
                level = len(stack) + 1
        elif marker:
            kind, label = "list_item", marker[0]
            level = marker_xs.index(round(first.x0 / 6)) if round(first.x0 / 6) in marker_xs else 0
            text = _para_text(p, vocab, strip_marker=True)
        else:
            text = _para_text(p, vocab, strip_marker=False)
        if not text:
            continue
        section = (
            dict(
                section=stack[0][0],
                section_title=stack[0][1],
                section_path=[x for pair in stack for x in pair],
            )
            if stack
            else {}
        )
        blocks.append(
            Block(
                id=f"p{len(blocks) + 1:04d}",
                kind=kind,
                text=text,
                page=p.page,
                label=label,
                level=level,
                bbox=_bbox(p),
                table=p.cell[0] if p.cell else None,
                row=p.cell[1] if p.cell else None,
                col=p.cell[2] if p.cell else None,
                style=_style(p),
                footnotes=[m for ln in p.lines for m in ln.marks],
                **section,
            )
        )
    return blocks


# ---------------------------------------------------------------------------------------------------------
# checks on the text layer
def _check_text_layer(pages: list[Page]) -> None:
    tokens = [t for p in pages for ln in _all_lines(p) for t, _ in ln.tokens]
    tokens += [ln.lead_mark for p in pages for ln in _all_lines(p) if ln.lead_mark]
    if not tokens:
        raise DocumentError("no text layer (scanned image?): needs OCR")
    text = "".join(tokens)
    cid = sum(len(m) for m in re.findall(r"\(cid:\d+\)", text))
    private = sum(1 for c in text if "\ue000" <= c <= "\uf8ff" and c not in _BULLETS)
    if (cid + private) > 0.3 * len(text):
        raise DocumentError("no usable text layer ((cid:) glyphs): needs OCR")
    wordlike = sum(1 for t in tokens if re.search(r"[^\W\d_]{2,}", t) or re.fullmatch(r"[\d.,%()/-]+", t))
    if wordlike < 0.3 * len(tokens):
        raise DocumentError("no usable text layer (mostly non-word glyphs): needs OCR")


def _all_lines(p: Page) -> list[Line]:
    return p.lines + [ln for t in p.tables for lines in t.lines.values() for ln in lines]


def _geometry(pages: list[Page]) -> Geometry:
    """Body font size, usual line gap, and the column's right edge: from lines that wrapped (a line followed
    closely by one more of the same size), else from symmetric margins when the text has too few."""
    weight: Counter[float] = Counter()
    gaps: Counter[float] = Counter()
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:], strict=False):
            g = b.top - a.bottom
            if 0 <= g < a.size and abs(a.size - b.size) < 0.5:
                gaps[round(g * 2) / 2] += 1
        for ln in p.lines:
            weight[ln.size] += len(ln.text)
    body = weight.most_common(1)[0][0] if weight else 10.0
    gap = gaps.most_common(1)[0][0] if gaps else 0.3 * body
    wrapped: list[float] = []
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:], strict=False):
            if b.top - a.bottom <= gap + 0.4 * a.size and abs(a.size - b.size) < 0.5:
                wrapped.append(a.x1)
    if len(wrapped) >= 5:
        wrapped.sort()
        right = wrapped[int(0.95 * (len(wrapped) - 1))]
    else:
        lefts = [ln.x0 for p in pages for ln in p.lines]
        right = (pages[0].width - min(lefts)) if lefts else pages[0].width
    return Geometry(body_size=body, line_gap=gap, right=right)


# ---------------------------------------------------------------------------------------------------------
def parse_pdf(data: bytes, path: str, limits: Limits) -> Document:
    """A PDF's body as blocks in reading order (page, bbox, section, label), page furniture in header_text."""
    if len(data) > limits.max_file_bytes:
        raise DocumentError(f"file is {len(data)} bytes, over the limit of {limits.max_file_bytes}")
    pages = _read_pages(data, limits)
    _check_text_layer(pages)
    header = _strip_first_page_header(pages[0])
    header += _strip_furniture(pages)
    geo = _geometry(pages)
    vocab = _vocabulary(pages)

    paras: list[Para] = []
    last_body: Para | None = None  # footnotes sit between a paragraph and its continuation on the next page
    n_tables = 0
    for p in pages:
        notes = _split_footnotes(p, geo.body_size)
        items: list[tuple[float, list[Para]]] = []
        items += [(pa.lines[0].top, [pa]) for pa in _paragraphs(p.lines, p.number, geo)]
        for t in p.tables:
            cell_paras = [pa for key in sorted(t.lines) for pa in _paragraphs(t.lines[key], p.number, geo)]
            for pa in cell_paras:
                pa.cell = (n_tables, pa.cell[1], pa.cell[2]) if pa.cell else None
            n_tables += 1
            items.append((t.bbox[1], cell_paras))
        page_paras = [pa for _, group in sorted(items, key=lambda it: it[0]) for pa in group]
        if last_body is not None and page_paras and _continues(last_body, page_paras[0], geo):
            last_body.lines += page_paras.pop(0).lines
        paras += page_paras
        last_body = paras[-1] if page_paras else last_body
        paras += _footnote_paras(notes, p.number)
    return Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format="pdf",
        pages=len(pages),
        header_text="\n".join(header) or None,
        blocks=_to_blocks(paras, geo, vocab),
    )


def _footnote_paras(lines: list[Line], page: int) -> list[Para]:
    out: list[Para] = []
    for ln in lines:
        if not out or ln.lead_mark is not None or re.match(r"^\d{1,3}\s", ln.text):
            out.append(Para([ln], page, footnote=True))
        else:
            out[-1].lines.append(ln)
    return out
