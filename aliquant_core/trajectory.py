r"""Over time: how the threat and the help change across capability generations.

Per generation (model brief, "Over time"), every quantity that describes the threat or the help
moves at a user-set rate: the class of unaligned policies grows, their footprints shrink (subtler
differences), exploitation rises toward 1, blind spots grow as evaluation gets harder unless
AI-assisted evaluation divides them, and priors and unlabelled data supply more bits. The labels'
random error rate and the target stay fixed. :func:`trajectory` reports, per generation, the labels
a source of the given quality would need, the :math:`P_\text{align}` of a fixed programme, and the
first generation at which no quantity suffices.

The default rates (:data:`RATE_NOTES` gives the reason for each) are assumptions: the anchors give
the direction of some of them, none gives a size per generation.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._results import Result
from ._types import ArrayLike, RegimeArray
from ._validation import RANGES, check_range, resolve_error_rate
from .model import p_align as _p_align
from .programme import Programme, mixture_p_align
from .solve import required_labels as _required_labels

__all__ = ["DEFAULT_RATES", "RATE_NOTES", "Trajectory", "TrajectoryRates", "trajectory"]

#: Most generations a trajectory spans.
MAX_GENERATIONS = 50

#: Why each default rate was chosen. None is measured per generation; each is an assumption, with
#: the anchor (``/work/shared/anchors.md``) that gives its direction where there is one.
RATE_NOTES: dict[str, str] = {
    "generations": "assumption: ten generations, far enough to see the default scenario cross into "
    "'no quantity suffices' and what follows.",
    "competitors_log10_per_generation": "assumption: each generation can express ten times as many "
    "distinct unaligned policies (+3.3 bits); required data grows with the log of the class size "
    "(Aslam & Decatur; Simon), so this adds labels, it does not change the regime.",
    "footprint_factor_per_generation": "assumption: a more capable competitor differs from the aligned "
    "policy in 5% fewer situations each generation (subtler differences).",
    "exploitation_gap_factor_per_generation": "assumption: a competitor closes a tenth of its remaining "
    "room to exploit blind spots each generation; errors from hard evaluation 'will get worse with "
    "model capability' (seed post), and RLHF taught models to mislead evaluators (Wen et al., ICLR 2025).",
    "blind_spot_factor_per_generation": "assumption: evaluation gets harder, blind spots grow 20% a "
    "generation, the size of the 18–24% rise in evaluators' false positives after RLHF (Wen et al., "
    "ICLR 2025).",
    "assistance_divisor_per_generation": "assumption: AI-assisted evaluation (amplification, recursive "
    "reward modelling, debate: the seed's proposals) keeps pace, dividing blind spots by the same 1.2, "
    "so they hold still; no anchor measures it, and 1 means no assistance.",
    "prior_bits_per_generation": "assumption: no new help from priors or unlabelled data, the "
    "conservative end (as the default scenario's prior_bits = 0); the seed hopes unlabelled data does "
    "'a lot of the work' but gives no size.",
}


def _rate(name: str, value, low: float, high: float, *, low_open: bool = False) -> float:
    """``value`` as a float in [low, high] (or (low, high]), else ValueError naming both."""
    text = f"{'(' if low_open else '['}{low:g}, {'∞)' if high == math.inf else f'{high:g}]'}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in {text}; got {value!r}") from None
    below = number <= low if low_open else number < low
    if not math.isfinite(number) or below or number > high:
        raise ValueError(f"{name} must be in {text}; got {number:g}")
    return number


@dataclass(frozen=True)
class TrajectoryRates:
    r"""How each assumption moves per capability generation.

    Every field is validated on construction (a ValueError names the field and its valid range).
    The defaults are assumptions; :data:`RATE_NOTES` gives one line of justification for each.

    Attributes
    ----------
    generations : int, default 10
        :math:`G`, generations after the present one, in [1, 50]; a trajectory has :math:`G + 1`
        rows, generation 0 being the given assumptions.
    competitors_log10_per_generation : float, default 1
        :math:`\Delta \ge 0`, added to :math:`\log_{10} K` each generation.
    footprint_factor_per_generation : float, default 0.95
        :math:`\varphi \in (0, 1]`, multiplies the footprint each generation: subtler differences.
    exploitation_gap_factor_per_generation : float, default 0.9
        :math:`\gamma \in [0, 1]`, multiplies :math:`1 - \chi` each generation: exploitation rises
        toward 1.
    blind_spot_factor_per_generation : float, default 1.2
        :math:`\beta \ge 1`, multiplies blind spots each generation: evaluation gets harder.
    assistance_divisor_per_generation : float, default 1.2
        :math:`\alpha \ge 1`, divides blind spots each generation: AI-assisted evaluation.
    prior_bits_per_generation : float, default 0
        :math:`\Delta b \ge 0`, added to the prior bits each generation.
    """

    generations: int = 10
    competitors_log10_per_generation: float = 1.0
    footprint_factor_per_generation: float = 0.95
    exploitation_gap_factor_per_generation: float = 0.9
    blind_spot_factor_per_generation: float = 1.2
    assistance_divisor_per_generation: float = 1.2
    prior_bits_per_generation: float = 0.0

    def __post_init__(self):
        generations = self.generations
        if (
            isinstance(generations, bool)
            or not isinstance(generations, numbers.Integral)
            or not 1 <= generations <= MAX_GENERATIONS
        ):
            raise ValueError(
                f"generations must be a whole number in [1, {MAX_GENERATIONS}]; got {generations!r}"
            )
        object.__setattr__(self, "generations", int(generations))
        checks = {
            "competitors_log10_per_generation": (0.0, math.inf, False),
            "footprint_factor_per_generation": (0.0, 1.0, True),
            "exploitation_gap_factor_per_generation": (0.0, 1.0, False),
            "blind_spot_factor_per_generation": (1.0, math.inf, False),
            "assistance_divisor_per_generation": (1.0, math.inf, False),
            "prior_bits_per_generation": (0.0, math.inf, False),
        }
        for name, (low, high, low_open) in checks.items():
            object.__setattr__(self, name, _rate(name, getattr(self, name), low, high, low_open=low_open))

    @property
    def neutral(self) -> bool:
        """Whether nothing moves: Δ = Δb = 0, φ = γ = 1 and β = α (assistance cancels harder evaluation)."""
        return (
            self.competitors_log10_per_generation == 0.0
            and self.footprint_factor_per_generation == 1.0
            and self.exploitation_gap_factor_per_generation == 1.0
            and self.blind_spot_factor_per_generation == self.assistance_divisor_per_generation
            and self.prior_bits_per_generation == 0.0
        )


#: The default rates (see :data:`RATE_NOTES`).
DEFAULT_RATES = TrajectoryRates()


@dataclass(frozen=True)
class Trajectory(Result):
    """Assumptions and results per capability generation.

    Per-generation fields are 1-D arrays of length ``rates.generations + 1``; row 0 is the
    present, with the assumptions as given.

    Attributes
    ----------
    rates : TrajectoryRates
        The rates applied.
    generation : ndarray of int
        0, 1, …, G.
    competitors_log10, footprint, exploitation, blind_spot, prior_bits : ndarray
        The evolved assumptions, each clipped to its range in :data:`aliquant_core.RANGES`.
    error_rate : float
        The labels' random error rate (held fixed; from ``agreement`` if that was given).
    target : float
        :math:`P^*`, held fixed.
    labels : float or None
        The single source's labels, or None when a programme was given.
    programme : Programme or None
        The fixed programme, if one was given.
    source_blind_spots : ndarray
        Blind spot of each of the programme's sources per generation, shape (G + 1, sources);
        shape (G + 1, 0) without a programme.
    required_labels : ndarray
        Smallest number of labels from a source at ``error_rate`` with the evolved blind spot that
        reaches ``target``; ``inf`` where no quantity does.
    p_align, p_align_lower_bound : ndarray
        :math:`P_\\text{align}` of the fixed programme (``labels`` from that source, or
        ``programme``) and its Bonferroni bound.
    regime : ndarray of str
        Regime of the single source (the sign of :math:`q - \\tfrac12`; what ``required_labels``
        turns on).
    programme_regime : ndarray of str
        Regime of the fixed programme; equals ``regime`` without a programme.
    clipped : tuple of str
        The evolved assumptions that reached an end of their range at some generation and were
        held there.
    first_unreachable_generation : int or None
        First generation whose ``required_labels`` is infinite: no quantity suffices. None if every
        generation can still be reached.
    """

    rates: TrajectoryRates
    generation: np.ndarray
    competitors_log10: np.ndarray
    footprint: np.ndarray
    exploitation: np.ndarray
    blind_spot: np.ndarray
    prior_bits: np.ndarray
    error_rate: float
    target: float
    labels: float | None
    programme: Programme | None
    source_blind_spots: np.ndarray
    required_labels: np.ndarray
    p_align: np.ndarray
    p_align_lower_bound: np.ndarray
    regime: RegimeArray
    programme_regime: RegimeArray
    clipped: tuple[str, ...]
    first_unreachable_generation: int | None


def _scalar(name: str, value) -> float:
    array = check_range(name, value)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number in a trajectory; got shape {array.shape}")
    return float(array)


def _clip(name: str, values: np.ndarray) -> tuple[np.ndarray, bool]:
    """Clip to the range of ``name``; an open lower end 0 becomes the smallest normal float."""
    low, high, low_open, _ = RANGES[name]
    if low_open:
        low = np.finfo(float).tiny if low == 0.0 else np.nextafter(low, np.inf)
    clipped = np.clip(values, low, high)
    return clipped, bool(np.any(clipped != values))


def _grown_blind_spot(blind_spot, ratio, generation):
    """σ₀·(β/α)^g before clipping: ``inf`` where it overflows, 0 where σ₀ = 0."""
    with np.errstate(over="ignore"):
        growth = ratio**generation
    blind_spot = np.asarray(blind_spot, dtype=float)
    positive = blind_spot > 0.0
    return np.where(positive, np.where(positive, blind_spot, 1.0) * growth, 0.0)


def trajectory(
    rates: TrajectoryRates = DEFAULT_RATES,
    *,
    labels: ArrayLike | None = None,
    error_rate: ArrayLike | None = None,
    agreement: ArrayLike | None = None,
    blind_spot: ArrayLike = 0.0,
    footprint: ArrayLike = 1.0,
    exploitation: ArrayLike = 1.0,
    competitors_log10: ArrayLike = 0.0,
    prior_bits: ArrayLike = 0.0,
    target: ArrayLike = 0.9,
    programme: Programme | None = None,
    method: str = "auto",
) -> Trajectory:
    r"""Required labels and :math:`P_\text{align}` of a fixed programme, generation by generation.

    Parameters
    ----------
    rates : TrajectoryRates, default DEFAULT_RATES
        How the assumptions move per generation.
    labels : float, optional
        :math:`N` of the fixed single-source programme, in [0, 1e12]. Give exactly one of
        ``labels`` and ``programme``.
    error_rate, agreement : float
        The labels' random error rate (or the agreement implying it; exactly one), held fixed.
    blind_spot, footprint, exploitation, competitors_log10, prior_bits : float
        The assumptions at generation 0, as in :func:`aliquant_core.p_align`.
    target : float, default 0.9
        :math:`P^*` in (0, 1), for ``required_labels``.
    programme : Programme, optional
        A fixed multi-source programme instead of ``labels``; every source's blind spot evolves as
        ``blind_spot`` does.
    method : {"auto", "exact", "saddlepoint"}
        Passed to :func:`aliquant_core.mixture_p_align` for a programme.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        If an assumption is outside its range or not a single number, or if both or neither of
        ``labels`` and ``programme`` (or of ``error_rate`` and ``agreement``) are given.

    Notes
    -----
    With :math:`g = 0, 1, \dots, G` and the rates of :class:`TrajectoryRates`,

    .. math::

        \log_{10} K_g = \log_{10} K_0 + g\Delta, \qquad
        f_g = f_0 \varphi^g, \qquad
        \chi_g = 1 - (1 - \chi_0)\gamma^g, \\
        \sigma_g = \min\!\left(1, \sigma_0 (\beta/\alpha)^g\right), \qquad
        b_g = b_0 + g\,\Delta b,

    and each is then clipped to its range in :data:`aliquant_core.RANGES` (:math:`\sigma \le 1`,
    :math:`\log_{10} K \le 300`, :math:`b \le 1000`, and :math:`f` at least the smallest normal
    double, as :math:`f > 0`); ``clipped`` names those that were (``"blind_spot"`` also when a
    programme source's blind spot reached 1).
    :math:`\chi_g` is computed as :math:`\chi_0 + (1 - \chi_0)(1 - \gamma^g)` so that generation
    0, and every generation at :math:`\gamma = 1`, is :math:`\chi_0` exactly. A programme's sources
    keep their nesting: each :math:`\sigma_s` is scaled by the same :math:`(\beta/\alpha)^g`.

    The core is called once with arrays over generations. No quantity suffices at generation
    :math:`g` when :math:`q_g \le \tfrac12` (and zero labels do not already reach :math:`P^*`),
    where

    .. math:: q_g - \tfrac12 = (\tfrac12 - \varepsilon)(1 - 2h_g), \qquad
        h_g = \sigma_g + \chi_g\left(\min(1, \sigma_g/f_g) - \sigma_g\right),

    so the crossing is where the blind share :math:`h_g` reaches ½, whatever :math:`K` and the
    prior bits do; those set how many labels it takes before then. Beyond the crossing,
    :math:`P_\text{align}` of a fixed programme can rise again as footprints shrink: fewer labels
    are informative, so :math:`P_1` drifts back toward ½ from below (it never exceeds
    :math:`\tfrac12^{K_\text{eff}}`). A required number of labels beyond the float range
    (:math:`\sim 10^{308}`, only with footprints near the smallest double) is reported as ``inf``.

    Examples
    --------
    The default scenario under the default rates: blind spots hold still (assistance keeps pace),
    but subtler differences and rising exploitation push the blind share past ½ at generation 3.

    >>> from aliquant_core.defaults import DEFAULTS
    >>> given = {name: d.value for name, d in DEFAULTS.items()}
    >>> t = trajectory(**given)
    >>> t.first_unreachable_generation
    3
    >>> [str(r) for r in t.regime[:4]]
    ['quantity_suffices', 'quantity_suffices', 'quantity_suffices', 'no_quantity_suffices']
    """
    if not isinstance(rates, TrajectoryRates):
        raise TypeError(f"rates must be a TrajectoryRates; got {type(rates).__name__}")
    if (labels is None) == (programme is None):
        raise ValueError("give exactly one of labels (a single source) and programme")
    if programme is not None and not isinstance(programme, Programme):
        raise TypeError(f"programme must be a Programme; got {type(programme).__name__}")
    resolved = resolve_error_rate(error_rate, agreement)
    if resolved.ndim != 0:
        raise ValueError(f"error_rate must be a single number in a trajectory; got shape {resolved.shape}")
    error = float(resolved)
    sigma0 = _scalar("blind_spot", blind_spot)
    f0 = _scalar("footprint", footprint)
    chi0 = _scalar("exploitation", exploitation)
    k0 = _scalar("competitors_log10", competitors_log10)
    b0 = _scalar("prior_bits", prior_bits)
    p_star = _scalar("target", target)
    n = None if labels is None else _scalar("labels", labels)

    g = np.arange(rates.generations + 1)
    ratio = rates.blind_spot_factor_per_generation / rates.assistance_divisor_per_generation
    with np.errstate(under="ignore"):
        evolved = {
            "competitors_log10": k0 + g * rates.competitors_log10_per_generation,
            "footprint": f0 * rates.footprint_factor_per_generation**g,
            "exploitation": chi0 + (1.0 - chi0) * (1.0 - rates.exploitation_gap_factor_per_generation**g),
            "blind_spot": _grown_blind_spot(sigma0, ratio, g),
            "prior_bits": b0 + g * rates.prior_bits_per_generation,
        }
    clipped = []
    for name, values in evolved.items():
        evolved[name], hit = _clip(name, values)
        if hit:
            clipped.append(name)
    shared = {k: evolved[k] for k in ("footprint", "exploitation", "competitors_log10", "prior_bits")}

    with np.errstate(over="ignore"):  # N* beyond the float range: inf (see Notes)
        needed = np.asarray(
            _required_labels(p_star, error, blind_spot=evolved["blind_spot"], **shared), dtype=float
        )
    single = _p_align(0.0 if n is None else n, error, blind_spot=evolved["blind_spot"], **shared)
    regime = np.asarray(single.regime)

    if programme is None:
        source_blind = np.empty((g.size, 0))
        p_value, p_lower, programme_regime = single.p_align, single.p_align_lower_bound, regime
    else:
        arrays = programme.arrays()
        source_blind, hit = _clip("blind_spot", _grown_blind_spot(arrays["blind_spot"], ratio, g[:, None]))
        if hit and "blind_spot" not in clipped:
            clipped.append("blind_spot")
        result = mixture_p_align(
            arrays["labels"],
            arrays["error_rate"],
            source_blind,
            redundancy=arrays["redundancy"],
            aggregation=programme.aggregation,
            method=method,
            **shared,
        )
        p_value, p_lower = result.p_align, result.p_align_lower_bound
        programme_regime = np.asarray(result.regime)

    unreachable = np.flatnonzero(np.isinf(needed))
    return Trajectory(
        rates=rates,
        generation=g,
        competitors_log10=evolved["competitors_log10"],
        footprint=evolved["footprint"],
        exploitation=evolved["exploitation"],
        blind_spot=evolved["blind_spot"],
        prior_bits=evolved["prior_bits"],
        error_rate=error,
        target=p_star,
        labels=n,
        programme=programme,
        source_blind_spots=source_blind,
        required_labels=needed,
        p_align=np.asarray(p_value, dtype=float),
        p_align_lower_bound=np.asarray(p_lower, dtype=float),
        regime=regime,
        programme_regime=programme_regime,
        clipped=tuple(clipped),
        first_unreachable_generation=int(unreachable[0]) if unreachable.size else None,
    )
