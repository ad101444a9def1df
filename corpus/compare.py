"""Figures across editions: align them into series, compute changes, and flag inconsistencies.

Two kinds of series. Damage, losses and needs come from an assessment (RDNA) edition, whoever quotes
them, so their points are ordered by the edition's cut-off date and keyed by sector; a report quoting
"USD 2.48 billion as of 31 December 2025" adds a point to the same series as the assessment itself.
Everything else (totals, contributions, budget, pledges, project requirements) is ordered by report
edition and keyed by its actor (one donor's contribution) or by its wording, matched with rapidfuzz.
One document per edition is read (DOCX > TXT > PDF of the same report), so formats do not double up.
Rules and thresholds: schemas/data/series_rules.json.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from corpus import warm
from corpus.store import share_fields_set
from extract.front_matter import symbol_part
from extract.parallel import fork_each
from schemas.models import Block, Check, Document, Figure, Series, SeriesPoint
from schemas.rules import Common, DateCues, ParallelSettings, SeriesRules, format_rank, load_rules


def rules() -> SeriesRules:
    return load_rules(SeriesRules)


def _words_re(words: list[str]) -> re.Pattern[str]:
    """Cue stems at a word start, not running on into a hyphenated compound ("energy-efficient")."""
    alt = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![-])", re.IGNORECASE)


def _any_of(patterns: list[str]) -> re.Pattern[str]:
    """One pattern matching wherever any of `patterns` does (named groups dropped): a text it does not match
    needs no pass of each pattern, so the common case (no cue at all) costs one C scan."""
    return re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[a-z_]+>', '(?:', p)})" for p in patterns),
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _res() -> dict[str, Any]:
    r = rules()
    return {
        "sectors": {name: _words_re(cues) for name, cues in r.sectors.items()},
        "any_sector": _words_re([c for cues in r.sectors.values() for c in cues]),
        "editions": [re.compile(p, re.IGNORECASE) for p in r.editions],
        "any_edition": _any_of(r.editions),
        "comparison": re.compile(r.comparison, re.IGNORECASE),
        "back": _words_re(r.back_reference),
        "cumulative": _words_re(r.cumulative),
        "not_cumulative": _words_re(r.not_cumulative),
        "parts": _words_re(r.parts_markers),
        "stated": [re.compile(p, re.IGNORECASE) for p in r.stated_change],
        "any_stated": _any_of(r.stated_change),
        # the dates' as-of cues, any spacing or case: no cue, no as-of date (extract/dates.py _prefix_kind)
        "as_of_cue": re.compile(
            "|".join(r"\s+".join(map(re.escape, c.split())) for c in load_rules(DateCues).as_of), re.I
        ),
    }


# -- figure context --
@dataclass(slots=True)  # no __dict__ per figure: 150,000 of them at 1,000 documents
class _Fig:
    """A figure with what compare needs: its document, its own clause, edition, sector and series key."""

    fig: Figure
    doc: Document
    index: int  # within the document's figures (Figure.parts_of refers to it)
    lead: str = ""  # words from the previous amount (or sentence start) up to this amount
    trail: str = ""  # words after it up to the next amount (or sentence end)
    edition: int | None = None  # RDNA edition the figure is from
    cutoff: str | None = None  # ISO date the figure is as of
    back_ref: bool = False  # an earlier value quoted for comparison ("up from USD 1.79 billion")
    sector: str | None = None
    label: str = ""  # short wording of what the figure is about, for matching and display
    key: tuple = ()
    point_key: Any = None  # position on the series axis
    budget: bool = False  # from a budget document (budget section, financing resolution)
    budget_part: str | None = None  # the section the figure's block is in, in a budget document

    @property
    def window(self) -> str:
        return f"{self.lead} {self.fig.text} {self.trail}"


@lru_cache(maxsize=1 << 16)  # a block's text is asked for by each of its figures
def _edition_in(text: str) -> int | None:
    """The first edition named in `text` that is not a comparison reference ("compared to RDNA4")."""
    if not _res()["any_edition"].search(text):
        return None
    found = []
    for pat in _res()["editions"]:
        for m in pat.finditer(text):
            if _res()["comparison"].search(text[max(0, m.start() - 30) : m.start()]):
                continue
            raw = m.group(1).lower()
            n = int(raw) if raw.isdigit() else load_rules(Common).ordinals.get(raw)
            if n:
                found.append((m.start(), n))
    return min(found)[1] if found else None


@lru_cache(maxsize=1 << 16)
def _as_of_in(text: str) -> str | None:
    if not re.search(r"\d", text) or not _res()["as_of_cue"].search(text):  # no digit or no cue: no as-of
        return None
    from extract.dates import find_dates  # extract/ is the lower layer: corpus may use it

    for d in find_dates(text):
        if d.kind == "as_of" and re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", d.value):
            return d.value
    return None


@lru_cache(maxsize=1 << 16)  # sentences, block texts and titles repeat across a document's figures
def _sector_of(text: str) -> str | None:
    """The one sector `text` names, or None when it names none or several."""
    if not _res()["any_sector"].search(text):
        return None
    hits = {name for name, pat in _res()["sectors"].items() if pat.search(text)}
    return hits.pop() if len(hits) == 1 else None


def _windows(figs: list[_Fig]) -> None:
    """Split each sentence among its amounts: lead = since the previous amount, trail = up to the next."""
    by_sentence: dict[tuple, list[_Fig]] = defaultdict(list)
    for f in figs:
        by_sentence[(f.fig.block_id, f.fig.sentence)].append(f)
    for (_, sentence), group in by_sentence.items():
        sentence = sentence or ""
        pos, spans = 0, []
        for f in group:
            at = sentence.find(f.fig.text, pos)
            if at < 0:
                at = sentence.find(f.fig.text)
            spans.append((at, at + len(f.fig.text)) if at >= 0 else None)
            if at >= 0:
                pos = at + len(f.fig.text)
        for i, f in enumerate(group):
            span = spans[i]
            if span is None:
                f.lead, f.trail = sentence, ""
                continue
            prev_end = next((s[1] for s in reversed(spans[:i]) if s), 0)
            next_start = next((s[0] for s in spans[i + 1 :] if s), len(sentence))
            f.lead = sentence[prev_end : span[0]]
            f.trail = sentence[span[1] : next_start]


def _label(f: _Fig) -> str:
    """What the figure is about in a few words: its subject, else its clause cut at the nearest commas."""
    if f.fig.subject and f.fig.subject.lower() not in ("to date",):
        return f.fig.subject
    lead = re.split(r"[,;:(]", f.lead)[-1]
    trail = re.split(r"[,;)]", f.trail)[0]
    text = f"{lead} {trail}"
    if not re.search(r"[A-Za-z]{3}", text):  # "(Financial requirement: USD 1 million)": the words before
        text = " ".join(re.sub(r"\([^()]*$", "", f.lead).split()[-8:])
    text = _res()["parts"].sub(" ", text)
    text = re.sub(r"^\W*(?:and|or)\b|\b(?:and|or)\W*$", " ", text.strip(), flags=re.IGNORECASE)
    return re.sub(r"\s+", " ", text).strip(" .,;:-")


@lru_cache(maxsize=1 << 16)  # compared against every series' labels: computed once per text, not per pair
def _fuzzy_key(text: str) -> str:
    stop = set(rules().stopwords)
    words = re.findall(r"[a-z][a-z'-]+", text.lower())
    return " ".join(w for w in words if w not in stop)


def _section_sector(doc_blocks: dict[str, Any], f: _Fig) -> str | None:
    block = doc_blocks.get(f.fig.block_id or "")
    if block is None:
        return None
    for title in reversed([block.chapter or "", *block.section_path]):
        s = _sector_of(title) if title else None
        if s:
            return s
    return None


_ITEM = re.compile(r"^\s*(?:\(?[ivx]+\)|\(?[a-z]\)|[a-z]\.)\s")


def _budget_part(doc: Document, idx: int | None) -> str | None:
    """What a budget paragraph is about: its section path, the nearest heading before it and, for an item
    of a list ("(ii) A decrease of $14,600 under other staff costs"), the lead-in naming the subprogramme
    ("(b) Executive direction and management. The net increase of $256,500 comprises:")."""
    if idx is None:
        return None
    block = doc.blocks[idx]
    parts = list(block.section_path)
    heading = next((b.text for b in reversed(doc.blocks[max(0, idx - 200) : idx]) if b.kind == "heading"), "")
    parts.append(heading)
    if block.kind == "list_item" or block.label or _ITEM.match(block.text):
        before = reversed(doc.blocks[max(0, idx - 40) : idx])
        lead = next((b.text for b in before if b.text.rstrip().endswith(":")), "")
        parts.append(lead[:80])
        # the item's own words name its thing: "(c) Subprogramme 3, Conventional arms. The increase of ..."
        parts.append(re.sub(r"[\d$.,]+", "", block.text)[:100])
    return " / ".join(p for p in parts if p)


def _contexts(doc: Document, figures: list[Figure]) -> list[_Fig]:
    """Edition, cut-off, sector and label of each figure of one document, with block context."""
    scope = set(rules().scope_metrics)
    blocks = {b.id: b for b in doc.blocks}
    order = {b.id: i for i, b in enumerate(doc.blocks)}
    from extract.classify import is_budget_document

    figs = [_Fig(fig=f, doc=doc, index=i) for i, f in enumerate(figures)]
    _windows(figs)
    budget = is_budget_document(doc)
    for f in figs:
        f.budget = budget
        f.budget_part = _budget_part(doc, order.get(f.fig.block_id or "")) if budget else None
    block_edition: dict[str | None, int | None] = {}
    block_cutoff: dict[str | None, str | None] = {}
    for f in figs:
        own = f.window
        f.back_ref = bool(
            _res()["back"].search(re.split(r"[,;]", f.lead)[-1] + " " + re.split(r"[,;]", f.trail)[0])
        )
        f.edition = _edition_in(own)
        f.cutoff = _as_of_in(re.split(rules().trail_end, f.trail)[0])
        if f.cutoff is None and not f.back_ref and f.fig.as_of and not (f.edition and f.lead.strip()):
            f.cutoff = f.fig.as_of
        b = f.fig.block_id
        if b not in block_edition:
            text = blocks[b].text if b in blocks else (f.fig.sentence or "")
            block_edition[b] = _edition_in(text)
        if not f.back_ref and f.cutoff and b not in block_cutoff:
            block_cutoff[b] = f.cutoff
        f.label = _label(f)
    if doc.kind == "assessment":
        for f in figs:
            f.edition = f.edition or doc.edition
            f.cutoff = f.cutoff or (doc.cutoff if not f.back_ref else None)
    in_block: dict[str | None, list[_Fig]] = defaultdict(list)  # a block's figures, in order
    for f in figs:
        in_block[f.fig.block_id].append(f)
    for f in figs:
        if f.fig.metric not in scope or f.back_ref or (f.edition and f.cutoff):
            continue
        # inherit the edition of the block, else of the nearest earlier block of the same section
        b = f.fig.block_id
        ed, cut = block_edition.get(b), block_cutoff.get(b)
        if (ed is None or cut is None) and b in order:
            section = blocks[b].section_path
            for prev in reversed(doc.blocks[max(0, order[b] - 3) : order[b]]):
                if prev.section_path != section:
                    break
                ed = ed or _edition_in(prev.text)
                cut = cut or next((g.cutoff for g in in_block.get(prev.id, ()) if g.cutoff), None)
                if ed or cut:
                    break
        if f.edition is None and f.cutoff is None:
            f.edition, f.cutoff = ed, cut
        elif f.edition is None and (cut is None or cut == f.cutoff):
            f.edition = ed
    overall = {c.lower() for c in rules().overall_chapters}
    for f in figs:
        if f.fig.metric in scope:
            f.sector = (
                (_sector_of(f.fig.chapter) if f.fig.chapter else None)
                or _sector_of(f.window)
                or _sector_of(f.fig.sentence or "")
                or _section_sector(blocks, f)
                or (_sector_of(blocks[f.fig.block_id].text) if f.fig.block_id in blocks else None)
                or (_sector_of(doc.title or "") if doc.kind != "assessment" else None)
                or (f.fig.chapter if f.fig.chapter and f.fig.chapter.lower() not in overall else None)
                or rules().overall_sector
            )
            row = _table_row(f, blocks)
            if row and not _is_total_row(f):  # a Total row is the sector's own figure
                f.sector = f"{f.sector}: {row}"
    return figs


# -- editions --
def _edition_key(doc: Document) -> tuple:
    if doc.kind == "assessment":
        return ("assessment", doc.edition or doc.cutoff or doc.year or doc.id)
    if doc.kind == "report":  # the year, not the symbol: a TXT conversion loses the header table's symbol
        return ("report", doc.resolution, doc.year or doc.symbol or doc.id)
    return (doc.kind, doc.symbol or doc.year or doc.id)  # then told apart by text (edition_keys)


def _shingles(text: str) -> set[str]:
    """The word n-grams of a text, each one string: a string caches its hash, so the intersections
    edition_keys computes do not rehash every n-gram as they would tuples of words."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return set(map(" ".join, zip(*(words[i:] for i in range(rules().same_text_shingle)), strict=False)))


