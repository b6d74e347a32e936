"""The Programmes page's helpers: widget specs, cached core calls, number formats, figures, CSV.

A programme on the page is a plain :data:`Spec`, a tuple of ``(preset key, labels, redundancy)``
per source, plus its aggregation; the cached wrappers here rebuild the core's
:class:`~aliquant_core.Programme` from it, call the core, and return plain Python values (so the
cache hashes and stores them cheaply). Nothing here changes the core's numbers. Figure builders
take those plain values and return SVG-only Plotly figures (no WebGL); they never call the core or
Streamlit.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

import aliquant_core as core
from aliquant_core import anchors
from aliquant_core.model import REGIME_WORDING
from aliquant_core.programme import AGGREGATION_LABELS
from aliquant_core.programme import AGGREGATIONS as AGGREGATIONS_CORE

from . import calls, estimate_view
from . import chart_style as style
from .calls import Spec, cached_data, cached_figure, evaluate_programme, programme, programme_model
from .csv_tables import csv_text, setting_names, settings_values
from .formatting import count, probability
from .widgets import markdown_table

__all__ = [
    "AGGREGATIONS",
    "AGGREGATION_NAMES",
    "AXIS_NAMES",
    "BUDGET_STEPS",
    "DEFAULT_BUDGETS",
    "DEFAULT_PROGRAMMES",
    "FIELDS",
    "LINK_KEYS",
    "LINK_LABELS",
    "MAX_PROGRAMMES",
    "NONE",
    "POOL_LABELS",
    "PROGRAMME_LINK_KEYS",
    "SECTIONS",
    "YOUR_LABELS",
    "YOUR_LABELS_NAME",
    "ProgrammeDefault",
    "Programmes",
    "aggregation_name",
    "axis_name",
    "budget_chart",
    "budget_csv",
    "budget_curves",
    "budget_figure",
    "budget_label",
    "cheapest",
    "comparison",
    "curves_csv",
    "describe",
    "dollars",
    "hours",
    "key",
    "oom",
    "p_align_texts",
    "regime_help",
    "regime_words",
    "split",
    "split_chart",
    "split_csv",
    "split_csv_for",
    "split_figure",
    "weeks",
]

#: Most programmes compared at once.
MAX_PROGRAMMES = 4
#: Aggregations of the core (model brief: pooled w = 1; reliability-weighted w = logit(q̄), q̄ a
#: source's reliability on ordinary items; the oracle bound, never a default).
AGGREGATIONS = AGGREGATIONS_CORE
#: What the page's controls show for each aggregation (the oracle's full label is in their help).
AGGREGATION_NAMES = {"pooled": "pooled", "weighted": "weighted", "oracle": "oracle bound"}
#: The "no second source" choice of a programme's source B.
NONE = "none"
#: The choice of the source estimated from the user's labels, offered while estimates are applied
#: (:func:`aliquant_app.estimate_view.estimated_source`); the page and the link name it
#: :data:`YOUR_LABELS_NAME`.
YOUR_LABELS = "your_labels"
YOUR_LABELS_NAME = estimate_view.SOURCE_NAME


#: Programmes as the page holds them: each one's name, aggregation and spec.
Programmes = tuple[tuple[str, str, Spec], ...]
#: Points per programme on the budget curves (log-spaced over the chosen budget range).
CURVE_POINTS = 61
#: Points of the budget-split chart.
SPLIT_POINTS = 101


@dataclass(frozen=True)
class ProgrammeDefault:
    """A programme's starting values (the page's widgets open on these)."""

    name: str
    aggregation: str
    source_a: str
    labels_a: float
    redundancy_a: int
    source_b: str = NONE
    labels_b: float = 0.0
    redundancy_b: int = 1
    why: str = ""


#: Four contrasting programmes under the default assumptions (see each ``why``).
DEFAULT_PROGRAMMES: tuple[ProgrammeDefault, ...] = (
    ProgrammeDefault(
        "Crowd only",
        "pooled",
        "crowdworkers",
        300_000.0,
        1,
        why="Cheap, plentiful labels whose blind spot the competitor exploits.",
    ),
    ProgrammeDefault(
        "Contractors ×3",
        "pooled",
        "contractors",
        100_000.0,
        3,
        why="InstructGPT-like contractors, three per item, majority vote.",
    ),
    ProgrammeDefault(
        "Crowd + experts",
        "weighted",
        "crowdworkers",
        20_000.0,
        1,
        "experts",
        5_000.0,
        1,
        why="A cheap bulk source and a small expert set, each weighted by its reliability on ordinary items.",
    ),
    ProgrammeDefault(
        "AI judge + researchers",
        "pooled",
        "ai_judge",
        100_000.0,
        1,
        "researchers",
        1_000.0,
        1,
        why="Many AI-judge labels pooled with a few from alignment researchers.",
    ),
)

#: Budget choices for the curves' range, in US dollars (1-3 steps per decade).
BUDGET_STEPS: tuple[float, ...] = tuple(
    m * 10.0**e for e in range(2, 10) for m in (1.0, 3.0) if m * 10.0**e <= 1e9
)
DEFAULT_BUDGETS = (1e3, 1e7)


def key(index: int, field: str) -> str:
    """Widget key (and share-link key) of a programme's field, e.g. ``p2_na``.

    Fields: ``name``, ``agg``, ``a``/``b`` (sources), ``na``/``nb`` (labels), ``ra``/``rb``
    (redundancy). ``index`` counts from 1.
    """
    return f"p{index}_{field}"


#: A programme's fields (see :func:`key`), in the order its inputs are drawn.
FIELDS = ("name", "agg", "a", "na", "ra", "b", "nb", "rb")
#: The programmes' own fields in the link (written by aliquant_app.programme_controls).
PROGRAMME_LINK_KEYS: tuple[str, ...] = tuple(key(i, f) for i in range(1, MAX_PROGRAMMES + 1) for f in FIELDS)
#: Every key of this page's link.
LINK_KEYS: tuple[str, ...] = (
    "n_prog",
    "prog_tab",
    *PROGRAMME_LINK_KEYS,
    "prog_view",
    "budget_axis",
    "budgets",
    "split_a",
    "split_b",
    "split_budget",
    "split_agg",
    "cheap_pool",
    "cheap_agg",
)


#: The page's sections (tabs, one drawn at a time), by the names the code uses.
SECTIONS = {
    "cost": "P_align against cost",
    "cheapest": "The cheapest way to P*",
    "split": "Splitting a budget",
}

#: How the cheapest-programme search's pools are named on the page (and so in the link).
POOL_LABELS = {"presets": "all presets", "in_use": "sources in use"}


def pool_label(pool: str) -> str:
    """The label of a pool of sources for the cheapest-programme search."""
    return POOL_LABELS[pool]


def source_name(preset: str | calls.EstimatedSource) -> str:
    """Display name of a source: a preset's, ``"— none —"`` for no source, :data:`YOUR_LABELS`'s,
    or an estimated source's own."""
    if preset == NONE:
        return "— none —"
    if preset == YOUR_LABELS:
        return YOUR_LABELS_NAME
    return calls.source(preset).name


