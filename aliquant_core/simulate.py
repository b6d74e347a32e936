r"""Checking the model against its own assumptions: direct simulation, and a real learner beside counting.

Three checks (model brief, "Checking the model against its own assumptions"), each with a
verdict only where it can fail (:func:`check`: "agrees", "disagrees" or "unresolvable"), and
:func:`resolvable_point`, a point near a scenario at which a simulation of a given size can resolve
the check:

* :func:`simulate_p_align` draws the labelling process as the model states it, for one source:
  for each of a competitor's :math:`m` informative labels whether it lies in a blind spot
  (chance :math:`h`) and whether the labelers get it right, and counts. Its estimate of
  :math:`P_1` (with a Wilson interval) must contain the analytic value of
  :func:`aliquant_core.p_align`. One variant draws :math:`m \sim \operatorname{Binomial}(N, f)`
  instead of fixing :math:`m = \operatorname{round}(fN)`, to show what that simplification costs.
* :func:`simulate_mixture` does the same for several sources, pooled, reliability-weighted or
  with the oracle bound's weights, against :func:`aliquant_core.mixture_p_align`.
* :func:`bradley_terry_check` fits a Bradley–Terry reward model to simulated comparisons over
  simple features (majority-voted labels at redundancy :math:`r`, as counting has them) and
  reports how often the learned reward ranks the aligned policy above a competitor, beside the
  counting model's :math:`P_1`. The learner is told which comparisons are blind spots: it tests
  averaging log-odds against counting votes, not generalisation.

Counts are drawn as binomials wherever that is exact (the labels of one group are independent
and identically distributed), so a trial costs a few random numbers whatever :math:`N` is; the
per-labeler path draws every item and every vote, for small :math:`m`. Everything is vectorised
over trials with a NumPy ``Generator``, so a seed fixes every number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special, stats

from . import _math
from ._results import Result
from ._types import ArrayLike
from ._validation import check_range, resolve_error_rate
from .model import _align_from_logs, p_align
from .programme import AGGREGATIONS, _aggregation_weights, _check_choice, mixture_p_align
from .quantities import DEFAULTS, QUANTITIES, check_threat, takes_assumptions
from .sources import redundant_error_rate, redundant_fooled_rate

__all__ = [
    "INFORMATIVE",
    "RESOLUTION",
    "VERDICTS",
    "BradleyTerryResult",
    "Check",
    "Estimate",
    "ResolvablePoint",
    "SimulationResult",
    "bradley_terry_check",
    "check",
    "per_labeler_draws",
    "resolvable_point",
    "simulate_mixture",
    "simulate_p_align",
    "wilson_interval",
]

#: How the number of informative labels is set: the model's round(f·N), or drawn Binomial(N, f).
INFORMATIVE = ("fixed", "binomial")

#: Confidence of the Wilson intervals the simulations report.
CONFIDENCE = 0.99

#: The relative change δ in the tail of P₁ (1 − P₁ where P₁ ≥ ½, else P₁) that a check must be able
#: to see: a verdict is given only where the interval is narrower than the distance from the
#: analytic value to the values with that tail times 1 − δ and 1 + δ (see :func:`check`).
RESOLUTION = 0.25

#: What a check can conclude: the analytic value inside a resolving interval, outside the
#: interval, or inside an interval too wide to tell it from a meaningfully different value.
VERDICTS = ("agrees", "disagrees", "unresolvable")

#: The smallest tail of P₁ the resolvable point aims at (P₁ ≈ 0.9 or 0.1): more trials do not move
#: it closer to 0 or 1, where P_align stops depending on the details.
_LEAST_AIMED_TAIL = 0.1

#: Largest K_eff for which P_align is also simulated directly, K_eff competitors per trial.
DIRECT_COMPETITORS_LIMIT = 64

#: Most random draws one simulation may make on the per-labeler (or Bradley–Terry) path.
MAX_ELEMENTS = 200_000_000

#: Elements per block on the per-labeler path (bounds the memory of one block to tens of MB).
_BLOCK_ELEMENTS = 1 << 21

#: Relative size below which a weighted score counts as a tie.
_WEIGHTED_TIE = 1e-9

#: Ridge penalty of the Bradley–Terry fit, λ in λ/2·‖θ‖² (a normal prior on θ with standard deviation 10).
BT_RIDGE = 0.01


@dataclass(frozen=True)
class Estimate(Result):
    """A simulated probability with its Wilson interval.

    Attributes
    ----------
    value : float
        The estimate (share of successes, ties counting half).
    low, high : float
        The Wilson score interval at :data:`CONFIDENCE` (99%) unless stated otherwise.
    trials : int
        Simulated trials behind it.
    """

    value: float
    low: float
    high: float
    trials: int

    def contains(self, value: float) -> bool:
        """Whether ``value`` lies in the closed interval [low, high]."""
        return bool(self.low <= value <= self.high)


@dataclass(frozen=True)
class Check(Result):
    """One analytic value against a simulated estimate, with a verdict only where it can fail.

    Attributes
    ----------
    name : str
        What is checked (``"P1"``, ``"P_align"``, ``"P_align direct"``, ``"counting P1"``).
    estimate : Estimate
        The simulated value and its interval.
    analytic : float
        The model's value.
    perturbed : tuple of float
        The analytic value recomputed with the tail of :math:`P_1` (:math:`1 - P_1` where
        :math:`P_1 \\ge \\tfrac12`, else :math:`P_1`) times :math:`1 - \\delta` and
        :math:`1 + \\delta`, :math:`\\delta` = :data:`RESOLUTION`, on the same scale.
    log10_tail : float
        :math:`\\log_{10}` of the tail of the analytic :math:`P_1`.
    resolution_gap : float
        The smaller distance from ``analytic`` to a ``perturbed`` value: the interval must be
        narrower than this to resolve.
    inside : bool
        Whether ``analytic`` lies in the estimate's interval.
    verdict : str
        One of :data:`VERDICTS`.
    reason : str
        The verdict in words, with the numbers behind it.
    """

    name: str
    estimate: Estimate
    analytic: float
    perturbed: tuple[float, float]
    log10_tail: float
    resolution_gap: float
    inside: bool
    verdict: str
    reason: str

    @property
    def resolvable(self) -> bool:
        """Whether the interval is narrower than :attr:`resolution_gap`."""
        return bool(self.estimate.high - self.estimate.low < self.resolution_gap)


def check(
    name: str,
    estimate: Estimate,
    analytic: float,
    *,
    p_single: float,
    log10_tail: float,
    log_competitors: float = 0.0,
    resolution: float = RESOLUTION,
) -> Check:
    r"""Judge ``analytic`` against ``estimate``: agrees, disagrees, or cannot be resolved.

    Parameters
    ----------
    name : str
        What is checked, for the reason's wording.
    estimate : Estimate
        The simulated value with its interval.
    analytic : float
        The model's value on the estimate's scale: :math:`P_1` itself (``log_competitors`` = 0)
        or :math:`P_1^{K_\text{eff}}`.
    p_single : float
        The model's :math:`P_1`, which decides the side of the tail.
    log10_tail : float
        :math:`\log_{10}` of the tail of :math:`P_1`: :math:`1 - P_1` where :math:`P_1 \ge \tfrac12`
        (the model's ``log10_single_failure``, accurate where :math:`1 - P_1` underflows), else
        :math:`P_1`. :math:`-\infty` where the tail is 0.
    log_competitors : float, default 0
        :math:`\ln K_\text{eff}` of the scale (0 for :math:`P_1`).
    resolution : float, default :data:`RESOLUTION`
        :math:`\delta`, in (0, 1).

    Returns
    -------
    Check

    Notes
    -----
    With :math:`t` the tail of :math:`P_1` and :math:`g(t)` the checked quantity
    (:math:`(1 - t)^{K_\text{eff}}` or :math:`t^{K_\text{eff}}`), the values a meaningfully different
    model would give are :math:`g(t(1 \mp \delta))`, and the interval :math:`[\ell, u]` resolves
    the check when

    .. math:: u - \ell < \min\bigl(|g(t) - g(t(1 - \delta))|,\ |g(t(1 + \delta)) - g(t)|\bigr).

    Then an interval that holds the analytic value holds neither perturbed value, and one that
    holds a perturbed value misses the analytic one: the check can fail. The verdict is
    ``"disagrees"`` where the analytic value lies outside the interval (a failure is informative
    however wide the interval), ``"agrees"`` where it lies inside a resolving interval, and
    ``"unresolvable"`` otherwise, never a pass. At the default programme (:math:`1 - P_1 \approx
    10^{-21}`, :math:`K_\text{eff} = 10^{20}`, 20,000 trials) the interval for :math:`P_1` is
    :math:`[0.99967, 1]` and that for :math:`P_\text{align}` is :math:`[0, 1]`: both unresolvable.
    The tail is perturbed rather than :math:`P_1`, since the tail is what
    :math:`P_\text{align} = P_1^{K_\text{eff}}` depends on; working with its logarithm keeps tails
    far below 1e-300 exact.
    """
    if not 0.0 < resolution < 1.0:
        raise ValueError(f"resolution must be in (0, 1); got {resolution!r}")
    upper_side = p_single >= 0.5

    def scaled(factor: float) -> float:
        """The checked quantity with the tail of P₁ times ``factor``."""
        log_tail = np.asarray(log10_tail * _math.LN10 + math.log(factor))
        with np.errstate(divide="ignore", invalid="ignore"):
            log_rest = np.log1p(-np.exp(log_tail))
        log_single, log_failure = (log_rest, log_tail) if upper_side else (log_tail, log_rest)
        return float(_align_from_logs(log_single, log_failure, log_competitors)[0])

    centre, lower, upper = scaled(1.0), scaled(1.0 - resolution), scaled(1.0 + resolution)
    gap = min(abs(centre - lower), abs(upper - centre))
    width = estimate.high - estimate.low
    inside = estimate.contains(analytic)
    span = f"[{estimate.low:.6g}, {estimate.high:.6g}]"
    tail_name = "1 − P₁" if upper_side else "P₁"
    if not math.isfinite(log10_tail):  # P₁ exactly 0 or 1: no relative change moves it
        tail_text = f"{tail_name} = 0, which no relative change moves"
    elif log10_tail > -300:
        tail_text = f"{tail_name} = {10.0**log10_tail:.3g}"
    else:
        tail_text = f"{tail_name} = 10^{log10_tail:.4g}"
    if not inside:
        verdict = "disagrees"
        reason = f"{name}: the analytic {analytic:.6g} lies outside the simulated interval {span}"
    elif width < gap:
        verdict = "agrees"
        reason = (
            f"{name}: the analytic {analytic:.6g} lies inside the simulated interval {span}, which "
            f"would exclude the values with {tail_name} changed by {resolution:.0%} "
            f"({lower:.6g}, {upper:.6g})"
        )
    else:
        verdict = "unresolvable"
        reason = (
            f"{name}: cannot resolve: the interval spans {span} (width {width:.3g}), so it cannot "
            f"tell the analytic {analytic:.6g} ({tail_text}) from the values with {tail_name} changed "
            f"by {resolution:.0%} ({lower:.6g}, {upper:.6g}; gap {gap:.3g})"
        )
    return Check(
        name, estimate, float(analytic), (lower, upper), float(log10_tail), gap, inside, verdict, reason
    )


def _overall(checks: Sequence[Check]) -> tuple[str, str]:
    """One verdict over several checks: any disagreement; else agreement if any check resolves."""
    verdicts = [c.verdict for c in checks]
    if "disagrees" in verdicts:
        verdict = "disagrees"
    elif "agrees" in verdicts:
        verdict = "agrees"
    else:
        verdict = "unresolvable"
    return verdict, "; ".join(c.reason for c in checks)


@dataclass(frozen=True)
class SimulationResult(Result):
    """A simulated P₁ and P_align beside the model's analytic values, with verdicts.

    Attributes
    ----------
    p_single : Estimate
        :math:`P_1`, the share of trials in which the data favours the aligned policy over one
        competitor (ties half).
    p_align : Estimate
        :math:`\\hat P_1^{K_\\text{eff}}`, with the interval's endpoints transformed the same way
        (the transform is monotone, so the interval keeps its confidence).
    p_align_direct : Estimate or None
        :math:`P_\\text{align}` simulated directly, :math:`K_\\text{eff}` independent competitors
        per trial, where :math:`K_\\text{eff}` is a whole number up to
        :data:`DIRECT_COMPETITORS_LIMIT`; otherwise None.
    analytic_p_single, analytic_p_align : float
        The model's values (:func:`aliquant_core.p_align` or
        :func:`aliquant_core.mixture_p_align`).
    p_single_check, p_align_check : Check
        Each analytic value against its simulated interval (:func:`check`): ``"agrees"`` only
        where the interval could have told it from a meaningfully different value.
    p_align_direct_check : Check or None
        The same for the direct simulation, None where there is none.
    verdict : str
        Over the checks: ``"disagrees"`` if any disagrees, else ``"agrees"`` if any resolves,
        else ``"unresolvable"`` (one of :data:`VERDICTS`).
    reason : str
        Each check's reason.
    label_win_prob : float or ndarray
        :math:`q` (per source for a mixture).
    informative_labels : float or ndarray
        The model's :math:`m = \\operatorname{round}(fN)` (per source for a mixture); with
        ``informative="binomial"`` the simulation draws it instead.
    effective_competitors_log10 : float
        :math:`\\log_{10} K_\\text{eff}`.
    informative : str
        ``"fixed"`` or ``"binomial"``.
    per_labeler : bool
        Whether every labeler's vote was drawn (:func:`simulate_p_align`).
    seed : int or None
        The seed of the random generator.
    """

    p_single: Estimate
    p_align: Estimate
    p_align_direct: Estimate | None
    analytic_p_single: float
    analytic_p_align: float
    p_single_check: Check
    p_align_check: Check
    p_align_direct_check: Check | None
    verdict: str
    reason: str
    label_win_prob: float | np.ndarray
    informative_labels: float | np.ndarray
    effective_competitors_log10: float
    informative: str
    per_labeler: bool
    seed: int | None

    @property
    def agrees(self) -> bool:
        """Whether the verdict is ``"agrees"``: no check disagrees and at least one resolves."""
        return self.verdict == "agrees"

    @property
    def checks(self) -> tuple[Check, ...]:
        """The checks behind the verdict."""
        return tuple(c for c in (self.p_single_check, self.p_align_check, self.p_align_direct_check) if c)


@dataclass(frozen=True)
class ResolvablePoint(Result):
    """A point near a scenario at which a simulation of ``trials`` datasets can resolve the check.

    Attributes
    ----------
    labels : float
        :math:`N` there (the other quantities of label quality and blind spots are the scenario's).
    competitors_log10 : float
        :math:`\\log_{10} K` there, :math:`K` a whole number up to
        :data:`DIRECT_COMPETITORS_LIMIT` (so P_align is also drawn competitor by competitor).
    prior_bits : float
        0: :math:`K_\\text{eff} = K`.
    p_single, p_align : float
        The model's values there.
    aimed_tail : float
        The tail of :math:`P_1` aimed at.
    reason : str
        Why this point, in words.
    """

    labels: float
    competitors_log10: float
    prior_bits: float
    p_single: float
    p_align: float
    aimed_tail: float
    reason: str


@dataclass(frozen=True)
class BradleyTerryResult(Result):
    """How often a fitted Bradley–Terry reward ranks the aligned policy first, beside counting.

    Attributes
    ----------
    ranked_above : Estimate
        Share of simulated datasets whose learned reward ranks the aligned policy above the
        competitor (ties half), with its Wilson interval.
    counting_p_single : float
        The counting model's analytic :math:`P_1` (:func:`aliquant_core.p_align`).
    counting_simulated : Estimate
        The counting rule (majority of the informative labels) on the very same datasets.
    counting_check : Check
        ``counting_p_single`` against ``counting_simulated`` (:func:`check`): the check of this
        result with a verdict. The learner has no exact analytic value to be checked against
        (``learner_normal_approximation`` is an approximation), so it has none.
    learned_p_align : Estimate
        ``ranked_above`` raised to :math:`K_\\text{eff}` (interval endpoints too), competitors
        independent.
    counting_p_align : float
        The counting model's analytic :math:`P_\\text{align}`.
    learner_normal_approximation : float
        The large-sample normal approximation of ``ranked_above`` (see
        :func:`bradley_terry_check`), accurate near the knife-edge.
    mean_coefficients : ndarray
        Mean fitted :math:`(\\theta_0, \\theta_1, \\theta_2)` over the datasets.
    limit_coefficients : ndarray
        Their large-sample limit :math:`(\\operatorname{logit}(1 - \\varepsilon_r),
        -2\\operatorname{logit}(1 - \\varepsilon_r), 0)` (infinite at :math:`\\varepsilon_r = 0`).
    blind_share : float
        :math:`h`.
    informative_labels : float
        :math:`m`, comparisons per dataset.
    redundancy : int
        :math:`r`, labelers per comparison (majority vote).
    vote_error_rate : float
        :math:`\\varepsilon_r`, the majority's error outside blind spots.
    ridge : float
        :math:`\\lambda` of the penalty :math:`\\tfrac\\lambda2\\lVert\\theta\\rVert^2`.
    converged : bool
        Whether L-BFGS-B reported convergence.
    seed : int or None
        The seed of the random generator.
    """

    ranked_above: Estimate
    counting_p_single: float
    counting_simulated: Estimate
    counting_check: Check
    learned_p_align: Estimate
    counting_p_align: float
    learner_normal_approximation: float
    mean_coefficients: np.ndarray
    limit_coefficients: np.ndarray
    blind_share: float
    informative_labels: float
    redundancy: int
    vote_error_rate: float
    ridge: float
    converged: bool
    seed: int | None


def wilson_interval(successes: ArrayLike, trials: ArrayLike, confidence: float = CONFIDENCE):
    r"""Wilson score interval for a binomial proportion.

    Parameters
    ----------
    successes : array_like
        Successes, in [0, trials]; need not be whole (ties counted as half a success).
    trials : array_like
        Trials, > 0. Broadcasts against ``successes``.
    confidence : float, default 0.99
        Two-sided confidence, in (0, 1).

    Returns
    -------
    low, high : float or ndarray
        The interval's endpoints, in [0, 1].

    Raises
    ------
    ValueError
        If ``trials`` is not positive, ``successes`` is outside [0, trials] or ``confidence`` is
        outside (0, 1).

    Notes
    -----
    With :math:`\hat p = s/n` and :math:`z = \Phi^{-1}(1 - \alpha/2)`, :math:`\alpha = 1 -`
    ``confidence``, the interval is the set of :math:`p` whose score test does not reject:

    .. math::

        \frac{\hat p + z^2/(2n) \pm z\sqrt{\hat p(1 - \hat p)/n + z^2/(4n^2)}}{1 + z^2/n}.

    Unlike the Wald interval it stays inside [0, 1] and keeps its coverage near 0 and 1, where
    the simulated tails of :math:`P_1` live.

    References
    ----------
    .. [1] E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
       Journal of the American Statistical Association 22, 1927.
    .. [2] R. G. Newcombe, "Two-sided confidence intervals for the single proportion: comparison
       of seven methods", Statistics in Medicine 17, 1998.

    Examples
    --------
    Newcombe's (1998) example, 81 successes in 263 trials at 95%:

    >>> low, high = wilson_interval(81, 263, confidence=0.95)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2553, 0.3662)
    """
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    if not 0.0 < float(confidence) < 1.0:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")
    if np.any(~np.isfinite(trials) | (trials <= 0)):
        raise ValueError("trials must be in (0, ∞)")
    if np.any(~np.isfinite(successes) | (successes < 0) | (successes > trials)):
        raise ValueError("successes must be in [0, trials]")
    z = stats.norm.isf((1.0 - float(confidence)) / 2.0)
    share = successes / trials
    z2n = z * z / trials
    centre = (share + z2n / 2.0) / (1.0 + z2n)
    half = z * np.sqrt(share * (1.0 - share) / trials + z2n / (4.0 * trials)) / (1.0 + z2n)
    return np.clip(centre - half, 0.0, 1.0)[()], np.clip(centre + half, 0.0, 1.0)[()]


def _estimate(successes: float, trials: int) -> Estimate:
    low, high = wilson_interval(successes, trials)
    return Estimate(float(successes / trials), float(low), float(high), int(trials))


def _power(estimate: Estimate, log_competitors: float) -> Estimate:
    """P ↦ P^K_eff applied to an estimate and its endpoints, in log space (K_eff up to 1e300)."""

    def power(p: float) -> float:
        with np.errstate(divide="ignore"):
            log_single, log_failure = np.log(p), np.log1p(-p)
        return float(_align_from_logs(np.asarray(log_single), np.asarray(log_failure), log_competitors)[0])

    return Estimate(power(estimate.value), power(estimate.low), power(estimate.high), estimate.trials)


def _scalar(name: str, value, *, whole: bool = False) -> float:
    array = check_range(name, value, whole=whole)
    if array.ndim:
        raise ValueError(
            f"{name} must be a single number (a simulation runs one scenario); got shape {array.shape}"
        )
    return float(array)


def _scenario(labels, error_rate, agreement, threat, *, whole: bool = False) -> dict[str, float]:
    """One scenario's labels, error rate and threat (table defaults filled in), each a checked scalar."""
    given = {"labels": labels, "error_rate": resolve_error_rate(error_rate, agreement)}
    given.update(check_threat(threat))
    return {name: _scalar(name, value, whole=whole and name == "labels") for name, value in given.items()}


