r"""Over time: how the threat and the help change across capability generations.

Per generation (model brief, "Over time"), every quantity that describes the threat or the help
moves at a user-set rate: the class of unaligned policies grows, their footprints shrink (subtler
differences), exploitation rises toward 1, blind spots grow as evaluation gets harder unless
AI-assisted evaluation divides them, and priors and unlabelled data supply more bits. The labels'
random error rate, the fooled rate inside blind spots (no rate moves it; it is held at its given
value) and the target stay fixed. :func:`trajectory` reports, per generation, the labels
a source of the given quality would need, the :math:`P_\text{align}` of a fixed programme, and the
first generation at which no quantity suffices.

The rates, their intervals and defaults are rows of the table of quantities (group ``rate`` of
:data:`aliquant_core.QUANTITIES`; :data:`RATE_NOTES` gives the reason for each default). The
defaults are assumptions: the anchors give the direction of some of them, none gives a size per
generation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any

import numpy as np

from ._results import Result
from ._types import ArrayLike, RegimeArray
from ._validation import resolve_error_rate
from .classes import (
    CLASS_SHARED_THREAT,
    ClassesResult,
    CompetitorClass,
    check_classes,
    check_shared,
    evaluate_classes,
    required_labels_for,
)
from .model import p_align as _p_align
from .programme import Programme, mixture_over_classes, mixture_p_align
from .quantities import (
    DEFAULTS,
    QUANTITIES,
    THREAT,
    QuantityError,
    check,
    check_threat,
    names_in,
    takes_assumptions,
)
from .solve import required_labels as _required_labels

__all__ = ["DEFAULT_RATES", "RATE_NOTES", "Trajectory", "TrajectoryRates", "trajectory"]

_RATES = names_in("rate")

#: Why each default rate was chosen (``"source: note"``, from the table). None is measured per
#: generation; each is an assumption, with the anchor that gives its direction where there is one.
RATE_NOTES: dict[str, str] = {name: QUANTITIES[name].provenance for name in _RATES}


def _single(name: str, array: np.ndarray) -> float:
    """A checked value as a float, or QuantityError if it is not a single number."""
    if array.ndim != 0:
        raise QuantityError(f"{name} must be a single number in a trajectory; got shape {array.shape}")
    return float(array)


class _Rates:
    r"""How each assumption moves per capability generation.

    Each field is a rate of the table of quantities (group ``rate`` of
    :data:`aliquant_core.QUANTITIES`), checked against its interval on construction (a
    :class:`~aliquant_core.QuantityError` names the field and the interval); its default is the
    table's, and :data:`RATE_NOTES` gives the reason for it. ``generations`` is :math:`G`: a
    trajectory has :math:`G + 1` rows, generation 0 being the given assumptions. The symbols
    (:math:`\Delta, \varphi_f, \gamma, \beta, \alpha, \Delta b`) are those of :func:`trajectory`.
    """

    def __post_init__(self):
        for name in _RATES:
            value = _single(name, check(name, getattr(self, name)))
            object.__setattr__(self, name, int(value) if QUANTITIES[name].whole else value)

    @property
    def neutral(self) -> bool:
        """Whether nothing moves: Δ = Δb = 0, φ_f = γ = 1 and β = α (assistance cancels harder evaluation)."""
        return (
            self.competitors_log10_per_generation == 0.0
            and self.footprint_factor_per_generation == 1.0
            and self.exploitation_gap_factor_per_generation == 1.0
            and self.blind_spot_factor_per_generation == self.assistance_divisor_per_generation
            and self.prior_bits_per_generation == 0.0
        )


def _rate_field(name: str) -> tuple[str, type, float]:
    kind = int if QUANTITIES[name].whole else float
    return name, kind, kind(DEFAULTS[name])


# The fields are the table's rates, generated so that a new rate in the table needs none written here;
# _Rates holds the docstring and the methods.
TrajectoryRates = make_dataclass(
    "TrajectoryRates",
    [_rate_field(name) for name in _RATES],
    bases=(_Rates,),
    namespace={"__doc__": _Rates.__doc__, "__module__": __name__},
    frozen=True,
)

if tuple(f.name for f in fields(TrajectoryRates)) != _RATES:  # the rates, in the table's order
    raise AssertionError(f"TrajectoryRates fields differ from the table's rates {_RATES}")

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
        The evolved assumptions, each clipped to its interval in :data:`aliquant_core.QUANTITIES`.
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
    held : dict of str to float
        Threat quantities no rate moves, held at their given values.
    by_class : ClassesResult or None
        With competitor classes, the fixed programme's result per generation against each class
        (its ``binding`` names the class that binds at each generation); ``competitors_log10``,
        ``footprint`` and ``exploitation`` above are then the first class's. None without classes.
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
    held: dict[str, float] = field(default_factory=dict)
    by_class: ClassesResult | None = None

    @property
    def threat(self) -> dict[str, np.ndarray]:
        """Every threat quantity (:data:`aliquant_core.THREAT`) per generation: the evolved ones, and
        any that no rate moves, held at its given value."""
        size = self.generation.size
        return {
            name: np.full(size, self.held[name]) if name in self.held else getattr(self, name)
            for name in THREAT
        }

    def rows(self, *names: str, json_safe: bool = False) -> list[dict[str, Any]]:
        """One plain row per generation with the per-generation fields ``names`` (default: all of
        them, from ``generation`` to ``programme_regime``); for a table, a CSV or JSON."""
        data = self.to_dict(json_safe=json_safe)
        names = names or _PER_GENERATION
        return [dict(zip(names, row, strict=True)) for row in zip(*(data[n] for n in names), strict=True)]


#: The fields of :class:`Trajectory` that hold one value per generation: its arrays.
_PER_GENERATION = tuple(f.name for f in fields(Trajectory) if f.type in ("np.ndarray", "RegimeArray"))


def _clip(name: str, values: np.ndarray) -> tuple[np.ndarray, bool]:
    """Clip to the interval of ``name``; an open end moves in (an open 0 to the smallest normal float)."""
    q = QUANTITIES[name]
    low = (np.finfo(float).tiny if q.low == 0.0 else np.nextafter(q.low, np.inf)) if q.low_open else q.low
    high = np.nextafter(q.high, -np.inf) if q.high_open else q.high
    clipped = np.clip(values, low, high)
    return clipped, bool(np.any(clipped != values))


def _evolve_class(start, rates, g) -> dict[str, np.ndarray]:
    """A class's count, footprint and exploitation per generation, before clipping."""
    chi0 = start["exploitation"]
    with np.errstate(under="ignore"):
        return {
            "competitors_log10": start["competitors_log10"] + g * rates.competitors_log10_per_generation,
            "footprint": start["footprint"] * rates.footprint_factor_per_generation**g,
            "exploitation": chi0 + (1.0 - chi0) * (1.0 - rates.exploitation_gap_factor_per_generation**g),
        }


