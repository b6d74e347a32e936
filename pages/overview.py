"""Overview: how likely is outer alignment for this programme, and what would it take."""

from __future__ import annotations

import functools
import math

import streamlit as st

from aliquant_app import (
    answer,
    calls,
    class_controls,
    compare,
    overview_view,
    programmes_view,
    state,
    uncertainty_view,
)
from aliquant_app.formatting import as_text, count, plain_probability, probability, share
from aliquant_app.layout import header, metric_row
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_core import PRESETS, anchors

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

assumptions = state.current()
quality, threat = assumptions.quality, assumptions.threat
n, target = assumptions.labels, assumptions.target
extra = class_controls.current()  # competitor classes added beside the sidebar's own

result = calls.evaluate(n, **quality, **threat, classes=extra)
needed = overview_view.required(target, **quality, **threat, classes=extra)
tolerance = overview_view.tolerances(target, n, error_rate=assumptions.error_rate, **threat, classes=extra)
regime = result["regime"]
# With competitor classes, the per-competitor figures the answer explains are the binding class's
# (the one contributing most to misalignment); without, the sidebar's single class.
binding = next((c for c in result.get("classes", ()) if c["name"] == result.get("binding")), result)
q, k_eff = binding["label_win_prob"], binding["effective_competitors_log10"]
binding_threat = {
    **threat,
    **{name: binding[name] for name in ("competitors_log10", "footprint", "exploitation") if name in binding},
}

# log10 of K_eff·(1 − P₁): the complement of the Bonferroni bound, and of P_align where that is
# tiny; formed in log space, so it keeps its digits far below the float range.
log10_gap = result["log10_gap"]
bound_gap = min(1.0, 10.0 ** min(0.0, log10_gap))

shared = calls.shared_dataset(n, assumptions.overlap, **quality, **threat, classes=extra)
headline = probability(result["p_align"], result["p_misalign"], log10_gap)
shared_text = probability(shared["p_align"], shared["p_misalign"])
bound_text = probability(result["p_align_lower_bound"], bound_gap, log10_gap)
one_contest = probability(result["p_single"], result["single_failure"], result["log10_single_failure"])

# The plain answer comes first, but it quotes the price of the pricing source chosen further down:
# its slot is made here and filled once that control has been read.
answer_slot = st.container(key="answer", border=True)

# Uncertainty beside the answer: the Uncertainty page's 90% intervals (its defaults around the
# sidebar's values until a user changes one there; changed ones travel in the link).
point = {name: assumptions.as_dict()[name] for name in (*uncertainty_view.SPECS, "target")}
interval_defaults = uncertainty_view.interval_defaults(point)
restored = uncertainty_view.INTERVALS.restore(st.session_state, interval_defaults, st.query_params)
state.add_page_link_notes(restored.notes)
intervals = uncertainty_view.chosen_intervals(restored.values)
spread = None
if intervals:
    draws, seed = round(restored.values["unc_draws"]), round(restored.values["unc_seed"])
    spread = uncertainty_view.uncertainty_spread(
        tuple(intervals), tuple(point.items()), draws, seed, classes=extra
    )
    uncertainty_view.INTERVALS.write_link(
        st.query_params, uncertainty_view.INTERVALS.wanted_link(restored.values, interval_defaults)
    )

headline_words = plain_probability(result["p_align"], result["p_misalign"])
shared_words = plain_probability(shared["p_align"], shared["p_misalign"])
needed_words = "none suffice" if math.isinf(needed) else count(needed)


with st.container(key=metric_row("top", (headline_words, shared_words, needed_words))):
    top = st.columns([1.25, 1.1, 1.1, 2.3], vertical_alignment="top")
