"""The Overview page's cached core calls, its chart and its CSV.

The chart is P_align against labels from the core's curve, with the programme's point, the target
and the reference pipelines (:mod:`aliquant_app.chart_style` draws the marks shared with other
charts); keyed by the sidebar's values rather than by the curve's points, a rerun whose inputs
have not changed finds it without hashing the curve.
"""

from __future__ import annotations

import collections
import logging
import math
import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import convert_to_base64
from plotly.subplots import make_subplots

import aliquant_core as core
from aliquant_core import anchors
from aliquant_core.quantities import QUANTITIES

from . import calls
from . import chart_style as style
from .calls import Classes, cached_data, cached_figure, split_classes
from .csv_tables import csv_text, setting_names, settings_values
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
    result = core.p_align(labels, error_rate, agreement=agreement, **threat)
    # Only the fields drawn, each as the result's to_dict() gives it (floats, from the float64
    # arrays): the whole to_dict() converts every field of the 721 points, 7 ms of a 0.6 ms call.
    drawn = {k: np.asarray(getattr(result, k), dtype=float).tolist() for k in fields}
    return {"labels": labels.tolist(), **drawn}


@cached_data(max_entries=256)
def required(target: float, *, error_rate=None, agreement=None, classes: Classes = (), **threat) -> float:
    """:func:`aliquant_core.required_labels`: smallest N reaching ``target`` (``inf`` if none); over
    every class with ``classes`` added beside the sidebar's."""
    if classes:
        shared, listed = split_classes(threat, classes)
        return float(core.required_labels(target, error_rate, agreement=agreement, classes=listed, **shared))
    return float(core.required_labels(target, error_rate, agreement=agreement, **threat))


@cached_data(max_entries=256)
def _max_error_rate(target: float, labels: float, **threat) -> float:
    return float(core.max_error_rate(target, labels, **threat))


@cached_data(max_entries=256)
def _max_blind_spot(target: float, labels: float, error_rate: float, **rest) -> float:
    return float(core.max_blind_spot(target, labels, error_rate, **rest))


@cached_data(max_entries=256)
def _max_competitors_log10(target: float, labels: float, error_rate: float, **rest) -> float:
    return float(core.max_competitors_log10(target, labels, error_rate, **rest))


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
        # Each solver is cached by what it depends on, so moving one control re-solves only those
        # that read it: the error rate's own tolerance does not depend on the error rate, the blind
        # spot's not on the blind spot (8 ms each at the defaults).
        max_error = _max_error_rate(target, labels, **threat)
        max_blind = _max_blind_spot(target, labels, error_rate, **others("blind_spot"))
        max_k = _max_competitors_log10(target, labels, error_rate, **others("competitors_log10"))
    min_agreement = math.nan if math.isnan(max_error) else float(core.agreement_from_error_rate(max_error))
    return {
        "max_error_rate": max_error,
        "max_blind_spot": max_blind,
        "max_competitors_log10": max_k,
        "min_agreement": min_agreement,
    }


@cached_data(max_entries=256)
def cost_of(source: str, labels: float) -> dict[str, float]:
    """Dollars, labeler-hours and calendar weeks of ``labels`` labels from the preset ``source``, one
    labeler per item (:func:`aliquant_core.programme_cost`; the Programmes page prices the same
    programme alike)."""
    cost = core.programme_cost(core.Programme((core.Allocation(core.PRESETS[source], labels, 1),)))
    return {k: float(getattr(cost, k)) for k in ("dollars", "labeler_hours", "calendar_weeks")}


@cached_data(max_entries=256)
def flips(*, error_rate: float, **threat: float) -> dict:
    """:func:`aliquant_core.regime_flips` as plain values (see :class:`aliquant_core.RegimeFlips`)."""
    return core.regime_flips(error_rate=error_rate, **threat).to_dict()


@cached_data(max_entries=64)
def cheapest_single(target: float, classes: Classes = (), **threat: float) -> tuple[str, float, float] | None:
    """The cheapest preset source, one label per item, that reaches ``target``: (its name, the labels,
    their dollars), or None. Each preset brings its own error rate and blind spot (as on the
    Programmes page, whose optimiser also tries mixtures and redundancy); ``classes`` as in
    :func:`aliquant_app.calls.evaluate`."""
    best = None
    for source in core.PRESETS.values():
        n = required(
            target,
            error_rate=source.error_rate,
            classes=classes,
            **{**threat, "blind_spot": source.blind_spot},
        )
        if math.isfinite(n) and (best is None or n * source.cost_per_label < best[2]):
            best = (source.name, n, n * source.cost_per_label)
    return best


