"""The Programmes page, run headless with ``streamlit.testing.v1.AppTest``.

Every expected number comes from the core (``aliquant_core``: programme_p_align, programme_cost,
feasibility, budget_curve, pareto_frontier, cheapest_programme, best_split) at the sidebar's
defaults (``aliquant_core.quantities.DEFAULTS``), formatted with the app's own formatters
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
from aliquant_app import programme_controls as controls
from aliquant_app import programmes_view as view
from aliquant_app.calls import programme_model
from aliquant_core import PRESETS
from aliquant_core.quantities import DEFAULTS

from .plotly_spec import chart_spec
from .tables import markdown_tables

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/programmes.py"
#: The first run imports SciPy and Plotly; the cheapest-programme search takes about a second.
TIMEOUT = 60
#: The sidebar's model quantities at their defaults: what the page passes to the core.
MODEL = programme_model(DEFAULTS)
TARGET = DEFAULTS["target"]


def open_page(query_params: dict[str, str] | None = None) -> AppTest:
    """A session whose first run draws the Programmes page (a deep link when ``query_params``)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(query_params or {})
    # The entry script first (AppTest runs a page it is switched to first without it).
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def open_editor(at: AppTest) -> AppTest:
    """Open the programmes' editor (what a click on its expander sets) and rerun."""
    at.session_state["prog_edit"] = True
    at.run()
    assert not at.exception
    return at


def open_tab(at: AppTest, index: int) -> AppTest:
    """Open the editor on programme ``index``'s tab and rerun.

    AppTest cannot click a tab, and Streamlit 1.67 ignores a Session State write to a tab set bound
    to the URL while it is drawn, so the editor is closed first (what a user would see is the same).
    """
    at.session_state["prog_edit"] = False
    at.run()
    at.session_state["prog_edit"] = True
    at.session_state["prog_tab"] = f"Programme {index}"
    at.run()
    assert not at.exception
    return at


def open_section(at: AppTest, section: str) -> AppTest:
    """Open a section tab by its name ("cost", "cheapest", "split") and rerun."""
    labels = {
        "cost": "P_align against cost",
        "cheapest": "The cheapest way to P*",
        "split": "Splitting a budget",
    }
    at.session_state["prog_view"] = labels[section]
    at.run()
    assert not at.exception
    return at


def comparison(at: AppTest) -> dict[str, dict[str, str]]:
    """The side-by-side table: row label → {column ("1. <name>") → text}."""
    # The side-by-side table is the one whose first column, the quantities, has no name.
    (table,) = [t for t in markdown_tables(at.main.markdown) if "" in t[0]]
    return {row[""]: {c: v for c, v in row.items() if c} for row in table}


def column(at: AppTest, index: int) -> dict[str, str]:
    """Programme ``index``'s column of the side-by-side table: row label → text."""
    rows = comparison(at)
    (name,) = [c for c in next(iter(rows.values())) if c.startswith(f"{index}. ")]
    return {label: values[name] for label, values in rows.items()}


def stored(at: AppTest, key: str):
    """A programme field's value (programme_controls keeps all of them in one store)."""
    return at.session_state[controls.STORE.store_key].get(key, controls.DEFAULTS[key])


def programme(allocations, aggregation="pooled") -> core.Programme:
    """A core Programme from (preset key, labels, redundancy) triples."""
    return core.Programme(tuple(core.Allocation(PRESETS[p], n, r) for p, n, r in allocations), aggregation)


def expected_p_align(result) -> str:
    """The page's P_align text for a core MixtureResult: formatting.probability of the core's
    p_align, with its p_misalign and log10 K_eff·(1 − P₁) for values close to 1."""
    log10_gap = float(result.effective_competitors_log10) + float(result.log10_single_failure)
    return formatting.probability(float(result.p_align), float(result.p_misalign), log10_gap)


def assert_column_is_core(at: AppTest, index: int, prog: core.Programme, model=MODEL) -> None:
    """Programme ``index``'s column shows the core's P_align, dollars, labeler-hours and weeks."""
    result = core.programme_p_align(prog, **model)
    cost = core.programme_cost(prog)
    shown = column(at, index)
    assert shown["P_align"] == expected_p_align(result)
    assert shown["Dollars"] == view.dollars(float(cost.dollars))
    assert shown["Labeler-hours"] == view.hours(float(cost.labeler_hours))
    assert shown["Calendar weeks"] == view.weeks(float(cost.calendar_weeks))
    assert shown["Judgements"] == formatting.count(float(cost.judgements))


