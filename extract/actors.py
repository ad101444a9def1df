"""Who acts in a document: Member States, UN/ITU bodies, national authorities, companies, academia...

Three sources, in order of trust: the gazetteer EntityRuler (schemas/data), acronyms the document itself
defines ("... Information Protection (SSSICP)" makes every later "SSSICP" the same actor), and the statistical
model's ORG entities, kept only when they look like an organisation's name (a head word such as Ministry or
University) and not like a place, a currency, a month, a document symbol, an event or a title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, NamedTuple

from extract.dates import month_numbers
from extract.nlp import ACTOR_LABEL, alias_index, gazetteer, get_nlp, has_model
from extract.parallel import fork_map, text_chunks
from schemas.models import Actor, ActorMention, ActorType, Document
from schemas.rules import ActorFilters, load_rules

_QUOTES = "\"“”‘’«»'"
_POSSESSIVE = re.compile(r"[’']s$")
_ARTICLE = re.compile(r"^(?:the|The|THE)\s+")
# "(SSSICP)", "(UN)", "(WB3C)", "(P2C)": 2-12 chars, at least two capitals or a capital and a digit.
_ACRONYM_DEF = re.compile(r"\(\s*([A-Z][A-Za-z0-9&\-]{1,11})\s*\)")
_WORD = re.compile(r"[^\s]+")
_STOP_BEFORE = re.compile(r"[;:()\[\]“”\"]|\.\s")  # a long form does not reach back across these
# A run of two or more capitalised words, function words allowed between: the only shape of name the
# model can add past the filters (see _model_org_ok); the gazetteer rulers cover every known name.
_CAPITALISED_RUN = re.compile(r"[A-Z][\w’'&.-]*(?:\s+(?:(?:of|for|and|the|on|in|de|&)\s+)*[A-Z][\w’'&.-]*)+")


@dataclass(frozen=True)
class Definition:
    """An acronym defined in the text and what it stands for: `name` is None when it names no actor."""

    acronym: str
    long_form: str
    name: str | None
    type: ActorType


@lru_cache(maxsize=1)
def filters() -> dict[str, Any]:
    data = load_rules(ActorFilters)
    return {
        "places": {w.lower() for w in data.places},
        "generic": {w.lower() for w in data.generic},
        "months": {m.lower() for m in month_numbers()},
        "currency": set(data.currency_codes),
        "org_heads": {w.lower() for w in data.org_heads},
        "non_actor_heads": {w.lower() for w in data.non_actor_heads},
        "type_heads": {t: {w.lower() for w in ws} for t, ws in data.type_heads.items()},
        "national_context": {w.lower() for w in data.national_context},
    }


def _words(text: str) -> list[str]:
    return [w.strip(",.;:()’'\"“”").lower() for w in text.split()]


def guess_type(long_form: str, context: str = "") -> ActorType | None:
    """Actor type from a name's words, or None when the name is not an organisation (a report, an event)."""
    f = filters()
    words = _words(long_form)
    if any(w in f["non_actor_heads"] for w in words) or not any(w in f["org_heads"] for w in words):
        return None
    heads = f["type_heads"]
    tokens = long_form.replace("-", " ").split()
    if any(w in heads["un_body"] for w in tokens) or "united nations" in long_form.lower():
        return "un_body"
    named: tuple[ActorType, ...] = ("academia", "company", "initiative")
    for typ in named:
        if any(w in heads[typ] for w in words):
            return typ
    if any(w in heads["national_authority"] for w in words):
        always = {"ministry", "ministries", "cabinet", "parliament", "government", "regulator"}
        ctx = set(words) | set(_words(context))
        national = bool(ctx & f["national_context"]) or any(
            alias_index().get(w) and gazetteer()[alias_index()[w]]["type"] == "member_state" for w in ctx
        )
        return "national_authority" if (national or set(words) & always) else "other"
    return "other"


def _schwartz_hearst(short: str, candidate: str) -> str | None:
    """Shortest tail of `candidate` whose letters spell `short` in order, first letter at a word start."""
    s, c = len(short) - 1, len(candidate) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while c >= 0 and (
            candidate[c].lower() != ch or (s == 0 and c > 0 and candidate[c - 1].isalnum())
        ):
            c -= 1
        if c < 0:
            return None
        s -= 1
        c -= 1
    start = candidate.rfind(" ", 0, c + 1) + 1
    return candidate[start:].strip()


