"""The one orchestrator of per-document records: figures, dates, actors and clauses of an Extraction.

Called by extract/pipeline.py after classification.
"""

from __future__ import annotations

from extract.actors import actors_in_document
from extract.assessment import table_figures, tag_chapters
from extract.citations import add_citations
from extract.dates import dates_in
from extract.figures import figures_in_document
from extract.resolution import parse_clauses
from extract.table_figures import table_figures as cell_figures
from extract.tables import build_tables
from extract.text import sentence_spans
from schemas.models import DateMention, Document, Extraction


def dates_in_document(doc: Document) -> list[DateMention]:
    """Dates of every block with block id, page and sentence; year-less dates take the document's date."""
    reference = doc.date or (str(doc.year) if doc.year else None)
    out: list[DateMention] = []
    for block in doc.blocks:
        if not block.text.strip():
            continue
        spans = sentence_spans(block.text)
        for d in dates_in(block.text, reference):  # shared, read-only: model_copy makes ours
            s0, s1 = next((s for s in spans if s[0] <= d.start < s[1] + 1), (0, len(block.text)))
            out.append(
                d.model_copy(
                    update={
                        "doc_id": doc.id,
                        "block_id": block.id,
                        "page": block.page,
                        "sentence": block.text[s0:s1].strip(),
                    }
                )
            )
    return out


def extract_records(result: Extraction, use_model: bool = True, cores: int = 1) -> None:
    """Fill result.figures, .dates, .actors and (for resolutions) .clauses in place; no storage. `cores`:
    processes the model's work may be split over (extract/parallel.py)."""
    doc = result.document
    if doc.kind == "assessment":  # chapters first, so every figure carries its sector chapter
        doc = result.document = tag_chapters(doc)
    result.actors = actors_in_document(doc, use_model=use_model, cores=cores)
    result.figures = figures_in_document(doc, result.actors, parse=use_model, cores=cores)
    prose = {f.block_id for f in result.figures if f.block_id}
    rdna: set[str | None] = set()
    if doc.kind == "assessment":
        result.figures += table_figures(doc, offset=len(result.figures))
        rdna = {f.block_id for f in result.figures} - prose
    # Every other money table, one route per table: tables the RDNA route read are left whole, cells that
    # already gave a running-text figure one by one.
    result.tables = build_tables(doc)
    result.figures += cell_figures(
        doc, result.tables, actors=result.actors, skip_blocks={b for b in prose if b},
        skip_tables={b for b in rdna if b},
    )
    result.dates = dates_in_document(doc)
    if doc.kind == "resolution":
        result.clauses = parse_clauses(doc)
    add_citations(result)  # citations of every document; sets document.reports_on
