"""Finding a package's manifest, telling its standard, and listing the files it lacks."""

from __future__ import annotations

import pickle

import pytest

from lms.packages.manifests import (
    ManifestError,
    MissingFilesError,
    detect_and_parse,
)
from tests.builders.manifests import (
    AICC_EXPORT,
    DATA,
    cmi5,
    scorm12,
    scorm2004,
    write_package,
)

TINCAN = (
    b'<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>'
    b'<activity id="urn:x:course"><name>T</name><launch>index.html</launch></activity>'
    b"</activities></tincan>"
)


@pytest.mark.parametrize(
    ("manifest", "content", "standard", "edition"),
    [
        ("imsmanifest.xml", scorm12(), "scorm12", "1.2"),
        ("imsmanifest.xml", scorm2004(schemaversion="2004 4th Edition"), "scorm2004", "4th"),
        ("cmi5.xml", cmi5(), "cmi5", None),
        ("tincan.xml", TINCAN, "tincan", None),
    ],
)
def test_the_manifest_at_the_root_names_the_standard(
    tmp_path, manifest, content, standard, edition
):
    files = write_package(tmp_path, {manifest: content, "index.html": b"<html/>"})
    package = detect_and_parse(tmp_path, files)
    assert (package.standard, package.edition) == (standard, edition)
    assert package.launch == "index.html"


def test_a_package_exported_for_several_standards_plays_as_cmi5_then_scorm(tmp_path):
    files = write_package(
        tmp_path,
        {
            "imsmanifest.xml": scorm12(),
            "cmi5.xml": cmi5(),
            "tincan.xml": TINCAN,
            "index.html": b"",
        },
    )
    assert detect_and_parse(tmp_path, files).standard == "cmi5"
    assert detect_and_parse(tmp_path, [f for f in files if f != "cmi5.xml"]).standard == "scorm12"


def test_manifest_names_are_matched_without_regard_to_case(tmp_path):
    files = write_package(tmp_path, {"IMSManifest.xml": scorm12(), "index.html": b""})
    package = detect_and_parse(tmp_path, files)
    assert package.standard == "scorm12"


def test_without_a_manifest_the_error_names_what_was_looked_for(tmp_path):
    files = write_package(tmp_path, {"index.html": b"", "readme.txt": b""})
    with pytest.raises(ManifestError) as caught:
        detect_and_parse(tmp_path, files)
    assert str(caught.value) == (
        "package root: none of cmi5.xml, imsmanifest.xml, tincan.xml is at the package root"
    )
    assert caught.value.line is None


def test_a_manifest_one_folder_down_is_pointed_out(tmp_path):
    files = write_package(tmp_path, {"course/imsmanifest.xml": scorm12(), "course/index.html": b""})
    with pytest.raises(ManifestError, match="course/imsmanifest.xml is not at the root"):
        detect_and_parse(tmp_path, files)


def test_every_missing_file_is_listed_with_the_line_that_names_it():
    with pytest.raises(MissingFilesError) as caught:
        detect_and_parse(DATA / "scorm12", ["imsmanifest.xml", "law/index.html", "law/graham.mp4"])
    error = caught.value
    assert isinstance(error, ManifestError)
    assert [(ref.path, ref.line) for ref in error.missing] == [
        ("policy/policy.pdf", 42),
        ("exam/exam.html", 45),
        ("shared/apiwrapper.js", 50),
        ("shared/style.css", 51),
    ]
    assert (error.file, error.line) == ("imsmanifest.xml", 42)
    assert str(error) == (
        "imsmanifest.xml:42: the package lacks 4 files the manifest names: "
        "policy/policy.pdf (imsmanifest.xml:42), exam/exam.html (imsmanifest.xml:45), "
        "shared/apiwrapper.js (imsmanifest.xml:50), shared/style.css (imsmanifest.xml:51)"
    )


def test_missing_au_and_launch_files_are_reported_for_cmi5_and_tincan(tmp_path):
    files = write_package(tmp_path, {"cmi5.xml": cmi5(url="au/index.html")})
    with pytest.raises(MissingFilesError, match=r"au/index.html \(cmi5.xml:12\)"):
        detect_and_parse(tmp_path, files)
    files = write_package(tmp_path / "t", {"tincan.xml": TINCAN})
    with pytest.raises(MissingFilesError, match=r"index.html \(tincan.xml:1\)"):
        detect_and_parse(tmp_path / "t", files)


def test_a_name_that_differs_only_in_case_is_hinted(tmp_path):
    files = write_package(tmp_path, {"imsmanifest.xml": scorm12(), "Index.html": b""})
    with pytest.raises(MissingFilesError, match=r"names differ only in case: index.html → Index"):
        detect_and_parse(tmp_path, files)


def test_percent_encoded_hrefs_match_the_archive_names():
    files = ["imsmanifest.xml", "crisis/index.html", "crisis/audio clip.mp3"]
    package = detect_and_parse(DATA / "scorm2004_4th", files)
    assert package.standard == "scorm2004"


def test_archive_names_may_start_with_dot_slash(tmp_path):
    write_package(tmp_path, {"imsmanifest.xml": scorm12(), "index.html": b""})
    package = detect_and_parse(tmp_path, ["./imsmanifest.xml", "./index.html"])
    assert package.launch == "index.html"


def test_a_manifest_linked_from_outside_the_package_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.xml"
    outside.write_bytes(scorm12())
    root = tmp_path / "package"
    root.mkdir()
    (root / "imsmanifest.xml").symlink_to(outside)
    with pytest.raises(ManifestError, match="imsmanifest.xml: is a link to outside the package"):
        detect_and_parse(root, ["imsmanifest.xml", "index.html"])


def test_a_listed_manifest_that_cannot_be_read_is_refused(tmp_path):
    with pytest.raises(ManifestError, match="imsmanifest.xml: cannot be read"):
        detect_and_parse(tmp_path, ["imsmanifest.xml"])


def test_missing_files_errors_survive_pickling():
    with pytest.raises(MissingFilesError) as caught:
        detect_and_parse(DATA / "scorm2004_2nd", ["imsmanifest.xml"])
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own bytes
    assert str(copy) == str(caught.value)
    assert copy.missing == caught.value.missing


def test_an_aicc_package_is_refused_as_unsupported_naming_its_files_and_what_to_do(tmp_path):
    files = write_package(tmp_path, AICC_EXPORT)
    with pytest.raises(ManifestError) as caught:
        detect_and_parse(tmp_path, files)
    assert str(caught.value) == (
        "package root: AICC packages are not supported: this one holds AICC course structure "
        "files (course.au, course.crs, course.cst, course.des) and none of cmi5.xml, "
        "imsmanifest.xml, tincan.xml. Export the course from its authoring tool again as "
        "SCORM 1.2, SCORM 2004 or cmi5, and import that"
    )


def test_a_package_exported_for_aicc_and_scorm_plays_as_scorm(tmp_path):
    files = write_package(
        tmp_path, {**AICC_EXPORT, "imsmanifest.xml": scorm12(), "index.html": b""}
    )
    assert detect_and_parse(tmp_path, files).standard == "scorm12"


def test_sun_audio_files_alone_do_not_make_an_aicc_package(tmp_path):
    files = write_package(tmp_path, {"index.html": b"", "audio/bell.au": b".snd"})
    with pytest.raises(ManifestError, match="none of cmi5.xml, imsmanifest.xml, tincan.xml is"):
        detect_and_parse(tmp_path, files)
