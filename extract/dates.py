"""Dates in plain text as ISO 8601 values: days, months, years, intervals, year lists, "as of", "since".

Works in three passes so every written form composes: find date *points* (a day, a month, a year),
join neighbours linked by a dash or "to" into intervals, then give year-less points a year from the
nearest preceding dated point or the document's reference date. Cue words live in
schemas/data/date_cues.json, months in common.json (schemas/rules.py).

Kinds: date / month / year for single points, interval ("4-5 November 2025" -> 2025-11-04/2025-11-05,
"2026-2036" -> 2026/2036), year_list (one mention per year of "2023/2024/2025", each with its own span),
as_of ("as of 31 December 2025") and since ("since 2022", "since the beginning of 2026"): the value of
those two is the date itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from extract.money import money_in
from extract.text import start_guard
from schemas.models import DateKind, DateMention
from schemas.rules import Common, DateCues, FiscalPeriods, load_rules

_YEAR = r"(?<![\d.,/])(?:19|20)\d\d(?!\d)"
_YEAR_SLASHED = r"(?:19|20)\d\d(?!\d)"  # after "Dec/" or "2/"
_DAY = r"(?<![\d.,])(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?!\d)"
_DASH = r"\s*[-–—‑‐]+\s*"


def _cues() -> DateCues:
    return load_rules(DateCues)


def _fiscal() -> FiscalPeriods:
    """schemas/data/fiscal_periods.json: fiscal-period conventions, parts of a year, ordinals."""
    return load_rules(FiscalPeriods)


@lru_cache(maxsize=1)
def _range_gap() -> re.Pattern[str]:
    """What joins two dates into an interval: a dash, or a `range_to` word ("4 to 9 May")."""
    words = "|".join(re.escape(w) for w in _cues().range_to)
    return re.compile(rf"{_DASH}|\s+(?:{words})\s+")


def _month_res() -> tuple[str, str]:
    """(capitalised month names only: "May" not the verb "may"; any case, for a month next to a number)."""
    names = sorted(month_numbers(), key=len, reverse=True)
    alt = "|".join(names)
    tail = r"(?:\.(?=\s*[\d,/]))?(?![A-Za-z])"
    return rf"(?<![A-Za-z])(?:{alt}){tail}", rf"(?<![A-Za-z])(?i:{alt}){tail}"


@lru_cache(maxsize=1)
def _point_re() -> re.Pattern[str]:
    month, anycase = _month_res()
    parts = "|".join(_fiscal().year_parts)
    ords = "|".join(_fiscal().ordinals)
    # every branch starts with a digit, Q/H, or a month, ordinal or part-of-year word
    guard = start_guard([*month_numbers(), *_fiscal().ordinals, *_fiscal().year_parts], ["Q", "H"])
    return re.compile(
        rf"{guard}(?:"
        rf"(?P<iy>{_YEAR})-(?P<im>0[1-9]|1[0-2])-(?P<id>[0-3]\d)(?!\d)"
        rf"|(?<![\d.])(?P<nd>\d{{1,2}})[./](?P<nm>\d{{1,2}})[./](?P<ny>(?:19|20)\d\d)(?!\d)"
        rf"|(?P<xd>{_DAY})[/-](?P<xm>{anycase})[/-](?P<xy>{_YEAR_SLASHED})"
        rf"|(?P<zm>{anycase})/(?P<zy>{_YEAR_SLASHED})"
        rf"|(?P<dd>{_DAY})(?:\s+of)?\s+(?P<dm>{anycase})(?:,?\s+(?P<dy>{_YEAR}))?"
        rf"|(?P<mm>{anycase})\s+(?P<md>{_DAY}),?\s+(?P<my>{_YEAR})"
        rf"|(?P<ym>{anycase}),?\s+(?P<yy>{_YEAR})"
        rf"|(?P<hq>[QH])(?P<hn>[1-4])\s*(?:of\s+)?(?P<hy>{_YEAR})"
        rf"|(?P<hy2>{_YEAR})[-\s]?(?P<hq2>[QH])(?P<hn2>[1-4])(?![\d\w])"
        rf"|(?i:(?P<pn>{ords})\s+(?P<pu>quarter|half)\s+(?:of\s+)?(?:the\s+year\s+)?)(?P<py>{_YEAR})"
        rf"|(?i:(?P<part>{parts}))(?:-|\s+)(?P<party>{_YEAR})"
        rf"|(?P<dec>(?:19|20)\d0)['’]?s(?![A-Za-z])"
        rf"|(?P<fy>{_YEAR})/(?P<fy2>\d\d)(?![\d/])"
        rf"|(?P<ly>{_YEAR})\s*/\s*(?P<lrest>(?:19|20)\d\d(?:\s*/\s*(?:19|20)\d\d)*)(?!\d)"
        rf"|(?P<sy>{_YEAR})[-–‑](?P<sy2>\d\d)(?![\d-])"
        rf"|(?P<ymy>{_YEAR})-(?P<ymm>[1-9])(?![\d-])"
        rf"|(?<![\d.,/])(?P<sm>0?[1-9]|1[0-2])/(?P<smy>{_YEAR_SLASHED})(?![\d/])"
        rf"|(?P<y>{_YEAR})"
        rf"|(?P<lone>{_DAY})(?={_range_gap().pattern}\d{{1,2}}\s+{anycase})"
        rf"|(?P<bm>{month})"
        ")"
    )


@dataclass
class _Point:
    start: int
    end: int
    y: int | None
    m: int | None = None
    d: int | None = None
    kind: str = "date"
    span: tuple[str, str] | None = None  # quarters, halves, fiscal periods, parts of a year, decades

    def iso(self) -> str:
        if self.d and self.m:
            return f"{self.y:04d}-{self.m:02d}-{self.d:02d}"
        if self.m:
            return f"{self.y:04d}-{self.m:02d}"
        return f"{self.y:04d}"

    def key(self) -> tuple[int, int, int]:
        return (self.y or 0, self.m or 0, self.d or 0)

    def valid(self) -> bool:
        """On the calendar: "31 February 2025" is not a date (a year-less day is checked in a leap year)."""
        if not (self.m and self.d):
            return True
        try:
            date(self.y or 2024, self.m, self.d)
        except ValueError:
            return False
        return True


def month_numbers() -> dict[str, int]:
    """Month names and abbreviations -> month number: the one month table every rule in extract/ reads."""
    return load_rules(Common).months


@lru_cache(maxsize=1)
def _month_lower() -> dict[str, int]:
    return {k.lower(): v for k, v in month_numbers().items()}


def _month(name: str) -> int:
    return _month_lower()[name.rstrip(".").lower()]


def _day(text: str) -> int:
    m = re.match(r"\d+", text)
    if m is None:
        raise ValueError(f"no day number in {text!r}")
    return int(m.group())


def _month_span(y: int, m1: int, m2: int) -> tuple[str, str]:
    return f"{y:04d}-{m1:02d}", f"{y:04d}-{m2:02d}"


def _fiscal_span(first: int) -> tuple[str, str]:
    """The default convention's period starting in `first`: UN "2025/26" -> 2025-07-01 .. 2026-06-30."""
    conv = _fiscal().conventions[_fiscal().default]
    start = date(first, conv.start_month, conv.start_day)
    end = date(first + 1, conv.start_month, conv.start_day) - timedelta(days=1)
    return start.isoformat(), end.isoformat()