def _class_trajectory(rates, g, ratio, classes, evolved, held, clipped, error, p_star, n, programme, method):
    """:func:`trajectory` against competitor classes (``evolved`` holds the first class's and the
    shared quantities, clipped)."""
    shared = {
        name: evolved[name] if name in evolved else np.full(g.size, held[name])
        for name in CLASS_SHARED_THREAT
    }
    threats = []
    for klass in classes:
        own = _evolve_class(klass.threat, rates, g)
        for name, values in own.items():
            own[name], hit = _clip(name, values)
            if hit and name not in clipped:
                clipped.append(name)
        threats.append(own)
    names = [c.name for c in classes]
    if len(threats) == 1:
        with np.errstate(over="ignore"):
            needed = np.asarray(_required_labels(target=p_star, error_rate=error, **shared, **threats[0]))
    else:
        with np.errstate(over="ignore"):
            needed = np.asarray(required_labels_for(p_star, error, shared, threats), dtype=float)
    labels = np.asarray(0.0 if n is None else n)
    single = evaluate_classes(labels, np.asarray(error), shared, threats, names)
    regime = np.asarray(single.regime)
    if programme is None:
        source_blind = np.empty((g.size, 0))
        result, programme_regime = single, regime
    else:
        arrays = programme.arrays()
        source_blind = _source_blind_spots(arrays, ratio, g, clipped)
        without_blind = {k: v for k, v in shared.items() if k != "blind_spot"}
        result = mixture_over_classes(
            arrays["labels"], arrays["error_rate"], source_blind, arrays["redundancy"],
            programme.aggregation, method, without_blind, threats, names,
        )  # fmt: skip
        programme_regime = np.asarray(result.regime)
    return _assembled(
        rates, g, evolved, error, p_star, n, programme, source_blind, needed,
        result.p_align, result.p_align_lower_bound, regime, programme_regime, clipped, held, by_class=result,
    )  # fmt: skip


