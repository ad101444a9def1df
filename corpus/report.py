"""One self-contained HTML report of the stored corpus, for a delegate who reads it offline.

Sections: the documents; the audit matrix (operative clauses x report editions, a heat map whose cells link
to their evidence paragraphs); one chart per figure series across editions (inline SVG from matplotlib, Agg,
text kept as text); the checks that failed; an appendix per document listing every figure with page, block
and sentence. Every amount shown links to its appendix row and carries the sentence in its title, so each
number can be traced to document, page and sentence. All document text is escaped; nothing is fetched at
view time (inline CSS, a few lines of inline JS that only open the <details> a link points at).

One document per edition is shown in the matrix (DOCX > TXT > PDF, as compare reads them); a DOCX has no
pages, so pages are borrowed from the same edition's PDF when a paragraph's text matches (marked "*").
Output is a function of the store (sorted everywhere, SVG ids salted per chart, no SVG date), except the
optional generated-at line.
"""

from __future__ import annotations

import html
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.audit import audit
from corpus.compare import compare, edition_keys, store_text
from schemas.models import AuditRow, Check, Clause, Document, Series, SeriesPoint, Table
from schemas.rules import format_rank

_KIND_RANK = {"resolution": 0, "report": 1, "assessment": 2, "other": 3}
_SCALES = ((1e9, "billion"), (1e6, "million"), (1e3, "thousand"))
_MAX_LABELLED = 24  # points of a chart annotated with their value and named on the x axis
_MIN_CHARTS_PER_PROCESS = 4  # a fork costs about one chart's time: fewer charts are drawn in one process
_MAX_CHARTS = 50  # 0.17 s per matplotlib chart on a shared 2-core machine; the rest are listed as tables


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def format_amount(amount: float, currency: str) -> str:
    """`USD 2.48 billion`, `CHF 312 000`: how the documents write them, for axis and tables."""
    for factor, word in _SCALES[:2]:
        if abs(amount) >= factor:
            return f"{currency} {amount / factor:,.2f}".rstrip("0").rstrip(".") + f" {word}"
    whole = f"{amount:,.0f}".replace(",", " ") if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{currency} {whole}"


# -- gathering ----------------------------------------------------------------------------------------------
@dataclass(slots=True)
class _FigRow:
    """The fields of a figure the report prints (appendix row, anchor lookup, table link). An archive has
    hundreds of thousands of figures: whole Figure models took 4 KB each, most of the report's memory."""

    doc_id: str | None
    text: str
    amount: float
    currency: str
    metric: str | None
    page: int | None
    block_id: str | None
    sentence: str | None
    table_id: str | None

    @classmethod
    def of(cls, d: dict[str, Any]) -> _FigRow:
        return cls(d.get("doc_id"), d["text"], float(d["amount"]), d["currency"], d.get("metric", "other"),
                   d.get("page"), d.get("block_id"), d.get("sentence"), d.get("table_id"))


def _figure_rows(store: Any) -> Iterable[_FigRow]:
    """Every stored figure, in store.figures() order, as _FigRow (JSON read without building models)."""
    import json

    if not hasattr(store, "conn"):
        yield from (_FigRow.of(f.model_dump()) for f in store.figures())
        return
    sql = "SELECT f.data FROM figures f JOIN documents d ON d.id = f.doc_id ORDER BY f.doc_id, f.seq"
    for (data,) in store.conn.execute(sql):
        yield _FigRow.of(json.loads(data))


