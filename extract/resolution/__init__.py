"""The clause catalogue of a resolution, for the two layouts resolutions come in.

- `itu`: ITU resolutions ("RESOLUTION 1408", phrases on a line of their own, items under them); ids
  `1408/resolves-to-instruct/2`.
- `un`: General Assembly, Security Council and ECOSOC resolutions and drafts ("The General Assembly,",
  "Recalling ...,", "1. Reaffirms ..."); ids from the symbol, `A/RES/80/101/op/3`.

`parse_clauses` picks the layout from the document: an ITU resolution heading wins; a UN symbol or a UN
adopting body ("The General Assembly,") means the UN layout.
"""

from __future__ import annotations

from extract.classify import resolution_heading
from extract.front_matter import is_un_symbol, read_un_front
from extract.resolution.itu import is_operative, is_phrase, slug
from extract.resolution.itu import parse_clauses as parse_itu_clauses
from extract.resolution.un import parse_un_clauses
from schemas.models import Clause, Document

__all__ = ["is_operative", "is_phrase", "parse_clauses", "parse_itu_clauses", "parse_un_clauses", "slug"]


def is_un_layout(doc: Document) -> bool:
    if is_un_symbol(doc.symbol):
        return True
    if resolution_heading([b for b in doc.blocks if b.text.strip()][:6]) is not None:
        return False
    return read_un_front(doc).adopting_body is not None


def parse_clauses(doc: Document) -> list[Clause]:
    """Clauses of a resolution document, in order; [] when `doc` is not a resolution."""
    if is_un_layout(doc):
        return parse_un_clauses(doc) if doc.kind in ("resolution", "other") else []
    return parse_itu_clauses(doc)