def _special(g: dict, s: int, e: int) -> _Point | None:
    """Points that cover a span: quarters, halves, fiscal periods, parts of a year, decades, Dec/2018."""
    if g["xd"]:
        return _Point(s, e, int(g["xy"]), _month(g["xm"]), _day(g["xd"]))
    if g["zm"]:
        return _Point(s, e, int(g["zy"]), _month(g["zm"]), kind="month")
    hq, hn, hy = (g["hq"], g["hn"], g["hy"]) if g["hq"] else (g["hq2"], g["hn2"], g["hy2"])
    if hq:
        y, n = int(hy), int(hn)
        if hq == "H" and n > 2:
            return None
        size = 3 if hq == "Q" else 6
        return _Point(s, e, y, kind="span", span=_month_span(y, size * (n - 1) + 1, size * n))
    if g["pn"]:
        y, n = int(g["py"]), _fiscal().ordinals[g["pn"].lower()]
        size = 3 if g["pu"].lower() == "quarter" else 6
        if g["pu"].lower() == "half":
            n = min(n, 2) if g["pn"].lower() != "last" else 2
        return _Point(s, e, y, kind="span", span=_month_span(y, size * (n - 1) + 1, size * n))
    if g["part"]:
        y = int(g["party"])
        m1, m2 = _fiscal().year_parts[g["part"].lower()]
        return _Point(s, e, y, kind="part", span=_month_span(y, m1, m2))
    if g["dec"]:
        y = int(g["dec"])
        return _Point(s, e, y, kind="span", span=(str(y), str(y + 9)))
    if g["fy"]:
        first = int(g["fy"])
        if first % 100 + 1 != int(g["fy2"]) % 100:
            return None
        return _Point(s, e, first, kind="fiscal", span=_fiscal_span(first))
    if g["ymy"]:
        return _Point(s, e, int(g["ymy"]), int(g["ymm"]), kind="month")
    if g["sm"]:
        return _Point(s, e, int(g["smy"]), int(g["sm"]), kind="month_slash")
    return None


