"""The command line: ``python -m aliquant_core evaluate | required | tolerate | ...``."""

import argparse
import contextlib
import io
import json
import re
import subprocess
import sys

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aliquant_core import max_error_rate, p_align, required_labels
from aliquant_core.cli import build_parser, main
from aliquant_core.quantities import DEFAULTS, QUANTITIES, THREAT

#: The subcommands, as the parser has them (not a list kept by hand).
SUBCOMMANDS = next(
    action.choices for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction)
)


def run(capsys, line, *more):
    """Run ``main`` on the words of ``line`` and then ``more`` as they are; status, stdout, stderr."""
    status = main([*line.split(), *more])
    out, err = capsys.readouterr()
    return status, out, err


def test_evaluate_json_has_the_promised_fields_and_matches_the_core(capsys):
    status, out, err = run(
        capsys,
        "evaluate --json --labels 20000 --error-rate 0.2 --blind-spot 0.01 --footprint 0.1"
        " --exploitation 0.5 --competitors-log10 12 --prior-bits 3",
    )
    assert status == 0
    assert err == ""
    data = json.loads(out)
    expected = p_align(
        20000, 0.2, blind_spot=0.01, footprint=0.1, exploitation=0.5, competitors_log10=12, prior_bits=3
    )
    assert data["p_align"] == float(expected.p_align)
    assert data["p_align_lower_bound"] == float(expected.p_align_lower_bound)
    assert data["p_single"] == float(expected.p_single)
    assert data["label_win_prob"] == float(expected.label_win_prob)
    assert data["regime"] == "quantity_suffices"
    # --target defaults to 0.9 (issue 2); required_labels as the core computes it.
    assert data["target"] == 0.9
    assert data["required_labels"] == float(
        required_labels(
            0.9, 0.2, blind_spot=0.01, footprint=0.1, exploitation=0.5, competitors_log10=12, prior_bits=3
        )
    )


def test_evaluate_defaults_are_the_documented_scenario(capsys):
    status, out, _ = run(capsys, "evaluate", "--json")
    assert status == 0
    inputs = json.loads(out)["inputs"]
    for name in ("labels", "error_rate", *THREAT, "target"):
        assert inputs[name] == DEFAULTS[name]


def test_unreachable_target_is_null_in_json(capsys):
    # h = σ = 0.7 with f = 1 and χ = 0: q < ½, so no quantity suffices.
    status, out, _ = run(
        capsys, "evaluate", "--json", "--blind-spot", "0.7", "--footprint", "1", "--exploitation", "0"
    )
    data = json.loads(out)
    assert status == 0
    assert data["regime"] == "no_quantity_suffices"
    assert data["required_labels"] is None


def test_agreement_instead_of_error_rate(capsys):
    _, by_agreement, _ = run(capsys, "evaluate", "--json", "--agreement", "0.726")
    _, by_rate, _ = run(capsys, "evaluate", "--json", "--error-rate", "0.16384527372056779")
    assert json.loads(by_agreement)["p_align"] == pytest.approx(json.loads(by_rate)["p_align"], rel=1e-12)


def test_text_output_is_readable(capsys):
    # Coin-flip labels everywhere (ε = φ = ½): the knife-edge.
    status, out, _ = run(
        capsys, "evaluate", "--labels", "1000", "--error-rate", "0.5", "--fooled-rate", "0.5"
    )
    assert status == 0
    assert "knife-edge" in out
    assert "Labels required" in out
    assert "unreachable" in out


def test_required_and_tolerate(capsys):
    status, out, _ = run(
        capsys,
        "required --json --target 0.9 --error-rate 0.2 --blind-spot 0 --competitors-log10 0 --footprint 1",
    )
    assert status == 0
    # By hand (see test_core_golden): 5 labels right with 0.8 each reach 0.9, 3 do not.
    assert json.loads(out)["required_labels"] == 5
    status, out, _ = run(
        capsys,
        "tolerate --json --labels 1 --target 0.9 --blind-spot 0 --competitors-log10 0 --footprint 1",
    )
    data = json.loads(out)
    assert status == 0
    # One label, one competitor: P = 1 − ε, so ε ≤ 0.1 (by hand); the core's value exactly.
    assert data["max_error_rate"] == pytest.approx(0.1, rel=1e-12)
    assert data["max_error_rate"] == float(
        max_error_rate(0.9, 1, blind_spot=0, competitors_log10=0, footprint=1)
    )
    status, out, _ = run(capsys, "tolerate", "--labels", "1000")
    assert status == 0
    assert "error rate" in out


