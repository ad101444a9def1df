"""Monetary figures of a document with what they measure, whose money it is, and when.

A sentence often holds several amounts ("CHF 346 000 since 2022, including CHF 85 000 from the ITU budget,
CHF 191 000 in ..."), so each amount gets its own *clause*: the words between it and its neighbours, cut
at the first comma, semicolon, closing parenthesis or "and" (trailing words belong to the amount before,
leading words to the amount after). Cue words in that clause decide the metric, with the rest of the
sentence and of the block (plus a list's lead-in paragraph) as weaker evidence. Cue data:
schemas/data/metric_cues.json.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial

from extract.actors import actors_in_document
from extract.classify import is_budget_document
from extract.dates import dates_in
from extract.governing import Node, Request, governing, has_parser, possible_lemmas, prepare
from extract.money import money_in
from extract.nlp import alias_index
from extract.parallel import balanced, fork_map
from extract.text import sentence_spans
from schemas.models import ActorMention, Block, DateMention, Document, Figure, Metric, MoneyMention, Period
from schemas.rules import BudgetKind, BudgetKinds, MetricCues, ParallelSettings, load_rules

_LOCAL, _SENTENCE, _BLOCK = 1.0, 0.4, 0.15
_PARTS_BONUS = 5.0


def cues() -> MetricCues:
    return load_rules(MetricCues)


@lru_cache(maxsize=1)
def _cue_res() -> list[tuple[Metric, str | None, re.Pattern[str], float]]:
    """(metric, lower-cased cue for a substring pre-test (None: not ASCII, always run the regex), pattern,
    weight), in the data's order, built once."""
    return [
        (metric, c.lower() if c.isascii() else None, re.compile(rf"(?<![\w-]){re.escape(c)}", re.I), w)
        for metric, words in cues().metrics.items()
        for c, w in words.items()
    ]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a block (the shared splitter, extract/text.py)."""
    return sentence_spans(text)


def _score(text: str, weight: float, into: dict[Metric, float]) -> None:
    for metric, s in _cue_scores(text):
        into[metric] = into.get(metric, 0.0) + weight * s


@lru_cache(maxsize=4096)
def _cue_scores(text: str) -> tuple[tuple[Metric, float], ...]:
    """Cue weight per metric in `text`. Cached: a block's text and its sentences are scored once per
    figure they hold; a substring test skips the regex for cues absent from the text (most of them)."""
    low = text.lower()
    out: dict[Metric, float] = {}
    for metric, cue, pat, w in _cue_res():
        if cue is not None and cue not in low:
            continue
        n = len(pat.findall(text))
        if n:
            out[metric] = out.get(metric, 0.0) + w * min(n, 2)
    return tuple(out.items())


@dataclass
class _Clause:
    lead: str  # words before the amount, back to the previous amount's split point or the sentence start
    trail: str  # words after it, up to the next amount's split point or the sentence end
    lead_start: int
    trail_end: int
    gap_after: str  # the whole text up to the next amount in the sentence ("" when last)


@lru_cache(maxsize=1)
def _split_re() -> re.Pattern[str]:
    """Where an amount's clause ends: , ; ) or a `clause_split_words` word."""
    words = "|".join(re.escape(w) for w in cues().clause_split_words)
    return re.compile(rf"[,;)]|\s(?:{words})\s")


def _clauses(text: str, ms: Sequence[MoneyMention], sent: list[tuple[int, int]]) -> list[_Clause]:
    def sentence_of(pos: int) -> tuple[int, int]:
        return next((s for s in sent if s[0] <= pos < s[1] + 1), (0, len(text)))

    cuts: list[int] = []  # split point between amount i and i+1 (same sentence), else -1
    for a, b in zip(ms, ms[1:], strict=False):
        if sentence_of(a.start) != sentence_of(b.start):
            cuts.append(-1)
            continue
        gap = text[a.end : b.start]
        m = _split_re().search(gap)
        cuts.append(a.end + (m.start() if m else len(gap)))
    out = []
    for i, mm in enumerate(ms):
        s0, s1 = sentence_of(mm.start)
        lo = cuts[i - 1] if i > 0 and cuts[i - 1] >= 0 else s0
        hi = cuts[i] if i < len(cuts) and cuts[i] >= 0 else s1
        gap_after = text[mm.end : ms[i + 1].start] if i < len(cuts) and cuts[i] >= 0 else ""
        out.append(_Clause(text[lo : mm.start], text[mm.end : hi], lo, hi, gap_after))
    return out


