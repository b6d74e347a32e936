"""The Overview page's chart and its CSV, cached by the page's few inputs.

The chart is drawn by :func:`aliquant_app.charts.alignment_curve` from the core's curve, the
programme's point and the reference pipelines; keyed by the sidebar's values rather than by the
curve's 481 points, a rerun whose inputs have not changed finds it without hashing the curve.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go

from aliquant_core import anchors

from . import cache
from .caching import cached_figure
from .charts import Marker, alignment_curve, curve_csv
from .programmes_view import source_name

__all__ = [
    "DEFAULT_COST_SOURCE",
    "LINK_KEYS",
    "LINK_LABELS",
    "PIPELINES",
    "SKIPPED",
    "chart",
    "chart_csv",
    "hours_labels",
]

#: The preset that prices the programme by default: InstructGPT-like contractors, whose error
#: rate is the default quality (agreement 72.6%).
DEFAULT_COST_SOURCE = "contractors"
#: The page's own control in the link, and how it writes its option (the source's name).
LINK_KEYS: tuple[str, ...] = ("cost_source",)
LINK_LABELS = {"cost_source": source_name}

#: Reference pipelines with a published comparison count (drawn in the strip and on the curve).
PIPELINES = tuple(p for p in anchors.REFERENCE_PIPELINES if p.comparisons is not None)
#: Reference pipelines without one (named under the chart).
SKIPPED = tuple(p.name for p in anchors.REFERENCE_PIPELINES if p.comparisons is None)


def hours_labels() -> float:
    """Comparisons in a few hundred labeler-hours at AlpacaEval's seconds per comparison."""
    return anchors.FEW_HUNDRED_HOURS * 3600.0 / anchors.ALPACAEVAL_HUMAN.seconds_per_label


@cached_figure()
def chart(
    labels: float,
    target: float,
    quality: tuple[tuple[str, float], ...],
    threat: tuple[tuple[str, float], ...],
) -> go.Figure:
    """P_align against labels for the sidebar's ``quality`` and ``threat`` (each as sorted
    ``(name, value)`` pairs), with the programme at ``labels`` and the target ``target``."""
    quality_kw, threat_kw = dict(quality), dict(threat)
    result = cache.evaluate(labels, **quality_kw, **threat_kw)
    at_pipelines = cache.evaluate_at(
        tuple(float(p.comparisons) for p in PIPELINES), **quality_kw, **threat_kw
    )
    markers = tuple(
        Marker(
            p.name, float(p.comparisons_low), float(p.comparisons_high), float(p.comparisons), value, p.source
        )
        for p, value in zip(PIPELINES, at_pipelines, strict=True)
    )
    rlhf = float(anchors.RLHF_REFERENCE.comparisons)
    return alignment_curve(
        cache.curve(**quality_kw, **threat_kw),
        labels=labels,
        p_align=result["p_align"],
        p_misalign=result["p_misalign"],
        target=target,
        required_labels=cache.required(target, **quality_kw, **threat_kw),
        pipelines=markers,
        rlhf_band=(rlhf / 100.0, rlhf * 100.0),
        rlhf_name=anchors.RLHF_REFERENCE.name,
        hours_labels=hours_labels(),
        hours=anchors.FEW_HUNDRED_HOURS,
        seconds_per_label=anchors.ALPACAEVAL_HUMAN.seconds_per_label,
    )


def chart_csv(
    quality: tuple[tuple[str, float], ...],
    threat: tuple[tuple[str, float], ...],
    settings: Mapping[str, float],
) -> str:
    """The chart's curve as CSV (:func:`aliquant_app.charts.curve_csv`), written when asked for."""
    return curve_csv(cache.curve(**dict(quality), **dict(threat)), settings)
