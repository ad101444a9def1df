"""Split one document's heavy, independent work (pages to read, texts for the model) over forked processes.

Why: `ingest --jobs 2` on a single long document left one core idle, and a lone document is exactly what a
user waits for. `fork_map(fn, chunks, cores)` runs `fn` on the first chunk here and on each other chunk in a
forked child, which inherits the loaded model and the document (copy-on-write: no start-up, no pickling of
the input) and sends its result back pickled. Anything that goes wrong in a child (an exception, a crash, a
result that cannot be pickled) costs speed, never a record: that chunk is recomputed here. With `cores` 1,
no `fork` (Windows, macOS spawn) or a single chunk it is a plain loop, so callers have one code path.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return hasattr(os, "fork") and hasattr(os, "waitpid")


def chunked(items: Sequence[T], parts: int) -> list[Sequence[T]]:
    """`items` cut into at most `parts` contiguous slices of near-equal length (order kept, none empty)."""
    return balanced(items, parts, lambda _: 1, 1)


def fork_map(fn: Callable[[T], R], chunks: Sequence[T], cores: int = 1) -> list[R]:
    """[fn(c) for c in chunks], the chunks after the first computed in forked children when cores > 1."""
    if cores <= 1 or len(chunks) <= 1 or not can_fork():
        return [fn(c) for c in chunks]
    children: list[tuple[int, int] | None] = []
    try:
        for chunk in chunks[1:]:
            children.append(_spawn(fn, chunk))
        results: list[R] = [fn(chunks[0])]
        for chunk, child in zip(chunks[1:], children, strict=True):
            got: tuple[R] | None = _collect(child) if child is not None else None
            results.append(got[0] if got is not None else fn(chunk))
        return results
    finally:  # a deadline (SIGALRM) or a signal in this process: no child outlives the call
        for child in children:
            if child is not None:
                _reap(child)


def _spawn(fn: Callable[[T], R], chunk: T) -> tuple[int, int] | None:
    try:
        read_fd, write_fd = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: compute, send, exit without running the parent's cleanup (atexit, finally)
        status = 1
        try:
            os.close(read_fd)
            _child_signals()
            payload = pickle.dumps((fn(chunk),), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
            status = 0
        except BaseException:  # noqa: BLE001 - the parent recomputes this chunk
            pass
        finally:
            os._exit(status)
    os.close(write_fd)
    return pid, read_fd


def _child_signals() -> None:
    """The child dies with its parent (Linux), and leaves Ctrl-C and deadlines to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - other systems: the parent reaps us in fork_map's finally
        pass


def _collect(child: tuple[int, int]) -> tuple[R] | None:
    pid, read_fd = child
    parts = []
    try:
        with os.fdopen(read_fd, "rb", closefd=False) as src:
            while block := src.read(1 << 20):
                parts.append(block)
        _, status = os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        return None
    if status != 0 or not parts:
        return None
    try:
        value = pickle.loads(b"".join(parts))
    except Exception:  # noqa: BLE001 - a truncated result: recompute
        return None
    return value if isinstance(value, tuple) and len(value) == 1 else None


def _reap(child: tuple[int, int]) -> None:
    pid, read_fd = child
    try:
        os.close(read_fd)
    except OSError:
        pass
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except (OSError, ChildProcessError):
        pass


def balanced(
    items: Sequence[T], cores: int, weight: Callable[[T], int], min_weight: int
) -> list[Sequence[T]]:
    """`items` cut into contiguous slices of near-equal total weight, as many as `cores` allows while each
    slice carries at least `min_weight` (one slice when the work is too small to gain from a fork)."""
    weights = [max(0, weight(x)) for x in items]
    total = sum(weights)
    parts = max(1, min(cores, total // max(1, min_weight), len(items)))
    if parts == 1:
        return [items] if items else []
    out: list[Sequence[T]] = []
    start, acc = 0, 0
    for i, w in enumerate(weights):
        acc += w
        # close a slice once it reaches its share of the total, leaving one item at least for each later one
        done, left_after = len(out), len(items) - i - 1
        if done < parts - 1 and acc >= total * (done + 1) / parts and left_after >= parts - done - 1:
            out.append(items[start : i + 1])
            start = i + 1
    out.append(items[start:])
    return [c for c in out if len(c)]


def text_chunks(texts: Sequence[str], cores: int) -> list[Sequence[str]]:
    """Texts for the model, split by characters so each process gets its share of the work."""
    from schemas.rules import ParallelSettings, load_rules

    return balanced(texts, cores, len, load_rules(ParallelSettings).min_chars_per_process)


def page_chunks(pages: int, cores: int) -> list[range]:
    """Page indexes 0..pages-1 as contiguous ranges, one per process that gets enough pages to gain."""
    from schemas.rules import ParallelSettings, load_rules

    per = load_rules(ParallelSettings).min_pages_per_process
    return [range(c[0], c[-1] + 1) for c in balanced(range(pages), cores, lambda _: 1, per)]


def fork_each(
    fn: Callable[[T], R], items: Sequence[T], cores: int, weight: Callable[[T], int], min_weight: int
) -> list[R]:
    """[fn(x) for x in items], the items spread over `cores` processes by weight: the heaviest first, each
    onto the least loaded process (items of very unequal cost split unevenly in contiguous slices), and the
    lightest share to this process, which also unpickles the others' results. Results in item order."""
    weights = [max(0, weight(x)) for x in items]
    parts = max(1, min(cores, sum(weights) // max(1, min_weight), len(items)))
    if parts == 1:
        return [fn(x) for x in items]
    shares: list[list[int]] = [[] for _ in range(parts)]
    loads = [0] * parts
    for i in sorted(range(len(items)), key=lambda i: -weights[i]):
        j = loads.index(min(loads))
        shares[j].append(i)
        loads[j] += weights[i]
    order = sorted(range(parts), key=lambda j: loads[j])
    chunks = [sorted(shares[j]) for j in order]
    done: dict[int, R] = {}
    for chunk, got in zip(chunks, fork_map(lambda c: [fn(items[i]) for i in c], chunks, cores), strict=True):
        done.update(zip(chunk, got, strict=True))
    return [done[i] for i in range(len(items))]
