"""Serving many viewers: bounded caches, the server settings, and what the app refuses to render.

Each test reads the repository as deployed (``.streamlit/config.toml``, the app's modules) or runs
the helper it checks; none needs a server.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import pickle
import socket
import tomllib
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from aliquant_app import calls, serving

from .plotly_spec import decode_typed_arrays

ROOT = Path(__file__).resolve().parents[1]
APP_FILES = sorted([ROOT / "app.py", *(ROOT / "aliquant_app").glob("*.py"), *(ROOT / "pages").glob("*.py")])
CONFIG = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            yield node


def _dotted(func: ast.expr) -> str:
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


# --- caches ------------------------------------------------------------------------------------


def test_every_cache_goes_through_the_bounded_decorators():
    """Only aliquant_app/calls.py calls st.cache_data or st.cache_resource, and it always passes
    max_entries and ttl: so no cache in the app is unbounded in size or in time."""
    direct = []
    for path in APP_FILES:
        for call in _calls(path):
            name = _dotted(call.func)
            if name in ("st.cache_data", "st.cache_resource"):
                keywords = {k.arg for k in call.keywords}
                if path.name != "calls.py":
                    direct.append(f"{path.relative_to(ROOT)}:{call.lineno} {name}")
                else:
                    assert {"max_entries", "ttl"} <= keywords, f"calls.py:{call.lineno} {name}"
    assert direct == []


def test_every_decorated_cache_names_its_bound():
    """Each use of the decorators states max_entries (cached_figure has a default of 32)."""
    uses = 0
    for path in APP_FILES:
        for call in _calls(path):
            if _dotted(call.func).endswith("cached_data"):
                uses += 1
                keywords = {k.arg: k.value for k in call.keywords}
                assert isinstance(keywords.get("max_entries"), ast.Constant), f"{path.name}:{call.lineno}"
                assert 1 <= keywords["max_entries"].value <= 256
    assert uses >= 20  # the core wrappers and the views' cached calls (25 when this was written)


def test_ttl_is_an_hour():
    assert calls.TTL.total_seconds() == 3600


def test_cached_figure_shares_one_figure_per_arguments():
    """Equal arguments (dicts and lists, keyed by their pickle) give the same figure; others a new one."""
    builds = []

    @calls.cached_figure(max_entries=4)
    def build(data: dict, *, title: str) -> go.Figure:
        builds.append(title)
        return go.Figure(go.Scatter(x=data["x"], y=data["y"]), layout={"title": title})

    data = {"x": [1.0, 2.0, 3.0], "y": [[0.5], [0.25]]}
    first = build(data, title="a")
    again = build({"x": [1.0, 2.0, 3.0], "y": [[0.5], [0.25]]}, title="a")
    other = build({"x": [1.0, 2.0, 3.5], "y": [[0.5], [0.25]]}, title="a")
    assert again is first
    assert other is not first
    assert builds == ["a", "a"]
    assert list(other.data[0].x) == [1.0, 2.0, 3.5]
    # Its dict is computed once, and is what Plotly itself makes of the figure.
    assert isinstance(first, calls.DrawnFigure)
    assert first.to_dict() is first.to_dict()
    expected = go.Figure(go.Scatter(x=data["x"], y=data["y"]), layout={"title": "a"}).to_dict()
    assert json.loads(pio.to_json(first.to_dict())) == json.loads(pio.to_json(expected))
    # A copy or a pickle of the shared figure is an ordinary figure of the same dict, free to change.
    for duplicate in (copy.copy(first), copy.deepcopy(first), pickle.loads(pickle.dumps(first))):
        assert type(duplicate) is go.Figure
        assert json.loads(pio.to_json(duplicate)) == json.loads(pio.to_json(first.to_dict()))
        duplicate.update_layout(title="changed")
        assert first.to_dict()["layout"]["title"]["text"] == "a"


def test_cached_data_copies_what_it_returns():
    @calls.cached_data(max_entries=4)
    def rows(n: int) -> list[list[float]]:
        return [[float(i)] for i in range(n)]

    first = rows(3)
    first[0].append(99.0)
    assert rows(3) == [[0.0], [1.0], [2.0]]


def _count_hashed(monkeypatch) -> list:
    """Record every value Streamlit's cache hashes (``update_hash``, once per name and per value)."""
    from streamlit.runtime.caching import cache_utils

    hashed = []
    original = cache_utils.update_hash

    def counting(val, *args, **kwargs):
        hashed.append(val)
        return original(val, *args, **kwargs)

    monkeypatch.setattr(cache_utils, "update_hash", counting)
    return hashed


