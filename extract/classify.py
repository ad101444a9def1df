"""What a parsed document is: kind, title, own symbol, edition year, date, and the resolution it concerns.

Works on the blocks and header text every parser yields, so PDF, DOCX and TXT of one document classify alike.
Cue words live in schemas/data/doc_cues.json.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from extract.dates import month_numbers
from extract.front_matter import UNFront, is_furniture, is_resolution_symbol, read_un_front
from extract.text import normalize_text, sentence_spans
from schemas.models import Block, Document
from schemas.rules import BudgetKinds, Common, DocCues, load_rules

_FRONT_BLOCKS = 30  # "title / first pages" when the parser knows no pages (DOCX, TXT)
_FRONT_PAGES = 3


def cues() -> DocCues:
    return load_rules(DocCues)


@lru_cache(maxsize=1)
def adopting_line() -> re.Pattern[str]:
    """An ITU body adopting a resolution, alone on its line: "The Plenipotentiary Conference (...),"."""
    return re.compile(cues().itu_adopting_line)


def _month_alt() -> str:
    return "|".join(sorted(month_numbers(), key=len, reverse=True))


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern.replace("MONTH", f"(?:{_month_alt()})"), flags)


def month_number(name: str) -> int:
    return next(n for m, n in month_numbers().items() if m.lower() == name.lower())


def iso_date(text: str) -> str | None:
    """"27 March 2026" -> "2026-03-27"; "February 2025" -> "2025-02"; else None."""
    m = _re(r"\b(\d{1,2})\s+(MONTH)\s+(\d{4})\b").search(text)
    if m:
        return f"{m.group(3)}-{month_number(m.group(2)):02d}-{int(m.group(1)):02d}"
    m = _re(r"\b(MONTH)\s+(\d{4})\b").search(text)
    if m:
        return f"{m.group(2)}-{month_number(m.group(1)):02d}"
    return None


# --- own symbol, date and year ---------------------------------------------------------------------------

# "Document C26/27-E": the language suffix marks the document's own symbol line in ITU headers.
_SYMBOL = re.compile(
    r"\b(?:Document\s+)?((?:C|PP|CWG-[A-Z]+-?)\s?(\d{2})/(\d{1,4})(?:\(Rev\.\s?\d\))?)-[EFSARC]\b"
)
_SYMBOL_PLAIN = re.compile(r"\bDocument\s+((?:C|PP)-?(\d{2})/(\d{1,4}))\b")


def own_symbol(doc: Document) -> tuple[str, int] | None:
    """(symbol, year) from the document's own header only: a symbol cited in References is another document.

    Accepts the header text, or the cells of a first-page header table (before any heading) when the symbol
    carries its language suffix ("-E"), which a citation never does."""
    sources = [doc.header_text or ""]
    for b in doc.blocks:
        if b.kind == "heading":
            break
        if b.kind == "table_cell" and b.table in (0, 1, None):
            sources.append(b.text)
    for i, text in enumerate(sources):
        m = _SYMBOL.search(text) or (_SYMBOL_PLAIN.search(text) if i == 0 else None)
        if m:
            return m.group(1).replace(" ", ""), 2000 + int(m.group(2))
    return None


def header_date(header: str) -> str | None:
    """The issue date in the header: a full date that does not end a meeting range ("28 April - 8 May")."""
    found = []
    for m in _re(r"\b(\d{1,2})\s+(MONTH)\s+(\d{4})\b").finditer(header):
        before, after = header[max(0, m.start() - 3) : m.start()], header[m.end() : m.end() + 3]
        if re.search(r"[-–]\s*$", before) or re.match(r"\s*[-–]", after):
            continue
        found.append(iso_date(m.group(0)))
    return found[-1] if found else None


def content_year(blocks: list[Block]) -> int | None:
    """Edition year from the body when no header states it.

    A report narrates what happened up to shortly before it was issued, and also announces plans. So: take
    dated events (day-month-year or month-year) in sentences without a future cue ("planned", "to be held",
    "will", ...) and return the latest year among them. Without such dates, the most frequent bare year of
    past-tense sentences (ties -> the later), ignoring year ranges like "2026-2036" that are plan horizons."""
    future = re.compile(r"\b(?:" + "|".join(re.escape(c) for c in cues().future_cues) + r")\b", re.I)
    dated = _re(r"\b(?:\d{1,2}\s+)?(?:MONTH)\s+(\d{4})\b")
    bare = re.compile(r"(?<![\d/\-–‑])((?:19|20)\d{2})(?![\d/\-–‑])")
    event_years: list[int] = []
    bare_years: Counter[int] = Counter()
    for b in blocks:
        for s in (b.text[i:j] for i, j in sentence_spans(b.text, at_semicolons=True)):
            if future.search(s):
                continue
            event_years += [int(y) for y in dated.findall(s)]
            bare_years.update(int(y) for y in bare.findall(s))
    if event_years:
        return max(event_years)
    if bare_years:
        return max(bare_years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    return None


# --- kind ------------------------------------------------------------------------------------------------

_RES_HEADING = re.compile(r"^(?:RESOLUTION|Resolution)\s+(\d{1,4})\b\s*(?:\((.*)\))?\s*$")
_RES_HEADING_INLINE = re.compile(r"^Resolution\s+(\d{1,4})\s*\((?:adopted|Mod\.|Rev\.)", re.I)
_VERSION = re.compile(r"^((?:Mod|Rev)\.\s*.*?\d{4})", re.I)


def front_blocks(doc: Document) -> list[Block]:
    """Title and first pages: where a document says what it is."""
    body = [b for b in doc.blocks if b.text.strip()]
    if doc.pages and any(b.page for b in body):
        return [b for b in body if b.page is not None and b.page <= _FRONT_PAGES][:200]
    return body[:_FRONT_BLOCKS]


def resolution_heading(blocks: list[Block]) -> tuple[int, str, str | None] | None:
    """(block index, number, version) of a "RESOLUTION 1408" heading among the first blocks."""
    for i, b in enumerate(blocks[:6]):
        text = normalize_text(b.text)
        m = _RES_HEADING.match(text) or _RES_HEADING_INLINE.match(text)
        if not m:
            continue
        paren = m.group(2) if m.re is _RES_HEADING else None
        if paren is None and i + 1 < len(blocks):
            nxt = re.match(r"^\((.*)\)$", normalize_text(blocks[i + 1].text))
            paren = nxt.group(1) if nxt else None
        version = _VERSION.match(paren or "")
        return i, m.group(1), version.group(1) if version else None
    return None


def _has(text: str, phrases: list[str]) -> bool:
    low = text.lower()
    return any(re.search(r"\b" + re.escape(p) + r"\b", low) for p in phrases)


def is_report(doc: Document, front: list[Block]) -> bool:
    c = cues()
    texts = [doc.header_text or ""] + [b.text for b in front[:15]]
    if any(_has(t, c.report_cues) for t in texts):
        return True
    starts = {w for b in front for w in c.summary_box_cues if b.text.strip().lower().startswith(w)}
    return len(starts) == len(c.summary_box_cues)


def is_assessment(doc: Document, front: list[Block]) -> bool:
    text = " ".join([doc.title or "", doc.header_text or ""] + [b.text for b in front])
    return _has(text, cues().assessment_cues) or re.search(r"\bRDNA\s?-?\d*\b", text) is not None


# --- title, resolution cited, assessment edition ----------------------------------------------------------

_QUOTED = re.compile(r"[“\"]([^”\"]{8,250})[”\"]")


def resolution_title(blocks: list[Block], start: int) -> str | None:
    """The lines between "RESOLUTION N" (and its "(adopted ...)" line) and the adopting body ("The ITU
    Council,"): Word and PDF may break the title over two lines."""
    parts: list[str] = []
    for b in blocks[start + 1 : start + 6]:
        text = normalize_text(b.text)
        if adopting_line().match(text) or b.label or len(parts) == 3:
            break
        if text.startswith("(") and text.endswith(")") and not parts:
            continue
        parts.append(text)
    return " ".join(parts) or None


def caps_title(front: list[Block]) -> str | None:
    """Consecutive all-capitals lines near the top (the ITU report title), joined."""
    parts: list[str] = []
    for b in front:
        letters = [c for c in b.text if c.isalpha()]
        caps = len(b.text.split()) >= 3 and letters and all(c.isupper() for c in letters)
        if caps and b.kind != "table_cell" and not _RES_HEADING.match(b.text.strip()):
            parts.append(normalize_text(b.text))
        elif parts:
            break
    return " ".join(parts) or None


def cited_resolution(blocks: list[Block]) -> tuple[str | None, str | None]:
    """(number, version) of the resolution a report is about: the one it cites most; version as cited
    right after it ("Resolution 1408 (Mod. 2023)")."""
    counts: Counter[str] = Counter()
    for b in blocks:
        counts.update(re.findall(r"\bResolution\s+(\d{1,4})\b", b.text))
    if not counts:
        return None, None
    number = counts.most_common(1)[0][0]
    version = None
    for b in blocks:
        m = re.search(rf"\bResolution\s+{number}\s*\(((?:Mod|Rev)\.[^)]*?\d{{4}})[^)]*\)", b.text)
        if m:
            version = normalize_text(m.group(1))
            break
    return number, version


def quoted_title(blocks: list[Block], number: str | None, caps: str | None) -> str | None:
    """A title in reader's case: the quoted title the body gives the resolution, matching `caps` if given."""
    for b in blocks:
        for m in _QUOTED.finditer(b.text):
            q = normalize_text(m.group(1)).rstrip(".,")
            if caps and q.casefold() == caps.casefold():
                return q
            lead = b.text[: m.start()]
            if not caps and number and re.search(rf"Resolution\s+{number}\b[^“\"]{{0,40}}$", lead):
                return q
    return None


def assessment_edition(front: list[Block]) -> int | None:
    text = " ".join(b.text for b in front)
    ords = load_rules(Common).ordinals
    for pattern in cues().assessment_editions:
        m = re.search(pattern.replace("ORDINAL", "|".join(ords)), text)
        if m:
            n = m.group(1)
            return int(n) if n.isdigit() else ords[n.lower()]
    return None


def assessment_cutoff(front: list[Block], blocks: list[Block]) -> str | None:
    """Figures' cut-off: the first "as of <date>" on the first pages, else the most stated one."""
    pat = _re(r"\bas of\s+((?:\d{1,2}\s+)?MONTH\s+\d{4})", re.I)
    for b in front:
        m = pat.search(b.text)
        if m:
            return iso_date(m.group(1))
    found = Counter(iso_date(m.group(1)) for b in blocks for m in pat.finditer(b.text))
    return found.most_common(1)[0][0] if found else None


def assessment_title(front: list[Block]) -> str | None:
    for b in front:
        if cues().assessment_title_cue in b.text.lower() and len(b.text.split()) <= 20:
            return normalize_text(b.text)
    return None


# --- entry point -------------------------------------------------------------------------------------------


def classify(doc: Document) -> Document:
    """Return a copy of `doc` with kind, title, symbol, year, date, resolution (and edition/cutoff for
    assessments) filled in; values already set by a parser are kept unless we know better."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    front = front_blocks(doc)
    un = read_un_front(doc)  # a UN symbol wins over a "Resolution 2231 (2015)" heading (Security Council)
    if un.symbol or (un.adopting_body and resolution_heading(blocks) is None):
        return _classify_un(doc, un, front)
    upd: dict = {}
    sym = own_symbol(doc)
    date = header_date(doc.header_text or "")
    if sym:
        upd["symbol"], upd["year"] = sym
    res = resolution_heading(blocks)
    if res:
        i, number, version = res
        upd.update(kind="resolution", resolution=number, title=resolution_title(blocks, i))
        if not sym:
            upd["symbol"] = itu_resolution_symbol(blocks, i, number)
        if version:
            upd["resolution_version"] = version
    elif is_report(doc, front) or sym:
        cited, cited_version = cited_resolution(blocks)
        caps = caps_title(front)
        title = quoted_title(blocks, cited, caps) or caps
        if not title:
            title = next((b.text for b in blocks if b.kind == "heading"), None)
        upd.update(kind="report", resolution=cited, resolution_version=cited_version, title=title)
    elif is_assessment(doc, front):
        upd.update(
            kind="assessment",
            title=assessment_title(front),
            edition=assessment_edition(front),
            cutoff=assessment_cutoff(front, blocks),
        )
        date = date or next((d for b in front[:10] if (d := iso_date(b.text))), None)
    if date:
        upd["date"] = date
    if "year" not in upd:
        upd["year"] = _year(doc, upd, date, blocks)
    keep = {k: v for k, v in upd.items() if v is not None or getattr(doc, k) is None}
    return doc.model_copy(update=keep)


def itu_resolution_symbol(blocks: list[Block], heading: int, number: str) -> str:
    """How ITU cites its own resolutions: "PP Resolution 34" when the Plenipotentiary Conference adopts it,
    "Resolution 1408" (Council and others); the version stays in `resolution_version`."""
    for b in blocks[heading + 1 : heading + 8]:
        text = normalize_text(b.text)
        if adopting_line().match(text):
            return f"PP Resolution {number}" if cues().pp_body in text.lower() else f"Resolution {number}"
    return f"Resolution {number}"


def _year(doc: Document, upd: dict, date: str | None, blocks: list[Block]) -> int | None:
    """Symbol year (handled by the caller), else the header's date or session ("Council 2026"), else for a
    resolution its version year ("Mod. 2023"), else the body's latest past event (see content_year)."""
    if date:
        return int(date[:4])
    bodies = "|".join(b.capitalize() for b in cues().adopting_bodies)
    m = re.search(rf"\b(?:{bodies})\s+((?:19|20)\d{{2}})\b", doc.header_text or "")
    if m:
        return int(m.group(1))
    v = re.search(r"(\d{4})", upd.get("resolution_version") or "")
    if upd.get("kind") == "resolution" and v:
        return int(v.group(1))
    return content_year(blocks)


def fallback_title(front: list[Block]) -> str | None:
    """Without a title block: the first heading that is not masthead or print-shop furniture (never the
    print-job line "24-09482 (E) 140824")."""
    for b in front[:40]:
        text = normalize_text(b.text)
        if b.kind == "heading" and len(text.split()) >= 2 and not is_furniture(text):
            return text
    return None


def _classify_un(doc: Document, un: UNFront, front: list[Block]) -> Document:
    """A UN document: kind from the adopting body and the symbol; date and year from the adoption date for a
    resolution, else the "Distr.:" issue date (never a date of the body); title from the title block."""
    resolution = un.adopting_body is not None and (
        is_resolution_symbol(un.symbol) or un.draft or un.adoption_date is not None or un.symbol is None
    )
    if resolution:
        kind = "resolution"
        date = un.adoption_date or un.issue_date
    else:
        kind = "assessment" if is_assessment(doc, front) and not un.symbol else "report"
        date = un.issue_date
    upd = {
        "kind": kind,
        "symbol": un.symbol,
        "title": un.title or fallback_title(front),
        "date": date,
        "year": int(date[:4]) if date else None,
        "draft": un.draft,
        "resolution": un.symbol if resolution else None,
    }
    if upd["year"] is None:
        upd["year"] = content_year([b for b in doc.blocks if b.text.strip()])
    keep = {k: v for k, v in upd.items() if v is not None or getattr(doc, k) is None}
    return doc.model_copy(update=keep)


def is_budget_document(doc: Document) -> bool:
    """A budget section or financing resolution: enough budget phrases in its title and text. The budget
    details (appropriation, decrease, ...) replace the cue-word metric only in such documents (figures),
    and compare reads budget parts only there. Here, not in extract.figures: that module loads spaCy."""
    rules = load_rules(BudgetKinds)
    text = " ".join([doc.title or "", *(b.text for b in doc.blocks)]).lower()
    hits = sum(1 for cue in rules.budget_context if cue in text)
    return hits >= rules.budget_context_min_hits
