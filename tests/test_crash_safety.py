"""Crash safety of `restrack ingest`: a kill -9 mid-store leaves a consistent database that a re-run
completes, and two ingest processes on one database both succeed without storing a document twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import REPO

EXAMPLES = REPO / "examples"
RECORD_TABLES = ("blocks", "figures", "dates", "actor_mentions", "clauses")
ENV = {**os.environ, "PYTHONPATH": str(REPO)}


@pytest.fixture(scope="module")
def big_pdf(tmp_path_factory) -> Path:
    sys.path.insert(0, str(REPO / "bench"))
    from make_big_pdf import make_big_pdf

    path = tmp_path_factory.mktemp("big") / "big-report.pdf"
    path.write_bytes(make_big_pdf(30))
    return path


def consistent(db: str | Path) -> dict[str, int]:
    """Assert the invariants a crash must not break; returns row counts per table."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        counts = {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("documents", *RECORD_TABLES)
        }
        for table in RECORD_TABLES:
            sql = f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)"
            assert conn.execute(sql).fetchone()[0] == 0, f"{table} rows of a document that is not stored"
        for doc_id, n_blocks, n_figures in conn.execute("SELECT id, n_blocks, n_figures FROM documents"):
            stored = conn.execute("SELECT COUNT(*) FROM blocks WHERE doc_id = ?", (doc_id,)).fetchone()[0]
            figs = conn.execute("SELECT COUNT(*) FROM figures WHERE doc_id = ?", (doc_id,)).fetchone()[0]
            assert (stored, figs) == (n_blocks, n_figures), f"{doc_id} is half stored"
    finally:
        conn.close()
    return counts


def ingest_cmd(db: Path, *paths: Path | str) -> list[str]:
    return [sys.executable, str(REPO / "cli.py"), "ingest", *map(str, paths), "--db", str(db), "--no-model"]


# The real CLI, with the store held inside its write transaction after every row of the document is
# inserted (before COMMIT): the parent kills it there, the worst moment for a half-stored document.
PAUSED_CLI = textwrap.dedent("""
    import sys, time
    import corpus.store
    real = corpus.store.Store._insert_records
    def paused(self, c, doc_id, doc, ex):
        real(self, c, doc_id, doc, ex)
        print("IN-TRANSACTION", doc_id, file=sys.stderr, flush=True)
        time.sleep(60)
    corpus.store.Store._insert_records = paused
    import cli
    cli.main(sys.argv[1:])
""")


def test_kill_9_inside_the_store_transaction_then_rerun(big_pdf, tmp_path):
    db = tmp_path / "k.db"
    args = ingest_cmd(db, big_pdf, "--jobs", "1")[2:]
    proc = subprocess.Popen(
        [sys.executable, "-c", PAUSED_CLI, *args], env=ENV, stderr=subprocess.PIPE, text=True, cwd=REPO
    )
    try:
        line = proc.stderr.readline()  # blocks until the rows are in, uncommitted
        assert line.startswith("IN-TRANSACTION big-report.pdf"), line
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 0  # readers never see it
        conn.close()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=10) == -signal.SIGKILL
    finally:
        proc.kill()
        proc.stderr.close()
    assert consistent(db) == {t: 0 for t in ("documents", *RECORD_TABLES)}

    rerun = subprocess.run(ingest_cmd(db, big_pdf, "--jobs", "1"), env=ENV, capture_output=True, text=True)
    assert rerun.returncode == 0 and rerun.stdout.startswith("added big-report.pdf"), rerun.stderr
    counts = consistent(db)
    assert counts["documents"] == 1 and counts["blocks"] > 300 and counts["figures"] > 300


def test_kill_9_at_arbitrary_moments_of_a_batch(big_pdf, tmp_path):
    """No hook: kill the real CLI at several moments of a batch; each time the database is consistent,
    and the next run stores what is missing (files already stored come back "unchanged")."""
    db = tmp_path / "a.db"
    files = [big_pdf, *sorted(EXAMPLES.glob("*.docx"))[:2], *sorted(EXAMPLES.glob("*.pdf"))[:1]]
    for delay in (1.3, 2.4):
        proc = subprocess.Popen(
            ingest_cmd(db, *files, "--jobs", "1"), env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
        if db.exists():
            consistent(db)
    final = subprocess.run(ingest_cmd(db, *files, "--jobs", "1"), env=ENV, capture_output=True, text=True)
    assert final.returncode == 0, final.stderr
    statuses = [line.split()[0] for line in final.stdout.splitlines()]
    assert len(statuses) == len(files) and set(statuses) <= {"added", "unchanged"}
    assert consistent(db)["documents"] == len(files)


def test_two_ingest_processes_on_one_database(big_pdf, tmp_path):
    db = tmp_path / "two.db"
    files = [big_pdf, *sorted(EXAMPLES.glob("*.docx")), *sorted(EXAMPLES.glob("*.pdf"))]
    procs = [
        subprocess.Popen(
            ingest_cmd(db, *order, "--jobs", "1"),
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for order in (files, files[::-1])  # opposite orders: they meet in the middle and race on each file
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    lines = [line.split() for out, _ in outs for line in out.splitlines()]
    by_file: dict[str, list[str]] = {}
    for status, doc_id, *_ in lines:
        by_file.setdefault(doc_id, []).append(status)
    assert len(by_file) == len(files)
    assert all(sorted(s) == ["added", "unchanged"] for s in by_file.values()), by_file  # stored once
    counts = consistent(db)
    assert counts["documents"] == len(files)
    conn = sqlite3.connect(db)
    dupes = conn.execute("SELECT COUNT(*) - COUNT(DISTINCT sha256) FROM documents").fetchone()[0]
    conn.close()
    assert dupes == 0
