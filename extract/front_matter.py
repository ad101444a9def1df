"""What page 1 of a UN document prints above its body: own symbol, issue/adoption dates, title, draft flag.

UN documents (General Assembly, Security Council, ECOSOC; resolutions, drafts, reports, budget sections) share
one masthead: "United Nations <symbol>", "Distr.: General <date>", the session and agenda item(s), the agenda
item title(s), then the document's own title block. The PDF reader may keep those lines as the first blocks
of page 1 or move them to `Document.header_text`, and print-shop furniture (job number, barcode) may or may
not be stripped yet; so we read one list of "front lines" made of both, and never the body's later dates.
Patterns live in schemas/data/doc_cues.json `un_front` (schemas/rules.py: UNFrontCues).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from pydantic import BaseModel

from extract.text import normalize_text
from schemas.models import Block, Document
from schemas.rules import DocCues, UNFrontCues, load_rules

_FRONT_BLOCKS = 40  # page-1 blocks read when the parser knows no pages (DOCX)
_FRONT_WORDS = 60  # a block this long is body text: the masthead is over


class UNFront(BaseModel):
    """The front matter as read; every field None when the document does not print it."""

    symbol: str | None = None
    issue_date: str | None = None  # "Distr.: General 8 December 2025"
    adoption_date: str | None = None  # "Resolution adopted by the General Assembly on 5 December 2025"
    title: str | None = None
    adopting_body: str | None = None  # "General Assembly" when the body opens "The General Assembly,"
    draft: bool = False


def un_cues() -> UNFrontCues:
    return load_rules(DocCues).un_front


@lru_cache(maxsize=1)
def symbol_pattern() -> re.Pattern[str]:
    """A UN symbol: organ, slash-separated parts, an optional "(Sect. 3)" part with its own /Add.1, and the
    Security Council's "(2015)" year."""
    c = un_cues()
    organs = "|".join(sorted(c.symbol_organs, key=len, reverse=True))
    parts = "|".join(c.symbol_parts)
    return re.compile(
        rf"(?<![\w/])(?:{organs})(?:/[A-Z0-9][A-Za-z0-9.\-]*)+"
        rf"(?:\s?\((?:{parts})\.\s?[\dIVX]+\)(?:/[A-Z][a-z]*\.\s?\d+)*)?"
        r"(?:\s\((?:19|20)\d{2}\))?"
    )


def find_symbols(text: str) -> list[tuple[int, int, str]]:
    """(start, end, symbol) of UN symbols in `text`, trailing sentence punctuation dropped."""
    out = []
    for m in symbol_pattern().finditer(text):
        sym = m.group(0).rstrip(".,;:-")
        if re.search(r"\d", sym) and "/" in sym:
            out.append((m.start(), m.start() + len(sym), sym))
    return out


@lru_cache(maxsize=4096)
def symbol_part(symbol: str | None) -> str | None:
    """The part of a series a UN symbol names ("A/80/6 (Sect. 25)" -> "Sect 25"; "A/80/6 (Part VIII)" ->
    "Part VIII"), else None. Fascicles of one budget share everything but this part, and each is a document
    of its own: section 25 of one year continues section 25 of the year before, never section 6."""
    parts = "|".join(un_cues().symbol_parts)
    m = re.search(rf"\(({parts})\.?\s?([\dIVX]+[A-Z]?)\)", symbol or "", re.IGNORECASE)
    return f"{m.group(1).capitalize()} {m.group(2).upper()}" if m else None


def is_un_symbol(symbol: str | None) -> bool:
    return bool(symbol) and any(s == symbol for _, _, s in find_symbols(symbol or ""))


def is_draft_symbol(symbol: str | None) -> bool:
    return bool(symbol) and re.search(r"/L\.\d", symbol or "") is not None


def is_resolution_symbol(symbol: str | None) -> bool:
    return bool(symbol) and "/RES/" in (symbol or "")


# --- front lines -------------------------------------------------------------------------------------------


def front_lines(doc: Document) -> list[str]:
    """Header text lines, then page-1 blocks up to the first body-length paragraph (the masthead region)."""
    lines = [normalize_text(t) for t in (doc.header_text or "").splitlines() if t.strip()]
    blocks: list[Block] = [b for b in doc.blocks if b.text.strip()]
    if any(b.page for b in blocks):
        blocks = [b for b in blocks if b.page == 1]
    for b in blocks[:_FRONT_BLOCKS]:
        text = normalize_text(b.text)
        if len(text.split()) > _FRONT_WORDS:
            break
        lines.append(text)
    return lines


