"""The default scenario: one value per quantity of the model brief, each with its provenance.

Pure data, shared by the command line and the explorer so both open on the same numbers. A value
marked ``assumption`` is not in the project's anchors; its note says why it was chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._math import error_rate_from_agreement

__all__ = ["DEFAULTS", "Default"]


@dataclass(frozen=True)
class Default:
    """A default value and where it comes from.

    Attributes
    ----------
    value : float
        The value.
    source : str
        A citation, or ``"assumption"``.
    note : str
        One line: what the number is, or why it was chosen.
    """

    value: float
    source: str
    note: str


DEFAULTS: dict[str, Default] = {
    "labels": Default(
        100_000.0,
        "assumption",
        "Order of the human comparisons in Anthropic HH (about 162k, arXiv 2204.05862 §2.3) and "
        "Constitutional AI (135,296, arXiv 2212.08073 §4.1).",
    ),
    "error_rate": Default(
        round(float(error_rate_from_agreement(0.726)), 4),
        "arXiv 2203.02155 §3.4",
        "Implied by InstructGPT's 72.6% labeler–labeler agreement: ε = (1 − √(2·0.726 − 1))/2.",
    ),
    "blind_spot": Default(
        0.03,
        "assumption",
        "Evaluators are fooled in a small share of situations; post-RLHF false positives rose "
        "18–24% on hard tasks (Wen et al., ICLR 2025), but on a small slice of all situations.",
    ),
    "footprint": Default(
        0.05,
        "assumption",
        "An unaligned competitor behaves like the aligned policy almost everywhere and differs in "
        "one situation in twenty.",
    ),
    "exploitation": Default(
        0.65,
        "assumption",
        "A capable competitor that steers about two thirds of what it can into blind spots "
        "(0: blind to the labelers' weaknesses; 1: every difference where labelers are fooled).",
    ),
    "competitors_log10": Default(
        20.0,
        "assumption",
        "About 66 bits of distinct unaligned policies; sample complexity grows with the log of the "
        "class size (Aslam & Decatur; Simon), so this sets the scale, not the shape.",
    ),
    "prior_bits": Default(
        0.0,
        "assumption",
        "No help from priors or unlabelled data: the conservative end.",
    ),
    "target": Default(
        0.9,
        "assumption",
        "A 90% chance of outer alignment, the probability sought.",
    ),
}
