r"""The table of quantities: every assumption of the model, declared once.

Each row of :data:`QUANTITIES` holds one quantity's name (the Python keyword, the CLI flag with
dashes, the share-link and scenario key), its symbol and unit, its valid interval with open or
closed ends, its default with the provenance of that default, a one-line help, and the hints a
widget needs. Everything else is derived from this table, as pvlib keeps its named parameter sets
in one table and passes them as ``**params``:

* range checks and their messages (:meth:`Quantity.check`, used by every public function);
* the defaults of the core's signatures, of the command line and of the explorer
  (:data:`DEFAULTS`, :class:`Assumptions`);
* the command line's flags and help (``aliquant_core.cli`` loops over the table);
* scenario-file validation and field lists (``aliquant_core.scenario``);
* share-link parsing and the sidebar's controls (``aliquant_app.state``);
* the Method page's table of assumptions;
* the hypothesis strategies of the tests (``tests/strategies.py``).

Adding a quantity
-----------------
A new model quantity (say ``label_noise_correlation``) needs: a row here (name, range, default,
provenance, help, widget hints) and a field in :class:`Assumptions` with its group; its formula in
``_math.py`` and its use in ``model.py``; its draw in ``simulate.py``. The command line, scenario
files, share links, sidebar, Method page and test strategies pick it up from the table.

Groups
------
``programme``
    What the programme collects: ``labels``.
``quality``
    How good the labels are: ``error_rate`` (or ``agreement``, an alternative input for it).
``threat``
    What the labels are up against: ``blind_spot``, ``fooled_rate``, ``footprint``,
    ``exploitation``, ``competitors_log10``, ``prior_bits``. Every core function that evaluates the
    model takes these as keywords, and passes them on as ``**threat``.
``dependence``
    How the competitors' contests depend on one another, all judged on one dataset: ``overlap``
    (:mod:`aliquant_core.shared_dataset`). The headline :math:`P_1^{K_\text{eff}}` treats them as
    independent, a lower bound.
``goal``
    ``target``, the probability of outer alignment sought.
``source``
    A labelling source's cost and pace, and the redundancy of an allocation.
``rate``
    How the threat changes per capability generation (:mod:`aliquant_core.trajectory`).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ._math import blind_share, error_rate_from_agreement, footprint_overlap
from .anchors import INSTRUCTGPT_AGREEMENT

__all__ = [
    "CLASS_QUANTITIES",
    "DEFAULTS",
    "GROUPS",
    "MODEL_GROUPS",
    "QUANTITIES",
    "RANGES",
    "SHARED_THREAT",
    "THREAT",
    "Assumptions",
    "Quantity",
    "QuantityError",
    "check",
    "check_shared_threat",
    "check_threat",
    "describe_range",
    "names_in",
    "takes_assumptions",
]


class QuantityError(ValueError):
    """A value outside its quantity's range, or not a number; the message names both.

    The one error type for bad input on every path in (Python API, command line, scenario file,
    share link). :class:`aliquant_core.scenario.ScenarioError` is a subclass that also names the
    place in the document.
    """


def _fmt_bound(bound: float) -> str:
    """A bound as people write it: ``1e12``, ``1e6``, ``0.5``, ``∞``."""
    if math.isinf(bound):
        return "∞" if bound > 0 else "-∞"
    mantissa, _, exponent = f"{bound:g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


@dataclass(frozen=True)
class Quantity:
    """One quantity of the model: name, meaning, interval, default and provenance, widget hints.

    Attributes
    ----------
    name : str
        The brief's name: Python keyword, CLI flag (with dashes), share-link and scenario key.
    symbol : str
        The symbol in the maths (Unicode), e.g. ``"ε"``.
    label : str
        A short label for a widget or a table column, e.g. ``"Error rate ε"``.
    unit : str
        Unit, or ``""`` for a pure number or share.
    group : str
        One of :data:`GROUPS`.
    low, high : float
        Ends of the valid interval (``high`` may be ``inf`` with ``high_open``).
    low_open, high_open : bool
        Whether each end is excluded.
    default : float
        The default value, inside the interval.
    source : str
        Citation of the default, or ``"assumption"``.
    note : str
        One line: what the default is, or why it was chosen.
    help : str
        One line: what the quantity means.
    whole : bool
        Whether only whole numbers are valid.
    widget : str
        ``"slider"`` or ``"number"``.
    step : float
        Widget step.
    fmt : str
        printf-style display format for a widget.
    scale : str
        ``"linear"`` or ``"log"``: how the quantity is best swept or shown.
    widget_low, widget_high : float or None
        Widget bounds where they differ from the interval (an open end moved in, an infinite end
        capped); None takes the interval's end.
    uncertain : str or None
        The scale on which a 90% interval of this quantity is normal (``"log"``, ``"logit"`` or
        ``"normal"``), or None where it cannot be given as an interval.
    """

    name: str
    symbol: str
    label: str
    unit: str
    group: str
    low: float
    high: float
    low_open: bool
    high_open: bool
    default: float
    source: str
    note: str
    help: str
    whole: bool = False
    widget: str = "number"
    step: float = 0.01
    fmt: str = "%.4f"
    scale: str = "linear"
    widget_low: float | None = None
    widget_high: float | None = None
    uncertain: str | None = None

    def __post_init__(self):
        if not self.contains(self.default):
            raise AssertionError(f"default of {self.name} ({self.default}) is outside {self.range_text}")

    @property
    def flag(self) -> str:
        """The command-line flag, e.g. ``--blind-spot``."""
        return "--" + self.name.replace("_", "-")

    @property
    def range_text(self) -> str:
        """The interval in interval notation, e.g. ``(0, 1]``."""
        bounds = f"{_fmt_bound(self.low)}, {_fmt_bound(self.high)}"
        return f"{'(' if self.low_open else '['}{bounds}{')' if self.high_open else ']'}"

    @property
    def is_assumption(self) -> bool:
        """Whether the default is the project's assumption rather than a published figure."""
        return self.source == "assumption"

    @property
    def control_low(self) -> float:
        """A widget's lowest value: the interval's, or the hint where that end is open."""
        return self.low if self.widget_low is None else self.widget_low

    @property
    def control_high(self) -> float:
        """A widget's highest value: the interval's, or the hint where that end is open or infinite."""
        return self.high if self.widget_high is None else self.widget_high

    @property
    def log10_bounds(self) -> tuple[float, float]:
        """The interval on a log₁₀ axis, from 1 (or the low end, if above 1) to the high end."""
        return math.log10(max(self.low, 1.0)), math.log10(self.high)

    @property
    def provenance(self) -> str:
        """Where the default comes from, in one line: ``"source: note"``."""
        return f"{self.source}: {self.note}"

    def describe(self) -> str:
        """One line for a ``--help`` or a tooltip: meaning, range and default with its source."""
        kind = "an assumption" if self.is_assumption else f"from {self.source}"
        return f"{self.help} In {self.range_text}; default {self.default:g}, {kind}."

    def contains(self, value: Any) -> bool:
        """Whether ``value`` is a number inside the interval (and whole where it must be)."""
        if isinstance(value, bool):
            return False
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            return False
        if math.isnan(number):
            return False
        below = number <= self.low if self.low_open else number < self.low
        above = number >= self.high if self.high_open else number > self.high
        if below or above or math.isinf(number):
            return False
        return not (self.whole and number != math.floor(number))

    def check(self, value: Any) -> np.ndarray:
        """``value`` as a float array, or :class:`QuantityError` naming the quantity and its interval.

        Broadcasts: any array of values is checked element by element; the message names the
        first bad one.
        """
        if type(value) in (float, int) and self.contains(value):
            return np.asarray(float(value))  # the common case, without NumPy's masks (¼ of the time)
        kind = "a whole number" if self.whole else "a number"
        try:
            if isinstance(value, bool):  # True is not the number 1 here: a wrong field, not a value
                raise TypeError
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise QuantityError(
                f"{self.name} must be {kind} in {self.range_text}; got {_show(value)}"
            ) from None
        with np.errstate(invalid="ignore"):
            below = array <= self.low if self.low_open else array < self.low
            above = array >= self.high if self.high_open else array > self.high
            bad = ~np.isfinite(array) | below | above
            if self.whole:
                bad |= array != np.floor(array)
        if np.any(bad):
            first = array[bad].flat[0] if array.ndim else array[()]
            must = "must be a whole number in" if self.whole else "must be in"
            raise QuantityError(f"{self.name} {must} {self.range_text}; got {first:g}")
        return array


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


