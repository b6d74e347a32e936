"""Chart style: the Plotly config, the colours, and the marks and axes every chart shares.

A view module draws its own data; the marks that mean the same thing on every page (the target
P*, the Bonferroni bound, the reference pipelines and the band within 2 OOM of RLHF, a vertical
reference line, a shaded range) and the axis and legend formats come from here, so they look the
same everywhere and are written once. SVG traces only (no WebGL), so charts render anywhere.
Each helper adds to a figure in place; ``row`` (with ``col``) places it in a subplot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

from .formatting import count, probability

__all__ = [
    "BOUND",
    "COLOURS",
    "CURVE",
    "DARK",
    "EDGE",
    "GRID",
    "LOG_AXIS",
    "PLOTLY_CONFIG",
    "TARGET",
    "YOU",
    "Marker",
    "bound_line",
    "legend_above",
    "pipeline_points",
    "pipeline_strip",
    "probability_axis",
    "rlhf_band",
    "shaded",
    "target_line",
    "vertical_line",
]

#: Every chart's plotly config: the mode bar keeps plotly's own "download as PNG" button (at twice
#: the screen resolution) and zoom, and drops the tools that mean nothing on these charts. It shows
#: only while the pointer is over the chart (on a phone, after a tap), and stands upright at the
#: chart's right edge (:func:`legend_above`), clear of the legend row above the plot.
PLOTLY_CONFIG = {
    "displayModeBar": "hover",
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "aliquant"},
}

CURVE = "#1f5fa8"  # P_align, and a chart's main data
BOUND = "#7a8ea8"  # the Bonferroni bound, and secondary data
TARGET = "#b5651d"  # the target P*
YOU = "#d62728"  # this programme
DARK = "#222222"  # a frontier, a mean, a base value
EDGE = "#b22222"  # where no quantity suffices
NONE_FILL = "rgba(178, 34, 34, 0.08)"
PIPELINE = "#444444"  # reference pipelines
HOURS = "#2e8b57"  # the few-hundred-hours line and the RLHF band's words
TARGET_DASH = "dashdot"  # the target P*, across a chart or up it
MAP_SCALE = [[0.0, "#f7f4ee"], [0.5, "#c6dbef"], [1.0, "#6b9ccd"]]  # the map's P_align heatmap
LEVEL = "#111111"  # the map's P_align contours
LEVEL_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash")
COST = "#8a5a00"  # iso-cost lines
PRESET = "#2b2b2b"  # preset sources


def level_dash(i: int) -> str:
    """The dash of the map's ``i``-th contour, so contours of one colour stay apart."""
    return LEVEL_DASHES[i % len(LEVEL_DASHES)]
BAND_FILL = "rgba(46, 139, 87, 0.10)"
RANGE_FILL = "rgba(31, 95, 168, 0.12)"  # the range one shared dataset allows, P₁^K up to P₁
GRID = "rgba(128,128,128,0.15)"
#: Programme colours (colour-blind-safe, distinct from DARK).
COLOURS = (CURVE, "#d95f02", "#1b9e77", "#7570b3")
PINNED = COLOURS[3]  # the pinned A of an A/B comparison (aliquant_app.compare), dashed
#: A logarithmic axis with a tick at each power of ten.
LOG_AXIS = {"type": "log", "dtick": 1, "exponentformat": "power"}


def _at(row: int | None, col: int) -> dict:
    return {} if row is None else {"row": row, "col": col}


def target_line(fig: go.Figure, x0: float, x1: float, target: float, *, row: int | None = None, col: int = 1):
    """The target P* as a horizontal line from ``x0`` to ``x1``."""
    fig.add_trace(
        go.Scatter(
            x=[x0, x1],
            y=[target, target],
            mode="lines",
            line={"color": TARGET, "width": 1.2, "dash": TARGET_DASH},
            name=f"P* = {target:g}",
            hovertemplate=f"target P* = {target:g}<extra></extra>",
        ),
        **_at(row, col),
    )


def bound_line(
    fig: go.Figure, x, y, *, hover: str, width: float = 1.4, row: int | None = None, col: int = 1
) -> None:
    """The Bonferroni lower bound of P_align, dotted; ``hover`` without its ``<extra>`` tag."""
    fig.add_trace(
        go.Scatter(
            x=x,
            y=y,
            mode="lines",
            line={"color": BOUND, "width": width, "dash": "dot"},
            name="Bonferroni bound",
            hovertemplate=hover + "<extra></extra>",
        ),
        **_at(row, col),
    )


def vertical_line(
    fig: go.Figure,
    x: float,
    y: tuple[float, float],
    *,
    color: str,
    dash: str,
    name: str,
    hover: str,
    width: float = 1.2,
    showlegend: bool | None = None,
    row: int | None = None,
    col: int = 1,
) -> None:
    """A vertical reference line at ``x`` from ``y[0]`` to ``y[1]``, named in its hover."""
    fig.add_trace(
        go.Scatter(
            x=[x, x],
            y=list(y),
            mode="lines",
            line={"color": color, "width": width, "dash": dash},
            name=name,
            showlegend=showlegend,
            hovertemplate=hover + "<extra></extra>",
        ),
        **_at(row, col),
    )


def shaded(
    fig: go.Figure,
    x: tuple[float, float],
    y: tuple[float, float],
    *,
    fill: str,
    name: str,
    hover: str,
    legendgroup: str,
    showlegend: bool,
    row: int | None = None,
    col: int = 1,
) -> None:
    """A shaded rectangle (a range of the x axis), hovered over its fill."""
    fig.add_trace(
        go.Scatter(
            x=[x[0], x[1], x[1], x[0], x[0]],
            y=[y[0], y[0], y[1], y[1], y[0]],
            fill="toself",
            fillcolor=fill,
            line={"width": 0},
            mode="lines",
            name=name,
            showlegend=showlegend,
            legendgroup=legendgroup,
            hovertemplate=hover + "<extra></extra>",
            hoveron="fills",
        ),
        **_at(row, col),
    )


