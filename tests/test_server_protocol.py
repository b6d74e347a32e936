"""The explorer at a real ``streamlit run`` server, through Streamlit's own websocket protocol.

No browser: ``benchmarks/st_client.py`` sends what the frontend sends (the page, the URL's query
string, the widgets' values) and reads the element deltas back. These run wherever the test suite
runs, and check what AppTest cannot: the server's own page routing, the query string a moved slider
writes, and a share link opened by a new session on the same server.
"""

from __future__ import annotations

import asyncio

import bench_app  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import pytest
import st_client

from .server import serve_app
from .test_app import HEADLINE, expected_headline, expected_plain_headline, settings

#: Each page's url_path in app.py (the default page is served at the root).
URL_PATHS = tuple(bench_app.URL_PATHS.values())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:
        # The server's first session takes Streamlit's version-1 multipage path (see
        # tests/test_browser.py, warm_server): open the root once, as a deployment's warm-up does.
        asyncio.run(_first_run(url, ""))
        yield url


async def _first_run(url: str, page: str, query_string: str = "") -> st_client.RerunResult:
    async with st_client.Session(url, page, query_string) as session:
        return await session.rerun()


@pytest.mark.parametrize("path", URL_PATHS)
def test_each_page_runs_at_the_server(server, path):
    result = asyncio.run(_first_run(server, path))
    assert result.exceptions == ()
    assert not result.page_not_found
    assert result.deltas > 20  # sidebar and page (the Method page, the smallest, sends 56)


def test_a_moved_slider_writes_the_link_and_the_link_reproduces_the_headline(server):
    async def scenario():
        async with st_client.Session(server, "") as session:
            before = (await session.rerun()).metrics[HEADLINE]
            session.set_value("error_rate", 0.2)
            moved = await session.rerun()
            link = session.query_string
        reopened = await _first_run(server, "", link)
        return before, moved, link, reopened

    before, moved, link, reopened = asyncio.run(scenario())
    assert "error_rate=0.2" in link.split("&")
    # Expected values: the core at the defaults with error_rate 0.2, formatted as the page does.
    assert before == expected_plain_headline(settings())
    assert moved.metrics[HEADLINE] == expected_plain_headline(settings(error_rate=0.2))
    assert reopened.metrics[HEADLINE] == moved.metrics[HEADLINE]
    assert reopened.exceptions == ()


def test_a_shared_deep_link_opens_its_page_with_its_values(server):
    result = asyncio.run(_first_run(server, "quality-map", "error_rate=0.05&labels=20000"))
    assert result.exceptions == ()
    assert not result.page_not_found
    # The map's "Programme's P_align" is formatted as the Overview's headline (pages/map.py).
    assert result.metrics["Programme's P_align"] == expected_headline(settings(error_rate=0.05, labels=20000))


def test_a_link_with_bad_page_values_says_so_at_the_top_and_keeps_the_good_ones(server):
    link = "n_prog=banana&p1_ra=100&p1_na=12345&error_rate=0.2"
    result = asyncio.run(_first_run(server, "budgets", link))
    assert result.exceptions == ()
    (note,) = [a for a in result.alerts if "ignored" in a]
    assert "`n_prog`=`banana`" in note
    assert "`p1_ra`=`100`" in note  # redundancy is in [1, 99]
    assert "p1_na" not in note  # taken
    assert "error_rate" not in note  # taken (a sidebar value)


def test_a_link_with_good_page_values_has_no_note(server):
    result = asyncio.run(
        _first_run(server, "budgets", "n_prog=3&p1_ra=2&p1_na=12345&budget_axis=Calendar+weeks")
    )
    assert result.exceptions == ()
    assert not [a for a in result.alerts if "ignored" in a]
