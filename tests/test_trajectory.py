"""Capability trajectory: evolved assumptions, required labels and P_align per generation."""

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from aliquant_core import Assumptions, p_align, required_labels
from aliquant_core._math import blind_share, error_rate_from_agreement
from aliquant_core.programme import Allocation, Programme, mixture_p_align, programme_p_align
from aliquant_core.quantities import DEFAULTS, QUANTITIES, THREAT, QuantityError, names_in
from aliquant_core.sources import PRESETS
from aliquant_core.trajectory import DEFAULT_RATES, RATE_NOTES, Trajectory, TrajectoryRates, trajectory

from . import strategies

ASSUMED = ("blind_spot", "footprint", "exploitation", "competitors_log10", "prior_bits")
EVOLVED = ("competitors_log10", "footprint", "exploitation", "blind_spot", "prior_bits")
PER_GENERATION = (*EVOLVED, "required_labels", "p_align", "p_align_lower_bound", "regime")
# The core's defaults before the table (no blind spot, full footprint and exploitation, one
# competitor), given explicitly where a test's expected values were worked out with them.
UNTHREATENED = {"blind_spot": 0.0, "footprint": 1.0, "exploitation": 1.0, "competitors_log10": 0.0}

# Rates kept where the results stay finite floats: footprints no smaller than 1e-6 · 0.5^12.
RATE_DRAWS = {
    "generations": st.integers(1, 12),
    "competitors_log10_per_generation": st.floats(0.0, 30.0),
    "footprint_factor_per_generation": st.floats(0.5, 1.0),
    "exploitation_gap_factor_per_generation": st.floats(0.0, 1.0),
    "blind_spot_factor_per_generation": st.floats(1.0, 3.0),
    "assistance_divisor_per_generation": st.floats(1.0, 3.0),
    "prior_bits_per_generation": st.floats(0.0, 50.0),
}
rates_any = st.builds(TrajectoryRates, **RATE_DRAWS)


# Error rates a hair below ½ (q − ½ ~ 1e-17, needing ~1e33 labels) make the core's required_labels
# warn "invalid value encountered in log1p" (aliquant_core.model._single_logs), which this suite
# turns into an error; that is the core's to fix, so these tests stay below 0.499.
error_rates = st.floats(min_value=0.0, max_value=0.499, allow_subnormal=False)


def _default_scenario():
    # The overlap is not an input of the trajectory (it evolves P₁^K, contests independent).
    values = Assumptions().as_dict()
    del values["overlap"]
    return values


#: A single source's inputs: the threat quantities (each over its whole range), error rate, labels, target.
single_sources = st.builds(
    lambda threat, error_rate, labels, target: {
        **threat,
        "error_rate": error_rate,
        "labels": labels,
        "target": target,
    },
    strategies.assumptions,
    error_rates,
    strategies.labels_any,
    strategies.target,
)


#: Rates under which nothing moves (see TrajectoryRates.neutral).
NEUTRAL = {
    "competitors_log10_per_generation": 0.0,
    "footprint_factor_per_generation": 1.0,
    "exploitation_gap_factor_per_generation": 1.0,
    "blind_spot_factor_per_generation": 1.0,
    "assistance_divisor_per_generation": 1.0,
    "prior_bits_per_generation": 0.0,
}


def _moving(generations, **moving):
    """Rates over ``generations`` under which only ``moving`` moves."""
    return TrajectoryRates(generations=generations, **{**NEUTRAL, **moving})


def _threat(given_):
    # Every threat quantity the draw gives: the evolved ones and the fooled rate no rate moves.
    return {name: given_[name] for name in THREAT}