def _metric(cl: _Clause, sentence: str, context: str, is_total: bool, budget: bool = False) -> Metric:
    scores: dict[Metric, float] = {}
    local = cl.lead + " " + cl.trail
    if budget:  # budget lines ("grants and contributions") name where money goes, not what it measures
        local, sentence, context = (_strip_object_classes(t) for t in (local, sentence, context))
    _score(local, _LOCAL, scores)
    _score(sentence, _SENTENCE, scores)
    _score(context, _BLOCK, scores)
    if budget:  # damage/needs cues of assessments count in a budget only in the amount's own clause
        own = dict(_cue_scores(local))
        for m in details().assessment_metrics:
            if m in scores and m not in own:
                scores.pop(m)
    if is_total:
        scores["total"] = scores.get("total", 0.0) + _PARTS_BONUS
    scores.pop("other", None)
    best = max(scores.items(), key=lambda kv: kv[1], default=("other", 0.0))
    return best[0] if best[1] >= 0.5 else "other"


def details() -> BudgetKinds:
    return load_rules(BudgetKinds)


@lru_cache(maxsize=1)
def _object_class_re() -> re.Pattern[str]:
    alt = "|".join(re.escape(w) for w in sorted(details().object_classes, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.IGNORECASE)


def _strip_object_classes(text: str) -> str:
    return _object_class_re().sub(" ", text)


def _detail_of_node(node: Node) -> BudgetKind | None:
    """A neutral head ("amount to", "the amount of") says nothing itself; a neutral verb's subject and
    object still do ("extrabudgetary resources amount to $19,995,000")."""
    if node.lemmas[0] in details().neutral_nouns and not node.neutral:
        return None
    have = set(node.lemmas[1:] if node.neutral else node.lemmas)
    for det in details().details:
        for lem in det.lemmas:
            if all(w in have for w in lem.split()):
                return det
    return None


def _own_noun_detail(nodes: list[Node]) -> BudgetKind | None:
    """The detail of the noun the amount directly completes ("pledges of X", "a decrease of X")."""
    if len(nodes) > 1 and nodes[1].pos == "NOUN" and not nodes[1].neutral:
        return _detail_of_node(nodes[1])
    return None


def _detail(nodes: list[Node], lead: str, budget: bool = False) -> BudgetKind | None:
    """The detail of the nearest head that has one; without a parse, of the nearest cue word before it.
    In a budget, a budget line ("other staff costs ($240,000)") is passed over for what governs it
    ("increase of $250,000 under other staff costs ($240,000) ...")."""
    for node in nodes[1:]:
        if budget and node.text and _object_class_re().search(node.text):
            continue
        det = _detail_of_node(node)
        if det is not None:
            return det
    words = _WORD.findall((_strip_object_classes(lead) if budget else lead).lower())[::-1]
    for word in words:
        det = _word_detail(word)
        if det is not None:
            return det
    return None


_WORD = re.compile(r"[a-z][a-z-]*")


@lru_cache(maxsize=8192)
def _word_detail(word: str) -> BudgetKind | None:
    """The first detail one of whose one-word lemmas is `word` or (5 letters or more) its stem; cached per
    word, as the same words recur in every clause."""
    if word in details().neutral_nouns:
        return None
    for det in details().details:
        if any(" " not in lem and (word == lem or (len(lem) >= 5 and word.startswith(lem[:-1])))
               for lem in det.lemmas):
            return det
    return None


def _clean_owner(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase).strip(" ,;:.")
    return _determiner_re().sub("", phrase)


@lru_cache(maxsize=1)
def _determiner_re() -> re.Pattern[str]:
    dets = "|".join(re.escape(w) for w in cues().owner_determiners)
    return re.compile(rf"^(?:{dets})\s+", re.IGNORECASE)


def _parsed_owners(nodes: list[Node], non_owners: set[str]) -> tuple[list[str], str | None]:
    """Whom the governing heads are for: "the budget for the Executive Office of the Secretary-General",
    "appropriate to the Special Account for the United Nations Mission in South Sudan". A proper name only;
    an account is passed over for the entity it is for."""
    d = details()
    containers = tuple(d.owner_containers)
    generic = set(d.generic_owners)
    idx = alias_index()
    for node in nodes:
        for phrase in node.owners:
            name = _clean_owner(phrase)
            low = name.lower()
            if not name or low in generic or not _proper_name(name):
                continue
            if low.startswith(containers):
                continue
            if len(name.split()) > 12:
                continue
            canon = idx.get(low, name)
            if canon in non_owners:
                continue
            return [canon], name
        if node.pos in ("VERB", "AUX") and not node.neutral:
            break  # owners beyond the governing verb belong to another clause
    return [], None




def _proper_name(name: str) -> bool:
    """ "Executive Office of the Secretary-General", "United Nations Mission in South Sudan": capitalised
    words joined by of/for/in/and; no digits, no possessive, not a common-noun phrase."""
    if re.search(r"\d|['’]s\b|[():;]", name):
        return False
    words = name.replace("-", " ").split()
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in cues().name_links for w in words)


