"""Figures with meaning: synthetic sentences for every metric/owner/time rule, and the real report's labels
in its TXT, DOCX and PDF renderings."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from extract.actors import find_actors
from extract.figures import figures_in_document, sentences
from extract.nlp import get_nlp
from extract.pipeline import extract_file
from extract.records import dates_in_document
from schemas.models import ActorMention, Block, Document

HERE = Path(__file__).resolve().parent


def scorer():
    spec = importlib.util.spec_from_file_location("scoring", HERE / "labels" / "scoring.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


def doc_of(*texts: str, kinds: tuple[str, ...] = ()) -> Document:
    blocks = [
        Block(id=f"p{i:04d}", kind=(kinds[i] if i < len(kinds) else "paragraph"), text=t, page=1)
        for i, t in enumerate(texts)
    ]
    return Document(path="x.txt", sha256="0" * 64, format="txt", kind="report", year=2026, blocks=blocks)


def actors(text: str, names: list[str], block_id: str = "p0000") -> list[ActorMention]:
    out = []
    for n in names:
        at = text.index(n)
        out.append(ActorMention(start=at, end=at + len(n), text=n, name=n, block_id=block_id))
    return out


def figs(text: str, names: list[str] = (), kinds: tuple[str, ...] = ()):
    return figures_in_document(doc_of(text, kinds=kinds), actors(text, list(names)))


@pytest.mark.parametrize(
    ("text", "metric"),
    [
        ("Damage to the sector is estimated at USD 3 billion.", "damage"),
        ("The overall impact on the sector is estimated at USD 3 billion.", "damage"),
        ("Losses are estimated at EUR 4 billion.", "losses"),
        ("Recovery and reconstruction needs reach USD 9 billion over 2026-2035.", "needs"),
        ("Support to operators (Financial requirement: USD 20 million);", "requirement"),
        ("The Fund received CHF 40 000 in monetary voluntary contributions.", "contribution"),
        ("The Fund received CHF 40 000 in in-kind contributions.", "in-kind"),
        ("Since 2023 the Union has allocated CHF 60 000 from the regular budget.", "budget"),
        ("Pledges collected so far amount to USD 900 million.", "pledge"),
        ("The bank signed a loan commitment of €50 million.", "pledge"),
        ("A meeting took place and USD 2 million were mentioned.", "other"),
    ],
)
def test_metric_from_cue_words(text: str, metric: str) -> None:
    assert [f.metric for f in figs(text)] == [metric]


def test_total_with_parts_links_each_part_to_it() -> None:
    text = (
        "CHF 500 000 since 2021, including CHF 100 000 from the ITU budget, CHF 300 000 in monetary "
        "voluntary contributions and CHF 100 000 in in-kind contributions."
    )
    found = figs(text)
    assert [f.metric for f in found] == ["total", "budget", "contribution", "in-kind"]
    assert [f.parts_of for f in found] == [None, 0, 0, 0]
    assert found[0].cumulative and not found[1].cumulative


def test_amounts_in_parentheses_belong_to_the_actor_before_them() -> None:
    text = "The fund benefited from contributions by Norway (CHF 20 000; 2021), Chile (CHF 5 000; 2022/2023)."
    found = figs(text, ["Norway", "Chile"])
    assert [f.actors for f in found] == [["Norway"], ["Chile"]]
    assert [f.metric for f in found] == ["contribution", "contribution"]
    assert [f.years for f in found] == [[2021], [2022, 2023]]


def test_coordinated_subjects_of_a_giving_verb_all_own_the_money() -> None:
    text = "At the conference Acme Telecom, Globex and Initech have signed an agreement worth €12 million."
    found = figs(text, ["Acme Telecom", "Globex", "Initech"])
    assert found[0].actors == ["Acme Telecom", "Globex", "Initech"]


def test_beneficiary_and_secretariat_are_not_owners() -> None:
    text = "ITU supports Ukraine with a programme of USD 2 million in total."
    found = figs(text, ["ITU", "Ukraine"])
    assert found[0].actors == []


def test_as_of_period_subject_and_qualifier() -> None:
    text = (
        "The overall impact on the energy and transport sector as of 30 June 2025 is estimated at over "
        "USD 1.5 billion and needs at USD 4 billion over 2026-2030."
    )
    damage, needs = figs(text)
    assert (damage.metric, damage.as_of, damage.qualifier) == ("damage", "2025-06-30", "over")
    assert damage.subject == "energy and transport sector"
    assert needs.period is not None and (needs.period.start, needs.period.end) == ("2026", "2030")


def test_requirement_subject_is_the_list_item_title() -> None:
    text = "Rural broadband rollout, including schools (Financial requirement: USD 12 million);"
    found = figs(text, kinds=("list_item",))
    assert (found[0].metric, found[0].subject) == ("requirement", "Rural broadband rollout")


def test_list_item_title_is_not_cut_inside_an_amount() -> None:
    """"$48,200" holds a thousands comma: the title ends at a real comma, or there is no short title."""
    text = "A reduction of $48,200 for the workshop budget of the pilot project ($30,000 and $18,200);"
    titled = {f.text: f.subject for f in figs(text, kinds=("list_item",))}
    title = "A reduction of $48,200 for the workshop budget of the pilot project"
    assert (titled["$30,000"], titled["$18,200"]) == (title, title)  # the amounts in parentheses
    found = figs("Radio links, 2,000 units ($9,500);", kinds=("list_item",))
    assert found[-1].subject == "Radio links"


def test_recurring_amount_is_not_cumulative() -> None:
    found = figs("Since 2022, the Union has allocated CHF 10 000 from the operating budget annually.")
    assert found[0].metric == "budget" and found[0].cumulative is False


def test_sentence_splitter_keeps_abbreviations_and_decimals() -> None:
    text = "See Resolution 1408 (Mod. 2023), e.g. USD 2.48 billion. No. 5 follows. Next one."
    spans = [text[a:b] for a, b in sentences(text)]
    assert spans[0].endswith("USD 2.48 billion.")
    assert len(spans) == 2 or spans[-1] == "Next one."


def test_dates_in_document_carry_block_page_and_sentence() -> None:
    doc = doc_of("Nothing here.", "It was released on 3 May 2026. Another sentence.")
    found = dates_in_document(doc)
    assert [(d.value, d.block_id, d.page) for d in found] == [("2026-05-03", "p0001", 1)]
    assert found[0].sentence == "It was released on 3 May 2026."


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_report_money_against_labels(corpus_dir: Path, fmt: str) -> None:
    result = extract_file(corpus_dir / f"c26-res1408-report.{fmt}", use_model=False)
    gold = json.loads((HERE / "labels" / "c26_report_money.json").read_text(encoding="utf-8"))
    canon = _canon()
    money = scorer()(result.figures, gold, canon)
    assert money["f1"] >= 0.95, money
    assert money["metric_accuracy"] >= 0.85, money
    contributors = [f for f in result.figures if f.metric == "contribution" and f.years]
    donors = {canon("Japan"), canon("Bulgaria"), canon("Lithuania")}
    assert {a for f in contributors for a in f.actors} >= donors
    assert money["actors_accuracy"] >= 0.85, money
    dates_gold = json.loads((HERE / "labels" / "c26_report_dates.json").read_text(encoding="utf-8"))
    dates = scorer()(result.dates, dates_gold)
    assert dates["f1"] >= 0.90, dates


def _canon():
    """Gold actor names through the gazetteer, so "ITU" compares equal to its canonical name."""
    nlp = get_nlp(False)

    def canon(name: str) -> str:
        found = find_actors(name, nlp)
        return found[0].name if found else name

    return canon


def _assessment(*rows: tuple[str | None, str | None, str]) -> Document:
    """(chapter, section, text) per paragraph: a synthetic assessment with sector chapters."""
    blocks = [
        Block(id=f"p{i:04d}", kind="paragraph", text=t, page=1, chapter=ch, section=sec)
        for i, (ch, sec, t) in enumerate(rows)
    ]
    return Document(path="a.txt", sha256="0" * 64, format="txt", kind="assessment", year=2025, blocks=blocks)


def test_carried_subject_stays_inside_its_chapter() -> None:
    doc = _assessment(
        ("Energy", None, "Damage to the energy sector is estimated at US$ 10.6 billion."),
        ("Energy", None, "Losses are estimated at US$ 2.1 billion."),
        ("Transport", None, "Losses are estimated at US$ 3.4 billion."),
        ("Transport", None, "Damage to the transport sector is estimated at US$ 5 billion."),
        ("Transport", None, "Needs are estimated at US$ 7 billion."),
    )
    got = [(f.chapter, f.metric, f.subject) for f in figures_in_document(doc, [])]
    assert got[0] == ("Energy", "damage", "energy sector")
    assert got[1] == ("Energy", "losses", "energy sector")  # carried within the chapter
    assert got[2] == ("Transport", "losses", None)  # not carried into the next chapter
    assert got[4] == ("Transport", "needs", "transport sector")


def test_carried_subject_resets_at_a_new_top_level_section() -> None:
    doc = _assessment(
        (None, "2", "Damage to the energy sector is estimated at US$ 10.6 billion."),
        (None, "2", "Losses are estimated at US$ 2.1 billion."),
        (None, "3", "Needs are estimated at US$ 9 billion."),
    )
    assert [f.subject for f in figures_in_document(doc, [])] == ["energy sector", "energy sector", None]


# -- issue 12: meaning from the governing words, owners, time -------------------------------------------
_BUDGET_LEAD = (
    "Proposed programme budget for 2026: regular budget and extrabudgetary resources, non-post costs.",
)


def budget_figs(*texts: str):
    d = doc_of(*_BUDGET_LEAD, *texts)
    return [f for f in figures_in_document(d, []) if f.block_id != "p0000"]


@pytest.mark.parametrize(
    ("text", "metric", "detail"),
    [
        ("Decides to appropriate the amount of 1,355,899,200 dollars for the maintenance of the Mission.",
         "budget", "appropriation"),
        ("Excludes expenditure in an amount of $1,658,200.", "budget", "expenditure"),
        ("The resources reflect a decrease of $363,900 under grants and contributions.",
         "budget", "decrease"),
        ("Decides to apportion among Member States the amount of 1,000,000 dollars.",
         "budget", "apportionment"),
        ("Authorizes the Secretary-General to enter into commitments in an amount not exceeding 2,771,700 "
         "dollars.", "budget", "commitment_authority"),
        ("The overall resources proposed for 2026 amount to $20,389,100.", "budget", "proposed"),
        ("Extrabudgetary resources amount to $19,995,000.", "budget", "extrabudgetary"),
    ],
)
def test_budget_meaning_from_the_governing_verb_and_noun(text: str, metric: str, detail: str) -> None:
    (f,) = budget_figs(text)
    assert (f.metric, f.budget_kind) == (metric, detail)


def test_parts_in_parentheses_take_the_meaning_of_the_change_not_of_their_budget_line() -> None:
    text = (
        "The decrease of $363,900 under consultants ($52,900), contractual services ($54,300) and grants and "
        "contributions ($256,700) reflects lower requirements."
    )
    found = budget_figs(text)
    assert [(f.amount, f.metric) for f in found] == [
        (363900, "budget"), (52900, "budget"), (54300, "budget"), (256700, "budget")
    ]
    assert found[-1].budget_kind == "decrease"


def test_rdna_cues_do_not_leak_into_a_budget() -> None:
    (f,) = budget_figs("The total reduction of $461,400 would be repurposed to cover the impact of posts.")
    assert f.metric == "budget" and f.subject is None


@pytest.mark.parametrize(
    ("text", "owner"),
    [
        ("The revised budget for the Executive Office of the Secretary-General amounts to $14,682,100.",
         "Executive Office of the Secretary-General"),
        ("Decides to appropriate to the Special Account for the United Nations Mission in South Sudan "
         "the amount of 1,355,899,200 dollars.", "United Nations Mission in South Sudan"),
    ],
)
def test_owner_from_for_and_of_phrases(text: str, owner: str) -> None:
    (f,) = budget_figs(text)
    assert f.actors == [owner]


def test_owner_of_a_budget_part_is_its_numbered_entity_heading() -> None:
    d = doc_of(*_BUDGET_LEAD, "II. United Nations Truce Supervision Organization",
               "The proposed regular budget resources for 2026 amount to $43,335,100.",
               kinds=("paragraph", "heading"))
    d.blocks[1].level = 1
    (f,) = [f for f in figures_in_document(d, []) if f.block_id == "p0002"]
    assert f.actors == ["United Nations Truce Supervision Organization"] and f.years == [2026]


def test_time_recurring_cumulative_duration_and_fiscal() -> None:
    d = doc_of(
        "Since 2022, ITU has allocated CHF 85 000 from the operating budget annually to the work.",
        "CHF 346 000 since 2022 were mobilized.",
        "The bank committed €30 million in financing over the next three years at the conference in 2025.",
        "Approves the budget of 120,000,000 dollars for the 2025/26 period.",
    )
    d.date = "2026-03-27"
    f1, f2, f3, f4 = figures_in_document(d, [])
    assert (f1.recurrence, f1.years) == ("annual", [2022, 2023, 2024, 2025, 2026])
    assert f2.cumulative and (f2.period.start, f2.period.end, f2.period_kind) == ("2022", "2026-03-27",
                                                                                   "cumulative")
    assert (f3.period.start, f3.period.end, f3.period_kind) == ("2026-03-27", "2029-03-27", "duration")
    assert (f4.period.start, f4.period.end, f4.period_kind) == ("2025-07-01", "2026-06-30", "fiscal")


def test_reference_report_partner2connect_envelope_has_its_owner() -> None:
    from conftest import CORPUS

    ex = extract_file(CORPUS / "c26-res1408-report.docx", use_model=False)
    (f,) = [f for f in ex.figures if f.text == "USD 770 million"]
    assert f.actors == ["Partner2Connect"] and f.metric == "pledge"
    (eur,) = [f for f in ex.figures if f.text == "€30 million"]
    assert (eur.period.start, eur.period.end, eur.period_kind) == ("2025", "2028", "duration")


def test_a_cue_inside_a_fund_name_does_not_make_pledges_damage() -> None:
    text = (
        "Welcomes the new Fund for responding to Loss and Damage and the pledges of 700 million "
        "United States dollars for the arrangements, including 600 million United States dollars for the"
        " Fund."
    )
    found = figures_in_document(doc_of(text), [])
    assert [(f.amount, f.metric) for f in found] == [(700e6, "pledge"), (600e6, "pledge")]