# --- chart and CSV ------------------------------------------------------------------------------


def hours_labels(seconds_per_label: float) -> float:
    """Comparisons in a few hundred labeler-hours at ``seconds_per_label`` (the pricing source's)."""
    return anchors.FEW_HUNDRED_HOURS * 3600.0 / seconds_per_label


@cached_figure()
def chart(
    labels: float,
    target: float,
    quality: tuple[tuple[str, float], ...],
    threat: tuple[tuple[str, float], ...],
    priced_as: str = DEFAULT_COST_SOURCE,
    versus: tuple[float, tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]] | None = None,
    classes: Classes = (),
) -> go.Figure:
    """P_align against labels for the sidebar's ``quality`` and ``threat`` (each as sorted
    ``(name, value)`` pairs), with the programme at ``labels`` and the target ``target``; the
    "few hundred hours" line at the pace of ``priced_as`` (a preset), as the page's cost row.

    ``versus`` is the pinned A (its labels, quality and threat, the same way), drawn beside;
    ``classes``, competitor classes added beside the sidebar's (B's; A is drawn with the same).

    Drawn by :func:`alignment_curve`, or, once that has drawn a chart of the same shape, by
    putting this chart's data into that one's dict (:func:`_redrawn`), A's traces too.
    """
    arguments = _chart_arguments(labels, target, {**dict(quality), **dict(threat)}, priced_as, classes)
    if versus is not None:
        a_labels, a_quality, a_threat = versus
        a_model = {**dict(a_quality), **dict(a_threat)}
        a_result = calls.evaluate(a_labels, **a_model, classes=classes)
        arguments["versus"] = {
            **{k: v for k, v in curve(**a_model, classes=classes).items() if k in ("labels", "p_align")},
            "programme": (a_labels, a_result["p_align"], a_result["p_misalign"]),
        }
    return _redrawn(**arguments)


def _chart_arguments(
    labels: float, target: float, model: dict[str, float], priced_as: str, classes: Classes = ()
) -> dict:
    """:func:`alignment_curve`'s arguments for the programme, the target, the model's values, the
    pricing source (whose pace sets the few-hundred-hours line) and any competitor classes."""
    result = calls.evaluate(labels, **model, classes=classes)
    at_pipelines = evaluate_at(tuple(float(p.comparisons) for p in PIPELINES), **model, classes=classes)
    markers = tuple(
        style.Marker(
            p.name, float(p.comparisons_low), float(p.comparisons_high), float(p.comparisons), value, p.source
        )
        for p, value in zip(PIPELINES, at_pipelines, strict=True)
    )
    rlhf = float(anchors.RLHF_REFERENCE.comparisons)
    return {
        "curve": curve(**model, classes=classes),
        "labels": labels,
        "p_align": result["p_align"],
        "p_misalign": result["p_misalign"],
        "target": target,
        "required_labels": required(target, **model, classes=classes),
        "pipelines": markers,
        "rlhf_band": (rlhf / 100.0, rlhf * 100.0),
        "rlhf_name": anchors.RLHF_REFERENCE.name,
        "hours_labels": hours_labels(core.PRESETS[priced_as].seconds_per_label),
        "hours": anchors.FEW_HUNDRED_HOURS,
        "seconds_per_label": core.PRESETS[priced_as].seconds_per_label,
    }


# --- the chart redrawn from its dict ------------------------------------------------------------
#
# Plotly builds a figure of twenty traces in about 50 ms (make_subplots, each trace validated,
# each layout update parsed), and the Overview's chart changes with every value of every control
# of the model: a viewer dragging the error rate makes a new one per change. Six of its traces
# depend on the model; the rest (the bands, the lines, the pipelines' strip, the axes and the
# layout) only on the target. So the first chart of a shape is drawn by alignment_curve, and the
# next ones of that shape are its dict with those six traces' data replaced (_REDRAWN), under 1
# ms. The first redrawn chart of each shape is also drawn by alignment_curve and the two compared
# as JSON: should alignment_curve draw something that _REDRAWN does not replace (a new trace that
# depends on the model, a changed hover text), they differ, a warning is logged and every later
# chart is drawn by alignment_curve, as before. So a trace added to alignment_curve whose data
# depends on the model needs its entry in _REDRAWN (by its name) to keep the charts fast;
# tests/test_overview_chart.py compares the two over a range of settings and fails until it has.


