"""unruled._empty_runs sweeps over span ends only: the same gutters as scanning every point of the page."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.pdf.unruled import _empty_runs


def _scan(spans: list[tuple[float, float]], width: float, allowed: int, min_width: float) -> list[float]:
    """The per-point scan the sweep replaced (spans on the page)."""
    n = int(width) + 2
    diff = [0] * (n + 1)
    for x0, x1 in spans:
        a, b = max(0, int(x0)), min(n - 1, int(x1) + 1)
        diff[a] += 1
        diff[b] -= 1
    cuts: list[float] = []
    cover, start, seen = 0, None, False
    for x in range(n):
        cover += diff[x]
        if cover <= allowed:
            start = x if start is None else start
        else:
            if start is not None and seen and x - start >= min_width:
                cuts.append((start + x) / 2)
            start, seen = None, True
    return cuts


_span = st.tuples(st.floats(0, 600), st.floats(0, 60)).map(lambda t: (t[0], min(600.0, t[0] + t[1])))


@settings(max_examples=300, deadline=None)
@given(st.lists(_span, max_size=40), st.integers(0, 3), st.sampled_from([1.0, 4.5, 8.0]))
def test_sweep_equals_scan(spans, allowed, min_width):
    assert _empty_runs(spans, 612.0, allowed, min_width) == _scan(spans, 612.0, allowed, min_width)


def test_columns_of_a_small_table():
    spans = [(50, 120), (200, 240), (300, 340), (52, 110), (205, 240), (301, 340)]
    assert _empty_runs(spans, 612.0, 0, 4.0) == [160.5, 270.5]  # 121..200 and 241..300 uncovered


def test_a_word_off_the_page_covers_nothing():
    assert _empty_runs([(50, 120), (200, 240), (-80, -20), (700, 760)], 612.0, 0, 4.0) == [160.5]
