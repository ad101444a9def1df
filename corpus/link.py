"""Paragraph <-> clause links: how strongly a report paragraph addresses each operative clause.

Reports paraphrase the resolution, so string similarity alone is weak. A link score (0..1) is the sum of:

- cues (weight 0.55): the clause's own key terms (content words of its verb + text, minus the stop and generic
  words of schemas/data/clause_cues.json) plus the synonym phrases that file's `expand` entries add when their
  `when` terms occur in the clause text. Each cue is weighted by specificity across the resolution's operative
  clauses (a cue every clause shares counts 0), phrases more than single words, and a clause word that is part
  of one of its phrases ("member" of "member states") half alone; matched weights saturate as 1 - exp(-sum).
  A different resolution gets cues from its own wording with no code change.
- heading (0.30): the same cue match on the title of the section the paragraph sits under.
- lead-in (0.15): for a list item, the cue match of the paragraph introducing its list.
- similarity (0.10): rapidfuzz token_set_ratio on stemmed content words, rescaled; modest on purpose.
- figures (0.10): a figure in the paragraph whose metric maps (`figure_terms`) to one of the clause's cues.
- actors (0.10): a Member State named in the paragraph, for a clause addressed to Member States, when the
  paragraph also states a figure fitting that clause (a contributor with its amount); the beneficiary named in
  the clauses themselves does not count.

Headings, label-like blocks (fewer than MIN_CONTENT_WORDS words) and procedural sentences (`procedural`
patterns: "invited to note", summary-box labels, bare citations) score 0. Overview paragraphs ("this report
outlines ...", Introduction/Purpose sections) are scaled by OVERVIEW_FACTOR: they list topics, they do not
report action. A paragraph links to a clause when its score is >= LINK_THRESHOLD and >= RELATIVE_FLOOR of its
best clause score, so an incidental cue does not add a second link. Measured on the 2026 report against
tests/labels/c26_report_audit.json: F1 0.90 in TXT, DOCX and PDF; 0.89-0.92 for thresholds 0.25-0.35 and
floors 0.65-0.80, so the result does not hang on one setting.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from schemas.models import ActorMention, Block, Clause, Evidence, Figure
from schemas.rules import ClauseCues as ClauseLexicon
from schemas.rules import LinkCues, load_rules

LINK_THRESHOLD = 0.30
RELATIVE_FLOOR = 0.70
MIN_CONTENT_WORDS = 4
KEY_TERM_WEIGHT = 0.4  # a single content word of the clause; lexicon phrases weigh 1.0, lexicon words 0.6
OVERVIEW_FACTOR = 0.35
W_CUE, W_HEADING, W_LEADIN, W_FUZZY, W_FIGURE, W_ACTOR = 0.55, 0.30, 0.15, 0.10, 0.10, 0.10

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")
_SUFFIXES = (
    ("isations", "iz"),
    ("izations", "iz"),
    ("isation", "iz"),
    ("ization", "iz"),
    ("ations", "at"),
    ("ation", "at"),
    ("utions", "ut"),
    ("ution", "ut"),
    ("ally", "al"),
    ("ies", "y"),
    ("ings", ""),
    ("ing", ""),
    ("ised", "iz"),
    ("ized", "iz"),
    ("ise", "iz"),
    ("ize", "iz"),
    ("ments", ""),
    ("ment", ""),
    ("ed", ""),
    ("es", ""),
    ("s", ""),
    ("e", ""),
)


@lru_cache(maxsize=1)
def _lexicon() -> ClauseLexicon:
    """clause_cues.json with the linker's own additions (link_cues.json: UN-family generic and procedural
    wording, BM25 damping) appended to its lists."""
    lex, extra = load_rules(ClauseLexicon), _link_data()
    merged = {
        key: getattr(lex, key) + [x for x in getattr(extra, key) if x not in getattr(lex, key)]
        for key in ("generic", "procedural")
    }
    return lex.model_copy(update=merged)


def _link_data() -> LinkCues:
    return load_rules(LinkCues)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to meet 'monitor/monitoring', 'coordinate/coordination'."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suf, rep in _SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            if suf == "s" and word.endswith("ss"):
                return word
            return word[: -len(suf)] + rep
    return word


def tokens(text: str) -> list[str]:
    """Lowercased, stemmed word tokens; hyphenated words stay whole ("disaster-affected")."""
    return [_token(w) for w in _WORD.findall(text.lower().replace("\u2019", "'"))]


@lru_cache(maxsize=200_000)
def _token(word: str) -> str:
    return stem(word.removesuffix("'s"))


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    return frozenset(stem(w) for w in _lexicon().stopwords)


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    lex = _lexicon()
    return frozenset(stem(w) for w in lex.stopwords + lex.generic)


def content_words(text: str) -> list[str]:
    return _content(tokens(text))


def _content(toks: Iterable[str]) -> list[str]:
    stop = _stop()
    return [t for t in toks if t not in stop and len(t) > 1 and not t.isdigit()]


@dataclass(frozen=True)
class ClauseCues:
    clause_id: str
    weights: dict[tuple[str, ...], float]  # stemmed cue phrase -> weight
    content: str  # stemmed content words, for fuzzy similarity
    addressee: str | None  # "member_state" when the clause invites Member States
    mentions: frozenset[str]  # stemmed words of the clause text: its beneficiary is not evidence


def _contains(seq: Sequence[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    if n == 1:
        return phrase[0] in seq
    return any(tuple(seq[i : i + n]) == phrase for i in range(len(seq) - n + 1))


@lru_cache(maxsize=4096)
def _phrase(p: tuple[str, ...]) -> str:
    return f" {' '.join(p)} "


@dataclass(frozen=True)
class Features:
    """What scoring needs from one text, computed once per distinct text (cached)."""

    toks: tuple[str, ...]  # stemmed tokens
    words: frozenset[str]
    joined: str  # " tok tok ... ", to find phrases by substring
    content: str  # stemmed content words joined, for fuzzy similarity
    n_content: int  # words other than stop words (generic words count): a paragraph, not a label?


@lru_cache(maxsize=200_000)
def features(text: str) -> Features:
    toks = tuple(tokens(text))
    words = _content(toks)
    n_words = sum(1 for t in toks if t not in _stopwords() and t.isalpha() and len(t) > 1)
    return Features(toks, frozenset(toks), f" {' '.join(toks)} ", " ".join(words), n_words)


_NAME = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:(?:of|for|on|and|the|in|to)\s+)*[A-Z][\w'’-]+)+")


def named_bodies(text: str) -> list[tuple[str, ...]]:
    """Stemmed token phrases of the capitalised names a clause holds (bodies, programmes, instruments), two
    words or more once the generic ones are dropped; the first word of the text is not a name by itself."""
    out = []
    for m in _NAME.finditer(text):
        toks = tuple(tokens(m.group(0)))
        while toks and toks[0] in _stop():
            toks = toks[1:]
        while toks and toks[-1] in _stop():
            toks = toks[:-1]
        if len(_content(toks)) >= 2:
            out.append(toks)
    return out


@lru_cache(maxsize=256)
def _cues_for(clauses_key: tuple[tuple[str, str], ...]) -> tuple[ClauseCues, ...]:
    """Cue sets for one resolution's operative clauses; cached because every audit query reuses them."""
    lex = _lexicon()
    raw: list[dict[tuple[str, ...], float]] = []
    for _cid, text in clauses_key:
        toks = tokens(text)
        cues: dict[tuple[str, ...], float] = {(w,): KEY_TERM_WEIGHT for w in content_words(text)}
        for entry in lex.expand:
            if any(_contains(toks, tuple(tokens(t))) for t in entry.when):
                for phrase in entry.add:
                    p = tuple(tokens(phrase))
                    cues[p] = max(cues.get(p, 0.0), 1.0 if len(p) > 1 else 0.6)
        for p in named_bodies(text):  # the clause's own names: "Department of Economic and Social Affairs"
            cues[p] = max(cues.get(p, 0.0), _link_data().name_weight)
        # "member states" in the clause: "member" or "states" alone (Academia Members) says little
        in_phrases = {w for p in cues if len(p) > 1 and _contains(toks, p) for w in p}
        for w in in_phrases:
            if cues.get((w,)) == KEY_TERM_WEIGHT:
                cues[(w,)] = KEY_TERM_WEIGHT / 2
        raw.append(cues)
    n = len(raw)
    out = []
    addressees = {k: tuple(tokens(v)) for k, v in lex.actor_addressee.items()}
    for (cid, text), cues in zip(clauses_key, raw, strict=True):
        weights = {}
        for p, base in cues.items():
            df = sum(1 for other in raw if p in other)
            idf = math.log(n / df) / math.log(n) if n > 1 else 1.0
            if idf > 0:
                weights[p] = base * idf
        toks = tokens(text)
        addressee = next((k for k, p in addressees.items() if _contains(toks, p)), None)
        out.append(ClauseCues(cid, weights, " ".join(content_words(text)), addressee, frozenset(toks)))
    return _length_normalised(tuple(out))


