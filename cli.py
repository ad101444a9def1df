"""restrack command line: a thin click layer over corpus/ and extract/.

Adding a command: decorate with `@main.command()`, `@db_option` and `@format_option`, open the database with
`open_store(db)`, turn models into dicts (`model_rows`) and print them with `render(rows, fmt, columns)`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:  # a warm query prints cached text: start-up imports no pydantic
    from pydantic import BaseModel

from corpus.cells import (
    CHECK_COLUMNS,
    POINT_COLUMNS,
    POINT_TABLE_COLUMNS,
    SERIES_COLUMNS,
    cell,
    csv_text,
    json_array,
    table_cells,
    when,
)
from corpus.store import DEFAULT_DB, Store

FORMATS = ("table", "json", "csv")
TABLE_WIDTH = {
    "text": 60,
    "sentence": 60,
    "title": 50,
    "path": 50,
    "aliases": 40,
    "subject": 30,
    "chapter": 30,
    "message": 140,
    "note": 80,
}


# -- shared options and output ------------------------------------------------------------------------------
def db_option(f: Callable) -> Callable:
    return click.option(
        "--db",
        envvar="RESTRACK_DB",
        default=DEFAULT_DB,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="SQLite database (env RESTRACK_DB).",
    )(f)


def format_option(f: Callable) -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def open_store(db: str, create: bool = False) -> Store:
    """Queries on a missing database are a usage error, not a silent empty result."""
    if not create and db != ":memory:" and not os.path.exists(db):
        raise click.ClickException(f"no database at {db}: run `restrack ingest PATH --db {db}` first")
    return Store(db)


def model_rows(models: Iterable[BaseModel], columns: Sequence[str]) -> list[dict[str, Any]]:
    """Model -> dict with the contract columns first, then any extra fields (JSON consumers welcome them)."""
    rows = []
    for m in models:
        data = m.model_dump(mode="json")
        rows.append({**{c: data.get(c) for c in columns}, **data})
    return rows


_STREAM_CHUNK = 2000  # rows formatted per write: one write per row is slow, one for all holds them all


def render(
    rows: Iterable[dict[str, Any]],
    fmt: str,
    columns: Sequence[str],
    table_columns: Sequence[str] = (),
    wide: bool = False,
) -> None:
    """Print rows: json = one array of whole rows; csv = header + `columns` (lists joined by "; ");
    table = fixed-width `table_columns` (default `columns`), long text cut to fit (or wrapped if `wide`).
    Rows may come one at a time, as they are read: JSON and CSV are written a chunk of rows at a time, and
    the table keeps only each row's cells (its widths need every row). Listing every figure of a
    1,000-document archive held each as a dict and the whole text at once: 1.5 GB for JSON, 1 GB for the
    table."""
    if fmt == "table":
        cols = list(table_columns or columns)
        render_cells([table_cells(r, cols) for r in rows], cols, wide)
        return
    started = False
    chunk: list[dict[str, Any]] = []

    def flush() -> None:
        nonlocal started
        if fmt == "csv":
            text = csv_text(chunk, columns, header=not started)
        else:  # json.dumps(all rows, indent=2), one element at a time
            items = (json.dumps(r, ensure_ascii=False, indent=2).replace("\n", "\n  ") for r in chunk)
            text = ("[\n  " if not started else ",\n  ") + ",\n  ".join(items)
        click.echo(text, nl=False)
        started = True
        chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) >= _STREAM_CHUNK:
            flush()
    if chunk or (fmt == "csv" and not started):
        flush()
    if fmt == "json":
        click.echo("\n]" if started else "[]")


Group = tuple[list[str], list[list[str]]]  # rows sharing their first cells: (those cells, each row's others)


def render_cells(cells: list[list[str]], cols: Sequence[str], wide: bool = False) -> None:
    """render's table of rows already as cells (one line each)."""
    render_groups([([], cells)], cols, wide)


def render_groups(
    groups: list[Group], cols: Sequence[str], wide: bool = False, longest: Sequence[int] = ()
) -> None:
    """render's table of rows already as cells, in groups sharing their first cells (compare: a series'
    metric, subject and currency lead each of its points), the `longest` cell of each column when known
    (compare's cache keeps it) else measured here."""
    if not longest:
        rows = [row for _, group in groups for row in group]
        shared = [lead for lead, group in groups if group]  # a group with no rows prints nothing
        lead = len(groups[0][0]) if groups else 0
        columns = [*(zip(*shared, strict=True) if shared else [()] * lead)]
        columns += zip(*rows, strict=True) if rows else [()] * (len(cols) - lead)
        longest = [max([0, *map(len, column)]) for column in columns]
    naturals = [max(len(c), n) for c, n in zip(cols, longest, strict=True)]
    widths = [min(n, TABLE_WIDTH.get(c, 40)) for n, c in zip(naturals, cols, strict=True)]
    widths = _fit(widths, naturals)

    def line(values: Sequence[str]) -> str:
        out = [(v if len(v) <= w else v[: w - 1] + "…").ljust(w) for v, w in zip(values, widths, strict=True)]
        return "  ".join(out).rstrip()

    def wrapped(values: Sequence[str]) -> list[str]:
        import textwrap

        pairs = zip(values, widths, strict=True)
        parts = [textwrap.wrap(v, w, break_on_hyphens=False) or [""] for v, w in pairs]
        return [line([p[k] if k < len(p) else "" for p in parts]) for k in range(max(map(len, parts)))]

    if wide:
        body = [x for lead, group in groups for row in group for x in wrapped(lead + row)]
    else:
        body = _cut_lines(groups, widths, naturals)
    lines = [line(cols), line(["-" * w for w in widths]), *body]
    click.echo("\n".join(lines))  # one write: per-line echo costs more than the query on big listings
    if not body:
        click.echo("(none)", err=True)


def _cut_lines(groups: list[Group], widths: list[int], naturals: list[int]) -> list[str]:
    """The rows as fixed-width lines, long cells cut with "…": a group's shared cells are cut and padded
    once, each row is one format, and only the columns with a longer cell are looked at (a cell at a time
    cost a second on 100,000 rows). Cuts in place."""
    n = len(groups[0][0]) if groups else 0
    cut = [(i, w) for i, (w, m) in enumerate(zip(widths, naturals, strict=True)) if m > w]
    lead_fmt = "".join(f"%-{w}s  " for w in widths[:n])  # each cell left-aligned and padded to its width
    row_fmt = "  ".join(f"%-{w}s" for w in widths[n:])
    out = []
    for lead, rows in groups:
        head = lead_fmt % tuple(_cut([lead], [(i, w) for i, w in cut if i < n])[0])
        for row in _cut(rows, [(i - n, w) for i, w in cut if i >= n]):
            out.append((head + row_fmt % tuple(row)).rstrip())
    return out