# --- number formats -----------------------------------------------------------------------------


def dollars(x: float) -> str:
    """US dollars: whole dollars below a million, then in words.

    >>> dollars(41_250.0)
    '$41,250'
    >>> dollars(2.5e7)
    '$25 million'
    >>> dollars(12.5)
    '$12.50'
    """
    if not math.isfinite(x):
        return "unreachable" if x > 0 else "n/a"
    if x < 100:
        return f"${x:,.2f}"
    return "$" + count(x)


def hours(x: float, unit: bool = True) -> str:
    """Labeler-hours, e.g. ``'3,067 h'`` (without the unit: ``'3,067'``).

    >>> hours(3066.67)
    '3,067 h'
    >>> hours(0.25, unit=False)
    '0.25'
    """
    if not math.isfinite(x):
        return "n/a"
    text = (f"{x:.2g}" if x < 10 else count(x)).replace("e+", "e")
    return f"{text} h" if unit else text


def weeks(x: float, unit: bool = True) -> str:
    """Calendar weeks with two significant figures, e.g. ``'1.5 weeks'`` (or ``'1.5'``).

    >>> weeks(1.5333)
    '1.5 weeks'
    >>> weeks(13.33, unit=False)
    '13'
    >>> weeks(0.004)
    '0.004 weeks'
    """
    if not math.isfinite(x):
        return "n/a"
    text = f"{x:,.0f}" if x >= 100 else f"{x:.2g}".replace("e-0", "e-")
    return f"{text} weeks" if unit else text


