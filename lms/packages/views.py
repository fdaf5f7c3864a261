"""Serving a package version's files, on the content origin, to the people who may launch it.

One URL per package version and person (`/content/<token>/<version>/<path>`, the token made by
lms.packages.access; who may fetch the files is lms.player.launch's to say); MIME types, ETag,
Last-Modified and single byte ranges (video seeking); a path can never leave the version's
folder.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, request
from flask.typing import ResponseReturnValue

from lms.content_origin import content_only
from lms.packages import services
from lms.packages.access import opening
from lms.packages.interfaces import FileTokenRefused
from lms.player.launch import may_fetch_content

bp = Blueprint("packages", __name__)
SINGLE_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) of a single `Range: bytes=…` (RFC 9110 §14.1.2), None for the whole file;
    raises ValueError when the range cannot be satisfied."""
    if not header:
        return None
    match = SINGLE_RANGE.match(header.strip())
    if match is None:
        return None  # several ranges, or another unit: answered with the whole file
    first, last = match.groups()
    if first == "" and last == "":
        raise ValueError(header)
    if first == "":
        length = int(last)
        if length == 0:
            raise ValueError(header)
        return max(size - length, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        raise ValueError(header)
    return start, end


@bp.get("/content/<token>/<int:version_id>/<path:path>")
@content_only
def package_file(token: str, version_id: int, path: str) -> ResponseReturnValue:
    # A refused token or a missing file is a not-found error: 404 (lms/errors.py).
    person, version = opening(token, version_id)
    if not may_fetch_content(person, version):  # the player's to say, as for a launch
        raise FileTokenRefused()
    store = current_app.extensions["content_store"]
    found = services.package_file(store, version, path)
    key, stored = found.key, found.stored
    headers = {
        "ETag": stored.etag,
        "Last-Modified": stored.last_modified.strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, max-age=3600",
    }
    if path.endswith(".vtt"):
        # Captions are read by the portal's own pages too (a facilitated course's video, shown
        # from the portal, lms/facilitation): a <track> of another origin needs CORS.
        headers["Access-Control-Allow-Origin"] = current_app.config["LMS_BASE_URL"].rstrip("/")
    if stored.etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
        return Response(status=304, headers=headers)
    try:
        wanted = _byte_range(request.headers.get("Range"), stored.size)
    except ValueError:
        return Response(status=416, headers={**headers, "Content-Range": f"bytes */{stored.size}"})
    if wanted is None:
        body = store.open_range(key)
        return Response(
            body,
            mimetype=stored.content_type,
            headers={**headers, "Content-Length": str(stored.size)},
            direct_passthrough=True,
        )
    start, end = wanted
    return Response(
        store.open_range(key, start, end),
        status=206,
        mimetype=stored.content_type,
        headers={
            **headers,
            "Content-Length": str(end - start + 1),
            "Content-Range": f"bytes {start}-{end}/{stored.size}",
        },
        direct_passthrough=True,
    )
