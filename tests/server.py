"""``streamlit run app.py`` on a free loopback port, for the tests that need a real server.

The server is started as the benchmarks start it (``benchmarks/bench_app.py``, ``serve``: headless,
no file watcher, ready when ``/_stcore/health`` answers), so tests and benchmarks measure the same
thing.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import bench_app  # benchmarks/ is on pytest's pythonpath (pyproject.toml)
import pytest

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def serve_app(log_dir: Path):
    """Serve ``app.py`` until the block ends; yields its URL."""
    try:
        server = bench_app.serve("app.py", ROOT, log_dir)
        url, _command = server.__enter__()
    except RuntimeError as error:  # not healthy within 60 s: its log's tail is in the message
        pytest.fail(str(error))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)
