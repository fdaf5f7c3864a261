"""Where course package files live: a local folder (the default) or an S3-compatible bucket.

Both stores speak one interface, `ContentStore`. Keys are POSIX paths such as
"packages/<course>/<version>/index.html"; a key prefix names a folder, so "packages/c/1" and
"packages/c/1/" both mean the folder and never also match "packages/c/10/". Every key is checked
the same way in both stores: no "..", "." or empty segments, no leading "/", no backslash, no NUL.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

import boto3
from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from lms.packages.folder_removal import remove_folder
from lms.packages.interfaces import ContentNotFound, ContentStoreError

CHUNK_SIZE = 64 * 1024
MULTIPART_THRESHOLD = 8 * 1024 * 1024
DELETE_BATCH = 1000  # the most keys one S3 DeleteObjects call accepts
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Types course packages need that Python's table (or the host's /etc/mime.types) may lack or get
# wrong. Fixed here so both stores, and every host, answer the same.
CONTENT_TYPES = {
    ".js": "application/javascript",
    ".mjs": "application/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".html": "text/html",
    ".htm": "text/html",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".vtt": "text/vtt",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".swf": "application/x-shockwave-flash",
    ".pdf": "application/pdf",
    ".wasm": "application/wasm",
}

Progress = Callable[[int], None]


@dataclass(frozen=True)
class StoredFile:
    size: int
    etag: str  # quoted, ready for an ETag header
    last_modified: datetime  # aware, UTC
    content_type: str


@runtime_checkable
class ContentStore(Protocol):
    def put_tree(
        self, key_prefix: str, root: Path, files: Iterable[str], progress: Progress | None = None
    ) -> None:
        """Store each file (a POSIX name relative to `root`) under `key_prefix`, streaming it from
        disk. `progress`, when given, is called with each number of bytes just stored, so the
        calls add up to the total size."""
        ...

    def stat(self, key: str) -> StoredFile:
        """The stored file's size, ETag, time and type; ContentNotFound if there is none."""
        ...

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        """Bytes `start` to `end` inclusive (to the last byte when `end` is None or past it), in
        chunks of at most CHUNK_SIZE. ContentNotFound is raised by this call, before any chunk.
        A range that starts at or past the end yields nothing. Call close() on the iterator to
        stop early."""
        ...

    def delete_prefix(self, key_prefix: str) -> None:
        """Delete every file under the folder `key_prefix`; nothing there is not an error."""
        ...

    def exists(self, key: str) -> bool: ...


def guess_content_type(key: str) -> str:
    """The Content-Type to serve the file under `key` with."""
    name = key.rsplit("/", 1)[-1]
    suffix = os.path.splitext(name)[1].lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    content_type, encoding = mimetypes.guess_type(name, strict=False)
    if content_type is None or encoding is not None:
        return DEFAULT_CONTENT_TYPE
    return content_type


def checked_key(key: str) -> str:
    """`key` itself if it is a safe, canonical key; ValueError naming it otherwise."""
    if not isinstance(key, str) or not key:
        raise ValueError(f"content key {key!r} is empty")
    if "\x00" in key or "\\" in key:
        raise ValueError(f"content key {key!r} contains a NUL or a backslash")
    if key.startswith("/"):
        raise ValueError(f"content key {key!r} is absolute")
    if any(segment in ("", ".", "..") for segment in key.split("/")):
        raise ValueError(f"content key {key!r} has an empty, '.' or '..' segment")
    return key


def checked_prefix(key_prefix: str) -> str:
    """`key_prefix` as a folder ending in "/"; ValueError naming it if it is not safe."""
    try:
        return checked_key(key_prefix.removesuffix("/")) + "/"
    except ValueError as error:
        raise ValueError(
            f"content key prefix {key_prefix!r} is not a safe folder: {error}"
        ) from None


def _validate_range(key: str, start: int, end: int | None) -> None:
    if start < 0 or (end is not None and end < start):
        raise ValueError(f"byte range {start}-{end} of {key!r} is not a valid range")