def find_definitions(text: str) -> list[Definition]:
    """Acronyms defined as "Long Form (ACR)"; the long form is resolved against the gazetteer first."""
    out: list[Definition] = []
    idx, gaz = alias_index(), gazetteer()
    for m in _ACRONYM_DEF.finditer(text):
        acr = m.group(1)
        if sum(ch.isupper() or ch.isdigit() for ch in acr) < 2:
            continue
        before = text[: m.start()].rstrip()
        stops = list(_STOP_BEFORE.finditer(before))
        if stops:
            before = before[stops[-1].end():]
        words = _WORD.findall(before)
        window = " ".join(words[-min(len(acr) + 5, len(acr) * 2):])
        long_form = _schwartz_hearst(acr, window)
        if not long_form:
            continue
        long_form = _ARTICLE.sub("", long_form).strip(" ,")
        if not long_form[:1].isupper() or len(long_form) <= len(acr):
            continue
        name = idx.get(long_form.lower())
        if not name and acr in _all_acronyms() and guess_type(long_form) is not None:
            name = idx[acr.lower()]  # a known acronym spelled out in other words: still that actor
        if name:
            out.append(Definition(acr, long_form, name, gaz[name]["type"]))
            continue
        typ = guess_type(long_form, text[max(0, m.start() - 300): m.end() + 300])
        out.append(Definition(acr, long_form, long_form if typ else None, typ or "other"))
    return out


@lru_cache(maxsize=1)
def _all_acronyms() -> frozenset[str]:
    return frozenset(a for e in gazetteer().values() for a in e["acronyms"])


def _clean_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a leading article, a trailing possessive and surrounding quotes/punctuation from a span."""
    span = text[start:end]
    m = _ARTICLE.match(span)
    if m:
        start += m.end()
    span = text[start:end]
    pm = _POSSESSIVE.search(span)
    if pm:
        end = start + pm.start()
    while end > start and text[end - 1] in _QUOTES + " ,.;:":
        end -= 1
    while start < end and text[start] in _QUOTES + " ":
        start += 1
    return start, end


def _model_org_ok(form: str, defs: dict[str, Definition]) -> ActorType | None:
    """The actor type for a model ORG that passes the filters, else None."""
    f = filters()
    low = form.lower()
    if not form or any(ch.isdigit() for ch in form) or any(q in form for q in _QUOTES[:-1] + "/\n"):
        return None
    if low in f["generic"] or low in f["places"] or low in f["months"] or form in f["currency"]:
        return None
    words = form.split()
    if len(words) < 2 or any(w.upper() in f["currency"] for w in words):
        return None
    function = {"of", "for", "and", "the", "on", "in", "de", "&"}
    if not all(w[:1].isupper() or w.lower() in function for w in words) or words[-1].lower() in function:
        return None
    if sum(w.lower() not in function for w in words) < 2:
        return None
    if any(d.long_form.lower() == low and d.name is None for d in defs.values()):
        return None
    return guess_type(form)


def _merge_of_state(ents: list[Any], i: int, text: str) -> int | None:
    """End of "Ministry of Energy of" + "Moldova": a model ORG cut short by a Member State the ruler took."""
    ent = ents[i]
    if ent.label_ != "ORG" or i + 1 >= len(ents) or not re.search(r"\b(?:of|of the)$", ent.text):
        return None
    nxt = ents[i + 1]
    if nxt.label_ != ACTOR_LABEL or gazetteer()[nxt.ent_id_]["type"] != "member_state":
        return None
    return nxt.end_char if not text[ent.end_char : nxt.start_char].strip() else None


def _mentions(ents: list[Any], text: str, defs: dict[str, Definition]) -> list[ActorMention]:
    """Mentions in one spaCy Doc of `text`: ruler and model entities, then defined acronyms and long forms."""
    gaz, idx = gazetteer(), alias_index()
    out: list[ActorMention] = []
    skip = -1
    for i, ent in enumerate(ents):
        if i == skip:
            continue
        merged_end = _merge_of_state(ents, i, text)
        if merged_end is not None:
            skip = i + 1
        start, end = _clean_span(text, ent.start_char, merged_end or ent.end_char)
        if ent.label_ == "ORG" and "(" in text[start:end]:  # "Agency (ABC" : the model ran into a definition
            start, end = _clean_span(text, start, text.index("(", start))
        form = text[start:end]
        if not form:
            continue
        if ent.label_ == ACTOR_LABEL:
            d = defs.get(form)
            if d is not None and d.name != ent.ent_id_:  # the document's own definition wins
                if d.name is None:
                    continue
                out.append(
                    ActorMention(start=start, end=end, text=form, name=d.name, type=d.type, source="acronym")
                )
                continue
            name = ent.ent_id_
            out.append(ActorMention(start=start, end=end, text=form, name=name, type=gaz[name]["type"]))
        elif ent.label_ in ("GPE", "NORP", "ORG"):
            name = idx.get(form.lower())
            if name and ent.label_ != "ORG" and gaz[name]["type"] != "member_state":
                name = None  # a place the model tagged that shares a company's name is not that company
            if name:
                typ = gaz[name]["type"]
                out.append(ActorMention(start=start, end=end, text=form, name=name, type=typ, source="model"))
            elif ent.label_ == "ORG" and form not in defs:
                typ = _model_org_ok(form, defs)
                if typ:
                    out.append(
                        ActorMention(start=start, end=end, text=form, name=form, type=typ, source="model")
                    )
    for d in defs.values():
        if d.name is None:
            continue
        pats = [re.escape(d.acronym)]
        if d.name not in gaz:
            pats.append(re.escape(d.long_form))
        for m in re.finditer(r"(?<![\w-])(?:" + "|".join(pats) + r")(?![\w-])", text):
            s, e = m.start(), m.end()
            # a defined long form absorbs what it contains ("... of Moldova"), but never cuts into a mention
            out = [x for x in out if not (s <= x.start and x.end <= e and (x.start, x.end) != (s, e))]
            if any(s < x.end and x.start < e for x in out):
                continue
            out.append(
                ActorMention(start=s, end=e, text=m.group(0), name=d.name, type=d.type, source="acronym")
            )
    out.sort(key=lambda x: x.start)
    return out


def _definition_map(texts: Iterable[str]) -> dict[str, Definition]:
    defs: dict[str, Definition] = {}
    for t in texts:
        for d in find_definitions(t):
            defs.setdefault(d.acronym, d)
    return defs


def find_actors(text: str, nlp: Any = None) -> list[ActorMention]:
    """Actor mentions in a plain string (library API); offsets are into `text`."""
    nlp = nlp or get_nlp()
    return _mentions(list(nlp(text).ents), text, _definition_map([text]))


def actors_in_document(doc: Document, use_model: bool = True, cores: int = 1) -> list[ActorMention]:
    """All actor mentions of a document, with block id and page; acronyms defined anywhere apply to all.
    `cores` > 1 splits the model's work over forked processes (the same mentions)."""
    blocks = [b for b in doc.blocks if b.text.strip()]
    texts = [b.text for b in blocks]
    defs = _definition_map(texts)
    out: list[ActorMention] = []
    chunks = text_chunks(texts, cores if use_model else 1)
    found = fork_map(partial(_plain_entities, use_model=use_model), chunks, cores)
    for block, ents in zip(blocks, [e for part in found for e in part], strict=True):
        for m in _mentions(ents, block.text, defs):
            out.append(m.model_copy(update={"doc_id": doc.id, "block_id": block.id, "page": block.page}))
    return out


