"""The Programmes page's programme controls: four programmes' fields, kept in one linked store.

Four programmes of eight inputs each would be 32 widgets in every rerun of the page (about 10 ms
of Streamlit's own work; see ``docs/benchmarks.md``), so only the programme whose tab is open
draws its inputs, and :data:`STORE` (an :class:`aliquant_app.linked.LinkedStore`) keeps every
programme's values and writes them into the share link. The link holds each field that differs
from its default, under its key (``p2_na``, see :func:`aliquant_app.programmes_view.key`); sources
are written by name, as a bound selectbox writes an option, and read by name or preset key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aliquant_core import PRESETS

from . import programmes_view as view
from .linked import Field, LinkedStore, link_number, read_choice, read_number, read_text

__all__ = [
    "DEFAULTS",
    "FIELDS",
    "MAX_LABELS",
    "MAX_NAME",
    "MAX_REDUNDANCY",
    "STORE",
    "defaults",
    "hidden",
    "spec_of",
]

#: A programme's fields, in the order its inputs are drawn.
FIELDS = ("name", "agg", "a", "na", "ra", "b", "nb", "rb")
#: Longest programme name (the text input's ``max_chars``).
MAX_NAME = 40
#: Most labelers per item.
MAX_REDUNDANCY = 25
#: Most labels from one source.
MAX_LABELS = 1e12


def defaults(index: int) -> dict[str, Any]:
    """Programme ``index``'s default values (1-based), by share-link key."""
    d = view.DEFAULT_PROGRAMMES[index - 1]
    values = (
        d.name,
        d.aggregation,
        d.source_a,
        float(d.labels_a),
        float(d.redundancy_a),
        d.source_b,
        float(d.labels_b),
        float(d.redundancy_b),
    )
    return {view.key(index, field): value for field, value in zip(FIELDS, values, strict=True)}


#: Every programme field's default, by share-link key.
DEFAULTS: dict[str, Any] = {
    key: value for index in range(1, view.MAX_PROGRAMMES + 1) for key, value in defaults(index).items()
}


def _field(key: str) -> Field:
    kind = key.split("_", 1)[1]
    if kind == "name":
        return Field(key, read_text(MAX_NAME), lambda value: [value])
    if kind == "agg":
        return Field(key, read_choice(view.AGGREGATIONS), lambda value: [value])
    if kind in ("a", "b"):
        options = tuple(PRESETS) if kind == "a" else (view.NONE, *PRESETS)
        return Field(key, read_choice(options, view.source_name), lambda value: [view.source_name(value)])
    if kind in ("na", "nb"):
        return Field(key, read_number(0.0, MAX_LABELS), lambda value: [link_number(value)])
    return Field(key, read_number(1.0, MAX_REDUNDANCY, whole=True), lambda value: [link_number(value)])


#: The programmes' values: in one Session State entry, and in the link.
STORE = LinkedStore("_aliquant_programmes", (_field(key) for key in view.PROGRAMME_LINK_KEYS))


def hidden(shown: int) -> dict[str, str]:
    """The fields of the programmes beyond ``shown``, and why they are not used."""
    return {
        key: f"programme {index} is not shown (`n_prog`={shown})"
        for index in range(shown + 1, view.MAX_PROGRAMMES + 1)
        for key in defaults(index)
    }


def spec_of(values: Mapping[str, Any], index: int) -> tuple[str, str, view.Spec]:
    """Programme ``index``'s name, aggregation and spec from ``values`` (source B only if set).

    >>> spec_of(DEFAULTS, 2)
    ('Contractors ×3', 'pooled', (('contractors', 100000.0, 3),))
    """
    get = {field: values[view.key(index, field)] for field in FIELDS}
    spec = [(get["a"], float(get["na"]), round(get["ra"]))]
    if get["b"] != view.NONE:
        spec.append((get["b"], float(get["nb"]), round(get["rb"])))
    name = str(get["name"]).strip() or f"Programme {index}"
    return name, get["agg"], tuple(spec)
