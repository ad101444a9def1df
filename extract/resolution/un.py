"""The clause catalogue of a UN resolution (General Assembly, Security Council, ECOSOC; adopted or draft).

Layout: the adopting body ("The General Assembly,"), preambular paragraphs ("Recalling ...,"), numbered
operative paragraphs ("1. Reaffirms ...;") with lettered sub-items (a), (b) and roman ones (i), (ii) below
them, optional sections with roman numerals and headings ("II Strategic heritage plan ...", numbering that
continues or restarts), then the closing "<n>th plenary meeting <date>" and any annexes. We read that from
blocks only, skipping what a reader does not see as body text: footnotes (kind `footnote`, a bare-number
label, or anything below a footnote rule on its page), print-shop furniture and running heads, whether the
PDF reader has already removed them or not. A paragraph cut by a page break (and the footnotes between) is
joined back when its first part ends mid-sentence.

Ids come from the document's symbol: `A/RES/80/101/pp/2`, `A/RES/80/101/op/3`, `.../op/5/a`, `.../op/5/a/ii`;
when a section restarts the numbering, the section numeral replaces "op": `A/RES/80/243/IX/2`,
`A/RES/80/243/IX/pp/1`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from extract.front_matter import un_cues
from extract.parse_text import split_label
from extract.resolution.verbs import addressee, is_adverb, layout_cues, looks_operative, verb_phrase
from extract.text import normalize_text
from schemas.models import Block, Clause, Document

_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_ROMAN_LOWER = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv"}
_STOP_WORDS_BEFORE_LABEL = ("paragraph", "paragraphs", "subparagraph", "subparagraphs", "section", "article")


def _roman_value(s: str) -> int:
    vals = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for a, b in zip(s, s[1:] + " ", strict=True):
        v = vals[a]
        total += -v if b != " " and vals[b] > v else v
    return total


@dataclass
class _Item:
    """A sub-item (a) or (i) of a paragraph, with its own sub-items."""

    label: str
    texts: list[str]
    blocks: list[Block]
    children: list[_Item] = field(default_factory=list)


@dataclass
class _Para:
    kind: str  # "preambular" | "operative" | "unnumbered" (until _settle_kinds)
    number: str | None
    texts: list[str]
    blocks: list[Block]
    section: str | None
    section_title: str | None
    items: list[_Item] = field(default_factory=list)
    style: str | None = None  # "alpha" | "roman": the label style of its first-level items

    def last_texts(self) -> list[str]:
        if self.items:
            last = self.items[-1]
            return last.children[-1].texts if last.children else last.texts
        return self.texts

    def all_blocks(self) -> list[Block]:
        out = list(self.blocks)
        for it in self.items:
            out += it.blocks
            for ch in it.children:
                out += ch.blocks
        return out

    def full_text(self) -> str:
        parts = [" ".join(self.texts)]
        for it in self.items:
            parts.append(f"({it.label}) " + " ".join(it.texts))
            parts += [f"({ch.label}) " + " ".join(ch.texts) for ch in it.children]
        return " ".join(p for p in parts if p)


def _next_letter(last: str | None) -> str:
    """The label after `last` in a lettered list: a, b, ... z, aa, bb, ... (the UN doubles letters)."""
    if last is None:
        return "a"
    if last[-1] == "z":
        return "a" * (len(last) + 1)
    return chr(ord(last[-1]) + 1) * len(last)


def _is_footnote_block(b: Block) -> bool:
    return b.kind == "footnote" or bool(b.label and re.fullmatch(r"\d{1,3}", b.label.strip()))


def _label(b: Block, text: str) -> tuple[str | None, str]:
    if b.label and not _is_footnote_block(b):
        return b.label.strip(), text
    found = split_label(text)
    if found and re.fullmatch(r"\d{1,3}\.|\([a-z]{1,5}\)|\([A-Z]\)", found[0]):
        return found[0], normalize_text(found[1])
    m = re.match(r"^(\([a-z]{1,5}\))\s+(\S.*)$", text)  # "(aa)", which list parsers do not know
    if m:
        return m.group(1), m.group(2)
    return None, text


def _ends_sentence(text: str) -> bool:
    return bool(text) and text.rstrip()[-1] in ",;.:!?"


def _ends_mid_reference(text: str) -> bool:
    words = text.lower().rstrip().split()
    return bool(words) and words[-1] in _STOP_WORDS_BEFORE_LABEL


class _Reader:
    """Walks the body blocks once, building paragraphs; state is the open paragraph and section."""

    def __init__(self, symbol: str | None) -> None:
        c = layout_cues()
        self.symbol = symbol
        self.furniture = [re.compile(p) for p in c.furniture]
        self.closing = re.compile(c.closing_line)
        self.annex = re.compile(c.annex_line)
        self.paras: list[_Para] = []
        self.section: str | None = None
        self.section_title: str | None = None
        self.pending_section: str | None = None  # a numeral alone on its line: its heading follows
        self.roman: str | None = None  # last roman section numeral: the next must follow it
        self.part: str | None = None  # last part letter ("A", "B") of a multi-part resolution
        self.adopting = re.compile(un_cues().adopting_line)
        labels = "|".join(c.structure_labels)
        self.structure = re.compile(rf"^((?:{labels})\s+[\dIVXLC]+[A-Z]?)\b")
        self.footnote_page: int | None = None  # page whose footnote area we are in

    # -- what to skip --

    def skip(self, b: Block, text: str) -> bool:
        if self.adopting.match(text) and len(text.split()) <= 8:
            return True  # the adopting body again, opening part B of the resolution
        if _is_footnote_block(b):
            self.footnote_page = b.page
            return True
        if re.fullmatch(r"_{3,}", text):
            self.footnote_page = b.page
            return True
        if self.footnote_page is not None and b.page == self.footnote_page:
            return True  # below the footnote rule: the rest of the page is footnotes and furniture
        self.footnote_page = None
        if any(p.search(text) for p in self.furniture):
            return True
        return self._running_head(text)

    def _running_head(self, text: str) -> bool:
        """A short line holding the document's own symbol: the running head, even when the reader interleaved
        its two lines ("Offers by ... A/RES/80/88 inhabitants of ...")."""
        sym = self.symbol
        if not sym or len(text.split()) > 25:
            return False
        return re.search(rf"(?<![\w/]){re.escape(sym)}(?![\w/])", text) is not None  # never cites itself

    # -- sections --

    def section_heading(self, b: Block, text: str) -> bool:
        """"IV Travel assistance" (or "IV" then its heading): the next numeral in sequence, a short line
        without sentence punctuation."""
        nxt = _roman_value(self.roman) + 1 if self.roman else 1
        if self.pending_section:
            self.section, self.roman, self.pending_section = self.pending_section, self.pending_section, None
            if _ends_sentence(text) or len(text.split()) > layout_cues().max_section_heading_words:
                self.section_title = None  # a numeral without a heading: this is already a paragraph
                return False
            self.section_title = text
            return True
        if re.fullmatch(r"[A-H]", text) and text == chr(ord(self.part) + 1 if self.part else ord("A")):
            self.part = self.section = text  # resolution "80/1 A" and "80/1 B" in one document
            self.section_title, self.roman = None, None
            return True
        labelled = self.structure.match(text)
        words = len(text.split())
        if labelled and text[-1] not in ",;." and words <= layout_cues().max_section_heading_words:
            self.section, self.section_title = labelled.group(1), text[labelled.end() :].strip() or None
            return True
        m = re.match(r"^([IVXLC]+)\.?(?:\s+(.+))?$", text)
        if not m or not _ROMAN.match(m.group(1)) or _roman_value(m.group(1)) != nxt:
            return False
        title = m.group(2)
        limit = layout_cues().max_section_heading_words
        too_long = title is not None and len(title.split()) > limit
        if title and (too_long or title.rstrip()[-1] in ",;" or not title[0].isupper()):
            return False
        if title is None:
            self.pending_section = m.group(1)
        else:
            self.section, self.section_title = m.group(1), title
            self.roman = self.section
        return True

    def sub_heading(self, b: Block, text: str, next_text: str) -> bool:
        """A heading inside the body that is neither a section nor a paragraph ("Implementation frameworks",
        the name of a mission above its paragraphs): the reader calls it a heading, or it is a short line
        without sentence punctuation, after a finished paragraph, not opening with a participle or verb, and
        the next line does not continue it. Table cells are not clause text either."""
        if b.kind == "table_cell":
            return True
        if _label(b, text)[0] or _ends_sentence(text) or not text[:1].isupper():
            return False
        if b.kind == "heading":
            return True
        cur = self.paras[-1] if self.paras else None
        prev = cur.last_texts()[-1] if cur else ""
        first = text.split()[0]
        verbish = first.lower().endswith("ing") or looks_operative(first) or is_adverb(first)
        return (
            len(text.split()) <= 15
            and (not prev or _ends_sentence(prev))
            and not verbish
            and not next_text[:1].islower()
        )

    # -- paragraphs --

    def add(self, b: Block, text: str) -> None:
        label, body = _label(b, text)
        cur = self.paras[-1] if self.paras else None
        prev = cur.last_texts()[-1] if cur and cur.last_texts() else ""
        if cur and prev and (not _ends_sentence(prev) and (not label or _ends_mid_reference(prev))):
            cur.last_texts().append(text)  # cut by a page break or a footnote area
            self._item_blocks(cur).append(b)
            return
        if label and re.fullmatch(r"\d{1,3}\.", label):
            self._open("operative", label[:-1], body, b)
        elif label and label.startswith("(") and cur:
            self._sub_item(cur, label.strip("()"), body, b)
        elif cur and text[:1].islower():
            cur.last_texts().append(text)
            self._item_blocks(cur).append(b)
        else:
            self._open("unnumbered", None, text, b)  # preambular or operative: decided once it is whole

    def _item_blocks(self, cur: _Para) -> list[Block]:
        if cur.items:
            last = cur.items[-1]
            return last.children[-1].blocks if last.children else last.blocks
        return cur.blocks

    def _open(self, kind: str, number: str | None, text: str, b: Block) -> None:
        self.paras.append(_Para(kind, number, [text], [b], self.section, self.section_title))

    def _sub_item(self, cur: _Para, core: str, text: str, b: Block) -> None:
        """First-level items follow the style of the paragraph's first item; a roman label under lettered
        items (or a letter under roman ones) is a second-level item. "(i)" after "(h)" is a letter."""
        low = core.lower()
        last = cur.items[-1].label.lower() if cur.items else None
        if cur.style is None:
            cur.style = "roman" if low == "i" else "alpha"
        as_letter = low == _next_letter(last)
        if cur.style == "alpha" and as_letter:
            cur.items.append(_Item(core, [text], [b]))
        elif cur.style == "alpha" and low in _ROMAN_LOWER and cur.items:
            cur.items[-1].children.append(_Item(core, [text], [b]))
        elif cur.style == "roman" and low in _ROMAN_LOWER:
            cur.items.append(_Item(core, [text], [b]))
        elif cur.items and cur.style == "roman":
            cur.items[-1].children.append(_Item(core, [text], [b]))
        else:
            cur.items.append(_Item(core, [text], [b]))


def _body_start(blocks: list[Block]) -> tuple[int, str | None]:
    """Index of the first block after the adopting line, and any text glued after it on the same block."""
    adopting = re.compile(un_cues().adopting_line)
    for i, b in enumerate(blocks):
        text = normalize_text(b.text)
        m = adopting.match(text)
        if m:
            rest = text[m.end() :].strip()
            return i + 1, rest or None
    return 0, None


def _next_text(reader: _Reader, body: list[Block], i: int) -> str:
    """The next block a reader sees as body text (footnotes and furniture passed over); no side effects."""
    for b in body[i + 1 : i + 12]:
        text = _clean(b.text)
        rule = re.fullmatch(r"_{3,}", text)
        if _is_footnote_block(b) or rule or any(p.search(text) for p in reader.furniture):
            continue
        if not reader._running_head(text):
            return text
    return ""


def _clean(text: str) -> str:
    return normalize_text(text).strip()


def parse_un_clauses(doc: Document) -> list[Clause]:
    """Clauses of a UN resolution in reading order: each paragraph, then its sub-items as clauses of their
    own."""
    symbol = doc.symbol or doc.resolution
    if not symbol:
        return []
    blocks = [b for b in doc.blocks if b.text.strip()]
    start, glued = _body_start(blocks)
    reader = _Reader(symbol)
    annex = re.compile(layout_cues().annex_line)
    if glued:
        reader.add(blocks[start - 1], glued)
    body = blocks[start:]
    for i, b in enumerate(body):
        text = _clean(b.text)
        if reader.closing.match(text) or (annex.match(text) and len(text.split()) <= 15):
            break
        if reader.skip(b, text) or reader.section_heading(b, text):
            continue
        if reader.sub_heading(b, text, _next_text(reader, body, i)):
            continue
        reader.add(b, text)
    return _to_clauses(reader.paras, symbol)


def _settle_kinds(paras: list[_Para]) -> None:
    """An unnumbered paragraph is operative when it opens with a third-person verb and, whole, ends like an
    operative paragraph (";", ".", ":") or follows an operative paragraph of its section, unless it stands
    between two numbered paragraphs of its section (then it is a table note, never a clause); else preambular
    ("Recalls its resolution ..., " opening a section is preambular in form and role)."""
    seen_op: set[str | None] = set()
    numbered: set[str | None] = set()  # sections whose operative paragraphs carry numbers
    later: list[set[str | None]] = []  # per paragraph: sections with a numbered paragraph after it
    ahead: set[str | None] = set()
    for p in reversed(paras):
        later.append(set(ahead))
        if p.kind == "operative" and p.number:
            ahead.add(p.section)
    later.reverse()
    for p, after in zip(paras, later, strict=True):
        if p.kind == "unnumbered" and p.section in numbered and p.section in after:
            p.kind = "residue"  # between two numbered clauses of one section: a table's note, not a clause
        elif p.kind == "unnumbered":
            head = next((w for w in verb_phrase(p.texts[0])[0].split() if not is_adverb(w)), "")
            ends = " ".join(p.texts).rstrip()[-1:] in ";.:"
            if looks_operative(head) and (ends or p.section in seen_op):
                p.kind = "operative"
            elif p.section in seen_op:
                p.kind = "residue"  # not a verb after the operative part began: a table's text, not a clause
            else:
                p.kind = "preambular"
        if p.kind == "operative":
            seen_op.add(p.section)
            if p.number:
                numbered.add(p.section)
    paras[:] = [p for p in paras if p.kind != "residue"]


def _to_clauses(paras: list[_Para], symbol: str) -> list[Clause]:
    _settle_kinds(paras)
    numbers = [(p.section, p.number) for p in paras if p.kind == "operative" and p.number]
    restarts = len({n for _, n in numbers}) < len(numbers)  # a number seen twice: numbering restarts
    clauses: list[Clause] = []
    seen: dict[str, int] = {}
    pp_count: dict[str | None, int] = {}
    op_count: dict[str | None, int] = {}
    for p in paras:
        scope = p.section if restarts else None
        prefix = f"{symbol}/{scope}" if scope else symbol
        if p.kind == "preambular":
            pp_count[scope] = pp_count.get(scope, 0) + 1
            pid = f"{prefix}/pp/{pp_count[scope]}"
        else:
            op_count[scope] = op_count.get(scope, 0) + 1
            num = p.number or str(op_count[scope])
            pid = f"{prefix}/{num}" if scope else f"{prefix}/op/{num}"
        seen[pid] = seen.get(pid, 0) + 1
        if seen[pid] > 1:  # a number printed twice where we found no section: keep ids unique
            pid = f"{pid}-{seen[pid]}"
        text = p.full_text()
        verb, rest = verb_phrase(p.texts[0])
        infinitives = bool(p.items) and p.items[0].texts[0].startswith("To ")
        addr = addressee(rest, items_follow=infinitives) if p.kind == "operative" else None
        blocks = p.all_blocks()
        clauses.append(_clause(pid, symbol, p, p.number, verb, text, blocks, addr, None))
        for it in p.items:
            iid = f"{pid}/{it.label}"
            it_text = " ".join(it.texts + [f"({ch.label}) " + " ".join(ch.texts) for ch in it.children])
            it_blocks = it.blocks + [b for ch in it.children for b in ch.blocks]
            it_verb, it_addr = _own_verb(it.texts[0], p.kind) or (verb, addr)
            clauses.append(_clause(iid, symbol, p, it.label, it_verb, it_text, it_blocks, it_addr, pid))
            for ch in it.children:
                cid = f"{iid}/{ch.label}"
                ch_text = " ".join(ch.texts)
                clauses.append(_clause(cid, symbol, p, ch.label, verb, ch_text, ch.blocks, addr, iid))
    return clauses


def _own_verb(text: str, kind: str) -> tuple[str, str | None] | None:
    """A sub-item that opens with its own operative verb ("(a) Welcomes ...") keeps it; others inherit."""
    if kind != "operative" or not text[:1].isupper():
        return None
    verb, rest = verb_phrase(text)
    head = next((w for w in verb.split() if not is_adverb(w)), "")
    return (verb, addressee(rest)) if looks_operative(head) else None


def _settled_kind(kind: str) -> Literal["preambular", "operative"]:
    """A paragraph's kind as a clause has it: _settle_kinds has decided every "unnumbered" one by then."""
    if kind == "operative":
        return "operative"
    if kind == "preambular":
        return "preambular"
    raise ValueError(f"paragraph kind {kind!r} was not settled")


def _clause(cid: str, symbol: str, p: _Para, number: str | None, verb: str, text: str, blocks: list[Block],
            addr: str | None, parent: str | None) -> Clause:
    marks = [m for b in blocks for m in b.footnotes]
    return Clause(
        id=cid,
        resolution=symbol,
        kind=_settled_kind(p.kind),
        verb=verb,
        number=number,
        text=text.strip(),
        block_ids=[b.id for b in blocks],
        page=blocks[0].page if blocks else None,
        addressee=addr,
        section=p.section,
        section_title=p.section_title,
        parent=parent,
        footnotes=list(dict.fromkeys(marks)),
    )