def test_a_cached_call_is_hashed_as_one_key(monkeypatch):
    """However many arguments, Streamlit hashes one (its name and its value, the call's pickle):
    hashing each argument separately cost 0.2 to 0.3 ms a call (calls.py, "One key per call")."""
    runs = []

    @calls.cached_data(max_entries=8)
    def model(labels: float, *, error_rate: float, **threat) -> float:
        runs.append(labels)
        return labels * error_rate + sum(threat.values())

    threat = {f"q{i}": float(i) for i in range(10)}
    hashed = _count_hashed(monkeypatch)
    assert model(3.0, error_rate=0.5, **threat) == 1.5 + 45.0
    assert model(3.0, error_rate=0.5, **threat) == 1.5 + 45.0  # a hit
    assert runs == [3.0]
    assert len(hashed) == 2 * 2  # per call: "key" and the key itself
    assert model(3.0, error_rate=0.25, **threat) == 0.75 + 45.0  # another value of one argument
    assert runs == [3.0, 3.0]
    # The same keywords in another order are the same call (the Overview's page and its chart pass
    # the model's values in different orders): a hit.
    assert model(3.0, **dict(reversed(threat.items())), error_rate=0.25) == 0.75 + 45.0
    assert runs == [3.0, 3.0]


def test_one_key_per_call_keeps_the_caches_apart_and_skips_underscored_arguments(monkeypatch):
    runs = []

    @calls.cached_data(max_entries=8)
    def double(x: float, _note: str = "", *, _log: list | None = None) -> float:
        runs.append(("double", x))
        return 2 * x

    @calls.cached_data(max_entries=8)
    def triple(x: float) -> float:
        runs.append(("triple", x))
        return 3 * x

    @calls.cached_figure(max_entries=4)
    def figure(x: float) -> go.Figure:
        runs.append(("figure", x))
        return go.Figure(layout={"title": str(x)})

    # Two functions called with the same arguments have their own entries (not one shared key).
    assert double(1.0) == 2.0
    assert triple(1.0) == 3.0
    assert figure(1.0).to_dict()["layout"]["title"]["text"] == "1.0"
    # Two functions of the same module and name but other code, without a source file (so
    # Streamlit keys both caches by the same wrapper's code) do not share entries.
    made = [{}, {}]
    exec("def same(x):\n    return x + 1.0", made[0])
    exec("def same(x):\n    return x + 2.0", made[1])
    plus_one, plus_two = (calls.cached_data(max_entries=8)(m["same"]) for m in made)
    assert (plus_one(1.0), plus_two(1.0)) == (2.0, 3.0)
    # Arguments named with "_" are not part of the key (Streamlit's rule), given either way.
    assert double(1.0, "a note", _log=[1]) == 2.0
    assert double(1.0, _note="another") == 2.0
    assert runs == [("double", 1.0), ("triple", 1.0), ("figure", 1.0)]
    # An argument that does not pickle (an instance of a local class) is hashed by Streamlit, as
    # before (here through a hash function for its type).
    class Local:
        def __init__(self, value: int):
            self.value = value

    with pytest.raises((pickle.PicklingError, AttributeError)):
        pickle.dumps(Local(1))
    monkeypatch.setitem(calls._FAST_HASH, Local, lambda local: local.value)

    @calls.cached_data(max_entries=8)
    def add(local: Local, n: int) -> int:
        runs.append(("add", local.value, n))
        return local.value + n

    assert add(Local(1), 1) == 2
    assert add(Local(1), 1) == 2
    assert add(Local(2), 1) == 3
    assert runs[-2:] == [("add", 1, 1), ("add", 2, 1)]
    # clear() empties the cache.
    double.clear()
    assert double(1.0) == 2.0
    assert runs.count(("double", 1.0)) == 2


