"""The shared assumptions sidebar: one widget per quantity of the model brief, held in the URL.

The widgets are generated from the table of quantities (:data:`aliquant_core.QUANTITIES`, groups
programme, quality, threat and goal): label, widget kind, bounds, step, format, default and help.
Every widget's ``key`` is the brief's name for its quantity (the same name as the Python keyword
and the CLI flag), and every widget is created with ``bind="query-params"``, so Streamlit keeps the
value in the page's query string: a copied URL is a share link holding the whole state (a
quantity left at its default is dropped from the URL and reads back as the default).

Streamlit 1.67 seeds a bound widget from the URL on a session's first run and silently drops a
value it cannot use (not a number, outside the widget's bounds, not finite). :func:`render_sidebar`
records the raw query string before the widgets are created, compares it with what the widgets
took, and keeps a list of what was ignored for :func:`show_link_note` to display.

Streamlit reads no query string longer than 512 Ki characters (or with more than 1,000 parts): on
arrival (``AppSession``, through ``sanitize_query_string``) it replaces the whole link by an empty
one, silently, and the script never sees it. :func:`install_link_bounds` (called by ``app.py``)
wraps that function so that such a link is cut down there instead (:func:`bounded_link`: at most
:data:`MAX_LINK_PAIRS` parts, each value at most :data:`MAX_LINK_VALUE` characters): the usable
parts arrive as an ordinary link, and each refused part as one short entry of :data:`LONG_LINK_KEY`
(its name and length), which :func:`render_sidebar` turns into lines of the link note and removes
from the URL, so the rest of the link applies as usual and the over-long text is kept nowhere. No
value the app copies from a link is longer than :data:`MAX_LINK_VALUE` either.
``server.maxMessageSize`` in ``.streamlit/config.toml`` bounds the query string a browser can
send at all (4 MB).

The widgets are created in ``app.py`` before ``st.navigation(...).run()``, so they keep their
values across pages.

The estimates from the user's labels that set the quality (:mod:`aliquant_app.estimate_view`)
travel beside the sidebar's values under one key, ``est`` (numbers and provenance, not the
labels): :func:`render_sidebar` reads it on a session's first run, whatever the page (a refused
value is a line of the link note and leaves the link), and keeps it in step with Session State on
every run (absent when no estimates were applied).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote_plus, urlencode

import streamlit as st

from aliquant_core import agreement_from_error_rate, error_rate_from_agreement, footprint_overlap
from aliquant_core.quantities import MODEL_GROUPS, QUANTITIES, Assumptions, Quantity, names_in

from . import class_controls, compare, estimate_view
from .layout import PAGES, SHARED_LINK_KEYS
from .linked import self_linked
from .widgets import quote

__all__ = [
    "CONTROLS",
    "LABELS_LOG10_KEY",
    "LONG_LINK_KEY",
    "MAX_LINK_PAIRS",
    "MAX_LINK_VALUE",
    "MAX_UNKNOWN_NAMED",
    "TRACKING_KEYS",
    "USE_AGREEMENT_KEY",
    "Assumptions",
    "accepts",
    "add_page_link_notes",
    "bounded_link",
    "bounded_query_string",
    "check_link",
    "control_help",
    "current",
    "install_link_bounds",
    "is_tracking",
    "page_link_keys",
    "quote",
    "render_sidebar",
    "set_quality",
    "show_link_note",
]

#: Key of the toggle choosing agreement instead of error rate as the input for label quality.
USE_AGREEMENT_KEY = "use_agreement"
#: Key of the log-scale labels slider; derived from ``labels``, so not part of the share link.
LABELS_LOG10_KEY = "labels_log10"
#: Session-state keys private to this module.
_STARTED_KEY = "_aliquant_link_checked"
_IGNORED_KEY = "_aliquant_ignored_params"
_CURRENT_KEY = "_aliquant_assumptions"
#: The link's values for page controls, kept from the first run until the page has drawn them.
_PAGE_LINK_KEY = "_aliquant_page_link"
#: Link notes from pages that read their link themselves (add_page_link_notes), for this run.
_PAGE_NOTES_KEY = "_aliquant_page_link_notes"
#: This run's placeholder for the link note (see show_link_note).
_NOTE_SLOT_KEY = "_aliquant_link_note_slot"
#: Query-string key that carries, from Streamlit's entrance to the first run, each part of an
#: over-long link that was refused: ``"<length>:<name>"`` (see bounded_query_string).
LONG_LINK_KEY = "aliquant_refused"
_LABELS_LOG10_STEP = 0.05

#: Longest link value any control takes, in characters (a number's ``repr`` has at most 24, a
#: programme's name at most 40). A longer one is refused without being kept.
MAX_LINK_VALUE = 100
#: Most ``key=value`` parts read from a link (a link with every setting has about 100).
MAX_LINK_PAIRS = 300
#: Streamlit's own limits, past which it ignores the whole query string (1.67:
#: ``streamlit.runtime.state.query_params``).
_STREAMLIT_QUERY_CHARS = 512 * 1024
_STREAMLIT_QUERY_PARTS = 1000
#: Characters of an encoded value that can still decode to MAX_LINK_VALUE (a 4-byte UTF-8
#: character is 12 characters encoded).
_ENCODED_VALUE = 12 * MAX_LINK_VALUE


#: The sidebar's controls, one per model quantity of the table, in sidebar order (``agreement``
#: replaces ``error_rate`` when the toggle is on). Label, widget, bounds, step, format, default and
#: help all come from the row.
CONTROLS: dict[str, Quantity] = {name: QUANTITIES[name] for name in names_in(*MODEL_GROUPS)}


def _bounds_text(control: Quantity) -> str:
    """The widget's bounds, e.g. ``[0.0001, 1]`` (the interval with an open end moved in)."""
    return f"[{control.control_low:g}, {control.control_high:g}]".replace("e+", "e")


