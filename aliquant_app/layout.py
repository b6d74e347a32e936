"""The page registry (:data:`PAGES`), and tighter spacing so the overview fits a 1280×800 screen
without scrolling.

Each page is declared once here: its script, title, icon, url path, and the share-link keys of
its own controls, read from the view module it draws (``LINK_KEYS``, and ``LINK_LABELS`` for
option controls, which the link holds by label). The views are imported by name, so a missing
one fails at start-up. The sidebar's link check (:mod:`aliquant_app.state`) leaves these keys to
their pages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from . import (
    compare,
    estimate_view,
    map_view,
    over_time_view,
    overview_view,
    programmes_view,
    simulation_view,
    uncertainty_view,
)

__all__ = ["PAGES", "SHARED_LINK_KEYS", "Page", "compact_page", "pages"]

#: The header bar is 3.75rem tall; the default top padding of 8rem leaves a gap below it.
_STYLE = """
<style>
[data-testid="stMainBlockContainer"] {
  padding-top: 4.25rem; padding-bottom: 2rem; padding-left: 2.5rem; padding-right: 2.5rem;
}
[data-testid="stSidebarUserContent"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
.st-key-tolerances [data-testid="stMetricValue"] { font-size: 1.75rem; }
[class*="st-key-long-"] [data-testid="stMetricValue"] { font-size: 1.45rem; padding-top: 0.45rem; }
[class*="st-key-long-"] [data-testid="stMetricValue"] div,
[class*="st-key-long-"] [data-testid="stMetricValue"] p {
  white-space: normal; overflow: visible; line-height: 1.2;
}
.st-key-cheapest_result [data-testid="stMetricValue"],
.st-key-split_metrics [data-testid="stMetricValue"] { font-size: 1.6rem; }
</style>
"""


def compact_page() -> None:
    """Apply the explorer's spacing (style tags only: Streamlit adds no element to the page)."""
    st.html(_STYLE)


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
    link_keys: tuple[str, ...] = ()
    link_labels: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)


#: The explorer's pages, in navigation order; the first is the default.
PAGES: tuple[Page, ...] = (
    Page("pages/overview.py", "Overview", ":material/monitoring:", "home",
         overview_view.LINK_KEYS, overview_view.LINK_LABELS),
    Page("pages/map.py", "Quality–quantity map", ":material/grid_on:", "quality-map",
         map_view.LINK_KEYS, map_view.LINK_LABELS),
    Page("pages/programmes.py", "Programmes", ":material/payments:", "budgets",
         programmes_view.LINK_KEYS, programmes_view.LINK_LABELS),
    Page("pages/over_time.py", "Over time", ":material/trending_up:", "over-time", over_time_view.LINK_KEYS),
    Page("pages/uncertainty.py", "Uncertainty", ":material/ssid_chart:", "uncertain",
         uncertainty_view.LINK_KEYS, uncertainty_view.LINK_LABELS),
    Page("pages/simulation.py", "Check by simulation", ":material/casino:", "check",
         simulation_view.LINK_KEYS, simulation_view.LINK_LABELS),
    Page("pages/your_labels.py", "Your labels", ":material/upload_file:", "labels-in",
         estimate_view.LINK_KEYS),
    Page("pages/method.py", "Method", ":material/function:", "model"),
)  # fmt: skip

#: Share-link keys that belong to no page: every page carries them, the sidebar reads and writes
#: them (the pinned A of the comparison, :mod:`aliquant_app.compare`).
SHARED_LINK_KEYS: tuple[str, ...] = compare.LINK_KEYS

_PAGES_KEY = "_aliquant_pages"


def pages(registry: tuple[Page, ...] = PAGES) -> list[st.Page]:
    """The pages of ``registry`` for ``st.navigation``, built once per session.

    Building a ``st.Page`` resolves its script's path on disk (about 0.1 ms each, every rerun).
    They are kept per session, not per process: ``st.navigation`` marks the returned page as
    callable and ``Page.run`` unmarks it, so sessions running at once must not share them.
    """
    built = st.session_state.get(_PAGES_KEY)
    if built is None:
        built = [
            st.Page(page.script, title=page.title, icon=page.icon, url_path=page.url_path, default=(i == 0))
            for i, page in enumerate(registry)
        ]
        st.session_state[_PAGES_KEY] = built
    return built
