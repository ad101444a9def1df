"""Classification: kind, own symbol (never a cited one), edition year, date, resolution, RDNA edition."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.classify import classify, content_year, header_date, iso_date
from extract.pipeline import parse
from schemas.models import Block, Document, Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def _doc(name: str, fmt: str) -> Document:
    path = CORPUS / f"{name}.{fmt}"
    if not path.exists():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return classify(parse(path.read_bytes(), str(path), Limits()))


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_resolution_kind(fmt):
    doc = _doc("res1408", fmt)
    assert doc.kind == "resolution"
    assert doc.resolution == "1408" and doc.symbol == "Resolution 1408"  # as ITU cites it
    assert doc.title and doc.title.startswith("Assistance and support to Ukraine")
    assert doc.title.endswith("telecommunication sector")


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_report_with_header(fmt):
    doc = _doc("c26-res1408-report", fmt)
    assert doc.kind == "report"
    assert (doc.symbol, doc.year, doc.date) == ("C26/27", 2026, "2026-03-27")
    assert (doc.resolution, doc.resolution_version) == ("1408", "Mod. 2023")
    assert doc.title and "UKRAINE" in doc.title.upper()


def test_report_txt_has_no_own_symbol_but_a_content_year():
    doc = _doc("c26-res1408-report", "txt")
    assert doc.kind == "report"
    assert doc.symbol is None  # "Document C23/59" in References is cited, not its own
    assert doc.year == 2026
    assert (doc.resolution, doc.resolution_version) == ("1408", "Mod. 2023")
    assert doc.title and doc.title.lower().startswith("assistance and support")
    assert doc.edition is None and doc.cutoff is None


def _synthetic(texts: list[str], header: str | None = None) -> Document:
    blocks = [Block(id=f"p{i:04d}", kind="paragraph", text=t) for i, t in enumerate(texts)]
    return Document(path="s.txt", sha256="0", format="txt", blocks=blocks, header_text=header)


def test_assessment_rdna_synthetic():
    doc = classify(
        _synthetic(
            [
                "Ukraine Rapid Damage and Needs Assessment",
                "February 2025 – RDNA4",
                "The figures in this edition are current as of 31 December 2024 unless stated.",
                "Damage in the energy sector is reported in chapter 5.",
            ]
        )
    )
    assert doc.kind == "assessment"
    assert doc.edition == 4
    assert doc.cutoff == "2024-12-31"
    assert doc.title == "Ukraine Rapid Damage and Needs Assessment"
    assert (doc.date, doc.year) == ("2025-02", 2025)


def test_assessment_ordinal_edition():
    doc = classify(_synthetic(["Ukraine", "Fifth Rapid Damage and Needs Assessment", "March 2026"]))
    assert (doc.kind, doc.edition, doc.year) == ("assessment", 5, 2026)


def test_cited_symbol_is_not_own_and_summary_box_means_report():
    doc = classify(
        _synthetic(
            [
                "Purpose",
                "To inform the members about progress.",
                "Action required",
                "None.",
                "References: Document C24/10; Council Resolution 77 (Rev. 2019)",
                "In May 2024 a mission took place. A workshop will take place in October 2025.",
            ]
        )
    )
    assert doc.kind == "report" and doc.symbol is None
    assert (doc.resolution, doc.resolution_version) == ("77", "Rev. 2019")
    assert doc.year == 2024  # the October 2025 workshop is a plan, not a reported event


def test_header_symbol_and_date_skip_meeting_range():
    header = "Council 2030\nGeneva, 2 - 9 June 2030\nDocument C30/5-E\n14 April 2030\nOriginal: English"
    doc = classify(_synthetic(["Report by the Secretary-General", "1 Introduction"], header=header))
    assert (doc.kind, doc.symbol, doc.year, doc.date) == ("report", "C30/5", 2030, "2030-04-14")
    assert header_date("Geneva, 28 April - 8 May 2026") is None


def test_date_helpers_and_content_year_rule():
    assert iso_date("issued 3 July 2025 in Geneva") == "2025-07-03"
    assert iso_date("March 2026") == "2026-03"
    assert iso_date("no date here") is None
    blocks = _synthetic(
        [
            "Activities since 2021 continued. In November 2025 a training was held.",
            "The next forum is planned for June 2027.",
            "Needs over 2026-2036 are large.",
        ]
    ).blocks
    assert content_year(blocks) == 2025
    assert content_year(_synthetic(["Funds in 2022 and 2023.", "Also 2023 again."]).blocks) == 2023


def test_plain_other_document():
    doc = classify(_synthetic(["Minutes of a meeting", "Nothing about assessments here."]))
    assert doc.kind == "other" and doc.resolution is None


def test_header_dates_read_the_same_month_table_as_the_date_extractor() -> None:
    """Abbreviated months ("Dec", "Sept") are dates for classification too, not only for `dates`."""
    assert iso_date("figures as of 31 Dec 2024") == "2024-12-31"
    assert iso_date("Sept 2025") == "2025-09"
