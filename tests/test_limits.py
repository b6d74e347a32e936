"""Limits a real user never meets, and errors a viewer never sees in full (issue 15, points 4 and 5).

- Scenario files: at most ``MAX_SOURCES`` sources, ``MAX_PROGRAMMES`` programmes and
  ``MAX_ALLOCATIONS`` allocations, counted before any is read.
- Share links: a value longer than any control takes is noted and kept nowhere, including a link
  so long that Streamlit drops it whole (512 Ki characters); the rest of the link applies.
- Uploads: the import reads the file once, drops it from Streamlit's upload store and draws an
  empty uploader; stray files a client sends past the uploader are dropped at the next run.
- Settings in ``.streamlit/config.toml``: message and upload sizes, error details, toolbar.
- An exception in a page: a short message, no traceback; sidebar, link and other pages work.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import tomllib
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs

import pytest
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFile, UploadedFileRec
from streamlit.testing.v1 import AppTest

from aliquant_app import overview_view, scenario_io, state
from aliquant_core import scenario as scenario_module
from aliquant_core.programme import Allocation, Programme
from aliquant_core.scenario import (
    MAX_ALLOCATIONS,
    MAX_BYTES,
    MAX_PROGRAMMES,
    MAX_SOURCES,
    Scenario,
    ScenarioError,
    scenario_from_json,
)
from aliquant_core.sources import PRESETS

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 60
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


# ---------------------------------------------------------------------------------------------
# Scenario files: counts.


def _document(sources: int = 0, programmes: int = 0, allocations_each: int = 1) -> dict:
    return {
        "aliquant_scenario": 1,
        "sources": [{"preset": "crowdworkers", "name": f"s{i}"} for i in range(sources)],
        "programmes": [
            {"allocations": [{"source": "experts", "labels": 10}] * allocations_each}
            for _ in range(programmes)
        ],
    }


@pytest.mark.parametrize(
    ("at_limit", "over", "path", "words"),
    [
        (dict(sources=MAX_SOURCES), dict(sources=MAX_SOURCES + 1), "sources", f"at most {MAX_SOURCES}"),
        (dict(programmes=MAX_PROGRAMMES), dict(programmes=MAX_PROGRAMMES + 1), "programmes",
         f"at most {MAX_PROGRAMMES}"),
        # 50 programmes of 20 allocations = MAX_ALLOCATIONS; one more allocation in one is over.
        (dict(programmes=50, allocations_each=MAX_ALLOCATIONS // 50),
         dict(programmes=50, allocations_each=MAX_ALLOCATIONS // 50 + 1), "programmes",
         f"at most {MAX_ALLOCATIONS:,}"),
    ],
)  # fmt: skip
def test_a_scenario_holds_up_to_its_limits_and_one_more_is_refused(at_limit, over, path, words):
    read = scenario_from_json(json.dumps(_document(**at_limit)))
    assert len(read.sources) == at_limit.get("sources", 0)
    assert len(read.programmes) == at_limit.get("programmes", 0)
    with pytest.raises(ScenarioError, match=words) as refused:
        scenario_from_json(json.dumps(_document(**over)))
    assert refused.value.path == path


def test_counts_are_checked_before_any_source_or_programme_is_read(monkeypatch):
    """An oversized file costs its JSON parse only: not one source or programme is built."""
    built = []
    real_source, real_programme = scenario_module._source_from, scenario_module._programme_from
    monkeypatch.setattr(scenario_module, "_source_from", lambda *a: built.append(a) or real_source(*a))
    monkeypatch.setattr(scenario_module, "_programme_from", lambda *a: built.append(a) or real_programme(*a))
    for document in (_document(sources=20_000), _document(programmes=MAX_PROGRAMMES + 1)):
        with pytest.raises(ScenarioError, match="at most"):
            scenario_from_json(json.dumps(document))
    assert built == []
    # The check can fail: a file within the limits does read its sources (through the stub).
    scenario_module.scenario_from_dict(_document(sources=2))
    assert len(built) == 2


def test_the_python_api_has_the_same_limits():
    crowd = PRESETS["crowdworkers"]
    named = tuple(dataclasses.replace(crowd, name=f"s{i}") for i in range(MAX_SOURCES + 1))
    assert len(Scenario(sources=named[:MAX_SOURCES]).sources) == MAX_SOURCES
    with pytest.raises(ScenarioError, match=f"at most {MAX_SOURCES}"):
        Scenario(sources=named)
    many = tuple(Programme((Allocation(crowd, 10.0),)) for _ in range(MAX_PROGRAMMES + 1))
    with pytest.raises(ScenarioError, match=f"at most {MAX_PROGRAMMES}"):
        Scenario(programmes=many)
    wide = (Programme(tuple(Allocation(crowd, 10.0) for _ in range(MAX_ALLOCATIONS + 1))),)
    with pytest.raises(ScenarioError, match=f"at most {MAX_ALLOCATIONS:,}"):
        Scenario(programmes=wide)


def test_the_worst_accepted_file_of_the_benchmark_is_accepted():
    """benchmarks/bench_scenario_parse.py times this file; it must be one the core accepts."""
    import bench_scenario_parse

    text = bench_scenario_parse.worst_accepted()
    assert MAX_BYTES - 2_000 < len(text.encode()) <= MAX_BYTES
    read = scenario_from_json(text)
    assert (len(read.sources), len(read.programmes)) == (MAX_SOURCES, MAX_PROGRAMMES)
    assert sum(len(p.allocations) for p in read.programmes) == MAX_ALLOCATIONS


# ---------------------------------------------------------------------------------------------
# Share links.


def test_streamlits_query_string_limits_are_the_ones_the_app_assumes():
    """state.py re-reads a link Streamlit dropped for these limits; if Streamlit changes them, so must it."""
    from streamlit.runtime.state import query_params

    assert state._STREAMLIT_QUERY_CHARS == query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH
    assert state._STREAMLIT_QUERY_PARTS == query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS


def test_bounded_link_keeps_short_parts_and_notes_long_ones():
    long_value = "9" * 1_000_000
    parts, notes = state.bounded_link(f"labels=5000&&target={long_value}&error_rate=0.2&flag&a+b=c%20d")
    assert parts == [("labels", "5000"), ("error_rate", "0.2"), ("flag", ""), ("a b", "c d")]
    assert len(notes) == 1
    assert "`target`" in notes[0]
    assert "1,000,000 characters" in notes[0]
    # A long key, and a value short when encoded but long decoded, are refused too.
    parts, notes = state.bounded_link("k" * 5000 + "=1&x=" + "%41" * (state.MAX_LINK_VALUE + 1))
    assert parts == []
    assert len(notes) == 2
    assert "a name of 5,000 characters" in notes[0]
    # A value of exactly MAX_LINK_VALUE characters is kept.
    edge = "a" * state.MAX_LINK_VALUE
    assert state.bounded_link(f"x={edge}") == ([("x", edge)], [])
    # Too many parts: the first MAX_LINK_PAIRS are read, the rest noted once.
    parts, notes = state.bounded_link("&".join(f"k{i}=1" for i in range(5 * state.MAX_LINK_PAIRS)))
    assert len(parts) == state.MAX_LINK_PAIRS
    assert len(notes) == 1
    assert "more than" in notes[0]


def _long_strings(at: AppTest) -> list[str]:
    """Session State keys holding a string (or strings) longer than any link value."""
    found = []
    for key in at.session_state:
        value = at.session_state[key]
        values = value.values() if isinstance(value, dict) else [value]
        for item in values:
            items = item if isinstance(item, list | tuple) else [item]
            if any(isinstance(v, str) and len(v) > state.MAX_LINK_VALUE + 1 for v in items):
                found.append(key)
    return found


def _link_note(at: AppTest) -> str:
    notes = [w.value for w in at.warning if "link were ignored" in w.value]
    assert len(notes) == 1, [w.value for w in at.warning]
    return notes[0]


def _as_streamlit_passes_it(query_string: str) -> dict:
    """AppTest's query params for what Streamlit's entrance passes on (AppTest skips AppSession)."""
    passed = state.bounded_query_string(query_string)
    return {k: v[0] if len(v) == 1 else v for k, v in parse_qs(passed, keep_blank_values=True).items()}


def test_bounded_query_string_passes_a_readable_link_as_it_is_and_cuts_down_a_long_one():
    short = "error_rate=0.2&target=" + "9" * 150  # a long value, but Streamlit reads the link
    assert state.bounded_query_string(short) is short
    assert state.bounded_query_string("") == ""
    cut = state.bounded_query_string("error_rate=0.2&target=" + "9" * 1_000_000)
    assert cut == f"error_rate=0.2&{state.LONG_LINK_KEY}=1000000%3Avalue%3Atarget"
    # What Streamlit would have done (its own check), and the same with it passed in.
    from streamlit.runtime.state.query_params import sanitize_query_string

    assert sanitize_query_string("a=" + "9" * 1_000_000) == ""
    assert state.bounded_query_string("a=" + "9" * 1_000_000, sanitize_query_string) != ""
    many = "&".join(f"k{i}=1" for i in range(2000))  # short, but more parts than Streamlit reads
    assert len(parse_qs(state.bounded_query_string(many))["k0"]) == 1
    assert len(state.bounded_query_string(many)) < 8_000


def test_install_link_bounds_wraps_streamlits_entrance_once(monkeypatch):
    from streamlit.runtime import app_session

    original = app_session.sanitize_query_string
    monkeypatch.setattr(app_session, "sanitize_query_string", getattr(original, "__wrapped__", original))
    assert not getattr(app_session.sanitize_query_string, "_aliquant_bounded", False)  # Streamlit's own
    assert state.install_link_bounds()
    wrapped = app_session.sanitize_query_string
    assert wrapped.__wrapped__ is getattr(original, "__wrapped__", original)
    assert state.install_link_bounds()
    assert app_session.sanitize_query_string is wrapped  # not wrapped twice
    assert wrapped("a=1") == "a=1"
    assert wrapped("a=" + "9" * 1_000_000) == f"{state.LONG_LINK_KEY}=1000000%3Avalue%3Aa"


def test_a_million_character_value_gets_the_link_note_and_the_rest_of_the_link_applies():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = _as_streamlit_passes_it("error_rate=0.2&target=" + "9" * 1_000_000)
    at.run()
    assert not at.exception
    note = _link_note(at)
    assert "`target`: a value of 1,000,000 characters" in note
    assert at.slider(key="error_rate").value == pytest.approx(0.2)  # the rest of the link applied
    assert at.query_params == {"error_rate": "0.2"}  # the URL no longer holds the long value
    assert _long_strings(at) == []


def test_a_long_value_under_streamlits_limit_is_noted_and_not_copied(monkeypatch):
    """Streamlit reads this link (400k characters); what the app copies of it is clipped."""
    seen = []
    check_link = state.check_link
    monkeypatch.setattr(state, "check_link", lambda raw, *a: seen.append(raw) or check_link(raw, *a))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = {"error_rate": "0.2", "labels": "1" * 200_000, "x" * 200_000: "1"}
    at.run()
    assert not at.exception
    note = _link_note(at)
    assert "`labels`" in note
    assert "not a setting" in note
    assert at.slider(key="error_rate").value == pytest.approx(0.2)
    ((raw,),) = [seen]
    assert (
        max(len(text) for key, values in raw.items() for text in [key, *values]) == state.MAX_LINK_VALUE + 1
    )
    assert _long_strings(at) == []
    assert at.query_params == {"error_rate": "0.2"}  # the long unknown key left the URL


def test_a_link_with_thousands_of_parts_is_read_up_to_the_limit():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = _as_streamlit_passes_it("error_rate=0.2&" + "&".join(f"k{i}=1" for i in range(2000)))
    at.run()
    assert not at.exception
    assert "more than 300 parts" in _link_note(at)
    assert at.slider(key="error_rate").value == pytest.approx(0.2)


# ---------------------------------------------------------------------------------------------
# Uploads.


def _open_box() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.session_state[scenario_io.SHARE_BOX_KEY] = True
    return at.run()


@pytest.mark.parametrize(
    ("content", "applied"),
    [(b'{"aliquant_scenario": 1, "assumptions": {"labels": 5000}}', True), (b"{not json", False)],
)
def test_an_import_keeps_the_values_not_the_file(upload_stores, content, applied):
    at = _open_box()
    (uploader,) = at.sidebar.get("file_uploader")
    uploader.set_value(("scenario.json", content, "application/json"))
    at.run()
    assert not at.exception
    assert (at.number_input(key="labels").value == 5000) is applied
    shown = (at.sidebar.success if applied else at.sidebar.error)[0].value
    assert ("Loaded" in shown) is applied
    # The run that read it had the file in its store, and released it.
    assert upload_stores[-1].file_storage.get("test session id", {}) == {}
    # Nothing in Session State holds the file; the uploader is a new, empty one.
    assert not [key for key in at.session_state if isinstance(at.session_state[key], UploadedFile)]
    (fresh,) = at.sidebar.get("file_uploader")
    assert fresh.proto.id != uploader.proto.id
    assert fresh.value is None
    # The next import works with the new uploader.
    fresh.set_value(("again.json", b'{"aliquant_scenario": 1, "assumptions": {"labels": 7000}}', "x"))
    at.run()
    assert at.number_input(key="labels").value == 7000


def _store_with_150_stray_files() -> MemoryUploadedFileManager:
    store = MemoryUploadedFileManager("/upload")
    for i in range(150):  # 150 files a client sent without any run reading them
        store.add_file("s", UploadedFileRec(file_id=f"f{i}", name="x", type="x", data=b"x" * 1024))
    store.add_file("other", UploadedFileRec(file_id="g", name="x", type="x", data=b"x"))
    return store


def test_stray_uploads_beyond_the_newest_are_dropped_at_the_next_run(monkeypatch):
    store = _store_with_150_stray_files()
    trims = []
    monkeypatch.setattr(scenario_io, "_trim_heap", lambda: trims.append(1))
    monkeypatch.setattr(
        scenario_io, "get_script_run_ctx", lambda: SimpleNamespace(session_id="s", uploaded_file_mgr=store)
    )
    assert scenario_io.drop_stray_uploads() == 150 - scenario_io.MAX_SESSION_UPLOADS
    assert list(store.file_storage["s"]) == ["f148", "f149"]  # the newest: one may be in flight
    assert list(store.file_storage["other"]) == ["g"]  # another session's are its own
    assert store._total_bytes == 2 * 1024 + 1  # the store's own count of what it holds
    assert trims == [1]  # the freed memory goes back to the system
    assert scenario_io.drop_stray_uploads() == 0
    assert trims == [1]


def test_the_sweeper_drops_stray_uploads_of_every_session(monkeypatch):
    store = _store_with_150_stray_files()
    store.add_file("other", UploadedFileRec(file_id="h", name="x", type="x", data=b"x"))
    store.add_file("other", UploadedFileRec(file_id="i", name="x", type="x", data=b"x"))
    monkeypatch.setattr(scenario_io, "_trim_heap", lambda: None)
    assert scenario_io.sweep_uploads(store) == 148 + 1
    assert {k: list(v) for k, v in store.file_storage.items()} == {"s": ["f148", "f149"], "other": ["h", "i"]}
    assert scenario_io.sweep_uploads(object()) == 0  # another kind of store is left alone


def test_the_sweeper_runs_once_per_process(monkeypatch):
    monkeypatch.setattr(scenario_io, "SWEEP_SECONDS", 3600.0)
    scenario_io.start_upload_sweeper()
    first = scenario_io._sweeper
    scenario_io.start_upload_sweeper()
    assert first is scenario_io._sweeper
    assert first.is_alive()
    assert first.daemon


def test_malloc_trim_is_found_on_linux():
    import sys

    if sys.platform.startswith("linux"):
        assert scenario_io._malloc_trim() is not None
    scenario_io._trim_heap()  # and calling it is harmless


# ---------------------------------------------------------------------------------------------
# Settings.


def test_config_sets_small_documented_limits_and_viewer_facing_errors():
    from streamlit.config import ShowErrorDetailsConfigOptions

    server, client = CONFIG["server"], CONFIG["client"]
    # Upload limit (MiB, as Streamlit counts it) holds the largest file the app reads (a labels
    # file on the Your labels page, aliquant_core.annotations.MAX_BYTES), no more; each uploader
    # also passes its own, smaller limit (the scenario import: 1 MB).
    from aliquant_core.annotations import MAX_BYTES as LABELS_MAX_BYTES

    assert MAX_BYTES <= LABELS_MAX_BYTES <= server["maxUploadSize"] * 1024 * 1024 < 2 * LABELS_MAX_BYTES
    # Messages: room for a link past Streamlit's 512 Ki characters (so it is noted, not lost),
    # small enough to refuse a 20 MB query string at the socket.
    assert 2 * 512 * 1024 < server["maxMessageSize"] * 1_000_000 < 20_000_000 / 4
    assert client["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value
    # No developer options, nor "viewer" mode's Record screen (tests/test_browser_shell.py, in Chromium).
    assert client["toolbarMode"] == "minimal"


# ---------------------------------------------------------------------------------------------
# An exception in a page.


def test_an_exception_in_a_page_shows_a_short_message_and_everything_else_works(monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom at /srv/secret/path.py")

    monkeypatch.setattr(overview_view, "required", broken)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = {"labels": "5000"}
    with caplog.at_level(logging.ERROR, logger="aliquant_app"):
        at.run()
    assert not at.exception  # no exception element (Streamlit's, with its traceback)
    errors = [e.value for e in at.main.error]
    assert len(errors) == 1
    assert "unexpected error" in errors[0]
    page_text = " ".join(str(e.value) for e in [*at.main.error, *at.main.markdown, *at.main.warning])
    assert "/srv/secret" not in page_text
    assert "RuntimeError" not in page_text
    # Logged on the server, with the traceback.
    assert any(r.exc_info and "boom at /srv/secret" in str(r.exc_info[1]) for r in caplog.records)
    # The sidebar is drawn with the link's values, and the share box works.
    assert at.number_input(key="labels").value == 5000
    at.session_state[scenario_io.SHARE_BOX_KEY] = True
    at.run()
    assert not at.exception
    assert len(at.sidebar.code) == 1
    assert [b.key for b in at.sidebar.get("download_button")] == ["scenario_export"]
    # Another page still works, with the same sidebar.
    at.switch_page("pages/method.py").run()
    assert not at.exception
    assert not at.main.error
    assert at.number_input(key="labels").value == 5000
    # And the broken page, once fixed, draws again.
    monkeypatch.undo()
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert not at.main.error


# ---------------------------------------------------------------------------------------------
# The same at a real server (its config applies: message size, and the link Streamlit drops).


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import asyncio

    import st_client

    from .server import serve_app

    with serve_app(tmp_path_factory.mktemp("streamlit")) as url:

        async def warm_up():  # as a deployment does after a start (docs/deploy.md)
            async with st_client.Session(url):
                pass

        asyncio.run(warm_up())
        yield url


def test_at_the_server_a_million_character_value_gets_the_link_note(server):
    import asyncio

    import st_client

    async def run():
        async with st_client.Session(server, "", "error_rate=0.2&target=" + "9" * 1_000_000) as session:
            return session.query_string, await session.rerun()

    query_string, result = asyncio.run(run())
    assert not result.exceptions
    assert any("`target`: a value of 1,000,000 characters" in alert for alert in result.alerts)
    assert query_string == "error_rate=0.2"  # the browser's URL is rewritten without the long value


def test_at_the_server_a_20_mb_query_string_is_refused_before_it_is_read(server):
    import asyncio

    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg

    async def send():
        ws_url = server.replace("http://", "ws://") + "/_stcore/stream"
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None) as socket_:
            message = BackMsg()
            message.rerun_script.query_string = "a=" + "9" * 20_000_000
            try:
                await socket_.send(message.SerializeToString())
                while True:  # a server that took it would answer and run; a timeout fails the test
                    await asyncio.wait_for(socket_.recv(), 30)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code

    assert asyncio.run(send()) == 1009  # "message too big": server.maxMessageSize
