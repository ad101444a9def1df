"""Actors: gazetteer first, document-defined acronyms, filtered model entities; F1 on the real report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.actors import actors_in_document, find_actors, find_definitions, fold_actors, guess_type
from extract.parse_docx import parse_docx
from extract.parse_pdf import parse_pdf
from extract.parse_text import parse_text
from schemas.models import Block, Document, Limits

LABELS = Path(__file__).resolve().parent / "labels" / "c26_report_actors.json"


def names(text: str, use_model: bool = True) -> list[str]:
    from extract.nlp import get_nlp

    return [m.name for m in find_actors(text, get_nlp(use_model))]


def f1(found: set[str], expected: set[str]) -> float:
    tp = len(found & expected)
    return 2 * tp / (len(found) + len(expected)) if found or expected else 1.0


def _doc(*texts: str) -> Document:
    blocks = [Block(id=f"p{i:04d}", kind="paragraph", text=t, page=i + 1) for i, t in enumerate(texts)]
    return Document(id="d1", path="x.txt", sha256="0" * 64, format="txt", blocks=blocks)


@pytest.mark.parametrize("use_model", [True, False])
def test_no_currency_mod_or_city(use_model: bool) -> None:
    text = (
        "Council Resolution 1408 (Mod. 2023) funds: CHF 85 000 and USD 2 million, EUR 30 million. "
        "Meetings were held in Rome, Geneva, Gdansk, Krakow, Athens and Prague in May and June."
    )
    found = names(text, use_model)
    bad_forms = ("CHF", "USD", "EUR", "Mod", "Rome", "Geneva", "Gdansk", "Krakow", "Athens", "Prague", "May")
    for bad in bad_forms:
        assert bad not in found
    assert all("1408" not in n for n in found)


def test_city_with_country_keeps_country_only() -> None:
    assert names("The conference will be held in Gdansk, Poland, and in Prague, Czech Republic.") == [
        "Poland",
        "Czech Republic",
    ]


def test_possessives_map_to_actor() -> None:
    ms = find_actors("Ukraine’s needs, the European Commission's in-kind aid, Republic of Poland’s offer.")
    assert [(m.text, m.name) for m in ms] == [
        ("Ukraine", "Ukraine"),
        ("European Commission", "European Commission"),
        ("Republic of Poland", "Poland"),
    ]
    assert ms[0].start == 0 and ms[0].end == len("Ukraine")


def test_variants_fold_to_canonical_member_state() -> None:
    found = names("Czechia, the Czech Republic; Turkey, Türkiye; the United Kingdom; the Russian Federation.")
    cz, tr = ["Czech Republic"] * 2, ["Türkiye"] * 2
    assert found == [*cz, *tr, "United Kingdom", "Russian Federation"]


def test_acronym_definitions() -> None:
    defs = {d.acronym: d for d in find_definitions(
        "ITU, as the United Nations (UN) agency, works with the State Service of Special Communications and "
        "Information Protection (SSSICP) and wrote the Rapid Damage and Needs Assessment (RDNA)."
    )}
    assert defs["UN"].name == "United Nations"
    assert defs["SSSICP"].long_form == "State Service of Special Communications and Information Protection"
    assert defs["SSSICP"].type == "national_authority"
    assert defs["RDNA"].name is None  # an assessment, not an actor


def test_unknown_defined_long_form_becomes_actor_document_wide() -> None:
    doc = _doc(
        "Training was given with the Kharkiv Regional Institute of Signal Engineering (KRISE) in Ukraine.",
        "KRISE then hosted a second course; KRISE’s staff attended.",
        "The Ministry of Fictional Affairs of Ukraine (MFAU) agreed.",
    )
    ms = actors_in_document(doc, use_model=False)
    krise = [m for m in ms if m.name == "Kharkiv Regional Institute of Signal Engineering"]
    assert [m.block_id for m in krise] == ["p0000", "p0000", "p0001", "p0001"]
    assert krise[0].type == "academia" and krise[2].source == "acronym" and krise[2].page == 2
    assert {m.name for m in ms if m.text == "MFAU"} == {"Ministry of Fictional Affairs of Ukraine"}
    folded = {a.name: a for a in fold_actors(ms)}
    assert folded["Kharkiv Regional Institute of Signal Engineering"].mentions == 4
    assert folded["Kharkiv Regional Institute of Signal Engineering"].aliases == [
        "KRISE",
        "Kharkiv Regional Institute of Signal Engineering",
    ]
    assert folded["Ministry of Fictional Affairs of Ukraine"].type == "national_authority"
    assert folded["Ukraine"].doc_id == "d1"


def test_defined_acronym_of_gazetteer_actor_maps_to_it_everywhere() -> None:
    doc = _doc("Calls with the Ministry of Digital Transformation of Ukraine (MDT) continue.",
               "Later MDT’s focal point reported.")
    ms = [m for m in actors_in_document(doc, use_model=False) if m.text == "MDT"]
    assert {m.name for m in ms} == {"Ministry of Digital Transformation of Ukraine"}
    assert len(ms) == 2


def test_guess_type() -> None:
    assert guess_type("National University of Somewhere") == "academia"
    assert guess_type("Digital Resilience Coalition") == "initiative"
    assert guess_type("Special Fund in Trust") is None
    assert guess_type("Regional Development Forum") is None
    assert guess_type("Agency for Frequency Management", "in Ukraine") == "national_authority"


def test_rules_only_finds_gazetteer_actors() -> None:
    assert names("Nokia and Kyivstar signed with UNDP and the World Bank.", use_model=False) == [
        "Nokia", "Kyivstar", "United Nations Development Programme", "World Bank",
    ]


PARSERS = {"txt": parse_text, "docx": parse_docx, "pdf": parse_pdf}


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("use_model", [True, False])
def test_report_actor_f1(corpus_dir: Path, fmt: str, use_model: bool) -> None:
    parser = PARSERS[fmt]
    path = corpus_dir / f"c26-res1408-report.{fmt}"
    doc = parser(path.read_bytes(), str(path), Limits())
    expected = {e["name"] for e in json.loads(LABELS.read_text(encoding="utf-8"))}
    found = {a.name for a in fold_actors(actors_in_document(doc, use_model=use_model))}
    score = f1(found, expected)
    assert score >= 0.85, (score, sorted(found - expected), sorted(expected - found))


def test_model_org_cut_by_member_state_is_rejoined() -> None:
    from extract.nlp import has_model

    if not has_model():
        pytest.skip("needs the statistical model")
    ms = find_actors("The Ministry of Energy of Moldova (MEM) met the Ministry of Health of Ukraine.")
    assert [(m.text, m.name, m.type) for m in ms] == [
        ("Ministry of Energy of Moldova", "Ministry of Energy of Moldova", "national_authority"),
        ("MEM", "Ministry of Energy of Moldova", "national_authority"),
        ("Ministry of Health of Ukraine", "Ministry of Health of Ukraine", "national_authority"),
    ]


@pytest.mark.parametrize("name", ["c26-res1408-report.pdf", "res1408.docx", "real/A_RES_80_229.pdf"])
def test_model_on_candidate_sentences_only_finds_what_the_whole_block_run_finds(
    corpus_dir: Path, name: str
) -> None:
    """The speed-up that sends only sentences with unmatched capitalised words to the model loses nothing."""
    from extract.actors import _definition_map, _mentions
    from extract.nlp import get_nlp, has_model
    from extract.pipeline import parse
    from schemas.models import Limits

    if not has_model():
        pytest.skip("needs the statistical model")
    doc = parse((corpus_dir / name).read_bytes(), name, Limits())
    blocks = [b for b in doc.blocks if b.text.strip()]
    defs = _definition_map([b.text for b in blocks])
    nlp = get_nlp(True)
    whole = [
        (b.id, m.start, m.end, m.name)
        for b in blocks
        for m in _mentions(list(nlp(b.text).ents), b.text, defs)
    ]
    fast = [(m.block_id, m.start, m.end, m.name) for m in actors_in_document(doc, use_model=True)]
    assert whole and fast == whole


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The General Assembly Took Note of the Report.", False),  # capitalised, but no name shape left free
        ("The Field Service posts remain.", True),  # (a) a head word the model may tag as an ORG
        ("The Republic of Moldova and the Administration of Ukraine replied.", True),  # (a)/(b)
        ("Staff In Geneva Moved To the Palais.", False),
    ],
)
def test_model_runs_only_where_a_kept_mention_is_possible(sentence: str, expected: bool) -> None:
    """The pre-filter before the model: free text (outside the rulers' matches) must hold a name shape."""
    from extract.actors import _model_may_add
    from extract.nlp import get_nlp

    nlp = get_nlp(True)
    doc = next(nlp.pipe([sentence], disable=[n for n in ("ner",) if n in nlp.pipe_names]))
    assert any(_model_may_add(s) for s in doc.sents) is expected
