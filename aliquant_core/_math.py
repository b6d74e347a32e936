"""Private numerical kernels: one- or two-line maths, no validation.

Everything here takes float arrays that already broadcast together and are in range. The public
modules validate, document and assemble these pieces.

The one non-trivial kernel is the log of the symmetric regularised incomplete beta function,
:math:`\\log I_x(a, a)` for :math:`x \\le 1/2`, which is the chance that a strict majority of an odd
jury of :math:`2a - 1` labelers, each right with probability :math:`1 - x`, is wrong. SciPy's
``betainc`` (Boost's ``ibeta``) has full relative accuracy down to the underflow threshold; below
it the tail is the binomial probability at the majority, evaluated in log space by Loader's
saddle-point form (accurate for counts up to :math:`10^{12}` and beyond), times a closed-form
factorial series where that is accurate to 1e-10 (almost all of the deep tail), else times the
continued fraction of Numerical Recipes §6.4.
"""

from __future__ import annotations

import numpy as np
from scipy import special
from scipy.optimize import elementwise

LN10 = np.log(10.0)
LN2 = np.log(2.0)
LOG10_2 = np.log10(2.0)
LOG_2PI = np.log(2.0 * np.pi)

#: Below this, ``betainc`` is near the subnormal range and loses relative accuracy.
DIRECT_TAIL_FLOOR = 1e-290
LOG_DIRECT_TAIL_FLOOR = np.log(DIRECT_TAIL_FLOOR)

#: From this jury half-size on, ``betainc`` is replaced (see :func:`log_symmetric_tail`).
LARGE_JURY_HALF = 1e8

#: Below this standardised distance from the middle, the continued fraction takes over.
EDGEWORTH_Z_LIMIT = 6.0

#: Points per block in :func:`log_symmetric_tail` (8192 doubles: 64 kB, under glibc's mmap threshold).
_BLOCK = 8192

#: Lentz's method: iterations and tiny number (Numerical Recipes §5.2, §6.4).
_CF_MAX_ITERATIONS = 500
_CF_TINY = 1e-300


def blind_share(blind_spot, footprint, exploitation):
    """h = σ + χ·(min(1, σ/f) − σ)."""
    with np.errstate(over="ignore"):  # σ/f beyond the largest float (f subnormal) is capped at 1 anyway
        return blind_spot + exploitation * (np.minimum(1.0, blind_spot / footprint) - blind_spot)


