"""Listings people can read: when a figure stands, the sentence on request, compare's notes, the kind of a
date, filters that check their values (and suggest the nearest), actor aliases and prefixes, CSV periods."""

from __future__ import annotations

import csv
import io

from conftest import run_cli as run


def table(out: str) -> list[list[str]]:
    """Table text -> rows of cells split on runs of 2+ spaces (header first, the dashes line dropped)."""
    import re

    lines = [line for line in out.splitlines() if line.strip() and not set(line) <= {"-", " "}]
    return [re.split(r"\s{2,}", line.strip()) for line in lines]


def test_typo_in_metric_is_an_error_with_the_nearest_value(examples_db):
    code, out, err = run("figures", "--db", examples_db, "--metric", "damages")
    assert code == 2 and out == ""
    assert err.strip() == "Error: unknown metric 'damages'; did you mean 'damage'?"
    code, _, err = run("compare", "--db", examples_db, "--metric", "pledgs")
    assert code == 2 and "did you mean 'pledge'?" in err
    code, _, err = run("figures", "--db", examples_db, "--currency", "usd")  # case does not matter for codes
    assert code == 0, err
    code, _, err = run("figures", "--db", examples_db, "--currency", "UDS")
    assert code == 2 and "unknown currency 'UDS'" in err
    code, _, err = run("actors", "--db", examples_db, "--type", "companies")
    assert code == 2 and "did you mean 'company'?" in err
    code, _, err = run("figures", "--db", examples_db, "--columns", "amount,sentnce")
    assert code == 2 and "unknown column 'sentnce'; did you mean 'sentence'?" in err


def test_actor_matches_a_name_an_alias_or_a_prefix(examples_db):
    code, out, _ = run("figures", "--db", examples_db, "--actor", "Vodafone", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and all("Vodafone Ukraine" in r["actors"] for r in rows)  # prefix
    # a gazetteer acronym
    code, out, _ = run("figures", "--db", examples_db, "--actor", "ITU", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows and all("International Telecommunication Union" in r["actors"] for r in rows)
    code, _, err = run("figures", "--db", examples_db, "--actor", "Vodafne")
    assert code == 2 and "unknown actor 'Vodafne'; did you mean" in err


def test_figures_show_when_and_the_sentence_on_request(examples_db):
    code, out, _ = run("figures", "--db", examples_db, "--metric", "needs", "--doc", "c25-report-sample.docx")
    head = out.splitlines()[0].split()
    assert code == 0 and "when" in head and "sentence" not in head
    code, out, _ = run("figures", "--db", examples_db, "--metric", "needs", "--doc", "c25-report-sample.docx",
                       "--columns", "amount,when")
    assert table(out)[:2] == [["amount", "when"], ["5,870,000,000", "2025/2034"]]  # "... over 2025-2034"
    needs_c25 = ["--db", examples_db, "--metric", "needs", "--doc", "c25-report-sample.docx"]
    code, out, _ = run("figures", *needs_c25, "--wide")
    assert code == 0 and "sentence" in out.splitlines()[0]
    assert "…" not in out and "over 2025-2034" in out  # wrapped, not cut
    assert len(out.splitlines()) > 3  # the long sentence took more than one line
    columns = ("--columns", "doc_id,when,sentence")
    code, out, _ = run("figures", "--db", examples_db, "--actor", "Vodafone", *columns)
    rows = table(out)
    assert code == 0 and rows[0] == ["doc_id", "when", "sentence"]
    assert rows[1][:2] == ["c26-report-sample.docx", "as of 2026-03"]


def test_csv_writes_periods_as_start_slash_end(examples_db):
    code, out, _ = run("figures", "--db", examples_db, "--metric", "needs", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and rows
    assert {"2024/2033", "2025/2034"} <= {r["period"] for r in rows}
    assert not any(r["period"].startswith("{") for r in rows)


def test_dates_show_their_kind_and_compare_its_notes(examples_db):
    code, out, _ = run("dates", "--db", examples_db, "--doc", "c24-report-sample.docx")
    rows = table(out)
    assert code == 0 and rows[0][:4] == ["doc_id", "text", "value", "kind"]
    assert {"year", "since"} <= {r[3] for r in rows[1:]}
    code, out, _ = run("compare", "--db", examples_db)
    assert code == 0 and "note" in out.splitlines()[0].split()


def test_the_kept_actor_names_and_forms_are_what_sql_finds_and_follow_the_documents(examples_db, tmp_path):
    import sqlite3

    import cli
    from corpus.store import Store

    db = str(tmp_path / "x.db")
    with sqlite3.connect(examples_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    sql = "SELECT DISTINCT name FROM actor_mentions WHERE lower(json_extract(data, '$.text')) = ?"
    with Store(db) as store:
        names, forms = cli._actors_known(store)
        assert cli._actors_known(store) == (names, forms)  # the second from the cache
        mentioned = {r[0] for r in store.conn.execute("SELECT name FROM actor_mentions")}
        assert mentioned <= set(names) and names[: len(mentioned)] == sorted(mentioned)
        every = "SELECT lower(json_extract(data, '$.text')) FROM actor_mentions"
        texts = {r[0] for r in store.conn.execute(every)}
        assert len(texts) > 5 and set(forms) == texts - {None}
        for form in texts - {None}:
            assert sorted(set(forms[form])) == sorted({r[0] for r in store.conn.execute(sql, (form,))})
        store.conn.execute("UPDATE documents SET ingested_at = 'later' WHERE rowid = 1")
        store.conn.execute("UPDATE actor_mentions SET data = json_set(data, '$.text', 'Zz') WHERE rowid = 1")
        assert "zz" in cli._actors_known(store)[1]  # a document stored again: read again
