r"""Scenario files: one versioned JSON document that holds a whole scenario.

A scenario is everything the explorer and the command line need to reproduce a view: the model's
assumptions, labelling sources, programmes built from them, the per-generation rates of a
trajectory and 90% intervals for uncertain quantities. The core reads and writes it as text or as
a dict; reading files, downloading and share links are the caller's business (the core does no
I/O).

Reading is strict. A document with an unknown key, a value of the wrong type, a value outside its
range, a newer version, a duplicate key, NaN or Infinity, more than :data:`MAX_BYTES` bytes, more
than :data:`MAX_SOURCES` sources, :data:`MAX_PROGRAMMES` programmes or :data:`MAX_ALLOCATIONS`
allocations in all (counted before any is read, so an oversized file costs only its parse), a
programme whose cost exceeds the largest float (each value in range, their product not), or
text that is not JSON is refused with a :class:`ScenarioError` whose message names the path of
what is wrong, e.g. ``sources[1].blind_spot must be in [0, 1]; got 1.5``. Nothing is read from a
refused document.

Writing is canonical: :func:`scenario_to_json` writes every assumption (so a shared scenario does
not change when the defaults do), keys in a fixed order, two-space indents and floats at full
(``repr``) precision, so ``scenario_from_json(scenario_to_json(s)) == s`` exactly and the same
scenario always gives the same text.

File format (version 1)
-----------------------
An object with these keys; all but the version are optional. Every number must lie in its
quantity's interval in :data:`aliquant_core.QUANTITIES` (whole where the table says so), and the
lists of valid keys below are that table's groups.

``aliquant_scenario`` (required)
    The format version, a whole number. This module reads versions up to
    :data:`SCHEMA_VERSION`; a newer one is refused with a message to upgrade aliquant.
``assumptions``
    An object with any of the quantities of the groups ``programme``, ``quality``, ``threat`` and
    ``goal`` (``labels``, ``error_rate``, ``blind_spot``, ``fooled_rate``, ``footprint``, ``exploitation``,
    ``competitors_log10``, ``prior_bits``, ``target``). ``agreement`` may be given instead of
    ``error_rate`` (not both); it is converted, ε = (1 − √(2a − 1))/2, and written back as
    ``error_rate``. A missing quantity takes the table's default.
``sources``
    A list of at most :data:`MAX_SOURCES` labelling sources, each an object with ``name`` (a
    non-empty string, unique in the file), ``error_rate`` or ``agreement``, ``blind_spot``, the
    ``source`` group but ``redundancy`` (``cost_per_label``, ``seconds_per_label``, ``workforce``,
    ``hours_per_week``; these six are :data:`SOURCE_FIELDS`) and an optional ``provenance``, an
    object from those six field names (``error_rate`` also covers ``agreement``) to the citation
    or assumption behind each value. A source may instead start from a preset,
    ``{"preset": "crowdworkers"}`` (keys of :data:`aliquant_core.PRESETS`), with any of the
    fields above overriding the preset's; an overridden field loses the preset's provenance
    unless the file gives a new one. Sources are written in full (values, not preset names), so a
    file keeps its numbers if a preset changes.
``programmes``
    A list of at most :data:`MAX_PROGRAMMES` programmes (holding at most :data:`MAX_ALLOCATIONS`
    allocations together), each an object with an optional ``name`` (default ``""``), an optional
    ``aggregation`` (``"pooled"``, the default; ``"weighted"``, by each source's reliability on
    ordinary items; or ``"oracle"``, the oracle bound: Nitzan–Paroush weights from the
    competitor-specific q_s, which no aggregator knows; see :mod:`aliquant_core.programme`) and
    ``allocations``, a non-empty list of objects with ``source`` (the name of a source in this
    file or, failing that, a preset key), ``labels`` and an optional ``redundancy`` (labelers per
    item, default 1).
``trajectory``
    Any of the ``rate`` group's quantities, the rates per capability generation (see
    :mod:`aliquant_core.trajectory`). Missing rates are left to the reader's defaults; only the
    given ones are stored and written.
``competitor_classes``
    A list of 1 to :data:`MAX_CLASSES` competitor classes (see :mod:`aliquant_core.classes`),
    each an object with ``name`` (a non-empty string of at most 60 characters, unique in the list)
    and any of ``competitors_log10``, ``footprint`` and ``exploitation`` (a missing one takes the
    table's default). The list is the whole set of classes: the first is the model's own
    competitor, and its values replace the ``assumptions``' ``competitors_log10``,
    ``footprint`` and ``exploitation`` (so the single-class figures are the first class's).
    Written only when present; a file without it has one class, the assumptions'.
``uncertainty``
    90% intervals, from a quantity whose ``uncertain`` scale the table gives (or ``agreement``,
    converted to an ``error_rate`` interval) to ``{"low": x, "high": y}`` with low ≤ high, both in
    the quantity's interval (above 0 where the scale is ``"log"``).

Example document
----------------
A scenario with a preset source whose blind spot is overridden, a source of its own, a programme
that mixes it with a preset named by key, three trajectory rates and two intervals:

.. code-block:: json

    {
      "aliquant_scenario": 1,
      "assumptions": {
        "labels": 200000,
        "agreement": 0.726,
        "blind_spot": 0.03,
        "footprint": 0.05,
        "exploitation": 0.65,
        "competitors_log10": 20,
        "prior_bits": 0,
        "target": 0.9
      },
      "sources": [
        {
          "preset": "crowdworkers",
          "name": "Screened crowd",
          "blind_spot": 0.04,
          "provenance": {"blind_spot": "assumption: screening removes a fifth of the crowd's"}
        },
        {
          "name": "Red team",
          "error_rate": 0.1,
          "blind_spot": 0.01,
          "cost_per_label": 8,
          "seconds_per_label": 300,
          "workforce": 6,
          "hours_per_week": 30,
          "provenance": {"workforce": "assumption: one small team"}
        }
      ],
      "programmes": [
        {
          "name": "Crowd plus red team",
          "aggregation": "weighted",
          "allocations": [
            {"source": "Screened crowd", "labels": 150000, "redundancy": 3},
            {"source": "Red team", "labels": 5000},
            {"source": "ai_judge", "labels": 1000000}
          ]
        }
      ],
      "trajectory": {
        "generations": 8,
        "competitors_log10_per_generation": 1.5,
        "assistance_divisor_per_generation": 1.1
      },
      "uncertainty": {
        "labels": {"low": 50000, "high": 500000},
        "blind_spot": {"low": 0.005, "high": 0.1}
      }
    }

Examples
--------
>>> scenario = scenario_from_json('{"aliquant_scenario": 1, "assumptions": {"labels": 5000}}')
>>> scenario.assumptions.labels, scenario.assumptions.target
(5000.0, 0.9)
>>> scenario_from_json(scenario_to_json(scenario)) == scenario
True
>>> scenario_from_json('{"aliquant_scenario": 1, "assumptions": {"labelz": 5}}')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
aliquant_core.scenario.ScenarioError: unknown key "labelz" in assumptions (valid keys: labels, ...)
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._math import error_rate_from_agreement
from .classes import MAX_CLASS_NAME, MAX_CLASSES, CompetitorClass
from .programme import AGGREGATIONS, Allocation, Programme, programme_cost
from .quantities import (
    CLASS_QUANTITIES,
    MODEL_GROUPS,
    QUANTITIES,
    Assumptions,
    Quantity,
    QuantityError,
    names_in,
)
from .sources import PRESETS, Source

__all__ = [
    "MAX_ALLOCATIONS",
    "MAX_BYTES",
    "MAX_CLASSES",
    "MAX_PROGRAMMES",
    "MAX_SOURCES",
    "SCHEMA_VERSION",
    "SOURCE_FIELDS",
    "VERSION_KEY",
    "Assumptions",
    "Scenario",
    "ScenarioError",
    "scenario_from_dict",
    "scenario_from_json",
    "scenario_to_dict",
    "scenario_to_json",
]

#: The format version this module writes, and the newest it reads.
SCHEMA_VERSION = 1

#: The top-level key that holds the version (and marks a document as an aliquant scenario).
VERSION_KEY = "aliquant_scenario"

#: Largest scenario text read, in bytes of UTF-8 (1 MB; a large scenario is a few kB).
MAX_BYTES = 1_000_000
#: Most sources a scenario holds (a real comparison has a handful; every source costs reading).
MAX_SOURCES = 100
#: Most programmes a scenario holds.
MAX_PROGRAMMES = 100
#: Most allocations in all of a scenario's programmes together (a programme mixes a few sources).
MAX_ALLOCATIONS = 1_000

#: A source's numeric fields, in the order they are written (and the keys its provenance may have).
SOURCE_FIELDS = ("error_rate", "blind_spot", *(n for n in names_in("source") if n != "redundancy"))

_VERSION = Quantity(VERSION_KEY, "", "", "", "", 1.0, math.inf, False, True, 1.0, "", "", "", whole=True)
_ASSUMPTION_KEYS = names_in(*MODEL_GROUPS)
_RATES = names_in("rate")
_UNCERTAIN = tuple(name for name, q in QUANTITIES.items() if q.uncertain)
#: The interval ends of each uncertain quantity: its interval, above 0 where it is log-normal.
_ENDS = {
    name: dataclasses.replace(q, low_open=q.low_open or q.uncertain == "log")
    for name, q in QUANTITIES.items()
    if name in (*_UNCERTAIN, "agreement")
}
_TOP_KEYS = (
    VERSION_KEY, "assumptions", "competitor_classes", "sources", "programmes", "trajectory", "uncertainty",
    "estimates",
)  # fmt: skip
_CLASS_KEYS = ("name", *CLASS_QUANTITIES)
_SOURCE_KEYS = ("preset", "name", "error_rate", "agreement", *SOURCE_FIELDS[1:], "provenance")


class ScenarioError(QuantityError):
    """A scenario document or value that cannot be read; the message names what is wrong and where.

    A :class:`aliquant_core.quantities.QuantityError` (so a ``ValueError``) that also names the
    place in the document.

    Parameters
    ----------
    message : str
        What is wrong, starting with its path where there is one.
    path : str, optional
        Where in the document, e.g. ``"sources[1].blind_spot"``; None for the document as a whole.

    Attributes
    ----------
    path : str or None
        As given.
    """

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


# ---------------------------------------------------------------------------------------------
# Reading values: one message format, naming the path.


class _NonFinite:
    """What the JSON parser returns for ``NaN``, ``Infinity`` and ``-Infinity``: refused as numbers."""

    def __init__(self, text: str):
        self.text = text


class _Object(dict):
    """A parsed JSON object that remembers the keys it had more than once."""

    duplicates: tuple[str, ...] = ()

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, Any]]) -> _Object:
        obj = cls(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))
        return obj


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _clip(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _show(value: Any) -> str:
    """A short display of a value from a document, JSON-like; containers by their kind only."""
    if isinstance(value, _NonFinite):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(_clip(value), ensure_ascii=False)
    if isinstance(value, numbers.Integral):
        try:
            return _clip(str(value))
        except ValueError:  # more digits than Python converts to text
            return "a whole number too large to print"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return _clip(repr(value)) if math.isfinite(value) else ("-" if value < 0 else "") + "Infinity"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return _clip(f"a {type(value).__name__}")


def _number(value: Any, path: str, quantity: Quantity) -> Any:
    """``value`` as a float (an int for a whole quantity) in ``quantity``'s interval, or ScenarioError."""
    kind = "a whole number" if quantity.whole else "a number"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ScenarioError(f"{path} must be {kind}; got {_show(value)}", path)
    try:
        return (int if quantity.whole else float)(quantity.check(value))
    except QuantityError:  # named again by its path, with the value as the document gave it
        try:
            finite = math.isfinite(float(value))
        except OverflowError:
            finite = False
    if not finite:
        must = "must be a finite number in"
    elif quantity.whole and dataclasses.replace(quantity, whole=False).contains(value):
        must = "must be a whole number in"
    else:
        must = "must be in"
    raise ScenarioError(f"{path} {must} {quantity.range_text}; got {_show(value)}", path)


