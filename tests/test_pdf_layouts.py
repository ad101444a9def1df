"""The PDF reader on generated layouts: rotated pages and rotated text, two columns, a slide, pages the old
reader lost (one line in the header band, unreadable glyphs), headerless files, silent libraries."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from extract.errors import DocumentError
from extract.pdf import parse_pdf
from extract.pipeline import extract_bytes, sniff_format
from schemas.models import Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _pdf(draw, pagesize=None) -> bytes:  # noqa: ANN001
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=pagesize or A4)
    draw(c)
    c.save()
    return buf.getvalue()


def _rotate_pages(data: bytes, angles: dict[int, int]) -> bytes:
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for i, angle in angles.items():
            pdf.pages[i].Rotate = angle
        pdf.save(out)
    return out.getvalue()


def _texts(data: bytes) -> list[str]:
    return [b.text for b in parse_pdf(data, "g.pdf", Limits()).blocks]


@pytest.mark.parametrize("angle", [90, 180, 270])
def test_rotated_page_keeps_its_text_and_figures(angle: int) -> None:
    """Page 2 of the reference report turned with /Rotate: the same blocks as the upright file."""
    path = CORPUS / "c26-res1408-report.pdf"
    if not path.is_file():
        pytest.skip("reference corpus missing")
    data = path.read_bytes()
    upright = parse_pdf(data, "u.pdf", Limits())
    turned = parse_pdf(_rotate_pages(data, {1: angle}), "r.pdf", Limits())
    assert [b.text for b in turned.blocks] == [b.text for b in upright.blocks]
    assert any("USD 7.10 billion" in b.text and b.page == 2 for b in turned.blocks)


def _lines(c, x: float, y: float, lines: list[str], size: float = 11) -> None:  # noqa: ANN001
    c.setFont("Helvetica", size)
    for i, s in enumerate(lines):
        c.drawString(x, y - 14 * i, s)


_PARA = [
    "The landscape table of results was drawn",
    "sideways on a portrait page by the print",
    "shop, as budget annexes often are.",
]


@pytest.mark.parametrize("turn", [90, 270])
def test_text_drawn_rotated_on_an_upright_page_reads_in_order(turn: int) -> None:
    def draw(c) -> None:  # noqa: ANN001
        c.saveState()
        if turn == 90:
            c.translate(500, 100)
        else:
            c.translate(100, 700)
        c.rotate(turn)
        _lines(c, 0, 0, _PARA)
        _lines(c, 0, -60, ["A second paragraph follows the first one."])
        c.restoreState()

    assert _texts(_pdf(draw)) == [" ".join(_PARA), "A second paragraph follows the first one."]


def test_landscape_page_with_rotate_and_turned_content() -> None:
    """What Word and print shops emit for a landscape page: content turned 90 degrees plus /Rotate 90."""

    def draw(c) -> None:  # noqa: ANN001
        c.saveState()
        c.translate(500, 100)
        c.rotate(90)
        _lines(c, 0, 0, _PARA)
        c.restoreState()

    assert _texts(_rotate_pages(_pdf(draw), {0: 90})) == [" ".join(_PARA)]


def test_two_columns_read_left_then_right() -> None:
    left = [f"left column line {i} of the first story and" for i in range(1, 9)] + ["the end of it."]
    right = [f"right column line {i} of the second one and" for i in range(1, 9)] + ["its end."]

    def draw(c) -> None:  # noqa: ANN001
        c.setFont("Helvetica-Bold", 14)
        c.drawString(72, 790, "A newsletter set in two columns")
        _lines(c, 72, 760, left, size=9)
        _lines(c, 320, 760, right, size=9)

    texts = _texts(_pdf(draw))
    assert texts == ["A newsletter set in two columns", " ".join(left), " ".join(right)]


def test_slide_deck_page() -> None:
    from reportlab.lib.pagesizes import A4, landscape

    def draw(c) -> None:  # noqa: ANN001
        for n in (1, 2):
            c.setFont("Helvetica-Bold", 28)
            c.drawString(60, 500, f"Slide {n}: connectivity results")
            c.setFont("Helvetica", 18)
            for i, s in enumerate(["Fibre links restored in the east", "Mobile coverage back to 90%"]):
                c.drawString(80, 440 - 40 * i, f"• {s} (slide {n})")
            c.showPage()

    doc = parse_pdf(_pdf(draw, landscape(A4)), "s.pdf", Limits())
    assert [(b.kind, b.page) for b in doc.blocks] == [
        ("heading", 1),
        ("list_item", 1),
        ("list_item", 1),
        ("heading", 2),
        ("list_item", 2),
        ("list_item", 2),
    ]
    assert doc.blocks[1].text == "Fibre links restored in the east (slide 1)" and doc.blocks[1].label == "•"


def test_page_holding_one_line_in_the_header_band_is_stored() -> None:
    """The old reader's IndexError: a page whose only line sits where running heads live."""

    def draw(c) -> None:  # noqa: ANN001
        for n in (1, 2, 3):
            c.setFont("Helvetica", 10)
            c.drawString(72, 810, "Annual review of the fund")
            if n != 2:
                _lines(c, 72, 700, [f"Body text of page {n} is here."])
            c.showPage()

    doc = parse_pdf(_pdf(draw), "one.pdf", Limits())
    assert [b.text for b in doc.blocks] == ["Body text of page 1 is here.", "Body text of page 3 is here."]
    assert doc.pages == 3


