"""The table builder, figures and checks on reader-neutral blocks (what a PDF reader emits: table_cell blocks
with boxes, no spans, no indents), written by hand for the project."""

from __future__ import annotations

import pytest

from corpus.table_checks import check_table, with_table_checks
from extract.records import extract_records
from extract.table_figures import table_figures
from extract.tables import build_tables
from schemas.models import Block, Check, Document, Extraction, SeriesPoint

# column x ranges of a PDF-like table: stub, then four number columns
_X = [(60, 250), (260, 320), (330, 390), (400, 460), (470, 530)]
_n = 0


def _cell(text: str, table: int, row: int, col: int, page: int = 3, x0: float | None = None,
          x1: float | None = None) -> Block:
    global _n
    _n += 1
    a, b = _X[col]
    top = 100 + 12 * row
    return Block(id=f"b{_n}", kind="table_cell", text=text, page=page, table=table, row=row, col=col,
                 bbox=(x0 if x0 is not None else a, top, x1 if x1 is not None else b, top + 9))


def _para(text: str, page: int = 3) -> Block:
    global _n
    _n += 1
    return Block(id=f"b{_n}", kind="paragraph", text=text, page=page)


def _rows(table: int, rows: list[list[str]], page: int = 3, start: int = 0, indents: dict | None = None):
    out = []
    for r, row in enumerate(rows, start=start):
        for c, text in enumerate(row):
            if text:
                x0 = (indents or {}).get(text)
                out.append(_cell(text, table, r, c, page, x0=x0))
    return out


HEAD = [["", "", "Changes", "", ""], ["Component", "2025 approved", "Technical", "Other", "2026 estimate"]]


def _doc(blocks: list[Block]) -> Document:
    return Document(id="d1", path="x.pdf", sha256="0" * 64, format="pdf", blocks=blocks)


def _continued_doc() -> Document:
    wide = _cell("Changes", 0, 0, 2, x0=330, x1=460)  # one box over two columns: a spanning head
    part1 = [wide] + _rows(0, HEAD[1:], start=1) + _rows(0, [
        ["Programme of work", "", "", "", ""],
        ["Operations", "1 000.0", "–", "50.0", "1 050.0"],
        ["Military", "500.5", "(20.0)", "–", "480.5a"],
    ], start=2, indents={"Operations": 74, "Military": 74})
    part2 = _rows(1, [
        ["Programme support", "200.0", "–", "–", "200.0"],
        ["Total", "1 700.5", "(20.0)", "50.0", "1 730.5"],
    ], page=4)
    return _doc([
        _para("Table 7.3"), _para("Resources by component"), _para("(Thousands of United States dollars)"),
        *part1, *part2,
        _para("a Includes an amount carried over.", page=4),
        _para("Table 7.4", page=4), _para("Posts by component", page=4), _para("(Number of posts)", page=4),
        *_rows(2, [["Component", "2025", "2026", "", ""], ["Operations", "12", "13", "", ""]], page=4),
    ])


def test_continued_table_is_one_table_with_caption_unit_notes():
    tables = build_tables(_continued_doc())
    assert [t.number for t in tables] == ["7.3", "7.4"]
    t = tables[0]
    assert t.pages == [3, 4] and t.parts == [0, 1] and t.header_rows == 2
    assert t.caption == "Resources by component" and t.unit == "(Thousands of United States dollars)"
    assert t.notes == ["a Includes an amount carried over."]
    assert t.n_rows == 7  # two header rows, three rows on page 3, two on page 4


def test_paths_from_boxes_spanning_head_and_stub_indent():
    t = build_tables(_continued_doc())[0]
    other = next(c for c in t.cells if c.text == "50.0" and c.row == 3)
    assert other.col_path == ["Changes", "Other"]  # "Changes" spans by its box
    assert other.row_path == ["Programme of work", "Operations"]
    support = next(c for c in t.cells if c.stub and c.text == "Programme support")
    assert support.row_path == ["Programme support"] and support.level == 0  # back at the group's indent
    noted = next(c for c in t.cells if c.text == "480.5a")
    assert (noted.value, noted.note) == (480.5, "a")


def test_figures_scaled_with_budget_kind_and_no_counts():
    doc = _continued_doc()
    figs = table_figures(doc)
    assert {f.table_id for f in figs} == {"t0"}  # Table 7.4 counts posts: no money
    est = next(f for f in figs if f.subject == "Total" and f.years == [2026])
    assert est.amount == pytest.approx(1_730_500) and est.currency == "USD"
    assert (est.metric, est.budget_kind) == ("budget", "estimate")
    assert est.page == 4 and est.cell_bbox is not None and est.col == 4
    neg = next(f for f in figs if f.subject == "Programme of work / Military" and f.col == 2)
    assert neg.amount == pytest.approx(-20_000) and neg.budget_kind == "change"


