"""The fast paths of ``aliquant_core._math`` give the values of the plain ones."""

import numpy as np
import pytest
from scipy import special

from aliquant_core import _math


@pytest.fixture
def tail_arguments():
    rng = np.random.default_rng(12)
    a = np.ceil(10.0 ** rng.uniform(0.0, 11.7, 30_000))
    x = rng.uniform(0.0, 0.5, a.size)
    x[::97] = 0.0
    x[::89] = 0.5
    return a, x, 0.5 - x


def test_blocks_do_not_change_values(tail_arguments):
    a, x, margin = tail_arguments
    whole = _math.log_symmetric_tail(a, x, margin)
    points = zip(a[:600], x[:600], margin[:600], strict=True)
    pointwise = np.array([_math.log_symmetric_tail(*v) for v in points])
    np.testing.assert_array_equal(whole[:600], pointwise.ravel())
    grid = _math.log_symmetric_tail(a.reshape(150, 200), x.reshape(150, 200), margin.reshape(150, 200))
    np.testing.assert_array_equal(grid.ravel(), whole)


def test_betainc_region_is_betainc(tail_arguments):
    a, x, margin = tail_arguments
    out = _math.log_symmetric_tail(a, x, margin)
    betainc = special.betainc(a, a, x)
    direct = (a < _math.LARGE_JURY_HALF) & (betainc >= _math.DIRECT_TAIL_FLOOR)
    np.testing.assert_array_equal(out[direct], np.log(betainc[direct]))
    assert np.all(out[x == 0.0] == -np.inf)
    assert np.all(np.isfinite(out[x > 0.0]))


def test_unguarded_fraction_equals_guarded(tail_arguments):
    a, x, _ = tail_arguments
    inside = (x > 0.0) & (x < 0.49)
    a, x = a[inside], x[inside]
    fast = _math._lentz_beta_fraction(a, a, x)
    guarded = _math._lentz_beta_fraction(a, a, x, guard=True)
    np.testing.assert_array_equal(fast, guarded)


def test_stirling_series_path_equals_mixed_path():
    n = np.concatenate([np.arange(16.0, 400.0), 10.0 ** np.linspace(3, 12, 50)])
    mixed = _math._stirling_error(np.concatenate([[3.0], n]))[1:]
    np.testing.assert_array_equal(_math._stirling_error(n), mixed)


def test_stirling_difference_series_equals_two_errors():
    a = np.concatenate([np.arange(16.0, 400.0), 10.0 ** np.linspace(3, 12, 50)])
    two = _math._stirling_error(2.0 * a) - 2.0 * _math._stirling_error(a)
    np.testing.assert_allclose(_math._stirling_error_difference(a), two, rtol=1e-14, atol=0.0)
    small = np.array([2.0, 15.0, 40.0])  # any a ≤ 15: the two errors themselves
    expected = _math._stirling_error(2.0 * small) - 2.0 * _math._stirling_error(small)
    np.testing.assert_array_equal(_math._stirling_error_difference(small), expected)


def test_jury_pmf_mixed_block_equals_its_parts():
    rng = np.random.default_rng(7)
    a = np.ceil(10.0 ** rng.uniform(0.5, 12.0, 5000))
    x = rng.uniform(1e-9, 0.5, a.size)
    low = x < 0.25
    mixed = _math._log_jury_pmf_times_win(a, x, 0.5 - x)
    for part in (low, ~low):
        alone = _math._log_jury_pmf_times_win(a[part], x[part], 0.5 - x[part])
        np.testing.assert_array_equal(mixed[part], alone)