def control_help(control: Quantity) -> str:
    """Tooltip: meaning, range, default and where the default comes from, and the share-link key."""
    kind = "an assumption" if control.is_assumption else f"from {control.source}"
    return (
        f"{control.help} Range {_bounds_text(control)}.\n\n"
        f"Default {control.default:g}, {kind}: {control.note}\n\n"
        f"Share-link key: `{control.name}`."
    )


def accepts(control: Quantity, value: float) -> bool:
    """Whether the widget of ``control`` takes ``value`` (inside the interval and the widget's bounds)."""
    return control.contains(value) and control.control_low <= value <= control.control_high


@functools.cache
def _widget_arguments(control: Quantity) -> tuple[Callable[..., Any], dict[str, Any]]:
    """The widget function and keyword arguments of ``control``'s widget, built once per process
    (the table does not change while the server runs)."""
    arguments = {
        "label": control.label,
        "min_value": control.control_low,
        "max_value": control.control_high,
        "value": control.default,
        "step": control.step,
        "format": control.fmt,
        "key": control.name,
        "help": control_help(control),
        "bind": "query-params",
    }
    return (st.slider if control.widget == "slider" else st.number_input), arguments


def _widget(control: Quantity) -> float:
    widget, arguments = _widget_arguments(control)
    return float(widget(**arguments))


#: The sidebar's widgets after the quality input, in order.
_AFTER_QUALITY: tuple[str, ...] = tuple(names_in("threat", "dependence", "goal"))
#: The log-scale labels slider's fixed arguments.
_LOG_SLIDER = {
    "label": "… or drag on a log scale: log₁₀ N",
    "min_value": CONTROLS["labels"].log10_bounds[0],
    "max_value": CONTROLS["labels"].log10_bounds[1],
    "step": _LABELS_LOG10_STEP,
    "format": "%.2f",
    "key": LABELS_LOG10_KEY,
    "help": "Moves the labels above in steps of 10^0.05 (about 12%). 0 is one label, "
    f"{CONTROLS['labels'].log10_bounds[1]:g} is {CONTROLS['labels'].high:g}.",
}


@functools.lru_cache(maxsize=64)
def _placed_caption(blind_spot: float, footprint: float, exploitation: float) -> str:
    """The caption under the overlap: the overlap of footprints placed at random."""
    placed = footprint_overlap(blind_spot=blind_spot, footprint=footprint, exploitation=exploitation)
    return f"Footprints placed at random would share ρ = {float(placed):.2f}."


