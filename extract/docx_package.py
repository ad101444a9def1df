"""Open a DOCX zip safely: zip-bomb guard, main-part discovery, XML parsing that never resolves entities.

Users' folders hold hostile or mislabelled files, so nothing here trusts the archive: sizes are checked
from the central directory before anything is decompressed, reads are capped, and any XML with a DTD is
refused (OOXML never carries one; a DTD is how XXE and entity-expansion payloads get in).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from lxml import etree

from extract.errors import DocumentError
from schemas.models import Limits

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
R_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
R_DOC_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
W_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_WORD_MAIN_TYPES = (
    "wordprocessingml.document.main+xml",
    "wordprocessingml.template.main+xml",
    "ms-word.document.macroEnabled.main+xml",
    "ms-word.template.macroEnabledTemplate.main+xml",
)
_BIG_MEMBER = 1_000_000  # ratio check only for members this large: small XML parts compress very well
_READ_SUFFIXES = (".xml", ".rels")


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=True,
        remove_pis=True,
    )


class Package:
    """The zip plus what we learnt about it; `read_xml` is the only way parts are decompressed."""

    def __init__(self, data: bytes, limits: Limits):
        self.limits = limits
        try:
            self.zf = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zf.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise DocumentError("corrupt DOCX: not a valid zip archive", code="corrupt") from None
        self.names = {i.filename: i for i in infos}
        self._budget = limits.max_uncompressed_bytes
        _guard_sizes(infos, limits)
        self.content_types = self._content_types()
        self.main = self._main_part()

    # -- reading ---------------------------------------------------------------------------------
    def read(self, name: str) -> bytes | None:
        info = self.names.get(name)
        if info is None:
            return None
        try:
            with self.zf.open(info) as fh:
                raw = fh.read(self._budget + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise DocumentError(
                f"corrupt DOCX: cannot decompress {name} ({_one_line(exc)})", code="corrupt"
            ) from None
        except NotImplementedError:
            raise DocumentError(
                f"corrupt DOCX: {name} uses an unsupported zip feature", code="corrupt"
            ) from None
        except RuntimeError:
            raise DocumentError(f"encrypted DOCX: {name} needs a password", code="encrypted") from None
        self._budget -= len(raw)
        if self._budget < 0:
            raise DocumentError(
                f"zip bomb guard: parts read exceed {self.limits.max_uncompressed_bytes} bytes uncompressed",
                code="unsafe",
            )
        return raw

    def read_xml(self, name: str) -> etree._Element | None:
        raw = self.read(name)
        if raw is None:
            return None
        return parse_xml(raw, name)

    def rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, resolved part name) for `part`; external targets are left out."""
        d, base = posixpath.split(part)
        root = self.read_xml(posixpath.join(d, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str]] = {}
        if root is None:
            return out
        for rel in root.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            joined = target.lstrip("/") if target.startswith("/") else posixpath.join(d, target)
            name = posixpath.normpath(joined)
            out[rel.get("Id") or ""] = (rel.get("Type") or "", name)
        return out

    # -- discovery -------------------------------------------------------------------------------
    def _content_types(self) -> dict[str, str]:
        root = self.read_xml("[Content_Types].xml")
        out: dict[str, str] = {}
        if root is None:
            return out
        for el in root.iter(f"{{{CT_NS}}}Override"):
            out[(el.get("PartName") or "").lstrip("/")] = el.get("ContentType") or ""
        return out

    def _main_part(self) -> str:
        rels = self.rels("") if "_rels/.rels" in self.names else {}
        main = next((t for ty, t in rels.values() if ty == R_DOC), None)
        if any(ty == R_DOC_STRICT for ty, _ in rels.values()):
            raise DocumentError(
                "not a Word document: strict Open XML (ISO/IEC 29500 Strict) is not supported; "
                "save it as a standard Word Document (.docx)", code="unsupported_format"
            )
        if main is None and "word/document.xml" in self.names:
            main = "word/document.xml"
        if main is None or main not in self.names:
            raise DocumentError(f"not a Word document: {self._what_is_it()}", code="not_a_document")
        ctype = self.content_types.get(main, "")
        if ctype and not ctype.endswith(_WORD_MAIN_TYPES):
            raise DocumentError(
                f"not a Word document: {self._what_is_it()} (main part {main} is {ctype})",
                code="not_a_document",
            )
        return main

    def _what_is_it(self) -> str:
        types = " ".join(self.content_types.values())
        if "themeManager+xml" in types:
            return "an Office theme package (what a legacy .doc saved oddly as .docx becomes)"
        if "spreadsheetml" in types or "xl/workbook.xml" in self.names:
            return "an Excel workbook (.xlsx)"
        if "presentationml" in types or "ppt/presentation.xml" in self.names:
            return "a PowerPoint presentation (.pptx)"
        if "mimetype" in self.names:
            kind = (self.read("mimetype") or b"")[:100].decode("ascii", "replace").strip()
            if "opendocument" in kind:
                return f"an OpenDocument file ({kind}); save it as .docx"
            if "epub" in kind:
                return "an EPUB e-book"
        if "META-INF/MANIFEST.MF" in self.names:
            return "a Java archive"
        return "a zip archive without word/document.xml"


def _guard_sizes(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse before decompressing: an over-compressed large member, or XML parts too big in total."""
    total = 0
    for info in infos:
        size = info.file_size
        if size > _BIG_MEMBER:
            ratio = size / info.compress_size if info.compress_size else float("inf")
            if ratio > limits.max_compression_ratio:
                raise DocumentError(
                    f"zip bomb guard: {info.filename} expands {size} bytes at ratio {ratio:.0f}:1 "
                    f"(limit {limits.max_compression_ratio:.0f}:1)", code="unsafe"
                )
        if info.filename.lower().endswith(_READ_SUFFIXES):
            total += size
    if total > limits.max_uncompressed_bytes:
        raise DocumentError(
            f"zip bomb guard: XML parts total {total} bytes uncompressed "
            f"(limit {limits.max_uncompressed_bytes})", code="unsafe"
        )


def parse_xml(raw: bytes, name: str) -> etree._Element:
    """Parse one part; a DTD anywhere (XXE, billion laughs) or malformed XML becomes a DocumentError."""
    check_prolog(raw, name)
    try:
        root = etree.fromstring(raw, _xml_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError(
            f"corrupt DOCX: malformed XML in {name} ({_one_line(exc)})", code="corrupt"
        ) from None
    except (etree.LxmlError, ValueError) as exc:
        raise DocumentError(f"corrupt DOCX: cannot parse {name} ({_one_line(exc)})", code="corrupt") from None
    if root is None:
        raise DocumentError(f"corrupt DOCX: {name} is empty", code="corrupt")
    if root.getroottree().docinfo.doctype:
        raise DocumentError(
            f"unsafe DOCX: {name} declares a DTD/entities, which OOXML never does; refused", code="unsafe"
        )
    return root


def check_prolog(raw: bytes, name: str) -> None:
    """Refuse a DTD in the prolog (UTF-8 or UTF-16) before any parser sees the bytes."""
    head = raw[:4096].upper()
    if b"<!DOCTYPE" in head or b"<\x00!\x00D\x00O\x00C\x00" in head or b"\x00<\x00!\x00D\x00O\x00C" in head:
        raise DocumentError(
            f"unsafe DOCX: {name} declares a DTD/entities, which OOXML never does; refused", code="unsafe"
        )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:160]
