r"""Quality–quantity curves, the cheapest way to a target, the best budget split, Pareto frontiers.

A quality–quantity curve is a family of programmes that trade the quality of labels against their
number at a cost (model brief):

* :func:`budget_split_curve`: a fixed budget split between two sources, from all of one to all of
  the other (the seed's "larger amount of lower-quality data and smaller amount of higher-quality
  data");
* :func:`redundancy_curve`: a fixed budget spent on one source at 1, 3, 5, … labelers per item;
* :func:`cost_law_curve`: a fixed budget spent on labels whose price rises with their quality,
  :math:`c(\varepsilon) = c_\text{ref} \left(\frac{1/2 - \varepsilon}{1/2 -
  \varepsilon_\text{ref}}\right)^\gamma`;
* :func:`budget_curve`: one programme scaled up and down, P_align against what it costs.

:func:`best_split` and :func:`cheapest_programme` answer the practical questions, and
:func:`pareto_frontier` keeps the programmes no other beats on both cost and P_align.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _math
from ._results import Result
from ._types import ArrayLike, FloatArray
from .classes import ClassesResult, check_classes, check_shared
from .programme import (
    AGGREGATION_LABELS,
    Allocation,
    Programme,
    _refuse_overflow,
    mixture_p_align,
    programme_p_align,
)
from .quantities import DEFAULTS, QUANTITIES, check, check_shared_threat
from .solve import required_labels
from .sources import Source, redundant_error_rate, redundant_fooled_rate

#: The most labels a source can give: the top of the labels interval.
_MOST_LABELS = QUANTITIES["labels"].high

__all__ = [
    "BudgetSplit",
    "CheapestProgramme",
    "Curve",
    "best_split",
    "budget_curve",
    "budget_split_curve",
    "cheapest_programme",
    "cost_law_curve",
    "pareto_frontier",
    "redundancy_curve",
]

#: Shares of the budget tried before refining the best split.
_SPLIT_GRID = 201

#: Labelers per item where none is given: the table's default redundancy.
_ONE = int(DEFAULTS["redundancy"])


@dataclass(frozen=True)
class Curve(Result):
    """Programmes along one quality–quantity curve.

    Attributes
    ----------
    kind : str
        ``"budget_split"``, ``"redundancy"``, ``"cost_law"`` or ``"budget"``.
    parameter_name : str
        What moves along the curve (``"share_a"``, ``"redundancy"``, ``"error_rate"``, ``"dollars"``).
    parameter : ndarray
        Its values, one per programme.
    labels : ndarray
        Items labelled per source, shape (points, sources).
    dollars, labeler_hours, calendar_weeks : ndarray
        Cost of each programme.
    p_align, p_align_lower_bound : ndarray
        Probability of outer alignment and its Bonferroni bound.
    regime : ndarray of str
        Per programme (see :class:`aliquant_core.programme.MixtureResult`).
    """

    kind: str
    parameter_name: str
    parameter: np.ndarray
    labels: np.ndarray
    dollars: np.ndarray
    labeler_hours: np.ndarray
    calendar_weeks: np.ndarray
    p_align: np.ndarray
    p_align_lower_bound: np.ndarray
    regime: np.ndarray

    def rows(self, *, json_safe: bool = False) -> list[dict[str, Any]]:
        """One plain row per programme: the parameter (by its name), ``labels`` per source, the costs,
        ``p_align``, ``p_align_lower_bound`` and ``regime``; for a table, a CSV or JSON."""
        data = self.to_dict(json_safe=json_safe)
        names = (self.parameter_name, *(f.name for f in dataclasses.fields(self)[3:]))
        data[self.parameter_name] = data["parameter"]
        return [dict(zip(names, row, strict=True)) for row in zip(*(data[n] for n in names), strict=True)]


def _model(threat) -> dict[str, Any]:
    """The shared threat, checked; with ``classes`` (competitor classes), those too.

    With classes the threat keywords are the classes' shared ones but ``blind_spot`` (each source
    has its own): ``fooled_rate`` and ``prior_bits``.
    """
    classes = threat.get("classes")
    if classes is None:
        return check_shared_threat({k: v for k, v in threat.items() if k != "classes"})
    rest = {k: v for k, v in threat.items() if k != "classes"}
    if "blind_spot" in rest:
        raise TypeError("blind_spot is each source's own (Source.blind_spot), not a keyword here")
    shared = check_shared({**rest, "blind_spot": 0.0})
    del shared["blind_spot"]
    return {**shared, "classes": check_classes(classes)}


def _priced(source: Source, what: str) -> None:
    if source.cost_per_label <= 0:
        raise ValueError(f"{what} needs a source with a positive cost_per_label; {source.name!r} is free")


def _mixture(sources, labels, redundancy, model, *, error_rate=None, aggregation="pooled"):
    """P_align of ``labels`` items from ``sources`` (error rates overridable), capped at _MOST_LABELS."""
    return mixture_p_align(
        labels=np.minimum(labels, _MOST_LABELS),
        error_rate=np.array([s.error_rate for s in sources]) if error_rate is None else error_rate,
        blind_spot=np.array([s.blind_spot for s in sources]),
        redundancy=redundancy,
        aggregation=aggregation,
        **model,
    )


def _curve(kind, name, parameter, sources, labels, redundancy, model, **options) -> Curve:
    labels = np.minimum(labels, _MOST_LABELS)
    result = _mixture(sources, labels, redundancy, model, **options)
    judgements = labels * redundancy
    seconds = np.array([s.seconds_per_label for s in sources])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore", under="ignore"):
        hours = judgements * seconds / 3600.0
        workforce = np.array([s.workforce for s in sources])
        weeks = hours / workforce / np.array([s.hours_per_week for s in sources])
        dollars = (judgements * np.array([s.cost_per_label for s in sources])).sum(-1)
        total_hours = hours.sum(-1)
    # A source's pace can be anything in its interval; a product beyond the largest float is refused.
    _refuse_overflow(
        {"dollars": dollars, "labeler_hours": total_hours, "calendar_weeks": weeks},
        "labels × redundancy × the sources' cost, seconds per label, 1 / (workforce × hours per week)",
        {"most labels": labels.max(), "seconds_per_label": seconds.max()},
    )
    return Curve(
        kind,
        name,
        np.asarray(parameter, dtype=float),
        labels,
        dollars,
        total_hours,
        weeks.max(-1),
        *(np.atleast_1d(v) for v in (result.p_align, result.p_align_lower_bound, result.regime)),
    )


def _split_labels(budget, shares, price_a, price_b):
    """Whole items affordable with each share of the budget (the rest is unspent change).

    Capped at :data:`_MOST_LABELS`, the most a source can give: a budget near the largest float
    over a price below 1 buys more than a float counts.
    """
    with np.errstate(over="ignore"):
        labels = np.stack(
            [np.floor(shares * budget / price_a), np.floor((1.0 - shares) * budget / price_b)], axis=-1
        )
    return np.minimum(labels, _MOST_LABELS)


def budget_split_curve(
    source_a: Source,
    source_b: Source,
    budget: float,
    *,
    points: int = 101,
    redundancy_a: int = _ONE,
    redundancy_b: int = _ONE,
    aggregation: str = "pooled",
    **threat: ArrayLike,
) -> Curve:
    r"""A fixed budget split between two sources, share :math:`s` to ``source_a``.

    :math:`n_a = \lfloor s B / (r_a c_a) \rfloor` and :math:`n_b = \lfloor (1 - s) B / (r_b c_b)
    \rfloor` items, for ``points`` shares from 0 to 1.

    ``**threat``: the threat quantities (:data:`aliquant_core.THREAT`) but ``blind_spot``, which each
    source carries, by name; each defaults to its value in :data:`aliquant_core.QUANTITIES`. Or
    ``classes=`` competitor classes (:func:`aliquant_core.classes_p_align`) with the shared
    ``fooled_rate`` and ``prior_bits``: every function here takes them so.
    """
    _priced(source_a, "a budget split")
    _priced(source_b, "a budget split")
    shares = np.linspace(0.0, 1.0, int(points))
    labels = _split_labels(
        float(budget), shares, source_a.cost_per_label * redundancy_a, source_b.cost_per_label * redundancy_b
    )
    redundancy = np.array([redundancy_a, redundancy_b], dtype=float)
    return _curve(
        "budget_split", "share_a", shares, (source_a, source_b), labels, redundancy,
        _model(threat), aggregation=aggregation,
    )  # fmt: skip


def redundancy_curve(
    source: Source,
    budget: float,
    *,
    redundancies: Sequence[int] = (1, 3, 5, 7, 9, 11, 15, 21),
    **threat: ArrayLike,
) -> Curve:
    r"""A fixed budget spent on one source at ``r`` labelers per item.

    Each redundancy level buys :math:`\lfloor B/(r c)\rfloor` items, so quality (a majority of
    :math:`r`) is bought with quantity. ``**threat`` as in :func:`budget_split_curve`.
    """
    _priced(source, "a redundancy curve")
    r = np.asarray(redundancies, dtype=float)
    with np.errstate(over="ignore"):  # capped below, as in _split_labels
        labels = np.minimum(np.floor(float(budget) / (source.cost_per_label * r)), _MOST_LABELS)[:, None]
    return _curve("redundancy", "redundancy", r, (source,), labels, r[:, None], _model(threat))


def cost_law_price(error_rate: ArrayLike, reference: Source, gamma: float) -> FloatArray:
    r"""Price of a label of quality ε under the cost law anchored at ``reference``.

    Notes
    -----
    .. math::

        c(\varepsilon) = c_\text{ref}
        \left(\frac{1/2 - \varepsilon}{1/2 - \varepsilon_\text{ref}}\right)^\gamma

    With :math:`\gamma > 0` better labels cost more. The model brief writes the same law with
    the ratio the other way up; the exponent's sign is what fixes the direction. With
    :math:`\gamma = 2`, price follows the :math:`(1 - 2\varepsilon)^{-2}` growth of the data needed
    under random label noise (Aslam & Decatur; Simon), so quality and quantity trade at par.
    """
    error_rate = check("error_rate", error_rate)
    with np.errstate(divide="ignore"):
        return (reference.cost_per_label * ((0.5 - error_rate) / (0.5 - reference.error_rate)) ** gamma)[()]


def cost_law_curve(
    reference: Source,
    budget: float,
    *,
    gamma: float = 2.0,
    error_rates: ArrayLike | None = None,
    **threat: ArrayLike,
) -> Curve:
    """A fixed budget spent on labels of quality ε priced by :func:`cost_law_price`.

    The reference source fixes the price anchor, the blind spot and the time per label.
    ``**threat`` as in :func:`budget_split_curve`.
    """
    _priced(reference, "a cost law")
    if not (np.isfinite(gamma) and gamma >= 0):
        raise ValueError(f"gamma must be in [0, ∞); got {gamma!r}")
    eps = np.linspace(0.0, 0.49, 99) if error_rates is None else check("error_rate", error_rates)
    eps = np.atleast_1d(eps)
    price = cost_law_price(eps, reference, gamma)
    with np.errstate(over="ignore"):  # a huge budget at a tiny price buys more than any float counts
        labels = np.floor(float(budget) / np.maximum(price, 1e-300))[:, None]
    # What is evaluated, and paid for, is capped at _MOST_LABELS: so the dollars stay finite.
    labels = np.minimum(labels, _MOST_LABELS)
    curve = _curve(
        "cost_law", "error_rate", eps, (reference,), labels, np.ones((1,)), _model(threat),
        error_rate=eps[:, None],
    )  # fmt: skip
    # Dollars follow the law's price, not the reference's.
    return dataclasses.replace(curve, dollars=labels[:, 0] * price)


def budget_curve(programme: Programme, budgets: ArrayLike, **threat: ArrayLike) -> Curve:
    """One programme scaled to each budget, its sources keeping their shares of the spend.

    ``**threat`` as in :func:`budget_split_curve`.
    """
    sources = [a.source for a in programme.allocations]
    redundancy = np.array([a.redundancy for a in programme.allocations], dtype=float)
    labels0 = np.array([a.labels for a in programme.allocations])
    spend0 = float(np.sum(labels0 * np.array([s.cost_per_label for s in sources]) * redundancy))
    if spend0 <= 0:
        raise ValueError("a budget curve needs a programme that costs something")
    budgets = np.atleast_1d(np.asarray(budgets, dtype=float))
    labels = np.floor(labels0 * (budgets[:, None] / spend0))
    return _curve(
        "budget", "dollars", budgets, sources, labels, redundancy, _model(threat),
        aggregation=programme.aggregation,
    )  # fmt: skip


def _misalignment_score(result) -> np.ndarray:
    """ln(−ln P_align), falling as P_align rises, resolved even where P_align rounds to 1."""
    if isinstance(result, ClassesResult):
        return np.asarray(result.misalignment_exponent, dtype=float)
    p_mis = np.asarray(result.p_misalign, dtype=float)
    with np.errstate(divide="ignore"):
        near_one = np.log(-np.log1p(-np.minimum(p_mis, 1 - 1e-16)))
        tiny = (
            np.asarray(result.log10_single_failure) + np.asarray(result.effective_competitors_log10)
        ) * _math.LN10
        far = np.log(-np.log(np.maximum(np.asarray(result.p_align, dtype=float), 1e-300)))
    return np.where(p_mis == 0.0, tiny, np.where(np.asarray(result.p_align) > 0.0, near_one, far))


@dataclass(frozen=True)
class BudgetSplit(Result):
    """The best split of a budget between two sources.

    Attributes
    ----------
    share_a : float
        Share of the budget spent on source A.
    labels_a, labels_b : float
        Items labelled by each.
    p_align : float
        P_align at that split.
    p_align_all_a, p_align_all_b : float
        P_align spending everything on one source, for comparison.
    """

    share_a: float
    labels_a: float
    labels_b: float
    p_align: float
    p_align_all_a: float
    p_align_all_b: float


def best_split(
    source_a: Source,
    source_b: Source,
    budget: float,
    *,
    redundancy_a: int = _ONE,
    redundancy_b: int = _ONE,
    aggregation: str = "pooled",
    **threat: float,
) -> BudgetSplit:
    r"""The split of ``budget`` between two sources that maximises P_align.

    ``**threat`` as in :func:`budget_split_curve`.

    Notes
    -----
    P_align is evaluated on 201 shares, then on 201 more spanning the two grid intervals around
    the best (a resolution of 1/20,000 of the budget), comparing :math:`\ln(-\ln P_\text{align})`
    (which keeps its resolution where P_align rounds to 1). Items are whole numbers, so the
    objective is a step function, which a grid handles where a derivative-free line search can
    stall; the refinement only accepts improvements over the coarse grid.
    """
    _priced(source_a, "a budget split")
    _priced(source_b, "a budget split")
    model = _model(threat)
    redundancy = np.array([redundancy_a, redundancy_b], dtype=float)
    prices = (source_a.cost_per_label * redundancy_a, source_b.cost_per_label * redundancy_b)

    def evaluate(shares):
        labels = _split_labels(float(budget), np.asarray(shares, dtype=float), *prices)
        return _mixture((source_a, source_b), labels, redundancy, model, aggregation=aggregation)

    shares = np.linspace(0.0, 1.0, _SPLIT_GRID)
    grid = evaluate(shares)
    scores = _misalignment_score(grid)
    best = int(np.argmin(scores))
    share, score = float(shares[best]), float(scores[best])
    low, high = shares[max(best - 1, 0)], shares[min(best + 1, _SPLIT_GRID - 1)]
    if high > low:
        fine = np.linspace(low, high, _SPLIT_GRID)
        fine_scores = _misalignment_score(evaluate(fine))
        if fine_scores.min() < score:
            share = float(fine[int(np.argmin(fine_scores))])
    labels = _split_labels(float(budget), np.array([share]), *prices)[0]
    return BudgetSplit(
        share_a=share,
        labels_a=float(labels[0]),
        labels_b=float(labels[1]),
        p_align=float(np.atleast_1d(evaluate([share]).p_align)[0]),
        p_align_all_a=float(grid.p_align[-1]),
        p_align_all_b=float(grid.p_align[0]),
    )


@dataclass(frozen=True)
class CheapestProgramme(Result):
    """The cheapest programme found that reaches a target, and the candidates compared.

    Attributes
    ----------
    programme : Programme or None
        The winner; None if no candidate reaches the target.
    dollars : float
        Its cost (inf if none).
    p_align : float
        Its P_align.
    candidates : tuple of (str, float)
        Every candidate's description and cost in dollars (inf where unreachable), cheapest first.
    """

    programme: Programme | None
    dollars: float
    p_align: float
    candidates: tuple[tuple[str, float], ...]

    def allocation_rows(self) -> list[dict[str, Any]] | None:
        """The winner's allocations as plain rows (``source`` name, ``labels``, ``redundancy``), or None."""
        if self.programme is None:
            return None
        return [
            {"source": a.source.name, "labels": float(a.labels), "redundancy": int(a.redundancy)}
            for a in self.programme.allocations
        ]