def budget_label(x: float) -> str:
    """A budget step, short: ``'$300'``, ``'$3k'``, ``'$10M'``, ``'$1B'``."""
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if x >= scale:
            return f"${x / scale:g}{suffix}"
    return f"${x:g}"


def oom(x: float) -> str:
    """Orders of magnitude, signed: ``'+0.67'``, ``'−1.15'``."""
    if not math.isfinite(x):
        return "n/a"
    return f"{x:+.2f}".replace("-", "−")


def p_align_texts(result: Mapping[str, float]) -> tuple[str, str]:
    """P_align and its Bonferroni bound as the page writes them (as the Overview page does).

    Close to 1 the complement is written out from the core's ``p_misalign``, or from
    log10 K_eff·(1 − P₁) where that underflows.
    """
    log10_gap = result["log10_gap"]
    bound_gap = min(1.0, 10.0 ** min(0.0, log10_gap)) if math.isfinite(log10_gap) else 1.0
    bound = result["p_align_lower_bound"]
    return (
        probability(result["p_align"], result["p_misalign"], log10_gap),
        "0" if bound == 0.0 else probability(bound, bound_gap, log10_gap),
    )


def regime_words(regime: str) -> str:
    """The core's regime in a few words (:data:`aliquant_core.model.REGIME_WORDING`)."""
    return REGIME_WORDING[regime].headline


def regime_help(regime: str) -> str:
    """What the regime means, for a tooltip."""
    return REGIME_WORDING[regime].explanation


# --- cached core calls --------------------------------------------------------------------------


def describe(spec: Spec, aggregation: str) -> str:
    """A programme in a line: each source's labels × labelers per item, and the aggregation.

    >>> describe((("contractors", 100_000.0, 3),), "pooled")
    'Trained contractors 100,000 × 3'
    """
    parts = [f"{calls.source(p).name} {count(n)} × {r}" for p, n, r in spec]
    # The oracle is always named as the bound it is (its full label), the others by their name.
    shown = AGGREGATION_LABELS[aggregation] if aggregation == "oracle" else aggregation
    return " + ".join(parts) + (f" · {shown}" if len(spec) > 1 else "")


def aggregation_name(aggregation: str) -> str:
    """What a control shows for ``aggregation``, e.g. ``'oracle bound'``."""
    return AGGREGATION_NAMES[aggregation]


def _feasibility_rows(feasible: Mapping | None) -> dict[str, str]:
    if feasible is None:
        return dict.fromkeys(_FEASIBILITY_ROWS, "n/a (no labels)")
    band = feasible["oom_beyond_rlhf_band"]
    hours_oom = feasible["oom_beyond_few_hundred_hours"]
    return {
        _FEASIBILITY_ROWS[0]: ("yes in size, " if feasible["within_rlhf_band"] else "no, ")
        + f"{oom(band)} OOM",
        _FEASIBILITY_ROWS[1]: (
            f"yes, {oom(hours_oom)} OOM"
            if feasible["within_few_hundred_hours"]
            else f"no, {10**hours_oom:,.2g}× the goal"
        ),
    }


