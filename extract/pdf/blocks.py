"""Paragraphs to blocks: kind (heading, list item, paragraph, table cell, footnote), label, level, the
numbered section a block sits in, soft line-break hyphens removed and hard ones kept."""

from __future__ import annotations

import re
from typing import Any

from extract.pdf.model import Page, Para
from extract.pdf.paragraphs import Geometry, bullets, ends_terminal, is_heading_style, marker
from extract.pdf.settings import layout_data
from extract.text import normalize_text
from schemas.models import Block, BlockKind

_KEEP_PREFIXES = set(layout_data()["hyphen_keep_prefixes"])
_VOCAB_WORD = re.compile(r"[a-zà-ÿ]+(?:-[a-zà-ÿ]+)*")
_HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?$")


def vocabulary(pages: list[Page]) -> set[str]:
    """Lower-case words of the document that are not halves of a line-end hyphenation."""
    vocab: set[str] = set()
    for p in pages:
        regions = [p.lines] + [lines for t in p.tables for lines in t.lines.values()]
        for lines in regions:
            after_hyphen = False
            for ln in lines:
                toks = [t for t, _ in ln.tokens]
                if after_hyphen:
                    toks = toks[1:]
                after_hyphen = bool(toks) and toks[-1].endswith("-")
                vocab.update(_VOCAB_WORD.findall(" ".join(t for t in toks if not t.endswith("-")).lower()))
    return vocab


def _join_hyphenated(left: str, right: str, vocab: set[str]) -> bool:
    """True when "recon-" + "struction" is a soft line-break hyphen; False keeps "capacity-building"."""
    m1 = re.search(r"([a-zà-ÿ]+)-$", left)
    m2 = re.match(r"([a-zà-ÿ]+)", right)
    if not m1 or not m2 or not left[:-1][-1:].islower():
        return False
    a, b = m1.group(1).lower(), m2.group(1).lower()
    if a + b in vocab:
        return True
    if f"{a}-{b}" in vocab or a in _KEEP_PREFIXES:
        return False
    return a not in vocab and b not in vocab


def para_text(p: Para, vocab: set[str], strip_marker: bool) -> str:
    out = ""
    for i, ln in enumerate(p.lines):
        if i == 0 and strip_marker:
            text = "".join((" " if sp and j else "") + t for j, (t, sp) in enumerate(ln.tokens[1:]))
        else:
            text = ln.text  # the same join, cached on the line
        if not out:
            out = text
        elif out.endswith("\u00ad"):
            out = out[:-1] + text
        elif out.endswith("-") and not out.endswith(" -") and out[-2:-1].isalnum():
            last = out.rsplit(" ", 1)[-1]
            out = (out[:-1] + text) if _join_hyphenated(last, text, vocab) else out + text
        else:
            out = f"{out} {text}"
    return normalize_text(out)


def _bbox(p: Para) -> tuple[float, float, float, float]:
    on_page = [ln for ln in p.lines if ln.page == p.page] or p.lines
    return (
        round(min(ln.x0 for ln in on_page), 2),
        round(min(ln.top for ln in on_page), 2),
        round(max(ln.x1 for ln in on_page), 2),
        round(max(ln.bottom for ln in on_page), 2),
    )


def _style(p: Para) -> str | None:
    if p.style:
        return p.style
    if p.footnote:
        return "footnote"
    if all(ln.bold for ln in p.lines):
        return "bold"
    if all(ln.italic for ln in p.lines):
        return "italic"
    return None


def to_blocks(paras: list[Para], geo: Geometry, vocab: set[str]) -> list[Block]:
    marks = bullets()
    marker_xs = sorted({round(p.lines[0].x0 / 6) for p in paras if p.cell is None and marker(p.lines[0])})
    stack: list[tuple[str, str]] = []
    blocks: list[Block] = []
    for p in paras:
        first = p.lines[0]
        m = marker(first)
        kind: BlockKind
        kind, label, level, number = "paragraph", None, 0, None
        if p.footnote:
            kind = "footnote"
            text = para_text(p, vocab, strip_marker=False)
            label = first.lead_mark
            if label is None and re.match(r"^(\d{1,3}|\*{1,3}|[a-z])\s", text):
                label, text = text.split(" ", 1)
        elif p.cell is not None:
            kind, text = "table_cell", para_text(p, vocab, strip_marker=False)
        elif is_heading_style(p, geo) and not (m and m[1] in marks):
            text = para_text(p, vocab, strip_marker=False)
            kind = "heading"
            hm = _HEADING_NUMBER.match(first.tokens[0][0]) if first.tokens else None
            if hm and len(first.tokens) > 1 and not ends_terminal(text):
                number = hm.group(1)
                level = number.count(".") + 1
                title = para_text(p, vocab, strip_marker=True)
                stack = [x for x in stack if x[0].count(".") + 1 < level] + [(number, title)]
            else:
                level = len(stack) + 1
        elif m:
            kind, label = "list_item", m[0]
            level = marker_xs.index(round(first.x0 / 6)) if round(first.x0 / 6) in marker_xs else 0
            text = para_text(p, vocab, strip_marker=True)
        else:
            text = para_text(p, vocab, strip_marker=False)
        if not text:
            continue
        section: dict[str, Any] = (
            dict(
                section=stack[0][0],
                section_title=stack[0][1],
                section_path=[x for pair in stack for x in pair],
            )
            if stack
            else {}
        )
        blocks.append(
            Block(
                id=f"p{len(blocks) + 1:04d}",
                kind=kind,
                text=text,
                page=p.page,
                label=label,
                level=level,
                bbox=_bbox(p),
                table=p.cell[0] if p.cell else None,
                row=p.cell[1] if p.cell else None,
                col=p.cell[2] if p.cell else None,
                style=_style(p),
                footnotes=[mk for ln in p.lines for mk in ln.marks],
                **section,
            )
        )
    return blocks
