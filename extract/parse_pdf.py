"""Kept for imports: the PDF reader lives in the package `extract/pdf/`."""

from extract.pdf.reader import parse_pdf  # noqa: F401
