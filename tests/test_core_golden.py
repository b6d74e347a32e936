"""Golden values for the single-source model, each with where its expected value comes from."""

import inspect
import math

import numpy as np
import pytest

from aliquant_core import (
    DEFAULTS,
    PRESETS,
    THREAT,
    Allocation,
    Assumptions,
    Programme,
    agreement_from_error_rate,
    bradley_terry_check,
    error_rate_from_agreement,
    max_blind_spot,
    max_competitors_log10,
    max_error_rate,
    mixture_p_align,
    p_align,
    programme_p_align,
    required_labels,
    simulate_mixture,
    simulate_p_align,
)

from .reference import PLAIN, plain


def test_three_labels_majority_by_hand():
    # By hand: the majority of 3 labels, each right with 0.8, is right with 0.8³ + 3·0.8²·0.2 = 0.896.
    result = p_align(3, 0.2, **PLAIN)
    assert result.p_align == pytest.approx(0.896, abs=1e-15)
    assert result.p_single == pytest.approx(0.896, abs=1e-15)
    assert result.single_failure == pytest.approx(0.104, rel=1e-13)
    assert result.regime == "quantity_suffices"


def test_even_jury_ties_count_half():
    # By hand, m = 4, q = 0.7: P(W ≥ 3) + ½P(W = 2) = (4·0.7³·0.3 + 0.7⁴) + ½·6·0.7²·0.3² = 0.784,
    # the same as the odd jury of 3: 0.7³ + 3·0.7²·0.3 = 0.784.
    assert p_align(4, 0.3, **PLAIN).p_align == pytest.approx(0.784, abs=1e-15)
    assert p_align(3, 0.3, **PLAIN).p_align == pytest.approx(0.784, abs=1e-15)
    # m = 2, q = 0.8: 0.8² + ½·2·0.8·0.2 = 0.8, the single label's chance.
    assert p_align(2, 0.2, **PLAIN).p_align == pytest.approx(0.8, abs=1e-15)


def test_no_informative_label_is_a_coin_flip_per_competitor():
    # Brief: m = 0 gives P₁ = ½; three competitors, independent: ½³ = 0.125.
    result = p_align(0, 0.1, **plain(competitors_log10=math.log10(3)))
    assert result.p_single == 0.5
    assert result.p_align == pytest.approx(0.125, rel=1e-14)
    # Bonferroni by hand: max(0, 1 − 3·½) = 0.
    assert result.p_align_lower_bound == 0.0


def test_condorcet_jury_of_101():
    # Condorcet jury theorem example: 101 voters each right with 0.51. Expected from
    # `python -c "from scipy.stats import binom; print(repr(binom.sf(50, 101, 0.51)))"` → 0.5798523656405485
    assert p_align(101, 0.49, **PLAIN).p_align == pytest.approx(0.5798523656405485, rel=1e-13)


def test_large_jury_against_scipy_binom():
    # Expected values printed by
    # `python -c "from scipy.stats import binom; print(repr(binom.sf(4999, 9999, 0.51)))"`
    #     → 0.9772579676754254
    # `python -c "from scipy.stats import binom; print(repr(binom.cdf(4999, 9999, 0.51)))"`
    #     → 0.02274203232457461
    result = p_align(9999, 0.49, **PLAIN)
    assert result.p_single == pytest.approx(0.9772579676754254, rel=1e-13)
    assert result.single_failure == pytest.approx(0.02274203232457461, rel=1e-12)


def test_tail_far_below_float_range():
    # 1 − P₁ for m = 2001, q = 0.9 underflows a double (scipy's binom.cdf(1000, 2001, 0.9) prints 0.0).
    # Expected log10 from mpmath, direct summation at 30 digits:
    # `mp.log10(mp.fsum(mp.binomial(2001, w)*q**w*(1-q)**(2001-w) for w in range(0, 1001)))` with
    # q = mp.mpf('0.9') → -446.09428473846273059
    result = p_align(2001, 0.1, **PLAIN)
    assert result.single_failure == 0.0
    assert result.log10_single_failure == pytest.approx(-446.09428473846273059, rel=1e-13)
    # With 10^446 competitors that tail decides: K·T = 10^(446 − 446.094...) — but K is capped
    # at 10^300 by the brief, where P_align is 1 to double precision.
    assert p_align(2001, 0.1, **plain(competitors_log10=300)).p_align == 1.0


