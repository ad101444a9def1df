"""Plain-text parser: Word documents saved as .txt keep one paragraph per line but lose styles and numbering.

We recover what a reader of the Word original would see: bullets and list labels as `label`, numbered
headings ("1<TAB>Introduction") as sections that every following block inherits, and Word auto-numbering that
the converter flattened to a repeated "1." (see `renumber_repeats`).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from extract.errors import DocumentError
from extract.text import normalize_text
from schemas.models import Block, BlockKind, Document, Limits
from schemas.rules import Common, load_rules

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]", re.IGNORECASE)
# Bullet markers as converters write them; value = the label the reader sees.
_BULLET = re.compile(r"^\s*([–—\-·•▪◦])(?:\t|\s+)(?=\S)")
_BULLET_LABEL = {"–": "–", "—": "–", "-": "–", "·": "•", "•": "•", "▪": "•", "◦": "•"}
# "a) text", "(a) text", "1. text", "1) text", "iv) text": a list label then text.
_LABEL = re.compile(r"^\s*(\(?(?:\d{1,3}|[a-z]|[ivx]{1,5})\)|\d{1,3}\.)(?:\t|\s+)(?=\S)")
# "1<TAB>Introduction", "2.1 Sub title": section number, then a short title.
_HEADING = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\.?(\t|\s+)(\S.*)$")
_MAX_TITLE_WORDS = 12


@lru_cache(maxsize=1)
def _months() -> frozenset[str]:
    return frozenset(m.lower() for m in load_rules(Common).months)


def decode(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with BOM, else cp1252: old converters still write Windows code pages."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _heading(line: str) -> tuple[str, str] | None:
    """(number, title) when the line is a numbered heading; a list item "1. to monitor ..." is not one."""
    m = _HEADING.match(line)
    if not m:
        return None
    number, sep, title = m.group(1), m.group(2), normalize_text(m.group(3))
    if line.lstrip().startswith(number + "."):
        return None  # "1. text" is a list label
    words = title.split()
    if not title[:1].isupper() or len(words) > _MAX_TITLE_WORDS or title[-1] in ".;:,!?":
        return None
    if "\t" not in sep and (words[0].lower() in _months() or int(number.split(".")[0]) > 30):
        return None  # "2 March 2022 ..." or "2018 ITU ..." open a sentence, not a section
    return number, title


def _is_caps_title(text: str) -> bool:
    """Short all-capitals line ("RESOLUTION 1408", a report title): a heading in every ITU layout."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters) and len(text.split()) <= 20


def split_label(line: str) -> tuple[str, str] | None:
    """(label, text) when the line opens with a bullet or list label; bullets come back as "–" or "•"."""
    m = _BULLET.match(line)
    if m:
        return _BULLET_LABEL[m.group(1)], line[m.end() :]
    m = _LABEL.match(line)
    if m:
        return m.group(1), line[m.end() :]
    return None


def renumber_repeats(blocks: list[Block]) -> None:
    """Word auto-numbering flattened to "1." "1." "1.": a consecutive run of same-level numeric labels that
    all repeat one number is the sequence n, n+1, n+2 the reader of the original saw. Edits in place."""
    i = 0
    while i < len(blocks):
        m = _numeric(blocks[i])
        if m is None:
            i += 1
            continue
        j = i + 1
        while j < len(blocks) and blocks[j].level == blocks[i].level and _numeric(blocks[j]) is not None:
            j += 1
        run = blocks[i:j]
        keys = {_numeric(b) for b in run}
        if len(run) > 1 and len(keys) == 1:
            start, suffix = m
            for k, b in enumerate(run):
                b.label = f"{start + k}{suffix}"
        i = j


def _numeric(block: Block) -> tuple[int, str] | None:
    if block.kind != "list_item" or not block.label:
        return None
    m = re.fullmatch(r"(\d+)([.)])", block.label)
    return (int(m.group(1)), m.group(2)) if m else None


def parse_text(data: bytes, path: str, limits: Limits) -> Document:
    """One block per non-empty line, with list labels, section paths and recovered numbering; pages=None."""
    if len(data) > limits.max_file_bytes:
        raise DocumentError(
            f"file is {len(data)} bytes, over the limit of {limits.max_file_bytes}", code="too_large"
        )
    text = decode(data)
    if "\x00" in text:
        raise DocumentError("binary data in a text file (NUL bytes)", code="not_a_document")
    blocks: list[Block] = []
    path_stack: list[tuple[str, str]] = []  # (number, title) per heading level
    for raw in re.split(r"\r\n|\r|\n", text):
        line = _BOOKMARK.sub("", raw)
        if not normalize_text(line):
            continue
        bid = f"p{len(blocks) + 1:04d}"
        head = _heading(line)
        if head:
            number, title = head
            level = number.count(".") + 1
            path_stack = [p for p in path_stack if p[0].count(".") + 1 < level] + [(number, title)]
            # text as typed ("2 Monitoring and reporting"), bare title in section_title: as DOCX and PDF do
            blocks.append(
                Block(id=bid, kind="heading", text=normalize_text(line), level=level, **_section(path_stack))
            )
            continue
        body = normalize_text(line)
        labelled = split_label(line)
        kind: BlockKind
        if labelled:
            label, rest = labelled
            kind, body = "list_item", normalize_text(rest)
        elif _is_caps_title(body) and not blocks_have_body(blocks):
            blocks.append(Block(id=bid, kind="heading", text=body, level=1, **_section(path_stack)))
            continue
        else:
            label, kind = None, "paragraph"
        blocks.append(Block(id=bid, kind=kind, text=body, label=label, **_section(path_stack)))
    renumber_repeats(blocks)
    return Document(
        path=path, sha256=hashlib.sha256(data).hexdigest(), format="txt", pages=None, blocks=blocks
    )


def blocks_have_body(blocks: list[Block]) -> bool:
    """Capitals lines count as headings only in the front matter (before ten body blocks): later they are
    usually emphasis or table text."""
    return sum(b.kind != "heading" for b in blocks) >= 10


def _section(stack: list[tuple[str, str]]) -> dict:
    """The top-level section number and title ("4" under "4.1 ..."), nested path in section_path: the
    contract every parser shares."""
    if not stack:
        return {}
    number, title = stack[0]
    return {
        "section": number.split(".")[0],
        "section_title": title,
        "section_path": [part for pair in stack for part in pair],
    }
