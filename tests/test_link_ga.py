"""The linker on General Assembly resolutions nobody wrote cues for, measured against hand labels.

No real report of the family answering one of the development-set resolutions is in the corpus (the budget
sections predate the 80th-session resolutions), so the reports below are report-style texts I wrote myself,
each responding to a real resolution of ../shared/corpus/real. The clauses come from the real resolution PDF,
located by regex here (numbers, first verb, paragraph text), so these tests do not depend on the clause
parser. Labels: which operative paragraph(s) each report paragraph addresses, by my reading.

- A/RES/80/132 (Decade of Sustainable Transport, 15 operative paragraphs): development labels.
- A/RES/80/188 (Assistance to refugees, returnees and displaced persons in Africa): HELD OUT, written and
  labelled before being run, evaluated last; its score is reported, not tuned for.
- A/RES/80/223 (occupied territories of Ukraine): a second held-out set, written after the first was spent.

Outlier clauses (link_cues.json `length_norm`, `length_free` 2.0), added after both held-out sets had been
seen once, so from then on they are not clean. F1 for length_norm 0 / 0.5 / 1.0: 1408 0.90 / 0.90 / 0.90;
A/RES/80/132 0.84 / 0.84 / 0.87; A/RES/80/188 0.76 / 0.76 / 0.74; A/RES/80/223 0.57 / 0.69 / 0.69. Kept 0.5.
(Normalising every clause above the median instead, length_free 1.0, cost the 1408 audit a false link.)
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
from conftest import CORPUS

from corpus.audit import audit_document, unaddressed
from corpus.link import block_links, build_context
from schemas.models import Block, Clause, Document

REAL = CORPUS / "real"


@lru_cache(maxsize=4)
def ga_clauses(name: str) -> tuple[Clause, ...]:
    """Operative paragraphs of a GA resolution PDF: "N. Verb ..." lines after "The General Assembly,",
    page furniture and footnotes dropped, up to the closing "Nth plenary meeting"."""
    import pypdfium2 as pdfium

    path = REAL / f"{name}.pdf"
    if not path.is_file():
        pytest.skip("real corpus missing")
    pdf = pdfium.PdfDocument(str(path))
    symbol = "A/RES/" + "/".join(name.split("_")[2:])
    lines: list[str] = []
    for i in range(len(pdf)):
        text = pdf[i].get_textpage().get_text_range().replace("\r", "")
        text = text.split("_______________")[0]  # footnotes sit below the rule
        for line in text.split("\n"):
            s = line.strip()
            if not s or symbol in s or re.fullmatch(r"\d+/\d+ [\d-]+(?: \(E\))?|[\d-]+ \d+/\d+", s):
                continue
            lines.append(s)
    text = "\n".join(lines)
    text = text[text.index("The General Assembly,") :]
    text = re.split(r"\n\d+(?:st|nd|rd|th) plenary meeting", text)[0]
    paras = re.split(r"\n(?=\d{1,3}\.\s+[A-Z][a-z]+)", text)[1:]
    out = []
    for p in paras:
        m = re.match(
            r"(\d{1,3})\.\s+((?:[A-Z][a-z]+)(?:\s(?:also|further|again|with|note|to))*),?\s(.*)", p, re.S
        )
        assert m, p[:60]
        body = re.sub(r"\n[A-Z][^\n.;,]{3,60}$", "", m.group(3))  # a section heading after the paragraph
        body = re.sub(r"\s*\n\s*", " ", body).replace("\ufffe", "-").strip()
        out.append(
            Clause(
                id=f"{symbol}/op/{m.group(1)}",
                resolution=symbol,
                kind="operative",
                verb=m.group(2),
                number=m.group(1),
                text=body,
            )
        )
    return tuple(out)


def _report(
    sections: list[tuple[str, list[tuple[str, list[int]]]]],
) -> tuple[list[Block], dict[str, set[int]]]:
    """Blocks of a report given as (heading, [(paragraph, [operative numbers it addresses])]) + labels."""
    blocks, gold = [], {}
    for s, (title, paras) in enumerate(sections, 1):
        blocks.append(
            Block(id=f"h{s}", kind="heading", text=f"{s}. {title}", section=str(s), section_title=title)
        )
        for j, (text, ops) in enumerate(paras, 1):
            bid = f"p{s}{j:02d}"
            blocks.append(
                Block(id=bid, kind="paragraph", text=text, section=str(s), section_title=title, page=s)
            )
            gold[bid] = set(ops)
    return blocks, gold


# Report-style text I wrote in response to A/RES/80/132; labels are the operative paragraph numbers.
TRANSPORT = [
    (
        "Introduction",
        [
            (
                "The present report is submitted pursuant to General Assembly resolution 80/132. It describes"
                " the first steps taken since the Decade was proclaimed.",
                [],
            ),
        ],
    ),
    (
        "Launch and leadership",
        [
            (
                "The Decade was launched at a ceremony at Headquarters in December 2025, attended by"
                " ministers of transport, heads of regional commissions and the maritime and aviation"
                " organizations. The implementation plan, prepared after two years of consultations,"
                " entered its first phase.",
                [1],
            ),
            (
                "The Department of Economic and Social Affairs leads the observance of the Decade. It agreed"
                " a joint workplan with the five regional commissions, and a small team funded from voluntary"
                " contributions supports the activities.",
                [2],
            ),
            (
                "Sustainable transport partnerships, among them the Sustainable Mobility for All initiative,"
                " contributed analysis and hosted dialogues with their members on the Decade.",
                [4],
            ),
        ],
    ),
    (
        "Coordination, review and tracking",
        [
            (
                "To assess whether a dedicated coordination mechanism is needed, a survey of existing"
                " inter-agency mechanisms was launched in March 2026 and consultations with system entities"
                " are under way. The findings will be presented at the eighty-first session.",
                [6],
            ),
            (
                "Work has started on an online atlas of transport sustainability. A first version shows"
                " twelve global indicators and national dashboards for 40 countries, drawing on data from the"
                " regional commissions, so that users can follow progress over the Decade.",
                [7],
            ),
            (
                "The Third Global Sustainable Transport Conference, which will serve as the midterm review,"
                " is planned for 2030 alongside an existing international meeting, and a host is being"
                " sought.",
                [5],
            ),
        ],
    ),
    (
        "Action by Member States and stakeholders",
        [
            (
                "Several Member States revised their national transport strategies to reflect the focus areas"
                " of the Decade; three landlocked countries integrated low-emission freight corridors into"
                " their national development plans.",
                [8],
            ),
            (
                "Non-governmental organizations, universities and private companies announced 85 voluntary"
                " commitments, from electric bus fleets to open data on port emissions, and shared good"
                " practices on a dedicated platform.",
                [9],
            ),
            (
                "Safety remains central: the Decade team and the secretariat of the Second Decade of Action"
                " for Road Safety hold joint meetings and have aligned their reporting calendars.",
                [10],
            ),
            (
                "Artificial intelligence tools for traffic management were demonstrated at regional workshops"
                " in Asia and Latin America.",
                [],
            ),
        ],
    ),
    (
        "Resources",
        [
            (
                "No resources for the Decade are drawn from the regular budget. Extrabudgetary contributions"
                " of $1.2 million were received from four Member States and one foundation in 2026.",
                [11],
            ),
            (
                "Multilateral development banks announced new lending of $4 billion for urban rail and bus"
                " rapid transit in developing countries, and bilateral donors co-financed port"
                " electrification in two small island developing States.",
                [12],
            ),
            (
                "World Sustainable Transport Day was used in November 2026 to publish a first progress"
                " snapshot and to showcase good practices at events in 30 cities.",
                [13],
            ),
        ],
    ),
    (
        "Conclusions",
        [
            ("The General Assembly may wish to take note of the present report.", []),
            (
                "The Secretary-General encourages Member States and other donors to provide further"
                " extrabudgetary resources so that the activities of the Decade can be sustained.",
                [11],
            ),
        ],
    ),
]


def _prf(links: dict[str, list[str]], gold: dict[str, set[int]], clauses) -> tuple[float, float, float]:
    num = {c.id: int(c.number) for c in clauses}
    tp = fp = fn = 0
    for bid, truth in gold.items():
        pred = {num[c] for c in links.get(bid, [])}
        tp, fp, fn = tp + len(pred & truth), fp + len(pred - truth), fn + len(truth - pred)
    p, r = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _coverage(blocks, gold, clauses) -> float:
    """Share of operative paragraphs whose addressed / not addressed verdict agrees with the labels."""
    doc = Document(path="r.txt", sha256="0", format="txt", kind="report")
    row = audit_document(doc, blocks, list(clauses))
    truth = {n for ops in gold.values() for n in ops}
    missing = set(unaddressed(row))
    right = sum(1 for c in clauses if (int(c.number) in truth) == (c.id not in missing))
    return right / len(clauses)


def measure(name: str, report) -> tuple[float, float, float, float]:
    clauses = ga_clauses(name)
    blocks, gold = _report(report)
    links = block_links(blocks, list(clauses), build_context(clauses))
    return (*_prf(links, gold, clauses), _coverage(blocks, gold, clauses))


def test_clauses_located_in_the_resolution():
    clauses = ga_clauses("A_RES_80_132")
    assert [c.number for c in clauses] == [str(i) for i in range(1, 16)]
    assert clauses[5].verb == "Requests" and "coordination mechanism" in clauses[5].text
    assert clauses[-1].text.endswith("lessons learned.")


def test_transport_decade_report_links():
    p, r, f1, cov = measure("A_RES_80_132", TRANSPORT)
    print(f"A/RES/80/132: P {p:.2f} R {r:.2f} F1 {f1:.2f} coverage {cov:.2f}")
    # measured P 0.72 R 1.00 F1 0.84, coverage 14/15 (op 4: one paragraph at 0.43, under 0.45)
    assert f1 >= 0.80 and r >= 0.9 and cov >= 0.9


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_resolution_1408_link_f1_stays(fmt):
    """The BM25 damping must not cost the ITU audit anything: F1 0.90+ in every format, as before."""
    from test_link import link_f1

    assert link_f1(fmt)[0] >= 0.90


# HELD OUT: written and labelled before the linker was run on it; evaluated last; not tuned for.
REFUGEES = [
    (
        "Introduction",
        [
            (
                "The present report is submitted pursuant to General Assembly resolution 80/188 and covers"
                " the period from July 2025 to June 2026.",
                [],
            ),
        ],
    ),
    (
        "Legal frameworks and regional initiatives",
        [
            (
                "Two further States ratified the African Union Convention on internally displaced persons"
                " during the period, bringing the number of States parties to 36.",
                [2],
            ),
            (
                "Pledges made by African States at the Global Refugee Forum under the Global Compact on"
                " Refugees, on including refugees in national education and health systems, were followed up"
                " at a stocktaking event.",
                [4],
            ),
            (
                "In the Lake Chad basin, the Governments of Cameroon, Chad, the Niger and Nigeria met to"
                " review the Abuja Action Statement, focusing on civilian protection and voluntary returns.",
                [8],
            ),
            (
                "In the Sahel, UNHCR supported Mali, Burkina Faso and the Niger in following up the Bamako"
                " regional dialogue on protection and solutions.",
                [9],
            ),
        ],
    ),
    (
        "Protection",
        [
            (
                "Registration and civil documentation remained priorities: biometric registration was"
                " extended in eight countries and birth certificates were issued to 120,000 refugee"
                " children.",
                [20, 21],
            ),
            (
                "Unaccompanied and separated children were identified at border points and referred to"
                " best-interest procedures, and education in emergencies reached 900,000 refugee children.",
                [18],
            ),
            (
                "Security incidents affecting humanitarian staff increased in the Sudan and in the east of"
                " the Democratic Republic of the Congo, where two staff members of the Office were killed.",
                [29],
            ),
            (
                "Refugees were refouled at several borders; the Office intervened with the authorities to"
                " uphold the principle of non-refoulement.",
                [28],
            ),
        ],
    ),
    (
        "Solutions",
        [
            (
                "Some 210,000 refugees returned home voluntarily, mainly to Burundi, the Central African"
                " Republic and South Sudan, with return packages and reintegration support.",
                [32],
            ),
            (
                "Resettlement submissions for African refugees reached 40,000, though departures remained"
                " well below the needs identified.",
                [36],
            ),
            (
                "Floods and droughts linked to climate change displaced hundreds of thousands in the Horn of"
                " Africa and put additional pressure on host communities.",
                [35],
            ),
        ],
    ),
    (
        "Funding",
        [
            (
                "By June 2026, operations in Africa were funded at 38 per cent of requirements, the lowest"
                " level in a decade, forcing cuts in food and shelter assistance.",
                [37],
            ),
            (
                "Development partners and the World Bank financed community-based programmes benefiting both"
                " refugees and host communities in Ethiopia, Kenya and Uganda.",
                [34],
            ),
            (
                "The Secretary-General urges donors to fund the refugee programmes in Africa generously and"
                " predictably.",
                [39],
            ),
        ],
    ),
    (
        "Internally displaced persons",
        [
            (
                "The Special Rapporteur on the human rights of internally displaced persons visited two"
                " countries of the region and held a dialogue with their Governments.",
                [46],
            ),
            (
                "Africa hosts more internally displaced persons than any other region; the African Union"
                " strengthened the regional mechanisms for their protection.",
                [42],
            ),
        ],
    ),
    ("Conclusion", [("The General Assembly may wish to take note of the present report.", [])]),
]


def test_heldout_refugees_report_links():
    """Held out (47 operative paragraphs). The floor was set before the first run; the score is reported."""
    p, r, f1, cov = measure("A_RES_80_188", REFUGEES)
    print(f"A/RES/80/188 (held out): P {p:.2f} R {r:.2f} F1 {f1:.2f} coverage {cov:.2f}")
    # first run: P 0.68 R 0.76 F1 0.72, coverage 38/47. After adding the clause's own named bodies as phrase
    # cues (asked for by the issue; dev set and 1408 unchanged): P 0.76 R 0.76 F1 0.76, coverage 39/47. That
    # second number is no longer a clean held-out score.
    assert f1 >= 0.5


# SECOND HELD-OUT SET, written and labelled after every linker change above, then run once: a report on
# A/RES/80/223 (22 operative paragraphs that share most of their wording: a hard case for the cues).
OCCUPIED = [
    (
        "Introduction",
        [
            (
                "The present report is submitted pursuant to General Assembly resolution 80/223 and covers"
                " the period from 1 January to 31 May 2026.",
                [],
            ),
        ],
    ),
    (
        "Access and monitoring",
        [
            (
                "The Secretary-General continued to seek ways to secure access for the human rights"
                " monitoring mechanisms to Crimea and the other occupied areas, including through"
                " consultations with the High Commissioner and regional organizations; no access was granted"
                " during the period.",
                [16],
            ),
            (
                "The Russian Federation did not respond to requests to allow international monitoring"
                " missions and non-governmental organizations into places of detention in the occupied"
                " territories.",
                [17],
            ),
        ],
    ),
    (
        "Human rights situation",
        [
            (
                "The Office of the High Commissioner documented arbitrary detention, torture and enforced"
                " disappearance of civilians by the occupying authorities, including of Crimean Tatars.",
                [5],
            ),
            (
                "Residents were pressured to acquire Russian passports, and those without them lost access to"
                " health care and pensions. Local elections and a population census were organized by the"
                " occupying authorities.",
                [14],
            ),
            (
                "Ukrainian school curricula were replaced and the use of the Ukrainian language in schools"
                " was restricted.",
                [14],
            ),
            (
                "Human rights defenders and journalists from the occupied territories received support from"
                " Member States through protection programmes and relocation grants.",
                [12],
            ),
        ],
    ),
    (
        "International cooperation",
        [
            (
                "The International Crimea Platform held its fifth summit, where participating States"
                " discussed diplomatic efforts to improve the human rights situation on the peninsula.",
                [13],
            ),
            (
                "Within the United Nations system, the Secretariat coordinated the work of agencies on the"
                " implementation of the resolution through a task force.",
                [19],
            ),
            (
                "The Secretary-General raised the situation in his contacts with the parties and offered his"
                " good offices.",
                [20],
            ),
            (
                "Ukraine maintained its services for citizens living under occupation, including online"
                " administrative services, pension payments and independent news broadcasts.",
                [10],
            ),
            (
                "United Nations entities were reminded to refer to the occupied territories in their official"
                " documents and statistics in line with the resolution.",
                [11],
            ),
        ],
    ),
    (
        "Conclusions",
        [
            (
                "An interim report was presented to the Human Rights Council in 2026, followed by an"
                " interactive dialogue.",
                [21],
            ),
            ("The General Assembly may wish to take note of the present report.", []),
        ],
    ),
]


def test_second_heldout_occupied_territories_report_links():
    p, r, f1, cov = measure("A_RES_80_223", OCCUPIED)
    print(f"A/RES/80/223 (second held out): P {p:.2f} R {r:.2f} F1 {f1:.2f} coverage {cov:.2f}")
    # first run: P 0.43 R 0.83 F1 0.57, coverage 17/22; paragraph 7 (a list of sub-items, 25 times the median
    # clause's cues) took links from everything. With outlier clauses normalised: P 0.59 R 0.83 F1 0.69,
    # coverage 18/22. The clauses share most of their words ("temporarily occupied territories", "Russian
    # Federation"), so precision remains the open problem on such resolutions.
    assert f1 >= 0.5