@dataclass
class _Corpus:
    """What the report shows, read once from the store."""

    docs: list[Document]
    anchors: dict[str, str]  # doc id -> "d3"
    figures: dict[str, list[_FigRow]]  # doc id -> figures in document order
    page_hint: dict[tuple[str, str], tuple[int, str]]  # (doc id, block id) -> (page, sibling doc id)
    audit: list[AuditRow] = field(default_factory=list)
    audit_note: str | None = None
    clauses: list[Clause] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    tables: dict[str, list[Table]] = field(default_factory=dict)  # doc id -> tables (extract/tables.py)
    edition_of: dict[str | None, tuple] = field(default_factory=dict)  # doc id -> edition (text-matched)

    index: dict[str, tuple[dict, dict, dict]] = field(default_factory=dict)  # doc id -> first figure by key

    def fig_anchor(self, doc_id: str | None, block_id: str | None, text: str, amount: float) -> str | None:
        """The appendix row of a figure quoted by compare (same document, block and wording or amount).
        Looked up in per-document indexes of the first figure per key: no scan per point."""
        doc = doc_id or ""
        if doc not in self.index:
            by_text_block: dict = {}
            by_amount_block: dict = {}
            by_text: dict = {}
            for i, f in enumerate(self.figures.get(doc, [])):
                by_text_block.setdefault((f.block_id, f.text), i)
                by_amount_block.setdefault((f.block_id, f.amount), i)
                by_text.setdefault(f.text, i)
            self.index[doc] = (by_text_block, by_amount_block, by_text)
        a, b, c = self.index[doc]
        hit = a.get((block_id, text), b.get((block_id, amount), c.get(text)))
        return None if hit is None else f"{self.anchors[doc]}-f{hit}"

    def page_of(self, doc_id: str | None, block_id: str | None, page: int | None) -> str:
        if page:
            return f"p. {page}"
        hint = self.page_hint.get((doc_id or "", block_id or ""))
        return f"p. {hint[0]}*" if hint else "no page"


def _edition_key(d: Document, edition_of: dict[str | None, tuple] | None = None) -> tuple:
    """The edition a document belongs to; `edition_of` (compare.edition_keys) keeps a different file
    with the same symbol apart from the DOCX/PDF/TXT of one report, which share theirs by text."""
    if edition_of and d.id in edition_of:
        return edition_of[d.id]
    if d.kind == "report":
        return ("report", d.resolution, d.year or d.symbol or d.id)
    if d.kind == "assessment":
        return ("assessment", d.edition or d.cutoff or d.year or d.id)
    return (d.kind, d.id)


def _canonical(
    docs: Iterable[Document], edition_of: dict[str | None, tuple] | None = None
) -> dict[tuple, Document]:
    """Edition key -> the document read for it (DOCX > TXT > PDF, then id)."""
    best: dict[tuple, Document] = {}
    for d in docs:
        k, rank = _edition_key(d, edition_of), (format_rank(d.format), d.id or "")
        if k not in best or rank < (format_rank(best[k].format), best[k].id or ""):
            best[k] = d
    return best


def _page_hints(
    store: Any, docs: list[Document], edition_of: dict[str | None, tuple] | None = None
) -> dict[tuple[str, str], tuple[int, str]]:
    """Pages for blocks of page-less documents (DOCX), from a same-edition sibling whose text matches."""
    groups: dict[tuple, list[Document]] = defaultdict(list)
    for d in docs:
        groups[_edition_key(d, edition_of)].append(d)
    hints: dict[tuple[str, str], tuple[int, str]] = {}
    for group in groups.values():
        paged = [d for d in group if d.pages]
        for d in group:
            if d.pages or not paged:
                continue
            sib = paged[0]
            full: dict[str, int] = {}
            head: dict[str, int] = {}
            for b in store.blocks(sib.id):
                if b.page:
                    full.setdefault(_norm(b.text), b.page)
                    head.setdefault(_norm(b.text)[:60], b.page)
            for b in store.blocks(d.id):
                t = _norm(b.text)
                page = full.get(t) or (head.get(t[:60]) if len(t) >= 40 else None)
                if page:
                    hints[(d.id or "", b.id)] = (page, sib.id or "")
    return hints


def gather(store: Any) -> _Corpus:
    """Read documents, figures, audit and compare results; a missing module or resolution becomes a note."""
    docs = sorted(
        store.documents(), key=lambda d: (_KIND_RANK.get(d.kind, 9), d.year or 0, d.id or "")
    )
    edition_of = edition_keys(docs, store_text(store))
    corpus = _Corpus(
        docs=docs,
        anchors={d.id or "": f"d{i}" for i, d in enumerate(docs)},
        figures=defaultdict(list),
        page_hint=_page_hints(store, docs, edition_of),
        edition_of=edition_of,
    )
    for f in _figure_rows(store):
        corpus.figures[f.doc_id or ""].append(f)
    try:
        corpus.audit = audit(store)
        resolutions = sorted({d.resolution for d in docs if d.kind == "report" and d.resolution})
        corpus.clauses = [
            c for r in resolutions for c in store.clauses(resolution=r) if c.kind == "operative"
        ]
    except LookupError as exc:
        corpus.audit_note = str(exc).strip("'\"")
    corpus.series, corpus.checks = compare(store)
    corpus.tables = _stored_tables(store, docs)
    return corpus


