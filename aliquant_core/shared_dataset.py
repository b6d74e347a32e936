r"""Competitors judged on one shared dataset: how far above :math:`P_1^{K}` outer alignment lies.

The headline :math:`P_\text{align} = P_1^{K_\text{eff}}` treats the :math:`K_\text{eff}` contests
"the data favours the aligned policy over competitor :math:`k`" as independent. They are not: one
dataset judges every competitor, and each contest is won on the same labels wherever two
competitors' footprints overlap. Each event "competitor :math:`k` loses" increases with label
correctness, so by the Harris–FKG inequality they are positively correlated and

.. math:: \max(0, 1 - K_\text{eff}(1 - P_1)) \le P_1^{K_\text{eff}} \le P_\text{align} \le P_1,

the first bound (Bonferroni) holding under any dependence. Where in that range the truth lies
depends on how much the competitors' informative labels overlap: the ``overlap`` quantity
:math:`\rho` (see :data:`aliquant_core.QUANTITIES`).

The overlap model
-----------------
Of a competitor's :math:`m` informative labels, :math:`m_c = \operatorname{round}(\rho m)` are
common to every competitor and :math:`m_p = m - m_c` are its own; every label, common or own,
prefers the aligned behaviour with chance :math:`q` independently (the model's process). With
:math:`J \sim \operatorname{Binomial}(m_c, q)` common labels won and
:math:`W_k \sim \operatorname{Binomial}(m_p, q)` own labels won, competitor :math:`k` loses when
:math:`S_k = (2J - m_c) + (2W_k - m_p) > 0`, a tie being a coin flip of its own. Given
:math:`J = j` the contests are independent, so

.. math::

    P_\text{align}(\rho) = \sum_{j=0}^{m_c} \binom{m_c}{j} q^j (1 - q)^{m_c - j}\,
        P_p(j)^{K_\text{eff}}, \qquad
    P_p(j) = P(W > t_j) + \tfrac12 P(W = t_j),\ t_j = \tfrac{m_p + m_c}{2} - j.

:math:`\rho = 0` gives :math:`P_1^{K_\text{eff}}`, :math:`\rho = 1` gives
:math:`P(S > 0) + 2^{-K_\text{eff}} P(S = 0)`, at most :math:`P_1`. Any two competitors share
exactly :math:`\rho` of their labels, so their scores' correlation is :math:`\rho`; footprints
placed at random share about :func:`footprint_overlap` of them. A random placement has no labels
common to *all* competitors, but its scores are close to jointly normal with pairwise correlation
:math:`\rho`, a law the common-pool model has too (an equicorrelated normal vector is one common
factor plus independent parts); the test suite compares the two by simulation.

Accuracy
--------
The sum runs over every :math:`j` at which a term can matter: from where
:math:`K_\text{eff}(-\ln P_p(j))` falls below 800 (the terms before it are below
:math:`e^{-800}` of the binomial weight) to where it falls below :math:`e^{-40}` and past the
binomial weight's upper reach (the terms after it add :math:`P(J > j)` to :math:`P_\text{align}`
to double precision). Up to :data:`EXACT_TERMS` values of :math:`j` are summed one by one,
each term in log space; beyond that the sum is a Riemann sum on an even grid of that many points
(measured against the full sum in the tests). The binomial tails are SciPy's ``betainc`` while it is
a normal float, below that the continued fraction of Numerical Recipes §6.4 in log space.

References
----------
.. [1] C. M. Fortuin, P. W. Kasteleyn and J. Ginibre, "Correlation inequalities on some partially
   ordered sets", Communications in Mathematical Physics 22, 1971.
.. [2] T. E. Harris, "A lower bound for the critical probability in a certain percolation
   process", Proceedings of the Cambridge Philosophical Society 56, 1960.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from . import _math
from ._results import Result
from ._types import ArrayLike, FloatArray
from ._validation import check_range, resolve_error_rate
from .model import _align_from_logs, _evaluate, _log_neg_log, _single_logs
from .quantities import takes_assumptions

__all__ = ["EXACT_TERMS", "SharedDatasetResult", "footprint_overlap", "shared_p_align"]

#: ln 0.4: a side of a contest below this is plainly the smaller (the other is above 0.6).
_PLAINLY_SMALLER = np.log(0.4)

#: Most values of the common labels won that are summed one by one (see the module's Accuracy).
EXACT_TERMS = 50_001

#: Where the terms are likely to be in a range of up to this many j (the sum then needs all of
#: them), every value there is evaluated at once, in one call.
_ENUMERATED = EXACT_TERMS

#: How far, in nats, the exponent at the ends of that range must be beyond the limits for the
#: bisections' decisions outside it to be certain without evaluating them.
_CLEAR = 1.0

#: Points evaluated per limit in each round of the search for where the sum's terms begin and end.
_SEARCH_CUTS = 128

#: K_eff·(−ln P_p) above this makes a term below e⁻⁸⁰⁰ of its weight: exactly 0 in double precision.
_NEGLIGIBLE_EXPONENT = np.log(800.0)

#: K_eff·(−ln P_p) below e⁻⁴⁰ makes P_p^K_eff equal to 1 in double precision.
_CERTAIN_EXPONENT = -40.0

#: exp() of anything larger overflows; a term with K(−ln P_p) = e⁷⁰⁰ is 0 anyway.
_MAX_EXPONENT = 700.0

#: A binomial weight below e⁻⁸⁰⁰ of its largest is 0 in double precision.
_WEIGHT_REACH = 800.0


@dataclass(frozen=True)
class SharedDatasetResult(Result):
    r"""P_align with the competitors judged on one dataset, and the range it lies in.

    Every field has the broadcast shape of the inputs.

    Attributes
    ----------
    p_align : float or ndarray
        :math:`P_\text{align}(\rho)` under the overlap model (see the module notes).
    p_misalign : float or ndarray
        :math:`1 - P_\text{align}(\rho)`, from its own sum where it is the smaller.
    p_align_independent : float or ndarray
        :math:`P_1^{K_\text{eff}}`, contests independent (:math:`\rho = 0`): the lower end of the range.
    p_align_one_contest : float or ndarray
        :math:`P_1`, the upper end: every competitor lost on one contest.
    p_align_any_dependence : float or ndarray
        The Bonferroni bound :math:`\max(0, 1 - K_\text{eff}(1 - P_1))`, true under any dependence.
    overlap : float or ndarray
        :math:`\rho` as given.
    common_labels, own_labels : float or ndarray
        :math:`m_c` and :math:`m_p`, informative labels common to all competitors and each one's own.
    """

    p_align: FloatArray
    p_misalign: FloatArray
    p_align_independent: FloatArray
    p_align_one_contest: FloatArray
    p_align_any_dependence: FloatArray
    overlap: FloatArray
    common_labels: FloatArray
    own_labels: FloatArray

    @property
    def gain_over_independent(self) -> FloatArray:
        """How much the shared dataset adds to the independent figure, :math:`P(\\rho) - P_1^K`."""
        return np.asarray(self.p_align) - np.asarray(self.p_align_independent)


def footprint_overlap(blind_spot: ArrayLike, footprint: ArrayLike, exploitation: ArrayLike) -> FloatArray:
    r"""Share of one competitor's informative labels another shares, footprints placed at random.

    Parameters
    ----------
    blind_spot, footprint, exploitation : array_like
        :math:`\sigma`, :math:`f` and :math:`\chi`, in their ranges in
        :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    float or ndarray
        :math:`\rho \in [0, 1]`.

    Notes
    -----
    Each competitor differs on a share :math:`f` of situations, :math:`hf` of them inside the
    blind spots (share :math:`\sigma`) and :math:`(1 - h)f` outside, each part placed at random
    in its region. Two such competitors share :math:`(hf)^2/\sigma` of situations inside and
    :math:`((1 - h)f)^2/(1 - \sigma)` outside, so of one competitor's share :math:`f`

    .. math:: \rho = f\left(\frac{h^2}{\sigma} + \frac{(1 - h)^2}{1 - \sigma}\right) \le 1,

    since :math:`hf \le \sigma` and :math:`(1 - h)f \le 1 - \sigma`. Exploitation concentrates
    footprints in the blind spots, so competitors overlap more than the :math:`f` of independent
    placement.

    Examples
    --------
    No blind spots: two random footprints share :math:`f` of each one's situations.

    >>> float(footprint_overlap(0.0, 0.05, 0.65))
    0.05
    """
    sigma = check_range("blind_spot", blind_spot)
    f = check_range("footprint", footprint)
    h = _math.blind_share(sigma, f, check_range("exploitation", exploitation))
    return _math.footprint_overlap(sigma, f, h)[()]


def _log_at_least(k, m, q):
    """ln P(W ≥ k), W ~ Binomial(m, q), whole k; full relative accuracy where k lies above the mean."""
    k, m, q = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (k, m, q)))
    out = np.where(k <= 0.0, 0.0, -np.inf)
    inside = (k >= 1.0) & (k <= m) & (q > 0.0)
    if not inside.any():
        return out
    ki, mi, qi = k[inside], m[inside], q[inside]
    value = special.betainc(ki, mi - ki + 1.0, qi)
    logs = np.full(ki.shape, -np.inf)
    normal = value >= _math.DIRECT_TAIL_FLOOR
    logs[normal] = np.log(value[normal])
    deep = ~normal & (qi < 1.0)
    if deep.any():
        # I_q(k, m − k + 1) = pmf(k)·(1 − q)·cf: the prefactor x^a(1 − x)^b / (a B(a, b)) is
        # C(m, k) q^k (1 − q)^(m−k+1).
        kd, md, qd = ki[deep], mi[deep], qi[deep]
        fraction = _math._lentz_beta_fraction(kd, md - kd + 1.0, qd)
        logs[deep] = _math.log_binomial_pmf(kd, md, qd) + np.log1p(-qd) + np.log(fraction)
    logs[~normal & (qi == 1.0)] = 0.0
    out[inside] = logs
    return out


def _own_logs(j, common, own, q):
    """ln P_p(j) and ln(1 − P_p(j)): a competitor loses given j common labels won (ties half).

    Only the smaller side, P(W > t) or P(W < t) with half the tie, is used (the larger from it). The
    side likely smaller (by t against the mean m_p·q) is computed first, and the other only where
    the first is not plainly the smaller: where a side is below 0.4 the other is above 0.6.
    """
    t = np.asarray((own + common) / 2.0 - j, dtype=float)
    whole = t == np.floor(t)
    in_range = whole & (t >= 0.0) & (t <= own)
    log_tie = np.full(t.shape, -np.inf)
    if np.any(in_range):
        log_tie[in_range] = _math.log_binomial_pmf(t[in_range], own, q) - _math.LN2
    log_up, log_down = np.full(t.shape, np.nan), np.full(t.shape, np.nan)

    def up(at):  # P(W > t) + ½P(W = t); the smallest count above t is ⌊t⌋ + 1
        log_up[at] = np.logaddexp(_log_at_least(np.floor(t[at]) + 1.0, own, q), log_tie[at])

    def down(at):  # P(W < t) + ½P(W = t); P(W ≤ k) = P(m − W ≥ m − k), k = ⌈t⌉ − 1
        log_down[at] = np.logaddexp(_log_at_least(own - (np.ceil(t[at]) - 1.0), own, 1.0 - q), log_tie[at])

    down_first = t <= own * q
    down(down_first)
    up(~down_first)
    unclear_up = down_first & (log_down >= _PLAINLY_SMALLER)
    unclear_down = ~down_first & (log_up >= _PLAINLY_SMALLER)
    if np.any(unclear_up):
        up(unclear_up)
    if np.any(unclear_down):
        down(unclear_down)
    # The larger side from the smaller, which carries full relative accuracy.
    up_small = np.where(unclear_up | unclear_down, log_up <= log_down, ~down_first)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_success = np.where(up_small, log_up, np.log1p(-np.exp(log_down)))
        log_failure = np.where(up_small, np.log1p(-np.exp(log_up)), log_down)
    return log_success, log_failure


def _exponent(j, common, own, q, log_k):
    """ln(K_eff·(−ln P_p(j))), decreasing in j, and ln P_p(j)."""
    log_success, log_failure = _own_logs(np.asarray(j, dtype=float), common, own, q)
    return log_k + _log_neg_log(log_failure, log_success), log_success


def _first_below(limit, low, high, exponent):
    """The smallest whole j in [low, high] with exponent(j) ≤ limit (high + 1 if none); exponent decreases.

    A bisection; ``exponent`` is a :class:`_Exponents`, whose values :func:`_first_below_all`
    fetches ahead in a few batches, so that this runs on values already known.
    """
    if exponent(low) <= limit:
        return low
    if exponent(high) > limit:
        return high + 1
    while high - low > 1:  # exponent(low) > limit ≥ exponent(high)
        middle = (low + high) // 2
        if exponent(middle) <= limit:
            high = middle
        else:
            low = middle
    return high


class _Exponents:
    """:func:`_exponent` of one scenario at whole j, each j evaluated once, many in one call.

    One call of :func:`_exponent` costs a fixed 0.3 to 0.6 ms (its deep tails iterate) however few
    its points, and about a microsecond a point: the searches and the sum of :func:`_shared_point`
    ask for their values in as few calls as possible. A range given to :meth:`fetch` is kept as an array.
    """

    def __init__(self, common: int, own: int, q: float, log_k: float) -> None:
        self.args = (common, own, q, log_k)
        self.known: dict[int, float] = {}
        self.first, self.values = 0, np.empty(0)
        #: Whether values outside the array are known to be far above (below it) or far below
        #: (above it) every limit searched for: see :func:`_first_below_all`.
        self.clear_outside = False

    def fetch(self, js, first: int = 0, last: int = -1) -> None:
        """Evaluate, in one call, every j in [first, last] and those of ``js`` not known yet."""
        wanted = {j for j in map(int, js) if not first <= j <= last and not self._has(j)}
        new = np.array(sorted(wanted), dtype=float)
        points = np.concatenate((np.arange(first, last + 1, dtype=float), new))
        if points.size == 0:
            return
        values = _exponent(points, *self.args)[0]
        if last >= first:
            self.first, self.values = first, values[: last - first + 1]
        self.known.update(zip(new.astype(int).tolist(), values[last - first + 1 :].tolist(), strict=True))

    def _has(self, j: int) -> bool:
        return 0 <= j - self.first < self.values.size or j in self.known

    def at(self, js: np.ndarray) -> np.ndarray | None:
        """The values at whole ``js`` (an array), or None unless all are in the array of :meth:`fetch`."""
        index = js.astype(np.int64) - self.first
        if index.size and (index.min() < 0 or index.max() >= self.values.size):
            return None
        return self.values[index]

    def __call__(self, j: int) -> float:
        if 0 <= j - self.first < self.values.size:
            return float(self.values[j - self.first])
        if self.clear_outside:
            return math.inf if j < self.first else -math.inf
        if j not in self.known:
            self.fetch([j])
        return self.known[j]


def _bisection_path(answer: int, low: int, high: int) -> list[int]:
    """The points :func:`_first_below`'s bisection tries when its answer is ``answer``."""
    path = [low, high]
    if not low < answer <= high:
        return path
    while high - low > 1:
        middle = (low + high) // 2
        path.append(middle)
        if middle >= answer:
            high = middle
        else:
            low = middle
    return path