@functools.lru_cache(maxsize=64)
def _agreement_shown(error_rate: float) -> float:
    """The agreement input's value for ``error_rate`` (as its widget shows it, 3 decimals)."""
    return round(float(agreement_from_error_rate(error_rate)), 3)


@functools.lru_cache(maxsize=64)
def _assumptions(values: tuple[tuple[str, float], ...]) -> Assumptions:
    """The widgets' values (their keys are the fields' names) as one value, built once per state.

    Checking every field against the table costs about 0.2 ms, on every rerun of every page.
    """
    return Assumptions(**dict(values))


def _log10_labels(labels: float) -> float:
    return math.log10(labels) if labels >= 1.0 else 0.0


def _labels_from_log_slider() -> None:
    """Callback of the log-scale slider: set the exact labels widget from it."""
    st.session_state["labels"] = float(round(10.0 ** st.session_state[LABELS_LOG10_KEY]))


def _reset() -> None:
    """Callback of the reset button: every quantity back to its default."""
    state = st.session_state
    for name, control in CONTROLS.items():
        if name != "agreement":
            state[name] = control.default
    state.pop("agreement", None)
    state[USE_AGREEMENT_KEY] = False
    state[LABELS_LOG10_KEY] = round(_log10_labels(CONTROLS["labels"].default), 2)
    state[_IGNORED_KEY] = []


def set_quality(values: Mapping[str, float]) -> None:
    """Callback: set sidebar quantities by name (e.g. estimates from the user's labels).

    Each value must be one its control takes (:func:`accepts`). An error rate makes the error rate
    the quality input (the agreement toggle off), so the value shown is the value set.
    """
    state = st.session_state
    for name, value in values.items():
        control = CONTROLS[name]
        if not accepts(control, value):
            raise ValueError(f"{name} = {value!r} is outside its control's range {_bounds_text(control)}")
        state[name] = float(value)
    if "error_rate" in values:
        state[USE_AGREEMENT_KEY] = False
        state["agreement"] = _agreement_shown(float(values["error_rate"]))


def _clipped(value: str) -> str:
    """A link value as the app keeps it: at most one character past :data:`MAX_LINK_VALUE`.

    No control takes a longer value, so the clipped value is refused (and noted) just the same.
    """
    return value if len(value) <= MAX_LINK_VALUE else value[: MAX_LINK_VALUE + 1]


def _read_query_string() -> dict[str, list[str]]:
    return {_clipped(key): [_clipped(v) for v in st.query_params.get_all(key)] for key in st.query_params}


def _ignored_by_streamlit(raw: str) -> bool:
    """Whether Streamlit dropped this whole query string for its length or number of parts."""
    return len(raw) > _STREAMLIT_QUERY_CHARS or raw.count("&") + 1 > _STREAMLIT_QUERY_PARTS


def _too_long(key: str, length: int, what: str = "a value") -> str:
    return (
        f"{quote(key)}: {what} of {length:,} characters, longer than any setting takes "
        f"({MAX_LINK_VALUE}); ignored"
    )


def bounded_link(raw: str, *, notes: bool = True) -> tuple[list[tuple[str, str]], list]:
    """Read a query string with bounds: the usable parts, and a note for each part refused.

    Parameters
    ----------
    raw : str
        The query string, percent-encoded (``a=1&b=2``), of any length.

    Returns
    -------
    parts : list of (str, str)
        The decoded ``(key, value)`` pairs, in order, at most :data:`MAX_LINK_PAIRS`, each key
        and value at most :data:`MAX_LINK_VALUE` characters.
    notes : list of str
        Markdown lines for the link note: each over-long key or value (by its key, clipped, and
        its length), and the count of parts past the limit. With ``notes=False``, the same as
        :data:`LONG_LINK_KEY` entries, ``(LONG_LINK_KEY, "<length>:<value|name|parts>:<key>")``.

    Examples
    --------
    >>> parts, notes = bounded_link("labels=5000&target=" + "9" * 1_000_000)
    >>> parts
    [('labels', '5000')]
    >>> print(notes[0])
    `target`: a value of 1,000,000 characters, longer than any setting takes (100); ignored
    """
    parts: list[tuple[str, str]] = []
    refused: list[tuple[str, str]] = []
    start = 0
    while start <= len(raw):
        end = raw.find("&", start)
        end = len(raw) if end < 0 else end
        if end > start:
            if len(parts) + len(refused) >= MAX_LINK_PAIRS:
                refused.append(_refused("", MAX_LINK_PAIRS, "parts"))
                break
            equals = raw.find("=", start, end)
            key_end = end if equals < 0 else equals
            key = unquote_plus(raw[start : min(key_end, start + _ENCODED_VALUE)])
            value_length = 0 if equals < 0 else end - equals - 1
            if key_end - start > _ENCODED_VALUE or len(key) > MAX_LINK_VALUE:
                refused.append(_refused(key, key_end - start, "name"))
            elif value_length > _ENCODED_VALUE:
                refused.append(_refused(key, value_length, "value"))
            else:
                value = "" if equals < 0 else unquote_plus(raw[equals + 1 : end])
                if len(value) > MAX_LINK_VALUE:
                    refused.append(_refused(key, len(value), "value"))
                else:
                    parts.append((key, value))
        start = end + 1
    if not notes:
        return parts, refused
    notes_ = _long_link_notes([value for _, value in refused])
    return parts, notes_


