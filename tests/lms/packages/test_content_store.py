"""Course package files are stored, described and streamed the same way by every content store.

Tests taking `content_store` run twice: against a local folder and against S3 on a moto server.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from lms.packages.content_store import (
    CHUNK_SIZE,
    MULTIPART_THRESHOLD,
    ContentNotFound,
    ContentStore,
    LocalContentStore,
    S3ContentStore,
    content_store_from_config,
    guess_content_type,
)

PACKAGE = "packages/fire-safety/3/"
FILES = {
    "index.html": b"<!doctype html><title>Fire safety</title>",
    "scripts/app.js": b"console.log('start');\n",
    "assets/css/site.css": b"body { color: black; }\n",
    "média/résumé été.vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\nBonjour\n",
    "教材/第一章.json": b'{"chapter": 1}',
    "deep/a/b/c/d/e.bin": bytes(range(256)),
}
ESCAPING_KEYS = [
    "",
    "../outside.txt",
    "packages/../../outside.txt",
    "/etc/passwd",
    "packages\\course\\index.html",
    "packages/course\x00.html",
    "packages//index.html",
    "./index.html",
]


def write_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, content in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    return root


def read_all(store: ContentStore, key: str, start: int = 0, end: int | None = None) -> bytes:
    return b"".join(store.open_range(key, start, end))


@pytest.fixture
def package_dir(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "unpacked", FILES)


@pytest.fixture
def stored_package(content_store: ContentStore, package_dir: Path) -> ContentStore:
    content_store.put_tree(PACKAGE, package_dir, FILES)
    return content_store


def test_put_tree_stores_every_file_under_the_prefix_nested_and_non_ascii_names_included(
    stored_package: ContentStore,
) -> None:
    for name, content in FILES.items():
        assert stored_package.exists(PACKAGE + name)
        assert read_all(stored_package, PACKAGE + name) == content


def test_put_tree_reports_progress_in_bytes_adding_up_to_the_total(
    content_store: ContentStore, package_dir: Path
) -> None:
    reported: list[int] = []
    content_store.put_tree(PACKAGE, package_dir, FILES, progress=reported.append)
    assert sum(reported) == sum(len(content) for content in FILES.values())


def test_a_prefix_without_its_trailing_slash_names_the_same_folder(
    content_store: ContentStore, package_dir: Path
) -> None:
    content_store.put_tree(PACKAGE.rstrip("/"), package_dir, ["index.html"])
    assert read_all(content_store, PACKAGE + "index.html") == FILES["index.html"]


def test_stat_gives_size_type_quoted_etag_and_utc_time(stored_package: ContentStore) -> None:
    stored = stored_package.stat(PACKAGE + "scripts/app.js")
    assert stored.size == len(FILES["scripts/app.js"])
    assert stored.content_type == "application/javascript"
    assert stored.etag.startswith('"') and stored.etag.endswith('"') and len(stored.etag) > 2
    assert stored.last_modified.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - stored.last_modified) < timedelta(minutes=5)
    assert stored_package.stat(PACKAGE + "média/résumé été.vtt").content_type == "text/vtt"
    assert stored_package.stat(PACKAGE + "教材/第一章.json").content_type == "application/json"
    assert stored_package.stat(PACKAGE + "deep/a/b/c/d/e.bin").size == 256


def test_the_etag_is_stable_and_changes_when_the_file_is_stored_again_with_other_bytes(
    stored_package: ContentStore, tmp_path: Path
) -> None:
    key = PACKAGE + "index.html"
    first = stored_package.stat(key).etag
    assert stored_package.stat(key).etag == first
    same_size = bytes(reversed(FILES["index.html"]))
    stored_package.put_tree(
        PACKAGE, write_tree(tmp_path / "v2", {"index.html": same_size}), ["index.html"]
    )
    assert stored_package.stat(key).etag != first
    assert read_all(stored_package, key) == same_size


def test_a_missing_key_is_content_not_found_naming_the_key(content_store: ContentStore) -> None:
    key = PACKAGE + "missing.html"
    assert content_store.exists(key) is False
    with pytest.raises(ContentNotFound, match="missing.html"):
        content_store.stat(key)
    with pytest.raises(ContentNotFound, match="missing.html"):
        content_store.open_range(key)  # raised by the call itself, before any chunk


def test_a_folder_is_not_a_stored_file(stored_package: ContentStore) -> None:
    assert stored_package.exists(PACKAGE + "scripts") is False
    with pytest.raises(ContentNotFound):
        stored_package.stat(PACKAGE + "scripts")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, bytes(range(256))),
        (200, None, bytes(range(200, 256))),
        (10, 19, bytes(range(10, 20))),
        (255, 255, bytes([255])),
        (0, 0, bytes([0])),
        (250, 10_000, bytes(range(250, 256))),
        (256, None, b""),
    ],
    ids=["whole", "start-only", "start-end", "last-byte", "first-byte", "end-past-eof", "at-eof"],
)
def test_open_range_streams_bytes_start_to_end_inclusive(
    stored_package: ContentStore, start: int, end: int | None, expected: bytes
) -> None:
    assert read_all(stored_package, PACKAGE + "deep/a/b/c/d/e.bin", start, end) == expected


@pytest.mark.parametrize(("start", "end"), [(-1, None), (10, 9)])
def test_an_impossible_range_is_refused(
    stored_package: ContentStore, start: int, end: int | None
) -> None:
    with pytest.raises(ValueError, match="e.bin"):
        stored_package.open_range(PACKAGE + "deep/a/b/c/d/e.bin", start, end)


def test_a_multi_megabyte_file_is_stored_and_streamed_in_chunks(
    content_store: ContentStore, tmp_path: Path
) -> None:
    content = os.urandom(MULTIPART_THRESHOLD + 1024 * 1024 + 7)  # big enough for multipart upload
    write_tree(tmp_path / "big", {"video/lecture.mp4": content})
    content_store.put_tree(PACKAGE, tmp_path / "big", ["video/lecture.mp4"])
    key = PACKAGE + "video/lecture.mp4"

    chunks = list(content_store.open_range(key))

    assert len(chunks) > 10
    assert all(0 < len(chunk) <= CHUNK_SIZE for chunk in chunks)
    assert sum(len(chunk) for chunk in chunks) == len(content)
    assert hashlib.sha256(b"".join(chunks)).digest() == hashlib.sha256(content).digest()
    assert content_store.stat(key).size == len(content)
    assert content_store.stat(key).content_type == "video/mp4"
    tail = read_all(content_store, key, len(content) - 100_000)
    assert tail == content[-100_000:]


def test_a_stream_closed_early_stops(stored_package: ContentStore) -> None:
    stream = stored_package.open_range(PACKAGE + "deep/a/b/c/d/e.bin")
    stream.close()  # type: ignore[attr-defined]
    assert list(stream) == []


def test_delete_prefix_removes_the_folder_and_nothing_beside_it(
    content_store: ContentStore, package_dir: Path
) -> None:
    content_store.put_tree("packages/fire-safety/1/", package_dir, FILES)
    content_store.put_tree("packages/fire-safety/10/", package_dir, ["index.html"])

    content_store.delete_prefix("packages/fire-safety/1")

    assert not any(content_store.exists("packages/fire-safety/1/" + name) for name in FILES)
    assert content_store.exists("packages/fire-safety/10/index.html")
    content_store.delete_prefix("packages/fire-safety/1/")  # nothing left: not an error


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_keys_that_try_to_escape_are_refused_naming_the_key(
    content_store: ContentStore, package_dir: Path, key: str
) -> None:
    for attempt in (
        lambda: content_store.stat(key),
        lambda: content_store.exists(key),
        lambda: content_store.open_range(key),
        lambda: content_store.delete_prefix(key),
        lambda: content_store.put_tree(PACKAGE, package_dir, [key]),
    ):
        with pytest.raises(ValueError, match="content key") as refusal:
            attempt()
        assert repr(key) in str(refusal.value)


def test_a_local_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    store = LocalContentStore(tmp_path / "content")
    (tmp_path / "content" / "packages").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("not course content")
    (tmp_path / "content" / "packages" / "leak").symlink_to(tmp_path)
    with pytest.raises(ValueError, match="outside"):
        store.stat("packages/leak/secret.txt")


def test_the_local_store_keeps_files_at_root_slash_key(tmp_path: Path, package_dir: Path) -> None:
    store = LocalContentStore(tmp_path / "content")
    store.put_tree(PACKAGE, package_dir, ["教材/第一章.json"])
    stored = tmp_path / "content" / "packages" / "fire-safety" / "3" / "教材" / "第一章.json"
    assert stored.read_bytes() == FILES["教材/第一章.json"]
    assert [path.name for path in stored.parent.iterdir()] == ["第一章.json"]  # no leftovers


def test_the_s3_store_keeps_objects_under_its_prefix_with_their_content_type(
    s3_client: Any, s3_bucket: str, package_dir: Path
) -> None:
    store = S3ContentStore(s3_bucket, prefix="/tenant-a/", client=s3_client)
    store.put_tree(PACKAGE, package_dir, ["index.html"])
    head = s3_client.head_object(Bucket=s3_bucket, Key="tenant-a/" + PACKAGE + "index.html")
    assert head["ContentType"] == "text/html"
    assert store.stat(PACKAGE + "index.html").etag == head["ETag"]


def test_the_local_store_is_the_default_under_the_instance_folder(tmp_path: Path) -> None:
    store = content_store_from_config({}, tmp_path)
    assert isinstance(store, LocalContentStore)
    assert store.root == (tmp_path / "content").resolve()


def test_the_s3_store_is_built_from_settings_and_the_usual_boto3_credentials(
    s3_endpoint_url: str,
    s3_client: Any,
    s3_bucket: str,
    package_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings = {
        "LMS_CONTENT_STORE": "s3",
        "LMS_S3_BUCKET": s3_bucket,
        "LMS_S3_PREFIX": "lms",
        "LMS_S3_ENDPOINT_URL": s3_endpoint_url,
        "LMS_S3_REGION": "us-east-1",
    }
    store = content_store_from_config(settings, tmp_path)
    assert isinstance(store, S3ContentStore)
    store.put_tree(PACKAGE, package_dir, ["index.html"])
    assert (
        s3_client.get_object(Bucket=s3_bucket, Key="lms/" + PACKAGE + "index.html")["Body"].read()
        == FILES["index.html"]
    )


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"LMS_CONTENT_STORE": "s3"}, "LMS_S3_BUCKET"),
        ({"LMS_CONTENT_STORE": "ftp"}, "LMS_CONTENT_STORE"),
    ],
)
def test_incomplete_or_unknown_store_settings_are_refused_naming_the_setting(
    tmp_path: Path, settings: dict[str, object], named: str
) -> None:
    with pytest.raises(ValueError, match=named):
        content_store_from_config(settings, tmp_path)


@pytest.mark.parametrize(
    ("key", "content_type"),
    [
        ("a/app.js", "application/javascript"),
        ("a/module.MJS", "application/javascript"),
        ("a/data.json", "application/json"),
        ("a/site.css", "text/css"),
        ("a/index.html", "text/html"),
        ("a/old.htm", "text/html"),
        ("a/logo.svg", "image/svg+xml"),
        ("a/font.woff", "font/woff"),
        ("a/font.woff2", "font/woff2"),
        ("a/clip.mp4", "video/mp4"),
        ("a/clip.webm", "video/webm"),
        ("a/captions.vtt", "text/vtt"),
        ("a/imsmanifest.xml", "application/xml"),
        ("a/legacy.swf", "application/x-shockwave-flash"),
        ("a/handout.pdf", "application/pdf"),
        ("a/photo.png", "image/png"),
        ("a/no-extension", "application/octet-stream"),
        ("a/archive.tar.gz", "application/octet-stream"),
        ("a.js/unknown.zzzz", "application/octet-stream"),
    ],
)
def test_content_types_cover_what_course_packages_contain(key: str, content_type: str) -> None:
    assert guess_content_type(key) == content_type