def same_text(a: str, b: str) -> bool:
    """The same document in two formats: most word n-grams of the shorter text occur in the other (page
    heads, hyphenation and table layout differ between DOCX, PDF and TXT; the running text does not)."""
    return _same_shingles(_shingles(a), _shingles(b))


def _same_shingles(sa: set, sb: set) -> bool:
    if not sa or not sb:
        return not sa and not sb
    return len(sa & sb) / min(len(sa), len(sb)) >= rules().same_text_share


def _doc_text(d: Document) -> str:
    return " ".join(b.text for b in d.blocks)


def edition_keys(
    docs: list[Document], text_of: Callable[[Document], str] | None = None
) -> dict[str | None, tuple]:
    """Document id -> edition key. Files sharing an edition (same symbol or year) are one edition only when
    their text matches (DOCX/PDF/TXT of one report); another file with the same symbol is its own edition,
    keyed apart by its id, so no listing drops it silently. `text_of` reads a document's text (default: its
    blocks); it is asked only for files whose edition key collides."""
    text_of = text_of or _doc_text
    groups: dict[tuple, list[Document]] = defaultdict(list)
    for d in docs:
        groups[_edition_key(d)].append(d)
    out: dict[str | None, tuple] = {}
    for key, group in groups.items():
        group = sorted(group, key=lambda d: (format_rank(d.format), d.id or ""))
        if len(group) == 1:
            out[group[0].id] = key
            continue
        # each text's n-grams once, not once per pair: an archive has hundreds of files per year
        grams = [_shingles(text_of(d)) for d in group]
        head_of = [group[i] for i in _same_text_heads(grams)]
        for d, h in zip(group, head_of, strict=True):
            out[d.id] = key if h is group[0] else (*key, h.id)
    return out


def _same_text_heads(grams: list[set[str]]) -> list[int]:
    """For each text, the first earlier head text it is the same document as (_same_shingles), else itself.

    Hundreds of files share one year in an archive, and comparing each with every earlier head one set
    intersection at a time was the quadratic part of compare (13 s of CPU at 1,000 documents). Here each
    text's n-grams are counted in every head at once, in numpy (n-grams as their 64-bit hashes; a hash
    collision can only add to a count), and the first head whose count passes is confirmed with
    _same_shingles itself, in head order: the same heads as the pairwise scan."""
    share = rules().same_text_share
    if len(grams) <= 8 or share <= 0:  # too few to index (or every pair matches)
        heads: list[int] = []
        first: list[int] = []
        for a in grams:
            h: int | None = next((j for j in heads if _same_shingles(grams[j], a)), None)
            if h is None:
                h = len(first)
                heads.append(h)
            first.append(h)
        return first
    import numpy as np  # only when an edition key is shared by many files

    hashed = [np.fromiter(map(hash, a), dtype=np.int64, count=len(a)) for a in grams]
    _, ids = np.unique(np.concatenate(hashed), return_inverse=True)
    vocab = int(ids.max(initial=-1)) + 1
    bounds = np.cumsum([0] + [len(h) for h in hashed])
    own = [ids[bounds[i] : bounds[i + 1]] for i in range(len(grams))]
    cat = np.empty(int(bounds[-1]), dtype=np.int64)  # the n-gram ids of the heads, one after the other
    owner = np.empty(int(bounds[-1]), dtype=np.int64)  # and which head each belongs to
    filled = 0
    sizes: list[int] = []
    heads, first = [], []
    for i, a in enumerate(grams):
        h = None
        if heads:
            mask = np.zeros(vocab, dtype=bool)
            mask[own[i]] = True
            counts = np.bincount(owner[:filled][mask[cat[:filled]]], minlength=len(heads))
            m = np.minimum(np.array(sizes, dtype=np.int64), len(a))
            with np.errstate(divide="ignore", invalid="ignore"):
                maybe = (counts / m >= share) | ((m == 0) & (np.array(sizes) == len(a)))
            for k in np.flatnonzero(maybe):
                if _same_shingles(grams[heads[k]], a):
                    h = heads[k]
                    break
        if h is None:
            h = i
            cat[filled : filled + len(own[i])] = own[i]
            owner[filled : filled + len(own[i])] = len(heads)
            filled += len(own[i])
            heads.append(i)
            sizes.append(len(a))
        first.append(h)
    return first


def canonical_documents(
    docs: list[Document], text_of: Callable[[Document], str] | None = None
) -> list[Document]:
    """One document per edition (the same report as DOCX and PDF counts once, by its text), in edition
    order; a different file carrying the same symbol is kept as a document of its own."""
    keys = edition_keys(docs, text_of)
    best: dict[tuple, Document] = {}
    for d in docs:
        k = keys[d.id]
        rank = (format_rank(d.format), d.id or "")
        if k not in best or rank < (format_rank(best[k].format), best[k].id or ""):
            best[k] = d
    return sorted(
        best.values(), key=lambda d: (d.year or 0, d.kind != "assessment", d.symbol or "", d.id or "")
    )


def store_text(store: Any) -> Callable[[Document], str]:
    """A document's text read from the store, for edition_keys: the blocks' texts straight from their JSON
    (no Block models: an archive compares the text of most of its files and keeps none of it)."""
    sql = "SELECT json_extract(data, '$.text') FROM blocks WHERE doc_id = ? ORDER BY seq"
    return lambda d: " ".join(r[0] for r in store.conn.execute(sql, (d.id,)))


def _edition_cutoffs(figs: list[_Fig], docs: list[Document]) -> dict[int, str]:
    """RDNA edition -> cut-off date, learnt from assessments and from figures that state both."""
    votes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d in docs:
        if d.kind == "assessment" and d.edition and d.cutoff:
            votes[d.edition][d.cutoff] += 10
    for f in figs:
        if f.edition and f.cutoff:
            votes[f.edition][f.cutoff] += 1
    return {ed: max(v.items(), key=lambda kv: (kv[1], kv[0]))[0] for ed, v in votes.items()}


# -- series --
def _point(f: _Fig, edition: str | None = None) -> SeriesPoint:
    fig = f.fig
    return SeriesPoint(
        doc_id=fig.doc_id or f.doc.id or "",
        year=f.doc.year,
        amount=fig.amount,
        text=fig.text,
        as_of=f.cutoff or fig.as_of,
        period=fig.period,
        years=sorted(fig.years),
        page=fig.page,
        block_id=fig.block_id,
        sentence=fig.sentence,
        edition=edition,
    )