_LETTER = re.compile(r"[^\W\d_]")


class _Entity(NamedTuple):
    """The parts of a spaCy entity Span that _mentions reads, with offsets into the block text."""

    label_: str
    start_char: int
    end_char: int
    text: str
    ent_id_: str


def _entities(texts: list[str], use_model: bool) -> list[list[Any]]:
    """Entities per text; the statistical model runs only on sentences where it could add a mention.

    The model is most of the cost of extraction (about 8x the rules). Its entities survive the filters
    only as a run of capitalised words that the gazetteer rulers did not already match, so every text is
    first run through the rules-only pipeline and only sentences with such a run go through the model
    (about half the text of a report, a third of the generated 300-page one). Measured: the same mentions
    as the model on whole blocks on the reference corpus and the samples; on a generated 40-page report six
    more (a title-case acronym the model tags only in a sentence of its own).
    """
    unique = list(dict.fromkeys(t for t in texts if _LETTER.search(t)))
    if len(unique) < len(texts):
        # Figures-only table cells ("12 438.3") name no actor, and a text repeated (table labels, "Total")
        # has the same entities each time: spaCy sees each distinct worded text once
        found = dict(zip(unique, _entities(unique, use_model), strict=True))
        return [list(found.get(t, ())) for t in texts]
    nlp = get_nlp(use_model)
    with_model = use_model and has_model(True)
    # The same pipeline without `ner` is the rules pass: no second pipeline to build at start-up.
    docs = list(nlp.pipe(texts, batch_size=64, disable=["ner"] if with_model else []))
    ents: list[list[Any]] = [list(d.ents) for d in docs]
    if not with_model:
        return ents
    todo = [(i, sent) for i, d in enumerate(docs) for sent in d.sents if _model_may_add(sent)]
    model_docs = nlp.pipe([sent.text for _, sent in todo], batch_size=64)
    for (i, sent), mdoc in zip(todo, model_docs, strict=True):
        lo, hi = sent.start_char, sent.end_char
        kept = [e for e in ents[i] if e.end_char <= lo or e.start_char >= hi]
        added = [
            _Entity(e.label_, e.start_char + lo, e.end_char + lo, e.text, e.ent_id_) for e in mdoc.ents
        ]
        ents[i] = sorted(kept + added, key=lambda e: e.start_char)
    return ents


