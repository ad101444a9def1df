"""CLI through click's runner: ingest lines and exit codes, listing shapes per the output contract."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from test_hostile import without_summary

import cli
from corpus.store import Store

SAMPLE = """REPORT ON A TEST PROGRAMME

1\tIntroduction

The secretariat received CHF 100 000 from Japan on 4 March 2025 for the test programme.

2\tNext steps

- review the results in 2026
"""


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout, stderr without ingest's closing summary line (tested in test_ingest_cli.py)."""
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, without_summary(result.stderr)


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


FORMATS = {".txt", ".docx", ".pdf"}


def _parseable() -> list[Path]:
    """The reference files in every format the project parses (all six of the shared corpus)."""
    return sorted(p for p in CORPUS.glob("*") if p.suffix in FORMATS)


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> str:
    """The reference documents ingested once for the listing tests."""
    files = _parseable() if CORPUS.is_dir() else []
    if not files:
        pytest.skip("reference corpus missing")
    db = str(tmp_path_factory.mktemp("corpus") / "c.db")
    code, out, err = run("ingest", *map(str, files), "--db", db, "--jobs", "1", "--no-model")
    assert code == 0, err
    assert len(out.splitlines()) == len(files) and all(line.startswith("added ") for line in out.splitlines())
    return db


def test_documents_lists_the_six_reference_documents_with_kinds(corpus_db):
    code, out, _ = run("documents", "--db", corpus_db, "--format", "json")
    docs = json.loads(out)
    assert code == 0 and len(docs) == 6
    for d in docs:
        assert {"id", "path", "sha256", "kind", "title", "symbol", "year", "pages", "blocks"} <= d.keys()
        assert d["kind"] == ("resolution" if d["id"].startswith("res1408") else "report")
        assert d["blocks"] > 10 and len(d["sha256"]) == 64
    assert {d["id"] for d in docs} == {
        p.name for p in CORPUS.iterdir() if p.suffix in (".pdf", ".docx", ".txt")
    }
    assert all(d["pages"] for d in docs if d["id"].endswith(".pdf"))


def test_ingest_again_is_unchanged(corpus_db):
    code, out, _ = run("ingest", str(CORPUS / "res1408.txt"), "--db", corpus_db, "--jobs", "1", "--no-model")
    assert code == 0 and out.startswith("unchanged res1408.txt (resolution")


def test_show_json_shape(corpus_db):
    code, out, _ = run("show", "c26-res1408-report.txt", "--db", corpus_db, "--format", "json")
    shown = json.loads(out)
    assert code == 0 and set(shown) == {"document", "blocks"}
    assert shown["document"]["id"] == "c26-res1408-report.txt" and shown["document"]["kind"] == "report"
    assert shown["document"]["blocks"] == len(shown["blocks"])
    for b in shown["blocks"]:
        assert {"id", "kind", "text", "page", "section", "label", "level"} <= b.keys()
    assert any(b["kind"] == "heading" for b in shown["blocks"])
    assert any(b["section"] for b in shown["blocks"])  # numbered sections reach the output


def test_show_unknown_document_is_a_clean_error(corpus_db):
    code, _, err = run("show", "nope.pdf", "--db", corpus_db)
    assert code == 1 and "no document matches" in err and "Traceback" not in err


def test_figures_dates_actors_json_shapes(corpus_db):
    fields = {
        "figures": cli.FIGURE_COLUMNS,
        "dates": cli.DATE_COLUMNS,
        "actors": cli.ACTOR_COLUMNS,
    }
    for command, columns in fields.items():
        code, out, err = run(command, "--db", corpus_db, "--format", "json")
        rows = json.loads(out)
        assert code == 0, err
        assert isinstance(rows, list)
        for row in rows:
            assert set(columns) <= row.keys()
            assert row["doc_id"]
    figures = json.loads(run("figures", "--db", corpus_db, "--format", "json")[1])
    for f in figures:
        assert isinstance(f["amount"], (int, float)) and len(f["currency"]) == 3
    dates = json.loads(run("dates", "--db", corpus_db, "--doc", "res1408.txt", "--format", "json")[1])
    assert all(d["doc_id"] == "res1408.txt" for d in dates)


