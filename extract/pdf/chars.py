"""The only module that touches a PDF library for text: PDFium (pypdfium2) characters and ruling paths.

Why PDFium: its C text engine gives every character's box, font size, font name/weight and matrix about
30x faster than pdfminer's pure-Python interpreter, and it opens damaged or headerless files the way
browsers do. We read characters in runs (one run = consecutive non-space characters of one text object, so
one font and size): the boxes of a run's first and last characters bound it, which keeps the per-character
work to one C call. Each run's direction comes from its text matrix; a page is read in the frame of its
dominant direction, so `/Rotate 90` pages and landscape tables drawn sideways on a portrait page both come
out upright. Library errors become one-line `DocumentError`s here; pdfplumber is only asked for ruled tables
(`tables.py`) from the edges we hand it.
"""

from __future__ import annotations

import ctypes
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from extract.errors import DocumentError

_ROTATIONS = (0, 90, 180, 270)
_TEXT_FIXES = str.maketrans({"\ufffe": "-", "\x02": "-", "\u00a0": " "})
_FONTS: dict[int, tuple[str, bool, bool]] = {}  # font handle -> style; cleared per document (handles die)
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"})
_LIGATURE_CHARS = re.compile("[ﬀ-ﬆ]")
_TOKEN = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")
_BAD_GLYPH = re.compile(r"[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(slots=True)
class Run:
    """Part of a word in one font: text and box in the page's reading frame (top-left origin, points)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    font: str
    bold: bool
    italic: bool
    space_before: int = 0  # 0: none in the text stream, 1: one PDFium inferred from a gap, 2: a real one


@dataclass
class RawPage:
    number: int
    width: float  # of the reading frame (a page read sideways has width and height swapped)
    height: float
    runs: list[Run]
    shapes: list[dict] = field(default_factory=list)  # ruling lines and rectangles, pdfplumber-style dicts
    rotation: int = 0  # degrees the text was turned to read it upright
    glyphs: int = 0
    bad_glyphs: int = 0  # unmapped glyphs (private use, U+FFFD, control characters)
    images: int = 0
    skipped_rotated: int = 0  # characters in a minority direction left out
    text: str = ""  # the page's plain text, for a degraded read


class _Handle(ctypes.c_void_p):
    """A PDFium handle returned as a ctypes object, not an int (a subclass is not converted), so it can be
    passed on to an untyped call as the pointer it is."""


@functools.lru_cache(maxsize=1)
def _api() -> dict:
    """Private ctypes prototypes over PDFium returning plain ints (pypdfium2's own ones return typed
    pointers, whose construction doubles the per-character cost). Built once per process."""
    import pypdfium2.raw as raw
    from pypdfium2_raw.bindings import _libs

    lib = _libs["pdfium"]
    vp, i, d = ctypes.c_void_p, ctypes.c_int, ctypes.c_double

    def fn(name: str, res, *args):  # noqa: ANN001, ANN202
        f = lib[name]  # __getitem__ makes a new function object: pypdfium2's prototypes stay untouched
        f.restype, f.argtypes = res, list(args)
        return f

    matrix = raw.FS_MATRIX()

    def untyped(name: str, res):  # noqa: ANN001, ANN202
        """For the calls made per word or per path segment: no argument conversion (half the cost of a
        call taking out-pointers). Callers MUST pass handles as c_void_p objects (a bare int would be
        passed as a 32-bit C int), indexes as ints and out-parameters through ctypes.byref."""
        f = lib[name]
        f.restype = res
        return f

    return {
        # typed: called once per text object, font or page
        "weight": fn("FPDFText_GetFontWeight", i, vp, i),
        "info": fn(
            "FPDFText_GetFontInfo", ctypes.c_ulong, vp, i, ctypes.c_char_p, ctypes.c_ulong, ctypes.POINTER(i)
        ),
        "generated": fn("FPDFText_IsGenerated", i, vp, i),
        "obj_font": fn("FPDFTextObj_GetFont", vp, vp),
        "count_objs": fn("FPDFPage_CountObjects", i, vp),
        # untyped (see `untyped`): per word, per text object, per page object and per path segment
        "obj_u": untyped("FPDFText_GetTextObject", vp),
        "box_u": untyped("FPDFText_GetLooseCharBox", i),
        "matrix_u": untyped("FPDFText_GetMatrix", i),
        "size_u": untyped("FPDFText_GetFontSize", d),
        "map_error_u": untyped("FPDFText_HasUnicodeMapError", i),
        "get_obj_u": untyped("FPDFPage_GetObject", _Handle),
        "obj_type_u": untyped("FPDFPageObj_GetType", i),
        "draw_mode_u": untyped("FPDFPath_GetDrawMode", i),
        "count_segs_u": untyped("FPDFPath_CountSegments", i),
        "obj_matrix_u": untyped("FPDFPageObj_GetMatrix", i),
        "segment_u": untyped("FPDFPath_GetPathSegment", _Handle),
        "seg_type_u": untyped("FPDFPathSegment_GetType", i),
        "seg_point_u": untyped("FPDFPathSegment_GetPoint", i),
        "seg_close_u": untyped("FPDFPathSegment_GetClose", i),
        "matrix_out": (matrix, ctypes.byref(matrix)),
        "raw": raw,
    }


def silence_logs() -> None:
    """pdfminer (under pdfplumber) logs warnings such as "Could not get FontBBox": never on the terminal."""
    import logging

    for name in ("pdfminer", "pdfplumber"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)


def open_pdf(data: bytes):  # noqa: ANN201
    """A PdfDocument, or a one-line DocumentError saying why not. A file PDFium refuses is given to qpdf
    (pikepdf) to repair and re-save once: it tells a page-less file apart and rebuilds some broken ones."""
    import pypdfium2 as pdfium

    _FONTS.clear()  # font handles are addresses: never carry them from one document to the next
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc)
        if "password" in msg.lower() or "security" in msg.lower():
            raise DocumentError("encrypted PDF: a password is required", code="encrypted") from None
        repaired = _repair(data)
        detail = _plain_damage(re.sub(r"^Failed to load document \(PDFium: (.*)\)\.?$", r"\1", msg))
        if repaired is not None:
            try:
                doc = pdfium.PdfDocument(repaired)
                doc.repaired_from = detail  # a text-less result is then reported as the damage it is
                return doc
            except pdfium.PdfiumError:
                pass
        raise DocumentError(f"corrupt PDF: {detail or 'cannot be opened'}", code="corrupt") from None
    except Exception:  # noqa: BLE001 - any library failure is a bad file, said in one line
        raise DocumentError("corrupt PDF: cannot be opened", code="corrupt") from None


# PDFium's error names, said the way a user reads them (its own words are an engine's, not a reason)
_DAMAGE = {
    "data format error": "its structure cannot be read (damaged, or not a complete PDF)",
    "file access error": "cannot be read",
    "file not found": "cannot be read",
    "page error": "its page tree is damaged",
    "unknown error": "cannot be opened",
}


def _plain_damage(detail: str) -> str:
    return _DAMAGE.get(detail.strip().rstrip(".").lower(), "cannot be opened")


def _repair(data: bytes) -> bytes | None:
    import io

    try:
        import pikepdf

        with pikepdf.open(io.BytesIO(data)) as pdf:
            if len(pdf.pages) == 0:
                raise DocumentError("PDF has no pages", code="empty")
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
    except DocumentError:
        raise
    except Exception:  # noqa: BLE001 - qpdf could not repair it either
        return None


def pdfium_opens(data: bytes) -> bool:
    try:
        open_pdf(data).close()
        return True
    except DocumentError as exc:
        return exc.code == "encrypted"


def _frame(rot: int, crop: tuple[float, float, float, float]):  # noqa: ANN202
    """Box transform from PDF user space (lft, b, r, t) to the upright reading frame of text turned `rot`
    degrees counter-clockwise: (x0, top, x1, bottom) with the origin at the frame's top left."""
    cx0, cy0, cx1, cy1 = crop
    if rot == 90:
        return lambda lft, b, r, t: (b - cy0, lft - cx0, t - cy0, r - cx0)
    if rot == 180:
        return lambda lft, b, r, t: (cx1 - r, b - cy0, cx1 - lft, t - cy0)
    if rot == 270:
        return lambda lft, b, r, t: (cy1 - t, cx1 - r, cy1 - b, cx1 - lft)
    return lambda lft, b, r, t: (lft - cx0, cy1 - t, r - cx0, cy1 - b)


def _font_style(name: str, weight: int, flags: int) -> tuple[bool, bool]:
    low = name.lower()
    bold = weight >= 600 or bool(re.search(r"bold|black|heavy|semibold|demi", low))
    italic = bool(flags & 64) or bool(re.search(r"italic|oblique", low))
    return bold, italic


def read_page(doc, index: int, settings) -> RawPage:  # noqa: ANN001
    """One page's runs and ruling shapes in its reading frame."""
    api = _api()
    raw = api["raw"]
    page = doc[index]
    try:
        crop = tuple(page.get_cropbox())
        if crop[2] <= crop[0] or crop[3] <= crop[1]:
            crop = tuple(page.get_mediabox())
        if page.get_rotation():
            # PDFium orders characters for the displayed page; read them in user space like every other
            # page (our own frame turns them upright), so stream order matches position (in memory only)
            page.set_rotation(0)
        textpage = page.get_textpage()
        try:
            tp = ctypes.cast(textpage.raw, ctypes.c_void_p).value
            text = textpage.get_text_range().translate(_TEXT_FIXES)
            runs_user, dirs, unmapped = _runs(api, raw, tp, text)
        finally:
            textpage.close()
        if _LIGATURE_CHARS.search(text):
            runs_user = [(r[0].translate(_LIGATURES),) + r[1:] for r in runs_user]
        n_chars = sum(len(r[0]) for r in runs_user)
        rot = dirs.most_common(1)[0][0] if dirs else 0
        skipped = n_chars - dirs.get(rot, 0) if dirs else 0
        to_frame = _frame(rot, crop)
        # boxes one font size tall from the descent line (as pdfminer and pdfplumber measure them), not
        # PDFium's ascent-to-descent boxes: the spacing rules compare gaps with font sizes
        if rot == 0:  # most pages: the frame's transform written out (no call per run)
            cx0, cy1 = crop[0], crop[3]
            runs = [
                Run(t, lft - cx0, (cy1 - b) - size, r - cx0, cy1 - b, size, font, bold, italic, space)
                for t, lft, b, r, _, size, font, bold, italic, angle, space in runs_user
                if angle == 0
            ]
        else:
            runs = []
            for t, lft, b, r, top, size, font, bold, italic, angle, space in runs_user:
                if angle != rot:
                    continue
                x0, y0, x1, y1 = to_frame(lft, b, r, top)
                runs.append(Run(t, x0, y1 - size, x1, y1, size, font, bold, italic, space))
        w, h = crop[2] - crop[0], crop[3] - crop[1]
        if rot in (90, 270):
            w, h = h, w
        shapes, images = _shapes(page, raw, to_frame, w, h, settings)
        glyphs = len(text) - sum(len(x) for x in _SPACE.findall(text))
        bad = len(_BAD_GLYPH.findall(text)) + unmapped
        return RawPage(index + 1, w, h, runs, shapes, rot, glyphs, bad, images, skipped, text)
    finally:
        page.close()


def page_text(doc, index: int) -> str:  # noqa: ANN001
    """Plain text of a page, for the degraded read after a failure in the layout code."""
    page = doc[index]
    try:
        tp = page.get_textpage()
        try:
            return tp.get_text_range().translate(_TEXT_FIXES)
        finally:
            tp.close()
    finally:
        page.close()


def _runs(api: dict, raw, tp: int | None, text: str) -> tuple[list[tuple], Counter, int]:  # noqa: ANN001
    """(text, lft, b, r, t, size, font, bold, italic, direction) per run, in user space; chars per direction;
    characters whose font has no Unicode mapping (what pdfminer prints as "(cid:NN)")."""
    get_obj, get_box, generated = api["obj_u"], api["box_u"], api["generated"]
    h = ctypes.c_void_p(tp)  # converted once, not on each of the ~3 calls per word
    unmapped = 0
    rect = raw.FS_RECTF()
    rp = ctypes.byref(rect)
    styles: dict[int, tuple] = {}
    out: list[tuple] = []
    append = out.append
    dirs: dict[int, int] = {}
    prev_end = 0
    last_r = last_b = -1e9
    for m in _TOKEN.finditer(text):
        start, end = m.span()
        space = 0
        gap_before = start > prev_end
        gap_from = prev_end
        prev_end = end
        while start < end:
            obj = get_obj(h, start)
            style = styles.get(obj) if obj else None
            if style is None:
                style = _style(api, raw, h, start, obj)
                if obj:
                    styles[obj] = style
            size, font, bold, italic, angle, bad = style
            get_box(h, start, rp)
            lft, r, b, t = rect.left, rect.right, rect.bottom, rect.top
            if gap_before:
                # Whitespace before: real, or made up by PDFium from a gap. That only matters for a narrow
                # gap (the words module joins across a made-up space, never a real one), so PDFium is not
                # asked after a wide gap on the same baseline
                if angle == 0 and abs(b - last_b) < 0.5 and lft - last_r >= 0.2 * size:
                    space = 2
                else:
                    space_at = text.find(" ", gap_from, start)
                    space = 2 if space_at >= 0 and generated(h, space_at) != 1 else 1
                gap_before = False
            k = end
            if k - 1 > start:
                get_box(h, k - 1, rp)
                # PDFium's loose boxes come from the font's ascent and descent: the same box height and
                # baseline at both ends means one font and size; only otherwise look for where it changes
                if angle == 0 or angle == 180:
                    same = abs(rect.bottom - b) + abs(rect.top - t) < 0.2
                else:
                    same = abs(rect.left - lft) + abs(rect.right - r) < 0.2
                if not same and get_obj(h, k - 1) != obj:
                    k = start + 1
                    while k < end and get_obj(h, k) == obj:
                        k += 1
                    if k - 1 > start:
                        get_box(h, k - 1, rp)
                if k - 1 > start:
                    other = rect.left
                    if other < lft:
                        lft = other
                    other = rect.right
                    if other > r:
                        r = other
                    other = rect.bottom
                    if other < b:
                        b = other
                    other = rect.top
                    if other > t:
                        t = other
            append((text[start:k], lft, b, r, t, size, font, bold, italic, angle, space))
            last_r, last_b = r, b
            dirs[angle] = dirs.get(angle, 0) + k - start
            if bad:
                unmapped += k - start
            space = 0
            start = k
    return out, Counter(dirs), unmapped


def _style(api: dict, raw, tp: ctypes.c_void_p, k: int, obj: int | None) -> tuple:  # noqa: ANN001
    """(size, font name, bold, italic, direction, unmapped) of character k: looked up once per text object."""
    m, m_p = api["matrix_out"]  # one out-parameter per process: its values are read before the next call
    api["matrix_u"](tp, k, m_p)
    scale = (m.c * m.c + m.d * m.d) ** 0.5 or (m.a * m.a + m.b * m.b) ** 0.5 or 1.0
    angle = 0
    if abs(m.b) > abs(m.a):
        angle = 90 if m.b > 0 else 270
    elif m.a < 0:
        angle = 180
    size = api["size_u"](tp, k) * scale  # PDFium gives the nominal size (Tf); the matrix scales it
    if size <= 0:
        size = scale
    name, bold, italic = _font(api, tp, k, obj)
    bad = bool(api["map_error_u"](tp, k))  # the font has no Unicode map: pdfminer would print "(cid:NN)"
    return round(size, 2), name, bold, italic, angle, bad


def _font(api: dict, tp: ctypes.c_void_p, k: int, obj: int | None) -> tuple[str, bool, bool]:
    """(name without subset prefix, bold, italic) of character k's font (in text object `obj`), looked up
    once per font."""
    font = api["obj_font"](obj)
    hit = _FONTS.get(font) if font else None
    if hit is not None:
        return hit
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int(0)
    api["info"](tp, k, buf, 128, ctypes.byref(flags))
    name = buf.value.decode("latin-1", "replace")
    name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
    bold, italic = _font_style(name, api["weight"](tp, k), flags.value)
    if font:
        if len(_FONTS) > 4096:
            _FONTS.clear()
        _FONTS[font] = (name, bold, italic)
    return name, bold, italic


def _shapes(page, raw, to_frame, width: float, height: float, settings) -> tuple[list[dict], int]:  # noqa: ANN001
    """Ruling lines and rectangles (straight, axis-parallel path pieces) as pdfplumber object dicts, and the
    count of image objects. Page-size frames and backgrounds are left out; pages drawing thousands of paths
    (charts, maps) give none."""
    api = _api()
    handle = ctypes.cast(page.raw, ctypes.c_void_p).value
    shapes: list[dict] = []
    images = 0
    n_paths = 0
    get_obj, obj_type = api["get_obj_u"], api["obj_type_u"]
    image_type, path_type = raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_PATH
    buffers = _PathBuffers(api, raw)
    page_handle = ctypes.c_void_p(handle)
    for i in range(api["count_objs"](handle)):
        obj = get_obj(page_handle, i)  # a _Handle: passed on to the untyped path calls as it is
        kind = obj_type(obj)
        if kind == image_type:
            images += 1
        elif kind == path_type:
            n_paths += 1
            if n_paths > settings.max_rule_paths:
                return [], images
            shapes += _path_shapes(buffers, obj, to_frame, width, height, settings)
    return shapes, images


class _PathBuffers:
    """Out-parameters for the path calls, made once per page (ctypes objects cost more than the calls),
    and the calls themselves."""

    def __init__(self, api: dict, raw) -> None:  # noqa: ANN001
        self.fill, self.stroke = ctypes.c_int(0), ctypes.c_int(0)
        self.matrix = raw.FS_MATRIX()
        self.x, self.y = ctypes.c_float(), ctypes.c_float()
        self.fill_p, self.stroke_p = ctypes.byref(self.fill), ctypes.byref(self.stroke)
        self.matrix_p = ctypes.byref(self.matrix)
        self.x_p, self.y_p = ctypes.byref(self.x), ctypes.byref(self.y)
        self.bezier, self.moveto = raw.FPDF_SEGMENT_BEZIERTO, raw.FPDF_SEGMENT_MOVETO
        self.draw_mode, self.count_segs = api["draw_mode_u"], api["count_segs_u"]
        self.obj_matrix = api["obj_matrix_u"]
        self.segment, self.seg_type = api["segment_u"], api["seg_type_u"]
        self.seg_point, self.seg_close = api["seg_point_u"], api["seg_close_u"]


def _path_shapes(  # noqa: ANN001
    buf: _PathBuffers, path: _Handle, to_frame, width: float, height: float, settings
) -> list[dict]:
    if buf.draw_mode(path, buf.fill_p, buf.stroke_p) and not (buf.fill.value or buf.stroke.value):
        return []
    n = buf.count_segs(path)
    if n <= 0 or n > 400:
        return []
    buf.obj_matrix(path, buf.matrix_p)
    m = buf.matrix
    a, b, c, d, e, f = m.a, m.b, m.c, m.d, m.e, m.f
    x, y, x_p, y_p = buf.x, buf.y, buf.x_p, buf.y_p
    segment, seg_type, seg_point, seg_close = buf.segment, buf.seg_type, buf.seg_point, buf.seg_close
    bezier, moveto = buf.bezier, buf.moveto
    subpaths: list[list[tuple[float, float]]] = []
    pts: list[tuple[float, float]] = []
    for i in range(n):
        seg = segment(path, i)
        kind = seg_type(seg)
        if kind == bezier:
            return []  # curves: a chart or a drawing, not a ruling
        seg_point(seg, x_p, y_p)
        px, py = x.value, y.value
        pt = (a * px + c * py + e, b * px + d * py + f)
        if kind == moveto or not subpaths:
            pts = [pt]
            subpaths.append(pts)
        else:
            pts.append(pt)
        if seg_close(seg) and pts[0] != pt:
            pts.append(pts[0])
    out: list[dict] = []
    for pts in subpaths:
        if len(pts) >= 4:
            xs = {round(p[0], 1) for p in pts}
            ys = {round(p[1], 1) for p in pts} if len(xs) == 2 else ()
            if len(ys) == 2:
                shape = _shape("rect", min(xs), min(ys), max(xs), max(ys), to_frame, width, height, settings)
                if shape is not None:
                    out.append(shape)
                continue
        for p, q in zip(pts, pts[1:], strict=False):
            if abs(p[0] - q[0]) < 0.5 or abs(p[1] - q[1]) < 0.5:
                lft, r = sorted((p[0], q[0]))
                bb, tt = sorted((p[1], q[1]))
                shape = _shape("line", lft, bb, r, tt, to_frame, width, height, settings)
                if shape is not None:
                    out.append(shape)
    return out


def _shape(
    kind: str, lft: float, b: float, r: float, t: float, to_frame, width: float, height: float, settings
) -> dict | None:  # noqa: ANN001
    x0, top, x1, bottom = to_frame(lft, b, r, t)
    w, h = x1 - x0, bottom - top
    if w > settings.page_frame_share * width and h > settings.page_frame_share * height:
        return None
    if w < 0.01 and h < 0.01:
        return None
    return {  # a literal, not dict(...): one per ruling, thousands a document
        "object_type": kind,
        "x0": x0,
        "x1": x1,
        "y0": height - bottom,
        "y1": height - top,
        "top": top,
        "bottom": bottom,
        "doctop": top,
        "width": w,
        "height": h,
    }
