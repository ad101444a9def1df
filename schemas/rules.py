"""The rule data: one pydantic model per file in schemas/data/, read through one cached loader.

Every rule module reads its words, patterns and thresholds with `load_rules(Model)`: the file is named by the
model (`Model.FILE`), parsed and validated once per process, and a wrong file fails at first use with an error
naming the file and the field. Keys starting with "_doc" are comments for the reader and are dropped before
validation; any other key the model does not declare is an error, so a key is either used or removed.
Tables several modules share (months, ordinals, format rank, empty-cell marks, sentence abbreviations) live
once, in common.json.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from schemas import DATA_DIR
from schemas.models import Metric


class RuleError(ValueError):
    """A rule file that is missing, not JSON, or does not match its model; says which file and field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when a file is loaded


class RuleFile(_Strict):
    FILE: ClassVar[str]


def _strip_comments(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_comments(v) for k, v in value.items() if not k.startswith("_doc")}
    if isinstance(value, list):
        return [_strip_comments(v) for v in value]
    return value


R = TypeVar("R", bound=RuleFile)


def rule_path(model: type[RuleFile]) -> Path:
    """The one path convention: schemas/data/<model.FILE>.json (caches fingerprint these files)."""
    return DATA_DIR / f"{model.FILE}.json"


@cache
def load_rules(model: type[R]) -> R:
    """schemas/data/<model.FILE>.json, validated; cached, so every caller shares one parsed copy."""
    path = rule_path(model)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return model.model_validate(_strip_comments(raw))
    except OSError as e:
        raise RuleError(f"{path}: cannot read ({e.strerror})") from e
    except json.JSONDecodeError as e:
        raise RuleError(f"{path}: not JSON (line {e.lineno}: {e.msg})") from e
    except ValidationError as e:
        errs = "; ".join(f"field {'.'.join(map(str, x['loc'])) or '(file)'}: {x['msg']}" for x in e.errors())
        raise RuleError(f"{path}: {errs}") from e


# --- shared tables ------------------------------------------------------------------------------------------


class Common(RuleFile):
    FILE = "common"
    months: dict[str, int]  # month names and abbreviations -> month number (the one month table)
    ordinals: dict[str, int]  # "third", "3rd" -> 3: edition and session numbers
    format_rank: dict[str, int]  # which format of one document wins: DOCX > TXT > PDF
    none_cells: list[str]  # a table cell that states "no value"
    subtotal_rows: list[str]
    abbreviations: list[str]  # a full stop after these does not end a sentence


# --- extract/ -----------------------------------------------------------------------------------------------


class ActorFilters(RuleFile):
    FILE = "actor_filters"
    places: list[str]
    generic: list[str]
    currency_codes: list[str]
    org_heads: list[str]
    type_heads: dict[str, list[str]]
    national_context: list[str]
    non_actor_heads: list[str]


class BudgetKind(_Strict):
    name: str
    metric: Metric | None
    lemmas: list[str]


class BudgetKinds(RuleFile):
    FILE = "budget_kinds"
    details: list[BudgetKind]
    budget_context: list[str]
    budget_context_min_hits: int
    object_classes: list[str]
    assessment_metrics: list[str]
    owner_containers: list[str]
    generic_owners: list[str]
    recurrence: dict[str, list[str]]
    duration: str
    block_owner_types: list[str]
    neutral_nouns: list[str]
    entity_heads: list[str]
    responsible_entity: str
    coreference_blocks: int


class CitationBody(_Strict):
    pattern: str
    prefix: str
    body: str


class CitationPatterns(RuleFile):
    FILE = "citation_patterns"
    bodies: list[CitationBody]
    body_window: int
    document_symbol: str
    references_label: str
    references_inline: str
    reports_on_cues: list[str]
    self_reference: str
    cue_window: int
    reports_on_anaphora: str


