r"""Named whole scenarios: optimistic, central and pessimistic sets of the threat's assumptions.

A labelling source has presets (:data:`aliquant_core.PRESETS`); so does the world the labels are up
against. Each :class:`AssumptionSet` gives one value to every quantity of the threat and dependence
groups of the table of quantities (:data:`SCENARIO_QUANTITIES`: blind spot, fooled rate,
footprint, exploitation, competitors, prior bits, overlap), each with its provenance. None of these
is measured by a published figure (``anchors.md``: the quantity and quality of labels are; what
fools labelers and how a competitor exploits it are not), so every value but the central set's is a
**judgement**, and :attr:`SetValue.judgement` says so.

What a set leaves alone: the programme (``labels``), its measured label quality (``error_rate`` or
``agreement``, from a published figure or from the user's own labels) and the ``target``. A set
changes the assumptions about the threat, not what the user decided or measured.

The three sets
--------------
``central``
    The table's defaults (:data:`aliquant_core.DEFAULTS`), with the table's own provenance.
``optimistic`` and ``pessimistic``
    Each quantity at the helpful or the harmful end of the Uncertainty page's default 90% interval
    around the central value (``aliquant_app.uncertainty_view.default_widget_value``, snapped to
    its widget's step): σ and f ÷/× 3, φ ± 0.15, χ ± 0.25, log₁₀ K ± 10, b + 20 bits (or 0), so a
    set is an interval's end the explorer already shows, not a new number. Each end alone is a
    5% tail; all at once is far less likely than any one of them, which is what "optimistic" and
    "pessimistic" mean here. The overlap ρ follows from each set's σ, f and χ by the table's own
    rule for its default (footprints placed at random, :func:`aliquant_core.footprint_overlap`).

Competitor classes
------------------
:attr:`AssumptionSet.competitor_classes` is empty in every set for now: the model's competitor
classes (each a ``name``, ``competitors_log10``, ``footprint`` and ``exploitation``) can be added
to a set later without changing this module's shape. The pessimistic set is where the essay's
"targeted few" belongs (about 10² competitors with footprint equal to the blind spot and
exploitation 1).

Every value is checked against the table of quantities when this module is imported (the
quantity's interval and its sidebar control's bounds); no range is restated here.

Examples
--------
>>> from aliquant_core import ASSUMPTION_SETS, Assumptions
>>> pessimistic = ASSUMPTION_SETS["pessimistic"]
>>> pessimistic.values["exploitation"], pessimistic.judgement("exploitation")
(0.9, True)
>>> a = pessimistic.apply(Assumptions(labels=250_000))
>>> a.labels, a.blind_spot, a.competitors_log10
(250000.0, 0.09, 30.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ._math import blind_share, footprint_overlap
from .quantities import DEFAULTS, QUANTITIES, Assumptions, QuantityError, names_in

__all__ = [
    "ASSUMPTION_SETS",
    "CLASS_FIELDS",
    "SCENARIO_QUANTITIES",
    "AssumptionSet",
    "SetValue",
]

#: The quantities every set gives a value: the threat and how the competitors' contests depend on
#: one another (table groups ``threat`` and ``dependence``), in table order.
SCENARIO_QUANTITIES: tuple[str, ...] = names_in("threat", "dependence")

#: The fields of one extra competitor class (as a scenario file's ``"competitor_classes"`` lists
#: them), besides its ``name`` and ``provenance``.
CLASS_FIELDS: tuple[str, ...] = ("competitors_log10", "footprint", "exploitation")


def _check_value(name: str, value: float, where: str) -> float:
    """``value`` for quantity ``name``, checked against the table and its sidebar control's bounds."""
    if name not in QUANTITIES:
        raise QuantityError(f"{where}: {name!r} is not a quantity of the table")
    quantity = QUANTITIES[name]
    number = float(quantity.check(value))
    if not quantity.control_low <= number <= quantity.control_high:
        raise QuantityError(
            f"{where}: {name} = {number:g} is outside its sidebar control's bounds "
            f"[{quantity.control_low:g}, {quantity.control_high:g}]"
        )
    return number


@dataclass(frozen=True)
class SetValue:
    """One value of a set, with where it comes from.

    Attributes
    ----------
    name : str
        The quantity's name in the table of quantities.
    value : float
        Its value in this set, inside the quantity's interval and its sidebar control's bounds.
    provenance : str
        Where the value comes from (a source in ``anchors.md``, the seed essay, or the table's
        default) and, for a judgement, the reasoning.
    judgement : bool
        True when the value is the project's judgement rather than a published measurement or the
        table's default.
    """

    name: str
    value: float
    provenance: str
    judgement: bool = True

    def __post_init__(self):
        object.__setattr__(self, "value", _check_value(self.name, self.value, "SetValue"))
        if not self.provenance.strip():
            raise ValueError(f"the value of {self.name} has no provenance")