# -- charts -------------------------------------------------------------------------------------------------
def _scale(amounts: Sequence[float]) -> tuple[float, str]:
    top = max((abs(a) for a in amounts), default=0)
    for factor, word in _SCALES:
        if top >= factor:
            return factor, word
    return 1.0, ""


def _x_label(p: SeriesPoint, axis: str) -> str:
    if axis == "assessment":
        return "\n".join(x for x in (p.edition, p.as_of) if x) or str(p.year or "?")
    return "\n".join(x for x in (str(p.year or "?"), p.edition) if x)


def series_svg(series: Series, salt: str, flagged: Iterable[SeriesPoint] = ()) -> str:
    """The series as a small inline SVG: editions on x, amount in the currency on y, values annotated;
    points a failed check involves are drawn red."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.ticker import MaxNLocator

    bad = {(p.doc_id, p.block_id, p.amount) for p in flagged}
    pts = series.points
    factor, word = _scale([p.amount for p in pts])
    xs, ys = list(range(len(pts))), [p.amount / factor for p in pts]
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": salt, "font.size": 8}):
        fig = MplFigure(figsize=(4.6, 2.5), dpi=72)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.plot(xs, ys, color="#1f5f99", marker="o", linewidth=1.6)
        crowded = len(pts) > _MAX_LABELLED  # an archive's series: label a few points, not hundreds
        for x, y, p in zip(xs, ys, pts, strict=True):
            red = (p.doc_id, p.block_id, p.amount) in bad
            if red:
                ax.plot([x], [y], marker="o", markersize=9, color="#c62828", zorder=3)
            if red or not crowded:
                ax.annotate(
                    f"{y:,.4g}", (x, y), textcoords="offset points", xytext=(0, 6), ha="center",
                    color="#c62828" if red else "#222",
                )
        step = -(-len(pts) // _MAX_LABELLED) if crowded else 1
        ax.set_xticks(xs[::step], [_x_label(p, series.axis) for p in pts[::step]])
        ax.set_xlim(-0.5, len(pts) - 0.5)
        ax.set_ylim(0, max(ys + [0]) * 1.25 or 1)
        ax.set_ylabel(f"{series.currency} {word}".strip())
        ax.grid(axis="y", color="#ddd", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        fig.subplots_adjust(left=0.15, right=0.98, top=0.92, bottom=0.2)  # tight_layout: 2x the time
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    what = esc(f"{series.metric} {series.subject or ''} ({series.currency}) across editions")
    return svg.replace("<svg ", f'<svg role="img" aria-label="{what}" class="chart" ', 1)


# -- HTML pieces --------------------------------------------------------------------------------------------
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1d2330;margin:0;
background:#f6f7f9}
main{max-width:1180px;margin:0 auto;padding:16px 24px 60px}
h1{font-size:24px;margin:8px 0 2px}h2{font-size:19px;margin:34px 0 8px;border-bottom:2px solid #1f5f99;
padding-bottom:3px}h3{font-size:15px;margin:18px 0 6px}
.muted{color:#5b6474;font-size:12px}.note{background:#fff7e0;border-left:4px solid #e0a800;padding:6px 10px}
nav a{margin-right:14px}
table{border-collapse:collapse;background:#fff;margin:6px 0 10px}
th,td{border:1px solid #d5d9e0;padding:4px 7px;vertical-align:top;text-align:left}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;white-space:nowrap}
.summary li{margin:3px 0}
table.matrix td.cell{text-align:center;min-width:88px;font-weight:600;padding:0}
table.matrix td.cell a{display:block;padding:7px 4px;color:#10261a;text-decoration:none}
table.matrix td.cell a:hover{outline:2px solid #1f5f99}
table.matrix th.clause{max-width:420px;font-weight:normal}
.clause-id{font-weight:600;font-family:ui-monospace,monospace;font-size:12px}
.legend span{display:inline-block;padding:2px 8px;margin-right:6px;border:1px solid #ccc}
details{background:#fff;border:1px solid #d5d9e0;margin:4px 0;padding:4px 10px}
details:target,tr:target{outline:3px solid #e0a800}
summary{cursor:pointer}
.ev{border-top:1px solid #eee;padding:5px 0}.ev .where{font-size:12px;color:#5b6474}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:14px}
.card{background:#fff;border:1px solid #d5d9e0;padding:8px 12px}
.card h3{margin:2px 0 4px}svg.chart{max-width:100%;height:auto;display:block}
.bad{color:#b71c1c;font-weight:600}.ok{color:#1b5e20}
.check{background:#fff;border-left:4px solid #c62828;padding:6px 12px;margin:8px 0}
a.fig{white-space:nowrap}
"""

