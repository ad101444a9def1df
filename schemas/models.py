"""Records that cross module boundaries.

Every extractor returns these models and the store persists them as JSON, so a field added here
reaches the database and the `--format json` output without a migration. Field names listed in
DESIGN.md's output contract are public: rename nothing, add freely.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

BlockKind = Literal["heading", "paragraph", "list_item", "table_cell", "footnote"]
DocKind = Literal["resolution", "report", "assessment", "other"]
DocFormat = Literal["pdf", "docx", "txt"]
Metric = Literal[
    "damage", "losses", "needs", "requirement", "contribution", "in-kind", "budget", "pledge", "total",
    "other",
]
ActorType = Literal[
    "member_state", "un_body", "national_authority", "company", "academia", "initiative", "other"
]
# Named so extractors can type the values they build (mypy checks them against the fields).
DateKind = Literal["date", "month", "year", "interval", "year_list", "as_of", "since", "fiscal_period"]
CitationKind = Literal["resolution", "document"]
CitationRelation = Literal["reports_on", "cites"]
ChangeKind = Literal["added", "removed", "changed", "unchanged"]


class _Record(BaseModel):
    """Every record's base: its validator and serializer are built on first use, not at import (a warm query
    prints stored JSON and builds none; building all of them at import cost every command about 0.1 s)."""

    model_config = ConfigDict(defer_build=True)


class Block(_Record):
    """One unit of body text as a reader sees it, with enough position to find it again."""

    id: str  # stable within the document: "p0017"
    kind: BlockKind
    text: str
    page: int | None = None  # 1-based; DOCX: None (no layout) unless estimated
    section: str | None = None  # number of the enclosing numbered section, as a string: "4"
    section_title: str | None = None
    section_path: list[str] = Field(default_factory=list)  # ["4", "Technical assistance and advocacy ..."]
    label: str | None = None  # list label the reader sees: "1.", "a)", "•", "–"
    level: int = 0  # heading level (1 = top) or list nesting level (0 = top)
    bbox: tuple[float, float, float, float] | None = None  # PDF: x0, top, x1, bottom on `page`
    table: int | None = None  # table ordinal within the document, for table cells
    row: int | None = None
    col: int | None = None
    style: str | None = None  # source style id (DOCX) or font hint (PDF)
    chapter: str | None = None  # assessments: sector chapter title
    footnotes: list[str] = Field(default_factory=list)  # superscript marks separated from the text
    # Table cells (extract/tables.py builds Table models from these): spans as printed, a header row the
    # file marks as repeated on each page (DOCX w:tblHeader), the text's indent in points from the cell's
    # left edge (DOCX: w:ind + leading tabs; PDF readers leave it None, the builder uses bbox), and the
    # ordinal of the table whose cell holds this (nested) table.
    row_span: int | None = None
    col_span: int | None = None
    header_row: bool = False
    indent: float | None = None
    parent_table: int | None = None


class Document(_Record):
    """A parsed file: metadata plus blocks in reading order."""

    id: str | None = None  # assigned by the store
    path: str
    sha256: str
    format: DocFormat
    kind: DocKind = "other"
    title: str | None = None
    symbol: str | None = None  # "C26/27"
    year: int | None = None  # edition year
    date: str | None = None  # ISO 8601 date of the document, when stated
    resolution: str | None = None  # the resolution number this document is or reports on: "1408"
    resolution_version: str | None = None  # as cited: "Mod. 2023"
    edition: int | None = None  # assessments: edition number ("RDNA5" -> 5)
    cutoff: str | None = None  # assessments: ISO date the figures are as of ("as of 31 December 2025")
    pages: int | None = None
    header_text: str | None = None  # page header / first-page header table, kept out of the body
    blocks: list[Block] = Field(default_factory=list)
    reports_on: list[str] = Field(default_factory=list)  # symbols of what it reports on (citations)
    draft: bool = False  # a draft resolution ("A/80/L.12"): kind "resolution", not yet adopted
    path_raw: str | None = None  # hex of the path's bytes when they are not UTF-8 (`path` shows them as \xNN)
    pages_needing_ocr: list[int] = Field(default_factory=list)  # PDF pages whose text layer is unreadable
    warnings: list[str] = Field(default_factory=list)  # pages read in a degraded way, and why


class Period(_Record):
    """A span of time as two ISO 8601 values (a fiscal year, "2025-2034")."""

    start: str  # ISO 8601
    end: str


class MoneyMention(_Record):
    """An amount as found in a plain string (library API): offsets are into that string."""

    start: int
    end: int
    text: str
    amount: float  # full units
    amount_max: float | None = None  # upper bound of a range
    currency: str  # ISO 4217
    qualifier: str | None = None  # over / about / up to / at least / more than / null
    amount_exact: str | None = None  # exact decimal string in full units ("1355899200", "0.642")
    amount_max_exact: str | None = None


class Figure(MoneyMention):
    """A monetary figure in a document, with what it measures and where it stands."""

    doc_id: str | None = None
    metric: Metric = "other"
    actors: list[str] = Field(default_factory=list)  # canonical names
    as_of: str | None = None
    period: Period | None = None
    years: list[int] = Field(default_factory=list)
    subject: str | None = None
    chapter: str | None = None
    page: int | None = None
    block_id: str | None = None
    sentence: str | None = None
    cumulative: bool = False  # "to date", "since 2022": a running total that should not shrink
    parts_of: int | None = None  # index (within the document's figures) of the total this is a part of
    budget_kind: str | None = None  # finer than metric: "expenditure", "estimate", "appropriation"
    table_id: str | None = None  # table figures: the Table (extract/tables.py) and the cell they come from
    row: int | None = None  # row / column index in that table's grid (header rows included)
    col: int | None = None
    cell_bbox: tuple[float, float, float, float] | None = None  # PDF: x0, top, x1, bottom on `page`
    recurrence: str | None = None  # "annual": the amount recurs every year of `years` / `period`
    period_kind: str | None = None  # stated, fiscal, cumulative, duration, recurring
    owner_text: str | None = None  # the owner as written when no known actor matched
    cell: CellRef | None = None  # table figures: the cell's row and column label paths (contract `cell`)


class CellRef(_Record):
    """Where a table figure sits, as a reader finds it: its row's stub labels, its column's heads."""

    row: list[str] = Field(default_factory=list)
    column: list[str] = Field(default_factory=list)


class DateMention(_Record):
    """A date, month, year or interval found in text, with its ISO 8601 value and character offsets."""

    start: int
    end: int
    text: str
    value: str  # ISO 8601: 2026, 2026-03, 2026-03-24, interval 2025-11-04/2025-11-05
    kind: DateKind = "date"
    doc_id: str | None = None
    page: int | None = None
    block_id: str | None = None
    sentence: str | None = None


class ActorMention(_Record):
    """One mention of an actor in text: the form written, its canonical name and type, offsets."""

    start: int
    end: int
    text: str  # the form as written
    name: str  # canonical
    type: ActorType = "other"
    source: Literal["gazetteer", "acronym", "model"] = "gazetteer"
    doc_id: str | None = None
    page: int | None = None
    block_id: str | None = None


class Actor(_Record):
    """Actor mentions of one document, folded by canonical name."""

    doc_id: str | None = None
    name: str
    type: ActorType = "other"
    mentions: int = 0
    aliases: list[str] = Field(default_factory=list)


class Clause(_Record):
    """One paragraph of a resolution (preambular or operative), with its verb, number and addressee."""

    id: str  # "1408/resolves-to-instruct/2", "1408/instructs-sg", "1408/recalling/a"
    resolution: str  # "1408"
    kind: Literal["preambular", "operative"]
    verb: str  # the phrase: "resolves to instruct the Directors of the three Bureaux"
    number: str | None = None  # "2", "a"
    text: str
    block_ids: list[str] = Field(default_factory=list)
    page: int | None = None
    addressee: str | None = None  # who the clause asks to act: "the Secretary-General", "Member States"
    section: str | None = None  # roman numeral of the resolution's section ("IX"), or None
    section_title: str | None = None  # that section's heading
    parent: str | None = None  # id of the paragraph a sub-item (a), (i) belongs to
    footnotes: list[str] = Field(default_factory=list)  # footnote marks taken out of the clause text


class Evidence(_Record):
    """A report paragraph that counts as addressing a clause, with its link score and why."""

    block_id: str
    text: str
    page: int | None = None
    section: str | None = None
    score: float
    reasons: list[str] = Field(default_factory=list)


class ClauseCoverage(_Record):
    """Whether one operative clause is addressed by a report, with the evidence paragraphs."""

    clause_id: str
    addressed: bool
    score: float
    evidence: list[Evidence] = Field(default_factory=list)


class AuditRow(_Record):
    """One report audited against one resolution: coverage per clause, or the reason it could not be."""

    doc_id: str
    year: int | None = None
    clauses: list[ClauseCoverage] = Field(default_factory=list)
    resolution: str | None = None  # the resolution audited against ("1408", "A/RES/80/132")
    version: str | None = None  # its version used ("Mod. 2023"; None: the original text)
    resolution_doc: str | None = None  # the stored text whose clauses were used
    status: Literal["audited", "no_resolution", "not_ingested"] = "audited"
    reason: str | None = None  # why a report could not be audited


class SeriesPoint(_Record):
    """One edition's value of a figure series, with where it is stated and the change to the last."""

    doc_id: str
    year: int | None = None
    amount: float
    text: str
    as_of: str | None = None
    period: Period | None = None
    years: list[int] = Field(default_factory=list)  # years the figure names (a budget table's column year)
    page: int | None = None
    block_id: str | None = None
    sentence: str | None = None
    change: float | None = None  # against the previous point
    pct_change: float | None = None
    edition: str | None = None  # "RDNA4" (assessment edition the figure is from) or the report symbol
    also_in: list[str] = Field(default_factory=list)  # other documents stating the same value
    note: str | None = None  # scope change against the previous point (e.g. another "needs" horizon)


