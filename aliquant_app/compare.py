"""Named scenarios and the A/B comparison: pin the sidebar's assumptions as A, change them (B).

Two things a decision-maker asks of the sidebar, drawn at its foot by :func:`render` (called once
per run from :func:`aliquant_app.state.render_sidebar`):

**Named scenarios.** The core's :data:`aliquant_core.ASSUMPTION_SETS` (optimistic, central,
pessimistic), each value with its provenance. Choosing one in the list shows its values and
sources; only the **Apply** button writes them into the sidebar (the threat and the overlap; the
labels, their quality and the target stay as the user set them), so nothing the user typed is
overwritten without being asked.

**A and B.** **Pin as A** keeps the sidebar's assumptions as they are now; B is the sidebar itself.
While A is pinned, the Overview curve, the Over time chart and the Uncertainty page's distribution
of P_align draw A beside B, and :func:`show_versus` states which values differ and each one's
headline. A lives in Session State (:data:`A_KEY`) and in the share link under one key,
:data:`LINK_KEY`, as a short text (:func:`link_text`: the form's version, then each model
quantity in :meth:`~aliquant_core.Assumptions.field_names` order, empty where it is the default),
at most :data:`aliquant_app.state.MAX_LINK_VALUE` characters. :func:`restore_link` reads it on a
session's first run (a value it refuses is one line of the link note; the rest of the link
applies), :func:`write_link` keeps it in step on every run.

Not a page: its link key is in :data:`aliquant_app.layout.SHARED_LINK_KEYS`, which the sidebar's
link check leaves to this module.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

from aliquant_core import ASSUMPTION_SETS, DEFAULTS, QUANTITIES, Assumptions, QuantityError

from . import calls, overview_view
from .formatting import count, plain_probability
from .linked import LinkedStore, leave_to_page, link_number, link_values, write_link_values
from .widgets import markdown_table, quote

__all__ = [
    "A_KEY",
    "FIELDS",
    "LINK_KEY",
    "LINK_KEYS",
    "SCENARIO_KEY",
    "apply_scenario",
    "differences",
    "headline",
    "link_text",
    "method_section",
    "model_key",
    "pin",
    "pinned",
    "read_link",
    "render",
    "restore_link",
    "show_versus",
    "store_values",
    "versus_rows",
    "write_link",
]

#: The share-link key of the pinned assumptions A.
LINK_KEY = "A"
#: This module's link keys (in :data:`aliquant_app.layout.SHARED_LINK_KEYS`).
LINK_KEYS: tuple[str, ...] = (LINK_KEY,)
leave_to_page(LINK_KEYS)  # judged here (restore_link), not by a page's link check

#: Session State entry holding A (an :class:`~aliquant_core.Assumptions`), absent when none is pinned.
A_KEY = "_aliquant_compare_a"
#: Session State entry: the pin button was pressed; :func:`render` pins this run's assumptions.
_PIN_KEY = "_aliquant_compare_pin"
#: Session State entry: whether A in the link had to be rounded to fit (significant figures), or None.
_ROUNDED_KEY = "_aliquant_compare_rounded"
#: The scenario list's widget key (not in the link: choosing is not applying).
SCENARIO_KEY = "scenario_choice"
#: Session State entry: the key of the scenario last applied.
_APPLIED_KEY = "_aliquant_scenario_applied"

#: The model quantities in A's link text, in order (the fields of Assumptions).
FIELDS: tuple[str, ...] = Assumptions.field_names()
_VERSION = "1"
#: Longest link text (as any link value, :data:`aliquant_app.state.MAX_LINK_VALUE`).
_LINK_MAX = 100
#: A non-negative decimal, as the link writes it (``.1638``, ``250000``, ``1e-05``).
_NUMBER = re.compile(r"(?:\d{1,13}(?:\.\d{0,24})?|\.\d{1,24})(?:e[+-]?\d{1,3})?")


# --- A in the link ---------------------------------------------------------------------------------


def _short(value: float, digits: int | None) -> str:
    """``value`` as the link writes it: exact (``repr``) or to ``digits`` significant figures,
    without a leading zero (``.1638``)."""
    text = link_number(value) if digits is None else f"{value:.{digits}g}"
    return text[1:] if text.startswith("0.") else text


def _fits_control(name: str, value: float) -> bool:
    quantity = QUANTITIES[name]
    return quantity.contains(value) and quantity.control_low <= value <= quantity.control_high


def _slots(a: Assumptions) -> dict[str, float]:
    """The values A's link text holds: each field not at its default (agreement when entered, and
    then not the error rate it implies)."""
    given = a.as_dict()
    if a.agreement is not None:
        given.pop("error_rate")
    return {name: value for name, value in given.items() if name == "agreement" or value != DEFAULTS[name]}


def link_text(a: Assumptions | None) -> tuple[str | None, int | None]:
    """A as the share link holds it, and the significant figures it was rounded to (None: exact).

    ``1`` then the eleven fields of :class:`~aliquant_core.Assumptions` in order, joined by ``_``,
    each empty where it is the table's default (``agreement`` where quality was not given as
    agreement; ``error_rate`` where it was). Exact where that fits in 100 characters, else each
    number to 6, 4 or 3 significant figures (a value that rounding would move out of its
    control's bounds stays exact). None when there is no A, or it cannot be written in 100.

    >>> link_text(Assumptions(labels=250_000, blind_spot=0.09, exploitation=0.9))
    ('1_250000__.09___.9_____', None)
    """
    if a is None:
        return None, None
    slots = _slots(a)
    for digits in (None, 6, 4, 3):
        parts = []
        for name in FIELDS:
            if name not in slots:
                parts.append("")
                continue
            text = _short(slots[name], digits)
            parts.append(text if _fits_control(name, float(text)) else _short(slots[name], None))
        text = "_".join((_VERSION, *parts))
        if len(text) <= _LINK_MAX:
            return text, digits
    return None, None


def read_link(text: str) -> Assumptions:
    """A from its link text (:func:`link_text`); ``ValueError`` with the reason.

    Strict: at most 100 characters, the version, exactly one slot per field, each empty or a
    plain non-negative decimal that its sidebar control takes, not both an error rate and an
    agreement; then the table's own checks (:class:`~aliquant_core.Assumptions`).
    """
    if len(text) > _LINK_MAX:
        raise ValueError(f"longer than {_LINK_MAX} characters")
    parts = text.split("_")
    if len(parts) != len(FIELDS) + 1 or parts[0] != _VERSION:
        raise ValueError(
            f"not assumptions in the link's form ({_VERSION}_labels_error_rate_…, {len(FIELDS)} fields)"
        )
    values: dict[str, float] = {}
    for name, raw in zip(FIELDS, parts[1:], strict=True):
        if raw == "":
            continue
        if not _NUMBER.fullmatch(raw):
            raise ValueError(f"{name} is not a number")
        value = float(raw)
        if not _fits_control(name, value):
            quantity = QUANTITIES[name]
            raise ValueError(
                f"{name} = {value:g} is outside [{quantity.control_low:g}, {quantity.control_high:g}]"
            )
        values[name] = value
    if "agreement" in values and "error_rate" in values:
        raise ValueError("gives both an error rate and an agreement")
    try:
        return Assumptions(**values)
    except QuantityError as error:
        raise ValueError(str(error)) from None


def restore_link(state: MutableMapping[str, Any], params: Any) -> list[str]:
    """On a session's first run: A from the link into ``state``; a note for the link note on refusal.

    ``params`` is ``st.query_params`` or a mapping of key → list of values. A refused value pins
    nothing; the rest of the link applies.
    """
    values = link_values(params, LINK_KEY)
    if not values:
        return []
    try:
        state[A_KEY] = read_link(values[-1])
    except ValueError as reason:
        return [f"{quote(LINK_KEY)}={quote(values[-1])}: {reason}; nothing was pinned as A"]
    return []


def write_link(state: MutableMapping[str, Any], params: Any) -> None:
    """Make the link's :data:`LINK_KEY` hold A (:func:`link_text`), or be absent. Only a change is
    written (each write sends the browser a message)."""
    wanted, digits = link_text(state.get(A_KEY))
    if state.get(_ROUNDED_KEY) != digits:
        state[_ROUNDED_KEY] = digits
    write_link_values(params, LINK_KEY, None if wanted is None else [wanted])


# --- what the pages need ---------------------------------------------------------------------------


def pinned() -> Assumptions | None:
    """The pinned A, or None."""
    return st.session_state.get(A_KEY)


def model_key(a: Assumptions) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """``a``'s quality and threat as sorted ``(name, value)`` pairs (the Overview chart's keys)."""
    return tuple(sorted(a.quality.items())), tuple(sorted(a.threat.items()))


def store_values(store: LinkedStore, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """A :class:`~aliquant_app.linked.LinkedStore`'s values with other ``defaults``: what the page
    would use with A in the sidebar (the values the user set, the defaults that follow A)."""
    kept = st.session_state.get(store.store_key) or {}
    return {key: kept.get(key, defaults[key]) for key in store.keys}


def headline(a: Assumptions) -> dict[str, Any]:
    """``a``'s headline: P_align of its programme (as the Overview writes it) and the labels its
    target needs."""
    result = calls.evaluate(a.labels, **a.quality, **a.threat)
    needed = overview_view.required(a.target, **a.quality, **a.threat)
    return {
        "p_align": result["p_align"],
        "p_align_text": plain_probability(result["p_align"], result["p_misalign"]),
        "required_labels": needed,
        "required_text": "none suffice" if math.isinf(needed) else count(needed),
    }


def _shown(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    return count(value) if name == "labels" else f"{value:g}"


def differences(a: Assumptions, b: Assumptions) -> list[str]:
    """The model quantities whose values differ between ``a`` and ``b``, in table order.

    The quality counts once: as agreement where either gives it, else as the error rate.
    """
    first, second = a.as_dict(), b.as_dict()
    quality = "agreement" if "agreement" in first or "agreement" in second else "error_rate"
    names = [name for name in QUANTITIES if name in FIELDS and name not in ("error_rate", "agreement")]
    names.insert(1, quality)
    return [name for name in names if first.get(name) != second.get(name)]


def versus_rows(a: Assumptions, b: Assumptions) -> list[dict[str, str]]:
    """The "A vs B" table: each value that differs, then each one's headline."""
    first, second = a.as_dict(), b.as_dict()
    rows = [
        {
            "": QUANTITIES[name].label,
            "A": _shown(name, first.get(name)),
            "B (sidebar)": _shown(name, second.get(name)),
        }
        for name in differences(a, b)
    ]
    head_a, head_b = headline(a), headline(b)
    rows.append(
        {"": "Chance of outer alignment", "A": head_a["p_align_text"], "B (sidebar)": head_b["p_align_text"]}
    )
    target = f"Labels for {100 * b.target:g}%" if a.target == b.target else "Labels for P* (each its own)"
    rows.append({"": target, "A": head_a["required_text"], "B (sidebar)": head_b["required_text"]})
    return rows


