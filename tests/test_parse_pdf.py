"""PDF parser: the real ITU reference PDFs, small generated PDFs for layout features, and bad files."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from extract.errors import DocumentError
from extract.parse_pdf import parse_pdf
from extract.pdf.reader import ocr_reason
from extract.pdf.settings import settings
from extract.text import normalize_text
from schemas.models import Document, Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")


def _corpus(name: str) -> Path:
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"reference corpus file missing: {path}")
    return path


def _parse_file(name: str) -> Document:
    return parse_pdf(_corpus(name).read_bytes(), name, Limits())


@pytest.fixture(scope="module")
def report() -> Document:
    return _parse_file("c26-res1408-report.pdf")


@pytest.fixture(scope="module")
def resolution() -> Document:
    return _parse_file("res1408.pdf")


def _txt_paragraphs(name: str) -> list[tuple[str | None, str]]:
    """(section number, paragraph) for each non-empty line of the TXT twin, bullets and bookmarks removed."""
    out: list[tuple[str | None, str]] = []
    section = None
    for raw in _corpus(name).read_text(encoding="utf-8").splitlines():
        line = _BOOKMARK.sub("", raw)
        m = re.match(r"^\s*(\d)\t", line)
        if m:
            section = m.group(1)
        text = normalize_text(re.sub(r"^\s*[–·]\s*", "", line))
        if text:
            out.append((section, text))
    return out


# --- the real report ---------------------------------------------------------------------------------------
def test_report_metadata(report: Document) -> None:
    data = _corpus("c26-res1408-report.pdf").read_bytes()
    assert report.format == "pdf"
    assert report.pages == 7
    assert len(report.sha256) == 64 and report.sha256 == __import__("hashlib").sha256(data).hexdigest()
    assert [b.id for b in report.blocks] == [f"p{i:04d}" for i in range(1, len(report.blocks) + 1)]


def test_report_furniture_not_in_blocks(report: Document) -> None:
    for b in report.blocks:
        assert "C26/27-E" not in b.text, b.id
        assert not re.search(r"-\s*\d+\s*-$", b.text), b.text
        assert not re.fullmatch(r"\d+", b.text), b.text
    header = report.header_text or ""
    assert "C26/27" in header
    assert "Original: English" in header and "Agenda item" in header and "27 March 2026" in header
    assert not any(b.text.startswith(("Original:", "Document C26")) for b in report.blocks)


def test_report_every_txt_paragraph_is_one_block(report: Document) -> None:
    texts = [b.text for b in report.blocks]
    missing = [t for _, t in _txt_paragraphs("c26-res1408-report.txt") if t not in texts]
    assert missing == []


def test_report_paragraphs_in_their_sections(report: Document) -> None:
    by_text = {b.text: b for b in report.blocks}
    for section, text in _txt_paragraphs("c26-res1408-report.txt"):
        assert by_text[text].section == section, (section, text[:40])


def test_report_section_headings(report: Document) -> None:
    heads = [b for b in report.blocks if b.kind == "heading" and b.section and b.level == 1]
    assert [b.section for b in heads] == ["1", "2", "3", "4", "5", "6"]
    four = heads[3]
    assert four.section_title == "Technical assistance and advocacy actions"
    assert four.section_path == ["4", "Technical assistance and advocacy actions"]
    # a heading printed on two lines is one block
    assert heads[2].section_title == "Coordination mechanisms for effective implementation"


def test_report_summary_box_is_table_cells(report: Document) -> None:
    cells = [b for b in report.blocks if b.kind == "table_cell"]
    texts = [b.text for b in cells]
    for label in ("Purpose", "Action required by the Council", "Financial implications"):
        assert label in texts
    assert any(t.startswith("CHF 346 000 since 2022") for t in texts)
    assert {(b.table, b.row, b.col) for b in cells} == {(0, 0, 0)}
    # text inside the box is not repeated as body paragraphs
    body = [b.text for b in report.blocks if b.kind != "table_cell"]
    assert not any("CHF 346 000 since 2022" in t for t in body)


def test_report_paragraph_across_pages_starts_on_first_page(report: Document) -> None:
    joined = [b for b in report.blocks if "The workshop will focus" in b.text]
    assert len(joined) == 1
    b = joined[0]
    assert b.text.startswith("ITU is preparing for the next TAIEX") and b.page == 4
    assert b.bbox is not None and b.bbox[3] <= 792
    special = next(b for b in report.blocks if "A special website" in b.text)
    assert special.page == 1 and special.section == "2"


def test_report_list_items(report: Document) -> None:
    items = [b for b in report.blocks if b.kind == "list_item"]
    assert {b.label for b in items} == {"–", "•"}
    assert all(not b.text.startswith(("–", "•", "\uf0b7")) for b in items)
    fund = next(b for b in items if "Special Fund in Trust dedicated" in b.text)
    assert "Bulgaria (CHF 16 294; 2024)" in fund.text and fund.label == "–" and fund.section == "5"
    assert sum(1 for b in items if b.section == "4" and b.page == 4) == 7


def test_report_hard_hyphens_kept(report: Document) -> None:
    text = " ".join(b.text for b in report.blocks)
    assert "2026-2036" in text and "Deputy Secretary-General" in text and "2025-2029" in text


# --- the real resolution -----------------------------------------------------------------------------------
def test_resolution_operative_items_numbered(resolution: Document) -> None:
    blocks = resolution.blocks
    i = next(i for i, b in enumerate(blocks) if b.text.startswith("resolves to instruct"))
    items = blocks[i + 1 : i + 4]
    assert [b.label for b in items] == ["1.", "2.", "3."]
    assert all(b.kind == "list_item" and b.text.startswith("to ") for b in items)
    assert blocks[i + 4].text == "instructs the Secretary-General"


def test_resolution_preambular_letters(resolution: Document) -> None:
    blocks = resolution.blocks
    i = next(i for i, b in enumerate(blocks) if b.text == "recalling")
    assert [b.label for b in blocks[i + 1 : i + 4]] == ["a)", "b)", "c)"]
    j = next(i for i, b in enumerate(blocks) if b.text == "recalling further")
    assert [b.label for b in blocks[j + 1 : j + 3]] == ["a)", "b)"]
    # "(4)" wrapping to the start of a line inside item a) is not a new item, "de-escalation" keeps its hyphen
    assert "Article 2 (4) of the Charter" in blocks[j + 1].text and "de-escalation" in blocks[j + 1].text
    assert resolution.header_text == "Res. 1408-E"
    assert not any("Res. 1408-E" in b.text or b.text == "- 2 -" for b in blocks)


# --- generated PDFs ----------------------------------------------------------------------------------------
def _pdf(draw) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.save()
    return buf.getvalue()


def _runs(c, x: float, y: float, runs: list[tuple[str, float, float]]) -> None:
    """Draw (text, size, rise) runs on one baseline."""
    t = c.beginText(x, y)
    for text, size, rise in runs:
        t.setFont("Helvetica", size)
        t.setRise(rise)
        t.textOut(text)
    t.setRise(0)
    c.drawText(t)


def test_superscript_footnote_marks_kept_apart() -> None:
    def draw(c) -> None:
        _runs(
            c, 72, 760, [("Damage is estimated at USD 2.48 billion", 11, 0), ("1", 7, 4), (" and the", 11, 0)]
        )
        _runs(c, 72, 746, [("fund received CHF 16 294", 11, 0), ("2", 7, 4), ("; nothing else.", 11, 0)])
        c.line(72, 120, 200, 120)
        _runs(c, 72, 108, [("1", 5, 3), (" Source: the fifth assessment.", 8, 0)])
        _runs(c, 72, 98, [("2", 5, 3), (" Contribution received in 2024.", 8, 0)])

    doc = parse_pdf(_pdf(draw), "fn.pdf", Limits())
    body = [b for b in doc.blocks if b.style != "footnote"]
    assert len(body) == 1
    text = body[0].text
    assert "billion1" not in text and "2942" not in text
    assert text == "Damage is estimated at USD 2.48 billion and the fund received CHF 16 294; nothing else."
    assert body[0].footnotes == ["1", "2"]
    notes = [b for b in doc.blocks if b.style == "footnote"]
    assert [(b.label, b.text) for b in notes] == [
        ("1", "Source: the fifth assessment."),
        ("2", "Contribution received in 2024."),
    ]


def test_line_end_hyphens() -> None:
    lines = [
        "The plan covers the recon-",
        "struction of the capacity-",
        "building centre over 2026-",
        "2036 and the capacity of networks for building",
        "links.",
    ]

    def draw(c) -> None:
        for i, s in enumerate(lines):
            c.setFont("Helvetica", 11)
            c.drawString(72, 760 - 14 * i, s)

    doc = parse_pdf(_pdf(draw), "h.pdf", Limits())
    assert len(doc.blocks) == 1
    text = doc.blocks[0].text
    assert "reconstruction" in text
    assert "capacity-building" in text
    assert "2026-2036" in text


def test_running_header_and_page_numbers_removed() -> None:
    def draw(c) -> None:
        for n in range(1, 4):
            c.setFont("Helvetica", 11)
            c.drawRightString(520, 800, "XYZ/12-E")
            for i in range(3):
                c.drawString(72, 700 - 40 * i, f"Paragraph {i} of page {n} ends here.")
            c.drawCentredString(297, 40, f"Page {n} of 3")
            c.showPage()

    doc = parse_pdf(_pdf(draw), "r.pdf", Limits())
    assert doc.pages == 3 and len(doc.blocks) == 9
    assert all("XYZ" not in b.text and "Page" not in b.text for b in doc.blocks)
    assert doc.header_text == "XYZ/12-E"
    assert [b.page for b in doc.blocks] == [1, 1, 1, 2, 2, 2, 3, 3, 3]


# --- bad files ---------------------------------------------------------------------------------------------
def _simple_pdf() -> bytes:
    return _pdf(lambda c: (c.setFont("Helvetica", 11), c.drawString(72, 760, "Short text for a test.")))


def test_encrypted_with_user_password_is_refused() -> None:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(_simple_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(DocumentError, match="encrypted PDF: a password is required"):
        parse_pdf(out.getvalue(), "e.pdf", Limits())


def test_encrypted_with_empty_user_password_opens() -> None:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(_simple_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user="", owner="owner"))
    doc = parse_pdf(out.getvalue(), "e.pdf", Limits())
    assert [b.text for b in doc.blocks] == ["Short text for a test."]


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.1])
def test_truncated_pdf(cut: float) -> None:
    """A cut file is either repaired with its text whole (PDFium and qpdf rebuild a lost xref) or refused
    as corrupt in one line: never half a text, never a traceback."""
    data = _simple_pdf()
    try:
        doc = parse_pdf(data[: int(len(data) * cut)], "t.pdf", Limits())
    except DocumentError as exc:
        assert exc.reason.startswith("corrupt PDF: ")
    else:
        assert [b.text for b in doc.blocks] == ["Short text for a test."]


def test_page_limit() -> None:
    with pytest.raises(DocumentError, match="over the limit of 0"):
        parse_pdf(_simple_pdf(), "p.pdf", Limits(max_pages=0))


def test_no_text_layer() -> None:
    data = _pdf(lambda c: c.rect(100, 100, 200, 200, fill=1))
    with pytest.raises(DocumentError, match=r"no text layer \(scanned image\?\): needs OCR"):
        parse_pdf(data, "s.pdf", Limits())


def test_cid_glyphs_need_ocr() -> None:
    """The per-page OCR test: unmapped glyphs, or tokens that are mostly not words, make a page unreadable."""
    s = settings()
    assert ocr_reason(["(cid:12)(cid:40)"] * 5, 0, 80, s) == "(cid:) glyphs"
    assert ocr_reason(["\ue000\ue001"] * 5, 10, 10, s) == "(cid:) glyphs"
    assert ocr_reason(["#$%", "@@", "~~", "^^", "&&"], 0, 12, s) == "mostly non-word glyphs"
    assert ocr_reason(["Damage", "is", "USD", "2.48", "billion."], 0, 24, s) is None


def test_ruled_table_cells_not_duplicated() -> None:
    def draw(c) -> None:
        c.rect(0, 0, 595, 842, stroke=0, fill=0)  # a page-size frame is not a table
        c.setFont("Helvetica", 11)
        c.drawString(72, 780, "Figures received so far are listed below.")
        c.grid([72, 250, 450], [740, 715, 690])
        c.drawString(78, 723, "Japan")
        c.drawString(256, 723, "CHF 100 000")
        c.drawString(78, 698, "Bulgaria")
        c.drawString(256, 698, "CHF 16 294")
        c.drawString(72, 650, "The table ends the report.")

    doc = parse_pdf(_pdf(draw), "t.pdf", Limits())
    cells = {(b.row, b.col): b.text for b in doc.blocks if b.kind == "table_cell"}
    assert cells == {(0, 0): "Japan", (0, 1): "CHF 100 000", (1, 0): "Bulgaria", (1, 1): "CHF 16 294"}
    body = [b.text for b in doc.blocks if b.kind != "table_cell"]
    assert body == ["Figures received so far are listed below.", "The table ends the report."]
    assert [b.kind for b in doc.blocks][1:5] == ["table_cell"] * 4  # cells sit where the table is


# --- cross-format: the generated RDNA sample ------------------------------------------------------------
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_rdna_sample_pdf_blocks_match_docx() -> None:
    """Running header only on later pages (not an ITU symbol) stays out of the body; texts equal the DOCX."""
    from extract.parse_docx import parse_docx

    pdf = parse_pdf((EXAMPLES / "rdna-sample.pdf").read_bytes(), "rdna.pdf", Limits())
    docx = parse_docx((EXAMPLES / "rdna-sample.docx").read_bytes(), "rdna.docx", Limits())
    assert [b.text for b in pdf.blocks] == [b.text for b in docx.blocks]
    assert pdf.header_text == "Ukraine RDNA4 - February 2025"
    heads = [b.text for b in pdf.blocks if b.kind == "heading"]
    assert "Telecommunications, Digital, and Media" in heads and "Overview" in heads


_PROSE = (
    ("Networks were repaired in several regions.", "Operators restored coverage before winter.",
     "Spare parts remained scarce."),
    ("Training reached many engineers.", "Cyber defence was strengthened further.",
     "Postal services reopened branches."),
    ("Broadcasting towers were rebuilt.", "Fibre links were extended westwards.",
     "Backup power was installed widely."),
)


def _prose(c, n: int, top: float = 740) -> None:
    c.setFont("Helvetica", 11)
    for i, s in enumerate(_PROSE[n - 1]):
        c.drawString(72, top - 20 * i, s)


def test_running_header_absent_from_first_page_removed() -> None:
    """A two-page report whose plain running header (digits vary) prints from page 2 on: furniture, while the
    bold title at the top of page 1 stays."""

    def draw(c) -> None:
        for n in (1, 2):
            if n == 2:
                c.setFont("Helvetica", 9)
                c.drawRightString(520, 805, f"Sector review {2024 + n} - issue {n}")
            c.setFont("Helvetica-Bold", 14)
            c.drawString(72, 770, "Annual sector review" if n == 1 else "Findings")
            _prose(c, n)
            c.showPage()

    doc = parse_pdf(_pdf(draw), "h2.pdf", Limits())
    texts = [b.text for b in doc.blocks]
    assert not any("Sector review" in t for t in texts)
    assert texts[0] == "Annual sector review" and "Findings" in texts
    assert len(texts) == 8 and doc.header_text == "Sector review 2026 - issue 2"


def test_line_in_top_band_on_one_page_of_many_is_body() -> None:
    """A plain line set apart at the top of one page among three is not a running header."""

    def draw(c) -> None:
        for n in (1, 2, 3):
            if n == 2:
                c.setFont("Helvetica", 11)
                c.drawString(72, 800, "A note on method.")
            _prose(c, n)
            c.showPage()

    doc = parse_pdf(_pdf(draw), "h3.pdf", Limits())
    assert "A note on method." in [b.text for b in doc.blocks] and doc.header_text is None


def test_title_not_joined_with_the_heading_below() -> None:
    """Same size and weight, gap under a paragraph break but over the title's own line spacing: two headings;
    the title's wrapped lines stay one heading."""

    def draw(c) -> None:
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 780, "Rapid Damage and Needs Assessment of the")
        c.drawString(72, 763, "Telecommunication Sector")
        c.drawString(72, 743, "Overview")
        c.setFont("Helvetica", 11)
        for i in range(3):
            c.drawString(72, 720 - 14 * i, f"Body line {i} of the overview paragraph continues here")

    doc = parse_pdf(_pdf(draw), "t.pdf", Limits())
    assert [(b.kind, b.text) for b in doc.blocks[:2]] == [
        ("heading", "Rapid Damage and Needs Assessment of the Telecommunication Sector"),
        ("heading", "Overview"),
    ]
    assert doc.blocks[2].kind == "paragraph" and doc.blocks[2].text.startswith("Body line 0")


def test_single_line_title_not_joined_with_the_heading_below() -> None:
    def draw(c) -> None:
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 780, "Energy Sector Assessment")
        c.drawString(72, 760, "Damage")
        c.setFont("Helvetica", 11)
        for i in range(4):
            c.drawString(72, 738 - 14 * i, f"Body line {i} of the damage paragraph continues here")

    doc = parse_pdf(_pdf(draw), "t1.pdf", Limits())
    assert [b.text for b in doc.blocks[:2]] == ["Energy Sector Assessment", "Damage"]
    assert len(doc.blocks) == 3 and doc.blocks[2].text.startswith("Body line 0")
