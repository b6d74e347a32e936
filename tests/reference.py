"""Slow, obviously correct reference implementations for the tests to check the fast core against.

Each follows the model brief word for word, in mpmath at 40 significant digits (so tails far below
the float range and :math:`K_\\text{eff}` up to :math:`10^{300}` need no special care):

* P₁ = P(W > m/2) + ½·P(W = m/2) by summing binomial terms one by one;
* P_align = P₁^K_eff = exp(K_eff · log(1 − (1 − P₁))) with the tail summed separately, so that
  1 − P₁ keeps its relative accuracy;
* m = round(f·N) with halves rounded up, h and q by their defining formulas.

Cost grows with m (one term per label); keep m in the thousands.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp

from aliquant_core import DEFAULTS, THREAT

DIGITS = 40

#: The threat the core defaulted to before the table of quantities (issue #12): no blind spot,
#: every situation informative, one competitor. Tests whose expected values were worked out for it
#: (by hand, from SciPy or from mpmath) pass it explicitly, so those values stay as cited.
PLAIN = {
    "blind_spot": 0.0,
    "footprint": 1.0,
    "exploitation": 1.0,
    "competitors_log10": 0.0,
    "prior_bits": 0.0,
}


#: 90% intervals for every uncertain quantity around a realistic programme: the uncertainty tests'
#: scenario and the benchmarks' workload (``benchmarks/bench_programmes.py``). The order sets which
#: quasi-random dimension each quantity draws, so the tests' seeded values depend on it.
INTERVALS = {
    "labels": (3e4, 3e5),
    "error_rate": (0.1, 0.25),
    "blind_spot": (0.01, 0.06),
    "exploitation": (0.4, 0.9),
    "competitors_log10": (10.0, 40.0),
    "footprint": (0.02, 0.1),
    "prior_bits": (0.0, 20.0),
}


def plain(**changes: float) -> dict[str, float]:
    """:data:`PLAIN` with ``changes``, for ``**`` in a single-source call."""
    return {**PLAIN, **changes}


def plain_shared(**changes: float) -> dict[str, float]:
    """:func:`plain` without ``blind_spot``, for a mixture, whose sources each have their own."""
    return {k: v for k, v in plain(**changes).items() if k != "blind_spot"}


@dataclass(frozen=True)
class Reference:
    """High-precision values of the brief's quantities for one scenario."""

    p_align: mp.mpf
    p_single: mp.mpf
    single_failure: mp.mpf
    lower_bound: mp.mpf
    informative: int
    win_prob: mp.mpf


def binomial_terms(m: int, q: mp.mpf, p: mp.mpf) -> list[mp.mpf]:
    """P(W = w) for w = 0..m, W ~ Binomial(m, q), with p = 1 − q given separately.

    p is passed in rather than formed as 1 − q, which would lose its relative accuracy when tiny.
    """
    return [mp.binomial(m, w) * q**w * p ** (m - w) for w in range(m + 1)]


