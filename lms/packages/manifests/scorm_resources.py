"""SCORM <resources>: each resource's launch href (xml:base resolved), files and dependencies.

SCORM 1.2 CAM §2.3 and SCORM 2004 CAM ch. 3 (Content Packaging): a resource has an identifier,
a type and adlcp:scormType (adlcp:scormtype in 1.2), sco or asset; xml:base may sit on
<manifest>, <resources> and <resource>, and applies to <resource href> and <file href>.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from lms.packages.manifests.fields import ElementReader
from lms.packages.manifests.model import FileReference
from lms.packages.manifests.references import file_references, join_bases, resolve_href
from lms.packages.manifests.safe_xml import element_children, local_name, namespace, xml_base

ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"
ADLCP_NAMESPACES = (ADLCP_12, ADLCP_2004)
SCORM_TYPES = ("sco", "asset")


def is_content_packaging(element: etree._Element) -> bool:
    """An IMS Content Packaging element: imscp namespaces of any version, or none at all."""
    ns = namespace(element)
    return ns is None or ns.startswith(
        ("http://www.imsproject.org/xsd/imscp", "http://www.imsglobal.org/xsd/imscp")
    )


def cp_children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [
        child
        for child in element_children(parent)
        if local_name(child) == name and is_content_packaging(child)
    ]


def adlcp_attribute(element: etree._Element, name: str) -> str | None:
    """adlcp:`name` in either ADL namespace (or none), matched without regard to case."""
    for key, value in element.attrib.items():
        qualified = etree.QName(key)
        if (
            qualified.namespace in (*ADLCP_NAMESPACES, None)
            and qualified.localname.lower() == name.lower()
        ):
            return value.strip() or None
    return None


def parse_resources(
    manifest: etree._Element,
    manifest_base: str,
    reader: ElementReader,
    references: list[FileReference],
) -> dict[str, dict[str, Any]]:
    """Every <resource> of the manifest and its sub-manifests by identifier, in document order."""
    resources: dict[str, dict[str, Any]] = {}
    dependencies: list[tuple[str, etree._Element]] = []
    _collect(manifest, manifest_base, reader, references, resources, dependencies)
    for identifier, dependency in dependencies:
        wanted = dependency.get("identifierref", "").strip()
        if wanted not in resources:
            raise reader.error(
                dependency,
                f"resource {identifier!r} depends on {wanted!r}, which is no resource",
            )
    return resources


def _collect(
    manifest: etree._Element,
    inherited_base: str,
    reader: ElementReader,
    references: list[FileReference],
    resources: dict[str, dict[str, Any]],
    dependencies: list[tuple[str, etree._Element]],
) -> None:
    for container in cp_children(manifest, "resources"):
        container_base = join_bases(inherited_base, xml_base(container))
        for element in cp_children(container, "resource"):
            resource = _resource(element, container_base, reader, references)
            identifier = resource["identifier"]
            if identifier in resources:
                raise reader.error(element, f"the resource identifier {identifier!r} is used twice")
            resources[identifier] = resource
            dependencies.extend(
                (identifier, dependency) for dependency in cp_children(element, "dependency")
            )
    for sub_manifest in cp_children(manifest, "manifest"):
        base = join_bases(inherited_base, xml_base(sub_manifest))
        _collect(sub_manifest, base, reader, references, resources, dependencies)


def _resource(
    element: etree._Element,
    container_base: str,
    reader: ElementReader,
    references: list[FileReference],
) -> dict[str, Any]:
    identifier = reader.required(element, "identifier")
    resource_type = reader.required(element, "type")
    scorm_type = adlcp_attribute(element, "scormType")
    if scorm_type is None:
        raise reader.error(element, f"resource {identifier!r} lacks adlcp:scormType (sco or asset)")
    scorm_type = reader.vocabulary(element, scorm_type.lower(), "adlcp:scormType", SCORM_TYPES)
    base = join_bases(container_base, xml_base(element))
    href = reader.attribute(element, "href")
    launch = resolve_href(href, base, reader.filename, element.sourceline) if href else None
    if launch is not None:
        references.extend(file_references(launch, reader.filename, element.sourceline))
    files = []
    for file in cp_children(element, "file"):
        path = resolve_href(
            reader.required(file, "href"),
            base,
            reader.filename,
            file.sourceline,
        )
        references.extend(file_references(path, reader.filename, file.sourceline))
        files.append(path)
    dependencies = [
        reader.required(dependency, "identifierref")
        for dependency in cp_children(element, "dependency")
    ]
    return {
        "identifier": identifier,
        "type": resource_type,
        "scormType": scorm_type,
        "base": base or None,
        "href": launch,
        "files": files,
        "dependencies": dependencies,
    }
