"""Labelling sources: who labels, how well, at what cost and speed, and presets with provenance.

A source's quality is its random ``error_rate`` and its ``blind_spot`` (the share of situations in
which its labelers are systematically fooled). Blind spots are nested across sources: a better
source's blind spots lie inside a worse source's, so a competitor that fills the smallest first
sits in every source's blind spots at once, and each source's blind share :math:`h_s` is computed
with its own :math:`\\sigma_s`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from . import _math
from ._validation import check_range
from .anchors import ALPACAEVAL_GPT4_JUDGE, ALPACAEVAL_HUMAN, INSTRUCTGPT_AGREEMENT
from .quantities import QUANTITIES

__all__ = ["PRESETS", "Source", "redundant_error_rate"]

#: Hours in a week: the most a source (an AI judge running without a break) can work.
HOURS_IN_WEEK = QUANTITIES["hours_per_week"].high


def redundant_error_rate(error_rate, redundancy):
    r"""Error rate of a majority vote of ``redundancy`` labels per item, ties a coin flip.

    Parameters
    ----------
    error_rate : array_like
        :math:`\varepsilon` of one label, in [0, 0.5].
    redundancy : array_like of int
        :math:`r` labels per item, in its range in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    float or ndarray
        :math:`\varepsilon_r = P(\operatorname{Bin}(r, \varepsilon) > r/2) + \tfrac12 P(= r/2)`.

    Notes
    -----
    As for :math:`P_1` (see :func:`aliquant_core.p_align`), an even vote with coin-flip ties does
    as well as the odd one below it, and

    .. math:: \varepsilon_r = I_\varepsilon(\lceil r/2 \rceil, \lceil r/2 \rceil).

    Only random errors shrink: inside a blind spot every labeler is fooled, so the majority is
    wrong with chance :math:`1 - \varepsilon_r` (Sheng, Provost & Ipeirotis 2008, "Get another
    label?").

    Examples
    --------
    Three labels at 20% (by hand: :math:`3 \cdot 0.2^2 \cdot 0.8 + 0.2^3 = 0.104`):

    >>> round(float(redundant_error_rate(0.2, 3)), 12)
    0.104
    """
    error_rate = check_range("error_rate", error_rate)
    half = _math.jury_half(check_range("redundancy", redundancy))
    margin = 0.5 - error_rate
    return np.exp(_math.log_symmetric_tail(half, error_rate, margin))[()]


@dataclass(frozen=True)
class Source:
    """A labelling source.

    Attributes
    ----------
    name : str
        Display name.
    error_rate, blind_spot, cost_per_label, seconds_per_label, workforce, hours_per_week : float
        The source's quality, cost and pace, each checked against its range in
        :data:`aliquant_core.QUANTITIES`, where its meaning is declared.
    provenance : tuple of (str, str)
        For each numeric field, its citation or ``"assumption: <why>"``.
    """

    name: str
    error_rate: float
    blind_spot: float
    cost_per_label: float
    seconds_per_label: float
    workforce: float
    hours_per_week: float
    provenance: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def __post_init__(self):
        for item in fields(self):
            if item.name in QUANTITIES:
                object.__setattr__(self, item.name, float(check_range(item.name, getattr(self, item.name))))

    @classmethod
    def from_agreement(cls, name: str, agreement: float, **fields) -> Source:
        """A source whose error rate is implied by inter-annotator ``agreement`` (see the model)."""
        error_rate = float(_math.error_rate_from_agreement(check_range("agreement", agreement)))
        return cls(name=name, error_rate=error_rate, **fields)

    @property
    def agreement(self) -> float:
        """Inter-annotator agreement implied by the error rate."""
        return float(_math.agreement_from_error_rate(self.error_rate))

    def sourced(self, name: str) -> str:
        """Where the value of field ``name`` comes from."""
        return dict(self.provenance).get(name, "assumption")

    def with_(self, **changes) -> Source:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


#: The numbers of a :class:`Source`, in the order of its fields (the order of a preset's rows).
_NUMBERS = tuple(item.name for item in fields(Source) if item.name in QUANTITIES)


def _preset(name: str, *rows: tuple[float, str]) -> Source:
    """A preset from one row per number (:data:`_NUMBERS`): its value and where it comes from."""
    values, notes = zip(*rows, strict=True)
    return Source(name, *values, provenance=tuple(zip(_NUMBERS, notes, strict=True)))


def _from_agreement(agreement: float) -> float:
    return float(_math.error_rate_from_agreement(agreement))


#: Presets. Every number cites anchors.md or says why it was assumed.
PRESETS: dict[str, Source] = {
    "crowdworkers": _preset(
        "Crowdworkers",
        (
            _from_agreement(ALPACAEVAL_HUMAN.agreement),
            f"{ALPACAEVAL_HUMAN.source}: 65.7% agreement, ε = (1 − √(2a − 1))/2",
        ),
        (
            0.05,
            "assumption: crowdworkers preferred responses with broken URLs and were fooled by "
            "subtly wrong answers (arXiv 2204.05862 §2.1, §3.4.1); 5% of situations",
        ),
        (ALPACAEVAL_HUMAN.cost_per_label, f"{ALPACAEVAL_HUMAN.source}: $300 per 1,000 comparisons"),
        (ALPACAEVAL_HUMAN.seconds_per_label, f"{ALPACAEVAL_HUMAN.source}: 36,800 s per 1,000 comparisons"),
        (100.0, "assumption: a crowdsourcing pool of 100 active workers"),
        (20.0, "assumption: part-time, 20 hours a week"),
    ),
    "contractors": _preset(
        "Trained contractors",
        (
            _from_agreement(INSTRUCTGPT_AGREEMENT),
            "arXiv 2203.02155 §3.4: InstructGPT labelers agreed 72.6 ± 1.5%",
        ),
        (0.03, "assumption: screening and training shrink the crowd's blind spots, to 3%"),
        (1.0, "assumption: about $60/hour fully loaded at one comparison a minute"),
        (
            60.0,
            "assumption: a minute per comparison, longer than AlpacaEval's 36.8 s "
            "because contractors write justifications",
        ),
        (40.0, "arXiv 2203.02155 §3.4: about 40 contractors"),
        (40.0, "assumption: full time"),
    ),
    "experts": _preset(
        "Domain experts",
        (
            _from_agreement(0.773),
            "arXiv 2203.02155 §3.4: held-out labelers agreed 77.3 ± 1.3%, the highest "
            "labeler agreement in the anchors; experts are assumed to reach it",
        ),
        (0.015, "assumption: experts see through most domain errors; 1.5%"),
        (5.0, "assumption: $100/hour at three minutes a comparison"),
        (180.0, "assumption: three minutes, checking claims rather than style"),
        (10.0, "assumption: ten experts"),
        (10.0, "assumption: a quarter of their time"),
    ),
    "researchers": _preset(
        "Alignment researchers",
        (
            _from_agreement(0.73),
            "arXiv 2009.01325 App. C.2: researcher–researcher agreement 73 ± 4% "
            "(no higher than labelers': random error does not fall with seniority)",
        ),
        (0.005, "assumption: researchers know the failure modes to look for; 0.5%"),
        (25.0, "assumption: $150/hour at ten minutes a comparison"),
        (600.0, "assumption: ten minutes, with deliberate adversarial checking"),
        (5.0, "assumption: five researchers"),
        (5.0, "assumption: five hours a week each, beside research"),
    ),
    "ai_judge": _preset(
        "AI judge",
        (
            _from_agreement(ALPACAEVAL_GPT4_JUDGE.agreement),
            f"{ALPACAEVAL_GPT4_JUDGE.source}: GPT-4 as judge, 66.6% agreement",
        ),
        (
            0.08,
            "assumption: judges share the sycophancy humans and preference models show "
            "(arXiv 2310.13548) and are easiest for a policy to learn to fool; 8%",
        ),
        (
            ALPACAEVAL_GPT4_JUDGE.cost_per_label,
            f"{ALPACAEVAL_GPT4_JUDGE.source}: $12.5 per 1,000 comparisons",
        ),
        (
            ALPACAEVAL_GPT4_JUDGE.seconds_per_label,
            f"{ALPACAEVAL_GPT4_JUDGE.source}: 1,217.5 s per 1,000 comparisons",
        ),
        (50.0, "assumption: 50 parallel API workers"),
        (HOURS_IN_WEEK, "assumption: around the clock"),
    ),
}
