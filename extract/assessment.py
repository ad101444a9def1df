"""Rapid Damage and Needs Assessments (RDNA): sector chapters, and damage/losses/needs tables as figures.

RDNAs are long multi-sector reports; users want one sector (telecommunications) and its tables. So:
- tag_chapters: every block gets the sector chapter it sits in, named canonically across editions
  ("Telecommunications" in RDNA2 and "Telecommunications, Digital, and Media" in RDNA4 are one chapter).
- table_figures: each numeric cell of a table whose columns are damage / losses / needs / total and whose
  unit ("US$ million") is stated in a header or caption becomes a Figure, scaled to full units, with the
  row label as subject and parts_of pointing at the table's Total row so sums can be checked.
Works on the table_cell blocks (table/row/col) any parser yields. Rules: schemas/data/rdna.json.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from extract.money import NUMBER, parse_number
from extract.text import normalize_text
from schemas.models import Block, Document, Figure, Metric, Period
from schemas.rules import Common, Currencies, Rdna, load_rules

_CELL = re.compile(rf"^\(?\s*(?P<neg>[-−–])?\s*(?P<num>{NUMBER})\s*\)?\s*(?:[*†‡]+|[a-z])?$")
_LEAD_NUMBER = re.compile(
    r"^(?:(?i:chapter|section|part)\s+)?(?P<n>\d{1,2}(?:\.\d{1,2})*|[IVX]{1,6})(?:[.):]|\s*[-–—:])?\s+(?=\S)"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_SPAN = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[-–—‑/]\s*((?:19|20)\d{2})(?!\d)")


def rules() -> Rdna:
    return load_rules(Rdna)


# --- chapters -----------------------------------------------------------------------------------------------


def _key(text: str) -> str:
    """Order-free word key of a heading: "Telecommunications, Digital, and Media sector" ->
    "digital media telecommunications"."""
    text = normalize_text(text).lower().replace("&", " and ")
    text = re.sub(r"\(.*?\)", " ", text)
    words = re.findall(r"[a-z][a-z'-]*", text)
    words = [w for w in words if w not in ("and", "the", "of")]
    while words and words[-1] in ("sector", "sectors", "subsector"):
        words.pop()
    return " ".join(sorted(words))


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """Word key -> canonical name, for sectors and for other (non-sector) chapters."""
    r = rules()
    sectors = {_key(f): name for name, forms in r.sectors.items() for f in [name, *forms]}
    others = {_key(f): name for name, forms in r.other_chapters.items() for f in [name, *forms]}
    return sectors, others


def _strip_number(text: str) -> tuple[str | None, str]:
    """("3.9", "Telecommunications") from "3.9 Telecommunications"; (None, text) when unnumbered. Roman
    numbers need a mark ("II. Sectors", "Part II") so a word like "VI" or "CIVIL" is not one."""
    text = normalize_text(text)
    m = _LEAD_NUMBER.match(text)
    if m is None:
        return None, text
    n = m.group("n")
    marked = bool(re.match(r"(?i)(?:chapter|section|part)\s", text)) or m.group(0).rstrip()[-1] in ".):-–—"
    if n.isalpha() and not marked:
        return None, text
    return n, text[m.end() :].strip()


def sector_of(heading: str) -> str | None:
    """Canonical sector chapter a heading names ("TELECOMMUNICATIONS" -> "Telecommunications, Digital, and
    Media"), else None. The whole heading must name it: "Damage to telecommunications" does not."""
    _, title = _strip_number(heading)
    if re.search(r"\d|\.{2,}|…", title):  # a table-of-contents line or a caption, not a heading
        return None
    return _names()[0].get(_key(title))


def _other_chapter(title: str) -> tuple[str | None, bool]:
    """(name, strong) of a non-sector chapter: "Annex 2: ..." (strong: always a chapter) or a known name
    like "Summary" (weak: inside a sector chapter it may be a sub-heading)."""
    low = title.lower()
    if any(re.match(rf"{re.escape(p)}\b", low) for p in rules().other_chapter_prefixes):
        return normalize_text(title), True
    return _names()[1].get(_key(title)), False


def _top_number(n: str | None) -> int | None:
    """3 for "3" or "III"; None for "3.2" (a sub-section) or no number."""
    if not n or "." in n:
        return None
    if n.isdigit():
        return int(n)
    vals = {"I": 1, "V": 5, "X": 10}
    total = 0
    for a, b in zip(n, n[1:] + " ", strict=True):
        v = vals[a]
        total += -v if b != " " and vals[b] > v else v
    return total


def _own_number(doc: Document, i: int) -> str | None:
    """The number a heading carries: in its text ("4 Transport") or, when a parser moved it out of the text
    (TXT, Word auto-numbering), the section the heading opens."""
    b = doc.blocks[i]
    n, _ = _strip_number(b.text)
    if n:
        return n
    if b.label and re.fullmatch(r"\d{1,2}[.)]?", b.label.strip()):
        return b.label.strip().rstrip(".)")
    if b.section and (i == 0 or doc.blocks[i - 1].section != b.section):
        return b.section
    return None


def tag_chapters(doc: Document) -> Document:
    """A copy of `doc` whose blocks carry the chapter they belong to (None before the first chapter).

    A chapter opens at a heading naming a known sector, a known non-sector chapter (Overview, Annex ...), or
    a numbered top-level heading whose number follows the previous one (so a bold "1." inside a chapter is
    not a chapter). When heading levels are informative (Word styles), a sector heading deeper than the
    current sector chapter's is a sub-topic and a shallower unknown heading ("Infrastructure sectors") closes
    the chapter; with flat levels (many PDFs) only the signals above decide."""
    headings = [b for b in doc.blocks if b.kind == "heading" and b.level >= 1]
    leveled = len({b.level for b in headings}) > 1
    chapter: str | None = None
    level = 99
    is_sector = False
    last_number = 0
    out: list[Block] = []
    skip_next = False
    for i, b in enumerate(doc.blocks):
        if b.kind == "heading" and not skip_next:
            name, joined = _heading_sector(doc, i)
            skip_next = joined
            n = _top_number(_own_number(doc, i))
            numbered = n is not None and n > last_number and (not leveled or b.level <= level)
            shallower = leveled and b.level <= level
            if name:
                if not (leveled and is_sector and b.level > level and name != chapter):
                    chapter, level, is_sector = name, b.level, True
                if n:
                    last_number = max(last_number, n)
            else:
                _, title = _strip_number(b.text)
                other, strong = _other_chapter(title)
                if other and (strong or not is_sector or shallower or (numbered and not leveled)):
                    chapter, level, is_sector = other, b.level, False
                    last_number = max(last_number, n or 0)
                elif numbered and title[:1].isupper():
                    chapter, level, is_sector = normalize_text(title), b.level, False
                    last_number = n or last_number
                elif leveled and chapter and b.level < level:
                    chapter, level, is_sector = None, 99, False
        else:
            skip_next = False
        out.append(b.model_copy(update={"chapter": chapter}) if b.chapter != chapter else b)
    return doc.model_copy(update={"blocks": out})


def _heading_sector(doc: Document, i: int) -> tuple[str | None, bool]:
    """Sector named by heading i, or by it joined with the next heading (a title a PDF broke over two
    lines); the bool says the next heading was used."""
    name = sector_of(doc.blocks[i].text)
    if name:
        return name, False
    nxt = doc.blocks[i + 1] if i + 1 < len(doc.blocks) else None
    if nxt is not None and nxt.kind == "heading" and nxt.page == doc.blocks[i].page:
        name = sector_of(doc.blocks[i].text + " " + nxt.text)
        if name:
            return name, True
    return None, False


# --- units --------------------------------------------------------------------------------------------------


class Unit(NamedTuple):
    currency: str  # ISO 4217
    factor: float  # 1e6 for "million"
    text: str  # as written: "US$ million"


def _alt(items: list[str]) -> str:
    return "|".join(re.escape(i).replace(r"\ ", r"\s+") for i in sorted(set(items), key=len, reverse=True))


@lru_cache(maxsize=1)
def _unit_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, str], dict[str, float]]:
    """Currency-then-scale, scale-then-currency, and a bare parenthesised currency, from the money data."""
    data = load_rules(Currencies)
    forms: dict[str, str] = {}
    for c in data.currencies:
        for f in [c.code, *c.symbols, *c.names]:
            forms.setdefault(f.lower(), c.code)
    scales = {k.lower(): float(v) for k, v in data.scales.items()}
    cur = rf"(?<![A-Za-z])(?:{_alt(list(forms))})(?![A-Za-z])"
    scale = rf"(?<![A-Za-z])(?:{_alt(list(scales))})(?![A-Za-z])"
    between = rules().unit_between
    flags = re.IGNORECASE
    cur_scale = re.compile(rf"(?P<cur>{cur}){between}(?P<scale>{scale})", flags)
    scale_cur = re.compile(rf"(?P<scale>{scale}){between}(?P<cur>{cur})", flags)
    bare = re.compile(rf"[(\[]\s*(?:in\s+)?(?P<cur>{cur})\s*[)\]]|\bin\s+(?P<cur2>{cur})\s*$", flags)
    return cur_scale, scale_cur, bare, forms, scales


