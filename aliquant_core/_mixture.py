"""Private kernels for labels from several sources: the score's tail, exactly and by saddlepoint.

Every label on a footprint situation adds ±w_s to the score S = Σ_s w_s (W_s − L_s), + with
chance q_s. The data favours the aligned policy when S > 0, ties counting half, so
P₁ = P(S > 0) + ½ P(S = 0). Arrays have the sources on their last axis.
"""

from __future__ import annotations

import numpy as np
from scipy import special

from . import _math

#: Newton steps for the saddlepoint equation K'(t) = x (safeguarded by bisection).
_NEWTON_STEPS = 100

#: Below this |w| the saddlepoint formula's two terms cancel; the normal tail is used instead.
_SMALL_W = 1e-5


def _log_mills(w):
    """ln(Φ(w)/φ(w)) for w ≤ 0, without under- or overflow."""
    return np.log(np.sqrt(np.pi / 2.0) * special.erfcx(-w / np.sqrt(2.0)))


def _cgf_parts(t, counts, weights, half_logit, log_win, log_loss):
    """K(t), K'(t), K''(t) of the score over the random labels (sources on the last axis)."""
    z = t[..., None] * weights + half_logit
    az = np.abs(z)
    e = np.exp(-2.0 * az)
    cgf = np.sum(counts * (0.5 * (log_win + log_loss) + az + np.log1p(e)), axis=-1)
    slope = np.sum(counts * weights * np.tanh(z), axis=-1)
    curvature = np.sum(counts * weights**2 * 4.0 * e / (1.0 + e) ** 2, axis=-1)
    return cgf, slope, curvature


def _saddlepoint_small_tail(x, counts, weights, half_logit, log_win, log_loss, lattice):
    """ln of the smaller of P(S < x) and P(S > x) (continuity-corrected on a lattice) and its side.

    Returns ``(log_tail, below)`` where ``below`` says the small tail is P(S < x).
    """
    mean = np.sum(counts * weights * np.tanh(half_logit), axis=-1)
    # Solve K'(t) = x: K' rises with t, from −Σ m|w| to Σ m|w|.
    ratio = np.where(counts > 0, -half_logit / weights, np.nan)
    span = np.sum(counts * weights, axis=-1)
    reach = np.arctanh(np.clip(np.abs(x) / np.maximum(span, 1e-300), 0.0, 1.0 - 1e-16))
    lo = np.nanmin(ratio, axis=-1) - reach / np.nanmin(np.where(counts > 0, weights, np.nan), axis=-1)
    hi = np.nanmax(ratio, axis=-1) + reach / np.nanmin(np.where(counts > 0, weights, np.nan), axis=-1)
    t = 0.5 * (lo + hi)
    for _ in range(_NEWTON_STEPS):
        _, slope, curvature = _cgf_parts(t, counts, weights, half_logit, log_win, log_loss)
        slope = slope - x
        lo = np.where(slope < 0, t, lo)
        hi = np.where(slope > 0, t, hi)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = t - slope / curvature
        inside = (newton > lo) & (newton < hi) & np.isfinite(newton)
        new_t = np.where(inside, newton, 0.5 * (lo + hi))
        done = np.all(np.abs(new_t - t) <= 1e-15 * np.maximum(1.0, np.abs(t)))
        t = new_t
        if done:
            break
    cgf, _, curvature = _cgf_parts(t, counts, weights, half_logit, log_win, log_loss)
    w_abs = np.sqrt(np.maximum(0.0, 2.0 * (t * x - cgf)))
    u_abs = np.abs(np.sinh(t) if lattice else t) * np.sqrt(curvature)
    log_phi = -0.5 * w_abs**2 - 0.5 * _math.LOG_2PI
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        bracket = np.exp(_log_mills(-w_abs)) - 1.0 / w_abs + 1.0 / u_abs
        log_small = log_phi + np.log(bracket)
    near_middle = (w_abs < _SMALL_W) | ~np.isfinite(log_small)
    log_small = np.where(near_middle, special.log_ndtr(-w_abs), log_small)
    return np.minimum(log_small, -_math.LN2), mean > x


