"""Parsing untrusted manifest XML: no entities, no DTD loading, no network, bounded size.

A document that declares entities is refused before lxml sees it, and again after parsing in
case an encoding hid the declaration from the byte scan (billion laughs, XXE). A document that
names an external DTD (`<!DOCTYPE x SYSTEM "…">` or `PUBLIC "…" "…"`) or holds XInclude
elements is refused too: the parser fetches neither, but a package relying on either is not
self-contained, and accepting it would leave its safety to the parser's settings alone. An
internal DOCTYPE without entities is harmless and is kept.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from lms.packages.manifests.model import ManifestError

MAX_MANIFEST_BYTES = 16 * 1024 * 1024
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
# XInclude 1.0 §2 names the first; libxml2 also processes the 2003 draft's.
XINCLUDE_NAMESPACES = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")

_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)
_POSITION = re.compile(r"\s*,?\s*line \d+, column (\d+)$")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def safe_parser() -> etree.XMLParser:
    """A fresh parser (lxml parsers are not shared between threads) that resolves nothing."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
    )


def parse_document(data: bytes, filename: str) -> etree._Element:
    """The root element of `data`; ManifestError naming `filename` and the line otherwise."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise ManifestError(
            filename, None, f"is {len(data)} bytes, over the {MAX_MANIFEST_BYTES} bytes allowed"
        )
    if not data.strip():
        raise ManifestError(filename, None, "is empty")
    _refuse_declared_entities(_as_text(data), filename)
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise ManifestError(
            filename, error.lineno, f"not well-formed XML: {_reason(error)}"
        ) from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ManifestError(filename, None, _ENTITY_REFUSAL)
    for reference in root.iter(etree.Entity):
        raise ManifestError(
            filename, reference.sourceline, f"uses the entity {reference.text}, which is refused"
        )
    docinfo = root.getroottree().docinfo
    if docinfo.system_url is not None or docinfo.public_id is not None:
        raise ManifestError(filename, _doctype_line(data), _EXTERNAL_DTD_REFUSAL)
    for inclusion in root.iter(*(f"{{{uri}}}*" for uri in XINCLUDE_NAMESPACES)):
        raise ManifestError(
            filename,
            inclusion.sourceline,
            f"uses XInclude (<{local_name(inclusion)}>), which a package may not",
        )
    return root


_ENTITY_REFUSAL = (
    "declares entities in a DOCTYPE; refused, since entities can read local files (XXE) "
    "or expand without bound (billion laughs)"
)


_EXTERNAL_DTD_REFUSAL = "declares an external DTD, which a package may not"


def _doctype_line(data: bytes) -> int | None:
    text = _as_text(data)
    doctype = _DOCTYPE.search(text)
    return None if doctype is None else text.count("\n", 0, doctype.start()) + 1


def _reason(error: etree.XMLSyntaxError) -> str:
    """lxml's message on one line, its trailing "line L, column C" shortened to the column."""
    reason = " ".join(str(error.msg).split())
    position = _POSITION.search(reason)
    if position is not None:
        reason = f"{reason[: position.start()]} (column {position.group(1)})"
    return reason


def _refuse_declared_entities(text: str, filename: str) -> None:
    doctype = _DOCTYPE.search(text)
    if doctype is None:
        return
    declaration = _ENTITY_DECLARATION.search(text, doctype.start())
    if declaration is not None:
        line = text.count("\n", 0, declaration.start()) + 1
        raise ManifestError(filename, line, _ENTITY_REFUSAL)


def _as_text(data: bytes) -> str:
    """Enough of a decoding to find markup: BOM-marked or bare UTF-16/32, else one byte a char."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if data[:4] == b"<\x00?\x00":
        return data.decode("utf-16-le", errors="replace")
    if data[:4] == b"\x00<\x00?":
        return data.decode("utf-16-be", errors="replace")
    return data.decode("latin-1")


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def namespace(element: etree._Element) -> str | None:
    return etree.QName(element).namespace


def element_children(element: etree._Element) -> list[etree._Element]:
    """Child elements only: processing instructions and entities are left out."""
    return [child for child in element if isinstance(child.tag, str)]


def xml_base(element: etree._Element) -> str | None:
    value = element.get(f"{{{XML_NAMESPACE}}}base")
    return value.strip() if value is not None else None
