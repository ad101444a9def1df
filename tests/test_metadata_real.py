"""Metadata of every real UN file (../shared/corpus/real): kind, own symbol, year and date, title.

Expected values were read on page 1 of each PDF (pypdfium2 text) and in the Word files' headers: the symbol
after "United Nations", the adoption date of a resolution ("Resolution adopted by the General Assembly on
..."), the "Distr.: General" date of a report or budget section, the title after "80/NNN." or, for a budget
section, the title block with its own section line. Checked on today's parser output and on the same blocks
as a furniture-stripping reader gives them (tests/realdocs.py).
"""

from __future__ import annotations

import pytest
from realdocs import parsed, stripped

from extract.classify import classify
from extract.front_matter import find_symbols
from schemas.models import Block, Document

# (file, kind, symbol, date (adoption for resolutions, issue for reports), title); year = date[:4]
EXPECTED = [
    (
        "A_80_6_Sect25_advance.docx",
        "report",
        "A/80/6 (Sect. 25)",
        "2025-03-12",
        (
            "Proposed programme budget for 2026, Section 25 International protection, durable solutions "
            "and assistance to refugees"
        ),
    ),
    (
        "A_80_6_Sect4.pdf",
        "report",
        "A/80/6 (Sect. 4)",
        "2025-04-21",
        "Proposed programme budget for 2026, Section 4 Disarmament",
    ),
    (
        "A_80_6_Sect4_advance.docx",
        "report",
        "A/80/6 (Sect. 4)",
        "2025-04-21",
        "Proposed programme budget for 2026, Section 4 Disarmament",
    ),
    (
        "A_80_6_Sect5.pdf",
        "report",
        "A/80/6 (Sect. 5)",
        "2025-04-30",
        "Proposed programme budget for 2026, Section 5 Peacekeeping operations",
    ),
    (
        "A_80_6_Sect5_advance.docx",
        "report",
        "A/80/6 (Sect. 5)",
        "2025-04-30",
        "Proposed programme budget for 2026, Section 5 Peacekeeping operations",
    ),
    (
        "A_80_6_Sect6_advance.docx",
        "report",
        "A/80/6 (Sect. 6)",
        "2025-03-19",
        "Proposed programme budget for 2026, Section 6 Peaceful uses of outer space",
    ),
    (
        "A_RES_80_101.pdf",
        "resolution",
        "A/RES/80/101",
        "2025-12-05",
        "Question of Tokelau",
    ),
    (
        "A_RES_80_104.pdf",
        "resolution",
        "A/RES/80/104",
        "2025-12-05",
        "Dissemination of information on decolonization",
    ),
    (
        "A_RES_80_110.pdf",
        "resolution",
        "A/RES/80/110",
        "2025-12-09",
        "Oceans and the law of the sea",
    ),
    (
        "A_RES_80_129.pdf",
        "resolution",
        "A/RES/80/129",
        "2025-12-15",
        (
            "Follow-up to and implementation of the outcomes of the International Conferences on "
            "Financing for Development"
        ),
    ),
    (
        "A_RES_80_132.pdf",
        "resolution",
        "A/RES/80/132",
        "2025-12-15",
        "United Nations Decade of Sustainable Transport 2026–2035",
    ),
    (
        "A_RES_80_138.pdf",
        "resolution",
        "A/RES/80/138",
        "2025-12-15",
        "Protection of global climate for present and future generations of humankind",
    ),
    (
        "A_RES_80_15.pdf",
        "resolution",
        "A/RES/80/15",
        "2025-12-01",
        (
            "Treaty for the Prohibition of Nuclear Weapons in Latin America and the Caribbean (Treaty "
            "of Tlatelolco)"
        ),
    ),
    (
        "A_RES_80_154.pdf",
        "resolution",
        "A/RES/80/154",
        "2025-12-15",
        "Eradicating rural poverty to implement the 2030 Agenda for Sustainable Development",
    ),
    (
        "A_RES_80_161.pdf",
        "resolution",
        "A/RES/80/161",
        "2025-12-15",
        (
            "Report of the United Nations Commission on International Trade Law on the work of its "
            "fifty-eighth session"
        ),
    ),
    (
        "A_RES_80_183.pdf",
        "resolution",
        "A/RES/80/183",
        "2025-12-18",
        "Follow-up to the thirtieth anniversary of the International Year of the Family and beyond",
    ),
    (
        "A_RES_80_184.pdf",
        "resolution",
        "A/RES/80/184",
        "2025-12-15",
        "Improvement of the situation of women and girls in rural areas",
    ),
    (
        "A_RES_80_185.pdf",
        "resolution",
        "A/RES/80/185",
        "2025-12-15",
        "Violence against women migrant workers",
    ),
    (
        "A_RES_80_188.pdf",
        "resolution",
        "A/RES/80/188",
        "2025-12-15",
        "Assistance to refugees, returnees and displaced persons in Africa",
    ),
    (
        "A_RES_80_189.pdf",
        "resolution",
        "A/RES/80/189",
        "2025-12-15",
        "Report of the Human Rights Council",
    ),
    (
        "A_RES_80_19.pdf",
        "resolution",
        "A/RES/80/19",
        "2025-12-01",
        "Prevention of an arms race in outer space",
    ),
    (
        "A_RES_80_191.pdf",
        "resolution",
        "A/RES/80/191",
        "2025-12-15",
        "Rights of Indigenous Peoples",
    ),
    (
        "A_RES_80_196.pdf",
        "resolution",
        "A/RES/80/196",
        "2025-12-18",
        "Universal realization of the right of peoples to self-determination",
    ),
    (
        "A_RES_80_202.pdf",
        "resolution",
        "A/RES/80/202",
        "2025-12-18",
        "Freedom of religion or belief",
    ),
    (
        "A_RES_80_220.pdf",
        "resolution",
        "A/RES/80/220",
        "2025-12-18",
        "Situation of human rights in the Democratic People’s Republic of Korea",
    ),
    (
        "A_RES_80_221.pdf",
        "resolution",
        "A/RES/80/221",
        "2025-12-18",
        "Situation of human rights of Rohingya Muslims and other minorities in Myanmar",
    ),
    (
        "A_RES_80_223.pdf",
        "resolution",
        "A/RES/80/223",
        "2025-12-18",
        (
            "Situation of human rights in the temporarily occupied territories of Ukraine, including "
            "the Autonomous Republic of Crimea and the city of Sevastopol"
        ),
    ),
    (
        "A_RES_80_225.pdf",
        "resolution",
        "A/RES/80/225",
        "2025-12-18",
        (
            "Follow-up to the Fourteenth United Nations Congress on Crime Prevention and Criminal "
            "Justice and preparations for the Fifteenth United Nations Congress on Crime Prevention and "
            "Criminal Justice"
        ),
    ),
    (
        "A_RES_80_229.pdf",
        "resolution",
        "A/RES/80/229",
        "2025-12-18",
        (
            "Strengthening the United Nations crime prevention and criminal justice programme, in "
            "particular its technical cooperation capacity"
        ),
    ),
    (
        "A_RES_80_242.pdf",
        "resolution",
        "A/RES/80/242",
        "2025-12-30",
        "Questions relating to the proposed programme budget for 2026",
    ),
    (
        "A_RES_80_243.pdf",
        "resolution",
        "A/RES/80/243",
        "2025-12-30",
        "Special subjects relating to the proposed programme budget for 2026",
    ),
    (
        "A_RES_80_42.pdf",
        "resolution",
        "A/RES/80/42",
        "2025-12-01",
        "Confidence-building measures in the regional and subregional context",
    ),
    (
        "A_RES_80_54.pdf",
        "resolution",
        "A/RES/80/54",
        "2025-12-01",
        "Treaty on the Prohibition of Nuclear Weapons",
    ),
    (
        "A_RES_80_73.pdf",
        "resolution",
        "A/RES/80/73",
        "2025-12-02",
        "The Syrian Golan",
    ),
    (
        "A_RES_80_78.pdf",
        "resolution",
        "A/RES/80/78",
        "2025-12-05",
        "Assistance to Palestine refugees",
    ),
    (
        "A_RES_80_88.pdf",
        "resolution",
        "A/RES/80/88",
        "2025-12-05",
        (
            "Offers by Member States of study and training facilities for inhabitants of "
            "Non-Self-Governing Territories"
        ),
    ),
]


