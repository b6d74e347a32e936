"""Programmes: up to four labelling programmes side by side, what they buy and what they cost.

Reads the widgets, calls the core through the cached wrappers of
:mod:`aliquant_app.programmes_view`, and draws. Every control's key is also its share-link key
(see ``programmes_view.LINK_KEYS``).
"""

from __future__ import annotations

import streamlit as st

from aliquant_app import programmes_view as view
from aliquant_app import state
from aliquant_app.charts import PLOTLY_CONFIG
from aliquant_app.formatting import count, probability
from aliquant_app.widgets import arrow_table, whole_number_input
from aliquant_core import PRESETS, anchors

assumptions = state.current()
model = view.model_keywords(assumptions)
target = assumptions.target
settings = {**model, "target": target}
PRESET_KEYS = tuple(PRESETS)

st.html(
    """
<style>
[class*="st-key-result_"] [data-testid="stMetricValue"] { font-size: 1.35rem; }
[class*="st-key-result_"] [data-testid="stMetricLabel"] p { font-size: 0.8rem; }
.st-key-cheapest_result [data-testid="stMetricValue"] { font-size: 1.6rem; }
.st-key-split_metrics [data-testid="stMetricValue"] { font-size: 1.6rem; }
</style>
"""
)


def _source_help() -> str:
    lines = [
        f"- **{s.name}**: ε = {s.error_rate:.3f}, σ = {s.blind_spot:g}, ${s.cost_per_label:g} and "
        f"{s.seconds_per_label:g} s a label, {s.workforce:g} people × {s.hours_per_week:g} h/week"
        for s in PRESETS.values()
    ]
    return (
        "Who labels. Each preset brings its own error rate ε and blind spot σ (blind spots nested: "
        "a better source's lie inside a worse one's); sources of every number are on the Method "
        "page.\n\n" + "\n".join(lines)
    )


SOURCE_HELP = _source_help()


def chart_config(name: str) -> dict:
    """The explorer's plotly config, its PNG download named after the chart."""
    return {
        **PLOTLY_CONFIG,
        "toImageButtonOptions": {**PLOTLY_CONFIG["toImageButtonOptions"], "filename": f"aliquant_{name}"},
    }


def programme_inputs(i: int, default: view.ProgrammeDefault) -> tuple[str, str, view.Spec]:
    """Draw programme ``i``'s controls; return its name, aggregation and spec."""
    top = st.columns([2, 1.2], vertical_alignment="bottom")
    name = top[0].text_input(
        "Name",
        value=default.name,
        max_chars=40,
        key=view.key(i, "name"),
        bind="query-params",
        help="A label for this programme in the results and charts. "
        f"Share-link key: `{view.key(i, 'name')}`.",
    )
    aggregation = top[1].segmented_control(
        "Aggregation",
        view.AGGREGATIONS,
        default=default.aggregation,
        required=True,
        key=view.key(i, "agg"),
        bind="query-params",
        help="How two sources' labels combine. **pooled**: every label counts the same (a plain "
        "reward model). **weighted**: each source's labels weighted by log(q/(1 − q)), optimal for "
        "known reliabilities (Nitzan–Paroush); a source with q < ½ is then read backwards, which "
        f"assumes its reliability is known, so it is a bound. Share-link key: `{view.key(i, 'agg')}`.",
    )
    spec = []
    for slot, source_default, labels_default, r_default in (
        ("a", default.source_a, default.labels_a, default.redundancy_a),
        ("b", default.source_b, default.labels_b, default.redundancy_b),
    ):
        row = st.columns([2, 1.6, 1], vertical_alignment="bottom")
        options = PRESET_KEYS if slot == "a" else (view.NONE, *PRESET_KEYS)
        source = row[0].selectbox(
            f"Source {slot.upper()}",
            options,
            index=options.index(source_default),
            format_func=view.source_name,
            key=view.key(i, slot),
            bind="query-params",
            help=SOURCE_HELP
            + ("\n\n'— none —': a one-source programme." if slot == "b" else "")
            + f"\n\nShare-link key: `{view.key(i, slot)}`.",
        )
        labels = row[1].number_input(
            f"Labels from {slot.upper()}",
            min_value=0.0,
            max_value=1e12,
            value=float(labels_default),
            step=1000.0,
            format="%.0f",
            key=view.key(i, f"n{slot}"),
            bind="query-params",
            disabled=source == view.NONE,
            help="Comparison items this source labels, 0 to 1e12 (the dataset's size from it; "
            "each item is judged by the redundancy's number of labelers). "
            f"Share-link key: `{view.key(i, f'n{slot}')}`.",
        )
        redundancy = whole_number_input(
            row[2],
            "Per item",
            min_value=1,
            max_value=25,
            value=int(r_default),
            step=1,
            key=view.key(i, f"r{slot}"),
            disabled=source == view.NONE,
            help="Redundancy r: labelers per item, majority vote (ties a coin flip). Shrinks random "
            "error, not blind spots (shared by all labelers); cost and time grow r-fold. "
            f"Share-link key: `{view.key(i, f'r{slot}')}`.",
        )
        if source != view.NONE:
            spec.append((source, float(labels), redundancy))
    return (name.strip() or f"Programme {i}"), aggregation, tuple(spec)


