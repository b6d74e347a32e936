"""The Uncertainty and Check-by-simulation pages, run headless with ``streamlit.testing.v1.AppTest``.

Every expected number comes from the core (``aliquant_core.uncertainty``,
``aliquant_core.simulate``, ``aliquant_core.p_align``) called with the same inputs the page was
given, or from the defaults (``aliquant_core.quantities``), formatted with the app's own
formatter (``aliquant_app.formatting``) or the page's stated format.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import aliquant_core as core
from aliquant_app import formatting
from aliquant_app import simulation_view as sim_view
from aliquant_app import uncertainty_view as unc_view
from aliquant_core.quantities import THREAT, Assumptions
from aliquant_core.simulate import bradley_terry_check, resolvable_point, simulate_p_align
from aliquant_core.uncertainty import uncertainty

from .plotly_spec import chart_spec
from .tables import markdown_tables

APP = str(Path(__file__).resolve().parent.parent / "app.py")
UNCERTAINTY, SIMULATION = "pages/uncertainty.py", "pages/simulation.py"
#: The first run imports SciPy and Plotly; later runs take well under a second (the
#: Bradley–Terry fit at the default scenario takes a few seconds).
TIMEOUT = 60
DEFAULT = Assumptions().as_dict()
#: The page's point: every uncertain quantity and the target at the sidebar's defaults.
POINT = {name: DEFAULT[name] for name in (*unc_view.SPECS, "target")}


def run_page(page: str, query_params: dict | None = None) -> AppTest:
    """The app opened on its home page with ``query_params``, then switched to ``page``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query_params:
        at.query_params = dict(query_params)
    at.run()
    return at.switch_page(page).run()


