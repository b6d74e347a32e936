"""Programmes: up to four labelling programmes side by side, what they buy and what they cost.

Reads the widgets, calls the core through the cached wrappers of
:mod:`aliquant_app.programmes_view`, and draws. Every control's key is also its share-link key
(see ``programmes_view.LINK_KEYS``).
"""

from __future__ import annotations

import functools

import streamlit as st

from aliquant_app import calls, class_controls, estimate_view, state
from aliquant_app import programme_controls as controls
from aliquant_app import programmes_view as view
from aliquant_app.formatting import as_text, count, probability
from aliquant_app.layout import header
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_app.widgets import arrow_table, markdown_text
from aliquant_core import PRESETS
from aliquant_core.programme import AGGREGATION_LABELS
from aliquant_core.quantities import QUANTITIES

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

assumptions = state.current()
if class_controls.current():  # the classes reach the Overview, Over time and Uncertainty only
    st.caption(
        "**Competitor classes:** the classes added in the sidebar are not drawn on this page; it "
        "shows the sidebar's own class alone (the Overview, Over time and Uncertainty pages use them all)."
    )
model = calls.programme_model(assumptions.threat)
target = assumptions.target
settings = {**model, "target": target}
PRESET_KEYS = tuple(PRESETS)


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


def estimated_help(estimated: calls.EstimatedSource) -> str:
    """The source from the user's labels, for the source selectors' help: its numbers and provenance."""
    source = calls.source(estimated)
    sigma = f"σ = {source.blind_spot:g}"
    if estimated[2] is None:
        sigma += " (not identified: the default, assumed)"
    return (
        f"\n- **{as_text(source.name)}**: ε = {source.error_rate:.4f}, {sigma}, the quality "
        f"{as_text(estimated[3])}; cost, pace and workforce are the table's defaults (assumptions: "
        f"${source.cost_per_label:g} and {source.seconds_per_label:g} s a label, {source.workforce:g} "
        f"people × {source.hours_per_week:g} h/week)"
    )


REDUNDANCY_HELP = "Shrinks random error, not blind spots (shared by all labelers)"
LABELS_HELP = "From this source; each item is judged by the redundancy's number of labelers"


def programme_inputs(i: int) -> None:
    """Draw programme ``i``'s inputs; their values are in Session State under their link keys."""
    top = st.columns([2, 1.2], vertical_alignment="bottom")
    top[0].text_input(
        "Name",
        max_chars=controls.MAX_NAME,
        **controls.STORE.control(view.key(i, "name")),
        help="A label for this programme in the results and charts. "
        f"Share-link key: `{view.key(i, 'name')}`.",
    )
    top[1].segmented_control(
        "Aggregation",
        view.AGGREGATIONS,
        format_func=view.aggregation_name,
        required=True,
        **controls.STORE.control(view.key(i, "agg")),
        help="How two sources' labels combine. **pooled**: every label counts the same (a plain "
        "reward model). **weighted**: each source's labels weighted by the log-odds of its "
        "reliability on ordinary items, q̄ = (1 − σ)(1 − ε_r) + σ·(1 − φ_r), which an aggregator can "
        "estimate (Dawid–Skene, a calibration set); a source this competitor fools more often than "
        "not (q < ½) keeps its weight and pulls the wrong way. "
        f"**{AGGREGATION_LABELS['oracle']}**: it reads a q < ½ source backwards, so it only bounds "
        f"what aggregation could do. Share-link key: `{view.key(i, 'agg')}`.",
    )
    # One row of three columns, source A above source B in each (inputs of one height line up).
    row = st.columns([2, 1.6, 1], vertical_alignment="bottom")
    for slot in ("a", "b"):
        source = row[0].selectbox(
            f"Source {slot.upper()}",
            SOURCE_CHOICES if slot == "a" else (view.NONE, *SOURCE_CHOICES),
            format_func=view.source_name,
            **controls.STORE.control(view.key(i, slot)),
            help=SOURCE_CHOICES_HELP
            + ("\n\n'— none —': a one-source programme." if slot == "b" else "")
            + f"\n\nShare-link key: `{view.key(i, slot)}`.",
        )
        inputs = {
            "n": (row[1], "labels", f"Labels from {slot.upper()}", LABELS_HELP),
            "r": (row[2], "redundancy", "Per item", REDUNDANCY_HELP),
        }
        for field, (column, name, label, more) in inputs.items():
            q, key = QUANTITIES[name], view.key(i, field + slot)
            column.number_input(
                label,
                min_value=q.control_low,
                max_value=q.control_high,
                step=q.step,
                format="%.0f",
                **controls.STORE.control(key),
                disabled=source == view.NONE,
                help=f"{q.help} In {q.range_text}. {more}. Share-link key: `{key}`.",
            )


