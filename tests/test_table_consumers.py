"""Every consumer of the table of quantities takes the table's bounds and defaults.

The test walks :data:`aliquant_core.quantities.QUANTITIES` and checks each way a value gets in:
the command line's flags (and ``--help`` of every subcommand), scenario files, and share links
(the sidebar of the explorer), then sends one value per quantity through all three and back. A
quantity added to the table is covered here without a new test.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from aliquant_core import p_align, required_labels
from aliquant_core.cli import _SETTINGS, build_parser, main
from aliquant_core.quantities import DEFAULTS, QUANTITIES, THREAT, Assumptions, Quantity, names_in
from aliquant_core.scenario import ScenarioError, scenario_from_dict, scenario_from_json, scenario_to_json
from aliquant_core.sources import Source
from aliquant_core.trajectory import TrajectoryRates

from .strategies import ends

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


# --- values at, and just beyond, each end ---------------------------------------------------------


def text(value: float) -> str:
    """A value as a flag, a link or a file writes it: ``repr``, so it reads back as the same float."""
    whole = math.isfinite(value) and value == int(value) and abs(value) < 1e15
    return str(int(value)) if whole else repr(float(value))


def closed_ends(q: Quantity) -> list[float]:
    """The interval's finite closed ends: values every consumer must accept."""
    pairs = ((q.low, q.low_open), (q.high, q.high_open))
    return [end for end, is_open in pairs if not is_open and math.isfinite(end)]


def outside(q: Quantity) -> list[float]:
    """Values every consumer must refuse: the nearest float beyond each finite closed end, each open
    end itself (infinite ones too), and a fraction for a whole quantity."""
    values = []
    for end, is_open, away in ((q.low, q.low_open, -math.inf), (q.high, q.high_open, math.inf)):
        values.append(end if is_open else float(np.nextafter(end, away)))
    if q.whole:
        values.append(math.floor(q.default) + 0.5)
    return values


def interior(q: Quantity) -> float:
    """A value inside the widget's bounds that is not the default: one step up (or down)."""
    for value in (q.default + q.step, q.default - q.step):
        value = float(f"{value:.10g}")
        if q.contains(value) and q.control_low <= value <= q.control_high:
            return value
    raise AssertionError(f"no interior value for {q.name}")


