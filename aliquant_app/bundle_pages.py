"""What "Download all" holds from every page: one bundle builder per page, declared once.

Each page's entry in :data:`PAGE_BUNDLES` has a *snapshot* function, run during the script run
(in the share bar, after the page): it reads that page's controls as they stand, cheaply and without
changing anything, and returns a *build* callable. The build runs only when "Download all" is
clicked (a deferred download, outside the script run, so it reads no Session State) and calls the
same cached figure and CSV builders the page itself draws with, returning that page's files.

A page's controls are read as the page would read them on its next run:

- values kept in a :class:`~aliquant_app.linked.LinkedStore` (the map's cost law, the programmes,
  the uncertainty intervals): the store's values, or, on a page not yet opened in this session, the
  share link's values where usable, else the defaults (read from a copy: the store is not touched);
- bound widgets (the Overview's pricing source, the map's contour levels, the rates per
  generation, the number of programmes): their value in Session State while it is there, else the
  default (Streamlit drops a widget's value, and its link entry, once its page is left).

Heavy computations that run only on request are never started here: the cheapest-programme
search comes only when its last search matches the current settings (then it is cached), and the
simulation check comes as it was last drawn, when the sidebar's values have not changed since;
otherwise the README says how to get them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aliquant_core import PRESETS, Assumptions
from aliquant_core.quantities import QUANTITIES

from . import (
    calls,
    class_controls,
    compare,
    estimate_view,
    map_view,
    over_time_view,
    overview_view,
    programmes_view,
    uncertainty_view,
)
from . import programme_controls as controls
from .linked import LinkedStore

__all__ = ["PAGE_BUNDLES", "SIMULATION_KEY", "Item", "PageBundle", "PageFiles", "snapshot"]

#: Session State entry: the simulation page's last run (its charts and CSVs), kept for the bundle.
SIMULATION_KEY = "_aliquant_bundle_simulation"


@dataclass(frozen=True)
class Item:
    """One file of a page: a CSV (``csv`` builds its text) or a chart (``figure`` builds it).

    ``chart`` is the key of :data:`aliquant_app.exports.CHARTS` that titles the PNG; ``stem``
    names it (``aliquant_<stem>.png``) where it differs from the chart's own.
    """

    file_name: str
    about: str
    csv: Callable[[], str] | None = None
    chart: str | None = None
    figure: Callable[[], Any] | None = None
    stem: str | None = None


@dataclass
class PageFiles:
    """What one page gives the bundle: its files, and notes on what is left out and why."""

    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PageBundle:
    """A page's bundle builder.

    Attributes
    ----------
    folder : str
        The page's folder in the zip.
    title : str
        The page's title (as the navigation shows it).
    snapshot : callable
        ``(context) -> build``: reads the page's controls (during the run); ``build()`` makes the
        :class:`PageFiles` (when clicked).
    """

    folder: str
    title: str
    snapshot: Callable[[Context], Callable[[], PageFiles]]


@dataclass(frozen=True)
class Context:
    """What a snapshot reads: the sidebar's assumptions, Session State and the link's values."""

    assumptions: Assumptions
    state: Mapping[str, Any]
    params: Mapping[str, list[str]]

    def restored(self, store: LinkedStore, defaults: Mapping[str, Any], hidden=None) -> dict[str, Any]:
        """``store``'s values as its page would restore them, from a copy (nothing is changed)."""
        kept = self.state.get(store.store_key)
        copy = {} if kept is None else {store.store_key: dict(kept)}
        return store.restore(copy, defaults, self.params, hidden).values

    def widget(self, key: str, default: Any) -> Any:
        """A bound widget's value while Session State holds it, else its default."""
        value = self.state.get(key, default)
        return default if value is None else value


# --- the pages ----------------------------------------------------------------------------------

_CURVE_ABOUT = (
    "the Overview chart's curve: P_align and its Bonferroni bound at each label count, with the settings"
)


def _overview(ctx: Context) -> Callable[[], PageFiles]:
    a = ctx.assumptions
    source = ctx.widget("cost_source", overview_view.DEFAULT_COST_SOURCE)
    if source not in PRESETS:
        source = overview_view.DEFAULT_COST_SOURCE
    quality_key, threat_key = tuple(sorted(a.quality.items())), tuple(sorted(a.threat.items()))
    pinned = ctx.state.get(compare.A_KEY)
    versus = None if pinned is None else (pinned.labels, *compare.model_key(pinned))
    settings = a.as_dict()
    extra = class_controls.current(ctx.state)

    def build() -> PageFiles:
        return PageFiles(
            [
                Item(
                    "aliquant_p_align_curve.csv",
                    _CURVE_ABOUT,
                    csv=functools.partial(overview_view.chart_csv, quality_key, threat_key, settings, extra),
                ),
                Item(
                    "aliquant_p_align_curve.png",
                    "",
                    chart="alignment_curve",
                    figure=functools.partial(
                        overview_view.chart,
                        a.labels,
                        a.target,
                        quality_key,
                        threat_key,
                        source,
                        versus,
                        extra,
                    ),
                ),
            ]
        )

    return build


