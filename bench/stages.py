"""Wall and CPU time of each stage of one file's extraction, in one process (no store, one core).

Usage: python bench/stages.py FILE [--repeat N]
Prints `stage=wall/cpu` for imports, model load, parse (reader + classify), actors, figures (with the
dependency parse), tables, cell figures, dates and citations, best of N runs by total CPU (a new process
each run, so imports and the model load count every time). CPU time is the figure to compare on a shared,
loaded machine: wall time wanders with the other processes.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _one(path: str) -> None:
    marks: list[tuple[str, float, float]] = []
    w, c = time.perf_counter(), time.process_time()

    def mark(name: str) -> None:
        nonlocal w, c
        marks.append((name, time.perf_counter() - w, time.process_time() - c))
        w, c = time.perf_counter(), time.process_time()

    sys.path.insert(0, str(REPO))
    import extract.records as records
    from extract.actors import actors_in_document
    from extract.classify import classify
    from extract.figures import figures_in_document
    from extract.nlp import dependency_parser, get_nlp
    from extract.pipeline import parse
    from schemas.models import Extraction, Limits

    mark("imports")
    get_nlp(True)
    dependency_parser()
    mark("model")
    doc = classify(parse(Path(path).read_bytes(), path, Limits()))
    mark("parse")
    res = Extraction(document=doc)
    res.actors = actors_in_document(doc)
    mark("actors")
    res.figures = figures_in_document(doc, res.actors, parse=True)
    mark("figures")
    res.tables = records.build_tables(doc)
    mark("tables")
    records.cell_figures(doc, res.tables, actors=res.actors, skip_blocks=set(), skip_tables=set())
    mark("cellfig")
    records.dates_in_document(doc)
    mark("dates")
    records.add_citations(res)
    mark("cites")
    stages = " ".join(f"{n}={wt:.2f}/{ct:.2f}" for n, wt, ct in marks)
    print(f"{stages} total_cpu={sum(m[2] for m in marks):.2f}")


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--one":
        _one(args[1])
        return
    repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 3
    path = args[0]
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--one", path], capture_output=True, text=True,
                             check=True).stdout.strip().splitlines()[-1]
        runs.append((float(out.rsplit("=", 1)[1]), out))
    print(f"{Path(path).name}: {min(runs)[1]}  (best of {repeat} by CPU; wall/cpu seconds)")


if __name__ == "__main__":
    main()