def test_csv_and_table_formats(corpus_db):
    code, out, _ = run("documents", "--db", corpus_db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    n = len(_parseable())
    assert code == 0 and len(rows) == n and list(rows[0]) == cli.DOC_COLUMNS
    code, out, _ = run("documents", "--db", corpus_db)
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["id", "kind"] and set(lines[1]) <= {"-", " "} and len(lines) == n + 2
    assert max(len(line) for line in lines) < 200  # long titles are cut


def test_bad_files_one_error_line_each_others_ingested(tmp_path):
    folder = tmp_path / "in"
    _write(folder, "good.txt", SAMPLE)
    _write(folder, "renamed.pdf", "plain words, not a PDF at all\n")
    (folder / "empty.pdf").write_bytes(b"")
    db = str(tmp_path / "t.db")
    code, out, err = run("ingest", str(folder), "--db", db, "--jobs", "1", "--no-model")
    assert code == 1
    errors = err.strip().splitlines()
    assert len(errors) == 2 and all(line.startswith("error: ") for line in errors)
    assert any("empty.pdf: " in line for line in errors) and any("renamed.pdf: " in line for line in errors)
    assert "Traceback" not in err
    assert out.startswith("added good.txt (")
    assert [d.id for d in Store(db).documents()] == ["good.txt"]


def test_unexpected_exception_is_one_line_and_debug_shows_traceback(tmp_path, monkeypatch):
    import extract.pipeline

    def broken(data, path, limits=None, use_model=True):
        raise ValueError("parser bug")

    monkeypatch.setattr(extract.pipeline, "extract_bytes", broken)
    path = _write(tmp_path, "a.txt", SAMPLE)
    db = str(tmp_path / "t.db")
    code, _, err = run("ingest", str(path), "--db", db, "--jobs", "1", "--no-model")
    assert code == 1 and err.strip() == f"error: {path}: ValueError: parser bug"
    code, _, err = run("ingest", str(path), "--db", db, "--jobs", "1", "--debug", "--no-model")
    assert code == 1 and "Traceback" in err and err.strip().endswith("ValueError: parser bug")


def test_timeout_is_enforced_per_file(tmp_path, monkeypatch):
    import extract.pipeline

    def slow(data, path, limits=None, use_model=True):
        time.sleep(5)

    monkeypatch.setattr(extract.pipeline, "extract_bytes", slow)
    path = _write(tmp_path, "a.txt", SAMPLE)
    started = time.monotonic()
    code, _, err = run("ingest", str(path), "--db", str(tmp_path / "t.db"), "--jobs", "1", "--timeout", "0.3")
    assert code == 1 and "timed out after 0.3 s" in err and time.monotonic() - started < 3


def test_parallel_jobs_and_directory_loops(tmp_path):
    folder = tmp_path / "in"
    for i in range(3):
        _write(folder / f"sub{i}", f"r{i}.txt", SAMPLE.replace("2025", str(2020 + i)))
    os.symlink(folder, folder / "sub0" / "loop")  # a directory cycle
    db = str(tmp_path / "t.db")
    code, out, err = run(
        "ingest", str(folder), str(folder / "sub1" / "r1.txt"), "--db", db, "--jobs", "2", "--no-model"
    )
    assert code == 0, err
    assert sorted(line.split()[1] for line in out.splitlines()) == ["r0.txt", "r1.txt", "r2.txt"]
    code, out, _ = run("ingest", str(folder), "--db", db, "--jobs", "2", "--force", "--no-model")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["replaced"] * 3


def test_query_on_missing_database_says_so(tmp_path):
    code, _, err = run("documents", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no database" in err and not (tmp_path / "none.db").exists()


def test_restrack_db_env_and_csv_lists(tmp_path):
    path = _write(tmp_path, "a.txt", SAMPLE)
    db = str(tmp_path / "env.db")
    result = CliRunner().invoke(cli.main, ["ingest", str(path), "--jobs", "1"], env={"RESTRACK_DB": db})
    assert result.exit_code == 0 and os.path.exists(db)
    rows = [
        {"doc_id": "a.txt", "name": "Japan", "aliases": ["Japan", "the Government of Japan"], "mentions": 2}
    ]
    out = CliRunner().invoke(cli.main, ["documents", "--format", "csv"], env={"RESTRACK_DB": db}).stdout
    assert out.splitlines()[1].startswith("a.txt,")
    import contextlib

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        cli.render(rows, "csv", ["doc_id", "name", "aliases", "mentions"])
    assert buf.getvalue().splitlines() == [
        "doc_id,name,aliases,mentions",
        "a.txt,Japan,Japan; the Government of Japan,2",
    ]


@pytest.mark.skipif(
    __import__("multiprocessing").get_start_method() != "fork", reason="patching workers needs fork"
)
def test_pool_survives_a_crashing_and_a_hanging_worker(tmp_path, monkeypatch):
    import extract.pipeline

    real = extract.pipeline.extract_bytes

    def flaky(data, path, limits=None, use_model=True):
        if "crash" in Path(path).name:
            os._exit(3)  # a segfault or the OOM killer, as the pool sees it
        if "hang" in Path(path).name:
            time.sleep(30)
        return real(data, path, limits, use_model)

    monkeypatch.setattr(extract.pipeline, "extract_bytes", flaky)  # forked workers inherit the patch
    folder = tmp_path / "in"
    for name in ("a-ok.txt", "b-crash.txt", "c-hang.txt", "d-ok.txt"):
        _write(folder, name, SAMPLE.replace("test programme", name))
    db = str(tmp_path / "t.db")
    started = time.monotonic()
    code, out, err = run("ingest", str(folder), "--db", db, "--jobs", "2", "--timeout", "1", "--no-model")
    assert code == 1 and time.monotonic() - started < 20, (out, err)
    assert sorted(line.split()[1] for line in out.splitlines()) == ["a-ok.txt", "d-ok.txt"], err
    errors = sorted(err.strip().splitlines())
    assert len(errors) == 2
    assert "b-crash.txt: worker process died" in errors[0] and "c-hang.txt: timed out after 1 s" in errors[1]
