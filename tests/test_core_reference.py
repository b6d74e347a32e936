"""The fast core against slow, obviously correct references (see tests/reference.py)."""

import itertools

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aliquant_core import _math, p_align

from . import strategies as s
from .reference import PLAIN, plain, reference, symmetric_tail_reference


def _assert_matches_reference(labels, error_rate, **assumptions):
    fast = p_align(labels, error_rate, **assumptions)
    slow = reference(labels, error_rate, **assumptions)
    # Issue 2: P_align within 1e-12 of direct summation for N ≤ 5000.
    assert abs(float(fast.p_align) - float(slow.p_align)) <= 1e-12
    assert abs(float(fast.p_align_lower_bound) - float(slow.lower_bound)) <= 1e-12
    # Issue 2: the tail 1 − P₁ to relative 1e-8 wherever it exceeds 1e-300.
    if slow.single_failure > mp.mpf("1e-300"):
        assert float(fast.single_failure) == pytest.approx(float(slow.single_failure), rel=1e-8)
    if slow.single_failure > 0:
        # Below the float range the log carries it: log10 to 1e-8 relative to |log10|·ln 10.
        expected = float(mp.log10(slow.single_failure))
        assert float(fast.log10_single_failure) == pytest.approx(expected, rel=1e-10, abs=1e-9)
    assert fast.informative_labels == slow.informative
    return fast, slow


@settings(max_examples=150, deadline=None)
@given(labels=s.labels_small, error_rate=s.error_rate, assumptions=s.assumptions)
def test_p_align_matches_direct_summation(labels, error_rate, assumptions):
    _assert_matches_reference(labels, error_rate, **assumptions)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.integers(min_value=1, max_value=5000),
    error_rate=st.floats(min_value=0.0, max_value=0.3),
    shift=st.floats(min_value=-3.0, max_value=3.0),
)
def test_p_align_where_a_tail_below_the_float_range_decides(labels, error_rate, shift):
    # K chosen so that K·(1 − P₁) is near 1: the deep-tail path is what sets P_align here.
    tail = reference(labels, error_rate, **PLAIN).single_failure
    if tail == 0:
        return  # error_rate = 0: nothing to decide
    competitors_log10 = min(300.0, max(0.0, -float(mp.log10(tail)) + shift))
    _assert_matches_reference(labels, error_rate, **plain(competitors_log10=competitors_log10))


@pytest.mark.parametrize(
    ("labels", "error_rate", "competitors_log10"),
    [
        (1, 0.0, 300.0),  # perfect labels: P₁ = 1
        (1, 1e-300, 300.0),  # a tail of 1e-300 against 10^300 competitors: P_align = e^-1
        (2, 1e-160, 300.0),
        (3, 1e-150, 300.0),
        (4999, 0.5, 300.0),  # knife-edge: ½^(10^300) = 0
        (5000, 0.4999, 0.0),
        (830, 0.05, 300.0),
    ],
)
def test_p_align_edge_cases_match_direct_summation(labels, error_rate, competitors_log10):
    _assert_matches_reference(labels, error_rate, **plain(competitors_log10=competitors_log10))


@settings(max_examples=120, deadline=None)
@given(
    log10_a=st.floats(min_value=0.0, max_value=np.log10(5e11)),
    log10_tail=st.floats(min_value=-300.0, max_value=np.log10(0.49)),
)
def test_tail_relative_accuracy_across_all_jury_sizes(log10_a, log10_tail):
    # Issue 2: 1 − P₁ = I_x(a, a) to relative 1e-8 wherever it exceeds 1e-300, for m up to 10^12
    # (a = ⌈m/2⌉ up to 5·10^11). x is placed so the tail is near the drawn level; the expected
    # value is the integral of the Beta(a, a) density by mpmath quadrature at 40 digits.
    a = float(np.ceil(10.0**log10_a))
    # Normal-approximation guess of the x giving that tail; only used to pick a test point.
    z = float(mp.sqrt(2) * mp.erfinv(2 * mp.power(10, log10_tail) - 1))
    margin = min(0.5, -z / (2.0 * np.sqrt(2.0 * a + 1.0)))
    x = 0.5 - margin
    margin = 0.5 - x  # exact in floating point for x in [¼, ½]; elsewhere both are exact anyway
    if x <= 0.0:
        return  # a = 1 and a tail beyond the normal guess's reach: x = 0 has no tail
    expected = symmetric_tail_reference(a, x)
    if not expected > mp.mpf("1e-300"):
        return
    got = float(np.exp(_math.log_symmetric_tail(np.array([a]), np.array([x]), np.array([margin]))[0]))
    assert got == pytest.approx(float(expected), rel=1e-8)


@pytest.mark.parametrize("a", [1e8, 3.3e9, 1e11, 5e11])
@pytest.mark.parametrize("z", [-5.999, -6.0, -6.001])
def test_large_jury_methods_agree_where_they_switch(a, z):
    # At z = −6 the Edgeworth series hands over to the continued fraction: both sides of the seam
    # against the quadrature reference.
    margin = -z / (2.0 * np.sqrt(2.0 * a + 1.0))
    x = 0.5 - margin
    expected = symmetric_tail_reference(a, x)
    got = np.exp(_math.log_symmetric_tail(np.array([a]), np.array([x]), np.array([0.5 - x]))[0])
    assert got == pytest.approx(float(expected), rel=1e-9)


EDGES = {
    "labels": [0.0, 1.0, 2.0, 1e12],
    "error_rate": [0.0, 0.5],
    "blind_spot": [0.0, 1.0],
    "footprint": [1e-12, 1.0],
    "exploitation": [0.0, 1.0],
    "competitors_log10": [0.0, 300.0],
    "prior_bits": [0.0, 1000.0],
}


def test_no_nan_and_no_warning_on_every_edge_of_the_ranges():
    # Every combination of the brief's range ends (512 scenarios) in one broadcast call; pytest
    # turns any NumPy warning into an error (pyproject: filterwarnings = error).
    combos = np.array(list(itertools.product(*EDGES.values())))
    args = dict(zip(EDGES, combos.T, strict=True))
    result = p_align(**args)
    for field in ("p_align", "p_align_lower_bound", "p_misalign", "p_single", "single_failure"):
        values = getattr(result, field)
        assert np.all(np.isfinite(values)), field
        assert np.all((values >= 0) & (values <= 1)), field
    assert not np.any(np.isnan(result.log10_single_failure))
    # And one scenario at a time gives the same numbers.
    for i in range(0, len(combos), 37):
        single = p_align(**{k: v[i] for k, v in args.items()})
        assert single.p_align == result.p_align[i]


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(s.labels_any, min_size=1, max_size=6),
    error_rate=s.error_rate,
    assumptions=s.assumptions,
)
def test_scalar_and_array_calls_agree(labels, error_rate, assumptions):
    array = p_align(np.array(labels, dtype=float), error_rate, **assumptions)
    for i, n in enumerate(labels):
        scalar = p_align(n, error_rate, **assumptions)
        assert np.ndim(scalar.p_align) == 0
        assert scalar.p_align == array.p_align[i]
        assert scalar.p_align_lower_bound == array.p_align_lower_bound[i]
        assert scalar.regime == array.regime[i]