def open_link(page: str, query_params: dict) -> AppTest:
    """A new session opened on ``page`` by a link holding ``query_params``.

    The page is registered under a ``url_path`` that differs from its file name, so AppTest can
    only reach it after a first run; that run is given the link, as a browser's first request is.
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(query_params)
    at.run()
    return at.switch_page(page).run()


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"expected one metric {label!r}, found {[m.label for m in at.metric]}"
    return values[0]


SIM_SECTIONS = {
    "formula": "1. The formula against a simulation of its assumptions",
    "binomial": "2. Fixed m against m ~ Binomial(N, f)",
    "learner": "3. A Bradley–Terry reward model against counting",
}


def open_section(at: AppTest, name: str) -> AppTest:
    """Open a section tab of the simulation page (what a click on it sets)."""
    at.session_state["sim_view"] = SIM_SECTIONS[name]
    at.run()
    assert not at.exception
    return at


def open_intervals(at: AppTest) -> AppTest:
    """Open the intervals expander (what a click on it sets; its cards are built only while open)."""
    at.session_state["unc_box"] = True
    return at.run()


def only_uncertain(at: AppTest, *names: str) -> AppTest:
    """Switch every ``uncertain`` toggle off except those of ``names`` (on)."""
    for spec in unc_view.SPECS.values():
        at.toggle(key=spec.toggle_key).set_value(spec.name in names)
    return at.run()


def charts(at: AppTest) -> dict[str, dict]:
    return {c.proto.id: chart_spec(c) for c in at.get("plotly_chart")}


# --- smoke --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [UNCERTAINTY, SIMULATION])
def test_page_runs_with_the_sidebar(page):
    at = run_page(page)
    assert not at.exception
    sidebar = {w.key for w in (*at.sidebar.slider, *at.sidebar.number_input)}
    assert {"labels", "error_rate", *THREAT, "target"} <= sidebar
    at.run()
    assert not at.exception
    if page == UNCERTAINTY:
        open_intervals(at)  # its controls are in an expander, built while open
    # Every control of the page has a stable key and help text.
    widgets = [*at.main.slider, *at.main.number_input, *at.main.toggle, *at.main.button]
    assert widgets
    for widget in widgets:
        assert widget.key, widget
        assert not widget.key.startswith("$$"), widget
        assert widget.help, widget.key


def test_uncertainty_page_survives_its_buttons_and_an_empty_set():
    at = open_intervals(run_page(UNCERTAINTY))
    at.button(key="unc_reset").click().run()
    assert not at.exception
    only_uncertain(at)  # nothing uncertain: every draw is the point
    assert not at.exception
    assert any("No quantity is uncertain" in i.value for i in at.info)
    # The mean over identical draws is the core's P_align at the point.
    point = core.p_align(DEFAULT["labels"], DEFAULT["error_rate"], **{k: DEFAULT[k] for k in THREAT})
    assert metric(at, "Mean P_align") == formatting.probability(float(point.p_align))
    only_uncertain(at, *unc_view.SPECS)  # everything uncertain
    assert not at.exception


def test_simulation_page_survives_its_run_button():
    at = run_page(SIMULATION, {"labels": "20000"})  # m = 1,000: the learner takes about a second
    open_section(at, "learner")
    at.button(key="sim_bt_run").click().run()
    assert not at.exception
    assert at.dataframe[-1].value.iloc[0, 0] == "learner, P₁"
    at.run()  # the result stays while the settings do
    assert not at.exception
    assert len(at.dataframe) == 1  # the learner's table (the formula check's is Markdown)


# --- uncertainty: the page shows the core's numbers ---------------------------------------------


def test_mean_and_quantiles_are_the_cores_for_an_interval_set_by_key():
    at = open_intervals(run_page(UNCERTAINTY))
    only_uncertain(at, "error_rate", "labels")
    at.slider(key="unc_error_rate").set_value((0.1, 0.25))
    at.slider(key="unc_labels").set_value((4.0, 6.0))  # log10 N: 10,000 to 1,000,000 labels
    at.number_input(key="unc_seed").set_value(7)
    at.number_input(key="unc_draws").set_value(5_000)
    at.run()
    assert not at.exception
    # The core with the same intervals, point (the defaults), draws and seed. The intervals go in
    # the page's order (the sidebar's, unc_view.SPECS): each takes one dimension of the Halton
    # sequence, so the order changes the draws.
    expected = uncertainty({"labels": (1e4, 1e6), "error_rate": (0.1, 0.25)}, POINT, draws=5_000, seed=7)
    assert metric(at, "Mean P_align") == formatting.probability(expected.mean_p_align)
    assert metric(at, "P(P_align ≥ 0.9)") == f"{expected.p_target_met:.1%}"
    assert metric(at, "No quantity suffices") == f"{expected.p_unreachable:.1%}"
    (table,) = markdown_tables(at.main.markdown)
    assert [r["quantile"] for r in table] == ["5%", "25%", "50%", "75%", "95%"]
    assert [r["P_align"] for r in table] == [f"{q:.4f}" for q in expected.p_align_quantiles]
    assert [r["labels for P* = 0.9"] for r in table] == [
        formatting.count(float(n)) for n in expected.required_labels_quantiles
    ]


def test_default_intervals_follow_the_sidebar_until_changed():
    at = open_intervals(run_page(UNCERTAINTY))
    # The default error-rate interval: agreement ± 7 points around the default's agreement.
    # Ends go outward to the widget's 0.001 grid (floor the low end, ceil the high), so the interval
    # always holds the sidebar's value.
    agreement = float(core.agreement_from_error_rate(DEFAULT["error_rate"]))
    low = math.floor(1000 * float(core.error_rate_from_agreement(agreement + 0.07))) / 1000
    high = math.ceil(1000 * float(core.error_rate_from_agreement(agreement - 0.07))) / 1000
    assert at.slider(key="unc_error_rate").value == pytest.approx((low, high))
    at.number_input(key="unc_blind_spot_high").set_value(0.2).run()  # the user changes one end
    at.slider(key="error_rate").set_value(0.05).run()
    at.number_input(key="blind_spot").set_value(0.01).run()
    agreement = float(core.agreement_from_error_rate(0.05))
    moved = (
        math.floor(1000 * float(core.error_rate_from_agreement(agreement + 0.07))) / 1000,
        math.ceil(1000 * float(core.error_rate_from_agreement(agreement - 0.07))) / 1000,
    )
    assert at.slider(key="unc_error_rate").value == pytest.approx(moved)  # untouched: followed
    assert at.number_input(key="unc_blind_spot_low").value == pytest.approx(0.01 / 3, abs=5e-4)
    assert at.number_input(key="unc_blind_spot_high").value == 0.2  # changed: kept
    at.button(key="unc_reset").click().run()
    assert at.number_input(key="unc_blind_spot_high").value == pytest.approx(0.03, abs=5e-4)


def test_share_link_sets_seed_draws_and_an_interval():
    link = {"unc_seed": "3", "unc_draws": "4000", "unc_exploitation": ["0.2", "0.8"], "unc_labels_on": "true"}
    at = open_link(UNCERTAINTY, link)
    assert not at.exception
    assert not at.warning
    assert any("4,000 draws, seed 3" in c.value for c in at.caption)
    # The intervals, draws and seed count while their expander is closed; opened, it shows them.
    closed = metric(at, "Mean P_align")
    open_intervals(at)
    assert metric(at, "Mean P_align") == closed
    assert at.number_input(key="unc_seed").value == 3
    assert at.number_input(key="unc_draws").value == 4_000
    assert at.slider(key="unc_exploitation").value == (0.2, 0.8)
    assert at.toggle(key="unc_labels_on").value is True
    intervals = {}
    for spec in unc_view.SPECS.values():
        if at.toggle(key=spec.toggle_key).value:
            chosen = (
                at.slider(key=spec.keys[0]).value
                if spec.widget == "range"
                else tuple(at.number_input(key=k).value for k in spec.keys)
            )
            intervals[spec.name] = unc_view.model_interval(spec.name, chosen)
    assert intervals["exploitation"] == (0.2, 0.8)
    assert list(intervals) == [n for n in unc_view.SPECS if n in intervals]
    expected = uncertainty(intervals, POINT, draws=4_000, seed=3)
    assert metric(at, "Mean P_align") == formatting.probability(expected.mean_p_align)
    # The link keeps what differs from the defaults, whether the expander is open or not.
    assert at.query_params["unc_exploitation"] == ["0.2", "0.8"]
    assert at.query_params["unc_labels_on"] == "true"


@pytest.mark.parametrize(
    ("key", "raw", "reason"),
    [
        ("unc_labels_on", "yes", "not `true` or `false`"),
        ("unc_exploitation", ["0.2"], "not two numbers"),
        ("unc_exploitation", ["0.2", "1.5"], "outside [0, 1]"),
        ("unc_blind_spot_high", "lots", "not a number"),
    ],
)
def test_a_bad_interval_in_the_link_is_noted_and_the_default_kept(key, raw, reason):
    at = open_link(UNCERTAINTY, {key: raw, "unc_seed": "3"})
    assert not at.exception
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert f"`{key}`=" in note
    assert reason in note
    assert key not in at.session_state[unc_view.INTERVALS.store_key]
    assert at.session_state[unc_view.INTERVALS.store_key]["unc_seed"] == 3  # the rest of the link


def test_uncertainty_charts_are_svg_with_a_log_axis_for_labels():
    at = run_page(UNCERTAINTY)
    specs = charts(at)
    assert len(specs) == 2  # the two histograms (the open view; the other is built when opened)
    assert {"unc_quantiles_csv", "unc_draws_csv"} <= {b.key for b in at.get("download_button")}
    at.session_state["unc_view"] = "Which assumption matters"  # what a click on the tab sets
    at.run()
    assert not at.exception
    sensitivity = charts(at)
    assert len(sensitivity) == 2  # tornado and Sobol
    csvs = [b.key for b in at.main.get("download_button") if b.key.endswith("_csv")]
    assert csvs == ["unc_sensitivity_csv"]  # their data
    specs = {**specs, **sensitivity}
    for spec in specs.values():
        assert {t.get("type", "scatter") for t in spec["data"]} <= {"scatter", "bar"}
    required = next(s for s in specs.values() if "labels required" in s["layout"]["xaxis"]["title"]["text"])
    assert required["layout"]["xaxis"]["type"] == "log"
    # The default intervals leave some draws unreachable (the core's p_unreachable), stated above
    # the chart.
    expected = uncertainty(
        {
            n: unc_view.model_interval(n, unc_view.default_widget_value(n, POINT))
            for n in unc_view.SPECS
            if unc_view.SPECS[n].default_on
        },
        POINT,
        draws=round(unc_view.RUN_DEFAULTS["unc_draws"]),
    )
    heading = f"{expected.p_unreachable:.1%} of draws unreachable, not drawn"
    assert expected.p_unreachable > 0
    assert any(heading in m.value for m in run_page(UNCERTAINTY).markdown)
    bars = [t for s in specs.values() for t in s["data"] if t.get("type") == "bar" and "base" in t]
    assert bars  # the tornado: horizontal bars from the base
    assert all(t["orientation"] == "h" for t in bars)


def test_csv_holds_the_cores_draws_and_quantiles():
    intervals = (("error_rate", 0.1, 0.25), ("blind_spot", 0.01, 0.06))
    result = unc_view.run_uncertainty.__wrapped__(intervals, tuple(POINT.items()), 2_000, 5)
    expected = uncertainty({n: (lo, hi) for n, lo, hi in intervals}, POINT, draws=2_000, seed=5)
    lines = unc_view.draws_csv(result).splitlines()
    assert lines[0] == "error_rate,blind_spot,p_align,required_labels"
    assert len(lines) == 1 + 2_000
    first = [float(v) for v in lines[1].split(",")]
    assert first[0] == expected.draws["error_rate"][0]
    assert first[2] == expected.p_align[0]
    summary = dict(
        line.split(",") for line in unc_view.quantiles_csv(result, intervals, POINT, 2_000).splitlines()
    )
    assert float(summary["mean_p_align"]) == expected.mean_p_align
    assert float(summary["p_align_q0.5"]) == expected.p_align_quantiles[2]
    assert float(summary["error_rate_low"]) == 0.1
    assert float(summary["labels"]) == DEFAULT["labels"]


def test_link_keys_cover_every_bound_control():
    """The sidebar's link check skips LINK_KEYS; every linked control of the pages must be listed."""
    for page, view in ((UNCERTAINTY, unc_view), (SIMULATION, sim_view)):
        at = run_page(page)
        if page == UNCERTAINTY:
            open_intervals(at)
        else:
            open_section(at, "learner")
        keys = {w.key for w in (*at.main.slider, *at.main.number_input, *at.main.toggle)}
        tab_sets = {"unc_view"} if page == UNCERTAINTY else {"sim_view"}  # tab sets, bound to the link
        assert keys | tab_sets == set(view.LINK_KEYS)
    # The interval controls are the linked store's fields; the others are bound to the URL.
    assert set(unc_view.INTERVALS.keys) | {"unc_view"} == set(unc_view.LINK_KEYS)


