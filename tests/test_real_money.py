"""Metric, owner and time of amounts in running text of real UN budget documents (issue 12).

Labels: tests/labels/real_budget_money.json (read by hand from ../shared/corpus/real, with page). Each label
is located by its text within the blocks that contain its `near` words, never by block id (the PDF reader
is rewritten in parallel). About 20 % of the labels are held out: written with the others but
not looked at while the rules were tuned, and are evaluated last, in their own test.

Run: `python -m pytest tests/test_real_money.py -q -s` prints P/R and the share right of metric, owner, time.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from conftest import CORPUS

from extract.nlp import alias_index
from extract.pipeline import extract_file
from schemas.models import Figure

REAL = CORPUS / "real"
LABELS = Path(__file__).parent / "labels" / "real_budget_money.json"
SHARE = 0.85  # issue 12: at least 85 % of each right
RULES_FLOOR = 0.8  # without a spaCy model (ingest --no-model) the rules fallback decides
_MODE = {"model": True}

pytestmark = pytest.mark.skipif(not REAL.exists(), reason="real documents not available")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@cache
def _extract(name: str, use_model: bool = True):
    """use_model: spaCy's parser decides the governing words (default); False: the rules fallback."""
    return extract_file(REAL / name, use_model=use_model)


def labels(heldout: bool | None = None) -> list[dict]:
    out = json.loads(LABELS.read_text(encoding="utf-8"))["labels"]
    return [x for x in out if heldout is None or bool(x.get("heldout")) == heldout]


def _blocks_near(name: str, near: str) -> set[str]:
    ex = _extract(name, _MODE["model"])
    return {b.id for b in ex.document.blocks if _norm(near) in _norm(b.text) and b.kind != "table_cell"}


def _find(label: dict) -> Figure | None:
    ex = _extract(label["doc"], _MODE["model"])
    ids = _blocks_near(label["doc"], label["near"])
    for f in ex.figures:
        if f.block_id in ids and _norm(f.text) == _norm(label["text"]) and f.amount == label["amount"]:
            return f
    return None


def _canon(name: str) -> str:
    return _norm(alias_index().get(_norm(name), name))


def _owner_ok(f: Figure, label: dict) -> bool:
    """Owners compared by canonical name (an acronym the gazetteer knows is its entity)."""
    want = {_canon(o) for o in label["owner"]}
    got = {_canon(a) for a in f.actors}
    return want == got or (len(want) == 1 and f.owner_text is not None and {_norm(f.owner_text)} == want)


def _time_ok(f: Figure, label: dict) -> bool:
    t = label["time"]
    if t is None:
        return not f.years and f.period is None
    if isinstance(t, str):
        start, end = t.split("/")
        return f.period is not None and (f.period.start, f.period.end) == (start, end)
    return sorted(f.years) == t


def score(items: list[dict]) -> dict[str, float]:
    """Recall of labelled amounts; precision over every running-text amount of the labelled paragraphs; share
    right of metric, owner and time among the amounts found."""
    found = [(x, _find(x)) for x in items]
    hits = [(x, f) for x, f in found if f is not None]
    extracted, correct = 0, 0
    by_doc: dict[str, list[dict]] = {}
    for x in items:
        by_doc.setdefault(x["doc"], []).append(x)
    for name, xs in by_doc.items():
        ids: set[str] = set()
        for x in xs:
            ids |= _blocks_near(name, x["near"])
        wanted = [(_norm(x["text"]), x["amount"]) for x in labels() if x["doc"] == name]
        for f in _extract(name, _MODE["model"]).figures:
            if f.block_id in ids:
                extracted += 1
                correct += (_norm(f.text), f.amount) in wanted
    n = len(hits) or 1
    return {
        "n": len(items),
        "recall": len(hits) / len(items),
        "precision": correct / (extracted or 1),
        "metric": sum(f.metric == x["metric"] for x, f in hits) / n,
        "owner": sum(_owner_ok(f, x) for x, f in hits) / n,
        "time": sum(_time_ok(f, x) for x, f in hits) / n,
    }


def misses(items: list[dict]) -> list[str]:
    out = []
    for x in items:
        f = _find(x)
        if f is None:
            out.append(f"{x['doc']} p{x['page']} {x['text']}: not found")
            continue
        for what, ok, got in (
            ("metric", f.metric == x["metric"], f.metric),
            ("owner", _owner_ok(f, x), f.actors),
            ("time", _time_ok(f, x), (f.years, f.period)),
        ):
            if not ok:
                out.append(f"{x['doc']} p{x['page']} {x['text']}: {what} {got!r} != {x[what]!r}")
    return out


def test_labels_cover_the_issue_minimum() -> None:
    items = labels()
    assert len(items) >= 60
    assert 0.15 <= len(labels(heldout=True)) / len(items) <= 0.3
    assert {x["doc"][:8] for x in items} >= {"A_80_6_S", "A_RES_80"}  # budget sections and resolutions


def test_development_labels() -> None:
    s = score(labels(heldout=False))
    print("\ndevelopment", s, *misses(labels(heldout=False)), sep="\n  ")
    assert s["recall"] >= SHARE and s["precision"] >= SHARE
    assert s["metric"] >= SHARE and s["owner"] >= SHARE and s["time"] >= SHARE


def test_heldout_labels_evaluated_last() -> None:
    s = score(labels(heldout=True))
    print("\nheld-out", s, *misses(labels(heldout=True)), sep="\n  ")
    assert s["recall"] >= SHARE and s["precision"] >= SHARE
    assert s["metric"] >= SHARE and s["owner"] >= SHARE and s["time"] >= SHARE


def test_rules_only_fallback_stays_usable() -> None:
    """Without the parser (ingest --no-model) on all labels: measured 90 % metric, 82 % owner, 99 % time."""
    _MODE["model"] = False
    try:
        s = score(labels())
    finally:
        _MODE["model"] = True
    print("\nrules only", s)
    assert s["recall"] >= SHARE and s["metric"] >= RULES_FLOOR and s["owner"] >= RULES_FLOOR
    assert s["time"] >= SHARE