def saddlepoint_logs(counts, win, loss, weights, lattice, offset=0.0):
    r"""ln P₁ and ln(1 − P₁) by the Lugannani–Rice formula, continuity-corrected on a lattice.

    Parameters
    ----------
    counts, win, loss, weights : ndarray
        Informative labels m_s, q_s, 1 − q_s and weights w_s > 0, sources on the last axis;
        q_s ∈ (0, 1) wherever m_s > 0, on either side of ½ (a source below ½ with a positive weight
        drags the score down: the reliability-weighted aggregation's weights are not the q_s).
    lattice : bool
        Whether every weight is 1 (pooled): the score then lives on a lattice of span 2.
    offset : float or ndarray
        A certain part of the score (pooled labels of sources that are never or always right).

    Notes
    -----
    With :math:`K(t) = \sum_s m_s \ln(q_s e^{t w_s} + (1 - q_s) e^{-t w_s})` and :math:`\hat t`
    solving :math:`K'(\hat t) = x`, :math:`w = \operatorname{sgn}(\hat t)\sqrt{2(\hat t x -
    K(\hat t))}` and :math:`u = \hat t \sqrt{K''(\hat t)}`, the smaller tail is
    :math:`\varphi(w)\,(M(-|w|) - 1/|w| + 1/|u|)`, :math:`M` being Mills' ratio (Lugannani &
    Rice 1980). On the pooled lattice (span 2) the tail is taken at a half-way point with
    :math:`u = \sinh(\hat t)\sqrt{K''(\hat t)}` (Daniels 1987, second continuity correction):
    at x = 0 when the number of labels is odd, and as the mean of the tails at x = ±1 when it is
    even, which is exactly :math:`P(S < 0) + \tfrac12 P(S = 0)`.
    """
    with np.errstate(divide="ignore"):
        log_win = np.log(win)
        log_loss = np.log(loss)
    active = counts > 0
    half_logit = np.where(active, 0.5 * (log_win - log_loss), 0.0)
    log_win = np.where(active, log_win, 0.0)
    log_loss = np.where(active, log_loss, 0.0)
    args = (counts, weights, half_logit, log_win, log_loss, lattice)
    zero = -np.broadcast_to(np.asarray(offset, dtype=float), counts.shape[:-1]).copy()
    if lattice:
        even = (np.sum(counts, axis=-1) + np.abs(zero)) % 2 == 0
        log_failure = np.empty(zero.shape)
        log_single = np.empty(zero.shape)

        def sides(x, rows):
            """ln P(S < x) and ln P(S > x) (x off the lattice), each from the small tail."""
            sub = (*tuple(a[rows] for a in args[:-1]), lattice)
            small, is_below = _saddlepoint_small_tail(x[rows], *sub)
            large = np.log1p(-np.exp(small))
            return np.where(is_below, small, large), np.where(is_below, large, small)

        if np.any(even):
            # P(S < 0) + ½P(S = 0) = ½[P(S < 1) + P(S < −1)] on the even lattice, and
            # P(S > 0) + ½P(S = 0) = ½[P(S > 1) + P(S > −1)].
            below_up, above_up = sides(zero + 1.0, even)
            below_down, above_down = sides(zero - 1.0, even)
            log_failure[even] = np.logaddexp(below_up, below_down) - _math.LN2
            log_single[even] = np.logaddexp(above_up, above_down) - _math.LN2
        if np.any(~even):
            log_failure[~even], log_single[~even] = sides(zero, ~even)
    else:
        small, below = _saddlepoint_small_tail(zero, *args)
        large = np.log1p(-np.exp(small))
        # Each side straight from the small tail, so whichever is small keeps its relative
        # accuracy (P₁ is the small side when sources below ½ drag the score down).
        log_failure = np.where(below, small, large)
        log_single = np.where(below, large, small)
    # The larger side from the smaller, as ln(1 − p): its own sum (½[a + b] on the lattice) would
    # round away a 1 − P₁ below 1e-16, which K_eff multiplies.
    with np.errstate(divide="ignore"):
        failure_small = log_failure <= log_single
        log_single = np.where(failure_small, np.log1p(-np.exp(log_failure)), log_single)
        log_failure = np.where(failure_small, log_failure, np.log1p(-np.exp(log_single)))
    return log_single, log_failure


