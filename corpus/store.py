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
from pathlib import Path
from typing import TypeVar

from schemas.models import Actor, ActorMention, Block, Clause, DateMention, Document, Extraction, Figure

DEFAULT_DB = "restrack.db"
T = TypeVar("T")

# Ordered, append-only: migration i brings a database from user_version i to i + 1.
MIGRATIONS: list[list[str]] = [
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
    [  # ingest claims: a file (by sha256) being extracted by one process, so concurrent ingests share work
        "CREATE TABLE claims (sha256 TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL,"
        " until REAL NOT NULL)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)
_RECORD_TABLES = ("blocks", "figures", "dates", "actor_mentions", "clauses")
_FORMAT_RANK = {"docx": 0, "txt": 1, "pdf": 2}  # whose clause catalogue wins when formats disagree
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


def _bar(items: Iterable[str]) -> str:
    """`|a|b|` so an exact item matches with LIKE '%|a|%'."""
    items = list(items)
    return "|" + "|".join(items) + "|" if items else ""


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
                    c.execute(sql)
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
            "INSERT INTO blocks VALUES (?,?,?,?,?,?,?)",
            [
                (doc_id, i, b.id, b.kind, b.page, b.section, b.model_dump_json())
                for i, b in enumerate(doc.blocks)
            ],
        )
        rows = []
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
                    _bar(map(str, _figure_years(f, doc.year))),
                    _bar(a.casefold() for a in f.actors),
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
        rows = self.conn.execute("SELECT data FROM blocks WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [Block.model_validate_json(r[0]) for r in rows]

    def figures(
        self,
        doc_id: str | None = None,
        metric: str | None = None,
        currency: str | None = None,
        actor: str | list[str] | None = None,
        year: int | None = None,
        chapter: str | None = None,
    ) -> list[Figure]:
        """Figures matching every given filter; actor is a canonical name (or a list: any of them), chapter
        a substring (any case)."""
        where, args = [], []
        for col, val in (("doc_id", doc_id), ("metric", metric), ("currency", currency and currency.upper())):
            if val:
                where.append(f"f.{col} = ?")
                args.append(val)
        if isinstance(actor, list):
            if not actor:
                return []
            where.append("(" + " OR ".join(["f.actors LIKE ?"] * len(actor)) + ")")
            args += [f"%|{a.casefold()}|%" for a in actor]
        elif actor:
            where.append("f.actors LIKE ?")
            args.append(f"%|{actor.casefold()}|%")
        if year:
            where.append("f.years LIKE ?")
            args.append(f"%|{int(year)}|%")
        if chapter:
            where.append("f.chapter LIKE ?")
            args.append(f"%{chapter}%")
        return [Figure.model_validate_json(r[0]) for r in self._select("figures", where, args)]

    def dates(self, doc_id: str | None = None, year: int | None = None) -> list[DateMention]:
        where, args = [], []
        if doc_id:
            where.append("f.doc_id = ?")
            args.append(doc_id)
        if year:
            where.append("f.year_start <= ? AND f.year_end >= ?")
            args += [int(year), int(year)]
        return [DateMention.model_validate_json(r[0]) for r in self._select("dates", where, args)]

    def actor_mentions(self, doc_id: str | None = None) -> list[ActorMention]:
        where, args = (["f.doc_id = ?"], [doc_id]) if doc_id else ([], [])
        return [ActorMention.model_validate_json(r[0]) for r in self._select("actor_mentions", where, args)]

    def actors(self, doc_id: str | None = None, type: str | None = None) -> list[Actor]:
        """Mentions folded per document and canonical name (as extract.actors.fold_actors does), most
        mentioned first. Folded in SQL: parsing every mention would cost seconds on a large corpus."""
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
            key = (-(year or 0), -n, _FORMAT_RANK.get(fmt, 9), at, d)
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

    def _select(self, table: str, where: list[str], args: list) -> list[tuple]:
        """Rows of a record table joined to existing documents, in (document id, document order)."""
        sql = f"SELECT f.data FROM {table} f JOIN documents d ON d.id = f.doc_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self.conn.execute(sql + " ORDER BY f.doc_id, f.seq", args).fetchall()