def _numbers(obj: Mapping, path: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Each of ``names`` that ``obj`` has, checked against its quantity in the table."""
    return {name: _number(obj[name], _join(path, name), QUANTITIES[name]) for name in names if name in obj}


def _error_rate(a: float) -> float:
    return float(error_rate_from_agreement(a))


def _swapped(interval: tuple[float, float]) -> tuple[float, float]:
    """An agreement interval as an error-rate interval: higher agreement, lower error, so the ends swap."""
    return _error_rate(interval[1]), _error_rate(interval[0])


def _agreement_to_error_rate(values: dict, path: str, convert: Callable = _error_rate) -> dict:
    """``values`` with an ``agreement`` entry replaced by the ``error_rate`` it implies."""
    if "agreement" in values:
        if "error_rate" in values:
            raise ScenarioError(
                f"{path} gives both error_rate and agreement; give exactly one", _join(path, "agreement")
            )
        values["error_rate"] = convert(values.pop("agreement"))
    return values


def _string(value: Any, path: str, *, nonempty: bool = False) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{path} must be a string; got {_show(value)}", path)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ScenarioError(f"{path} must be text without unpaired surrogates", path) from None
    if nonempty and not value.strip():
        raise ScenarioError(f"{path} must be a non-empty string; got {_show(value)}", path)
    return value


def _object(value: Any, path: str, keys: tuple[str, ...], what: str | None = None) -> Mapping:
    """``value`` if it is an object with no duplicate or unknown keys."""
    where = what or path
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{where} must be an object; got {_show(value)}", path or None)
    for key in value:
        if not isinstance(key, str):
            raise ScenarioError(f"{where} has a key that is not a string: {_show(key)}", path or None)
    duplicates = getattr(value, "duplicates", ())
    if duplicates:
        raise ScenarioError(f"duplicate key {_show(duplicates[0])} in {where}", path or None)
    for key in value:
        if key not in keys:
            raise ScenarioError(
                f"unknown key {_show(key)} in {where} (valid keys: {', '.join(keys)})", _join(path, key)
            )
    return value


def _list(value: Any, path: str) -> list | tuple:
    if not isinstance(value, list | tuple):
        raise ScenarioError(f"{path} must be a list; got {_show(value)}", path)
    return value


def _missing(path: str, key: str, hint: str = "") -> ScenarioError:
    return ScenarioError(f"{path} is missing {_show(key)}{hint}", _join(path, key))


def _require(obj: Mapping, path: str, keys: tuple[str, ...]) -> Mapping:
    for key in keys:
        if key not in obj:
            raise _missing(path, key)
    return obj


def _choice(value: Any, path: str, choices: Mapping | tuple) -> str:
    if _string(value, path) not in choices:
        raise ScenarioError(f"{path} must be one of {', '.join(choices)}; got {_show(value)}", path)
    return value


# ---------------------------------------------------------------------------------------------
# The scenario.


class _FrozenMapping(Mapping):
    """A read-only, hashable, picklable mapping (the scenario's trajectory and uncertainty)."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping = ()):
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self) -> Iterator:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other) -> bool:
        return dict(self._data) == dict(other) if isinstance(other, Mapping) else NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)

    def __reduce__(self):
        return (type(self), (self._data,))


