"""aliquant: an explorer of quality–quantity curves for alignment training data.

Entry file for ``streamlit run app.py``: page setup, the shared assumptions sidebar (drawn here,
before the page, so its values hold across pages and live in the URL), then the page. The pages
are listed, with their share-link keys, in one registry: :data:`aliquant_app.layout.PAGES`. How the
package is layered (pages, views, cached calls) is in :mod:`aliquant_app`'s docstring.

Deep links work from the server's first request. Streamlit 1.67 runs an app whose entry file has a
``pages/`` folder beside it as a version-1 multipage app until ``st.navigation`` has run once in the
process (``PagesManager.uses_pages_directory``): the first visitor after a start who opened a link
to any page but the Overview got a "Page not found" dialog and a flash of the old sidebar list of
files. So this file is also the server's ASGI app: ``streamlit run app.py`` finds the ``st.App``
below, imports this file once as a module (``__name__`` is then ``"app"``, not ``"__main__"``)
and serves it with this same file as the script; that import turns the version-1 mode off before
any session exists. Every script run (``__name__ == "__main__"``) is the explorer itself.

The pages' ``url_path`` values differ from their file names on purpose: in version-1 mode (still
met by ``AppTest``, whose runs reset the flag) a request for ``pages/<name>.py``'s hash runs that
file directly, without this entry file and its sidebar; with distinct url paths every run goes
through here. The Overview is the default page, at ``/``; its declared path (``/home``) opens it
too (:func:`aliquant_app.layout.pages`).

The page runs inside an error boundary (:func:`run_page`): an unexpected exception in a page is
logged with its traceback on the server and shown to the viewer as one short message, with no
paths; the sidebar, the share link and the other pages keep working. ``.streamlit/config.toml``
also keeps Streamlit's own error display to a generic message (``client.showErrorDetails``).
"""

import logging

import streamlit as st

_LOG = logging.getLogger("aliquant_app")

#: What a viewer sees when a page fails: no exception type, message or path (those are logged).
PAGE_ERROR = (
    "This page ran into an unexpected error and could not be drawn in full. The sidebar, the share "
    "link and the other pages still work; changing a setting or reloading the page may help. The "
    "error was logged on the server."
)


def run_page(page) -> None:
    """Run the page; on an unexpected error, log it and show :data:`PAGE_ERROR` in its place.

    Only ``Exception``: Streamlit's own control flow (``st.rerun``, ``st.stop``) raises
    ``BaseException`` subclasses, which pass through.
    """
    try:
        page.run()
    except Exception:
        _LOG.exception("page %r raised", getattr(page, "url_path", page))
        st.error(PAGE_ERROR, icon=":material/error:")


if __name__ != "__main__":
    # Imported by `streamlit run app.py` (or an ASGI server) to serve the app, before any session:
    # the explorer declares its pages with st.navigation, never as a version-1 pages/ folder.
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    app = st.App(__file__)
else:  # a script run: the explorer
    from aliquant_app import exports, layout, scenario_io, serving, state
    from aliquant_app.layout import PAGES  # the page registry: every page, its script and share-link keys

    # Streamlit's server leaves Nagle's algorithm on (40 ms per rerun), full garbage collections of
    # the startup heap stall reruns, and the GIL's 5 ms switch interval paces messages when many
    # sessions run: see aliquant_app/serving.py.
    serving.disable_nagle()
    serving.freeze_startup_heap()
    serving.shorten_switch_interval()
    serving.limit_malloc_arenas()  # RSS creeping over many part-empty arenas: aliquant_app/serving.py
    # Streamlit drops a query string past 512 Ki characters whole and silently; cut it down instead,
    # so the link note can name what was too long (aliquant_app/state.py).
    state.install_link_bounds()
    # Bound float widgets write whole numbers without ".0" (labels=250000): aliquant_app/linked.py;
    # a cached chart's JSON is written once, not on every rerun: aliquant_app/calls.py.
    exports.install()

    st.set_page_config(
        page_title="aliquant",
        page_icon=layout.ICON_URL,  # a file of the app's, inline: no request to another host
        layout="wide",
        initial_sidebar_state="auto",  # open on a wide screen, closed on a phone
        menu_items={"About": "aliquant: how much alignment training data, of what quality, do we need?"},
    )

    navigation = st.navigation(layout.pages(PAGES), position="top")
    layout.leave_alias(navigation)  # /home: the Overview, at /
    layout.compact_page()
    scenario_io.render(state.render_sidebar())
    state.show_link_note()
    with exports.share_bar():  # Copy link, Embed, Download all: aliquant_app/exports.py
        run_page(navigation)
