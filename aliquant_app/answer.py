"""The Overview's plain answer: one paragraph a funder reads, generated from the core's numbers.

Nothing here computes the model: the page passes in what the core gave (P_align, the labels a
target needs, what they cost, the loss chance split into its two causes, the nearest regime flip)
and these functions put it in words. Engineering notation stays one hover away (the metrics'
help); the paragraph says "practically certain" or "practically zero" rather than ``1 − 3.2e-14``
or ``< 1e-308``, and numbers combined in a sentence are rounded so that they add up as shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aliquant_core.quantities import QUANTITIES

# The headline's words are formatting's (one place for how numbers are written); named here too,
# as the answer's vocabulary.
from .formatting import CERTAIN, as_text, count, plain_probability, short_probability
from .programmes_view import dollars, hours, weeks

__all__ = [
    "CERTAIN",
    "LossSplit",
    "answer_markdown",
    "flip_sentence",
    "loss_split",
    "plain_probability",
    "rounded_parts",
    "short_probability",
    "yardsticks_markdown",
]

def rounded_parts(parts: Sequence[float], decimals: int = 0) -> list[float]:
    """``parts`` rounded so that they sum to their rounded total (largest remainder).

    A sentence that says "43% of labels: 34 points from one cause, 9 from the other" must add up as
    printed; rounding 33.6 and 9.6 each on its own gives 34 + 10 = 44 for a total of 43.2.

    >>> rounded_parts([33.6, 9.6])
    [34.0, 9.0]
    >>> rounded_parts([33.49, 9.87])
    [33.0, 10.0]
    """
    scale = 10.0**decimals
    scaled = [x * scale for x in parts]
    floors = [math.floor(x) for x in scaled]
    short = round(sum(scaled)) - sum(floors)
    by_remainder = sorted(range(len(parts)), key=lambda i: scaled[i] - floors[i], reverse=True)
    for i in by_remainder[: max(0, short)]:
        floors[i] += 1
    return [f / scale for f in floors]


@dataclass(frozen=True)
class LossSplit:
    """The chance a label on a contested situation favours the competitor, by cause, in points.

    Attributes
    ----------
    random, blind : float
        (1 − h)·ε and h·φ, in percentage points, rounded so that they add up to ``total``.
    total : float
        1 − q in percent, rounded to the same decimals.
    """

    random: float
    blind: float
    total: float

    @property
    def main_cause(self) -> str:
        """``"blind spots"`` or ``"random errors"``: the larger share of the wrong labels."""
        return "blind spots" if self.blind >= self.random else "random errors"


def loss_split(error_rate: float, blind_share: float, fooled_rate: float, decimals: int = 0) -> LossSplit:
    """1 − q = (1 − h)ε + hφ (model brief) split into its random and blind-spot parts.

    >>> loss_split(0.1638, 0.4005, 0.8362)
    LossSplit(random=10.0, blind=33.0, total=43.0)
    """
    random, blind = 100.0 * (1.0 - blind_share) * error_rate, 100.0 * blind_share * fooled_rate
    shown = rounded_parts([random, blind], decimals)
    return LossSplit(random=shown[0], blind=shown[1], total=shown[0] + shown[1])


def _percent(x: float, digits: int = 3) -> str:
    """A share as a percentage with ``digits`` significant figures, e.g. ``3.75%``."""
    return f"{100.0 * x:.{digits}g}%"


#: How each flipping assumption is said: a phrase with ``{cmp}`` (the comparison) and ``{v}`` (the
#: flip), and the comparison words for a flip above the current value and below it.
_FLIP_WORDS: Mapping[str, tuple[str, str, str]] = {
    "error_rate": ("labelers err on {cmp} {v} of ordinary comparisons", "more than", "fewer than"),
    "fooled_rate": ("a blind spot fools a labeler {cmp} {v} of the time", "more than", "less than"),
    "blind_spot": ("blind spots cover {cmp} {v} of situations", "more than", "less than"),
    "footprint": ("competitors differ from the aligned policy on {cmp} {v} of situations", "more than", "less than"),  # noqa: E501
    "exploitation": ("competitors' exploitation of blind spots {cmp} {v}", "exceeds", "is below"),
}


def _flip_value(name: str, x: float) -> str:
    return f"{x:.3g}" if name == "exploitation" else _percent(x)


def flip_sentence(name: str, value: float, flip: float, beyond: str) -> str:
    """Where the regime flips for one assumption, in words, with its current value.

    >>> flip_sentence("blind_spot", 0.03, 0.0374532, "no_quantity_suffices")
    'no quantity of labels suffices if blind spots cover more than 3.75% of situations (now 3%)'
    >>> flip_sentence("exploitation", 0.9, 0.8246, "quantity_suffices")
    "enough labels would suffice if competitors' exploitation of blind spots is below 0.825 (now 0.9)"
    """
    phrase, above, below = _FLIP_WORDS[name]
    words = phrase.format(cmp=above if flip > value else below, v=_flip_value(name, flip))
    lead = (
        "no quantity of labels suffices"
        if beyond == "no_quantity_suffices"
        else "enough labels would suffice"
    )
    return f"{lead} if {words} (now {_flip_value(name, value)})"


def _published(name: str) -> str:
    """Whether a published figure constrains the quantity's default (its table row's source)."""
    if QUANTITIES[name].is_assumption:
        return "no published figure measures it"
    return "its default comes from a published figure"


def answer_markdown(
    *,
    labels: float,
    p_align: float,
    p_misalign: float,
    target: float,
    needed: float,
    needed_cost: Mapping[str, float] | None,
    priced_as: str,
    regime: str,
    split: LossSplit,
    fragile: tuple[str, float, float, str] | None,
    binding: str | None = None,
) -> str:
    """The Overview's answer: what this programme gives, what it would take and cost, and why.

    ``needed_cost`` holds ``dollars``, ``labeler_hours`` and ``calendar_weeks`` of the ``needed``
    labels priced as ``priced_as`` (None when unreachable); ``fragile`` is the most fragile
    assumption's (name, value, flip, regime beyond the flip), or None when nothing flips.
    ``binding`` names the competitor class the split and the flip are about, when there are
    several (the one contributing most to misalignment).
    """
    chance = plain_probability(p_align, p_misalign)
    if chance.startswith("practically"):
        gives = f"**{count(labels)} labels of this quality make outer alignment {chance}.**"
    else:
        gives = f"**{count(labels)} labels of this quality give a {chance} chance of outer alignment.**"
    goal = f"{100.0 * target:g}%"
    if math.isinf(needed):
        take = f"**No number of labels of this quality reaches {goal}.**"
    else:
        cost = ""
        if needed_cost is not None:
            span = weeks(needed_cost["calendar_weeks"])
            money, time = dollars(needed_cost["dollars"]), hours(needed_cost["labeler_hours"])
            span = "1 week" if span == "1 weeks" else span
            cost = f": {money}, {time} of labelling and {span} (priced as {priced_as})"
        if needed <= labels:
            take = f"That is above the {goal} sought; the fewest labels that reach {goal}: "
            take += f"**{count(needed)}**{cost}."
        else:
            take = f"Reaching {goal} would take **{count(needed)} labels**{cost}."
    whose = "a competitor" if binding is None else f"a competitor of the binding class, {as_text(binding)},"
    wrong = (
        f"{split.total:g}% of labels on the situations where {whose} behaves differently favour the "
        f"competitor ({split.blind:g} points from blind spots, {split.random:g} from random errors)"
    )
    if regime == "quantity_suffices":
        why = f"**Why:** {wrong}; that is under half, so more labels help, mostly against {split.main_cause}."
    elif regime == "no_quantity_suffices":
        why = f"**Why:** {wrong}; that is over half, so more labels of this quality make things worse."
    else:
        why = f"**Why:** {wrong}; exactly half, so labels are coin flips and more of them change nothing."
    parts = [gives, take, why]
    if fragile is not None:
        name, value, flip, beyond = fragile
        parts.append(
            f"**Most fragile assumption:** {flip_sentence(name, value, flip, beyond)}; {_published(name)}."
        )
    return " ".join(parts)


def yardsticks_markdown(
    *,
    hours_goal: float,
    hours_labels: float,
    hours_p_align: float,
    hours_p_misalign: float,
    seconds_per_label: float,
    priced_as: str,
    cheapest: tuple[str, float, float] | None,
    target: float,
    labels: float,
    rlhf_low: float,
    rlhf_high: float,
    rlhf_name: str,
) -> str:
    """The essay's yardsticks: what "a few hundred hours" buys, the cheapest preset route to the
    target, and whether the programme is within 2 orders of magnitude of RLHF (a size, not a verdict).

    ``cheapest`` is (source name, labels, dollars) or None when no preset reaches the target.
    """
    hours_text = (
        f"**A few hundred hours** ({hours_goal:g} labeler-hours ≈ {count(hours_labels)} labels at "
        f"{seconds_per_label:g} s each, {priced_as}) give "
        f"{plain_probability(hours_p_align, hours_p_misalign)}."
    )
    goal = f"{100.0 * target:g}%"
    if cheapest is None:
        route = f"No preset source, one label per item, reaches {goal}."
    else:
        name, n, cost = cheapest
        route = f"Cheapest preset route to {goal}: {count(n)} labels from {name} at {dollars(cost)}."
    within = rlhf_low <= labels <= rlhf_high
    band = (
        f"{count(labels)} labels is {'within' if within else 'outside'} 2 orders of magnitude of RLHF "
        f"({rlhf_name}: {count(rlhf_low)} to {count(rlhf_high)}), a statement about size only"
    )
    return f"{hours_text} {route} {band}."