_RECENT_WORDINGS = 16  # more editions than any real report series has; bounds the cost of a long archive


@dataclass
class _Build:
    series: Series
    key: tuple
    members: dict[Any, list[_Fig]] = field(default_factory=lambda: defaultdict(list))  # point key -> figures
    labels: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    alone: bool = True  # every figure so far was the only one of its metric and currency in its document
    label_keys: dict[str, None] = field(default_factory=dict)  # distinct _fuzzy_key of labels, in order
    sentence_keys: dict[str, None] = field(default_factory=dict)  # and of sentences: each scored once
    pos: int = -1  # position in its _Group

    def add_wording(self, f: _Fig, group: _Group | None = None) -> None:
        """Remember the wording of a new point; matching uses the latest _RECENT_WORDINGS distinct ones,
        so placing a figure costs the same whether the series has 5 editions or 1,000. `group` (the
        series' _Group) keeps its wording index in step."""
        self.labels.append(f.label)
        self.sentences.append(f.fig.sentence or "")
        for keys, text, index in (
            (self.label_keys, f.label, group.labels if group else None),
            (self.sentence_keys, f.fig.sentence or "", group.sentences if group else None),
        ):
            k = _fuzzy_key(text)
            if index is not None:
                index.add(k, self.pos)
            keys.pop(k, None)
            keys[k] = None  # most recent last
            if len(keys) > _RECENT_WORDINGS:
                old = next(iter(keys))
                del keys[old]
                if index is not None:
                    index.discard(old, self.pos)


_WORDING_SCAN = 64  # distinct wordings of one identity scored in full (real corpora: under 20); past that,
_WORDING_CANDIDATES = 32  # blocked by word stem: this many wordings scored per figure


@lru_cache(maxsize=1 << 16)
def _stems(key: str) -> frozenset[str]:
    """Word stems a wording is blocked on (the first five letters: "pledge" and "pledges" meet)."""
    return frozenset(w[:5] for w in key.split())


@dataclass
class _Wordings:
    """Distinct wording keys of a group -> positions of the series whose recent wordings hold them, with a
    stem index (stem -> keys, most recently added last) for groups too large to score in full."""

    owners: dict[str, set[int]] = field(default_factory=dict)
    by_stem: dict[str, dict[str, None]] = field(default_factory=dict)
    version: int = 0  # bumped when a key comes or goes: the candidates of a query change only then
    found: dict[tuple, tuple[int, list]] = field(default_factory=dict)  # matches(): (version, hits) per query

    def add(self, key: str, pos: int) -> None:
        if key not in self.owners:
            self.owners[key] = set()
            self._changed()
            for stem in _stems(key):
                self.by_stem.setdefault(stem, {})[key] = None
        self.owners[key].add(pos)

    def discard(self, key: str, pos: int) -> None:
        held = self.owners.get(key)
        if held is None:
            return
        held.discard(pos)
        if not held:
            del self.owners[key]
            self._changed()
            for stem in _stems(key):
                self.by_stem[stem].pop(key, None)

    def _changed(self) -> None:
        """A key came or went: every remembered match is stale for good (versions only grow), so drop them
        rather than hold hits no query can reuse (one list per distinct query of an archive)."""
        self.version += 1
        self.found.clear()

    def matches(self, query: str, scorer: Callable[..., float], cut: float) -> list[tuple[str, float]]:
        """(key, score) of the candidate keys scoring at least `cut`. One wording recurs in every edition
        of an archive: while no key has come or gone since it was last asked, its hits are the same (about
        one query in ten on the 300-document archive)."""
        memo = (query, cut, scorer)
        last = self.found.get(memo)
        if last is not None and last[0] == self.version:
            return last[1]
        found = process.extract(query, self.candidates(query), scorer=scorer, score_cutoff=cut, limit=None)
        hits = [(key, score) for key, score, _ in found]
        self.found[memo] = (self.version, hits)
        return hits

    def candidates(self, query: str) -> list[str]:
        """Every key while the group is small (the exact scan: the reference corpora never leave it); else
        at most _WORDING_CANDIDATES keys sharing a stem with the query, the rarest stems first and the most
        recent keys of each, so placing a figure costs the same on a 1,000-document archive."""
        if len(self.owners) <= _WORDING_SCAN:
            return list(self.owners)
        out: dict[str, None] = {query: None} if query in self.owners else {}
        by_stem = self.by_stem
        for _, stem in sorted((len(by_stem.get(st, ())), st) for st in _stems(query)):
            for key in reversed(by_stem.get(stem, {})):
                if len(out) >= _WORDING_CANDIDATES:
                    return list(out)
                out[key] = None
        return list(out)


@dataclass
class _Group:
    """The wording-matched series of one identity (_identity), with an index from each distinct wording key
    to the series whose recent wordings hold it: placing a figure scores each candidate wording once, in C,
    with the threshold as cut-off, instead of a Python call per series."""

    builds: list[_Build] = field(default_factory=list)
    labels: _Wordings = field(default_factory=_Wordings)  # _fuzzy_key of labels
    sentences: _Wordings = field(default_factory=_Wordings)  # and of sentences

    def add(self, b: _Build) -> None:
        b.pos = len(self.builds)
        self.builds.append(b)

    def _hits(self, f: _Fig, cut: float) -> list[tuple[float, set[int]]]:
        """(score, positions of the series holding the wording) for each wording scoring at least `cut`: the
        figure's label against the series' labels (token set), its sentence against theirs (token sort)."""
        hits: list[tuple[float, set[int]]] = []
        a = _fuzzy_key(f.label)
        for query, words, scorer in (
            (a, self.labels if a else None, fuzz.token_set_ratio),
            (_fuzzy_key(f.fig.sentence or ""), self.sentences, fuzz.token_sort_ratio),
        ):
            if words is None or not words.owners:
                continue
            hits += [(score, words.owners[key]) for key, score in words.matches(query, scorer, cut)]
        return hits

    def scores(self, f: _Fig, cut: float) -> dict[int, float]:
        """Series position -> its best score of `_hits`: the whole map `ranked` walks lazily (its reference
        in the tests)."""
        best: dict[int, float] = {}
        for score, owners in self._hits(f, cut):
            for pos in owners:
                if score > best.get(pos, -1.0):
                    best[pos] = score
        return best

    def ranked(self, f: _Fig, cut: float) -> Iterator[tuple[float, _Build]]:
        """The series scores() gives, best first (then in group order), lazily: a wording is held by more
        series the larger the archive, and the figure is usually placed on the first, so the series of
        lower scores are never listed (the whole score map was the one cost that grew per figure)."""
        hits = self._hits(f, cut)
        hits.sort(key=lambda h: -h[0])
        seen: set[int] = set()
        i = 0
        while i < len(hits):
            score, sets = hits[i][0], []
            while i < len(hits) and hits[i][0] == score:  # a series' score is its best over both passes
                sets.append(hits[i][1])
                i += 1
            if not seen:  # the best series first, before the rest of its level is gathered and sorted
                best = min(min(held) for held in sets)
                yield score, self.builds[best]
                seen.add(best)
            level = set().union(*sets) - seen
            seen |= level
            for pos in sorted(level):
                yield score, self.builds[pos]


@dataclass
class _Result:
    builds: list[_Build]
    figs: list[_Fig]
    checks: list[tuple[Check, tuple]]  # check, key of the series it belongs to
    cutoffs: dict[int, str]


def _analyse(
    docs: list[Document],
    figures: list[Figure],
    canonical: bool = False,
    contexts: Callable[[Document, list[Figure]], list[_Fig]] | None = None,
    cores: int = 1,
    blocks: _BlockReader | None = None,
) -> _Result:
    r = rules()
    scope, actor_metrics = set(r.scope_metrics), set(r.actor_metrics)
    canon = docs if canonical else canonical_documents(docs)
    by_doc: dict[str, list[Figure]] = defaultdict(list)
    for fig in figures:
        by_doc[fig.doc_id or ""].append(fig)
    figs: list[_Fig] = []
    if contexts is None:
        figs = _all_contexts(canon, by_doc, cores, blocks)
    else:
        for d in canon:
            figs += contexts(d, by_doc.get(d.id or "", []))
    cutoffs = _edition_cutoffs(figs, canon)
    editions = {v: k for k, v in cutoffs.items()}
    checks: list[tuple[Check, tuple]] = []
    builds: dict[tuple, _Build] = {}
    fuzzy: dict[tuple, _Group] = defaultdict(_Group)
    doc_rank = {d.id: i for i, d in enumerate(canon)}
    per_doc: dict[tuple, int] = defaultdict(int)
    for f in figs:
        if f.fig.metric not in scope and not f.back_ref:
            per_doc[(f.doc.id, f.fig.metric, f.fig.currency)] += 1

    planned = _planned_placements(figs, scope, actor_metrics, doc_rank, per_doc, cores)
    for f in figs:
        fig = f.fig
        if fig.metric in scope:
            if f.back_ref and not (f.edition or f.cutoff):
                continue
            f.cutoff = f.cutoff or (cutoffs.get(f.edition) if f.edition else None)
            f.edition = f.edition or editions.get(f.cutoff or "")
            f.point_key = f.cutoff or (f"RDNA{f.edition}" if f.edition else f"{f.doc.date or f.doc.year}")
            f.key = (fig.metric, f.sector, fig.currency, "assessment")
            b = builds.get(f.key) or builds.setdefault(
                f.key,
                _Build(
                    Series(metric=fig.metric, subject=f.sector, currency=fig.currency, axis="assessment"),
                    f.key,
                ),
            )
            b.members[f.point_key].append(f)
            continue
        if f.back_ref:
            continue
        f.point_key = doc_rank[f.doc.id]
        if fig.metric in actor_metrics and len(fig.actors) == 1:
            part = symbol_part(f.doc.symbol)  # one donor's line in two budget sections: two things
            f.key = (fig.metric, "actor:" + fig.actors[0], fig.currency, "report", *([part] if part else []))
            b = builds.get(f.key) or builds.setdefault(
                f.key, _Build(Series(metric=fig.metric, subject=fig.actors[0], currency=fig.currency), f.key)
            )
            b.members[f.point_key].append(f)
            continue
        alone = per_doc[(f.doc.id, fig.metric, fig.currency)] == 1
        if planned is None:
            _place_fuzzy(f, fuzzy[_identity(f)], builds, checks, alone)
        else:
            _apply(f, fuzzy[_identity(f)], builds, checks, alone, *planned[id(f)], scored=False)

    rdna_years: dict[int | str, int] = {}
    for d in canon:
        if d.kind == "assessment" and d.year:
            rdna_years.update({k: d.year for k in (d.edition, d.cutoff) if k})
    for b in builds.values():
        _fill_points(b, checks, cutoffs, rdna_years)
    return _Result(list(builds.values()), figs, checks, cutoffs)