def footprint_overlap(blind_spot, footprint, blind):
    """ρ = f·(h²/σ + (1 − h)²/(1 − σ)): the share of one competitor's informative labels that another,
    placed at random, also differs on (a term whose region is empty, σ = 0 or 1, is 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        inside = np.where(blind_spot > 0.0, blind * blind / blind_spot, 0.0)
        outside = np.where(blind_spot < 1.0, (1.0 - blind) ** 2 / (1.0 - blind_spot), 0.0)
    return np.minimum(1.0, footprint * (inside + outside))


def label_loss_prob(error_rate, blind, fooled):
    """1 − q = (1 − h)·ε + h·φ, summed from non-negative terms to keep relative accuracy."""
    return (1.0 - blind) * error_rate + blind * fooled


def label_win_prob(error_rate, blind, fooled):
    """q = (1 − h)(1 − ε) + h·(1 − φ)."""
    return (1.0 - blind) * (1.0 - error_rate) + blind * (1.0 - fooled)


def label_margin(error_rate, blind, fooled):
    """q − ½ = (1 − h)(½ − ε) − h(φ − ½); with φ = 1 − ε it is (½ − ε)(1 − 2h), exactly zero on the
    knife-edge."""
    tied = fooled == 1.0 - error_rate
    general = (1.0 - blind) * (0.5 - error_rate) - blind * (fooled - 0.5)
    return np.where(tied, (0.5 - error_rate) * (1.0 - 2.0 * blind), general)


def majority_rate(rate, half):
    """The chance a majority of 2a − 1 votes (a = ``half``), each with chance ``rate``, is for it:
    I_rate(a, a) for any rate in [0, 1] (ties of an even jury a coin flip), by symmetry from the
    tail below ½."""
    rate = np.asarray(rate, dtype=float)
    low = np.minimum(rate, 1.0 - rate)
    tail = np.exp(log_symmetric_tail(np.maximum(half, 1.0), low, 0.5 - low))
    tail = np.where(half == 0.0, 0.5, tail)
    return np.where(rate <= 0.5, tail, 1.0 - tail)


def informative_labels(labels, footprint):
    """m = round(f·N), halves rounded up."""
    return np.floor(footprint * labels + 0.5)


def jury_half(informative):
    """a = ⌈m/2⌉: P₁ for m labels equals I_q(a, a) (an even jury ties like the odd one below it)."""
    return np.ceil(informative / 2.0)


def log_effective_competitors(competitors_log10, prior_bits):
    """ln K_eff = max(0, log₁₀K·ln 10 − b·ln 2)."""
    return np.maximum(0.0, competitors_log10 * LN10 - prior_bits * LN2)


def error_rate_from_agreement(agreement):
    """ε = (1 − √(2a − 1)) / 2, written to avoid cancellation as a → 1."""
    root = np.sqrt(2.0 * agreement - 1.0)
    return (1.0 - agreement) / (1.0 + root)


def agreement_from_error_rate(error_rate):
    """a = (1 − ε)² + ε²."""
    return (1.0 - error_rate) ** 2 + error_rate**2


def majority_correlation(error_rate, half):
    """2(½ − ε)·2(½ − ε_r) = u·I_{u²}(½, h), u = 1 − 2ε: how far one labeler and a majority agree
    beyond chance, 2a − 1, for a majority of 2h − 1 (or 2h, ties a coin flip) others.

    Beta(h, h) is symmetric about ½, and the square of 2X − 1 for X ~ Beta(h, h) is Beta(½, h), so
    ε_r = I_ε(h, h) = ½(1 − I_{u²}(½, h)): the margin ½ − ε_r comes out directly, with no
    cancellation as ε → ½. Increasing in u on [0, 1], from 0 to 1 (both factors are).
    """
    u = 1.0 - 2.0 * error_rate
    return u * special.betainc(0.5, half, u * u)


def majority_agreement_from_error_rate(error_rate, half):
    """a = (1 − ε)(1 − ε_r) + ε·ε_r = ½ + ½·:func:`majority_correlation`."""
    return 0.5 + 0.5 * majority_correlation(error_rate, half)


def error_rate_from_majority_agreement(agreement, half):
    """The ε in [0, ½] whose agreement with a majority of 2h − 1 (or 2h) others is ``agreement``.

    Solves u·I_{u²}(½, h) = 2a − 1 for u = 1 − 2ε by a bracketed root (Chandrupatla's method,
    :func:`scipy.optimize.elementwise.find_root`) on u ∈ [0, 1], where the left side rises strictly
    from 0 to 1; h = 1 (one other labeler) is the closed form :func:`error_rate_from_agreement`.
    Solving in u keeps the root's relative accuracy as a → ½, where the agreement is flat in ε.
    """
    agreement, half = np.broadcast_arrays(np.asarray(agreement, dtype=float), np.asarray(half, dtype=float))
    out = np.array(error_rate_from_agreement(agreement), dtype=float)  # right where h = 1
    many = half > 1.0
    if many.any():
        target = 2.0 * agreement[many] - 1.0  # exact: a ∈ [½, 1] (Sterbenz)
        root = elementwise.find_root(
            lambda u, t, h: u * special.betainc(0.5, h, u * u) - t,
            (np.zeros_like(target), np.ones_like(target)),
            args=(target, half[many]),
        )
        # The ends are roots in closed form (a = ½ gives ε = ½; a = 1 gives ε = 0).
        u = np.where(target <= 0.0, 0.0, np.where(target >= 1.0, 1.0, root.x))
        out[many] = 0.5 * (1.0 - u)
    return out


def reference_agreement_from_error_rate(error_rate, reference_error_rate):
    """a = (1 − ε)(1 − ε_ref) + ε·ε_ref = ½ + 2(½ − ε)(½ − ε_ref): a labeler's agreement with an
    independent reference, written so that rounding cannot take it below ½."""
    return 0.5 + 2.0 * (0.5 - error_rate) * (0.5 - reference_error_rate)


def error_rate_from_reference_agreement(agreement, reference_error_rate):
    """ε = (1 − ε_ref − a)/(1 − 2ε_ref) = ½ − (a − ½)/(1 − 2ε_ref), the inverse of
    :func:`reference_agreement_from_error_rate` (the second form never above ½: a − ½ is exact)."""
    return 0.5 - (agreement - 0.5) / (1.0 - 2.0 * reference_error_rate)


def _stirling_error(n):
    """ln n! − [(n + ½) ln n − n + ½ ln 2π] (Loader 2000, eq. 4), for n ≥ 1."""
    n = np.asarray(n, dtype=float)
    small = n <= 15.0
    if not small.any():  # the usual case in the tail: no gather or scatter
        return _stirling_series(n)
    out = np.empty(n.shape)
    m = n[small]
    out[small] = special.gammaln(m + 1.0) - (m + 0.5) * np.log(m) + m - 0.5 * LOG_2PI
    large = ~small
    if np.any(large):
        out[large] = _stirling_series(n[large])
    return out


def _stirling_series(m):
    """Loader's series for the Stirling error, accurate to double precision for m > 15."""
    inv2 = 1.0 / (m * m)
    return (
        1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0 - inv2 / 1188.0)))
    ) / m


