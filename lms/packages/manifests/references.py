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
    """xml:base values from the outermost element in, each resolved against the one before."""
    resolved = ""
    for base in bases:
        if base:
            resolved = _tidy(_resolve(resolved, base.strip().replace("\\", "/")))
    return resolved


def _tidy(base: str) -> str:
    """A relative base with its dot segments folded; leading ".." stays, to be refused later."""
    if is_absolute_url(base) or not base:
        return base
    tidy = posixpath.normpath(base)
    return "" if tidy == "." else tidy + ("/" if base.endswith("/") else "")


def resolve_href(href: str, base: str, filename: str, line: int | None) -> str:
    """`href` against `base`, normalised; absolute URLs of safe schemes are kept as they are."""
    href = href.strip().replace("\\", "/")
    joined = _resolve(base, href)
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


def _resolve(base: str, reference: str) -> str:
    """RFC 3986 §5.2.2-5.2.3 for package paths: the base's directory, then the reference.

    Unlike urljoin, dot segments are left for resolve_href to normalise, so that a climb above
    the package root is seen and refused rather than silently dropped.
    """
    if not base or is_absolute_url(reference):
        return reference
    if is_absolute_url(base):
        return urljoin(base, reference)
    parts = urlsplit(reference)
    if parts.netloc or parts.path.startswith("/") or parts.scheme:
        return reference
    base_path = urlsplit(base).path
    directory = base_path[: base_path.rfind("/") + 1]
    return urlunsplit(("", "", directory + parts.path, parts.query, parts.fragment))


def package_file(url: str) -> str | None:
    """The file a resolved package URL names (no query or fragment); None for absolute URLs."""
    if is_absolute_url(url):
        return None
    path = urlsplit(url).path
    return path or None


def file_references(url: str, filename: str, line: int | None) -> list[FileReference]:
    """The package file `url` names, where the manifest names it; none for absolute URLs."""
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