def _is_fuzzy(f: _Fig, scope: set[str], actor_metrics: set[str]) -> bool:
    """Whether _analyse places the figure by its wording (_place_fuzzy)."""
    if f.fig.metric in scope or f.back_ref:
        return False
    return not (f.fig.metric in actor_metrics and len(f.fig.actors) == 1)


def _planned_placements(
    figs: list[_Fig], scope: set[str], actor_metrics: set[str], doc_rank: dict[str | None, int],
    per_doc: dict[tuple, int], cores: int,
) -> dict[int, _Placement] | None:
    """id(figure) -> its placement, chosen over `cores` processes (_placements); None when one process
    does it all (then _analyse places each figure as it goes, as before)."""
    if cores <= 1:
        return None
    groups: dict[tuple, list[tuple[_Fig, bool]]] = defaultdict(list)
    for f in figs:
        if _is_fuzzy(f, scope, actor_metrics):
            f.point_key = doc_rank[f.doc.id]  # as _analyse sets it
            groups[_identity(f)].append((f, per_doc[(f.doc.id, f.fig.metric, f.fig.currency)] == 1))
    members = list(groups.values())
    if sum(map(len, members)) < 2 * load_rules(ParallelSettings).min_records_per_process:
        return None  # too few to split: placed as they come
    decided = _placements(members, cores)
    return {id(f): p for group, places in zip(members, decided, strict=True)
            for (f, _), p in zip(group, places, strict=True)}


def _cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


R = TypeVar("R")
_DocChecks = tuple[list[Check], dict[str | None, tuple]]  # a document's table checks, its _block_cells
_BLOCKS_AT_ONCE = 20_000  # blocks held at once when they are read per document (~30 MB of Block models)


@dataclass
class _BlockReader:
    """Reads documents' blocks when a step needs them, a batch at a time: an archive's blocks held all at
    once (190 MB at 1,000 documents) were a fifth of compare's peak memory. `counts`: blocks per document.
    `done`: _doc_block_checks of the documents whose blocks were read for their contexts (not cached), so
    _block_checks does not read them again."""

    read: Callable[[str], list[Block]]
    counts: dict[str, int]
    done: dict[str, _DocChecks] = field(default_factory=dict)

    def batches(self, docs: list[Document]) -> Iterator[list[Document]]:
        """`docs` in order, with their blocks, about _BLOCKS_AT_ONCE blocks a batch."""
        batch: list[Document] = []
        size = 0
        for d in docs:
            batch.append(d)
            size += self.counts.get(d.id or "", 0)
            if size >= _BLOCKS_AT_ONCE:
                yield [self.loaded(x) for x in batch]
                batch, size = [], 0
        if batch:
            yield [self.loaded(x) for x in batch]

    def loaded(self, doc: Document) -> Document:
        return doc.model_copy(update={"blocks": self.read(doc.id or "")})


def _each_with_blocks(
    fn: Callable[[Document], R], docs: list[Document], cores: int, weight: Callable[[Document], int],
    blocks: _BlockReader | None,
) -> list[R]:
    """[fn(d) for d in docs], each d with its blocks, over `cores` processes (fork_each, weighed by blocks
    plus `weight`); with `blocks`, the documents hold none and are read a batch at a time, then dropped."""
    least = load_rules(ParallelSettings).min_records_per_process

    def size(d: Document) -> int:
        return len(d.blocks) + weight(d)

    if blocks is None:
        return fork_each(fn, docs, cores, size, least)
    return [r for batch in blocks.batches(docs) for r in fork_each(fn, batch, cores, size, least)]


def _all_contexts(
    canon: list[Document], by_doc: dict[str, list[Figure]], cores: int, blocks: _BlockReader | None = None
) -> list[_Fig]:
    """_contexts of every document, in order, the documents spread over `cores` processes (compare --no-cache
    computes them all: a third of its cost). A child sends back each figure's context fields, not its _Fig
    (that would pickle the document and its blocks), and they are set on the figures here as
    _stored_contexts does from its cache. `blocks`: the documents hold none, they are read a batch at a time
    (the figures then point to the documents without blocks)."""

    def figures_of(d: Document) -> list[Figure]:
        return by_doc.get(d.id or "", [])

    def rows(d: Document) -> list[list[Any]]:
        return _context_values(_contexts(d, figures_of(d)))

    def rows_and_checks(d: Document) -> tuple[list[list[Any]], _DocChecks]:
        return rows(d), _doc_block_checks(d, figures_of(d))

    if cores <= 1 and blocks is None:
        return [g for d in canon for g in _contexts(d, figures_of(d))]
    if blocks is None:
        found = _each_with_blocks(rows, canon, cores, lambda d: len(figures_of(d)), None)
    else:  # the blocks are read once: the checks that need them are made in the same pass
        both = _each_with_blocks(rows_and_checks, canon, cores, lambda d: len(figures_of(d)), blocks)
        blocks.done.update((d.id or "", checks) for d, (_, checks) in zip(canon, both, strict=True))
        found = [values for values, _ in both]
        del both
    pairs = zip(canon, found, strict=True)
    return [g for d, values in pairs for g in _with_context(d, figures_of(d), values)]


def _identity(f: _Fig) -> tuple:
    """What must agree for two figures to be one thing, whatever their wording: metric, currency, finer
    meaning, owner, period kind and recurrence; in a budget document also the part it is about (one
    sentence template repeated for each subprogramme is not one series); and the part of a document series
    its symbol names (the "Posts" row of budget section 25 is not the one of section 6)."""
    fig = f.fig
    about = f.budget_part if f.budget else None
    return (fig.metric, fig.currency, fig.budget_kind, tuple(fig.actors), fig.period_kind, fig.recurrence,
            about, symbol_part(f.doc.symbol))


def _same_time(a: _Fig, b: _Fig) -> bool:
    """Two statements are about the same time when their stated periods and years agree; amounts of one
    sentence are parts or neighbours, never a restatement of each other."""
    if a.fig.block_id == b.fig.block_id and a.doc.id == b.doc.id and a.fig.sentence == b.fig.sentence:
        return False
    pa = (a.fig.period.start, a.fig.period.end) if a.fig.period else None
    pb = (b.fig.period.start, b.fig.period.end) if b.fig.period else None
    return pa == pb and sorted(a.fig.years) == sorted(b.fig.years) and a.cutoff == b.cutoff


def _time_signature(a: _Fig) -> tuple:
    """What _same_time compares, as one value: figures are about the same time when these are equal."""
    period = (a.fig.period.start, a.fig.period.end) if a.fig.period else None
    return period, tuple(sorted(a.fig.years)), a.cutoff


def _time_clash(members: list[_Fig]) -> bool:
    """Whether two of `members` with different amounts are _same_time, without testing every pair (a point
    of an archive series holds hundreds of figures). Within one time signature such a pair exists exactly
    when the figures hold two amounts and come from two sentences: of two different amounts, a figure of
    another sentence differs from one of them (figures of one sentence are never _same_time)."""
    amounts: dict[tuple, set[float]] = defaultdict(set)
    sentences: dict[tuple, set[tuple]] = defaultdict(set)
    for g in members:
        sig = _time_signature(g)
        amounts[sig].add(g.fig.amount)
        sentences[sig].add((g.fig.block_id, g.doc.id, g.fig.sentence))
    return any(len(amounts[sig]) > 1 and len(sentences[sig]) > 1 for sig in amounts)


_Placement = tuple[str, int]  # "add" / "same" (value) / "restated" / "new"; the series' position in the group


def _place_fuzzy(
    f: _Fig, group: _Group, builds: dict[tuple, _Build], checks: list, alone: bool
) -> _Placement:
    """Best-matching series of the same metric and currency without a point in this edition yet (_choose),
    and the figure placed on it (_apply). Returns where it went."""
    how, pos = _choose(f, group, alone)
    _apply(f, group, builds, checks, alone, how, pos)
    return how, pos


def _choose(f: _Fig, group: _Group, alone: bool) -> _Placement:
    """Where a figure goes in its group, from the wordings scored so far (nothing is changed).

    A figure that is the only one of its metric and currency in its edition continues a series of such
    figures on looser wording ("P2C pledges reached ..." / "pledges now total ..."): there is no rival.
    Only series scoring at least the lowest threshold that could apply are ranked (the others would be
    passed over anyway)."""
    r = rules()
    cut = min(r.loose_match_threshold, r.match_threshold) if alone else r.match_threshold
    for sim, b in group.ranked(f, cut):
        here = b.members.get(f.point_key)
        loose = alone and b.alone and not here
        if sim < (r.loose_match_threshold if loose else r.match_threshold):
            continue
        if not here:
            return "add", b.pos
        if any(g.fig.amount == f.fig.amount for g in here):
            return "same", b.pos  # the same value stated again: one point
        if sim >= r.restatement_threshold and _same_wording(f, here[0]) and _same_time(f, here[0]):
            return "restated", b.pos
    return "new", len(group.builds)