# --- generation 0 is the present -------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(rates=rates_any, given_=single_sources)
# Found by hypothesis: a tiny error rate beside a half-size footprint sent points of both kinds (x
# below and above ¼) to the continued fraction, which took log1p(−4·margin²) = −∞ at x ≈ 0 as well.
# Found with the first version's fooled rate, φ = 1 − ε (1.0 in floats), kept here.
@example(
    rates=TrajectoryRates(generations=1, footprint_factor_per_generation=0.5,
                          exploitation_gap_factor_per_generation=0.0, blind_spot_factor_per_generation=1.0,
                          assistance_divisor_per_generation=1.0, competitors_log10_per_generation=0.0),
    given_={"blind_spot": 0.25, "footprint": 0.5, "exploitation": 0.0, "competitors_log10": 0.0,
            "prior_bits": 0.0, "fooled_rate": 1.0, "error_rate": 3.734346487400717e-300, "labels": 10000.0,
            "target": 0.5},
)  # fmt: skip
def test_generation_zero_is_the_core_called_directly(rates, given_):
    # Expected: aliquant_core.p_align and required_labels with the given assumptions, unevolved.
    t = trajectory(rates, **given_)
    assumptions, error_rate = _threat(given_), given_["error_rate"]
    direct = p_align(given_["labels"], error_rate, **assumptions)
    assert t.p_align[0] == pytest.approx(float(direct.p_align), rel=1e-13, abs=0)
    assert t.p_align_lower_bound[0] == pytest.approx(float(direct.p_align_lower_bound), rel=1e-13, abs=0)
    assert t.regime[0] == direct.regime
    assert t.required_labels[0] == required_labels(given_["target"], error_rate, **assumptions)
    for name in EVOLVED:
        assert getattr(t, name)[0] == assumptions[name], name


def test_agreement_is_an_alternative_to_error_rate():
    # Expected: the error rate the brief's formula gives for 72.6% agreement.
    given_ = _default_scenario()
    del given_["error_rate"]
    by_agreement = trajectory(agreement=0.726, **given_)
    by_error = trajectory(error_rate=float(error_rate_from_agreement(0.726)), **given_)
    assert by_agreement.error_rate == by_error.error_rate
    np.testing.assert_array_equal(by_agreement.required_labels, by_error.required_labels)
    np.testing.assert_array_equal(by_agreement.p_align, by_error.p_align)


# --- the evolution, by hand ------------------------------------------------------------------------


