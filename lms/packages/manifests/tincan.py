"""Tin Can packages (tincan.xml): the activities, and the one the learner launches.

tincan.xml is Rustici's packaging convention (namespace http://projecttincan.com/tincan.xsd):
<activities> holds <activity id type> elements with <name>, <description> and <launch> children,
each with an optional lang; the activity that has a <launch> is the course to launch.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from lms.packages.manifests.fields import ElementReader
from lms.packages.manifests.model import FileReference, ParsedPackage
from lms.packages.manifests.references import file_references, resolve_href
from lms.packages.manifests.safe_xml import (
    element_children,
    local_name,
    namespace,
    parse_document,
)

TINCAN_NAMESPACE = "http://projecttincan.com/tincan.xsd"
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def parse_tincan_xml(
    data: bytes, filename: str = "tincan.xml"
) -> tuple[ParsedPackage, list[FileReference]]:
    """The activities as a ParsedPackage, and the package files their launch URLs name."""
    root = parse_document(data, filename)
    reader = ElementReader(filename)
    if local_name(root) != "tincan" or namespace(root) not in (TINCAN_NAMESPACE, None):
        raise reader.error(root, f"the root element is <{root.tag}>, not <tincan>")
    references: list[FileReference] = []
    activities = [
        _activity(reader, element, references)
        for container in _children(root, "activities")
        for element in _children(container, "activity")
    ]
    if not activities:
        raise reader.error(root, "<tincan> lists no <activity>")
    launchable = next((activity for activity in activities if activity["launch"]), None)
    if launchable is None:
        raise reader.error(root, "no <activity> has a <launch>, so nothing can be launched")
    structure = {"activities": activities, "launchActivity": launchable["id"]}
    package = ParsedPackage(
        standard="tincan",
        edition=None,
        title=next(iter(launchable["name"].values()), launchable["id"]),
        identifier=launchable["id"],
        version=None,
        launch=next(iter(launchable["launch"].values())),
        structure=structure,
    )
    return package, references


def _activity(
    reader: ElementReader, element: etree._Element, references: list[FileReference]
) -> dict[str, Any]:
    identifier = reader.required(element, "id")
    if not _IRI.fullmatch(identifier):
        raise reader.error(element, f"activity id {identifier!r} is not an IRI")
    launch: dict[str, str] = {}
    for launch_element in _children(element, "launch"):
        url = reader.text(launch_element)
        if url is None:
            raise reader.error(launch_element, f"activity {identifier!r} has an empty <launch>")
        resolved = resolve_href(url, "", reader.filename, launch_element.sourceline)
        references.extend(file_references(resolved, reader.filename, launch_element.sourceline))
        launch.setdefault(_language(reader, launch_element), resolved)
    return {
        "id": identifier,
        "type": reader.attribute(element, "type"),
        "name": _langstrings(reader, element, "name"),
        "description": _langstrings(reader, element, "description"),
        "launch": launch,
    }


def _langstrings(reader: ElementReader, element: etree._Element, name: str) -> dict[str, str]:
    strings: dict[str, str] = {}
    for child in _children(element, name):
        strings.setdefault(_language(reader, child), reader.text(child) or "")
    return strings


def _language(reader: ElementReader, element: etree._Element) -> str:
    """The lang attribute; "und" (BCP 47's undetermined) when absent."""
    return reader.attribute(element, "lang") or "und"


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [
        child
        for child in element_children(parent)
        if local_name(child) == name and namespace(child) in (TINCAN_NAMESPACE, None)
    ]
