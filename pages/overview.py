"""Overview: how likely is outer alignment for this programme, and what would it take."""

from __future__ import annotations

import functools
import math

import streamlit as st

from aliquant_app import calls, overview_view, programmes_view, state
from aliquant_app.formatting import count, probability, share
from aliquant_app.layout import header
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_core import PRESETS, REGIME_WORDING, anchors

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

#: How each regime's verdict is shown: its colour and icon (the words are the core's).
_VERDICT_STYLE = {
    "quantity_suffices": (st.success, ":material/trending_up:"),
    "no_quantity_suffices": (st.error, ":material/trending_down:"),
    "knife_edge": (st.warning, ":material/horizontal_rule:"),
}

assumptions = state.current()
quality, threat = assumptions.quality, assumptions.threat
n, target = assumptions.labels, assumptions.target

result = calls.evaluate(n, **quality, **threat)
needed = overview_view.required(target, **quality, **threat)
tolerance = overview_view.tolerances(target, n, error_rate=assumptions.error_rate, **threat)
q, regime = result["label_win_prob"], result["regime"]
k_eff = result["effective_competitors_log10"]

# log10 of K_eff·(1 − P₁): the complement of the Bonferroni bound, and of P_align where that is
# tiny; formed in log space, so it keeps its digits far below the float range.
log10_gap = k_eff + result["log10_single_failure"]
bound_gap = min(1.0, 10.0 ** min(0.0, log10_gap))

shared = calls.shared_dataset(n, assumptions.overlap, **quality, **threat)
headline = probability(result["p_align"], result["p_misalign"], log10_gap)
shared_text = probability(shared["p_align"], shared["p_misalign"])
bound_text = probability(result["p_align_lower_bound"], bound_gap, log10_gap)
one_contest = probability(result["p_single"], result["single_failure"], result["log10_single_failure"])
# Long values ("1 − 3.5e-12658") get a smaller font so they fit their column (see layout.py).
long_values = "long-" if max(len(headline), len(shared_text)) > 9 else ""

top = st.columns([1.25, 1.1, 1.1, 2.3], vertical_alignment="top")
top[0].container(key=f"{long_values}headline").metric(
    "P(outer alignment)",
    headline,
    help="P_align = P₁^K_eff: the probability that the labels favour the aligned policy over every "
    "effective competitor, treating their contests as independent. One dataset judges them all, so "
    "under the model this is a lower bound (Harris–FKG). Close to 1 it is written as "
    "1 − (chance of failure).",
)
top[1].container(key=f"{long_values}shared").metric(
    "On one shared dataset",
    shared_text,
    help=f"P_align when every competitor shares {assumptions.overlap:g} of its informative labels "
    "with every other (the overlap ρ in the sidebar): between the figure on the left (ρ = 0) and "
    "P₁, one contest for all (ρ = 1).",
)
top[2].metric(
    f"Labels for P* = {target:g}",
    count(needed),
    help="The smallest N with P_align ≥ P* (the core's required_labels); 'unreachable' when no "
    "quantity of labels of this quality gets there.",
)
with top[3].container(key="verdict"):
    details = f"q = {q:.4f}, h = {result['blind_share']:.3f}, log₁₀ K_eff = {k_eff:.1f}"
    # The wording is the regime's own (aliquant_core.REGIME_WORDING); the page picks its colour.
    show, icon = _VERDICT_STYLE[regime]
    show(f"{REGIME_WORDING[regime].verdict} {details}", icon=icon)
st.caption(
    f"**Range on one dataset:** {headline} (contests independent) to P₁ = {one_contest} (one "
    f"contest); at overlap ρ = {assumptions.overlap:g}, {shared_text}. Under any dependence: at least "
    f"{bound_text}.",
    help="One dataset judges every competitor, so the contests are positively correlated "
    "(Harris–FKG) and the truth lies in this range: see the Method page.",
)

if assumptions.agreement is not None:
    worst_label, worst_value, worst_name = "Lowest agreement", tolerance["min_agreement"], "agreement a"
    worst_text = share(worst_value) if math.isfinite(worst_value) else "none"
else:
    worst_label, worst_value, worst_name = "Highest error rate", tolerance["max_error_rate"], "error rate ε"
    worst_text = share(worst_value, 4) if math.isfinite(worst_value) else "none"
