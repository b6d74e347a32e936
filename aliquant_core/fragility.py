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


def _ends(name):
    """The ends of ``name``'s range, an open end approached (a footprint of exactly 0 is not valid)."""
    quantity = QUANTITIES[name]
    low = np.nextafter(quantity.low, 1.0) if quantity.low_open else quantity.low
    high = np.nextafter(quantity.high, 0.0) if quantity.high_open else quantity.high
    return low, high


def _in_range(name, x):
    low, high = _ends(name)
    with np.errstate(invalid="ignore"):
        return np.where((x >= low) & (x <= high), x, np.nan)


def _closed_forms(eps, sigma, phi, f, chi, h):
    """Each flip by its closed form (Notes of :func:`regime_flips`), NaN where there is none."""
    # over: σ/f and 1/f beyond the largest float (f subnormal); the pieces they feed are then 0 or
    # out of range, as they should be.
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        flips = {
            "error_rate": np.where(h < 1.0, (0.5 - h * phi) / (1.0 - h), np.nan),
            "fooled_rate": np.where(h > 0.0, 0.5 + (1.0 - h) * (0.5 - eps) / h, np.nan),
        }
        # The blind share at which q = ½; with φ = ε the margin is ½ − ε whatever h is.
        h_star = np.where(phi != eps, (0.5 - eps) / (phi - eps), np.nan)
        h_star = np.where((h_star >= 0.0) & (h_star <= 1.0), h_star, np.nan)
        spread = np.minimum(1.0, sigma / f) - sigma  # how far χ can move h
        flips["exploitation"] = np.where(spread > 0.0, (h_star - sigma) / spread, np.nan)
        # σ ≤ f: h = σ·(1 + χ(1/f − 1)); σ ≥ f: h = χ + σ(1 − χ).
        below = h_star / (1.0 + chi * (1.0 / f - 1.0))
        above = np.where(chi < 1.0, (h_star - chi) / (1.0 - chi), np.nan)
        flips["blind_spot"] = np.where(below <= f, below, np.where(above >= f, above, np.nan))
        # f ≥ σ: h = σ(1 − χ) + χσ/f, falling in f; f ≤ σ: h does not depend on f.
        rest = h_star - sigma * (1.0 - chi)
        footprint = np.where((rest > 0.0) & (chi * sigma > 0.0), chi * sigma / rest, np.nan)
        flips["footprint"] = np.where(footprint >= sigma, footprint, np.nan)
    return {name: _in_range(name, flips[name]) for name in FLIPPING}


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
    :math:`\sigma, f, \chi`, so each assumption has at most one flip in its range. With the
    others held they are, where they lie in range,

    .. math::

        \varepsilon^* = \frac{\tfrac12 - h\varphi}{1 - h}, \quad
        \varphi^* = \tfrac12 + \frac{(1 - h)(\tfrac12 - \varepsilon)}{h}, \quad
        h^* = \frac{\tfrac12 - \varepsilon}{\varphi - \varepsilon}, \quad
        \chi^* = \frac{h^* - \sigma}{\min(1, \sigma/f) - \sigma},

    and :math:`\sigma^*`, :math:`f^*` solve :math:`h = h^*` on the piece of :math:`h` they fall
    on: :math:`\sigma^* = h^*/(1 + \chi(1/f - 1))` if that is at most :math:`f`, else
    :math:`(h^* - \chi)/(1 - \chi)`; :math:`f^* = \chi\sigma/(h^* - \sigma(1 - \chi))` where that
    is at least :math:`\sigma` (below :math:`\sigma`, :math:`h` does not depend on :math:`f`). The
    tests check these against bisection on the sign of the margin the core computes. Distances
    are measured on the log-odds scale, where a blind spot moving from 3% to 3.75% is as large a
    step as one from 50% to 55.6%: what makes an assumption fragile is a small relative change,
    not a small absolute one.

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
    values = {name: v[name] for name in FLIPPING}
    solved = _closed_forms(
        v["error_rate"], v["blind_spot"], v["fooled_rate"], v["footprint"], v["exploitation"], v["blind"]
    )
    flips, beyond, distances = {}, {}, {}
    names = np.asarray(REGIMES, dtype=str)
    for name in FLIPPING:
        flip = solved[name]
        # Past the flip, away from the current value: the regime at the range's far end.
        low, high = _ends(name)
        far = np.where(values[name] < flip, high, low)
        far_margin = _margin(name, far, given, threat)
        has = np.isfinite(flip)
        flips[name] = flip[()]
        beyond[name] = np.where(has, names[np.sign(far_margin).astype(int) + 1], "")[()]
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
