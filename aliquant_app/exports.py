"""Sharing and exports, as Our World in Data does them: copy link, embed, PNG, CSV, everything.

Every page gets, at its top (:func:`share_bar`, around the page in ``app.py``):

- **Copy link**: a button that copies the page's address as the browser shows it, which holds
  every setting (the bound widgets keep it up to date). The link is built in the browser at the
  click, so it is never a run behind.
- **Embed**: an ``<iframe>`` snippet of the share link (``embed=true``: Streamlit's embedded view),
  built only while its popover is open.
- **Download all**: one zip (:func:`bundle`) of the scenario JSON, every chart's and table's CSV
  and every chart's PNG of every page (each page's builder in :mod:`aliquant_app.bundle_pages`, at
  the sidebar's values and that page's own controls as they stand), and a README naming each file.
  Built only when clicked (a deferred download); PNGs rendered in one browser, one at a time, for at
  most :data:`BUNDLE_SECONDS` (the README lists what did not fit).

Each chart's PNG (:func:`png_bytes`, a "PNG" button beside its CSV button) is an export copy of
the figure (:func:`export_figure`) with a title, the key assumptions, the source line and the
share link added, named after the chart (``aliquant_<chart>.png``, as its CSV). It is rendered on
the server by Kaleido, which drives a headless Chromium: the browser's own PNG button (plotly's
mode bar) cannot add text outside the chart, so it is removed while Kaleido is available
(:func:`png_available`), and kept as the fallback where it is not.

The charts and CSVs a page draws are recorded during the run (:func:`record_chart`,
:func:`record_csv`, called by :mod:`aliquant_app.page_parts`) in one object per run, which the
deferred downloads read when clicked. The CSVs themselves follow :mod:`aliquant_app.csv_tables`.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import html
import importlib.util
import io
import logging
import shutil
import textwrap
import threading
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from aliquant_core.quantities import QUANTITIES

from . import bundle_pages, calls, estimate_view, layout, linked, scenario_io, state
from .csv_tables import NONFINITE

__all__ = [
    "BUNDLE_CHARTS",
    "CHARTS",
    "Chart",
    "Run",
    "assumptions_line",
    "bundle",
    "current_run",
    "embed_snippet",
    "export_figure",
    "install",
    "png_available",
    "png_bytes",
    "record_chart",
    "record_csv",
    "share_bar",
    "share_link",
]

_LOG = logging.getLogger("aliquant_app.exports")


@dataclass(frozen=True)
class Chart:
    """How one chart is exported.

    Attributes
    ----------
    stem : str
        The file name's stem: ``aliquant_<stem>.png``, as its CSV (a page may give another:
        ``draw_chart(..., png=...)``).
    title : str
        The PNG's title, in words a funder reads.
    csv_key : str
        The key of the CSV button that holds its data; its PNG button is drawn beside it.
    short : str
        The PNG button's label where one CSV holds several charts' data.
    unused : tuple of str
        Sidebar quantities the chart does not use (left out of its assumptions line).
    note : str
        What else it assumes, after the sidebar's values (its page's own settings).
    """

    stem: str
    title: str
    csv_key: str
    short: str = "PNG"
    unused: tuple[str, ...] = ()
    note: str = ""

    def assumptions(self, values: Mapping[str, float | None]) -> str:
        """Its assumptions line (:func:`assumptions_line`) from the sidebar's ``values``."""
        line = assumptions_line({k: v for k, v in values.items() if k not in self.unused})
        return f"{line}; {self.note}" if self.note else line


#: What a programme sets itself (its sources' quality and its size): not the sidebar's values.
_PROGRAMME_SETS = ("labels", "error_rate", "agreement", "blind_spot")

#: The uncertainty page's charts draw the uncertain quantities from its intervals.
_INTERVALS = "the uncertain quantities drawn from the page's intervals (in the share link)"