def describe(spec: view.Spec, aggregation: str) -> str:
    parts = [f"{PRESETS[p].name} {count(n)} × {r}" for p, n, r in spec]
    return " + ".join(parts) + (f" · {aggregation}" if len(spec) > 1 else "")


def feasibility_badges(feasible: dict | None) -> None:
    if feasible is None:
        st.caption("No labels: nothing to compare with the pipelines.")
        return
    band = feasible["oom_beyond_rlhf_band"]
    hours_oom = feasible["oom_beyond_few_hundred_hours"]
    rlhf = anchors.RLHF_REFERENCE
    band_help = (
        f'"Quantity within 2 OOM of RLHF" (seed discussion): at most 100 × {rlhf.name}\'s '
        f"{count(rlhf.comparisons)} comparisons ({rlhf.source}). This programme is {view.oom(band)} "
        "OOM from the top of that band."
    )
    hours_help = (
        '"Under a few hundred hours of feedback" (seed discussion), taken as '
        f"{anchors.FEW_HUNDRED_HOURS:g} labeler-hours. This programme is {view.oom(hours_oom)} OOM from it."
    )
    if feasible["within_rlhf_band"]:
        st.badge("Within 2 OOM of RLHF", icon=":material/check:", color="green", help=band_help)
    else:
        st.badge("Beyond 2 OOM of RLHF", icon=":material/close:", color="red", help=band_help)
    if feasible["within_few_hundred_hours"]:
        st.badge(
            f"Under {anchors.FEW_HUNDRED_HOURS:g} hours",
            icon=":material/check:",
            color="green",
            help=hours_help,
        )
    else:
        st.badge(
            f"{10**hours_oom:,.2g}× the {anchors.FEW_HUNDRED_HOURS:g} h goal",
            icon=":material/close:",
            color="orange",
            help=hours_help,
        )


# --- the programmes -----------------------------------------------------------------------------

st.subheader("Programmes", anchor=False)
st.caption(
    "Each source brings its own error rate and blind spot (presets; sources on the Method page). "
    "Footprint, exploitation, competitors, prior bits and the target P* come from the sidebar; the "
    "sidebar's labels, error rate and blind spot are not used on this page. The URL holds every "
    "setting: copy it to share this view."
)
shown = st.segmented_control(
    "Programmes to compare",
    list(range(1, view.MAX_PROGRAMMES + 1)),
    default=view.MAX_PROGRAMMES,
    required=True,
    key="n_prog",
    bind="query-params",
    help="How many programmes to set up and compare (1 to 4). A programme hidden here goes back "
    "to its defaults. Share-link key: `n_prog`.",
)
programmes = []
for i, tab in enumerate(st.tabs([f"Programme {i}" for i in range(1, shown + 1)]), start=1):
    with tab:
        programmes.append(programme_inputs(i, view.DEFAULT_PROGRAMMES[i - 1]))

names = [name for name, _, _ in programmes]
# Source A is always set, so every programme has at least one allocation.
results = [view.evaluate(spec, aggregation, **model) for _, aggregation, spec in programmes]