def test_document_whose_only_text_is_a_repeated_header_line_is_stored() -> None:
    def draw(c) -> None:  # noqa: ANN001
        for _ in range(3):
            c.setFont("Helvetica", 10)
            c.drawString(72, 810, "Annual review of the fund")
            c.showPage()

    doc = parse_pdf(_pdf(draw), "hdr.pdf", Limits())
    assert doc.pages == 3 and [b.text for b in doc.blocks] == ["Annual review of the fund"]
    assert extract_bytes(_pdf(draw), "hdr.pdf", use_model=False).document.blocks  # stored, not refused


def test_unreadable_pages_listed_good_pages_kept() -> None:
    """One page of unmapped glyphs (no ToUnicode) between two good ones: listed for OCR, text left out."""
    import pikepdf

    from tests.make_hostile import cid_glyphs_pdf

    good = _pdf(
        lambda c: (
            _lines(c, 72, 760, ["The fund received CHF 16 294 in 2024."]),
            c.showPage(),
            _lines(c, 72, 760, ["Networks were repaired in several regions."]),
        )
    )
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(good)) as pdf, pikepdf.open(io.BytesIO(cid_glyphs_pdf())) as bad:
        pdf.pages.insert(1, bad.pages[0])
        pdf.save(out)
    doc = parse_pdf(out.getvalue(), "mixed.pdf", Limits())
    assert doc.pages_needing_ocr == [2]
    assert [(b.page, b.text) for b in doc.blocks] == [
        (1, "The fund received CHF 16 294 in 2024."),
        (3, "Networks were repaired in several regions."),
    ]
    assert any("page 2" in w and "OCR" in w for w in doc.warnings)
    result = extract_bytes(out.getvalue(), "mixed.pdf", use_model=False)
    assert result.warnings == doc.warnings
    assert any(f.amount == 16294 for f in result.figures)


def test_headerless_pdf_is_read() -> None:
    data = _pdf(lambda c: _lines(c, 72, 760, ["Short text for a test."]))
    cut = data[data.index(b"\n") + 1 :]  # no "%PDF-1.x" line
    assert b"%PDF" not in cut[:1024]
    assert sniff_format(cut, "x.bin") == "pdf"
    assert _texts(cut) == ["Short text for a test."]


def test_headerless_ascii_pdf_is_read() -> None:
    """An all-ASCII PDF (no binary comment line) without its header: still a PDF, not plain text."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(_pdf(lambda c: _lines(c, 72, 760, ["Short text for a test."])))) as pdf:
        pdf.save(out, compress_streams=False, qdf=True)
    data = out.getvalue()
    cut = data[data.index(b"\n", data.index(b"%PDF")) + 1 :]
    cut = b"\n".join(ln for ln in cut.split(b"\n") if not (ln.startswith(b"%") and not ln.isascii()))
    assert b"%PDF" not in cut[:1024]
    if not cut[:4096].isascii():
        pytest.skip("qpdf wrote binary bytes early in the file")
    assert sniff_format(cut, "x.pdf") == "pdf"
    assert _texts(cut) == ["Short text for a test."]


def test_blank_pdf_refused_clearly() -> None:
    with pytest.raises(DocumentError, match="no text on any page"):
        parse_pdf(_pdf(lambda c: c.showPage()), "blank.pdf", Limits())


def test_library_logs_stay_off_the_terminal(caplog: pytest.LogCaptureFixture, capsys) -> None:  # noqa: ANN001
    """A ruled table sends the page through pdfplumber (pdfminer underneath): nothing reaches stderr."""

    def draw(c) -> None:  # noqa: ANN001
        c.grid([72, 250, 450], [740, 715, 690])
        _lines(c, 78, 723, ["Japan"])

    with caplog.at_level(logging.WARNING):
        parse_pdf(_pdf(draw), "t.pdf", Limits())
    assert capsys.readouterr().err == ""
    assert logging.getLogger("pdfminer").getEffectiveLevel() > logging.CRITICAL


def test_ruled_table_continued_on_next_page_keeps_its_ordinal() -> None:
    def draw(c) -> None:  # noqa: ANN001
        _lines(c, 72, 780, ["Contributions received so far are listed below."])
        c.grid([72, 250, 450], [200, 175, 150, 125])
        for i, (a, b) in enumerate([("Japan", "100"), ("Bulgaria", "16"), ("Poland", "50")]):
            _lines(c, 78, 183 - 25 * i, [a])
            _lines(c, 256, 183 - 25 * i, [b])
        c.showPage()
        c.grid([72, 250, 450], [780, 755, 730])
        for i, (a, b) in enumerate([("Italy", "20"), ("Spain", "30")]):
            _lines(c, 78, 763 - 25 * i, [a])
            _lines(c, 256, 763 - 25 * i, [b])
        _lines(c, 72, 650, ["The table ends the report."])

    doc = parse_pdf(_pdf(draw), "t2.pdf", Limits())
    cells = [(b.table, b.row, b.col, b.text) for b in doc.blocks if b.kind == "table_cell"]
    assert {t for t, _, _, _ in cells} == {0}
    assert (0, 3, 0, "Italy") in cells and (0, 4, 1, "30") in cells


def test_a_layout_bug_on_one_page_degrades_that_page_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure laying out page 2 keeps its text as plain lines, with a warning; pages 1 and 3 as usual."""
    import extract.pdf.reader as reader

    real = reader._layout

    def flaky(raw, s):  # noqa: ANN001, ANN202
        if raw.number == 2:
            raise IndexError("list index out of range")
        return real(raw, s)

    monkeypatch.setattr(reader, "_layout", flaky)
    data = _pdf(
        lambda c: [(_lines(c, 72, 700, [f"Body text of page {n} is here."]), c.showPage()) for n in (1, 2, 3)]
    )
    doc = parse_pdf(data, "bug.pdf", Limits())
    assert [(b.page, b.text) for b in doc.blocks] == [
        (n, f"Body text of page {n} is here.") for n in (1, 2, 3)
    ]
    assert doc.warnings == ["page 2: IndexError in the layout code; read plainly"]


