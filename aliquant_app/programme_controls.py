"""The Programmes page's controls that are drawn only some of the time, kept in one linked store.

Four programmes of eight inputs each would be 32 widgets in every rerun of the page (about 10 ms
of Streamlit's own work; see ``docs/benchmarks.md``), so only the programme whose tab is open
draws its inputs, and :data:`STORE` (an :class:`aliquant_app.linked.LinkedStore`) keeps every
programme's values and writes them into the share link; so does it for the controls of the page's
sections (budget range and axis, the cheapest-programme search, the budget split), of which only
the open section is drawn. The link holds each field that differs
from its default, under its key (``p2_na``, see :func:`aliquant_app.programmes_view.key`); sources
are written by name, as a bound selectbox writes an option, and read by name or preset key. A
programme's source may also be the one estimated from the user's labels (``Your labels``), which
the link names and the estimates' own link key (``est``) carries; without estimates it is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aliquant_core import PRESETS
from aliquant_core.quantities import QUANTITIES

from . import programmes_view as view
from .linked import Field, LinkedStore, link_number, read_choice, read_number, read_text

__all__ = [
    "ALL_DEFAULTS",
    "DEFAULTS",
    "FIELDS",
    "MAX_LABELS",
    "MAX_NAME",
    "MAX_REDUNDANCY",
    "SECTION_DEFAULTS",
    "SOURCE_KEYS",
    "STORE",
    "defaults",
    "hidden",
    "spec_of",
    "stale_sources",
]

#: A programme's fields, in the order its inputs are drawn.
FIELDS = view.FIELDS
#: Longest programme name (the text input's ``max_chars``).
MAX_NAME = 40
#: Most labelers per item (the table of quantities' ``redundancy``).
MAX_REDUNDANCY = int(QUANTITIES["redundancy"].control_high)
#: Most labels from one source (the table's ``labels``).
MAX_LABELS = QUANTITIES["labels"].control_high


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
        # The source from the user's labels is read too; the page drops it, with a note, when the
        # session has no estimates applied (see stale_sources).
        options = (*PRESETS, view.YOUR_LABELS) if kind == "a" else (view.NONE, *PRESETS, view.YOUR_LABELS)
        return Field(key, read_choice(options, view.source_name), lambda value: [view.source_name(value)])
    if kind in ("na", "nb"):
        return Field(key, read_number(0.0, MAX_LABELS), lambda value: [link_number(value)])
    return Field(key, read_number(1.0, MAX_REDUNDANCY, whole=True), lambda value: [link_number(value)])


def _read_budgets(raw: list[str]) -> tuple[float, float]:
    """The budget range: two steps of :data:`~aliquant_app.programmes_view.BUDGET_STEPS`, each by
    its label (``$3k``, as the range slider writes it) or in dollars."""
    parts = [part for part in raw if part != ""]
    if len(parts) != 2:
        raise ValueError("not two budgets (low and high)")
    ends = []
    for part in parts:
        step = next((b for b in view.BUDGET_STEPS if part in (view.budget_label(b), link_number(b))), None)
        if step is None:
            steps = ", ".join(view.budget_label(b) for b in view.BUDGET_STEPS)
            raise ValueError(f"not one of the steps {steps}")
        ends.append(step)
    low, high = sorted(ends)  # as a range slider holds them
    return low, high


_read_split_source = read_choice((*PRESETS, view.YOUR_LABELS), view.source_name)

#: The page's other controls drawn only in their section, their defaults and link fields.
SECTION_DEFAULTS: dict[str, Any] = {
    "budgets": view.DEFAULT_BUDGETS,
    "budget_axis": "dollars",
    "cheap_pool": "presets",
    "cheap_agg": "pooled",
    "split_a": "experts",
    "split_b": "contractors",
    "split_budget": 70_000.0,
    "split_agg": "pooled",
}
_SECTION_FIELDS = (
    Field("budgets", _read_budgets, lambda ends: [view.budget_label(end) for end in ends]),
    Field(
        "budget_axis",
        read_choice(tuple(view.AXIS_NAMES), view.axis_name),
        lambda axis: [view.axis_name(axis)],
    ),
    Field(
        "cheap_pool",
        read_choice(tuple(view.POOL_LABELS), view.pool_label),
        lambda pool: [view.pool_label(pool)],
    ),
    Field("cheap_agg", read_choice(view.AGGREGATIONS), lambda value: [value]),
    *(Field(key, _read_split_source, lambda p: [view.source_name(p)]) for key in ("split_a", "split_b")),
    Field("split_budget", read_number(1.0, 1e11), lambda value: [link_number(value)]),
    Field("split_agg", read_choice(view.AGGREGATIONS), lambda value: [value]),
)

#: The page's controls that are drawn only some of the time (the open programme's inputs, the open
#: section's controls): in one Session State entry, and in the link.
STORE = LinkedStore(
    "_aliquant_programmes",
    (*(_field(key) for key in view.PROGRAMME_LINK_KEYS), *_SECTION_FIELDS),
)
#: Every stored control's default.
ALL_DEFAULTS: dict[str, Any] = {**DEFAULTS, **SECTION_DEFAULTS}


def hidden(shown: int) -> dict[str, str]:
    """The fields of the programmes beyond ``shown``, and why they are not used."""
    return {
        key: f"programme {index} is not shown (`n_prog`={shown})"
        for index in range(shown + 1, view.MAX_PROGRAMMES + 1)
        for key in defaults(index)
    }


#: The page's source fields: the programmes' (``p1_a``, ``p1_b``, ...) and the budget split's.
SOURCE_KEYS = (
    *(view.key(i, slot) for i in range(1, view.MAX_PROGRAMMES + 1) for slot in "ab"),
    "split_a",
    "split_b",
)


def stale_sources(values: Mapping[str, Any], estimated: Any) -> list[str]:
    """The source fields set to :data:`~aliquant_app.programmes_view.YOUR_LABELS` while no
    estimates are applied (``estimated`` is None): a link's, whose estimates did not come with it."""
    if estimated is not None:
        return []
    return [key for key in SOURCE_KEYS if values.get(key) == view.YOUR_LABELS]


def spec_of(values: Mapping[str, Any], index: int, estimated: Any = None) -> tuple[str, str, view.Spec]:
    """Programme ``index``'s name, aggregation and spec from ``values`` (source B only if set).

    ``estimated`` is the source from the user's labels as numbers
    (:func:`aliquant_app.estimate_view.estimated_source`), which stands in the spec for
    :data:`~aliquant_app.programmes_view.YOUR_LABELS`.

    >>> spec_of(DEFAULTS, 2)
    ('Contractors ×3', 'pooled', (('contractors', 100000.0, 3),))
    """
    get = {field: values[view.key(index, field)] for field in FIELDS}

    def source(key: str) -> Any:
        if key != view.YOUR_LABELS:
            return key
        if estimated is None:
            raise ValueError("the source from your labels needs estimates applied")
        return estimated

    spec = [(source(get["a"]), float(get["na"]), round(get["ra"]))]
    if get["b"] != view.NONE:
        spec.append((source(get["b"]), float(get["nb"]), round(get["rb"])))
    name = str(get["name"]).strip() or f"Programme {index}"
    return name, get["agg"], tuple(spec)
