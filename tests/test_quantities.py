"""The table of quantities itself: intervals, defaults, checks, provenance, Assumptions.

Every test here walks :data:`aliquant_core.quantities.QUANTITIES`, so a new row is tested without
a new test; the ``*_fails_*`` tests show that each rule catches a row (or a value) that breaks it.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aliquant_core import p_align
from aliquant_core.quantities import (
    DEFAULTS,
    GROUPS,
    MODEL_GROUPS,
    QUANTITIES,
    RANGES,
    THREAT,
    Assumptions,
    Quantity,
    QuantityError,
    check,
    check_threat,
    names_in,
    takes_assumptions,
)

from . import strategies as s

NAMES = tuple(QUANTITIES)
WHOLE = tuple(name for name, q in QUANTITIES.items() if q.whole)
#: A citation: an arXiv number, or an author with a year (e.g. "Wen et al., ICLR 2025").
CITATION = re.compile(r"arXiv \d{4}\.\d{4,5}|\b(19|20)\d\d\b")


def message(q: Quantity) -> str:
    """The pattern of a refusal: the quantity's name, then its interval in interval notation."""
    return rf"^{q.name} must be (a number |a whole number )?in {re.escape(q.range_text)}; got "


def ends(q: Quantity, *, closed: bool) -> list[float]:
    """The interval's finite ends that are closed (``closed=True``) or open (``closed=False``)."""
    pairs = ((q.low, q.low_open), (q.high, q.high_open))
    return [end for end, is_open in pairs if math.isfinite(end) and is_open != closed]


def beyond(q: Quantity) -> list[float]:
    """The nearest floats outside each finite end, and each open end itself."""
    values = [np.nextafter(q.low, -math.inf), np.nextafter(q.high, math.inf)]
    values += ends(q, closed=False)
    return [float(v) for v in values if math.isfinite(v)]


def problems(q: Quantity) -> list[str]:
    """What is wrong with a row of the table (empty for a good one)."""
    found = []
    for attribute in ("name", "symbol", "label", "help", "source", "note"):
        if not getattr(q, attribute).strip():
            found.append(f"empty {attribute}")
    if not (q.source == "assumption" or CITATION.search(q.source)):
        found.append(f"source {q.source!r} is neither 'assumption' nor a citation")
    if q.group not in GROUPS:
        found.append(f"group {q.group!r}")
    if not q.low <= q.high:
        found.append("low above high")
    if q.widget not in ("slider", "number") or q.scale not in ("linear", "log"):
        found.append("widget or scale")
    if q.uncertain not in (None, "log", "logit", "normal"):
        found.append(f"uncertain {q.uncertain!r}")
    for bound in (q.control_low, q.control_high):
        if not q.contains(bound):  # a widget must only offer valid values
            found.append(f"widget bound {bound!r} outside {q.range_text}")
    if q.range_text not in q.describe() or f"{q.default:g}" not in q.describe():
        found.append("describe() leaves out the interval or the default")
    return found


# --- the rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_every_row_is_complete_and_its_default_inside(name):
    q = QUANTITIES[name]
    assert problems(q) == []
    assert q.contains(q.default)
    assert float(q.check(q.default)) == q.default == DEFAULTS[name]
    assert RANGES[name] == (q.low, q.high, q.low_open, q.high_open)
    assert q.flag == "--" + name.replace("_", "-")
    assert q.provenance == f"{q.source}: {q.note}"
    assert q.fmt % q.default  # the widget's format takes the value


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"help": " "}, "empty help"),
        ({"symbol": ""}, "empty symbol"),
        ({"note": ""}, "empty note"),
        ({"source": "a blog"}, "neither 'assumption' nor a citation"),
        ({"group": "mood"}, "group"),
        ({"widget_high": 2.0}, "widget bound 2.0 outside"),
        ({"uncertain": "uniform"}, "uncertain"),
    ],
)
def test_a_broken_row_is_caught(change, problem):
    broken = dataclasses.replace(QUANTITIES["exploitation"], **change)
    assert any(problem in found for found in problems(broken))


@pytest.mark.parametrize(
    "default",
    [1.5, -0.1, 0.0, math.nan, math.inf],  # 0 is footprint's open end
)
def test_a_default_outside_the_interval_fails_at_construction(default):
    with pytest.raises(AssertionError, match="default of footprint"):
        dataclasses.replace(QUANTITIES["footprint"], default=default)


def test_a_whole_quantity_refuses_a_fractional_default():
    with pytest.raises(AssertionError, match="default of redundancy"):
        dataclasses.replace(QUANTITIES["redundancy"], default=1.5)


