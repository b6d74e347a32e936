"""Quality–quantity map: P_align over labels and error rate, with what it costs to get there."""

from __future__ import annotations

import functools

import streamlit as st

from aliquant_app import calls, class_controls, map_view, overview_view, state
from aliquant_app.formatting import count, probability, share
from aliquant_app.layout import header
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_core import PRESETS

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

assumptions = state.current()
if class_controls.current():  # the classes reach the Overview, Over time and Uncertainty only
    st.caption(
        "**Competitor classes:** the classes added in the sidebar are not drawn on this page; it "
        "shows the sidebar's own class alone (the Overview, Over time and Uncertainty pages use them all)."
    )
quality, threat = assumptions.quality, assumptions.threat
n, eps = assumptions.labels, assumptions.error_rate

levels_column, cost_column = st.columns([1.3, 2.7], vertical_alignment="bottom")
levels = levels_column.multiselect(
    "Contour lines at P_align",
    map_view.LEVEL_OPTIONS,
    default=list(map_view.DEFAULT_LEVELS),
    key="map_levels",
    bind="query-params",
    help="Probabilities of outer alignment to draw as lines. Each line is the core's "
    "`required_labels` at each error rate: the fewest labels that reach that probability.",
)
restored = map_view.COST_LAW.restore(st.session_state, map_view.COST_DEFAULTS, st.query_params)
state.add_page_link_notes(restored.notes)
cost_law = restored.values
# The cost law's controls are built only while their expander is open; the store keeps their
# values, and the link, either way (aliquant_app/linked.py).
box = cost_column.expander(
    "Iso-cost lines: cost law and budgets", icon=":material/paid:", key="map_cost_box", on_change="rerun"
)
if box.open:
    map_view.COST_LAW.mount(st.session_state, cost_law, map_view.COST_LAW.keys)
    with box:
        inputs = st.columns([1.25, 0.85, 1.4], vertical_alignment="top")
        inputs[0].selectbox(
            "Price anchored at",
            list(PRESETS),
            format_func=map_view.reference_label,
            **map_view.COST_LAW.control("map_cost_reference"),
            help="The preset whose price and error rate anchor the cost law c(ε) = c_ref·((½ − ε)/(½ − "
            "ε_ref))^γ. Crowdworkers' $0.30 is AlpacaEval's published price (anchors.md); the other "
            "presets' prices are assumptions (see the Programmes and Method pages).",
        )
        inputs[1].slider(
            "Cost-law exponent γ",
            min_value=0.0,
            max_value=4.0,
            step=0.1,
            format="%.1f",
            **map_view.COST_LAW.control("map_cost_gamma"),
            help="How steeply better labels cost more: price ∝ (½ − ε)^γ. γ = 0 is one price for every "
            "quality (iso-cost lines are vertical); γ = 2 (default, an assumption) follows the (1 − 2ε)⁻² "
            "growth of data needed under random label noise, so quality and quantity trade at par.",
        )
        inputs[2].multiselect(
            "Iso-cost lines at budgets",
            map_view.BUDGET_OPTIONS,
            format_func=map_view.budget,
            **map_view.COST_LAW.control("map_budgets"),
            help="Budgets in US dollars to draw as iso-cost lines: every (N, ε) that this budget buys "
            "under the cost law.",
        )
map_view.COST_LAW.write_link(st.query_params, map_view.COST_LAW.wanted_link(cost_law, map_view.COST_DEFAULTS))
reference, gamma, budgets = (cost_law[key] for key in map_view.COST_DEFAULTS)

result = calls.evaluate(n, **quality, **threat)
log10_gap = result["effective_competitors_log10"] + result["log10_single_failure"]
h = result["blind_share"]
spend = map_view.law_cost(n, eps, reference, gamma)
anchor = PRESETS[reference]

