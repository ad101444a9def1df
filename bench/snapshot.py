"""Snapshot every record extraction yields (figures with every field, dates, tables, actors, clauses,
citations) for a set of files, and compare two snapshots: a speed change must leave them identical.

Usage:
  python bench/snapshot.py write OUT_DIR [FILES...] [--docs CACHE_DIR] [--no-model] [--cores N]
  python bench/snapshot.py compare BEFORE_DIR AFTER_DIR
Defaults to every document of ../shared/corpus (old and real) and examples/. `--docs` keeps the parsed
Documents (JSON) so repeated snapshots time and test only the extraction, not the PDF reader.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extract.classify import classify  # noqa: E402
from extract.nlp import split_long_blocks  # noqa: E402
from extract.pipeline import parse  # noqa: E402
from extract.records import extract_records  # noqa: E402
from schemas.models import Document, Extraction, Limits  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
SUFFIXES = {".txt", ".docx", ".pdf"}
RECORDS = ("figures", "dates", "tables", "actors", "clauses", "citations", "warnings")


def default_files() -> list[Path]:
    roots = [CORPUS, CORPUS / "real", REPO / "examples"]
    return sorted(p for r in roots for p in r.glob("*") if p.suffix in SUFFIXES)


def _name(path: Path) -> str:
    return f"{path.parent.name}__{path.name}"


def _document(path: Path, cache: Path | None, limits: Limits) -> Document:
    hit = cache / (_name(path) + ".doc.json") if cache else None
    if hit is not None and hit.exists():
        return Document.model_validate_json(hit.read_text(encoding="utf-8"))
    doc = classify(parse(path.read_bytes(), str(path), limits))
    if hit is not None:
        hit.parent.mkdir(parents=True, exist_ok=True)
        hit.write_text(doc.model_dump_json(), encoding="utf-8")
    return doc


def records(path: Path, cache: Path | None, use_model: bool, cores: int) -> tuple[dict, float]:
    """The records of one file as JSON-ready data, and the CPU seconds the extraction took."""
    limits = Limits(cores=cores)
    doc = _document(path, cache, limits)
    blocks, split = split_long_blocks(doc.blocks, limits.max_paragraph_chars)
    doc = doc.model_copy(update={"blocks": blocks}) if split else doc
    result = Extraction(document=doc, warnings=list(doc.warnings) + split)
    t0 = time.process_time()
    extract_records(result, use_model=use_model, cores=cores)
    cpu = time.process_time() - t0
    data = result.model_dump(mode="json")
    out = {k: data[k] for k in RECORDS}
    out["document"] = {k: v for k, v in data["document"].items() if k != "blocks"}
    return out, cpu


def write(out: Path, files: list[Path], cache: Path | None, use_model: bool, cores: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for f in files:
        data, cpu = records(f, cache, use_model, cores)
        (out / (_name(f) + ".json")).write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        print(f"{cpu:7.2f} s CPU  {len(data['figures']):5d} figures {len(data['dates']):5d} dates  {f}")


def compare(before: Path, after: Path) -> int:
    """Number of files whose records differ; prints the first differing record of each."""
    bad = 0
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"MISSING {name}: {'before' if not a.exists() else 'after'}")
            bad += 1
            continue
        x, y = json.loads(a.read_text()), json.loads(b.read_text())
        if x == y:
            continue
        bad += 1
        for key in sorted(set(x) | set(y)):
            xs, ys = x.get(key), y.get(key)
            if xs == ys:
                continue
            if isinstance(xs, list) and isinstance(ys, list):
                print(f"DIFF {name} {key}: {len(xs)} -> {len(ys)} records")
                for i, (r, s) in enumerate(zip(xs, ys, strict=False)):
                    if r != s:
                        fields = {k: (r.get(k), s.get(k)) for k in r
                                  if isinstance(r, dict) and r.get(k) != s.get(k)}
                        print(f"  first at #{i}: {fields if fields else (r, s)}")
                        break
            else:
                print(f"DIFF {name} {key}")
    print(f"{len(names) - bad}/{len(names)} files identical")
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("out", type=Path)
    w.add_argument("files", nargs="*", type=Path)
    w.add_argument("--docs", type=Path, default=None)
    w.add_argument("--no-model", action="store_true")
    w.add_argument("--cores", type=int, default=1)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "compare":
        return 1 if compare(args.before, args.after) else 0
    write(args.out, args.files or default_files(), args.docs, not args.no_model, args.cores)
    return 0


if __name__ == "__main__":
    sys.exit(main())