def _deviance(count, mean, difference):
    """count·ln(count/mean) + mean − count without cancellation (Loader 2000, ``bd0``).

    ``difference`` is count − mean, passed in because the caller can form it without rounding.
    """
    count, mean, difference = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (count, mean, difference))
    )
    out = np.empty(count.shape)
    near = np.abs(difference) < 0.1 * (count + mean)
    if np.any(near):
        c, dif = count[near], difference[near]
        v = dif / (c + mean[near])
        total = dif * v
        term = 2.0 * c * v
        for j in range(1, 16):  # |v| < 0.1: each term adds two digits
            term = term * v * v
            total = total + term / (2 * j + 1)
        out[near] = total
    far = ~near
    if np.any(far):
        c, mu = count[far], mean[far]
        with np.errstate(over="ignore"):
            ratio = c / mu
        # A subnormal mean overflows the ratio; the difference of logs is then exact enough.
        finite = np.isfinite(ratio)
        log_ratio = np.empty(c.shape)
        log_ratio[finite] = np.log(ratio[finite])
        log_ratio[~finite] = np.log(c[~finite]) - np.log(mu[~finite])
        out[far] = c * log_ratio + mu - c
    return out


def log_binomial_pmf(successes, trials, success_prob):
    """ln P(Binomial(trials, success_prob) = successes), for whole 0 ≤ successes ≤ trials (Loader 2000)."""
    k, n, p = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (successes, trials, success_prob)))
    inner = (k > 0) & (k < n)
    certain = (p == 0.0) | (p == 1.0)  # then only an end has probability
    k_in = np.where(inner, k, 1.0)
    n_in = np.where(inner, n, 2.0)
    p_in = np.where(inner & ~certain, p, 0.5)
    q_in = 1.0 - p_in
    excess = k_in - n_in * p_in
    log_c = (
        _stirling_error(n_in)
        - _stirling_error(k_in)
        - _stirling_error(n_in - k_in)
        - _deviance(k_in, n_in * p_in, excess)
        - _deviance(n_in - k_in, n_in * q_in, -excess)
    )
    middle = log_c - 0.5 * (LOG_2PI + np.log(k_in) + np.log1p(-k_in / n_in))
    with np.errstate(divide="ignore", invalid="ignore"):
        ends = np.where(k == 0, n * np.log1p(-p), n * np.log(p))
        ends = np.where(n == 0, 0.0, ends)
    return np.where(inner, np.where(certain, -np.inf, middle), ends)


