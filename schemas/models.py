"""Records that cross module boundaries.

Every extractor returns these models and the store persists them as JSON, so a field added here
reaches the database and the `--format json` output without a migration. Field names listed in
DESIGN.md's output contract are public: rename nothing, add freely.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

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


class Block(BaseModel):
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


class Document(BaseModel):
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
    pages_needing_ocr: list[int] = Field(default_factory=list)  # PDF pages whose text layer is unreadable
    warnings: list[str] = Field(default_factory=list)  # pages read in a degraded way, and why


class Period(BaseModel):
    start: str  # ISO 8601
    end: str


class MoneyMention(BaseModel):
    """An amount as found in a plain string (library API): offsets are into that string."""

    start: int
    end: int
    text: str
    amount: float  # full units
    amount_max: float | None = None  # upper bound of a range
    currency: str  # ISO 4217
    qualifier: str | None = None  # over / about / up to / at least / more than / null


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


class DateMention(BaseModel):
    start: int
    end: int
    text: str
    value: str  # ISO 8601: 2026, 2026-03, 2026-03-24, interval 2025-11-04/2025-11-05
    kind: Literal["date", "month", "year", "interval", "year_list", "as_of", "since"] = "date"
    doc_id: str | None = None
    page: int | None = None
    block_id: str | None = None
    sentence: str | None = None


class ActorMention(BaseModel):
    start: int
    end: int
    text: str  # the form as written
    name: str  # canonical
    type: ActorType = "other"
    source: Literal["gazetteer", "acronym", "model"] = "gazetteer"
    doc_id: str | None = None
    page: int | None = None
    block_id: str | None = None


class Actor(BaseModel):
    """Actor mentions of one document, folded by canonical name."""

    doc_id: str | None = None
    name: str
    type: ActorType = "other"
    mentions: int = 0
    aliases: list[str] = Field(default_factory=list)


class Clause(BaseModel):
    id: str  # "1408/resolves-to-instruct/2", "1408/instructs-sg", "1408/recalling/a"
    resolution: str  # "1408"
    kind: Literal["preambular", "operative"]
    verb: str  # the phrase: "resolves to instruct the Directors of the three Bureaux"
    number: str | None = None  # "2", "a"
    text: str
    block_ids: list[str] = Field(default_factory=list)
    page: int | None = None


class Evidence(BaseModel):
    block_id: str
    text: str
    page: int | None = None
    section: str | None = None
    score: float
    reasons: list[str] = Field(default_factory=list)


class ClauseCoverage(BaseModel):
    clause_id: str
    addressed: bool
    score: float
    evidence: list[Evidence] = Field(default_factory=list)


class AuditRow(BaseModel):
    doc_id: str
    year: int | None = None
    clauses: list[ClauseCoverage] = Field(default_factory=list)


class SeriesPoint(BaseModel):
    doc_id: str
    year: int | None = None
    amount: float
    text: str
    as_of: str | None = None
    period: Period | None = None
    page: int | None = None
    block_id: str | None = None
    sentence: str | None = None
    change: float | None = None  # against the previous point
    pct_change: float | None = None
    edition: str | None = None  # "RDNA4" (assessment edition the figure is from) or the report symbol
    also_in: list[str] = Field(default_factory=list)  # other documents stating the same value
    note: str | None = None  # scope change against the previous point (e.g. another "needs" horizon)


class Series(BaseModel):
    metric: str
    subject: str | None = None
    currency: str
    points: list[SeriesPoint] = Field(default_factory=list)
    axis: Literal["report", "assessment"] = "report"  # points ordered by report edition or RDNA cut-off
    checks: list[Check] = Field(default_factory=list)  # checks involving this series (compare fills it)


class Check(BaseModel):
    kind: Literal["sum_mismatch", "stated_change", "cumulative_decrease", "inconsistent_restatement"]
    ok: bool
    message: str
    doc_id: str | None = None
    figures: list[SeriesPoint] = Field(default_factory=list)


class Extraction(BaseModel):
    """Everything the pure per-document pipeline yields for one file; stored in one transaction."""

    document: Document
    figures: list[Figure] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    actors: list[ActorMention] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class Limits(BaseModel):
    """Guards against hostile or oversized input; every value is configurable from the CLI."""

    max_file_bytes: int = 200 * 1024 * 1024
    max_pages: int = 2000
    max_seconds: float = 600.0  # wall time per file
    max_uncompressed_bytes: int = 256 * 1024 * 1024  # DOCX: total of the zip members we read
    max_compression_ratio: float = 200.0  # DOCX: per member, to catch zip bombs early