def test_evolved_assumptions_by_hand():
    # Δ = 1, φ = ½, γ = ½, β/α = 4/2 = 2, Δb = 2, from σ₀ = 0.1, f₀ = ½, χ₀ = ½, log₁₀K₀ = 2, b₀ = 3:
    # log₁₀K_g = 2 + g; f_g = ½^(g+1); χ_g = 1 − ½·½^g; σ_g = min(1, 0.1·2^g) (1.6 clipped to 1 at
    # g = 4); b_g = 3 + 2g. Every value is a dyadic multiple of its start, so exact in floats.
    rates = TrajectoryRates(4, 1.0, 0.5, 0.5, 4.0, 2.0, 2.0)  # G, Δ, φ, γ, β, α, Δb
    given_ = {
        "blind_spot": 0.1,
        "footprint": 0.5,
        "exploitation": 0.5,
        "competitors_log10": 2.0,
        "prior_bits": 3.0,
    }
    t = trajectory(rates, labels=10_000, error_rate=0.1, target=0.9, **given_)
    np.testing.assert_array_equal(t.generation, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(t.competitors_log10, [2, 3, 4, 5, 6])
    np.testing.assert_array_equal(t.footprint, [0.5, 0.25, 0.125, 0.0625, 0.03125])
    np.testing.assert_array_equal(t.exploitation, [0.5, 0.75, 0.875, 0.9375, 0.96875])
    np.testing.assert_array_equal(t.blind_spot, [0.1, 0.2, 0.4, 0.8, 1.0])
    np.testing.assert_array_equal(t.prior_bits, [3, 5, 7, 9, 11])
    assert t.clipped == ("blind_spot",)
    # h₀ = 0.1 + ½(min(1, 0.2) − 0.1) = 0.15 < ½; h₁ = 0.2 + ¾(min(1, 0.8) − 0.2) = 0.65 ≥ ½:
    # labels right in only (1 − h)(1 − ε) + hε < ½ of footprint situations from generation 1 on.
    assert list(t.regime) == ["quantity_suffices"] + ["no_quantity_suffices"] * 4
    assert t.first_unreachable_generation == 1
    assert math.isfinite(t.required_labels[0])
    assert np.all(np.isinf(t.required_labels[1:]))


def test_required_labels_and_p_align_by_hand():
    # ε = 0.2, no blind spot, f = 1, one competitor doubling each generation (Δ = log₁₀ 2).
    # P₁ at 3 labels is 0.8³ + 3·0.8²·0.2 = 0.896, so P_align = 0.896^(2^g): 0.896, 0.802816,
    # 0.644513529856. Required labels for P* = 0.9 need P₁ ≥ 0.9^(2^−g): 0.9, 0.948683, 0.974004.
    # By hand, P₁ at 5, 7, 9 labels: 0.94208, 1 − 0.033344 = 0.966656, 1 − 0.01958144 = 0.98041856,
    # so 5, 7, 9 labels.
    rates = _moving(2, competitors_log10_per_generation=math.log10(2.0))
    t = trajectory(rates, labels=3, error_rate=0.2, target=0.9, **UNTHREATENED)
    np.testing.assert_allclose(t.p_align, [0.896, 0.802816, 0.644513529856], rtol=1e-12)
    np.testing.assert_array_equal(t.required_labels, [5, 7, 9])
    assert t.first_unreachable_generation is None


def test_clipping_to_the_brief_ranges():
    # log₁₀K: 299.5, 300.5 → 300 (the table caps it at 300); b: 999, 1001 → 1000; f₀ = 1e-300 times
    # 1e-10 underflows below the smallest normal double and is held there; σ₀ = ½ times 10^6 (the
    # table's largest factor) per generation is held at 1, without a warning (warnings are errors here).
    rates = _moving(
        2,
        competitors_log10_per_generation=1.0,
        footprint_factor_per_generation=1e-10,
        blind_spot_factor_per_generation=1e6,
        prior_bits_per_generation=2.0,
    )
    t = trajectory(
        rates,
        labels=1e6,
        error_rate=0.1,
        blind_spot=0.5,
        footprint=1e-300,
        exploitation=1.0,
        competitors_log10=299.5,
        prior_bits=999.0,
    )
    np.testing.assert_array_equal(t.competitors_log10, [299.5, 300.0, 300.0])
    np.testing.assert_array_equal(t.prior_bits, [999.0, 1000.0, 1000.0])
    np.testing.assert_array_equal(t.footprint, [1e-300, np.finfo(float).tiny, np.finfo(float).tiny])
    np.testing.assert_array_equal(t.blind_spot, [0.5, 1.0, 1.0])
    assert set(t.clipped) == {"competitors_log10", "footprint", "blind_spot", "prior_bits"}
    # A zero blind spot stays zero however fast blind spots grow (no 0 · ∞).
    zero = trajectory(rates, labels=1e6, error_rate=0.1, **UNTHREATENED)
    np.testing.assert_array_equal(zero.blind_spot, [0.0, 0.0, 0.0])


# --- neutral rates and monotonicity ----------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(generations=st.integers(1, 8), both=st.floats(1.0, 5.0), given_=single_sources)
def test_neutral_rates_repeat_generation_zero(generations, both, given_):
    # Δ = Δb = 0, φ = γ = 1 and β = α (assistance exactly cancels the harder evaluation): nothing
    # moves, so every generation equals generation 0 exactly.
    rates = _moving(
        generations, blind_spot_factor_per_generation=both, assistance_divisor_per_generation=both
    )
    assert rates.neutral
    t = trajectory(rates, **given_)
    for name in PER_GENERATION:
        values = getattr(t, name)
        assert values.shape == (generations + 1,)
        assert np.all(values == values[0]), name
    assert t.clipped == ()
    expected = None if math.isfinite(t.required_labels[0]) else 0
    assert t.first_unreachable_generation == expected


# Every threat rate worsens (or holds) and no help arrives.
worsening = st.builds(
    TrajectoryRates,
    **{
        **RATE_DRAWS,
        "assistance_divisor_per_generation": st.just(1.0),
        "prior_bits_per_generation": st.just(0.0),
    },
)


def _never_rises(values, upto=None):
    values = np.asarray(values)[: None if upto is None else upto + 1]
    return bool(np.all(values[1:] <= values[:-1] * (1.0 + 1e-12)))


@settings(max_examples=80, deadline=None)
@given(rates=worsening, given_=single_sources)
def test_worsening_threat_without_help_never_helps(rates, given_):
    # Every threat rate worsens (or holds) and no help arrives (α = 1, Δb = 0). Each step raises
    # the blind share h (σ up, σ/f up, χ up) and K_eff. Where blind spots hurt (φ ≥ ε: a fooled
    # label is wrong at least as often as an ordinary one) q = (1 − h)(1 − ε) + h(1 − φ) falls
    # with h, so P₁^K_eff falls at fixed m (for φ < ε a larger blind share would raise q);
    # required labels N* = ⌈(m* − ½)/f⌉ rises with m* and as f shrinks; once q ≤ ½ it stays so.
    assume(given_["fooled_rate"] >= given_["error_rate"])
    t = trajectory(rates, **given_)
    needed = t.required_labels
    assert np.all(needed[1:] >= needed[:-1])
    # P_align never rises while quantity suffices and at the step across: before, P₁ ≥ ½ so
    # P_align ≥ ½^K_eff; after, P₁ ≤ ½. Past the crossing a shrinking footprint leaves fewer
    # informative labels, P₁ drifts back toward ½ from below, and P_align may rise again.
    crossed = np.flatnonzero(t.regime != "quantity_suffices")
    upto = int(crossed[0]) if crossed.size else None
    assert _never_rises(t.p_align, upto)
    if rates.footprint_factor_per_generation == 1.0:
        assert _never_rises(t.p_align)


def test_p_align_can_rise_past_the_crossing_as_footprints_shrink():
    # The exception above, by hand: h = 1 (σ = 1), ε = 0.1 and the first version's fooled rate
    # φ = 1 − ε = 0.9, so q = 1 − φ = 0.1; one competitor. With N = 2
    # labels and f = 1, m = 2: P₁ = P(W = 2) + ½P(W = 1) = 0.01 + ½·0.18 = 0.1. Halving f gives
    # m = round(1) = 1: P₁ = 0.1 again (a jury of two ties like one); halving again, m = round(0.5)
    # = 1 (halves up); once more, m = 0 and P₁ = ½.
    rates = _moving(3, footprint_factor_per_generation=0.5)
    t = trajectory(rates, labels=2, error_rate=0.1, **{**UNTHREATENED, "blind_spot": 1.0, "fooled_rate": 0.9})
    np.testing.assert_allclose(t.p_align, [0.1, 0.1, 0.1, 0.5], rtol=1e-14)
    assert t.first_unreachable_generation == 0


# --- the first generation at which no quantity suffices --------------------------------------------


@settings(max_examples=60, deadline=None)
@given(rates=rates_any, given_=single_sources)
def test_first_unreachable_generation_matches_a_direct_check(rates, given_):
    error_rate, target = given_["error_rate"], given_["target"]
    t = trajectory(rates, **{**given_, "labels": 1000})
    first_by_solver = None
    first_by_p_align = None
    for g in t.generation:
        # Every threat quantity at generation g: the evolved ones and those held (the fooled rate).
        at_g = {name: float(values[g]) for name, values in t.threat.items()}
        # Expected 1: the solver called on this generation's assumptions alone.
        if first_by_solver is None and math.isinf(required_labels(target, error_rate, **at_g)):
            first_by_solver = int(g)
        # Expected 2, from p_align alone: where q ≤ ½ every N gives P₁ ≤ ½ (the Condorcet jury
        # theorem), the best being N = 0 with P_align = ½^K_eff; so no quantity suffices exactly
        # when the regime is not "quantity_suffices" and zero labels fall short of the target.
        # (Within 1e-12 of the target the two roundings may disagree; skip that knife-edge.)
        none = p_align(0, error_rate, **at_g)
        if abs(float(none.p_align) - target) < 1e-12:
            return
        if first_by_p_align is None and none.regime != "quantity_suffices" and none.p_align < target:
            first_by_p_align = int(g)
    assert t.first_unreachable_generation == first_by_solver
    assert t.first_unreachable_generation == first_by_p_align


def test_the_default_scenario_crosses_after_a_handful_of_generations():
    # Expected: the crossing h_g ≥ ½ computed by hand from the brief's formula for h, with
    # DEFAULTS (σ = 0.03, f = 0.05, χ = 0.65) and the default rates (σ held: β = α; f·0.95^g;
    # χ_g = 1 − 0.35·0.9^g): h = 0.4005, 0.44208, 0.48485, 0.52891 at g = 0..3.
    t = trajectory(**_default_scenario())
    g = np.arange(DEFAULT_RATES.generations + 1)
    h = blind_share(0.03, 0.05 * 0.95**g, 1.0 - 0.35 * 0.9**g)
    np.testing.assert_allclose(h[:4], [0.4005, 0.44208, 0.48485, 0.52891], atol=5e-6)
    assert t.first_unreachable_generation == int(np.flatnonzero(h >= 0.5)[0]) == 3
    # Not at generation 0 and not never: a handful of generations.
    assert 1 <= t.first_unreachable_generation <= 6
    assert np.all(np.isfinite(t.required_labels[:3]))
    assert np.all(np.isinf(t.required_labels[3:]))


def test_every_rate_has_a_default_and_a_one_line_note_from_the_table():
    names = tuple(f.name for f in dataclasses.fields(TrajectoryRates))
    assert names == tuple(RATE_NOTES) == names_in("rate")
    for name, note in RATE_NOTES.items():
        assert note == QUANTITIES[name].provenance
        assert note.startswith("assumption:"), name
        assert "\n" not in note
        assert getattr(DEFAULT_RATES, name) == DEFAULTS[name]
    # Wen et al. and the seed's "will get worse with model capability" are cited where they apply.
    assert "Wen et al." in RATE_NOTES["blind_spot_factor_per_generation"]
    assert "will get worse with model capability" in RATE_NOTES["exploitation_gap_factor_per_generation"]
    assert TrajectoryRates() == DEFAULT_RATES


# --- programmes ------------------------------------------------------------------------------------


def _two_source_programme(aggregation="pooled"):
    return Programme(
        (Allocation(PRESETS["contractors"], 20_000), Allocation(PRESETS["experts"], 2_000, redundancy=3)),
        aggregation=aggregation,
    )


@pytest.mark.parametrize("aggregation", ["pooled", "weighted"])
def test_programme_blind_spots_evolve_with_the_same_factor(aggregation):
    programme = _two_source_programme(aggregation)
    rates = TrajectoryRates(
        generations=4, blind_spot_factor_per_generation=1.5, assistance_divisor_per_generation=1.0
    )
    given_ = {
        "blind_spot": 0.03,
        "footprint": 0.2,
        "exploitation": 0.5,
        "competitors_log10": 3.0,
        "prior_bits": 0.0,
    }
    t = trajectory(rates, programme=programme, error_rate=0.16, target=0.9, **given_)
    # Expected σ_s,g = min(1, σ_s·1.5^g) for contractors (σ = 0.03) and experts (σ = 0.015): the
    # nesting (experts' blind spots inside contractors') is kept.
    g = np.arange(5)
    expected = np.minimum(1.0, np.array([0.03, 0.015])[None, :] * 1.5 ** g[:, None])
    np.testing.assert_allclose(t.source_blind_spots, expected, rtol=1e-15)
    assert np.all(t.source_blind_spots[:, 1] <= t.source_blind_spots[:, 0])
    # Generation 0 is programme_p_align called directly.
    direct = programme_p_align(programme, **{k: given_[k] for k in ASSUMED if k != "blind_spot"})
    assert t.p_align[0] == pytest.approx(float(direct.p_align), rel=1e-12)
    assert t.programme_regime[0] == direct.regime
    # Every generation is mixture_p_align called on that generation's assumptions alone.
    arrays = programme.arrays()
    for i in g:
        one = mixture_p_align(
            arrays["labels"],
            arrays["error_rate"],
            expected[i],
            redundancy=arrays["redundancy"],
            aggregation=aggregation,
            footprint=t.footprint[i],
            exploitation=t.exploitation[i],
            competitors_log10=t.competitors_log10[i],
            prior_bits=t.prior_bits[i],
        )
        assert t.p_align[i] == pytest.approx(float(one.p_align), rel=1e-12, abs=1e-300)
        assert t.programme_regime[i] == one.regime
    # Required labels are still the single source's at error_rate and the evolved blind spot.
    for i in g:
        at_g = {name: float(getattr(t, name)[i]) for name in EVOLVED}
        assert t.required_labels[i] == required_labels(0.9, 0.16, **at_g)
    assert t.labels is None
    assert t.programme is programme


def test_one_source_programme_is_the_single_source_trajectory():
    # A programme of one source, redundancy 1, is the one-source model (mixture_p_align's exact
    # single-source path), so both trajectories agree.
    source = PRESETS["contractors"]
    programme = Programme((Allocation(source, 50_000),))
    common = {
        "error_rate": source.error_rate,
        "blind_spot": source.blind_spot,
        "footprint": 0.1,
        "exploitation": 0.6,
        "competitors_log10": 10.0,
    }
    by_programme = trajectory(programme=programme, **common)
    by_labels = trajectory(labels=50_000, **common)
    np.testing.assert_allclose(by_programme.p_align, by_labels.p_align, rtol=1e-13)
    np.testing.assert_array_equal(by_programme.required_labels, by_labels.required_labels)
    np.testing.assert_array_equal(by_programme.programme_regime, by_labels.regime)
    np.testing.assert_array_equal(by_programme.source_blind_spots[:, 0], by_labels.blind_spot)


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("generations", 0, r"generations must be a whole number in \[1, 50\]; got 0"),
        ("generations", 51, r"generations must be a whole number in \[1, 50\]; got 51"),
        ("generations", 2.5, r"generations must be a whole number in \[1, 50\]; got 2.5"),
        ("generations", [3, 4], r"generations must be a single number in a trajectory"),
        ("competitors_log10_per_generation", -1.0, r"competitors_log10_per_generation must be in \[0, 300\]"),
        ("footprint_factor_per_generation", 0.0, r"footprint_factor_per_generation must be in \(0, 1\]"),
        ("footprint_factor_per_generation", 1.5, r"footprint_factor_per_generation must be in \(0, 1\]"),
        ("exploitation_gap_factor_per_generation", -0.1, r"gap_factor_per_generation must be in \[0, 1\]"),
        ("exploitation_gap_factor_per_generation", 1.1, r"gap_factor_per_generation must be in \[0, 1\]"),
        ("blind_spot_factor_per_generation", 0.9, r"blind_spot_factor_per_generation must be in \[1, 1e6\]"),
        (
            "assistance_divisor_per_generation",
            0.5,
            r"assistance_divisor_per_generation must be in \[1, 1e6\]",
        ),
        ("prior_bits_per_generation", -2.0, r"prior_bits_per_generation must be in \[0, 1000\]; got -2"),
        ("prior_bits_per_generation", math.nan, r"prior_bits_per_generation must be in \[0, 1000\]; got nan"),
        ("blind_spot_factor_per_generation", math.inf, r"blind_spot_factor_per_generation must be in"),
        ("competitors_log10_per_generation", "lots", r"must be a number in \[0, 300\]; got 'lots'"),
    ],
)
def test_bad_rates_are_refused_with_the_field_and_its_range(field, value, message):
    with pytest.raises(QuantityError, match=message):
        TrajectoryRates(**{field: value})


