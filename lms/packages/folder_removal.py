"""Removing a folder and everything in it, however deep, without recursion.

The folders removed here hold what an untrusted package unpacked to, or what an import stored,
and one written before the depth limits of `safezip` may be thousands of folders deep: deeper
than Python's recursion limit (`shutil.rmtree` recurses on the Pythons we support) and with paths
longer than the 4,096 bytes the system accepts in one call (PATH_MAX). So each folder is opened
relative to its parent and emptied one at a time, with one folder open at once; an emptied
folder is left through "..", which must be the folder it was entered from, and then removed.
Symbolic links inside are removed, never followed. Each folder is read once, so the work is
proportional to the number of entries.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
RELATIVE_CALLS_SUPPORTED = (
    os.open in os.supports_dir_fd
    and os.unlink in os.supports_dir_fd
    and os.rmdir in os.supports_dir_fd
    and os.scandir in os.supports_fd
)

Failed = Callable[[OSError], None]


@dataclass
class _Level:
    """A folder on the way down: its name in its parent, its identity, the folders left in it."""

    name: str
    identity: tuple[int, int]
    subfolders: list[str]


def remove_folder(folder: Path, *, ignore_errors: bool = False) -> None:
    """Delete `folder` and all it holds; a folder that does not exist is no error, and a
    symbolic link in its place is refused (OSError), as by `shutil.rmtree`.

    With `ignore_errors`, what cannot be removed is left and the rest still removed; otherwise
    the first OSError is raised."""

    def failed(error: OSError) -> None:
        if not ignore_errors:
            raise error

    folder = Path(folder)
    if not RELATIVE_CALLS_SUPPORTED:  # no openat (Windows): paths there are short anyway
        shutil.rmtree(folder, ignore_errors=ignore_errors)
        return
    try:
        _remove(folder, failed)
    except OSError as error:
        failed(error)


def _remove(folder: Path, failed: Failed) -> None:
    try:
        descriptor = os.open(folder, FOLDER_FLAGS)
    except FileNotFoundError:
        return
    try:
        levels = [_Level("", _identity(descriptor), _emptied_of_files(descriptor, failed))]
        while True:
            level = levels[-1]
            if level.subfolders:
                name = level.subfolders.pop()
                try:
                    child = os.open(name, FOLDER_FLAGS, dir_fd=descriptor)
                except OSError as error:
                    failed(error)
                    continue
                os.close(descriptor)
                descriptor = child
                levels.append(_Level(name, _identity(child), _emptied_of_files(child, failed)))
                continue
            if len(levels) == 1:
                break
            parent = os.open("..", FOLDER_FLAGS, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = parent
            levels.pop()
            if _identity(parent) != levels[-1].identity:
                raise OSError(
                    errno.ESTALE, "a folder inside was moved while it was being removed", folder
                )
            try:
                os.rmdir(level.name, dir_fd=parent)
            except OSError as error:
                failed(error)
    finally:
        os.close(descriptor)
    os.rmdir(folder)


def _emptied_of_files(descriptor: int, failed: Failed) -> list[str]:
    """Remove every entry of the open folder that is not a folder; the folders' names."""
    subfolders = []
    with os.scandir(descriptor) as listing:
        entries = list(listing)
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                subfolders.append(entry.name)
            else:
                os.unlink(entry.name, dir_fd=descriptor)
        except OSError as error:
            failed(error)
    return subfolders


def _identity(descriptor: int) -> tuple[int, int]:
    status = os.fstat(descriptor)
    return status.st_dev, status.st_ino