def _check_provenance(provenance: Any, path: str) -> tuple[tuple[str, str], ...]:
    """Provenance as pairs in :data:`SOURCE_FIELDS` order, from a mapping or pairs."""
    if not isinstance(provenance, Mapping):
        try:
            provenance = dict(provenance)
        except (TypeError, ValueError):
            raise ScenarioError(f"{path} must be an object; got {_show(provenance)}", path) from None
    _object(provenance, path, SOURCE_FIELDS)
    return tuple(
        (name, _string(provenance[name], _join(path, name))) for name in SOURCE_FIELDS if name in provenance
    )


def _check_trajectory(rates: Any, path: str = "trajectory") -> dict[str, float]:
    if dataclasses.is_dataclass(rates) and not isinstance(rates, type):
        rates = dataclasses.asdict(rates)  # e.g. a TrajectoryRates: every rate
    return _numbers(_object(rates, path, _RATES), path, _RATES)


def _interval(low: Any, high: Any, name: str, path: str) -> tuple[float, float]:
    low = _number(low, _join(path, "low"), _ENDS[name])
    high = _number(high, _join(path, "high"), _ENDS[name])
    if low > high:
        raise ScenarioError(f"{path} must have low ≤ high; got low {low!r}, high {high!r}", path)
    return low, high