def page_one_text(doc: Document) -> list[str]:
    """Every line of page 1 (header text and blocks), for the adoption line that may sit below the body."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    if any(b.page for b in blocks):
        blocks = [b for b in blocks if b.page == 1]
    else:
        blocks = blocks[:_FRONT_BLOCKS]
    return [normalize_text(t) for t in (doc.header_text or "").splitlines() if t.strip()] + [
        normalize_text(b.text) for b in blocks
    ]


def own_un_symbol(lines: list[str]) -> str | None:
    """The symbol a line opens or closes with ("United Nations A/RES/80/101", running heads "A/RES/80/101
    Question of ..."); a symbol inside brackets or a sentence is cited. Most frequent wins (running heads
    repeat the own symbol), ties to the first seen."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, line in enumerate(lines):
        for start, end, sym in find_symbols(line):
            before, after = line[:start], line[end:]
            cited = before.rstrip().endswith(("(", "resolution", "document"))
            if "(" in before[-2:] or "[" in before or cited:
                continue
            opens = not before.strip() or before.strip().lower() in ("united nations", "nations unies")
            closes = not after.strip(" .")
            if opens or closes:
                counts[sym] += 1
                first.setdefault(sym, i)
    if not counts:
        return None
    return max(counts, key=lambda s: (counts[s], -first[s]))


# --- dates -------------------------------------------------------------------------------------------------


def _dates_in(text: str) -> list[str]:
    from extract.classify import iso_date

    from_re = re.compile(r"\b\d{1,2}\s+[A-Z][a-z]+\.?\s+\d{4}\b")
    return [d for m in from_re.finditer(text) if (d := iso_date(m.group(0))) and len(d) == 10]


def issue_date(lines: list[str]) -> str | None:
    """The full date on the "Distr.:" line or on one of the next two lines (DOCX headers put an "Original:"
    line and a second, earlier date after it)."""
    cue = re.compile(un_cues().issue_date_cue)
    for i, line in enumerate(lines):
        m = cue.search(line)
        if not m:
            continue
        for nxt in [line[m.end() :]] + lines[i + 1 : i + 3]:
            found = _dates_in(nxt)
            if found:
                return found[0]
    return None


def adoption_date(lines: list[str]) -> str | None:
    """The adoption date: "Resolution adopted by the General Assembly on <date>", the Security Council's
    "Adopted by ... on <date>" or the closing "<n>th plenary meeting <date>". A reader may break the line
    before "on <date>", so each line is read together with the next one."""
    for cue in un_cues().adoption_cues:
        pat = re.compile(cue)
        for i, line in enumerate(lines):
            joined = " ".join(lines[i : i + 2])
            m = pat.search(joined)
            if m and m.start() < len(line):
                found = _dates_in(joined[m.end() :])
                if found:
                    return found[0]
    return None


def closing_date(blocks: list[Block]) -> str | None:
    """The date of the closing "<n>th plenary meeting <date>" line, searched from the end of the body."""
    pat = re.compile(un_cues().adoption_cues[-1])
    for b in reversed(blocks):
        text = normalize_text(b.text)
        m = pat.search(text)
        if m and len(text.split()) <= 12:
            found = _dates_in(text[m.end() :])
            if found:
                return found[0]
    return None


# --- title ------------------------------------------------------------------------------------------

_RES_TITLE = re.compile(r"^\d{1,3}/\d{1,4}(?:\s?[A-Z])?\.\s+(.+)$")  # "80/101. Question of Tokelau"


def is_furniture(line: str) -> bool:
    """Masthead and print-shop lines that are never a title."""
    low = line.lower()
    return bool(
        re.match(r"^\d{2}-\d{5}\b", line)
        or re.match(r"^\*\d{5,}\*$", line)
        or re.match(r"^\d+/\d+(?:\s+\d{2}-\d{5})?$", line)
        or re.match(r"^(?:united nations|general assembly|security council|economic and social)\b", low)
        or low.startswith(("distr.", "original:", "english", "advance unedited", "please recycle"))
        or re.fullmatch(r"(?:resumed\s+)?[\w\-]+\s+(?:special\s+)?session", low)
        or re.match(r"^\[.*\]$", line)
        or find_symbols(line) and len(line.split()) <= 4
    )


