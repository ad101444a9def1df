"""Shared test helpers: where the reference corpus is, and no test ever touches ./restrack.db."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from schemas.models import ActorMention, Block, Clause, DateMention, Document, Extraction, Figure

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"reference corpus not found at {CORPUS}")
    return CORPUS


def run_cli(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of one restrack command, run in this process (click's CliRunner)."""
    from click.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample corpus (examples/, written by the project) ingested once per test module, rules only,
    with two workers (ingest also fills the audit and compare caches)."""
    path = str(tmp_path_factory.mktemp("examples") / "x.db")
    code, _, err = run_cli("ingest", str(REPO / "examples"), "--db", path, "--jobs", "2", "--no-model", "-q")
    assert code == 0, err
    return path


@pytest.fixture(autouse=True)
def _no_default_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test that forgets --db must fail loudly rather than write ./restrack.db."""
    monkeypatch.setenv("RESTRACK_DB", "/nonexistent-dir-for-tests/restrack.db")


def build_extraction(path: str, content: str = "", n_blocks: int = 3) -> Extraction:
    """A small synthetic extraction whose sha256 is a function of `content`, for store tests that must not
    depend on the parsers."""
    sha = hashlib.sha256((content or path).encode()).hexdigest()
    blocks = [
        Block(id=f"p{i:04d}", kind="paragraph", text=f"{content} block {i}", page=1) for i in range(n_blocks)
    ]
    doc = Document(
        path=path, sha256=sha, format="txt", kind="report", year=2026, resolution="1408", blocks=blocks
    )
    return Extraction(
        document=doc,
        figures=[
            Figure(
                start=0,
                end=11,
                text="CHF 100 000",
                amount=100000,
                currency="CHF",
                metric="contribution",
                actors=["Japan"],
                years=[2025],
                block_id="p0000",
                page=1,
            ),
            Figure(
                start=0,
                end=9,
                text="USD 2 bn",
                amount=2e9,
                currency="USD",
                metric="damage",
                block_id="p0001",
                chapter="Telecommunications and digital",
            ),
        ],
        dates=[
            DateMention(start=0, end=4, text="2025", value="2025", kind="year", block_id="p0000"),
            DateMention(start=5, end=9, text="4-5 Nov 2025", value="2025-11-04/2025-11-05", kind="interval"),
        ],
        actors=[
            ActorMention(start=0, end=5, text="Japan", name="Japan", type="member_state", block_id="p0000"),
            ActorMention(start=9, end=20, text="the Government of Japan", name="Japan", type="member_state"),
            ActorMention(start=0, end=3, text="ITU", name="ITU", type="un_body"),
        ],
        clauses=[
            Clause(id="1408/instructs-sg", resolution="1408", kind="operative", verb="instructs", text="x")
        ],
    )


@pytest.fixture
def make_extraction() -> Callable[..., Extraction]:
    return build_extraction
