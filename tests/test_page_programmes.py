"""The Programmes page, run headless with ``streamlit.testing.v1.AppTest``.

Every expected number comes from the core (``aliquant_core``: programme_p_align, programme_cost,
feasibility, budget_curve, pareto_frontier, cheapest_programme, best_split) at the sidebar's
defaults (``aliquant_core.defaults.DEFAULTS``), formatted with the app's own formatters
(``aliquant_app.formatting`` and the page's ``programmes_view``, whose doctests pin their formats);
a few are also pinned by hand from the presets' prices, with the arithmetic written out.
"""

from __future__ import annotations

import csv
import doctest
import io
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import aliquant_core as core
from aliquant_app import formatting
from aliquant_app import programmes_view as view
from aliquant_core import PRESETS
from aliquant_core.defaults import DEFAULTS

from .plotly_spec import chart_spec

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/programmes.py"
#: The first run imports SciPy and Plotly; the cheapest-programme search takes about a second.
TIMEOUT = 60
#: The sidebar's model quantities at their defaults: what the page passes to the core.
MODEL = {k: DEFAULTS[k].value for k in ("footprint", "exploitation", "competitors_log10", "prior_bits")}
TARGET = DEFAULTS["target"].value


def open_page(query_params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in (query_params or {}).items():
        at.query_params[name] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def card_metric(at: AppTest, index: int, label: str) -> str:
    """The value of metric ``label`` in programme ``index``'s result card."""
    values = [m.value for m in at.get_by_key(f"result_{index}").metric if m.label == label]
    assert len(values) == 1, f"expected one {label!r} in card {index}"
    return values[0]


def programme(allocations, aggregation="pooled") -> core.Programme:
    """A core Programme from (preset key, labels, redundancy) triples."""
    return core.Programme(tuple(core.Allocation(PRESETS[p], n, r) for p, n, r in allocations), aggregation)


def expected_p_align(result) -> str:
    """The page's P_align text for a core MixtureResult: formatting.probability of the core's
    p_align, with its p_misalign and log10 K_eff·(1 − P₁) for values close to 1."""
    log10_gap = float(result.effective_competitors_log10) + float(result.log10_single_failure)
    return formatting.probability(float(result.p_align), float(result.p_misalign), log10_gap)


def assert_card_is_core(at: AppTest, index: int, prog: core.Programme) -> None:
    """Card ``index`` shows the core's P_align, dollars, labeler-hours and weeks for ``prog``."""
    result = core.programme_p_align(prog, **MODEL)
    cost = core.programme_cost(prog)
    assert card_metric(at, index, "P_align") == expected_p_align(result)
    assert card_metric(at, index, "Dollars") == view.dollars(float(cost.dollars))
    assert card_metric(at, index, "Hours") == view.hours(float(cost.labeler_hours), unit=False)
    assert card_metric(at, index, "Weeks") == view.weeks(float(cost.calendar_weeks), unit=False)


def spec_of(default: view.ProgrammeDefault):
    allocations = [(default.source_a, default.labels_a, default.redundancy_a)]
    if default.source_b != view.NONE:
        allocations.append((default.source_b, default.labels_b, default.redundancy_b))
    return allocations


# --- smoke --------------------------------------------------------------------------------------


def test_page_runs_and_draws_svg_charts():
    at = open_page()
    for i in range(1, view.MAX_PROGRAMMES + 1):
        at.get_by_key(f"result_{i}")  # one card per programme
    charts = at.get("plotly_chart")
    # The open budget tab (dollars by default; the others are built when opened) and the split.
    assert [c.proto.id.rsplit("-", 1)[-1] for c in charts] == ["budget_chart_dollars", "split_chart"]
    for chart in charts:
        spec = chart_spec(chart)
        assert {t.get("type", "scatter") for t in spec["data"]} == {"scatter"}  # never scattergl
    buttons = at.main.get("download_button")
    assert len(buttons) == 2  # one CSV per chart
    assert all(b.proto.url.endswith(".csv") for b in buttons)
    at.run()  # a rerun on the same page keeps working
    assert not at.exception


def test_every_control_has_a_key_and_help():
    at = open_page()
    widgets = [
        *at.main.text_input,
        *at.main.selectbox,
        *at.main.number_input,
        *at.main.segmented_control,
        *at.main.select_slider,
        *at.main.button,
    ]
    assert len(widgets) > 30
    for widget in widgets:
        assert widget.key, widget
        assert widget.help, widget.key
    # Shareable state is bound to the URL under its key (the browser writes it; AppTest does not).
    bound = {w.key for w in widgets if getattr(w.proto, "query_param_key", "")}
    # ... and so is the open budget tab (a tab set, not a widget here; see the tab-link test).
    assert bound | {"budget_axis"} == set(view.LINK_KEYS)
    assert all(w.proto.query_param_key == w.key for w in widgets if w.key in bound)


# --- the default programmes are the core's ------------------------------------------------------


@pytest.mark.parametrize("index", range(1, view.MAX_PROGRAMMES + 1))
def test_default_cards_are_the_core(index):
    at = open_page()
    default = view.DEFAULT_PROGRAMMES[index - 1]
    assert_card_is_core(at, index, programme(spec_of(default), default.aggregation))


def test_contractors_default_pinned_by_hand():
    at = open_page()
    # 100,000 items × 3 labelers × $1 (the contractors preset's assumed price) = $300,000;
    # × 60 s / 3600 = 5,000 labeler-hours; / (40 people × 40 h a week) = 3.125 weeks.
    assert card_metric(at, 2, "Dollars") == "$300,000"
    assert card_metric(at, 2, "Hours") == "5,000"
    assert card_metric(at, 2, "Weeks") == "3.1"


# --- setting a programme by key -----------------------------------------------------------------


def test_setting_source_and_labels_shows_the_cores_numbers():
    at = open_page()
    at.selectbox(key="p2_a").set_value("experts")
    at.number_input(key="p2_na").set_value(20_000.0)
    at.run()
    assert not at.exception
    # Programme 2 keeps its redundancy of 3: 20,000 experts' items, three labelers each.
    prog = programme([("experts", 20_000.0, 3)])
    assert_card_is_core(at, 2, prog)
    # By hand: 20,000 × 3 × $5 (the experts preset) = $300,000.
    assert card_metric(at, 2, "Dollars") == "$300,000"


def test_second_source_redundancy_and_aggregation():
    at = open_page()
    at.selectbox(key="p1_b").set_value("researchers").run()  # B's inputs are disabled while it is none
    at.number_input(key="p1_nb").set_value(2_000.0)
    at.number_input(key="p1_ra").set_value(3)
    at.segmented_control(key="p1_agg").set_value("weighted")
    at.run()
    assert not at.exception
    prog = programme([("crowdworkers", 300_000.0, 3), ("researchers", 2_000.0, 1)], "weighted")
    assert_card_is_core(at, 1, prog)
    # The feasibility badges follow the core's feasibility for the programme's labels and hours.
    cost = core.programme_cost(prog)
    feasible = core.feasibility(prog.labels, float(cost.labeler_hours))
    card = at.get_by_key("result_1")
    assert formatting.count(float(cost.judgements)) in " ".join(e.value for e in card.caption)
    badges = " ".join(e.value for e in card.markdown)
    assert feasible.within_rlhf_band  # 302,000 items, well under 100 × Anthropic HH's 162,000
    assert "Within 2 OOM of RLHF" in badges
    assert not feasible.within_few_hundred_hours
    # 300,000 × 3 crowd judgements at 36.8 s and 2,000 researchers' at 600 s: 9,533 h, 32× 300 h.
    assert f"{10**feasible.oom_beyond_few_hundred_hours:,.2g}× the 300 h goal" in badges


def test_sidebar_assumptions_reach_the_page():
    at = open_page()
    at.slider(key="exploitation").set_value(0.2).run()
    assert not at.exception
    default = view.DEFAULT_PROGRAMMES[0]
    prog = programme(spec_of(default), default.aggregation)
    result = core.programme_p_align(prog, **{**MODEL, "exploitation": 0.2})
    assert card_metric(at, 1, "P_align") == expected_p_align(result)
    assert result.p_align != core.programme_p_align(prog, **MODEL).p_align  # it did change


def test_fewer_programmes_hides_the_rest():
    at = open_page()
    at.segmented_control(key="n_prog").set_value(2).run()
    assert not at.exception
    at.get_by_key("result_2")
    with pytest.raises(KeyError):
        at.get_by_key("result_3")
    assert len(at.get("plotly_chart")) == 2  # the open budget tab and the split


# --- the budget curves and the frontier ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "axis"),
    [("Dollars", "dollars"), ("Labeler-hours", "labeler_hours"), ("Calendar weeks", "calendar_weeks")],
)
def test_the_link_opens_the_budget_tab_it_names(tab, axis):
    at = open_page({"budget_axis": tab})
    (chart,) = [c for c in at.get("plotly_chart") if "budget_chart" in c.proto.id]
    assert chart.proto.id.endswith(f"budget_chart_{axis}")
    assert at.get_by_key(f"csv_budget_{axis}") is not None
    assert not at.exception


