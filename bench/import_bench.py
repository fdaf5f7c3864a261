"""Package import benchmark: a generated 2 GB package and a 20,000-file package, each imported
with `lms packages import` in a process of its own, then uploaded to a running portal the way
the import page sends it; prints time and peak memory (RSS) of the importing process, and how
long the portal took to answer other requests meanwhile.

    .venv/bin/python bench/import_bench.py [--big-mb 2048] [--files 20000]

Never part of the test run. The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

from portal import csrf_token, environment, free_port, scorm12_manifest, wait_for

from lms.demo import ACCOUNTS

BLOCK = os.urandom(1024 * 1024)


def manifest(name: str) -> str:
    return scorm12_manifest(name, f"Benchmark {name}", "ITEM", "Benchmark")


def big_package(path: Path, megabytes: int) -> None:
    """One video-sized file of `megabytes` MiB, stored (video does not compress)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        archive.writestr("imsmanifest.xml", manifest("big"))
        archive.writestr("index.html", "<video src='media/lecture.mp4'></video>")
        with archive.open("media/lecture.mp4", "w", force_zip64=True) as entry:
            for _ in range(megabytes):
                entry.write(BLOCK)


def many_files_package(path: Path, count: int) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest("many"))
        archive.writestr("index.html", "<p>many files</p>")
        for n in range(count):
            archive.writestr(f"assets/{n // 1000:02d}/item-{n:05d}.json", json.dumps({"n": n}))


def import_once(package: Path, instance: Path) -> dict[str, float]:
    """Run the CLI import in its own process; its peak RSS comes from the kernel (wait4)."""
    env = environment(instance)
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


# The demo's POST staff account (`lms demo load`), who may import packages.
STAFF = next(
    {"email": account.email, "password": account.password}
    for account in ACCOUNTS
    if account.email == "staff@example.org"
)


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise SystemExit("no VmHWM in /proc")


def web_import_once(package: Path, instance: Path) -> dict[str, float]:
    """Upload the package to a portal served by `lms run` (one process), as the import page
    does (the raw file as the body), follow the import to its end while timing /healthz, and
    read the server's peak RSS."""
    env = environment(instance, LMS_ENV="development")
    lms = str(Path(sys.executable).parent / "lms")
    subprocess.run([lms, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([lms, "demo", "load"], env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [lms, "run", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(base)
        opener = build_opener(HTTPCookieProcessor(CookieJar()))
        token = csrf_token(opener, f"{base}/sign-in")
        opener.open(f"{base}/sign-in", urlencode({**STAFF, "csrf_token": token}).encode()).read()
        token = csrf_token(opener, f"{base}/staff/packages")
        baseline = _peak_rss_mb(server.pid)
        start = time.perf_counter()
        with package.open("rb") as body:
            upload = Request(
                f"{base}/staff/packages",
                data=body,
                method="POST",
                headers={
                    "Content-Length": str(package.stat().st_size),
                    "Content-Type": "application/octet-stream",
                    "X-File-Name": package.name,
                    "X-CSRFToken": token,
                    "Accept": "application/json",
                },
            )
            queued = json.loads(opener.open(upload).read())
        uploaded = time.perf_counter() - start
        answers: list[float] = []
        while True:
            asked = time.perf_counter()
            opener.open(f"{base}/healthz").read()
            answers.append(time.perf_counter() - asked)
            status = json.loads(opener.open(base + queued["status_url"]).read())
            if status["status"] in ("done", "failed"):
                break
            time.sleep(0.2)
        finished = time.perf_counter() - start
        if status["status"] != "done":
            raise SystemExit(f"web import of {package.name} failed: {status['message']}")
        answers.sort()
        return {
            "upload_seconds": round(uploaded, 1),
            "seconds": round(finished, 1),
            "server_rss_before_mb": baseline,
            "server_peak_rss_mb": _peak_rss_mb(server.pid),
            "healthz_during_import_ms_max": round(answers[-1] * 1000, 1),
            "healthz_during_import_ms_median": round(answers[len(answers) // 2] * 1000, 1),
        }
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big-mb", type=int, default=2048)
    parser.add_argument("--files", type=int, default=20000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="import-bench-"))
    figures: dict[str, object] = {}
    try:
        big = work / "big.zip"
        big_package(big, args.big_mb)
        figures["big"] = {
            "package_mb": round(big.stat().st_size / 1024**2),
            **import_once(big, work / "i1"),
        }
        print(f"{args.big_mb} MiB package: {figures['big']}")
        figures["big_web"] = web_import_once(big, work / "w1")
        print(f"{args.big_mb} MiB package on the web: {figures['big_web']}")
        big.unlink()

        many = work / "many.zip"
        many_files_package(many, args.files)
        figures["many"] = {"entries": args.files + 2, **import_once(many, work / "i2")}
        print(f"{args.files}-file package: {figures['many']}")
        figures["many_web"] = web_import_once(many, work / "w2")
        print(f"{args.files}-file package on the web: {figures['many_web']}")
        print(json.dumps(figures))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
