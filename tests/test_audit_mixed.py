"""The audit on a mixed archive (issue 10): resolutions, reports on them, a budget section, a report naming no
resolution, one on a resolution not ingested, and an unrelated file. Every report gets a row; nothing aborts.

The General Assembly resolution is the real PDF, parsed by the UN clause parser; the report on it is our own
text (test_link_ga.TRANSPORT). `ga_resolution()` (clauses located in the PDF by the test) is kept for the unit
tests that must not depend on the parser."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS
from test_link_ga import TRANSPORT, ga_clauses

from cli import main
from corpus.audit import audit_all, resolution_index, targets
from corpus.store import Store
from extract.pipeline import extract_bytes, extract_file
from schemas.models import Document, Extraction


def _txt(name: str, text: str) -> Extraction:
    return extract_bytes(text.encode(), name, use_model=False)


def transport_report() -> str:
    lines = ["REPORT OF THE SECRETARY-GENERAL", "", "UNITED NATIONS DECADE OF SUSTAINABLE TRANSPORT", ""]
    for i, (title, paras) in enumerate(TRANSPORT, 1):
        lines += [f"{i}\t{title}", ""]
        for text, _ in paras:
            lines += [text, ""]
    return "\n".join(lines)


NO_RESOLUTION = """REPORT OF THE SECRETARY-GENERAL

ACTIVITIES OF THE OFFICE IN 2026

1\tOverview

The Office held four workshops and published two studies on regional cooperation in 2026.
"""

NOT_INGESTED = """REPORT OF THE SECRETARY-GENERAL

SUPPORT FOR THE MANDATE REVIEW

1\tIntroduction

The present report is submitted pursuant to General Assembly resolution 79/318 and describes the review.
"""


def ga_resolution() -> Extraction:
    """A/RES/80/132 as the GA clause parser will store it (kind, symbol, operative clauses)."""
    clauses = list(ga_clauses("A_RES_80_132"))
    doc = Document(
        path="A_RES_80_132.txt",
        sha256=hashlib.sha256(b"A/RES/80/132").hexdigest(),
        format="txt",
        kind="resolution",
        symbol="A/RES/80/132",
        resolution="A/RES/80/132",
        year=2025,
    )
    return Extraction(document=doc, clauses=clauses)


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory) -> str:
    if not (CORPUS / "real").is_dir():
        pytest.skip("corpus missing")
    db = str(tmp_path_factory.mktemp("mixed") / "m.db")
    with Store(db) as store:
        for ex in (
            extract_file(CORPUS / "res1408.txt", use_model=False),
            extract_file(CORPUS / "c26-res1408-report.txt", use_model=False),
            extract_file(CORPUS / "real" / "A_80_6_Sect6_advance.docx", use_model=False),
            extract_file(CORPUS / "real" / "A_RES_80_132.pdf", use_model=False),  # UN clause parser
            _txt("sg-transport-2026.txt", transport_report()),
            _txt("office-activities.txt", NO_RESOLUTION),
            _txt("mandate-review.txt", NOT_INGESTED),
            _txt("notes.txt", "Shopping list: bread, milk and tea for the week.\n"),
        ):
            store.ingest(ex)
    return db


def test_every_report_gets_a_row(mixed_db):
    with Store(mixed_db) as store:
        rows = audit_all(store)
        index = resolution_index(store)
    by_doc = {r.doc_id: r for r in rows}
    assert index["A/RES/80/132"] == index["80/132"] == "A/RES/80/132"
    c26 = by_doc["c26-res1408-report.txt"]
    assert (c26.status, c26.resolution, c26.resolution_doc) == ("audited", "1408", "res1408.txt")
    assert "Mod. 2023" in (c26.reason or "")  # it cites the 2023 text, which is not in this archive
    ga = by_doc["sg-transport-2026.txt"]
    assert (ga.status, ga.resolution) == ("audited", "A/RES/80/132")
    addressed = {c.clause_id.rsplit("/", 1)[1] for c in ga.clauses if c.addressed}
    assert {"1", "2", "6", "7", "8", "11", "12"} <= addressed and not {"14", "15"} & addressed
    assert by_doc["office-activities.txt"].status == "no_resolution"
    miss = by_doc["mandate-review.txt"]
    assert (miss.status, miss.resolution) == ("not_ingested", "A/RES/79/318")
    assert "A/RES/79/318 is not ingested" in miss.reason
    assert "notes.txt" not in by_doc and "res1408.txt" not in by_doc


def test_targets_come_from_reports_on():
    ex = _txt("sg.txt", transport_report())
    assert ex.document.reports_on == ["A/RES/80/132"]
    assert targets(ex.document) == [("A/RES/80/132", None)]


def test_cli_audit_lists_every_report_and_exits_0(mixed_db):
    run = CliRunner().invoke
    out = run(main, ["audit", "--db", mixed_db])
    assert out.exit_code == 0, out.output
    assert "A/RES/80/132/op/6" in out.output and "1408/instructs-sg" in out.output
    assert "office-activities.txt (2026): no_resolution: cannot tell" in out.output
    assert "mandate-review.txt" in out.output and "not_ingested" in out.output
    assert "resolution A/RES/80/132: original text (A_RES_80_132.pdf)" in out.stderr
    rows = json.loads(run(main, ["audit", "--db", mixed_db, "--format", "json"]).stdout)
    assert {r["status"] for r in rows} == {"audited", "no_resolution", "not_ingested"}
    assert all("unaddressed" in r for r in rows)
    out = run(main, ["audit", "--db", mixed_db, "--resolution", "80/132", "--format", "json"])
    assert out.exit_code == 0
    audited = {r["doc_id"] for r in json.loads(out.stdout) if r["status"] == "audited"}
    # every report is audited on R when it is given, the budget section (a report naming no other) included
    assert audited == {"sg-transport-2026.txt", "office-activities.txt", "A_80_6_Sect6_advance.docx"}
    out = run(main, ["documents", "--db", mixed_db])
    assert "A/RES/80/132" in out.output  # reports_on shown in the listing