@pytest.mark.parametrize(
    ("argv", "flag", "valid"),
    [
        (["evaluate", "--error-rate", "0.7"], "--error-rate", "[0, 0.5]"),
        (["evaluate", "--labels", "-1"], "--labels", "[0, 1e12]"),
        (["evaluate", "--labels", "abc"], "--labels", "[0, 1e12]"),
        (["evaluate", "--labels", "1e13"], "--labels", "[0, 1e12]"),
        (["evaluate", "--footprint", "0"], "--footprint", "(0, 1]"),
        (["evaluate", "--agreement", "0.3"], "--agreement", "[0.5, 1]"),
        (["evaluate", "--competitors-log10", "nan"], "--competitors-log10", "[0, 300]"),
        (["evaluate", "--prior-bits", "inf"], "--prior-bits", "[0, 1000]"),
        (["required", "--target", "1"], "--target", "(0, 1)"),
        (["tolerate", "--target", "0"], "--target", "(0, 1)"),
        (["evaluate", "--exploitation", ""], "--exploitation", "[0, 1]"),
        # Programme flags.
        (["evaluate", "--redundancy", "0"], "--redundancy", "[1, 99]"),
        (["evaluate", "--redundancy", "2.5"], "--redundancy", "[1, 99]"),
        (["evaluate", "--cost-per-label", "-3"], "--cost-per-label", "[0, ∞)"),
        (["evaluate", "--hours-per-week", "169"], "--hours-per-week", "(0, 168]"),
        (["curve", "--budget", "0"], "--budget", "(0, ∞)"),
        (["curve", "--points", "1"], "--points", "[2, 1000]"),
        (["optimise", "--sources", "nobody"], "--sources", "crowdworkers"),
    ],
)
def test_bad_flags_exit_2_with_one_line_naming_flag_and_range(capsys, argv, flag, valid):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert flag in lines[0]
    assert valid in lines[0]


