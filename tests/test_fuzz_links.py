"""Fuzzing share links: random query strings through ``streamlit.testing.v1.AppTest``.

A share link is untrusted text. Whatever it holds (random or very long text, unicode, huge or tiny
numbers, ``nan``/``inf``, repeated keys, unknown keys, page keys with garbage), the app must run
without an exception, keep every sidebar widget finite and within its bounds
(``state.CONTROLS[name].control_low``/``control_high``, from the table of quantities), show the
headline, take every usable value and say in a warning which keys it ignored, keeping the default
(the last good state on a first run) for them. A page's own numeric and on/off controls are held
to the same rule when a link opens that page (``state.check_page_link``); its text and option
controls are left to Streamlit, which drops what it cannot use.

Expected values come from ``state.CONTROLS`` (the table's rows: bounds and defaults) and from the
link itself (a usable value is ``float(value)``, the parse both Streamlit and ``state.check_link``
use).
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from aliquant_app import (
    map_view,
    over_time_view,
    programme_controls,
    programmes_view,
    simulation_view,
    state,
    uncertainty_view,
)
from aliquant_core.quantities import Quantity

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60
HEADLINE = "Chance of outer alignment"
#: The sidebar's quantities (state.CONTROLS) and its toggle, all bound to the URL by state.py.
SIDEBAR_KEYS = tuple(state.CONTROLS)
SLIDERS = tuple(name for name, c in state.CONTROLS.items() if c.widget == "slider")
NUMBERS = tuple(name for name, c in state.CONTROLS.items() if c.widget == "number")
#: A few keys of the pages' own controls (each view module's LINK_KEYS): the sidebar leaves them alone.
PAGE_KEYS = (
    over_time_view.LINK_KEYS[:2]
    + programmes_view.LINK_KEYS[:3]
    + uncertainty_view.LINK_KEYS[-2:]
    + simulation_view.LINK_KEYS[:2]
    + map_view.LINK_KEYS[1:3]
)
#: Keys no part of the app binds (one looks like the log slider's key, which is derived, not linked).
UNKNOWN_KEYS = ("unknownkey", "labels_log10", "Labels", "labels ", "ε", "ラベル", "reset_defaults")
PAGES = (
    "pages/overview.py",
    "pages/map.py",
    "pages/programmes.py",
    "pages/over_time.py",
    "pages/uncertainty.py",
    "pages/method.py",
)
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ---------------------------------------------------------------------------------

SPECIAL = st.sampled_from(
    [
        "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e400", "-1e400", "1e-400", "-0", "0x10",
        "1_000", " 0.2 ", "٠.٢", "0,5", "1e12", "1e12.0", "", "true", "false", "TRUE", "None", "[0.1]",
    ]
)  # fmt: skip
NUMBER_TEXT = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(min_value=-1e3, max_value=1e3).map(lambda x: f"{x:g}"),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
TEXT = st.one_of(st.text(max_size=12), st.text(min_size=300, max_size=1500))


def usable(name: str) -> st.SearchStrategy[str]:
    """A value ``state.CONTROLS[name]`` accepts, written as a link would write it."""
    control = state.CONTROLS[name]
    return st.floats(min_value=control.control_low, max_value=control.control_high).map(repr)


def one_value(key: str) -> st.SearchStrategy[str]:
    weird = st.one_of(SPECIAL, NUMBER_TEXT, TEXT)
    return st.one_of(usable(key), weird) if key in state.CONTROLS else weird


def link_value(key: str) -> st.SearchStrategy[str | list[str]]:
    """One value, or a list (a repeated key: AppTest sends each item as its own ``key=value``).

    A slider's repeated key ending in an empty value has its own test below
    (test_repeated_slider_key_ending_empty_is_taken_without_a_wrong_note).
    """
    repeated = st.lists(one_value(key), min_size=2, max_size=3)
    if key in SLIDERS:
        repeated = repeated.filter(lambda values: values[-1] != "")
    return st.one_of(one_value(key), repeated)


@st.composite
def links(draw, keys=(*SIDEBAR_KEYS, state.USE_AGREEMENT_KEY, *PAGE_KEYS, *UNKNOWN_KEYS)):
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=8))
    return {key: draw(link_value(key)) for key in chosen}


# --- helpers ------------------------------------------------------------------------------------


def run_app(query_params: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(query_params)  # before the first run, as a link opens a new session
    return at.run()


def notes(at: AppTest) -> str:
    """The text of the link note (state.show_link_note), '' when there is none."""
    return "\n".join(w.value for w in at.warning if "ignored" in w.value)


def sidebar_values(at: AppTest) -> dict[str, float]:
    """The values of the sidebar widgets that are shown (agreement or error rate, not both)."""
    widgets = {w.key: w for w in (*at.sidebar.slider, *at.sidebar.number_input)}
    return {name: widgets[name].value for name in SIDEBAR_KEYS if name in widgets}


def as_list(value: str | list[str]) -> list[str]:
    return list(value) if isinstance(value, list) else [value]


def parsed(value: str | list[str]) -> float | None:
    """``float`` of the link's only value, or None when there is not exactly one number."""
    values = as_list(value)
    if len(values) != 1:
        return None
    try:
        return float(values[0])
    except ValueError:
        return None


