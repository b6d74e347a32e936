"""Helpers of the Uncertainty page: interval controls' specs and defaults, cached core calls, charts, CSV.

Nothing here computes the model: the cached wrappers call :mod:`aliquant_core.uncertainty` and
convert its results to plain values; the figure builders take those values and return Plotly
figures (SVG traces only).

Measured on the development machine (``aliquant_core.uncertainty``, the default five quantities
uncertain, a loaded machine): 4,096 draws (the default) 0.03 s, 20,000 draws 0.085 s, 100,000 draws
(the page's maximum) 0.34 s; Sobol indices with 1,024 base samples 0.01–0.04 s; the tornado 2 ms.
All of it is well under a second, so the page recomputes live as the controls move (no Run
button), each call cached.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from aliquant_core import PRESETS, agreement_from_error_rate, anchors, error_rate_from_agreement
from aliquant_core.quantities import QUANTITIES
from aliquant_core.uncertainty import UNCERTAIN_QUANTITIES, sensitivity, tornado, uncertainty

from . import chart_style as style
from .calls import Classes, cached_data, cached_figure, split_classes
from .csv_tables import csv_text, setting_names
from .formatting import count
from .linked import Field, LinkedStore, link_number, read_flag, read_number, read_range

__all__ = [
    "DRAWS_MAX",
    "DRAWS_MIN",
    "INTERVALS",
    "LINK_KEYS",
    "LINK_LABELS",
    "RUN_DEFAULTS",
    "SOBOL_SAMPLES",
    "SPECS",
    "IntervalSpec",
    "chosen_intervals",
    "default_widget_value",
    "draws_csv",
    "draws_csv_for",
    "histogram_p_align",
    "histogram_required",
    "in_tornado_order",
    "interval_defaults",
    "model_interval",
    "p_align_histogram",
    "quantiles_csv",
    "required_histogram",
    "run_sensitivity",
    "run_tornado",
    "run_uncertainty",
    "sensitivity_csv",
    "sobol_chart",
    "summary",
    "tornado_chart",
    "uncertainty_spread",
    "uncertainty_summary",
]

DRAWS_MIN, DRAWS_MAX = 1_000, 100_000
#: Base sample of the Sobol indices (P_align is evaluated n·(d + 2) times).
SOBOL_SAMPLES = 1024


@dataclass(frozen=True)
class IntervalSpec:
    """The 90% interval control of one uncertain quantity.

    Attributes
    ----------
    name : str
        The brief's name (core keyword).
    widget : str
        ``"range"`` (one range slider) or ``"pair"`` (two number inputs, for small shares and
        values whose useful interval is a sliver of the whole range).
    step : float
        Widget step, in widget units (log₁₀ N for labels).
    fmt : str
        printf-style display format of the widget.
    default_on : bool
        Whether the quantity starts uncertain.
    rule : str
        One line: how the default interval is set around the sidebar's value, and why.
    note : str
        More on the default, for the toggle's help ("" if none).
    label : str
        Display name with its symbol; by default the quantity's label in the table of quantities.
    low, high : float
        Widget bounds in widget units; by default the quantity's control range in the table.
    """

    name: str
    widget: str
    step: float
    fmt: str
    default_on: bool
    rule: str
    note: str = ""
    label: str = ""
    low: float | None = None
    high: float | None = None

    def __post_init__(self):
        quantity = QUANTITIES[self.name]
        for field, value in (
            ("label", quantity.label),
            ("low", quantity.control_low),
            ("high", quantity.control_high),
        ):
            if getattr(self, field) in ("", None):
                object.__setattr__(self, field, value)

    @property
    def toggle_key(self) -> str:
        return f"unc_{self.name}_on"

    @property
    def keys(self) -> tuple[str, ...]:
        """Widget keys of the interval (one for a range slider, low and high for a pair)."""
        if self.widget == "range":
            return (f"unc_{self.name}",)
        return (f"unc_{self.name}_low", f"unc_{self.name}_high")

    @property
    def scale(self) -> str:
        return {"log": "log-normal", "logit": "logit-normal", "normal": "normal"}[
            UNCERTAIN_QUANTITIES[self.name]
        ]


_LOG10_LABELS = QUANTITIES["labels"].log10_bounds

# The spread of published agreement, all as agreement between two labelers: AlpacaEval's humans
# were measured against the mode of three others, so their figure is converted through the error
# rate it implies (the crowdworkers preset) before it is compared with two-labeler figures.
_HELD_OUT = anchors.INSTRUCTGPT_HELD_OUT_AGREEMENT
_ALPACA, _CROWD = anchors.ALPACAEVAL_HUMAN.agreement, PRESETS["crowdworkers"]

#: One spec per uncertain quantity of the core, in sidebar order.
SPECS: dict[str, IntervalSpec] = {
    s.name: s
    for s in (
        IntervalSpec(
            "labels", "range", 0.05, "%.2f", False,
            "N ÷/× 2 (log₁₀ N ± 0.3): how far a programme's final count may miss its plan (assumption).",
            "Off by default: the count is the programme's decision, not an unknown.",
            label="Labels N", low=_LOG10_LABELS[0], high=_LOG10_LABELS[1],
        ),
        IntervalSpec(
            "error_rate", "range", 0.001, "%.3f", True,
            f"agreement ± 7 points: published agreement between two labelers spans "
            f"{_CROWD.agreement:.1%}–{_HELD_OUT.value:.1%} (anchors).",
            f"InstructGPT's held-out labelers agree {_HELD_OUT.value:.1%}. AlpacaEval's humans agree "
            f"{_ALPACA.value:.1%} with the mode of {_ALPACA.others} others, which means ε = "
            f"{_CROWD.error_rate:.3f}: {_CROWD.agreement:.1%} between two labelers.",
        ),
        IntervalSpec(
            "blind_spot", "pair", 0.001, "%.4f", True,
            "σ ÷/× 3 (0 to 0.01 at σ = 0): only its order of magnitude is known (assumption).",
        ),
        IntervalSpec(
            "fooled_rate", "range", 0.01, "%.2f", False,
            "φ ± 0.15: no published figure measures how often a blind spot fools a labeler (assumption).",
            "Off by default: turn it on to see how far the answer rests on it.",
        ),
        IntervalSpec(
            "footprint", "pair", 0.001, "%.4f", True,
            "f ÷/× 3 (at most 1): known to an order of magnitude at best (assumption).",
        ),
        IntervalSpec(
            "exploitation", "range", 0.01, "%.2f", True,
            "χ ± 0.25: how far a competitor steers into blind spots is a guess (assumption).",
        ),
        IntervalSpec(
            "competitors_log10", "range", 0.5, "%.1f", True,
            "log₁₀ K ± 10: the class training searches is unknown to ten orders of magnitude (assumption).",
        ),
        IntervalSpec(
            "prior_bits", "pair", 1.0, "%.1f", False,
            "b ± 20 bits, at least 0 (20 bits: a factor of 10⁶ in K_eff) (assumption).",
            "Off by default: the sidebar's 0 bits is the conservative end.",
        ),
    )
}  # fmt: skip
#: Any other quantity the core lets be uncertain (one added to the table later) gets a generic
#: interval from the table's widget hints, so it shows on the page until it is given a rule here.
SPECS.update({
    name: IntervalSpec(
        name, "range", QUANTITIES[name].step, QUANTITIES[name].fmt, False,
        f"{QUANTITIES[name].symbol} ± a tenth of its range (assumption: no rule given for it yet).",
    )
    for name in UNCERTAIN_QUANTITIES if name not in SPECS
})  # fmt: skip


#: Query-string keys of the page's own controls (the sidebar's link check leaves them alone).
LINK_KEYS: tuple[str, ...] = (
    *(key for spec in SPECS.values() for key in (spec.toggle_key, *spec.keys)),
    "unc_draws",
    "unc_seed",
    "unc_view",
)
#: How option controls write a value into the link (a tab's own label), for the link check.
LINK_LABELS = {"unc_view": str}


def _snap(x: float, spec: IntervalSpec, towards=round) -> float:
    """``x`` on the widget's grid (rounded with ``towards``: round, math.floor or math.ceil) and
    within its bounds."""
    steps = (x - spec.low) / spec.step
    snapped = round(towards(round(steps, 9)) * spec.step + spec.low, 10)
    return float(min(spec.high, max(spec.low, snapped)))


def default_widget_value(name: str, point: Mapping[str, float]) -> tuple[float, float]:
    """The default 90% interval of ``name`` around the sidebar's ``point``, in widget units.

    The rule for each quantity is ``SPECS[name].rule``; ends are snapped to the widget's step.
    """
    spec = SPECS[name]
    x = float(point[name])
    if name == "labels":
        centre = math.log10(x) if x >= 1.0 else 0.0
        low, high = centre - 0.3, centre + 0.3
    elif name == "error_rate":
        a = float(agreement_from_error_rate(x))
        a_low, a_high = max(0.5, a - 0.07), min(1.0, a + 0.07)
        low = float(error_rate_from_agreement(a_high))
        high = float(error_rate_from_agreement(a_low))
    elif name in ("blind_spot", "footprint"):
        low, high = (x / 3.0, x * 3.0) if x > 0 else (0.0, 0.01)
    elif name == "exploitation":
        low, high = x - 0.25, x + 0.25
    elif name == "fooled_rate":
        low, high = x - 0.15, x + 0.15
    elif name == "competitors_log10":
        low, high = x - 10.0, x + 10.0
    elif name == "prior_bits":
        low, high = x - 20.0, x + 20.0
    else:  # a quantity without a rule of its own: ± a tenth of its widget range
        spread = (spec.high - spec.low) / 10.0
        low, high = x - spread, x + spread
    # Outward to the grid, so the interval always holds the sidebar's value (a blind spot of 1e-5
    # on a 0.001 grid is 0 to 0.001, not 0 to 0).
    low, high = _snap(low, spec, math.floor), _snap(high, spec, math.ceil)
    if high <= low:  # a point at the top of the range: keep a proper interval
        low = _snap(high - spec.step, spec)
    return low, high


def summary(intervals: Sequence[tuple[str, float, float]]) -> str:
    """The uncertain quantities and their intervals in one line, e.g. ``ε 0.115–0.221 · χ 0.4–0.9``."""
    return " · ".join(
        f"{QUANTITIES[name].symbol} {_interval_text(name, low, high)}" for name, low, high in intervals
    )


def model_interval(name: str, widget_value: Sequence[float]) -> tuple[float, float]:
    """A widget's interval in the core's units (labels from log₁₀ N), ordered low ≤ high."""
    low, high = sorted(float(v) for v in widget_value)
    if name == "labels":
        return 10.0**low, 10.0**high
    return low, high


def interval_defaults(point: Mapping[str, float]) -> dict[str, Any]:
    """Every control's default in :data:`INTERVALS` for the sidebar's ``point``, by key: the
    toggles' :attr:`IntervalSpec.default_on`, the intervals' :func:`default_widget_value` (a range
    slider holds both ends, a pair one end each), and :data:`RUN_DEFAULTS`."""
    values: dict[str, Any] = dict(RUN_DEFAULTS)
    for name, spec in SPECS.items():
        values[spec.toggle_key] = spec.default_on
        low, high = default_widget_value(name, point)
        if spec.widget == "range":
            values[spec.keys[0]] = (low, high)
        else:
            values[spec.keys[0]], values[spec.keys[1]] = low, high
    return values


def _write_ends(ends: Sequence[float]) -> list[str]:
    return [link_number(x) for x in ends]


def _write_number(x: float) -> list[str]:
    return [link_number(x)]


def _write_flag(on: bool) -> list[str]:
    return ["true" if on else "false"]


def _fields(spec: IntervalSpec) -> list[Field]:
    """The link fields of one quantity's controls (as bound widgets would write them)."""
    fields = [Field(spec.toggle_key, read_flag, _write_flag)]
    if spec.widget == "range":
        fields.append(Field(spec.keys[0], read_range(spec.low, spec.high), _write_ends))
    else:
        fields += [Field(key, read_number(spec.low, spec.high), _write_number) for key in spec.keys]
    return fields


