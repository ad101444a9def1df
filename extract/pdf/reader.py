"""parse_pdf: a PDF's body as blocks in reading order, page furniture in header_text.

Never loses a page to a parser bug: a failure while laying out one page degrades that page to its plain
text lines (a warning on the document says so); a page whose glyphs are unreadable is listed in
`pages_needing_ocr` with its text left out. Only a file that cannot be opened, or has no readable page,
is refused."""

from __future__ import annotations

import gc
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TypeVar

from extract.errors import DocumentError
from extract.parallel import fork_map, page_chunks
from extract.pdf.blocks import to_blocks, vocabulary
from extract.pdf.chars import RawPage, open_pdf, page_text, read_page, silence_logs
from extract.pdf.columns import reading_order
from extract.pdf.footnotes import footnote_paras, split_footnotes
from extract.pdf.furniture import strip_first_page_header, strip_furniture, strip_print_shop
from extract.pdf.lines import plain_lines, words
from extract.pdf.model import Page, Para
from extract.pdf.paragraphs import Geometry, continues, geometry, paragraphs
from extract.pdf.settings import LayoutSettings, settings
from extract.pdf.tables import layout_page, ruled_cells
from extract.pdf.unruled import find_unruled
from schemas.models import Block, Document, Limits

T = TypeVar("T")
_WORDLIKE = re.compile(r"[^\W\d_]{2,}")
_NUMBERLIKE = re.compile(r"[\d.,%()/-]+")


def ocr_reason(tokens: list[str], bad_glyphs: int, glyphs: int, s: LayoutSettings) -> str | None:
    """Why a page's text layer is unusable (it needs OCR), or None when it reads."""
    text = "".join(tokens)
    cid = sum(len(m) for m in re.findall(r"\(cid:\d+\)", text))
    if glyphs and (bad_glyphs + cid) > s.ocr_bad_glyph_share * max(glyphs, len(text)):
        return "(cid:) glyphs"
    if len(tokens) >= s.ocr_min_tokens:
        needed = s.ocr_min_wordlike_share * len(tokens)
        wordlike = 0
        if wordlike >= needed:
            return None
        for t in tokens:  # counted only until the page is known to read
            if _WORDLIKE.search(t) or _NUMBERLIKE.fullmatch(t):
                wordlike += 1
                if wordlike >= needed:
                    return None
        return "mostly non-word glyphs"
    return None


def _guard(fn: Callable[[], T], fallback: Callable[[], T], warnings: list[str], what: str) -> T:
    try:
        return fn()
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - a layout bug degrades this step, never the document
        warnings.append(f"{what}: {type(exc).__name__} in the layout code; read plainly")
        return fallback()


def _layout(raw: RawPage, s: LayoutSettings) -> Page:
    ws = words(raw.runs, s)
    cells = ruled_cells(raw.shapes, raw.width, raw.height) if raw.shapes else []
    rules = [
        (sh["x0"], sh["top"], sh["x1"])
        for sh in raw.shapes
        if sh["height"] <= s.rule_max_thickness and sh["width"] > s.rule_min_length
    ]
    page = layout_page(raw.number, raw.width, raw.height, ws, rules, cells, s)
    page.lines = reading_order(page.lines, raw.width, s)
    return page


def _plain_page(raw: RawPage) -> Page:
    """A page whose layout failed: its text as plain lines, no tables."""
    return Page(
        raw.number, raw.width, raw.height, plain_lines(raw.text, raw.number, raw.width, raw.height), [], [],
        plain=True,
    )


def _line_paras(p: Page) -> list[Para]:
    """A page whose paragraphing failed: one paragraph per line."""
    return [Para([ln], p.number) for ln in p.lines]


