"""The database as people read it: SQL views with one column per field, and Datasette metadata.

The record tables keep `data` (the model's JSON) so a new model field needs no migration; these views pull
the fields people filter and read (text, sentence, subject, as-of date, period, ...) into columns and join the
document's symbol and edition year. A field missing from older rows reads as NULL. Views are dropped and
created again by `create_views` (a migration calls it; a later view change appends another call).
"""

from __future__ import annotations

import sqlite3
from typing import Any


def _j(alias: str, path: str, name: str) -> str:
    return f"json_extract({alias}.data, '$.{path}') AS {name}"


VIEWS: dict[str, str] = {
    "figures_view": f"""
        SELECT f.doc_id AS document, d.symbol, d.year, f.page, f.amount,
            {_j("f", "amount_max", "amount_max")}, f.currency, f.metric,
            json_extract(f.data, '$.budget_kind') AS budget_kind,
            (SELECT group_concat(value, '; ') FROM json_each(f.data, '$.actors')) AS actors,
            {_j("f", "subject", "subject")}, {_j("f", "as_of", "as_of")},
            {_j("f", "period.start", "period_start")}, {_j("f", "period.end", "period_end")},
            f.years, {_j("f", "text", "text")}, {_j("f", "sentence", "sentence")}, f.chapter,
            {_j("f", "table_id", "table_id")}, json_extract(f.data, '$.cell') AS cell,
            {_j("f", "cumulative", "cumulative")}, f.block_id, f.seq
        FROM figures f JOIN documents d ON d.id = f.doc_id""",
    "dates_view": f"""
        SELECT t.doc_id AS document, d.symbol, d.year, {_j("t", "page", "page")}, t.value,
            {_j("t", "kind", "kind")}, t.year_start, t.year_end, {_j("t", "text", "text")},
            {_j("t", "sentence", "sentence")}, t.block_id, t.seq
        FROM dates t JOIN documents d ON d.id = t.doc_id""",
    "actors_view": """
        SELECT m.doc_id AS document, d.symbol, d.year, m.name, m.type, COUNT(*) AS mentions,
            json_group_array(DISTINCT json_extract(m.data, '$.text')) AS aliases,
            MIN(json_extract(m.data, '$.page')) AS first_page
        FROM actor_mentions m JOIN documents d ON d.id = m.doc_id
        GROUP BY m.doc_id, m.name""",
    "clauses_view": f"""
        SELECT c.doc_id AS document, d.symbol, d.year, c.resolution, c.id AS clause_id, c.kind, c.number,
            {_j("c", "verb", "verb")}, {_j("c", "addressee", "addressee")}, {_j("c", "section", "section")},
            {_j("c", "version", "version")}, {_j("c", "page", "page")}, {_j("c", "text", "text")}, c.seq
        FROM clauses c JOIN documents d ON d.id = c.doc_id""",
    "citations_view": f"""
        SELECT c.doc_id AS document, d.symbol, d.year, c.cited, c.kind, c.relation, {_j("c", "body", "body")},
            {_j("c", "version", "version")}, {_j("c", "paragraph", "paragraph")}, {_j("c", "page", "page")},
            {_j("c", "text", "text")}, {_j("c", "sentence", "sentence")}, c.block_id, c.seq
        FROM citations c JOIN documents d ON d.id = c.doc_id""",
    "tables_view": f"""
        SELECT t.doc_id AS document, d.symbol, d.year, t.id AS table_id, t.number,
            {_j("t", "caption", "caption")}, {_j("t", "unit", "unit")},
            json_extract(t.data, '$.pages') AS pages,
            {_j("t", "n_rows", "n_rows")}, {_j("t", "n_cols", "n_cols")}, t.seq
        FROM tables t JOIN documents d ON d.id = t.doc_id""",
    # clause coverage as the audit last computed it (corpus/audit.py caches one row per report and resolution)
    "audit_view": """
        SELECT a.doc_id AS document, d.symbol, d.year, json_extract(a.data, '$.resolution') AS resolution,
            json_extract(a.data, '$.version') AS version, k.key AS clause_order,
            json_extract(k.value, '$.clause_id') AS clause_id,
            json_extract(k.value, '$.addressed') AS addressed, json_extract(k.value, '$.score') AS score,
            json_array_length(k.value, '$.evidence') AS evidence,
            json_extract(k.value, '$.evidence[0].page') AS best_page,
            json_extract(k.value, '$.evidence[0].text') AS best_text
        FROM _cache a JOIN documents d ON d.id = a.doc_id, json_each(a.data, '$.clauses') k
        WHERE a.name = 'audit' AND a.id = (
            SELECT MAX(b.id) FROM _cache b WHERE b.name = 'audit' AND b.doc_id = a.doc_id
                AND json_extract(b.data, '$.resolution') IS json_extract(a.data, '$.resolution'))""",
}


def create_views(conn: sqlite3.Connection) -> None:
    """(Re)create every view; run inside a migration."""
    for name, sql in VIEWS.items():
        conn.execute(f"DROP VIEW IF EXISTS {name}")
        conn.execute(f"CREATE VIEW {name} AS {sql}")


