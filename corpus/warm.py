"""What warm queries read without importing the analysis: compare's cache key and its cached cells (a
filtered table, CSV or JSON), the whole text an unfiltered `compare` prints, and a key of the whole stored
state for a listing kept as printed (`audit`).

A warm `compare` is a cache read, yet importing corpus.compare (pydantic, the models, the rules, rapidfuzz)
took 0.3 s of its start-up, and joining and cutting the cached cells of 2,500 series another 0.8 s on a
1,000-document archive. So the key of compare's cache is computed here from files found by name (nothing
they hold is imported; corpus.compare uses this key too), and the text an unfiltered query prints is kept
whole, per format and check filter, by the first query that prints it (`keep_printed`): the next one only
reads it. The analysis empties these entries when it writes its own (`PRINTED`), so an archive keeps no text
of an older corpus.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

# what compare's results depend on: modules by name, found and not imported (extract.figures loads spaCy)
_MODULES = (
    "corpus.compare", "corpus.table_checks", "corpus.cells", "extract.dates", "extract.money",
    "extract.figures", "extract.classify", "extract.front_matter",
)
# the rule files it reads: schemas/data/<FILE>.json of SeriesRules, BudgetKinds, TableRules, Common, DateCues,
# DocCues (named here: importing schemas.rules builds every model; a test checks they are their `rule_path`)
_RULES = ("series_rules", "budget_kinds", "tables", "common", "date_cues", "doc_cues")
# the entries of whole printed text: compare --format FMT, and with --all-checks
PRINTED = tuple(f"compare_printed_{fmt}{all_}" for fmt in ("table", "csv", "json") for all_ in ("", "_all"))


def code_files() -> list[Path]:
    """The code and the rule files compare's cached results depend on."""
    code = [Path(spec.origin) for m in _MODULES if (spec := find_spec(m)) is not None and spec.origin]
    schemas = find_spec("schemas")
    assert schemas is not None and schemas.submodule_search_locations, "schemas is a package"
    data = Path(list(schemas.submodule_search_locations)[0]) / "data"
    return [*code, *(data / f"{name}.json" for name in _RULES)]


def code_hash() -> str:
    """What compare's caches (whole corpus and per document) are keyed by: their code and rules."""
    h = hashlib.sha256()
    for path in code_files():
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(store: Any) -> str:
    """Changes with any stored document (added, replaced, removed) and with the rules or the code."""
    h = hashlib.sha256(code_hash().encode())
    rows = store.conn.execute("SELECT id, sha256, ingested_at, n_figures FROM documents ORDER BY id")
    h.update(repr(rows.fetchall()).encode())
    return h.hexdigest()[:32]


def printed_entry(store: Any, fmt: str, all_checks: bool, printers: list[Path]) -> tuple[str, str]:
    """(name, key) of a whole printed text: compare's key and the code that printed it (the CLI's
    rendering is not part of compare's key: changing it must not make an archive analyse again)."""
    h = hashlib.sha256(cache_key(store).encode())
    for path in [Path(__file__), *printers]:
        h.update(path.read_bytes())
    return f"compare_printed_{fmt}{'_all' if all_checks else ''}", h.hexdigest()[:32]


def printed(store: Any, entry: tuple[str, str]) -> bytes | None:
    """The whole text an unfiltered compare printed, kept under `entry` (`printed_entry`), as
    UTF-8 (decoding 70 MB of JSON to encode it again cost 0.1 s); None when none is kept or the database
    cannot be read (as `Store.cache`)."""
    sql = "SELECT CAST(data AS BLOB) FROM _cache WHERE name = ? AND key = ?"
    try:
        found = store.conn.execute(sql, entry).fetchone()
    except sqlite3.Error:
        return None
    return found[0] if found and found[0] else None


def keep_printed(store: Any, entry: tuple[str, str], text: str) -> None:
    """Keep what an unfiltered `compare` printed, in place of this format's text of an older corpus."""
    store.cache(*entry, text, replace=True)


def stored_state(store: Any, extra: list[Path]) -> str:
    """A key of all a listing can depend on: every source and rule file of corpus/, extract/ and schemas/
    and `extra`, the schema version and each stored document's id, hash and ingest time (its records are
    written with it). Any change prints the listing again: cheap next to printing a stale one."""
    h = hashlib.sha256(repr((store.version, store.conn.execute(_DOCUMENTS).fetchall())).encode())
    for path in sorted(_sources()) + extra:
        h.update(path.read_bytes())
    return h.hexdigest()[:32]


_DOCUMENTS = "SELECT id, sha256, ingested_at FROM documents ORDER BY id"


def _sources() -> list[Path]:
    """The .py and .json files of the project's packages, found without importing them."""
    found = []
    for package in ("corpus", "extract", "schemas"):
        spec = find_spec(package)
        assert spec is not None and spec.submodule_search_locations, f"{package} is a package"
        for folder in spec.submodule_search_locations:
            found += [p for p in Path(folder).rglob("*") if p.suffix in (".py", ".json") and p.is_file()]
    return found


_HEAD = ("metric", "currency", "subject")  # what compare filters on, ahead of each cached series


def cached_series(cached: str, sep: str = "\n") -> Iterator[tuple[dict, str]]:
    """(filter fields, series JSON or text) of each line (`sep`) of a compare cache entry."""
    for line in cached.split(sep) if cached else ():
        head, body = line.split("\t", 1)
        yield dict(zip(_HEAD, json.loads(head), strict=True)), body


def series_filter(
    metric: str | None, subject: str | None, currency: str | None
) -> Callable[[str | None, str | None, str | None], bool]:
    """The one test of compare's filters, on a series' (metric, currency, subject) however it is held: the
    exact metric and currency (any case), the subject as a substring (any case); an absent filter passes."""
    cur, sub = currency.upper() if currency else None, subject.lower() if subject else None

    def match(m: str | None, c: str | None, s: str | None) -> bool:
        return (not metric or m == metric) and (not cur or c == cur) and (not sub or sub in (s or "").lower())

    return match


def compare_cells(
    store: Any,
    fmt: str,
    metric: str | None = None,
    subject: str | None = None,
    currency: str | None = None,
) -> list[Any] | None:
    """What compare's `fmt` ("table", "csv", "json") prints of each series compare_json would give, from the
    cache (`corpus.cells`: series_cells, series_csv, series_json); None when it holds none for this corpus,
    code and rules (compare_json then analyses). Only the part asked for is parsed."""
    cached = store.cache("compare_text" if fmt == "json" else "compare_cells", cache_key(store))
    if cached is None:
        return None
    match = series_filter(metric, subject, currency)
    heads = cached_series(cached, "\x1e" if fmt == "json" else "\n")
    bodies = (body for s, body in heads if match(s.get("metric"), s.get("currency"), s.get("subject")))
    if fmt == "json":
        return [body.split("\x1f") for body in bodies]
    part = 1 if fmt == "csv" else 0
    return [json.loads(body.split("\t", 1)[part]) for body in bodies]
