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
from ._types import ArrayLike, FloatArray
from ._validation import check_range
from .anchors import (
    ALPACAEVAL_GPT4_JUDGE,
    ALPACAEVAL_HUMAN,
    INSTRUCTGPT_AGREEMENT,
    INSTRUCTGPT_HELD_OUT_AGREEMENT,
    STIENNON_RESEARCHER_AGREEMENT,
    AgreementFigure,
)
from .quantities import QUANTITIES, QuantityError

__all__ = [
    "PRESETS",
    "Source",
    "error_rate_from_majority_agreement",
    "error_rate_from_reference_agreement",
    "estimated_source",
    "majority_agreement_from_error_rate",
    "redundant_error_rate",
    "redundant_fooled_rate",
    "reference_agreement_from_error_rate",
]

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

    Only random errors shrink (Sheng, Provost & Ipeirotis 2008, "Get another label?"): blind
    spots are shared by all labelers, so inside one each is fooled with chance :math:`\varphi` and
    the majority with :math:`\varphi_r` (:func:`redundant_fooled_rate`), above :math:`\varphi`
    wherever :math:`\varphi > \tfrac12`. The first version tied :math:`\varphi = 1 - \varepsilon`,
    for which the majority there is wrong with chance :math:`1 - \varepsilon_r`.

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


def redundant_fooled_rate(fooled_rate, redundancy):
    r"""Chance that a majority vote of ``redundancy`` labelers inside a blind spot is fooled.

    Parameters
    ----------
    fooled_rate : array_like
        :math:`\varphi`, each labeler's chance of preferring the worse behaviour there, in [0, 1].
    redundancy : array_like of int
        :math:`r` labels per item, in its range in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    float or ndarray
        :math:`\varphi_r = P(\operatorname{Bin}(r, \varphi) > r/2) + \tfrac12 P(= r/2) =
        I_\varphi(\lceil r/2 \rceil, \lceil r/2 \rceil)`: above :math:`\varphi` when
        :math:`\varphi > \tfrac12` (a vote of the fooled is fooled more surely), below it otherwise.

    Notes
    -----
    Labelers err independently inside a blind spot too; what they share is the situation, which
    fools each with chance :math:`\varphi`. With :math:`\varphi = 1 - \varepsilon` this is
    :math:`1 - \varepsilon_r`, the first version's.

    Examples
    --------
    Three labelers each fooled with chance 0.8 (by hand: :math:`0.8^3 + 3 \cdot 0.8^2 \cdot 0.2
    = 0.896`):

    >>> round(float(redundant_fooled_rate(0.8, 3)), 12)
    0.896
    """
    fooled_rate = check_range("fooled_rate", fooled_rate)
    half = _math.jury_half(check_range("redundancy", redundancy))
    return _math.majority_rate(fooled_rate, half)[()]


#: ``others``, the labelers a labeler's agreement is measured against by their majority: a majority
#: vote like ``redundancy``'s, so the same interval, under its own name in messages.
_OTHERS = replace(QUANTITIES["redundancy"], name="others")
#: The error rate of a reference (a majority of humans) a judge is compared with.
_REFERENCE_ERROR_RATE = replace(QUANTITIES["error_rate"], name="reference_error_rate")


