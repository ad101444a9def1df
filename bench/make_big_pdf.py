"""Generate an N-page report-like PDF for parser speed benchmarks.

Real reports are short, so timing needs a synthetic long one with the same traps: numbered sections,
paragraphs full of amounts, dates and actors, dash and bullet items, ruled tables, a running header and
"- n -" page numbers on every page, paragraphs broken across pages. Text is drawn from small vocabularies
with a fixed seed, so the file is the same on every run.

Usage: python bench/make_big_pdf.py [N=300] [OUT=out/big-report.pdf]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

ACTORS = (
    "Japan",
    "Czech Republic",
    "Bulgaria",
    "Lithuania",
    "Poland",
    "Italy",
    "Germany",
    "Estonia",
    "the European Commission",
    "the World Bank",
    "UNDP",
    "UNICEF",
    "the UN Country Team",
    "the Ministry of Digital Transformation of Ukraine",
    "SSSICP",
    "NCEC",
    "SUICT",
    "Kyivstar",
    "Vodafone Ukraine",
    "Nokia",
    "Ericsson",
)
TOPICS = (
    "Monitoring and reporting",
    "Coordination mechanisms",
    "Technical assistance",
    "Mobilization of resources",
    "Capacity building",
    "Spectrum management",
    "Cybersecurity",
    "Postal services",
    "Broadcasting",
    "Emergency telecommunications",
)
VERBS = ("supported", "organized", "financed", "reviewed", "delivered", "coordinated", "launched", "assessed")
OBJECTS = (
    "a training course for network engineers",
    "a workshop on resilient backbone networks",
    "the restoration of mobile base stations",
    "a study on spectrum pricing",
    "backup power for operators",
    "the connection of schools to fixed broadband",
    "a national emergency telecommunication plan",
    "a programme for small and medium operators",
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
METRICS = ("damage", "losses", "needs", "requirements", "pledges")


def _amount(rng: random.Random) -> str:
    cur = rng.choice(("USD", "CHF", "EUR", "US$"))
    if rng.random() < 0.5:
        return f"{cur} {rng.randint(1, 99)}.{rng.randint(0, 9)} million"
    sep = "" if cur == "US$" else " "
    return f"{cur}{sep}{rng.randint(10, 999)} {rng.randint(0, 999):03d}"


def _date(rng: random.Random) -> str:
    year, month = rng.randint(2022, 2026), rng.choice(MONTHS)
    kind = rng.random()
    if kind < 0.4:
        return f"{rng.randint(1, 28)} {month} {year}"
    if kind < 0.7:
        day = rng.randint(1, 26)
        return f"{day}-{day + rng.randint(1, 2)} {month} {year}"
    return f"{month} {year}"


def _sentence(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.35:
        return (
            f"In {_date(rng)}, ITU and {rng.choice(ACTORS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
            f"with a budget of {_amount(rng)}."
        )
    if pick < 0.6:
        return (
            f"Estimated {rng.choice(METRICS)} for the sector reached {_amount(rng)} as of {_date(rng)}, "
            f"according to {rng.choice(ACTORS)}."
        )
    if pick < 0.8:
        return (
            f"{rng.choice(ACTORS).capitalize()} contributed {_amount(rng)} to the Special Fund in "
            f"Trust ({rng.randint(2022, 2026)})."
        )
    return (
        f"The work with {rng.choice(ACTORS)} and {rng.choice(ACTORS)} continued over "
        f"{rng.randint(2022, 2025)}-{rng.randint(2026, 2036)} under the agreed plan."
    )


def _register_fonts() -> None:
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    for name, file in (("Vera", "Vera.ttf"), ("Vera-Bold", "VeraBd.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, os.path.join(folder, file)))


class _Enough(Exception):
    """Raised by the measuring pass once the layout has passed the wanted page count."""


def _story(n_sections: int, seed: int, marks: list[int], stop_after: int = 0) -> list:
    """Flowables for n_sections sections, with a zero-size mark before each item so a cut can be chosen;
    with stop_after, layout aborts as soon as a mark lands beyond that page (measuring pass)."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

    class Mark(Flowable):
        def wrap(self, aw, ah):
            return 0, 0

        def draw(self) -> None:
            marks.append(self.canv.getPageNumber())
            if stop_after and marks[-1] > stop_after:
                raise _Enough

    body = ParagraphStyle("b", fontName="Vera", fontSize=11, leading=14, spaceAfter=6, bulletFontName="Vera")
    head = ParagraphStyle(
        "h",
        body,
        fontName="Vera-Bold",
        leftIndent=1 * cm,
        spaceBefore=8,
        keepWithNext=1,
        bulletFontName="Vera-Bold",
    )
    item = ParagraphStyle("i", body, leftIndent=1 * cm)
    rng = random.Random(seed)
    story: list = []
    for k in range(1, n_sections + 1):
        story += [Mark(), Paragraph(escape(f"{rng.choice(TOPICS)} ({k})"), head, bulletText=str(k))]
        for _ in range(rng.randint(2, 4)):
            text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 7)))
            story += [Mark(), Paragraph(escape(text), body)]
        for _ in range(rng.randint(0, 4)):
            story += [Mark(), Paragraph(escape(_sentence(rng)), item, bulletText=rng.choice("\u2013\u2022"))]
        if k % 6 == 0:
            rows = [["Subsector", "Damage", "Losses", "Needs"]]
            rows += [[f"Item {j}", *(f"{rng.randint(10, 3000):,}" for _ in range(3))] for j in range(1, 5)]
            table = Table(rows, colWidths=[6 * cm, 3 * cm, 3 * cm, 3 * cm])
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("FONTNAME", (0, 0), (-1, -1), "Vera"),
                        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                    ]
                )
            )
            story += [Mark(), table]
    return story


