"""Store guarantees: idempotent by sha256, atomic per document, migrations, concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import REPO

from corpus.store import MIGRATIONS, SCHEMA_VERSION, Store


def _count(db, table: str) -> int:
    return sqlite3.connect(db).execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_ingest_is_idempotent_by_sha256(tmp_path, make_extraction):
    db = tmp_path / "t.db"
    store = Store(db)
    ex = make_extraction("/a/report.txt", "one")
    assert store.ingest(ex) == ("report.txt", "added")
    assert store.ingest(ex) == ("report.txt", "unchanged")
    moved = ex.model_copy(update={"document": ex.document.model_copy(update={"path": "/b/other-name.txt"})})
    assert store.ingest(moved) == ("report.txt", "unchanged")  # same bytes elsewhere: same document
    assert [d.id for d in store.documents()] == ["report.txt"]
    assert _count(db, "blocks") == 3 and _count(db, "figures") == 2
    assert store.has_sha(ex.document.sha256) and not store.has_sha("0" * 64)


def test_force_replaces_records_in_place(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    ex = make_extraction("/a/report.txt", "one", n_blocks=3)
    store.ingest(ex)
    fewer = ex.model_copy(
        update={
            "document": ex.document.model_copy(update={"blocks": ex.document.blocks[:1]}),
            "figures": ex.figures[:1],
        }
    )
    assert store.ingest(fewer, force=True) == ("report.txt", "replaced")
    assert len(store.blocks("report.txt")) == 1
    assert [f.text for f in store.figures()] == ["CHF 100 000"]
    assert len(store.documents()) == 1


def test_id_collision_appends_sha_prefix(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    first = make_extraction("/2025/report.pdf", "edition 2025")
    second = make_extraction("/2026/report.pdf", "edition 2026")
    assert store.ingest(first)[0] == "report.pdf"
    doc_id, status = store.ingest(second)
    assert status == "added" and doc_id == "report.pdf~" + second.document.sha256[:8]
    assert store.document(doc_id).path == "/2026/report.pdf"
    with pytest.raises(LookupError, match="several documents"):
        store.document("/2027/report.pdf")  # not a stored path; its basename fits both
    with pytest.raises(LookupError, match="no document"):
        store.document("missing.pdf")


def test_document_lookup_by_path_basename_and_sha_prefix(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    ex = make_extraction("/data/c26-report.docx", "x")
    store.ingest(ex)
    for ref in ("c26-report.docx", "/data/c26-report.docx", ex.document.sha256[:10]):
        assert store.document(ref).id == "c26-report.docx"
    assert store.document("c26-report.docx").blocks == []  # metadata only; blocks come from blocks()


def test_exception_mid_ingest_leaves_no_half_document(tmp_path, make_extraction, monkeypatch):
    db = tmp_path / "t.db"
    store = Store(db)
    real = Store._insert_records

    def half_then_fail(self, c, doc_id, doc, ex):
        c.execute(
            "INSERT INTO blocks (doc_id, seq, id, kind, page, section, data) VALUES (?,?,?,?,?,?,?)",
            (doc_id, 0, "p0000", "paragraph", 1, None, "{}"),
        )
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "_insert_records", half_then_fail)
    with pytest.raises(RuntimeError):
        store.ingest(make_extraction("/a/r.txt", "r"))
    assert _count(db, "documents") == 0 and _count(db, "blocks") == 0
    monkeypatch.setattr(Store, "_insert_records", real)
    assert store.ingest(make_extraction("/a/r.txt", "r"))[1] == "added"  # not "unchanged": nothing was kept


def test_kill_9_mid_ingest_leaves_no_half_document(tmp_path):
    db = tmp_path / "t.db"
    script = textwrap.dedent(f"""
        import os, signal
        from conftest import build_extraction
        from corpus.store import Store
        def die(self, c, doc_id, doc, ex):
            sql = "INSERT INTO blocks (doc_id, seq, id, kind, page, section, data) VALUES (?,?,?,?,?,?,?)"
            c.execute(sql, (doc_id, 0, "p", "x", 1, None, "{{}}"))
            os.kill(os.getpid(), signal.SIGKILL)
        Store._insert_records = die
        Store({str(db)!r}).ingest(build_extraction("/a/r.txt", "r"))
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=REPO / "tests", env=_env(), timeout=60)
    assert proc.returncode == -9
    store = Store(db)
    assert store.documents() == [] and _count(db, "blocks") == 0


