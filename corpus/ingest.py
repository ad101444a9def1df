"""Ingest orchestration: find the files, extract them in worker processes, store each result as it arrives.

Workers open, hash and extract each file under the per-file deadline (a FIFO or a stuck network mount costs
one file, never the run); only this (main) process writes to the database, one short transaction per
document. Workers exit when told to, when the main process dies (they poll their parent), or when killed
after the deadline. Before extracting, a worker reports the file's sha256: the main process answers "skip"
if the file is stored, or claimed in the database by another live ingest (then it waits for that one).
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Generator, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from multiprocessing import connection, get_context
from multiprocessing.process import BaseProcess
from typing import TypeVar

from corpus.store import Store
from extract.reading import not_regular, read_regular, refusal
from schemas.models import Document, Extraction, Limits

SUFFIXES = (".pdf", ".docx", ".txt")
PARENT_POLL_S = 0.5  # how often a worker checks that the main process is still there
GRACE_S = 5.0  # beyond --timeout, the main process kills a worker stuck where SIGALRM cannot reach
STOP_WAIT_S = 1.0  # after SIGTERM, how long a worker gets before SIGKILL


T = TypeVar("T")
R = TypeVar("R")


@dataclass
class IngestResult:
    """What happened to one input; `error` is the one-line reason when status is "error" or "skipped", and
    `code` its kind (extract.errors.ERROR_CODES), for programs."""

    path: str
    status: str  # added | unchanged | replaced | error | skipped
    doc_id: str | None = None
    document: Document | None = None
    blocks: int = 0
    figures: int = 0
    error: str | None = None
    traceback: str | None = None
    warnings: list[str] = field(default_factory=list)
    code: str | None = None

    @property
    def reason(self) -> str | None:
        """`error` under the name DocumentError and `ingest --format json` use."""
        return self.error


def shown(path: str) -> str:
    """A path as printed and stored: bytes that are not UTF-8 (os.fsdecode's surrogates) become \\xNN."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")


def raw_path(path: str) -> str | None:
    """Hex of the file name's bytes when it is not valid UTF-8 (so the name is stored losslessly)."""
    return None if shown(path) == path else os.fsencode(path).hex()


def collect_files(paths: Iterable[str]) -> tuple[list[str], list[IngestResult]]:
    """Files to ingest, in a stable order, each once, and what was not taken (errors and skips, each with
    its reason). Folders are walked for .pdf/.docx/.txt (following symlinks, never the same real directory
    twice); other files in folders are skipped as "not a document"; a file named explicitly is taken
    whatever its suffix. Only regular files are taken: FIFOs, devices and sockets are refused here (by
    stat, which never blocks) and again by the worker after opening."""
    files: list[str] = []
    out: list[IngestResult] = []
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()

    def add(p: str) -> None:
        real = os.path.realpath(p)
        if real not in seen_files:
            seen_files.add(real)
            files.append(os.path.abspath(p))

    def check(p: str) -> None:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if os.path.islink(p):
                out.append(IngestResult(p, "error", error="broken symbolic link (its target is missing)",
                                        code="not_found"))
            else:
                out.append(IngestResult(p, "error", error="file not found", code="not_found"))
            return
        except OSError as exc:
            reason = f"cannot read: {exc.strerror or exc}"
            out.append(IngestResult(p, "error", error=reason, code="unreadable"))
            return
        what = not_regular(st.st_mode)
        if what:
            out.append(IngestResult(p, "error", error=refusal(p, what), code="not_regular_file"))
        else:
            add(p)

    def unreadable(exc: OSError) -> None:
        where = exc.filename if isinstance(exc.filename, str) else str(exc.filename)
        out.append(IngestResult(where, "error", error=f"cannot read folder: {exc.strerror or exc}",
                                code="unreadable"))

    for given in paths:
        if os.path.isdir(given):
            for root, dirs, names in os.walk(given, onerror=unreadable, followlinks=True):
                real = os.path.realpath(root)
                if real in seen_dirs:
                    dirs[:] = []
                    continue
                seen_dirs.add(real)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(names):
                    if name.startswith(("~$", ".")):
                        continue  # hidden files and Office lock files: not the user's documents
                    path = os.path.join(root, name)
                    if name.lower().endswith(SUFFIXES):
                        check(path)
                    else:
                        ext = os.path.splitext(name)[1].lower() or "no extension"
                        out.append(IngestResult(path, "skipped", error=f"not a document ({ext})",
                                                code="not_a_document"))
        else:
            check(given)
    return files, out


# -- the worker process ----------------------------------------------------------------------------------
class _Timeout(BaseException):
    """BaseException so a parser's broad `except Exception` cannot swallow the deadline."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def _watch_parent(ppid: int) -> None:
    """Exit when the main process is gone (kill -9 leaves no chance to tell us): reparented => orphan."""
    while True:
        time.sleep(PARENT_POLL_S)
        if os.getppid() != ppid:
            os._exit(70)


def _die_with_parent() -> None:
    """Linux: the kernel sends SIGKILL when the parent dies; the polling thread covers other systems."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _worker(conn: connection.Connection, ppid: int, limits: Limits, use_model: bool) -> None:
    """Loop: receive a path, read + hash it, ask whether to go on, extract, send the outcome."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the main process decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    threading.Thread(target=_watch_parent, args=(ppid,), daemon=True).start()
    if os.getppid() != ppid:
        os._exit(70)
    if limits.cores <= 1:  # with spare cores, the pipeline loads the model while it reads the lone file
        try:
            import extract.pipeline

            extract.pipeline.load_model(use_model)
        except Exception:  # a broken model: extraction says so per file, rules-only
            pass
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            os._exit(0)
        if msg is None:
            os._exit(0)
        started = time.monotonic()
        outcome = extract_job(msg, limits, use_model, conn)
        left = limits.max_seconds - (time.monotonic() - started)  # the file's deadline covers this too
        try:
            conn.send(("done", *outcome, within(left, compare_context, outcome[0])))
        except (BrokenPipeError, OSError):
            os._exit(0)


def extract_job(
    path: str, limits: Limits, use_model: bool, conn: connection.Connection | None = None
) -> tuple[Extraction | None, str | None, str | None, str | None]:
    """(extraction, None, None, None), (None, one-line reason, traceback, error code) or all None when the
    main process said skip. Never raises, so nothing unpicklable crosses the process boundary. Reading,
    hashing and extracting all run under the wall-time limit (SIGALRM in this process)."""
    import extract.pipeline
    from extract.errors import DocumentError

    use_alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGALRM, _on_alarm) if use_alarm else None
    try:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, limits.max_seconds)
        data = read_regular(path, limits.max_file_bytes)
        if conn is not None:
            conn.send(("sha", hashlib.sha256(data).hexdigest()))
            if conn.recv() != "go":
                return None, None, None, None
        return extract.pipeline.extract_bytes(data, path, limits, use_model), None, None, None
    except _Timeout:
        return None, f"timed out after {limits.max_seconds:g} s", None, "timeout"
    except DocumentError as exc:
        return None, exc.reason, traceback.format_exc(), exc.code
    except MemoryError:
        return None, "out of memory", traceback.format_exc(), "crashed"
    except Exception as exc:  # a bug or a file nobody foresaw: one line, the traceback only on --debug
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return None, reason, traceback.format_exc(), "internal_error"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def within(seconds: float, fn: Callable[[T], R | None], arg: T) -> R | None:
    """fn(arg), or None when it is not done within `seconds` (SIGALRM; main thread only, else no limit).
    For work a document can do without: running out of time drops that work, never the document."""
    if seconds <= 0:
        return None
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return fn(arg)
    try:  # outer: the alarm may also land in the inner `finally`
        old = signal.signal(signal.SIGALRM, _on_alarm)
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            return fn(arg)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)
    except _Timeout:
        return None


def compare_context(extraction: Extraction | None) -> list[list] | None:
    """compare's per-document figure contexts, computed here in the worker beside the extraction so the
    compare at the end of the ingest only places and checks figures (corpus.compare.context_rows). A
    failure costs nothing but time: compare computes them itself."""
    if extraction is None or not extraction.figures:
        return None
    try:
        from corpus.compare import context_rows

        return context_rows(extraction.document, extraction.figures)
    except Exception:
        return None


def warm_up(extractors: bool = True) -> None:
    """Import the readers (and the extractors, which import spaCy) here, so forked workers share them and
    start warm instead of spending seconds of the first file's --timeout on imports. The model is loaded by
    each worker (see _worker): held here, it would only add its memory to the main process for the whole
    run. `extractors` False (a lone file): the worker imports them while it reads."""
    import importlib

    readers = ("extract.pipeline", "extract.classify", "extract.pdf", "extract.parse_text",
               "extract.parse_docx")
    for mod in readers + (("extract.records", "extract.resolution") if extractors else ()):
        try:
            importlib.import_module(mod)
        except Exception:
            pass


# -- the main process --------------------------------------------------------------------------------------
def _store(
    store: Store,
    path: str,
    outcome: tuple,
    force: bool,
    name: str | None = None,
    context: list[list] | None = None,
    code_hash: Callable[[], str] | None = None,
) -> IngestResult:
    """Store one worker outcome; `context` (compare_context from the worker) is kept for compare when the
    document was stored (`code_hash`: the compare code's hash, computed once per ingest)."""
    extraction, reason, tb, code = outcome
    if extraction is None:
        return IngestResult(path, "error", error=reason, traceback=tb, code=code)
    doc = extraction.document
    if name is not None or shown(doc.path) != doc.path:
        update: dict = {"path": shown(name if name is not None else doc.path)}
        if name is None and "path_raw" in Document.model_fields:
            update["path_raw"] = raw_path(doc.path)
        extraction = extraction.model_copy(update={"document": doc.model_copy(update=update)})
    try:
        doc_id, status = store.ingest(extraction, force=force)
    except Exception as exc:
        msg = f"cannot store: {type(exc).__name__}: {exc}".splitlines()[0]
        return IngestResult(path, "error", error=msg, traceback=traceback.format_exc(), code="internal_error")
    if context is not None and status != "unchanged":
        _keep_context(store, doc_id, extraction, context, code_hash)
    return _summary(store, path, doc_id, status, extraction.warnings)


def _keep_context(
    store: Store,
    doc_id: str,
    extraction: Extraction,
    context: list[list],
    code_hash: Callable[[], str] | None,
) -> None:
    """A cache entry only: failing to keep it costs compare the time to compute it, never the document."""
    try:
        from corpus.compare import keep_context_rows

        keep_context_rows(store, doc_id, extraction.figures, context, code_hash() if code_hash else None)
    except Exception:
        pass


def _summary(store: Store, path: str, doc_id: str, status: str, warnings: list[str]) -> IngestResult:
    blocks, figures = store.counts(doc_id)
    doc = store.document(doc_id)
    return IngestResult(path, status, doc_id, doc, blocks, figures, warnings=list(warnings))


@dataclass
class _Slot:
    proc: BaseProcess
    conn: connection.Connection
    path: str | None = None
    sha: str | None = None
    started: float = 0.0


class _Workers:
    """A few forked extraction processes, each with its own pipe, so the main process always knows which
    file each one holds: a dead or stuck worker costs exactly that file and is replaced."""

    def __init__(self, n: int, limits: Limits, use_model: bool):
        self.ctx = get_context("fork") if "fork" in _start_methods() else get_context()
        self.limits, self.use_model = limits, use_model
        self.slots: list[_Slot] = [self._spawn() for _ in range(n)]

    def _spawn(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        proc = self.ctx.Process(
            target=_worker, args=(child, os.getpid(), self.limits, self.use_model), daemon=True
        )
        proc.start()
        child.close()
        return _Slot(proc, parent)

    def replace(self, slot: _Slot) -> None:
        self._kill(slot)
        self.slots[self.slots.index(slot)] = self._spawn()

    def _kill(self, slot: _Slot) -> None:
        proc = slot.proc
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        slot.conn.close()

    def stop(self) -> None:
        """Tell every worker to stop (SIGTERM), give them STOP_WAIT_S, then SIGKILL; reap all."""
        for s in self.slots:
            if s.proc.is_alive():
                s.proc.terminate()
        deadline = time.monotonic() + STOP_WAIT_S
        for s in self.slots:
            s.proc.join(max(0.0, deadline - time.monotonic()))
            if s.proc.is_alive():
                s.proc.kill()
                s.proc.join(1)
            s.conn.close()


def _compare_code_hash() -> str:
    from corpus.compare import _code_hash  # the key compare's per-document cache is read by

    return _code_hash()


def _start_methods() -> list[str]:
    from multiprocessing import get_all_start_methods

    return get_all_start_methods()


def ingest_files(
    store: Store,
    files: list[str],
    limits: Limits | None = None,
    use_model: bool = True,
    jobs: int = 1,
    force: bool = False,
    on_start: Callable[[str], None] | None = None,
    names: dict[str, str] | None = None,
    hold: Callable[[], AbstractContextManager[object]] = nullcontext,
) -> Generator[IngestResult, None, None]:
    """Yield one result per file as it completes. Files already stored (same sha256) are not re-extracted
    unless `force`; a file another ingest is extracting (a live claim in the database) is waited for.
    `on_start(path)` is called when a worker takes a file; `names` maps a path to the name to store (stdin).
    Closing the generator (or an exception such as KeyboardInterrupt inside it) stops and reaps the workers
    and releases this process's claims, so an interrupted run leaves only whole documents behind. `hold()`
    is entered from storing a document until the caller asks for the next result: a stop requested in
    between (a signal) waits, so every stored document is reported."""
    limits = limits or Limits()
    names = names or {}
    if not files:
        return
    n_workers = max(1, min(jobs, len(files)))
    # fewer files than --jobs: each document may split its own work over the cores no worker would use
    limits = limits.model_copy(update={"cores": max(limits.cores, jobs // n_workers)})
    warm_up(extractors=limits.cores <= 1)  # in this process, so forked workers start with the modules
    queue = list(files)
    deferred: dict[str, str] = {}  # path -> sha claimed by another process
    workers = _Workers(n_workers, limits, use_model)
    claim_for = limits.max_seconds + 2 * GRACE_S
    code_hash = cache(_compare_code_hash)  # read once per ingest, not per file
    try:
        next_poll = 0.0
        while queue or deferred or any(s.path for s in workers.slots):
            for slot in workers.slots:
                if slot.path is None and queue:
                    slot.path, slot.sha, slot.started = queue.pop(0), None, time.monotonic()
                    try:
                        slot.conn.send(slot.path)
                    except OSError:
                        pass  # the worker died: its sentinel is ready, the file fails below
                    if on_start:
                        on_start(slot.path)
            busy = [s for s in workers.slots if s.path]
            if deferred and time.monotonic() >= next_poll:
                next_poll = time.monotonic() + 0.25
                for path, sha in list(deferred.items()):
                    doc_id = store.id_for_sha(sha)
                    if doc_id:
                        del deferred[path]
                        yield _summary(store, path, doc_id, "unchanged", [])
                    elif not store.claimed_by_other(sha) and not any(o.sha == sha for o in workers.slots):
                        del deferred[path]
                        queue.append(path)
            waitables: list[connection.Connection | int] = [s.conn for s in busy]
            waitables += [s.proc.sentinel for s in busy]
            ready = set(connection.wait(waitables, timeout=0.2)) if waitables else set()
            if not waitables:
                time.sleep(0.2)
            for slot in busy:
                assert slot.path is not None
                path = slot.path
                if slot.conn in ready:
                    try:
                        msg = slot.conn.recv()
                    except (EOFError, OSError):
                        msg = None
                    if msg is not None and msg[0] == "sha":
                        slot.sha = sha = msg[1]
                        doc_id = None if force else store.id_for_sha(sha)
                        twin = any(o is not slot and o.sha == sha and o.path for o in workers.slots)
                        if twin:  # the same bytes under another name, being extracted now: wait for it
                            slot.conn.send("skip")
                            slot.conn.recv()
                            slot.path = None
                            deferred[path] = sha
                        elif doc_id:
                            slot.conn.send("skip")
                            slot.conn.recv()
                            slot.path = None
                            yield _summary(store, path, doc_id, "unchanged", [])
                        elif store.claim(sha, claim_for):
                            slot.conn.send("go")
                        else:
                            slot.conn.send("skip")
                            slot.conn.recv()
                            slot.path = None
                            deferred[path] = sha
                        continue
                    if msg is not None and msg[0] == "done":
                        slot.path = None
                        try:
                            with hold():
                                yield _store(store, path, msg[1:5], force, names.get(path), msg[5], code_hash)
                        finally:
                            if slot.sha:
                                store.release(slot.sha)
                        continue
                if slot.conn in ready or slot.proc.sentinel in ready:
                    slot.path = None
                    if slot.sha:
                        store.release(slot.sha)
                    workers.replace(slot)
                    yield IngestResult(
                        path, "error", error="worker process died (crash or out of memory)", code="crashed"
                    )
                elif time.monotonic() - slot.started > limits.max_seconds + GRACE_S:
                    slot.path = None  # stuck in C code where SIGALRM cannot interrupt: kill it
                    if slot.sha:
                        store.release(slot.sha)
                    workers.replace(slot)
                    yield IngestResult(
                        path, "error", error=f"timed out after {limits.max_seconds:g} s", code="timeout"
                    )
    finally:
        workers.stop()
        try:
            store.release_mine()
        except Exception:
            pass
