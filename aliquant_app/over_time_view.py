"""Over time: the capability trajectory's rate controls, a cached core call, a figure and a CSV.

For ``pages/over_time.py``. Each rate is a slider whose key is the
:class:`aliquant_core.TrajectoryRates` field it sets (the same name in Python and in the share
link), bound to the URL with ``bind="query-params"`` as the sidebar's widgets are. The trajectory
itself is :func:`aliquant_core.trajectory`, called through :func:`run` (``st.cache_data``,
bounded); nothing here changes the core's numbers.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

import aliquant_core as core

from .caching import cached_data, cached_figure
from .formatting import count, probability

__all__ = [
    "LINK_KEYS",
    "RATES",
    "RATE_KEYS",
    "RateControl",
    "rate_widgets",
    "run",
    "trajectory_csv",
    "trajectory_figure",
    "unreachable_text",
]

_CURVE = "#1f5fa8"
_BOUND = "#7a8ea8"
_TARGET = "#b5651d"
_YOU = "#d62728"
_NONE = "rgba(178, 34, 34, 0.08)"
_EDGE = "#b22222"


@dataclass(frozen=True)
class RateControl:
    """One slider for one field of :class:`aliquant_core.TrajectoryRates`."""

    name: str
    label: str
    low: float
    high: float
    step: float
    fmt: str

    @property
    def default(self) -> float:
        """The core's default rate (:data:`aliquant_core.DEFAULT_RATES`)."""
        return getattr(core.DEFAULT_RATES, self.name)

    @property
    def help(self) -> str:
        """Tooltip: the core's justification of the default, the range and the share-link key."""
        low, high = (f"{bound:g}" for bound in (self.low, self.high))
        return (
            f"Default {self.default:g}, {core.RATE_NOTES[self.name]}\n\n"
            f"Range here [{low}, {high}]. Share-link key: `{self.name}`."
        )


#: The sliders, in the order of the TrajectoryRates fields. Bounds lie inside the core's valid
#: ranges (φ > 0, β ≥ 1, α ≥ 1) and reach well past the defaults.
RATES: dict[str, RateControl] = {
    control.name: control
    for control in (
        RateControl("generations", "Generations G", 1, 50, 1, "%d"),
        RateControl("competitors_log10_per_generation", "Δ log₁₀ K per generation", 0.0, 10.0, 0.1, "%.1f"),
        RateControl("footprint_factor_per_generation", "Footprint factor φ", 0.5, 1.0, 0.01, "%.2f"),
        RateControl(
            "exploitation_gap_factor_per_generation", "Exploitation gap factor γ", 0.0, 1.0, 0.01, "%.2f"
        ),
        RateControl("blind_spot_factor_per_generation", "Blind-spot growth β", 1.0, 3.0, 0.05, "%.2f"),
        RateControl("assistance_divisor_per_generation", "Assistance divisor α", 1.0, 3.0, 0.05, "%.2f"),
        RateControl("prior_bits_per_generation", "Prior bits per generation Δb", 0.0, 50.0, 0.5, "%.1f"),
    )
}
#: Widget keys, query-parameter names and TrajectoryRates fields: one name each.
RATE_KEYS = tuple(RATES)
#: This page's share-link keys (read by the sidebar's link check, see aliquant_app.state).
LINK_KEYS = RATE_KEYS
if tuple(f.name for f in fields(core.TrajectoryRates)) != RATE_KEYS:  # pragma: no cover
    raise ImportError("over_time_view.RATES must follow the fields of aliquant_core.TrajectoryRates")


def rate_widgets(columns: int = 4) -> dict[str, float]:
    """Draw one slider per rate, in rows of ``columns``; return the values by field name.

    The rows are one ``st.columns`` call whose columns each hold a slider of every row (sliders
    are of one height, so they line up): each ``st.columns`` call costs a rerun about 0.3 ms.
    """
    values: dict[str, float] = {}
    grid = st.columns(columns, vertical_alignment="top")
    cells = [grid[i % columns] for i in range(len(RATES))]
    for cell, control in zip(cells, RATES.values(), strict=True):
        integer = control.name == "generations"
        cast = int if integer else float
        values[control.name] = cell.slider(
            control.label,
            min_value=cast(control.low),
            max_value=cast(control.high),
            value=cast(control.default),
            step=cast(control.step),
            format=control.fmt,
            key=control.name,
            help=control.help,
            bind="query-params",
        )
    return values


