"""Public-hosting hardening (issue #15 points 1 to 3): overflow, caps on every path, injection.

1. Every subcommand answers with finite numbers or refuses with exit 2 and one line; no warning
   reaches the user; JSON never holds a non-finite number. The issue's reproductions are pinned,
   and a hypothesis property drives each subcommand with values at both ends of every flag's
   interval (``tests/strategies.py``: :func:`~tests.strategies.extreme`).
2. Every refusal, on every path in (Python API, scenario file, command line), is the one
   documented error type :class:`~aliquant_core.quantities.QuantityError`; the walk is of the table
   (:data:`QUANTITIES`, ``names_in``) and of the scenario's source and allocation fields.
3. Names are shown as text: no control character reaches the terminal from the command line, and
   the explorer escapes Markdown in a file's name and in the messages that quote a file.
"""

from __future__ import annotations

import json
import math
import unicodedata
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from aliquant_core import PRESETS, cost_law_curve, mixture_p_align, required_labels
from aliquant_core.cli import printable
from aliquant_core.programme import Allocation, Programme, programme_cost, source_cost
from aliquant_core.quantities import MODEL_GROUPS, QUANTITIES, Assumptions, QuantityError, check, names_in
from aliquant_core.scenario import ScenarioError, scenario_from_dict, scenario_from_json
from aliquant_core.sources import Source, redundant_error_rate
from aliquant_core.trajectory import TrajectoryRates

from .strategies import extreme
from .test_table_consumers import (
    BASE_SOURCE,
    QUICK,
    SCENARIO_CASES,
    SUBCOMMANDS,
    answers_or_refuses,
    document,
    outside,
    quantity_flags,
    run_cli,
    text,
)

LARGEST = float(np.finfo(float).max)