def _check_trials(trials) -> int:
    if not (float(trials) == int(trials) and int(trials) >= 1):
        raise ValueError(f"trials must be a whole number ≥ 1; got {trials!r}")
    return int(trials)


def _whole_competitors(log_competitors: float) -> int | None:
    """K_eff as an int where it is a whole number up to DIRECT_COMPETITORS_LIMIT, else None."""
    competitors = math.exp(log_competitors)
    nearest = round(competitors)
    if competitors <= DIRECT_COMPETITORS_LIMIT + 0.5 and abs(competitors - nearest) <= 1e-9 * nearest:
        return int(nearest)
    return None


def per_labeler_draws(labels: float, footprint: float, redundancy: int, trials: int) -> float:
    """Random draws of the per-labeler path with fixed m = round(f·N): trials · m · (1 + r).

    The path refuses more than :data:`MAX_ELEMENTS`; with m ~ Binomial(N, f) it counts the largest
    m drawn, so it can be refused somewhat earlier.
    """
    return float(trials) * float(_math.informative_labels(labels, footprint)) * (1.0 + float(redundancy))


def _draw_informative(rng, shape, labels, footprint, informative):
    """m per trial: round(f·N) (the model) or Binomial(N, f)."""
    if informative == "fixed":
        return np.full(shape, _math.informative_labels(labels, footprint), dtype=np.int64)
    return rng.binomial(np.int64(labels), footprint, size=shape)


