"""Command line: ``python -m aliquant_core evaluate | required | tolerate | curve | optimise | ...``.

Flags are the model brief's names with dashes. Readable text by default, ``--json`` for scripts.
Bad input exits with status 2 and one line naming the flag and its valid range; so does a
combination of valid values whose cost exceeds the largest float (about 1.8e308: say 1e12 labels at
1e308 dollars each, or a workforce of 5e-324 people), the line naming the cost and the quantities
it comes from (:class:`~aliquant_core.quantities.QuantityError`, the core's one error type).

Every number in ``--json`` output is finite. ``null`` stands where the core's answer is not a
number, and the text output says the same in words: required labels where no quantity reaches the
target (or the quantity that would exceeds the largest float), a tolerance that no value meets,
a Sobol index where P_align does not vary over the intervals.

Everything written to the terminal passes through :func:`printable`: a control character in a
programme's or source's name, a file name or an argument is shown as its escape (``\x1b``), so
no text from a scenario file can retitle the window or rewrite the screen. JSON escapes them itself.

Every quantity's flag, check, help and default come from :data:`aliquant_core.quantities.QUANTITIES`:
a value comes from its flag, else the ``--scenario`` file, else the table. Settings that are not
quantities of the model (budget, points, draws, seeds, ...) are in :data:`_SETTINGS`.

Examples
--------
>>> main(["required", "--target", "0.9", "--error-rate", "0.2", "--blind-spot", "0",
...       "--footprint", "1", "--competitors-log10", "0"])
Labels required for P_align >= 0.9: 5
0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import annotations as _annotations
from ._results import plain
from .classes import (
    MAX_CLASSES,
    ClassesResult,
    CompetitorClass,
    check_classes,
    classes_p_align,
    classes_shared_p_align,
    targeted_few,
)
from .curves import (
    best_split,
    budget_split_curve,
    cheapest_programme,
    cost_law_curve,
    pareto_frontier,
    redundancy_curve,
)
from .estimate import estimate_quality
from .fragility import regime_flips
from .model import REGIME_WORDING, p_align
from .programme import AGGREGATION_LABELS, AGGREGATIONS, programme_cost, programme_p_align, source_cost
from .quantities import DEFAULTS, MODEL_GROUPS, QUANTITIES, THREAT, Assumptions, Quantity, names_in
from .scenario import MAX_BYTES, Scenario, ScenarioError, scenario_from_json
from .shared_dataset import shared_p_align
from .simulate import (
    CONFIDENCE,
    MAX_ELEMENTS,
    RESOLUTION,
    bradley_terry_check,
    per_labeler_draws,
    resolvable_point,
    simulate_p_align,
)
from .solve import max_blind_spot, max_competitors_log10, max_error_rate, required_labels
from .sources import PRESETS, Source, redundant_error_rate, redundant_fooled_rate
from .trajectory import TrajectoryRates, trajectory
from .uncertainty import UNCERTAIN_QUANTITIES, sensitivity, tornado, uncertainty

PROGRAM = "aliquant"

#: The model's quantities (labels, label quality, threat, target), as most subcommands take them.
_MODEL = names_in(*MODEL_GROUPS)

#: The ``--class`` preset: a hundred competitors that differ only inside the blind spots.
_TARGETED_FEW = "targeted-few"

#: The subcommands that take ``--class``.
_CLASS_COMMANDS = ("evaluate", "required", "tolerate", "uncertainty", "sensitivity", "trajectory")

#: The quantities ``--interval`` may name, as flags name them.
_UNCERTAIN = ", ".join(name.replace("_", "-") for name in UNCERTAIN_QUANTITIES)


#: Unicode categories a terminal may act on rather than show: controls (ESC starts the escape
#: sequences that retitle a window or rewrite the screen; BEL, CR), format characters (bidirectional
#: overrides that reorder what is shown), line and paragraph separators, and the surrogates that
#: stand for undecodable bytes in ``sys.argv`` (which ``print`` cannot encode).
_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    r"""``text`` with every control or format character written as its escape, to show it as it is.

    Everything the command line writes passes through here (:func:`_write`), so a programme or
    source name from a scenario file, a file name or an argument cannot drive the terminal.
    Line breaks between lines are kept (each line is escaped on its own); tabs are escaped.

    >>> printable("\x1b]0;pwned\x07 ok\n2")
    '\\x1b]0;pwned\\x07 ok\n2'
    """
    return "\n".join(
        "".join(
            c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) in _UNSHOWN else c
            for c in line
        )
        for line in text.split("\n")
    )


def _write(text: str, stream=None) -> None:
    """Print ``text`` (one or more lines) to ``stream`` (stdout) as :func:`printable` text."""
    print(printable(text), file=sys.stdout if stream is None else stream)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit status 2."""

    def error(self, message: str):
        # argparse quotes some arguments raw ("unrecognized arguments: ..."); one line, shown as text.
        _write(f"{PROGRAM}: error: {' '.join(message.splitlines())}", sys.stderr)
        self.exit(2)


@dataclass(frozen=True)
class _Setting(Quantity):
    """A command-line setting that is not a quantity of the model, checked like one."""

    @property
    def range_text(self) -> str:
        # Whole-number bounds such as 2**32 - 1 in full, where %g would round them.
        return f"[{self.low:.0f}, {self.high:.0f}]" if self.whole else super().range_text

    def describe(self) -> str:
        return f"{self.help}, in {self.range_text} (default {self.default:g})"


def _setting(
    name: str,
    low: float,
    high: float,
    default: float,
    metavar: str,
    text: str,
    *,
    low_open=False,
    whole=False,
) -> _Setting:
    high_open = math.isinf(high)
    return _Setting(
        name, metavar, "", "", "setting", low, high, low_open, high_open, default, "", "", text, whole=whole
    )