# --- simulation: the page shows the core's numbers ----------------------------------------------


def test_default_scenario_cannot_resolve_and_is_checked_at_a_resolvable_point():
    at = run_page(SIMULATION)
    assert not at.exception
    threat = {k: DEFAULT[k] for k in THREAT}
    # The sidebar's programme: 20,000 of 20,000 trials favour the aligned policy, P_align's
    # interval is [0, 1]: no verdict there (the old page reported "inside").
    programme = simulate_p_align(DEFAULT["labels"], DEFAULT["error_rate"], **threat, trials=20_000, seed=0)
    assert programme.verdict == "unresolvable"
    (info,) = at.info
    assert "At the sidebar's programme the check cannot resolve" in info.value
    assert "P_align's [0, 1]" in info.value
    # Checked instead at the core's resolvable point, which the page names.
    point = resolvable_point(DEFAULT["error_rate"], labels=DEFAULT["labels"], trials=20_000, **threat)
    assert f"Checked instead at N = {formatting.count(point.labels)} and K_eff = 7" in info.value
    there = {**threat, "competitors_log10": point.competitors_log10, "prior_bits": 0.0}
    checked = simulate_p_align(point.labels, DEFAULT["error_rate"], **there, trials=20_000, seed=0)
    analytic = core.p_align(point.labels, DEFAULT["error_rate"], **there)
    assert metric(at, "Analytic P₁") == formatting.probability(
        float(analytic.p_single), float(analytic.single_failure)
    )
    assert metric(at, "Verdict") == "agrees" == checked.verdict
    assert any("Agrees" in s.value for s in at.success)
    (table,) = markdown_tables(at.main.markdown)
    assert [r["verdict"] for r in table] == ["agrees", "agrees", "agrees"]  # P₁, P_align, direct
    assert [r["simulated [99% interval]"] for r in table] == [
        sim_view.estimate_text(checked.p_single.to_dict()),
        sim_view.estimate_text(checked.p_align.to_dict()),
        sim_view.estimate_text(checked.p_align_direct.to_dict()),
    ]


