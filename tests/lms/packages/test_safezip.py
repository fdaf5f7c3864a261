"""Unpacking an uploaded course package: what is accepted, and what is refused with which rule.

Every archive is built here, in the test's own folder. A refused package leaves nothing behind.
"""

from __future__ import annotations

import io
import stat
import struct
import warnings
import zipfile
from pathlib import Path

import pytest

from lms.packages.safezip import (
    CHUNK_BYTES,
    DestinationNotEmpty,
    InvalidLimit,
    Limits,
    Rule,
    UnsafeArchive,
    extract,
    inspect,
)

MANIFEST = b'<?xml version="1.0"?><manifest identifier="pursuit-policy"/>'
MiB = 1024**2

# Offsets of fields in the local file header and the central directory header (APPNOTE 4.3.7,
# 4.3.12), and their struct formats.
HEADER_FIELDS = {
    "flags": (6, 8, "<H"),
    "method": (8, 10, "<H"),
    "file_size": (22, 24, "<I"),
}


def make_zip(
    path: Path,
    entries: list[tuple[str | zipfile.ZipInfo, bytes]],
    method: int = zipfile.ZIP_DEFLATED,
) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we want
        with zipfile.ZipFile(path, "w", method) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return path


def rewrite_header(zip_path: Path, entry: str, field: str, value: int) -> None:
    """Set a field of the entry's local and central headers, as a hostile zip writer would."""
    local_offset, central_offset, fmt = HEADER_FIELDS[field]
    with zipfile.ZipFile(zip_path) as archive:
        local_header = archive.getinfo(entry).header_offset
    data = bytearray(zip_path.read_bytes())
    struct.pack_into(fmt, data, local_header + local_offset, value)
    name = entry.encode()
    central_header = data.find(b"PK\x01\x02")
    while data[central_header + 46 : central_header + 46 + len(name)] != name:
        central_header = data.find(b"PK\x01\x02", central_header + 1)
    struct.pack_into(fmt, data, central_header + central_offset, value)
    zip_path.write_bytes(bytes(data))


def assert_refused(
    zip_path: Path,
    destination: Path,
    *,
    entry: str | None,
    rule: Rule,
    limits: Limits | None = None,
    before_writing: bool = True,
    shown: str | None = None,
) -> UnsafeArchive:
    """The package is refused, naming `entry` (`shown` if the message shortens it) and `rule`,
    or for the whole archive the rule alone (the caller names the package: the file on disk
    may be an upload under a server's name); nothing is left."""
    limits = limits or Limits()
    with pytest.raises(UnsafeArchive) as raised:
        extract(zip_path, destination, limits)
    error = raised.value
    assert (error.entry, error.rule) == (entry, rule)
    if entry is None:
        assert error.message.startswith(rule) and zip_path.name not in error.message
    else:
        assert error.message.startswith(f"{shown or entry}: {rule}")
    assert str(error) == error.message
    assert not destination.exists()
    if before_writing:
        with pytest.raises(UnsafeArchive) as inspected:
            inspect(zip_path, limits)
        assert (inspected.value.entry, inspected.value.rule) == (entry, rule)
    return error


# Accepted packages


def test_a_package_unpacks_with_its_folders_and_empty_files(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip",
        [
            ("imsmanifest.xml", MANIFEST),
            ("content/", b""),
            ("content/index.html", b"<h1>Vehicle Pursuit</h1>"),
            ("content/empty.css", b""),
            ("media/audio/", b""),
        ],
    )

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.root == (tmp_path / "course").resolve()
    assert package.files == ("content/empty.css", "content/index.html", "imsmanifest.xml")
    assert package.total_bytes == len(MANIFEST) + len(b"<h1>Vehicle Pursuit</h1>")
    assert (package.root / "imsmanifest.xml").read_bytes() == MANIFEST
    assert (package.root / "content/empty.css").read_bytes() == b""
    assert (package.root / "media/audio").is_dir()