def _log_jury_pmf(a, x, margin):
    """ln P(Binomial(2a − 1, x) = a) for a ≥ 2, with margin = ½ − x.

    With δ(n) = ln n! − [(n + ½) ln n − n + ½ ln 2π] (Loader 2000), ln C(2a, a) = 2a ln 2 −
    ½ ln(πa) + δ(2a) − 2δ(a) exactly, so

    .. math:: \\ln p = a \\ln(1 - 4\\,\\text{margin}^2) - \\ln 2 - \\tfrac12 \\ln(\\pi a)
              + \\delta(2a) - 2\\delta(a) - \\ln(1 - x),

    using 4x(1 − x) = 1 − 4·margin²: near x = ½ the large terms a·ln 4, a·ln x and a·ln(1 − x)
    cancel inside one ``log1p``, which keeps the relative accuracy for a up to 10¹² and beyond; for
    x < ¼ the logarithms are taken directly, since 1 − 4·margin² would lose x's digits.
    """
    return _log_jury_pmf_times_win(a, x, margin) - np.log1p(-x)


def _log_jury_pmf_times_win(a, x, margin, scale=1.0):
    """ln[P(Binomial(2a − 1, x) = a)·(1 − x)] for a ≥ 2: :func:`_log_jury_pmf` without its last term.

    Minus ½·ln(``scale``): a caller dividing by a square root folds it into this function's logarithm.
    """
    low = x < 0.25
    if low.all():
        log_4xq = np.log(4.0 * x * (1.0 - x))  # one rounding of the product: no worse than two logs
    elif not low.any():
        log_4xq = np.log1p(-4.0 * margin * margin)
    else:  # each form only where it is used; masked ufuncs, as a gather and scatter cost twice as much
        log_4xq = np.log1p(-4.0 * margin * margin, out=np.empty_like(x), where=~low)
        np.log(4.0 * x * (1.0 - x), out=log_4xq, where=low)
    log_4xq *= a
    log_4xq -= 0.5 * np.log(np.pi * a * scale)
    log_4xq += _stirling_error_difference(a)
    log_4xq -= LN2
    return log_4xq


#: δ(2a) − 2δ(a) = Σ_k c_k (2^−(2k+1) − 2) a^−(2k+1), from Loader's series (:func:`_stirling_series`).
_STIRLING_DIFFERENCE = tuple(
    c * (0.5 ** (2 * k + 1) - 2.0) for k, c in enumerate((1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188))
)


def _stirling_error_difference(a):
    """δ(2a) − 2δ(a) (see :func:`_stirling_error`): one series in 1/a where every a > 15."""
    if not np.all(a > 15.0):
        return _stirling_error(2.0 * a) - 2.0 * _stirling_error(a)
    inverse = 1.0 / a
    inv2 = inverse * inverse
    out = np.full_like(inverse, _STIRLING_DIFFERENCE[-1])
    for c in _STIRLING_DIFFERENCE[-2::-1]:
        out *= inv2
        out += c
    out *= inverse
    return out


def _guard_tiny(v):
    """Lentz's guard: a denominator within ``_CF_TINY`` of zero becomes ``_CF_TINY``."""
    small = np.abs(v) < _CF_TINY
    if small.any():
        v[small] = _CF_TINY


