"""Page controls whose values outlive their widgets and live in the share link.

A page that draws some of its controls only some of the time (the open programme of four, the
interval cards inside a closed expander) still needs every value: to compute with, and in the share
link. Streamlit offers neither for a widget that is not drawn: a ``bind="query-params"`` widget's
value leaves the URL when the widget is not drawn, and a widget's state is dropped after a run
without it. Drawing them all would cost about 0.3 ms of Streamlit's work per widget per rerun
(``docs/benchmarks.md``). A :class:`LinkedStore` keeps such values itself:

- **One Session State entry** holds the values the user (or the link) set, by share-link key; a
  key absent from it has its default, which may move (the uncertainty intervals follow the
  sidebar until changed). One entry rather than a key per control: Streamlit rebuilds a filtered
  copy of Session State inside every number, select and text input call, so every key kept there
  slows every such widget on every page.
- **Widgets** are drawn with :meth:`LinkedStore.control` (``key`` = the share-link key, and
  :meth:`LinkedStore.remember` as ``on_change``, which keeps a change in the store) and no
  ``value``: :meth:`LinkedStore.mount` gives each its value before it is drawn.
- **The link** is written by :meth:`LinkedStore.write_link`: each value that differs from its
  default, in the form a bound widget would write it. It is read once, on the session's first
  visit to the page (:meth:`LinkedStore.restore`); a value that cannot be used keeps the default and
  is listed, with the reason, in the page's link note.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from .widgets import quote

__all__ = [
    "Field",
    "LinkedStore",
    "Restored",
    "install_link_numbers",
    "leave_to_page",
    "link_number",
    "read_choice",
    "read_flag",
    "read_number",
    "read_range",
    "read_text",
    "self_linked",
]


#: Link keys that pages read and judge themselves (the fields of every LinkedStore).
_SELF_LINKED: set[str] = set()


def leave_to_page(keys: Iterable[str]) -> None:
    """Mark link keys as read and judged by their page itself: the sidebar's link check skips them."""
    _SELF_LINKED.update(keys)


def self_linked() -> frozenset[str]:
    """The keys marked with :func:`leave_to_page`."""
    return frozenset(_SELF_LINKED)


@dataclass(frozen=True)
class Field:
    """How one control's value is read from, and written to, the link.

    Attributes
    ----------
    key : str
        The widget key and share-link key.
    read : callable
        The link's values for the key (every one given, in order) → the control's value; raises
        ``ValueError`` with the reason when they are not a value the control takes.
    write : callable
        The control's value → the link's values (a range writes two).
    """

    key: str
    read: Callable[[list[str]], Any]
    write: Callable[[Any], list[str]]


@dataclass(frozen=True)
class Restored:
    """What :meth:`LinkedStore.restore` found: every field's value, and notes on the link.

    Attributes
    ----------
    values : dict
        Every field's value by key: the store's where set, else the default.
    notes : list of str
        One Markdown line per link value that was not used, with the reason.
    """

    values: dict[str, Any]
    notes: list[str]


def link_number(value: float) -> str:
    """A number as the link writes it: whole numbers without a decimal point, others in the
    shortest form that reads back to the same value (Python's ``repr``).

    >>> link_number(300000.0), link_number(3.0), link_number(0.0123), link_number(1e16)
    ('300000', '3', '0.0123', '1e+16')
    >>> link_number(250000.0), link_number(-0.0), link_number(-2.5), link_number(float("inf"))
    ('250000', '0', '-2.5', 'inf')
    """
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _link_value(value: Any, value_type: str) -> Any:
    """A widget's value as :func:`install_link_numbers` has Streamlit write it into the link."""
    if value_type in ("double_value", "double_array_value") and not isinstance(value, bool):
        if isinstance(value, float):
            return link_number(value)
        if isinstance(value, list | tuple) and all(isinstance(v, float) for v in value):
            return [link_number(v) for v in value]
    return None