top = st.columns(4, vertical_alignment="top")
top[0].metric(
    "Programme's P_align",
    probability(result["p_align"], result["p_misalign"], log10_gap),
    help=f"P_align at the sidebar's {count(n)} labels and error rate ε = {eps:.4f}: the red ring on the map. "
    "Here and on the map P_align is P₁^K_eff, the competitors' contests treated as independent: a lower "
    "bound when one dataset judges them all (the Overview shows the range).",
)
top[1].metric(
    "Blind share h",
    share(h),
    help="h = σ + χ·(min(1, σ/f) − σ), the share of a competitor's footprint inside blind spots, "
    "from the sidebar's σ, f and χ. With the fooled rate φ it sets where no quantity suffices: "
    "q − ½ = (½ − ε) − h(φ − ε).",
)
flat = PRESETS[overview_view.DEFAULT_COST_SOURCE]
top[2].metric(
    "Its cost under the cost law",
    map_view.dollars(spend["dollars"]),
    help=f"{count(n)} labels at ${spend['price']:.4g} each: the cost law's price at ε = {eps:.4f}, "
    f"anchored at {anchor.name} (${anchor.cost_per_label:g} at ε = {anchor.error_rate:.4f}), "
    f"γ = {gamma:g}. The Overview prices the same labels at one source's flat price instead "
    f"(by default {flat.name}, ${flat.cost_per_label:g} a label: "
    f"{map_view.dollars(n * flat.cost_per_label)}); the law prices the error rate itself.",
)
top[3].metric(
    "Preset sources shown",
    str(len(PRESETS)),
    help="The preset labelling sources, drawn at their own error rates and the sidebar's labels. "
    "Hover for their P_align with the sidebar's blind spot and with their own.",
)

figure = map_view.map_chart(
    tuple(levels),
    tuple(budgets),
    reference,
    gamma,
    labels=n,
    error_rate=eps,
    p_align=result["p_align"],
    p_misalign=result["p_misalign"],
    **threat,
)
draw_chart(figure, "quality_quantity_map")

phi = threat["fooled_rate"]
edge_rate = map_view.grid(**threat)["edge_error_rate"]  # the cached grid's: the core's q at ε = 0, ½
relation = (
    f"A label on the competitor's footprint favours the aligned policy with q, where "
    f"q − ½ = (½ − ε) − h(φ − ε): the sidebar's blind share h = {h:.3f} and fooled rate φ = {phi:.4f} "
    "are held as ε moves, so more random error never helps."
)
if edge_rate is None:
    edge = (
        f"**Quantity suffices at every error rate shown.** {relation} With φ < ½ a fooled label is "
        "still more often right than wrong, so q > ½ even at ε = ½ and enough labels reach any "
        "target; random errors only cost labels."
    )
elif edge_rate == 0.0:
    edge = (
        f"**No quantity suffices anywhere on this map.** {relation} Here hφ = {h * phi:.3f} ≥ ½, so "
        "q ≤ ½ even at ε = 0: more labels make things worse and no contour can be drawn, and more "
        "error does not help either. Lower the blind spot or exploitation, or raise the footprint, "
        "to bring hφ below ½ (or question the fooled rate φ)."
    )
elif edge_rate == 0.5:
    edge = (
        f"**Where no quantity suffices.** {relation} Every error rate below ½ gives q > ½ and enough "
        "labels reach any target: the line beyond which no quantity suffices is the top edge, "
        "**ε = ½** (dashed red). Below it, random errors only cost labels."
    )
else:
    edge = (
        f"**Where no quantity suffices.** {relation} q = ½ at **ε = {edge_rate:.4f}** "
        "(= (½ − hφ)/(1 − h), dashed red): below it enough labels reach any target, each contour "
        "bending right as ε grows; above it labels favour the competitor and no quantity suffices."
    )
st.markdown(edge)
st.caption(
    f"**Two prices for one programme, side by side:** under the cost law (this page) "
    f"{map_view.dollars(spend['dollars'])}; at the flat price of {flat.name}, ${flat.cost_per_label:g} a "
    f"label (the Overview's default pricing), {map_view.dollars(n * flat.cost_per_label)}. They agree when "
    "the law is anchored at the pricing source and the sidebar's error rate is that source's."
)

left, right = st.columns([4.2, 1], vertical_alignment="center")
left.caption(
    f"Iso-cost lines (dotted) assume a **cost law**, not a measurement: price per label "
    f"c(ε) = c_ref·((½ − ε)/(½ − ε_ref))^γ, anchored at {anchor.name} "
    f"(${anchor.cost_per_label:g} per label at ε = {anchor.error_rate:.4f}, "
    f"{anchor.sourced('cost_per_label')}) with γ = {gamma:g}; better labels cost more, so a budget "
    "buys more labels the worse they are. Presets (diamonds) sit at their own error rates and the "
    "sidebar's labels; the whole map uses the sidebar's blind spot, footprint, exploitation and "
    f"competitors (log₁₀ K_eff = {result['effective_competitors_log10']:.1f}: the larger, the "
    "sharper the switch from 0 to 1 and the closer the contours)."
)
csv_button(
    right,
    "CSV",
    functools.partial(map_view.grid_csv_for, threat),
    file_name="aliquant_quality_quantity_map.csv",
    key="map_csv",
    help=f"The map's grid ({map_view.LABELS_POINTS} label counts × {map_view.ERROR_POINTS} error "
    "rates): P_align and its Bonferroni bound at each point, with the threat settings.",
)

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
