"""Competitor classes (issue #17, point 2): the 200 × 200 grid against three classes.

Run: ``python benchmarks/bench_classes.py`` (``--json`` for machine-readable output, ``--repeats N``
to change the 41 repeats). Exits 1 if a target is missed.

Target (issue #17): :func:`aliquant_core.classes_p_align` on a 200 × 200 grid (N log-spaced, ε
linear) with three classes stays within 2× of one bare ``scipy.special.betainc`` per point per
class, the floor measured in the same run: ``betainc(a_c, a_c, x_c)`` for each class c, with
:math:`a_c = \\lceil \\operatorname{round}(f_c N)/2 \\rceil` and :math:`x_c = 1 - q_c` computed as
the model does, i.e. one exact binomial tail per point per class (three calls of 40,000 points).
Candidate and floor alternate (which runs first alternates), garbage collector off; each grid runs
in a fresh interpreter, as in ``benchmarks/bench_core.py`` (see its notes on page faults). Times are
CPU time (``time.process_time_ns``), since the machine is shared. Judged on the ratio of the
medians; the ratio of the minima is shown beside it, and for context the one-class
:func:`aliquant_core.p_align` called once per class against the same floor (``3×p_align``), what
the classes' own arithmetic adds to.

The three classes: the table's own competitor (10²⁰, f = 0.05, χ = 0.65), the "targeted few"
preset (10², footprint = the blind spot, χ = 1) and a broad, mild class (10¹⁰, f = 0.3, χ = 0.1).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy import special

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aliquant_core import (
    DEFAULTS,
    TARGETED_FEW,
    CompetitorClass,
    _math,
    classes_p_align,
    p_align,
)
from benchmarks.timing import interleaved

GRID_SIZE = 200
RATIO_TARGET = 2.0

CLASSES = (
    CompetitorClass("competitors"),
    TARGETED_FEW,
    CompetitorClass("broad and mild", competitors_log10=10.0, footprint=0.3, exploitation=0.1),
)

#: Name → (N range, ε range), from benchmarks/bench_core.py's grids.
GRIDS = {
    "full span: N 1–1e12, ε 0–0.5": ((1.0, 1e12), (0.0, 0.5)),
    "realistic: N 1e3–1e7, ε 0.05–0.35": ((1e3, 1e7), (0.05, 0.35)),
    "ε near ½: N 1e3–1e7, ε 0.45–0.5": ((1e3, 1e7), (0.45, 0.5)),
    "N near 1e12: N 1e9–1e12, ε 0.05–0.35": ((1e9, 1e12), (0.05, 0.35)),
}


def shared() -> dict[str, float]:
    return {name: float(DEFAULTS[name]) for name in ("blind_spot", "fooled_rate", "prior_bits")}


def axes(span):
    (n_low, n_high), (e_low, e_high) = span
    labels = np.logspace(np.log10(n_low), np.log10(n_high), GRID_SIZE)[:, None]
    error_rate = np.linspace(e_low, e_high, GRID_SIZE)[None, :]
    return labels, error_rate


def floor_arguments(labels, error_rate):
    """Per class, a = ⌈round(f·N)/2⌉ and x = 1 − q at every point, as the model computes them."""
    s = shared()
    out = []
    for c in CLASSES:
        blind = _math.blind_share(s["blind_spot"], c.footprint, c.exploitation)
        x = _math.label_loss_prob(error_rate, blind, s["fooled_rate"])
        a = _math.jury_half(_math.informative_labels(labels, c.footprint))
        a, x = np.broadcast_arrays(a, x)
        out.append((np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(x, dtype=float)))
    return out


def bench_grid(name: str, repeats: int) -> dict:
    labels, error_rate = axes(GRIDS[name])
    pieces = floor_arguments(labels, error_rate)
    threat = shared()

    def floor():
        for a, x in pieces:
            special.betainc(a, a, x)

    def candidate():
        classes_p_align(labels, error_rate, classes=CLASSES, **threat)

    def one_class_each():  # context: the one-class model once per class, what classes cannot beat
        for c in CLASSES:
            p_align(labels, error_rate, **threat, **c.threat)

    with np.errstate(all="ignore"):
        times = interleaved(
            {"floor": floor, "classes_p_align": candidate, "p_align": one_class_each},
            repeats,
            clock=time.process_time_ns,  # CPU time: the machine is shared
        )
    result = classes_p_align(labels, error_rate, classes=CLASSES, **threat)
    values = np.asarray(result.p_align)
    ratio_median = float(np.median(times["classes_p_align"]) / np.median(times["floor"]))
    return {
        "name": name,
        "points": int(labels.size * error_rate.size),
        "classes": len(CLASSES),
        "classes_p_align_ms_median": 1e3 * float(np.median(times["classes_p_align"])),
        "floor_ms_median": 1e3 * float(np.median(times["floor"])),
        "ratio_median": ratio_median,
        "ratio_min": float(np.min(times["classes_p_align"]) / np.min(times["floor"])),
        "p_align_per_class_ms_median": 1e3 * float(np.median(times["p_align"])),
        "p_align_per_class_ratio_median": float(np.median(times["p_align"]) / np.median(times["floor"])),
        "target_ratio": RATIO_TARGET,
        "passed": ratio_median <= RATIO_TARGET,
        "p_align_finite_in_0_1": bool(np.all(np.isfinite(values) & (values >= 0) & (values <= 1))),
        "binding_counts": {c.name: int(np.sum(result.binding_index == i)) for i, c in enumerate(CLASSES)},
    }


def fresh_grid(name: str, repeats: int) -> dict:
    run = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--grid", name, "--repeats", str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--grid", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.grid:
        print(json.dumps(bench_grid(args.grid, args.repeats)))
        return 0
    results = [fresh_grid(name, args.repeats) for name in GRIDS]
    ok = all(r["passed"] and r["p_align_finite_in_0_1"] for r in results)
    if args.json:
        print(json.dumps({"grids": results, "passed": ok}, indent=2))
    else:
        print(
            f"{'grid':<40} {'classes ms':>10} {'floor ms':>9} {'ratio':>6} {'(min)':>6}  "
            f"{'3×p_align':>9}  result"
        )
        for r in results:
            verdict = "pass" if r["passed"] else "FAIL"
            print(
                f"{r['name']:<40} {r['classes_p_align_ms_median']:>10.2f} {r['floor_ms_median']:>9.2f} "
                f"{r['ratio_median']:>6.2f} {r['ratio_min']:>6.2f}  "
                f"{r['p_align_per_class_ratio_median']:>9.2f}  {verdict}"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
