"""Uncertainty: what 90% intervals on the assumptions do to P_align and to the labels required.

Everything recomputes live (the default 4,096 draws take about 0.03 s, the Sobol indices 0.01–0.04 s; see
``aliquant_app/uncertainty_view.py``), so there is no Run button.
"""

from __future__ import annotations

import functools
import math

import streamlit as st

from aliquant_app import calls, class_controls, compare, state
from aliquant_app import uncertainty_view as view
from aliquant_app.formatting import count, probability
from aliquant_app.layout import header
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_app.widgets import markdown_table

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)


def reset_intervals() -> None:
    """Button callback: every interval back to its default around the sidebar's values, toggles too."""
    view.INTERVALS.forget(
        st.session_state, (key for key in view.INTERVALS.keys if key not in view.RUN_DEFAULTS)
    )


assumptions = state.current()
values = assumptions.as_dict()
point = {name: values[name] for name in (*view.SPECS, "target")}
target = assumptions.target

st.caption(
    "Give any assumption as a 90% interval instead of the sidebar's point value. Each interval is "
    "a distribution (log-normal for N, logit-normal for rates, normal for log₁₀ K and prior bits) "
    "whose 5% and 95% quantiles are its ends; quasi-random draws from all of them give a "
    "distribution of P_align and of the labels the target needs."
)

# --- controls -----------------------------------------------------------------------------------

defaults = view.interval_defaults(point)
restored = view.INTERVALS.restore(st.session_state, defaults, st.query_params)
state.add_page_link_notes(restored.notes)
values = restored.values


def interval_card(spec: view.IntervalSpec) -> None:
    """One quantity's toggle, interval and notes (their values in view.INTERVALS)."""
    st.toggle(
        f"**{spec.label}** uncertain",
        **view.INTERVALS.control(spec.toggle_key),
        help=f"On: draw {spec.label} from a {spec.scale} distribution with the 90% interval "
        f"below. Off: use the sidebar's value. {spec.note} Share-link key: `{spec.toggle_key}`.",
    )
    on = values[spec.toggle_key]
    common = {"disabled": not on, "min_value": spec.low, "max_value": spec.high, "step": spec.step}
    if spec.widget == "range":
        (key,) = spec.keys
        st.slider(
            "90% interval" + (" of log₁₀ N" if spec.name == "labels" else ""),
            format=spec.fmt,
            **view.INTERVALS.control(key),
            help=f"The 5% and 95% quantiles of {spec.label}. Default: {spec.rule} "
            f"Share-link key: `{key}` (twice: low, high).",
            **common,
        )
        chosen = values[key]
    else:
        for column, key, label, end in zip(
            st.columns(2), spec.keys, ("low (5%)", "high (95%)"), ("5%", "95%"), strict=True
        ):
            column.number_input(
                label,
                format=spec.fmt,
                **view.INTERVALS.control(key),
                help=f"The {end} quantile of {spec.label}. Default: {spec.rule} Share-link key: `{key}`.",
                **common,
            )
        chosen = tuple(values[key] for key in spec.keys)
    low, high = view.model_interval(spec.name, chosen)
    shown = count(point[spec.name]) if spec.name == "labels" else f"{point[spec.name]:g}"
    notes = [f"Sidebar {shown}; default {spec.rule}"]
    if on and spec.name == "labels":
        notes.append(f"Now {count(low)} to {count(high)} labels.")
    if on and float(chosen[0]) > float(chosen[1]):
        notes.append("Low was above high: ends swapped.")
    if on and not low <= point[spec.name] <= high:
        notes.append("**The sidebar's value is outside this interval.**")
    st.caption(" ".join(notes))