def test_bad_input_through_the_real_entry_point_has_no_traceback():
    # The module entry point as a user runs it, in a fresh interpreter.
    done = subprocess.run(
        [sys.executable, "-m", "aliquant_core", "evaluate", "--blind-spot", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == "aliquant: error: argument --blind-spot: must be in [0, 1]; got 2"


@settings(max_examples=100, deadline=None)
@given(
    flag=st.sampled_from([q.flag for q in QUANTITIES.values() if q.group != "rate"]),
    value=st.one_of(
        st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers().map(str)
    ),
)
# Found by hypothesis: each value in range, but the workforce's calendar weeks (hours / 1.1e-308
# people) and the labels' dollars are not floats; the core's refusal names quantities, and the
# command line must turn them into the flags to change.
@example(flag="--workforce", value="1.1125369292536007e-308")
@example(flag="--cost-per-label", value="1.797693134862316e+303")
def test_any_flag_value_gives_a_result_or_one_line_error(flag, value):
    # Fuzz: whatever the value, exit status 0 with JSON, or 2 with one line; never a traceback.
    argv = ["evaluate", "--json", f"{flag}={value}"]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv)
        except SystemExit as stop:
            status = stop.code
    if status == 0:
        assert json.loads(out.getvalue())["p_align"] >= 0
    else:
        assert status == 2
        assert len(err.getvalue().strip().splitlines()) == 1
        assert flag in err.getvalue()


def test_evaluate_with_redundancy_and_costs(capsys):
    status, out, _ = run(
        capsys,
        "evaluate --json --labels 1000 --error-rate 0.2 --redundancy 3 --cost-per-label 0.5"
        " --seconds-per-label 30 --workforce 10 --hours-per-week 25",
    )
    data = json.loads(out)
    assert status == 0
    # By hand: ε₃ = 3·0.2²·0.8 + 0.2³ = 0.104; $ = 1000·3·0.5 = 1500; hours = 3000·30/3600 = 25;
    # weeks = 25/(10·25) = 0.1.
    assert data["effective_error_rate"] == pytest.approx(0.104, abs=1e-15)
    assert data["dollars"] == pytest.approx(1500.0)
    assert data["labeler_hours"] == pytest.approx(25.0)
    assert data["calendar_weeks"] == pytest.approx(0.1)
    shared = {k: DEFAULTS[k] for k in THREAT}
    assert data["p_align"] == float(p_align(1000, data["effective_error_rate"], **shared).p_align)


def test_curve_and_optimise_subcommands(capsys):
    from aliquant_core.curves import best_split, budget_split_curve
    from aliquant_core.sources import PRESETS

    model = {"footprint": 0.05, "exploitation": 0.3, "competitors_log10": 20.0, "prior_bits": 0.0}
    flags = ["--footprint", "0.05", "--exploitation", "0.3", "--competitors-log10", "20", "--prior-bits", "0"]
    status, out, _ = run(capsys, "curve", "--json", "--points", "5", "--budget", "20000", *flags)
    data = json.loads(out)
    assert status == 0
    expected = budget_split_curve(PRESETS["crowdworkers"], PRESETS["experts"], 20000, points=5, **model)
    assert [row["p_align"] for row in data["points"]] == [float(p) for p in expected.p_align]
    status, out, _ = run(capsys, "optimise", "--json", "--budget", "20000", *flags)
    assert status == 0
    split = best_split(PRESETS["crowdworkers"], PRESETS["experts"], 20000, **model)
    assert json.loads(out)["best_split"]["p_align"] == split.p_align
    status, out, _ = run(
        capsys, "optimise", "--json", "--target", "0.9", "--sources", "ai_judge,experts", *flags
    )
    data = json.loads(out)
    assert status == 0
    assert data["p_align"] >= 0.9
    assert data["programme"]


def test_uncertainty_and_sensitivity_subcommands(capsys):
    from aliquant_core.uncertainty import sensitivity, uncertainty

    status, out, _ = run(
        capsys,
        "uncertainty --json --interval error-rate=0.1:0.25 --interval labels=3e4:3e5 --draws 2000 --seed 4",
    )
    data = json.loads(out)
    assert status == 0
    point = {k: DEFAULTS[k] for k in ("labels", "error_rate", *THREAT, "target")}
    expected = uncertainty({"error_rate": (0.1, 0.25), "labels": (3e4, 3e5)}, point, draws=2000, seed=4)
    assert data["mean_p_align"] == expected.mean_p_align
    assert data["p_target_met"] == expected.p_target_met
    status, out, _ = run(
        capsys, "sensitivity", "--json", "--interval", "blind-spot=0.01:0.06", "--samples", "64"
    )
    data = json.loads(out)
    assert status == 0
    sobol = sensitivity({"blind_spot": (0.01, 0.06)}, point, samples=64)
    assert data["sobol"]["blind_spot"]["total_order"] == pytest.approx(float(sobol.total_order[0]))
    assert [bar["name"] for bar in data["tornado"]] == ["blind_spot"]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["uncertainty", "--interval", "colour=1:2"], "--interval"),
        (["uncertainty", "--interval", "error-rate=a:b"], "--interval"),
        (["uncertainty", "--interval", "error-rate=0.3:0.1"], "low ≤ high"),
        (["uncertainty", "--interval", "error-rate=0.1:0.9"], "error_rate must be in [0, 0.5]"),
        (["sensitivity"], "--interval"),
        (["sensitivity", "--interval", "labels=1e3:1e4", "--samples", "1000"], "--samples"),
    ],
)
def test_bad_uncertainty_input_exits_2_with_one_line(capsys, argv, fragment):
    try:
        status = main(argv)
    except SystemExit as stop:
        status = stop.code
    _, err = capsys.readouterr()
    assert status == 2
    assert len(err.strip().splitlines()) == 1
    assert fragment in err, err


def test_trajectory_subcommand_matches_the_core(capsys):
    from aliquant_core.trajectory import TrajectoryRates, trajectory

    status, out, _ = run(
        capsys, "trajectory", "--json", "--generations", "4", "--blind-spot-factor-per-generation", "1.5"
    )
    data = json.loads(out)
    assert status == 0
    expected = trajectory(
        TrajectoryRates(generations=4, blind_spot_factor_per_generation=1.5),
        **{k: DEFAULTS[k] for k in ("labels", "error_rate", "target", *THREAT)},
    )
    assert [g["p_align"] for g in data["generations"]] == [float(v) for v in expected.p_align]
    assert data["first_unreachable_generation"] == expected.first_unreachable_generation