def test_inspect_lists_every_entry_and_writes_nothing(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("a/", b"")])

    entries = inspect(zip_path, Limits())

    assert [entry.filename for entry in entries] == ["imsmanifest.xml", "a/"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["course.zip"]


def test_a_package_nested_one_folder_deep_is_rooted_at_that_folder(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip",
        [
            ("Pursuit Policy/", b""),
            ("Pursuit Policy/imsmanifest.xml", MANIFEST),
            ("Pursuit Policy/content/index.html", b"<h1>Pursuit</h1>"),
        ],
    )

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.root == (tmp_path / "course" / "Pursuit Policy").resolve()
    assert package.files == ("content/index.html", "imsmanifest.xml")
    assert (package.root / "imsmanifest.xml").read_bytes() == MANIFEST


def test_a_single_file_at_the_top_is_not_mistaken_for_a_wrapping_folder(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("cmi5.xml", MANIFEST)])

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.root == (tmp_path / "course").resolve()
    assert package.files == ("cmi5.xml",)


def test_finder_metadata_is_left_out_and_the_nesting_still_found(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip",
        [
            ("pursuit/imsmanifest.xml", MANIFEST),
            ("__MACOSX/pursuit/._imsmanifest.xml", b"\x00\x05\x16\x07resource fork"),
        ],
    )

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.root == (tmp_path / "course" / "pursuit").resolve()
    assert package.files == ("imsmanifest.xml",)
    assert not (tmp_path / "course" / "__MACOSX").exists()


def test_utf8_and_legacy_cp437_names_are_unpacked(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip",
        [("módulo/índice.html", b"<h1>Persecuci\xc3\xb3n</h1>"), ("cafX.txt", b"menu")],
    )
    # An old Windows zipper writes names in code page 437 without the UTF-8 flag: 0x82 is "é".
    zip_path.write_bytes(zip_path.read_bytes().replace(b"cafX.txt", b"caf\x82.txt"))

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.files == ("café.txt", "módulo/índice.html")
    assert (package.root / "café.txt").read_bytes() == b"menu"
    assert (package.root / "módulo" / "índice.html").is_file()


def test_a_zip64_archive_is_unpacked(tmp_path, monkeypatch):
    """Written the way zipfile writes an archive of more than 65,535 entries (a ZIP64 end of
    central directory), with a ZIP64 entry too; a lower threshold keeps the test fast."""
    zip_path = tmp_path / "course.zip"
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        with archive.open("media/video.mp4", "w", force_zip64=True) as video:
            video.write(b"\x00\x00\x00\x18ftypmp42" * 100)
    monkeypatch.undo()
    assert b"PK\x06\x06" in zip_path.read_bytes()  # the ZIP64 end of central directory

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.files == ("imsmanifest.xml", "media/video.mp4")
    assert (package.root / "media/video.mp4").stat().st_size == 1200


def test_small_entries_are_exempt_from_the_ratio_limit(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("blank.bmp", bytes(100_000))])

    package = extract(zip_path, tmp_path / "course", Limits())

    assert package.total_bytes == 100_000


def test_progress_is_reported_up_to_the_total(tmp_path):
    video = bytes(range(256)) * 1000
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("video.mp4", video)]
    )
    reports: list[tuple[int, int]] = []

    extract(zip_path, tmp_path / "course", Limits(), progress=lambda d, t: reports.append((d, t)))

    total = len(MANIFEST) + len(video)
    assert reports[0] == (0, total)
    assert reports[-1] == (total, total)
    assert len(reports) > 3  # reported as the video is written, not only at the end
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


def test_an_existing_empty_destination_is_used_and_left_empty_when_unpacking_fails(tmp_path):
    destination = tmp_path / "course"
    destination.mkdir()
    good = make_zip(tmp_path / "good.zip", [("imsmanifest.xml", MANIFEST)])
    bad = make_zip(tmp_path / "bad.zip", [("a/imsmanifest.xml", MANIFEST), ("b.bin", bytes(500))])
    rewrite_header(bad, "b.bin", "file_size", 10)

    with pytest.raises(UnsafeArchive):
        extract(bad, destination, Limits())
    assert destination.is_dir() and list(destination.iterdir()) == []

    assert extract(good, destination, Limits()).files == ("imsmanifest.xml",)