def _draw_wins_counts(rng, informative, blind, vote_error, vote_fooled):
    """W per trial by counts: n_in ~ Bin(m, h); right are (m − n_in) − Bin(m − n_in, ε_r) outside
    and n_in − Bin(n_in, φ_r) inside blind spots."""
    inside = rng.binomial(informative, blind)
    outside = informative - inside
    return outside - rng.binomial(outside, vote_error) + inside - rng.binomial(inside, vote_fooled)


def _draw_wins_labelers(rng, informative, blind, error_rate, fooled_rate, redundancy):
    """W per trial drawn item by item and vote by vote (blocks of trials bound the memory)."""
    flat = informative.ravel()
    width = int(flat.max(initial=0))
    wins = np.zeros(flat.shape, dtype=np.int64)
    if width == 0:
        return wins.reshape(informative.shape)
    rows = max(1, _BLOCK_ELEMENTS // width)
    column = np.arange(width)
    for start in range(0, flat.size, rows):  # blocks of trials, each vectorised
        m = flat[start : start + rows, None]
        shape = (m.shape[0], width)
        in_blind = rng.random(shape) < blind
        # Each labeler errs independently: with chance ε on an ordinary item, φ inside a blind spot.
        wrong = rng.binomial(int(redundancy), np.where(in_blind, fooled_rate, error_rate))
        aligned_votes = int(redundancy) - wrong
        twice = 2 * aligned_votes
        right = (twice > redundancy) | ((twice == redundancy) & (rng.random(shape) < 0.5))
        wins[start : start + rows] = np.sum(right & (column < m), axis=1)
    return wins.reshape(informative.shape)


@takes_assumptions
def simulate_p_align(
    labels: float,
    error_rate: float | None = None,
    *,
    agreement: float | None = None,
    redundancy: int = DEFAULTS["redundancy"],
    trials: int = 20_000,
    seed: int | None = 0,
    informative: str = "fixed",
    per_labeler: bool = False,
    **threat: float,
) -> SimulationResult:
    r"""Simulate the labelling process of one source and compare with the analytic P₁ and P_align.

    Parameters
    ----------
    labels : float
        :math:`N` (a whole number with ``informative="binomial"``).
    error_rate, agreement : float
        As in :func:`aliquant_core.p_align` (exactly one of them). Scalars, as every argument: a
        simulation runs one scenario.
    redundancy : int
        :math:`r` labelers per item, majority vote with coin-flip ties; defaults to the table's.
    trials : int, default 20,000
        Simulated datasets.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`; the same seed gives the same numbers.
    informative : {"fixed", "binomial"}
        ``"fixed"``: :math:`m = \operatorname{round}(fN)`, as the model. ``"binomial"``:
        :math:`m \sim \operatorname{Binomial}(N, f)` per trial (each of the :math:`N` situations
        is in the footprint independently), the variant that shows what fixing :math:`m` costs.
    per_labeler : bool, default False
        Draw every item (blind spot or not) and every labeler's vote (wrong with chance
        :math:`\varepsilon`), take the majority, and count, instead of drawing counts through
        :math:`\varepsilon_r`. Exact too, and a check of the :math:`\varepsilon_r` formula, but
        its cost grows with :math:`m`: for small :math:`m` (at most ``MAX_ELEMENTS`` draws).
    **threat
        The threat quantities (:data:`aliquant_core.THREAT`), by name; each defaults to its value
        in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        If an argument is outside its range (the message states it), or the per-labeler path
        would need more than ``MAX_ELEMENTS`` draws.

    Notes
    -----
    Per trial, with :math:`h = \sigma + \chi(\min(1, \sigma/f) - \sigma)` and :math:`\varepsilon_r`
    the error of a majority of :math:`r` (:func:`aliquant_core.redundant_error_rate`), the
    counts path draws

    .. math::

        n_\text{in} \sim \operatorname{Bin}(m, h), \quad
        W = (m - n_\text{in}) - \operatorname{Bin}(m - n_\text{in}, \varepsilon_r)
            + \operatorname{Bin}(n_\text{in}, \varepsilon_r),

    which is exactly the distribution of the number of informative labels that prefer the
    aligned behaviour when each lies in a blind spot with chance :math:`h` and is right with
    chance :math:`1 - \varepsilon_r` outside one and :math:`\varepsilon_r` inside. The estimate
    of :math:`P_1` is the mean of :math:`\mathbb 1[W > m/2] + \tfrac12\mathbb 1[W = m/2]`, its
    Wilson interval (99%) computed with successes = wins + ½ ties.

    :math:`P_\text{align}` cannot be simulated for :math:`K_\text{eff}` up to :math:`10^{300}`:
    with independent competitors :math:`P_\text{align} = P_1^{K_\text{eff}}`, so the reported
    ``p_align`` is that monotone transform of the :math:`P_1` estimate and of its interval's
    endpoints, and is only as good as the independence it assumes. Where :math:`K_\text{eff}`
    is a whole number up to :data:`DIRECT_COMPETITORS_LIMIT`, ``p_align_direct`` also draws
    :math:`K_\text{eff}` independent competitors per trial (counts path, ties a coin flip) and
    counts the trials in which the data favours the aligned policy over all of them.

    With ``informative="binomial"`` the analytic values are still the model's (fixed
    :math:`m`): whether they fall in the interval is the question the variant asks. The
    difference is of order 1e-3 in :math:`P_1` at :math:`N` in the hundreds to thousands (it
    comes mostly from the parity of :math:`m`: an even jury does only as well as the odd one
    below it); see tests/test_simulate.py for a measured case.

    References
    ----------
    .. [1] N. de Condorcet, *Essai sur l'application de l'analyse à la probabilité des décisions
       rendues à la pluralité des voix*, 1785.
    .. [2] V. S. Sheng, F. Provost and P. G. Ipeirotis, "Get another label? Improving data
       quality and data mining using multiple, noisy labelers", KDD 2008.

    Each analytic value gets a verdict (:func:`check`): ``"agrees"`` only where its interval is
    narrow enough that a model with the tail of :math:`P_1` changed by :data:`RESOLUTION` would
    have fallen outside; where 1 − P₁ is far below 1/``trials`` (the default programme: 1e-21
    against 20,000 trials) the verdict is ``"unresolvable"``, and :func:`resolvable_point` gives a
    nearby point at which the check can fail.

    The per-labeler path draws P₁'s trials vote by vote; the direct P_align, where there is one,
    is drawn by counts (the same distribution, at K_eff times the cost).

    Examples
    --------
    >>> result = simulate_p_align(1000, 0.3, blind_spot=0.05, footprint=0.1, exploitation=1,
    ...                           competitors_log10=0, trials=20_000)
    >>> result.verdict, result.p_single_check.verdict
    ('agrees', 'agrees')
    """
    _check_choice("informative", informative, INFORMATIVE)
    v = _scenario(labels, error_rate, agreement, threat, whole=informative == "binomial")
    labels, error_rate, footprint = v.pop("labels"), v.pop("error_rate"), v["footprint"]
    redundancy = _scalar("redundancy", redundancy)
    trials = _check_trials(trials)

    vote_error = float(redundant_error_rate(error_rate, redundancy))
    fooled_rate = v["fooled_rate"]
    vote_fooled = float(redundant_fooled_rate(fooled_rate, redundancy))
    analytic = p_align(labels, vote_error, **{**v, "fooled_rate": vote_fooled})
    blind = float(analytic.blind_share)
    log_competitors = float(_math.log_effective_competitors(v["competitors_log10"], v["prior_bits"]))
    rng = np.random.default_rng(seed)

    def favoured(shape, by_labeler=False):
        """1, ½ or 0 as the data favours the aligned policy, the competitor or neither, per trial."""
        m = _draw_informative(rng, shape, labels, footprint, informative)
        if not by_labeler:
            wins = _draw_wins_counts(rng, m, blind, vote_error, vote_fooled)
        elif trials * int(m.max(initial=0)) * (1 + int(redundancy)) > MAX_ELEMENTS:
            raise ValueError(
                f"per_labeler draws trials·m·(1 + r) values, at most {MAX_ELEMENTS:,}; use fewer trials "
                "or labels, or the counts path"
            )
        else:
            wins = _draw_wins_labelers(rng, m, blind, error_rate, fooled_rate, redundancy)
        return np.where(2 * wins > m, 1.0, np.where(2 * wins == m, 0.5, 0.0))

    single = favoured((trials,), per_labeler)
    return _compare(
        single, favoured, rng, log_competitors, analytic, informative, seed, per_labeler=per_labeler
    )


def _compare(single, favoured, rng, log_competitors, analytic, informative, seed, *, per_labeler=False):
    """The simulated P₁ from the outcomes of ``single``, beside ``analytic``'s, with verdicts.

    Where :math:`K_\\text{eff}` is a whole number up to :data:`DIRECT_COMPETITORS_LIMIT`,
    ``favoured((trials, K_eff))`` draws that many independent competitors per trial, ties a coin
    flip, for P_align directly.
    """
    trials = single.size
    direct = None
    competitors = _whole_competitors(log_competitors)
    if competitors is not None:
        outcome = favoured((trials, competitors))
        beaten = (outcome == 1.0) | ((outcome == 0.5) & (rng.random(outcome.shape) < 0.5))
        direct = _estimate(float(np.sum(np.all(beaten, axis=1))), trials)
    single = _estimate(float(np.sum(single)), trials)
    aligned = _power(single, log_competitors)
    p_single, p_align_value = float(analytic.p_single), float(analytic.p_align)
    tail = {"p_single": p_single, "log10_tail": _log10_tail(analytic)}
    checks = (
        check("P1", single, p_single, **tail),
        check("P_align", aligned, p_align_value, **tail, log_competitors=log_competitors),
        None
        if direct is None
        else check("P_align direct", direct, p_align_value, **tail, log_competitors=log_competitors),
    )
    verdict, reason = _overall([c for c in checks if c is not None])
    return SimulationResult(
        p_single=single,
        p_align=aligned,
        p_align_direct=direct,
        analytic_p_single=p_single,
        analytic_p_align=p_align_value,
        p_single_check=checks[0],
        p_align_check=checks[1],
        p_align_direct_check=checks[2],
        verdict=verdict,
        reason=reason,
        label_win_prob=np.asarray(analytic.label_win_prob, dtype=float)[()],
        informative_labels=np.asarray(analytic.informative_labels, dtype=float)[()],
        effective_competitors_log10=log_competitors / _math.LN10,
        informative=informative,
        per_labeler=bool(per_labeler),
        seed=seed,
    )


def _log10_tail(analytic) -> float:
    """log₁₀ of the tail of the analytic P₁: 1 − P₁ (kept accurate by the model) where P₁ ≥ ½, else P₁."""
    p_single = float(analytic.p_single)
    if p_single >= 0.5:
        return float(analytic.log10_single_failure)
    with np.errstate(divide="ignore"):
        return float(np.log10(p_single))


def simulate_mixture(
    labels: ArrayLike,
    error_rate: ArrayLike,
    blind_spot: ArrayLike,
    *,
    redundancy: ArrayLike = DEFAULTS["redundancy"],
    aggregation: str = "pooled",
    trials: int = 20_000,
    seed: int | None = 0,
    informative: str = "fixed",
    **threat: float,
) -> SimulationResult:
    r"""Simulate labels from several sources and compare with :func:`aliquant_core.mixture_p_align`.

    Parameters
    ----------
    labels, error_rate, blind_spot, redundancy : array_like
        Per source, one axis over sources: :math:`n_s`, :math:`\varepsilon_s`, :math:`\sigma_s`
        and :math:`r_s`, each in its interval in :data:`aliquant_core.QUANTITIES`.
    aggregation : {"pooled", "weighted", "oracle"}
        See :func:`aliquant_core.mixture_p_align`; the weights are the same as there.
    trials, seed, informative
        As in :func:`simulate_p_align`.
    **threat
        The other threat quantities (:data:`aliquant_core.THREAT`), by name, scalars; each
        defaults to its value in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    SimulationResult
        ``label_win_prob`` and ``informative_labels`` per source.

    Notes
    -----
    Per trial and source, :math:`W_s` is drawn by counts as in :func:`simulate_p_align`, with
    :math:`h_s` from the source's own :math:`\sigma_s` (nested blind spots) and
    :math:`\varepsilon_{r,s}`; sources label different items, so they are independent. The
    score is

    .. math:: S = \sum_s w_s (W_s - L_s) = \sum_s w_s (2W_s - m_s),

    with the weights :func:`aliquant_core.mixture_p_align` uses: :math:`w_s = 1` (pooled),
    :math:`w_s = \ln(\bar q_s/(1 - \bar q_s))` with :math:`\bar q_s` the source's reliability on
    ordinary items (weighted), or :math:`w_s = \ln(q_s/(1 - q_s))` (the oracle bound; a negative
    weight reads a source backwards). The estimate of :math:`P_1` is the mean of
    :math:`\mathbb 1[S > 0] + \tfrac12\mathbb 1[S = 0]`. A weighted score counts as a tie when
    :math:`|S| < 10^{-9}\sum_s |w_s| m_s` (rounding in the weighted sum). A source of infinite
    weight (reliability 0 or 1) decides alone.
    :math:`P_\text{align}` as in :func:`simulate_p_align`. The analytic value comes from
    ``mixture_p_align(method="auto")``, which uses a saddlepoint approximation for large counts
    (relative error in :math:`1 - P_1` up to a few per cent, see its notes).

    References
    ----------
    .. [1] S. Nitzan and J. Paroush, "Optimal decision rules in uncertain dichotomous choice
       situations", International Economic Review 23, 1982.
    """
    _check_choice("aggregation", aggregation, AGGREGATIONS)
    _check_choice("informative", informative, INFORMATIVE)
    labels, error_rate, blind_spot, redundancy = np.broadcast_arrays(
        check_range("labels", labels, whole=informative == "binomial"),
        check_range("error_rate", error_rate),
        check_range("blind_spot", blind_spot),
        check_range("redundancy", redundancy),
    )
    if labels.ndim != 1:
        raise ValueError(
            "labels, error_rate, blind_spot and redundancy must have one axis, over sources; "
            f"got shape {labels.shape}"
        )
    # Each source has its own blind spot; the rest of the threat is shared.
    shared = {name: _scalar(name, value) for name, value in check_threat(threat).items()}
    del shared["blind_spot"]
    trials = _check_trials(trials)

    analytic = mixture_p_align(
        labels, error_rate, blind_spot, redundancy=redundancy, aggregation=aggregation, **shared
    )
    footprint = shared["footprint"]
    vote_error = np.asarray(analytic.effective_error_rate, dtype=float)
    vote_fooled = np.asarray(redundant_fooled_rate(shared["fooled_rate"], redundancy), dtype=float)
    win = np.asarray(analytic.label_win_prob, dtype=float)
    blind = _math.blind_share(blind_spot, footprint, shared["exploitation"])
    loss = _math.label_loss_prob(vote_error, blind, vote_fooled)
    weights = _aggregation_weights(aggregation, vote_error, blind_spot, win, loss, vote_fooled)
    log_competitors = _math.log_effective_competitors(shared["competitors_log10"], shared["prior_bits"])
    log_competitors = float(log_competitors)
    rng = np.random.default_rng(seed)

    def favoured(shape):
        """Score > 0 (1), = 0 (½) or < 0 (0) for trials × sources drawn with the given leading shape."""
        m = _draw_informative(rng, (*shape, labels.size), labels, footprint, informative)
        wins = _draw_wins_counts(rng, m, blind, vote_error, vote_fooled)
        margin = 2 * wins - m
        with np.errstate(invalid="ignore"):
            terms = np.where((m > 0) & (weights != 0), weights * margin, 0.0)
        score = np.sum(terms, axis=-1)
        finite = np.isfinite(weights)
        scale = np.sum(np.where(finite, np.abs(np.where(finite, weights, 0.0)) * m, 0.0), axis=-1)
        tie = np.abs(score) <= _WEIGHTED_TIE * scale if aggregation != "pooled" else score == 0
        return np.where(tie, 0.5, (score > 0).astype(float))

    return _compare(favoured((trials,)), favoured, rng, log_competitors, analytic, informative, seed)


def _bt_theta(scaled, root):
    """θ = (θ₀, θ₁, θ₂) from the scaled variables v = √d·(θ₀, θ₀ + θ₁, θ₂) (see _bt_objective)."""
    outside, inside, noise = (scaled.reshape(-1, 3) / root).T
    return np.stack((outside, inside - outside, noise), axis=1)


def _bt_objective(scaled, blind, noise, sign, ridge, root, scale):
    """Penalised negative log-likelihood of all datasets at once, and its gradient (separable).

    The variables are the log-odds outside and inside blind spots and θ₂, each times the square
    root of its Hessian's diagonal at θ = 0 (``root``): the features 1 − b and b never overlap,
    so in these variables the problem is close to the identity and L-BFGS-B needs few steps.
    """
    theta = _bt_theta(scaled, root)
    utility = theta[:, :1] + theta[:, 1:2] * blind + theta[:, 2:3] * noise
    signed = sign * utility
    # −ln σ(s·u) = softplus(−s·u); its derivative in u is −s·σ(−s·u).
    loss = np.sum(np.logaddexp(0.0, -signed)) + 0.5 * ridge * np.sum(theta * theta)
    pull = -sign * special.expit(-signed)
    grad_theta = (
        np.stack((pull.sum(axis=1), np.sum(pull * blind, axis=1), np.sum(pull * noise, axis=1)), axis=1)
        + ridge * theta
    )
    # θ₀ = v₀/√d₀ and θ₁ = v₁/√d₁ − v₀/√d₀: the chain rule.
    gradient = (
        np.stack((grad_theta[:, 0] - grad_theta[:, 1], grad_theta[:, 1], grad_theta[:, 2]), axis=1) / root
    )
    return loss / scale, gradient.ravel() / scale


def _learner_normal_approximation(error_rate: float, fooled_rate: float, blind: float, m: int) -> float:
    """Φ(μ/s): the delta method for the learner's verdict (see :func:`bradley_terry_check`).

    μ = (1 − h)·logit(1 − ε) + h·logit(1 − φ), s² = ((1 − h)/(ε(1 − ε)) + h/(φ(1 − φ)))/m. A
    group whose labels are never (or always) right has an infinite log-odds: its sign decides.
    """
    if m == 0:
        return 0.5
    groups = [(share, rate) for share, rate in ((1.0 - blind, error_rate), (blind, fooled_rate)) if share > 0]
    certain = [share * (1.0 if rate == 0.0 else -1.0) for share, rate in groups if rate in (0.0, 1.0)]
    if certain:
        lean = sum(certain)
        return 0.5 if lean == 0.0 else float(lean > 0.0)
    mean = sum(share * math.log((1.0 - rate) / rate) for share, rate in groups)
    variance = sum(share / (rate * (1.0 - rate)) for share, rate in groups) / m
    return float(stats.norm.cdf(mean / math.sqrt(variance)))


@takes_assumptions
def bradley_terry_check(
    labels: float,
    error_rate: float | None = None,
    *,
    agreement: float | None = None,
    redundancy: int = DEFAULTS["redundancy"],
    trials: int = 500,
    seed: int | None = 0,
    ridge: float = BT_RIDGE,
    **threat: float,
) -> BradleyTerryResult:
    r"""Fit a Bradley–Terry reward model to simulated comparisons; does it rank the aligned policy first?

    Parameters
    ----------
    labels, error_rate, agreement, **threat
        As in :func:`simulate_p_align` (scalars).
    redundancy : int
        :math:`r` labelers per comparison, majority vote with coin-flip ties, as counting has them;
        defaults to the table's.
    trials : int, default 500
        Independent datasets, each fitted.
    seed : int or None, default 0
        Seed of :func:`numpy.random.default_rng`.
    ridge : float, default 0.01
        :math:`\lambda \ge 0` of the penalty :math:`\tfrac\lambda2\lVert\theta\rVert^2` (a
        normal prior on :math:`\theta` with standard deviation 10), which keeps the fit finite
        when the data separate (e.g. :math:`\varepsilon = 0`); against the log-likelihood of
        :math:`m` labels it is negligible otherwise (at :math:`\lambda = 1` it visibly shrinks
        the blind-spot coefficient when only a few labels lie in blind spots).

    Returns
    -------
    BradleyTerryResult

    Notes
    -----
    Features. Each of the :math:`m = \operatorname{round}(fN)` informative comparisons sets the
    aligned behaviour against the competitor's in a footprint situation; the difference of
    their features is :math:`\Delta_i = (1, b_i, z_i)`, where :math:`b_i = 1` if the situation is
    a blind spot (chance :math:`h`) and :math:`z_i \sim N(0, 1)` is an irrelevant feature. The
    label is the majority of :math:`r` labelers (ties a coin flip) and prefers the aligned
    behaviour with chance :math:`1 - \varepsilon_r` outside blind spots and :math:`\varepsilon_r`
    inside, where every labeler is fooled and the majority is right only by a majority of errors,
    as in the model (:func:`aliquant_core.redundant_error_rate`); below, :math:`\varepsilon`
    stands for :math:`\varepsilon_r`. The reward model is

    .. math:: P(\text{aligned} \succ \text{competitor}) = \operatorname{sigmoid}(\theta \cdot \Delta_i),

    fitted by maximum likelihood with the ridge penalty, all datasets at once as one separable
    problem (L-BFGS-B, analytic gradient, in variables scaled by the Hessian's diagonal). The
    learned reward ranks the aligned policy above the competitor when its expected reward difference
    over the training distribution of the competitor's footprint is positive, :math:`\theta_0 +
    \theta_1 h > 0` (:math:`z` has mean 0); exactly zero counts half.

    What it tests. The learner is told which comparisons are blind spots (the feature
    :math:`b_i`): it tests how fitting and averaging log-odds differs from counting votes, not
    whether a reward model generalises, nor whether it could find the blind spots itself. A real
    reward model does not know where its labelers are fooled.

    Why it differs from counting. Without the irrelevant feature and the penalty, the fit
    reproduces the log-odds of each group: :math:`\hat\theta_0 =
    \operatorname{logit}\hat q_\text{out}`, :math:`\hat\theta_0 + \hat\theta_1 =
    \operatorname{logit}\hat q_\text{in}`, so the learner's verdict is

    .. math::

        (1 - h)\operatorname{logit}\hat q_\text{out} + h\operatorname{logit}\hat q_\text{in} > 0,

    an average of fitted log-odds, weighted by the training distribution's :math:`h`; counting
    asks whether the average of the probabilities, :math:`W/m > \tfrac12`, weighted by the
    sample's own share of blind-spot labels. The population coefficients are :math:`\theta_0 =
    \operatorname{logit}(1 - \varepsilon_r)` and :math:`\theta_0 + \theta_1 =
    \operatorname{logit}(1 - \varphi_r)` (majority-voted labels). With :math:`\varphi = 1 -
    \varepsilon` both limits have the sign of :math:`(1 - 2h)(\tfrac12 - \varepsilon) = q -
    \tfrac12` and the two agree on the regime; with a fooled rate of its own an average of
    log-odds and an average of probabilities can disagree near the knife-edge (log-odds weigh a
    nearly-always-fooled blind spot more). At finite :math:`m` the
    probabilities differ: the learner weighs the blind-spot and ordinary labels by their fitted
    log-odds, like the reliability-weighted vote of :func:`aliquant_core.mixture_p_align`,
    rather than one vote each. By the delta method (:math:`\operatorname{Var}\operatorname{logit}
    \hat q_\text{out} \approx 1/(n_\text{out}\varepsilon(1 - \varepsilon))`, and inside
    :math:`1/(n_\text{in}\varphi(1 - \varphi))`), for large :math:`m` near the knife-edge

    .. math::

        P(\text{learner ranks aligned first}) \approx \Phi\!\left(\frac{(1 - h)
        \operatorname{logit}(1 - \varepsilon) + h \operatorname{logit}(1 - \varphi)}
        {\sqrt{((1 - h)/(\varepsilon(1 - \varepsilon)) + h/(\varphi(1 - \varphi)))/m}}\right),
        \qquad P_1 \approx \Phi\!\left(\frac{(q - \tfrac12)\sqrt m}{\sqrt{q(1 - q)}}\right),

    (``learner_normal_approximation``; :math:`\varepsilon, \varphi` the voted rates). At
    :math:`\varphi = 1 - \varepsilon` the first is :math:`\Phi((1 - 2h)
    \operatorname{logit}(1 - \varepsilon)\sqrt{m\varepsilon(1 - \varepsilon)})`, and the
    learner's z-score is the counting one times
    :math:`\operatorname{logit}(1 - \varepsilon)\sqrt{\varepsilon(1 - \varepsilon)}\,
    \sqrt{q(1 - q)}/(\tfrac12 - \varepsilon) \le 2\sqrt{q(1 - q)} \le 1` (the logarithmic mean of
    :math:`1 - \varepsilon` and :math:`\varepsilon` is at least their geometric mean). So near
    the knife-edge the learner is less reliable than counting, the more so the cleaner the
    ordinary labels: estimating the log-odds of rare, nearly always wrong blind-spot labels is
    noisy. Example (tests/test_simulate.py): :math:`\varepsilon = 0.05`, :math:`h = 0.47`,
    :math:`m = 1000`: counting :math:`P_1 = 0.956`, the learner 0.880 over 500 datasets (the
    approximation: 0.888). That difference, reported beside the counting model's :math:`P_1`
    and beside counting on the very same datasets, is what the counting simplification misses
    against a real learner.

    References
    ----------
    .. [1] R. A. Bradley and M. E. Terry, "Rank analysis of incomplete block designs: I. The
       method of paired comparisons", Biometrika 39, 1952.
    .. [2] P. Christiano et al., "Deep reinforcement learning from human preferences", NeurIPS
       2017 (the reward model of RLHF is this model over learned features).
    .. [3] D. C. Liu and J. Nocedal, "On the limited memory BFGS method for large scale
       optimization", Mathematical Programming 45, 1989.
    """
    v = _scenario(labels, error_rate, agreement, threat)
    labels, error_rate = v.pop("labels"), v.pop("error_rate")
    redundancy = int(_scalar("redundancy", redundancy, whole=True))
    # Majority-voted labels: random error shrinks to ε_r; inside a blind spot the vote is fooled with φ_r.
    error_rate = float(redundant_error_rate(error_rate, redundancy))
    v["fooled_rate"] = float(redundant_fooled_rate(v["fooled_rate"], redundancy))
    trials = _check_trials(trials)
    ridge = float(ridge)
    if not (math.isfinite(ridge) and ridge >= 0.0):
        raise ValueError(f"ridge must be in [0, ∞); got {ridge:g}")

    analytic = p_align(labels, error_rate, **v)
    blind = float(analytic.blind_share)
    m = int(analytic.informative_labels)
    if trials * m * 4 > MAX_ELEMENTS:
        raise ValueError(
            f"the Bradley–Terry check draws 4·trials·m values, at most {MAX_ELEMENTS:,}; use fewer "
            "trials or labels"
        )
    log_competitors = float(_math.log_effective_competitors(v["competitors_log10"], v["prior_bits"]))
    rng = np.random.default_rng(seed)

    in_blind = (rng.random((trials, m)) < blind).astype(float)
    noise = rng.standard_normal((trials, m))
    prefer_aligned = rng.random((trials, m)) < np.where(
        in_blind > 0, 1.0 - v["fooled_rate"], 1.0 - error_rate
    )
    sign = np.where(prefer_aligned, 1.0, -1.0)

    scale = float(max(m, 1) * trials)
    inside = in_blind.sum(axis=1)
    root = np.sqrt(
        np.stack((0.25 * (m - inside), 0.25 * inside, 0.25 * np.sum(noise * noise, axis=1)), axis=1) + ridge
    )
    root = np.where(root > 0.0, root, 1.0)  # no labels of a kind and no ridge: that variable stays 0
    fit = optimize.minimize(
        _bt_objective,
        np.zeros(3 * trials),
        args=(in_blind, noise, sign, ridge, root, scale),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": 10_000, "ftol": 1e-15, "gtol": 1e-10 / trials},
    )
    theta = _bt_theta(fit.x, root)
    reward_gap = theta[:, 0] + theta[:, 1] * blind
    tie = np.abs(reward_gap) <= 1e-9 * (1.0 + np.abs(theta[:, 0]) + np.abs(theta[:, 1]))
    ranked = _estimate(float(np.sum(np.where(tie, 0.5, reward_gap > 0))), trials)

    wins = np.sum(prefer_aligned, axis=1)
    counted = _estimate(float(np.sum(2 * wins > m) + 0.5 * np.sum(2 * wins == m)), trials)
    counting = check(
        "counting P1",
        counted,
        float(analytic.p_single),
        p_single=float(analytic.p_single),
        log10_tail=_log10_tail(analytic),
    )
    with np.errstate(divide="ignore"):
        logit_right = np.log1p(-error_rate) - np.log(error_rate)
        logit_fooled_right = np.log1p(-v["fooled_rate"]) - np.log(v["fooled_rate"])
    return BradleyTerryResult(
        ranked_above=ranked,
        counting_p_single=float(analytic.p_single),
        counting_simulated=counted,
        counting_check=counting,
        learned_p_align=_power(ranked, log_competitors),
        counting_p_align=float(analytic.p_align),
        learner_normal_approximation=_learner_normal_approximation(error_rate, v["fooled_rate"], blind, m),
        mean_coefficients=theta.mean(axis=0),
        limit_coefficients=np.array([logit_right, logit_fooled_right - logit_right, 0.0]),
        blind_share=blind,
        informative_labels=float(m),
        redundancy=redundancy,
        vote_error_rate=error_rate,
        ridge=ridge,
        converged=bool(fit.success),
        seed=seed,
    )


def _aimed_tail(trials: int, resolution: float) -> float:
    """The tail t of P₁ at which a Wilson interval of ``trials`` is about half the resolution gap.

    Its width is about 2z√(t(1 − t)/n) and the gap about δt; 2z√(t(1 − t)/n) = δt/2 gives
    t/(1 − t) = 16z²/(nδ²). Clipped to [0.1, 0.5]: never closer to 0 or 1 than P₁ = 0.9 or 0.1.
    """
    z = stats.norm.isf((1.0 - CONFIDENCE) / 2.0)
    ratio = 16.0 * z * z / (trials * resolution * resolution)
    return float(min(0.5, max(_LEAST_AIMED_TAIL, ratio / (1.0 + ratio))))


@takes_assumptions
def resolvable_point(
    error_rate: float | None = None,
    *,
    agreement: float | None = None,
    labels: float = DEFAULTS["labels"],
    redundancy: int = DEFAULTS["redundancy"],
    trials: int = 20_000,
    **threat: float,
) -> ResolvablePoint:
    r"""Where a simulation of ``trials`` datasets can resolve the model's check, near a scenario.

    The scenario's label quality, redundancy, blind spot, footprint and exploitation are kept; the
    label count and the competitors change.

    Parameters
    ----------
    error_rate, agreement, labels, redundancy, **threat
        The scenario, as in :func:`simulate_p_align` (scalars). ``labels`` is kept only where
        labels are coin flips on the footprint (:math:`q = \tfrac12`).
    trials : int, default 20,000
        The simulation's datasets.

    Returns
    -------
    ResolvablePoint

    Notes
    -----
    Labels: the whole :math:`N` on a log grid of 2,401 points over the table's range of labels,
    with at least one informative label, whose :math:`P_1` (one competitor, through
    :math:`\varepsilon_r`) has the tail nearest :math:`t^* = \min(\tfrac12, \max(0.1,
    c/(1 + c)))`, :math:`c = 16z^2/(n\delta^2)`: there the Wilson interval of :math:`n` trials is
    about half the gap :func:`check` asks for (:math:`t^* = 0.1`, :math:`P_1 \approx 0.9`, at
    20,000 trials). Where :math:`q = \tfrac12`, :math:`P_1 = \tfrac12` at every :math:`N` and the
    scenario's :math:`N` stays (the smallest with an informative label if it has none).
    Competitors: :math:`K_\text{eff} = K` (no prior bits), the whole number in
    [1, :data:`DIRECT_COMPETITORS_LIMIT`] that brings :math:`P_1^K` nearest ½ where
    :math:`P_1 > \tfrac12` (1 otherwise): a :math:`P_\text{align}` away from 0 and 1, which an
    interval can resolve, and drawn competitor by competitor too. At 100 trials no point resolves
    (the interval at :math:`P_1 = \tfrac12` is wider than the gap); the point is still returned and
    the check says so.
    """
    v = _scenario(labels, error_rate, agreement, threat)
    labels, error_rate = v.pop("labels"), v.pop("error_rate")
    redundancy = _scalar("redundancy", redundancy)
    trials = _check_trials(trials)
    vote_error = float(redundant_error_rate(error_rate, redundancy))
    shape = {k: v[k] for k in ("blind_spot", "footprint", "exploitation")}
    shape["fooled_rate"] = float(redundant_fooled_rate(v["fooled_rate"], redundancy))
    alone = {"competitors_log10": 0.0, "prior_bits": 0.0}
    aim = _aimed_tail(trials, RESOLUTION)

    grid = np.unique(np.round(np.logspace(*QUANTITIES["labels"].log10_bounds, 2401)))
    grid = grid[_math.informative_labels(grid, shape["footprint"]) >= 1]
    if grid.size == 0:  # a footprint so small that no N in range gives an informative label
        p_single = float(p_align(labels, vote_error, **shape, **alone).p_single)  # ½: no label counts
        return ResolvablePoint(
            labels=labels,
            competitors_log10=0.0,
            prior_bits=0.0,
            p_single=p_single,
            p_align=p_single,
            aimed_tail=aim,
            reason=(
                f"no N up to {QUANTITIES['labels'].high:g} gives an informative label at footprint "
                f"{shape['footprint']:g}, so P₁ = ½ at every N: nothing to resolve"
            ),
        )
    result = p_align(grid, vote_error, **shape, **alone)
    q = float(np.asarray(result.label_win_prob).reshape(-1)[0])
    if q == 0.5:
        if _math.informative_labels(labels, shape["footprint"]) < 1:
            labels = float(grid[0])
        why = "labels are coin flips on the footprint (q = ½), so P₁ = ½ at every N: the programme's N stays"
    else:
        single = np.asarray(result.p_single, dtype=float)
        tails = np.where(single >= 0.5, np.asarray(result.single_failure, dtype=float), single)
        labels = float(grid[int(np.argmin(np.abs(tails - aim)))])
        side = "1 − P₁" if q > 0.5 else "P₁"
        why = (
            f"N where {side} is nearest {aim:.3g}, for which the interval of {trials:,} trials is about "
            f"half as wide as a {RESOLUTION:.0%} change in {side} moves it"
        )
    p_single = float(p_align(labels, vote_error, **shape, **alone).p_single)
    competitors = 1
    if 0.5 < p_single < 1.0:  # at P₁ = 1 (labels never wrong) every K gives P_align = 1: keep one
        competitors = int(min(DIRECT_COMPETITORS_LIMIT, max(1, round(math.log(0.5) / math.log(p_single)))))
    competitors_log10 = math.log10(competitors)
    reason = (
        f"{why}; K_eff = {competitors} (prior bits 0), so that P_align = P₁^K_eff is away from 0 and 1 "
        "and is also drawn competitor by competitor"
    )
    return ResolvablePoint(
        labels=labels,
        competitors_log10=competitors_log10,
        prior_bits=0.0,
        p_single=p_single,
        p_align=float(p_align(labels, vote_error, **shape, competitors_log10=competitors_log10).p_align),
        aimed_tail=aim,
        reason=reason,
    )
