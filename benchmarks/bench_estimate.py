"""Estimating label quality from the user's labels (issue #16): 100,000 labels on 30,000 items under 2 s.

Run: ``python benchmarks/bench_estimate.py`` (``--json`` for machine-readable output). Exits
non-zero if the target is missed.

The data: :func:`aliquant_core.simulate_annotations` with 30,000 items, 300 labelers, ε = 0.15,
σ = 0.05 and 2,000 gold items; 10,000 items get 4 labels and 20,000 get 3 (100,000 labels).
Timed, each the median of 5 runs on one core:

* ``estimate_quality`` (the whole estimate: agreement, the one-coin Dawid–Skene fit, σ, and every
  interval with 400 bootstrap resamples), the issue's target;
* ``one_coin_dawid_skene`` alone;
* ``parse_annotations`` of the same labels as a long-layout CSV (what an upload adds);
* the floor: one ``np.bincount`` over the 100,000 labels (the unit of work the EM repeats), so the
  ratio says how many passes over the data the estimate costs, on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

# One core, as the target says: BLAS and OpenMP pools to one thread before NumPy starts them.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aliquant_core import (  # noqa: E402
    annotations_from_arrays,
    estimate_quality,
    one_coin_dawid_skene,
    parse_annotations,
    simulate_annotations,
)
from benchmarks.timing import median_time  # noqa: E402

TARGET_SECONDS = 2.0
ITEMS, LABELS = 30_000, 100_000


def data():
    """100,000 labels on 30,000 items: 10,000 items with 4 labels and 20,000 with 3."""
    four = simulate_annotations(items=10_000, labelers_per_item=4, annotators=300, error_rate=0.15,
                                blind_spot=0.05, gold_items=1_000, seed=1)  # fmt: skip
    three = simulate_annotations(items=20_000, labelers_per_item=3, annotators=300, error_rate=0.15,
                                 blind_spot=0.05, gold_items=1_000, seed=2)  # fmt: skip
    labels = annotations_from_arrays(
        np.concatenate([four.item, three.item + four.n_items]),
        np.concatenate([four.annotator, three.annotator]),
        np.concatenate([four.choice, three.choice]),
        np.concatenate([four.gold, three.gold]),
        name="benchmark",
    )
    assert (labels.n_items, labels.n_labels) == (ITEMS, LABELS)
    return labels


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    labels = data()
    csv = "item,annotator,choice\n" + "".join(
        f"i{i},w{w},{'AB'[c]}\n" for i, w, c in zip(labels.item, labels.annotator, labels.choice, strict=True)
    )
    result = estimate_quality(labels)
    times = {
        "estimate_quality": median_time(lambda: estimate_quality(labels), warm=False),
        "one_coin_dawid_skene": median_time(lambda: one_coin_dawid_skene(labels), warm=False),
        "parse_annotations (CSV, %.1f MB)" % (len(csv) / 1e6): median_time(
            lambda: parse_annotations(csv), 3, warm=False
        ),
        "floor: one np.bincount": median_time(
            lambda: np.bincount(labels.item, weights=labels.choice), 50, warm=False
        ),
    }
    floor = times["floor: one np.bincount"]
    report = {
        "labels": LABELS,
        "items": ITEMS,
        "annotators": labels.n_annotators,
        "cpus": os.cpu_count(),
        "seconds": times,
        "ratio_to_floor": {name: t / floor for name, t in times.items()},
        "target_seconds": TARGET_SECONDS,
        "dawid_skene_iterations": result.iterations,
        "estimates": {"error_rate": result.error_rate.to_dict(), "blind_spot": result.blind_spot.to_dict()},
    }
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print(
            f"{LABELS:,} labels, {ITEMS:,} items, {labels.n_annotators} labelers "
            f"({result.iterations} EM iterations)"
        )
        for name, t in times.items():
            print(f"  {name:<40} {t * 1e3:9.1f} ms   {t / floor:8.0f} × floor")
        print(f"  estimates: ε {result.error_rate.value:.4f} [{result.error_rate.low:.4f}, "
              f"{result.error_rate.high:.4f}], σ {result.blind_spot.value:.4f} [{result.blind_spot.low:.4f}, "
              f"{result.blind_spot.high:.4f}] (drawn with ε = 0.15, σ = 0.05)")  # fmt: skip
        verdict = "meets" if times["estimate_quality"] < TARGET_SECONDS else "MISSES"
        print(f"estimate_quality {verdict} the target of {TARGET_SECONDS} s")
    return 0 if times["estimate_quality"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
