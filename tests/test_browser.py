"""End-to-end tests in headless Chromium against ``streamlit run`` on a free port.

What a user does: open the app, see every page's charts, move a slider, copy the URL, open it in a
fresh browser and see the same numbers. Screenshots of every page are kept in ``test-artifacts/``.

Chromium comes from Debian (``/usr/bin/chromium``; CI installs it), driven by Playwright with the
flags this machine needs. Without Chromium these tests skip and say so.
"""

from __future__ import annotations

from pathlib import Path

import bench_app  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import pytest

from .server import serve_app

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
# Debian's Chromium and the flags every browser here is launched with, as the benchmarks do.
CHROMIUM, FLAGS = bench_app.CHROMIUM, bench_app.CHROMIUM_FLAGS
#: url_path of each page in app.py, and whether it draws a chart without pressing a button. The
#: default page lives at the root (Streamlit ignores a default page's url_path).
PAGES = {
    "": True,
    "quality-map": True,
    "budgets": True,
    "over-time": True,
    "uncertain": True,
    "check": True,
    "model": False,
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium found at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


@pytest.fixture(scope="module")
def warm_server(server, browser):
    """The server after its first session (its caches warm), as most viewers meet it.

    A server's very first request, with a deep link, is checked in
    ``tests/test_browser_shell.py`` (``test_a_deep_link_is_the_first_request_after_a_start``).
    """
    context, page = _open(browser, server)
    _settled(page)
    context.close()
    return server




def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector('[data-testid="stApp"]', timeout=30_000)
    return context, page


def _settled(page, timeout: float = 30_000) -> None:
    """Wait until Streamlit has finished the run (no running indicator) and drawn at least once."""
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stStatusWidget"]')""", timeout=timeout
    )


def _headline(page) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text="Chance of outer alignment").first
    metric.wait_for(timeout=30_000)
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.parametrize(("path", "has_chart"), list(PAGES.items()))
def test_each_page_loads_and_draws_its_charts(warm_server, browser, path, has_chart):
    context, page = _open(browser, f"{warm_server}/{path}")
    try:
        _settled(page)
        if has_chart:
            svg = page.locator(".js-plotly-plot .main-svg").first
            svg.wait_for(timeout=30_000)
            # A drawn plot has traces: paths inside its SVG layers.
            page.wait_for_function(
                """() => [...document.querySelectorAll('.js-plotly-plot .main-svg')]
                         .some(svg => svg.querySelectorAll('path').length > 5)""",
                timeout=30_000,
            )
        assert page.locator('[data-testid="stException"]').count() == 0
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"page-{path or 'overview'}.png"), full_page=True)
    finally:
        context.close()


def test_slider_changes_headline_and_url_and_the_url_reproduces_it(warm_server, browser):
    context, page = _open(browser, f"{warm_server}/")
    try:
        _settled(page)
        before = _headline(page)
        # Streamlit 1.67's slider is a react-aria range input: keys move it as a user's would.
        thumb = page.locator(".st-key-error_rate input[type='range']").first
        thumb.wait_for(state="attached", timeout=30_000)
        # The first key press can land before the widget has hydrated; a user would press again.
        for _ in range(10):
            thumb.focus()
            page.keyboard.press("PageUp")
            try:
                page.wait_for_function("() => location.search.includes('error_rate=')", timeout=3_000)
                break
            except Exception:  # playwright's TimeoutError: press again
                continue
        assert "error_rate=" in page.url
        page.wait_for_function(
            "(before) => { const m = [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
            ".find(e => e.innerText.includes('Chance of outer alignment'));"
            " return m && !m.innerText.includes(before); }",
            arg=before,
            timeout=30_000,
        )
        _settled(page)
        after = _headline(page)
        assert after != before
        shared = page.url
    finally:
        context.close()
    fresh, page = _open(browser, shared)  # a new context: no cookies, no session, only the link
    try:
        _settled(page)
        assert _headline(page) == after
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "shared-link.png"))
    finally:
        fresh.close()


