"""Throughput of per-document extraction (actors + money + dates + figures), with and without the spaCy model.

Usage: python bench/extraction.py [FILES...] [--repeat N]
Defaults to the shared reference corpus. Parsing is timed apart from extraction: parsers are another module's
cost. Model load time is reported once; the timed runs use the warm pipeline, as a process-pool worker does.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from extract.nlp import count_tokens, get_nlp, model_name  # noqa: E402
from extract.pipeline import parse  # noqa: E402
from extract.records import extract_records  # noqa: E402
from schemas.models import Document, Extraction, Limits  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def _extract(doc: Document, use_model: bool) -> str:
    """Run the whole record extraction; returns which implementation ran."""
    extract_records(Extraction(document=doc.model_copy(deep=True)), use_model=use_model)
    return "extract.records.extract_records"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per file; the best is kept")
    args = ap.parse_args(argv)
    files = args.files or sorted(p for p in CORPUS.glob("*") if p.suffix in {".txt", ".docx", ".pdf"})
    docs = []
    for f in files:
        t0 = time.perf_counter()
        doc = parse(f.read_bytes(), str(f), Limits())
        elapsed = time.perf_counter() - t0
        docs.append((f.name, doc, count_tokens(" ".join(b.text for b in doc.blocks)), elapsed))

    print(f"{'file':28} {'tokens':>7} {'parse ms':>9} {'model':>10} {'tok/s':>9} {'rules':>10} {'tok/s':>9}")
    totals = {True: 0.0, False: 0.0}
    impl = ""
    loads = {}
    for use_model in (True, False):
        t0 = time.perf_counter()
        get_nlp(use_model)
        loads[use_model] = time.perf_counter() - t0
    for name, doc, ntok, parse_s in docs:
        row = [f"{name:28} {ntok:7d} {parse_s * 1000:9.1f}"]
        for use_model in (True, False):
            best = float("inf")
            for _ in range(max(1, args.repeat)):
                t0 = time.perf_counter()
                impl = _extract(doc, use_model)
                best = min(best, time.perf_counter() - t0)
            totals[use_model] += best
            row.append(f"{best * 1000:8.1f}ms {ntok / best:9.0f}")
        print(" ".join(row))
    ntot = sum(d[2] for d in docs)
    print(
        f"{'TOTAL':28} {ntot:7d} {sum(d[3] for d in docs) * 1000:9.1f} "
        f"{totals[True] * 1000:8.1f}ms {ntot / totals[True]:9.0f} {totals[False] * 1000:8.1f}ms "
        f"{ntot / totals[False]:9.0f}"
    )
    print(f"\nextraction: {impl}")
    print(f"model: {model_name(True)} (pipes {get_nlp(True).pipe_names}), load {loads[True]:.2f}s")
    print(f"rules: {model_name(False)}, build {loads[False]:.2f}s")


if __name__ == "__main__":
    main()