def test_instructgpt_agreement_implies_error_rate():
    # Brief: ε = (1 − √(2a − 1))/2. By hand for a = 0.726: √0.452 = 0.6723094525589,
    # (1 − 0.6723094525589)/2 = 0.16384527372. (anchors.md rounds this to ≈ 0.165.)
    assert error_rate_from_agreement(0.726) == pytest.approx(0.16384527372, rel=1e-10)
    # and back: (1 − ε)² + ε² = 0.726.
    assert agreement_from_error_rate(error_rate_from_agreement(0.726)) == pytest.approx(0.726, rel=1e-15)
    # Held-out labelers' 77.3% (arXiv 2203.02155 §3.4): (1 − √0.546)/2 = 0.130544...
    assert error_rate_from_agreement(0.773) == pytest.approx((1 - math.sqrt(0.546)) / 2, rel=1e-14)


def test_agreement_accepted_instead_of_error_rate():
    by_agreement = p_align(1000, agreement=0.726, **plain(competitors_log10=5))
    by_rate = p_align(1000, error_rate_from_agreement(0.726), **plain(competitors_log10=5))
    assert by_agreement.p_align == by_rate.p_align


def test_blind_share_and_label_win_prob_by_hand():
    # h = σ + χ(min(1, σ/f) − σ) = 0.1 + 0.5·(0.5 − 0.1) = 0.3; with the first version's fooled
    # rate φ = 1 − ε = 0.9, q = 0.7·0.9 + 0.3·0.1 = 0.66.
    result = p_align(10, 0.1, **plain(blind_spot=0.1, footprint=0.2, exploitation=0.5, fooled_rate=0.9))
    assert result.blind_share == pytest.approx(0.3, abs=1e-15)
    assert result.label_win_prob == pytest.approx(0.66, abs=1e-15)
    # m = round(0.2·10) = 2; P₁ = q² + ½·2q(1 − q) = q = 0.66 (by hand).
    assert result.informative_labels == 2
    assert result.p_single == pytest.approx(0.66, abs=1e-15)


def test_fooled_rate_by_hand():
    # h = 0.3 as above, ε = 0.1, φ = 0.6: q = 0.7·0.9 + 0.3·(1 − 0.6) = 0.63 + 0.12 = 0.75;
    # q − ½ = 0.7·0.4 − 0.3·0.1 = 0.25. m = 2 gives P₁ = q (a tie counts half).
    result = p_align(10, 0.1, **plain(blind_spot=0.1, footprint=0.2, exploitation=0.5, fooled_rate=0.6))
    assert result.label_win_prob == pytest.approx(0.75, abs=1e-15)
    assert result.p_single == pytest.approx(0.75, abs=1e-15)

    # Issue #17's case: h = 0.543 (f = 1, so h = σ), m = 5,000. The first version (φ = 1 − ε) had P₁
    # rise with random error, from 5.6e-10 at ε = 0 to 0.27 at ε = 0.45; both reproduced here.
    def p1(error_rate, fooled_rate):
        return float(p_align(5000, error_rate, **plain(blind_spot=0.543, fooled_rate=fooled_rate)).p_single)

    assert p1(0.0, 1.0) == pytest.approx(5.6e-10, rel=0.01)
    assert p1(0.45, 0.55) == pytest.approx(0.27, rel=0.01)
    # With φ held (0.9), more random error lowers P₁: q = 0.457(1 − ε) + 0.543·0.1 falls with ε.
    assert p1(0.0, 0.9) > p1(0.2, 0.9) > p1(0.45, 0.9)