def test_simulate_subcommand_reports_agreement(capsys):
    line = "simulate --json --labels 500 --competitors-log10 1 --trials 20000 --seed 3"
    status, out, _ = run(capsys, line)
    data = json.loads(out)
    assert status == 0
    # The analytic values come from the core; the simulation must bracket them (99% Wilson).
    assert data["p_single"]["low"] <= data["analytic_p_single"] <= data["p_single"]["high"]
    assert data["p_single_check"]["inside"] is True
    # P₁ = 0.751 (core): its interval (0.016 wide, seed 3) would exclude a 25% change in 1 − P₁.
    assert data["p_single_check"]["verdict"] == data["verdict"] == "agrees"
    assert data["resolvable_point"] is None  # resolvable here: checked where asked
    assert json.loads(run(capsys, line)[1])["p_single"] == data["p_single"]


def test_simulate_default_cannot_resolve_and_checks_at_a_resolvable_point(capsys):
    from aliquant_core.quantities import Assumptions
    from aliquant_core.simulate import resolvable_point, simulate_p_align

    status, out, _ = run(capsys, "simulate --json")
    data = json.loads(out)
    assert status == 0
    # The table's defaults: K_eff = 10²⁰ stretches P₁'s interval [0.99967, 1] over [0, 1].
    assert (data["p_align"]["low"], data["p_align"]["high"]) == (0.0, 1.0)
    assert data["verdict"] == "unresolvable"
    assert [data[k]["verdict"] for k in ("p_single_check", "p_align_check")] == ["unresolvable"] * 2
    # Checked instead where 20,000 trials resolve (the core's point), and it agrees there.
    point = resolvable_point(Assumptions(), trials=20_000)
    there = data["resolvable_point"]
    assert (there["labels"], there["competitors_log10"]) == (point.labels, point.competitors_log10)
    expected = simulate_p_align(
        Assumptions(), labels=point.labels, competitors_log10=point.competitors_log10, prior_bits=0
    )
    assert there["result"]["p_single"] == expected.p_single.to_dict()
    assert there["result"]["verdict"] == expected.verdict == "agrees"
    status, text, _ = run(capsys, "simulate")
    assert "P_align        simulated 1.000000 [0.000000, 1.000000]   analytic 0.903871   unresolvable" in text
    assert "Verdict: unresolvable" in text
    assert f"Checked instead at N = {point.labels:,.0f}, K_eff = 7" in text
    assert "Verdict there: agrees" in text


def test_simulate_draws_every_labeler_on_request(capsys):
    from aliquant_core.simulate import simulate_p_align

    # m = 30, h = 0.4, r = 3, K = 3 (tests/test_simulate.py): small enough to draw every vote.
    line = (
        "simulate --json --draw labelers --labels 60 --error-rate 0.3 --blind-spot 0.2 --footprint 0.5"
        " --exploitation 1 --competitors-log10 0.47712125471966244 --prior-bits 0 --redundancy 3 --seed 1"
    )
    status, out, _ = run(capsys, line)
    data = json.loads(out)
    assert status == 0
    assert (data["draw"], data["per_labeler"], data["inputs"]["redundancy"]) == ("labelers", True, 3)
    expected = simulate_p_align(
        60, 0.3, blind_spot=0.2, footprint=0.5, exploitation=1, competitors_log10=0.47712125471966244,
        prior_bits=0, redundancy=3, per_labeler=True, seed=1,
    )  # fmt: skip
    assert data["p_single"] == expected.p_single.to_dict()
    assert data["verdict"] == "agrees"
    # At the defaults every labeler would take 4e8 draws: counts there, every labeler at the point.
    status, out, _ = run(capsys, "simulate --json --draw labelers --redundancy 3")
    data = json.loads(out)
    assert status == 0
    assert data["per_labeler"] is False
    assert data["resolvable_point"]["result"]["per_labeler"] is True
    status, text, _ = run(capsys, "simulate --draw labelers --redundancy 3")
    assert "every labeler would take 4e+08 draws, over 2e+08" in text


