"""`restrack search` over the reference corpus: the FTS5 index finds paragraphs with document and page.

Expected values were labelled by reading the PDFs (page numbers as printed by a PDF viewer). The last test
is a held-out check, written after the search code and not used while building it.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from cli import main
from corpus.search import literal, search
from corpus.store import Store
from extract.pipeline import extract_file

FILES = ["c26-res1408-report.pdf", "res1408.docx", "real/A_RES_80_132.pdf", "real/A_RES_80_15.pdf"]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    if not all((CORPUS / f).exists() for f in FILES):
        pytest.skip(f"reference corpus not found at {CORPUS}")
    path = str(tmp_path_factory.mktemp("search") / "s.db")
    with Store(path) as store:
        for f in FILES:
            store.ingest(extract_file(CORPUS / f, use_model=False))
    return path


def _where(hits) -> list[tuple[str, int | None]]:
    return [(h.doc_id, h.page) for h in hits]


def test_words_find_the_paragraph_with_document_page_and_highlight(db):
    with Store(db) as store:
        hits = search(store, "Giga initiative")
        assert _where(hits) == [("c26-res1408-report.pdf", 5)]
        assert "**Giga** **initiative**" in hits[0].snippet and hits[0].symbol == "C26/27"
        taiex = search(store, "TAIEX")
        assert {h.page for h in taiex} == {3, 4, 6}
        assert {h.doc_id for h in taiex} == {"c26-res1408-report.pdf"}
        assert {h.page for h in search(store, "eighty-fifth")} == {4}  # hyphenated: a phrase of two tokens
        assert ("c26-res1408-report.pdf", 2) in _where(search(store, "Special Task Force"))


def test_stems_phrases_operators_and_stray_syntax(db):
    with Store(db) as store:
        assert {h.page for h in search(store, "workshops TAIEX")} == set()  # "workshop" in the text
        assert {h.page for h in search(store, "workshop* TAIEX")} == {3, 4}  # prefix query
        assert _where(search(store, '"Giga initiative"')) == [("c26-res1408-report.pdf", 5)]
        assert search(store, '"initiative Giga"') == []  # a phrase keeps its order
        either = {h.page for h in search(store, "Giga OR TAIEX", doc_id="c26-res1408-report.pdf")}
        assert either == {3, 4, 5, 6}
        assert search(store, "Giga (") == search(store, "Giga")  # not FTS syntax after all: taken literally
        assert search(store, "   ") == []
    assert literal('A/RES/80/132 say "x"') == '"A/RES/80/132" "say" """x"""'


def test_filters_by_document_kind_and_year(db):
    with Store(db) as store:
        everywhere = {h.doc_id for h in search(store, "Secretary-General", limit=100)}
        assert {"res1408.docx", "c26-res1408-report.pdf", "A_RES_80_132.pdf"} <= everywhere
        assert {h.doc_id for h in search(store, "Secretary-General", year=2022)} == {"res1408.docx"}
        reports = search(store, "Secretary-General", kind="report")
        assert {h.doc_id for h in reports} == {"c26-res1408-report.pdf"}
        one = search(store, "Secretary-General", doc_id="A_RES_80_132.pdf", limit=100)
        assert one and {h.doc_id for h in one} == {"A_RES_80_132.pdf"}
        assert len(search(store, "Secretary-General", limit=2)) == 2


def test_cli_search_prints_paragraphs_and_json(db):
    runner = CliRunner()
    out = runner.invoke(main, ["search", "Giga initiative", "--db", db])
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert first.startswith("c26-res1408-report.pdf  p. 5  p00") and "**Giga** **initiative**" in out.output
    out = runner.invoke(main, ["search", "TAIEX", "--db", db, "--format", "json", "--year", "2026"])
    rows = json.loads(out.output)
    assert {r["page"] for r in rows} == {3, 4, 6} and all(r["snippet"].count("**TAIEX**") for r in rows)
    out = runner.invoke(main, ["search", "TAIEX", "--db", db, "--doc", "res1408.docx"])
    assert out.exit_code == 0 and out.output.strip() == "(none)"  # said on stderr
    out = runner.invoke(main, ["search", "x", "--db", db, "--doc", "nothing-like-this.pdf"])
    assert out.exit_code != 0 and "no document" in out.output


def test_held_out_labels(db):
    """Held out: labelled from the PDFs, evaluated last."""
    with Store(db) as store:
        assert _where(search(store, "artificial intelligence")) == [("A_RES_80_132.pdf", 2)]
        assert _where(search(store, "eighty-third session")) == [("A_RES_80_15.pdf", 3)]
