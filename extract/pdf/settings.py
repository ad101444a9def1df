"""Every threshold the PDF layout rules use, in one named, validated settings record (as pdfplumber keeps its
table thresholds in `TableSettings`). Defaults live in schemas/data/pdf_layout.json under "settings"; the
patterns (page numbers, furniture, list markers) sit beside them in the same file."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter

DATA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "data" / "pdf_layout.json"


@dataclass(frozen=True)
class LayoutSettings:
    """Distances are in points unless named `*_ratio`/`*_share` (fractions) or `*_em` (times font size)."""

    row_tolerance: float  # runs whose tops differ by less share a row
    word_join_em: float  # pieces of one word closer than this (same font) are one word
    line_overlap: float  # words share a line when their heights overlap by this share of the smaller
    sup_size_ratio: float  # a superscript is at most this share of the line's size ...
    sup_rise_em: float  # ... and its bottom sits this far above the baseline
    sup_max_chars: int
    space_em: float  # a gap over this between two words is a space
    header_band: float  # share of the page height where running heads live
    footer_band: float  # share of the page height below which footers live
    furniture_repeat_share: float  # a line repeated in the bands on this share of the pages is furniture
    margin_gap_em: float  # furniture is set apart from the text by more than this
    isolated_gap_ratio: float  # a page number stands this far (times its height) from its neighbours
    header_segment_em: float  # a first-page header line splits into columns at gaps over this
    header_table_band: float  # a first-page header table starts in this top share of page 1
    footnote_size_ratio: float  # footnote lines are at most this share of the body size
    footnote_min_top: float  # footnotes start below this share of the page height
    para_gap_em: float  # a vertical gap over the line gap + this is a paragraph break
    heading_size_ratio: float  # a heading is this much larger than body text (or bold)
    heading_max_lines: int
    indent_tolerance: float
    marker_gap_em: float  # a list marker is followed by a gap of at least this
    title_gap_em: float
    style_size_tolerance: float  # lines of one paragraph differ in size by less
    rule_max_thickness: float
    rule_min_length: float
    page_frame_share: float  # a rectangle this large is a page frame or background, never a table
    min_minor_orientation_share: float  # rotated text is read when it holds at least this share of the page
    ocr_bad_glyph_share: float  # a page whose glyphs are this often unmapped needs OCR
    ocr_min_wordlike_share: float  # ... or whose tokens are less often word-like
    ocr_min_tokens: int  # pages with fewer tokens are never judged
    column_gutter_em: float  # two columns are separated by an empty strip at least this wide
    column_min_share: float  # share of a page's lines that must sit left or right of a gutter
    table_cell_gap_em: float  # an unruled table's cells are separated by gaps over this
    table_number_gap_em: float  # ... or, between two amounts, over this
    table_min_rows: int
    table_min_columns: int
    table_align_tolerance: float  # cells of one column start or end within this of each other
    table_column_share: float  # a column is filled on at least this share of the table's rows
    max_rule_paths: int  # pages with more path objects than this (charts, maps) are not searched for tables
    table_close_gap_em: float  # cells set close: only a gap over this (wider than a word space) parts them


@functools.lru_cache(maxsize=1)
def layout_data() -> dict:
    return json.loads(DATA_PATH.read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def settings() -> LayoutSettings:
    """The defaults, validated (a typo or a wrong type in the JSON fails loudly at first use)."""
    return TypeAdapter(LayoutSettings).validate_python(layout_data()["settings"])


def patterns(key: str, flags: int = 0) -> list[re.Pattern]:
    return [re.compile(p, flags) for p in layout_data()[key]]
