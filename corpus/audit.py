"""Clause coverage: which operative clauses of its resolution each report edition addresses, with evidence.

Method (scores from corpus.link, 0..1 per paragraph x operative clause):
- a paragraph is evidence for a clause when its link score >= link.LINK_THRESHOLD (0.30) and >= 70 % of that
  paragraph's best clause score (link.RELATIVE_FLOOR), so one incidental cue does not make a second link;
- a clause is addressed when its best evidence scores >= ADDRESSED_THRESHOLD (0.45), or when at least
  MIN_WEAK_EVIDENCE (2) paragraphs are evidence (several weaker mentions together are coverage too);
- ClauseCoverage.score is the best evidence score (0 without evidence); evidence is sorted best first and
  keeps each paragraph's page, section and the reasons behind its score.
A clause left unaddressed is reported with addressed=False, so the audit lists the gaps as well.

Speed: clause cues are prepared once per clause set (cached in corpus.link); finished rows are cached in the
store's database (table audit_cache, created on first use) under a key of the clause texts, the cue lexicon,
the thresholds and this code, valid only while the document row is the same (sha256, ingest time, counts). A
read-only or busy database just skips the cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from corpus import link
from corpus.link import LINK_THRESHOLD, build_context, link_blocks
from schemas.models import ActorMention, AuditRow, Block, Clause, ClauseCoverage, Document, Figure

ADDRESSED_THRESHOLD = 0.45
MIN_WEAK_EVIDENCE = 2


class MissingResolution(LookupError):
    """A report's resolution has no clause catalogue in the store (its text was not ingested)."""


def is_addressed(scores: Sequence[float]) -> bool:
    strong = any(s >= ADDRESSED_THRESHOLD for s in scores)
    return strong or sum(1 for s in scores if s >= LINK_THRESHOLD) >= MIN_WEAK_EVIDENCE


def audit_document(
    doc: Document,
    blocks: Iterable[Block],
    clauses: Sequence[Clause],
    figures: Iterable[Figure] = (),
    actors: Iterable[ActorMention] = (),
) -> AuditRow:
    """Coverage of every operative clause by one report; pure given its inputs."""
    ops = [c for c in clauses if c.kind == "operative"]
    context = build_context(ops, figures, actors)
    evidence = link_blocks(blocks, ops, context)
    rows = []
    for c in ops:
        evs = evidence.get(c.id, [])
        scores = [e.score for e in evs]
        rows.append(
            ClauseCoverage(
                clause_id=c.id, addressed=is_addressed(scores), score=max(scores, default=0.0), evidence=evs
            )
        )
    return AuditRow(doc_id=doc.id or doc.path, year=doc.year, clauses=rows)


def unaddressed(row: AuditRow) -> list[str]:
    """Clause ids the report leaves unaddressed."""
    return [c.clause_id for c in row.clauses if not c.addressed]


CACHE_VERSION = "1"
_CACHE_DDL = (
    "CREATE TABLE IF NOT EXISTS audit_cache (doc_id TEXT NOT NULL, key TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " ingested_at TEXT, n_blocks INTEGER, n_figures INTEGER, data TEXT NOT NULL, PRIMARY KEY (doc_id, key))"
)


def _cache_key(clauses: Sequence[Clause]) -> str:
    """Changes whenever the clauses, the cue lexicon, the thresholds or the scoring code change."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    for path in (link._DATA, Path(link.__file__), Path(__file__)):  # the rules and the code that applies them
        h.update(path.read_bytes())
    consts = (
        link.LINK_THRESHOLD,
        link.RELATIVE_FLOOR,
        link.OVERVIEW_FACTOR,
        ADDRESSED_THRESHOLD,
        MIN_WEAK_EVIDENCE,
        link.W_CUE,
        link.W_HEADING,
        link.W_LEADIN,
        link.W_FUZZY,
        link.W_FIGURE,
        link.W_ACTOR,
        link.MIN_CONTENT_WORDS,
    )
    h.update(repr(consts).encode())
    for c in clauses:
        h.update(f"{c.id}\x00{c.verb}\x00{c.text}\x01".encode())
    return h.hexdigest()[:32]


def _cached(store, key: str) -> dict[str, str]:
    """doc id -> cached row JSON (parsed only for the documents asked for)."""
    try:
        store.conn.execute(_CACHE_DDL)
        rows = store.conn.execute(
            "SELECT c.doc_id, c.data FROM audit_cache c JOIN documents d ON d.id = c.doc_id"
            " AND d.sha256 = c.sha256 AND d.ingested_at IS c.ingested_at AND d.n_blocks IS c.n_blocks"
            " AND d.n_figures IS c.n_figures WHERE c.key = ?",
            (key,),
        ).fetchall()
    except sqlite3.Error:
        return {}
    return dict(rows)


def _remember(store, key: str, rows: list[AuditRow]) -> None:
    if not rows:
        return
    try:
        store.conn.executemany(
            "INSERT OR REPLACE INTO audit_cache SELECT id, ?, sha256, ingested_at, n_blocks, n_figures, ?"
            " FROM documents WHERE id = ?",
            [(key, r.model_dump_json(), r.doc_id) for r in rows],
        )
    except sqlite3.Error:
        pass


def audit(store, doc_ref: str | None = None, resolution: str | None = None) -> list[AuditRow]:
    """Audit every stored report (or `doc_ref`), optionally only those on `resolution`, by year then id.

    Raises MissingResolution naming the resolution when a report's resolution text is not ingested, and
    LookupError when there is no report to audit.
    """
    docs = [store.document(doc_ref)] if doc_ref else store.documents(kind="report")
    if doc_ref and docs[0].kind == "resolution":
        raise LookupError(f"{docs[0].id} is a resolution, not a report on one (see `restrack clauses`)")
    if resolution:
        docs = [d for d in docs if (d.resolution or "") == resolution]
    if not docs:
        what = f" on resolution {resolution}" if resolution else ""
        raise LookupError(f"no report{what} in the store (ingest reports first; see `restrack documents`)")
    catalogue: dict[str, tuple[list[Clause], str, dict[str, str]]] = {}
    rows, fresh = [], []
    for doc in docs:
        res = doc.resolution or resolution
        if not res:
            raise MissingResolution(f"{doc.id}: cannot tell which resolution it reports on")
        if res not in catalogue:
            ops = [c for c in store.clauses(resolution=res) if c.kind == "operative"]
            key = _cache_key(ops)
            catalogue[res] = (ops, key, _cached(store, key) if ops else {})
        ops, key, cached = catalogue[res]
        if not ops:
            raise MissingResolution(
                f"resolution {res} is not ingested (no operative clauses stored): ingest it to audit {doc.id}"
            )
        if doc.id in cached:
            rows.append(AuditRow.model_validate_json(cached[doc.id]))
            continue
        row = audit_document(
            doc,
            store.blocks(doc.id),
            ops,
            store.figures(doc_id=doc.id),
            store.actor_mentions(doc_id=doc.id),
        )
        rows.append(row)
        fresh.append((key, row))
    for key in {k for k, _ in fresh}:
        _remember(store, key, [r for k, r in fresh if k == key])
    return sorted(rows, key=lambda r: (r.year or 0, r.doc_id))


def refresh_cache(store) -> int:
    """Audit every report now (after an ingest) so the first `audit` query is a cache read; never raises
    for a store that has no report or no resolution yet. Returns the number of reports audited."""
    try:
        return len(audit(store))
    except (LookupError, sqlite3.Error):
        return 0
