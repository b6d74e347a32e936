"""Page-wide layout: the pages for navigation, and tighter spacing so the overview fits a 1280×800
screen without scrolling."""

from __future__ import annotations

import streamlit as st

__all__ = ["PAGES", "compact_page", "pages"]

#: The header bar is 3.75rem tall; the default top padding of 8rem leaves a gap below it.
_STYLE = """
<style>
[data-testid="stMainBlockContainer"] {
  padding-top: 4.25rem; padding-bottom: 2rem; padding-left: 2.5rem; padding-right: 2.5rem;
}
[data-testid="stSidebarUserContent"] [data-testid="stVerticalBlock"] { gap: 0.6rem; }
.st-key-tolerances [data-testid="stMetricValue"] { font-size: 1.75rem; }
[class*="st-key-long-"] [data-testid="stMetricValue"] { font-size: 1.45rem; padding-top: 0.45rem; }
.st-key-verdict [data-testid="stAlert"] p { font-size: 0.92rem; }
.st-key-cheapest_result [data-testid="stMetricValue"],
.st-key-split_metrics [data-testid="stMetricValue"] { font-size: 1.6rem; }
</style>
"""


def compact_page() -> None:
    """Apply the explorer's spacing (style tags only: Streamlit adds no element to the page)."""
    st.html(_STYLE)


#: The explorer's pages: (script, title, Material icon, url path). Url paths differ from the file
#: names on purpose (see app.py).
PAGES = (
    ("pages/overview.py", "Overview", ":material/monitoring:", "home"),
    ("pages/map.py", "Quality–quantity map", ":material/grid_on:", "quality-map"),
    ("pages/programmes.py", "Programmes", ":material/payments:", "budgets"),
    ("pages/over_time.py", "Over time", ":material/trending_up:", "over-time"),
    ("pages/uncertainty.py", "Uncertainty", ":material/ssid_chart:", "uncertain"),
    ("pages/simulation.py", "Check by simulation", ":material/casino:", "check"),
    ("pages/method.py", "Method", ":material/function:", "model"),
)
_PAGES_KEY = "_aliquant_pages"


def pages() -> list[st.Page]:
    """The pages for ``st.navigation``, built once per session.

    Building a ``st.Page`` resolves its script's path on disk (about 0.1 ms each, every rerun).
    They are kept per session, not per process: ``st.navigation`` marks the returned page as
    callable and ``Page.run`` unmarks it, so sessions running at once must not share them.
    """
    built = st.session_state.get(_PAGES_KEY)
    if built is None:
        built = [
            st.Page(script, title=title, icon=icon, url_path=url_path, default=(i == 0))
            for i, (script, title, icon, url_path) in enumerate(PAGES)
        ]
        st.session_state[_PAGES_KEY] = built
    return built