# Built only while open (a stateful expander): its 7 cards are some 20 widgets. The values live in
# view.INTERVALS, which also writes them into the link, so they count and are shared either way.
box = st.expander(
    "90% intervals: which assumptions are uncertain, and how much; draws and seed",
    icon=":material/tune:",
    key="unc_box",
    on_change="rerun",
)
if box.open:
    view.INTERVALS.mount(st.session_state, values, view.INTERVALS.keys)
    with box:
        st.caption(
            "Intervals start around the sidebar's values and follow them until you change one; the "
            "share link holds every interval you change."
        )
        specs = list(view.SPECS.values())
        for row_start in range(0, len(specs), 3):
            for column, spec in zip(st.columns(3), specs[row_start : row_start + 3], strict=False):
                with column.container(border=True, key=f"unc_card_{spec.name}"):
                    interval_card(spec)
        draws_column, seed_column, reset_column = st.columns([1, 1, 1.2], vertical_alignment="bottom")
        draws_column.number_input(
            "Draws",
            min_value=float(view.DRAWS_MIN),
            max_value=float(view.DRAWS_MAX),
            step=1_000.0,
            format="%.0f",
            **view.INTERVALS.control("unc_draws"),
            help="Quasi-random (scrambled Halton) draws of the uncertain quantities, "
            f"{view.DRAWS_MIN:,} to {view.DRAWS_MAX:,}. 4,096 take about 0.03 s and 100,000 about "
            "0.34 s, so everything here recomputes live. Share-link key: `unc_draws`.",
        )
        seed_column.number_input(
            "Seed",
            min_value=0.0,
            max_value=float(2**32 - 1),
            step=1.0,
            format="%.0f",
            **view.INTERVALS.control("unc_seed"),
            help="Seed of the draws and of the Sobol matrices, 0 to 2³² − 1: the same seed gives the "
            "same numbers. Share-link key: `unc_seed`.",
        )
        reset_column.button(
            "Reset intervals",
            key="unc_reset",
            on_click=reset_intervals,
            icon=":material/restart_alt:",
            help="Every interval back to its default around the sidebar's values, and the default "
            "quantities uncertain.",
        )
intervals = view.chosen_intervals(values)
view.INTERVALS.write_link(st.query_params, view.INTERVALS.wanted_link(values, defaults))

draws, seed = round(values["unc_draws"]), round(values["unc_seed"])
run_text = f"{draws:,} draws, seed {seed}"
st.caption(
    f"**Uncertain ({len(intervals)} of {len(view.SPECS)}):** {view.summary(intervals)} · {run_text}"
    if intervals
    else f"**Nothing uncertain:** open the intervals above and switch some on. ({run_text})"
)

interval_key = tuple(intervals)
point_key = tuple(point.items())

# --- distributions ------------------------------------------------------------------------------

extra = class_controls.current()  # competitor classes added beside the sidebar's
result = view.uncertainty_summary(interval_key, point_key, draws, seed, extra)
at_point = calls.evaluate(assumptions.labels, **assumptions.quality, **assumptions.threat, classes=extra)

if not intervals:
    st.info(
        "No quantity is uncertain: every draw is the sidebar's scenario. Switch on **uncertain** "
        "for at least one assumption above.",
        icon=":material/info:",
    )

top = st.columns(4)
top[0].metric(
    "Mean P_align",
    probability(result["mean_p_align"]),
    help="P_align averaged over the draws: the probability of outer alignment once the "
    "uncertainty about the assumptions is itself accounted for.",
)
top[1].metric(
    f"P(P_align ≥ {target:g})",
    f"{result['p_target_met']:.1%}",
    help=f"Share of draws in which P_align reaches the target P* = {target:g} with the "
    "sidebar's labels (or the drawn labels, if N is uncertain).",
)
top[2].metric(
    "No quantity suffices",
    f"{result['p_unreachable']:.1%}",
    help=f"Share of draws in which no number of labels reaches P* = {target:g} (q ≤ ½, or "
    "even perfect counting falls short): the required labels are unreachable.",
)
top[3].metric(
    "At the sidebar's values",
    probability(at_point["p_align"], at_point["p_misalign"]),
    help="P_align at the point values, for comparison (the Overview's headline).",
)

compare.show_versus(assumptions)  # while A is pinned: the values that differ, and each headline

VIEWS = {"distributions": "Distributions", "sensitivity": "Which assumption matters"}
# One view at a time is built and sent (a stateful tab set); the link holds which is open.
view_tabs = st.tabs(list(VIEWS.values()), key="unc_view", bind="query-params", on_change="rerun")


def pinned_distribution() -> dict | None:
    """The pinned A's P_align histogram and mean: the same uncertain quantities, draws and seed,
    each interval the user set as it is and the others around A's values (None without A)."""
    pinned = compare.pinned()
    if pinned is None:
        return None
    a_values = pinned.as_dict()
    a_point = {name: a_values[name] for name in (*view.SPECS, "target")}
    a_intervals = view.chosen_intervals(compare.store_values(view.INTERVALS, view.interval_defaults(a_point)))
    a_result = view.uncertainty_summary(tuple(a_intervals), tuple(a_point.items()), draws, seed, extra)
    return {"hist": a_result["p_align_histogram"], "mean": a_result["mean_p_align"]}


