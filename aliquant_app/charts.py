"""Plotly figure builders for the explorer (SVG traces only: no WebGL, so charts render anywhere).

Builders take plain Python values (from :mod:`aliquant_app.cache`) and return a ``go.Figure``; they
never call the core or Streamlit.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .caching import cached_data, cached_figure
from .formatting import count, probability

__all__ = ["PLOTLY_CONFIG", "Marker", "alignment_curve", "curve_csv"]

#: Every chart's plotly config: the mode bar keeps plotly's own "download as PNG" button (at twice
#: the screen resolution) and zoom, and drops the tools that mean nothing on these charts.
PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "aliquant"},
}

_LOG_MIN, _LOG_MAX = 0.0, 12.0  # the x axis: 1 to 1e12 labels
_CURVE = "#1f5fa8"
_BOUND = "#7a8ea8"
_TARGET = "#b5651d"
_YOU = "#d62728"
_PIPELINE = "#444444"
_BAND = "rgba(46, 139, 87, 0.10)"
_HOURS = "#2e8b57"


@dataclass(frozen=True)
class Marker:
    """A reference pipeline on the labels axis.

    ``low`` and ``high`` are equal for a single figure; ``p_align`` is the probability of outer
    alignment at ``middle`` labels under the current assumptions.
    """

    name: str
    low: float
    high: float
    middle: float
    p_align: float
    source: str


def _vline(fig: go.Figure, x: float, *, row: int, color: str, dash: str, name: str, hover: str) -> None:
    fig.add_trace(
        go.Scatter(
            x=[x, x],
            y=[0.0, 1.0] if row == 1 else [-1.0, 99.0],
            mode="lines",
            line={"color": color, "width": 1.2, "dash": dash},
            name=name,
            showlegend=False,
            hovertemplate=hover + "<extra></extra>",
        ),
        row=row,
        col=1,
    )


@cached_figure()
def alignment_curve(
    curve: Mapping[str, Sequence[float]],
    *,
    labels: float,
    p_align: float,
    p_misalign: float,
    target: float,
    required_labels: float,
    pipelines: Sequence[Marker],
    rlhf_band: tuple[float, float],
    rlhf_name: str,
    hours_labels: float,
    hours: float,
    seconds_per_label: float,
    height: int = 380,
) -> go.Figure:
    """P_align against labels on a log axis, with reference pipelines in a strip below.

    Parameters
    ----------
    curve : mapping
        ``labels``, ``p_align`` and ``p_align_lower_bound`` lists (see ``cache.curve``).
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

    band_x = [rlhf_band[0], rlhf_band[1], rlhf_band[1], rlhf_band[0], rlhf_band[0]]
    band_hover = (
        f"Within 2 OOM of RLHF: {count(rlhf_band[0])} to {count(rlhf_band[1])} labels "
        f"({rlhf_name} ÷100 to ×100)<extra></extra>"
    )
    for row, (y0, y1) in ((1, (0.0, 1.0)), (2, (-1.0, float(lanes)))):
        fig.add_trace(
            go.Scatter(
                x=band_x,
                y=[y0, y0, y1, y1, y0],
                fill="toself",
                fillcolor=_BAND,
                line={"width": 0},
                mode="lines",
                name="2 OOM of RLHF",
                showlegend=row == 1,
                legendgroup="band",
                hovertemplate=band_hover,
                hoveron="fills",
            ),
            row=row,
            col=1,
        )
        hover = (
            f"{hours:g} labeler-hours at {seconds_per_label:g} s per comparison (AlpacaEval) "
            f"≈ {count(hours_labels)} labels"
        )
        _vline(fig, hours_labels, row=row, color=_HOURS, dash="dash", name="few hundred hours", hover=hover)

    xs, ys, lows = curve["labels"], curve["p_align"], curve["p_align_lower_bound"]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=lows,
            mode="lines",
            line={"color": _BOUND, "width": 1.5, "dash": "dot"},
            name="Bonferroni bound",
            hovertemplate="N = %{x:,.0f}<br>lower bound = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": _CURVE, "width": 2.5},
            name="P_align",
            hovertemplate="N = %{x:,.0f}<br>P_align = %{y:.4g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[10.0**_LOG_MIN, 10.0**_LOG_MAX],
            y=[target, target],
            mode="lines",
            line={"color": _TARGET, "width": 1.2, "dash": "dashdot"},
            name=f"P* = {target:g}",
            hovertemplate=f"target P* = {target:g}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    if pipelines:
        fig.add_trace(
            go.Scatter(
                x=[p.middle for p in pipelines],
                y=[p.p_align for p in pipelines],
                mode="markers",
                marker={
                    "symbol": "diamond",
                    "size": 8,
                    "color": _PIPELINE,
                    "line": {"width": 1, "color": "white"},
                },
                name="pipelines",
                customdata=[[p.name, probability(p.p_align)] for p in pipelines],
                hovertemplate="%{customdata[0]}: %{x:,.0f} labels<br>P_align here = %{customdata[1]}"
                "<extra></extra>",
            ),
            row=1,
            col=1,
        )
    if math.isfinite(required_labels) and 1.0 <= required_labels <= 10.0**_LOG_MAX:
        fig.add_trace(
            go.Scatter(
                x=[required_labels],
                y=[target],
                mode="markers",
                marker={
                    "symbol": "x-thin",
                    "size": 12,
                    "color": _TARGET,
                    "line": {"width": 2.5, "color": _TARGET},
                },
                name="labels for P*",
                hovertemplate=f"{count(required_labels)} labels reach P* = {target:g}<extra></extra>",
            ),
            row=1,
            col=1,
        )
    shown_labels = max(labels, 1.0)
    fig.add_trace(
        go.Scatter(
            x=[shown_labels],
            y=[p_align],
            mode="markers",
            marker={"symbol": "circle", "size": 12, "color": _YOU, "line": {"width": 1.5, "color": "white"}},
            name="this programme",
            hovertemplate=f"this programme: {count(labels)} labels<br>P_align = "
            f"{probability(p_align, p_misalign)}<extra></extra>",
        ),
        row=1,
        col=1,
    )

    for lane, pipeline in enumerate(pipelines):
        y = lanes - 1 - lane
        ranged = pipeline.high > pipeline.low
        right = pipeline.high >= 3e5
        fig.add_trace(
            go.Scatter(
                x=[pipeline.low, pipeline.high] if ranged else [pipeline.middle],
                y=[y, y] if ranged else [y],
                mode="lines+markers" if ranged else "markers",
                line={"color": _PIPELINE, "width": 4},
                marker={
                    "symbol": "line-ns-open" if ranged else "diamond",
                    "size": 8,
                    "color": _PIPELINE,
                    "line": {"width": 2, "color": _PIPELINE},
                },
                showlegend=False,
                hovertemplate=(
                    f"{pipeline.name}: {count(pipeline.low)}"
                    + (f" to {count(pipeline.high)}" if ranged else "")
                    + f" comparisons<br>{pipeline.source}<extra></extra>"
                ),
            ),
            row=2,
            col=1,
        )
        text = pipeline.name + (" (range)" if ranged else "")
        fig.add_trace(
            go.Scatter(
                x=[pipeline.high if right else pipeline.low],
                y=[y],
                mode="text",
                text=[f"   {text}" if right else f"{text}    "],
                textposition="middle right" if right else "middle left",
                textfont={"size": 10, "color": _PIPELINE},
                showlegend=False,
                hoverinfo="skip",
            ),
            row=2,
            col=1,
        )

    fig.add_annotation(
        x=math.log10(hours_labels),
        y=0.5,
        xref="x",
        yref="y",
        text=f"{hours:g} labeler-hours ({seconds_per_label:g} s each)",
        textangle=-90,
        showarrow=False,
        xanchor="right",
        font={"size": 10, "color": _HOURS},
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
        font={"size": 10, "color": _HOURS},
    )

    fig.update_xaxes(
        type="log",
        range=[_LOG_MIN - 0.12, _LOG_MAX + 0.12],
        dtick=1,
        exponentformat="power",
        showgrid=True,
        gridcolor="rgba(128,128,128,0.15)",
    )
    fig.update_xaxes(title={"text": "labels N (comparisons, log scale)", "standoff": 4}, row=2, col=1)
    fig.update_yaxes(
        range=[-0.02, 1.02],
        title={"text": "P_align", "standoff": 4},
        row=1,
        col=1,
        gridcolor="rgba(128,128,128,0.15)",
    )
    fig.update_yaxes(
        range=[-0.7, lanes - 0.3],
        showticklabels=False,
        showgrid=False,
        zeroline=False,
        title={"text": "pipelines", "standoff": 4},
        row=2,
        col=1,
    )
    fig.update_layout(
        height=height,
        margin={"l": 55, "r": 10, "t": 30, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.0, "font": {"size": 11}},
        hovermode="closest",
    )
    return fig


@cached_data(max_entries=32)
def curve_csv(curve: Mapping[str, Sequence[float]], settings: Mapping[str, float]) -> str:
    """The chart's curve as CSV: one row per label count, the settings repeated as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(settings)
    writer.writerow(["labels", "p_align", "p_align_lower_bound", *names])
    fixed = [repr(float(settings[name])) for name in names]
    for n, p, low in zip(curve["labels"], curve["p_align"], curve["p_align_lower_bound"], strict=True):
        writer.writerow([f"{n:.0f}", repr(float(p)), repr(float(low)), *fixed])
    return buffer.getvalue()