def test_a_bug_in_the_document_wide_steps_keeps_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import extract.pdf.reader as reader

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise ZeroDivisionError

    monkeypatch.setattr(reader, "_body", broken)
    doc = parse_pdf(_pdf(lambda c: _lines(c, 72, 700, ["Kept all the same."])), "b.pdf", Limits())
    assert [b.text for b in doc.blocks] == ["Kept all the same."]
    assert doc.warnings and "ZeroDivisionError" in doc.warnings[0]


def _justified_and_table() -> bytes:
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    words = ("the committee noted that resources for the programme would be provided from the regular "
             "budget and from voluntary contributions received in the period under review ").split()
    text = " ".join(words * 4)

    def draw(c) -> None:  # noqa: ANN001
        style = ParagraphStyle("j", fontName="Helvetica", fontSize=10, leading=12, alignment=TA_JUSTIFY)
        para = Paragraph(text[0].upper() + text[1:] + ".", style)
        _, h = para.wrap(300, 500)  # a narrow column: wide justified word spaces
        para.drawOn(c, 72, 760 - h)
        c.setFont("Helvetica", 10)
        rows = [("Category", "2025", "2026"), ("Posts", "12 438.3", "12 918.4"),
                ("Non-post", "6 689.4", "7 470.7"), ("Total", "19 127.7", "20 389.1")]
        for i, (a, b, d) in enumerate(rows):
            y = 560 - 16 * i
            c.drawString(72, y, a)
            c.drawRightString(300, y, b)
            c.drawRightString(420, y, d)
        c.drawString(72, 470, "The table above is unruled.")

    return _pdf(draw)


def test_unruled_table_by_alignment_and_justified_text_is_not_a_table() -> None:
    doc = parse_pdf(_justified_and_table(), "u.pdf", Limits())
    body = [b for b in doc.blocks if b.kind != "table_cell"]
    assert [b.kind for b in body] == ["paragraph", "paragraph"]
    assert body[0].text.startswith("The committee noted") and body[1].text == "The table above is unruled."
    cells = {(b.row, b.col): b.text for b in doc.blocks if b.kind == "table_cell"}
    assert cells == {
        (0, 0): "Category", (0, 1): "2025", (0, 2): "2026",
        (1, 0): "Posts", (1, 1): "12 438.3", (1, 2): "12 918.4",
        (2, 0): "Non-post", (2, 1): "6 689.4", (2, 2): "7 470.7",
        (3, 0): "Total", (3, 1): "19 127.7", (3, 2): "20 389.1",
    }
    assert {b.table for b in doc.blocks if b.kind == "table_cell"} == {0}


def test_layout_settings_are_validated() -> None:
    from pydantic import TypeAdapter, ValidationError

    from extract.pdf.settings import LayoutSettings, layout_data, settings

    assert settings().table_min_rows == layout_data()["settings"]["table_min_rows"]
    bad = dict(layout_data()["settings"], table_min_rows="many")
    with pytest.raises(ValidationError):
        TypeAdapter(LayoutSettings).validate_python(bad)
    missing = {k: v for k, v in layout_data()["settings"].items() if k != "row_tolerance"}
    with pytest.raises(ValidationError):
        TypeAdapter(LayoutSettings).validate_python(missing)