def show_versus(b: Assumptions, where: Any = st) -> None:
    """On a page: the "A vs B" table while A is pinned (nothing otherwise)."""
    a = pinned()
    if a is None:
        return
    with where.container(key="versus"):
        same = not differences(a, b)
        st.markdown(
            "**A vs B:** "
            + (
                "A and B (the sidebar) hold the same assumptions."
                if same
                else "the values that differ, and the headline of each."
            )
        )
        st.markdown(markdown_table(versus_rows(a, b), right=["A", "B (sidebar)"]))


# --- the sidebar's controls ------------------------------------------------------------------------


def apply_scenario(key: str | None = None) -> None:
    """Callback of the Apply button: the chosen scenario's values into the sidebar's widgets."""
    state = st.session_state
    scenario = ASSUMPTION_SETS[key if key is not None else state[SCENARIO_KEY]]
    for name, value in scenario.values.items():
        state[name] = value
    state[_APPLIED_KEY] = scenario.key


def pin() -> None:
    """Callback of the pin button: this run's assumptions (drawn after it) become A."""
    st.session_state[_PIN_KEY] = True


def _clear() -> None:
    st.session_state.pop(A_KEY, None)


def _to_sidebar() -> None:
    """Callback: A's values into the sidebar (B becomes A; A stays pinned)."""
    a = st.session_state.get(A_KEY)
    if a is None:
        return
    from . import state as sidebar  # state draws this module's controls: imported when used

    values = a.as_dict()
    agreement = values.pop("agreement", None)
    if agreement is not None:
        values.pop("error_rate")  # implied by the agreement, which the sidebar then shows
        values["agreement"] = agreement
    state = st.session_state
    state[sidebar.USE_AGREEMENT_KEY] = agreement is not None
    for name, value in values.items():
        state[name] = value


