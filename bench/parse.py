"""Parsing throughput: pages/s of parse_pdf and parse_docx, and parse_pdf's cost relative to
bare pdfplumber `page.extract_text()` over the same file, one core, best of N runs.

Usage: python bench/parse.py [FILES...] [--repeat N]
Defaults to the PDFs and DOCX files of the shared reference corpus. The ratio is the number to watch: our
geometry on top of pdfplumber's words should cost little more than pdfplumber's own text extraction.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.parse_docx import parse_docx  # noqa: E402
from extract.parse_pdf import parse_pdf  # noqa: E402
from schemas.models import Limits  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def _bare_extract_text(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n = 0
        for page in pdf.pages:
            page.extract_text()
            page.close()
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    files = args.files or sorted(CORPUS.glob("*.pdf")) + sorted(CORPUS.glob("*.docx"))
    limits = Limits()
    tot = {"pdf_pages": 0, "pdf_ours": 0.0, "pdf_bare": 0.0, "docx_pages": 0, "docx_s": 0.0}
    print(f"{'file':40} {'pages':>5} {'ours s':>8} {'pages/s':>8} {'bare s':>8} {'ratio':>6}")
    for path in files:
        data = path.read_bytes()
        if path.suffix.lower() == ".pdf":
            ours, doc = _best(lambda d=data, p=path: parse_pdf(d, str(p), limits), args.repeat)
            bare, _ = _best(lambda d=data: _bare_extract_text(d), args.repeat)
            pages = doc.pages or 0
            tot["pdf_pages"] += pages
            tot["pdf_ours"] += ours
            tot["pdf_bare"] += bare
            print(f"{path.name:40} {pages:5d} {ours:8.4f} {pages / ours:8.1f} {bare:8.4f} {ours / bare:6.2f}")
        elif path.suffix.lower() == ".docx":
            secs, doc = _best(lambda d=data, p=path: parse_docx(d, str(p), limits), args.repeat)
            pages = doc.pages or 1  # DOCX pages only when the file records page breaks
            tot["docx_pages"] += pages
            tot["docx_s"] += secs
            print(f"{path.name:40} {pages:5d} {secs:8.4f} {pages / secs:8.1f} {'-':>8} {'-':>6}")
    if tot["pdf_ours"]:
        print(
            f"PDF total: {tot['pdf_pages']} pages, {tot['pdf_pages'] / tot['pdf_ours']:.1f} pages/s; "
            f"bare extract_text {tot['pdf_pages'] / tot['pdf_bare']:.1f} pages/s; "
            f"ratio ours/bare {tot['pdf_ours'] / tot['pdf_bare']:.2f}"
        )
    if tot["docx_s"]:
        print(f"DOCX total: {tot['docx_pages']} pages, {tot['docx_pages'] / tot['docx_s']:.1f} pages/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
