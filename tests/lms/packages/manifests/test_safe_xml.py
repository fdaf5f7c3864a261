"""Untrusted XML: malformed documents name their line; entities, XXE, external DTDs and XInclude
are refused."""

from __future__ import annotations

import re

import pytest

from lms.packages.manifests import ManifestError, detect_and_parse, parse_cmi5_xml, safe_xml
from lms.packages.manifests.detect import MANIFESTS
from lms.packages.manifests.safe_xml import XINCLUDE_NAMESPACES, parse_document
from tests.builders.manifests import DATA, write_package

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE manifest [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<manifest identifier="&lol9;"/>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE courseStructure [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
<course id="urn:x:&secret;"/>
</courseStructure>
"""
EXTERNAL_PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE tincan [
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<tincan/>
"""


def test_malformed_xml_is_refused_with_the_line_lxml_found():
    with pytest.raises(ManifestError) as caught:
        parse_document(b"<manifest>\n  <organizations>\n</manifest>\n", "imsmanifest.xml")
    assert caught.value.file == "imsmanifest.xml"
    assert caught.value.line == 3
    assert str(caught.value).startswith("imsmanifest.xml:3: not well-formed XML: ")
    assert "Opening and ending tag mismatch" in str(caught.value)


def test_malformed_manifests_are_reported_through_detect_and_parse(tmp_path):
    files = write_package(tmp_path, {"cmi5.xml": b"<?xml version='1.0'?>\n\n<courseStructure"})
    with pytest.raises(ManifestError, match=r"^cmi5.xml:3: not well-formed XML"):
        detect_and_parse(tmp_path, files)


def test_billion_laughs_is_refused_for_its_entity_declarations_naming_the_file():
    with pytest.raises(ManifestError, match="declares entities in a DOCTYPE") as caught:
        parse_document(BILLION_LAUGHS, "imsmanifest.xml")
    assert (caught.value.file, caught.value.line) == ("imsmanifest.xml", 3)
    assert "billion laughs" in str(caught.value)


def test_an_external_entity_is_refused_and_never_read():
    with pytest.raises(ManifestError, match="XXE") as caught:
        parse_cmi5_xml(XXE)
    assert str(caught.value).startswith("cmi5.xml:2: ")
    assert "root:" not in str(caught.value)


def test_an_external_parameter_entity_is_refused_without_fetching_it():
    with pytest.raises(ManifestError, match="declares entities"):
        parse_document(EXTERNAL_PARAMETER_ENTITY, "tincan.xml")


def test_a_utf16_document_declaring_entities_is_refused():
    data = XXE.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16")
    with pytest.raises(ManifestError, match="declares entities"):
        parse_document(data, "cmi5.xml")


def test_entities_the_byte_scan_misses_are_refused_after_parsing(monkeypatch):
    monkeypatch.setattr(safe_xml, "_refuse_declared_entities", lambda text, filename: None)
    data = b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<a>&x;</a>'
    with pytest.raises(ManifestError, match="declares entities") as caught:
        parse_document(data, "cmi5.xml")
    assert caught.value.line is None
    assert str(caught.value).startswith("cmi5.xml: declares entities")


def test_a_reference_to_an_entity_of_an_external_dtd_is_refused():
    data = b'<?xml version="1.0"?>\n<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd">\n<a>\n&x;</a>'
    with pytest.raises(ManifestError, match="uses the entity &x;") as caught:
        parse_document(data, "tincan.xml")
    assert caught.value.line == 4


def test_a_doctype_without_entities_is_harmless_and_comments_are_dropped():
    data = b'<?xml version="1.0"?>\n<!DOCTYPE a>\n<a><!-- note --><b/></a>'
    root = parse_document(data, "tincan.xml")
    assert [child.tag for child in root] == ["b"]


def test_an_empty_file_is_refused():
    with pytest.raises(ManifestError, match="tincan.xml: is empty"):
        parse_document(b"  \n", "tincan.xml")


def test_an_oversized_file_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(safe_xml, "MAX_MANIFEST_BYTES", 100)
    with pytest.raises(ManifestError, match="over the 100 bytes allowed"):
        parse_document(b"<a>" + b" " * 200 + b"</a>", "cmi5.xml")


EXAMPLE_MANIFESTS = {
    "imsmanifest.xml": DATA / "scorm12" / "imsmanifest.xml",
    "cmi5.xml": DATA / "cmi5_course" / "cmi5.xml",
    "tincan.xml": DATA / "tincan" / "tincan.xml",
}
ROOT_START_TAG = re.compile(rb"<(manifest|courseStructure|tincan)\b[^>]*>")
DOCTYPES = {
    "SYSTEM": b'<!DOCTYPE {root} SYSTEM "http://127.0.0.1:9/{root}.dtd">',
    "PUBLIC": b'<!DOCTYPE {root} PUBLIC "-//Example//DTD Course//EN" "http://127.0.0.1:9/c.dtd">',
    "SYSTEM with an internal subset": b'<!DOCTYPE {root} SYSTEM "c.dtd" [<!ELEMENT {root} ANY>]>',
}


def example_manifest(name: str) -> tuple[bytes, bytes]:
    """The example package's manifest, and the name of its root element."""
    data = EXAMPLE_MANIFESTS[name].read_bytes()
    return data, ROOT_START_TAG.search(data).group(1)


def parser_of(name: str):
    return dict(MANIFESTS)[name]


@pytest.mark.parametrize("doctype", DOCTYPES)
@pytest.mark.parametrize("name", EXAMPLE_MANIFESTS)
def test_a_manifest_naming_an_external_dtd_is_refused(name, doctype):
    data, root = example_manifest(name)
    parser_of(name)(data, name)  # the example itself parses
    declaration = DOCTYPES[doctype].replace(b"{root}", root)
    first_line, rest = data.split(b"\n", 1)

    with pytest.raises(ManifestError) as caught:
        parser_of(name)(first_line + b"\n" + declaration + b"\n" + rest, name)

    assert str(caught.value) == f"{name}:2: declares an external DTD, which a package may not"


@pytest.mark.parametrize("namespace", XINCLUDE_NAMESPACES)
@pytest.mark.parametrize("name", EXAMPLE_MANIFESTS)
def test_a_manifest_using_xinclude_is_refused(name, namespace):
    data, _ = example_manifest(name)
    start = ROOT_START_TAG.search(data)
    inclusion = f'\n<xi:include xmlns:xi="{namespace}" href="http://127.0.0.1:9/more.xml"/>'
    line = data.count(b"\n", 0, start.end()) + 2

    with pytest.raises(ManifestError) as caught:
        parser_of(name)(data[: start.end()] + inclusion.encode() + data[start.end() :], name)

    assert str(caught.value) == f"{name}:{line}: uses XInclude (<include>), which a package may not"


@pytest.mark.parametrize("name", EXAMPLE_MANIFESTS)
def test_a_manifest_with_an_internal_doctype_and_no_entities_is_still_accepted(name):
    data, root = example_manifest(name)
    first_line, rest = data.split(b"\n", 1)
    declaration = b"<!DOCTYPE " + root + b" [<!ELEMENT " + root + b" ANY>]>"

    package, _ = parser_of(name)(first_line + b"\n" + declaration + b"\n" + rest, name)

    assert package == parser_of(name)(data, name)[0]
