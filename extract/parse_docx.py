"""DOCX -> Document: body blocks in reading order with sections, list labels and an estimated page.

We walk word/document.xml with lxml ourselves instead of python-docx's doc.paragraphs/doc.tables: those
miss content controls (w:sdt) and text boxes, repeat merged table cells, do not resolve auto-numbering, and
per-paragraph style lookups are slow. The ITU first-page header table and page headers/footers go to
`header_text`, never to blocks, so running heads ("C26/27-E") do not pollute figures and dates.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from extract.docx_numbering import Numbering, Style, Styles, to_int, wval
from extract.docx_package import W_STRICT, Package, W
from extract.errors import DocumentError
from extract.text import normalize_text
from schemas.models import Block, BlockKind, Document, Limits
from schemas.rules import DocxLayout, load_rules

_W = f"{{{W}}}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
P, TBL, TR, TC, R, T = (_W + t for t in ("p", "tbl", "tr", "tc", "r", "t"))
SDT, SDT_CONTENT, TXBX = _W + "sdt", _W + "sdtContent", _W + "txbxContent"
ALT, CHOICE, FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
# Wrappers whose children are ordinary content (inserted/moved-to revisions, links, smart tags, fields).
_PASS_INLINE = {
    _W + t for t in ("hyperlink", "smartTag", "customXml", "ins", "moveTo", "fldSimple", "dir", "bdo")
}
_PASS_BLOCK = {_W + t for t in ("customXml", "ins", "moveTo")}
_BOX_HOLDERS = {_W + "drawing", _W + "pict", _W + "object"}
_OFF = ("0", "false", "off")

_CUES = load_rules(DocxLayout)
_HEADER_CUES = [re.compile(c, re.IGNORECASE | re.MULTILINE) for c in _CUES.header_table_cues]
_BULLETS = set(_CUES.literal_bullets)
_LABEL_TAB = re.compile(_CUES.manual_label_tab)
_LABEL_SPACE = re.compile(_CUES.manual_label_space)
_HEAD_TAB = re.compile(_CUES.heading_number_tab, re.DOTALL)
_DESIGNATION = re.compile(_CUES.heading_designation)
_HEAD_SPACE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.*)$", re.DOTALL)
_SECTION_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,4}$")
_SYMBOL_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf02d": "–"}  # Symbol/Wingdings private-use glyphs


def parse_docx(data: bytes, path: str, limits: Limits) -> Document:
    """Parse DOCX bytes into a Document (format="docx").

    `page` on blocks is an ESTIMATE: Word stores no layout, so we count the page breaks the file records
    (w:lastRenderedPageBreak from Word's last layout when present, else explicit w:br type="page",
    pageBreakBefore and section breaks). With no break recorded at all, `page` and `pages` are None.
    Multi-paragraph table cells give one table_cell block per paragraph (same table/row/col).
    Raises DocumentError (one-line reason) for corrupt, hostile or non-Word files.
    """
    try:
        return _parse(data, path, limits)
    except DocumentError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, RecursionError, etree.LxmlError) as exc:
        # Structure no Word writes (bad attribute values, absurd nesting): a bad file, not a crash.
        reason = (str(exc).splitlines() or [""])[0][:120]
        raise DocumentError(
            f"corrupt DOCX: unexpected structure ({type(exc).__name__}: {reason})", code="corrupt"
        ) from None


def _parse(data: bytes, path: str, limits: Limits) -> Document:
    pkg = Package(data, limits)
    root = pkg.read_xml(pkg.main)
    assert root is not None  # Package checked the main part exists
    if root.tag == f"{{{W_STRICT}}}document":
        raise DocumentError(
            "not a Word document: strict Open XML (ISO/IEC 29500 Strict) is not supported",
            code="unsupported_format",
        )
    if root.tag != _W + "document":
        raise DocumentError(
            f"not a Word document: main part root is <{etree.QName(root).localname}>", code="not_a_document"
        )
    rels = pkg.rels(pkg.main)
    parts = {ty.rsplit("/", 1)[-1]: name for ty, name in rels.values()}
    styles = Styles(pkg.read(parts["styles"]) if "styles" in parts else None)
    numbering = Numbering(pkg.read_xml(parts["numbering"]) if "numbering" in parts else None, styles)
    body = root.find(_W + "body")
    walker = _Walker(styles, numbering, root, limits)
    if body is not None:
        walker.body(body)
    header_lines = walker.header_lines + _page_header_lines(pkg, rels, styles, limits)
    blocks = walker.finish()
    return Document(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        format="docx",
        pages=walker.page if walker.breaks else None,
        header_text="\n".join(dict.fromkeys(header_lines)) or None,
        blocks=blocks,
    )


def _page_header_lines(
    pkg: Package, rels: dict[str, tuple[str, str]], styles: Styles, limits: Limits
) -> list[str]:
    """Page headers then footers; lines without a letter or digit (bare page-number dashes) dropped."""
    out: list[str] = []
    for kind in ("header", "footer"):
        for ty, name in sorted(rels.values(), key=lambda r: r[1]):
            if ty != _REL + kind:
                continue
            root = pkg.read_xml(name)
            if root is None:
                continue
            w = _Walker(styles, Numbering(None, styles), root, limits)
            w.container(root, None)
            out += [ln for raw in w.raws for ln in _lines(raw) if any(c.isalnum() for c in ln)]
    return out


def _lines(raw: str) -> list[str]:
    return [t for t in (normalize_text(x) for x in raw.split("\n")) if t]


def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(_W + "val") not in _OFF


def _branch(alt: etree._Element) -> etree._Element | None:
    """One branch of mc:AlternateContent: the first Choice, else the Fallback (never both)."""
    choice = alt.find(CHOICE)
    return choice if choice is not None else alt.find(FALLBACK)


class _Cell(NamedTuple):
    """Where a paragraph sits in a table: (table, row, col) first, so cell[0..2] reads as before."""

    table: int
    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    header: bool = False  # w:tblHeader: a header row Word repeats on each page
    parent: int | None = None  # the table holding this one (nested tables)


@dataclass
class _Acc:
    """Text of one paragraph as it is collected."""

    parts: list[str] = field(default_factory=list)
    page: int | None = None  # page of the first visible character
    boxes: list[etree._Element] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


@dataclass
class _Heading:
    level: int
    number: str | None
    title: str


class _Walker:
    """Walks containers in document order and accumulates blocks, header lines and the page estimate."""

    def __init__(self, styles: Styles, numbering: Numbering, root: etree._Element, limits: Limits):
        self.styles, self.numbering = styles, numbering
        self.rendered = any(True for _ in root.iter(_W + "lastRenderedPageBreak"))
        # A section break's kind is set by the sectPr of the section that follows it.
        self.sect_types = [wval(s, "type") or "nextPage" for s in root.iter(_W + "sectPr")]
        self.sect_seen = 0
        self.page, self.breaks = 1, 0
        self.blocks: list[Block] = []
        self.raws: list[str] = []  # raw text of each block, parallel to blocks
        self.header_lines: list[str] = []
        self.tables = 0
        self.stack: list[_Heading] = []
        self.seen_heading = False
        self.top_paragraphs = 0
        self.notes: dict[str, int] = {}
        self.deadline = time.monotonic() + limits.max_seconds
        self.count = 0

    # -- containers ------------------------------------------------------------------------------
    def body(self, body: etree._Element) -> None:
        self.container(body, None, top=True)

    def container(self, el: etree._Element, cell: _Cell | None, top: bool = False) -> None:
        for child in el:
            tag = child.tag
            if tag == P:
                before = len(self.blocks)
                self.paragraph(child, cell)
                self.top_paragraphs += top and len(self.blocks) > before
            elif tag == TBL:
                if top and self._maybe_header_table(child):
                    continue
                self.table(child, cell.table if cell else None)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.container(content, cell, top)
            elif tag in _PASS_BLOCK:
                self.container(child, cell, top)
            elif tag == ALT:
                branch = _branch(child)
                if branch is not None:
                    self.container(branch, cell, top)

    def _maybe_header_table(self, tbl: etree._Element) -> bool:
        """The ITU first-page header table (session, symbol, 'Original:') -> header_text, not blocks."""
        if self.tables or self.seen_heading or self.top_paragraphs > 3:
            return False
        mark = len(self.blocks)
        self.table(tbl)
        lines = [ln for raw in self.raws[mark:] for ln in _lines(raw)]
        if not any(c.search(ln) for c in _HEADER_CUES for ln in lines):
            return True  # an ordinary first table: its blocks stay
        del self.blocks[mark:], self.raws[mark:]
        self.header_lines += lines
        return True

    def table(self, tbl: etree._Element, parent: int | None = None) -> None:
        index = self.tables
        self.tables += 1
        grid = _table_grid(tbl)
        for r, (cells, header) in enumerate(grid):
            for col, span, merge, tc in cells:
                if merge == "continue":
                    continue  # vMerge continuation cells hold no new text
                down = 1
                if merge == "restart":
                    while r + down < len(grid) and any(
                        c == col and m == "continue" for c, _, m, _ in grid[r + down][0]
                    ):
                        down += 1
                self.container(tc, _Cell(index, r, col, down, span, header, parent))

    # -- paragraphs ------------------------------------------------------------------------------
    def paragraph(self, p: etree._Element, cell: _Cell | None) -> None:
        self.count += 1
        if self.count % 256 == 0 and time.monotonic() > self.deadline:
            raise DocumentError("took too long: DOCX parse exceeded the time limit", code="timeout")
        ppr = p.find(_W + "pPr")
        style_id = wval(ppr, "pStyle")
        style = self.styles.get(style_id)
        pbb = ppr.find(_W + "pageBreakBefore") if ppr is not None else None
        if not self.rendered and (_on(pbb) if pbb is not None else bool(style and style.page_break_before)):
            self._break()
        acc = _Acc()
        self.inline(p, acc)
        label, level = self._auto_label(ppr, style)
        raw = "".join(acc.parts)
        self._emit(raw, acc, ppr, style, label, level, cell)
        sect = ppr.find(_W + "sectPr") if ppr is not None else None
        if sect is not None:
            self.sect_seen += 1
            nxt = self.sect_types[self.sect_seen] if self.sect_seen < len(self.sect_types) else "nextPage"
            if not self.rendered and nxt != "continuous":
                self._break()
        for box in acc.boxes:
            self.container(box, cell)

    def _auto_label(self, ppr: etree._Element | None, style: Style | None) -> tuple[str | None, int]:
        numpr = ppr.find(_W + "numPr") if ppr is not None else None
        num_id = wval(numpr, "numId")
        ilvl = to_int(wval(numpr, "ilvl"), -1) or 0  # -1: not given here
        if num_id is None and style is not None and style.num_id:
            num_id = style.num_id
            if ilvl < 0:
                ilvl = style.ilvl if style.ilvl is not None else -1
            if ilvl < 0:
                ilvl = self.numbering.ilvl_for_style(num_id, style.id) or 0
        ilvl = max(ilvl, 0)
        return (self.numbering.advance(num_id, ilvl) if num_id else None), ilvl

    def inline(self, el: etree._Element, acc: _Acc) -> None:
        for child in el:
            tag = child.tag
            if tag == R:
                self.run(child, acc)
            elif tag in _PASS_INLINE:
                self.inline(child, acc)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.inline(content, acc)
            elif tag == ALT:
                branch = _branch(child)
                if branch is not None:
                    self.inline(branch, acc)
            elif tag in (_M + "oMath", _M + "oMathPara"):
                self._text(acc, "".join(t.text or "" for t in child.iter(_M + "t")))
            # pPr, w:del, w:moveFrom, bookmarks, comment ranges, proofErr: not body text

    def run(self, r: etree._Element, acc: _Acc) -> None:
        rpr = r.find(_W + "rPr")
        if rpr is not None and _on(rpr.find(_W + "vanish")):
            return  # hidden text
        for c in r:
            tag = c.tag
            if tag == T:
                self._text(acc, c.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                acc.parts.append("\t")
            elif tag == _W + "br":
                if c.get(_W + "type") == "page" and not self.rendered:
                    self._break()
                acc.parts.append("\n")
            elif tag == _W + "cr":
                acc.parts.append("\n")
            elif tag == _W + "lastRenderedPageBreak":
                self._break()
            elif tag == _W + "noBreakHyphen":
                self._text(acc, "\u2011")
            elif tag in (_W + "footnoteReference", _W + "endnoteReference"):
                self.notes[tag] = self.notes.get(tag, 0) + 1  # footnotes and endnotes number separately
                acc.footnotes.append(str(self.notes[tag]))
            elif tag in _BOX_HOLDERS:
                acc.boxes += _outer_boxes(c)
            elif tag == ALT:
                branch = _branch(c)
                if branch is not None:
                    self.run(branch, acc)
            elif tag == _W + "ruby":
                base = c.find(_W + "rubyBase")
                if base is not None:
                    self.inline(base, acc)
            # instrText, delText, fldChar, commentReference, sym, softHyphen: not body text

    def _text(self, acc: _Acc, s: str) -> None:
        if s:
            if acc.page is None and s.strip():
                acc.page = self.page
            acc.parts.append(s)

    def _break(self) -> None:
        self.page += 1
        self.breaks += 1

    # -- classification of one paragraph ---------------------------------------------------------
    def _emit(
        self, raw: str, acc: _Acc, ppr: etree._Element | None, style: Style | None, label: str | None,
        ilvl: int, cell: _Cell | None,
    ) -> None:
        text = normalize_text(raw)
        if not text:
            return
        kind: BlockKind = "table_cell" if cell else "paragraph"
        level = 0
        heading = None if cell else self._heading(raw, text, ppr, style, label)
        if heading is not None and self._run_on(heading):
            return
        if heading is not None:
            kind, level = "heading", heading.level
            if heading.level >= 1:
                while self.stack and self.stack[-1].level >= heading.level:
                    self.stack.pop()
                self.stack.append(heading)
            self.seen_heading = True
        elif label is not None:
            kind, level = ("table_cell" if cell else "list_item"), ilvl
        else:
            label, text, kind = _manual_label(raw, text, kind)
        top = self.stack[0] if self.stack else None
        path = [x for h in self.stack for x in ((h.number, h.title) if h.number else (h.title,))]
        self.blocks.append(Block(
            id="", kind=kind, text=text, page=acc.page or self.page, section=top.number if top else None,
            section_title=top.title if top else None, section_path=path, label=label, level=level,
            table=cell[0] if cell else None, row=cell[1] if cell else None, col=cell[2] if cell else None,
            style=style.id if style else None, footnotes=acc.footnotes,
            **(_cell_fields(cell, raw, ppr) if cell else {}),
        ))
        self.raws.append(raw)

    def _run_on(self, heading: _Heading) -> bool:
        """A heading right after a heading that only names its unit ("Subprogramme 1", then "Operations")
        is that heading's title: one heading, as the print sets them and the PDF reader reads them."""
        prev = self.blocks[-1] if self.blocks else None
        if prev is None or prev.kind != "heading" or prev.table is not None:
            return False
        if not _DESIGNATION.match(prev.text):
            return False
        if heading.number is not None or not self.stack or self.stack[-1].title != prev.text \
                or heading.level < self.stack[-1].level:
            return False
        prev.text = f"{prev.text} {heading.title}"
        self.stack[-1].title = prev.text
        prev.section_path = prev.section_path[:-1] + [prev.text]
        if len(self.stack) == 1:
            prev.section_title = prev.text
        self.raws[-1] += " " + heading.title
        return True

    def _heading(
        self, raw: str, text: str, ppr: etree._Element | None, style: Style | None, label: str | None
    ) -> _Heading | None:
        outline = wval(ppr, "outlineLvl")
        level = int(outline) + 1 if outline and outline.isdigit() and int(outline) < 9 else None
        if level is None and style is not None:
            level = style.heading_level
        m = _HEAD_TAB.match(raw.strip(" \u00a0\n"))
        if m and _title_like(m.group(2)):
            number = m.group(1)
            return _Heading(number.count(".") + 1, number, normalize_text(m.group(2)))
        if level is None:
            return None
        if level == 0:
            return _Heading(0, None, text)
        if label and _SECTION_NUMBER.match(label.rstrip(".)")):
            number = label.rstrip(".)")
            return _Heading(number.count(".") + 1, number, text)
        m = _HEAD_SPACE.match(text)
        if m:
            return _Heading(m.group(1).count(".") + 1, m.group(1), m.group(2))
        return _Heading(level, None, text)

    def finish(self) -> list[Block]:
        for i, b in enumerate(self.blocks, 1):
            b.id = f"p{i:04d}"
            if not self.breaks:
                b.page = None
        return self.blocks


