"""compare on a growing archive: wording blocking, per-document caching (speed itself is measured in
bench/archive.py, not asserted here)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

import corpus.compare as compare_module
from corpus.compare import _WORDING_CANDIDATES, _WORDING_SCAN, _Build, _Fig, _Group, _Wordings, compare
from corpus.store import Store
from extract.pipeline import extract_file
from schemas.models import Document, Figure, Series

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WORDS = "pledges pledge total contribution contributions fund trust budget damage needs school".split()


def _fig(label: str, sentence: str, doc_id: str = "d") -> _Fig:
    fig = Figure(start=0, end=3, text="USD 1", amount=1.0, currency="USD", metric="budget", doc_id=doc_id,
                 sentence=sentence)
    return _Fig(fig=fig, doc=Document(id=doc_id, path="x", sha256="x", format="txt"), index=0, label=label)


def _brute(f: _Fig, b: _Build) -> float:
    """The score of one series as compare computed it before the group index: per series, in full."""
    a = compare_module._fuzzy_key(f.label)
    best = process.extractOne(a, b.label_keys.keys(), scorer=fuzz.token_set_ratio) if a else None
    sent = process.extractOne(compare_module._fuzzy_key(f.fig.sentence or ""), b.sentence_keys.keys(),
                              scorer=fuzz.token_sort_ratio)
    return max(best[1] if best else 0.0, sent[1] if sent else 0.0)


def _phrase(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS[:6]) for _ in range(rng.randint(0, 3)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_group_scores_equal_the_per_series_scan_below_the_blocking_size(seed: int) -> None:
    rng = random.Random(seed)
    group = _Group()
    for i in range(6):  # 6 series, up to 20 wordings each (more than the 16 kept: eviction is exercised)
        b = _Build(Series(metric="budget", currency="USD"), ("budget", f"#{i}"))
        group.add(b)
        for _ in range(rng.randint(1, 20)):
            b.add_wording(_fig(_phrase(rng), _phrase(rng)), group)
    assert len(group.labels.owners) <= _WORDING_SCAN  # the exact regime
    for _ in range(40):
        f, cut = _fig(_phrase(rng), _phrase(rng)), rng.choice([40, 70])
        want = {i: s for i, b in enumerate(group.builds) if (s := _brute(f, b)) >= cut}
        assert group.scores(f, cut) == want


def test_a_large_group_scores_a_bounded_set_sharing_a_stem() -> None:
    words = _Wordings()
    for i in range(_WORDING_SCAN + 50):
        words.add(f"common{i % 7} word{i}", i)
    words.add("pledges received", 9999)
    got = words.candidates("pledge received")
    assert len(got) <= _WORDING_CANDIDATES
    assert got[0] == "pledges received"  # its rarest stem ("recei") first
    assert all({w[:5] for w in k.split()} & {"pledg", "recei"} for k in got)
    small = _Wordings()
    small.add("anything at all", 0)
    assert small.candidates("pledge") == ["anything at all"]  # small groups are scanned in full


def test_after_adding_a_document_only_that_document_is_analysed(tmp_path, monkeypatch) -> None:
    if not (EXAMPLES / "c26-report-sample.docx").exists():
        pytest.skip("examples/ not generated")
    docs = [extract_file(EXAMPLES / f"{n}-sample.docx", use_model=False) for n in ("c24-report", "c25-report",
                                                                                    "c26-report")]
    with Store(tmp_path / "fresh.db") as fresh:
        for d in docs:
            fresh.ingest(d)
        expected = compare(fresh, all_checks=True)
    real = compare_module._contexts
    seen: list[str | None] = []
    monkeypatch.setattr(compare_module, "_contexts", lambda d, f: seen.append(d.path) or real(d, f))
    with Store(tmp_path / "grow.db") as store:
        for d in docs[:2]:
            store.ingest(d)
        compare(store)
        assert len(seen) == 2
        seen.clear()
        store.ingest(docs[2])
        got = compare(store, all_checks=True)
    assert [Path(p or "").name for p in seen] == ["c26-report-sample.docx"]
    assert [s.model_dump() for s in got[0]] == [s.model_dump() for s in expected[0]]
    assert [c.model_dump() for c in got[1]] == [c.model_dump() for c in expected[1]]
    assert any(p.year == 2026 for s in got[0] for p in s.points)


def test_compare_without_cache_equals_cold_and_warm_cached(tmp_path) -> None:
    """`use_cache=False` (compare --no-cache) computes from the stored records alone and touches no cache;
    its series and checks are those of the first (cache-filling) and of a warm (cache-reading) run."""
    names = ("c24-report-sample.docx", "c25-report-sample.docx", "c26-report-sample.pdf", "rdna-sample.docx")
    if not all((EXAMPLES / n).exists() for n in names):
        pytest.skip("examples/ not generated")
    with Store(tmp_path / "s.db") as store:
        for n in names:
            store.ingest(extract_file(EXAMPLES / n, use_model=False))
        store.conn.execute("DELETE FROM _cache")
        plain = compare(store, all_checks=True, use_cache=False)
        assert store.conn.execute("SELECT COUNT(*) FROM _cache").fetchone()[0] == 0  # nothing written
        first = compare(store, all_checks=True)
        assert store.conn.execute("SELECT COUNT(*) FROM _cache WHERE name = 'compare'").fetchone()[0] == 1
        warm = compare(store, all_checks=True)
    dump = [[s.model_dump(mode="json") for s in run[0]] for run in (plain, first, warm)]
    assert dump[0] == dump[1] == dump[2]
    assert any(len(s["points"]) >= 2 for s in dump[0])  # a real multi-edition series, not an empty result
    assert [c.model_dump() for c in plain[1]] == [c.model_dump() for c in warm[1]]


def _pairwise_heads(grams: list[set]) -> list[int]:
    """The scan edition_keys did before: each text against every earlier head, one intersection each."""
    heads: list[int] = []
    first = []
    for i, a in enumerate(grams):
        h = next((j for j in heads if compare_module._same_shingles(grams[j], a)), i)
        if h == i:
            heads.append(i)
        first.append(h)
    return first


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_same_text_heads_equal_the_pairwise_scan(seed: int) -> None:
    """Many texts sharing a template (overlaps on both sides of the threshold), copies, subsets, empties."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(400)]
    texts = []
    for _ in range(60):
        r = rng.random()
        if r < 0.15 and texts:  # a copy of an earlier text, more or less cut: the same document
            base = rng.choice(texts).split()
            texts.append(" ".join(base[: max(1, int(len(base) * rng.uniform(0.5, 1)))]))
        elif r < 0.2:
            texts.append(rng.choice(["", "one two"]))  # no n-gram at all
        else:
            words = vocab[: rng.randint(5, 400)]
            texts.append(" ".join(rng.choice(words) for _ in range(rng.randint(5, 300))))
    grams = [compare_module._shingles(t) for t in texts]
    got = compare_module._same_text_heads(grams)
    assert got == _pairwise_heads(grams)
    assert len(set(got)) < len(grams)  # some texts were found to be the same document