def _refused(key: str, length: int, what: str) -> tuple[str, str]:
    return LONG_LINK_KEY, f"{length}:{what}:{key[:MAX_LINK_VALUE]}"


def bounded_query_string(raw: str, sanitize: Callable[[str], str] | None = None) -> str:
    """A query string as the app lets Streamlit read it: an over-long one cut down, not dropped.

    Parameters
    ----------
    raw : str
        The query string a browser sent.
    sanitize : callable, optional
        Streamlit's own check (``sanitize_query_string``), which returns ``""`` for a query
        string past its limits; by default the same limits, without its log line.

    Returns
    -------
    str
        ``raw`` when Streamlit reads it as it is; else the parts :func:`bounded_link` keeps, and
        one :data:`LONG_LINK_KEY` entry per part refused (its length and name), re-encoded. At
        most :data:`MAX_LINK_PAIRS` parts of at most about :data:`MAX_LINK_VALUE` characters
        each, so Streamlit reads it.
    """
    kept = sanitize(raw) if sanitize is not None else ("" if _ignored_by_streamlit(raw) else raw)
    if kept or not raw:
        return kept
    parts, refused = bounded_link(raw, notes=False)
    return urlencode([*parts, *refused])


def install_link_bounds() -> bool:
    """Make Streamlit cut an over-long query string down (:func:`bounded_query_string`), once.

    Wraps ``sanitize_query_string`` where ``AppSession`` calls it on every rerun request
    (Streamlit 1.67); returns whether it is (now) wrapped. Before the first run of ``app.py`` in
    a server process, Streamlit drops an over-long link as it always did (a deployment's warm-up
    run installs this; docs/deploy.md).
    """
    try:
        from streamlit.runtime import app_session
    except ImportError:  # pragma: no cover - a Streamlit without it
        return False
    original = getattr(app_session, "sanitize_query_string", None)
    if original is None:  # pragma: no cover
        return False
    if getattr(original, "_aliquant_bounded", False):
        return True

    def sanitize(query_string: str) -> str:
        return bounded_query_string(query_string, original)

    sanitize._aliquant_bounded = True  # type: ignore[attr-defined]
    sanitize.__wrapped__ = original  # type: ignore[attr-defined]
    app_session.sanitize_query_string = sanitize
    return True


def _long_link_notes(values: list[str]) -> list[str]:
    """Link-note lines for the :data:`LONG_LINK_KEY` entries (each ``length:what:name``)."""
    notes = []
    for value in values[:MAX_LINK_PAIRS + 1]:
        length, _, rest = value.partition(":")
        what, _, key = rest.partition(":")
        if not length.isdigit():
            continue
        if what == "parts":
            notes.append(f"the link has more than {MAX_LINK_PAIRS} parts; the rest were not read")
        else:
            notes.append(_too_long(key, int(length), "a name" if what == "name" else "a value"))
    return notes


def page_link_keys() -> frozenset[str]:
    """Query-string keys that belong to a page's own controls (the registry's ``link_keys``), and
    those every page shares (``SHARED_LINK_KEYS``: the pinned A, the competitor classes).

    The sidebar leaves these to their page's widgets (which drop a value they cannot use), or to
    the module that reads them.
    """
    return frozenset(key for page in PAGES for key in page.link_keys) | frozenset(SHARED_LINK_KEYS)