def _map(ctx: Context) -> Callable[[], PageFiles]:
    a = ctx.assumptions
    levels = ctx.widget("map_levels", list(map_view.DEFAULT_LEVELS))
    law = ctx.restored(map_view.COST_LAW, map_view.COST_DEFAULTS)
    reference, gamma, budgets = (law[key] for key in map_view.COST_DEFAULTS)
    threat = dict(a.threat)

    def build() -> PageFiles:
        result = calls.evaluate(a.labels, **a.quality, **a.threat)
        figure = functools.partial(
            map_view.map_chart,
            tuple(levels),
            tuple(budgets),
            reference,
            gamma,
            labels=a.labels,
            error_rate=a.error_rate,
            p_align=result["p_align"],
            p_misalign=result["p_misalign"],
            **threat,
        )
        return PageFiles(
            [
                Item(
                    "aliquant_quality_quantity_map.csv",
                    f"the map's grid ({map_view.LABELS_POINTS} label counts × {map_view.ERROR_POINTS} error "
                    "rates): P_align and its Bonferroni bound at each point, with the threat settings",
                    csv=functools.partial(map_view.grid_csv_for, threat),
                ),
                Item("aliquant_quality_quantity_map.png", "", chart="quality_quantity_map", figure=figure),
            ]
        )

    return build


def _programmes(ctx: Context) -> Callable[[], PageFiles]:
    a = ctx.assumptions
    model = calls.programme_model(a.threat)
    target = a.target
    settings = {**model, "target": target}
    shown = ctx.widget("n_prog", programmes_view.MAX_PROGRAMMES)
    hidden = controls.hidden(shown)
    values = ctx.restored(controls.STORE, controls.ALL_DEFAULTS, hidden)
    estimated = estimate_view.estimated_source(ctx.state.get(estimate_view.APPLIED_KEY))
    for key in controls.stale_sources(values, estimated):
        values[key] = controls.ALL_DEFAULTS[key]
    programmes = tuple(controls.spec_of(values, i, estimated) for i in range(1, shown + 1))
    low, high = values["budgets"]
    axis = values["budget_axis"]
    split_a, split_b = values["split_a"], values["split_b"]
    split_budget, split_agg = values["split_budget"], values["split_agg"]
    presets = tuple(PRESETS)
    in_use = tuple(p for p in presets if any(p == s for _, _, spec in programmes for s, _, _ in spec))
    pool, cheap_agg = values["cheap_pool"], values["cheap_agg"]
    candidates = presets if pool == "presets" else in_use
    request = (target, candidates, cheap_agg, tuple(sorted(model.items())))
    searched = ctx.state.get("_programmes_cheapest") == request

    def build() -> PageFiles:
        files = PageFiles()
        files.items.append(
            Item(
                "aliquant_programmes_table.csv",
                "the programmes table's figures as numbers: one row per programme, with the settings",
                csv=functools.partial(programmes_view.comparison_csv, programmes, settings),
            )
        )
        if low < high:
            files.items += [
                Item(
                    f"aliquant_programmes_{axis}.csv",
                    "the budget chart's data: every programme's points, "
                    f"{programmes_view.axis_name(axis).lower()}, P_align, its bound, whether each is on the "
                    "Pareto frontier, and the settings",
                    csv=functools.partial(programmes_view.budget_csv, programmes, low, high, axis, settings),
                ),
                Item(
                    f"aliquant_programmes_{axis}.png",
                    "",
                    chart="budget_chart",
                    stem=f"programmes_{axis}",
                    figure=functools.partial(
                        programmes_view.budget_chart, programmes, low, high, axis, target=target, **model
                    ),
                ),
            ]
        else:
            files.notes.append("the budget chart: its budget range is one step wide (choose a wider one).")
        if split_a == split_b:
            files.notes.append("the budget split: its two sources are the same (choose two different ones).")
        else:
            a_, b_ = (estimated if key == programmes_view.YOUR_LABELS else key for key in (split_a, split_b))
            files.items += [
                Item(
                    "aliquant_budget_split.csv",
                    "the budget split chart's data: P_align and its bound at each share, the best split, "
                    "and the settings",
                    csv=functools.partial(
                        programmes_view.split_csv_for, a_, b_, split_budget, split_agg, settings
                    ),
                ),
                Item(
                    "aliquant_budget_split.png",
                    "",
                    chart="split_chart",
                    figure=functools.partial(
                        programmes_view.split_chart, a_, b_, split_budget, split_agg, target=target, **model
                    ),
                ),
            ]
        if searched:
            found = programmes_view.cheapest(target, candidates, cheap_agg, **model)
            files.items.append(
                Item(
                    "aliquant_cheapest_programme.csv",
                    "every candidate the cheapest-programme search tried, cheapest first: the dollars it "
                    "needs to reach P*, which one is the cheapest, and the settings",
                    csv=functools.partial(
                        programmes_view.cheapest_csv, found, {**settings, "aggregation": cheap_agg}
                    ),
                )
            )
        else:
            files.notes.append(
                "the cheapest programme: not searched with these settings (a search of about a second, run "
                "only on request: press “Find the cheapest programme” on the page, then download again)."
            )
        return files

    return build