@dataclass(frozen=True)
class AssumptionSet:
    """A named whole scenario: one value, with its provenance, for each of :data:`SCENARIO_QUANTITIES`.

    Attributes
    ----------
    key : str
        Short identifier (``"optimistic"``): the scenario's name in code and in links.
    title : str
        Its name for people (``"Optimistic"``).
    summary : str
        One line: what the scenario says about the world.
    entries : tuple of SetValue
        One per quantity of :data:`SCENARIO_QUANTITIES`, in table order.
    competitor_classes : tuple of mapping
        Extra competitor classes, each ``name``, ``provenance`` and :data:`CLASS_FIELDS`, every
        number checked against the table; empty for now in every set.

    Raises
    ------
    ValueError
        When the entries do not cover :data:`SCENARIO_QUANTITIES` exactly once each, or a class
        lacks a field or a provenance.
    QuantityError
        For a value outside its quantity's interval or its sidebar control's bounds.
    """

    key: str
    title: str
    summary: str
    entries: tuple[SetValue, ...]
    competitor_classes: tuple[Mapping[str, Any], ...] = field(default=())

    def __post_init__(self):
        names = [entry.name for entry in self.entries]
        if tuple(names) != SCENARIO_QUANTITIES:
            raise ValueError(
                f"set {self.key!r} gives {', '.join(names)}; a set gives each of "
                f"{', '.join(SCENARIO_QUANTITIES)} once, in that order"
            )
        classes = []
        for number, given in enumerate(self.competitor_classes, 1):
            where = f"set {self.key!r}, competitor class {number}"
            missing = {"name", "provenance", *CLASS_FIELDS} - set(given)
            if missing:
                raise ValueError(f"{where} lacks {', '.join(sorted(missing))}")
            if not str(given["provenance"]).strip():
                raise ValueError(f"{where} has no provenance")
            checked = {name: _check_value(name, given[name], where) for name in CLASS_FIELDS}
            classes.append(MappingProxyType({**given, **checked}))
        object.__setattr__(self, "competitor_classes", tuple(classes))

    @property
    def values(self) -> dict[str, float]:
        """Each quantity's value by name, in table order."""
        return {entry.name: entry.value for entry in self.entries}

    def entry(self, name: str) -> SetValue:
        """The :class:`SetValue` of quantity ``name``."""
        for entry in self.entries:
            if entry.name == name:
                return entry
        raise KeyError(f"set {self.key!r} gives no value for {name!r}")

    def provenance(self, name: str) -> str:
        """Where this set's value of ``name`` comes from."""
        return self.entry(name).provenance

    def judgement(self, name: str) -> bool:
        """Whether this set's value of ``name`` is a judgement rather than a measurement or default."""
        return self.entry(name).judgement

    def apply(self, assumptions: Assumptions | None = None) -> Assumptions:
        """``assumptions`` (default: the table's defaults) with this set's values; the programme,
        its label quality and the target are kept."""
        return (assumptions or Assumptions()).replace(**self.values)

    def matches(self, assumptions: Assumptions, rel_tol: float = 1e-9) -> bool:
        """Whether ``assumptions`` hold exactly this set's values (to ``rel_tol``)."""
        given = assumptions.as_dict()
        return all(
            abs(given[name] - value) <= rel_tol * max(1.0, abs(value)) for name, value in self.values.items()
        )


def _overlap(blind_spot: float, footprint: float, exploitation: float) -> float:
    """The table's rule for the overlap's default: footprints placed at random, 2 decimals."""
    share = blind_share(blind_spot, footprint, exploitation)
    return round(float(footprint_overlap(blind_spot, footprint, share)), 2)


def _default(name: str) -> SetValue:
    """The table's default of ``name``, with the table's provenance."""
    quantity = QUANTITIES[name]
    return SetValue(name, DEFAULTS[name], f"The table's default ({quantity.provenance})", judgement=False)


_INTERVAL = (
    "the {end} end of the Uncertainty page's default 90% interval around the central {central:g} ({rule})"
)
_RULES = {
    "blind_spot": "σ ÷/× 3: only its order of magnitude is known",
    "fooled_rate": "φ ± 0.15: no published figure measures it",
    "footprint": "f ÷/× 3: known to an order of magnitude at best",
    "exploitation": "χ ± 0.25: a guess",
    "competitors_log10": "log₁₀ K ± 10: the class training searches is unknown to ten orders of magnitude",
    "prior_bits": "b + 20 bits, at least 0",
}


