"""The Overview page's cached core calls, its chart and its CSV.

The chart is P_align against labels from the core's curve, with the programme's point, the target
and the reference pipelines (:mod:`aliquant_app.chart_style` draws the marks shared with other
charts); keyed by the sidebar's values rather than by the curve's points, a rerun whose inputs
have not changed finds it without hashing the curve.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import aliquant_core as core
from aliquant_core import anchors
from aliquant_core.quantities import QUANTITIES

from . import calls
from . import chart_style as style
from .calls import Classes, cached_data, cached_figure, split_classes
from .formatting import count, probability
from .programmes_view import source_name

__all__ = [
    "CURVE_POINTS",
    "DEFAULT_COST_SOURCE",
    "LINK_KEYS",
    "LINK_LABELS",
    "PIPELINES",
    "SKIPPED",
    "alignment_curve",
    "chart",
    "chart_csv",
    "curve",
    "curve_csv",
    "evaluate_at",
    "hours_labels",
    "required",
    "tolerances",
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

#: Points of the P_align curve, log-spaced over 1 to 1e12 labels (rounded to whole labels).
CURVE_POINTS = 721
_LOG_MIN, _LOG_MAX = QUANTITIES["labels"].log10_bounds  # the x axis: 1 to the most labels


# --- cached core calls --------------------------------------------------------------------------


@cached_data(max_entries=128)
def evaluate_at(
    labels: tuple[float, ...], *, error_rate=None, agreement=None, classes: Classes = (), **threat
) -> list[float]:
    """P_align at each of a few label counts (e.g. the reference pipelines); over every class with
    ``classes`` added beside the sidebar's."""
    if not labels:
        return []
    n = np.asarray(labels, dtype=float)
    if classes:
        shared, listed = split_classes(threat, classes)
        result = core.classes_p_align(n, error_rate, agreement=agreement, classes=listed, **shared)
    else:
        result = core.p_align(n, error_rate, agreement=agreement, **threat)
    return np.atleast_1d(result.p_align).astype(float).tolist()


@cached_data(max_entries=64)
def curve(*, error_rate=None, agreement=None, classes: Classes = (), **threat) -> dict[str, list[float]]:
    """P_align, its Bonferroni bound and P₁ (the range's upper end) on a log grid of labels from 1 to 1e12.

    With ``classes``, over every class: ``p_single`` is then the range's upper end over classes,
    :math:`\\min_c P_{1,c}`.
    """
    labels = np.unique(np.round(np.logspace(_LOG_MIN, _LOG_MAX, CURVE_POINTS)))
    fields = ("p_align", "p_align_lower_bound", "p_single")
    if classes:
        shared, listed = split_classes(threat, classes)
        result = core.classes_p_align(labels, error_rate, agreement=agreement, classes=listed, **shared)
        values = {"p_align": result.p_align, "p_align_lower_bound": result.p_align_lower_bound,
                  "p_single": result.p_align_one_contest}  # fmt: skip
        return {"labels": labels.tolist(), **{k: np.asarray(values[k], dtype=float).tolist() for k in fields}}
    result = core.p_align(labels, error_rate, agreement=agreement, **threat).to_dict()
    return {"labels": labels.tolist(), **{k: result[k] for k in fields}}


@cached_data(max_entries=256)
def required(target: float, *, error_rate=None, agreement=None, classes: Classes = (), **threat) -> float:
    """:func:`aliquant_core.required_labels`: smallest N reaching ``target`` (``inf`` if none); over
    every class with ``classes`` added beside the sidebar's."""
    if classes:
        shared, listed = split_classes(threat, classes)
        return float(core.required_labels(target, error_rate, agreement=agreement, classes=listed, **shared))
    return float(core.required_labels(target, error_rate, agreement=agreement, **threat))