def section_entity(heading: str) -> str | None:
    """ "II. United Nations Truce Supervision Organization" -> the entity a budget part is about."""
    m = re.match(r"^\s*[IVXLC]+[.)]?\s+(.+)$", heading)  # a numbered part: "II. United Nations ..."
    name = m.group(1).strip() if m else ""
    if not _proper_name(name) or not 2 <= len(name.split()) <= 12:
        return None
    heads = details().entity_heads
    if not any(re.search(rf"\b{re.escape(h)}\b", name) for h in heads):
        return None
    return alias_index().get(name.lower(), name)


def responsible_entity(text: str) -> str | None:
    """ "The Office for Outer Space Affairs is responsible for ...": the entity a budget section is about
    (the mandate paragraph every UN programme budget section opens with)."""
    m = re.search(details().responsible_entity, text)
    if not m:
        return None
    name = m.group(1).strip()
    if len(name.split()) < 3 or not _proper_name(name):
        return None
    idx = alias_index()
    return idx.get(name.lower()) or idx.get(re.sub(r"^Office of (?:the )?", "", name).lower()) or name


def _block_owner(text: str, m: MoneyMention, acts: list[ActorMention]) -> list[str]:
    """The initiative a list item is about owns an amount nothing in its sentence claims."""
    types = set(details().block_owner_types)
    before = [a for a in acts if a.end <= m.start and a.type in types]
    return [before[-1].name] if before else []


def _word_number(word: str) -> int | None:
    from extract.money import _decimal

    if word.isdigit():
        return int(word)
    d = _decimal(word)
    return int(d) if d is not None and d == int(d) and d > 0 else None


def _time(
    local: str, sentence: str, dates: list[DateMention], s0: int, s1: int, lo: int, hi: int,
    reference: str | None, cumulative: bool,
) -> tuple[str | None, Period | None, str | None, list[int]]:
    """(recurrence, period, period_kind, years covered) of an amount from its clause and sentence.

    Recurring ("CHF 85 000 ... annually" since 2022): every year from the start to the document's year.
    Cumulative ("since 2022", "to date"): the period from the start to the document's date. Duration ("over
    the next three years"): from the event's date (a date before it in the sentence, else the document's).
    A fiscal period ("2025/26") or a stated interval in the clause, else the only one of the sentence."""
    d = details()
    low = local.lower()
    ref_year = int(reference[:4]) if reference and reference[:4].isdigit() else None
    since = next((x for x in dates if x.kind == "since" and _in(x, s0, s1)), None)
    annual = any(w in low and pat.search(low) for w, pat in _words_re(tuple(d.recurrence["annual"]), "-"))
    if annual:
        start = int(since.value[:4]) if since else None
        years = list(range(start, ref_year + 1)) if start and ref_year and start <= ref_year else []
        period = Period(start=since.value, end=reference) if since and reference else None
        return "annual", period, "recurring" if period else None, years
    periods = [x for x in dates if x.kind in ("interval", "fiscal_period") and _in(x, s0, s1)]
    own = [x for x in periods if _in(x, lo, hi)]
    pick = own[0] if own else (periods[0] if len(periods) == 1 else None)
    if pick is not None:
        a, b = pick.value.split("/")
        return None, Period(start=a, end=b), "fiscal" if pick.kind == "fiscal_period" else "stated", []
    dur = re.search(d.duration, local, re.IGNORECASE)
    if dur:
        n = _word_number(dur.group("n") or dur.group("n2") or "")
        pos = s0 + sentence.find(dur.group(0)) if dur.group(0) in sentence else s1
        event = [x for x in dates if x.end <= pos and _in(x, s0, s1) and x.kind in ("date", "month", "year")]
        begin = event[-1].value if event else reference
        if n and begin and begin[:4].isdigit():
            end = f"{int(begin[:4]) + n:04d}{begin[4:]}"
            return None, Period(start=begin, end=end), "duration", []
    if cumulative and since and reference:
        return None, Period(start=since.value, end=reference), "cumulative", []
    if cumulative and reference and re.search(r"to date|so far|thus far|up to now", low):
        return None, Period(start="", end=reference), "cumulative", []
    return None, None, None, []


@lru_cache(maxsize=1)
def _compared_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in cues().comparison_words)
    return re.compile(rf"(?:{words})\s[^,;]*$", re.IGNORECASE)