JS = """
function openTarget(){var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
var e=document.getElementById(id);if(e&&e.tagName==='DETAILS'){e.open=true;}}
window.addEventListener('hashchange',openTarget);openTarget();
"""


def _cell_colour(addressed: bool, score: float) -> str:
    """Green, darker with the best evidence score; amber for weak evidence; red for none."""
    if addressed:
        return f"hsl(130,48%,{max(48, 88 - 38 * min(score, 1.0)):.0f}%)"
    return "hsl(40,90%,78%)" if score > 0 else "hsl(4,75%,84%)"


def _fig_link(c: _Corpus, doc_id: str | None, block_id: str | None, text: str, amount: float,
              page: int | None, sentence: str | None) -> str:
    anchor = c.fig_anchor(doc_id, block_id, text, amount)
    where = f"{doc_id}, {c.page_of(doc_id, block_id, page)}, {block_id or '?'}"
    title = esc(f"{where}: {sentence or ''}")
    if not anchor:
        return f'<span title="{title}">{esc(text)}</span>'
    return f'<a class="fig" href="#{anchor}" title="{title}">{esc(text)}</a>'


def _point_link(c: _Corpus, p: SeriesPoint) -> str:
    return _fig_link(c, p.doc_id, p.block_id, p.text, p.amount, p.page, p.sentence)


def _doc_link(c: _Corpus, doc_id: str | None) -> str:
    anchor = c.anchors.get(doc_id or "")
    return f'<a href="#{anchor}">{esc(doc_id)}</a>' if anchor else esc(doc_id)


def _documents_html(c: _Corpus) -> str:
    rows = []
    for d in c.docs:
        rows.append(
            f'<tr><td>{_doc_link(c, d.id)}</td><td>{esc(d.kind)}</td><td>{esc(d.symbol)}</td>'
            f'<td>{esc(d.year)}</td><td>{esc(d.format)}</td><td class="num">{esc(d.pages)}</td>'
            f'<td class="num">{len(c.figures.get(d.id or "", []))}</td><td>{esc(d.title)}</td>'
            f'<td class="muted">{esc(d.path)}</td></tr>'
        )
    head = "<tr><th>document</th><th>kind</th><th>symbol</th><th>year</th><th>format</th><th>pages</th>"
    head += "<th>figures</th><th>title</th><th>path</th></tr>"
    return f'<table class="documents">{head}{"".join(rows)}</table>'


@dataclass
class _Edition:
    doc: Document
    row: AuditRow
    others: list[AuditRow]


def _editions(c: _Corpus) -> list[_Edition]:
    by_id = {r.doc_id: r for r in c.audit}
    docs = [d for d in c.docs if d.id in by_id]
    groups: dict[tuple, list[Document]] = defaultdict(list)
    for d in docs:
        groups[_edition_key(d, c.edition_of)].append(d)
    out = []
    for key, doc in _canonical(docs, c.edition_of).items():
        others = [by_id[o.id or ""] for o in groups[key] if o.id != doc.id]
        out.append(_Edition(doc, by_id[doc.id or ""], others))
    return sorted(out, key=lambda e: (e.doc.year or 0, e.doc.symbol or "", e.doc.id or ""))


