"""Simulation checks: the model against a direct simulation of its own assumptions, and a real learner.

Every simulation is seeded, so every number below is reproducible; intervals are 99% Wilson.
"""

import dataclasses
import math
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from aliquant_core import Assumptions, mixture_p_align, p_align, redundant_error_rate
from aliquant_core.simulate import (
    RESOLUTION,
    Estimate,
    bradley_terry_check,
    check,
    resolvable_point,
    simulate_mixture,
    simulate_p_align,
    wilson_interval,
)
from aliquant_core.sources import redundant_fooled_rate

from .reference import PLAIN, plain, plain_shared

# --- Wilson interval ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), Statistics in Medicine 17, Table I, method 3 (score interval, 95%);
        # statsmodels' proportion_confint(81, 263, alpha=0.05, method="wilson") gives the same.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_against_newcombe(successes, trials, low, high):
    got_low, got_high = wilson_interval(successes, trials, confidence=0.95)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_wilson_interval_by_formula_at_99_percent_and_vectorised():
    # By hand: 30 of 100 at 99%, z = Φ⁻¹(0.995) = 2.5758293035489; z²/n = 0.0663490,
    # centre = (0.3 + 0.0331745)/1.0663490 = 0.3124441, half = z·√(0.0021 + 0.0001659)/1.0663490
    # = 0.1226125/1.0663490 = 0.1149835: (0.197461, 0.427428).
    z = 2.5758293035489
    centre = (0.3 + z**2 / 200) / (1 + z**2 / 100)
    half = z * math.sqrt(0.3 * 0.7 / 100 + z**2 / 40_000) / (1 + z**2 / 100)
    low, high = wilson_interval([30, 0, 100], 100)
    assert low[0] == pytest.approx(centre - half, rel=1e-13)
    assert high[0] == pytest.approx(centre + half, rel=1e-13)
    assert (low[0], high[0]) == pytest.approx((0.197461, 0.427428), abs=1e-6)
    # At 0 successes the interval starts at 0 and ends at z²/(n + z²); at n successes symmetric.
    assert low[1] == 0.0
    assert high[1] == pytest.approx(z**2 / (100 + z**2), rel=1e-12)
    assert (low[2], high[2]) == pytest.approx((1 - high[1], 1.0), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"successes": 5, "trials": 0}, r"trials must be in \(0, ∞\)"),
        ({"successes": 11, "trials": 10}, r"successes must be in \[0, trials\]"),
        ({"successes": 5, "trials": 10, "confidence": 1.0}, r"confidence must be in \(0, 1\)"),
    ],
)
def test_wilson_interval_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        wilson_interval(**kwargs)


# --- one source: the analytic values inside the simulation's interval ----------------------------

REGIMES = {
    # q = (1 − h)(1 − ε) + hε with h = min(1, σ/f) at χ = 1: h = 0.4, q = 0.54, m = 50; P₁ ≈ 0.714.
    "quantity_suffices": {
        "labels": 1000,
        "error_rate": 0.3,
        "blind_spot": 0.02,
        "footprint": 0.05,
        "competitors_log10": math.log10(4),
    },
    # ε = ½: every label a coin flip, P₁ = ½ exactly (brief), P_align = ½² = ¼.
    "knife_edge_error": {
        "labels": 1000,
        "error_rate": 0.5,
        "blind_spot": 0.02,
        "footprint": 0.05,
        "competitors_log10": math.log10(2),
    },
    # h = σ = ½ (f = 1): q = ½ whatever ε, P₁ = ½, P_align = ¼.
    "knife_edge_blind": {
        "labels": 400,
        "error_rate": 0.2,
        "blind_spot": 0.5,
        "competitors_log10": math.log10(2),
    },
    # h = 0.1/0.15 = 2/3 > ½: q = 0.4, m = 30; P₁ ≈ 0.136, falling with N.
    "no_quantity_suffices": {
        "labels": 200,
        "error_rate": 0.2,
        "blind_spot": 0.1,
        "footprint": 0.15,
        "competitors_log10": math.log10(2),
    },
    # Redundancy r = 3 on the counts path: ε₃ = 0.216 at ε = 0.3; h = 0.1 + 0.5·(0.5 − 0.1) = 0.3.
    "redundancy": {
        "labels": 500,
        "error_rate": 0.3,
        "blind_spot": 0.1,
        "footprint": 0.2,
        "exploitation": 0.5,
        "redundancy": 3,
        "competitors_log10": math.log10(5),
    },
    # K_eff = 10³: too many to simulate directly, only the transform of P₁.
    "many_competitors": {
        "labels": 3000,
        "error_rate": 0.3,
        "blind_spot": 0.01,
        "footprint": 0.1,
        "competitors_log10": 3.0,
    },
}
# Worked out for the plain threat (tests/reference.py) and the first version's fooled rate
# φ = 1 − ε (so q = (1 − h)(1 − ε) + hε as written above): what is not stated above is PLAIN's.
REGIMES = {
    name: PLAIN | {"fooled_rate": 1.0 - values["error_rate"]} | values for name, values in REGIMES.items()
}
# A fooled rate of its own (φ ≠ 1 − ε), the simulation drawing fooled labels with φ (counts path)
# or each labeler with φ and a majority of them (redundancy, φ_r):
REGIMES |= {
    # h = 0.4 as in "quantity_suffices", φ = 0.6: q = 0.6·0.7 + 0.4·0.4 = 0.58 (0.54 at φ = 1 − ε).
    "own_fooled_rate": REGIMES["quantity_suffices"] | {"fooled_rate": 0.6},
    # h = 0.3, ε₃ = 0.216, φ = 0.75: φ₃ = 3·0.75²·0.25 + 0.75³ = 0.84375,
    # q = 0.7·0.784 + 0.3·0.15625 = 0.595675 (0.6136 at φ = 1 − ε).
    "own_fooled_rate_redundancy": REGIMES["redundancy"] | {"fooled_rate": 0.75},
}