def no_warnings(call):
    """``call()``'s value; fails if it warns (NumPy's RuntimeWarning reaching the user)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = call()
    assert not caught, [str(w.message) for w in caught]
    return value


# --- 1. overflow: the issue's reproductions -------------------------------------------------------

#: The issue's commands (and their near relatives), each refused in one line naming what overflows.
REFUSED = {
    "cost": (["--labels", "1e12", "--cost-per-label", "1e308"], ("dollars", "cost_per_label")),
    "seconds": (["--labels", "1e12", "--seconds-per-label", "1e308"], ("labeler_hours", "seconds_per_label")),
    "workforce subnormal": (["--workforce", "5e-324"], ("calendar_weeks", "workforce")),
    "workforce smallest normal": (["--workforce", "2.2e-308"], ("calendar_weeks", "workforce")),
    "hours per week": (["--hours-per-week", "5e-324"], ("calendar_weeks", "hours_per_week")),
}


@pytest.mark.parametrize("case", REFUSED)
@pytest.mark.parametrize("form", ["text", "json"])
def test_costs_beyond_the_largest_float_are_refused_in_one_line_naming_the_quantities(case, form):
    flags, named = REFUSED[case]
    status, _, err = answers_or_refuses("evaluate", *flags, *(["--json"] if form == "json" else []))
    assert status == 2
    for name in named:
        assert name in err, err


def test_the_cost_law_with_the_largest_budget_answers_with_finite_numbers():
    # The issue's `curve --kind cost-law --budget 1e308 --gamma 10 --json`: at ε = 0.49 a label costs
    # c_ref·(0.01/(0.5 − ε_ref))^10, about 1e-17 dollars, so 1e308 dollars buys more than any float
    # counts; the curve buys (and charges for) at most the 1e12 labels a source can give.
    status, out, _ = answers_or_refuses(
        "curve", "--kind", "cost-law", "--budget", "1e308", "--gamma", "10", "--json"
    )
    assert status == 0
    points = json.loads(out)["points"]
    assert max(max(p["labels"]) for p in points) == QUANTITIES["labels"].high
    assert all(0 <= p["dollars"] <= 1e308 for p in points)


def test_required_labels_beyond_the_largest_float_are_infinite_without_a_warning():
    # A footprint of 5e-324 (the smallest float above 0): m ≥ 1 informative labels need N ≥ 0.5/5e-324,
    # 1e323, beyond the largest float: no number of labels a float counts suffices (inf, as unreachable).
    needed = no_warnings(
        lambda: required_labels(0.9, 0.1, blind_spot=0, footprint=5e-324, competitors_log10=0)
    )
    assert needed == math.inf
    # At the smallest normal float, 2.2e-308, an error rate of 0.45 needs a jury of hundreds: also beyond.
    needed = no_warnings(
        lambda: required_labels(0.9, 0.45, blind_spot=0, footprint=2.2e-308, competitors_log10=0)
    )
    assert needed == math.inf
    # The issue's case: ε = 0.2 needs a jury of m = 5 (one competitor, every situation informative:
    # 0.94208 ≥ 0.9, the docstring's example), so N = ceil((m − ½)/f) = 4.5/2.2e-308 ≈ 2.05e308, just
    # beyond the largest float (1.8e308): inf, where it overflowed with a warning before.
    assert required_labels(0.9, 0.2, blind_spot=0, footprint=1, competitors_log10=0) == 5
    needed = no_warnings(
        lambda: required_labels(0.9, 0.2, blind_spot=0, footprint=2.2e-308, competitors_log10=0)
    )
    assert needed == math.inf
    # At 1e-300 the same jury needs 4.5e300 labels, which a float holds.
    assert no_warnings(
        lambda: required_labels(0.9, 0.2, blind_spot=0, footprint=1e-300, competitors_log10=0)
    ) == pytest.approx(4.5e300, rel=1e-12)


def test_source_and_programme_costs_refuse_an_overflow_with_the_documented_error():
    expensive = Source(
        "x", 0.1, 0.0, cost_per_label=1e308, seconds_per_label=1.0, workforce=1.0, hours_per_week=1.0
    )
    with pytest.raises(QuantityError, match=r"dollars = labels × redundancy × cost_per_label.*labels 10"):
        no_warnings(lambda: source_cost(expensive, 10.0))
    # Each part finite (1e308 dollars), their sum not: refused too (Python's float sum gives inf silently).
    half = Source(
        "y", 0.1, 0.0, cost_per_label=1e308, seconds_per_label=1.0, workforce=1.0, hours_per_week=1.0
    )
    both = Programme((Allocation(half, 1.0), Allocation(half, 1.0)))
    with pytest.raises(QuantityError, match="sum over the programme's sources"):
        programme_cost(both)
    # The edge itself is a number: 1 label at the largest float.
    edge = Source(
        "z", 0.1, 0.0, cost_per_label=LARGEST, seconds_per_label=1.0, workforce=1.0, hours_per_week=1.0
    )
    assert source_cost(edge, 1.0).dollars == LARGEST


def test_a_scenario_whose_programme_costs_overflow_is_refused_at_its_path():
    doc = {
        "aliquant_scenario": 1,
        "sources": [{**BASE_SOURCE, "cost_per_label": 1e308}],
        "programmes": [{"allocations": [{"source": "base", "labels": 1e12, "redundancy": 99}]}],
    }
    with pytest.raises(ScenarioError, match=r"^programmes\[0\]: dollars") as refused:
        scenario_from_dict(doc)
    assert refused.value.path == "programmes[0]"


def test_a_curve_of_a_source_whose_pace_overflows_is_refused():
    slow = Source(
        "s", 0.1, 0.0, cost_per_label=1.0, seconds_per_label=1e300, workforce=1e-300, hours_per_week=1.0
    )
    with pytest.raises(QuantityError, match="calendar_weeks"):
        no_warnings(lambda: cost_law_curve(slow, 1e6, error_rates=[0.1]))


# --- 1. property: each subcommand at the ends of its flags ----------------------------------------


def _flags(sub: str) -> list[str]:
    names = [name for name in quantity_flags(SUBCOMMANDS[sub]) if name != "agreement"]  # one of two
    return names


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
# Every subcommand that takes a quantity from the table (``estimate`` reads a file instead).
@pytest.mark.parametrize("sub", sorted(sub for sub in SUBCOMMANDS if _flags(sub)))
def test_every_subcommand_answers_finitely_or_refuses_at_any_mix_of_extreme_values(sub, data):
    names = data.draw(st.lists(st.sampled_from(_flags(sub)), unique=True, max_size=6), label="flags")
    argv = [sub, *QUICK.get(sub, ())]
    for name in names:
        argv.append(f"{QUANTITIES[name].flag}={text(data.draw(extreme(name), label=name))}")
    if data.draw(st.booleans(), label="json"):
        argv.append("--json")
    answers_or_refuses(*argv)


def test_the_walk_catches_a_warning_and_a_non_finite_json_number():
    # The checks above can fail: a warning, a NaN in JSON and a traceback's exit 1 are each caught.
    import aliquant_core.cli as cli

    original = cli._required

    def warns(args, a):
        np.float64(1e308) * 10  # overflow: a RuntimeWarning
        return original(args, a)

    def nan(args, a):
        data, shown = original(args, a)
        return {**data, "required_labels": math.nan}, shown

    def crashes(args, a):
        raise TypeError("unsupported format string passed to NoneType.__format__")

    for fake in (warns, nan, crashes):
        cli._COMMANDS["required"] = (fake, *cli._COMMANDS["required"][1:])
        try:
            with pytest.raises((AssertionError, TypeError, ValueError)):  # ValueError: json.dumps(nan)
                answers_or_refuses("required", "--json")
        finally:
            cli._COMMANDS["required"] = (original, *cli._COMMANDS["required"][1:])


# --- 2. caps: one error type on every path ----------------------------------------------------------

#: Values no quantity takes: not numbers, non-finite, an integer too large for a float.
NOT_VALUES = ["x", None, True, [1.0, 2.0], {}, math.nan, math.inf, -math.inf, 10**400]


def bad_values(name: str) -> list:
    return [*outside(QUANTITIES[name]), *NOT_VALUES]


#: (holder, value type) pairs outside this change: ``Assumptions(labels=None)`` keeps None (None
#: stands for "not entered", meant for ``agreement`` only) and ``Source``/``Assumptions`` given a list
#: raise TypeError from ``float(array)``; each wants a one-line fix in a file another helper owns
#: (aliquant_core/quantities.py, sources.py), described in the report of #15.
ELSEWHERE = {("Assumptions", "NoneType"), ("Assumptions", "list"), ("Source", "list")}


def holders(name: str) -> dict:
    """Every Python constructor or function that takes quantity ``name`` as a single value."""
    found = {}
    if name in names_in(*MODEL_GROUPS):
        found["Assumptions"] = lambda v: Assumptions(**{name: v})
    if name in Source.__dataclass_fields__:
        fields = {k: v for k, v in BASE_SOURCE.items() if k != "name"}
        found["Source"] = lambda v: Source("s", **{**fields, name: v})
    if name in ("labels", "redundancy"):
        found["Allocation"] = lambda v: Allocation(PRESETS["crowdworkers"], **{"labels": 10.0, name: v})
    if name in names_in("rate"):
        found["TrajectoryRates"] = lambda v: TrajectoryRates(**{name: v})
    return found


@pytest.mark.parametrize("name", list(QUANTITIES))
def test_every_quantity_refuses_bad_values_with_quantity_error_in_the_python_api(name):
    for value in bad_values(name):
        for holder, build in holders(name).items():
            if (holder, type(value).__name__) in ELSEWHERE:
                continue
            with pytest.raises(QuantityError, match=name):
                build(value)
        if not isinstance(value, list):  # check() broadcasts: a list of valid values is valid
            with pytest.raises(QuantityError, match=name):
                check(name, value)


def test_the_python_api_walk_covers_every_field_of_sources_allocations_and_rates():
    covered = {holder for name in QUANTITIES for holder in holders(name)}
    assert covered == {"Assumptions", "Source", "Allocation", "TrajectoryRates"}
    assert {f for f in Source.__dataclass_fields__ if f not in ("name", "provenance")} <= set(QUANTITIES)
    assert {f for f in Allocation.__dataclass_fields__ if f != "source"} <= set(QUANTITIES)


@pytest.mark.parametrize(("place", "name"), SCENARIO_CASES, ids=[f"{p}-{n}" for p, n in SCENARIO_CASES])
def test_every_scenario_field_refuses_bad_values_with_scenario_error(place, name):
    for value in bad_values(name):
        if isinstance(value, float) and not math.isfinite(value):
            content = json.dumps(document(place, name, value))  # NaN, Infinity: JSON's extensions
            with pytest.raises(ScenarioError):
                scenario_from_json(content)
            continue
        with pytest.raises(ScenarioError, match=name):
            scenario_from_dict(document(place, name, value))
        if not isinstance(value, dict | list):  # a whole document, through the text reader too
            with pytest.raises(ScenarioError):
                scenario_from_json(json.dumps(document(place, name, value)))


def test_scenario_error_is_the_documented_quantity_error():
    assert issubclass(ScenarioError, QuantityError)
    assert issubclass(QuantityError, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        lambda: redundant_error_rate(0.1, 10**155),
        lambda: redundant_error_rate(0.1, 1e300),
        lambda: redundant_error_rate(0.1, 100),
        lambda: mixture_p_align([5, 5], [0.1, 0.1], [0, 0], redundancy=[10**155, 1]),
        lambda: Allocation(PRESETS["crowdworkers"], 10, 10**200),
        lambda: Allocation(PRESETS["crowdworkers"], 10, 1e300),
    ],
    ids=["rer-10^155", "rer-1e300", "rer-100", "mixture-10^155", "allocation-10^200", "allocation-1e300"],
)
def test_the_issues_redundancies_are_refused_with_quantity_error(call):
    # Issue #15 point 2 (reproduced at a0511dd: NaN, IndexError, plain ValueError); #12 fixed these.
    with pytest.raises(QuantityError, match=r"redundancy must be .*\[1, 99\]"):
        call()


@pytest.mark.parametrize("value", ["1e300", "100", "1" + "0" * 200])
def test_a_scenario_files_redundancy_beyond_range_exits_2_in_one_line(tmp_path, value):
    path = tmp_path / "s.json"
    path.write_text(
        '{"aliquant_scenario": 1, "programmes": [{"allocations": '
        f'[{{"source": "crowdworkers", "labels": 10, "redundancy": {value}}}]}}]}}'
    )
    status, _, err = answers_or_refuses("evaluate", "--scenario", str(path))
    assert status == 2
    assert "redundancy must be in [1, 99]" in err


@pytest.mark.parametrize("name", names_in("rate"))
def test_a_scenario_files_trajectory_rate_beyond_range_exits_2_in_one_line(tmp_path, name):
    path = tmp_path / "s.json"
    for value in outside(QUANTITIES[name]):
        path.write_text(json.dumps({"aliquant_scenario": 1, "trajectory": {name: value}}))
        status, _, err = answers_or_refuses("trajectory", "--scenario", str(path))
        assert status == 2
        assert QUANTITIES[name].range_text in err, err


# --- 3. injection ---------------------------------------------------------------------------------

HOSTILE = [
    "\x1b]0;pwned\x07",  # retitles an xterm
    "\x1b[2J\x1b[H",  # clears the screen
    "\x9b31m",  # C1 CSI: red on terminals that take 8-bit controls
    "a\rb",  # overwrites the line
    "\u202eevil",  # right-to-left override: reorders what is shown
    "line\nbreak",
    "\u2028sep",
]


def unshown(text: str) -> list[str]:
    """The characters a terminal would act on (line breaks between lines aside)."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs", "Zl", "Zp")]


