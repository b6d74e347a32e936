"""Thin cached wrappers around the core: plain floats and lists in, plain floats and lists out.

Each wrapper is :func:`aliquant_app.caching.cached_data` (``st.cache_data`` bounded by
``max_entries`` and a time to live), so a long session that visits many settings keeps at most a
few hundred small results. Nothing here changes the core's numbers;
it only converts NumPy scalars and arrays to Python values that cache and serialise cleanly.
"""

from __future__ import annotations

import math

import numpy as np

import aliquant_core as core

from .caching import cached_data

__all__ = ["CURVE_POINTS", "curve", "evaluate", "evaluate_at", "required", "tolerances"]

#: Points of the P_align curve, log-spaced over 1 to 1e12 labels (rounded to whole labels).
CURVE_POINTS = 721


def _f(x) -> float:
    return float(np.asarray(x, dtype=float))


@cached_data(max_entries=256)
def evaluate(
    labels: float,
    *,
    error_rate: float | None = None,
    agreement: float | None = None,
    blind_spot: float,
    footprint: float,
    exploitation: float,
    competitors_log10: float,
    prior_bits: float,
) -> dict[str, float | str]:
    """:func:`aliquant_core.p_align` for one programme, as a dict of Python values."""
    result = core.p_align(
        labels,
        error_rate,
        agreement=agreement,
        blind_spot=blind_spot,
        footprint=footprint,
        exploitation=exploitation,
        competitors_log10=competitors_log10,
        prior_bits=prior_bits,
    )
    return {
        "p_align": _f(result.p_align),
        "p_align_lower_bound": _f(result.p_align_lower_bound),
        "p_misalign": _f(result.p_misalign),
        "p_single": _f(result.p_single),
        "single_failure": _f(result.single_failure),
        "log10_single_failure": _f(result.log10_single_failure),
        "label_win_prob": _f(result.label_win_prob),
        "blind_share": _f(result.blind_share),
        "informative_labels": _f(result.informative_labels),
        "effective_competitors_log10": _f(result.effective_competitors_log10),
        "regime": str(result.regime),
    }


@cached_data(max_entries=128)
def evaluate_at(
    labels: tuple[float, ...],
    *,
    error_rate: float | None = None,
    agreement: float | None = None,
    blind_spot: float,
    footprint: float,
    exploitation: float,
    competitors_log10: float,
    prior_bits: float,
) -> list[float]:
    """P_align at each of a few label counts (e.g. the reference pipelines)."""
    if not labels:
        return []
    result = core.p_align(
        np.asarray(labels, dtype=float),
        error_rate,
        agreement=agreement,
        blind_spot=blind_spot,
        footprint=footprint,
        exploitation=exploitation,
        competitors_log10=competitors_log10,
        prior_bits=prior_bits,
    )
    return np.atleast_1d(result.p_align).astype(float).tolist()


@cached_data(max_entries=64)
def curve(
    *,
    error_rate: float | None = None,
    agreement: float | None = None,
    blind_spot: float,
    footprint: float,
    exploitation: float,
    competitors_log10: float,
    prior_bits: float,
) -> dict[str, list[float]]:
    """P_align and its Bonferroni bound on a log grid of labels from 1 to 1e12."""
    labels = np.unique(np.round(np.logspace(0.0, 12.0, CURVE_POINTS)))
    result = core.p_align(
        labels,
        error_rate,
        agreement=agreement,
        blind_spot=blind_spot,
        footprint=footprint,
        exploitation=exploitation,
        competitors_log10=competitors_log10,
        prior_bits=prior_bits,
    )
    return {
        "labels": labels.tolist(),
        "p_align": np.asarray(result.p_align, dtype=float).tolist(),
        "p_align_lower_bound": np.asarray(result.p_align_lower_bound, dtype=float).tolist(),
    }


@cached_data(max_entries=256)
def required(
    target: float,
    *,
    error_rate: float | None = None,
    agreement: float | None = None,
    blind_spot: float,
    footprint: float,
    exploitation: float,
    competitors_log10: float,
    prior_bits: float,
) -> float:
    """:func:`aliquant_core.required_labels`: smallest N reaching ``target`` (``inf`` if none)."""
    return _f(
        core.required_labels(
            target,
            error_rate,
            agreement=agreement,
            blind_spot=blind_spot,
            footprint=footprint,
            exploitation=exploitation,
            competitors_log10=competitors_log10,
            prior_bits=prior_bits,
        )
    )


@cached_data(max_entries=256)
def tolerances(
    target: float,
    labels: float,
    *,
    error_rate: float,
    blind_spot: float,
    footprint: float,
    exploitation: float,
    competitors_log10: float,
    prior_bits: float,
) -> dict[str, float]:
    """The worst error rate, blind spot and log₁₀K with which ``labels`` still reach ``target``.

    ``max_error_rate`` and ``max_blind_spot`` are NaN where nothing reaches the target;
    ``max_competitors_log10`` is NaN where even one competitor is too many and ``inf`` where
    labels never err. ``min_agreement`` is the agreement of the largest error rate.
    """
    shared = {"footprint": footprint, "exploitation": exploitation, "prior_bits": prior_bits}
    max_error = _f(
        core.max_error_rate(
            target, labels, blind_spot=blind_spot, competitors_log10=competitors_log10, **shared
        )
    )
    max_blind = _f(
        core.max_blind_spot(target, labels, error_rate, competitors_log10=competitors_log10, **shared)
    )
    max_k = _f(core.max_competitors_log10(target, labels, error_rate, blind_spot=blind_spot, **shared))
    min_agreement = math.nan if math.isnan(max_error) else _f(core.agreement_from_error_rate(max_error))
    return {
        "max_error_rate": max_error,
        "max_blind_spot": max_blind,
        "max_competitors_log10": max_k,
        "min_agreement": min_agreement,
    }
