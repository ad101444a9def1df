"""SQLite storage of extractions: one transaction per document, idempotent by sha256, safe under concurrency.

Each table keeps the columns queries filter on plus `data`, the model's JSON, so a field added to a model in
schemas/ reaches storage and output without a migration. Schema changes go in MIGRATIONS (append only).
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the models are imported where records are read: a warm cache read needs no pydantic
    from pydantic import BaseModel

    from schemas.models import (
        Actor,
        ActorMention,
        Block,
        Clause,
        DateMention,
        Document,
        Extraction,
        Figure,
        Table,
    )

DEFAULT_DB = "restrack.db"
T = TypeVar("T")
M = TypeVar("M", bound="BaseModel")

# Ordered, append-only: migration i brings a database from user_version i to i + 1. A step is SQL or a
# function of the connection (rebuilds that read the current schema); both run in the migration's transaction.
MIGRATIONS: list[list[str | Callable[[sqlite3.Connection], None]]] = [
    [
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, path TEXT NOT NULL, format TEXT, kind TEXT,
            title TEXT, symbol TEXT, year INTEGER, date TEXT, resolution TEXT, pages INTEGER,
            n_blocks INTEGER NOT NULL DEFAULT 0, n_figures INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL, ingested_at TEXT NOT NULL)""",
        """CREATE TABLE blocks (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, kind TEXT, page INTEGER,
            section TEXT, data TEXT NOT NULL, PRIMARY KEY (doc_id, seq))""",
        """CREATE TABLE figures (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, metric TEXT, currency TEXT, amount REAL,
            chapter TEXT, block_id TEXT, page INTEGER, years TEXT, actors TEXT, data TEXT NOT NULL,
            PRIMARY KEY (doc_id, seq))""",
        """CREATE TABLE dates (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, value TEXT, year_start INTEGER, year_end INTEGER,
            block_id TEXT, data TEXT NOT NULL, PRIMARY KEY (doc_id, seq))""",
        """CREATE TABLE actor_mentions (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT, type TEXT, block_id TEXT,
            data TEXT NOT NULL, PRIMARY KEY (doc_id, seq))""",
        """CREATE TABLE clauses (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, resolution TEXT, kind TEXT,
            number TEXT, data TEXT NOT NULL, PRIMARY KEY (doc_id, seq))""",
    ],
    [
        "CREATE INDEX documents_kind ON documents (kind, year)",
        "CREATE INDEX documents_path ON documents (path)",
        "CREATE INDEX figures_metric ON figures (metric)",
        "CREATE INDEX figures_currency ON figures (currency)",
        "CREATE INDEX figures_chapter ON figures (chapter)",
        "CREATE INDEX dates_year ON dates (year_start, year_end)",
        "CREATE INDEX actor_mentions_name ON actor_mentions (name)",
        "CREATE INDEX actor_mentions_type ON actor_mentions (type)",
        "CREATE INDEX clauses_resolution ON clauses (resolution, id)",
    ],
    [  # citations (extract/citations.py): what each document cites and reports on
        """CREATE TABLE IF NOT EXISTS citations (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, cited TEXT NOT NULL, cited_key TEXT NOT NULL,
            kind TEXT, relation TEXT, block_id TEXT, data TEXT NOT NULL, PRIMARY KEY (doc_id, seq))""",
        "CREATE INDEX IF NOT EXISTS citations_cited ON citations (cited_key, relation)",
    ],
    [  # tables (extract/tables.py): one row per table, the Table model as JSON
        """CREATE TABLE tables (
            doc_id TEXT NOT NULL, seq INTEGER NOT NULL, id TEXT NOT NULL, number TEXT, data TEXT NOT NULL,
            PRIMARY KEY (doc_id, seq))""",
        "CREATE UNIQUE INDEX tables_id ON tables (doc_id, id)",
    ],
    [  # the database as a product (corpus/views.py): record tables -> documents foreign keys, list columns as
        # JSON arrays, block text + FTS5 index, one internal cache table instead of audit_cache/compare_cache
        lambda c: _add_foreign_keys(c),
        lambda c: _lists_as_json(c),
        lambda c: _block_text_search(c),
        """CREATE TABLE _cache (
            id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL,
            doc_id TEXT REFERENCES documents (id) ON DELETE CASCADE, data TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (name, key))""",
        "CREATE INDEX _cache_doc ON _cache (doc_id)",
        "DROP TABLE IF EXISTS audit_cache",
        "DROP TABLE IF EXISTS compare_cache",
        lambda c: _create_views(c),
    ],
    [  # ingest claims: a file (by sha256) being extracted by one process, so concurrent ingests share work
        "CREATE TABLE claims (sha256 TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL,"
        " until REAL NOT NULL)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
_RECORD_TABLES = ("blocks", "figures", "dates", "actor_mentions", "clauses", "citations", "tables")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_HOST = socket.gethostname()


def default_db_path() -> str:
    return os.environ.get("RESTRACK_DB") or DEFAULT_DB


def _is_lock_error(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in msg or "busy" in msg)


def _retry(fn: Callable[[], T], attempts: int = 8) -> T:
    """busy_timeout covers most contention; this catches SQLITE_BUSY returned without waiting."""
    for i in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not _is_lock_error(exc) or i == attempts - 1:
                raise
            time.sleep(0.05 * 2**i)
    raise AssertionError("unreachable")


def _years_of(values: Iterable[str | None]) -> list[int]:
    return [int(y) for v in values if v for y in _YEAR.findall(v)]


def _figure_years(fig: Figure, doc_year: int | None) -> list[int]:
    """Years a figure refers to, for `--year`: stated years, as-of, period; else the edition year."""
    years = set(fig.years) | set(_years_of([fig.as_of]))
    if fig.period:
        span = _years_of([fig.period.start, fig.period.end])
        if span and max(span) - min(span) <= 100:
            years |= set(range(min(span), max(span) + 1))
    if not years and doc_year:
        years.add(doc_year)
    return sorted(years)


class Store:
    """A restrack database. Open one per process; methods return schemas models."""

    def __init__(self, path: str | os.PathLike[str] | None = None, timeout: float = 30.0):
        self.path = str(path or default_db_path())
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if self.path != ":memory:":
            _retry(lambda: self.conn.execute("PRAGMA journal_mode = WAL"))
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.execute("PRAGMA foreign_keys = ON")  # record and cache rows go with their document
        self.migrate()

    # -- lifecycle -------------------------------------------------------------------------------------------
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE takes the write lock up front, so check-then-insert is race free."""
        _retry(lambda: self.conn.execute("BEGIN IMMEDIATE"))
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> None:
        """Apply pending migrations in one transaction; concurrent openers re-check inside the lock."""
        if self.version == SCHEMA_VERSION:
            return
        with self._write() as c:
            current = self.version
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: schema version {current} is newer than this restrack ({SCHEMA_VERSION})"
                )
            for statements in MIGRATIONS[current:]:
                for sql in statements:
                    sql(c) if callable(sql) else c.execute(sql)
            c.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- writing ---------------------------------------------------------------------------------------------
    def has_sha(self, sha: str) -> bool:
        return self.conn.execute("SELECT 1 FROM documents WHERE sha256 = ?", (sha,)).fetchone() is not None

    def id_for_sha(self, sha: str) -> str | None:
        row = self.conn.execute("SELECT id FROM documents WHERE sha256 = ?", (sha,)).fetchone()
        return row[0] if row else None

    def ingest(self, extraction: Extraction, force: bool = False) -> tuple[str, str]:
        """Store one extraction atomically -> (doc_id, "added" | "unchanged" | "replaced")."""
        doc = extraction.document
        if not doc.sha256:
            raise ValueError("extraction has no sha256")
        with self._write() as c:
            existing = self.id_for_sha(doc.sha256)
            if existing and not force:
                return existing, "unchanged"
            if existing:
                for table in _RECORD_TABLES:
                    c.execute(f"DELETE FROM {table} WHERE doc_id = ?", (existing,))
                c.execute("DELETE FROM documents WHERE id = ?", (existing,))
            doc_id = existing or self._new_id(doc)
            if not self._insert(c, doc_id, extraction):  # only if the lock were bypassed: never half-insert
                return self.id_for_sha(doc.sha256) or doc_id, "unchanged"
        return doc_id, "replaced" if existing else "added"

    def _new_id(self, doc: Document) -> str:
        base = os.path.basename(doc.path) or doc.sha256[:12]
        for candidate in (
            base,
            f"{base}~{doc.sha256[:8]}",
            f"{base}~{doc.sha256[:16]}",
            f"{base}~{doc.sha256}",
        ):
            if not self.conn.execute("SELECT 1 FROM documents WHERE id = ?", (candidate,)).fetchone():
                return candidate
        raise RuntimeError(f"no free document id for {doc.path}")

    def _insert(self, c: sqlite3.Connection, doc_id: str, ex: Extraction) -> bool:
        doc = ex.document.model_copy(update={"id": doc_id})
        meta = doc.model_copy(update={"blocks": []})
        cur = c.execute(
            "INSERT INTO documents (id, sha256, path, format, kind, title, symbol, year, date, resolution,"
            " pages, n_blocks, n_figures, data, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT (sha256) DO NOTHING",
            (
                doc_id,
                doc.sha256,
                doc.path,
                doc.format,
                doc.kind,
                doc.title,
                doc.symbol,
                doc.year,
                doc.date,
                doc.resolution,
                doc.pages,
                len(doc.blocks),
                len(ex.figures),
                meta.model_dump_json(),
                datetime.now(timezone.utc).isoformat(timespec="seconds"),
            ),
        )
        if cur.rowcount != 1:
            return False
        self._insert_records(c, doc_id, doc, ex)
        return True

    def _insert_records(self, c: sqlite3.Connection, doc_id: str, doc: Document, ex: Extraction) -> None:
        c.executemany(
            "INSERT INTO blocks (doc_id, seq, id, kind, page, section, data, text) VALUES (?,?,?,?,?,?,?,?)",
            [
                (doc_id, i, b.id, b.kind, b.page, b.section, b.model_dump_json(), b.text)
                for i, b in enumerate(doc.blocks)
            ],
        )
        rows: list[tuple] = []  # one table's rows at a time
        for i, f in enumerate(ex.figures):
            f = f.model_copy(update={"doc_id": doc_id})
            rows.append(
                (
                    doc_id,
                    i,
                    f.metric,
                    f.currency,
                    f.amount,
                    f.chapter,
                    f.block_id,
                    f.page,
                    json.dumps(_figure_years(f, doc.year)),
                    json.dumps([a.casefold() for a in f.actors], ensure_ascii=False),
                    f.model_dump_json(),
                )
            )
        c.executemany("INSERT INTO figures VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        rows = []
        for i, d in enumerate(ex.dates):
            d = d.model_copy(update={"doc_id": doc_id})
            years = _years_of([d.value])
            rows.append(
                (
                    doc_id,
                    i,
                    d.value,
                    min(years, default=None),
                    max(years, default=None),
                    d.block_id,
                    d.model_dump_json(),
                )
            )
        c.executemany("INSERT INTO dates VALUES (?,?,?,?,?,?,?)", rows)
        c.executemany(
            "INSERT INTO actor_mentions VALUES (?,?,?,?,?,?)",
            [
                (
                    doc_id,
                    i,
                    m.name,
                    m.type,
                    m.block_id,
                    m.model_copy(update={"doc_id": doc_id}).model_dump_json(),
                )
                for i, m in enumerate(ex.actors)
            ],
        )
        c.executemany(
            "INSERT INTO clauses VALUES (?,?,?,?,?,?,?)",
            [
                (doc_id, i, k.id, k.resolution, k.kind, k.number, k.model_dump_json())
                for i, k in enumerate(ex.clauses)
            ],
        )
        c.executemany(
            "INSERT INTO tables VALUES (?,?,?,?,?)",
            [
                (doc_id, i, t.id, t.number, t.model_copy(update={"doc_id": doc_id}).model_dump_json())
                for i, t in enumerate(ex.tables)
            ],
        )
        self._insert_citations(c, doc_id, ex)

    def _insert_citations(self, c: sqlite3.Connection, doc_id: str, ex: Extraction) -> None:
        c.executemany(
            "INSERT INTO citations VALUES (?,?,?,?,?,?,?,?)",
            [
                (
                    doc_id,
                    i,
                    k.cited,
                    _cited_key(k.cited),
                    k.kind,
                    k.relation,
                    k.block_id,
                    k.model_copy(update={"doc_id": doc_id}).model_dump_json(),
                )
                for i, k in enumerate(ex.citations)
            ],
        )

    # -- claims (concurrent ingests) -------------------------------------------------------------------------
    def _claim_live(self, pid: int, host: str, until: float) -> bool:
        """A claim holds while its deadline has not passed and, on this host, its process still exists."""
        if until < time.time():
            return False
        if host != _HOST:
            return True
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def claim(self, sha: str, seconds: float) -> bool:
        """Claim a file for extraction; False when another live process holds it (a dead one's is taken)."""
        with self._write() as c:
            row = c.execute("SELECT pid, host, until FROM claims WHERE sha256 = ?", (sha,)).fetchone()
            if row and (row[0], row[1]) != (os.getpid(), _HOST) and self._claim_live(*row):
                return False
            row = (sha, os.getpid(), _HOST, time.time() + seconds)
            c.execute("INSERT OR REPLACE INTO claims VALUES (?,?,?,?)", row)
        return True

    def claimed_by_other(self, sha: str) -> bool:
        row = self.conn.execute("SELECT pid, host, until FROM claims WHERE sha256 = ?", (sha,)).fetchone()
        return bool(row) and (row[0], row[1]) != (os.getpid(), _HOST) and self._claim_live(*row)

    def release(self, sha: str) -> None:
        _retry(
            lambda: self.conn.execute(
                "DELETE FROM claims WHERE sha256 = ? AND pid = ? AND host = ?", (sha, os.getpid(), _HOST)
            )
        )

    def release_mine(self) -> None:
        sql = "DELETE FROM claims WHERE pid = ? AND host = ?"
        _retry(lambda: self.conn.execute(sql, (os.getpid(), _HOST)))

    # -- reading ---------------------------------------------------------------------------------------------
    def documents(self, kind: str | None = None) -> list[Document]:
        """Document metadata (without blocks), ordered by id so output is stable whatever the job order."""
        from schemas.models import Document

        sql, args = "SELECT data FROM documents", []
        if kind:
            sql, args = sql + " WHERE kind = ?", [kind]
        rows = self.conn.execute(sql + " ORDER BY id", args).fetchall()
        return [Document.model_validate_json(r[0]) for r in rows]

    def block_counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT id, n_blocks FROM documents").fetchall())

    def counts(self, doc_id: str) -> tuple[int, int]:
        """(blocks, figures) stored for a document, without loading them."""
        sql = "SELECT n_blocks, n_figures FROM documents WHERE id = ?"
        row = self.conn.execute(sql, (doc_id,)).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    def document(self, ref: str) -> Document:
        """Find a document by id, path, basename or sha256 prefix; LookupError says why none or which ones."""
        from schemas.models import Document

        c = self.conn
        ids = [r[0] for r in c.execute("SELECT id FROM documents WHERE id = ?", (ref,))]
        if not ids:
            ids = [
                r[0]
                for r in c.execute(
                    "SELECT id FROM documents WHERE path = ? OR path = ?", (ref, os.path.abspath(ref))
                )
            ]
        if not ids:
            base = os.path.basename(ref.rstrip("/"))
            ids = [
                r[0] for r in c.execute("SELECT id, path FROM documents") if os.path.basename(r[1]) == base
            ]
        if not ids and re.fullmatch(r"[0-9a-fA-F]{4,64}", ref):
            ids = [
                r[0] for r in c.execute("SELECT id FROM documents WHERE sha256 LIKE ?", (ref.lower() + "%",))
            ]
        if not ids:
            raise LookupError(f"no document matches {ref!r} (try `restrack documents` for ids)")
        if len(ids) > 1:
            raise LookupError(f"{ref!r} matches several documents: {', '.join(sorted(ids))}")
        row = c.execute("SELECT data FROM documents WHERE id = ?", (ids[0],)).fetchone()
        return Document.model_validate_json(row[0])

    def blocks(self, doc_id: str) -> list[Block]:
        from schemas.models import Block

        rows = self.conn.execute("SELECT data FROM blocks WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return share_fields_set(Block.model_validate_json(r[0]) for r in rows)

    def figures(
        self,
        doc_id: str | None = None,
        metric: str | None = None,
        currency: str | None = None,
        actor: str | list[str] | None = None,
        year: int | None = None,
        chapter: str | None = None,
        as_json: bool = False,
        lazy: bool = False,
    ) -> list[Any] | Iterator[dict[str, Any]]:
        """Figures matching every given filter; actor is a canonical name (or a list: any of them), chapter
        a substring (any case). `as_json`: each as its JSON values (`model_dump(mode="json")`), parsed
        without a model when this version of Figure wrote it (listing 150,000 figures: seconds less).
        `lazy`: those JSON values one at a time, as the rows are read (a listing prints them as they come)."""
        where, args = [], []
        for col, val in (("doc_id", doc_id), ("metric", metric), ("currency", currency and currency.upper())):
            if val:
                where.append(f"f.{col} = ?")
                args.append(val)
        if isinstance(actor, list):
            if not actor:
                return []
            where.append("(" + " OR ".join([_list_has("f.actors")] * len(actor)) + ")")
            args += [a.casefold() for a in actor]
        elif actor:
            where.append(_list_has("f.actors"))
            args.append(actor.casefold())
        if year:
            where.append(_list_has("f.years", "CAST(? AS INTEGER)"))
            args.append(str(int(year)))
        if chapter:
            where.append("f.chapter LIKE ?")
            args.append(f"%{chapter}%")
        if lazy:
            return (_figure_json(r[0]) for r in self._select("figures", where, args))
        if as_json:
            return [_figure_json(r[0]) for r in self._select("figures", where, args)]
        from schemas.models import Figure

        rows = self._select("figures", where, args)
        return share_fields_set(Figure.model_validate_json(r[0]) for r in rows)

    def dates(self, doc_id: str | None = None, year: int | None = None) -> list[DateMention]:
        from schemas.models import DateMention

        where: list[str] = []
        args: list[str | int] = []
        if doc_id:
            where.append("f.doc_id = ?")
            args.append(doc_id)
        if year:
            where.append("f.year_start <= ? AND f.year_end >= ?")
            args += [int(year), int(year)]
        return [DateMention.model_validate_json(r[0]) for r in self._select("dates", where, args)]

    def actor_mentions(self, doc_id: str | None = None) -> list[ActorMention]:
        from schemas.models import ActorMention

        where, args = (["f.doc_id = ?"], [doc_id]) if doc_id else ([], [])
        return [ActorMention.model_validate_json(r[0]) for r in self._select("actor_mentions", where, args)]

    def actors(self, doc_id: str | None = None, type: str | None = None) -> list[Actor]:
        """Mentions folded per document and canonical name (as extract.actors.fold_actors does), most
        mentioned first. Folded in SQL: parsing every mention would cost seconds on a large corpus."""
        from schemas.models import Actor

        where, args = [], []
        if doc_id:
            where.append("doc_id = ?")
            args.append(doc_id)
        sql = (
            "SELECT doc_id, name, type, MIN(seq), COUNT(*),"
            " json_group_array(DISTINCT json_extract(data, '$.text'))"
            " FROM actor_mentions m"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " GROUP BY doc_id, name"
        )
        folded = []
        for d, name, kind, _, n, aliases in self.conn.execute(sql, args):
            if type and kind != type:
                continue
            folded.append(
                Actor(doc_id=d, name=name, type=kind, mentions=n, aliases=sorted(json.loads(aliases)))
            )
        return sorted(folded, key=lambda a: (a.doc_id or "", -a.mentions, a.name))

    def clauses(self, resolution: str | None = None, doc_id: str | None = None) -> list[Clause]:
        """The clause catalogue: per resolution, the clauses of its best-parsed document (or of `doc_id`).

        The same resolution ingested as TXT, DOCX and PDF yields three catalogues; mixing them would
        duplicate every clause, so one source wins: most recent edition, most clauses, then DOCX > TXT > PDF.
        """
        from schemas.models import Clause
        from schemas.rules import format_rank

        sql = (
            "SELECT c.doc_id, c.resolution, COUNT(*), d.year, d.format, d.ingested_at FROM clauses c"
            " JOIN documents d ON d.id = c.doc_id"
        )
        where, args = [], []
        if resolution:
            where.append("c.resolution = ?")
            args.append(resolution)
        if doc_id:
            where.append("c.doc_id = ?")
            args.append(doc_id)
        if where:
            sql += " WHERE " + " AND ".join(where)
        best: dict[str, tuple] = {}
        for d, res, n, year, fmt, at in self.conn.execute(sql + " GROUP BY c.doc_id, c.resolution", args):
            key = (-(year or 0), -n, format_rank(fmt), at, d)
            if res not in best or key < best[res][0]:
                best[res] = (key, d)
        out: list[Clause] = []
        for res in sorted(best, key=str):
            rows = self.conn.execute(
                "SELECT data FROM clauses WHERE doc_id = ? AND resolution IS ? ORDER BY seq",
                (best[res][1], res),
            )
            out += [Clause.model_validate_json(r[0]) for r in rows]
        return out

    def _doc_order(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY id")]

    def _select(self, table: str, where: list[str], args: list) -> Iterator[tuple]:
        """Rows of a record table joined to existing documents, in (document id, document order), as they
        are read: each record is built before the next row's JSON is read, not after all of them (an
        archive's 150,000 figures held 150 MB of JSON text at once, and left the heap in pieces)."""
        sql = f"SELECT f.data FROM {table} f JOIN documents d ON d.id = f.doc_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return iter(self.conn.execute(sql + " ORDER BY f.doc_id, f.seq", args))

    def tables(self, doc_id: str | None = None) -> list[Table]:
        """Stored tables (extract/tables.py), in document then reading order."""
        from schemas.models import Table
        where, args = (["f.doc_id = ?"], [doc_id]) if doc_id else ([], [])
        return [Table.model_validate_json(r[0]) for r in self._select("tables", where, args)]

    def table(self, ref: str, doc_id: str | None = None) -> list[Table]:
        """A table by id ("t30", "DOC:t30"), or every part printed under a number ("4.25": "(1) Regular
        budget", "(2) Extrabudgetary"), from the first document that has it; [] when none has."""
        if ":" in ref and doc_id is None:
            doc_id, ref = ref.rsplit(":", 1)
        found = [t for t in self.tables(doc_id) if ref in (t.id, t.number)]
        return [t for t in found if t.doc_id == found[0].doc_id] if found else []

    def cache(
        self, name: str, key: str, data: str | None = None, doc_id: str | None = None, replace: bool = False
    ) -> str | None:
        """The internal cache (table `_cache`): get the entry of `name` + `key` when `data` is None, else
        put it.

        `doc_id` ties an entry to a document: replacing or removing the document drops it (foreign key).
        `replace` drops the other entries of `name` (a cache with one live key). A read-only or busy database
        returns None and keeps nothing: a cache never fails a query."""
        try:
            if data is None:
                row = self.conn.execute("SELECT data FROM _cache WHERE name = ? AND key = ?", (name, key))
                found = row.fetchone()
                return found[0] if found else None
            with self._write() as c:
                if replace:
                    c.execute("DELETE FROM _cache WHERE name = ? AND key != ?", (name, key))
                c.execute(
                    "INSERT OR REPLACE INTO _cache (name, key, doc_id, data, created_at)"
                    " SELECT ?, ?, ?, ?, ? WHERE ? IS NULL OR EXISTS (SELECT 1 FROM documents WHERE id = ?)",
                    (name, key, doc_id, data, datetime.now(timezone.utc).isoformat(), doc_id, doc_id),
                )
        except sqlite3.Error:
            return None
        return data


@cache
def _figure_fields() -> tuple[str, ...]:
    """Figure's field names, read at first use (importing the models at start-up costs a warm query 0.2 s)."""
    from schemas.models import Figure

    return tuple(Figure.model_fields)


def _figure_json(data: str) -> dict[str, Any]:
    """A stored figure's JSON values: as stored when it has exactly this Figure's fields (and its period's),
    else through the model (older rows get the fields added since, with their defaults)."""
    from schemas.models import CellRef, Figure, Period

    d = json.loads(data)
    nested = (("period", Period), ("cell", CellRef))
    if tuple(d) == _figure_fields() and all(d[k] is None or tuple(d[k]) == tuple(m.model_fields)
                                          for k, m in nested):
        return d
    return Figure.model_validate_json(data).model_dump(mode="json")


def share_fields_set(models: Iterable[M]) -> list[M]:
    """Records read back from rows have every field set, so they share one `__pydantic_fields_set__`:
    pydantic keeps a 2 KB set per instance, more than a Figure's values (a cold compare of 1,000 documents
    held 600 MB of them). A model whose set differs keeps its own. Only for models whose fields are no longer
    set: setting one adds its name to the set every sharer holds (a record read back has every field set
    already, so there it adds a name already in)."""
    shared: dict[frozenset[str], set[str]] = {}
    out: list[M] = []
    for m in models:  # one at a time, so each model's own set is freed before the next is built
        own = m.__pydantic_fields_set__
        one = shared.setdefault(frozenset(own), own)
        if one is not own:
            object.__setattr__(m, "__pydantic_fields_set__", one)
        out.append(m)
    return out


def _cited_key(symbol: str) -> str:
    """Same key as extract.citations.canonical: spacing and case do not matter when looking a symbol up."""
    return re.sub(r"\s+", "", symbol).upper()


def citations(
    store: Store, doc_id: str | None = None, cited: str | None = None, relation: str | None = None
) -> list:
    """Stored citations (schemas.models.Citation), filtered by citing document, cited symbol (any spacing
    or case) and relation."""
    from schemas.models import Citation

    where, args = [], []
    if doc_id:
        where.append("f.doc_id = ?")
        args.append(doc_id)
    if cited:
        from extract.citations import normalise_symbol

        where.append("f.cited_key = ?")
        args.append(_cited_key(normalise_symbol(cited)))
    if relation:
        where.append("f.relation = ?")
        args.append(relation)
    return [Citation.model_validate_json(r[0]) for r in store._select("citations", where, args)]


# -- the database as a product (migration 5; views and Datasette metadata in corpus/views.py) ----------------
_FK_TABLES = ("blocks", "figures", "dates", "actor_mentions", "clauses", "citations", "tables")  # as of v5


def _list_has(column: str, param: str = "?") -> str:
    """SQL: the JSON array stored in `column` holds the bound value (list columns are JSON since v5)."""
    return f"EXISTS (SELECT 1 FROM json_each({column}) WHERE value = {param})"


def _add_foreign_keys(c: sqlite3.Connection) -> None:
    """Rebuild each record table with `doc_id REFERENCES documents ON DELETE CASCADE` (SQLite cannot add a
    foreign key in place). The current CREATE statement is edited, not retyped, so columns added by any
    earlier migration survive, and its indexes, triggers and every view are made again; blocks also gain
    `pk` (a stable rowid for the FTS index) and `text`."""
    views = c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'").fetchall()
    for name, _ in views:  # a view over a table being renamed would make the rename fail
        c.execute(f'DROP VIEW "{name}"')
    for table in _FK_TABLES:
        sql_of = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?"
        row = c.execute(sql_of, (table,)).fetchone()
        if row is None or "REFERENCES documents" in row[0]:
            continue
        indexes = [
            r[0]
            for r in c.execute(
                "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND tbl_name = ?"
                " AND sql IS NOT NULL ORDER BY type",
                (table,),
            )
        ]
        columns = ", ".join(r[1] for r in c.execute(f"PRAGMA table_info({table})"))
        fk = "doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE"
        sql, n = re.subn(r"\bdoc_id TEXT NOT NULL\b", fk, row[0], count=1)
        sql, m = re.subn(rf"^CREATE TABLE (IF NOT EXISTS )?{table}\b", f"CREATE TABLE {table}__new", sql)
        if table == "blocks":
            extra = "pk INTEGER PRIMARY KEY, text TEXT, UNIQUE (doc_id, seq)"
            sql, k = re.subn(r"PRIMARY KEY \(doc_id, seq\)", extra, sql)
            m *= k
        if n != 1 or m != 1:
            raise RuntimeError(f"cannot add a foreign key to {table}: unexpected schema {row[0]!r}")
        c.execute(sql)
        c.execute(
            f"INSERT INTO {table}__new ({columns}) SELECT {columns} FROM {table}"
            " WHERE doc_id IN (SELECT id FROM documents)"  # orphans of an interrupted old writer go
        )
        c.execute(f"DROP TABLE {table}")
        c.execute(f"ALTER TABLE {table}__new RENAME TO {table}")
        for index in indexes:
            c.execute(index)
    for _, sql in views:
        c.execute(sql)
    c.execute("UPDATE blocks SET text = json_extract(data, '$.text') WHERE text IS NULL AND json_valid(data)")


def _lists_as_json(c: sqlite3.Connection) -> None:
    """figures.years / figures.actors: `|2024|2025|` strings -> JSON arrays ([2024, 2025]) that SQL can
    query with json_each and Datasette facets as arrays."""
    c.execute(
        "UPDATE figures SET years = CASE WHEN years IS NULL OR years IN ('', '||') THEN '[]'"
        " ELSE '[' || replace(substr(years, 2, length(years) - 2), '|', ',') || ']' END"
        " WHERE years IS NULL OR years NOT LIKE '[%'"
    )
    c.execute(
        "UPDATE figures SET actors = CASE WHEN actors IS NULL OR actors IN ('', '||') THEN '[]'"
        " ELSE '[\"' || replace(replace(replace(substr(actors, 2, length(actors) - 2), '\\', '\\\\'),"
        " '\"', '\\\"'), '|', '\",\"') || '\"]' END"
        " WHERE actors IS NULL OR actors NOT LIKE '[%'"
    )
    for column, value in (("years", "value"), ("actors", "lower(value)")):  # what the string surgery could
        c.execute(  # not turn into JSON: re-derived from the figure
            f"UPDATE figures SET {column} = (SELECT json_group_array({value})"
            f" FROM json_each(figures.data, '$.{column}')) WHERE NOT json_valid({column})"
        )


def _block_text_search(c: sqlite3.Connection) -> None:
    """An FTS5 index over blocks.text (external content: the text is stored once), kept in sync by triggers
    on insert, update and delete (a writer must fill `text`: Store._insert_records does). Words match as
    written, any case or accent (no stemming: "general" must not find "generators"; `generator*` does)."""
    for sql in (
        "CREATE VIRTUAL TABLE blocks_fts USING fts5(text, content=\"blocks\", content_rowid=\"pk\","
        " tokenize='unicode61 remove_diacritics 2')",
        "CREATE TRIGGER blocks_fts_insert AFTER INSERT ON blocks BEGIN"
        " INSERT INTO blocks_fts (rowid, text) VALUES (new.pk, new.text); END",
        "CREATE TRIGGER blocks_fts_delete AFTER DELETE ON blocks BEGIN"
        " INSERT INTO blocks_fts (blocks_fts, rowid, text) VALUES ('delete', old.pk, old.text); END",
        "CREATE TRIGGER blocks_fts_update AFTER UPDATE ON blocks BEGIN"
        " INSERT INTO blocks_fts (blocks_fts, rowid, text) VALUES ('delete', old.pk, old.text);"
        " INSERT INTO blocks_fts (rowid, text) VALUES (new.pk, new.text); END",
        "INSERT INTO blocks_fts (blocks_fts) VALUES ('rebuild')",
    ):
        c.execute(sql)


def _create_views(c: sqlite3.Connection) -> None:
    from corpus.views import create_views

    create_views(c)
