"""DOCX parser: the real ITU reference documents, synthetic DOCX for Word features, and hostile files."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from extract.docx_package import _xml_parser
from extract.errors import DocumentError
from extract.parse_docx import parse_docx
from extract.text import normalize_text
from schemas.models import Document, Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _parse_file(name: str) -> Document:
    return parse_docx((CORPUS / name).read_bytes(), name, Limits())


@pytest.fixture(scope="module")
def report() -> Document:
    return _parse_file("c26-res1408-report.docx")


@pytest.fixture(scope="module")
def resolution() -> Document:
    return _parse_file("res1408.docx")


def _txt_paragraphs(name: str) -> list[str]:
    """The converter's TXT rendering, with bookmark markers and typed bullet marks removed."""
    out = []
    for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
        line = re.sub(r"\[bookmark: [^\]]*\]", "", line)
        line = re.sub(r"^\s*(?:–\t|·\s)", "", line)
        text = normalize_text(line)
        if text:
            out.append(text)
    return out


def _block(doc: Document, key: str):
    hits = [b for b in doc.blocks if key in b.text]
    assert len(hits) == 1, (key, [b.id for b in hits])
    return hits[0]


# -- the real report -----------------------------------------------------------------------------
def test_report_header_table_goes_to_header_text(report: Document) -> None:
    assert report.format == "docx" and len(report.sha256) == 64
    assert "C26/27" in report.header_text
    assert "Original: English" in report.header_text
    assert not any("C26/27-E" in b.text for b in report.blocks)
    assert not any(b.text.startswith("Original:") for b in report.blocks)


def test_report_summary_box_is_body_as_table_cells(report: Document) -> None:
    cells = [b for b in report.blocks if b.kind == "table_cell"]
    texts = [b.text for b in cells]
    assert "Purpose" in texts and "Financial implications" in texts
    fin = texts.index("Financial implications")
    assert "CHF 346 000" in texts[fin + 1]  # the implication's text follows its caption
    assert texts.index("Purpose") < fin
    assert {(b.table, b.row, b.col) for b in cells} == {(cells[0].table, 0, 0)}


def test_report_sections_are_headings_with_titles(report: Document) -> None:
    heads = [b for b in report.blocks if b.kind == "heading"]
    assert [(h.section, h.section_title, h.level) for h in heads] == [
        ("1", "Introduction", 1),
        ("2", "Monitoring and reporting", 1),
        ("3", "Coordination mechanisms for effective implementation", 1),
        ("4", "Technical assistance and advocacy actions", 1),
        ("5", "Mobilization of resources", 1),
        ("6", "Conclusions", 1),
    ]
    assert heads[3].section_path == ["4", "Technical assistance and advocacy actions"]


def test_report_every_body_block_carries_its_section(report: Document) -> None:
    assert _block(report, "allocated CHF 85 000").section == "5"
    assert _block(report, "allocated CHF 85 000").section_title == "Mobilization of resources"
    current = None
    for b in report.blocks:
        if b.kind == "heading":
            current = b.section
        assert b.section == current, b.id
    assert all(b.section is None for b in report.blocks if b.kind == "table_cell")


def test_report_list_items_have_labels(report: Document) -> None:
    raw = (CORPUS / "c26-res1408-report.txt").read_text(encoding="utf-8").splitlines()
    dashes = sum(1 for ln in raw if re.sub(r"\[bookmark: [^\]]*\]", "", ln).startswith("–\t"))
    dots = sum(1 for ln in raw if ln.startswith("·"))
    items = [b for b in report.blocks if b.kind == "list_item"]
    assert sum(b.label == "–" for b in items) == dashes > 0
    assert sum(b.label == "•" for b in items) == dots > 0
    assert len(items) == dashes + dots
    assert not any(b.text.startswith(("–", "\t", "•")) for b in items)
    assert _block(report, "allocated CHF 85 000").kind == "list_item"


