"""Unruled PDF tables of the UN budget kind, on generated pages: column heads printed over two or three lines,
a spanning head above them, heads set closer than body cells, a column with no figure printed, a group label
running over the first gutter, a row label wrapped over four lines, a lettered note at the page foot, and a
table in two parts under text-size part titles. The reader must give the same header model a Word file gives
(one head per column, "Changes" over the change columns), so PDF and Word tables give the same figures."""

from __future__ import annotations

import io

from extract.pdf import parse_pdf
from extract.table_figures import table_figures
from extract.tables import build_tables
from schemas.models import Limits

H = 842.0  # A4 height: reportlab draws from the bottom, the tests speak of tops
HEAD, BODY, TEXT = 7.0, 8.5, 10.0
# right edges of the figure columns (heads and figures are right-aligned on them)
EDGES = [217.0, 260.0, 307.0, 361.0, 408.0, 455.0, 496.0, 550.0]  # "Total" and "Percentage" 0.65 em apart
HEADS = [("2024", "expenditure"), ("2025", "approved"), ("Technical", "adjustments"),
         ("New/expanded", "mandates"), ("", "Other"), ("", "Total"), ("", "Percentage"), ("2026", "estimate")]


def _pdf(draw) -> bytes:  # noqa: ANN001
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.save()
    return buf.getvalue()


def _text(c, x: float, top: float, text: str, size: float, right: bool = False, bold: bool = False,  # noqa: ANN001
          centre: bool = False) -> None:
    c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
    y = H - top - 0.8 * size  # baseline of a line whose box starts at `top`
    (c.drawCentredString if centre else c.drawRightString if right else c.drawString)(x, y, text)


def _caption(c, top: float, number: str, title: str, unit: str) -> float:  # noqa: ANN001
    _text(c, 60, top, f"Table {number}", TEXT)
    _text(c, 60, top + 12, title, TEXT, bold=True)
    _text(c, 60, top + 25, unit, HEAD)
    return top + 40


def _heads(c, top: float, stub: str, spanning: bool = True) -> float:  # noqa: ANN001
    """The two-level head of a budget table: "Changes" over five columns, each head on two lines set at a
    single line spacing (8 pt for 7 pt type), the stub head on the lower line."""
    if spanning:  # centred over the heads of the five change columns
        from reportlab.pdfbase.pdfmetrics import stringWidth

        left = EDGES[2] - max(stringWidth(w, "Helvetica", HEAD) for w in HEADS[2])
        _text(c, (left + EDGES[6]) / 2, top, "Changes", HEAD, centre=True)
        top += 17
    for k, (upper, lower) in enumerate(HEADS):
        if upper:
            _text(c, EDGES[k], top, upper, HEAD, right=True)
        _text(c, EDGES[k], top + 8, lower, HEAD, right=True)
    _text(c, 60, top + 8, stub, HEAD)
    return top + 28


def _row(c, top: float, label: str, cells: list[str], indent: float = 0.0) -> float:  # noqa: ANN001
    _text(c, 60 + indent, top, label, BODY)
    for edge, cell in zip(EDGES, cells, strict=True):
        if cell:
            _text(c, edge, top, cell, BODY, right=True)
    return top + 14


ROWS = [
    ("Posts", ["10 930.1", "12 438.3", "265.6", "167.6", "46.9", "480.1", "3.9", "12 918.8"]),
    ("Consultants", ["352.0", "1 322.5", "(44.7)", "54.2", "–", "9.5", "1.1", "1 332.0"]),
    ("Travel of staff", ["204.9", "259.7", "(10.3)", "100.8", "–", "90.5", "34.8", "350.2"]),
    ("Total", ["11 487.0", "14 020.5", "210.6", "322.6", "46.9", "580.1", "4.1", "14 601.0"]),
]


def _budget_page(c) -> None:  # noqa: ANN001
    top = _caption(c, 80, "9.4", "Overall: evolution of financial resources by object of expenditure",
                   "(Thousands of United States dollars)")
    top = _heads(c, top, "Object of expenditure")
    for label, cells in ROWS:
        top = _row(c, top, label, cells)
    _text(c, 60, top + 20, "The resources proposed are shown in the table above.", TEXT)


def _tables(draw):  # noqa: ANN001, ANN202
    doc = parse_pdf(_pdf(draw), "t.pdf", Limits())
    doc.id = "t.pdf"
    tables = build_tables(doc)
    return doc, tables, table_figures(doc, tables)


def test_stacked_heads_are_one_head_per_column_under_a_spanning_head() -> None:
    _, tables, figs = _tables(_budget_page)
    t = next(t for t in tables if t.number == "9.4")
    assert t.header_rows == 2 and t.unit == "(Thousands of United States dollars)"
    heads = {c.col: c.text for c in t.cells if c.header and c.row == 1}
    assert heads == {0: "Object of expenditure", 1: "2024 expenditure", 2: "2025 approved",
                     3: "Technical adjustments", 4: "New/expanded mandates", 5: "Other", 6: "Total",
                     7: "Percentage", 8: "2026 estimate"}
    changes = next(c for c in t.cells if c.text == "Changes")
    assert changes.row == 0 and (changes.col, changes.col_span) == (3, 5)
    cell = next(c for c in t.cells if c.row_path == ["Consultants"] and c.col == 3)
    assert cell.value == -44.7 and cell.col_path == ["Changes", "Technical adjustments"]
    mine = [f for f in figs if f.table_id == t.id]
    posts = next(f for f in mine if f.subject == "Posts" and f.col == 1)
    assert posts.amount == 10_930_100 and posts.years == [2024] and posts.budget_kind == "expenditure"
    assert not any(f.col == 7 for f in mine)  # "Percentage" set close to "Total": its own column, no money
    assert len(mine) == 4 * 7 - 2  # every money cell but Percentage and the two dashes