def _over_time(ctx: Context) -> Callable[[], PageFiles]:
    a = ctx.assumptions
    rates = {}
    for name in over_time_view.RATE_KEYS:
        quantity = QUANTITIES[name]
        value = ctx.widget(name, quantity.default)
        rates[name] = (int if quantity.whole else float)(value)
    pinned = ctx.state.get(compare.A_KEY)
    settings = a.as_dict()

    extra = class_controls.current(ctx.state)

    def build() -> PageFiles:
        data = over_time_view.run(
            rates, labels=a.labels, **a.quality, **a.threat, target=a.target, classes=extra
        )
        versus = (
            None
            if pinned is None
            else over_time_view.run(
                rates,
                labels=pinned.labels,
                **pinned.quality,
                **pinned.threat,
                target=pinned.target,
                classes=extra,
            )
        )
        figure = functools.partial(
            over_time_view.trajectory_figure,
            data,
            labels=a.labels,
            target=a.target,
            versus=versus,
            versus_labels=None if pinned is None else pinned.labels,
        )
        return PageFiles(
            [
                Item(
                    "aliquant_trajectory.csv",
                    "the table of every capability generation at full precision, with the rates and the "
                    "sidebar's settings as columns",
                    csv=functools.partial(over_time_view.trajectory_csv, data, rates, settings),
                ),
                Item("aliquant_trajectory.png", "", chart="trajectory_chart", figure=figure),
            ]
        )

    return build


def _uncertainty(ctx: Context) -> Callable[[], PageFiles]:
    a = ctx.assumptions
    values = a.as_dict()
    point = {name: values[name] for name in (*uncertainty_view.SPECS, "target")}
    chosen = ctx.restored(uncertainty_view.INTERVALS, uncertainty_view.interval_defaults(point))
    intervals = tuple(uncertainty_view.chosen_intervals(chosen))
    draws, seed = round(chosen["unc_draws"]), round(chosen["unc_seed"])
    point_key = tuple(point.items())
    pinned = ctx.state.get(compare.A_KEY)
    a_intervals = a_point = None
    if pinned is not None:  # the page's pinned_distribution, read here (it reads the store)
        a_values = pinned.as_dict()
        a_point = {name: a_values[name] for name in (*uncertainty_view.SPECS, "target")}
        a_defaults = uncertainty_view.interval_defaults(a_point)
        kept = ctx.state.get(uncertainty_view.INTERVALS.store_key) or {}
        a_chosen = {key: kept.get(key, a_defaults[key]) for key in uncertainty_view.INTERVALS.keys}
        a_intervals = tuple(uncertainty_view.chosen_intervals(a_chosen))

    extra = class_controls.current(ctx.state)

    def build() -> PageFiles:
        files = PageFiles()
        result = uncertainty_view.uncertainty_summary(intervals, point_key, draws, seed, extra)
        at_point = calls.evaluate(a.labels, **a.quality, **a.threat)
        versus = None
        if a_intervals is not None:
            a_result = uncertainty_view.uncertainty_summary(
                a_intervals, tuple(a_point.items()), draws, seed, extra
            )
            versus = {"hist": a_result["p_align_histogram"], "mean": a_result["mean_p_align"]}
        files.items += [
            Item(
                "aliquant_uncertainty_p_align.png",
                "",
                chart="unc_p_align_histogram",
                figure=functools.partial(
                    uncertainty_view.p_align_histogram,
                    result["p_align_histogram"],
                    mean=result["mean_p_align"],
                    target=a.target,
                    point_p_align=at_point["p_align"],
                    versus=versus,
                ),
            ),
            Item(
                "aliquant_uncertainty_required_labels.png",
                "",
                chart="unc_required_histogram",
                figure=functools.partial(
                    uncertainty_view.required_histogram, result["required_histogram"], labels=a.labels
                ),
            ),
            Item(
                "aliquant_uncertainty_quantiles.csv",
                "quantiles of P_align and of the labels required, the mean, the shares, and every input "
                "(intervals, point values, draws, seed)",
                csv=functools.partial(uncertainty_view.quantiles_csv, result, intervals, point, draws),
            ),
            Item(
                "aliquant_uncertainty_draws.csv",
                "every draw: the uncertain quantities as drawn, P_align and the labels required",
                csv=functools.partial(
                    uncertainty_view.draws_csv_for, intervals, point_key, draws, seed, extra
                ),
            ),
        ]
        if not intervals:
            files.notes.append(
                "which assumption matters (tornado, Sobol indices, sensitivity CSV): no quantity is "
                "uncertain (switch some on in the page's intervals)."
            )
            return files
        swings = uncertainty_view.run_tornado(intervals, point_key, extra)
        sobol = uncertainty_view.run_sensitivity(
            intervals, point_key, uncertainty_view.SOBOL_SAMPLES, seed, extra
        )
        sobol_sorted = uncertainty_view.in_tornado_order(sobol, swings)
        files.items.append(
            Item(
                "aliquant_uncertainty_tornado.png",
                "",
                chart="unc_tornado",
                figure=functools.partial(uncertainty_view.tornado_chart, swings),
            )
        )
        if all(math.isnan(v) for v in sobol["total_order"]):
            files.notes.append(
                "the Sobol chart: P_align barely varies over these intervals; the indices are undefined."
            )
        else:
            files.items.append(
                Item(
                    "aliquant_uncertainty_sobol.png",
                    "",
                    chart="unc_sobol",
                    figure=functools.partial(uncertainty_view.sobol_chart, sobol_sorted),
                )
            )
        files.items.append(
            Item(
                "aliquant_uncertainty_sensitivity.csv",
                "both sensitivity charts' data: each quantity's interval, P_align at its ends with the "
                "others at the sidebar's values, the swing, the first- and total-order Sobol indices, and "
                "the settings",
                csv=functools.partial(
                    uncertainty_view.sensitivity_csv, swings, sobol, intervals, point, seed
                ),
            )
        )
        return files

    return build