class ChunkStream(Iterator[bytes]):
    """Chunks of at most CHUNK_SIZE from an open binary stream, closing it when done."""

    def __init__(self, stream: IO[bytes] | Any, remaining: int | None) -> None:
        self._stream = stream
        self._remaining = remaining
        self._closed = False

    def __iter__(self) -> ChunkStream:
        return self

    def __next__(self) -> bytes:
        if self._closed:
            raise StopIteration
        size = CHUNK_SIZE if self._remaining is None else min(CHUNK_SIZE, self._remaining)
        chunk = self._stream.read(size) if size > 0 else b""
        if not chunk:
            self.close()
            raise StopIteration
        if self._remaining is not None:
            self._remaining -= len(chunk)
        return chunk

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._stream.close()

    def __del__(self) -> None:
        self.close()


class LocalContentStore:
    """Files under a folder on this machine: the file for key K is root/K."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()

    def __repr__(self) -> str:
        return f"LocalContentStore({str(self.root)!r})"

    def _path(self, key: str) -> Path:
        path = (self.root / checked_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"content key {key!r} leads outside {self.root}")
        return path

    def put_tree(
        self, key_prefix: str, root: Path, files: Iterable[str], progress: Progress | None = None
    ) -> None:
        prefix = checked_prefix(key_prefix)
        for name in files:
            source = Path(root) / checked_key(name)
            self._copy_in(source, self._path(prefix + name), progress)

    def _copy_in(self, source: Path, target: Path, progress: Progress | None) -> None:
        """Copy through a temporary file beside the target, so readers never see half a file.
        Its name does not repeat the target's, which may already be as long as a name can be."""
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{uuid.uuid4().hex}.part")
        try:
            with source.open("rb") as reader, partial.open("wb") as writer:
                while chunk := reader.read(1024 * 1024):
                    writer.write(chunk)
                    if progress is not None:
                        progress(len(chunk))
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def stat(self, key: str) -> StoredFile:
        path = self._path(key)
        try:
            status = path.stat()
        except (FileNotFoundError, NotADirectoryError) as error:
            raise ContentNotFound(f"no content stored under {key!r} ({path})") from error
        if not path.is_file():
            raise ContentNotFound(f"no content stored under {key!r} ({path} is not a file)")
        # Cheap and stable: every store writes a new file (new inode), so any change shows.
        identity = f"{status.st_size}:{status.st_mtime_ns}:{status.st_ino}:{key}"
        return StoredFile(
            size=status.st_size,
            etag=f'"{hashlib.sha1(identity.encode(), usedforsecurity=False).hexdigest()}"',
            last_modified=datetime.fromtimestamp(status.st_mtime, UTC),
            content_type=guess_content_type(key),
        )

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        _validate_range(key, start, end)
        path = self._path(key)
        try:
            stream = path.open("rb")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError) as error:
            raise ContentNotFound(f"no content stored under {key!r} ({path})") from error
        stream.seek(start)
        return ChunkStream(stream, None if end is None else end - start + 1)

    def delete_prefix(self, key_prefix: str) -> None:
        folder = self._path(checked_prefix(key_prefix).removesuffix("/"))
        if folder == self.root:
            raise ValueError(f"content key prefix {key_prefix!r} names the whole store")
        if folder.is_dir():
            remove_folder(folder)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()