def _page_labels() -> dict[str, Callable[[Any], str]]:
    """Each option control's link key and the function that names its options (``link_labels``)."""
    return {key: label for page in PAGES for key, label in page.link_labels.items()}


#: Query-string keys that link shorteners, mail and ad platforms add on the way (``utm_*`` too):
#: not the sender's settings, so dropped from the link without a note.
TRACKING_KEYS = frozenset(
    ("fbclid", "gclid", "gbraid", "wbraid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid",
     "yclid", "twclid", "ttclid", "li_fat_id", "_ga", "_gl")
)
#: Unknown keys named one by one in the link note; the rest are counted.
MAX_UNKNOWN_NAMED = 5


def is_tracking(key: str) -> bool:
    """Whether ``key`` is a tracking parameter (:data:`TRACKING_KEYS`, or ``utm_`` anything).

    >>> is_tracking("utm_source"), is_tracking("FBCLID"), is_tracking("labels")
    (True, True, False)
    """
    key = key.lower()
    return key.startswith("utm_") or key in TRACKING_KEYS


def check_link(raw: Mapping[str, list[str]], taken: Mapping[str, Any], use_agreement: bool) -> list[str]:
    """What the link asked for that the widgets did not take, one line each.

    Parameters
    ----------
    raw : mapping
        The query string at load, key → all its values.
    taken : mapping
        The widgets' values after creation, by key (only the widgets that were rendered).
    use_agreement : bool
        Whether agreement, not error rate, is the quality input.

    Returns
    -------
    list of str
        Markdown lines, e.g. ``error_rate=`banana` (not a number; kept the default 0.1638)``.
    """
    notes = []
    unknown: list[str] = []
    page_keys = page_link_keys()
    for key, values in raw.items():
        # Page and shared keys are judged where they are read; tracking parameters are dropped silently.
        if key in page_keys or is_tracking(key):
            continue
        # A repeated key: Streamlit's sliders drop empty parts, so judge the last non-empty value.
        value = next((v for v in reversed(values) if v != ""), values[-1] if values else "")
        shown = f"{quote(key)}={quote(value)}"
        if key == USE_AGREEMENT_KEY:
            if value.lower() not in ("true", "false") or (value.lower() == "true") != use_agreement:
                notes.append(f"{shown}: not `true` or `false`; error rate is the input")
            continue
        if key in ("error_rate", "agreement") and key not in taken:
            other = "agreement" if key == "error_rate" else "error rate"
            notes.append(f"{shown}: the link gives label quality as {other}, which takes precedence")
            continue
        control = CONTROLS.get(key)
        if control is None:
            unknown.append(shown)
            continue
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is not None and math.isclose(number, taken[key], rel_tol=1e-12, abs_tol=0.0):
            continue
        if number is None:
            reason = "not a number"
        elif not accepts(control, number):
            reason = f"outside {_bounds_text(control)}"
        elif len(values) > 1:
            reason = "given more than once"
        else:
            reason = "not usable"
        notes.append(f"{shown}: {reason}; kept the default {control.default:g}")
    if len(unknown) == 1:
        notes.append(f"{unknown[0]}: not a setting of this explorer")
    elif unknown:
        # One line however many: a link mangled on the way must not push the page down.
        named = ", ".join(unknown[:MAX_UNKNOWN_NAMED])
        more = len(unknown) - MAX_UNKNOWN_NAMED
        rest = f" and {more} more" if more > 0 else ""
        notes.append(f"{named}{rest}: not settings of this explorer")
    return notes