# --- the command line -----------------------------------------------------------------------------


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def quantity_flags(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """The subcommand's flags that are quantities of the table, by quantity name."""
    flags = {}
    for action in parser._actions:
        for option in action.option_strings:
            name = option.removeprefix("--").replace("-", "_")
            if option.startswith("--") and name in QUANTITIES:
                flags[name] = action
    return flags


SUBCOMMANDS = subcommands()
CLI_CASES = [(sub, name) for sub, parser in SUBCOMMANDS.items() for name in quantity_flags(parser)]


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``main(argv)`` in process: exit status, stdout, stderr (argparse's exits become the status)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
    return status, out.getvalue(), err.getvalue()


def help_entries(help_text: str) -> dict[str, str]:
    """Each option's entry in a ``--help``, whitespace collapsed (argparse wraps long help)."""
    entries, current = {}, None
    for line in help_text.splitlines():
        match = re.match(r"^  (-\S+)", line)
        if match:
            current = match.group(1).rstrip(",")
            entries[current] = ""
        elif not line.startswith("   ") and not line.startswith("  "):
            current = None
        if current is not None:
            entries[current] = " ".join((entries[current] + " " + line).split())
    return entries


def test_every_subcommand_takes_quantity_flags():
    # The walk below needs something to walk: the model's subcommands all take the threat.
    assert {"evaluate", "required", "tolerate", "trajectory", "simulate"} <= set(SUBCOMMANDS)
    for sub in ("evaluate", "required", "tolerate", "trajectory"):
        assert set(THREAT) <= set(quantity_flags(SUBCOMMANDS[sub])), sub
    assert set(names_in("rate")) <= set(quantity_flags(SUBCOMMANDS["trajectory"]))


@pytest.mark.parametrize("sub", sorted(SUBCOMMANDS))
def test_help_of_every_subcommand_names_each_quantity_with_its_interval(sub):
    status, out, err = run_cli(sub, "--help")
    assert (status, err) == (0, "")
    entries = help_entries(out)
    for name in quantity_flags(SUBCOMMANDS[sub]):
        q = QUANTITIES[name]
        assert q.flag in entries, f"{sub} --help has no entry for {q.flag}"
        assert q.range_text in entries[q.flag], f"{sub} {q.flag}: {entries[q.flag]!r}"


@pytest.mark.parametrize(("sub", "name"), CLI_CASES, ids=[f"{s}-{n}" for s, n in CLI_CASES])
def test_a_flag_takes_its_closed_ends_and_refuses_what_is_outside(sub, name):
    q = QUANTITIES[name]
    parser = build_parser()
    for end in closed_ends(q):
        # Parsing is what takes the value; running the command at every end would take minutes.
        args = parser.parse_args([sub, f"{q.flag}={text(end)}"])
        assert getattr(args, name) == end
    for value in outside(q):
        # The --flag=value form, so that argparse does not take "-5e-324" for an option.
        status, out, err = run_cli(sub, f"{q.flag}={text(value)}")
        assert status == 2, f"{sub} {q.flag}={text(value)} was accepted"
        assert out == ""
        assert err.count("\n") == 1, err
        assert q.flag in err, err
        assert q.range_text in err, err


@pytest.mark.parametrize(("sub", "name"), CLI_CASES, ids=[f"{s}-{n}" for s, n in CLI_CASES])
def test_a_flag_defaults_to_the_table(sub, name):
    # No flag: None (the value then comes from --scenario, else the table) or the table's default.
    default = quantity_flags(SUBCOMMANDS[sub])[name].default
    assert default is None or default == DEFAULTS[name], (sub, name, default)


#: Settings that keep a run quick where a subcommand draws or simulates: the walk is of the flags.
QUICK = {
    "uncertainty": ("--draws=16",),
    "sensitivity": ("--samples=2", "--interval=labels=10:1000"),
    "simulate": ("--trials=100",),
}


def _no_constant(name: str):
    raise AssertionError(f"JSON holds {name}, which is not a finite number")


def answers_or_refuses(*argv: str) -> tuple[int, str, str]:
    """Run the command line and check what the issue asks of every input (#15 point 1).

    Exit 0 with finite numbers (the JSON parses with no NaN or Infinity), or exit 2 with one line on
    stderr and nothing on stdout; no warning (NumPy's RuntimeWarning) reaches the user either way.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        status, out, err = run_cli(*argv)
    shown = " ".join(argv)
    assert not caught, f"{shown}: {[str(w.message) for w in caught]}"
    assert status in (0, 2), f"{shown}: exit {status}: {err[-300:]}"
    if status == 2:
        assert out == "", shown
        assert err.startswith("aliquant: error: "), f"{shown}: {err!r}"
        assert err.count("\n") == 1, f"{shown}: {err!r}"
    else:
        assert err == "", f"{shown}: {err!r}"
        if "--json" in argv:
            json.loads(out, parse_constant=_no_constant)
        assert "None" not in out, f"{shown}: {out[-300:]}"  # a null formatted as text
        assert not re.search(r"\b(nan|inf)\b", out), f"{shown}: {out[-300:]}"  # "$inf" as before #15
    return status, out, err


@pytest.mark.parametrize(("sub", "name"), CLI_CASES, ids=[f"{s}-{n}" for s, n in CLI_CASES])
def test_a_subcommand_at_each_end_of_a_flag_answers_finitely_or_refuses_in_one_line(sub, name):
    # Each end the interval admits (5e-324 above an open 0, the largest float below an infinite
    # end), in JSON and in text: costs beyond the largest float are refused, never inf or a warning.
    for end in ends(name):
        for form in ((), ("--json",)):
            answers_or_refuses(sub, f"{QUANTITIES[name].flag}={text(end)}", *QUICK.get(sub, ()), *form)


SETTING_CASES = [
    (sub, setting.name, end)
    for sub, parser in SUBCOMMANDS.items()
    for setting in _SETTINGS.values()
    if any(setting.flag in action.option_strings for action in parser._actions)
    and setting.name not in ("draws", "trials")  # their top end is minutes of drawing
    for end in (
        float(np.nextafter(setting.low, math.inf)) if setting.low_open else setting.low,
        float(np.finfo(float).max) if math.isinf(setting.high) else setting.high,
    )
]


@pytest.mark.parametrize(
    ("sub", "name", "end"), SETTING_CASES, ids=[f"{s}-{n}-{e:g}" for s, n, e in SETTING_CASES]
)
def test_a_subcommand_at_each_end_of_a_setting_answers_finitely_or_refuses_in_one_line(sub, name, end):
    flag = _SETTINGS[name].flag
    answers_or_refuses(sub, f"{flag}={text(end)}", *QUICK.get(sub, ()), "--json")
    if sub == "curve":  # the cost law prices labels by (1/2 - eps)^gamma: the steepest law too
        answers_or_refuses(sub, "--kind=cost-law", "--gamma=10", f"{flag}={text(end)}", "--json")
        answers_or_refuses(sub, "--kind=redundancy", f"{flag}={text(end)}", "--json")


def test_evaluate_without_flags_reports_the_tables_defaults():
    status, out, _ = run_cli("evaluate", "--json")
    assert status == 0
    data = json.loads(out)
    threat = {name: DEFAULTS[name] for name in THREAT}
    expected = p_align(DEFAULTS["labels"], DEFAULTS["error_rate"], **threat).to_dict(json_safe=True)
    shared = set(expected) & set(data)
    assert {"p_align", "p_single", "label_win_prob", "regime"} <= shared
    assert {key: data[key] for key in shared} == {key: expected[key] for key in shared}
    assert data["required_labels"] == float(
        required_labels(DEFAULTS["target"], DEFAULTS["error_rate"], **threat)
    )
    inputs = {key: value for key, value in data["inputs"].items() if key in QUANTITIES}
    assert set(THREAT) | {"labels", "error_rate", "cost_per_label", "workforce"} <= set(inputs)
    assert inputs == {key: DEFAULTS[key] for key in inputs}
    assert (data["target"], data["redundancy"]) == (DEFAULTS["target"], DEFAULTS["redundancy"])


# --- scenario files -------------------------------------------------------------------------------

#: A source's fields that are quantities (``agreement`` may stand in for ``error_rate``).
SOURCE_QUANTITIES = (*(f for f in Source.__dataclass_fields__ if f in QUANTITIES), "agreement")
BASE_SOURCE = {
    "name": "base",
    **{f: DEFAULTS[f] for f in Source.__dataclass_fields__ if f in QUANTITIES},
}


def document(place: str, name: str, value) -> dict:
    """A scenario document holding ``value`` for quantity ``name`` at ``place``."""
    if place == "assumptions":
        return {"aliquant_scenario": 1, "assumptions": {name: value}}
    if place == "source":
        source = {k: v for k, v in BASE_SOURCE.items() if not (name == "agreement" and k == "error_rate")}
        return {"aliquant_scenario": 1, "sources": [{**source, name: value}]}
    if place == "allocation":
        allocation = {"source": "base", "labels": 1000, name: value}
        return {
            "aliquant_scenario": 1,
            "sources": [BASE_SOURCE],
            "programmes": [{"allocations": [allocation]}],
        }
    return {"aliquant_scenario": 1, "trajectory": {name: value}}


def read_back(scenario, place: str, name: str) -> float:
    holder = {
        "assumptions": lambda: scenario.assumptions,
        "source": lambda: scenario.sources[0],
        "allocation": lambda: scenario.programmes[0].allocations[0],
    }.get(place)
    if holder is None:
        return scenario.trajectory[name]
    if name == "agreement" and getattr(holder(), "agreement", None) is None:
        error_rate = holder().error_rate  # a source keeps the error rate the agreement gives
        return (1 - error_rate) ** 2 + error_rate**2
    return getattr(holder(), name)


def refusal(data: dict) -> str | None:
    """The ScenarioError's message for ``data``, or None if it is read."""
    try:
        scenario_from_dict(data)
    except ScenarioError as error:
        return str(error)
    return None


SCENARIO_CASES = [
    *(("assumptions", name) for name in Assumptions.field_names()),
    *(("source", name) for name in SOURCE_QUANTITIES),
    ("allocation", "labels"),
    ("allocation", "redundancy"),
    *(("trajectory", name) for name in names_in("rate")),
]


@pytest.mark.parametrize(("place", "name"), SCENARIO_CASES, ids=[f"{p}-{n}" for p, n in SCENARIO_CASES])
def test_a_scenario_file_takes_closed_ends_and_refuses_what_is_outside(place, name):
    q = QUANTITIES[name]
    for end in closed_ends(q):
        value = read_back(scenario_from_dict(document(place, name, end)), place, name)
        assert value == pytest.approx(end, abs=1e-12) if name == "agreement" else value == end
    for value in outside(q):
        refused = refusal(document(place, name, value))
        assert refused is not None, f"{place}.{name} = {value!r} was accepted"
        assert q.range_text in refused, refused


def test_a_missing_value_in_a_scenario_file_is_the_tables_default():
    bare = scenario_from_dict({"aliquant_scenario": 1})
    for name in Assumptions.field_names():
        if name != "agreement":
            assert getattr(bare.assumptions, name) == DEFAULTS[name], name
    one = scenario_from_dict(document("assumptions", "labels", 5000))
    assert one.assumptions.labels == 5000
    assert one.assumptions.blind_spot == DEFAULTS["blind_spot"]
    allocation = scenario_from_dict(document("allocation", "labels", 5)).programmes[0].allocations[0]
    assert (allocation.labels, allocation.redundancy) == (5, DEFAULTS["redundancy"])
    rates = TrajectoryRates(**bare.trajectory)
    rate_names = names_in("rate")
    assert {name: getattr(rates, name) for name in rate_names} == {
        name: DEFAULTS[name] for name in rate_names
    }


# --- share links ----------------------------------------------------------------------------------

#: The sidebar's quantities: every field of Assumptions (agreement in place of error_rate).
SIDEBAR = Assumptions.field_names()


def run_app(link: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(link)
    return at.run()


def sidebar_values(at: AppTest) -> dict[str, float]:
    return {w.key: w.value for w in (*at.sidebar.slider, *at.sidebar.number_input) if w.key in SIDEBAR}


def link_note(at: AppTest) -> str:
    notes = [w.value for w in at.warning if "ignored" in w.value]
    return notes[0] if notes else ""


def link_of(values: dict[str, float], quality: str) -> dict[str, str]:
    """A share link with ``values`` for every sidebar quantity, label quality as ``quality``."""
    dropped = "error_rate" if quality == "agreement" else "agreement"
    return {name: text(value) for name, value in values.items() if name != dropped}


@pytest.mark.parametrize("quality", ["error_rate", "agreement"])
@pytest.mark.parametrize("end", ["low", "high"])
def test_a_link_sets_each_sidebar_control_to_a_valid_value(end, quality):
    # The widget's bounds: the interval, with an open end moved in by the table's hint.
    values = {name: getattr(QUANTITIES[name], f"control_{end}") for name in SIDEBAR}
    link = link_of(values, quality)
    at = run_app(link)
    assert not at.exception
    assert link_note(at) == ""
    assert sidebar_values(at) == {name: values[name] for name in link}
    assert at.toggle(key="use_agreement").value is (quality == "agreement")


@pytest.mark.parametrize("quality", ["error_rate", "agreement"])
@pytest.mark.parametrize("end", [0, 1])
def test_a_link_beyond_each_interval_keeps_the_default_and_says_so(end, quality):
    # One link per end holds every sidebar quantity just beyond it (or at it, where it is open).
    values = {name: outside(QUANTITIES[name])[end] for name in SIDEBAR}
    link = link_of(values, quality)
    at = run_app(link)
    assert not at.exception
    assert sidebar_values(at) == {name: DEFAULTS[name] for name in link}
    lines = link_note(at).splitlines()
    for name, raw in link.items():
        (line,) = [line for line in lines if f"`{name}`=`{raw}`" in line]
        assert "outside" in line, line


# --- one value through every consumer and back ----------------------------------------------------


def where_in_a_scenario(name: str) -> str:
    return next(place for place, n in SCENARIO_CASES if n == name)


def test_one_value_per_quantity_round_trips_through_flag_file_and_link():
    parser = build_parser()
    flags = {name: sub for sub, name in reversed(CLI_CASES)}  # a subcommand that takes each
    scenario_names = {name for _, name in SCENARIO_CASES}
    assert set(QUANTITIES) <= set(flags) | scenario_names, "a quantity no consumer takes"
    through: dict[str, float] = {}
    for name, q in QUANTITIES.items():
        value = interior(q)
        if name in flags:  # the command line
            value = getattr(parser.parse_args([flags[name], f"{q.flag}={text(value)}"]), name)
        if name in scenario_names:  # a scenario file, written and read back
            place = where_in_a_scenario(name)
            scenario = scenario_from_json(scenario_to_json(scenario_from_dict(document(place, name, value))))
            value = read_back(scenario, place, name)
            if name == "agreement":
                value = float(f"{value:.12g}")  # the file keeps the error rate the agreement gives
        through[name] = value
        assert value == interior(q), name
    # The share link: the sidebar's quantities in one link (and agreement in a second).
    for quality in ("error_rate", "agreement"):
        link = link_of({name: through[name] for name in SIDEBAR}, quality)
        at = run_app(link)
        assert link_note(at) == ""
        assert sidebar_values(at) == {name: through[name] for name in link}
        for name, raw in at.query_params.items():  # and back to the command line
            if name in link:
                args = parser.parse_args([flags[name], f"{QUANTITIES[name].flag}={raw}"])
                assert getattr(args, name) == through[name], name
        assert set(link) <= set(at.query_params)