def test_report_blocks_match_txt_rendering(report: Document) -> None:
    txt = _txt_paragraphs("c26-res1408-report.txt")
    texts = [b.text for b in report.blocks]
    missing = [t for t in txt if t not in texts]
    assert not missing
    extra = [t for t in texts if t not in txt]
    # The converter dropped only the centred all-caps title between the header table and the summary box.
    assert len(extra) == 1 and extra[0].isupper()
    assert [t for t in texts if t in txt] == txt  # same order
    assert len(report.blocks) == len(txt) + 1


def test_report_has_no_page_estimate_without_breaks(report: Document) -> None:
    assert report.pages is None and all(b.page is None for b in report.blocks)
    assert [b.id for b in report.blocks[:2]] == ["p0001", "p0002"]


# -- the real resolution -------------------------------------------------------------------------
def test_resolution_auto_numbered_resolves(resolution: Document) -> None:
    blocks = resolution.blocks
    i = next(i for i, b in enumerate(blocks) if b.text.startswith("resolves to instruct"))
    items = blocks[i + 1 : i + 4]
    assert [b.label for b in items] == ["1.", "2.", "3."]
    assert all(b.kind == "list_item" and b.level == 0 for b in items)
    assert not any(b.text[0].isdigit() for b in items)  # the number is Word's, not in the text


def test_resolution_lettered_preambular_items(resolution: Document) -> None:
    blocks = resolution.blocks
    i = next(i for i, b in enumerate(blocks) if b.text == "recalling")
    assert [b.label for b in blocks[i + 1 : i + 4]] == ["a)", "b)", "c)"]
    assert blocks[i + 1].text.startswith("the noble principles")
    assert resolution.header_text == "Res. 1408-E"


def test_resolution_matches_txt_with_labels(resolution: Document) -> None:
    txt = _txt_paragraphs("res1408.txt")
    seen = [normalize_text(f"{b.label} {b.text}") if b.label else b.text for b in resolution.blocks]
    # The TXT lost Word's numbering ("1." three times); compare the rest exactly.
    renum = [re.sub(r"^\d+\. ", "", t) for t in txt]
    assert [re.sub(r"^\d+\. ", "", t) for t in seen] == renum



# -- synthetic DOCX ------------------------------------------------------------------------------
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
    'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
    'main+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
    '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def make_docx(
    body: str, numbering: str = "", styles: str = "", header: str = "", doc_head: str = "",
    styles_xml: str = "",
) -> bytes:
    rels = [("styles", "styles.xml"), ("numbering", "numbering.xml"), ("header", "header1.xml")]
    parts = {
        "word/styles.xml": styles_xml or f'<w:styles xmlns:w="{W_NS}">{styles}</w:styles>',
        "word/numbering.xml": f'<w:numbering xmlns:w="{W_NS}">{numbering}</w:numbering>',
        "word/header1.xml": f'<w:hdr xmlns:w="{W_NS}">{header}</w:hdr>',
    }
    rel_xml = "".join(
        f'<Relationship Id="r{i}" Type="{_REL}{t}" Target="{n}"/>' for i, (t, n) in enumerate(rels)
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr(
            "word/_rels/document.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rel_xml}'
            "</Relationships>",
        )
        z.writestr(
            "word/document.xml",
            f'{doc_head}<w:document xmlns:w="{W_NS}" xmlns:mc="{MC_NS}"><w:body>{body}</w:body></w:document>',
        )
        for name, xml in parts.items():
            z.writestr(name, xml)
    return buf.getvalue()


def p(text: str, ppr: str = "") -> str:
    runs = "".join(
        "<w:r><w:tab/></w:r>" if piece == "\t" else f'<w:r><w:t xml:space="preserve">{piece}</w:t></w:r>'
        for piece in re.split(r"(\t)", text)
        if piece
    )
    return f"<w:p><w:pPr>{ppr}</w:pPr>{runs}</w:p>"


def numpr(num: int, ilvl: int = 0) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num}"/></w:numPr>'