#: The verdicts at 20,000 trials, seed 0 (measured): where 1 − P₁ is a few per cent or less (r = 3:
#: P₁ = 0.983; K_eff = 10³: P₁ = 0.99996) the interval for P₁ cannot tell a 25% change in 1 − P₁;
#: with r = 3 the direct P_align (K = 5, 0.92) still can, with K_eff = 10³ nothing can.
REGIME_VERDICTS = {
    "quantity_suffices": ("agrees", "agrees", "agrees"),
    "knife_edge_error": ("agrees", "agrees", "agrees"),
    "knife_edge_blind": ("agrees", "agrees", "agrees"),
    "no_quantity_suffices": ("agrees", "agrees", "agrees"),
    "redundancy": ("unresolvable", "unresolvable", "agrees"),
    "many_competitors": ("unresolvable", "unresolvable"),
    # Measured at seed 0: P₁ = 0.8731 (0.8669–0.8790) against 0.87140; with r = 3, 0.97418
    # (0.97112–0.97691) against 0.97298.
    "own_fooled_rate": ("agrees", "agrees", "agrees"),
    "own_fooled_rate_redundancy": ("agrees", "agrees", "agrees"),
}


@pytest.mark.parametrize("name", list(REGIMES))
def test_analytic_values_inside_the_simulated_interval(name):
    kwargs = REGIMES[name]
    result = simulate_p_align(**kwargs, trials=20_000, seed=0)
    assert tuple(c.verdict for c in result.checks) == REGIME_VERDICTS[name], result.reason
    assert result.verdict == ("unresolvable" if name == "many_competitors" else "agrees")
    assert result.p_single.trials == 20_000
    assert result.p_single_check.inside, (result.p_single, result.analytic_p_single)
    assert result.p_align_check.inside, (result.p_align, result.analytic_p_align)
    k_eff = 10 ** kwargs.get("competitors_log10", 0.0)
    if k_eff <= 64:
        assert result.p_align_direct is not None
        assert result.p_align_direct_check.inside, (result.p_align_direct, result.analytic_p_align)
    else:
        assert result.p_align_direct is None
    # The analytic values are the core's own, at the majority's ε_r and φ_r.
    r = kwargs.get("redundancy", 1)
    direct = p_align(
        kwargs["labels"],
        redundant_error_rate(kwargs["error_rate"], r),
        **{k: v for k, v in kwargs.items() if k not in ("labels", "error_rate", "redundancy")}
        | {"fooled_rate": redundant_fooled_rate(kwargs["fooled_rate"], r)},
    )
    assert result.analytic_p_single == float(direct.p_single)
    assert result.analytic_p_align == float(direct.p_align)


@pytest.mark.parametrize("name", ["own_fooled_rate", "own_fooled_rate_redundancy"])
@pytest.mark.parametrize("per_labeler", [False, True])
def test_simulation_follows_a_fooled_rate_of_its_own(name, per_labeler):
    # φ ≠ 1 − ε: the simulation draws fooled labels with φ (per labeler, a majority of r each
    # fooled with φ) and agrees with the analytic P₁, while the first version's value (φ = 1 − ε:
    # 0.71354 and 0.98917, above) lies outside its interval: the check sees the fooled rate.
    kwargs = REGIMES[name]
    result = simulate_p_align(**kwargs, trials=20_000, seed=0, per_labeler=per_labeler)
    assert result.p_single_check.verdict == "agrees", result.reason
    assert result.p_align_check.inside
    first = p_align(
        kwargs["labels"],
        redundant_error_rate(kwargs["error_rate"], kwargs.get("redundancy", 1)),
        **{k: v for k, v in kwargs.items() if k not in ("labels", "error_rate", "redundancy")}
        | {"fooled_rate": 1.0 - redundant_error_rate(kwargs["error_rate"], kwargs.get("redundancy", 1))},
    )
    assert not result.p_single.contains(float(first.p_single))


def test_regimes_are_the_ones_named():
    # Guard for the table above: the core classes each scenario as its name says.
    expected = {
        "quantity_suffices": "quantity_suffices",
        "knife_edge_error": "knife_edge",
        "knife_edge_blind": "knife_edge",
        "no_quantity_suffices": "no_quantity_suffices",
    }
    for name, regime in expected.items():
        kwargs = {k: v for k, v in REGIMES[name].items() if k != "redundancy"}
        assert p_align(**kwargs).regime == regime


def test_knife_edge_estimates_a_half():
    # ε = ½: P₁ = ½ (brief); the seeded estimate is 0.49765 in (0.4885, 0.5068).
    result = simulate_p_align(**REGIMES["knife_edge_error"], trials=20_000, seed=0)
    assert result.analytic_p_single == 0.5
    assert result.p_single.contains(0.5)
    assert result.p_align_direct.contains(0.25)


def test_no_informative_labels_is_a_coin_flip():
    # m = 0: every trial ties, P₁ = ½ exactly; three competitors with coin flips: ½³ = 0.125.
    result = simulate_p_align(0, 0.1, trials=20_000, **plain(competitors_log10=math.log10(3)))
    assert result.p_single.value == 0.5
    assert result.p_align.value == pytest.approx(0.125, rel=1e-12)
    assert result.p_align_direct.contains(0.125)
    assert result.agrees