def _apply(
    f: _Fig, group: _Group, builds: dict[tuple, _Build], checks: list, alone: bool, how: str, pos: int,
    scored: bool = True,
) -> None:
    """Place a figure as _choose decided. `scored=False`: the group is never scored again (its placements
    were chosen in other processes), so its wording index is not kept."""
    if how == "new":
        key = (f.fig.metric, f"#{len(builds)}", f.fig.currency, "report")
        b = _Build(
            Series(metric=f.fig.metric, subject=f.label or None, currency=f.fig.currency), key, alone=alone
        )
        group.add(b)
        builds[key] = b
    else:
        b = group.builds[pos]
    f.key = b.key
    if how == "restated":
        checks.append((_restatement(f.doc.id, [b.members[f.point_key][0], f], b.series), b.key))
        return
    if how == "add":
        b.alone = b.alone and alone
    b.members[f.point_key].append(f)
    if how != "same" and scored:
        b.add_wording(f, group)


def _placements(groups: list[list[tuple[_Fig, bool]]], cores: int) -> list[list[_Placement]]:
    """Where each figure of each group goes, the groups spread over `cores` processes: a group's placements
    depend on its own figures only (in their order), and scoring wordings is most of compare's cost.
    Each process places its groups on series of its own and sends back only the decisions."""

    def place(members: list[tuple[_Fig, bool]]) -> list[_Placement]:
        group, builds, checks = _Group(), dict[tuple, _Build](), list[Any]()  # private: decisions leave
        return [_place_fuzzy(f, group, builds, checks, alone) for f, alone in members]

    return fork_each(place, groups, cores, len, load_rules(ParallelSettings).min_records_per_process)


def _refs(label: str) -> set[str]:
    """Numbers that name things in a label ("section 33", "paragraph 4.87"), not amounts."""
    return set(re.findall(r"(?<![\d$.,])\d+(?:\.\d+)*[A-Z]?(?![\d,])", label))


def _same_wording(a: _Fig, b: _Fig) -> bool:
    """The same words about the same numbered thing ("under section 33" is not "under section 2")."""
    if _refs(a.label) != _refs(b.label):
        return False
    return fuzz.token_sort_ratio(_fuzzy_key(a.label), _fuzzy_key(b.label)) >= rules().restatement_threshold


def _restatement(doc_id: str | None, figs: list[_Fig], s: Series) -> Check:
    amounts = ", ".join(f"{g.fig.text} ({g.fig.doc_id or g.doc.id} {g.fig.block_id})" for g in figs)
    where = f"in {doc_id}" if doc_id else "across documents"
    return Check(
        kind="inconsistent_restatement",
        ok=False,
        message=f"{s.metric} {s.subject or ''} stated with different amounts {where}: {amounts}".replace(
            "  ", " "
        ),
        doc_id=doc_id,
        figures=[_point(g) for g in figs],
    )


def _pick(members: list[_Fig]) -> _Fig:
    """The primary source of a value: the assessment itself, else the first document that states it."""
    return min(members, key=lambda g: (g.doc.kind != "assessment", g.doc.year or 0, g.index))


def _fill_points(
    b: _Build, checks: list, cutoffs: dict[int, str], rdna_years: dict[int | str, int] | None = None
) -> None:
    s = b.series
    latest = _latest_per_doc(b)
    source: dict[int, _Fig] = {}  # id(point) -> the figure it shows
    for pk in sorted(b.members, key=lambda k: (0, k, "") if isinstance(k, int) else (1, 0, str(k))):
        members = b.members[pk]
        amounts: dict[float, list[_Fig]] = defaultdict(list)
        for g in members:
            amounts[g.fig.amount].append(g)
        if len(amounts) > 1 and (s.axis == "assessment" or _time_clash(members)):  # same thing *and* time
            by_doc: dict[str | None, set[float]] = defaultdict(set)
            for g in members:
                by_doc[g.doc.id].add(g.fig.amount)
            one_doc = next((d for d, v in by_doc.items() if len(v) > 1), None)
            shown = [vals[0] for vals in amounts.values()]
            checks.append((_restatement(one_doc, shown, s), b.key))
        best = _pick(members)
        label = None
        if s.axis == "assessment":
            ed = best.edition or next((e for e, c in cutoffs.items() if c == pk), None)
            label = f"RDNA{ed}" if ed else None
        else:
            label = best.doc.symbol or (str(best.doc.year) if best.doc.year else None)
        p = _point(best, label)
        p.also_in = sorted({g.doc.id or "" for g in amounts[best.fig.amount]} - {p.doc_id})
        if s.axis == "assessment" and _is_older(best, latest):
            _year_of_cited(p, best, rdna_years or {})
        source[id(p)] = best
        s.points.append(p)
    if s.axis == "assessment":
        s.points = _one_point_per_year(s.points, source)
    for prev, cur in zip(s.points, s.points[1:], strict=False):
        cur.change = cur.amount - prev.amount
        cur.pct_change = round(cur.change / prev.amount * 100, 2) if prev.amount else None
        if (
            prev.period
            and cur.period
            and (prev.period.start, prev.period.end) != (cur.period.start, cur.period.end)
        ):
            period = f"period {prev.period.start}-{prev.period.end} -> {cur.period.start}-{cur.period.end}"
            cur.note = _add_note(cur.note, period)


# -- years on the RDNA axis: one point per year --
def _add_note(note: str | None, more: str) -> str:
    return f"{note}; {more}" if note else more


def _rank(g: _Fig) -> tuple[str, int]:
    return (g.cutoff or "", g.edition or 0)


def _latest_per_doc(b: _Build) -> dict[str | None, tuple[str, int]]:
    """Per document, the latest cut-off (else edition) among its figures in the series: the figure it
    states as current; anything earlier in the same document is an older edition it cites."""
    latest: dict[str | None, tuple[str, int]] = {}
    for members in b.members.values():
        for g in members:
            if g.doc.id not in latest or _rank(g) > latest[g.doc.id]:
                latest[g.doc.id] = _rank(g)
    return latest


def _is_older(g: _Fig, latest: dict[str | None, tuple[str, int]]) -> bool:
    if g.doc.kind == "assessment" or g.doc.id not in latest:
        return False  # an RDNA document's points keep its year
    cut, ed = latest[g.doc.id]
    if g.cutoff and cut:
        return g.cutoff < cut
    return bool(g.edition and ed and g.edition < ed)


def rdna_year(cutoff: str | None) -> int | None:
    """The year an RDNA edition came out, from its cut-off (ISO date): published some months later
    (rules: rdna_publication_lag_months), so a 31 December cut-off belongs to the next year's edition."""
    m = re.match(r"(\d{4})(?:-(\d\d))?", cutoff or "")
    if not m:
        return None
    month = int(m.group(2) or 12) + rules().rdna_publication_lag_months
    return int(m.group(1)) + (month - 1) // 12


def _year_of_cited(p: SeriesPoint, g: _Fig, rdna_years: dict[int | str, int]) -> None:
    """An older figure a report cites besides its current one: the year of its RDNA edition, not the
    report's, so each report year keeps one point (its own edition's figure)."""
    cited = f"cited by {g.doc.id} ({g.doc.year}) as an earlier figure"
    known = (rdna_years.get(g.edition) if g.edition else None) or (
        rdna_years.get(g.cutoff) if g.cutoff else None
    )
    if known:
        p.year, why = known, "year of the RDNA document of that edition in the corpus"
    else:
        est = rdna_year(g.cutoff or p.as_of)
        if est is None:
            return
        lag = rules().rdna_publication_lag_months
        p.year, why = est, f"RDNA edition year estimated from cut-off {g.cutoff or p.as_of} + {lag} months"
    p.note = _add_note(p.note, f"year {p.year}: {why}; {cited}")


def _one_point_per_year(points: list[SeriesPoint], source: dict[int, _Fig]) -> list[SeriesPoint]:
    """Where two points still share a year, keep the one whose year is its cut-off's edition year
    (then an RDNA document's, then the later cut-off); the other is recorded in the kept one's also_in."""
    by_year: dict[int | None, list[SeriesPoint]] = defaultdict(list)
    for p in points:
        by_year[p.year].append(p)
    drop: set[int] = set()
    for year, group in by_year.items():
        if year is None or len(group) < 2:
            continue

        def merit(p: SeriesPoint, year: int = year) -> tuple:
            g = source.get(id(p))
            return (rdna_year(p.as_of) == year, g is not None and g.doc.kind == "assessment", p.as_of or "")

        keep = max(group, key=merit)  # max keeps the first of equals: the earlier on the axis
        for other in group:
            if other is keep:
                continue
            drop.add(id(other))
            keep.also_in = sorted(set(keep.also_in) | {other.doc_id, *other.also_in} - {keep.doc_id})
            dropped = f"{other.doc_id} also states {other.text} as of {other.as_of or '?'} for {year}"
            keep.note = _add_note(keep.note, dropped)
    return [p for p in points if id(p) not in drop]


def build_series(docs: list[Document], figures: list[Figure]) -> list[Series]:
    """Figures of the corpus aligned into series across editions, with change per step (pure)."""
    return [b.series for b in _analyse(docs, figures).builds]