def test_sum_checks_rows_and_columns():
    t = build_tables(_continued_doc())[0]
    checks = check_table(t)
    col_checks = [c for c in checks if c.message.startswith("table 7.3: Total")]
    assert len(col_checks) == 4 and all(c.ok for c in col_checks)
    wrong = _continued_doc()
    for b in wrong.blocks:
        if b.text == "1 730.5":
            b.text = "1 830.5"
    bad = [c for c in check_table(build_tables(wrong)[0]) if not c.ok]
    assert len(bad) == 1 and "off by +100.0" in bad[0].message


def test_compact_unit_in_column_head():
    doc = _doc([
        _para("Evaluation sample"),
        *_rows(0, [["Programme", "Signed TA (EURm)", "Share (%)", "", ""], ["Energy", "12.5", "40", "", ""]]),
    ])
    figs = table_figures(doc)
    assert [(f.amount, f.currency) for f in figs] == [(12_500_000, "EUR")]


def test_records_add_table_figures_once():
    """A cell that states its own currency is running text already; the table route adds the others."""
    doc = _doc([
        _para("Table 1"), _para("(United States dollars)"),
        *_rows(0, [["Item", "Cost", "", "", ""], ["Radios", "USD 5 000", "", "", ""],
                   ["Masts", "7 000", "", "", ""]]),
    ])
    ex = Extraction(document=doc)
    extract_records(ex, use_model=False)
    amounts = sorted(f.amount for f in ex.figures)
    assert amounts == [5000, 7000] and len(ex.tables) == 1
    assert next(f for f in ex.figures if f.amount == 7000).table_id == "t0"


def test_compare_call_swaps_generic_table_total_for_table_checks():
    doc = _continued_doc()
    figs = table_figures(doc)
    total = next(f for f in figs if f.subject == "Total")
    generic = Check(kind="sum_mismatch", ok=False, message="table Total x", doc_id="d1",
                    figures=[SeriesPoint(doc_id="d1", amount=1.0, text="x", block_id=total.block_id)])
    out = with_table_checks([(generic, ("k",))], [doc], figs)
    assert generic not in [c for c, _ in out] and all(c.kind == "table_sum" for c, _ in out)


def test_a_check_of_another_document_with_the_same_block_id_is_kept():
    """Block ids repeat across documents ("p0009" in each): a running-text check of one document is not
    taken for a table cell of another."""
    doc = _continued_doc()
    figs = table_figures(doc)
    total = next(f for f in figs if f.subject == "Total")
    assert total.doc_id == doc.id
    other = Check(kind="sum_mismatch", ok=False, message="table Total x", doc_id="elsewhere",
                  figures=[SeriesPoint(doc_id="elsewhere", amount=1.0, text="x", block_id=total.block_id)])
    out = with_table_checks([(other, ("k",))], [doc], figs)
    assert other in [c for c, _ in out]



@pytest.mark.parametrize("box,span", [((335, 455), (2, 2)), ((345, 375), (2, 1)), ((392, 398), (2, 2))])
def test_spanning_head_from_its_box(box, span):
    """A head box reaching over two columns spans them; a word box over one column is left alone; a word
    centred over two undated heads ("Technical", "Other") spans them, not the dated ones around them."""
    doc = _continued_doc()
    for b in doc.blocks:
        if b.text == "Changes":
            b.bbox = (box[0], b.bbox[1], box[1], b.bbox[3])
    t = build_tables(doc)[0]
    changes = next(c for c in t.cells if c.text == "Changes")
    assert (changes.col, changes.col_span) == span
    other = next(c for c in t.cells if c.text == "50.0" and c.row == 3).col_path
    assert other == (["Changes", "Other"] if span[1] == 2 else ["Other"])
    assert next(c for c in t.cells if c.text == "1 050.0").col_path == ["2026 estimate"]


