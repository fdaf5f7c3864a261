"""The bundled courses: the sources in content_packages/, built into package zips.

A course's folder holds `course.toml` (its title, standard, and the npm files it takes),
`package/` (the files that go into the zip as they are, the manifest at the root), an optional
`generate.py` (`generate(out)` writes what is made at build time: video, PDFs) and a README.
Every package also gets the shared kit (`content_packages/_shared/` as `shared/`) and its npm
files (as `vendor/<name>`), copied from node_modules at build time, never committed.

A build is reproducible: the same sources give the same bytes (sorted entries, one fixed date,
fixed permissions, one compression level), so a build is kept in the git-ignored build folder
under the digest of everything it was made from and made again only when that changes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path, PurePosixPath

from lms.domain import DomainError
from lms.packages.folder_removal import remove_folder
from lms.packages.interfaces import PackageRejected
from lms.packages.manifests import ParsedPackage
from lms.packages.pipeline import inspect_package

PROJECT = Path(__file__).resolve().parents[2]
SOURCES = PROJECT / "content_packages"
SHARED = "_shared"
BUILD = PROJECT / "build" / "content_packages"
NODE_MODULES = PROJECT / "node_modules"
STANDARDS = ("cmi5", "scorm12", "scorm2004", "tincan")
# 1980-01-01, the earliest date a zip entry can hold: no build carries the time it was made.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
# The libraries a generate.py may use: their versions are part of what a build is made from.
BUILD_LIBRARIES = ("pillow", "imageio-ffmpeg", "fpdf2")
IGNORED = {"__pycache__", ".DS_Store"}


class BuildFailed(DomainError):
    """A bundled course cannot be built or checked; the message names the course and file."""


@dataclass(frozen=True)
class BundledCourse:
    slug: str  # the folder's name, which is the demo course's slug
    folder: Path
    title: str
    standard: str
    vendor: tuple[str, ...]  # npm files, relative to node_modules

    @property
    def generator(self) -> Path | None:
        path = self.folder / "generate.py"
        return path if path.is_file() else None


@dataclass(frozen=True)
class Built:
    course: BundledCourse
    path: Path
    sha256: str
    reused: bool  # an earlier build of the same sources


def bundled_courses(sources: Path | None = None) -> list[BundledCourse]:
    """Every course under `sources` (content_packages/ unless told; a course is a folder with
    a course.toml), by name."""
    sources = sources or SOURCES
    if not sources.is_dir():
        return []
    return [
        read_course(folder)
        for folder in sorted(sources.iterdir())
        if not folder.name.startswith(("_", ".")) and (folder / "course.toml").is_file()
    ]


def find(names: Iterable[str], sources: Path | None = None) -> list[BundledCourse]:
    """The courses named (all when none is), or BuildFailed naming an unknown one."""
    courses = bundled_courses(sources)
    wanted = list(names)
    if not wanted:
        return courses
    by_slug = {course.slug: course for course in courses}
    unknown = [name for name in wanted if name not in by_slug]
    if unknown:
        raise BuildFailed(
            f"no bundled course {', '.join(unknown)}: choose from {', '.join(by_slug)}", "names"
        )
    return [by_slug[name] for name in wanted]


def read_course(folder: Path) -> BundledCourse:
    where = f"{folder.name}/course.toml"
    try:
        settings = tomllib.loads((folder / "course.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BuildFailed(f"{where}: missing", "course.toml") from None
    except tomllib.TOMLDecodeError as error:
        raise BuildFailed(f"{where}: {error}", "course.toml") from None
    standard = settings.get("standard")
    if standard not in STANDARDS:
        raise BuildFailed(f"{where}: standard must be one of {', '.join(STANDARDS)}", "standard")
    title = settings.get("title")
    if not isinstance(title, str) or not title.strip():
        raise BuildFailed(f"{where}: title is missing", "title")
    vendor = settings.get("vendor", [])
    if not isinstance(vendor, list) or not all(isinstance(item, str) for item in vendor):
        raise BuildFailed(f"{where}: vendor must be a list of npm file paths", "vendor")
    if not (folder / "package").is_dir():
        raise BuildFailed(f"{folder.name}/package/: missing", "package")
    return BundledCourse(folder.name, folder, title, standard, tuple(vendor))


def build(course: BundledCourse, out: Path | None = None, *, force: bool = False) -> Built:
    """The course's package zip in `out` (build/content_packages/ unless told) as
    `<slug>.zip`, made again only if its sources changed since the last build there (or when
    forced)."""
    out = out or BUILD
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{course.slug}.zip"
    digest_file = out / f"{course.slug}.sources"
    sources_digest = _sources_digest(course)
    if (
        not force
        and target.is_file()
        and digest_file.is_file()
        and digest_file.read_text().strip() == sources_digest
    ):
        return Built(course, target, _file_sha256(target), reused=True)
    staging = Path(tempfile.mkdtemp(prefix=f"build-{course.slug}-"))
    try:
        _stage(course, staging)
        partial = out / f".{course.slug}.{os.getpid()}.zip"
        _write_zip(staging, partial)
        os.replace(partial, target)
        (out / f".{course.slug}.{os.getpid()}.sources").write_text(sources_digest + "\n")
        os.replace(out / f".{course.slug}.{os.getpid()}.sources", digest_file)
    finally:
        remove_folder(staging, ignore_errors=True)
    return Built(course, target, _file_sha256(target), reused=False)


def check(built: Built, work_folder: Path) -> ParsedPackage:
    """The built package, read by the importer's own rules (storing nothing), and checked to
    load nothing from another origin; BuildFailed names the course and what is wrong."""
    try:
        parsed = inspect_package(built.path, work_folder)
    except PackageRejected as error:
        raise BuildFailed(f"{built.course.slug}: {error.message}", "package") from None
    if parsed.standard != built.course.standard:
        raise BuildFailed(
            f"{built.course.slug}: course.toml says {built.course.standard}, "
            f"the importer reads {parsed.standard}",
            "standard",
        )
    with zipfile.ZipFile(built.path) as archive:
        for name in archive.namelist():
            for problem in foreign_loads(name, archive.read(name)):
                raise BuildFailed(f"{built.course.slug}: {name}: {problem}", "package")
    return parsed


def _stage(course: BundledCourse, staging: Path) -> None:
    shutil.copytree(course.folder / "package", staging, ignore=_ignored, dirs_exist_ok=True)
    shared = course.folder.parent / SHARED
    if shared.is_dir():
        shutil.copytree(shared, staging / "shared", ignore=_ignored, dirs_exist_ok=True)
    if course.vendor:
        (staging / "vendor").mkdir(exist_ok=True)
    for item in course.vendor:
        source = _vendor_file(course, item)
        shutil.copyfile(source, staging / "vendor" / source.name)
        licence = _licence_of(source)
        if licence is not None:
            shutil.copyfile(licence, staging / "vendor" / f"{source.stem}.LICENSE.txt")
    if course.generator is not None:
        _run_generator(course, staging)


def _vendor_file(course: BundledCourse, item: str) -> Path:
    path = (NODE_MODULES / item).resolve()
    if NODE_MODULES.resolve() not in path.parents:
        raise BuildFailed(
            f"{course.slug}/course.toml: vendor {item!r} is outside node_modules", "vendor"
        )
    if not path.is_file():
        raise BuildFailed(
            f"{course.slug}/course.toml: vendor {item!r} is not in node_modules "
            "(run `make install`, which runs `npm ci`)",
            "vendor",
        )
    return path


def _licence_of(vendor_file: Path) -> Path | None:
    """The licence file of the npm package a vendor file belongs to."""
    for folder in vendor_file.parents:
        if (folder / "package.json").is_file():
            for name in ("LICENSE", "LICENSE.md", "LICENSE.txt", "license"):
                if (folder / name).is_file():
                    return folder / name
            return None
        if folder == NODE_MODULES:
            return None
    return None


def _run_generator(course: BundledCourse, staging: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        f"content_packages.{course.slug.replace('-', '_')}.generate", course.generator
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and the like look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    generate = getattr(module, "generate", None)
    if not callable(generate):
        raise BuildFailed(f"{course.slug}/generate.py: defines no generate(out)", "generate.py")
    generate(staging)


def _ignored(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name in IGNORED or name.endswith(".pyc")}


def _files(root: Path) -> Iterator[tuple[str, Path]]:
    """(the zip name, the file) for every file under `root`, in one fixed order."""
    for path in sorted(root.rglob("*"), key=lambda p: p.relative_to(root).as_posix()):
        if path.is_file() and not _ignored("", [path.name]):
            yield path.relative_to(root).as_posix(), path


def _write_zip(staging: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for name, path in _files(staging):
            entry = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            entry.create_system = 3  # Unix, whoever builds it
            entry.external_attr = 0o100644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes(), compresslevel=9)


def _sources_digest(course: BundledCourse) -> str:
    """The digest of all a build is made from: the course's folder, the shared kit, the npm
    files it takes, this builder, and the versions of the libraries a generator may use."""
    digest = hashlib.sha256()

    def add(label: str, data: bytes) -> None:
        digest.update(f"{label}\0{len(data)}\0".encode())
        digest.update(data)

    for name, path in _files(course.folder):
        add(f"course/{name}", path.read_bytes())
    shared = course.folder.parent / SHARED
    if shared.is_dir():
        for name, path in _files(shared):
            add(f"shared/{name}", path.read_bytes())
    for item in course.vendor:
        add(f"vendor/{item}", _vendor_file(course, item).read_bytes())
    add("builder", Path(__file__).read_bytes())
    for library in BUILD_LIBRARIES:
        try:
            add(f"library/{library}", metadata.version(library).encode())
        except metadata.PackageNotFoundError:
            add(f"library/{library}", b"")
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# What a page may load: its own files only. Links (<a href>) may go anywhere: they are
# navigation, not loading.
_LOADING = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "source": ("src", "srcset"),
    "track": ("src",),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
}
_LOADING_LINKS = {"stylesheet", "preload", "icon", "modulepreload", "manifest", "prefetch"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])([^'")\s]+)""", re.IGNORECASE)
_FOREIGN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)


def _foreign(url: str) -> bool:
    url = url.strip()
    return bool(_FOREIGN.match(url)) and not url.lower().startswith(("data:", "#"))


class _LoadFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        names = _LOADING.get(tag, ())
        if tag == "link" and _LOADING_LINKS & set(values.get("rel", "").lower().split()):
            names = ("href",)
        for name in names:
            value = values.get(name, "")
            urls = [part.split()[0] for part in value.split(",") if part.split()]
            for url in urls if name == "srcset" else [value]:
                if url and _foreign(url):
                    self.found.append(f"<{tag} {name}={url!r}> loads from another origin")
        if "style" in values:
            self.found.extend(_css_problems(values["style"]))


def _css_problems(text: str) -> list[str]:
    return [
        f"CSS loads {url!r} from another origin" for url in _CSS_URL.findall(text) if _foreign(url)
    ]


def foreign_loads(name: str, data: bytes) -> list[str]:
    """What a package file would load from another origin (HTML and CSS are read)."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".html", ".htm"):
        finder = _LoadFinder()
        finder.feed(data.decode("utf-8", errors="replace"))
        return finder.found
    if suffix == ".css":
        return _css_problems(data.decode("utf-8", errors="replace"))
    return []
