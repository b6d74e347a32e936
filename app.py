"""aliquant: an explorer of quality–quantity curves for alignment training data.

Entry file for ``streamlit run app.py``: page setup, the shared assumptions sidebar (drawn here,
before the page, so its values hold across pages and live in the URL), then the page. The pages
are listed, with their share-link keys, in one registry: :data:`aliquant_app.layout.PAGES`. How the
package is layered (pages, views, cached calls) is in :mod:`aliquant_app`'s docstring.

The pages' ``url_path`` values differ from their file names on purpose. Streamlit treats an app
with a ``pages/`` folder as a version-1 multipage app until ``st.navigation`` runs, and in that
mode a request for a page whose hash matches ``pages/<name>.py`` runs that file directly, without
this entry file and its sidebar (this happens on the first run after the server starts, and on
every ``AppTest`` rerun, which resets the flag). With distinct url paths every run goes through here.
"""

import streamlit as st

from aliquant_app import layout, scenario_io, serving, state
from aliquant_app.layout import PAGES  # the page registry: every page, its script and share-link keys

# Streamlit's server leaves Nagle's algorithm on (40 ms per rerun), and full garbage collections
# of the startup heap stall reruns: see aliquant_app/serving.py.
serving.disable_nagle()
serving.freeze_startup_heap()

st.set_page_config(
    page_title="aliquant",
    page_icon=":material/balance:",
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={"About": "aliquant: how much alignment training data, of what quality, do we need?"},
)

navigation = st.navigation(layout.pages(PAGES), position="top")
layout.compact_page()
scenario_io.render(state.render_sidebar())
state.show_link_note()
navigation.run()