_MULTI = (
    '<w:abstractNum w:abstractNumId="0">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%3)"/></w:lvl>'
    "</w:abstractNum>"
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/>'
    '<w:lvlText w:val="\uf0b7"/></w:lvl></w:abstractNum>'
    '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="upperRoman"/>'
    '<w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
    '<w:num w:numId="3"><w:abstractNumId w:val="0"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="7"/></w:lvlOverride></w:num>'
    '<w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>'
)


def test_auto_numbering_levels_restarts_and_overrides() -> None:
    body = "".join([
        p("one", numpr(1)), p("one-a", numpr(1, 1)), p("one-b", numpr(1, 1)), p("one-b-i", numpr(1, 2)),
        p("", numpr(1)),  # an empty numbered paragraph still takes a number
        p("three", numpr(1)), p("three-a", numpr(1, 1)),  # deeper level restarts
        p("dot", numpr(2)), p("seven", numpr(3)), p("eight", numpr(3)), p("roman", numpr(4)),
    ])
    doc = parse_docx(make_docx(body, numbering=_MULTI), "n.docx", Limits())
    got = [(b.text, b.label, b.level, b.kind) for b in doc.blocks]
    assert got == [
        ("one", "1.", 0, "list_item"), ("one-a", "(a)", 1, "list_item"), ("one-b", "(b)", 1, "list_item"),
        ("one-b-i", "i)", 2, "list_item"), ("three", "3.", 0, "list_item"),
        ("three-a", "(a)", 1, "list_item"), ("dot", "•", 0, "list_item"), ("seven", "7.", 0, "list_item"),
        ("eight", "8.", 0, "list_item"), ("roman", "III.", 0, "list_item"),
    ]


def test_style_linked_numbering_and_headings_by_style() -> None:
    styles = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="heading 2"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="MyList"><w:name w:val="My List"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="MyList2"><w:name w:val="My List 2"/>'
        '<w:basedOn w:val="MyList"/></w:style>'
    )
    body = "".join([
        p("2\tScope of work"), p("intro text"), p("2.1\tDetails"), p("first", '<w:pStyle w:val="MyList"/>'),
        p("second", '<w:pStyle w:val="MyList2"/>'), p("Annex notes", '<w:pStyle w:val="H2"/>'),
        p("3\tNext part"), p("tail"),
    ])
    doc = parse_docx(make_docx(body, numbering=_MULTI, styles=styles), "s.docx", Limits())
    by = {b.text: b for b in doc.blocks}
    assert by["2 Scope of work"].kind == "heading" and by["2 Scope of work"].level == 1
    assert by["2.1 Details"].level == 2 and by["2.1 Details"].section == "2"
    assert by["first"].section_path == ["2", "Scope of work", "2.1", "Details"]
    assert (by["first"].label, by["second"].label) == ("1.", "2.")  # basedOn carries the style's numPr
    assert by["Annex notes"].kind == "heading" and by["Annex notes"].section_path[-1] == "Annex notes"
    assert by["tail"].section == "3" and by["tail"].section_path == ["3", "Next part"]
    assert by["intro text"].section_title == "Scope of work"


def test_manual_labels_and_literal_dashes() -> None:
    body = "".join([
        p("a)\tfirst lettered"), p("(iv)\troman item"), p("1.\tlower case numbered item; long enough"),
        p("–\tdash item"), p("-\thyphen item"), p("•\tdot item"), p("b) spaced letter"),
        p("2.3\tA numbered paragraph that reads as body text, with a full stop at its end."),
        p("Plain text with a) inside"),
    ])
    doc = parse_docx(make_docx(body), "m.docx", Limits())
    got = [(b.label, b.text, b.kind) for b in doc.blocks]
    assert got[:7] == [
        ("a)", "first lettered", "list_item"), ("(iv)", "roman item", "list_item"),
        ("1.", "lower case numbered item; long enough", "list_item"), ("–", "dash item", "list_item"),
        ("-", "hyphen item", "list_item"), ("•", "dot item", "list_item"),
        ("b)", "spaced letter", "list_item"),
    ]
    assert got[7][0] == "2.3" and got[7][2] == "paragraph"
    assert got[8] == (None, "Plain text with a) inside", "paragraph")


