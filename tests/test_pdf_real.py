"""The PDF reader on real UN documents (../shared/corpus/real): print-shop furniture, running heads,
footnotes, paragraphs across page breaks, unruled tables, and the PDF against its Word original.

Labels are ours (page, first and last words of a paragraph, a table row), read off the PDFs. The last two
paragraph labels (marked HELD-OUT) were written before the rules were tuned and only evaluated at the end.
Each document is parsed once per module (a cache), and only a sample of the 30 resolutions is read.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from extract.parse_docx import parse_docx
from extract.pdf import parse_pdf
from extract.text import normalize_text
from schemas.models import Document, Limits

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "real"
SAMPLE = [
    "A_RES_80_101.pdf",
    "A_RES_80_110.pdf",
    "A_RES_80_138.pdf",
    "A_RES_80_189.pdf",
    "A_RES_80_196.pdf",
    "A_RES_80_242.pdf",
    "A_RES_80_243.pdf",
    "A_RES_80_54.pdf",
    "A_RES_80_88.pdf",
]
BUDGET = ["A_80_6_Sect4.pdf", "A_80_6_Sect5.pdf"]

# print-shop marks and running furniture as they print: job number, barcode, recycling note, "2/5 25-20114"
_FURNITURE = [
    re.compile(r"^\d{2}-\d{5}(\s*\(E\))?(\s+\d{6})?$"),
    re.compile(r"^\*\d{7}\*$"),
    re.compile(r"please recycle", re.I),
    re.compile(r"^\d{1,3}/\d{1,3}\s+\d{2}-\d{5}$|^\d{2}-\d{5}\s+\d{1,3}/\d{1,3}$"),
    re.compile(r"\b\d{2}-\d{5}\b\s+\d{1,3}/\d{1,3}\b"),
    re.compile(r"^_{3,}$"),
    re.compile(r"^A/RES/80/\d+$|^A/80/6 \(Sect\. \d\)$"),
]


@cache
def _doc(name: str) -> Document:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"real corpus file missing: {path}")
    return parse_pdf(path.read_bytes(), name, Limits())


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", normalize_text(text)).strip()


@pytest.mark.parametrize("name", SAMPLE + BUDGET)
def test_no_furniture_in_blocks(name: str) -> None:
    doc = _doc(name)
    for b in doc.blocks:
        for pat in _FURNITURE:
            assert not pat.search(b.text), (b.page, b.kind, b.text[:80])
    assert doc.pages_needing_ocr == [] and doc.warnings == [] or name == "A_80_6_Sect5.pdf"


@pytest.mark.parametrize("name", SAMPLE)
def test_running_heads_and_masthead_go_to_the_header(name: str) -> None:
    """The masthead (organ, symbol, distribution, date, session, agenda item) is header_text, not body; the
    running head "A/RES/80/n <short title>" printed on pages 2+ never reaches the body."""
    doc = _doc(name)
    symbol = "A/RES/80/" + name.split("_")[-1].removesuffix(".pdf")
    header = doc.header_text or ""
    assert symbol in header.splitlines() and "Distr.: General" in header
    assert not any(
        b.text in ("United Nations", "General Assembly") or b.text.startswith("Distr.:") for b in doc.blocks
    )
    assert not any(
        symbol in b.text and b.kind in ("heading", "paragraph") and len(b.text) < 90 and b.page and b.page > 1
        for b in doc.blocks
    )
    assert "Resolution adopted by the General Assembly" in " ".join(b.text for b in doc.blocks[:6])


@pytest.mark.parametrize("name", SAMPLE)
def test_footnotes_are_footnote_blocks_linked_to_marks(name: str) -> None:
    doc = _doc(name)
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    assert notes, "every sampled resolution has footnotes"
    assert all(b.style == "footnote" and b.label for b in notes)
    cited = {m for b in doc.blocks if b.kind != "footnote" for m in b.footnotes}
    linked = [b for b in notes if b.label in cited]
    assert len(linked) >= 0.9 * len(notes), [b.label for b in notes if b.label not in cited]
    heads = [b for b in doc.blocks if b.kind == "heading"]
    assert not any(set(b.text) <= {"_"} for b in heads)


def test_footnote_text_is_labelled() -> None:
    doc = _doc("A_RES_80_101.pdf")
    notes = {b.label: b for b in doc.blocks if b.kind == "footnote"}
    assert notes["2"].text == "Resolution 70/1." and notes["2"].page == 2
    assert notes["4"].text.startswith("See FCCC/CP/2015/10/Add.1") and notes["4"].page == 3


# (file, page the paragraph starts on, first words, last words): each crosses a page break, most of them
# also the footnotes printed at the foot of the first page.
ACROSS_PAGES = [
    ("A_RES_80_101.pdf", 2, "Recalling the official launch in April 2017", "on 11 April 2019,"),
    ("A_RES_80_101.pdf", 3, "Recalls with satisfaction the democratic elections", "in March 2025;"),
    ("A_RES_80_110.pdf", 1, "Recognizing the pre-eminent contribution provided", "of the oceans and seas,"),
    ("A_RES_80_110.pdf", 2, "Recalling the 2030 Agenda for Sustainable Development", "in the 2030 Agenda,"),
    ("A_RES_80_110.pdf", 3, "Recognizing that the realization of the benefits", "middle-income countries,"),
    (
        "A_RES_80_138.pdf",
        1,
        "Recalling its resolutions 43/53 of 6 December 1988",
        "generations of humankind,",
    ),
    ("A_RES_80_242.pdf", 2, "Notes the interconnected nature of the three", "in 2026 and 2027;"),
    ("A_80_6_Sect4.pdf", 3, "4.5 With regard to inter-agency coordination", "development activities."),
    # HELD-OUT: labelled first, checked last
    ("A_80_6_Sect4.pdf", 9, "4.22 The subprogramme’s work contributed", "met the planned target."),
    ("A_RES_80_243.pdf", 17, "Appropriates an additional amount of 400,000", "against the contingency fund;"),
]


@pytest.mark.parametrize(("name", "page", "first", "last"), ACROSS_PAGES)
def test_paragraph_across_page_break_is_whole(name: str, page: int, first: str, last: str) -> None:
    doc = _doc(name)
    hits = [b for b in doc.blocks if b.text.startswith(first)]
    assert len(hits) == 1, [b.text[:60] for b in hits]
    b = hits[0]
    assert b.page == page and b.kind in ("paragraph", "list_item")
    assert b.text.endswith(last), b.text[-80:]
    assert not any(x.text.startswith(_norm(last)) for x in doc.blocks if x is not b)


def test_unruled_budget_table_found_by_alignment() -> None:
    """Sect. 4 page 40: the extrabudgetary posts table (no rules) as cells; its wrapped row label is one
    cell; header row included."""
    doc = _doc("A_80_6_Sect4.pdf")
    cells = [b for b in doc.blocks if b.kind == "table_cell" and b.page == 40]
    row = next(b for b in cells if b.text == "2. Weapons of mass destruction")
    values = sorted((b.col, b.text) for b in cells if b.table == row.table and b.row == row.row)
    assert values == [(0, "2. Weapons of mass destruction"), (1, "3"), (2, "3"), (3, "6")]
    wrapped = [b for b in cells if b.table == row.table and b.text.startswith("1. Multilateral")]
    assert wrapped and wrapped[0].text.endswith("arms limitation")
    assert any(b.table == row.table and b.text == "Change" for b in cells)
    assert not any(b.kind != "table_cell" and "Weapons of mass destruction 3" in b.text for b in doc.blocks)


@pytest.mark.parametrize("name", SAMPLE)
def test_justified_resolution_text_is_never_a_table(name: str) -> None:
    doc = _doc(name)
    for b in doc.blocks:
        if b.kind == "table_cell":  # only the annex tables of the budget resolutions
            assert name in ("A_RES_80_242.pdf", "A_RES_80_243.pdf") and b.page >= 14, (b.page, b.text[:60])


@pytest.mark.parametrize("sect", ["4", "5"])
def test_budget_pdf_body_matches_its_word_version(sect: str) -> None:
    """Body paragraphs of the Word original (long ones) are blocks of the published PDF, word for word:
    the few that differ are table notes whose superscript letter the PDF prints apart."""
    pdf = _doc(f"A_80_6_Sect{sect}.pdf")
    path = REAL / f"A_80_6_Sect{sect}_advance.docx"
    docx = parse_docx(path.read_bytes(), path.name, Limits())
    texts = {_norm(b.text) for b in pdf.blocks} | {
        _norm(f"{b.label} {b.text}") for b in pdf.blocks if b.label
    }
    body = [b for b in docx.blocks if b.kind in ("paragraph", "list_item") and len(b.text) > 80]
    found = [b for b in body if _norm(b.text) in texts or _norm(f"{b.label} {b.text}") in texts]
    assert len(found) >= 0.9 * len(body), len(body) - len(found)
    numbered = [b for b in body if re.match(rf"^{sect}\.([IVX]+\.)?\d+ ", b.text)]
    assert len(numbered) >= 20
    missing = [
        b.text[:60]
        for b in numbered[:20]
        if _norm(b.text) not in texts and _norm(f"{b.label} {b.text}") not in texts
    ]
    assert missing == []


def test_budget_masthead() -> None:
    doc = _doc("A_80_6_Sect5.pdf")
    header = (doc.header_text or "").splitlines()
    assert "A/80/6 (Sect. 5)" in header and "30 April 2025" in header and "Original: English" in header
    assert not any(re.search(r"\d{2}-\d{5}", h) for h in header)
