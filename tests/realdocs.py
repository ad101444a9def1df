"""Real UN documents for tests (../shared/corpus/real): parsed once per test session, and a second form
that imitates a PDF reader which already strips print-shop furniture, marks footnotes as `footnote` blocks
and moves the page-1 masthead to `header_text`, so classification and clauses are tested on both."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from extract.classify import classify
from extract.pipeline import parse
from schemas.models import Block, Document, Limits

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"

_FURNITURE = re.compile(r"^(?:\d{2}-\d{5}\b.*|\*\d{5,}\*|\d+/\d+\s+\d{2}-\d{5}|Please recycle.*)$")


def real_path(name: str) -> Path:
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real corpus not found at {REAL}")
    return path


@cache
def parsed(name: str) -> Document:
    """Today's parser output, classified."""
    path = real_path(name)
    return classify(parse(path.read_bytes(), str(path), Limits()))


def _wrapped(b: Block, text: str) -> list[Block]:
    """The line broken in two as the printed page does: before "on <date>", or after the sixth word."""
    words = text.split()
    cut = words.index("on") if text.startswith("Resolution adopted") else min(6, len(words) - 1)
    first, rest = " ".join(words[:cut]), " ".join(words[cut:])
    return [b.model_copy(update={"text": first}), b.model_copy(update={"id": b.id + "w", "text": rest})]


@cache
def stripped(name: str) -> Document:
    """`parsed(name)` as a furniture-stripping reader would give it, then classified afresh: job numbers,
    barcodes, page numbers, running heads (short lines holding the symbol) and footnote rules dropped;
    footnotes (bare-number label, or below the rule on their page) turned into `footnote` blocks; the page-1
    masthead above the session line ("United Nations A/RES/80/101", "Distr.: General", its date) moved to
    `header_text`; the adoption line and the "80/101. <title>" line broken in two."""
    doc = parsed(name)
    symbol = doc.symbol or ""
    blocks = []
    rule_page = None
    for b in doc.blocks:
        text = b.text.strip()
        if _FURNITURE.match(text) or (symbol and symbol in text and len(text.split()) <= 25 and b.page != 1):
            continue
        if re.fullmatch(r"_{3,}", text):
            rule_page = b.page
            continue
        below_rule = rule_page is not None and b.page == rule_page
        is_note = bool(b.label and re.fullmatch(r"\d{1,3}", b.label)) or below_rule
        if not is_note:
            rule_page = None
        if is_note:
            blocks.append(b.model_copy(update={"kind": "footnote"}))
        elif b.page == 1 and re.match(r"^(?:Resolution adopted by .+ on |\d{2}/\d{1,4}\. )", text):
            blocks += _wrapped(b, text)  # a reader that breaks the adoption line and the title line
        else:
            blocks.append(b)
    session_at = next((i for i, b in enumerate(blocks[:12]) if b.text.strip().endswith("session")), 0)
    masthead = [b.text for b in blocks[:session_at] if b.page == 1]
    raw = doc.model_copy(
        update={
            "blocks": blocks[len(masthead) :],
            "header_text": "\n".join(masthead + [doc.header_text or ""]).strip() or None,
            "kind": "other",
            "symbol": None,
            "title": None,
            "year": None,
            "date": None,
            "resolution": None,
        }
    )
    return classify(raw)