#: Every chart of the explorer, by its ``draw_chart`` key.
CHARTS: dict[str, Chart] = {
    "alignment_curve": Chart(
        "p_align_curve", "Probability of outer alignment by number of labels", "overview_csv"
    ),
    "quality_quantity_map": Chart(
        "quality_quantity_map", "Probability of outer alignment by label quality and quantity", "map_csv"
    ),
    "budget_chart": Chart(
        "programmes_dollars",
        "Probability of outer alignment of each programme by budget",
        "csv_budget",
        unused=_PROGRAMME_SETS,
    ),
    "split_chart": Chart(
        "budget_split",
        "Splitting one budget between two labelling sources",
        "csv_split",
        unused=_PROGRAMME_SETS,
    ),
    "trajectory_chart": Chart(
        "trajectory",
        "Labels needed and probability of alignment over capability generations",
        "trajectory_csv",
    ),
    "unc_p_align_histogram": Chart(
        "uncertainty_p_align",
        "Probability of outer alignment across the uncertain assumptions",
        "unc_quantiles_csv",
        "PNG: P_align",
        note=_INTERVALS,
    ),
    "unc_required_histogram": Chart(
        "uncertainty_required_labels",
        "Labels required across the uncertain assumptions",
        "unc_quantiles_csv",
        "PNG: labels",
        note=_INTERVALS,
    ),
    "unc_tornado": Chart(
        "uncertainty_tornado",
        "Which assumption moves the probability of alignment most, one at a time",
        "unc_sensitivity_csv",
        "PNG: one at a time",
        note=_INTERVALS,
    ),
    "unc_sobol": Chart(
        "uncertainty_sobol",
        "Which assumption matters: shares of the variance (Sobol indices)",
        "unc_sensitivity_csv",
        "PNG: shares",
        note=_INTERVALS,
    ),
    "sim_formula_chart": Chart(
        "simulation_formula", "Simulation check: the formula against simulated datasets", "sim_formula_csv"
    ),
    "sim_binomial_chart": Chart(
        "simulation_binomial_m", "Simulation check: a fixed m against m ~ Binomial(N, f)", "sim_binomial_csv"
    ),
    "sim_bt_chart": Chart(
        "simulation_learner",
        "Simulation check: a Bradley–Terry reward model against the formula",
        "sim_bt_csv",
    ),
}

#: The source line every PNG and the bundle's README carry.
SOURCE = (
    "Source: aliquant, an explorer of quality–quantity curves for alignment training data. Model, "
    "assumptions and the published figures it draws on: the explorer's Method page."
)
#: Most charts one bundle renders (the explorer has 13; a bundle holds at most 11 at once).
BUNDLE_CHARTS = 16
#: Seconds one bundle may spend rendering PNGs (one Chromium, one chart at a time); charts not
#: rendered by then are left out, and the README names them.
BUNDLE_SECONDS = 90.0
#: Seconds Kaleido may take for one image, and to wait for another render to finish.
RENDER_TIMEOUT = 60
#: PNG size: the figure's own height at this width, at twice the resolution (as plotly's button).
PNG_WIDTH, PNG_SCALE = 1100, 2
#: Longest share link printed on a PNG (a link with every setting is about 1,500 characters).
MAX_LINK_PRINTED = 2_000
_LINE_CHARS = 165  # characters per footer line at PNG_WIDTH in 11 px type

#: One Kaleido (one Chromium) at a time in this process: each holds about 150 MB while it runs.
_RENDER_LOCK = threading.Semaphore(1)
_RUN_KEY = "_aliquant_export_run"


# --- what this run drew -------------------------------------------------------------------------