for i, (column, (name, aggregation, spec), result) in enumerate(
    zip(st.columns(shown), programmes, results, strict=True), start=1
):
    with column.container(border=True, key=f"result_{i}"):
        st.markdown(f"**{i}. {name}**")
        st.caption(f"{describe(spec, aggregation)} = {count(result['judgements'])} judgements")
        p_text, bound_text = view.p_align_texts(result)
        st.metric(
            "P_align",
            p_text,
            help="Probability of outer alignment for this programme under the sidebar's threat "
            "model (the core's programme_p_align): the labels favour the aligned policy over every "
            "effective competitor, competitors treated as independent.",
        )
        q_text = ", ".join(f"{q:.3f}" for q in result["label_win_prob"])
        st.caption(
            f"Bonferroni bound {bound_text} · q = {q_text}"
            + ("" if result["exact"] else " · saddlepoint approximation")
        )
        verdict = view.regime_words(result["regime"])
        colour = {"quantity_suffices": "green", "no_quantity_suffices": "red"}.get(result["regime"], "orange")
        st.markdown(f":{colour}[{verdict}]", help=view.regime_help(result["regime"]))
        st.metric(
            "Dollars",
            view.dollars(result["dollars"]),
            help="Σ labels × redundancy × cost per label (US dollars; the core's programme_cost).",
        )
        time_row = st.columns(2)
        time_row[0].metric(
            "Hours",
            view.hours(result["labeler_hours"], unit=False),
            help="Labeler-hours: Σ labels × redundancy × seconds per label / 3600.",
        )
        time_row[1].metric(
            "Weeks",
            view.weeks(result["calendar_weeks"], unit=False),
            help="Calendar weeks until the slowest source is done, sources working in parallel: its "
            "labeler-hours / (workforce × hours per week).",
        )
        feasibility_badges(result["feasibility"])

# Orders of magnitude from each reference pipeline, all programmes in one table.
rows = []
columns = [f"{i}. {name}" for i, name in enumerate(names, start=1)]
for pipeline in view.pipelines():
    row = {"Compared with": f"{pipeline.name} ({count(pipeline.comparisons)})"}
    for column, result in zip(columns, results, strict=True):
        feasible = result["feasibility"]
        row[column] = view.oom(feasible["oom_vs_pipelines"][pipeline.name]) if feasible else "n/a"
    rows.append(row)
band_row = {"Compared with": f"top of 2 OOM of RLHF ({count(anchors.RLHF_REFERENCE.comparisons * 100)})"}
hours_row = {"Compared with": f"a few hundred hours ({anchors.FEW_HUNDRED_HOURS:g} labeler-hours)"}
for column, result in zip(columns, results, strict=True):
    feasible = result["feasibility"]
    band_row[column] = view.oom(feasible["oom_beyond_rlhf_band"]) if feasible else "n/a"
    hours_row[column] = view.oom(feasible["oom_beyond_few_hundred_hours"]) if feasible else "n/a"
with st.expander(
    "Orders of magnitude from the reference pipelines", expanded=True, icon=":material/straighten:"
):
    st.table(arrow_table([*rows, band_row, hours_row]), hide_index=True)
    st.caption(
        "log₁₀(programme ÷ reference): +1 is ten times the reference's comparisons (or hours), −1 a "
        "tenth. Labels count items, not judgements. Pipelines with a range (InstructGPT) use its "
        "geometric middle; the figures and their sources are on the Method page."
    )

# --- P_align against cost -----------------------------------------------------------------------

st.subheader("P_align against what it costs", anchor=False)
low, high = st.select_slider(
    "Budget range",
    options=view.BUDGET_STEPS,
    value=view.DEFAULT_BUDGETS,
    format_func=view.budget_label,
    key="budgets",
    bind="query-params",
    help="Each programme is scaled to budgets across this range (61 log-spaced points), keeping "
    "its sources' shares of the spend and their redundancies (the core's budget_curve). "
    "Share-link key: `budgets`.",
)
if low >= high:
    st.warning("Choose a budget range wider than one step.")
    curves = [None] * len(programmes)
else:
    curves = [view.budget_curves(spec, agg, low, high, **model) for _, agg, spec in programmes]
free = [name for name, curve in zip(names, curves, strict=True) if curve is None]
if free and low < high:
    st.caption(f"Not drawn (costs nothing, so it cannot be scaled to a budget): {', '.join(free)}.")
