"""The Quality–quantity map and Over time pages, run headless with ``streamlit.testing.v1.AppTest``.

As in ``tests/test_app.py``: every expected number comes from the core (``aliquant_core``) or its
table of quantities (``QUANTITIES``, ``PRESETS``), formatted with the app's own formatters;
the tests check that each page shows what the core computes for the sidebar's values and the
page's own controls.
"""

from __future__ import annotations

import dataclasses
import doctest
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import aliquant_core as core
from aliquant_app import formatting, map_view
from aliquant_app import over_time_view as over_time
from aliquant_core.quantities import QUANTITIES, THREAT, Assumptions

from .plotly_spec import chart_spec

APP = str(Path(__file__).resolve().parent.parent / "app.py")
MAP, OVER_TIME = "pages/map.py", "pages/over_time.py"
#: The first run imports SciPy and Plotly; later runs take well under a second.
TIMEOUT = 60
DEFAULT = Assumptions().as_dict()
RATE_FIELDS = tuple(f.name for f in dataclasses.fields(core.TrajectoryRates))


def open_page(page: str, query_params: dict | None = None) -> AppTest:
    """The app after a first run on the default page, then switched to ``page`` (as a user would).

    The first run goes through ``app.py`` (navigation and sidebar), like ``tests/test_app.py``;
    sidebar values are given as ``query_params`` on that run, so they reach the page through
    ``state.current()`` however the page is run (see ``test_map_page_keeps_the_sidebar``).
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query_params:
        at.query_params = dict(query_params)
    at.run()
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"expected one metric {label!r}, found {[m.label for m in at.metric]}"
    return values[0]


def settings(**changes: float) -> dict[str, float]:
    """The default scenario (the table's defaults) with ``changes``, as core keywords."""
    return {**DEFAULT, **changes}


def threat(values: dict[str, float]) -> dict[str, float]:
    return {k: values[k] for k in THREAT}


def plotly_spec(at: AppTest, index: int = 0) -> dict:
    charts = at.get("plotly_chart")
    assert charts, "no plotly chart on the page"
    return chart_spec(charts[index])


def trace(spec: dict, name: str) -> dict:
    (found,) = [t for t in spec["data"] if t.get("name") == name]
    return found


# --- smoke --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", [MAP, OVER_TIME])
def test_page_runs_without_exception_and_draws_svg_charts(page):
    at = open_page(page)
    at.run()  # a rerun on the same page
    assert not at.exception
    # The page draws at least one chart, never with WebGL, and offers its data as CSV.
    charts = at.get("plotly_chart")
    assert charts
    for chart in charts:
        types = {t.get("type", "scatter") for t in chart_spec(chart)["data"]}
        assert types <= {"scatter", "heatmap"}, types
    if page == OVER_TIME:  # its table and CSV are in an expander, built when opened
        at.session_state["trajectory_box"] = True
        at.run()
    assert at.get("download_button")


def test_over_time_page_keeps_the_sidebar():
    at = open_page(OVER_TIME)
    at.run()
    assert {"labels", "error_rate", *THREAT, "target"} <= {
        w.key for w in (*at.sidebar.slider, *at.sidebar.number_input)
    }
    assert at.number_input(key="labels").value == DEFAULT["labels"]


def test_map_page_keeps_the_sidebar():
    at = open_page(MAP)
    assert at.number_input(key="labels").value == DEFAULT["labels"]


# --- the map ------------------------------------------------------------------------------------


def expected_p_align_text(values: dict[str, float]) -> str:
    """The core's P_align for ``values``, written as the page writes it (see test_app.py)."""
    result = core.p_align(values["labels"], values["error_rate"], **threat(values))
    log10_gap = float(result.effective_competitors_log10 + result.log10_single_failure)
    return formatting.probability(float(result.p_align), float(result.p_misalign), log10_gap)


@pytest.mark.parametrize("error_rate", [None, 0.05, 0.3])
def test_map_shows_the_programmes_p_align_from_the_core(error_rate):
    link = {} if error_rate is None else {"error_rate": str(error_rate)}
    at = open_page(MAP, link)
    values = settings() if error_rate is None else settings(error_rate=error_rate)
    assert metric(at, "Programme's P_align") == expected_p_align_text(values)
    (you,) = [t for t in plotly_spec(at)["data"] if t.get("name") == "this programme"]
    assert you["x"] == [values["labels"]]
    assert you["y"] == [values["error_rate"]]


def test_map_default_programme_is_pinned():
    # Pinned once by hand, as in test_app.py: the core's p_align at the DEFAULTS is 0.90387...
    assert metric(open_page(MAP), "Programme's P_align") == "90.4%"


def test_map_shows_every_preset_at_its_error_rate_and_the_sidebars_labels():
    at = open_page(MAP, {"labels": "20000"})
    assert metric(at, "Preset sources shown") == str(len(core.PRESETS))  # the core's PRESETS
    presets = trace(plotly_spec(at), "preset sources")
    assert presets["x"] == [20_000.0] * len(core.PRESETS)
    assert presets["y"] == sorted(source.error_rate for source in core.PRESETS.values())
    names = {a["text"] for a in plotly_spec(at)["layout"]["annotations"]}
    assert {source.name for source in core.PRESETS.values()} <= names


def test_map_blind_share_and_contours_are_the_cores():
    at = open_page(MAP)
    values = settings()
    h = float(core.p_align(values["labels"], values["error_rate"], **threat(values)).blind_share)
    assert metric(at, "Blind share h") == formatting.share(h)
    spec = plotly_spec(at)
    # Each contour is the core's required_labels at each traced error rate (the default levels).
    error_rates = np.linspace(0.0, 0.5, map_view.LINE_POINTS)
    for level in map_view.DEFAULT_LEVELS:
        line = trace(spec, f"P_align = {level:g}")
        needed = np.asarray(core.required_labels(level, error_rates, **threat(values)), dtype=float)
        finite = np.isfinite(needed)
        assert line["y"] == pytest.approx(error_rates[finite].tolist(), abs=0)
        assert line["x"] == pytest.approx(np.maximum(needed[finite], 1.0).tolist(), rel=0)
    # The boundary q = ½ with the fooled rate held: q − ½ = (½ − ε) − h(φ − ε), so by hand
    # ε* = (½ − hφ)/(1 − h) = (0.5 − 0.4005·0.8362)/0.5995 = 0.275399 at the defaults (the first
    # version, φ moving as 1 − ε, drew it at ε = ½). The contours stop there: required_labels is
    # finite below it and infinite above.
    phi = values["fooled_rate"]
    edge = (0.5 - h * phi) / (1 - h)
    assert edge == pytest.approx(0.275399, abs=1e-6)
    assert trace(spec, "q = ½")["y"] == pytest.approx([edge, edge], rel=1e-12)
    assert np.all(np.isfinite(core.required_labels(0.5, error_rates[error_rates < edge], **threat(values))))
    assert np.all(np.isinf(core.required_labels(0.5, error_rates[error_rates > edge], **threat(values))))
    assert any("ε = 0.2754" in m.value and "Where no quantity suffices" in m.value for m in at.markdown)


def test_map_contour_multiselect_sets_the_lines():
    at = open_page(MAP)
    at.multiselect(key="map_levels").set_value([0.75]).run()
    names = {t.get("name") for t in plotly_spec(at)["data"]}
    assert "P_align = 0.75" in names
    assert not {f"P_align = {level:g}" for level in map_view.DEFAULT_LEVELS} & names


def test_map_with_blind_share_above_half_has_no_contours_and_says_more_error_does_not_help():
    # σ = 0.2 at the default f and χ gives h = 0.72, hφ = 0.72·0.8362 = 0.602 ≥ ½ (test_app.py
    # uses the same link): q ≤ ½ at every ε, even ε = 0. (The first version said more error
    # helped here, q rising to ½ at ε = ½; with φ held it does not: q(½) = ½ − h(φ − ½) = 0.258.)
    at = open_page(MAP, {"blind_spot": "0.2"})
    values = settings(blind_spot=0.2)
    result = core.p_align(values["labels"], values["error_rate"], **threat(values))
    assert float(result.blind_share) > 0.5
    assert str(result.regime) == "no_quantity_suffices"
    names = {t.get("name") for t in plotly_spec(at)["data"]}
    assert not any(str(name).startswith("P_align = ") for name in names)
    text = " ".join(m.value for m in at.markdown)
    assert "No quantity suffices anywhere on this map" in text
    assert "more error does not help" in text
    assert "more error helps" not in text
    assert trace(plotly_spec(at), "q = ½")["y"] == [0.0, 0.0]


def open_cost_law(at: AppTest) -> AppTest:
    """Open the map's cost-law expander (what a click on it sets); its controls are built while open."""
    at.session_state["map_cost_box"] = True
    return at.run()


def test_map_cost_metric_follows_the_cost_law():
    at = open_cost_law(open_page(MAP))
    at.selectbox(key="map_cost_reference").set_value("experts").run()
    at.slider(key="map_cost_gamma").set_value(1.0).run()
    price = float(core.cost_law_price(DEFAULT["error_rate"], core.PRESETS["experts"], 1.0))
    law = map_view.dollars(price * DEFAULT["labels"])
    assert metric(at, "Its cost under the cost law") == law
    # Side by side with the Overview's default pricing: contractors' flat $1 a label (anchors).
    flat = map_view.dollars(DEFAULT["labels"] * core.PRESETS["contractors"].cost_per_label)
    (both,) = [c.value for c in at.caption if c.value.startswith("**Two prices for one programme")]
    assert f"under the cost law (this page) {law}" in both
    assert f"(the Overview's default pricing), {flat}" in both
    # Iso-cost lines are N = budget / price(ε) under the same law.
    cost = [t for t in plotly_spec(at)["data"] if t.get("legendgroup") == "iso-cost"]
    assert len(cost) == len(map_view.DEFAULT_BUDGETS)
    eps = np.asarray(cost[0]["y"])
    expected = min(map_view.DEFAULT_BUDGETS) / core.cost_law_price(eps, core.PRESETS["experts"], 1.0)
    assert cost[0]["x"] == pytest.approx(expected.tolist(), rel=1e-12)


def test_map_controls_have_keys_and_help():
    at = open_cost_law(open_page(MAP))
    widgets = [
        at.multiselect(key="map_levels"),
        at.selectbox(key="map_cost_reference"),
        at.slider(key="map_cost_gamma"),
        at.multiselect(key="map_budgets"),
    ]
    assert all(w.help for w in widgets)
    (button,) = [b for b in at.main.get("download_button") if b.key == "map_csv"]
    assert button.proto.help
    # The levels are bound to the URL; the cost law's controls are kept, and linked, by their store.
    assert widgets[0].proto.query_param_key == "map_levels"
    assert set(map_view.COST_LAW.keys) | {"map_levels"} == set(map_view.LINK_KEYS)


def test_grid_csv_holds_the_cores_grid():
    labels, error_rates = map_view.grid_axes()
    assert (labels.size, error_rates.size) == (map_view.LABELS_POINTS, map_view.ERROR_POINTS)
    values = threat(settings())
    result = core.p_align(labels[None, :], error_rates[:, None], **values)
    data = {
        "labels": labels.tolist(),
        "error_rate": error_rates.tolist(),
        "p_align": np.asarray(result.p_align).tolist(),
        "p_align_lower_bound": np.asarray(result.p_align_lower_bound).tolist(),
    }
    lines = map_view.grid_csv(data, values).splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["labels", "error_rate", "p_align", "p_align_lower_bound"]
    # Each whole label count once (the grid repeats 1, 2, 3, … at its low end).
    distinct = np.unique(labels).size
    assert len(lines) == 1 + distinct * error_rates.size
    # Row for (N = 1e12, ε = 0.1): the core's value to the last digit.
    row = 1 + 20 * distinct + (distinct - 1)
    fields = lines[row].split(",")
    assert float(fields[0]) == 1e12
    assert float(fields[1]) == error_rates[20]
    assert float(fields[2]) == float(core.p_align(1e12, error_rates[20], **values).p_align)
    assert float(fields[header.index("blind_spot")]) == DEFAULT["blind_spot"]


# --- over time ----------------------------------------------------------------------------------


def core_trajectory(values: dict[str, float], **rates):
    """The core's trajectory for the sidebar's ``values`` and the given rates (others default)."""
    independent = {name: value for name, value in values.items() if name != "overlap"}
    return core.trajectory(core.TrajectoryRates(**rates), **independent)


def test_over_time_has_a_slider_per_rate_with_its_note_and_default():
    at = open_page(OVER_TIME)
    for name in RATE_FIELDS:
        slider = at.slider(key=name)
        assert slider.value == QUANTITIES[name].default == getattr(core.DEFAULT_RATES, name)
        assert QUANTITIES[name].note in slider.help
        assert f"`{name}`" in slider.help  # the share-link key


def test_over_time_default_first_unreachable_generation_is_the_cores():
    at = open_page(OVER_TIME)
    first = core_trajectory(settings()).first_unreachable_generation
    assert first == 3  # pinned in the core's own docstring (aliquant_core/trajectory.py)
    assert metric(at, "No quantity suffices from") == "generation 3"
    assert any("From generation 3 on, no quantity suffices" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("exploitation_gap_factor_per_generation", 1.0),  # exploitation stays: later crossing
        ("assistance_divisor_per_generation", 1.5),  # assistance outpaces blind spots: never
        ("blind_spot_factor_per_generation", 1.5),  # blind spots outgrow assistance: sooner
        ("generations", 2),  # stops before the default crossing at 3
    ],
)
def test_over_time_slider_sets_the_first_unreachable_generation(key, value):
    at = open_page(OVER_TIME)
    at.slider(key=key).set_value(value).run()
    assert not at.exception
    t = core_trajectory(settings(), **{key: value})
    generations = t.rates.generations
    expected = f"generation {t.first_unreachable_generation}"
    if t.first_unreachable_generation is None:
        expected = f"none up to {generations}"
    assert metric(at, "No quantity suffices from") == expected
    # Every generation is a row of the table (built when its expander is opened).
    assert not at.dataframe
    at.session_state["trajectory_box"] = True
    at.run()
    (table,) = at.dataframe
    assert len(table.value) == generations + 1