def _length_normalised(cues: tuple[ClauseCues, ...]) -> tuple[ClauseCues, ...]:
    """A clause with many more cues than the resolution's median clause (a paragraph with a long list of
    sub-items) matches paragraphs by the number of its words alone: its weights are divided by
    (its cue mass / (length_free x the median mass)) ** length_norm, as BM25 normalises by length; clauses
    within length_free times the median keep theirs."""
    alpha = _link_data().length_norm
    masses = sorted(sum(c.weights.values()) for c in cues)
    if alpha <= 0 or len(masses) < 3 or masses[len(masses) // 2] <= 0:
        return cues
    median = masses[len(masses) // 2]
    out = []
    for c in cues:
        scale = max(1.0, sum(c.weights.values()) / (_link_data().length_free * median)) ** alpha
        out.append(c if scale == 1.0 else replace(c, weights={p: w / scale for p, w in c.weights.items()}))
    return tuple(out)


def _key(clauses: Iterable[Clause]) -> tuple[tuple[str, str], ...]:
    return tuple((c.id, f"{c.verb} {c.text}") for c in clauses if c.kind == "operative")


def clause_cues(clauses: Iterable[Clause]) -> dict[str, ClauseCues]:
    """Cues of the operative clauses, keyed by clause id (verb + text feed the cues)."""
    return {c.clause_id: c for c in _cues_for(_key(clauses))}


@dataclass(frozen=True)
class CueIndex:
    """All clauses' cues by first word, so one pass over a paragraph's words scores every clause."""

    ids: tuple[str, ...]
    first: dict[str, list[tuple[int, tuple[str, ...], float]]]
    keys: frozenset[str] = frozenset()
    memo: dict[str, tuple[tuple[float, ...], tuple[list[str], ...]]] = field(
        default_factory=dict
    )  # headings and lead-ins repeat

    def vector(self, feats: Features) -> tuple[tuple[float, ...], tuple[list[str], ...]]:
        """Saturated cue score and matched cues per clause, same rule as _cue_match."""
        matched: list[list[tuple[tuple[str, ...], float]]] = [[] for _ in self.ids]
        for w in feats.words & self.keys:
            for i, p, wt in self.first[w]:
                if len(p) == 1 or (p[-1] in feats.words and _phrase(p) in feats.joined):
                    matched[i].append((p, wt))
        out, hits = [], []
        for m in matched:
            covered = {w for p, _ in m if len(p) > 1 for w in p}
            kept = [(p, wt) for p, wt in m if len(p) > 1 or p[0] not in covered]
            out.append(1.0 - math.exp(-sum(wt for _, wt in kept)))
            hits.append(sorted(" ".join(p) for p, _ in kept))
        return tuple(out), tuple(hits)

    def text_vector(self, text: str) -> tuple[tuple[float, ...], tuple[list[str], ...]]:
        if text not in self.memo:
            self.memo[text] = self.vector(features(text))
        return self.memo[text]


@lru_cache(maxsize=256)
def _index_for(key: tuple[tuple[str, str], ...]) -> CueIndex:
    first: dict[str, list[tuple[int, tuple[str, ...], float]]] = {}
    for i, cues in enumerate(_cues_for(key)):
        for p, wt in cues.weights.items():
            first.setdefault(p[0], []).append((i, p, wt))
    return CueIndex(tuple(cid for cid, _ in key), first, frozenset(first))


@lru_cache(maxsize=256)
def _bm25_for(key: tuple[tuple[str, str], ...]) -> _SparseBM25 | None:
    """BM25 over the clause texts (content words, stemmed): which clause a paragraph's words are most
    specific to, whatever the resolution's wording."""
    docs = [content_words(text) for _, text in key]
    if len(docs) < 2 or not all(docs):
        return None
    return _SparseBM25(BM25Okapi(docs))


class _SparseBM25:
    """rank-bm25's Okapi model (idf, term frequencies, lengths) scored through an inverted index: the same
    numbers as BM25Okapi.get_scores, without a pass over every clause for every word of a paragraph."""

    def __init__(self, model: BM25Okapi):
        self.n = model.corpus_size
        self.idf = model.idf
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, (freqs, length) in enumerate(zip(model.doc_freqs, model.doc_len, strict=True)):
            norm = model.k1 * (1 - model.b + model.b * length / model.avgdl)
            for term, tf in freqs.items():
                self.postings.setdefault(term, []).append((i, tf * (model.k1 + 1) / (tf + norm)))

    def scores(self, query: Sequence[str]) -> list[float]:
        out = [0.0] * self.n
        for q in query:
            for i, part in self.postings.get(q, ()):
                out[i] += self.idf[q] * part
        return out


@dataclass
class LinkContext:
    """What the scorer needs beyond the block: cached clause cues and one document's records per block."""

    cues: dict[str, ClauseCues]
    figures: dict[str, list[Figure]] = field(default_factory=dict)
    actors: dict[str, list[ActorMention]] = field(default_factory=dict)
    leadin: dict[str, str] = field(default_factory=dict)  # list item id -> text of its introducing paragraph
    index: CueIndex | None = None
    bm25: _SparseBM25 | None = None  # over the operative clauses' content words, in index order
    relevance: dict[str, tuple[float, ...]] = field(default_factory=dict)  # block text -> damping per clause

    def damp(self, text: str) -> tuple[float, ...]:
        """Per clause: 1 - bm25_damp * (1 - its BM25 score / the best clause's); 1.0 without BM25 signal."""
        if text not in self.relevance:
            n = len(self.index.ids) if self.index else 0
            scores = self.bm25.scores(_content(tokens(text))) if self.bm25 is not None else []
            best = max(scores, default=0.0)
            d = _link_data().bm25_damp
            if best <= 0:
                self.relevance[text] = (1.0,) * n
            else:
                self.relevance[text] = tuple(round(1.0 - d * (1.0 - max(0.0, x) / best), 4) for x in scores)
        return self.relevance[text]


def build_context(
    clauses: Iterable[Clause], figures: Iterable[Figure] = (), actors: Iterable[ActorMention] = ()
) -> LinkContext:
    key = _key(clauses)
    ctx = LinkContext({c.clause_id: c for c in _cues_for(key)}, index=_index_for(key), bm25=_bm25_for(key))
    for f in figures:
        if f.block_id:
            ctx.figures.setdefault(f.block_id, []).append(f)
    for a in actors:
        if a.block_id:
            ctx.actors.setdefault(a.block_id, []).append(a)
    return ctx


def lead_ins(blocks: Iterable[Block]) -> dict[str, str]:
    """List item -> the paragraph that introduces its list ("... includes the following:"), same section."""
    out: dict[str, str] = {}
    lead: str | None = None
    for b in blocks:
        if b.kind == "heading":
            lead = None
        elif b.kind == "list_item":
            if lead:
                out[b.id] = lead
        elif b.kind == "paragraph":
            lead = b.text
    return out


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern], list[re.Pattern], frozenset[str]]:
    lex = _lexicon()
    proc = [re.compile("|".join(f"(?:{p})" for p in lex.procedural), re.I)]
    over = [re.compile("|".join(f"(?:{p})" for p in lex.overview), re.I)]
    return proc, over, frozenset(s.lower() for s in lex.overview_sections)


