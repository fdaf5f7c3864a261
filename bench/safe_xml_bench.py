"""Hostile XML benchmark: how long the manifest parser takes to refuse a billion-laughs document
(ten levels of entities, 10^9 "lol"s if expanded), against a normal manifest's parse.

    .venv/bin/python bench/safe_xml_bench.py          # --rounds 20

Prints its figures; it is never part of the test run. A refusal should take well under a second
(the parser refuses the entity declarations; it never expands them); the last line is JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from lms.packages.manifests import ManifestError
from lms.packages.manifests.safe_xml import parse_document

BUDGET_SECONDS = 1.0
LEVELS = "\n".join(
    f' <!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10)
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE manifest [\n <!ENTITY lol "lol">\n'
    f'{LEVELS}\n]>\n<manifest identifier="&lol9;"/>\n'
).encode()
MANIFEST = (
    Path(__file__).parent.parent / "tests/lms/packages/manifests/data/scorm12/imsmanifest.xml"
).read_bytes()


def timings_ms(data: bytes, rounds: int, *, refused: bool) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        try:
            parse_document(data, "imsmanifest.xml")
        except ManifestError as error:
            if not refused:
                raise
            assert "declares entities in a DOCTYPE" in str(error), error
        else:
            if refused:
                raise SystemExit("the billion-laughs document was not refused")
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    figures: dict[str, object] = {"rounds": args.rounds}
    for label, data, refused in (
        ("billion_laughs_refused", BILLION_LAUGHS, True),
        ("scorm12_manifest_parsed", MANIFEST, False),
    ):
        times = timings_ms(data, args.rounds, refused=refused)
        median, most = statistics.median(times), max(times)
        print(f"{label:<26} median {median:7.3f} ms   max {most:7.3f} ms")
        figures[label] = {"ms_median": round(median, 3), "ms_max": round(most, 3)}
    slowest = figures["billion_laughs_refused"]["ms_max"] / 1000  # type: ignore[index]
    figures["refusal_within_budget"] = slowest < BUDGET_SECONDS
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
