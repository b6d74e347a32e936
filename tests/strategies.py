"""Hypothesis strategies for the model's quantities, derived from the table of quantities.

:func:`for_quantity` draws any quantity of :data:`aliquant_core.quantities.QUANTITIES` over its
interval (open ends excluded, whole numbers where the quantity is whole), so a changed range
changes the tests with it. The module-level names are the ones the tests import; each is a
quantity's whole interval unless its comment says why it is a deliberate sub-range.

Subnormal floats (below 2.2e-308) are left out: they carry too few significant bits for any
product such as σ/f to keep relative accuracy, in the core or anywhere else.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from aliquant_core.classes import CLASS_SHARED_THREAT, CompetitorClass
from aliquant_core.quantities import QUANTITIES, THREAT, Assumptions

#: Where an infinite end (cost, seconds, workforce) is capped for drawing: the table's largest
#: finite bound (labels' 1e12), far beyond any realistic source.
INFINITE_END = 1e12


def for_quantity(name: str, *, low: float | None = None, high: float | None = None) -> st.SearchStrategy:
    """Values of quantity ``name`` over its interval, or over ``[low, high]`` inside it.

    Parameters
    ----------
    name : str
        A key of :data:`QUANTITIES`.
    low, high : float, optional
        A sub-range; each must lie in the interval. An end left out is the interval's own (excluded
        where open; an infinite one capped at :data:`INFINITE_END`).

    Returns
    -------
    SearchStrategy
        Floats (no NaN, infinity or subnormals), or integers for a ``whole`` quantity.
    """
    q = QUANTITIES[name]
    low = q.low if low is None else low
    high = q.high if high is None else high
    for end in (low, high):
        if not (math.isinf(end) or q.contains(end) or end in (q.low, q.high)):
            raise ValueError(f"{end!r} is outside {name}'s interval {q.range_text}")
    exclude_low = q.low_open and low == q.low
    exclude_high = q.high_open and high == q.high and not math.isinf(high)
    low, high = max(low, -INFINITE_END), min(high, INFINITE_END)
    if q.whole:
        first = math.floor(low) + 1 if exclude_low else math.ceil(low)
        last = math.ceil(high) - 1 if exclude_high else math.floor(high)
        return st.integers(min_value=first, max_value=last)
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min=exclude_low,
        exclude_max=exclude_high,
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )


# Labels are deliberate sub-ranges, whole numbers as the model counts them (it rounds f·N):
# labels_small stays small enough for the direct-summation reference (O(N) terms a call);
# labels_any reaches the table's 1e12 on a log scale, since a uniform draw over [0, 1e12] would
# almost never give the small programmes where the model's regimes differ most.
_LABELS_HIGH = QUANTITIES["labels"].high
labels_small = st.integers(min_value=0, max_value=5000)
labels_any = st.one_of(
    st.integers(min_value=0, max_value=10_000),
    st.floats(min_value=0.0, max_value=math.log10(_LABELS_HIGH)).map(lambda e: float(round(10.0**e))),
)
error_rate = for_quantity("error_rate")
agreement = for_quantity("agreement")
blind_spot = for_quantity("blind_spot")
exploitation = for_quantity("exploitation")
#: A share in [0, 1]: blind_spot and exploitation, whose intervals are both [0, 1].
rate = blind_spot
# Deliberate sub-range of the table's (0, 1]: footprints from 1e-6 up, as the property tests were
# written for. Near the smallest normal float the solver's (m - 1/2)/f overflows to inf with a
# RuntimeWarning (aliquant_core/solve.py, _labels_for), which the tests turn into an error.
footprint = for_quantity("footprint", low=1e-6)
competitors_log10 = for_quantity("competitors_log10")
prior_bits = for_quantity("prior_bits")
# Deliberate sub-range of the table's (0, 1): the solvers' boundary tests compare P_align with the
# target to a relative 1e-9, which means nothing at a target of 2.2e-308 (found by hypothesis:
# max_blind_spot there, with P_align 0 just inside the boundary); 1e-6 and 1 - 1e-9 keep them as written.
target = for_quantity("target", low=1e-6, high=1 - 1e-9)
overlap = for_quantity("overlap")

#: Each threat quantity over its interval, but for the deliberate sub-range of the footprint above.
_THREAT_STRATEGIES = {name: for_quantity(name) for name in THREAT} | {"footprint": footprint}

#: The threat keywords (:data:`THREAT`), as a dict for ``**threat`` in any core call.
threat = st.fixed_dictionaries({name: _THREAT_STRATEGIES[name] for name in THREAT})
#: The name the tests have always used for the threat keywords (a dict, for ``**assumptions``).
assumptions = threat

#: Whole :class:`Assumptions` values, label quality given as error rate or as agreement.
model_assumptions = st.builds(
    Assumptions,
    labels=labels_any,
    error_rate=error_rate,
    target=target,
    agreement=st.none() | agreement,
    overlap=overlap,
    **_THREAT_STRATEGIES,
)


def ends(name: str) -> list[float]:
    """The extreme values of quantity ``name`` that its interval admits: each end where closed, the
    nearest float inside where open (5e-324 above an open 0), the largest float below an infinite
    end. Whole quantities give whole numbers. For the walks that drive every consumer at both ends
    (no sub-range, subnormals included: a hostile caller types them).
    """
    import numpy as np

    q = QUANTITIES[name]
    values = []
    for end, is_open, inward in ((q.low, q.low_open, math.inf), (q.high, q.high_open, -math.inf)):
        if math.isinf(end):
            end, is_open = math.copysign(float(np.finfo(float).max), end), False
        if q.whole:
            value = float(end + (1 if inward > 0 else -1) if is_open else end)
        else:
            value = float(np.nextafter(end, inward)) if is_open else float(end)
        values.append(value)
    return values


def extreme(name: str) -> st.SearchStrategy:
    """An end of quantity ``name``'s interval (:func:`ends`) or any value inside it (:func:`for_quantity`)."""
    return st.one_of(st.sampled_from(ends(name)), for_quantity(name))


def _competitor_class(index: int) -> st.SearchStrategy:
    return st.builds(
        CompetitorClass,
        name=st.just(f"class {index}"),
        competitors_log10=competitors_log10,
        footprint=footprint,
        exploitation=exploitation,
    )


#: One competitor class (:class:`aliquant_core.CompetitorClass`), each quantity over its interval
#: (the footprint's sub-range as above).
competitor_class = _competitor_class(0)

#: One to four competitor classes with distinct names.
competitor_classes = st.integers(min_value=1, max_value=4).flatmap(
    lambda n: st.tuples(*(_competitor_class(i) for i in range(n)))
)

#: The threat every class shares (:data:`aliquant_core.CLASS_SHARED_THREAT`), for ``**shared``.
shared_threat = st.fixed_dictionaries(
    {name: _THREAT_STRATEGIES[name] for name in CLASS_SHARED_THREAT}
)
