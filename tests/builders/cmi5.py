"""Small cmi5 course packages for the player's tests, zipped from the test AU in `cmi5_au/`: plain
JS that speaks to the LRS with fetch, as cmi5.js does."""

from __future__ import annotations

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

AU_SOURCES = Path(__file__).parent / "cmi5_au"


@dataclass(frozen=True)
class AUSpec:
    """One AU of a test course: what the test AU does is its `plan` (see cmi5_au/au.js)."""

    title: str = "Radio check-in"
    move_on: str = "Completed"
    plan: str = "completed"
    mastery_score: str | None = None
    launch_method: str = "AnyWindow"
    launch_parameters: str | None = None
    entitlement_key: str | None = None
    in_block: bool = True


def cmi5_xml(course_id: str, aus: list[AUSpec], title: str = "Radio Procedure") -> str:
    def au(index: int, spec: AUSpec) -> str:
        mastery = f" masteryScore={quoteattr(spec.mastery_score)}" if spec.mastery_score else ""
        parameters = (
            f"<launchParameters>{escape(spec.launch_parameters)}</launchParameters>"
            if spec.launch_parameters
            else ""
        )
        if spec.entitlement_key:
            parameters += f"<entitlementKey>{escape(spec.entitlement_key)}</entitlementKey>"
        return (
            f'<au id="{course_id}/aus/{index}" moveOn="{spec.move_on}"{mastery} '
            f'launchMethod="{spec.launch_method}">'
            f'<title><langstring lang="en-US">{escape(spec.title)}</langstring></title>'
            f'<description><langstring lang="en-US">Test AU {index}</langstring></description>'
            f"<url>au/index.html?plan={escape(spec.plan)}</url>{parameters}</au>"
        )

    inside = "".join(au(i, spec) for i, spec in enumerate(aus) if spec.in_block)
    outside = "".join(au(i, spec) for i, spec in enumerate(aus) if not spec.in_block)
    block = (
        f'<block id="{course_id}/blocks/radio"><title><langstring lang="en-US">On the radio'
        f'</langstring></title><description><langstring lang="en-US">Radio traffic'
        f"</langstring></description>{inside}</block>"
        if inside
        else ""
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">'
        f'<course id="{course_id}"><title><langstring lang="en-US">{escape(title)}</langstring>'
        '</title><description><langstring lang="en-US">A test course.</langstring>'
        f"</description></course>{block}{outside}</courseStructure>"
    )


def cmi5_zip(
    folder: Path, aus: list[AUSpec] | None = None, *, course_id: str | None = None
) -> Path:
    """A cmi5 course package: a block holding the AUs (those not `in_block` after it)."""
    course_id = course_id or f"https://lms.example.org/test/cmi5/{uuid.uuid4().hex[:12]}"
    path = folder / f"cmi5-{uuid.uuid4().hex[:8]}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("cmi5.xml", cmi5_xml(course_id, aus or [AUSpec()]))
        for source in AU_SOURCES.iterdir():
            archive.write(source, f"au/{source.name}")
    return path