def _just_outside(name):
    """A value a hair outside each finite end of a rate's interval in the table."""
    q = QUANTITIES[name]
    ends = ((q.low, q.low_open, -np.inf), (q.high, q.high_open, np.inf))
    return [b if is_open else float(np.nextafter(b, away)) for b, is_open, away in ends if math.isfinite(b)]


@pytest.mark.parametrize(("name", "value"), [(n, v) for n in names_in("rate") for v in _just_outside(n)])
def test_each_rate_is_bounded_by_its_interval_in_the_table(name, value):
    # Expected: the table's interval, in the table's notation, and nothing else decides.
    q = QUANTITIES[name]
    message = rf"^{name} must be (a whole number )?in {re.escape(q.range_text)}; got "
    with pytest.raises(QuantityError, match=message):
        TrajectoryRates(**{name: value})
    # Each closed end itself, or a hair inside an open one, is accepted; every rate has two finite ends.
    inside = float(np.nextafter(q.low, np.inf)) if q.low_open else q.low
    assert getattr(TrajectoryRates(**{name: inside}), name) == inside
    assert getattr(TrajectoryRates(**{name: q.high}), name) == q.high
    assert len(_just_outside(name)) == 2


def test_rates_are_frozen_and_numpy_integers_are_whole_numbers():
    rates = TrajectoryRates(generations=np.int64(3))
    assert rates.generations == 3
    assert type(rates.generations) is int
    with pytest.raises(dataclasses.FrozenInstanceError):
        rates.generations = 4


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"error_rate": 0.1}, ValueError, "exactly one of labels"),
        ({"labels": 10, "programme": _two_source_programme(), "error_rate": 0.1}, ValueError, "exactly one"),
        ({"labels": 10}, ValueError, "exactly one of error_rate"),
        ({"labels": 10, "error_rate": 0.1, "agreement": 0.8}, ValueError, "exactly one of error_rate"),
        ({"labels": 10, "error_rate": 0.6}, ValueError, r"error_rate must be in \[0, 0.5\]"),
        ({"labels": 10, "error_rate": 0.1, "footprint": 0.0}, ValueError, r"footprint must be in \(0, 1\]"),
        ({"labels": 10, "error_rate": 0.1, "target": 1.0}, ValueError, r"target must be in \(0, 1\)"),
        ({"labels": [1, 2], "error_rate": 0.1}, ValueError, "labels must be a single number"),
        ({"labels": 10, "error_rate": [0.1, 0.2]}, ValueError, "error_rate must be a single number"),
        ({"labels": 10, "error_rate": 0.1, "blind_spot": [0.1]}, ValueError, "blind_spot must be a single"),
        ({"labels": 10, "error_rate": 0.1, "programme": None, "rates": None}, TypeError, "TrajectoryRates"),
        ({"programme": "contractors", "error_rate": 0.1}, TypeError, "must be a Programme"),
    ],
)
def test_bad_inputs_are_refused(kwargs, error, message):
    kwargs = dict(kwargs)
    rates = kwargs.pop("rates", DEFAULT_RATES)
    with pytest.raises(error, match=message):
        trajectory(rates, **kwargs)


