"""Runs to words to printed lines: rows by top, words split at spaces, gaps and font changes (so a
superscript never fuses with the word it touches), superscript footnote marks set apart from the text."""

from __future__ import annotations

import re
from operator import attrgetter

from extract.pdf.chars import Run
from extract.pdf.model import Line, Word
from extract.pdf.settings import LayoutSettings, layout_data

_BY_TOP_X = attrgetter("top", "x0")
_BY_TOP = attrgetter("top")
_BY_X = attrgetter("x0")
_MARK = re.compile(r"^(\d{1,3}|[*†‡§]+|[a-z])$")
_ORDINAL_SUP = set(layout_data()["ordinal_superscripts"])


def words(runs: list[Run], s: LayoutSettings) -> list[Word]:
    """Runs to words: rows by top, then pieces of one word (same font and size, touching) joined."""
    out: list[Word] = []
    rows: list[list[Run]] = []
    last_top = None
    tolerance, join_em = s.row_tolerance, s.word_join_em
    for r in sorted(runs, key=_BY_TOP):
        if last_top is None or r.top - last_top > tolerance:
            rows.append([])
        rows[-1].append(r)
        last_top = r.top
    for row in rows:
        cur: Word | None = None
        cur_font = ""
        if len(row) > 1:
            row.sort(key=_BY_X)
        for r in row:
            if (
                cur is not None
                and r.space_before < 2  # a real space in the stream always parts words
                and r.x0 - cur.x1 <= (tolerance if r.space_before == 0 else join_em * r.size)
                and r.x0 >= cur.x0
                and r.size == cur.size
                and r.font == cur_font
            ):
                cur.text += r.text
                if r.x1 > cur.x1:
                    cur.x1 = r.x1
                if r.top < cur.top:
                    cur.top = r.top
                if r.bottom > cur.bottom:
                    cur.bottom = r.bottom
                continue
            cur = Word(r.text, r.x0, r.x1, r.top, r.bottom, r.size, r.bold, r.italic, r.space_before == 2)
            cur_font = r.font
            out.append(cur)
    return out


def lines(ws: list[Word], page: int, cell: tuple[int, int, int] | None, s: LayoutSettings) -> list[Line]:
    """Words whose vertical extents overlap by half the smaller height share a line."""
    groups: list[list[Word]] = []
    top = bottom = 0.0
    share = s.line_overlap
    for w in sorted(ws, key=_BY_TOP_X):
        if groups:
            w_top, w_bottom = w.top, w.bottom
            overlap = (bottom if bottom < w_bottom else w_bottom) - (top if top > w_top else w_top)
            if overlap >= share * min(bottom - top, w_bottom - w_top):
                groups[-1].append(w)
                if w_top < top:
                    top = w_top
                if w_bottom > bottom:
                    bottom = w_bottom
                continue
        groups.append([w])
        top, bottom = w.top, w.bottom
    return [make_line(sorted(g, key=_BY_X) if len(g) > 1 else g, page, cell, s) for g in groups]


def make_line(ws: list[Word], page: int, cell: tuple[int, int, int] | None, s: LayoutSettings) -> Line:
    if len(ws) == 1:
        size = round(ws[0].size, 1)
        if size > 0 and ws[0].size >= 0.9 * size and s.sup_rise_em > 0:
            return _one_word_line(ws[0], size, page, cell)
    weight: dict[float, int] = {}
    for w in ws:
        key = round(w.size, 1)
        weight[key] = weight.get(key, 0) + len(w.text)
    size = max(weight, key=weight.__getitem__)  # the size most of the line's characters are set in
    floor = 0.9 * size
    main = [w for w in ws if w.size >= floor]
    bottoms = sorted([w.bottom for w in main])
    n = len(bottoms)
    baseline = bottoms[n // 2] if n % 2 else (bottoms[n // 2 - 1] + bottoms[n // 2]) / 2
    line = Line(words=ws, page=page, cell=cell, size=size)
    sup_size, sup_line = s.sup_size_ratio * size, baseline - s.sup_rise_em * size
    sup_chars = s.sup_max_chars
    space_gap = s.space_em * size
    tokens = line.tokens
    prev: Word | None = None
    for w in ws:
        text = w.text
        if w.size <= sup_size and w.bottom <= sup_line and len(text) <= sup_chars:  # a superscript
            if prev is not None and prev.text[-1:].isdigit() and text.lower() in _ORDINAL_SUP:
                tokens.append((text, False))  # "5th" printed with a raised "th"
                prev = w
                continue
            if _MARK.match(text):
                if not tokens:
                    line.lead_mark = text
                else:
                    line.marks.append(text)
                prev = w
                continue
        tokens.append((text, prev is not None and (w.x0 - prev.x1 > space_gap or w.space_before)))
        prev = w
    kept = main or ws
    first = kept[0]
    x0, x1, top, bottom = first.x0, first.x1, first.top, first.bottom
    for w in kept:
        if w.x0 < x0:
            x0 = w.x0
        if w.x1 > x1:
            x1 = w.x1
        if w.top < top:
            top = w.top
        if w.bottom > bottom:
            bottom = w.bottom
    line.x0, line.x1, line.top, line.bottom = x0, x1, top, bottom
    line.bold = all([w.bold for w in main])
    line.italic = all([w.italic for w in main])
    return line


def _one_word_line(w: Word, size: float, page: int, cell: tuple[int, int, int] | None) -> Line:
    """make_line for a single word (a table cell, a page number): it sets the line's size and baseline
    itself, so it is never a superscript."""
    line = Line(words=[w], page=page, cell=cell, size=size)
    line.tokens.append((w.text, False))
    line.x0, line.x1, line.top, line.bottom = w.x0, w.x1, w.top, w.bottom
    line.bold, line.italic = w.bold, w.italic
    return line


def plain_lines(text: str, page: int, width: float, height: float) -> list[Line]:
    """A degraded page: its text lines in stream order, with made-up positions in the body band."""
    out: list[Line] = []
    rows = [t.split() for t in text.splitlines() if t.strip()]
    step = (0.7 * height) / max(1, len(rows))
    for i, toks in enumerate(rows):
        top = 0.15 * height + i * step
        ws = [Word(t, 72.0, 72.0 + 5 * len(t), top, top + 10, 10.0, False, False) for t in toks]
        ln = Line(words=ws, page=page, x0=72.0, x1=width - 72.0, top=top, bottom=top + 10, size=10.0)
        ln.tokens = [(t, j > 0) for j, t in enumerate(toks)]
        out.append(ln)
    return out