def spec_of(default: view.ProgrammeDefault):
    allocations = [(default.source_a, default.labels_a, default.redundancy_a)]
    if default.source_b != view.NONE:
        allocations.append((default.source_b, default.labels_b, default.redundancy_b))
    return allocations


# --- smoke --------------------------------------------------------------------------------------


def test_page_runs_and_draws_svg_charts():
    at = open_page()
    assert list(next(iter(comparison(at).values()))) == [
        f"{i}. {d.name}" for i, d in enumerate(view.DEFAULT_PROGRAMMES, start=1)
    ]
    # One section at a time: the budget chart's (dollars by default).
    charts = at.get("plotly_chart")
    assert [c.proto.id.rsplit("-", 1)[-1] for c in charts] == ["budget_chart"]
    (button,) = [b for b in at.main.get("download_button") if b.key == "csv_budget"]
    assert button.proto.deferred_file_id  # written on click, by programmes_view.budget_csv
    open_section(at, "split")
    assert [c.proto.id.rsplit("-", 1)[-1] for c in at.get("plotly_chart")] == ["split_chart"]
    for chart in (*charts, *at.get("plotly_chart")):
        spec = chart_spec(chart)
        assert {t.get("type", "scatter") for t in spec["data"]} == {"scatter"}  # never scattergl
    at.run()  # a rerun on the same page keeps working
    assert not at.exception


def test_only_the_open_programme_draws_its_inputs():
    at = open_page()
    assert not at.main.number_input  # the editor starts closed: the table shows every programme
    open_editor(at)
    assert {w.key for w in at.main.number_input} == {"p1_na", "p1_ra", "p1_nb", "p1_rb"}
    open_tab(at, 3)
    assert {w.key for w in at.main.number_input} == {"p3_na", "p3_ra", "p3_nb", "p3_rb"}
    assert at.text_input(key="p3_name").value == view.DEFAULT_PROGRAMMES[2].name


def test_every_control_has_a_key_and_help():
    at = open_editor(open_page())
    keys = set()
    for section in ("cost", "cheapest", "split"):
        open_section(at, section)
        widgets = [
            *at.main.text_input,
            *at.main.selectbox,
            *at.main.number_input,
            *at.main.segmented_control,
            *at.main.select_slider,
            *at.main.button,
        ]
        for widget in widgets:
            assert widget.key, widget
            assert widget.help, widget.key
            keys.add(widget.key)
            # A control drawn only some of the time is in the page's linked store, which writes the
            # link itself; one drawn always is bound to the URL (the browser writes it).
            assert bool(getattr(widget.proto, "query_param_key", "")) == (widget.key == "n_prog"), widget.key
    # Every link key is a control of the page (the programme tabs and sections are tab sets).
    drawn = {view.key(1, f) for f in controls.FIELDS}
    assert set(view.LINK_KEYS) - set(view.PROGRAMME_LINK_KEYS) | drawn <= keys | {"prog_tab", "prog_view"}
    assert set(controls.STORE.keys) == set(view.LINK_KEYS) - {"n_prog", "prog_tab", "prog_view"}


def test_section_controls_stay_in_the_link_when_their_section_is_closed():
    at = open_page({"split_budget": "123456", "budget_axis": "Labeler-hours"})
    assert at.query_params["budget_axis"] == "Labeler-hours"
    open_section(at, "split")
    assert at.number_input(key="split_budget").value == 123_456.0
    assert at.query_params["budget_axis"] == "Labeler-hours"  # its section is closed now
    at.number_input(key="split_budget").set_value(5_000.0).run()
    open_section(at, "cost")
    assert at.query_params["split_budget"] == "5000"
    assert at.segmented_control(key="budget_axis").value == "labeler_hours"