def _lentz_beta_fraction(a, b, x, *, guard=False):
    """Continued fraction of I_x(a, b) (Numerical Recipes eq. 6.4.5); converges for x < (a+1)/(a+b+2).

    Each point is done once a whole step (two numerators) changed the value by under 1e-15
    relative; rounding keeps later steps from settling any closer. In the tail most points are done
    within a handful of steps, so finished points are only dropped from the arrays once they are a
    quarter of those left (dropping costs a copy of every array). The steps run in place on a few
    work arrays, in the same order of operations as the textbook's, so no array is allocated per
    step (on a 40,000-point grid fresh arrays cost more in page faults than the arithmetic).

    Lentz's guard (a denominator within 1e-300 of zero is replaced by 1e-300) costs a quarter of
    each step and is almost never needed in the convergent region, so the steps first run without
    it: a zero denominator then shows as a value that is not finite and positive (a step that is not
    finite ends that point at once), and only those points are redone with the guard.
    """
    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, b, x)))
    result = np.empty(a.shape)
    flat = result.reshape(-1)
    active = np.arange(a.size)
    a, b, x = given = a.ravel(), b.ravel(), x.ravel()
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = qab * x
    d /= qap
    np.subtract(1.0, d, out=d)
    _guard_tiny(d)
    np.reciprocal(d, out=d)
    h = d.copy()
    numerator, denominator, work, change = (np.empty_like(x) for _ in range(4))
    done = np.zeros(a.shape, dtype=bool)
    for m in range(1, _CF_MAX_ITERATIONS + 1):
        m2 = 2.0 * m
        change.fill(1.0)
        for even in (True, False):
            if even:  # m (b − m) x / ((a − 1 + 2m)(a + 2m))
                np.subtract(b, m, out=numerator)
                numerator *= m
                np.add(qam, m2, out=denominator)
            else:  # −(a + m)(a + b + m) x / ((a + 2m)(a + 1 + 2m))
                np.add(a, m, out=numerator)
                np.negative(numerator, out=numerator)
                np.add(qab, m, out=work)
                numerator *= work
                np.add(a, m2, out=denominator)
            numerator *= x
            np.add(a if even else qap, m2, out=work)
            denominator *= work
            numerator /= denominator
            d *= numerator
            d += 1.0
            if guard:
                _guard_tiny(d)
            np.reciprocal(d, out=d)
            np.divide(numerator, c, out=c)
            c += 1.0
            if guard:
                _guard_tiny(c)
            np.multiply(d, c, out=work)
            h *= work
            change *= work
        change -= 1.0
        np.abs(change, out=change)
        going = change >= 1e-15  # NaN is not: an unguarded zero denominator ends the point
        going &= change != np.inf
        going |= done
        if not going.all():
            newly = ~going
            flat[active[newly]] = h[newly]
            done |= newly
            finished = np.count_nonzero(done)
            if finished == done.size:
                break
            if 4 * finished >= done.size:
                keep = ~done
                active, a, b, x, qab, qap, qam, c, d, h = (
                    v[keep] for v in (active, a, b, x, qab, qap, qam, c, d, h)
                )
                numerator, denominator, work, change = (np.empty_like(x) for _ in range(4))
                done = np.zeros(a.shape, dtype=bool)
    else:
        flat[active[~done]] = h[~done]  # not converged within the cap: the last value
    if not guard:
        redo = ~(flat > 0.0) | (flat == np.inf)
        if redo.any():
            flat[redo] = _lentz_beta_fraction(*(v[redo] for v in given), guard=True)
    return result


#: The deep-tail series keeps its terms i ≤ 4; the first omitted term is 2⁵·9!!·p⁵ = 30240·p⁵ at most.
_SERIES_TERMS = 4
_SERIES_NEXT_TERM = 30240.0

#: The series is used where its first omitted term is below this (a tenth of the 1e-9 stated):
#: p ≤ ``_SERIES_P_LIMIT`` ≈ 1.27e-3.
_SERIES_TOLERANCE = 1e-10
_SERIES_P_LIMIT = (_SERIES_TOLERANCE / _SERIES_NEXT_TERM) ** (1.0 / (_SERIES_TERMS + 1))