def test_a_resolvable_programme_is_checked_where_it_is_and_the_toggle_moves_the_check():
    # N = 1,820, K = 1: P₁ = 0.9007 (core), which 20,000 trials resolve: checked where it is.
    at = run_page(SIMULATION, {"labels": "1820", "competitors_log10": "0"})
    assert not at.exception
    assert not at.info
    threat = {**{k: DEFAULT[k] for k in THREAT}, "competitors_log10": 0.0}
    here = simulate_p_align(1820, DEFAULT["error_rate"], **threat, trials=20_000, seed=0)
    assert metric(at, "Verdict") == "agrees" == here.verdict
    assert any("the sidebar's programme, N = 1,820" in c.value for c in at.caption)
    at.toggle(key="sim_resolvable").set_value(True).run()
    (info,) = at.info
    assert "The sidebar's programme's check: agrees. Checked instead at N = 1,820 and K_eff = 7" in info.value


def test_resolvable_check_binomial_difference_and_learner_are_the_cores():
    at = run_page(SIMULATION)
    at.number_input(key="sim_seed").set_value(11)
    at.run()
    threat = {k: DEFAULT[k] for k in THREAT}
    point = resolvable_point(DEFAULT["error_rate"], labels=DEFAULT["labels"], trials=20_000, **threat)
    labels, there = point.labels, {**threat, "competitors_log10": point.competitors_log10, "prior_bits": 0.0}
    fixed = simulate_p_align(labels, DEFAULT["error_rate"], **there, trials=20_000, seed=11)
    binomial = simulate_p_align(
        labels, DEFAULT["error_rate"], **there, trials=20_000, seed=11, informative="binomial"
    )
    (table,) = markdown_tables(at.main.markdown)
    assert table[0]["verdict"] == sim_view.VERDICT_WORDS[fixed.p_single_check.verdict]
    open_section(at, "binomial")
    assert metric(at, "Binomial − fixed, P₁") == f"{binomial.p_single.value - fixed.p_single.value:+.4f}"
    assert any(
        "binomial simulation: " + sim_view.VERDICT_WORDS[binomial.p_single_check.verdict] in c.value
        for c in at.caption
    )

    open_section(at, "learner")
    at.number_input(key="sim_bt_trials").set_value(200).run()
    at.button(key="sim_bt_run").click().run()
    assert not at.exception
    learner = bradley_terry_check(labels, DEFAULT["error_rate"], **there, trials=200, seed=11)
    rows = dict(at.dataframe[-1].value.values.tolist())
    assert rows["learner, P₁"] == sim_view.estimate_text(learner.ranked_above.to_dict())
    counted = sim_view.estimate_text(learner.counting_simulated.to_dict())
    assert (
        rows["counting, same data"] == f"{counted} ({sim_view.VERDICT_WORDS[learner.counting_check.verdict]})"
    )
    assert any("The learner is told which comparisons are blind spots" in c.value for c in at.caption)