def test_groups_and_the_threat():
    # The model brief's threat, in its table's order: the fooled rate φ beside the blind spot it
    # belongs to (issue #17).
    assert THREAT == (
        "blind_spot",
        "fooled_rate",
        "footprint",
        "exploitation",
        "competitors_log10",
        "prior_bits",
    )
    assert names_in("threat") == THREAT
    assert sorted(names_in(*GROUPS)) == sorted(NAMES)  # every row is in exactly one group
    assert set(Assumptions.field_names()) == set(names_in(*MODEL_GROUPS))
    with pytest.raises(KeyError, match="mood"):
        names_in("threat", "mood")


def test_the_check_that_assumptions_covers_the_table_fails_without_a_field():
    from aliquant_core.quantities import _check_assumption_fields

    with pytest.raises(AssertionError, match="differ from the table"):
        _check_assumption_fields(Assumptions.field_names()[1:])


# --- check and contains -----------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_check_takes_closed_ends_and_refuses_what_is_outside(name):
    q = QUANTITIES[name]
    for end in ends(q, closed=True):
        assert float(check(name, end)) == end
        assert q.contains(end)
    refused = [*beyond(q), math.nan, math.inf, -math.inf]
    if q.whole:
        refused.append(math.floor(q.default) + 0.5)
    for value in refused:
        assert not q.contains(value), value
        with pytest.raises(QuantityError, match=message(q)):
            q.check(value)
    for value in ("banana", object(), {"a": 1}, [1.0, "x"]):
        assert not q.contains(value)
        with pytest.raises(QuantityError, match=message(q)):
            q.check(value)


def test_quantity_error_is_a_value_error_and_names_the_first_bad_value():
    assert issubclass(QuantityError, ValueError)
    with pytest.raises(QuantityError, match=r"^blind_spot must be in \[0, 1\]; got 1\.5$"):
        check("blind_spot", [0.5, 1.5, 2.5])
    with pytest.raises(QuantityError, match=r"^redundancy must be a whole number in \[1, 99\]; got 2\.5$"):
        check("redundancy", 2.5)


@st.composite
def near_an_end(draw):
    """A quantity and a value a few ulps, a little, or a half from one of its ends (or anything)."""
    q = QUANTITIES[draw(st.sampled_from(NAMES))]
    end = draw(st.sampled_from([q.low, q.high]))
    end = end if math.isfinite(end) else math.copysign(1e300, end)
    value = draw(
        st.one_of(
            st.integers(-3, 3).map(lambda k: end + k * float(np.spacing(end))),
            st.floats(-1e-6, 1e-6).map(lambda d: end + d * max(1.0, abs(end))),
            st.sampled_from([end - 0.5, end + 0.5, end - 1, end + 1, math.nan, math.inf, -math.inf]),
            st.floats(allow_nan=True, allow_infinity=True),
        )
    )
    return q, value


@settings(max_examples=400, deadline=None)
@given(near_an_end())
def test_contains_agrees_with_check(case):
    q, value = case
    try:
        q.check(value)
    except QuantityError:
        assert not q.contains(value)
    else:
        assert q.contains(value)


@settings(max_examples=150, deadline=None)
@given(name=st.sampled_from(NAMES), data=st.data())
def test_check_broadcasts_as_each_value_alone(name, data):
    q = QUANTITIES[name]
    inside = s.for_quantity(name)
    values = data.draw(st.lists(inside | st.sampled_from(beyond(q) or [math.nan]), min_size=1, max_size=6))
    array = np.array(values, dtype=float).reshape(data.draw(st.sampled_from([(-1,), (1, -1), (-1, 1)])))
    alone = [q.contains(v) for v in values]
    if all(alone):
        np.testing.assert_array_equal(q.check(array), array)
        assert q.check(array).shape == array.shape
    else:
        first = values[alone.index(False)]
        with pytest.raises(QuantityError, match=message(q) + re.escape(f"{first:g}")):
            q.check(array)


@pytest.mark.parametrize("name", NAMES)
def test_the_strategy_draws_inside_the_interval(name):
    q = QUANTITIES[name]

    @settings(max_examples=50, deadline=None)
    @given(s.for_quantity(name))
    def inside(value):
        assert q.contains(value)
        assert not (0 < abs(value) < np.finfo(float).tiny)  # no subnormals

    inside()


def test_the_strategy_refuses_a_sub_range_outside_the_interval():
    with pytest.raises(ValueError, match="footprint"):
        s.for_quantity("footprint", low=-1.0)


def test_check_threat_fills_defaults_and_refuses_unknown_or_bad_keywords():
    filled = check_threat({"blind_spot": 0.1})
    assert set(filled) == set(THREAT)
    assert {k: float(v) for k, v in filled.items()} == {**{k: DEFAULTS[k] for k in THREAT}, "blind_spot": 0.1}
    with pytest.raises(TypeError, match="labels"):
        check_threat({"labels": 5})
    with pytest.raises(QuantityError, match=r"^footprint must be in \(0, 1\]"):
        check_threat({"footprint": 0})


