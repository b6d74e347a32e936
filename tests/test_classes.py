"""Competitor classes (issue #17, point 2): P_align = Π_c P₁,c^K_eff,c, its solvers and analyses.

Expected values come from three places, each said where it is used: the slow reference
(``tests/reference.py``: direct summation per class in mpmath at 40 digits), the first version's
figures (``tests/test_first_version.py``, which one class must reproduce), and simulation.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import aliquant_core as core
from aliquant_core import CompetitorClass, QuantityError, classes_p_align
from aliquant_core.classes import MAX_CLASSES
from aliquant_core.uncertainty import sensitivity, tornado, uncertainty

from . import strategies
from .reference import classes_reference, classes_required_labels_reference
from .test_first_version import (
    DEFAULT_ERROR,
    DEFAULT_LABELS,
    DEFAULT_THREAT,
    FIELDS,
    FIRST_VERSION,
    MIXTURES,
    SINGLE,
)

OWN = ("competitors_log10", "footprint", "exploitation")


def split(threat: dict, name: str = "competitors") -> tuple[dict, list[CompetitorClass]]:
    """A threat dict as the shared threat and one class holding its own quantities (table defaults)."""
    shared = {k: v for k, v in threat.items() if k not in OWN}
    own = {k: threat.get(k, core.DEFAULTS[k]) for k in OWN}
    return shared, [CompetitorClass(name, **own)]


# -- golden values from the slow reference --------------------------------------------------------

#: (labels, ε, shared threat, classes as (name, log₁₀K, f, χ), expected). The expected values are
#: tests/reference.py's classes_reference, printed with mpmath.nstr(·, 17):
#: ``classes_reference(labels, ε, [CompetitorClass(*c) for c in classes], **shared)`` →
#: (p_align, lower_bound, each class's single_failure). The first: benign competitors among a
#: hundred that exploit more, which bind; the second: prior bits shared by both classes; the third:
#: two targeted competitors whose footprint is all blind spot (h = 1, q = 1 − φ = 0.1 < ½).
GOLDEN = [
    (40000.0, 0.1638, {"blind_spot": 0.03, "fooled_rate": 0.8362, "prior_bits": 0.0},
     [("benign", 20, 0.05, 0.3), ("few", 2, 0.03, 0.4)],
     ("0.99363590548500602", "0.99361577210493522", ["5.6811567845095029e-79", "6.384227895064781e-5"]),
     "few"),
    (600.0, 0.2, {"blind_spot": 0.1, "fooled_rate": 0.7, "prior_bits": 10.0},
     [("A", 5, 0.5, 0.2), ("B", 1, 0.2, 0.9)],
     ("0.93797771936870083", "0.93797771936870082", ["4.1288281698115948e-19", "0.062022280631299137"]),
     "B"),
    (400.0, 0.1, {"blind_spot": 0.05, "fooled_rate": 0.9, "prior_bits": 0.0},
     [("benign", 3, 1.0, 0.0), ("targeted", 0.30103, 0.05, 1.0)],
     ("1.5443971266612011e-11", "0.0", ["9.5186168550015779e-66", "0.99999607011767287"]),
     "targeted"),
]  # fmt: skip


@pytest.mark.parametrize(("labels", "error", "shared", "classes", "expected", "binding"), GOLDEN)
def test_two_classes_match_the_slow_reference(labels, error, shared, classes, expected, binding):
    classes = [CompetitorClass(*c) for c in classes]
    p_align, lower, failures = (mp.mpf(expected[0]), mp.mpf(expected[1]), [mp.mpf(x) for x in expected[2]])
    ref = classes_reference(labels, error, classes, **shared)
    # The reference still gives the recorded figures.
    assert mp.almosteq(ref.p_align, p_align, rel_eps=mp.mpf("1e-15"))
    result = classes_p_align(labels, error, classes=classes, **shared)
    assert float(result.p_align) == pytest.approx(float(p_align), rel=1e-12)
    assert float(result.p_misalign) == pytest.approx(float(1 - ref.p_align), rel=1e-12)
    assert float(result.p_align_lower_bound) == pytest.approx(float(lower), rel=1e-12, abs=1e-300)
    assert float(result.p_align_one_contest) == pytest.approx(float(ref.one_contest), rel=1e-12)
    for c, failure, r in zip(result.classes, failures, ref.classes, strict=True):
        assert float(c.single_failure) == pytest.approx(float(failure), rel=1e-12)
        assert float(c.p_align) == pytest.approx(float(r.p_align), rel=1e-12)
        assert float(c.informative_labels) == r.informative
    assert str(result.binding) == binding


def test_required_labels_over_classes_match_trying_every_n():
    # Both classes gain with labels; the smallest N by mpmath, N = 0, 1, 2, ... (tests/reference.py).
    classes = [CompetitorClass("a", 3, 0.5, 0.2), CompetitorClass("b", 1, 0.2, 0.5)]
    shared = {"blind_spot": 0.05, "fooled_rate": 0.8, "prior_bits": 0.0}
    expected = classes_required_labels_reference(0.9, 0.2, classes, limit=400, **shared)
    assert expected == 143.0
    assert float(core.required_labels(0.9, 0.2, classes=classes, **shared)) == expected


@pytest.mark.parametrize(("target", "expected"), [(0.3, 1.0), (0.45, 17.0), (0.49, 49.0)])
def test_required_labels_where_one_class_loses_with_labels(target, expected):
    # One competitor that differs only in blind spots (h = 1, q = 1 − φ = 0.45 < ½) loses ground with
    # every label while the other gains: P_align is not monotone in N. Expected: the first N with
    # P_align ≥ target found by evaluating N = 0..3000 one by one (below).
    classes = [CompetitorClass("good", 0, 0.5, 0), CompetitorClass("bad", 0, 0.001, 1.0)]
    shared = {"blind_spot": 0.001, "fooled_rate": 0.55}
    n = np.arange(3001.0)
    p = classes_p_align(n, 0.3, classes=classes, **shared).p_align
    assert float(np.flatnonzero(p >= target)[0]) == expected
    assert float(core.required_labels(target, 0.3, classes=classes, **shared)) == expected


#: Scenarios where a class that loses with labels (h = 1, q < ½) keeps the first candidate from
#: reaching the target, so the search must move on (found among 300 seeded random scenarios that
#: were all checked against evaluating every N, as the test does): (log₁₀K of the gaining class,
#: its footprint, the losing class's footprint = σ, φ, ε, target, first N by evaluating N = 0..4000).
ROUNDS = [
    (0.668718141104379, 0.2277738506529245, 0.00693019878650238, 0.5169192011974661, 0.44381828214423563,
     0.3089847785439722, 644.0),
    (0.2570898639873892, 0.13247408492250498, 0.16352040379351845, 0.5304860868662618, 0.2435918921798889,
     0.2601627926179767, 19.0),
    (0.9152367962235946, 0.16198154785500973, 0.006297429350358057, 0.515835049691132, 0.3841746181803821,
     0.34647065651576586, 349.0),
    (0.5768442817305188, 0.9205490822657716, 0.03339250811949862, 0.5821703261845811, 0.4055539510685709,
     0.22357692057925777, 36.0),
]  # fmt: skip


@pytest.mark.parametrize(("k", "f_good", "f_bad", "phi", "eps", "target", "expected"), ROUNDS)
def test_required_labels_search_goes_past_a_first_candidate(k, f_good, f_bad, phi, eps, target, expected):
    classes = [CompetitorClass("good", k, f_good, 0.0), CompetitorClass("bad", 0.0, f_bad, 1.0)]
    shared = {"blind_spot": f_bad, "fooled_rate": phi}
    p = classes_p_align(np.arange(4001.0), eps, classes=classes, **shared).p_align
    assert float(np.flatnonzero(p >= target)[0]) == expected
    assert float(core.required_labels(target, eps, classes=classes, **shared)) == expected


# -- one class is today's model -------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(SINGLE)))
def test_one_class_reproduces_the_first_versions_figures(index):
    labels, eps, threat = SINGLE[index]
    shared, classes = split({**threat, "fooled_rate": 1.0 - eps})
    result = classes_p_align(labels, eps, classes=classes, **shared)
    one = result.classes[0]
    values = [float(getattr(result, n) if hasattr(result, n) else getattr(one, n)) for n in FIELDS[:3]]
    values += [float(getattr(one, n)) for n in FIELDS[3:]]
    np.testing.assert_allclose(values, FIRST_VERSION[f"single{index}"], rtol=1e-12, atol=0)
    needed = core.required_labels(0.9, eps, classes=classes, **shared)
    np.testing.assert_allclose(float(needed), FIRST_VERSION[f"required{index}"], rtol=1e-12)
    blind = core.max_blind_spot(0.9, labels, eps, classes=classes, **{**shared, "blind_spot": 0.0})
    np.testing.assert_allclose(
        float(blind), FIRST_VERSION[f"max_blind_spot{index}"], rtol=1e-12, equal_nan=True
    )
    most = core.max_competitors_log10(0.9, labels, eps, classes=classes, **shared)
    np.testing.assert_allclose(
        float(most), FIRST_VERSION[f"max_competitors{index}"], rtol=1e-12, equal_nan=True
    )


@pytest.mark.parametrize("index", range(len(MIXTURES)))
def test_one_class_reproduces_the_first_versions_mixtures(index):
    labels, eps, sigma, r, aggregation = MIXTURES[index]
    classes = [CompetitorClass("c", competitors_log10=5.0, footprint=0.05, exploitation=0.6)]
    result = core.mixture_p_align(
        labels, [eps] * len(labels), sigma, redundancy=r, aggregation=aggregation, method="exact",
        classes=classes, fooled_rate=1.0 - eps,
    )  # fmt: skip
    one = result.classes[0]
    values = [float(result.p_align), float(result.p_misalign), float(result.p_align_lower_bound)]
    values += [float(one.p_single), float(one.single_failure), float(one.log10_single_failure)]
    values += [float(q) for q in one.label_win_prob]
    np.testing.assert_allclose(values, FIRST_VERSION[f"mixture{index}"], rtol=1e-12, atol=0)


def test_one_class_reproduces_the_first_versions_trajectory():
    shared, classes = split({**DEFAULT_THREAT, "fooled_rate": 1.0 - DEFAULT_ERROR})
    t = core.trajectory(
        labels=DEFAULT_LABELS, error_rate=DEFAULT_ERROR, target=0.9, classes=classes, **shared
    )
    np.testing.assert_allclose(t.p_align, FIRST_VERSION["trajectory_p_align"], rtol=1e-12, atol=0)
    np.testing.assert_allclose(t.required_labels, FIRST_VERSION["trajectory_required"], rtol=1e-12)


GRID = {"labels": np.logspace(0, 12, 60)[:, None], "error_rate": np.linspace(0, 0.5, 61)[None, :]}


@pytest.mark.parametrize("threat", [{}, {"blind_spot": 0.45, "footprint": 1.0}, {"competitors_log10": 300.0}])
def test_one_class_is_p_align_to_the_last_bit_on_a_grid(threat):
    shared, classes = split(threat)
    old = core.p_align(GRID["labels"], GRID["error_rate"], **threat)
    new = classes_p_align(GRID["labels"], GRID["error_rate"], classes=classes, **shared)
    for name in ("p_align", "p_misalign", "p_align_lower_bound", "regime"):
        np.testing.assert_array_equal(getattr(new, name), getattr(old, name), err_msg=name)
    for name in (
        "p_single",
        "single_failure",
        "log10_single_failure",
        "label_win_prob",
        "informative_labels",
    ):
        np.testing.assert_array_equal(getattr(new.classes[0], name), getattr(old, name), err_msg=name)


def test_one_class_from_the_assumptions_is_every_headline_figure():
    a = core.Assumptions()
    classes = core.classes_from_assumptions(a)
    assert classes_p_align(a, classes=classes).p_align == core.p_align(a).p_align
    assert core.required_labels(a, classes=classes) == core.required_labels(a) == 99_890.0
    assert core.max_error_rate(a, classes=classes) == core.max_error_rate(a)
    assert core.max_blind_spot(a, classes=classes) == core.max_blind_spot(a)
    assert core.max_competitors_log10(a, classes=classes) == core.max_competitors_log10(a)
    shared = core.classes_shared_p_align(a, classes=classes)
    assert shared.p_align == core.shared_p_align(a).p_align


def test_a_class_split_in_two_halves_is_the_same_model():
    # K competitors as two classes of K/2 each: Σ_c K_c(−ln P₁) is unchanged, so the general path
    # (several classes) must give the one-class figures to rounding, and the same required labels.
    a = core.Assumptions()
    half = a.competitors_log10 - math.log10(2.0)
    halves = [CompetitorClass(n, half, a.footprint, a.exploitation) for n in ("first half", "second half")]
    shared = {"blind_spot": a.blind_spot, "fooled_rate": a.fooled_rate, "prior_bits": a.prior_bits}
    labels = np.array([3e4, 1e5, 3e5])
    both = classes_p_align(labels, a.error_rate, classes=halves, **shared)
    one = core.p_align(labels, a.error_rate, **a.threat)
    np.testing.assert_allclose(both.p_align, one.p_align, rtol=1e-13)
    np.testing.assert_allclose(both.p_align_lower_bound, one.p_align_lower_bound, rtol=1e-13)
    for target in (0.5, 0.9, 0.999):
        assert core.required_labels(target, a.error_rate, classes=halves, **shared) == core.required_labels(
            target, a.error_rate, **a.threat
        )
    np.testing.assert_allclose(
        core.max_error_rate(0.9, 1e5, classes=halves, **shared),
        core.max_error_rate(0.9, 1e5, **a.threat),
        rtol=1e-12,
    )


# -- solvers: each answer at its boundary -----------------------------------------------------------

TWO = [CompetitorClass("benign", 20, 0.05, 0.3), CompetitorClass("few", 2, 0.03, 0.4)]
SHARED = {"blind_spot": 0.03, "fooled_rate": 0.8362}


def test_tolerances_over_classes_sit_on_the_boundary():
    target, labels, eps = 0.9, 1e5, 0.1638
    worst = float(core.max_error_rate(target, labels, classes=TWO, **SHARED))
    assert classes_p_align(labels, worst, classes=TWO, **SHARED).p_align >= target
    assert classes_p_align(labels, np.nextafter(worst, 1) + 1e-15, classes=TWO, **SHARED).p_align < target
    blind = float(core.max_blind_spot(target, labels, eps, classes=TWO, fooled_rate=0.8362))
    assert classes_p_align(labels, eps, classes=TWO, blind_spot=blind, fooled_rate=0.8362).p_align >= target
    assert (
        classes_p_align(labels, eps, classes=TWO, blind_spot=blind + 1e-15, fooled_rate=0.8362).p_align
        < target
    )
    for index in (0, 1):
        most = float(
            core.max_competitors_log10(target, labels, eps, classes=TWO, class_index=index, **SHARED)
        )
        moved = [
            c if i != index else CompetitorClass(c.name, most, c.footprint, c.exploitation)
            for i, c in enumerate(TWO)
        ]
        assert float(classes_p_align(labels, eps, classes=moved, **SHARED).p_align) == pytest.approx(
            target, rel=1e-9
        )


def test_required_labels_over_classes_is_the_smallest():
    needed = core.required_labels(np.array([0.5, 0.9, 0.99]), 0.1638, classes=TWO, **SHARED)
    assert np.all(classes_p_align(needed, 0.1638, classes=TWO, **SHARED).p_align >= [0.5, 0.9, 0.99])
    assert np.all(classes_p_align(needed - 1, 0.1638, classes=TWO, **SHARED).p_align < [0.5, 0.9, 0.99])


def test_targeted_few_make_every_target_unreachable_at_the_defaults():
    # The preset's competitors differ only in blind spots (h = 1), where φ = 0.8362 > ½: q < ½.
    a = core.Assumptions()
    classes = core.classes_from_assumptions(a, [core.TARGETED_FEW])
    assert math.isinf(core.required_labels(a, classes=classes))
    result = classes_p_align(a, classes=classes)
    assert str(result.binding) == "targeted few"
    assert str(result.regime) == "no_quantity_suffices"
    assert float(result.classes[1].blind_share) == 1.0


# -- properties -------------------------------------------------------------------------------------

_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(
    labels=strategies.labels_any,
    error=strategies.error_rate,
    shared=strategies.shared_threat,
    classes=strategies.competitor_classes,
    extra=strategies.competitor_class,
)
def test_adding_a_class_never_raises_p_align(labels, error, shared, classes, extra):
    extra = CompetitorClass("extra", extra.competitors_log10, extra.footprint, extra.exploitation)
    before = classes_p_align(labels, error, classes=classes, **shared)
    after = classes_p_align(labels, error, classes=(*classes, extra), **shared)
    assert after.p_align <= before.p_align
    assert after.p_misalign >= before.p_misalign
    assert after.p_align_lower_bound <= before.p_align_lower_bound
    # Harris–FKG: Bonferroni ≤ product ≤ the hardest single contest.
    assert after.p_align_lower_bound <= after.p_align * (1 + 1e-12) + 1e-300
    assert after.p_align <= after.p_align_one_contest * (1 + 1e-12) + 1e-300


@_SETTINGS
@given(
    labels=strategies.labels_any,
    error=strategies.error_rate,
    shared=strategies.shared_threat,
    classes=strategies.competitor_classes,
)
def test_class_order_is_irrelevant(labels, error, shared, classes):
    forward = classes_p_align(labels, error, classes=classes, **shared)
    backward = classes_p_align(labels, error, classes=classes[::-1], **shared)
    assert float(backward.p_align) == pytest.approx(float(forward.p_align), rel=1e-12, abs=1e-300)
    assert float(backward.p_misalign) == pytest.approx(float(forward.p_misalign), rel=1e-12, abs=1e-300)
    assert float(backward.p_align_lower_bound) == pytest.approx(
        float(forward.p_align_lower_bound), rel=1e-12, abs=1e-15
    )
    exponents = sorted(
        float(np.log(c.misalignment_share)) for c in forward.classes if c.misalignment_share > 0
    )
    if len(exponents) > 1 and exponents[-1] - exponents[-2] > 1e-9:  # a clear winner: the same class binds
        assert str(backward.binding) == str(forward.binding)


@_SETTINGS
@given(
    labels=st.lists(strategies.labels_any, min_size=1, max_size=5),
    error=strategies.error_rate,
    shared=strategies.shared_threat,
    classes=strategies.competitor_classes,
)
def test_arrays_give_what_scalars_give(labels, error, shared, classes):
    many = classes_p_align(np.array(labels), error, classes=classes, **shared)
    for i, n in enumerate(labels):
        one = classes_p_align(n, error, classes=classes, **shared)
        assert many.p_align[i] == one.p_align
        assert many.p_align_lower_bound[i] == one.p_align_lower_bound
        assert many.binding[i] == one.binding
        for c_many, c_one in zip(many.classes, one.classes, strict=True):
            assert c_many.p_single[i] == c_one.p_single
    needed = core.required_labels(0.9, np.array([error, error]), classes=classes, **shared)
    assert needed[0] == needed[1] == core.required_labels(0.9, error, classes=classes, **shared)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    target=strategies.target,
    error=strategies.error_rate,
    shared=strategies.shared_threat,
    classes=strategies.competitor_classes,
)
def test_required_labels_over_classes_is_the_first_to_reach_the_target(target, error, shared, classes):
    needed = float(core.required_labels(target, error, classes=classes, **shared))
    assume(math.isfinite(needed) and needed <= 1e12)
    assert classes_p_align(needed, error, classes=classes, **shared).p_align >= target
    if needed > 0:
        assert classes_p_align(needed - 1, error, classes=classes, **shared).p_align < target


# -- simulation -------------------------------------------------------------------------------------


def test_each_class_agrees_with_simulation_at_small_k():
    # Per class, simulate_p_align draws K_eff = 2 or 3 competitors per trial (seeded) and must agree
    # with the class's P₁^K; the whole is then simulated directly: a trial is aligned when every
    # competitor of every class loses, all contests independent, and it must agree with the product.
    classes = [
        CompetitorClass("broad", math.log10(3), 0.5, 0.2),
        CompetitorClass("narrow", math.log10(2), 0.1, 0.5),
    ]
    shared = {"blind_spot": 0.04, "fooled_rate": 0.7, "prior_bits": 0.0}
    labels, eps = 60.0, 0.3  # P₁^K of 0.94 and 0.49: both resolvable with 20,000 trials
    result = classes_p_align(labels, eps, classes=classes, **shared)
    for c, per_class in zip(classes, result.classes, strict=True):
        sim = core.simulate_p_align(labels, eps, trials=20_000, seed=7, **shared, **c.threat)
        assert sim.verdict == "agrees", sim.reason
        assert sim.analytic_p_align == pytest.approx(float(per_class.p_align), rel=1e-12)
    rng = np.random.default_rng(11)
    trials = 40_000
    aligned = np.ones(trials, dtype=bool)
    for per_class, count in zip(result.classes, (3, 2), strict=True):
        m, q = int(per_class.informative_labels), float(per_class.label_win_prob)
        wins = rng.binomial(m, q, size=(trials, count))
        beat = (2 * wins > m) | ((2 * wins == m) & (rng.random((trials, count)) < 0.5))
        aligned &= beat.all(axis=1)
    low, high = core.wilson_interval(int(aligned.sum()), trials, 0.999)
    assert low <= float(result.p_align) <= high


# -- programmes, curves, the optimiser, uncertainty, the shared dataset -----------------------------


def test_a_programme_against_classes_is_the_product_of_its_classes():
    a = core.Assumptions()
    programme = core.Programme(
        (core.Allocation(core.PRESETS["contractors"], 50_000), core.Allocation(core.PRESETS["experts"], 5000))
    )
    one = core.programme_p_align(programme, **a.shared_threat)
    mine = core.programme_p_align(
        programme, classes=core.classes_from_assumptions(a), fooled_rate=a.fooled_rate
    )
    assert mine.p_align == one.p_align
    assert mine.p_align_lower_bound == one.p_align_lower_bound
    both = core.programme_p_align(programme, classes=TWO, fooled_rate=a.fooled_rate)
    each = [core.programme_p_align(programme, fooled_rate=a.fooled_rate, **c.threat).p_align for c in TWO]
    assert float(both.p_align) == pytest.approx(float(np.prod(each)), rel=1e-12)


def test_the_cheapest_programme_against_classes_reaches_the_target():
    a = core.Assumptions()
    sources = [core.PRESETS["contractors"], core.PRESETS["experts"]]
    one = core.cheapest_programme(0.9, sources, **a.shared_threat)
    mine = core.cheapest_programme(
        0.9, sources, classes=core.classes_from_assumptions(a), fooled_rate=a.fooled_rate
    )
    assert (mine.dollars, mine.p_align) == (one.dollars, one.p_align)
    best = core.cheapest_programme(0.9, sources, classes=TWO, fooled_rate=a.fooled_rate)
    assert best.programme is not None
    assert best.p_align >= 0.9
    reached = core.programme_p_align(best.programme, classes=TWO, fooled_rate=a.fooled_rate).p_align
    assert float(reached) == best.p_align


def test_uncertainty_with_one_class_is_unchanged_and_classes_lower_it():
    a = core.Assumptions()
    intervals = {"footprint": (0.02, 0.1), "labels": (3e4, 3e5)}
    old = uncertainty(intervals, a, draws=256)
    new = uncertainty(intervals, a, draws=256, classes=core.classes_from_assumptions(a))
    np.testing.assert_array_equal(new.p_align, old.p_align)
    np.testing.assert_array_equal(new.required_labels, old.required_labels)
    more = uncertainty(intervals, a, draws=256, classes=core.classes_from_assumptions(a, [TWO[1]]))
    assert np.all(more.p_align <= old.p_align)
    assert tornado(intervals, a, classes=core.classes_from_assumptions(a))[0] == tornado(intervals, a)[0]
    s = sensitivity(intervals, a, samples=64, classes=core.classes_from_assumptions(a, [TWO[1]]))
    assert s.names == ("footprint", "labels")


def test_the_shared_dataset_range_over_classes_is_ordered():
    r = core.classes_shared_p_align(30_000, 0.1638, overlap=0.2, classes=TWO, **SHARED)
    assert r.p_align_any_dependence <= r.p_align_independent <= r.p_align <= r.p_align_at_most
    assert r.p_align_at_most <= r.p_align_one_contest
    each = [core.shared_p_align(30_000, 0.1638, overlap=0.2, **SHARED, **c.threat).p_align for c in TWO]
    assert float(r.p_align) == pytest.approx(float(np.prod(each)), rel=1e-12)


def test_a_trajectory_over_classes_names_the_binding_class():
    t = core.trajectory(labels=1e5, error_rate=0.1638, classes=TWO, **SHARED)
    assert t.by_class is not None
    assert t.by_class.binding.shape == t.generation.shape
    np.testing.assert_array_equal(t.footprint[:1], [TWO[0].footprint])
    needed = t.required_labels
    assert needed[0] == core.required_labels(0.9, 0.1638, classes=TWO, **SHARED)


# -- refusals ---------------------------------------------------------------------------------------


def test_refusals_name_the_quantity_and_its_range():
    with pytest.raises(QuantityError, match=r"footprint must be in \(0, 1\]; got 0"):
        CompetitorClass("x", footprint=0.0)
    with pytest.raises(QuantityError, match=r"competitors_log10 must be in \[0, 300\]"):
        CompetitorClass("x", competitors_log10=301)
    with pytest.raises(QuantityError, match="name"):
        CompetitorClass("  ")
    with pytest.raises(QuantityError, match="two competitor classes are named 'a'"):
        classes_p_align(10, 0.1, classes=[CompetitorClass("a"), CompetitorClass("a")])
    with pytest.raises(QuantityError, match=f"give 1 to {MAX_CLASSES}"):
        classes_p_align(10, 0.1, classes=[])
    with pytest.raises(QuantityError, match=f"give 1 to {MAX_CLASSES}"):
        classes_p_align(10, 0.1, classes=[CompetitorClass(f"c{i}") for i in range(MAX_CLASSES + 1)])
    with pytest.raises(TypeError, match="belong"):
        classes_p_align(10, 0.1, classes=[CompetitorClass()], footprint=0.2)
    with pytest.raises(QuantityError, match="class_index"):
        core.max_competitors_log10(0.9, 1e5, 0.1, classes=TWO, class_index=2)
    with pytest.raises(QuantityError, match="unknown key"):
        CompetitorClass.from_dict({"name": "x", "blind_spot": 0.1})
