"""Small manifests written inline, for tests that change one thing and expect one error."""

from __future__ import annotations

from pathlib import Path

# The example packages the manifest tests read, kept beside them.
DATA = Path(__file__).parents[1] / "lms" / "packages" / "manifests" / "data"

# An AICC course as authoring tools export it (AICC CMI001: .crs, .au, .des, .cst and .ort).
AICC_EXPORT = {
    "course.crs": b"[Course]\r\nCourse_Creator=Author\r\nCourse_ID=UOF-101\r\n",
    "course.au": b'"System_ID","Type","File_Name"\r\n"A1","Tutorial","index_lms.html"\r\n',
    "course.des": b'"System_ID","Developer_ID","Title"\r\n"A1","UOF-101","Use of Force"\r\n',
    "course.cst": b'"Block","Member"\r\n"root","A1"\r\n',
    "course.ort": b'"Course_Element","Member"\r\n',
    "index_lms.html": b"<html/>",
    "story_content/intro.mp3": b"",
}

SCORM_2004_NAMESPACES = (
    'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
    'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3" '
    'xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3" '
    'xmlns:imsss="http://www.imsglobal.org/xsd/imsss"'
)
SCORM_12_NAMESPACES = (
    'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"'
)
ONE_RESOURCE = (
    '<resource identifier="RES" type="webcontent" adlcp:scormType="sco" href="index.html">'
    '<file href="index.html"/></resource>'
)


def scorm2004(
    item_body: str = "",
    *,
    schemaversion: str | None = "2004 3rd Edition",
    resources: str = ONE_RESOURCE,
    item_attributes: str = 'identifierref="RES"',
    after_resources: str = "",
    manifest_attributes: str = "",
) -> bytes:
    """A one-item SCORM 2004 manifest; each line of the template is one line of the file."""
    metadata = (
        f"<metadata><schema>ADL SCORM</schema><schemaversion>{schemaversion}</schemaversion>"
        "</metadata>"
        if schemaversion is not None
        else ""
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M" {manifest_attributes} {SCORM_2004_NAMESPACES}>
{metadata}
<organizations default="ORG">
<organization identifier="ORG">
<title>Course</title>
<item identifier="ITEM" {item_attributes}>
<title>Lesson</title>
{item_body}
</item>
</organization>
</organizations>
<resources>
{resources}
</resources>
{after_resources}
</manifest>
""".encode()


def scorm12(item_body: str = "", *, resources: str = "", item_attributes: str = "") -> bytes:
    resources = resources or (
        '<resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">'
        '<file href="index.html"/></resource>'
    )
    return f"""<?xml version="1.0"?>
<manifest identifier="M12" {SCORM_12_NAMESPACES}>
<metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
<organizations default="ORG">
<organization identifier="ORG">
<title>Course</title>
<item identifier="ITEM" identifierref="RES" {item_attributes}>
<title>Lesson</title>
{item_body}
</item>
</organization>
</organizations>
<resources>
{resources}
</resources>
</manifest>
""".encode()


def cmi5(au_attributes: str = "", *, url: str = "index.html", au_extra: str = "") -> bytes:
    """A one-AU cmi5 course structure; the <au> start tag is on line 8."""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<courseStructure xmlns="https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd">
<course id="https://example.org/course">
<title><langstring lang="en-US">Course</langstring></title>
<description><langstring lang="en-US">About it</langstring></description>
</course>
<!-- the AU follows on line 8 -->
<au id="https://example.org/course/au" {au_attributes}>
<title><langstring lang="en-US">AU</langstring></title>
<description><langstring lang="en-US">About the AU</langstring></description>
{au_extra}
<url>{url}</url>
</au>
</courseStructure>
""".encode()


def write_package(root: Path, files: dict[str, bytes]) -> list[str]:
    """Writes `files` under `root` and returns their relative paths, as the archive lists them."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return sorted(files)
