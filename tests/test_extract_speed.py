"""The extraction speed-ups change no record: the guarded date scan finds what the plain one finds, and the
figures of sentences left unparsed (figures.sentences_to_parse) are those a parse of every sentence gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import figures as F
from extract.dates import _point_re, dates_in, find_dates
from extract.governing import has_parser, possible_lemmas
from extract.money import find_money, money_in
from extract.pipeline import parse
from extract.text import sentence_spans, start_guard
from schemas.models import Block, Document, Limits

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
needs_parser = pytest.mark.skipif(not has_parser(), reason="no spaCy model installed")


def _unguarded(p: re.Pattern[str]) -> re.Pattern[str]:
    head = p.pattern.index("(?:")  # the guard is a lookahead in front of the whole alternation
    assert p.pattern[:head].startswith("(?=")
    return re.compile(p.pattern[head + 3 : -1])


def _matches(p: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict]]:
    return [(m.span(), m.groupdict()) for m in p.finditer(text)]


DATEISH = st.lists(
    st.sampled_from([*"0123456789 -/.,'’QHJFMASONDjfmasondeyrlt", " May ", "mid-", "first ", "ſ", "2025"]),
    max_size=30,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(DATEISH)
def test_guarded_date_scan_matches_the_plain_one(text):
    assert _matches(_point_re(), text) == _matches(_unguarded(_point_re()), text)


def test_guarded_date_scan_on_the_reference_texts():
    texts = [p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")] or pytest.skip("no corpus")
    for text in texts:
        assert _matches(_point_re(), text) == _matches(_unguarded(_point_re()), text)


def test_start_guard_names_digits_and_word_heads():
    guard = re.compile(start_guard(["mid", "first quarter"], ["Q"]))
    assert [m.start() for m in guard.finditer("a 5 Mid FIRST Q q")] == [2, 4, 8, 14]


def test_shared_views_equal_the_copies():
    text = "CHF 346 000 since 2022, including USD 2.5 million on 4-5 November 2025."
    assert list(money_in(text)) == find_money(text)
    assert list(dates_in(text, "2026")) == find_dates(text, "2026")
    assert sentence_spans(text) == sentence_spans(text) and isinstance(sentence_spans(text), list)


@needs_parser
def test_possible_lemmas_cover_irregular_forms():
    lemmas = possible_lemmas("Donors spent and pledged the estimates.")
    assert {"spend", "pledge", "estimate", "donor"} <= lemmas


def _doc(*texts: str) -> Document:
    blocks = [Block(id=f"p{i:04d}", kind="paragraph", text=t, page=1) for i, t in enumerate(texts)]
    return Document(path="x.txt", sha256="0" * 64, format="txt", kind="report", year=2026, blocks=blocks)


@needs_parser
def test_gate_parses_only_what_can_change():
    doc = _doc(
        "The programme received USD 5 million in 2024.",  # no detail word, no name: decided by rules
        "The budget for the Joint Inspection Unit is USD 5 million.",  # a name the parse may own it by
        "Pledges and contributions reached USD 7 million.",  # two details: which governs needs the parse
    )
    got = [F.sentences_to_parse(doc, i, [], False) for i in range(3)]
    assert got[0] == set()
    assert got[1] == {(0, len(doc.blocks[1].text))}
    assert got[2] == {(0, len(doc.blocks[2].text))}


def _all_sentences(doc: Document, idx: int, acts, budget: bool) -> set[tuple[int, int]]:
    return set(sentence_spans(doc.blocks[idx].text))


REAL = [  # budget and non-budget documents, PDF and Word, report and resolutions
    "c26-res1408-report.txt", "real/A_RES_80_243.pdf", "real/A_RES_80_138.pdf", "real/A_RES_80_242.pdf",
    "real/A_80_6_Sect6_advance.docx",
]


@needs_parser
@pytest.mark.parametrize("name", REAL)
def test_gated_figures_equal_fully_parsed(name, monkeypatch):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"{path} missing")
    from extract.actors import actors_in_document
    from extract.classify import classify

    doc = classify(parse(path.read_bytes(), str(path), Limits()))
    acts = actors_in_document(doc)
    gated = [f.model_dump() for f in F.figures_in_document(doc, acts, parse=True)]
    monkeypatch.setattr(F, "sentences_to_parse", _all_sentences)
    full = [f.model_dump() for f in F.figures_in_document(doc, acts, parse=True)]
    assert gated == full
    assert gated  # each of these documents states amounts
