"""Time to read the worst scenario file the core accepts, and to refuse larger ones (issue 15, point 4).

Run: ``python benchmarks/bench_scenario_parse.py`` (``--json`` for machine-readable output).
Exits non-zero if the worst accepted file takes longer than the target (0.5 s of one core: an
upload the explorer reads while the viewer waits, on a server other sessions share).

The worst accepted file has every limit at its largest: :data:`MAX_SOURCES` sources written in
full, with a provenance note for every field; :data:`MAX_PROGRAMMES` programmes holding
:data:`MAX_ALLOCATIONS` allocations between them, weighted, each naming a source of the file;
every trajectory rate and every interval; provenance notes padded so that the text is just under
:data:`MAX_BYTES`. Refused files: 20,000 sources from a preset (the issue's 0.73 MB file, grown to
just under 1 MB), and 15,000 one-allocation programmes. Every time is the median of repeated runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aliquant_core import QUANTITIES
from aliquant_core.quantities import names_in
from aliquant_core.scenario import (
    MAX_ALLOCATIONS,
    MAX_BYTES,
    MAX_PROGRAMMES,
    MAX_SOURCES,
    SOURCE_FIELDS,
    ScenarioError,
    scenario_from_json,
)
from benchmarks.timing import median_time

TARGET_SECONDS = 0.5


def _middle(name: str) -> float:
    quantity = QUANTITIES[name]
    value = quantity.default
    return int(value) if quantity.whole else value


def worst_accepted() -> str:
    """The largest, busiest scenario text the core accepts (see the module docstring)."""

    def build(note: str) -> str:
        sources = [
            {
                "name": f"source {i}",
                **{name: _middle(name) for name in SOURCE_FIELDS},
                "provenance": dict.fromkeys(SOURCE_FIELDS, note),
            }
            for i in range(MAX_SOURCES)
        ]
        per = MAX_ALLOCATIONS // MAX_PROGRAMMES
        programmes = [
            {
                "name": f"programme {j}",
                "aggregation": "weighted",
                "allocations": [
                    {"source": f"source {(j + k) % MAX_SOURCES}", "labels": 1000 + k, "redundancy": 3}
                    for k in range(per)
                ],
            }
            for j in range(MAX_PROGRAMMES)
        ]
        uncertain = [name for name, q in QUANTITIES.items() if q.uncertain]
        return json.dumps(
            {
                "aliquant_scenario": 1,
                "assumptions": {name: _middle(name) for name in ("labels", "error_rate", "blind_spot")},
                "sources": sources,
                "programmes": programmes,
                "trajectory": {name: _middle(name) for name in names_in("rate")},
                "uncertainty": {
                    name: {"low": QUANTITIES[name].default, "high": QUANTITIES[name].default}
                    for name in uncertain
                },
            },
            indent=1,
        )

    bare = len(build("").encode())
    notes = MAX_SOURCES * len(SOURCE_FIELDS)
    text = build("x" * ((MAX_BYTES - bare) // notes))
    assert len(text.encode()) <= MAX_BYTES, len(text.encode())
    return text


def refused_sources() -> str:
    """20,000 sources from a preset, under MAX_BYTES: refused by count."""
    sources = [{"preset": "crowdworkers", "name": f"s{i}"} for i in range(20_000)]
    return json.dumps({"aliquant_scenario": 1, "sources": sources})


def refused_programmes() -> str:
    """15,000 one-allocation programmes, under MAX_BYTES: refused by count."""
    programmes = [{"allocations": [{"source": "crowdworkers", "labels": 1}]} for _ in range(15_000)]
    return json.dumps({"aliquant_scenario": 1, "programmes": programmes}, separators=(",", ":"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    rows = []
    worst = worst_accepted()
    scenario = scenario_from_json(worst)
    assert (len(scenario.sources), len(scenario.programmes)) == (MAX_SOURCES, MAX_PROGRAMMES)
    rows.append(
        ("worst accepted", len(worst.encode()), median_time(lambda: scenario_from_json(worst), args.repeats))
    )
    for name, text in (("20,000 sources (refused)", refused_sources()),
                       ("15,000 programmes (refused)", refused_programmes())):  # fmt: skip
        assert len(text.encode()) <= MAX_BYTES, (name, len(text.encode()))

        def refuse(text=text):
            try:
                scenario_from_json(text)
            except ScenarioError:
                return
            raise AssertionError("accepted")

        rows.append((name, len(text.encode()), median_time(refuse, args.repeats)))

    if args.json:
        print(json.dumps([{"file": n, "bytes": b, "seconds": s} for n, b, s in rows], indent=2))
    else:
        for name, size, seconds in rows:
            print(f"{name:30s} {size:>10,} bytes  {seconds * 1000:8.1f} ms")
        print(f"target: worst accepted under {TARGET_SECONDS * 1000:.0f} ms")
    return 0 if rows[0][2] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
