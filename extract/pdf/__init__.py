"""The PDF reader on PDFium: chars -> lines -> furniture/footnotes -> paragraphs, tables -> blocks."""

from extract.pdf.reader import parse_pdf

__all__ = ["parse_pdf"]
