"""Check by simulation: the analytic P₁ and P_align against a simulation of the model's own assumptions.

Three checks of the sidebar's scenario (model brief, "Checking the model against its own
assumptions"): the formula against direct simulation, fixed against binomial informative labels,
and a Bradley–Terry reward model against counting. Each verdict comes from the core
(``aliquant_core.simulate.check``): where the sidebar's programme cannot be resolved (its interval
too wide to tell the formula from a meaningfully different one) the page says so and checks at
the core's resolvable point instead. The first two run live (milliseconds); the
learner fits one model per dataset and waits for its Run button (seconds; see
``aliquant_app/simulation_view.py`` for the timings).
"""

from __future__ import annotations

import functools

import streamlit as st

import aliquant_core as core
from aliquant_app import calls, state
from aliquant_app import simulation_view as view
from aliquant_app.formatting import count, probability
from aliquant_app.layout import header
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_app.widgets import arrow_table, markdown_table, seed_input, whole_number_input

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

assumptions = state.current()
threat = assumptions.threat
error_rate = assumptions.error_rate

st.caption(
    "The model's formulas are exact only if its own assumptions hold and the code is right. Here "
    "each dataset is drawn as the model describes the labelling, many times over, and the share "
    "of datasets that favour the aligned policy is set against the formula, with a 99% Wilson "
    "interval for the simulation's own sampling error."
)

# --- controls -----------------------------------------------------------------------------------

where, trials_column, seed_column = st.columns([1.4, 1, 1], vertical_alignment="bottom")
resolvable = where.toggle(
    "Check at a resolvable point",
    value=False,
    key="sim_resolvable",
    bind="query-params",
    help="Off: check the sidebar's programme, and where its check cannot resolve (the interval too "
    "wide to tell the formula from a meaningfully different one), check at a resolvable point "
    "instead. On: always check at the resolvable point: a label count where P₁ (one competitor) is "
    "near 0.9 (0.1 if labels favour the competitor) and a few competitors, so that P_align is "
    "near ½, the rest as in the sidebar. Share-link key: `sim_resolvable`.",
)
trials = whole_number_input(
    trials_column,
    "Trials",
    min_value=view.TRIALS_MIN,
    max_value=view.TRIALS_MAX,
    value=20_000,
    step=10_000,
    key="sim_trials",
    help=f"Simulated datasets, {view.TRIALS_MIN:,} to {view.TRIALS_MAX:,}. 20,000 take a few "
    "milliseconds and resolve P₁ to about ±0.005 near 0.9; 1,000,000 take about 0.5 s and "
    "resolve differences of 1e-3. Share-link key: `sim_trials`.",
)
seed = seed_input(
    seed_column,
    key="sim_seed",
    help="Seed of the random generator: the same seed gives the same numbers. Share-link key: `sim_seed`.",
)
draw_column, redundancy_column, _ = st.columns([1.4, 1, 1], vertical_alignment="bottom")
per_labeler = draw_column.toggle(
    "Draw every labeler",
    value=False,
    key="sim_per_labeler",
    bind="query-params",
    help="Off: each trial's label counts are drawn as binomials through the majority's error rate "
    "ε_r (exact, and fast at any N). On: every item (blind spot or not) and every labeler's vote is "
    "drawn and the majority taken; blind spots are shared, so inside one every labeler is fooled "
    "and the majority is right only by a majority of errors. A check of the ε_r formula, for up to "
    "200 million draws (trials × m × (1 + r)). Share-link key: `sim_per_labeler`.",
)
r_quantity = core.QUANTITIES["redundancy"]
redundancy = whole_number_input(
    redundancy_column,
    "Labelers per item",
    min_value=int(r_quantity.low),
    max_value=int(r_quantity.high),
    value=int(r_quantity.default),
    step=1,
    key="sim_redundancy",
    help=f"{r_quantity.describe()} Counting, the per-labeler draw and the learner all use it. "
    "Share-link key: `sim_redundancy`.",
)

vote_error = float(core.redundant_error_rate(error_rate, redundancy))


def fits(n: float) -> bool:
    return view.per_labeler_fits(n, threat["footprint"], redundancy, trials)


