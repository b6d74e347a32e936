r"""Probability of outer alignment from the quantity and quality of comparison labels.

The model of the project's brief, for one labelling source:

* a competitor (an unaligned policy training could select) acts differently from the aligned
  policy in a share ``footprint`` :math:`f` of situations; only labels there are informative, and
  there are :math:`m = \operatorname{round}(fN)` of them among :math:`N` labels;
* in a share ``blind_spot`` :math:`\sigma` of situations labelers are systematically fooled; a
  competitor with ``exploitation`` :math:`\chi` concentrates its footprint there, so a share
  :math:`h = \sigma + \chi(\min(1, \sigma/f) - \sigma)` of its informative labels lie in blind spots;
* an ordinary label is wrong with chance ``error_rate`` :math:`\varepsilon`; inside a blind spot the
  label prefers the worse behaviour with chance ``fooled_rate`` :math:`\varphi`, its own assumption
  (the first version tied it to :math:`1 - \varepsilon`, under which noisier labelers helped once
  most of a footprint lay in blind spots), so a label on the footprint is right with
  :math:`q = (1 - h)(1 - \varepsilon) + h(1 - \varphi)`;
* the data favours the aligned policy over the competitor when more than half of its informative
  labels prefer the aligned behaviour, ties counting half;
* there are :math:`K = 10^{\text{competitors\_log10}}` competitors; ``prior_bits`` :math:`b` of
  evidence from priors and unlabelled data rule most out, leaving
  :math:`K_\text{eff} = \max(1, K\,2^{-b})`, treated as independent.

Assumptions worth stating: labels are independent given the situation; every competitor has the
same footprint and exploitation here (:mod:`aliquant_core.classes` lets classes of competitors
differ, :math:`P_\text{align} = \prod_c P_{1,c}^{K_{\text{eff},c}}`); independence across
competitors makes :math:`P_1^{K_\text{eff}}` a lower bound under the model's own process (see
:mod:`aliquant_core.shared_dataset`), and the Bonferroni bound holds without it. Nothing here
models generalisation beyond the training distribution or robustness (see the seed discussion).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _math
from ._results import Result
from ._types import ArrayLike, FloatArray, RegimeArray
from ._validation import check_range, resolve_error_rate
from .quantities import check_threat, takes_assumptions

__all__ = [
    "REGIMES",
    "REGIME_WORDING",
    "AlignmentResult",
    "Regime",
    "agreement_from_error_rate",
    "error_rate_from_agreement",
    "p_align",
]

#: Regime names, by the sign of q − ½: more data helps, changes nothing, or hurts.
REGIMES = ("no_quantity_suffices", "knife_edge", "quantity_suffices")


@dataclass(frozen=True)
class Regime:
    """How a regime is said, once, for every page, table and command.

    Attributes
    ----------
    name : str
        The regime's name, one of :data:`REGIMES`.
    headline : str
        A few words, e.g. ``"No quantity suffices."``.
    sentence : str
        One line for the command line's text output.
    explanation : str
        What it means, in a sentence, for a tooltip.
    verdict : str
        The Overview's verdict, in Markdown.
    """

    name: str
    headline: str
    sentence: str
    explanation: str
    verdict: str


#: Each regime's wording, by name.
REGIME_WORDING: dict[str, Regime] = {
    regime.name: regime
    for regime in (
        Regime(
            "quantity_suffices",
            "Quantity can fix this.",
            "quantity suffices: labels favour the aligned behaviour (q > 1/2), so enough of them reach "
            "any target",
            "On balance the labels favour the aligned policy (the score's mean per label is positive), "
            "so scaling every source up in proportion drives P_align to 1.",
            "**Quantity can fix this:** labels favour the aligned policy (q > ½), so more labels of this "
            "quality drive P_align to 1.",
        ),
        Regime(
            "knife_edge",
            "Knife-edge.",
            "knife-edge: labels are a coin flip (q = 1/2); more of them change nothing",
            "On balance the labels are coin flips on the competitor's footprint, so P_align stays at "
            "½^K_eff whatever the quantity.",
            "**Knife-edge:** labels are coin flips on the competitor's footprint (q = ½), so P_align = "
            "½^K_eff whatever the quantity.",
        ),
        Regime(
            "no_quantity_suffices",
            "No quantity suffices.",
            "no quantity suffices: blind spots make labels favour the competitor (q < 1/2), so more of "
            "this data makes things worse",
            "On balance the labels favour the competitor (blind spots outweigh the rest), so scaling "
            "this programme up drives P_align to 0: more of the same makes it worse.",
            "**No amount of this data suffices**, because blind spots make labels favour the competitor "
            "(q < ½); more labels make it worse.",
        ),
    )
}

#: Where the log of a tail is below this, −log(1 − T) equals T to double precision.
_TINY_LOG_TAIL = -40.0

#: exp() of anything larger overflows; K·T beyond e^700 already makes every probability 0.
_MAX_EXPONENT = 700.0


@dataclass(frozen=True)
class _Probabilities(Result):
    """The probabilities every evaluation of the model reports (see :class:`AlignmentResult`)."""

    p_align: FloatArray
    p_align_lower_bound: FloatArray
    p_misalign: FloatArray
    p_single: FloatArray
    single_failure: FloatArray
    log10_single_failure: FloatArray


@dataclass(frozen=True)
class AlignmentResult(_Probabilities):
    """Probability of outer alignment and the quantities behind it.

    Every field has the broadcast shape of the inputs (NumPy scalars for scalar inputs).

    Attributes
    ----------
    p_align : float or ndarray
        :math:`P_1^{K_\\text{eff}}`, the probability that the data favours the aligned policy over
        every effective competitor, competitors independent.
    p_align_lower_bound : float or ndarray
        Bonferroni bound :math:`\\max(0, 1 - K_\\text{eff}(1 - P_1))`, which needs no independence.
    p_misalign : float or ndarray
        :math:`1 - P_\\text{align}`, kept to full relative accuracy when it is tiny.
    p_single : float or ndarray
        :math:`P_1`, the probability that the data favours the aligned policy over one competitor.
    single_failure : float or ndarray
        :math:`1 - P_1` to full relative accuracy (0 where it underflows).
    log10_single_failure : float or ndarray
        :math:`\\log_{10}(1 - P_1)`, finite far below the float range (e.g. −4000).
    label_win_prob : float or ndarray
        :math:`q`, the chance that an informative label prefers the aligned behaviour.
    blind_share : float or ndarray
        :math:`h`, the share of a competitor's footprint that lies in blind spots.
    informative_labels : float or ndarray
        :math:`m = \\operatorname{round}(fN)`.
    effective_competitors_log10 : float or ndarray
        :math:`\\log_{10} K_\\text{eff}`.
    regime : str or ndarray of str
        ``"quantity_suffices"`` (q > ½), ``"knife_edge"`` (q = ½) or ``"no_quantity_suffices"``.
    """

    label_win_prob: FloatArray
    blind_share: FloatArray
    informative_labels: FloatArray
    effective_competitors_log10: FloatArray
    regime: RegimeArray


def error_rate_from_agreement(agreement: ArrayLike) -> FloatArray:
    r"""Error rate implied by inter-annotator agreement.

    Parameters
    ----------
    agreement : array_like
        Chance that two labelers agree, in [0.5, 1].

    Returns
    -------
    error_rate : float or ndarray
        :math:`\varepsilon` in [0, 0.5].

    Notes
    -----
    Two labelers who err independently with the same rate agree with chance
    :math:`a = (1 - \varepsilon)^2 + \varepsilon^2`; the root in [0, ½] is

    .. math:: \varepsilon = \frac{1 - \sqrt{2a - 1}}{2} = \frac{1 - a}{1 + \sqrt{2a - 1}},

    the second form free of cancellation as :math:`a \to 1`. Agreement measures random error
    only. In this model votes stay independent inside blind spots (each wrong with chance
    :math:`1 - \varepsilon`), so blind spots leave agreement unchanged; real evaluators fooled
    together would agree more, so agreement can flatter a source either way.

    Examples
    --------
    InstructGPT's labelers agreed 72.6% of the time (Ouyang et al. 2022, §3.4):

    >>> round(float(error_rate_from_agreement(0.726)), 4)
    0.1638
    """
    return _math.error_rate_from_agreement(check_range("agreement", agreement))[()]


def agreement_from_error_rate(error_rate: ArrayLike) -> FloatArray:
    r"""Inter-annotator agreement implied by an error rate, :math:`a = (1 - \varepsilon)^2 + \varepsilon^2`.

    Parameters
    ----------
    error_rate : array_like
        :math:`\varepsilon` in [0, 0.5].

    Returns
    -------
    agreement : float or ndarray
        In [0.5, 1].
    """
    return _math.agreement_from_error_rate(check_range("error_rate", error_rate))[()]


def _log_neg_log(log_failure, log_success):
    """ln(−ln P) from ln(1 − P) and ln P, accurate when 1 − P is far below the float range."""
    log_failure, log_success = np.broadcast_arrays(log_failure, log_success)
    out = np.array(log_failure, dtype=float)  # −ln(1 − T) = T to double precision when T < e⁻⁴⁰
    wide = log_failure >= _TINY_LOG_TAIL
    with np.errstate(divide="ignore"):
        out[wide] = np.log(-log_success[wide])
    return out


def _single_logs(informative, loss_prob, win_prob, margin):
    """ln P₁ and ln(1 − P₁) for m informative labels, P₁ = I_q(a, a) with a = ⌈m/2⌉."""
    log_small, favourable = _small_log(informative, loss_prob, win_prob, margin)
    log_large = np.log1p(-np.exp(log_small))
    return np.where(favourable, log_large, log_small), np.where(favourable, log_small, log_large)


def _small_log(informative, loss_prob, win_prob, margin):
    """The log of the smaller of P₁ and 1 − P₁, and where that is 1 − P₁ (q ≥ ½)."""
    a = _math.jury_half(informative)
    # No informative label, or labels that are coin flips: P₁ = ½ exactly, by symmetry.
    none = (a == 0.0) | (margin == 0.0)
    favourable = margin >= 0.0
    small_arg = np.where(favourable, loss_prob, win_prob)
    log_small = _math.log_symmetric_tail(np.where(none, 1.0, a), small_arg, np.abs(margin))
    # The smaller tail is at most ½ by symmetry; within an ulp of the knife edge rounding can put
    # it a hair above, which would put P₁ on the wrong side of ½.
    log_small = np.where(none, -_math.LN2, np.minimum(log_small, -_math.LN2))
    return log_small, favourable


def _align_from_logs(log_single, log_failure, log_competitors):
    """P_align, 1 − P_align and the Bonferroni bound from ln P₁, ln(1 − P₁) and ln K_eff."""
    exponent = np.minimum(log_competitors + _log_neg_log(log_failure, log_single), _MAX_EXPONENT)
    log_p_align = -np.exp(exponent)
    p_align = np.exp(log_p_align)
    p_misalign = -np.expm1(log_p_align)
    # Bonferroni: 1 − K·T, which is 1 to double precision wherever K·T < e⁻⁴⁰.
    log_union = np.broadcast_to(log_competitors + log_failure, p_align.shape)
    bound = np.ones(p_align.shape)
    counted = log_union >= _TINY_LOG_TAIL
    bound[counted] = np.maximum(0.0, -np.expm1(np.minimum(log_union[counted], _MAX_EXPONENT)))
    return p_align, p_misalign, bound


def _probabilities(log_single, log_failure, competitors_log10, prior_bits) -> dict[str, FloatArray]:
    """:class:`_Probabilities`' fields and ``effective_competitors_log10`` from ln P₁, ln(1 − P₁)."""
    log_competitors = _math.log_effective_competitors(competitors_log10, prior_bits)
    p_align, p_misalign, lower_bound = _align_from_logs(log_single, log_failure, log_competitors)
    return {
        "p_align": p_align[()],
        "p_align_lower_bound": lower_bound[()],
        "p_misalign": p_misalign[()],
        "p_single": np.exp(log_single)[()],
        "single_failure": np.exp(log_failure)[()],
        "log10_single_failure": (log_failure / _math.LN10 + 0.0)[()],
        "effective_competitors_log10": np.maximum(0.0, competitors_log10 - prior_bits * _math.LOG10_2)[()],
    }


