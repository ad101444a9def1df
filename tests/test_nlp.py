"""The shared pipeline: loaded once, lean, gazetteer-driven, and usable without a statistical model."""

from __future__ import annotations

import json

from extract.nlp import DATA_DIR, actor_patterns, gazetteer, get_nlp, model_name


def test_pipeline_is_cached_and_lean() -> None:
    nlp = get_nlp()
    assert get_nlp() is nlp
    assert "parser" not in nlp.pipe_names and "lemmatizer" not in nlp.pipe_names
    names = nlp.pipe_names
    assert names.index("sentencizer") < names.index("actor_ruler") < names.index("actor_ruler_exact")
    if "ner" in names:
        assert names.index("actor_ruler_exact") < names.index("ner")
        assert model_name().startswith("en_core_web_sm")


def test_rules_only_pipeline_has_no_model() -> None:
    nlp = get_nlp(use_model=False)
    assert "ner" not in nlp.pipe_names
    assert model_name(use_model=False).startswith("rules-only")
    doc = nlp("Delegates from the Republic of Korea met UNICEF. They left.")
    assert [e.ent_id_ for e in doc.ents] == ["Republic of Korea", "United Nations Children's Fund"]
    assert len(list(doc.sents)) == 2


def test_194_member_states_with_variants() -> None:
    data = json.loads((DATA_DIR / "member_states.json").read_text(encoding="utf-8"))
    names = [e["name"] for e in data["entries"]]
    assert len(names) == len(set(names)) == 194
    gaz = gazetteer()
    assert "Czechia" in gaz["Czech Republic"]["aliases"]
    assert "Turkey" in gaz["Türkiye"]["aliases"]
    assert gaz["Russian Federation"]["type"] == "member_state"


def test_patterns_case_rules() -> None:
    nlp = get_nlp(use_model=False)
    lower, exact = actor_patterns(nlp)
    assert any(p["pattern"] == "ITU" for p in exact) and not any(p["pattern"] == "ITU" for p in lower)
    doc = nlp("turkey and china are on the menu; TÜRKIYE and China are states; the itu is not ITU.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [
        ("TÜRKIYE", "Türkiye"),
        ("China", "China"),
        ("ITU", "International Telecommunication Union"),
    ]
    doc = nlp("the ministry of digital transformation of ukraine")  # multi-word names: any case
    assert [e.ent_id_ for e in doc.ents] == ["Ministry of Digital Transformation of Ukraine"]


def test_conference_editions_by_regex() -> None:
    doc = get_nlp(use_model=False)("contributions to the WTDC-21 and PP-22")
    assert [e.ent_id_ for e in doc.ents] == [
        "World Telecommunication Development Conference",
        "ITU Plenipotentiary Conference",
    ]


def test_batched_dependency_parse_equals_one_call_per_sentence() -> None:
    """governing.prepare batches the parse for speed: the trees must be those of single calls."""
    import pytest

    from extract.nlp import dependency_parser, get_nlp

    parser = dependency_parser()
    if parser is None:
        pytest.skip("needs the statistical model")
    texts = [
        "Decides to appropriate the amount of 1,355,899,200 dollars for the Mission.",
        "Resources amount to $4.2 million.",
        "The Council approved a budget of CHF 85 000 for 2024, including CHF 5 000 for travel.",
    ]

    def tree(doc):  # noqa: ANN001, ANN202
        return [(t.text, t.dep_, t.head.i, t.lemma_, t.pos_) for t in doc]

    assert [tree(d) for d in parser.pipe(texts)] == [tree(parser(t)) for t in texts]
    assert "parser" not in get_nlp(True).pipe_names  # the NER pipeline never runs the parser itself


def test_spacy_command_line_package_loads_on_demand() -> None:
    """extract.nlp imports spaCy without spacy.cli (start-up time); asking for it later still works."""
    import subprocess
    import sys

    code = (
        "import sys, extract.nlp, spacy; assert 'typer' not in sys.modules; "
        "import spacy.cli; assert callable(spacy.cli.download) and callable(spacy.info)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
