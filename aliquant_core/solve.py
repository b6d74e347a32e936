r"""What it would take: the labels, label quality and threat a target probability allows.

Each solver inverts :func:`aliquant_core.model.p_align` in one argument, holding the rest fixed:

* :func:`required_labels`: the smallest number of labels that reaches the target;
* :func:`max_error_rate` and :func:`max_blind_spot`: the worst label quality that still reaches it;
* :func:`max_competitors_log10`: the largest class of unaligned policies the labels rule out.

All broadcast over arrays, and all rest on one fact: for a fixed number :math:`m` of informative
labels, :math:`P_1 = I_q(a, a)` rises with the label win probability :math:`q`, and for fixed
:math:`q > \tfrac12` it rises with :math:`a = \lceil m/2 \rceil`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from scipy import special

from . import _math
from ._types import ArrayLike, FloatArray
from ._validation import check_range, resolve_error_rate
from .classes import (
    _class_arrays,
    check_classes,
    check_shared,
    max_blind_spot_for,
    max_competitors_log10_for,
    max_error_rate_for,
    required_labels_for,
)
from .model import _evaluate, _log_neg_log, _single_logs
from .quantities import DEFAULTS, QuantityError, takes_assumptions

if TYPE_CHECKING:
    from .classes import CompetitorClass

__all__ = ["max_blind_spot", "max_competitors_log10", "max_error_rate", "required_labels"]

#: Bisection on the logit of q: bounds (|logit| ≤ 745 covers every double in (0, 1)) and steps.
_LOGIT_BOUND = 745.0
_LOGIT_STEPS = 80

#: The search for the labels required gives up (infinite labels) where 4·margin² is below this.
_SEARCH_MARGIN_FLOOR = 1e-280

#: Logits tried per round of the k-ary search for where the target starts to be met: at most
#: ``_MOST_CUTS`` per scenario, and about ``_CUT_POINTS`` in all.
_MOST_CUTS = 64
_CUT_POINTS = 2048

#: Half-widths, relative, of the brackets tried around SciPy's estimate of that logit.
_ESTIMATE_SPREADS = np.array([1e-13, 1e-9, 1e-5, 1e-2])

#: Up to this many scenarios, the bisection's path is traced in plain floats rather than arrays.
_PYTHON_TRACE = 16

#: Up to this many scenarios in one call, the bisection is speculative (:func:`_bisection`); for
#: more it runs as it is, which then costs less (speculating, against the plain bisection: 7x
#: faster at 4 scenarios, 1.9x at 64, even at 256, 0.6x at 4,096).
_SPECULATED = 128

#: A double's bits without the sign, and the sign bit, as int64.
_MAGNITUDE_BITS = np.int64(0x7FFF_FFFF_FFFF_FFFF)
_SIGN_BIT = np.int64(-(2**63))

#: Secant steps for the integer search of required labels; each at least halves the bracket.
_MAX_SEARCH_STEPS = 200


def _with_classes(classes, threat):
    """The shared threat, checked, and each class's own quantities as arrays."""
    return check_shared(threat), _class_arrays(check_classes(classes))


def _shared(threat, target, **given):
    """:func:`aliquant_core.model._evaluate`, and the budget c with P_align ≥ target ⟺ ln(−ln P₁) ≤ c."""
    v = _evaluate(threat, target=target, **given)
    v["budget"] = np.log(-np.log(v["target"])) - v["log_competitors"]
    return v


def _solving_for(name, threat, target, labels, error_rate, agreement):
    """:func:`_shared` for a solver of the threat quantity ``name``: at 0 whatever was given for it."""
    error_rate = resolve_error_rate(error_rate, agreement)
    return _shared({**threat, name: 0.0}, target, labels=labels, error_rate=error_rate)


def _meets(a, loss_prob, win_prob, margin, budget):
    """Whether a jury half-size a (a = 0: no informative label) reaches the target."""
    log_single, log_failure = _single_logs(2.0 * a, loss_prob, win_prob, margin)
    return _log_neg_log(log_failure, log_single) <= budget