def _years(
    text: str, dates: list[DateMention], lo: int, hi: int, s0: int, s1: int, budget: bool = False
) -> list[int]:
    """Years stated with the amount (its parenthesis or clause), leaving out the year it is compared with
    ("increase of $250,000 compared with the approved budget for 2025"); when only that is left, the
    sentence's own year ("resources proposed for 2026 ... an increase of $250,000 compared with ... 2025")."""
    kinds = ("year", "year_list", "since")

    def own(a: int, b: int) -> tuple[set[int], set[int]]:
        keep: set[int] = set()
        compared: set[int] = set()
        for d in dates:
            if d.kind in kinds and _in(d, a, b):
                (compared if _compared_re().search(text[max(a, d.start - 60) : d.start]) else keep).add(
                    int(d.value[:4]))
        return keep, compared

    keep, compared = own(lo, hi)
    if not keep and budget:  # "for 2026" stated once for every amount of the sentence
        keep = {int(d.value[:4]) for d in dates if d.kind == "year" and _in(d, s0, s1)
                and re.search(r"\bfor\s+(?:the\s+year\s+)?$", text[max(s0, d.start - 20) : d.start])}
        keep = keep if len(keep) == 1 else set()
    if not keep and compared:
        keep, _ = own(s0, s1)  # the clause held just the comparison year: the sentence's own
    return sorted(keep)


def _has_parts_marker(gap: str) -> bool:
    """ "X, including A, B and C" / "X is comprised of (i) A": the marker leads straight to the next amount
    ("... travel of 25 experts, including the Chair, ...; (ii) $54,200" is no breakdown of the first)."""
    low = gap.lower()
    for w, pat in _words_re(tuple(cues().parts_markers)):
        if w not in low:
            continue
        for m in pat.finditer(low):
            rest = low[m.end() :]
            if len(rest) <= 40 and not re.search(r"[,;]", rest.strip(" :,")):
                return True
    return False


def _any_word(text: str, words: list[str]) -> bool:
    return any(w in text and pat.search(text) for w, pat in _words_re(tuple(words)))


@lru_cache(maxsize=64)
def _words_re(words: tuple[str, ...], joiners: str = "") -> list[tuple[str, re.Pattern[str]]]:
    """Each word with its whole-word pattern (no word character, nor one of `joiners`, on either side),
    compiled once per word list; the word itself serves as a cheap substring pre-test."""
    edge = rf"[\w{re.escape(joiners)}]" if joiners else r"\w"
    return [(w, re.compile(rf"(?<!{edge}){re.escape(w)}(?!{edge})")) for w in words]


def _paren(text: str, m: MoneyMention) -> tuple[int, int] | None:
    """Span of the parenthesis enclosing the amount, if any."""
    open_at = text.rfind("(", 0, m.start)
    if open_at < 0 or ")" in text[open_at : m.start]:
        return None
    close_at = text.find(")", m.end)
    return open_at, close_at + 1 if close_at >= 0 else len(text)


def _owners(text: str, m: MoneyMention, cl: _Clause, acts: list[ActorMention], metric: str) -> list[str]:
    """Whose money: the actor just before the amount's parenthesis ("Japan (CHF 100 000; 2022)"), a
    possessive right before it ("Japan's contribution of CHF 100 000"), the actor after "by"/"from" (not
    "implemented by"), or the coordinated subjects of a giving verb ("A, B and C have signed ...")."""
    c = cues()
    non_owners = set() if metric == "budget" else set(c.non_owners)

    def keep(names: list[str]) -> list[str]:
        seen: list[str] = []
        for n in names:
            if n not in non_owners and n not in seen:
                seen.append(n)
        return seen

    par = _paren(text, m)
    if par:
        for a in acts:
            if a.end <= par[0] and re.fullmatch(r"\s*", text[a.end : par[0]]):
                return keep([a.name])
    after_prep, after_doer, before_verb = _owner_res()
    lo, hi = cl.lead_start, cl.trail_end
    for a in acts:
        if lo <= a.start and a.end <= m.start and re.fullmatch(
            r"[’']s\s+(?:[\w-]+\s+){0,4}", text[a.end : m.start]
        ):
            names = keep([a.name])
            if names:
                return names
    for a in acts:
        before = text[max(lo, a.start - 30) : a.start]
        if lo <= a.start and a.end <= hi and after_prep.search(before) and not after_doer.search(before):
            names = keep([a.name])
            if names:
                return names
    in_lead = [a for a in acts if lo <= a.start and a.end <= m.start]
    for a_idx in range(len(in_lead) - 1, -1, -1):
        a = in_lead[a_idx]
        if not before_verb.match(text[a.end : m.start]):
            continue
        group = [a]
        for b in reversed(in_lead[:a_idx]):
            # "A, B and C": the join next to the verb's subject is "and"; "Under X, C pledged" is no list
            join = r"\s*(?:,|,?\s*and|,?\s*&)\s*" if len(group) > 1 else r",?\s*(?:and|&)\s*"
            if re.fullmatch(rf"{join}(?:the\s+)?", text[b.end : group[-1].start]):
                group.append(b)
            else:
                break
        names = keep([g.name for g in reversed(group)])
        if names:
            return names
    return []


