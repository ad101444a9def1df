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
    for r in sorted(runs, key=_BY_TOP):
        if last_top is None or r.top - last_top > s.row_tolerance:
            rows.append([])
        rows[-1].append(r)
        last_top = r.top
    for row in rows:
        cur: Word | None = None
        cur_font = ""
        for r in sorted(row, key=_BY_X):
            gap = r.x0 - cur.x1 if cur is not None else 0.0
            if (
                cur is not None
                and r.space_before < 2  # a real space in the stream always parts words
                and gap <= (s.row_tolerance if r.space_before == 0 else s.word_join_em * r.size)
                and r.x0 >= cur.x0
                and r.size == cur.size
                and r.font == cur_font
            ):
                cur.text += r.text
                cur.x1 = max(cur.x1, r.x1)
                cur.top, cur.bottom = min(cur.top, r.top), max(cur.bottom, r.bottom)
                continue
            cur = Word(r.text, r.x0, r.x1, r.top, r.bottom, r.size, r.bold, r.italic, r.space_before == 2)
            cur_font = r.font
            out.append(cur)
    return out


def lines(ws: list[Word], page: int, cell: tuple[int, int, int] | None, s: LayoutSettings) -> list[Line]:
    """Words whose vertical extents overlap by half the smaller height share a line."""
    groups: list[list[Word]] = []
    top = bottom = 0.0
    for w in sorted(ws, key=_BY_TOP_X):
        if groups:
            overlap = min(bottom, w.bottom) - max(top, w.top)
            if overlap >= s.line_overlap * min(bottom - top, w.bottom - w.top):
                groups[-1].append(w)
                top, bottom = min(top, w.top), max(bottom, w.bottom)
                continue
        groups.append([w])
        top, bottom = w.top, w.bottom
    return [make_line(sorted(g, key=lambda w: w.x0), page, cell, s) for g in groups]


def make_line(ws: list[Word], page: int, cell: tuple[int, int, int] | None, s: LayoutSettings) -> Line:
    weight: dict[float, int] = {}
    for w in ws:
        key = round(w.size, 1)
        weight[key] = weight.get(key, 0) + len(w.text)
    size = max(weight, key=weight.__getitem__)  # the size most of the line's characters are set in
    main = [w for w in ws if w.size >= 0.9 * size]
    bottoms = sorted(w.bottom for w in main)
    n = len(bottoms)
    baseline = bottoms[n // 2] if n % 2 else (bottoms[n // 2 - 1] + bottoms[n // 2]) / 2
    line = Line(words=ws, page=page, cell=cell, size=size)
    sup_size, sup_line = s.sup_size_ratio * size, baseline - s.sup_rise_em * size
    space_gap = s.space_em * size
    tokens = line.tokens
    prev: Word | None = None
    for w in ws:
        sup = w.size <= sup_size and w.bottom <= sup_line and len(w.text) <= s.sup_max_chars
        if sup and prev is not None and prev.text[-1:].isdigit() and w.text.lower() in _ORDINAL_SUP:
            tokens.append((w.text, False))  # "5th" printed with a raised "th"
        elif sup and _MARK.match(w.text):
            if not tokens:
                line.lead_mark = w.text
            else:
                line.marks.append(w.text)
        else:
            tokens.append((w.text, prev is not None and (w.x0 - prev.x1 > space_gap or w.space_before)))
        prev = w
    kept = main or ws
    line.x0, line.x1 = min(w.x0 for w in kept), max(w.x1 for w in kept)
    line.top, line.bottom = min(w.top for w in kept), max(w.bottom for w in kept)
    line.bold = all(w.bold for w in main)
    line.italic = all(w.italic for w in main)
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