def _gap(a, loss_prob, win_prob, margin, budget):
    """ln(−ln P₁(a)) − budget: negative where a reaches the target; near-linear in a."""
    log_single, log_failure = _single_logs(2.0 * a, loss_prob, win_prob, margin)
    with np.errstate(divide="ignore"):
        return _log_neg_log(log_failure, log_single) - budget


def _search_cases(v):
    """Where no labels at all reach the target (``free``), and where the labels required are searched
    for (``search``: not free, and q > ½, so more labels help); elsewhere none suffice. ``v``: from
    :func:`_shared` with an error rate."""
    margin = v["margin"]
    free = _meets(np.zeros_like(margin), v["loss"], v["win"], margin, v["budget"])
    return free, ~free & (margin > 0)


def _beyond_search(margin):
    """Where the margin q − ½ is too small for the search of the labels required: none suffice."""
    return 4.0 * margin * margin < _SEARCH_MARGIN_FLOOR


def _smallest_half(loss_prob, win_prob, margin, budget):
    """Smallest integer a ≥ 1 with gap(a) ≤ 0, for margin > 0 and gap(1) > 0.

    A bracket [lo, hi] with gap(lo) > 0 ≥ gap(hi), shrunk by secant steps (ln T is nearly linear
    in a) kept strictly inside the bracket, with a bisection every third step in case it stalls.
    """
    # A margin so small that 4·margin² is below 1e-280 (q − ½ under about 5e-141) needs a jury of
    # more than 1e280 (a ≈ budget / 4·margin²): beyond what the search below can bracket without
    # overflow, and beyond any labelling programme. No number of labels suffices there.
    beyond = _beyond_search(margin)
    if np.all(beyond):
        return np.full_like(margin, np.inf)
    if np.any(beyond):
        half = np.full_like(margin, np.inf)
        keep = ~beyond
        half[keep] = _smallest_half(loss_prob[keep], win_prob[keep], margin[keep], budget[keep])
        return half
    lo = np.ones_like(margin)
    gap_lo = _gap(lo, loss_prob, win_prob, margin, budget)
    # Chernoff: ln I_x(a, a) ≲ a·ln(4xq), so a ≈ budget / ln(4xq) is the right order of magnitude.
    with np.errstate(divide="ignore"):  # margin = ½ (perfect labels): rate = −inf, hi = 2
        rate = np.log1p(-4.0 * margin * margin)
    hi = np.maximum(2.0, np.ceil(2.0 * np.abs(np.minimum(budget, 0.0) - 5.0) / -rate))
    gap_hi = _gap(hi, loss_prob, win_prob, margin, budget)
    while np.any(gap_hi > 0):
        grow = gap_hi > 0
        lo = np.where(grow, hi, lo)
        gap_lo = np.where(grow, gap_hi, gap_lo)
        hi = np.where(grow, hi * 4.0, hi)
        gap_hi[grow] = _gap(hi[grow], loss_prob[grow], win_prob[grow], margin[grow], budget[grow])
    for step in range(_MAX_SEARCH_STEPS):
        open_ = hi - lo > np.maximum(1.0, hi * 4e-16)
        if not np.any(open_):
            break
        lo_o, hi_o, glo, ghi = lo[open_], hi[open_], gap_lo[open_], gap_hi[open_]
        if step % 3 == 2:
            trial = np.floor((lo_o + hi_o) / 2.0)
        else:
            with np.errstate(invalid="ignore", divide="ignore"):
                secant = lo_o + glo * (hi_o - lo_o) / (glo - ghi)
            trial = np.where(np.isfinite(secant), np.round(secant), np.floor((lo_o + hi_o) / 2.0))
        trial = np.clip(trial, lo_o + 1.0, hi_o - 1.0)
        gap_trial = _gap(trial, loss_prob[open_], win_prob[open_], margin[open_], budget[open_])
        met = gap_trial <= 0
        hi[open_] = np.where(met, trial, hi_o)
        gap_hi[open_] = np.where(met, gap_trial, ghi)
        lo[open_] = np.where(met, lo_o, trial)
        gap_lo[open_] = np.where(met, glo, gap_trial)
    return hi