@lru_cache(maxsize=1)
def _owner_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """(an owner preposition ending the text, an implementer's "by" ending it, a giving verb starting it)."""
    c = cues()
    preps = "|".join(c.owner_preps)
    doers = "|".join(re.escape(v) for v in c.implementer_verbs)
    verbs = "|".join(re.escape(v) for v in c.owner_verbs)
    return (
        re.compile(rf"(?<!\w)(?:{preps})\s+(?:the\s+)?$", re.IGNORECASE),
        re.compile(rf"(?<!\w)(?:{doers})\s+by\s+(?:the\s+)?$", re.IGNORECASE),
        re.compile(rf"\s+(?:\w+\s+){{0,2}}?(?:{verbs})(?!\w)"),
    )


def _subject(block: Block, sentence: str, metric: str, in_paren: bool) -> str | None:
    """A list item's project title (its amount in parentheses or a requirement), else the sector the
    sentence is about; short."""
    if (block.kind == "list_item" or block.label) and (in_paren or metric == "requirement"):
        # a comma between digits is a thousands separator ("$233,600"), not the end of the title
        head = re.split(r"(?<!\d),|,(?!\d)|\(|;|:|\s[–—-]\s|\sincluding\s", block.text, maxsplit=1)[0].strip()
        words = head.split()
        if 0 < len(words) <= 12:
            return head
    m = re.search(cues().sector_subject, sentence, re.IGNORECASE)
    if m and len(m.group(1).split()) > 1:
        return re.sub(r"\s+", " ", m.group(1)).strip()
    return None


def _lead_in(doc: Document, idx: int) -> str:
    """The paragraph that introduces a list ("... includes the following:"), for list items."""
    for b in reversed(doc.blocks[:idx]):
        if b.kind != "list_item" and not b.label:
            return b.text
    return ""


def _in(d: DateMention, lo: int, hi: int) -> bool:
    return lo <= d.start and d.end <= hi


def figures_in_block(
    doc: Document, idx: int, acts: list[ActorMention], reference: str | None = None,
    budget: bool | None = None, parse: bool = True, to_parse: set[tuple[int, int]] | None = None,
) -> list[Figure]:
    """Figures of one block; parts_of is relative to this block's list (figures_in_document shifts it).
    `to_parse`: the sentences (spans) whose parse can change a figure (None: worked out here)."""
    if budget is None:
        budget = is_budget_document(doc)
    if parse and to_parse is None:
        to_parse = sentences_to_parse(doc, idx, acts, budget) if has_parser() else set()
    block = doc.blocks[idx]
    text = block.text
    ms = money_in(text)  # shared, read-only (as are the dates below)
    if not ms:
        return []
    sent = sentence_spans(text)
    cls = _clauses(text, ms, sent)
    dates = list(dates_in(text, reference))
    context = text + " " + (_lead_in(doc, idx) if block.kind == "list_item" or block.label else "")
    c = cues()
    out: list[Figure] = []
    total_at: int | None = None
    own_total: Metric | None = None
    total_sentence: tuple[int, int] | None = None
    for mm, cl in zip(ms, cls, strict=True):
        s0, s1 = next((s for s in sent if s[0] <= mm.start < s[1] + 1), (0, len(text)))
        sentence = text[s0:s1]
        is_total = _has_parts_marker(cl.gap_after)
        metric = _metric(cl, sentence, context, is_total, budget)
        parsed = parse and (s0, s1) in (to_parse or ())
        nodes = governing(sentence, mm.start - s0, mm.end - s0) if parsed else []
        det = _detail(nodes, cl.lead, budget)
        own = _own_noun_detail(nodes)
        if det is not None and det.metric and metric != "in-kind":
            # in a budget the governing words decide; elsewhere only the amount's own noun ("the pledges
            # of 792 million dollars" for a fund named "Loss and Damage" are pledges, not damage)
            if (budget and not is_total) or (own is det and not budget):
                metric = det.metric
        if (not is_total and total_at is not None and total_sentence == (s0, s1) and own is None
                and own_total is not None):
            metric = own_total  # a part of "the pledges of X, including Y" is a pledge too
        local = (cl.lead + " " + cl.trail).lower()
        sent_low = sentence.lower()
        cumulative = _any_word(local, c.cumulative) and not _any_word(sent_low, c.not_cumulative)
        par = _paren(text, mm)
        # years stated with the amount: inside its parenthesis, else in its own clause ("CHF 5 000 in 2022")
        lo, hi = par or (cl.lead_start, cl.trail_end)
        years = _years(text, dates, lo, hi, s0, s1, budget)
        as_of = next((d.value for d in dates if d.kind == "as_of" and _in(d, s0, s1)), None)
        recurrence, period, period_kind, covered = _time(
            cl.lead + " " + cl.trail, sentence, dates, s0, s1, cl.lead_start, cl.trail_end, reference,
            cumulative,
        )
        if covered:
            years = sorted(set(years) | set(covered))
        owners = _owners(text, mm, cl, acts, metric)
        owner_text = None
        if not owners:
            non_owners = set() if metric == "budget" else set(c.non_owners)
            owners, owner_text = _parsed_owners(nodes, non_owners)
        if not owners and metric in ("pledge", "contribution"):
            owners = _block_owner(text, mm, acts)
        fig = Figure(
            **mm.model_dump(),
            doc_id=doc.id,
            metric=metric,
            actors=owners,
            as_of=as_of,
            period=period,
            years=years,
            subject=_subject(block, sentence, metric, par is not None),
            chapter=block.chapter,
            page=block.page,
            block_id=block.id,
            sentence=sentence.strip(),
            cumulative=cumulative,
            budget_kind=det.name if det else None,
            recurrence=recurrence,
            period_kind=period_kind,
            owner_text=owner_text,
        )
        if is_total:
            total_at, total_sentence = len(out), (s0, s1)
            own_total = own.metric if own is not None and not budget else None
        elif total_at is not None and total_sentence == (s0, s1) and mm.currency == out[total_at].currency:
            fig.parts_of = total_at
        out.append(fig)
    return out


