"""Monetary figures of a document with what they measure, whose money it is, and when.

A sentence often holds several amounts ("CHF 346 000 since 2022, including CHF 85 000 from the ITU budget,
CHF 191 000 in ..."), so each amount gets its own *clause*: the words between it and its neighbours, cut
at the first comma, semicolon, closing parenthesis or "and" (trailing words belong to the amount before,
leading words to the amount after). Cue words in that clause decide the metric, with the rest of the
sentence and of the block (plus a list's lead-in paragraph) as weaker evidence. Cue data:
schemas/data/metric_cues.json.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from extract.actors import actors_in_document
from extract.dates import find_dates
from extract.money import find_money
from schemas import DATA_DIR
from schemas.models import ActorMention, Block, DateMention, Document, Figure, MoneyMention, Period

_LOCAL, _SENTENCE, _BLOCK = 1.0, 0.4, 0.15
_PARTS_BONUS = 5.0
_SPLIT = re.compile(r"[,;)]|\s(?:and|while|whereas|but)\s")


@lru_cache(maxsize=1)
def cues() -> dict:
    return json.loads((DATA_DIR / "metric_cues.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _cue_res() -> dict[str, list[tuple[re.Pattern[str], float]]]:
    return {
        metric: [(re.compile(rf"(?<![\w-]){re.escape(c)}", re.IGNORECASE), w) for c, w in words.items()]
        for metric, words in cues()["metrics"].items()
    }


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans; no split after abbreviations ("Mod.", "No.", "e.g.") or inside numbers ("2.48")."""
    abbrevs = set(cues()["abbreviations"])
    spans, start = [], 0
    for m in re.finditer(r"[.!?][\"”’)]*\s+(?=[\"“(‘]?[A-Z0-9])", text):
        word = re.search(r"([\w.]+)[.!?][\"”’)]*$", text[start : m.start() + 1])
        if word and (word.group(1).lower() in abbrevs or len(word.group(1)) == 1):
            continue
        spans.append((start, m.start() + 1))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text.rstrip())))
    return [s for s in spans if s[1] > s[0]] or [(0, len(text))]


def _score(text: str, weight: float, into: dict[str, float]) -> None:
    for metric, s in _cue_scores(text):
        into[metric] = into.get(metric, 0.0) + weight * s


@lru_cache(maxsize=4096)
def _cue_scores(text: str) -> tuple[tuple[str, float], ...]:
    """Cue weight per metric in `text`. Cached: a block's text and its sentences are scored once per
    figure they hold; a substring test skips the regex for cues absent from the text (most of them)."""
    low = text.lower()
    out: dict[str, float] = {}
    for (metric, pats), words in zip(_cue_res().items(), cues()["metrics"].values(), strict=True):
        for (pat, w), cue in zip(pats, words, strict=True):
            if cue.isascii() and cue.lower() not in low:
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


def _clauses(text: str, ms: list[MoneyMention], sent: list[tuple[int, int]]) -> list[_Clause]:
    def sentence_of(pos: int) -> tuple[int, int]:
        return next((s for s in sent if s[0] <= pos < s[1] + 1), (0, len(text)))

    cuts: list[int] = []  # split point between amount i and i+1 (same sentence), else -1
    for a, b in zip(ms, ms[1:], strict=False):
        if sentence_of(a.start) != sentence_of(b.start):
            cuts.append(-1)
            continue
        gap = text[a.end : b.start]
        m = _SPLIT.search(gap)
        cuts.append(a.end + (m.start() if m else len(gap)))
    out = []
    for i, mm in enumerate(ms):
        s0, s1 = sentence_of(mm.start)
        lo = cuts[i - 1] if i > 0 and cuts[i - 1] >= 0 else s0
        hi = cuts[i] if i < len(cuts) and cuts[i] >= 0 else s1
        gap_after = text[mm.end : ms[i + 1].start] if i < len(cuts) and cuts[i] >= 0 else ""
        out.append(_Clause(text[lo : mm.start], text[mm.end : hi], lo, hi, gap_after))
    return out


def _metric(cl: _Clause, sentence: str, context: str, is_total: bool) -> str:
    scores: dict[str, float] = {}
    _score(cl.lead + " " + cl.trail, _LOCAL, scores)
    _score(sentence, _SENTENCE, scores)
    _score(context, _BLOCK, scores)
    if is_total:
        scores["total"] = scores.get("total", 0.0) + _PARTS_BONUS
    scores.pop("other", None)
    best = max(scores.items(), key=lambda kv: kv[1], default=("other", 0.0))
    return best[0] if best[1] >= 0.5 else "other"


def _has_parts_marker(gap: str) -> bool:
    return _any_word(gap.lower(), cues()["parts_markers"])


