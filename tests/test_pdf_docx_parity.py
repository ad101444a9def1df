"""The published PDF and the Word original of one UN budget section give the same figures with the same
meaning and the same headings: the two readers must agree on the structure the figures' owner and metric
are read from (numbered parts, typed list labels, heading text). Labels are ours, with the PDF page."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from extract.figures import _part_number
from extract.parse_docx import _manual_label
from extract.pipeline import extract_file
from schemas.models import Block, Extraction
from tests.realdocs import real_path

SECTIONS = ("4", "5")


@cache
def _extract(name: str) -> Extraction:
    return extract_file(real_path(name))


def _pair(sect: str) -> tuple[Extraction, Extraction]:
    return _extract(f"A_80_6_Sect{sect}.pdf"), _extract(f"A_80_6_Sect{sect}_advance.docx")


def _running_text(ex: Extraction) -> list:
    return [f for f in ex.figures if not f.table_id]


def _key(f) -> tuple:
    return (round(f.amount, 2), f.currency, f.metric, f.budget_kind, tuple(f.actors), tuple(f.years))


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


# --- small units: no corpus ---------------------------------------------------------------------------------
def test_part_numbers_are_roman_values():
    assert [_part_number(h) for h in ("I. Office", "II. Mission", "IV) x", "XIV. y")] == [1, 2, 4, 14]
    assert _part_number("C. Substantive deliverables") == 100  # a letter: figures keeps it out of sequence
    assert _part_number("IIII. z") is None and _part_number("Annex") is None


def test_tab_indented_typed_labels():
    # a typed "(a)" the Word file indents with tabs is a list item, as the print reads it
    assert _manual_label("\t\t(a)\tPosts. An increase", "(a) Posts. An increase", "paragraph") == (
        "(a)", "Posts. An increase", "list_item")
    assert _manual_label("\ta.\tAn amount", "a. An amount", "paragraph")[0] == "a."
    # an indented numbered paragraph keeps its number in the text; a bare note letter is not a label
    assert _manual_label("\t4.12\tThe Office", "4.12 The Office", "paragraph") == (
        None, "4.12 The Office", "paragraph")
    assert _manual_label("\ta\tExcludes", "a Excludes", "paragraph")[0] is None
    assert _manual_label("\t(a)\tx", "(a) x", "table_cell") == (None, "(a) x", "table_cell")  # cell indent


# --- figures: amounts and meaning -----------------------------------------------------------------------
@pytest.mark.parametrize("sect", SECTIONS)
def test_running_text_figures_agree(sect: str):
    """Measured on this branch: A/80/6 (Sect. 4) 105/105, (Sect. 5) 57/57 figures equal on (amount,
    currency, metric, budget_kind, actors, years); before it 96/105 and 24/57."""
    pdf, docx = _pair(sect)
    p, d = Counter(map(_key, _running_text(pdf))), Counter(map(_key, _running_text(docx)))
    amounts = Counter(k[:2] for k in d.elements()) & Counter(k[:2] for k in p.elements())
    assert sum(amounts.values()) == sum(d.values()) == sum(p.values()) > 40
    same = sum((p & d).values())
    assert same >= 0.95 * sum(d.values()), (same, sum(d.values()), list((d - p).elements())[:5])


# (section, amount, owner): the entity a budget part is about, read from the part heading in both versions
_OWNERS = [
    ("4", 100_800, "Office for Disarmament Affairs"),  # PDF p. 42, list item "(a)" of a paragraph
    ("4", 53_700, "Office for Disarmament Affairs"),  # PDF p. 42, list item "a."
    ("5", 43_335_100, "United Nations Truce Supervision Organization"),  # PDF p. 49, part II
    ("5", 980_700, "United Nations Truce Supervision Organization"),  # PDF p. 50, part II
]


@pytest.mark.parametrize(("sect", "amount", "owner"), _OWNERS)
def test_figure_owner_in_both_versions(sect: str, amount: float, owner: str):
    for ex in _pair(sect):
        figs = [f for f in _running_text(ex) if f.amount == amount]
        assert figs and all(f.actors == [owner] for f in figs), (ex.document.format, [f.actors for f in figs])


# --- headings -------------------------------------------------------------------------------------------
# (section, PDF page, heading text) as printed; the last entries of each list are held out (written after
# the rules, checked last by test_heldout_headings_in_both_versions).
_HEADINGS = [
    ("4", 1, "Part II Political affairs"),
    ("4", 1, "Section 4 Disarmament"),
    ("4", 13, "Subprogramme 2 Weapons of mass destruction"),
    ("4", 41, "Technical adjustments"),
    ("4", 42, "New and expanded mandates"),
    ("4", 42, "Other changes"),
    ("5", 3, "I. Department of Peace Operations"),
    ("5", 7, "Subprogramme 1 Operations"),
    ("5", 15, "Subprogramme 3 Rule of law and security institutions"),
    ("5", 39, "II. United Nations Truce Supervision Organization"),
    ("5", 52, "III. United Nations Military Observer Group in India and Pakistan"),
]
_HELD_OUT = [
    ("4", 1, "Programme 3 Disarmament"),
    ("4", 6, "Subprogramme 5 Regional disarmament"),
    ("5", 20, "Subprogramme 4 Policy, evaluation and training"),
    ("5", 50, "Explanation of variances by factor and component"),
]


def _headings(blocks: list[Block], page: int | None = None) -> set[str]:
    return {_norm(b.text) for b in blocks if b.kind == "heading" and (page is None or b.page == page)}


def _check_headings(labels: list[tuple[str, int, str]]) -> None:
    for sect, page, text in labels:
        pdf, docx = _pair(sect)
        assert _norm(text) in _headings(pdf.document.blocks, page), ("pdf", sect, page, text)
        assert _norm(text) in _headings(docx.document.blocks), ("docx", sect, text)


def test_labelled_headings_in_both_versions():
    _check_headings(_HEADINGS)


@pytest.mark.parametrize("sect", SECTIONS)
def test_part_headings_agree(sect: str):
    """The numbered parts ("II. ...") that set a budget figure's owner: the same, in the same order."""
    pdf, docx = _pair(sect)
    parts = [
        [_norm(b.text) for b in ex.document.blocks if b.kind == "heading" and _part_number(b.text) is not None
         and _part_number(b.text) < 40 and b.table is None]
        for ex in (pdf, docx)
    ]
    assert parts[0] == parts[1]


def test_heldout_headings_in_both_versions():
    _check_headings(_HELD_OUT)