# --- the programmes -----------------------------------------------------------------------------

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
if shown is None:  # an empty link value gets past required=True
    shown = view.MAX_PROGRAMMES
    state.add_page_link_notes(
        [f"`n_prog`={state.quote(st.query_params.get('n_prog', ''))}: not 1 to 4; shows 4"]
    )
hidden = controls.hidden(shown)
restored = controls.STORE.restore(st.session_state, controls.ALL_DEFAULTS, st.query_params, hidden)
state.add_page_link_notes(restored.notes)
values = restored.values
# The source estimated from the user's labels joins the presets while estimates are applied (the
# Your labels page's button, a scenario import, or the link's `est`).
estimated = estimate_view.estimated_source(st.session_state.get(estimate_view.APPLIED_KEY))
SOURCE_CHOICES = PRESET_KEYS if estimated is None else (*PRESET_KEYS, view.YOUR_LABELS)
SOURCE_CHOICES_HELP = SOURCE_HELP + ("" if estimated is None else estimated_help(estimated))
stale = controls.stale_sources(values, estimated)
if stale:
    controls.STORE.forget(st.session_state, stale)
    values = {**values, **{key: controls.ALL_DEFAULTS[key] for key in stale}}
    state.add_page_link_notes(
        [
            f"{state.quote(key)}={state.quote(view.YOUR_LABELS_NAME)}: no estimates from your labels "
            f"came with the link; kept the default {view.source_name(controls.ALL_DEFAULTS[key])}"
            for key in stale
        ]
    )
# The inputs are built only while their expander is open, and then only the open programme's
# (see aliquant_app/programme_controls.py): the table below shows every programme either way.
editor = st.expander(
    "Edit the programmes: sources, labels, labelers per item",
    icon=":material/edit:",
    key="prog_edit",
    on_change="rerun",
)
if editor.open:
    with editor:
        edit_tabs = st.tabs(
            [f"Programme {i}" for i in range(1, shown + 1)],
            key="prog_tab",
            bind="query-params",
            on_change="rerun",
        )
        for i, tab in enumerate(edit_tabs, start=1):
            if tab.open:
                controls.STORE.mount(st.session_state, values, controls.defaults(i))
                with tab:
                    programme_inputs(i)
programmes = tuple(controls.spec_of(values, i, estimated) for i in range(1, shown + 1))
controls.STORE.write_link(st.query_params, controls.STORE.wanted_link(values, controls.ALL_DEFAULTS, hidden))

compared = view.comparison(programmes, **model)
results = compared["results"]
st.markdown(compared["markdown"])
st.caption(
    "P_align: probability of outer alignment under the sidebar's threat model (the core's "
    "programme_p_align; competitors' contests treated as independent, which on one shared dataset "
    "is a lower bound). The truth under the model lies between it and P₁, the chance of winning one "
    "contest; the Bonferroni bound holds under any dependence. "
    "Regime: whether scaling the programme up drives P_align to 1 (quantity can fix this) or to 0. "
    "Dollars = Σ labels × labelers per item × cost per label; labeler-hours likewise with seconds per "
    "label; calendar weeks until the slowest source is done, sources in parallel. OOM: "
    "log₁₀(programme ÷ reference), +1 is ten times the reference's comparisons (labels count items, "
    "not judgements; InstructGPT's range by its geometric middle). Figures and sources: Method page."
)

csv_button(
    st,
    "CSV of this table",
    functools.partial(view.comparison_csv, programmes, settings),
    file_name="aliquant_programmes_table.csv",
    key="csv_comparison",
    help="The table's figures as numbers: one row per programme, with the settings.",
)

# One section at a time is built and sent (a stateful tab set); the link holds which is open.
section_tabs = st.tabs(list(view.SECTIONS.values()), key="prog_view", bind="query-params", on_change="rerun")
section = next(
    (name for name, tab in zip(view.SECTIONS, section_tabs, strict=True) if tab.open),
    next(iter(view.SECTIONS)),
)

# --- the sections ---------------------------------------------------------------------------------


