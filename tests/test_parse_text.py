"""TXT parser: labels, sections, bookmarks, recovered Word numbering, decoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.parse_text import decode, parse_text, renumber_repeats, split_label
from schemas.models import Block, Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _parse(name: str):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return parse_text(path.read_bytes(), str(path), Limits())


def test_resolution_txt_recovers_flattened_numbering():
    doc = _parse("res1408.txt")
    assert doc.format == "txt" and doc.pages is None
    numbered = [b for b in doc.blocks if b.kind == "list_item" and b.label and b.label[0].isdigit()]
    assert [b.label for b in numbered] == ["1.", "2.", "3."]
    assert all(not b.text.startswith("1.") for b in numbered)
    lettered = [b.label for b in doc.blocks if b.label and b.label.endswith(")")]
    assert lettered == ["a)", "b)", "c)", "a)", "b)"]
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].text == "RESOLUTION 1408"


def test_report_txt_sections_bullets_and_bookmarks():
    doc = _parse("c26-res1408-report.txt")
    assert not any("bookmark" in b.text for b in doc.blocks)
    headings = [(b.section, b.text) for b in doc.blocks if b.kind == "heading"]
    assert [s for s, _ in headings] == ["1", "2", "3", "4", "5", "6"]
    assert ("1", "1 Introduction") in headings
    in_4 = [b for b in doc.blocks if b.section == "4"]
    assert len(in_4) > 5
    assert all(b.section_path == ["4", "Technical assistance and advocacy actions"] for b in in_4)
    bullets = [b for b in doc.blocks if b.kind == "list_item"]
    assert {b.label for b in bullets} == {"–", "•"}
    assert not any(b.text[:1] in "–·•-" for b in bullets)
    # summary box lines come before the first heading, with no section
    first_heading = next(i for i, b in enumerate(doc.blocks) if b.kind == "heading")
    assert first_heading > 3 and all(b.section is None for b in doc.blocks[:first_heading])
    # no-break spaces inside amounts are folded by normalize_text
    assert any("CHF 346 000" in b.text for b in doc.blocks)
    assert len({b.id for b in doc.blocks}) == len(doc.blocks)


def test_synthetic_layout():
    text = (
        "\ufeff2\tScope of work\n\n"
        "Intro paragraph for the scope.\n"
        "2.1 Field missions\n"
        "·\tfirst dot bullet\n"
        "• second bullet\n"
        "-\tdash item\n"
        "a) lettered item\n"
        "(b) another lettered item\n"
        "2 March 2022 was a date, not a heading\n"
        "3\tNext part\n"
        "1. alpha\n1. beta\nplain\n1. gamma\n"
    )
    doc = parse_text(text.encode("utf-8"), "x.txt", Limits())
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["2 Scope of work"].kind == "heading" and by_text["2 Scope of work"].section == "2"
    assert by_text["2 Scope of work"].section_title == "Scope of work"
    sub = by_text["2.1 Field missions"]
    assert sub.kind == "heading" and sub.level == 2
    assert sub.section_path == ["2", "Scope of work", "2.1", "Field missions"]
    # section is the top-level number, section_title its title; the nested path is in section_path
    assert by_text["first dot bullet"].label == "•" and by_text["first dot bullet"].section == "2"
    assert by_text["first dot bullet"].section_title == "Scope of work"
    assert by_text["first dot bullet"].section_path[-2:] == ["2.1", "Field missions"]
    assert sub.section == "2"
    assert by_text["second bullet"].label == "•"
    assert by_text["dash item"].label == "–"
    assert by_text["lettered item"].label == "a)" and by_text["another lettered item"].label == "(b)"
    assert by_text["2 March 2022 was a date, not a heading"].kind == "paragraph"
    assert by_text["3 Next part"].section_path == ["3", "Next part"]
    # the run "1. 1." is renumbered; the lone "1." after a plain paragraph starts a new run and stays 1.
    assert [by_text[t].label for t in ("alpha", "beta", "gamma")] == ["1.", "2.", "1."]
    assert by_text["plain"].section == "3"


def test_renumber_leaves_real_sequences_alone():
    labels = ["1.", "2.", "2."]
    blocks = [Block(id=f"p{i}", kind="list_item", text="x", label=lab) for i, lab in enumerate(labels)]
    renumber_repeats(blocks)
    assert [b.label for b in blocks] == ["1.", "2.", "2."]
    blocks = [Block(id=f"p{i}", kind="list_item", text="x", label="3)") for i in range(3)]
    renumber_repeats(blocks)
    assert [b.label for b in blocks] == ["3)", "4)", "5)"]


def test_decoding_fallbacks():
    assert decode("Gen\u00e8ve – CHF".encode("cp1252")) == "Gen\u00e8ve – CHF"
    assert decode("\ufeffabc".encode("utf-8")) == "abc"
    assert decode("t\u00e9l\u00e9com".encode("utf-16")) == "t\u00e9l\u00e9com"
    doc = parse_text("Caf\u00e9 \u2013\tnot a bullet\n".encode("cp1252"), "c.txt", Limits())
    assert doc.blocks[0].text == "Caf\u00e9 \u2013 not a bullet"


def test_split_label_forms():
    assert split_label("–\tdash text") == ("–", "dash text")
    assert split_label("· dot text") == ("•", "dot text")
    assert split_label("iv) roman") == ("iv)", "roman")
    assert split_label("12. twelve") == ("12.", "twelve")
    assert split_label("2018 ITU Conference") is None
    assert split_label("a)b") is None


def test_limits_and_binary():
    from extract.errors import DocumentError

    with pytest.raises(DocumentError):
        parse_text(b"x" * 100, "big.txt", Limits(max_file_bytes=10))
    with pytest.raises(DocumentError):
        parse_text(b"abc\x00def", "bin.txt", Limits())


def test_headings_match_docx_and_pdf():
    """TXT, DOCX and PDF of one report give the same (text, section) headings from the first numbered one:
    the typed number stays in the text, the bare title goes to section_title."""
    from extract.parse_docx import parse_docx
    from extract.parse_pdf import parse_pdf

    def heads(doc):
        hs = [(b.text, b.section, b.section_title) for b in doc.blocks if b.kind == "heading"]
        first = next(i for i, h in enumerate(hs) if h[1])
        return hs[first:]

    txt = heads(_parse("c26-res1408-report.txt"))
    docx = heads(parse_docx((CORPUS / "c26-res1408-report.docx").read_bytes(), "r.docx", Limits()))
    pdf = heads(parse_pdf((CORPUS / "c26-res1408-report.pdf").read_bytes(), "r.pdf", Limits()))
    assert [h[:2] for h in txt] == [h[:2] for h in docx] == [h[:2] for h in pdf]
    assert txt == docx == pdf
    assert len(txt) == 6 and txt[1] == ("2 Monitoring and reporting", "2", "Monitoring and reporting")
