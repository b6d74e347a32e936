"""Competitors judged on one shared dataset (issue #13, point 4): aliquant_core.shared_dataset.

Expected values come from the model brief's process summed directly in mpmath
(tests/reference.py, ``shared_dataset_reference``), from hand derivations quoted beside them, or
from a seeded simulation of the labels one by one.
"""

from __future__ import annotations

import itertools
import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aliquant_core as core
import aliquant_core.shared_dataset as shared_dataset
from aliquant_core import QuantityError, footprint_overlap, p_align, shared_p_align
from aliquant_core.simulate import wilson_interval

from . import strategies as s
from .reference import PLAIN, shared_dataset_reference

SETTINGS = settings(max_examples=60, deadline=None)


def plain_competitors(k: float) -> dict[str, float]:
    """The plain threat (no blind spot, every situation informative) with K = k competitors."""
    return {**PLAIN, "competitors_log10": math.log10(k)}


def test_two_competitors_two_common_labels_by_hand():
    # Two labels, both common (ρ = 1), each right with chance 0.8, K = 2:
    # both won (0.64): every competitor loses; split (2·0.8·0.2 = 0.32): each ties and loses on
    # its own coin flip, both with ¼; both lost: none. P = 0.64 + 0.32/4 = 0.72.
    # Independent contests: P₁ = 0.64 + 0.32/2 = 0.8 and P₁² = 0.64.
    r = shared_p_align(2, 0.2, overlap=1, **plain_competitors(2))
    assert float(r.p_align) == pytest.approx(0.72, rel=1e-14)
    assert float(r.p_misalign) == pytest.approx(0.28, rel=1e-14)
    assert float(r.p_align_independent) == pytest.approx(0.64, rel=1e-14)
    assert float(r.p_align_one_contest) == pytest.approx(0.8, rel=1e-14)
    # Bonferroni: 1 − 2·0.2 = 0.6.
    assert float(r.p_align_any_dependence) == pytest.approx(0.6, rel=1e-14)
    assert (float(r.common_labels), float(r.own_labels)) == (2.0, 0.0)


@pytest.mark.parametrize(
    ("labels", "error_rate", "overlap", "competitors"),
    [
        (200, 0.4, 0.3, 10),
        (400, 0.45, 0.5, 100),
        (1000, 0.45, 0.9, 1e4),
        (3000, 0.42, 0.5, 1e20),  # independent gives 1.2e-25; the shared figure 0.99907
        (3000, 0.42, 0.99, 1e20),  # 1 − P_align = 1.1355e-16, far below the complement's rounding
        (2000, 0.2, 0.3, 1e6),  # 1 − P_align = 2.2e-190: the misalignment side's own sum
        (301, 0.3, 0.5, 7.5),  # an odd total and a fractional K_eff
    ],
)
def test_matches_direct_summation(labels, error_rate, overlap, competitors):
    r = shared_p_align(labels, error_rate, overlap=overlap, **plain_competitors(competitors))
    q = float(p_align(labels, error_rate, **plain_competitors(competitors)).label_win_prob)
    align, misalign = shared_dataset_reference(int(r.common_labels), int(r.own_labels), q, competitors)
    assert float(r.p_align) == pytest.approx(float(align), rel=1e-10, abs=1e-300)
    assert float(r.p_misalign) == pytest.approx(float(misalign), rel=1e-8, abs=1e-300)


def test_overlap_zero_is_the_independent_formula_and_one_competitor_is_p1():
    a = core.Assumptions()
    zero = shared_p_align(a, overlap=0.0)
    assert zero.p_align == p_align(a).p_align  # ρ = 0: P₁^K exactly (the same computation)
    one = shared_p_align(a, overlap=0.7, competitors_log10=0.0)
    assert one.p_align == pytest.approx(float(p_align(a, competitors_log10=0.0).p_single), rel=1e-15)


def test_the_default_scenario_lies_well_above_the_independent_figure():
    # At the table's defaults (ρ = 0.29 for footprints placed at random): P₁^K = 0.9039, the
    # shared figure 0.998544 (direct summation over its 1,450 common labels agrees: see
    # test_matches_direct_summation for the method), P₁ = 1 − 1.0e-21.
    r = shared_p_align(core.Assumptions())
    assert float(r.p_align_independent) == pytest.approx(0.90387, abs=1e-5)
    assert float(r.p_align) == pytest.approx(0.998544, abs=1e-6)
    assert float(r.common_labels) == 1450.0  # round(0.29 · 0.05 · 100,000)