class UNLayoutCues(_Strict):
    adverbs: list[str]
    trailing_adverbs: list[str]
    verb_particles: list[str]
    addressee_determiners: list[str]
    addressee_lower_heads: list[str]
    non_addressee_heads: list[str]
    statement_verbs: list[str]  # "that X <one of these>": a statement, X not asked
    annex_line: str
    closing_line: str
    furniture: list[str]
    max_section_heading_words: int
    structure_labels: list[str]


class CueExpansion(_Strict):
    when: list[str]
    add: list[str]


class ClauseCues(RuleFile):
    FILE = "clause_cues"
    stopwords: list[str]
    generic: list[str]
    expand: list[CueExpansion]
    figure_terms: dict[str, list[str]]
    actor_addressee: dict[str, str]
    procedural: list[str]
    overview: list[str]
    overview_sections: list[str]
    un_layout: UNLayoutCues


class Currency(_Strict):
    code: str
    symbols: list[str]
    names: list[str]
    subunits: list[str] = []
    subunit_factor: float = 0.01


class Currencies(RuleFile):
    FILE = "currencies"
    currencies: list[Currency]
    scales: dict[str, float]
    qualifiers: dict[str, str | None]
    number_words: dict[str, float]
    word_number_blocked_names: list[str] = []


class DateCues(RuleFile):
    FILE = "date_cues"
    as_of: list[str]
    since: list[str]
    since_lead: list[str]
    range_to: list[str]  # words joining two dates into an interval ("4 to 9 May")
    range_and_after: list[str]  # "and" joins two dates only after these words ("between 4 and 9 May")
    year_blockers: list[str]
    year_unit_after: list[str]
    bare_month_preps: list[str]


class UNFrontCues(_Strict):
    symbol_organs: list[str]
    symbol_parts: list[str]
    issue_date_cue: str
    adoption_cues: list[str]
    adopting_line: str
    un_bodies: list[str]
    agenda_line: str
    title_stop: list[str]
    structure_labels: list[str]
    draft_cues: list[str]


class DocCues(RuleFile):
    FILE = "doc_cues"
    report_cues: list[str]
    summary_box_cues: list[str]
    assessment_cues: list[str]
    assessment_editions: list[str]  # group 1: the edition's number or ordinal word (ORDINAL: common.json)
    assessment_title_cue: str
    future_cues: list[str]
    operative_verbs: list[str]
    preambular_words: list[str]
    phrase_prefixes: list[str]
    slug_replacements: list[tuple[str, str]]
    slug_drop_words: list[str]
    slug_max_words: int
    un_front: UNFrontCues
    adopting_bodies: list[str]  # bodies that hold sessions ("Council 2026" in a header dates the document)
    itu_adopting_line: str  # an ITU body adopting a resolution: "The Plenipotentiary Conference (...),"
    pp_body: str  # the word in that line that makes it a "PP Resolution"


class DocxLayout(RuleFile):
    FILE = "docx_layout"
    header_table_cues: list[str]
    literal_bullets: list[str]
    manual_label_tab: str
    manual_label_space: str
    heading_number_tab: str
    heading_max_chars: int
    heading_max_words: int
    heading_designation: str = "^$"  # a heading that only names a unit ("Part II") runs on into the next


class FiscalConvention(_Strict):
    start_month: int = Field(ge=1, le=12)
    start_day: int = Field(ge=1, le=31)
    label: str


class FiscalPeriods(RuleFile):
    FILE = "fiscal_periods"
    default: str
    conventions: dict[str, FiscalConvention]
    year_parts: dict[str, tuple[int, int]]
    ordinals: dict[str, int]  # "third quarter", "last quarter": parts of a year, not edition numbers


class GazetteerEntry(_Strict):
    name: str
    type: str | None = None
    aliases: list[str] = []
    acronyms: list[str] = []
    token_regex: list[str] = []  # one token that names the entry ("WRC-23")


class MemberStates(RuleFile):
    FILE = "member_states"
    type: str
    entries: list[GazetteerEntry]


class Organisations(RuleFile):
    FILE = "organisations"
    entries: list[GazetteerEntry]


