"""compare's work over the spare core: the same series and checks as one process, whatever the split."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

import corpus.compare as compare_module
import corpus.table_checks as table_checks_module
from corpus.compare import _Fig, _time_clash, analyse
from extract.parallel import fork_each
from extract.pipeline import extract_file
from schemas.models import Document, Figure, Period
from schemas.rules import ParallelSettings, load_rules

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
PARENT = os.getpid()


def _where(x: int) -> tuple[int, bool]:
    return x * x, os.getpid() != PARENT


def test_fork_each_keeps_item_order_and_uses_a_child() -> None:
    items = list(range(40))
    got = fork_each(_where, items, 2, lambda x: 1 + (x % 7) * 10, 1)
    assert [v for v, _ in got] == [x * x for x in items]
    assert any(child for _, child in got)  # a share went to another process
    assert fork_each(_where, items, 2, lambda x: 1, 1000) == [(x * x, False) for x in items]  # too little


def _pairwise_clash(members: list[_Fig]) -> bool:
    """The scan _fill_points made before: every pair of different amounts through _same_time."""
    same = compare_module._same_time
    return any(same(g, h) for g in members for h in members if g.fig.amount != h.fig.amount)


@pytest.mark.parametrize("seed", range(6))
def test_time_clash_equals_the_pairwise_scan(seed: int) -> None:
    rng = random.Random(seed)
    docs = [Document(id=f"d{i}", path="x", sha256="x", format="txt") for i in range(3)]
    for _ in range(40):
        members = []
        for i in range(rng.randint(1, 7)):
            period = rng.choice([None, Period(start="2024", end="2025")])
            fig = Figure(start=0, end=3, text="USD 1", amount=rng.choice([1.0, 2.0]), currency="USD",
                         metric="budget",
                         block_id=rng.choice(["p1", "p2"]), sentence=rng.choice(["a", "b"]), period=period,
                         years=rng.choice([[], [2024], [2025, 2024]]))
            members.append(_Fig(fig=fig, doc=rng.choice(docs), index=i, cutoff=rng.choice([None, "2025-06"])))
        assert _time_clash(members) == _pairwise_clash(members)


def _every_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork for any amount of work, so the examples take the parallel paths."""
    real = load_rules

    def rules(model: type) -> object:
        if model is ParallelSettings:
            return real(ParallelSettings).model_copy(update={"min_records_per_process": 1})
        return real(model)

    monkeypatch.setattr(compare_module, "load_rules", rules)
    monkeypatch.setattr(table_checks_module, "load_rules", rules)


def _sample_editions() -> tuple[list[Document], list[Figure]]:
    """The sample corpus's report editions and RDNA, extracted, each document id its file name."""
    names = ("c24-report-sample.docx", "c25-report-sample.docx", "c26-report-sample.pdf", "rdna-sample.docx")
    if not all((EXAMPLES / n).exists() for n in names):
        pytest.skip("examples/ not generated")
    docs, figures = [], []
    for n in names:
        ex = extract_file(EXAMPLES / n, use_model=False)
        docs.append(ex.document.model_copy(update={"id": n}))
        figures += [f.model_copy(update={"doc_id": n}) for f in ex.figures]
    return docs, figures


def test_analyse_over_two_cores_equals_one(monkeypatch: pytest.MonkeyPatch) -> None:
    docs, figures = _sample_editions()
    one = analyse(docs, figures, cores=1)
    _every_split(monkeypatch)
    placed = []
    real_apply = compare_module._apply
    monkeypatch.setattr(compare_module, "_apply", lambda *a, **k: placed.append(k) or real_apply(*a, **k))
    two = analyse(docs, figures, cores=2)
    assert any(k.get("scored") is False for k in placed)  # the decisions came from _placements
    assert [s.model_dump() for s in two[0]] == [s.model_dump() for s in one[0]]
    assert [c.model_dump() for c in two[1]] == [c.model_dump() for c in one[1]]
    assert len(one[0]) > 3 and one[1]


def test_analyse_reading_blocks_in_batches_equals_holding_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """compare of a store reads blocks a few documents at a time (_BlockReader): documents without blocks,
    read in two batches, each split over two processes, give the same series and checks."""
    docs, figures = _sample_editions()
    held = analyse(docs, figures, canonical=True, cores=1)
    blocks = {d.id: d.blocks for d in docs}
    reads: list[str] = []
    counts = {i: len(b) for i, b in blocks.items()}
    reader = compare_module._BlockReader(lambda i: reads.append(i) or blocks[i], counts)
    monkeypatch.setattr(compare_module, "_BLOCKS_AT_ONCE", sum(counts.values()) // 2)  # two batches
    _every_split(monkeypatch)
    bare = [d.model_copy(update={"blocks": []}) for d in docs]
    read = analyse(bare, figures, canonical=True, cores=2, blocks=reader)
    assert [s.model_dump() for s in read[0]] == [s.model_dump() for s in held[0]]
    assert [c.model_dump() for c in read[1]] == [c.model_dump() for c in held[1]]
    assert set(reads) == set(blocks)  # every document's blocks were read, none held by the documents
    dumped = [s.model_dump_json() for s in held[0]]
    assert [s.model_dump_json() for s in compare_module._compacted(list(held[0]))] == dumped