def test_per_labeler_and_redundancy_widgets_reach_the_core():
    at = run_page(SIMULATION)
    at.toggle(key="sim_per_labeler").set_value(True)
    at.number_input(key="sim_redundancy").set_value(3)
    at.run()
    assert not at.exception
    threat = {k: DEFAULT[k] for k in THREAT}
    # r = 3 moves the resolvable point (ε₃ is smaller), and every labeler is drawn there.
    point = resolvable_point(
        DEFAULT["error_rate"], labels=DEFAULT["labels"], redundancy=3, trials=20_000, **threat
    )
    there = {**threat, "competitors_log10": point.competitors_log10, "prior_bits": 0.0}
    drawn = simulate_p_align(
        point.labels, DEFAULT["error_rate"], **there, redundancy=3, per_labeler=True, trials=20_000, seed=0
    )
    (table,) = markdown_tables(at.main.markdown)
    assert table[0]["simulated [99% interval]"] == sim_view.estimate_text(drawn.p_single.to_dict())
    assert metric(at, "Verdict") == sim_view.VERDICT_WORDS[drawn.verdict]
    assert any("r = 3 per item (every labeler's vote drawn)" in c.value for c in at.caption)
    # The learner runs at the same r.
    open_section(at, "learner")
    at.number_input(key="sim_bt_trials").set_value(50).run()
    at.button(key="sim_bt_run").click().run()
    learner = bradley_terry_check(
        point.labels, DEFAULT["error_rate"], **there, redundancy=3, trials=50, seed=0
    )
    rows = dict(at.dataframe[-1].value.values.tolist())
    assert rows["learner, P₁"] == sim_view.estimate_text(learner.ranked_above.to_dict())


