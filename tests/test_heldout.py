"""Held-out robustness: sentences written for this test in the styles of other report editions and RDNA
telecom chapters (none copied from the corpus or the samples), scored like the reference report.

The extractors were tuned on one real report; this set measures how they carry over to phrasing that report
does not use (older-edition wording, RDNA wording, word scales, passive owners, quarters, biennia).
Scores are printed by `python -m pytest tests/test_heldout.py -s` and kept in SCORES below.

Measured (rules only, use_model=False; the model run scores the same):
  before fixes: money P/R/F1 1.00/0.98/0.99, metric 0.91, dates 0.95/0.95/0.95, actors 1.00/0.97/0.98;
                figure attributes: owners 0.86, qualifier 1.00, as_of 0.98, period 1.00, years 0.74;
                clause links F1 0.96
  after fixes:  money 1.00/1.00/1.00, metric 1.00, dates 1.00, actors 1.00; attributes all 1.00;
                clause links F1 0.96 (asserted: money F1 >= 0.95, metric >= 0.85, dates F1 >= 0.90,
                actors F1 >= 0.85, links F1 >= 0.75). The fixes were made against this set, so these are
                upper bounds; a blind batch of 10 further sentences written after the fixes scored money F1
                1.00, metric 0.80, dates 1.00, actors 1.00 (a "requires" cue was then added).
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from corpus.link import block_links, build_context
from extract.pipeline import extract_bytes
from extract.records import extract_records
from schemas.models import Block, Clause, Document, Extraction

HERE = Path(__file__).resolve().parent
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

ITU = "International Telecommunication Union"
BDT = "Telecommunication Development Bureau"
WB = "World Bank"
P2C = "Partner2Connect"
MINDIGIT = "Ministry of Digital Transformation of Ukraine"
SSSCIP = "State Service of Special Communications and Information Protection of Ukraine"


def M(amount: float, currency: str, metric: str, **kw: Any) -> dict[str, Any]:  # noqa: N802
    """One expected figure; unspecified attributes are empty."""
    period = kw.get("period")
    return {
        "text": f"{currency} {amount:g}",
        "amount": amount,
        "currency": currency,
        "metric": metric,
        "actors": kw.get("actors", []),
        "qualifier": kw.get("qualifier"),
        "as_of": kw.get("as_of"),
        "period": {"start": period[0], "end": period[1]} if period else None,
        "years": kw.get("years", []),
    }


# (text, figures, ISO date values, canonical actor names). Expectations are what an analyst would write;
# genuinely ambiguous facts (who owns a requested amount, the bare "Secretary-General") are left out.
CASES: list[tuple[str, list[dict[str, Any]], list[str], set[str]]] = [
    # -- older report editions --
    ("In 2023 the ITU earmarked CHF 85,000 from its regular budget to launch the assistance programme.",
     [M(85e3, "CHF", "budget", actors=[ITU], years=[2023])], ["2023"], {ITU}),
    ("Voluntary contributions received to date total CHF 173 000.",
     [M(173e3, "CHF", "contribution")], [], set()),
    ("Japan contributed CHF 100 000 in 2022, followed by the Czech Republic with CHF 57 000 in 2023.",
     [M(1e5, "CHF", "contribution", actors=["Japan"], years=[2022]),
      M(57e3, "CHF", "contribution", actors=["Czech Republic"], years=[2023])],
     ["2022", "2023"], {"Japan", "Czech Republic"}),
    ("Poland provided in-kind support valued at EUR 40 000, consisting of satellite terminals "
     "and generators.",
     [M(4e4, "EUR", "in-kind", actors=["Poland"])], [], {"Poland"}),
    ("The Telecommunication Development Bureau (BDT) worked with ITU-D study group experts, and the "
     "Secretary-General briefed the Council on progress.",
     [], [], {BDT, "ITU Telecommunication Development Sector", "ITU Council"}),
    ("Estonia (EUR 15 000; 2023) and Lithuania (EUR 18 000; 2024) also contributed to the fund.",
     [M(15e3, "EUR", "contribution", actors=["Estonia"], years=[2023]),
      M(18e3, "EUR", "contribution", actors=["Lithuania"], years=[2024])],
     ["2023", "2024"], {"Estonia", "Lithuania"}),
    ("As of 31 January 2023, ITU had received CHF 173 000 in monetary contributions from five Member States.",
     [M(173e3, "CHF", "contribution", as_of="2023-01-31")], ["2023-01-31"], {ITU}),
    ("The Czech Republic's contribution of CHF 57 000 arrived in April 2023.",
     [M(57e3, "CHF", "contribution", actors=["Czech Republic"])], ["2023-04"], {"Czech Republic"}),
    ("Sweden has announced a contribution of half a million Swiss francs to the fund for Ukraine.",
     [M(5e5, "CHF", "contribution", actors=["Sweden"])], [], {"Sweden", "Ukraine"}),
    ("A first instalment of USD 75 000 was transferred by the Republic of Korea in December 2023.",
     [M(75e3, "USD", "contribution", actors=["Republic of Korea"])], ["2023-12"], {"Republic of Korea"}),
    ("With a budget of CHF 1.2 million for 2025, the area office will continue its Ukraine programme.",
     [M(1.2e6, "CHF", "budget", years=[2025])], ["2025"], {"Ukraine"}),
    ("In total, EUR 2.4 million has been mobilized for the project since 2022.",
     [M(2.4e6, "EUR", "total", years=[2022])], ["2022"], set()),
    ("Romania offered free hosting of five servers, valued at CHF 12 500 per year.",
     [M(12.5e3, "CHF", "in-kind", actors=["Romania"])], [], {"Romania"}),
    ("Japan donated network equipment worth USD 250,000 to Ukrtelecom and lifecell.",
     [M(25e4, "USD", "in-kind", actors=["Japan"])], [], {"Japan", "Ukrtelecom", "lifecell"}),
    ("Türkiye and Azerbaijan donated mobile base stations worth about USD 1 million.",
     [M(1e6, "USD", "in-kind", actors=["Türkiye", "Azerbaijan"], qualifier="about")], [],
     {"Türkiye", "Azerbaijan"}),
    ("Contributions in kind also came from the Slovak Republic, the Kingdom of the Netherlands and the "
     "United States of America.",
     [], [], {"Slovakia", "Netherlands", "United States"}),
    ("The Council at its 2024 session took note of document C24/41 on this matter.",
     [], ["2024"], {"ITU Council"}),
    # -- Partner2Connect pledges and other partners --
    ("Under Partner2Connect, Kyivstar pledged USD 90 million to rebuild mobile networks "
     "between 2024 and 2026.",
     [M(9e7, "USD", "pledge", actors=["Kyivstar"], period=("2024", "2026"))], ["2024/2026"],
     {P2C, "Kyivstar"}),
    ("A commitment of EUR 1.5m was pledged by Vodafone Ukraine for restoring base stations "
     "near the front line.",
     [M(1.5e6, "EUR", "pledge", actors=["Vodafone Ukraine"])], [], {"Vodafone Ukraine"}),
    ("USAID and GSMA jointly committed USD 12 million to keep rural towers on air through the end of 2024.",
     [M(12e6, "USD", "pledge", actors=["United States Agency for International Development",
                                        "Global System for Mobile Communications Association"],
        years=[2024])],
     ["2024"], {"United States Agency for International Development",
                "Global System for Mobile Communications Association"}),
    ("The United Kingdom pledged £10 million for satellite connectivity in 2023-24.",
     [M(1e7, "GBP", "pledge", actors=["United Kingdom"], period=("2023", "2024"))], ["2023/2024"],
     {"United Kingdom"}),
    ("Canada has pledged up to CAD 5 million to the Partner2Connect Digital Coalition.",
     [M(5e6, "CAD", "pledge", actors=["Canada"], qualifier="up to")], [], {"Canada", P2C}),
    ("More than EUR 30 million in equipment and services has been mobilized through Partner2Connect "
     "pledges for Ukraine.",
     [M(3e7, "EUR", "pledge", qualifier="more than")], [], {P2C, "Ukraine"}),
    ("The European Union provided a grant of EUR 25 million, implemented by UNDP, to restore connectivity "
     "in de-occupied communities.",
     [M(25e6, "EUR", "contribution", actors=["European Union"])], [],
     {"European Union", "United Nations Development Programme"}),
    ("The European Commission awarded a EUR 5 million grant under the Ukraine Facility for spectrum "
     "management.",
     [M(5e6, "EUR", "contribution", actors=["European Commission"])], [], {"European Commission",
                                                                            "Ukraine Facility"}),
    ("ETSI experts reviewed the draft numbering regulation together with the regulator.",
     [], [], {"European Telecommunications Standards Institute"}),
    ("UNICEF and UNDP distributed 2,500 power banks to schools in the Sumy and Chernihiv regions.",
     [], [], {"United Nations Children's Fund", "United Nations Development Programme"}),
    ("The ITU Regional Office for Europe trained 40 engineers from Ukrtelecom in October 2024.",
     [], ["2024-10"], {"ITU Office for Europe", "Ukrtelecom"}),
    ("The activities are funded for the 2024-2025 biennium from the ICT Development Fund.",
     [], ["2024/2025"], {"Information and Communication Technology Development Fund"}),
    ("SSSCIP coordinated the response with the National Bank of Ukraine and the Ministry of Digital "
     "Transformation.",
     [], [], {SSSCIP, "National Bank of Ukraine", MINDIGIT}),
    ("The Ministry of Digital Transformation reported that UAH 3.2 billion of state funds had been allocated "
     "to restore fixed networks in 2024.",
     [M(3.2e9, "UAH", "budget", years=[2024])], ["2024"], {MINDIGIT}),
    # -- RDNA telecom chapters --
    ("Damage to the telecommunications sector reached US$2.1 billion as of end-2024.",
     [M(2.1e9, "USD", "damage", as_of="2024")], ["2024"], set()),
    ("Losses in the sector amount to $2.3bn, mostly forgone revenue of mobile operators.",
     [M(2.3e9, "USD", "losses")], [], set()),
    ("Recovery and reconstruction needs are estimated at US$5.87 billion for 2025–2034, of which "
     "US$1.2 billion is needed in 2025.",
     [M(5.87e9, "USD", "needs", period=("2025", "2034")), M(1.2e9, "USD", "needs", years=[2025])],
     ["2025/2034", "2025"], set()),
    ("Damage in Kharkiv oblast alone accounts for about US$410 million.",
     [M(410e6, "USD", "damage", qualifier="about")], [], set()),
    ("The World Bank Group's assessment puts the sector's reconstruction needs at more than USD 4 billion.",
     [M(4e9, "USD", "needs", qualifier="more than")], [], {WB}),
    ("Physical damage to fixed and mobile networks is assessed at US$1.6 billion, while losses from reduced "
     "revenue reach US$0.9 billion.",
     [M(1.6e9, "USD", "damage"), M(0.9e9, "USD", "losses")], [], set()),
    ("Total recovery needs for digital infrastructure over ten years come to approximately US$ 6 billion.",
     [M(6e9, "USD", "needs", qualifier="about")], [], set()),
    ("Operators reported losses of UAH 14.5 billion in 2023 alone.",
     [M(14.5e9, "UAH", "losses", years=[2023])], ["2023"], set()),
    ("Needs for the digital sector are projected at USD 4.8 billion over 2025-2034, up from USD 4.4 billion "
     "in the previous assessment.",
     [M(4.8e9, "USD", "needs", period=("2025", "2034")), M(4.4e9, "USD", "needs")], ["2025/2034"], set()),
    ("Roughly USD 600 million of the needs relate to restoring the fixed broadband network by 2026.",
     [M(600e6, "USD", "needs", qualifier="about", years=[2026])], ["2026"], set()),
    ("Restoring the optical backbone would cost between USD 40 million and USD 55 million.",
     [M(40e6, "USD", "requirement")], [], set()),
    ("The regulator NCEC puts the cost of replacing stolen and destroyed equipment at UAH 9 billion.",
     [M(9e9, "UAH", "damage")], [],
     {"National Commission for the State Regulation of Electronic Communications, Radio Frequency Spectrum "
      "and the Provision of Postal Services"}),
    ("Damage is concentrated in Donetsk, Kharkiv and Zaporizhzhia oblasts, where roughly 30% of cell sites "
     "were destroyed.",
     [], [], set()),
    ("Some 2 000 km of fibre and 1 500 base stations were repaired, according to SSSCIP.",
     [], [], {SSSCIP}),
    ("Ongoing hostilities since 24.02.2022 have damaged over 4 000 base stations.",
     [], ["2022-02-24"], set()),
    ("The EBRD and the EIB each signed loan agreements of EUR 50 million with Ukrtelecom in 2023.",
     [M(5e7, "EUR", "pledge", actors=["European Bank for Reconstruction and Development",
                                       "European Investment Bank"], years=[2023])],
     ["2023"],
     {"European Bank for Reconstruction and Development", "European Investment Bank", "Ukrtelecom"}),
    ("Estimated damage to postal and telecom assets in the capital region stands at 1.3 billion US dollars.",
     [M(1.3e9, "USD", "damage")], [], set()),
    ("Funding requirements for the satellite backup project range from EUR 1 to 2 million.",
     [M(1e6, "EUR", "requirement")], [], set()),
    ("JICA provided ¥300 million in grant aid to restore broadcasting transmitters from December 2024 to "
     "February 2025.",
     [M(3e8, "JPY", "contribution", actors=["Japan International Cooperation Agency"],
        period=("2024-12", "2025-02"))],
     ["2024-12/2025-02"], {"Japan International Cooperation Agency"}),
    ("Nokia and Ericsson supplied radio equipment to Kyivstar PJSC at reduced prices, as agreed with the "
     "Ukrainian Ministry of Digital Transformation.",
     [], [], {"Nokia", "Ericsson", "Kyivstar", MINDIGIT}),
    # -- dates --
    ("Consultations held on 30 November–1 December 2024 agreed the priorities for 2025.",
     [], ["2024-11-30/2024-12-01", "2025"], set()),
    ("Between 1 and 3 March 2025 a BDT mission visited Kyiv to review damaged exchanges.",
     [], ["2025-03-01/2025-03-03"], {BDT}),
    ("Spectrum monitoring workshops took place on 22–23 May 2025 in Warsaw, hosted by the Polish regulator "
     "UKE.",
     [], ["2025-05-22/2025-05-23"], {"Polish Office of Electronic Communications"}),
    ("Deliveries of the remaining generators are expected in Q1 2025.",
     [], ["2025-01/2025-03"], set()),
    ("By mid-2024 more than 3,000 base stations had been restored.",
     [], ["2024"], set()),
    ("As at 30 June 2024, 18% of fixed lines remained out of service.",
     [], ["2024-06-30"], set()),
    ("The meeting planned for 12 to 14 November 2024 was moved online.",
     [], ["2024-11-12/2024-11-14"], set()),
    ("The next update is due in late 2025 and a full assessment in the first half of 2026.",
     [], ["2025", "2026"], set()),
    ("From January to March 2024 the ITU Academy delivered twelve online courses.",
     [], ["2024-01/2024-03"], {"ITU Academy"}),
]


def _scorer():
    spec = importlib.util.spec_from_file_location("scoring", HERE / "labels" / "scoring.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


@lru_cache(maxsize=2)
def extracted(use_model: bool = False) -> tuple[Extraction, ...]:
    """Each case as a one-paragraph report through the same record pipeline as ingest."""
    out = []
    for i, (text, *_rest) in enumerate(CASES):
        block = Block(id="p0000", kind="paragraph", text=text, page=1)
        doc = Document(id=f"h{i}", path=f"h{i}.txt", sha256="0" * 64, format="txt", kind="report",
                       blocks=[block])
        ex = Extraction(document=doc)
        extract_records(ex, use_model=use_model)
        out.append(ex)
    return tuple(out)


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 1.0
    r = tp / n_gold if n_gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _attributes(ex: Extraction, gold: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """(attribute, agrees) for every matched gold figure: actors, qualifier, as_of, period, years."""
    out = []
    pool = list(ex.figures)
    for g in gold:
        f = next((f for f in pool if round(f.amount, 2) == round(g["amount"], 2)
                  and f.currency == g["currency"]), None)
        if f is None:
            continue
        pool.remove(f)
        period = f.period.model_dump() if f.period else None
        out += [("actors", sorted(f.actors) == sorted(g["actors"])),
                ("qualifier", f.qualifier == g["qualifier"]),
                ("as_of", f.as_of == g["as_of"]), ("period", period == g["period"]),
                ("years", f.years == g["years"])]
    return out


def measure(use_model: bool = False) -> dict[str, Any]:
    """Micro-averaged scores over all cases, with the misses listed for the print-out."""
    score = _scorer()
    exs = extracted(use_model)
    figs = [f for ex in exs for f in ex.figures]
    gold_figs = [g for _, gs, _, _ in CASES for g in gs]
    money = score(figs, gold_figs)
    dates = score([d for ex in exs for d in ex.dates], [{"value": v} for _, _, vs, _ in CASES for v in vs])
    tp = n_pred = n_gold = 0
    actor_misses = []
    for ex, (text, _, _, names) in zip(exs, CASES, strict=True):
        found = {a.name for a in ex.actors}
        tp, n_pred, n_gold = tp + len(found & names), n_pred + len(found), n_gold + len(names)
        if found != names:
            actor_misses.append((text[:50], sorted(found - names), sorted(names - found)))
    attrs: dict[str, list[bool]] = {}
    fig_misses = []
    for ex, (text, gs, _, _) in zip(exs, CASES, strict=True):
        for name, ok in _attributes(ex, gs):
            attrs.setdefault(name, []).append(ok)
            if not ok:
                fig_misses.append((name, text[:50]))
    return {
        "money": money,
        "dates": dates,
        "actors": dict(zip(("precision", "recall", "f1"), _prf(tp, n_pred, n_gold), strict=True)),
        "actor_misses": actor_misses,
        "attributes": {k: sum(v) / len(v) for k, v in attrs.items()},
        "attribute_misses": fig_misses,
    }


def _report(m: dict[str, Any]) -> str:
    mo, da, ac = m["money"], m["dates"], m["actors"]
    lines = [
        f"money P/R/F1 {mo['precision']:.2f}/{mo['recall']:.2f}/{mo['f1']:.2f} "
        f"metric {mo.get('metric_accuracy', 0):.2f}",
        f"dates P/R/F1 {da['precision']:.2f}/{da['recall']:.2f}/{da['f1']:.2f}",
        f"actors P/R/F1 {ac['precision']:.2f}/{ac['recall']:.2f}/{ac['f1']:.2f}",
        "figure attributes " + ", ".join(f"{k} {v:.2f}" for k, v in m["attributes"].items()),
        f"money missed {mo['missed']} spurious {mo['spurious']}",
        f"metric errors {mo.get('metric_errors')}",
        f"dates missed {da['missed']} spurious {da['spurious']}",
        f"actor misses {m['actor_misses']}",
        f"attribute misses {m['attribute_misses']}",
    ]
    return "\n".join(lines)


def test_heldout_set_is_large_enough_and_covers_every_record_kind() -> None:
    assert 40 <= len(CASES) <= 60
    assert sum(len(gs) for _, gs, _, _ in CASES) >= 35
    assert sum(len(ds) for _, _, ds, _ in CASES) >= 25
    assert sum(len(ns) for _, _, _, ns in CASES) >= 40


def test_heldout_extraction_scores() -> None:
    m = measure(use_model=False)
    print("\n" + _report(m))
    assert m["money"]["f1"] >= 0.95, _report(m)
    assert m["money"]["metric_accuracy"] >= 0.85, _report(m)
    assert m["dates"]["f1"] >= 0.90, _report(m)
    assert m["actors"]["f1"] >= 0.85, _report(m)


# -- clause links: report paragraphs of our own, one or two per operative clause of Resolution 1408, and
# procedural ones that address none. (section title, text, expected clause ids without the "1408/" prefix).
R1, R2, R3, SG, MS = ("resolves-to-instruct/1", "resolves-to-instruct/2", "resolves-to-instruct/3",
                      "instructs-sg", "invites-member-states")
PARAGRAPHS: list[tuple[str | None, str, set[str]]] = [
    ("Monitoring the situation",
     "BDT keeps a running record of network outages and of the state of fixed and mobile operators, and "
     "shares a monthly situation update with the regulator and partners.", {R1}),
    ("Technical assistance",
     "At the request of the regulator, experts drafted a proposal for assistance with spectrum monitoring "
     "equipment and delivered two training sessions on network resilience.", {R1}),
    (None,
     "The latest damage and needs assessment, prepared with the World Bank, puts the sector's recovery needs "
     "at USD 4.8 billion.", {R1}),
    ("Impact on ITU activities in the region",
     "Several regional events planned in Eastern Europe were postponed or moved online, and the office "
     "reviewed how the conflict affected delivery of its regional programme.", {R2}),
    (None,
     "Because of air-raid alerts, staff of the area office were temporarily relocated and two country "
     "projects were put on hold.", {R2}),
    ("Resources",
     "To staff the programme the Bureau reassigned two experts and drew on the ICT Development Fund, in "
     "addition to CHF 150 000 from the operating budget.", {R3}),
    (None,
     "A dedicated fund in trust was opened so that extrabudgetary resources can be mobilized for the "
     "proposed projects.", {R3}),
    ("Coordination",
     "An inter-sectoral team brings together the Radiocommunication, Standardization and Development Sectors "
     "so that their work for Ukraine is aligned and duplication is avoided.", {SG}),
    (None,
     "A progress report went to the Plenipotentiary Conference, and an update is presented at every Council "
     "session since then.", {SG}),
    ("Contributions",
     "Member States answered the call: Austria contributed CHF 30 000 and Norway offered in-kind expertise "
     "for capacity building of the regulator's staff.", {MS}),
    (None,
     "Several donor governments have pledged bilateral contributions to rebuild the backbone network.", {MS}),
    (None, "The Council is requested to consider the present report and to provide guidance as appropriate.",
     set()),
    (None, "Annex: list of abbreviations used in this document.", set()),
    (None, "This document is also available in the other official languages of the Union.", set()),
]


@lru_cache(maxsize=1)
def operative() -> tuple[Clause, ...]:
    path = CORPUS / "res1408.txt"
    if not path.is_file():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return tuple(c for c in extract_bytes(path.read_bytes(), path.name, use_model=False).clauses
                 if c.kind == "operative")


def link_scores() -> tuple[float, list[tuple[str, set[str], set[str]]]]:
    """F1 of predicted paragraph -> clause links, and the paragraphs where prediction and label differ."""
    blocks = [Block(id=f"q{i}", kind="paragraph", text=t, section=str(i + 1) if title else None,
                    section_title=title) for i, (title, t, _) in enumerate(PARAGRAPHS)]
    ex = Extraction(document=Document(id="r", path="r.txt", sha256="0" * 64, format="txt", kind="report",
                                      blocks=blocks))
    extract_records(ex, use_model=False)
    clauses = list(operative())
    links = block_links(blocks, clauses, build_context(clauses, ex.figures, ex.actors))
    tp = n_pred = n_gold = 0
    wrong = []
    for b, (_, text, want) in zip(blocks, PARAGRAPHS, strict=True):
        got = {c.removeprefix("1408/") for c in links.get(b.id, [])}
        tp, n_pred, n_gold = tp + len(got & want), n_pred + len(got), n_gold + len(want)
        if got != want:
            wrong.append((text[:50], got, want))
    return _prf(tp, n_pred, n_gold)[2], wrong


def test_heldout_clause_links() -> None:
    assert {c.id.removeprefix("1408/") for c in operative()} == {R1, R2, R3, SG, MS}
    f1, wrong = link_scores()
    print(f"\nclause links F1 {f1:.2f}; differing {wrong}")
    assert f1 >= 0.75, wrong
    procedural = [t for _, t, want in PARAGRAPHS if not want]
    assert not any(t.startswith(w[0]) for t in procedural for w in wrong), "procedural text linked"
