"""Clause catalogue: the same clauses and ids from TXT, DOCX and PDF of a resolution, and other layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.classify import classify
from extract.pipeline import parse
from extract.resolution import is_phrase, parse_clauses, slug
from schemas.models import Block, Document, Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

OPERATIVE = [
    "1408/resolves-to-instruct/1",
    "1408/resolves-to-instruct/2",
    "1408/resolves-to-instruct/3",
    "1408/instructs-sg",
    "1408/invites-member-states",
]
PREAMBULAR = [
    "1408/recalling/a",
    "1408/recalling/b",
    "1408/recalling/c",
    "1408/recalling-further/a",
    "1408/recalling-further/b",
    "1408/reaffirming",
    "1408/reiterating-itu-commitment",
    "1408/deploring-in-this-regard",
]


def _clauses(fmt: str):
    path = CORPUS / f"res1408.{fmt}"
    if not path.exists():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    doc = classify(parse(path.read_bytes(), str(path), Limits()))
    return doc, parse_clauses(doc)


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_res1408_catalogue(fmt):
    doc, clauses = _clauses(fmt)
    by_id = {c.id: c for c in clauses}
    assert [c.id for c in clauses] == PREAMBULAR + OPERATIVE
    assert all(c.resolution == "1408" for c in clauses)
    assert [c.kind for c in clauses] == ["preambular"] * len(PREAMBULAR) + ["operative"] * len(OPERATIVE)
    r2 = by_id["1408/resolves-to-instruct/2"]
    assert r2.verb == "resolves to instruct the Directors of the three Bureaux" and r2.number == "2"
    assert r2.text.startswith("to carry out an assessment") and not r2.text.startswith(("2", "1"))
    assert by_id["1408/instructs-sg"].number is None
    assert by_id["1408/instructs-sg"].verb == "instructs the Secretary-General"
    assert by_id["1408/recalling-further/b"].number == "b"
    assert by_id["1408/recalling/a"].text.startswith("the noble principles")
    assert by_id["1408/recalling/a"].text.endswith("Information Society;")  # whole item, even over lines
    known = {b.id: b for b in doc.blocks}
    for c in clauses:
        assert c.block_ids and all(i in known for i in c.block_ids)
        assert c.page == known[c.block_ids[0]].page
        assert "bookmark" not in c.text and c.text == c.text.strip()
    if fmt == "pdf":
        assert all(c.page for c in clauses)


def test_same_text_across_formats():
    texts = {fmt: {c.id: c.text for c in _clauses(fmt)[1]} for fmt in ("txt", "docx", "pdf")}
    first = next(iter(texts.values()))
    for other in texts.values():
        assert other == first


def test_slug_rule():
    assert slug("resolves to instruct the Directors of the three Bureaux") == "resolves-to-instruct"
    assert slug("instructs the Secretary-General") == "instructs-sg"
    assert slug("invites Member States") == "invites-member-states"
    assert slug("recalling further,") == "recalling-further"
    assert slug("instructs the Director of the Telecommunication Development Bureau") == "instructs-bdt"
    long_phrase = "noting with appreciation the work done by many parties"
    assert slug(long_phrase) == "noting-with-appreciation-work-done"


def _doc(lines: list[tuple[str, str | None]]) -> Document:
    blocks = [Block(id=f"b{i}", kind="list_item" if lab else "paragraph", text=t, label=lab, page=1 + i // 8)
              for i, (t, lab) in enumerate(lines)]
    return Document(path="r.txt", sha256="0", format="docx", blocks=blocks)


def test_other_layout_plenipotentiary_style():
    doc = classify(
        _doc(
            [
                ("RESOLUTION 99 (REV. BUSAN, 2014)", None),
                ("Support for a sample programme", None),
                ("The Plenipotentiary Conference of the Union (Busan, 2014),", None),
                ("considering", None),
                ("(a) that sample networks matter;", None),
                ("(b) that they need upkeep,", None),
                ("noting", None),
                ("the progress made so far in the", None),
                ("sample regions,", None),
                ("resolves", None),
                ("to keep the programme running;", None),
                ("to review it every four years,", None),
                ("further instructs the Director of the Telecommunication Development Bureau", None),
                ("1) to report yearly;", None),
                ("a) with figures;", None),
                ("2) to seek partners.", None),
                ("ANNEX TO RESOLUTION 99", None),
                ("invites the reader", None),
                ("to ignore annex text.", None),
            ]
        )
    )
    assert doc.kind == "resolution" and doc.resolution == "99"
    assert doc.resolution_version == "REV. BUSAN, 2014" and doc.symbol == "PP Resolution 99"
    assert doc.title == "Support for a sample programme"
    clauses = parse_clauses(doc)
    assert [c.id for c in clauses] == [
        "99/considering/a",
        "99/considering/b",
        "99/noting",
        "99/resolves/1",
        "99/resolves/2",
        "99/further-instructs-bdt/1",
        "99/further-instructs-bdt/2",
    ]
    by_id = {c.id: c for c in clauses}
    assert by_id["99/noting"].text == "the progress made so far in the sample regions,"  # continuation joined
    assert by_id["99/noting"].block_ids == ["b7", "b8"] and by_id["99/noting"].page == 1
    # the sub-item is part of its numbered item
    assert by_id["99/further-instructs-bdt/1"].text == "to report yearly; a) with figures;"
    assert by_id["99/further-instructs-bdt/2"].page == 2
    assert by_id["99/resolves/2"].kind == "operative" and by_id["99/considering/b"].kind == "preambular"


def test_not_a_resolution_gives_no_clauses():
    lines = [("Purpose", None), ("Report text.", None), ("Action required", None), ("None.", None)]
    doc = classify(_doc(lines))
    assert doc.kind == "report" and parse_clauses(doc) == []


def test_phrase_detection():
    assert is_phrase(Block(id="x", kind="paragraph", text="recognizing also"))
    assert is_phrase(Block(id="x", kind="paragraph", text="bearing in mind"))
    assert not is_phrase(Block(id="x", kind="paragraph", text="to coordinate the activities."))
    assert not is_phrase(Block(id="x", kind="list_item", text="recalling", label="a)"))
    assert not is_phrase(Block(id="x", kind="paragraph", text="The ITU Council,"))


def test_line_broken_layout_keeps_items_whole():
    """A PDF parser that yields one block per printed line: continuations must not open items or phrases."""
    lines = [
        ("RESOLUTION 7", None),
        ("Sample title", None),
        ("The ITU Council,", None),
        ("regretting", None),
        ("the outage reported since the", None),
        ("beginning of the year,", None),
        ("instructs the Secretary-General", None),
        ("to act in favour of", None),
        ("Member States in need, and to report", None),
        ("yearly.", None),
    ]
    clauses = parse_clauses(classify(_doc(lines)))
    assert [c.id for c in clauses] == ["7/regretting", "7/instructs-sg"]
    assert clauses[0].text == "the outage reported since the beginning of the year,"
    assert clauses[1].text.endswith("to report yearly.") and len(clauses[1].block_ids) == 3
