"""restrack as a library: read UN/ITU documents, store them, audit clause coverage, compare editions.

The documented API is what `__all__` lists; everything else (the `extract`, `corpus` and `schemas` packages
behind it) may change between versions. Records are the pydantic models of `schemas.models`, the same ones
the CLI prints as JSON. Heavy machinery (PDFium, spaCy) is imported on first use, so `import restrack` is
cheap.

    import restrack
    ex = restrack.extract_text("Japan contributed CHF 100 000 on 4 March 2025.", use_model=False)
    with restrack.Store("restrack.db") as store:
        restrack.ingest(["examples/"], store, use_model=False)
        rows = restrack.audit(store)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.store import Store, default_db_path
from extract.errors import ERROR_CODES, DocumentError, ErrorCode
from schemas.models import (
    Actor,
    ActorMention,
    AuditRow,
    Block,
    CellRef,
    Check,
    Citation,
    Clause,
    ClauseChange,
    ClauseCoverage,
    DateMention,
    Document,
    Evidence,
    Extraction,
    Figure,
    Limits,
    MoneyMention,
    Period,
    ResolutionVersion,
    SearchHit,
    Series,
    SeriesPoint,
    Table,
    TableCell,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from corpus.ingest import IngestResult

__version__ = "0.1.0"

StoreLike = Store | str | os.PathLike[str]

__all__ = [
    # extraction: a document in, records out (pure, no database)
    "extract_file",
    "extract_bytes",
    "extract_text",
    "find_money",
    "find_dates",
    "find_actors",
    # the database and what runs over it
    "Store",
    "ingest",
    "audit",
    "compare",
    "search",
    "IngestResult",
    # errors
    "DocumentError",
    "ErrorCode",
    "ERROR_CODES",
    # record models (schemas.models)
    "Actor",
    "ActorMention",
    "AuditRow",
    "Block",
    "CellRef",
    "Check",
    "Citation",
    "Clause",
    "ClauseChange",
    "ClauseCoverage",
    "DateMention",
    "Document",
    "Evidence",
    "Extraction",
    "Figure",
    "Limits",
    "MoneyMention",
    "Period",
    "ResolutionVersion",
    "SearchHit",
    "Series",
    "SeriesPoint",
    "Table",
    "TableCell",
]


def __getattr__(name: str) -> Any:
    """`restrack.IngestResult` without importing the ingest machinery at `import restrack`."""
    if name == "IngestResult":
        from corpus.ingest import IngestResult

        return IngestResult
    raise AttributeError(f"module 'restrack' has no attribute {name!r}")


# -- extraction -------------------------------------------------------------------------------------------
def extract_file(
    path: str | os.PathLike[str], *, limits: Limits | None = None, use_model: bool = True
) -> Extraction:
    """Read one PDF, DOCX or text file and extract its records (blocks, figures, dates, actors, clauses,
    citations, tables). The format is sniffed from the bytes, not the suffix. Raises DocumentError (with a
    `code`) for a file that cannot be read; `use_model=False` skips the spaCy statistical model (faster)."""
    from extract.pipeline import extract_file as _extract_file

    return _extract_file(Path(path), limits, use_model)


def extract_bytes(
    data: bytes, name: str = "document", *, limits: Limits | None = None, use_model: bool = True
) -> Extraction:
    """Like `extract_file` for bytes already in memory (an upload, a download); `name` becomes the
    document's path and id, and its suffix is only used to refuse plain text named `.pdf`/`.docx`."""
    from extract.pipeline import extract_bytes as _extract_bytes

    return _extract_bytes(data, name, limits, use_model)


def extract_text(
    text: str, name: str = "text.txt", *, limits: Limits | None = None, use_model: bool = True
) -> Extraction:
    """A plain string in, an Extraction out: lines become blocks (numbered paragraphs, headings) exactly
    as for a .txt file, so a pasted paragraph gets the same figures, dates and actors as the document."""
    return extract_bytes(text.encode("utf-8"), name, limits=limits, use_model=use_model)