def test_competitors_and_prior_bits_by_hand():
    # K = 2 independent competitors, one label right with 0.8: 0.8² = 0.64; Bonferroni 1 − 2·0.2 = 0.6.
    two = p_align(1, 0.2, **plain(competitors_log10=math.log10(2)))
    assert two.p_align == pytest.approx(0.64, rel=1e-14)
    assert two.p_align_lower_bound == pytest.approx(0.6, rel=1e-14)
    # One bit of prior evidence halves K: K_eff = 1, so P_align = P₁ = 0.8.
    assert p_align(1, 0.2, **plain(competitors_log10=math.log10(2), prior_bits=1)).p_align == pytest.approx(
        0.8
    )
    # More prior bits than log2 K leave K_eff = 1, not below.
    assert p_align(1, 0.2, **plain(competitors_log10=1, prior_bits=100)).effective_competitors_log10 == 0.0


@pytest.mark.parametrize(
    ("error_rate", "blind_spot", "regime"),
    [
        (0.5, 0.0, "knife_edge"),  # q − ½ = (½ − ε)(1 − 2h) = 0 at ε = ½
        (0.1, 0.5, "knife_edge"),  # ... and at h = ½ (f = 1, so h = σ)
        (0.1, 0.7, "no_quantity_suffices"),  # h > ½: fooled labels outnumber honest ones
        (0.1, 0.3, "quantity_suffices"),
    ],
)
def test_regimes(error_rate, blind_spot, regime):
    # The first version's fooled rate, φ = 1 − ε, for which q − ½ = (½ − ε)(1 − 2h).
    threat = plain(blind_spot=blind_spot, competitors_log10=1, fooled_rate=1.0 - error_rate)
    result = p_align(np.array([0, 10, 1e6, 1e12]), error_rate, **threat)
    assert (result.regime == regime).all()
    if regime == "knife_edge":
        # Brief: q = ½ gives P_align = ½^K_eff whatever N is; K = 10.
        np.testing.assert_allclose(result.p_align, 0.5**10, rtol=1e-14)


@pytest.mark.parametrize(
    ("blind_spot", "regime", "side"),
    [(0.0, "quantity_suffices", 1), (1.0, "no_quantity_suffices", -1)],
)
def test_one_ulp_from_the_knife_edge_p_single_stays_on_its_side(blind_spot, regime, side):
    # ε one ulp below ½ (numpy.nextafter(0.5, 0)): q − ½ = (½ − ε)(1 − 2h) is about ±5e-17, too
    # small for the binomial tails to resolve. By symmetry the smaller tail is at most ½, so P₁ is
    # ≥ ½ when q > ½ (h = 0) and ≤ ½ when q < ½ (σ = 1, f = 0.75, χ = 0: h > ½); found by
    # hypothesis at 107 informative labels, where rounding put P₁ a hair on the wrong side.
    error_rate = np.nextafter(0.5, 0.0)
    result = p_align(
        np.array([1, 2, 3, 142, 1e6]),
        error_rate,
        **plain(blind_spot=blind_spot, footprint=0.75, exploitation=0.0),
    )
    assert (result.regime == regime).all()
    assert (side * (result.p_single - 0.5) >= 0.0).all()
    assert (side * (0.5 - result.single_failure) >= 0.0).all()


def test_limits_in_labels():
    # Condorcet: with q > ½, P_align → 1 as N grows; with q < ½, → 0.
    assert p_align(1e12, 0.3, **plain(competitors_log10=300)).p_align == 1.0
    assert p_align(1e12, 0.3, **plain(blind_spot=0.6, exploitation=0.0)).p_align == 0.0


def test_required_labels_small_cases_by_hand():
    # P₁ for 1, 3, 5 labels right with 0.8: 0.8, 0.896, 0.94208 (by hand), so 0.9 needs 5 labels;
    # 4 (ties like 3) falls short.
    assert required_labels(0.9, 0.2, **PLAIN) == 5
    # With footprint ½, m = round(N/2) with halves up reaches 5 first at N = 9 (round(4.5) = 5).
    assert required_labels(0.9, 0.2, **plain(footprint=0.5)) == 9
    # No labels at all already give ½ per competitor: a target of 0.4 needs none.
    assert required_labels(0.4, 0.2, **PLAIN) == 0
    # q < ½: no quantity suffices.
    assert required_labels(0.9, 0.2, **plain(blind_spot=0.8, exploitation=0.0)) == np.inf


# --- defaults and keywords from the table of quantities (issue #12) -----------------------------