def _simulation(ctx: Context) -> Callable[[], PageFiles]:
    kept = ctx.state.get(SIMULATION_KEY)
    current = ctx.assumptions.as_dict()

    def build() -> PageFiles:
        if kept is None:
            return PageFiles(
                notes=[
                    "not run in this session (its simulations run on its page; "
                    "open “Check by simulation”, then download again)."
                ]
            )
        if kept.assumptions != current:
            return PageFiles(
                notes=[
                    "last run with other sidebar values (open “Check by "
                    "simulation” again to run it with these, then download again)."
                ]
            )
        files = PageFiles()
        for chart_key, (chart, figure) in kept.charts.items():
            files.items.append(
                Item(
                    f"aliquant_{chart.stem}.png",
                    "",
                    chart=chart_key,
                    figure=functools.partial(lambda f: f, figure),
                )
            )
        for file_name, build_csv, about in kept.csvs.values():
            files.items.append(Item(file_name, about, csv=build_csv))
        if not any(c == "sim_bt_chart" for c in kept.charts):
            files.notes.append(
                "the Bradley–Terry learner: not in its last run (it fits reward models "
                "only on request, on its own tab)."
            )
        return files

    return build


#: Every page's bundle builder, in the navigation's order (Your labels and Method draw no chart).
PAGE_BUNDLES: tuple[PageBundle, ...] = (
    PageBundle("overview", "Overview", _overview),
    PageBundle("quality_quantity_map", "Quality–quantity map", _map),
    PageBundle("programmes", "Programmes", _programmes),
    PageBundle("over_time", "Over time", _over_time),
    PageBundle("uncertainty", "Uncertainty", _uncertainty),
    PageBundle("simulation_check", "Check by simulation", _simulation),
)


def snapshot(
    assumptions: Assumptions, state: Mapping[str, Any], params: Mapping[str, list[str]]
) -> list[tuple[PageBundle, Callable[[], PageFiles]]]:
    """Every page's build callable, from its controls as they stand (cheap; during the run).

    A page whose controls cannot be read gives a build that says so (the others still come).
    """
    ctx = Context(assumptions, state, params)
    plans = []
    for page in PAGE_BUNDLES:
        try:
            build = page.snapshot(ctx)
        except Exception as error:  # never break the page for the bundle
            reason = f"{page.title}: its settings could not be read ({type(error).__name__})."
            build = functools.partial(PageFiles, [], [reason])
        plans.append((page, build))
    return plans