def test_migrates_from_version_zero_and_from_partial(tmp_path, make_extraction):
    empty = tmp_path / "v0.db"
    sqlite3.connect(empty).close()
    assert Store(empty).version == SCHEMA_VERSION == len(MIGRATIONS)

    partial = tmp_path / "v1.db"
    conn = sqlite3.connect(partial)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.execute(
        "INSERT INTO documents (id, sha256, path, data, ingested_at) VALUES ('old.txt', 'ab', 'old.txt',"
        ' \'{"path": "old.txt", "sha256": "ab", "format": "txt"}\', \'2025-01-01\')'
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = Store(partial)
    assert store.version == SCHEMA_VERSION
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"figures_metric", "dates_year", "clauses_resolution"} <= indexes
    assert [d.path for d in store.documents()] == ["old.txt"]  # data survives the migration

    sqlite3.connect(empty).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer"):
        Store(empty)


def test_queries_filter_on_key_columns(tmp_path, make_extraction):
    store = Store(tmp_path / "t.db")
    store.ingest(make_extraction("/a/one.txt", "one"))
    store.ingest(make_extraction("/a/two.txt", "two"))
    assert len(store.figures()) == 4
    assert {f.doc_id for f in store.figures(doc_id="one.txt")} == {"one.txt"}
    assert [f.text for f in store.figures(doc_id="one.txt", metric="contribution")] == ["CHF 100 000"]
    assert len(store.figures(currency="usd")) == 2
    assert len(store.figures(actor="japan")) == 2 and store.figures(actor="Jap") == []
    assert len(store.figures(year=2025)) == 2  # stated year
    assert len(store.figures(year=2026)) == 2  # no year stated: the edition year
    assert len(store.figures(chapter="telecom")) == 2
    assert [d.value for d in store.dates(doc_id="two.txt", year=2025)] == ["2025", "2025-11-04/2025-11-05"]
    assert store.dates(year=2024) == []
    japan = [a for a in store.actors(doc_id="one.txt") if a.name == "Japan"][0]
    assert japan.mentions == 2 and japan.aliases == ["Japan", "the Government of Japan"]
    assert [a.name for a in store.actors(type="un_body")] == ["ITU", "ITU"]
    assert len(store.actor_mentions()) == 6
    assert [c.id for c in store.clauses("1408")] == ["1408/instructs-sg"]  # one catalogue, not one per copy


def test_two_processes_ingest_the_same_files_concurrently(tmp_path):
    db = tmp_path / "race.db"
    start = time.time() + 1.5
    script = textwrap.dedent(f"""
        import time
        from conftest import build_extraction
        from corpus.store import Store
        time.sleep(max(0, {start} - time.time()))
        store = Store({str(db)!r})
        for name in ("a.txt", "b.txt", "c.txt"):
            print(*store.ingest(build_extraction("/x/" + name, name, n_blocks=50)))
    """)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=REPO / "tests", env=_env(), stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    statuses = sorted(line.split()[1] for out in outs for line in out.splitlines())
    assert statuses == ["added"] * 3 + ["unchanged"] * 3
    assert sorted(d.id for d in Store(db).documents()) == ["a.txt", "b.txt", "c.txt"]
    assert _count(db, "blocks") == 150


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{REPO / 'tests'}"}


def test_actor_folding_matches_the_extractor(tmp_path, make_extraction):
    from extract.actors import fold_actors

    store = Store(tmp_path / "t.db")
    store.ingest(make_extraction("/a/one.txt", "one"))
    store.ingest(make_extraction("/a/two.txt", "two"))
    assert store.actors() == fold_actors(store.actor_mentions())