#: The groups, in display order.
GROUPS = ("programme", "quality", "threat", "dependence", "goal", "source", "rate")

#: The groups of the model's assumptions (the fields of :class:`Assumptions`): what a scenario, a
#: share link and the command line's model flags hold.
MODEL_GROUPS = ("programme", "quality", "threat", "dependence", "goal")

_AGREEMENT_DEFAULT = INSTRUCTGPT_AGREEMENT.value
_ERROR_RATE_DEFAULT = round(float(error_rate_from_agreement(_AGREEMENT_DEFAULT)), 4)

# The threat's defaults are named because the overlap's default is derived from them.
_BLIND_SPOT_DEFAULT = 0.03
_FOOTPRINT_DEFAULT = 0.05
_EXPLOITATION_DEFAULT = 0.65
_OVERLAP_DEFAULT = round(
    float(
        footprint_overlap(
            _BLIND_SPOT_DEFAULT,
            _FOOTPRINT_DEFAULT,
            blind_share(_BLIND_SPOT_DEFAULT, _FOOTPRINT_DEFAULT, _EXPLOITATION_DEFAULT),
        )
    ),
    2,
)

#: Every quantity, by name, in display order within each group.
QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        # -- programme ---------------------------------------------------------------------------
        Quantity(
            "labels", "N", "Labels N (comparisons)", "comparisons", "programme",
            0.0, 1e12, False, False,
            100_000.0, "assumption",
            "Order of the human comparisons in Anthropic HH (about 162k, arXiv 2204.05862 §2.3) and "
            "Constitutional AI (135,296, arXiv 2212.08073 §4.1).",
            "Comparison labels the programme collects.",
            widget="number", step=1000.0, fmt="%.0f", scale="log", uncertain="log",
        ),
        # -- quality -------------------------------------------------------------------------------
        Quantity(
            "error_rate", "ε", "Error rate ε", "", "quality",
            0.0, 0.5, False, False,
            _ERROR_RATE_DEFAULT, "arXiv 2203.02155 §3.4",
            "Implied by InstructGPT's 72.6% labeler–labeler agreement: ε = (1 − √(2·0.726 − 1))/2.",
            "Chance an ordinary label prefers the worse behaviour (random error, which more labels "
            "average away).",
            widget="slider", step=0.0001, fmt="%.4f", uncertain="logit",
        ),
        Quantity(
            "agreement", "a", "Inter-annotator agreement a", "", "quality",
            0.5, 1.0, False, False,
            _AGREEMENT_DEFAULT, "arXiv 2203.02155 §3.4",
            "InstructGPT's labeler–labeler agreement, 72.6 ± 1.5% for training labelers (two "
            "labelers on one comparison). Agreement measures random error only: the model's blind "
            "spots leave it unchanged, and evaluators fooled together would agree more.",
            "Chance two labelers agree, an alternative input for the error rate: "
            "ε = (1 − √(2a − 1))/2 (independent labelers with one error rate). For two-labeler "
            "figures only: agreement with the majority of other labelers (AlpacaEval's) is another "
            "statistic, and the same value implies a higher ε "
            "(aliquant_core.error_rate_from_majority_agreement).",
            widget="slider", step=0.001, fmt="%.3f",
        ),
        # -- threat --------------------------------------------------------------------------------
        Quantity(
            "blind_spot", "σ", "Blind spot σ", "", "threat",
            0.0, 1.0, False, False,
            _BLIND_SPOT_DEFAULT, "assumption",
            "Evaluators are fooled in a small share of situations; post-RLHF false positives rose "
            "18–24% on hard tasks (Wen et al., ICLR 2025), but on a small slice of all situations.",
            "Share of situations in which labelers are systematically fooled (systematic error, which "
            "more labels do not average away).",
            widget="number", step=0.005, fmt="%.4f", uncertain="logit",
        ),
        Quantity(
            "fooled_rate", "φ", "Fooled rate φ", "", "threat",
            0.0, 1.0, False, False,
            round(1.0 - _ERROR_RATE_DEFAULT, 4), "assumption",
            "Inside a blind spot a labeler prefers the worse behaviour about as often as an ordinary "
            "label prefers the better one: 1 − ε at the default ε, which keeps the first version's "
            "figures at the defaults. No published figure measures it; sycophantic answers won a "
            "\"non-negligible fraction\" of human preferences (Sharma et al. 2023, arXiv 2310.13548).",
            "Chance that a label inside a blind spot prefers the worse behaviour: its own quantity, not "
            "1 − ε, so more random error never helps inside a blind spot.",
            widget="slider", step=0.01, fmt="%.4f", uncertain="logit",
        ),
        Quantity(
            "footprint", "f", "Footprint f", "", "threat",
            0.0, 1.0, True, False,
            _FOOTPRINT_DEFAULT, "assumption",
            "An unaligned competitor behaves like the aligned policy almost everywhere and differs in "
            "one situation in twenty.",
            "Share of situations in which an unaligned competitor acts differently from the aligned "
            "policy; only labels there are informative.",
            widget="number", step=0.005, fmt="%.4f", widget_low=1e-4, uncertain="logit",
        ),
        Quantity(
            "exploitation", "χ", "Exploitation χ", "", "threat",
            0.0, 1.0, False, False,
            _EXPLOITATION_DEFAULT, "assumption",
            "A capable competitor that steers about two thirds of what it can into blind spots "
            "(0: blind to the labelers' weaknesses; 1: every difference where labelers are fooled).",
            "How well a competitor concentrates its differences in blind spots (0: blind to them; "
            "1: all it can).",
            widget="slider", step=0.01, fmt="%.2f", uncertain="logit",
        ),
        Quantity(
            "competitors_log10", "log₁₀K", "Competitors log₁₀ K", "", "threat",
            0.0, 300.0, False, False,
            20.0, "assumption",
            "About 66 bits of distinct unaligned policies; sample complexity grows with the log of the "
            "class size (Aslam & Decatur; Simon), so this sets the scale, not the shape.",
            "log10 of the number of distinct unaligned policies training could select.",
            widget="slider", step=0.5, fmt="%.1f", uncertain="normal",
        ),
        Quantity(
            "prior_bits", "b", "Prior bits b", "bits", "threat",
            0.0, 1000.0, False, False,
            0.0, "assumption",
            "No help from priors or unlabelled data: the conservative end.",
            "Evidence for the aligned policy from priors and unlabelled data, in bits; rules out all "
            "but 10^log₁₀K · 2^(−b) competitors.",
            widget="number", step=1.0, fmt="%.1f", uncertain="normal",
        ),
        # -- dependence ----------------------------------------------------------------------------
        Quantity(
            "overlap", "ρ", "Label overlap ρ", "", "dependence",
            0.0, 1.0, False, False,
            _OVERLAP_DEFAULT, "assumption",
            "Footprints placed at random on one dataset, each with its blind share h inside blind "
            "spots: two competitors share ρ = f·(h²/σ + (1 − h)²/(1 − σ)) of their informative labels, "
            f"{_OVERLAP_DEFAULT:g} at the default σ, f and χ.",
            "Share of a competitor's informative labels that every competitor differs on (one dataset "
            "judges them all): 0 treats their contests as independent (P₁^K, a lower bound), 1 as "
            "one contest (P₁).",
            widget="slider", step=0.01, fmt="%.2f",
        ),
        # -- goal ----------------------------------------------------------------------------------
        Quantity(
            "target", "P*", "Target P*", "", "goal",
            0.0, 1.0, True, True,
            0.9, "assumption",
            "A 90% chance of outer alignment, the probability sought.",
            "The probability of outer alignment sought; sets the labels required and the tolerances.",
            widget="number", step=0.01, fmt="%.4f", widget_low=1e-4, widget_high=0.9999,
        ),
        # -- source --------------------------------------------------------------------------------
        Quantity(
            "cost_per_label", "c", "Cost per label (USD)", "USD", "source",
            0.0, math.inf, False, True,
            1.0, "assumption",
            "Trained contractors at about $1 a comparison (the `contractors` preset).",
            "US dollars paid per label.",
            step=0.05, fmt="%.3f", widget_high=1e4,
        ),
        Quantity(
            "seconds_per_label", "t", "Seconds per label", "s", "source",
            0.0, math.inf, True, True,
            60.0, "assumption",
            "A minute a comparison for trained contractors (the `contractors` preset).",
            "Seconds of a labeler's time per label.",
            step=1.0, fmt="%.1f", widget_low=0.01, widget_high=1e5,
        ),
        Quantity(
            "workforce", "W", "Workforce (people)", "people", "source",
            0.0, math.inf, True, True,
            40.0, "arXiv 2203.02155 §3.4",
            "About 40 contractors labelled for InstructGPT.",
            "People labelling at once.",
            step=1.0, fmt="%.0f", widget_low=0.01, widget_high=1e6,
        ),
        Quantity(
            "hours_per_week", "H", "Hours per week", "h/week", "source",
            0.0, 168.0, True, False,
            40.0, "assumption",
            "Full-time work.",
            "Hours each person labels per week (168 is every hour of a week, as an AI judge can).",
            step=1.0, fmt="%.0f", widget_low=0.5,
        ),
        Quantity(
            "redundancy", "r", "Redundancy r", "labelers per item", "source",
            1.0, 99.0, False, False,
            1.0, "arXiv 2009.01325 App. C.2",
            "One label per comparison, as Stiennon et al. usually collected 'to maximize label "
            "throughput'.",
            "Labelers per item, majority vote (ties a coin flip); cost and time grow r-fold.",
            whole=True, step=1.0, fmt="%d",
        ),
        # -- rate (per capability generation) ------------------------------------------------------
        Quantity(
            "generations", "G", "Generations", "", "rate",
            1.0, 50.0, False, False,
            10.0, "assumption",
            "Ten generations, far enough to see the default scenario cross into 'no quantity "
            "suffices' and what follows.",
            "Capability generations after the present one.",
            whole=True, widget="slider", step=1.0, fmt="%d",
        ),
        Quantity(
            "competitors_log10_per_generation", "Δ", "Competitors log₁₀ K added per generation", "",
            "rate",
            0.0, 300.0, False, False,
            1.0, "assumption",
            "Each generation can express ten times as many distinct unaligned policies (+3.3 bits); "
            "required data grows with the log of the class size (Aslam & Decatur; Simon), so this "
            "adds labels, it does not change the regime.",
            "Added to log10 K each generation.",
            widget="slider", step=0.1, fmt="%.1f", widget_high=10.0,
        ),
        Quantity(
            "footprint_factor_per_generation", "φ_f", "Footprint factor per generation", "", "rate",
            0.0, 1.0, True, False,
            0.95, "assumption",
            "A more capable competitor differs from the aligned policy in 5% fewer situations each "
            "generation (subtler differences).",
            "Multiplies the footprint each generation (subtler differences).",
            widget="slider", step=0.01, fmt="%.2f", widget_low=0.5,
        ),
        Quantity(
            "exploitation_gap_factor_per_generation", "γ", "Exploitation gap factor per generation", "",
            "rate",
            0.0, 1.0, False, False,
            0.9, "assumption",
            "A competitor closes a tenth of its remaining room to exploit blind spots each "
            "generation; errors from hard evaluation 'will get worse with model capability' (seed "
            "post), and RLHF taught models to mislead evaluators (Wen et al., ICLR 2025).",
            "Multiplies the gap 1 − χ each generation: exploitation rises toward 1.",
            widget="slider", step=0.01, fmt="%.2f",
        ),
        Quantity(
            "blind_spot_factor_per_generation", "β", "Blind-spot factor per generation", "", "rate",
            1.0, 1e6, False, False,
            1.2, "assumption",
            "Evaluation gets harder, blind spots grow 20% a generation, the size of the 18–24% rise in "
            "evaluators' false positives after RLHF (Wen et al., ICLR 2025).",
            "Multiplies blind spots each generation: evaluation gets harder.",
            widget="slider", step=0.01, fmt="%.2f", widget_high=3.0,
        ),
        Quantity(
            "assistance_divisor_per_generation", "α", "Assistance divisor per generation", "", "rate",
            1.0, 1e6, False, False,
            1.2, "assumption",
            "AI-assisted evaluation (amplification, recursive reward modelling, debate: the seed's "
            "proposals) keeps pace, dividing blind spots by the same 1.2, so they hold still; no "
            "anchor measures it, and 1 means no assistance.",
            "Divides blind spots each generation: AI-assisted evaluation.",
            widget="slider", step=0.01, fmt="%.2f", widget_high=3.0,
        ),
        Quantity(
            "prior_bits_per_generation", "Δb", "Prior bits added per generation", "bits", "rate",
            0.0, 1000.0, False, False,
            0.0, "assumption",
            "No new help from priors or unlabelled data, the conservative end (as the default "
            "prior_bits = 0); the seed hopes unlabelled data does 'a lot of the work' but gives no "
            "size.",
            "Added to the prior bits each generation.",
            widget="slider", step=0.5, fmt="%.1f", widget_high=50.0,
        ),
    )
}  # fmt: skip