def _cut(rows: list[list[str]], cut: list[tuple[int, int]]) -> list[list[str]]:
    """The rows with each cell at (index, width) in `cut` that is longer than its width ending in "…" at it
    (in place: this runs once per row of the largest listings)."""
    for row in rows:
        for i, w in cut:
            if len(row[i]) > w:
                row[i] = row[i][: w - 1] + "…"
    return rows


def _fit(widths: list[int], naturals: list[int]) -> list[int]:
    """Columns cut to their TABLE_WIDTH grow into the rest of a terminal's width (stdout a terminal only:
    piped output keeps stable widths)."""
    if not sys.stdout.isatty():
        return widths
    import shutil

    spare = shutil.get_terminal_size((0, 0)).columns - (sum(widths) + 2 * (len(widths) - 1))
    cut = [i for i, (w, n) in enumerate(zip(widths, naturals, strict=True)) if n > w]
    while spare > 0 and cut:
        share = max(1, spare // len(cut))
        for i in list(cut):
            grow = min(share, naturals[i] - widths[i], spare)
            widths[i] += grow
            spare -= grow
            if widths[i] >= naturals[i]:
                cut.remove(i)
    return widths


class _BadValue(click.ClickException):
    """A filter value that matches nothing known: exit 2, like any other usage error."""

    exit_code = 2


def _check_value(what: str, value: str | None, known: Iterable[str], fold: bool = False) -> str | None:
    """`value` if it is a known one (case-insensitive when `fold`), else an error naming the nearest."""
    if value is None:
        return None
    known = sorted({k for k in known if k})
    norm = {(k.casefold() if fold else k): k for k in known}
    if (value.casefold() if fold else value) in norm:
        return norm[value.casefold() if fold else value]
    import difflib

    near = difflib.get_close_matches(value.casefold() if fold else value, list(norm), n=1, cutoff=0.6)
    hint = f"; did you mean {norm[near[0]]!r}?" if near else f"; known: {', '.join(known[:20])}"
    raise _BadValue(f"unknown {what} {value!r}{hint}")


def _known_metrics(store: Store, value: str) -> set[str]:
    """The metrics a filter may name: the stored ones, and the model's unless `value` is stored (importing
    the models costs a warm query 0.2 s; a stored value is known either way)."""
    from typing import get_args

    stored = {r[0] for r in store.conn.execute("SELECT DISTINCT metric FROM figures")}
    if value in stored:
        return stored
    from schemas.models import Metric

    return set(get_args(Metric)) | stored


def _known_currencies(store: Store) -> set[str]:
    from schemas.rules import Currencies, load_rules  # not extract.nlp: importing spaCy costs a second

    stored = {r[0] for r in store.conn.execute("SELECT DISTINCT currency FROM figures")}
    return {c.code for c in load_rules(Currencies).currencies} | stored


def _actor_names(store: Store, wanted: str | None) -> list[str] | None:
    """Canonical names an --actor value means: the name itself, a form seen in the text (an alias or
    acronym: "ITU" -> "International Telecommunication Union"), and every name it starts a word of
    ("Vodafone" -> "Vodafone Ukraine"): all of these. Nothing: an error suggesting the nearest stored name."""
    if wanted is None:
        return None
    key = wanted.casefold().strip()
    names, forms = _actors_known(store)
    exact = [n for n in names if n.casefold() == key]
    alias = sorted(set(forms.get(key, [])))
    prefix = [n for n in names if n.casefold().startswith(key) or f" {key}" in f" {n.casefold()}"]
    found = sorted(set(exact + alias + prefix))
    if found:
        return found
    _check_value("actor", wanted, names, fold=True)
    return []


def _actors_known(store: Store) -> tuple[list[str], dict[str, list[str]]]:
    """The stored actor names (mentioned, then only in figures), and each form the text mentions an actor
    by (SQLite's lower(), as --actor compares it) -> the names it stands for. Kept in the cache while the
    stored documents and the code are unchanged (`corpus.warm.stored_state`): reading the JSON of every
    mention and the actors of every figure cost an --actor query 0.8 s on a 1,000-document archive."""
    from corpus import warm

    key = warm.stored_state(store, [Path(__file__)])
    cached = store.cache("actors_known", key)
    if cached is not None:
        kept_names, kept_forms = json.loads(cached)
        return kept_names, kept_forms
    names = sorted({r[0] for r in store.conn.execute("SELECT DISTINCT name FROM actor_mentions")})
    names += sorted({a for r in store.conn.execute("SELECT DISTINCT actors FROM figures") for a in
                     (r[0] or "").strip("|").split("|") if a} - {n.casefold() for n in names})
    forms: dict[str, list[str]] = {}
    sql = "SELECT DISTINCT lower(json_extract(data, '$.text')), name FROM actor_mentions"
    for form, name in store.conn.execute(sql):
        if form is not None:  # a mention without text matches no value
            forms.setdefault(form, []).append(name)
    store.cache("actors_known", key, json.dumps([names, forms]), replace=True)
    return names, forms


@click.group()
@click.version_option(package_name="restrack", message="%(version)s")
def main() -> None:
    """restrack: figures, dates, actors and clause coverage from Resolution 1408 reports and RDNAs."""


# -- ingest ------------------------------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--force", is_flag=True, help="Re-extract files already stored (same sha256), replacing them.")
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [default: CPU count]."
)
@click.option("--no-model", is_flag=True, help="Rules only: skip the spaCy statistical model.")
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=200,
    show_default=True,
    help="Megabytes per file.",
)
@click.option("--max-pages", type=click.IntRange(min=1), default=2000, show_default=True, help="Page limit.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=600,
    show_default=True,
    help="Seconds per file.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks of failed files.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display and no closing summary.")