def test_simulate_bradley_terry_at_the_same_redundancy(capsys):
    # One comparison per dataset, σ = 0.1, ε = 0.3, φ = 0.7 (the first version's 1 − ε), r = 3:
    # ε₃ = 0.216, φ₃ = 0.784, P₁ = q = 0.7272 (by hand in tests/test_simulate.py); at r = 1, 0.66.
    line = (
        "simulate --json --bradley-terry --redundancy 3 --labels 1 --footprint 1 --blind-spot 0.1"
        " --error-rate 0.3 --fooled-rate 0.7 --exploitation 0 --competitors-log10 0 --prior-bits 0"
    )
    status, out, _ = run(capsys, line)
    data = json.loads(out)
    assert status == 0
    learner = data["bradley_terry"]
    assert (learner["redundancy"], learner["labels"]) == (3, 1)
    assert learner["vote_error_rate"] == pytest.approx(0.216, abs=1e-15)
    assert learner["counting_p_single"] == pytest.approx(0.7272, abs=1e-12) == data["analytic_p_single"]
    assert learner["counting_check"]["verdict"] in ("agrees", "unresolvable", "disagrees")
    _, text, _ = run(capsys, line.replace("--json ", ""))
    assert "(r = 3; told which comparisons are blind spots)" in text


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("simulate --draw votes", "argument --draw: invalid choice: 'votes'"),
        ("simulate --redundancy 0", "argument --redundancy: must be a whole number in [1, 99]"),
    ],
)
def test_simulate_bad_flags_exit_2(capsys, line, message):
    with pytest.raises(SystemExit) as stop:
        main(line.split())
    out, err = capsys.readouterr()
    assert stop.value.code == 2
    assert out == ""
    assert message in err


