"""`import restrack`: the README's Python example runs as written, and the public API is what it says."""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import re

import pytest
from conftest import REPO
from pydantic import BaseModel

import restrack
import schemas.models


def readme_example() -> str:
    """The first ```python block of the README's "Python API" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"```python\n(.*?)```", section, re.S)
    assert m, "the Python API section has no ```python example"
    return m.group(1)


def test_readme_python_example_runs(tmp_path, monkeypatch):
    """Run from a folder holding `examples/` (the sample corpus), as from a checkout; the database it
    creates is the temp folder's, never ./restrack.db of the repository."""
    (tmp_path / "examples").symlink_to(REPO / "examples", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(readme_example(), "README.md:python-api", "exec"), {"__name__": "readme"})
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("100000.0 CHF CHF 100 000")
    assert lines[1] == "['2025-07/2026-03']"
    assert not any(line.startswith("error:") for line in lines)  # the sample corpus reads cleanly
    audited = [line for line in lines if "clauses addressed" in line]
    assert len(audited) >= 3 and any(line.startswith("c26-report-sample") for line in audited)
    assert any("USD" in line and "2025" in line for line in lines)  # a needs series over editions
    with restrack.Store(tmp_path / "restrack.db") as store:
        kinds = {d.kind for d in store.documents()}
    assert {"resolution", "report", "assessment"} <= kinds


def test_all_names_exist_and_are_documented():
    for name in restrack.__all__:
        obj = getattr(restrack, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert (obj.__doc__ or "").strip(), f"restrack.{name} has no docstring"
    assert (REPO / "restrack" / "py.typed").is_file()


def test_every_record_model_is_reexported():
    """A model added to schemas/models.py must be added to restrack's exports too."""
    models = {
        n
        for n, obj in vars(schemas.models).items()
        if inspect.isclass(obj) and issubclass(obj, BaseModel) and obj.__module__ == "schemas.models"
        and not n.startswith("_")  # the records' private base (_Record) is no record
    }
    assert models <= set(restrack.__all__), sorted(models - set(restrack.__all__))
    assert restrack.Figure is schemas.models.Figure and restrack.Extraction is schemas.models.Extraction


def test_string_helpers():
    money = restrack.find_money("Needs amount to USD 5.87 billion over 2025-2034.")
    assert [(m.amount, m.currency, m.text) for m in money] == [(5_870_000_000.0, "USD", "USD 5.87 billion")]
    assert [d.value for d in restrack.find_dates("on 4 March 2025")] == ["2025-03-04"]
    names = {a.name for a in restrack.find_actors("Japan supported the project.", use_model=False)}
    assert "Japan" in names


def test_extract_bytes_and_errors_carry_codes(tmp_path):
    data = b"Japan contributed CHF 100 000 on 4 March 2025.\n"
    ex = restrack.extract_bytes(data, "note.txt", use_model=False)
    assert ex.document.format == "txt" and [f.amount for f in ex.figures] == [100000.0]
    with pytest.raises(restrack.DocumentError) as err:
        restrack.extract_bytes(b"", "empty.pdf")
    assert err.value.code == "empty" and err.value.code in restrack.ERROR_CODES
    with pytest.raises(restrack.DocumentError) as err:
        restrack.extract_file(tmp_path / "missing.docx")
    assert err.value.code == "not_found"


def test_ingest_reports_bad_files_without_raising(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.txt").write_text("Japan contributed CHF 100 000 on 4 March 2025.\n")
    (tmp_path / "in" / "scan.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    db = str(tmp_path / "api.db")
    results = {os.path.basename(r.path): r for r in restrack.ingest(tmp_path / "in", db, use_model=False)}
    ok = results["ok.txt"]
    assert (ok.status, ok.doc_id, ok.code) == ("added", "ok.txt", None)
    scan = results["scan.pdf"]
    assert scan.status == "error" and scan.code in restrack.ERROR_CODES and scan.reason == scan.error
    again = restrack.ingest([str(tmp_path / "in" / "ok.txt")], db, use_model=False)
    assert [r.status for r in again] == ["unchanged"]
    assert restrack.audit(db) == []  # no report to audit: empty, not an exception
    (series,) = restrack.compare(db, metric="contribution")
    assert (series.subject, series.currency) == ("Japan", "CHF")
    assert [p.amount for p in series.points] == [100000.0]
    hits = restrack.search(db, "Japan")
    assert [h.doc_id for h in hits] == ["ok.txt"] and "**Japan**" in hits[0].snippet