# --- Assumptions --------------------------------------------------------------------------------


def test_default_assumptions_are_the_tables_defaults():
    a = Assumptions()
    assert a.as_dict() == {name: DEFAULTS[name] for name in Assumptions.field_names() if name != "agreement"}
    assert a.quality == {"error_rate": DEFAULTS["error_rate"]}
    assert a.threat == {name: DEFAULTS[name] for name in THREAT}
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.labels = 5  # type: ignore[misc]


@pytest.mark.parametrize("name", Assumptions.field_names())
def test_assumptions_check_each_field(name):
    q = QUANTITIES[name]
    for value in (*beyond(q), math.nan, "banana"):
        with pytest.raises(QuantityError, match=message(q)):
            Assumptions(**{name: value})
    with pytest.raises(QuantityError, match=message(q)):
        Assumptions().replace(**{name: beyond(q)[0]})


def test_agreement_gives_the_error_rate_by_hand():
    # arXiv 2203.02155 §3.4: InstructGPT's labelers agreed 72.6% of the time. Two independent
    # labelers with error rate ε agree with chance a = (1 − ε)² + ε², so ε = (1 − √(2a − 1))/2:
    # √(2·0.726 − 1) = √0.452 = 0.67231, and (1 − 0.67231)/2 = 0.16385.
    a = Assumptions(agreement=0.726)
    assert a.error_rate == pytest.approx(0.16385, abs=5e-6)
    assert a.quality == {"agreement": 0.726}
    # The table's default error rate is that figure to its four decimals.
    assert DEFAULTS["error_rate"] == round(a.error_rate, 4)


@settings(max_examples=200, deadline=None)
@given(agreement=s.agreement)
def test_agreement_derives_the_error_rate(agreement):
    a = Assumptions(agreement=agreement, error_rate=0.4)  # agreement wins
    assert a.error_rate == pytest.approx((1 - math.sqrt(2 * agreement - 1)) / 2, abs=1e-12)
    assert (1 - a.error_rate) ** 2 + a.error_rate**2 == pytest.approx(agreement, abs=1e-12)
    assert a.as_dict()["agreement"] == agreement


def test_views_and_replace():
    a = Assumptions(labels=5000, agreement=0.8, blind_spot=0.01, target=0.99)
    assert a.threat == {**{k: DEFAULTS[k] for k in THREAT}, "blind_spot": 0.01}
    assert list(a.threat) == list(THREAT)
    kept = a.replace(blind_spot=0.02)
    assert (kept.blind_spot, kept.agreement, kept.labels, kept.target) == (0.02, 0.8, 5000, 0.99)
    assert a.blind_spot == 0.01  # replace makes a copy
    dropped = a.replace(error_rate=0.2)
    assert dropped.agreement is None
    assert dropped.quality == {"error_rate": 0.2}
    assert a.replace(agreement=0.9).quality == {"agreement": 0.9}
    assert a.replace() == a


# --- takes_assumptions --------------------------------------------------------------------------


def same(first, second) -> bool:
    return first.to_dict() == second.to_dict()


@settings(max_examples=100, deadline=None)
@given(a=s.model_assumptions)
def test_p_align_takes_assumptions_as_its_keywords(a):
    threat = a.threat
    quality = {"agreement": a.agreement} if a.agreement is not None else {"error_rate": a.error_rate}
    assert same(p_align(a), p_align(a.labels, **quality, **threat))
    # Keywords beside the assumptions override them; a quality keyword replaces the quality.
    assert same(p_align(a, blind_spot=0.5), p_align(a.labels, **quality, **{**threat, "blind_spot": 0.5}))
    assert same(p_align(a, error_rate=0.25), p_align(a.labels, 0.25, **threat))
    assert same(p_align(a, labels=7), p_align(7, **quality, **threat))


def test_takes_assumptions_passes_only_what_the_function_takes():
    @takes_assumptions
    def labels_and_threat(labels, error_rate=None, *, agreement=None, **threat):
        return labels, error_rate, agreement, threat

    @takes_assumptions
    def target_only(target):
        return target

    a = Assumptions(labels=10, error_rate=0.2, exploitation=0.3, target=0.5)
    assert labels_and_threat(a) == (10, 0.2, None, a.threat)  # target is not passed on
    assert labels_and_threat(3) == (3, None, None, {})  # the keyword signature still works
    assert target_only(a) == 0.5
    assert target_only(a, target=0.7) == 0.7
    with pytest.raises(TypeError):
        target_only(a, labels=3)  # an override the function does not take is still an error