settings = {"error_rate": error_rate, "trials": trials, "seed": seed, "redundancy": redundancy}
programme = view.run_simulation(
    assumptions.labels,
    **settings,
    **threat,
    informative="fixed",
    per_labeler=per_labeler and fits(assumptions.labels),
)
# Where the programme's check cannot resolve (or on request) check where it can, and say so.
labels, checked_threat = assumptions.labels, dict(threat)
at_point = resolvable or programme["verdict"] == "unresolvable"
if at_point:
    point = view.resolvable(
        error_rate=error_rate, labels=assumptions.labels, redundancy=redundancy, trials=trials, **threat
    )
    labels = point["labels"]
    checked_threat.update(competitors_log10=point["competitors_log10"], prior_bits=point["prior_bits"])
    k_checked = round(10 ** point["competitors_log10"])
    if programme["verdict"] == "unresolvable":
        p1_check, align_check = programme["p_single_check"], programme["p_align_check"]
        why = (
            f"At the sidebar's programme the check cannot resolve: P₁'s interval spans "
            f"[{p1_check['estimate']['low']:.6g}, {p1_check['estimate']['high']:.6g}] and P_align's "
            f"[{align_check['estimate']['low']:.6g}, {align_check['estimate']['high']:.6g}], too wide "
            f"to tell the formula from one with 1 − P₁ changed by {core.simulate.RESOLUTION:.0%}, so "
            "no verdict is given there. "
        )
    else:
        why = f"The sidebar's programme's check: {view.VERDICT_WORDS[programme['verdict']]}. "
    st.info(
        why + f"Checked instead at N = {count(labels)} and K_eff = {k_checked} (the sidebar's other "
        f"values): {point['reason']}.",
        icon=":material/my_location:",
    )
where_text = (
    f"the sidebar's programme, N = {count(labels)}"
    if not at_point
    else f"N = {count(labels)}, K_eff = {k_checked}, the resolvable point (the sidebar's programme has "
    f"N = {count(assumptions.labels)})"
)
per_labeler_here = per_labeler and fits(labels)
if per_labeler and not per_labeler_here:
    st.warning(
        f"Drawing every labeler here would take more than {view.MAX_ELEMENTS:,} draws (trials × m × "
        "(1 + r)): counts are drawn instead. Use fewer trials or check at the resolvable point.",
        icon=":material/hourglass_disabled:",
    )
shared = {**settings, **checked_threat, "per_labeler": per_labeler_here}
csv_settings = {"labels": float(labels), **shared}
analytic = calls.evaluate(labels, error_rate=vote_error, **checked_threat)
log10_gap = analytic["effective_competitors_log10"] + analytic["log10_single_failure"]
p1_text = probability(analytic["p_single"], analytic["single_failure"], analytic["log10_single_failure"])
p_align_text = probability(analytic["p_align"], analytic["p_misalign"], log10_gap)
m = analytic["informative_labels"]
k_eff_log10 = analytic["effective_competitors_log10"]
k_eff_text = f"{10**k_eff_log10:.4g}" if k_eff_log10 < 4 else f"10^{k_eff_log10:.3g}"

fixed = programme if not at_point else view.run_simulation(labels, **shared, informative="fixed")
restored_learner = view.LEARNER.restore(st.session_state, view.LEARNER_DEFAULTS, st.query_params)
state.add_page_link_notes(restored_learner.notes)
learner_values = restored_learner.values

SECTIONS = {
    "formula": "1. The formula against a simulation of its assumptions",
    "binomial": "2. Fixed m against m ~ Binomial(N, f)",
    "learner": "3. A Bradley–Terry reward model against counting",
}


def interval_chart_with_csv(column, rows: list, name: str, file_stub: str, settings: dict) -> None:
    """An interval chart in ``column`` (key ``<name>_chart``) and, below it, its data as CSV
    (key ``<name>_csv``, written on click)."""
    draw_chart(view.interval_chart(rows), f"{name}_chart", where=column)
    csv_button(
        column,
        "CSV",
        functools.partial(view.rows_csv, rows, settings),
        file_name=f"aliquant_{file_stub}.csv",
        key=f"{name}_csv",
        help="This chart's data: each simulated value with its 99% interval and the value it is "
        "checked against, and the settings (model, labels, trials, seed).",
    )


