"""ParsedPackage as stored JSON, and ManifestError's shape."""

from __future__ import annotations

import json
import pickle

import pytest

from lms.packages.manifests import (
    STANDARDS,
    ManifestError,
    ParsedPackage,
    StoredPackageError,
    detect_and_parse,
)
from tests.builders.manifests import DATA

PACKAGES = {
    "scorm12": (
        "scorm12",
        [
            "imsmanifest.xml",
            "law/index.html",
            "law/graham.mp4",
            "policy/policy.pdf",
            "exam/exam.html",
            "shared/apiwrapper.js",
            "shared/style.css",
        ],
    ),
    "scorm2004": ("scorm2004_2nd", ["imsmanifest.xml", "custody.html"]),
    "cmi5": ("cmi5_course", ["cmi5.xml", "welcome/index.html", "quiz/index.html"]),
    "tincan": ("tincan", ["tincan.xml", "story.html", "fr/story.html"]),
}


def test_the_standards_are_these_four():
    assert STANDARDS == ("scorm12", "scorm2004", "cmi5", "tincan")


@pytest.mark.parametrize("standard", STANDARDS)
def test_every_parsed_package_survives_a_json_round_trip(standard):
    folder, files = PACKAGES[standard]
    package = detect_and_parse(DATA / folder, files)
    stored = json.loads(json.dumps(package.to_json()))
    assert ParsedPackage.from_json(stored) == package
    assert set(stored) == {
        "standard",
        "edition",
        "title",
        "identifier",
        "version",
        "launch",
        "structure",
        "warnings",
    }


def test_to_json_is_a_copy_the_caller_may_change():
    package = detect_and_parse(DATA / "tincan", PACKAGES["tincan"][1])
    stored = package.to_json()
    stored["structure"]["activities"].clear()
    assert package.structure["activities"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"standard": "aicc"}, "standard 'aicc'"),
        ({"title": None}, "'title' has the wrong type"),
        ({"structure": []}, "'structure' has the wrong type"),
        ({"launch": 3}, "'launch' has the wrong type"),
    ],
)
def test_from_json_refuses_what_to_json_never_writes(change, message):
    stored = {
        "standard": "tincan",
        "edition": None,
        "title": "T",
        "identifier": "urn:x",
        "version": None,
        "launch": "a.html",
        "structure": {},
    }
    with pytest.raises(StoredPackageError, match=message):
        ParsedPackage.from_json({**stored, **change})
    del stored["identifier"]
    with pytest.raises(StoredPackageError, match="needs the key 'identifier'"):
        ParsedPackage.from_json(stored)


def test_a_manifest_error_names_file_line_and_what():
    error = ManifestError("imsmanifest.xml", 12, "item 'X' lacks its <title>")
    assert (error.file, error.line, error.message) == (
        "imsmanifest.xml",
        12,
        "item 'X' lacks its <title>",
    )
    assert str(error) == "imsmanifest.xml:12: item 'X' lacks its <title>"
    assert str(pickle.loads(pickle.dumps(error))) == str(error)  # noqa: S301 - our own bytes
    assert str(ManifestError("cmi5.xml", None, "is empty")) == "cmi5.xml: is empty"