@dataclass
class Run:
    """The charts and CSVs one run drew, and its share link (filled at the end of the run).

    The deferred downloads hold this object and read it when clicked, after the run.
    """

    link: str = ""
    assumptions: dict[str, Any] = field(default_factory=dict)
    charts: dict[str, tuple[Chart, Any]] = field(default_factory=dict)
    csvs: dict[str, tuple[str, Callable[[], str], str]] = field(default_factory=dict)
    scenario: Callable[[], str] | None = None
    #: Makes :attr:`plans` from the controls as they stood when the bar was drawn (set by the bar).
    snapshot: Callable[[], list[tuple[Any, Callable[[], Any]]]] | None = field(default=None, repr=False)
    _plans: list[tuple[Any, Callable[[], Any]]] | None = field(default=None, repr=False)

    @property
    def plans(self) -> list[tuple[Any, Callable[[], Any]]]:
        """Every page's bundle builder, from its controls as they stood when the bar was drawn
        (:mod:`aliquant_app.bundle_pages`); made when first read (a bundle is built), not in every
        run: reading every page's controls cost 0.7 ms a rerun. Empty where they could not be read."""
        if self._plans is None:
            plans = []
            if self.snapshot is not None:
                try:
                    plans = self.snapshot()
                except Exception:  # the bundle falls back to this page's charts
                    _LOG.exception("bundle: the pages' settings could not be read")
            self._plans = plans
        return self._plans

    @plans.setter
    def plans(self, plans: list[tuple[Any, Callable[[], Any]]]) -> None:
        self._plans = plans


def current_run() -> Run | None:
    """This run's record, or None outside :func:`share_bar` (a page run on its own, in a test)."""
    try:
        return st.session_state.get(_RUN_KEY)
    except Exception:
        return None


def record_chart(key: str, figure: Any, png: str | None = None) -> Chart | None:
    """Note a chart drawn in this run (by ``draw_chart``); returns how it is exported."""
    run = current_run()
    chart = CHARTS.get(key)
    if run is None or chart is None:
        return chart
    if png is not None:
        chart = Chart(png, chart.title, chart.csv_key, chart.short, chart.unused, chart.note)
    run.charts[key] = (chart, figure)
    return chart


def record_csv(key: str, file_name: str, build: Callable[[], str], about: str) -> list[tuple[str, Chart]]:
    """Note a CSV button drawn in this run; returns the charts recorded with this CSV (key, chart)."""
    run = current_run()
    if run is None:
        return []
    run.csvs[key] = (file_name, build, about)
    return [(k, chart) for k, (chart, _) in run.charts.items() if chart.csv_key == key]


# --- the share link -----------------------------------------------------------------------------


def share_link() -> str:
    """This page's full address with every query parameter (a range's two values both kept)."""
    base = st.context.url or ""
    params = st.query_params
    pairs = [(key, value) for key in params for value in params.get_all(key)]
    query = urlencode(pairs)
    return f"{base}?{query}" if query else base


def embed_snippet(link: str, *, height: int = 720) -> str:
    """An ``<iframe>`` of ``link`` in Streamlit's embedded view (no toolbar).

    >>> print(embed_snippet("https://x.org/map?labels=5"))  # doctest: +NORMALIZE_WHITESPACE
    <iframe src="https://x.org/map?labels=5&amp;embed=true" title="aliquant" width="100%"
    height="720" style="border: 0;" loading="lazy"></iframe>
    """
    src = f"{link}{'&' if '?' in link else '?'}embed=true"
    return (
        f'<iframe src="{html.escape(src)}" title="aliquant" width="100%" height="{height}" '
        'style="border: 0;" loading="lazy"></iframe>'
    )


def assumptions_line(values: Mapping[str, float | None]) -> str:
    """The key assumptions in one line, by symbol (the table's), as the sidebar shows them.

    >>> assumptions_line({"labels": 250000.0, "error_rate": 0.1638, "target": 0.9})
    'N = 250,000 labels · ε = 0.1638 · P* = 0.9'
    """
    parts = []
    for name, value in values.items():
        if value is None or name not in QUANTITIES:
            continue
        quantity = QUANTITIES[name]
        if name == "labels":
            parts.append(f"N = {value:,.0f} labels")
        else:
            parts.append(f"{quantity.symbol} = {linked.link_number(float(value))}")
    return " · ".join(parts)


# --- the copy-link button (runs in the browser) -------------------------------------------------