def majority_agreement_from_error_rate(error_rate: ArrayLike, others: ArrayLike) -> FloatArray:
    r"""One labeler's agreement with the majority (mode) of ``others`` other labelers of one pool.

    Parameters
    ----------
    error_rate : array_like
        :math:`\varepsilon` of every labeler of the pool, in its range in
        :data:`aliquant_core.QUANTITIES`.
    others : array_like of int
        :math:`r`, the other labelers whose majority the one labeler is compared with (ties a coin
        flip); the interval of ``redundancy``. 1 is plain two-labeler agreement.

    Returns
    -------
    agreement : float or ndarray
        :math:`a` in [0.5, 1].

    Notes
    -----
    The labeler and the majority err independently, the labeler with chance :math:`\varepsilon` and
    the majority with :math:`\varepsilon_r` (:func:`redundant_error_rate`); they agree when both are
    right or both wrong:

    .. math:: a = (1 - \varepsilon)(1 - \varepsilon_r) + \varepsilon\,\varepsilon_r
              = \tfrac12 + 2\,(\tfrac12 - \varepsilon)(\tfrac12 - \varepsilon_r).

    Both factors of the last term are non-negative and fall as :math:`\varepsilon` rises on
    [0, ½], the first strictly, so :math:`a` falls strictly from 1 at :math:`\varepsilon = 0` to
    ½ at :math:`\varepsilon = \tfrac12`, and every agreement in [½, 1] has exactly one error rate
    (:func:`error_rate_from_majority_agreement`). With :math:`r = 1`,
    :math:`a = (1 - \varepsilon)^2 + \varepsilon^2`. An even :math:`r` with coin-flip ties errs as
    the odd :math:`r - 1` does, so it gives the same agreement.

    Examples
    --------
    By hand at :math:`\varepsilon = 0.2`, :math:`r = 3`: :math:`\varepsilon_3 = 0.104`, and
    :math:`a = 0.8 \cdot 0.896 + 0.2 \cdot 0.104 = 0.7376`:

    >>> round(float(majority_agreement_from_error_rate(0.2, 3)), 12)
    0.7376
    """
    error_rate = check_range("error_rate", error_rate)
    half = _math.jury_half(_OTHERS.check(others))
    return _math.majority_agreement_from_error_rate(error_rate, half)[()]


def error_rate_from_majority_agreement(agreement: ArrayLike, others: ArrayLike) -> FloatArray:
    r"""The error rate implied by one labeler's agreement with the majority of ``others`` others.

    The inverse of :func:`majority_agreement_from_error_rate`, for figures such as AlpacaEval's
    "human agreement" (one held-out annotator against the mode of the other three).

    Parameters
    ----------
    agreement : array_like
        :math:`a`, in the interval of ``agreement`` in :data:`aliquant_core.QUANTITIES` ([0.5, 1]).
        At :math:`a = \tfrac12` the labels are coin flips: :math:`\varepsilon = \tfrac12` for every
        ``others``, the only error rate agreeing that little (below ½ no error rate in [0, ½] can).
    others : array_like of int
        :math:`r`, the other labelers whose majority (ties a coin flip) the labeler was compared
        with; 1 for agreement between two labelers.

    Returns
    -------
    error_rate : float or ndarray
        :math:`\varepsilon` in [0, 0.5], every labeler of the pool assumed to share it.

    Notes
    -----
    Writing :math:`u = 1 - 2\varepsilon` and :math:`h = \lceil r/2 \rceil`, the majority's margin
    is :math:`\tfrac12 - \varepsilon_r = \tfrac12 I_{u^2}(\tfrac12, h)` (the square of
    :math:`2X - 1` for :math:`X \sim \mathrm{Beta}(h, h)` is :math:`\mathrm{Beta}(\tfrac12, h)`), so

    .. math:: 2a - 1 = u\, I_{u^2}(\tfrac12, h),

    which rises strictly from 0 to 1 as :math:`u` goes from 0 to 1. It is solved by a bracketed
    root on :math:`u \in [0, 1]` (Chandrupatla's method). With :math:`r = 1`,
    :math:`I_{u^2}(\tfrac12, 1) = u` and the root is the two-labeler formula
    :math:`\varepsilon = (1 - \sqrt{2a - 1})/2`; with :math:`r = 3` or 4,
    :math:`2a - 1 = u^2 (3 - u^2)/2`, a quadratic in :math:`u^2`:
    :math:`u^2 = (3 - \sqrt{17 - 16a})/2`.

    Agreement measures random error only: in this model blind spots leave it unchanged (votes stay
    independent inside them); real evaluators fooled together would agree more.

    Examples
    --------
    AlpacaEval's human annotators: 65.7% agreement of one with the mode of the other three
    (:math:`u^2 = (3 - \sqrt{17 - 10.512})/2 = 0.22642`, :math:`\varepsilon = (1 - u)/2`), where
    the two-labeler formula would give 0.220:

    >>> round(float(error_rate_from_majority_agreement(0.657, 3)), 4)
    0.2621
    """
    agreement = check_range("agreement", agreement)
    half = _math.jury_half(_OTHERS.check(others))
    return _math.error_rate_from_majority_agreement(agreement, half)[()]