blind = tolerance["max_blind_spot"]
max_k = tolerance["max_competitors_log10"]
if math.isnan(max_k):
    max_k_text = "none"
elif math.isinf(max_k):
    max_k_text = "unbounded"
else:
    max_k_text = f"{max_k:,.1f}"
with st.container(key="tolerances"):
    tol = st.columns([1.25, 1.1, 1.1, 2.3], vertical_alignment="top")
    tol[0].metric(
        worst_label,
        worst_text,
        help=f"The worst {worst_name} with which {count(n)} labels still reach P* = {target:g}, the "
        "rest held fixed ('none': not even perfect labels reach it).",
    )
    tol[1].metric(
        "Largest blind spot",
        share(blind, 4) if math.isfinite(blind) else "none",
        help=f"The largest blind spot σ with which {count(n)} labels still reach P* = {target:g} "
        "('none': not even σ = 0 reaches it).",
    )
    tol[2].metric(
        "Largest log₁₀ K",
        max_k_text,
        help=f"The most competitors (log₁₀ K) that {count(n)} labels rule out with probability "
        f"{target:g} ('none': not even one; 'unbounded': labels never err).",
    )
    tol[3].caption(
        f"**Tolerances:** how bad each assumption may get, the others held fixed, for "
        f"{count(n)} labels to still reach P* = {target:g}. The URL holds every setting: copy it to "
        "share this view."
    )

# What collecting the N labels costs, priced as one labelling source (one labeler per item).
with st.container(key="programme_cost"):
    cost_row = st.columns([1.25, 1.1, 1.1, 2.3], vertical_alignment="bottom")
    source_key = cost_row[3].selectbox(
        "Priced as",
        tuple(PRESETS),
        index=tuple(PRESETS).index(overview_view.DEFAULT_COST_SOURCE),
        format_func=programmes_view.source_name,
        key="cost_source",
        bind="query-params",
        help="The labelling source whose price, seconds per comparison and workforce price the "
        f"{count(n)} labels, one labeler per item (presets; their sources are on the Method page). "
        "The default, InstructGPT-like contractors, matches the default quality. Share-link key: "
        "`cost_source`.",
    )
    source = PRESETS[source_key]
    cost = calls.evaluate_programme(((source_key, float(n), 1),), "pooled", **calls.programme_model(threat))
    cost_row[0].metric(
        "Dollars",
        programmes_view.dollars(cost["dollars"]),
        help=f"{count(n)} labels × ${source.cost_per_label:g} a label ({source.name}; the core's "
        "programme_cost).",
    )
    cost_row[1].metric(
        "Labeler-hours",
        programmes_view.hours(cost["labeler_hours"], unit=False),
        help=f"{count(n)} labels × {source.seconds_per_label:g} s a label / 3600.",
    )
    cost_row[2].metric(
        "Calendar weeks",
        programmes_view.weeks(cost["calendar_weeks"], unit=False),
        help=f"Labeler-hours / ({source.workforce:g} people × {source.hours_per_week:g} h a week), "
        f"{source.name}'s workforce.",
    )

quality_key, threat_key = tuple(sorted(quality.items())), tuple(sorted(threat.items()))
figure = overview_view.chart(n, target, quality_key, threat_key)
draw_chart(figure, "alignment_curve")

left, right = st.columns([4.2, 1], vertical_alignment="center")
skipped = overview_view.SKIPPED
seconds = anchors.ALPACAEVAL_HUMAN.seconds_per_label
hours_labels = overview_view.hours_labels()
left.caption(
    "Strip: published human comparisons (sources on the Method page); diamonds on the curve: "
    f"P_align at those counts with the quality set here. Dashed line: {anchors.FEW_HUNDRED_HOURS:g} "
    f"labeler-hours ≈ {count(hours_labels)} comparisons, assuming AlpacaEval's {seconds:g} s per "
    "comparison." + (f" Not drawn (no comparison count published): {', '.join(skipped)}." if skipped else "")
)
csv_button(
    right,
    "CSV",
    functools.partial(overview_view.chart_csv, quality_key, threat_key, assumptions.as_dict()),
    file_name="aliquant_p_align_curve.csv",
    key="overview_csv",
    help="The curve's data: P_align and its Bonferroni bound at each label count, with the settings.",
)

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
