"""The page registry (:data:`PAGES`), each page's header (:func:`header`), and the explorer's
spacing: tight enough that the overview fits a 1280×800 screen without scrolling, and a phone
layout (390 px) in which nothing overlaps and wide tables scroll inside their box.

Each page is declared once here: its script, title, icon, url path, the question it answers (the
line under its title), and the share-link keys of its own controls, read from the view module it
draws (``LINK_KEYS``, and ``LINK_LABELS`` for option controls, which the link holds by label).
The views are imported by name, so a missing one fails at start-up. The sidebar's link check
(:mod:`aliquant_app.state`) leaves these keys to their pages.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from . import (
    class_controls,
    compare,
    estimate_view,
    map_view,
    over_time_view,
    overview_view,
    programmes_view,
    simulation_view,
    uncertainty_view,
)

__all__ = [
    "ICON",
    "ICON_URL",
    "PAGES",
    "SHARED_LINK_KEYS",
    "Page",
    "compact_css",
    "compact_markup",
    "compact_page",
    "header",
    "leave_alias",
    "pages",
]

#: The browser tab's icon: a file in the repository, served by the app itself, so that opening the
#: explorer asks no other host for anything (a ``:material/...:`` page icon is fetched from Google's
#: font server).
ICON = str(Path(__file__).resolve().parents[1] / "assets" / "icon.svg")
#: The icon as ``st.set_page_config`` sends it: the SVG as a data URL, made once. Given the file's
#: path, Streamlit reads and encodes the file on every rerun into this same URL.
ICON_URL = "data:image/svg+xml;base64," + base64.b64encode(Path(ICON).read_bytes()).decode("ascii")

#: The header bar is 3.75rem tall; the default top padding of 8rem leaves a gap below it. The
#: page header (title and question) is one line, so the Overview still fits 1280×800.
#: The most metrics in a row of them (:func:`metric_row`).
_ROW_METRICS = 4


def metric_row(name: str, values: Sequence[str], *, fits: int = 8) -> str:
    """The key of the container holding a row of metrics (columns) showing ``values``.

    ``metrics-{name}``, and ``_long{i}`` for each value (the i-th column, from 1) longer than
    ``fits`` characters: the page's style sets those smaller and lets them wrap, never cutting one
    off ("practicall…"). One keyed container for the row rather than one per metric: each
    container is an element Streamlit builds and sends on every rerun.
    """
    if len(values) > _ROW_METRICS:
        raise ValueError(f"a row holds at most {_ROW_METRICS} metrics; got {len(values)}")
    return f"metrics-{name}" + "".join(f"_long{i}" for i, text in enumerate(values, 1) if len(text) > fits)


def _long_selectors(inside: str) -> str:
    """The selectors of a long value's metric (see :func:`metric_row`), then ``inside`` it."""
    return ",\n".join(
        f'[class*="st-key-metrics-"][class*="_long{i}"] [data-testid="stColumn"]:nth-child({i}) '
        f'[data-testid="stMetricValue"]{inside}'
        for i in range(1, _ROW_METRICS + 1)
    )