def test_hidden_structures_content_controls_text_boxes_and_revisions() -> None:
    box = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        f'{p("boxed text")}</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>'
        f'{p("boxed text")}</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>'
    )
    body = "".join([
        f"<w:sdt><w:sdtPr/><w:sdtContent>{p('inside a control')}</w:sdtContent></w:sdt>",
        '<w:p><w:bookmarkStart w:id="0" w:name="_Toc1"/><w:r><w:t>kept</w:t></w:r>'
        '<w:del w:id="1"><w:r><w:delText>deleted</w:delText></w:r></w:del>'
        '<w:ins w:id="2"><w:r><w:t xml:space="preserve"> inserted</w:t></w:r></w:ins>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "x" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t xml:space="preserve"> link</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:bookmarkEnd w:id="0"/>'
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden</w:t></w:r>'
        '<w:r><w:t xml:space="preserve"> a</w:t><w:tab/><w:t>b</w:t><w:br/><w:t>c</w:t></w:r></w:p>',
        f"<w:p><w:r><w:t>anchor</w:t></w:r>{box}</w:p>",
        '<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>42</w:t></w:r></w:fldSimple></w:p>',
        "<w:p/>", p("   "),
    ])
    doc = parse_docx(make_docx(body), "h.docx", Limits())
    assert [b.text for b in doc.blocks] == [
        "inside a control", "kept inserted link a b c", "anchor", "boxed text", "42",
    ]


def test_tables_merged_and_nested_cells_once_each() -> None:
    def tc(text: str, pr: str = "") -> str:
        return f"<w:tc><w:tcPr>{pr}</w:tcPr>{p(text) if text else '<w:p/>'}</w:tc>"

    span2, restart = '<w:gridSpan w:val="2"/>', '<w:vMerge w:val="restart"/>'
    nested = f"<w:tbl><w:tr>{tc('inner')}</w:tr></w:tbl>"
    body = (
        "<w:tbl>"
        f"<w:tr>{tc('wide', span2)}{tc('tall', restart)}</w:tr>"
        f"<w:tr>{tc('x')}{tc('y')}{tc('', '<w:vMerge/>')}</w:tr>"
        f"<w:tr><w:tc><w:tcPr/>{p('outer')}{nested}</w:tc>{tc('z', span2)}</w:tr>"
        "</w:tbl>"
    )
    doc = parse_docx(make_docx(body), "t.docx", Limits())
    got = [(b.text, b.table, b.row, b.col, b.kind) for b in doc.blocks]
    assert got == [
        ("wide", 0, 0, 0, "table_cell"), ("tall", 0, 0, 2, "table_cell"), ("x", 0, 1, 0, "table_cell"),
        ("y", 0, 1, 1, "table_cell"), ("outer", 0, 2, 0, "table_cell"), ("inner", 1, 0, 0, "table_cell"),
        ("z", 0, 2, 1, "table_cell"),
    ]