def formula_section() -> None:
    """The analytic P₁ and P_align against the simulation, with 99% intervals."""
    drawn = "every labeler's vote drawn" if fixed["per_labeler"] else "label counts drawn"
    st.caption(
        f"At {where_text}: m = {count(m)} informative labels, q = {analytic['label_win_prob']:.4f}, "
        f"K_eff = {k_eff_text}, r = {redundancy} per item ({drawn})."
    )
    rows = [
        view.row("P₁ (one competitor)", fixed["p_single"], fixed["analytic_p_single"], "analytic P₁"),
        view.row("P_align = P₁^K_eff", fixed["p_align"], fixed["analytic_p_align"], "analytic P_align"),
    ]
    table = [
        {
            "": "P₁",
            "analytic": p1_text,
            "simulated [99% interval]": view.estimate_text(fixed["p_single"]),
            "verdict": view.VERDICT_WORDS[fixed["p_single_check"]["verdict"]],
        },
        {
            "": "P_align",
            "analytic": p_align_text,
            "simulated [99% interval]": view.estimate_text(fixed["p_align"]),
            "verdict": view.VERDICT_WORDS[fixed["p_align_check"]["verdict"]],
        },
    ]
    if fixed["p_align_direct"] is not None:
        direct = fixed["p_align_direct"]
        rows.append(
            view.row(
                "P_align, competitors drawn one by one", direct, fixed["analytic_p_align"], "analytic P_align"
            )
        )
        table.append(
            {
                "": "P_align (direct)",
                "analytic": p_align_text,
                "simulated [99% interval]": view.estimate_text(direct),
                "verdict": view.VERDICT_WORDS[fixed["p_align_direct_check"]["verdict"]],
            }
        )
    verdict = fixed["verdict"]

    top = st.columns(3)
    top[0].metric(
        "Analytic P₁",
        p1_text,
        help="The model's P₁ = P(W > m/2) + ½·P(W = m/2), W ~ Binomial(m, q) (aliquant_core.p_align).",
    )
    top[1].metric(
        "Analytic P_align",
        p_align_text,
        help="The model's P_align = P₁^K_eff (aliquant_core.p_align) at the checked point: the "
        "Overview's headline where the sidebar's programme is checked.",
    )
    top[2].metric(
        "Verdict",
        view.VERDICT_WORDS[verdict],
        help="Agrees: every analytic value lies inside the simulation's 99% Wilson interval, and "
        "at least one interval is narrow enough to exclude the values a model with 1 − P₁ (or P₁, "
        f"below ½) changed by {core.simulate.RESOLUTION:.0%} would give, so the check could have "
        "failed. Disagrees: an analytic value lies outside its interval (by chance alone about "
        "once in a hundred seeds for a correct formula). Cannot resolve: every interval is too wide "
        "to tell, and no verdict is given.",
    )
    if verdict == "agrees":
        st.success(
            "**Agrees:** every analytic value lies in the simulation's 99% interval, and at least one "
            "interval (each row's verdict says which) would have excluded a model with its tail changed "
            f"by {core.simulate.RESOLUTION:.0%}.",
            icon=":material/check_circle:",
        )
    elif verdict == "disagrees":
        st.error(
            "**Disagrees:** an analytic value lies outside the simulation's 99% interval. A correct "
            "formula does so for about one seed in a hundred; try another seed before suspecting the "
            "formula.",
            icon=":material/error:",
        )
    else:
        st.warning(
            "**Cannot resolve:** " + fixed["reason"] + ". Use more trials or switch on *Check at a "
            "resolvable point*.",
            icon=":material/help:",
        )
    chart_column, text_column = st.columns([1, 1])
    interval_chart_with_csv(chart_column, rows, "sim_formula", "simulation_formula", csv_settings)
    with text_column:
        st.markdown(markdown_table(table, right=["analytic", "simulated [99% interval]"]))
        st.caption(
            "**What this shows:** each trial draws, for each of the m informative labels, whether it lies "
            "in a blind spot (chance h) and whether the majority of its r labelers errs (chance ε_r; with "
            "*Draw every labeler* each vote is drawn, and inside a blind spot every labeler is fooled), "
            "and counts whether most favour the aligned policy. If the formula and the code are right, "
            "the analytic P₁ lands inside the 99% interval for 99 seeds in 100. P_align is P₁ raised to "
            "K_eff, interval ends too, so it checks the arithmetic, not the independence of the "
            "competitors."
        )
        st.caption(
            f"**When it can fail:** an interval resolves the check where it is narrower than the "
            f"distance from the analytic value to the values with 1 − P₁ (or P₁, below ½) changed by "
            f"{core.simulate.RESOLUTION:.0%}. A simulation cannot see failures rarer than about one "
            "in its number of trials, and raising an interval for P₁ near 1 to K_eff = 10²⁰ stretches "
            "it over [0, 1]: there the page says it cannot resolve and checks at a resolvable point."
        )


