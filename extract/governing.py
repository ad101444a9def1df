"""What governs an amount in its sentence: the verb and nouns it depends on, and the entity they are for.

"Decides to appropriate ... the amount of 1,355,899,200 dollars" is an appropriation because the amount hangs
from "appropriate" in the dependency tree, not because a cue word sits within a few words of it. The parser
is spaCy's English model (the tagger/parser/lemmatizer part; extract.nlp keeps the NER part for actors);
without a model the same answer is approximated from the words before the amount.

`governing(sentence, start, end)` returns the path from the amount up to the root as nodes, nearest first;
each node holds the lemmas of one head word and its modifiers (a verb also brings its object and subject),
and the phrases that name whom that head is for ("for the United Nations Mission in South Sudan").
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extract.nlp import dependency_parser
from extract.parallel import balanced, fork_map
from schemas.rules import ParallelSettings, load_rules

log = logging.getLogger(__name__)

_OWNER_PREPS = ("for", "of", "to")
_MODIFIERS = ("amod", "compound", "nmod", "acl", "advmod", "neg")
_ARGUMENTS = ("dobj", "nsubj", "nsubjpass", "attr", "pobj")
_NEUTRAL_VERBS = (
    "amount", "total", "be", "reach", "represent", "reflect", "stand", "come", "equal", "exceed", "comprise",
    "include", "consist", "relate",
)


@dataclass
class Node:
    """One head on the path from an amount to the root of its sentence."""

    lemmas: list[str]
    pos: str
    owners: list[str] = field(default_factory=list)  # noun phrases after for/of/to attached to this head
    neutral: bool = False  # "amounts to", "totals": says nothing of what the amount measures
    text: str = ""  # the head with its modifiers as written ("other staff costs")


def _parser() -> Any | None:
    """text -> Doc with tagger, parser and lemmatizer (the NER pipeline's model, not a second load), or None
    when no model is installed."""
    return dependency_parser()


def has_parser() -> bool:
    return _parser() is not None


_DOCS: dict[str, Any] = {}  # sentence -> parsed Doc, least recently used first
_NODES: dict[tuple[str, int, int], list[Node]] = {}  # (sentence, start, end) -> answer, from prepare()
_KEEP = 2048

Request = tuple[str, int, int]  # a sentence and an amount's span in it


def prepare(requests: Iterable[Request], cores: int = 1) -> None:
    """Answer in batches the `governing` questions figures are about to ask (nlp.pipe costs about half of
    one call per sentence). `cores` > 1 splits a large batch over forked processes; what crosses back is the
    answers, not the parsed Docs (serialising a Doc costs a third of parsing it)."""
    if _parser() is None:
        return
    _NODES.clear()  # answers are asked for once, window by window: keep only the current window's
    by_sentence: dict[str, list[tuple[int, int]]] = {}
    for sentence, start, end in requests:
        if sentence.strip():
            by_sentence.setdefault(sentence, []).append((start, end))
    todo = list(by_sentence.items())
    least = load_rules(ParallelSettings).min_chars_per_process
    chunks = balanced(todo, cores, lambda item: len(item[0]), least)
    for answers in fork_map(_answers, chunks, cores):
        _NODES.update(answers)


def _answers(items: Sequence[tuple[str, list[tuple[int, int]]]]) -> dict[Request, list[Node]]:
    parser = _parser()
    assert parser is not None
    out: dict[Request, list[Node]] = {}
    for (sentence, spans), doc in zip(items, parser.pipe([s for s, _ in items]), strict=True):
        for start, end in spans:
            out[(sentence, start, end)] = _governing_in(doc, start, end)
    return out


def possible_lemmas(sentence: str) -> frozenset[str]:
    """Every lemma the parse could give a word of `sentence`, whichever part of speech the tagger picks:
    each token's lower-cased text, the lemmatizer's forms under every part of speech it has rules for, and
    the lemmas the attribute ruler sets. A head's lemmas (`Node.lemmas`) are always among them, so a
    figure rule that needs a lemma absent from this set is decided without parsing (figures.py)."""
    parser = _parser()
    if parser is None:
        return frozenset()
    out = set(_ruler_lemmas())
    for tok in parser.nlp.make_doc(sentence):
        out |= _word_lemmas(tok)
    return frozenset(out)


@lru_cache(maxsize=1)
def _ruler_lemmas() -> frozenset[str]:
    """Lemmas the attribute ruler assigns outright (pronouns, "be", "would", ...)."""
    parser = _parser()
    assert parser is not None
    nlp = parser.nlp
    if "attribute_ruler" not in nlp.component_names:
        return frozenset()
    ruler: Any = nlp.get_pipe("attribute_ruler")
    return frozenset(p["attrs"]["LEMMA"].lower() for p in ruler.patterns if "LEMMA" in p["attrs"])


_UPOS = ("ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN", "PUNCT",
         "SCONJ", "SYM", "VERB", "X")
_WORD_LEMMAS: dict[str, frozenset[str]] = {}


@lru_cache(maxsize=1)
def _ruled_pos() -> tuple[str, ...]:
    """The parts of speech the rule lemmatizer has tables for (noun, verb, adj, adv, punct in the English
    model); under any other it returns the text (lower-cased, or as written for a proper noun)."""
    parser = _parser()
    assert parser is not None
    lemmatizer: Any = parser.nlp.get_pipe("lemmatizer")
    tables = [lemmatizer.lookups.get_table(t, {}) for t in ("lemma_index", "lemma_exc", "lemma_rules")]
    return tuple(p for p in _UPOS if any(t.get(p.lower()) for t in tables))


def _word_lemmas(tok: Any) -> frozenset[str]:
    """The lemmas the rule lemmatizer gives this token under each part of speech (it reads only the text,
    the part of speech and the morphology; a base-form morphology gives the lower-cased text)."""
    known = _WORD_LEMMAS.get(tok.text)
    if known is not None:
        return known
    out = {tok.lower_}
    parser = _parser()
    assert parser is not None
    if "lemmatizer" in parser.nlp.component_names:
        lemmatizer: Any = parser.nlp.get_pipe("lemmatizer")
        for pos in _ruled_pos():  # any other part of speech gives the text itself
            tok.pos_ = pos
            out |= {f.lower() for f in lemmatizer.rule_lemmatize(tok)}
        tok.pos_ = ""
    if len(_WORD_LEMMAS) > 200_000:
        _WORD_LEMMAS.clear()
    found = _WORD_LEMMAS[tok.text] = frozenset(out)
    return found


def _parse(sentence: str) -> Any:
    doc = _DOCS.pop(sentence, None)
    if doc is None:
        parser = _parser()
        assert parser is not None  # callers check has_parser() first
        doc = parser(sentence)
    _DOCS[sentence] = doc
    _trim()
    return doc


def _trim() -> None:
    while len(_DOCS) > _KEEP:
        del _DOCS[next(iter(_DOCS))]


def _phrase(tok: Any) -> str:
    """The noun phrase headed by `tok` as written, cut before a relative clause, comma or parenthesis."""
    toks = sorted((t for t in tok.subtree if t.dep_ not in ("relcl", "appos") or t.i == tok.i),
                  key=lambda t: t.i)
    first, last = toks[0], tok
    for t in toks:
        if t.i > tok.i and t.text in ("(", ",", ";"):
            break
        last = t if t.i >= last.i else last
    doc = tok.doc
    return doc.text[first.idx : last.idx + len(last.text)].strip()


def _owners_of(head: Any, amount_ids: set[int]) -> list[str]:
    out = []
    for child in head.children:
        if child.dep_ == "prep" and child.lower_ in _OWNER_PREPS:
            for obj in child.children:
                if obj.dep_ == "pobj" and obj.i not in amount_ids and obj.pos_ in ("PROPN", "NOUN"):
                    out.append(_phrase(obj))
                    # nested "the Special Account for the United Nations Mission ...": the inner one too
                    out.extend(_owners_of(obj, amount_ids))
        if child.dep_ == "poss" and child.pos_ == "PROPN":
            out.append(_phrase(child))
        if child.dep_ == "appos" and child.pos_ == "PROPN":
            out.append(_phrase(child))
    return out


def _node(tok: Any, amount_ids: set[int], with_args: bool) -> Node:
    lemmas = [tok.lemma_.lower()]
    lemmas += [c.lemma_.lower() for c in tok.children if c.dep_ in _MODIFIERS]
    owners = _owners_of(tok, amount_ids)
    # "resources amount to $X" is sometimes parsed as a noun compound: a root "amount" is the verb
    as_verb = tok.pos_ in ("VERB", "AUX") or (tok.dep_ == "ROOT" and tok.lemma_.lower() in _NEUTRAL_VERBS)
    neutral = as_verb and tok.lemma_.lower() in _NEUTRAL_VERBS
    args = _ARGUMENTS + (("compound",) if as_verb and tok.pos_ == "NOUN" else ())
    if with_args and as_verb:
        for c in tok.children:
            if c.dep_ in args and c.i not in amount_ids:
                lemmas.append(c.lemma_.lower())
                lemmas += [g.lemma_.lower() for g in c.children if g.dep_ in _MODIFIERS]
                owners += [o for o in _owners_of(c, amount_ids) if not o.endswith(("'s", "’s"))]
            if c.dep_ == "prep" and c.lower_ in ("into", "under"):  # "enter into commitments"
                lemmas += [g.lemma_.lower() for g in c.children if g.dep_ == "pobj" and g.i not in amount_ids]
    mods = sorted([tok, *(c for c in tok.children if c.dep_ in ("amod", "compound", "conj", "cc"))],
                  key=lambda t: t.i)
    return Node(lemmas, tok.pos_, owners, neutral, " ".join(t.text for t in mods).lower())


def governing(sentence: str, start: int, end: int) -> list[Node]:
    """Heads of the amount at sentence[start:end], nearest first; [] when no parser is installed."""
    if _parser() is None or not sentence.strip():
        return []
    known = _NODES.get((sentence, start, end))
    return known if known is not None else _governing_in(_parse(sentence), start, end)


def _governing_in(doc: Any, start: int, end: int) -> list[Node]:
    span = [t for t in doc if t.idx < end and t.idx + len(t.text) > start]
    if not span:
        return []
    ids = {t.i for t in span}
    top = next((t for t in span if t.head.i not in ids or t.head.i == t.i), span[0])
    out: list[Node] = []
    tok, seen = top, set()
    # the amount's own noun ("dollars") may carry "of X" ("1 million dollars of damage")
    out.append(Node([w.lower() for w in re.findall(r"[A-Za-z]+", tok.text)], tok.pos_, _owners_of(tok, ids)))
    while tok.head.i != tok.i and tok.i not in seen:
        seen.add(tok.i)
        tok = tok.head
        if tok.pos_ in ("ADP", "PART", "DET", "PUNCT", "CCONJ"):
            continue
        out.append(_node(tok, ids, with_args=True))
    return out
