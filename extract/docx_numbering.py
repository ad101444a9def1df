"""Word styles and auto-numbering, resolved once per document.

python-docx's per-paragraph `paragraph.style.name` is ~40x slower than one pass over styles.xml, and it
does not compute list numbers at all: the reader sees "1.", "2.", "a)" that are in numbering.xml, not in
the paragraph text. Counters follow Word's rules closely enough for reports and resolutions: per list,
deeper levels restart when a shallower level advances (unless lvlRestart says otherwise), lvlOverride /
startOverride restart a list, numStyleLink/styleLink indirections are followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from extract.docx_package import W, check_prolog, parse_xml

_W = f"{{{W}}}"
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%([1-9])")
_ROOT_OPEN = re.compile(rb"<w:styles\b[^>]*>")
_W_DECL = b'xmlns:w="' + W.encode() + b'"'
_STYLE_OPEN = re.compile(rb"<w:style\b([^>]*)>")
_ATTR = {
    k: re.compile(rb"\bw:" + k + rb"""\s*=\s*["']([^"']*)["']""") for k in (b"styleId", b"type", b"default")
}


def _attr(attrs: bytes, key: bytes) -> str | None:
    m = _ATTR[key].search(attrs)
    return m.group(1).decode("utf-8", "replace") if m else None


def wval(el: etree._Element | None, child: str, attr: str = "val") -> str | None:
    """`w:val` of a direct child `w:<child>` of el, or None."""
    if el is None:
        return None
    c = el.find(_W + child)
    return None if c is None else c.get(_W + attr)


def to_int(v: str | None, default: int | None = None) -> int | None:
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


@dataclass
class Style:
    """A paragraph style with its basedOn chain already folded in."""

    id: str
    name: str = ""
    heading_level: int | None = None  # 1 = top; 0 = Title
    num_id: str | None = None
    ilvl: int | None = None
    page_break_before: bool = False


class Styles:
    """style id -> resolved Style (basedOn folded in), resolved lazily for the styles a document uses.

    ITU templates carry ~350 KB of styles.xml (hundreds of table styles) of which a report uses a
    handful; parsing it whole costs more than the body. So we index the raw <w:style> elements with a
    byte scan and parse only the ones asked for; an unusual file (another prefix) is parsed whole.
    """

    def __init__(self, raw: bytes | None, name: str = "word/styles.xml"):
        self._chunks: dict[str, bytes] = {}
        self._els: dict[str, etree._Element | None] = {}
        self._open = b""
        self._name = name
        self.default: str | None = None
        self.by_id: dict[str, Style] = {}
        if raw:
            self._index(raw)

    def _index(self, raw: bytes) -> None:
        check_prolog(raw, self._name)
        root_open = _ROOT_OPEN.search(raw, 0, 16384)
        if root_open is not None and _W_DECL in root_open.group(0):
            self._open = root_open.group(0)
            for m in _STYLE_OPEN.finditer(raw, root_open.end()):
                attrs = m.group(1)
                sid = _attr(attrs, b"styleId")
                close = raw.find(b"</w:style>", m.end())
                end = m.end() if attrs.endswith(b"/") else (close + len(b"</w:style>") if close >= 0 else -1)
                if sid and end > 0:
                    self._chunks.setdefault(sid, raw[m.start() : end])
                    if _attr(attrs, b"type") == "paragraph" and _attr(attrs, b"default") in ("1", "true"):
                        self.default = sid
            if self._chunks or b":style " not in raw:
                return
        for st in parse_xml(raw, self._name).iter(_W + "style"):
            sid = st.get(_W + "styleId")
            if sid:
                self._els.setdefault(sid, st)
                if st.get(_W + "type") == "paragraph" and st.get(_W + "default") in ("1", "true"):
                    self.default = sid

    def _element(self, sid: str) -> etree._Element | None:
        if sid not in self._els:
            chunk = self._chunks.get(sid)
            wrapped = parse_xml(self._open + chunk + b"</w:styles>", self._name) if chunk else None
            self._els[sid] = wrapped[0] if wrapped is not None and len(wrapped) else None
        return self._els[sid]

    def get(self, sid: str | None) -> Style | None:
        sid = sid or self.default
        if not sid:
            return None
        return self._resolve(sid, 0) if self._element(sid) is not None else None

    def num_id_of(self, sid: str) -> str | None:
        """numId a numbering style points to (for numStyleLink)."""
        st = self._element(sid)
        return wval(st.find(f"{_W}pPr/{_W}numPr"), "numId") if st is not None else None

    def _resolve(self, sid: str, depth: int) -> Style:
        if sid in self.by_id:
            return self.by_id[sid]
        st = self._element(sid)
        assert st is not None
        base_id = wval(st, "basedOn")
        usable = bool(base_id) and base_id != sid and depth < 20 and self._element(base_id or "") is not None
        base = self._resolve(base_id, depth + 1) if usable and base_id else None
        out = Style(id=sid, name=wval(st, "name") or sid)
        if base is not None:
            out.heading_level, out.num_id, out.ilvl = base.heading_level, base.num_id, base.ilvl
            out.page_break_before = base.page_break_before
        m = _HEADING_NAME.match(out.name)
        ppr = st.find(_W + "pPr")
        outline = to_int(wval(ppr, "outlineLvl"))
        if m:
            out.heading_level = int(m.group(1))
        elif out.name.lower() == "title":
            out.heading_level = 0
        elif outline is not None:
            out.heading_level = outline + 1 if outline < 9 else None
        if ppr is not None:
            numpr = ppr.find(_W + "numPr")
            if numpr is not None:
                out.num_id = wval(numpr, "numId") or out.num_id
                out.ilvl = to_int(wval(numpr, "ilvl"), out.ilvl)
            pbb = ppr.find(_W + "pageBreakBefore")
            if pbb is not None:
                out.page_break_before = pbb.get(_W + "val") not in ("0", "false", "off")
        self.by_id[sid] = out
        return out


@dataclass
class Level:
    fmt: str = "decimal"
    text: str = "%1."
    start: int = 1
    restart: int | None = None  # lvlRestart: None = default (any shallower level), 0 = never
    is_lgl: bool = False
    pstyle: str | None = None


@dataclass
class _List:
    key: str  # counter key: abstractNum id, or the num id when it overrides levels
    levels: dict[int, Level] = field(default_factory=dict)


def _level(el: etree._Element) -> Level:
    return Level(
        fmt=wval(el, "numFmt") or "decimal",
        text=(wval(el, "lvlText") or "") if el.find(_W + "lvlText") is not None else "",
        start=to_int(wval(el, "start"), 1) or 0,
        restart=to_int(wval(el, "lvlRestart")),
        is_lgl=el.find(_W + "isLgl") is not None,
        pstyle=wval(el, "pStyle"),
    )


class Numbering:
    """Resolves (numId, ilvl) to the label the reader sees, advancing counters in document order."""

    def __init__(self, root: etree._Element | None, styles: Styles):
        self.styles = styles
        self._abstract: dict[str, etree._Element] = {}
        self._lists: dict[str, _List] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._num_els: dict[str, etree._Element] = {}
        if root is None:
            return
        for a in root.iter(_W + "abstractNum"):
            self._abstract[a.get(_W + "abstractNumId") or ""] = a
        for n in root.iter(_W + "num"):
            self._num_els[n.get(_W + "numId") or ""] = n

    def _list(self, num_id: str, depth: int = 0) -> _List | None:
        if num_id in self._lists:
            return self._lists[num_id]
        n = self._num_els.get(num_id)
        if n is None or depth > 5:
            return None
        aid = wval(n, "abstractNumId") or ""
        a = self._abstract.get(aid)
        if a is None:
            return None
        link = wval(a, "numStyleLink")
        if link:  # the levels live in the abstractNum of the numbering style's num
            target = self.styles.num_id_of(link)
            linked = self._list(target, depth + 1) if target and target != num_id else None
            base_levels = dict(linked.levels) if linked else {}
            key = linked.key if linked else aid
        else:
            base_levels = {(to_int(lv.get(_W + "ilvl"), 0) or 0): _level(lv) for lv in a.iter(_W + "lvl")}
            key = aid
        overrides = n.findall(_W + "lvlOverride")
        for ov in overrides:
            ilvl = to_int(ov.get(_W + "ilvl"), 0) or 0
            lv = ov.find(_W + "lvl")
            if lv is not None:
                base_levels[ilvl] = _level(lv)
            so = to_int(wval(ov, "startOverride"))
            if so is not None:
                cur = base_levels.get(ilvl, Level())
                base_levels[ilvl] = Level(cur.fmt, cur.text, so, cur.restart, cur.is_lgl, cur.pstyle)
        out = _List(key=f"num:{num_id}" if overrides else key, levels=base_levels)
        self._lists[num_id] = out
        return out

    def ilvl_for_style(self, num_id: str, style_id: str | None) -> int | None:
        """The level whose w:pStyle names this style (style-linked list levels)."""
        lst = self._list(num_id)
        if lst is None or not style_id:
            return None
        return next((i for i, lv in lst.levels.items() if lv.pstyle == style_id), None)

    def advance(self, num_id: str | None, ilvl: int) -> str | None:
        """Count one item at `ilvl` of list `num_id` and return its label ("1.", "a)", "•"), or None."""
        if not num_id or num_id == "0":
            return None
        lst = self._list(num_id)
        if lst is None:
            return None
        lv = lst.levels.get(ilvl)
        if lv is None:
            return None
        counters = self._counters.setdefault(lst.key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else lv.start
        for deeper in [k for k in counters if k > ilvl]:
            r = lst.levels.get(deeper, Level()).restart
            if r is None or (r != 0 and ilvl < r):
                del counters[deeper]
        if lv.fmt == "bullet":
            return "•"
        if lv.fmt == "none" or not lv.text:
            return None

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            ref = lst.levels.get(k, Level())
            value = counters.get(k, ref.start)
            return format_number(value, "decimal" if lv.is_lgl else ref.fmt)

        label = _PLACEHOLDER.sub(sub, lv.text).strip()
        return label or None


def format_number(n: int, fmt: str) -> str:
    """One counter value in Word's numFmt; unknown formats fall back to decimal."""
    if fmt in ("lowerLetter", "upperLetter"):
        if n < 1 or n > 26 * 20:  # hostile start values must not build huge strings
            return str(n)
        ch = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)  # Word: y, z, aa, bb
        return ch if fmt == "lowerLetter" else ch.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        r = _roman(n)
        return r.lower() if fmt == "lowerRoman" else r
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if fmt == "bullet":
        return "•"
    return str(n)


def _roman(n: int) -> str:
    if n < 1 or n > 3999:
        return str(n)
    out = []
    for value, sym in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
