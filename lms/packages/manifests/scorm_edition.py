"""Which SCORM a manifest is: 1.2, or 2004 and its edition.

<metadata><schemaversion> decides when it is one the books define: "1.2" (SCORM 1.2 CAM §2.3),
"CAM 1.3" (2004 2nd ed.), "2004 3rd Edition", "2004 4th Edition" (CAM ch. 3). Otherwise the
ADL namespaces decide, and for 2004 the elements only a later edition defines.
"""

from __future__ import annotations

import re

from lxml import etree

from lms.packages.manifests.fields import ElementReader
from lms.packages.manifests.safe_xml import local_name, namespace
from lms.packages.manifests.scorm_resources import ADLCP_12, ADLCP_2004, cp_children
from lms.packages.manifests.sequencing import ADLSEQ, IMSSS

ADLNAV = "http://www.adlnet.org/xsd/adlnav_v1p3"
IMSCP_12 = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
_SCORM_2004_NAMESPACES = {ADLCP_2004, ADLSEQ, ADLNAV, IMSSS}
_SCHEMA_VERSIONS = {
    "1.2": ("scorm12", "1.2"),
    "cam 1.3": ("scorm2004", "2nd"),
    "2004 2nd edition": ("scorm2004", "2nd"),
    "2004 3rd edition": ("scorm2004", "3rd"),
    "2004 4th edition": ("scorm2004", "4th"),
}
# adlnav hideLMSUI values the 3rd edition added to previous, continue, exit and abandon.
_THIRD_EDITION_HIDDEN_UI = {"exitAll", "abandonAll", "suspendAll"}
_FOURTH_EDITION_THRESHOLD = {"completedByMeasure", "minProgressMeasure", "progressWeight"}


def schema_version(manifest: etree._Element, reader: ElementReader) -> str | None:
    for metadata in cp_children(manifest, "metadata"):
        for version in cp_children(metadata, "schemaversion"):
            return reader.text(version)
    return None


def scorm_edition(manifest: etree._Element, reader: ElementReader) -> tuple[str, str]:
    """("scorm12", "1.2") or ("scorm2004", "2nd" | "3rd" | "4th")."""
    version = schema_version(manifest, reader)
    normal = re.sub(r"\s+", " ", version or "").lower()
    if normal in _SCHEMA_VERSIONS:
        return _SCHEMA_VERSIONS[normal]
    used = _namespaces(manifest)
    if normal.startswith("1.2") or ADLCP_12 in used or IMSCP_12 in used:
        return "scorm12", "1.2"
    if normal.startswith(("2004", "cam 1.3", "1.3")) or used & _SCORM_2004_NAMESPACES:
        return "scorm2004", _edition_by_elements(manifest)
    raise reader.error(
        manifest,
        f"cannot tell the SCORM version: schemaversion is {version!r} and no ADL namespace is used",
    )


def _namespaces(manifest: etree._Element) -> set[str]:
    used: set[str] = set()
    for element in manifest.iter(etree.Element):
        used.update(uri for uri in element.nsmap.values() if uri)
        element_ns = namespace(element)
        if element_ns:
            used.add(element_ns)
    return used


def _edition_by_elements(manifest: etree._Element) -> str:
    for element in manifest.iter(etree.Element):
        name, ns = local_name(element), namespace(element)
        if ns == ADLSEQ and name == "objectives":
            return "4th"
        if ns == ADLCP_2004 and name in ("data", "map"):
            return "4th"
        thresholds = ns == ADLCP_2004 and name == "completionThreshold"
        if thresholds and _FOURTH_EDITION_THRESHOLD & set(element.attrib):
            return "4th"
        if any(etree.QName(key).localname == "sharedDataGlobalToSystem" for key in element.attrib):
            return "4th"
    for element in manifest.iter(f"{{{ADLNAV}}}hideLMSUI"):
        if (element.text or "").strip() in _THIRD_EDITION_HIDDEN_UI:
            return "3rd"
    return "2nd"
