"""Generate a corpus of hostile and odd input files, to prove `restrack ingest` refuses each one in one line.

Users' folders hold encrypted, truncated, mislabelled, scanned and malicious files next to good ones. Every
file here is built from scratch (reportlab, pikepdf, zipfile), deterministically, with no network.

Usage: python tests/make_hostile.py OUTDIR [--bomb-mb 400]
Prints one line per file: name, then what `ingest` must do with it (ok | error).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

GOOD_TEXT = [
    "1 Introduction",
    "The secretariat received CHF 100 000 from Japan on 4 March 2025 for network equipment.",
    "2 Assistance delivered",
    "Estonia financed a training course worth EUR 25 000 in 2025, delivered with the European Commission.",
]
SECRET = "XXE-SECRET-7f3a91"  # written into a side file the XXE docx points at; must never be read

CT = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
DOC_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# -- building blocks -----------------------------------------------------------------------------------------
def good_pdf(lines: list[str] = GOOD_TEXT, pages: int = 1) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for n in range(pages):
        y = 780
        for line in lines:
            c.setFont("Helvetica", 11)
            c.drawString(72, y, line if n == 0 else f"{line} (page {n + 1})")
            y -= 28
        c.showPage()
    c.save()
    return buf.getvalue()


def _ct(overrides: dict[str, str]) -> str:
    items = "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{CT}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{items}</Types>'
    )


def _rels(target: str, rel_type: str = R_DOC) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{rel_type}" Target="{target}"/></Relationships>'
    )


def _body(lines: list[str], ns: str = W, prolog: str = "", extra: str = "") -> str:
    paras = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in lines)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{ns}"><w:body>{paras}{extra}</w:body></w:document>'
    )


def _zip(parts: dict[str, str | bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2025, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return buf.getvalue()


def good_docx(lines: list[str] = GOOD_TEXT) -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _ct({"word/document.xml": DOC_MAIN}),
            "_rels/.rels": _rels("word/document.xml"),
            "word/document.xml": _body(lines),
        }
    )


# -- PDFs ----------------------------------------------------------------------------------------------------
def encrypted_pdf(user: str) -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(good_pdf())) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner-pass", user=user, R=4), static_id=True)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = good_pdf(pages=3)
    return data[: len(data) // 2]


def bad_xref_pdf() -> bytes:
    """Every xref offset points to the wrong place and startxref is garbage: readers must rebuild it."""
    data = good_pdf()
    head, sep, tail = data.rpartition(b"xref")
    table, _, trailer = tail.partition(b"trailer")
    broken = b"".join(
        (ln[:10].replace(b"0", b"9") + ln[10:]) if ln[:10].isdigit() else ln
        for ln in table.splitlines(keepends=True)
    )
    trailer = trailer.rsplit(b"startxref", 1)[0] + b"startxref\n999999999\n%%EOF\n"
    return head + sep + broken + b"trailer" + trailer


def zero_page_pdf() -> bytes:
    import pikepdf

    out = io.BytesIO()
    pikepdf.new().save(out, static_id=True)
    return out.getvalue()


def image_only_pdf() -> bytes:
    """A scan: one page holding one grey image and no text operators at all."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (200, 280), 255)
    for y in range(20, 260, 12):  # grey bars where text lines would be
        for x in range(20, 180):
            img.putpixel((x, y), 60)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    c.drawImage(ImageReader(img), 50, 50, width=495, height=740)
    c.showPage()
    c.save()
    return buf.getvalue()


def cid_glyphs_pdf() -> bytes:
    """Text drawn with a Type0 font (Identity-H, 2-byte glyph ids) that has no ToUnicode CMap and no
    embedded font program: a text extractor can only emit (cid:NN), as with subset fonts of some printers."""
    import pikepdf

    pdf = pikepdf.new()
    descendant = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.CIDFontType2,
        BaseFont=pikepdf.Name("/ABCDEF+Custom"),
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        DW=500,
        FontDescriptor=pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/ABCDEF+Custom"),
            Flags=4,
            FontBBox=[0, -200, 1000, 800],
            ItalicAngle=0,
            Ascent=800,
            Descent=-200,
            CapHeight=700,
            StemV=80,
        ),
    )
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type0,
        BaseFont=pikepdf.Name("/ABCDEF+Custom"),
        Encoding=pikepdf.Name("/Identity-H"),
        DescendantFonts=pikepdf.Array([descendant]),
    )
    ops = []
    for i, line in enumerate(GOOD_TEXT * 3):
        gids = b"".join((ord(ch) - 29).to_bytes(2, "big") for ch in line)  # glyph ids, as a subset font has
        ops.append(b"BT /F1 11 Tf 72 %d Td <%s> Tj ET" % (780 - 24 * i, gids.hex().encode()))
    page = pikepdf.Page(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(b"\n".join(ops)),
        )
    )
    pdf.pages.append(page)
    out = io.BytesIO()
    pdf.save(out, static_id=True)
    return out.getvalue()


def padded_pdf(megabytes: float) -> bytes:
    """A valid PDF made big by a trailing comment: for --max-mb."""
    data = good_pdf()
    return data + b"%" + b"x" * int(megabytes * 1024 * 1024) + b"\n"


# -- DOCX ----------------------------------------------------------------------------------------------------
def html_as_docx() -> bytes:
    return b"<!DOCTYPE html>\n<html><head><title>Report</title></head><body><p>x</p></body></html>\n"