def figures_in_document(
    doc: Document, actors: list[ActorMention] | None = None, parse: bool = True, cores: int = 1
) -> list[Figure]:
    """Every monetary figure of `doc` in reading order; `actors` are the document's actor mentions
    (block-relative offsets); None computes them when extract.actors is available. `parse`: read the
    governing words from spaCy's dependency parse when a model is installed (False: rules only); `cores` > 1
    splits the parse over forked processes."""
    if actors is None:
        actors = _actors(doc)
    parse = parse and has_parser()  # without a model governing() answers [] anyway: no parse to plan
    by_block: dict[str | None, list[ActorMention]] = {}
    for a in actors:
        by_block.setdefault(a.block_id, []).append(a)
    reference = doc.date or (str(doc.year) if doc.year else None)
    out: list[Figure] = []
    budget = is_budget_document(doc)
    entity: str | None = None
    doc_entity: str | None = None
    last_subject: str | None = None
    scope: tuple[str | None, str | None] = (None, None)
    part = 0  # number of the current numbered part: "C. Substantive ..." (a letter) is not part 100
    # Each block's own figures first (the rules and the parse: the bulk of the work, split over `cores`
    # processes by block ranges), then, in order, what a figure takes from the blocks before it.
    weights = [len(b.text) if money_in(b.text) else 0 for b in doc.blocks]
    least = load_rules(ParallelSettings).min_chars_per_process
    ranges = balanced(range(len(doc.blocks)), cores, lambda i: weights[i], least)
    task = partial(_figures_of_blocks, doc, by_block, reference, budget, parse)
    own = [figs for part in fork_map(task, ranges, cores) for figs in part]
    for idx, block in enumerate(doc.blocks):
        # a carried subject belongs to its chapter and top-level section: "losses" in the next sector
        # chapter are not the energy sector's
        if (block.chapter, block.section) != scope:
            scope, last_subject = (block.chapter, block.section), None
        if budget and block.kind == "heading" and block.level <= 1 and _NUMBERED_PART.match(block.text):
            number = _part_number(block.text)
            if number is not None and (number == 1 or part < number <= part + _PART_GAP):
                part = number  # a new numbered part ("II. UNTSO"): its entity, or none
                entity = section_entity(block.text)
        if budget and doc_entity is None:
            doc_entity = responsible_entity(block.text)
        figs = own[idx]
        lead = _lead_figure(doc, idx, out) if block.kind == "list_item" or block.label else None
        for f in figs:
            if lead is not None:
                _inherit(f, lead)
            if len(f.actors) == 1 and " " not in f.actors[0]:
                f.actors = [_resolve_short(f.actors[0], actors, block.id, doc)]
            owner = entity or doc_entity
            if budget and owner and not f.actors and f.metric in ("budget", "in-kind"):
                f.actors = [owner]  # the entity the budget part or section is about
            if f.parts_of is not None:
                f.parts_of += len(out)
            # "needs for the sector": the sector named by the damage figure before it.
            if f.metric in ("damage", "losses", "needs"):
                if f.subject:
                    last_subject = f.subject
                else:
                    f.subject = last_subject
        out.extend(figs)
    return out


_PARSE_WINDOW = 400  # blocks whose amounts' sentences are parsed in one batch (bounded memory)


def _figures_of_blocks(
    doc: Document, by_block: dict[str | None, list[ActorMention]], reference: str | None, budget: bool,
    parse: bool, indexes: Sequence[int],
) -> list[list[Figure]]:
    """figures_in_block for a contiguous range of blocks, their sentences parsed window by window."""
    out: list[list[Figure]] = []
    indexes = list(indexes)
    for w in range(0, len(indexes), _PARSE_WINDOW):
        window = indexes[w : w + _PARSE_WINDOW]
        blocks = [doc.blocks[i] for i in window]
        acts = [_block_acts(by_block, b) for b in blocks]
        plan: list[set[tuple[int, int]] | None] = [None] * len(window)
        if parse:
            to_parse = [sentences_to_parse(doc, i, a, budget) for i, a in zip(window, acts, strict=True)]
            prepare(_governing_requests(blocks, to_parse), cores=1)
            plan = list(to_parse)
        for k, i in enumerate(window):
            out.append(figures_in_block(doc, i, acts[k], reference, budget, parse, plan[k]))
    return out


