"""Ingest orchestration: find the files, extract them in a process pool, store each result as it arrives.

Extraction is pure and runs in worker processes; only this (main) process writes to the database, so one
document = one short write transaction and a crashed or timed-out worker costs one file, never the batch.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from corpus.store import Store
from schemas.models import Document, Extraction, Limits

SUFFIXES = (".pdf", ".docx", ".txt")


@dataclass
class IngestResult:
    """What happened to one input file; `error` is the one-line reason when status is "error"."""

    path: str
    status: str  # added | unchanged | replaced | error
    doc_id: str | None = None
    document: Document | None = None
    blocks: int = 0
    figures: int = 0
    error: str | None = None
    traceback: str | None = None
    warnings: list[str] = field(default_factory=list)


def collect_files(paths: Iterable[str]) -> tuple[list[str], list[IngestResult]]:
    """Files to ingest, in a stable order, each once. Folders are walked for .pdf/.docx/.txt (following
    symlinks, never the same real directory twice); a file named explicitly is taken whatever its suffix."""
    files: list[str] = []
    errors: list[IngestResult] = []
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()

    def add(p: str) -> None:
        real = os.path.realpath(p)
        if real not in seen_files:
            seen_files.add(real)
            files.append(os.path.abspath(p))

    for given in paths:
        if os.path.isdir(given):
            for root, dirs, names in os.walk(given, followlinks=True):
                real = os.path.realpath(root)
                if real in seen_dirs:
                    dirs[:] = []
                    continue
                seen_dirs.add(real)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.lower().endswith(SUFFIXES) and not name.startswith(("~$", ".")):
                        add(os.path.join(root, name))
        elif os.path.exists(given):
            add(given)
        else:
            errors.append(IngestResult(given, "error", error="file not found"))
    return files, errors


class _Timeout(BaseException):
    """BaseException so a parser's broad `except Exception` cannot swallow the deadline."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def extract_job(
    path: str, limits: Limits, use_model: bool
) -> tuple[Extraction | None, str | None, str | None]:
    """Worker entry: (extraction, None, None) or (None, one-line reason, traceback). Never raises, so
    nothing unpicklable crosses the process boundary. The wall-time limit is a SIGALRM in the worker."""
    from extract.errors import DocumentError
    from extract.pipeline import extract_file

    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
    try:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, limits.max_seconds)
        return extract_file(path, limits, use_model), None, None
    except _Timeout:
        return None, f"timed out after {limits.max_seconds:g} s", None
    except DocumentError as exc:
        return None, exc.reason, traceback.format_exc()
    except MemoryError:
        return None, "out of memory", traceback.format_exc()
    except Exception as exc:  # a bug or a file nobody foresaw: one line, the traceback only on --debug
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0][:300], traceback.format_exc()
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def warm_up(use_model: bool) -> None:
    """Import the extractors and build the spaCy pipeline before any file's clock starts: a cold worker
    would otherwise spend seconds of the first file's --timeout on imports. Failures surface per file."""
    import importlib

    for mod in (
        "extract.pipeline",
        "extract.classify",
        "extract.records",
        "extract.actors",
        "extract.resolution",
        "extract.parse_text",
        "extract.parse_docx",
        "extract.parse_pdf",
    ):
        try:
            importlib.import_module(mod)
        except Exception:
            pass
    try:
        from extract.nlp import get_nlp

        get_nlp(use_model)
    except Exception:
        pass


def _sha256(path: str) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None  # the worker reports why, with the pipeline's wording
    return h.hexdigest()


def _store(store: Store, path: str, outcome: tuple, force: bool) -> IngestResult:
    extraction, reason, tb = outcome
    if extraction is None:
        return IngestResult(path, "error", error=reason, traceback=tb)
    try:
        doc_id, status = store.ingest(extraction, force=force)
    except Exception as exc:
        msg = f"cannot store: {type(exc).__name__}: {exc}".splitlines()[0]
        return IngestResult(path, "error", error=msg, traceback=traceback.format_exc())
    return _summary(store, path, doc_id, status, extraction.warnings)


def _summary(store: Store, path: str, doc_id: str, status: str, warnings: list[str]) -> IngestResult:
    blocks, figures = store.counts(doc_id)
    doc = store.document(doc_id)
    return IngestResult(path, status, doc_id, doc, blocks, figures, warnings=list(warnings))


def ingest_files(
    store: Store,
    files: list[str],
    limits: Limits | None = None,
    use_model: bool = True,
    jobs: int = 1,
    force: bool = False,
) -> Iterator[IngestResult]:
    """Yield one result per file as it completes. Files already stored (same sha256) are not re-extracted
    unless `force`. jobs=1 runs in this process (no pool start-up); more uses a process pool."""
    limits = limits or Limits()
    todo: list[str] = []
    for path in files:
        sha = None if force else _sha256(path)
        doc_id = store.id_for_sha(sha) if sha else None
        if doc_id:
            yield _summary(store, path, doc_id, "unchanged", [])
        else:
            todo.append(path)
    if todo:
        warm_up(use_model)  # in this process, so forked workers start warm too
    if jobs <= 1 or len(todo) <= 1:
        for path in todo:
            yield _store(store, path, extract_job(path, limits, use_model), force)
        return
    left = yield from _pool(store, todo, limits, use_model, min(jobs, len(todo)), force)
    for path in left:  # a worker died: retry alone, so only the file that kills its worker fails
        yield from _pool(store, [path], limits, use_model, 1, force, last_try=True)


def _pool(
    store: Store,
    paths: list[str],
    limits: Limits,
    use_model: bool,
    jobs: int,
    force: bool,
    last_try: bool = False,
) -> Iterator[IngestResult]:
    """Run paths in a pool; returns (as the generator's value) the paths left unfinished by a broken pool."""
    with ProcessPoolExecutor(max_workers=jobs, initializer=warm_up, initargs=(use_model,)) as pool:
        futures: dict[Future, str] = {pool.submit(extract_job, p, limits, use_model): p for p in paths}
        pending = set(futures)
        broken: list[str] = []
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in sorted(done, key=lambda f: paths.index(futures[f])):
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    if last_try:
                        yield IngestResult(
                            futures[fut], "error", error="worker process died (crash or out of memory)"
                        )
                    else:
                        broken.append(futures[fut])
                    continue
                yield _store(store, futures[fut], outcome, force)
    return broken
