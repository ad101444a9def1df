"""Citations: every reference a document makes to a resolution or another document, normalised, with
provenance, and which of them the document says it reports on.

Pure: blocks in, `Citation` records out. Patterns and the normalisation table are in
schemas/data/citation_patterns.json (its `_doc` states the normalisation). Resolutions are normalised to the
symbols documents carry so a citation meets the cited document in the store:
"General Assembly resolution 79/318" -> A/RES/79/318, "1514 (XV)" -> A/RES/1514 (XV), "Security Council
resolution 2231 (2015)" -> S/RES/2231 (2015), ITU Council "Resolution 1408 (Mod. 2023)" -> 1408 (version kept
apart, so both versions are one resolution), "PP Resolution 34 (Rev. Dubai, 2018)" -> PP-34. A slash number
with no body named is a General Assembly resolution (the UN convention); a bare number with none is an ITU
Council resolution (the ITU convention). Document symbols stay as written (A/78/L.90, A/80/6 (Sect. 5),
C23/59).

`reports_on` (relation) marks the resolution(s) the document reports on or responds to, as opposed to those it
mentions: a resolution on its references line ("References" label, or "References: ..."), or one governed by a
reporting cue ("pursuant to", "in response to", "requested in its resolution", "on the implementation of",
...) in a sentence where the document speaks of itself ("the present report", "is submitted", "this note").
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.text import normalize_text, sentence_spans
from schemas.models import Block, Citation, CitationKind, CitationRelation, Document, Extraction
from schemas.rules import CitationBody, CitationPatterns, load_rules


def patterns() -> CitationPatterns:
    return load_rules(CitationPatterns)


# One cited resolution number, in the forms the families write (tried in this order).
_NUMBER = (
    r"(?P<full>(?:A|S|E)/(?:HRC/)?RES/[A-Z0-9][A-Za-z0-9\-]*(?:/[A-Za-z0-9\-]+)*(?:\s\((?:19|20)\d{2}\))?)"
    r"|(?P<es>ES-\d{1,2}/\d{1,3})"
    r"|(?P<old>\d{1,4}(?:\s[A-L])?\s\([IVXL]{1,6}\))"
    r"|(?P<slash>\d{1,4}/\d{1,4}(?:\s[A-L](?![\w\-/]))?)"
    r"|(?P<sc>\d{1,4}\s\((?:19|20)\d{2}\))"
    r"|(?P<num>\d{1,4})(?!\d|/)(?:\s?\((?P<ver>(?:Mod|Rev)\.[^)]{0,40})\))?"
)
_NUMBER_RE = re.compile(_NUMBER)
_RES_WORD = re.compile(r"\b(?P<word>[Rr]esolutions?|RESOLUTIONS?|Res\.)\s+(?:[Nn]o\.\s*)?(?=[A-Z0-9E])")
# between two numbers of a list: ", ", " and ", ", entitled “...”, and "
_LIST_SEP = re.compile(
    r"(?:,?\s+entitled\s+[“\"][^”\"]{0,300}[”\"])?(?:\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)"
)
_DATED = re.compile(r"\s+of\s+(?:\d{1,2}\s+)?[A-Z][a-z]+\s+\d{4}")
_PARAGRAPH = re.compile(
    r"\bparagraphs?\s+(\d+(?:\s?\([a-z]{1,4}\))?(?:\s*(?:,|and|to)\s*\d+(?:\s?\([a-z]{1,4}\))?)*)"
    r"\s+of\s+[^.;]{0,60}$"
)


@lru_cache(maxsize=1)
def _compiled() -> tuple[
    list[tuple[re.Pattern, CitationBody]], re.Pattern, re.Pattern, re.Pattern, re.Pattern, re.Pattern
]:
    p = patterns()
    bodies = [(re.compile(b.pattern), b) for b in p.bodies]
    cues = re.compile("|".join(f"(?:{c})" for c in p.reports_on_cues), re.I)
    return (
        bodies,
        re.compile(p.document_symbol),
        re.compile(p.references_label, re.I),
        re.compile(p.references_inline, re.I),
        cues,
        re.compile(p.self_reference, re.I),
    )


def _body_before(text: str, start: int) -> CitationBody | None:
    """The organ named closest before the word "resolution" (same sentence, `body_window` characters)."""
    window = text[max(0, start - patterns().body_window) : start]
    window = window[sentence_spans(window, at_semicolons=True)[-1][0] :]
    best: tuple[int, int, CitationBody] | None = None
    for rx, body in _compiled()[0]:
        for m in rx.finditer(window):
            key = (m.end(), -m.start())  # closest end; on a tie the longer name ("... Assembly" of WTSA)
            if best is None or key > best[:2]:
                best = (key[0], key[1], body)
    return best[2] if best else None


def normalise(m: re.Match, body: CitationBody | None) -> tuple[str, str | None, str]:
    """(normalised symbol, version, body name) of one number match; see the module docstring."""
    g = m.groupdict()
    name = body.body if body else None
    if g["full"]:
        sym = g["full"]
        organ = {"S": "Security Council", "E": "Economic and Social Council"}.get(sym[0], "General Assembly")
        return sym, None, organ
    if g["es"]:
        return "A/RES/" + g["es"], None, "General Assembly"
    if g["old"]:
        return "A/RES/" + re.sub(r"\s+", " ", g["old"]), None, "General Assembly"
    if g["slash"]:
        if body and body.prefix.startswith(("E/", "A/HRC/", "S/")):
            return body.prefix + g["slash"], None, body.body
        return "A/RES/" + g["slash"], None, "General Assembly"
    if g["sc"]:
        return "S/RES/" + re.sub(r"\s+", " ", g["sc"]), None, "Security Council"
    number, version = g["num"], normalize_text(g["ver"]) if g["ver"] else None
    if body and body.prefix:
        return body.prefix + number, version, name or ""
    return number, version, "ITU Council"


def _resolution_spans(text: str) -> list[tuple[int, int, str, str | None, str, str]]:
    """(start, end, symbol, version, body, as written) of every cited resolution, lists included."""
    out = []
    for w in _RES_WORD.finditer(text):
        body = _body_before(text, w.start())
        plural = w.group("word").lower().rstrip(".").endswith("s")
        pos, first = w.end(), True
        while True:
            m = _NUMBER_RE.match(text, pos)
            if not m:
                break
            sym, version, name = normalise(m, body)
            start = w.start() if first else m.start()
            out.append((start, m.end(), sym, version, name, text[start : m.end()]))
            if not plural:
                break
            dated = _DATED.match(text, m.end())  # "69/213 of 19 December 2014, 70/197 of ..."
            sep = _LIST_SEP.match(text, dated.end() if dated else m.end())
            if not sep or not _NUMBER_RE.match(text, sep.end()):
                break
            pos, first = sep.end(), False
    return out


def _document_spans(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, str, CitationKind]]:
    """(start, end, symbol, kind) of cited document symbols outside resolution spans; A/RES/... is a
    resolution whether or not the word "resolution" precedes it."""
    out = []
    for m in _compiled()[1].finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        sym = m.group(0).rstrip(".")
        end = m.start() + len(sym)
        kind: CitationKind = "resolution" if re.match(r"^(?:A|S|E)/(?:HRC/)?RES/", sym) else "document"
        out.append((m.start(), end, sym, kind))
    return out


def normalise_symbol(text: str) -> str:
    """A symbol as a user types it, normalised like a citation: "77/267" -> A/RES/77/267, "PP Resolution 34"
    -> PP-34, "Security Council resolution 2231 (2015)" -> S/RES/2231 (2015); anything else unchanged."""
    text = normalize_text(text).strip()
    for candidate in (text, f"resolution {text}"):
        res = _resolution_spans(candidate)
        if len(res) == 1 and res[0][1] == len(candidate):  # "PP Resolution 34": the body precedes the span
            return res[0][2]
    docs = _document_spans(text, [])
    if docs and docs[0][0] == 0 and docs[0][1] == len(text):
        return docs[0][2]
    return text


def canonical(symbol: str) -> str:
    """Key to compare symbols however spaced or cased: "A/RES/1514 (XV)" == "a/res/1514(XV)"."""
    return re.sub(r"\s+", "", symbol).upper()


def _is_references_line(blocks: list[Block], i: int) -> bool:
    _, _, label, inline, _, _ = _compiled()
    if inline.match(blocks[i].text):
        return True
    return i > 0 and bool(label.match(blocks[i - 1].text))  # blocks are the non-empty ones


def _reports_on(sentence: str, offset: int) -> bool:
    """A reporting cue governs the citation at `offset` (within cue_window before it) in a sentence where
    the document speaks of itself."""
    _, _, _, _, cues, self_ref = _compiled()
    if not self_ref.search(sentence):
        return False
    lo = max(0, offset - patterns().cue_window)
    # a cue may end with the word "resolution" itself ("requested in its resolution 79/318")
    return any(m.start() < offset for m in cues.finditer(sentence, lo, offset + len("resolutions")))


def citations_in_blocks(doc: Document) -> list[Citation]:
    """Every citation of `doc` in reading order, with provenance and relation."""
    own = {canonical(s) for s in (doc.symbol, doc.resolution if doc.kind == "resolution" else None) if s}
    blocks = [b for b in doc.blocks if b.text.strip()]
    out: list[Citation] = []
    for i, block in enumerate(blocks):
        text = block.text
        if not re.search(r"[Rr]esolution|RESOLUTION|Res\.|/", text):
            continue
        refs_line = _is_references_line(blocks, i)
        res = _resolution_spans(text)
        found: list[tuple[int, int, str, CitationKind, str | None, str | None, str]] = [
            (s, e, sym, "resolution", ver, body, written) for s, e, sym, ver, body, written in res
        ]
        taken = [(s, e) for s, e, *_ in res]
        docs = _document_spans(text, taken)
        found += [(s, e, sym, kind, None, None, text[s:e]) for s, e, sym, kind in docs]
        spans = sentence_spans(text)
        for s, e, sym, kind, ver, body, written in sorted(found):
            if canonical(sym) in own:
                continue
            s0, s1 = next((sp for sp in spans if sp[0] <= s < sp[1] + 1), (0, len(text)))
            sentence = text[s0:s1]
            para = _PARAGRAPH.search(text[max(s0, s - 120) : s])
            relation: CitationRelation = "cites"
            if kind == "resolution" and (refs_line or _reports_on(sentence, s - s0)):
                relation = "reports_on"
            out.append(
                Citation(
                    doc_id=doc.id,
                    cited=sym,
                    kind=kind,
                    body=body,
                    version=ver,
                    paragraph=para.group(1) if para else None,
                    text=written,
                    start=s,
                    end=e,
                    page=block.page,
                    block_id=block.id,
                    sentence=sentence.strip(),
                    relation=relation,
                )
            )
    return _anaphora(blocks, out)


def _anaphora(blocks: list[Block], out: list[Citation]) -> list[Citation]:
    """A sentence like "The present report is submitted in response to that request", after "In its
    resolution 79/318, the Assembly requested a report": the resolution cited last before it (same or
    previous block) is what the document reports on."""
    rx, self_ref = re.compile(patterns().reports_on_anaphora, re.I), _compiled()[5]
    by_block: dict[str, list[int]] = {}
    for k, c in enumerate(out):
        if c.kind == "resolution" and c.block_id:
            by_block.setdefault(c.block_id, []).append(k)
    for i, block in enumerate(blocks):
        for s0, s1 in sentence_spans(block.text):
            sentence = block.text[s0:s1]
            if not (rx.search(sentence) and self_ref.search(sentence)):
                continue
            here = [k for k in by_block.get(block.id, []) if out[k].start < s0]
            before = by_block.get(blocks[i - 1].id, []) if i > 0 else []
            last = (here or before)[-1:] if (here or before) else []
            for k in last:
                out[k] = out[k].model_copy(update={"relation": "reports_on"})
    return out


def reports_on(citations: list[Citation]) -> list[str]:
    """Distinct resolutions cited with relation reports_on, in order of first mention."""
    seen: dict[str, str] = {}
    for c in citations:
        if c.relation == "reports_on":
            seen.setdefault(canonical(c.cited), c.cited)
    return list(seen.values())


def add_citations(result: Extraction) -> None:
    """Fill result.citations and result.document.reports_on in place (called by extract.records)."""
    result.citations = citations_in_blocks(result.document)
    result.document.reports_on = reports_on(result.citations)
