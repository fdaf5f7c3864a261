"""What a facilitator shows: a course's video with its captions, its transcript and the
facilitator's guide, as its bundled folder's course.toml names them (`[facilitation]`), served
from the course's newest package version on the content origin."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from lms.catalog.models import Course
from lms.packages import bundled
from lms.packages import services as packages
from lms.packages.models import PackageVersion

NAMES = ("video", "captions", "poster", "transcript", "guide")


@dataclass(frozen=True)
class Materials:
    version: PackageVersion
    paths: dict[str, str]  # name -> path in the package


def materials(course: Course) -> Materials | None:
    """The course's facilitation materials, or None if it names none or has no package."""
    toml = bundled.SOURCES / course.slug / "course.toml"
    if not toml.is_file():
        return None
    settings = tomllib.loads(toml.read_text(encoding="utf-8")).get("facilitation") or {}
    paths = {name: str(settings[name]) for name in NAMES if settings.get(name)}
    version = packages.latest_version(course.id)
    if not paths or version is None:
        return None
    return Materials(version, paths)