_FEASIBILITY_ROWS = (
    f"Within 2 OOM of RLHF (≤ {count(anchors.RLHF_REFERENCE.comparisons * 100)} comparisons): a "
    "size, not a verdict on alignment",
    f"Under a few hundred hours ({anchors.FEW_HUNDRED_HOURS:g} labeler-hours)",
)


@cached_data(max_entries=256)
def comparison(
    programmes: Programmes,
    **model: float,
) -> dict:
    """Every programme evaluated (:func:`evaluate`), and the side-by-side table of them.

    ``programmes`` holds each programme's name, aggregation and spec. Returns ``results`` (one
    :func:`evaluate` dict per programme), ``rows`` (one dict per quantity: the quantity under
    ``""`` and each programme's value under ``"1. <name>"``, as text) and ``markdown``: the rows
    as a Markdown table, names escaped.
    """
    results = [evaluate_programme(spec, aggregation, **model) for _, aggregation, spec in programmes]
    columns = [f"{i}. {name}" for i, (name, _, _) in enumerate(programmes, start=1)]
    table: dict[str, list[str]] = {}
    for (_, aggregation, spec), result in zip(programmes, results, strict=True):
        p_text, bound_text = p_align_texts(result)
        feasible = result["feasibility"]
        values = {
            "Sources: labels × labelers per item": describe(spec, aggregation),
            "Judgements": count(result["judgements"]),
            "P_align": p_text,
            "At most (P₁: one contest)": probability(result["p_single"], result["single_failure"]),
            "Bonferroni lower bound": bound_text,
            "Regime": regime_words(result["regime"]),
            "Dollars": dollars(result["dollars"]),
            "Labeler-hours": hours(result["labeler_hours"]),
            "Calendar weeks": weeks(result["calendar_weeks"]),
            **_feasibility_rows(feasible),
        }
        for pipeline in pipelines():
            row = f"OOM vs {pipeline.name} ({count(pipeline.comparisons)} comparisons)"
            values[row] = oom(feasible["oom_vs_pipelines"][pipeline.name]) if feasible else "n/a"
        for row, value in values.items():
            table.setdefault(row, []).append(value)
    rows = [{"": row, **dict(zip(columns, values, strict=True))} for row, values in table.items()]
    return {"results": results, "rows": rows, "markdown": markdown_table(rows)}


@cached_data(max_entries=128)
def budget_curves(spec: Spec, aggregation: str, low: float, high: float, **model: float) -> dict | None:
    """:func:`aliquant_core.budget_curve` of one programme over ``low`` to ``high`` dollars.

    ``None`` when the programme costs nothing (the core cannot scale it).
    """
    chosen = programme(spec, aggregation)
    if core.programme_cost(chosen).dollars <= 0:
        return None
    budgets = np.logspace(math.log10(low), math.log10(high), CURVE_POINTS)
    curve = core.budget_curve(chosen, budgets, **model)
    return {
        **_curve_dict(curve),
        "budget": curve.parameter.tolist(),
        "labels": curve.labels.sum(axis=-1).tolist(),
    }


#: A curve's per-point fields the page keeps (the regime last), in the CSV's order.
_CURVE_FIELDS = ("dollars", "labeler_hours", "calendar_weeks", "p_align", "p_align_lower_bound", "regime")


def _curve_dict(curve: core.Curve) -> dict[str, list]:
    """A curve's per-point fields (:data:`_CURVE_FIELDS`), from its ``to_dict()``."""
    plain = curve.to_dict()
    return {name: plain[name] for name in _CURVE_FIELDS}


