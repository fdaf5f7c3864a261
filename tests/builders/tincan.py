"""A small Tin Can course package for the player's tests, zipped from `tincan_course/`: plain JS
that reads the Tin Can launch parameters and speaks to the LRS with fetch, as TinCanJS does."""

from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

COURSE_SOURCES = Path(__file__).parent / "tincan_course"


def tincan_zip(folder: Path) -> Path:
    path = folder / f"tincan-{uuid.uuid4().hex[:8]}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for source in COURSE_SOURCES.iterdir():
            archive.write(source, source.name)
    return path
