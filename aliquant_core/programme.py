r"""Labelling programmes: labels from several sources, redundancy, and what a programme costs.

A programme collects :math:`n_s` comparison labels from each source :math:`s`, each item judged by
:math:`r_s` labelers and settled by majority vote. Against one competitor the data's score is

.. math:: S = \sum_s w_s (W_s - L_s),

with :math:`W_s \sim \operatorname{Binomial}(m_s, q_s)` winning and :math:`L_s = m_s - W_s` losing
informative labels, :math:`m_s = \operatorname{round}(f n_s)`. The data favours the aligned policy
when :math:`S > 0`, ties counting half. Three aggregations (model brief):

* ``"pooled"``, :math:`w_s = 1`: what a plain reward model does with all labels alike;
* ``"weighted"``, reliability-weighted with weights an aggregator can know: each source's
  log-odds of being right on ordinary items,

  .. math::

     w_s = \ln\frac{\bar q_s}{1 - \bar q_s}, \qquad
     \bar q_s = (1 - \sigma_s)(1 - \varepsilon_{r,s}) + \sigma_s (1 - \varphi_{r,s}),

  what Dawid–Skene or a calibration set estimates (Dawid & Skene 1979). :math:`\bar q_s` is the
  voted label's reliability over all situations, :math:`q_s` at :math:`h_s = \sigma_s`: the
  aggregator weights the majority-voted label, which is wrong with chance
  :math:`\varepsilon_{r,s}` on ordinary items and :math:`\varphi_{r,s}` inside a blind spot,
  where every labeler is fooled with chance :math:`\varphi` and their majority with
  :math:`\varphi_{r,s}` (:func:`aliquant_core.sources.redundant_fooled_rate`). The weights are
  applied to the competitor-specific :math:`q_s`, so a source with :math:`q_s < \tfrac12` (its
  blind spots filled by this competitor) keeps its positive weight and drags the score down.
  Only :math:`\sigma_s (\varphi_{r,s} - \varepsilon_{r,s}) > \tfrac12 - \varepsilon_{r,s}`
  (:math:`\sigma_s > \tfrac12` at the first version's :math:`\varphi = 1 - \varepsilon`) makes
  :math:`\bar q_s < \tfrac12`: the aggregator then knows the source is worse than a coin and reads
  it backwards (negative weight); :math:`\bar q_s = \tfrac12` gives weight 0 (its labels are not
  scored) and :math:`\bar q_s \in \{0, 1\}` an infinite weight (the source decides alone; then
  every label is right or every label wrong, so :math:`q_s = \bar q_s` whatever :math:`h_s`);
* ``"oracle"``, the oracle bound (Nitzan–Paroush weights from the competitor-specific
  :math:`q_s`: no aggregator knows these), :math:`w_s = \ln(q_s / (1 - q_s))`: optimal for
  independent labels of known reliability (Nitzan & Paroush 1982), reading a source with
  :math:`q_s < \tfrac12` backwards. It needs each source's reliability on this competitor's
  footprint, which differs for every competitor and is known only once the aligned behaviour is,
  so it is an upper bound on what aggregation can do, never a default.

With one source (or sources of equal :math:`\bar q_s > \tfrac12`) the weighted score is a positive
multiple of the pooled one, so both aggregations give the same :math:`P_1`.

Redundancy shrinks random error to :math:`\varepsilon_r` (see
:func:`aliquant_core.sources.redundant_error_rate`) but not blind spots, shared by all labelers:
inside one the majority is fooled with chance :math:`\varphi_r`, more surely than one labeler
wherever :math:`\varphi > \tfrac12`. The fooled rate :math:`\varphi` is one threat quantity shared
by every source; :math:`\varphi = 1 - \varepsilon` (the first version's) reproduces the first
version's figures only where all sources share one :math:`\varepsilon`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import _math, _mixture
from ._results import Result
from ._types import ArrayLike, FloatArray, RegimeArray
from ._validation import check_range
from .anchors import FEW_HUNDRED_HOURS, REFERENCE_PIPELINES, RLHF_REFERENCE
from .classes import ClassesResult, CompetitorClass, check_classes, check_shared, combine_logs
from .model import _evaluate, _Probabilities, _probabilities, _regime, _single_logs
from .quantities import DEFAULTS, QuantityError, check_shared_threat, check_threat, describe_range
from .sources import Source, redundant_error_rate, redundant_fooled_rate

__all__ = [
    "AGGREGATIONS",
    "Allocation",
    "Cost",
    "Feasibility",
    "MixtureResult",
    "Programme",
    "feasibility",
    "mixture_p_align",
    "programme_cost",
    "programme_p_align",
]

AGGREGATIONS = ("pooled", "weighted", "oracle")

#: How each aggregation is labelled wherever it is offered (CLI, scenario files, app).
AGGREGATION_LABELS = {
    "pooled": "pooled (every label counts 1, as a plain reward model)",
    "weighted": "weighted (log-odds of each source's reliability on ordinary items)",
    "oracle": (
        "oracle bound (Nitzan–Paroush weights from the competitor-specific q_s: no aggregator knows these)"
    ),
}
METHODS = ("auto", "exact", "saddlepoint")

#: Largest enumeration "auto" does exactly for weighted aggregation where two sources' weights
#: nearly coincide (within ``NEAR_LATTICE_RATIO``): the score is then nearly a lattice, which the
#: continuous saddlepoint formula does not correct for (measured up to about 2% relative error in
#: 1 − P₁ at thousands of labels; see tests/test_programme.py).
EXACT_LIMIT = 20_000

#: Where every two weights differ by more than ``NEAR_LATTICE_RATIO``, the saddlepoint's relative
#: error was measured under 1e-3 from 400 configurations on (up to 7% below), so "auto" stops there.
EXACT_LIMIT_SEPARATED = 400
NEAR_LATTICE_RATIO = 1.1

#: Pooled labels live on a lattice, where the continuity-corrected saddlepoint's relative error in
#: 1 − P₁ was measured under 1e-3 beyond this many informative labels (up to 4e-3 at ten);
#: "auto" enumerates up to it.
EXACT_LIMIT_POOLED = 200


@dataclass(frozen=True)
class MixtureResult(_Probabilities):
    """P_align of a mixture of sources, with the per-source quantities behind it.

    Fields as in :class:`aliquant_core.AlignmentResult`; per-source fields have the sources on
    their last axis.

    Attributes
    ----------
    p_align, p_align_lower_bound, p_misalign, p_single, single_failure, log10_single_failure
        As for one source.
    label_win_prob : ndarray
        :math:`q_s` per source (after redundancy).
    effective_error_rate : ndarray
        :math:`\\varepsilon_{r,s}`, random error after majority vote.
    informative_labels : ndarray
        :math:`m_s` per source.
    effective_competitors_log10 : float or ndarray
        :math:`\\log_{10} K_\\text{eff}`.
    regime : str or ndarray of str
        By the sign of the score's mean per label (quantity suffices when scaling every source up
        in proportion drives P_align to 1).
    exact : bool or ndarray of bool
        Whether P₁ came from exact enumeration (or the single-source formula) rather than the
        saddlepoint approximation.
    """

    label_win_prob: FloatArray
    effective_error_rate: FloatArray
    informative_labels: FloatArray
    effective_competitors_log10: FloatArray
    regime: RegimeArray
    exact: np.bool_ | np.ndarray


def _aggregation_weights(aggregation, voted_error, blind_spot, win, loss, voted_fooled):
    r"""Each source's weight :math:`w_s` under ``aggregation`` (see the module notes), signed.

    ``voted_error`` is :math:`\varepsilon_{r,s}`, ``blind_spot`` :math:`\sigma_s`, ``win`` and
    ``loss`` the competitor-specific :math:`q_s` and :math:`1 - q_s`, ``voted_fooled``
    :math:`\varphi_{r,s}`. Pooled: 1. Weighted:
    :math:`\ln(\bar q_s/(1 - \bar q_s))` with :math:`\bar q_s` the voted label's reliability at
    :math:`h_s = \sigma_s`. Oracle: :math:`\ln(q_s/(1 - q_s))`. Negative below ½, 0 at ½, ±∞ at 0
    or 1; :func:`mixture_p_align` and :func:`aliquant_core.simulate_mixture` both take them from here.
    """
    if aggregation == "pooled":
        return np.ones(np.broadcast(win, loss).shape)
    if aggregation == "weighted":
        # Both from non-negative terms, so a reliability near 0 or 1 keeps its relative accuracy.
        win = _math.label_win_prob(voted_error, blind_spot, voted_fooled)
        loss = _math.label_loss_prob(voted_error, blind_spot, voted_fooled)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = np.log(win) - np.log(loss)
    # ln 0 − ln 0 cannot happen (q + (1 − q) = 1); equal logs give an exact 0 for a coin.
    return np.where(win == loss, 0.0, weights)


def _check_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def mixture_p_align(
    labels: ArrayLike,
    error_rate: ArrayLike,
    blind_spot: ArrayLike,
    *,
    redundancy: ArrayLike = DEFAULTS["redundancy"],
    aggregation: str = "pooled",
    method: str = "auto",
    classes: Sequence[CompetitorClass] | None = None,
    **threat: ArrayLike,
) -> MixtureResult | ClassesResult:
    r"""Probability of outer alignment for labels from several sources.

    Parameters
    ----------
    labels, error_rate, blind_spot, redundancy : array_like
        Per source, sources on the last axis: labelled items :math:`n_s`, random error
        :math:`\varepsilon_s`, blind spot :math:`\sigma_s` and labelers per item :math:`r_s`
        (default the table's), each in its range in :data:`aliquant_core.QUANTITIES`.
    aggregation : {"pooled", "weighted", "oracle"}
        How labels are combined (see the module notes); ``"oracle"`` is a bound no aggregator
        reaches, never a default.
    method : {"auto", "exact", "saddlepoint"}
        ``"exact"`` enumerates every configuration of all sources but the largest (slow for large
        counts); ``"saddlepoint"`` uses the Lugannani–Rice formula; ``"auto"`` uses the
        single-source formula where only one source has informative labels, exact enumeration
        where it takes at most ``EXACT_LIMIT`` configurations, and the saddlepoint elsewhere.
        Enumeration carries its tail in log space, exact far below the float range.
    **threat
        The other threat quantities (:data:`aliquant_core.THREAT`: ``fooled_rate``,
        ``footprint``, ``exploitation``, ``competitors_log10``, ``prior_bits``), by name; each defaults to its
        value in :data:`aliquant_core.QUANTITIES` and broadcasts against the leading axes.
    classes : sequence of CompetitorClass, optional
        Competitor classes (:func:`aliquant_core.classes_p_align`): each class's mixture is
        evaluated with its own footprint, exploitation and count, and the classes combined; the
        threat keywords are then ``fooled_rate`` and ``prior_bits``.

    Returns
    -------
    MixtureResult, or ClassesResult with ``classes``
        A :class:`ClassResult`'s ``label_win_prob``, ``blind_share`` and ``informative_labels``
        then have the sources on their last axis.

    Notes
    -----
    Per source, :math:`h_s = \sigma_s + \chi(\min(1, \sigma_s/f) - \sigma_s)` (nested blind spots:
    the competitor fills the smallest first, and each source sees it through its own
    :math:`\sigma_s`), :math:`q_s = (1 - h_s)(1 - \varepsilon_{r,s}) + h_s (1 - \varphi_{r,s})`,
    :math:`\varphi_{r,s}` the majority of :math:`r_s` labelers each fooled with chance
    :math:`\varphi` inside a blind spot.
    A negative weight (:math:`\bar q_s < \tfrac12`, or :math:`q_s < \tfrac12` for the oracle) is
    computed as the source read backwards, :math:`q_s \to 1 - q_s` with weight :math:`|w_s|`,
    which is the same score; the kernels then take positive weights and any :math:`q_s`.
    The saddlepoint's accuracy was measured against exact enumeration: relative error of
    :math:`1 - P_1` under 1e-3 beyond ``EXACT_LIMIT_POOLED`` informative labels (pooled) and
    beyond ``EXACT_LIMIT_SEPARATED`` configurations (weighted, weights at least 10% apart).
    Weighted sources whose weights nearly coincide form a near-lattice that the continuous
    formula misses by up to about 2%, so "auto" enumerates those up to ``EXACT_LIMIT``. Those
    measurements were of the oracle's weights; with reliability weights, which are not the
    :math:`q_s`, the saddlepoint's relative error in the smaller of :math:`P_1` and
    :math:`1 - P_1` was measured up to 1.3% above :math:`10^{-20}` and 3.1% below (two sources,
    2,000 to 30,000 informative labels, weights over 10% apart; tests/test_programme.py), and up
    to 17% near :math:`10^{-100}` where two weights stand in a whole-number ratio (the score is
    then a lattice the continuous formula does not correct for). Where
    every scored source has the same weight the score is a multiple of the pooled one and is
    computed as pooled.

    References
    ----------
    .. [1] S. Nitzan and J. Paroush, "Optimal decision rules in uncertain dichotomous choice
       situations", International Economic Review 23, 1982.
    .. [2] R. Lugannani and S. Rice, "Saddle point approximation for the distribution of the sum
       of independent random variables", Advances in Applied Probability 12, 1980.
    .. [3] H. E. Daniels, "Tail probability approximations", International Statistical Review
       55, 1987.
    .. [4] A. P. Dawid and A. M. Skene, "Maximum likelihood estimation of observer error-rates
       using the EM algorithm", Journal of the Royal Statistical Society C 28, 1979.
    """
    if classes is not None:
        return _mixture_classes(
            labels, error_rate, blind_spot, redundancy, aggregation, method, classes, threat
        )  # fmt: skip
    parts = _mixture_parts(labels, error_rate, blind_spot, redundancy, aggregation, method, threat)
    log_single, log_failure, v, extra = parts
    return MixtureResult(
        **_probabilities(log_single, log_failure, v["competitors_log10"][..., 0], v["prior_bits"][..., 0]),
        **extra,
    )


def _mixture_parts(labels, error_rate, blind_spot, redundancy, aggregation, method, threat):
    """ln P₁, ln(1 − P₁), the checked inputs and :class:`MixtureResult`'s own fields (see
    :func:`mixture_p_align`)."""
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    _check_choice("method", method, METHODS)
    labels = check_range("labels", labels)
    voted = redundant_error_rate(error_rate, redundancy)
    if np.broadcast(labels, voted, check_range("blind_spot", blind_spot)).ndim == 0:
        raise ValueError("labels, error_rate and blind_spot need a last axis over sources")
    # Each source has its own blind spot; the rest of the threat is shared, over the leading axes.
    shared = {name: value[..., None] for name, value in check_threat(threat).items()}
    # Inside a blind spot the majority of r labelers is fooled with chance φ_r (each with φ).
    fooled = redundant_fooled_rate(shared["fooled_rate"], redundancy)
    v = _evaluate(
        {**shared, "blind_spot": blind_spot, "fooled_rate": fooled}, labels=labels, error_rate=voted
    )
    voted, counts, win, loss, margin = (v[k] for k in ("error_rate", "informative", "win", "loss", "margin"))
    weights = _aggregation_weights(aggregation, voted, v["blind_spot"], win, loss, v["fooled_rate"])
    # A negative weight reads the source backwards: the same score with q ↔ 1 − q and |w|, so the
    # kernels only ever see positive weights (and any q).
    flip = weights < 0
    win, loss = np.where(flip, loss, win), np.where(flip, win, loss)
    margin = np.where(flip, -margin, margin)
    weights = np.abs(weights)
    # A source of weight 0 (q̄ = ½, or q = ½ for the oracle) is not scored at all.
    scored = counts if aggregation == "pooled" else np.where(weights == 0.0, 0.0, counts)
    # Where every scored source has the same finite weight, S is that weight times the pooled
    # score (S > 0 either way): compute it as pooled, on the lattice the pooled kernels correct for.
    labelled = scored > 0
    with np.errstate(invalid="ignore"):
        top = np.max(np.where(labelled, weights, -np.inf), axis=-1, keepdims=True)
        # Within rounding (weights from equal q̄ computed two ways may differ in the last bits).
        equal = np.all(~labelled | (np.abs(weights - top) <= 1e-12 * top), axis=-1) & np.isfinite(top[..., 0])
    lattice = np.broadcast_to(aggregation == "pooled", equal.shape) | equal
    weights = np.where(equal[..., None], 1.0, weights)
    log_single, log_failure, exact = _mixture_logs(scored, win, loss, margin, weights, lattice, method)
    with np.errstate(invalid="ignore"):  # 0 labels × an infinite weight counts for nothing
        mean_per_label = np.sum(np.where(scored > 0, scored * weights * 2.0 * margin, 0.0), axis=-1)
    extra = {
        "label_win_prob": v["win"],
        "effective_error_rate": voted,
        "informative_labels": counts,
        "regime": _regime(mean_per_label)[()],
        "exact": exact[()],
    }
    v["mean_per_label"] = mean_per_label
    return log_single, log_failure, v, extra


def _mixture_classes(labels, error_rate, blind_spot, redundancy, aggregation, method, classes, threat):
    """:func:`mixture_p_align` against competitor classes: one mixture per class, combined."""
    classes = check_classes(classes)
    shared = check_shared({**threat, "blind_spot": 0.0})
    del shared["blind_spot"]
    threats = [{k: np.asarray(v) for k, v in c.threat.items()} for c in classes]
    names = [c.name for c in classes]
    return mixture_over_classes(
        labels, error_rate, blind_spot, redundancy, aggregation, method, shared, threats, names
    )  # fmt: skip


def mixture_over_classes(
    labels, error_rate, blind_spot, redundancy, aggregation, method, shared, threats, names
):
    """The mixture against classes on checked inputs; each class's quantities may be arrays over the
    leading axes (a trajectory's generations)."""
    logs, details = [], []
    for klass in threats:
        log_single, log_failure, v, _ = _mixture_parts(
            labels, error_rate, blind_spot, redundancy, aggregation, method, {**shared, **klass}
        )  # fmt: skip
        log_k = _math.log_effective_competitors(v["competitors_log10"][..., 0], v["prior_bits"][..., 0])
        logs.append((log_single, log_failure, log_k))
        details.append(
            {
                "win": v["win"],
                "blind": v["blind"],
                "informative": v["informative"],
                "margin": v["mean_per_label"],
            }
        )
    return combine_logs(names, threats, shared["prior_bits"], logs, details)


def _logs_from_probabilities(single, failure):
    """ln P₁, ln(1 − P₁) from enumerated probabilities, the larger side from the smaller (≤ 1)."""
    small_is_failure = failure <= single
    # np.where evaluates both branches; the unused one may take the log of 0 or of 1 minus a sum
    # that rounded above 1, so its warnings are silenced (the branch used is always valid).
    with np.errstate(divide="ignore", invalid="ignore"):
        log_single = np.where(small_is_failure, np.log1p(-failure), np.log(single))
        log_failure = np.where(small_is_failure, np.log(failure), np.log1p(-single))
    return log_single, log_failure


def _too_large_to_enumerate(counts, weights, lattice) -> bool:
    """Whether "auto" leaves this scenario to the saddlepoint (see the limits above)."""
    if lattice:
        return counts.sum() > EXACT_LIMIT_POOLED
    active = weights[counts > 0]
    near_lattice = active.size > 1 and active.max() < NEAR_LATTICE_RATIO * active.min()
    return _mixture.exact_size(counts) > (EXACT_LIMIT if near_lattice else EXACT_LIMIT_SEPARATED)


def _mixture_logs(counts, win, loss, margin, weights, lattice, method):
    """ln P₁, ln(1 − P₁) and whether each was exact, over the leading axes.

    ``weights`` are positive (or 0 for sources that are not scored, with ``counts`` 0); ``lattice``
    says, over the leading axes, where every weight is 1 (the score lives on a lattice of span 2).
    """
    lead = counts.shape[:-1]
    log_single = np.empty(lead)
    log_failure = np.empty(lead)
    exact = np.zeros(lead, dtype=bool)
    active = counts > 0
    # A source of infinite weight (q̄ ∈ {0, 1}, or q ∈ {0, 1} for the oracle; read the right way
    # round, so q = 1: see the module notes) decides alone.
    infinite = active & np.isinf(weights)
    decided = np.any(infinite, axis=-1)
    against = decided & np.all(~infinite | (win == 0), axis=-1)  # never, kept for completeness
    log_single[decided] = np.where(against[decided], -np.inf, 0.0)
    log_failure[decided] = np.where(against[decided], 0.0, -np.inf)
    exact[decided] = True

    # One source with labels (or pooled sources all deterministic but one): the exact formula.
    deterministic = active & ((win == 0) | (loss == 0))
    random_active = active & ~deterministic
    n_random = random_active.sum(axis=-1)
    single = ~decided & (n_random <= 1) & (np.sum(deterministic, axis=-1) == 0)
    if np.any(single):
        pick = np.argmax(active[single], axis=-1)
        take = lambda v: np.take_along_axis(v[single], pick[:, None], axis=-1)[:, 0]  # noqa: E731
        counts_1 = np.where(np.any(active[single], axis=-1), take(counts), 0.0)
        ls, lf = _single_logs(counts_1, take(loss), take(win), take(margin))
        log_single[single], log_failure[single] = ls, lf
        exact[single] = True

    rest = ~decided & ~single
    if not np.any(rest):
        return log_single, log_failure, exact
    idx = np.flatnonzero(rest.ravel())
    flat = [v.reshape(-1, v.shape[-1])[idx] for v in (counts, win, loss, weights)]
    flat_lattice = np.broadcast_to(lattice, lead).ravel()[idx]
    ls = np.full(idx.size, np.nan)
    lf = np.full(idx.size, np.nan)
    done = np.zeros(idx.size, dtype=bool)
    if method != "saddlepoint":
        c_all, q_all, _, w_all = flat
        wanted = np.array(
            [
                method == "exact" or not _too_large_to_enumerate(c, w, on_lattice)
                for c, w, on_lattice in zip(c_all, w_all, flat_lattice, strict=True)
            ],
            dtype=bool,
        )
        pairs = wanted & (c_all.shape[-1] == 2)
        if np.any(pairs):
            probabilities = _mixture.exact_probabilities_pairs(c_all[pairs], q_all[pairs], w_all[pairs])
            ls[pairs], lf[pairs] = _logs_from_probabilities(*probabilities)
        # The rest, and pairs whose tail left the float range (or is 0: certain), in log space.
        in_range = np.minimum(ls, lf) >= _math.LOG_DIRECT_TAIL_FLOOR
        for i in np.flatnonzero(wanted & ~(pairs & in_range)):
            ls[i], lf[i] = _mixture.exact_logs(c_all[i], q_all[i], w_all[i])
        done = wanted
    if not np.all(done):
        c, q, p, w = (v[~done] for v in flat)
        on_lattice = flat_lattice[~done]
        # Labels that are never (or always) right add a certain ±w each: an offset (finite weights
        # here; an infinite one has decided above).
        certain = (c > 0) & ((q == 0) | (p == 0))
        offset = np.sum(np.where(certain, c * w * np.sign(q - p), 0.0), axis=-1)
        c = np.where(certain, 0.0, c)
        q, p = np.where(certain, 0.5, q), np.where(certain, 0.5, p)
        span = np.sum(c * w, axis=-1)
        ls_s = np.full(span.shape, -_math.LN2)  # no label counts: a tie
        lf_s = ls_s.copy()
        random = span > 0
        for kind in (True, False):  # the lattice and the continuous formula, each on its rows
            rows = random & (on_lattice == kind)
            if np.any(rows):
                c_r, q_r, p_r, w_r, offset_r = (v[rows] for v in (c, q, p, w, offset))
                ls_s[rows], lf_s[rows] = _mixture.saddlepoint_logs(c_r, q_r, p_r, w_r, kind, offset_r)
        # The offset alone decides when the random labels cannot outweigh it.
        ls_s = np.where(offset > span, 0.0, np.where(-offset > span, -np.inf, ls_s))
        lf_s = np.where(offset > span, -np.inf, np.where(-offset > span, 0.0, lf_s))
        ls[~done], lf[~done] = ls_s, lf_s
    log_single.ravel()[idx] = ls
    log_failure.ravel()[idx] = lf
    exact.ravel()[idx] = done
    return log_single, log_failure, exact


@dataclass(frozen=True)
class Allocation:
    """Labels from one source in a programme.

    Attributes
    ----------
    source : Source
        Who labels.
    labels : float
        Comparison items labelled, in the interval of ``labels`` (the dataset's size from this source).
    redundancy : int
        Labelers per item, majority vote (default and range in :data:`aliquant_core.QUANTITIES`);
        cost and time grow r-fold.
    """

    source: Source
    labels: float
    redundancy: int = int(DEFAULTS["redundancy"])

    def __post_init__(self):
        object.__setattr__(self, "labels", float(_one_value("labels", self.labels)))
        object.__setattr__(self, "redundancy", int(_one_value("redundancy", self.redundancy)))


def _one_value(name: str, value) -> np.ndarray:
    """``value`` checked against quantity ``name``'s interval, and a single number, else QuantityError."""
    checked = check_range(name, value)
    if checked.ndim:  # an array is valid for the broadcasting functions, not for one allocation
        raise QuantityError(
            f"{name} must be a single number in {describe_range(name)}; got {checked.size} values"
        )
    return checked


@dataclass(frozen=True)
class Programme:
    """A labelling programme: allocations across sources and how their labels are aggregated.

    Attributes
    ----------
    allocations : tuple of Allocation
        One per source.
    aggregation : {"pooled", "weighted", "oracle"}
        See :func:`mixture_p_align`.
    name : str
        Display name.
    """

    allocations: tuple[Allocation, ...]
    aggregation: str = "pooled"
    name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "allocations", tuple(self.allocations))
        if not self.allocations:
            raise ValueError("a programme needs at least one allocation")
        _check_choice("aggregation", self.aggregation, AGGREGATIONS)

    @property
    def labels(self) -> float:
        """Comparison items in the dataset, all sources together."""
        return float(sum(a.labels for a in self.allocations))

    def arrays(self) -> dict[str, np.ndarray]:
        """Per-source arrays (sources on the last axis) for :func:`mixture_p_align`."""
        return {
            "labels": np.array([a.labels for a in self.allocations]),
            "error_rate": np.array([a.source.error_rate for a in self.allocations]),
            "blind_spot": np.array([a.source.blind_spot for a in self.allocations]),
            "redundancy": np.array([a.redundancy for a in self.allocations], dtype=float),
        }