def _regime(margin) -> np.ndarray:
    margin = np.asarray(margin)
    # On a broadcast view (stride 0 along an axis) name the distinct values only: a grid's regimes
    # would otherwise be a fresh array of 40,000 strings on every call.
    distinct = margin[tuple(slice(0, 1) if step == 0 else slice(None) for step in margin.strides)]
    names = np.asarray(REGIMES, dtype=str)[np.sign(distinct).astype(int) + 1]
    return np.broadcast_to(names, margin.shape)


def _evaluate(threat, **given):
    """Check ``given`` and ``threat`` (:func:`check_threat`), broadcast them, and add what follows.

    Adds the blind share ``blind`` (h) and ``log_competitors`` (ln K_eff); with an ``error_rate``,
    ``win`` (q), ``loss`` (1 − q) and ``margin`` (q − ½); with ``labels``, ``informative`` (m).
    """
    v = {**{name: check_range(name, value) for name, value in given.items()}, **check_threat(threat)}
    shape = np.broadcast_shapes(*(value.shape for value in v.values()))
    # Each derived quantity at its own inputs' shape: on a labels × error-rate grid the blind
    # share is one number and q one row, not 40,000 copies of them.
    v["blind"] = _math.blind_share(v["blind_spot"], v["footprint"], v["exploitation"])
    v["log_competitors"] = _math.log_effective_competitors(v["competitors_log10"], v["prior_bits"])
    if "error_rate" in v:
        v["win"] = _math.label_win_prob(v["error_rate"], v["blind"], v["fooled_rate"])
        v["loss"] = _math.label_loss_prob(v["error_rate"], v["blind"], v["fooled_rate"])
        v["margin"] = _math.label_margin(v["error_rate"], v["blind"], v["fooled_rate"])
    if "labels" in v:
        v["informative"] = _math.informative_labels(v["labels"], v["footprint"])
    return {name: np.broadcast_to(value, shape) for name, value in v.items()}