AXIS_TABS = {"dollars": "Dollars", "labeler_hours": "Labeler-hours", "calendar_weeks": "Calendar weeks"}
# Only the open tab's chart is built and sent (a stateful tab set); the link holds which is open.
axis_tabs = st.tabs(list(AXIS_TABS.values()), key="budget_axis", bind="query-params", on_change="rerun")
for (axis, title), tab in zip(AXIS_TABS.items(), axis_tabs, strict=True):
    if not tab.open:
        continue
    with tab:
        figure = view.budget_figure(curves, names, results, axis, target=target)
        st.plotly_chart(
            figure, width="stretch", key=f"budget_chart_{axis}", config=chart_config(f"programmes_{axis}")
        )
        left, right = st.columns([4.2, 1], vertical_alignment="center")
        left.caption(
            f"Lines: each programme scaled over {view.budget_label(low)} to {view.budget_label(high)}; "
            f"dots: the programmes as set; dotted steps: the Pareto frontier across all curves (no "
            f"point is both cheaper in {title.lower()} and likelier to align)."
        )
        right.download_button(
            "CSV",
            data=view.curves_csv(curves, names, axis, settings),
            file_name=f"aliquant_programmes_{axis}.csv",
            mime="text/csv",
            key=f"csv_budget_{axis}",
            on_click="ignore",
            icon=":material/download:",
            help=f"This chart's data: every programme's points, {title.lower()}, P_align, its bound, "
            "whether each is on the Pareto frontier, and the settings.",
        )

# --- the cheapest way to the target -------------------------------------------------------------

st.subheader(f"The cheapest way to P* = {target:g}", anchor=False)
in_use = tuple(p for p in PRESET_KEYS if any(p == s for _, _, spec in programmes for s, _, _ in spec))
controls = st.columns([1.4, 1, 1.3], vertical_alignment="bottom")
pool = controls[0].segmented_control(
    "Among",
    ("presets", "in_use"),
    default="presets",
    required=True,
    format_func=view.pool_label,
    key="cheap_pool",
    bind="query-params",
    help="Candidate sources: every preset, or only those the programmes above use. The core tries "
    "each source at 1, 3, 5, 7 and 9 labelers per item and every pair of sources at the best split. "
    "Share-link key: `cheap_pool`.",
)
cheap_aggregation = controls[1].segmented_control(
    "Mixes",
    view.AGGREGATIONS,
    default="pooled",
    required=True,
    key="cheap_agg",
    bind="query-params",
    help="How two-source candidates combine their labels (see a programme's Aggregation). "
    "Share-link key: `cheap_agg`.",
)
candidates = PRESET_KEYS if pool == "presets" else in_use
request = (target, candidates, cheap_aggregation, tuple(sorted(model.items())))
if controls[2].button(
    "Find the cheapest programme",
    key="cheap_go",
    type="primary",
    icon=":material/search:",
    disabled=not candidates,
    help="Searches single sources and two-source mixes for the cheapest programme reaching P* "
    "under the current assumptions (the core's cheapest_programme; about a second, then cached).",
):
    st.session_state["_programmes_cheapest"] = request


def _load_cheapest(found: dict) -> None:
    """Callback: put the cheapest programme into programme 4's controls."""
    s = st.session_state
    i = view.MAX_PROGRAMMES
    s["n_prog"] = view.MAX_PROGRAMMES
    s[view.key(i, "name")] = "Cheapest"
    s[view.key(i, "agg")] = found["aggregation"]
    spec = list(found["spec"]) + [(view.NONE, 0.0, 1)] * (2 - len(found["spec"]))
    for slot, (preset, labels, redundancy) in zip("ab", spec, strict=True):
        s[view.key(i, slot)] = preset
        s[view.key(i, f"n{slot}")] = float(labels)
        s[view.key(i, f"r{slot}")] = int(redundancy)


asked = st.session_state.get("_programmes_cheapest")
if asked is not None and asked != request:
    st.caption("The settings changed since the last search: press the button again.")
elif asked is not None:
    with st.spinner("Searching single sources and mixes…"):
        found = view.cheapest(target, candidates, cheap_aggregation, **model)
    with st.container(key="cheapest_result"):
        if found["spec"] is None:
            st.error(
                f"No candidate reaches P* = {target:g}: every source alone and every pair is in a "
                "regime where no quantity suffices, or needs more than 10¹² labels.",
                icon=":material/block:",
            )
        else:
            cost = view.evaluate(found["spec"], found["aggregation"], **model)
            cols = st.columns([1.2, 1, 1, 1])
            cols[0].metric(
                "Cheapest programme",
                view.dollars(found["dollars"]),
                help="Its cost in US dollars (the core's cheapest_programme).",
            )
            cols[1].metric(
                "Its P_align",
                probability(found["p_align"]),
                help="P_align of the cheapest programme (at least P*).",
            )
            cols[2].metric("Labeler-hours", view.hours(cost["labeler_hours"]))
            cols[3].metric("Calendar weeks", view.weeks(cost["calendar_weeks"]))
            st.markdown(f"**{describe(found['spec'], found['aggregation'])}** (labels × labelers per item)")
            st.button(
                f"Put it in programme {view.MAX_PROGRAMMES}",
                key="cheap_load",
                on_click=_load_cheapest,
                args=(found,),
                icon=":material/input:",
                help=f"Replace programme {view.MAX_PROGRAMMES} above with this one, to compare it and see "
                "its curves.",
            )
        with st.expander("Every candidate, cheapest first"):
            st.table(
                arrow_table(
                    [
                        {"Candidate": name, "Dollars to reach P*": view.dollars(cost)}
                        for name, cost in found["candidates"]
                    ]
                ),
                hide_index=True,
            )