def _source_blind_spots(arrays, ratio, g, clipped) -> np.ndarray:
    """Each source's blind spot per generation (rows), clipped; noted in ``clipped`` if it was."""
    source_blind, hit = _clip("blind_spot", _grown_blind_spot(arrays["blind_spot"], ratio, g[:, None]))
    if hit and "blind_spot" not in clipped:
        clipped.append("blind_spot")
    return source_blind


def _assembled(
    rates, g, evolved, error, p_star, n, programme, source_blind, needed,
    p_value, p_lower, regime, programme_regime, clipped, held, by_class=None,
) -> Trajectory:  # fmt: skip
    """The :class:`Trajectory` of what :func:`trajectory` computed (one class or several)."""
    unreachable = np.flatnonzero(np.isinf(needed))
    return Trajectory(
        rates=rates,
        generation=g,
        **evolved,
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
        held=held,
        by_class=by_class,
    )


def _grown_blind_spot(blind_spot, ratio, generation):
    """σ₀·(β/α)^g before clipping: ``inf`` where it overflows, 0 where σ₀ = 0."""
    with np.errstate(over="ignore"):
        growth = ratio**generation
    blind_spot = np.asarray(blind_spot, dtype=float)
    positive = blind_spot > 0.0
    return np.where(positive, np.where(positive, blind_spot, 1.0) * growth, 0.0)


