"""Hrefs a manifest names: resolving them inside the package and finding the missing ones.

Relative references resolve as RFC 3986 §5.2 says, which is what XML Base (§4.2) asks of
xml:base; a reference that climbs out of the package root is refused.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from lms.packages.manifests.model import FileReference, ManifestError, MissingFilesError

# Schemes a browser runs or reads locally instead of fetching: never a launch URL.
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "about"})


def is_absolute_url(href: str) -> bool:
    """http://…, https://…, or any scheme of two letters or more (one letter is a drive)."""
    return len(urlsplit(href).scheme) > 1


def join_bases(*bases: str | None) -> str:
    """xml:base values from the outermost element in; "" when there are none."""
    resolved = ""
    for base in bases:
        if base:
            resolved = urljoin(resolved, base.replace("\\", "/"))
    return resolved


def resolve_href(href: str, base: str, filename: str, line: int | None) -> str:
    """`href` against `base`, normalised; absolute URLs are returned as they are."""
    href = href.strip().replace("\\", "/")
    joined = href if is_absolute_url(href) else (urljoin(base, href) if base else href)
    if is_absolute_url(joined):
        scheme = urlsplit(joined).scheme.lower()
        if scheme in UNSAFE_SCHEMES:
            raise ManifestError(filename, line, f"{href!r} uses the refused scheme {scheme}:")
        return joined
    parts = urlsplit(joined)
    if parts.netloc or parts.path.startswith("/") or urlsplit(href).scheme:
        raise ManifestError(filename, line, f"{href!r} is an absolute path, not inside the package")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if path == ".." or path.startswith("../"):
        raise ManifestError(filename, line, f"{href!r} points outside the package")
    if path == ".":
        path = ""
    return urlunsplit(("", "", path, parts.query, parts.fragment))


def package_file(url: str) -> str | None:
    """The file a resolved package URL names (no query or fragment); None for absolute URLs."""
    if is_absolute_url(url):
        return None
    path = urlsplit(url).path
    return path or None


def reference(url: str, filename: str, line: int | None) -> list[FileReference]:
    path = package_file(url)
    return [FileReference(path, filename, line)] if path else []


def missing_files(
    references: Iterable[FileReference], files: Iterable[str], manifest: str
) -> MissingFilesError | None:
    """The error listing every referenced file the package lacks, or None when none is missing."""
    present = {name.strip("/") for name in files}
    by_lowercase = {name.lower(): name for name in present}
    missing: list[FileReference] = []
    seen: set[str] = set()
    for ref in references:
        if ref.path in present or unquote(ref.path) in present or ref.path in seen:
            continue
        seen.add(ref.path)
        missing.append(ref)
    if not missing:
        return None
    near = [
        f"{ref.path} → {by_lowercase[unquote(ref.path).lower()]}"
        for ref in missing
        if unquote(ref.path).lower() in by_lowercase
    ]
    hints = f" (names differ only in case: {', '.join(near)})" if near else ""
    return MissingFilesError(manifest, tuple(missing), hints)
