"""Command line: ``python -m aliquant_core evaluate | required | tolerate``.

Flags are the model brief's names with dashes. Readable text by default, ``--json`` for scripts.
Bad input exits with status 2 and one line naming the flag and its valid range.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

import numpy as np

from ._validation import RANGES, describe_range
from .defaults import DEFAULTS
from .model import error_rate_from_agreement, p_align
from .solve import max_blind_spot, max_competitors_log10, max_error_rate, required_labels

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


def _add_quantity(parser: argparse.ArgumentParser, name: str, help_text: str, default=None):
    default = DEFAULTS[name].value if default is None and name in DEFAULTS else default
    parser.add_argument(
        _flag(name),
        dest=name,
        type=_ranged(name),
        default=default,
        metavar="X",
        help=f"{help_text}, in {describe_range(name)} (default {default:g})",
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

    for sub in (evaluate, required, tolerate):
        sub.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _error_rate(args: argparse.Namespace) -> float:
    if args.agreement is not None:
        return float(error_rate_from_agreement(args.agreement))
    return DEFAULTS["error_rate"].value if args.error_rate is None else args.error_rate


def _finite_or_none(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _assumptions(args: argparse.Namespace) -> dict[str, float]:
    return {name: getattr(args, name) for name in ASSUMPTIONS}


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
    error_rate = _error_rate(args)
    result = p_align(args.labels, error_rate, **_assumptions(args))
    needed = _finite_or_none(required_labels(args.target, error_rate, **_assumptions(args)))
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
        "target": args.target,
        "required_labels": needed,
        "inputs": {"labels": args.labels, "error_rate": error_rate, **_assumptions(args)},
    }
    text = "\n".join(
        [
            "P(outer alignment)      "
            + _format_probability(data["p_align"], data["p_misalign"], log10_misalign)
            + f"   (Bonferroni lower bound {data['p_align_lower_bound']:.4f})",
            f"Regime                  {_REGIME_WORDS[data['regime']]}",
            f"Labels required         {_format_count(needed)} for P_align >= {args.target:g}",
            f"Per competitor P1       "
            f"{_format_probability(data['p_single'], data['single_failure'], result.log10_single_failure)}",
            f"Label win probability   q = {data['label_win_prob']:.6g}"
            f"   (blind share h = {data['blind_share']:.4g})",
            f"Informative labels      m = {data['informative_labels']:,.0f} of {args.labels:,.0f}",
            f"Effective competitors   10^{data['effective_competitors_log10']:.4g}",
        ]
    )
    return data, text


def _required(args: argparse.Namespace) -> tuple[dict, str]:
    error_rate = _error_rate(args)
    needed = _finite_or_none(required_labels(args.target, error_rate, **_assumptions(args)))
    data = {
        "required_labels": needed,
        "target": args.target,
        "inputs": {"error_rate": error_rate, **_assumptions(args)},
    }
    return data, f"Labels required for P_align >= {args.target:g}: {_format_count(needed)}"


def _tolerate(args: argparse.Namespace) -> tuple[dict, str]:
    error_rate = _error_rate(args)
    shared = {name: getattr(args, name) for name in ASSUMPTIONS}
    without = {k: v for k, v in shared.items() if k != "blind_spot"}
    data = {
        "max_error_rate": _finite_or_none(max_error_rate(args.target, args.labels, **shared)),
        "max_blind_spot": _finite_or_none(max_blind_spot(args.target, args.labels, error_rate, **without)),
        "max_competitors_log10": _finite_or_none(
            max_competitors_log10(
                args.target,
                args.labels,
                error_rate,
                **{k: v for k, v in shared.items() if k != "competitors_log10"},
            )
        ),
        "target": args.target,
        "inputs": {"labels": args.labels, "error_rate": error_rate, **shared},
    }

    def show(value, fmt):
        return "none reaches the target" if value is None else format(value, fmt)

    competitors = data["max_competitors_log10"]
    text = "\n".join(
        [
            f"With {args.labels:,.0f} labels, P_align >= {args.target:g} holds up to:",
            f"  error rate          {show(data['max_error_rate'], '.6g')}   (other inputs as given)",
            f"  blind spot          {show(data['max_blind_spot'], '.6g')}",
            "  competitors         "
            + (
                "none (even one is too many)"
                if competitors is None
                else f"10^{competitors:.4g}"
                if np.isfinite(competitors)
                else "any number"
            ),
        ]
    )
    if competitors is not None and not math.isfinite(float(competitors)):
        data["max_competitors_log10"] = None
    return data, text


_COMMANDS = {"evaluate": _evaluate, "required": _required, "tolerate": _tolerate}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        data, text = _COMMANDS[args.command](args)
    except ValueError as error:  # the core's own range checks, should a combination slip past
        print(f"{PROGRAM}: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(data, allow_nan=False))
    else:
        print(text)
    return 0
