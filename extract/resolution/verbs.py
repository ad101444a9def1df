"""The verb phrase and addressee that open a UN resolution paragraph, recognised by form, not by a lexicon.

An operative paragraph opens with a present-tense verb in the third person ("Reaffirms", "Also requests",
"Calls upon", "Decides to appropriate"); a preambular one with a participle or adjective ("Recalling",
"Noting with concern", "Deeply concerned", "Having considered"). Adverbs may come first. The words that may
precede or extend a verb are in schemas/data/clause_cues.json `un_layout`, validated when loaded; a new
resolution's verbs need no entry there.
"""

from __future__ import annotations

import re

from schemas.rules import ClauseCues, UNLayoutCues, load_rules


def layout_cues() -> UNLayoutCues:
    return load_rules(ClauseCues).un_layout


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
    if head.lower() == "having":  # "Having (also) considered"
        while j < len(words) - 1 and is_adverb(words[j]):
            j += 1
        j += 1 if j < len(words) else 0
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
_TO_VERB = re.compile(rf"^(.{{2,500}}?),?\s+to\s+(?!(?:{_DETERMINERS})\b)[a-z]")


def addressee(rest: str, items_follow: bool = False) -> str | None:
    """Who is asked to act, from the words after the verb:
    - the noun phrase before "to <verb>": "Requests the Secretary-General to submit" -> "the
      Secretary-General", "Calls upon Member States, when appropriate, to" -> "Member States" (the
      insertion is left out);
    - the noun phrase before a colon that opens infinitive sub-items (`items_follow`): "Urges the Sample
      State: (a) To ...";
    - the subject of a "that" clause: "Requests that the Special Envoy participate" -> "the Special Envoy",
      unless a finite verb follows it ("notes that the Commission has been unable": a statement).
    The phrase must name someone (see `_names_actor`), not an action ("Encourages further efforts to ...")."""
    words = rest.split()
    while words and is_adverb(words[0]):  # "Encourages once again States ... to"
        words = words[1:]
    rest = " ".join(words)
    if rest.startswith("that "):
        m = _THAT_SUBJECT.match(rest)
        span = m.group(1).strip() if m else None
        while span and span.split()[-1] in ("of", "and", "the", "for", "on"):
            span = span.rsplit(" ", 1)[0]
        after = rest[len("that ") + len(span):].split()[:1] if span else []
        if after and after[0].lower() in layout_cues().statement_verbs:
            return None  # "notes that the Commission has been unable": a statement about it, no request
        return span if span and _names_actor(span) else None
    m = _TO_VERB.match(rest) or (re.match(r"^([^:;,]{2,150}):$", rest) if items_follow else None)
    if not m:
        return None
    span = m.group(1).split(",")[0].strip()
    if re.search(r"[;:.](?:\s|$)", span) or len(span.split()) > 25:
        return None
    return span if _names_actor(span) else None


_PREPOSITIONS = {
    "of", "between", "among", "into", "on", "in", "for", "with", "from", "by", "at", "within", "under",
    "that", "which", "who", "without", "through", "across", "towards", "to",
}
_NAME = r"[A-Z][\w\-’']*"
_THAT_SUBJECT = re.compile(rf"^that\s+((?:(?:the|all|its)\s+)?{_NAME}(?:\s+(?:of|and|the|for|on|{_NAME}))*)")
_ABSTRACT_ENDINGS = ("ss", "ness", "ment", "ments", "ance", "ances", "ence", "ences", "ity")


def _names_actor(span: str) -> bool:
    """A capitalised head ("the Secretary-General", "Member States"), a known lowercase head ("the
    administering Power"), or a plural agent noun ending the phrase before its first preposition ("all
    relevant stakeholders", "flag States without ..."), unless it is an abstract or action noun
    (`non_addressee_heads`, -ment, -ance, ...)."""
    c = layout_cues()
    words = span.split()
    k = 0
    while k < len(words) - 1 and words[k].lower() in c.addressee_determiners:
        k += 1
    head = words[k]
    if head[:1].isupper() or head in c.addressee_lower_heads:
        return True
    core = []
    for w in words[k:]:
        if w.lower() in _PREPOSITIONS:
            break
        core.append(w)
    if not core or len(core) > 6:
        return False
    if any(re.fullmatch(r"[A-Z][a-z][\w\-’']*", w) for w in core[1:]):  # "user States and States ..."
        return True
    first = words[0].lower()
    if first in ("its", "their", "his", "her", "this", "these", "those") or (
        first == "the" and (len(words) < 2 or words[1].lower() not in c.addressee_determiners)
    ):
        return False  # "its concern regarding reports", "the severe impacts": a thing, not who acts
    last = core[-1].lower()
    return last.endswith("s") and not last.endswith(_ABSTRACT_ENDINGS) and last not in c.non_addressee_heads