def test_p_align_is_the_monotone_transform_of_the_p_single_interval():
    # K_eff = 10³⁰·2⁻⁹⁰ = 0.8 → 1 (brief: K_eff = max(1, …)); and at K_eff = 10³ the endpoints map
    # through P ↦ P^1000.
    result = simulate_p_align(**REGIMES["quantity_suffices"] | {"competitors_log10": 3.0}, trials=20_000)
    single = result.p_single
    assert result.p_align.value == pytest.approx(single.value**1000, rel=1e-10)
    assert result.p_align.low == pytest.approx(single.low**1000, rel=1e-10)
    assert result.p_align.high == pytest.approx(single.high**1000, rel=1e-10)
    capped = simulate_p_align(100, 0.3, trials=1000, **plain(competitors_log10=30, prior_bits=110))
    assert capped.effective_competitors_log10 == 0.0
    assert capped.p_align == capped.p_single


# --- redundancy: the per-labeler path checks the ε_r formula -------------------------------------


def test_per_labeler_majority_matches_the_redundant_error_rate():
    # One item (N = 1, f = 1, σ = 0): P₁ = 1 − ε_r. By hand ε₃ = 3·0.2²·0.8 + 0.2³ = 0.104, so
    # P₁ = 0.896; drawn vote by vote, 200,000 trials.
    result = simulate_p_align(1, 0.2, redundancy=3, per_labeler=True, trials=200_000, seed=3, **PLAIN)
    assert result.analytic_p_single == pytest.approx(0.896, abs=1e-15)
    assert result.p_single.contains(0.896)


@pytest.mark.parametrize("redundancy", [1, 3, 4, 5])
def test_per_labeler_path_agrees_with_the_formula(redundancy):
    # m = 30 items, σ = 0.2, f = 0.5, χ = 1 → h = 0.4: blind-spot items are wrong when the
    # majority is fooled (each labeler with the table's φ = 0.8362, the majority with φ_r), and an
    # even r breaks ties by a coin (r = 4 does as well as r = 3). Analytic P₁ (through ε_r and φ_r):
    # 0.43749 (r = 1), 0.49602 (r = 3, 4), 0.56771 (r = 5).
    result = simulate_p_align(
        60,
        0.3,
        redundancy=redundancy,
        trials=20_000,
        per_labeler=True,
        seed=1,
        **plain(blind_spot=0.2, footprint=0.5, competitors_log10=math.log10(3)),
    )
    assert result.p_single_check.inside, (result.p_single, result.analytic_p_single)
    assert result.p_align_check.inside
    assert result.p_align_direct_check.inside


def test_per_labeler_and_counts_paths_agree_closely():
    # The same scenario at r = 3 with 200,000 trials each (half-width about 0.003): both paths
    # contain the analytic 0.49602 (the table's φ) and each other's estimate. (Measured with the
    # first version's φ = 1 − ε, analytic 0.73206: at 20,000 trials, seeds 1 and 2 differed by 2.8
    # standard errors; 400,000 trials per path showed no bias.)
    kwargs = PLAIN | {"labels": 60, "error_rate": 0.3, "blind_spot": 0.2, "footprint": 0.5, "redundancy": 3}
    by_labeler = simulate_p_align(**kwargs, trials=200_000, per_labeler=True, seed=1)
    by_counts = simulate_p_align(**kwargs, trials=200_000, seed=2)
    assert by_labeler.p_single_check.inside
    assert by_counts.p_single_check.inside
    _close(by_labeler.p_single, by_counts.p_single)


def test_per_labeler_path_with_binomial_informative_counts():
    # m varies per trial: the per-labeler path masks the items beyond each trial's m.
    kwargs = PLAIN | {"labels": 80, "error_rate": 0.25, "blind_spot": 0.1, "footprint": 0.5, "trials": 20_000}
    by_labeler = simulate_p_align(**kwargs, informative="binomial", per_labeler=True, seed=4)
    by_counts = simulate_p_align(**kwargs, informative="binomial", seed=5)
    _close(by_labeler.p_single, by_counts.p_single)


# --- mixtures ----------------------------------------------------------------------------------

MIXTURE = {
    # f = 0.25, χ = 1 → h_s = min(1, σ_s/f): 0.2 and 0.8; one fooled rate for both, φ = 0.9:
    # q = 0.8·0.65 + 0.2·0.1 = 0.54 and 0.2·0.9 + 0.8·0.1 = 0.26 (the second source is worse than
    # a coin on this footprint: pooled and weighted it hurts, the oracle reads it backwards). On
    # ordinary items q̄ = 0.95·0.65 + 0.05·0.1 = 0.6225 and 0.8·0.9 + 0.2·0.1 = 0.74, so the
    # weighted aggregation gives the second source the larger, positive weight.
    "labels": [400, 120],
    "error_rate": [0.35, 0.1],
    "blind_spot": [0.05, 0.2],
    "fooled_rate": 0.9,
    "footprint": 0.25,
    "competitors_log10": math.log10(3),
}
MIXTURE = plain_shared() | MIXTURE


