"""Archive scale: a generated archive of N documents (PDF and DOCX, mixed sizes) ingested with --jobs 2, then
the query commands timed on the result (or on an existing database: --db).

Prints: ingest wall time, documents/s and pages/s, peak memory of the whole ingest process tree (the sums
of the PSS and of the RSS of the main process, its workers and their forked children, sampled every 0.1 s
from /proc; also the largest single process, from wait4), then for each query a real CLI process (start-up
included): wall time, CPU time (user + sys, from wait4: wall is noisy on a shared machine) and peak memory
(max RSS). Queries: `figures` (and filtered), `audit`, `compare --no-cache` (cold: computed from the stored
records, no cache read or written), `compare` (first run: reads what ingest precomputed, or fills the
cache), `compare` warm (table and json), `report`. Warm queries are run --repeat times (best CPU shown).

The archive is generated once per N and seed and cached under the temp dir (RESTRACK_ARCHIVE_DIR to move
it): PDFs from bench/make_big_pdf.py (its report-like generator, a distinct seed per file), DOCX written with
python-docx from the same sentence generator. Sizes: about 70 % short (1-4 pages), 25 % medium (5-20),
5 % long (30-80).

Usage: python bench/archive.py [--docs 1000] [--jobs 2] [--no-model] [--seed 13] [--repeat 3]
       python bench/archive.py --db EXISTING.db   (queries only, on a copy: the database is never written)
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

VERSION = 1  # bump when the generator changes, so a stale cached archive is not reused


def _size(rng: random.Random) -> int:
    r = rng.random()
    return rng.randint(1, 4) if r < 0.70 else rng.randint(5, 20) if r < 0.95 else rng.randint(30, 80)


def _pdf(args: tuple[Path, int, int]) -> None:
    from make_big_pdf import make_big_pdf

    path, pages, seed = args
    path.write_bytes(make_big_pdf(pages, seed=seed, symbol=f"C{20 + seed % 8}/27-E"))


def _docx(args: tuple[Path, int, int]) -> None:
    """A report-like Word file: numbered headings, paragraphs of amounts, dates and actors, a table."""
    import docx
    from make_big_pdf import TOPICS, _sentence

    path, pages, seed = args
    rng = random.Random(seed)
    d = docx.Document()
    d.add_heading(f"Report on the assistance programme ({seed})", level=0)
    d.add_paragraph(f"Document C{20 + seed % 8}/27-E")
    for k in range(1, 3 * pages + 1):  # about three sections per page
        d.add_heading(f"{k}\t{rng.choice(TOPICS)}", level=1)
        for _ in range(rng.randint(1, 3)):
            d.add_paragraph(" ".join(_sentence(rng) for _ in range(rng.randint(2, 5))))
        if k % 5 == 0:
            t = d.add_table(rows=1, cols=3)
            for cell, head in zip(t.rows[0].cells, ("Item", "Damage", "Needs"), strict=True):
                cell.text = head
            for j in range(3):
                cells = t.add_row().cells
                cells[0].text = f"Item {j + 1}"
                cells[1].text, cells[2].text = (f"{rng.randint(10, 3000):,}" for _ in range(2))
    d.save(str(path))


def make_archive(n: int, seed: int) -> Path:
    """The archive's folder (generated on first use; a .complete marker says it is whole)."""
    base = Path(os.environ.get("RESTRACK_ARCHIVE_DIR") or tempfile.gettempdir())
    folder = base / f"restrack-archive-v{VERSION}-n{n}-s{seed}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    jobs = []
    for i in range(n):
        pages, is_pdf = _size(rng), rng.random() < 0.6
        sub = folder / f"batch{i // 100:02d}"
        sub.mkdir(exist_ok=True)
        jobs.append((is_pdf, (sub / f"doc{i:04d}.{'pdf' if is_pdf else 'docx'}", pages, seed * 100_000 + i)))
    t0 = time.perf_counter()
    from multiprocessing import get_context

    with get_context("fork").Pool(2) as pool:
        pool.map(_pdf, [a for p, a in jobs if p], chunksize=8)
        pool.map(_docx, [a for p, a in jobs if not p], chunksize=8)
    (folder / ".complete").write_text(f"{n} documents\n")
    print(f"generated {n} documents in {time.perf_counter() - t0:.0f} s: {folder}", file=sys.stderr)
    return folder


def _tree_memory(pid: int) -> tuple[int, int]:
    """(sum of VmRSS, sum of Pss) in kB of pid and its descendants. RSS counts the pages a forked child
    shares with its parent (copy-on-write) once per process; PSS splits each shared page among its
    sharers, so its sum is the memory the tree really holds."""
    rss, pss, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
            todo += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return rss, pss