top[0].metric(
    "Chance of outer alignment",
    headline_words,
    help=f"Exactly: P_align = {headline}. P_align = P₁^K_eff: the probability that the labels favour "
    "the aligned policy over every effective competitor, treating their contests as independent. One "
    "dataset judges them all, so under the model this is a lower bound (Harris–FKG).",
)
top[1].metric(
    "On one shared dataset",
    shared_words,
    help=f"Exactly: {shared_text}. P_align when every competitor shares {assumptions.overlap:g} of its "
    "informative labels with every other (the overlap ρ in the sidebar): between the figure on the left "
    "(ρ = 0) and P₁, one contest for all (ρ = 1).",
)
top[2].metric(
    f"Labels for {100 * target:g}%",
    needed_words,
    help=f"The smallest number of labels N with P_align ≥ P* = {target:g} (the core's required_labels); "
    "'none suffice' when no quantity of labels of this quality gets there.",
)
if spread is None:
    top[3].caption(
        "**Uncertainty:** no assumption is given as an interval (switch some on in **Uncertainty**), so "
        "the figures here are for the sidebar's values only."
    )
else:
    levels = list(spread["quantile_levels"])
    low, high = (spread["p_align_quantiles"][levels.index(q)] for q in (0.05, 0.95))
    top[3].metric(
        "90% interval, allowing for uncertainty",
        f"{answer.short_probability(low)} to {answer.short_probability(high)}",
        help=f"The 5% and 95% quantiles of P_align over {draws:,} draws of the Uncertainty page's "
        f"intervals ({uncertainty_view.summary(intervals)}); the other assumptions at the sidebar's values.",
    )
    top[3].caption(
        f"No quantity of labels reaches {100 * target:g}% in **{spread['p_unreachable']:.0%}** of draws. "
        f"Intervals: {uncertainty_view.summary(intervals)} (change them in **Uncertainty**)."
    )
st.caption(
    f"**Range on one dataset:** {headline_words} (contests independent) to "
    f"{plain_probability(result['p_single'], result['single_failure'])} (one contest); at overlap "
    f"ρ = {assumptions.overlap:g}, {shared_words}. Under any dependence: at least "
    f"{plain_probability(result['p_align_lower_bound'], bound_gap)}. Labels favour the aligned "
    f"behaviour with chance q = {q:.4f} on a competitor's footprint (blind share h = "
    f"{binding['blind_share']:.3f}; log₁₀ K_eff = {k_eff:.1f})"
    + (f", in the binding class, {as_text(result['binding'])}." if extra else "."),
    help=f"Exactly: P_align = {headline} (contests independent), P₁ = {one_contest} (one contest), "
    f"{shared_text} at overlap ρ, Bonferroni bound {bound_text}. One dataset judges every competitor, "
    "so the contests are positively correlated (Harris–FKG) and the truth lies in this range: see the "
    "Method page.",
)

if assumptions.agreement is not None:
    worst_label, worst_value, worst_name = "Lowest agreement", tolerance["min_agreement"], "agreement a"
    worst_text = share(worst_value) if math.isfinite(worst_value) else "none reaches it"
else:
    worst_label, worst_value, worst_name = "Highest error rate", tolerance["max_error_rate"], "error rate ε"
    worst_text = share(worst_value, 4) if math.isfinite(worst_value) else "none reaches it"
blind = tolerance["max_blind_spot"]
max_k = tolerance["max_competitors_log10"]
if math.isnan(max_k):
    max_k_text = "not even one"
elif math.isinf(max_k):
    max_k_text = "any number"
else:
    max_k_text = f"10^{max_k:,.1f}"