@pytest.mark.parametrize("aggregation", ["pooled", "weighted", "oracle"])
def test_two_source_mixture_inside_the_simulated_interval(aggregation):
    result = simulate_mixture(**MIXTURE, aggregation=aggregation, trials=20_000, seed=0)
    analytic = mixture_p_align(
        MIXTURE["labels"],
        MIXTURE["error_rate"],
        MIXTURE["blind_spot"],
        aggregation=aggregation,
        **plain_shared(footprint=0.25, competitors_log10=math.log10(3), fooled_rate=0.9),
    )
    assert bool(analytic.exact)  # enumeration, so the comparison tests the simulation alone
    assert result.analytic_p_single == float(analytic.p_single)
    np.testing.assert_allclose(result.label_win_prob, [0.54, 0.26], rtol=1e-14)
    assert result.p_single_check.inside, (result.p_single, result.analytic_p_single)
    assert result.p_align_check.inside
    assert result.p_align_direct_check.inside, (result.p_align_direct, result.analytic_p_align)
    # Measured (seed 0): pooled P₁ = 0.280 (analytic 0.28217) and weighted 0.060 (0.05943)
    # resolve; the oracle's 0.99826 (1 − P₁ = 1.7e-3, 35 failures expected in 20,000) cannot tell
    # a 25% change in 1 − P₁.
    expected = "unresolvable" if aggregation == "oracle" else "agrees"
    assert result.verdict == expected, result.reason


def test_oracle_mixture_beats_pooled_here():
    # Measured (seed 0): pooled P₁ ≈ 0.280, oracle ≈ 0.9987: reading the bad source backwards
    # turns it from a liability into evidence, which only an oracle knowing q_s on this
    # competitor's footprint can do.
    pooled = simulate_mixture(**MIXTURE, aggregation="pooled", trials=20_000)
    oracle = simulate_mixture(**MIXTURE, aggregation="oracle", trials=20_000)
    assert pooled.p_single.high < oracle.p_single.low


def test_weighted_mixture_does_not_read_the_bad_source_backwards():
    # Knowable weights (q̄ = 0.6225, 0.74, above) give the q = 0.26 source the larger positive weight
    # ln(0.74/0.26) = 1.046 against ln(0.6225/0.3775) = 0.500: its 120 labels drag the score down more
    # than pooling does, so weighted P₁ lies below the pooled one and far below the oracle's. Both
    # the simulation and mixture_p_align use these weights (programme._aggregation_weights).
    pooled = simulate_mixture(**MIXTURE, aggregation="pooled", trials=20_000)
    weighted = simulate_mixture(**MIXTURE, aggregation="weighted", trials=20_000)
    assert weighted.p_single.high < pooled.p_single.low
    assert weighted.p_single_check.inside


def test_mixture_with_redundancy_and_a_perfect_source():
    # Redundancy per source: ε₃ at 0.35 = 3·0.35²·0.65 + 0.35³ = 0.28175.
    result = simulate_mixture(
        **MIXTURE | {"competitors_log10": 0.0},
        redundancy=[3, 1],
        aggregation="weighted",
        trials=20_000,
        seed=0,
    )
    # Inside every interval; whether P₁ so near 1 can be resolved depends on the weights.
    assert all(c.inside for c in result.checks), result.reason
    assert result.verdict != "disagrees"
    # A source that is never wrong and never fooled (q = 1) has an infinite weight and decides.
    perfect = simulate_mixture(
        [10, 1000], [0.0, 0.4], [0.0, 0.5], aggregation="weighted", trials=2_000, seed=0, **plain_shared()
    )
    assert perfect.p_single.value == 1.0
    assert perfect.analytic_p_single == 1.0


# --- the Binomial(N, f) variant ----------------------------------------------------------------


def _binomial_variant_p_single(labels, error_rate, blind_share, footprint):
    """E[P₁(m)] for m ~ Binomial(N, f), by summing the core's P₁ over m (h held fixed)."""
    m = np.arange(labels + 1)
    weights = stats.binom.pmf(m, labels, footprint)
    single = p_align(m, error_rate, **plain(blind_spot=blind_share, footprint=1.0, exploitation=0.0)).p_single
    return float(np.sum(weights * single))


def test_binomial_informative_labels_differ_by_order_1e_3():
    # N = 300, f = 0.1, ε = 0.3, σ = 0: the model fixes m = 30 (even; P₁ = 0.988346); drawing
    # m ~ Binomial(300, 0.1) gives E[P₁(m)] = 0.987250 (summed exactly below). Measured by
    # simulation (10⁶ trials, seed 1): 0.98726, a difference of −1.09e-3, mostly parity (an even
    # jury does only as well as the odd one below it).
    fixed = simulate_p_align(300, 0.3, trials=1_000_000, seed=0, **plain(footprint=0.1))
    variant = simulate_p_align(
        300, 0.3, trials=1_000_000, seed=1, informative="binomial", **plain(footprint=0.1)
    )
    expected = _binomial_variant_p_single(300, 0.3, 0.0, 0.1)
    assert expected == pytest.approx(0.987250, abs=1e-6)
    assert fixed.p_single_check.inside
    assert variant.p_single.contains(expected)
    assert not variant.p_single_check.inside  # the fixed-m model's value is outside the variant's interval
    difference = variant.p_single.value - fixed.analytic_p_single
    assert -2e-3 < difference < -5e-4


@pytest.mark.parametrize(
    ("labels", "error_rate", "footprint"),
    [(300, 0.3, 0.1), (401, 0.45, 0.5), (1000, 0.3, 0.05), (1000, 0.4, 0.1), (2000, 0.45, 0.1)],
)
def test_binomial_variant_effect_is_at_most_a_few_1e_3(labels, error_rate, footprint):
    # Exact effects (summed over m): −1.10e-3, −7.1e-4, −3.1e-4, −3.4e-4, −9.3e-5.
    fixed = float(p_align(labels, error_rate, **plain(footprint=footprint)).p_single)
    effect = _binomial_variant_p_single(labels, error_rate, 0.0, footprint) - fixed
    assert 1e-5 < abs(effect) < 3e-3


