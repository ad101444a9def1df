"""Versions of one resolution: which texts the store holds, which one a command shows, and what changed.

Two texts of one resolution (ITU Resolution 1408 and "Resolution 1408 (Mod. 2023)"; a draft A/80/L.x and the
adopted text) are separate documents in the store, each with its own clause catalogue; `Store.clauses` shows
one of them (latest year, then most clauses, then DOCX > TXT > PDF). Here: list them, pick one by its version
label, year, symbol or document, and align two catalogues clause by clause in order (rapidfuzz) to list the
clauses added, removed and changed. Thresholds: schemas/data/versions.json.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz

from schemas.models import ChangeKind, Clause, ClauseChange, Document, ResolutionVersion
from schemas.rules import VersionSettings, format_rank, load_rules


def settings() -> VersionSettings:
    return load_rules(VersionSettings)


def is_draft(doc: Document) -> bool:
    """A draft resolution: flagged by classification, or a UN "L." document symbol (A/80/L.12)."""
    return bool(getattr(doc, "draft", False) or re.search(r"/L\.\d+", doc.symbol or ""))


def version_label(doc: Document) -> str | None:
    """The version as the text states it ("Mod. 2023"); "draft A/80/L.12" for a draft; None: original."""
    if is_draft(doc):
        return f"draft {doc.symbol}" if doc.symbol else "draft"
    return doc.resolution_version


def _key(text: str | None) -> str:
    return re.sub(r"[\s.]+", "", (text or "").casefold())


def _title(doc: Document) -> str:
    return re.sub(r"\W+", " ", (doc.title or "").casefold()).strip()


def versions(store, resolution: str) -> list[ResolutionVersion]:
    """Every stored text of `resolution`, oldest first, plus drafts with the same title (a draft A/80/L.12
    carries its own symbol); `shown` marks the one `Store.clauses` shows (never a draft if another exists)."""
    sql = (
        "SELECT c.doc_id, COUNT(*), SUM(c.kind = 'operative'), d.year, d.format, d.ingested_at, d.data"
        " FROM clauses c JOIN documents d ON d.id = c.doc_id WHERE {} GROUP BY c.doc_id"
    )
    rows = store.conn.execute(sql.format("c.resolution = ?"), (resolution,)).fetchall()
    titles = {_title(Document.model_validate_json(r[6])) for r in rows} - {""}
    if titles:
        known = {r[0] for r in rows}
        for row in store.conn.execute(sql.format("d.kind = 'resolution'")).fetchall():
            doc = Document.model_validate_json(row[6])
            if row[0] not in known and is_draft(doc) and _title(doc) in titles:
                rows.append(row)
    out, ranked = [], []
    for doc_id, n, ops, year, fmt, at, data in rows:
        doc = Document.model_validate_json(data)
        ranked.append(((is_draft(doc), -(year or 0), -n, format_rank(fmt), at, doc_id), doc_id))
        out.append(
            ResolutionVersion(
                resolution=resolution,
                doc_id=doc_id,
                version=version_label(doc),
                year=year,
                symbol=doc.symbol,
                clauses=n,
                operative=ops or 0,
            )
        )
    if ranked:
        shown = min(ranked)[1]
        for v in out:
            v.shown = v.doc_id == shown
    return sorted(out, key=lambda v: (v.year or 0, v.version or "", v.doc_id))


def pick(store, resolution: str, wanted: str | None = None) -> ResolutionVersion | None:
    """The version `wanted` names (label "Mod. 2023"/"mod.2023", year, symbol or document id), else the one
    shown by default; None when the resolution has no stored text or nothing matches."""
    found = versions(store, resolution)
    if not wanted:
        return next((v for v in found if v.shown), None)
    w = _key(wanted)
    tests = (
        lambda v: v.doc_id == wanted,
        lambda v: _key(v.version) == w,
        lambda v: bool(v.version) and w in _key(v.version),
        lambda v: _key(v.symbol) == w,
        lambda v: str(v.year) == wanted and not (v.version or "").startswith("draft"),
        lambda v: w in ("original", "adopted") and v.version is None,
    )
    for test in tests:
        hits = [v for v in found if test(v)]
        if hits:  # the same version in several formats: the one with most clauses, as Store.clauses does
            return max(hits, key=lambda v: (v.shown, v.clauses))
    return None


def describe(v: ResolutionVersion) -> str:
    """What a command says about the version it uses: "1408 (Mod. 2023; res1408-mod.txt)"."""
    return f"{v.resolution} ({v.version or 'original text'}; {v.doc_id})"


def _norm(c: Clause) -> str:
    return re.sub(r"\s+", " ", f"{c.verb} {c.text}".casefold()).strip()


def align(old: Sequence[Clause], new: Sequence[Clause]) -> list[ClauseChange]:
    """Clauses of two versions aligned in reading order (maximum total similarity, order kept), then
    classified: unchanged, changed, removed, added."""
    s = settings()
    a, b = [_norm(c) for c in old], [_norm(c) for c in new]
    sim = [[fuzz.ratio(x, y) for y in b] for x in a]
    n, m = len(a), len(b)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = best[i + 1][j + 1] + sim[i][j] if sim[i][j] >= s.align_min_similarity else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], pair)
    out: list[ClauseChange] = []
    i = j = 0
    while i < n or j < m:
        if (
            i < n
            and j < m
            and sim[i][j] >= s.align_min_similarity
            and best[i][j] == best[i + 1][j + 1] + sim[i][j]
        ):
            kind: ChangeKind = "unchanged" if sim[i][j] >= s.unchanged_similarity else "changed"
            out.append(_change(kind, old[i], new[j], sim[i][j]))
            i, j = i + 1, j + 1
        elif i < n and (j == m or best[i][j] == best[i + 1][j]):
            out.append(_change("removed", old[i], None, 0.0))
            i += 1
        else:
            out.append(_change("added", None, new[j], 0.0))
            j += 1
    return out


def _change(kind: ChangeKind, old: Clause | None, new: Clause | None, similarity: float) -> ClauseChange:
    return ClauseChange(
        change=kind,
        old_id=old.id if old else None,
        new_id=new.id if new else None,
        old_number=old.number if old else None,
        new_number=new.number if new else None,
        similarity=round(similarity, 1),
        old_text=f"{old.verb} {old.text}".strip() if old else None,
        new_text=f"{new.verb} {new.text}".strip() if new else None,
    )


def clauses_of(store, doc_id: str) -> list[Clause]:
    """The clause catalogue of one stored text (every resolution it holds, in document order)."""
    rows = store.conn.execute("SELECT data FROM clauses WHERE doc_id = ? ORDER BY seq", (doc_id,))
    return [Clause.model_validate_json(r[0]) for r in rows]
