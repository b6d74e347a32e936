r"""Label quality from the user's own comparison labels: error rate and blind-spot share, with intervals.

:func:`estimate_quality` takes :class:`~aliquant_core.annotations.Annotations` (read by
:func:`~aliquant_core.annotations.parse_annotations`) and returns :class:`QualityEstimates`:

* raw inter-annotator agreement :math:`a` and the error rate it implies under the model's relation
  :math:`a = (1-\varepsilon)^2 + \varepsilon^2` (:func:`aliquant_core.error_rate_from_agreement`);
* per-annotator and pooled error rates from a one-coin Dawid–Skene fit
  (:func:`one_coin_dawid_skene`, the same EM as Crowd-Kit's ``OneCoinDawidSkene``);
* with gold items, the blind-spot share :math:`\sigma`, separated from :math:`\varepsilon`
  (:func:`estimate_quality`'s Notes give the estimator and what it estimates). Without gold items
  :math:`\sigma` is not identified: it is None, with the reason, never 0.

Each estimate has a 90% interval by a stated method: the percentile bootstrap over items (the
Dawid–Skene fit through its linearisation, see :func:`estimate_quality`), or Clopper–Pearson where
a plain binomial count applies.

:func:`simulate_annotations` draws labels from the model's own labelling process, for checks and
the worked example.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse, special, stats

from . import _math
from ._results import Result
from .annotations import Annotations, annotations_from_arrays

__all__ = [
    "NO_GOLD_REASON",
    "DawidSkeneFit",
    "IntervalEstimate",
    "QualityEstimates",
    "estimate_quality",
    "estimates_provenance",
    "one_coin_dawid_skene",
    "simulate_annotations",
]

#: Crowd-Kit's clip of probabilities inside the EM (``crowdkit.aggregation.classification.dawid_skene._EPS``).
_EPS = 1e-10
#: Why σ is None without gold items.
NO_GOLD_REASON = (
    "not identified without gold items: labelers fooled together agree with each other, so errors "
    "they share look like agreement (give gold items, checked by experts, to estimate it)"
)
BOOTSTRAP = "percentile bootstrap over items"
LINEARISED = "percentile bootstrap over items of the EM's fixed point (one Newton step from the fit)"
CLOPPER_PEARSON = "exact binomial (Clopper–Pearson)"


@dataclass(frozen=True)
class IntervalEstimate(Result):
    """An estimate with its interval.

    Attributes
    ----------
    value : float
        The point estimate.
    low, high : float
        The interval's ends (at :attr:`QualityEstimates.confidence`).
    method : str
        How the interval was computed.
    """

    value: float
    low: float
    high: float
    method: str

    def contains(self, x: float) -> bool:
        """Whether ``x`` lies in the closed interval [low, high]."""
        return bool(self.low <= x <= self.high)


@dataclass(frozen=True, eq=False)
class DawidSkeneFit(Result):
    """A one-coin Dawid–Skene fit.

    Attributes
    ----------
    skills : ndarray
        Per annotator: the chance of a label agreeing with the item's true side (1 − error rate).
    error_rates : ndarray
        1 − ``skills``.
    labels : ndarray of int
        Labels per annotator.
    prior : float
        Fitted share of items whose true side is B.
    posterior : ndarray
        Per item: the fitted chance that its true side is B.
    iterations : int
        EM iterations run (after the majority-vote start).
    loss_history : ndarray
        The evidence lower bound per label after each iteration (Crowd-Kit's ``loss_history_``).
    """

    skills: np.ndarray
    error_rates: np.ndarray
    labels: np.ndarray
    prior: float
    posterior: np.ndarray
    iterations: int
    loss_history: np.ndarray

    @property
    def pooled_error_rate(self) -> float:
        """Share of all labels that the fit counts wrong: the label-weighted mean error rate."""
        return float(np.dot(self.labels, self.error_rates) / self.labels.sum())


def _skills(item, annotator, choice, posterior, labels):
    """M-step: each annotator's mean posterior chance that their label is the true side."""
    agree = np.where(choice == 1, posterior[item], 1.0 - posterior[item])
    return np.bincount(annotator, weights=agree, minlength=labels.size) / labels


def one_coin_dawid_skene(annotations: Annotations, *, n_iter: int = 100, tol: float = 1e-5) -> DawidSkeneFit:
    r"""Fit the one-coin Dawid–Skene model by EM: each annotator is right with their own chance.

    Parameters
    ----------
    annotations : Annotations
        The labels.
    n_iter : int
        Most EM iterations (Crowd-Kit's default, 100).
    tol : float
        Stop when the evidence lower bound per label rises by less than this (Crowd-Kit's default, 1e-5).

    Returns
    -------
    DawidSkeneFit

    Notes
    -----
    Annotator :math:`w` labels an item with true side :math:`z` correctly with chance :math:`s_w`;
    true sides are B with chance :math:`\pi`. The steps are those of Crowd-Kit 1.4.2's
    ``OneCoinDawidSkene`` (Zhang et al. 2016), vectorised with ``np.bincount``: start from the
    majority-vote shares :math:`p_t` (ties ½), :math:`\pi = \bar p`,
    :math:`s_w = \operatorname{mean}_{a \in w} p_{t_a}(y_a)`; then repeat

    .. math::

        \log\frac{p_t}{1-p_t} = \log\frac{\pi}{1-\pi}
            + \sum_{a \in t} (2y_a - 1)\,\log\frac{s_{w_a}}{1-s_{w_a}}, \qquad
        \pi = \bar p, \qquad s_w = \frac{1}{n_w}\sum_{a \in w} p_{t_a}(y_a),

    with probabilities clipped to :math:`[10^{-10}, 1 - 10^{-10}]` as Crowd-Kit does, until the
    evidence lower bound per label (expected complete-data log-likelihood plus the posterior's
    entropy, computed as Crowd-Kit computes it) rises by less than ``tol``. The tests check the
    fitted error rates against Crowd-Kit's to 1e-6.

    References
    ----------
    Dawid, A. P. and Skene, A. M. (1979). Maximum likelihood estimation of observer error-rates using
    the EM algorithm. *Applied Statistics* 28(1), 20–28.
    Zhang, Y., Chen, X., Zhou, D. and Jordan, M. I. (2016). Spectral methods meet EM. *JMLR* 17, 1–44.
    """
    item, annotator, choice = annotations.item, annotations.annotator, annotations.choice
    n_items, n_annotators = annotations.n_items, annotations.n_annotators
    per_item = np.bincount(item, minlength=n_items).astype(float)
    labels = np.bincount(annotator, minlength=n_annotators).astype(float)
    votes_b = np.bincount(item, weights=choice, minlength=n_items)
    posterior = votes_b / per_item  # majority vote's shares
    prior = float(posterior.mean())
    skills = _skills(item, annotator, choice, posterior, labels)
    sign = 2.0 * choice - 1.0
    n = item.size
    history = []
    loss = -np.inf
    iterations = 0
    for _ in range(n_iter):
        iterations += 1
        log_s = np.log(np.clip(skills, _EPS, 1 - _EPS))
        log_f = np.log(np.clip(1.0 - skills, _EPS, 1 - _EPS))
        prior_c = np.clip(np.array([1.0 - prior, prior]), _EPS, None)
        # E-step: log-odds of side B per item.
        logit = np.bincount(item, weights=sign * (log_s - log_f)[annotator], minlength=n_items)
        posterior = special.expit(logit + np.log(prior_c[1]) - np.log(prior_c[0]))
        prior = float(posterior.mean())
        skills = _skills(item, annotator, choice, posterior, labels)
        # Evidence lower bound per label, as Crowd-Kit computes it (the prior counted per label).
        log_s = np.log(np.clip(skills, _EPS, 1 - _EPS))
        log_f = np.log(np.clip(1.0 - skills, _EPS, 1 - _EPS))
        prior_c = np.clip(np.array([1.0 - prior, prior]), _EPS, None)
        p_b = posterior[item]
        log_b = np.where(choice == 1, log_s[annotator], log_f[annotator]) + np.log(prior_c[1])
        log_a = np.where(choice == 0, log_s[annotator], log_f[annotator]) + np.log(prior_c[0])
        joint = float(np.sum(p_b * log_b + (1.0 - p_b) * log_a))
        clipped = np.clip(np.stack([1.0 - posterior, posterior]), _EPS, None)
        entropy = float(-np.sum(clipped * np.log(clipped)))
        new_loss = (joint + entropy) / n
        history.append(new_loss)
        if new_loss - loss < tol:
            break
        loss = new_loss
    return DawidSkeneFit(
        skills, 1.0 - skills, labels.astype(np.int64), prior, posterior, iterations, np.asarray(history)
    )


def _jacobian(annotations: Annotations, fit: DawidSkeneFit) -> np.ndarray:
    r"""Jacobian of the EM map :math:`(s, \pi) \mapsto (s', \pi')` at the fit (annotators first, π last).

    Annotators whose skill sits at a clip bound are held fixed (their rows and columns are zero):
    their log-odds have no finite derivative there.
    """
    item, annotator, choice = annotations.item, annotations.annotator, annotations.choice
    n_items, n_annotators = annotations.n_items, annotations.n_annotators
    s, p, prior = fit.skills, fit.posterior, fit.prior
    g = p * (1.0 - p)
    sign = 2.0 * choice - 1.0
    free = (s > 1e-6) & (s < 1 - 1e-6)
    d_logit = np.where(free, 1.0 / np.where(free, s * (1.0 - s), 1.0), 0.0)
    signs = sparse.csr_matrix((sign, (item, annotator)), shape=(n_items, n_annotators))
    n_w = fit.labels.astype(float)
    jac = np.zeros((n_annotators + 1, n_annotators + 1))
    cross = (signs.T @ signs.multiply(g[:, None])).toarray()
    jac[:n_annotators, :n_annotators] = cross / n_w[:, None] * d_logit[None, :]
    d_prior = 1.0 / (prior * (1.0 - prior)) if 0.0 < prior < 1.0 else 0.0
    jac[:n_annotators, -1] = (signs.T @ g) / n_w * d_prior
    jac[-1, :n_annotators] = (signs.T @ g) / n_items * d_logit
    jac[-1, -1] = g.mean() * d_prior
    jac[~np.append(free, True), :] = 0.0
    return jac


def _resample_counts(rng, n: int, size: int) -> np.ndarray:
    """``size`` bootstrap resamples of ``n`` items: how often each item is drawn, shape (size, n)."""
    draws = rng.integers(0, n, size=(size, n), dtype=np.int32).astype(np.int64)
    draws += n * np.arange(size, dtype=np.int64)[:, None]
    return np.bincount(draws.ravel(), minlength=size * n).reshape(size, n).astype(float)


def _clopper_pearson(successes: int, trials: int, confidence: float) -> IntervalEstimate:
    ci = stats.binomtest(successes, trials).proportion_ci(confidence_level=confidence, method="exact")
    return IntervalEstimate(successes / trials, float(ci.low), float(ci.high), CLOPPER_PEARSON)


def estimates_provenance(source: str, n_items: int, n_labelers: int, n_labels: int, n_gold: int) -> str:
    """The provenance line of estimates: ``estimated from FILE, n items, k labelers, m labels, ...``.

    >>> estimates_provenance("a.csv", 600, 12, 1800, 0)
    'estimated from a.csv, 600 items, 12 labelers, 1,800 labels, no gold items'
    """
    gold = f", {n_gold:,} gold items" if n_gold else ", no gold items"
    return f"estimated from {source}, {n_items:,} items, {n_labelers:,} labelers, {n_labels:,} labels{gold}"


@dataclass(frozen=True, eq=False)
class QualityEstimates(Result):
    """What a file of comparison labels implies about label quality (:func:`estimate_quality`).

    Attributes
    ----------
    source : str
        The file's name.
    n_items, n_annotators, n_labels, n_gold : int
        Items, annotators, labels, and items with a gold choice.
    confidence : float
        The intervals' confidence (0.9).
    resamples, seed : int
        Bootstrap resamples and their seed.
    agreement : IntervalEstimate
        Raw inter-annotator agreement: the share of agreeing pairs among all pairs of labels on one item.
    error_rate_from_agreement : IntervalEstimate
        The error rate the agreement implies, :math:`(1 - \\sqrt{2a - 1})/2`.
    error_rate : IntervalEstimate
        Pooled error rate of a label from the one-coin Dawid–Skene fit (the model's ε).
    annotator_ids : tuple of str
        Annotators, in file order.
    annotator_labels : ndarray
        Labels per annotator.
    annotator_error_rate, annotator_low, annotator_high : ndarray
        Per annotator: Dawid–Skene error rate and its interval.
    gold_error_share : IntervalEstimate or None
        Share of the labels on gold items that contradict the gold choice (ε and σ together).
    gold_majority_wrong : IntervalEstimate or None
        Share of gold items with at least two labels whose majority contradicts the gold choice.
    blind_spot : IntervalEstimate or None
        σ, separated from ε; None without gold items.
    blind_spot_reason : str
        Why :attr:`blind_spot` is None ("" when it is estimated).
    iterations : int
        Dawid–Skene EM iterations.
    """

    source: str
    n_items: int
    n_annotators: int
    n_labels: int
    n_gold: int
    confidence: float
    resamples: int
    seed: int
    agreement: IntervalEstimate
    error_rate_from_agreement: IntervalEstimate
    error_rate: IntervalEstimate
    annotator_ids: tuple[str, ...]
    annotator_labels: np.ndarray
    annotator_error_rate: np.ndarray
    annotator_low: np.ndarray
    annotator_high: np.ndarray
    gold_error_share: IntervalEstimate | None
    gold_majority_wrong: IntervalEstimate | None
    blind_spot: IntervalEstimate | None
    blind_spot_reason: str
    iterations: int

    @property
    def provenance(self) -> str:
        """One line: where the numbers came from (``estimated from FILE, n items, k labelers, ...``)."""
        return estimates_provenance(self.source, self.n_items, self.n_annotators, self.n_labels, self.n_gold)

    def quantities(self) -> dict[str, float]:
        """The model quantities estimated, by name: ``error_rate``, and ``blind_spot`` where identified."""
        values = {"error_rate": self.error_rate.value}
        if self.blind_spot is not None:
            values["blind_spot"] = self.blind_spot.value
        return values

    def intervals(self) -> dict[str, tuple[float, float]]:
        """Each estimated quantity's interval, by name (as :meth:`quantities`)."""
        values = {"error_rate": (self.error_rate.low, self.error_rate.high)}
        if self.blind_spot is not None:
            values["blind_spot"] = (self.blind_spot.low, self.blind_spot.high)
        return values

    def summary(self) -> dict:
        """The numbers and their provenance, not the data (for JSON, scenario files and links)."""
        keep = ("agreement", "error_rate_from_agreement", "error_rate", "blind_spot")
        out = {"provenance": self.provenance, "source": self.source, "n_items": self.n_items,
               "n_labelers": self.n_annotators, "n_labels": self.n_labels, "n_gold": self.n_gold,
               "confidence": self.confidence}  # fmt: skip
        for name in keep:
            value = getattr(self, name)
            out[name] = None if value is None else value.to_dict(json_safe=True)
        out["blind_spot_reason"] = self.blind_spot_reason
        return out


def estimate_quality(
    annotations: Annotations, *, confidence: float = 0.9, resamples: int = 400, seed: int = 0
) -> QualityEstimates:
    r"""Estimate ε and σ from comparison labels, each with an interval.

    Parameters
    ----------
    annotations : Annotations
        The labels (:func:`~aliquant_core.annotations.parse_annotations`).
    confidence : float
        The intervals' confidence, in (0, 1); 0.9 by default (the Uncertainty page's 90% intervals).
    resamples : int
        Bootstrap resamples, in [50, 10000].
    seed : int
        Seed of the resampling (the same data and seed give the same intervals).

    Returns
    -------
    QualityEstimates

    Notes
    -----
    **The process estimated** (the model's, as :mod:`aliquant_core.simulate` draws it). An item lies
    in a blind spot with chance :math:`\sigma`. Outside one each labeler prefers the worse response
    independently with chance :math:`\varepsilon`; inside one each is fooled independently with
    chance :math:`\varphi = 1 - \varepsilon` (today's model). Gold choices are right.

    **Agreement.** Two labels on one item agree with chance :math:`(1-\varepsilon)^2 + \varepsilon^2`
    outside a blind spot and :math:`\varepsilon^2 + (1-\varepsilon)^2` inside: the same. So the
    share :math:`\hat a` of agreeing pairs estimates :math:`a = (1-\varepsilon)^2 + \varepsilon^2`
    whatever σ is, :math:`\hat\varepsilon_a = (1 - \sqrt{2\hat a - 1})/2` is consistent for ε, and
    no function of the labels alone can reveal σ: ignoring gold, the labels are a one-coin
    Dawid–Skene model whose latent side is the *apparent* better response (the worse one inside a
    blind spot). The same argument makes the Dawid–Skene fit's pooled error rate
    :math:`\hat\varepsilon` (the model's ε, used for the sidebar) a consistent estimate of ε.

    **Blind spot.** On gold item :math:`i` with :math:`r_i` labels let :math:`k_i` contradict gold.
    Then :math:`E[k_i] = r_i \mu` with

    .. math::

        \mu = (1-\sigma)\,\varepsilon + \sigma\,(1-\varepsilon) = \varepsilon + \sigma(1 - 2\varepsilon),

    so with :math:`\hat\mu = \sum_i k_i / \sum_i r_i` (the share of gold-item labels contradicting
    gold, :attr:`QualityEstimates.gold_error_share`)

    .. math::

        \hat\sigma = \frac{\hat\mu - \hat\varepsilon}{1 - 2\hat\varepsilon},

    a method-of-moments estimator, consistent as the items grow (both :math:`\hat\mu` and
    :math:`\hat\varepsilon` are), for ε < ½. It needs the gold items to be a random sample of the
    items (not picked because they are hard). The share of gold items whose majority contradicts
    gold (:attr:`QualityEstimates.gold_majority_wrong`, "labelers mostly agree with each other yet
    contradict gold") is shown too, but it is not σ: its expectation is
    :math:`(1-\sigma)\,\varepsilon_r + \sigma\,(1-\varepsilon_r)`, with :math:`\varepsilon_r` the
    majority-of-:math:`r` error rate: random majority errors count as blind spots, and blind-spot
    items whose majority happened to be right are missed. :math:`\hat\sigma` is reported unclipped
    (it can fall below 0 by chance when σ is small); its interval is clipped to [0, 1].

    Were the fooled rate :math:`\varphi` its own quantity (not :math:`1 - \varepsilon`), then
    :math:`\mu = \varepsilon + \sigma(\varphi - \varepsilon)` and :math:`\hat\sigma` would divide
    by :math:`\varphi - \hat\varepsilon`; and agreement inside a blind spot would be
    :math:`\varphi^2 + (1-\varphi)^2`, so the labels alone would no longer estimate ε without bias.

    **Intervals** are percentile intervals of ``resamples`` bootstrap resamples of the items (each
    item with all its labels and its gold choice; Efron & Tibshirani 1993, ch. 13). The Dawid–Skene
    estimates are resampled through the EM's fixed point :math:`\theta = M(\theta)` linearised at
    the fit: :math:`\theta^* = \hat\theta + (I - J)^{-1}\,(M^*(\hat\theta) - M(\hat\theta))`, with
    :math:`M^*` the EM map on the resample and :math:`J` the Jacobian of :math:`M` at
    :math:`\hat\theta` (one Newton step of the resample's fixed-point equation; the factor
    :math:`(I - J)^{-1}` is the missing-information inflation of Meng & Rubin 1991). Refitting each
    resample would cost the resamples' number of fits. The gold majority share is a binomial count
    of independent items, so its interval is Clopper–Pearson. The tests check by simulation that the
    intervals of ε and σ cover the truth at their stated rate.

    References
    ----------
    Efron, B. and Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman & Hall.
    Meng, X.-L. and Rubin, D. B. (1991). Using EM to obtain asymptotic variance-covariance matrices:
    the SEM algorithm. *JASA* 86(416), 899–909.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1); got {confidence!r}")
    if not 50 <= int(resamples) <= 10_000:
        raise ValueError(f"resamples must be in [50, 10000]; got {resamples!r}")
    resamples = int(resamples)
    item, annotator, choice, gold = (
        annotations.item,
        annotations.annotator,
        annotations.choice,
        annotations.gold,
    )
    n_items, n_annotators = annotations.n_items, annotations.n_annotators
    tail = (1.0 - confidence) / 2.0

    # Per item: labels, votes for B, agreeing pairs and all pairs.
    r = np.bincount(item, minlength=n_items).astype(float)
    b = np.bincount(item, weights=choice, minlength=n_items)
    pairs = r * (r - 1.0) / 2.0
    agreeing = b * (b - 1.0) / 2.0 + (r - b) * (r - b - 1.0) / 2.0
    if pairs.sum() == 0:
        raise ValueError(f"{annotations.name}: no item has two labels, so agreement cannot be measured")

    fit = one_coin_dawid_skene(annotations)
    jac = _jacobian(annotations, fit)
    theta = np.append(fit.skills, fit.prior)
    agree_with = np.where(choice == 1, fit.posterior[item], 1.0 - fit.posterior[item])
    # Per item and annotator: the fit's chance that the label is right, and the label count, side by
    # side, so one sparse product per block of resamples gives both sums per annotator.
    per_annotator = sparse.csr_matrix(
        (
            np.concatenate([agree_with, np.ones(item.size)]),
            (np.concatenate([item, item]), np.concatenate([annotator, annotator + n_annotators])),
        ),
        shape=(n_items, 2 * n_annotators),
    )
    # M at the fit on the full data (not exactly θ̂: the EM stops at a tolerance).
    m_full = np.append(_skills(item, annotator, choice, fit.posterior, fit.labels), fit.posterior.mean())
    try:
        inverse = np.linalg.inv(np.eye(n_annotators + 1) - jac)
    except np.linalg.LinAlgError:  # a flat direction (e.g. an annotator who agrees with nobody)
        inverse = np.linalg.pinv(np.eye(n_annotators + 1) - jac)

    has_gold = gold >= 0
    wrong = np.where(has_gold, np.where(gold == 1, r - b, b), 0.0)  # labels contradicting gold
    gold_r = np.where(has_gold, r, 0.0)
    # Per item sums that each resample reweights, in one matrix: one product per block.
    per_item = np.column_stack([agreeing, pairs, fit.posterior, np.ones(n_items), wrong, gold_r])

    rng = np.random.default_rng(seed)
    agreement_b = np.empty(resamples)
    theta_b = np.empty((resamples, n_annotators + 1))
    pooled_b = np.empty(resamples)
    mu_b = np.empty(resamples)
    chunk = max(1, 2_000_000 // n_items)
    for start in range(0, resamples, chunk):
        counts = _resample_counts(rng, n_items, min(chunk, resamples - start))
        rows = slice(start, start + counts.shape[0])
        sums = counts @ per_item
        agreement_b[rows] = sums[:, 0] / np.maximum(sums[:, 1], 1.0)
        by_annotator = (per_annotator.T @ counts.T).T
        right_star, n_star = by_annotator[:, :n_annotators], by_annotator[:, n_annotators:]
        m_star = np.column_stack([right_star / np.maximum(n_star, 1.0), sums[:, 2] / sums[:, 3]])
        # An annotator absent from a resample keeps the fit's value (no evidence either way).
        m_star[:, :n_annotators] = np.where(n_star > 0, m_star[:, :n_annotators], m_full[:n_annotators])
        theta_b[rows] = theta + (m_star - m_full) @ inverse.T
        skills_b = np.clip(theta_b[rows, :n_annotators], 0.0, 1.0)
        pooled_b[rows] = 1.0 - np.sum(n_star * skills_b, axis=1) / n_star.sum(axis=1)
        if has_gold.any():
            mu_b[rows] = sums[:, 4] / np.maximum(sums[:, 5], 1.0)

    def percentile(values: np.ndarray, point: float, method: str, low=0.0, high=1.0) -> IntervalEstimate:
        lo, hi = np.quantile(values, [tail, 1.0 - tail])
        return IntervalEstimate(
            float(point), float(np.clip(lo, low, high)), float(np.clip(hi, low, high)), method
        )

    a_hat = float(agreeing.sum() / pairs.sum())
    agreement = percentile(agreement_b, a_hat, BOOTSTRAP)

    def implied(a):
        return _math.error_rate_from_agreement(np.clip(a, 0.5, 1.0))

    eps_a = percentile(implied(agreement_b), float(implied(a_hat)), BOOTSTRAP, high=0.5)
    eps = fit.pooled_error_rate
    error_rate = percentile(pooled_b, eps, LINEARISED, high=0.5)
    skills_lo, skills_hi = np.quantile(
        np.clip(theta_b[:, :n_annotators], 0.0, 1.0), [tail, 1.0 - tail], axis=0
    )

    gold_share = majority = sigma = None
    reason = NO_GOLD_REASON
    if has_gold.any():
        mu = float(wrong.sum() / gold_r.sum())
        gold_share = percentile(mu_b, mu, BOOTSTRAP)
        several = has_gold & (r >= 2)
        if several.any():
            majority = _clopper_pearson(
                int(np.count_nonzero(2 * wrong[several] > r[several])), int(several.sum()), confidence
            )
        if eps < 0.5:
            sigma_b = (mu_b - pooled_b) / (1.0 - 2.0 * np.minimum(pooled_b, 0.5 - 1e-9))
            sigma = percentile(sigma_b, (mu - eps) / (1.0 - 2.0 * eps), BOOTSTRAP + " (with the ε above)")
            reason = ""
        else:
            reason = (
                "not identified: the fitted error rate is ½, so labels carry no signal to separate σ from"
            )
    return QualityEstimates(
        annotations.name, n_items, n_annotators, annotations.n_labels, annotations.n_gold,
        confidence, resamples, int(seed), agreement, eps_a, error_rate,
        annotations.annotator_ids, fit.labels, fit.error_rates, 1.0 - skills_hi, 1.0 - skills_lo,
        gold_share, majority, sigma, reason, fit.iterations,
    )  # fmt: skip


def simulate_annotations(
    *,
    items: int,
    labelers_per_item: int,
    annotators: int,
    error_rate: float,
    blind_spot: float,
    gold_items: int = 0,
    seed: int = 0,
) -> Annotations:
    r"""Comparison labels drawn from the model's labelling process, with known ε and σ.

    Each item's better response is A or B with chance ½; the item lies in a blind spot with chance
    σ. ``labelers_per_item`` distinct annotators, drawn at random from ``annotators``, label it:
    outside a blind spot each prefers the worse response independently with chance ε, inside one
    each is fooled independently with chance 1 − ε (as :func:`aliquant_core.simulate_p_align`
    draws labels by labeler). The first ``gold_items`` items carry the right side as gold.
    """
    if not 2 <= labelers_per_item <= annotators:
        raise ValueError("labelers_per_item must be in [2, annotators]")
    rng = np.random.default_rng(seed)
    better = rng.integers(0, 2, size=items)
    blind = rng.random(items) < blind_spot
    # Distinct annotators per item: the first r of a random permutation, drawn row by row in bulk.
    who = np.argsort(rng.random((items, annotators)), axis=1)[:, :labelers_per_item]
    err = rng.random((items, labelers_per_item)) < error_rate
    wrong = np.where(blind[:, None], ~err, err)  # inside a blind spot a labeler is right only by erring
    choice = np.where(wrong, 1 - better[:, None], better[:, None])
    gold = np.full(items, -1, np.int8)
    gold[:gold_items] = better[:gold_items]
    item = np.repeat(np.arange(items), labelers_per_item)
    return annotations_from_arrays(item, who.ravel(), choice.ravel(), gold, name="simulated")