def _check_uncertainty(intervals: Any, path: str = "uncertainty") -> dict[str, tuple[float, float]]:
    _object(intervals, path, _UNCERTAIN)
    checked = {}
    for name in _UNCERTAIN:
        if name not in intervals:
            continue
        pair = intervals[name]
        where = _join(path, name)
        if isinstance(pair, str | bytes | Mapping) or not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ScenarioError(f"{where} must be a pair (low, high); got {_show(pair)}", where)
        checked[name] = _interval(pair[0], pair[1], name, where)
    return checked


#: The estimates section (issue #16): its counts, texts and estimates (each value, low, high, method).
_ESTIMATE_COUNTS = ("n_items", "n_labelers", "n_labels", "n_gold")
_ESTIMATE_TEXTS = ("provenance", "source", "blind_spot_reason")
_ESTIMATE_VALUES = ("agreement", "error_rate_from_agreement", "error_rate", "blind_spot")
_ESTIMATE_KEYS = (
    *_ESTIMATE_TEXTS[:2], *_ESTIMATE_COUNTS, "confidence", *_ESTIMATE_VALUES, _ESTIMATE_TEXTS[2],
)  # fmt: skip


def _real(value: Any, path: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not low <= float(value) <= high:
        raise ScenarioError(f"{path} must be a number in [{low:g}, {high:g}]; got {_show(value)}", path)
    return float(value)


def _check_estimates(value: Any, path: str = "estimates") -> _FrozenMapping | None:
    """The estimates section checked: ``provenance`` and ``error_rate`` required, the rest optional.

    Counts are whole numbers ≥ 0, ``confidence`` in (0, 1), texts strings; each estimate an object
    of ``value`` (finite: σ̂ may fall below 0 by chance), ``low`` ≤ ``high`` in [0, 1]
    and ``method``; ``blind_spot`` may be null (not identified without gold items).
    """
    if value is None:
        return None
    obj = _require(_object(value, path, _ESTIMATE_KEYS), path, ("provenance", "error_rate"))
    checked: dict[str, Any] = {}
    for key in _ESTIMATE_KEYS:
        if key not in obj:
            continue
        where, item = _join(path, key), obj[key]
        if key in _ESTIMATE_TEXTS:
            checked[key] = _string(item, where, nonempty=key == "provenance")
        elif key in _ESTIMATE_COUNTS:
            count = _real(item, where, 0, 1e15)
            if count != int(count):
                raise ScenarioError(f"{where} must be a whole number; got {_show(item)}", where)
            checked[key] = int(count)
        elif key == "confidence":
            checked[key] = _real(item, where, 0, 1)
        elif item is None and key != "error_rate":
            checked[key] = None
        else:
            parts = _object(item, where, ("value", "low", "high", "method"))
            parts = _require(parts, where, ("value", "low", "high"))
            low, high = _real(parts["low"], f"{where}.low", 0, 1), _real(parts["high"], f"{where}.high", 0, 1)
            if low > high:
                raise ScenarioError(f"{where}: low {_show(low)} is above high {_show(high)}", where)
            point = _real(parts["value"], f"{where}.value", -1e300, 1e300)
            estimate = {"value": point, "low": low, "high": high}
            estimate["method"] = _string(parts.get("method", ""), f"{where}.method")
            checked[key] = _FrozenMapping(estimate)
    return _FrozenMapping(checked)


def _estimates_to_dict(estimates: Mapping[str, Any]) -> dict[str, Any]:
    return {key: dict(value) if isinstance(value, Mapping) else value for key, value in estimates.items()}


def _source_reference(source: Source, by_name: Mapping[str, Source]) -> str | None:
    """How a programme's file names ``source``: its name, a preset key, or None if it cannot."""
    if by_name.get(source.name) == source:
        return source.name
    for key, preset in PRESETS.items():
        if preset == source and key not in by_name:
            return key
    return None


def _check_allocation(allocation: Any, where: str, by_name: Mapping[str, Source]) -> None:
    if not isinstance(allocation, Allocation) or not isinstance(allocation.source, Source):
        raise ScenarioError(f"{where} must be an Allocation of a Source", f"{where}.source")
    _numbers(vars(allocation), where, ("labels", "redundancy"))
    if _source_reference(allocation.source, by_name) is None:
        where = f"{where}.source"
        shadowed = [k for k, preset in PRESETS.items() if preset == allocation.source]
        if shadowed:  # a preset is named by its key, which a source of this scenario also uses
            raise ScenarioError(
                f"{where} is the preset {_show(shadowed[0])}, but a source of this scenario is named "
                f"{_show(shadowed[0])} too, and a file names a preset by that key; rename that source",
                where,
            )
        raise ScenarioError(
            f"{where} {_show(allocation.source.name)} is neither one of the scenario's sources nor a "
            "preset; add it to sources",
            where,
        )


def _unique(source: Source, path: str, by_name: dict[str, Source]) -> None:
    if source.name in by_name:
        raise ScenarioError(
            f"{path}.name {_show(source.name)} is the name of an earlier source; source names must be unique",
            f"{path}.name",
        )
    by_name[source.name] = source


def _check_classes(classes: Any, path: str = "competitor_classes") -> tuple[CompetitorClass, ...]:
    """The competitor classes, checked: a list of at most :data:`MAX_CLASSES` with unique names.

    Each entry is a :class:`CompetitorClass` or an object keyed by ``name`` and
    :data:`aliquant_core.CLASS_QUANTITIES`; a bad one is a ScenarioError naming its path.
    """
    entries = _list(classes, path)
    if len(entries) > MAX_CLASSES:
        raise ScenarioError(
            f"{path} lists {len(entries):,} classes; a scenario holds at most {MAX_CLASSES}", path
        )
    checked: list[CompetitorClass] = []
    for i, entry in enumerate(entries):
        where = f"{path}[{i}]"
        if isinstance(entry, CompetitorClass):
            entry = entry.as_dict()
        obj = _require(_object(entry, where, _CLASS_KEYS), where, ("name",))
        name = _string(obj["name"], f"{where}.name", nonempty=True)
        if len(name.strip()) > MAX_CLASS_NAME:
            raise ScenarioError(
                f"{where}.name must have at most {MAX_CLASS_NAME} characters; got {len(name.strip())}",
                f"{where}.name",
            )
        try:
            klass = CompetitorClass(name, **_numbers(obj, where, CLASS_QUANTITIES))
        except ScenarioError:
            raise
        except QuantityError as error:
            raise ScenarioError(f"{where}.name: {error}", f"{where}.name") from None
        if any(c.name == klass.name for c in checked):
            raise ScenarioError(
                f"{where}.name {_show(klass.name)} is already the name of another class", f"{where}.name"
            )
        checked.append(klass)
    return tuple(checked)


def _check_counts(sources: Any, programmes: Any) -> None:
    """Refuse more sources, programmes or allocations than a scenario holds, before reading them.

    Counted on the lists as given (document or Python values), so a huge file costs the JSON
    parse only: reading each source and allocation is what takes the time (docs/benchmarks.md).
    """
    if isinstance(sources, list | tuple) and len(sources) > MAX_SOURCES:
        raise ScenarioError(
            f"sources lists {len(sources):,} sources; a scenario holds at most {MAX_SOURCES}", "sources"
        )
    if not isinstance(programmes, list | tuple):
        return
    if len(programmes) > MAX_PROGRAMMES:
        raise ScenarioError(
            f"programmes lists {len(programmes):,} programmes; a scenario holds at most {MAX_PROGRAMMES}",
            "programmes",
        )
    total = 0
    for programme in programmes:
        allocations = (
            programme.get("allocations")
            if isinstance(programme, Mapping)
            else (getattr(programme, "allocations", None))
        )
        if isinstance(allocations, list | tuple):
            total += len(allocations)
    if total > MAX_ALLOCATIONS:
        raise ScenarioError(
            f"programmes hold {total:,} allocations in all; a scenario holds at most {MAX_ALLOCATIONS:,}",
            "programmes",
        )


@dataclass(frozen=True)
class Scenario:
    """A whole scenario: assumptions, sources, programmes, trajectory rates and uncertainty.

    Attributes
    ----------
    assumptions : Assumptions
        The model's assumptions (:class:`aliquant_core.quantities.Assumptions`, defaults from
        :data:`aliquant_core.QUANTITIES`). Label quality is held as ``error_rate``: an
        ``agreement`` given is converted (so the file, which writes ``error_rate``, reads back
        equal).
    sources : tuple of Source
        Labelling sources, with unique non-empty names.
    programmes : tuple of Programme
        Each allocation's source must be one of ``sources`` or a preset (equal to a value of
        :data:`aliquant_core.PRESETS`), so that the file can name it.
    trajectory : Mapping of str to float
        Rates per generation, quantities of the table's ``rate`` group (all optional;
        ``generations`` an int). A :class:`aliquant_core.trajectory.TrajectoryRates` is accepted
        too; so ``TrajectoryRates(**scenario.trajectory)`` gives the rates, defaults filling the
        rest.
    uncertainty : Mapping of str to (float, float)
        90% intervals (low, high) for quantities whose ``uncertain`` scale the table gives.
    estimates : Mapping or None
        Label quality estimated from the user's own labels, with its provenance: the numbers of
        :meth:`aliquant_core.QualityEstimates.summary`, never the labels (see :func:`_check_estimates`).
        A record of what the labels implied; the assumptions may differ. Written only when present.
    competitor_classes : tuple of CompetitorClass
        The competitor classes, or empty for the assumptions' one class (see :attr:`classes`); the
        first replaces the assumptions' count, footprint and exploitation. Written only when present.

    Notes
    -----
    Construction validates everything a file is checked for, so every Scenario can be written and
    read back equal; a bad value raises :class:`ScenarioError` naming its path.
    """

    assumptions: Assumptions = field(default_factory=Assumptions)
    sources: tuple[Source, ...] = ()
    programmes: tuple[Programme, ...] = ()
    trajectory: Mapping[str, float] = field(default_factory=_FrozenMapping)
    uncertainty: Mapping[str, tuple[float, float]] = field(default_factory=_FrozenMapping)
    estimates: Mapping[str, Any] | None = None
    competitor_classes: tuple[CompetitorClass, ...] = ()

    def __post_init__(self):
        if not isinstance(self.assumptions, Assumptions):
            raise ScenarioError(f"assumptions must be an Assumptions; got {_show(self.assumptions)}")
        classes = _check_classes(self.competitor_classes)
        object.__setattr__(self, "competitor_classes", classes)
        if classes:  # the first class is the model's own competitor
            object.__setattr__(self, "assumptions", self.assumptions.replace(**classes[0].threat))
        if self.assumptions.agreement is not None:  # held, as the file writes it, as error_rate
            error_rate = self.assumptions.error_rate
            object.__setattr__(self, "assumptions", self.assumptions.replace(error_rate=error_rate))
        _check_counts(self.sources, self.programmes)
        sources = tuple(_list(self.sources, "sources"))
        by_name: dict[str, Source] = {}
        for i, source in enumerate(sources):
            path = f"sources[{i}]"
            if not isinstance(source, Source):
                raise ScenarioError(f"{path} must be a Source; got {_show(source)}", path)
            _string(source.name, f"{path}.name", nonempty=True)
            _check_provenance(source.provenance, f"{path}.provenance")
            _unique(source, path, by_name)
        programmes = tuple(_list(self.programmes, "programmes"))
        for i, programme in enumerate(programmes):
            path = f"programmes[{i}]"
            if not isinstance(programme, Programme):
                raise ScenarioError(f"{path} must be a Programme; got {_show(programme)}", path)
            _string(programme.name, f"{path}.name")
            for j, allocation in enumerate(programme.allocations):
                _check_allocation(allocation, f"{path}.allocations[{j}]", by_name)
            try:  # each value in range, but a cost (labels × redundancy × price, ...) must be a number too
                programme_cost(programme)
            except QuantityError as error:
                raise ScenarioError(f"{path}: {error}", path) from None
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "programmes", programmes)
        object.__setattr__(self, "trajectory", _FrozenMapping(_check_trajectory(self.trajectory)))
        object.__setattr__(self, "uncertainty", _FrozenMapping(_check_uncertainty(self.uncertainty)))
        object.__setattr__(self, "estimates", _check_estimates(self.estimates))

    @property
    def classes(self) -> tuple[CompetitorClass, ...]:
        """The competitor classes: the file's list, or the assumptions' one class if it has none."""
        if self.competitor_classes:
            return self.competitor_classes
        return (CompetitorClass(**{q: getattr(self.assumptions, q) for q in CLASS_QUANTITIES}),)

    def with_(self, **changes) -> Scenario:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The scenario as a JSON-ready dict (see :func:`scenario_to_dict`)."""
        return scenario_to_dict(self)

    def to_json(self) -> str:
        """The scenario as JSON text (see :func:`scenario_to_json`)."""
        return scenario_to_json(self)

    @classmethod
    def from_dict(cls, data: Any) -> Scenario:
        """A scenario from a parsed document (see :func:`scenario_from_dict`)."""
        return scenario_from_dict(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Scenario:
        """A scenario from JSON text (see :func:`scenario_from_json`)."""
        return scenario_from_json(text)


# ---------------------------------------------------------------------------------------------
# Writing.


def _source_to_dict(source: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"name": source.name, **{name: getattr(source, name) for name in SOURCE_FIELDS}}
    provenance = dict(_check_provenance(source.provenance, "provenance"))
    return {**out, "provenance": provenance} if provenance else out


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """A scenario as a dict of plain JSON values, in the file's canonical key order.

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    dict
        The document: version, every assumption, sources in full, programmes (sources named by
        name or preset key), the given trajectory rates and the intervals.
    """
    if not isinstance(scenario, Scenario):
        raise ScenarioError(f"expected a Scenario; got {_show(scenario)}")
    by_name = {source.name: source for source in scenario.sources}
    return {
        VERSION_KEY: SCHEMA_VERSION,
        "assumptions": scenario.assumptions.as_dict(),
        **(
            {"competitor_classes": [c.as_dict() for c in scenario.competitor_classes]}
            if scenario.competitor_classes
            else {}
        ),
        "sources": [_source_to_dict(source) for source in scenario.sources],
        "programmes": [
            {
                "name": programme.name,
                "aggregation": programme.aggregation,
                "allocations": [
                    {
                        "source": _source_reference(allocation.source, by_name),
                        "labels": allocation.labels,
                        "redundancy": allocation.redundancy,
                    }
                    for allocation in programme.allocations
                ],
            }
            for programme in scenario.programmes
        ],
        "trajectory": {name: scenario.trajectory[name] for name in _RATES if name in scenario.trajectory},
        "uncertainty": {
            name: {"low": low, "high": high}
            for name in _UNCERTAIN
            if name in scenario.uncertainty
            for low, high in [scenario.uncertainty[name]]
        },
        **({} if scenario.estimates is None else {"estimates": _estimates_to_dict(scenario.estimates)}),
    }


def scenario_to_json(scenario: Scenario) -> str:
    """A scenario as canonical JSON text: fixed key order, two-space indent, full float precision.

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    str
        UTF-8-ready text ending in a newline; the same scenario always gives the same text, and
        :func:`scenario_from_json` reads it back equal.
    """
    return json.dumps(scenario_to_dict(scenario), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Reading.


def _assumptions_from(value: Any) -> Assumptions:
    values = _numbers(_object(value, "assumptions", _ASSUMPTION_KEYS), "assumptions", _ASSUMPTION_KEYS)
    return Assumptions(**_agreement_to_error_rate(values, "assumptions"))


def _source_from(value: Any, path: str) -> Source:
    obj = _object(value, path, _SOURCE_KEYS)
    base = PRESETS[_choice(obj["preset"], f"{path}.preset", PRESETS)] if "preset" in obj else None
    hint = " (needed unless the source starts from a preset)"
    if "name" in obj:
        name = _string(obj["name"], f"{path}.name", nonempty=True)
    elif base is not None:
        name = base.name
    else:
        raise _missing(path, "name", hint)
    values = _agreement_to_error_rate(_numbers(obj, path, ("agreement", *SOURCE_FIELDS)), path)
    provenance = {}
    if base is not None:
        provenance = {k: v for k, v in base.provenance if k not in values}
        values = {k: values.get(k, getattr(base, k)) for k in SOURCE_FIELDS}
    for key in SOURCE_FIELDS:
        if key not in values:
            what = '"error_rate" or "agreement"' if key == "error_rate" else _show(key)
            raise ScenarioError(f"{path} is missing {what}{hint}", f"{path}.{key}")
    if "provenance" in obj:
        where = f"{path}.provenance"
        provenance.update(_check_provenance(_object(obj["provenance"], where, SOURCE_FIELDS), where))
    pairs = tuple((k, provenance[k]) for k in SOURCE_FIELDS if k in provenance)
    return Source(name=name, **values, provenance=pairs)


def _programme_from(value: Any, path: str, by_name: Mapping[str, Source]) -> Programme:
    obj = _object(value, path, ("name", "aggregation", "allocations"))
    name = _string(obj["name"], f"{path}.name") if "name" in obj else ""
    aggregation = _choice(obj.get("aggregation", "pooled"), f"{path}.aggregation", AGGREGATIONS)
    entries = _list(_require(obj, path, ("allocations",))["allocations"], f"{path}.allocations")
    if not entries:
        raise ScenarioError(f"{path}.allocations must list at least one allocation", f"{path}.allocations")
    allocations = []
    for j, entry in enumerate(entries):
        where = f"{path}.allocations[{j}]"
        item = _require(
            _object(entry, where, ("source", "labels", "redundancy")), where, ("source", "labels")
        )
        reference = _string(item["source"], f"{where}.source")
        source = by_name.get(reference, PRESETS.get(reference))
        if source is None:
            names = ", ".join(_show(n) for n in by_name) or "none"
            raise ScenarioError(
                f"{where}.source {_show(reference)} is not a source in this file ({names}) "
                f"or a preset ({', '.join(PRESETS)})",
                f"{where}.source",
            )
        numbers_ = _numbers({"redundancy": 1, **item}, where, ("labels", "redundancy"))
        allocations.append(Allocation(source, **numbers_))
    return Programme(tuple(allocations), aggregation, name)


def _uncertainty_from(value: Any) -> dict[str, tuple[float, float]]:
    path = "uncertainty"
    obj = _object(value, path, tuple(_ENDS))
    intervals = {}
    for name in obj:
        where = _join(path, name)
        pair = _require(_object(obj[name], where, ("low", "high")), where, ("low", "high"))
        intervals[name] = _interval(pair["low"], pair["high"], name, where)
    return _agreement_to_error_rate(intervals, path, _swapped)


def scenario_from_dict(data: Any) -> Scenario:
    """A scenario from a parsed document (dicts, lists, strings and numbers).

    Parameters
    ----------
    data : Mapping
        The document, as :func:`json.loads` gives it or :func:`scenario_to_dict` wrote it.

    Returns
    -------
    Scenario
        The scenario, missing assumptions filled from the table's defaults.

    Raises
    ------
    ScenarioError
        If the document is not an object, lacks the version or has a newer one, has more
        sources, programmes or allocations than :data:`MAX_SOURCES`, :data:`MAX_PROGRAMMES` and
        :data:`MAX_ALLOCATIONS` allow, or has an unknown key, a duplicate key, a value of the
        wrong type or out of range, a duplicate source name, or a programme naming a source that
        is neither in the file nor a preset. The message starts with the path of what is wrong.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError(f"a scenario must be a JSON object; got {_show(data)}")
    duplicates = getattr(data, "duplicates", ())
    if duplicates:
        raise ScenarioError(f"duplicate key {_show(duplicates[0])} in the scenario")
    if VERSION_KEY not in data:
        raise ScenarioError(
            f'missing "{VERSION_KEY}": a scenario starts with {{"{VERSION_KEY}": {SCHEMA_VERSION}, ...}}',
            VERSION_KEY,
        )
    version = _number(data[VERSION_KEY], VERSION_KEY, _VERSION)
    if version > SCHEMA_VERSION:
        raise ScenarioError(
            f"scenario version {_show(version)} is newer than this aliquant reads ({SCHEMA_VERSION}); "
            "upgrade aliquant",
            VERSION_KEY,
        )
    _object(data, "", _TOP_KEYS, "the scenario")
    _check_counts(data.get("sources", []), data.get("programmes", []))
    assumptions = _assumptions_from(data["assumptions"]) if "assumptions" in data else Assumptions()
    by_name: dict[str, Source] = {}
    for i, entry in enumerate(_list(data.get("sources", []), "sources")):
        _unique(_source_from(entry, f"sources[{i}]"), f"sources[{i}]", by_name)
    programmes = [
        _programme_from(entry, f"programmes[{i}]", by_name)
        for i, entry in enumerate(_list(data.get("programmes", []), "programmes"))
    ]
    trajectory = _check_trajectory(data.get("trajectory", {}))
    uncertainty = _uncertainty_from(data.get("uncertainty", {}))
    estimates = data.get("estimates")
    classes = _check_classes(data.get("competitor_classes", []))
    sources = tuple(by_name.values())
    return Scenario(assumptions, sources, tuple(programmes), trajectory, uncertainty, estimates, classes)