# --- the budget split ---------------------------------------------------------------------------

st.subheader("Splitting a budget between two sources", anchor=False)
row = st.columns([1.3, 1.3, 1, 1], vertical_alignment="bottom")
split_a = row[0].selectbox(
    "Source A",
    PRESET_KEYS,
    index=PRESET_KEYS.index("experts"),
    format_func=view.source_name,
    key="split_a",
    bind="query-params",
    help=SOURCE_HELP + "\n\nShare-link key: `split_a`.",
)
split_b = row[1].selectbox(
    "Source B",
    PRESET_KEYS,
    index=PRESET_KEYS.index("contractors"),
    format_func=view.source_name,
    key="split_b",
    bind="query-params",
    help=SOURCE_HELP + "\n\nShare-link key: `split_b`.",
)
budget = row[2].number_input(
    "Budget (US$)",
    min_value=1.0,
    max_value=1e11,
    value=70_000.0,
    step=5_000.0,
    format="%.0f",
    key="split_budget",
    bind="query-params",
    help="The budget to split, US dollars, 1 to 1e11 (one label per item; the core's best_split "
    "and budget_split_curve). Share-link key: `split_budget`.",
)
split_aggregation = row[3].segmented_control(
    "Aggregation",
    view.AGGREGATIONS,
    default="pooled",
    required=True,
    key="split_agg",
    bind="query-params",
    help="How the two sources' labels combine (see a programme's Aggregation). Share-link key: `split_agg`.",
)
if split_a == split_b:
    st.info("Choose two different sources to split a budget between.", icon=":material/info:")
else:
    name_a, name_b = PRESETS[split_a].name, PRESETS[split_b].name
    data = view.split(split_a, split_b, budget, split_aggregation, **model)
    best = data["best"]
    with st.container(key="split_metrics"):
        cols = st.columns(4)
        cols[0].metric(
            "Best share to A",
            f"{100 * best['share_a']:.2f}%",
            help=f"Share of the budget spent on A ({name_a}) that maximises P_align (the core's best_split: "
            "201 shares, then 201 more around the best).",
        )
        cols[1].metric("P_align at best", probability(best["p_align"]), help="P_align at the best split.")
        cols[2].metric(
            f"All on A ({name_a})",
            probability(best["p_align_all_a"]),
            help="P_align spending the whole budget on A.",
        )
        cols[3].metric(
            f"All on B ({name_b})",
            probability(best["p_align_all_b"]),
            help="P_align spending the whole budget on B.",
        )
    st.caption(
        f"Best: {count(best['labels_a'])} labels from {name_a} and {count(best['labels_b'])} from "
        f"{name_b}, {view.dollars(best['dollars'])}, {view.hours(best['labeler_hours'])}, "
        f"{view.weeks(best['calendar_weeks'])}."
    )
    st.plotly_chart(
        view.split_figure(data, name_a, name_b, budget=budget, target=target),
        width="stretch",
        key="split_chart",
        config=chart_config("budget_split"),
    )
    left, right = st.columns([4.2, 1], vertical_alignment="center")
    left.caption(
        "P_align against the share of the budget spent on A, the rest on B (whole items; the change "
        "is unspent); star: the best split. Where P_align is flat at 0 or 1 every split in the flat "
        "stretch is equally good, and the core reports the first."
    )
    right.download_button(
        "CSV",
        data=view.split_csv(data, {**settings, "budget_usd": budget}),
        file_name="aliquant_budget_split.csv",
        mime="text/csv",
        key="csv_split",
        on_click="ignore",
        icon=":material/download:",
        help="This chart's data: P_align and its bound at each share, the best split, and the settings.",
    )

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
