"""Odd inputs through a real `restrack ingest` process: each gets one clear line, the good files beside it
are stored, and the run ends with its summary line."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

GOOD = "REPORT ON A TEST PROGRAMME\n\nThe secretariat received CHF 100 000 from Japan on 4 March 2025.\n"


def ingest(*args: str, stdin: bytes | None = None, user: list[str] | None = None) -> tuple[int, str, str]:
    cmd = [*(user or []), sys.executable, str(REPO / "cli.py"), "ingest", *args, "--no-model", "--jobs", "2"]
    proc = subprocess.run(
        cmd,
        input=stdin,
        capture_output=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    out, err = (s.decode("utf-8", "backslashreplace") for s in (proc.stdout, proc.stderr))
    return proc.returncode, out, err


def ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in conn.execute("SELECT id FROM documents"))
    finally:
        conn.close()


def test_summary_line_counts_every_outcome(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(GOOD)
    (folder / "b.txt").write_text(GOOD.replace("Japan", "Poland"))
    (folder / "bad.pdf").write_text("plain words, not a PDF\n")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n")
    (folder / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "notes.png").write_bytes(b"\x89PNG\r\n")
    db = tmp_path / "s.db"
    code, out, err = ingest(str(folder), "--db", str(db))
    assert code == 1
    summary = "2 added, 1 error (not_a_document), 3 skipped: not a document (.png, .xlsx)"
    assert err.strip().splitlines()[-1] == summary
    code, out, err = ingest(str(folder), "--db", str(db), "--quiet")
    bad = f"error: {folder / 'bad.pdf'}: named .pdf but holds plain text, not a PDF file"
    assert code == 1 and err.strip() == bad
    code, out, err = ingest(str(folder / "a.txt"), "--db", str(db))
    assert code == 0 and err.strip() == "0 added, 1 unchanged"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_named_like_a_pdf_is_refused_and_the_rest_stored(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "x.pdf")  # opening it for reading would wait forever for a writer
    (folder / "good.txt").write_text(GOOD)
    db = tmp_path / "f.db"
    code, out, err = ingest(str(folder), "--db", str(db))
    assert code == 1 and out.startswith("added good.txt (")
    lines = err.strip().splitlines()
    assert lines[0] == f"error: {folder / 'x.pdf'}: a FIFO (named pipe), not a regular file: not read" + (
        " (a stream: ... | restrack ingest - --name NAME)"
    )
    assert lines[-1] == "1 added, 1 error (not_regular_file)" and ids(db) == ["good.txt"]
    code, _, err = ingest("/dev/zero", "--db", str(db))  # a device: refused at once, not read forever
    assert code == 1 and "error: /dev/zero: a character device, not a regular file: not read" in err


def test_unreadable_and_vanished_folders_are_one_line_each(tmp_path):
    """Root reads any folder whatever its mode, so two techniques that fail for root too: a symlink to a
    folder that was deleted (dangling) and a symlink loop, each named like a document; then, when
    `setpriv` exists, a chmod 000 folder read by an unprivileged user (nobody)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    gone = tmp_path / "gone"
    gone.mkdir()
    os.symlink(gone / "report.pdf", folder / "dangling.pdf")
    os.symlink(folder / "loop.docx", folder / "loop.docx")
    db = tmp_path / "u.db"
    code, out, err = ingest(str(folder), "--db", str(db))
    assert code == 1 and out.startswith("added good.txt (")
    lines = err.strip().splitlines()
    assert f"error: {folder / 'dangling.pdf'}: broken symbolic link (its target is missing)" in lines
    assert any(line.startswith(f"error: {folder / 'loop.docx'}: cannot read: ") for line in lines), lines
    assert lines[-1] == "1 added, 2 errors (1 not_found, 1 unreadable)"


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"), reason="needs root and setpriv")
def test_chmod_000_folder_as_an_unprivileged_user(tmp_path):
    base = Path(os.environ.get("TMPDIR", "/tmp")) / f"restrack-perm-{os.getpid()}"
    base.mkdir()
    try:
        os.chmod(base, 0o777)
        (base / "good.txt").write_text(GOOD)
        locked = base / "locked"
        locked.mkdir()
        (locked / "hidden.txt").write_text(GOOD.replace("Japan", "Italy"))
        os.chmod(locked, 0)
        db = base / "p.db"
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        code, out, err = ingest(str(base), "--db", str(db), user=nobody)
        if "Permission denied" in err and "cli.py" in err:
            pytest.skip("the repository is not readable by nobody")
        assert code == 1 and out.startswith("added good.txt ("), err
        lines = err.strip().splitlines()
        assert f"error: {locked}: cannot read folder: Permission denied" in lines
        assert lines[-1] == "1 added, 1 error (unreadable)"
    finally:
        os.chmod(base / "locked", 0o755)
        shutil.rmtree(base)


