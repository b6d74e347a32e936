"""Command line: ``python -m aliquant_core evaluate | required | tolerate | curve | optimise | ...``.

Flags are the model brief's names with dashes. Readable text by default, ``--json`` for scripts.
Bad input exits with status 2 and one line naming the flag and its valid range.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import sys
from collections.abc import Sequence

import numpy as np

from ._validation import RANGES, describe_range
from .curves import (
    best_split,
    budget_split_curve,
    cheapest_programme,
    cost_law_curve,
    pareto_frontier,
    redundancy_curve,
)
from .defaults import DEFAULTS
from .model import error_rate_from_agreement, p_align
from .programme import programme_cost, programme_p_align, source_cost
from .scenario import MAX_BYTES, Scenario, ScenarioError, scenario_from_json
from .simulate import bradley_terry_check, simulate_p_align
from .solve import max_blind_spot, max_competitors_log10, max_error_rate, required_labels
from .sources import PRESETS, Source, redundant_error_rate
from .trajectory import DEFAULT_RATES, RATE_NOTES, TrajectoryRates, trajectory
from .uncertainty import UNCERTAIN_QUANTITIES, sensitivity, tornado, uncertainty

PROGRAM = "aliquant"

#: Brief names of the assumptions shared by every subcommand, in display order.
ASSUMPTIONS = ("blind_spot", "footprint", "exploitation", "competitors_log10", "prior_bits")

_REGIME_WORDS = {
    "quantity_suffices": "quantity suffices: labels favour the aligned behaviour (q > 1/2), "
    "so enough of them reach any target",
    "knife_edge": "knife-edge: labels are a coin flip (q = 1/2); more of them change nothing",
    "no_quantity_suffices": "no quantity suffices: blind spots make labels favour the competitor "
    "(q < 1/2), so more of this data makes things worse",
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{PROGRAM}: error: {message}\n")


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _ranged(name: str):
    """An argparse type that parses a float and checks the brief's range for ``name``."""
    low, high, low_open, high_open = RANGES[name]

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a number in {describe_range(name)}; got {text!r}"
            ) from None
        inside = (
            math.isfinite(value)
            and (value > low if low_open else value >= low)
            and (value < high if high_open else value <= high)
        )
        if not inside:
            raise argparse.ArgumentTypeError(f"must be in {describe_range(name)}; got {text}")
        return value

    parse.__name__ = name  # argparse names the type in some messages
    return parse


def _add_quantity(parser: argparse.ArgumentParser, name: str, help_text: str):
    # No argparse default: a value comes from the flag, else a --scenario file, else DEFAULTS.
    parser.add_argument(
        _flag(name),
        dest=name,
        type=_ranged(name),
        default=None,
        metavar="X",
        help=f"{help_text}, in {describe_range(name)} (default {DEFAULTS[name].value:g})",
    )


def _bounded(flag: str, low: float, high: float, *, low_open: bool = False, whole: bool = False):
    """An argparse type for a flag outside the brief's table: a number in [low, high]."""
    bounds = f"{'(' if low_open else '['}{low:g}, {'∞)' if high == math.inf else f'{high:g}]'}"
    kind = "a whole number" if whole else "a number"

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {kind} in {bounds}; got {text!r}") from None
        inside = (value > low if low_open else value >= low) and value <= high and not math.isnan(value)
        if not inside or (whole and value != int(value)) or (high == math.inf and math.isinf(value)):
            raise argparse.ArgumentTypeError(f"must be {kind} in {bounds}; got {text}")
        return int(value) if whole else value

    parse.__name__ = flag
    return parse


def _add_redundancy(parser: argparse.ArgumentParser, note: str = "") -> None:
    parser.add_argument(
        "--redundancy",
        type=_bounded("redundancy", 1, 99, whole=True),
        default=1,
        metavar="R",
        help=f"labelers per item, majority vote, in [1, 99] (default 1){note}",
    )


def _add_seed(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--seed",
        type=_bounded("seed", 0, 2**32 - 1, whole=True),
        default=0,
        metavar="S",
        help=f"{what}, in [0, 4294967295] (default 0)",
    )


def _add_pair(parser: argparse.ArgumentParser, presets: list[str]) -> None:
    """--source-a, --source-b (preset keys) and --aggregation, for curves and splits."""
    parser.add_argument(
        "--source-a",
        choices=presets,
        default="crowdworkers",
        help="preset source (the only one for redundancy, the price anchor for cost-law)",
    )
    parser.add_argument(
        "--source-b", choices=presets, default="experts", help="second preset for a two-source mix"
    )
    parser.add_argument("--aggregation", choices=["pooled", "weighted"], default="pooled")


