"""The batched searches of the tolerance solvers and of the shared-dataset sum end exactly where the
plain bisections end.

``solve._loss_bound`` (behind ``max_error_rate`` and ``max_blind_spot``) and the searches of
``shared_dataset._shared_point`` used to bisect one point a call; they now evaluate many points a
call and replay the bisection on those values. Expected values come from the plain bisections kept
in ``tests/reference.py`` (``loss_bound_bisection``, ``first_below_bisection``,
``shared_point_bisection``): the new code must give the same floats, bit for bit, including where
the quantity bisected on is not monotone in the last digits (the replay then resumes the bisection
from the first point the speculation got wrong).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import aliquant_core.shared_dataset as shared_dataset
import aliquant_core.solve as solve
from aliquant_core import DEFAULTS, THREAT, max_blind_spot, max_error_rate, shared_p_align

from . import strategies as s
from .reference import first_below_bisection, loss_bound_bisection, shared_point_bisection

SETTINGS = settings(max_examples=200, deadline=None)

THREAT_DEFAULTS = {name: DEFAULTS[name] for name in THREAT}


def same(new, old) -> bool:
    """Equal as floats, bit for bit, NaN matching NaN."""
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    return new.shape == old.shape and bool(np.all((new == old) | (np.isnan(new) & np.isnan(old))))


# --- _loss_bound -------------------------------------------------------------------------------

#: Jury half-sizes: small juries (where one label matters), the model's regimes up to 1e12 labels.
half_sizes = st.one_of(
    st.integers(min_value=0, max_value=50).map(float),
    st.floats(min_value=0.0, max_value=12.0).map(lambda e: float(np.ceil(10.0**e))),
)
#: Budgets ln(−ln P*) − ln K_eff: P* in (0, 1) and K_eff up to 10³⁰⁰ give about [−715, 4]; wider
#: ends reach all-pass and none-pass at every a.
budgets = st.floats(min_value=-800.0, max_value=10.0)


@SETTINGS
@given(a=half_sizes, budget=budgets)
@example(a=0.0, budget=-0.5)  # a = 0: P₁ = ½, ln(−ln ½) = −0.37 > −0.5: nothing passes
@example(a=0.0, budget=0.0)  # ... and everything passes
@example(a=1.0, budget=-800.0)  # a budget no q below 1 meets
@example(a=5e11, budget=-45.0)  # the Edgeworth region of the tails
@example(a=3.0, budget=5.0)  # everything passes
def test_loss_bound_is_the_bisections_end(a, budget):
    a_, b_ = np.array([a]), np.array([budget])
    assert same(solve._loss_bound(a_, b_), loss_bound_bisection(a_, b_))


@pytest.mark.parametrize("speculated", [0, 10**6])
def test_loss_bound_over_arrays_and_nan_is_the_bisections_end(monkeypatch, speculated):
    # Every pair of a grid at once (one call, as on a chart), with NaN budgets and a = 0 among them,
    # bisected as it is (many scenarios) or speculatively (few, here forced for 121).
    monkeypatch.setattr(solve, "_SPECULATED", speculated)
    a = np.array([0.0, 1.0, 2.0, 7.0, 40.0, 1250.0, 3.1e4, 2e6, 1e8, 3e9, 5e11])
    budget = np.array([np.nan, -800.0, -700.0, -300.0, -71.0, -45.0, -10.0, -2.0, -0.37, 0.0, 3.0])
    grid_a, grid_b = np.meshgrid(a, budget)
    new = solve._loss_bound(grid_a, grid_b)
    assert new.shape == grid_a.shape
    assert same(new, loss_bound_bisection(grid_a, grid_b))
    assert np.all(np.isnan(new[0]))  # a NaN budget: nothing is known to pass


@pytest.mark.parametrize("estimate", [None, np.nan, 0.0, 3.0, -600.0])
def test_loss_bound_does_not_depend_on_the_estimate(monkeypatch, estimate):
    # SciPy's estimate only narrows the first bracket: a missing or wrong one costs time, not digits.
    # 2,000 scenarios, speculated (forced: so many would be bisected as they are), so that the
    # k-ary search tries 2 points a scenario for most of its rounds.
    monkeypatch.setattr(solve, "_SPECULATED", 10**6)
    rng = np.random.default_rng(7)
    a = np.ceil(10.0 ** rng.uniform(0.0, 9.0, 2000))
    budget = rng.uniform(-700.0, 2.0, 2000)
    expected = loss_bound_bisection(a, budget)
    if estimate is not None:
        monkeypatch.setattr(solve, "_logit_estimate", lambda a, budget: np.full(a.shape, estimate))
    assert same(solve._loss_bound(a, budget), expected)


def test_bisection_resumes_where_the_target_is_not_monotone(monkeypatch):
    # A made-up test with islands of failure above its first pass: the speculation (the smallest
    # passing double found by the k-ary search) leads the trace astray, and the bisection must still
    # end where a plain bisection of the same test ends.
    def islands(a, logit, budget):
        logit, budget = np.broadcast_arrays(logit, budget)
        return (
            (logit >= budget)
            & ~((logit > budget + 0.3) & (logit < budget + 0.9))
            & ~((logit > budget + 50.0) & (logit < budget + 52.5))
        )

    monkeypatch.setattr(solve, "_logit_meets", islands)
    budget = np.array([-700.0, -3.7, -0.6, 0.0, 1e-7, 2.1, 99.0])
    a = np.ones_like(budget)
    lo, hi = np.full_like(budget, -745.0), np.full_like(budget, 745.0)
    for _ in range(80):  # the plain bisection, on the same test
        mid = 0.5 * (lo + hi)
        ok = islands(a, mid, budget)
        hi, lo = np.where(ok, mid, hi), np.where(ok, lo, mid)
    steps = np.full(budget.size, 80)
    hint = np.full_like(budget, -745.0), budget + 51.0  # a bracket that holds: fails below, passes at its top
    assert same(solve._bisection(a, budget, lo * 0 - 745.0, hi * 0 + 745.0, steps, hint), hi)


@SETTINGS
@given(target=s.target, labels=s.labels_any, error_rate=s.error_rate, threat=s.threat)
def test_tolerance_solvers_are_unchanged(target, labels, error_rate, threat):
    # The public solvers, old bisection against new search, over the table's whole ranges.
    kwargs_blind = {k: v for k, v in threat.items() if k != "blind_spot"}
    new_error = max_error_rate(target, labels, **threat)
    new_blind = max_blind_spot(target, labels, error_rate, **kwargs_blind)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(solve, "_loss_bound", loss_bound_bisection)
        assert same(new_error, max_error_rate(target, labels, **threat))
        assert same(new_blind, max_blind_spot(target, labels, error_rate, **kwargs_blind))


def test_tolerance_solvers_broadcast_as_before(monkeypatch):
    labels = np.array([[1e3], [1e5], [1e9]])
    target = np.array([0.5, 0.9, 0.999])
    new_error = max_error_rate(target, labels, **THREAT_DEFAULTS)
    rest = {k: v for k, v in THREAT_DEFAULTS.items() if k != "blind_spot"}
    new_blind = max_blind_spot(target, labels, 0.1551, **rest)
    assert new_error.shape == new_blind.shape == (3, 3)
    monkeypatch.setattr(solve, "_loss_bound", loss_bound_bisection)
    assert same(new_error, max_error_rate(target, labels, **THREAT_DEFAULTS))
    assert same(new_blind, max_blind_spot(target, labels, 0.1551, **rest))


def test_the_default_tolerance_takes_a_few_calls(monkeypatch):
    # The point of the change (timed in benchmarks/bench_shared_dataset.py): at the defaults the
    # search evaluates the model in a handful of calls, where the bisection made 82.
    calls = []
    meets = solve._meets
    monkeypatch.setattr(solve, "_meets", lambda *args: calls.append(1) or meets(*args))
    max_error_rate(DEFAULTS["target"], DEFAULTS["labels"], **THREAT_DEFAULTS)
    assert len(calls) <= 5


# --- shared dataset ----------------------------------------------------------------------------


def _functions(high):
    """Exponents of j for the search tests: decreasing (with plateaus at the limits) or not."""
    scale = 20.0 / max(high, 1)
    decreasing = {
        "line": lambda j: 10.0 - scale * j,
        "steps": lambda j: np.where(j < high // 3, 5.0, np.where(j < 2 * high // 3, 1.0, -1.0)),
        "below": lambda j: np.full(np.shape(j), -1.0),
        "above": lambda j: np.full(np.shape(j), 99.0),
    }
    bumpy = {"bumps": lambda j: 10.0 - scale * j + np.where(j % 7 == 3, 15.0, 0.0)}
    return decreasing, bumpy


def _first_below_all(monkeypatch, function, high, likely):
    """``shared_dataset._first_below_all`` on ``function`` (vectorised), and how many calls it made."""
    calls = []

    def exponent(j, *args):
        calls.append(np.size(j))
        return np.asarray(function(np.asarray(j, dtype=float)), dtype=float), None

    monkeypatch.setattr(shared_dataset, "_exponent", exponent)
    limits = (5.0, 1.0, -1.0)
    found = shared_dataset._first_below_all(
        limits, high, shared_dataset._Exponents(high, 0, 0.5, 0.0), likely
    )
    return found, calls


@pytest.mark.parametrize("high", [0, 1, 2, 5, 100, 4097, 10**6, 10**12])
@pytest.mark.parametrize("likely", [(0, -1), (0, 50), (3, 9), (0, 10**12)])
def test_first_below_all_is_the_bisection(monkeypatch, high, likely):
    # Whatever the range guessed, and whichever search runs (one range, or k-ary where the range is
    # empty or too long), the answers are the plain bisection's.
    monkeypatch.setattr(shared_dataset, "_ENUMERATED", 64)
    likely = (min(likely[0], high), min(likely[1], high))
    for name, function in _functions(high)[0].items():
        expected = [
            first_below_bisection(limit, 0, high, lambda j, f=function: float(f(j)))
            for limit in (5.0, 1.0, -1.0)
        ]
        assert _first_below_all(monkeypatch, function, high, likely)[0] == expected, name


@pytest.mark.parametrize("high", [5, 100, 4097, 10**6])
@pytest.mark.parametrize("likely", [(0, -1), (0, 50), (3, 9)])
def test_first_below_all_is_the_bisection_where_the_exponent_is_not_monotone(monkeypatch, high, likely):
    # Where nothing is assumed (no range clear of the limits, so the bisection's own points are
    # evaluated), even an exponent that rises here and there gives the bisection's own answers.
    monkeypatch.setattr(shared_dataset, "_ENUMERATED", 64)
    monkeypatch.setattr(shared_dataset, "_CLEAR", np.inf)
    likely = (min(likely[0], high), min(likely[1], high))
    _, bumpy = _functions(high)
    function = bumpy["bumps"]
    expected = [
        first_below_bisection(limit, 0, high, lambda j: float(function(j))) for limit in (5.0, 1.0, -1.0)
    ]
    assert _first_below_all(monkeypatch, function, high, likely)[0] == expected


def test_first_below_all_takes_one_call_where_the_range_is_clear(monkeypatch):
    # The answers (j = 250, 450, 550 of 1000) inside a guessed range whose ends are clear of the
    # limits: one call, that range's, and nothing outside it.
    function = _functions(1000)[0]["line"]
    found, calls = _first_below_all(monkeypatch, function, 1000, (150, 600))
    assert found == [
        first_below_bisection(limit, 0, 1000, lambda j: float(function(j))) for limit in (5.0, 1.0, -1.0)
    ]
    assert calls == [451]


def _scenarios():
    """(common, own, q, ln K) of shared_p_align over a grid around the defaults and at the edges."""
    grid = itertools.product(
        [2, 14, 145, 1450, 4500, 14500],  # common labels
        [0, 1, 36, 355, 3550],  # own labels
        [0.3, 0.5, 0.5721, 0.6351, 0.8449, 0.99],  # q
        [0.7, 46.05, 230.26, 690.8],  # ln K_eff
    )
    return [(float(c), float(o), q, k) for c, o, q, k in grid]


@pytest.mark.parametrize("scenario", _scenarios())
def test_shared_point_is_the_bisections(scenario):
    assert shared_dataset._shared_point(*scenario) == shared_point_bisection(*scenario)


@pytest.mark.parametrize("scenario", _scenarios()[::7])
def test_shared_point_does_not_depend_on_the_guess(monkeypatch, scenario):
    # The Chernoff guess of where the terms lie only saves calls: a wrong one (nowhere near, or
    # empty), or a k-ary search instead of one call, gives the same floats.
    expected = shared_point_bisection(*scenario)
    common = int(scenario[0])
    for guess in [(0, 0), (common, common), (0, common), (common // 2, common // 2 + 3), (5, 2)]:
        with monkeypatch.context() as patch:
            patch.setattr(shared_dataset, "_likely_range", lambda *args, guess=guess: guess)
            assert shared_dataset._shared_point(*scenario) == expected
    with monkeypatch.context() as patch:
        patch.setattr(shared_dataset, "_ENUMERATED", 4)
        assert shared_dataset._shared_point(*scenario) == expected


@settings(max_examples=60, deadline=None)
@given(
    labels=s.labels_any.filter(lambda n: n <= 1e8),
    error_rate=s.error_rate,
    overlap=s.overlap,
    threat=s.threat,
)
def test_shared_p_align_is_unchanged(labels, error_rate, overlap, threat):
    new = shared_p_align(labels, error_rate, overlap=overlap, **threat)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shared_dataset, "_shared_point", shared_point_bisection)
        old = shared_p_align(labels, error_rate, overlap=overlap, **threat)
    assert same(new.p_align, old.p_align)
    assert same(new.p_misalign, old.p_misalign)


def test_shared_p_align_near_the_knife_edge_beyond_exact_terms_is_unchanged(monkeypatch):
    # 10¹² labels near ε = ½: more terms than EXACT_TERMS, so a k-ary search and a sum of its own.
    kwargs = {**THREAT_DEFAULTS, "blind_spot": 0.0}
    new = shared_p_align(1e12, 0.5 - 2.1e-5, overlap=DEFAULTS["overlap"], **kwargs)
    monkeypatch.setattr(shared_dataset, "_shared_point", shared_point_bisection)
    old = shared_p_align(1e12, 0.5 - 2.1e-5, overlap=DEFAULTS["overlap"], **kwargs)
    assert same(new.p_align, old.p_align)
    assert same(new.p_misalign, old.p_misalign)


def test_the_default_shared_figure_takes_one_call(monkeypatch):
    # At the defaults the searches and the sum share one call of the exponent (the bisections
    # made 26 scalar calls and the sum one more).
    calls = []
    exponent = shared_dataset._exponent
    monkeypatch.setattr(shared_dataset, "_exponent", lambda *args: calls.append(1) or exponent(*args))
    shared_p_align(DEFAULTS["labels"], 0.1551, overlap=DEFAULTS["overlap"], **THREAT_DEFAULTS)
    assert len(calls) == 1
