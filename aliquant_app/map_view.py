"""The quality–quantity map: P_align over (labels, error rate), and what is drawn on it.

The page's cached core calls (bounded, plain Python values out; see :mod:`aliquant_app.calls`) and
a figure builder for ``pages/map.py``. Nothing here changes the core's numbers.

What the map shows, for the threat assumptions of the sidebar (blind spot σ, footprint f,
exploitation χ, log₁₀ K, prior bits b), which do not depend on either axis:

- P_align on a grid of labels N (log-spaced, 1 to 1e12) × error rate ε (0 to ½);
- contour lines at chosen probabilities, traced exactly by the core's ``required_labels`` (the
  smallest N reaching the level at each ε), not interpolated from the grid;
- the line where q = ½: q − ½ = (½ − ε) − h(φ − ε) with h the blind share and φ the fooled rate
  (held as ε moves), so q = ½ at ε* = (½ − hφ)/(1 − h) (:func:`edge_error_rate`): above it no
  quantity suffices; ε* ≤ 0 (hφ ≥ ½) leaves no quantity sufficient anywhere on the map, and
  φ < ½ puts q above ½ even at ε = ½;
- iso-cost lines under the cost law c(ε) = c_ref · ((½ − ε)/(½ − ε_ref))^γ anchored at a preset's
  price (``aliquant_core.cost_law_price``), so that cost depends on both axes;
- the preset sources at the sidebar's labels, and the current programme.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

import aliquant_core as core

from . import chart_style as style
from .calls import cached_data, cached_figure
from .csv_tables import csv_text, setting_names, settings_values
from .formatting import count, probability, share
from .linked import Field, LinkedStore, link_number, read_choice, read_number

__all__ = [
    "BUDGET_OPTIONS",
    "COST_DEFAULTS",
    "COST_LAW",
    "DEFAULT_BUDGETS",
    "DEFAULT_GAMMA",
    "DEFAULT_LEVELS",
    "DEFAULT_REFERENCE",
    "ERROR_POINTS",
    "LABELS_POINTS",
    "LEVEL_OPTIONS",
    "LINK_KEYS",
    "LINK_LABELS",
    "budget",
    "dollars",
    "grid",
    "grid_axes",
    "grid_csv",
    "grid_csv_for",
    "iso_costs",
    "law_cost",
    "level_lines",
    "map_chart",
    "map_figure",
    "presets_at",
    "reference_label",
]

#: Grid size: label counts (log-spaced over 1 to 1e12) × error rates (0 to ½ in steps of 0.005).
LABELS_POINTS = 120
ERROR_POINTS = 101
#: Error rates at which contour and iso-cost lines are traced: every 0.0025, about two pixels of
#: the chart's height (401 points, every pixel, doubled the page's largest message for no visible
#: difference).
LINE_POINTS = 201

#: The page's controls in the link: the levels bound to it, the cost law's kept by COST_LAW.
LINK_KEYS: tuple[str, ...] = ("map_levels", "map_cost_reference", "map_cost_gamma", "map_budgets")

#: Probabilities offered for contour lines, and those drawn by default.
LEVEL_OPTIONS = (0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999)
DEFAULT_LEVELS = (0.5, 0.9, 0.99)
#: Budgets (US dollars) offered for iso-cost lines, and those drawn by default.
BUDGET_OPTIONS = tuple(10.0**k for k in range(2, 13))
DEFAULT_BUDGETS = (1e3, 1e5, 1e7, 1e9)
#: The preset whose price anchors the cost law by default: crowdworkers, AlpacaEval's published
#: $300 per 1,000 comparisons (anchors.md), the one human price the anchors give.
DEFAULT_REFERENCE = "crowdworkers"
#: γ = 2: price follows the (1 − 2ε)⁻² growth of data needed under random label noise (Aslam &
#: Decatur; Simon), so quality and quantity trade at par (see ``cost_law_price``).
DEFAULT_GAMMA = 2.0

_X_RANGE = core.QUANTITIES["labels"].log10_bounds  # log10 labels
_Y_RANGE = (-0.003, 0.522)  # error rate, with room above ε = ½ for the q = ½ line's label
_LABEL_GAP = 15.0  # pixels between preset names


def dollars(x: float) -> str:
    """US dollars for a caption or metric, e.g. ``$30,000`` or ``$1.2 million``.

    >>> dollars(29_964.0)
    '$29,964'
    >>> dollars(1.5e9)
    '$1.5 billion'
    >>> dollars(1e5)
    '$100k'
    """
    if not math.isfinite(x):
        return "n/a"
    if x >= 1e3 and x < 1e6 and round(x) % 1000 == 0:
        return f"${x / 1e3:.0f}k"
    if x < 1.0:
        return f"${x:.2f}"
    text = count(x)
    return "$" + text.replace(".00 ", " ").replace(".0 ", " ")


def reference_label(preset: str) -> str:
    """A price anchor as the page lists it (and the link writes it), e.g. ``'Crowdworkers, $0.3'``."""
    source = core.PRESETS[preset]
    return f"{source.name}, ${source.cost_per_label:g}"


def budget(x: float) -> str:
    """A budget for a short label: ``$1k``, ``$10M``, ``$1B``; plain dollars below a thousand.

    >>> [budget(x) for x in (100.0, 1e3, 1e5, 1e7, 2.5e9, 1e12)]
    ['$100', '$1k', '$100k', '$10M', '$2.5B', '$1T']
    """
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= scale:
            return f"${x / scale:.3g}{suffix}"
    return f"${x:.3g}"


def grid_axes() -> tuple[np.ndarray, np.ndarray]:
    """The grid's label counts (whole labels, log-spaced from 1 to 1e12) and error rates."""
    labels = np.round(np.logspace(_X_RANGE[0], _X_RANGE[1], LABELS_POINTS))
    error_rates = np.linspace(0.0, 0.5, ERROR_POINTS)
    return labels, error_rates