# -- Datasette -----------------------------------------------------------------------------------------------
_COMMON = {
    "document": "Stored document id (file name; `restrack documents` lists them)",
    "symbol": "The document's symbol as printed (C26/27, A/80/6 (Sect. 4))",
    "year": "Edition year of the document",
    "page": "1-based page (DOCX: estimated or empty)",
    "text": "The words as written in the document",
    "sentence": "The sentence around them",
    "block_id": "Paragraph id within the document (`restrack show DOC`)",
    "seq": "Order within the document",
}

_TABLES: dict[str, dict[str, Any]] = {
    "figures_view": {
        "description": "Monetary figures, one per mention, with their context.",
        "columns": {
            "amount": "Amount in full units of the currency",
            "amount_max": "Upper bound when the text gives a range",
            "currency": "ISO 4217 code",
            "metric": "What the money is: damage, losses, needs, budget, contribution, pledge, ...",
            "budget_kind": "Finer than metric in budget documents: appropriation, estimate, expenditure, ...",
            "actors": "Actors the figure is attributed to (canonical names)",
            "subject": "What the figure is about (sector, programme, item)",
            "as_of": "Date the figure is as of (ISO 8601)",
            "period_start": "Start of the period the figure covers",
            "period_end": "End of that period",
            "years": "Years the figure refers to (JSON array; what `restrack figures --year` filters)",
            "table_id": "Table the figure was read from (`restrack table ID`)",
            "cell": "Row and column labels of that table cell",
            "cumulative": "1 for running totals (to date, since ...)",
        },
        "facets": ["metric", "currency", "year", {"array": "years"}],
    },
    "dates_view": {
        "description": "Dates mentioned in the documents, normalised.",
        "columns": {"value": "ISO 8601 value (intervals: start/end)", "kind": "date, month, year, interval"},
        "facets": ["kind", "year"],
    },
    "actors_view": {
        "description": "Actors per document: canonical name, type, how often and in which forms.",
        "columns": {"aliases": "Forms as written (JSON array)", "mentions": "Number of mentions"},
        "facets": ["type", "year"],
    },
    "clauses_view": {
        "description": "Resolution clauses (operative and preambular) as catalogued per stored text.",
        "columns": {"clause_id": "Stable clause id", "verb": "Operative or preambular phrase"},
        "facets": ["kind", "resolution"],
    },
    "citations_view": {
        "description": "Resolutions and documents each document cites or reports on.",
        "columns": {"cited": "Normalised symbol", "relation": "reports_on or cites"},
        "facets": ["relation", "kind"],
    },
    "tables_view": {"description": "Printed tables found in the documents (`restrack table ID`)."},
    "audit_view": {
        "description": "Clause coverage: for each report and clause, whether the report addresses it "
        "(as last audited; `restrack audit` refreshes it).",
        "columns": {
            "addressed": "1 when the report addresses the clause",
            "score": "Best evidence score (0..1)",
            "evidence": "Number of evidence paragraphs",
            "best_page": "Page of the best evidence",
        },
        "facets": ["resolution", "addressed", "year"],
    },
    "documents": {"description": "Ingested documents (one per file content).", "facets": ["kind", "year"]},
    "blocks": {
        "description": "Paragraphs, headings and table cells in reading order; full-text searchable.",
        "fts_table": "blocks_fts",
        "fts_pk": "pk",
        "facets": ["kind"],
    },
    "figures": {"description": "Storage of figures (readable form: figures_view)."},
    "_cache": {"hidden": True},
}

_QUERIES: dict[str, dict[str, str]] = {
    "coverage_matrix": {
        "title": "Clause coverage matrix",
        "description": "Per clause: the report editions that address it and those that do not.",
        "sql": """SELECT resolution, clause_id,
    group_concat(CASE WHEN addressed THEN year || ' ' || document END, '; ') AS addressed_in,
    group_concat(CASE WHEN NOT addressed THEN year || ' ' || document END, '; ') AS not_addressed_in,
    SUM(addressed) AS reports_addressing, COUNT(*) AS reports
FROM (SELECT * FROM audit_view ORDER BY year, document)
WHERE :resolution = '' OR resolution = :resolution
GROUP BY resolution, clause_id ORDER BY resolution, MIN(clause_order)""",
    },
    "figure_series": {
        "title": "Figure series",
        "description": "A metric's figures across documents and years (filter by metric, currency, subject).",
        "sql": """SELECT metric, subject, currency, year, document, page, amount, as_of, period_start,
    period_end, text
FROM figures_view
WHERE (:metric = '' OR metric = :metric) AND (:currency = '' OR currency = upper(:currency))
    AND (:subject = '' OR subject LIKE '%' || :subject || '%')
ORDER BY metric, subject, currency, year, as_of, document""",
    },
}


def datasette_metadata(database: str) -> dict[str, Any]:
    """Metadata for `datasette serve` (descriptions, facets, canned queries, the cache hidden); `database` is
    the name Datasette gives the file (its stem)."""
    tables = {}
    for name, meta in _TABLES.items():
        meta = dict(meta)
        if "columns" in meta or name in VIEWS:
            meta["columns"] = {**_COMMON, **meta.get("columns", {})}
        tables[name] = meta
    return {
        "title": "restrack",
        "description": "Figures, dates, actors, clauses and clause coverage extracted by restrack.",
        "databases": {database: {"tables": tables, "queries": _QUERIES}},
    }