@pytest.mark.parametrize("size", [6, 120])  # below and past the blocking size
def test_ranked_series_are_the_scores_best_first(size: int) -> None:
    """_place_fuzzy walks group.ranked lazily; it must list exactly the series scores() maps, ordered by
    score then group position, as the sorted score map did."""
    rng = random.Random(size)
    group = _Group()
    for i in range(size):
        b = _Build(Series(metric="budget", currency="USD"), ("budget", f"#{i}"))
        group.add(b)
        for _ in range(rng.randint(1, 4)):
            b.add_wording(_fig(_phrase(rng) + f" item{i % 9}", _phrase(rng)), group)
    compared = 0
    for _ in range(60):
        f, cut = _fig(_phrase(rng) + f" item{rng.randint(0, 9)}", _phrase(rng)), rng.choice([40, 70])
        want = sorted(((s, i) for i, s in group.scores(f, cut).items()), key=lambda t: (-t[0], t[1]))
        got = [(s, b.pos) for s, b in group.ranked(f, cut)]
        assert got == want
        compared += len(got)
    assert compared > 100  # the figures did match series


def test_same_text_heads_compare_only_candidates(monkeypatch) -> None:
    """Hundreds of files of one year: the exact test runs once per file that matches a head, not once per
    pair (the pairwise scan made n * (n - 1) / 2 of them when no file matched)."""
    rng = random.Random(7)
    vocab = [f"w{i}" for i in range(300)]
    texts = [" ".join(rng.choice(vocab) for _ in range(200)) for _ in range(150)]
    texts += texts[:10]  # ten files again (another format of the same report)
    grams = [compare_module._shingles(t) for t in texts]
    calls = []
    real = compare_module._same_shingles
    monkeypatch.setattr(compare_module, "_same_shingles", lambda a, b: calls.append(1) or real(a, b))
    first = compare_module._same_text_heads(grams)
    assert first[150:] == list(range(10))  # the copies found their originals
    assert len(calls) == 10  # one confirmation each; the 150 distinct texts cost no pairwise test