def _plain_entities(texts: Sequence[str], use_model: bool) -> list[list[_Entity]]:
    """_entities as plain tuples, which cross a process boundary (spaCy Spans hold their whole Doc)."""
    return [
        [_Entity(e.label_, e.start_char, e.end_char, e.text, e.ent_id_) for e in ents]
        for ents in _entities(list(texts), use_model)
    ]


def _model_may_add(sent: Any) -> bool:
    """True when the model could add a mention that survives the filters in this sentence.

    The model respects the rulers' entities, so what it adds lies in the text between them. It survives only
    as (a) an ORG of two or more capitalised words (_model_org_ok), (b) an ORG ending in "of"/"of the" that
    runs into a Member State the ruler took (_merge_of_state: one free capitalised word is enough), or
    (c) a known alias in a form the rulers do not match (alias_index). Sentences with none of these shapes
    in their free text skip the model, which is most of the cost of extraction: on the budget section
    A/80/6 (Sect. 5) 259 sentences go to it instead of 533 (112 of them give a kept mention), with the same
    mentions on every reference and real document.
    """
    text, offset = sent.text, sent.start_char
    covered = [False] * len(text)
    for ent in sent.ents:
        covered[ent.start_char - offset : ent.end_char - offset] = [True] * (ent.end_char - ent.start_char)
    for run in _CAPITALISED_RUN.finditer(text):
        for w in _WORD.finditer(run.group()):
            start, end = run.start() + w.start(), run.start() + w.end()
            if w.group()[0].isupper() and not all(covered[start:end]):
                return _free_text_may_add(text, covered)
    return False


_FREE_MASK = "\x00"  # stands for text a ruler matched: no free-text shape reaches across it
_OF_BEFORE_MATCH = re.compile(r"[A-Z][\w’'&.-]*\s+of(?:\s+the)?\s*\x00")
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]|(?<=\d)[^\W\d_]")  # where a token (so a name) can begin


@lru_cache(maxsize=1)
def _model_cues() -> tuple[re.Pattern[str], dict[str, tuple[str, ...]]]:
    """The organisation head words as one case-insensitive regex, and the lower-cased known names (aliases,
    acronyms) by their first two characters."""
    heads = sorted(filters()["org_heads"], key=len, reverse=True)
    head_rx = re.compile(r"\b(?:" + "|".join(map(re.escape, heads)) + r")\b", re.IGNORECASE)
    names: dict[str, list[str]] = {}
    for key in alias_index():
        if key:
            names.setdefault(key[:2], []).append(key)
    return head_rx, {k: tuple(v) for k, v in names.items()}


def _free_text_may_add(text: str, covered: list[bool]) -> bool:
    """The shapes (a), (b), (c) of _model_may_add, looked for in `text` with the rulers' matches masked."""
    free = "".join(_FREE_MASK if c else ch for ch, c in zip(text, covered, strict=True))
    head_rx, names = _model_cues()
    if head_rx.search(free) or _OF_BEFORE_MATCH.search(free):
        return True
    low = free.lower() + " "
    for m in _WORD_START.finditer(low):
        i = m.start()
        for k in names.get(low[i : i + 2], ()) + names.get(low[i], ()):
            if not low.startswith(k, i):
                continue
            after = low[i + len(k)]  # a name ends at a token's end: "eu" is no cue in "europe"
            if not after.isalnum() or (k[-1].isdigit() and not after.isdigit()):
                return True
    return False


def fold_actors(mentions: Iterable[ActorMention]) -> list[Actor]:
    """One Actor per (document, canonical name): type, mention count, forms seen; most mentioned first."""
    folded: dict[tuple[str | None, str], Actor] = {}
    for m in mentions:
        key = (m.doc_id, m.name)
        a = folded.get(key)
        if a is None:
            a = folded[key] = Actor(doc_id=m.doc_id, name=m.name, type=m.type)
        a.mentions += 1
        if m.text not in a.aliases:
            a.aliases.append(m.text)
    for a in folded.values():
        a.aliases.sort()
    return sorted(folded.values(), key=lambda a: (a.doc_id or "", -a.mentions, a.name))
