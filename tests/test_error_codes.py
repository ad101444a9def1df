"""Every bad file gets a machine-readable error code (extract/errors.py) beside its message, and the code is
what reaches `ingest --format json`, the summary line and the hints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from make_hostile import GOOD_TEXT, make

import cli
from extract.errors import ERROR_CODES, DocumentError
from extract.pipeline import extract_file
from schemas.models import Limits

# file -> the code it must raise (the message is tested in test_hostile.py)
CODES = {
    "encrypted.pdf": "encrypted",
    "truncated.pdf": "corrupt",
    "text-renamed.pdf": "not_a_document",
    "html-renamed.docx": "not_a_document",
    "legacy-ole2.docx": "unsupported_format",
    "theme-main.docx": "not_a_document",
    "strict-ooxml.docx": "unsupported_format",
    "zero-pages.pdf": "empty",
    "image-only.pdf": "needs_ocr",
    "cid-glyphs.pdf": "needs_ocr",
    "xxe.docx": "unsafe",
    "missing-parts.docx": "not_a_document",
    "zero-bytes.pdf": "empty",
    "huge.pdf": "too_large",
    "zip-bomb.docx": "unsafe",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hostile-codes")
    expected = make(out, bomb_mb=64)
    assert {n for n, o in expected.items() if o == "error"} == set(CODES)  # a new generator needs a code here
    return out


def test_codes_are_a_closed_documented_set():
    assert len(set(ERROR_CODES)) == len(ERROR_CODES) and set(CODES.values()) <= set(ERROR_CODES)
    assert DocumentError("x").code == "corrupt" and DocumentError("x", code="timeout").reason == "x"


@pytest.mark.parametrize("name", sorted(CODES))
def test_each_hostile_file_raises_its_code(hostile, name):
    with pytest.raises(DocumentError) as err:
        extract_file(hostile / name, Limits(max_file_bytes=2 * 1024 * 1024), use_model=False)
    assert err.value.code == CODES[name], err.value.reason
    assert err.value.code in ERROR_CODES


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(DocumentError) as err:
        extract_file(tmp_path / "nowhere.pdf", use_model=False)
    assert err.value.code == "not_found"
    with pytest.raises(DocumentError) as err:
        extract_file(tmp_path, use_model=False)
    assert err.value.code == "not_regular_file"


def test_ingest_format_json(hostile, tmp_path):
    """One JSON array on stdout (no per-file lines there), one object per input, codes from the taxonomy;
    the human error lines and the summary (with the codes) still go to stderr."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("\n\n".join(GOOD_TEXT) + "\n")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    for name in ("image-only.pdf", "legacy-ole2.docx"):
        (folder / name).write_bytes((hostile / name).read_bytes())
    args = ["ingest", str(folder), "--db", str(tmp_path / "j.db"), "--jobs", "1", "--no-model"]
    result = CliRunner().invoke(cli.main, [*args, "--format", "json"])
    assert result.exit_code == 1
    rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert set(rows) == {"good.txt", "photo.png", "image-only.pdf", "legacy-ole2.docx"}
    assert set(rows["good.txt"]) >= {"path", "status", "doc_id", "code", "reason"}
    assert (rows["good.txt"]["status"], rows["good.txt"]["doc_id"], rows["good.txt"]["code"]) == (
        "added",
        "good.txt",
        None,
    )
    assert rows["good.txt"]["reason"] is None and rows["good.txt"]["figures"] >= 1
    assert (rows["photo.png"]["status"], rows["photo.png"]["code"]) == ("skipped", "not_a_document")
    assert (rows["image-only.pdf"]["status"], rows["image-only.pdf"]["code"]) == ("error", "needs_ocr")
    assert "needs OCR" in rows["image-only.pdf"]["reason"] and rows["image-only.pdf"]["doc_id"] is None
    assert rows["legacy-ole2.docx"]["code"] == "unsupported_format"
    err = result.stderr.splitlines()
    summary = "1 added, 2 errors (1 needs_ocr, 1 unsupported_format), 1 skipped: not a document (.png)"
    assert err[-1] == summary
    assert any(line.startswith(f"error: {folder / 'image-only.pdf'}: ") for line in err)
    again = CliRunner().invoke(cli.main, [*args, "--format", "json", "--quiet"])
    rows = {Path(r["path"]).name: r for r in json.loads(again.stdout)}
    assert rows["good.txt"]["status"] == "unchanged" and rows["good.txt"]["doc_id"] == "good.txt"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_not_regular_file_in_json(tmp_path):
    os.mkfifo(tmp_path / "x.pdf")
    args = ["ingest", str(tmp_path / "x.pdf"), "--db", str(tmp_path / "f.db"), "--format", "json", "-q"]
    result = CliRunner().invoke(cli.main, args)
    (row,) = json.loads(result.stdout)
    assert result.exit_code == 1 and (row["status"], row["code"]) == ("error", "not_regular_file")


def test_hint_follows_the_code_not_the_wording(tmp_path):
    """A file named as a Word document that is not one gets the convert hint; the same code on a PDF name
    does not (an office suite would not help), and the hint never depends on the message text."""
    assert "convert" in cli._hint(str(tmp_path / "a.docx"), "not_a_document")
    assert "convert" in cli._hint(str(tmp_path / "a.pdf"), "unsupported_format")
    assert cli._hint(str(tmp_path / "a.pdf"), "not_a_document") == ""
    assert "OCR" in cli._hint(str(tmp_path / "a.pdf"), "needs_ocr")
    assert cli._hint(str(tmp_path / "a.pdf"), "corrupt") == ""


def test_ingest_format_json_as_a_real_process(tmp_path):
    """`python cli.py ingest --format json` (not only in-process): stdout is exactly one JSON document."""
    (tmp_path / "ok.txt").write_text("\n\n".join(GOOD_TEXT) + "\n")
    (tmp_path / "bad.pdf").write_text("plain words, not a PDF\n")
    files = [str(tmp_path / "ok.txt"), str(tmp_path / "bad.pdf")]
    cmd = [sys.executable, str(REPO / "cli.py"), "ingest", *files]
    cmd += ["--db", str(tmp_path / "p.db"), "--no-model", "--jobs", "1", "--format", "json"]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)}
    )
    rows = sorted(json.loads(proc.stdout), key=lambda r: r["path"])
    assert proc.returncode == 1 and [(r["status"], r["code"]) for r in rows] == [
        ("error", "not_a_document"),
        ("added", None),
    ]
    assert proc.stderr.splitlines()[-1] == "1 added, 1 error (not_a_document)"