def test_a_destination_that_is_not_empty_is_refused(tmp_path):
    destination = tmp_path / "course"
    destination.mkdir()
    (destination / "imsmanifest.xml").write_bytes(b"the course already here")
    zip_path = make_zip(tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST)])

    with pytest.raises(DestinationNotEmpty, match="not empty"):
        extract(zip_path, destination, Limits())

    assert (destination / "imsmanifest.xml").read_bytes() == b"the course already here"


# Refused packages: one rule each


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "content/../../evil.txt",
        "/etc/cron.d/evil",
        "C:/Windows/evil.dll",
        "C:evil.txt",
        "..\\evil.txt",
        "content\\..\\..\\evil.txt",
        "\\\\server\\share\\evil.txt",
    ],
)
def test_a_path_that_leaves_the_package_is_refused(tmp_path, name):
    zip_path = make_zip(tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), (name, b"x")])

    error = assert_refused(zip_path, tmp_path / "course", entry=name, rule=Rule.PATH_LEAVES_PACKAGE)

    assert error.message == f"{name}: the path leaves the package"
    assert not (tmp_path / "evil.txt").exists()


def test_an_entry_that_names_the_package_itself_is_refused(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("./", b""), ("imsmanifest.xml", MANIFEST)])

    error = assert_refused(zip_path, tmp_path / "course", entry="./", rule=Rule.PATH_LEAVES_PACKAGE)

    assert "names nothing inside the package" in error.message


def test_a_symbolic_link_is_refused(tmp_path):
    link = zipfile.ZipInfo("content/passwd")
    link.create_system = 3  # Unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    zip_path = make_zip(tmp_path / "course.zip", [(link, b"/etc/passwd")])

    assert_refused(zip_path, tmp_path / "course", entry="content/passwd", rule=Rule.SYMBOLIC_LINK)


def test_an_encrypted_entry_is_refused(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("answers.json", b'{"q1": "b"}')])
    rewrite_header(zip_path, "answers.json", "flags", 0x1)

    assert_refused(zip_path, tmp_path / "course", entry="answers.json", rule=Rule.ENCRYPTED)


def test_an_unsupported_compression_method_is_refused(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("index.html", b"<h1>Pursuit</h1>")])
    rewrite_header(zip_path, "index.html", "method", 9)  # Deflate64

    error = assert_refused(
        zip_path, tmp_path / "course", entry="index.html", rule=Rule.UNSUPPORTED_METHOD
    )

    assert "method 9" in error.message


def test_a_name_used_twice_is_refused(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("imsmanifest.xml", b"<evil/>")]
    )

    assert_refused(zip_path, tmp_path / "course", entry="imsmanifest.xml", rule=Rule.DUPLICATE_NAME)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("index.html", "Index.html"),
        ("images/logo.png", "Images/badge.png"),
        ("caf\u00e9.html", "cafe\u0301.html"),  # the same name, composed and decomposed
    ],
)
def test_names_that_collide_on_a_case_insensitive_file_system_are_refused(tmp_path, first, second):
    zip_path = make_zip(tmp_path / "course.zip", [(first, b"one"), (second, b"two")])

    error = assert_refused(zip_path, tmp_path / "course", entry=second, rule=Rule.CASE_COLLISION)

    assert f"as {first}" in error.message


@pytest.mark.parametrize(
    ("first", "second"),
    [("content", "content/index.html"), ("content/index.html", "content"), ("a/", "A")],
)
def test_a_file_and_a_folder_with_the_same_name_are_refused(tmp_path, first, second):
    zip_path = make_zip(tmp_path / "course.zip", [(first, b""), (second, b"")])

    assert_refused(zip_path, tmp_path / "course", entry=second, rule=Rule.FILE_AND_FOLDER)


def test_a_name_longer_than_file_systems_allow_is_refused(tmp_path):
    name = "content/" + "n" * 256 + ".html"
    zip_path = make_zip(tmp_path / "course.zip", [(name, b"")])

    assert_refused(zip_path, tmp_path / "course", entry=name, rule=Rule.NAME_TOO_LONG)


