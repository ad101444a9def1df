"""Real `restrack ingest` processes under signals: SIGINT/SIGTERM stop the run within seconds with the workers
reaped and the database whole; after kill -9 of the main process the workers notice and exit; a file another
ingest has claimed is waited for, not extracted twice. Linux only (worker pids come from /proc)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")

RECORD_TABLES = ("blocks", "figures", "dates", "actor_mentions", "clauses")


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory) -> Path:
    """Four distinct 40-page reports: a few seconds of extraction each with --jobs 2, so a signal lands
    while both workers are busy and files remain."""
    sys.path.insert(0, str(REPO / "bench"))
    from make_big_pdf import make_big_pdf

    folder = tmp_path_factory.mktemp("slow")
    for i in range(4):
        (folder / f"r{i}.pdf").write_bytes(make_big_pdf(40 + i))
    return folder


def start(folder: Path, db: Path) -> subprocess.Popen:
    cmd = [sys.executable, str(REPO / "cli.py"), "ingest", str(folder), "--db", str(db), "--jobs", "2"]
    return subprocess.Popen(
        cmd + ["--no-model"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def wait_for_workers(proc: subprocess.Popen, n: int = 2) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        kids = children(proc.pid)
        if len(kids) >= n:
            time.sleep(1.0)  # let them start on a file
            return kids
        time.sleep(0.05)
    raise AssertionError("workers never started")


def gone(pid: int) -> bool:
    """Exited (a zombie whose parent is gone counts: it holds no memory and no pipe)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")


def consistent(db: Path) -> dict[str, object]:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for table in RECORD_TABLES:
            sql = f"SELECT COUNT(*) FROM {table} WHERE doc_id NOT IN (SELECT id FROM documents)"
            assert conn.execute(sql).fetchone()[0] == 0, table
        counts = conn.execute("SELECT COUNT(*), COALESCE(SUM(n_blocks), 0) FROM documents").fetchone()
        blocks = conn.execute("SELECT COUNT(*) FROM blocks").fetchone()[0]
        assert counts[1] == blocks  # every stored document has all its blocks: no half-written one
        ids = sorted(r[0] for r in conn.execute("SELECT id FROM documents"))
        claims = conn.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
    finally:
        conn.close()
    return {"ids": ids, "claims": claims}


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_the_run_reaps_workers_and_keeps_the_database_whole(slow_folder, tmp_path, sig):
    db = tmp_path / "s.db"
    proc = start(slow_folder, db)
    workers = wait_for_workers(proc)
    proc.send_signal(sig)
    sent = time.monotonic()
    out, err = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert took < 3, f"exit took {took:.1f} s"
    assert proc.returncode == 128 + sig, err
    assert all(gone(w) for w in workers), "orphaned workers"
    assert "Traceback" not in err
    summary = err.strip().splitlines()[-1]
    assert summary.startswith(f"stopped by {signal.Signals(sig).name}: ") and summary.endswith(" not done")
    added = sorted(line.split()[1] for line in out.splitlines() if line.startswith("added "))
    state = consistent(db)
    assert state["ids"] == added and len(added) < 4 and state["claims"] == 0


def test_kill_9_of_the_main_process_ends_the_workers(slow_folder, tmp_path):
    db = tmp_path / "k.db"
    proc = start(slow_folder, db)
    workers = wait_for_workers(proc)
    proc.kill()
    proc.communicate(timeout=10)  # returns only once no worker holds the output pipes open
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(gone(w) for w in workers):
        time.sleep(0.1)
    assert all(gone(w) for w in workers), "workers outlived their parent"
    state = consistent(db)
    assert len(state["ids"]) < 4
    # The dead run's claims do not block the next one: its pid no longer exists.
    from corpus.store import Store

    with Store(str(db)) as store:
        shas = [r[0] for r in store.conn.execute("SELECT sha256 FROM claims")]
        assert not any(store.claimed_by_other(s) for s in shas)


CLAIMER = """
import sys, time
from corpus.store import Store
from extract.pipeline import extract_file
db, path, sha = sys.argv[1:4]
ex = extract_file(path, use_model=False)
store = Store(db)
assert store.claim(sha, 60)
print("claimed", flush=True)
time.sleep(1.5)
store.ingest(ex)
store.release(sha)
print(time.time(), flush=True)
"""


def test_a_file_claimed_by_another_ingest_is_waited_for_not_extracted_again(tmp_path):
    """Another process claims the file (as a concurrent ingest would), then stores it; our ingest waits
    for it and reports the file unchanged, finishing only after the other released its claim."""
    import hashlib

    text = "REPORT ON A SHARED FILE\n\nThe secretariat received CHF 100 000 from Japan on 4 March 2025.\n"
    path = tmp_path / "shared.txt"
    path.write_text(text)
    db = tmp_path / "c.db"
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    other = subprocess.Popen(
        [sys.executable, "-c", CLAIMER, str(db), str(path), sha], stdout=subprocess.PIPE, text=True, env=env
    )
    assert other.stdout is not None and other.stdout.readline().strip() == "claimed"
    cmd = [sys.executable, str(REPO / "cli.py"), "ingest", str(path), "--db", str(db), "--no-model"]
    mine = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    finished = time.time()
    released = float(other.stdout.readline())
    other.wait(timeout=10)
    assert mine.returncode == 0, mine.stderr
    assert mine.stdout.startswith("unchanged shared.txt ("), mine.stdout
    assert finished >= released
    assert consistent(db) == {"ids": ["shared.txt"], "claims": 0}