@SETTINGS
@given(
    labels=st.integers(min_value=0, max_value=3000),
    error_rate=s.error_rate,
    threat=s.threat,
    overlap=s.overlap,
)
def test_lies_in_the_range_the_model_allows(labels, error_rate, threat, overlap):
    # Harris–FKG: P₁^K ≤ P(ρ) ≤ P₁; Bernoulli: Bonferroni ≤ P₁^K. Slack: a few ulps of rounding.
    r = shared_p_align(labels, error_rate, overlap=overlap, **threat)
    assert 0.0 <= r.p_align_any_dependence <= r.p_align_independent * (1 + 1e-12) + 1e-300
    assert r.p_align_independent <= r.p_align * (1 + 1e-9) + 1e-300
    assert r.p_align <= r.p_align_one_contest * (1 + 1e-12)
    assert abs(r.p_align + r.p_misalign - 1.0) <= 1e-12


@pytest.mark.parametrize(("error_rate", "competitors"), [(0.4, 10.0), (0.45, 100.0), (0.3, 1e6)])
def test_more_overlap_never_lowers_p_align(error_rate, competitors):
    # More labels in common couples the contests more tightly (positive dependence grows).
    values = [
        float(shared_p_align(400, error_rate, overlap=rho, **plain_competitors(competitors)).p_align)
        for rho in np.linspace(0.0, 1.0, 21)
    ]
    assert all(b >= a * (1 - 1e-12) for a, b in itertools.pairwise(values))
    assert values[-1] > values[0]


def test_agrees_with_scalar_calls_over_an_array():
    labels = np.array([[1000.0], [30_000.0]])
    rho = np.array([0.0, 0.3, 1.0])
    r = shared_p_align(labels, 0.3, overlap=rho, blind_spot=0.05)
    assert r.p_align.shape == (2, 3)
    for i, j in np.ndindex(2, 3):
        one = shared_p_align(float(labels[i, 0]), 0.3, overlap=float(rho[j]), blind_spot=0.05)
        assert r.p_align[i, j] == one.p_align


def test_coarse_grid_beyond_exact_terms_is_accurate(monkeypatch):
    # 10^10 labels just off the knife edge: 1.45e8 common labels, a range of about 2.6e5 terms.
    # Summed one by one (EXACT_TERMS raised to 5,000,001) against the default grid of 50,001:
    # measured relative errors 2.3e-11 (P_align) and 8.3e-9 (1 − P_align); the module states 1e-6.
    args = dict(labels=1e10, error_rate=0.5 - 2.1e-4, blind_spot=0.0, overlap=0.29)
    coarse = shared_p_align(**args)
    monkeypatch.setattr(shared_dataset, "EXACT_TERMS", 5_000_001)
    full = shared_p_align(**args)
    assert float(coarse.p_align) == pytest.approx(float(full.p_align), rel=1e-6)
    assert float(coarse.p_misalign) == pytest.approx(float(full.p_misalign), rel=1e-6)
    assert 0.99 < float(full.p_align) < 0.999  # a mid-range answer: the check has something to check
    assert float(full.p_align_independent) < 0.75


def _simulate_common_pool(common, own, error_rate, fooled_rate, blind, competitors, trials, seed):
    """The model's process label by label: each label in a blind spot with chance h (then right with
    chance 1 − φ), else right with chance 1 − ε; the common labels are drawn once per dataset, each
    competitor's own labels separately; a tie is the competitor's own coin flip."""
    rng = np.random.default_rng(seed)
    wins = 0
    for _ in range(trials):
        in_blind = rng.random(common) < blind
        right = np.where(in_blind, rng.random(common) >= fooled_rate, rng.random(common) >= error_rate)
        shared_score = 2 * int(right.sum()) - common
        in_blind = rng.random((competitors, own)) < blind
        right = np.where(
            in_blind,
            rng.random((competitors, own)) >= fooled_rate,
            rng.random((competitors, own)) >= error_rate,
        )
        scores = shared_score + 2 * right.sum(axis=1) - own
        ties = scores == 0
        wins += bool(np.all(scores >= 0) and np.all(rng.random(int(ties.sum())) < 0.5))
    return wins, trials