def log_symmetric_tail_series(a, x, margin):
    """ln I_x(a, a) for a ≥ 2, 0 < x < ½ by a closed-form asymptotic series, and where it holds.

    Returns
    -------
    value : ndarray
        The series' ln I_x(a, a) (meaningless where ``holds`` is False).
    holds : ndarray of bool
        Where the series' first omitted term is under 1e-10: the relative error of I_x(a, a) is
        then within 1e-9 (checked against mpmath in ``tests/test_deep_tail.py``).

    Notes
    -----
    I_x(a, a) = P(Binomial(2a − 1, x) ≥ a) is the pmf at a times S = Σ_j Π_{i<j} r_i, with term
    ratios :math:`r_i = \\frac{a - 1 - i}{a + 1 + i}\\,t`, t = x/(1 − x). Writing u = 1/a,
    ln[(1 − (i + 1)u)/(1 + (i + 1)u)] = −2 atanh((i + 1)u) as a power series in u, expanding the
    exponential and summing each :math:`\\sum_j j^k t^j` in closed form, then regrouping the
    coefficients of each power of p (they are Stirling numbers of the second kind, whose generating
    function is a product of 1/(1 + k u)), gives the factorial series

    .. math:: S\\,(1 - t) \\sim \\sum_{i \\ge 0} (-2)^i (2i - 1)!! \\prod_{k=1}^{i} \\frac{w}{a + k},
              \\qquad w = a p = \\frac{t}{(1 - t)^2} = \\frac{x(1 - x)}{4\\,\\text{margin}^2},

    (checked symbolically to order 8 in u); as a → ∞ it is the Mills-ratio series of the normal
    tail. Terms i ≤ 4 are kept; the first omitted term is at most 30240·p⁵, and the series is used
    where that is under 1e-10, i.e. p ≤ 1.27e-3 (measured errors are far smaller: under 1e-11 at
    the edge). In the deep tail (I < 1e-290) p is small at every x, since there a·4·margin² or
    a·ln(1/(4x)) is in the hundreds. With pmf·(1 − t)⁻¹ = pmf·(1 − x)/(2·margin),

    .. math:: \\ln I_x(a, a) = \\ln[\\mathrm{pmf}(a)(1 - x)] - \\ln(2\\,\\text{margin})
              + \\ln\\Big(\\textstyle\\sum_{i \\le 4} \\cdots\\Big).
    """
    factor, holds = _log_series_factor(a, x, margin)
    factor += _log_jury_pmf_times_win(a, x, margin, scale=4.0 * margin * margin)
    return factor, holds


def _log_series_factor(a, x, margin):
    """ln S(1 − t) of :func:`log_symmetric_tail_series` (2·margin times the fraction), and where it holds."""
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        w = 0.5 + margin
        w *= x
        w /= 4.0 * margin * margin
        holds = w <= _SERIES_P_LIMIT * a
    shifted = np.empty_like(w)
    total = np.ones_like(w)
    for i in range(_SERIES_TERMS, 0, -1):  # Horner from the innermost term
        total *= w
        np.add(a, i, out=shifted)
        total /= shifted
        total *= -2.0 * (2 * i - 1)
        if i > 1:
            total += 1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log1p(total), holds


def log_symmetric_tail_fraction(a, x, margin):
    """ln I_x(a, a) for 0 < x < ½ by the deep-tail series where it holds, else the continued fraction.

    I_x(a, a) = P(Binomial(2a − 1, x) ≥ a) = pmf(a)·(1 − x)·CF (Numerical Recipes eq. 6.4.5, with
    x^a(1 − x)^a / (a·B(a, a)) rewritten as the binomial probability of a successes times 1 − x).
    Converges in a few terms in the tail (z < −6); slowly near the middle. Where
    :func:`log_symmetric_tail_series` holds (almost everywhere in the deep tail) it replaces the
    fraction, whose steps cost some forty array passes each.
    """
    # a = 1 is a single label: I_x(1, 1) = x, and the pmf formula needs a ≥ 2.
    single = a <= 1.0
    if single.any():
        out = np.log(x)
        many = ~single
        if many.any():
            out[many] = log_symmetric_tail_fraction(a[many], x[many], margin[many])
        return out
    out, holds = log_symmetric_tail_series(a, x, margin)
    if not holds.all():
        rest = ~holds
        a, x, margin = a[rest], x[rest], margin[rest]
        value = _log_jury_pmf_times_win(a, x, margin)
        value += np.log(_lentz_beta_fraction(a, a, x))
        out[rest] = value
    return out


def log_symmetric_tail_edgeworth(a, margin):
    """ln I_x(a, a) for large a, x = ½ − margin, by the Edgeworth series in log space.

    Beta(a, a) has mean ½, variance 1/(4(2a + 1)), no skew and excess kurtosis −6/(2a + 3), so
    F(z) = Φ(z) − φ(z)·κ₄/24·(z³ − 3z), with error O(a⁻²); written as
    ln Φ(z) + ln(1 + (φ/Φ)(z)·(z³ − 3z)/(4(2a + 3))) so that it holds far into the tail.
    """
    z = -2.0 * margin * np.sqrt(2.0 * a + 1.0)
    inverse_mills = 1.0 / (np.sqrt(np.pi / 2.0) * special.erfcx(-z / np.sqrt(2.0)))
    return special.log_ndtr(z) + np.log1p(inverse_mills * (z**3 - 3.0 * z) / (4.0 * (2.0 * a + 3.0)))