def _likely_range(common: int, own: int, q: float, log_k: float) -> tuple[int, int]:
    """Whole numbers lowest ≤ start and highest ≥ done of :func:`_shared_point`, by a Chernoff bound.

    Given j, the chance of losing is at most P(W ≤ t_j) ≤ exp(−m_p·KL(t_j/m_p ‖ q)) below the
    mean, so the exponent ln K(−ln P_p(j)) is about at most B(j) = ln K − m_p·KL(t_j/m_p ‖ q),
    which falls with j. Where B first reaches −40, the exponent has too (give or take the last
    digit: one more j is added). Where B first reaches ln 800 the exponent did earlier, by about
    ½ln(2πm_p q(1 − q)) and a few nats: the distance B's slope covers in that and 16 nats more,
    and 2 more j, is taken off.
    Only a guess: (0, common) where the bound says nothing, and a wrong guess costs time only.
    """
    if own == 0 or not 0.0 < q < 1.0:
        return 0, common

    def share(j):
        return ((own + common) / 2.0 - j) / own

    def bound(j):
        s = share(j)
        if s < 0.0:
            return -math.inf
        if s >= q:
            return math.inf
        kl = (s * math.log(s / q) if s > 0.0 else 0.0) + (1.0 - s) * math.log((1.0 - s) / (1.0 - q))
        return log_k - own * kl

    # The first whole j in [0, common] with bound(j) ≤ each limit (common + 1 if none); bound decreases.
    start = _first_below(_NEGLIGIBLE_EXPONENT, 0, common, bound)
    done = _first_below(_CERTAIN_EXPONENT, 0, common, bound)
    s = share(start)
    slope = abs(math.log(s * (1.0 - q) / ((1.0 - s) * q))) if 0.0 < s < q else 0.0
    # The bound's excess over the log-tail: about ½ln(2π·m_p·q(1 − q)) and the tail's ratio term
    # (at most 7 nats over a grid of scenarios); 16 nats are allowed for the second.
    excess = 16.0 + 0.5 * math.log(2.0 * math.pi * own * q * (1.0 - q))
    lowest = max(0, start - math.ceil(excess / slope) - 2) if slope > 0.0 else 0
    return lowest, min(common, done + 1)