# -- checks --
def _unit(f: Figure) -> float:
    """Half the last stated digit of an amount as written, in full units ("USD 2.48 billion" -> 0.005
    billion; a table cell "2,100" in US$ million -> 0.5 million): the scale is amount / number written."""
    m = re.search(r"(\d[\d\s\u00a0,]*)(?:\.(\d+))?", f.text)
    if not m:
        return 0.5
    written = float(re.sub(r"\D", "", m.group(1)) + "." + (m.group(2) or "0"))
    scale = f.amount / written if written else 1.0
    return 0.5 * scale * 10.0 ** -len(m.group(2) or "")


def _sum_check(total: _Fig, parts: list[_Fig], what: str) -> Check:
    r = rules()
    stated, summed = total.fig.amount, sum(p.fig.amount for p in parts)
    tol = max(r.sum_tolerance * stated, _unit(total.fig) + sum(_unit(p.fig) for p in parts))
    if total.fig.qualifier in r.lower_bound_qualifiers and summed <= stated + tol:
        tol = float("inf")  # "over X, including A and B": the parts may fall short of the total
    ok = abs(stated - summed) <= tol
    listed = " + ".join(p.fig.text for p in parts)
    off = summed - stated
    if re.fullmatch(r"[\d.,\s]+", total.fig.text):  # a bare table cell ("2,100" in US$ million): same unit
        written = float(re.sub(r"[^\d.]", "", total.fig.text) or 0)
        summed = summed / (stated / written) if written and stated else summed
    return Check(
        kind="sum_mismatch",
        ok=ok,
        message=f"{total.doc.id}: {what} {total.fig.text} vs parts {listed} = {summed:,.0f}"
        + ("" if ok else f" (off by {off:+,.0f})"),
        doc_id=total.doc.id,
        figures=[_point(total)] + [_point(p) for p in parts],
    )


def _leads_to_parts(trail: str) -> bool:
    """A parts marker that leads straight to the next amount ("X, including A", "X is comprised of (i) A")."""
    head = re.split(r"[;.]", trail)[0]
    return any(
        len(head[m.end() :]) <= 40 and not re.search(r"[,;]", head[m.end() :].strip(" :,"))
        for m in _res()["parts"].finditer(head)
    )


def _by_document(figs: list[_Fig]) -> list[list[_Fig]]:
    """The figures of each document, in order: the per-document checks look at one document at a time."""
    by_doc: dict[str | None, list[_Fig]] = defaultdict(list)
    for f in figs:
        by_doc[f.doc.id].append(f)
    return list(by_doc.values())


def _block_cells(doc: Document, figures: list[Figure]) -> dict[str | None, tuple]:
    """Kind, table and column of the block each figure stands in (the first block of that id), for
    _sum_checks: what it needs of a document's blocks, kept once the blocks are dropped."""
    first = {b.id: b for b in reversed(doc.blocks)}
    return {
        f.block_id: (b.kind, b.table, b.col)
        for f in figures
        if f.block_id is not None and (b := first.get(f.block_id)) is not None
    }


def _doc_block_checks(doc: Document, figures: list[Figure]) -> _DocChecks:
    """The sum checks of one document's tables (table_checks) and its _block_cells: all the checks read of
    its blocks."""
    from corpus import table_checks  # here: it loads the table readers, which a warm query does not need

    return table_checks.document_table_checks(doc, figures), _block_cells(doc, figures)


def _block_checks(
    docs: list[Document], figures: list[Figure], cores: int, blocks: _BlockReader | None
) -> tuple[list[Check], dict[str | None, dict[str | None, tuple]]]:
    """What the checks read from blocks, a document at a time (over `cores` processes; with `blocks`, each
    read then dropped, unless its checks were made with its contexts): _doc_block_checks of each."""
    by_doc: dict[str | None, list[Figure]] = defaultdict(list)
    for f in figures:
        by_doc[f.doc_id].append(f)

    def read(d: Document) -> _DocChecks:
        return _doc_block_checks(d, by_doc.get(d.id, []))

    done = blocks.done if blocks is not None else {}
    todo = [d for d in docs if (d.id or "") not in done]
    fresh = iter(_each_with_blocks(read, todo, cores, lambda d: len(by_doc.get(d.id, [])), blocks))
    found = [done[d.id or ""] if (d.id or "") in done else next(fresh) for d in docs]
    checks = [c for own, _ in found for c in own]
    return checks, {d.id: cells for d, (_, cells) in zip(docs, found, strict=True)}


def _sum_checks(
    figs: list[_Fig], cells: dict[str | None, dict[str | None, tuple]]
) -> list[tuple[Check, _Fig]]:
    """Totals with their stated parts ("X, including A, B and C") and table Total rows with their rows.
    `cells`: document id -> _block_cells of its figures."""
    out: list[tuple[Check, _Fig]] = []
    for doc_figs in _by_document(figs):
        parts_of: dict[int, list[_Fig]] = defaultdict(list)
        for f in doc_figs:
            if f.fig.parts_of is not None and f.fig.parts_of != f.index:
                parts_of[f.fig.parts_of].append(f)
        for f in doc_figs:  # no parts_of from the extractor: a total followed by a parts marker
            if f.index in parts_of or not _leads_to_parts(f.trail):
                continue
            after = [
                g
                for g in doc_figs
                if g.fig.block_id == f.fig.block_id and g.fig.sentence == f.fig.sentence and g.index > f.index
            ]
            if len(after) >= 2 and not any(g.fig.parts_of is not None for g in after):
                parts_of[f.index] = after
        for idx, parts in list(parts_of.items()):
            total = next((g for g in doc_figs if g.index == idx), None)
            parts = [p for p in parts if total and p.fig.currency == total.fig.currency]
            if total and len(parts) >= 2:
                out.append((_sum_check(total, parts, "total"), total))
        tables: dict[tuple, list[_Fig]] = defaultdict(list)
        for f in doc_figs:
            blk = cells.get(f.doc.id, {}).get(f.fig.block_id)
            if blk is not None and blk[0] != "table_cell":
                continue
            table = blk[1:] if blk is not None else None
            tables[(f.fig.metric, f.fig.currency, f.fig.chapter, table)].append(f)
        for rows in tables.values():
            totals = [
                f
                for f in rows
                if _is_total_row(f) and f.index not in parts_of  # not already checked above
            ]
            items = [f for f in rows if not _is_total_row(f) and f.fig.subject]
            for t in totals:
                if len(items) >= 2:
                    out.append((_sum_check(t, items, "table Total"), t))
    return out


def _is_total_row(f: _Fig) -> bool:
    return (f.fig.subject or "").strip().lower().startswith("total")


def _table_row(f: _Fig, blocks: dict[str, Any]) -> str | None:
    """The row label of a table figure (RDNA tables: subsector rows), None for prose figures."""
    block = blocks.get(f.fig.block_id or "")
    in_table = (
        block.kind == "table_cell"
        if block is not None
        else bool(f.fig.subject and (f.fig.sentence or "").startswith(f.fig.subject + " /"))
    )
    return f.fig.subject if in_table and f.fig.subject else None


def _ref_point(f: _Fig, b: _Build, ref: str, cutoffs: dict[int, str]) -> SeriesPoint | None:
    """The series point a stated change compares against, if the corpus has it."""
    pts = b.series.points
    mine = next((i for i, p in enumerate(pts) if p.doc_id == f.doc.id and p.amount == f.fig.amount), None)
    low = ref.lower()
    if any(w in low for w in rules().previous_refs):
        return pts[mine - 1] if mine else None
    ed = _edition_in(ref)
    if ed is not None:
        if b.series.axis != "assessment":
            return None
        return next(
            (p for p in pts if p.edition == f"RDNA{ed}" or (p.as_of and p.as_of == cutoffs.get(ed))), None
        )
    year = re.search(r"(?:19|20)\d\d", ref)
    if year:
        y = int(year.group(0))
        if b.series.axis == "assessment":
            return next((p for p in pts if (p.as_of or "").startswith(str(y))), None)
        return next((p for p in pts if p.year == y), None)
    return None


def _stated_changes(figs: list[_Fig], builds: dict[tuple, _Build], cutoffs: dict[int, str]) -> list:
    r = rules()
    out = []
    lowest: dict[tuple[int, str | None], int] = {}  # (document, sentence) -> index of its first figure
    for g in figs:
        k = (id(g.doc), g.fig.sentence)
        lowest[k] = min(lowest.get(k, g.index), g.index)
    cue_in: dict[str, bool] = {}  # a lead or trail recurs across editions: each distinct one is searched once
    for f in figs:
        b = builds.get(f.key)
        if b is None:
            continue
        first = lowest[(id(f.doc), f.fig.sentence)] >= f.index
        for text in [f.trail] + ([f.lead] if first else []):
            cue = cue_in.get(text)
            if cue is None:
                cue = cue_in[text] = bool(_res()["any_stated"].search(text))
            if not cue:
                continue
            for pat in _res()["stated"]:
                for m in pat.finditer(text):
                    ref = _ref_point(f, b, m.group("ref"), cutoffs)
                    if ref is None or not ref.amount:  # reference not in the corpus: listed as unverified
                        why = f"{m.group('ref')} is not in the corpus (no figure of this series for it)"
                        check = Check(
                            kind="unverified",
                            ok=False,
                            message=f"{f.doc.id}: {b.series.metric} {f.fig.text} stated as {m.group('dir')} "
                            f"of {m.group('pct')}% against {m.group('ref')}: not checked, {why}",
                            doc_id=f.doc.id,
                            figures=[_point(f)],
                            reason=why,
                            unverified_kind="stated_change",
                        )
                        out.append((check, b.key))
                        continue
                    sign = -1 if m.group("dir").lower() in r.down_words else 1
                    stated = sign * float(m.group("pct"))
                    computed = (f.fig.amount - ref.amount) / ref.amount * 100
                    ok = abs(computed - stated) <= r.stated_change_tolerance_pp
                    msg = (
                        f"{f.doc.id}: {b.series.metric} {f.fig.text} stated as {stated:+g}% against "
                        f"{m.group('ref')} ({ref.text}, {ref.doc_id}); computed {computed:+.1f}%"
                    )
                    check = Check(
                        kind="stated_change", ok=ok, message=msg, doc_id=f.doc.id, figures=[ref, _point(f)]
                    )
                    out.append((check, b.key))
    return out


