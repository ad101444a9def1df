"""Footnotes at a page's foot: smaller lines below a rule (drawn, or typed as "_____") or opening with a
mark. They become `footnote` blocks labelled with their mark, kept out of the body so a paragraph they
interrupt at a page break is joined across them."""

from __future__ import annotations

import re

from extract.pdf.model import Line, Page, Para
from extract.pdf.settings import LayoutSettings
from extract.text import normalize_text

_NUMBERS = re.compile(r"\d[\d,.]*\s+\d[\d,.]*\s+\d")


def _is_rule_text(line: Line) -> bool:
    t = normalize_text(line.text).replace(" ", "")
    return len(t) >= 3 and set(t) <= {"_"}


def split_footnotes(page: Page, body_size: float, s: LayoutSettings) -> list[Line]:
    """Take the footnote lines off the page and return them, dropping the rule ("_____") above them."""
    lines = page.lines
    k = len(lines)
    while (
        k > 0
        and lines[k - 1].size <= s.footnote_size_ratio * body_size
        and lines[k - 1].top > s.footnote_min_top * page.height
    ):
        k -= 1
    rule_at = next(
        (
            i
            for i in range(len(lines) - 1, -1, -1)
            if lines[i].top > s.footnote_min_top * page.height and _is_rule_text(lines[i])
        ),
        None,
    )
    small = s.footnote_size_ratio * body_size
    if rule_at is not None and any(ln.size > small for ln in lines[rule_at + 1 :]):
        rule_at = None  # body-size text under it: a separator in the body, not a footnote rule
    if rule_at is not None and rule_at + 1 < len(lines):  # a typed rule: everything below is notes
        notes = [ln for ln in lines[rule_at + 1 :] if not _is_rule_text(ln)]
        page.lines = [ln for ln in lines[:rule_at] if not _is_rule_text(ln)]
        return notes
    if rule_at is not None:
        page.lines = lines[:rule_at]
        return []
    if k == len(lines):
        return []
    opener = next((j for j in range(k, len(lines)) if _opens_note(lines[j])), None)
    if opener is not None and opener > k:
        k = opener  # small print above the first mark (a table's last row, a caption) is not a footnote
    first = lines[k]
    above = lines[k - 1].bottom if k > 0 else 0.0
    ruled = any(above - 1 <= y <= first.top + 1 for _, y, _ in page.rules)
    opens = first.lead_mark is not None or bool(re.match(r"^(\d{1,3}|\*+)\s", first.text + " "))
    if not opens and not (ruled and len(first.words) > 3 and not _NUMBERS.search(first.text)):
        return []  # small print under a rule that opens with no mark: table text, not footnotes
    notes = [ln for ln in lines[k:] if not _is_rule_text(ln)]
    page.lines = lines[:k]
    return notes


def _opens_note(ln: Line) -> bool:
    return ln.lead_mark is not None or bool(re.match(r"^(\d{1,3}|\*{1,3}|[a-z])\s", ln.text))


def footnote_paras(lines: list[Line], page: int) -> list[Para]:
    out: list[Para] = []
    for ln in lines:
        if not out or _opens_note(ln) and ln.x0 <= out[-1].lines[0].x0 + 3:
            out.append(Para([ln], page, footnote=True))
        else:
            out[-1].lines.append(ln)
    return out
