"""Unpacking an uploaded course package (a SCORM, cmi5 or Tin Can zip) without trusting it.

Every entry is checked before anything is written (`inspect`): its path must stay inside the
package and within a depth and a length, it must not be a symbolic link or encrypted, its name
must not collide with another entry's, and the sizes its headers declare must stay within
`Limits`. Containment is judged from the entry's name alone, in time proportional to its length:
nothing on disk is resolved, since `extract` writes only folders and regular files (never
following a link) into a folder of its own. Because the headers can lie, `extract` streams each
entry in chunks, counts the bytes it really gets and stops as soon as they disagree with the
header. Whatever fails, `extract` removes what it wrote and raises `UnsafeArchive`, whose message
names the entry and the rule it broke.
"""

from __future__ import annotations

import enum
import lzma
import math
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from lms.packages.folder_removal import remove_folder

CHUNK_BYTES = 64 * 1024
RATIO_EXEMPT_BYTES = 1024**2  # small entries compress well without being bombs
MAC_METADATA_FOLDER = "__MACOSX"  # Finder's resource forks: not part of the package
MAX_NAME_BYTES = 255  # the longest file or folder name common file systems accept
# No course package comes near these; a path within them stays far below the 4,096 bytes a
# whole path may have on Linux (PATH_MAX), wherever the package is unpacked or stored.
MAX_FOLDER_DEPTH = 64
MAX_PATH_BYTES = 1024  # the whole path inside the package, in UTF-8
SHOWN_NAME_CHARACTERS = 1024  # a longer entry name is shortened in messages
SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
ENCRYPTED_FLAG = 0x1  # APPNOTE 4.4.4, general purpose bit 0
DRIVE = re.compile(r"[A-Za-z]:")
# What zipfile and the decompressors raise when an entry's bytes are not what its header says
# (bz2 reports a broken stream as OSError).
CORRUPT_DATA_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError)

Progress = Callable[[int, int], None]


class Rule(enum.StrEnum):
    """The rules a package must keep; each is the text that ends an `UnsafeArchive` message."""

    NOT_A_ZIP = "not a zip archive"
    PATH_LEAVES_PACKAGE = "the path leaves the package"
    NUL_IN_NAME = "the name contains a NUL character"
    TOO_DEEP = f"the path is deeper than {MAX_FOLDER_DEPTH} folders"
    PATH_TOO_LONG = f"the path is longer than {MAX_PATH_BYTES:,} bytes"
    NAME_TOO_LONG = f"a file or folder name is longer than {MAX_NAME_BYTES} bytes"
    SYMBOLIC_LINK = "symbolic links are not allowed"
    ENCRYPTED = "encrypted entries are not allowed"
    UNSUPPORTED_METHOD = "the compression method is not supported"
    DUPLICATE_NAME = "another entry has the same name"
    CASE_COLLISION = "another entry has the same name when case is ignored"
    FILE_AND_FOLDER = "a file and a folder have the same name"
    TOO_MANY_ENTRIES = "the package has too many entries"
    ENTRY_TOO_LARGE = "the entry is larger than the limit"
    TOTAL_TOO_LARGE = "the unpacked package is larger than the limit"
    RATIO_TOO_HIGH = "the compression ratio is over the limit"
    DATA_MISMATCH = "the entry's data does not match its header"


class UnsafeArchive(Exception):
    """A package that will not be unpacked: `entry` (None for the whole archive) broke `rule`.

    The message names the entry, not the archive: the file on disk may be an upload under a
    name of the server's own, so whoever shows the message names the package as its user
    knows it ("Use of Force.zip: not a zip archive …")."""

    def __init__(self, entry: str | None, rule: str, detail: str = "") -> None:
        self.entry = entry
        self.rule = rule
        subject = f"{_shortened(printable(entry))}: " if entry is not None else ""
        self.message = f"{subject}{rule}" + (f" ({detail})" if detail else "")
        super().__init__(self.message)


class InvalidLimit(ValueError):
    """An LMS_PACKAGE_* environment variable that does not hold a usable limit."""


class DestinationNotEmpty(FileExistsError):
    """`extract` only writes into a folder that does not exist yet or is empty."""