def reference_agreement_from_error_rate(error_rate: ArrayLike, reference_error_rate: ArrayLike) -> FloatArray:
    r"""A labeler's agreement with an independent reference that errs with a known rate.

    Parameters
    ----------
    error_rate : array_like
        :math:`\varepsilon` of the labeler (for example an AI judge), in [0, 0.5].
    reference_error_rate : array_like
        :math:`\varepsilon_\text{ref}` of the reference labels, in [0, 0.5]; for the majority of
        :math:`r` humans of error :math:`\varepsilon_h`, ``redundant_error_rate(ε_h, r)``.

    Returns
    -------
    agreement : float or ndarray
        :math:`a = (1 - \varepsilon)(1 - \varepsilon_\text{ref}) + \varepsilon\,\varepsilon_\text{ref}`.
    """
    error_rate = check_range("error_rate", error_rate)
    reference = _REFERENCE_ERROR_RATE.check(reference_error_rate)
    return _math.reference_agreement_from_error_rate(error_rate, reference)[()]


def error_rate_from_reference_agreement(agreement: ArrayLike, reference_error_rate: ArrayLike) -> FloatArray:
    r"""The error rate of a labeler (an AI judge) from its agreement with a reference of known error.

    For figures such as AlpacaEval's GPT-4 "human agreement": the judge against the mode of four
    humans, a reference whose error rate comes from the humans' own agreement.

    Parameters
    ----------
    agreement : array_like
        :math:`a`, in [0.5, 1].
    reference_error_rate : array_like
        :math:`\varepsilon_\text{ref}` of the reference labels, in [0, 0.5); for the mode of
        :math:`r` humans of error :math:`\varepsilon_h` (ties a coin flip),
        ``redundant_error_rate(ε_h, r)``.

    Returns
    -------
    error_rate : float or ndarray
        The labeler's :math:`\varepsilon`, in [0, 0.5].

    Raises
    ------
    QuantityError
        If ``reference_error_rate`` is ½ (a reference of coin flips agrees half the time with any
        labeler, so agreement says nothing), or if the agreement is above
        :math:`1 - \varepsilon_\text{ref}`, which no labeler reaches against that reference.

    Notes
    -----
    The labeler and the reference err independently; they agree when both are right or both wrong:

    .. math:: a = (1 - \varepsilon)(1 - \varepsilon_\text{ref}) + \varepsilon\,\varepsilon_\text{ref}
              = 1 - \varepsilon_\text{ref} - \varepsilon\,(1 - 2\varepsilon_\text{ref}),

    linear in :math:`\varepsilon` with slope :math:`-(1 - 2\varepsilon_\text{ref}) < 0`, so

    .. math:: \varepsilon = \frac{1 - \varepsilon_\text{ref} - a}{1 - 2\varepsilon_\text{ref}}.

    It lies in [0, ½] exactly when :math:`\tfrac12 \le a \le 1 - \varepsilon_\text{ref}`: a judge that
    never errs agrees with the reference only when the reference is right. A reference that errs
    more makes the same agreement mean a better judge.

    Examples
    --------
    By hand: against a reference that errs 10% of the time, agreement 0.74 means
    :math:`\varepsilon = (1 - 0.1 - 0.74)/0.8 = 0.2`:

    >>> round(float(error_rate_from_reference_agreement(0.74, 0.1)), 12)
    0.2
    """
    agreement = check_range("agreement", agreement)
    reference = _REFERENCE_ERROR_RATE.check(reference_error_rate)
    agreement, reference = np.broadcast_arrays(agreement, reference)
    if np.any(reference >= 0.5):
        raise QuantityError(
            "reference_error_rate must be below 0.5: a reference that errs half the time agrees "
            "50% with any labeler, so agreement says nothing about the labeler; got 0.5"
        )
    error_rate = _math.error_rate_from_reference_agreement(agreement, reference)
    # A few ulps below zero at a = 1 − ε_ref is rounding, not an unattainable agreement.
    unattainable = error_rate < -4.0 * np.finfo(float).eps
    if np.any(unattainable):
        a, r = agreement[unattainable].flat[0], reference[unattainable].flat[0]
        raise QuantityError(
            f"agreement {a:g} is not attainable against a reference that errs {r:g} of the time: "
            f"even a labeler that never errs agrees with it only 1 − {r:g} = {1.0 - r:g} of the time"
        )
    return np.clip(error_rate, 0.0, 0.5)[()]