def programme_p_align(
    programme: Programme,
    *,
    method: str = "auto",
    classes: Sequence[CompetitorClass] | None = None,
    **threat: ArrayLike,
) -> MixtureResult | ClassesResult:
    """P_align of a :class:`Programme` (see :func:`mixture_p_align`, which takes the same keywords)."""
    if classes is not None:
        arrays = programme.arrays()
        return mixture_p_align(
            **arrays, aggregation=programme.aggregation, method=method, classes=classes, **threat
        )
    shared = check_shared_threat(threat)
    return mixture_p_align(**programme.arrays(), aggregation=programme.aggregation, method=method, **shared)


@dataclass(frozen=True)
class Cost(Result):
    """What a programme costs.

    Attributes
    ----------
    dollars : float or ndarray
        :math:`\\sum_s n_s r_s c_s`, US dollars.
    labeler_hours : float or ndarray
        :math:`\\sum_s n_s r_s t_s / 3600`, working hours of labelers.
    calendar_weeks : float or ndarray
        Weeks until the slowest source is done, sources working in parallel:
        :math:`\\max_s n_s r_s t_s / (3600 \\cdot \\text{workforce}_s \\cdot \\text{hours per week}_s)`.
    judgements : float or ndarray
        Individual labels collected, :math:`\\sum_s n_s r_s`.
    """

    dollars: FloatArray
    labeler_hours: FloatArray
    calendar_weeks: FloatArray
    judgements: FloatArray