@click.option("--name", default=None, help="Name to store for `-` (a document read from standard input).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="json: no per-file lines; one JSON array of {path, status, doc_id, code, reason} on stdout.",
)
def ingest(
    paths: tuple[str, ...],
    db: str,
    force: bool,
    jobs: int | None,
    no_model: bool,
    max_mb: float,
    max_pages: int,
    timeout: float,
    debug: bool,
    quiet: bool = False,
    name: str | None = None,
    fmt: str = "table",
) -> None:
    """Extract PDF/DOCX/TXT files (folders recursively; `-` = standard input) into the database.

    One line per file on stdout, errors on stderr, a progress display on a terminal, a closing summary.
    Ctrl-C or SIGTERM stops within a second or two: documents stored so far stay, whole.
    """
    import tempfile

    from corpus.ingest import collect_files, ingest_files
    from schemas.models import Limits

    limits = Limits(max_file_bytes=int(max_mb * 1024 * 1024), max_pages=max_pages, max_seconds=timeout)
    with tempfile.TemporaryDirectory(prefix="restrack-stdin-") as tmp:
        names: dict[str, str] = {}
        given = list(paths)
        if "-" in given:
            if given.count("-") > 1:
                raise click.UsageError("`-` (standard input) can be given once")
            stdin_path = _read_stdin(tmp, name or "stdin", limits.max_file_bytes)
            names[stdin_path] = name or "stdin"
            given[given.index("-")] = stdin_path
        elif name:
            raise click.UsageError("--name names the document read from standard input: give `-` as a path")
        files, failed = collect_files(given)
        results = [r for r in failed if r.status == "error"]
        store = open_store(db, create=True)
        tally = _Tally(len(files), quiet)
        stop = _stop_on_signals()
        run = ingest_files(
            store, files, limits, not no_model, jobs or os.cpu_count() or 1, force, tally.start, names,
            hold=stop.held,
        )
        stopped = None
        with stop as signalled:
            try:
                with tally:
                    for r in run:
                        if r.path in names:
                            r.path = names[r.path]
                        results.append(_report(r, debug, tally.echo, no_stdout=fmt == "json"))
                        tally.done(r)
            except _Stop:
                stopped = signalled[0]
            finally:
                run.close()  # stops and reaps the workers, releases claims
        for r in failed:
            if r.status == "error":
                _report(r, debug)
        if stopped is None:
            from corpus.audit import refresh_cache

            refresh_cache(store)  # clause coverage computed now: the first `audit` reads it from the cache
            from corpus.compare import refresh_cache as refresh_compare

            try:  # series too: the first `compare` reads them; a failure here leaves `compare` to report it
                refresh_compare(store)
            except Exception as exc:  # noqa: BLE001 - the documents are stored; a cache must not fail ingest
                click.echo(f"warning: compare not precomputed: {exc}", err=True)
        store.close()
    outcomes = results + [r for r in failed if r.status == "skipped"]
    if fmt == "json":
        click.echo(json.dumps([_ingest_json(r) for r in outcomes], ensure_ascii=False, indent=2))
    if not quiet:
        click.echo(_summary_line(outcomes, stopped, len(files) - tally.files), err=True)
    if stopped is not None:
        sys.exit(128 + stopped)
    if any(r.status == "error" for r in results):
        sys.exit(1)


class _Stop(BaseException):
    """Raised by the SIGINT/SIGTERM handler; BaseException so no `except Exception` swallows it."""


class _stop_on_signals:
    """SIGINT and SIGTERM raise _Stop once (the signal number is kept); later ones are ignored so the
    clean-up (reaping workers, closing the database) is not itself interrupted. Inside `held()` (a document
    stored and not yet reported) the stop waits for the end of the section."""

    def __init__(self) -> None:
        self.got: list[int] = []
        self.holding = 0

    def __enter__(self) -> list[int]:
        import signal

        self.old = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}

        def handler(signum: int, frame: object) -> None:
            if not self.got:
                self.got.append(signum)
                if not self.holding:
                    raise _Stop()

        for s in self.old:
            signal.signal(s, handler)
        return self.got

    def __exit__(self, *exc: object) -> None:
        import signal

        for s, h in self.old.items():
            signal.signal(s, h)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self.holding += 1
        try:
            yield
        except BaseException:
            self.holding -= 1
            raise  # leaving by an exception (the run closed): no second one on top of it
        self.holding -= 1
        if self.got and not self.holding:
            raise _Stop()


def _read_stdin(tmp: str, name: str, limit: int) -> str:
    """Standard input into a file named NAME in `tmp`: the extractors sniff the format from the bytes."""
    stream = sys.stdin.buffer
    if stream.isatty():
        raise click.UsageError("`-` reads a document from standard input, which is a terminal: "
                               "pipe a file in (restrack ingest - --name report.pdf < report.pdf)")
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise click.ClickException(f"standard input is over the limit of {limit} bytes (--max-mb)")
    if not data:
        raise click.ClickException("standard input is empty (0 bytes): nothing to ingest")
    safe = os.path.basename(name.replace("\\", "/")) or "stdin"
    path = os.path.join(tmp, safe)
    with open(path, "wb") as f:
        f.write(data)
    return path


def _summary_line(results: list[Any], stopped: int | None, left: int) -> str:
    """"12 added, 3 unchanged, 2 errors, 4 skipped: not a document (.png, .xlsx)"."""
    import signal

    count = {s: sum(r.status == s for r in results) for s in ("added", "replaced", "unchanged", "error")}
    parts = [f"{count['added']} added"]
    parts += [f"{count[s]} {s}" for s in ("replaced", "unchanged") if count[s]]
    if count["error"]:
        codes: dict[str, int] = {}
        for r in results:
            if r.status == "error":
                codes[r.code or "unknown"] = codes.get(r.code or "unknown", 0) + 1
        kinds = ", ".join(f"{n} {c}" if len(codes) > 1 else c for c, n in sorted(codes.items()))
        parts.append(f"{count['error']} error" + ("s" if count["error"] > 1 else "") + f" ({kinds})")
    skipped = [r for r in results if r.status == "skipped"]
    if skipped:
        reasons: dict[str, list[str]] = {}
        for r in skipped:
            head, _, detail = (r.error or "skipped").partition(" (")
            reasons.setdefault(head, [])
            detail = detail.rstrip(")")
            if detail and detail not in reasons[head]:
                reasons[head].append(detail)
        why = "; ".join(f"{k} ({', '.join(sorted(v))})" if v else k for k, v in reasons.items())
        parts.append(f"{len(skipped)} skipped: {why}")
    line = ", ".join(parts)
    if stopped is not None:
        line = f"stopped by {signal.Signals(stopped).name}: {line}; {left} not done"
    return line


class _Tally:
    """Progress of an ingest on stderr: a rich bar on a terminal (files, pages, errors, current file),
    a plain line every PLAIN_EVERY seconds otherwise (CI logs), nothing with --quiet."""

    PLAIN_EVERY = 30.0

    def __init__(self, total: int, quiet: bool):
        self.total, self.files, self.pages, self.errors = total, 0, 0, 0
        self.current = ""
        self.live = None if quiet or not sys.stderr.isatty() or total < 2 else self._progress()
        self.plain = not quiet and self.live is None
        self.last_plain = __import__("time").monotonic()

    def _progress(self) -> Any:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.console = Console(stderr=True)
        return Progress(
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[pages]} pages · {task.fields[errors]} errors"),
            TimeElapsedColumn(),
            TextColumn("{task.fields[current]}"),
            console=self.console,
            auto_refresh=False,  # no refresh thread: workers are forked from this process
            transient=True,
        )

    def __enter__(self) -> _Tally:
        if self.live is not None:
            self.live.__enter__()
            self.task = self.live.add_task("ingest", total=self.total, pages=0, errors=0, current="")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)

    def _update(self) -> None:
        if self.live is not None:
            current = os.path.basename(self.current)[:40]
            self.live.update(self.task, completed=self.files, pages=f"{self.pages:,}", errors=self.errors,
                             current=current)
            self.live.refresh()
        elif self.plain and __import__("time").monotonic() - self.last_plain >= self.PLAIN_EVERY:
            self.last_plain = __import__("time").monotonic()
            now = _shown(os.path.basename(self.current))
            click.echo(
                f"progress: {self.files}/{self.total} files, {self.pages:,} pages, {self.errors} errors;"
                f" working on {now}",
                err=True,
            )

    def echo(self, message: str, err: bool = False) -> None:
        """Per-file lines: through sys.stdout/stderr while the bar is live (rich prints them above it)."""
        if self.live is None:
            click.echo(message, err=err)
        else:
            print(message, file=sys.stderr if err else sys.stdout, flush=True)

    def start(self, path: str) -> None:
        self.current = path
        self._update()

    def done(self, r: Any) -> None:
        self.files += 1
        self.errors += r.status == "error"
        self.pages += (r.document.pages or 0) if r.document is not None and r.status != "unchanged" else 0
        self._update()