TABLE_THREAT = {name: DEFAULTS[name] for name in THREAT}


def test_p_align_restates_no_threat_default():
    # The threat comes in as **threat, its defaults from the table (checked by calling, below):
    # no signature holds a copy of a table value that could drift.
    parameters = inspect.signature(p_align).parameters
    assert parameters["threat"].kind is inspect.Parameter.VAR_KEYWORD
    assert not set(THREAT) & set(parameters)


# Each core function that evaluates the model, called without threat keywords and with the table's.
CALLS = {
    "p_align": lambda **t: p_align(1000, 0.1, **t).p_align,
    "required_labels": lambda **t: required_labels(0.9, 0.1, **t),
    "max_error_rate": lambda **t: max_error_rate(0.9, 1e5, **t),
    # A solver ignores the threat quantity it solves for.
    "max_blind_spot": lambda **t: max_blind_spot(0.9, 1e5, 0.1, **t),
    "max_competitors_log10": lambda **t: max_competitors_log10(0.9, 1e5, 0.1, **t),
    "mixture_p_align": lambda **t: (
        mixture_p_align(
            [5e4, 500], [0.15, 0.1], [0.03, 0.005], **{k: v for k, v in t.items() if k != "blind_spot"}
        ).p_align
    ),
    "programme_p_align": lambda **t: (
        programme_p_align(
            Programme((Allocation(PRESETS["contractors"], 5e4), Allocation(PRESETS["experts"], 500))),
            **{k: v for k, v in t.items() if k != "blind_spot"},
        ).p_align
    ),
    "simulate_p_align": lambda **t: simulate_p_align(2000, 0.2, trials=200, **t).p_single,
    "simulate_mixture": lambda **t: (
        simulate_mixture(
            [2000, 100],
            [0.2, 0.1],
            [0.03, 0.0],
            trials=200,
            **{k: v for k, v in t.items() if k != "blind_spot"},
        ).p_single
    ),
    "bradley_terry_check": lambda **t: bradley_terry_check(2000, 0.2, trials=5, **t).ranked_above,
}


@pytest.mark.parametrize("name", list(CALLS))
def test_threat_defaults_are_the_table_defaults(name):
    assert CALLS[name]() == CALLS[name](**TABLE_THREAT)
    # and differ from the plain threat the core once defaulted to, so the comparison has teeth
    if name in ("p_align", "required_labels", "mixture_p_align"):
        assert CALLS[name]() != CALLS[name](**PLAIN)


@pytest.mark.parametrize("name", list(CALLS))
def test_unknown_threat_keyword_names_the_valid_ones(name):
    # Every function takes **threat (checked against the table) and names the threat quantities.
    valid = ".*" + ", ".join(THREAT)
    with pytest.raises(TypeError, match="exploitaton" + valid):
        CALLS[name](exploitaton=0.5)


def test_assumptions_give_the_same_answers_as_keywords():
    a = Assumptions(labels=3e4, error_rate=0.12, blind_spot=0.01, footprint=0.2, competitors_log10=10)
    keywords = {**a.threat}
    assert p_align(a) == p_align(3e4, 0.12, **keywords)
    assert required_labels(a) == required_labels(a.target, 0.12, **keywords)
    assert max_error_rate(a) == max_error_rate(a.target, 3e4, **keywords)
    without_blind = {k: v for k, v in keywords.items() if k != "blind_spot"}
    assert max_blind_spot(a) == max_blind_spot(a.target, 3e4, 0.12, **without_blind)
    without_k = {k: v for k, v in keywords.items() if k != "competitors_log10"}
    assert max_competitors_log10(a) == max_competitors_log10(a.target, 3e4, 0.12, **without_k)
    assert simulate_p_align(a, trials=100) == simulate_p_align(3e4, 0.12, trials=100, **keywords)
    # Keywords beside the assumptions override them; agreement replaces the error rate.
    assert p_align(a, footprint=0.5) == p_align(3e4, 0.12, **{**keywords, "footprint": 0.5})
    by_agreement = Assumptions(labels=3e4, agreement=0.8, competitors_log10=10)
    assert p_align(by_agreement) == p_align(3e4, agreement=0.8, **by_agreement.threat)