def cheapest_programme(
    target: float,
    sources: Sequence[Source],
    *,
    redundancies: Sequence[int] = (1, 3, 5, 7, 9),
    mixes: bool = True,
    aggregation: str = "pooled",
    **threat: float,
) -> CheapestProgramme:
    r"""The cheapest programme that reaches ``target``, among single sources and two-source mixes.

    ``**threat`` as in :func:`budget_split_curve`.

    Notes
    -----
    For one source at redundancy :math:`r` the exact answer is :math:`r c \cdot N^*` with
    :math:`N^*` from :func:`aliquant_core.required_labels` at error rate :math:`\varepsilon_r` and
    fooled rate :math:`\varphi_r` (the majority of :math:`r` votes, outside and inside blind spots).
    For each pair of sources (at redundancy 1) the smallest budget whose :func:`best_split` reaches
    the target is found by bisection on :math:`\log B`, starting from the cheaper of the two
    single-source costs (a mix can always spend everything on one source).
    """
    target = float(check("target", target))
    model = _model(threat)
    candidates: list[tuple[str, float, Programme | None]] = []
    for source in sources:
        _priced(source, "the cheapest programme")
        for r in redundancies:
            voted = float(redundant_error_rate(source.error_rate, r))
            fooled = float(redundant_fooled_rate(model["fooled_rate"], r))
            items = required_labels(
                target=target,
                error_rate=voted,
                blind_spot=source.blind_spot,
                **{**model, "fooled_rate": fooled},
            )
            items, programme, cost = float(items), None, np.inf
            if np.isfinite(items) and items <= _MOST_LABELS:
                programme = Programme((Allocation(source, items, r),), name=f"{source.name} ×{r}")
                cost = items * r * source.cost_per_label
            candidates.append((f"{source.name}, {r} per item", cost, programme))
    if mixes:
        singles = {s.name: min(c for n, c, _ in candidates if n.startswith(f"{s.name},")) for s in sources}
        for i, a in enumerate(sources):
            for b in sources[i + 1 :]:
                cost, programme = _cheapest_mix(
                    target, a, b, min(singles[a.name], singles[b.name]), aggregation, model
                )
                # The label's short form: "oracle bound", never a bare "oracle", wherever it is shown.
                short = AGGREGATION_LABELS[aggregation].split(" (")[0]
                candidates.append((f"{a.name} + {b.name} ({short})", cost, programme))
    candidates.sort(key=lambda c: c[1])
    _name, cost, programme = candidates[0]
    p = np.nan if programme is None else float(np.ravel(programme_p_align(programme, **model).p_align)[0])
    return CheapestProgramme(
        programme if np.isfinite(cost) else None,
        float(cost),
        p,
        tuple((n, float(c)) for n, c, _ in candidates),
    )