def is_procedural(block: Block) -> bool:
    """Headings, label-like fragments and 'the Council is invited to note' sentences address no clause."""
    if block.kind == "heading":
        return True
    return _procedural_text(block.text.strip())


@lru_cache(maxsize=200_000)
def _procedural_text(text: str) -> bool:
    if features(text).n_content < MIN_CONTENT_WORDS:
        return True
    return any(p.search(text) for p in _patterns()[0])


def _is_overview(block: Block) -> bool:
    title = (block.section_title or "").strip().lower()
    return title in _patterns()[2] or _overview_text(block.text)


@lru_cache(maxsize=200_000)
def _overview_text(text: str) -> bool:
    return any(p.search(text) for p in _patterns()[1])


def _cue_match(feats: Features, cues: ClauseCues) -> tuple[float, list[str]]:
    """Saturating sum of matched cue weights; a word inside a matched phrase is not counted again."""
    present = feats.words
    matched = [
        p
        for p in cues.weights
        if p[0] in present and (len(p) == 1 or (p[-1] in present and _phrase(p) in feats.joined))
    ]
    covered = {w for p in matched if len(p) > 1 for w in p}
    kept = [p for p in matched if len(p) > 1 or p[0] not in covered]
    total = sum(cues.weights[p] for p in kept)
    return 1.0 - math.exp(-total), sorted(" ".join(p) for p in kept)


