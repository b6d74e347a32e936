"""The explorer's shell in headless Chromium: viewer mode, deep links from a server's first
request, no request to another host, every page's header and navigation, and the phone layout.

Issue 14, points 1, 2, 6 and 7. Each page is opened at 1280×800 and at 390×844 (a phone: its user
agent, touch, 3× pixels); the screenshots go to ``test-artifacts/`` (``<viewport>-<page>.png``: the
first screen; ``<viewport>-<page>-whole.png``: the whole page, the window stretched to its height).
Chromium, flags and helpers are those of ``tests/test_browser.py``.
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from aliquant_app.layout import PAGES as REGISTRY

from .server import serve_app
from .test_browser import ARTIFACTS, CHROMIUM, ROOT, _settled

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"no Chromium found at {CHROMIUM}"),
]

#: Each page's path as a visitor types it (the Overview, the default page, lives at "/"), and
#: its title and question as declared once in the registry.
PATHS = {("" if i == 0 else page.url_path): page for i, page in enumerate(REGISTRY)}
#: A phone: an iPhone's user agent (Streamlit closes the sidebar after a page is chosen only for a
#: mobile user agent), touch, and the 390 × 844 screen of the issue.
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
#: Recorded from the first byte a page loads: every dialog and every old-style (version-1)
#: sidebar list of pages that appears, even for a moment.
WATCH = """
window.__seen = [];
new MutationObserver(() => {
  for (const selector of ['[role="dialog"]', '[data-testid="stSidebarNav"]']) {
    const element = document.querySelector(selector);
    if (element && element.innerText.trim()) {
      window.__seen.push(selector + ': ' + element.innerText.slice(0, 80));
    }
  }
}).observe(document, {subtree: true, childList: true});
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:
        yield url


def _page(browser, device: dict, requests: list | None = None):
    context = browser.new_context(**device)
    if requests is not None:
        context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.add_init_script(WATCH)
    return context, page


def _open(page, url: str) -> None:
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector(".st-key-page_header", timeout=60_000)
    _settled(page, timeout=60_000)


def _header(page) -> tuple[str, str]:
    box = page.locator(".st-key-page_header")
    return box.locator("h3").inner_text().strip(), box.locator("p").first.inner_text().strip()


def _foreign(urls, server: str) -> list[str]:
    """The URLs whose host is not the app's (data: and blob: URLs stay in the page)."""
    host = urlsplit(server).hostname
    return sorted({u for u in urls if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                   and urlsplit(u).hostname != host})  # fmt: skip


def _overlap(a: dict, b: dict) -> bool:
    """Whether two bounding boxes share any area."""
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