def names_in(*groups: str) -> tuple[str, ...]:
    """Names of the quantities in ``groups``, in table order."""
    unknown = set(groups) - set(GROUPS)
    if unknown:
        raise KeyError(f"unknown group(s) {sorted(unknown)}; groups are {', '.join(GROUPS)}")
    return tuple(name for name, q in QUANTITIES.items() if q.group in groups)


#: The threat quantities, the keywords every model evaluation takes besides labels and quality.
THREAT = names_in("threat")

#: The threat quantities each competitor class has of its own (:class:`aliquant_core.CompetitorClass`);
#: the rest of the threat is shared by every class.
CLASS_QUANTITIES = ("competitors_log10", "footprint", "exploitation")

#: The threat every source of a programme shares: each :class:`~aliquant_core.Source` has its own
#: blind spot, so programme, mixture and curve functions take these, not ``blind_spot``.
SHARED_THREAT = tuple(name for name in THREAT if name != "blind_spot")

#: Each quantity's default value, by name.
DEFAULTS: dict[str, float] = {name: q.default for name, q in QUANTITIES.items()}

#: name → (lowest, highest, lowest excluded, highest excluded), derived from the table.
RANGES: dict[str, tuple[float, float, bool, bool]] = {
    name: (q.low, q.high, q.low_open, q.high_open) for name, q in QUANTITIES.items()
}