def distributions() -> None:
    """Histograms of P_align and of the labels required, their quantiles, and the CSVs."""
    left, right = st.columns(2)
    left.markdown("**P_align over the uncertainty**")
    draw_chart(
        view.p_align_histogram(
            result["p_align_histogram"],
            mean=result["mean_p_align"],
            target=target,
            point_p_align=at_point["p_align"],
            versus=pinned_distribution(),
        ),
        "unc_p_align_histogram",
        where=left,
    )
    required_hist = result["required_histogram"]
    right.markdown(
        f"**Labels for P\\* = {target:g}** (log scale)"
        + (
            f": {result['p_unreachable']:.1%} of draws unreachable, not drawn"
            if result["p_unreachable"] > 0
            else ""
        )
    )
    draw_chart(
        view.required_histogram(required_hist, labels=assumptions.labels),
        "unc_required_histogram",
        where=right,
    )
    unreachable_note = (
        f"{result['p_unreachable']:.1%} of draws are unreachable (no quantity of labels suffices); "
        "the labels histogram leaves them out, and its bars share the rest."
        if result["p_unreachable"] > 0
        else "Every draw can reach the target with enough labels."
    )
    if required_hist["zero"] > 0:
        unreachable_note += f" {required_hist['zero']:.1%} of draws need no labels; drawn at 1 label."
    st.caption(unreachable_note)

    table_column, download_column = st.columns([3, 1], vertical_alignment="top")
    rows = [
        {
            "quantile": f"{level:.0%}",
            "P_align": f"{p:.4f}",
            f"labels for P* = {target:g}": count(n),
        }
        for level, p, n in zip(
            result["quantile_levels"],
            result["p_align_quantiles"],
            result["required_labels_quantiles"],
            strict=True,
        )
    ]
    table_column.markdown(markdown_table(rows, right=[c for c in rows[0] if c != "quantile"]))
    csv_button(
        download_column,
        "Quantiles CSV",
        functools.partial(view.quantiles_csv, result, interval_key, point, draws),
        file_name="aliquant_uncertainty_quantiles.csv",
        key="unc_quantiles_csv",
        width="stretch",
        help="Quantiles of P_align and of the labels required, the mean, the shares above, and "
        "every input (intervals, point values, draws, seed).",
    )
    csv_button(
        download_column,
        "Draws CSV",
        functools.partial(view.draws_csv_for, interval_key, point_key, draws, seed, extra),
        file_name="aliquant_uncertainty_draws.csv",
        key="unc_draws_csv",
        width="stretch",
        help="Every draw: the uncertain quantities as drawn, P_align and the labels required "
        "(`inf`: unreachable). Written when you click.",
    )


def sensitivity() -> None:
    """Tornado and Sobol indices: which assumption moves P_align."""
    if intervals:
        swings = view.run_tornado(interval_key, point_key, extra)
        sobol = view.run_sensitivity(interval_key, point_key, view.SOBOL_SAMPLES, seed, extra)
        sobol_sorted = view.in_tornado_order(sobol, swings)
        left, right = st.columns(2)
        left.markdown(
            "**Tornado:** P_align with one quantity at its interval's low end (grey) or high end "
            "(blue), the others at the sidebar's values (dashed: P_align "
            f"{probability(swings['base'])} there, the Overview's headline)"
        )
        right.markdown(
            "**Sobol indices:** the share of the variance of P_align due to each quantity alone (first "
            "order) and with its interactions (total)"
        )
        draw_chart(view.tornado_chart(swings), "unc_tornado", where=left)
        if not all(math.isnan(v) for v in sobol["total_order"]):
            draw_chart(view.sobol_chart(sobol_sorted), "unc_sobol", where=right)
        else:
            right.info(
                "P_align barely varies over these intervals (variance below 1e-12), so its variance "
                "has no shares to split: the Sobol indices are undefined.",
                icon=":material/info:",
            )
        csv_button(
            st,
            "Sensitivity CSV",
            functools.partial(view.sensitivity_csv, swings, sobol, interval_key, point, seed),
            file_name="aliquant_uncertainty_sensitivity.csv",
            key="unc_sensitivity_csv",
            help="Both charts' data: each quantity's interval, P_align at its ends with the others at "
            "the sidebar's values, the swing, the first- and total-order Sobol indices, and the settings.",
        )
        st.caption(
            f"Sobol indices from {sobol['evaluations']:,} evaluations of P_align (Saltelli estimators, "
            f"base sample {view.SOBOL_SAMPLES:,}, the seed): values near 0, and small negatives, "
            "are estimation noise. Bars in the tornado's order, largest swing first."
        )
    else:
        st.caption("Switch on at least one uncertain quantity to see the tornado and the Sobol indices.")


for (name, _), tab in zip(VIEWS.items(), view_tabs, strict=True):
    if tab.open:
        with tab:
            {"distributions": distributions, "sensitivity": sensitivity}[name]()

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