def _add_costs(parser: argparse.ArgumentParser) -> None:
    base = PRESETS["contractors"]
    _add_redundancy(parser, "; cost and time R-fold")
    # Flag, type, metavar, what it is, and the trained contractors' default it falls back to.
    for flag, parse, metavar, what, default in (
        (
            "--cost-per-label",
            _bounded("cost", 0, math.inf),
            "USD",
            "US dollars per label, in [0, ∞)",
            f"{base.cost_per_label:g}, trained contractors",
        ),
        (
            "--seconds-per-label",
            _bounded("seconds", 0, math.inf, low_open=True),
            "S",
            "seconds per label, in (0, ∞)",
            f"{base.seconds_per_label:g}",
        ),
        (
            "--workforce",
            _bounded("workforce", 0, math.inf, low_open=True),
            "N",
            "people labelling at once, in (0, ∞)",
            f"{base.workforce:g}",
        ),
        (
            "--hours-per-week",
            _bounded("hours", 0, 168, low_open=True),
            "H",
            "hours per person per week, in (0, 168]",
            f"{base.hours_per_week:g}",
        ),
    ):
        parser.add_argument(
            flag, type=parse, default=None, metavar=metavar, help=f"{what} (default {default})"
        )


def _add_quality(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--error-rate",
        dest="error_rate",
        type=_ranged("error_rate"),
        metavar="X",
        help=f"chance an ordinary label prefers the worse behaviour, in {describe_range('error_rate')} "
        f"(default {DEFAULTS['error_rate'].value:g}, from InstructGPT's 72.6%% agreement)",
    )
    group.add_argument(
        "--agreement",
        dest="agreement",
        type=_ranged("agreement"),
        metavar="X",
        help=f"inter-annotator agreement instead of --error-rate, in {describe_range('agreement')}",
    )


def _add_assumptions(parser: argparse.ArgumentParser) -> None:
    _add_quantity(parser, "blind_spot", "share of situations where labelers are systematically fooled")
    _add_quantity(parser, "footprint", "share of situations where a competitor acts differently")
    _add_quantity(parser, "exploitation", "how well a competitor concentrates differences in blind spots")
    _add_quantity(parser, "competitors_log10", "log10 of the number of unaligned policies")
    _add_quantity(parser, "prior_bits", "evidence for the aligned policy from priors, in bits")