# --- reproducibility and speed -----------------------------------------------------------------


def _close(a: Estimate, b: Estimate):
    """Two independent estimates differ by less than their intervals' half-widths combined."""
    half = math.hypot((a.high - a.low) / 2, (b.high - b.low) / 2)
    assert abs(a.value - b.value) <= half, (a, b)


def test_same_seed_same_numbers_other_seed_close():
    kwargs = REGIMES["quantity_suffices"] | {"trials": 20_000}
    first = simulate_p_align(**kwargs, seed=11)
    assert simulate_p_align(**kwargs, seed=11) == first
    other = simulate_p_align(**kwargs, seed=12)
    assert other.p_single != first.p_single
    _close(first.p_single, other.p_single)
    _close(first.p_align_direct, other.p_align_direct)
    mixture = simulate_mixture(**MIXTURE, trials=5_000, seed=11)
    again = simulate_mixture(**MIXTURE, trials=5_000, seed=11)
    assert (mixture.p_single, mixture.p_align_direct) == (again.p_single, again.p_align_direct)
    tried = bradley_terry_check(200, 0.3, trials=50, seed=11, **plain(blind_spot=0.1))
    repeated = bradley_terry_check(200, 0.3, trials=50, seed=11, **plain(blind_spot=0.1))
    assert repeated.ranked_above == tried.ranked_above


def test_twenty_thousand_trials_of_ten_thousand_labels_under_two_seconds():
    # Measured: about 0.01 s (the counts path costs a few draws per trial whatever N is).
    start = time.perf_counter()
    result = simulate_p_align(10_000, 0.45, trials=20_000, **plain(blind_spot=0.01, footprint=1.0))
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0
    # q = 0.99·0.55 + 0.01·0.45 = 0.549 and m = 10,000: 1 − P₁ = 4.5e-23 (core), inside the
    # interval and far too small to resolve.
    assert all(c.inside for c in result.checks)
    assert result.verdict == "unresolvable"


# --- Bradley–Terry learner beside counting -----------------------------------------------------


def test_bradley_terry_agrees_with_the_counting_regime():
    # Derived at the first version's fooled rate φ = 1 − ε (so q = (1 − h)(1 − ε) + hε).
    # q = 0.9·0.9 + 0.1·0.1 = 0.82 (σ = 0.1, f = 1): counting P₁ ≈ 1, and so does the learner.
    above = bradley_terry_check(1000, 0.1, trials=500, seed=0, **plain(blind_spot=0.1, fooled_rate=0.9))
    assert above.counting_p_single > 0.999
    assert above.ranked_above.value >= 0.99
    assert above.converged
    # Its coefficients approach (logit 0.9, −2·logit 0.9, 0) = (2.197, −4.394, 0).
    np.testing.assert_allclose(above.mean_coefficients, above.limit_coefficients, atol=0.1)
    # σ = 0.7: q = 0.3·0.9 + 0.7·0.1 = 0.34, counting P₁ ≈ 0, and the learner ranks it last too.
    below = bradley_terry_check(1000, 0.1, trials=500, seed=0, **plain(blind_spot=0.7, fooled_rate=0.9))
    assert below.counting_p_single < 1e-3
    assert below.ranked_above.value <= 0.01
    # ε = ½: nothing to learn, both a coin flip.
    edge = bradley_terry_check(1000, 0.5, trials=500, seed=0, **plain(blind_spot=0.1, fooled_rate=0.5))
    assert edge.counting_p_single == 0.5
    assert edge.ranked_above.contains(0.5)


def test_bradley_terry_differs_from_counting_near_the_knife_edge():
    # The first version's fooled rate φ = 1 − ε = 0.95:
    # ε = 0.05, h = σ = 0.47, m = 1,000: q = 0.53·0.95 + 0.47·0.05 = 0.527, counting P₁ = 0.95622
    # (core). Measured (seed 0): the learner ranks the aligned policy first in 0.880
    # (0.838–0.913) of 500 datasets; counting on the same datasets 0.941. The delta method
    # predicts Φ(0.06·logit(0.95)·√(1000·0.05·0.95)) = Φ(1.2175) = 0.8883 for the learner:
    # fitting log-odds to the rare, nearly always wrong blind-spot labels is noisy.
    start = time.perf_counter()
    scenario = plain(blind_spot=0.47, fooled_rate=0.95)
    result = bradley_terry_check(1000, 0.05, trials=500, seed=0, **scenario)
    elapsed = time.perf_counter() - start
    assert elapsed < 10.0  # measured about 0.5 s
    assert result.counting_p_single == pytest.approx(float(p_align(1000, 0.05, **scenario).p_single))
    assert result.counting_p_single == pytest.approx(0.95622, abs=1e-5)
    assert result.counting_simulated.contains(result.counting_p_single)
    assert result.learner_normal_approximation == pytest.approx(0.8883, abs=1e-4)
    assert result.ranked_above.contains(result.learner_normal_approximation)
    assert result.ranked_above.high < result.counting_p_single
    assert result.ridge == 0.01


def test_bradley_terry_normal_approximation_at_more_datasets():
    # The first version's fooled rate φ = 1 − ε = 0.9:
    # ε = 0.1, h = 0.45: Φ(0.1·logit(0.9)·√90) = Φ(2.0845) = 0.98144 against counting's 0.99435;
    # measured with 4,000 datasets (seed 5): 0.98175 (0.9754–0.9865).
    result = bradley_terry_check(1000, 0.1, trials=4_000, seed=5, **plain(blind_spot=0.45, fooled_rate=0.9))
    assert result.learner_normal_approximation == pytest.approx(0.98144, abs=1e-5)
    assert result.ranked_above.contains(result.learner_normal_approximation)
    assert result.ranked_above.high < result.counting_p_single