def test_budget_chart_draws_the_cores_curves_and_frontier():
    at = open_page()
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("budget_chart_dollars"))
    traces = {t["name"]: t for t in chart_spec(chart)["data"] if "name" in t}
    budgets = np.logspace(3, 7, view.CURVE_POINTS)  # the default range, $1k to $10M
    curves = []
    for default in view.DEFAULT_PROGRAMMES:
        curve = core.budget_curve(programme(spec_of(default), default.aggregation), budgets, **MODEL)
        curves.append(curve)
        drawn = traces[default.name]
        np.testing.assert_allclose(drawn["x"], curve.dollars, rtol=1e-12)
        np.testing.assert_allclose(drawn["y"], curve.p_align, rtol=1e-12, atol=0)
    # The frontier: the core's pareto_frontier over every curve's points together.
    cost = np.concatenate([c.dollars for c in curves])
    p = np.concatenate([c.p_align for c in curves])
    keep = core.pareto_frontier(cost, p)
    frontier = traces["Pareto frontier"]
    np.testing.assert_allclose(frontier["x"], cost[keep], rtol=1e-12)
    np.testing.assert_allclose(frontier["y"], p[keep], rtol=1e-12, atol=0)


def test_curves_csv_holds_the_cores_numbers():
    default = view.DEFAULT_PROGRAMMES[1]
    spec = tuple(spec_of(default))
    data = view.budget_curves.__wrapped__(spec, default.aggregation, 1e3, 1e7, **MODEL)
    curve = core.budget_curve(
        programme(spec, default.aggregation), np.logspace(3, 7, view.CURVE_POINTS), **MODEL
    )
    rows = list(csv.DictReader(io.StringIO(view.curves_csv([data], [default.name], "dollars", MODEL))))
    assert len(rows) == view.CURVE_POINTS
    assert [float(r["p_align"]) for r in rows] == curve.p_align.tolist()
    assert [float(r["dollars"]) for r in rows] == curve.dollars.tolist()
    assert float(rows[0]["exploitation"]) == MODEL["exploitation"]


