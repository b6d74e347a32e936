"""The uncertainty result without the labels each draw requires (the Overview's 90% interval).

``uncertainty(..., required_labels=False)`` must give the same numbers as the full result: the
same draws and P_align quantiles, and the share of draws no quantity of labels reaches decided
without the search (``_unreachable``), checked against the search itself (``np.isinf`` of
``required_labels``, the obviously-correct way: it finds the number or says there is none).
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aliquant_core import THREAT, CompetitorClass
from aliquant_core.quantities import DEFAULTS
from aliquant_core.uncertainty import _required, _unreachable, uncertainty

from . import strategies
from .reference import INTERVALS

#: A few draws of every uncertain quantity at once, each anywhere in its interval or at its ends
#: (the footprint from 1e-6, as strategies.footprint says why).
_DRAWS = 6


def _column(strategy):
    return st.lists(strategy, min_size=_DRAWS, max_size=_DRAWS).map(np.asarray)


draws = st.fixed_dictionaries(
    {
        "labels": _column(strategies.labels_any.map(float)),
        "error_rate": _column(strategies.extreme("error_rate")),
        **{
            name: _column(strategies.footprint if name == "footprint" else strategies.extreme(name))
            for name in THREAT
        },
    }
)


@settings(max_examples=300, deadline=None)
@given(inputs=draws, target=strategies.extreme("target"))
def test_unreachable_is_where_the_search_finds_no_number(inputs, target):
    with np.errstate(all="ignore"):
        expected = np.isinf(np.broadcast_to(_required(target, inputs, None), (_DRAWS,)))
    np.testing.assert_array_equal(np.broadcast_to(_unreachable(target, inputs, None), (_DRAWS,)), expected)


@settings(max_examples=60, deadline=None)
@given(inputs=draws, target=strategies.target, classes=strategies.competitor_classes)
def test_with_classes_unreachable_is_the_search_too(inputs, target, classes):
    # The first class's quantities vary with the draws (as in uncertainty()); the rest are held.
    with np.errstate(all="ignore"):
        expected = np.isinf(np.broadcast_to(_required(target, inputs, classes), (_DRAWS,)))
    np.testing.assert_array_equal(np.broadcast_to(_unreachable(target, inputs, classes), (_DRAWS,)), expected)


def test_both_sides_of_the_half_are_covered():
    # Hand derivation at one competitor, no blind spot, footprint 1, target 0.9: an error rate of
    # 0.2 (q = 0.8 > ½) is reached by 5 labels (0.94208, see required_labels' example); 0.5 (q = ½)
    # never is, and 0.95 as target with no labels needs 2^-1 = 0.5 ≥ 0.95, which fails too.
    base = {"labels": np.array([1.0, 1.0]), "error_rate": np.array([0.2, 0.5]),
            **{name: np.array([DEFAULTS[name]] * 2) for name in THREAT}}  # fmt: skip
    base.update(blind_spot=np.zeros(2), footprint=np.ones(2), competitors_log10=np.zeros(2),
                prior_bits=np.zeros(2))  # fmt: skip
    np.testing.assert_array_equal(_unreachable(0.9, base, None), [False, True])
    # A target of 0.5 is met by a coin flip with no labels at all, whatever q is.
    np.testing.assert_array_equal(_unreachable(0.5, base, None), [False, False])


def test_the_spread_is_the_full_results_numbers_without_the_labels():
    full = uncertainty(INTERVALS, draws=4096, seed=3)
    spread = uncertainty(INTERVALS, draws=4096, seed=3, required_labels=False)
    np.testing.assert_array_equal(spread.p_align, full.p_align)
    np.testing.assert_array_equal(spread.p_align_quantiles, full.p_align_quantiles)
    assert spread.p_unreachable == full.p_unreachable
    assert 0 < full.p_unreachable < 1  # both kinds of draw occur, so the comparison says something
    assert (spread.mean_p_align, spread.p_target_met) == (full.mean_p_align, full.p_target_met)
    assert spread.required_labels is None
    assert spread.required_labels_quantiles is None
    assert "required_labels_quantiles" in spread.summary()


def test_the_spread_with_two_classes_agrees_too():
    classes = [CompetitorClass("sidebar", 20, 0.05, 0.6), CompetitorClass("targeted few", 2, 0.5, 0.9)]
    full = uncertainty(INTERVALS, draws=512, seed=1, classes=classes)
    spread = uncertainty(INTERVALS, draws=512, seed=1, classes=classes, required_labels=False)
    assert spread.p_unreachable == full.p_unreachable
    np.testing.assert_array_equal(spread.p_align_quantiles, full.p_align_quantiles)


def test_labels_beyond_the_largest_float_count_as_unreachable():
    # Five informative labels reach 0.9 (above), but at the smallest footprint, 5e-324, that takes
    # N = 4.5 / 5e-324 labels, past the largest double: required_labels says inf (its docstring),
    # and so must the shortcut, which leaves such footprints to the search.
    base = {"labels": np.array([1.0, 1.0]), "error_rate": np.array([0.2, 0.2]),
            **{name: np.array([DEFAULTS[name]] * 2) for name in THREAT}}  # fmt: skip
    base.update(blind_spot=np.zeros(2), footprint=np.array([5e-324, 1.0]), competitors_log10=np.zeros(2),
                prior_bits=np.zeros(2))  # fmt: skip
    with np.errstate(all="ignore"):
        assert list(np.isinf(_required(0.9, base, None))) == [True, False]
        np.testing.assert_array_equal(_unreachable(0.9, base, None), [True, False])