def test_first_table_is_header_only_with_itu_cues() -> None:
    cells = f"<w:tc>{p('Council 2030')}</w:tc><w:tc>{p('Document C30/9-E')}</w:tc>"
    header_tbl = f"<w:tbl><w:tr>{cells}</w:tr></w:tbl>"
    plain_tbl = f"<w:tbl><w:tr><w:tc>{p('Sector')}</w:tc><w:tc>{p('USD 5 million')}</w:tc></w:tr></w:tbl>"
    page_field = '<w:p><w:r><w:fldChar w:fldCharType="begin"/><w:instrText>PAGE</w:instrText></w:r></w:p>'
    hdr = p("C30/9-E") + page_field
    doc = parse_docx(make_docx(header_tbl + p("Body") + plain_tbl, header=hdr), "x.docx", Limits())
    assert [b.text for b in doc.blocks] == ["Body", "Sector", "USD 5 million"]
    assert doc.header_text.splitlines() == ["Council 2030", "Document C30/9-E", "C30/9-E"]
    doc2 = parse_docx(make_docx(plain_tbl + p("Body")), "y.docx", Limits())
    assert [b.text for b in doc2.blocks] == ["Sector", "USD 5 million", "Body"]


def test_page_estimate_from_explicit_breaks() -> None:
    body = "".join([
        p("one"), '<w:p><w:r><w:t>still one</w:t><w:br w:type="page"/><w:t>tail</w:t></w:r></w:p>',
        p("two"), p("three", "<w:pageBreakBefore/>"),
        '<w:p><w:pPr><w:sectPr><w:type w:val="nextPage"/></w:sectPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>',
        p("four"),
        "<w:sectPr/>",
    ])
    doc = parse_docx(make_docx(body), "pb.docx", Limits())
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("one", 1), ("still one tail", 1), ("two", 2), ("three", 3), ("x", 3), ("four", 4),
    ]
    assert doc.pages == 4


# -- hostile and wrong files ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(300):
                fh.write(chunk)
    return buf.getvalue()


def test_zip_bomb_refused_before_decompressing(zip_bomb: bytes, monkeypatch) -> None:
    """Refused from the zip's central directory: no member is ever opened (speed lives in bench/)."""

    def no_decompression(*args, **kwargs):
        raise AssertionError("a zip member was opened before the size guard refused the file")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_decompression)
    with pytest.raises(DocumentError, match="zip bomb guard"):
        parse_docx(zip_bomb, "bomb.docx", Limits())


def test_xml_total_over_limit_refused() -> None:
    data = make_docx(p("x" * 5000))
    with pytest.raises(DocumentError, match="zip bomb guard"):
        parse_docx(data, "big.docx", Limits(max_uncompressed_bytes=4000))


def test_xxe_and_entity_expansion_refused_without_reading_files() -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    data = make_docx('<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>', doc_head=xxe)
    with pytest.raises(DocumentError, match="DTD") as err:
        parse_docx(data, "xxe.docx", Limits())
    assert "root:" not in err.value.reason
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    bomb = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{lol}]>'
    with pytest.raises(DocumentError, match="DTD"):
        parse_docx(make_docx("<w:p><w:r><w:t>&l9;</w:t></w:r></w:p>", doc_head=bomb), "lol.docx", Limits())


