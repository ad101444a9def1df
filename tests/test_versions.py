"""Two texts of one resolution: both stored, `clauses` says which it shows and takes --version, and
`compare-text` lists the clauses added, removed and changed, aligned paragraph by paragraph.

The modified Resolution 1408 is built here by my own edits of the reference text (a 2023 modification
heading, one operative item reworded, one removed, one clause added), so the expected changes are known."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS

from cli import main
from corpus import versions
from corpus.audit import audit_all
from corpus.store import Store
from extract.pipeline import extract_bytes
from schemas.models import Clause, Document, Extraction


def original() -> str:
    path = CORPUS / "res1408.txt"
    if not path.is_file():
        pytest.skip("reference corpus missing")
    return path.read_text(encoding="utf-8")


def modified() -> str:
    """My edits: version line, item 2 of "resolves to instruct" removed, item 3 reworded, a clause added."""
    lines = original().splitlines()
    out = []
    items = 0
    for line in lines:
        if line.startswith("(adopted"):
            out.append("(Mod. 2023)")
            continue
        if line.startswith("1. to"):
            items += 1
            if items == 2:
                continue  # removed
            if items == 3:
                line = line.replace("mobilization", "mobilization and reporting on it yearly")
        out.append(line)
    out += ["decides", "to review the implementation of this resolution at its 2026 session."]
    return "\n".join(out) + "\n"


@pytest.fixture
def db(tmp_path) -> str:
    path = str(tmp_path / "v.db")
    with Store(path) as store:
        store.ingest(extract_bytes(original().encode(), "res1408.txt", use_model=False))
        store.ingest(extract_bytes(modified().encode(), "res1408-mod2023.txt", use_model=False))
        report = CORPUS / "c26-res1408-report.txt"
        store.ingest(extract_bytes(report.read_bytes(), report.name, use_model=False))
    return path


def test_both_versions_stored_and_default_is_the_latest(db):
    with Store(db) as store:
        found = versions.versions(store, "1408")
        assert [(v.doc_id, v.version, v.year) for v in found] == [
            ("res1408.txt", None, 2022),
            ("res1408-mod2023.txt", "Mod. 2023", 2023),
        ]
        assert [v.shown for v in found] == [False, True]
        assert versions.pick(store, "1408", "mod.2023").doc_id == "res1408-mod2023.txt"
        assert versions.pick(store, "1408", "2022").doc_id == "res1408.txt"
        assert versions.pick(store, "1408", "original").doc_id == "res1408.txt"
        assert versions.pick(store, "1408", "Rev. 2030") is None
        # the report cites "Resolution 1408 (Mod. 2023)": its audit uses that text and says so
        (row,) = audit_all(store)
        assert (row.resolution_doc, row.version, row.reason) == ("res1408-mod2023.txt", "Mod. 2023", None)


def test_align_lists_added_removed_changed():
    def c(n: str, text: str) -> Clause:
        return Clause(id=f"r/{n}", resolution="r", kind="operative", verb="decides", number=n, text=text)

    old = [c("1", "to fund the roads"), c("2", "to build ten bridges"), c("3", "to report each year")]
    new = [
        c("1", "to fund the roads"),
        c("2", "to report each year to the Council"),
        c("3", "to plant trees"),
    ]
    got = [(x.change, x.old_number, x.new_number) for x in versions.align(old, new)]
    assert got == [
        ("unchanged", "1", "1"),
        ("removed", "2", None),
        ("changed", "3", "2"),
        ("added", None, "3"),
    ]


def test_cli_clauses_version_and_compare_text(db):
    run = CliRunner().invoke
    out = run(main, ["clauses", "1408", "--db", db])
    assert out.exit_code == 0 and "version shown: 1408 (Mod. 2023; res1408-mod2023.txt)" in out.stderr
    out = run(main, ["clauses", "1408", "--version", "original", "--db", db, "--format", "json"])
    rows = json.loads(out.stdout)
    assert sum(r["kind"] == "operative" for r in rows) == 5 and {r["version"] for r in rows} == {None}
    rows = json.loads(run(main, ["clauses", "1408", "--db", db, "--format", "json"]).stdout)
    assert {r["version"] for r in rows} == {"Mod. 2023"}
    out = run(main, ["clauses", "1408", "--version", "Rev. 2030", "--db", db])
    assert out.exit_code != 0 and "stored:" in out.output

    out = run(main, ["compare-text", "res1408.txt", "res1408-mod2023.txt", "--db", db, "--format", "json"])
    assert out.exit_code == 0, out.output
    changes = [(r["change"], r["old_id"], r["new_id"]) for r in json.loads(out.stdout)]
    assert ("removed", "1408/resolves-to-instruct/2", None) in changes
    assert ("changed", "1408/resolves-to-instruct/3", "1408/resolves-to-instruct/2") in changes
    assert [c for c in changes if c[0] == "added"] == [("added", None, "1408/decides")]
    assert len(changes) == 3  # unchanged clauses only with --all
    out = run(main, ["compare-text", "res1408.txt", "res1408-mod2023.txt", "--db", db, "--all"])
    assert (
        out.exit_code == 0 and "unchanged" in out.stdout and "old: res1408.txt (original text)" in out.stderr
    )


def _ga_text(symbol: str, clauses: list[Clause], draft_of: str | None = None) -> Extraction:
    doc = Document(
        path=f"{symbol.replace('/', '_')}.txt",
        sha256=hashlib.sha256(symbol.encode()).hexdigest(),
        format="txt",
        kind="resolution",
        symbol=symbol,
        resolution=symbol,
        title="United Nations Decade of Sustainable Transport 2026-2035",
        year=2025,
    )
    return Extraction(document=doc, clauses=clauses)


def test_draft_and_adopted_text(tmp_path):
    """A draft A/80/L.x and the adopted A/RES/80/132: the draft is my edit of the adopted clauses (paragraph 6
    reworded, paragraph 14 absent), stored under its own symbol and found by its title."""
    from test_link_ga import ga_clauses

    adopted = list(ga_clauses("A_RES_80_132"))
    draft = []
    for c in adopted:
        if c.number == "14":
            continue
        text = c.text.replace("eighty-first session", "eighty-second session") if c.number == "6" else c.text
        draft.append(
            c.model_copy(
                update={
                    "id": c.id.replace("A/RES/80/132", "A/80/L.12"),
                    "text": text,
                    "resolution": "A/80/L.12",
                }
            )
        )
    db = str(tmp_path / "d.db")
    with Store(db) as store:
        store.ingest(_ga_text("A/RES/80/132", adopted))
        store.ingest(_ga_text("A/80/L.12", draft))
        found = versions.versions(store, "A/RES/80/132")
        assert [(v.doc_id, v.version, v.shown) for v in found] == [
            ("A_RES_80_132.txt", None, True),
            ("A_80_L.12.txt", "draft A/80/L.12", False),
        ]
    run = CliRunner().invoke
    out = run(main, ["clauses", "A/RES/80/132", "--db", db])
    assert "version shown: A/RES/80/132 (original text; A_RES_80_132.txt); 1 other version(s)" in out.stderr
    out = run(main, ["clauses", "80/132", "--version", "draft", "--db", db, "--format", "json"])
    assert out.exit_code == 0 and len(json.loads(out.stdout)) == 14
    out = run(main, ["compare-text", "A_80_L.12.txt", "A_RES_80_132.txt", "--db", db, "--format", "json"])
    changes = [(r["change"], r["old_number"], r["new_number"]) for r in json.loads(out.stdout)]
    assert changes == [("changed", "6", "6"), ("added", None, "14")]