def _points(text: str) -> list[_Point]:
    """Every date point; year lists already split, lone days kept for the interval pass."""
    out: list[_Point] = []
    for m in _point_re().finditer(text):
        g = m.groupdict()
        s, e = m.start(), m.end()
        if any(g[k] for k in ("xd", "zm", "hq", "hq2", "pn", "part", "dec", "fy", "ymy", "sm")):
            p = _special(g, s, e)
            if p is not None and p.valid():
                out.append(p)
        elif g["iy"]:
            out.append(_Point(s, e, int(g["iy"]), int(g["im"]), int(g["id"])))
        elif g["ny"]:
            a, b = int(g["nd"]), int(g["nm"])
            day, mon = (b, a) if b > 12 else (a, b)  # day-first unless the second part cannot be a month
            if 1 <= mon <= 12 and 1 <= day <= 31:
                out.append(_Point(s, e, int(g["ny"]), mon, day))
        elif g["dd"]:
            out.append(_Point(s, e, int(g["dy"]) if g["dy"] else None, _month(g["dm"]), _day(g["dd"])))
        elif g["mm"]:
            out.append(_Point(s, e, int(g["my"]), _month(g["mm"]), _day(g["md"])))
        elif g["ym"]:
            out.append(_Point(s, e, int(g["yy"]), _month(g["ym"]), kind="month"))
        elif g["ly"]:
            for year in re.finditer(r"(?:19|20)\d\d", text[s:e]):
                out.append(_Point(s + year.start(), s + year.end(), int(year.group()), kind="year_list"))
        elif g["sy"]:
            first = int(g["sy"])
            second = first // 100 * 100 + int(g["sy2"])
            if second > first:
                out.append(_Point(s, s + 4, first, kind="year"))
                out.append(_Point(e - 2, e, second, kind="year_short"))
            elif 1 <= int(g["sy2"]) <= 12 and text[s + 4] == "-":  # "2014-10": a month
                out.append(_Point(s, e, first, int(g["sy2"]), kind="month"))
        elif g["y"]:
            out.append(_Point(s, e, int(g["y"]), kind="year"))
        elif g["lone"]:
            out.append(_Point(s, e, None, None, _day(g["lone"]), kind="lone_day"))
        elif g["bm"]:
            out.append(_Point(s, e, None, _month(g["bm"]), kind="bare_month"))
    return [p for p in out if p.valid()]