# --- the cheapest programme ---------------------------------------------------------------------


def test_cheapest_button_shows_the_cores_answer():
    at = open_page()
    with pytest.raises(KeyError):
        at.get_by_key("cheapest_result")  # nothing computed before the button
    at.button(key="cheap_go").click().run()
    assert not at.exception
    found = core.cheapest_programme(TARGET, list(PRESETS.values()), aggregation="pooled", **MODEL)
    box = at.get_by_key("cheapest_result")
    (dollars,) = [m.value for m in box.metric if m.label == "Cheapest programme"]
    (p,) = [m.value for m in box.metric if m.label == "Its P_align"]
    assert dollars == view.dollars(found.dollars)
    assert p == formatting.probability(found.p_align)
    (allocation,) = found.programme.allocations
    assert (
        f"{allocation.source.name} {formatting.count(allocation.labels)} × {allocation.redundancy}"
        in " ".join(m.value for m in box.markdown)
    )
    # Pinned by hand: 8,250 domain-expert items at $5 each = $41,250 reach P* = 0.9 at the defaults.
    assert dollars == "$41,250"
    at.run()  # the answer stays on later runs (from the cache)
    assert [m.value for m in at.get_by_key("cheapest_result").metric if m.label == "Cheapest programme"] == [
        dollars
    ]

    # Loading it into programme 4 shows the core's numbers for it there.
    at.button(key="cheap_load").click().run()
    assert not at.exception
    assert at.text_input(key="p4_name").value == "Cheapest"
    assert_card_is_core(at, 4, found.programme)


