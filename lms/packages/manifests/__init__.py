"""Course package manifests: detect the standard, parse the manifest safely into plain data.

SCORM 1.2 and 2004 (imsmanifest.xml), cmi5 (cmi5.xml) and Tin Can (tincan.xml). XML is parsed
without entities, DTDs or network access; every problem is a ManifestError naming file and line.
"""

from lms.packages.manifests.cmi5 import parse_cmi5_xml
from lms.packages.manifests.detect import detect_and_parse
from lms.packages.manifests.model import (
    STANDARDS,
    FileReference,
    ManifestError,
    MissingFilesError,
    ParsedPackage,
    StoredPackageError,
)

__all__ = [
    "STANDARDS",
    "FileReference",
    "ManifestError",
    "MissingFilesError",
    "ParsedPackage",
    "StoredPackageError",
    "detect_and_parse",
    "parse_cmi5_xml",
]