@cached_data(max_entries=64)
def run(
    rates: Mapping[str, float],
    *,
    labels: float,
    error_rate: float | None = None,
    agreement: float | None = None,
    blind_spot: float,
    footprint: float,
    exploitation: float,
    competitors_log10: float,
    prior_bits: float,
    target: float,
) -> dict:
    """:func:`aliquant_core.trajectory` for the sidebar's programme, as plain Python values.

    Per-generation lists: ``generation``, the evolved ``competitors_log10``, ``footprint``,
    ``exploitation``, ``blind_spot``, ``prior_bits``; ``required_labels`` (``inf`` where no
    quantity suffices), ``p_align``, ``p_align_lower_bound`` and ``regime`` of the fixed programme;
    and, from :func:`aliquant_core.p_align` on the evolved assumptions, ``blind_share`` (h),
    ``label_win_prob`` (q) and ``p_misalign``. Scalars: ``first_unreachable_generation`` (None if
    none), ``error_rate``; ``clipped`` lists the assumptions held at an end of their range.
    """
    quality = {"agreement": agreement} if agreement is not None else {"error_rate": error_rate}
    result = core.trajectory(
        core.TrajectoryRates(**rates),
        labels=labels,
        **quality,
        blind_spot=blind_spot,
        footprint=footprint,
        exploitation=exploitation,
        competitors_log10=competitors_log10,
        prior_bits=prior_bits,
        target=target,
    )
    evolved = core.p_align(
        labels,
        result.error_rate,
        blind_spot=result.blind_spot,
        footprint=result.footprint,
        exploitation=result.exploitation,
        competitors_log10=result.competitors_log10,
        prior_bits=result.prior_bits,
    )

    def floats(values) -> list[float]:
        return np.asarray(values, dtype=float).tolist()

    return {
        "generation": np.asarray(result.generation).astype(int).tolist(),
        "competitors_log10": floats(result.competitors_log10),
        "footprint": floats(result.footprint),
        "exploitation": floats(result.exploitation),
        "blind_spot": floats(result.blind_spot),
        "prior_bits": floats(result.prior_bits),
        "blind_share": floats(evolved.blind_share),
        "label_win_prob": floats(evolved.label_win_prob),
        "required_labels": floats(result.required_labels),
        "p_align": floats(result.p_align),
        "p_align_lower_bound": floats(result.p_align_lower_bound),
        "p_misalign": floats(evolved.p_misalign),
        "regime": [str(r) for r in result.regime],
        "first_unreachable_generation": result.first_unreachable_generation,
        "error_rate": result.error_rate,
        "clipped": list(result.clipped),
    }


def unreachable_text(first: int | None, generations: int) -> str:
    """The headline for the first generation at which no quantity suffices.

    >>> unreachable_text(3, 10)
    'generation 3'
    >>> unreachable_text(None, 10)
    'none up to 10'
    """
    return f"generation {first}" if first is not None else f"none up to {generations}"


def _shade(fig: go.Figure, first: int | None, last: int, *, row: int, y: tuple[float, float], legend: bool):
    if first is None:
        return
    x0, x1 = first - 0.5, last + 0.5
    fig.add_trace(
        go.Scatter(
            x=[x0, x1, x1, x0, x0],
            y=[y[0], y[0], y[1], y[1], y[0]],
            fill="toself",
            fillcolor=_NONE,
            line={"width": 0},
            mode="lines",
            name="no quantity suffices",
            legendgroup="none",
            showlegend=legend,
            hoveron="fills",
            hovertemplate=f"from generation {first} on no quantity suffices<extra></extra>",
        ),
        row=row,
        col=1,
    )


