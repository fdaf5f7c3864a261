"""Package import benchmark: a generated 2 GB package and a 20,000-file package, each imported
with `lms packages import` in a process of its own; prints time and peak memory (RSS).

    .venv/bin/python bench/import_bench.py [--big-mb 2048] [--files 20000]

Never part of the test run. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="bench.{name}" version="1"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2">
  <metadata><schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>
  <organizations default="ORG">
    <organization identifier="ORG"><title>Benchmark {name}</title>
      <item identifier="ITEM" identifierref="RES"><title>Benchmark</title></item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="RES" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
    </resource>
  </resources>
</manifest>
"""
BLOCK = os.urandom(1024 * 1024)


def big_package(path: Path, megabytes: int) -> None:
    """One video-sized file of `megabytes` MiB, stored (video does not compress)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(name="big"))
        archive.writestr("index.html", "<video src='media/lecture.mp4'></video>")
        with archive.open("media/lecture.mp4", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(BLOCK)


def many_files_package(path: Path, count: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", MANIFEST.format(name="many"))
        archive.writestr("index.html", "<p>many files</p>")
        for n in range(count):
            archive.writestr(f"assets/{n // 1000:02d}/item-{n:05d}.json", json.dumps({"n": n}))


def import_once(package: Path, instance: Path) -> dict[str, float]:
    """Run the CLI import in its own process; its peak RSS comes from the kernel (wait4)."""
    env = {**os.environ, "LMS_INSTANCE_PATH": str(instance), "LMS_LOG_LEVEL": "WARNING"}
    lms = str(Path(sys.executable).parent / "lms")
    subprocess.run([lms, "db", "upgrade"], env=env, check=True, capture_output=True)
    out = instance / "import.out"
    start = time.perf_counter()
    with out.open("w") as stdout:
        child = subprocess.Popen(
            [lms, "packages", "import", str(package)],
            env=env,
            stdout=stdout,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"import of {package.name} failed: {out.read_text()}")
    result = json.loads(out.read_text().strip().splitlines()[-1])
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "files": result["files"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-mb", type=int, default=2048)
    parser.add_argument("--files", type=int, default=20000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    figures: dict[str, object] = {}

    big = work / "big.zip"
    big_package(big, args.big_mb)
    figures["big"] = {
        "package_mb": round(big.stat().st_size / 1024**2),
        **import_once(big, work / "i1"),
    }
    print(f"{args.big_mb} MiB package: {figures['big']}")
    big.unlink()

    many = work / "many.zip"
    many_files_package(many, args.files)
    figures["many"] = {"entries": args.files + 2, **import_once(many, work / "i2")}
    print(f"{args.files}-file package: {figures['many']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