def _rounding(text: str) -> float:
    """Half the place of the last non-zero digit of an amount as written: "CHF 191 000" is exact to the
    thousand at best (500); "CHF 16 294" to the unit (0.5). Scale words multiply ("USD 2.5 million")."""
    m = re.search(r"\d[\d\s\u00a0,.]*\d|\d", text)
    if not m:
        return 0.5
    digits = re.sub(r"\D", "", m.group(0).split(".")[0])
    decimals = m.group(0).split(".")[1] if "." in m.group(0) else ""
    if decimals.strip("0"):
        place = 10.0 ** -len(decimals.rstrip("0"))
    else:
        place = 10.0 ** (len(digits) - len(digits.rstrip("0"))) if digits.strip("0") else 1.0
    return 0.5 * place


def _listed_parts_checks(figs: list[_Fig]) -> list[tuple[Check, _Fig]]:
    """Amounts listed one per owner in one sentence ("Japan (CHF 100 000; 2022), Czech Republic (CHF 57 000
    ...)") against the total the same document states for them elsewhere ("CHF 191 000 in monetary voluntary
    contributions"): the stated total of the same metric and currency nearest to their sum, within
    rules' listed_parts_match_share. Exact parts against a round total: it must be their sum rounded."""
    r = rules()
    out = []
    for doc_figs in _by_document(figs):
        lists: dict[tuple, list[_Fig]] = defaultdict(list)
        for f in doc_figs:
            if len(f.fig.actors) == 1 and f.fig.parts_of is None:
                lists[(f.fig.block_id, f.fig.sentence, f.fig.metric, f.fig.currency)].append(f)
        for (_, _, metric, cur), parts in lists.items():
            owners = {p.fig.actors[0] for p in parts}
            if len(parts) < 2 or len(owners) != len(parts):
                continue
            summed = sum(p.fig.amount for p in parts)
            ids = {id(p) for p in parts}
            cands = [
                g for g in doc_figs
                if id(g) not in ids and g.fig.metric == metric and g.fig.currency == cur
                and not g.fig.actors and abs(g.fig.amount - summed) <= r.listed_parts_match_share * summed
            ]
            if not cands:
                continue
            total = min(cands, key=lambda g: abs(g.fig.amount - summed))
            tol = _rounding(total.fig.text) + sum(_unit(p.fig) for p in parts)
            ok = abs(total.fig.amount - summed) <= tol
            listed = " + ".join(f"{p.fig.actors[0]} {p.fig.text}" for p in parts)
            msg = f"{total.doc.id}: {metric} {total.fig.text} stated vs listed {listed} = {summed:,.0f}"
            if not ok:
                msg += f" (off by {summed - total.fig.amount:+,.0f})"
            out.append((Check(kind="listed_parts_sum", ok=ok, message=msg, doc_id=total.doc.id,
                              figures=[_point(total)] + [_point(p) for p in parts]), total))
    return out


def _annual_checks(figs: list[_Fig]) -> list[tuple[Check, _Fig]]:
    """An amount recurring every year since a start ("CHF 85 000 ... annually" since 2022) against the share
    of the same owner and currency inside a running total of the same document ("CHF 346 000 since 2022,
    including CHF 85 000 from the ITU budget"): the share should be the yearly amount times the years run."""
    out = []
    for doc_figs in _by_document(figs):
        index = {g.index: g for g in doc_figs}
        for a in doc_figs:
            if a.fig.recurrence != "annual" or not a.fig.years or not a.fig.actors:
                continue
            for g in doc_figs:
                total = index.get(g.fig.parts_of) if g.fig.parts_of is not None else None
                if (
                    g is a or total is None or not total.fig.cumulative
                    or g.fig.currency != a.fig.currency or not set(g.fig.actors) & set(a.fig.actors)
                ):
                    continue
                full = len(a.fig.years) - 1  # the document's own year may not be over yet
                low, high = a.fig.amount * max(full, 1), a.fig.amount * len(a.fig.years)
                ok = low - _unit(g.fig) <= g.fig.amount <= high + _unit(g.fig)
                msg = (
                    f"{a.doc.id}: {a.fig.text} a year over {a.fig.years[0]}-{a.fig.years[-1]} gives "
                    f"{low:,.0f} to {high:,.0f}; the running total {total.fig.text} counts {g.fig.text}"
                )
                out.append((Check(kind="annual_vs_cumulative", ok=ok, message=msg, doc_id=a.doc.id,
                                  figures=[_point(a), _point(g), _point(total)]), a))
    return out


def _is_cumulative(f: _Fig) -> bool:
    text = f"{f.window} {f.fig.sentence or ''}"
    if _res()["not_cumulative"].search(f.window):
        return False
    return f.fig.cumulative or bool(_res()["cumulative"].search(text))


def _cumulative_checks(b: _Build) -> list[Check]:
    s = b.series
    figs = [g for members in b.members.values() for g in members]
    actor_series = s.metric in rules().actor_metrics and b.key[1].startswith("actor:")
    if not (actor_series or any(_is_cumulative(g) for g in figs)):
        return []
    out = []
    for prev, cur in zip(s.points, s.points[1:], strict=False):
        if cur.amount < prev.amount:
            out.append(
                Check(
                    kind="cumulative_decrease",
                    ok=False,
                    message=f"{s.metric} {s.subject or ''}: running total falls from {prev.text} "
                    f"({prev.doc_id}) to {cur.text} ({cur.doc_id})",
                    doc_id=cur.doc_id,
                    figures=[prev, cur],
                )
            )
    return out


def analyse(
    docs: list[Document],
    figures: list[Figure],
    canonical: bool = False,
    contexts: Callable[[Document, list[Figure]], list[_Fig]] | None = None,
    cores: int = 1,
    blocks: _BlockReader | None = None,
) -> tuple[list[Series], list[Check]]:
    """Series and every check, passing ones included (ok=True); each series carries its own checks (pure).
    `canonical`: `docs` already come from canonical_documents (one per edition, in order): not redone.
    `contexts`: _contexts or a cached equivalent (_stored_contexts). `cores`: processes the independent
    work may be split over (figure contexts without a cache, placements per wording group, table checks);
    the result is the same. `blocks`: `docs` hold no blocks (nor may `contexts` need them); each step that
    reads them reads a batch of documents at a time (an archive's blocks are not held all at once)."""
    res = _analyse(docs, figures, canonical, contexts, cores, blocks)
    builds = {b.key: b for b in res.builds}
    pairs: list[tuple[Check, tuple]] = list(res.checks)
    from corpus import table_checks

    found, cells = _block_checks(table_checks.checked_documents(docs, res.figs), figures, cores, blocks)
    pairs += [(c, t.key) for c, t in _sum_checks(res.figs, cells)]
    pairs = table_checks.with_table_checks(pairs, docs, figures, res.figs, cores, found)
    pairs += [(c, t.key) for c, t in _listed_parts_checks(res.figs)]
    pairs += [(c, t.key) for c, t in _annual_checks(res.figs)]
    pairs += _stated_changes(res.figs, builds, res.cutoffs)
    for b in res.builds:
        pairs += [(c, b.key) for c in _cumulative_checks(b)]
    for c, key in pairs:
        if key in builds:
            builds[key].series.checks.append(c)
    checks = [c for c, _ in pairs]
    # points set alike share one fields set (70 MB of an archive's series otherwise), now they are final
    share_fields_set(p for b in res.builds for p in b.series.points)
    share_fields_set(p for c in checks for p in c.figures)
    return [b.series for b in res.builds], checks


def _code_hash() -> str:
    """The hash of the code and rules compare's results depend on (corpus.warm finds them without
    importing them: a warm query must not pay that)."""
    return warm.code_hash()


def _cache_key(store: Any) -> str:
    """Changes with any stored document (added, replaced, removed) and with the rules or the code."""
    return warm.cache_key(store)


_CONTEXT_FIELDS = (
    "lead", "trail", "edition", "cutoff", "back_ref", "sector", "label", "budget", "budget_part"
)


def _context_values(figs: list[_Fig]) -> list[list[Any]]:
    """Each figure's _CONTEXT_FIELDS, as plain values: what the per-document cache keeps, and what a worker
    or a child process sends back instead of the _Figs (which would carry the document and its blocks)."""
    return [[getattr(g, name) for name in _CONTEXT_FIELDS] for g in figs]


def _with_context(doc: Document, figures: list[Figure], rows: list[list[Any]]) -> list[_Fig]:
    """The _Figs of one document's figures from the values _context_values gave, figure by figure."""
    return [
        _Fig(fig=f, doc=doc, index=i, **dict(zip(_CONTEXT_FIELDS, row, strict=True)))
        for i, (f, row) in enumerate(zip(figures, rows, strict=True))
    ]


def _stored_versions(store: Any) -> dict[str, tuple]:
    """Document id -> what says which stored version of it compare sees (hash, ingest time, figures)."""
    rows = store.conn.execute("SELECT id, sha256, ingested_at, n_figures FROM documents")
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _context_key(code: str, version: tuple | None, doc: Document, figures: list[Figure]) -> str:
    """The compare_doc cache key of one document's figure contexts: the code and rules, the stored version
    and record of the document, and the figures they were computed for, in order."""
    h = hashlib.sha256(f"{code}|{doc.id}|{version}".encode())
    h.update(doc.model_dump_json(exclude={"blocks"}).encode())
    for f in figures:
        h.update(f"|{f.block_id}|{f.text}|{f.amount}|{f.metric}".encode())
    return h.hexdigest()[:32]