def test_a_bad_value_for_a_closed_sections_control_is_noted():
    at = open_page({"split_budget": "abc", "cheap_pool": "banana"})
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert "`split_budget`=`abc`: not a number" in note
    assert "`cheap_pool`=`banana`: not one of `presets`, `in_use`" in note


# --- the default programmes are the core's ------------------------------------------------------


@pytest.mark.parametrize("index", range(1, view.MAX_PROGRAMMES + 1))
def test_default_columns_are_the_core(index):
    at = open_page()
    default = view.DEFAULT_PROGRAMMES[index - 1]
    assert_column_is_core(at, index, programme(spec_of(default), default.aggregation))


def test_contractors_default_pinned_by_hand():
    at = open_page()
    # 100,000 items × 3 labelers × $1 (the contractors preset's assumed price) = $300,000;
    # × 60 s / 3600 = 5,000 labeler-hours; / (40 people × 40 h a week) = 3.125 weeks.
    shown = column(at, 2)
    assert (shown["Dollars"], shown["Labeler-hours"], shown["Calendar weeks"]) == (
        "$300,000",
        "5,000 h",
        "3.1 weeks",
    )


# --- setting a programme ------------------------------------------------------------------------


def test_setting_source_and_labels_shows_the_cores_numbers_and_writes_the_link():
    at = open_tab(open_page(), 2)
    at.selectbox(key="p2_a").set_value("experts")
    at.number_input(key="p2_na").set_value(20_000.0)
    at.run()
    assert not at.exception
    # Programme 2 keeps its redundancy of 3: 20,000 experts' items, three labelers each.
    assert_column_is_core(at, 2, programme([("experts", 20_000.0, 3)]))
    # By hand: 20,000 × 3 × $5 (the experts preset) = $300,000.
    assert column(at, 2)["Dollars"] == "$300,000"
    # The link holds what differs from the defaults, sources by name (as a bound selectbox writes).
    assert at.query_params["p2_a"] == "Domain experts"
    assert at.query_params["p2_na"] == "20000"
    assert "p2_ra" not in at.query_params  # still its default


def test_a_closed_programme_keeps_its_values_its_column_and_its_link():
    at = open_tab(open_page(), 3)
    at.number_input(key="p3_na").set_value(40_000.0).run()
    open_tab(at, 1)
    assert "p3_na" not in {w.key for w in at.main.number_input}
    assert stored(at, "p3_na") == 40_000.0
    assert at.query_params["p3_na"] == "40000"
    default = view.DEFAULT_PROGRAMMES[2]
    spec = [("crowdworkers", 40_000.0, 1), (default.source_b, default.labels_b, default.redundancy_b)]
    assert_column_is_core(at, 3, programme(spec, default.aggregation))
    open_tab(at, 3)  # and its input shows it again
    assert at.number_input(key="p3_na").value == 40_000.0


def test_second_source_redundancy_and_aggregation():
    at = open_editor(open_page())
    at.selectbox(key="p1_b").set_value("researchers").run()  # B's inputs are disabled while it is none
    at.number_input(key="p1_nb").set_value(2_000.0)
    at.number_input(key="p1_ra").set_value(3.0)
    at.segmented_control(key="p1_agg").set_value("weighted")
    at.run()
    assert not at.exception
    prog = programme([("crowdworkers", 300_000.0, 3), ("researchers", 2_000.0, 1)], "weighted")
    assert_column_is_core(at, 1, prog)
    # The feasibility rows follow the core's feasibility for the programme's labels and hours.
    cost = core.programme_cost(prog)
    feasible = core.feasibility(prog.labels, float(cost.labeler_hours))
    shown = column(at, 1)
    band = next(v for k, v in shown.items() if k.startswith("Within 2 OOM of RLHF"))
    hours = next(v for k, v in shown.items() if k.startswith("Under a few hundred hours"))
    assert feasible.within_rlhf_band  # 302,000 items, well under 100 × Anthropic HH's 162,000
    assert band == f"yes in size, {view.oom(feasible.oom_beyond_rlhf_band)} OOM"
    assert not feasible.within_few_hundred_hours
    # 300,000 × 3 crowd judgements at 36.8 s and 2,000 researchers' at 600 s: 9,533 h, 32× 300 h.
    assert hours == f"no, {10**feasible.oom_beyond_few_hundred_hours:,.2g}× the goal"
    assert hours == "no, 32× the goal"