@pytest.mark.parametrize(("competitors", "error_rate", "seed"), [(2, 0.46, 1), (10, 0.46, 2), (100, 0.44, 3)])
def test_simulated_label_by_label_at_small_k(competitors, error_rate, seed):
    # 400 informative labels, ρ = 0.3 (120 common), σ = 0.02 with χ = 0.65 at f = 1 (h = 0.02),
    # fooled there with the table's φ = 0.8362; ε near ½ so that the answers are mid-range
    # (shared_p_align: 0.827, 0.514, 0.500; K = 100 at ε = 0.44, as at 0.45 it would be 0.27,
    # where a 10% shift no longer leaves the interval).
    threat = {
        **PLAIN,
        "blind_spot": 0.02,
        "fooled_rate": core.DEFAULTS["fooled_rate"],
        "exploitation": 0.65,
        "competitors_log10": math.log10(competitors),
    }
    r = shared_p_align(400, error_rate, overlap=0.3, **threat)
    h = float(p_align(400, error_rate, **threat).blind_share)
    wins, trials = _simulate_common_pool(
        int(r.common_labels), int(r.own_labels), error_rate, threat["fooled_rate"], h, competitors, 4000, seed
    )
    low, high = wilson_interval(wins, trials, 0.999)
    assert low <= float(r.p_align) <= high
    # The check can fail: a 10% shift of the analytic value falls outside the interval ...
    assert not low <= float(r.p_align) * 0.9 <= high
    # ... and from K = 10 on so does the independent figure P₁^K (0.361 and 0.156 against 0.514
    # and 0.500); at K = 2 the two differ by 0.011 (0.816 against 0.827), inside the interval's ±0.02.
    if competitors >= 10:
        assert not low <= float(r.p_align_independent) <= high


def test_footprint_overlap_by_hand_and_by_placing_footprints():
    # σ = 0: nothing is blind, h = 0, ρ = f (two random footprints of share f share f of each).
    assert float(footprint_overlap(0.0, 0.05, 0.65)) == pytest.approx(0.05, rel=1e-15)
    # σ = 1: every situation is blind, h = 1, ρ = f·(1/1) = f.
    assert float(footprint_overlap(1.0, 0.05, 0.65)) == pytest.approx(0.05, rel=1e-15)
    # Defaults σ = 0.03, f = 0.05, χ = 0.65: h = 0.03 + 0.65·(0.6 − 0.03) = 0.4005;
    # ρ = 0.05·(0.4005²/0.03 + 0.5995²/0.97) = 0.05·(5.34668 + 0.37052) = 0.285860.
    assert float(footprint_overlap(0.03, 0.05, 0.65)) == pytest.approx(0.285860, abs=1e-6)
    assert core.DEFAULTS["overlap"] == 0.29  # the table's default: the value above, rounded
    # Placing two footprints at random in 200,000 situations (seeded) shares that share, within
    # sampling error (the shared count is hypergeometric: sd under 0.006 of 10,000 here).
    rng = np.random.default_rng(7)
    n, sigma, f, h = 200_000, 0.03, 0.05, 0.4005
    blind, footprint_size = int(sigma * n), int(f * n)
    inside, outside = int(h * footprint_size), footprint_size - int(h * footprint_size)

    def place():
        return set(rng.choice(blind, inside, replace=False)) | set(
            blind + rng.choice(n - blind, outside, replace=False)
        )

    shared = len(place() & place()) / footprint_size
    assert shared == pytest.approx(0.285860, abs=0.02)


@SETTINGS
@given(blind_spot=s.blind_spot, footprint=s.footprint, exploitation=s.exploitation)
def test_footprint_overlap_is_a_share(blind_spot, footprint, exploitation):
    rho = float(footprint_overlap(blind_spot, footprint, exploitation))
    assert 0.0 <= rho <= 1.0
    # It is never below f: random placement shares f, and concentrating in blind spots only adds.
    assert rho >= footprint * (1 - 1e-12)


@pytest.mark.parametrize("bad", [-0.01, 1.01, math.nan, "lots"])
def test_an_overlap_outside_its_range_is_refused_with_the_range(bad):
    with pytest.raises(
        QuantityError, match=r"overlap must be in \[0, 1\]|overlap must be a number in \[0, 1\]"
    ):
        shared_p_align(1000, 0.2, overlap=bad)


def test_deep_misalignment_against_mpmath():
    # 3,000 labels, ε = 0.42, K = 10^20, ρ = 0.99 (2,970 common, 30 own): mpmath at 60 digits,
    # summing every term (tests/reference.py's double sum), gives 1 − P_align = 1.135464923e-16,
    # which the complement 1 − P_align in doubles cannot hold.
    r = shared_p_align(3000, 0.42, overlap=0.99, **plain_competitors(1e20))
    assert float(r.p_misalign) == pytest.approx(1.135464923e-16, rel=1e-8)
    with mp.workdps(20):
        assert mp.mpf(float(r.p_align)) + mp.mpf(float(r.p_misalign)) == pytest.approx(1.0, abs=2e-16)