def _clause_head(cl: Clause | None, clause_id: str) -> str:
    tail = clause_id.split("/", 1)[-1]
    if not cl:
        return f'<span class="clause-id">{esc(tail)}</span>'
    text = cl.text if len(cl.text) <= 150 else cl.text[:147].rsplit(" ", 1)[0] + " …"
    return (
        f'<span class="clause-id">{esc(tail)}</span> <span class="muted">{esc(cl.verb)}</span><br>'
        f'<span title="{esc(cl.text)}">{esc(text)}</span>'
    )


def _audit_html(c: _Corpus) -> tuple[str, list[str]]:
    """The heat map and its evidence panels; also the gaps (clause, edition) for the summary."""
    if c.audit_note:
        return f'<p class="note">No audit: {esc(c.audit_note)}</p>', []
    eds = _editions(c)
    if not eds:
        return '<p class="note">No report edition to audit.</p>', []
    by_clause = {cl.id: cl for cl in c.clauses}
    order = [cl.id for cl in c.clauses]
    order += sorted({cv.clause_id for e in eds for cv in e.row.clauses} - set(order))
    head = "".join(
        f'<th title="{esc(e.doc.id)}">{esc(e.doc.year or "?")}<br><span class="muted">'
        f'{esc(e.doc.symbol or e.doc.id)}</span></th>'
        for e in eds
    )
    rows, panels, gaps = [], [], []
    for ci, cid in enumerate(order):
        cells = []
        for ei, e in enumerate(eds):
            cov = next((x for x in e.row.clauses if x.clause_id == cid), None)
            if cov is None:
                cells.append('<td class="cell muted">–</td>')
                continue
            pid = f"ev-c{ci}-e{ei}"
            mark = "✓" if cov.addressed else "✗"
            differ = [o.doc_id for o in e.others for x in o.clauses if x.clause_id == cid
                      and x.addressed != cov.addressed]
            extra = f" ≠ {', '.join(differ)}" if differ else ""
            tip = (f"{cid} in {e.doc.id}: {'addressed' if cov.addressed else 'not addressed'}, score "
                   f"{cov.score:.2f}, {len(cov.evidence)} evidence paragraph(s){extra}")
            cells.append(
                f'<td class="cell" style="background:{_cell_colour(cov.addressed, cov.score)}">'
                f'<a href="#{pid}" title="{esc(tip)}">{mark} {cov.score:.2f}<br><span class="muted">'
                f'{len(cov.evidence)} ¶{"  ≠" if differ else ""}</span></a></td>'
            )
            if not cov.addressed:
                gaps.append(f"{cid.split('/', 1)[-1]} in {e.doc.year or e.doc.id}")
            panels.append(_evidence_panel(c, pid, cid, e, cov, extra))
        label = _clause_head(by_clause.get(cid), cid)
        rows.append(f'<tr><th class="clause">{label}</th>{"".join(cells)}</tr>')
    legend = (
        '<p class="legend muted"><span style="background:hsl(130,48%,52%)">✓ strong</span>'
        '<span style="background:hsl(130,48%,75%)">✓ addressed</span>'
        '<span style="background:hsl(40,90%,78%)">✗ weak evidence only</span>'
        '<span style="background:hsl(4,75%,84%)">✗ no evidence</span> cell: addressed, best evidence score '
        "(0–1), evidence paragraphs (¶); click a cell for its evidence. ≠: another format of the same "
        "edition disagrees.</p>"
    )
    table = f'<table class="matrix"><tr><th>operative clause</th>{head}</tr>{"".join(rows)}</table>'
    return legend + table + '<h3>Evidence</h3>' + "".join(panels), gaps


def _evidence_panel(c: _Corpus, pid: str, cid: str, e: _Edition, cov: Any, extra: str) -> str:
    state = '<span class="ok">addressed</span>' if cov.addressed else '<span class="bad">not addressed</span>'
    items = []
    for ev in cov.evidence:
        why = f" · {esc('; '.join(ev.reasons))}" if ev.reasons else ""
        items.append(
            f'<div class="ev"><div class="where">{esc(c.page_of(e.doc.id, ev.block_id, ev.page))} · section '
            f"{esc(ev.section or '–')} · block {esc(ev.block_id)} · score {ev.score:.2f}{why}</div>"
            f"{esc(ev.text)}</div>"
        )
    body = "".join(items) or '<div class="ev muted">No paragraph of this edition links to the clause.</div>'
    return (
        f'<details id="{pid}"><summary><span class="clause-id">{esc(cid)}</span> — {esc(e.doc.year)} '
        f"({_doc_link(c, e.doc.id)}): {state}, score {cov.score:.2f}, {len(cov.evidence)} paragraph(s)"
        f"{esc(extra)}</summary>{body}</details>"
    )