def test_ingest_workers_leave_compare_only_the_cross_document_work(tmp_path, monkeypatch) -> None:
    """Each worker computes its document's figure contexts beside the extraction and the main process keeps
    them under the key compare reads: the compare after the ingest computes no context itself, and its
    series and checks are those computed from the stored records alone."""
    from corpus.ingest import ingest_files

    names = ("c24-report-sample.docx", "c25-report-sample.docx", "c26-report-sample.pdf", "rdna-sample.docx")
    if not all((EXAMPLES / n).exists() for n in names):
        pytest.skip("examples/ not generated")
    with Store(tmp_path / "s.db") as store:
        done = list(ingest_files(store, [str(EXAMPLES / n) for n in names], use_model=False, jobs=2))
        assert [r.status for r in done] == ["added"] * 4
        kept = store.conn.execute("SELECT COUNT(*) FROM _cache WHERE name = 'compare_doc'").fetchone()[0]
        assert kept == sum(1 for r in done if r.figures)
        computed: list[str | None] = []
        real = compare_module._contexts
        monkeypatch.setattr(compare_module, "_contexts", lambda d, f: computed.append(d.id) or real(d, f))
        first = compare(store, all_checks=True)
        assert computed == []
        monkeypatch.setattr(compare_module, "_contexts", real)
        plain = compare(store, all_checks=True, use_cache=False)
    assert [s.model_dump(mode="json") for s in first[0]] == [s.model_dump(mode="json") for s in plain[0]]
    assert [c.model_dump() for c in first[1]] == [c.model_dump() for c in plain[1]]
    assert any(len(s.points) >= 2 for s in first[0])


def test_context_rows_of_changed_figures_are_not_kept(tmp_path) -> None:
    """Rows computed for other figures than the stored ones (a count or an order that differs) are not
    kept: compare would otherwise give figures another figure's context."""
    from corpus.compare import context_rows, keep_context_rows

    ex = extract_file(EXAMPLES / "c25-report-sample.docx", use_model=False)
    if len(ex.figures) < 2:
        pytest.skip("examples/ not generated")
    rows = context_rows(ex.document, ex.figures)
    with Store(tmp_path / "s.db") as store:
        doc_id, _ = store.ingest(ex)
        assert not keep_context_rows(store, doc_id, ex.figures[:-1], rows[:-1])
        assert keep_context_rows(store, doc_id, ex.figures, rows)
        before = compare(store, all_checks=True)
        store.conn.execute("DELETE FROM _cache WHERE name = 'compare'")
        swapped = [ex.figures[1], ex.figures[0], *ex.figures[2:]]
        keep_context_rows(store, doc_id, swapped, [rows[1], rows[0], *rows[2:]])  # another key: unused
        after = compare(store, all_checks=True)
    assert [s.model_dump() for s in after[0]] == [s.model_dump() for s in before[0]]


def test_work_a_document_can_do_without_is_dropped_at_its_deadline() -> None:
    """The worker computes compare's contexts within what is left of the file's deadline: past it, the
    contexts are dropped (compare computes them later), not the document; no alarm is left armed."""
    import signal
    import time

    from corpus.ingest import within

    def slow(seconds: float) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:  # busy, as Python work is: the alarm interrupts it
            pass
        return "done"

    before = signal.getsignal(signal.SIGALRM)
    assert within(5.0, slow, 0.01) == "done"
    assert within(0.05, slow, 2.0) is None
    assert within(0.0, slow, 0.0) is None  # nothing left of the deadline: not even started
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == before