@cached_data(max_entries=32)
def cheapest(target: float, presets: tuple[str, ...], aggregation: str, **model: float) -> dict:
    """:func:`aliquant_core.cheapest_programme` among ``presets`` (about a second), as plain values.

    ``spec`` is the winner as a :data:`Spec` (``None`` when nothing reaches the target).
    """
    result = core.cheapest_programme(
        target, [core.PRESETS[p] for p in presets], aggregation=aggregation, **model
    )
    plain = result.to_dict()
    winner = plain.pop("programme")  # given as spec, aggregation and name
    if winner is None:
        return {**plain, "spec": None, "aggregation": aggregation, "name": ""}
    by_name = {core.PRESETS[p].name: p for p in presets}
    spec = tuple(
        (by_name[a["source"]["name"]], float(a["labels"]), int(a["redundancy"]))
        for a in winner["allocations"]
    )
    return {**plain, "spec": spec, "aggregation": winner["aggregation"], "name": winner["name"]}


@cached_data(max_entries=64)
def split(
    source_a: str | calls.EstimatedSource,
    source_b: str | calls.EstimatedSource,
    budget: float,
    aggregation: str,
    **model: float,
) -> dict:
    """:func:`aliquant_core.best_split` and :func:`~aliquant_core.budget_split_curve`, as plain values.

    Sources as a :data:`Spec` holds them (a preset key or an estimated source's numbers).
    """
    a, b = calls.source(source_a), calls.source(source_b)
    best = core.best_split(a, b, budget, aggregation=aggregation, **model)
    curve = core.budget_split_curve(a, b, budget, points=SPLIT_POINTS, aggregation=aggregation, **model)
    best_cost = core.programme_cost(
        core.Programme((core.Allocation(a, best.labels_a), core.Allocation(b, best.labels_b)), aggregation)
    )
    return {
        **_curve_dict(curve),
        "best": {**best.to_dict(), **best_cost.to_dict()},
        "share_a": curve.parameter.tolist(),
        "labels_a": curve.labels[:, 0].tolist(),
        "labels_b": curve.labels[:, 1].tolist(),
    }


# --- figures ------------------------------------------------------------------------------------

#: The budget chart's cost axes as the page names them (and the link writes them).
AXIS_NAMES = {"dollars": "Dollars", "labeler_hours": "Labeler-hours", "calendar_weeks": "Calendar weeks"}


def axis_name(axis: str) -> str:
    """The page's name of a cost axis, e.g. ``'Labeler-hours'``."""
    return AXIS_NAMES[axis]


#: The cost axes of the budget charts, by curve field: axis title, hover format.
AXES: dict[str, tuple[str, str]] = {
    "dollars": ("cost (US dollars, log scale)", "$%{x:,.0f}"),
    "labeler_hours": ("labeler-hours (log scale)", "%{x:,.3g} h"),
    "calendar_weeks": ("calendar weeks (log scale)", "%{x:,.3g} weeks"),
}


def frontier(curves: Sequence[Mapping[str, list] | None], axis: str) -> list[tuple[int, int]]:
    """(programme, point) pairs on the Pareto frontier of every curve's points on ``axis``.

    Uses :func:`aliquant_core.pareto_frontier` (cheaper on ``axis`` and at least as likely);
    ordered by cost. Points with zero cost (no labels) are left out, as a log axis cannot show them.
    """
    where = [(i, j) for i, c in enumerate(curves) if c for j in range(len(c[axis])) if c[axis][j] > 0]
    if not where:
        return []
    cost = [curves[i][axis][j] for i, j in where]
    p = [curves[i]["p_align"][j] for i, j in where]
    return [where[k] for k in core.pareto_frontier(cost, p)]


def _curves(programmes: Programmes, low: float, high: float, model: Mapping[str, float]) -> list:
    return [budget_curves(spec, aggregation, low, high, **model) for _, aggregation, spec in programmes]