def find_unit(text: str) -> Unit | None:
    """The unit a table header or caption states: "US$ million", "(USD, million)", "UAH mln", "in millions
    of US dollars", "(US$)"; None when it states none. An amount ("US$2.1 billion") is not a unit."""
    cur_scale, scale_cur, bare, forms, scales = _unit_res()
    text = normalize_text(text)
    hits = [m for p in (cur_scale, scale_cur) for m in p.finditer(text)]
    hits = [m for m in hits if not re.search(r"\d", m.group(0))]
    if hits:
        m = min(hits, key=lambda m: m.start())
        cur = re.sub(r"\s+", " ", m.group("cur")).lower()
        return Unit(forms[cur], scales[m.group("scale").lower()], m.group(0).strip(" ,;:()[]"))
    found = bare.search(text)
    if found:
        form = found.group("cur") or found.group("cur2")
        return Unit(forms[re.sub(r"\s+", " ", form).lower()], 1.0, form)
    return None


# --- tables -------------------------------------------------------------------------------------------------


class _Column(NamedTuple):
    header: str
    metric: Metric
    unit: Unit
    years: list[int]
    period: Period | None


def _has_cue(text: str, cues: list[str]) -> bool:
    low = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(c)}", low) for c in cues)


def _metric_of(header: str, default: Metric | None) -> Metric | None:
    """damage / losses / needs / total from a column header; "Damage and losses" is a total; a header with
    no cue (a "Public" column under a damage caption) takes the caption's metric."""
    cols = rules().columns
    if _has_cue(header, rules().skip_columns):
        return None
    named: list[Metric] = [m for m in ("damage", "losses", "needs") if _has_cue(header, cols[m])]
    if len(named) == 1:
        return named[0]
    if len(named) > 1 or (_has_cue(header, cols["total"]) and not default):
        return "total"
    if _has_cue(header, cols["total"]) or (header.strip() and default):
        return default
    return None


