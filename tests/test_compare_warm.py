"""Warm reads: compare's table, CSV and JSON printed from the cached text equal the rows rendered from the
stored records; fast table lines equal cell-at-a-time ones; models build on first use, not at import."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import REPO
from conftest import run_cli as run

import cli
import corpus.compare
from corpus import warm
from corpus.store import Store

QUERIES = [(), ("--all-checks",), ("--metric", "pledge"), ("--subject", "a"), ("--subject", "no such thing")]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("query", QUERIES)
def test_cached_text_prints_what_the_records_give(examples_db, fmt, query, monkeypatch):
    cold = run("compare", "--db", examples_db, "--format", fmt, "--no-cache", *query)
    with Store(examples_db) as store:
        assert warm.compare_cells(store, fmt) is not None  # ingest left the text in the cache

    def no_analysis(*_: object, **__: object) -> None:
        raise AssertionError("a warm table, CSV or JSON must not read the series")

    monkeypatch.setattr(corpus.compare, "compare_json", no_analysis)
    shown = run("compare", "--db", examples_db, "--format", fmt, *query)
    assert shown == cold and cold[0] == 0
    if not query:
        assert cold[1].count("\n") > 3, "the sample corpus has series to print"


def test_checks_only_stays_on_the_series(examples_db):
    for fmt in ("table", "json", "csv"):
        query = ("compare", "--db", examples_db, "--checks-only", "--format", fmt)
        assert run(*query) == run(*query, "--no-cache")


def test_indented_pieces_join_as_json_dumps_writes():
    from corpus.cells import SERIES_COLUMNS, json_array, series_json

    check = {"kind": "sum_mismatch", "ok": False, "message": "a\nb \u2028 é", "figures": [{"amount": 1e16}]}
    passed = {**check, "ok": True, "figures": []}
    head = {"metric": "damage", "subject": None, "currency": "USD"}  # then a Series' order: axis, checks
    series = [
        {**head, "points": [], "axis": "report", "checks": []},
        {**head, "subject": "x\ty", "points": [{"period": {"start": "2"}}], "axis": "x", "checks": [check]},
        {**head, "points": [{"also_in": ["a", "b"]}], "axis": "assessment", "checks": [check, passed]},
    ]
    for all_checks in (False, True):
        rows = [{**{c: s.get(c) for c in SERIES_COLUMNS}, **s} for s in series]
        for r in rows:
            r["checks"] = [c for c in r["checks"] if all_checks or not c["ok"]]
        expected = json.dumps(rows, ensure_ascii=False, indent=2)
        assert json_array([series_json(s) for s in series], all_checks) == expected
    assert json_array([], False) == json.dumps([], indent=2)


def _reference_lines(cells: list[list[str]], widths: list[int]) -> list[str]:
    """The table line as it was written first: each cell cut and padded on its own."""
    out = []
    for row in cells:
        parts = [(v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(row, widths, strict=True)]
        out.append("  ".join(parts).rstrip())
    return out


ROWS = [
    ["a", "x" * 70, "", "Kyiv – Lviv, 12 %s {0}"],
    ["", "short", "€ 1,200", ""],
    ["long " * 20, "ünïcödé " * 9, "%d", "   "],
]


@pytest.mark.parametrize("terminal", [0, 150, 400])
def test_fast_table_lines_equal_cell_at_a_time(terminal, monkeypatch, capsys):
    cols: Sequence[str] = ["subject", "text", "amount", "note"]
    if terminal:  # a terminal: cut columns grow into its width
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        monkeypatch.setattr("shutil.get_terminal_size", lambda fallback: type("T", (), {"columns": terminal}))
    cli.render_cells([list(r) for r in ROWS], cols)
    out = capsys.readouterr().out.splitlines()
    widths = [len(dashes) for dashes in out[1].split("  ")]
    assert out[2:] == _reference_lines(ROWS, widths)
    assert out[0] == _reference_lines([list(cols)], widths)[0]
    if not terminal:
        assert widths == [30, 60, 7, 22]
    longest = [max(len(r[i]) for r in ROWS) for i in range(len(cols))]
    for known in ((), longest):  # rows in groups sharing their first two cells, lengths measured or known
        groups = [(list(r[:2]), [list(r[2:])]) for r in ROWS] + [(["unseen" * 20, ""], [])]
        cli.render_groups(groups, cols, longest=known)
        assert capsys.readouterr().out.splitlines() == out


def test_an_empty_table_is_its_header_and_none(capsys):
    cli.render_cells([], ["kind", "message"])
    captured = capsys.readouterr()
    assert captured.out == "kind  message\n----  -------\n" and captured.err == "(none)\n"


_FRESH = """
import json, pickle, sys
from schemas.models import Document, Figure, Series
assert not Figure.__pydantic_complete__, "built at import"
assert "amount" in Figure.model_fields
obj = pickle.loads(sys.stdin.buffer.read())
print(json.dumps([obj.model_dump(mode="json"), sorted(Series.model_json_schema()["properties"])]))
"""


def test_models_build_on_first_use_and_still_pickle_across_processes():
    from schemas.models import Block, Check, Document, Series, SeriesPoint

    block = Block(id="b1", kind="heading", text="x")
    doc = Document(id="d.pdf", sha256="0" * 64, path="d.pdf", format="pdf", blocks=[block])
    check = Check(kind="sum_mismatch", ok=False, message="1 + 2 != 4")
    point = SeriesPoint(doc_id="d.pdf", amount=3.0, text="3")
    series = Series(metric="damage", currency="USD", points=[point])
    series.checks.append(check)
    for obj in (doc, series):
        result = subprocess.run(
            [sys.executable, "-c", _FRESH], input=pickle.dumps(obj), capture_output=True, cwd=REPO, check=True
        )
        dumped, props = json.loads(result.stdout)
        assert dumped == obj.model_dump(mode="json") and "points" in props
    assert series.checks[0].status == "failed"


def _copy(db: str, to: Path) -> str:
    """A copy of a database (its write-ahead log included) a test may change."""
    import sqlite3

    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    src.backup(dst)
    src.close()
    dst.close()
    return str(to)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("checks", [(), ("--all-checks",)])
def test_kept_whole_text_prints_what_the_records_give(examples_db, tmp_path, fmt, checks):
    db = _copy(examples_db, tmp_path / "x.db")
    query = ("compare", "--db", db, "--format", fmt, *checks)
    cold = run(*query, "--no-cache")
    with Store(db) as store:
        store.conn.execute("DELETE FROM _cache WHERE name LIKE 'compare_printed%'")  # kept by other tests
        entry = warm.printed_entry(store, fmt, bool(checks), [Path(cli.__file__)])
        assert warm.printed(store, entry) is None
        first = run(*query)  # prints from the cached cells and keeps the text
        assert warm.printed(store, entry) == cold[1].encode()
    assert first == run(*query) == cold and cold[0] == 0


def test_only_an_unfiltered_query_off_a_terminal_reads_the_kept_text(examples_db, tmp_path, monkeypatch):
    db = _copy(examples_db, tmp_path / "x.db")
    with Store(db) as store:
        warm.keep_printed(store, warm.printed_entry(store, "table", False, [Path(cli.__file__)]), "kept\n")
    assert run("compare", "--db", db)[1] == "kept\n"  # what the unfiltered query reads
    assert run("compare", "--db", db, "--subject", "")[1] == "kept\n"  # an empty subject filters nothing
    for query in (("--subject", "a"), ("--checks-only",), ("--no-cache",), ("--all-checks",)):
        assert run("compare", "--db", db, *query)[1] != "kept\n", query
    assert run("compare", "--db", db, "--metric", "")[0] == 2  # still a bad value, not the kept text
    import click.testing

    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    for width in (80, 150, 400):  # a terminal's widths: from the cells, as the records give
        terminal = type("T", (), {"columns": width})
        monkeypatch.setattr("shutil.get_terminal_size", lambda fallback, t=terminal: t)
        shown = run("compare", "--db", db)[1]  # (stderr: --no-cache's progress shows at a terminal)
        assert shown == run("compare", "--db", db, "--no-cache")[1] and shown != "kept\n"


def test_the_analysis_empties_the_kept_texts():
    from schemas.models import Series

    entries = corpus.compare._series_lines([Series(metric="damage", currency="USD")])
    assert [name for name, text in entries if not text] == list(warm.PRINTED)


def test_the_key_reads_the_rule_files_compare_loads():
    from schemas.rules import BudgetKinds, Common, DateCues, DocCues, SeriesRules, TableRules, rule_path

    rules = [rule_path(r) for r in (SeriesRules, BudgetKinds, TableRules, Common, DateCues, DocCues)]
    assert set(rules) <= set(warm.code_files()) and all(p.is_file() for p in warm.code_files())
    assert Path(corpus.compare.__file__) in warm.code_files()


_WARM_IMPORTS = """
import sys
import cli
cli.main(["compare", "--db", *sys.argv[1:]], standalone_mode=False)
seen = sorted(m for m in sys.modules if m.split(".")[0] in ("pydantic", "schemas", "rapidfuzz", "corpus"))
print(seen, file=sys.stderr)
"""


@pytest.mark.parametrize("query", [("--format", "table"), ("--format", "json"), ("--metric", "pledge")])
def test_a_warm_query_imports_no_model(examples_db, tmp_path, query):
    db = _copy(examples_db, tmp_path / "x.db")
    run("compare", "--db", db, *query)  # keeps the text (unfiltered)
    code = [sys.executable, "-c", _WARM_IMPORTS, db, *query]
    found = subprocess.run(code, capture_output=True, text=True, cwd=REPO, check=True)
    assert found.stdout == run("compare", "--db", db, *query, "--no-cache")[1]
    imported = json.loads(found.stderr.replace("'", '"'))
    assert imported == ["corpus", "corpus.cells", "corpus.store", "corpus.warm"]


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_kept_audit_prints_what_auditing_prints_in_order(examples_db, tmp_path, monkeypatch, fmt):
    from click.testing import CliRunner

    db = _copy(examples_db, tmp_path / "x.db")

    def audit() -> tuple[int, str, str, str]:
        r = CliRunner().invoke(cli.main, ["audit", "--db", db, "--format", fmt])
        return r.exit_code, r.output, r.stdout, r.stderr  # output: both streams in the order written

    with monkeypatch.context() as m:
        m.setattr(cli, "_replay", lambda store, name, run: run())
        fresh = audit()
    assert fresh[0] == 0 and fresh[2] and (fresh[3] or fmt != "table")  # the table says which text
    assert audit() == fresh  # audits and keeps
    monkeypatch.setattr("corpus.audit.audit_all", None)  # a kept listing audits nothing
    assert audit() == fresh


def test_a_kept_audit_is_printed_only_while_nothing_changed(examples_db, tmp_path):
    db = _copy(examples_db, tmp_path / "x.db")
    with Store(db) as store:
        key = warm.stored_state(store, [Path(cli.__file__)])
        store.cache("audit_printed_table", key, json.dumps([[False, "kept\n"], [True, "said\n"]]))
    assert run("audit", "--db", db) == (0, "kept\n", "said\n")
    assert run("audit", "--db", db, "--format", "csv")[1] != "kept\n"  # per format
    assert run("audit", "--db", db, "--resolution", "1408")[1] != "kept\n"  # a filter audits
    with Store(db) as store:
        store.conn.execute("UPDATE documents SET ingested_at = 'later' WHERE rowid = 1")
        assert warm.stored_state(store, [Path(cli.__file__)]) != key
    assert run("audit", "--db", db)[1] != "kept\n"