def _governing_requests(blocks: list[Block], to_parse: list[set[tuple[int, int]]]) -> Iterator[Request]:
    """The questions figures_in_block will ask `governing`: each amount's span in its sentence, for the
    sentences whose parse can change a figure."""
    for block, spans in zip(blocks, to_parse, strict=True):
        ms = money_in(block.text) if spans else ()
        if ms:
            sent = sentences(block.text)
            for mm in ms:
                s0, s1 = next((s for s in sent if s[0] <= mm.start < s[1] + 1), (0, len(block.text)))
                if (s0, s1) in spans:
                    yield block.text[s0:s1], mm.start - s0, mm.end - s0


def sentences_to_parse(
    doc: Document, idx: int, acts: list[ActorMention], budget: bool
) -> set[tuple[int, int]]:
    """The sentences of block `idx` (spans) whose dependency parse can change one of its figures; the
    others are decided by the rules alone, with the very records a parse would give. The parse feeds three
    things (figures_in_block), each settled without it when:

    - the detail (budget_kind) and what it does to the metric: no word of the sentence can take the lemma
      of any detail whatever its part of speech (governing.possible_lemmas), or only one detail can and the
      rules' detail (the nearest cue word before the amount) is that one, for every amount: the parse can
      then only find the same one. Outside a budget the amount's own noun may still set the metric to the
      detail's (and pass it to the parts of a total), so there the metric must already be the detail's.
    - the owner: the rules named one for every amount, or no word outside the sentence's amounts and dated
      mentions, apart from its first word, starts with a capital letter: the parse names owners only as
      proper names (_parsed_owners), which follow the preposition, head or comma they depend on; an amount's
      or date's capitalised word (its currency, a month) carries that mention's digits into the phrase.
    """
    block = doc.blocks[idx]
    text = block.text
    ms = money_in(text)
    if not ms:
        return set()
    sent = sentence_spans(text)
    cls = _clauses(text, ms, sent)
    context = text + " " + (_lead_in(doc, idx) if block.kind == "list_item" or block.label else "")
    dates = dates_in(text, doc.date or (str(doc.year) if doc.year else None))  # as figures_in_block asks
    per_sentence: dict[tuple[int, int], list[tuple[Metric, BudgetKind | None, bool]]] = {}
    for mm, cl in zip(ms, cls, strict=True):
        span = next((s for s in sent if s[0] <= mm.start < s[1] + 1), (0, len(text)))
        sentence = text[span[0] : span[1]]
        is_total = _has_parts_marker(cl.gap_after)
        metric = _metric(cl, sentence, context, is_total, budget)
        det = _detail([], cl.lead, budget)
        final = metric
        if det is not None and det.metric and metric != "in-kind" and budget and not is_total:
            final = det.metric  # what figures_in_block makes of it without a parse
        owned = bool(_owners(text, mm, cl, acts, final))
        per_sentence.setdefault(span, []).append((metric, det, owned))
    out: set[tuple[int, int]] = set()
    for (s0, s1), amounts in per_sentence.items():
        sentence = text[s0:s1]
        # the owner test first: it is cheaper, and a sentence it sends to the parser needs no other test
        if (not all(owned for _, _, owned in amounts) and _may_name_owner(text, s0, s1, ms, dates)) or (
            not _detail_settled(sentence, amounts, budget)
        ):
            out.add((s0, s1))
    return out


def _detail_settled(
    sentence: str, amounts: list[tuple[Metric, BudgetKind | None, bool]], budget: bool
) -> bool:
    lemmas = possible_lemmas(sentence)
    possible = [det for det in details().details
                if any(all(w in lemmas for w in lem.split()) for lem in det.lemmas)]
    if not possible:
        return True
    if len(possible) > 1:
        return False
    only = possible[0]
    return all(det is only and (budget or only.metric is None or metric == only.metric)
               for metric, det, _ in amounts)


_CAPITAL = re.compile(r"(?<![^\W\d_])[^\W\d_]")  # a letter that starts a word (or follows a non-letter)