def mentioned(key: str) -> str:
    """How the note names a key: on one line (line breaks made spaces), in code, backticks made
    quotes, cut at 40 characters."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in key)
    text = text.replace("`", "'")
    return f"`{text if len(text) <= 40 else text[:37] + '…'}`"


def check_invariants(at: AppTest, link: dict) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [m.label for m in at.metric].count(HEADLINE) == 1
    values = sidebar_values(at)
    toggle = at.toggle(key=state.USE_AGREEMENT_KEY).value
    # Exactly one label-quality input is shown, the one the toggle picks.
    assert ("agreement" in values) is toggle
    assert ("error_rate" in values) is not toggle
    for name, value in values.items():
        control = state.CONTROLS[name]
        assert math.isfinite(value), (name, value)
        assert control.control_low <= value <= control.control_high, (name, value)
    note = notes(at)
    for key, raw in link.items():
        if key in PAGE_KEYS:
            continue  # left to the page's own widgets
        if key == state.USE_AGREEMENT_KEY:
            last = as_list(raw)[-1].lower()
            if last not in ("true", "false") or (last == "true") != toggle:
                assert mentioned(key) in note, (key, raw, note)
            continue
        if state.is_tracking(key):
            continue  # utm_*, fbclid, …: dropped without a note
        if key not in state.CONTROLS:
            # Not a setting of this explorer: named, or counted past the first few.
            assert mentioned(key) in note or " more: not settings" in note, (key, raw, note)
            continue
        if key not in values:
            # The other quality input: the link's choice of input takes precedence, and says so.
            assert mentioned(key) in note, (key, raw, note)
            continue
        control = state.CONTROLS[key]
        number = parsed(raw)
        if number is not None and state.accepts(control, number):
            assert values[key] == number, (key, raw, values[key])  # a usable value is taken
        elif values[key] != parse_last(raw):
            # Not taken: the note names the key and the widget keeps its default (the last good
            # state of a new session).
            assert mentioned(key) in note, (key, raw, note)
            assert values[key] == control.default, (key, raw, values[key])
    if state.USE_AGREEMENT_KEY not in link:
        # A link that gives agreement and no error rate makes agreement the input (state.py).
        assert toggle is ("agreement" in link and "error_rate" not in link)


def parse_last(raw: str | list[str]) -> float | None:
    """``float`` of the last value (what Streamlit seeds a repeated key's widget from), else None."""
    try:
        return float(as_list(raw)[-1])
    except ValueError:
        return None


# --- tests --------------------------------------------------------------------------------------


@SETTINGS
@given(link=links())
def test_random_links_never_crash_and_say_what_they_ignored(link):
    check_invariants(run_app(link), link)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(link=links(), page=st.sampled_from(PAGES))
def test_random_links_then_any_page(link, page):
    at = run_app(link)
    check_invariants(at, link)
    before = sidebar_values(at)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert sidebar_values(at) == before  # the sidebar keeps its values across pages


@st.composite
def one_bad_among_good(draw):
    names = tuple(name for name in state.CONTROLS if name != "agreement")
    good = {name: draw(usable(name)) for name in draw(st.lists(st.sampled_from(names), unique=True))}
    bad_key = draw(st.sampled_from(names))
    control = state.CONTROLS[bad_key]
    bad = draw(
        st.one_of(
            SPECIAL.filter(lambda s: not _usable_text(s, control)),
            st.floats(allow_nan=True).filter(lambda x: not state.accepts(control, x)).map(repr),
            st.text(max_size=20).filter(lambda s: not _usable_text(s, control)),
        )
    )
    good.pop(bad_key, None)
    return good, bad_key, bad


def _usable_text(text: str, control: Quantity) -> bool:
    try:
        return state.accepts(control, float(text))
    except ValueError:
        return False


@SETTINGS
@given(case=one_bad_among_good())
def test_one_bad_param_keeps_the_good_ones(case):
    good, bad_key, bad = case
    link = {**good, bad_key: bad}
    at = run_app(link)
    check_invariants(at, link)
    values = sidebar_values(at)
    # Every good value of the link is taken (float of its text), the bad one keeps its default.
    assert {k: values[k] for k in good} == {k: float(v) for k, v in good.items()}
    assert values[bad_key] == state.CONTROLS[bad_key].default
    assert mentioned(bad_key) in notes(at)
    # A rerun (any interaction) keeps the state and the note.
    at.run()
    assert sidebar_values(at) == values
    assert mentioned(bad_key) in notes(at)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=one_bad_among_good())