def find_money(text: str) -> list[MoneyMention]:
    """Monetary amounts in a string ("USD 5.87 billion", "CHF 100 000"), normalised, with character
    offsets into `text`. Rules only: fast, no model."""
    from extract.money import find_money as _find_money

    return _find_money(text)


def find_dates(text: str, reference: str | None = None) -> list[DateMention]:
    """Dates, months, years and intervals in a string as ISO 8601 values with their kind; `reference`
    (an ISO date) resolves a year left out ("on 4 March")."""
    from extract.dates import find_dates as _find_dates

    return _find_dates(text, reference)


def find_actors(text: str, *, use_model: bool = True) -> list[ActorMention]:
    """Actors (member states, UN bodies, companies, ...) in a string, with canonical names and types; an
    acronym defined in the string ("... Union (ITU)") applies to its later uses."""
    from extract.actors import find_actors as _find_actors
    from extract.nlp import get_nlp

    return _find_actors(text, get_nlp(use_model))


# -- the database -----------------------------------------------------------------------------------------
@contextmanager
def _opened(store: StoreLike) -> Iterator[Store]:
    """A Store as given, or one opened (and closed afterwards) on a database path."""
    if isinstance(store, Store):
        yield store
        return
    with Store(store) as opened:
        yield opened


def ingest(
    paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    store: StoreLike | None = None,
    *,
    jobs: int = 1,
    use_model: bool = True,
    force: bool = False,
    limits: Limits | None = None,
) -> list[IngestResult]:
    """Extract files and folders (folders recursively: .pdf .docx .txt) into the database, as `restrack
    ingest` does: `jobs` worker processes, each file under `limits` (size, pages, seconds). Never raises for
    a bad file: each input gives one IngestResult with `status` (added, unchanged, replaced, error, skipped),
    `doc_id`, and for errors `reason` (one line) and `code` (one of ERROR_CODES). `store` is a Store or a
    database path (default: $RESTRACK_DB or ./restrack.db)."""
    from corpus.audit import refresh_cache
    from corpus.ingest import collect_files, ingest_files

    given = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    files, refused = collect_files([os.fspath(p) for p in given])
    with _opened(store if store is not None else default_db_path()) as db:
        results = list(refused) + list(ingest_files(db, files, limits, use_model, max(1, jobs), force))
        refresh_cache(db)  # as the CLI does: the first audit is then a cache read
    return results


def audit(store: StoreLike, doc: str | None = None, resolution: str | None = None) -> list[AuditRow]:
    """Clause coverage: one row per stored report and resolution it reports on, each operative clause
    addressed or not with its evidence paragraphs. A report that cannot be audited gets a row whose
    `status` and `reason` say why (no resolution named, resolution not ingested); `doc` narrows to one
    report (id, path, file name or sha256 prefix), `resolution` to one resolution number."""
    from corpus.audit import audit_all

    with _opened(store) as db:
        return audit_all(db, doc, resolution)


def compare(
    store: StoreLike,
    metric: str | None = None,
    subject: str | None = None,
    currency: str | None = None,
    all_checks: bool = False,
) -> list[Series]:
    """Figure series across report editions (the same figure, edition by edition), filtered by metric,
    subject substring and currency; each series carries its consistency checks (`series.checks`: only
    failed and unverified ones unless `all_checks`)."""
    from corpus.compare import compare as _compare

    with _opened(store) as db:
        return _compare(db, metric, subject, currency, all_checks)[0]


def search(
    store: StoreLike,
    query: str,
    *,
    doc: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Full-text search over stored paragraphs (SQLite FTS5, best first) with a snippet whose matching
    words are between `**` marks; filters: document id, document kind, edition year."""
    from corpus.search import search as _search

    with _opened(store) as db:
        return _search(db, query, doc, kind, year, limit)