def _shown(path: str) -> str:
    from corpus.ingest import shown

    return shown(path)


class _busy:
    """A transient spinner on a terminal's stderr while slow work runs; in logs (stderr not a terminal)
    one plain line, only if the work is still running after PLAIN_AFTER seconds."""

    PLAIN_AFTER = 15.0

    def __init__(self, label: str):
        self.label = label

    def __enter__(self) -> _busy:
        self.status = self.timer = None
        if sys.stderr.isatty():
            from rich.console import Console

            self.status = Console(stderr=True).status(self.label + "…")
            self.status.__enter__()
        else:
            import threading

            self.timer = threading.Timer(self.PLAIN_AFTER, lambda: click.echo(self.label + "…", err=True))
            self.timer.daemon = True
            self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.status is not None:
            self.status.__exit__(None, None, None)
        if self.timer is not None:
            self.timer.cancel()


def _hint(path: str, code: str | None) -> str:
    """What the user can do next, from the error's code and the tools this machine has (the extractors stay
    PATH-free). A Word flavour we do not read, or a file named as a Word document that is something else,
    is what an office suite converts."""
    import shlex
    import shutil

    if code == "needs_ocr":
        if shutil.which("ocrmypdf"):
            return f"; OCR is available: ocrmypdf {shlex.quote(path)} ocr.pdf, then ingest ocr.pdf"
        if shutil.which("tesseract"):
            return "; tesseract is installed: pip install 'restrack[ocr]' and run ocrmypdf on the file"
        return "; no OCR tool found: pip install 'restrack[ocr]' (ocrmypdf, needs tesseract), then ocrmypdf"
    word_named = os.path.splitext(path)[1].lower() in (".doc", ".docx", ".odt", ".rtf")
    if code == "unsupported_format" or (code == "not_a_document" and word_named):
        office = shutil.which("soffice") or shutil.which("libreoffice")
        if office:
            tool, out = os.path.basename(office), shlex.quote(os.path.dirname(path) or ".")
            return f"; convert: {tool} --headless --convert-to docx --outdir {out} {shlex.quote(path)}"
        return "; convert it: open in Word or LibreOffice and save as Word Document (.docx)"
    return ""


def _report(r: Any, debug: bool, echo: Callable[..., None] = click.echo, no_stdout: bool = False) -> Any:
    """One line per outcome: errors and warnings on stderr; `no_stdout` drops the stdout line (ingest
    --format json prints the results as JSON instead)."""
    if r.status == "error":
        if debug and r.traceback:
            echo(r.traceback.rstrip(), err=True)
        echo(f"error: {_shown(r.path)}: {r.error}{_hint(r.path, r.code)}", err=True)
        return r
    d = r.document
    about = [x for x in (d.kind, d.symbol) if x]
    facts = (
        [" ".join(about)] + ([str(d.year)] if d.year else []) + [f"{r.blocks} blocks", f"{r.figures} figures"]
    )
    if not no_stdout:
        echo(f"{r.status} {r.doc_id} ({', '.join(facts)})")
    for w in r.warnings:
        echo(f"warning: {r.doc_id}: {w}", err=True)
    return r


# -- listings ----------------------------------------------------------------------------------------------
DOC_COLUMNS = ["id", "path", "sha256", "kind", "title", "symbol", "year", "pages", "blocks"]
BLOCK_COLUMNS = ["id", "kind", "text", "page", "section", "label", "level"]
FIGURE_COLUMNS = [
    "doc_id",
    "amount",
    "currency",
    "text",
    "qualifier",
    "metric",
    "actors",
    "as_of",
    "period",
    "years",
    "subject",
    "chapter",
    "page",
    "block_id",
    "sentence",
]
DATE_COLUMNS = ["doc_id", "text", "value", "page", "block_id", "kind"]
ACTOR_COLUMNS = ["doc_id", "name", "type", "mentions", "aliases"]


def _doc_row(doc: Any, blocks: int) -> dict[str, Any]:
    data = doc.model_dump(mode="json", exclude={"blocks"})
    return {
        **{c: data.get(c) for c in DOC_COLUMNS},
        "blocks": blocks,
        **{k: v for k, v in data.items() if k not in DOC_COLUMNS},
    }


@main.command()
@db_option
@format_option
@click.option("--kind", type=click.Choice(["resolution", "report", "assessment", "other"]), default=None)
def documents(db: str, fmt: str, kind: str | None) -> None:
    """List stored documents."""
    with open_store(db) as store:
        counts = store.block_counts()
        rows = [_doc_row(d, counts.get(d.id or "", 0)) for d in store.documents(kind)]
    render(rows, fmt, DOC_COLUMNS, ["id", "kind", "symbol", "year", "pages", "blocks", "reports_on", "title"])


@main.command()
@click.argument("doc")
@db_option
@format_option
def show(doc: str, db: str, fmt: str) -> None:
    """One document and its blocks (DOC = id, path, file name or sha256 prefix)."""
    with open_store(db) as store:
        found = _find(store, doc)
        blocks = store.blocks(found.id or "")
    rows = [
        {**{c: b.model_dump(mode="json").get(c) for c in BLOCK_COLUMNS}, **b.model_dump(mode="json")}
        for b in blocks
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                {"document": _doc_row(found, len(blocks)), "blocks": rows}, ensure_ascii=False, indent=2
            )
        )
        return
    if fmt == "table":
        head = _doc_row(found, len(blocks))
        for key in ("id", "path", "kind", "symbol", "year", "date", "resolution", "pages", "blocks", "title"):
            click.echo(f"{key + ':':<12}{cell(head.get(key))}")
        click.echo()
    render(rows, fmt, BLOCK_COLUMNS, ["id", "kind", "page", "section", "label", "text"])


