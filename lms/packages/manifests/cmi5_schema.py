"""A cmi5.xml checked against the spec's own schema, v1/CourseStructure.xsd (cmi5 §14.0).

The schema is kept beside this module (schemas/cmi5/, with its licence) and read from there:
it imports no other schema, and validation reads nothing else, neither from the network nor
from disk (libxml2 follows no xsi:schemaLocation of the document when it is handed a schema).
Each schema error is told as the element and the rule it breaks.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from pathlib import Path

from lxml import etree

from lms.packages.manifests.model import ManifestError
from lms.packages.manifests.safe_xml import element_children, local_name, safe_parser

SCHEMA_FILE = Path(__file__).parent / "schemas" / "cmi5" / "CourseStructure.xsd"
CMI5_NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
XSD_NAMESPACE = "http://www.w3.org/2001/XMLSchema"
RULE = "cmi5 §14.0, CourseStructure.xsd"

# An XMLSchema keeps the last validation's error log on itself: one validation at a time.
_validating = threading.Lock()
_NOT_EXPECTED = re.compile(
    r"^Element '(?P<element>[^']+)': This element is not expected\."
    r"(?: Expected is (?:one of )?\( (?P<expected>.+) \)\.)?$"
)
_WILDCARD = re.compile(r"##other\{[^}]*\}\*")
_QUALIFIED = re.compile(r"'?\{(?P<namespace>[^}]*)\}(?P<name>[A-Za-z_][\w.\-]*)'?")


@cache
def _schema() -> tuple[etree.XMLSchema, frozenset[str]]:
    """The schema, and the names of the elements it declares."""
    document = etree.parse(str(SCHEMA_FILE), safe_parser())
    declared = frozenset(
        element.get("name")
        for element in document.iter(f"{{{XSD_NAMESPACE}}}element")
        if element.get("name")
    )
    return etree.XMLSchema(document), declared


def check_course_structure(root: etree._Element, filename: str) -> None:
    """ManifestError naming the line, the element and the rule, unless `root` is valid."""
    schema, declared = _schema()
    with _validating:
        if schema.validate(root):
            return
        error = schema.error_log[0]
    raise ManifestError(filename, error.line, _told(error.message, error.line, root, declared))


def _told(message: str, line: int, root: etree._Element, declared: frozenset[str]) -> str:
    not_expected = _NOT_EXPECTED.match(message)
    if not_expected is None:
        if "No matching global declaration available for the validation root" in message:
            return (
                f"<{local_name(root)}> is not in cmi5's namespace: the root must be "
                f'<courseStructure xmlns="{CMI5_NAMESPACE}"> ({RULE})'
            )
        return f"does not conform to the schema ({RULE}): {_names(message)}"
    name = _names(not_expected["element"])
    element = _element_at(root, not_expected["element"], line)
    parent = element.getparent() if element is not None else None
    where = f" in <{local_name(parent)}>" if parent is not None else ""
    if not_expected["expected"] is None:
        return f"element {name} is not allowed here{where} ({RULE})"
    expected_names = [_names(part.strip()) for part in not_expected["expected"].split(",")]
    expected = " or ".join(expected_names)
    siblings = element_children(parent) if parent is not None else []
    present = {f"<{local_name(sibling)}>" for sibling in siblings}
    if element is not None and local_name(element) in declared and present & set(expected_names):
        return f"element {name} is out of order: the XSD requires {expected} here{where} ({RULE})"
    return f"element {name} is not allowed here{where}: the XSD expects {expected} ({RULE})"


def _names(text: str) -> str:
    """libxml2's {namespace}name written as the document writes it: <name> for cmi5's own."""
    text = _WILDCARD.sub("an element of another namespace (an extension)", text)

    def written(match: re.Match[str]) -> str:
        if match["namespace"] == CMI5_NAMESPACE:
            return f"<{match['name']}>"
        return f'<{match["name"]} xmlns="{match["namespace"]}">'

    return _QUALIFIED.sub(written, text)


def _element_at(root: etree._Element, qualified: str, line: int) -> etree._Element | None:
    for element in root.iter(qualified):
        if element.sourceline == line:
            return element
    return None