def render_sidebar() -> Assumptions:
    """Draw the assumptions sidebar and return its values.

    Call once per run, in the entry script, before ``st.navigation(...).run()``.
    """
    state = st.session_state
    first_run = _STARTED_KEY not in state
    long_link: list[str] = []
    if first_run and LONG_LINK_KEY in st.query_params:  # parts of an over-long link, refused
        long_link = _long_link_notes(st.query_params.get_all(LONG_LINK_KEY))
        del st.query_params[LONG_LINK_KEY]
    raw = _read_query_string() if first_run else {}
    if first_run:
        state[_STARTED_KEY] = True
        # A link that gives agreement (and no error rate) means agreement is the input.
        if USE_AGREEMENT_KEY not in raw and "agreement" in raw and "error_rate" not in raw:
            state[USE_AGREEMENT_KEY] = True
    else:
        # The first run's page takes these at its end; if a rerun cut that run short, they are
        # stale now (the user may have moved a control since) and are not judged.
        state.pop(_PAGE_LINK_KEY, None)

    taken: dict[str, Any] = {}
    with st.sidebar:
        st.header("Assumptions", anchor=False)
        taken["labels"] = labels = _widget(CONTROLS["labels"])
        wanted_log = round(_log10_labels(labels), 2)
        current_log = state.get(LABELS_LOG10_KEY)
        if current_log is None or abs(current_log - _log10_labels(labels)) > _LABELS_LOG10_STEP / 2:
            state[LABELS_LOG10_KEY] = wanted_log
        st.slider(**_LOG_SLIDER, on_change=_labels_from_log_slider)
        use_agreement = st.toggle(
            "Give quality as agreement",
            value=False,
            key=USE_AGREEMENT_KEY,
            bind="query-params",
            help="Enter inter-annotator agreement instead of the error rate; the model uses "
            "ε = (1 − √(2a − 1))/2. Share-link key: `use_agreement`.",
        )
        if use_agreement:
            taken["agreement"] = agreement = _widget(CONTROLS["agreement"])
            error_rate = float(error_rate_from_agreement(agreement))
            st.caption(f"Implied error rate ε = {error_rate:.4f}")
        else:
            taken["error_rate"] = error_rate = _widget(CONTROLS["error_rate"])
        for name in _AFTER_QUALITY:
            taken[name] = _widget(CONTROLS[name])
            if name == "overlap":
                st.caption(_placed_caption(taken["blind_spot"], taken["footprint"], taken["exploitation"]))
        class_controls.render()
        # Keep the input not shown in step with the one shown, so switching the toggle carries the
        # quality over. Writing it while its widget is unmounted also keeps its key in Session State
        # between runs, which is what lets Streamlit put the carried-over value in the URL on the
        # run that mounts it (a first mount with a value set in code otherwise stays out of the URL
        # until the user moves it).
        hidden, value = (
            ("error_rate", round(error_rate, 4))
            if use_agreement
            else ("agreement", _agreement_shown(error_rate))
        )
        if state.get(hidden) != value:  # a Session State write per rerun costs more than this check
            state[hidden] = value
        st.button(
            "Reset to defaults",
            key="reset_defaults",
            on_click=_reset,
            width="stretch",
            help="Every quantity back to its default (see the Method page for their sources).",
        )

    if first_run:
        # The estimates from labels that the link's sender applied (numbers and provenance): read
        # here, whatever the page, as the Programmes page's "Your labels" source needs them too.
        estimates = estimate_view.restore_link(state, raw)
        estimates += class_controls.restore_link(state, raw)
        pinned = compare.restore_link(state, raw)  # the pinned A of the comparison, if the link has one
        state[_IGNORED_KEY] = [*long_link, *check_link(raw, taken, use_agreement), *estimates, *pinned]
        page_keys = page_link_keys()
        state[_PAGE_LINK_KEY] = {key: values for key, values in raw.items() if key in page_keys}
        for key in list(st.query_params):  # the link's keys as given (raw's may be clipped)
            # Unbound leftovers (unknown keys, the unused quality input) would make the link lie.
            if key not in taken and key != USE_AGREEMENT_KEY and key not in page_keys:
                del st.query_params[key]

    # The applied estimates' link key follows Session State (set by the Your labels page's button,
    # a scenario import or the link), absent when none were applied.
    estimate_view.write_link(state, st.query_params)
    class_controls.write_link(state, st.query_params)
    assumptions = _assumptions(tuple(taken.items()))
    compare.render(assumptions)  # named scenarios and A/B at the sidebar's foot; A's link key
    state[_CURRENT_KEY] = assumptions
    return assumptions


def current() -> Assumptions:
    """This run's assumptions, as drawn by :func:`render_sidebar` in the entry script."""
    assumptions = st.session_state.get(_CURRENT_KEY)
    return assumptions if assumptions is not None else render_sidebar()