class Series(_Record):
    """The same figure (metric, subject, currency) across report or assessment editions."""

    metric: str
    subject: str | None = None
    currency: str
    points: list[SeriesPoint] = Field(default_factory=list)
    axis: Literal["report", "assessment"] = "report"  # points ordered by report edition or RDNA cut-off
    checks: list[Check] = Field(default_factory=list)  # checks involving this series (compare fills it)


class Check(_Record):
    """A consistency check over figures (sums, stated changes, restatements) and its outcome."""

    kind: Literal[
        "sum_mismatch", "stated_change", "cumulative_decrease", "inconsistent_restatement", "table_sum",
        "listed_parts_sum", "annual_vs_cumulative", "unverified",
    ]
    ok: bool  # never True for a check that was not computed (kind "unverified" is always False)
    message: str
    doc_id: str | None = None
    figures: list[SeriesPoint] = Field(default_factory=list)
    reason: str | None = None  # unverified: why it could not be computed ("RDNA4 is not in the corpus")
    unverified_kind: str | None = None  # unverified: the check it would have been ("stated_change")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> Literal["passed", "failed", "unverified"]:
        """The contract's three-way answer: a check that was not computed is never "passed"."""
        if self.kind == "unverified":
            return "unverified"
        return "passed" if self.ok else "failed"


