"""The rule-data layer: every file in schemas/data/ has a model, loads through one function, and every key
is read by the code; shared tables (months, ordinals, format rank, number pattern, sentence splitter) are
written once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from extract.money import NUMBER, parse_number
from extract.text import sentence_spans
from schemas import DATA_DIR
from schemas.rules import RULE_FILES, Common, DocCues, RuleError, RuleFile, format_rank, load_rules, rule_path

REPO = Path(__file__).resolve().parents[1]
# Read outside the loader this round, each by a module another branch is rewriting (extract/pdf/settings.py
# reads pdf_layout.json, extract/nlp.py the gazetteers); their models are here all the same.
NOT_YET = {"pdf_layout.json"}
LEGACY_READERS = {"extract/nlp.py", "extract/parse_pdf.py"}


def _sources() -> dict[str, str]:
    out = {}
    for top in ("extract", "corpus", "cli.py", "schemas/rules.py"):
        paths = [REPO / top] if top.endswith(".py") else sorted((REPO / top).rglob("*.py"))
        for p in paths:
            out[str(p.relative_to(REPO))] = p.read_text(encoding="utf-8")
    return out


def test_every_data_file_has_a_model_and_loads() -> None:
    files = {p.name for p in DATA_DIR.glob("*.json")}
    modelled = {rule_path(m).name for m in RULE_FILES}
    assert files - NOT_YET == modelled
    for model in RULE_FILES:
        rules = load_rules(model)
        assert isinstance(rules, model)
        assert load_rules(model) is rules  # cached: one parsed copy per process


def _nested_fields(model: type[BaseModel], seen: set[type]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for f in model.model_fields.values():
        for arg in [f.annotation, *getattr(f.annotation, "__args__", ())]:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names |= _nested_fields(arg, seen)
            for inner in getattr(arg, "__args__", ()):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    names |= _nested_fields(inner, seen)
    return names


def test_every_key_is_read_by_the_code() -> None:
    """A key no rule reads is dead data: use it or remove it (extra keys already fail validation)."""
    code = "\n".join(text for path, text in _sources().items())
    fields: set[str] = set()
    seen: set[type] = set()
    for model in RULE_FILES:
        fields |= _nested_fields(model, seen)
    gazetteer = {"entries", "type", "name", "aliases", "acronyms", "token_regex"}  # extract/nlp.py reads them
    unused = sorted(
        f for f in fields - gazetteer if not re.search(rf"\.{f}\b|[\"']{f}[\"']", code)
    )
    assert unused == []


def test_no_module_reads_rule_files_itself() -> None:
    offenders = []
    for path, text in _sources().items():
        if path in LEGACY_READERS or path == "schemas/rules.py" or path.startswith("extract/pdf/"):
            continue
        if re.search(r"DATA_DIR|schemas[\"']?\s*/\s*[\"']data|\w+\.json[\"']", text) and "json.load" in text:
            offenders.append(path)
    assert offenders == []


def test_wrong_file_names_file_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.loads(rule_path(Common).read_text(encoding="utf-8"))
    raw["months"]["January"] = "one"
    (tmp_path / "common.json").write_text(json.dumps(raw), encoding="utf-8")
    monkeypatch.setattr("schemas.rules.DATA_DIR", tmp_path)
    with pytest.raises(RuleError, match=r"common\.json: field months\.January: .*integer"):
        load_rules.__wrapped__(Common)
    (tmp_path / "common.json").write_text('{"months": {}, "ordinalz": {}}', encoding="utf-8")
    with pytest.raises(RuleError, match=r"field ordinalz: Extra inputs"):
        load_rules.__wrapped__(Common)
    (tmp_path / "common.json").write_text("{", encoding="utf-8")
    with pytest.raises(RuleError, match=r"common\.json: not JSON"):
        load_rules.__wrapped__(Common)


def test_comment_keys_are_dropped_at_any_depth(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class _Tiny(RuleFile):
        FILE = "tiny"
        table: dict[str, int]

    tiny = '{"_doc": "why", "table": {"_doc": "what", "a": 1}}'
    (tmp_path / "tiny.json").write_text(tiny, encoding="utf-8")
    monkeypatch.setattr("schemas.rules.DATA_DIR", tmp_path)
    assert load_rules.__wrapped__(_Tiny).table == {"a": 1}
    assert "_doc" not in json.dumps(load_rules(DocCues).model_dump())


def test_shared_tables_are_written_once() -> None:
    code = _sources()
    months = [p for p, t in code.items() if re.search(r"(?i)\bjanuary\b.{0,40}\bfebruary\b", t)]
    ranks = [p for p, t in code.items() if re.search(r"[\"']docx[\"']\s*:\s*0", t)]
    numbers = [p for p, t in code.items() if re.search(r"\\d\{1,3\}\(\?:", t) and p != "extract/money.py"]
    assert (months, ranks, numbers) == ([], [], [])
    assert format_rank("docx") < format_rank("txt") < format_rank("pdf") < format_rank("xlsx")
    assert load_rules(Common).ordinals["third"] == 3 and load_rules(Common).months["Sept"] == 9


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,250,000", 1250000.0), ("346 000", 346000.0), ("1.250.000", 1250000.0), ("2.48", 2.48), ("2,5", 2.5),
     ("12\u202f438.3", 12438.3)],
)
def test_one_number_pattern(text: str, value: float) -> None:
    assert re.fullmatch(NUMBER, text)
    assert parse_number(text) == value


def test_one_sentence_splitter() -> None:
    text = "See Res. 5 (Mod. 2022) and No. 35. The total was 2.48 million. Then; a clause."
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["See Res. 5 (Mod. 2022) and No. 35.", "The total was 2.48 million.", "Then; a clause."]
    report = "Held in May 2024; The next is planned."
    clauses = [report[a:b] for a, b in sentence_spans(report, at_semicolons=True)]
    assert clauses == ["Held in May 2024;", "The next is planned."]