def _named_in_clause(name: str, cues: ClauseCues) -> bool:
    """The beneficiary the clauses themselves name (Ukraine) is not evidence of a contribution."""
    return all(t in cues.mentions for t in tokens(name))


def score_block(block: Block, clause: Clause, context: LinkContext) -> Evidence:
    """Score (0..1) with the reasons that produced it; 0 for procedural blocks and non-operative clauses."""
    ev = Evidence(block_id=block.id, text=block.text, page=block.page, section=block.section, score=0.0)
    cues = context.cues.get(clause.id)
    if cues is None or is_procedural(block):
        return ev
    ev.score, ev.reasons = _score(block, cues, context, explain=True)
    return ev


def _score(block: Block, cues: ClauseCues, context: LinkContext, explain: bool) -> tuple[float, list[str]]:
    """The weighted sum of the module docstring; reasons are only spelled out when `explain`."""
    cue, hits = _cue_match(features(block.text), cues)
    head, lead = 0.0, 0.0
    lhits: list[str] = []
    if block.section_title:
        head = _cue_match(features(block.section_title), cues)[0]
    if block.kind == "list_item" and block.id in context.leadin:
        lead, lhits = _cue_match(features(context.leadin[block.id]), cues)
    fz = _similarity(fuzz.token_set_ratio(features(block.text).content, cues.content))
    extra, reasons = _records_signal(block, cues, context, cue)
    overview = _is_overview(block)
    ids = context.index.ids if context.index else ()
    damp = context.damp(block.text)[ids.index(cues.clause_id)] if cues.clause_id in ids else 1.0
    score = _combine(cue, head, lead, fz, extra, overview, damp)
    if explain:
        reasons = _reasons(block, cue, hits, head, lead, lhits, fz, overview, damp) + reasons
    return score, reasons


