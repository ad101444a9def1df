"""Fuzzing the PDF reader: pages of every corpus PDF (reference and real) cropped, rotated and re-saved with
pikepdf, plus generated pages (one line, no text, only images, only rules). Nothing but a one-line
DocumentError may come out. A sample of pages per file keeps it fast (deterministic: fixed positions)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from extract.errors import DocumentError
from extract.pdf import parse_pdf
from schemas.models import Document, Limits

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FILES = sorted(CORPUS.glob("*.pdf")) + sorted((CORPUS / "real").glob("*.pdf"))


def _variants(data: bytes, seed: int) -> list[tuple[str, bytes]]:
    """Two sample pages of the file, each cropped, rotated, shifted and re-saved in several ways."""
    import pikepdf

    rnd = random.Random(seed)
    out: list[tuple[str, bytes]] = []
    with pikepdf.open(io.BytesIO(data)) as src:
        n = len(src.pages)
        picks = sorted({0, n // 2, n - 1})[:2]
        for i in picks:
            for how in ("crop", "rotate", "shift", "tiny", "rotate-crop"):
                pdf = pikepdf.new()
                pdf.pages.append(src.pages[i])
                page = pdf.pages[0]
                x0, y0, x1, y1 = (float(v) for v in page.mediabox)
                w, h = x1 - x0, y1 - y0
                if how in ("crop", "rotate-crop"):
                    fx, fy = rnd.uniform(0.1, 0.5), rnd.uniform(0.1, 0.5)
                    page.cropbox = [x0 + fx * w, y0 + fy * h, x1 - rnd.uniform(0, 0.3) * w, y1]
                if how in ("rotate", "rotate-crop"):
                    page.Rotate = rnd.choice([90, 180, 270])
                if how == "shift":
                    page.mediabox = [x0 - 500, y0 + 300, x1 - 500, y1 + 300]
                if how == "tiny":
                    page.mediabox = [x0, y0, x0 + 20, y0 + 20]
                buf = io.BytesIO()
                pdf.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
                out.append((f"p{i + 1}-{how}", buf.getvalue()))
    return out


def _read(data: bytes, name: str) -> Document | None:
    try:
        return parse_pdf(data, name, Limits())
    except DocumentError as exc:
        assert "\n" not in exc.reason and exc.reason
        return None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_cropped_rotated_resaved_pages_raise_nothing(path: Path) -> None:
    for label, data in _variants(path.read_bytes(), seed=len(path.name)):
        doc = _read(data, f"{path.name}:{label}")
        if doc is not None:
            assert doc.pages == 1 and all(b.page == 1 for b in doc.blocks), label


def _pdf(draw) -> bytes:  # noqa: ANN001
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    draw(c)
    c.save()
    return buf.getvalue()


def _image(c) -> None:  # noqa: ANN001
    from reportlab.lib.utils import ImageReader

    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - reportlab depends on Pillow
        pytest.skip("Pillow missing")
    img = Image.new("RGB", (40, 30), (200, 20, 20))
    c.drawImage(ImageReader(img), 100, 400, 300, 200)


GENERATED = {
    "one-line": lambda c: (c.setFont("Helvetica", 11), c.drawString(72, 400, "Only line.")),
    "one-glyph": lambda c: (c.setFont("Helvetica", 11), c.drawString(72, 400, ".")),
    "header-band-only": lambda c: (c.setFont("Helvetica", 9), c.drawString(72, 820, "Header 2/3")),
    "footer-band-only": lambda c: (c.setFont("Helvetica", 9), c.drawString(72, 10, "25-12345 2/3")),
    "no-text": lambda c: c.showPage(),
    "only-image": _image,
    "only-rules": lambda c: (c.grid([72, 200, 300], [700, 650, 600]), c.line(50, 100, 500, 100)),
    "rules-and-one-word": lambda c: (
        c.grid([72, 200], [700, 650]),
        c.setFont("Helvetica", 9),
        c.drawString(80, 670, "x"),
    ),
    "huge-font": lambda c: (c.setFont("Helvetica", 400), c.drawString(0, 300, "A")),
    "underscores": lambda c: (c.setFont("Helvetica", 11), c.drawString(72, 200, "_" * 15)),
    "superscripts-only": lambda c: (c.setFont("Helvetica", 5), c.drawString(72, 300, "1 2 3")),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_pages_raise_nothing(name: str) -> None:
    draw = GENERATED[name]
    _read(_pdf(draw), name)
    two = _pdf(lambda c: (draw(c), c.showPage(), draw(c)))
    _read(two, name + "-twice")


def test_no_text_and_image_only_refused_clearly() -> None:
    with pytest.raises(DocumentError, match="no text on any page"):
        parse_pdf(_pdf(GENERATED["no-text"]), "n.pdf", Limits())
    with pytest.raises(DocumentError, match=r"no text layer \(scanned image\?\): needs OCR"):
        parse_pdf(_pdf(GENERATED["only-image"]), "i.pdf", Limits())
    doc = parse_pdf(_pdf(GENERATED["one-line"]), "o.pdf", Limits())
    assert [b.text for b in doc.blocks] == ["Only line."]