def cost_section() -> None:
    """P_align of every programme scaled over a budget range, against dollars, hours or weeks."""
    controls.STORE.mount(st.session_state, values, ("budgets", "budget_axis"))
    low, high = st.select_slider(
        "Budget range",
        options=view.BUDGET_STEPS,
        # The value comes from the store (mounted above); AppTest needs the default given too.
        value=controls.SECTION_DEFAULTS["budgets"],
        format_func=view.budget_label,
        **controls.STORE.control("budgets"),
        help="Each programme is scaled to budgets across this range (61 log-spaced points), keeping "
        "its sources' shares of the spend and their redundancies (the core's budget_curve). "
        "Share-link key: `budgets`.",
    )
    if low >= high:
        st.warning("Choose a budget range wider than one step.")
        return
    free = [name for (name, _, _), result in zip(programmes, results, strict=True) if result["dollars"] <= 0]
    if free:
        shown_names = ", ".join(markdown_text(name) for name in free)
        st.caption(f"Not drawn (costs nothing, so it cannot be scaled to a budget): {shown_names}.")
    axis = st.segmented_control(
        "Against",
        tuple(view.AXIS_NAMES),
        required=True,
        format_func=view.axis_name,
        **controls.STORE.control("budget_axis"),
        help="The cost on the chart's x axis: US dollars, labeler-hours, or calendar weeks until "
        "the slowest source is done. Share-link key: `budget_axis`.",
    )
    figure = view.budget_chart(programmes, low, high, axis, target=target, **model)
    draw_chart(figure, "budget_chart", png=f"programmes_{axis}")
    st.caption(
        f"Lines: each programme scaled over {view.budget_label(low)} to {view.budget_label(high)}; "
        f"dots: the programmes as set; dotted steps: the Pareto frontier across all curves (no "
        f"point is both cheaper in {view.axis_name(axis).lower()} and likelier to align)."
    )
    csv_button(
        st,
        "CSV of this chart",
        functools.partial(view.budget_csv, programmes, low, high, axis, settings),
        file_name=f"aliquant_programmes_{axis}.csv",
        key="csv_budget",
        help=f"This chart's data: every programme's points, {view.axis_name(axis).lower()}, P_align, "
        "its bound, whether each is on the Pareto frontier, and the settings.",
    )


def _load_cheapest(found: dict) -> None:
    """Callback: put the cheapest programme into programme 4's controls."""
    s = st.session_state
    i = view.MAX_PROGRAMMES
    s["n_prog"] = view.MAX_PROGRAMMES
    loaded = {view.key(i, "name"): "Cheapest", view.key(i, "agg"): found["aggregation"]}
    spec = list(found["spec"]) + [(view.NONE, 0.0, 1)] * (2 - len(found["spec"]))
    for slot, (preset, labels, redundancy) in zip("ab", spec, strict=True):
        loaded[view.key(i, slot)] = preset
        loaded[view.key(i, f"n{slot}")] = float(labels)
        loaded[view.key(i, f"r{slot}")] = float(redundancy)
    controls.STORE.assign(s, loaded)


