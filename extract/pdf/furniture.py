"""Page furniture out of the body: the first-page document header (ITU header table or lines; UN masthead:
organ, symbol, distribution, date, session, agenda item), the print shop's marks (job numbers, barcodes,
"Please recycle", "2/5 25-20114" footers), running heads carrying the document symbol (odd and even pages
differ, so short documents are recognised by pattern and position, not only by repetition), repeated lines
in the top and bottom bands, and page numbers. What is stripped from the top of page 1 goes to header_text."""

from __future__ import annotations

import re
from collections import Counter

from extract.pdf.model import Line, Page
from extract.pdf.settings import LayoutSettings, layout_data, patterns
from extract.text import normalize_text

_PAGE_NUMBER = patterns("page_number_patterns", re.I)
_RUNNING_SYMBOL = patterns("running_symbol_patterns")
_FIRST_PAGE_HEADER = patterns("first_page_header_patterns", re.I)
_PRINT_SHOP = patterns("print_shop_patterns", re.I)
_PRINT_SHOP_HINT = re.compile(r"\d\s*[-‐‑‒–—]\s*\d|\*|recycl", re.I)  # cheap screen before the full patterns
SYMBOL = re.compile(layout_data()["symbol_pattern"])


def matches(text: str, pats: list[re.Pattern]) -> bool:
    t = normalize_text(text)
    return any(p.search(t) for p in pats)


def is_print_shop(text: str) -> bool:
    return bool(_PRINT_SHOP_HINT.search(text)) and matches(text, _PRINT_SHOP)


def _is_symbol(text: str) -> bool:
    return SYMBOL.fullmatch(normalize_text(text).rstrip("*")) is not None


def _key(line: Line) -> str:
    return re.sub(r"\d+", "#", normalize_text(line.text).lower())


def segments(line: Line, s: LayoutSettings) -> list[str]:
    """Split a line at wide gaps: a header prints two or three columns on one baseline."""
    if not line.words:
        return [line.text]
    parts: list[str] = [line.words[0].text]
    for a, b in zip(line.words, line.words[1:], strict=False):
        gap = b.x0 - a.x1
        if gap > s.header_segment_em * line.size:
            parts.append(b.text)
        else:  # "A" set large before "/RES/80/101": no space where the print has none
            parts[-1] += (" " if gap > s.space_em * min(a.size, b.size) or b.space_before else "") + b.text
    return parts


def _running_head(line: Line, s: LayoutSettings) -> bool:
    """ "A/RES/80/101 Question of Tokelau", "Oceans and the law of the sea A/RES/80/110": a band line one of
    whose columns is a document symbol, or a print-shop footer."""
    if is_print_shop(line.text):
        return True
    segs = segments(line, s)
    return len(segs) <= 3 and any(_is_symbol(x) for x in segs)


def strip_print_shop(pages: list[Page]) -> list[str]:
    """Job numbers, barcodes and "Please recycle" wherever they sit (UN page 1 prints them at the bottom);
    returns what was removed."""
    removed: list[str] = []
    for p in pages:
        removed += [normalize_text(ln.text) for ln in p.lines if is_print_shop(ln.text)]
        p.lines = [ln for ln in p.lines if not is_print_shop(ln.text)]
    return removed


def strip_furniture(pages: list[Page], s: LayoutSettings) -> list[str]:
    """Remove running headers/footers and page numbers; return the distinct header/footer texts."""

    def candidates(p: Page) -> list[tuple[int, Line]]:
        out = [(i, ln) for i, ln in enumerate(p.lines[:3]) if ln.top < s.header_band * p.height]
        out += [
            (i, ln)
            for i, ln in list(enumerate(p.lines))[-3:]
            if ln.bottom > s.footer_band * p.height
            and i >= 3
            or (ln.bottom > s.footer_band * p.height and ln.top >= s.header_band * p.height)
        ]
        return list(dict(out).items())

    seen: Counter[tuple[str, int]] = Counter()
    pages_with: Counter[str] = Counter()  # position-free: a header may sit lower on the first page
    for p in pages:
        for key in {(_key(ln), round(ln.top / 6)) for _, ln in candidates(p)}:
            seen[key] += 1
        pages_with.update({_key(ln) for _, ln in candidates(p)})
    need = max(2, round(s.furniture_repeat_share * len(pages)))
    body_size = body_size_of(pages)
    frames = [_frame(q, body_size, s) if q.lines else None for q in pages]
    kept: list[str] = []
    for n, p in enumerate(pages):
        drop: set[int] = set()
        for i, ln in candidates(p):
            text = normalize_text(ln.text)
            count = pages_with[_key(ln)]
            in_margin = (count >= 2 or 2 * count >= len(pages)) and _in_margin(
                pages, n, i, body_size, frames, s
            )
            if matches(text, _PAGE_NUMBER) and _isolated(p.lines, i, s):
                drop.add(i)
            elif (
                matches(text, _RUNNING_SYMBOL)
                or (n > 0 and _running_head(ln, s))
                or seen[(_key(ln), round(ln.top / 6))] >= need
                or in_margin
            ):
                drop.add(i)
                if text not in kept and not is_print_shop(text):
                    kept.append(text)
        p.lines = [ln for i, ln in enumerate(p.lines) if i not in drop]
    return kept


