"""The database as a product: foreign keys, JSON list columns, block text + FTS5 in sync, readable views, the
one cache table, and a database of the previous schema version migrating with its data."""

from __future__ import annotations

import json
import sqlite3

from corpus.search import search
from corpus.store import MIGRATIONS, SCHEMA_VERSION, Store
from corpus.views import VIEWS, datasette_metadata
from schemas.models import Figure

V4 = 4  # the schema version before the database became a product (foreign keys, FTS, views, _cache)


def _names(store: Store, kind: str) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = ?", (kind,))}


def _fts(store: Store, words: str) -> list[str]:
    sql = "SELECT b.doc_id || ':' || b.id FROM blocks_fts JOIN blocks b ON b.pk = blocks_fts.rowid"
    return sorted(r[0] for r in store.conn.execute(sql + " WHERE blocks_fts MATCH ?", (words,)))


def test_views_read_fields_out_of_the_json(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    ex = make_extraction("/a/one.txt", "one")
    fig = ex.figures[0].model_copy(
        update={"subject": "Giga", "sentence": "Japan gave CHF 100 000.", "as_of": "2025-12-31"}
    )
    ex = ex.model_copy(update={"figures": [fig, *ex.figures[1:]]})
    store.ingest(ex)
    assert _names(store, "view") >= set(VIEWS)
    row = store.conn.execute(
        "SELECT document, year, amount, currency, metric, actors, subject, as_of, text, sentence, years"
        " FROM figures_view WHERE seq = 0"
    ).fetchone()
    assert row == (
        "one.txt", 2026, 100000.0, "CHF", "contribution", "Japan", "Giga", "2025-12-31", "CHF 100 000",
        "Japan gave CHF 100 000.", "[2025]",
    )
    assert store.conn.execute("SELECT COUNT(*), MAX(kind) FROM dates_view").fetchone() == (2, "year")
    top = store.conn.execute("SELECT name, mentions FROM actors_view ORDER BY mentions DESC").fetchall()[0]
    assert top == ("Japan", 2)
    (aliases,) = store.conn.execute("SELECT aliases FROM actors_view WHERE name = 'Japan'").fetchone()
    assert sorted(json.loads(aliases)) == ["Japan", "the Government of Japan"]
    assert store.conn.execute("SELECT clause_id, kind FROM clauses_view").fetchall() == [
        ("1408/instructs-sg", "operative")
    ]
    for view in VIEWS:  # every view is valid SQL over the current schema
        store.conn.execute(f"SELECT * FROM {view} LIMIT 1").fetchall()


def test_list_columns_are_json_and_the_filters_still_work(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    store.ingest(make_extraction("/a/one.txt", "one"))
    years, actors = store.conn.execute("SELECT years, actors FROM figures WHERE seq = 0").fetchone()
    assert json.loads(years) == [2025] and json.loads(actors) == ["japan"]
    assert [f.amount for f in store.figures(actor="Japan")] == [100000]
    assert [f.amount for f in store.figures(actor="JAPAN", year=2025)] == [100000]
    assert store.figures(actor="Jap") == [] and store.figures(year=2024) == []
    # SQL can now ask list questions directly
    sql = "SELECT COUNT(*) FROM figures f, json_each(f.years) y WHERE y.value = 2026"
    assert store.conn.execute(sql).fetchone()[0] == 1  # the damage figure: no year stated -> edition year


def test_records_and_cache_go_with_their_document(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    ex = make_extraction("/a/one.txt", "alpha")
    doc_id, _ = store.ingest(ex)
    store.cache("audit", "k0", "{}", doc_id=doc_id)
    store.ingest(ex, force=True)  # re-extracted: what was cached about it is stale
    assert store.cache("audit", "k0") is None
    store.cache("audit", "k1", '{"x": 1}', doc_id=doc_id)
    store.cache("compare", "whole-corpus", "[]")
    assert store.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    store.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    for table in ("blocks", "figures", "dates", "actor_mentions", "clauses"):
        assert store.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone() == (0,), table
    assert store.cache("audit", "k1") is None  # went with its document
    assert store.cache("compare", "whole-corpus") == "[]"  # not tied to a document
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_cache_get_put_replace_and_unknown_document(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    assert store.cache("compare", "a") is None
    assert store.cache("compare", "a", "1") == "1" and store.cache("compare", "a") == "1"
    store.cache("compare", "a", "2")
    assert store.cache("compare", "a") == "2"  # put overwrites
    store.cache("compare", "b", "3", replace=True)
    assert store.cache("compare", "a") is None and store.cache("compare", "b") == "3"
    store.cache("audit", "x", "{}", doc_id="not-stored.txt")  # nothing to tie it to: not kept
    assert store.cache("audit", "x") is None
    tables = _names(store, "table")
    assert "_cache" in tables and not {"audit_cache", "compare_cache"} & tables


def test_fts_index_follows_insert_replace_and_delete(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    ex = make_extraction("/a/one.txt", "alpha")
    store.ingest(make_extraction("/a/two.txt", "beta"))
    store.ingest(ex)
    assert _fts(store, "alpha") == ["one.txt:p0000", "one.txt:p0001", "one.txt:p0002"]
    blocks = [b.model_copy(update={"text": f"gamma {b.id}"}) for b in ex.document.blocks[:2]]
    replaced = ex.model_copy(update={"document": ex.document.model_copy(update={"blocks": blocks})})
    assert store.ingest(replaced, force=True) == ("one.txt", "replaced")
    assert _fts(store, "alpha") == [] and _fts(store, "gamma") == ["one.txt:p0000", "one.txt:p0001"]
    store.conn.execute("DELETE FROM documents WHERE id = 'one.txt'")
    assert _fts(store, "gamma") == [] and len(_fts(store, "beta")) == 3
    store.conn.execute("INSERT INTO blocks_fts (blocks_fts) VALUES ('integrity-check')")  # raises if stale
    assert [h.block_id for h in search(store, "beta block 1")] == ["p0001"]


def _v4_database(path, ex) -> None:
    """A database as restrack wrote it at schema version 4: `|a|b|` list columns, no foreign keys, no block
    text, and the caches audit.py / compare.py created on their own."""
    conn = sqlite3.connect(path)
    for steps in MIGRATIONS[:V4]:
        for sql in steps:
            assert isinstance(sql, str)
            conn.execute(sql)
    doc = ex.document.model_copy(update={"id": "old.txt"})
    conn.execute(
        "INSERT INTO documents (id, sha256, path, format, kind, year, n_blocks, n_figures, data, ingested_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?)",
        ("old.txt", doc.sha256, doc.path, "txt", "report", 2026, 3, 2,
         doc.model_copy(update={"blocks": []}).model_dump_json(), "2026-01-01T00:00:00+00:00"),
    )
    for i, b in enumerate(doc.blocks):
        row = ("old.txt", i, b.id, b.kind, b.page, None, b.model_dump_json())
        conn.execute("INSERT INTO blocks VALUES (?,?,?,?,?,?,?)", row)
    names = ['O"Brien\\Co', "Côte d’Ivoire"]
    odd = Figure(start=0, end=5, text="USD 5", amount=5, currency="USD", actors=names)
    bars = [("|2025|", "|japan|"), ("", ""), ("|2024|2025|", '|o"brien\\co|côte d’ivoire|')]
    for i, (f, (years, actors)) in enumerate(zip([*ex.figures, odd], bars, strict=True)):
        conn.execute(
            "INSERT INTO figures VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            ("old.txt", i, f.metric, f.currency, f.amount, f.chapter, f.block_id, f.page, years, actors,
             f.model_dump_json()),
        )
    conn.execute("INSERT INTO blocks VALUES ('gone.txt', 0, 'p0', 'paragraph', 1, NULL, '{}')")  # an orphan
    # a view and an index the user made: the rebuild must keep them
    conn.execute("CREATE VIEW big_figures AS SELECT doc_id, amount FROM figures WHERE amount > 1e6")
    conn.execute("CREATE INDEX figures_page ON figures (page)")
    conn.execute("CREATE TABLE audit_cache (doc_id TEXT, key TEXT, data TEXT)")
    conn.execute("CREATE TABLE compare_cache (key TEXT PRIMARY KEY, data TEXT NOT NULL)")
    conn.execute(f"PRAGMA user_version = {V4}")
    conn.commit()
    conn.close()


def test_a_version_4_database_migrates_with_its_data(tmp_path, make_extraction):
    db = tmp_path / "v4.db"
    ex = make_extraction("/a/old.txt", "legacy")
    _v4_database(db, ex)
    store = Store(db)
    assert store.version == SCHEMA_VERSION
    assert [d.id for d in store.documents()] == ["old.txt"]
    assert [b.text for b in store.blocks("old.txt")] == [b.text for b in ex.document.blocks]
    assert store.conn.execute("SELECT COUNT(*) FROM blocks WHERE doc_id = 'gone.txt'").fetchone() == (0,)
    lists = store.conn.execute("SELECT years, actors FROM figures ORDER BY seq").fetchall()
    assert [(json.loads(y), json.loads(a)) for y, a in lists] == [
        ([2025], ["japan"]),
        ([], []),
        ([2024, 2025], ['o"brien\\co', "côte d’ivoire"]),
    ]
    assert [f.amount for f in store.figures(actor="Japan", year=2025)] == [100000]
    assert [f.amount for f in store.figures(actor="Côte d’Ivoire", year=2024)] == [5]
    assert len(_fts(store, "legacy")) == 3  # the index was built over the existing text
    assert {"figures_metric", "clauses_resolution", "tables_id", "figures_page"} <= _names(store, "index")
    assert store.conn.execute("SELECT amount FROM big_figures").fetchall() == [(2e9,)]  # views survive
    assert not {"audit_cache", "compare_cache"} & _names(store, "table")
    assert store.conn.execute("SELECT COUNT(*) FROM figures_view").fetchone() == (3,)
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    fks = store.conn.execute("PRAGMA foreign_key_list(figures)").fetchall()
    assert [(r[2], r[3], r[4], r[6]) for r in fks] == [("documents", "doc_id", "id", "CASCADE")]
    assert store.ingest(make_extraction("/a/new.txt", "fresh"))[1] == "added"  # and keeps working
    assert len(_fts(store, "fresh")) == 3


def test_datasette_metadata_hides_the_cache_and_describes_the_views():
    meta = datasette_metadata("restrack")
    tables = meta["databases"]["restrack"]["tables"]
    assert tables["_cache"] == {"hidden": True}
    facets = tables["figures_view"]["facets"]
    assert {"metric", "currency", "year"} <= {f for f in facets if isinstance(f, str)}
    assert {"array": "years"} in facets
    assert "budget_kind" in tables["figures_view"]["columns"]
    assert tables["blocks"]["fts_table"] == "blocks_fts"
    assert set(meta["databases"]["restrack"]["queries"]) == {"coverage_matrix", "figure_series"}
