r"""Uncertain assumptions: intervals, quasi-random draws, quantiles, Sobol indices and a tornado.

Any quantity of the single-source model can be given as a 90% interval instead of a point. Each
interval fixes a distribution on a scale where it is normal (model brief), the quantity's
``uncertain`` in the table of quantities (:data:`UNCERTAIN_QUANTITIES`):

* ``"log"`` (the labels): log-normal, :math:`\ln x` normal;
* ``"logit"`` (the rates): logit-normal, :math:`\operatorname{logit}(x/u)` normal for a rate
  with upper end :math:`u` (½ for the error rate, 1 for the shares);
* ``"normal"``: :math:`\log_{10} K` (so :math:`K` is log-normal) and the prior bits (already a
  logarithm, of a likelihood ratio).

The interval's ends are the distribution's 5% and 95% quantiles:
:math:`\mu = (g(\text{low}) + g(\text{high}))/2`, :math:`s = (g(\text{high}) - g(\text{low})) /
(2 z_{0.95})` with :math:`g` the normalising transform and :math:`z_{0.95} = 1.6449`. Normal-scale
quantities are clipped to their interval in the table. Draws are scrambled Halton points (reproducible from
the seed) mapped through the normal quantile function.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from scipy import special, stats

from ._results import Result, plain
from .classes import (
    CLASS_SHARED_THREAT,
    CompetitorClass,
    check_classes,
    evaluate_classes,
    required_labels_for,
)
from .model import p_align
from .quantities import CLASS_QUANTITIES, DEFAULTS, QUANTITIES, Assumptions, check
from .solve import _beyond_search, _search_cases, _shared, required_labels

__all__ = [
    "UNCERTAIN_QUANTITIES",
    "SensitivityResult",
    "TornadoBar",
    "UncertaintyResult",
    "sensitivity",
    "tornado",
    "uncertainty",
]

#: The quantities that may be uncertain, and the scale on which each is normal (from the table).
UNCERTAIN_QUANTITIES: dict[str, str] = {name: q.uncertain for name, q in QUANTITIES.items() if q.uncertain}

Z90 = float(stats.norm.ppf(0.95))

#: Rates are kept this far inside their ends so that their logits are finite.
_RATE_MARGIN = 1e-9


def _forward(name: str, x):
    """The transform g under which ``name`` is normal."""
    q, x = QUANTITIES[name], np.asarray(x, dtype=float)
    if q.uncertain == "log":
        return np.log(x)
    if q.uncertain == "logit":
        return special.logit(np.clip(x / q.high, _RATE_MARGIN, 1.0 - _RATE_MARGIN))
    return x


def _backward(name: str, y):
    """The inverse of :func:`_forward`, clipped into the quantity's interval."""
    q = QUANTITIES[name]
    if q.uncertain == "log":
        return np.clip(np.exp(y), max(q.low, 1.0), q.high)
    if q.uncertain == "logit":
        return np.clip(q.high * special.expit(y), np.nextafter(q.low, 1.0) if q.low_open else q.low, q.high)
    return np.clip(y, q.low, q.high)


