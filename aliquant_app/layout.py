"""Page-wide styling: tighter spacing so the overview fits a 1280×800 screen without scrolling."""

from __future__ import annotations

import streamlit as st

__all__ = ["compact_page"]

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
</style>
"""


def compact_page() -> None:
    """Apply the explorer's spacing (style tags only: Streamlit adds no element to the page)."""
    st.html(_STYLE)