def _cheapest_mix(target, a, b, single_cost, aggregation, model):
    """Smallest budget whose best split of a and b reaches target (bisection on log budget)."""
    cheapest_price = min(a.cost_per_label, b.cost_per_label)
    high = single_cost if np.isfinite(single_cost) else None
    if high is None:
        # Neither source reaches the target alone; try budgets up to 10^12 labels' worth.
        high = _MOST_LABELS * max(a.cost_per_label, b.cost_per_label)
        if best_split(a, b, high, aggregation=aggregation, **model).p_align < target:
            return np.inf, None
    low = cheapest_price
    for _ in range(60):
        if high / low < 1.0 + 1e-3:
            break
        middle = np.sqrt(low * high)
        # A coarse grid of splits inside the search; the full optimiser once at the end.
        coarse = budget_split_curve(a, b, middle, points=41, aggregation=aggregation, **model)
        if coarse.p_align.max() >= target:
            high = middle
        else:
            low = middle
    split = best_split(a, b, high, aggregation=aggregation, **model)
    if split.p_align < target:  # the coarse grid found a split the optimiser did not: take it
        coarse = budget_split_curve(a, b, high, points=41, aggregation=aggregation, **model)
        best = int(np.argmax(coarse.p_align))
        split = BudgetSplit(
            float(coarse.parameter[best]),
            *coarse.labels[best],
            float(coarse.p_align[best]),
            float(coarse.p_align[-1]),
            float(coarse.p_align[0]),
        )
        if split.p_align < target:
            return np.inf, None
    programme = Programme(
        (Allocation(a, split.labels_a), Allocation(b, split.labels_b)),
        aggregation=aggregation,
        name=f"{a.name} + {b.name}",
    )
    spent = split.labels_a * a.cost_per_label + split.labels_b * b.cost_per_label
    return float(spent), programme


def pareto_frontier(cost: ArrayLike, p_align: ArrayLike) -> np.ndarray:
    """Indices of the programmes no other beats on both counts (cheaper and at least as likely).

    Returns them ordered by cost. A programme is dominated when another costs no more and has a
    higher P_align, or costs less and has the same.
    """
    cost = np.asarray(cost, dtype=float).ravel()
    p = np.asarray(p_align, dtype=float).ravel()
    order = np.lexsort((-p, cost))  # by cost, then best P first among equal costs
    keep = []
    best = -np.inf
    for i in order:
        if p[i] > best:
            keep.append(i)
            best = p[i]
    return np.array(keep, dtype=int)