def binomial_section() -> None:
    """The model's fixed m against m drawn in each trial."""
    binomial = view.run_simulation(labels, **shared, informative="binomial")
    d, d_low, d_high = view.difference(binomial["p_single"], fixed["p_single"])
    rows_m = [
        view.row(
            f"P₁, m fixed at round(f·N) = {count(m)}",
            fixed["p_single"],
            fixed["analytic_p_single"],
            "analytic P₁ (fixed m)",
        ),
        view.row(
            "P₁, m ~ Binomial(N, f) in each trial",
            binomial["p_single"],
            fixed["analytic_p_single"],
            "analytic P₁ (fixed m)",
        ),
    ]
    chart_column, text_column = st.columns([1, 1])
    interval_chart_with_csv(chart_column, rows_m, "sim_binomial", "simulation_binomial_m", csv_settings)
    with text_column:
        st.metric(
            "Binomial − fixed, P₁",
            f"{d:+.4f}",
            help="Difference of the two simulated P₁, with a 99% interval (Newcombe's hybrid score "
            "interval from the two Wilson intervals).",
        )
        st.caption(
            f"99% interval [{d_low:+.4f}, {d_high:+.4f}]; the analytic P₁ (fixed m) against the "
            "binomial simulation: " + view.VERDICT_WORDS[binomial["p_single_check"]["verdict"]] + "."
        )
        st.caption(
            "**What this shows:** the model fixes the informative labels at m = round(f·N), but in fact "
            "each situation falls in a competitor's footprint by chance, so m varies. Drawing it shows "
            "what that simplification costs: of order 1e-3 in P₁ at N in the hundreds to thousands, "
            "mostly from the parity of m (an even number of labels can tie), and nothing once P₁ is "
            "within 1/trials of 0 or 1. Resolving 1e-3 takes about a million trials."
        )