def _flagged(s: Series) -> list[SeriesPoint]:
    return [p for ch in s.checks if not ch.ok for p in ch.figures]


def _draw(job: Sequence[tuple[int, Series]]) -> list[str]:
    return [series_svg(s, f"s{i}", _flagged(s)) for i, s in job]


def _charts(series: Sequence[Series]) -> list[str]:
    """The SVG of each series, drawn on every core the process may use (extract.parallel.fork_map): the
    charts were two thirds of a report's time, and each one is drawn alone (its own salt), so splitting
    them changes no byte."""
    import os

    from extract.parallel import fork_map

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    cores = max(1, min(cores, len(series) // _MIN_CHARTS_PER_PROCESS))
    jobs = [list(enumerate(series))[k::cores] for k in range(cores)]  # interleaved: long series spread
    drawn: dict[int, str] = {}
    for job, svgs in zip(jobs, fork_map(_draw, jobs, cores), strict=True):
        drawn.update((i, svg) for (i, _), svg in zip(job, svgs, strict=True))
    return [drawn[i] for i in range(len(series))]


def _series_html(c: _Corpus) -> tuple[str, dict[int, str]]:
    """Cards with a chart and the points for series over two or more editions; single-figure series in one
    table. Returns the HTML and id(series) -> card anchor, for the checks to link to."""
    multi = [s for s in c.series if len(s.points) >= 2]
    single = [s for s in c.series if len(s.points) == 1]
    cards, anchors = [], {}
    charts = _charts(multi[:_MAX_CHARTS])
    for i, s in enumerate(multi):
        anchors[id(s)] = f"s{i}"
        chart = charts[i] if i < len(charts) else ""
        rows = "".join(
            f"<tr><td>{esc(p.edition or p.year)}</td><td>{esc(p.as_of or p.year)}</td>"
            f'<td class="num">{_point_link(c, p)}</td><td class="num">'
            f"{'' if p.pct_change is None else f'{p.pct_change:+.1f} %'}</td><td>{_doc_link(c, p.doc_id)}"
            f"{' · ' + esc(p.note) if p.note else ''}</td></tr>"
            for p in s.points
        )
        fails = "".join(f'<div class="bad">⚠ {esc(ch.message)}</div>' for ch in s.checks if not ch.ok)
        cards.append(
            f'<div class="card" id="s{i}"><h3>{esc(s.metric)}: {esc(s.subject or "–")} '
            f"({esc(s.currency)})</h3>"
            f"{chart}{fails}<table><tr><th>edition</th><th>as of</th><th>amount</th><th>change</th>"
            f"<th>source</th></tr>{rows}</table></div>"
        )
    out = f'<div class="charts">{"".join(cards)}</div>' if cards else "<p>No figure is in two editions.</p>"
    if single:
        rows = "".join(
            f"<tr><td>{esc(s.metric)}</td><td>{esc(s.subject)}</td><td>{esc(p.edition or p.year)}</td>"
            f'<td class="num">{_point_link(c, p)}</td>'
            f'<td class="num">{esc(format_amount(p.amount, s.currency))}</td>'
            f"<td>{_doc_link(c, p.doc_id)}</td></tr>"
            for s in single
            for p in s.points
        )
        out += (
            f"<h3>Figures stated in one edition only ({len(single)})</h3><table><tr><th>metric</th>"
            "<th>subject</th><th>edition</th><th>as written</th><th>amount</th><th>source</th></tr>"
            f"{rows}</table>"
        )
    return out, anchors


def _checks_html(c: _Corpus, series_anchor: dict[int, str]) -> str:
    failed = [ch for ch in c.checks if not ch.ok and ch.kind != "unverified"]
    unverified = [ch for ch in c.checks if ch.kind == "unverified"]
    if not failed and not unverified:
        return '<p class="ok">Every check passed.</p>'
    failed += unverified  # listed after the failures: not computed, with the reason, never as passed
    owner = {id(ch): series_anchor.get(id(s)) for s in c.series for ch in s.checks}
    out = []
    for ch in failed:
        by_sentence: dict[tuple, list[SeriesPoint]] = {}  # a total and its parts share one sentence
        for p in ch.figures:
            by_sentence.setdefault((p.doc_id, p.block_id, p.sentence), []).append(p)
        figs = "".join(
            f"<li>{', '.join(_point_link(c, p) for p in ps)} — {_doc_link(c, doc_id)}, "
            f"{esc(c.page_of(doc_id, block_id, ps[0].page))}: <q>{esc(sentence)}</q></li>"
            for (doc_id, block_id, sentence), ps in by_sentence.items()
        )
        chart = owner.get(id(ch))
        see = f' · <a href="#{chart}">see the series chart</a>' if chart else ""
        out.append(
            f'<div class="check"><span class="bad">{esc(ch.kind)}</span> in {_doc_link(c, ch.doc_id)}{see}'
            f"<div>{esc(ch.message)}</div><ul>{figs}</ul></div>"
        )
    return "".join(out)


def _appendix_html(c: _Corpus) -> str:
    return "".join(_appendix_parts(c))


def _appendix_parts(c: _Corpus) -> Iterator[str]:
    """The appendix one document at a time (the report is written as it is rendered: on an archive the
    appendix is most of the page)."""
    for d in c.docs:
        anchor, figs = c.anchors[d.id or ""], c.figures.get(d.id or "", [])
        head = (f'<h3 id="{anchor}">{esc(d.id)} <span class="muted">{esc(d.kind)} · {esc(d.symbol)} · '
                f"{esc(d.year)} · {esc(d.path)}</span></h3>")
        if not figs:
            yield head + '<p class="muted">No figures.</p>'
            continue
        rows = "".join(
            f'<tr id="{anchor}-f{i}"><td class="num">{esc(f.text)}</td><td class="num">'
            f"{esc(format_amount(f.amount, f.currency))}</td><td>{esc(f.metric)}</td>"
            f"<td>{esc(c.page_of(d.id, f.block_id, f.page))}</td><td>{esc(f.block_id)}</td>"
            f"<td>{esc(f.sentence)}{_table_link(anchor, f)}</td></tr>"
            for i, f in enumerate(figs)
        )
        yield (
            head + "<table><tr><th>as written</th><th>amount</th><th>metric</th><th>page</th><th>block</th>"
            f"<th>sentence</th></tr>{rows}</table>" + _tables_html(c, d, anchor)
        )


def _summary_html(c: _Corpus, gaps: list[str]) -> str:
    reports = [d for d in c.docs if d.kind == "report"]
    years = sorted({d.year for d in reports if d.year})
    failed = [ch for ch in c.checks if not ch.ok and ch.kind != "unverified"]
    unverified = [ch for ch in c.checks if ch.kind == "unverified"]
    items = [
        f"{len(c.docs)} documents: {len(reports)} report files covering "
        f"{len(years)} edition year(s) ({esc(', '.join(map(str, years)) or '–')}), "
        f"{sum(d.kind == 'assessment' for d in c.docs)} assessment file(s), "
        f"{sum(d.kind == 'resolution' for d in c.docs)} resolution file(s).",
    ]
    if not c.audit_note:
        items.append(
            f"{len(c.clauses)} operative clauses audited; not addressed: "
            + (f'<span class="bad">{esc("; ".join(gaps))}</span>' if gaps else "none")
            + ' (<a href="#audit">matrix</a>).'
        )
    items.append(
        f"{sum(len(s.points) >= 2 for s in c.series)} figure series across editions; "
        + (f'<span class="bad">{len(failed)} failed check(s)</span>' if failed else "no failed check")
        + (f"; {len(unverified)} check(s) could not be computed (unverified)" if unverified else "")
        + ' (<a href="#checks">checks</a>).'
    )
    items.append("Every amount links to its document, page and sentence in the appendix; pages marked * "
                 "are taken from the PDF of the same edition.")
    return '<ul class="summary">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _title(c: _Corpus) -> str:
    """Name the resolutions the reports were audited against (a mixed archive holds many resolutions that
    no report is about); an ITU number reads "Resolution 1408", a UN symbol stands as printed."""
    audited = sorted({name for r in c.audit if (name := getattr(r, "resolution", None))})
    res = audited or sorted({name for d in c.docs if (name := d.resolution)})
    if not res:
        return "restrack report"
    if len(res) > 3:
        return f"Implementation of {len(res)} resolutions"
    names = [f"Resolution {r}" if r[:1].isdigit() else r for r in res]
    return f"{', '.join(names)}: implementation report"


def render_report(c: _Corpus, generated_at: str | None = None) -> str:
    """The whole HTML page for a gathered corpus (pure)."""
    return "".join(_report_parts(c, generated_at))


def _report_parts(c: _Corpus, generated_at: str | None = None) -> Iterator[str]:
    """The page in pieces, in order: written one after the other, the page is never held whole."""
    audit_html, gaps = _audit_html(c)
    series_html, anchors = _series_html(c)
    stamp = f'<p class="muted">Generated {esc(generated_at)} by restrack.</p>' if generated_at else ""
    title = _title(c)
    nav = "".join(
        f'<a href="#{a}">{t}</a>'
        for a, t in (("documents", "Documents"), ("audit", "Clause coverage"), ("checks", "Failed checks"),
                     ("series", "Figures"), ("appendix", "Appendix"))
    )
    yield (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{esc(title)}</h1>{stamp}<nav>{nav}</nav>{_summary_html(c, gaps)}"
        f'<h2 id="documents">Documents</h2>{_documents_html(c)}'
        f'<h2 id="audit">Clause coverage by report edition</h2>'
    )
    yield audit_html
    del audit_html
    yield f'<h2 id="checks">Failed checks</h2>{_checks_html(c, anchors)}'
    yield '<h2 id="series">Figures across editions</h2>'
    yield series_html
    del series_html
    yield '<h2 id="appendix">Appendix: figures by document</h2>'
    yield from _appendix_parts(c)
    yield f"</main><script>{JS}</script></body></html>\n"


def build_report(store: Any, generated_at: str | None = None) -> str:
    """HTML of the stored corpus; `generated_at` adds the only line that changes between runs."""
    return render_report(gather(store), generated_at)


def write_report(store: Any, out: str | Path, generated_at: str | None = None) -> Path:
    """Write the report atomically (a half-written file never replaces a good one); returns its path."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    c = gather(store)
    with tmp.open("w", encoding="utf-8") as fh:  # as write_text would, piece by piece
        for part in _report_parts(c, generated_at):
            fh.write(part)
    tmp.replace(path)
    return path.resolve()


# -- tables (extract/tables.py): every table figure links to its table, printed under the document's figures
def _stored_tables(store: Any, docs: list[Document]) -> dict[str, list[Table]]:
    if not hasattr(store, "tables"):
        return {}
    return {d.id or "": store.tables(d.id) for d in docs}


def _table_link(anchor: str, f: _FigRow) -> str:
    if not f.table_id:
        return ""
    return f' <a class="muted" href="#{anchor}-{esc(f.table_id)}">table {esc(f.table_id)}</a>'


def _tables_html(c: _Corpus, d: Document, anchor: str) -> str:
    """The tables that gave figures, as printed (caption, unit, header rows, stub, cells, notes)."""
    from extract.tables import grid_rows

    used = {f.table_id for f in c.figures.get(d.id or "", []) if f.table_id}
    out = []
    for t in c.tables.get(d.id or "", []):
        if t.id not in used:
            continue
        rows = grid_rows(t)
        skip = sum(1 for x in (t.number or t.caption, t.unit) if x)
        body = ""
        for i, row in enumerate(rows[skip : skip + t.n_rows]):
            tag = "th" if i < t.header_rows else "td"
            body += "<tr>" + "".join(f"<{tag}>{esc(x)}</{tag}>" for x in row) + "</tr>"
        title = " ".join(x for x in (f"Table {t.number}" if t.number else t.id, t.caption, t.unit) if x)
        notes = "".join(f'<p class="muted">{esc(n)}</p>' for n in t.notes)
        out.append(f'<h4 id="{anchor}-{esc(t.id)}">{esc(title)}</h4><table>{body}</table>{notes}')
    return "".join(out)
