"""The server's GIL switch interval: shortened once per process, by the entry script.

Why (aliquant_app/serving.py, docs/benchmarks.md "The cost of one rerun"): with the default 5 ms,
each of a rerun's 58 hand-overs between the event loop and the sessions' script threads can wait
that long while other sessions' scripts run; twenty sessions rerunning back to back had their
headline's p95 a quarter to a third lower with 0.5 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app import serving


@pytest.fixture
def default_interval(monkeypatch):
    previous = sys.getswitchinterval()
    monkeypatch.setattr(serving, "_switched", False)
    sys.setswitchinterval(0.005)  # Python's default
    yield
    sys.setswitchinterval(previous)


def test_the_switch_interval_is_shortened_once(default_interval):
    assert serving.shorten_switch_interval() is True
    assert sys.getswitchinterval() == pytest.approx(serving.SWITCH_INTERVAL)
    sys.setswitchinterval(0.004)  # a later call leaves whatever is set alone
    assert serving.shorten_switch_interval() is False
    assert sys.getswitchinterval() == pytest.approx(0.004)


def test_the_entry_script_shortens_it(default_interval):
    AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=120).run()
    assert sys.getswitchinterval() == pytest.approx(serving.SWITCH_INTERVAL)
