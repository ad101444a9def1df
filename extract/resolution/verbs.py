"""The verb phrase and addressee that open a UN resolution paragraph, recognised by form, not by a lexicon.

An operative paragraph opens with a present-tense verb in the third person ("Reaffirms", "Also requests",
"Calls upon", "Decides to appropriate"); a preambular one with a participle or adjective ("Recalling",
"Noting with concern", "Deeply concerned", "Having considered"). Adverbs may come first. The words that may
precede or extend a verb are in schemas/data/clause_cues.json `un_layout`, validated when loaded; a new
resolution's verbs need no entry there.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from pydantic import BaseModel

from schemas import DATA_DIR


class UNLayoutCues(BaseModel):
    adverbs: list[str]
    trailing_adverbs: list[str]
    verb_particles: list[str]
    addressee_determiners: list[str]
    addressee_lower_heads: list[str]
    annex_line: str
    closing_line: str
    furniture: list[str]
    max_section_heading_words: int
    structure_labels: list[str]


@lru_cache(maxsize=1)
def layout_cues() -> UNLayoutCues:
    data = json.loads((DATA_DIR / "clause_cues.json").read_text(encoding="utf-8"))["un_layout"]
    return UNLayoutCues.model_validate({k: v for k, v in data.items() if not k.startswith("_")})


_WORD = re.compile(r"[A-Za-z][A-Za-z\-’']*")


def is_adverb(word: str) -> bool:
    low = word.lower()
    return (low.endswith("ly") and len(low) > 4) or low in layout_cues().adverbs


def looks_operative(word: str) -> bool:
    """A third-person present verb: "Requests", "Reaffirms", "Stresses"; not a participle or adjective."""
    low = word.lower()
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "ous", "ius"))


_FUNCTION_WORDS = {"the", "a", "an", "that", "its", "their", "of", "to", "all", "which", "regard", "respect"}


def _manner_word(word: str) -> bool:
    """A word of a manner phrase after "with": "with (deep) concern", "with appreciation"."""
    w = word.rstrip(",:;")
    return w.isalpha() and w.islower() and w not in _FUNCTION_WORDS and word == w


def verb_phrase(text: str) -> tuple[str, str]:
    """(verb phrase, rest of the text): leading adverbs, the head word, then "upon"/"note"/"in mind", a
    "with <noun>" manner phrase, trailing "also"/"further", and "to <verb>" right after an operative verb
    ("Decides to appropriate"); "Having" takes its participle ("Having considered")."""
    c = layout_cues()
    words = text.split()
    i = 0
    while i < len(words) - 1 and is_adverb(words[i].strip(",")) and not words[i].endswith(","):
        i += 1
    if i >= len(words):
        return "", text
    head = words[i].rstrip(",:;")
    j = i + 1
    if head.lower() == "having" and j < len(words):
        j += 1
    while j < len(words):
        w = words[j].lower().rstrip(",:;")
        two = " ".join(x.lower().rstrip(",:;") for x in words[j : j + 2])
        if words[j - 1].endswith(","):
            break
        if two in c.verb_particles:
            j += 2
        elif w in c.verb_particles or w in c.trailing_adverbs:
            j += 1
        elif w == "with" and j + 1 < len(words) and _manner_word(words[j + 1]):
            j += 2 if not (j + 2 < len(words) and _manner_word(words[j + 2])) else 3
        elif w == "to" and j == i + 1 and looks_operative(head) and j + 1 < len(words):
            nxt = words[j + 1].rstrip(",:;")
            j += 2 if nxt.isalpha() and nxt.islower() and nxt not in ("the", "a", "an", "all") else 0
            break
        else:
            break
    phrase = " ".join(words[:j]).rstrip(",:;")
    return phrase, " ".join(words[j:])


# "<addressee> to <verb>": "to" then a lowercase word that is not a determiner ("to the Treaty" is a place)
_DETERMINERS = "the|a|an|its|their|his|her|this|these|those|that|all"
_TO_VERB = re.compile(rf"^(.{{2,300}}?),?\s+to\s+(?!(?:{_DETERMINERS})\b)[a-z]")


def addressee(rest: str) -> str | None:
    """Who is asked to act: the noun phrase between the verb and "to <verb>" ("Requests the Secretary-General
    to submit" -> "the Secretary-General"; "Calls upon Member States to" -> "Member States"), when its head is
    capitalised or a known lowercase head ("the administering Power", "the international community"). A
    phrase set off by commas after it ("Member States, when appropriate, to") is left out."""
    c = layout_cues()
    words = rest.split()
    while words and is_adverb(words[0]):  # "Encourages once again States ... to"
        words = words[1:]
    rest = " ".join(words)
    m = _TO_VERB.match(rest)
    if not m:
        return None
    span = m.group(1).split(",")[0].strip()  # "all States, including ..., to": not the insertion
    if re.search(r"[;:.](?:\s|$)", span) or span.startswith("that ") or len(span.split()) > 25:
        return None
    words = span.split()
    k = 0
    while k < len(words) - 1 and words[k].lower() in c.addressee_determiners:
        k += 1
    head = words[k]
    if not (head[:1].isupper() or head in c.addressee_lower_heads):
        return None
    return span