@cached_figure()
def trajectory_figure(data: Mapping, *, labels: float, target: float, height: int = 520) -> go.Figure:
    """Required labels (log scale) and the fixed programme's P_align per generation.

    Generations where no quantity suffices are shaded, and their required labels drawn as ∞ marks
    along the top of the upper panel.
    """
    g = data["generation"]
    last = g[-1]
    first = data["first_unreachable_generation"]
    needed = np.asarray(data["required_labels"], dtype=float)
    finite = needed[np.isfinite(needed)]
    shown_labels = max(labels, 1.0)
    logs = np.log10(np.maximum(np.concatenate([finite, [shown_labels]]), 1.0))
    low, high = math.floor(float(logs.min()) - 0.3), math.ceil(float(logs.max()) + 0.3)
    high = max(high, low + 2)

    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.55, 0.45], vertical_spacing=0.07)
    _shade(fig, first, last, row=1, y=(10.0**low, 10.0**high), legend=True)
    _shade(fig, first, last, row=2, y=(-0.02, 1.02), legend=False)

    fig.add_trace(
        go.Scatter(
            x=g,
            y=[v if math.isfinite(v) else None for v in needed],
            mode="lines+markers",
            line={"color": _CURVE, "width": 2.2},
            marker={"size": 6},
            name=f"labels for P* = {target:g}",
            customdata=[count(v) for v in needed],
            hovertemplate="generation %{x}: %{customdata} labels for P*<extra></extra>",
        ),
        row=1,
        col=1,
    )
    unreachable = [gen for gen, v in zip(g, needed, strict=True) if not math.isfinite(v)]
    if unreachable:
        fig.add_trace(
            go.Scatter(
                x=unreachable,
                y=[10.0 ** (high - 0.25)] * len(unreachable),
                mode="text",
                text=["∞"] * len(unreachable),
                textfont={"size": 15, "color": _EDGE},
                showlegend=False,
                hovertemplate="generation %{x}: no quantity suffices<extra></extra>",
            ),
            row=1,
            col=1,
        )
    fig.add_trace(
        go.Scatter(
            x=[g[0] - 0.5, last + 0.5],
            y=[shown_labels, shown_labels],
            mode="lines",
            line={"color": _YOU, "width": 1.3, "dash": "dash"},
            name=f"this programme: {count(labels)} labels",
            hovertemplate=f"this programme: {count(labels)} labels<extra></extra>",
        ),
        row=1,
        col=1,
    )

    misalign = data["p_misalign"]
    fig.add_trace(
        go.Scatter(
            x=g,
            y=data["p_align_lower_bound"],
            mode="lines",
            line={"color": _BOUND, "width": 1.4, "dash": "dot"},
            name="Bonferroni bound",
            hovertemplate="generation %{x}: lower bound %{y:.4g}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=g,
            y=data["p_align"],
            mode="lines+markers",
            line={"color": _YOU, "width": 2.2},
            marker={"size": 6},
            name="P_align of this programme",
            customdata=[probability(p, m) for p, m in zip(data["p_align"], misalign, strict=True)],
            hovertemplate="generation %{x}: P_align = %{customdata}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=[g[0] - 0.5, last + 0.5],
            y=[target, target],
            mode="lines",
            line={"color": _TARGET, "width": 1.2, "dash": "dashdot"},
            name=f"P* = {target:g}",
            hovertemplate=f"target P* = {target:g}<extra></extra>",
        ),
        row=2,
        col=1,
    )

    dtick = 1 if last <= 12 else (5 if last <= 40 else 10)
    fig.update_xaxes(
        range=[g[0] - 0.5, last + 0.5], dtick=dtick, showgrid=True, gridcolor="rgba(128,128,128,0.15)"
    )
    fig.update_xaxes(title={"text": "capability generation", "standoff": 4}, row=2, col=1)
    fig.update_yaxes(
        type="log",
        range=[low, high],
        exponentformat="power",
        dtick=1 if high - low <= 8 else 2,
        title={"text": "labels for P*", "standoff": 4},
        gridcolor="rgba(128,128,128,0.15)",
        row=1,
        col=1,
    )
    fig.update_yaxes(
        range=[-0.02, 1.02],
        title={"text": "P_align", "standoff": 4},
        gridcolor="rgba(128,128,128,0.15)",
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


#: Per-generation columns of the table and the CSV, with their headers on the page.
COLUMNS = {
    "generation": "generation",
    "competitors_log10": "log₁₀ K",
    "footprint": "footprint f",
    "exploitation": "exploitation χ",
    "blind_spot": "blind spot σ",
    "prior_bits": "prior bits b",
    "blind_share": "blind share h",
    "label_win_prob": "q",
    "required_labels": "labels for P*",
    "p_align": "P_align",
    "p_align_lower_bound": "Bonferroni bound",
    "regime": "regime",
}


def trajectory_csv(data: Mapping, rates: Mapping[str, float], settings: Mapping[str, float]) -> str:
    """The trajectory as CSV: one row per generation; the rates and the fixed settings as columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = list(COLUMNS)
    fixed_names = [*rates, *(k for k in settings if k not in COLUMNS)]
    writer.writerow([*names, *fixed_names])
    merged = {**settings, **rates}
    fixed = [repr(float(merged[k])) for k in fixed_names]
    for i in range(len(data["generation"])):
        row = []
        for name in names:
            value = data[name][i]
            row.append(value if isinstance(value, (str, int)) else repr(float(value)))
        writer.writerow([*row, *fixed])
    return buffer.getvalue()