def _scenario_file(tmp_path, text):
    path = tmp_path / "scenario.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_scenario_file_supplies_values_flags_override(capsys, tmp_path):
    from aliquant_core import Allocation, Programme, programme_cost, programme_p_align
    from aliquant_core.sources import PRESETS

    model = {
        "blind_spot": 0.01,
        "footprint": 0.2,
        "exploitation": 0.5,
        "competitors_log10": 8,
        "prior_bits": 2,
    }
    document = {
        "aliquant_scenario": 1,
        "assumptions": {"labels": 30_000, "error_rate": 0.1, **model, "target": 0.95},
        "programmes": [
            {
                "name": "mix",
                "allocations": [
                    {"source": "crowdworkers", "labels": 50_000},
                    {"source": "experts", "labels": 1000},
                ],
            }
        ],
        "trajectory": {"generations": 3, "competitors_log10_per_generation": 2},
    }
    path = _scenario_file(tmp_path, json.dumps(document))
    status, out, _ = run(capsys, "evaluate", "--json", "--scenario", path)
    data = json.loads(out)
    assert status == 0
    assert data["p_align"] == float(p_align(30_000, 0.1, **model).p_align)
    assert data["target"] == 0.95
    programme = Programme(
        (Allocation(PRESETS["crowdworkers"], 50_000), Allocation(PRESETS["experts"], 1000)), name="mix"
    )
    expected = programme_p_align(programme, **{k: model[k] for k in model if k != "blind_spot"})
    assert data["programmes"][0]["p_align"] == float(expected.p_align)
    assert data["programmes"][0]["dollars"] == programme_cost(programme).dollars
    # A flag beats the file.
    status, out, _ = run(capsys, "evaluate", "--json", "--scenario", path, "--labels", "10")
    assert json.loads(out)["p_align"] == float(p_align(10, 0.1, **model).p_align)
    # The file's trajectory rates are used (a flag still beats them); the rest are the table's.
    status, out, _ = run(capsys, "trajectory", "--json", "--scenario", path, "--generations", "2")
    rates = json.loads(out)["rates"]
    assert status == 0
    assert rates["generations"] == 2
    assert rates["competitors_log10_per_generation"] == 2
    assert rates["blind_spot_factor_per_generation"] == DEFAULTS["blind_spot_factor_per_generation"]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("{not json", "invalid JSON at line 1"),
        ('{"aliquant_scenario": 99}', "newer"),
        ('{"aliquant_scenario": 1, "assumptions": {"labels": -5}}', "assumptions.labels"),
        ('{"aliquant_scenario": 1, "colour": 1}', 'unknown key "colour"'),
    ],
)
def test_broken_scenario_file_exits_2_with_one_line(capsys, tmp_path, text, fragment):
    status = main(["evaluate", "--scenario", _scenario_file(tmp_path, text)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert fragment in err


def test_missing_scenario_file_exits_2(capsys, tmp_path):
    status = main(["evaluate", "--scenario", str(tmp_path / "absent.json")])
    _, err = capsys.readouterr()
    assert status == 2
    assert "cannot read" in err
    assert "No such file" in err


def test_output_into_a_closed_pipe_is_not_a_traceback():
    # `aliquant trajectory | head -1`: the reader leaves early; the writer must exit quietly.
    shell = f"{sys.executable} -m aliquant_core trajectory | head -1"
    done = subprocess.run(shell, shell=True, capture_output=True, text=True, check=False)
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith("gen")


@pytest.mark.parametrize("command", [None, *SUBCOMMANDS])
def test_help_of_every_subcommand_lists_each_quantity_with_its_interval(capsys, command):
    # Help is generated from the table (issue 12): `trajectory --help` once crashed on a % in it.
    with pytest.raises(SystemExit) as stop:
        main([*([command] if command else []), "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert stop.value.code == 0
    if command is None:
        assert all(name in out for name in SUBCOMMANDS)
        return
    if command == "estimate":  # reads the user's labels: no quantity of the model is an input
        assert "--annotations FILE" in out
        return
    quantities = [QUANTITIES[a.dest] for a in SUBCOMMANDS[command]._actions if a.dest in QUANTITIES]
    assert quantities
    for q in quantities:
        # The flag's own entry (not the usage's "[--flag X]"), up to the next option.
        entry = re.search(rf"(?<!\[){re.escape(q.flag)} X (.*?)(?= --[a-z]|$)", out)
        assert entry, q.flag
        assert q.range_text in entry.group(1), (q.flag, entry.group(1))


def test_a_percent_sign_in_a_quantitys_help_is_printed_not_expanded():
    # No help in the table has a % today; the rate notes that crashed `trajectory --help` had.
    import dataclasses

    from aliquant_core.cli import _add

    parser = argparse.ArgumentParser()
    _add(parser, dataclasses.replace(QUANTITIES["labels"], help="Up to 100% of them."))
    assert "Up to 100% of them." in parser.format_help()


@pytest.mark.parametrize("command", list(SUBCOMMANDS))
def test_every_quantity_flag_has_the_tables_bounds_and_default(command):
    # No argparse default (flag, else scenario file, else the table); the bounds are the table's.
    parser = build_parser()
    for action in SUBCOMMANDS[command]._actions:
        q = QUANTITIES.get(action.dest)
        if q is None:
            continue
        assert action.default is None
        assert getattr(parser.parse_args([command, q.flag, repr(q.default)]), q.name) == q.default
        for outside in (q.low if q.low_open else q.low - 1, q.high if q.high_open else q.high + 1):
            with pytest.raises(SystemExit) as stop, contextlib.redirect_stderr(io.StringIO()) as err:
                parser.parse_args([command, q.flag, repr(outside)])
            assert stop.value.code == 2
            assert f"argument {q.flag}: must be" in err.getvalue()
            assert err.getvalue().strip().endswith(f"{q.range_text}; got {outside:g}")


@pytest.mark.parametrize(
    "argv",
    [
        ["tolerate", "--blind-spot", "0.7", "--footprint", "1", "--exploitation", "0"],
        ["trajectory", "--generations", "5"],
        ["uncertainty", "--interval", "blind-spot=0.01:0.6", "--draws", "256"],
        ["required", "--blind-spot", "0.7", "--footprint", "1", "--exploitation", "0"],
    ],
)
def test_json_never_holds_nan_or_infinity(capsys, argv):
    # Unreachable targets and non-finite results are null: strict JSON parsers refuse NaN/Infinity.
    status, out, _ = run(capsys, *argv, "--json")

    def refuse(constant):
        raise AssertionError(f"{constant} in JSON output")

    assert status == 0
    assert "null" in out
    json.loads(out, parse_constant=refuse)
