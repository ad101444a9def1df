"""find_dates on synthetic sentences (every form and exclusion) and on the real report's labels."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from extract.dates import find_dates

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parents[0].parent / "shared" / "corpus"


def scorer():
    spec = importlib.util.spec_from_file_location("scoring", HERE / "labels" / "scoring.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


def values(text: str, reference: str | None = None) -> list[tuple[str, str]]:
    return [(d.value, d.kind) for d in find_dates(text, reference)]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("released on 23 February 2026.", "2026-02-23", "date"),
        ("released on February 23, 2026.", "2026-02-23", "date"),
        ("released on 23.02.2026.", "2026-02-23", "date"),
        ("released on 2026-02-23.", "2026-02-23", "date"),
        ("released on 1st of March 2026", "2026-03-01", "date"),
        ("held in March 2026 in Geneva", "2026-03", "month"),
        ("held in Sept. 2025", "2025-09", "month"),
        ("held in 2024 in Geneva", "2024", "year"),
        ("the 2026 forum", "2026", "year"),
        ("Q3 2025", "2025-07/2025-09", "interval"),
    ],
)
def test_points(text: str, value: str, kind: str) -> None:
    assert values(text) == [(value, kind)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a conference (4-5 November 2025)", "2025-11-04/2025-11-05"),
        ("a mission 28 April - 8 May 2026", "2026-04-28/2026-05-08"),
        ("over 2026-2036", "2026/2036"),
        ("the framework 2025–2029", "2025/2029"),
        ("over 2026\u2011\u20112036", "2026/2036"),
        ("over 2026-\u20112036", "2026/2036"),
        ("over 2026—2036", "2026/2036"),
        ("from June 2025 to March 2026", "2025-06/2026-03"),
        ("between 2022 and 2025", "2022/2025"),
        ("during June-July 2025", "2025-06/2025-07"),
        ("the 2025-26 season", "2025/2026"),
    ],
)
def test_intervals(text: str, value: str) -> None:
    assert values(text) == [(value, "interval")]


def test_year_list_gives_one_mention_per_year_with_its_own_span() -> None:
    text = "Czechia (CHF 57 000; 2023/2024/2025)"
    found = find_dates(text)
    assert [(d.value, d.kind) for d in found] == [(y, "year_list") for y in ("2023", "2024", "2025")]
    assert [text[d.start : d.end] for d in found] == ["2023", "2024", "2025"]


@pytest.mark.parametrize(
    ("text", "value", "kind"),
    [
        ("damage as of 31 December 2025 is", "2025-12-31", "as_of"),
        ("As at June 2025, the total", "2025-06", "as_of"),
        ("since 2022 the fund", "2022", "since"),
        ("Since the beginning of 2026, ITU", "2026", "since"),
        ("ever since mid-2022", "2022", "since"),
    ],
)
def test_as_of_and_since(text: str, value: str, kind: str) -> None:
    assert values(text) == [(value, kind)]


def test_month_without_year_takes_the_preceding_date_then_the_reference() -> None:
    found = values("The 2027 meeting will be held in July.", "2026")
    assert found == [("2027", "year"), ("2027-07", "month")]
    assert values("It will be held in July.", "2026-03-01") == [("2026-07", "month")]
    assert values("on 24 March the plan", "2026") == [("2026-03-24", "date")]
    assert values("It will be held in July.") == []  # no year anywhere: not a date


@pytest.mark.parametrize(
    "text",
    [
        "Council Resolution 1408 (Mod. 2023); Document C23/59",
        "Resolution 34 and Resolution 2024 and Decision 2019",
        "the 5G roll-out",
        "CHF 2 000 and USD 2025 million and 2021 %",
        "some 2000 stakeholders and 2050 base stations",
        "it may rain",
        "the WTDC-21 and PP-22",
        "see document 2025/45",
        "a value of 2024.5 units",
    ],
)
def test_no_dates(text: str) -> None:
    assert values(text, "2026") == []


def test_report_dates_f1(corpus_dir: Path) -> None:
    gold = json.loads((HERE / "labels" / "c26_report_dates.json").read_text(encoding="utf-8"))
    text = (corpus_dir / "c26-res1408-report.txt").read_text(encoding="utf-8")
    found = find_dates(text, "2026")
    result = scorer()(found, gold)
    assert result["f1"] >= 0.90, result


# -- issue 12: every phrasing listed, validated against the calendar, UN fiscal periods --------------------
@pytest.mark.parametrize(
    ("text", "written", "value", "kind"),
    [
        ("in the second quarter of 2025", "second quarter of 2025", "2025-04/2025-06", "interval"),
        ("in the first half of 2025", "first half of 2025", "2025-01/2025-06", "interval"),
        ("results for Q1 2019", "Q1 2019", "2019-01/2019-03", "interval"),
        ("the 2019-H2 report", "2019-H2", "2019-07/2019-12", "interval"),
        ("since april 2017 we", "april 2017", "2017-04", "since"),
        ("in april 2017 we", "april 2017", "2017-04", "month"),
        ("on 14 nov 2023 we", "14 nov 2023", "2023-11-14", "date"),
        ("on Dec. 31, 1994 the", "Dec. 31, 1994", "1994-12-31", "date"),
        ("released 2015-3 and", "2015-3", "2015-03", "month"),
        ("valid from 2/2013 on", "2/2013", "2013-02", "month"),
        ("the 2014-10 edition", "2014-10", "2014-10", "month"),
        ("in Dec/2018 the", "Dec/2018", "2018-12", "month"),
        ("on 23/Sep/2020 the", "23/Sep/2020", "2020-09-23", "date"),
        ("by mid-2026 the", "mid-2026", "2026-06/2026-07", "interval"),
        ("until end-2025 the", "end-2025", "2025-12", "month"),
        ("held on 4 and 5 November 2025", "4 and 5 November 2025", "2025-11-04/2025-11-05", "interval"),
        ("held on 15 and 16 June 2024", "15 and 16 June 2024", "2024-06-15/2024-06-16", "interval"),
        ("in the 1990s the", "1990s", "1990/1999", "interval"),
        ("for 2025/26 the", "2025/26", "2025-07-01/2026-06-30", "fiscal_period"),
        ("the 2026/27 budget period", "2026/27", "2026-07-01/2027-06-30", "fiscal_period"),
        (
            "for the period from 1 July 2024 to 30 June 2025",
            "1 July 2024 to 30 June 2025",
            "2024-07-01/2025-06-30",
            "interval",
        ),
    ],
)
def test_issue12_phrasings(text: str, written: str, value: str, kind: str) -> None:
    found = find_dates(text)
    assert [(d.text, d.value, d.kind) for d in found] == [(written, value, kind)]


@pytest.mark.parametrize("text", ["on 31 February 2025", "on 30 Feb 2023", "by 2025-02-30", "on 31/04/2024"])
def test_dates_off_the_calendar_are_not_dates(text: str) -> None:
    assert [d.value for d in find_dates(text) if d.kind == "date"] == []


def test_two_days_joined_by_and_that_are_not_consecutive_are_two_dates() -> None:
    found = find_dates("meetings on 4 and 11 November 2025")
    assert [d.value for d in found] == ["2025-11-04", "2025-11-11"]


def test_symbols_with_a_slash_are_not_months() -> None:
    assert find_dates("resolution 2/2013 and A/RES/3/2014") == []
