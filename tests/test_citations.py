"""Citations: forms, normalisation, lists, provenance, reports_on vs cites; on real documents and short texts.

Expected values on real documents are my own labels (block, page and the symbol I read there)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS

import cli
from corpus.store import Store
from corpus.store import citations as stored
from extract.citations import canonical, citations_in_blocks, normalise_symbol, reports_on
from extract.pipeline import extract_file
from schemas.models import Block, Document

REAL = CORPUS / "real"


def _doc(*texts: str, kind: str = "report", symbol: str | None = None) -> Document:
    blocks = [Block(id=f"p{i:04d}", kind="paragraph", text=t, page=1) for i, t in enumerate(texts)]
    return Document(path="x.txt", sha256="0", format="txt", kind=kind, symbol=symbol, blocks=blocks)


def _cited(*texts: str) -> list[tuple[str, str]]:
    return [(c.cited, c.relation) for c in citations_in_blocks(_doc(*texts))]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("as decided in resolution 79/318 of the Assembly", ["A/RES/79/318"]),
        ("General Assembly resolution 1514 (XV) of 14 December 1960", ["A/RES/1514 (XV)"]),
        ("recalling its resolutions 77/1 and 78/2,", ["A/RES/77/1", "A/RES/78/2"]),
        ("Council Resolution 1408 (Mod. 2023); Document C23/59", ["1408", "C23/59"]),
        ("the draft resolution A/78/L.90 was adopted", ["A/78/L.90"]),
        ("as set out in A/80/6 (Sect. 5), para. 5.3.", ["A/80/6 (Sect. 5)"]),
        ("PP Resolution 34 (Rev. Dubai, 2018) on countries in special need", ["PP-34"]),
        ("Security Council resolution 2231 (2015) endorsed the plan", ["S/RES/2231 (2015)"]),
        ("Economic and Social Council resolution 2023/12 on mainstreaming", ["E/RES/2023/12"]),
        ("resolutions 1472 A (XIV), 76/3, entitled “A title”, and 79/87", None),
        ("General Assembly resolution 42/37 C and Security Council resolution 620 (1988)", None),
        ("Resolution A/RES/ES-11/1 of 2 March 2022", ["A/RES/ES-11/1"]),
    ],
)
def test_forms_and_normalisation(text, expected):
    found = [c for c, _ in _cited(text)]
    if expected is None:  # the list forms: every number of the list, normalised
        expected = {
            "resolutions 1472 A (XIV), 76/3, entitled “A title”, and 79/87": [
                "A/RES/1472 A (XIV)",
                "A/RES/76/3",
                "A/RES/79/87",
            ],
            "General Assembly resolution 42/37 C and Security Council resolution 620 (1988)": [
                "A/RES/42/37 C",
                "S/RES/620 (1988)",
            ],
        }[text]
    assert found == expected


def test_version_body_paragraph_and_span():
    (c,) = citations_in_blocks(_doc("Council Resolution 1408 (Mod. 2023) applies."))
    assert (c.cited, c.version, c.body, c.text) == (
        "1408",
        "Mod. 2023",
        "ITU Council",
        "Resolution 1408 (Mod. 2023)",
    )
    assert "Council Resolution 1408 (Mod. 2023) applies."[c.start : c.end] == c.text
    (p,) = citations_in_blocks(_doc("In keeping with paragraph 10 of General Assembly resolution 77/267, x."))
    assert (p.cited, p.paragraph, p.body) == ("A/RES/77/267", "10", "General Assembly")
    (pp,) = citations_in_blocks(_doc("2018 ITU Plenipotentiary Conference Resolution 34, on assistance"))
    assert (pp.cited, pp.body) == ("PP-34", "ITU Plenipotentiary Conference")


def test_reports_on_versus_mentions():
    doc = _doc(
        "The present report is submitted pursuant to General Assembly resolution 80/132, in which the"
        " Assembly requested the Secretary-General to report on its implementation.",
        "Action under the Decade builds on resolution 70/1 and on Security Council resolution 2231 (2015).",
        "Pursuant to Assembly resolution 79/40, two posts were established.",  # the body acts, not the report
    )
    cits = citations_in_blocks(doc)
    assert [(c.cited, c.relation) for c in cits] == [
        ("A/RES/80/132", "reports_on"),
        ("A/RES/70/1", "cites"),
        ("S/RES/2231 (2015)", "cites"),
        ("A/RES/79/40", "cites"),
    ]
    assert reports_on(cits) == ["A/RES/80/132"]


def test_references_line_and_requested_in_its_resolution():
    refs = _doc("References", "Council Resolution 1408 (Mod. 2023); Document C23/59", "1 Introduction")
    assert _relations(refs) == [("1408", "reports_on"), ("C23/59", "cites")]
    inline = _doc("References: PP Resolution 34 (Rev. Dubai, 2018)")
    assert _relations(inline) == [("PP-34", "reports_on")]
    asked = _doc("This report responds to the request made by the General Assembly in its resolution 79/318.")
    assert reports_on(citations_in_blocks(asked)) == ["A/RES/79/318"]
    plain = _doc("The Assembly, in its resolution 79/318, requested a study.")  # no self-reference
    assert reports_on(citations_in_blocks(plain)) == []
    asked = _doc("The present note is submitted as requested by the Assembly in its resolution 79/318.")
    assert reports_on(citations_in_blocks(asked)) == ["A/RES/79/318"]


def _relations(doc: Document) -> list[tuple[str, str]]:
    return [(c.cited, c.relation) for c in citations_in_blocks(doc)]


@pytest.mark.parametrize(
    "typed, symbol",
    [
        ("77/267", "A/RES/77/267"),
        ("PP Resolution 34", "PP-34"),
        ("2231 (2015)", "S/RES/2231 (2015)"),
        ("1408", "1408"),
        ("A/80/6 (Sect. 5)", "A/80/6 (Sect. 5)"),
        ("C23/59", "C23/59"),
    ],
)
def test_a_symbol_as_typed_is_normalised_like_a_citation(typed, symbol):
    assert normalise_symbol(typed) == symbol


def test_own_symbol_is_not_a_citation():
    doc = _doc("See A/80/6 (Sect. 4) and A/79/6 (Sect. 4).", symbol="A/80/6 (Sect. 4)")
    assert [c.cited for c in citations_in_blocks(doc)] == ["A/79/6 (Sect. 4)"]
    assert canonical("A/RES/1514 (XV)") == canonical("a/res/1514(XV)")


# -- real documents ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def c26():
    path = CORPUS / "c26-res1408-report.docx"
    if not path.exists():
        pytest.skip("reference corpus missing")
    return extract_file(path, use_model=False)


def test_c26_report_reports_on_resolution_1408(c26):
    doc = c26.document
    assert doc.reports_on == ["1408"]
    by_block = {(c.block_id, c.cited): c for c in c26.citations}
    refs = by_block[("p0012", "1408")]  # the References line (my label: block p0012, "Mod. 2023")
    assert (refs.relation, refs.version) == ("reports_on", "Mod. 2023")
    assert by_block[("p0003", "1408")].relation == "reports_on"  # "This report ... in response to ..."
    assert by_block[("p0012", "C23/59")].kind == "document"
    mentions = [c for c in c26.citations if c.relation == "cites" and c.cited == "1408"]
    assert len(mentions) >= 8  # the body's own mentions stay mentions


@pytest.fixture(scope="module")
def sect4():
    path = REAL / "A_80_6_Sect4_advance.docx"
    if not path.exists():
        pytest.skip("real corpus missing")
    return extract_file(path, use_model=False)


# My labels on the Sect. 4 budget section (advance Word file), as block text shows them.
SECT4_LABELS = [
    ("General Assembly resolution 77/267", "A/RES/77/267"),  # page-1 footnote, paragraph 10
    ("resolutions 74/144", "A/RES/74/144"),
    ("resolution 78/31", "A/RES/78/31"),
    ("resolution 42/37 C", "A/RES/42/37 C"),
    ("resolution 620 (1988)", "S/RES/620 (1988)"),
    ("resolution 79/40", "A/RES/79/40"),
    ("resolution 77/262", "A/RES/77/262"),
    ("A/76/6 (Sect. 4)", "A/76/6 (Sect. 4)"),
    ("A/79/7", "A/79/7"),
    ("resolution 75/253 A", "A/RES/75/253 A"),
]


def test_budget_section_citations(sect4):
    found = {canonical(c.cited) for c in sect4.citations}
    for written, symbol in SECT4_LABELS:
        assert canonical(symbol) in found, written
    assert "76/154" in {c.text for c in sect4.citations}  # second number of "resolutions 74/144 and 76/154"
    # a budget section reports on no resolution: every cue there is about the Office's work or posts
    assert sect4.document.reports_on == []
    para = next(c for c in sect4.citations if c.cited == "A/RES/77/262")
    assert para.paragraph == "20" and para.page is not None


def test_store_and_cli(tmp_path, c26, sect4):
    db = str(tmp_path / "c.db")
    with Store(db) as store:
        store.ingest(c26)
        store.ingest(sect4)
        assert {c.doc_id for c in stored(store, cited="1408")} == {"c26-res1408-report.docx"}
        assert [c.cited for c in stored(store, relation="reports_on")] == ["1408", "1408"]
        assert stored(store, cited="a/res/77/267")  # any case and spacing
        assert stored(store, cited="77/267")  # as a user types it
    result = CliRunner().invoke(
        cli.main, ["citations", "--cited", "A/RES/79/40", "--db", db, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(
        r["cited"] == "A/RES/79/40" and r["doc_id"] == "A_80_6_Sect4_advance.docx" for r in rows
    )
    assert list(rows[0])[:6] == ["doc_id", "cited", "text", "page", "block_id", "relation"]
    result = CliRunner().invoke(cli.main, ["documents", "--db", db, "--format", "json"])
    docs = {d["id"]: d for d in json.loads(result.stdout)}
    assert docs["c26-res1408-report.docx"]["reports_on"] == ["1408"]
    result = CliRunner().invoke(cli.main, ["citations", "--doc", "c26-res1408-report.docx", "--db", db])
    assert result.exit_code == 0 and "reports_on" in result.stdout


@pytest.fixture(scope="module")
def ga_doc():
    """A real GA resolution as parsed, with the symbol the classifier of real documents gives it."""

    def load(name: str, symbol: str) -> Document:
        path = REAL / f"{name}.pdf"
        if not path.exists():
            pytest.skip("real corpus missing")
        doc = extract_file(path, use_model=False).document
        return doc.model_copy(update={"symbol": symbol, "kind": "resolution"})

    return load


def test_ga_resolution_citations(ga_doc):
    """My labels on A/RES/80/132 (development): preamble lists with dates between numbers, footnotes."""
    cits = citations_in_blocks(ga_doc("A_RES_80_132", "A/RES/80/132"))
    found = [c.cited for c in cits]
    assert "A/RES/80/132" not in found  # its own symbol in the running head and masthead
    for symbol in (
        "A/80/555",
        "A/RES/78/148",
        "A/RES/69/213",
        "A/RES/70/197",
        "A/RES/72/212",
        "A/RES/75/313",
    ):
        assert symbol in found
    assert {"E/RES/1980/67", "A/RES/53/199", "A/RES/61/185", "A/RES/70/1", "A/RES/79/323"} <= set(found)
    assert [c.page for c in cits if c.cited == "A/RES/77/286"][-1] == 4  # operative paragraph 13
    assert all(c.relation == "cites" for c in cits)  # a resolution reports on nothing


def test_heldout_ga_resolution_citations(ga_doc):
    """HELD OUT, evaluated last: pages 1-2 of A/RES/80/229, labelled by reading the PDF before running."""
    labels = {
        1: "A/80/545 A/RES/46/152 A/RES/60/1 A/RES/67/1 A/RES/69/193 A/RES/69/196 A/RES/70/178 A/RES/70/182"
        " A/RES/71/209 A/RES/72/196 A/RES/73/186 A/RES/74/177 A/RES/75/196 A/RES/76/187 A/RES/77/237"
        " A/RES/78/229 A/RES/79/243",
        2: "A/RES/80/226 A/RES/78/223 A/RES/79/186 A/RES/80/225 A/RES/73/183 A/RES/78/225 A/RES/73/185"
        " A/RES/74/175 A/RES/78/226 A/CONF.234/16 A/RES/76/181",
    }
    cits = citations_in_blocks(ga_doc("A_RES_80_229", "A/RES/80/229"))
    tp = fp = fn = 0
    for page, symbols in labels.items():
        truth = set(symbols.split())
        pred = {c.cited for c in cits if c.page == page}
        tp, fp, fn = tp + len(pred & truth), fp + len(pred - truth), fn + len(truth - pred)
    p, r = tp / (tp + fp), tp / (tp + fn)
    print(f"A/RES/80/229 pages 1-2 citations: P {p:.2f} R {r:.2f}")
    # first run: P 0.93 R 1.00; the 2 "false" ones (70/1, 70/299) are right but on page 3, in a paragraph that
    # starts on page 2 (a block carries its first page): a labelling boundary, left as measured
    assert p >= 0.9 and r >= 0.9


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_reports_on_is_the_same_in_every_format(fmt):
    from test_link import extraction

    ex = extraction("c26-res1408-report", fmt)
    assert ex.document.reports_on == ["1408"]
    refs = [c for c in ex.citations if c.relation == "reports_on"]
    assert len(refs) == 2 and any(c.version == "Mod. 2023" for c in refs)  # summary box + References line
    assert {c.cited for c in ex.citations} == {"1408", "C23/59"}


def test_reports_on_through_that_request():
    doc = _doc(
        "In its resolution 79/318, the General Assembly requested the Secretary-General to report on the"
        " review. The present report is submitted in response to that request.",
        "The Assembly also recalled resolution 70/1.",
    )
    assert _relations(doc) == [("A/RES/79/318", "reports_on"), ("A/RES/70/1", "cites")]
    split = _doc(
        "By resolution 78/10, the Assembly asked for a study.",
        "This report responds to that request.",
    )
    assert reports_on(citations_in_blocks(split)) == ["A/RES/78/10"]