def reference(labels: float, error_rate: float, **threat: float) -> Reference:
    """The brief's P_align for one scenario, by direct summation (the threat defaults as the core's)."""
    assert set(threat) <= set(THREAT), threat
    with mp.workdps(DIGITS):
        v = {name: mp.mpf(float(threat.get(name, DEFAULTS[name]))) for name in THREAT}
        eps, sigma, f, chi = mp.mpf(float(error_rate)), v["blind_spot"], v["footprint"], v["exploitation"]
        h = sigma + chi * (min(mp.mpf(1), sigma / f) - sigma)
        phi = v["fooled_rate"]
        q = (1 - h) * (1 - eps) + h * (1 - phi)
        p = (1 - h) * eps + h * phi
        m = int(mp.floor(f * mp.mpf(float(labels)) + mp.mpf("0.5")))
        terms = binomial_terms(m, q, p)
        half = mp.mpf(m) / 2
        win = mp.fsum(t for w, t in enumerate(terms) if w > half)
        loss = mp.fsum(t for w, t in enumerate(terms) if w < half)
        tie = terms[m // 2] if m % 2 == 0 else mp.mpf(0)
        p_single = win + tie / 2
        failure = loss + tie / 2
        k_eff = max(mp.mpf(1), mp.power(10, v["competitors_log10"]) * mp.power(2, -v["prior_bits"]))
        if p_single == 0:
            p_align = mp.mpf(0)
        else:
            p_align = mp.exp(k_eff * mp.log1p(-failure)) if failure < 1 else mp.mpf(0)
        lower = max(mp.mpf(0), 1 - k_eff * failure)
        return Reference(p_align, p_single, failure, lower, m, q)


def required_labels_reference(target: float, error_rate: float, limit: int = 20_000, **assumptions) -> float:
    """Smallest N ≤ limit with P_align ≥ target, by trying N = 0, 1, 2, ... in turn; inf if none."""
    with mp.workdps(DIGITS):
        for labels in range(limit + 1):
            if reference(labels, error_rate, **assumptions).p_align >= mp.mpf(float(target)):
                return float(labels)
    return float("inf")


def symmetric_tail_reference(a: float, x: float) -> mp.mpf:
    """I_x(a, a), the regularised incomplete beta function, by adaptive quadrature of its integral.

    .. math:: I_x(a, a) = \\frac{1}{B(a, a)} \\int_0^x t^{a-1} (1 - t)^{a-1}\\, dt

    For huge a the integrand is a narrow spike at the upper limit, so the interval is split at
    geometrically spaced distances below x (multiples of the integrand's decay length and of the
    Beta(a, a) standard deviation) for the Gauss–Legendre rule to resolve it.
    """
    with mp.workdps(DIGITS):
        a = mp.mpf(float(a))
        x = mp.mpf(float(x))
        log_norm = 2 * mp.loggamma(a) - mp.loggamma(2 * a)

        def density(t):
            return mp.exp((a - 1) * (mp.log(t) + mp.log1p(-t)) - log_norm)

        slope = (a - 1) * (1 / x - 1 / (1 - x))
        decay = 1 / slope if slope > 0 else x
        width = min(decay, 1 / mp.sqrt(8 * a), x)
        points = {mp.mpf(0), x}
        step = width / 4
        while step < x:
            points.add(x - step)
            step *= 2
        return mp.quad(density, sorted(points))


def mixture_reference(counts, win, weights) -> tuple[mp.mpf, mp.mpf]:
    """P₁ and 1 − P₁ for labels from several sources, by enumerating every label outcome.

    Every combination of win counts (W_1, …, W_k) is visited, scored S = Σ w_s (2W_s − m_s) in
    40-digit arithmetic, and its probability Π C(m_s, W_s) q_s^W_s (1 − q_s)^(m_s − W_s) added to
    the side it falls on (ties split in half). Exponential in the number of sources: keep it tiny.
    """
    import itertools

    with mp.workdps(DIGITS):
        q = [mp.mpf(float(v)) for v in win]
        w = [mp.mpf(float(v)) for v in weights]
        single = failure = mp.mpf(0)
        for combo in itertools.product(*[range(int(m) + 1) for m in counts]):
            prob = mp.mpf(1)
            score = mp.mpf(0)
            for k, m, qs, ws in zip(combo, counts, q, w, strict=True):
                m = int(m)
                prob *= mp.binomial(m, k) * qs**k * (1 - qs) ** (m - k)
                score += ws * (2 * k - m)
            if abs(score) < mp.mpf("1e-30"):
                single += prob / 2
                failure += prob / 2
            elif score > 0:
                single += prob
            else:
                failure += prob
        return single, failure


def shared_dataset_reference(common: int, own: int, q: float, competitors: float) -> tuple[mp.mpf, mp.mpf]:
    """P_align and 1 − P_align of the overlap model by direct double summation (model brief).

    For each count j of the ``common`` labels won and each count w of a competitor's ``own``
    labels won, the score is (2j − common) + (2w − own); the competitor loses when it is positive,
    with probability ½ when it is 0. Given j the ``competitors`` contests are independent:
    P_align = Σ_j P(J = j)·P_p(j)^K and 1 − P_align = Σ_j P(J = j)·(1 − (1 − F_p(j))^K), with
    F_p(j) = 1 − P_p(j) summed on its own so it keeps its relative accuracy.
    """
    with mp.workdps(DIGITS):
        return _shared_dataset_sums(common, own, mp.mpf(q), mp.mpf(competitors))


def _shared_dataset_sums(common: int, own: int, q: mp.mpf, k: mp.mpf) -> tuple[mp.mpf, mp.mpf]:
    common_terms = binomial_terms(common, q, 1 - q)
    own_terms = binomial_terms(own, q, 1 - q)
    align = misalign = mp.mpf(0)
    for j, weight in enumerate(common_terms):
        lose = fail = mp.mpf(0)
        for w, term in enumerate(own_terms):
            score = (2 * j - common) + (2 * w - own)
            if score > 0:
                lose += term
            elif score < 0:
                fail += term
            else:
                lose += term / 2
                fail += term / 2
        align += weight * mp.exp(k * mp.log1p(-fail)) if fail < 1 else 0
        misalign += weight * -mp.expm1(k * mp.log1p(-fail)) if fail < 1 else weight
    return align, misalign


def majority_agreement_reference(error_rate: float, others: int) -> mp.mpf:
    """One labeler's agreement with the majority of ``others`` others, by enumerating the others' votes.

    Every labeler errs independently with ``error_rate``. For each count k of the others who err
    (probability C(r, k) ε^k (1 − ε)^(r − k)) the majority is wrong when k > r/2, right when k < r/2
    and a coin flip at k = r/2; the labeler agrees with it when both are right or both are wrong.
    """
    with mp.workdps(DIGITS):
        e = mp.mpf(error_rate)  # a float, or the bisection's 40-digit midpoint
        agree = mp.mpf(0)
        for k in range(others + 1):
            prob = mp.binomial(others, k) * e**k * (1 - e) ** (others - k)
            majority_wrong = 1 if 2 * k > others else mp.mpf(1) / 2 if 2 * k == others else 0
            agree += prob * ((1 - e) * (1 - majority_wrong) + e * majority_wrong)
        return agree


def error_rate_from_majority_agreement_reference(agreement: float, others: int) -> mp.mpf:
    """The error rate in [0, ½] of :func:`majority_agreement_reference` ``= agreement``, by bisection.

    150 halvings of [0, ½] in 40-digit arithmetic (the agreement falls as the error rate rises).
    """
    with mp.workdps(DIGITS):
        target = mp.mpf(float(agreement))
        low, high = mp.mpf(0), mp.mpf(1) / 2
        for _ in range(150):
            middle = (low + high) / 2
            if majority_agreement_reference(middle, others) > target:
                low = middle
            else:
                high = middle
        return (low + high) / 2


@dataclass(frozen=True)
class ClassesReference:
    """High-precision values over competitor classes: each class's :class:`Reference`, and the whole."""

    p_align: mp.mpf
    lower_bound: mp.mpf
    one_contest: mp.mpf
    classes: tuple[Reference, ...]


def classes_reference(labels: float, error_rate: float, classes, **shared: float) -> ClassesReference:
    """The brief's P_align = Π_c P₁,c^K_eff,c by direct summation per class (:func:`reference` each).

    ``classes`` are :class:`aliquant_core.CompetitorClass` values (or anything with their
    ``threat``); ``shared`` the shared threat (blind_spot, fooled_rate, prior_bits).
    """
    with mp.workdps(DIGITS):
        per_class = tuple(reference(labels, error_rate, **shared, **c.threat) for c in classes)
        p_align = mp.fprod(r.p_align for r in per_class)
        union = mp.fsum(
            max(
                mp.mpf(1),
                mp.power(10, mp.mpf(c.competitors_log10)) * mp.power(2, -mp.mpf(shared.get("prior_bits", 0))),
            )
            * r.single_failure
            for c, r in zip(classes, per_class, strict=True)
        )
        return ClassesReference(
            p_align, max(mp.mpf(0), 1 - union), min(r.p_single for r in per_class), per_class
        )


def classes_required_labels_reference(
    target: float, error_rate: float, classes, limit: int = 3000, **shared
) -> float:
    """Smallest N ≤ limit with Π_c P₁,c^K_eff,c ≥ target, trying N = 0, 1, 2, ...; inf if none."""
    with mp.workdps(DIGITS):
        goal = mp.mpf(float(target))
        for labels in range(limit + 1):
            if classes_reference(labels, error_rate, classes, **shared).p_align >= goal:
                return float(labels)
    return float("inf")


def loss_bound_bisection(a, budget):
    """The largest loss chance x = 1 − q with which a jury half-size a reaches the target: a plain
    bisection, 80 halvings of logit q ∈ [−745, 745] (``aliquant_core.solve._loss_bound`` before its
    speculative search; that must end exactly where this does)."""
    import numpy as np
    from scipy import special

    from aliquant_core.solve import _meets

    lo = np.full_like(budget, -745.0)  # fails (unless everything passes)
    hi = np.full_like(budget, 745.0)  # passes (unless nothing does)

    def meets(logit):
        win = special.expit(logit)
        loss = special.expit(-logit)
        margin = 0.5 * np.tanh(0.5 * logit)
        return _meets(a, loss, win, margin, budget)

    all_pass = meets(lo)
    none_pass = ~meets(hi)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        ok = meets(mid)
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    bound = special.expit(-hi)
    bound = np.where(all_pass, 1.0, bound)
    return np.where(none_pass, np.nan, bound)


def first_below_bisection(limit, low, high, exponent):
    """The smallest whole j in [low, high] with exponent(j) ≤ limit (high + 1 if none): a plain
    bisection calling ``exponent`` one j at a time (exponent decreasing)."""
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


def shared_point_bisection(common: float, own: float, q: float, log_k: float) -> tuple[float, float]:
    """ln P_align(ρ) and ln(1 − P_align(ρ)) for one scenario: ``aliquant_core.shared_dataset._shared_point``
    as it was before its searches were batched, with :func:`first_below_bisection` calling the
    exponent one j at a time. The batched searches must give the same integers, so the same floats."""
    import numpy as np

    from aliquant_core import _math
    from aliquant_core.shared_dataset import (
        _CERTAIN_EXPONENT,
        _MAX_EXPONENT,
        _NEGLIGIBLE_EXPONENT,
        _WEIGHT_REACH,
        EXACT_TERMS,
        _log_at_least,
        _log_sum_terms,
    )

    common, own = int(common), int(own)
    _exponent = exponent_both_sides

    def exponent(j):
        return float(_exponent(j, common, own, q, log_k)[0])

    # The terms that can matter: from where K(−ln P_p) < 800 to where it is below e⁻⁴⁰ and past
    # the binomial weight's upper reach.
    start = first_below_bisection(_NEGLIGIBLE_EXPONENT, 0, common, exponent)
    done = first_below_bisection(_CERTAIN_EXPONENT, 0, common, exponent)
    mean = common * q
    spread = np.sqrt(2.0 * _WEIGHT_REACH * max(common * q * (1.0 - q), 1.0))
    reach = min(common, int(np.ceil(mean + spread)) + 1)
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
    log_exponent, _ = _exponent(j, common, own, q, log_k)
    power = np.exp(np.minimum(log_exponent, _MAX_EXPONENT))  # K(−ln P_p), kept finite
    log_power = -power  # ln P_p^K
    with np.errstate(divide="ignore"):
        # ln(1 − P_p^K): ln K(−ln P_p) itself where that is tiny (1 − e^(−x) = x to double precision).
        log_one_minus = np.where(log_exponent < -40.0, log_exponent, np.log(-np.expm1(-power)))
    log_beyond = float(_log_at_least(stop + 1.0, float(common), q))  # P(J > stop): P_p^K = 1 there
    # P(J < start) = P(m_c − J > m_c − start), in the tail where it is small.
    log_before = float(_log_at_least(common - start + 1.0, float(common), 1.0 - q))
    log_align = np.logaddexp(_log_sum_terms(log_weight + log_power, weights), log_beyond)
    # Before `start` every P_p^K is below e^−800: all of that weight fails.
    log_misalign = np.logaddexp(_log_sum_terms(log_weight + log_one_minus, weights), log_before)
    # Keep the smaller side's own sum; the other is its complement.
    if log_align <= log_misalign:
        return log_align, float(np.log1p(-np.exp(log_align)))
    return float(np.log1p(-np.exp(log_misalign))), log_misalign


def own_logs_both_sides(j, common, own, q):
    """ln P_p(j) and ln(1 − P_p(j)) of ``aliquant_core.shared_dataset``, computing both sides of every
    contest (as ``_own_logs`` did before it computed the larger only where needed); the same floats."""
    import numpy as np

    from aliquant_core import _math
    from aliquant_core.shared_dataset import _log_at_least

    t = (own + common) / 2.0 - j
    whole = t == np.floor(t)
    k_up = np.floor(t) + 1.0  # smallest count above t
    k_down = np.ceil(t) - 1.0  # largest count below t
    log_up = _log_at_least(k_up, own, q)
    log_down = _log_at_least(own - k_down, own, 1.0 - q)  # P(W ≤ k) = P(m − W ≥ m − k)
    in_range = whole & (t >= 0.0) & (t <= own)
    log_tie = np.full(np.shape(t), -np.inf)
    if np.any(in_range):
        log_tie[in_range] = _math.log_binomial_pmf(t[in_range], own, q) - _math.LN2
    log_up = np.logaddexp(log_up, log_tie)
    log_down = np.logaddexp(log_down, log_tie)
    # The larger side from the smaller, which carries full relative accuracy.
    up_small = log_up <= log_down
    with np.errstate(divide="ignore"):
        log_success = np.where(up_small, log_up, np.log1p(-np.exp(log_down)))
        log_failure = np.where(up_small, np.log1p(-np.exp(log_up)), log_down)
    return log_success, log_failure


def exponent_both_sides(j, common, own, q, log_k):
    """``aliquant_core.shared_dataset._exponent`` on :func:`own_logs_both_sides`."""
    import numpy as np

    from aliquant_core.model import _log_neg_log

    log_success, log_failure = own_logs_both_sides(np.asarray(j, dtype=float), common, own, q)
    return log_k + _log_neg_log(log_failure, log_success), log_success