def _read(data: bytes, limits: Limits, s: LayoutSettings) -> tuple[list[Page], list[int], list[str], bool]:
    """(pages, pages needing OCR, warnings, whether any page draws anything) - the per-page loop, its page
    ranges read in forked processes when `limits.cores` allows (each page is read on its own: the result
    is the same as one loop's)."""
    started = time.monotonic()
    doc = open_pdf(data)
    damage = getattr(doc, "repaired_from", None)
    try:
        try:
            n = len(doc)
        except Exception:  # noqa: BLE001
            n = 0
        if n == 0:
            raise DocumentError("PDF has no pages", code="empty")
        if n > limits.max_pages:
            raise DocumentError(f"PDF has {n} pages, over the limit of {limits.max_pages}", code="too_large")
        # a repaired file is read in one process: a child would have to repair it again
        chunks = page_chunks(n, limits.cores) if limits.cores > 1 and not damage else [range(n)]
        parent = os.getpid()

        def read_chunk(chunk: range) -> list[_PageRead]:
            if os.getpid() == parent:
                return _read_pages(doc, chunk, n, started, limits, s)
            own = open_pdf(data)  # a forked child: its own handle, opened from the bytes it inherited
            try:
                return _read_pages(own, chunk, n, started, limits, s)
            finally:
                own.close()

        reads = [r for part in fork_map(read_chunk, chunks, limits.cores) for r in part]
        pages = [r[0] for r in reads]
        ocr = [r[0].number for r in reads if r[1]]
        warnings = [w for r in reads for w in r[2]]
        drawn = any(r[3] for r in reads)
        if damage and not any(p.lines for p in pages):
            raise DocumentError(f"corrupt PDF: {damage}", code="corrupt")
        if damage:
            warnings.append(f"damaged PDF ({damage}) repaired before reading")
        return pages, ocr, warnings, drawn
    finally:
        doc.close()


# One page as read: (page, needs OCR, its warnings, whether it draws anything). Crosses back from a forked
# child pickled, so it holds only what the document-level steps need (no PDFium handle, no raw runs).
_PageRead = tuple[Page, bool, list[str], bool]


def _read_pages(
    doc, indexes: range, n: int, started: float, limits: Limits, s: LayoutSettings  # noqa: ANN001
) -> list[_PageRead]:
    return [_read_one(doc, i, n, started, limits, s) for i in indexes]


def _read_one(doc, i: int, n: int, started: float, limits: Limits, s: LayoutSettings) -> _PageRead:  # noqa: ANN001
    if time.monotonic() - started > limits.max_seconds:
        raise DocumentError(
            f"PDF parsing took over {limits.max_seconds:g} s (at page {i + 1} of {n})", code="timeout"
        )
    try:
        raw = read_page(doc, i, s)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001
        text = _plain_text(doc, i)
        page = Page(i + 1, 612.0, 792.0, plain_lines(text, i + 1, 612.0, 792.0), [], [], plain=True)
        warning = f"page {i + 1}: {type(exc).__name__} reading characters; read as plain text"
        return page, False, [warning], False
    drawn = bool(raw.runs or raw.shapes or raw.images)
    reason = ocr_reason([r.text for r in raw.runs], raw.bad_glyphs, raw.glyphs, s) if raw.runs else None
    if reason is None and not raw.runs and raw.images:
        reason = "only images"
    if reason is not None:
        blank = Page(i + 1, raw.width, raw.height, [], [], [])
        if raw.runs or raw.images:
            return blank, True, [f"page {i + 1}: no usable text layer ({reason}): needs OCR"], drawn
        return blank, False, [], drawn
    warnings: list[str] = []
    if raw.skipped_rotated > s.min_minor_orientation_share * max(1, raw.glyphs):
        warnings.append(f"page {i + 1}: {raw.skipped_rotated} characters in a second direction left out")
    page = _guard(partial(_layout, raw, s), partial(_plain_page, raw), warnings, f"page {i + 1}")
    return page, False, warnings, drawn


def _plain_text(doc, i: int) -> str:  # noqa: ANN001
    try:
        return page_text(doc, i)
    except Exception:  # noqa: BLE001
        return ""