def _first_below_all(limits, high: int, exponent: _Exponents, likely: tuple[int, int] = (0, -1)) -> list[int]:
    """``_first_below(limit, 0, high, exponent)`` for each limit: the same integers, in few calls.

    * A ``likely`` range of at most :data:`_ENUMERATED` whole numbers is evaluated in one call.
      Where the exponent at its ends is beyond every limit by :data:`_CLEAR`, the exponent's
      decrease decides every point outside it; otherwise the bisection's paths to its ends are
      evaluated too, in one more call (every path to an answer in the range runs through those
      points and the range).
    * Without such a range, a k-ary search: each round evaluates :data:`_SEARCH_CUTS` points
      spread inside each limit's bracket (a j above the limit, one at or below it), all in one
      call, until the brackets are adjacent integers; then the bisection's path to each answer so
      found, in one call.

    Either way the bisection then runs on those values: where the exponent decreases it visits
    nothing else; where it does not, it evaluates what it needs, and its answer is its own.
    """
    lowest, highest = likely
    if 0 <= highest - lowest < _ENUMERATED:
        exponent.fetch([], lowest, highest)
        below = lowest == 0 or exponent(lowest) > max(limits) + _CLEAR
        above = highest == high or exponent(highest) <= min(limits) - _CLEAR
        if below and above:
            # The exponent decreases, and is computed far closer than _CLEAR: every j below the
            # range is above every limit, every j above it below every limit, as the bisection
            # would find (on the points it would evaluate).
            exponent.clear_outside = True
        else:
            exponent.fetch(_bisection_path(lowest, 0, high) + _bisection_path(highest, 0, high))
    else:
        exponent.fetch([0, high])
        brackets = [(0, high) if exponent(0) > limit >= exponent(high) else None for limit in limits]
        while any(b is not None and b[1] - b[0] > 1 for b in brackets):
            cuts = [
                np.unique(b[0] + 1 + (np.arange(_SEARCH_CUTS) * (b[1] - b[0] - 1)) // _SEARCH_CUTS).tolist()
                if b is not None and b[1] - b[0] > 1
                else []
                for b in brackets
            ]
            exponent.fetch([j for points in cuts for j in points])
            for i, (limit, points) in enumerate(zip(limits, cuts, strict=True)):
                if not points:
                    continue
                lo, hi = brackets[i]
                for j in points:
                    if exponent(j) <= limit:
                        hi = j
                        break
                    lo = j
                brackets[i] = (lo, hi)
        answers = [
            0 if exponent(0) <= limit else high + 1 if b is None else b[1]
            for limit, b in zip(limits, brackets, strict=True)
        ]
        exponent.fetch([j for answer in answers for j in _bisection_path(answer, 0, high)])
    return [_first_below(limit, 0, high, exponent) for limit in limits]


def _log_sum_terms(log_terms, weights):
    """ln Σ weights·exp(log_terms), −inf for none."""
    if log_terms.size == 0 or not np.any(np.isfinite(log_terms)):
        return -np.inf
    return float(special.logsumexp(log_terms, b=weights))


def _shared_point(common: float, own: float, q: float, log_k: float) -> tuple[float, float]:
    """ln P_align(ρ) and ln(1 − P_align(ρ)) for one scenario (see the module notes)."""
    common, own = int(common), int(own)
    exponent = _Exponents(common, own, q, log_k)
    mean = common * q
    spread = np.sqrt(2.0 * _WEIGHT_REACH * max(common * q * (1.0 - q), 1.0))
    reach = min(common, int(np.ceil(mean + spread)) + 1)
    # The terms that can matter: from where K(−ln P_p) < 800 to where it is below e⁻⁴⁰ and past
    # the binomial weight's upper reach. Where they are likely to be (and the sum with them) is
    # evaluated at once.
    lowest, highest = _likely_range(common, own, q, log_k)
    start, done = _first_below_all(
        (_NEGLIGIBLE_EXPONENT, _CERTAIN_EXPONENT), common, exponent, (lowest, max(highest, reach))
    )
    stop = min(common, max(done, reach))
    if start > common:  # no common outcome lets the aligned policy win every contest
        start = stop = common
    count = stop - start + 1
    if count <= EXACT_TERMS:
        j = np.arange(start, stop + 1, dtype=float)
        weights = np.ones(j.shape)
    else:
        j = np.unique(np.round(np.linspace(start, stop, EXACT_TERMS)))
        edges = np.concatenate(([j[0] - 0.5], (j[1:] + j[:-1]) / 2.0, [j[-1] + 0.5]))
        weights = np.diff(edges)
    log_weight = _math.log_binomial_pmf(j, float(common), q)
    log_exponent = exponent.at(j)
    if log_exponent is None:
        log_exponent, _ = _exponent(j, common, own, q, log_k)
    power = np.exp(np.minimum(log_exponent, _MAX_EXPONENT))  # K(−ln P_p), kept finite
    log_power = -power  # ln P_p^K
    with np.errstate(divide="ignore"):
        # ln(1 − P_p^K): ln K(−ln P_p) itself where that is tiny (1 − e^(−x) = x to double precision).
        log_one_minus = np.where(log_exponent < -40.0, log_exponent, np.log(-np.expm1(-power)))
    # P(J > stop), where P_p^K = 1; P(J < start) = P(m_c − J > m_c − start), in the tail where it
    # is small. One call for both.
    log_beyond, log_before = _log_at_least(
        np.array([stop + 1.0, common - start + 1.0]), float(common), np.array([q, 1.0 - q])
    ).tolist()
    log_align = np.logaddexp(_log_sum_terms(log_weight + log_power, weights), log_beyond)
    # Before `start` every P_p^K is below e^−800: all of that weight fails.
    log_misalign = np.logaddexp(_log_sum_terms(log_weight + log_one_minus, weights), log_before)
    # Keep the smaller side's own sum; the other is its complement.
    if log_align <= log_misalign:
        return log_align, float(np.log1p(-np.exp(log_align)))
    return float(np.log1p(-np.exp(log_misalign))), log_misalign


@takes_assumptions
def shared_p_align(
    labels: ArrayLike,
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    overlap: ArrayLike,
    **threat: ArrayLike,
) -> SharedDatasetResult:
    r"""Probability of outer alignment with every competitor judged on one dataset.

    Parameters
    ----------
    labels, error_rate, agreement, **threat
        As for :func:`aliquant_core.p_align`.
    overlap : array_like
        :math:`\rho`, the share of a competitor's informative labels common to every competitor,
        in its range in :data:`aliquant_core.QUANTITIES` (required: this function exists to
        state it; :func:`footprint_overlap` gives the value for footprints placed at random).

    Returns
    -------
    SharedDatasetResult
        :math:`P_\text{align}(\rho)` and the range :math:`[P_1^{K_\text{eff}}, P_1]` it lies in,
        with the Bonferroni bound.

    Notes
    -----
    See the module notes for the model, its sum and its accuracy. Unlike :func:`p_align`, this
    evaluates one scenario at a time (arrays are looped over), since each needs its own range of
    terms; it is meant for a headline, not a grid.

    The range of terms is found by two bisections over whole :math:`j \in [0, m_c]`, for where
    :math:`E(j) = \ln K_\text{eff} + \ln(-\ln P_p(j))` first falls to :math:`\ln 800` and to
    :math:`-40`. One evaluation of :math:`E` costs some 0.3 ms however few its points, so the
    bisections run on values evaluated ahead, mostly in one call shared with the sum's own terms.
    A Chernoff bound, :math:`P(W \le t_j) \le \exp(-m_p \operatorname{KL}(t_j/m_p \,\|\, q))`
    below the mean, gives

    .. math:: B(j) = \ln K_\text{eff} - m_p \operatorname{KL}(t_j/m_p \,\|\, q) \gtrsim E(j),

    and every :math:`j` from where :math:`B` reaches :math:`\ln 800`, less the distance its slope
    covers in :math:`16 + \tfrac12 \ln(2\pi m_p q(1 - q))` nats, to where it reaches :math:`-40`
    (and past the binomial weight's reach) is evaluated in one call. Where :math:`E` at that
    range's ends is more than a nat beyond both limits, :math:`E`'s decrease decides the
    bisections' points outside it; otherwise those points are evaluated too, in one more call.
    Where the range would exceed :data:`EXACT_TERMS`, a k-ary search (128 points a call for each
    end) brackets the answers instead, and the bisections' paths to them are evaluated in one call.
    The bisections then run on those values, evaluating anything they miss: their answers, and so
    the sum, are those of plain bisections, bit for bit (given that :math:`E`, computed far closer
    than a nat, decreases); the bound only decides how few calls it takes.

    Examples
    --------
    Two competitors, two informative labels each, both common (:math:`\rho = 1`), labels right
    with chance 0.8: both lose when both labels are won (0.64), and on a split each ties and
    loses on its own coin flip (:math:`2 \cdot 0.16 \cdot \tfrac14 = 0.08`); independent contests give
    :math:`(0.64 + 0.16)^2 = 0.64`:

    >>> r = shared_p_align(2, 0.2, overlap=1, blind_spot=0, footprint=1,
    ...                    competitors_log10=np.log10(2))
    >>> round(float(r.p_align), 6), round(float(r.p_align_independent), 6)
    (0.72, 0.64)
    """
    rho = check_range("overlap", overlap)
    v = _evaluate(threat, labels=labels, error_rate=resolve_error_rate(error_rate, agreement), overlap=rho)
    shape = v["labels"].shape
    m = v["informative"]
    common = np.floor(v["overlap"] * m + 0.5)
    own = m - common
    log_single, log_failure = _single_logs(m, v["loss"], v["win"], v["margin"])
    independent, independent_misalign, any_dependence = _align_from_logs(
        log_single, log_failure, v["log_competitors"]
    )
    p_align = np.array(independent, dtype=float)
    p_misalign = np.array(independent_misalign, dtype=float)
    # One competitor, or nothing in common: the independent formula is exact there.
    shared = (v["log_competitors"] > 0.0) & (common > 0.0)
    for index in np.ndindex(shape):
        if not shared[index]:
            continue
        log_align, log_misalign = _shared_point(
            common[index], own[index], float(v["win"][index]), float(v["log_competitors"][index])
        )
        p_align[index], p_misalign[index] = np.exp(log_align), np.exp(log_misalign)
    return SharedDatasetResult(
        p_align=p_align[()],
        p_misalign=p_misalign[()],
        p_align_independent=independent[()],
        p_align_one_contest=np.exp(log_single)[()],
        p_align_any_dependence=any_dependence[()],
        overlap=v["overlap"][()],
        common_labels=common[()],
        own_labels=own[()],
    )
