"""Reading order on pages set in two columns: a vertical gutter that no line crosses splits the page;
lines spanning it (titles, full-width tables) cut the page into bands read top to bottom, and within a
band the left column is read before the right one."""

from __future__ import annotations

from extract.pdf.model import Line
from extract.pdf.settings import LayoutSettings


def _gutter(lines: list[Line], width: float, s: LayoutSettings) -> float | None:
    """x of an empty vertical strip near the middle that most lines sit on one side of, or None."""
    if len(lines) < 8:
        return None
    size = sorted(ln.size for ln in lines)[len(lines) // 2]
    step = 2.0
    lo, n = int(0.3 * width / step), int(0.7 * width / step)
    diff = [0] * (n + 2)
    for ln in lines:  # how many lines cross each x, by a difference array over 2-pt steps
        a, b = max(lo, int(ln.x0 / step) + 1), min(n, int(ln.x1 / step))
        if a <= b:
            diff[a] += 1
            diff[b + 1] -= 1
    best: float | None = None
    best_run = 0.0
    run_start = None
    crossing = sum(diff[:lo])
    for i in range(lo, n + 1):
        crossing += diff[i]
        x = i * step
        if crossing <= 0.1 * len(lines):
            run_start = x if run_start is None else run_start
            if x - run_start > best_run:
                best_run, best = x - run_start, (x + run_start) / 2
        else:
            run_start = None
    if best is None or best_run < s.column_gutter_em * size:
        return None
    left = sum(1 for ln in lines if ln.x1 <= best)
    right = sum(1 for ln in lines if ln.x0 >= best)
    if min(left, right) < 3 or left + right < s.column_min_share * len(lines):
        return None
    return best


def reading_order(lines: list[Line], width: float, s: LayoutSettings) -> list[Line]:
    g = _gutter(lines, width, s)
    if g is None:
        return lines
    out: list[Line] = []
    left: list[Line] = []
    right: list[Line] = []
    for ln in sorted(lines, key=lambda ln: ln.top):
        if ln.x1 <= g:
            left.append(ln)
        elif ln.x0 >= g:
            right.append(ln)
        else:  # spans the gutter: closes the band above
            out += left + right + [ln]
            left, right = [], []
    return out + left + right