def _refuse(pages: list[Page], ocr: list[int], warnings: list[str], drawn: bool) -> None:
    if any(p.lines or p.tables for p in pages):
        return
    if ocr:
        reasons = [w for w in warnings if "needs OCR" in w]
        if any("(cid:) glyphs" in w for w in reasons):
            raise DocumentError("no usable text layer ((cid:) glyphs): needs OCR", code="needs_ocr")
        if any("non-word" in w for w in reasons):
            raise DocumentError("no usable text layer (mostly non-word glyphs): needs OCR", code="needs_ocr")
        raise DocumentError("no text layer (scanned image?): needs OCR", code="needs_ocr")
    if drawn:
        raise DocumentError("no text layer (scanned image?): needs OCR", code="needs_ocr")
    raise DocumentError("no text on any page", code="empty")


def _body(pages: list[Page], s: LayoutSettings, warnings: list[str]) -> tuple[list[Para], Geometry, set[str]]:
    geo = (
        geometry([p for p in pages if not p.plain], s)
        if any(not p.plain for p in pages)
        else geometry(pages, s)
    )
    vocab = vocabulary(pages)
    paras: list[Para] = []
    last_body: Para | None = None  # footnotes sit between a paragraph and its continuation on the next page
    n_tables = 0
    last_table: tuple[int, int, int] | None = None  # (ordinal, columns, rows) of a table ending a page
    for p in pages:
        notes = _guard(
            partial(split_footnotes, p, geo.body_size, s),
            lambda: [],
            warnings,
            f"page {p.number} footnotes",
        )
        for t in _guard(partial(find_unruled, p, s), lambda: [], warnings, f"page {p.number} tables"):
            p.tables.append(t)
        items: list[tuple[float, int, list[Para]]] = []
        body_paras = _guard(
            partial(paragraphs, p.lines, p.number, geo),
            partial(_line_paras, p),
            warnings,
            f"page {p.number} paragraphs",
        )
        items += [(pa.lines[0].top, 0, [pa]) for pa in body_paras]
        tables = sorted((t for t in p.tables if t.lines), key=lambda t: t.bbox[1])  # empty grids: no ordinal
        charts = [t for t in tables if len(t.cells) == 1 and _is_chart(t)]
        for t in charts:  # a framed chart's axis labels and values: one plain block, never table cells
            lines = sorted((ln for lns in t.lines.values() for ln in lns), key=lambda ln: (ln.top, ln.x0))
            for ln in lines:
                ln.cell = None
            items.append((t.bbox[1], 1, [Para(lines, p.number, style="chart")]))
        tables = [t for t in tables if t not in charts]
        for ti, t in enumerate(tables):
            cols = len({c for _, c in t.lines} | {c for _, c, _ in t.cells})
            first_item = not any(top < t.bbox[1] for top, _, _ in items) and ti == 0
            if first_item and last_table is not None and last_table[1] == cols:
                ordinal, row0 = last_table[0], last_table[2]  # a table carried over the page break
            else:
                ordinal, row0 = n_tables, 0
                n_tables += 1
            cell_paras: list[Para] = []
            for key in sorted(t.lines):
                cell = (ordinal, key[0] + row0, key[1])
                if len(t.cells) == 1:  # a framed box of paragraphs, not a grid: keep its paragraphs
                    for pa in paragraphs(t.lines[key], p.number, geo):
                        pa.cell = cell
                        cell_paras.append(pa)
                elif t.lines[key]:
                    cell_paras.append(Para(list(t.lines[key]), p.number, cell=cell))  # one block per cell
            rows = max([k[0] for k in t.lines] + [r for r, _, _ in t.cells] + [-1]) + 1
            last_table = (ordinal, cols, row0 + rows)
            items.append((t.bbox[1], 1, cell_paras))
        if not tables or any(top > tables[-1].bbox[3] for top, kind, _ in items if kind == 0):
            last_table = None
        page_paras = [pa for _, _, group in sorted(items, key=lambda it: (it[0], it[1])) for pa in group]
        if (
            last_body is not None
            and page_paras
            and _guard(
                partial(continues, last_body, page_paras[0], geo),
                lambda: False,
                warnings,
                f"page {p.number} join",
            )
        ):
            last_body.lines += page_paras.pop(0).lines
        paras += page_paras
        last_body = paras[-1] if page_paras else last_body
        paras += footnote_paras(notes, p.number)
    return paras, geo, vocab