def cheapest_section() -> None:
    """The core's cheapest programme reaching P*, searched on request."""
    st.caption(f"The target P* = {target:g} is the sidebar's.")
    in_use = tuple(p for p in PRESET_KEYS if any(p == s for _, _, spec in programmes for s, _, _ in spec))
    controls.STORE.mount(st.session_state, values, ("cheap_pool", "cheap_agg"))
    inputs = st.columns([1.4, 1, 1.3], vertical_alignment="bottom")
    pool = inputs[0].segmented_control(
        "Among",
        ("presets", "in_use"),
        required=True,
        format_func=view.pool_label,
        **controls.STORE.control("cheap_pool"),
        help="Candidate sources: every preset, or only those the programmes above use. The core tries "
        "each source at 1, 3, 5, 7 and 9 labelers per item and every pair of sources at the best split. "
        "Share-link key: `cheap_pool`.",
    )
    cheap_aggregation = inputs[1].segmented_control(
        "Mixes",
        view.AGGREGATIONS,
        format_func=view.aggregation_name,
        required=True,
        **controls.STORE.control("cheap_agg"),
        help="How two-source candidates combine their labels (see a programme's Aggregation). "
        "Share-link key: `cheap_agg`.",
    )
    candidates = PRESET_KEYS if pool == "presets" else in_use
    request = (target, candidates, cheap_aggregation, tuple(sorted(model.items())))
    if inputs[2].button(
        "Find the cheapest programme",
        key="cheap_go",
        type="primary",
        icon=":material/search:",
        disabled=not candidates,
        help="Searches single sources and two-source mixes for the cheapest programme reaching P* "
        "under the current assumptions (the core's cheapest_programme; about a second, then cached).",
    ):
        st.session_state["_programmes_cheapest"] = request

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
                cost = calls.evaluate_programme(found["spec"], found["aggregation"], **model)
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
                st.markdown(
                    f"**{view.describe(found['spec'], found['aggregation'])}** (labels × labelers per item)"
                )
                st.button(
                    f"Put it in programme {view.MAX_PROGRAMMES}",
                    key="cheap_load",
                    on_click=_load_cheapest,
                    args=(found,),
                    icon=":material/input:",
                    help=f"Replace programme {view.MAX_PROGRAMMES} above with this one, to compare it "
                    "and see its curves.",
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
            csv_button(
                st,
                "CSV of the candidates",
                functools.partial(view.cheapest_csv, found, {**settings, "aggregation": cheap_aggregation}),
                file_name="aliquant_cheapest_programme.csv",
                key="csv_cheapest",
                help="Every candidate the search tried, cheapest first: the dollars it needs to reach P*, "
                "which one is the cheapest, and the settings.",
            )


def split_section() -> None:
    """The best split of a budget between two sources."""
    controls.STORE.mount(st.session_state, values, ("split_a", "split_b", "split_budget", "split_agg"))
    row = st.columns([1.3, 1.3, 1, 1], vertical_alignment="bottom")
    split_a = row[0].selectbox(
        "Source A",
        SOURCE_CHOICES,
        format_func=view.source_name,
        **controls.STORE.control("split_a"),
        help=SOURCE_CHOICES_HELP + "\n\nShare-link key: `split_a`.",
    )
    split_b = row[1].selectbox(
        "Source B",
        SOURCE_CHOICES,
        format_func=view.source_name,
        **controls.STORE.control("split_b"),
        help=SOURCE_CHOICES_HELP + "\n\nShare-link key: `split_b`.",
    )
    budget = row[2].number_input(
        "Budget (US$)",
        min_value=1.0,
        max_value=1e11,
        step=5_000.0,
        format="%.0f",
        **controls.STORE.control("split_budget"),
        help="The budget to split, US dollars, 1 to 1e11 (one label per item; the core's best_split "
        "and budget_split_curve). Share-link key: `split_budget`.",
    )
    split_aggregation = row[3].segmented_control(
        "Aggregation",
        view.AGGREGATIONS,
        format_func=view.aggregation_name,
        required=True,
        **controls.STORE.control("split_agg"),
        help="How the two sources' labels combine (see a programme's Aggregation). "
        "Share-link key: `split_agg`.",
    )
    if split_a == split_b:
        st.info("Choose two different sources to split a budget between.", icon=":material/info:")
    else:
        # The source from the user's labels goes to the cached calls as its numbers.
        split_a, split_b = (estimated if key == view.YOUR_LABELS else key for key in (split_a, split_b))
        name_a, name_b = view.source_name(split_a), view.source_name(split_b)
        data = view.split(split_a, split_b, budget, split_aggregation, **model)
        best = data["best"]
        with st.container(key="split_metrics"):
            cols = st.columns(4)
            cols[0].metric(
                "Best share to A",
                f"{100 * best['share_a']:.2f}%",
                help=f"Share of the budget spent on A ({name_a}) that maximises P_align (the core's "
                "best_split: 201 shares, then 201 more around the best).",
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
        draw_chart(
            view.split_chart(split_a, split_b, budget, split_aggregation, target=target, **model),
            "split_chart",
            png="budget_split",
        )
        left, right = st.columns([4.2, 1], vertical_alignment="center")
        left.caption(
            "P_align against the share of the budget spent on A, the rest on B (whole items; the change "
            "is unspent); star: the best split. Where P_align is flat at 0 or 1 every split in the flat "
            "stretch is equally good, and the core reports the first."
        )
        csv_button(
            right,
            "CSV",
            functools.partial(view.split_csv_for, split_a, split_b, budget, split_aggregation, settings),
            file_name="aliquant_budget_split.csv",
            key="csv_split",
            help="This chart's data: P_align and its bound at each share, the best split, and the settings.",
        )


with section_tabs[list(view.SECTIONS).index(section)]:
    {"cost": cost_section, "cheapest": cheapest_section, "split": split_section}[section]()

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
