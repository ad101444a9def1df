"""The PDF reader's page ranges read in forked processes (Limits.cores > 1) give the very document one
process gives: pages are read on their own, and everything document-wide runs after they are joined."""

from __future__ import annotations

import os

import pytest
from conftest import CORPUS

import extract.pdf.reader as reader
from extract.parallel import can_fork
from extract.pdf import parse_pdf
from extract.pdf.settings import settings
from schemas.models import Limits

REAL = CORPUS / "real"
pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this system: one process reads")


def _read(name: str, cores: int) -> dict:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"{path} not found")
    return parse_pdf(path.read_bytes(), str(path), Limits(cores=cores)).model_dump()


def _every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """One page is enough for a process (the default asks for several), so short files split too."""
    def ranges(n: int, cores: int) -> list[range]:
        return [range(n * k // cores, n * (k + 1) // cores) for k in range(cores)]

    monkeypatch.setattr(reader, "page_chunks", ranges)


def test_two_processes_read_a_resolution_as_one_does():
    # 27 pages: two ranges under the default page minimum; paragraphs run over the break between them
    one = _read("A_RES_80_229.pdf", 1)
    assert one["pages"] == 27 and len(one["blocks"]) > 100
    assert _read("A_RES_80_229.pdf", 2) == one


def test_three_processes_on_a_short_file_with_a_table(monkeypatch: pytest.MonkeyPatch):
    one = _read("A_RES_80_242.pdf", 1)
    _every_page(monkeypatch)
    assert _read("A_RES_80_242.pdf", 3) == one


def test_the_children_do_read_their_pages(monkeypatch: pytest.MonkeyPatch):
    _every_page(monkeypatch)
    real = reader._read_pages

    def tagged(doc, indexes, *args):  # noqa: ANN001, ANN202
        out = real(doc, indexes, *args)
        for page, *_ in out:
            page.read_by = os.getpid()  # plain attribute: pickled back with the page
        return out

    monkeypatch.setattr(reader, "_read_pages", tagged)
    data = (REAL / "A_RES_80_101.pdf").read_bytes()
    pages, _, _, _ = reader._read(data, Limits(cores=2), settings())
    readers = [p.read_by for p in pages]
    assert readers[0] == os.getpid() and readers[-1] != os.getpid()
    assert len(pages) == 5


def test_a_failing_child_costs_time_not_pages(monkeypatch: pytest.MonkeyPatch):
    one = _read("A_RES_80_101.pdf", 1)
    _every_page(monkeypatch)
    parent = os.getpid()
    real = reader._read_pages

    def fails_in_child(doc, indexes, *args):  # noqa: ANN001, ANN202
        if os.getpid() != parent:
            raise RuntimeError("child crashed")
        return real(doc, indexes, *args)

    monkeypatch.setattr(reader, "_read_pages", fails_in_child)
    assert _read("A_RES_80_101.pdf", 2) == one


def test_a_word_pickles_whole():
    import pickle

    from extract.pdf.model import Word

    w = Word("4.12", 10.5, 30.25, 100.0, 110.0, 9.5, True, False, True)
    assert pickle.loads(pickle.dumps(w, protocol=pickle.HIGHEST_PROTOCOL)) == w
