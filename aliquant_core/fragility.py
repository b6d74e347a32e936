r"""Where the answer flips: each assumption's value at which more labels stop helping (or start).

The regime of a labelling programme, whether more labels drive :math:`P_\text{align}` to 1 or to 0,
is the sign of the label margin :math:`q - \tfrac12`, and it does not depend on how many labels there
are. Five assumptions move it: the error rate :math:`\varepsilon`, the fooled rate :math:`\varphi`,
and, through the blind share :math:`h`, the blind spot :math:`\sigma`, the footprint :math:`f` and
the exploitation :math:`\chi`. :func:`regime_flips` finds, for each of them with the others held,
the value at which the margin crosses zero, and names the one whose flip lies nearest its current
value: the answer's most fragile assumption. No published figure constrains :math:`\sigma`,
:math:`f`, :math:`\chi` or :math:`\varphi` (see the table of quantities' provenance), so a flip a
small move away is a statement about how much the answer rests on a judgement.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ._results import Result
from ._types import ArrayLike, FloatArray
from ._validation import resolve_error_rate
from .model import REGIMES, _evaluate, _regime
from .quantities import QUANTITIES, takes_assumptions

__all__ = ["FLIPPING", "RegimeFlips", "regime_flips"]

#: The assumptions that move the label margin q − ½, in the order they are reported.
FLIPPING: tuple[str, ...] = ("error_rate", "fooled_rate", "blind_spot", "footprint", "exploitation")

#: Bisection steps on each range: 2⁻⁶⁰ of a width of at most 1 is below a double's spacing near 1.
_STEPS = 60
#: Probabilities are compared on the log-odds scale, clipped here so that an assumption at 0 or 1
#: (a blind spot of exactly 0) is a finite distance from a flip.
_CLIP = 1e-6


def _logit(p):
    return special.logit(np.clip(p, _CLIP, 1.0 - _CLIP))


@dataclass(frozen=True)
class RegimeFlips(Result):
    r"""Each assumption's regime flip (:func:`regime_flips`).

    Attributes
    ----------
    regime : str or ndarray of str
        The regime at the given values (:data:`aliquant_core.REGIMES`).
    values : dict of str to float or ndarray
        The value of each assumption in :data:`FLIPPING`, as evaluated.
    flips : dict of str to float or ndarray
        The value at which :math:`q = \tfrac12` with the others held; NaN where none lies in the
        assumption's range.
    beyond : dict of str to str or ndarray of str
        The regime on the far side of the flip (moving away from the current value); ``""``
        where there is no flip.
    distances : dict of str to float or ndarray
        :math:`|\operatorname{logit}(\text{flip}) - \operatorname{logit}(\text{value})|`, each
        clipped to :math:`[10^{-6}, 1 - 10^{-6}]`; ``inf`` where there is no flip.
    most_fragile : str or ndarray of str
        The assumption with the smallest distance; ``""`` where none flips.
    """

    regime: np.ndarray | str
    values: dict[str, FloatArray]
    flips: dict[str, FloatArray]
    beyond: dict[str, np.ndarray | str]
    distances: dict[str, FloatArray]
    most_fragile: np.ndarray | str


def _margin(name, x, given, threat):
    """q − ½ with assumption ``name`` set to ``x`` (the rest as given)."""
    if name == "error_rate":
        v = _evaluate(threat, error_rate=x)
    else:
        v = _evaluate({**threat, name: x}, error_rate=given)
    return v["margin"]


def _flip(name, given, threat, current_margin):
    """Bisection for the zero of the margin over ``name``'s range (monotone in each assumption)."""
    quantity = QUANTITIES[name]
    shape = np.shape(current_margin)
    # An open end of a range (a footprint of exactly 0) is approached, not evaluated.
    low = np.full(shape, np.nextafter(quantity.low, 1.0) if quantity.low_open else quantity.low)
    high = np.full(shape, np.nextafter(quantity.high, 0.0) if quantity.high_open else quantity.high)
    at_low, at_high = _margin(name, low, given, threat), _margin(name, high, given, threat)
    crosses = np.sign(at_low) != np.sign(at_high)
    rising = at_high > at_low
    for _ in range(_STEPS):
        mid = 0.5 * (low + high)
        above = (_margin(name, mid, given, threat) > 0.0) == rising
        high = np.where(above, mid, high)
        low = np.where(above, low, mid)
    flip = np.where(crosses, 0.5 * (low + high), np.nan)
    return flip, at_low, at_high