def hostile_scenario(tmp_path) -> str:
    sources = [{**BASE_SOURCE, "name": f"s{i} {name}"} for i, name in enumerate(HOSTILE)]
    programmes = [
        {"name": name, "allocations": [{"source": f"s{i} {name}", "labels": 1000}]}
        for i, name in enumerate(HOSTILE)
    ]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps({"aliquant_scenario": 1, "sources": sources, "programmes": programmes}))
    return str(path)


@pytest.mark.parametrize("form", ["text", "json"])
def test_hostile_names_in_a_scenario_reach_no_terminal_raw(tmp_path, form):
    path = hostile_scenario(tmp_path)
    status, out, err = answers_or_refuses(
        "evaluate", "--scenario", path, *(["--json"] if form == "json" else [])
    )
    assert status == 0
    assert unshown(out) == []
    assert err == ""
    if form == "text":
        assert "Programme \\x1b]0;pwned\\x07" in out  # shown, escaped, not dropped
    else:  # JSON keeps the names exactly (escaped by JSON itself)
        names = [p["name"] for p in json.loads(out)["programmes"]]
        assert names == HOSTILE


def test_hostile_text_in_errors_reaches_no_terminal_raw(tmp_path):
    # A file name, an unknown argument and a bad reference in a scenario: each error is one line.
    named = tmp_path / "\x1b]0;pwned\x07.json"
    cases = [
        ("evaluate", "--scenario", str(named)),  # cannot read
        ("evaluate", "\x1b]0;pwned\x07"),  # argparse: unrecognized arguments
        ("optimise", "--sources", "crowdworkers,\x1b[2J"),
    ]
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {"aliquant_scenario": 1, "programmes": [{"allocations": [{"source": "\x1b[2J", "labels": 1}]}]}
        )
    )
    cases.append(("evaluate", "--scenario", str(bad)))
    for argv in cases:
        status, out, err = run_cli(*argv)
        assert (status, out) == (2, ""), argv
        assert unshown(err) == [], (argv, err)
        assert err.count("\n") == 1, (argv, err)


