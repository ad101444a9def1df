"""Reading a document's bytes safely: only regular files, never blocking on a FIFO, never loading more
than the size limit. `extract_file` and the ingest workers both read through it, so both refuse the same
things the same way."""

from __future__ import annotations

import os
import stat

from extract.errors import DocumentError

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


def not_regular(mode: int) -> str | None:
    for test, what in _KINDS:
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "not a regular file"


def refusal(path: str, what: str) -> str:
    if what == "a FIFO (named pipe)":
        return f"{what}, not a regular file: not read (a stream: ... | restrack ingest - --name NAME)"
    return f"{what}, not a regular file: not read"


def read_regular(path: str, limit: int) -> bytes:
    """The file's bytes, refusing anything but a regular file. O_NONBLOCK: opening a FIFO never waits."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise DocumentError("file not found (moved or deleted?)", code="not_found") from None
    except PermissionError:
        raise DocumentError("permission denied", code="unreadable") from None
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", code="unreadable") from None
    try:
        st = os.fstat(fd)
        what = not_regular(st.st_mode)
        if what:
            raise DocumentError(refusal(path, what), code="not_regular_file")
        if st.st_size > limit:  # before reading: a 10 GB file must not be loaded to learn it is too big
            raise DocumentError(f"file is {st.st_size} bytes, over the limit of {limit}", code="too_large")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise DocumentError(f"file is over the limit of {limit} bytes", code="too_large")
        return data
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", code="unreadable") from None
    finally:
        os.close(fd)