def test_an_entry_2100_folders_deep_is_refused_before_anything_is_written(tmp_path):
    """The probe's package: 9 KB, one entry 2,100 folders down."""
    name = "a/" * 2100 + "index.html"
    zip_path = make_zip(tmp_path / "deep.zip", [(name, b"<h1>Pursuit</h1>")])
    assert zip_path.stat().st_size < 10_000

    error = assert_refused(
        zip_path,
        tmp_path / "course",
        entry=name,
        rule=Rule.TOO_DEEP,
        shown="a/" * 40 + "\u2026" + "a/" * 15 + "index.html",
    )

    assert error.message.endswith(": the path is deeper than 64 folders (2,100 folders)")


@pytest.mark.parametrize(
    ("name", "folders"),
    [("a/" * 64 + "index.html", 64), ("a/" * 64, 64), ("a/" * 65, 65), ("a/" * 65 + "x", 65)],
)
def test_a_path_may_be_64_folders_deep_and_no_deeper(tmp_path, name, folders):
    zip_path = make_zip(tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), (name, b"")])

    if folders <= 64:
        package = extract(zip_path, tmp_path / "course", Limits())
        assert package.root.joinpath(name).exists()
    else:
        error = assert_refused(zip_path, tmp_path / "course", entry=name, rule=Rule.TOO_DEEP)
        assert error.message == f"{name}: the path is deeper than 64 folders (65 folders)"


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("/".join(["f" * 200] * 5) + "/" + "x" * 19, True),  # 1,024 bytes
        ("/".join(["f" * 200] * 5) + "/" + "x" * 20, False),  # 1,025 bytes
        ("/".join(["\u00e9" * 100] * 6), False),  # 1,205 bytes, in 605 characters
    ],
)
def test_a_path_may_be_1024_bytes_long_and_no_longer(tmp_path, name, accepted):
    zip_path = make_zip(tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), (name, b"")])

    if accepted:
        package = extract(zip_path, tmp_path / "course", Limits())
        assert name in package.files
    else:
        shown = f"{name[:80]}\u2026{name[-40:]}" if len(name) > 1024 else name
        error = assert_refused(
            zip_path, tmp_path / "course", entry=name, rule=Rule.PATH_TOO_LONG, shown=shown
        )
        assert error.message.endswith(f" ({len(name.encode()):,} bytes)")


def test_a_name_with_a_nul_is_refused_rather_than_cut_short(tmp_path):
    """zipfile writes a name only up to a NUL, so the NUL is put into the headers afterwards."""
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("index.html_.txt", b"x")]
    )
    data = zip_path.read_bytes()
    assert data.count(b"index.html_.txt") == 2  # the local and the central header
    zip_path.write_bytes(data.replace(b"index.html_.txt", b"index.html\x00.txt"))

    error = assert_refused(
        zip_path,
        tmp_path / "course",
        entry="index.html\x00.txt",
        rule=Rule.NUL_IN_NAME,
        shown="index.html\\x00.txt",
    )

    assert error.message == "index.html\\x00.txt: the name contains a NUL character"


def test_too_many_entries_are_refused(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [(f"page{n}.html", b"") for n in range(4)])

    error = assert_refused(
        zip_path,
        tmp_path / "course",
        entry=None,
        rule=Rule.TOO_MANY_ENTRIES,
        limits=Limits(max_entries=3),
    )

    assert error.message == "the package has too many entries (4 entries; the limit is 3)"


def test_an_entry_over_the_size_limit_is_refused(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("video.mp4", bytes(101))]
    )

    assert_refused(
        zip_path,
        tmp_path / "course",
        entry="video.mp4",
        rule=Rule.ENTRY_TOO_LARGE,
        limits=Limits(max_entry_bytes=100),
    )


def test_a_package_over_the_total_size_limit_is_refused(tmp_path):
    zip_path = make_zip(tmp_path / "course.zip", [("one.bin", bytes(600)), ("two.bin", bytes(600))])

    assert_refused(
        zip_path,
        tmp_path / "course",
        entry=None,
        rule=Rule.TOTAL_TOO_LARGE,
        limits=Limits(max_total_bytes=1000),
    )