#: The button and its script: reads the address at the click (never a run behind) and copies it,
#: with the clipboard API where the page is a secure context and a selected text area elsewhere.
_COPY_HTML = """
<button type="button" class="aliquant-copy-link" aria-label="Copy link"
title="Copy link: this page's address, which holds every setting">
<span class="aliquant-copy-icon" aria-hidden="true"></span>
<span class="aliquant-copy-text">Copy link</span></button>
<style>
.aliquant-copy-link{font:inherit;font-size:0.875rem;line-height:1.6;padding:0.25rem 0.75rem;
border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;background:transparent;color:inherit;
cursor:pointer;white-space:nowrap;display:inline-flex;align-items:center;gap:0.5rem;min-height:2.5rem}
.aliquant-copy-icon{display:inline-flex}
/* The bar sits in the header row (fixed, left of Streamlit's menu), so it takes no height from the
   page: the first screen keeps the answer. The page links leave it room (the top navigation
   folds what does not fit into "more"); under the sidebar when that opens over the page. */
.st-key-share_bar{position:fixed;top:0.625rem;right:3.25rem;z-index:999990;width:auto !important}
.st-key-share_bar button{min-height:2.25rem}
.st-key-share_bar [data-testid="stPopover"] button [data-testid="stMarkdownContainer"],
.st-key-share_bar [data-testid="stDownloadButton"] button [data-testid="stMarkdownContainer"]{display:none}
[data-testid="stTopNav"]{margin-right:13rem}
/* Below 1400 px the copy button shows its icon only (its title says "Copy link"), so
   all eight page links still fit beside the open sidebar at 1280 px. */
@media (max-width:1399px){.aliquant-copy-link:not(.aliquant-said) .aliquant-copy-text{display:none}
.aliquant-copy-link{padding:0.25rem 0.6rem}
[data-testid="stTopNav"]{margin-right:8.5rem}}
div:has(> .st-key-share_bar){display:contents}

.aliquant-copy-link:hover{border-color:#ff4b4b;color:#ff4b4b}
</style>
<script>
(function () {
  // The icon (Material "link"), built here: the sanitiser drops a script whose text holds markup.
  const ICON_PATH = "M3.9 12c0-1.71 1.39-3.1 3.1-3.1h4V7H7c-2.76 0-5 2.24-5 5s2.24 5 5 5h4v-1.9H7c-1.71 " +
    "0-3.1-1.39-3.1-3.1zM8 13h8v-2H8v2zm9-6h-4v1.9h4c1.71 0 3.1 1.39 3.1 3.1s-1.39 3.1-3.1 3.1h-4V17h4" +
    "c2.76 0 5-2.24 5-5s-2.24-5-5-5z";
  const button = document.currentScript.parentElement.querySelector(".aliquant-copy-link");
  if (!button || button.dataset.ready) return;
  button.dataset.ready = "1";
  const text = button.querySelector(".aliquant-copy-text");
  const svgNs = "http://www.w3.org/2000/svg";
  const icon = document.createElementNS(svgNs, "svg");
  const path = document.createElementNS(svgNs, "path");
  icon.setAttribute("viewBox", "0 0 24 24");
  icon.setAttribute("width", "18");
  icon.setAttribute("height", "18");
  icon.setAttribute("fill", "currentColor");
  path.setAttribute("d", ICON_PATH);
  icon.appendChild(path);
  button.querySelector(".aliquant-copy-icon").appendChild(icon);
  function link() {
    const url = new URL(window.location.href);
    url.searchParams.delete("embed");
    url.searchParams.delete("embed_options");
    return url.toString();
  }
  function fallback(value) {
    const area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done;
  }
  function shown(message) {
    text.textContent = message;
    button.classList.add("aliquant-said");  // shown even where the label is icon-only
    setTimeout(function () {
      text.textContent = "Copy link";
      button.classList.remove("aliquant-said");
    }, 2000);
  }
  button.addEventListener("click", function () {
    const value = link();
    button.dataset.copied = value;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(value).then(
        function () { shown("Link copied"); },
        function () { shown(fallback(value) ? "Link copied" : "Copy failed"); }
      );
    } else {
      shown(fallback(value) ? "Link copied" : "Copy failed");
    }
  });
})();
</script>
"""
#: What is sent: the same, compacted once (sent and scanned on every rerun).
_COPY_HTML_SENT = layout.compact_markup(_COPY_HTML)