@dataclass(frozen=True)
class Limits:
    """How much a package may unpack to. The ratio (uncompressed / compressed) applies to each
    entry and to the whole package; those under 1 MiB are exempt."""

    max_total_bytes: int = 4 * 1024**3
    max_entries: int = 50_000
    max_ratio: float = 200.0
    max_entry_bytes: int = 4 * 1024**3

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Limits:
        """The defaults, overridden by LMS_PACKAGE_MAX_BYTES, _MAX_ENTRIES and _MAX_RATIO."""
        defaults = cls()
        return cls(
            max_total_bytes=_whole_number(
                environ, "LMS_PACKAGE_MAX_BYTES", defaults.max_total_bytes
            ),
            max_entries=_whole_number(environ, "LMS_PACKAGE_MAX_ENTRIES", defaults.max_entries),
            max_ratio=_ratio(environ, "LMS_PACKAGE_MAX_RATIO", defaults.max_ratio),
        )


@dataclass(frozen=True)
class ExtractedPackage:
    """Where the package's files are (below a top folder that wrapped them all, if there was
    one), their paths relative to `root`, and the bytes written."""

    root: Path
    files: tuple[str, ...]
    total_bytes: int


@dataclass(frozen=True)
class Member:
    """One entry of the archive and where it lands, as path parts below the destination."""

    info: zipfile.ZipInfo
    parts: tuple[str, ...]
    is_folder: bool

    @property
    def name(self) -> str:
        return self.info.filename


def inspect(zip_path: Path, limits: Limits) -> list[zipfile.ZipInfo]:
    """Every entry of the archive, once all of them keep every rule; writes nothing."""
    with _open_archive(zip_path) as archive:
        return [member.info for member in _checked_members(archive, limits)]


def extract(
    zip_path: Path, destination: Path, limits: Limits, progress: Progress | None = None
) -> ExtractedPackage:
    """Unpack the package into `destination`, which must not exist yet (its parent must) or be
    empty. Finder's `__MACOSX/` metadata is checked like every entry but not written.

    On any failure, whatever was written is removed (and `destination` too if this created it)
    before the error is raised. `progress(bytes_done, bytes_total)` is called as data is written.
    """
    destination = destination.resolve()
    existed = destination.exists()
    if existed and any(destination.iterdir()):
        raise DestinationNotEmpty(f"{destination}: the folder to unpack into is not empty")
    with _open_archive(zip_path) as archive:
        members = [
            member
            for member in _checked_members(archive, limits)
            if member.parts[0] != MAC_METADATA_FOLDER
        ]
        top = _wrapping_folder(members)
        if not existed:
            destination.mkdir()
        try:
            total_bytes = _write_members(archive, members, destination, progress)
        except BaseException:
            _remove_written(destination, created=not existed)
            raise
    root_depth = 1 if top else 0
    return ExtractedPackage(
        root=destination / top if top else destination,
        files=tuple(sorted("/".join(m.parts[root_depth:]) for m in members if not m.is_folder)),
        total_bytes=total_bytes,
    )


