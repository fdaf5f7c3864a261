"""Untrusted XML: malformed documents name their line; entities, XXE and DTDs are refused."""

from __future__ import annotations

import time

import pytest

from lms.packages.manifests import ManifestError, detect_and_parse, parse_cmi5_xml, safe_xml
from lms.packages.manifests.safe_xml import parse_document
from tests.lms.packages.manifests.builders import write_package

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


def test_billion_laughs_is_refused_at_once_naming_the_file():
    started = time.perf_counter()
    with pytest.raises(ManifestError, match="declares entities in a DOCTYPE") as caught:
        parse_document(BILLION_LAUGHS, "imsmanifest.xml")
    assert time.perf_counter() - started < 1.0
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