def test_per_labeler_too_big_falls_back_to_counts_with_a_warning():
    # ε = 0.499, σ = 0: q = 0.501, and N = 8,192,000 (m = 409,600) gives P₁ ≈ 0.9, resolvable where
    # it is; every labeler would take 20,000 × 409,600 × 2 = 1.6e10 draws, over the core's 2e8.
    link = {"labels": "8192000", "error_rate": "0.499", "blind_spot": "0", "competitors_log10": "0"}
    at = run_page(SIMULATION, {**link, "sim_per_labeler": "true"})
    assert not at.exception
    assert any("Drawing every labeler here would take more than" in w.value for w in at.warning)
    assert any("(label counts drawn)" in c.value for c in at.caption)


def test_learner_waits_for_its_button_and_refuses_huge_fits():
    # ε = 0.499, σ = 0 (q = 0.501), N = 8,192,000: P₁ ≈ 0.9, resolvable where it is, so the learner
    # would fit 500 datasets × m = 409,600 comparisons there.
    link = {"labels": "8192000", "error_rate": "0.499", "blind_spot": "0", "competitors_log10": "0"}
    at = open_section(run_page(SIMULATION, link), "learner")
    assert at.button(key="sim_bt_run").disabled
    assert any("comparisons to fit" in w.value for w in at.warning)
    assert len(at.dataframe) == 0  # no learner table without a run


def test_share_link_sets_the_simulation_controls():
    link = {
        "sim_trials": "50000",
        "sim_seed": "4",
        "sim_resolvable": "true",
        "sim_per_labeler": "true",
        "sim_redundancy": "3",
        "sim_view": SIM_SECTIONS["learner"],
        "sim_bt_trials": "100",
    }
    at = open_link(SIMULATION, link)
    assert not at.exception
    assert not at.warning
    assert at.number_input(key="sim_trials").value == 50_000
    assert at.number_input(key="sim_seed").value == 4
    assert at.toggle(key="sim_resolvable").value is True
    assert at.toggle(key="sim_per_labeler").value is True
    assert at.number_input(key="sim_redundancy").value == 3
    assert at.number_input(key="sim_bt_trials").value == 100
    assert at.query_params == link  # the URL still holds them