class Extraction(_Record):
    """Everything the pure per-document pipeline yields for one file; stored in one transaction."""

    document: Document
    figures: list[Figure] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    actors: list[ActorMention] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)  # extract/tables.py, continued parts merged


class Limits(_Record):
    """Guards against hostile or oversized input; every value is configurable from the CLI."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_seconds: float = 600.0  # wall time per file
    max_uncompressed_bytes: int = 256 * 1024 * 1024  # DOCX: total of the zip members we read
    max_compression_ratio: float = 200.0  # DOCX: per member, to catch zip bombs early
    max_paragraph_chars: int = 5000  # longer blocks are split (at sentence ends) before extraction
    cores: int = 1  # processes one document may use (extract/parallel.py); ingest gives idle cores to it


class Citation(_Record):
    """A reference to a resolution or document, normalised (as extract/citations.py says), with provenance."""

    doc_id: str | None = None
    cited: str  # normalised symbol: "A/RES/79/318", "S/RES/2231 (2015)", "1408", "PP-34", "C23/59"
    kind: CitationKind = "resolution"
    body: str | None = None  # the organ that adopted a cited resolution: "General Assembly", "ITU Council"
    version: str | None = None  # as cited: "Mod. 2023", "Rev. Dubai, 2018"
    paragraph: str | None = None  # "paragraph 10 of resolution 77/267" -> "10"
    text: str  # as written
    start: int  # character span in the block's text
    end: int
    page: int | None = None
    block_id: str | None = None
    sentence: str | None = None
    relation: CitationRelation = "cites"


class ClauseChange(_Record):
    """One aligned pair of clauses between two versions of a resolution (corpus/versions.py)."""

    change: ChangeKind
    old_id: str | None = None
    new_id: str | None = None
    old_number: str | None = None
    new_number: str | None = None
    similarity: float = 0.0  # 0..100, rapidfuzz
    old_text: str | None = None
    new_text: str | None = None


class ResolutionVersion(_Record):
    """One stored text of a resolution: which document, which version label, how many clauses."""

    resolution: str
    doc_id: str
    version: str | None = None  # "Mod. 2023", "draft A/80/L.12", or None for the original text
    year: int | None = None
    symbol: str | None = None
    clauses: int = 0
    operative: int = 0
    shown: bool = False  # the one `clauses` shows without --version


class TableCell(_Record):
    """One cell of a Table grid, with the header path over it and the stub path left of it."""

    row: int  # 0-based in the table's grid, header rows first; a continued table's rows follow on
    col: int
    text: str
    row_span: int = 1
    col_span: int = 1
    header: bool = False  # in a header row
    stub: bool = False  # in the stub (row label) column
    level: int | None = None  # stub cells: indentation level (0 = outermost)
    indent: float | None = None  # stub cells: the text's indent as the reader gave it (DOCX, points)
    value: float | None = None  # the number as printed (no scale applied); None for text, dashes, "n/a"
    note: str | None = None  # footnote mark printed on the number: "a" of "1 250.3a"
    row_path: list[str] = Field(default_factory=list)  # stub labels from the outermost group to this row
    col_path: list[str] = Field(default_factory=list)  # header texts from the top header row down
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    block_ids: list[str] = Field(default_factory=list)


class Table(_Record):
    """A printed table: caption, unit line, header rows, stub and cells; one model across page breaks."""

    id: str  # stable within the document: "t3" (ordinal of its first part)
    doc_id: str | None = None
    number: str | None = None  # as labelled: "4.22", "3.I.27"
    caption: str | None = None  # the title line(s): "Overall: evolution of financial resources ..."
    unit: str | None = None  # the unit line as printed: "(Thousands of United States dollars)"
    notes: list[str] = Field(default_factory=list)  # "a Includes ...", "Note: ...", "Source: ..."
    pages: list[int] = Field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    header_rows: int = 0  # rows 0..header_rows-1 are headers
    stub_cols: int = 1
    parts: list[int] = Field(default_factory=list)  # parser table ordinals merged into this table
    block_ids: list[str] = Field(default_factory=list)  # caption / unit / note blocks
    cells: list[TableCell] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def page(self) -> int | None:
        """The page the table starts on (contract `page`; `pages` lists every page of a continued table)."""
        return self.pages[0] if self.pages else None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def header(self) -> list[list[str]]:
        """The header rows as printed, one list of labels per row (a spanned head in its first column)."""
        grid = [["" for _ in range(self.n_cols)] for _ in range(self.header_rows)]
        for c in self.cells:
            if c.row < self.header_rows and c.col < self.n_cols:
                grid[c.row][c.col] = c.text
        return grid

    @computed_field  # type: ignore[prop-decorator]
    @property
    def rows(self) -> list[dict[str, list[str]]]:
        """Body rows: the stub path (outermost group first) and the cells' text left to right."""
        body: dict[int, dict[str, list[str]]] = {}
        for c in sorted(self.cells, key=lambda c: (c.row, c.col)):
            if c.row < self.header_rows:
                continue
            row = body.setdefault(c.row, {"stub": [], "cells": []})
            if c.stub:
                row["stub"] = list(c.row_path) or [c.text]
            else:
                row["cells"].append(c.text)
        return list(body.values())



class SearchHit(_Record):
    """A block whose text matches a full-text query (corpus/search.py), with a highlighted snippet."""

    doc_id: str
    block_id: str
    page: int | None = None
    kind: str | None = None  # block kind: paragraph, heading, cell, ...
    section: str | None = None
    symbol: str | None = None  # the document's symbol
    year: int | None = None  # the document's edition year
    snippet: str  # the matching words between the caller's highlight marks
    score: float = 0.0  # bm25: lower is a better match
