"""Scenario export and import in the explorer: the core's JSON both ways; bad files refused."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app import scenario_io
from aliquant_app.state import CONTROLS, USE_AGREEMENT_KEY, Assumptions
from aliquant_core.scenario import scenario_from_json


def _assumptions(**changes):
    values = {name: control.default for name, control in CONTROLS.items() if name != "agreement"}
    values.update(changes)
    return Assumptions(agreement=None, **values)


def test_export_is_the_cores_scenario_and_reads_back():
    sidebar = _assumptions(labels=250_000.0, error_rate=0.12, blind_spot=0.02)
    text = scenario_io.export_text(sidebar)
    scenario = scenario_from_json(text)
    assert scenario.assumptions.labels == 250_000.0
    assert scenario.assumptions.error_rate == 0.12
    state = {}
    applied, _ = scenario_io.apply_scenario(text.encode(), state)
    assert applied
    # Every quantity the sidebar holds (all but agreement, which a file holds as its error rate)
    # comes back as exported.
    for name in CONTROLS:
        if name != "agreement":
            assert state[name] == getattr(sidebar, name)
    assert state[USE_AGREEMENT_KEY] is False


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"{not json", "invalid JSON"),
        (b'{"aliquant_scenario": 7}', "newer"),
        (b'{"aliquant_scenario": 1, "assumptions": {"error_rate": 0.9}}', "assumptions.error_rate"),
        (b'{"aliquant_scenario": 1, "assumptions": {"labelz": 1}}', 'unknown key "labelz"'),
        (b"x" * 1_000_001, "over 1 MB"),
    ],
)
def test_broken_files_change_nothing_and_say_why(content, fragment):
    state = {"labels": 5.0, "error_rate": 0.3}
    applied, message = scenario_io.apply_scenario(content, state)
    assert not applied
    assert fragment in message
    assert state == {"labels": 5.0, "error_rate": 0.3}


def test_agreement_file_reads_as_its_error_rate():
    content = json.dumps({"aliquant_scenario": 1, "assumptions": {"agreement": 0.726}}).encode()
    state = {}
    applied, message = scenario_io.apply_scenario(content, state)
    assert applied
    # ε = (1 − √(2·0.726 − 1))/2 = 0.16384527372 (by hand, as in tests/test_core_golden.py).
    assert state["error_rate"] == pytest.approx(0.16384527372, rel=1e-10)
    assert "Loaded" in message


def test_sidebar_shows_the_share_and_save_box_and_builds_it_only_when_open():
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any(e.label == "Share and save" for e in at.sidebar.expander)
    # Closed (as a session starts): its contents are not built.
    assert not at.sidebar.get("download_button")
    assert not at.sidebar.get("file_uploader")
    at.session_state[scenario_io.SHARE_BOX_KEY] = True  # what opening it in the browser sets
    at.run()
    assert not at.exception
    assert [b.key for b in at.sidebar.get("download_button")] == ["scenario_export"]
    assert [u.proto.id.rsplit("-", 1)[-1] for u in at.sidebar.get("file_uploader")] == [
        scenario_io.UPLOAD_KEY
    ]
    assert len(at.sidebar.code) == 1  # the share link (empty outside a browser)
    at.session_state[scenario_io.SHARE_BOX_KEY] = False
    at.run()
    assert not at.sidebar.get("download_button")


def test_a_preset_fills_label_quality_in_one_step():
    from aliquant_core import PRESETS

    from .test_app import assert_shows_core, settings

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60).run()
    at.selectbox(key=scenario_io.PRESET_KEY).select("experts").run()
    assert not at.exception
    expert = PRESETS["experts"]  # InstructGPT held-out labelers' 77.3% agreement (the preset's source)
    assert at.slider(key="error_rate").value == pytest.approx(round(expert.error_rate, 4))
    assert at.number_input(key="blind_spot").value == pytest.approx(expert.blind_spot)
    # The headline follows: the core at the preset's quality, everything else at its default.
    assert_shows_core(at, settings(error_rate=round(expert.error_rate, 4), blind_spot=expert.blind_spot))