def _denotes(raw: str, value: Any, label: Callable[[Any], str] | None = None) -> bool | None:
    """Whether the link text ``raw`` names ``value``; None where that cannot be told.

    An option control writes its option's label into the link, so with ``label`` (the control's
    own format function) ``raw`` must be that label. Numbers and switches must parse to the same
    finite number or boolean. Free text cannot be told (any text is a value).
    """
    if label is not None:
        return raw == label(value)
    if isinstance(value, bool):
        return raw.strip().lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            number = float(raw)
        except ValueError:
            return False
        return math.isfinite(number) and math.isclose(number, float(value), rel_tol=1e-9, abs_tol=1e-12)
    return None


def check_page_link() -> None:
    """On the first run, at the end of every page: note the link's page-control values not taken.

    A page's bound controls take their link values themselves (``bind="query-params"``);
    Streamlit silently drops a value it cannot use, or clamps it into range. Each numeric, on/off
    or option control the page drew is compared with what the link asked for; a mismatch is added
    to the link note (:func:`show_link_note`), whose placeholder at the top of the page is drawn
    again, with the notes of pages that judge their own fields (:func:`add_page_link_notes`; keys
    registered with :func:`aliquant_app.linked.leave_to_page` are skipped here). Free-text controls
    take any text (see :func:`_denotes`).
    """
    state = st.session_state
    asked = state.pop(_PAGE_LINK_KEY, None) or {}
    notes = state.pop(_PAGE_NOTES_KEY, None) or []
    labels, judged = _page_labels(), self_linked()
    for key, values in asked.items():
        if key not in state or key in judged:
            continue  # not on this page (left to its own page), or judged by the page itself
        value = state[key]
        label = labels.get(key)
        if isinstance(value, (list, tuple)):  # a range or a multiselect: one link value each
            # Streamlit drops empty parts (an empty multiselect is written as "key=") and repeats.
            parts = list(dict.fromkeys(raw for raw in values if raw != ""))
            matches = [_denotes(raw, v, label) for raw, v in zip(parts, value, strict=False)]
            taken = None if None in matches else len(parts) == len(value) and all(matches)
        else:  # a key given more than once: Streamlit takes the last
            taken = _denotes(values[-1] if values else "", value, label)
        if taken is False:
            used = (
                ", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)
                if isinstance(value, (list, tuple))
                else (f"{value:g}" if isinstance(value, float) else str(value))
            )
            raw_text = ", ".join(quote(v) for v in values) if values else quote("")
            notes.append(f"{quote(key)}={raw_text}: not a value this page's control takes; it shows {used}")
    if notes:
        state[_IGNORED_KEY] = [*(state.get(_IGNORED_KEY) or []), *notes]
        # Redrawn in this run's top-of-page placeholder (or, without one, here), under another
        # button key: the button drawn there first is still registered in this run.
        slot = state.get(_NOTE_SLOT_KEY)
        _draw_link_note(slot if slot is not None else st.empty(), "dismiss_link_note_page")


def add_page_link_notes(notes: list[str]) -> None:
    """Lines for the link note, shown by :func:`check_page_link` at the end of this run."""
    if notes:
        state = st.session_state
        state[_PAGE_NOTES_KEY] = [*(state.get(_PAGE_NOTES_KEY) or []), *notes]


def _dismiss_note() -> None:
    st.session_state[_IGNORED_KEY] = []


def show_link_note() -> None:
    """Warn about what the share link asked for and did not get, until dismissed or reset.

    Drawn in a placeholder at the top of the page, which :func:`check_page_link` fills again,
    later in the same run, when the page's own controls turn out to have refused some values.
    """
    slot = st.empty()
    st.session_state[_NOTE_SLOT_KEY] = slot
    _draw_link_note(slot, "dismiss_link_note")


def _draw_link_note(slot, button_key: str) -> None:
    notes = st.session_state.get(_IGNORED_KEY) or []
    if not notes:
        return
    with slot.container():
        note, button = st.columns([8, 1], vertical_alignment="center")
        lines = "\n".join(f"- {line}" for line in notes)
        note.warning(
            f"Some settings in the link were ignored; the rest of the link applies.\n\n{lines}",
            icon=":material/link_off:",
        )
        button.button("Dismiss", on_click=_dismiss_note, key=button_key)