def test_bradley_terry_fit_survives_separable_data():
    # ε = 0: outside blind spots every label is right, inside every one wrong; the ridge keeps θ
    # finite, and with h = 0.2 < ½ the learner still ranks the aligned policy first.
    result = bradley_terry_check(1000, 0.0, trials=100, seed=0, **plain(blind_spot=0.2))
    assert np.all(np.isfinite(result.mean_coefficients))
    assert result.ranked_above.value == 1.0
    assert np.isinf(result.limit_coefficients[0])


def test_bradley_terry_with_many_competitors():
    # K_eff = 10: P_align = P₁¹⁰ on both sides.
    result = bradley_terry_check(300, 0.3, trials=200, seed=0, **plain(blind_spot=0.1, competitors_log10=1.0))
    assert result.learned_p_align.value == pytest.approx(result.ranked_above.value**10, rel=1e-10)
    assert result.counting_p_align == pytest.approx(result.counting_p_single**10, rel=1e-10)


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: simulate_p_align(-1, 0.1), r"labels must be in \[0, 1e12\]"),
        (lambda: simulate_p_align(10, 0.6), r"error_rate must be in \[0, 0.5\]"),
        (lambda: simulate_p_align(10, 0.1, footprint=0), r"footprint must be in \(0, 1\]"),
        (
            lambda: simulate_p_align(10, 0.1, competitors_log10=301),
            r"competitors_log10 must be in \[0, 300\]",
        ),
        (lambda: simulate_p_align([10, 20], 0.1), "labels must be a single number"),
        (lambda: simulate_p_align(10.5, 0.1, informative="binomial"), "labels must be a whole number"),
        (lambda: simulate_p_align(10, 0.1, informative="poisson"), "informative must be one of"),
        (lambda: simulate_p_align(10, 0.1, redundancy=0), r"redundancy must be a whole number in \[1, 99\]"),
        (lambda: simulate_p_align(10, 0.1, trials=0), "trials must be a whole number ≥ 1"),
        (lambda: simulate_p_align(10, 0.1, agreement=0.8), "give exactly one of error_rate"),
        (lambda: simulate_p_align(1e9, 0.1, per_labeler=True), "per_labeler draws"),
        (lambda: simulate_mixture([[1, 2]], [0.1, 0.2], [0, 0]), "one axis, over sources"),
        (lambda: simulate_mixture([1, 2], [0.1, 0.2], [0, 0], aggregation="mean"), "aggregation must be"),
        (lambda: bradley_terry_check(100, 0.1, ridge=-1), r"ridge must be in \[0, ∞\)"),
        (lambda: bradley_terry_check(1e9, 0.1), "Bradley–Terry check draws"),
    ],
)
def test_invalid_input_names_the_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_agreement_instead_of_error_rate():
    # a = 0.82 → ε = (1 − √0.64)/2 = 0.1 (brief's formula).
    by_agreement = simulate_p_align(50, agreement=0.82, trials=2_000, **PLAIN)
    by_error = simulate_p_align(50, 0.1, trials=2_000, **PLAIN)
    assert by_agreement.analytic_p_single == pytest.approx(by_error.analytic_p_single, rel=1e-12)


# --- verdicts: a check that can fail ------------------------------------------------------------


def test_check_by_hand():
    # P₁ = 0.9, tail 1 − P₁ = 0.1: a 25% change gives 1 − 0.075 = 0.925 and 1 − 0.125 = 0.875,
    # a gap of 0.025. An interval 0.01 wide resolves it, one 0.03 wide does not.
    tail = {"p_single": 0.9, "log10_tail": math.log10(0.1)}
    narrow = check("P1", Estimate(0.9, 0.895, 0.905, 20_000), 0.9, **tail)
    assert narrow.perturbed == pytest.approx((0.925, 0.875), rel=1e-12)
    assert narrow.resolution_gap == pytest.approx(0.025, rel=1e-9)
    assert (narrow.verdict, narrow.inside, narrow.resolvable) == ("agrees", True, True)
    wide = check("P1", Estimate(0.9, 0.885, 0.915, 20_000), 0.9, **tail)
    assert (wide.verdict, wide.resolvable) == ("unresolvable", False)
    assert "cannot resolve: the interval spans [0.885, 0.915]" in wide.reason
    assert check("P1", Estimate(0.9, 0.895, 0.905, 20_000), 0.92, **tail).verdict == "disagrees"
    # Outside a wide interval is still a failure: a disagreement is informative at any width.
    assert check("P1", Estimate(0.9, 0.885, 0.915, 20_000), 0.92, **tail).verdict == "disagrees"
    # K_eff = 2: the perturbed values squared, 0.925² = 0.855625 and 0.875² = 0.765625.
    squared = check("P_align", Estimate(0.81, 0.8, 0.82, 20_000), 0.81, **tail, log_competitors=math.log(2))
    assert squared.perturbed == pytest.approx((0.855625, 0.765625), rel=1e-12)
    assert squared.verdict == "agrees"
    # Below ½ the tail is P₁ itself: P₁ = 0.2 → 0.15 and 0.25.
    low = check("P1", Estimate(0.2, 0.195, 0.205, 20_000), 0.2, p_single=0.2, log10_tail=math.log10(0.2))
    assert low.perturbed == pytest.approx((0.15, 0.25), rel=1e-12)
    assert low.verdict == "agrees"