def _find(store: Store, ref: str | None) -> Any:
    try:
        return store.document(ref or "")
    except LookupError as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None


def _doc_id(store: Store, ref: str | None) -> str | None:
    return _find(store, ref).id if ref else None


@main.command()
@db_option
@format_option
@click.option("--doc", help="Document id, path, file name or sha256 prefix.")
@click.option(
    "--metric", help="damage, losses, needs, requirement, contribution, in-kind, budget, pledge, ..."
)
@click.option("--currency", help="ISO 4217 code, e.g. USD, CHF.")
@click.option("--actor", help="Actor: canonical name, a form seen in the text (alias) or a name's start.")
@click.option("--year", type=int, help="A year the figure refers to (else the edition year).")
@click.option("--chapter", help="Assessment sector chapter (substring).")
@click.option(
    "--columns",
    help="Table columns, comma-separated (when, sentence, " + ", ".join(FIGURE_COLUMNS[:-1]) + ").",
)
@click.option("--wide", is_flag=True, help="Table: add the sentence; wrap long text instead of cutting it.")
def figures(
    db: str,
    fmt: str,
    doc: str | None,
    metric: str | None,
    currency: str | None,
    actor: str | None,
    year: int | None,
    chapter: str | None,
    columns: str | None = None,
    wide: bool = False,
) -> None:
    """Monetary figures with what they measure, when (as-of date, period or years) and where they stand."""
    table = ["doc_id", "amount", "currency", "qualifier", "metric", "actors", "when", "page", "text"]
    table.append("subject")
    if columns:
        known = [*FIGURE_COLUMNS, "when"]
        table = [_check_value("column", c.strip(), known) or "" for c in columns.split(",")]
    elif wide:
        table.append("sentence")
    with open_store(db) as store:
        if metric is not None:  # known values are looked up only for a filter given
            metric = _check_value("metric", metric, _known_metrics(store, metric))
        if currency is not None:
            currency = _check_value("currency", currency, _known_currencies(store), fold=True)
        names = _actor_names(store, actor)
        found = store.figures(_doc_id(store, doc), metric, currency, names, year, chapter, lazy=True)
        rows = _dict_rows_lazily(found, FIGURE_COLUMNS)
        if fmt == "table":
            rows = ({**r, "when": when(r)} for r in rows)
        render(rows, fmt, FIGURE_COLUMNS, table, wide=wide)


@main.command()
@db_option
@format_option
@click.option("--doc", help="Document id, path, file name or sha256 prefix.")
@click.option("--year", type=int, help="Dates falling in (or spanning) this year.")
def dates(db: str, fmt: str, doc: str | None, year: int | None) -> None:
    """Dates stated in the documents, as ISO 8601 values."""
    with open_store(db) as store:
        found = store.dates(_doc_id(store, doc), year)
    table = ["doc_id", "text", "value", "kind", "page", "block_id"]
    render(model_rows(found, DATE_COLUMNS), fmt, DATE_COLUMNS, table)


@main.command()
@db_option
@format_option
@click.option("--doc", help="Document id, path, file name or sha256 prefix.")
@click.option("--type", "type_", help="member_state, un_body, national_authority, company, academia, ...")
def actors(db: str, fmt: str, doc: str | None, type_: str | None) -> None:
    """Actors per document: canonical name, type, mention count and the forms seen."""
    from typing import get_args

    from schemas.models import ActorType

    type_ = _check_value("actor type", type_, get_args(ActorType))
    with open_store(db) as store:
        found = store.actors(_doc_id(store, doc), type_)
    render(model_rows(found, ACTOR_COLUMNS), fmt, ACTOR_COLUMNS)


# -- clauses and audit --------------------------------------------------------------------------------------
CLAUSE_COLUMNS = ["id", "resolution", "kind", "verb", "number", "text"]
AUDIT_EVIDENCE_COLUMNS = ["doc_id", "year", "clause_id", "block_id", "page", "section", "score", "text"]


@main.command()
@click.argument("resolution", required=False)
@db_option
@format_option
@click.option("--version", "version", help="Which stored text: 'Mod. 2023', a year, a symbol or a doc id.")
def clauses(resolution: str | None, db: str, fmt: str, version: str | None) -> None:
    """The clause catalogue of RESOLUTION (e.g. 1408), or of every ingested resolution; says which version."""
    with open_store(db) as store:
        found, shown, labels = _clauses_version(store, resolution, version)
    if fmt == "table":
        for line in shown:
            click.echo(line, err=True)
    if resolution and not found:
        raise click.ClickException(
            f"no clauses of resolution {resolution}: ingest the resolution's text first"
        )
    rows = [{**r, "version": labels.get(r["resolution"])} for r in model_rows(found, CLAUSE_COLUMNS)]
    render(rows, fmt, CLAUSE_COLUMNS, ["id", "kind", "number", "verb", "addressee", "text"])


def _replay(store: Store, name: str, run: Callable[[], None]) -> None:
    """Print what `run` printed (stdout and stderr, in order) when the stored documents, the schema and the
    code were as now (`corpus.warm.stored_state`), else run it and keep what it prints. A warm audit read
    every report's cached row through the models: 0.8 s on a 1,000-document archive, 0.15 s from here."""
    from corpus import warm

    key = warm.stored_state(store, [Path(__file__)])
    kept = store.cache(name, key)
    chunks = json.loads(kept) if kept is not None else _recorded(run)
    if kept is None and not any("\x1b" in text for _, text in chunks):  # click strips colour codes off a tty
        store.cache(name, key, json.dumps(chunks), replace=True)
    for err, text in chunks:
        click.echo(text, nl=False, err=err)


def _recorded(run: Callable[[], None]) -> list[tuple[bool, str]]:
    """What `run` echoes, in order: (to stderr, text)."""
    chunks: list[tuple[bool, str]] = []

    class Tape(io.StringIO):
        def __init__(self, err: bool):
            super().__init__()
            self.err = err

        def write(self, text: str) -> int:
            super().write(text)  # bytes are refused: click tells text streams from binary ones by that
            chunks.append((self.err, text))
            return len(text)

    try:
        with contextlib.redirect_stdout(Tape(False)), contextlib.redirect_stderr(Tape(True)):
            run()
    except BaseException:  # an error still shows what was printed before it
        for err, text in chunks:
            click.echo(text, nl=False, err=err)
        raise
    return chunks


def _audit_json(row: Any) -> dict[str, Any]:
    data = row.model_dump(mode="json")
    data["unaddressed"] = [c["clause_id"] for c in data["clauses"] if not c["addressed"]]
    return data


def _clause_match(clause_id: str, wanted: str) -> bool:
    """Full id, or its tail after the resolution number: "instructs-sg", "resolves-to-instruct/2"."""
    return clause_id == wanted or clause_id.endswith("/" + wanted.strip("/"))