# --- PNG ----------------------------------------------------------------------------------------


@functools.cache
def png_available() -> bool:
    """Whether PNGs can be rendered here: Kaleido installed and a Chromium it can find."""
    if importlib.util.find_spec("kaleido") is None:
        return False
    try:
        from choreographer.browsers.chromium import Chromium

        return bool(Chromium.find_browser(skip_local=False))
    except Exception:  # any failure to look (another choreographer) is "not available"
        return shutil.which("chromium") is not None


def _wrapped(text: str, width: int = _LINE_CHARS) -> str:
    """``text`` escaped for a plotly annotation, in lines of at most ``width`` characters (broken
    between words; a link, one long word, where it reaches the width)."""
    lines = textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def export_figure(figure: Any, title: str, assumptions: str, link: str) -> tuple[Any, int]:
    """An export copy of ``figure``: title above, assumptions, source and share link below.

    The page's figure is not changed. Returns the copy and its height in pixels.
    """
    import plotly.graph_objects as go

    fig = go.Figure(copy.deepcopy(figure.to_dict()) if hasattr(figure, "to_dict") else figure)
    layout = fig.layout
    height = int(layout.height or 450)
    margin = layout.margin
    top, bottom = int(margin.t or 0), int(margin.b or 0)
    left, right = int(margin.l or 0), int(margin.r or 0)
    if len(link) > MAX_LINK_PRINTED:
        link_text = f"Share link: {link[:MAX_LINK_PRINTED]}… (cut; the full link is in the bundle's README)"
    else:
        link_text = f"Share link: {link}" if link else "Share link: open the chart in the explorer"
    footer_lines = [
        _wrapped(f"Assumptions: {assumptions}") if assumptions else "",
        _wrapped(SOURCE),
        _wrapped(link_text),
    ]
    footer = "<br>".join(line for line in footer_lines if line)
    footer_height = 16 * footer.count("<br>") + 30
    title_height = 52
    fig.update_layout(
        title={
            "text": f"<b>{html.escape(title, quote=False)}</b>",
            "x": 0.0,
            "xref": "container",
            "xanchor": "left",
            "y": 1.0,
            "yref": "container",
            "yanchor": "top",
            "pad": {"l": 14, "t": 14},
            "font": {"size": 19, "color": "#222222"},
        },
        width=PNG_WIDTH,
        height=height + title_height + footer_height,
        margin={
            "t": top + title_height,
            "b": bottom + footer_height,
            "l": max(left, 14),
            "r": max(right, 14),
        },
        paper_bgcolor="white",
    )
    total = height + title_height + footer_height
    for trace in fig.data:  # colour bars placed in the page's frame (the map's) keep their place
        bar = getattr(trace, "colorbar", None)
        if bar is not None and bar.yref == "container" and bar.y is not None:
            y = float(bar.y)
            below, above = y * height + footer_height, (1 - y) * height + title_height
            bar.y = below / total if y <= 0.5 else 1 - above / total
    fig.add_annotation(
        text=footer,
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="top",
        xshift=-max(left, 14) + 14,
        yshift=-bottom - 8,
        align="left",
        showarrow=False,
        font={"size": 11, "color": "#444444"},
    )
    return fig, total


async def _render(figures: Sequence[tuple[Any, int]], deadline: float | None = None) -> list[bytes]:
    import kaleido

    images = []
    async with kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT, mathjax=False) as renderer:
        for fig, height in figures:
            if deadline is not None and time.monotonic() > deadline:
                break  # the rest are left out (the bundle's README names them)
            options = {"format": "png", "width": PNG_WIDTH, "height": height, "scale": PNG_SCALE}
            images.append(await renderer.calc_fig(fig, opts=options))
    return images


