"""What the benchmarks that serve a portal share: its environment, a free port, waiting for it
to answer, the CSRF token of a page, and the SCORM 1.2 manifest of a generated course.

Imported by the benchmark scripts (run as `.venv/bin/python bench/<name>.py`, so this folder is
on sys.path); never part of the test run.
"""

from __future__ import annotations

import os
import re
import socket
import time
from pathlib import Path
from urllib.request import OpenerDirector, build_opener

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def environment(instance: Path, **settings: str) -> dict[str, str]:
    """The environment of an `lms` process on `instance`, quiet but for warnings."""
    return {
        **os.environ,
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_LOG_LEVEL": "WARNING",
        **settings,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(base: str, seconds: float = 30) -> None:
    """Until the portal at `base` answers /healthz."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            build_opener().open(f"{base}/healthz").read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("the portal did not start") from None
            time.sleep(0.2)


def csrf_token(opener: OpenerDirector, url: str) -> str:
    """The csrf_token of the form on the page at `url`."""
    match = CSRF.search(opener.open(url).read().decode())
    if match is None:
        raise SystemExit(f"no csrf_token on {url}")
    return match.group(1)


def scorm12_manifest(
    identifier: str, title: str, item: str, item_title: str, extra: str = ""
) -> str:
    """The imsmanifest.xml of a one-SCO SCORM 1.2 course launching index.html; `extra` goes
    inside the item (such as adlcp:masteryscore)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench.{identifier}" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG"><title>{title}</title>
      <item identifier="{item}" identifierref="RES"><title>{item_title}</title>{extra}</item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""
