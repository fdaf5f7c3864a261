"""Removing scratch and stored folders: however deep, with links inside, or already gone."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from lms.packages.content_store import LocalContentStore
from lms.packages.folder_removal import remove_folder

DEPTH = 2100  # as deep as the probe's package, which an older version unpacked this far


def make_deep_tree(top: Path, depth: int) -> None:
    """`top/a/a/…/a/index.html`, `depth` folders below `top`, with a file at every 100th level.

    The whole path is longer than the system accepts in one call, so each folder is made
    relative to its parent, as an unpacker working folder by folder could."""
    top.mkdir(parents=True)
    descriptor = os.open(top, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for level in range(depth):
            os.mkdir("a", dir_fd=descriptor)
            child = os.open("a", os.O_RDONLY | os.O_DIRECTORY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = child
            if level % 100 == 0 or level == depth - 1:
                file = os.open("index.html", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=descriptor)
                os.write(file, b"<h1>Pursuit</h1>")
                os.close(file)
    finally:
        os.close(descriptor)


def test_a_tree_2100_folders_deep_is_removed(tmp_path):
    scratch = tmp_path / "imports" / "import-old"
    make_deep_tree(scratch, DEPTH)

    remove_folder(scratch)

    assert not scratch.exists()
    assert list((tmp_path / "imports").iterdir()) == []


def test_a_wide_tree_with_files_and_empty_folders_is_removed(tmp_path):
    scratch = tmp_path / "scratch"
    for course in range(30):
        folder = scratch / f"course{course}" / "media" / "empty"
        folder.mkdir(parents=True)
        for page in range(20):
            (folder.parent / f"page{page}.html").write_text("<p>Pursuit</p>")

    remove_folder(scratch)

    assert not scratch.exists()


def test_symbolic_links_inside_are_removed_and_never_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("not the package's")
    scratch = tmp_path / "scratch"
    (scratch / "content").mkdir(parents=True)
    (scratch / "content" / "to-folder").symlink_to(outside, target_is_directory=True)
    (scratch / "to-file").symlink_to(outside / "keep.txt")

    remove_folder(scratch)

    assert not scratch.exists()
    assert (outside / "keep.txt").read_text() == "not the package's"


def test_a_folder_that_is_not_there_is_no_error(tmp_path):
    remove_folder(tmp_path / "never-made")


def test_a_symbolic_link_in_place_of_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept")
    (tmp_path / "link").symlink_to(outside, target_is_directory=True)

    with pytest.raises(OSError):
        remove_folder(tmp_path / "link")
    remove_folder(tmp_path / "link", ignore_errors=True)

    assert (outside / "keep.txt").read_text() == "kept"


def test_with_ignore_errors_what_cannot_be_removed_stays_and_the_rest_goes(tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    (scratch / "locked").mkdir(parents=True)
    (scratch / "locked" / "stays.html").write_text("<p>stays</p>")
    (scratch / "free").mkdir()
    (scratch / "free" / "goes.html").write_text("<p>goes</p>")
    unlink = os.unlink

    def refusing(path, *, dir_fd=None):
        if path == "stays.html":  # as a file the process may not delete would be
            raise PermissionError(errno.EACCES, "Permission denied", path)
        unlink(path, dir_fd=dir_fd)

    monkeypatch.setattr(os, "unlink", refusing)

    with pytest.raises(PermissionError):
        remove_folder(scratch)
    remove_folder(scratch, ignore_errors=True)

    assert not (scratch / "free").exists()
    assert (scratch / "locked" / "stays.html").exists()


def test_a_stored_version_2100_folders_deep_is_deleted_from_the_local_store(tmp_path):
    store = LocalContentStore(tmp_path / "content")
    make_deep_tree(tmp_path / "content" / "packages" / "old" / "1", DEPTH)

    store.delete_prefix("packages/old/1/")

    assert list((tmp_path / "content" / "packages" / "old").iterdir()) == []