#: The draws and seed controls (drawn with the intervals) and their defaults.
#: 4,096 draws by default: the Overview shows the headline's 90% interval from this same call on
#: every change of the sidebar, so it must be cheap (about 30 ms against 85 ms for 20,000), and on
#: the scrambled Halton sequence it is close enough: at the defaults its quantiles of P_align, its
#: mean (0.4901 against 0.4887 at 100,000 draws) and its share of unreachable draws (0.4048
#: against 0.4039) differ from 100,000 draws' by less than a percentage point.
RUN_DEFAULTS = {"unc_draws": 4_096.0, "unc_seed": 0.0}
_RUN_FIELDS = (
    Field("unc_draws", read_number(DRAWS_MIN, DRAWS_MAX, whole=True), _write_number),
    Field("unc_seed", read_number(0, 2**32 - 1, whole=True), _write_number),
)

#: The interval, draws and seed controls' values: in one Session State entry, and in the link. An
#: interval not changed has its default around the sidebar's current values, so it follows them.
INTERVALS = LinkedStore(
    "_aliquant_intervals", (*(f for spec in SPECS.values() for f in _fields(spec)), *_RUN_FIELDS)
)


def chosen_intervals(values: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    """The uncertain quantities (toggle on) and their intervals in the core's units, in the
    page's order (each takes one dimension of the quasi-random draws)."""
    chosen = []
    for name, spec in SPECS.items():
        if values[spec.toggle_key]:
            ends = values[spec.keys[0]] if spec.widget == "range" else [values[k] for k in spec.keys]
            chosen.append((name, *model_interval(name, ends)))
    return chosen


# --- cached core calls --------------------------------------------------------------------------

Intervals = tuple[tuple[str, float, float], ...]
Point = tuple[tuple[str, float], ...]


@cached_data(max_entries=8)
def run_uncertainty(
    intervals: Intervals, point: Point, draws: int, seed: int, classes: Classes = ()
) -> dict[str, Any]:
    """:func:`aliquant_core.uncertainty.uncertainty` as plain values and arrays.

    ``classes``: competitor classes added beside the sidebar's (an interval on a class quantity
    moves the sidebar's class). At most eight results are kept: one holds up to 100,000 draws of
    up to nine columns (7 MB). The draws stay arrays (copied as blocks on every hit), so not the
    result's ``to_dict()``.
    """
    result = _uncertainty(intervals, point, draws, seed, classes, required_labels=True)
    return {
        "draws": {name: np.asarray(v, dtype=float) for name, v in result.draws.items()},
        "p_align": np.asarray(result.p_align, dtype=float),
        "required_labels": np.asarray(result.required_labels, dtype=float),
        **result.summary(),
    }


@cached_data(max_entries=64)
def uncertainty_summary(
    intervals: Intervals, point: Point, draws: int, seed: int, classes: Classes = ()
) -> dict[str, Any]:
    """What the page shows of :func:`run_uncertainty`: its statistics and both histograms.

    The page calls this on every rerun; it is small, where the draws (up to 7 MB) would be
    copied out of the cache on every hit. The draws themselves are read only for the draws CSV.
    """
    result = run_uncertainty(intervals, point, draws, seed, classes)
    keep = (
        "quantile_levels",
        "p_align_quantiles",
        "required_labels_quantiles",
        "mean_p_align",
        "p_target_met",
        "p_unreachable",
        "seed",
    )
    return {
        **{key: result[key] for key in keep},
        "p_align_histogram": histogram_p_align(result["p_align"]),
        "required_histogram": histogram_required(result["required_labels"]),
    }


@cached_data(max_entries=64)
def uncertainty_spread(
    intervals: Intervals, point: Point, draws: int, seed: int, classes: Classes = ()
) -> dict[str, Any]:
    """What the Overview shows of the uncertainty: P_align's quantiles and the shares of draws that
    reach the target and that no quantity of labels reaches.

    The same draws and numbers as :func:`uncertainty_summary` (the Uncertainty page's), without the
    labels each draw requires: the Overview recomputes this on every new sidebar value (its
    default intervals are centred on them), and the search for the labels is most of the cost.
    """
    return _uncertainty(intervals, point, draws, seed, classes, required_labels=False).summary()


def _uncertainty(
    intervals: Intervals, point: Point, draws: int, seed: int, classes: Classes, *, required_labels: bool
):
    """:func:`aliquant_core.uncertainty.uncertainty` of the page's cache-friendly arguments."""
    return uncertainty(
        {name: (low, high) for name, low, high in intervals},
        dict(point),
        draws=draws,
        seed=seed,
        classes=_core_classes(point, classes),
        required_labels=required_labels,
    )


def draws_csv_for(intervals: Intervals, point: Point, draws: int, seed: int, classes: Classes = ()) -> str:
    """:func:`draws_csv` of these inputs' draws (computed again if the cache has let them go)."""
    return draws_csv(run_uncertainty(intervals, point, draws, seed, classes))


def _core_classes(point: Point, classes: Classes):
    """The core's classes for ``classes`` added beside the sidebar's (None without any)."""
    return split_classes(dict(point), classes)[1] if classes else None


@cached_data(max_entries=64)
def run_sensitivity(
    intervals: Intervals, point: Point, samples: int, seed: int, classes: Classes = ()
) -> dict[str, Any]:
    """First and total Sobol indices of P_align (NaN where P_align barely varies)."""
    result = sensitivity(
        {name: (low, high) for name, low, high in intervals},
        dict(point),
        samples=samples,
        seed=seed,
        classes=_core_classes(point, classes),
    )
    return result.to_dict()


def in_tornado_order(sobol: Mapping[str, Any], swings: Mapping[str, Any]) -> dict[str, list]:
    """The Sobol indices (:func:`run_sensitivity`) reordered as the tornado's bars, largest swing
    first, so both charts list the quantities alike."""
    order = [bar["name"] for bar in swings["bars"]]
    by_name = dict(
        zip(sobol["names"], zip(sobol["first_order"], sobol["total_order"], strict=True), strict=True)
    )
    return {
        "names": order,
        "first_order": [by_name[n][0] for n in order],
        "total_order": [by_name[n][1] for n in order],
    }


@cached_data(max_entries=64)
def run_tornado(intervals: Intervals, point: Point, classes: Classes = ()) -> dict[str, Any]:
    """One-at-a-time swings of P_align, largest first, and the base P_align at the sidebar's values."""
    base, bars = tornado(
        {name: (low, high) for name, low, high in intervals},
        dict(point),
        classes=_core_classes(point, classes),
    )
    return {
        "base": float(base),
        "bars": [{**b.to_dict(), "swing": float(b.swing)} for b in bars],
    }


# --- histograms ---------------------------------------------------------------------------------


def histogram_p_align(p_align: np.ndarray, bins: int = 40) -> dict[str, list[float]]:
    """Share of draws in each of ``bins`` equal bins of P_align over [0, 1]."""
    counts, edges = np.histogram(np.asarray(p_align, dtype=float), bins=bins, range=(0.0, 1.0))
    return {"edges": edges.tolist(), "shares": (counts / max(1, counts.sum())).tolist()}


def histogram_required(required: np.ndarray, bins: int = 40) -> dict[str, Any]:
    """Share of all draws in log-spaced bins of the finite required labels.

    Draws that need no labels (0) are counted in the first bin, at 1 label, since the axis is
    logarithmic; unreachable draws (inf) are left out, and their share is reported.
    """
    values = np.asarray(required, dtype=float)
    finite = values[np.isfinite(values)]
    total = max(1, values.size)
    if finite.size == 0:
        return {"edges": [], "shares": [], "unreachable": float(np.mean(np.isinf(values))), "zero": 0.0}
    logs = np.log10(np.maximum(finite, 1.0))
    low, high = math.floor(logs.min() * 4) / 4, math.ceil(logs.max() * 4) / 4
    if high <= low:
        low, high = low - 0.25, high + 0.25
    counts, edges = np.histogram(logs, bins=bins, range=(low, high))
    return {
        "edges": (10.0**edges).tolist(),
        "shares": (counts / total).tolist(),
        "unreachable": float(np.mean(np.isinf(values))),
        "zero": float(np.sum(finite == 0.0) / total),
    }


def _layout(fig: go.Figure, height: int) -> go.Figure:
    return style.legend_above(fig, height=height, margin={"l": 50, "r": 10, "t": 30, "b": 40}, bargap=0.05)


@cached_figure()
def p_align_histogram(
    hist: Mapping[str, Sequence[float]],
    *,
    mean: float,
    target: float,
    point_p_align: float,
    height: int = 300,
    versus: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Bars of the share of draws per P_align bin, with the mean, the target and the point value.

    ``versus`` is the pinned A's distribution (``hist`` and ``mean``, same bins), drawn as a dashed
    outline with its mean over the sidebar's bars (B).
    """
    edges, shares = list(hist["edges"]), list(hist["shares"])
    centres = [(a + b) / 2.0 for a, b in itertools.pairwise(edges)]
    fig = go.Figure(
        go.Bar(
            x=centres,
            y=shares,
            width=[b - a for a, b in itertools.pairwise(edges)],
            marker={"color": style.CURVE},
            name="share of draws" if versus is None else "B (sidebar): share of draws",
            customdata=[[a, b] for a, b in itertools.pairwise(edges)],
            hovertemplate="P_align %{customdata[0]:.3f}–%{customdata[1]:.3f}: %{y:.1%} of draws"
            "<extra></extra>",
        )
    )
    a_shares = list(versus["hist"]["shares"]) if versus is not None else []
    top = max([*shares, *a_shares], default=0.0) * 1.08 or 1.0
    y = (0.0, top)
    if versus is not None:
        a_edges = list(versus["hist"]["edges"])
        fig.add_trace(
            go.Scatter(
                x=a_edges,
                y=[*a_shares, a_shares[-1] if a_shares else 0.0],
                mode="lines",
                line={"color": style.PINNED, "width": 2, "dash": "dash", "shape": "hv"},
                name="A (pinned): share of draws",
                legendgroup="pinned",
                hovertemplate="A: P_align from %{x:.3f}: %{y:.1%} of draws<extra></extra>",
            )
        )
        style.vertical_line(
            fig, versus["mean"], y, color=style.PINNED, dash="dot", name="A's mean",
            hover=f"A's mean P_align {versus['mean']:.4f}", width=1.6,
        )  # fmt: skip
    target_name, target_hover = f"P* = {target:g}", f"target {target:g}"
    style.vertical_line(
        fig,
        target,
        y,
        color=style.TARGET,
        dash=style.TARGET_DASH,
        name=target_name,
        hover=target_hover,
        width=1.6,
    )
    style.vertical_line(
        fig,
        mean,
        y,
        color=style.DARK,
        dash="solid",
        name="mean" if versus is None else "B's mean",
        hover=f"mean P_align {mean:.4f}",
        width=1.6,
    )
    style.vertical_line(
        fig,
        point_p_align,
        y,
        width=1.6,
        color=style.YOU,
        dash="dot",
        name="at the sidebar's values",
        hover=f"P_align at the sidebar's values {point_p_align:.4f}",
    )
    style.probability_axis(fig, axis="x", pad=0.01)
    fig.update_yaxes(range=[0, top], tickformat=".0%", title={"text": "share of draws", "standoff": 4})
    return _layout(fig, height)


@cached_figure()
def required_histogram(hist: Mapping[str, Any], *, labels: float, height: int = 300) -> go.Figure:
    """A step histogram of the labels required for the target on a log axis, with the programme's N."""
    edges, shares = list(hist["edges"]), list(hist["shares"])
    fig = go.Figure()
    if not edges:
        fig.add_annotation(
            text="No draw reaches the target with any quantity of labels",
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
        )
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return _layout(fig, height)
    xs = [edges[0], *edges]
    ys = [0.0, *shares, 0.0]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": style.CURVE, "width": 1.5, "shape": "hv"},
            fill="tozeroy",
            fillcolor="rgba(31, 95, 168, 0.35)",
            name="share of draws",
            hovertemplate="from %{x:,.0f} labels: %{y:.1%} of draws<extra></extra>",
        )
    )
    top = max(shares, default=0.0) * 1.08 or 1.0
    style.vertical_line(
        fig,
        max(labels, 1.0),
        (0.0, top),
        width=1.6,
        color=style.YOU,
        dash="dot",
        name="this programme's N",
        hover=f"the sidebar's programme: {count(labels)} labels",
    )
    low, high = math.log10(edges[0]), math.log10(edges[-1])
    low, high = min(low, math.log10(max(labels, 1.0))), max(high, math.log10(max(labels, 1.0)))
    pad = 0.05 * max(high - low, 1.0)
    fig.update_xaxes(
        type="log",
        range=[low - pad, high + pad],
        exponentformat="power",
        title={"text": "labels required (log scale)", "standoff": 4},
        gridcolor=style.GRID,
    )
    fig.update_yaxes(range=[0, top], tickformat=".0%", title={"text": "share of draws", "standoff": 4})
    return _layout(fig, height)