#: The settings with bounds, by name; the symbol is the flag's metavar.
_SETTINGS = {
    s.name: s
    for s in (
        _setting("budget", 0, math.inf, 100_000.0, "USD", "budget in US dollars", low_open=True),
        _setting("points", 2, 1000, 21, "N", "points on the curve", whole=True),
        _setting("gamma", 0, 10, 2.0, "G", "cost-law exponent (2: price follows the (1 - 2e)^-2 data need)"),
        _setting("draws", 16, 10**7, 20_000, "N", "quasi-random draws", whole=True),
        _setting("trials", 100, 10**7, 20_000, "N", "simulated datasets", whole=True),
        _setting("seed", 0, 2**32 - 1, 0, "S", "seed of the random (or quasi-random) draws", whole=True),
    )
}


def _checked(q: Quantity):
    """An argparse type: ``q.check`` on the text, its message without the quantity's name."""

    def parse(text: str) -> float:
        try:
            value = float(q.check(text))
        except ValueError as error:  # QuantityError, also for text that is not a number
            raise argparse.ArgumentTypeError(str(error).removeprefix(f"{q.name} ")) from None
        return int(value) if q.whole else value

    parse.__name__ = q.name  # argparse names the type in some messages
    return parse


def _add(parser, q: Quantity, **changes) -> None:
    """``q``'s flag; a model quantity has no argparse default (flag, else scenario file, else table)."""
    options = {"dest": q.name, "type": _checked(q), "metavar": "X", "help": q.describe()}
    if isinstance(q, _Setting):
        options.update(metavar=q.symbol, default=q.default)
    options.update(changes)
    options["help"] = options["help"].replace("%", "%%")  # argparse expands % in help
    parser.add_argument(q.flag, **options)


def _add_quantities(parser, names: Sequence[str]) -> None:
    quality = None  # --error-rate or --agreement; argparse refuses an empty group
    for name in names:
        q = QUANTITIES[name]
        if q.group == "quality":
            quality = quality or parser.add_mutually_exclusive_group()
        _add(quality if q.group == "quality" else parser, q)


