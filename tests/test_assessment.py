"""RDNA assessments: sector chapters on blocks and damage/losses/needs tables as scaled figures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from extract.assessment import find_unit, sector_of, table_figures, tag_chapters
from extract.pipeline import extract_bytes, extract_file
from schemas.models import Block, Document, Extraction, Figure

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
TELECOM = "Telecommunications, Digital, and Media"


# --- helpers ------------------------------------------------------------------------------------------------


def _doc(blocks: list[Block], kind: str = "assessment") -> Document:
    return Document(path="t.docx", sha256="0" * 64, format="docx", kind=kind, blocks=blocks)


def _h(text: str, level: int = 1) -> Block:
    return Block(id="", kind="heading", text=text, level=level)


def _p(text: str) -> Block:
    return Block(id="", kind="paragraph", text=text)


def _table(rows: list[list[str | None]], table: int = 0, page: int | None = 5) -> list[Block]:
    """Cells of a table; None leaves a cell out (a merged cell the parser emits once)."""
    return [
        Block(id="", kind="table_cell", text=t, table=table, row=r, col=c, page=page)
        for r, row in enumerate(rows)
        for c, t in enumerate(row)
        if t is not None
    ]


def _ids(blocks: list[Block]) -> list[Block]:
    return [b.model_copy(update={"id": f"p{i:04d}"}) for i, b in enumerate(blocks)]


def _chapters(blocks: list[Block], kind: str = "assessment") -> list[str | None]:
    return [b.chapter for b in tag_chapters(_doc(_ids(blocks), kind)).blocks]


def _by(figs: list[Figure], subject: str, metric: str) -> Figure:
    found = [f for f in figs if f.subject == subject and f.metric == metric]
    assert len(found) == 1, (subject, metric, [(f.subject, f.metric) for f in figs])
    return found[0]


def _table_figs(ex: Extraction) -> list[Figure]:
    cells = {b.id for b in ex.document.blocks if b.kind == "table_cell"}
    return [f for f in ex.figures if f.block_id in cells]


# --- the sample RDNA, DOCX and PDF --------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["docx", "pdf"])
def sample(request) -> Extraction:
    return extract_file(EXAMPLES / f"rdna-sample.{request.param}", use_model=False)


def test_sample_chapters(sample: Extraction) -> None:
    doc = sample.document
    assert doc.kind == "assessment"
    by_text = {b.text: b.chapter for b in doc.blocks if b.kind == "heading"}
    assert by_text[TELECOM] == TELECOM
    assert by_text["Housing"] == "Housing"
    assert by_text["Energy"] == "Energy and Extractives"  # normalised to the data's canonical name
    assert by_text["Overview"] == "Overview"
    # the title page precedes every chapter
    assert doc.blocks[0].chapter is None
    # sub-headings and the table stay in the telecom chapter
    start = next(i for i, b in enumerate(doc.blocks) if b.text == TELECOM)
    assert all(b.chapter == TELECOM for b in doc.blocks[start:])
    assert sum(b.kind == "table_cell" for b in doc.blocks[start:]) >= 20


def test_sample_prose_figures_carry_chapter(sample: Extraction) -> None:
    prose = [f for f in sample.figures if f.text == "US$2.1 billion"]
    assert prose and prose[0].chapter == TELECOM and prose[0].metric == "damage"
    housing = [f for f in sample.figures if f.chapter == "Housing"]
    assert {f.metric for f in housing} == {"damage", "needs"}


def test_sample_table_cells_become_scaled_figures(sample: Extraction) -> None:
    figs = _table_figs(sample)
    assert len(figs) == 15  # 5 rows x Damage / Losses / Needs
    mobile = _by(figs, "Mobile networks", "damage")
    assert mobile.amount == pytest.approx(940e6) and mobile.currency == "USD"
    assert mobile.text == "940" and mobile.chapter == TELECOM
    assert mobile.sentence == "Mobile networks / Damage (US$ million)"
    cell = next(b for b in sample.document.blocks if b.id == mobile.block_id)
    assert cell.kind == "table_cell" and cell.text == "940"
    if sample.document.format == "pdf":
        assert mobile.page == 2
    assert _by(figs, "Fixed broadband", "losses").amount == pytest.approx(780e6)
    assert _by(figs, "Total", "needs").amount == pytest.approx(5870e6)
    assert {f.metric for f in figs} == {"damage", "losses", "needs"}


def test_sample_rows_sum_to_total_row(sample: Extraction) -> None:
    figs = sample.figures
    for metric in ("damage", "losses", "needs"):
        total_idx = figs.index(_by(_table_figs(sample), "Total", metric))
        parts = [f for f in figs if f.parts_of == total_idx]
        assert {f.subject for f in parts} == {"Mobile networks", "Fixed broadband", "Broadcasting", "Postal"}
        assert all(f.metric == metric for f in parts)
        assert sum(f.amount for f in parts) == pytest.approx(figs[total_idx].amount)


def test_table_figures_agree_across_formats() -> None:
    a, b = (extract_file(EXAMPLES / f"rdna-sample.{s}", use_model=False) for s in ("docx", "pdf"))
    key = [(f.subject, f.metric, f.amount, f.parts_of is None) for f in _table_figs(a)]
    assert key == [(f.subject, f.metric, f.amount, f.parts_of is None) for f in _table_figs(b)]


# --- chapter names and structure ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "Telecommunications",
        "TELECOMMUNICATIONS",
        "Telecommunications and Digital",
        "Telecommunications, digital and media sector",
        "Digital, Media and Telecommunications",
        "3.9 Telecommunications",
        "Chapter 12: Telecommunications & Digital",
        "Telecommunications, Digital, and Media",
    ],
)
def test_telecom_chapter_variants(heading: str) -> None:
    assert sector_of(heading) == TELECOM


@pytest.mark.parametrize(
    "heading",
    ["Damage to telecommunications", "Telecommunications ........ 121", "Table 4: Telecommunications damage"],
)
def test_not_a_chapter_heading(heading: str) -> None:
    assert sector_of(heading) is None


def test_other_sector_names() -> None:
    assert sector_of("Water and Sanitation") == "Water Supply and Sanitation"
    assert sector_of("4 Social Protection and Livelihoods") == "Social Protection and Livelihoods"
    assert sector_of("Culture & Tourism") == "Culture and Tourism"
    assert sector_of("Mine action") == "Explosive Hazard Management"


def test_flat_levels_subheadings_keep_the_chapter() -> None:
    """PDF-style: every heading level 1; "Summary", "Damage" inside a sector do not end it."""
    got = _chapters(
        [_p("Title page"), _h("Executive summary"), _p("x"), _h("Telecommunications"), _h("Summary"),
         _h("Damage"), _p("y"), _h("Annex 1: Methodology"), _p("z")]
    )
    assert got == [None, "Overview", "Overview", TELECOM, TELECOM, TELECOM, TELECOM,
                   "Annex 1: Methodology", "Annex 1: Methodology"]


def test_leveled_headings_group_and_subtopics() -> None:
    """Word styles: a sector sub-heading deeper than its chapter is a sub-topic; a shallower unknown
    heading (a group of sectors) closes the chapter."""
    got = _chapters(
        [_h("Social sectors", 1), _h("Housing", 2), _h("Energy", 3), _p("heating"), _h("Background", 3),
         _h("Infrastructure sectors", 1), _p("intro"), _h("Telecommunications and Digital", 2), _p("t")]
    )
    assert got == [None, "Housing", "Housing", "Housing", "Housing", None, None, TELECOM, TELECOM]


def test_numbered_top_level_headings_open_chapters() -> None:
    got = _chapters(
        [_h("1 Introduction"), _p("a"), _h("2 Cross-border effects"), _h("1. Restore coverage"),
         _h("2.1 Refugees"), _h("3 Transport"), _p("b")]
    )
    assert got == ["Introduction", "Introduction", "Cross-border effects", "Cross-border effects",
                   "Cross-border effects", "Transport", "Transport"]


def test_section_number_moved_out_of_text() -> None:
    """TXT/Word auto-numbering: the number is in Block.section, not in the heading text."""
    blocks = [_h("Scope", 1), _p("a"), _h("Mobile damage", 1)]
    blocks[0].section, blocks[1].section, blocks[2].section = "1", "1", "2"
    assert _chapters(blocks) == ["Scope", "Scope", "Mobile damage"]


def test_heading_broken_over_two_lines() -> None:
    got = _chapters([_h("Telecommunications, Digital,"), _h("and Media"), _p("x")])
    assert got == [TELECOM, TELECOM, TELECOM]


# --- units --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "factor"),
    [
        ("US$ million", "USD", 1e6),
        ("(USD, million)", "USD", 1e6),
        ("Table 3: Damage by oblast (US$ billion)", "USD", 1e9),
        ("UAH mln", "UAH", 1e6),
        ("in millions of US dollars", "USD", 1e6),
        ("EUR thousand", "EUR", 1e3),
        ("Needs (US$)", "USD", 1.0),
    ],
)
def test_find_unit(text: str, currency: str, factor: float) -> None:
    unit = find_unit(text)
    assert unit is not None and unit.currency == currency and unit.factor == factor


@pytest.mark.parametrize("text", ["Damage is US$2.1 billion", "Subsector", "Share of total (%)"])
def test_no_unit(text: str) -> None:
    assert find_unit(text) is None


# --- synthetic tables ---------------------------------------------------------------------------------------


def _figs(blocks: list[Block]) -> list[Figure]:
    return table_figures(tag_chapters(_doc(_ids(blocks))))


def test_number_formats_none_cells_and_column_units() -> None:
    figs = _figs(
        [_h("Energy"), _p("Table 2: Effects by subsector")]
        + _table(
            [
                ["Subsector", "Damage (UAH million)", "Losses (UAH million)", "Share of damage (%)"],
                ["Generation", "1 234.5", "-", "61"],
                ["Networks", "1,000.5", "n/a", "39"],
                ["Total", "2,235.0", "0", "100"],
            ]
        )
    )
    assert [(f.subject, f.metric, f.amount) for f in figs] == [
        ("Generation", "damage", pytest.approx(1234.5e6)),
        ("Networks", "damage", pytest.approx(1000.5e6)),
        ("Total", "damage", pytest.approx(2235e6)),
        ("Total", "losses", 0.0),
    ]
    assert all(f.currency == "UAH" and f.chapter == "Energy and Extractives" for f in figs)
    assert figs[0].parts_of == 2 and figs[1].parts_of == 2 and figs[2].parts_of is None


def test_caption_metric_total_column_and_subtotals() -> None:
    """Columns Public / Private / Total under a damage caption; oblast groups with subtotals."""
    figs = _figs(
        [_p("Table 5: Damage by oblast and ownership, US$ billion")]
        + _table(
            [
                ["Oblast", "Public", "Private", "Total"],
                ["Kharkiv", "1.2", "0.8", "2.0"],
                ["Sumy", "0.3", "0.2", "0.5"],
                ["Subtotal", "1.5", "1.0", "2.5"],
                ["Kyiv", "0.4", "0.1", "0.5"],
                ["Grand total", "1.9", "1.1", "3.0"],
            ]
        )
    )
    assert {f.metric for f in figs} == {"damage"}
    total_col = [f for f in figs if f.sentence.endswith("/ Total (US$ billion)")]
    assert _by(total_col, "Kharkiv", "damage").amount == pytest.approx(2e9)
    for col in ("Public", "Private", "Total"):
        col_figs = {f.subject: f for f in figs if f"/ {col} (" in f.sentence}
        idx = {id(f): i for i, f in enumerate(figs)}
        sub, grand = idx[id(col_figs["Subtotal"])], idx[id(col_figs["Grand total"])]
        assert col_figs["Kharkiv"].parts_of == sub and col_figs["Sumy"].parts_of == sub
        assert col_figs["Subtotal"].parts_of == grand and col_figs["Kyiv"].parts_of == grand
        assert sum(figs[i].amount for i in range(len(figs)) if figs[i].parts_of == grand) == pytest.approx(
            col_figs["Grand total"].amount
        )


def test_total_row_above_its_parts_and_needs_years() -> None:
    figs = _figs(
        [_p("(USD, million)")]
        + _table(
            [
                ["Subsector", "Needs 2025", "Short-term needs (2025-2026)", "Damage and losses"],
                ["Total", "300", "500", "900"],
                ["Mobile", "200", "350", "600"],
                ["Fixed", "100", "150", "300"],
            ]
        )
    )
    needs25 = [f for f in figs if f.sentence.startswith("Mobile / Needs 2025")][0]
    assert needs25.metric == "needs" and needs25.years == [2025] and needs25.amount == pytest.approx(200e6)
    short = [f for f in figs if "Short-term" in f.sentence and f.subject == "Fixed"][0]
    assert short.period is not None and (short.period.start, short.period.end) == ("2025", "2026")
    assert _by([f for f in figs if "Damage and losses" in f.sentence], "Mobile", "total").amount == 600e6
    totals = {i for i, f in enumerate(figs) if f.subject == "Total"}
    assert all(f.parts_of in totals for f in figs if f.subject != "Total")


def test_table_without_unit_or_metric_gives_no_figures() -> None:
    no_unit = _table([["Subsector", "Damage", "Needs"], ["Mobile", "10", "20"]], table=0)
    no_metric = _table([["Oblast", "Sites", "Population"], ["Kyiv", "10", "20"]], table=1)
    assert _figs([_p("Figures of the assessment")] + no_unit) == []
    assert _figs([_p("US$ million")] + no_metric) == []


def test_cells_with_their_own_currency_are_left_to_prose_figures() -> None:
    doc = _doc(_ids([_p("US$ million")] + _table([["Subsector", "Damage"], ["Mobile", "US$ 940 million"]])))
    assert table_figures(doc) == []


def test_transposed_table() -> None:
    figs = _figs(
        [_p("Table 1: Summary (US$ million)")]
        + _table([["", "Mobile", "Fixed", "Total"], ["Damage", "10", "5", "15"], ["Needs", "30", "20", "50"]])
    )
    assert _by(figs, "Mobile", "damage").amount == 10e6
    assert _by(figs, "Fixed", "needs").amount == 20e6
    assert sum(f.amount for f in figs if f.metric == "damage" and f.subject != "Total") == 15e6


def test_table_continued_on_next_page_reuses_header() -> None:
    figs = _figs(
        [_p("US$ million")]
        + _table([["Oblast", "Damage", "Needs"], ["Kyiv", "10", "20"]], table=0, page=5)
        + _table([["Lviv", "1", "2"], ["Total", "11", "22"]], table=1, page=6)
    )
    assert _by(figs, "Lviv", "needs").amount == 2e6 and _by(figs, "Lviv", "needs").page == 6
    assert _by(figs, "Total", "damage").amount == 11e6


def test_text_table_in_a_paragraph() -> None:
    """A table a PDF parser flattened into one paragraph: cells become figures with spans in the block."""
    text = (
        "Table 2: Effects by subsector (US$ million) Subsector Damage Losses Needs "
        "Mobile networks 940 1,120 2,640 Fixed broadband 845 - 2,310 Total 1,785 1,120 4,950 Source: team."
    )
    blocks = _ids([_h("Telecommunications"), _p(text)])
    figs = table_figures(tag_chapters(_doc(blocks)))
    assert len(figs) == 8  # the "-" cell is no figure
    fixed = _by(figs, "Fixed broadband", "needs")
    assert fixed.amount == 2310e6 and text[fixed.start : fixed.end] == "2,310" and fixed.chapter == TELECOM
    total = figs.index(_by(figs, "Total", "damage"))
    assert sum(f.amount for f in figs if f.parts_of == total) == figs[total].amount


def test_prose_is_not_a_text_table() -> None:
    prose = "Damage, losses and needs (US$ million) rose: damage 940 in 2024, needs 2,640 in total."
    blocks = _ids([_p(prose)])
    assert table_figures(_doc(blocks)) == []


def test_unruled_pdf_table_through_the_parser() -> None:
    """reportlab table without rules: the PDF parser yields no cells, the text-table reader still reads it."""
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table

    ss = getSampleStyleSheet()
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(
        [
            Paragraph("Rapid Damage and Needs Assessment (RDNA3)", ss["Title"]),
            Paragraph("Energy", ss["Heading1"]),
            Paragraph("Table 2: Damage and needs (US$ million)", ss["Normal"]),
            Table([["Subsector", "Damage", "Needs"],
                   ["Generation", "1,200", "3,400"], ["Total", "1,200", "3,400"]]),
        ]
    )
    ex = extract_bytes(buf.getvalue(), "rdna3.pdf", use_model=False)
    assert not any(b.kind == "table_cell" for b in ex.document.blocks)
    gen = _by(ex.figures, "Generation", "needs")
    assert gen.amount == 3400e6 and gen.page == 1 and gen.currency == "USD"


def test_docx_merged_header_through_the_parser(tmp_path: Path) -> None:
    """A Word table with a two-row header whose group cells span two columns (gridSpan)."""
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("Rapid Damage and Needs Assessment (RDNA5)")
    d.add_heading("Telecommunications", level=1)
    d.add_paragraph("Table 7: Damage and needs by oblast (USD, million)")
    t = d.add_table(rows=4, cols=5)
    t.cell(0, 1).merge(t.cell(0, 2)).text = "Damage"
    t.cell(0, 3).merge(t.cell(0, 4)).text = "Needs"
    for c, text in enumerate(["Oblast", "Public", "Private", "Short-term", "Long-term"]):
        t.cell(1, c).text = text
    for r, row in enumerate([["Kharkiv", "12.5", "40.1", "30", "90"], ["Total", "12.5", "40.1", "30", "90"]]):
        for c, text in enumerate(row):
            t.cell(r + 2, c).text = text
    buf = io.BytesIO()
    d.save(buf)
    ex = extract_bytes(buf.getvalue(), "rdna.docx", use_model=False)
    assert ex.document.kind == "assessment"
    figs = _table_figs(ex)
    assert len(figs) == 8
    private = [f for f in figs if f.sentence == "Kharkiv / Damage Private (USD, million)"]
    assert private and private[0].metric == "damage" and private[0].amount == pytest.approx(40.1e6)
    long = [f for f in figs if f.subject == "Kharkiv" and "Needs Long-term" in f.sentence]
    assert long[0].metric == "needs" and long[0].amount == 90e6 and long[0].chapter == TELECOM


# --- prose phrasing and records -----------------------------------------------------------------------------


def test_rdna_prose_phrasing_through_records() -> None:
    text = (
        "Rapid Damage and Needs Assessment (RDNA3)\n\n1 Telecommunications\n\n"
        "Damage to the sector is estimated at US$2.5 billion. Recovery needs reach $5.3 billion. "
        "Losses stand at USD 1.7 bn.\n\n2 Transport\n\nDamage totals US$ 36.2 bn.\n"
    )
    ex = extract_bytes(text.encode(), "rdna3.txt", use_model=False)
    assert ex.document.kind == "assessment"
    got = [(f.amount, f.metric, f.chapter) for f in ex.figures]
    assert got == [
        (pytest.approx(2.5e9), "damage", TELECOM),
        (pytest.approx(5.3e9), "needs", TELECOM),
        (pytest.approx(1.7e9), "losses", TELECOM),
        (pytest.approx(36.2e9), "damage", "Transport"),
    ]


def test_reports_are_not_chapter_tagged() -> None:
    ex = extract_file(EXAMPLES / "c26-report-sample.docx", use_model=False)
    assert ex.document.kind == "report"
    assert all(b.chapter is None for b in ex.document.blocks)


# --- CLI ----------------------------------------------------------------------------------------------------


def test_cli_figures_chapter_filter(tmp_path: Path) -> None:
    import cli

    db = str(tmp_path / "r.db")
    runner = CliRunner()
    res = runner.invoke(cli.main, ["ingest", "--db", db, "--jobs", "1", "--no-model",
                                   str(EXAMPLES / "rdna-sample.docx")])
    assert res.exit_code == 0, res.output
    res = runner.invoke(cli.main, ["figures", "--db", db, "--chapter", "telecom", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert rows and all(r["chapter"] == TELECOM for r in rows)
    assert {"Mobile networks", "Total"} <= {r["subject"] for r in rows}
    res = runner.invoke(cli.main, ["figures", "--db", db, "--chapter", "housing", "--format", "json"])
    housing = json.loads(res.stdout)
    assert housing and all(r["chapter"] == "Housing" and r["subject"] != "Mobile networks" for r in housing)