def test_default_programme_check_cannot_resolve():
    # The table's defaults: N = 10⁵, ε = 0.1638, K_eff = 10²⁰, 1 − P₁ = 1.01e-21 (core), P_align
    # 0.9039. 20,000 trials (seed 0) all favour the aligned policy: P₁'s interval is
    # [0.999668, 1] (Wilson at 20,000 of 20,000: 1 − z²/(n + z²) = 0.999668), and raised to 10²⁰
    # it is [0, 1]. Before this verdict existed the check reported both as "inside".
    result = simulate_p_align(Assumptions(), trials=20_000, seed=0)
    assert result.p_single.low == pytest.approx(1 - 2.5758293035489**2 / (20_000 + 2.5758293035489**2))
    assert (result.p_align.low, result.p_align.high) == (0.0, 1.0)
    assert result.analytic_p_align == pytest.approx(0.903871, abs=1e-6)
    assert all(c.inside for c in result.checks)  # what the old check called agreement
    assert [c.verdict for c in result.checks] == ["unresolvable", "unresolvable"]
    assert result.verdict == "unresolvable"
    assert not result.agrees
    assert "P_align: cannot resolve: the interval spans [0, 1]" in result.reason


def _tail_scaled(evaluate, factor):
    """A wrong model: ``evaluate`` with the tail of P₁ (1 − P₁ where P₁ ≥ ½, else P₁) times ``factor``,
    and P_align = P₁^K_eff recomputed from it."""

    def wrong(*args, **kwargs):
        right = evaluate(*args, **kwargs)
        p_single = float(right.p_single)
        k_eff = 10.0 ** float(right.effective_competitors_log10)
        if p_single >= 0.5:
            failure = float(right.single_failure) * factor
            single, log10_failure = 1.0 - failure, float(right.log10_single_failure) + math.log10(factor)
        else:
            single = p_single * factor
            failure, log10_failure = 1.0 - single, math.log10(1.0 - single)
        aligned = math.exp(k_eff * math.log(single))
        return dataclasses.replace(
            right,
            p_single=single,
            single_failure=failure,
            log10_single_failure=log10_failure,
            p_align=aligned,
            p_misalign=1.0 - aligned,
        )

    return wrong


#: Each path's check at a point where it resolves (P₁ ≈ 0.71, 0.71, 0.73, 0.63, 0.24; K_eff 4, 4, 3, 3, 3).
PATHS = {
    "counts": lambda: simulate_p_align(**REGIMES["quantity_suffices"], trials=20_000, seed=0),
    "binomial": lambda: simulate_p_align(
        **REGIMES["quantity_suffices"], trials=20_000, seed=0, informative="binomial"
    ),
    "per_labeler": lambda: simulate_p_align(
        60,
        0.3,
        redundancy=3,
        per_labeler=True,
        trials=20_000,
        seed=1,
        **plain(blind_spot=0.2, footprint=0.5, competitors_log10=math.log10(3)),
    ),
    "mixture": lambda: simulate_mixture(**MIXTURE, aggregation="pooled", trials=20_000, seed=0),
    # One competitor: with three the weighted P_align (2.1e-4) is too small for its direct draw to
    # resolve a 25% change at 20,000 trials (measured, seed 0); with one it is P₁ = 0.0594.
    "weighted mixture": lambda: simulate_mixture(
        **MIXTURE | {"competitors_log10": 0.0}, aggregation="weighted", trials=20_000, seed=0
    ),
}


@pytest.mark.parametrize("path", list(PATHS))
@pytest.mark.parametrize("factor", [1 - RESOLUTION, 1 + RESOLUTION])
def test_a_wrong_formula_fails_each_check(monkeypatch, path, factor):
    # The right formula agrees; a formula whose tail of P₁ is 25% off disagrees on every check.
    right = PATHS[path]()
    assert right.verdict == "agrees", right.reason
    assert all(c.verdict == "agrees" for c in right.checks), right.reason
    name = "mixture_p_align" if "mixture" in path else "p_align"
    monkeypatch.setattr(f"aliquant_core.simulate.{name}", _tail_scaled(globals()[name], factor))
    wrong = PATHS[path]()
    assert wrong.p_single == right.p_single  # the same draws, only the formula differs
    assert wrong.analytic_p_single != right.analytic_p_single
    assert [c.verdict for c in wrong.checks] == ["disagrees"] * len(wrong.checks), wrong.reason
    assert wrong.verdict == "disagrees"


def test_per_labeler_draw_catches_a_wrong_majority_formula(monkeypatch):
    # A formula that forgot the majority vote (ε_r = ε at r = 3: P₁ 0.288 instead of 0.496) is
    # caught by drawing every labeler, not by the counts path, which draws through the same ε_r.
    monkeypatch.setattr(
        "aliquant_core.simulate.redundant_error_rate", lambda error_rate, redundancy: error_rate
    )
    scenario = plain(blind_spot=0.2, footprint=0.5, competitors_log10=math.log10(3))
    kwargs = {"redundancy": 3, "trials": 20_000, "seed": 1, **scenario}
    assert simulate_p_align(60, 0.3, per_labeler=True, **kwargs).verdict == "disagrees"
    assert simulate_p_align(60, 0.3, **kwargs).verdict == "agrees"