def _any_word(text: str, words: list[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text) for w in words)


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
    non_owners = set() if metric == "budget" else set(c["non_owners"])

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
    preps = "|".join(c["owner_preps"])
    doers = "|".join(re.escape(v) for v in c["implementer_verbs"])
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
        if lo <= a.start and a.end <= hi and re.search(
            rf"(?<!\w)(?:{preps})\s+(?:the\s+)?$", before, re.IGNORECASE
        ) and not re.search(rf"(?<!\w)(?:{doers})\s+by\s+(?:the\s+)?$", before, re.IGNORECASE):
            names = keep([a.name])
            if names:
                return names
    verbs = "|".join(re.escape(v) for v in c["owner_verbs"])
    in_lead = [a for a in acts if lo <= a.start and a.end <= m.start]
    for a_idx in range(len(in_lead) - 1, -1, -1):
        a = in_lead[a_idx]
        if not re.match(rf"\s+(?:\w+\s+){{0,2}}?(?:{verbs})(?!\w)", text[a.end : m.start]):
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


def _subject(block: Block, sentence: str, metric: str, in_paren: bool) -> str | None:
    """A list item's project title (its amount in parentheses or a requirement), else the sector the
    sentence is about; short."""
    if (block.kind == "list_item" or block.label) and (in_paren or metric == "requirement"):
        head = re.split(r",|\(|;|:|\s[–—-]\s|\sincluding\s", block.text, maxsplit=1)[0].strip()
        words = head.split()
        if 0 < len(words) <= 12:
            return head
    m = re.search(cues()["sector_subject"], sentence, re.IGNORECASE)
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
    doc: Document, idx: int, acts: list[ActorMention], reference: str | None = None
) -> list[Figure]:
    """Figures of one block; parts_of is relative to this block's list (figures_in_document shifts it)."""
    block = doc.blocks[idx]
    text = block.text
    ms = find_money(text)
    if not ms:
        return []
    sent = sentences(text)
    cls = _clauses(text, ms, sent)
    dates = find_dates(text, reference)
    context = text + " " + (_lead_in(doc, idx) if block.kind == "list_item" or block.label else "")
    c = cues()
    out: list[Figure] = []
    total_at: int | None = None
    total_sentence: tuple[int, int] | None = None
    for mm, cl in zip(ms, cls, strict=True):
        s0, s1 = next((s for s in sent if s[0] <= mm.start < s[1] + 1), (0, len(text)))
        sentence = text[s0:s1]
        is_total = _has_parts_marker(cl.gap_after)
        metric = _metric(cl, sentence, context, is_total)
        local = (cl.lead + " " + cl.trail).lower()
        sent_low = sentence.lower()
        cumulative = _any_word(local, c["cumulative"]) and not _any_word(sent_low, c["not_cumulative"])
        par = _paren(text, mm)
        # years stated with the amount: inside its parenthesis, else in its own clause ("CHF 5 000 in 2022")
        lo, hi = par or (cl.lead_start, cl.trail_end)
        years = sorted({int(d.value[:4]) for d in dates if _in(d, lo, hi) and d.kind in (
            "year", "year_list", "since")})
        as_of = next((d.value for d in dates if d.kind == "as_of" and _in(d, s0, s1)), None)
        period = next(
            (Period(start=d.value.split("/")[0], end=d.value.split("/")[1])
             for d in dates if d.kind == "interval" and _in(d, cl.lead_start, cl.trail_end)), None)
        fig = Figure(
            **mm.model_dump(),
            doc_id=doc.id,
            metric=metric,
            actors=_owners(text, mm, cl, acts, metric),
            as_of=as_of,
            period=period,
            years=years,
            subject=_subject(block, sentence, metric, par is not None),
            chapter=block.chapter,
            page=block.page,
            block_id=block.id,
            sentence=sentence.strip(),
            cumulative=cumulative,
        )
        if is_total:
            total_at, total_sentence = len(out), (s0, s1)
        elif total_at is not None and total_sentence == (s0, s1) and mm.currency == out[total_at].currency:
            fig.parts_of = total_at
        out.append(fig)
    return out


def figures_in_document(doc: Document, actors: list[ActorMention] | None = None) -> list[Figure]:
    """Every monetary figure of `doc` in reading order; `actors` are the document's actor mentions
    (block-relative offsets); None computes them when extract.actors is available."""
    if actors is None:
        actors = _actors(doc)
    by_block: dict[str | None, list[ActorMention]] = {}
    for a in actors:
        by_block.setdefault(a.block_id, []).append(a)
    reference = doc.date or (str(doc.year) if doc.year else None)
    out: list[Figure] = []
    last_subject: str | None = None
    scope: tuple[str | None, str | None] = (None, None)
    for idx, block in enumerate(doc.blocks):
        # a carried subject belongs to its chapter and top-level section: "losses" in the next sector
        # chapter are not the energy sector's
        if (block.chapter, block.section) != scope:
            scope, last_subject = (block.chapter, block.section), None
        acts = sorted(by_block.get(block.id, []), key=lambda a: a.start)
        figs = figures_in_block(doc, idx, acts, reference)
        for f in figs:
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


def _actors(doc: Document) -> list[ActorMention]:
    return actors_in_document(doc, use_model=False)