@cached_data(max_entries=32)
def grid(**threat: float) -> dict:
    """:func:`aliquant_core.p_align` on the grid: rows are error rates, columns label counts.

    Returns ``labels``, ``error_rate`` (1-d arrays), ``p_align`` and ``p_align_lower_bound`` (2-d
    arrays, one row per error rate), the blind share ``blind_share`` (h, a float: the same at
    every grid point, since it depends on σ, f and χ only) and ``edge_error_rate``
    (:func:`edge_error_rate`). Arrays, unlike the other wrappers'
    lists: the cache copies its 24,000 values on every hit, and an array copies as one block.
    """
    labels, error_rates = grid_axes()
    result = core.p_align(labels[None, :], error_rates[:, None], **threat)
    return {
        "labels": labels,
        "error_rate": error_rates,
        "p_align": np.asarray(result.p_align, dtype=float),
        "p_align_lower_bound": np.asarray(result.p_align_lower_bound, dtype=float),
        "blind_share": float(np.asarray(result.blind_share, dtype=float).flat[0]),
        "edge_error_rate": edge_error_rate(**threat),
    }


def edge_error_rate(**threat: float) -> float | None:
    """The error rate at which q = ½ on the map, from the core's q at ε = 0 and ε = ½.

    q = (1 − h)(1 − ε) + h(1 − φ) is linear in ε at a fixed blind share and fooled rate (model
    brief), so the two ends give the crossing exactly: ε* = (½ − q₀)/(2(q_½ − q₀)). Returns 0.0
    where q ≤ ½ already at ε = 0 (no quantity suffices anywhere on the map), ½ where q reaches ½
    only at ε = ½, and None where q > ½ even at ε = ½ (φ < ½: every row can be made to suffice).
    """
    q0, q_half = (float(q) for q in np.ravel(core.p_align(1.0, [0.0, 0.5], **threat).label_win_prob))
    if q0 <= 0.5:
        return 0.0
    if q_half > 0.5:
        return None
    return min(0.5, (0.5 - q0) / (2.0 * (q_half - q0)))