def _no_figure_page(c) -> None:  # noqa: ANN001
    top = _caption(c, 80, "9.5", "Policymaking organs: evolution of financial resources",
                   "(Thousands of United States dollars)")
    top = _heads(c, top, "")
    _text(c, 60, top, "Financial resources by main category of expenditure", BODY)
    top += 14
    for label, cells in [("Travel of staff", ["", "9.2", "–", "–", "(9.2)", "(9.2)", "(100)", "–"]),
                         ("Contractual services", ["", "4.0", "–", "–", "1.0", "1.0", "25.0", "5.0"]),
                         ("Total", ["", "13.2", "–", "–", "(8.2)", "(8.2)", "(62.1)", "5.0"])]:
        top = _row(c, top, label, cells)


def test_heads_over_a_column_with_no_figure_and_a_group_label_over_the_first_gutter() -> None:
    """Nothing printed under "2024 expenditure" (not even a dash); a bold group label under the heads runs
    past the stub column at a plain word space: a body row, not a third head."""
    _, tables, figs = _tables(_no_figure_page)
    t = next(t for t in tables if t.number == "9.5")
    assert t.header_rows == 2
    assert {c.col: c.text for c in t.cells if c.header and c.row == 1}[1] == "2024 expenditure"
    band = next(c for c in t.cells if c.stub and c.text.startswith("Financial resources"))
    assert not band.header and band.text == "Financial resources by main category of expenditure"
    travel = next(f for f in figs
                  if f.table_id == t.id and (f.subject or "").endswith("Travel of staff") and f.col == 2)
    assert travel.years == [2025] and travel.budget_kind == "appropriation" and travel.amount == 9_200


def _parts_page(c) -> None:  # noqa: ANN001
    for k, line in enumerate(["9.71 The resources proposed for the programme of work and for the organs that",
                              "guide it are shown below by component, from the regular budget and from",
                              "extrabudgetary resources, with the changes proposed for the year."]):
        _text(c, 60, 80 + 12 * k, line, TEXT)  # body text at 10 pt: what a footnote is smaller than
    top = _caption(c, 130, "9.6", "Overall: evolution of financial resources by component",
                   "(Thousands of United States dollars)")
    _text(c, 98, top, "(1) Regular budget", TEXT)
    top = _heads(c, top + 20, "Component/subprogramme")
    top = _row(c, top, "A. Policymaking organs", ["–", "9.2", "–", "–", "(9.2)", "(9.2)", "(100)", "–"])
    for k, part in enumerate(["1. Multilateral negotiations", "and deliberations on",
                              "disarmament and arms"]):
        _text(c, 74 if k == 0 else 89, top, part, BODY)
        top += 10
    top = _row(c, top, "limitation", ["3 111.3", "3 642.2", "–", "–", "(76.0)", "(76.0)", "(2.1)", "3 566.2"],
               indent=29)
    top = _row(c, top, "2. Regional disarmament", ["3 028.4", "3 323.1", "50.8", "–", "(207.2)", "(156.4)",
                                                   "(4.7)", "3 166.7"], indent=14)
    top = _row(c, top, "Total", ["6 140.1", "6 974.5", "50.8", "–", "(292.4)", "(241.6)", "(3.5)",
                                 "6 732.9"], indent=14)
    _text(c, 98, top + 10, "(2) Extrabudgetary", TEXT)
    top = _heads(c, top + 30, "Component/subprogramme", spanning=False)
    for label, cells in [("A. Policymaking organs", ["–", "–", "–", "–", "–", "–", "–", "–"]),
                         ("B. Executive direction", ["355.4", "302.0", "–", "–", "–", "–", "–", "302.0"]),
                         ("Total", ["355.4", "302.0", "–", "–", "–", "–", "–", "302.0"])]:
        top = _row(c, top, label, cells)
    c.line(60, 90, 200, 90)  # the page's footnote rule, and a note whose letter is a superscript
    c.setFont("Helvetica", 5)
    c.drawString(74, 82, "a")
    _text(c, 80, H - 85, "Excludes expenditure under a special authorization of the Assembly.", 7.0)


def test_wrapped_row_label_lettered_note_and_parts_under_titles() -> None:
    """A stub label wrapped over four lines keeps the table whole; a lettered note read as the page's
    footnote is the table's; "(2) Extrabudgetary" in text size between two parts parts them, the second
    taking the number and unit."""
    _, tables, figs = _tables(_parts_page)
    parts = [t for t in tables if t.number == "9.6"]
    assert len(parts) == 2
    first, second = parts
    label = next(c for c in first.cells if c.stub and c.text.startswith("1. Multilateral"))
    assert label.text == "1. Multilateral negotiations and deliberations on disarmament and arms limitation"
    est = next(f for f in figs
               if f.table_id == first.id and f.col == 8 and "Multilateral" in (f.subject or ""))
    assert est.amount == 3_566_200 and est.years == [2026]
    assert "Extrabudgetary" in (second.caption or "")
    assert second.unit == "(Thousands of United States dollars)"
    assert second.header_rows == 1
    assert first.notes == [] and second.notes[0].startswith("a Excludes")  # the table ending the page
