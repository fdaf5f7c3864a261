"""SCORM 1.2 and 2004 imsmanifest.xml: organizations, nested items and resources as plain data.

Keys keep the XML names in camelCase; the SCORM 1.2 adlcp elements (masteryscore, datafromlms…)
take the 2004 spelling (masteryScore, dataFromLMS…) so that one shape serves every edition.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from lms.packages.manifests.fields import ElementReader
from lms.packages.manifests.model import FileReference, ParsedPackage
from lms.packages.manifests.references import join_bases
from lms.packages.manifests.safe_xml import (
    element_children,
    local_name,
    namespace,
    parse_document,
    xml_base,
)
from lms.packages.manifests.scorm_edition import ADLNAV, schema_version, scorm_edition
from lms.packages.manifests.scorm_resources import (
    ADLCP_2004,
    ADLCP_NAMESPACES,
    cp_children,
    is_content_packaging,
    parse_resources,
)
from lms.packages.manifests.sequencing import (
    ADLSEQ,
    IMSSS,
    SequencingParser,
    sequencing_collection,
)

# SCORM 1.2 CAM §2.3 and 2004 CAM ch. 3: adlcp:timeLimitAction vocabulary.
TIME_LIMIT_ACTIONS = ("exit,message", "exit,no message", "continue,message", "continue,no message")
# 2004 CAM ch. 5, adlnav:hideLMSUI (3rd ed. added exitAll, abandonAll, suspendAll).
HIDE_LMS_UI = ("previous", "continue", "exit", "exitAll", "abandon", "abandonAll", "suspendAll")


def parse_scorm_manifest(
    data: bytes, filename: str = "imsmanifest.xml"
) -> tuple[ParsedPackage, list[FileReference]]:
    """The manifest as a ParsedPackage, and every package file it names."""
    manifest = parse_document(data, filename)
    reader = ElementReader(filename)
    if local_name(manifest) != "manifest" or not is_content_packaging(manifest):
        raise reader.error(
            manifest, f"the root element is <{local_name(manifest)}>, not a content <manifest>"
        )
    return _ScormManifest(manifest, reader).parse()


class _ScormManifest:
    def __init__(self, manifest: etree._Element, reader: ElementReader) -> None:
        self.manifest = manifest
        self.reader = reader
        self.standard, self.edition = scorm_edition(manifest, reader)
        self.references: list[FileReference] = []
        # Organization and item identifiers; resources are checked among themselves, since
        # authoring tools often give an item its resource's identifier.
        self.identifiers: set[str] = set()
        self.sequencing = SequencingParser(reader, sequencing_collection(manifest, reader))
        self.resources: dict[str, dict[str, Any]] = {}

    def parse(self) -> tuple[ParsedPackage, list[FileReference]]:
        reader, manifest = self.reader, self.manifest
        identifier = reader.required(manifest, "identifier")
        base = join_bases(xml_base(manifest))
        self.resources = parse_resources(manifest, base, reader, self.references)
        organizations, default = self._organizations()
        chosen = next(org for org in organizations if org["identifier"] == default)
        launch = _first_launch(chosen["items"])
        if launch is None:
            raise reader.error(
                manifest, f"organization {default!r} has no item that launches a resource"
            )
        structure = {
            "schemaversion": schema_version(manifest, reader),
            "identifier": identifier,
            "version": reader.attribute(manifest, "version"),
            "base": base or None,
            "defaultOrganization": default,
            "organizations": organizations,
            "resources": list(self.resources.values()),
        }
        package = ParsedPackage(
            standard=self.standard,
            edition=self.edition,
            title=chosen["title"] or identifier,
            identifier=identifier,
            version=structure["version"],
            launch=launch,
            structure=structure,
            warnings=tuple(self.sequencing.warnings),
        )
        return package, self.references

    def _organizations(self) -> tuple[list[dict[str, Any]], str]:
        reader = self.reader
        containers = cp_children(self.manifest, "organizations")
        elements = [org for c in containers for org in cp_children(c, "organization")]
        if not elements:
            raise reader.error(
                containers[0] if containers else self.manifest,
                "the manifest has no <organization>, so nothing in it can be launched",
            )
        organizations = [self._organization(element) for element in elements]
        default = reader.attribute(containers[0], "default") or organizations[0]["identifier"]
        if default not in {org["identifier"] for org in organizations}:
            raise reader.error(
                containers[0], f"the default organization {default!r} is no <organization>"
            )
        return organizations, default

    def _organization(self, element: etree._Element) -> dict[str, Any]:
        reader = self.reader
        identifier = self._claim(element)
        items = [self._item(child) for child in cp_children(element, "item")]
        if not items:
            raise reader.error(element, f"organization {identifier!r} has no <item>")
        return {
            "identifier": identifier,
            "title": reader.text(_first(cp_children(element, "title"))) or "",
            "structure": reader.attribute(element, "structure") or "hierarchical",
            "objectivesGlobalToSystem": _global_to_system(
                reader, element, ADLSEQ, "objectivesGlobalToSystem"
            ),
            "sharedDataGlobalToSystem": _global_to_system(
                reader, element, ADLCP_2004, "sharedDataGlobalToSystem"
            ),
            "sequencing": self._sequencing(element, f"organization {identifier!r}"),
            "items": items,
        }

    def _item(self, element: etree._Element) -> dict[str, Any]:
        reader = self.reader
        identifier = self._claim(element)
        title = reader.text(_first(cp_children(element, "title")))
        if title is None:
            raise reader.error(element, f"item {identifier!r} lacks its <title>")
        children = [self._item(child) for child in cp_children(element, "item")]
        identifierref = reader.attribute(element, "identifierref")
        parameters = reader.attribute(element, "parameters")
        resource = None
        if identifierref is not None:
            resource = self.resources.get(identifierref)
            if resource is None:
                raise reader.error(
                    element,
                    f"item {identifier!r} refers to {identifierref!r}, which is no resource",
                )
            if resource["href"] is None:
                raise reader.error(
                    element, f"item {identifier!r} refers to resource {identifierref!r} (no href)"
                )
        adlcp = _adlcp_children(element)
        return {
            "identifier": identifier,
            "title": title,
            "identifierref": identifierref,
            "isvisible": reader.boolean(element, "isvisible", True),
            "parameters": parameters,
            "launch": with_parameters(resource["href"], parameters) if resource else None,
            "scormType": resource["scormType"] if resource else None,
            "masteryScore": self._mastery_score(adlcp.get("masteryscore")),
            "prerequisites": self._prerequisites(adlcp.get("prerequisites")),
            "maxTimeAllowed": reader.text(adlcp.get("maxtimeallowed")),
            "timeLimitAction": self._time_limit_action(adlcp.get("timelimitaction")),
            "dataFromLMS": reader.text(adlcp.get("datafromlms")),
            "completionThreshold": self._completion_threshold(adlcp.get("completionthreshold")),
            "data": self._shared_data(adlcp.get("data")),
            "presentation": self._presentation(element),
            "sequencing": self._sequencing(element, f"item {identifier!r}"),
            "items": children,
        }

    def _claim(self, element: etree._Element) -> str:
        identifier = self.reader.required(element, "identifier")
        if identifier in self.identifiers:
            raise self.reader.error(element, f"the identifier {identifier!r} is used twice")
        self.identifiers.add(identifier)
        return identifier

    def _sequencing(self, element: etree._Element, activity: str) -> dict[str, Any] | None:
        found = [
            child
            for child in element_children(element)
            if namespace(child) == IMSSS and local_name(child) == "sequencing"
        ]
        return self.sequencing.parse(found[0], activity) if found else None

    def _mastery_score(self, element: etree._Element | None) -> float | None:
        # SCORM 1.2 CAM §2.3: adlcp:masteryscore is a decimal from 0 to 100.
        if element is None:
            return None
        return self.reader.decimal(element, self.reader.text(element), "masteryscore", 0, 100)

    def _prerequisites(self, element: etree._Element | None) -> dict[str, str] | None:
        script = self.reader.text(element)
        if element is None or script is None:
            return None
        return {"type": self.reader.attribute(element, "type") or "aicc_script", "value": script}

    def _time_limit_action(self, element: etree._Element | None) -> str | None:
        value = self.reader.text(element)
        if element is None or value is None:
            return None
        normal = re.sub(r"\s*,\s*", ",", re.sub(r"\s+", " ", value)).lower()
        return self.reader.vocabulary(element, normal, "timeLimitAction", TIME_LIMIT_ACTIONS)

    def _completion_threshold(self, element: etree._Element | None) -> dict[str, Any] | None:
        # 2004 CAM ch. 3: the 3rd ed. threshold is the text; the 4th ed. uses attributes.
        if element is None:
            return None
        reader = self.reader
        return {
            "value": reader.decimal(element, reader.text(element), "completionThreshold", 0, 1),
            "completedByMeasure": reader.boolean(element, "completedByMeasure", False),
            "minProgressMeasure": reader.decimal_attribute(
                element, "minProgressMeasure", 1.0, 0, 1
            ),
            "progressWeight": reader.decimal_attribute(element, "progressWeight", 1.0, 0, 1),
        }

    def _shared_data(self, element: etree._Element | None) -> list[dict[str, Any]]:
        # SCORM 2004 4th ed. CAM ch. 3: adlcp:data/adlcp:map, shared data buckets.
        if element is None:
            return []
        reader = self.reader
        return [
            {
                "targetID": reader.required(bucket, "targetID"),
                "readSharedData": reader.boolean(bucket, "readSharedData", True),
                "writeSharedData": reader.boolean(bucket, "writeSharedData", False),
            }
            for bucket in element_children(element)
            if namespace(bucket) in ADLCP_NAMESPACES and local_name(bucket) == "map"
        ]

    def _presentation(self, element: etree._Element) -> dict[str, Any] | None:
        presentation = _first(_adlnav_children(element, "presentation"))
        if presentation is None:
            return None
        hidden = [
            self.reader.vocabulary(ui, self.reader.text(ui) or "", "hideLMSUI", HIDE_LMS_UI)
            for interface in _adlnav_children(presentation, "navigationInterface")
            for ui in _adlnav_children(interface, "hideLMSUI")
        ]
        return {"navigationInterface": {"hideLMSUI": hidden}}


def with_parameters(href: str, parameters: str | None) -> str:
    """The launch URL: the resource href with the item's parameters appended.

    2004 CAM ch. 3, <item parameters>: drop leading "?" and "&"; a "#fragment" is appended only
    when the href has none; otherwise join with "&" if the href has a query, else with "?".
    """
    if not parameters:
        return href
    parameters = parameters.strip().lstrip("?&")
    if not parameters:
        return href
    if parameters.startswith("#"):
        return href if "#" in href else href + parameters
    return f"{href}{'&' if '?' in href else '?'}{parameters}"


def _first_launch(items: list[dict[str, Any]]) -> str | None:
    for item in items:
        if item["launch"] is not None:
            return item["launch"]
        nested = _first_launch(item["items"])
        if nested is not None:
            return nested
    return None


def _first(elements: list[etree._Element]) -> etree._Element | None:
    return elements[0] if elements else None


def _adlcp_children(element: etree._Element) -> dict[str, etree._Element]:
    """adlcp child elements by lower-case local name (masteryscore, datafromlms, data…).

    Manifests written without namespaces have them unqualified; no IMS CP name clashes.
    """
    found: dict[str, etree._Element] = {}
    for child in element_children(element):
        if namespace(child) in (*ADLCP_NAMESPACES, None):
            found.setdefault(local_name(child).lower(), child)
    return found


def _adlnav_children(element: etree._Element, name: str) -> list[etree._Element]:
    return [
        child
        for child in element_children(element)
        if namespace(child) == ADLNAV and local_name(child) == name
    ]


def _global_to_system(reader: ElementReader, element: etree._Element, ns: str, name: str) -> bool:
    return reader.boolean(element, f"{{{ns}}}{name}", True)
