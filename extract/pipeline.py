"""The whole per-document job: bytes in, an Extraction out. Pure, so it can run in a process pool."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from extract.classify import classify
from extract.errors import DocumentError
from extract.parallel import fork_map
from extract.reading import read_regular
from schemas.models import Document, Extraction, Limits


def sniff_format(data: bytes, path: str) -> str:
    """Decide the parser from the bytes, not the extension: users' folders hold mislabelled files."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DocumentError(
            "legacy Word .doc (OLE2) file, not DOCX: save it as .docx first", code="unsupported_format"
        )
    if b"%PDF" in data[:1024]:
        return "pdf"
    try:
        text = data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        if re.search(rb"\d+ \d+ obj\b", data[:65536]) and _pdfium_opens(data):
            # a PDF that only lost its "%PDF" header: PDFium reads it (objects early in the file say so)
            return "pdf"
        raise DocumentError(
            f"unrecognised binary file (starts with {head!r})", code="not_a_document"
        ) from None
    if re.search(r"\d+ \d+ obj\b", text) and _pdfium_opens(data):  # an all-ASCII PDF missing its header
        return "pdf"
    low = text.lstrip().lower()
    if low.startswith("<!doctype html") or low.startswith("<html"):
        raise DocumentError("HTML file, not a PDF/DOCX/text document", code="not_a_document")
    suffix = Path(path).suffix.lower()
    if suffix in (".pdf", ".docx"):  # a truncated download or a renamed file: parsing it as text misleads
        raise DocumentError(
            f"named {suffix} but holds plain text, not a {suffix[1:].upper()} file", code="not_a_document"
        )
    return "txt"


def _pdfium_opens(data: bytes) -> bool:
    from extract.pdf.chars import pdfium_opens

    return pdfium_opens(data)


def parse(data: bytes, path: str, limits: Limits) -> Document:
    fmt = sniff_format(data, path)
    if fmt == "pdf":
        from extract.pdf import parse_pdf

        return parse_pdf(data, path, limits)
    if fmt == "docx":
        from extract.parse_docx import parse_docx

        return parse_docx(data, path, limits)
    from extract.parse_text import parse_text

    return parse_text(data, path, limits)


def _parse_while_loading(data: bytes, path: str, limits: Limits, use_model: bool) -> Document:
    """parse(), but with a second core and the model still to load (a worker that ingests one lone file
    starts without it), the document is read in a forked child while this process loads the model: the
    two longest serial steps of a lone document overlap. Errors are the parser's own (a failed child's
    chunk is re-read here, raising its DocumentError)."""
    nlp = sys.modules.get("extract.nlp")  # not imported yet: spaCy's import is part of the load to overlap
    if limits.cores < 2 or (nlp is not None and nlp.is_loaded(use_model)):
        return parse(data, path, limits)
    one_core = limits.model_copy(update={"cores": 1})

    def job(kind: str) -> Document | None:
        if kind == "model":
            load_model(use_model)
            return None
        return parse(data, path, one_core)

    _, doc = fork_map(job, ["model", "read"], cores=2)
    assert doc is not None
    return doc


def load_model(use_model: bool) -> None:
    """Build the spaCy pipeline (and the parser over it) in this process, before the first document."""
    from extract.nlp import dependency_parser, get_nlp

    get_nlp(use_model)
    if use_model:
        dependency_parser()


def extract_bytes(data: bytes, path: str, limits: Limits | None = None, use_model: bool = True) -> Extraction:
    limits = limits or Limits()
    if not data:
        raise DocumentError("empty file (0 bytes)", code="empty")
    if len(data) > limits.max_file_bytes:
        raise DocumentError(
            f"file is {len(data)} bytes, over the limit of {limits.max_file_bytes}", code="too_large"
        )
    doc = classify(_parse_while_loading(data, path, limits, use_model))
    if not any(b.text.strip() for b in doc.blocks):
        raise DocumentError("no text layer (scanned or empty document)", code="empty")
    from extract.nlp import split_long_blocks

    blocks, split = split_long_blocks(doc.blocks, limits.max_paragraph_chars)
    doc = doc.model_copy(update={"blocks": blocks}) if split else doc
    result = Extraction(document=doc, warnings=list(doc.warnings))
    result.warnings += split
    from extract.records import extract_records  # imports spaCy: after the read, which may overlap it

    extract_records(result, use_model=use_model, cores=limits.cores)
    return result


def extract_file(path: str | Path, limits: Limits | None = None, use_model: bool = True) -> Extraction:
    p = Path(path)
    data = read_regular(str(p), (limits or Limits()).max_file_bytes)
    return extract_bytes(data, str(p), limits, use_model)