@takes_assumptions
def p_align(
    labels: ArrayLike,
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    **threat: ArrayLike,
) -> AlignmentResult:
    r"""Probability of outer alignment for a labelling programme with one source.

    All arguments broadcast against each other.

    Parameters
    ----------
    labels : array_like
        :math:`N`, comparison labels collected.
    error_rate : array_like, optional
        :math:`\varepsilon`, chance an ordinary label prefers the worse behaviour.
    agreement : array_like, optional
        Inter-annotator agreement instead of ``error_rate`` (exactly one is given); see
        :func:`error_rate_from_agreement`.
    **threat : array_like
        The threat quantities (:data:`aliquant_core.THREAT`) by name: ``blind_spot``
        :math:`\sigma`, ``fooled_rate`` :math:`\varphi`, ``footprint`` :math:`f`, ``exploitation``
        :math:`\chi`, ``competitors_log10`` :math:`\log_{10} K` and ``prior_bits`` :math:`b`; each
        defaults to its value in :data:`aliquant_core.QUANTITIES`, where its meaning, range and
        provenance are declared. Any other keyword is a TypeError naming them.

    Returns
    -------
    AlignmentResult
        ``p_align`` with its lower bound, :math:`P_1`, :math:`q`, :math:`h`, :math:`m`,
        :math:`K_\text{eff}` and the regime.

    Raises
    ------
    ValueError
        If an argument is outside its range (the message names it and the range), or if both or
        neither of ``error_rate`` and ``agreement`` are given.

    Notes
    -----
    With :math:`h` the blind share of the competitor's footprint, a label on an ordinary situation
    wrong with chance :math:`\varepsilon` and one inside a blind spot fooled with chance
    :math:`\varphi` (its own assumption; model brief),

    .. math::

        q = (1 - h)(1 - \varepsilon) + h(1 - \varphi), \qquad
        q - \tfrac12 = (1 - h)(\tfrac12 - \varepsilon) - h(\varphi - \tfrac12),

    so more random error never raises :math:`q` at a fixed :math:`\varphi`, and a larger blind
    share lowers it wherever :math:`\varphi > \varepsilon`. The first version tied
    :math:`\varphi = 1 - \varepsilon`, giving :math:`q - \tfrac12 = (\tfrac12 - \varepsilon)(1 - 2h)`,
    under which noisier labelers helped once :math:`h > \tfrac12`; that choice reproduces its figures.

    and :math:`W \sim \operatorname{Binomial}(m, q)` labels favouring the aligned policy,

    .. math::

        P_1 = P(W > m/2) + \tfrac12 P(W = m/2) = I_q(a, a), \quad a = \lceil m/2 \rceil,

    where :math:`I` is the regularised incomplete beta function: an even jury with coin-flip ties
    does exactly as well as the odd jury one smaller, and
    :math:`P(\operatorname{Binomial}(2a - 1, q) \ge a) = I_q(a, a)`. :math:`P_1 = \tfrac12` at
    :math:`m = 0`. Then

    .. math::

        P_\text{align} = P_1^{K_\text{eff}} = \exp\!\left(-\exp\left(\ln K_\text{eff}
        + \ln(-\ln P_1)\right)\right),

    evaluated in log space because :math:`K_\text{eff}` reaches :math:`10^{300}` and
    :math:`1 - P_1` falls far below :math:`10^{-308}`. The tail is SciPy's ``betainc`` where it
    is accurate, otherwise an Edgeworth series or a log-space continued fraction (see
    ``aliquant_core._math``). By the Condorcet jury theorem :math:`P_1 \to 1` as :math:`m \to
    \infty` when :math:`q > \tfrac12` and :math:`P_1 \to 0` when :math:`q < \tfrac12`.

    References
    ----------
    .. [1] C. Loader, "Fast and accurate computation of binomial probabilities", 2000.
    .. [2] W. H. Press et al., *Numerical Recipes*, 3rd ed., §6.4, 2007.
    .. [3] N. de Condorcet, *Essai sur l'application de l'analyse à la probabilité des décisions
       rendues à la pluralité des voix*, 1785.

    Examples
    --------
    Three labels at a 20% error rate, one competitor, no blind spot, every situation
    informative: the majority is right with chance :math:`0.8^3 + 3 \cdot 0.8^2 \cdot 0.2 = 0.896`.

    >>> round(float(p_align(3, 0.2, blind_spot=0, footprint=1, competitors_log10=0).p_align), 6)
    0.896

    The same from an :class:`aliquant_core.Assumptions`, the table's defaults filling the rest:

    >>> from aliquant_core import Assumptions
    >>> a = Assumptions(labels=3, error_rate=0.2, blind_spot=0, footprint=1, competitors_log10=0)
    >>> p_align(a) == p_align(3, 0.2, blind_spot=0, footprint=1, competitors_log10=0)
    True
    """
    v = _evaluate(threat, labels=labels, error_rate=resolve_error_rate(error_rate, agreement))
    log_single, log_failure = _single_logs(v["informative"], v["loss"], v["win"], v["margin"])
    return AlignmentResult(
        **_probabilities(log_single, log_failure, v["competitors_log10"], v["prior_bits"]),
        label_win_prob=v["win"][()],
        blind_share=v["blind"][()],
        informative_labels=v["informative"][()],
        regime=_regime(v["margin"])[()],
    )