def build_parser() -> argparse.ArgumentParser:
    """The ``aliquant`` argument parser with its three subcommands."""
    parser = _Parser(
        prog=PROGRAM,
        description="Probability of outer alignment from the quantity and quality of comparison labels.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    evaluate = commands.add_parser("evaluate", help="P_align of a labelling programme")
    _add_quantity(evaluate, "labels", "comparison labels collected")
    _add_quality(evaluate)
    _add_assumptions(evaluate)
    _add_quantity(evaluate, "target", "probability of outer alignment sought, for required_labels")

    required = commands.add_parser("required", help="labels needed to reach a target")
    _add_quantity(required, "target", "probability of outer alignment sought")
    _add_quality(required)
    _add_assumptions(required)

    tolerate = commands.add_parser(
        "tolerate", help="worst error rate, blind spot and most competitors that still reach a target"
    )
    _add_quantity(tolerate, "labels", "comparison labels collected")
    _add_quantity(tolerate, "target", "probability of outer alignment sought")
    _add_quality(tolerate)
    _add_assumptions(tolerate)

    _add_costs(evaluate)

    presets = sorted(PRESETS)
    curve = commands.add_parser("curve", help="P_align and cost along a quality-quantity curve")
    curve.add_argument(
        "--kind",
        choices=["budget-split", "redundancy", "cost-law"],
        default="budget-split",
        help="which curve (default budget-split)",
    )
    curve.add_argument(
        "--budget",
        type=_bounded("budget", 0, math.inf, low_open=True),
        default=100_000.0,
        metavar="USD",
        help="budget in US dollars, in (0, ∞) (default 100000)",
    )
    _add_pair(curve, presets)
    curve.add_argument(
        "--points",
        type=_bounded("points", 2, 1000, whole=True),
        default=21,
        metavar="N",
        help="points on the curve, in [2, 1000] (default 21)",
    )
    curve.add_argument(
        "--gamma",
        type=_bounded("gamma", 0, 10),
        default=2.0,
        metavar="G",
        help="cost-law exponent, in [0, 10] (default 2: price follows the (1 - 2e)^-2 data need)",
    )
    _add_assumptions(curve)

    optimise = commands.add_parser(
        "optimise", help="cheapest programme to a target, or best split of a budget"
    )
    _add_quantity(optimise, "target", "probability of outer alignment sought")
    optimise.add_argument(
        "--sources",
        type=_preset_list,
        default=presets,
        metavar="A,B,...",
        help=f"preset sources to consider, comma-separated (default all: {','.join(presets)})",
    )
    optimise.add_argument(
        "--budget",
        type=_bounded("budget", 0, math.inf, low_open=True),
        default=None,
        metavar="USD",
        help="instead: split this budget between --source-a and --source-b",
    )
    _add_pair(optimise, presets)
    _add_assumptions(optimise)

    uncertain = commands.add_parser(
        "uncertainty", help="P_align and required labels under uncertain assumptions"
    )
    sensitive = commands.add_parser("sensitivity", help="Sobol indices and tornado of P_align")
    for sub in (uncertain, sensitive):
        sub.add_argument(
            "--interval",
            dest="intervals",
            action="append",
            type=_interval,
            default=[],
            metavar="NAME=LOW:HIGH",
            help="a 90%% interval for one quantity, e.g. error-rate=0.1:0.25 (repeatable; "
            f"names: {', '.join(n.replace('_', '-') for n in UNCERTAIN_QUANTITIES)})",
        )
        _add_seed(sub, "seed of the quasi-random draws")
        _add_quantity(sub, "labels", "comparison labels collected, where not uncertain")
        _add_quality(sub)
        _add_assumptions(sub)
        _add_quantity(sub, "target", "probability of outer alignment sought")
    uncertain.add_argument(
        "--draws",
        type=_bounded("draws", 16, 10**7, whole=True),
        default=20_000,
        metavar="N",
        help="quasi-random draws, in [16, 10000000] (default 20000)",
    )
    sensitive.add_argument(
        "--samples",
        type=_power_of_two,
        default=1024,
        metavar="N",
        help="Sobol base sample, a power of 2 in [2, 65536] (default 1024)",
    )

    over_time = commands.add_parser(
        "trajectory", help="required labels and P_align over capability generations"
    )
    _add_quantity(over_time, "labels", "comparison labels of the fixed programme")
    _add_quality(over_time)
    _add_assumptions(over_time)
    _add_quantity(over_time, "target", "probability of outer alignment sought")
    rate_flags = {
        "generations": _bounded("generations", 1, 50, whole=True),
        "competitors_log10_per_generation": _bounded("rate", 0, 300),
        "footprint_factor_per_generation": _bounded("rate", 0, 1, low_open=True),
        "exploitation_gap_factor_per_generation": _bounded("rate", 0, 1),
        "blind_spot_factor_per_generation": _bounded("rate", 1, 1e6),
        "assistance_divisor_per_generation": _bounded("rate", 1, 1e6),
        "prior_bits_per_generation": _bounded("rate", 0, 1000),
    }
    for name, parse in rate_flags.items():
        default = getattr(DEFAULT_RATES, name)
        over_time.add_argument(
            _flag(name),
            dest=name,
            type=parse,
            default=default,
            metavar="X",
            help=f"{RATE_NOTES[name].split(';')[0]} (default {default:g})",
        )

    simulate = commands.add_parser(
        "simulate", help="check the analytic P1 and P_align by simulating the labelling"
    )
    _add_quantity(simulate, "labels", "comparison labels collected")
    _add_quality(simulate)
    _add_assumptions(simulate)
    _add_redundancy(simulate)
    simulate.add_argument(
        "--trials",
        type=_bounded("trials", 100, 10**7, whole=True),
        default=20_000,
        metavar="N",
        help="simulated datasets, in [100, 10000000] (default 20000)",
    )
    _add_seed(simulate, "random seed")
    simulate.add_argument(
        "--informative",
        choices=["fixed", "binomial"],
        default="fixed",
        help="m = round(f N) as the model has it, or m ~ Binomial(N, f) (default fixed)",
    )
    simulate.add_argument(
        "--bradley-terry",
        action="store_true",
        help="also fit a Bradley-Terry reward model to simulated comparisons (500 datasets)",
    )

    for sub in (evaluate, required, tolerate, uncertain, sensitive, over_time, simulate):
        sub.add_argument(
            "--scenario",
            dest="scenario_file",
            metavar="FILE",
            help="a scenario file (JSON, see aliquant_core.scenario) supplying every value not given "
            "by a flag; evaluate also reports its programmes",
        )

    for sub in (evaluate, required, tolerate, curve, optimise, uncertain, sensitive, over_time, simulate):
        sub.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _interval(text: str) -> tuple[str, float, float]:
    name, _, ends = text.partition("=")
    name = name.strip().replace("-", "_")
    if name not in UNCERTAIN_QUANTITIES:
        raise argparse.ArgumentTypeError(
            f"names one of {', '.join(n.replace('_', '-') for n in UNCERTAIN_QUANTITIES)}; got {text!r}"
        )
    low_text, _, high_text = ends.partition(":")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be NAME=LOW:HIGH with numbers; got {text!r}") from None
    return name, low, high


def _power_of_two(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 2 or value > 65536 or value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of 2 in [2, 65536]; got {text!r}")
    return value


def _read_scenario(path: str) -> Scenario:
    """Read and check a scenario file; refuse one over the size limit before reading it whole."""
    with open(path, "rb") as handle:
        content = handle.read(MAX_BYTES + 1)
    return scenario_from_json(content)


def _preset_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in PRESETS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"must be preset names from {', '.join(sorted(PRESETS))}; got {text!r}"
        )
    return names


def _value(args: argparse.Namespace, name: str) -> float:
    """A quantity from its flag, else the --scenario file, else the default scenario."""
    given = getattr(args, name, None)
    if given is not None:
        return given
    scenario = getattr(args, "scenario_values", None) or {}
    return scenario.get(name, DEFAULTS[name].value)


def _error_rate(args: argparse.Namespace) -> float:
    if getattr(args, "agreement", None) is not None:
        return float(error_rate_from_agreement(args.agreement))
    if getattr(args, "error_rate", None) is not None:
        return args.error_rate
    return _value(args, "error_rate")


def _finite_or_none(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _assumptions(args: argparse.Namespace) -> dict[str, float]:
    return {name: _value(args, name) for name in ASSUMPTIONS}


def _format_count(value: float | None) -> str:
    if value is None:
        return "unreachable (no quantity suffices)"
    return f"{value:,.0f}" if value < 1e15 else f"{value:.3e}"


def _format_probability(value: float, failure: float, log10_failure: float) -> str:
    if value < 0.9999:
        return f"{value:.4f}"
    if failure > 0:
        return f"1 − {failure:.3g}"
    return f"1 − 10^{log10_failure:.1f}" if math.isfinite(log10_failure) else "1"


def _evaluate(args: argparse.Namespace) -> tuple[dict, str]:
    labels, target = _value(args, "labels"), _value(args, "target")
    single_rate = _error_rate(args)
    error_rate = float(redundant_error_rate(single_rate, args.redundancy))
    shared = _assumptions(args)
    result = p_align(labels, error_rate, **shared)
    needed = _finite_or_none(required_labels(target, error_rate, **shared))
    source = _cost_source(args, single_rate)
    cost = source_cost(source, labels, args.redundancy)
    log10_misalign = (
        math.log10(result.p_misalign)
        if result.p_misalign > 0
        else float(result.log10_single_failure + result.effective_competitors_log10)
    )
    data = {
        "p_align": float(result.p_align),
        "p_align_lower_bound": float(result.p_align_lower_bound),
        "p_misalign": float(result.p_misalign),
        "p_single": float(result.p_single),
        "single_failure": float(result.single_failure),
        "log10_single_failure": _finite_or_none(result.log10_single_failure),
        "label_win_prob": float(result.label_win_prob),
        "blind_share": float(result.blind_share),
        "informative_labels": float(result.informative_labels),
        "effective_competitors_log10": float(result.effective_competitors_log10),
        "regime": str(result.regime),
        "target": target,
        "required_labels": needed,
        "effective_error_rate": error_rate,
        "redundancy": args.redundancy,
        "dollars": float(cost.dollars),
        "labeler_hours": float(cost.labeler_hours),
        "calendar_weeks": float(cost.calendar_weeks),
        "inputs": {
            "labels": labels,
            "error_rate": single_rate,
            **shared,
            "cost_per_label": source.cost_per_label,
            "seconds_per_label": source.seconds_per_label,
            "workforce": source.workforce,
            "hours_per_week": source.hours_per_week,
        },
    }
    lines = []
    if args.scenario and args.scenario.programmes:
        model = _model_kwargs(args)
        data["programmes"] = []
        for programme in args.scenario.programmes:
            outcome = programme_p_align(programme, **model)
            spend = programme_cost(programme)
            data["programmes"].append(
                {
                    "name": programme.name,
                    "aggregation": programme.aggregation,
                    "labels": programme.labels,
                    "p_align": float(outcome.p_align),
                    "p_align_lower_bound": float(outcome.p_align_lower_bound),
                    "regime": str(outcome.regime),
                    "dollars": spend.dollars,
                    "labeler_hours": spend.labeler_hours,
                    "calendar_weeks": spend.calendar_weeks,
                }
            )
            lines.append(
                f"Programme {programme.name or '(unnamed)':<14} P_align {float(outcome.p_align):.4f}; "
                f"${spend.dollars:,.0f}, {spend.labeler_hours:,.0f} labeler-hours, "
                f"{spend.calendar_weeks:,.1f} weeks"
            )
    text = "\n".join(
        [
            "P(outer alignment)      "
            + _format_probability(data["p_align"], data["p_misalign"], log10_misalign)
            + f"   (Bonferroni lower bound {data['p_align_lower_bound']:.4f})",
            f"Regime                  {_REGIME_WORDS[data['regime']]}",
            f"Labels required         {_format_count(needed)} for P_align >= {target:g}",
            "Per competitor P1       "
            + _format_probability(data["p_single"], data["single_failure"], result.log10_single_failure),
            f"Label win probability   q = {data['label_win_prob']:.6g}"
            f"   (blind share h = {data['blind_share']:.4g};"
            f" error rate {error_rate:.4g} after {args.redundancy} per item)",
            f"Informative labels      m = {data['informative_labels']:,.0f} of {labels:,.0f}",
            f"Effective competitors   10^{data['effective_competitors_log10']:.4g}",
            f"Cost                    ${data['dollars']:,.0f}, {data['labeler_hours']:,.0f} labeler-hours, "
            f"{data['calendar_weeks']:,.1f} calendar weeks",
            *lines,
        ]
    )
    return data, text


def _cost_source(args: argparse.Namespace, error_rate: float) -> Source:
    base = PRESETS["contractors"]
    return Source(
        "command line",
        error_rate,
        _value(args, "blind_spot"),
        base.cost_per_label if args.cost_per_label is None else args.cost_per_label,
        base.seconds_per_label if args.seconds_per_label is None else args.seconds_per_label,
        base.workforce if args.workforce is None else args.workforce,
        base.hours_per_week if args.hours_per_week is None else args.hours_per_week,
    )


def _required(args: argparse.Namespace) -> tuple[dict, str]:
    target = _value(args, "target")
    error_rate = _error_rate(args)
    needed = _finite_or_none(required_labels(target, error_rate, **_assumptions(args)))
    data = {
        "required_labels": needed,
        "target": target,
        "inputs": {"error_rate": error_rate, **_assumptions(args)},
    }
    return data, f"Labels required for P_align >= {target:g}: {_format_count(needed)}"


def _tolerate(args: argparse.Namespace) -> tuple[dict, str]:
    labels, target = _value(args, "labels"), _value(args, "target")
    error_rate = _error_rate(args)
    shared = _assumptions(args)
    without = {k: v for k, v in shared.items() if k != "blind_spot"}
    most = max_competitors_log10(
        target, labels, error_rate, **{k: v for k, v in shared.items() if k != "competitors_log10"}
    )
    data = {
        "max_error_rate": _finite_or_none(max_error_rate(target, labels, **shared)),
        "max_blind_spot": _finite_or_none(max_blind_spot(target, labels, error_rate, **without)),
        "max_competitors_log10": _finite_or_none(most),
        "any_number_of_competitors": bool(np.isposinf(most)),
        "target": target,
        "inputs": {"labels": labels, "error_rate": error_rate, **shared},
    }

    def show(value, fmt):
        return "none reaches the target" if value is None else format(value, fmt)

    if np.isposinf(most):
        competitors = "any number"
    elif np.isnan(most):
        competitors = "none (even one is too many)"
    else:
        competitors = f"10^{float(most):.4g}"
    text = "\n".join(
        [
            f"With {labels:,.0f} labels, P_align >= {target:g} holds up to:",
            f"  error rate          {show(data['max_error_rate'], '.6g')}   (other inputs as given)",
            f"  blind spot          {show(data['max_blind_spot'], '.6g')}",
            f"  competitors         {competitors}",
        ]
    )
    return data, text


def _model_kwargs(args: argparse.Namespace) -> dict[str, float]:
    shared = _assumptions(args)
    return {k: shared[k] for k in ("footprint", "exploitation", "competitors_log10", "prior_bits")}


def _curve(args: argparse.Namespace) -> tuple[dict, str]:
    model = _model_kwargs(args)
    a = PRESETS[args.source_a]
    if args.kind == "budget-split":
        curve = budget_split_curve(
            a, PRESETS[args.source_b], args.budget, points=args.points, aggregation=args.aggregation, **model
        )
    elif args.kind == "redundancy":
        curve = redundancy_curve(a, args.budget, **model)
    else:
        curve = cost_law_curve(
            a, args.budget, gamma=args.gamma, error_rates=np.linspace(0.0, 0.49, args.points), **model
        )
    rows = [
        {
            curve.parameter_name: float(curve.parameter[i]),
            "labels": [float(v) for v in curve.labels[i]],
            "dollars": float(curve.dollars[i]),
            "labeler_hours": float(curve.labeler_hours[i]),
            "calendar_weeks": float(curve.calendar_weeks[i]),
            "p_align": float(curve.p_align[i]),
            "p_align_lower_bound": float(curve.p_align_lower_bound[i]),
            "regime": str(curve.regime[i]),
        }
        for i in range(curve.parameter.size)
    ]
    frontier = pareto_frontier(curve.dollars, curve.p_align)
    data = {
        "kind": curve.kind,
        "parameter": curve.parameter_name,
        "points": rows,
        "pareto": [int(i) for i in frontier],
        "inputs": {"budget": args.budget, **model},
    }
    header = (
        f"{curve.parameter_name:>12} {'labels':>24} {'dollars':>12} {'hours':>10} {'weeks':>8} {'P_align':>8}"
    )
    lines = [header] + [
        f"{r[curve.parameter_name]:>12.4g} {' + '.join(f'{v:,.0f}' for v in r['labels']):>24} "
        f"{r['dollars']:>12,.0f} {r['labeler_hours']:>10,.0f} {r['calendar_weeks']:>8.2f} "
        f"{r['p_align']:>8.4f}"
        for r in rows
    ]
    return data, "\n".join(lines)


def _optimise(args: argparse.Namespace) -> tuple[dict, str]:
    model = _model_kwargs(args)
    if args.budget is not None:
        split = best_split(
            PRESETS[args.source_a], PRESETS[args.source_b], args.budget, aggregation=args.aggregation, **model
        )
        data = {"best_split": dataclasses.asdict(split), "inputs": {"budget": args.budget, **model}}
        text = (
            f"Best split of ${args.budget:,.0f}: {split.share_a:.1%} to {PRESETS[args.source_a].name} "
            f"({split.labels_a:,.0f} items), the rest to {PRESETS[args.source_b].name} "
            f"({split.labels_b:,.0f})\n"
            f"P_align {split.p_align:.4f} (all on one: {split.p_align_all_a:.4f} / {split.p_align_all_b:.4f})"
        )
        return data, text
    target = _value(args, "target")
    sources = [PRESETS[name] for name in args.sources]
    best = cheapest_programme(target, sources, aggregation=args.aggregation, **model)
    allocation = (
        [
            {"source": a.source.name, "labels": a.labels, "redundancy": a.redundancy}
            for a in best.programme.allocations
        ]
        if best.programme
        else None
    )
    data = {
        "target": target,
        "dollars": _finite_or_none(best.dollars),
        "p_align": _finite_or_none(best.p_align),
        "programme": allocation,
        "candidates": [{"candidate": n, "dollars": _finite_or_none(c)} for n, c in best.candidates],
        "inputs": model,
    }
    if best.programme is None:
        return data, f"No candidate programme reaches P_align >= {target:g}"
    parts = ", ".join(f"{a['labels']:,.0f} from {a['source']} (x{a['redundancy']})" for a in allocation)
    return (
        data,
        f"Cheapest to P_align >= {target:g}: ${best.dollars:,.0f} for {parts} (P_align {best.p_align:.4f})",
    )


def _uncertain_inputs(args: argparse.Namespace):
    intervals = dict(args.scenario.uncertainty) if args.scenario else {}
    intervals.update({name: (low, high) for name, low, high in args.intervals})
    point = {
        "labels": _value(args, "labels"),
        "error_rate": _error_rate(args),
        "target": _value(args, "target"),
        **_assumptions(args),
    }
    return intervals, point


def _uncertainty(args: argparse.Namespace) -> tuple[dict, str]:
    intervals, point = _uncertain_inputs(args)
    result = uncertainty(intervals, point, draws=args.draws, seed=args.seed)
    levels = [float(v) for v in result.quantile_levels]
    data = {
        "draws": args.draws,
        "seed": args.seed,
        "quantile_levels": levels,
        "p_align_quantiles": [float(v) for v in result.p_align_quantiles],
        "required_labels_quantiles": [_finite_or_none(v) for v in result.required_labels_quantiles],
        "mean_p_align": result.mean_p_align,
        "p_target_met": result.p_target_met,
        "p_unreachable": result.p_unreachable,
        "intervals": {k: list(v) for k, v in intervals.items()},
        "inputs": point,
    }
    lines = [
        f"{args.draws:,} draws (seed {args.seed}); intervals: "
        + (", ".join(f"{k} {lo:g}..{hi:g}" for k, (lo, hi) in intervals.items()) or "none")
    ]
    lines.append(f"{'Mean P_align over the uncertainty':<36}{result.mean_p_align:.4f}")
    lines.append(f"{'P(P_align >= ' + format(point['target'], 'g') + ')':<36}{result.p_target_met:.4f}")
    lines.append(f"{'P(no quantity suffices)':<36}{result.p_unreachable:.4f}")
    for level, p, n in zip(levels, data["p_align_quantiles"], data["required_labels_quantiles"], strict=True):
        lines.append(f"  {level:>5.0%} quantile   P_align {p:.4f}   required labels {_format_count(n)}")
    return data, "\n".join(lines)


def _sensitivity(args: argparse.Namespace) -> tuple[dict, str]:
    intervals, point = _uncertain_inputs(args)
    if not intervals:
        raise ValueError("give at least one --interval NAME=LOW:HIGH")
    result = sensitivity(intervals, point, samples=args.samples, seed=args.seed)
    base, bars = tornado(intervals, point)
    data = {
        "sobol": {
            name: {"first_order": _finite_or_none(s1), "total_order": _finite_or_none(st)}
            for name, s1, st in zip(result.names, result.first_order, result.total_order, strict=True)
        },
        "tornado_base_p_align": base,
        "tornado": [
            {
                "name": b.name,
                "low": b.low,
                "high": b.high,
                "p_align_at_low": b.p_align_at_low,
                "p_align_at_high": b.p_align_at_high,
            }
            for b in bars
        ],
        "evaluations": result.evaluations,
        "inputs": point,
    }
    lines = [f"{'quantity':<20} {'first-order':>12} {'total':>8}   tornado: P_align at low .. high"]
    swings = {b.name: b for b in bars}
    for name, s1, st in zip(result.names, result.first_order, result.total_order, strict=True):
        bar = swings[name]
        lines.append(
            f"{name:<20} {s1:>12.3f} {st:>8.3f}   {bar.p_align_at_low:.4f} .. {bar.p_align_at_high:.4f}"
        )
    lines.append(f"(base P_align at the medians: {base:.4f})")
    return data, "\n".join(lines)


def _trajectory(args: argparse.Namespace) -> tuple[dict, str]:
    names = [f.name for f in dataclasses.fields(TrajectoryRates)]
    from_file = dict(args.scenario.trajectory) if args.scenario else {}
    chosen = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
    rates = TrajectoryRates(**{**from_file, **chosen})
    shared = _assumptions(args)
    result = trajectory(
        rates,
        labels=_value(args, "labels"),
        error_rate=_error_rate(args),
        target=_value(args, "target"),
        **shared,
    )
    rows = [
        {
            "generation": int(result.generation[g]),
            "competitors_log10": float(result.competitors_log10[g]),
            "footprint": float(result.footprint[g]),
            "exploitation": float(result.exploitation[g]),
            "blind_spot": float(result.blind_spot[g]),
            "prior_bits": float(result.prior_bits[g]),
            "required_labels": _finite_or_none(result.required_labels[g]),
            "p_align": float(result.p_align[g]),
            "regime": str(result.regime[g]),
        }
        for g in range(result.generation.size)
    ]
    data = {
        "generations": rows,
        "first_unreachable_generation": result.first_unreachable_generation,
        "rates": dataclasses.asdict(rates),
        "clipped": list(result.clipped),
        "inputs": {"labels": _value(args, "labels"), "error_rate": _error_rate(args), **shared},
    }
    lines = [
        f"{'gen':>3} {'log10 K':>8} {'footprint':>10} {'exploit':>8} {'blind':>8} {'required labels':>22} "
        f"{'P_align':>8}"
    ]
    for r in rows:
        needed = _format_count(r["required_labels"]).split(" (")[0]
        lines.append(
            f"{r['generation']:>3} {r['competitors_log10']:>8.1f} {r['footprint']:>10.4g} "
            f"{r['exploitation']:>8.3f} {r['blind_spot']:>8.4f} {needed:>22} {r['p_align']:>8.4f}"
        )
    first = result.first_unreachable_generation
    lines.append(
        "No quantity suffices from generation " + str(first)
        if first is not None
        else "Every generation can still be reached with enough labels"
    )
    return data, "\n".join(lines)


def _estimate(estimate) -> dict:
    return {"value": estimate.value, "low": estimate.low, "high": estimate.high, "trials": estimate.trials}


def _simulate(args: argparse.Namespace) -> tuple[dict, str]:
    labels, error_rate, shared = _value(args, "labels"), _error_rate(args), _assumptions(args)
    result = simulate_p_align(
        labels,
        error_rate,
        **shared,
        redundancy=args.redundancy,
        trials=args.trials,
        seed=args.seed,
        informative=args.informative,
    )
    data = {
        "p_single": _estimate(result.p_single),
        "p_align": _estimate(result.p_align),
        "p_align_direct": _estimate(result.p_align_direct) if result.p_align_direct else None,
        "analytic_p_single": result.analytic_p_single,
        "analytic_p_align": result.analytic_p_align,
        "p_single_agrees": bool(result.p_single_agrees),
        "p_align_agrees": bool(result.p_align_agrees),
        "seed": args.seed,
        "informative": args.informative,
        "inputs": {"labels": labels, "error_rate": error_rate, **shared, "redundancy": args.redundancy},
    }
    lines = [
        f"{args.trials:,} simulated datasets (seed {args.seed}, informative labels {args.informative}); "
        "99% Wilson intervals",
        f"P1       simulated {result.p_single.value:.6f} "
        f"[{result.p_single.low:.6f}, {result.p_single.high:.6f}]"
        f"   analytic {result.analytic_p_single:.6f}   {'inside' if result.p_single_agrees else 'OUTSIDE'}",
        f"P_align  simulated {result.p_align.value:.6f} [{result.p_align.low:.6f}, {result.p_align.high:.6f}]"
        f"   analytic {result.analytic_p_align:.6f}   {'inside' if result.p_align_agrees else 'OUTSIDE'}",
    ]
    if args.bradley_terry:
        bt = bradley_terry_check(labels, error_rate, **shared, seed=args.seed)
        data["bradley_terry"] = {
            "ranked_above": _estimate(bt.ranked_above),
            "counting_p_single": bt.counting_p_single,
            "learned_p_align": _estimate(bt.learned_p_align),
        }
        lines.append(
            f"Bradley-Terry reward model ranks the aligned policy first in {bt.ranked_above.value:.4f} "
            f"[{bt.ranked_above.low:.4f}, {bt.ranked_above.high:.4f}] of datasets; counting gives P1 "
            f"{bt.counting_p_single:.4f}"
        )
    return data, "\n".join(lines)


_COMMANDS = {
    "evaluate": _evaluate,
    "required": _required,
    "tolerate": _tolerate,
    "curve": _curve,
    "optimise": _optimise,
    "uncertainty": _uncertainty,
    "sensitivity": _sensitivity,
    "trajectory": _trajectory,
    "simulate": _simulate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.scenario, args.scenario_values = None, {}
    path = getattr(args, "scenario_file", None)
    if path is not None:
        try:
            args.scenario = _read_scenario(path)
        except OSError as error:
            print(
                f"{PROGRAM}: error: argument --scenario: cannot read {path}: {error.strerror}",
                file=sys.stderr,
            )
            return 2
        except ScenarioError as error:
            print(f"{PROGRAM}: error: argument --scenario: {path}: {error}", file=sys.stderr)
            return 2
        args.scenario_values = args.scenario.assumptions.as_dict()
    try:
        data, text = _COMMANDS[args.command](args)
    except ValueError as error:  # the core's own range checks, should a combination slip past
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    try:
        print(json.dumps(data, allow_nan=False) if args.json else text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