def _error_rate_from_figure(figure: AgreementFigure, reference_error_rate: float | None = None) -> float:
    """The error rate a published agreement figure implies, by the inversion of its statistic.

    ``two_labelers`` and ``held_out_vs_mode``: :func:`error_rate_from_majority_agreement` with the
    figure's ``others`` (1 for two labelers). ``judge_vs_mode``: the humans' majority errs with
    ``reference_error_rate`` (required then), and :func:`error_rate_from_reference_agreement`.
    """
    if figure.statistic == "judge_vs_mode":
        if reference_error_rate is None:
            raise ValueError("a judge's agreement with a human majority needs the majority's error rate")
        return float(error_rate_from_reference_agreement(figure.value, reference_error_rate))
    return float(error_rate_from_majority_agreement(figure.value, figure.others))


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
    def from_agreement(cls, name: str, agreement: float, others: int = 1, **fields) -> Source:
        """A source whose error rate is implied by ``agreement`` of one labeler with the majority of
        ``others`` others (1: two-labeler agreement); see :func:`error_rate_from_majority_agreement`."""
        error_rate = float(error_rate_from_majority_agreement(agreement, others))
        return cls(name=name, error_rate=error_rate, **fields)

    @property
    def agreement(self) -> float:
        """Two-labeler agreement implied by the error rate, (1 − ε)² + ε²."""
        return float(_math.agreement_from_error_rate(self.error_rate))

    def sourced(self, name: str) -> str:
        """Where the value of field ``name`` comes from."""
        return dict(self.provenance).get(name, "assumption")

    def with_(self, **changes) -> Source:
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)


#: The numbers of a :class:`Source`, in the order of its fields (the order of a preset's rows).
_NUMBERS = tuple(item.name for item in fields(Source) if item.name in QUANTITIES)


#: The numbers an estimate from labels gives a source; the rest come from the table's defaults.
_ESTIMATED = ("error_rate", "blind_spot")


def estimated_source(
    error_rate: float, blind_spot: float | None, provenance: str, *, name: str = "Your labels"
) -> Source:
    """A source whose quality was estimated from the user's labels (:func:`aliquant_core.estimate_quality`).

    Parameters
    ----------
    error_rate, blind_spot : float
        The estimates (ε and σ), checked against their ranges in :data:`aliquant_core.QUANTITIES`.
        ``blind_spot`` None (not identified: no gold items) takes the table's default, marked as
        an assumption.
    provenance : str
        Where the estimates came from (``"estimated from FILE, n items, k labelers, ..."``),
        recorded for both numbers.
    name : str
        Display name.

    Returns
    -------
    Source
        Cost per label, seconds per label, workforce and hours per week are the table's defaults,
        each marked in :attr:`Source.provenance` as an assumption (labels say nothing of them).
    """
    rows = {"error_rate": provenance, "blind_spot": provenance}
    values = {"error_rate": error_rate, "blind_spot": blind_spot}
    for number in _NUMBERS:
        if number == "blind_spot" and blind_spot is None:
            default = QUANTITIES[number]
            values[number] = default.default
            rows[number] = (
                f"assumption: not identified without gold items, so the table's default {default.default:g}"
            )
        elif number not in _ESTIMATED:
            default = QUANTITIES[number]
            values[number] = default.default
            rows[number] = f"assumption: the table's default {default.default:g} ({default.note})"
    return Source(name, **values, provenance=tuple((number, rows[number]) for number in _NUMBERS))


def _preset(name: str, *rows: tuple[float, str]) -> Source:
    """A preset from one row per number (:data:`_NUMBERS`): its value and where it comes from."""
    values, notes = zip(*rows, strict=True)
    return Source(name, *values, provenance=tuple(zip(_NUMBERS, notes, strict=True)))


