"""Text normalisation shared by every parser, so the same paragraph reads the same from PDF, DOCX and TXT."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from schemas.rules import Common, load_rules

# Space-like characters Word and PDF producers put inside amounts ("CHF 346 000") and between words.
_SPACES = {
    "\u00a0": " ",  # no-break space
    "\u2007": " ",  # figure space
    "\u2009": " ",  # thin space
    "\u202f": " ",  # narrow no-break space
    "\u2002": " ",
    "\u2003": " ",
    "\u200a": " ",
    "\t": " ",
}
_DROP = {"\u00ad": "", "\u200b": "", "\ufeff": "", "\u200e": "", "\u200f": ""}
_HYPHENS = {"\u2011": "-", "\u2010": "-"}  # non-breaking hyphen and hyphen: plain hyphen-minus
_TABLE = str.maketrans({**_SPACES, **_DROP, **_HYPHENS})
_MULTI_SPACE = re.compile(r" {2,}")
# "2026-‑2036" as converters leave it: a hyphen doubled by a non-breaking one.
_DOUBLED_HYPHEN = re.compile(r"(?<=\w)--(?=\w)")


def normalize_text(text: str) -> str:
    """Fold space and hyphen variants and collapse runs of white space; keeps dashes (–, —) and quotes."""
    text = text.translate(_TABLE).replace("\r", " ").replace("\n", " ")
    text = _DOUBLED_HYPHEN.sub("-", text)
    return _MULTI_SPACE.sub(" ", text).strip()


def sentence_spans(text: str, at_semicolons: bool = False) -> list[tuple[int, int]]:
    """(start, end) of each sentence: the one rule splitter for text no spaCy parse was run on.

    No split after an abbreviation ("Mod.", "No.", "e.g.": common.json `abbreviations`), a single letter, or
    inside a number ("2.48"). `at_semicolons` also ends a span at ";" (a report's clauses of one sentence)."""
    return list(_spans(text, at_semicolons))


@lru_cache(maxsize=4096)
def _spans(text: str, at_semicolons: bool) -> tuple[tuple[int, int], ...]:
    """Cached: figures, their parse requests, dates and citations split the same block."""
    abbrevs = set(load_rules(Common).abbreviations)
    ends = "[.!?;]" if at_semicolons else "[.!?]"
    spans, start = [], 0
    for m in re.finditer(rf"{ends}[\"”’)]*\s+(?=[\"“(‘]?[A-Z0-9])", text):
        word = re.search(rf"([\w.]+){ends}[\"”’)]*$", text[start : m.start() + 1])
        if text[m.start()] != ";" and word and (word.group(1).lower() in abbrevs or len(word.group(1)) == 1):
            continue
        spans.append((start, m.start() + 1))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return tuple(s for s in spans if s[1] > s[0]) or ((0, len(text)),)


def start_guard(insensitive: Iterable[str] = (), sensitive: Iterable[str] = (), digits: bool = True) -> str:
    """A lookahead for the front of a large alternation, naming what its branches can start with: a digit,
    or the first (up to three) letters of one of the listed words. Python's `re` otherwise tries every
    branch at every position of the text; with the guard most positions fail on one test (the date scan
    ran 3x faster). The matches stay the same as long as every branch starts with a digit or a listed word
    (`insensitive` words under the same IGNORECASE folding as the branches that use them)."""

    def heads(words: Iterable[str]) -> list[str]:
        return sorted({w.split()[0][:3] for w in words if w.strip()}, key=len, reverse=True)

    alts = [r"\d"] if digits else []
    low = heads(insensitive)
    if low:
        alts.append("(?i:" + "|".join(re.escape(h) for h in low) + ")")
    alts += [re.escape(h) for h in heads(sensitive)]
    return "(?=" + "|".join(alts) + ")"