@functools.cache
def _provenance_lines(key: str) -> str:
    scenario = ASSUMPTION_SETS[key]
    lines = [scenario.summary, ""]
    for entry in scenario.entries:
        quantity = QUANTITIES[entry.name]
        lines.append(f"- **{quantity.label} = {entry.value:g}.** {entry.provenance}")
    lines.append("")
    lines.append("Labels, their quality and the target stay as you set them.")
    return "\n".join(lines)


#: The named scenarios' keys, in the list's order.
_SCENARIOS: tuple[str, ...] = tuple(ASSUMPTION_SETS)


def _scenario_title(key: str) -> str:
    return ASSUMPTION_SETS[key].title


@functools.lru_cache(maxsize=64)
def _holds(assumptions: Assumptions) -> str | None:
    """The title of the named scenario the sidebar holds, or None."""
    return next((s.title for s in ASSUMPTION_SETS.values() if s.matches(assumptions)), None)


def render(assumptions: Assumptions) -> None:
    """The scenario and A/B controls at the foot of the sidebar, and A's link key.

    Call once per run, after the sidebar's widgets (:func:`aliquant_app.state.render_sidebar`).
    """
    state = st.session_state
    if state.pop(_PIN_KEY, False):
        state[A_KEY] = assumptions
    a = state.get(A_KEY)
    with st.sidebar:
        st.subheader("Scenarios and A/B", anchor=False)
        holds = _holds(assumptions)
        choice = st.selectbox(
            "Named scenario",
            _SCENARIOS,
            index=_SCENARIOS.index("central"),
            format_func=_scenario_title,
            key=SCENARIO_KEY,
            help="Whole sets of the threat's assumptions, each value with its source or the reason "
            "for it (see below and the Method page). Choosing shows them; Apply puts them in the "
            "sidebar. The labels, their quality and the target stay as you set them.",
        )
        with st.expander(f"{ASSUMPTION_SETS[choice].title}: its values and their sources"):
            st.markdown(_provenance_lines(choice))
        st.button(
            f"Apply {ASSUMPTION_SETS[choice].title.lower()}",
            key="scenario_apply",
            on_click=apply_scenario,
            args=(choice,),
            icon=":material/input:",
            width="stretch",
            help="Set the sidebar's threat and overlap to this scenario's values (Reset to defaults "
            "is the central scenario).",
        )
        st.caption(
            f"The sidebar holds the **{holds}** scenario."
            if holds
            else "The sidebar holds no named scenario."
        )
        left, right = st.columns(2)
        left.button(
            "Pin as A" if a is None else "Pin again",
            key="compare_pin",
            on_click=pin,
            icon=":material/push_pin:",
            width="stretch",
            help="Keep the sidebar's assumptions as they are now as A; change the sidebar (B) and "
            "compare both on the Overview, Over time and Uncertainty charts. The share link holds both.",
        )
        if a is not None:
            right.button(
                "Clear A", key="compare_clear", on_click=_clear, icon=":material/close:", width="stretch",
                help="Stop comparing: drop A (and its part of the share link).",
            )  # fmt: skip
            changed = differences(a, assumptions)
            named = ", ".join(QUANTITIES[name].symbol for name in changed)
            st.caption(
                f"**A pinned.** B (the sidebar) differs in {named}."
                if changed
                else "**A pinned**, equal to the sidebar: change a value to compare."
            )
            st.button(
                "Put A back in the sidebar",
                key="compare_restore",
                on_click=_to_sidebar,
                icon=":material/undo:",
                width="stretch",
                help="Set the sidebar to A's values (A stays pinned).",
            )
    write_link(state, st.query_params)
    if a is not None and state.get(_ROUNDED_KEY) is not None:
        st.sidebar.caption(f"A is kept in the share link to {state[_ROUNDED_KEY]} significant figures.")