@pytest.mark.parametrize("factor", [1 - RESOLUTION, 1, 1 + RESOLUTION])
def test_an_unresolvable_check_stays_unresolvable_right_or_wrong(monkeypatch, factor):
    # At the default programme a 25% change in 1 − P₁ (1e-21) lands inside the intervals too:
    # neither the right formula nor a wrong one gets a pass.
    monkeypatch.setattr("aliquant_core.simulate.p_align", _tail_scaled(p_align, factor))
    result = simulate_p_align(Assumptions(), trials=20_000, seed=0)
    assert result.verdict == "unresolvable"
    assert not result.agrees


def test_resolvable_point_of_the_default_programme():
    # At 20,000 trials the aimed tail is 0.1 (16z²/(nδ²) = 0.085 < 0.1/0.9, so clipped to 0.1): the
    # N on the grid with 1 − P₁ nearest 0.1, the sidebar's ε, σ, f, χ. K = round(ln ½/ln P₁).
    point = resolvable_point(Assumptions(), trials=20_000)
    assert point.aimed_tail == 0.1
    assert point.p_single == pytest.approx(0.9, abs=0.005)
    competitors = round(10**point.competitors_log10)
    assert competitors == round(math.log(0.5) / math.log(point.p_single)) == 7
    assert point.p_align == pytest.approx(point.p_single**7, rel=1e-12)
    there = simulate_p_align(
        Assumptions(), labels=point.labels, competitors_log10=point.competitors_log10, prior_bits=0
    )
    assert there.p_align_direct is not None
    assert there.verdict == "agrees", there.reason
    assert all(c.verdict == "agrees" for c in there.checks)


def test_resolvable_point_with_few_trials_and_below_a_half():
    # 1,000 trials: the aim is the tail ½ (16z²/(nδ²) = 1.70, t = 0.63, clipped); the nearest whole
    # N with an informative label has m = 1, P₁ = q = 0.567 (the default q).
    few = resolvable_point(Assumptions(), trials=1_000)
    assert few.aimed_tail == 0.5
    assert few.p_single == pytest.approx(0.5669038, abs=1e-7)
    assert (
        simulate_p_align(Assumptions(), labels=few.labels, competitors_log10=0, trials=1_000).verdict
        == "agrees"
    )
    # 100 trials: no point resolves (the interval at P₁ ≈ ½ is 0.25 wide, the gap 0.11); said so.
    hundred = simulate_p_align(Assumptions(), labels=few.labels, competitors_log10=0, trials=100)
    assert hundred.verdict == "unresolvable"
    # q < ½ (h = 2/3, q = 0.4): P₁ itself is the tail, aimed at 0.1, one competitor.
    below = resolvable_point(0.2, **plain(blind_spot=0.1, footprint=0.15))
    assert below.p_single == pytest.approx(0.1, abs=0.01)
    assert below.competitors_log10 == 0.0
    # q = ½: every N gives P₁ = ½; the scenario's N stays.
    edge = resolvable_point(0.5, labels=1234, **PLAIN)
    assert (edge.labels, edge.p_single) == (1234, 0.5)


def test_bradley_terry_runs_at_the_redundancy_counting_uses():
    # One comparison per dataset (N = 1, f = 1), σ = 0.1, the first version's φ = 1 − ε = 0.7 (so
    # φ₃ = 1 − ε₃): with r = 3, ε₃ = 3·0.3²·0.7 + 0.3³ = 0.216, q = 0.9·0.784 + 0.1·0.216 = 0.7272
    # = P₁; with r = 1 it would be 0.9·0.7 + 0.1·0.3 = 0.66.
    scenario = plain(blind_spot=0.1, fooled_rate=0.7)
    result = bradley_terry_check(1, 0.3, redundancy=3, trials=2_000, seed=0, **scenario)
    assert result.redundancy == 3
    assert result.vote_error_rate == pytest.approx(0.216, abs=1e-15)
    assert result.counting_p_single == pytest.approx(0.7272, abs=1e-12)
    assert result.counting_check.verdict == "agrees", result.counting_check.reason
    # The datasets are majority-voted: the r = 1 value is outside counting's interval on them.
    assert not result.counting_simulated.contains(0.66)
    # And the counting check fails for a formula 25% off in 1 − P₁.
    for factor in (1 - RESOLUTION, 1 + RESOLUTION):
        wrong = check(
            "counting P1",
            result.counting_simulated,
            1 - (1 - result.counting_p_single) * factor,
            p_single=result.counting_p_single,
            log10_tail=math.log10(1 - result.counting_p_single),
        )
        assert wrong.verdict == "disagrees"


@settings(max_examples=300, deadline=None)
@given(
    p_single=st.floats(0.001, 0.999),
    log_competitors=st.sampled_from([0.0, math.log(3), math.log(50)]),
    low_share=st.floats(0.0, 1.0),
    width=st.floats(1e-6, 0.5),
)
def test_agreement_means_a_perturbed_model_would_have_failed(p_single, log_competitors, low_share, width):
    # The definition, as a property: where the verdict is "agrees" neither perturbed value lies in
    # the interval (so a 25%-wrong model would have been told apart); "disagrees" exactly when the
    # analytic value lies outside.
    tail = min(p_single, 1.0 - p_single)
    analytic = p_single ** math.exp(log_competitors)
    low = max(0.0, analytic - low_share * width)
    estimate = Estimate(analytic, low, min(1.0, low + width), 1000)
    result = check(
        "P",
        estimate,
        analytic,
        p_single=p_single,
        log10_tail=math.log10(tail),
        log_competitors=log_competitors,
    )
    assert (result.verdict == "disagrees") == (not estimate.contains(analytic))
    if result.verdict == "agrees":
        assert not any(estimate.contains(value) for value in result.perturbed)
    else:
        assert result.verdict in ("disagrees", "unresolvable")