def run(cmd: list[str], sample: bool = False) -> tuple[float, tuple[int, int], int, str, float]:
    """(wall s, peak tree (RSS, PSS) MB (sampled), largest single RSS MB (wait4), stderr, CPU s) of one
    process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    stop = threading.Event()

    def sampler() -> None:
        while not stop.is_set():
            peak[:] = map(max, peak, _tree_memory(proc.pid))
            stop.wait(0.1)

    thread = threading.Thread(target=sampler, daemon=True)
    if sample:
        thread.start()
    err_chunks: list[bytes] = []
    reader = threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True)  # type: ignore
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    stop.set()
    reader.join()
    err = b"".join(err_chunks).decode("utf-8", "replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[2:4])} failed ({code}): {err.strip()[-2000:]}")
    tree = (peak[0] // 1024, peak[1] // 1024)
    return wall, tree, usage.ru_maxrss // 1024, err, usage.ru_utime + usage.ru_stime


def queries(db: str, tmp: str, repeat: int = 1) -> None:
    """Time the query commands on `db` (which they may write: its cache), one CLI process each."""
    cli = [sys.executable, str(REPO / "cli.py")]
    q = ["--db", db]
    out = str(Path(tmp) / "r.html")
    conn = sqlite3.connect(db)
    docs, figs = conn.execute("SELECT COUNT(*), COALESCE(SUM(n_figures), 0) FROM documents").fetchone()
    conn.close()
    print(f"queries on {docs} documents, {figs:,} figures (wall, CPU user+sys, max RSS; warm: best of"
          f" {repeat})")
    for label, cmd, times in (
        ("figures", cli + ["figures", *q], 1),
        ("figures (warm)", cli + ["figures", *q], repeat),
        ("figures --metric damage --year 2025", cli + ["figures", *q, "--metric=damage", "--year=2025"],
         repeat),
        ("figures --actor Japan", cli + ["figures", *q, "--actor", "Japan"], repeat),
        ("audit", cli + ["audit", *q], 1),
        ("audit (warm)", cli + ["audit", *q], repeat),
        ("compare --no-cache (cold)", cli + ["compare", *q, "--no-cache"], 1),
        ("compare (first run)", cli + ["compare", *q], 1),
        ("compare (warm)", cli + ["compare", *q], repeat),
        ("compare --format json (warm)", cli + ["compare", *q, "--format", "json"], repeat),
        ("compare --metric damage (warm)", cli + ["compare", *q, "--metric", "damage"], repeat),
        ("report", cli + ["report", *q, "--out", out, "--no-timestamp"], 1),
    ):
        runs = [run(cmd) for _ in range(times)]
        wall, _, rss, _, cpu = min(runs, key=lambda r: r[4])
        print(f"{label:<38}{wall:7.2f} s wall {cpu:7.2f} s CPU  (max RSS {rss} MB)")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents in the archive (default 1000)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--no-model", action="store_true", help="ingest rules-only (no spaCy model)")
    ap.add_argument("--keep", metavar="DB", help="copy the ingested database here (to profile queries)")
    ap.add_argument("--db", metavar="EXISTING", help="time queries on a copy of this database")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each warm query (best CPU shown)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "archive.db")
        if a.db:
            if not Path(a.db).exists():
                raise SystemExit(f"no database at {a.db}")
            src, dst = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True), sqlite3.connect(db)
            src.backup(dst)  # a consistent copy even while another process writes it
            src.close()
            dst.close()
            print(f"database: copy of {a.db}")
            queries(db, tmp, a.repeat)
            return
        folder = make_archive(a.docs, a.seed)
        cli = [sys.executable, str(REPO / "cli.py")]
        cmd = cli + ["ingest", str(folder), "--db", db, "--jobs", str(a.jobs), "--quiet"]
        wall, tree_mb, single_mb, err, _ = run(cmd + (["--no-model"] if a.no_model else []), sample=True)
        conn = sqlite3.connect(db)
        docs, pages, figs = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(pages), 0), COALESCE(SUM(n_figures), 0) FROM documents"
        ).fetchone()
        conn.close()
        errors = [line for line in err.splitlines() if line.startswith("error: ")]
        print(f"archive: {a.docs} documents ({folder})")
        print(f"ingest --jobs {a.jobs}{' --no-model' if a.no_model else ''}: {wall:.1f} s, {docs} stored,"
              f" {len(errors)} errors, {figs:,} figures")
        rate = f"{docs / wall:.1f} documents/s, {pages / wall:.1f} pages/s"
        print(f"  {rate} ({pages:,} PDF pages; DOCX files have no page count)")
        print(f"  peak memory: process tree {tree_mb[1]} MB (sampled sum of PSS: shared pages counted once), "
              f"{tree_mb[0]} MB (sum of RSS), largest process {single_mb} MB")
        for e in errors[:5]:
            print(f"  {e}")
        if a.keep:
            src, dst = sqlite3.connect(db), sqlite3.connect(a.keep)
            src.backup(dst)
            src.close()
            dst.close()
        queries(db, tmp, a.repeat)


if __name__ == "__main__":
    main()
