""" "Download all" holds every page (issue 14, point 5): each page's charts and tables at its controls.

The bundle is built from one page (the Overview, mostly) and compared, file by file, with what each
page's own CSV buttons give for the same state: the test switches to the page in the same session
and builds the CSVs its run recorded (:func:`aliquant_app.exports.record_csv`: the very callables
its buttons hold). Headless (AppTest); PNG checks skip where Kaleido or Chromium is missing.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app import bundle_pages, exports, map_view, programmes_view
from aliquant_core.scenario import scenario_from_json

APP = str(Path(__file__).resolve().parents[1] / "app.py")
RUN_KEY = "_aliquant_export_run"

#: Page script, its folder in the zip, and the CSV buttons its default view draws.
PAGES = [
    ("pages/overview.py", "overview", ["overview_csv"]),
    ("pages/map.py", "quality_quantity_map", ["map_csv"]),
    ("pages/programmes.py", "programmes", ["csv_comparison", "csv_budget"]),
    ("pages/over_time.py", "over_time", ["trajectory_csv"]),
    ("pages/uncertainty.py", "uncertainty", ["unc_quantiles_csv", "unc_draws_csv"]),
]


def start(link: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (link or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str, state: dict | None = None) -> AppTest:
    at.switch_page(page)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def zipped(at: AppTest, monkeypatch, png: bool = False) -> zipfile.ZipFile:
    """The bundle of the page ``at`` shows now (without PNGs unless ``png``)."""
    if not png:
        monkeypatch.setattr(exports, "png_available", lambda: False)
    run = at.session_state[RUN_KEY]
    return zipfile.ZipFile(io.BytesIO(exports.bundle(run)))


def page_csvs(at: AppTest) -> dict[str, str]:
    """The CSVs of the page ``at`` shows, as its own buttons give them: file name → text."""
    run = at.session_state[RUN_KEY]
    return {file_name: build() for file_name, build, _ in run.csvs.values()}


def test_the_bundle_from_the_overview_holds_every_pages_csvs_as_their_buttons_give_them(monkeypatch):
    at = start({"labels": "250000"})
    archive = zipped(at, monkeypatch)
    names = archive.namelist()
    for page, folder, keys in PAGES:
        own = page_csvs(go(at, page))
        assert {k for k in at.session_state[RUN_KEY].csvs} >= set(keys)
        for file_name, text in own.items():
            path = f"{folder}/{file_name}"
            assert path in names, path
            assert archive.read(path).decode() == text, path  # the same bytes as the page's button
    # Every page with charts has its folder; nothing else is in the zip.
    folders = {name.split("/")[0] for name in names if "/" in name}
    assert folders == {folder for _, folder, _ in PAGES}
    # The sections the default views do not draw come too: the budget split and the sensitivity.
    assert "programmes/aliquant_budget_split.csv" in names
    assert "uncertainty/aliquant_uncertainty_sensitivity.csv" in names


def test_sections_not_open_match_their_buttons(monkeypatch):
    at = start()
    archive = zipped(at, monkeypatch)
    split = page_csvs(go(at, "pages/programmes.py", {"prog_view": programmes_view.SECTIONS["split"]}))
    assert archive.read("programmes/aliquant_budget_split.csv").decode() == split["aliquant_budget_split.csv"]
    sensitivity = page_csvs(go(at, "pages/uncertainty.py", {"unc_view": "Which assumption matters"}))
    name = "aliquant_uncertainty_sensitivity.csv"
    assert archive.read(f"uncertainty/{name}").decode() == sensitivity[name]


def test_the_readme_has_a_line_per_file_with_its_columns_and_the_scenario_reads_back(monkeypatch):
    at = start({"labels": "250000", "error_rate": "0.12", "target": "0.95"})
    run = at.session_state[RUN_KEY]
    run.link = "http://localhost:8501/home?labels=250000&error_rate=0.12&target=0.95"
    archive = zipped(at, monkeypatch)
    readme = archive.read("README.txt").decode()
    assert archive.namelist()[0] == "README.txt"
    for name in archive.namelist()[1:]:
        line = next(line for line in readme.splitlines() if line.startswith(f"- {name}: "))
        if name.endswith(".csv"):
            header = archive.read(name).decode().split("\n", 1)[0]
            assert f"Columns: {header.replace(',', ', ')}." in line, name
            assert "written `inf`" in line
    assert run.link in readme
    assert "one table per file" in readme  # the CSV convention, once for all
    scenario = scenario_from_json(archive.read("aliquant_scenario.json"))
    assert scenario.assumptions.as_dict() == run.assumptions  # the sidebar's values
    assert (scenario.assumptions.labels, scenario.assumptions.error_rate) == (250000.0, 0.12)
    # What needs a click on its page is named as left out, not run.
    assert "the cheapest programme: not searched" in readme
    assert "Check by simulation: not run in this session" in readme


def test_a_control_changed_on_one_page_shows_in_the_bundle_from_another(monkeypatch):
    at = start()
    go(at, "pages/programmes.py")
    at.select_slider(key="budgets").set_value((1e3, 1e6)).run()
    changed = page_csvs(at)["aliquant_programmes_dollars.csv"]
    go(at, "pages/overview.py")
    archive = zipped(at, monkeypatch)
    assert archive.read("programmes/aliquant_programmes_dollars.csv").decode() == changed
    default = page_csvs(go(start(), "pages/programmes.py"))["aliquant_programmes_dollars.csv"]
    assert changed != default


def hovers(spec: dict) -> str:
    """Every trace's hover template of a figure (its dict), in one string."""
    return " | ".join(str(trace.get("hovertemplate", "")) for trace in spec["data"])