def _check_intervals(intervals: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    checked = {}
    for name, pair in intervals.items():
        if name not in UNCERTAIN_QUANTITIES:
            raise ValueError(f"no uncertainty for {name!r}; choose from {', '.join(UNCERTAIN_QUANTITIES)}")
        try:
            low, high = (float(v) for v in pair)
        except (TypeError, ValueError):
            raise ValueError(f"{name} interval must be two numbers (low, high); got {pair!r}") from None
        check(name, np.array([low, high]))
        if low > high:
            raise ValueError(f"{name} interval must have low ≤ high; got ({low:g}, {high:g})")
        if UNCERTAIN_QUANTITIES[name] == "log" and low <= 0:
            raise ValueError(f"{name} interval is log-normal and needs low > 0; got {low:g}")
        checked[name] = (low, high)
    return checked


class _Distribution:
    """A frozen distribution with the ``ppf`` that ``scipy.stats.sobol_indices`` asks for."""

    def __init__(self, name: str, low: float, high: float):
        self.name = name
        g_low, g_high = _forward(name, low), _forward(name, high)
        self.mean = float((g_low + g_high) / 2.0)
        self.scale = float((g_high - g_low) / (2.0 * Z90))

    def ppf(self, q):
        return _backward(self.name, self.mean + self.scale * special.ndtri(q))

    def median(self) -> float:
        return float(_backward(self.name, self.mean))


def _with_classes(point, classes):
    """``point`` with the first class's own quantities (the classes' first is the one that varies)."""
    if classes is None:
        return point, None
    classes = check_classes(classes)
    if isinstance(point, Assumptions):
        given = {k: v for k, v in point.as_dict().items() if k in (*UNCERTAIN_QUANTITIES, "target")}
    else:
        given = dict(point or {})
    return {**given, **classes[0].threat}, classes


def _class_split(inputs, classes):
    """The shared threat and each class's quantities: the first class's from ``inputs``."""
    shared = {name: np.asarray(inputs[name], dtype=float) for name in CLASS_SHARED_THREAT}
    first = {name: np.asarray(inputs[name], dtype=float) for name in CLASS_QUANTITIES}
    rest = [{k: np.asarray(v) for k, v in c.threat.items()} for c in classes[1:]]
    return shared, [first, *rest]


def _p_align(inputs, classes):
    """P_align at ``inputs`` (every uncertain quantity by name), against ``classes`` if given."""
    if classes is None or len(classes) == 1:
        return p_align(**inputs).p_align
    shared, threats = _class_split(inputs, classes)
    labels, error = np.asarray(inputs["labels"], dtype=float), np.asarray(inputs["error_rate"], dtype=float)
    return evaluate_classes(labels, error, shared, threats, [c.name for c in classes]).p_align


def _required(target, inputs, classes):
    """Labels required at ``inputs`` (``labels`` ignored), against ``classes`` if given."""
    rest = {k: v for k, v in inputs.items() if k != "labels"}
    if classes is None or len(classes) == 1:
        return required_labels(target=target, **rest)
    shared, threats = _class_split(inputs, classes)
    return required_labels_for(
        np.asarray(target), np.asarray(inputs["error_rate"], dtype=float), shared, threats
    )


#: Below this footprint the labels required could pass the largest float (see :func:`_unreachable`).
_TINY_FOOTPRINT = 1e-20


def _unreachable(target, inputs, classes):
    r"""Where no number of labels reaches ``target``: ``np.isinf(_required(...))``, mostly without
    the search for the number.

    With one class, :func:`aliquant_core.required_labels` is 0 where no labels already suffice, and
    otherwise infinite exactly where :math:`q \le \tfrac12`, where the margin is below its search's
    floor, or where the labels would pass the largest float (a footprint near the smallest
    doubles); that last is left to the search itself, run on all draws in the rare case that one
    has a footprint below ``_TINY_FOOTPRINT``. Several classes share one N, so there the search is
    the answer.
    """
    if classes is not None and len(classes) > 1:
        return np.isinf(_required(target, inputs, classes))
    rest = {k: v for k, v in inputs.items() if k not in ("labels", "error_rate")}
    v = _shared(rest, target, error_rate=inputs["error_rate"])
    free, search = _search_cases(v)
    searched = search & ~_beyond_search(v["margin"])
    if np.any(searched & (v["footprint"] < _TINY_FOOTPRINT)):
        return np.isinf(_required(target, inputs, classes))
    return ~free & ~searched


def _inputs(point: Mapping[str, float] | Assumptions | None) -> tuple[dict[str, float], float]:
    """Every uncertain quantity, and ``target``: ``point``'s value, else the table's default, checked."""
    if isinstance(point, Assumptions):
        # Its error_rate agrees with any agreement; the overlap is not an input of P₁^K.
        point = {k: v for k, v in point.as_dict().items() if k in (*UNCERTAIN_QUANTITIES, "target")}
    values = {name: DEFAULTS[name] for name in (*UNCERTAIN_QUANTITIES, "target")}
    unknown = set(point or {}) - set(values)
    if unknown:
        raise ValueError(f"unknown quantity {sorted(unknown)[0]!r}; choose from {', '.join(values)}")
    values.update(point or {})
    values = {name: float(check(name, value)) for name, value in values.items()}
    return values, values.pop("target")


@dataclass(frozen=True)
class UncertaintyResult(Result):
    """What uncertain assumptions do to P_align and the labels required.

    Attributes
    ----------
    draws : dict of str to ndarray
        The sampled values of each uncertain quantity.
    p_align : ndarray
        P_align for each draw (the programme's labels as drawn, or fixed).
    required_labels : ndarray or None
        Labels required for the target for each draw (inf where unreachable); None when not
        asked for (``uncertainty(..., required_labels=False)``).
    quantile_levels : ndarray
        The levels reported, e.g. 0.05, 0.5, 0.95.
    p_align_quantiles, required_labels_quantiles : ndarray
        Quantiles at those levels (``required_labels_quantiles`` None with ``required_labels``).
    mean_p_align : float
        P_align averaged over the uncertainty: the probability of outer alignment once the
        uncertainty itself is accounted for.
    p_target_met : float
        Share of draws in which P_align reaches the target.
    p_unreachable : float
        Share of draws in which no quantity of labels reaches the target.
    seed : int
        The seed that reproduces these draws.
    """

    draws: dict[str, np.ndarray]
    p_align: np.ndarray
    required_labels: np.ndarray | None
    quantile_levels: np.ndarray
    p_align_quantiles: np.ndarray
    required_labels_quantiles: np.ndarray | None
    mean_p_align: float
    p_target_met: float
    p_unreachable: float
    seed: int

    def summary(self, *, json_safe: bool = False) -> dict[str, Any]:
        """Every field but the per-draw ``draws``, ``p_align`` and ``required_labels``, as plain Python."""
        per_draw = ("draws", "p_align", "required_labels")
        return {
            f.name: plain(getattr(self, f.name), json_safe=json_safe)
            for f in fields(self)
            if f.name not in per_draw
        }


def uncertainty(
    intervals: Mapping[str, tuple[float, float]],
    point: Mapping[str, float] | Assumptions | None = None,
    *,
    draws: int = 20_000,
    seed: int = 0,
    quantile_levels=(0.05, 0.25, 0.5, 0.75, 0.95),
    classes: Sequence[CompetitorClass] | None = None,
    required_labels: bool = True,
) -> UncertaintyResult:
    """Propagate 90% intervals on the assumptions to P_align and required labels.

    Parameters
    ----------
    intervals : mapping of str to (low, high)
        A 90% interval for each uncertain quantity (names in :data:`UNCERTAIN_QUANTITIES`).
    point : mapping of str to float, or Assumptions, optional
        Values of the other quantities and ``target`` (an :class:`aliquant_core.Assumptions` gives
        them all); each defaults to its value in :data:`aliquant_core.QUANTITIES`.
    draws : int, default 20000
        Number of quasi-random draws, in [16, 10⁷].
    seed : int, default 0
        Seed of the scrambled Halton sequence.
    quantile_levels : sequence of float
        Levels in (0, 1) at which to report quantiles.
    classes : sequence of CompetitorClass, optional
        Competitor classes (:func:`aliquant_core.classes_p_align`). The first class's count,
        footprint and exploitation replace ``point``'s, and intervals on those quantities apply to
        it (the explorer's sidebar class); the other classes are held as given.
    required_labels : bool, default True
        Whether to find the labels required in each draw. Without them (``required_labels`` and
        its quantiles None) the share of draws where no quantity suffices is still given: whether
        one does follows from q and the target without the search (a fifth of the time at the
        explorer's defaults).

    Returns
    -------
    UncertaintyResult

    Notes
    -----
    Quantiles of required labels treat "unreachable" as larger than any number, so an upper
    quantile can be infinite.
    """
    intervals = _check_intervals(intervals)
    point, classes = _with_classes(point, classes)
    values, target = _inputs(point)
    draws = int(draws)
    if not 16 <= draws <= 10_000_000:
        raise ValueError(f"draws must be in [16, 1e7]; got {draws}")
    sample = _draw(intervals, draws, seed)
    inputs = {**values, **sample}
    p = _p_align(inputs, classes)
    levels = np.asarray(quantile_levels, dtype=float)
    p = np.broadcast_to(p, (draws,))
    if required_labels:
        needed = np.array(np.broadcast_to(_required(target, inputs, classes), (draws,)))
        unreachable = np.isinf(needed)
        needed_quantiles = np.quantile(needed, levels, method="inverted_cdf")
    else:
        needed = needed_quantiles = None
        unreachable = np.broadcast_to(_unreachable(target, inputs, classes), (draws,))
    return UncertaintyResult(
        draws=sample,
        p_align=np.array(p),
        required_labels=needed,
        quantile_levels=levels,
        p_align_quantiles=np.quantile(p, levels),
        required_labels_quantiles=needed_quantiles,
        mean_p_align=float(np.mean(p)),
        p_target_met=float(np.mean(p >= target)),
        p_unreachable=float(np.mean(unreachable)),
        seed=int(seed),
    )


def _unit_draws(dimensions: int, draws: int, seed: int) -> np.ndarray:
    """Scrambled Halton points in the open unit cube, ``draws`` × ``dimensions``, read-only."""
    unit = stats.qmc.Halton(d=dimensions, scramble=True, rng=np.random.default_rng(seed)).random(draws)
    unit = np.clip(unit, 1e-12, 1 - 1e-12)
    unit.flags.writeable = False
    return unit


#: Unit draws of up to this many values (2 MB) are kept, the last few sets: the explorer asks for
#: the same points with new intervals on every change of a sidebar value (the Overview's default
#: intervals are centred on them), and scrambling them again is a third of its cost.
_KEPT_UNIT_VALUES = 250_000
_kept_unit_draws = functools.lru_cache(maxsize=4)(_unit_draws)


def _draw(intervals: dict[str, tuple[float, float]], draws: int, seed: int) -> dict[str, np.ndarray]:
    names = list(intervals)
    if not names:
        return {}
    if draws * len(names) <= _KEPT_UNIT_VALUES:
        unit = _kept_unit_draws(len(names), draws, seed)
    else:
        unit = _unit_draws(len(names), draws, seed)
    return {name: _Distribution(name, *intervals[name]).ppf(unit[:, i]) for i, name in enumerate(names)}


@dataclass(frozen=True)
class SensitivityResult(Result):
    """Variance-based (Sobol) sensitivity of P_align to each uncertain quantity.

    Attributes
    ----------
    names : tuple of str
        The uncertain quantities, in order.
    first_order, total_order : ndarray
        Sobol indices :math:`S_i` (share of Var P_align explained by input :math:`i` alone) and
        :math:`S_{T_i}` (including its interactions).
    evaluations : int
        Model evaluations used, :math:`n(d + 2)`.
    """

    names: tuple[str, ...]
    first_order: np.ndarray
    total_order: np.ndarray
    evaluations: int

    def by_name(self, *, json_safe: bool = False) -> dict[str, dict[str, float | None]]:
        """``{name: {"first_order": S_i, "total_order": S_Ti}}`` as plain Python."""
        pairs = zip(self.first_order, self.total_order, strict=True)
        return {
            name: plain({"first_order": first, "total_order": total}, json_safe=json_safe)
            for name, (first, total) in zip(self.names, pairs, strict=True)
        }


def sensitivity(
    intervals: Mapping[str, tuple[float, float]],
    point: Mapping[str, float] | Assumptions | None = None,
    *,
    samples: int = 1024,
    seed: int = 0,
    classes: Sequence[CompetitorClass] | None = None,
) -> SensitivityResult:
    r"""First-order and total Sobol indices of P_align over the uncertain quantities.

    Parameters
    ----------
    intervals, point
        As in :func:`uncertainty`.
    samples : int, default 1024
        :math:`n`, a power of 2; P_align is evaluated :math:`n(d + 2)` times.
    seed : int
        Seed for the quasi-random matrices.
    classes : sequence of CompetitorClass, optional
        As in :func:`uncertainty`.

    Notes
    -----
    Saltelli (2010) estimators as implemented by :func:`scipy.stats.sobol_indices`:
    :math:`S_i = V[E(Y \mid X_i)]/V(Y)`, :math:`S_{T_i} = E[V(Y \mid X_{\sim i})]/V(Y)`.
    Where P_align barely varies (all draws near 0 or 1) the indices are ill-defined; they are
    returned as NaN when the variance is below 1e-12.

    References
    ----------
    .. [1] A. Saltelli et al., "Variance based sensitivity analysis of model output. Design and
       estimator for the total sensitivity index", Computer Physics Communications 181, 2010.
    """
    intervals = _check_intervals(intervals)
    if len(intervals) < 1:
        raise ValueError("sensitivity needs at least one uncertain quantity")
    samples = int(samples)
    if samples < 2 or samples & (samples - 1):
        raise ValueError(f"samples must be a power of 2; got {samples}")
    point, classes = _with_classes(point, classes)
    values, _ = _inputs(point)
    names = tuple(intervals)
    dists = [_Distribution(name, *intervals[name]) for name in names]

    def model(x):
        inputs = {**values, **{name: x[i] for i, name in enumerate(names)}}
        return np.array(np.broadcast_to(_p_align(inputs, classes), x.shape[1:]))

    return _sobol(model, dists, names, samples, seed)


def _sobol(model, dists, names, samples, seed) -> SensitivityResult:
    """Sobol indices of ``model`` (inputs on the first axis) over independent ``dists``."""
    # Variance check on a quick sample first: sobol_indices divides by it.
    probe = model(np.array([d.ppf(np.linspace(0.01, 0.99, 257)) for d in dists]))
    if np.var(probe) < 1e-12:
        nan = np.full(len(names), np.nan)
        return SensitivityResult(tuple(names), nan, nan.copy(), 0)
    # scipy (1.17) fails for a single input, so one gets a dummy partner the model ignores (its
    # indices are 0 and are dropped); the output is one row, shape (1, n).
    width = len(dists)
    if width == 1:
        dists = [*dists, stats.uniform()]

    def rows(x):
        return np.atleast_2d(model(x[:width]))

    with np.errstate(divide="ignore", invalid="ignore"):
        result = stats.sobol_indices(func=rows, n=samples, dists=dists, rng=np.random.default_rng(seed))
    return SensitivityResult(
        tuple(names),
        np.asarray(result.first_order, dtype=float).reshape(-1)[: len(names)],
        np.asarray(result.total_order, dtype=float).reshape(-1)[: len(names)],
        samples * (len(dists) + 2),
    )


@dataclass(frozen=True)
class TornadoBar(Result):
    """One bar of a tornado chart: P_align with one quantity at each end of its interval."""

    name: str
    low: float
    high: float
    p_align_at_low: float
    p_align_at_high: float

    @property
    def swing(self) -> float:
        """|P_align(high) − P_align(low)|."""
        return abs(self.p_align_at_high - self.p_align_at_low)

    def to_dict(self, *, json_safe: bool = False) -> dict[str, Any]:
        """Every field and the ``swing``, as plain Python (see :meth:`Result.to_dict`)."""
        return {**super().to_dict(json_safe=json_safe), "swing": plain(self.swing, json_safe=json_safe)}


def tornado(
    intervals: Mapping[str, tuple[float, float]],
    point: Mapping[str, float] | Assumptions | None = None,
    *,
    classes: Sequence[CompetitorClass] | None = None,
    centre: str = "point",
) -> tuple[float, tuple[TornadoBar, ...]]:
    """One-at-a-time swings of P_align across each interval, largest first.

    With ``centre="point"`` (the default) the base case is ``point`` itself (the table's defaults
    for what it leaves out), so the chart is read beside that point's P_align (the explorer's
    headline); with ``centre="median"`` every uncertain quantity sits at its distribution's median,
    which for a skewed interval (logit-normal χ from 0.4 to 0.9) is not the point. Each bar moves
    one quantity to its interval's ends, the others at the base. Returns the base P_align and the
    bars. ``classes`` as in :func:`uncertainty`.
    """
    if centre not in ("point", "median"):
        raise ValueError(f"centre must be 'point' or 'median'; got {centre!r}")
    intervals = _check_intervals(intervals)
    point, classes = _with_classes(point, classes)
    base_inputs, _ = _inputs(point)
    if centre == "median":
        base_inputs.update({name: _Distribution(name, *pair).median() for name, pair in intervals.items()})
    base = float(_p_align(base_inputs, classes))
    bars = []
    for name, (low, high) in intervals.items():
        ends = _p_align({**base_inputs, name: np.array([low, high])}, classes)
        bars.append(TornadoBar(name, low, high, float(ends[0]), float(ends[1])))
    bars.sort(key=lambda bar: bar.swing, reverse=True)
    return base, tuple(bars)