def ole2_as_docx() -> bytes:
    """A legacy Word 97-2003 .doc: the OLE2 compound-file magic, then junk (enough for any sniffer)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64


def theme_main_docx() -> bytes:
    """A zip whose main part is a theme (what some tools make of a legacy .doc saved as .docx)."""
    theme = "application/vnd.openxmlformats-officedocument.themeManager+xml"
    return _zip(
        {
            "[Content_Types].xml": _ct({"theme/theme/themeManager.xml": theme}),
            "_rels/.rels": _rels("theme/theme/themeManager.xml"),
            "theme/theme/themeManager.xml": '<?xml version="1.0"?><a:themeManager '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"/>',
        }
    )


def strict_docx() -> bytes:
    """ISO/IEC 29500 Strict: purl.oclc.org namespaces everywhere (python-docx raises KeyError on it)."""
    ns = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    rel = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
    return _zip(
        {
            "[Content_Types].xml": _ct({"word/document.xml": DOC_MAIN}),
            "_rels/.rels": _rels("word/document.xml", rel),
            "word/document.xml": _body(GOOD_TEXT, ns=ns),
        }
    )


def xxe_docx(secret_path: Path) -> bytes:
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret_path}">]>'
    doc = _body(GOOD_TEXT, prolog=prolog, extra="<w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>")
    return _zip(
        {
            "[Content_Types].xml": _ct({"word/document.xml": DOC_MAIN}),
            "_rels/.rels": _rels("word/document.xml"),
            "word/document.xml": doc,
        }
    )


def missing_parts_docx() -> bytes:
    """No [Content_Types].xml, no _rels, no word/document.xml: only a styles part."""
    return _zip({"word/styles.xml": f'<?xml version="1.0"?><w:styles xmlns:w="{W}"/>'})


def no_content_types_docx() -> bytes:
    """The main part is there, [Content_Types].xml is not: lenient readers (ours) still read the text."""
    return _zip({"_rels/.rels": _rels("word/document.xml"), "word/document.xml": _body(GOOD_TEXT)})


def write_zip_bomb(path: Path, megabytes: int) -> None:
    """A DOCX whose word/document.xml inflates to `megabytes` MB. Streamed: one 1 MB chunk in memory."""
    chunk = b"A" * (1024 * 1024)  # one endless text run; level 1 deflates it at ~230:1 in under a second
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _ct({"word/document.xml": DOC_MAIN}))
        z.writestr("_rels/.rels", _rels("word/document.xml"))
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            written = 0
            while written < megabytes * 1024 * 1024:
                fh.write(chunk)
                written += len(chunk)
            fh.write(b"</w:t></w:r></w:p></w:body></w:document>")


# -- the corpus ----------------------------------------------------------------------------------------------
def make(outdir: str | os.PathLike[str], bomb_mb: int = 400) -> dict[str, str]:
    """Write every hostile file into `outdir`; returns {file name: "ok" | "error"} (what ingest must do).

    A `loop/` folder holds one good file and a symlink to its own parent (a directory cycle)."""
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    secret = out / "secret.txt.outside"  # not an ingestible suffix: only the XXE could ever read it
    secret.write_text(SECRET + "\n")
    files: dict[str, tuple[Callable[[], bytes], str]] = {
        "good.txt": (lambda: ("\n\n".join(GOOD_TEXT) + "\n").encode(), "ok"),
        "good.pdf": (good_pdf, "ok"),
        "good.docx": (good_docx, "ok"),
        "empty-user-password.pdf": (lambda: encrypted_pdf(""), "ok"),
        "bad-xref.pdf": (bad_xref_pdf, "ok"),  # recoverable: pdfminer rebuilds the table
        "no-content-types.docx": (no_content_types_docx, "ok"),
        "encrypted.pdf": (lambda: encrypted_pdf("secret"), "error"),
        "truncated.pdf": (truncated_pdf, "error"),
        "text-renamed.pdf": (lambda: b"Plain words in a text file, renamed to .pdf by someone.\n", "error"),
        "html-renamed.docx": (html_as_docx, "error"),
        "legacy-ole2.docx": (ole2_as_docx, "error"),
        "theme-main.docx": (theme_main_docx, "error"),
        "strict-ooxml.docx": (strict_docx, "error"),
        "zero-pages.pdf": (zero_page_pdf, "error"),
        "image-only.pdf": (image_only_pdf, "error"),
        "cid-glyphs.pdf": (cid_glyphs_pdf, "error"),
        "xxe.docx": (lambda: xxe_docx(secret), "error"),
        "missing-parts.docx": (missing_parts_docx, "error"),
        "zero-bytes.pdf": (lambda: b"", "error"),
        "huge.pdf": (lambda: padded_pdf(2.5), "error"),  # error under --max-mb 2
    }
    expected = {}
    for name, (build, outcome) in files.items():
        (out / name).write_bytes(build())
        expected[name] = outcome
    write_zip_bomb(out / "zip-bomb.docx", bomb_mb)
    expected["zip-bomb.docx"] = "error"
    loop = out / "loop"
    loop.mkdir(exist_ok=True)
    (loop / "inside.txt").write_text("\n\n".join(GOOD_TEXT).replace("Japan", "Italy") + "\n")
    if not (loop / "up").is_symlink():
        os.symlink("..", loop / "up")
    expected["loop/inside.txt"] = "ok"
    return expected


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--bomb-mb", type=int, default=400, help="uncompressed size of the zip bomb's XML")
    args = ap.parse_args(argv)
    for name, outcome in make(args.outdir, args.bomb_mb).items():
        print(f"{name}\t{outcome}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