# --- the Method page --------------------------------------------------------------------------------


def method_section() -> str:
    """Markdown for the Method page: the named scenarios, each value with its provenance, and A/B."""
    lines = [
        "### Named scenarios",
        "",
        "The sidebar's **Named scenario** sets the threat's assumptions as a whole (blind spot, fooled "
        "rate, footprint, exploitation, competitors, prior bits and the overlap), each value with where "
        "it comes from (`aliquant_core.ASSUMPTION_SETS`). No published figure measures any of them, so "
        "every optimistic and pessimistic value is a judgement: the helpful or the harmful end of the "
        "Uncertainty page's default 90% interval around the central value. Each end alone is a 5% tail; "
        "all of them at once are far less likely than any one. The central scenario is the table's "
        "defaults. A scenario leaves the labels, their measured quality and the target as they are.",
        "",
    ]
    names = list(next(iter(ASSUMPTION_SETS.values())).values)
    rows = [
        {
            "quantity": QUANTITIES[name].label,
            **{s.title: f"{s.values[name]:g}" for s in ASSUMPTION_SETS.values()},
        }
        for name in names
    ]
    lines.append(markdown_table(rows, right=[s.title for s in ASSUMPTION_SETS.values()]))
    lines.append("")
    for scenario in ASSUMPTION_SETS.values():
        lines.append(f"**{scenario.title}.** {scenario.summary}")
        lines.append("")
        for entry in scenario.entries:
            lines.append(f"- {QUANTITIES[entry.name].label} = {entry.value:g}: {entry.provenance}")
        lines.append("")
    lines += [
        "### A/B comparison",
        "",
        "**Pin as A** keeps the sidebar's assumptions; the sidebar is then B. While A is pinned, the "
        "Overview's curve, the Over time chart and the Uncertainty page's distribution of P_align draw "
        "A beside B (A's uncertainty uses the same uncertain quantities, draws and seed, with each "
        "interval you did not set placed around A's values), and a table states the values that differ "
        f"and each one's headline. The share link holds A under the key `{LINK_KEY}` (the form's "
        "version, then each quantity, empty where it is the default) and B as the sidebar's own keys.",
    ]
    return "\n".join(lines)