def _labels_for(informative, footprint):
    """Smallest N with round(f·N) ≥ m (halves up), checked against rounding on either side.

    Infinite where N would exceed the largest float (a footprint near 2.2e-308, or subnormal, with a
    jury of thousands): no number of labels a float can count suffices.
    """
    with np.errstate(over="ignore"):
        labels = np.ceil((informative - 0.5) / footprint)
    labels = np.where(_math.informative_labels(labels - 1.0, footprint) >= informative, labels - 1.0, labels)
    return np.where(_math.informative_labels(labels, footprint) < informative, labels + 1.0, labels)


@takes_assumptions
def required_labels(
    target: ArrayLike = DEFAULTS["target"],
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    classes: Sequence[CompetitorClass] | None = None,
    **threat: ArrayLike,
) -> FloatArray:
    r"""Smallest number of labels with :math:`P_\text{align} \ge` ``target``.

    Parameters
    ----------
    target : array_like
        :math:`P^*`, the probability of outer alignment sought; defaults to the table's.
    error_rate, agreement
        As in :func:`aliquant_core.p_align`.
    classes : sequence of CompetitorClass, optional
        Competitor classes (:func:`aliquant_core.classes_p_align`); the threat keywords are then
        the shared ones (:data:`aliquant_core.CLASS_SHARED_THREAT`). One class is the same as
        giving its quantities as keywords.
    **threat
        The threat quantities (:data:`aliquant_core.THREAT`), by name; each defaults to its value
        in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    labels : float or ndarray
        Whole numbers of labels, ``inf`` where no quantity reaches the target, or where the
        quantity that does exceeds the largest float (about 1.8e308). Results beyond the
        brief's :math:`10^{12}` are returned as computed; beyond :math:`2^{53}` they are exact
        to the float's resolution only.

    Notes
    -----
    With :math:`P_1 = I_q(a, a)` and :math:`a = \lceil m/2 \rceil`, the target is met when

    .. math:: \ln(-\ln P_1(a)) \le \ln(-\ln P^*) - \ln K_\text{eff}.

    Where :math:`q \le \tfrac12` more labels never help, so the answer is 0 if
    :math:`2^{-K_\text{eff}} \ge P^*` (no labels at all: a coin flip per competitor) and infinite
    otherwise. Where :math:`q > \tfrac12` the left side falls with :math:`a` to :math:`-\infty`;
    the smallest integer :math:`a^*` is found by a safeguarded secant search, the jury size is
    :math:`m^* = 2a^* - 1` (an even jury ties like the odd one below it), and
    :math:`N^* = \lceil (m^* - \tfrac12)/f \rceil`, the smallest :math:`N` whose
    :math:`\operatorname{round}(fN)` reaches :math:`m^*`. Exact: :math:`N^* - 1` misses the target.

    Examples
    --------
    One competitor, no blind spot, every situation informative, labels right 80% of the time:
    one label gives 0.8, three give 0.896, five give 0.94208, so 0.9 takes five.

    >>> float(required_labels(0.9, 0.2, blind_spot=0, footprint=1, competitors_log10=0))
    5.0

    Over several classes (see :func:`aliquant_core.classes.required_labels_for` for the search):

    >>> from aliquant_core import CompetitorClass
    >>> c = CompetitorClass("one", competitors_log10=0, footprint=1, exploitation=0)
    >>> float(required_labels(0.9 ** 2, 0.2, blind_spot=0, classes=[c, CompetitorClass("two", 0, 1, 0)]))
    5.0
    """
    if classes is not None:
        shared, class_threats = _with_classes(classes, threat)
        error = resolve_error_rate(error_rate, agreement)
        if len(class_threats) == 1:
            return required_labels(target, error, **shared, **class_threats[0])
        p_star = check_range("target", target)
        return required_labels_for(p_star, error, shared, class_threats)[()]
    v = _shared(threat, target, error_rate=resolve_error_rate(error_rate, agreement))
    loss, win, margin = v["loss"], v["win"], v["margin"]
    budget = v["budget"]
    free, search = _search_cases(v)
    result = np.where(free, 0.0, np.inf)
    if np.any(search):
        one = np.ones_like(margin[search])
        half = np.where(
            _meets(one, loss[search], win[search], margin[search], budget[search]),
            1.0,
            np.nan,
        )
        rest = np.isnan(half)
        if np.any(rest):
            idx = np.flatnonzero(search)[rest]
            half[rest] = _smallest_half(loss.flat[idx], win.flat[idx], margin.flat[idx], budget.flat[idx])
        result[search] = _labels_for(2.0 * half - 1.0, v["footprint"][search])
    return result[()]