@cached_data(max_entries=64)
def level_lines(
    levels: tuple[float, ...],
    **threat: float,
) -> list[dict]:
    """Contour lines of P_align: for each level, the core's ``required_labels`` at each ε.

    Each line is ``{"level", "error_rate", "labels"}``; error rates where no quantity reaches the
    level are left out, and 0 labels (the level holds with no data) are drawn at 1, the axis's
    left end.
    """
    if not levels:
        return []
    error_rates = np.linspace(0.0, 0.5, LINE_POINTS)
    needed = np.asarray(
        core.required_labels(np.asarray(levels, dtype=float)[:, None], error_rates[None, :], **threat),
        dtype=float,
    )
    lines = []
    for level, row in zip(levels, needed, strict=True):
        keep = np.isfinite(row)
        lines.append(
            {
                "level": float(level),
                "error_rate": error_rates[keep].tolist(),
                "labels": np.maximum(row[keep], 1.0).tolist(),
            }
        )
    return lines


@cached_data(max_entries=64)
def iso_costs(budgets: tuple[float, ...], reference: str, gamma: float) -> list[dict]:
    """Iso-cost lines: N = budget / c(ε) under the cost law anchored at ``PRESETS[reference]``.

    Each line is ``{"budget", "error_rate", "labels"}``; ε = ½, where the law's price is 0 for
    γ > 0 (labels unbounded), is left out.
    """
    error_rates = np.linspace(0.0, 0.5, LINE_POINTS)
    price = np.asarray(core.cost_law_price(error_rates, core.PRESETS[reference], gamma), dtype=float)
    lines = []
    for amount in budgets:
        with np.errstate(divide="ignore"):
            labels = amount / price
        keep = np.isfinite(labels)
        lines.append(
            {
                "budget": float(amount),
                "error_rate": error_rates[keep].tolist(),
                "labels": labels[keep].tolist(),
            }
        )
    return lines


@cached_data(max_entries=256)
def law_cost(labels: float, error_rate: float, reference: str, gamma: float) -> dict[str, float]:
    """Price per label and dollars for ``labels`` at ``error_rate`` under the cost law."""
    price = float(core.cost_law_price(error_rate, core.PRESETS[reference], gamma))
    return {"price": price, "dollars": price * labels}


@cached_data(max_entries=64)
def presets_at(
    labels: float,
    **threat: float,
) -> list[dict]:
    """Each preset source at ``labels``: where it sits on the map and what it would give.

    ``p_align`` is the map's value at the preset's error rate (the sidebar's blind spot, like
    every point of the map); ``p_align_own`` uses the preset's own blind spot. ``dollars`` is
    ``labels`` at the preset's own price (``aliquant_core.source_cost``).
    """
    rows = []
    for key, source in core.PRESETS.items():
        on_map = core.p_align(labels, source.error_rate, **threat)
        own = core.p_align(labels, source.error_rate, **{**threat, "blind_spot": source.blind_spot})
        rows.append(
            {
                "key": key,
                "name": source.name,
                "error_rate": source.error_rate,
                "error_source": source.sourced("error_rate"),
                "blind_spot": source.blind_spot,
                "cost_per_label": source.cost_per_label,
                "dollars": float(core.source_cost(source, labels).dollars),
                "p_align": float(on_map.p_align),
                "p_misalign": float(on_map.p_misalign),
                "p_align_own": float(own.p_align),
                "p_misalign_own": float(own.p_misalign),
            }
        )
    return rows