def _log_convolve(log_a, log_b):
    """ln of the convolution of two pmfs given as logs, every term in log space (no underflow)."""
    if log_a.size > log_b.size:
        log_a, log_b = log_b, log_a
    out = np.full(log_a.size + log_b.size - 1, -np.inf)
    for i, term in enumerate(log_a):
        out[i : i + log_b.size] = np.logaddexp(out[i : i + log_b.size], term + log_b)
    return out


def _log_sum(log_terms):
    """ln Σ exp(log_terms), −inf for no terms or only zeros."""
    return special.logsumexp(log_terms) if np.any(np.isfinite(log_terms)) else -np.inf


def exact_logs(counts, win, weights):
    """ln P₁ and ln(1 − P₁) for one scenario by enumeration (1-D arrays over sources), in log space.

    Every combination of win counts of all sources but the largest is enumerated (for equal
    weights, their sum's pmf, the convolution of theirs); the largest source's binomial tail past
    the threshold each leaves is exact. Each side of the tie is summed on its own, every term in
    log space, so the smaller keeps its relative accuracy far below the float range.
    """
    counts = np.asarray(counts, dtype=int)
    # A source with no labels adds nothing to the score; its weight may be infinite (q = 0 or 1),
    # and ∞ · 0 would turn the whole enumeration into NaN.
    labelled = counts > 0
    if not labelled.any():
        return -_math.LN2, -_math.LN2
    counts = counts[labelled]
    win = np.asarray(win, dtype=float)[labelled]
    weights = np.asarray(weights, dtype=float)[labelled]
    largest = int(np.argmax(counts))
    others = [s for s in range(len(counts)) if s != largest]
    log_pmf = [_math.log_binomial_pmf(np.arange(m + 1.0), m, q) for m, q in zip(counts, win, strict=True)]
    if np.all(weights == weights[largest]):
        log_rest = np.zeros(1)
        for s in others:
            log_rest = _log_convolve(log_rest, log_pmf[s])
        rest_score = weights[largest] * (2.0 * np.arange(log_rest.size) - counts[others].sum())
    else:
        grids = np.meshgrid(*[np.arange(counts[s] + 1) for s in others], indexing="ij")
        pairs = list(zip(others, grids, strict=True))
        rest_score = np.ravel(sum(weights[s] * (2.0 * g - counts[s]) for s, g in pairs))
        log_rest = np.ravel(sum(log_pmf[s][g] for s, g in pairs))
    m, w, log_own = counts[largest], weights[largest], log_pmf[largest]
    # ln P(W ≤ k) and ln P(W ≥ k) of the largest source for k = −1 … m + 1.
    log_cdf = np.concatenate(([-np.inf], np.logaddexp.accumulate(log_own), [0.0]))
    log_sf = np.concatenate(([0.0], np.logaddexp.accumulate(log_own[::-1])[::-1], [-np.inf]))
    # S = w(2W − m) + rest > 0  ⟺  W > τ = (m − rest/w)/2.
    threshold = (m - rest_score / w) / 2.0
    nearest = np.round(threshold)
    scale = max(1.0, float(np.sum(np.abs(weights) * counts)))
    tie = np.abs(threshold - nearest) * w <= 1e-12 * scale
    floor = np.clip(np.where(tie, nearest, np.floor(threshold)), -1, m)
    ceil = np.clip(np.where(tie, nearest, np.ceil(threshold)), 0, m + 1)
    tied = tie & (nearest >= 0) & (nearest <= m)
    log_tie = np.where(tied, log_own[np.clip(nearest, 0, m).astype(int)], -np.inf)
    # P(W > ⌊τ⌋) = P(W ≥ ⌊τ⌋ + 1) and P(W < ⌈τ⌉) = P(W ≤ ⌈τ⌉ − 1), with the half tie on each side.
    with np.errstate(divide="ignore"):
        log_half_tie = log_tie - _math.LN2
        log_single = _log_sum(log_rest + np.logaddexp(log_sf[floor.astype(int) + 2], log_half_tie))
        log_failure = _log_sum(log_rest + np.logaddexp(log_cdf[ceil.astype(int)], log_half_tie))
    # The larger side from the smaller, which the sums give to full relative accuracy.
    if log_failure <= log_single:
        return np.log1p(-np.exp(log_failure)), log_failure
    return log_single, np.log1p(-np.exp(log_single))