def _logit_meets(a, logit, budget):
    """:func:`_meets` at q = expit(logit): whether a jury half-size a reaches the target there."""
    win = special.expit(logit)
    loss = special.expit(-logit)
    margin = 0.5 * np.tanh(0.5 * logit)
    return _meets(a, loss, win, margin, budget)


def _key(x):
    """Each double as an integer, in the same order, adjacent doubles consecutive (±0 both 0)."""
    bits = np.asarray(x, dtype=float).view(np.int64)
    magnitude = bits & _MAGNITUDE_BITS
    return np.where(bits < 0, -magnitude, magnitude)


def _unkey(key):
    """The double of an integer from :func:`_key`."""
    return np.where(key < 0, -key | _SIGN_BIT, key).view(float)


def _logit_estimate(a, budget):
    """The logit of q at which I_q(a, a) meets the target, from SciPy's ``betaincinv``; NaN where it fails.

    The side of the target that is a small probability is the one inverted, so it keeps its relative
    accuracy: P₁ = exp(−e^budget), 1 − P₁ = −expm1(−e^budget), and by the symmetry
    I_q(a, a) = 1 − I_{1−q}(a, a), q ≥ ½ solves I_x(a, a) = 1 − P₁ for the loss chance x = 1 − q.
    """
    with np.errstate(all="ignore"):
        log_single = -np.exp(budget)
        failure = -np.expm1(log_single)
        losing = failure > 0.5  # P₁ < ½ needs q < ½
        root = special.betaincinv(a, a, np.where(losing, np.exp(log_single), failure))
        log_root, log_rest = np.log(root), np.log1p(-root)
        estimate = np.where(losing, log_root - log_rest, log_rest - log_root)
    return np.where(np.isfinite(estimate), estimate, np.nan)