def _hover_wrap(text: str, width: int = 60) -> str:
    """Break a long provenance line for a hover box."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line] if line else lines)


def _label_presets(fig: go.Figure, ordered: Sequence[Mapping], x: float, height: int) -> None:
    """Name each preset in a box beside its point, spread apart so that close error rates stay legible.

    The presets share one x (the sidebar's labels), and their error rates can lie a few pixels
    apart, so the names are placed at least ``_LABEL_GAP`` pixels apart (estimated from the
    figure's height) and joined to their points by short leaders. They go left of the points,
    or right when the points are near the left edge.
    """
    plot_px = max(height - 170, 100)
    scale = plot_px / (_Y_RANGE[1] - _Y_RANGE[0])
    points = [(p["error_rate"] - _Y_RANGE[0]) * scale for p in ordered]  # pixels up from the bottom
    placed: list[float] = []
    for y in points:
        placed.append(y if not placed else max(y, placed[-1] + _LABEL_GAP))
    shift = sum(points) / len(points) - sum(placed) / len(placed)
    placed = [y + shift for y in placed]
    if placed and placed[0] < _LABEL_GAP / 2:
        placed = [y + _LABEL_GAP / 2 - placed[0] for y in placed]
    left = math.log10(x) > 2.5
    for p, y, want in zip(ordered, points, placed, strict=True):
        fig.add_annotation(
            x=math.log10(x),
            y=p["error_rate"],
            xref="x",
            yref="y",
            text=p["name"],
            showarrow=True,
            arrowhead=0,
            arrowwidth=0.8,
            arrowcolor="#666666",
            standoff=5,
            ax=-28 if left else 28,
            ay=-(want - y),
            xanchor="right" if left else "left",
            bgcolor="rgba(255,255,255,0.82)",
            borderpad=1,
            font={"size": 10, "color": style.PRESET},
        )


@cached_figure()
def map_chart(
    levels: tuple[float, ...],
    budgets: tuple[float, ...],
    reference: str,
    gamma: float,
    *,
    labels: float,
    error_rate: float,
    p_align: float,
    p_misalign: float,
    **threat: float,
) -> go.Figure:
    """The page's map: :func:`grid`, :func:`level_lines`, :func:`iso_costs` and :func:`presets_at`
    drawn by :func:`map_figure`; keyed by these few inputs, not by the 24,000-value grid."""
    return map_figure(
        grid(**threat),
        level_lines(tuple(sorted(levels)), **threat),
        iso_costs(tuple(sorted(budgets)), reference, gamma),
        presets_at(labels, **threat),
        labels=labels,
        error_rate=error_rate,
        p_align=p_align,
        p_misalign=p_misalign,
        programme_dollars=law_cost(labels, error_rate, reference, gamma)["dollars"],
        reference_name=core.PRESETS[reference].name,
        gamma=gamma,
    )


def grid_csv_for(threat: Mapping[str, float]) -> str:
    """:func:`grid_csv` of the grid for these threat settings."""
    return grid_csv(grid(**threat), threat)


def map_figure(
    data: Mapping,
    levels: Sequence[Mapping],
    costs: Sequence[Mapping],
    presets: Sequence[Mapping],
    *,
    labels: float,
    error_rate: float,
    p_align: float,
    p_misalign: float,
    programme_dollars: float,
    reference_name: str,
    gamma: float,
    height: int = 560,
) -> go.Figure:
    """The map: heatmap, contour lines, q = ½ line, iso-cost lines, presets, this programme.

    Parameters
    ----------
    data : mapping
        From :func:`grid`.
    levels : sequence of mapping
        From :func:`level_lines`.
    costs : sequence of mapping
        From :func:`iso_costs`.
    presets : sequence of mapping
        From :func:`presets_at`.
    labels, error_rate, p_align, p_misalign : float
        The current programme (drawn at 1 label if it has fewer: the axis is logarithmic).
    programme_dollars : float
        Its cost under the cost law.
    reference_name, gamma : str, float
        The cost law, for hover text.
    height : int
        Figure height in pixels.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Heatmap(
            x=data["labels"],
            y=data["error_rate"],
            # Sent as 4-byte floats: the colour and the hover's 4 significant digits need no more,
            # and it halves the page's largest message (the CSV keeps full precision).
            z=np.asarray(data["p_align"], dtype=np.float32),
            zmin=0.0,
            zmax=1.0,
            colorscale=style.MAP_SCALE,
            colorbar={
                "title": {"text": "P_align", "side": "right", "font": {"size": 11}},
                "orientation": "h",
                "x": 0.5,
                "xanchor": "center",
                "y": 0.0,
                "yref": "container",
                "yanchor": "bottom",
                "ypad": 4,
                "len": 0.7,
                "thickness": 10,
                "tickvals": [0, 0.25, 0.5, 0.75, 1],
                "tickfont": {"size": 10},
            },
            name="P_align",
            hovertemplate="N = %{x:,.0f}<br>ε = %{y:.3f}<br>P_align = %{z:.4g}<extra></extra>",
        )
    )

    # q = ½ at ε* (edge_error_rate): above it no quantity suffices, the fooled rate held.
    edge = data["edge_error_rate"]
    if edge is None:
        edge, edge_text = 0.5, "q > ½ even at ε = ½ (φ < ½): quantity suffices at every ε shown"
    elif edge == 0.0:
        edge_text = "q ≤ ½ at every ε: no quantity suffices anywhere on this map"
    elif edge == 0.5:
        edge_text = "ε = ½: q = ½, labels are coin flips; no quantity suffices"
    else:
        edge_text = f"ε = {edge:.3f}: q = ½; above it no quantity suffices"
    fig.add_trace(
        go.Scatter(
            x=[10.0 ** _X_RANGE[0], 10.0 ** _X_RANGE[1]],
            y=[edge, edge],
            mode="lines",
            line={"color": style.EDGE, "width": 2.5, "dash": "dash"},
            name="q = ½",
            hovertemplate=f"{edge_text}<extra></extra>",
        )
    )
    fig.add_annotation(
        x=0.0,
        y=edge,
        xref="x",
        yref="y",
        text=edge_text,
        showarrow=False,
        xanchor="left",
        yanchor="bottom",
        font={"size": 10, "color": style.EDGE},
    )

    drawn = [line for line in levels if line["labels"]]  # a level no quantity reaches has no line
    for i, line in enumerate(drawn):
        fig.add_trace(
            go.Scatter(
                x=line["labels"],
                y=line["error_rate"],
                mode="lines",
                line={"color": style.LEVEL, "width": 1.6, "dash": style.level_dash(i)},
                name=f"P_align = {line['level']:g}",
                hovertemplate=f"P_align = {line['level']:g} needs N = %{{x:,.0f}}<br>at ε = %{{y:.4f}}"
                "<extra></extra>",
            )
        )

    for i, line in enumerate(costs):
        name = budget(line["budget"])
        fig.add_trace(
            go.Scatter(
                x=line["labels"],
                y=line["error_rate"],
                mode="lines",
                line={"color": style.COST, "width": 1.2, "dash": "dot"},
                name="iso-cost",
                legendgroup="iso-cost",
                showlegend=i == 0,
                hovertemplate=f"{name}: N = %{{x:,.0f}} at ε = %{{y:.3f}}<br>"
                f"price from {reference_name}'s, γ = {gamma:g}<extra></extra>",
            )
        )
        # A label where the line crosses ε = 0.03, if that point is on the map.
        y_label = 0.03
        xs, ys = line["labels"], line["error_rate"]
        if xs:
            j = int(np.argmin(np.abs(np.asarray(ys) - y_label)))
            if 1.0 <= xs[j] <= 10.0 ** _X_RANGE[1]:
                fig.add_annotation(
                    x=math.log10(xs[j]),
                    y=ys[j],
                    xref="x",
                    yref="y",
                    text=name,
                    showarrow=False,
                    xanchor="left",
                    xshift=3,
                    font={"size": 10, "color": style.COST},
                )

    shown_labels = max(labels, 1.0)
    if presets:
        ordered = sorted(presets, key=lambda p: p["error_rate"])
        fig.add_trace(
            go.Scatter(
                x=[shown_labels] * len(ordered),
                y=[p["error_rate"] for p in ordered],
                mode="markers",
                marker=style.diamond(style.PRESET, size=9),
                name="preset sources",
                customdata=[
                    [
                        p["name"],
                        share(p["error_rate"], 4),
                        probability(p["p_align"], p["p_misalign"]),
                        probability(p["p_align_own"], p["p_misalign_own"]),
                        share(p["blind_spot"], 3),
                        dollars(p["dollars"]),
                        f"${p['cost_per_label']:g}",
                        _hover_wrap(p["error_source"]),
                    ]
                    for p in ordered
                ],
                hovertemplate="<b>%{customdata[0]}</b> at N = %{x:,.0f}<br>ε = %{customdata[1]} "
                "(%{customdata[7]})<br>P_align here (sidebar's blind spot) = %{customdata[2]}<br>"
                "P_align with its own blind spot σ = %{customdata[4]}: %{customdata[3]}<br>"
                "cost at its own price %{customdata[6]}/label: %{customdata[5]}<extra></extra>",
            )
        )

        _label_presets(fig, ordered, shown_labels, height)

    style.this_programme(
        fig, shown_labels, error_rate, ring=True,
        hover=f"this programme: {count(labels)} labels at ε = {error_rate:.4f}<br>"
        f"P_align = {probability(p_align, p_misalign)}<br>cost under the law: {dollars(programme_dollars)}",
    )  # fmt: skip

    fig.update_xaxes(
        **style.LOG_AXIS,
        range=list(_X_RANGE),
        title={"text": "labels N (comparisons, log scale)", "standoff": 4},
        showgrid=False,
    )
    fig.update_yaxes(
        range=list(_Y_RANGE),
        title={"text": "error rate ε", "standoff": 4},
        tickvals=[0, 0.1, 0.2, 0.3, 0.4, 0.5],
        showgrid=False,
        zeroline=False,
    )
    return style.legend_above(
        fig,
        height=height,
        margin={"l": 50, "r": 12, "t": 10, "b": 110},
        legend={"bgcolor": "rgba(255,255,255,0.85)"},
    )


def grid_csv(data: Mapping, settings: Mapping[str, float]) -> str:
    """The grid as CSV: one row per (labels, error rate), the threat settings repeated as columns.

    The grid's label counts are whole, so at the low end several grid columns hold the same count
    (1, 1, 1, 2, …): each count is written once.
    """
    columns = ["labels", "error_rate", "p_align", "p_align_lower_bound"]
    fixed = settings_values(settings)
    _, first = np.unique(np.asarray(data["labels"]), return_index=True)
    keep = sorted(int(j) for j in first)
    labels = [float(data["labels"][j]) for j in keep]

    def rows():
        grid_rows = zip(data["error_rate"], data["p_align"], data["p_align_lower_bound"], strict=True)
        for eps, row, lows in grid_rows:
            for n, j in zip(labels, keep, strict=True):
                yield [n, float(eps), float(row[j]), float(lows[j]), *fixed]

    return csv_text([*columns, *setting_names(settings, columns)], rows())


#: For the link keys of bound option controls: how each writes an option into the link (its
#: label), for the link check (aliquant_app.state.check_page_link).
LINK_LABELS: dict[str, Callable[[Any], str]] = {"map_levels": str}


def _read_budgets(raw: list[str]) -> list[float]:
    """Iso-cost budgets from the link: each one of :data:`BUDGET_OPTIONS`, by label or in dollars."""
    chosen = []
    for part in (part for part in raw if part != ""):
        match = next((b for b in BUDGET_OPTIONS if part in (budget(b), link_number(b))), None)
        if match is None:
            raise ValueError("not among " + ", ".join(budget(b) for b in BUDGET_OPTIONS))
        chosen.append(match)
    return sorted(set(chosen))


#: The cost-law controls (drawn only while their expander is open) and their defaults.
COST_DEFAULTS: dict[str, Any] = {
    "map_cost_reference": DEFAULT_REFERENCE,
    "map_cost_gamma": DEFAULT_GAMMA,
    "map_budgets": list(DEFAULT_BUDGETS),
}
#: Their values: in one Session State entry, and in the link (aliquant_app.linked).
COST_LAW = LinkedStore(
    "_aliquant_map",
    [
        Field(
            "map_cost_reference",
            read_choice(tuple(core.PRESETS), reference_label),
            lambda preset: [reference_label(preset)],
        ),
        Field("map_cost_gamma", read_number(0.0, 4.0), lambda gamma: [link_number(gamma)]),
        # An empty choice is written as an empty value, so that the link keeps it.
        Field("map_budgets", _read_budgets, lambda chosen: [budget(b) for b in chosen] or [""]),
    ],
)
