"""Helpers of the Check-by-simulation page: cached core calls, the interval chart, the difference.

Nothing here computes the model: the cached wrappers call :mod:`aliquant_core.simulate` (the
checks with their verdicts, and the resolvable point where the sidebar's programme cannot be
resolved) and return plain values; the figure builder takes those values and returns a Plotly
figure (SVG traces only).

Measured on the development machine: ``simulate_p_align`` with 20,000 trials takes 3–6 ms
(fixed or binomial m), with 1,000,000 trials (the page's maximum) 0.13–0.55 s, so both run live.
``bradley_terry_check`` fits one reward model per dataset and costs about 1–2 µs per comparison
plus the optimiser's overhead: 0.8 s for 500 datasets of 91 comparisons, 2.3 s for 500 datasets of
5,000 (the default scenario), 22 s for 200 of 50,000. It runs only when asked (a Run button), and
only up to :data:`BT_MAX_COMPARISONS` comparisons in all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from aliquant_app import chart_style as style
from aliquant_app.calls import cached_data, cached_figure
from aliquant_app.csv_tables import csv_text, setting_names
from aliquant_app.linked import Field, LinkedStore, link_number, read_number
from aliquant_core.simulate import (
    CONFIDENCE,
    MAX_ELEMENTS,
    bradley_terry_check,
    per_labeler_draws,
    resolvable_point,
    simulate_p_align,
)

__all__ = [
    "BT_MAX_COMPARISONS",
    "BT_SECONDS_PER_COMPARISON",
    "LEARNER",
    "LEARNER_DEFAULTS",
    "LINK_KEYS",
    "LINK_LABELS",
    "TRIALS_MAX",
    "TRIALS_MIN",
    "VERDICT_WORDS",
    "Row",
    "difference",
    "estimate_text",
    "interval_chart",
    "per_labeler_fits",
    "resolvable",
    "row",
    "rows_csv",
    "run_bradley_terry",
    "run_simulation",
]

TRIALS_MIN, TRIALS_MAX = 1_000, 1_000_000
#: Most comparisons (datasets × informative labels) a Bradley–Terry run may fit: about 20 s.
BT_MAX_COMPARISONS = 10_000_000
#: Measured cost of the Bradley–Terry check per comparison, for the time estimate shown.
BT_SECONDS_PER_COMPARISON = 2e-6
#: How the page words each verdict of :data:`aliquant_core.simulate.VERDICTS`.
VERDICT_WORDS = {"agrees": "agrees", "disagrees": "disagrees", "unresolvable": "cannot resolve"}

#: Query-string keys of the page's own controls (the sidebar's link check leaves them alone).
LINK_KEYS: tuple[str, ...] = (
    "sim_resolvable",
    "sim_trials",
    "sim_seed",
    "sim_per_labeler",
    "sim_redundancy",
    "sim_view",
    "sim_bt_trials",
)
#: How option controls write a value into the link (a tab's own label), for the link check.
LINK_LABELS = {"sim_view": str}
#: The learner's control, drawn only in its section: its default, and its value kept in a linked
#: store (aliquant_app.linked), which also writes it into the link while the section is closed.
LEARNER_DEFAULTS = {"sim_bt_trials": 500.0}
LEARNER = LinkedStore(
    "_aliquant_simulation",
    [Field("sim_bt_trials", read_number(50, 5_000, whole=True), lambda value: [link_number(value)])],
)

_SIMULATED = style.CURVE
_ANALYTIC = style.TARGET


@cached_data(max_entries=64)
def resolvable(*, error_rate: float, labels: float, redundancy: int, trials: int, **threat: float) -> dict:
    """:func:`aliquant_core.simulate.resolvable_point` as plain values: where ``trials`` resolve the check."""
    return resolvable_point(
        error_rate, labels=labels, redundancy=redundancy, trials=trials, **threat
    ).to_dict()


def per_labeler_fits(labels: float, footprint: float, redundancy: int, trials: int) -> bool:
    """Whether drawing every labeler stays within the core's limit of draws, with room for the
    largest m of a Binomial(N, f) draw (m + 10√m + 10: the core counts the largest m drawn)."""
    draws = per_labeler_draws(labels, footprint, redundancy, trials)
    m = draws / (trials * (1.0 + redundancy))
    return draws * (m + 10.0 * math.sqrt(m) + 10.0) / max(m, 1.0) <= MAX_ELEMENTS


@cached_data(max_entries=64)
def run_simulation(
    labels: float,
    *,
    error_rate: float,
    trials: int,
    seed: int,
    informative: str,
    redundancy: int = 1,
    per_labeler: bool = False,
    **threat: float,
) -> dict[str, Any]:
    """:func:`aliquant_core.simulate.simulate_p_align` as plain values.

    With ``informative="binomial"`` the labels are rounded to a whole number first, as
    Binomial(N, f) needs.
    """
    if informative == "binomial":
        labels = float(round(labels))
    result = simulate_p_align(
        labels,
        error_rate,
        **threat,
        redundancy=redundancy,
        per_labeler=per_labeler,
        trials=trials,
        seed=seed,
        informative=informative,
    )
    return {**result.to_dict(), "labels": labels, "agrees": result.agrees}


@cached_data(max_entries=16)
def run_bradley_terry(
    labels: float,
    *,
    error_rate: float,
    trials: int,
    seed: int,
    redundancy: int = 1,
    **threat: float,
) -> dict[str, Any]:
    """:func:`aliquant_core.simulate.bradley_terry_check` as plain values (seconds: 0.1 to 20)."""
    return bradley_terry_check(
        labels, error_rate, **threat, redundancy=redundancy, trials=trials, seed=seed
    ).to_dict()


def difference(a: dict[str, float], b: dict[str, float]) -> tuple[float, float, float]:
    """a − b for two independent simulated shares, with Newcombe's hybrid score interval.

    Built from the two Wilson intervals (each at the core's 99%): low = d − √((a − a_low)² +
    (b_high − b)²), high = d + √((a_high − a)² + (b − b_low)²) (Newcombe 1998, method 10).
    """
    d = a["value"] - b["value"]
    low = d - math.hypot(a["value"] - a["low"], b["high"] - b["value"])
    high = d + math.hypot(a["high"] - a["value"], b["value"] - b["low"])
    return d, low, high


def estimate_text(e: dict[str, float] | None, digits: int = 4) -> str:
    """``0.9011 [0.8955, 0.9064]``."""
    if e is None:
        return "n/a"
    return f"{e['value']:.{digits}f} [{e['low']:.{digits}f}, {e['high']:.{digits}f}]"


@dataclass(frozen=True)
class Row:
    """One simulated probability with its interval, beside the value it is checked against."""

    name: str
    value: float
    low: float
    high: float
    reference: float
    reference_name: str


def row(name: str, estimate: dict[str, float], reference: float, reference_name: str) -> Row:
    """A chart row from a simulated estimate (as returned by the wrappers) and its reference."""
    return Row(name, estimate["value"], estimate["low"], estimate["high"], reference, reference_name)


def rows_csv(rows: Sequence[Row], settings: Mapping[str, Any]) -> str:
    """A chart's data as CSV: each row's simulated value, its 99% interval and the value it is
    checked against, with the settings (model, trials, seed, labels) as columns."""
    columns = ["quantity", "simulated", "low_99", "high_99", "reference", "reference_name"]
    fixed = list(settings.values())
    table = (
        [r.name, *(float(x) for x in (r.value, r.low, r.high, r.reference)), r.reference_name, *fixed]
        for r in rows
    )
    return csv_text([*columns, *setting_names(settings, columns)], table)


def _range(row: Row) -> list[float]:
    """An x range around the interval and the reference, kept within [0, 1] up to a small margin."""
    low, high = min(row.low, row.reference, row.value), max(row.high, row.reference, row.value)
    if high - low < 1e-9:  # everything at one value (e.g. P_align = 0 in both): show all of [0, 1]
        return [-0.02, 1.02]
    pad = max((high - low) * 0.25, 2e-4)
    start, end = low - pad, high + pad
    if start < 0.0:
        start = -0.03 * min(end, 1.0)
    if end > 1.0:
        end = 1.0 + 0.03 * (1.0 - max(start, 0.0))
    return [start, end]


@cached_figure()
def interval_chart(rows: Sequence[Row], *, row_height: int = 90) -> go.Figure:
    """One panel per row, each on its own zoomed axis: the simulated value with its interval as an
    error bar, and the reference (analytic) value as a diamond."""
    fig = make_subplots(
        rows=len(rows),
        cols=1,
        subplot_titles=[row.name for row in rows],
        vertical_spacing=min(0.5, 0.9 / max(1, len(rows))) if len(rows) > 1 else 0.0,
    )
    for i, row in enumerate(rows, start=1):
        fig.add_trace(
            go.Scatter(
                x=[row.value],
                y=[0],
                mode="markers",
                marker={"color": _SIMULATED, "size": 9},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [row.high - row.value],
                    "arrayminus": [row.value - row.low],
                    "color": _SIMULATED,
                    "thickness": 2,
                    "width": 8,
                },
                name=f"simulated, {CONFIDENCE:.0%} Wilson interval",
                legendgroup="simulated",
                showlegend=i == 1,
                hovertemplate=f"simulated {row.value:.6g}<br>{CONFIDENCE:.0%} interval "
                f"[{row.low:.6g}, {row.high:.6g}]<extra></extra>",
            ),
            row=i,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=[row.reference],
                y=[0],
                mode="markers",
                marker={"color": _ANALYTIC, "size": 12, "symbol": "diamond-open", "line": {"width": 2.5}},
                name="analytic (the model)",
                legendgroup="analytic",
                showlegend=i == 1,
                hovertemplate=f"{row.reference_name} {row.reference:.6g}<extra></extra>",
            ),
            row=i,
            col=1,
        )
        fig.update_xaxes(range=_range(row), gridcolor=style.GRID, tickformat=".6~g", nticks=6, row=i, col=1)
        fig.update_yaxes(visible=False, range=[-1, 1], row=i, col=1)
    fig.update_annotations(font={"size": 12})
    height = 60 + row_height * len(rows)
    return style.legend_above(
        fig, height=height, margin={"l": 15, "r": 15, "t": 55, "b": 30}, y=1.0 + 28 / height
    )