class MetricCues(RuleFile):
    FILE = "metric_cues"
    metrics: dict[Metric, dict[str, float]]
    parts_markers: list[str]
    owner_verbs: list[str]
    implementer_verbs: list[str]
    owner_preps: list[str]
    non_owners: list[str]
    cumulative: list[str]
    not_cumulative: list[str]
    clause_split_words: list[str]  # besides , ; ) these words end an amount's clause
    owner_determiners: list[str]  # dropped from the front of an owner phrase
    name_links: list[str]  # lower-case words inside a proper name ("Ministry of Digital Transformation")
    comparison_words: list[str]  # a date after these is a comparison point, not the figure's own time
    sector_subject: str


class Rdna(RuleFile):
    FILE = "rdna"
    sectors: dict[str, list[str]]
    other_chapters: dict[str, list[str]]
    other_chapter_prefixes: list[str]
    columns: dict[str, list[str]]
    skip_columns: list[str]
    total_rows: list[str]
    unit_between: str
    text_table_headers: dict[str, Metric]
    caption_before: int
    caption_after: int


class TableRules(RuleFile):
    FILE = "tables"
    caption_label: str
    unit_line: str
    caption_max_chars: int
    caption_max_lines: int
    note_line: str
    continued: str
    total_rows: list[str]
    count_cues: list[str]
    metric_cues: list[tuple[str, Metric, str | None]]
    compact_unit: str
    indent_tolerance: float


# --- corpus/ ------------------------------------------------------------------------------------------------


class LinkCues(RuleFile):
    FILE = "link_cues"
    generic: list[str] = []
    procedural: list[str] = []
    bm25_damp: float = Field(ge=0.0, le=1.0)
    name_weight: float = Field(ge=0.0, le=2.0)
    length_norm: float = Field(ge=0.0, le=2.0)
    length_free: float = Field(ge=1.0)


class SeriesRules(RuleFile):
    FILE = "series_rules"
    scope_metrics: list[str]
    actor_metrics: list[str]
    sectors: dict[str, list[str]]
    overall_sector: str
    overall_chapters: list[str]
    editions: list[str]
    comparison: str
    trail_end: str  # where the words after a figure stop describing it (its cut-off date is read before)
    back_reference: list[str]
    cumulative: list[str]
    not_cumulative: list[str]
    parts_markers: list[str]
    stated_change: list[str]
    down_words: list[str]
    previous_refs: list[str]
    stopwords: list[str]
    match_threshold: int
    loose_match_threshold: int
    restatement_threshold: int
    sum_tolerance: float
    lower_bound_qualifiers: list[str]  # "over X, including A and B": the parts may fall short of X
    listed_parts_match_share: float
    same_text_shingle: int
    same_text_share: float
    stated_change_tolerance_pp: float
    rdna_publication_lag_months: int


class VersionSettings(RuleFile):
    FILE = "versions"
    align_min_similarity: float = Field(ge=0, le=100)
    unchanged_similarity: float = Field(ge=0, le=100)


class ParallelSettings(RuleFile):
    """When one document's work is worth splitting over processes (extract/parallel.py): a fork and the
    pickled results cost tens of milliseconds, so each process must get enough work to gain."""

    FILE = "parallel"
    min_chars_per_process: int = Field(ge=1)
    min_pages_per_process: int = Field(ge=1)
    min_records_per_process: int = Field(ge=1)


# Every rule file and its model (pdf_layout.json is read by extract/pdf/settings.py, rewritten this round).
RULE_FILES: tuple[type[RuleFile], ...] = (
    Common, ActorFilters, BudgetKinds, CitationPatterns, ClauseCues, Currencies, DateCues, DocCues,
    DocxLayout, FiscalPeriods, MemberStates, Organisations, MetricCues, Rdna, TableRules, LinkCues,
    SeriesRules,
    VersionSettings,
    ParallelSettings,
)


def format_rank(fmt: str | None) -> int:
    """Which format of one document wins when several are ingested (lower first); unknown formats last."""
    return load_rules(Common).format_rank.get(fmt or "", 9)