def test_bad_link_opens_with_a_note(warm_server, browser):
    context, page = _open(browser, f"{warm_server}/?error_rate=banana&labels=1e99&colour=blue")
    try:
        _settled(page)
        note = page.locator('[data-testid="stAlert"]', has_text="error_rate")
        note.first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()


def test_narrow_screen_keeps_the_headline(warm_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{warm_server}/", wait_until="domcontentloaded")
        _settled(page)
        assert _headline(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"page is {overflow}px wider than a 390px screen"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "narrow-home.png"), full_page=True)
    finally:
        context.close()


#: What a decision-maker needs from the Overview, visible without scrolling at 1280 × 800: the plain
#: answer, the headline, what the target takes and what the programme costs. The chart follows.
OVERVIEW_METRICS = (
    "Chance of outer alignment",
    "Labels for 90%",
    "Cost of 100,000 labels",
    "Labeler-hours",
    "Calendar weeks",
)


def test_overview_fits_a_1280_by_800_screen_without_scrolling(warm_server, browser):
    context, page = _open(browser, f"{warm_server}/")  # a 1280 × 800 viewport
    try:
        _settled(page)
        page.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=30_000)
        bottoms = {}
        for label in OVERVIEW_METRICS:
            box = page.locator('[data-testid="stMetric"]', has_text=label).first.bounding_box()
            bottoms[label] = box["y"] + box["height"]
        answer = page.locator(".st-key-answer").bounding_box()
        bottoms["the plain answer"] = answer["y"] + answer["height"]
        assert page.evaluate("() => window.scrollY") == 0
        assert max(bottoms.values()) <= 800, bottoms
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "overview-1280x800.png"))  # the viewport only
    finally:
        context.close()


#: Metrics of the Overview's rows with a value too long for its column at 1280 px in a short font
#: (layout.metric_row): 10 labels give "practically zero" and, for the tolerances, "none reaches
#: it" twice, beside short values ("99,890", "10^…") in the same rows.
LONG_LINK = "/?labels=10"


def test_long_metric_values_wrap_in_a_smaller_font_and_are_never_cut_off(warm_server, browser):
    context, page = _open(browser, f"{warm_server}{LONG_LINK}")
    try:
        _settled(page)
        page.locator('[data-testid="stMetric"]', has_text="Largest blind spot").first.wait_for(timeout=30_000)
        # The link's run can land after a first paint (on a loaded machine the check once caught the
        # headline in the row of the run before): wait, up to a bound, for the row keyed with its
        # long values and the fonts, then judge what is shown.
        page.wait_for_selector('[class*="st-key-metrics-top_long1"] [data-testid="stMetric"]', timeout=30_000)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        shown = page.evaluate(
            """() => [...document.querySelectorAll('[class*="st-key-metrics-"] [data-testid="stMetric"]')]
                .map(m => {
                    const value = m.querySelector('[data-testid="stMetricValue"]');
                    const text = value.querySelector('div') || value;
                    return {label: m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
                            value: value.innerText.trim(), size: parseFloat(getComputedStyle(value).fontSize),
                            cut: text.scrollWidth - text.clientWidth};
                })"""
        )
        by_label = {m["label"]: m for m in shown}
        # The interval sits in the row's wide fourth column, where its value fits as it is.
        spread = "90% interval, allowing for uncertainty"
        long = {label for label, m in by_label.items() if len(m["value"]) > 8 and label != spread}
        # The link gives both kinds, in both rows, so the check below can tell them apart.
        assert {"Chance of outer alignment", "Largest blind spot"} <= long, by_label
        assert {"Labels for 90%", "Most competitors"} & (set(by_label) - long), by_label
        for label, m in by_label.items():
            assert m["cut"] <= 1, f"{label}: {m['value']!r} is cut off by {m['cut']} px"
            if label in long:  # 1.45rem; short values keep the row's own size (2.25rem, 1.75rem)
                assert m["size"] == pytest.approx(23.2, abs=0.1), m
            else:
                assert m["size"] > 26, m
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "overview-long-values-1280x800.png"))
    finally:
        context.close()
