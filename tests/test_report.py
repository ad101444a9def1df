"""The HTML report of the sample corpus: structure, working links, escaping, determinism, and what a browser
renders (headless Chromium, skipped when it is not installed)."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from corpus.compare import compare
from corpus.report import build_report, format_amount, gather, write_report
from corpus.store import Store
from extract.pipeline import extract_file
from schemas.models import Figure

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CHROMIUM = Path("/usr/bin/chromium")
sys.path.insert(0, str(REPO / "scripts"))
from screenshot import run_chromium  # noqa: E402


class Page(HTMLParser):
    """Ids, in-page links, text of elements with an id, matrix cells, and external references of a page."""

    def __init__(self, text: str):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (href, title)
        self.external: list[str] = []
        self.svgs = 0
        self.text_by_id: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
            if tag == "tr":
                self._open.append(a["id"])
                self.text_by_id[a["id"]] = ""
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.append((a["href"][1:], a.get("title") or ""))
        for attr in ("src", "href"):
            if (a.get(attr) or "").startswith(("http:", "https:", "//")):
                self.external.append(a[attr])
        if tag == "link":
            self.external.append(str(a))
        self.svgs += tag == "svg"

    def handle_endtag(self, tag):
        if tag == "tr" and self._open:
            self._open.pop()

    def handle_data(self, data):
        for i in self._open:
            self.text_by_id[i] += data


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    files = sorted(p for p in EXAMPLES.glob("*") if p.suffix in (".docx", ".pdf", ".txt"))
    if not files:
        pytest.skip("examples/ not generated (python scripts/make_samples.py)")
    db = str(tmp_path_factory.mktemp("report") / "samples.db")
    with Store(db) as store:
        for f in files:
            store.ingest(extract_file(f, use_model=False))
    return db


@pytest.fixture(scope="module")
def html(sample_db: str) -> str:
    with Store(sample_db) as store:
        return build_report(store)


def section(text: str, anchor: str) -> str:
    """The HTML from <h2 id=anchor> to the next <h2>."""
    start = text.index(f'<h2 id="{anchor}"')
    end = text.find("<h2", start + 1)
    return text[start : end if end > 0 else None]


def test_matrix_has_every_operative_clause_and_edition_year(sample_db, html):
    with Store(sample_db) as store:
        clauses = [c.id for c in store.clauses(resolution="1408") if c.kind == "operative"]
    matrix = re.search(r'<table class="matrix">.*?</table>', html, re.S).group(0)
    assert len(clauses) == 5
    for cid in clauses:
        assert f">{cid.split('/', 1)[1]}<" in matrix
    heads = re.findall(r"<th title=\"[^\"]+\">(\d{4})<br>", matrix)
    assert heads == ["2024", "2025", "2026"]  # one column per edition, though each is stored as DOCX and PDF
    rows = re.findall(r'<tr><th class="clause">(.*?)</tr>', matrix, re.S)
    gap = next(r for r in rows if ">resolves-to-instruct/2<" in r)
    marks = re.findall(r">([✓✗]) \d\.\d\d<", gap)
    assert marks == ["✗", "✓", "✓"]  # the 2024 edition leaves item 2 unaddressed
    summary = re.search(r'<ul class="summary">.*?</ul>', html, re.S).group(0)
    assert "not addressed: <span class=\"bad\">resolves-to-instruct/2 in 2024</span>" in summary
    assert "5 failed check(s)" in summary  # + the donors listed (x2) and ITU's annual share (issue 12)


def test_every_cell_opens_its_evidence_with_pages(html):
    page = Page(html)
    cells = re.findall(r'<td class="cell"[^>]*><a href="#(ev-[^"]+)"', html)
    assert len(cells) == 15
    assert set(cells) <= page.ids
    panel = re.search(rf'<details id="{cells[0]}">(.*?)</details>', html, re.S).group(1)
    assert re.search(r"p\. \d+\*? · section \d", panel)  # DOCX evidence borrows the PDF's page


def test_one_chart_per_series_and_points_linked(sample_db, html):
    with Store(sample_db) as store:
        series, _ = compare(store)
    multi = [s for s in series if len(s.points) >= 2]
    assert len(multi) >= 5
    cards = re.findall(r'<div class="card" id="s\d+">(.*?)</div>(?=<div class="card"|</div>)', html, re.S)
    assert len(cards) == len(multi)
    assert all(c.count("<svg") == 1 for c in cards)
    damage = next(c for c in cards if c.startswith("<h3>damage: telecommunications (USD)"))
    assert "USD billion" in damage and "RDNA4" in damage  # axis in the currency, editions on x
    assert "2.48" in damage


def test_failed_checks_listed_with_their_figures_linked(html):
    checks = section(html, "checks")
    assert "sum_mismatch" in checks and "stated_change" in checks
    page = Page(html)
    figure_links = [(h, t) for h, t in Page(checks).links if re.fullmatch(r"d\d+-f\d+", h)]
    assert len(figure_links) >= 6  # the total and its three parts; the two damage figures
    for href, title in figure_links:
        assert href in page.ids
        assert re.search(r", (p\. \d+\*?|no page), p\d{4}: \S", title)  # document, page, block: sentence
    assert "CHF 312 000" in page.text_by_id[next(h for h, t in figure_links if "312 000" in t)]


def test_every_in_page_link_resolves_and_nothing_is_fetched(html):
    page = Page(html)
    missing = {h for h, _ in page.links} - page.ids
    assert not missing
    assert not page.external and "@import" not in html and "<script src" not in html
    assert page.svgs >= 10


def test_appendix_gives_page_block_and_sentence(sample_db, html):
    appendix = section(html, "appendix")
    pdf_rows = re.findall(r'<tr id="d\d+-f\d+"><td class="num">([^<]+)</td>.*?<td>(p\. \d+\*?)</td>'
                          r"<td>(p\d{4})</td><td>([^<]*)</td>", appendix, re.S)
    with Store(sample_db) as store:
        n_figures = len(store.figures())
    assert len(re.findall(r'<tr id="d\d+-f\d+">', appendix)) == n_figures
    assert len(pdf_rows) >= n_figures * 0.9  # DOCX figures borrow their page from the edition's PDF
    assert all(sentence for *_, sentence in pdf_rows)


def test_deterministic_and_timestamp_optional(sample_db, html):
    with Store(sample_db) as store:
        again = build_report(store)
        stamped = build_report(store, generated_at="2026-01-01 00:00 UTC")
    assert again == html
    assert "Generated" not in html and "Generated 2026-01-01 00:00 UTC" in stamped


def test_document_text_is_escaped(tmp_path, make_extraction):
    ex = make_extraction("evil.txt", "x")
    ex.document.title = "<script>alert(1)</script>"
    ex.clauses = []  # its resolution is not ingested
    ex.figures.append(
        Figure(start=0, end=8, text="USD 5 bn", amount=5e9, currency="USD", block_id="p0002",
               sentence='Damage <img src=x onerror="alert(2)"> of USD 5 bn.', page=1)
    )
    with Store(tmp_path / "e.db") as store:
        store.ingest(ex)
        out = build_report(store)
    assert "<script>alert" not in out and "<img src=x" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out and "&lt;img src=x" in out
    assert "No audit:" in out  # a report whose resolution is not ingested: the audit says why, the rest works
    assert "USD 5 bn" in section(out, "appendix")


def test_empty_store_still_writes_a_page(tmp_path):
    with Store(tmp_path / "empty.db") as store:
        path = write_report(store, tmp_path / "sub" / "r.html")
        c = gather(store)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert c.docs == [] and "No audit:" in text


def test_format_amount():
    assert format_amount(2.48e9, "USD") == "USD 2.48 billion"
    assert format_amount(3e7, "EUR") == "EUR 30 million"
    assert format_amount(312000, "CHF") == "CHF 312 000"


def test_cli_report_prints_the_path(sample_db, tmp_path):
    out = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["report", "--db", sample_db, "--out", str(out), "--no-timestamp"])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == str(out.resolve())
    assert '<table class="matrix">' in out.read_text(encoding="utf-8")
    res = CliRunner().invoke(main, ["report", "--db", str(tmp_path / "none.db")])
    assert res.exit_code != 0 and "no database" in res.output


# -- in a browser -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def report_file(sample_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium absent (apt-get install chromium): browser rendering not checked")
    with Store(sample_db) as store:
        return write_report(store, tmp_path_factory.mktemp("browser") / "report.html")


def test_chromium_renders_matrix_and_charts(report_file):
    target = re.search(r'<td class="cell"[^>]*><a href="#(ev-[^"]+)"', report_file.read_text()).group(1)
    proc = run_chromium(["--dump-dom", f"{report_file.as_uri()}#{target}"])  # as after a click on the cell
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-400:]
    assert '<table class="matrix">' in dom and dom.count("<svg") >= 10
    assert "Failed checks" in dom and "sum_mismatch" in dom
    opened = re.findall(r"<details [^>]*open[^>]*>", dom)
    assert opened == [f'<details id="{target}" open="">']  # the clicked cell's evidence, and only it, opens


def test_screenshot_is_a_real_image(report_file):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "shot.png"
        proc = subprocess.run(
            [sys.executable, str(REPO / "scripts" / "screenshot.py"), str(report_file), str(out),
             "--height", "900"],
            capture_output=True, text=True, timeout=90, check=False,
        )
        assert proc.returncode == 0, proc.stderr[-400:]
        data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000  # a blank page compresses far smaller


def test_same_symbol_in_two_files_keeps_both_in_compare_and_report(tmp_path) -> None:
    """Issue 12: the real 2026 report and the 2026 sample both carry C26/27; neither may vanish, while the
    real report's DOCX and PDF (same text) count once."""
    from conftest import CORPUS

    from corpus.compare import canonical_documents, compare, store_text
    from corpus.report import gather

    db = str(tmp_path / "two.db")
    with Store(db) as store:
        for f in (EXAMPLES / "c26-report-sample.docx", CORPUS / "c26-res1408-report.docx",
                  CORPUS / "c26-res1408-report.pdf"):
            store.ingest(extract_file(f, use_model=False))
        docs = store.documents()
        by_path = {Path(d.path).name: d.id for d in docs}
        canon = {d.id for d in canonical_documents(docs, store_text(store))}
        assert by_path["c26-report-sample.docx"] in canon and by_path["c26-res1408-report.docx"] in canon
        assert by_path["c26-res1408-report.pdf"] not in canon  # the same text as its DOCX
        series, checks = compare(store, all_checks=True)
        stated_in = {p.doc_id for s in series for p in s.points} | {a for s in series for p in s.points
                                                                     for a in p.also_in}
        assert {by_path["c26-res1408-report.docx"], by_path["c26-report-sample.docx"]} <= stated_in
        corpus = gather(store)
        editions = {corpus.edition_of[d] for d in (by_path["c26-report-sample.docx"],
                                                   by_path["c26-res1408-report.docx"])}
        assert len(editions) == 2
        assert any(c.kind == "listed_parts_sum" and not c.ok for c in checks)


def test_charts_drawn_on_several_cores_equal_one_by_one(monkeypatch) -> None:
    """The report's charts are split over the cores (fork_map): each SVG is the one series_svg draws alone,
    in series order."""
    import os

    import corpus.report as report_module
    from schemas.models import Series, SeriesPoint

    series = [
        Series(metric="budget", subject=f"item {k}", currency="USD",
               points=[SeriesPoint(doc_id=f"d{j}", year=2020 + j, amount=100.0 * (k + 1) + j, text="x")
                       for j in range(2 + k % 3)])
        for k in range(9)
    ]
    alone = [report_module.series_svg(s, f"s{i}", []) for i, s in enumerate(series)]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)  # two cores whatever runs
    assert report_module._charts(series) == alone
    assert len(set(alone)) == len(alone)  # distinct charts: the order is really checked