def test_a_bad_value_in_the_url_later_keeps_the_last_good_state(case):
    """A good link, then the URL of the same session edited to hold a bad value: nothing moves."""
    good, bad_key, bad = case
    good = good or {"labels": "20000"}
    at = run_app(good)
    before = sidebar_values(at)
    assert {k: before[k] for k in good} == {k: float(v) for k, v in good.items()}
    at.query_params[bad_key] = bad
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert sidebar_values(at) == before


def test_repeated_slider_key_ending_empty_is_taken_without_a_wrong_note():
    # Streamlit 1.67 parses a slider's repeated key as an array and drops empty parts, so the slider
    # takes 0.3; state.check_link judges the last non-empty value, so it raises no note.
    link = {"exploitation": ["0.3", ""]}
    at = run_app(link)
    assert not at.exception
    assert at.slider(key="exploitation").value == 0.3
    assert mentioned("exploitation") not in notes(at)


# --- the pages' own controls ----------------------------------------------------------------------


def open_page_from_link(page: str, query_params: dict) -> AppTest:
    """A new session whose first run draws ``page`` with ``query_params`` (a shared deep link)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(query_params)
    return at.switch_page(page).run()


def page_value(at: AppTest, key: str):
    """A page control's value. The programmes' fields and the uncertainty page's interval controls
    live in linked stores (aliquant_app.linked), where a field absent has its default."""
    if key in programmes_view.PROGRAMME_LINK_KEYS:
        store = at.session_state[programme_controls.STORE.store_key]
        return store.get(key, programme_controls.DEFAULTS[key])
    if key in uncertainty_view.INTERVALS.keys:
        point = state.Assumptions().as_dict()  # the sidebar's defaults
        defaults = uncertainty_view.interval_defaults(point)
        return at.session_state[uncertainty_view.INTERVALS.store_key].get(key, defaults[key])
    if key in simulation_view.LEARNER.keys:
        store = at.session_state[simulation_view.LEARNER.store_key]
        return store.get(key, simulation_view.LEARNER_DEFAULTS[key])
    return at.session_state[key]


def usable_value(raw: str) -> bool | float:
    """What a page control holds after taking the usable link text ``raw`` (a switch or a number)."""
    return raw == "true" if raw in ("true", "false") else float(raw)


#: Page controls judged by state.check_page_link (numbers and switches), with a value each takes.
NUMERIC_PAGE_KEYS = {
    "pages/programmes.py": {"n_prog": "3", "p1_na": "12345", "p1_ra": "3", "p2_nb": "500"},
    "pages/uncertainty.py": {"unc_draws": "5000", "unc_seed": "7", "unc_labels_on": "true"},
    "pages/over_time.py": {"generations": "4"},
    "pages/simulation.py": {"sim_trials": "5000", "sim_resolvable": "true", "sim_seed": "11"},
}
#: The pages' whole-number controls (aliquant_app.widgets.whole_number_input, or a linked store's
#: field read with read_number(..., whole=True)).
WHOLE_NUMBER_KEYS = {
    "pages/programmes.py": [f"p{i}_{f}" for i in range(1, 5) for f in ("ra", "rb")],
    "pages/uncertainty.py": ["unc_draws", "unc_seed"],
    "pages/simulation.py": ["sim_trials", "sim_seed", "sim_bt_trials"],
}


@pytest.mark.parametrize("page", list(NUMERIC_PAGE_KEYS))
def test_a_deep_link_with_usable_page_values_takes_them_without_a_note(page):
    link = NUMERIC_PAGE_KEYS[page]
    at = open_page_from_link(page, link)
    assert not at.exception
    assert notes(at) == ""
    for key, raw in link.items():
        value = page_value(at, key)
        assert value == usable_value(raw), (key, raw, value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    case=st.sampled_from([(page, key) for page, keys in NUMERIC_PAGE_KEYS.items() for key in keys]),
    raw=st.one_of(SPECIAL, st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True).map(repr)),
)
# Whole-number controls between whole numbers (a review found these untested): a bound input and
# two linked-store fields.
@example(case=("pages/simulation.py", "sim_trials"), raw="5000.7")
@example(case=("pages/uncertainty.py", "unc_seed"), raw="2.5")
@example(case=("pages/programmes.py", "p1_ra"), raw="3.5")
def test_a_deep_link_with_a_bad_page_value_says_so_and_keeps_the_rest(case, raw):
    page, key = case
    good = {k: v for k, v in NUMERIC_PAGE_KEYS[page].items() if k != key}
    at = open_page_from_link(page, {**good, key: raw, "error_rate": "0.2"})
    assert not at.exception, [e.value for e in at.exception]
    whole = key in WHOLE_NUMBER_KEYS.get(page, ())
    value = page_value(at, key)
    if whole and isinstance(value, float) and math.isfinite(value):
        value = round(value)  # what the control shows and the page uses
    if isinstance(value, bool):
        taken = raw.strip().lower() == str(value).lower()
    else:
        try:
            # A whole-number control rounds a value between whole numbers to the nearest.
            asked = round(float(raw)) if whole and math.isfinite(float(raw)) else float(raw)
            taken = math.isclose(asked, value, rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            taken = False
    # Either the control took the value, or the note names the key (and the control shows a value
    # of its own: its default, or the value clamped into range).
    assert taken or f"{mentioned(key)}={mentioned(raw)}" in notes(at), (key, raw, value, notes(at))
    shown = page_value(at, "n_prog") if page == "pages/programmes.py" else None
    for other, other_raw in good.items():  # the good values are taken all the same ...
        if other in programmes_view.PROGRAMME_LINK_KEYS and int(other[1]) > (shown or 4):
            # ... but for a programme the link's n_prog hides, which the note says
            assert f"{mentioned(other)}={mentioned(other_raw)}: programme" in notes(at)
            continue
        other_value = page_value(at, other)
        assert other_value == usable_value(other_raw)
    assert sidebar_values(at)["error_rate"] == 0.2


@pytest.mark.parametrize(
    ("page", "key"), [(page, key) for page, keys in WHOLE_NUMBER_KEYS.items() for key in keys]
)
@pytest.mark.parametrize("raw", ["inf", "-1e400"])
def test_an_infinite_link_value_for_a_whole_number_control_is_noted_not_a_traceback(page, key, raw):
    # Streamlit 1.67's integer number_input raised OverflowError (int(inf)) on such a link.
    at = open_page_from_link(page, {key: raw})
    assert not at.exception, [e.value for e in at.exception]
    assert f"{mentioned(key)}={mentioned(raw)}" in notes(at)


def test_the_maps_controls_are_in_the_link_and_a_bad_value_is_noted():
    good = {
        "map_levels": ["0.5", "0.75"],
        "map_cost_reference": map_view.reference_label("experts"),
        "map_cost_gamma": "1.5",
        "map_budgets": [map_view.budget(1e3)],
    }
    at = open_page_from_link("pages/map.py", good)
    assert not at.exception
    assert notes(at) == ""
    assert at.session_state["map_levels"] == [0.5, 0.75]
    stored = at.session_state[map_view.COST_LAW.store_key]  # drawn only while their box is open
    assert stored == {"map_cost_reference": "experts", "map_cost_gamma": 1.5, "map_budgets": [1e3]}
    assert at.query_params["map_budgets"] == "$1k"  # still in the link
    bad = {"map_levels": "0.42", "map_cost_reference": "oracle", "map_cost_gamma": "9", "map_budgets": ["7"]}
    at = open_page_from_link("pages/map.py", bad)
    assert not at.exception
    for key, raw in bad.items():
        assert f"{mentioned(key)}={', '.join(mentioned(r) for r in as_list(raw))}" in notes(at), key


def test_option_controls_take_their_labels_and_note_anything_else():
    # Streamlit writes an option into the link as its label (programmes_view.LINK_LABELS); the
    # programmes' sources are read by programme_controls, which takes a preset's key as well.
    good = {
        "p1_a": programmes_view.source_name("experts"),
        "p2_b": programmes_view.source_name(programmes_view.NONE),
        "p3_a": "researchers",
        "p2_agg": "weighted",
        "budget_axis": "Labeler-hours",
    }
    at = open_page_from_link("pages/programmes.py", good)
    assert not at.exception
    assert notes(at) == ""
    assert (page_value(at, "p1_a"), page_value(at, "p2_b")) == ("experts", programmes_view.NONE)
    assert (page_value(at, "p3_a"), page_value(at, "p2_agg")) == ("researchers", "weighted")
    assert at.session_state["budget_axis"] == "labeler_hours"
    # The cheapest-programme section, opened by the link (one section is drawn at a time).
    cheapest = {"prog_view": "The cheapest way to P*", "cheap_pool": programmes_view.pool_label("in_use")}
    at = open_page_from_link("pages/programmes.py", cheapest)
    assert not at.exception
    assert notes(at) == ""
    assert at.session_state["cheap_pool"] == "in_use"
    bad = {"p1_a": "EXPERTS", "p3_agg": "Weighted", "budget_axis": "Dollarz"}
    at = open_page_from_link("pages/programmes.py", bad)
    assert not at.exception
    for key, raw in bad.items():
        assert f"{mentioned(key)}={mentioned(raw)}" in notes(at), (key, notes(at))


def test_an_emptied_multiselect_in_a_link_is_taken_without_a_note():
    # The browser writes a cleared multiselect as "map_levels=" (an empty value).
    at = open_page_from_link("pages/map.py", {"map_levels": ""})
    assert not at.exception
    assert at.session_state["map_levels"] == []
    assert notes(at) == ""
    at = open_page_from_link("pages/map.py", {"map_levels": ["0.5", "0.5"]})  # a repeat
    assert at.session_state["map_levels"] == [0.5]
    assert notes(at) == ""