def _ends_title(last: str, nxt: str) -> bool:
    """The title stops before the adopting line, furniture, a symbol, a long line, or after punctuation."""
    return (
        last.rstrip()[-1:] in ".;:,"
        or bool(re.match(un_cues().adopting_line, nxt))
        or is_furniture(nxt)
        or bool(find_symbols(nxt))
        or len(nxt.split()) > 30
    )


def _merge_labels(lines: list[str]) -> list[str]:
    """"Section 4" + "Disarmament" (Word splits the label from its name) -> "Section 4 Disarmament"."""
    labels = "|".join(un_cues().structure_labels)
    out: list[str] = []
    for line in lines:
        if out and re.fullmatch(rf"(?:{labels})\s+[\dIVXLC]+[A-Z]?", out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def un_title(lines: list[str], symbol: str | None) -> str | None:
    """The title block. A resolution prints "80/101. <title>"; a draft prints its title after "... draft
    resolution"; other documents print, after the agenda line, the agenda item title(s) (one per item number)
    then their own title, stopping at "Report of the ...", "Contents", "Summary". A budget section's title
    keeps its own part line ("Section 4 Disarmament"), named by the "(Sect. 4)" of its symbol."""
    c = un_cues()
    for i, line in enumerate(lines):
        m = _RES_TITLE.match(line)
        if m:
            parts = [m.group(1).strip()]
            for nxt in lines[i + 1 : i + 4]:  # a title wrapped over lines, up to the adopting body
                if _ends_title(parts[-1], nxt):
                    break
                parts.append(nxt)
            return " ".join(parts)
    for i, line in enumerate(lines):
        if any(cue in line.lower() for cue in c.draft_cues) and i + 1 < len(lines):
            nxt = lines[i + 1]
            if not is_furniture(nxt) and not re.match(c.adopting_line, nxt):
                return nxt
    agenda = next((i for i, line in enumerate(lines) if re.match(c.agenda_line, line)), None)
    if agenda is None:
        return None
    n_items = max(1, len(re.findall(r"\b\d+\b", lines[agenda].split("*")[0])))
    block: list[str] = []
    for line in lines[agenda + 1 :]:
        low = line.lower()
        if any(low.startswith(s) for s in c.title_stop) or len(line.split()) > 30:
            break
        if is_furniture(line):
            continue
        block.append(line)
    block = _merge_labels(block)
    if len(block) <= n_items:
        return block[0] if block else None
    own = block[n_items:]
    title = own[0]
    part = re.search(r"\((Sect|Part|Vol|Chap)\.\s?([\dIVX]+)\)", symbol or "")
    if part:
        word = {"Sect": "Section", "Part": "Part", "Vol": "Volume", "Chap": "Chapter"}[part.group(1)]
        tail = next((x for x in own[1:] if re.match(rf"{word}\s+{part.group(2)}\b", x)), None)
        if tail:
            title = f"{title}, {tail}"
    return title


# --- entry point ------------------------------------------------------------------------------------


def read_un_front(doc: Document) -> UNFront:
    """Everything the UN masthead says; an ITU or unrelated document yields an empty UNFront."""
    c = un_cues()
    lines = front_lines(doc)
    symbol = own_un_symbol(lines)
    body_lines = page_one_text(doc)
    adopting = re.compile(c.adopting_line)
    body = next(
        (m.group(0).strip(" ,")[4:] for line in body_lines if (m := adopting.match(line))), None
    )
    draft = is_draft_symbol(symbol) or any(
        cue in line.lower() for line in lines[:30] for cue in c.draft_cues
    )
    if symbol is None and body is None:
        return UNFront()
    blocks = [b for b in doc.blocks if b.text.strip()]
    adoption = None
    if not draft:
        adoption = adoption_date(lines) or (closing_date(blocks) if body else None)
    return UNFront(
        symbol=symbol,
        issue_date=issue_date(lines),
        adoption_date=adoption,
        title=un_title(lines, symbol),
        adopting_body=body if body in c.un_bodies or is_un_symbol(symbol) else None,
        draft=bool(draft and body),
    )