@takes_assumptions
def trajectory(
    rates: TrajectoryRates = DEFAULT_RATES,
    *,
    labels: ArrayLike | None = None,
    error_rate: ArrayLike | None = None,
    agreement: ArrayLike | None = None,
    target: ArrayLike = DEFAULTS["target"],
    programme: Programme | None = None,
    method: str = "auto",
    classes: Sequence[CompetitorClass] | None = None,
    **threat: ArrayLike,
) -> Trajectory:
    r"""Required labels and :math:`P_\text{align}` of a fixed programme, generation by generation.

    Also callable as ``trajectory(assumptions, **overrides)`` with an :class:`aliquant_core.Assumptions`
    (give ``programme=..., labels=None`` to evolve a programme instead of its ``labels``).

    Parameters
    ----------
    rates : TrajectoryRates, default DEFAULT_RATES
        How the assumptions move per generation.
    labels : float, optional
        :math:`N` of the fixed single-source programme. Give exactly one of ``labels`` and
        ``programme``.
    error_rate, agreement : float
        The labels' random error rate (or the agreement implying it; exactly one), held fixed.
    target : float
        :math:`P^*`, for ``required_labels``; defaults to its value in :data:`aliquant_core.QUANTITIES`.
    programme : Programme, optional
        A fixed multi-source programme instead of ``labels``; every source's blind spot evolves as
        ``blind_spot`` does.
    method : {"auto", "exact", "saddlepoint"}
        Passed to :func:`aliquant_core.mixture_p_align` for a programme.
    classes : sequence of CompetitorClass, optional
        Competitor classes (:func:`aliquant_core.classes_p_align`) at generation 0; each class's
        count, footprint and exploitation move at the same rates. The threat keywords are then the
        shared ones (``blind_spot``, ``fooled_rate``, ``prior_bits``).
    **threat : float
        The threat quantities at generation 0 (:data:`aliquant_core.THREAT`), by name; each
        defaults to its value in :data:`aliquant_core.QUANTITIES`.

    Returns
    -------
    Trajectory

    Raises
    ------
    QuantityError
        If an assumption is outside its interval or not a single number, or if neither or both of
        ``error_rate`` and ``agreement`` are given.
    ValueError
        If both or neither of ``labels`` and ``programme`` are given.

    Notes
    -----
    With :math:`g = 0, 1, \dots, G` and the rates of :class:`TrajectoryRates`,

    .. math::

        \log_{10} K_g = \log_{10} K_0 + g\Delta, \qquad
        f_g = f_0 \varphi_f^g, \qquad
        \chi_g = 1 - (1 - \chi_0)\gamma^g, \\
        \sigma_g = \min\!\left(1, \sigma_0 (\beta/\alpha)^g\right), \qquad
        b_g = b_0 + g\,\Delta b,

    and each is then clipped to its interval in :data:`aliquant_core.QUANTITIES` (an open end
    moved in: :math:`f` is at least the smallest normal double, as :math:`f > 0`); ``clipped``
    names those that were (``"blind_spot"`` also when a programme source's blind spot reached 1).
    :math:`\chi_g` is computed as :math:`\chi_0 + (1 - \chi_0)(1 - \gamma^g)` so that generation
    0, and every generation at :math:`\gamma = 1`, is :math:`\chi_0` exactly. A programme's sources
    keep their nesting: each :math:`\sigma_s` is scaled by the same :math:`(\beta/\alpha)^g`.

    The core is called once with arrays over generations. No quantity suffices at generation
    :math:`g` when :math:`q_g \le \tfrac12` (and zero labels do not already reach :math:`P^*`),
    where, with the fooled rate :math:`\varphi` held,

    .. math:: q_g - \tfrac12 = (\tfrac12 - \varepsilon) - h_g(\varphi - \varepsilon), \qquad
        h_g = \sigma_g + \chi_g\left(\min(1, \sigma_g/f_g) - \sigma_g\right),

    so where blind spots hurt (:math:`\varphi > \varepsilon`) the crossing is where the blind share
    :math:`h_g` reaches :math:`(\tfrac12 - \varepsilon)/(\varphi - \varepsilon)` (½ at the first
    version's :math:`\varphi = 1 - \varepsilon`, and at the defaults, whose :math:`\varphi` is
    :math:`1 - \varepsilon`), whatever :math:`K` and the prior bits do; those set how many labels
    it takes before then. Where :math:`\varphi \le \varepsilon` a growing blind share never
    lowers :math:`q`. Beyond the crossing,
    :math:`P_\text{align}` of a fixed programme can rise again as footprints shrink: fewer labels
    are informative, so :math:`P_1` drifts back toward ½ from below (it never exceeds
    :math:`\tfrac12^{K_\text{eff}}`). A required number of labels beyond the float range
    (:math:`\sim 10^{308}`, only with footprints near the smallest double) is reported as ``inf``.

    Examples
    --------
    The default scenario under the default rates: blind spots hold still (assistance keeps pace),
    but subtler differences and rising exploitation push the blind share past ½ at generation 3.

    >>> from aliquant_core import Assumptions
    >>> t = trajectory(Assumptions())
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
    error = _single("error_rate", resolve_error_rate(error_rate, agreement))
    if classes is not None:
        checked = check_classes(classes)
        start = {name: _single(name, value) for name, value in check_shared(threat).items()}
        start.update(checked[0].threat)
    else:
        start = {name: _single(name, value) for name, value in check_threat(threat).items()}
    p_star = _single("target", check("target", target))
    n = None if labels is None else _single("labels", check("labels", labels))

    g = np.arange(rates.generations + 1)
    ratio = rates.blind_spot_factor_per_generation / rates.assistance_divisor_per_generation
    with np.errstate(under="ignore"):
        evolved = {
            **_evolve_class(start, rates, g),
            "blind_spot": _grown_blind_spot(start["blind_spot"], ratio, g),
            "prior_bits": start["prior_bits"] + g * rates.prior_bits_per_generation,
        }
    clipped = []
    for name, values in evolved.items():
        evolved[name], hit = _clip(name, values)
        if hit:
            clipped.append(name)
    if classes is not None:
        held = {name: value for name, value in start.items() if name not in evolved}
        return _class_trajectory(
            rates, g, ratio, checked, evolved, held, clipped, error, p_star, n, programme, method
        )  # fmt: skip
    # A threat quantity no rate moves (one added to the table later, say) is held as given.
    held = {name: value for name, value in start.items() if name not in evolved}
    at_generation = {**evolved, **held}
    shared = {name: values for name, values in at_generation.items() if name != "blind_spot"}

    with np.errstate(over="ignore"):  # N* beyond the float range: inf (see Notes)
        needed = np.asarray(_required_labels(target=p_star, error_rate=error, **at_generation), dtype=float)
    single = _p_align(labels=0.0 if n is None else n, error_rate=error, **at_generation)
    regime = np.asarray(single.regime)

    if programme is None:
        source_blind = np.empty((g.size, 0))
        p_value, p_lower, programme_regime = single.p_align, single.p_align_lower_bound, regime
    else:
        arrays = programme.arrays()
        source_blind = _source_blind_spots(arrays, ratio, g, clipped)
        result = mixture_p_align(
            **{**arrays, "blind_spot": source_blind},
            aggregation=programme.aggregation,
            method=method,
            **shared,
        )
        p_value, p_lower = result.p_align, result.p_align_lower_bound
        programme_regime = np.asarray(result.regime)

    return _assembled(
        rates, g, evolved, error, p_star, n, programme, source_blind, needed,
        p_value, p_lower, regime, programme_regime, clipped, held,
    )  # fmt: skip
