"""Hostile and odd files through `restrack ingest`: one "error: <path>: <reason>" line each, no traceback,
non-zero exit, the good files of the same call stored, and the database untouched by the bad ones."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from make_hostile import GOOD_TEXT, SECRET, good_pdf, make

import cli

# What each bad file's reason must say (the user must learn what the file is, not just "failed").
REASONS = {
    "encrypted.pdf": r"encrypted PDF: a password is required",
    "truncated.pdf": r"corrupt PDF",
    "text-renamed.pdf": r"holds plain text, not a PDF",
    "html-renamed.docx": r"HTML file",
    "legacy-ole2.docx": r"legacy Word \.doc \(OLE2\).*convert",
    "theme-main.docx": r"not a Word document: an Office theme.*themeManager\+xml.*convert",
    "strict-ooxml.docx": r"Strict.*not supported.*convert",
    "zero-pages.pdf": r"PDF has no pages",
    "image-only.pdf": r"no text layer.*OCR",
    "cid-glyphs.pdf": r"no usable text layer \(\(cid:\) glyphs\).*OCR",
    "xxe.docx": r"unsafe DOCX: .*DTD",
    "missing-parts.docx": r"not a Word document: a zip archive without word/document\.xml",
    "zero-bytes.pdf": r"empty file \(0 bytes\)",
    "huge.pdf": r"over the limit of 2097152",
    "zip-bomb.docx": r"zip bomb guard",
}
RECORD_TABLES = ("blocks", "figures", "dates", "actor_mentions", "clauses")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("hostile")
    return out, make(out, bomb_mb=400)


SUMMARY = re.compile(r"^(?:stopped by SIG\w+: )?\d+ added\b")


def without_summary(err: str) -> str:
    """stderr minus ingest's closing summary line (tested on its own in test_ingest_cli.py)."""
    lines = [line for line in err.splitlines() if not SUMMARY.match(line)]
    return "\n".join(lines) + ("\n" if lines else "")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli.main, list(args), env=env)
    return result.exit_code, result.stdout, without_summary(result.stderr)


def snapshot(db: str) -> dict[str, object]:
    """Integrity, row counts, and orphans (record rows whose document is not stored)."""
    conn = sqlite3.connect(db)
    try:
        snap: dict[str, object] = {"integrity": conn.execute("PRAGMA integrity_check").fetchone()[0]}
        for table in ("documents", *RECORD_TABLES):
            snap[table] = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            if table != "documents":
                orphans = f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)"
                snap[f"{table}_orphans"] = conn.execute(orphans).fetchone()[0]
        snap["ids"] = sorted(r[0] for r in conn.execute("SELECT id FROM documents"))
    finally:
        conn.close()
    return snap


def error_lines(err: str) -> dict[str, str]:
    """stderr -> {file name: reason}; every line must be an error line."""
    lines = err.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines), err
    found = {}
    for line in lines:
        path, reason = line[len("error: ") :].split(": ", 1)
        found[Path(path).name] = reason
    return found


def test_generator_writes_every_case(hostile):
    out, expected = hostile
    assert set(REASONS) == {n for n, o in expected.items() if o == "error"}
    assert (out / "zero-bytes.pdf").stat().st_size == 0
    bomb = out / "zip-bomb.docx"
    assert bomb.stat().st_size < 3_000_000  # 400 MB of XML in under 3 MB of zip
    assert (out / "loop" / "up").is_symlink() and (out / "loop" / "up").resolve() == out.resolve()
    assert (out / "legacy-ole2.docx").read_bytes()[:4] == b"\xd0\xcf\x11\xe0"