blind_text = share(blind, 4) if math.isfinite(blind) else "none reaches it"
with st.container(key=metric_row("tolerances", (worst_text, blind_text, max_k_text))):
    tol = st.columns([1.25, 1.1, 1.1, 2.3], vertical_alignment="top")
    tol[0].metric(
        worst_label,
        worst_text,
        help=f"The worst {worst_name} with which {count(n)} labels still reach P* = {target:g}, the "
        "rest held fixed ('none reaches it': not even perfect labels do).",
    )
    tol[1].metric(
        "Largest blind spot",
        blind_text,
        help=f"The largest blind spot σ with which {count(n)} labels still reach P* = {target:g} "
        "('none reaches it': not even σ = 0 does).",
    )
    tol[2].metric(
        "Most competitors",
        max_k_text,
        help=f"The most competitors K that {count(n)} labels rule out with probability "
        f"{target:g}, as a power of ten (log₁₀ K; 'not even one': a single competitor is too many; "
        "'any number': labels never err).",
    )
    tol[3].caption(
        f"**Tolerances:** how bad each assumption may get, the others held fixed, for "
        f"{count(n)} labels to still reach P* = {target:g}."
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
        help="The labelling source whose price, seconds per comparison and workforce price every "
        f"programme on this page: the {count(n)} labels, the labels for P*, and the few-hundred-hours "
        "line (presets; their sources are on the Method page). The default, InstructGPT-like "
        "contractors, matches the default quality. Share-link key: `cost_source`.",
    )
    source = PRESETS[source_key]
    cost = overview_view.cost_of(source_key, float(n))
    cost_row[0].metric(
        f"Cost of {count(n)} labels",
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

# --- the plain answer, now that the pricing source is known ----------------------------------------
needed_cost = None
if math.isfinite(needed) and needed > 0:
    needed_cost = overview_view.cost_of(source_key, float(needed))
elif needed == 0:
    needed_cost = {"dollars": 0.0, "labeler_hours": 0.0, "calendar_weeks": 0.0}
flips = overview_view.flips(error_rate=assumptions.error_rate, **binding_threat)
fragile_name = flips["most_fragile"]
fragile = (
    (fragile_name, flips["values"][fragile_name], flips["flips"][fragile_name], flips["beyond"][fragile_name])
    if fragile_name
    else None
)
seconds = source.seconds_per_label
hours_labels = overview_view.hours_labels(seconds)
(hours_p,) = overview_view.evaluate_at((float(round(hours_labels)),), **quality, **threat, classes=extra)
rlhf = float(anchors.RLHF_REFERENCE.comparisons)
with answer_slot:
    st.markdown(
        answer.answer_markdown(
            labels=n,
            p_align=result["p_align"],
            p_misalign=result["p_misalign"],
            target=target,
            needed=needed,
            needed_cost=needed_cost,
            priced_as=source.name,
            regime=regime,
            split=answer.loss_split(assumptions.error_rate, binding["blind_share"], threat["fooled_rate"]),
            binding=result.get("binding") if extra else None,
            fragile=fragile,
        )
    )
    st.caption(
        answer.yardsticks_markdown(
            hours_goal=anchors.FEW_HUNDRED_HOURS,
            hours_labels=hours_labels,
            hours_p_align=hours_p,
            hours_p_misalign=1.0 - hours_p,
            seconds_per_label=seconds,
            priced_as=source.name,
            cheapest=overview_view.cheapest_single(target, classes=extra, **threat),
            target=target,
            labels=n,
            rlhf_low=rlhf / 100.0,
            rlhf_high=rlhf * 100.0,
            rlhf_name=anchors.RLHF_REFERENCE.name,
        )
    )

quality_key, threat_key = tuple(sorted(quality.items())), tuple(sorted(threat.items()))
pinned = compare.pinned()  # the A of an A/B comparison, drawn beside the sidebar's curve (B)
versus = None if pinned is None else (pinned.labels, *compare.model_key(pinned))
figure = overview_view.chart(n, target, quality_key, threat_key, source_key, versus, extra)
draw_chart(figure, "alignment_curve")

left, right = st.columns([4.2, 1], vertical_alignment="center")
skipped = overview_view.SKIPPED
left.caption(
    "Strip: published human comparisons (sources on the Method page); diamonds on the curve: "
    f"P_align at those counts with the quality set here. Dashed line: {anchors.FEW_HUNDRED_HOURS:g} "
    f"labeler-hours ≈ {count(hours_labels)} comparisons at {seconds:g} s each ({source.name}, the "
    "pricing source above)."
    + (f" Not drawn (no comparison count published): {', '.join(skipped)}." if skipped else "")
)
csv_button(
    right,
    "CSV",
    functools.partial(overview_view.chart_csv, quality_key, threat_key, assumptions.as_dict(), extra),
    file_name="aliquant_p_align_curve.csv",
    key="overview_csv",
    help="The curve's data: P_align and its Bonferroni bound at each label count, with the settings.",
)

compare.show_versus(assumptions)  # while A is pinned: the values that differ, and each headline

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