def test_printable_escapes_what_a_terminal_acts_on_and_keeps_the_rest():
    assert printable("\x1b]0;pwned\x07") == "\\x1b]0;pwned\\x07"
    assert printable("a\u202eb\x9bc\td") == "a\\u202eb\\x9bc\\td"
    assert printable("P_align 0.9038 — ε ≤ ½, 10¹²\nnext") == "P_align 0.9038 — ε ≤ ½, 10¹²\nnext"
    for name in HOSTILE:
        assert unshown(printable(name)) == []


def _upload_script(file_name: str, content: bytes) -> None:
    # Runs inside AppTest: the import path as the sidebar's uploader calls it, then its message.
    import streamlit as st

    from aliquant_app import scenario_io

    class Upload:
        name = file_name

        def read(self, size: int = -1) -> bytes:
            return content[:size] if size >= 0 else content

    if "done" not in st.session_state:
        scenario_io.read_upload(Upload(), st.session_state)
        st.session_state["done"] = True
    scenario_io.show_message()


@pytest.mark.parametrize(
    ("file_name", "content", "shown"),
    [
        ("[click](https://x).json", b"not json", r"\[click\]\(https\://x\)\.json"),
        (
            "a.json",
            b'{"aliquant_scenario": 1, "programmes": '
            b'[{"allocations": [{"source": "[x](https://e)", "labels": 1}]}]}',
            r"\[x\]\(https\://e\)",
        ),
        (
            "r.json",
            b'{"aliquant_scenario": 1, "programmes": [{"allocations": '
            b'[{"source": "crowdworkers", "labels": 1, "redundancy": 1' + b"0" * 200 + b"}]}]}",
            r"redundancy must be in \[1, 99\]",
        ),
    ],
    ids=["file-name", "message-quoting-the-file", "redundancy-10^200"],
)
def test_the_upload_shows_names_and_messages_as_text_in_one_line(file_name, content, shown):
    at = AppTest.from_function(_upload_script, args=(file_name, content), default_timeout=60).run()
    assert not at.exception
    (error,) = at.error
    assert shown in error.value, error.value
    assert "\n" not in error.value
    assert "](http" not in error.value  # no link survives unescaped
