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
store's cache (Store.cache, name "audit") under a key of the clause texts, the cue lexicon, the thresholds
and this code plus the document's id and sha256; the entry goes with the document when it is replaced or
removed. A read-only or busy database just skips the cache.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from corpus import link
from corpus.link import LINK_THRESHOLD, build_context, link_blocks
from extract.citations import canonical, normalise_symbol
from schemas.models import (
    ActorMention,
    AuditRow,
    Block,
    Clause,
    ClauseCoverage,
    Document,
    Figure,
    ResolutionVersion,
)
from schemas.rules import ClauseCues, LinkCues, rule_path

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


CACHE_VERSION = "2"


def _cache_key(clauses: Sequence[Clause]) -> str:
    """Changes whenever the clauses, the cue lexicon, the thresholds or the scoring code change."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    for path in (
        rule_path(ClauseCues),
        rule_path(LinkCues),
        Path(link.__file__),
        Path(__file__),
    ):  # the rules and the code that applies them
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


def _doc_key(key: str, doc: Document) -> str:
    """Cache key of one report audited against one clause set (`key` from _cache_key)."""
    return f"{key}:{doc.id}:{doc.sha256}"


def _cached(store, key: str, doc: Document) -> str | None:
    """The cached row JSON of this report against this clause set, if any."""
    return store.cache("audit", _doc_key(key, doc))


def _remember(store, fresh: list[tuple[str, AuditRow]]) -> None:
    for doc_key, row in fresh:
        store.cache("audit", doc_key, row.model_dump_json(), doc_id=row.doc_id)


def _keys(symbol: str) -> list[str]:
    """Lookup keys of a resolution symbol: any spacing/case; "A/RES/80/132" also as "80/132"."""
    k = canonical(symbol)
    return [k, k.removeprefix("A/RES/")] if k.startswith("A/RES/") else [k]


def resolution_index(store) -> dict[str, str]:
    """Key of every symbol a stored resolution is known by (its clauses' resolution, the text's own symbol
    and number) -> the value `Store.clauses(resolution=...)` takes."""
    index: dict[str, str] = {}
    rows = store.conn.execute(
        "SELECT c.resolution, d.symbol, d.resolution FROM clauses c JOIN documents d ON d.id = c.doc_id"
        " WHERE c.resolution IS NOT NULL GROUP BY c.doc_id, c.resolution"
    ).fetchall()
    for res, symbol, number in rows:
        for name in (res, symbol, number):
            for k in _keys(name or ""):
                if k:
                    index.setdefault(k, res)
    return index


def targets(doc: Document) -> list[tuple[str, str | None]]:
    """(resolution, version wanted) a report says it reports on: its reports_on citations, else the
    resolution classification found it most concerned with; the version as the report cites it."""
    found = list(doc.reports_on) or ([doc.resolution] if doc.resolution else [])
    same = {canonical(doc.resolution)} if doc.resolution else set()
    return [(r, doc.resolution_version if canonical(r) in same else None) for r in found]


def _candidates(store, doc_ref: str | None) -> list[Document]:
    if doc_ref:
        doc = store.document(doc_ref)
        if doc.kind == "resolution":
            raise LookupError(f"{doc.id} is a resolution, not a report on one (see `restrack clauses`)")
        return [doc]
    return [d for d in store.documents() if d.kind == "report" or (d.kind != "resolution" and d.reports_on)]


def audit_all(store, doc_ref: str | None = None, resolution: str | None = None) -> list[AuditRow]:
    """One row per report and resolution it reports on, by year then id; never raises for one document.

    A report is audited against each resolution it says it reports on that is in the store (`--resolution`:
    only that one; a report that names none is then audited against it). A report that cannot be audited gets
    a row with status `no_resolution` (it names no resolution) or `not_ingested` (the resolution's text is not
    in the store) and the reason. LookupError only for a wrong request: DOC is a resolution, or no report
    concerns `resolution`.
    """
    from corpus import versions

    docs = _candidates(store, doc_ref)
    index = resolution_index(store)
    wanted = set(_keys(resolution)) | set(_keys(normalise_symbol(resolution))) if resolution else None
    plans: list[tuple[Document, list[tuple[str, str | None]]]] = []
    for doc in docs:
        aims = targets(doc)
        if resolution and wanted is not None:  # wanted is set exactly when resolution is
            aims = [(r, v) for r, v in aims if set(_keys(r)) & wanted]
            if not aims and (doc_ref or not targets(doc)):
                aims = [(resolution, None)]
            if not aims:
                continue
        plans.append((doc, aims))
    if wanted is not None and not plans:
        raise LookupError(f"no report on resolution {resolution} in the store (see `restrack citations`)")
    catalogue: dict[str, tuple[list[Clause], str]] = {}
    picks: dict[tuple[str, str | None], ResolutionVersion | None] = {}
    rows, fresh = [], []
    for doc, aims in plans:
        if not aims:
            reason = "cannot tell which resolution it reports on: no references line or reporting cue"
            rows.append(
                AuditRow(doc_id=doc.id or doc.path, year=doc.year, status="no_resolution", reason=reason)
            )
            continue
        for res, version in aims:
            stored = next((index[k] for k in _keys(res) if k in index), None)
            picked = _pick(store, stored, version, picks) if stored else None
            note = None
            if stored and picked is None:  # the cited version is not stored: say so, use the default text
                picked = _pick(store, stored, None, picks)
                used = versions.describe(picked) if picked else ""
                note = f"cites version {version}, which is not ingested: audited against {used}"
            if picked is None:
                rows.append(
                    AuditRow(
                        doc_id=doc.id or doc.path,
                        year=doc.year,
                        resolution=res,
                        version=version,
                        status="not_ingested",
                        reason=f"resolution {res} is not ingested (no operative clauses stored)",
                    )
                )
                continue
            ckey = picked.doc_id + "\x00" + (stored or "")
            if ckey not in catalogue:
                ops = [
                    c for c in store.clauses(resolution=stored, doc_id=picked.doc_id) if c.kind == "operative"
                ]
                key = _cache_key(ops)
                catalogue[ckey] = (ops, key)
            ops, key = catalogue[ckey]
            cached = _cached(store, key, doc) if ops else None
            extra = {
                "resolution": stored,
                "version": picked.version,
                "resolution_doc": picked.doc_id,
                "reason": note,
            }
            if cached:
                row = AuditRow.model_validate_json(cached).model_copy(update=extra)
                rows.append(row)
                continue
            row = audit_document(
                doc,
                store.blocks(doc.id),
                ops,
                store.figures(doc_id=doc.id),
                store.actor_mentions(doc_id=doc.id),
            ).model_copy(update=extra)
            rows.append(row)
            fresh.append((_doc_key(key, doc), row))
    _remember(store, fresh)
    return sorted(rows, key=lambda r: (r.year or 0, r.doc_id, r.resolution or ""))


def _pick(store, resolution: str, version: str | None, memo: dict) -> ResolutionVersion | None:
    """versions.pick once per resolution and version asked for in one audit (200 reports, one query)."""
    from corpus import versions

    if (resolution, version) not in memo:
        memo[(resolution, version)] = versions.pick(store, resolution, version)
    return memo[(resolution, version)]


def audit(store, doc_ref: str | None = None, resolution: str | None = None) -> list[AuditRow]:
    """The audited rows of `audit_all` (what the HTML report and the cache refresh read).

    Raises MissingResolution with the reasons when reports exist but none could be audited, and LookupError
    when there is no report to audit.
    """
    rows = audit_all(store, doc_ref, resolution)
    done = [r for r in rows if r.status == "audited"]
    if not rows:
        what = f" on resolution {resolution}" if resolution else ""
        raise LookupError(f"no report{what} in the store (ingest reports first; see `restrack documents`)")
    if not done:
        raise MissingResolution("; ".join(f"{r.doc_id}: {r.reason}" for r in rows))
    return done


def refresh_cache(store) -> int:
    """Audit every report now (after an ingest) so the first `audit` query is a cache read; never raises
    for a store that has no report or no resolution yet. Returns the number of reports audited."""
    try:
        return len(audit(store))
    except (LookupError, sqlite3.Error):
        return 0