def render_pngs(figures: Sequence[tuple[Any, int]], *, deadline: float | None = None) -> list[bytes]:
    """PNG bytes of export figures (:func:`export_figure`), in one Chromium, one render at a time.

    With ``deadline`` (a :func:`time.monotonic` time), no render starts after it: the images of
    the first figures only.

    Raises ``RuntimeError`` when PNGs cannot be rendered here or another render holds the
    browser past :data:`RENDER_TIMEOUT`.
    """
    if not png_available():
        raise RuntimeError("PNG export needs Kaleido and Chromium on the server")
    if not _RENDER_LOCK.acquire(timeout=RENDER_TIMEOUT):
        raise RuntimeError("another PNG is being rendered; try again in a minute")
    try:
        return asyncio.run(_render(figures, deadline))
    finally:
        _RENDER_LOCK.release()


def png_bytes(run: Run, key: str) -> bytes:
    """The PNG of chart ``key`` as this run drew it (a deferred download's callable)."""
    chart, figure = run.charts[key]
    (image,) = render_pngs([export_figure(figure, chart.title, chart.assumptions(run.assumptions), run.link)])
    return image


# --- the bundle ---------------------------------------------------------------------------------

#: How every CSV of the bundle is written (the README says it once, and on each CSV's line).
CSV_CONVENTION = (
    "one table per file: a header row of unique column names, then one row per point (no repeated "
    "rows); the settings the data was computed with are repeated as columns (a setting whose name "
    "is a data column is written `setting_<name>`); numbers in full precision; " + NONFINITE + "; a "
    "text cell that a spreadsheet would read as a formula starts with an apostrophe"
)

#: The zip's folder for what the current run drew that no page's builder covers.
_THIS_PAGE = "this_page"


def _columns(text: str) -> str:
    """The CSV's column names, from its header row."""
    import csv

    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    return ", ".join(header)


def _recorded(run: Run) -> list[tuple[str, Callable[[], Any]]]:
    """What this run drew, as one page's builder (a page run outside :func:`share_bar`'s plans)."""

    def build() -> bundle_pages.PageFiles:
        files = bundle_pages.PageFiles()
        for chart_key, (chart, figure) in run.charts.items():
            files.items.append(
                bundle_pages.Item(
                    f"aliquant_{chart.stem}.png",
                    "",
                    chart=chart_key,
                    figure=functools.partial(lambda f: f, figure),
                    stem=chart.stem,
                )
            )
        for file_name, build_csv, about in run.csvs.values():
            files.items.append(bundle_pages.Item(file_name, about, csv=build_csv))
        return files

    return [(bundle_pages.PageBundle(_THIS_PAGE, "This page", lambda ctx: build), build)]