def test_non_utf8_file_name_is_stored_escaped_with_its_bytes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    raw = os.fsencode(str(folder)) + b"/caf\xe9-report.txt"  # Latin-1 e-acute: not valid UTF-8
    with open(raw, "wb") as f:
        f.write(GOOD.encode())
    db = tmp_path / "n.db"
    code, out, err = ingest(str(folder), "--db", str(db))
    assert code == 0, err
    assert out.startswith("added caf\\xe9-report.txt ("), out
    conn = sqlite3.connect(db)
    path, data = conn.execute("SELECT path, data FROM documents").fetchone()
    conn.close()
    assert path == f"{folder}/caf\\xe9-report.txt"
    import json

    assert bytes.fromhex(json.loads(data)["path_raw"]) == raw  # lossless: the original name's bytes


def test_stdin_is_one_document_with_name(tmp_path):
    db = tmp_path / "i.db"
    pdf = REPO / "examples" / "res1408-sample.pdf"
    code, out, err = ingest("-", "--name", "res1408.pdf", "--db", str(db), stdin=pdf.read_bytes())
    assert code == 0, err
    assert out.startswith("added res1408.pdf (resolution") and ids(db) == ["res1408.pdf"]
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT path FROM documents").fetchone()[0] == "res1408.pdf"
    conn.close()
    code, out, err = ingest("-", "--db", str(db), stdin=b"")
    assert code == 1 and "standard input is empty (0 bytes)" in err
    code, out, err = ingest(str(pdf), "--name", "x.pdf", "--db", str(db))
    assert code == 2 and "--name names the document read from standard input" in err


@pytest.mark.skipif(not shutil.which("bash"), reason="needs bash for <(...)")
def test_pipe_given_as_a_path_is_refused_with_the_stdin_hint(tmp_path):
    """bash's <(cat file) hands the command a /dev/fd path that is a pipe: refused, pointing to `-`."""
    sample = REPO / "examples" / "c24-report-sample.pdf"
    cmd = f"{sys.executable} {REPO / 'cli.py'} ingest <(cat {sample}) --db {tmp_path / 'p.db'} --no-model"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 1
    hint = "a FIFO (named pipe), not a regular file: not read (a stream: ... | restrack ingest - --name NAME)"
    assert hint in proc.stderr


def test_paragraph_over_a_million_characters_is_split_not_a_spacy_error(tmp_path):
    words = "The programme continued its work with the national authorities and partners across regions "
    path = tmp_path / "long.txt"
    path.write_text(f"REPORT ON A LONG PARAGRAPH\n\n{GOOD}\n\n{words * 11_100}\n")
    code, out, err = ingest(str(path), "--db", str(tmp_path / "l.db"))
    assert code == 0 and out.startswith("added long.txt (")
    assert "E088" not in err and "Traceback" not in err
    size = len(words * 11_100) - 1  # the block text, stripped: over the 1,000,000 of spaCy
    assert f"warning: long.txt: paragraph p0004 has {size:,} characters: split into " in err


def test_spacy_runs_a_text_over_its_limit_in_pieces_with_the_same_offsets(monkeypatch):
    """extract.nlp: a text longer than CHUNK_CHARS is processed in pieces joined into one Doc whose text
    and entity offsets are those of the whole text (a small limit here, so the test stays fast)."""
    import extract.nlp as nlp_mod

    nlp = nlp_mod.get_nlp(False)
    text = "The Government of Japan met Poland. " * 40 + "Finally Italy"
    whole = [(e.start_char, e.end_char, e.ent_id_) for e in nlp(text).ents]
    monkeypatch.setattr(nlp_mod, "CHUNK_CHARS", 100)
    doc = nlp(text)
    assert doc.text == text
    assert [(e.start_char, e.end_char, e.ent_id_) for e in doc.ents] == whole
    short, long_ = nlp.pipe(["Japan", text])
    assert short.text == "Japan" and long_.text == text and len(long_.ents) == len(whole)
    pieces = nlp_mod.split_text(text, 100)
    assert "".join(pieces) == text and all(len(p) <= 100 for p in pieces)
    assert nlp_mod.split_text("x" * 250, 100) == ["x" * 100, "x" * 100, "x" * 50]  # no break: hard cuts