def _build(story: list, symbol: str) -> tuple[bytes, int]:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    pages = [0]

    def furniture(canvas, doc) -> None:
        pages[0] = doc.page
        canvas.saveState()
        canvas.setFont("Vera", 10)
        canvas.drawRightString(A4[0] - 2 * cm, A4[1] - 1.3 * cm, symbol)
        canvas.drawCentredString(A4[0] / 2, 1.2 * cm, f"- {doc.page} -")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2.25 * cm,
        rightMargin=2.25 * cm,
        topMargin=2.2 * cm,
        bottomMargin=2.2 * cm,
        title="Synthetic long report",
        invariant=1,
    )
    doc.build(story, onFirstPage=furniture, onLaterPages=furniture)
    return buf.getvalue(), pages[0]


def make_big_pdf(n_pages: int = 300, seed: int = 1408, symbol: str = "C99/27-E") -> bytes:
    """Return the bytes of a PDF of exactly n_pages pages (two layout passes: measure, then cut)."""
    if n_pages < 1:
        raise ValueError("n_pages must be at least 1")
    _register_fonts()
    n_sections = n_pages + 2
    while True:
        marks: list[int] = []
        try:
            _build(_story(n_sections, seed, marks, stop_after=n_pages), symbol)
        except _Enough:
            break
        n_sections *= 2
    # Cut before the last mark that lands on page n_pages: everything before it ends on that page.
    cut = max(i for i, page in enumerate(marks) if page <= n_pages)
    kept: list = []
    seen = 0
    for flowable in _story(n_sections, seed, []):
        if type(flowable).__name__ == "Mark":
            if seen == cut:
                break
            seen += 1
        kept.append(flowable)
    data, total = _build(kept, symbol)
    if total != n_pages:
        raise RuntimeError(f"layout gave {total} pages, wanted {n_pages}")
    return data


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", nargs="?", type=int, default=300, help="number of pages (default 300)")
    ap.add_argument("out", nargs="?", default="out/big-report.pdf")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    data = make_big_pdf(args.n)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{out}: {args.n} pages, {len(data)} bytes in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