@takes_assumptions
def regime_flips(
    error_rate: ArrayLike | None = None, *, agreement: ArrayLike | None = None, **threat: ArrayLike
) -> RegimeFlips:
    r"""The value of each assumption at which the regime flips, and the nearest such flip.

    All arguments broadcast against each other.

    Parameters
    ----------
    error_rate : array_like, optional
        :math:`\varepsilon`; or ``agreement`` instead (exactly one is given).
    agreement : array_like, optional
        Inter-annotator agreement (see :func:`aliquant_core.error_rate_from_agreement`).
    **threat : array_like
        The threat quantities by name (:data:`aliquant_core.THREAT`); each defaults to its value in
        :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    RegimeFlips

    Raises
    ------
    QuantityError
        If an argument is outside its range (the message names it and the range).

    Notes
    -----
    The margin (model brief; :func:`aliquant_core.p_align`)

    .. math::

        q - \tfrac12 = (1 - h)(\tfrac12 - \varepsilon) - h(\varphi - \tfrac12), \qquad
        h = \sigma + \chi\,(\min(1, \sigma/f) - \sigma),

    is monotone in each of :math:`\varepsilon, \varphi, h` and :math:`h` in each of
    :math:`\sigma, f, \chi`, so each assumption has at most one flip in its range, found by
    bisection on the sign of the margin the core computes. With the others held they are, where
    they lie in range,

    .. math::

        \varepsilon^* = \frac{\tfrac12 - h\varphi}{1 - h}, \quad
        \varphi^* = \tfrac12 + \frac{(1 - h)(\tfrac12 - \varepsilon)}{h}, \quad
        h^* = \frac{\tfrac12 - \varepsilon}{\varphi - \varepsilon}, \quad
        \chi^* = \frac{h^* - \sigma}{\min(1, \sigma/f) - \sigma},

    and :math:`\sigma^*`, :math:`f^*` solve :math:`h = h^*` on the piece of :math:`h` they fall
    on (the tests check the bisection against these). Distances are measured on the log-odds
    scale, where a blind spot moving from 3% to 3.75% is as large a step as one from 50% to 55.6%:
    what makes an assumption fragile is a small relative change, not a small absolute one.

    Examples
    --------
    At the table's defaults the blind spot flips first: past about 3.75% of situations no quantity
    of labels suffices.

    >>> flips = regime_flips(error_rate=0.1638)
    >>> str(flips.most_fragile), round(float(flips.flips["blind_spot"]), 4)
    ('blind_spot', 0.0375)
    """
    given = resolve_error_rate(error_rate, agreement)
    v = _evaluate(threat, error_rate=given)
    threat = {name: v[name] for name in QUANTITIES if QUANTITIES[name].group == "threat" and name in v}
    margin = v["margin"]
    values = {name: (v["error_rate"] if name == "error_rate" else v[name]) for name in FLIPPING}
    flips, beyond, distances = {}, {}, {}
    names = np.asarray(REGIMES, dtype=str)
    for name in FLIPPING:
        flip, at_low, at_high = _flip(name, given, threat, margin)
        # Past the flip, away from the current value: the sign at the range's far end.
        far = np.where(values[name] < flip, at_high, at_low)
        has = np.isfinite(flip)
        flips[name] = flip[()]
        beyond[name] = np.where(has, names[np.sign(far).astype(int) + 1], "")[()]
        distances[name] = np.where(has, np.abs(_logit(flip) - _logit(values[name])), np.inf)[()]
    stacked = np.stack([np.asarray(distances[name], dtype=float) for name in FLIPPING])
    nearest = np.asarray(FLIPPING, dtype=str)[np.argmin(stacked, axis=0)]
    most_fragile = np.where(np.isfinite(stacked.min(axis=0)), nearest, "")[()]
    return RegimeFlips(
        regime=_regime(margin)[()],
        values={name: np.asarray(value)[()] for name, value in values.items()},
        flips=flips,
        beyond=beyond,
        distances=distances,
        most_fragile=most_fragile,
    )