@cached_data(max_entries=256)
def tolerances(
    target: float, labels: float, *, error_rate: float, classes: Classes = (), **threat
) -> dict[str, float]:
    """The worst error rate, blind spot and log₁₀K with which ``labels`` still reach ``target``.

    ``max_error_rate`` and ``max_blind_spot`` are NaN where nothing reaches the target;
    ``max_competitors_log10`` is NaN where even one competitor is too many and ``inf`` where
    labels never err. ``min_agreement`` is the agreement of the largest error rate. With
    ``classes`` added beside the sidebar's, over every class; ``max_competitors_log10`` is then the
    sidebar's class's count, the added classes held.
    """

    def others(name: str) -> dict[str, float]:
        return {k: v for k, v in threat.items() if k != name}

    if classes:
        shared, listed = split_classes(threat, classes)
        by = {"classes": listed, **{k: v for k, v in shared.items() if k != "blind_spot"}}
        max_error = float(core.max_error_rate(target, labels, blind_spot=threat["blind_spot"], **by))
        max_blind = float(core.max_blind_spot(target, labels, error_rate, **by))
        max_k = float(core.max_competitors_log10(target, labels, error_rate, **by))
    else:
        max_error = float(core.max_error_rate(target, labels, **threat))
        max_blind = float(core.max_blind_spot(target, labels, error_rate, **others("blind_spot")))
        max_k = float(core.max_competitors_log10(target, labels, error_rate, **others("competitors_log10")))
    min_agreement = math.nan if math.isnan(max_error) else float(core.agreement_from_error_rate(max_error))
    return {
        "max_error_rate": max_error,
        "max_blind_spot": max_blind,
        "max_competitors_log10": max_k,
        "min_agreement": min_agreement,
    }


# --- chart and CSV ------------------------------------------------------------------------------


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
    model = {**dict(quality), **dict(threat)}
    result = calls.evaluate(labels, **model)
    at_pipelines = evaluate_at(tuple(float(p.comparisons) for p in PIPELINES), **model)
    markers = tuple(
        style.Marker(
            p.name, float(p.comparisons_low), float(p.comparisons_high), float(p.comparisons), value, p.source
        )
        for p, value in zip(PIPELINES, at_pipelines, strict=True)
    )
    rlhf = float(anchors.RLHF_REFERENCE.comparisons)
    return alignment_curve(
        curve(**model),
        labels=labels,
        p_align=result["p_align"],
        p_misalign=result["p_misalign"],
        target=target,
        required_labels=required(target, **model),
        pipelines=markers,
        rlhf_band=(rlhf / 100.0, rlhf * 100.0),
        rlhf_name=anchors.RLHF_REFERENCE.name,
        hours_labels=hours_labels(),
        hours=anchors.FEW_HUNDRED_HOURS,
        seconds_per_label=anchors.ALPACAEVAL_HUMAN.seconds_per_label,
    )


