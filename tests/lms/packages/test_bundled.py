"""The bundled courses of content_packages/: built reproducibly, read by the importer's own
rules, imported and attached to their demo courses."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from lms import demo, unit_of_work
from lms.catalog.models import Course
from lms.db import db
from lms.packages import bundled
from lms.packages.interfaces import PackageRejected
from lms.packages.models import PackageVersion
from lms.packages.pipeline import import_package
from tests.builders.tincan import tincan_zip
from tests.factories import make_course

DEMO_SLUGS = [course.slug for course in demo.COURSES]
STANDARDS = {
    "vehicle-pursuit-policy-update": "cmi5",
    "dispatcher-critical-incidents": "scorm2004",
    "preliminary-investigations": "scorm12",
    "basic-course-instructor": "scorm2004",
    "organization-wellness": "tincan",
    "ld42-lgbtq-resources": "tincan",
}


def test_every_demo_course_has_a_bundled_course_in_the_standard_it_is_offered_in():
    courses = {course.slug: course for course in bundled.bundled_courses()}
    assert sorted(courses) == sorted(DEMO_SLUGS)
    assert {slug: course.standard for slug, course in courses.items()} == STANDARDS
    for course in courses.values():
        readme = (course.folder / "README.md").read_text(encoding="utf-8")
        assert course.title in readme, f"{course.slug}/README.md does not name the course"


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_a_bundled_course_builds_to_the_same_bytes_twice_and_passes_the_importers_rules(
    slug, tmp_path
):
    (course,) = bundled.find([slug])
    first = bundled.build(course, tmp_path / "first", force=True)
    second = bundled.build(course, tmp_path / "second", force=True)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()

    parsed = bundled.check(first, tmp_path / "work")
    assert parsed.standard == course.standard
    with zipfile.ZipFile(first.path) as archive:
        names = archive.namelist()
        assert "shared/course.css" in names and "shared/course.js" in names
        assert names == sorted(names)
        assert {entry.date_time for entry in archive.infolist()} == {bundled.ZIP_DATE}
        for item in course.vendor:
            assert f"vendor/{Path(item).name}" in names


def test_an_unchanged_course_is_not_built_again_and_a_changed_one_is(tmp_path):
    sources = _course_folder(tmp_path / "sources", "a-course")
    (course,) = bundled.bundled_courses(sources)
    first = bundled.build(course, tmp_path / "out")
    again = bundled.build(course, tmp_path / "out")
    assert (first.reused, again.reused) == (False, True)
    assert again.sha256 == first.sha256

    (course.folder / "package" / "index.html").write_text(_page("Changed"), encoding="utf-8")
    changed = bundled.build(course, tmp_path / "out")
    assert changed.reused is False and changed.sha256 != first.sha256


def test_a_page_that_loads_from_another_origin_fails_the_check(tmp_path):
    sources = _course_folder(tmp_path / "sources", "a-course")
    page = '<!doctype html><html lang="en"><script src="https://cdn.example.net/x.js"></script>'
    (sources / "a-course" / "package" / "index.html").write_text(page, encoding="utf-8")
    (course,) = bundled.bundled_courses(sources)
    built = bundled.build(course, tmp_path / "out")
    with pytest.raises(bundled.BuildFailed, match="index.html: <script src=.*another origin"):
        bundled.check(built, tmp_path / "work")


@pytest.mark.parametrize(
    ("html", "css"),
    [
        ('<link rel="stylesheet" href="//fonts.example.net/a.css">', ""),
        ('<img src="http://example.net/a.png" alt="">', ""),
        ('<video><track src="https://example.net/a.vtt"></video>', ""),
        ('<p style="background: url(https://example.net/a.png)">x</p>', ""),
        ("", "@import 'https://fonts.example.net/font.css';"),
    ],
)
def test_every_way_of_loading_from_another_origin_is_found(html, css):
    found = bundled.foreign_loads("page.html", html.encode()) + bundled.foreign_loads(
        "style.css", css.encode()
    )
    assert len(found) == 1


def test_links_to_other_sites_and_own_files_are_not_loads():
    page = (
        '<a href="https://988lifeline.org/">988</a><script src="../vendor/Cmi5.umd.js"></script>'
        '<img src="data:image/png;base64,AAAA" alt="x"><link rel="stylesheet" href="a.css">'
    )
    assert bundled.foreign_loads("page.html", page.encode()) == []


def test_a_course_toml_without_a_standard_is_refused_naming_the_field(tmp_path):
    folder = _course_folder(tmp_path / "sources", "a-course") / "a-course"
    (folder / "course.toml").write_text('title = "A course"\n', encoding="utf-8")
    with pytest.raises(bundled.BuildFailed, match="a-course/course.toml: standard must be"):
        bundled.bundled_courses(tmp_path / "sources")


def test_an_unknown_course_name_is_refused_with_the_names_there_are():
    with pytest.raises(bundled.BuildFailed, match="no bundled course nonesuch: choose from"):
        bundled.find(["nonesuch"])


def test_a_package_imported_for_a_course_becomes_its_next_version(app, tmp_path):
    sources = _course_folder(tmp_path / "sources", "a-course")
    (course_source,) = bundled.bundled_courses(sources)
    built = bundled.build(course_source, tmp_path / "out")
    course = make_course(slug="a-course")
    with unit_of_work.job():
        result = import_package(
            built.path, app.extensions["content_store"], tmp_path / "work", course_id=course.id
        )
    assert result.course_id == course.id
    version = db.session.scalars(select(PackageVersion).filter_by(course_id=course.id)).one()
    assert version.package_sha256 == built.sha256


def test_a_package_of_another_course_is_not_attached_to_this_one(app, tmp_path):
    package = tincan_zip(tmp_path)
    with unit_of_work.job():
        first = import_package(package, app.extensions["content_store"], tmp_path / "work")
    other_id = make_course("1850-00002", slug="other").id
    with (
        pytest.raises(PackageRejected, match="already another course's") as refused,
        unit_of_work.job(),
    ):
        import_package(
            package, app.extensions["content_store"], tmp_path / "work", course_id=other_id
        )
    assert refused.value.field == "identifier"
    counts = db.session.scalars(select(PackageVersion.course_id)).all()
    assert counts == [first.course_id]


def test_the_demo_data_gives_every_demo_course_its_bundled_course_once(app):
    with unit_of_work.job():
        demo.load()
    versions = {
        slug: db.session.scalars(
            select(PackageVersion).join(Course).where(Course.slug == slug)
        ).all()
        for slug in DEMO_SLUGS
    }
    assert {slug: len(found) for slug, found in versions.items()} == dict.fromkeys(DEMO_SLUGS, 1)
    for slug, (version,) in versions.items():
        (course,) = bundled.find([slug])
        assert version.standard == course.standard
        assert version.package_sha256 == bundled.build(course).sha256
        assert db.session.scalar(select(Course.published).where(Course.slug == slug))
    with unit_of_work.job():
        assert demo.load() == 0
    assert db.session.scalar(select(db.func.count()).select_from(PackageVersion)) == len(DEMO_SLUGS)


def _page(title: str) -> str:
    return (
        f'<!doctype html><html lang="en"><head><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1></main></body></html>"
    )


def _course_folder(sources: Path, slug: str) -> Path:
    """A small Tin Can course in `sources/slug`, and the shared kit beside it."""
    package = sources / slug / "package"
    package.mkdir(parents=True)
    (sources / slug / "course.toml").write_text(
        'title = "A course"\nstandard = "tincan"\n', encoding="utf-8"
    )
    (package / "tincan.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>'
        '<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>'
        f'<activity id="https://learning-portal.example/tests/{slug}"'
        ' type="http://adlnet.gov/expapi/activities/course">'
        '<name>A course</name><description lang="en-US">A test course.</description>'
        '<launch lang="en-US">index.html</launch></activity></activities></tincan>',
        encoding="utf-8",
    )
    (package / "index.html").write_text(_page("A course"), encoding="utf-8")
    (sources / "_shared").mkdir()
    (sources / "_shared" / "course.css").write_text("body { margin: 0; }\n", encoding="utf-8")
    return sources