_STYLE = """
<style>
[data-testid="stMainBlockContainer"] {
  padding-top: 3.95rem; padding-bottom: 2rem; padding-left: 2.5rem; padding-right: 2.5rem;
}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] { gap: 0.65rem; }
[data-testid="stSidebarUserContent"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
[class*="st-key-metrics-tolerances"] [data-testid="stMetricValue"] { font-size: 1.75rem; }
LONG_VALUES { font-size: 1.45rem; padding-top: 0.45rem; }
LONG_TEXT {
  white-space: normal; overflow: visible; line-height: 1.2;
}
.st-key-cheapest_result [data-testid="stMetricValue"],
.st-key-split_metrics [data-testid="stMetricValue"] { font-size: 1.6rem; }
/* The top navigation without icons: all eight pages fit beside the sidebar at 1280 px. */
[data-testid="stTopNavLink"] > span:has([data-testid="stIconMaterial"]) { display: none; }
.st-key-page_header { flex-wrap: wrap; row-gap: 0; align-items: baseline; margin-bottom: -0.35rem; }
.st-key-page_header h3 { padding: 0; font-size: 1.5rem; line-height: 1.25; }
.st-key-page_header p { color: #4a5361; margin: 0; font-size: 1.05rem; }
.st-key-page_header [data-testid="stCaptionContainer"],
.st-key-page_header [data-testid="stMarkdownContainer"] { margin-bottom: 0; }
/* Wide tables scroll sideways inside their own box, never the page; a shadow at an edge says
   there is more that way (backgrounds that scroll with the content cover it at the ends). */
[data-testid="stMarkdownContainer"]:has(> table), [data-testid="stTable"] {
  overflow-x: auto; max-width: 100%;
  background:
    linear-gradient(to right, #ffffff 30%, rgba(255, 255, 255, 0)) left / 2.5rem 100% no-repeat local,
    linear-gradient(to left, #ffffff 30%, rgba(255, 255, 255, 0)) right / 2.5rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.3), transparent) left / 1.1rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.3), transparent) right / 1.1rem 100%
      no-repeat scroll;
}
@media (max-width: 640px) {
  /* A chart keeps room for its notes (at 390 px they ran into each other) and scrolls sideways
     inside its box. */
  [data-testid="stElementContainer"]:has([data-testid="stPlotlyChart"]) { overflow-x: auto; }
  [data-testid="stFullScreenFrame"]:has(> [data-testid="stPlotlyChart"]) { min-width: 560px; }
  [data-testid="stMainBlockContainer"] {
    padding-top: 3.75rem; padding-left: 0.75rem; padding-right: 0.75rem;
  }
  [data-testid="stMetricValue"] { font-size: 1.5rem; }
}
</style>
""".replace("LONG_VALUES", _long_selectors("")).replace(
    "LONG_TEXT", _long_selectors(" div") + ",\n" + _long_selectors(" p")
)


def compact_css(css: str) -> str:
    r"""``css`` without comments, and with whitespace only where it may mean something.

    Streamlit dedents, scans, hashes and sends the page's style text on every rerun, so it is sent
    as short as it goes: whitespace runs become one space, and none is kept beside ``{``, ``}``
    and ``;`` (where CSS ignores it). A space between selectors (``div :has``, a descendant) or
    between a value's parts stays.

    >>> compact_css("a  b {\n  color: red; /* why */\n}\n")
    'a b{color: red;}'
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};])\s*", r"\1", css).strip()


def compact_markup(html: str) -> str:
    """``html`` with each ``<style>`` block compacted (:func:`compact_css`) and every other line
    stripped of its indentation, blank lines dropped (a script keeps its line breaks)."""
    parts = re.split(r"(<style>.*?</style>)", html, flags=re.DOTALL)
    out = []
    for part in parts:
        if part.startswith("<style>"):
            out.append("<style>" + compact_css(part[len("<style>") : -len("</style>")]) + "</style>")
        else:
            out.append("\n".join(line.strip() for line in part.splitlines() if line.strip()))
    return "\n".join(part for part in out if part)


#: What is sent: the same rules, compacted once.
_STYLE_SENT = compact_markup(_STYLE)


def compact_page() -> None:
    """Apply the explorer's spacing (style tags only: Streamlit adds no element to the page)."""
    st.html(_STYLE_SENT)


@dataclass(frozen=True)
class Page:
    """One page of the explorer.

    Attributes
    ----------
    script : str
        The page's script, relative to ``app.py``.
    title, icon : str
        Navigation title and Material icon.
    url_path : str
        The page's path in the URL; differs from the script's name on purpose (see ``app.py``).
    question : str
        The question the page answers, in a funder's words: the line under its title.
    link_keys : tuple of str
        Share-link keys of the page's own controls (its view's ``LINK_KEYS``).
    link_labels : mapping
        For each option control's link key, the function that names its options in the link (its
        view's ``LINK_LABELS``).
    """

    script: str
    title: str
    icon: str
    url_path: str
    question: str
    link_keys: tuple[str, ...] = ()
    link_labels: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)