def _curve_data(name: str) -> Callable[[dict], dict]:
    return lambda a: {"x": np.asarray(a["curve"]["labels"]), "y": np.asarray(a["curve"][name])}


def _pipeline_data(a: dict) -> dict:
    values = [p.p_align for p in a["pipelines"]]
    return {"y": values, "customdata": [[p.name, probability(p.p_align)] for p in a["pipelines"]]}


def _required_data(a: dict) -> dict:
    needed = a["required_labels"]
    return {
        "x": [needed],
        "hovertemplate": f"{count(needed)} labels reach P* = {a['target']:g}<extra></extra>",
    }


def _programme_data(a: dict) -> dict:
    shown = probability(a["p_align"], a["p_misalign"])
    hover = f"this programme: {count(a['labels'])} labels<br>P_align = {shown}"
    return {"x": [max(a["labels"], 1.0)], "y": [a["p_align"]], "hovertemplate": f"{hover}<extra></extra>"}


def _pinned_curve_data(a: dict) -> dict:
    return {"x": np.asarray(a["versus"]["labels"]), "y": np.asarray(a["versus"]["p_align"])}


def _pinned_programme_data(a: dict) -> dict:
    a_labels, a_p, a_misalign = a["versus"]["programme"]
    hover = f"A's programme: {count(a_labels)} labels<br>P_align = {probability(a_p, a_misalign)}"
    return {"x": [max(a_labels, 1.0)], "y": [a_p], "hovertemplate": f"{hover}<extra></extra>"}


#: The traces of alignment_curve that depend on the model, by name: their fields from its arguments
#: (with A pinned, the sidebar's curve is "B (sidebar): P_align" and A's two traces are drawn too).
_REDRAWN: dict[str, Callable[[dict], dict]] = {
    "Bonferroni bound": _curve_data("p_align_lower_bound"),
    "P_align": _curve_data("p_align"),
    "B (sidebar): P_align": _curve_data("p_align"),
    "A (pinned): P_align": _pinned_curve_data,
    "A's programme": _pinned_programme_data,
    "range on one dataset (up to P₁)": _curve_data("p_single"),
    "pipelines": _pipeline_data,
    "labels for P*": _required_data,
    "this programme": _programme_data,
}


def _shape(a: dict) -> tuple:
    """What decides which traces alignment_curve draws and the fields _REDRAWN leaves alone."""
    needed = a["required_labels"]
    marked = math.isfinite(needed) and 1.0 <= needed <= 10.0**_LOG_MAX
    model = ("curve", "labels", "p_align", "p_misalign", "required_labels", "versus")
    static = {k: v for k, v in a.items() if k not in model}
    static["pipelines"] = tuple((p.name, p.low, p.high, p.middle, p.source) for p in a["pipelines"])
    static["points"] = len(a["curve"]["labels"])
    static["pinned"] = a.get("versus") is not None
    return marked, tuple(sorted(static.items()))