def context_rows(doc: Document, figures: list[Figure]) -> list[list[Any]]:
    """The per-document part of compare (pure): _contexts of each figure as the rows compare_doc keeps.
    Ingest workers compute it next to the extraction, in parallel, so compare (and the one at the end of
    an ingest) only places figures and checks them; the texts it cached are dropped here, so a worker
    holds no document's text after that document."""
    try:
        return _context_values(_contexts(doc, figures))
    finally:
        for cached_fn in (_edition_in, _as_of_in, _sector_of):
            cached_fn.cache_clear()


def keep_context_rows(
    store: Any, doc_id: str, figures: list[Figure], rows: list[list[Any]], code: str | None = None
) -> bool:
    """Store rows a worker computed (context_rows) for the document just stored as `doc_id`, under the key
    compare will look it up by. `figures` are the ones the rows were computed for: unless they are the
    stored ones, in order, nothing is kept (compare computes them again). `code`: _code_hash(), once per
    ingest. False when nothing was kept."""
    row = store.conn.execute(
        "SELECT sha256, ingested_at, n_figures, data FROM documents WHERE id = ?", (doc_id,)
    ).fetchone()
    if row is None or len(rows) != len(figures) or row[2] != len(figures):
        return False
    doc = Document.model_validate_json(row[3])  # as compare reads it (Store.documents)
    key = _context_key(code or _code_hash(), tuple(row[:3]), doc, figures)
    return store.cache("compare_doc", key, json.dumps(rows), doc_id=doc_id) is not None


def _stored_contexts(
    store: Any, blocks: _BlockReader | None = None
) -> Callable[[Document, list[Figure]], list[_Fig]]:
    """_contexts through the store cache, one entry per document (tied to it: replacing or removing the
    document drops it), keyed by its stored version, its figures and the rules and code: the edition, cut-off,
    sector and wording of each figure are the document's own, so a compare after adding one document
    analyses that document only (the series are still built across all of them). Ingest workers fill the
    entries as they extract (keep_context_rows). `blocks`: the documents hold none; a document not cached
    has its blocks read, and its block checks made while they are (_BlockReader.done)."""
    code = _code_hash()
    stored = _stored_versions(store)

    def contexts(doc: Document, figures: list[Figure]) -> list[_Fig]:
        key = _context_key(code, stored.get(doc.id or ""), doc, figures)
        cached = store.cache("compare_doc", key)
        if cached:
            rows = json.loads(cached)
            if len(rows) == len(figures):
                return _with_context(doc, figures, rows)
        full = blocks.loaded(doc) if blocks is not None else doc
        figs = _contexts(full, figures)
        if blocks is not None:
            blocks.done[doc.id or ""] = _doc_block_checks(full, figures)
        for f in figs:  # not the copy with blocks: they go with this document
            f.doc = doc
        store.cache("compare_doc", key, json.dumps(_context_values(figs)), doc_id=doc.id)
        return figs

    return contexts


def _series_lines(series: list[Series]) -> Iterator[tuple[str, str]]:
    """The compare cache entries, one line per series led by `[metric, currency, subject]` TAB, so a filtered
    query reads only the series it shows: "compare", the series' JSON (JSON text holds no raw tab or newline);
    "compare_cells", its table cells TAB its CSV lines (`corpus.cells` of that JSON, as JSON); "compare_text",
    its indented JSON pieces (`series_json`) joined by \\x1f, a series a line ended by \\x1e (indented JSON
    holds newlines, but no other raw control character). A warm table, CSV or JSON then parses no series
    and formats no value; the whole text of an unfiltered one is kept by the query (`corpus.warm`), and
    these entries end empty. One entry at a time (an archive's are 30-70 MB each): written before the next is
    built."""
    from corpus.cells import series_cells, series_csv, series_json

    heads = [json.dumps([s.metric, s.currency, s.subject]) + "\t" for s in series]
    bodies = [s.model_dump_json() for s in series]
    yield "compare", "\n".join(map(str.__add__, heads, bodies))

    def cells(values: dict) -> str:
        return json.dumps(series_cells(values), ensure_ascii=False) + "\t" + json.dumps(series_csv(values))

    yield "compare_cells", "\n".join(h + cells(json.loads(b)) for h, b in zip(heads, bodies, strict=True))
    texts = (h + "\x1f".join(series_json(json.loads(b))) for h, b in zip(heads, bodies, strict=True))
    yield "compare_text", "\x1e".join(texts)
    for name in warm.PRINTED:  # emptied: the text a query printed from the last corpus's entries
        yield name, ""


@lru_cache(maxsize=1)
def _series_list() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[Series])


def _analysed(store: Any, want: Callable[[dict], bool] | None = None, use_cache: bool = True) -> list[Series]:
    """Every series with all its checks, from the cache when the corpus and the rules are unchanged.

    The analysis reads every block and figure of the corpus; a query should not pay it twice (a read-only
    or busy database just skips the cache). `use_cache=False` neither reads nor writes any compare cache
    (the whole corpus and per-document entries): the cold cost, and a check that the cache changes nothing."""
    key = _cache_key(store) if use_cache else ""
    cached = store.cache("compare", key) if use_cache else None
    if cached is not None and want is None:  # in one pass (Rust), not per series from Python dicts
        bodies = ",".join(body for _, body in warm.cached_series(cached))
        return _series_list().validate_json("[" + bodies + "]")
    # `want` drops series before they are parsed: a filtered query on an archive reads only its own
    if cached is not None and want is not None:
        return [Series.model_validate_json(body) for head, body in warm.cached_series(cached) if want(head)]
    docs = canonical_documents(store.documents(), store_text(store))  # without blocks: read when needed
    blocks = _BlockReader(store.blocks, store.block_counts())
    contexts = _stored_contexts(store, blocks) if use_cache else None
    series = _compacted(
        analyse(docs, store.figures(), canonical=True, contexts=contexts, cores=_cores(), blocks=blocks)[0]
    )
    if use_cache:
        for name, entry in _series_lines(series):
            store.cache(name, key, entry, replace=True)
            del entry  # before the next entry is built
            _release_freed()
    return series


def _compacted(series: list[Series]) -> list[Series]:
    """The series rebuilt from their JSON once the analysis has let go of everything else. Its figures,
    contexts and checks are freed by then, but the heap they shared with the series stays mapped in pieces
    (200 MB at 1,000 documents), under the cache entries and the output built next; rebuilt, the series sit
    in fresh memory and the rest goes back to the system. The same JSON round trip as a cached compare's.
    Each series is dropped once written, so its JSON takes the place it leaves."""
    bodies: list[str] = []
    series.reverse()
    while series:
        bodies.append(series.pop().model_dump_json())
    text = "[" + ",".join(bodies) + "]"  # popped from the reversed list: in order
    del bodies
    for cached_fn in (_edition_in, _as_of_in, _sector_of, _fuzzy_key, _stems):  # texts, sentences: can go now
        cached_fn.cache_clear()
    _release_freed()
    return _series_list().validate_json(text)


def _release_freed() -> None:
    """Hand the memory freed so far back to the system. glibc keeps freed chunks in its heap for reuse, but
    the cache entries (30-70 MB strings, and SQLite's copies of them) are mapped afresh, never in those
    holes: after an archive's analysis (200 MB of figures and contexts freed) they stacked on top of them.
    Elsewhere (no glibc) a no-op."""
    import ctypes  # here: a warm query does not load it

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


def compare(
    store: Any,
    metric: str | None = None,
    subject: str | None = None,
    currency: str | None = None,
    all_checks: bool = False,
    use_cache: bool = True,
) -> tuple[list[Series], list[Check]]:
    """Series of the stored corpus (filtered by metric, subject substring, currency) and their checks;
    only failed and unverified (not computable) checks unless `all_checks`. References resolve against
    the whole corpus, not the filter. `use_cache=False`: computed from the stored records, cache untouched."""
    match = warm.series_filter(metric, subject, currency)

    def want(s: dict) -> bool:
        return match(s.get("metric"), s.get("currency"), s.get("subject"))

    keep = [
        s
        for s in _analysed(store, want if metric or subject or currency else None, use_cache)
        if match(s.metric, s.currency, s.subject)
    ]
    for s in keep:  # unverified checks (ok=false, kind "unverified") are listed with the failed ones
        s.checks = [c for c in s.checks if all_checks or not c.ok]
    return keep, [c for s in keep for c in s.checks]


def compare_json(
    store: Any,
    metric: str | None = None,
    subject: str | None = None,
    currency: str | None = None,
    all_checks: bool = False,
    use_cache: bool = True,
) -> tuple[list[dict], list[dict]]:
    """compare() as the JSON values of its series and checks (`Series.model_dump(mode="json")`), what the
    CLI prints. A warm query parses the cached JSON and builds no model: the entry was written by this
    code and these rules (its key holds their hash), so validating every series again (seconds on an
    archive) would prove nothing."""
    cached = store.cache("compare", _cache_key(store)) if use_cache else None
    if cached is not None:
        match = warm.series_filter(metric, subject, currency)
        rows = [
            json.loads(body)
            for s, body in warm.cached_series(cached)
            if match(s.get("metric"), s.get("currency"), s.get("subject"))
        ]
    else:
        found = compare(store, metric, subject, currency, True, use_cache)[0]
        rows = [s.model_dump(mode="json") for s in found]
    for s in rows:
        s["checks"] = [c for c in s["checks"] if all_checks or not c["ok"]]
    return rows, [c for s in rows for c in s["checks"]]


def refresh_cache(store: Any) -> int:
    """Analyse the corpus now (after an ingest), as audit does, so the first `compare` is a cache read; only
    documents added or replaced since the last analysis have their figures analysed again (per-document
    cache). Returns the number of series."""
    return len(_analysed(store))