# --- tornado and Sobol --------------------------------------------------------------------------


def _interval_text(name: str, low: float, high: float) -> str:
    if name == "labels":
        return f"{count(low)}–{count(high)}"
    return f"{low:.4g}–{high:.4g}"


@cached_figure()
def tornado_chart(data: Mapping[str, Any], *, height: int | None = None) -> go.Figure:
    """Horizontal bars from P_align at each interval's low end to its high end, largest swing on top."""
    base, bars = data["base"], list(data["bars"])
    names = [f"{SPECS[b['name']].label}<br>{_interval_text(b['name'], b['low'], b['high'])}" for b in bars]
    fig = go.Figure()
    for end, color in (("low", style.BOUND), ("high", style.CURVE)):
        values = [b[f"p_align_at_{end}"] for b in bars]
        fig.add_trace(
            go.Bar(
                y=names,
                x=[v - base for v in values],
                base=[base] * len(bars),
                orientation="h",
                marker={"color": color},
                name=f"at the interval's {end} end",
                customdata=[[b[end], v] for b, v in zip(bars, values, strict=True)],
                hovertemplate=f"%{{y}}<br>{end} end %{{customdata[0]:.4g}}: P_align %{{customdata[1]:.4f}}"
                "<extra></extra>",
            )
        )
    fig.add_vline(
        x=base,
        line={"color": style.DARK, "width": 1.2, "dash": "dash"},
        annotation_text="at the sidebar's values",
        annotation_position="top",
        annotation_font={"size": 11, "color": style.DARK},
    )
    style.probability_axis(fig, axis="x", pad=0.01)
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], automargin=True)
    fig.update_layout(barmode="overlay")
    return _layout(fig, height or 100 + 48 * len(bars))