def bundled_map(at: AppTest) -> str:
    """The hovers of the map the bundle from the page ``at`` shows would draw."""
    run = at.session_state[RUN_KEY]
    (build,) = [build for page, build in run.plans if page.folder == "quality_quantity_map"]
    (item,) = [item for item in build().items if item.chart == "quality_quantity_map"]
    return hovers(item.figure().to_plotly_json())


def test_the_maps_cost_law_gamma_shows_in_the_bundle_from_the_overview():
    at = start()
    go(at, "pages/map.py", {"map_cost_box": True})  # the cost law's box open: its slider drawn
    at.slider(key="map_cost_gamma").set_value(3.0).run()
    assert "γ = 3<" in hovers(json.loads(at.get("plotly_chart")[0].proto.spec))  # the page's map
    go(at, "pages/overview.py")
    assert "γ = 3<" in bundled_map(at)
    assert f"γ = {map_view.DEFAULT_GAMMA:g}<" in bundled_map(start())


def test_the_bundle_holds_the_controls_as_they_stood_when_the_bar_was_drawn():
    """Every page's controls are read when the bundle is built, from Session State as it stood at
    the end of the run that drew the bar: a later change (a callback changing a page's store in
    place) does not reach that run's bundle."""
    at = start()
    go(at, "pages/map.py", {"map_cost_box": True})
    at.slider(key="map_cost_gamma").set_value(3.0).run()
    go(at, "pages/overview.py")
    run = at.session_state[RUN_KEY]
    assert run._plans is None  # not read during the run
    at.session_state[map_view.COST_LAW.store_key]["map_cost_gamma"] = 5.0  # as its callback would
    (build,) = [build for page, build in run.plans if page.folder == "quality_quantity_map"]
    (item,) = [item for item in build().items if item.chart == "quality_quantity_map"]
    assert "γ = 3<" in hovers(item.figure().to_plotly_json())


def test_the_simulation_comes_as_last_run_while_the_sidebar_is_unchanged(monkeypatch):
    at = start()
    simulated = page_csvs(go(at, "pages/simulation.py"))
    go(at, "pages/overview.py")
    archive = zipped(at, monkeypatch)
    for file_name, text in simulated.items():
        assert archive.read(f"simulation_check/{file_name}").decode() == text
    at.session_state["error_rate"] = 0.12  # a sidebar value changed since the simulation ran
    at.run()
    readme = zipped(at, monkeypatch).read("README.txt").decode()
    assert "Check by simulation: last run with other sidebar values" in readme


needs_png = pytest.mark.skipif(not exports.png_available(), reason="Kaleido or Chromium not installed")


@needs_png
def test_every_pages_charts_are_pngs_and_the_time_cap_names_what_is_left_out(monkeypatch):
    at = start()
    archive = zipped(at, monkeypatch, png=True)
    pngs = sorted(name for name in archive.namelist() if name.endswith(".png"))
    assert pngs == [
        "over_time/aliquant_trajectory.png",
        "overview/aliquant_p_align_curve.png",
        "programmes/aliquant_budget_split.png",
        "programmes/aliquant_programmes_dollars.png",
        "quality_quantity_map/aliquant_quality_quantity_map.png",
        "uncertainty/aliquant_uncertainty_p_align.png",
        "uncertainty/aliquant_uncertainty_required_labels.png",
        "uncertainty/aliquant_uncertainty_sobol.png",
        "uncertainty/aliquant_uncertainty_tornado.png",
    ]
    run = at.session_state[RUN_KEY]
    capped = zipfile.ZipFile(io.BytesIO(exports.bundle(run, seconds=0.0)))
    assert not [name for name in capped.namelist() if name.endswith(".png")]
    readme = capped.read("README.txt").decode()
    assert "PNGs not rendered within the bundle's 0 s" in readme
    for name in pngs:
        assert name in readme
    assert len([n for n in capped.namelist() if n.endswith(".csv")]) == 9  # the data all comes


def test_a_page_that_fails_leaves_a_readme_line_and_the_rest_comes(monkeypatch):
    at = start()
    run = at.session_state[RUN_KEY]

    def broken():
        raise RuntimeError("boom")

    run.plans = [(bundle_pages.PAGE_BUNDLES[0], broken), *run.plans[1:]]
    archive = zipped(at, monkeypatch)
    assert "Overview: its files could not be made" in archive.read("README.txt").decode()
    assert "quality_quantity_map/aliquant_quality_quantity_map.csv" in archive.namelist()
