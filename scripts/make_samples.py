"""Write the sample corpus that ships in examples/: a resolution, three report editions and an RDNA excerpt.

Every sentence is the project's own (the facts follow public reporting on Resolution 1408); the layout
imitates ITU Word documents and their PDF prints so the parsers meet the same traps as on real files:
a first-page header table, a summary box table, manually numbered headings, literal dash items, Word
auto-numbered lists whose numbers are not in the text, running headers and page numbers in the PDF.
Output is deterministic (fixed dates, fixed zip timestamps, reportlab invariant mode).

Usage: python scripts/make_samples.py [OUT_DIR]   (default: examples/)
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

# --------------------------------------------------------------------------- document vocabulary


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    indent_cm: float = 0.0
    align: str = "left"  # left | center | right
    size: float | None = None
    space_before: float = 0.0
    keep_with_next: bool = False  # call phrases ("invites Member States") never end a page


@dataclass(frozen=True)
class Heading:
    number: str | None  # typed by hand before a TAB, as ITU reports do
    title: str
    level: int = 1


@dataclass(frozen=True)
class Dash:
    """A literal "–<TAB>text" item: the dash is in the paragraph text, not in a numbering definition."""

    text: str


@dataclass(frozen=True)
class Bullet:
    """A Word auto-numbered bullet (List Bullet style): the bullet is not in the text."""

    text: str


@dataclass(frozen=True)
class AutoNum:
    """A Word auto-numbered decimal item ("%1."): the number is not in the text."""

    text: str


@dataclass(frozen=True)
class HeaderTable:
    session: str
    place_dates: str
    agenda: str
    symbol: str  # "C25/27-E"
    date: str  # "14 April 2025"
    author: str = "Report by the Secretary-General"


@dataclass(frozen=True)
class SummaryBox:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DataTable:
    caption: str
    note: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Element = Para | Heading | Dash | Bullet | AutoNum | HeaderTable | SummaryBox | DataTable


@dataclass(frozen=True)
class Sample:
    stem: str
    title: str
    subject: str
    running_header: str
    created: dt.datetime
    elements: tuple[Element, ...]
    page_label: str = "- {n} -"


# --------------------------------------------------------------------------- shared helpers

_AMOUNT = re.compile(r"\b(CHF|USD|EUR) (\d{1,3}(?: \d{3})+|\d+)")


def nbsp_amounts(text: str) -> str:
    """Put no-break spaces inside amounts ("CHF 85 000") as Word users type them."""
    return _AMOUNT.sub(lambda m: m.group(0).replace(" ", "\u00a0"), text)


# --------------------------------------------------------------------------- the resolution


def resolution() -> Sample:
    i = 0.99  # indent (cm) of the italic call phrases, as in ITU Council resolutions
    els: list[Element] = [
        Para("RESOLUTION 1408 (Mod. 2023)", bold=True, align="center", size=14),
        Para("(adopted at the seventh Plenary Meeting)", italic=True, align="center"),
        Para(
            "Assistance and support to Ukraine for rebuilding their telecommunication sector",
            bold=True,
            align="center",
            space_before=6,
        ),
        Para("The ITU Council,", space_before=12),
        Para("recalling", italic=True, indent_cm=i, keep_with_next=True),
        Para(
            "a) the principles and aims set out in the Charter of the United Nations, the Universal "
            "Declaration of Human Rights and the Geneva Declaration of Principles of the World Summit on "
            "the Information Society;"
        ),
        Para("b) the work of the United Nations system in favour of sustainable development for all;"),
        Para("c) Article 1 of the ITU Constitution, which sets out the purposes of the Union,"),
        Para("recalling further", italic=True, indent_cm=i, keep_with_next=True),
        Para(
            "a) Resolution A/RES/ES-11/1, adopted by the United Nations General Assembly on 2 March 2022, "
            "which condemns the aggression against Ukraine as a breach of Article 2 (4) of the Charter "
            "and calls on international organizations to help reduce the tension;"
        ),
        Para(
            "b) Resolution 34 (Rev. Dubai, 2018) of the Plenipotentiary Conference, on help to countries "
            "in special need in rebuilding their telecommunication sector,"
        ),
        Para("reaffirming", italic=True, indent_cm=i, keep_with_next=True),
        Para(
            "that Ukraine is sovereign, independent and united, and that its territory, territorial waters "
            "included, is inviolable within the borders the international community recognizes,"
        ),
        Para("reiterating the ITU commitment", italic=True, indent_cm=i, keep_with_next=True),
        Para(
            "to help protect human life through cooperation among telecommunication services, as the "
            "Constitution requires of the Union,"
        ),
        Para("deploring in this regard", italic=True, indent_cm=i, keep_with_next=True),
        Para(
            "the large-scale destruction of critical infrastructure and the repeated loss of fixed and "
            "mobile telecommunication services across Ukraine since the war began,"
        ),
        Para(
            "resolves to instruct the Directors of the three Bureaux",
            italic=True,
            indent_cm=i,
            space_before=6,
        ),
        AutoNum(
            "to keep the telecommunication needs of Ukraine under review, to report on them at regular "
            "intervals and to propose effective technical assistance in response;"
        ),
        AutoNum(
            "to assess how the war in Ukraine affects ITU programmes and activities in the region, and "
            "to report on the findings;"
        ),
        AutoNum(
            "to secure sufficient financial and human resources for the proposed actions, drawing among "
            "other sources on the internal budget and the ICT Development Fund,"
        ),
        Para(
            "instructs the Secretary-General", italic=True, indent_cm=i, keep_with_next=True, space_before=6
        ),
        Para(
            "to coordinate the work of the three Sectors under the resolves above so that the support of "
            "the Union to Ukraine is as effective as possible, and to report on it to the Plenipotentiary "
            "Conference, to the Council and to later meetings and conferences as appropriate,"
        ),
        Para("invites Member States", italic=True, indent_cm=i, keep_with_next=True, space_before=6),
        Para(
            "to contribute, in cash or in kind, to the efforts of ITU to restore the telecommunication "
            "infrastructure of Ukraine and to build the technical capacity of its institutions."
        ),
    ]
    return Sample(
        stem="res1408-sample",
        title="Resolution 1408 (Mod. 2023)",
        subject="Assistance and support to Ukraine for rebuilding their telecommunication sector",
        running_header="Res. 1408-E",
        created=dt.datetime(2023, 7, 21, 9, 0, 0),
        elements=tuple(els),
    )


# --------------------------------------------------------------------------- the three report editions

_TITLE = "ASSISTANCE AND SUPPORT TO UKRAINE FOR REBUILDING THEIR TELECOMMUNICATION SECTOR"
_ACTION = "The Council is invited to take note of the present report."
_LINK = "Technical assistance to Member States in special need."


def _front(year: int, place_dates: str, agenda: str, date: str, purpose: str, finance: str, refs: str):
    yy = year % 100
    return [
        HeaderTable(f"Council {year}", place_dates, f"Agenda item: {agenda}", f"C{yy}/27-E", date),
        Para(_TITLE, bold=True, align="center", space_before=12),
        SummaryBox(
            (
                ("Purpose", purpose),
                ("Action required by the Council", _ACTION),
                ("Relevant link(s) with the Strategic Plan", _LINK),
                ("Financial implications", finance),
            )
        ),
        Para("_______________"),
        Para("References", bold=True),
        Para(refs),
    ]


def report_2024() -> Sample:
    els: list[Element] = _front(
        2024,
        "Geneva, 4-14 June 2024",
        "ADM 11",
        "12 April 2024",
        "This document informs the Council of the work ITU has carried out since its 2023 session under "
        "Resolution 1408 (Mod. 2023): monitoring of needs, coordination, technical assistance and the "
        "mobilization of resources for the telecommunication sector of Ukraine.",
        "CHF 234 000 since 2022, including CHF 85 000 from the ITU budget, CHF 119 000 in monetary "
        "voluntary contributions, and CHF 30 000 in in-kind contributions.",
        "Council Resolution 1408 (Mod. 2023); Document C23/27",
    )
    els += [
        Heading("1", "Introduction"),
        Para(
            "Council 2023 amended Resolution 1408 and asked the Secretary-General and the Directors of the "
            "three Bureaux to keep supporting the recovery of telecommunications in Ukraine. The present "
            "report is the first one submitted under the amended text; it covers the period from July 2023 "
            "to March 2024."
        ),
        Heading("2", "Monitoring and reporting"),
        Para(
            "ITU follows the state of networks and services in Ukraine on a continuous basis and publishes "
            "the results on a web page devoted to Resolution 1408, so that assistance can be matched to "
            "needs as they change."
        ),
        Para(
            "The third Rapid Damage and Needs Assessment (RDNA3) was published on 15 February 2024 by the "
            "Government of Ukraine, the World Bank, the European Commission and the United Nations. ITU "
            "prepared the analysis for the chapter on telecommunications, digital services and media."
        ),
        Para(
            "RDNA3 puts direct damage to the sector at USD 2.21 billion as of 31 December 2023, up from "
            "USD 1.79 billion as of 24 February 2023 in the second assessment (RDNA2). Losses, which "
            "include revenue that operators could not collect and the cost of running generators during "
            "power cuts, are put at USD 1.93 billion. Most of the damage falls on privately owned mobile "
            "and fixed networks, while broadcasting towers and post offices account for most of the damage "
            "to public assets. Recovery and reconstruction needs for the sector are estimated at USD 5.3 "
            "billion over 2024-2033."
        ),
        Heading("3", "Coordination mechanisms"),
        Para(
            "Inside ITU, the Special Task Force on Resolution 1408 brings the three Sectors together under "
            "the chairmanship of the Deputy Secretary-General, with the ITU Office for Europe acting as "
            "secretariat. The Secretary-General relies on it to keep the work of the Sectors consistent."
        ),
        Para("Coordination with national and international partners takes the following forms:"),
        Dash(
            "monthly calls with the focal point of the Ministry of Digital Transformation of Ukraine, which "
            "represents the Administration of Ukraine in ITU, and working contacts with the State Service "
            "of Special Communications and Information Protection (SSSICP) and the National Commission for "
            "the State Regulation of Electronic Communications (NCEC);"
        ),
        Dash(
            "participation in the UN Country Team in Ukraine, which aligns the work of ITU with UNDP, "
            "UNICEF and the other agencies present in the country;"
        ),
        Bullet(
            "regular exchanges with the European Commission on the reconstruction of broadband and "
            "broadcasting infrastructure and on the alignment of Ukrainian law with the European "
            "Electronic Communications Code;"
        ),
        Bullet(
            "participation in the Ukraine Recovery Conference in London (21-22 June 2023), where ITU "
            "presented the state of the sector to donors and investors."
        ),
        Heading("4", "Technical assistance"),
        Para(
            "On the basis of consultations with the Ministry of Digital Transformation of Ukraine, ITU and "
            "the Administration agreed on a first list of priority projects for which partners are sought:"
        ),
        Bullet(
            "Restoring mobile coverage in de-occupied and frontline communities (Financial requirement: USD "
            "20 million);"
        ),
        Bullet(
            "Connecting schools and hospitals to resilient fixed broadband (Financial requirement: USD 30 "
            "million);"
        ),
        Bullet(
            "Strengthening the regulator's capacity for spectrum management and monitoring (Financial "
            "requirement: USD 1 million)."
        ),
        Para(
            "In October 2023, ITU trained 25 engineers of SSSICP and of the State University of "
            "Information and Communication Technologies (SUICT) on spectrum monitoring in Kyiv, and on "
            "7-8 November 2023 it held an online workshop on network resilience with operators Kyivstar "
            "and Vodafone Ukraine and with equipment supplier Ericsson."
        ),
        Heading("5", "Mobilization of resources"),
        Para("ITU continues to ask Member States and partners for resources in several ways:"),
        Bullet(
            "Through the Partner2Connect Digital Coalition, pledges directed at Ukraine reached over USD "
            "500 million by March 2024."
        ),
        Dash(
            "To date, the Special Fund in Trust for Resolution 1408 has received contributions from Japan "
            "(CHF 100 000; 2022) and the Czech Republic (CHF 19 000; 2023)."
        ),
        Dash(
            "Since 2022, ITU has set aside CHF 85 000 a year from its operating budget to keep the "
            "implementation going."
        ),
        Dash(
            "Poland provided meeting facilities and interpretation for the spectrum training as an "
            "in-kind contribution."
        ),
        Heading("6", "Conclusions"),
        Para(
            "ITU has put in place the structures needed to implement Resolution 1408 and has started to "
            "deliver assistance with its partners. Member States and partners are invited to:"
        ),
        Dash("offer technical assistance, training and financing for the recovery of the sector;"),
        Bullet("fund one or more of the priority projects listed in Section 4;"),
        Dash("contribute to the Special Fund in Trust so that the work can continue in 2025."),
    ]
    return _report_sample(2024, dt.datetime(2024, 4, 12, 9, 0, 0), els)


def report_2025() -> Sample:
    els: list[Element] = _front(
        2025,
        "Geneva, 17-27 June 2025",
        "ADM 12",
        "14 April 2025",
        "This document sets out what ITU has done since Council 2024 to help Ukraine rebuild its "
        "telecommunication sector under Resolution 1408 (Mod. 2023), including the assessment of the "
        "effect of the war on ITU programmes in the region.",
        "CHF 312 000 since 2022, including CHF 85 000 from the ITU budget, CHF 172 000 in monetary "
        "voluntary contributions, and CHF 45 000 in in-kind contributions.",
        "Council Resolution 1408 (Mod. 2023); Document C24/27",
    )
    els += [
        Heading("1", "Introduction"),
        Para(
            "This second report under the amended Resolution 1408 describes the activities of the ITU "
            "secretariat from June 2024 to March 2025. It follows the structure of the resolves: "
            "monitoring and reporting, coordination, technical assistance and resources. Figures are given "
            "as stated in the sources at the time of writing."
        ),
        Heading("2", "Monitoring and reporting"),
        Para(
            "The web page on Resolution 1408 was kept up to date with network availability data and with "
            "the list of ongoing projects."
        ),
        Para(
            "ITU again contributed the telecommunications chapter of the fourth Rapid Damage and Needs "
            "Assessment (RDNA4), released on 25 February 2025 by the Government of Ukraine, the World "
            "Bank Group, the European Union and the United Nations."
        ),
        Para(
            "RDNA4 estimates damage to telecommunications, digital services and media at USD 2.1 billion "
            "as of 31 December 2024; the slight decrease on the previous estimate reflects repairs "
            "completed by operators during 2024 and a revised method for valuing towers. Losses reached USD "
            "2.32 billion. Needs for recovery and reconstruction amount to USD 5.87 billion over 2025-2034, "
            "an increase of 11 per cent compared to RDNA3. Mobile and fixed broadband networks again account "
            "for the largest share of both damage and needs."
        ),
        Para(
            "The three Bureaux also reviewed the impact of the war on ITU programmes and activities in the "
            "Europe region. Two regional events planned in Ukraine were moved online, a broadband mapping "
            "project in Eastern Europe was rescheduled to 2026, and the ITU Office for Europe redeployed "
            "staff time to Ukraine-related work; no regional initiative had to be cancelled."
        ),
        Heading("3", "Coordination mechanisms"),
        Para(
            "The Special Task Force on Resolution 1408, chaired by the Deputy Secretary-General, met six "
            "times during the period and coordinated the inputs of the Radiocommunication, Standardization "
            "and Development Sectors on behalf of the Secretary-General."
        ),
        Dash(
            "ITU holds coordination calls every month with the Ministry of Digital Transformation of "
            "Ukraine, and works with SSSICP and NCEC on spectrum, cybersecurity and regulatory questions."
        ),
        Dash(
            "As a member of the UN Country Team, ITU took part in drafting the UN Sustainable Development "
            "Cooperation Framework for Ukraine 2025-2029."
        ),
        Bullet(
            "With the European Commission, ITU prepared the first joint ITU-EU TAIEX workshop for "
            "Ukrainian officials, held in Warsaw on 10-11 December 2024."
        ),
        Bullet(
            "At the Ukraine Recovery Conference in Berlin (11-12 June 2024), ITU and Germany co-hosted a "
            "session on financing resilient connectivity."
        ),
        Bullet(
            "ITU works with SUICT on training for engineers, including a course on 5G network planning "
            "delivered in November 2024 to 40 participants."
        ),
        Heading("4", "Technical assistance"),
        Para(
            "The list of priority projects agreed with the Ministry of Digital Transformation of Ukraine "
            "was updated in early 2025 and now reads as follows:"
        ),
        Bullet(
            "Internet access for communities, schools and medical facilities over energy-efficient fixed "
            "broadband (Financial requirement: USD 30 million);"
        ),
        Bullet(
            "Capacity building for the electronic communications regulator and the coordination of donor "
            "support (Financial requirement: USD 1 million);"
        ),
        Bullet(
            "A support programme for small and medium-sized telecom operators (Financial requirement: USD "
            "50 million)."
        ),
        Para(
            "In September 2024, ITU delivered a national workshop in Kyiv on emergency telecommunications "
            "planning with UNDP, and in February 2025 Ukrainian experts joined the ITU regional seminar on "
            "spectrum management for Europe."
        ),
        Heading("5", "Mobilization of resources"),
        Para("Resource mobilization during the period relied on the following channels:"),
        Bullet(
            "Partner2Connect pledges dedicated to Ukraine now total over USD 650 million, with new "
            "commitments announced by Nokia and by Kyivstar at the Berlin conference."
        ),
        Dash(
            "To date, the Special Fund in Trust has received contributions from Japan (CHF 100 000; 2022), "
            "the Czech Republic (CHF 38 000; 2023/2024), Bulgaria (CHF 16 294; 2024) and Lithuania "
            "(CHF 18 335; 2024)."
        ),
        Dash("ITU continued to allocate CHF 85 000 a year from its operating budget to this work."),
        Dash(
            "The European Commission and Poland covered the venue, travel and experts of the TAIEX "
            "workshop as an in-kind contribution."
        ),
        Heading("6", "Conclusions"),
        Para(
            "Two years after the amendment of Resolution 1408, the coordination structures work well and "
            "the list of priority projects is agreed; what is missing is financing. Member States and "
            "partners are invited to:"
        ),
        Dash("provide technical assistance and financial support for the rehabilitation of networks;"),
        Bullet("support the priority projects in Section 4 in cash or in kind;"),
        Bullet("contribute to the Special Fund in Trust;"),
        Dash("register pledges for Ukraine in Partner2Connect."),
    ]
    return _report_sample(2025, dt.datetime(2025, 4, 14, 9, 0, 0), els)


def report_2026() -> Sample:
    els: list[Element] = _front(
        2026,
        "Geneva, 28 April - 8 May 2026",
        "ADM 12",
        "20 March 2026",
        "This document reports on the support ITU has given Ukraine since Council 2025 under Resolution "
        "1408 (Mod. 2023), from the monitoring of needs and of the impact on ITU programmes to "
        "coordination, technical assistance and resources.",
        "CHF 346 000 since 2022, including CHF 85 000 from the ITU budget, CHF 191 000 in monetary "
        "voluntary contributions, and CHF 70 000 in in-kind contributions.",
        "Council Resolution 1408 (Mod. 2023); Document C25/27",
    )
    els += [
        Heading("1", "Introduction"),
        Para(
            "The third report under the amended Resolution 1408 covers July 2025 to March 2026. As in "
            "previous years, it is organised around monitoring, coordination, technical assistance and the "
            "mobilization of resources."
        ),
        Heading("2", "Monitoring and reporting"),
        Para(
            "Monitoring of the digital resilience of Ukraine continued, and the Resolution 1408 web page now "
            "also lists the pledges received and the status of each priority project."
        ),
        Para(
            "The fifth Rapid Damage and Needs Assessment (RDNA5) was released on 23 February 2026, with ITU "
            "again in charge of the telecommunications, digital and media chapter. Damage to the sector "
            "is put at USD 2.48 billion as of 31 December 2025, an increase of 30 per cent compared to "
            "RDNA4, and losses at USD 2.69 billion."
        ),
        Para(
            "Needs for recovery and reconstruction of the sector are estimated at USD 7.10 billion over "
            "2026-2036, an increase of 21 per cent compared to RDNA4."
        ),
        Para(
            "The Bureaux updated their review of the impact of the war on ITU programmes and activities in "
            "the region: the rescheduled broadband mapping project for Eastern Europe restarted in January "
            "2026, and regional training is again delivered in person in neighbouring countries. Staff of "
            "the ITU Office for Europe continue to give part of their time to the Ukraine portfolio, which "
            "has delayed two smaller regional studies on spectrum pricing and on postal digitization."
        ),
        Heading("3", "Coordination mechanisms"),
        Para(
            "Under the Deputy Secretary-General, the Special Task Force on Resolution 1408 continues to "
            "align the work of the three Sectors, as the Secretary-General was instructed to ensure."
        ),
        Dash(
            "Coordination calls with the Ministry of Digital Transformation of Ukraine continue every "
            "month; SSSICP, NCEC and the Broadcasting, Radiocommunications and Television Concern are "
            "consulted as needed."
        ),
        Dash("ITU reports on its activities through the UN Country Team and the Resident Coordinator."),
        Bullet(
            "At the Ukraine Recovery Conference in Rome (10-11 July 2025), hosted by Italy, ITU organized "
            "a side event on telecom resilience and investment partnerships."
        ),
        Bullet(
            "With SUICT and the University of the National Education Commission in Krakow, ITU supported "
            "a conference on cybersecurity capacities held on 4-5 November 2025."
        ),
        Heading("4", "Technical assistance"),
        Para(
            "The priority projects were presented again at the ITU Regional Development Forum for Europe "
            "in Prague on 24 March 2026:"
        ),
        Bullet(
            "Internet access for communities and social institutions over resilient fixed broadband "
            "(Financial requirement: USD 35 million);"
        ),
        Bullet(
            "Capacity building in electronic communications regulation (Financial requirement: USD 1 "
            "million);"
        ),
        Bullet(
            "International communication on the recovery of the sector (Financial requirement: USD 500 000);"
        ),
        Bullet(
            "A support programme for small and medium-sized telecom operators (Financial requirement: USD "
            "50 million)."
        ),
        Para(
            "In September 2025, ITU and the Western Balkans Cyber Capacity Centre trained experts from "
            "Ukraine, Georgia and the Western Balkans on critical infrastructure protection in Montenegro. "
            "Since January 2026, ITU has also helped Ukraine join the Giga initiative of ITU and UNICEF."
        ),
        Heading("5", "Mobilization of resources"),
        Bullet(
            "As of March 2026, Partner2Connect pledges for Ukraine amount to over USD 770 million, "
            "including a EUR 30 million financing commitment by Vodafone Ukraine, Nokia and Finnvera "
            "announced in Rome."
        ),
        Dash(
            "To date, the Special Fund in Trust has received contributions from Japan (CHF 100 000; 2022), "
            "the Czech Republic (CHF 57 000; 2023/2024/2025), Bulgaria (CHF 16 294; 2024) and Lithuania "
            "(CHF 18 335; 2024)."
        ),
        Dash("ITU keeps allocating CHF 85 000 a year from its operating budget to the implementation."),
        Dash(
            "The European Commission and Poland again supported the TAIEX programme for Ukrainian "
            "officials in kind."
        ),
        Heading("6", "Conclusions"),
        Para(
            "ITU has widened its partnerships for Ukraine and the coordination mechanisms are well "
            "established; the priority projects still lack most of their financing. Member States and "
            "partners are invited to:"
        ),
        Dash("commit technical assistance and funding to the modernization of the sector;"),
        Bullet("finance the priority projects in Section 4, in cash or in kind;"),
        Bullet("make a contribution to the Special Fund in Trust;"),
        Dash("join Partner2Connect and register pledges for Ukraine."),
    ]
    return _report_sample(2026, dt.datetime(2026, 3, 20, 9, 0, 0), els)


def _report_sample(year: int, created: dt.datetime, els: list[Element]) -> Sample:
    yy = year % 100
    return Sample(
        stem=f"c{yy}-report-sample",
        title=f"Document C{yy}/27-E",
        subject="Report by the Secretary-General on Resolution 1408",
        running_header=f"C{yy}/27-E",
        created=created,
        elements=tuple(els),
    )


# --------------------------------------------------------------------------- the RDNA excerpt

# US$ million by subsector: damage, losses, needs (rows add up to the Total row).
RDNA_TELECOM = (
    ("Mobile networks", 940, 1120, 2640),
    ("Fixed broadband", 845, 780, 2310),
    ("Broadcasting", 205, 260, 560),
    ("Postal", 110, 160, 360),
)


def _fmt(n: int) -> str:
    return f"{n:,}"


def rdna() -> Sample:
    total = tuple(sum(r[i] for r in RDNA_TELECOM) for i in (1, 2, 3))
    rows = tuple((name, _fmt(d), _fmt(lo), _fmt(n)) for name, d, lo, n in RDNA_TELECOM)
    rows += (("Total", *(_fmt(v) for v in total)),)
    els: list[Element] = [
        Para("Ukraine", bold=True, size=16, align="center"),
        Para("Fourth Rapid Damage and Needs Assessment (RDNA4)", bold=True, size=16, align="center"),
        Para("February 2025 - February 2022 to December 2024", align="center"),
        Para(
            "Sample excerpt: damage and needs as of 31 December 2024. Prepared jointly by the Government of "
            "Ukraine, the World Bank Group, the European Union and the United Nations.",
            italic=True,
            align="center",
            space_before=12,
        ),
        Heading(None, "Overview"),
        Para(
            "Three years into the war, direct damage in Ukraine has reached US$176 billion as of 31 December "
            "2024. Recovery and reconstruction needs over the next decade (2025-2034) are estimated at "
            "US$524 billion, about 2.8 times the nominal gross domestic product of 2024. Housing, transport, "
            "energy, commerce and industry carry the largest needs."
        ),
        Heading(None, "Housing"),
        Para(
            "Housing remains the most affected sector, with damage of US$57.6 billion; about 13 per cent of "
            "the housing stock has been damaged or destroyed, affecting more than 2.5 million households. "
            "Needs in the sector are estimated at US$84 billion over 2025-2034."
        ),
        Heading(None, "Energy"),
        Para(
            "Repeated strikes on generation, transmission and distribution assets have raised damage in the "
            "energy sector to US$20.5 billion, close to double the estimate of a year earlier. Needs reach "
            "US$68 billion and include distributed generation that makes the grid harder to disable."
        ),
        Heading(None, "Transport"),
        Para(
            "Damage to roads, bridges, railways and ports totals US$36.2 billion, and the sector's needs "
            "are estimated at US$78 billion."
        ),
        Heading(None, "Telecommunications, Digital, and Media"),
        Heading(None, "Damage", level=2),
        Para(
            "Damage to telecommunications, digital and media assets is estimated at US$2.1 billion as of "
            "31 December 2024. Mobile and fixed broadband networks together account for about 85 per cent "
            "of the total, and private operators bear more than 90 per cent of it; public damage is mostly "
            "to broadcasting infrastructure and postal facilities."
        ),
        Heading(None, "Losses", level=2),
        Para(
            "Losses amount to US$2.32 billion. They combine revenue operators could not earn in occupied and "
            "frontline areas with the extra cost of fuel, generators and batteries needed to keep sites "
            "running during power cuts."
        ),
        Heading(None, "Recovery and reconstruction needs", level=2),
        Para(
            "Needs are estimated at US$5.87 billion over 2025-2034, of which about one third is required "
            "in the short term (2025-2026) to restore coverage and build back more resilient networks."
        ),
        DataTable(
            caption="Table 1: Telecommunications, digital, and media - damage, losses and needs by subsector",
            note="US$ million",
            header=("Subsector", "Damage", "Losses", "Needs"),
            rows=rows,
        ),
        Para(
            "Source: RDNA4 estimates; figures may not add up because of rounding.",
            italic=True,
            size=9,
            space_before=4,
        ),
    ]
    return Sample(
        stem="rdna-sample",
        title="Ukraine Rapid Damage and Needs Assessment (RDNA4) - sample excerpt",
        subject="Ukraine Rapid Damage and Needs Assessment",
        running_header="Ukraine RDNA4 - February 2025",
        created=dt.datetime(2025, 2, 25, 9, 0, 0),
        elements=tuple(els),
        page_label="{n}",
    )


def all_samples() -> list[Sample]:
    return [resolution(), report_2024(), report_2025(), report_2026(), rdna()]


# --------------------------------------------------------------------------- DOCX writer


def write_docx(sample: Sample, path: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor

    doc = Document()
    align = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
    }
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(12)
    for name, size in (("Heading 1", 12), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name, st.font.size, st.font.bold = "Calibri", Pt(size), True
        st.font.italic = name == "Heading 2"
        st.font.color.rgb = RGBColor(0, 0, 0)

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
    sec.different_first_page_header_footer = True
    hp = sec.header.paragraphs[0]
    hp.text, hp.alignment = sample.running_header, align["right"]
    _page_footer(sec.footer.paragraphs[0], sample.page_label)
    sec.footer.paragraphs[0].alignment = align["center"]

    num_id: int | None = None
    prev: Element | None = None
    for el in sample.elements:
        if isinstance(el, Para):
            p = doc.add_paragraph()
            run = p.add_run(nbsp_amounts(el.text))
            run.bold = el.bold or None
            run.italic = el.italic or None
            if el.size:
                run.font.size = Pt(el.size)
            p.alignment = align[el.align]
            if el.indent_cm:
                p.paragraph_format.left_indent = Cm(el.indent_cm)
            if el.space_before:
                p.paragraph_format.space_before = Pt(el.space_before)
            if el.keep_with_next:
                p.paragraph_format.keep_with_next = True
        elif isinstance(el, Heading):
            text = f"{el.number}\t{el.title}" if el.number else el.title
            doc.add_paragraph(text, style=f"Heading {el.level}")
        elif isinstance(el, Dash):
            p = doc.add_paragraph(f"\u2013\t{nbsp_amounts(el.text)}")
            p.paragraph_format.left_indent = Cm(1.0)
            p.paragraph_format.first_line_indent = Cm(-1.0)
        elif isinstance(el, Bullet):
            doc.add_paragraph(nbsp_amounts(el.text), style="List Bullet")
        elif isinstance(el, AutoNum):
            if num_id is None or not isinstance(prev, AutoNum):
                num_id = _add_decimal_numbering(doc)
            p = doc.add_paragraph(nbsp_amounts(el.text), style="List Number")
            _set_num(p, num_id)
        elif isinstance(el, HeaderTable):
            _docx_header_table(doc, el)
        elif isinstance(el, SummaryBox):
            table = doc.add_table(rows=1, cols=1)
            table.style = "Table Grid"
            cell = table.rows[0].cells[0]
            first = True
            for label, value in el.rows:
                lp = cell.paragraphs[0] if first else cell.add_paragraph()
                lp.add_run(label).bold = True
                cell.add_paragraph().add_run(nbsp_amounts(value)).bold = False
                first = False
        elif isinstance(el, DataTable):
            doc.add_paragraph().add_run(el.caption).bold = True
            doc.add_paragraph(el.note).alignment = align["right"]
            table = doc.add_table(rows=1 + len(el.rows), cols=len(el.header))
            table.style = "Table Grid"
            for j, h in enumerate(el.header):
                table.rows[0].cells[j].paragraphs[0].add_run(h).bold = True
            for i, row in enumerate(el.rows, start=1):
                for j, val in enumerate(row):
                    run = table.rows[i].cells[j].paragraphs[0].add_run(val)
                    run.bold = row[0] == "Total" or None
                    if j:
                        table.rows[i].cells[j].paragraphs[0].alignment = align["right"]
        prev = el

    cp = doc.core_properties
    cp.author = cp.last_modified_by = "restrack sample generator"
    cp.title, cp.subject = sample.title, sample.subject
    cp.created = cp.modified = cp.last_printed = sample.created
    cp.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue(), sample.created))


def _page_footer(p, label: str) -> None:
    """A PAGE field between literal text, so Word prints "- 2 -" and the text holds no number."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    before, _, after = label.partition("{n}")
    if before:
        p.add_run(before)
    run = p.add_run()
    for kind, text in (("begin", None), ("instr", " PAGE "), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    if after:
        p.add_run(after)


def _add_decimal_numbering(doc) -> int:
    """Add an abstractNum (decimal, "%1.") and a num pointing at it; return the new numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    numbering = doc.part.numbering_part.element
    abs_ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
    abs_id, num_id = max(abs_ids, default=0) + 1, max(num_ids, default=0) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abs_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/>'
        '<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="567" w:hanging="567"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abs_id}"/></w:num>')
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # schema order: every abstractNum before the first num
    else:
        numbering.append(abstract)
    numbering.append(num)
    return num_id


def _set_num(p, num_id: int) -> None:
    """Point the paragraph at the numbering instance directly (numPr in pPr, schema order kept)."""
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _docx_header_table(doc, el: HeaderTable) -> None:
    table = doc.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    cells = (
        ((el.session, el.place_dates), ()),
        ((el.agenda,), (f"Document {el.symbol}", el.date, "Original: English")),
        ((el.author,), ()),
    )
    for r, row in enumerate(cells):
        for c, lines in enumerate(row):
            if not lines:
                continue
            run = table.rows[r].cells[c].paragraphs[0].add_run()
            for k, line in enumerate(lines):
                if k:
                    run.add_break()
                run.add_text(line)
            run.bold = (r, c) == (0, 0) or None


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the package with fixed member timestamps so identical input gives identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- PDF writer


def _register_fonts() -> None:
    """Embed the Vera TTFs shipped with reportlab: subset fonts with a ToUnicode map, as Word prints
    them, so "•", "–" and no-break spaces extract as the characters they are (the base-14 fonts do not)."""
    import os

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (
        ("Vera", "Vera.ttf"),
        ("Vera-Bold", "VeraBd.ttf"),
        ("Vera-Italic", "VeraIt.ttf"),
        ("Vera-BoldItalic", "VeraBI.ttf"),
    ):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))


def write_pdf(sample: Sample, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    base = ParagraphStyle(
        "body", fontName="Vera", fontSize=11, leading=14, spaceAfter=6, bulletFontName="Vera"
    )
    aligns = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
    h1 = ParagraphStyle(
        "h1",
        base,
        fontName="Vera-Bold",
        spaceBefore=10,
        leftIndent=1 * cm,
        bulletFontName="Vera-Bold",
        keepWithNext=1,
    )
    h2 = ParagraphStyle("h2", h1, fontName="Vera-BoldItalic", spaceBefore=4)
    item = ParagraphStyle("item", base, leftIndent=1 * cm, bulletIndent=0)
    cell = ParagraphStyle("cell", base, spaceAfter=2)
    cell_bold = ParagraphStyle("cellb", cell, fontName="Vera-Bold")

    def para(text: str, style: ParagraphStyle, **kw) -> Paragraph:
        return Paragraph(escape(nbsp_amounts(text)), style, **kw)

    story: list = []
    counter = 0
    for el in sample.elements:
        counter = counter + 1 if isinstance(el, AutoNum) else 0
        if isinstance(el, Para):
            font = (
                "Vera-BoldItalic"
                if el.bold and el.italic
                else ("Vera-Bold" if el.bold else "Vera-Italic" if el.italic else "Vera")
            )
            size = el.size or 11
            st = ParagraphStyle(
                "p",
                base,
                fontName=font,
                fontSize=size,
                leading=size * 1.25,
                alignment=aligns[el.align],
                leftIndent=el.indent_cm * cm,
                spaceBefore=el.space_before,
                keepWithNext=int(el.keep_with_next),
            )
            story.append(para(el.text, st))
        elif isinstance(el, Heading):
            st = h1 if el.level == 1 else h2
            if el.number:
                story.append(para(el.title, st, bulletText=el.number))
            else:
                story.append(para(el.title, ParagraphStyle("hn", st, leftIndent=0)))
        elif isinstance(el, Dash):
            story.append(para(el.text, item, bulletText="\u2013"))
        elif isinstance(el, Bullet):
            story.append(para(el.text, item, bulletText="\u2022"))
        elif isinstance(el, AutoNum):
            story.append(para(el.text, item, bulletText=f"{counter}."))
        elif isinstance(el, HeaderTable):
            left = [
                [para(f"{el.session}", cell_bold), para(el.place_dates, cell)],
                [para(el.agenda, cell)],
                [para(el.author, cell_bold)],
            ]
            right = [
                [],
                [
                    para(f"Document {el.symbol}", cell_bold),
                    para(el.date, cell),
                    para("Original: English", cell),
                ],
                [],
            ]
            t = Table([[left[i], right[i]] for i in range(3)], colWidths=[10 * cm, 6.5 * cm])
            t.setStyle(
                TableStyle(
                    [("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]
                )
            )
            story += [t, Spacer(1, 6)]
        elif isinstance(el, SummaryBox):
            content = []
            for label, value in el.rows:
                content += [para(label, cell_bold), para(value, cell)]
            t = Table([[content]], colWidths=[16.5 * cm])
            t.setStyle(
                TableStyle(
                    [("BOX", (0, 0), (-1, -1), 0.75, colors.black), ("TOPPADDING", (0, 0), (-1, -1), 6)]
                )
            )
            story += [t, Spacer(1, 6)]
        elif isinstance(el, DataTable):
            story.append(para(el.caption, ParagraphStyle("cap", base, fontName="Vera-Bold", keepWithNext=1)))
            story.append(
                para(el.note, ParagraphStyle("note", base, alignment=TA_RIGHT, fontSize=10, keepWithNext=1))
            )
            data = [list(el.header)] + [list(r) for r in el.rows]
            t = Table(data, colWidths=[6.5 * cm, 3.3 * cm, 3.3 * cm, 3.3 * cm])
            t.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("FONTNAME", (0, 0), (-1, -1), "Vera"),
                        ("FONTNAME", (0, 0), (-1, 0), "Vera-Bold"),
                        ("FONTNAME", (0, -1), (-1, -1), "Vera-Bold"),
                        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ]
                )
            )
            story.append(t)

    def later_pages(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Vera", 10)
        canvas.drawRightString(A4[0] - 2 * cm, A4[1] - 1.3 * cm, sample.running_header)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, sample.page_label.format(n=doc.page))
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2.25 * cm,
        rightMargin=2.25 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
        title=sample.title,
        author="restrack sample generator",
        subject=sample.subject,
        creator="restrack scripts/make_samples.py",
        invariant=1,
    )
    doc.build(story, onLaterPages=later_pages)
    path.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- entry point


def make_samples(out_dir: str | Path) -> list[Path]:
    """Write every sample as .docx and .pdf into out_dir; return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for sample in all_samples():
        for ext, writer in (("docx", write_docx), ("pdf", write_pdf)):
            path = out / f"{sample.stem}.{ext}"
            writer(sample, path)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir", nargs="?", default=str(Path(__file__).resolve().parents[1] / "examples"))
    args = ap.parse_args(argv)
    for path in make_samples(args.out_dir):
        print(path)


if __name__ == "__main__":
    main()
