"""Whole-ingest throughput (parse + extract + store, as `restrack ingest` runs it) against bare pdfplumber.

Prints, per workload (a generated N-page report-like PDF; the real budget section A_80_6_Sect5.pdf; the
largest real Word file A_80_6_Sect5_advance.docx, for peak memory; the shared reference corpus):
  pages/s of `cli.py ingest` with --jobs 1 and --jobs 2 (wall time of the real command, process start and
  model load included), the ratio of that time (and of its CPU time: on a shared, loaded machine wall time
  wanders) to bare pdfplumber `extract_text` over the same PDFs on one core and to raw pypdfium2 text
  extraction (the practical limit), tokens/s of record extraction alone (warm pipeline, in this process),
  and peak memory (maxrss of the ingest process tree, from wait4, and of this process).

Usage: python bench/ingest.py [--pages 300] [--no-model] [--skip-bare] [--only-real]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CORPUS = REPO.parent / "shared" / "corpus"


_CPU: dict[tuple[int, int], float] = {}  # (id of the files list, jobs) -> CPU seconds of the last run


def run_ingest(files: list[Path], jobs: int, use_model: bool) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in MB of the ingest process tree, pages stored) of one real CLI run; its CPU
    seconds (user + system, the process tree) go to _CPU: on a shared machine wall time wanders."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        cmd = [sys.executable, str(REPO / "cli.py"), "ingest", *map(str, files), "--db", str(db)]
        cmd += ["--jobs", str(jobs)] + ([] if use_model else ["--no-model"])
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)  # maxrss of the child and the workers it reaped
        wall = time.perf_counter() - t0
        _CPU[(id(files), jobs)] = usage.ru_utime + usage.ru_stime
        err = proc.stderr.read().decode() if proc.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"ingest failed: {err.strip()}")
        import sqlite3

        conn = sqlite3.connect(db)
        pages = conn.execute("SELECT COALESCE(SUM(COALESCE(pages, 1)), 0) FROM documents").fetchone()[0]
        conn.close()
    return wall, usage.ru_maxrss // 1024, pages


def bare_extract_text(files: list[Path]) -> float:
    """CPU seconds of bare pdfplumber extract_text over the PDFs (one core, this process)."""
    import pdfplumber

    t0 = time.process_time()
    for f in files:
        if f.suffix.lower() != ".pdf":
            continue
        with pdfplumber.open(io.BytesIO(f.read_bytes())) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
    return time.process_time() - t0


def raw_pdfium_text(files: list[Path]) -> float:
    """CPU seconds of raw pypdfium2 text extraction over the PDFs (one core, this process): the practical
    limit of any PDF reader built on PDFium."""
    from parse import raw_pdfium_pages  # bench/parse.py, beside this script

    t0 = time.process_time()
    for f in files:
        if f.suffix.lower() == ".pdf":
            raw_pdfium_pages(f.read_bytes())
    return time.process_time() - t0


def extraction_rate(files: list[Path], use_model: bool) -> tuple[int, float]:
    """(tokens, seconds) of extract_records over parsed documents, with the pipeline already built."""
    from extract.classify import classify
    from extract.nlp import count_tokens, get_nlp
    from extract.pipeline import parse
    from extract.records import extract_records
    from schemas.models import Extraction, Limits

    get_nlp(use_model)
    docs = [classify(parse(f.read_bytes(), str(f), Limits())) for f in files]
    tokens = sum(count_tokens(" ".join(b.text for b in d.blocks)) for d in docs)
    t0 = time.perf_counter()
    for d in docs:
        extract_records(Extraction(document=d), use_model=use_model)
    return tokens, time.perf_counter() - t0


def workload(name: str, files: list[Path], use_model: bool, skip_bare: bool) -> None:
    pdfs = [f for f in files if f.suffix.lower() == ".pdf"]
    print(f"\n== {name}: {len(files)} files ({len(pdfs)} PDF), {os.cpu_count()} cores")
    runs = {}
    for jobs in (1, 2):
        wall, rss, pages = run_ingest(files, jobs, use_model)
        runs[jobs] = wall
        cpu = _CPU[(id(files), jobs)]
        print(
            f"ingest --jobs {jobs}: {wall:7.2f} s wall, {cpu:7.2f} s CPU  {pages / wall:7.1f} pages/s  "
            f"peak {rss} MB  ({pages} pages)"
        )
    if pdfs and not skip_bare:
        if len(pdfs) != len(files):
            pdf_only = {j: run_ingest(pdfs, j, use_model)[0] for j in (1, 2)}
            cpus = {j: _CPU[(id(pdfs), j)] for j in (1, 2)}
        else:
            pdf_only, cpus = runs, {j: _CPU[(id(files), j)] for j in (1, 2)}
        bare = bare_extract_text(pdfs)
        raw = min(raw_pdfium_text(pdfs) for _ in range(3))
        print(f"bare pdfplumber extract_text (PDFs, 1 core): {bare:7.2f} s CPU; raw pypdfium2 {raw:.2f} s")
        for jobs, wall in pdf_only.items():
            print(
                f"  ingest --jobs {jobs} / bare: wall {wall / bare:5.2f}, CPU {cpus[jobs] / bare:5.2f}"
                f" ({bare / wall:4.1f}x faster by wall time, {bare / cpus[jobs]:4.1f}x by CPU time;"
                f" < 1 = faster than bare); / raw pypdfium2: wall {wall / raw:5.1f},"
                f" CPU {cpus[jobs] / raw:5.1f}"
            )
    tokens, secs = extraction_rate(files, use_model)
    print(
        f"extraction ({'model' if use_model else 'rules'}): {tokens} tokens in {secs:.2f} s,"
        f" {tokens / secs:,.0f} tok/s"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300, help="pages of the generated report")
    ap.add_argument("--no-model", action="store_true", help="rules only (no spaCy model)")
    ap.add_argument("--skip-bare", action="store_true", help="skip the bare pdfplumber baseline")
    ap.add_argument("--only-real", action="store_true", help="only the real budget section PDF and DOCX")
    args = ap.parse_args(argv)
    use_model = not args.no_model
    from make_big_pdf import make_big_pdf

    real = CORPUS / "real"
    for name in ("A_80_6_Sect5.pdf", "A_80_6_Sect5_advance.docx"):
        if (real / name).is_file():
            workload(f"real {name}", [real / name], use_model, args.skip_bare)
    if args.only_real:
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / f"big-{args.pages}.pdf"
        big.write_bytes(make_big_pdf(args.pages))
        workload(f"generated {args.pages}-page report", [big], use_model, args.skip_bare)
    if CORPUS.is_dir():
        files = sorted(p for p in CORPUS.iterdir() if p.suffix in (".pdf", ".docx", ".txt"))
        workload("shared corpus", files, use_model, args.skip_bare)
    self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    kids_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    print(f"\npeak memory: this process {self_mb} MB, largest ingest process tree {kids_mb} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