def test_oracle_aggregation_is_offered_only_labelled_as_a_bound():
    # Issue #13: the Nitzan–Paroush weights from the competitor-specific q_s are an oracle; the
    # page offers them only under that name and no programme opens on them.
    assert view.AGGREGATIONS == core.programme.AGGREGATIONS == ("pooled", "weighted", "oracle")
    assert all(d.aggregation != "oracle" for d in view.DEFAULT_PROGRAMMES)
    at = open_editor(open_page())
    control = at.segmented_control(key="p1_agg")
    assert control.format_func("oracle") == "oracle bound"
    assert "no aggregator knows these" in control.help
    at.selectbox(key="p1_b").set_value("experts").run()  # B's inputs are disabled while it is none
    at.number_input(key="p1_nb").set_value(2_000.0)
    at.segmented_control(key="p1_agg").set_value("oracle")
    at.run()
    assert not at.exception
    prog = programme([("crowdworkers", 300_000.0, 1), ("experts", 2_000.0, 1)], "oracle")
    assert_column_is_core(at, 1, prog)
    sources = column(at, 1)["Sources: labels × labelers per item"]
    assert sources.endswith(
        "· oracle bound (Nitzan–Paroush weights from the competitor-specific q_s: no aggregator knows these)"
    )


def test_default_weighted_programme_uses_knowable_weights():
    # "Crowd + experts" is reliability-weighted: its column is the core's weighted P_align (not the
    # oracle's, which read the crowd's q < ½ labels backwards and showed 91.2% before issue #13).
    (default,) = [d for d in view.DEFAULT_PROGRAMMES if d.aggregation == "weighted"]
    weighted = core.programme_p_align(programme(spec_of(default), "weighted"), **MODEL)
    oracle = core.programme_p_align(programme(spec_of(default), "oracle"), **MODEL)
    assert float(weighted.p_align) != float(oracle.p_align)
    at = open_page()
    index = view.DEFAULT_PROGRAMMES.index(default) + 1
    assert column(at, index)["P_align"] == expected_p_align(weighted)


def test_sidebar_assumptions_reach_the_page():
    at = open_page()
    at.slider(key="exploitation").set_value(0.2).run()
    assert not at.exception
    default = view.DEFAULT_PROGRAMMES[0]
    prog = programme(spec_of(default), default.aggregation)
    assert_column_is_core(at, 1, prog, {**MODEL, "exploitation": 0.2})
    assert core.programme_p_align(prog, **{**MODEL, "exploitation": 0.2}).p_align != (
        core.programme_p_align(prog, **MODEL).p_align
    )  # it did change


def test_fewer_programmes_hides_the_rest_and_they_come_back_as_defaults():
    at = open_tab(open_page(), 3)
    at.number_input(key="p3_na").set_value(40_000.0).run()
    at.segmented_control(key="n_prog").set_value(2).run()
    assert not at.exception
    assert len(next(iter(comparison(at).values()))) == 2
    assert [t.label for t in at.tabs][:2] == ["Programme 1", "Programme 2"]
    assert "p3_na" not in at.query_params
    at.segmented_control(key="n_prog").set_value(4).run()
    assert stored(at, "p3_na") == view.DEFAULT_PROGRAMMES[2].labels_a


# --- the budget curves and the frontier ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "axis"),
    [("Dollars", "dollars"), ("Labeler-hours", "labeler_hours"), ("Calendar weeks", "calendar_weeks")],
)
def test_the_link_opens_the_budget_axis_it_names(name, axis):
    at = open_page({"budget_axis": name})
    assert at.segmented_control(key="budget_axis").value == axis
    (chart,) = at.get("plotly_chart")
    spec = chart_spec(chart)
    assert spec["layout"]["xaxis"]["title"]["text"] == view.AXES[axis][0]
    assert not at.warning  # no link note


def test_budget_chart_draws_the_cores_curves_and_frontier():
    at = open_page()
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("budget_chart"))
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


