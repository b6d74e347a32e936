"""Agreement statistics and the presets derived from them (issue #13, point 2).

A published agreement figure is one of three statistics (``aliquant_core.anchors.AGREEMENT_STATISTICS``),
and each is inverted by its own formula:

* two labelers of one pool: a = (1 − ε)² + ε² (InstructGPT's 72.6% and 77.3%, Stiennon's 73%);
* one held-out labeler against the mode of r others of its pool: a = (1 − ε)(1 − ε_r) + ε·ε_r,
  ε_r the majority-of-r error (AlpacaEval's humans, r = 3). AlpacaEval's README defines its "human
  agreement" so: "we take one of the 4 annotations and compute the accuracy that it has when
  predicting the mode of the other 3 annotations. We then average this accuracy over all 4
  annotations and over the 650 instructions" (quoted in the project's anchors.md as "one held-out
  human's agreement with the mode of the other three");
* an outside judge against the mode of four humans of known error: a = (1 − ε_J)(1 − ε₄) + ε_J·ε₄
  (AlpacaEval's GPT-4, "the judge's agreement with the human majority (mode of four)" in anchors.md;
  the README breaks a tied mode at random, so ε₄ = ε₃).

Expected values are derived by hand below, checked against an mpmath enumeration
(``tests/reference.py``), and against a seeded simulation of the labelers that computes each
statistic the way AlpacaEval does.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import aliquant_core as core
from aliquant_core import anchors
from aliquant_core.quantities import QuantityError
from aliquant_core.sources import (
    PRESETS,
    error_rate_from_majority_agreement,
    error_rate_from_reference_agreement,
    majority_agreement_from_error_rate,
    redundant_error_rate,
    reference_agreement_from_error_rate,
)

from . import strategies as s
from .reference import error_rate_from_majority_agreement_reference, majority_agreement_reference

# -- hand derivations ------------------------------------------------------------------------------


def two_labeler_error_rate(agreement: float) -> float:
    """ε = (1 − √(2a − 1))/2, the root in [0, ½] of a = (1 − ε)² + ε² (anchors.md)."""
    return (1.0 - math.sqrt(2.0 * agreement - 1.0)) / 2.0


def majority_of_3_error_rate(agreement: float) -> float:
    """The root in [0, ½] of a = (1 − ε)(1 − ε₃) + ε·ε₃, ε₃ = 3ε² − 2ε³, in closed form.

    With u = 1 − 2ε: ½ − ε₃ = (3u − u³)/4 (expand 3p² − 2p³ at p = (1 + u)/2), so
    2a − 1 = 4(½ − ε)(½ − ε₃) = u²(3 − u²)/2, a quadratic in v = u²: v² − 3v + 2(2a − 1) = 0, whose
    root in [0, 1] is v = (3 − √(17 − 16a))/2 = 4(2a − 1)/(3 + √(17 − 16a)) (the second form
    without cancellation as a → ½).
    """
    v = 4.0 * (2.0 * agreement - 1.0) / (3.0 + math.sqrt(17.0 - 16.0 * agreement))
    return (1.0 - math.sqrt(v)) / 2.0


# AlpacaEval's crowdworkers, by hand: 17 − 16·0.657 = 6.488, √6.488 = 2.547155..., v = 0.226422...,
# u = 0.475838..., ε = 0.262081. The two-labeler formula would give (1 − √0.314)/2 = 0.219821.
CROWD_ERROR = majority_of_3_error_rate(0.657)
# The mode of four humans at that rate, ties a coin flip, errs as three do:
# ε₃ = 3ε² − 2ε³ = 3·0.0686863 − 2·0.0180014 = 0.2060589 − 0.0360027 = 0.170056.
HUMAN_MODE_ERROR = 3 * CROWD_ERROR**2 - 2 * CROWD_ERROR**3
# GPT-4: 0.666 = 1 − ε₄ − ε_J(1 − 2ε₄), so ε_J = (1 − 0.170056 − 0.666)/(1 − 0.340112) = 0.163944/0.659888
# = 0.248442.
JUDGE_ERROR = (1.0 - HUMAN_MODE_ERROR - 0.666) / (1.0 - 2.0 * HUMAN_MODE_ERROR)


def test_hand_values_are_the_ones_written_down():
    # The comments above, to the digits written there.
    for value, written in (
        (CROWD_ERROR, 0.262081),
        (two_labeler_error_rate(0.657), 0.219821),
        (HUMAN_MODE_ERROR, 0.170056),
        (JUDGE_ERROR, 0.248442),
    ):
        assert abs(value - written) < 1e-6, (value, written)


def test_majority_agreement_by_hand():
    # ε = 0.2, r = 3: ε₃ = 3·0.04·0.8 + 0.008 = 0.104; a = 0.8·0.896 + 0.2·0.104 = 0.7376.
    assert majority_agreement_from_error_rate(0.2, 3) == pytest.approx(0.7376, abs=1e-15)
    # r = 1 is two labelers: 0.8² + 0.2² = 0.68.
    assert majority_agreement_from_error_rate(0.2, 1) == pytest.approx(0.68, abs=1e-15)
    # An even r with coin-flip ties errs as r − 1 does, so agrees as r − 1 does.
    assert majority_agreement_from_error_rate(0.2, 4) == pytest.approx(0.7376, abs=1e-15)
    assert majority_agreement_from_error_rate(0.2, 2) == pytest.approx(0.68, abs=1e-15)


@pytest.mark.parametrize("agreement", [0.5, 0.5 + 1e-12, 0.6, 0.657, 0.726, 0.9, 1 - 1e-9, 1.0])
def test_majority_of_3_inversion_matches_the_closed_form(agreement):
    expected = majority_of_3_error_rate(agreement)
    assert error_rate_from_majority_agreement(agreement, 3) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert error_rate_from_majority_agreement(agreement, 4) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("agreement", [0.5, 0.5 + 1e-12, 0.6, 0.657, 0.726, 0.773, 0.9, 1 - 1e-12, 1.0])
def test_one_other_labeler_is_the_two_labeler_formula(agreement):
    # The existing ε = (1 − √(2a − 1))/2, both as the formula and as the core's own function.
    expected = two_labeler_error_rate(agreement)
    assert error_rate_from_majority_agreement(agreement, 1) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert error_rate_from_majority_agreement(agreement, 1) == core.error_rate_from_agreement(agreement)
    # Two others, ties a coin flip, are one.
    assert error_rate_from_majority_agreement(agreement, 2) == core.error_rate_from_agreement(agreement)


def test_the_general_root_agrees_with_both_closed_forms():
    # The kernel's root finder, run where a closed form exists (h = 1 is normally short-cut).
    from scipy import special
    from scipy.optimize import elementwise

    from aliquant_core import _math

    a = np.linspace(0.5, 1.0, 201)
    for half, closed in ((1, two_labeler_error_rate), (2, majority_of_3_error_rate)):
        root = elementwise.find_root(
            lambda u, t, h: u * special.betainc(0.5, h, u * u) - t,
            (np.zeros_like(a), np.ones_like(a)),
            args=(2 * a - 1, float(half)),
        )
        assert np.all(root.success)
        np.testing.assert_allclose(0.5 * (1 - root.x), [closed(x) for x in a], rtol=0, atol=1e-15)
    # And the kernel's forward map is the definition a = (1 − ε)(1 − ε_r) + ε·ε_r.
    e = np.linspace(0.0, 0.5, 101)
    for r in (1, 3, 5, 9):
        e_r = redundant_error_rate(e, r)
        by_definition = (1 - e) * (1 - e_r) + e * e_r
        np.testing.assert_allclose(
            _math.majority_agreement_from_error_rate(e, _math.jury_half(r)), by_definition, rtol=0, atol=1e-15
        )


def test_ends_of_the_agreement_interval():
    # a = ½: coin-flip labels, the one error rate that agrees that little; a = 1: no error.
    for r in (1, 2, 3, 7, 99):
        assert error_rate_from_majority_agreement(0.5, r) == 0.5
        assert error_rate_from_majority_agreement(1.0, r) == 0.0
        assert majority_agreement_from_error_rate(0.5, r) == 0.5
        assert majority_agreement_from_error_rate(0.0, r) == 1.0


def test_judge_by_hand():
    # Reference errs 10%: a = 0.8·0.9 + 0.2·0.1 = 0.74, and back: (1 − 0.1 − 0.74)/0.8 = 0.2.
    assert reference_agreement_from_error_rate(0.2, 0.1) == pytest.approx(0.74, abs=1e-15)
    assert error_rate_from_reference_agreement(0.74, 0.1) == pytest.approx(0.2, abs=1e-15)
    # A perfect reference: agreement is accuracy.
    assert error_rate_from_reference_agreement(0.8, 0.0) == pytest.approx(0.2, abs=1e-15)
    # The ends: a = 1 − ε_ref is a perfect judge; a = ½ a coin-flip one.
    assert error_rate_from_reference_agreement(0.9, 0.1) == 0.0
    assert error_rate_from_reference_agreement(0.5, 0.1) == pytest.approx(0.5, abs=1e-15)


def test_functions_broadcast():
    a = np.array([0.6, 0.657, 0.8])[:, None]
    r = np.array([1, 3, 5, 9])
    got = error_rate_from_majority_agreement(a, r)
    assert got.shape == (3, 4)
    for i, ai in enumerate(a[:, 0]):
        for j, rj in enumerate(r):
            assert got[i, j] == error_rate_from_majority_agreement(float(ai), int(rj))
    assert majority_agreement_from_error_rate(got, r).shape == (3, 4)
    assert error_rate_from_reference_agreement(a, [0.0, 0.1, 0.2]).shape == (3, 3)
    assert isinstance(error_rate_from_majority_agreement(0.657, 3), float)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: error_rate_from_majority_agreement(0.4, 3), "agreement must be in [0.5, 1]; got 0.4"),
        (lambda: error_rate_from_majority_agreement(0.7, 0), "others must be a whole number in [1, 99]; got"),
        (lambda: error_rate_from_majority_agreement(0.7, 2.5), "others must be a whole number in [1, 99]"),
        (lambda: majority_agreement_from_error_rate(0.6, 3), "error_rate must be in [0, 0.5]; got 0.6"),
        (lambda: error_rate_from_reference_agreement(0.7, -0.1), "reference_error_rate must be in [0, 0.5]"),
        (lambda: error_rate_from_reference_agreement(0.7, 0.5), "reference_error_rate must be below 0.5"),
        (
            lambda: error_rate_from_reference_agreement(0.9, 0.2),
            "agreement 0.9 is not attainable against a reference that errs 0.2 of the time: even a "
            "labeler that never errs agrees with it only 1 − 0.2 = 0.8 of the time",
        ),
        (lambda: error_rate_from_reference_agreement(1.2, 0.2), "agreement must be in [0.5, 1]; got 1.2"),
    ],
)
def test_bad_input_says_what_is_allowed(call, message):
    with pytest.raises(QuantityError, match=__import__("re").escape(message)):
        call()


# -- the slow reference -----------------------------------------------------------------------------


@pytest.mark.parametrize("others", [1, 2, 3, 4, 5, 8, 15])
def test_against_the_mpmath_enumeration(others):
    e = np.linspace(0.0, 0.5, 26)
    expected = np.array([float(majority_agreement_reference(x, others)) for x in e])
    np.testing.assert_allclose(majority_agreement_from_error_rate(e, others), expected, rtol=0, atol=4.5e-16)
    for a in (0.5 + 1e-9, 0.55, 0.657, 0.666, 0.726, 0.95, 1 - 1e-9):
        expected = float(error_rate_from_majority_agreement_reference(a, others))
        assert error_rate_from_majority_agreement(a, others) == pytest.approx(expected, rel=0, abs=1e-15)


# -- properties -------------------------------------------------------------------------------------

others = st.integers(min_value=1, max_value=9)


@given(error_rate=s.error_rate, others=others)
def test_round_trip_error_rate_to_agreement_and_back(error_rate, others):
    a = majority_agreement_from_error_rate(error_rate, others)
    back = error_rate_from_majority_agreement(a, others)
    assert majority_agreement_from_error_rate(back, others) == pytest.approx(a, abs=4.5e-16)
    # The error rate is as good as a's rounding allows. With u = 1 − 2ε, 2a − 1 = u·g(u) with g
    # rising, so da/du ≥ (a − ½)/u, and a's rounding (an ulp, 1.1e-16) moves ε by at most
    # ½·ulp·u/(a − ½). Where a rounds to ½ itself, u ≤ √(2·ulp/g'(0)), under 1e-6 for r ≤ 9.
    u = 1.0 - 2.0 * error_rate
    slack = 1e-6 if a - 0.5 < 1e-12 else 2.2e-16 * u / (a - 0.5)
    assert back == pytest.approx(error_rate, abs=1e-15 + slack)


@given(agreement=s.agreement, others=others)
def test_round_trip_agreement_to_error_rate_and_back(agreement, others):
    e = error_rate_from_majority_agreement(agreement, others)
    assert 0.0 <= e <= 0.5
    assert majority_agreement_from_error_rate(e, others) == pytest.approx(agreement, abs=4e-16)


@given(a=s.error_rate, b=s.error_rate, others=others)
def test_agreement_falls_as_the_error_rate_rises(a, b, others):
    low, high = sorted((a, b))
    better, worse = (majority_agreement_from_error_rate(e, others) for e in (low, high))
    assert better >= worse
    if high - low > 1e-6:  # strictly, where the difference is resolvable in double precision
        assert better > worse


@pytest.mark.parametrize("others", range(1, 10))
def test_agreement_falls_strictly_on_a_fine_grid(others):
    # The proof (a − ½ = 2(½ − ε)(½ − ε_r), both factors falling) on 100,001 points: a bump
    # anywhere wider than the 5e-6 step, which random pairs would rarely straddle, shows here. Near
    # ½ each step still lowers a by about 4c·u·5e-6 ≫ rounding.
    e = np.linspace(0.0, 0.5, 100_001)
    assert np.all(np.diff(majority_agreement_from_error_rate(e, others)) < 0)


@given(agreement=s.agreement, others=others)
def test_the_same_agreement_with_a_larger_majority_means_more_error(agreement, others):
    # The larger majority is right more often, so agreeing with it as often takes a worse labeler.
    smaller, larger = (error_rate_from_majority_agreement(agreement, r) for r in (others, others + 1))
    assert larger >= smaller - 1e-15


@given(agreement=s.agreement)
def test_one_other_is_always_the_two_labeler_formula(agreement):
    assert error_rate_from_majority_agreement(agreement, 1) == core.error_rate_from_agreement(agreement)


@given(error_rate=s.error_rate, reference=st.floats(min_value=0.0, max_value=0.45))
def test_judge_round_trip(error_rate, reference):
    a = reference_agreement_from_error_rate(error_rate, reference)
    # The inversion divides by 1 − 2ε_ref ≥ 0.1: rounding of a grows tenfold at most.
    assert error_rate_from_reference_agreement(a, reference) == pytest.approx(error_rate, abs=2e-14)


# -- anchors: each agreement figure says which statistic it is --------------------------------------


def test_each_agreement_figure_names_its_statistic():
    figures = {
        anchors.INSTRUCTGPT_AGREEMENT: ("two_labelers", 1, 0.726),
        anchors.INSTRUCTGPT_HELD_OUT_AGREEMENT: ("two_labelers", 1, 0.773),
        anchors.STIENNON_RESEARCHER_AGREEMENT: ("two_labelers", 1, 0.73),
        # anchors.md: "one held-out human's agreement with the mode of the other three".
        anchors.ALPACAEVAL_HUMAN.agreement: ("held_out_vs_mode", 3, 0.657),
        # anchors.md: "the judge's agreement with the human majority (mode of four)".
        anchors.ALPACAEVAL_GPT4_JUDGE.agreement: ("judge_vs_mode", 4, 0.666),
    }
    for figure, (statistic, others_, value) in figures.items():
        assert (figure.statistic, figure.others, figure.value) == (statistic, others_, value)
        assert figure.statistic in anchors.AGREEMENT_STATISTICS
    assert "at random" in anchors.ALPACAEVAL_GPT4_JUDGE.agreement.ties


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"statistic": "kappa"}, "statistic must be one of"),
        ({"others": 3}, "two labelers means one other"),
        ({"statistic": "held_out_vs_mode", "others": 1}, "two labelers means one other"),
        ({"value": 0.4}, "agreement must be in [0.5, 1]"),
    ],
)
def test_an_agreement_figure_filed_under_the_wrong_statistic_is_refused(fields, message):
    from dataclasses import replace

    with pytest.raises(ValueError, match=__import__("re").escape(message)):
        replace(anchors.INSTRUCTGPT_AGREEMENT, **fields)


# -- presets ---------------------------------------------------------------------------------------


def test_crowdworkers_invert_alpacaevals_held_out_agreement():
    # One held-out human against the mode of the other three: ε ≈ 0.262, not the two-labeler 0.220.
    assert PRESETS["crowdworkers"].error_rate == pytest.approx(CROWD_ERROR, rel=1e-12)
    assert PRESETS["crowdworkers"].error_rate == pytest.approx(0.262, abs=5e-4)


def test_ai_judge_inverts_its_agreement_with_the_human_mode():
    assert PRESETS["ai_judge"].error_rate == pytest.approx(JUDGE_ERROR, rel=1e-12)
    # Ties a coin flip: the mode of 4 errs as a majority of 3 (what the preset assumes).
    assert redundant_error_rate(CROWD_ERROR, 4) == pytest.approx(HUMAN_MODE_ERROR, rel=1e-12)


@pytest.mark.parametrize(
    ("preset", "agreement"),
    [("contractors", 0.726), ("experts", 0.773), ("researchers", 0.73)],
)
def test_two_labeler_presets_keep_the_two_labeler_inversion(preset, agreement):
    assert PRESETS[preset].error_rate == pytest.approx(two_labeler_error_rate(agreement), rel=1e-12)


@pytest.mark.parametrize(
    ("preset", "figure", "formula"),
    [
        ("crowdworkers", anchors.ALPACAEVAL_HUMAN.agreement, "a = (1 − ε)(1 − ε₃) + ε·ε₃"),
        ("contractors", anchors.INSTRUCTGPT_AGREEMENT, "ε = (1 − √(2a − 1))/2"),
        ("experts", anchors.INSTRUCTGPT_HELD_OUT_AGREEMENT, "ε = (1 − √(2a − 1))/2"),
        ("researchers", anchors.STIENNON_RESEARCHER_AGREEMENT, "ε = (1 − √(2a − 1))/2"),
        ("ai_judge", anchors.ALPACAEVAL_GPT4_JUDGE.agreement, "ε = (1 − ε₄ − a)/(1 − 2ε₄)"),
    ],
)
def test_each_preset_says_which_statistic_and_formula_it_inverts(preset, figure, formula):
    note = PRESETS[preset].sourced("error_rate")
    assert figure.source in note
    assert figure.described in note  # the statistic, in words
    assert formula in note
    assert f"ε = {PRESETS[preset].error_rate:.3f}" in note


# -- independent check: the labelers simulated, each statistic computed as AlpacaEval does ---------

ITEMS = 200_000


def _held_out_agreement(rng, error_rate: float) -> tuple[float, float, float]:
    """AlpacaEval's humans statistic on simulated labels: mean and a 99.9% interval.

    Four labelers judge each item, each wrong independently with ``error_rate``. Each in turn is
    held out and scored 1 if it matches the mode of the other three (always a strict mode); the
    four scores of an item are averaged, and the items' averages (independent) give the interval.
    """
    wrong = rng.random((ITEMS, 4)) < error_rate
    others_wrong = wrong.sum(axis=1, keepdims=True) - wrong
    mode_wrong = others_wrong >= 2
    per_item = (wrong == mode_wrong).mean(axis=1)
    z = stats.norm.ppf(0.9995)
    half = z * per_item.std(ddof=1) / math.sqrt(ITEMS)
    return per_item.mean(), per_item.mean() - half, per_item.mean() + half


def _judge_agreement(rng, judge_error: float, human_error: float) -> tuple[float, float, float]:
    """AlpacaEval's judge statistic on simulated labels: the judge against the mode of four humans,
    a 2–2 tie broken at random; mean and a 99.9% Wilson interval."""
    humans_wrong = (rng.random((ITEMS, 4)) < human_error).sum(axis=1)
    tie = humans_wrong == 2
    mode_wrong = np.where(tie, rng.random(ITEMS) < 0.5, humans_wrong > 2)
    judge_wrong = rng.random(ITEMS) < judge_error
    agree = int(np.count_nonzero(judge_wrong == mode_wrong))
    low, high = core.wilson_interval(agree, ITEMS, confidence=0.999)
    return agree / ITEMS, float(low), float(high)


def test_simulated_crowdworkers_reproduce_alpacaevals_657():
    rng = np.random.default_rng(20260513)
    _, low, high = _held_out_agreement(rng, PRESETS["crowdworkers"].error_rate)
    assert low <= anchors.ALPACAEVAL_HUMAN.agreement.value <= high


def test_simulated_crowdworkers_at_the_old_two_labeler_value_do_not():
    # The check can fail: the old preset (0.220, the two-labeler inversion) agrees about 0.711.
    rng = np.random.default_rng(20260513)
    mean, low, high = _held_out_agreement(rng, two_labeler_error_rate(0.657))
    assert not low <= 0.657 <= high
    assert mean == pytest.approx(0.711, abs=0.003)


def test_simulated_judge_reproduces_alpacaevals_666():
    rng = np.random.default_rng(20260514)
    _, low, high = _judge_agreement(rng, PRESETS["ai_judge"].error_rate, PRESETS["crowdworkers"].error_rate)
    assert low <= anchors.ALPACAEVAL_GPT4_JUDGE.agreement.value <= high


def test_simulated_judge_at_the_old_two_labeler_value_does_not():
    # The old judge preset (0.212, the two-labeler inversion) against the same humans agrees ≈ 0.690.
    rng = np.random.default_rng(20260514)
    mean, low, high = _judge_agreement(rng, two_labeler_error_rate(0.666), PRESETS["crowdworkers"].error_rate)
    assert not low <= 0.666 <= high
    assert mean == pytest.approx(0.690, abs=0.003)


def test_the_method_page_lists_every_preset_number_and_its_source():
    from .test_app import run_app

    at = run_app()
    at.switch_page("pages/method.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    for preset in PRESETS.values():
        assert f"| {preset.name} | {core.QUANTITIES['error_rate'].label} | {preset.error_rate:.3f} |" in text
        for _, note in preset.provenance:
            assert note.replace("$", "\\$") in text, note