def bundle(run: Run, *, seconds: float | None = None) -> bytes:
    """Every page's charts and tables, as a zip: the scenario JSON, every page's CSVs and PNGs in
    its folder, and a README naming each file.

    Each page's files come from its builder (:mod:`aliquant_app.bundle_pages`) at its controls as
    they stood when the bar was drawn. PNGs are rendered in one browser, one at a time, for at most
    ``seconds`` (default :data:`BUNDLE_SECONDS`) and :data:`BUNDLE_CHARTS` charts; what is left out
    (a chart past the cap, a computation not run, a file that failed) is listed in the README, and
    the rest still comes.
    """
    started = time.monotonic()
    limit = BUNDLE_SECONDS if seconds is None else seconds
    files: list[tuple[str, bytes, str]] = []
    sections: list[tuple[str, str, list[str]]] = []  # (page title, folder, file paths)
    notes: list[str] = []
    if run.scenario is not None:
        files.append(
            (
                "aliquant_scenario.json",
                run.scenario().encode(),
                "the sidebar's assumptions as a versioned scenario file: the command line reads it "
                "with `--scenario`, the sidebar's Share and save box imports it",
            )
        )
    pages = run.plans
    plans = pages or _recorded(run)
    charts: list[tuple[str, str, Chart, Any]] = []  # (path, page title, chart, figure)
    written: set[str] = set()
    for page, build in plans:
        paths: list[str] = []
        sections.append((page.title, page.folder, paths))
        try:
            page_files = build()
        except Exception:
            _LOG.exception("bundle: page %r failed", page.folder)
            notes.append(f"{page.title}: its files could not be made (the error was logged on the server).")
            continue
        notes += [f"{page.title}: {note}" for note in page_files.notes]
        for item in page_files.items:
            path = f"{page.folder}/{item.file_name}"
            written.add(item.file_name)
            if item.csv is not None:
                try:
                    text = item.csv()
                except Exception:
                    _LOG.exception("bundle: CSV %r failed", path)
                    notes.append(f"{path} could not be written (the error was logged on the server).")
                    continue
                about = f"{page.title}: {item.about.rstrip('.')}. Columns: {_columns(text)}. CSV: {NONFINITE}"
                files.append((path, text.encode(), about))
                paths.append(path)
            elif item.figure is not None and item.chart is not None:
                chart = CHARTS[item.chart]
                if item.stem is not None:
                    chart = Chart(
                        item.stem, chart.title, chart.csv_key, chart.short, chart.unused, chart.note
                    )
                try:
                    figure = item.figure()
                except Exception:
                    _LOG.exception("bundle: chart %r failed", path)
                    notes.append(f"{path} could not be drawn (the error was logged on the server).")
                    continue
                charts.append((path, page.title, chart, figure))
    if pages:  # what this run drew that no page's builder covers (a page added later)
        extra = [(k, v) for k, v in run.csvs.items() if v[0] not in written]
        if extra:
            paths = []
            sections.append(("This page", _THIS_PAGE, paths))
            for _, (file_name, build_csv, about) in extra:
                try:
                    text = build_csv()
                except Exception:
                    _LOG.exception("bundle: CSV %r failed", file_name)
                    continue
                path = f"{_THIS_PAGE}/{file_name}"
                files.append(
                    (path, text.encode(), f"{about.rstrip('.')}. Columns: {_columns(text)}. CSV: {NONFINITE}")
                )
                paths.append(path)
    if charts and png_available():
        kept, past = charts[:BUNDLE_CHARTS], charts[BUNDLE_CHARTS:]
        figures = [
            export_figure(fig, c.title, c.assumptions(run.assumptions), run.link) for _, _, c, fig in kept
        ]
        failed = False
        try:
            images = render_pngs(figures, deadline=started + limit)
        except Exception:
            _LOG.exception("bundle: PNGs failed")
            images, failed = [], True
            notes.append(
                "The charts' PNGs could not be rendered this time; download them one by one on each page."
            )
        for (path, title, chart, _), image in zip(kept, images, strict=False):
            files.append(
                (
                    path,
                    image,
                    f"{title}: the chart “{chart.title}”, with the assumptions, the source and the "
                    "share link",
                )
            )
            _section(sections, title).append(path)
        skipped = [] if failed else [path for path, *_ in (*kept[len(images) :], *past)]
        if skipped:
            notes.append(
                f"PNGs not rendered within the bundle's {limit:g} s (one chart at a time): "
                + ", ".join(skipped)
                + ". Their CSVs are here; each page's PNG button renders them one by one."
            )
    elif charts:
        notes.append("PNGs are not included: this server cannot render them (Kaleido and Chromium).")
    readme = _readme(run, files, sections, notes, time.monotonic() - started)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        for name, data, _ in files:
            archive.writestr(name, data)
    return buffer.getvalue()


def _section(sections: list[tuple[str, str, list[str]]], title: str) -> list[str]:
    return next(paths for t, _, paths in sections if t == title)


def _readme(
    run: Run,
    files: Sequence[tuple[str, bytes, str]],
    sections: Sequence[tuple[str, str, list[str]]],
    notes: Sequence[str],
    seconds: float,
) -> str:
    about = {name: text for name, _, text in files}
    lines = [
        "aliquant: every page's charts and tables, at these settings",
        "",
        "Share link (opens the page this was downloaded from, with these settings): "
        + (run.link or "(not known here)"),
        f"Assumptions (the sidebar's, used by every page): {assumptions_line(run.assumptions)}",
        "Each page's own settings are those it had when this was downloaded (its defaults where it "
        "was never opened, or the share link's values); they are repeated as columns in its CSVs.",
        SOURCE,
        "",
        f"CSV files: {CSV_CONVENTION}.",
        "",
        "Files:",
        "- README.txt: this file.",
        *(f"- {name}: {about[name]}." for name, _, _ in files if "/" not in name),
    ]
    for title, folder, paths in sections:
        if not paths:
            continue
        lines += ["", f"{title} (folder {folder}/):"]
        lines += [
            f"- {path}: {about[path]}." for path in sorted(paths, key=lambda p: (p.endswith(".png"), p))
        ]
    if notes:
        lines += ["", "Left out:", *(f"- {note}" for note in notes)]
    lines += ["", f"Built in {seconds:.1f} s."]
    return "\n".join(lines) + "\n"


