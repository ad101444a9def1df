"""`restrack serve`: Datasette on the database, started as a user would on a free port of 127.0.0.1, then
stopped. Skipped when the `web` extra (datasette) is not installed; CI installs it (scripts/test.sh)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO

from corpus.audit import refresh_cache
from corpus.store import Store
from extract.pipeline import extract_file

EXAMPLES = REPO / "examples"
CHROMIUM = Path("/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Store]]:
    if importlib.util.find_spec("datasette") is None:
        pytest.skip("datasette not installed: pip install '.[web]'")
    db = tmp_path_factory.mktemp("serve") / "corpus.db"
    with Store(db) as store:
        for name in ("res1408-sample", "c24-report-sample", "c25-report-sample"):
            store.ingest(extract_file(EXAMPLES / f"{name}.docx", use_model=False))
        assert refresh_cache(store) == 2  # what `restrack ingest` does: the coverage the views show
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "cli.py"), "serve", "--db", str(db), "--port", str(port)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # the first start imports Datasette: allow a slow shared machine
            if proc.poll() is not None:
                pytest.fail(f"restrack serve exited: {proc.stdout.read().decode() if proc.stdout else ''}")
            try:
                _get(base + "/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.25)
        else:
            pytest.fail("restrack serve did not answer within 60 s")
        with Store(db) as store:
            yield base + "/corpus", store
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode is not None


def test_figures_view_as_json(server):
    base, store = server
    rows = json.loads(_get(base + "/figures_view.json?_shape=array&_size=max"))
    stored = store.figures()
    assert len(rows) == len(stored) > 0
    assert sorted(r["amount"] for r in rows) == sorted(f.amount for f in stored)
    first = next(r for r in rows if r["document"] == "c24-report-sample.docx")
    assert first["symbol"] == "C24/27" and first["year"] == 2024 and first["text"] and first["sentence"]
    assert isinstance(json.loads(first["years"]), list)


def test_html_pages_describe_facet_and_hide_the_cache(server):
    base, _ = server
    page = _get(base + "/figures_view")
    assert "Monetary figures, one per mention" in page and "figures_view" in page
    facets = json.loads(_get(base + "/figures_view.json"))["facet_results"]
    assert {"metric", "currency", "year"} <= set(facets.get("results", facets))
    tables = {t["name"]: t["hidden"] for t in json.loads(_get(base + ".json"))["tables"]}
    assert tables["_cache"] is True and tables["documents"] is False
    assert "audit_cache" not in tables and "compare_cache" not in tables


def test_canned_queries_and_search(server):
    base, _ = server
    matrix = json.loads(_get(base + "/coverage_matrix.json?_shape=array&resolution=1408"))
    assert matrix and all(r["reports"] == 2 for r in matrix)
    assert all(r["clause_id"].startswith("1408/") for r in matrix)
    series = json.loads(_get(base + "/figure_series.json?_shape=array&metric=damage&currency=&subject="))
    assert series and {r["metric"] for r in series} == {"damage"}
    hits = json.loads(_get(base + "/blocks.json?_search=generators&_shape=array"))
    assert [r["doc_id"] for r in hits] == ["c24-report-sample.docx"] and "generators" in hits[0]["text"]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
def test_screenshot_of_the_figures_view(server, tmp_path):
    base, _ = server
    sys.path.insert(0, str(REPO / "scripts"))
    from screenshot import run_chromium  # the flags and throwaway profile the report test uses

    shot = tmp_path / "figures.png"
    args = [f"--screenshot={shot}", "--window-size=1280,900", base + "/figures_view"]
    proc = run_chromium(args, timeout=120)
    assert shot.exists(), proc.stderr[-500:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    if os.environ.get("RESTRACK_SCREENSHOT_DIR"):  # keep it for a reviewer
        shutil.copy(shot, os.environ["RESTRACK_SCREENSHOT_DIR"])


def test_serve_says_what_is_missing(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import main

    out = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert out.exit_code != 0 and "no database at" in out.output
    Store(tmp_path / "t.db").close()
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name, *a)
    )
    out = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "t.db")])
    assert out.exit_code != 0 and "pip install 'restrack[web]'" in out.output