#: The largest float: a cost beyond it is not a number the caller can use.
_LARGEST = float(np.finfo(float).max)


def _refuse_overflow(values: dict[str, np.ndarray], formula: str, inputs: dict[str, ArrayLike]) -> None:
    """QuantityError naming the cost that exceeds the largest float and the quantities it comes from.

    Each quantity is inside its own interval, but a product of several (1e12 labels at 1e308 dollars,
    a workforce of 5e-324 people) need not be a float; rather than an infinity (which JSON cannot
    hold) and NumPy's overflow warning, the caller learns which inputs to lower.
    """
    for name, value in values.items():
        bad = ~np.isfinite(value)
        if np.any(bad):
            shown = ", ".join(
                f"{key} {np.broadcast_to(np.asarray(v, dtype=float), bad.shape)[bad].flat[0]:g}"
                for key, v in inputs.items()
            )
            raise QuantityError(
                f"{name} = {formula} exceeds the largest number ({_LARGEST:.4g}) with {shown}; "
                "lower one of them"
            )


def source_cost(source: Source, labels: ArrayLike, redundancy: ArrayLike = DEFAULTS["redundancy"]) -> Cost:
    """Cost of ``labels`` items from one source at ``redundancy`` labelers each; broadcasts.

    Raises
    ------
    QuantityError
        Where a cost exceeds the largest float (each input in its interval, their product not),
        naming the cost and the quantities it is computed from.
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        judgements = np.asarray(labels, dtype=float) * np.asarray(redundancy, dtype=float)
        dollars = judgements * source.cost_per_label
        hours = judgements * source.seconds_per_label / 3600.0
        # Divided one at a time: workforce × hours per week may underflow to 0 where each is > 0.
        weeks = hours / source.workforce / source.hours_per_week
    inputs = {"labels": labels, "redundancy": redundancy}
    _refuse_overflow(
        {"dollars": dollars},
        "labels × redundancy × cost_per_label",
        {**inputs, "cost_per_label": source.cost_per_label},
    )
    timing = {**inputs, "seconds_per_label": source.seconds_per_label}
    _refuse_overflow({"labeler_hours": hours}, "labels × redundancy × seconds_per_label / 3600", timing)
    _refuse_overflow(
        {"calendar_weeks": weeks},
        "labeler_hours / (workforce × hours_per_week)",
        {**timing, "workforce": source.workforce, "hours_per_week": source.hours_per_week},
    )
    return Cost(
        dollars=dollars[()],
        labeler_hours=hours[()],
        calendar_weeks=weeks[()],
        judgements=judgements[()],
    )


def programme_cost(programme: Programme) -> Cost:
    """Dollars, labeler-hours and calendar weeks of a programme (sources in parallel).

    Raises
    ------
    QuantityError
        Where a source's cost, or the sum over sources, exceeds the largest float.
    """
    parts = [source_cost(a.source, a.labels, a.redundancy) for a in programme.allocations]
    # Python floats: each part is finite, but two near the largest float add up to infinity, which
    # NumPy's scalars would warn about and Python's do not; refused below.
    total = Cost(
        dollars=sum(float(p.dollars) for p in parts),
        labeler_hours=sum(float(p.labeler_hours) for p in parts),
        calendar_weeks=max(float(p.calendar_weeks) for p in parts),
        judgements=sum(float(p.judgements) for p in parts),
    )
    _refuse_overflow(
        {"dollars": total.dollars, "labeler_hours": total.labeler_hours},
        "the sum over the programme's sources",
        {"sources": len(parts)},
    )
    return total


@dataclass(frozen=True)
class Feasibility(Result):
    """How a programme compares with what real pipelines did, in orders of magnitude (OOM).

    Attributes
    ----------
    oom_vs_pipelines : dict of str to float
        log10(programme labels / pipeline comparisons) for each reference pipeline with a count
        (its geometric middle where the source gives a range); positive means more data.
    oom_beyond_rlhf_band : float
        How far the programme's labels lie above the top of "within 2 OOM of RLHF"
        (:data:`aliquant_core.anchors.RLHF_REFERENCE` × 100); ≤ 0 is inside.
    oom_beyond_few_hundred_hours : float
        log10(labeler-hours / 300): ≤ 0 is "under a few hundred hours of feedback".
    within_rlhf_band : bool
        Labels at most 100 × the RLHF reference.
    within_few_hundred_hours : bool
        Labeler-hours at most 300.
    """

    oom_vs_pipelines: dict[str, float]
    oom_beyond_rlhf_band: float
    oom_beyond_few_hundred_hours: float
    within_rlhf_band: bool
    within_few_hundred_hours: bool


def feasibility(labels: float, labeler_hours: float) -> Feasibility:
    """Distances in orders of magnitude from the reference pipelines and the seed's two goals.

    Parameters
    ----------
    labels : float
        Comparison items in the programme's dataset, > 0.
    labeler_hours : float
        The programme's labeler-hours, > 0.

    Notes
    -----
    The goals quoted in the seed discussion: "quantity within 2 OOM of RLHF" and "under a few hundred
    hours of feedback" (taken as 300 hours, :data:`aliquant_core.anchors.FEW_HUNDRED_HOURS`).
    """
    labels = max(float(labels), 1e-300)
    labeler_hours = max(float(labeler_hours), 1e-300)
    vs = {
        p.name: float(np.log10(labels / p.comparisons))
        for p in REFERENCE_PIPELINES
        if p.comparisons is not None
    }
    beyond_band = float(np.log10(labels / (RLHF_REFERENCE.comparisons * 100.0)))
    beyond_hours = float(np.log10(labeler_hours / FEW_HUNDRED_HOURS))
    return Feasibility(vs, beyond_band, beyond_hours, beyond_band <= 0.0, beyond_hours <= 0.0)
