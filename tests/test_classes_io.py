"""Competitor classes in scenario files and on the command line (issue #17, point 2)."""

from __future__ import annotations

import json

import pytest

import aliquant_core as core
from aliquant_core import CompetitorClass, ScenarioError
from aliquant_core.classes import MAX_CLASSES
from aliquant_core.cli import main

TWO = [
    {"name": "benign", "competitors_log10": 20, "footprint": 0.05, "exploitation": 0.3},
    {"name": "few", "competitors_log10": 2, "footprint": 0.03, "exploitation": 0.4},
]


def document(classes) -> dict:
    return {"aliquant_scenario": 1, "assumptions": {"labels": 100_000}, "competitor_classes": classes}


def run(capsys, *words):
    status = main(list(words))
    out, err = capsys.readouterr()
    return status, out, err


# -- scenario files ---------------------------------------------------------------------------------


def test_classes_round_trip_and_the_first_is_the_assumptions():
    scenario = core.scenario_from_dict(document(TWO))
    assert [c.name for c in scenario.classes] == ["benign", "few"]
    assert scenario.assumptions.exploitation == 0.3  # the first class's, over the table's 0.65
    assert core.scenario_from_json(scenario.to_json()) == scenario
    assert scenario.to_dict()["competitor_classes"] == TWO


def test_a_file_without_classes_writes_none_and_has_the_assumptions_class():
    scenario = core.scenario_from_dict({"aliquant_scenario": 1})
    assert "competitor_classes" not in scenario.to_dict()
    (only,) = scenario.classes
    assert only.threat == {k: core.DEFAULTS[k] for k in ("competitors_log10", "footprint", "exploitation")}


@pytest.mark.parametrize(
    ("classes", "message"),
    [
        ([{"name": "a", "footprint": 0}], r"competitor_classes\[0\]\.footprint must be in \(0, 1\]; got 0"),
        ([{"name": "a", "competitors_log10": 301}], r"competitors_log10 must be in \[0, 300\]; got 301"),
        ([{"name": "a", "exploitation": "high"}], r"exploitation must be a number"),
        ([{"footprint": 0.1}], r'competitor_classes\[0\] is missing "name"'),
        ([{"name": "a"}, {"name": "a"}], r"already the name of another class"),
        ([{"name": "a", "blind_spot": 0.1}], r'unknown key "blind_spot"'),
        ([{"name": "x" * 61}], r"at most 60 characters"),
        ([{"name": f"c{i}"} for i in range(MAX_CLASSES + 1)], rf"a scenario holds at most {MAX_CLASSES}"),
        ("all of them", r"competitor_classes must be a list"),
    ],
)
def test_bad_classes_are_refused_naming_the_path_and_range(classes, message):
    with pytest.raises(ScenarioError, match=message):
        core.scenario_from_dict(document(classes))


def test_a_scenario_built_in_python_is_checked_the_same():
    with pytest.raises(ScenarioError, match="already the name"):
        core.Scenario(competitor_classes=(CompetitorClass("a"), CompetitorClass("a")))


# -- the command line -------------------------------------------------------------------------------


def test_evaluate_with_one_class_reports_it_and_changes_nothing_else(capsys):
    _, out, _ = run(capsys, "evaluate", "--json")
    data = json.loads(out)
    a = core.Assumptions()
    assert data["p_align"] == float(core.p_align(a).p_align)
    assert data["required_labels"] == 99_890
    (only,) = data["classes"]
    assert data["binding"] == only["name"] == "competitors"
    assert only["p_align"] == data["p_align"]


def test_evaluate_json_reports_each_class_and_the_binding_one(capsys):
    status, out, err = run(
        capsys, "evaluate", "--json", "--class", "targeted-few", "--class", "mild:3:0.2:0.1"
    )
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert [c["name"] for c in data["classes"]] == ["competitors", "targeted few", "mild"]
    assert data["binding"] == "targeted few"
    classes = (
        CompetitorClass("competitors"),
        core.targeted_few(core.DEFAULTS["blind_spot"]),
        CompetitorClass("mild", 3, 0.2, 0.1),
    )
    a = core.Assumptions()
    expected = core.classes_p_align(a, classes=classes)
    assert data["p_align"] == float(expected.p_align)
    assert data["required_labels"] is None  # the targeted few: no quantity suffices
    assert data["regime"] == "no_quantity_suffices"
    assert data["classes"][1]["footprint"] == core.DEFAULTS["blind_spot"]
    assert set(data["shared_dataset"]) >= {"p_align", "p_align_at_most", "classes"}


def test_classes_come_from_a_scenario_file(capsys, tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps(document(TWO)))
    _, out, _ = run(capsys, "required", "--json", "--scenario", str(path))
    needed = core.required_labels(
        0.9, core.DEFAULTS["error_rate"], classes=[CompetitorClass(**c) for c in TWO],
        blind_spot=0.03, fooled_rate=core.DEFAULTS["fooled_rate"],
    )  # fmt: skip
    assert json.loads(out)["required_labels"] == float(needed)
    _, out, _ = run(capsys, "evaluate", "--json", "--scenario", str(path))
    assert json.loads(out)["binding"] == "few"
    _, text, _ = run(capsys, "evaluate", "--scenario", str(path))
    assert "Binding class           few" in text


def test_tolerate_says_which_class_the_count_is_of(capsys):
    _, out, _ = run(capsys, "tolerate", "--json", "--class", "few:2:0.03:0.4")
    data = json.loads(out)
    assert data["competitors_class"] == "competitors"
    classes = [CompetitorClass("competitors"), CompetitorClass("few", 2, 0.03, 0.4)]
    a = core.Assumptions()
    most = core.max_competitors_log10(
        a.target, a.labels, a.error_rate, classes=classes, fooled_rate=a.fooled_rate
    )
    assert data["max_competitors_log10"] == float(most)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x:400:0.1:0.5", "competitors_log10 must be in [0, 300]; got 400"),
        ("x:2:0:0.5", "footprint must be in (0, 1]; got 0"),
        ("nonsense", "must be NAME:LOG10K:FOOTPRINT:EXPLOITATION or targeted-few"),
    ],
)
def test_a_bad_class_flag_exits_2_with_the_range(capsys, value, message):
    with pytest.raises(SystemExit) as exit_:
        main(["evaluate", "--class", value])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_two_classes_of_one_name_exit_2(capsys):
    status, _, err = run(capsys, "evaluate", "--class", "competitors:2:0.1:0.5")
    assert status == 2
    assert "two competitor classes are named 'competitors'" in err