def test_an_entry_compressed_beyond_the_ratio_limit_is_refused(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("bomb.bin", bytes(2 * MiB))]
    )

    assert_refused(zip_path, tmp_path / "course", entry="bomb.bin", rule=Rule.RATIO_TOO_HIGH)


def test_a_package_compressed_beyond_the_ratio_limit_overall_is_refused(tmp_path):
    """Many entries, each small enough to be exempt, that together are a bomb."""
    zip_path = make_zip(
        tmp_path / "course.zip", [(f"part{n}.bin", bytes(MiB // 2)) for n in range(3)]
    )

    assert_refused(zip_path, tmp_path / "course", entry=None, rule=Rule.RATIO_TOO_HIGH)


@pytest.mark.parametrize("kind", ["text", "truncated"])
def test_a_file_that_is_not_a_zip_archive_is_refused(tmp_path, kind):
    zip_path = tmp_path / "course.zip"
    if kind == "text":
        zip_path.write_text("<html>this is a web page, not a package</html>")
    else:
        make_zip(zip_path, [("imsmanifest.xml", MANIFEST)])
        zip_path.write_bytes(zip_path.read_bytes()[:-30])

    assert_refused(zip_path, tmp_path / "course", entry=None, rule=Rule.NOT_A_ZIP)


def test_a_header_that_understates_the_size_is_caught_while_streaming(tmp_path):
    """Declared as 10 bytes, the entry inflates to 2 MiB: a bomb the headers alone would pass."""
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("bomb.bin", bytes(2 * MiB))]
    )
    rewrite_header(zip_path, "bomb.bin", "file_size", 10)
    assert [entry.file_size for entry in inspect(zip_path, Limits())] == [len(MANIFEST), 10]

    assert_refused(
        zip_path,
        tmp_path / "course",
        entry="bomb.bin",
        rule=Rule.DATA_MISMATCH,
        before_writing=False,
    )


def test_a_header_that_overstates_the_size_is_caught_while_streaming(tmp_path):
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("index.html", b"<p>" * 100)]
    )
    rewrite_header(zip_path, "index.html", "file_size", 400)

    error = assert_refused(
        zip_path,
        tmp_path / "course",
        entry="index.html",
        rule=Rule.DATA_MISMATCH,
        before_writing=False,
    )

    assert "300 of the 400 bytes declared" in error.message


def test_bytes_beyond_the_declared_size_are_never_written(tmp_path, monkeypatch):
    """zipfile itself stops at the declared size; should a reader not, the count still does."""
    zip_path = make_zip(
        tmp_path / "course.zip", [("imsmanifest.xml", MANIFEST), ("video.mp4", bytes(100))]
    )
    real_open = zipfile.ZipFile.open

    def reader_ignoring_the_declared_size(archive, entry, *args, **kwargs):
        if entry.filename == "video.mp4":
            return io.BytesIO(bytes(3 * CHUNK_BYTES))
        return real_open(archive, entry, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", reader_ignoring_the_declared_size)

    error = assert_refused(
        zip_path,
        tmp_path / "course",
        entry="video.mp4",
        rule=Rule.DATA_MISMATCH,
        before_writing=False,
    )

    assert "more than the 100 bytes declared" in error.message


# Limits


def test_limits_come_from_the_environment():
    limits = Limits.from_environment(
        {
            "LMS_PACKAGE_MAX_BYTES": "1073741824",
            "LMS_PACKAGE_MAX_ENTRIES": "10000",
            "LMS_PACKAGE_MAX_RATIO": "50.5",
        }
    )

    assert limits == Limits(max_total_bytes=1024**3, max_entries=10_000, max_ratio=50.5)
    assert Limits.from_environment({}) == Limits()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LMS_PACKAGE_MAX_BYTES", "4GB"),
        ("LMS_PACKAGE_MAX_ENTRIES", "0"),
        ("LMS_PACKAGE_MAX_RATIO", "inf"),
    ],
)
def test_a_limit_in_the_environment_that_is_not_usable_is_refused(variable, value):
    with pytest.raises(InvalidLimit, match=f"{variable}: '{value}'"):
        Limits.from_environment({variable: value})