def _shoot(page, name: str, device: dict) -> None:
    """The first screen, then the whole page (the window stretched to the main area's height)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    size = device["viewport"]
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 8000)})
    time.sleep(0.5)  # a resize redraws the charts
    page.screenshot(path=str(ARTIFACTS / f"{name}-whole.png"))
    page.set_viewport_size(size)


#: Room between the header's question (its last line) and the next element drawn below it, in px
#: (negative: they overlap, as a two-line question did on a phone).
BELOW_HEADER = """() => {
  const header = document.querySelector('.st-key-page_header');
  const bottom = header.querySelector('p').getBoundingClientRect().bottom;
  const next = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stElementContainer"]')]
    .find(e => !header.contains(e) && header.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING
               && e.getBoundingClientRect().height > 0);
  return next ? next.getBoundingClientRect().top - bottom : 0;
}"""
#: Pages that draw no chart without a button press.
NO_CHART = {"labels-in", "model"}
#: Pairs of a chart's notes and legend entries that overlap (by more than a pixel each way). At
#: 390 px, before charts kept a minimum width on phones, the Overview's "300 labeler-hours" note
#: ran into its "within 2 OOM of RLHF" note; at every width the pipelines strip's labels
#: "Anthropic HH" and "Constitutional AI" overlapped by 3–4 px (its lanes were 12 px apart).
NOTES_OVERLAP = """() => {
  const out = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const boxes = [...plot.querySelectorAll('.annotation-text, .legendtext, .textpoint text')]
      .map(e => [e.textContent, e.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i][1], boxes[j][1]];
      const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (x > 1 && y > 1) out.push([boxes[i][0], boxes[j][0]]);
    }
  }
  return out;
}"""


# --- point 2: deep links from the first request ----------------------------------------------

#: Link values a shared link carries: a sidebar value (every page) and the shown labels.
LINK = {"labels": "5000", "error_rate": "0.12"}


@pytest.mark.parametrize("path", [*PATHS, REGISTRY[0].url_path])
def test_a_deep_link_is_the_first_request_after_a_start(browser, tmp_path, path):
    """Each page's link (and ``/home``), opened as the very first request of a new server: the page
    is drawn with the link's values, and no dialog or old-style sidebar list appears, even briefly.
    Without ``app.py``'s ``st.App`` (Streamlit's version-1 first run) this saw "Page not found" and
    the list of files in ``pages/``."""
    page_info = PATHS.get(path, REGISTRY[0])
    query = "&".join(f"{key}={value}" for key, value in LINK.items())
    with serve_app(tmp_path) as url:
        context, page = _page(browser, DESKTOP)
        try:
            _open(page, f"{url}/{path}?{query}")
            page.locator(".st-key-labels input").wait_for(timeout=30_000)
            time.sleep(0.5)  # a late dialog would come with the run's last messages
            assert page.evaluate("window.__seen") == []
            assert _header(page) == (page_info.title, page_info.question)
            assert page.locator(".st-key-labels input").input_value() == "5000"
            assert {"error_rate=0.12", "labels=5000"} <= set(urlsplit(page.url).query.split("&"))
            if path == REGISTRY[0].url_path:  # /home opens the Overview at its address, /
                assert urlsplit(page.url).path == "/"
            assert page.locator('[data-testid="stException"]').count() == 0
        finally:
            context.close()


# --- points 6 and 7: every page, at 1280 × 800 and on a phone ---------------------------------


@pytest.mark.parametrize(("device", "name"), [(DESKTOP, "1280x800"), (PHONE, "390x844")])
def test_every_page_stays_on_its_host_fits_and_is_headed(server, browser, device, name):
    """Every page in turn: no request (fonts, icons, scripts, the tab icon...) to any host but the
    app's, no sideways scrolling of the page, the page's title and question first, no chart note
    or legend entry over another, and screenshots. With the old ``:material/balance:`` tab icon
    the browser asked fonts.gstatic.com for it on every page."""
    requests: list[str] = []
    context, page = _page(browser, device, requests)
    try:
        for path, info in PATHS.items():
            _open(page, f"{server}/{path}")
            page.wait_for_timeout(1_000)  # late requests: the tab icon, fonts, chart assets
            # Elements that name a source the browser may fetch later (the tab icon included).
            sources = page.evaluate(
                "() => [...document.querySelectorAll('link[href], script[src], img[src], iframe[src]')]"
                ".map(e => e.href || e.src)"
            )
            assert _foreign([*requests, *sources], server) == [], path
            assert _header(page) == (info.title, info.question)
            assert page.evaluate(BELOW_HEADER) >= -1, f"/{path}: the next element overlaps the header"
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"/{path} is {overflow}px wider than the screen"
            if path not in NO_CHART:
                page.locator(".js-plotly-plot .legend").first.wait_for(timeout=30_000)
                assert page.evaluate(NOTES_OVERLAP) == [], path
            assert page.locator('[data-testid="stException"]').count() == 0
            _shoot(page, f"{name}-{path or 'overview'}", device)
    finally:
        context.close()


def test_all_pages_are_in_the_top_navigation_at_1280(server, browser):
    """Method and the simulation check (every page) are one click away, not in an overflow menu."""
    context, page = _page(browser, DESKTOP)
    try:
        _open(page, f"{server}/")
        # The navigation measures its items once laid out (fonts, the sidebar): give it a moment.
        shown = """(titles) => {
          const nav = document.querySelector('[data-testid="stTopNav"]');
          if (!nav) return null;
          const links = [...nav.querySelectorAll('[data-testid="stTopNavLink"]')]
            .filter(a => !a.closest('[aria-hidden="true"]') && a.getBoundingClientRect().width > 0)
            .map(a => (a.querySelector('[data-testid="stMarkdownContainer"]') || a).innerText.trim());
          return {links, overflow: /\\d+ more/.test(nav.innerText)};
        }"""
        titles = [info.title for info in REGISTRY]
        # A timeout is no error here: the assertions below say what was shown.
        with contextlib.suppress(Exception):
            page.wait_for_function(
                f"(titles) => {{ const s = ({shown})(titles);"
                " return s && !s.overflow && titles.every(t => s.links.includes(t)); }",
                arg=titles,
                timeout=15_000,
            )
        state = page.evaluate(shown, titles)
        assert not state["overflow"], state
        assert state["links"] == titles
    finally:
        context.close()


def test_the_chart_toolbar_leaves_the_legend_clear(server, browser):
    """Pointer on a chart: its mode bar shows, and covers no legend entry (it lay across the last
    entries of the legend row when it lay along the top)."""
    context, page = _page(browser, DESKTOP)
    try:
        _open(page, f"{server}/")
        chart = page.locator(".js-plotly-plot").first
        chart.wait_for(timeout=30_000)
        chart.hover()
        page.wait_for_function(
            "() => { const m = document.querySelector('.js-plotly-plot .modebar');"
            " return m && getComputedStyle(m.parentElement).opacity !== '0'; }",
            timeout=10_000,
        )
        bar = chart.locator(".modebar").bounding_box()
        entries = [chart.locator(".legend .traces").nth(i).bounding_box()
                   for i in range(chart.locator(".legend .traces").count())]  # fmt: skip
        assert entries
        for entry in entries:
            assert not _overlap(bar, entry), (bar, entry)
    finally:
        context.close()


def test_on_a_phone_the_answer_comes_first_and_the_sidebar_gets_out_of_the_way(server, browser):
    """At 390 × 844 the sidebar starts closed, the headline is on the first screen, a wide table
    scrolls inside its box, and choosing a page closes the sidebar again."""
    context, page = _page(browser, PHONE)
    try:
        _open(page, f"{server}/")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert sidebar.bounding_box()["x"] + sidebar.bounding_box()["width"] <= 0  # closed
        headline = page.locator('[data-testid="stMetric"]', has_text="Chance of outer alignment").first
        box = headline.bounding_box()
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= 844
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right > 200"
        )
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Programmes").click()
        page.wait_for_url("**/budgets", timeout=30_000)
        _settled(page)
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"]').getBoundingClientRect().right <= 0",
            timeout=10_000,
        )
        # The programmes table is wider than the phone: it scrolls inside its own box.
        table = page.locator("table").first
        table.wait_for(timeout=30_000)
        box = table.evaluate(
            "t => { const b = t.parentElement; return {scroll: b.scrollWidth, client: b.clientWidth,"
            " overflow: getComputedStyle(b).overflowX}; }"
        )
        assert box["scroll"] > box["client"], box
        assert box["overflow"] == "auto"
        assert page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 1
    finally:
        context.close()


# --- point 1: viewer mode ----------------------------------------------------------------------

#: What a viewer must not see in the menu: the developer options and the screen recorder.
DEVELOPER_OPTIONS = ("Rerun", "Clear cache", "Record screen", "Deploy")


def test_viewers_get_no_developer_menu(server, browser):
    """No Deploy button, and the main menu holds the app's About only (in Streamlit's developer
    mode it lists Rerun, Clear cache, Record screen...)."""
    context, page = _page(browser, DESKTOP)
    try:
        _open(page, f"{server}/")
        assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
        page.locator('[data-testid="stMainMenu"]').first.click()
        popover = page.locator('[data-testid="stMainMenuPopover"]')
        popover.wait_for(timeout=10_000)
        shown = popover.inner_text()
        assert "About" in shown
        assert [option for option in DEVELOPER_OPTIONS if option in shown] == []
    finally:
        context.close()


#: A script that fails with a message naming a path, served with the explorer's own settings.
FAILING = 'raise RuntimeError("secret detail at /srv/aliquant/keys.txt")\n'


def test_an_uncaught_exception_shows_no_traceback(browser, tmp_path):
    """An exception that escapes a script: the viewer sees a generic message, no traceback, no
    exception message or path, and no links to search engines (other hosts)."""
    (tmp_path / ".streamlit").mkdir()
    shutil.copy(ROOT / ".streamlit" / "config.toml", tmp_path / ".streamlit" / "config.toml")
    (tmp_path / "failing.py").write_text(FAILING)
    import bench_app  # benchmarks/ is on pytest's pythonpath (pyproject.toml)

    with bench_app.serve("failing.py", tmp_path, tmp_path) as (url, _command):
        context, page = _page(browser, DESKTOP)
        try:
            page.goto(url, wait_until="domcontentloaded")
            error = page.locator('[data-testid="stException"]')
            error.wait_for(timeout=60_000)
            text = page.locator('[data-testid="stMain"]').inner_text()
            for leak in ("secret detail", "keys.txt", "Traceback", "RuntimeError", "failing.py"):
                assert leak not in text
            assert page.locator('[data-testid="stException"] a[href^="http"]').count() == 0
        finally:
            context.close()
