"""fork_map: the same results as a loop, whatever happens in the children."""

from __future__ import annotations

import os
import threading

import pytest

from extract.parallel import chunked, fork_map

PARENT = os.getpid()


def _square_all(xs):
    return [x * x for x in xs]


def _tag_process(xs):
    return (os.getpid() != PARENT, list(xs))


def _fails_in_child(xs):
    if os.getpid() != PARENT:
        raise RuntimeError("boom")
    return sum(xs)


def _dies_in_child(xs):
    if os.getpid() != PARENT:
        os._exit(3)
    return sum(xs)


def _unpicklable_in_child(xs):
    if os.getpid() != PARENT:
        return threading.Lock()
    return sum(xs)


@pytest.mark.parametrize("n,parts", [(0, 2), (1, 2), (5, 2), (10, 3), (7, 7), (3, 10)])
def test_chunked_keeps_order_and_sizes(n, parts):
    items = list(range(n))
    chunks = chunked(items, parts)
    assert [x for c in chunks for x in c] == items
    assert all(len(c) > 0 for c in chunks) or n == 0
    if chunks and n:
        assert max(map(len, chunks)) - min(map(len, chunks)) <= 1
        assert len(chunks) == min(parts, n)


def test_fork_map_equals_loop():
    chunks = chunked(list(range(100)), 3)
    assert fork_map(_square_all, chunks, cores=3) == [_square_all(c) for c in chunks]


def test_children_do_the_other_chunks():
    out = fork_map(_tag_process, chunked(list(range(6)), 3), cores=3)
    assert [forked for forked, _ in out] == [False, True, True]
    assert [x for _, xs in out for x in xs] == list(range(6))


def test_one_core_stays_in_process():
    out = fork_map(_tag_process, chunked(list(range(6)), 3), cores=1)
    assert [forked for forked, _ in out] == [False, False, False]


@pytest.mark.parametrize("fn", [_fails_in_child, _dies_in_child, _unpicklable_in_child])
def test_a_failing_child_costs_nothing(fn):
    chunks = chunked(list(range(10)), 2)
    assert fork_map(fn, chunks, cores=2) == [sum(c) for c in chunks]


def test_no_child_left_behind(monkeypatch):
    import extract.parallel as parallel

    pids: list[int] = []
    spawn = parallel._spawn

    def recording(fn, chunk):  # noqa: ANN001, ANN202
        child = spawn(fn, chunk)
        if child is not None:
            pids.append(child[0])
        return child

    monkeypatch.setattr(parallel, "_spawn", recording)
    fork_map(_square_all, chunked(list(range(50)), 4), cores=4)
    assert len(pids) == 3
    for pid in pids:  # every child was waited for: none is left to reap
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def _long_text_sentences() -> list[str]:
    """Enough generated sentences with amounts that two processes each get their minimum of text."""
    from schemas.rules import ParallelSettings, load_rules

    donors = ["Japan", "the European Commission", "the World Bank", "Estonia", "UNDP"]
    verbs = ["pledged", "contributed", "disbursed", "approved", "allocated"]
    out, i = [], 0
    need = 2 * load_rules(ParallelSettings).min_chars_per_process + 1000
    while sum(map(len, out)) < need:
        out.append(
            f"In {2020 + i % 6}, {donors[i % 5]} {verbs[i % 5]} USD {i + 1}.{i % 10} million for the "
            f"restoration of network number {i}, and the Ministry received CHF {100 + i} 000 for training."
        )
        i += 1
    return out


def test_split_dependency_parse_gives_the_same_answers():
    import extract.governing as gov

    if not gov.has_parser():
        pytest.skip("needs the statistical model")
    sentences = _long_text_sentences()
    requests = [(s, s.index("USD"), s.index(" million")) for s in sentences]
    single = [gov._governing_in(gov._parse(s), a, b) for s, a, b in requests]
    gov.prepare(requests, cores=2)
    assert [gov._NODES[r] for r in requests] == single
    assert [gov.governing(*r) for r in requests] == single


def test_split_actor_model_gives_the_same_mentions():
    from extract.actors import actors_in_document
    from schemas.models import Block, Document

    texts = _long_text_sentences()
    blocks = [Block(id=f"b{i}", kind="paragraph", text=t, page=1) for i, t in enumerate(texts)]
    doc = Document(id="d", path="x.txt", format="txt", sha256="0" * 64, blocks=blocks)
    assert actors_in_document(doc, cores=2) == actors_in_document(doc, cores=1)


def _extraction_json(path: str, cores: int) -> str:
    """extract_bytes in a fresh process (no model loaded yet, as in a worker ingesting one lone file)."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys; from extract.pipeline import extract_bytes; from schemas.models import Limits; "
        f"p = {path!r}; r = extract_bytes(open(p, 'rb').read(), p, Limits(cores={cores})); "
        "sys.stdout.write(r.model_dump_json())"
    )
    repo = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONPATH": str(repo)},
    )
    return out.stdout


def test_reading_while_the_model_loads_gives_the_same_extraction():
    from pathlib import Path

    pdf = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.pdf"))[0]
    assert _extraction_json(str(pdf), 2) == _extraction_json(str(pdf), 1)


def test_split_figures_equal_one_process():
    """Figures computed by block ranges in two processes, then chained in order (parts of totals, carried
    subjects, lead figures), equal those of one process."""
    from extract.actors import actors_in_document
    from extract.figures import figures_in_document
    from schemas.models import Block, Document

    texts = _long_text_sentences()
    blocks = [Block(id=f"b{i}", kind="paragraph", text=t, page=1 + i // 20) for i, t in enumerate(texts)]
    doc = Document(id="d", path="x.txt", format="txt", sha256="0" * 64, blocks=blocks)
    actors = actors_in_document(doc)
    one = figures_in_document(doc, actors, cores=1)
    assert len(one) >= 2 * len(texts)
    assert figures_in_document(doc, actors, cores=2) == one
