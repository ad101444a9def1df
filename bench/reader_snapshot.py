"""Reader output snapshots: prove a speed change to extract/pdf left every page read the same.

`write DIR` stores, per PDF, what parse_pdf returns that later stages depend on (each block's kind, text,
page, bbox rounded to 0.1 pt, level, label, section, table/row/col, footnote marks; header_text;
pages_needing_ocr; warnings); `compare DIR` re-reads the same files and prints every difference (exit 1
when any). `--cores N` reads with Limits(cores=N), so the parallel reader is checked against the same
snapshot as the one-process one.

Usage: python bench/reader_snapshot.py write /tmp/reader-h/before [--cores N] [FILES...]
       python bench/reader_snapshot.py compare /tmp/reader-h/before [--cores N] [FILES...]
Files default to every PDF under ../shared/corpus (reference and real), examples/ and /tmp/big300.pdf
(make it with `python bench/make_big_pdf.py 300 /tmp/big300.pdf`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.errors import DocumentError  # noqa: E402
from extract.pdf import parse_pdf  # noqa: E402
from schemas.models import Limits  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def default_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.pdf")) + sorted((CORPUS / "real").glob("*.pdf"))
    files += sorted((REPO / "examples").glob("*.pdf"))
    big = Path("/tmp/big300.pdf")
    return files + ([big] if big.is_file() else [])


def snapshot(path: Path, cores: int = 1) -> dict:
    """What the reader gives for one file, in a form that compares exactly (floats rounded)."""
    try:
        doc = parse_pdf(path.read_bytes(), str(path), Limits(cores=cores))
    except DocumentError as exc:
        return {"error": exc.code, "message": str(exc)}
    return {
        "pages": doc.pages,
        "header_text": doc.header_text,
        "pages_needing_ocr": doc.pages_needing_ocr,
        "warnings": doc.warnings,
        "blocks": [
            {
                "kind": b.kind,
                "text": b.text,
                "page": b.page,
                "bbox": [round(v, 1) for v in b.bbox] if b.bbox else None,
                "level": b.level,
                "label": b.label,
                "section": b.section,
                "cell": [b.table, b.row, b.col],
                "footnotes": b.footnotes,
                "style": b.style,
            }
            for b in doc.blocks
        ],
    }


def _name(path: Path) -> str:
    return path.name.replace(".pdf", "") + ".json"


def diff(before: dict, after: dict, limit: int = 5) -> list[str]:
    """Human-readable differences, block by block (at most `limit` block differences)."""
    out: list[str] = []
    for key in ("error", "pages", "header_text", "pages_needing_ocr", "warnings"):
        if before.get(key) != after.get(key):
            out.append(f"{key}: {before.get(key)!r} -> {after.get(key)!r}")
    bb, ab = before.get("blocks", []), after.get("blocks", [])
    if len(bb) != len(ab):
        out.append(f"blocks: {len(bb)} -> {len(ab)}")
    shown = 0
    for i, (x, y) in enumerate(zip(bb, ab, strict=False)):
        if x != y and shown < limit:
            keys = [k for k in x if x[k] != y.get(k)]
            changes = "; ".join(f"{k} {x[k]!r} -> {y.get(k)!r}" for k in keys)
            out.append(f"block {i} (page {x['page']}): {changes}")
            shown += 1
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["write", "compare"])
    ap.add_argument("dir", type=Path)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--cores", type=int, default=1)
    args = ap.parse_args(argv)
    files = args.files or default_files()
    args.dir.mkdir(parents=True, exist_ok=True)
    bad = 0
    for path in files:
        snap = snapshot(path, args.cores)
        target = args.dir / _name(path)
        if args.mode == "write":
            target.write_text(json.dumps(snap, ensure_ascii=False, indent=1), "utf-8")
            continue
        if not target.is_file():
            print(f"{path.name}: no snapshot")
            bad += 1
            continue
        before = json.loads(target.read_text("utf-8"))
        after = json.loads(json.dumps(snap, ensure_ascii=False))  # tuples to lists, as stored
        lines = diff(before, after)
        if lines:
            bad += 1
            print(f"{path.name}: DIFFERS")
            for ln in lines:
                print("   ", ln)
    if args.mode == "compare":
        print(f"{len(files) - bad} of {len(files)} files identical")
    else:
        print(f"wrote {len(files)} snapshots to {args.dir}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
