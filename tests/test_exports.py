"""Sharing and exports (issue 14, point 5): copy link, embed, clean share links, PNG, the bundle.

Headless (AppTest) for what the server decides; in Chromium (marked ``browser``) for what only a
browser does: the copy button's clipboard, and the address a bound widget writes.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app import exports, linked, scenario_io, state
from aliquant_app.layout import PAGES
from aliquant_core.quantities import Assumptions

from .test_browser import CHROMIUM, FLAGS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
ARTIFACTS = ROOT / "test-artifacts"
RUN_KEY = "_aliquant_export_run"


def open_app(link: dict | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (link or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- share links without float noise ------------------------------------------------------------


def test_link_numbers_are_written_as_typed():
    # Whole numbers without ".0"; others as the shortest text that reads back to the same float
    # (a link read back must give the value exactly: tests/test_linked.py).
    assert linked.link_number(250000.0) == "250000"
    assert linked.link_number(1e12) == "1000000000000"
    assert linked.link_number(-0.0) == "0"
    assert linked.link_number(0.1638) == "0.1638"
    assert linked.link_number(2.5e-300) == "2.5e-300"


def test_streamlit_writes_bound_floats_through_link_number():
    # Streamlit 1.67 writes a float that code set into a bound widget with str(): "250000.0".
    from streamlit.runtime.state import query_params

    assert linked.install_link_numbers()
    coerce = query_params._coerce_value_for_query_url
    assert coerce(250000.0, "double_value") == "250000"
    assert coerce([0.25, 2.0], "double_array_value") == ["0.25", "2"]
    assert coerce(True, "bool_value") == "true"  # other kinds as Streamlit writes them
    assert coerce(3, "int_value") == "3"
    assert coerce.__wrapped__(250000.0, "double_value") == "250000.0"  # what it fixes


def test_the_log_slider_writes_whole_labels_into_the_link():
    # The log slider's callback sets the labels widget (a float) from 10^x: the link gets the
    # whole number, as a user would type it.
    at = open_app()
    at.slider(key=state.LABELS_LOG10_KEY).set_value(5.45).run()
    assert at.query_params["labels"] == "281838"


# --- tracking parameters and unknown keys -------------------------------------------------------


def test_tracking_parameters_are_dropped_without_a_note():
    link = {"labels": "250000", "utm_source": "mail", "utm_campaign": "x", "fbclid": "a1", "gclid": "b2"}
    at = open_app(link)
    assert not at.warning, [w.value for w in at.warning]
    assert dict(at.query_params) == {"labels": "250000"}


def test_a_note_about_many_unknown_keys_stays_one_short_line():
    link = {f"colour{i}": "blue" for i in range(40)}
    notes = state.check_link({key: [value] for key, value in link.items()}, {}, False)
    assert len(notes) == 1
    assert "and 35 more: not settings of this explorer" in notes[0]
    assert len(notes[0]) < 200
    one = state.check_link({"colour": ["blue"], "utm_medium": ["mail"]}, {}, False)
    assert one == ["`colour`=`blue`: not a setting of this explorer"]


# --- the bar on every page ----------------------------------------------------------------------


@pytest.mark.parametrize("page", [page.script for page in PAGES])
def test_every_page_has_copy_link_embed_and_download_all(page):
    at = open_app({"labels": "250000"}, page)
    copy = [h for h in at.get("html") if "aliquant-copy-link" in h.proto.body]
    assert len(copy) == 1
    assert copy[0].proto.unsafe_allow_javascript  # the button copies in the browser
    # The Embed popover is filled only while open (two elements fewer in every rerun).
    assert not [c for c in at.main.get("code") if "<iframe" in c.value]
    at.session_state["share_embed"] = True  # what opening it in the browser sets
    at.run()
    (embed,) = [c for c in at.main.get("code") if "<iframe" in c.value]
    assert "labels=250000" in embed.value
    assert "embed=true" in embed.value
    (bundle,) = [b for b in at.main.get("download_button") if b.key == "share_bundle"]
    assert bundle.proto.deferred_file_id  # built only when clicked


def test_the_style_and_copy_button_are_sent_compacted_and_otherwise_unchanged():
    """What is sent on every rerun is the written text less comments and spacing: the same
    characters in the same order once whitespace is left out, and shorter."""
    import re

    from aliquant_app import layout

    def bare(text: str) -> str:
        return re.sub(r"\s+", "", re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL))

    for written, sent in ((layout._STYLE, layout._STYLE_SENT), (exports._COPY_HTML, exports._COPY_HTML_SENT)):
        assert bare(sent) == bare(written)
        assert len(sent) < 0.9 * len(written)
        assert "/*" not in sent
    # Spaces that mean something stay: a descendant combinator, a value's parts, a script's lines.
    assert '[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"]' in layout._STYLE_SENT
    assert "padding:0.25rem 0.75rem" in exports._COPY_HTML_SENT
    assert "let done = false;\ntry {" in exports._COPY_HTML_SENT
    assert layout.compact_css("a  b {\n  color: red; /* why */\n}\n") == "a b{color: red;}"


def test_embed_snippet_escapes_the_link():
    snippet = exports.embed_snippet('https://x.org/?name="><script>')
    assert "<script>" not in snippet
    assert "&quot;&gt;&lt;script&gt;" in snippet


# --- PNG ----------------------------------------------------------------------------------------


def test_the_export_figure_carries_title_assumptions_source_and_link():
    at = open_app({"labels": "250000"})
    run = at.session_state[RUN_KEY]
    chart, figure = run.charts["alignment_curve"]
    link = "http://localhost:8501/?labels=250000"
    fig, height = exports.export_figure(figure, chart.title, chart.assumptions(run.assumptions), link)
    assert chart.title in fig.layout.title.text
    footer = fig.layout.annotations[-1].text
    assert "N = 250,000 labels" in footer
    assert "ε = 0.1638" in footer
    assert "Source: aliquant" in footer
    assert link in footer
    assert fig.layout.width == exports.PNG_WIDTH
    assert height == fig.layout.height > figure.layout.height
    assert figure.layout.title.text is None  # the page's figure is not changed


needs_png = pytest.mark.skipif(not exports.png_available(), reason="Kaleido or Chromium not installed")


@needs_png
def test_each_chart_has_a_png_button_and_plotlys_own_is_gone():
    at = open_app()
    pngs = [b.key for b in at.main.get("download_button") if b.key.endswith("_png")]
    assert pngs == ["alignment_curve_png"]
    (chart,) = at.get("plotly_chart")
    assert "toImage" in json.loads(chart.proto.config)["modeBarButtonsToRemove"]


@needs_png
def test_the_bundle_holds_scenario_every_csv_and_png_and_a_readme():
    from PIL import Image

    at = open_app({"labels": "250000"}, "pages/uncertainty.py")
    run = at.session_state[RUN_KEY]
    run.link = "http://localhost:8501/uncertain?labels=250000"  # AppTest has no browser address
    data = exports.bundle(run)
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = archive.namelist()
    assert names[0] == "README.txt"
    csvs = sorted(n for n in names if n.startswith("uncertainty/") and n.endswith(".csv"))
    pngs = sorted(n for n in names if n.startswith("uncertainty/") and n.endswith(".png"))
    # The page's own files, and its other view's (the sensitivity), in its folder (every page's
    # files: tests/test_bundle.py).
    assert csvs == [
        f"uncertainty/aliquant_uncertainty_{name}.csv" for name in ("draws", "quantiles", "sensitivity")
    ]
    assert pngs == [
        f"uncertainty/aliquant_uncertainty_{name}.png"
        for name in ("p_align", "required_labels", "sobol", "tornado")
    ]
    scenario = archive.read("aliquant_scenario.json").decode()
    assert scenario == scenario_io.export_text(Assumptions(labels=250000.0))
    readme = archive.read("README.txt").decode()
    for name in names[1:]:
        assert f"- {name}: " in readme, name  # each file said what it is
    assert run.link in readme
    assert "written `inf`" in readme  # the non-finite convention, on each CSV's line
    for name in pngs:
        image = Image.open(io.BytesIO(archive.read(name)))
        width, height = image.size
        assert width == exports.PNG_WIDTH * exports.PNG_SCALE
        assert height > 400 * exports.PNG_SCALE
        # Not blank: the title's dark text and the chart's colours are there.
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None
        assert len(colours) > 50
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "bundle-uncertainty.zip").write_bytes(data)


@needs_png
def test_a_png_download_is_the_chart_with_its_words():
    from PIL import Image

    at = open_app({"labels": "250000"})
    run = at.session_state[RUN_KEY]
    run.link = "http://localhost:8501/?labels=250000"
    image_bytes = exports.png_bytes(run, "alignment_curve")
    image = Image.open(io.BytesIO(image_bytes))
    assert image.format == "PNG"
    assert image.size[0] == exports.PNG_WIDTH * exports.PNG_SCALE
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "aliquant_p_align_curve.png").write_bytes(image_bytes)


def test_a_bundle_without_png_rendering_still_has_the_data(monkeypatch):
    at = open_app()
    run = at.session_state[RUN_KEY]
    monkeypatch.setattr(exports, "png_available", lambda: False)
    archive = zipfile.ZipFile(io.BytesIO(exports.bundle(run)))
    names = archive.namelist()
    assert {"README.txt", "overview/aliquant_p_align_curve.csv", "aliquant_scenario.json"} <= set(names)
    assert not [name for name in names if name.endswith(".png")]
    assert "PNGs are not included" in archive.read("README.txt").decode()


# --- in Chromium --------------------------------------------------------------------------------



@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium found at {CHROMIUM}")
def test_copy_link_copies_the_address_with_every_setting(tmp_path):
    playwright_sync = pytest.importorskip("playwright.sync_api")
    from .server import serve_app

    with serve_app(tmp_path) as url, playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
            page = context.new_page()
            page.goto(f"{url}/?labels=250000&utm_source=mail", wait_until="domcontentloaded")
            button = page.locator("button.aliquant-copy-link")
            button.wait_for(timeout=60_000)
            page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
            # The log slider: its callback sets the labels; the address holds a whole number.
            thumb = page.locator(f".st-key-{state.LABELS_LOG10_KEY} input[type='range']").first
            for _ in range(10):
                thumb.focus()
                page.keyboard.press("ArrowRight")
                try:
                    page.wait_for_function("() => !location.search.includes('labels=250000')", timeout=3_000)
                    break
                except Exception:  # playwright's TimeoutError: the widget was not ready; again
                    continue
            labels = page.evaluate("() => new URL(location.href).searchParams.get('labels')")
            assert labels is not None
            assert "." not in labels, labels
            assert math.isclose(float(labels), 10**5.45, rel_tol=1e-5)
            assert "utm_source" not in page.url
            # The copy button is in view on the first screen, and copies the address as it is now.
            box = button.bounding_box()
            assert box["y"] + box["height"] <= 800
            button.click()
            page.wait_for_function(
                "() => document.querySelector('button.aliquant-copy-link').innerText.includes('copied')"
            )
            copied = page.evaluate("() => navigator.clipboard.readText()")
            assert copied == page.url
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "share-bar-1280.png"))
        finally:
            browser.close()


def test_a_chart_whose_csv_button_is_in_a_closed_box_still_has_its_csv_in_the_bundle(monkeypatch):
    # Over time: the table and its CSV button are built only while their box is open.
    at = open_app(page="pages/over_time.py")
    assert not [b for b in at.main.get("download_button") if b.key == "trajectory_csv"]
    run = at.session_state[RUN_KEY]
    monkeypatch.setattr(exports, "png_available", lambda: False)
    archive = zipfile.ZipFile(io.BytesIO(exports.bundle(run)))
    assert "over_time/aliquant_trajectory.csv" in archive.namelist()
