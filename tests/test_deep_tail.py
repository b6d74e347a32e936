"""The deep-tail series of ``aliquant_core._math`` against mpmath at 50 digits.

mpmath's ``betainc`` is the reference for a ≤ 2000; above, where it is too slow, the same tail is
the exact prefactor (log-gamma) times the Numerical Recipes continued fraction, both at 50 digits.

Claim checked: wherever ``log_symmetric_tail_series`` says it holds, its ln I_x(a, a) is within 1e-9
of the exact value, apart from the double rounding of the prefactor ln[pmf(a)(1 − x)] that it
shares with the continued fraction (a few ulp of ln I, which reaches −10¹² here).
"""

import mpmath
import numpy as np
import pytest

from aliquant_core import _math

STATED = 1e-9
A = np.unique(np.ceil(np.geomspace(2.0, 1e12, 49)))
X = np.concatenate([np.geomspace(1e-12, 0.3, 30), 0.5 - np.geomspace(0.2, 1e-6, 30)])


def _mp_fraction(a, x):
    """The continued fraction of Numerical Recipes eq. 6.4.5 for I_x(a, a), at mpmath's precision."""
    a, x = mpmath.mpf(a), mpmath.mpf(x)
    tiny = mpmath.mpf(10) ** -200
    c, d = mpmath.mpf(1), 1 - 2 * a * x / (a + 1)
    d = 1 / d
    h = d
    for m in range(1, 100_000):
        step = h
        for numerator in (
            m * (a - m) * x / ((a - 1 + 2 * m) * (a + 2 * m)),
            -(a + m) * (2 * a + m) * x / ((a + 2 * m) * (a + 1 + 2 * m)),
        ):
            d = 1 + numerator * d
            d = 1 / (d if d != 0 else tiny)
            c = 1 + numerator / c
            h *= c * d
        if abs(h / step - 1) < mpmath.mpf(10) ** -40:
            return h
    raise AssertionError(f"mp fraction did not converge at a={a}, x={x}")


def _mp_log_factor(a, x):
    """ln[2·margin·CF]: the factor the series approximates, exactly."""
    return float(mpmath.log(2 * (mpmath.mpf(1) / 2 - mpmath.mpf(x)) * _mp_fraction(a, x)))


def _mp_log_tail(a, x):
    """ln I_x(a, a): mpmath's betainc where it is quick (a ≤ 2000), else the prefactor times the fraction."""
    if a <= 2000:
        return mpmath.log(mpmath.betainc(a, a, 0, x, regularized=True))
    a, x = mpmath.mpf(a), mpmath.mpf(x)
    log_prefactor = a * mpmath.log(x * (1 - x)) - mpmath.log(a) - mpmath.log(mpmath.beta(a, a))
    return log_prefactor + mpmath.log(_mp_fraction(a, x))


@pytest.fixture(scope="module", autouse=True)
def fifty_digits():
    with mpmath.workdps(50):
        yield


def _held_points():
    a, x = (v.ravel() for v in np.meshgrid(A, X))
    _, holds = _math.log_symmetric_tail_series(a, x, 0.5 - x)
    return a[holds], x[holds]


def _assert_factor_within_stated_error(a, x):
    """The series' factor at points where it claims to hold, against the 50-digit fraction."""
    factor, holds = _math._log_series_factor(a, x, 0.5 - x)
    assert holds.all()
    exact = np.array([_mp_log_factor(k, v) for k, v in zip(a, x, strict=True)])
    np.testing.assert_allclose(factor, exact, rtol=0.0, atol=STATED)


def test_series_holds_on_most_of_the_deep_tail():
    a, x = (v.ravel() for v in np.meshgrid(A, X))
    margin = 0.5 - x
    deep = np.log1p(-4.0 * margin * margin) * (a - 0.5) < _math.LOG_DIRECT_TAIL_FLOOR
    _, holds = _math.log_symmetric_tail_series(a, x, margin)
    assert np.mean(holds[deep]) > 0.9


def test_series_factor_matches_mpmath_fraction():
    """ln[2·margin·CF] from the series against the fraction at 50 digits: the method error alone."""
    a, x = _held_points()
    assert a.size > 500
    _assert_factor_within_stated_error(a, x)


def test_series_at_the_edge_of_where_it_holds():
    """For each a, the held points with the largest error bound (both ends of x), where the error peaks."""
    edge_a, edge_x = [], []
    x = np.concatenate([np.geomspace(1e-12, 0.25, 400), 0.5 - np.geomspace(0.25, 1e-7, 400)])
    for a in A:
        _, holds = _math.log_symmetric_tail_series(np.full(x.size, a), x, 0.5 - x)
        flips = np.flatnonzero(np.diff(holds.astype(int)))
        for i in flips:
            edge_a.append(a)
            edge_x.append(x[i] if holds[i] else x[i + 1])
    a, x = np.array(edge_a), np.array(edge_x)
    assert a.size > 40
    _assert_factor_within_stated_error(a, x)


def test_series_log_tail_matches_mpmath():
    a, x = _held_points()
    keep = np.arange(a.size) % 3 == 0  # every third point: the betainc reference is slow
    a, x = a[keep], x[keep]
    value, _ = _math.log_symmetric_tail_series(a, x, 0.5 - x)
    exact = np.array([float(_mp_log_tail(k, v)) for k, v in zip(a, x, strict=True)])
    np.testing.assert_allclose(value, exact, rtol=8e-16, atol=STATED)


@pytest.mark.parametrize(
    ("a", "x"),
    [(2.0, 1e-150), (5.0, 1e-60), (60.0, 1e-12), (500.0, 0.05), (2000.0, 0.3), (1e12, 0.05), (1e9, 0.45)],
)
def test_tail_uses_series_and_matches_mpmath(a, x):
    value = _math.log_symmetric_tail(np.array([a]), np.array([x]), np.array([0.5 - x]))[0]
    assert _math.log_symmetric_tail_series(np.array([a]), np.array([x]), np.array([0.5 - x]))[1][0]
    exact = float(_mp_log_tail(a, x))
    assert abs(value - exact) <= STATED + 8e-16 * abs(exact)


def test_fallback_points_keep_the_fraction():
    a = np.array([3.0, 100.0, 1e8])
    x = np.array([1e-2, 0.2, 0.4999])
    margin = 0.5 - x
    _, holds = _math.log_symmetric_tail_series(a, x, margin)
    assert not holds.any()
    expected = _math._log_jury_pmf_times_win(a, x, margin) + np.log(_math._lentz_beta_fraction(a, a, x))
    np.testing.assert_array_equal(_math.log_symmetric_tail_fraction(a, x, margin), expected)