def test_cheapest_among_the_sources_in_use():
    at = open_page()
    at.segmented_control(key="n_prog").set_value(2)
    at.segmented_control(key="cheap_pool").set_value("in_use")
    at.run()
    at.button(key="cheap_go").click().run()
    assert not at.exception
    # Programmes 1 and 2 use crowdworkers and contractors (their defaults).
    found = core.cheapest_programme(
        TARGET, [PRESETS["crowdworkers"], PRESETS["contractors"]], aggregation="pooled", **MODEL
    )
    box = at.get_by_key("cheapest_result")
    (dollars,) = [m.value for m in box.metric if m.label == "Cheapest programme"]
    assert dollars == view.dollars(found.dollars)


def test_changed_settings_ask_for_a_new_search():
    at = open_page()
    at.button(key="cheap_go").click().run()
    at.get_by_key("cheapest_result")
    at.number_input(key="target").set_value(0.99).run()
    assert not at.exception
    with pytest.raises(KeyError):
        at.get_by_key("cheapest_result")
    assert any("press the button again" in c.value for c in at.caption)


# --- the budget split ---------------------------------------------------------------------------


def test_split_metrics_and_chart_are_the_cores():
    at = open_page()
    at.selectbox(key="split_a").set_value("researchers")
    at.selectbox(key="split_b").set_value("experts")
    at.number_input(key="split_budget").set_value(50_000.0)
    at.run()
    assert not at.exception
    a, b = PRESETS["researchers"], PRESETS["experts"]
    best = core.best_split(a, b, 50_000.0, aggregation="pooled", **MODEL)
    box = at.get_by_key("split_metrics")
    values = {m.label: m.value for m in box.metric}
    assert values["Best share to A"] == f"{100 * best.share_a:.2f}%"
    assert values["P_align at best"] == formatting.probability(best.p_align)
    assert values[f"All on A ({a.name})"] == formatting.probability(best.p_align_all_a)
    assert values[f"All on B ({b.name})"] == formatting.probability(best.p_align_all_b)
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("split_chart"))
    traces = {t["name"]: t for t in chart_spec(chart)["data"]}
    curve = core.budget_split_curve(a, b, 50_000.0, points=view.SPLIT_POINTS, **MODEL)
    np.testing.assert_allclose(traces["P_align"]["y"], curve.p_align, rtol=1e-12, atol=0)
    np.testing.assert_allclose(traces["P_align"]["x"], 100 * curve.parameter, rtol=1e-12)
    assert traces["best split"]["x"] == [pytest.approx(100 * best.share_a)]
    assert traces["best split"]["y"] == [best.p_align]


def test_split_of_one_source_with_itself_says_so():
    at = open_page()
    at.selectbox(key="split_b").set_value("experts").run()  # A is experts by default
    assert not at.exception
    assert any("two different sources" in i.value for i in at.info)


# --- formats and links --------------------------------------------------------------------------


def test_view_doctests():
    assert doctest.testmod(view).failed == 0


def test_feasibility_table_is_the_cores():
    at = open_page()
    (table,) = at.get("table")
    default = view.DEFAULT_PROGRAMMES[0]
    prog = programme(spec_of(default), default.aggregation)
    feasible = core.feasibility(prog.labels, float(core.programme_cost(prog).labeler_hours))
    frame = table.value
    column = f"1. {default.name}"
    for name, oom in feasible.oom_vs_pipelines.items():
        (row,) = [r for _, r in frame.iterrows() if r["Compared with"].startswith(name)]
        assert row[column] == view.oom(oom)
    assert math.isclose(feasible.oom_beyond_rlhf_band, math.log10(300_000 / (162_000 * 100)))


def test_a_share_link_with_programme_fields_opens_them_without_a_note():
    # The sidebar's link check leaves the page's keys (programmes_view.LINK_KEYS) to the page.
    link = {"p1_na": "5000", "p1_a": "Domain experts", "split_budget": "50000"}
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(link)
    at.run()
    assert not any("ignored" in w.value for w in at.warning)
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.number_input(key="p1_na").value == 5000.0
    assert at.selectbox(key="p1_a").value == "experts"
    assert at.number_input(key="split_budget").value == 50_000.0
    assert_card_is_core(at, 1, programme([("experts", 5_000.0, 1)]))


def test_the_page_runs_under_the_entry_script_with_its_sidebar():
    at = open_page()
    assert {"labels", "target"} <= {w.key for w in at.sidebar.number_input}
    at.run()
    assert {"labels", "target"} <= {w.key for w in at.sidebar.number_input}