def _combine(
    cue: float, head: float, lead: float, fz: float, extra: float, overview: bool, damp: float = 1.0
) -> float:
    score = W_CUE * cue + W_HEADING * head + W_LEADIN * lead + W_FUZZY * fz + extra
    return round(min(1.0, score * (OVERVIEW_FACTOR if overview else 1.0) * damp), 4)


def _reasons(
    block: Block,
    cue: float,
    hits: list[str],
    head: float,
    lead: float,
    lhits: list[str],
    fz: float,
    overview: bool,
    damp: float = 1.0,
) -> list[str]:
    out = []
    if hits:
        out.append(f"cues {cue:.2f}: " + ", ".join(hits[:8]))
    if head > 0:
        out.append(f"heading '{block.section_title}' {head:.2f}")
    if lead > 0:
        out.append(f"lead-in {lead:.2f}: " + ", ".join(lhits[:5]))
    if fz > 0.2:
        out.append(f"similar {fz:.2f}")
    if overview:
        out.append(f"overview paragraph: x{OVERVIEW_FACTOR}")
    if damp < 1.0:
        out.append(f"bm25 below the best clause: x{damp:.2f}")
    return out


def _records_signal(
    block: Block, cues: ClauseCues, context: LinkContext, cue: float
) -> tuple[float, list[str]]:
    """Figures whose metric fits the clause, and Member States named where the clause invites them."""
    extra, reasons = 0.0, []
    for f in context.figures.get(block.id, ()):
        if any(t in cues.weights for t in _figure_terms().get(f.metric, ())):
            extra += W_FIGURE
            reasons.append(f"figure {f.metric}: {f.text}")
            break
    if cues.addressee and extra > 0 and block.id in context.actors:
        found = context.actors[block.id]
        named = sorted(
            {a.name for a in found if a.type == cues.addressee and not _named_in_clause(a.name, cues)}
        )
        if named:
            extra += W_ACTOR
            reasons.append("addressees named: " + ", ".join(named[:5]))
    return extra, reasons