def install_link_numbers() -> bool:
    """Make Streamlit write a bound float widget's value into the link by :func:`link_number`.

    Streamlit 1.67 writes the value of a float widget that code set (a callback such as the log
    slider's or Reset, a preset, an import) with ``str``: ``labels=250000.0``
    (``_coerce_value_for_query_url`` in ``streamlit.runtime.state.query_params``; its range
    sliders already drop the ``.0``). This wraps that function, once, so that every float goes
    through :func:`link_number`; other values are written as before. Returns whether it is (now)
    wrapped.
    """
    try:
        from streamlit.runtime.state import query_params
    except ImportError:  # pragma: no cover - a Streamlit without it
        return False
    original = getattr(query_params, "_coerce_value_for_query_url", None)
    if original is None:  # pragma: no cover
        return False
    if getattr(original, "_aliquant_numbers", False):
        return True

    def coerce(value: Any, value_type: str) -> Any:
        written = _link_value(value, value_type)
        return original(value, value_type) if written is None else written

    coerce._aliquant_numbers = True  # type: ignore[attr-defined]
    coerce.__wrapped__ = original  # type: ignore[attr-defined]
    query_params._coerce_value_for_query_url = coerce
    return True


def read_number(low: float, high: float, *, whole: bool = False) -> Callable[[list[str]], float]:
    """A reader of one finite number in ``[low, high]`` (the last given counts, as in Streamlit).

    With ``whole``, the number is rounded to the nearest whole number.

    >>> read_number(0, 1e12)(["12", "5000"])
    5000.0
    >>> read_number(1, 25, whole=True)(["26"])
    Traceback (most recent call last):
    ...
    ValueError: outside [1, 25]
    """

    def read(raw: list[str]) -> float:
        try:
            value = float(raw[-1])
        except ValueError:
            raise ValueError("not a number") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(f"outside {_bounds(low, high)}")
        return float(round(value)) if whole else value

    return read


def read_range(low: float, high: float) -> Callable[[list[str]], tuple[float, float]]:
    """A reader of a range: two finite numbers in ``[low, high]`` (as a range slider writes it).

    >>> read_range(0, 1)(["0.2", "0.1"])
    (0.2, 0.1)
    >>> read_range(0, 1)(["0.2"])
    Traceback (most recent call last):
    ...
    ValueError: not two numbers (low and high)
    """
    one = read_number(low, high)

    def read(raw: list[str]) -> tuple[float, float]:
        parts = [part for part in raw if part != ""]
        if len(parts) != 2:
            raise ValueError("not two numbers (low and high)")
        return (one([parts[0]]), one([parts[1]]))

    return read


def read_flag(raw: list[str]) -> bool:
    """On or off: ``true`` or ``false`` (as a bound toggle writes it).

    >>> read_flag(["True"]), read_flag(["false"])
    (True, False)
    """
    text = raw[-1].strip().lower()
    if text not in ("true", "false"):
        raise ValueError("not `true` or `false`")
    return text == "true"


def read_choice(options: Sequence[str], name: Callable[[str], str] = str) -> Callable[[list[str]], str]:
    """A reader of one of ``options``, given as the option or as its ``name`` (its label).

    >>> read_choice(("pooled", "weighted"))(["weighted"])
    'weighted'
    """

    def read(raw: list[str]) -> str:
        for option in options:
            if raw[-1] in (option, name(option)):
                return option
        raise ValueError("not one of " + ", ".join(f"`{option}`" for option in options))

    return read


def read_text(max_chars: int) -> Callable[[list[str]], str]:
    """A reader of free text of at most ``max_chars`` characters."""

    def read(raw: list[str]) -> str:
        if len(raw[-1]) > max_chars:
            raise ValueError(f"longer than {max_chars} characters")
        return raw[-1]

    return read


def _bounds(low: float, high: float) -> str:
    return f"[{low:g}, {high:g}]".replace("e+", "e")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


