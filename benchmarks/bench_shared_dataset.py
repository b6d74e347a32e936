"""Competitors on one shared dataset (issue 13): time of the headline figure, and how the common-pool
model compares with footprints placed at random.

Run: ``python benchmarks/bench_shared_dataset.py`` (``--json`` for machine-readable output;
``--trials`` to change the simulation's size). Exits non-zero if a target is missed.

Two parts:

* **Time.** :func:`aliquant_core.shared_p_align` at the table's defaults and at the scenarios that
  need the most terms (10^10 to 10^12 labels near the knife edge), each the median of repeated runs,
  beside a floor measured in the same run (one ``p_align`` call, the independent figure the page
  shows anyway). Target: every scenario under 0.25 s, so the Overview's rerun stays interactive.
* **Model.** The common-pool model (``overlap`` labels common to every competitor, the rest each
  one's own) at ρ = :func:`aliquant_core.footprint_overlap`, against a seeded simulation of the
  process it stands for: one dataset of situations, σ of them blind spots; K competitors, each
  placing hf of its footprint inside the blind spots and the rest outside, at random; each label
  right with chance 1 − ε outside blind spots and ε inside. Reported, not judged: the random
  placement has no labels common to all competitors, only pairwise overlaps, so the two models
  differ by design; the table says by how much, and in which direction.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aliquant_core import Assumptions, footprint_overlap, p_align, shared_p_align
from aliquant_core._math import blind_share
from aliquant_core.simulate import wilson_interval
from benchmarks.timing import median_time

TARGET_SECONDS = 0.25

#: (name, keywords of shared_p_align over the table's defaults).
TIMED = (
    ("table defaults (N = 1e5)", {}),
    ("N = 1e8", {"labels": 1e8}),
    ("N = 1e10 near the knife edge", {"labels": 1e10, "error_rate": 0.5 - 2.1e-4, "blind_spot": 0.0}),
    ("N = 1e12 near the knife edge", {"labels": 1e12, "error_rate": 0.5 - 2.1e-5, "blind_spot": 0.0}),
    ("N = 1e12, ρ = 0.9", {"labels": 1e12, "error_rate": 0.5 - 2.5e-5, "blind_spot": 0.0, "overlap": 0.9}),
)

#: (situations, ε, σ, f, χ, K) for the placement comparison.
PLACED = (
    (4000, 0.30, 0.03, 0.05, 0.65, 10),
    (4000, 0.30, 0.03, 0.05, 0.65, 100),
    (3000, 0.25, 0.05, 0.10, 0.80, 50),
    (4000, 0.46, 0.00, 0.10, 0.00, 20),
)


def timings() -> list[dict]:
    base = Assumptions()
    rows = []
    for name, changes in TIMED:
        a = base.replace(**changes)
        seconds = median_time(lambda a=a: shared_p_align(a))
        floor = median_time(lambda a=a: p_align(a))
        rows.append(
            {"scenario": name, "seconds": seconds, "floor_seconds": floor, "ok": seconds < TARGET_SECONDS}
        )
    return rows


def placed_simulation(situations, error_rate, blind_spot, footprint, exploitation, competitors, trials, rng):
    """P(every competitor loses) with footprints placed at random on one dataset (see the module notes)."""
    h = float(blind_share(blind_spot, footprint, exploitation))
    blind = round(blind_spot * situations)
    size = round(footprint * situations)
    inside = round(h * size)
    outside = size - inside
    is_blind = np.arange(situations) < blind
    wins = 0.0
    for _ in range(trials):
        right = np.where(is_blind, rng.random(situations) < error_rate, rng.random(situations) >= error_rate)
        sign = np.where(right, 1, -1)
        all_lose = 1.0
        for _ in range(competitors):
            score = 0
            if inside:
                score += int(sign[rng.choice(blind, inside, replace=False)].sum())
            score += int(sign[blind + rng.choice(situations - blind, outside, replace=False)].sum())
            all_lose *= 1.0 if score > 0 else 0.5 if score == 0 else 0.0
            if all_lose == 0.0:
                break
        wins += all_lose
    return wins, trials


def placements(trials: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    rows = []
    for situations, eps, sigma, f, chi, k in PLACED:
        rho = float(footprint_overlap(sigma, f, chi))
        threat = {
            "blind_spot": sigma,
            "footprint": f,
            "exploitation": chi,
            "competitors_log10": math.log10(k),
        }
        model = shared_p_align(situations, eps, overlap=rho, **threat)
        wins, n = placed_simulation(situations, eps, sigma, f, chi, k, trials, rng)
        low, high = wilson_interval(wins, n, 0.95)
        rows.append(
            {
                "situations": situations,
                "error_rate": eps,
                "blind_spot": sigma,
                "footprint": f,
                "exploitation": chi,
                "competitors": k,
                "overlap": rho,
                "simulated": wins / n,
                "interval_95": [float(low), float(high)],
                "common_pool": float(model.p_align),
                "independent": float(model.p_align_independent),
                "one_contest": float(model.p_align_one_contest),
            }
        )
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--trials", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    timed, placed = timings(), placements(args.trials, args.seed)
    if args.json:
        print(json.dumps({"timings": timed, "placements": placed}, indent=2))
    else:
        print(f"{'scenario':<32}{'shared_p_align':>16}{'p_align (floor)':>18}  target < {TARGET_SECONDS} s")
        for row in timed:
            mark = "ok" if row["ok"] else "MISSED"
            print(
                f"{row['scenario']:<32}{row['seconds'] * 1e3:>13.1f} ms"
                f"{row['floor_seconds'] * 1e3:>15.2f} ms  {mark}"
            )
        print()
        print(
            f"{'N':>6}{'ε':>6}{'σ':>6}{'f':>6}{'χ':>6}{'K':>5}{'ρ':>7}  {'placed at random (95%)':<26}"
            f"{'common pool':>12}{'independent':>13}{'P1':>8}"
        )
        for r in placed:
            low, high = r["interval_95"]
            print(
                f"{r['situations']:>6}{r['error_rate']:>6}{r['blind_spot']:>6}{r['footprint']:>6}"
                f"{r['exploitation']:>6}{r['competitors']:>5}{r['overlap']:>7.3f}  "
                f"{r['simulated']:.4f} [{low:.4f}, {high:.4f}]    {r['common_pool']:>10.4f}"
                f"{r['independent']:>13.4f}{r['one_contest']:>8.4f}"
            )
    return 0 if all(row["ok"] for row in timed) else 1


if __name__ == "__main__":
    sys.exit(main())