@main.command()
@db_option
@format_option
@click.option("--doc", help="Audit one report (id, path, file name or sha256 prefix).")
@click.option("--resolution", help="Only reports on this resolution number.")
@click.option("--clause", "clause", help="Show the evidence paragraphs for this clause id (or its tail).")
def audit(db: str, fmt: str, doc: str | None, resolution: str | None, clause: str | None) -> None:
    """Which operative clauses each report edition addresses: matrix, or evidence with --clause.

    Each report is audited against the resolution(s) it reports on (see `citations --reports-on`); a report
    that cannot be audited is listed with the reason, and the listing goes on."""
    with open_store(db) as store:
        if doc or resolution or clause or sys.stdout.isatty():
            _audit(store, fmt, doc, resolution, clause)
        else:  # the whole corpus's audit, off a terminal: printed again as it was while nothing changed
            _replay(store, f"audit_printed_{fmt}", lambda: _audit(store, fmt, None, None, None))


def _audit(store: Store, fmt: str, doc: str | None, resolution: str | None, clause: str | None) -> None:
    """The audit command's listing."""
    from corpus.audit import audit_all as run_audit

    if doc:
        doc = _find(store, doc).id
    try:
        every = run_audit(store, doc, resolution)
    except LookupError as exc:
        raise click.ClickException(str(exc).strip("'\"")) from None
    rows = [r for r in every if r.status == "audited"]
    skipped = [r for r in every if r.status != "audited"]
    if clause:
        hits = [
            {"doc_id": r.doc_id, "year": r.year, "clause_id": c.clause_id, **e.model_dump(mode="json")}
            for r in rows
            for c in r.clauses
            if _clause_match(c.clause_id, clause)
            for e in c.evidence
        ]
        if not any(_clause_match(c.clause_id, clause) for r in rows for c in r.clauses):
            known = sorted({c.clause_id for r in rows for c in r.clauses})
            raise click.ClickException(f"no operative clause {clause!r}; known: {', '.join(known)}")
        render(hits, fmt, AUDIT_EVIDENCE_COLUMNS, ["doc_id", "clause_id", "page", "section", "score", "text"])
        return
    if fmt == "json":
        click.echo(json.dumps([_audit_json(r) for r in every], ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        flat = [
            {
                "doc_id": r.doc_id,
                "year": r.year,
                "clause_id": c.clause_id,
                "addressed": c.addressed,
                "score": c.score,
                "evidence": len(c.evidence),
            }
            for r in rows
            for c in r.clauses
        ]
        flat += [_skipped_row(r) for r in skipped]
        cols = ["doc_id", "year", "clause_id", "addressed", "score", "evidence", "status", "reason"]
        render(flat, fmt, cols)
        return
    years = [str(r.year or "?") for r in rows]
    heads = [y if years.count(y) == 1 else f"{y} {r.doc_id}" for y, r in zip(years, rows, strict=True)]
    matrix: dict[str, dict[str, str]] = {}
    for head, r in zip(heads, rows, strict=True):
        for c in r.clauses:
            cell = f"yes ({len(c.evidence)})" if c.addressed else f"no ({len(c.evidence)})"
            matrix.setdefault(c.clause_id, {"clause": c.clause_id})[head] = cell
    _say_versions(rows)
    if rows or not skipped:
        render(list(matrix.values()), fmt, ["clause", *heads])
        click.echo("cell: addressed? (evidence paragraphs); evidence: --doc DOC --clause ID", err=True)
    _say_skipped(skipped)


# -- compare -----------------------------------------------------------------------------------------------


@main.command()
@db_option
@format_option
@click.option("--metric", help="damage, losses, needs, total, contribution, budget, pledge, ...")
@click.option("--subject", help="Series subject contains this (actor, sector, wording).")
@click.option("--currency", help="ISO 4217 code, e.g. USD, CHF.")
@click.option("--checks-only", is_flag=True, help="List the checks, not the series.")
@click.option("--all-checks", is_flag=True, help="Include checks that pass (ok=true).")
@click.option("--no-cache", is_flag=True, help="Analyse the stored records: no cache read or written.")
def compare(
    db: str,
    fmt: str,
    metric: str | None,
    subject: str | None,
    currency: str | None,
    checks_only: bool,
    all_checks: bool,
    no_cache: bool = False,
) -> None:
    """Figures across editions: series with change per step, and checks that flag inconsistencies."""
    unfiltered = metric is None and currency is None and not subject  # "" filters nothing; a bad value fails
    whole = unfiltered and not (checks_only or no_cache) and _plain_stdout()
    with open_store(db) as store:
        from corpus import warm

        # the kept text's key, read once: text printed from the cells is never kept for a later corpus
        kept = warm.printed_entry(store, fmt, all_checks, [Path(__file__)]) if whole else None
        if kept and _print_kept(store, kept):
            return
        if metric is not None:  # known values are looked up only for a filter given
            metric = _check_value("metric", metric, _known_metrics(store, metric))
        if currency is not None:
            currency = _check_value("currency", currency, _known_currencies(store), fold=True)
        cells = None if no_cache or checks_only else warm.compare_cells(store, fmt, metric, subject, currency)
        if cells is not None:
            if kept:
                _print_and_keep(store, kept, cells, fmt, all_checks)
            else:
                _print_cells(cells, fmt, all_checks)
            return
        from corpus.compare import compare_json

        with _busy("compare: analysing the figures across editions"):
            series, checks = compare_json(store, metric, subject, currency, all_checks, not no_cache)
    if checks_only:
        render(_dict_rows(checks, CHECK_COLUMNS), fmt, CHECK_COLUMNS)
        return
    if fmt == "json":
        render(_dict_rows(series, SERIES_COLUMNS), fmt, SERIES_COLUMNS)
        return
    rows = [
        {"metric": s["metric"], "subject": s["subject"], "currency": s["currency"], **p, "when": when(p)}
        for s in series
        for p in s["points"]
    ]
    render(rows, fmt, POINT_COLUMNS, POINT_TABLE_COLUMNS)
    if fmt == "table" and checks:
        click.echo()
        render(_dict_rows(checks, CHECK_COLUMNS), fmt, CHECK_COLUMNS)


def _plain_stdout() -> bool:
    """Whether stdout takes compare's kept text as it is: not a terminal (whose width the table fits, and
    where click keeps colour codes), UTF-8, "\n" line ends and a binary buffer to write the bytes to."""
    import codecs

    out = sys.stdout
    utf8 = codecs.lookup(getattr(out, "encoding", None) or "ascii").name == "utf-8"
    return utf8 and os.linesep == "\n" and hasattr(out, "buffer") and not out.isatty()


def _print_kept(store: Store, entry: tuple[str, str]) -> bool:
    """Print the text an unfiltered compare kept for this corpus (`corpus.warm`), if there is one."""
    from corpus import warm

    text = warm.printed(store, entry)
    if text is not None:
        click.echo(text, nl=False)  # bytes: written as they are (click stripped any colour codes already)
    return text is not None


def _print_and_keep(
    store: Store, entry: tuple[str, str], series: list[Any], fmt: str, all_checks: bool
) -> None:
    """_print_cells, its text kept for the next unfiltered compare (stdout not a terminal: its widths do
    not depend on one), unless it also wrote to stderr (an empty table's "(none)"), which is not kept."""
    from corpus import warm

    chunks = _recorded(lambda: _print_cells(series, fmt, all_checks))
    out = "".join(text for to_err, text in chunks if not to_err)
    err = "".join(text for to_err, text in chunks if to_err)
    click.echo(out.encode(), nl=False)  # as _print_kept will: colour codes are stripped once
    if err:
        click.echo(err, nl=False, err=True)
    else:
        warm.keep_printed(store, entry, out)


def _print_cells(series: list[Any], fmt: str, all_checks: bool) -> None:
    """compare's table, CSV or JSON from what the cache keeps of its series (`corpus.warm.compare_cells`):
    the same text as rendering its rows, without reading a series or formatting a value."""
    if fmt == "json":
        click.echo(json_array(series, all_checks))
        return
    if fmt == "csv":
        click.echo(csv_text([], POINT_COLUMNS) + "".join(series), nl=False)
        return
    longest = [max(n) for n in zip(*(s["longest"] for s in series if s["longest"]), strict=True)]
    render_groups([(s["head"], s["points"]) for s in series], POINT_TABLE_COLUMNS, longest=longest)
    checks = [c[1:] for s in series for c in s["checks"] if all_checks or not c[0]]
    if checks:
        click.echo()
        render_cells(checks, CHECK_COLUMNS)


def _dict_rows(dumped: Iterable[dict[str, Any]], columns: Sequence[str]) -> list[dict[str, Any]]:
    """model_rows for records already dumped to JSON values (compare reads them from its cache)."""
    return list(_dict_rows_lazily(dumped, columns))


def _dict_rows_lazily(dumped: Iterable[dict[str, Any]], columns: Sequence[str]) -> Iterator[dict[str, Any]]:
    """_dict_rows one row at a time, as they are read."""
    return ({**{c: d.get(c) for c in columns}, **d} for d in dumped)


# -- report ------------------------------------------------------------------------------------------------
@main.command()
@db_option
@click.option(
    "--out",
    default="restrack-report.html",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="HTML file to write (self-contained: opens offline).",
)
@click.option("--no-timestamp", is_flag=True, help="Leave out the generated-at line (byte-identical reruns).")
def report(db: str, out: str, no_timestamp: bool) -> None:
    """One HTML report: documents, clause coverage heat map, series charts, failed checks; prints its path."""
    from datetime import datetime, timezone

    from corpus.report import write_report

    stamp = None if no_timestamp else datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open_store(db) as store:
        try:
            with _busy("report: gathering documents, coverage and series"):
                path = write_report(store, out, stamp)
        except OSError as exc:
            raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo(str(path))


# -- citations ---------------------------------------------------------------------------------------------
CITATION_COLUMNS = ["doc_id", "cited", "text", "page", "block_id", "relation"]


@main.command()
@db_option
@format_option
@click.option("--doc", help="Citations made by this document (id, path, file name or sha256 prefix).")
@click.option("--cited", help="Only citations of this symbol (A/RES/79/318, 1408, PP-34, C23/59).")
@click.option("--reports-on", "only_reports_on", is_flag=True, help="Only what documents say they report on.")
def citations(db: str, fmt: str, doc: str | None, cited: str | None, only_reports_on: bool) -> None:
    """References to resolutions and documents, normalised; relation reports_on or cites."""
    from corpus.store import citations as stored_citations

    with open_store(db) as store:
        found = stored_citations(store, _doc_id(store, doc), cited, "reports_on" if only_reports_on else None)
    render(
        model_rows(found, CITATION_COLUMNS),
        fmt,
        CITATION_COLUMNS,
        ["doc_id", "cited", "relation", "page", "block_id", "text"],
    )


# -- audit on a mixed archive, resolution versions ----------------------------------------------------------
def _say_versions(rows: Sequence[Any]) -> None:
    """Every command that picks one text of a resolution says which (on stderr, so listings stay clean)."""
    seen = {(r.resolution, r.version, r.resolution_doc) for r in rows if r.resolution_doc}
    for res, version, doc_id in sorted(seen, key=str):
        click.echo(f"resolution {res}: {version or 'original text'} ({doc_id})", err=True)
    for r in rows:
        if r.reason:
            click.echo(f"note: {r.doc_id}: {r.reason}", err=True)


def _say_skipped(skipped: Sequence[Any]) -> None:
    if not skipped:
        return
    click.echo()
    click.echo("not audited:")
    for r in skipped:  # whole reasons, not cut to a column width: they say what to do
        click.echo(f"  {r.doc_id} ({r.year or '?'}): {r.status}: {r.reason}")


def _skipped_row(r: Any) -> dict[str, Any]:
    return {"doc_id": r.doc_id, "year": r.year, "status": r.status, "reason": r.reason}


def _clauses_version(
    store: Store, resolution: str | None, version: str | None
) -> tuple[list[Any], list[str], dict[str, str | None]]:
    """Clauses of the version asked for (or the default one), a line per resolution saying which text, and
    the version label per resolution (the `version` field of each clause row). RESOLUTION may be typed as
    a citation would be ("80/132" for A/RES/80/132)."""
    from corpus import versions
    from corpus.audit import resolution_index
    from extract.citations import canonical, normalise_symbol

    if version and not resolution:
        raise click.UsageError("--version needs a RESOLUTION")
    if resolution:
        index = resolution_index(store)
        keys = (canonical(resolution), canonical(normalise_symbol(resolution)))
        resolution = next((index[k] for k in keys if k in index), resolution)
    if version:
        assert resolution is not None
        picked = versions.pick(store, resolution, version)
        if picked is None:
            known = "; ".join(versions.describe(v) for v in versions.versions(store, resolution)) or "none"
            raise click.ClickException(f"no version {version!r} of resolution {resolution} (stored: {known})")
        found = versions.clauses_of(store, picked.doc_id)
        labels = {c.resolution: picked.version for c in found}
        return found, [f"version shown: {versions.describe(picked)}"], labels
    found = store.clauses(resolution=resolution)
    lines, labels = [], {}
    for res in dict.fromkeys(c.resolution for c in found):
        stored = versions.versions(store, res)
        shown = next((v for v in stored if v.shown), None)
        if shown:
            labels[res] = shown.version
            more = f"; {len(stored) - 1} other version(s): --version" if len(stored) > 1 else ""
            lines.append(f"version shown: {versions.describe(shown)}{more}")
    return found, lines, labels


CHANGE_COLUMNS = ["change", "old_number", "new_number", "similarity", "old_id", "new_id", "old_text"]
CHANGE_COLUMNS += ["new_text"]


@main.command("compare-text")
@click.argument("old")
@click.argument("new")
@db_option
@format_option
@click.option("--all", "show_all", is_flag=True, help="Also list the clauses that did not change.")
def compare_text(old: str, new: str, db: str, fmt: str, show_all: bool) -> None:
    """Clauses added, removed and changed between two texts of a resolution (OLD, NEW: document ids, paths
    or file names), aligned paragraph by paragraph."""
    from corpus import versions

    with open_store(db) as store:
        a, b = _find(store, old), _find(store, new)
        before, after = versions.clauses_of(store, a.id or ""), versions.clauses_of(store, b.id or "")
    changes = versions.align(before, after)
    for doc, role in ((a, "old"), (b, "new")):
        if fmt == "table":
            click.echo(f"{role}: {doc.id} ({versions.version_label(doc) or 'original text'})", err=True)
    rows = [c.model_dump(mode="json") for c in changes if show_all or c.change != "unchanged"]
    shown = ["change", "old_number", "new_number", "similarity", "new_text", "old_text"]
    render(rows, fmt, CHANGE_COLUMNS, shown)


# -- tables ------------------------------------------------------------------------------------------------
TABLE_LIST_COLUMNS = ["doc_id", "id", "number", "caption", "unit", "pages", "n_rows", "n_cols", "header_rows"]


@main.command()
@db_option
@format_option
@click.option("--doc", help="Document id, path, file name or sha256 prefix.")
def tables(db: str, fmt: str, doc: str | None) -> None:
    """Tables found in the documents: id, printed number, caption, unit line, pages, size."""
    with open_store(db) as store:
        found = store.tables(_doc_id(store, doc))
    rows = model_rows(found, TABLE_LIST_COLUMNS)
    if fmt != "json":
        for r in rows:
            r.pop("cells", None)
    render(rows, fmt, TABLE_LIST_COLUMNS)


@main.command()
@click.argument("table_id")
@db_option
@click.option("--doc", help="Document id, path, file name or sha256 prefix (else DOC:ID or the first match).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
def table(table_id: str, db: str, doc: str | None, fmt: str) -> None:
    """One table (id "t30", "DOC:t30" or its number "4.22", all its parts) as a grid a spreadsheet opens as
    printed: caption and unit lines, header rows, stub and cells, notes, an empty row between parts (csv);
    or a JSON array of the Table models."""
    from extract.tables import grid_rows

    with open_store(db) as store:
        found = store.table(table_id, _doc_id(store, doc))
    if not found:
        raise click.ClickException(f"no table {table_id}: `restrack tables` lists them")
    if fmt == "json":
        click.echo(json.dumps([t.model_dump(mode="json") for t in found], ensure_ascii=False, indent=2))
        return
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    for i, t in enumerate(found):
        if i:
            w.writerow([])
        w.writerows(grid_rows(t))
    click.echo(buf.getvalue(), nl=False)



# -- search and serve (corpus/search.py, corpus/views.py) --------------------------------------------------
SEARCH_COLUMNS = ["doc_id", "page", "block_id", "kind", "snippet", "symbol", "year", "section", "score"]


@main.command()
@click.argument("query")
@db_option
@format_option
@click.option("--doc", help="Only this document (id, path, file name or sha256 prefix).")
@click.option("--kind", type=click.Choice(["resolution", "report", "assessment", "other"]), default=None)
@click.option("--year", type=int, help="Only documents of this edition year.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
def search(
    query: str, db: str, fmt: str, doc: str | None, kind: str | None, year: int | None, limit: int
) -> None:
    """Paragraphs whose text matches QUERY (every word; FTS5 syntax such as "exact phrase", OR, prefix*
    also works), best first, with document, page and the matching words highlighted."""
    from corpus.search import search as run

    bold = fmt == "table" and sys.stdout.isatty()
    marks = ("\x1b[1m", "\x1b[0m") if bold else ("**", "**")
    with open_store(db) as store:
        hits = run(store, query, _doc_id(store, doc), kind, year, limit, marks)
    if fmt != "table":
        render(model_rows(hits, SEARCH_COLUMNS), fmt, SEARCH_COLUMNS)
        return
    if not hits:
        click.echo("(none)", err=True)
    for h in hits:
        where = f"{h.doc_id}  p. {h.page}" if h.page is not None else h.doc_id
        click.echo(f"{where}  {h.block_id}" + (f"  §{h.section}" if h.section else ""))
        click.echo("    " + h.snippet.replace("\n", " ") + "\n", color=bold)


@main.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
def serve(db: str, host: str, port: int) -> None:
    """Browse the database in Datasette (pip install 'restrack[web]'): readable views, facets, full-text
    search of the paragraphs, canned queries for clause coverage and figure series."""
    import hashlib
    import importlib.util
    import tempfile
    from pathlib import Path

    from corpus.views import datasette_metadata

    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException("Datasette is not installed: pip install 'restrack[web]'")
    with open_store(db):  # brings an older database to the current schema (views, search index)
        pass
    user = os.getuid() if hasattr(os, "getuid") else 0  # one file per user and database, rewritten each start
    where = hashlib.sha256(os.path.abspath(db).encode()).hexdigest()[:12]
    meta = Path(tempfile.gettempdir()) / f"restrack-datasette-{user}-{where}.json"
    meta.write_text(json.dumps(datasette_metadata(Path(db).stem), indent=2))
    from datasette.cli import cli as datasette

    datasette.main(
        ["serve", db, "--host", host, "--port", str(port), "--metadata", str(meta)]
        # facets over the views read JSON: more time than Datasette's defaults on a large corpus
        + ["--setting", "facet_time_limit_ms", "1000", "--setting", "sql_time_limit_ms", "5000"],
        prog_name="restrack serve",
    )


def _ingest_json(r: Any) -> dict[str, Any]:
    """One ingest outcome for `ingest --format json`: `code` and `reason` are null unless status is error
    or skipped; `code` is one of extract.errors.ERROR_CODES."""
    d = r.document if r.status not in ("error", "skipped") else None
    return {
        "path": _shown(r.path),
        "status": r.status,
        "doc_id": r.doc_id,
        "code": r.code,
        "reason": r.error,
        "kind": d.kind if d else None,
        "symbol": d.symbol if d else None,
        "year": d.year if d else None,
        "blocks": r.blocks,
        "figures": r.figures,
        "warnings": list(r.warnings),
    }


if __name__ == "__main__":
    main()
