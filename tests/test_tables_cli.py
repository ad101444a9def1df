"""`restrack tables` and `restrack table ID`: list the stored tables, write one as a printed grid."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from conftest import CORPUS

import cli

SECT4 = CORPUS / "real" / "A_80_6_Sect4_advance.docx"
pytestmark = pytest.mark.skipif(not SECT4.exists(), reason="real corpus not present")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.main, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("tables") / "t.db")
    code, out = run("ingest", str(SECT4), "--db", path, "--no-model")
    assert code == 0, out
    return path


def test_tables_lists_numbers_captions_units(db):
    code, out = run("tables", "--db", db, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    t = next(r for r in rows if r["number"] == "4.22")
    assert t["id"] == "t30" and t["unit"] == "(Thousands of United States dollars)" and t["header_rows"] == 2
    code, out = run("tables", "--db", db, "--doc", "A_80_6_Sect4_advance.docx", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("doc_id,id,number,caption,unit")


def test_table_csv_is_the_printed_grid(db):
    code, out = run("table", "4.22", "--db", db, "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0].startswith("Table 4.22") and rows[1][0] == "(Thousands of United States dollars)"
    assert rows[2][3] == "Changes" and rows[3][1] == "2024 expenditure"  # two header rows
    posts = next(r for r in rows if r[0] == "Posts")
    assert posts[1:] == ["10 930.1", "12 438.3", "265.6", "167.6", "46.9", "480.1", "3.9", "12 918.8"]
    assert len({len(r) for r in rows}) == 1  # a rectangle a spreadsheet opens as printed


def test_table_json_and_unknown(db):
    code, out = run("table", "t30", "--db", db, "--format", "json")
    assert code == 0 and [t["number"] for t in json.loads(out)] == ["4.22"]
    code, out = run("table", "4.25", "--db", db, "--format", "json")  # both parts printed under 4.25
    assert code == 0 and [t["id"] for t in json.loads(out)] == ["t33", "t34"]
    code, out = run("table", "4.25", "--db", db)
    assert out.count("Table 4.25") == 2 and "\n\n" in out.replace("\r", "")
    code, out = run("table", "9.99", "--db", db)
    assert code != 0 and "no table 9.99" in out


def test_table_figures_carry_their_cell(db):
    code, out = run("figures", "--db", db, "--format", "json")
    figs = [f for f in json.loads(out) if f.get("table_id") == "t30"]
    assert len(figs) == 70 and all(f["row"] is not None and f["col"] is not None for f in figs)