@cached_figure()
def budget_chart(
    programmes: Programmes,
    low: float,
    high: float,
    axis: str,
    *,
    target: float,
    **model: float,
) -> go.Figure:
    """The Programmes page's budget chart: :func:`budget_curves` of each programme over ``low`` to
    ``high`` dollars, drawn by :func:`budget_figure`; keyed by the programmes, not their curves."""
    points = [evaluate_programme(spec, aggregation, **model) for _, aggregation, spec in programmes]
    names = [name for name, _, _ in programmes]
    return budget_figure(_curves(programmes, low, high, model), names, points, axis, target=target)


def budget_csv(
    programmes: Programmes, low: float, high: float, axis: str, settings: Mapping[str, float]
) -> str:
    """:func:`curves_csv` of the budget chart's programmes (``settings``: the model and target)."""
    model = programme_model(settings)
    names = [name for name, _, _ in programmes]
    return curves_csv(_curves(programmes, low, high, model), names, axis, settings)


def budget_figure(
    curves: Sequence[Mapping[str, list] | None],
    names: Sequence[str],
    points: Sequence[Mapping[str, float]],
    axis: str,
    *,
    target: float,
    height: int = 360,
) -> go.Figure:
    """P_align against one cost axis for each programme scaled over the budget range.

    Parameters
    ----------
    curves : sequence of mapping or None
        :func:`budget_curves` per programme (None: not drawn).
    names : sequence of str
        Programme names.
    points : sequence of mapping
        :func:`evaluate` per programme: its own size, marked on its curve.
    axis : {"dollars", "labeler_hours", "calendar_weeks"}
        The x axis.
    target : float
        P*, drawn as a horizontal line.
    """
    title, x_hover = AXES[axis]
    fig = go.Figure()
    # Names are free text from the link: Plotly would read tags in them (<a href=…>, <b>).
    names = [html.escape(name, quote=False) for name in names]
    for i, (curve, name) in enumerate(zip(curves, names, strict=True)):
        colour = style.COLOURS[i % len(style.COLOURS)]
        if curve:
            fig.add_trace(
                go.Scatter(
                    x=curve[axis],
                    y=curve["p_align"],
                    mode="lines",
                    line={"color": colour, "width": 2.2},
                    name=name,
                    legendgroup=f"p{i}",
                    customdata=[
                        [count(n), dollars(d)] for n, d in zip(curve["labels"], curve["dollars"], strict=True)
                    ],
                    # The name by reference: in the template itself "%{…}" in a name would be read.
                    hovertemplate=f"%{{fullData.name}}<br>{x_hover}<br>P_align = %{{y:.4g}}<br>"
                    "%{customdata[0]} labels, %{customdata[1]}<extra></extra>",
                )
            )
        point = points[i]
        if point[axis] > 0:
            fig.add_trace(
                go.Scatter(
                    x=[point[axis]],
                    y=[point["p_align"]],
                    mode="markers",
                    marker={
                        "color": colour,
                        "size": 11,
                        "symbol": "circle",
                        "line": {"width": 1.5, "color": "white"},
                    },
                    name=f"{name} as set",
                    legendgroup=f"p{i}",
                    showlegend=False,
                    hovertemplate=f"%{{fullData.name}}<br>{x_hover}<br>P_align = "
                    f"{probability(point['p_align'], point['p_misalign'])}<extra></extra>",
                )
            )
    on_frontier = frontier(curves, axis)
    if on_frontier:
        fig.add_trace(
            go.Scatter(
                x=[curves[i][axis][j] for i, j in on_frontier],
                y=[curves[i]["p_align"][j] for i, j in on_frontier],
                mode="lines+markers",
                line={"color": style.DARK, "width": 1.2, "dash": "dot", "shape": "hv"},
                marker={"color": style.DARK, "size": 5, "symbol": "diamond"},
                name="Pareto frontier",
                customdata=[[names[i]] for i, _ in on_frontier],
                hovertemplate=f"Pareto frontier: %{{customdata[0]}}<br>{x_hover}<br>"
                "P_align = %{y:.4g}<extra></extra>",
            )
        )
    xs = [x for c in curves if c for x in c[axis] if x > 0]
    if xs:
        style.target_line(fig, min(xs), max(xs), target)
    fig.update_xaxes(**style.LOG_AXIS, title={"text": title, "standoff": 4}, gridcolor=style.GRID)
    return _layout(fig, height)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    style.probability_axis(fig, pad=0.03)
    return style.legend_above(fig, height=height, margin={"l": 50, "r": 10, "t": 10, "b": 40}, y=1.02)