# --- the bar ------------------------------------------------------------------------------------


def install() -> None:
    """Once per process, before the first run: share links written without float noise, and each
    cached chart's JSON written once (:func:`aliquant_app.calls.install_figure_json`)."""
    linked.install_link_numbers()
    calls.install_figure_json()


@contextlib.contextmanager
def share_bar() -> Iterator[Run]:
    """Around the page (``with exports.share_bar(): run_page(...)`` in ``app.py``): a bar at its
    top with Copy link, Embed and Download all.

    The bar's place is taken before the page runs; it is filled after, when the page's charts,
    CSVs and link values are known (also when the page stops early).
    """
    assumptions = state.current()
    estimates = st.session_state.get(estimate_view.APPLIED_KEY)
    run = Run(
        assumptions=assumptions.as_dict(),
        scenario=functools.partial(scenario_io.export_text, assumptions, estimates),
    )
    st.session_state[_RUN_KEY] = run
    # The bar itself: one row, filled after the page (its place on screen: _COPY_HTML's style).
    slot = st.container(
        key="share_bar", horizontal=True, horizontal_alignment="right", vertical_alignment="center"
    )
    try:
        yield run
    except RerunException:
        raise  # this run is being replaced: the next one draws the bar
    except BaseException:
        _finish(slot, run)  # st.stop(): the page ends here, the bar still comes
        raise
    _finish(slot, run)


def _finish(slot: Any, run: Run) -> None:
    run.link = share_link()
    if any(key.startswith("sim_") for key in run.csvs):  # the simulation page: kept for the bundle
        st.session_state[bundle_pages.SIMULATION_KEY] = run
    try:
        params = st.query_params
        link = {key: params.get_all(key) for key in params}
        run.snapshot = functools.partial(bundle_pages.snapshot, state.current(), _standing(), link)
    except Exception:  # the bundle falls back to this page's charts; the page is never broken
        _LOG.exception("bundle: the pages' settings could not be read")
    _fill(slot, run)


def _standing() -> dict[str, Any]:
    """Session State's values as they stand now, for a bundle built later: each dict or list
    among them copied (a page's :class:`~aliquant_app.linked.LinkedStore` is one dict, which its
    controls' callbacks change in place). This run's record is left out: the record holds this copy."""
    return {
        key: value.copy() if isinstance(value, (dict, list)) else value
        for key, value in st.session_state.to_dict().items()
        if key != _RUN_KEY
    }


def _fill(bar: Any, run: Run) -> None:
    with bar:
        st.html(_COPY_HTML_SENT, width="content", unsafe_allow_javascript=True)
        # Filled only while open (a stateful popover, as the sidebar's "Share and save"): otherwise
        # its note and snippet would be two more elements in every rerun of every page.
        embed = st.popover(
            "Embed",
            icon=":material/code:",
            key="share_embed",
            on_change="rerun",
            help="Embed this page, with these settings, in another page: an iframe snippet to copy.",
        )
        if embed.open:
            with embed:
                st.caption("Paste this where HTML is allowed: the chart page with these settings.")
                st.code(embed_snippet(run.link), language="html", wrap_lines=True)
        st.download_button(
            "Download all",
            data=functools.partial(bundle, run),
            file_name="aliquant_bundle.zip",
            mime="application/zip",
            on_click="ignore",
            icon=":material/folder_zip:",
            key="share_bundle",
            help="One zip: the scenario file, every page's charts (CSV and PNG) and tables at these "
            "settings, and a README saying what each file is (built when clicked; the PNGs take up "
            "to a minute).",
        )