@cached_figure()
def sobol_chart(data: Mapping[str, Any], *, height: int | None = None) -> go.Figure:
    """First-order and total Sobol indices as grouped horizontal bars, in the tornado's order."""
    names = [SPECS[n].label for n in data["names"]]
    fig = go.Figure()
    for field, label, color in (
        ("first_order", "first order S_i (alone)", style.CURVE),
        ("total_order", "total S_Ti (with interactions)", style.BOUND),
    ):
        fig.add_trace(
            go.Bar(
                y=names,
                x=data[field],
                orientation="h",
                marker={"color": color},
                name=label,
                hovertemplate="%{y}: %{x:.3f}<extra></extra>",
            )
        )
    fig.update_xaxes(
        title={"text": "share of Var P_align", "standoff": 4}, gridcolor=style.GRID, rangemode="tozero"
    )
    fig.update_yaxes(categoryorder="array", categoryarray=names[::-1], automargin=True)
    fig.update_layout(barmode="group")
    return _layout(fig, height or 100 + 48 * len(names))


# --- CSV ----------------------------------------------------------------------------------------


def sensitivity_csv(
    swings: Mapping[str, Any],
    sobol: Mapping[str, Any],
    intervals: Intervals,
    point: Mapping[str, float],
    seed: int = 0,
) -> str:
    """The tornado's and the Sobol chart's data, one table: one row per uncertain quantity (its
    interval, P_align at each end with the others at the sidebar's values, the swing, first- and
    total-order indices), with the base P_align, the evaluations, the Sobol base sample, the seed
    and the fixed quantities' values repeated as columns (:mod:`aliquant_app.csv_tables`)."""
    by_name = dict(
        zip(sobol["names"], zip(sobol["first_order"], sobol["total_order"], strict=True), strict=True)
    )
    bar_fields = ("low", "high", "p_align_at_low", "p_align_at_high", "swing")
    columns = ["quantity", *bar_fields, "sobol_first", "sobol_total"]
    uncertain = {name for name, _, _ in intervals}
    fixed = {
        "p_align_at_sidebar_values": float(swings["base"]),
        "sobol_evaluations": int(sobol["evaluations"]),
        "sobol_samples": int(SOBOL_SAMPLES),
        "seed": int(seed),
        **{name: float(value) for name, value in point.items() if name not in uncertain},
    }

    def rows():
        for bar in swings["bars"]:
            first, total = by_name.get(bar["name"], (math.nan, math.nan))
            numbers = (*(float(bar[field]) for field in bar_fields), float(first), float(total))
            yield [bar["name"], *numbers, *fixed.values()]

    return csv_text([*columns, *setting_names(fixed, columns)], rows())