def _inverted(figure: AgreementFigure, error_rate: float, formula: str, more: str = "") -> tuple[float, str]:
    """A preset's error-rate row: the value and its provenance, naming the statistic and formula."""
    said = f"{figure.source}: {figure.note} ({figure.described}). {formula}: ε = {error_rate:.3f}."
    return error_rate, f"{said} {more}" if more else said


_TWO_LABELERS = "Inverted as two-labeler agreement, a = (1 − ε)² + ε², so ε = (1 − √(2a − 1))/2"

#: AlpacaEval's crowdworkers: one held-out human against the mode of the other three.
_CROWD = ALPACAEVAL_HUMAN.agreement
_CROWD_ERROR = _error_rate_from_figure(_CROWD)
#: The mode of the four humans GPT-4 was compared with, at the crowdworkers' error rate. A 2–2 tie
#: broken at random is a coin flip, so four votes err as three do (ε₄ = ε₃; see
#: :func:`redundant_error_rate`).
_JUDGE = ALPACAEVAL_GPT4_JUDGE.agreement
_HUMAN_MODE_ERROR = float(redundant_error_rate(_CROWD_ERROR, _JUDGE.others))
_JUDGE_ERROR = _error_rate_from_figure(_JUDGE, _HUMAN_MODE_ERROR)


#: Presets. Every number cites anchors.md or says why it was assumed.
PRESETS: dict[str, Source] = {
    "crowdworkers": _preset(
        "Crowdworkers",
        _inverted(
            _CROWD,
            _CROWD_ERROR,
            f"Inverted as agreement with a majority of {_CROWD.others}, a = (1 − ε)(1 − ε₃) + ε·ε₃ "
            f"with ε₃ = 3ε² − 2ε³ (not as two-labeler agreement, which would give "
            f"{float(_math.error_rate_from_agreement(_CROWD.value)):.3f})",
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
        _inverted(INSTRUCTGPT_AGREEMENT, _error_rate_from_figure(INSTRUCTGPT_AGREEMENT), _TWO_LABELERS),
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
        _inverted(
            INSTRUCTGPT_HELD_OUT_AGREEMENT,
            _error_rate_from_figure(INSTRUCTGPT_HELD_OUT_AGREEMENT),
            f"The highest two-labeler agreement in the anchors; experts are assumed to reach it. "
            f"{_TWO_LABELERS}",
        ),
        (0.015, "assumption: experts see through most domain errors; 1.5%"),
        (5.0, "assumption: $100/hour at three minutes a comparison"),
        (180.0, "assumption: three minutes, checking claims rather than style"),
        (10.0, "assumption: ten experts"),
        (10.0, "assumption: a quarter of their time"),
    ),
    "researchers": _preset(
        "Alignment researchers",
        _inverted(
            STIENNON_RESEARCHER_AGREEMENT,
            _error_rate_from_figure(STIENNON_RESEARCHER_AGREEMENT),
            f"No higher than labelers': random error does not fall with seniority. {_TWO_LABELERS}",
        ),
        (0.005, "assumption: researchers know the failure modes to look for; 0.5%"),
        (25.0, "assumption: $150/hour at ten minutes a comparison"),
        (600.0, "assumption: ten minutes, with deliberate adversarial checking"),
        (5.0, "assumption: five researchers"),
        (5.0, "assumption: five hours a week each, beside research"),
    ),
    "ai_judge": _preset(
        "AI judge",
        _inverted(
            _JUDGE,
            _JUDGE_ERROR,
            "Inverted as agreement with a reference of known error, a = (1 − ε)(1 − ε₄) + ε·ε₄, "
            "so ε = (1 − ε₄ − a)/(1 − 2ε₄)",
            f"The humans' mode errs ε₄ = {_HUMAN_MODE_ERROR:.3f}: {_JUDGE.others} humans at the "
            f"crowdworkers' ε = {_CROWD_ERROR:.3f}, and {_JUDGE.ties}, a coin flip, so "
            f"{_JUDGE.others} votes err as {_JUDGE.others - 1} do.",
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