def scenario_from_json(text: str | bytes) -> Scenario:
    """A scenario from JSON text.

    Parameters
    ----------
    text : str or bytes
        The document (bytes are read as UTF-8), at most :data:`MAX_BYTES` bytes.

    Returns
    -------
    Scenario
        As :func:`scenario_from_dict`.

    Raises
    ------
    ScenarioError
        If the text is too large, not UTF-8, not JSON (the message gives the line and column),
        uses NaN or Infinity, or fails any check of :func:`scenario_from_dict`.
    """
    if isinstance(text, bytes | bytearray):
        size = len(text)
    elif isinstance(text, str):
        # Characters never outnumber UTF-8 bytes: a long text is refused before it is encoded.
        size = len(text) if len(text) > MAX_BYTES else len(text.encode("utf-8", "surrogatepass"))
    else:
        raise ScenarioError(f"scenario text must be a string; got {_show(text)}")
    if size > MAX_BYTES:
        raise ScenarioError(
            f"scenario is too large: over {MAX_BYTES:,} bytes (1 MB; got at least {size:,}); "
            "a scenario is a few kB"
        )
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as error:
            raise ScenarioError(
                f"scenario is not UTF-8 text: the byte at offset {error.start} cannot be decoded"
            ) from None
    try:
        data = json.loads(text, parse_constant=_NonFinite, object_pairs_hook=_Object.from_pairs)
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    except RecursionError:
        raise ScenarioError("invalid JSON: nested too deeply") from None
    except ValueError as error:
        if "digits" in str(error):  # a whole number with more digits than Python converts
            raise ScenarioError("invalid JSON: a number has too many digits") from None
        raise ScenarioError(f"invalid JSON: {_clip(str(error), 120)}") from None  # pragma: no cover
    return scenario_from_dict(data)
