"""Precision / recall / F1 of extracted money and dates against a labelled list; used by tests and bench.

Matching is by multiset of keys: money by (amount, currency), dates by ISO value, so a figure stated twice
must be found twice. For matched money it also reports how many metric labels and actor lists agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _money_key(item: Any) -> tuple[float, str]:
    return (round(float(_get(item, "amount")), 2), str(_get(item, "currency")))


def _date_key(item: Any) -> str:
    return str(_get(item, "value"))


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f}


def score(
    predicted: Iterable[Any],
    gold: Iterable[dict],
    canon: Callable[[str], str] | None = None,
) -> dict[str, Any]:
    """P/R/F1 of `predicted` (models or dicts) against `gold`; money when gold items carry "amount",
    else dates. Money also gets metric_accuracy and actors_accuracy over matched pairs (gold actor
    names pass through `canon` first, so a gazetteer's canonical names compare equal)."""
    predicted, gold = list(predicted), list(gold)
    money = bool(gold) and "amount" in gold[0]
    key = _money_key if money else _date_key
    pool: dict[Any, list[Any]] = {}
    for p in predicted:
        pool.setdefault(key(p), []).append(p)
    pairs = []
    for g in gold:
        if pool.get(key(g)):
            pairs.append((g, pool[key(g)].pop(0)))
    out: dict[str, Any] = {"tp": len(pairs), "fp": len(predicted) - len(pairs), "fn": len(gold) - len(pairs)}
    out.update(_prf(len(pairs), len(predicted), len(gold)))
    out["missed"] = sorted(map(str, (Counter(map(key, gold)) - Counter(map(key, predicted))).elements()))
    out["spurious"] = sorted(map(str, (Counter(map(key, predicted)) - Counter(map(key, gold))).elements()))
    if money and pairs:
        canon = canon or (lambda s: s)
        out["metric_accuracy"] = sum(_get(p, "metric") == g["metric"] for g, p in pairs) / len(pairs)
        out["actors_accuracy"] = sum(
            sorted(canon(a) for a in g["actors"]) == sorted(_get(p, "actors") or []) for g, p in pairs
        ) / len(pairs)
        out["metric_errors"] = [(g["text"], g["metric"], _get(p, "metric")) for g, p in pairs
                                if _get(p, "metric") != g["metric"]]
    return out
