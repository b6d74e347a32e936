"""aliquant: an explorer of quality–quantity curves for alignment training data.

Entry file for ``streamlit run app.py``: page setup, the shared assumptions sidebar (drawn here,
before the page, so its values hold across pages and live in the URL), then the page.

The pages' ``url_path`` values differ from their file names on purpose. Streamlit treats an app
with a ``pages/`` folder as a version-1 multipage app until ``st.navigation`` runs, and in that
mode a request for a page whose hash matches ``pages/<name>.py`` runs that file directly, without
this entry file and its sidebar (this happens on the first run after the server starts, and on
every ``AppTest`` rerun, which resets the flag). With distinct url paths every run goes through here.
"""

import streamlit as st

from aliquant_app import layout, scenario_io, serving, state

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

navigation = st.navigation(
    [
        st.Page(
            "pages/overview.py", title="Overview", icon=":material/monitoring:", url_path="home", default=True
        ),
        st.Page(
            "pages/map.py", title="Quality–quantity map", icon=":material/grid_on:", url_path="quality-map"
        ),
        st.Page("pages/programmes.py", title="Programmes", icon=":material/payments:", url_path="budgets"),
        st.Page("pages/over_time.py", title="Over time", icon=":material/trending_up:", url_path="over-time"),
        st.Page(
            "pages/uncertainty.py", title="Uncertainty", icon=":material/ssid_chart:", url_path="uncertain"
        ),
        st.Page(
            "pages/simulation.py", title="Check by simulation", icon=":material/casino:", url_path="check"
        ),
        st.Page("pages/method.py", title="Method", icon=":material/function:", url_path="model"),
    ],
    position="top",
)
layout.compact_page()
scenario_io.render(state.render_sidebar())
state.show_link_note()
navigation.run()
