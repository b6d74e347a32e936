"""Every page opens with its title and the one line saying what it answers, as declared once in
the page registry (:data:`aliquant_app.layout.PAGES`), run headless with ``AppTest``.

(Issue 14, point 6. The browser side, that the header is the first thing on each page at 1280 and
390 px, is in ``tests/test_browser_shell.py``.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app.layout import ICON, ICON_URL, PAGES

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_the_registry_declares_a_short_title_and_a_question_for_each_page():
    titles = [page.title for page in PAGES]
    assert len(set(titles)) == len(titles)
    for page in PAGES:
        assert page.question.endswith("?"), page.script
        assert len(page.question) <= 100, page.script  # one line at 1280 px beside the title


def test_the_tab_icon_is_a_file_in_the_repository():
    """Served by the app itself: a ``:material/...:`` icon is fetched from fonts.gstatic.com."""
    assert Path(ICON).is_file()
    assert Path(ICON).read_text().lstrip().startswith("<svg")


def test_the_tab_icon_is_sent_as_streamlit_would_send_its_file():
    """app.py gives st.set_page_config the icon's data URL, made once (ICON_URL), instead of the
    file, which Streamlit reads and encodes on every rerun: the same URL either way."""
    from streamlit.commands.page_config import _get_favicon_string

    assert _get_favicon_string(ICON) == ICON_URL
    assert _get_favicon_string(ICON_URL) == ICON_URL  # a data URL is sent as it is


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.url_path)
def test_each_page_opens_with_its_title_and_question(page):
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page.script).run()
    assert not at.exception
    # The page's elements in order, containers and style blocks left out.
    drawn = ("subheader", "markdown", "caption", "metric", "alert", "plotly_chart")
    shown = [(e.type, e.value) for e in at.main if not hasattr(e, "children") and e.type in drawn]
    # Leave out the share bar's own elements (drawn in the header row, not the page: exports.py).
    shown = [e for e in shown if not str(e[1]).startswith("Paste this where HTML is allowed")]
    assert shown[:2] == [("subheader", page.title), ("caption", page.question)]