def _check(doc: Document, kind: str, symbol: str, date: str, title: str) -> None:
    assert (doc.kind, doc.symbol, doc.date, doc.title) == (kind, symbol, date, title)
    assert doc.year == int(date[:4])
    assert doc.draft is False
    if kind == "resolution":
        assert doc.resolution == symbol  # clause ids and audit links are built on it
    assert "(E)" not in (doc.title or "") and not (doc.title or "")[:2].isdigit()


@pytest.mark.parametrize(("name", "kind", "symbol", "date", "title"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_real_metadata(name, kind, symbol, date, title):
    _check(parsed(name), kind, symbol, date, title)


@pytest.mark.parametrize(("name", "kind", "symbol", "date", "title"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_real_metadata_furniture_stripped(name, kind, symbol, date, title):
    _check(stripped(name), kind, symbol, date, title)


def _synthetic(lines: list[str], header: str | None = None) -> Document:
    blocks = [Block(id=f"p{i:04d}", kind="paragraph", text=t, page=1) for i, t in enumerate(lines)]
    return Document(path="s.pdf", sha256="0", format="pdf", pages=1, blocks=blocks, header_text=header)


def test_symbol_forms():
    found = [
        s
        for _, _, s in find_symbols(
            "A/80/6 (Sect. 3)/Add.1; S/RES/2231 (2015); A/C.5/78/34. E/2025/12 and A/80/L.12, A/RES/78/316."
        )
    ]
    assert found == [
        "A/80/6 (Sect. 3)/Add.1",
        "S/RES/2231 (2015)",
        "A/C.5/78/34",
        "E/2025/12",
        "A/80/L.12",
        "A/RES/78/316",
    ]


def test_draft_resolution_is_a_resolution_with_draft_flag():
    doc = classify(
        _synthetic(
            [
                "United Nations A/80/L.12",
                "General Assembly Distr.: Limited 3 November 2025",
                "Eightieth session",
                "Agenda item 12",
                "Sample agenda title",
                "Sampleland and Otherland: draft resolution",
                "Sample programme for testing",
                "The General Assembly,",
                "Recalling its resolution 79/1 of 1 January 2025,",
                "1. Requests the Secretary-General to report in 2027;",
            ]
        )
    )
    assert (doc.kind, doc.draft, doc.symbol, doc.date, doc.year) == (
        "resolution",
        True,
        "A/80/L.12",
        "2025-11-03",
        2025,
    )
    assert doc.title == "Sample programme for testing"


def test_security_council_resolution():
    doc = classify(
        _synthetic(
            [
                "United Nations S/RES/2231 (2015)",
                "Security Council Distr.: General 21 July 2015",
                "Resolution 2231 (2015)",
                "Adopted by the Security Council at its 7488th meeting, on 20 July 2015",
                "The Security Council,",
                "Recalling the statement of its President,",
                "1. Endorses the plan;",
            ]
        )
    )
    assert (doc.kind, doc.symbol, doc.date, doc.year, doc.draft) == (
        "resolution",
        "S/RES/2231 (2015)",
        "2015-07-20",
        2015,
        False,
    )


def test_report_year_is_the_issue_date_not_a_body_date_and_cited_symbols_are_not_own():
    doc = classify(
        _synthetic(
            [
                "Seventy-eighth session",
                "Fifth Committee",
                "Agenda item 140",
                "Proposed programme budget for 2024",
                "Sample revised estimates",
                "Report of the Secretary-General",
                "[on the report of the Fifth Committee (A/78/999, para. 2)]",
                "The mandate of the sample office runs until 31 December 2032, as set out in A/78/555, and "
                "the present report describes the arrangements requested by the Assembly for that period.",
            ],
            header="United Nations A/C.5/78/34\nGeneral Assembly Distr.: General\n2 May 2024\nOriginal: E",
        )
    )
    assert (doc.kind, doc.symbol, doc.date, doc.year) == ("report", "A/C.5/78/34", "2024-05-02", 2024)
    assert doc.title == "Sample revised estimates"
    assert doc.draft is False and doc.resolution is None


def test_title_without_title_block_is_never_the_print_job_line():
    blocks = [
        Block(id="p0", kind="heading", text="24-09482 (E) 140824", page=1),
        Block(id="p1", kind="heading", text="*2409482*", page=1),
        Block(id="p2", kind="heading", text="Sample arrangements for the sample office", page=1),
        Block(id="p3", kind="paragraph", text="The present note describes the arrangements.", page=1),
    ]
    header = "United Nations A/79/999\nGeneral Assembly Distr.: General\n14 August 2024"
    doc = classify(
        Document(path="n.pdf", sha256="0", format="pdf", pages=1, blocks=blocks, header_text=header)
    )
    assert (doc.kind, doc.symbol, doc.year) == ("report", "A/79/999", 2024)
    assert doc.title == "Sample arrangements for the sample office"
