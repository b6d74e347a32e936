"""The Programmes page's programme controls: values that outlive their widgets and live in the link.

Four programmes of eight inputs each would be 32 widgets in every rerun of the page (about 10 ms
of Streamlit's own work; see ``docs/benchmarks.md``), so only the programme whose tab is open
draws its inputs. The others must still count, be compared and be in the share link:

- All 32 values live in one Session State entry, the store (:data:`STORE_KEY`). The open
  programme's widgets are seeded from it when they appear (:func:`mount`) and write back to it
  when changed (:func:`remember`, their ``on_change``). One entry rather than 32 keys: Streamlit
  rebuilds a filtered copy of Session State inside every number, select and text input call, so
  each key kept there slows every such widget on every page.
- The link is written here (:func:`write_link`), not by ``bind="query-params"``: Streamlit drops a
  bound widget's value from the URL whenever the widget is not drawn.
- A link's values are read here on the session's first visit to the page (:func:`restore`); what
  cannot be used keeps the default and is listed in the page's link note.

A value equal to its default is left out of the link, as Streamlit does for bound widgets.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from aliquant_core import PRESETS

from . import programmes_view as view
from .state import quote as _quote

__all__ = [
    "FIELDS",
    "MAX_NAME",
    "MAX_REDUNDANCY",
    "STORE_KEY",
    "Restored",
    "assign",
    "defaults",
    "link_text",
    "link_values",
    "mount",
    "parse",
    "remember",
    "restore",
    "spec_of",
    "wanted_link",
    "write_link",
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


def _number(raw: str, low: float, high: float, whole: bool) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("not a number") from None
    if not (math.isfinite(value) and low <= value <= high):
        bounds = f"[{low:g}, {high:g}]".replace("e+", "e")
        raise ValueError(f"outside {bounds}")
    return float(round(value)) if whole else value


def _source(raw: str, allow_none: bool) -> str:
    options = ((view.NONE,) if allow_none else ()) + tuple(PRESETS)
    for option in options:
        # The preset's key or its name as the page shows it (what a bound selectbox writes).
        if raw in (option, view.source_name(option)):
            return option
    names = ", ".join(f"`{option}`" for option in options)
    raise ValueError(f"not a source; one of {names}")


def _aggregation(raw: str) -> str:
    if raw not in view.AGGREGATIONS:
        raise ValueError("not `pooled` or `weighted`")
    return raw


def _name(raw: str) -> str:
    if len(raw) > MAX_NAME:
        raise ValueError(f"longer than {MAX_NAME} characters")
    return raw


_PARSERS: dict[str, Callable[[str], Any]] = {
    "name": _name,
    "agg": _aggregation,
    "a": lambda raw: _source(raw, allow_none=False),
    "b": lambda raw: _source(raw, allow_none=True),
    "na": lambda raw: _number(raw, 0.0, MAX_LABELS, whole=False),
    "nb": lambda raw: _number(raw, 0.0, MAX_LABELS, whole=False),
    "ra": lambda raw: _number(raw, 1.0, MAX_REDUNDANCY, whole=True),
    "rb": lambda raw: _number(raw, 1.0, MAX_REDUNDANCY, whole=True),
}


def _field(key: str) -> tuple[int, str]:
    index, field = key[1:].split("_", 1)
    return int(index), field


def parse(key: str, raw: str) -> Any:
    """The value a link's text ``raw`` gives the programme field ``key``.

    Raises
    ------
    ValueError
        With the reason, when the text is not a value the field takes.

    Examples
    --------
    >>> parse("p2_ra", "3")
    3.0
    >>> parse("p1_b", "Domain experts") == parse("p1_b", "experts")
    True
    >>> parse("p1_na", "1e13")
    Traceback (most recent call last):
    ...
    ValueError: outside [0, 1e12]
    """
    return _PARSERS[_field(key)[1]](raw)


def link_text(key: str, value: Any) -> str:
    """How the link writes ``value`` of the programme field ``key``.

    Sources as the page names them (as Streamlit writes a bound selectbox's option); whole numbers
    without a decimal point.

    >>> link_text("p1_na", 300000.0), link_text("p1_ra", 3.0), link_text("p1_na", 2.5)
    ('300000', '3', '2.5')
    """
    field = _field(key)[1]
    if field in ("a", "b"):
        return view.source_name(value)
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


#: Session State entry holding every programme field's value, by share-link key.
STORE_KEY = "_aliquant_programmes"


@dataclass(frozen=True)
class Restored:
    """What :func:`restore` found: every programme field's value, and notes on the link."""

    values: dict[str, Any]
    notes: list[str]


def restore(state: MutableMapping[str, Any], shown: int, asked: Mapping[str, list[str]]) -> Restored:
    """Every programme field's value, from the store in ``state`` (created on the first run).

    The first run fills the store from the link, ``asked`` (key → every value given; like
    Streamlit, the last counts), where a value is usable, and from the defaults otherwise; each
    link value not used is listed in the notes, one Markdown line each. Programmes beyond
    ``shown`` go back to their defaults (the page says so).
    """
    store = state.get(STORE_KEY)
    notes = []
    if store is None:
        store = {}
        for index in range(1, view.MAX_PROGRAMMES + 1):
            for key, default in defaults(index).items():
                store[key] = default
                raw = asked.get(key)
                if not raw:
                    continue
                if index > shown:
                    notes.append(
                        f"`{key}`={_quote(raw[-1])}: programme {index} is not shown (`n_prog`={shown})"
                    )
                    continue
                try:
                    store[key] = parse(key, raw[-1])
                except ValueError as reason:
                    notes.append(
                        f"`{key}`={_quote(raw[-1])}: {reason}; kept the default {link_text(key, default)}"
                    )
        state[STORE_KEY] = store
    for index in range(shown + 1, view.MAX_PROGRAMMES + 1):
        store.update(defaults(index))
    return Restored(dict(store), notes)


def link_values(params) -> dict[str, list[str]]:
    """The programme fields in the link ``params`` (``st.query_params``): key → every value given."""
    present = params.to_dict() if hasattr(params, "to_dict") else dict(params)
    return {
        key: params.get_all(key) if hasattr(params, "get_all") else [params[key]]
        for key in view.PROGRAMME_LINK_KEYS
        if key in present
    }


def mount(state: MutableMapping[str, Any], index: int) -> None:
    """Before programme ``index``'s inputs are drawn: give each input that is not on the page yet
    its value from the store (a widget on the page keeps its own)."""
    store = state[STORE_KEY]
    for key in defaults(index):
        if key not in state:
            state[key] = store[key]


def remember(key: str) -> None:
    """``on_change`` of a programme input: keep its new value in the store."""
    st.session_state[STORE_KEY][key] = st.session_state[key]


def assign(state: MutableMapping[str, Any], values: Mapping[str, Any]) -> None:
    """Set programme fields (in a callback): in the store, and in their inputs if on the page."""
    state[STORE_KEY].update(values)
    for key, value in values.items():
        if key in state:
            state[key] = value


def wanted_link(state: Mapping[str, Any], shown: int) -> dict[str, str]:
    """The link's programme entries for ``state``: each shown field that differs from its default."""
    wanted = {}
    for index in range(1, shown + 1):
        for key, default in defaults(index).items():
            value = state.get(key, default)
            if value != default:
                wanted[key] = link_text(key, value)
    return wanted


def write_link(params: MutableMapping[str, Any], wanted: Mapping[str, str]) -> None:
    """Make the link's programme entries (``params``, i.e. ``st.query_params``) exactly ``wanted``.

    Only what differs is written: each change to ``st.query_params`` sends the browser a message.
    """
    # One copy of the link: each lookup through st.query_params goes through its lock.
    current = params.to_dict() if hasattr(params, "to_dict") else dict(params)
    for key in view.PROGRAMME_LINK_KEYS:
        value = wanted.get(key)
        if value is None:
            if key in current:
                del params[key]
        elif current.get(key) != value:
            params[key] = value


def spec_of(state: Mapping[str, Any], index: int) -> tuple[str, str, view.Spec]:
    """Programme ``index``'s name, aggregation and spec from ``state`` (source B only if set)."""
    values = {**defaults(index), **{k: state[k] for k in defaults(index) if k in state}}
    get = {field: values[view.key(index, field)] for field in FIELDS}
    spec = [(get["a"], float(get["na"]), round(get["ra"]))]
    if get["b"] != view.NONE:
        spec.append((get["b"], float(get["nb"]), round(get["rb"])))
    name = str(get["name"]).strip() or f"Programme {index}"
    return name, get["agg"], tuple(spec)