def printable(name: str) -> str:
    """The name with control characters escaped, so it cannot forge a line in a log."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


def _shortened(name: str) -> str:
    """A name too long to read in a message, cut to its start and end."""
    if len(name) <= SHOWN_NAME_CHARACTERS:
        return name
    return f"{name[:80]}…{name[-40:]}"


def _whole_number(environ: Mapping[str, str], variable: str, default: int) -> int:
    text = environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise InvalidLimit(f"{variable}: {text!r} is not a whole number") from None
    if value <= 0:
        raise InvalidLimit(f"{variable}: {text!r} must be greater than zero")
    return value


def _ratio(environ: Mapping[str, str], variable: str, default: float) -> float:
    text = environ.get(variable, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        raise InvalidLimit(f"{variable}: {text!r} is not a number") from None
    if not math.isfinite(value) or value <= 0:
        raise InvalidLimit(f"{variable}: {text!r} must be a number greater than zero")
    return value


def _open_archive(zip_path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise UnsafeArchive(None, Rule.NOT_A_ZIP, str(error)) from error


def _checked_members(archive: zipfile.ZipFile, limits: Limits) -> list[Member]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafeArchive(
            None,
            Rule.TOO_MANY_ENTRIES,
            f"{len(infos):,} entries; the limit is {limits.max_entries:,}",
        )
    members = [_checked_member(info, limits) for info in infos]
    _check_collisions(members)
    total_bytes = sum(info.file_size for info in infos)
    if total_bytes > limits.max_total_bytes:
        raise UnsafeArchive(
            None,
            Rule.TOTAL_TOO_LARGE,
            f"{total_bytes:,} bytes; the limit is {limits.max_total_bytes:,}",
        )
    compressed_bytes = sum(info.compress_size for info in infos)
    if _ratio_too_high(total_bytes, compressed_bytes, limits):
        raise UnsafeArchive(
            None,
            Rule.RATIO_TOO_HIGH,
            f"{total_bytes:,} bytes from {compressed_bytes:,}; the limit is {limits.max_ratio:g}",
        )
    return members


def _checked_member(info: zipfile.ZipInfo, limits: Limits) -> Member:
    name = info.filename
    if "\x00" in info.orig_filename:  # zipfile cuts the name there; refused, not cut
        raise UnsafeArchive(info.orig_filename, Rule.NUL_IN_NAME)
    is_folder = name.replace("\\", "/").endswith("/")
    parts = _package_parts(name)
    folders = len(parts) if is_folder else len(parts) - 1
    if folders > MAX_FOLDER_DEPTH:
        raise UnsafeArchive(name, Rule.TOO_DEEP, f"{folders:,} folders")
    sizes = [len(part.encode("utf-8", "surrogatepass")) for part in parts]
    path_bytes = sum(sizes) + len(parts) - 1
    if path_bytes > MAX_PATH_BYTES:
        raise UnsafeArchive(name, Rule.PATH_TOO_LONG, f"{path_bytes:,} bytes")
    if max(sizes) > MAX_NAME_BYTES:
        raise UnsafeArchive(name, Rule.NAME_TOO_LONG)
    if stat.S_ISLNK(info.external_attr >> 16):
        raise UnsafeArchive(name, Rule.SYMBOLIC_LINK)
    if info.flag_bits & ENCRYPTED_FLAG:
        raise UnsafeArchive(name, Rule.ENCRYPTED)
    if info.compress_type not in SUPPORTED_METHODS:
        raise UnsafeArchive(name, Rule.UNSUPPORTED_METHOD, f"method {info.compress_type}")
    if info.file_size > limits.max_entry_bytes:
        raise UnsafeArchive(
            name,
            Rule.ENTRY_TOO_LARGE,
            f"{info.file_size:,} bytes; the limit is {limits.max_entry_bytes:,}",
        )
    if info.file_size >= RATIO_EXEMPT_BYTES and _ratio_too_high(
        info.file_size, info.compress_size, limits
    ):
        raise UnsafeArchive(
            name,
            Rule.RATIO_TOO_HIGH,
            f"{info.file_size:,} bytes from {info.compress_size:,}; "
            f"the limit is {limits.max_ratio:g}",
        )
    return Member(info=info, parts=parts, is_folder=is_folder)


def _package_parts(name: str) -> tuple[str, ...]:
    """The entry's path as parts inside the package; a backslash counts as a separator, as it
    does for any Windows tool that unpacks the same zip. Parts that are empty or "." name the
    folder they are in; with no "..", no leading separator and no drive, what remains cannot
    name anything outside the package."""
    path = name.replace("\\", "/")
    parts = tuple(part for part in path.split("/") if part not in ("", "."))
    if path.startswith("/") or DRIVE.match(path) or ".." in parts:
        raise UnsafeArchive(name, Rule.PATH_LEAVES_PACKAGE)
    if not parts:
        raise UnsafeArchive(name, Rule.PATH_LEAVES_PACKAGE, "it names nothing inside the package")
    return parts


def _check_collisions(members: list[Member]) -> None:
    """No two entries may land on the same path, even on a case-insensitive file system."""
    # key -> (parts, is_folder, entry). Each part is folded on its own, once per entry rather
    # than once per folder above it: a separator never composes or folds with its neighbours.
    landed: dict[tuple[str, ...], tuple[tuple[str, ...], bool, str]] = {}
    for member in members:
        folded = tuple(unicodedata.normalize("NFC", part).casefold() for part in member.parts)
        for depth in range(1, len(member.parts) + 1):
            parts = member.parts[:depth]
            is_folder = depth < len(member.parts) or member.is_folder
            key = folded[:depth]
            if key not in landed:
                landed[key] = (parts, is_folder, member.name)
                continue
            other_parts, other_is_folder, other_entry = landed[key]
            if other_is_folder != is_folder:
                rule = Rule.FILE_AND_FOLDER
            elif other_parts != parts:
                rule = Rule.CASE_COLLISION
            elif not is_folder:
                rule = Rule.DUPLICATE_NAME
            else:
                continue  # the same folder, named again by another entry
            raise UnsafeArchive(member.name, rule, f"as {printable(other_entry)}")


def _ratio_too_high(uncompressed: int, compressed: int, limits: Limits) -> bool:
    if uncompressed < RATIO_EXEMPT_BYTES:
        return False
    return compressed == 0 or uncompressed / compressed > limits.max_ratio


def _wrapping_folder(members: list[Member]) -> str | None:
    """The one top folder every entry lives under (a package zipped one folder deep), if any."""
    tops = {member.parts[0] for member in members}
    if len(tops) != 1:
        return None
    wraps_everything = all(m.is_folder or len(m.parts) > 1 for m in members)
    return tops.pop() if wraps_everything else None


def _write_members(
    archive: zipfile.ZipFile, members: list[Member], destination: Path, progress: Progress | None
) -> int:
    bytes_total = sum(m.info.file_size for m in members if not m.is_folder)
    bytes_done = 0
    made_folders: set[tuple[str, ...]] = set()
    if progress:
        progress(0, bytes_total)
    for member in members:
        folder_parts = member.parts if member.is_folder else member.parts[:-1]
        for depth in range(1, len(folder_parts) + 1):
            if folder_parts[:depth] not in made_folders:
                os.mkdir(destination.joinpath(*folder_parts[:depth]), 0o755)
                made_folders.add(folder_parts[:depth])
        if member.is_folder:
            continue
        target = destination.joinpath(*member.parts)
        # O_EXCL: never overwrite; with O_NOFOLLOW: never write through a symbolic link.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(target, flags | getattr(os, "O_BINARY", 0), 0o644)
        with os.fdopen(descriptor, "wb") as file:
            for chunk in _verified_chunks(archive, member):
                file.write(chunk)
                bytes_done += len(chunk)
                if progress:
                    progress(bytes_done, bytes_total)
    return bytes_done


def _verified_chunks(archive: zipfile.ZipFile, member: Member) -> Iterator[bytes]:
    """The entry's bytes, counted against the size its header declared.

    zipfile itself stops at the declared size and then checks the CRC, so a header that
    understates the size fails here as a CRC error; counting keeps the limits checked by
    `inspect` true whatever the reader does.
    """
    declared = member.info.file_size
    streamed = 0
    try:
        with archive.open(member.info) as source:
            while chunk := source.read(CHUNK_BYTES):
                streamed += len(chunk)
                if streamed > declared:
                    raise UnsafeArchive(
                        member.name,
                        Rule.DATA_MISMATCH,
                        f"more than the {declared:,} bytes declared",
                    )
                yield chunk
    except CORRUPT_DATA_ERRORS as error:
        raise UnsafeArchive(member.name, Rule.DATA_MISMATCH, str(error)) from error
    if streamed != declared:
        raise UnsafeArchive(
            member.name, Rule.DATA_MISMATCH, f"{streamed:,} of the {declared:,} bytes declared"
        )


def _remove_written(destination: Path, *, created: bool) -> None:
    if created:
        remove_folder(destination, ignore_errors=True)
        return
    for child in destination.iterdir():
        if child.is_dir() and not child.is_symlink():
            remove_folder(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