def test_safe_parser_never_resolves_external_entities() -> None:
    """Defence in depth: even past the DTD refusal, our lxml parser leaves entities unexpanded."""
    raw = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><d>&xxe;</d>'
    root = etree.fromstring(raw, _xml_parser())
    assert "root:" not in etree.tostring(root, encoding="unicode")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"this is not a zip at all", "corrupt DOCX: not a valid zip archive"),
        (b"PK\x03\x04" + b"\x00" * 64, "corrupt DOCX: not a valid zip archive"),
    ],
)
def test_not_a_zip(data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as err:
        parse_docx(data, "bad.docx", Limits())
    assert err.value.reason == reason


def _zip(members: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, v in members.items():
            z.writestr(k, v)
    return buf.getvalue()


def test_other_zip_formats_are_named() -> None:
    xlsx = _zip({
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/></Types>',
        "xl/workbook.xml": "<workbook/>",
    })
    with pytest.raises(DocumentError, match=r"not a Word document: an Excel workbook \(\.xlsx\)"):
        parse_docx(xlsx, "a.docx", Limits())
    odt = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
    with pytest.raises(DocumentError, match="not a Word document: an OpenDocument"):
        parse_docx(odt, "a.docx", Limits())
    strict = _zip({
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="r" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<w:document xmlns:w="http://purl.oclc.org/ooxml/wordprocessingml/main"/>',
    })
    with pytest.raises(DocumentError, match="strict Open XML"):
        parse_docx(strict, "s.docx", Limits())
    with pytest.raises(DocumentError, match="without word/document.xml"):
        parse_docx(_zip({"readme.txt": "hi"}), "z.docx", Limits())


def test_malformed_xml_is_one_line_reason() -> None:
    data = make_docx("<w:p><w:r><w:t>unclosed</w:r></w:p>")
    with pytest.raises(DocumentError, match=r"corrupt DOCX: malformed XML in word/document.xml") as err:
        parse_docx(data, "m.docx", Limits())
    assert "\n" not in err.value.reason


def test_num_style_link_and_lvl_restart() -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="5"><w:styleLink w:val="LegalList"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:lvlRestart w:val="0"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>'
        '<w:abstractNum w:abstractNumId="6"><w:numStyleLink w:val="LegalList"/></w:abstractNum>'
        '<w:num w:numId="10"><w:abstractNumId w:val="5"/></w:num>'
        '<w:num w:numId="11"><w:abstractNumId w:val="6"/></w:num>'
    )
    styles = (
        '<w:style w:type="numbering" w:styleId="LegalList"><w:name w:val="Legal List"/>'
        '<w:pPr><w:numPr><w:numId w:val="10"/></w:numPr></w:pPr></w:style>'
    )
    body = "".join([p("A", numpr(11)), p("A1", numpr(11, 1)), p("B", numpr(11)), p("B2", numpr(11, 1))])
    doc = parse_docx(make_docx(body, numbering=numbering, styles=styles), "l.docx", Limits())
    # numStyleLink -> numbering style -> num 10 -> abstractNum 5; lvlRestart=0: level 2 never restarts
    assert [b.label for b in doc.blocks] == ["A.", "A.1", "B.", "B.2"]


def test_styles_with_another_prefix_fall_back_to_full_parse() -> None:
    styles_xml = (
        f'<x:styles xmlns:x="{W_NS}"><x:style x:type="paragraph" x:styleId="Big">'
        '<x:name x:val="heading 1"/></x:style></x:styles>'
    )
    body = p("Overview", '<w:pStyle w:val="Big"/>') + p("text")
    doc = parse_docx(make_docx(body, styles_xml=styles_xml), "x.docx", Limits())
    assert doc.blocks[0].kind == "heading" and doc.blocks[1].section_path == ["Overview"]


def test_page_estimate_prefers_word_rendered_breaks() -> None:
    """When Word recorded its layout, explicit breaks are already counted in it: no double counting."""
    body = "".join([
        p("one"),
        '<w:p><w:r><w:br w:type="page"/></w:r><w:r><w:lastRenderedPageBreak/><w:t>two</w:t></w:r></w:p>',
        '<w:p><w:r><w:t xml:space="preserve">still two and </w:t></w:r>'
        "<w:r><w:lastRenderedPageBreak/><w:t>three</w:t></w:r></w:p>",
        p("three again"),
    ])
    doc = parse_docx(make_docx(body), "r.docx", Limits())
    assert [(b.text, b.page) for b in doc.blocks] == [
        ("one", 1), ("two", 2), ("still two and three", 2), ("three again", 3),
    ]
    assert doc.pages == 3


def test_truncated_and_hostile_values_give_document_errors_only() -> None:
    src = (CORPUS / "c26-res1408-report.docx").read_bytes()
    for cut in range(0, len(src), len(src) // 25):
        try:
            parse_docx(src[:cut], "cut.docx", Limits())
        except DocumentError as exc:
            assert "\n" not in exc.reason
    numbering = (
        '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="999999999"/>'
        '<w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1)"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
    )
    body = p("huge", numpr(1)) + '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="x"/></w:tcPr>' + p("c") + (
        "</w:tc></w:tr></w:tbl>"
    )
    doc = parse_docx(make_docx(body, numbering=numbering), "v.docx", Limits())
    assert doc.blocks[0].label == "999999999)" and doc.blocks[1].text == "c"


def test_footnote_marks_leave_the_text() -> None:
    ref = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="{}"/></w:r>'
    body = (
        f"<w:p><w:r><w:t>USD 5 million</w:t></w:r>{ref.format(2)}"
        '<w:r><w:t xml:space="preserve"> pledged</w:t></w:r></w:p>'
        f"<w:p><w:r><w:t>Next</w:t></w:r>{ref.format(3)}</w:p>"
    )
    doc = parse_docx(make_docx(body), "f.docx", Limits())
    assert [(b.text, b.footnotes) for b in doc.blocks] == [("USD 5 million pledged", ["1"]), ("Next", ["2"])]



_RESTART, _CONT, _SPAN2 = '<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:gridSpan w:val="2"/>'


def _tc(text: str, pr: str = "", ppr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{p(text, ppr) if text else '<w:p/>'}</w:tc>"


def test_table_cells_carry_spans_header_rows_indent_and_parent() -> None:
    """What extract/tables.py builds on: gridSpan/vMerge spans, w:tblHeader rows, the stub indent (w:ind plus
    leading tabs to the next tab stop) and the table holding a nested one."""
    head = "<w:trPr><w:tblHeader/></w:trPr>"
    tabs = '<w:tabs><w:tab w:val="left" w:pos="288"/><w:tab w:val="left" w:pos="576"/></w:tabs>'
    ind = '<w:ind w:left="144"/>'
    nested = f"<w:tbl><w:tr>{_tc('inner')}</w:tr></w:tbl>"
    body = (
        "<w:tbl>"
        f"<w:tr>{head}{_tc('', _RESTART)}{_tc('Changes', _SPAN2)}</w:tr>"
        f"<w:tr>{head}{_tc('', _CONT)}{_tc('Other')}{_tc('Total')}</w:tr>"
        f"<w:tr>{_tc('Group')}{_tc('')}{_tc('')}</w:tr>"
        f"<w:tr>{_tc(chr(9) + chr(9) + 'Item', ppr=tabs + ind)}{_tc('1.0')}"
        f"<w:tc><w:tcPr/>{p('2.0')}{nested}</w:tc></w:tr>"
        "</w:tbl>"
    )
    doc = parse_docx(make_docx(body), "t.docx", Limits())
    by = {b.text: b for b in doc.blocks}
    assert (by["Changes"].col_span, by["Changes"].header_row) == (2, True)
    assert by["Other"].header_row and not by["Group"].header_row
    assert by["Item"].indent == 28.8 and by["Group"].indent == 0.0  # 7.2pt indent, two tabs: 14.4 then 28.8
    assert by["inner"].table == 1 and by["inner"].parent_table == 0 and by["2.0"].parent_table is None


def test_vmerge_restart_spans_the_rows_it_covers() -> None:
    body = (
        "<w:tbl>"
        f"<w:tr>{_tc('tall', _RESTART)}{_tc('a')}</w:tr>"
        f"<w:tr>{_tc('', _CONT)}{_tc('b')}</w:tr>"
        f"<w:tr>{_tc('', _CONT)}{_tc('c')}</w:tr>"
        f"<w:tr>{_tc('short')}{_tc('d')}</w:tr>"
        "</w:tbl>"
    )
    by = {b.text: b for b in parse_docx(make_docx(body), "t.docx", Limits()).blocks}
    assert by["tall"].row_span == 3 and by["short"].row_span == 1 and by["a"].row_span == 1