def _end(name: str, value: float, end: str, why: str) -> SetValue:
    """A value at one end of the Uncertainty page's default interval, with the reason for its side."""
    where = _INTERVAL.format(end=end, central=DEFAULTS[name], rule=_RULES[name])
    return SetValue(name, value, f"Judgement: {where}. {why}")


def _overlap_entry(values: Mapping[str, float]) -> SetValue:
    rho = _overlap(values["blind_spot"], values["footprint"], values["exploitation"])
    return SetValue(
        "overlap",
        rho,
        "Derived, as the table derives its default: footprints placed at random on one dataset "
        f"share ρ = f·(h²/σ + (1 − h)²/(1 − σ)) = {rho:g} at this set's σ, f and χ (a model of "
        "placement, not a measurement).",
    )


def _build(key: str, title: str, summary: str, entries: Iterable[SetValue]) -> AssumptionSet:
    given = list(entries)
    values = {entry.name: entry.value for entry in given}
    return AssumptionSet(key, title, summary, (*given, _overlap_entry(values)))


_OPTIMISTIC = _build(
    "optimistic",
    "Optimistic",
    "Small blind spots that confuse more than they mislead, competitors that differ often and "
    "exploit little, fewer of them, and help from priors.",
    (
        _end("blind_spot", 0.01, "low", "One situation in a hundred fools the labelers."),
        _end(
            "fooled_rate", 0.69, "low",
            "Inside a blind spot labelers are misled about two times in three, nearer a guess than "
            "the central set's 1 − ε.",
        ),
        _end(
            "footprint", 0.15, "high",
            "A competitor differs from the aligned policy in about one situation in seven, so more "
            "labels bear on it and a blind spot covers less of its difference.",
        ),
        _end("exploitation", 0.4, "low", "Competitors steer less of what they can into blind spots."),
        _end(
            "competitors_log10", 10.0, "low",
            "Fewer distinct unaligned policies (about 33 bits); labels needed grow with log K "
            "(Aslam & Decatur; Simon; anchors.md, Theory), so this moves the scale, not the regime.",
        ),
        _end(
            "prior_bits", 20.0, "high",
            "The seed's author expects that \"we can use unlabeled data to do a lot of the work of "
            "alignment\" (seed discussion) without giving a size; 20 bits rule out all but a "
            "millionth of the competitors.",
        ),
    ),
)  # fmt: skip

_CENTRAL = AssumptionSet(
    "central",
    "Central",
    "The table's defaults: every value and its provenance as on the Method page.",
    tuple(_default(name) for name in SCENARIO_QUANTITIES),
)

_PESSIMISTIC = _build(
    "pessimistic",
    "Pessimistic",
    "Larger blind spots that reliably mislead, subtle competitors that steer into them, more of "
    "them, and no help from priors.",
    (
        _end(
            "blind_spot", 0.09, "high",
            "About one situation in eleven fools the labelers: hard tasks are a larger share of "
            "what a capable model is judged on (evaluators' false positives rose 18–24% after RLHF "
            "on QuALITY and APPS, Wen et al., ICLR 2025; anchors.md).",
        ),
        _end(
            "fooled_rate", 0.99, "high",
            "Inside a blind spot labelers are nearly always misled: convincing wrong answers win "
            "(Sharma et al. 2023, arXiv 2310.13548; anchors.md).",
        ),
        _end(
            "footprint", 0.017, "low",
            "A competitor differs in about one situation in sixty (subtler differences, as the "
            "Over time page's footprint factor has it for more capable competitors).",
        ),
        _end(
            "exploitation", 0.9, "high",
            "Competitors steer nearly all they can into blind spots: errors from hard evaluation "
            "\"specifically incentivize models to deceive the human evaluators\" (the seed post, "
            "anchors.md).",
        ),
        _end(
            "competitors_log10", 30.0, "high",
            "More distinct unaligned policies (about 100 bits); labels needed grow with log K "
            "(anchors.md, Theory).",
        ),
        SetValue(
            "prior_bits", 0.0,
            "The table's default and the low end of the Uncertainty page's interval (no help from "
            "priors or unlabelled data, the conservative end).",
            judgement=False,
        ),
    ),
)  # fmt: skip

#: The named whole scenarios, by key, from the most to the least favourable.
ASSUMPTION_SETS: Mapping[str, AssumptionSet] = MappingProxyType(
    {s.key: s for s in (_OPTIMISTIC, _CENTRAL, _PESSIMISTIC)}
)
