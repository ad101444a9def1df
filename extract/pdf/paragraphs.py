"""Lines to paragraphs: vertical gaps, font changes, list markers, hanging indents, and whether the next
line's first word would have fitted on the previous line (if so, the writer broke there). Also the test
for a paragraph carried over a page break."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from extract.pdf.model import Line, Page, Para
from extract.pdf.settings import LayoutSettings, layout_data

_BULLETS: dict[str, str] = layout_data()["bullet_labels"]
_ENUMERATOR = re.compile(layout_data()["enumerator_pattern"])
_CLOSERS = "\"'”’)]»"
_TERMINAL = ".!?:;"


@dataclass
class Geometry:
    """Document-wide measures the paragraph rules compare against."""

    body_size: float
    line_gap: float  # usual gap between lines of one paragraph
    right: float  # right edge of the text column
    s: LayoutSettings

    def para_gap(self, size: float) -> float:
        return self.line_gap + self.s.para_gap_em * size


def bullets() -> dict[str, str]:
    return _BULLETS


def marker(line: Line) -> tuple[str, str] | None:
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


def ends_terminal(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _TERMINAL


def _next_word_fits(prev: Line, nxt: Line, right: float) -> bool:
    """Would the next line's first word have fitted at the end of `prev`? If so, the writer broke there."""
    first = next((w for w in nxt.words if w.text == nxt.tokens[0][0]), nxt.words[0]) if nxt.tokens else None
    if first is None:
        return False
    return prev.x1 + 0.3 * prev.size + (first.x1 - first.x0) < right - 1


def _starts_item(prev: Line, cur: Line, geo: Geometry) -> bool:
    m = marker(cur)
    if m is None:
        return False
    if m[1] not in "-–—" and m[1] in _BULLETS:
        return True  # a bullet glyph never wraps into a sentence
    return (
        ends_terminal(prev.text)
        or prev.text.rstrip().endswith(",")
        or _marker_gap(cur) >= geo.s.marker_gap_em * cur.size
        or _next_word_fits(prev, cur, geo.right)
    )


def _breaks(para: Para, prev: Line, cur: Line, geo: Geometry) -> bool:
    s = geo.s
    if cur.top - prev.bottom > geo.para_gap(cur.size) or cur.top < prev.top - 1:
        return True
    if (
        prev.bold != cur.bold
        or prev.italic != cur.italic
        or abs(prev.size - cur.size) > s.style_size_tolerance
    ):
        return True
    if _starts_item(prev, cur, geo):
        return True
    if _title_block_ends(para, prev, cur, geo):
        return True
    if ends_terminal(prev.text) and _next_word_fits(prev, cur, geo.right):
        return True
    lines = para.lines
    tol = s.indent_tolerance
    if len(lines) >= 2 and lines[1].x0 > lines[0].x0 + tol and cur.x0 < lines[1].x0 - tol:
        return True  # back out of a hanging indent
    return False


def is_heading_line(line: Line, geo: Geometry) -> bool:
    return line.bold or line.size >= geo.s.heading_size_ratio * geo.body_size


def _title_block_ends(para: Para, prev: Line, cur: Line, geo: Geometry) -> bool:
    """Two heading-style lines further apart than a heading's own line spacing are two headings (a title,
    then the Heading 1 under it), even when the gap is smaller than a body paragraph break."""
    if not (is_heading_line(prev, geo) and is_heading_line(cur, geo)):
        return False
    lines = para.lines
    if len(lines) >= 2:
        spacing = lines[1].top - lines[0].bottom  # the wrapped title's own spacing
    else:
        spacing = geo.line_gap * prev.size / geo.body_size  # body leading scaled to the heading size
    return cur.top - prev.bottom > spacing + geo.s.title_gap_em * cur.size


def paragraphs(lines: list[Line], page: int, geo: Geometry) -> list[Para]:
    paras: list[Para] = []
    for ln in lines:
        if paras and not _breaks(paras[-1], paras[-1].lines[-1], ln, geo):
            paras[-1].lines.append(ln)
        else:
            paras.append(Para([ln], page, cell=ln.cell))
    return paras


def continues(last: Para, nxt: Para, geo: Geometry) -> bool:
    """Does the first paragraph of a page carry on the last paragraph of the previous page?"""
    a, b = last.lines[-1], nxt.lines[0]
    if last.cell or nxt.cell or last.footnote or nxt.footnote or marker(b) is not None:
        return False
    if a.bold != b.bold or a.italic != b.italic or abs(a.size - b.size) > geo.s.style_size_tolerance:
        return False
    if is_heading_style(last, geo) or is_heading_style(nxt, geo):
        return False
    if len(last.lines) >= 2:
        indent = last.lines[1].x0
    elif marker(last.lines[0]) is not None:
        indent = last.lines[0].words[1].x0
    else:
        indent = last.lines[0].x0
    if abs(b.x0 - indent) > geo.s.indent_tolerance:
        return False
    return not ends_terminal(a.text) or not _next_word_fits(a, b, geo.right)


def is_heading_style(p: Para, geo: Geometry) -> bool:
    big = all(ln.size >= geo.s.heading_size_ratio * geo.body_size for ln in p.lines)
    return (big or all(ln.bold for ln in p.lines)) and len(p.lines) <= geo.s.heading_max_lines


def geometry(pages: list[Page], s: LayoutSettings) -> Geometry:
    """Body font size, usual line gap, and the column's right edge: from lines that wrapped (a line followed
    closely by one more of the same size), else from symmetric margins when the text has too few."""
    weight: Counter[float] = Counter()
    gaps: Counter[float] = Counter()
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:], strict=False):
            g = b.top - a.bottom
            if 0 <= g < a.size and abs(a.size - b.size) < s.style_size_tolerance:
                gaps[round(g * 2) / 2] += 1
        for ln in p.lines:
            weight[ln.size] += len(ln.text)
    body = weight.most_common(1)[0][0] if weight else 10.0
    gap = gaps.most_common(1)[0][0] if gaps else 0.3 * body
    wrapped: list[float] = []
    for p in pages:
        for a, b in zip(p.lines, p.lines[1:], strict=False):
            if (
                b.top - a.bottom <= gap + s.para_gap_em * a.size
                and abs(a.size - b.size) < s.style_size_tolerance
            ):
                wrapped.append(a.x1)
    if len(wrapped) >= 5:
        wrapped.sort()
        right = wrapped[int(0.95 * (len(wrapped) - 1))]
    else:
        lefts = [ln.x0 for p in pages for ln in p.lines]
        width = pages[0].width if pages else 612.0
        right = (width - min(lefts)) if lefts else width
    return Geometry(body_size=body, line_gap=gap, right=right, s=s)