def _number(text: str) -> float | None:
    """1,234.5 / 1 234.5 / 2.48 / (12) -> float; "-", "n/a", words -> None."""
    t = normalize_text(text).strip()
    if t.lower() in load_rules(Common).none_cells:
        return None
    m = _CELL.match(t)
    if not m:
        return None
    value = parse_number(m.group("num"))
    if value is None:
        return None
    return -value if m.group("neg") else value


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:19|20)\d{2}\s*", text))


class _Grid:
    """One table's cells as text, keyed by (row, col); a cell split into several blocks is joined."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks: dict[tuple[int, int], list[Block]] = {}
        for b in blocks:
            self.blocks.setdefault((b.row or 0, b.col or 0), []).append(b)
        self.rows = sorted({r for r, _ in self.blocks})
        self.ncols = max((c for _, c in self.blocks), default=-1) + 1
        self.spans: dict[tuple[int, int], tuple[int, int]] = {}  # text tables: the cell's span in its block

    def text(self, r: int, c: int) -> str | None:
        bs = self.blocks.get((r, c))
        return None if bs is None else normalize_text(" ".join(b.text for b in bs))

    def numeric_row(self, r: int) -> bool:
        return any(
            (t := self.text(r, c)) is not None and _number(t) is not None and not _is_year(t)
            for c in range(1, self.ncols)
        )

    def header_rows(self) -> list[int]:
        out = []
        for r in self.rows:
            if self.numeric_row(r):
                break
            out.append(r)
        return out if len(out) < len(self.rows) else []

    def header(self, hrows: list[int], c: int) -> str:
        """Column header over all header rows; a missing cell in an upper row is spanned from the left."""
        parts: list[str] = []
        for k, r in enumerate(hrows):
            t = self.text(r, c)
            if t is None and k < len(hrows) - 1:
                left = [cc for cc in range(c - 1, 0, -1) if self.text(r, cc) is not None]
                t = self.text(r, left[0]) if left else None
            if t and t not in parts:
                parts.append(t)
        return " ".join(parts)


def _caption(doc: Document, first: int, last: int) -> tuple[list[str], list[str]]:
    """Texts of the non-table blocks just before and just after a table (caption, unit note, source)."""
    r = rules()
    def prose(bs: list[Block]) -> list[str]:
        return [b.text for b in bs if b.kind != "table_cell" and b.text.strip()]

    before = prose(doc.blocks[max(0, first - 8) : first])
    after = prose(doc.blocks[last + 1 : last + 6])
    return before[::-1][: r.caption_before], after[: r.caption_after]


def _caption_metric(texts: list[str]) -> Metric | None:
    cols = rules().columns
    named: list[Metric] = [
        m for m in ("damage", "losses", "needs") if any(_has_cue(t, cols[m]) for t in texts)
    ]
    return named[0] if len(named) == 1 else None


def _columns(grid: _Grid, hrows: list[int], unit: Unit | None, default: Metric | None) -> dict[int, _Column]:
    cols: dict[int, _Column] = {}
    for c in range(1, grid.ncols):
        header = grid.header(hrows, c)
        metric = _metric_of(header, default)
        col_unit = find_unit(header) or unit
        if not metric or not col_unit:
            continue
        years = sorted({int(y) for y in _YEAR.findall(header)})
        span = _SPAN.search(header)
        period = Period(start=span.group(1), end=span.group(2)) if span else None
        cols[c] = _Column(header or metric, metric, col_unit, years, period)
    return cols


def _row_kind(label: str) -> str:
    low = label.lower().strip(" :.*")
    if low in load_rules(Common).subtotal_rows:
        return "subtotal"
    if low in rules().total_rows or re.fullmatch(r"total\b.*", low):
        return "total"
    return "row"


def _clean_label(text: str) -> str:
    return re.sub(r"[\s*†‡:]+$", "", normalize_text(text)).strip()


def _table_groups(doc: Document) -> list[tuple[int, list[Block], int, int]]:
    """(table ordinal, cells, first index, last index) in document order."""
    groups: dict[int, tuple[list[Block], int, int]] = {}
    for i, b in enumerate(doc.blocks):
        if b.kind != "table_cell" or b.table is None:
            continue
        cells, first, _ = groups.get(b.table, ([], i, i))
        cells.append(b)
        groups[b.table] = (cells, first, i)
    return [(t, *v) for t, v in sorted(groups.items(), key=lambda kv: kv[1][1])]


def table_figures(doc: Document, offset: int = 0) -> list[Figure]:
    """Figures of every damage/losses/needs table of `doc`; parts_of indexes the returned list shifted by
    `offset` (the number of figures already listed before these in the document)."""
    out: list[Figure] = []
    prev: tuple[int, dict[int, _Column]] | None = None  # (column count, columns) of the last money table
    for _, cells, first, last in _table_groups(doc):
        grid = _Grid(cells)
        hrows = grid.header_rows()
        before, after = _caption(doc, first, last)
        header_text = " ".join(grid.text(r, c) or "" for r in hrows for c in range(grid.ncols))
        unit = find_unit(header_text) or next(
            (u for t in [*before, *after] if (u := find_unit(t))), None
        )
        cols = _columns(grid, hrows, unit, _caption_metric([*before[:1], header_text]))
        if not hrows and prev and prev[0] == grid.ncols:
            cols = prev[1]  # a table continued on the next page repeats no header
        if not cols and not hrows:
            continue
        flipped = _transposed(grid, hrows, unit, cols)
        if flipped:
            grid, cols = _transpose(grid), flipped
            hrows = [grid.rows[0]]
        if not cols:
            continue
        prev = (grid.ncols, cols)
        out += _grid_figures(doc, grid, hrows, cols, offset + len(out))
    for grid, hrows, cols in _text_tables(doc):
        out += _grid_figures(doc, grid, hrows, cols, offset + len(out))
    return out


_TOKEN = re.compile(r"\S+")


@lru_cache(maxsize=1)
def _text_header() -> re.Pattern[str]:
    """Two header words in a row: a cheap test before tokenising a paragraph."""
    word = "(?:" + "|".join(re.escape(w) for w in rules().text_table_headers) + ")"
    return re.compile(rf"(?i)(?<!\S){word}\s+{word}(?!\S)")


def _text_tables(doc: Document) -> list[tuple[_Grid, list[int], dict[int, _Column]]]:
    """Tables a parser left as running text ("Subsector Damage Losses Needs Mobile networks 940 1,120 2,640
    Total ..."): a header of two or more one-word metric columns, then rows of a label and one number (or
    "-") per column, the unit stated just before the header. One-word headers and comma thousands only."""
    words = rules().text_table_headers
    found = []
    for i, b in enumerate(doc.blocks):
        if b.kind == "table_cell" or b.kind == "heading" or not _text_header().search(b.text):
            continue
        toks = list(_TOKEN.finditer(b.text))
        j = 0
        while j < len(toks):
            k = j
            while k < len(toks) and toks[k].group(0).lower() in words:
                k += 1
            if k - j < 2:
                j += 1
                continue
            prior = " ".join(x.text for x in doc.blocks[max(0, i - 1) : i] if x.kind != "table_cell")
            unit = find_unit(b.text[max(0, toks[j].start() - 200) : toks[j].start()]) or find_unit(prior)
            metrics = [words[t.group(0).lower()] for t in toks[j:k]]
            grid, j = _text_rows(b, toks, k, len(metrics))
            if unit and len(grid.rows) > 1:
                cols = {c + 1: _Column(toks[k - len(metrics) + c].group(0), m, unit, [], None)
                        for c, m in enumerate(metrics)}
                found.append((grid, [0], cols))
    return found


def _text_rows(b: Block, toks: list[re.Match[str]], at: int, n: int) -> tuple[_Grid, int]:
    """Rows "label n1 .. nk" from token `at` on; returns the grid (row 0: header placeholder) and where the
    rows stopped."""
    grid = _Grid([b.model_copy(update={"text": "", "row": 0, "col": 0})])
    r = 1
    while at < len(toks):
        lab = at
        while lab < len(toks) and _number(toks[lab].group(0)) is None and toks[lab].group(0) not in "-–—":
            lab += 1
        nums = toks[lab : lab + n]
        if not 1 <= lab - at <= 8 or len(nums) < n:
            break
        if any(_number(t.group(0)) is None and t.group(0) not in "-–—" for t in nums):
            break
        label = b.text[toks[at].start() : toks[lab - 1].end()]
        grid.blocks[(r, 0)] = [b.model_copy(update={"text": label})]
        for c, t in enumerate(nums, start=1):
            grid.blocks[(r, c)] = [b.model_copy(update={"text": t.group(0)})]
            grid.spans[(r, c)] = (t.start(), t.end())
        grid.rows.append(r)
        r += 1
        at = lab + n
    grid.ncols = n + 1
    return grid, at


def _transpose(grid: _Grid) -> _Grid:
    t = _Grid([])
    t.blocks = {(c, r): bs for (r, c), bs in grid.blocks.items()}
    t.rows = sorted({r for r, _ in t.blocks})
    t.ncols = max((c for _, c in t.blocks), default=-1) + 1
    return t


def _transposed(
    grid: _Grid, hrows: list[int], unit: Unit | None, cols: dict[int, _Column]
) -> dict[int, _Column]:
    """Columns of the flipped table when its rows, not its columns, are the metrics (Damage / Needs rows,
    subsector columns); {} when the table reads the usual way."""
    if not hrows or unit is None:
        return {}
    t = _transpose(grid)
    flipped = _columns(t, [t.rows[0]], unit, None)
    specific = {"damage", "losses", "needs"}
    named = len({c.metric for c in flipped.values()} & specific)
    return flipped if named >= 2 and named > len({c.metric for c in cols.values()} & specific) else {}


def _grid_figures(
    doc: Document, grid: _Grid, hrows: list[int], cols: dict[int, _Column], base: int
) -> list[Figure]:
    out: list[Figure] = []
    label = ""
    rows_open: dict[int, list[int]] = {c: [] for c in cols}  # parts since the last (sub)total
    subs_open: dict[int, list[int]] = {c: [] for c in cols}  # subtotals waiting for the grand total
    open_total: dict[int, int | None] = {c: None for c in cols}  # a total row printed above its parts
    for r in grid.rows:
        if r in hrows:
            continue
        own = grid.text(r, 0)
        label = _clean_label(own) if own and _number(own) is None else label
        kind = _row_kind(label)
        for c, col in cols.items():
            bs = grid.blocks.get((r, c))
            text = grid.text(r, c)
            value = _number(text) if text is not None else None
            if bs is None or text is None or value is None:  # value is None whenever text is
                continue
            idx = len(out)
            start, end = grid.spans.get((r, c), (0, len(bs[0].text)))
            out.append(
                Figure(
                    start=start,
                    end=end,
                    text=bs[0].text if len(bs) == 1 else text,
                    amount=value * col.unit.factor,
                    currency=col.unit.currency,
                    doc_id=doc.id,
                    metric=col.metric,
                    years=col.years,
                    period=col.period,
                    subject=label or None,
                    chapter=bs[0].chapter,
                    page=bs[0].page,
                    block_id=bs[0].id,
                    sentence=f"{label} / {col.header} ({col.unit.text})",
                )
            )
            if kind == "subtotal":
                for p in rows_open[c]:
                    out[p].parts_of = base + idx
                rows_open[c], subs_open[c] = [], [*subs_open[c], idx]
            elif kind == "total":
                parts = subs_open[c] + rows_open[c]
                for p in parts:
                    out[p].parts_of = base + idx
                open_total[c] = None if parts else idx
                rows_open[c], subs_open[c] = [], []
            else:
                total = open_total[c]
                if total is not None:
                    out[idx].parts_of = base + total
                else:
                    rows_open[c].append(idx)
    return out