def test_over_time_follows_the_sidebar():
    at = open_page(OVER_TIME)
    at.number_input(key="labels").set_value(300_000.0).run()
    at.slider(key="error_rate").set_value(0.1).run()
    values = settings(labels=300_000.0, error_rate=0.1)
    t = core_trajectory(values)
    assert metric(at, "No quantity suffices from") == over_time.unreachable_text(
        t.first_unreachable_generation, t.rates.generations
    )
    assert metric(at, "Labels for P* = 0.9 now") == formatting.count(float(t.required_labels[0]))
    # Generation 0 is the present: the same labels for P* as the core's required_labels.
    assert float(t.required_labels[0]) == float(core.required_labels(0.9, 0.1, **threat(values)))
    spec = plotly_spec(at)
    p_align = trace(spec, "P_align of this programme")
    assert p_align["y"] == pytest.approx(np.asarray(t.p_align).tolist(), rel=1e-12, abs=0)
    needed = trace(spec, "labels for P* = 0.9")
    assert needed["y"] == [float(v) if math.isfinite(v) else None for v in t.required_labels]


def test_trajectory_csv_holds_the_cores_trajectory():
    values = settings()
    rates = {"generations": 4, "blind_spot_factor_per_generation": 1.3}
    data = over_time.run(rates, **{name: v for name, v in values.items() if name != "overlap"})
    t = core_trajectory(values, **rates)
    lines = over_time.trajectory_csv(data, rates, values).splitlines()
    header = lines[0].split(",")
    assert len(lines) == 1 + 5
    for i, line in enumerate(lines[1:]):
        row = dict(zip(header, line.split(","), strict=True))
        assert int(row["generation"]) == i
        assert float(row["required_labels"]) == float(t.required_labels[i])
        assert float(row["p_align"]) == float(t.p_align[i])
        assert float(row["blind_spot"]) == float(t.blind_spot[i])
        assert float(row["blind_spot_factor_per_generation"]) == 1.3
        assert float(row["labels"]) == DEFAULT["labels"]


def test_over_time_rates_in_a_share_link():
    at = open_page(OVER_TIME, {"generations": "5", "labels": "20000"})
    assert not [w.value for w in at.warning if "ignored" in w.value]
    assert at.slider(key="generations").value == 5


def test_view_doctests():
    assert doctest.testmod(map_view).failed == 0
    assert doctest.testmod(over_time).failed == 0
