"""The sidebar's "Competitor classes" expander: classes of competitors beside the sidebar's own.

The sidebar's footprint, exploitation and count are the first class (named
:data:`FIRST_NAME`); the user adds more here (issue #17, point 2), e.g. the "targeted few" preset.
The added classes live in Session State (:data:`EXTRA_KEY`) as plain tuples
``(name, competitors_log10, footprint, exploitation)``, hashable so cached calls key on them; they
travel in the share link under one key, :data:`LINK_KEY`, one value per class (``name~log₁₀K~f~χ``,
at most :data:`MAX_LINK_VALUE` characters each, at most :data:`MAX_EXTRA` values read), and in
scenario files as ``competitor_classes`` (:mod:`aliquant_app.scenario_io`). Every value is checked by
the core's :class:`aliquant_core.CompetitorClass`, so a bad one is refused with the quantity's range
and the rest of the link applies.

No model here: :func:`classes_for` only builds the core's classes for the cached calls.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

import streamlit as st

from aliquant_core import DEFAULTS, MAX_CLASSES, QUANTITIES, CompetitorClass, QuantityError, targeted_few

from .formatting import as_text
from .linked import link_values, write_link_values
from .widgets import quote

__all__ = [
    "EXTRA_KEY",
    "FIRST_NAME",
    "LINK_KEY",
    "MAX_EXTRA",
    "Extra",
    "classes_for",
    "current",
    "link_texts",
    "read_link",
    "render",
    "restore_link",
    "write_link",
]

#: One added class: (name, competitors_log10, footprint, exploitation).
Extra = tuple[str, float, float, float]

#: Session State key of the added classes (a tuple of :data:`Extra`).
EXTRA_KEY = "_aliquant_competitor_classes"
#: The share-link key: one value per added class.
LINK_KEY = "cls"
#: The sidebar's own class, as the tables and the binding class name it.
FIRST_NAME = "sidebar's competitors"
#: Most classes a user adds (the core's limit, less the sidebar's own).
MAX_EXTRA = MAX_CLASSES - 1
#: Longest class name the expander takes, so that a class's link value stays short.
MAX_NAME = 30
#: Longest link value of one class, in characters (the sidebar's limit for any link value).
MAX_LINK_VALUE = 100
#: Most characters, percent-encoded, that the classes may add to a share link ("&cls=…" for each):
#: nineteen classes with thirty-character names in a non-Latin script would otherwise add 8 KB to
#: a link that must fit the proxy's 12 KB header buffer with every page's keys (deploy/nginx.conf).
#: Past it the names written into the link are shortened; every number stays exact.
LINK_CHARS = 3_000

_BOX_KEY = "_aliquant_classes_box"
_FORM_KEYS = {
    name: f"_aliquant_class_new_{name}" for name in ("name", "competitors_log10", "footprint", "exploitation")
}
_OWN = ("competitors_log10", "footprint", "exploitation")


def current(state: Mapping[str, Any] | None = None) -> tuple[Extra, ...]:
    """The added classes (empty when none): what the cached calls take as ``classes``."""
    state = st.session_state if state is None else state
    return tuple(state.get(EXTRA_KEY, ()))


def classes_for(first: Mapping[str, float], extra: Sequence[Extra]) -> tuple[CompetitorClass, ...]:
    """The core's classes: the sidebar's (``first`` holds its count, footprint and exploitation),
    then each added one."""
    own = CompetitorClass(FIRST_NAME, **{name: float(first[name]) for name in _OWN})
    return (own, *(CompetitorClass(*c) for c in extra))


def _checked(name: str, log10k: float, footprint: float, exploitation: float) -> Extra:
    c = CompetitorClass(name, log10k, footprint, exploitation)
    return (c.name, c.competitors_log10, c.footprint, c.exploitation)


# -- the share link -----------------------------------------------------------------------------------


def _number(value: float) -> str:
    text = f"{value:.12g}"
    return text[1:] if text.startswith("0.") else text


def _encoded_length(texts: Sequence[str]) -> int:
    return sum(len(f"&{LINK_KEY}=") + len(urllib.parse.quote(text, safe="")) for text in texts)


def link_texts(extra: Sequence[Extra]) -> list[str]:
    """One link value per added class: ``name~log₁₀K~f~χ`` (numbers to 12 significant digits; a
    ``~`` in a name is written as ``-``). Should they add more than :data:`LINK_CHARS` to the link,
    the names are shortened (to 12 characters, then 4, then ``c1``, ``c2``, ...) until they fit and
    stay distinct."""
    for cut in (MAX_LINK_VALUE, 12, 4, 0):
        written = [
            "~".join((name.replace("~", "-")[:cut] if cut else f"c{i}", *(_number(v) for v in values)))
            for i, (name, *values) in enumerate(extra, start=1)
        ]
        names = [text.rsplit("~", 3)[0] for text in written]
        if cut == 0 or (_encoded_length(written) <= LINK_CHARS and len(set(names)) == len(names)):
            return written
    raise AssertionError("unreachable")  # cut == 0 always returns


def read_link(text: str) -> Extra:
    """One class from its link value, or ValueError saying why (with the quantity's range)."""
    if len(text) > MAX_LINK_VALUE:
        raise ValueError(f"longer than {MAX_LINK_VALUE} characters")
    parts = text.rsplit("~", 3)
    if len(parts) != 4:
        raise ValueError("not name~log₁₀K~footprint~exploitation")
    name, *numbers = parts
    try:
        values = [float(v) for v in numbers]
    except ValueError:
        raise ValueError("a value is not a number") from None
    try:
        return _checked(name[:MAX_NAME], *values)
    except QuantityError as error:
        raise ValueError(str(error)) from None


def restore_link(state: MutableMapping[str, Any], params: Any) -> list[str]:
    """On a session's first run: the link's classes into ``state``; a note for each refused value."""
    values = link_values(params, LINK_KEY)
    if not values:
        return []
    notes, extra = [], []
    for value in values[:MAX_EXTRA]:
        shown = f"{quote(LINK_KEY)}={quote(value[:MAX_LINK_VALUE])}"
        try:
            read = read_link(value)
        except ValueError as reason:
            notes.append(f"{shown}: {reason}; that class was not added")
            continue
        if read[0] == FIRST_NAME or any(read[0] == c[0] for c in extra):
            notes.append(f"{shown}: another class has this name; that class was not added")
            continue
        extra.append(read)
    if len(values) > MAX_EXTRA:
        notes.append(f"the link has {len(values)} competitor classes; only the first {MAX_EXTRA} were read")
    state[EXTRA_KEY] = tuple(extra)
    return notes


def write_link(state: Mapping[str, Any], params: Any) -> None:
    """Make the link's :data:`LINK_KEY` hold the added classes, or be absent; only a change is written."""
    write_link_values(params, LINK_KEY, link_texts(current(state)))


# -- the expander ---------------------------------------------------------------------------------


def _add(extra: Extra) -> None:
    state = st.session_state
    have = current(state)
    names = {FIRST_NAME, *(c[0] for c in have)}
    name, n = extra[0], 2
    while name in names:  # the same preset twice: "targeted few 2"
        name, n = f"{extra[0]} {n}", n + 1
    state[EXTRA_KEY] = (*have, (name[:MAX_NAME], *extra[1:]))


def _add_targeted_few() -> None:
    blind_spot = float(st.session_state.get("blind_spot", DEFAULTS["blind_spot"]))
    c = targeted_few(blind_spot)
    _add((c.name, c.competitors_log10, c.footprint, c.exploitation))


def _add_from_form() -> None:
    state = st.session_state
    name = str(state.get(_FORM_KEYS["name"]) or "").strip() or f"class {len(current(state)) + 2}"
    try:
        extra = _checked(name[:MAX_NAME], *(float(state[_FORM_KEYS[k]]) for k in _OWN))
    except (QuantityError, KeyError, TypeError, ValueError) as error:
        state["_aliquant_class_message"] = f"Not added: {as_text(error)}"
        return
    state.pop("_aliquant_class_message", None)
    _add(extra)


def _remove(index: int) -> None:
    have = list(current())
    if 0 <= index < len(have):
        del have[index]
    st.session_state[EXTRA_KEY] = tuple(have)


def render() -> None:
    """Draw the expander (built only while open, as the sidebar's "Share and save")."""
    extra = current()
    # A fixed label: the expander is a widget, and a new label would make it a new, closed one.
    box = st.sidebar.expander("Competitor classes", icon=":material/groups:", key=_BOX_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption(
            f"{len(extra) + 1} class{'es' if extra else ''}. The sliders above are the first class. Add "
            "classes whose competitors differ: a few that differ only where labelers are fooled, hidden "
            "among many benign ones. P_align multiplies the classes' figures (contests independent)."
        )
        for i, (name, log10k, footprint, exploitation) in enumerate(extra):
            cols = st.columns([4, 1], vertical_alignment="center")
            shown = as_text(name)  # a name from a link is shown as text, never as Markdown
            cols[0].markdown(f"**{shown}**: 10^{log10k:g} competitors, f {footprint:g}, χ {exploitation:g}")
            cols[1].button(
                "", icon=":material/delete:", key=f"_aliquant_class_remove_{i}", on_click=_remove, args=(i,),
                help=f"Remove {shown}",
            )  # fmt: skip
        full = len(extra) >= MAX_EXTRA
        st.button(
            "Add the targeted few",
            on_click=_add_targeted_few,
            disabled=full,
            key="_aliquant_class_targeted",
            width="stretch",
            help="10² competitors whose footprint is the blind spot and exploitation 1: they differ "
            "from the aligned policy only where labelers are fooled.",
        )
        st.text_input("Name", max_chars=MAX_NAME, key=_FORM_KEYS["name"], placeholder="e.g. deceptive few")
        for name in _OWN:
            q = QUANTITIES[name]
            st.number_input(
                q.label, min_value=q.control_low, max_value=q.control_high, value=q.default, step=q.step,
                format=q.fmt, key=_FORM_KEYS[name], help=q.describe(),
            )  # fmt: skip
        st.button(
            "Add this class",
            on_click=_add_from_form,
            disabled=full,
            key="_aliquant_class_add",
            width="stretch",
        )
        message = st.session_state.get("_aliquant_class_message")
        if message:
            st.warning(message)
        if full:
            st.caption(f"At most {MAX_EXTRA} added classes.")