def test_folder_of_hostile_files_through_the_cli(hostile, tmp_path):
    out, expected = hostile
    db = str(tmp_path / "h.db")
    started = time.monotonic()
    code, stdout, err = run("ingest", str(out), "--db", db, "--jobs", "1", "--no-model", "--max-mb", "2")
    assert time.monotonic() - started < 30
    assert code == 1 and "Traceback" not in err
    errors = error_lines(err)
    assert set(errors) == set(REASONS), errors
    for name, pattern in REASONS.items():
        assert re.search(pattern, errors[name]), (name, errors[name])
        assert "\n" not in errors[name] and len(errors[name]) < 400
    good = {Path(n).name for n, o in expected.items() if o == "ok"}
    added = {line.split()[1] for line in stdout.splitlines()}
    assert added == good and all(line.startswith("added ") for line in stdout.splitlines())
    snap = snapshot(db)
    assert snap["integrity"] == "ok" and snap["ids"] == sorted(good)
    assert all(snap[f"{t}_orphans"] == 0 for t in RECORD_TABLES)
    assert SECRET.encode() not in Path(db).read_bytes() and SECRET not in stdout + err


def test_bad_files_leave_the_database_unchanged_in_a_real_process(hostile, tmp_path):
    """Real subprocess with a pool of 2: good files first, then the bad ones alone; nothing moves."""
    out, expected = hostile
    db = str(tmp_path / "p.db")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, str(REPO / "cli.py"), "ingest", "--db", db, "--jobs", "2", "--no-model"]
    good = [str(out / n) for n, o in expected.items() if o == "ok"]
    first = subprocess.run(cmd + good, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    before = snapshot(db)
    bad = [str(out / n) for n in REASONS]
    second = subprocess.run(
        cmd + ["--max-mb", "2"] + bad, env=env, capture_output=True, text=True, timeout=120
    )
    assert second.returncode == 1 and second.stdout == "" and "Traceback" not in second.stderr
    assert set(error_lines(without_summary(second.stderr))) == set(REASONS)
    after = snapshot(db)
    assert after == before and after["integrity"] == "ok" and after["documents"] == len(good)


def test_empty_user_password_pdf_opens_and_yields_figures(hostile, tmp_path):
    out, _ = hostile
    db = str(tmp_path / "e.db")
    code, stdout, err = run(
        "ingest", str(out / "empty-user-password.pdf"), "--db", db, "--jobs", "1", "--no-model"
    )
    assert code == 0 and stdout.startswith("added empty-user-password.pdf"), err
    code, stdout, _ = run("figures", "--db", db, "--format", "csv")
    assert code == 0 and "100000,CHF" in stdout and "25000,EUR" in stdout


def test_zip_bomb_refused_fast_and_small(hostile):
    """Refused from zip metadata: the call grows memory by far less than the 400 MB inside (time: bench/)."""
    out, _ = hostile
    script = (
        "import resource, time\n"
        "from extract.pipeline import extract_file\n"
        "from extract.errors import DocumentError\n"
        "import extract.parse_docx\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "t = time.perf_counter()\n"
        f"try:\n    extract_file({str(out / 'zip-bomb.docx')!r}, use_model=False)\n"
        "except DocumentError as e:\n    print(e.reason)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reason, numbers = proc.stdout.strip().splitlines()
    seconds, grown_kb = float(numbers.split()[0]), int(numbers.split()[1])
    assert reason.startswith("zip bomb guard") and grown_kb < 50_000, (seconds, proc.stdout)


def test_file_that_vanishes_after_listing(tmp_path, monkeypatch):
    import corpus.ingest

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "stays.txt").write_text("\n\n".join(GOOD_TEXT) + "\n")
    (folder / "goes.txt").write_text("\n\n".join(GOOD_TEXT).replace("Japan", "Poland") + "\n")
    real = corpus.ingest.collect_files

    def listing_then_delete(paths):
        files, failed = real(paths)
        (folder / "goes.txt").unlink()  # another program moved it between listing and reading
        return files, failed

    monkeypatch.setattr(corpus.ingest, "collect_files", listing_then_delete)
    db = str(tmp_path / "v.db")
    code, stdout, err = run("ingest", str(folder), "--db", db, "--jobs", "1", "--no-model")
    assert code == 1 and err.strip() == f"error: {folder / 'goes.txt'}: file not found (moved or deleted?)"
    assert stdout.startswith("added stays.txt") and snapshot(db)["ids"] == ["stays.txt"]


def test_directory_loop_given_as_the_folder(hostile, tmp_path):
    out, _ = hostile
    db = str(tmp_path / "l.db")
    started = time.monotonic()
    code, stdout, err = run(
        "ingest", str(out / "loop" / "up" / "loop"), "--db", db, "--jobs", "1", "--no-model", "--max-mb", "2"
    )
    assert time.monotonic() - started < 30 and code == 1  # the walk ends; the folder's bad files still fail
    names = [line.split()[1] for line in stdout.splitlines()]
    assert names.count("inside.txt") == 1 and len(names) == len(set(names))


def test_unreadable_file_is_one_line(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "locked.txt"
    path.write_text("x")
    path.chmod(0)
    code, _, err = run("ingest", str(path), "--db", str(tmp_path / "u.db"), "--jobs", "1", "--no-model")
    assert code == 1 and err.strip() == f"error: {path}: permission denied"


def _fake_tool(folder: Path, name: str) -> None:
    folder.mkdir(exist_ok=True)
    tool = folder / name
    tool.write_text("#!/bin/sh\nexit 0\n")
    tool.chmod(tool.stat().st_mode | stat.S_IXUSR)


def test_hints_follow_the_tools_on_path(hostile, tmp_path, monkeypatch):
    out, _ = hostile
    files = [str(out / n) for n in ("legacy-ole2.docx", "image-only.pdf")]
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    _, _, err = run("ingest", *files, "--db", str(tmp_path / "a.db"), "--jobs", "1", "--no-model")
    reasons = error_lines(err)
    assert "open in Word or LibreOffice" in reasons["legacy-ole2.docx"]
    assert "no OCR tool found" in reasons["image-only.pdf"]
    tools = tmp_path / "bin"
    _fake_tool(tools, "soffice")
    _fake_tool(tools, "ocrmypdf")
    monkeypatch.setenv("PATH", str(tools))
    _, _, err = run("ingest", *files, "--db", str(tmp_path / "b.db"), "--jobs", "1", "--no-model")
    reasons = error_lines(err)
    assert f"soffice --headless --convert-to docx --outdir {out} {files[0]}" in reasons["legacy-ole2.docx"]
    assert f"OCR is available: ocrmypdf {files[1]} ocr.pdf" in reasons["image-only.pdf"]


def test_page_limit(tmp_path):
    path = tmp_path / "five.pdf"
    path.write_bytes(good_pdf(pages=5))
    db = str(tmp_path / "m.db")
    code, _, err = run("ingest", str(path), "--db", db, "--jobs", "1", "--no-model", "--max-pages", "4")
    assert code == 1 and err.strip() == f"error: {path}: PDF has 5 pages, over the limit of 4"
    code, stdout, _ = run("ingest", str(path), "--db", db, "--jobs", "1", "--no-model", "--max-pages", "5")
    assert code == 0 and stdout.startswith("added five.pdf")


def test_timeout_stops_a_long_pdf_in_a_real_worker(tmp_path):
    """A 200-page report under --timeout 1.5 in a worker: stopped, reported, the other file stored. (The
    deadline leaves the small file room on a loaded machine; the PDF's parse alone takes longer.)"""
    sys.path.insert(0, str(REPO / "bench"))
    from make_big_pdf import make_big_pdf

    big = tmp_path / "big.pdf"
    big.write_bytes(make_big_pdf(200))
    small = tmp_path / "small.txt"
    small.write_text("\n\n".join(GOOD_TEXT) + "\n")
    db = str(tmp_path / "t.db")
    cmd = [sys.executable, str(REPO / "cli.py"), "ingest", str(big), str(small), "--db", db, "--jobs", "2"]
    started = time.monotonic()
    proc = subprocess.run(
        cmd + ["--timeout", "1.5", "--no-model"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert time.monotonic() - started < 20
    err = without_summary(proc.stderr)
    assert proc.returncode == 1 and err.strip() == f"error: {big}: timed out after 1.5 s"
    assert proc.stdout.startswith("added small.txt") and snapshot(db)["ids"] == ["small.txt"]