def parse_pdf(data: bytes, path: str, limits: Limits) -> Document:
    """A PDF's body as blocks in reading order (page, bbox, section, label), page furniture in header_text."""
    if len(data) > limits.max_file_bytes:
        raise DocumentError(
            f"file is {len(data)} bytes, over the limit of {limits.max_file_bytes}", code="too_large"
        )
    silence_logs()
    with _no_gc():  # restored once the pages are freed: the collection it then runs finds little to scan
        header, blocks, pages, ocr, warnings = _parse(data, limits)
    return Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format="pdf",
        pages=pages,
        header_text="\n".join(header) or None,
        blocks=blocks,
        pages_needing_ocr=ocr,
        warnings=warnings,
    )


def _parse(data: bytes, limits: Limits) -> tuple[list[str], list[Block], int, list[int], list[str]]:
    """(header lines, blocks, page count, pages needing OCR, warnings)."""
    s = settings()
    pages, ocr, warnings, drawn = _read(data, limits, s)
    _refuse(pages, ocr, warnings, drawn)
    try:
        header, blocks = _structure(pages, s, warnings)
    except DocumentError:
        raise
    except Exception as exc:  # noqa: BLE001 - last resort: a bug in the document-wide steps keeps the text
        warnings.append(f"layout failed ({type(exc).__name__}): pages read as plain lines")
        header, blocks = [], _plain_blocks([Para(p.lines, p.number) for p in pages if p.lines])
    return header, blocks, len(pages), ocr, warnings


@contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a PDF is read: the reader makes hundreds of thousands of
    small objects (runs, words, lines) that all live until the document is built, and the collector's
    passes over them cost about a tenth of the parse while freeing nothing. Its state is restored after,
    and a forked child (parallel pages) inherits the pause, so it does not touch shared pages either."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _structure(pages: list[Page], s: LayoutSettings, warnings: list[str]) -> tuple[list[str], list[Block]]:
    """Furniture out, then paragraphs, tables and footnotes to blocks: (header lines, blocks)."""
    first = next(p for p in pages if p.lines or p.tables)
    marks = _guard(lambda: strip_print_shop(pages), lambda: [], warnings, "print-shop marks")
    header = _guard(lambda: strip_first_page_header(first, s), lambda: [], warnings, "first-page header")
    header += _guard(lambda: strip_furniture(pages, s), lambda: [], warnings, "running heads")
    paras, geo, vocab = _body(pages, s, warnings)
    blocks = _guard(lambda: to_blocks(paras, geo, vocab), lambda: _plain_blocks(paras), warnings, "blocks")
    if not blocks and (header or marks):  # all it prints is furniture: keep that rather than refuse the file
        blocks = [
            Block(id=f"p{i + 1:04d}", kind="paragraph", text=h, page=first.number)
            for i, h in enumerate(header or marks)
        ]
        warnings.append("only page furniture found: kept as body text")
    return header, blocks


def _is_chart(t) -> bool:  # noqa: ANN001
    """Mostly lines of bare numbers, years and short labels: the inside of a bar or line chart."""
    lines = [ln for lns in t.lines.values() for ln in lns]
    numeric = sum(1 for ln in lines if not re.search(r"[^\W\d_]{4,}", ln.text))
    return len(lines) >= 4 and numeric >= 0.6 * len(lines)


def _plain_blocks(paras: list[Para]) -> list[Block]:
    out: list[Block] = []
    for p in paras:
        text = " ".join(ln.text for ln in p.lines).strip()
        if text:
            out.append(Block(id=f"p{len(out) + 1:04d}", kind="paragraph", text=text, page=p.page))
    return out