def _table_grid(tbl: etree._Element) -> list[tuple[list[tuple[int, int, str | None, etree._Element]], bool]]:
    """Rows of a w:tbl as ([(grid column, gridSpan, vMerge state, w:tc)], is a repeated header row).
    vMerge without a value continues the cell above; "restart" opens a vertically merged cell."""
    rows = []
    for tr in _children(tbl, TR):
        trpr = tr.find(_W + "trPr")
        col = max(to_int(wval(trpr, "gridBefore"), 0) or 0, 0)
        header = trpr is not None and _on(trpr.find(_W + "tblHeader"))
        cells = []
        for tc in _children(tr, TC):
            tcpr = tc.find(_W + "tcPr")
            span = max(to_int(wval(tcpr, "gridSpan"), 1) or 1, 1)
            vmerge = tcpr.find(_W + "vMerge") if tcpr is not None else None
            merge = None
            if vmerge is not None:
                merge = "restart" if vmerge.get(_W + "val") == "restart" else "continue"
            cells.append((col, span, merge, tc))
            col += span
        rows.append((cells, header))
    return rows


def _cell_fields(cell: _Cell, raw: str, ppr: etree._Element | None) -> dict:
    """Span, header flag, parent and indent of a table paragraph. The indent (points) is the paragraph's
    left indent plus its leading tabs, each advancing to the next tab stop (UN tables indent stub labels
    with tabs), so the table builder can rank stub labels into levels."""
    left = 0.0
    stops: list[float] = []
    if ppr is not None:
        ind = ppr.find(_W + "ind")
        if ind is not None:
            left = (to_int(ind.get(_W + "left") or ind.get(_W + "start"), 0) or 0) / 20
        tabs = ppr.find(_W + "tabs")
        if tabs is not None:
            kept = [t for t in tabs if t.get(_W + "val") not in ("clear", "bar")]
            stops = sorted((to_int(t.get(_W + "pos"), 0) or 0) / 20 for t in kept)
    pos = left
    for ch in raw.lstrip(" \u00a0"):
        if ch != "\t":
            break
        pos = next((x for x in stops if x > pos + 0.5), (pos // 36 + 1) * 36)
    return {
        "row_span": cell.row_span, "col_span": cell.col_span, "header_row": cell.header,
        "indent": round(pos, 1), "parent_table": cell.parent,
    }


def _children(el: etree._Element, tag: str) -> list[etree._Element]:
    """Direct children with `tag`, looking through content controls and revision wrappers (rows, cells)."""
    out: list[etree._Element] = []
    for c in el:
        if c.tag == tag:
            out.append(c)
        elif c.tag in (SDT, SDT_CONTENT, *_PASS_BLOCK):
            out += _children(c, tag)
    return out


def _outer_boxes(holder: etree._Element) -> list[etree._Element]:
    """Text boxes inside a drawing/pict, outermost only (nested ones are reached through their parent),
    and one branch of any mc:AlternateContent on the way (Word writes the same box as DrawingML and VML)."""
    out: list[etree._Element] = []
    stack = [holder]
    while stack:
        el = stack.pop()
        for c in el:
            if c.tag == TXBX:
                out.append(c)
            elif c.tag == ALT:
                b = _branch(c)
                if b is not None:
                    stack.append(b)
            elif isinstance(c.tag, str):
                stack.append(c)
    return out


def _title_like(rest: str) -> bool:
    """A manually numbered line reads as a heading: short, capitalised, no sentence punctuation at its end."""
    t = normalize_text(rest)
    return (
        0 < len(t) <= _CUES.heading_max_chars
        and len(t.split()) <= _CUES.heading_max_words
        and (t[0].isupper() or t[0].isdigit())
        and t[-1] not in ".;:,"
    )


def _manual_label(raw: str, text: str, kind: BlockKind) -> tuple[str | None, str, BlockKind]:
    """Typed labels: '–<TAB>', 'a)<TAB>', '1.<TAB>', 'a) ' -> (label, text without it, kind). Leading tabs
    go first: UN Word files indent a typed "(a)" with tabs before it, as the print does with space (an
    indented numbered paragraph "<TAB>4.12<TAB>text" keeps its number in the text, as the PDF reads)."""
    s = raw.lstrip(" \u00a0\n")
    indented = s.startswith("\t") and kind != "table_cell"  # a cell's tabs are its indent (tables.py)
    if indented:
        s = s.lstrip("\t")
    list_kind: BlockKind = "table_cell" if kind == "table_cell" else "list_item"
    if len(s) > 1 and s[0] in _BULLETS and s[1] == "\t":
        rest = normalize_text(s[2:])
        if rest:
            return _SYMBOL_BULLETS.get(s[0], s[0]), rest, list_kind
    m = _LABEL_TAB.match(s) or _LABEL_SPACE.match(s)
    if m:
        rest = normalize_text(s[m.end():])
        if rest:
            label = m.group(1)
            # "2.1<TAB>text" is a numbered paragraph of a section, not a list item
            numbered_para = "." in label.rstrip(".") and label[0].isdigit()
            if indented and (numbered_para or label[-1] not in ".)"):
                return None, text, kind  # "<TAB>a<TAB>Excludes ...": a table note's mark, read as printed
            return label, rest, (kind if numbered_para else list_kind)
    return None, text, kind