def test_a_cached_figure_is_written_as_json_once(monkeypatch):
    """st.plotly_chart writes a figure's dict with plotly.io.to_json on every rerun; a cached
    figure's is written once (calls.install_figure_json), and is the same text."""
    from plotly.io import _json

    written = []
    original = _json.to_json

    def counting(fig, *args, **kwargs):
        written.append(id(fig))
        return original(fig, *args, **kwargs)

    monkeypatch.setattr(pio, "to_json", counting)
    assert calls.install_figure_json()
    assert pio.to_json.__wrapped__ is counting
    figure = go.Figure(go.Scatter(x=list(range(30)), y=[0.5] * 30), layout={"title": "t"})
    expected = original(figure.to_dict(), validate=False)
    drawn = calls.DrawnFigure.freeze(figure)
    for _ in range(3):  # what st.plotly_chart does on each rerun
        figure_dict = plotly.tools.return_figure_from_figure_or_data(drawn, validate_figure=True)
        assert pio.to_json(figure_dict, validate=False) == expected
    assert len(written) == 1
    # Any other dict, or other options, is written each time, as before.
    plain = figure.to_dict()
    assert pio.to_json(dict(plain), validate=False) == expected
    pretty = original(plain, validate=False, pretty=True)
    assert pio.to_json(drawn.to_dict(), validate=False, pretty=True) == pretty
    assert len(written) == 3
    # A copy of the kept dict is a plain dict (its JSON is not copied with it).
    assert type(copy.deepcopy(drawn.to_dict())) is dict
    assert type(pickle.loads(pickle.dumps(drawn.to_dict()))) is dict


def test_typed_arrays_decode_to_the_numbers_sent():
    """Round trip through Plotly's own encoder (plotly.io.to_json of a figure with NumPy data)."""
    z = np.arange(12, dtype=float).reshape(3, 4) / 7.0
    x = np.array([1, 10, 100, 1000], dtype=np.int64)
    spec = decode_typed_arrays(json.loads(pio.to_json(go.Figure(go.Heatmap(z=z, x=x)), validate=False)))
    assert spec["data"][0]["z"] == z.tolist()
    assert spec["data"][0]["x"] == [1, 10, 100, 1000]


def test_cached_figures_hold_long_numeric_data_as_arrays():
    """Long numeric data becomes NumPy arrays (sent base64-encoded); short, text and mixed data stay."""
    figure = go.Figure(
        [
            go.Scatter(x=list(range(40)), y=[0.5] * 40, customdata=[["a", 1]] * 40, name="long"),
            go.Scatter(x=[1.0, 2.0], y=[3.0, 4.0], name="short"),
        ]
    )
    calls.numeric_data_as_arrays(figure)
    long, short = figure.data
    assert isinstance(long.x, np.ndarray)
    assert isinstance(long.y, np.ndarray)
    assert long.x.tolist() == list(range(40))
    assert isinstance(long.customdata, tuple)  # text and numbers: left as they are
    assert isinstance(short.x, tuple)
    spec = decode_typed_arrays(json.loads(pio.to_json(figure, validate=False)))
    assert "bdata" in pio.to_json(figure, validate=False)
    assert spec["data"][0]["y"] == [0.5] * 40


# --- server settings ---------------------------------------------------------------------------


def test_config_keeps_the_security_settings():
    """XSRF protection on; uploads limited to the largest file the app reads: 10 MB of comparison
    labels (aliquant_core.annotations.MAX_BYTES; scenario files are refused over 1 MB)."""
    from aliquant_core.annotations import MAX_BYTES

    assert CONFIG["server"]["enableXsrfProtection"] is True
    assert CONFIG["server"]["maxUploadSize"] == MAX_BYTES // 1_000_000 == 10