def draws_csv(result: Mapping[str, Any]) -> str:
    """One row per draw: each uncertain quantity as drawn, P_align and labels required (``inf``: none)."""
    names = list(result["draws"])
    columns = [result["draws"][n] for n in names] + [result["p_align"], result["required_labels"]]
    table = np.column_stack(columns).tolist() if columns else []
    return csv_text([*names, "p_align", "required_labels"], table)


def quantiles_csv(
    result: Mapping[str, Any], intervals: Intervals, point: Mapping[str, float], draws: int
) -> str:
    """The summary as ``statistic,value`` rows: quantiles, mean, shares, and every input."""
    rows: list[list[Any]] = []
    for level, p, n in zip(
        result["quantile_levels"],
        result["p_align_quantiles"],
        result["required_labels_quantiles"],
        strict=True,
    ):
        rows.append([f"p_align_q{level:g}", float(p)])
        rows.append([f"required_labels_q{level:g}", float(n)])
    for key in ("mean_p_align", "p_target_met", "p_unreachable"):
        rows.append([key, float(result[key])])
    rows += [["draws", int(draws)], ["seed", int(result["seed"])]]
    for name, low, high in intervals:
        rows += [[f"{name}_low", float(low)], [f"{name}_high", float(high)]]
    uncertain = {name for name, _, _ in intervals}
    rows += [[name, float(value)] for name, value in point.items() if name not in uncertain]
    return csv_text(["statistic", "value"], rows)