def test_budget_csv_holds_the_cores_numbers():
    default = view.DEFAULT_PROGRAMMES[1]
    spec = tuple(spec_of(default))
    settings = {**MODEL, "target": TARGET}
    text = view.budget_csv(((default.name, default.aggregation, spec),), 1e3, 1e7, "dollars", settings)
    curve = core.budget_curve(
        programme(spec, default.aggregation), np.logspace(3, 7, view.CURVE_POINTS), **MODEL
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == view.CURVE_POINTS
    assert [float(r["p_align"]) for r in rows] == curve.p_align.tolist()
    assert [float(r["dollars"]) for r in rows] == curve.dollars.tolist()
    assert float(rows[0]["exploitation"]) == MODEL["exploitation"]


# --- the cheapest programme ---------------------------------------------------------------------


def test_cheapest_button_shows_the_cores_answer():
    at = open_section(open_page(), "cheapest")
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
    # Pinned: core.required_labels(0.9, ε = 0.13054, blind_spot = 0.015, fooled_rate = 0.8362, the
    # default threat) = 7,730 domain-expert items, at $5 each $38,650, reach P* = 0.9 at the
    # defaults. (The first version, φ = 1 − ε = 0.8695 for experts, needed 8,250 = $41,250: their
    # blind spots fool a little less often at the table's φ.)
    assert dollars == "$38,650"
    at.run()  # the answer stays on later runs (from the cache)
    assert [m.value for m in at.get_by_key("cheapest_result").metric if m.label == "Cheapest programme"] == [
        dollars
    ]

    # Loading it into programme 4 shows the core's numbers for it there.
    at.button(key="cheap_load").click().run()
    assert not at.exception
    open_tab(at, 4)
    assert at.text_input(key="p4_name").value == "Cheapest"
    assert_column_is_core(at, 4, found.programme)
    assert at.query_params["p4_name"] == "Cheapest"


def test_cheapest_among_the_sources_in_use():
    at = open_section(open_page(), "cheapest")
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
    at = open_section(open_page(), "cheapest")
    at.button(key="cheap_go").click().run()
    at.get_by_key("cheapest_result")
    at.number_input(key="target").set_value(0.99).run()
    assert not at.exception
    with pytest.raises(KeyError):
        at.get_by_key("cheapest_result")
    assert any("press the button again" in c.value for c in at.caption)


# --- the budget split ---------------------------------------------------------------------------


def test_split_metrics_and_chart_are_the_cores():
    at = open_section(open_page(), "split")
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
    at = open_section(open_page(), "split")
    at.selectbox(key="split_b").set_value("experts").run()  # A is experts by default
    assert not at.exception
    assert any("two different sources" in i.value for i in at.info)


# --- formats and links --------------------------------------------------------------------------


def test_view_doctests():
    assert doctest.testmod(view).failed == 0
    assert doctest.testmod(controls).failed == 0


def test_pipeline_rows_are_the_cores():
    at = open_page()
    default = view.DEFAULT_PROGRAMMES[0]
    prog = programme(spec_of(default), default.aggregation)
    feasible = core.feasibility(prog.labels, float(core.programme_cost(prog).labeler_hours))
    shown = column(at, 1)
    for name, oom in feasible.oom_vs_pipelines.items():
        (value,) = [v for k, v in shown.items() if k.startswith(f"OOM vs {name} (")]
        assert value == view.oom(oom)
    # 300,000 items against the top of the band, 100 × Anthropic HH's 162,000 comparisons.
    assert math.isclose(feasible.oom_beyond_rlhf_band, math.log10(300_000 / (162_000 * 100)))


def test_a_share_link_with_programme_fields_opens_them_without_a_note():
    link = {"p1_na": "5000", "p1_a": "Domain experts", "p2_ra": "5", "prog_view": "Splitting a budget"}
    at = open_editor(open_page({**link, "split_budget": "50000"}))
    assert not any("ignored" in w.value for w in at.warning)
    assert at.number_input(key="p1_na").value == 5000.0
    assert at.selectbox(key="p1_a").value == "experts"
    assert stored(at, "p2_ra") == 5.0
    assert at.number_input(key="split_budget").value == 50_000.0
    assert_column_is_core(at, 1, programme([("experts", 5_000.0, 1)]))
    # The link keeps them (as the session opened it).
    assert {k: at.query_params[k] for k in ("p1_na", "p2_ra")} == {"p1_na": "5000", "p2_ra": "5"}


@pytest.mark.parametrize(
    ("key", "raw", "reason"),
    [
        ("p1_na", "lots", "not a number"),
        ("p2_na", "1e13", "outside [0, 1e12]"),
        ("p2_ra", "100", "outside [1, 99]"),
        ("p1_a", "oracle", "not one of `crowdworkers`, `contractors`"),
        ("p1_b", "oracle", "not one of `none`, `crowdworkers`"),
        ("p3_agg", "majority", "not one of `pooled`, `weighted`"),
        ("p4_name", "x" * 41, "longer than 40 characters"),
    ],
)
def test_a_link_with_a_bad_programme_value_says_why_and_keeps_the_rest(key, raw, reason):
    at = open_page({key: raw, "p1_nb": "777"})
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert reason in note
    assert f"`{key}`=" in note
    assert stored(at, key) == controls.DEFAULTS[key]
    assert stored(at, "p1_nb") == 777.0


def test_a_link_value_for_a_hidden_programme_is_noted():
    at = open_page({"n_prog": "2", "p3_na": "5"})
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert "programme 3 is not shown" in note
    assert stored(at, "p3_na") == view.DEFAULT_PROGRAMMES[2].labels_a


def test_the_page_runs_under_the_entry_script_with_its_sidebar():
    at = open_page()
    assert {"labels", "target"} <= {w.key for w in at.sidebar.number_input}
    at.run()
    assert {"labels", "target"} <= {w.key for w in at.sidebar.number_input}


def test_a_programme_name_from_a_link_is_shown_as_text():
    # A name is free text from a link: it must not become an image, a link or a colour.
    name = "![x](http://e.io/a.png) :red[y] | z"  # 35 characters: within the 40
    at = open_page({"p1_name": name})
    assert f"1. {name}" in next(iter(comparison(at).values()))
    table = next(e.value for e in at.main.markdown if e.value.lstrip().startswith("|"))
    assert "](http" not in table.replace("\\]\\(", "")  # every bracket escaped
    assert ":red[" not in table


def test_a_programme_name_reaches_the_chart_as_text_not_markup():
    # Plotly renders a subset of HTML in trace names and hover text (links among it).
    at = open_page({"p1_name": '<a href="https://e.io">x</a>'})
    (chart,) = at.get("plotly_chart")
    names = [t.get("name", "") for t in chart_spec(chart)["data"]]
    assert '&lt;a href="https://e.io"&gt;x&lt;/a&gt;' in names
    assert not any("<a" in name for name in names)


def test_the_budget_csv_writes_names_as_typed_and_the_chart_reads_them_as_data():
    default = view.DEFAULT_PROGRAMMES[1]
    name = "R&D <b>team</b> %{y}"
    programmes = ((name, default.aggregation, tuple(spec_of(default))),)
    text = view.budget_csv(programmes, 1e3, 1e7, "dollars", {**MODEL, "target": TARGET})
    assert f"{name}," in text  # a CSV is not HTML: no entities
    figure = view.budget_chart(programmes, 1e3, 1e7, "dollars", target=TARGET, **MODEL)
    (line,) = [t for t in figure.data if t.name and "team" in t.name and t.mode == "lines"]
    assert line.name == "R&amp;D &lt;b&gt;team&lt;/b&gt; %{y}"  # Plotly shows entities as text
    assert "team" not in line.hovertemplate  # the name is read by reference, not as a template
    assert line.hovertemplate.startswith("%{fullData.name}")


def test_a_reversed_budget_range_in_a_link_is_read_in_order():
    at = open_page({"budgets": ["$1M", "$3k"]})
    assert at.select_slider(key="budgets").value == (3e3, 1e6)
    assert not at.warning  # neither a link note nor "choose a wider range"
    assert at.get("plotly_chart")


# --- the source estimated from the user's labels (issue #16) -------------------------------------

#: Applied estimates as the share link holds them (aliquant_app.estimate_view.link_text): ε 0.1422,
#: σ 0.0528, from annotations.csv with 600 items, 12 labelers, 1,800 labels, 150 gold items.
ESTIMATES_LINK = "1_600_12_1800_150_90_.1422_.1278_.1599_.0528_.0084_.0942_annotations.csv"
ESTIMATES_PROVENANCE = "estimated from annotations.csv, 600 items, 12 labelers, 1,800 labels, 150 gold items"


def your_labels(blind_spot=0.0528) -> core.Source:
    """The source the page builds from ESTIMATES_LINK: its ε and σ, and the rest the table's
    defaults (aliquant_core.quantities.DEFAULTS)."""
    return core.Source(
        "Your labels", 0.1422, DEFAULTS["blind_spot"] if blind_spot is None else blind_spot,
        DEFAULTS["cost_per_label"], DEFAULTS["seconds_per_label"], DEFAULTS["workforce"],
        DEFAULTS["hours_per_week"],
    )  # fmt: skip


def test_the_estimated_source_is_the_estimates_and_the_tables_defaults_marked_assumed():
    source = core.estimated_source(0.1422, 0.0528, ESTIMATES_PROVENANCE)
    assert source == your_labels()
    marked = dict(source.provenance)
    assert marked["error_rate"] == marked["blind_spot"] == ESTIMATES_PROVENANCE
    for name in ("cost_per_label", "seconds_per_label", "workforce", "hours_per_week"):
        assert marked[name].startswith("assumption: the table's default")
    unidentified = core.estimated_source(0.1422, None, ESTIMATES_PROVENANCE)
    assert unidentified == your_labels(None)
    assert dict(unidentified.provenance)["blind_spot"].startswith("assumption: not identified")
    with pytest.raises(core.QuantityError):
        core.estimated_source(0.6, 0.05, "x")


def test_your_labels_is_a_source_choice_only_with_estimates_applied():
    plain = open_editor(open_page())
    assert "Your labels" not in plain.selectbox(key="p1_a").options
    assert "Your labels" not in plain.selectbox(key="p1_b").options
    linked = open_editor(open_page({"est": ESTIMATES_LINK}))
    assert "Your labels" in linked.selectbox(key="p1_a").options
    assert "Your labels" in linked.selectbox(key="p1_b").options


def test_a_link_with_your_labels_shows_the_cores_numbers_for_the_estimated_source():
    at = open_page({"est": ESTIMATES_LINK, "p1_a": "Your labels", "p1_na": "5000", "p2_b": "Your labels"})
    assert not at.warning
    assert column(at, 1)["Sources: labels × labelers per item"] == "Your labels 5,000 × 1"
    assert_column_is_core(at, 1, core.Programme((core.Allocation(your_labels(), 5_000.0, 1),)))
    contractors = core.Allocation(PRESETS["contractors"], 100_000.0, 3)
    assert_column_is_core(at, 2, core.Programme((contractors, core.Allocation(your_labels(), 0.0, 1))))
    assert at.query_params["p1_a"] == "Your labels"  # the link keeps it, with its estimates
    assert at.query_params["est"] == ESTIMATES_LINK


def test_your_labels_in_a_link_without_estimates_is_noted_and_the_default_kept():
    at = open_page({"p1_a": "Your labels", "split_b": "Your labels", "p1_na": "5000"})
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert "`p1_a`=`Your labels`: no estimates from your labels came with the link" in note
    assert "`split_b`=`Your labels`" in note
    assert stored(at, "p1_a") == controls.DEFAULTS["p1_a"]
    assert_column_is_core(at, 1, programme([(controls.DEFAULTS["p1_a"], 5_000.0, 1)]))
    assert "p1_a" not in at.query_params


def test_the_budget_split_takes_your_labels():
    at = open_page({"est": ESTIMATES_LINK, "split_a": "Your labels", "prog_view": "Splitting a budget"})
    assert not at.warning
    a, b = your_labels(), PRESETS[controls.SECTION_DEFAULTS["split_b"]]
    best = core.best_split(a, b, controls.SECTION_DEFAULTS["split_budget"], aggregation="pooled", **MODEL)
    values = {m.label: m.value for m in at.get_by_key("split_metrics").metric}
    assert values["Best share to A"] == f"{100 * best.share_a:.2f}%"
    assert values["All on A (Your labels)"] == formatting.probability(best.p_align_all_a)