def _narrowest(a, budget, lo, hi):
    """Adjacent doubles lo < hi, lo failing and hi passing, inside a bracket [lo, hi] that holds.

    A k-ary search: each round tries k logits spread over the doubles strictly inside each bracket,
    all in one call, and keeps the first that passes with the one tried before it. A call costs a
    fixed overhead plus a little per point, so k is :data:`_MOST_CUTS` while few brackets are open
    and falls to 2 while many are (then about as many points as a bisection, in far fewer calls). The
    brackets must not straddle both −2 and 2 (their keys' difference must fit in 63 bits).
    """
    lo_key, hi_key = _key(lo), _key(hi)
    while True:
        span = hi_key - lo_key
        open_ = np.flatnonzero(span > 1)
        if open_.size == 0:
            return _unkey(hi_key)
        cuts_per_round = min(_MOST_CUTS, max(2, _CUT_POINTS // open_.size))
        fractions = np.arange(cuts_per_round) / cuts_per_round
        low = lo_key[open_]
        steps = np.floor((span[open_] - 1).astype(float)[:, None] * fractions).astype(np.int64)
        cuts = np.minimum(low[:, None] + 1 + steps, hi_key[open_, None] - 1)
        passes = _logit_meets(a[open_, None], _unkey(cuts), budget[open_, None])
        rows = np.arange(open_.size)
        first = np.argmax(passes, axis=1)
        found = passes[rows, first]
        hi_key[open_] = np.where(found, cuts[rows, first], hi_key[open_])
        lo_key[open_] = np.where(found, np.where(first > 0, cuts[rows, first - 1], low), cuts[:, -1])


def _trace(lo, hi, edge, steps):
    """The points a bisection of [lo, hi] tries in ``steps`` halvings where exactly logits ≥ ``edge`` pass.

    One row per scenario, each with its own bracket and number of halvings. Returns the points, the
    bracket before each, and where each bisection ends. Once the ends are adjacent doubles every
    halving repeats an end, so a row stops there; a row that stops early is padded with its upper
    end, which is known to pass.
    """
    if lo.size <= _PYTHON_TRACE:  # a few scenarios: plain floats, the same IEEE arithmetic
        rows = []
        for low, high, e, count in zip(lo.tolist(), hi.tolist(), edge.tolist(), steps.tolist(), strict=True):
            row = []
            for _ in range(count):
                mid = 0.5 * (low + high)
                if mid in (low, high):
                    break
                row.append((mid, low, high))
                if mid >= e:
                    high = mid
                else:
                    low = mid
            rows.append((row, high))
        width = max(len(row) for row, _ in rows)
        table = np.array([row + [(high, high, high)] * (width - len(row)) for row, high in rows])
        table = table.reshape(lo.size, width, 3)
        return table[:, :, 0], table[:, :, 1], table[:, :, 2], np.array([high for _, high in rows])
    nodes, lows, highs = [], [], []
    for step in range(int(steps.max(initial=0))):
        mid = 0.5 * (lo + hi)
        stopped = (mid == lo) | (mid == hi) | (step >= steps)
        if stopped.all():
            break
        mid = np.where(stopped, hi, mid)
        nodes.append(mid)
        lows.append(lo)
        highs.append(hi)
        up = mid >= edge
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    if not nodes:
        empty = np.empty((lo.size, 0))
        return empty, empty, empty, hi
    return np.stack(nodes, axis=1), np.stack(lows, axis=1), np.stack(highs, axis=1), hi


def _bisection(a, budget, lo, hi, steps, hint=None):
    """Where ``steps`` halvings of [lo, hi] on logit q end (the ``hi`` of :func:`_loss_bound`'s bisection).

    Speculative and exact: :func:`_narrowest` finds where the target starts to be met (in ``hint``,
    a narrower bracket, if given), the bisection's path to that point is traced without evaluating
    anything, and every point on the path is then evaluated in one call. Where all agree with the
    trace, the traced end is the bisection's own; elsewhere (a target not met monotonically in q)
    the bisection resumes from the first point that disagrees, with the halvings left.
    """
    edge = _narrowest(a, budget, *(hint if hint is not None else (lo, hi)))
    nodes, lows, highs, end = _trace(lo, hi, edge, steps)
    if nodes.shape[1] == 0:
        return end
    wrong = _logit_meets(a[:, None], nodes, budget[:, None]) != (nodes >= edge[:, None])
    rows = np.flatnonzero(wrong.any(axis=1))
    if rows.size:
        level = np.argmax(wrong[rows], axis=1)
        node = nodes[rows, level]
        passed = node < edge[rows]  # the trace's guess, wrong
        resumed_lo = np.where(passed, lows[rows, level], node)
        resumed_hi = np.where(passed, node, highs[rows, level])
        left = steps[rows] - level - 1
        end[rows] = np.where(
            left > 0, _bisection(a[rows], budget[rows], resumed_lo, resumed_hi, left), resumed_hi
        )
    return end


def _halvings(a, budget, steps):
    """The ``hi`` of ``steps`` halvings of [−745, 745] on logit q, one point per scenario a call.

    For many scenarios at once: then each call's fixed cost is shared by all of them, and
    speculating (:func:`_bisection`) would only add points to evaluate.
    """
    lo = np.full_like(budget, -_LOGIT_BOUND)
    hi = np.full_like(budget, _LOGIT_BOUND)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        ok = _logit_meets(a, mid, budget)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    return hi


def _loss_bound(a, budget):
    """Largest label loss chance x = 1 − q with which a jury half-size a reaches the target.

    The end of a bisection on logit(q) (P₁ = I_q(a, a) rises with q): for up to
    :data:`_SPECULATED` scenarios found by :func:`_bisection` around SciPy's estimate, for more
    run as it is (:func:`_halvings`). NaN where even q = 1 falls short; at a = 0 the answer is
    all or nothing (P₁ = ½ whatever q is).
    """
    shape = np.broadcast_shapes(np.shape(a), np.shape(budget))
    a, budget = (np.broadcast_to(np.asarray(v, dtype=float), shape).ravel() for v in (a, budget))
    probes = np.full_like(budget, _LOGIT_BOUND)[:, None] * np.array([-1.0, 0.0, 1.0])
    speculate = budget.size <= _SPECULATED
    if speculate:
        # The ends, 0 (the bisection's first point, so that no bracket straddles it) and nested
        # brackets around the estimate; NaN (no estimate) becomes 0.
        estimate = _logit_estimate(a, budget)[:, None]
        around = estimate * (1.0 + np.concatenate((-_ESTIMATE_SPREADS, _ESTIMATE_SPREADS)))
        probes = np.concatenate((probes, np.where(np.isnan(around), 0.0, around)), axis=1)
        probes = np.sort(np.clip(probes, -_LOGIT_BOUND, _LOGIT_BOUND), axis=1)
    else:
        probes = probes[:, ::2]
    passes = _logit_meets(a[:, None], probes, budget[:, None])
    all_pass, none_pass = passes[:, 0], ~passes[:, -1]
    hi = np.full_like(budget, _LOGIT_BOUND)
    search = np.flatnonzero(~all_pass & ~none_pass)
    if search.size and speculate:
        first = np.argmax(passes[search], axis=1)  # ≥ 1: the lower end fails
        hint = probes[search, first - 1], probes[search, first]
        lo_end = np.full(search.size, -_LOGIT_BOUND)
        steps = np.full(search.size, _LOGIT_STEPS)
        hi[search] = _bisection(a[search], budget[search], lo_end, -lo_end, steps, hint)
    elif search.size:
        hi[search] = _halvings(a[search], budget[search], _LOGIT_STEPS)
    bound = special.expit(-hi)
    bound = np.where(all_pass, 1.0, bound)
    return np.where(none_pass, np.nan, bound).reshape(shape)


@takes_assumptions
def max_error_rate(
    target: ArrayLike = DEFAULTS["target"],
    labels: ArrayLike = DEFAULTS["labels"],
    *,
    classes: Sequence[CompetitorClass] | None = None,
    **threat: ArrayLike,
) -> FloatArray:
    r"""Largest error rate in [0, ½] with which ``labels`` labels still reach ``target``.

    Parameters
    ----------
    target, labels : array_like
        :math:`P^*` and :math:`N`; each defaults to the table's.
    **threat
        The threat quantities (:data:`aliquant_core.THREAT`), by name; each defaults to its value
        in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    error_rate : float or ndarray
        NaN where no error rate reaches the target (not even perfect labels).

    Notes
    -----
    The loss chance :math:`x = 1 - q = (1 - h)\varepsilon + h\varphi` rises linearly with
    :math:`\varepsilon` (the fooled rate :math:`\varphi` is held: more random error never
    helps). Bisection on :math:`\operatorname{logit} q` finds the largest :math:`x^*` that reaches
    the target at the given :math:`a`; then, for :math:`h < 1`,
    :math:`\varepsilon^* = \min(\tfrac12, (x^* - h\varphi)/(1 - h))`, NaN where it is negative
    (not even :math:`\varepsilon = 0` reaches the target). At :math:`h = 1` every informative label
    is in a blind spot: ½ if :math:`\varphi \le x^*`, else NaN.

    The bisection halves :math:`\lambda = \operatorname{logit} q \in [-745, 745]` 80 times, to
    adjacent doubles or :math:`1490 \cdot 2^{-80} \approx 1.2 \times 10^{-21}`, and keeps the end
    that reaches the target. It is run speculatively, in about five evaluations of :math:`P_1` at
    many points each rather than 82 at one. With the budget
    :math:`c = \ln(-\ln P^*) - \ln K_\text{eff}` the target is :math:`P_1 \ge P_1^* = \exp(-e^c)`;
    SciPy's ``betaincinv`` estimates :math:`\hat\lambda` from the smaller of

    .. math:: I_q(a, a) = P_1^* \quad\text{and}\quad I_{1-q}(a, a) = 1 - P_1^* = -\operatorname{expm1}(-e^c)

    (the symmetry :math:`I_q(a, a) = 1 - I_{1-q}(a, a)`). The ends, 0 and
    :math:`\hat\lambda(1 \pm \delta)` for :math:`\delta = 10^{-13}, 10^{-9}, 10^{-5}, 10^{-2}` are
    tried in one call; inside the narrowest bracket that holds, a k-ary search (64 doubles a call)
    finds adjacent doubles :math:`\lambda^- < \lambda^+`, the first failing and the second
    reaching the target. The bisection's path to :math:`\lambda^+` is then traced without
    evaluating anything, and every point on it evaluated in one call: where each agrees with the
    trace, the bisection ends where traced; where one does not (:math:`P_1` computed is not
    monotone in its last digits), the bisection resumes from it. The answer is the bisection's own,
    bit for bit; neither the estimate nor the search changes it, only the time it takes. Over more
    than 128 scenarios at once the bisection runs as it is, one point per scenario a call, which
    then costs less.

    With ``classes`` (two or more), :math:`P_\text{align}` falls with :math:`\varepsilon` in every
    class, and the largest :math:`\varepsilon` is found by bisection to adjacent doubles.
    """
    if classes is not None:
        shared, class_threats = _with_classes(classes, threat)
        if len(class_threats) == 1:
            return max_error_rate(target, labels, **shared, **class_threats[0])
        return max_error_rate_for(
            check_range("target", target), check_range("labels", labels), shared, class_threats
        )[()]
    v = _shared(threat, target, labels=labels)
    a = _math.jury_half(v["informative"])
    bound = _loss_bound(a, v["budget"])
    blind, fooled = v["blind"], v["fooled_rate"]
    slope = 1.0 - blind
    with np.errstate(invalid="ignore", divide="ignore"):
        rising = np.minimum(0.5, (bound - blind * fooled) / slope)
    rising = np.where(rising >= 0.0, rising, np.nan)
    all_blind = np.where(fooled <= bound, 0.5, np.nan)
    return np.where(slope > 0.0, rising, all_blind)[()]


@takes_assumptions
def max_blind_spot(
    target: ArrayLike = DEFAULTS["target"],
    labels: ArrayLike = DEFAULTS["labels"],
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    classes: Sequence[CompetitorClass] | None = None,
    **threat: ArrayLike,
) -> FloatArray:
    r"""Largest blind spot in [0, 1] with which ``labels`` labels still reach ``target``.

    Parameters
    ----------
    target, labels : array_like
        :math:`P^*` and :math:`N`; each defaults to the table's.
    error_rate, agreement
        As in :func:`aliquant_core.p_align`.
    **threat
        The other threat quantities (:data:`aliquant_core.THREAT`), by name; each defaults to its
        value in :data:`aliquant_core.QUANTITIES`. A ``blind_spot``, the quantity solved for, is
        ignored (an :class:`aliquant_core.Assumptions` gives one).

    Returns
    -------
    blind_spot : float or ndarray
        NaN where even no blind spot falls short.

    Notes
    -----
    The loss chance :math:`x = \varepsilon + h(\varphi - \varepsilon)` rises with the blind
    share where :math:`\varphi > \varepsilon`, and the blind share rises piecewise linearly with
    :math:`\sigma`:

    .. math::

        h(\sigma) = \begin{cases} \sigma(1 - \chi + \chi/f) & \sigma \le f \\
        \sigma(1 - \chi) + \chi & \sigma > f. \end{cases}

    The largest admissible share :math:`h^* = (x^* - \varepsilon)/(\varphi - \varepsilon)` is
    mapped back through the segment it falls on. Where :math:`\varphi \le \varepsilon` blind
    spots do not hurt (labels there are no worse than elsewhere): the answer is 1 if
    :math:`\sigma = 1` (:math:`x = \varphi`) reaches the target, else NaN. The largest loss chance
    :math:`x^*` is found as in :func:`max_error_rate` (a bisection on :math:`\operatorname{logit} q`,
    run speculatively: see its Notes); nothing else is searched.

    With ``classes`` (two or more; the blind spot is shared by every class), each :math:`h_c`
    rises with :math:`\sigma`, and the largest :math:`\sigma` is found by bisection.
    """
    if classes is not None:
        shared, class_threats = _with_classes(classes, {**threat, "blind_spot": 0.0})
        error = resolve_error_rate(error_rate, agreement)
        if len(class_threats) == 1:
            return max_blind_spot(target, labels, error, **shared, **class_threats[0])
        return max_blind_spot_for(
            check_range("target", target), check_range("labels", labels), error, shared, class_threats
        )[()]
    v = _solving_for("blind_spot", threat, target, labels, error_rate, agreement)
    a = _math.jury_half(v["informative"])
    bound = _loss_bound(a, v["budget"])
    error, fooled = v["error_rate"], v["fooled_rate"]
    f, chi = v["footprint"], v["exploitation"]
    # over: χ/f beyond the largest float (f subnormal) makes the inner branch 0, as it should be.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        share = (bound - error) / (fooled - error)
        share_at_footprint = f * (1.0 - chi) + chi
        inner = share / (1.0 - chi + chi / f)
        outer = (share - chi) / (1.0 - chi)
    sigma = np.where(share <= share_at_footprint, inner, outer)
    sigma = np.where(share >= 1.0, 1.0, np.minimum(sigma, 1.0))
    sigma = np.where(share >= 0.0, sigma, np.nan)
    harmless = fooled <= error  # x no longer rises with σ; at σ = 1 it is φ
    sigma = np.where(harmless, np.where(fooled <= bound, 1.0, np.nan), sigma)
    return np.where(np.isnan(bound), np.nan, sigma)[()]


@takes_assumptions
def max_competitors_log10(
    target: ArrayLike = DEFAULTS["target"],
    labels: ArrayLike = DEFAULTS["labels"],
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    classes: Sequence[CompetitorClass] | None = None,
    class_index: int = 0,
    **threat: ArrayLike,
) -> FloatArray:
    r"""Largest :math:`\log_{10} K` that ``labels`` labels rule out with probability ``target``.

    Parameters
    ----------
    target, labels, error_rate, agreement, **threat
        As in :func:`max_blind_spot`, with ``competitors_log10`` (the quantity solved for) the
        one threat keyword ignored.
    classes : sequence of CompetitorClass, optional
        Competitor classes; the answer is then the count of the class at ``class_index`` (the
        first by default, the explorer's sidebar class), every other class held as given; that
        class's own ``competitors_log10`` is ignored.
    class_index : int
        Which class's count is solved for.

    Returns
    -------
    competitors_log10 : float or ndarray
        ``inf`` where the labels never err (:math:`P_1 = 1`), NaN where even one competitor is
        too many. Not clipped to the brief's [0, 300].

    Notes
    -----
    :math:`P_1^{K_\text{eff}} \ge P^*` if and only if
    :math:`\ln K_\text{eff} \le \ln(-\ln P^*) - \ln(-\ln P_1)`; with
    :math:`K_\text{eff} = \max(1, K 2^{-b})`, the largest
    :math:`\log_{10} K = \log_{10} K_\text{eff}^\text{max} + b \log_{10} 2`. With classes, the
    other classes use up part of the budget:
    :math:`K_{\text{eff},i}(-\ln P_{1,i}) \le -\ln P^* - \sum_{c \ne i} K_{\text{eff},c}(-\ln P_{1,c})`.
    """
    if classes is not None:
        checked = check_classes(classes)
        if not 0 <= int(class_index) < len(checked) or isinstance(class_index, bool):
            raise QuantityError(f"class_index must be in [0, {len(checked) - 1}]; got {class_index!r}")
        shared, class_threats = _with_classes(checked, threat)
        if len(class_threats) == 1:
            own = {k: v for k, v in class_threats[0].items() if k != "competitors_log10"}
            return max_competitors_log10(target, labels, error_rate, agreement=agreement, **shared, **own)
        error = resolve_error_rate(error_rate, agreement)
        return max_competitors_log10_for(
            check_range("target", target), check_range("labels", labels), error, shared, class_threats,
            int(class_index),
        )[()]  # fmt: skip
    v = _solving_for("competitors_log10", threat, target, labels, error_rate, agreement)
    log_single, log_failure = _single_logs(v["informative"], v["loss"], v["win"], v["margin"])
    with np.errstate(divide="ignore"):
        log_k_max = v["budget"] - _log_neg_log(log_failure, log_single)
    result = log_k_max / _math.LN10 + v["prior_bits"] * _math.LOG10_2
    return np.where(log_k_max >= 0.0, result, np.nan)[()]