def rlhf_band(
    fig: go.Figure, band: tuple[float, float], name: str, *, y: tuple[float, float], row: int, col: int = 1
) -> None:
    """The labels within 2 OOM of RLHF (``band``, from the pipeline ``name``), shaded over ``y``.

    In the legend once, from the first row.
    """
    hover = f"Within 2 OOM of RLHF: {count(band[0])} to {count(band[1])} labels ({name} ÷100 to ×100)"
    shaded(
        fig, band, y, fill=BAND_FILL, name="2 OOM of RLHF", hover=hover, legendgroup="band",
        showlegend=row == 1, row=row, col=col,
    )  # fmt: skip


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


def this_programme(
    fig: go.Figure,
    x: float,
    y: float,
    *,
    hover: str,
    ring: bool = False,
    row: int | None = None,
    col: int = 1,
) -> None:
    """The programme being explored, as one marker: a dot on a curve, a ring on the map's heatmap.

    ``hover`` is the hover text without its ``<extra>`` tag.
    """
    marker = (
        {"symbol": "circle-open", "size": 16, "color": YOU, "line": {"width": 3, "color": YOU}}
        if ring
        else {"symbol": "circle", "size": 12, "color": YOU, "line": {"width": 1.5, "color": "white"}}
    )
    fig.add_trace(
        go.Scatter(
            x=[x], y=[y], mode="markers", marker=marker, name="this programme",
            hovertemplate=f"{hover}<extra></extra>",
        ),
        **_at(row, col),
    )  # fmt: skip


def diamond(color: str, size: float = 8) -> dict:
    """The marker of a reference point (a pipeline, a preset source): a white-edged diamond."""
    return {"symbol": "diamond", "size": size, "color": color, "line": {"width": 1, "color": "white"}}


def pipeline_points(fig: go.Figure, pipelines: Sequence[Marker], *, row: int = 1, col: int = 1) -> None:
    """Each reference pipeline as a diamond on the P_align curve, at its comparisons."""
    if not pipelines:
        return
    fig.add_trace(
        go.Scatter(
            x=[p.middle for p in pipelines],
            y=[p.p_align for p in pipelines],
            mode="markers",
            marker=diamond(PIPELINE),
            name="pipelines",
            customdata=[[p.name, probability(p.p_align)] for p in pipelines],
            hovertemplate="%{customdata[0]}: %{x:,.0f} labels<br>P_align here = %{customdata[1]}"
            "<extra></extra>",
        ),
        row=row,
        col=col,
    )


def pipeline_strip(fig: go.Figure, pipelines: Sequence[Marker], *, row: int = 2, col: int = 1) -> None:
    """Each reference pipeline in its own lane of a strip (a range as a bar), named beside it."""
    lanes = len(pipelines)
    for lane, pipeline in enumerate(pipelines):
        y = lanes - 1 - lane
        ranged = pipeline.high > pipeline.low
        right = pipeline.high >= 3e5
        fig.add_trace(
            go.Scatter(
                x=[pipeline.low, pipeline.high] if ranged else [pipeline.middle],
                y=[y, y] if ranged else [y],
                mode="lines+markers" if ranged else "markers",
                line={"color": PIPELINE, "width": 4},
                marker={
                    "symbol": "line-ns-open" if ranged else "diamond",
                    "size": 8,
                    "color": PIPELINE,
                    "line": {"width": 2, "color": PIPELINE},
                },
                showlegend=False,
                hovertemplate=(
                    f"{pipeline.name}: {count(pipeline.low)}"
                    + (f" to {count(pipeline.high)}" if ranged else "")
                    + f" comparisons<br>{pipeline.source}<extra></extra>"
                ),
            ),
            row=row,
            col=col,
        )
        text = pipeline.name + (" (range)" if ranged else "")
        fig.add_trace(
            go.Scatter(
                x=[pipeline.high if right else pipeline.low],
                y=[y],
                mode="text",
                text=[f"   {text}" if right else f"{text}    "],
                textposition="middle right" if right else "middle left",
                textfont={"size": 10, "color": PIPELINE},
                showlegend=False,
                hoverinfo="skip",
            ),
            row=row,
            col=col,
        )
    fig.update_yaxes(
        range=[-0.7, lanes - 0.3],
        showticklabels=False,
        showgrid=False,
        zeroline=False,
        title={"text": "pipelines", "standoff": 4},
        row=row,
        col=col,
    )


def probability_axis(
    fig: go.Figure, *, axis: str = "y", pad: float = 0.02, row: int | None = None, col: int = 1, **more
) -> None:
    """The P_align axis: [0, 1] with ``pad`` either side, titled, on the light grid."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    update(
        range=[-pad, 1.0 + pad],
        title={"text": "P_align", "standoff": 4},
        gridcolor=GRID,
        **_at(row, col),
        **more,
    )


def legend_above(
    fig: go.Figure, *, height: int, margin: dict, y: float = 1.0, legend: dict | None = None, **layout
) -> go.Figure:
    """The shared layout: no title (the page heads each chart), the legend in a row above the plot.

    The mode bar stands upright at the right edge: lying along the top, it covered the legend's
    last entries whenever it showed (issue 14, point 7).
    """
    layout.setdefault("modebar", {"orientation": "v"})
    fig.update_layout(
        height=height,
        margin=margin,
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": y,
            "x": 0.0,
            "font": {"size": 11},
            **(legend or {}),
        },
        hovermode="closest",
        **layout,
    )
    return fig