@cached_figure()
def split_chart(
    source_a: str,
    source_b: str,
    budget: float,
    aggregation: str,
    *,
    target: float,
    **model: float,
) -> go.Figure:
    """The budget-split chart: :func:`split` drawn by :func:`split_figure`; keyed by the inputs."""
    data = split(source_a, source_b, budget, aggregation, **model)
    names = (calls.source(source_a).name, calls.source(source_b).name)
    return split_figure(data, *names, budget=budget, target=target)


def split_figure(
    data: Mapping, name_a: str, name_b: str, *, budget: float, target: float, height: int = 340
) -> go.Figure:
    """P_align (and its bound) against the share of ``budget`` spent on source A, best marked."""
    share = [100.0 * s for s in data["share_a"]]
    custom = [[count(a), count(b)] for a, b in zip(data["labels_a"], data["labels_b"], strict=True)]
    fig = go.Figure()
    style.bound_line(
        fig, share, data["p_align_lower_bound"], hover="%{x:.1f}% to A<br>lower bound = %{y:.4g}"
    )
    fig.add_trace(
        go.Scatter(
            x=share,
            y=data["p_align"],
            mode="lines",
            line={"color": style.CURVE, "width": 2.4},
            name="P_align",
            customdata=custom,
            hovertemplate=f"%{{x:.1f}}% to A<br>{name_a}: %{{customdata[0]}} labels<br>{name_b}: "
            "%{customdata[1]} labels<br>P_align = %{y:.4g}<extra></extra>",
        )
    )
    best = data["best"]
    fig.add_trace(
        go.Scatter(
            x=[100.0 * best["share_a"]],
            y=[best["p_align"]],
            mode="markers",
            marker={"symbol": "star", "size": 15, "color": style.YOU, "line": {"width": 1, "color": "white"}},
            name="best split",
            hovertemplate=f"best: {100.0 * best['share_a']:.2f}% to A<br>{name_a}: "
            f"{count(best['labels_a'])} labels<br>{name_b}: {count(best['labels_b'])} labels<br>"
            f"P_align = {probability(best['p_align'])}<extra></extra>",
        )
    )
    style.target_line(fig, 0.0, 100.0, target)
    fig.update_xaxes(
        range=[-1.5, 101.5],
        title={"text": f"share of {dollars(budget)} spent on A ({name_a})", "standoff": 4},
        gridcolor=style.GRID,
        ticksuffix="%",
    )
    return _layout(fig, height)


# --- CSV ----------------------------------------------------------------------------------------


def curves_csv(
    curves: Sequence[Mapping[str, list] | None],
    names: Sequence[str],
    axis: str,
    settings: Mapping[str, float],
) -> str:
    """One budget chart's data: a row per programme and budget, with whether the point is on the
    Pareto frontier for ``axis``, and the model settings as columns."""
    on_frontier = set(frontier(curves, axis))
    columns = ["programme", "budget_usd", "labels", *_CURVE_FIELDS, f"pareto_{axis}"]
    fixed = settings_values(settings)

    def rows():
        for i, (curve, name) in enumerate(zip(curves, names, strict=True)):
            for j in range(len(curve["budget"]) if curve else 0):
                fields = [curve[field][j] for field in _CURVE_FIELDS]
                labels = round(float(curve["labels"][j]))
                yield [name, float(curve["budget"][j]), labels, *fields, int((i, j) in on_frontier), *fixed]

    return csv_text([*columns, *setting_names(settings, columns)], rows())