def _word_before(text: str, pos: int) -> str:
    m = re.search(r"(\S+)\s*$", text[max(0, pos - 40) : pos])
    return m.group(1).lower().lstrip("([{\"'“‘") if m else ""


def _is_identifier_year(text: str, p: _Point, money: list[tuple[int, int]]) -> bool:
    """A 4-digit number that is a symbol, a quantity, part of an amount, or follows "Resolution"."""
    cues = _cues()
    if any(s <= p.start < e for s, e in money):
        return True
    if _word_before(text, p.start) in cues.year_blockers:
        return True
    before, after = text[max(0, p.start - 2) : p.start], text[p.end : p.end + 30]
    if re.search(r"[A-Za-z0-9]$|\d[ \u00a0]$|[/#№]$", before):
        return True
    if re.match(r"[ \u00a0]\d{3}(?!\d)|[.,]\d|/\d", after):
        return True
    low = after.lower().lstrip()
    return any(low.startswith(u) and pat.match(low) for u, pat in _unit_after_res())


@lru_cache(maxsize=1)
def _unit_after_res() -> list[tuple[str, re.Pattern[str]]]:
    """A unit word right after a number ("2025 tonnes"), each compiled once."""
    return [(u, re.compile(rf"{re.escape(u)}(?![a-z])")) for u in _cues().year_unit_after]


def _bare_month_ok(text: str, p: _Point) -> bool:
    """ "in July" is a date; "May" alone is usually the verb, so bare months need a preposition."""
    before = re.sub(r"\s+", " ", text[max(0, p.start - 16) : p.start].lower())
    return any(before.endswith(f"{prep} ") or before.endswith(prep) and prep.endswith("-")
               for prep in _cues().bare_month_preps)


def _join(text: str, pts: list[_Point]) -> list[tuple[_Point, _Point | None]]:
    """Pair points linked by a dash or "to" into intervals; "and" only after "between"."""
    out: list[tuple[_Point, _Point | None]] = []
    i = 0
    while i < len(pts):
        a = pts[i]
        b = pts[i + 1] if i + 1 < len(pts) else None
        if b is not None and a.kind != "year_list" and b.kind != "year_list":
            gap = text[a.end : b.start]
            linked = _range_gap().fullmatch(gap) is not None
            if linked and gap.strip() == "and":
                # "between 4 and 9 May"; "15 and 16 June 2024": two consecutive days are one event
                linked = _word_before(text, a.start) in _cues().range_and_after or (
                    a.kind == "lone_day" and b.d is not None and a.d is not None and b.d == a.d + 1
                )
            if linked and _compatible(a, b):
                out.append((a, b))
                i += 2
                continue
        if a.kind == "lone_day" and b is not None and b.m and b.d and re.fullmatch(r"\s*(?:,|and|&)\s*",
                                                                                  text[a.end : b.start]):
            a.m, a.y, a.kind = b.m, b.y, "date"  # "4 and 11 November": two dates
        if a.kind not in ("lone_day", "year_short"):
            out.append((a, None))
        i += 1
    return out


def _compatible(a: _Point, b: _Point) -> bool:
    """Fill the left point's missing parts from the right one, and keep the pair only if it is ordered."""
    if a.span or b.span:
        return False
    if a.kind == "lone_day":
        if b.d is None or b.m is None:
            return False
        a.m, a.y = b.m, b.y
    if a.kind == "bare_month" and b.m is not None and b.y is not None:
        a.y = b.y
    if a.m and a.d and a.y is None and b.y is not None:
        a.y = b.y
    if a.y is None or b.y is None:
        return False
    if (a.m is None) != (b.m is None) and a.kind in ("year",) and b.kind not in ("year", "year_short"):
        return False
    return a.key() < b.key()