class _Drawn:
    """A chart alignment_curve drew, to redraw others of its shape from; ``checked`` once one
    redrawn chart matched alignment_curve's own."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.checked = False


#: Charts to redraw from, by shape (a few: the target and the required-labels marker vary).
_TEMPLATES: collections.OrderedDict[tuple, _Drawn] = collections.OrderedDict()
_TEMPLATES_MAX = 16
_TEMPLATES_LOCK = threading.Lock()
#: False once a redrawn chart differed from alignment_curve's: from then on, always draw.
_REDRAW = {"on": True}
_LOG = logging.getLogger(__name__)


def _draw(arguments: dict) -> calls.DrawnFigure:
    figure = alignment_curve(**arguments)
    return calls.DrawnFigure.freeze(calls.numeric_data_as_arrays(figure))


def _replaced(spec: dict, arguments: dict) -> dict:
    """``spec`` with the traces named in _REDRAWN given their data from ``arguments``."""
    data = list(spec["data"])
    found = set()
    for i, trace in enumerate(data):
        fields = _REDRAWN.get(trace.get("name"))
        if fields is not None:
            if trace["name"] in found:
                raise ValueError(f"two traces named {trace['name']!r}")
            found.add(trace["name"])
            replaced = fields(arguments)
            convert_to_base64(replaced)  # NumPy arrays as to_dict gives them (typed-array specs)
            data[i] = {**trace, **replaced}
    return {**spec, "data": data}


def _same(one: dict, other: dict) -> bool:
    return pio.to_json(one, validate=False) == pio.to_json(other, validate=False)


def _redrawn(**arguments) -> calls.DrawnFigure:
    """``alignment_curve(**arguments)``, drawn, or redrawn from a chart of the same shape."""
    if not _REDRAW["on"]:
        return _draw(arguments)
    shape = _shape(arguments)
    with _TEMPLATES_LOCK:
        template = _TEMPLATES.get(shape)
        if template is not None:
            _TEMPLATES.move_to_end(shape)
    if template is None:
        figure = _draw(arguments)
        with _TEMPLATES_LOCK:
            _TEMPLATES[shape] = _Drawn(figure.to_dict())
            while len(_TEMPLATES) > _TEMPLATES_MAX:
                _TEMPLATES.popitem(last=False)
        return figure
    try:
        spec = _replaced(template.spec, arguments)
    except (KeyError, TypeError, ValueError):
        _LOG.warning("the Overview's chart cannot be redrawn from its dict; drawing each", exc_info=True)
        _REDRAW["on"] = False
        return _draw(arguments)
    if not template.checked:
        figure = _draw(arguments)
        if not _same(figure.to_dict(), spec):
            _LOG.warning("a redrawn Overview chart differs from alignment_curve's; drawing each from now on")
            _REDRAW["on"] = False
        template.checked = True
        return figure
    return calls.DrawnFigure.from_spec(spec)


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
    height: int = 380,
    versus: Mapping | None = None,
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
    versus : mapping, optional
        The pinned assumptions A, drawn beside (the sidebar's curve is then B): ``labels`` and
        ``p_align`` lists of its curve, and ``programme``, its (labels, P_align, 1 − P_align).
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.04)
    lanes = len(pipelines)
    hover = (
        f"{hours:g} labeler-hours at {seconds_per_label:g} s per comparison (the pricing source's) "
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
            name="P_align" if versus is None else "B (sidebar): P_align",
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
    if versus is not None:
        _pinned_curve(fig, versus)
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


def _pinned_curve(fig: go.Figure, versus: Mapping) -> None:
    """The pinned A's P_align curve and its programme, in the comparison's colour (dashed)."""
    a_labels, a_p, a_misalign = versus["programme"]
    fig.add_trace(
        go.Scatter(
            x=versus["labels"],
            y=versus["p_align"],
            mode="lines",
            line={"color": style.PINNED, "width": 2.2, "dash": "dash"},
            name="A (pinned): P_align",
            legendgroup="pinned",
            hovertemplate="A: N = %{x:,.0f}<br>P_align = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[max(a_labels, 1.0)],
            y=[a_p],
            mode="markers",
            marker={
                "symbol": "circle",
                "size": 11,
                "color": style.PINNED,
                "line": {"width": 1.5, "color": "white"},
            },
            name="A's programme",
            legendgroup="pinned",
            showlegend=False,
            hovertemplate=f"A's programme: {count(a_labels)} labels<br>P_align = "
            f"{probability(a_p, a_misalign)}<extra></extra>",
        ),
        row=1,
        col=1,
    )


@cached_data(max_entries=32)
def curve_csv(curve: Mapping[str, Sequence[float]], settings: Mapping[str, float]) -> str:
    """The chart's curve as CSV: one row per label count, the settings repeated as columns (the
    sidebar's own label count as ``setting_labels``; :mod:`aliquant_app.csv_tables`)."""
    columns = ["labels", "p_align", "p_align_lower_bound", "p_single"]
    fixed = settings_values(settings)
    data = (curve["labels"], curve["p_align"], curve["p_align_lower_bound"], curve["p_single"])
    rows = (
        [round(float(n)), float(p), float(low), float(one), *fixed]
        for n, p, low, one in zip(*data, strict=True)
    )
    return csv_text([*columns, *setting_names(settings, columns)], rows)


def chart_csv(
    quality: tuple[tuple[str, float], ...],
    threat: tuple[tuple[str, float], ...],
    settings: Mapping[str, float],
    classes: Classes = (),
) -> str:
    """The chart's curve as CSV (:func:`curve_csv`), written when asked for; over every class with
    ``classes`` added beside the sidebar's (their names and values in a ``classes`` column)."""
    if classes:
        named = "; ".join(f"{name}: log10K {k:g}, f {f:g}, chi {chi:g}" for name, k, f, chi in classes)
        settings = {**settings, "classes": named}
    return curve_csv(curve(**dict(quality), **dict(threat), classes=classes), settings)