class LinkedStore:
    """Values of a page's controls kept in one Session State entry and in the link.

    Parameters
    ----------
    store_key : str
        The Session State entry.
    fields : sequence of Field
        The controls, by share-link key.
    """

    def __init__(self, store_key: str, fields: Iterable[Field]):
        self.store_key = store_key
        self.fields = {field.key: field for field in fields}
        leave_to_page(self.fields)  # this store judges their link values, not the link check

    @property
    def keys(self) -> tuple[str, ...]:
        """Every field's key (its share-link key)."""
        return tuple(self.fields)

    def restore(
        self,
        state: MutableMapping[str, Any],
        defaults: Mapping[str, Any],
        params: Any = None,
        hidden: Mapping[str, str] | None = None,
    ) -> Restored:
        """Every field's value: the store's where set, else its default.

        On the session's first call (no store yet) the store is filled from the link, ``params``
        (``st.query_params``, or a mapping of key → list of values): each usable value is taken;
        each unusable one is noted and its field keeps the default. Fields in ``hidden`` (key →
        why) go back to their defaults, and a link value for one is noted with the why.
        """
        hidden = hidden or {}
        store = state.get(self.store_key)
        notes: list[str] = []
        if store is None:
            store = {}
            for key, raw in _link_values(params, self.keys).items():
                shown = ", ".join(quote(value) for value in raw)
                if key in hidden:
                    notes.append(f"{quote(key)}={shown}: {hidden[key]}")
                    continue
                try:
                    store[key] = self.fields[key].read(raw)
                except ValueError as reason:
                    default = ", ".join(self.fields[key].write(defaults[key]))
                    notes.append(f"{quote(key)}={shown}: {reason}; kept the default {default}")
            state[self.store_key] = store
        for key in hidden:
            store.pop(key, None)
        return Restored({key: store.get(key, defaults[key]) for key in self.keys}, notes)

    def mount(self, state: MutableMapping[str, Any], values: Mapping[str, Any], keys: Iterable[str]) -> None:
        """Before the widgets of ``keys`` are drawn: give each its value (from :meth:`restore`).

        A widget already on the page keeps its own, unless its value has moved meanwhile (a
        default that followed the sidebar, a reset, a value set by a callback).
        """
        for key in keys:
            if key not in state or not _same(state[key], values[key]):
                state[key] = values[key]

    def control(self, key: str) -> dict[str, Any]:
        """The keyword arguments that tie a widget to field ``key``: its key, and :meth:`remember`
        as its ``on_change``."""
        return {"key": key, "on_change": self.remember, "args": (key,)}

    def remember(self, key: str) -> None:
        """``on_change`` of a field's widget: keep its new value in the store."""
        st.session_state[self.store_key][key] = st.session_state[key]

    def assign(self, state: MutableMapping[str, Any], values: Mapping[str, Any]) -> None:
        """Set fields (in a callback, before the run that draws them)."""
        state[self.store_key].update(values)

    def forget(self, state: MutableMapping[str, Any], keys: Iterable[str]) -> None:
        """Fields back to their defaults (in a callback)."""
        store = state[self.store_key]
        for key in keys:
            store.pop(key, None)

    def wanted_link(
        self, values: Mapping[str, Any], defaults: Mapping[str, Any], hidden: Iterable[str] = ()
    ) -> dict[str, list[str]]:
        """The link's entries for ``values``: each field that differs from its default."""
        skip = set(hidden)
        return {
            key: field.write(values[key])
            for key, field in self.fields.items()
            if key not in skip and not _same(values[key], defaults[key])
        }

    def write_link(self, params: Any, wanted: Mapping[str, list[str]]) -> None:
        """Make the link's entries for these fields exactly ``wanted``.

        ``params`` is ``st.query_params`` (or a dict of key → list of values, in tests). Only what
        differs is written: each change to ``st.query_params`` sends the browser a message.
        """
        current = _link_values(params, self.keys)
        for key in self.keys:
            _set(params, key, current.get(key), wanted.get(key))


def link_values(params: Any, key: str) -> list[str]:
    """Every value the link gives ``key`` (``[]`` if none): ``params`` is ``st.query_params`` or a
    mapping of key → list of values."""
    return _link_values(params, (key,)).get(key, [])


def write_link_values(params: Any, key: str, wanted: list[str] | None) -> None:
    """Make the link's ``key`` hold exactly ``wanted`` (absent for None or ``[]``). Only a change is
    written: each change to ``st.query_params`` sends the browser a message."""
    _set(params, key, link_values(params, key), wanted or None)


def _set(params: Any, key: str, current: list[str] | None, value: list[str] | None) -> None:
    if value is None:
        if current:
            del params[key]
    elif current != value:
        params[key] = value if len(value) > 1 or not hasattr(params, "get_all") else value[0]


def _link_values(params: Any, keys: Iterable[str]) -> dict[str, list[str]]:
    """The link's values for ``keys`` (key → every value given), from one copy of ``params``."""
    if params is None:
        return {}
    if hasattr(params, "get_all"):  # st.query_params: every lookup goes through its lock
        present = params.to_dict()
        return {key: params.get_all(key) for key in keys if key in present}
    return {key: list(params[key]) for key in keys if key in params}