def learner_section() -> None:
    """A fitted Bradley–Terry reward model against counting, on request."""
    bt_column, run_column = st.columns([1, 1], vertical_alignment="bottom")
    view.LEARNER.mount(st.session_state, learner_values, view.LEARNER.keys)
    bt_trials = round(
        bt_column.number_input(
            "Datasets to fit",
            min_value=50.0,
            max_value=5_000.0,
            step=50.0,
            format="%.0f",
            **view.LEARNER.control("sim_bt_trials"),
            help="Independent simulated datasets, each with its own fitted reward model (50 to 5,000; "
            "the core's default is 500). Share-link key: `sim_bt_trials`.",
        )
    )
    comparisons = bt_trials * int(m)
    too_big = comparisons > view.BT_MAX_COMPARISONS
    seconds = comparisons * view.BT_SECONDS_PER_COMPARISON
    params = {
        "labels": labels,
        "error_rate": error_rate,
        **checked_threat,
        "redundancy": redundancy,
        "trials": bt_trials,
        "seed": seed,
    }
    clicked = run_column.button(
        "Run the learner",
        key="sim_bt_run",
        type="primary",
        icon=":material/play_arrow:",
        disabled=too_big or m == 0,
        width="stretch",
        help=f"Fits {bt_trials:,} reward models on {count(m)} comparisons each ({comparisons:,} in all, "
        f"about {max(seconds, 0.1):.1f} s plus the optimiser's overhead). Runs only when pressed.",
    )
    if clicked:
        st.session_state["_sim_bt_params"] = params
    if m == 0:
        st.info("No informative labels (m = 0): there is nothing to fit.", icon=":material/info:")
    elif too_big:
        st.warning(
            f"{bt_trials:,} datasets × {count(m)} comparisons = {comparisons:,} comparisons to fit, more "
            f"than this page's {view.BT_MAX_COMPARISONS:,} (about 20 s). Use fewer datasets, or switch on "
            "*Check at a resolvable point* above.",
            icon=":material/hourglass_disabled:",
        )
    elif st.session_state.get("_sim_bt_params") == params:
        with st.spinner("Fitting reward models…"):
            bt = view.run_bradley_terry(**params)
        learned, counted = bt["ranked_above"], bt["counting_simulated"]
        rows_bt = [
            view.row(
                "learned reward ranks the aligned policy first",
                learned,
                bt["counting_p_single"],
                "analytic P₁ (counting)",
            ),
            view.row(
                "counting on the same datasets", counted, bt["counting_p_single"], "analytic P₁ (counting)"
            ),
        ]
        chart_column, text_column = st.columns([1, 1])
        learner_settings = {**params, "labels": float(labels)}
        interval_chart_with_csv(chart_column, rows_bt, "sim_bt", "simulation_learner", learner_settings)
        with text_column:
            st.dataframe(
                arrow_table(
                    [
                        {"": "learner, P₁", "value [99% interval]": view.estimate_text(learned)},
                        {
                            "": "counting, same data",
                            "value [99% interval]": view.estimate_text(counted)
                            + f" ({view.VERDICT_WORDS[bt['counting_check']['verdict']]})",
                        },
                        {"": "counting, analytic P₁", "value [99% interval]": p1_text},
                        {
                            "": "learner, normal approx.",
                            "value [99% interval]": f"{bt['learner_normal_approximation']:.4f}",
                        },
                        {
                            "": "learner, P_align",
                            "value [99% interval]": view.estimate_text(bt["learned_p_align"]),
                        },
                        {"": "counting, P_align", "value [99% interval]": p_align_text},
                    ]
                ),
                hide_index=True,
                key="sim_bt_table",
                width="stretch",
            )
            theta = ", ".join(f"{v:.3g}" for v in bt["mean_coefficients"])
            limit = ", ".join(f"{v:.3g}" for v in bt["limit_coefficients"])
            st.caption(
                f"Mean fitted θ = ({theta}); large-sample limit ({limit}). "
                + ("" if bt["converged"] else "**The optimiser did not report convergence.**")
            )
    elif "_sim_bt_params" in st.session_state:
        st.caption("The settings changed since the last run: press **Run the learner** again.")
    st.caption(
        "**What this shows:** counting asks whether most informative labels favour the aligned policy; a "
        "real reward model is a learner. Here a Bradley–Terry model is fitted to each simulated dataset "
        f"(each label the majority of r = {redundancy}; features: blind spot or not, and an irrelevant "
        "one) and ranks the aligned policy first when its learned reward difference is positive. Both "
        "agree on the regime, but at finite m the learner weighs labels by fitted log-odds and is less "
        "reliable than counting near the knife-edge. **The learner is told which comparisons are blind "
        "spots** (a feature says so): this tests averaging log-odds against counting votes, not whether "
        "a reward model generalises or could find its labelers' blind spots, which a real one is not "
        "told. The verdict beside counting on the same datasets checks the simulation; the learner has "
        "no exact analytic value to be checked against."
    )


view.LEARNER.write_link(st.query_params, view.LEARNER.wanted_link(learner_values, view.LEARNER_DEFAULTS))
# One section at a time is built and sent (a stateful tab set); the link holds which is open.
section_tabs = st.tabs(list(SECTIONS.values()), key="sim_view", bind="query-params", on_change="rerun")
for name, tab in zip(SECTIONS, section_tabs, strict=True):
    if tab.open:
        with tab:
            {"formula": formula_section, "binomial": binomial_section, "learner": learner_section}[name]()

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