def test_result_is_a_frozen_trajectory_with_one_row_per_generation():
    t = trajectory(TrajectoryRates(generations=5), labels=1e5, error_rate=0.1)
    assert isinstance(t, Trajectory)
    for name in (*PER_GENERATION, "generation", "programme_regime"):
        assert getattr(t, name).shape == (6,), name
    assert t.source_blind_spots.shape == (6, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.first_unreachable_generation = 1


def test_an_assumptions_value_or_keywords_give_the_same_trajectory():
    # Expected: the keyword call; unnamed threat quantities take the table's defaults in both.
    rates = TrajectoryRates(generations=3)
    given_ = {"labels": 5e4, "agreement": 0.8, "blind_spot": 0.02, "footprint": 0.1}
    by_keywords = trajectory(rates, **given_)
    assert trajectory(Assumptions(**given_), rates=rates).to_dict() == by_keywords.to_dict()
    assert by_keywords.exploitation[0] == DEFAULTS["exploitation"]
    programme = _two_source_programme()
    by_programme = trajectory(Assumptions(**given_), rates=rates, programme=programme, labels=None)
    expected = trajectory(rates, **{**given_, "labels": None}, programme=programme)
    np.testing.assert_array_equal(by_programme.p_align, expected.p_align)


def test_rows_are_the_per_generation_fields():
    t = trajectory(TrajectoryRates(generations=3), labels=1e5, error_rate=0.1)
    rows = t.rows()
    assert [row["generation"] for row in rows] == [0, 1, 2, 3]
    for g, row in enumerate(rows):
        assert row["p_align"] == t.p_align[g]
        assert row["regime"] == t.regime[g]
        assert row["source_blind_spots"] == []
    assert t.rows("generation", "required_labels", json_safe=True)[0] == {
        "generation": 0,
        "required_labels": float(t.required_labels[0]),
    }