def test_repeated_header_on_next_page_is_merged_once():
    rows = [["Item", "2025", "2026", "", ""], ["Radios", "1.0", "2.0", "", ""]]
    more = [rows[0], ["Masts", "3.0", "4.0", "", ""], ["Total", "4.0", "6.0", "", ""]]
    doc = _doc([_para("Table 9"), _para("(US$ million)"), *_rows(0, rows), *_rows(1, more, page=4)])
    (t,) = build_tables(doc)
    assert t.pages == [3, 4] and t.header_rows == 1 and t.n_rows == 4
    assert [c.text for c in t.cells if c.stub] == ["Item", "Radios", "Masts", "Total"]
    assert all(c.ok for c in check_table(t)) and len(check_table(t)) == 2


def test_nested_table_stays_its_own_table():
    outer = _rows(0, [["Item", "Cost", "", "", ""], ["Radios", "1.0", "", "", ""]])
    inner = [b.model_copy(update={"parent_table": 0})
             for b in _rows(1, [["Sub", "2.0", "", "", ""], ["Sub 2", "3.0", "", "", ""]])]
    doc = _doc([_para("(US$ million)"), outer[0], outer[1], *inner, *outer[2:]])
    tables = build_tables(doc)
    assert [t.id for t in tables] == ["t0", "t1"] and tables[0].n_rows == 2 and tables[1].n_rows == 2


def test_wrapped_stub_labels_join_and_period_heads():
    """A reader that gives each line of a wrapped label its own row; a period in a column head."""
    head = ["Component", "1 July 2024 to 30 June 2025", "", "", ""]
    doc = _doc([_para("(United States dollars)"), *_rows(0, [
        head, ["B. Executive direction and", "", "", "", ""], ["management", "2 480.9", "", "", ""],
        ["C. Conventional arms", "1 670.8", "", "", ""], ["and ammunition", "", "", "", ""],
        ["1. Multilateral negotiations", "", "", "", ""], ["and deliberations on", "", "", "", ""],
        ["disarmament", "", "", "", ""], ["limitation", "3 111.3", "", "", ""],
    ])])
    t = build_tables(doc)[0]
    long = "1. Multilateral negotiations and deliberations on disarmament limitation"
    assert [c.text for c in t.cells if c.stub and not c.header] == [
        "B. Executive direction and management", "C. Conventional arms and ammunition", long]
    figs = table_figures(doc, [t])
    assert [(f.subject, f.amount) for f in figs] == [
        ("B. Executive direction and management", 2480.9), ("C. Conventional arms and ammunition", 1670.8),
        (long, 3111.3)]
    assert figs[0].years == [2024, 2025] and figs[0].period is not None
    assert (figs[0].period.start, figs[0].period.end) == ("2024-07-01", "2025-06-30")


def test_compare_call_drops_restatements_between_table_cells():
    doc = _continued_doc()
    figs = table_figures(doc)
    a, b = figs[0], figs[1]  # two cells of one row: two figures, not one stated twice
    pts = [SeriesPoint(doc_id="d1", amount=f.amount, text=f.text, block_id=f.block_id) for f in (a, b)]
    restated = Check(kind="inconsistent_restatement", ok=False, message="m", doc_id="d1", figures=pts)
    prose = Check(kind="inconsistent_restatement", ok=False, message="p", doc_id="d1",
                  figures=[pts[0], SeriesPoint(doc_id="d1", amount=3.0, text="USD 3", block_id="p9")])
    kept = [c for c, _ in with_table_checks([(restated, ()), (prose, ())], [doc], figs)]
    assert restated not in kept and prose in kept


def test_running_heads_between_parts_with_the_header_repeated():
    rows = [["Item", "2025", "2026", "", ""], ["Radios", "1.0", "2.0", "", ""]]
    more = [rows[0], ["Masts", "3.0", "4.0", "", ""]]
    heads = [_para("Section 5 Peacekeeping operations", page=4), _para("25-05310 29/74", page=4)]
    doc = _doc([_para("Table 9"), _para("(US$ million)"), *_rows(0, rows), *heads, *_rows(1, more, page=4)])
    (t,) = build_tables(doc)
    assert t.pages == [3, 4] and t.n_rows == 3
    far = _doc([_para("Table 9"), _para("(US$ million)"), *_rows(0, rows), *heads, *_rows(1, more, page=6)])
    assert len(build_tables(far)) == 2  # not the next page: two tables


def test_a_column_of_years_is_no_money():
    doc = _doc([_para("(US$ million)"), *_rows(0, [
        ["Project", "Approved", "Cost", "", ""], ["Radios", "2019", "2.5", "", ""],
        ["Masts", "2021", "2 020", "", ""],
    ])])
    assert sorted(f.amount for f in table_figures(doc)) == [2_500_000, 2_020_000_000]
