"""The clause catalogue of a resolution: preambular and operative clauses with stable, readable ids.

ITU resolutions (Council, Plenipotentiary, Assemblies) share one layout: "RESOLUTION N", a title, the adopting
body ("The ITU Council,"), then phrases on a line of their own ("recalling", "resolves to instruct ...",
"invites Member States"), each followed by its items: lettered a), b) in the preamble, numbered 1., 2. in the
operative part, or one unnumbered paragraph. We read that layout from blocks only, so PDF, DOCX and TXT agree.
"""

from __future__ import annotations

import re
import string

from extract.classify import adopting_line, cues, resolution_heading
from extract.parse_text import split_label
from extract.text import normalize_text
from schemas.models import Block, Clause, Document

_STOP = re.compile(r"^(?:_{3,}|ANNEX\b|Annex\s+(?:to|\d|[A-Z]\b)|APPENDIX\b|ATTACHMENT\b)")
_MAX_PHRASE_WORDS = 12


def slug(phrase: str) -> str:
    """Id part for a phrase: lowercase; known addressees shortened or dropped by schemas/data/doc_cues.json
    `slug_replacements` ("the Secretary-General" -> "sg", "the Directors of the three Bureaux" -> dropped);
    articles dropped; words joined by "-", at most `slug_max_words` words. "resolves to instruct the Directors
    of the three Bureaux" -> "resolves-to-instruct"; "instructs the Secretary-General" -> "instructs-sg";
    "recalling further" -> "recalling-further"."""
    c = cues()
    text = " " + normalize_text(phrase).lower().rstrip(",:") + " "
    for old, new in c.slug_replacements:
        text = text.replace(" " + old + " ", " " + new + " " if new else " ")
    words = [w for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text) if w not in c.slug_drop_words]
    return "-".join(words[: c.slug_max_words])


def _first_verb(text: str) -> str:
    words = text.lower().split()
    while len(words) > 1 and words[0] in cues().phrase_prefixes:
        words = words[1:]
    return words[0].strip(",:") if words else ""


def is_phrase(block: Block) -> bool:
    """A phrase line: short, opens in lower case with a resolution verb or participle, no list label, no
    sentence end. Word sets it in italics; we cannot rely on styles across formats, so we read the words."""
    text = normalize_text(block.text).rstrip(",")
    if not text or block.label or split_label(text) or not text[0].islower():
        return False
    if len(text.split()) > _MAX_PHRASE_WORDS or text[-1] in ".;:!?":
        return False
    verb = _first_verb(text)
    c = cues()
    known = verb in c.operative_verbs or verb in c.preambular_words
    return known or (len(verb) > 4 and verb.endswith("ing"))


def is_operative(phrase: str) -> bool:
    return _first_verb(phrase) in cues().operative_verbs


def _label_of(block: Block) -> tuple[str | None, str]:
    """(label, text without label): the parser's label, else one still printed in the text (PDF)."""
    text = normalize_text(block.text)
    if block.label:
        return block.label, text
    found = split_label(text)
    return (found[0], normalize_text(found[1])) if found else (None, text)


def _label_type(label: str | None) -> str | None:
    if not label:
        return None
    core = label.strip("().")
    if core.isdigit():
        return "num"
    if len(core) == 1 and core.isalpha():
        return "alpha"
    return "bullet" if label in ("–", "•") else "alpha"


def _continues(prev: str, text: str) -> bool:
    """A paragraph split by a page or line break: the previous part stops on a bare word ("in favour of"), or
    lacks a sentence end while this part opens in lower case."""
    if not prev:
        return False
    return prev[-1].isalnum() or (prev[-1] not in ".;:!?" and text[:1].islower())


def _items(blocks: list[Block]) -> list[tuple[str | None, list[Block], list[str]]]:
    """Group a phrase's blocks into items: (label, blocks, texts). The first list-label kind seen (numbers or
    letters) opens items; other labels (sub-items, bullets) and plain paragraphs attach to the open item.
    Without labels, each paragraph is an item, except continuations of a paragraph split across pages."""
    parsed = [(b, *_label_of(b)) for b in blocks]
    primary = next((t for _, lab, _ in parsed if (t := _label_type(lab)) in ("num", "alpha")), None)
    items: list[tuple[str | None, list[Block], list[str]]] = []
    for b, label, text in parsed:
        kind = _label_type(label)
        opens = kind == primary if primary else not (items and _continues(items[-1][2][-1], text))
        if opens or not items:
            items.append((label if kind == primary else None, [b], [text]))
        else:
            items[-1][1].append(b)
            items[-1][2].append(f"{label} {text}" if label and kind != primary else text)
    return items


def _numbers(labels: list[str | None], operative: bool) -> list[str | None]:
    """Numbers as printed ("1." -> "1", "b)" -> "b"); by order when missing or repeated; none for one
    unlabelled paragraph."""
    cores = [lab.strip("().") if lab else None for lab in labels]
    if all(cores) and len(set(cores)) == len(cores):
        return cores
    if len(labels) == 1:
        return [None]
    if operative or (cores[0] and cores[0].isdigit()):
        return [str(i + 1) for i in range(len(labels))]
    return [string.ascii_lowercase[i % 26] * (1 + i // 26) for i in range(len(labels))]


def parse_clauses(doc: Document) -> list[Clause]:
    """Clauses of a resolution document, in order; [] when `doc` is not a resolution."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    head = resolution_heading(blocks)
    number = doc.resolution or (head[1] if head else None)
    if not number or (doc.kind not in ("resolution", "other") and not head):
        return []
    start = head[0] + 1 if head else 0
    adopts = adopting_line()
    adopting = (i + 1 for i in range(start, len(blocks)) if adopts.match(normalize_text(blocks[i].text)))
    body = next(adopting, None)
    if body is None:  # no adopting body line: clauses begin at the first phrase
        body = next((i for i in range(start, len(blocks)) if is_phrase(blocks[i])), len(blocks))
    sections: list[tuple[Block, list[Block]]] = []
    prev = ""
    for b in blocks[body:]:
        text = normalize_text(b.text)
        if _STOP.match(text):
            break
        if is_phrase(b) and not (sections and sections[-1][1] and prev[-1:].isalnum()):  # not mid-sentence
            sections.append((b, []))
        elif sections:
            sections[-1][1].append(b)
        prev = text
    clauses: list[Clause] = []
    used: dict[str, int] = {}
    for phrase_block, members in sections:
        phrase = normalize_text(phrase_block.text).rstrip(",")
        items = _items(members)
        if not items:
            continue
        base = slug(phrase)
        used[base] = used.get(base, 0) + 1
        sid = base if used[base] == 1 else f"{base}-{used[base]}"
        operative = is_operative(phrase)
        numbers = _numbers([i[0] for i in items], operative)
        for (_, item_blocks, texts), num in zip(items, numbers, strict=True):
            clauses.append(
                Clause(
                    id=f"{number}/{sid}" + (f"/{num}" if num else ""),
                    resolution=number,
                    kind="operative" if operative else "preambular",
                    verb=phrase,
                    number=num,
                    text=" ".join(texts),
                    block_ids=[b.id for b in item_blocks],
                    page=item_blocks[0].page,
                )
            )
    return clauses