def _may_name_owner(
    text: str, s0: int, s1: int, ms: tuple[MoneyMention, ...], dates: tuple[DateMention, ...]
) -> bool:
    """Whether text[s0:s1] holds a capitalised word the parse could name as an owner (see
    sentences_to_parse)."""
    sentence = text[s0:s1]
    first = re.match(r"\s*[^\s'’]+(?=\s|$)", sentence)  # the first word, unless a possessive mark follows it
    skip = [(a.start - s0, a.end - s0) for a in ms] + [
        (d.start - s0, d.end - s0) for d in dates if any(ch.isdigit() for ch in d.text)
    ]
    if first:
        skip.append((0, first.end()))
    for m in _CAPITAL.finditer(sentence):
        if m.group().isupper() and not any(a <= m.start() < b for a, b in skip):
            return True
    return False


def _block_acts(by_block: dict[str | None, list[ActorMention]], block: Block) -> list[ActorMention]:
    return sorted(by_block.get(block.id, []), key=lambda a: a.start)


_NUMBERED_PART = re.compile(r"^\s*[IVXLC]+[.)]?\s+\S")  # a top-level part; lettered sub-parts do not count
_ROMAN_PART = re.compile(r"^\s*(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})[.)]?\s")
_ROMAN_VALUE = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_PART_GAP = 3  # a part the reader missed may be skipped; a lettered "C." (100) after "II." is no part


def _part_number(heading: str) -> int | None:
    """The value of a heading's roman part number ("IV. ..." -> 4), None when it is not a valid numeral.
    Parts run I, II, III ...: a heading "C. ..." or "L. ..." in their sequence is a lettered sub-part."""
    m = _ROMAN_PART.match(heading)
    if not m:
        return None
    digits = [_ROMAN_VALUE[c] for c in "".join(m.groups())]
    return sum(-d if i + 1 < len(digits) and d < digits[i + 1] else d for i, d in enumerate(digits))


def _lead_figure(doc: Document, idx: int, out: list[Figure]) -> Figure | None:
    """The last figure of the paragraph that introduces a list ("... in the amount of 11,610,700 dollars
    under the following sections:"), for the list's items."""
    for b in reversed(doc.blocks[max(0, idx - 40) : idx]):
        # a lead-in ends with a colon, even when it is itself a numbered paragraph ("3. Approves ...:")
        if b.text.rstrip().endswith(":") or (b.kind != "list_item" and not b.label):
            return next((f for f in reversed(out) if f.block_id == b.id), None)
    return None


def _inherit(f: Figure, lead: Figure) -> None:
    """A list item's amount is a part of its lead-in's: same meaning, owner and time unless it says so."""
    if f.budget_kind is None and lead.budget_kind:
        f.budget_kind = lead.budget_kind
        if f.metric in ("other", lead.metric) or lead.metric == "budget":
            f.metric = lead.metric if lead.metric != "total" else f.metric
    if f.metric == "other" and lead.metric not in ("other", "total"):
        f.metric = lead.metric
    if not f.actors and lead.actors:
        f.actors = list(lead.actors)
    if not f.years and f.period is None:
        f.years, f.period, f.period_kind = list(lead.years), lead.period, lead.period_kind


_POSITIONS: dict[str, tuple[object, object, dict[str, int], dict[int, list[ActorMention]]]] = {}


def _positions(
    doc: Document, actors: list[ActorMention]
) -> tuple[dict[str, int], dict[int, list[ActorMention]]]:
    """Block order and actor mentions by block position, built once per document (not per amount: a
    300-page report has thousands of short references to resolve)."""
    hit = _POSITIONS.get("last")
    if hit is None or hit[0] is not doc.blocks or hit[1] is not actors:
        order = {b.id: i for i, b in enumerate(doc.blocks)}
        by_index: dict[int, list[ActorMention]] = {}
        for a in actors:
            i = order.get(a.block_id or "")
            if i is not None:
                by_index.setdefault(i, []).append(a)
        hit = _POSITIONS["last"] = (doc.blocks, actors, order, by_index)
    return hit[2], hit[3]


def _resolve_short(name: str, actors: list[ActorMention], block_id: str | None, doc: Document) -> str:
    """ "the Fund" -> the last named actor before it whose name ends with that word (coreference by head)."""
    order, by_index = _positions(doc, actors)
    here = order.get(block_id or "", len(order))
    near = details().coreference_blocks
    cands = [a for i in range(max(0, here - near), here + 1) for a in by_index.get(i, ())
             if a.name.endswith(" " + name)]
    if cands:
        return max(cands, key=lambda a: (order.get(a.block_id or "", 0), a.start)).name
    word = r"[A-Z][\w’'-]+ "
    pat = re.compile(rf"\b((?:{word})+(?:(?:of|for|on|and) (?:the )?(?:{word})+)*{re.escape(name)})\b")
    for b in reversed(doc.blocks[max(0, here - near) : here + 1]):
        found = [m.group(1) for m in pat.finditer(b.text) if len(m.group(1).split()) >= 3]
        if found:
            return found[-1]
    return name


def _actors(doc: Document) -> list[ActorMention]:
    return actors_in_document(doc, use_model=False)