def _similarity(ratio: float) -> float:
    """token_set_ratio (0..100) rescaled so unrelated paragraphs (about 35) count for nothing."""
    return max(0.0, (ratio / 100.0 - 0.35) / 0.65)


def _scored_evidence(
    block: Block, ops: Sequence[Clause], context: LinkContext, fz_row
) -> list[tuple[float, Evidence | None]]:
    """Every clause's score for one block in one pass over its words (the fast path of score_block);
    the Evidence, with its reasons, only where the score reaches LINK_THRESHOLD."""
    index = context.index
    if index is None or index.ids != tuple(c.id for c in ops):
        return [(ev.score, ev) for ev in (score_block(block, c, context) for c in ops)]
    cue, hits = index.vector(features(block.text))
    head = index.text_vector(block.section_title)[0] if block.section_title else None
    lead, lhits = None, None
    if block.kind == "list_item" and block.id in context.leadin:
        lead, lhits = index.text_vector(context.leadin[block.id])
    overview = _is_overview(block)
    damp = context.damp(block.text)
    out = []
    for i, c in enumerate(ops):
        cues = context.cues[c.id]
        h, ld, fz = head[i] if head else 0.0, lead[i] if lead else 0.0, _similarity(fz_row[i])
        extra, rec = _records_signal(block, cues, context, cue[i])
        score = _combine(cue[i], h, ld, fz, extra, overview, damp[i])
        ev = None
        if score >= LINK_THRESHOLD:
            li = lhits[i] if lhits else []
            reasons = _reasons(block, cue[i], hits[i], h, ld, li, fz, overview, damp[i]) + rec
            ev = Evidence(
                block_id=block.id,
                text=block.text,
                page=block.page,
                section=block.section,
                score=score,
                reasons=reasons,
            )
        out.append((score, ev))
    return out


@lru_cache(maxsize=1)
def _figure_terms() -> dict[str, tuple[tuple[str, ...], ...]]:
    items = _lexicon().figure_terms.items()
    return {m: tuple(tuple(tokens(t)) for t in terms) for m, terms in items}


def link_blocks(
    blocks: Iterable[Block], clauses: Sequence[Clause], context: LinkContext | None = None
) -> dict[str, list[Evidence]]:
    """Evidence per operative clause id: blocks above the link threshold, best first."""
    blocks = list(blocks)
    ops = [c for c in clauses if c.kind == "operative"]
    context = context or build_context(ops)
    context.leadin = lead_ins(blocks)  # block ids are per document: never reuse another document's
    out: dict[str, list[Evidence]] = {c.id: [] for c in ops}
    body = [b for b in blocks if not is_procedural(b)]
    if not body or not ops:
        return out
    sims = process.cdist(
        [features(b.text).content for b in body],
        [context.cues[c.id].content for c in ops],
        scorer=fuzz.token_set_ratio,
    ).tolist()
    for block, fz_row in zip(body, sims, strict=True):
        scored = _scored_evidence(block, ops, context, fz_row)
        best = max(sc for sc, _ in scored)
        for c, (sc, ev) in zip(ops, scored, strict=True):
            if ev is not None and sc >= LINK_THRESHOLD and sc >= RELATIVE_FLOOR * best:
                out[c.id].append(ev)
    for evs in out.values():
        evs.sort(key=lambda e: -e.score)
    return out


def block_links(
    blocks: Iterable[Block], clauses: Sequence[Clause], context: LinkContext | None = None
) -> dict[str, list[str]]:
    """The inverse view: block id -> linked clause ids (every non-heading block appears, maybe with [])."""
    blocks = list(blocks)
    links: dict[str, list[str]] = {b.id: [] for b in blocks if b.kind != "heading"}
    for cid, evs in link_blocks(blocks, clauses, context).items():
        for ev in evs:
            links.setdefault(ev.block_id, []).append(cid)
    return links