@lru_cache(maxsize=1)
def _prefix_re() -> tuple[re.Pattern[str], re.Pattern[str]]:
    cues = _cues()

    def alt(items: list[str]) -> str:
        return "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))

    lead = rf"(?:(?:{alt(cues.since_lead)})\s*)?"
    return (
        re.compile(rf"(?<![a-z])(?:{alt(cues.as_of)})\s+{lead}$"),
        re.compile(rf"(?<![a-z])(?:{alt(cues.since)})\s+{lead}$"),
    )


def _prefix_kind(text: str, start: int) -> DateKind | None:
    """ "as of 31 December 2025" -> as_of, "since the beginning of 2026" -> since."""
    before = re.sub(r"\s+", " ", text[max(0, start - 40) : start].lower())
    as_of, since = _prefix_re()
    if as_of.search(before):
        return "as_of"
    if since.search(before):
        return "since"
    return None


def _resolve_year(p: _Point, prev_year: int | None, ref_year: int | None) -> bool:
    if p.y is None:
        p.y = prev_year or ref_year
    return p.y is not None


def find_dates(text: str, reference: str | None = None) -> list[DateMention]:
    """Every date in `text`, in order. `reference` (ISO date or year: the document date) dates
    year-less mentions ("in July") when no earlier date in the text gives the year."""
    return [d.model_copy() for d in _dates_in(text, reference)]


def dates_in(text: str, reference: str | None = None) -> tuple[DateMention, ...]:
    """find_dates' mentions without the copies, for callers that only read them (or copy them with their
    own fields, as the document's date list does). Do not mutate."""
    return _dates_in(text, reference)


@lru_cache(maxsize=4096)
def _dates_in(text: str, reference: str | None) -> tuple[DateMention, ...]:
    """Cached: a block's dates are asked for by its figures (and their parse plan) and again by the
    document's date list. 4096 texts (about 18 MB of mentions): a 300-page report's blocks mostly fit."""
    ref_year = int(reference[:4]) if reference and reference[:4].isdigit() else None
    money = [(m.start, m.end) for m in money_in(text)]
    pts = []
    for p in _points(text):
        if p.kind == "year" and _is_identifier_year(text, p, money):
            continue
        if p.kind == "month_slash":  # "2/2013" is a month unless it is a symbol ("resolution 2/2013")
            blocked = _word_before(text, p.start) in _cues().year_blockers
            if blocked or re.search(r"[A-Za-z/]$", text[: p.start]):
                continue
            p.kind = "month"
        if p.kind == "year_list" and any(s <= p.start < e for s, e in money):
            continue
        pts.append(p)
    out: list[DateMention] = []
    prev_year: int | None = None
    for a, b in _join(text, pts):
        if b is None and a.kind == "bare_month" and not _bare_month_ok(text, a):
            continue
        if not _resolve_year(a, prev_year, ref_year):
            continue
        prefix = _prefix_kind(text, a.start)
        if not a.valid():
            continue
        kind: DateKind
        if b is not None:
            value, kind = f"{a.iso()}/{b.iso()}", "interval"
            end, prev_year = b.end, b.y
        elif a.span and prefix:
            value, kind, end, prev_year = str(a.y), "year", a.end, a.y  # "since mid-2022": the year
        else:
            value, kind, end = _single(a), _kind(a), a.end
            prev_year = a.y
        out.append(
            DateMention(start=a.start, end=end, text=text[a.start : end], value=value, kind=prefix or kind)
        )
    return tuple(out)


def _single(p: _Point) -> str:
    if p.span:
        return p.span[0] if p.span[0] == p.span[1] else f"{p.span[0]}/{p.span[1]}"
    return p.iso()


def _kind(p: _Point) -> DateKind:
    if p.kind == "year_list":
        return "year_list"
    if p.kind == "fiscal":
        return "fiscal_period"
    if p.span:
        return "month" if p.span[0] == p.span[1] else "interval"
    if p.d:
        return "date"
    return "month" if p.m else "year"