def test_config_turns_off_the_post_script_garbage_collection():
    # Why: aliquant_app/serving.py and docs/benchmarks.md; memory is checked by benchmarks/bench_load.py.
    assert CONFIG["runner"]["postScriptGC"] is False


def test_no_secrets_are_needed():
    assert not (ROOT / ".streamlit" / "secrets.toml").exists()
    for path in APP_FILES:
        assert "st.secrets" not in path.read_text(), path


def test_no_html_from_user_input():
    """st.html only ever gets a constant stylesheet, and nothing passes unsafe_allow_html."""
    for path in APP_FILES:
        for call in _calls(path):
            name = _dotted(call.func)
            assert not any(k.arg == "unsafe_allow_html" for k in call.keywords), f"{path.name}:{call.lineno}"
            if name == "st.html":
                (argument,) = call.args
                constant = isinstance(argument, ast.Constant) or (
                    isinstance(argument, ast.Name) and argument.id.isupper()
                )
                assert constant, f"{path.name}:{call.lineno}: st.html of a non-constant"


# --- Nagle's algorithm -------------------------------------------------------------------------


@pytest.fixture
def fresh_serving(monkeypatch):
    monkeypatch.setattr(serving, "_done", False)


def _nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux's /proc/self/fd")
def test_disable_nagle_fixes_the_listener_and_open_connections(fresh_serving):
    # As Streamlit 1.67 binds its server socket: socket.socket(family=...), protocol 0, Nagle on.
    with socket.socket(socket.AF_INET) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _ = listener.accept()
            with accepted:
                assert (_nodelay(listener), _nodelay(accepted)) == (0, 0)
                changed = serving.disable_nagle()
                assert changed >= 2  # the listener and the open connection (and any others here)
                assert (_nodelay(listener), _nodelay(accepted)) == (1, 1)
                assert accepted.send(b"x") == 1  # still open: only the duplicates were closed
                assert client.recv(1) == b"x"
            # Linux copies TCP_NODELAY from a listener to the sockets it accepts.
            with socket.create_connection(listener.getsockname()):
                later, _ = listener.accept()
                with later:
                    assert _nodelay(later) == 1
    assert serving.disable_nagle() == 0  # once per process


def test_disable_nagle_without_procfs_changes_nothing(fresh_serving, tmp_path):
    assert serving.disable_nagle(tmp_path / "missing") == 0


def test_freeze_startup_heap_collects_then_freezes_once(monkeypatch):
    # gc itself is replaced by recorders: freezing the test process's heap is not the point here.
    calls = []
    monkeypatch.setattr(serving, "_frozen", False)
    monkeypatch.setattr(serving.gc, "collect", lambda: calls.append("collect") or 0)
    monkeypatch.setattr(serving.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(serving.gc, "get_freeze_count", lambda: 123_456)
    assert serving.freeze_startup_heap() == 123_456
    assert serving.freeze_startup_heap() == 0
    assert calls == ["collect", "freeze"]


def test_disable_nagle_closes_its_duplicate_when_the_number_is_no_socket(fresh_serving, tmp_path):
    # Between listing /proc/self/fd and duplicating, a socket's number can be reused by something
    # else (here a pipe listed as a socket): the duplicate must be closed, not leaked.
    read_end, write_end = os.pipe()
    try:
        (tmp_path / str(read_end)).symlink_to("socket:[1]")
        before = len(os.listdir("/proc/self/fd"))
        assert serving.disable_nagle(tmp_path) == 0
        assert len(os.listdir("/proc/self/fd")) == before
    finally:
        os.close(read_end)
        os.close(write_end)


def test_limit_malloc_arenas_sets_glibcs_limit_once(monkeypatch):
    """On glibc (this machine, the Dockerfile's image) mallopt(M_ARENA_MAX, 2) succeeds: True on the
    first call, False after (once per process); app.py calls it on every run."""
    monkeypatch.setattr(serving, "_arenas_limited", False)
    assert serving.limit_malloc_arenas() is True
    assert serving.limit_malloc_arenas() is False
    source = (Path(__file__).resolve().parents[1] / "app.py").read_text()
    assert "serving.limit_malloc_arenas()" in source