def describe_range(name: str) -> str:
    """The valid interval of ``name`` in interval notation, e.g. ``(0, 1]``."""
    return QUANTITIES[name].range_text


def check(name: str, value: Any) -> np.ndarray:
    """``value`` checked against the interval of quantity ``name`` (see :meth:`Quantity.check`)."""
    return QUANTITIES[name].check(value)


def check_threat(threat: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Every threat keyword, checked, with the table's default for any not given.

    Raises
    ------
    TypeError
        For a keyword that is not a threat quantity (as Python does for an unknown keyword).
    QuantityError
        For a value outside its interval.
    """
    unknown = set(threat) - set(THREAT)
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s) {', '.join(sorted(unknown))}; the threat quantities are "
            f"{', '.join(THREAT)}"
        )
    return {name: check(name, threat.get(name, DEFAULTS[name])) for name in THREAT}


def check_shared_threat(threat: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """:func:`check_threat` for a programme's keywords (:data:`SHARED_THREAT`), without ``blind_spot``.

    Raises
    ------
    TypeError
        For ``blind_spot`` (each source has its own) or any other keyword not in :data:`SHARED_THREAT`.
    """
    if "blind_spot" in threat:
        raise TypeError(
            "blind_spot is each source's own (Source.blind_spot), not a keyword here; the shared threat "
            f"is {', '.join(SHARED_THREAT)}"
        )
    checked = check_threat(threat)
    del checked["blind_spot"]
    return checked


@dataclass(frozen=True)
class Assumptions:
    r"""The model's assumptions for one view: one value per quantity of the brief, each checked.

    Defaults come from :data:`QUANTITIES`. ``agreement`` is set only when the user gave label
    quality as agreement; ``error_rate`` is then derived from it, so both are always consistent
    and the core receives exactly what was entered (see :attr:`quality`).

    Attributes
    ----------
    labels, error_rate, blind_spot, fooled_rate, footprint, exploitation, competitors_log10, prior_bits,
    overlap, target
        As in :data:`QUANTITIES`.
    agreement : float or None
        Inter-annotator agreement when that is the input, else None.

    Raises
    ------
    QuantityError
        Naming the first field outside its interval.

    Examples
    --------
    >>> a = Assumptions(agreement=0.726)
    >>> round(a.error_rate, 4), a.quality
    (0.1638, {'agreement': 0.726})
    >>> sorted(a.threat)
    ['blind_spot', 'competitors_log10', 'exploitation', 'fooled_rate', 'footprint', 'prior_bits']
    """

    labels: float = DEFAULTS["labels"]
    error_rate: float = DEFAULTS["error_rate"]
    blind_spot: float = DEFAULTS["blind_spot"]
    fooled_rate: float = DEFAULTS["fooled_rate"]
    footprint: float = DEFAULTS["footprint"]
    exploitation: float = DEFAULTS["exploitation"]
    competitors_log10: float = DEFAULTS["competitors_log10"]
    prior_bits: float = DEFAULTS["prior_bits"]
    overlap: float = DEFAULTS["overlap"]
    target: float = DEFAULTS["target"]
    agreement: float | None = None

    def __post_init__(self):
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None:
                continue
            object.__setattr__(self, item.name, float(check(item.name, value)))
        if self.agreement is not None:
            object.__setattr__(self, "error_rate", float(error_rate_from_agreement(self.agreement)))

    @property
    def quality(self) -> dict[str, float]:
        """The label-quality keyword: ``{"agreement": a}`` if entered, else ``{"error_rate": ε}``."""
        if self.agreement is not None:
            return {"agreement": self.agreement}
        return {"error_rate": self.error_rate}

    @property
    def threat(self) -> dict[str, float]:
        """The threat keywords (:data:`THREAT`), for ``**threat`` in any core call."""
        return {name: getattr(self, name) for name in THREAT}

    @property
    def shared_threat(self) -> dict[str, float]:
        """The threat keywords a programme's sources share (:data:`SHARED_THREAT`: no blind spot)."""
        return {name: getattr(self, name) for name in SHARED_THREAT}

    def as_dict(self) -> dict[str, float]:
        """Every quantity by name in table order (``agreement`` only when entered)."""
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        return {name: value for name, value in values.items() if value is not None}

    def replace(self, **changes: float) -> Assumptions:
        """A copy with ``changes``; changing ``error_rate`` drops an entered ``agreement``."""
        values = self.as_dict()
        if "error_rate" in changes:
            values.pop("agreement", None)
        return Assumptions(**{**values, **changes})

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        """The fields, in table order."""
        return tuple(item.name for item in fields(cls))


def _check_assumption_fields(names: Iterable[str]) -> None:
    # The dataclass lists the model's groups exactly; a new quantity missing from it fails on import.
    expected = set(names_in(*MODEL_GROUPS))
    if set(names) != expected:
        raise AssertionError(f"Assumptions fields {sorted(names)} differ from the table's {sorted(expected)}")


_check_assumption_fields(Assumptions.field_names())


def takes_assumptions(func: Callable) -> Callable:
    """Let a core function also be called as ``func(assumptions, **overrides)``.

    ``func`` keeps its keyword signature (the brief's names); given an :class:`Assumptions` as its
    first argument, each of its fields that ``func`` takes (by name, or through ``**threat``) is
    passed as a keyword, and keywords given beside it override. Giving ``error_rate`` or
    ``agreement`` beside it replaces the assumptions' label quality.

    Examples
    --------
    >>> from aliquant_core import Assumptions, p_align
    >>> a = Assumptions(labels=3, error_rate=0.2, blind_spot=0, footprint=1, competitors_log10=0)
    >>> round(float(p_align(a).p_align), 6)
    0.896
    """
    parameters = inspect.signature(func).parameters
    named = {name for name, p in parameters.items() if p.kind is not inspect.Parameter.VAR_KEYWORD}
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        named |= set(THREAT)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if args and isinstance(args[0], Assumptions):
            given = args[0].as_dict()
            given.pop("error_rate" if "agreement" in given else "agreement", None)
            if "error_rate" in kwargs or "agreement" in kwargs:
                given.pop("error_rate", None)
                given.pop("agreement", None)
            if kwargs.get("classes") is not None:  # the classes hold these; the assumptions' are not used
                for name in CLASS_QUANTITIES:
                    given.pop(name, None)
            kwargs = {**{k: v for k, v in given.items() if k in named}, **kwargs}
            args = args[1:]
        return func(*args, **kwargs)

    return wrapper
