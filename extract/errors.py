"""The one exception a user's bad file may raise out of extract/, with a machine-readable `code`.

The message (`reason`) is for people and may change wording; the `code` is for programs (the CLI's hints,
`ingest --format json`, the summary line) and is part of the public contract: add codes, never rename them.
"""

from __future__ import annotations

from typing import Literal

ErrorCode = Literal[
    "needs_ocr",  # no usable text layer: a scan, or glyphs without a text mapping
    "encrypted",  # a password is required
    "not_a_document",  # not PDF/DOCX/text (HTML, an image, a spreadsheet, a zip, a renamed file)
    "unsupported_format",  # a Word flavour restrack does not read (legacy .doc, strict Open XML): convert it
    "too_large",  # over --max-mb or --max-pages
    "unsafe",  # a hostile construction refused before reading (XML DTD/entities, zip bomb)
    "corrupt",  # damaged beyond repair
    "timeout",  # over the per-file time limit
    "empty",  # no bytes, no pages or no text
    "unreadable",  # the operating system would not give the bytes (permission, I/O error)
    "not_found",  # moved or deleted between listing and reading, or a broken symbolic link
    "not_regular_file",  # a FIFO, device, socket or directory: never opened for reading
    "crashed",  # the worker process died (crash or out of memory)
    "internal_error",  # a bug: an exception nobody foresaw, or the database refused the record
]
ERROR_CODES: tuple[str, ...] = ErrorCode.__args__  # type: ignore[attr-defined]


class DocumentError(Exception):
    """A problem with the input file, reported as one line (no traceback): `reason` names what is wrong,
    `code` (one of ERROR_CODES) says which kind of problem it is. A raise without a code is "corrupt":
    the most common kind, and never a crash."""

    def __init__(self, reason: str, code: ErrorCode = "corrupt"):
        super().__init__(reason)
        self.reason = reason
        self.code: ErrorCode = code