#: The explorer's pages, in navigation order; the first is the default.
PAGES: tuple[Page, ...] = (
    Page("pages/overview.py", "Overview", ":material/monitoring:", "home",
         "How likely is outer alignment for this labelling programme, and what would it take?",
         overview_view.LINK_KEYS, overview_view.LINK_LABELS),
    Page("pages/map.py", "Map", ":material/grid_on:", "quality-map",
         "How do the number of labels and their quality together set the chance, and at what cost?",
         map_view.LINK_KEYS, map_view.LINK_LABELS),
    Page("pages/programmes.py", "Programmes", ":material/payments:", "budgets",
         "Which labelling programme buys the most alignment for its money?",
         programmes_view.LINK_KEYS, programmes_view.LINK_LABELS),
    Page("pages/over_time.py", "Over time", ":material/trending_up:", "over-time",
         "How many labels does each new generation of models need, and does this programme keep up?",
         over_time_view.LINK_KEYS),
    Page("pages/uncertainty.py", "Uncertainty", ":material/ssid_chart:", "uncertain",
         "How sure is the answer when the assumptions are uncertain, and which one matters most?",
         uncertainty_view.LINK_KEYS, uncertainty_view.LINK_LABELS),
    Page("pages/simulation.py", "Simulation", ":material/casino:", "check",
         "Do the formulas agree with a simulation of the model's own assumptions?",
         simulation_view.LINK_KEYS, simulation_view.LINK_LABELS),
    Page("pages/your_labels.py", "Your labels", ":material/upload_file:", "labels-in",
         "What label quality do your own comparison labels imply?",
         estimate_view.LINK_KEYS),
    Page("pages/method.py", "Method", ":material/function:", "model",
         "What does the model assume, and where does every number come from?"),
)  # fmt: skip

#: Share-link keys that belong to no page: every page carries them, the sidebar reads and writes
#: them (the pinned A of the comparison, :mod:`aliquant_app.compare`; the competitor classes added,
#: :mod:`aliquant_app.class_controls`), and each notes its own refused values.
SHARED_LINK_KEYS: tuple[str, ...] = (*compare.LINK_KEYS, class_controls.LINK_KEY)

_PAGES_KEY = "_aliquant_pages"
#: The default page's url_path inside Streamlit (it is served at ``/``; see :func:`pages`). Like
#: every url path, not a script's name (see ``app.py``).
DEFAULT_INTERNAL_PATH = "start"


def pages(registry: tuple[Page, ...] = PAGES) -> list[st.Page]:
    """The pages of ``registry`` for ``st.navigation``, built once per session.

    The first page is the default, at ``/``. Streamlit serves a default page at the root only but
    still reserves its ``url_path``, so the default is built under an internal path
    (:data:`DEFAULT_INTERNAL_PATH`), and a hidden page at the declared path (``/home``) switches
    to ``/`` with the visit's whole query string, so the link's values apply.

    Building a ``st.Page`` resolves its script's path on disk (about 0.1 ms each, every rerun).
    They are kept per session, not per process: ``st.navigation`` marks the returned page as
    callable and ``Page.run`` unmarks it, so sessions running at once must not share them.
    """
    built = st.session_state.get(_PAGES_KEY)
    if built is None:
        first = registry[0]
        default = st.Page(
            first.script, title=first.title, icon=first.icon, url_path=DEFAULT_INTERNAL_PATH, default=True
        )

        def to_default() -> None:
            # Every value of every key (a multiselect's link holds several).
            st.switch_page(
                default, query_params={key: st.query_params.get_all(key) for key in st.query_params}
            )

        built = [default]
        built += [
            st.Page(page.script, title=page.title, icon=page.icon, url_path=page.url_path)
            for page in registry[1:]
        ]
        built.append(
            st.Page(
                to_default, title=first.title, icon=first.icon, url_path=first.url_path, visibility="hidden"
            )
        )
        st.session_state[_PAGES_KEY] = built
    return built


def leave_alias(page: st.Page) -> None:
    """If ``page`` is the hidden page at the default's declared path (``/home``), switch to ``/``.

    Called before any widget is drawn: Streamlit refuses to set a query parameter bound to one.
    """
    if page.url_path == PAGES[0].url_path:
        page.run()


def header(script: str) -> None:
    """Draw the page's title and the one line saying what it answers, as declared in :data:`PAGES`.

    Each page calls it first, with its own file name (``header(__file__)``).
    """
    page = _BY_SCRIPT[Path(script).name]
    # One row (wrapping on a narrow screen): the title, then the question in lighter type.
    with st.container(key="page_header", horizontal=True, vertical_alignment="bottom", gap="medium"):
        st.subheader(page.title, anchor=False, width="content")
        st.caption(page.question, width="content")  # a caption: pages keep their own markdown first


_BY_SCRIPT = {Path(page.script).name: page for page in PAGES}
