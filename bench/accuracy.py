"""Accuracy of our extractors on the hand labels of the shared report, next to spaCy's statistical NER alone.

Usage: python bench/accuracy.py [REPORT_FILE]   (default: ../shared/corpus/c26-res1408-report.txt)

Money is scored on (amount, currency), dates on ISO value, both as multisets (tests/labels/scoring.py);
actors on the set of canonical names. The baseline runs the full en_core_web_sm pipeline and reads its MONEY,
DATE and ORG/GPE/NORP/PERSON entities as honestly as a user of that model alone could: the amount from the
entity text, the currency from a code or symbol in or next to it, the date value only when the text is a
plain "2026", "March 2026", "24 March 2026" or "2026-2036" (anything else is not ISO, so it counts as wrong),
and the actor name as written (second baseline row: the same entities mapped through our gazetteer aliases).
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

from extract.nlp import MODEL_CANDIDATES, alias_index  # noqa: E402
from extract.pipeline import extract_file, parse  # noqa: E402
from schemas.models import Limits  # noqa: E402

LABELS = REPO / "tests" / "labels"
DEFAULT = REPO.parent / "shared" / "corpus" / "c26-res1408-report.txt"
MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
SCALES = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "billion": 1e9, "billions": 1e9, "bn": 1e9}
SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₴": "UAH"}


def _labels(name: str) -> list[dict] | None:
    p = LABELS / name
    return json.loads(p.read_text(encoding="utf-8")) if p.exists() else None


def _scorer():
    if importlib.util.find_spec("tests.labels.scoring") is None and not (LABELS / "scoring.py").exists():
        return None
    sys.path.insert(0, str(LABELS))
    return importlib.import_module("scoring").score


def _set_prf(found: set[str], gold: set[str]) -> dict[str, float]:
    tp = len(found & gold)
    p = tp / len(found) if found else 0.0
    r = tp / len(gold) if gold else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _codes() -> set[str]:
    data = json.loads((REPO / "schemas" / "data" / "actor_filters.json").read_text(encoding="utf-8"))
    return set(data["currency_codes"])


def baseline_money(ent, codes: set[str]) -> dict:
    text = ent.text.replace("\u00a0", " ")
    m = re.search(r"\d[\d ,]*(?:\.\d+)?", text)
    amount = float(re.sub(r"[ ,]", "", m.group(0))) if m else float("nan")
    scale = re.search(r"\b(thousand|millions?|billions?|bn)\b", text, re.IGNORECASE)
    if scale:
        amount *= SCALES[scale.group(1).lower()]
    cur = next((SYMBOLS[s] for s in SYMBOLS if s in text), None)
    cur = cur or next((w for w in re.findall(r"[A-Z]{3}", text) if w in codes), None)
    doc = ent.doc
    for i in (ent.start - 1, ent.end):
        if cur is None and 0 <= i < len(doc) and doc[i].text in codes:
            cur = doc[i].text
    return {"amount": amount, "currency": cur}


def baseline_date(text: str) -> str:
    t = text.replace("\u00a0", " ").strip()
    if re.fullmatch(r"\d{4}", t):
        return t
    m = re.fullmatch(r"(\d{4})\s*[-–]\s*(\d{4})", t)
    if m:
        return f"{m.group(1)}/{m.group(2)}"
    m = re.fullmatch(r"([A-Za-z]+) (\d{4})", t)
    if m and m.group(1).lower() in MONTHS:
        return f"{m.group(2)}-{MONTHS[m.group(1).lower()]:02d}"
    m = re.fullmatch(r"(\d{1,2}) ([A-Za-z]+) (\d{4})", t)
    if m and m.group(2).lower() in MONTHS:
        return f"{m.group(3)}-{MONTHS[m.group(2).lower()]:02d}-{int(m.group(1)):02d}"
    return f"not ISO: {t}"


def baseline(path: Path) -> dict[str, list]:
    module = next(importlib.import_module(n) for n in MODEL_CANDIDATES if importlib.util.find_spec(n))
    nlp = module.load()
    doc = parse(path.read_bytes(), str(path), Limits())
    codes = _codes()
    out: dict[str, list] = {"money": [], "dates": [], "actors": []}
    for sdoc in nlp.pipe(b.text for b in doc.blocks):
        for ent in sdoc.ents:
            if ent.label_ == "MONEY":
                out["money"].append(baseline_money(ent, codes))
            elif ent.label_ == "DATE":
                out["dates"].append({"value": baseline_date(ent.text)})
            elif ent.label_ in ("ORG", "GPE", "NORP", "PERSON"):
                name = re.sub(r"^(?:the|The)\s+|[’']s$", "", ent.text.strip())
                out["actors"].append(name)
    return out


def ours(path: Path, use_model: bool) -> dict[str, list]:
    ex = extract_file(path, use_model=use_model)
    return {"money": ex.figures, "dates": ex.dates, "actors": [a.name for a in ex.actors]}


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT
    score = _scorer()
    gold_money, gold_dates = _labels("c26_report_money.json"), _labels("c26_report_dates.json")
    gold_actors = {e["name"] for e in _labels("c26_report_actors.json") or []}
    idx = alias_index()
    runs = {
        "ours (model)": ours(path, True),
        "ours (rules only)": ours(path, False),
        "spaCy NER alone": baseline(path),
    }
    base = runs["spaCy NER alone"]
    runs["spaCy NER + our aliases"] = {**base, "actors": [idx.get(a.lower(), a) for a in base["actors"]]}
    print(f"{path.name}: precision / recall / F1\n")
    print(f"{'system':26} {'money (amount+ccy)':>22} {'dates (ISO value)':>22} {'actors (canonical)':>22}")
    for label, pred in runs.items():
        cells = []
        for key, gold in (("money", gold_money), ("dates", gold_dates)):
            if gold is None or score is None:
                cells.append(f"{'no labels':>22}")
                continue
            s = score(pred[key], gold)
            cells.append(f"{s['precision']:6.2f} {s['recall']:6.2f} {s['f1']:6.2f}   ")
        s = _set_prf(set(pred["actors"]), gold_actors)
        cells.append(f"{s['precision']:6.2f} {s['recall']:6.2f} {s['f1']:6.2f}   ")
        print(f"{label:26} " + " ".join(cells))
    n_money, n_dates = len(gold_money or []), len(gold_dates or [])
    print(f"\ngold: {n_money} amounts, {n_dates} dates, {len(gold_actors)} actors")


if __name__ == "__main__":
    main()