def _add_pair(parser) -> None:
    """--source-a, --source-b (preset keys) and --aggregation, for curves and splits."""
    presets = sorted(PRESETS)
    parser.add_argument(
        "--source-a",
        choices=presets,
        default="crowdworkers",
        help="preset source (the only one for redundancy, the price anchor for cost-law)",
    )
    parser.add_argument(
        "--source-b", choices=presets, default="experts", help="second preset for a two-source mix"
    )
    parser.add_argument(
        "--aggregation",
        choices=AGGREGATIONS,
        default="pooled",
        help="how the sources' labels combine: "
        + "; ".join(AGGREGATION_LABELS[name] for name in AGGREGATIONS).replace("%", "%%"),
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``aliquant`` argument parser with its subcommands."""
    parser = _Parser(
        prog=PROGRAM,
        description="Probability of outer alignment from the quantity and quality of comparison labels.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub = {}
    for name, (_, help_text, quantities, settings) in _COMMANDS.items():
        sub[name] = commands.add_parser(name, help=help_text)
        _add_quantities(sub[name], quantities)
        for setting in settings:
            _add(sub[name], _SETTINGS[setting])

    curve = sub["curve"]
    kinds = ["budget-split", "redundancy", "cost-law"]
    curve.add_argument("--kind", choices=kinds, default=kinds[0], help="which curve (default budget-split)")
    _add_pair(curve)

    optimise = sub["optimise"]
    optimise.add_argument(
        "--sources",
        type=_preset_list,
        default=sorted(PRESETS),
        metavar="A,B,...",
        help=f"preset sources to consider, comma-separated (default all: {','.join(sorted(PRESETS))})",
    )
    _add(
        optimise,
        _SETTINGS["budget"],
        default=None,
        help="instead: split this budget between --source-a and --source-b",
    )
    _add_pair(optimise)

    for command in (sub["uncertainty"], sub["sensitivity"]):
        command.add_argument(
            "--interval",
            dest="intervals",
            action="append",
            type=_interval,
            default=[],
            metavar="NAME=LOW:HIGH",
            help=f"a 90%% interval of a quantity, e.g. error-rate=0.1:0.25 (repeatable; names: {_UNCERTAIN})",
        )
    sub["sensitivity"].add_argument(
        "--samples",
        type=_power_of_two,
        default=1024,
        metavar="N",
        help="Sobol base sample, a power of 2 in [2, 65536] (default 1024)",
    )

    simulate = sub["simulate"]
    simulate.add_argument(
        "--informative",
        choices=["fixed", "binomial"],
        default="fixed",
        help="m = round(f N) as the model has it, or m ~ Binomial(N, f) (default fixed)",
    )
    simulate.add_argument(
        "--draw",
        choices=["counts", "labelers"],
        default="counts",
        help="counts: each trial's label counts drawn as binomials through the majority's error rate; "
        "labelers: every item and every labeler's vote drawn (inside a blind spot every labeler is "
        "fooled), for trials * m * (1 + r) up to 200 million draws (default counts)",
    )
    simulate.add_argument(
        "--bradley-terry",
        action="store_true",
        help="also fit a Bradley-Terry reward model to simulated comparisons (500 datasets, majority "
        "of --redundancy labels each; the learner is told which comparisons are blind spots, so it "
        "tests log-odds averaging, not generalisation)",
    )
    estimate = sub["estimate"]
    estimate.add_argument(
        "--annotations",
        required=True,
        metavar="FILE",
        help="comparison labels: CSV (one row per label, or one row per item with a column per "
        f"annotator) or JSON Lines; at most {_annotations.MAX_BYTES:,} bytes, "
        f"{_annotations.MAX_ROWS:,} labels, {_annotations.MAX_ANNOTATORS:,} annotators",
    )
    estimate.add_argument("--gold", metavar="FILE", help="gold (expert) choices: item and gold columns")
    for name in _CLASS_COMMANDS:
        sub[name].add_argument(
            "--class",
            dest="extra_classes",
            action="append",
            type=_class_arg,
            default=[],
            metavar="NAME:LOG10K:FOOTPRINT:EXPLOITATION",
            help="another competitor class beside the one the threat flags describe (repeatable, at most "
            f"{MAX_CLASSES - 1}; e.g. 'targeted:2:0.03:1', or '{_TARGETED_FEW}' for 10^2 competitors whose "
            "footprint is the blind spot, exploitation 1). A --scenario's competitor_classes come first",
        )
    for name, command in sub.items():
        if name not in ("curve", "optimise", "estimate"):
            command.add_argument(
                "--scenario",
                dest="scenario_file",
                metavar="FILE",
                help="a scenario file (JSON, see aliquant_core.scenario) supplying every value not given "
                "by a flag; evaluate also reports its programmes",
            )
        command.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _interval(text: str) -> tuple[str, float, float]:
    name, _, ends = text.partition("=")
    name = name.strip().replace("-", "_")
    if name not in UNCERTAIN_QUANTITIES:
        raise argparse.ArgumentTypeError(f"names one of {_UNCERTAIN}; got {text!r}")
    low_text, _, high_text = ends.partition(":")
    try:
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be NAME=LOW:HIGH with numbers; got {text!r}") from None
    return name, low, high


def _class_arg(text: str) -> CompetitorClass | str:
    """``NAME:LOG10K:FOOTPRINT:EXPLOITATION`` as a checked class, or the targeted-few preset's name."""
    if text.strip() == _TARGETED_FEW:
        return _TARGETED_FEW  # its footprint is the blind spot, known once every flag is read
    parts = text.rsplit(":", 3)
    if len(parts) != 4:
        raise argparse.ArgumentTypeError(
            f"must be NAME:LOG10K:FOOTPRINT:EXPLOITATION or {_TARGETED_FEW}; got {text!r}"
        )
    name, *values = parts
    try:
        return CompetitorClass(name, *(float(v) for v in values))
    except ValueError as error:  # QuantityError, or text that is not a number
        raise argparse.ArgumentTypeError(str(error)) from None


def _power_of_two(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 2 or value > 65536 or value & (value - 1):
        raise argparse.ArgumentTypeError(f"must be a power of 2 in [2, 65536]; got {text!r}")
    return value


def _preset_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names or any(name not in PRESETS for name in names):
        raise argparse.ArgumentTypeError(
            f"must be preset names from {', '.join(sorted(PRESETS))}; got {text!r}"
        )
    return names


def _read_scenario(path: str) -> Scenario:
    """Read and check a scenario file; refuse one over the size limit before reading it whole."""
    with open(path, "rb") as handle:
        content = handle.read(MAX_BYTES + 1)
    return scenario_from_json(content)


def _assumptions(args: argparse.Namespace) -> Assumptions:
    """The model's values: each flag given, over the --scenario file's assumptions, over the table's."""
    base = args.scenario.assumptions if args.scenario else Assumptions()
    given = {name: getattr(args, name) for name in _MODEL if getattr(args, name, None) is not None}
    values = base.as_dict()
    if "error_rate" in given:  # an error rate on the command line replaces the file's agreement
        values.pop("agreement", None)
    return Assumptions(**{**values, **given})


def _classes(args: argparse.Namespace, a: Assumptions) -> tuple[CompetitorClass, ...]:
    """The competitor classes: the assumptions' own first (named as the scenario's first class, if
    any), then the scenario's others, then each ``--class``."""
    from_file = args.scenario.competitor_classes if args.scenario else ()
    first = CompetitorClass(from_file[0].name if from_file else "competitors", **{
        q: getattr(a, q) for q in ("competitors_log10", "footprint", "exploitation")
    })  # fmt: skip
    extra = [
        targeted_few(a.blind_spot) if c == _TARGETED_FEW else c for c in getattr(args, "extra_classes", [])
    ]
    return check_classes((first, *from_file[1:], *extra))


def _more_classes(args: argparse.Namespace, a: Assumptions) -> tuple[CompetitorClass, ...] | None:
    """:func:`_classes` where there are several, else None (the one-class model as it was)."""
    classes = _classes(args, a)
    return classes if len(classes) > 1 else None


def _value(args: argparse.Namespace, name: str, fallback: float | None = None) -> float:
    """A quantity outside the assumptions (source, rate) from its flag, else ``fallback``, else the table."""
    value = getattr(args, name, None)
    if value is None:
        value = DEFAULTS[name] if fallback is None else fallback
    return int(value) if QUANTITIES[name].whole else value


def _without(values: dict, *names: str) -> dict:
    return {name: value for name, value in values.items() if name not in names}


def _point(a: Assumptions) -> dict[str, float]:
    """The assumptions by name, label quality as the error rate (what the core receives)."""
    return _without(a.as_dict(), "agreement")


def _independent_point(a: Assumptions) -> dict[str, float]:
    """:func:`_point` without the overlap, for the analyses built on independent contests."""
    return _without(_point(a), *names_in("dependence"))


def _rows(columns: dict, keys: Sequence[str]) -> list[dict]:
    """Per-point columns of a result's ``to_dict()``, as one dict per point."""
    return [dict(zip(keys, row, strict=True)) for row in zip(*(columns[k] for k in keys), strict=True)]


def _format_count(value: float | None) -> str:
    if value is None:
        return "unreachable (no quantity suffices)"
    return f"{value:,.0f}" if value < 1e15 else f"{value:.3e}"


def _format_probability(value: float, failure: float, log10_failure: float | None) -> str:
    if value < 0.9999:
        return f"{value:.4f}"
    if failure > 0:
        return f"1 − {failure:.3g}"
    # A tail of exactly 0 (labels never wrong) has no logarithm: the probability is 1.
    finite = log10_failure is not None and math.isfinite(log10_failure)
    return f"1 − 10^{log10_failure:.1f}" if finite else "1"


def _evaluate(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    redundancy = _value(args, "redundancy")
    error_rate = float(redundant_error_rate(a.error_rate, redundancy))
    # The majority of r labelers: random error shrinks to ε_r, a blind spot fools it with φ_r.
    threat = {**a.threat, "fooled_rate": float(redundant_fooled_rate(a.fooled_rate, redundancy))}
    result = p_align(a.labels, error_rate, **threat).to_dict(json_safe=True)
    classes = _classes(args, a)
    shared_threat = {
        k: v for k, v in threat.items() if k not in ("competitors_log10", "footprint", "exploitation")
    }
    by_class = classes_p_align(a.labels, error_rate, classes=classes, **shared_threat)
    needed = plain(required_labels(a.target, error_rate, classes=classes, **shared_threat), json_safe=True)
    costs = {name: _value(args, name) for name in names_in("source") if name != "redundancy"}
    cost = source_cost(Source("command line", a.error_rate, a.blind_spot, **costs), a.labels, redundancy)
    if len(classes) == 1:
        shared = shared_p_align(a.labels, error_rate, overlap=a.overlap, **threat)
    else:
        shared = classes_shared_p_align(
            a.labels, error_rate, overlap=a.overlap, classes=classes, **shared_threat
        )
        # Over several classes the headline figures are the product's; per competitor ones stay the
        # first class's (every class's are under "classes").
        result.update(
            {
                key: plain(getattr(by_class, key), json_safe=True)
                for key in ("p_align", "p_misalign", "p_align_lower_bound", "regime")
            }
        )
    # Where the regime flips, for the binding class (the one contributing most to misalignment):
    # each assumption's value at which more labels stop helping (or start), and the nearest.
    bound_class = classes[int(by_class.binding_index)]
    flips = regime_flips(error_rate=error_rate, **{**threat, **bound_class.threat})
    data = {
        **result,
        "regime_flips": {
            "class": bound_class.name,
            "most_fragile": str(flips.most_fragile) or None,
            "flips": {k: plain(v, json_safe=True) for k, v in flips.flips.items()},
            "beyond": {k: str(v) or None for k, v in flips.beyond.items()},
        },
        "classes": [c.to_dict(json_safe=True) for c in by_class.classes],
        "binding": str(by_class.binding),
        "p_align_one_contest": plain(by_class.p_align_one_contest, json_safe=True),
        "shared_dataset": shared.to_dict(json_safe=True),
        "target": a.target,
        "required_labels": needed,
        "effective_error_rate": error_rate,
        "redundancy": redundancy,
        **cost.to_dict(json_safe=True),
        "inputs": {**_point(a), **costs},
    }
    lines = []
    if args.scenario and args.scenario.programmes:
        data["programmes"] = []
        for programme in args.scenario.programmes:
            if len(classes) == 1:
                outcome = programme_p_align(programme, **a.shared_threat)
            else:
                outcome = programme_p_align(
                    programme, classes=classes, fooled_rate=a.fooled_rate, prior_bits=a.prior_bits
                )
            spend = programme_cost(programme)
            data["programmes"].append(
                {
                    "name": programme.name,
                    "aggregation": programme.aggregation,
                    "labels": programme.labels,
                    **_outcome(outcome),
                    **spend.to_dict(json_safe=True),
                }
            )
            lines.append(
                f"Programme {programme.name or '(unnamed)':<14} P_align {float(outcome.p_align):.4f}; "
                f"${spend.dollars:,.0f}, {spend.labeler_hours:,.0f} labeler-hours, "
                f"{spend.calendar_weeks:,.1f} weeks"
            )
    log10_misalign = data["log10_single_failure"]  # None where 1 − P1 is 0 even as a logarithm
    if data["p_misalign"] > 0:
        log10_misalign = math.log10(data["p_misalign"])
    elif len(classes) > 1:
        exponent = float(by_class.misalignment_exponent)  # ln(−ln P_align) ≈ ln(1 − P_align) here
        log10_misalign = exponent / math.log(10.0) if math.isfinite(exponent) else None
    elif log10_misalign is not None:
        log10_misalign += data["effective_competitors_log10"]
    shared_line = (
        f"   (overlap {a.overlap:g}; the truth lies between the line above and P1; under any"
        f" dependence at least {data['p_align_lower_bound']:.4f})"
        if len(classes) == 1
        else f"   (overlap {a.overlap:g} in each class, classes multiplied; at most"
        f" {float(shared.p_align_at_most):.4f}; under any dependence at least"
        f" {data['p_align_lower_bound']:.4f})"
    )
    text = [
        "P(outer alignment)      "
        + _format_probability(data["p_align"], data["p_misalign"], log10_misalign)
        + "   (competitors independent: a lower bound)",
        "On one shared dataset   "
        + _format_probability(float(shared.p_align), float(shared.p_misalign), None)
        + shared_line,
        f"Regime                  {REGIME_WORDING[data['regime']].sentence}",
        f"Labels required         {_format_count(needed)} for P_align >= {a.target:g}",
        "Per competitor P1       "
        + _format_probability(data["p_single"], data["single_failure"], data["log10_single_failure"]),
        f"Label win probability   q = {data['label_win_prob']:.6g}"
        f"   (blind share h = {data['blind_share']:.4g};"
        f" error rate {error_rate:.4g} after {redundancy} per item)",
        f"Informative labels      m = {data['informative_labels']:,.0f} of {a.labels:,.0f}",
        f"Effective competitors   10^{data['effective_competitors_log10']:.4g}",
        f"Cost                    ${data['dollars']:,.0f}, {data['labeler_hours']:,.0f} labeler-hours, "
        f"{data['calendar_weeks']:,.1f} calendar weeks",
    ]
    fragile = str(flips.most_fragile)
    if fragile:
        flip, beyond = float(flips.flips[fragile]), str(flips.beyond[fragile])
        now = float(flips.values[fragile])
        after = "no quantity suffices" if beyond == "no_quantity_suffices" else "quantity suffices"
        text.insert(
            4,
            f"Most fragile            {fragile}: {after} {'above' if flip > now else 'below'} "
            f"{flip:.4g} (now {now:.4g})",
        )
    if len(classes) > 1:
        text[3:3] = [
            f"Binding class           {printable(data['binding'])} (contributes most to misalignment)"
        ]
        text.append("Competitor classes (per competitor figures above are the first class's):")
        text.extend(_class_lines(by_class))
    return data, "\n".join(text + lines)


def _outcome(outcome) -> dict:
    """A programme's result as plain JSON, with per class results and the binding class if classes."""
    if isinstance(outcome, ClassesResult):
        out = outcome.to_dict(json_safe=True)
        return {**out, "binding": str(outcome.binding)}
    return outcome.to_dict(json_safe=True)


def _class_lines(result: ClassesResult) -> list[str]:
    """One line per class: name, count, footprint, exploitation, its P_align and share of misalignment."""
    lines = []
    for c in result.classes:
        share = float(c.misalignment_share)
        p = _format_probability(float(c.p_align), float(c.p_misalign), None)
        lines.append(
            f"  {printable(c.name)[:24]:<24} 10^{float(c.competitors_log10):<6g} f {float(c.footprint):<7.4g}"
            f" chi {float(c.exploitation):<5.3g} P_align {p:>10}   share of misalignment "
            + (f"{share:.3g}" if math.isfinite(share) else "n/a")
        )
    return lines


def _required(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    classes = _classes(args, a)
    if len(classes) == 1:
        needed = plain(required_labels(a.target, a.error_rate, **a.threat), json_safe=True)
    else:
        shared = {k: getattr(a, k) for k in ("blind_spot", "fooled_rate", "prior_bits")}
        needed = plain(required_labels(a.target, a.error_rate, classes=classes, **shared), json_safe=True)
    data = {"required_labels": needed, "target": a.target, "inputs": _without(_point(a), "labels")}
    if len(classes) > 1:
        data["classes"] = [c.as_dict() for c in classes]
    return data, f"Labels required for P_align >= {a.target:g}: {_format_count(needed)}"


def _tolerate(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    classes = _classes(args, a)
    if len(classes) == 1:
        most = max_competitors_log10(
            a.target, a.labels, a.error_rate, **_without(a.threat, "competitors_log10")
        )
        worst_error = max_error_rate(a.target, a.labels, **a.threat)
        worst_blind = max_blind_spot(a.target, a.labels, a.error_rate, **a.shared_threat)
    else:
        shared = {"fooled_rate": a.fooled_rate, "prior_bits": a.prior_bits}
        most = max_competitors_log10(a.target, a.labels, a.error_rate, classes=classes, **shared)
        worst_error = max_error_rate(a.target, a.labels, classes=classes, blind_spot=a.blind_spot, **shared)
        worst_blind = max_blind_spot(a.target, a.labels, a.error_rate, classes=classes, **shared)
    data = plain(
        {
            "max_error_rate": worst_error,
            "max_blind_spot": worst_blind,
            "max_competitors_log10": most,
            "any_number_of_competitors": bool(np.isposinf(most)),
            "competitors_class": classes[0].name,
            "target": a.target,
            "inputs": _point(a),
            **({"classes": [c.as_dict() for c in classes]} if len(classes) > 1 else {}),
        },
        json_safe=True,
    )

    def show(value, fmt):
        return "none reaches the target" if value is None else format(value, fmt)

    if np.isposinf(most):
        competitors = "any number"
    else:
        competitors = "none (even one is too many)" if np.isnan(most) else f"10^{float(most):.4g}"
    text = "\n".join(
        [
            f"With {a.labels:,.0f} labels, P_align >= {a.target:g} holds up to:",
            f"  error rate          {show(data['max_error_rate'], '.6g')}   (other inputs as given)",
            f"  blind spot          {show(data['max_blind_spot'], '.6g')}",
            f"  competitors         {competitors}"
            + (
                f"   (of the first class, {printable(classes[0].name)}; the others held)"
                if len(classes) > 1
                else ""
            ),
        ]
    )
    return data, text


def _curve(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    model, source = a.shared_threat, PRESETS[args.source_a]
    if args.kind == "budget-split":
        curve = budget_split_curve(
            source,
            PRESETS[args.source_b],
            args.budget,
            points=args.points,
            aggregation=args.aggregation,
            **model,
        )
    elif args.kind == "redundancy":
        curve = redundancy_curve(source, args.budget, **model)
    else:
        rates = np.linspace(0.0, 0.49, args.points)
        curve = cost_law_curve(source, args.budget, gamma=args.gamma, error_rates=rates, **model)
    columns = {
        curve.parameter_name if k == "parameter" else k: v for k, v in curve.to_dict(json_safe=True).items()
    }
    rows = _rows(columns, [name for name, column in columns.items() if isinstance(column, list)])
    data = {
        "kind": curve.kind,
        "parameter": curve.parameter_name,
        "points": rows,
        "pareto": [int(i) for i in pareto_frontier(curve.dollars, curve.p_align)],
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


def _optimise(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    model = a.shared_threat
    if args.budget is not None:
        first, second = PRESETS[args.source_a], PRESETS[args.source_b]
        split = best_split(first, second, args.budget, aggregation=args.aggregation, **model)
        data = {"best_split": split.to_dict(json_safe=True), "inputs": {"budget": args.budget, **model}}
        text = (
            f"Best split of ${args.budget:,.0f}: {split.share_a:.1%} to {first.name} "
            f"({split.labels_a:,.0f} items), the rest to {second.name} ({split.labels_b:,.0f})\n"
            f"P_align {split.p_align:.4f} (all on one: {split.p_align_all_a:.4f} / {split.p_align_all_b:.4f})"
        )
        return data, text
    sources = [PRESETS[name] for name in args.sources]
    best = cheapest_programme(a.target, sources, aggregation=args.aggregation, **model)
    allocation = best.programme and [
        {"source": item.source.name, "labels": item.labels, "redundancy": item.redundancy}
        for item in best.programme.allocations
    ]
    candidates = plain(best.candidates, json_safe=True)
    data = {
        "target": a.target,
        **best.to_dict(json_safe=True),
        "programme": allocation,
        "candidates": [{"candidate": name, "dollars": dollars} for name, dollars in candidates],
        "inputs": model,
    }
    if best.programme is None:
        return data, f"No candidate programme reaches P_align >= {a.target:g}"
    parts = ", ".join(f"{x['labels']:,.0f} from {x['source']} (x{x['redundancy']})" for x in allocation)
    text = (
        f"Cheapest to P_align >= {a.target:g}: ${best.dollars:,.0f} for {parts} (P_align {best.p_align:.4f})"
    )
    return data, text


def _intervals(args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    intervals = dict(args.scenario.uncertainty) if args.scenario else {}
    return {**intervals, **{name: (low, high) for name, low, high in args.intervals}}


def _uncertainty(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    intervals, point = _intervals(args), _independent_point(a)
    result = uncertainty(intervals, point, draws=args.draws, seed=args.seed, classes=_more_classes(args, a))
    # Summaries only: the draws themselves would be megabytes of JSON.
    data = {
        key: value
        for key, value in result.to_dict(json_safe=True).items()
        if key not in ("draws", "p_align", "required_labels")
    }
    data.update(draws=args.draws, intervals={k: list(v) for k, v in intervals.items()}, inputs=point)
    lines = [
        f"{args.draws:,} draws (seed {args.seed}); intervals: "
        + (", ".join(f"{k} {lo:g}..{hi:g}" for k, (lo, hi) in intervals.items()) or "none"),
        f"{'Mean P_align over the uncertainty':<36}{result.mean_p_align:.4f}",
        f"{'P(P_align >= ' + format(a.target, 'g') + ')':<36}{result.p_target_met:.4f}",
        f"{'P(no quantity suffices)':<36}{result.p_unreachable:.4f}",
    ]
    for level, p, n in zip(
        data["quantile_levels"], data["p_align_quantiles"], data["required_labels_quantiles"], strict=True
    ):
        lines.append(f"  {level:>5.0%} quantile   P_align {p:.4f}   required labels {_format_count(n)}")
    return data, "\n".join(lines)


def _sensitivity(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    intervals, point = _intervals(args), _independent_point(a)
    if not intervals:
        raise ValueError("give at least one --interval NAME=LOW:HIGH")
    classes = _more_classes(args, a)
    result = sensitivity(intervals, point, samples=args.samples, seed=args.seed, classes=classes)
    result = result.to_dict(json_safe=True)
    base, bars = tornado(intervals, point, classes=classes)
    indices = _rows(result, ("names", "first_order", "total_order"))
    data = {
        "sobol": {row.pop("names"): row for row in indices},
        "tornado_base_p_align": base,
        "tornado": [bar.to_dict(json_safe=True) for bar in bars],
        "evaluations": result["evaluations"],
        "inputs": point,
    }
    lines = [f"{'quantity':<20} {'first-order':>12} {'total':>8}   tornado: P_align at low .. high"]
    swings = {b.name: b for b in bars}

    def index(value):
        return "n/a" if value is None else format(value, ".3f")

    for name, s1, st in zip(result["names"], result["first_order"], result["total_order"], strict=True):
        bar = swings[name]
        swing = f"{bar.p_align_at_low:.4f} .. {bar.p_align_at_high:.4f}"
        lines.append(f"{name:<20} {index(s1):>12} {index(st):>8}   {swing}")
    if None in result["first_order"]:
        # The core's NaN (null in --json): Sobol indices divide by a variance that is not there.
        lines.append("(n/a: P_align barely varies over these intervals, so the indices are undefined)")
    lines.append(f"(base P_align at the medians: {base:.4f})")
    return data, "\n".join(lines)


def _trajectory(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    from_file = dict(args.scenario.trajectory) if args.scenario else {}
    rates = TrajectoryRates(**{name: _value(args, name, from_file.get(name)) for name in names_in("rate")})
    classes = _more_classes(args, a)
    point = _independent_point(a)
    if classes is None:
        result = trajectory(rates, **point)
    else:
        own = ("competitors_log10", "footprint", "exploitation")
        result = trajectory(rates, classes=classes, **_without(point, *own))
    columns = {**result.to_dict(json_safe=True), **plain(result.threat, json_safe=True)}
    keys = ("generation", *THREAT, "required_labels", "p_align", "p_align_lower_bound", "regime")
    if classes is not None:
        columns["binding"] = plain(result.by_class.binding)
        keys = (*keys, "binding")
    rows = _rows(columns, keys)
    data = {
        "generations": rows,
        **{key: columns[key] for key in ("first_unreachable_generation", "rates", "clipped")},
        "inputs": _point(a),
        **({"classes": [c.as_dict() for c in classes]} if classes else {}),
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
        f"No quantity suffices from generation {first}"
        if first is not None
        else "Every generation can still be reached with enough labels"
    )
    return data, "\n".join(lines)


def _check_lines(result, indent: str = "") -> list[str]:
    """One line per check: simulated value and interval, analytic value, verdict."""
    lines = []
    for c in result.checks:
        e = c.estimate
        analytic = f"{c.analytic:.6f}"
        if c.name == "P1" and c.analytic >= 0.5 and c.log10_tail < -6:  # 1 − P₁ beyond six digits
            analytic = _format_probability(c.analytic, 10.0**c.log10_tail, c.log10_tail)
        lines.append(
            f"{indent}{c.name:<15}simulated {e.value:.6f} [{e.low:.6f}, {e.high:.6f}]   "
            f"analytic {analytic}   {c.verdict}"
        )
    return lines


def _simulate(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    redundancy = _value(args, "redundancy")
    per_labeler = args.draw == "labelers"
    settings = {
        "redundancy": redundancy,
        "trials": args.trials,
        "seed": args.seed,
        "informative": args.informative,
        "per_labeler": per_labeler,
    }
    draws = per_labeler_draws(a.labels, a.footprint, redundancy, args.trials)
    here = {**settings, "per_labeler": per_labeler and draws <= MAX_ELEMENTS}
    result = simulate_p_align(a.labels, a.error_rate, **a.threat, **here)
    inputs = {**_without(_point(a), "target"), "redundancy": redundancy}
    data = {**result.to_dict(json_safe=True), "draw": args.draw, "inputs": inputs, "resolvable_point": None}
    drawn = "every labeler drawn" if here["per_labeler"] else "counts drawn"
    if per_labeler and not here["per_labeler"]:
        drawn += f" (every labeler would take {draws:.3g} draws, over {MAX_ELEMENTS:.3g})"
    lines = [
        f"{args.trials:,} simulated datasets (seed {args.seed}, informative labels {args.informative}, "
        f"{drawn}, r = {redundancy}); "
        f"{CONFIDENCE:.0%} Wilson intervals; a verdict needs an interval that excludes the values "
        f"with the tail of P1 changed by {RESOLUTION:.0%}",
        *_check_lines(result),
        f"Verdict: {result.verdict}",
    ]
    # Where the programme's own check cannot resolve, check the model where it can, and say where.
    checked = {"labels": a.labels, **a.threat}
    if result.verdict == "unresolvable":
        point = resolvable_point(
            a.error_rate, labels=a.labels, redundancy=redundancy, trials=args.trials, **a.threat
        )
        checked = {
            **checked,
            "labels": point.labels,
            "competitors_log10": point.competitors_log10,
            "prior_bits": point.prior_bits,
        }
        there = simulate_p_align(error_rate=a.error_rate, **checked, **settings)
        data["resolvable_point"] = {**point.to_dict(json_safe=True), "result": there.to_dict(json_safe=True)}
        lines += [
            f"At this programme the check cannot resolve. Checked instead at N = {point.labels:,.0f}, "
            f"K_eff = {10**point.competitors_log10:.0f}: {point.reason}.",
            *_check_lines(there, "  "),
            f"  Verdict there: {there.verdict}",
        ]
    if args.bradley_terry:
        labels = checked.pop("labels")
        bt = bradley_terry_check(labels, a.error_rate, **checked, redundancy=redundancy, seed=args.seed)
        data["bradley_terry"] = {**bt.to_dict(json_safe=True), "labels": labels}
        where = "this programme" if result.verdict != "unresolvable" else "the point above"
        lines.append(
            f"Bradley-Terry reward model at {where} (r = {redundancy}; told which comparisons are blind "
            f"spots) ranks the aligned policy first in {bt.ranked_above.value:.4f} "
            f"[{bt.ranked_above.low:.4f}, {bt.ranked_above.high:.4f}] of datasets; counting gives P1 "
            f"{bt.counting_p_single:.4f} (on the same datasets {bt.counting_simulated.value:.4f}, "
            f"{bt.counting_check.verdict})"
        )
    return data, "\n".join(lines)


def _read_labels(path: str, flag: str) -> bytes:
    """A file's bytes, refusing one over the size limit before reading it whole."""
    try:
        with open(path, "rb") as handle:
            content = handle.read(_annotations.MAX_BYTES + 1)
    except OSError as error:
        raise ValueError(f"argument {flag}: cannot read {path}: {error.strerror}") from None
    if len(content) > _annotations.MAX_BYTES:
        raise ValueError(f"argument {flag}: {path} is over the limit of {_annotations.MAX_BYTES:,} bytes")
    return content


def _estimate(args: argparse.Namespace, a: Assumptions) -> tuple[dict, str]:
    data = _read_labels(args.annotations, "--annotations")
    gold = None if args.gold is None else _read_labels(args.gold, "--gold")
    labels = _annotations.parse_annotations(
        data,
        name=os.path.basename(args.annotations),
        gold=gold,
        gold_name=os.path.basename(args.gold or "gold"),
    )
    result = estimate_quality(labels, seed=int(args.seed))
    summary = result.summary()
    summary["annotators"] = [
        {"id": who, "labels": int(n), "error_rate": float(e), "low": float(lo), "high": float(hi)}
        for who, n, e, lo, hi in zip(
            result.annotator_ids, result.annotator_labels, result.annotator_error_rate,
            result.annotator_low, result.annotator_high, strict=True,
        )
    ]  # fmt: skip
    for name in ("gold_error_share", "gold_majority_wrong"):
        value = getattr(result, name)
        summary[name] = None if value is None else value.to_dict(json_safe=True)
    summary["quantities"] = result.quantities()
    summary["intervals"] = {name: list(ends) for name, ends in result.intervals().items()}
    summary["dawid_skene_iterations"] = result.iterations
    summary["resamples"], summary["seed"] = result.resamples, result.seed

    def row(label: str, value) -> str:
        if value is None:
            return f"{label:<46} —"
        return f"{label:<46} {value.value:.4f}  [{value.low:.4f}, {value.high:.4f}]"

    lines = [
        result.provenance,
        f"{result.confidence:.0%} intervals: bootstrap over items ({result.resamples} resamples, seed "
        f"{result.seed}); Clopper–Pearson for the gold majority share",
        row("agreement a (pairs of labels on one item)", result.agreement),
        row("error rate implied by agreement", result.error_rate_from_agreement),
        row("error rate ε (Dawid–Skene, pooled)", result.error_rate),
        row("labels contradicting gold (ε and σ together)", result.gold_error_share),
        row("gold items whose majority contradicts gold", result.gold_majority_wrong),
        row("blind spot σ", result.blind_spot),
    ]
    if result.blind_spot is None:
        lines.append(f"σ is {result.blind_spot_reason}")
    lines.append("per annotator (Dawid–Skene error rate):")
    worst = np.argsort(-result.annotator_error_rate)
    for index in worst[:10]:
        lines.append(
            f"  {result.annotator_ids[index]:<20} {result.annotator_labels[index]:>7,} labels  "
            f"{result.annotator_error_rate[index]:.4f}  [{result.annotator_low[index]:.4f}, "
            f"{result.annotator_high[index]:.4f}]"
        )
    if len(worst) > 10:
        lines.append(f"  … {len(worst) - 10} more (--json lists all)")
    return summary, "\n".join(lines)


#: Each subcommand: what runs it, its one-line help, the quantities it takes as flags and its settings.
_COMMANDS = {
    "evaluate": (_evaluate, "P_align of a labelling programme", names_in(*MODEL_GROUPS, "source"), ()),
    "required": (_required, "labels needed to reach a target", names_in("quality", "threat", "goal"), ()),
    "tolerate": (_tolerate, "worst error rate, blind spot and most competitors that still reach a target",
                 _MODEL, ()),
    "curve": (_curve, "P_align and cost along a quality-quantity curve", THREAT,
              ("budget", "points", "gamma")),
    "optimise": (_optimise, "cheapest programme to a target, or best split of a budget",
                 names_in("threat", "goal"), ()),
    "uncertainty": (_uncertainty, "P_align and required labels under uncertain assumptions", _MODEL,
                    ("draws", "seed")),
    "sensitivity": (_sensitivity, "Sobol indices and tornado of P_align", _MODEL, ("seed",)),
    "trajectory": (_trajectory, "required labels and P_align over capability generations",
                   names_in(*MODEL_GROUPS, "rate"), ()),
    "simulate": (_simulate, "check the analytic P1 and P_align by simulating the labelling",
                 (*names_in("programme", "quality", "threat"), "redundancy"), ("trials", "seed")),
    "estimate": (_estimate, "label quality (error rate, blind spot) from your own comparison labels",
                 (), ("seed",)),
}  # fmt: skip


#: A quantity's name followed by its value in a core message ("workforce 1.1e-308").
_NAMED_VALUE = re.compile(r"\b([a-z][a-z0-9_]*) (?=[-+]?(?:\d|\.\d|inf|nan))")


def _with_flags(message: str) -> str:
    """``message`` with each quantity named beside its value written as its flag, so that a refusal
    of a combination (each value in range, their product not a float) says which flags to change."""

    def flag(match: re.Match) -> str:
        q = QUANTITIES.get(match.group(1))
        return f"{q.flag} " if q is not None else match.group(0)

    return _NAMED_VALUE.sub(flag, message)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    path = getattr(args, "scenario_file", None)
    try:
        args.scenario = None if path is None else _read_scenario(path)
    except OSError as error:
        _write(f"{PROGRAM}: error: argument --scenario: cannot read {path}: {error.strerror}", sys.stderr)
        return 2
    except ScenarioError as error:
        _write(f"{PROGRAM}: error: argument --scenario: {path}: {error}", sys.stderr)
        return 2
    try:
        data, text = _COMMANDS[args.command][0](args, _assumptions(args))
    except ValueError as error:  # the core's own range checks (QuantityError), should a combination slip past
        _write(f"{PROGRAM}: error: {_with_flags(' '.join(str(error).splitlines()))}", sys.stderr)
        return 2
    try:
        # JSON escapes control characters itself; printable() leaves its ASCII as it is.
        _write(json.dumps(data, allow_nan=False) if args.json else text)
        sys.stdout.flush()
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0
