"""cmi5 course structures (cmi5.xml): the course, its blocks, AUs and objectives as plain data.

Follows the cmi5 specification §13 (Course Structure Data Requirements) and §14 (Course
Package): the rules below first, each with its own message, then the whole document against
v1/CourseStructure.xsd (cmi5_schema), which also fixes the order of the elements. Elements of
other namespaces are extensions (§13.1.5) and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree

from lms.packages.manifests.cmi5_schema import check_course_structure
from lms.packages.manifests.fields import ElementReader
from lms.packages.manifests.model import FileReference, ParsedPackage
from lms.packages.manifests.references import file_references, is_absolute_url, resolve_href
from lms.packages.manifests.safe_xml import (
    element_children,
    local_name,
    namespace,
    parse_document,
)
from lms.packages.manifests.uri import uri_reference_problem

CMI5_NAMESPACE = "https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd"
LAUNCH_METHODS = ("AnyWindow", "OwnWindow")
# The query names the LMS adds to an AU's url at launch (§8.1).
LAUNCH_PARAMETERS = frozenset({"endpoint", "fetch", "actor", "registration", "activityId"})
MOVE_ON = ("NotApplicable", "Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed")
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def parse_cmi5_xml(data: bytes, filename: str = "cmi5.xml") -> ParsedPackage:
    """A course structure XML handed over without a ZIP: every AU URL must be absolute (§14.2)."""
    package, _ = parse_cmi5_course(data, filename, standalone=True)
    return package


def parse_cmi5_course(
    data: bytes, filename: str = "cmi5.xml", *, standalone: bool = False
) -> tuple[ParsedPackage, list[FileReference]]:
    """The course structure, and the package files its relative AU URLs name (§14.1)."""
    root = parse_document(data, filename)
    reader = ElementReader(filename)
    if local_name(root) != "courseStructure" or namespace(root) not in (CMI5_NAMESPACE, None):
        raise reader.error(
            root, f"the root element is <{root.tag}>, not cmi5's <courseStructure> (§14.0)"
        )
    package, references = _CourseStructure(reader, standalone).parse(root)
    check_course_structure(root, filename)
    return package, references


class _CourseStructure:
    def __init__(self, reader: ElementReader, standalone: bool) -> None:
        self.reader = reader
        self.standalone = standalone
        self.references: list[FileReference] = []
        self.ids: set[str] = set()
        self.objective_ids: set[str] = set()
        self.first_url: str | None = None

    def parse(self, root: etree._Element) -> tuple[ParsedPackage, list[FileReference]]:
        reader = self.reader
        course_element = _the(reader, root, "course")
        course = {"id": self._id(course_element), **self._texts(course_element)}
        objectives_element = _only(reader, root, "objectives")
        objectives = (
            [self._objective(child) for child in _cmi5_children(objectives_element, "objective")]
            if objectives_element is not None
            else []
        )
        children = self._members(root)
        structure = {"course": course, "objectives": objectives, "children": children}
        warnings = tuple(filter(None, [self._no_op_move_on(children)]))
        package = ParsedPackage(
            standard="cmi5",
            edition=None,
            title=next(iter(course["title"].values())),
            identifier=course["id"],
            version=None,
            launch=self.first_url,
            structure=structure,
            warnings=warnings,
        )
        return package, self.references

    def _no_op_move_on(self, children: list[dict[str, Any]]) -> str | None:
        """A course whose every AU is moveOn NotApplicable asks nothing of the learner: each AU
        is satisfied, and so the course, as soon as they register (§9.6.1)."""
        aus = list(_aus(children))
        if any(au["moveOn"] != "NotApplicable" for au in aus):
            return None
        count = "its AU has" if len(aus) == 1 else f"all {len(aus)} of its AUs have"
        return (
            f'{self.reader.filename}: {count} moveOn "NotApplicable" (the default when moveOn '
            "is absent), so no AU asks the learner to do anything: registering satisfies the "
            "course (cmi5 §9.6.1) and may earn its CPT before anything is launched. Check that "
            "this is meant before publishing the course."
        )

    def _members(self, parent: etree._Element) -> list[dict[str, Any]]:
        """The AUs and blocks of the course or of a block, in order; at least one (XSD)."""
        members = []
        for child in element_children(parent):
            if namespace(child) not in (CMI5_NAMESPACE, None):
                continue
            if local_name(child) == "au":
                members.append(self._au(child))
            elif local_name(child) == "block":
                members.append(self._block(child))
        if not members:
            raise self.reader.error(parent, f"<{local_name(parent)}> holds no <au> or <block>")
        return members

    def _block(self, element: etree._Element) -> dict[str, Any]:
        # §13.1.2 Block Metadata
        return {
            "type": "block",
            "id": self._id(element),
            **self._texts(element),
            "objectives": self._objective_references(element),
            "children": self._members(element),
        }

    def _au(self, element: etree._Element) -> dict[str, Any]:
        # §13.1.4 AU Metadata
        reader = self.reader
        identifier = self._id(element)
        texts = self._texts(element)
        url_element = _the(reader, element, "url")
        url = reader.text(url_element)
        if url is None:
            raise reader.error(url_element, f"AU {identifier!r} has an empty <url>")
        problem = uri_reference_problem(url)
        if problem is not None:
            # §13.1.4 url: a relative or fully qualified URL; RFC 3986 §4.1 says which.
            raise reader.error(
                url_element,
                f"<au id={identifier!r}> url {url!r} is not a valid URL (RFC 3986): {problem}",
            )
        url = self._launch_url(url, url_element)
        if self.first_url is None:
            self.first_url = url
        activity_type = reader.attribute(element, "activityType")
        return {
            "type": "au",
            "id": identifier,
            **texts,
            "objectives": self._objective_references(element),
            "url": url,
            "launchMethod": reader.choice(element, "launchMethod", LAUNCH_METHODS, "AnyWindow"),
            "moveOn": reader.choice(element, "moveOn", MOVE_ON, "NotApplicable"),
            "masteryScore": reader.decimal_attribute(element, "masteryScore", None, 0, 1),
            "launchParameters": reader.text(_only(reader, element, "launchParameters")),
            "entitlementKey": reader.text(_only(reader, element, "entitlementKey")),
            "activityType": activity_type,
        }

    def _launch_url(self, url: str, element: etree._Element) -> str:
        taken = sorted(
            set(parse_qs(urlsplit(url).query, keep_blank_values=True)) & LAUNCH_PARAMETERS
        )
        if taken:
            # §8.1: the AU's own query names must not collide with the launch parameters.
            raise self.reader.error(
                element,
                f"the AU url {url!r} uses the launch parameter name{'s' if len(taken) > 1 else ''} "
                f"{', '.join(taken)}, which the LMS adds at launch (§8.1)",
            )
        if is_absolute_url(url):
            return resolve_href(url, "", self.reader.filename, element.sourceline)
        if self.standalone:
            raise self.reader.error(
                element,
                f"the AU url {url!r} is relative; a cmi5.xml without its ZIP needs absolute "
                "URLs (§14.2)",
            )
        resolved = resolve_href(url, "", self.reader.filename, element.sourceline)
        self.references.extend(file_references(resolved, self.reader.filename, element.sourceline))
        return resolved

    def _objective(self, element: etree._Element) -> dict[str, Any]:
        # §13.1.3 Objective Metadata
        identifier = self._id(element)
        self.objective_ids.add(identifier)
        return {"id": identifier, **self._texts(element)}

    def _objective_references(self, element: etree._Element) -> list[str]:
        container = _only(self.reader, element, "objectives")
        if container is None:
            return []
        idrefs = []
        for objective in _cmi5_children(container, "objective"):
            idref = self.reader.required(objective, "idref")
            if idref not in self.objective_ids:
                raise self.reader.error(
                    objective, f"objective idref {idref!r} names no course <objective>"
                )
            idrefs.append(idref)
        return idrefs

    def _id(self, element: etree._Element) -> str:
        """A globally unique IRI, unique within the course structure (§13.1)."""
        identifier = self.reader.required(element, "id")
        if not _IRI.fullmatch(identifier):
            raise self.reader.error(
                element, f"<{local_name(element)}> id {identifier!r} is not an IRI"
            )
        if identifier in self.ids:
            raise self.reader.error(element, f"the id {identifier!r} is used twice")
        self.ids.add(identifier)
        return identifier

    def _texts(self, element: etree._Element) -> dict[str, dict[str, str]]:
        return {
            "title": self._langstrings(element, "title"),
            "description": self._langstrings(element, "description"),
        }

    def _langstrings(self, element: etree._Element, name: str) -> dict[str, str]:
        """{language: text}; "und" (BCP 47's undetermined) where lang is absent."""
        reader = self.reader
        holder = _the(reader, element, name)
        strings: dict[str, str] = {}
        for langstring in _cmi5_children(holder, "langstring"):
            language = reader.attribute(langstring, "lang") or "und"
            strings.setdefault(language, reader.text(langstring) or "")
        if not strings:
            raise reader.error(holder, f"<{name}> holds no <langstring>")
        return strings


def _aus(members: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for member in members:
        if member["type"] == "au":
            yield member
        else:
            yield from _aus(member["children"])


def _cmi5_children(parent: etree._Element, name: str) -> list[etree._Element]:
    return [
        child
        for child in element_children(parent)
        if local_name(child) == name and namespace(child) in (CMI5_NAMESPACE, None)
    ]


def _only(reader: ElementReader, parent: etree._Element, name: str) -> etree._Element | None:
    """The child `name` if there is one; more than one is an error (the XSD allows one)."""
    found = _cmi5_children(parent, name)
    if len(found) > 1:
        raise reader.error(found[1], f"<{local_name(parent)}> has more than one <{name}>")
    return found[0] if found else None


def _the(reader: ElementReader, parent: etree._Element, name: str) -> etree._Element:
    """The child `name` the XSD requires."""
    found = _only(reader, parent, name)
    if found is None:
        raise reader.error(parent, f"<{local_name(parent)}> lacks its <{name}>")
    return found
