"""Full-text search over the stored block text: the FTS5 index `blocks_fts` the store keeps in sync.

A query is FTS5 syntax when it uses it (quotes, AND/OR/NOT/NEAR, `*`, parentheses); otherwise each word is
taken literally (so "A/RES/80/1" or "2024-2025" need no quoting) and every word must occur.
"""

from __future__ import annotations

import re
import sqlite3

from schemas.models import SearchHit

_SYNTAX = re.compile(r'["*()^]|\b(AND|OR|NOT|NEAR)\b')


_OPERATORS = {"AND", "OR", "NOT"}


def literal(query: str, operators: bool = False) -> str:
    """Each whitespace-separated word as an FTS5 string (a word of several tokens becomes a phrase); with
    `operators`, AND / OR / NOT stay operators."""
    return " ".join(
        w if operators and w in _OPERATORS else '"' + w.replace('"', '""') + '"' for w in query.split()
    )


def search(
    store,
    query: str,
    doc_id: str | None = None,
    kind: str | None = None,
    year: int | None = None,
    limit: int = 20,
    marks: tuple[str, str] = ("**", "**"),
) -> list[SearchHit]:
    """Best-matching blocks first (bm25), filtered by document id, document kind and edition year."""
    if not query.strip():
        return []
    where, args = ["blocks_fts MATCH ?"], []
    for col, val in (("b.doc_id", doc_id), ("d.kind", kind), ("d.year", year)):
        if val is not None:
            where.append(f"{col} = ?")
            args.append(val)
    sql = (
        "SELECT b.doc_id, b.id, b.page, b.kind, b.section, d.symbol, d.year,"
        " snippet(blocks_fts, 0, ?, ?, '…', 24), bm25(blocks_fts)"
        " FROM blocks_fts JOIN blocks b ON b.pk = blocks_fts.rowid JOIN documents d ON d.id = b.doc_id"
        f" WHERE {' AND '.join(where)} ORDER BY bm25(blocks_fts), b.doc_id, b.seq LIMIT ?"
    )
    tries = [literal(query)]
    if _SYNTAX.search(query):
        tries = [query, literal(query, operators=True), *tries]
    for i, q in enumerate(tries):
        try:
            rows = store.conn.execute(sql, [*marks, q, *args, limit]).fetchall()
            break
        except sqlite3.OperationalError as exc:  # FTS5 syntax the user did not mean: take the words literally
            if i == len(tries) - 1 or "fts5" not in str(exc).lower() and "syntax" not in str(exc).lower():
                raise
    return [
        SearchHit(
            doc_id=d, block_id=b, page=p, kind=k, section=s, symbol=sym, year=y, snippet=snip, score=score
        )
        for d, b, p, k, s, sym, y, snip, score in rows
    ]
