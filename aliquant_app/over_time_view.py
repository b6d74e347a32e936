"""Over time: the capability trajectory's cached core call, its figure and its CSV.

For ``pages/over_time.py``, whose rate sliders (one per rate of the table of quantities, keyed by
the :class:`aliquant_core.TrajectoryRates` field it sets, the same name in Python and in the share
link) feed :func:`run`, the cached call of :func:`aliquant_core.trajectory`. Nothing here changes
the core's numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

import aliquant_core as core
from aliquant_core.quantities import names_in

from . import chart_style as style
from .calls import Classes, cached_data, cached_figure, split_classes
from .csv_tables import csv_text, setting_names
from .formatting import count, probability

__all__ = [
    "COLUMNS",
    "LINK_KEYS",
    "RATE_KEYS",
    "run",
    "trajectory_csv",
    "trajectory_figure",
    "unreachable_text",
]

#: The rates (table group ``rate``): widget keys, query-parameter names and TrajectoryRates fields.
RATE_KEYS = names_in("rate")
#: This page's share-link keys (read by the sidebar's link check, see aliquant_app.state).
LINK_KEYS = RATE_KEYS
if tuple(f.name for f in fields(core.TrajectoryRates)) != RATE_KEYS:  # pragma: no cover
    raise ImportError("the table's rates must follow the fields of aliquant_core.TrajectoryRates")

#: Per-generation lists of :func:`run` taken from the core's trajectory, and from p_align on the
#: evolved assumptions.
_TRAJECTORY = (
    "competitors_log10", "footprint", "exploitation", "blind_spot", "prior_bits",
    "required_labels", "p_align", "p_align_lower_bound", "regime",
)  # fmt: skip
_EVOLVED = ("blind_share", "label_win_prob", "p_misalign")


@cached_data(max_entries=64)
def run(
    rates: Mapping[str, float],
    *,
    labels: float,
    error_rate: float | None = None,
    agreement: float | None = None,
    target: float,
    classes: Classes = (),
    **threat: float,
) -> dict:
    """:func:`aliquant_core.trajectory` for the sidebar's programme, as plain Python values.

    With ``classes`` (added beside the sidebar's), every class moves at the rates and the required
    labels, P_align and regime are over every class; the evolved h and q are the sidebar's class's.

    Per-generation lists: ``generation``, the evolved ``competitors_log10``, ``footprint``,
    ``exploitation``, ``blind_spot``, ``prior_bits``; ``required_labels`` (``inf`` where no
    quantity suffices), ``p_align``, ``p_align_lower_bound`` and ``regime`` of the fixed programme;
    and, from :func:`aliquant_core.p_align` on the evolved assumptions, ``blind_share`` (h),
    ``label_win_prob`` (q) and ``p_misalign``. Scalars: ``first_unreachable_generation`` (None if
    none), ``error_rate``; ``clipped`` lists the assumptions held at an end of their range.
    """
    quality = {"agreement": agreement} if agreement is not None else {"error_rate": error_rate}
    rates_given = core.TrajectoryRates(**rates)
    if classes:
        shared, listed = split_classes(threat, classes)
        result = core.trajectory(
            rates_given, labels=labels, **quality, target=target, classes=listed, **shared
        )
        first = core.trajectory(rates_given, labels=labels, **quality, target=target, **threat)
        evolved = core.p_align(labels, first.error_rate, **first.threat).to_dict()
    else:
        result = core.trajectory(rates_given, labels=labels, **quality, target=target, **threat)
        evolved = core.p_align(labels, result.error_rate, **result.threat).to_dict()
    path = result.to_dict()
    return {
        "generation": [int(g) for g in path["generation"]],
        **{name: path[name] for name in _TRAJECTORY},
        **{name: evolved[name] for name in _EVOLVED},
        "first_unreachable_generation": path["first_unreachable_generation"],
        "error_rate": path["error_rate"],
        "clipped": list(path["clipped"]),
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
    if first is not None:
        hover = f"from generation {first} on no quantity suffices"
        style.shaded(
            fig, (first - 0.5, last + 0.5), y, fill=style.NONE_FILL, name="no quantity suffices", hover=hover,
            legendgroup="none", showlegend=legend, row=row,
        )  # fmt: skip


@cached_figure()
def trajectory_figure(
    data: Mapping,
    *,
    labels: float,
    target: float,
    height: int = 520,
    versus: Mapping | None = None,
    versus_labels: float | None = None,
) -> go.Figure:
    """Required labels (log scale) and the fixed programme's P_align per generation.

    Generations where no quantity suffices are shaded, and their required labels drawn as ∞ marks
    along the top of the upper panel. ``versus`` is the pinned A's :func:`run` (with the same
    rates; its programme has ``versus_labels``), drawn dashed beside the sidebar's (B).
    """
    g = data["generation"]
    last = g[-1]
    first = data["first_unreachable_generation"]
    needed = np.asarray(data["required_labels"], dtype=float)
    finite = needed[np.isfinite(needed)]
    shown_labels = max(labels, 1.0)
    if versus is not None:  # A's finite labels and programme inside the axis too
        a_needed = np.asarray(versus["required_labels"], dtype=float)
        extra = [*a_needed[np.isfinite(a_needed)], max(versus_labels or 1.0, 1.0)]
        finite = np.concatenate([finite, np.asarray(extra, dtype=float)])
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
            line={"color": style.CURVE, "width": 2.2},
            marker={"size": 6},
            name=("" if versus is None else "B (sidebar): ") + f"labels for P* = {target:g}",
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
                textfont={"size": 15, "color": style.EDGE},
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
            line={"color": style.YOU, "width": 1.3, "dash": "dash"},
            name=f"this programme: {count(labels)} labels",
            hovertemplate=f"this programme: {count(labels)} labels<extra></extra>",
        ),
        row=1,
        col=1,
    )

    misalign = data["p_misalign"]
    style.bound_line(
        fig, g, data["p_align_lower_bound"], hover="generation %{x}: lower bound %{y:.4g}", row=2
    )
    fig.add_trace(
        go.Scatter(
            x=g,
            y=data["p_align"],
            mode="lines+markers",
            line={"color": style.YOU, "width": 2.2},
            marker={"size": 6},
            name="P_align of this programme" if versus is None else "B (sidebar): P_align",
            customdata=[probability(p, m) for p, m in zip(data["p_align"], misalign, strict=True)],
            hovertemplate="generation %{x}: P_align = %{customdata}<extra></extra>",
        ),
        row=2,
        col=1,
    )
    style.target_line(fig, g[0] - 0.5, last + 0.5, target, row=2)
    if versus is not None:
        _pinned_trajectory(fig, versus, versus_labels)

    dtick = 1 if last <= 12 else (5 if last <= 40 else 10)
    fig.update_xaxes(range=[g[0] - 0.5, last + 0.5], dtick=dtick, showgrid=True, gridcolor=style.GRID)
    fig.update_xaxes(title={"text": "capability generation", "standoff": 4}, row=2, col=1)
    fig.update_yaxes(
        type="log",
        range=[low, high],
        exponentformat="power",
        dtick=1 if high - low <= 8 else 2,
        title={"text": "labels for P*", "standoff": 4},
        gridcolor=style.GRID,
        row=1,
        col=1,
    )
    style.probability_axis(fig, row=2)
    return style.legend_above(fig, height=height, margin={"l": 55, "r": 10, "t": 30, "b": 40})


def _pinned_trajectory(fig: go.Figure, versus: Mapping, labels: float | None) -> None:
    """The pinned A's labels for its P* and its programme's P_align per generation, dashed."""
    colour, g = style.PINNED, versus["generation"]
    needed = [float(v) for v in versus["required_labels"]]
    fig.add_trace(
        go.Scatter(
            x=g,
            y=[v if math.isfinite(v) else None for v in needed],
            mode="lines+markers",
            line={"color": colour, "width": 2, "dash": "dash"},
            marker={"size": 5, "symbol": "square"},
            name="A (pinned): labels for P*",
            legendgroup="pinned",
            customdata=[count(v) for v in needed],
            hovertemplate="A, generation %{x}: %{customdata} labels for P*<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Scatter(
            x=g,
            y=versus["p_align"],
            mode="lines+markers",
            line={"color": colour, "width": 2, "dash": "dash"},
            marker={"size": 5, "symbol": "square"},
            name=f"A (pinned): P_align of {count(labels or 0.0)} labels",
            legendgroup="pinned",
            customdata=[
                probability(p, m) for p, m in zip(versus["p_align"], versus["p_misalign"], strict=True)
            ],
            hovertemplate="A, generation %{x}: P_align = %{customdata}<extra></extra>",
        ),
        row=2,
        col=1,
    )


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
    """The trajectory as CSV: one row per generation; the rates and the fixed settings as columns
    (:mod:`aliquant_app.csv_tables`: one table, unique names)."""
    names = list(COLUMNS)
    merged = {**settings, **rates}
    fixed_names = list(dict.fromkeys([*rates, *(k for k in settings if k not in COLUMNS)]))
    fixed = [float(merged[k]) for k in fixed_names]

    def rows():
        for i in range(len(data["generation"])):
            values = (data[name][i] for name in names)
            yield [*(v if isinstance(v, (str, int)) else float(v) for v in values), *fixed]

    return csv_text([*names, *setting_names(fixed_names, names)], rows())