def split_csv_for(
    source_a: str, source_b: str, budget: float, aggregation: str, settings: Mapping[str, float]
) -> str:
    """:func:`split_csv` of the budget-split chart's inputs (``settings``: the model and target)."""
    model = programme_model(settings)
    data = split(source_a, source_b, budget, aggregation, **model)
    return split_csv(data, {**settings, "budget_usd": budget})


def split_csv(data: Mapping, settings: Mapping[str, float]) -> str:
    """The budget-split chart's data: a row per share of the grid, then the best split (``point``
    is ``grid`` or ``best``), the model settings as columns."""
    columns = ("share_a", "labels_a", "labels_b", "dollars", "labeler_hours", "calendar_weeks", "p_align")
    header = ["point", *columns, "p_align_lower_bound"]
    fixed = settings_values(settings)
    best = data["best"]

    def rows():
        for j in range(len(data["share_a"])):
            yield ["grid", *(float(data[c][j]) for c in (*columns, "p_align_lower_bound")), *fixed]
        yield ["best", *(float(best[c]) for c in columns), None, *fixed]

    return csv_text([*header, *setting_names(settings, header)], rows())


def comparison_csv(programmes: Programmes, settings: Mapping[str, float]) -> str:
    """The comparison table's data: one row per programme (its name, sources, aggregation and
    every figure of the table, as numbers), the model settings as columns."""
    model = programme_model(settings)
    results = [evaluate_programme(spec, aggregation, **model) for _, aggregation, spec in programmes]
    figures = (
        "labels", "judgements", "p_align", "p_single", "p_align_lower_bound", "regime",
        "dollars", "labeler_hours", "calendar_weeks",
    )
    feasible = (
        "within_rlhf_band", "oom_beyond_rlhf_band", "within_few_hundred_hours", "oom_beyond_few_hundred_hours"
    )
    names = [p.name for p in pipelines()]
    columns = [
        "programme", "sources", "aggregation", *figures, *feasible,
        *(f"oom_vs_{name.lower().replace(' ', '_').replace('.', '')}" for name in names),
    ]

    def rows():
        for (name, aggregation, spec), result in zip(programmes, results, strict=True):
            fit = result["feasibility"] or {}
            yield [
                name, describe(spec, aggregation), aggregation, *(result[f] for f in figures),
                *(fit.get(f) for f in feasible), *((fit.get("oom_vs_pipelines") or {}).get(n) for n in names),
            ]

    fixed = settings_values(settings)
    return csv_text([*columns, *setting_names(settings, columns)], ([*row, *fixed] for row in rows()))


def cheapest_csv(found: Mapping[str, Any], settings: Mapping[str, Any]) -> str:
    """The cheapest-programme search's table: every candidate, cheapest first, with the dollars it
    needs to reach P* (``inf``: never), whether it is the one found (the first: the core keeps the
    first of equally cheap ones), and the settings as columns."""
    columns = ["rank", "candidate", "dollars_to_reach_target", "cheapest"]
    fixed = settings_values(settings)
    reached = found.get("spec") is not None
    rows = (
        [rank, name, float(dollars), int(reached and rank == 1), *fixed]
        for rank, (name, dollars) in enumerate(found.get("candidates") or [], start=1)
    )
    return csv_text([*columns, *setting_names(settings, columns)], rows)


def pipelines() -> list[anchors.ReferencePipeline]:
    """The reference pipelines with a comparison count (the ones feasibility measures from)."""
    return [p for p in anchors.REFERENCE_PIPELINES if p.comparisons is not None]


#: For the link keys of the page's bound option controls (its tab sets): how each writes a value
#: into the link (its label). Used by the link check (aliquant_app.state.check_page_link); the
#: other controls' link values are read and judged by aliquant_app.programme_controls.
LINK_LABELS: dict[str, Callable[[Any], str]] = {
    "prog_tab": str,  # a tab's own label
    "prog_view": str,
}