def exact_probabilities_pairs(counts, win, weights):
    """P₁ and 1 − P₁ as :func:`exact_logs` finds them, for many two-source scenarios (rows) at once.

    The same conditioning, with every row's enumeration laid end to end so that each special
    function is called once for all rows; in floats, so a tail below the float range underflows.
    """
    counts = np.asarray(counts, dtype=float)
    rows = np.arange(counts.shape[0])
    small = np.argmin(counts, axis=1)
    large = 1 - small
    m_s, m_l = counts[rows, small], counts[rows, large]
    q_s, q_l = win[rows, small], win[rows, large]
    w_s, w_l = weights[rows, small], weights[rows, large]
    sizes = (m_s + 1).astype(int)
    row = np.repeat(rows, sizes)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    k = np.arange(sizes.sum()) - np.repeat(starts, sizes)
    n, p = m_s[row], q_s[row]
    log_choose = special.gammaln(n + 1.0) - special.gammaln(k + 1.0) - special.gammaln(n - k + 1.0)
    rest_prob = np.exp(log_choose + special.xlogy(k, p) + special.xlog1py(n - k, -p))
    rest_score = w_s[row] * (2.0 * k - n)
    m, q, w = m_l[row], q_l[row], w_l[row]
    threshold = (m - rest_score / w) / 2.0
    nearest = np.round(threshold)
    scale = np.maximum(1.0, np.abs(w_s) * m_s + np.abs(w_l) * m_l)[row]
    tie = np.abs(threshold - nearest) * w <= 1e-12 * scale
    floor = np.where(tie, nearest, np.floor(threshold))
    ceil = np.where(tie, nearest, np.ceil(threshold))
    tie_prob = np.zeros_like(threshold)
    tied = tie & (nearest >= 0) & (nearest <= m)
    if np.any(tied):
        tie_prob[tied] = np.exp(_math.log_binomial_pmf(nearest[tied], m[tied], q[tied]))
    trials = m.astype(np.int64)  # bdtr wants whole trials (a float n is deprecated)
    above_tail = special.bdtrc(np.clip(floor, 0, m), trials, q)
    above = np.where(floor < 0, 1.0, np.where(floor >= m, 0.0, above_tail))
    below_k = ceil - 1.0
    below_tail = special.bdtr(np.clip(below_k, 0, m), trials, q)
    below = np.where(below_k < 0, 0.0, np.where(below_k >= m, 1.0, below_tail))
    single = np.add.reduceat(rest_prob * (above + 0.5 * tie_prob), starts)
    failure = np.add.reduceat(rest_prob * (below + 0.5 * tie_prob), starts)
    return single, failure


def exact_size(counts) -> float:
    """Configurations :func:`exact_logs` enumerates: all sources but the largest."""
    counts = np.sort(np.asarray(counts, dtype=float))
    return float(np.prod(counts[:-1] + 1.0))
