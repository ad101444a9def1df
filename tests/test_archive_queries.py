"""Read paths that skip pydantic models on an archive (figures --format json, the report's figure rows) give
what the models give."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.report import _figure_rows
from corpus.store import Store
from extract.pipeline import extract_file
from schemas.models import Figure

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture()
def store(tmp_path):
    names = ("c25-report-sample.docx", "rdna-sample.docx")
    if not all((EXAMPLES / n).exists() for n in names):
        pytest.skip("examples/ not generated")
    with Store(tmp_path / "s.db") as s:
        for n in names:
            s.ingest(extract_file(EXAMPLES / n, use_model=False))
        yield s


def test_figures_as_json_equal_the_model_dumps(store) -> None:
    models = store.figures()
    assert len(models) > 10
    assert store.figures(as_json=True) == [f.model_dump(mode="json") for f in models]
    budget = store.figures(metric=models[0].metric, as_json=True)
    assert budget and all(f["metric"] == models[0].metric for f in budget)


def test_a_row_written_by_an_older_figure_model_gets_the_new_fields(store) -> None:
    """A row lacking a field added to Figure since it was stored goes through the model (default filled)."""
    doc_id, seq, data = store.conn.execute("SELECT doc_id, seq, data FROM figures LIMIT 1").fetchone()
    old = json.loads(data)
    del old["owner_text"]
    sql = "UPDATE figures SET data = ? WHERE doc_id = ? AND seq = ?"
    store.conn.execute(sql, (json.dumps(old), doc_id, seq))
    first = store.figures(as_json=True)[0]
    assert "owner_text" in first and first == Figure.model_validate(old).model_dump(mode="json")


def test_report_figure_rows_carry_the_model_values(store) -> None:
    rows = list(_figure_rows(store))
    models = store.figures()
    assert [(r.doc_id, r.text, r.amount, r.currency, r.metric, r.page, r.block_id, r.sentence, r.table_id)
            for r in rows] == [(f.doc_id, f.text, f.amount, f.currency, f.metric, f.page, f.block_id,
                                f.sentence, f.table_id) for f in models]


def test_the_report_written_piece_by_piece_is_the_rendered_page(store, tmp_path) -> None:
    from corpus.report import build_report, write_report

    path = write_report(store, tmp_path / "r.html")
    page = build_report(store)
    assert path.read_text(encoding="utf-8") == page
    assert page.count('<tr id="d') == len(store.figures())  # every figure has its appendix row