def alignment_curve(
    curve: Mapping[str, Sequence[float]],
    *,
    labels: float,
    p_align: float,
    p_misalign: float,
    target: float,
    required_labels: float,
    pipelines: Sequence[style.Marker],
    rlhf_band: tuple[float, float],
    rlhf_name: str,
    hours_labels: float,
    hours: float,
    seconds_per_label: float,
    height: int = 350,
) -> go.Figure:
    """P_align against labels on a log axis, with reference pipelines in a strip below.

    Parameters
    ----------
    curve : mapping
        ``labels``, ``p_align``, ``p_align_lower_bound`` and ``p_single`` lists (see :func:`curve`);
        the band between ``p_align`` and ``p_single`` is where one shared dataset puts the truth.
    labels, p_align, p_misalign : float
        The current programme (drawn at 1 label if it has fewer, since the axis is logarithmic).
    target : float
        P*, drawn as a horizontal line.
    required_labels : float
        Labels for the target, marked where finite and within the axis.
    pipelines : sequence of Marker
        Reference pipelines, each in its own lane of the strip and as a point on the curve.
    rlhf_band : (float, float)
        The "within 2 OOM of RLHF" band in labels.
    rlhf_name : str
        The pipeline the band is measured from.
    hours_labels, hours, seconds_per_label : float
        The "few hundred hours" line: ``hours`` of labelling at ``seconds_per_label`` each.
    height : int
        Figure height in pixels.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.76, 0.24], vertical_spacing=0.04)
    lanes = len(pipelines)
    hover = (
        f"{hours:g} labeler-hours at {seconds_per_label:g} s per comparison (AlpacaEval) "
        f"≈ {count(hours_labels)} labels"
    )
    for row, y in ((1, (0.0, 1.0)), (2, (-1.0, float(lanes)))):
        style.rlhf_band(fig, rlhf_band, rlhf_name, y=y, row=row)
        style.vertical_line(
            fig, hours_labels, (0.0, 1.0) if row == 1 else (-1.0, 99.0), color=style.HOURS, dash="dash",
            name="few hundred hours", hover=hover, showlegend=False, row=row,
        )  # fmt: skip

    xs = curve["labels"]
    style.bound_line(
        fig, xs, curve["p_align_lower_bound"], width=1.5, row=1,
        hover="N = %{x:,.0f}<br>lower bound = %{y:.4g}",
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=curve["p_align"],
            mode="lines",
            line={"color": style.CURVE, "width": 2.5},
            name="P_align",
            hovertemplate="N = %{x:,.0f}<br>P_align = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    # The range one shared dataset allows: from the independent P₁^K (above) up to P₁.
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=curve["p_single"],
            mode="lines",
            line={"color": style.CURVE, "width": 1, "dash": "dot"},
            fill="tonexty",
            fillcolor=style.RANGE_FILL,
            name="range on one dataset (up to P₁)",
            hovertemplate="N = %{x:,.0f}<br>P₁ (one contest) = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    style.target_line(fig, 10.0**_LOG_MIN, 10.0**_LOG_MAX, target, row=1)
    style.pipeline_points(fig, pipelines)
    if math.isfinite(required_labels) and 1.0 <= required_labels <= 10.0**_LOG_MAX:
        fig.add_trace(
            go.Scatter(
                x=[required_labels],
                y=[target],
                mode="markers",
                marker={
                    "symbol": "x-thin",
                    "size": 12,
                    "color": style.TARGET,
                    "line": {"width": 2.5, "color": style.TARGET},
                },
                name="labels for P*",
                hovertemplate=f"{count(required_labels)} labels reach P* = {target:g}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    style.this_programme(
        fig, max(labels, 1.0), p_align, row=1,
        hover=f"this programme: {count(labels)} labels<br>P_align = {probability(p_align, p_misalign)}",
    )  # fmt: skip
    style.pipeline_strip(fig, pipelines)

    fig.add_annotation(
        x=math.log10(hours_labels),
        y=0.5,
        xref="x",
        yref="y",
        text=f"{hours:g} labeler-hours ({seconds_per_label:g} s each)",
        textangle=-90,
        showarrow=False,
        xanchor="right",
        font={"size": 10, "color": style.HOURS},
    )
    fig.add_annotation(
        x=math.log10(rlhf_band[1]),
        y=0.02,
        xref="x",
        yref="y",
        text=f"within 2 OOM of RLHF<br>({rlhf_name} ÷/×100)",
        showarrow=False,
        xanchor="right",
        yanchor="bottom",
        align="right",
        font={"size": 10, "color": style.HOURS},
    )
    fig.update_xaxes(
        **style.LOG_AXIS, range=[_LOG_MIN - 0.12, _LOG_MAX + 0.12], showgrid=True, gridcolor=style.GRID
    )
    fig.update_xaxes(title={"text": "labels N (comparisons, log scale)", "standoff": 4}, row=2, col=1)
    style.probability_axis(fig, row=1)
    return style.legend_above(fig, height=height, margin={"l": 55, "r": 10, "t": 30, "b": 40})


@cached_data(max_entries=32)
def curve_csv(curve: Mapping[str, Sequence[float]], settings: Mapping[str, float]) -> str:
    """The chart's curve as CSV: one row per label count, the settings repeated as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(settings)
    writer.writerow(["labels", "p_align", "p_align_lower_bound", "p_single", *names])
    fixed = [repr(float(settings[name])) for name in names]
    columns = (curve["labels"], curve["p_align"], curve["p_align_lower_bound"], curve["p_single"])
    for n, p, low, one in zip(*columns, strict=True):
        writer.writerow([f"{n:.0f}", repr(float(p)), repr(float(low)), repr(float(one)), *fixed])
    return buffer.getvalue()


def chart_csv(
    quality: tuple[tuple[str, float], ...],
    threat: tuple[tuple[str, float], ...],
    settings: Mapping[str, float],
) -> str:
    """The chart's curve as CSV (:func:`curve_csv`), written when asked for."""
    return curve_csv(curve(**dict(quality), **dict(threat)), settings)
