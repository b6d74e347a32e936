"""Speed of programmes, curves, the optimiser, uncertainty and Sobol indices (issues 3 and 4).

Run: ``python benchmarks/bench_programmes.py`` (``--json`` for machine-readable output). Exits
non-zero if a target is missed. Every time is the median of repeated runs, and each is shown beside
a floor measured in the same run (a bare SciPy ``betainc`` over the same number of points), since
these machines are noisy and the ratio is the steadier number.

Targets (issue 3, 4): a 200-point curve with mixtures under 50 ms; the budget-split optimiser under
100 ms; 20,000 uncertainty draws with P_align and required labels under 0.5 s; Sobol indices for
every uncertain input under 2 s; 20,000 simulated trials of 10,000 labels under 2 s.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aliquant_core import PRESETS, best_split, budget_split_curve
from aliquant_core.uncertainty import UNCERTAIN_QUANTITIES, sensitivity, uncertainty
from benchmarks.timing import median_time
from tests.reference import INTERVALS


def floor(points: int, repeats: int) -> float:
    a = np.full(points, 2500.0)
    x = np.linspace(0.3, 0.45, points)
    return median_time(lambda: special.betainc(a, a, x), repeats)


def simulation_case():
    try:
        from aliquant_core.simulate import simulate_p_align
    except ImportError:
        return None
    return lambda: simulate_p_align(
        10_000,
        0.2,
        blind_spot=0.02,
        footprint=1.0,
        exploitation=0.5,
        competitors_log10=3,
        trials=20_000,
        seed=0,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    crowd, expert = PRESETS["crowdworkers"], PRESETS["experts"]
    cases = [
        (
            "200-point budget-split curve, pooled",
            0.050,
            200,
            lambda: budget_split_curve(crowd, expert, 1e5, points=200),
        ),
        (
            "200-point budget-split curve, weighted",
            0.050,
            200,
            lambda: budget_split_curve(crowd, expert, 1e5, points=200, aggregation="weighted"),
        ),
        ("best split of a budget, pooled", 0.100, 200, lambda: best_split(crowd, expert, 1e5)),
        (
            "best split of a budget, weighted",
            0.100,
            200,
            lambda: best_split(crowd, expert, 1e5, aggregation="weighted"),
        ),
        (
            "20,000 uncertainty draws (P_align + required labels)",
            0.5,
            20_000,
            lambda: uncertainty(INTERVALS, draws=20_000, seed=0),
        ),
        (
            f"Sobol indices, {len(UNCERTAIN_QUANTITIES)} inputs, n = 1024",
            2.0,
            1024 * 9,
            lambda: sensitivity(INTERVALS, samples=1024, seed=0),
        ),
    ]
    simulate = simulation_case()
    if simulate is not None:
        cases.append(("20,000 simulated trials of 10,000 labels", 2.0, 20_000, simulate))
    rows = []
    for name, target, points, func in cases:
        seconds = median_time(func, max(3, args.repeats if target < 1 else 5))
        base = floor(points, args.repeats)
        rows.append(
            {
                "case": name,
                "seconds": seconds,
                "target_seconds": target,
                "floor_seconds": base,
                "ratio_to_floor": seconds / base,
                "pass": seconds <= target,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'case':<56} {'median':>10} {'target':>8} {'floor':>10} {'ratio':>8}  result")
        for r in rows:
            print(
                f"{r['case']:<56} {r['seconds'] * 1e3:>8.1f}ms {r['target_seconds'] * 1e3:>6.0f}ms "
                f"{r['floor_seconds'] * 1e3:>8.2f}ms {r['ratio_to_floor']:>8.1f}  "
                + ("pass" if r["pass"] else "MISS")
            )
    return 0 if all(r["pass"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
