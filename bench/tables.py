"""Table builder, table figures and sum checks on one synthetic PDF-like table of N rows x 8 columns
(boxes, no spans), one core: the three costs should grow linearly with the cells.

Usage: python bench/tables.py [--rows N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from corpus.table_checks import check_table  # noqa: E402
from extract.table_figures import table_figures  # noqa: E402
from extract.tables import build_tables  # noqa: E402
from schemas.models import Block, Document  # noqa: E402


def synthetic(rows: int) -> Document:
    blocks = [Block(id="c0", kind="paragraph", text="(Thousands of United States dollars)")]

    def add(r: int, c: int, text: str) -> None:
        top = 100 + (r % 50) * 12
        blocks.append(Block(id=f"b{len(blocks)}", kind="table_cell", text=text, table=0, row=r, col=c,
                            page=1 + r // 50, bbox=(60 + c * 60, top, 110 + c * 60, top + 9)))

    for c, head in enumerate(["Item"] + [f"{2020 + k} estimate" for k in range(7)]):
        add(0, c, head)
    for r in range(1, rows + 1):
        add(r, 0, f"Row {r}")
        for c in range(1, 8):
            add(r, c, f"{r * 7 + c:,}.5".replace(",", " "))
    add(rows + 1, 0, "Total")
    for c in range(1, 8):
        add(rows + 1, c, "1.0")
    return Document(id="d", path="synthetic", sha256="0" * 64, format="pdf", blocks=blocks)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()
    doc = synthetic(args.rows)
    t0 = time.perf_counter()
    tables = build_tables(doc)
    t1 = time.perf_counter()
    figs = table_figures(doc, tables)
    t2 = time.perf_counter()
    checks = check_table(tables[0], figs)
    t3 = time.perf_counter()
    print(f"{len(tables[0].cells)} cells, {len(figs)} figures, {len(checks)} checks: build {t1 - t0:.2f}s, "
          f"figures {t2 - t1:.2f}s, checks {t3 - t2:.2f}s")


if __name__ == "__main__":
    main()