def test_simulation_charts_are_svg_error_bars():
    at = run_page(SIMULATION)
    for spec in charts(at).values():
        assert {t.get("type", "scatter") for t in spec["data"]} == {"scatter"}
        bars = [t for t in spec["data"] if "error_x" in t]
        assert bars
        assert all(t["error_x"]["type"] == "data" for t in bars)


def test_difference_interval_is_newcombes():
    a = {"value": 0.5, "low": 0.4, "high": 0.6}
    b = {"value": 0.3, "low": 0.25, "high": 0.4}
    d, low, high = sim_view.difference(a, b)
    assert d == pytest.approx(0.2)
    assert low == pytest.approx(0.2 - math.hypot(0.1, 0.1))
    assert high == pytest.approx(0.2 + math.hypot(0.1, 0.05))


def test_every_simulation_chart_offers_its_data_as_csv():
    at = run_page(SIMULATION, {"labels": "20000"})
    for section, key in (("formula", "sim_formula_csv"), ("binomial", "sim_binomial_csv")):
        open_section(at, section)
        (button,) = [b for b in at.main.get("download_button") if b.key == key]
        assert button.proto.deferred_file_id  # written on click, by simulation_view.rows_csv
    open_section(at, "learner")
    at.button(key="sim_bt_run").click().run()
    assert [b.key for b in at.main.get("download_button") if b.key.endswith("_csv")] == ["sim_bt_csv"]


def test_rows_csv_writes_each_row_and_the_settings():
    rows = [sim_view.Row("P₁", 0.9, 0.89, 0.91, 0.9034, "analytic P₁")]
    lines = sim_view.rows_csv(rows, {"labels": 1e5, "trials": 20_000, "seed": 0}).splitlines()
    assert lines == [
        "quantity,simulated,low_99,high_99,reference,reference_name,labels,trials,seed",
        "P₁,0.9,0.89,0.91,0.9034,analytic P₁,100000,20000,0",
    ]


def test_sensitivity_csv_holds_both_charts_data():
    # A hand-made tornado and Sobol result (the shapes run_tornado and run_sensitivity return).
    swings = {
        "base": 0.5,
        "bars": [
            {
                "name": "error_rate",
                "low": 0.1,
                "high": 0.2,
                "p_align_at_low": 0.9,
                "p_align_at_high": 0.2,
                "swing": 0.7,
            },
        ],
    }
    sobol = {"names": ["error_rate"], "first_order": [0.8], "total_order": [0.85], "evaluations": 3072}
    point = {"error_rate": 0.16, "footprint": 0.05}
    text = unc_view.sensitivity_csv(swings, sobol, (("error_rate", 0.1, 0.2),), point, seed=7)
    lines = text.splitlines()
    # One table: the statistics and the fixed quantities are columns, repeated on each row.
    assert lines == [
        "quantity,low,high,p_align_at_low,p_align_at_high,swing,sobol_first,sobol_total,"
        "p_align_at_sidebar_values,sobol_evaluations,sobol_samples,seed,footprint",
        f"error_rate,0.1,0.2,0.9,0.2,0.7,0.8,0.85,0.5,3072,{unc_view.SOBOL_SAMPLES},7,0.05",
    ]


def test_every_quantity_the_core_lets_be_uncertain_has_an_interval_on_the_page():
    # The page's intervals follow the table: a quantity the core can draw (UNCERTAIN_QUANTITIES,
    # from QUANTITIES' `uncertain` column) has a spec, with a default interval around the point.
    from aliquant_core.uncertainty import UNCERTAIN_QUANTITIES

    assert list(unc_view.SPECS) == list(UNCERTAIN_QUANTITIES)
    for name, spec in unc_view.SPECS.items():
        low, high = unc_view.default_widget_value(name, POINT)
        assert spec.low <= low < high <= spec.high