def body_size_of(pages: list[Page]) -> float:
    weight: Counter[float] = Counter()
    for p in pages:
        for ln in p.lines:
            weight[ln.size] += len(ln.text)
    return weight.most_common(1)[0][0] if weight else 10.0


def _in_margin(pages: list[Page], n: int, i: int, body_size: float, frames: list, s: LayoutSettings) -> bool:
    """A running header or footer that is not a symbol ("Ukraine RDNA4 - February 2025", often absent from
    page 1): a plain line no larger than body text, set apart from the text below (above) it by more than a
    paragraph break, and outside the text frame of every other page."""
    p, ln = pages[n], pages[n].lines[i]
    if ln.bold or ln.size > body_size + s.style_size_tolerance or len(pages) < 2:
        return False
    top = i < len(p.lines) / 2
    if top:
        nb = p.lines[i + 1] if i + 1 < len(p.lines) else None
    else:
        nb = p.lines[i - 1] if i > 0 else None
    if nb is None:
        return False
    gap = nb.top - ln.bottom if top else ln.top - nb.bottom
    if gap < s.margin_gap_em * body_size:
        return False
    others = [f for k, f in enumerate(frames) if k != n and f is not None]
    if not others:
        return False
    return all(ln.bottom < f[0] for f in others) if top else all(ln.top > f[1] for f in others)


def _frame(p: Page, body_size: float, s: LayoutSettings) -> tuple[float, float]:
    """(top, bottom) of a page's text, skipping a first/last line set apart like furniture."""
    lines = p.lines
    first, last = lines[0], lines[-1]
    plain = not first.bold and first.size <= body_size + s.style_size_tolerance
    if len(lines) > 1 and plain and lines[1].top - first.bottom >= s.margin_gap_em * body_size:
        first = lines[1]
    plain = not last.bold and last.size <= body_size + s.style_size_tolerance
    if len(lines) > 1 and plain and last.top - lines[-2].bottom >= s.margin_gap_em * body_size:
        last = lines[-2]
    return first.top, last.bottom


def _isolated(lines: list[Line], i: int, s: LayoutSettings) -> bool:
    ln = lines[i]
    gaps = []
    if i > 0:
        gaps.append(ln.top - lines[i - 1].bottom)
    if i + 1 < len(lines):
        gaps.append(lines[i + 1].top - ln.bottom)
    return all(g >= s.isolated_gap_ratio * (ln.bottom - ln.top) for g in gaps)


def _header_line(line: Line, s: LayoutSettings) -> bool:
    return any(matches(x, _FIRST_PAGE_HEADER) or _is_symbol(x) for x in segments(line, s))


def strip_first_page_header(page: Page, s: LayoutSettings) -> list[str]:
    """The document header goes to header_text: from a ruled table at the top of page 1 (ITU), or else from
    the leading lines that match (ITU and UN mastheads)."""
    out: list[str] = []
    for t in page.tables:
        if t.bbox[1] > s.header_table_band * page.height:
            continue
        texts = [ln.text for lines in t.lines.values() for ln in lines]
        if not any(matches(x, _FIRST_PAGE_HEADER) for x in texts):
            continue
        promoted: list[Line] = []
        for r in sorted({r for r, _ in t.lines}):
            row = [ln for (rr, _), lines in sorted(t.lines.items()) if rr == r for ln in lines]
            if any(matches(ln.text, _FIRST_PAGE_HEADER) for ln in row):
                out += [normalize_text(ln.text) for ln in row]
            else:  # a title row inside the header table ("Report by the Secretary-General"): body
                for ln in row:
                    ln.cell = None
                promoted += row
        page.tables.remove(t)
        page.lines = sorted(page.lines + promoted, key=lambda ln: ln.top)
        return out
    while page.lines and _header_line(page.lines[0], s):
        out += segments(page.lines.pop(0), s)
    return [normalize_text(x) for x in out]