def log_symmetric_tail(a, x, margin):
    """ln I_x(a, a) for a ≥ 1 and 0 ≤ x ≤ ½ (margin = ½ − x ≥ 0), accurate far below the float range.

    Three regions, each where its method is accurate:

    * a < 10⁸: SciPy's ``betainc`` while its value is a normal float (≥ 1e-290);
    * a ≥ 10⁸ and z = −2·margin·√(2a + 1) > −6, or z⁴ < 10⁻¹²·a (where the series' relative error,
      O(z⁸/a²), is still negligible and x may round to ½): the Edgeworth series;
    * otherwise :func:`log_symmetric_tail_fraction`: the closed-form series of
      :func:`log_symmetric_tail_series` where it holds, else the log-space continued fraction.

    ``betainc`` (Boost ``ibeta``, SciPy 1.17) was measured with sporadic relative errors near 1e-5
    for a ≥ 10¹¹, which is why it is not used for large a.

    Each method runs only on its own points. The regions are found in blocks of ``_BLOCK`` points:
    block-sized temporaries stay in the cache and are reused by the allocator, where grid-sized
    ones would be returned to the system and page-faulted back on every call.
    """
    a, x, margin = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (a, x, margin)))
    shape = a.shape
    a, x, margin = (np.ravel(v) for v in (a, x, margin))
    out = np.empty(a.size)
    central, fraction = [], []
    for start in range(0, a.size, _BLOCK):
        block = slice(start, start + _BLOCK)
        in_central, in_fraction = _tail_block(a[block], x[block], margin[block], out[block])
        central.append(in_central + start)
        fraction.append(in_fraction + start)
    # The series and the fraction run on their points gathered from all blocks, again block by block.
    central, fraction = (np.concatenate(v) if v else np.empty(0, dtype=np.intp) for v in (central, fraction))
    for start in range(0, central.size, _BLOCK):
        at = central[start : start + _BLOCK]
        out[at] = log_symmetric_tail_edgeworth(a[at], margin[at])
    for start in range(0, fraction.size, _BLOCK):
        at = fraction[start : start + _BLOCK]
        out[at] = log_symmetric_tail_fraction(a[at], x[at], margin[at])
    return out.reshape(shape)


def _tail_block(a, x, margin, out):
    """Fill ``out`` with ln ``betainc`` where it serves, −∞ elsewhere; return the indices left for
    the Edgeworth series and for the continued fraction (see :func:`log_symmetric_tail`)."""
    out.fill(-np.inf)
    # Chernoff: I_x(a, a) ≤ (4x(1 − x))^(a − ½) = (1 − 4·margin²)^(a − ½); where that is already
    # below the floor, betainc would only underflow, so it is not called.
    bound = margin * margin
    bound *= -4.0
    with np.errstate(divide="ignore"):
        np.log1p(bound, out=bound)
    bound *= a - 0.5
    direct = bound >= LOG_DIRECT_TAIL_FLOOR
    large = a >= LARGE_JURY_HALF
    central = np.empty(0, dtype=np.intp)
    pieces = []
    if large.any():
        direct &= ~large
        in_large = np.flatnonzero(large)
        a_large = a[in_large]
        z = -2.0 * margin[in_large] * np.sqrt(2.0 * a_large + 1.0)
        z2 = z * z  # (z*z)**2, not z**4: NumPy's float power is element-wise pow(), 100× slower
        near = (z > -EDGEWORTH_Z_LIMIT) | (z2 * z2 < 1e-12 * a_large)
        central = in_large[near]
        pieces.append(in_large[~near])
    in_direct = np.flatnonzero(direct)
    if in_direct.size:
        a_direct = a[in_direct]
        value = special.betainc(a_direct, a_direct, x[in_direct])
        normal = value >= DIRECT_TAIL_FLOOR
        out[in_direct[normal]] = np.log(value[normal])
        pieces.append(in_direct[~normal])
    pieces.append(np.flatnonzero(~(direct | large)))
    fraction = np.concatenate(pieces)
    return central, fraction[x[fraction] > 0.0]
