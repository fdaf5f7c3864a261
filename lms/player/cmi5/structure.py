"""A cmi5 course structure as the player walks it: the AUs in order, the blocks around them,
and the LMS's own activity ids for the course, each block and each AU.

The ids are the LMS's, never the publisher's (cmi5 §8.1.5, §9.4): the same for every
registration and every package version of the course, because they are made from the course's
IRI and a digest of the publisher's id.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lms.packages.manifests import ParsedPackage

AU, BLOCK, COURSE = "au", "block", "course"
BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"


def _title(texts: dict[str, str]) -> str:
    return texts.get("en-US") or next(iter(texts.values()), "")


def _digest(publisher_id: str) -> str:
    return hashlib.sha256(publisher_id.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class AssignableUnit:
    """An AU of the course structure (cmi5 §13.1.4); `index` is its place in the course."""

    index: int
    id: str
    title: str
    url: str
    launch_method: str
    move_on: str
    mastery_score: Decimal | None
    launch_parameters: str | None
    entitlement_key: str | None
    activity_id: str  # the LMS's id for it (cmi5 §8.1.5)


@dataclass(frozen=True)
class Block:
    """A block (cmi5 §13.1.2) and its members, AUs and blocks, in order."""

    id: str
    title: str
    activity_id: str  # the LMS's id for it (cmi5 §9.4)
    members: tuple[AssignableUnit | Block, ...]


@dataclass(frozen=True)
class CourseStructure:
    id: str
    title: str
    activity_id: str  # the LMS's id for the course: the course's IRI (cmi5 §9.4)
    members: tuple[AssignableUnit | Block, ...]
    aus: tuple[AssignableUnit, ...]
    blocks: tuple[Block, ...]  # every block, inner ones before the block holding them

    @classmethod
    def from_package(cls, package: ParsedPackage, course_iri: str) -> CourseStructure:
        aus: list[AssignableUnit] = []
        blocks: list[Block] = []

        def member(node: dict[str, Any]) -> AssignableUnit | Block:
            if node["type"] == "block":
                members = tuple(member(child) for child in node["children"])
                block = Block(
                    id=node["id"],
                    title=_title(node["title"]),
                    activity_id=f"{course_iri}/blocks/{_digest(node['id'])}",
                    members=members,
                )
                blocks.append(block)
                return block
            mastery = node.get("masteryScore")
            au = AssignableUnit(
                index=len(aus),
                id=node["id"],
                title=_title(node["title"]),
                url=node["url"],
                launch_method=node.get("launchMethod") or "AnyWindow",
                move_on=node.get("moveOn") or "NotApplicable",
                mastery_score=None if mastery is None else Decimal(str(mastery)),
                launch_parameters=node.get("launchParameters"),
                entitlement_key=node.get("entitlementKey"),
                activity_id=f"{course_iri}/aus/{_digest(node['id'])}",
            )
            aus.append(au)
            return au

        course = package.structure["course"]
        members = tuple(member(child) for child in package.structure["children"])
        return cls(
            id=course["id"],
            title=_title(course["title"]),
            activity_id=course_iri,
            members=members,
            aus=tuple(aus),
            blocks=tuple(blocks),
        )

    def au(self, index: int) -> AssignableUnit | None:
        return self.aus[index] if 0 <= index < len(self.aus) else None

    def au_by_id(self, publisher_id: str) -> AssignableUnit | None:
        return next((au for au in self.aus if au.id == publisher_id), None)

    def node_for_activity(self, activity_id: str) -> tuple[str, AssignableUnit | Block] | None:
        """(kind, node) of the AU, block or course whose LMS id this is."""
        for au in self.aus:
            if au.activity_id == activity_id:
                return AU, au
        for block in self.blocks:
            if block.activity_id == activity_id:
                return BLOCK, block
        return None