class S3ContentStore:
    """Objects in an S3 bucket (AWS or any S3-compatible store), under an optional prefix.

    Credentials come from the usual boto3 environment (variables, profile, instance role). With
    an `endpoint_url` the client uses path-style addresses, which every S3-compatible store
    accepts without wildcard DNS. `client` replaces the client built from the other arguments.
    """

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        if not bucket:
            raise ValueError("S3 content store needs a bucket name (LMS_S3_BUCKET)")
        self.bucket = bucket
        self.prefix = checked_prefix(prefix.strip("/")) if prefix.strip("/") else ""
        if client is None:
            addressing = {"addressing_style": "path"} if endpoint_url else {}
            client = boto3.client(
                "s3",
                endpoint_url=endpoint_url or None,
                region_name=region or None,
                config=Config(s3=addressing),
            )
        self.client = client
        self._transfer = TransferConfig(
            multipart_threshold=MULTIPART_THRESHOLD, multipart_chunksize=MULTIPART_THRESHOLD
        )

    def __repr__(self) -> str:
        return f"S3ContentStore('s3://{self.bucket}/{self.prefix}')"

    def _object_key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def _where(self, key: str) -> str:
        return f"s3://{self.bucket}/{self.prefix}{key}"

    def put_tree(
        self, key_prefix: str, root: Path, files: Iterable[str], progress: Progress | None = None
    ) -> None:
        prefix = checked_prefix(key_prefix)
        callback = _thread_safe(progress) if progress is not None else None
        for name in files:
            source = Path(root) / checked_key(name)
            key = prefix + name
            try:
                self.client.upload_file(
                    str(source),
                    self.bucket,
                    self._object_key(key),
                    ExtraArgs={"ContentType": guess_content_type(key)},
                    Callback=callback,
                    Config=self._transfer,
                )
            except (ClientError, S3UploadFailedError) as error:
                raise ContentStoreError(
                    f"could not store {source} at {self._where(key)}: {error}"
                ) from error

    def stat(self, key: str) -> StoredFile:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as error:
            raise self._error(key, error) from error
        return StoredFile(
            size=int(head["ContentLength"]),
            etag=head["ETag"],
            last_modified=head["LastModified"].astimezone(UTC),
            content_type=guess_content_type(key),
        )

    def open_range(self, key: str, start: int = 0, end: int | None = None) -> Iterator[bytes]:
        _validate_range(key, start, end)
        request = {"Bucket": self.bucket, "Key": self._object_key(key)}
        if start or end is not None:
            request["Range"] = f"bytes={start}-{'' if end is None else end}"
        try:
            response = self.client.get_object(**request)
        except ClientError as error:
            if _error_code(error) == "InvalidRange":
                self.stat(key)  # a missing key is still ContentNotFound
                return iter(())
            raise self._error(key, error) from error
        return ChunkStream(response["Body"], None)

    def delete_prefix(self, key_prefix: str) -> None:
        folder = self.prefix + checked_prefix(key_prefix)
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=folder, PaginationConfig={"PageSize": DELETE_BATCH}
        )
        for page in pages:
            objects = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if not objects:
                continue
            response = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": objects, "Quiet": True}
            )
            if failed := response.get("Errors"):
                first = failed[0]
                raise ContentStoreError(
                    f"could not delete s3://{self.bucket}/{first['Key']} "
                    f"({len(failed)} failed under {key_prefix!r}): {first.get('Message')}"
                )

    def exists(self, key: str) -> bool:
        try:
            self.stat(key)
        except ContentNotFound:
            return False
        return True

    def _error(self, key: str, error: ClientError) -> ContentStoreError:
        if _error_code(error) in {"404", "NoSuchKey", "NotFound"}:
            return ContentNotFound(f"no content stored under {key!r} ({self._where(key)})")
        return ContentStoreError(f"S3 refused {self._where(key)}: {error}")


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _thread_safe(progress: Progress) -> Progress:
    """boto3 reports progress from its transfer threads; callers get one call at a time."""
    lock = threading.Lock()

    def report(transferred: int) -> None:
        with lock:
            progress(transferred)

    return report


def content_store_from_config(config: Mapping[str, object], instance_path: Path) -> ContentStore:
    """The store the settings name: LMS_CONTENT_STORE is "local" (root instance_path/"content",
    the default) or "s3" (LMS_S3_BUCKET, LMS_S3_PREFIX, LMS_S3_ENDPOINT_URL, LMS_S3_REGION)."""
    kind = str(config.get("LMS_CONTENT_STORE") or "local").strip().lower()
    if kind == "local":
        return LocalContentStore(Path(instance_path) / "content")
    if kind == "s3":
        bucket = str(config.get("LMS_S3_BUCKET") or "").strip()
        if not bucket:
            raise ValueError("LMS_CONTENT_STORE is 's3' but LMS_S3_BUCKET is not set")
        return S3ContentStore(
            bucket,
            prefix=str(config.get("LMS_S3_PREFIX") or ""),
            endpoint_url=str(config.get("LMS_S3_ENDPOINT_URL") or "") or None,
            region=str(config.get("LMS_S3_REGION") or "") or None,
        )
    raise ValueError(f"LMS_CONTENT_STORE must be 'local' or 's3', not {kind!r}")
