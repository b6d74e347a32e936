"""Named scenarios and the A/B comparison (aliquant_app.compare), in AppTest and as pure functions.

Expected numbers come from the core (``aliquant_core``: ``p_align``, ``required_labels``,
``trajectory`` through the views' own cached calls) for A's and B's values, formatted with the
app's formatter; the scenarios' values from :data:`aliquant_core.ASSUMPTION_SETS`.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import aliquant_core as core
from aliquant_app import answer, compare, formatting, layout, over_time_view, state, uncertainty_view
from aliquant_core import ASSUMPTION_SETS, QUANTITIES, Assumptions

from . import strategies as s
from .plotly_spec import chart_spec

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TIMEOUT = 60


def run_app(query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query_params:
        at.query_params = dict(query_params)
    return at.run()


def traces(at: AppTest, index: int = 0) -> dict[str, dict]:
    """The traces of the page's ``index``-th chart, by name."""
    spec = chart_spec(at.get("plotly_chart")[index])
    return {trace.get("name"): trace for trace in spec["data"]}


def versus_table(at: AppTest) -> str:
    (table,) = [m.value for m in at.markdown if m.value.startswith("|  | A | B")]
    return table


def row(table: str, label: str) -> list[str]:
    """The cells of the table's row whose first cell is ``label`` (escaped as the table escapes it)."""
    from aliquant_app.widgets import markdown_text

    (line,) = [line for line in table.splitlines() if line.startswith(f"| {markdown_text(label)} |")]
    return [cell.strip() for cell in line.strip("|").split("|")][1:]


def headline_text(a: Assumptions) -> str:
    """The chance of outer alignment as the Overview's headline writes it, from the core."""
    result = core.p_align(a.labels, **a.quality, **a.threat)
    return answer.plain_probability(float(result.p_align), float(result.p_misalign))


def escaped(text: str) -> str:
    from aliquant_app.widgets import markdown_text

    return markdown_text(text)


# --- pin A, change B, compare -------------------------------------------------------------------


def test_pin_then_change_draws_a_beside_b_with_the_table():
    at = run_app()
    assert compare.A_KEY not in at.session_state
    assert "A (pinned): P_align" not in traces(at)  # nothing pinned: no A
    assert not [m for m in at.markdown if m.value.startswith("**A vs B")]

    at.sidebar.button(key="compare_pin").click().run()
    at.number_input(key="blind_spot").set_value(0.06).run()
    assert not at.exception
    a, b = Assumptions(), Assumptions(blind_spot=0.06)
    assert at.session_state[compare.A_KEY] == a

    drawn = traces(at)
    pinned = drawn["A (pinned): P_align"]
    expected = core.p_align(pinned["x"], **a.quality, **a.threat).p_align  # A's curve, at its points
    assert pinned["y"] == pytest.approx(expected.tolist(), rel=1e-12, abs=1e-300)
    (a_point,) = drawn["A's programme"]["y"]
    assert a_point == pytest.approx(float(core.p_align(a.labels, **a.quality, **a.threat).p_align), rel=1e-12)
    sidebar_curve = drawn["B (sidebar): P_align"]
    b_expected = core.p_align(sidebar_curve["x"], **b.quality, **b.threat).p_align
    assert sidebar_curve["y"] == pytest.approx(b_expected.tolist(), rel=1e-12, abs=1e-300)

    table = versus_table(at)
    assert row(table, "Blind spot σ") == [escaped("0.03"), escaped("0.06")]
    assert len(table.splitlines()) == 2 + 3  # header, rule, σ, chance of outer alignment, labels for P*
    assert row(table, "Chance of outer alignment") == [escaped(headline_text(a)), escaped(headline_text(b))]
    labels = [float(core.required_labels(0.9, **x.quality, **x.threat)) for x in (a, b)]
    needed = ["none suffice" if math.isinf(n) else formatting.count(n) for n in labels]
    assert row(table, "Labels for 90%") == [escaped(n) for n in needed]
    assert any("differs in σ" in c.value for c in at.sidebar.caption)


def test_over_time_and_uncertainty_draw_a_beside_b():
    at = run_app()
    at.sidebar.button(key="compare_pin").click().run()
    at.slider(key="exploitation").set_value(0.8).run()
    a, b = Assumptions(), Assumptions(exploitation=0.8)

    at.switch_page("pages/over_time.py").run()
    assert not at.exception
    rates = {name: QUANTITIES[name].default for name in over_time_view.RATE_KEYS}
    expected = over_time_view.run(rates, labels=a.labels, **a.quality, **a.threat, target=a.target)
    drawn = traces(at)
    needed = drawn["A (pinned): labels for P*"]["y"]
    assert needed == [v if math.isfinite(v) else None for v in expected["required_labels"]]
    assert drawn[f"A (pinned): P_align of {formatting.count(a.labels)} labels"]["y"] == pytest.approx(
        expected["p_align"], rel=1e-12, abs=1e-300
    )
    assert row(versus_table(at), "Exploitation χ") == [escaped("0.65"), escaped("0.8")]

    at.switch_page("pages/uncertainty.py").run()
    assert not at.exception
    point = {name: a.as_dict()[name] for name in (*uncertainty_view.SPECS, "target")}
    intervals = uncertainty_view.chosen_intervals(uncertainty_view.interval_defaults(point))
    summary = uncertainty_view.uncertainty_summary(
        tuple(intervals), tuple(point.items()), round(uncertainty_view.RUN_DEFAULTS["unc_draws"]), 0
    )
    drawn = traces(at)
    outline = drawn["A (pinned): share of draws"]
    assert outline["x"] == pytest.approx(summary["p_align_histogram"]["edges"])
    assert outline["y"][:-1] == pytest.approx(summary["p_align_histogram"]["shares"])
    assert drawn["A's mean"]["x"][0] == pytest.approx(summary["mean_p_align"])
    assert "B (sidebar): share of draws" in drawn
    expected_row = [escaped(headline_text(a)), escaped(headline_text(b))]
    assert row(versus_table(at), "Chance of outer alignment") == expected_row


def test_a_in_the_link_comes_back_after_a_reload():
    at = run_app()
    at.number_input(key="labels").set_value(250_000.0).run()
    at.slider(key="exploitation").set_value(0.8).run()
    at.sidebar.button(key="compare_pin").click().run()
    at.slider(key="exploitation").set_value(0.5).run()
    text = at.query_params[compare.LINK_KEY]
    text = text[0] if isinstance(text, list) else text
    assert text == "1_250000_____.8_____"

    # A reload: the link holds A under its key and B as the sidebar's own keys.
    opened = run_app({compare.LINK_KEY: text, "labels": "250000", "exploitation": "0.5"})
    assert not opened.exception
    assert not [w for w in opened.warning if "ignored" in w.value]  # nothing in the link was refused
    a = Assumptions(labels=250_000.0, exploitation=0.8)
    assert opened.session_state[compare.A_KEY] == a
    assert opened.slider(key="exploitation").value == 0.5
    table = versus_table(opened)
    assert row(table, "Exploitation χ") == [escaped("0.8"), escaped("0.5")]
    assert "A (pinned): P_align" in traces(opened)
    kept = opened.query_params[compare.LINK_KEY]
    assert (kept[0] if isinstance(kept, list) else kept) == text  # and stays in the link


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("banana", "not assumptions in the link's form"),
        ("1_250000_____1.8_____", "exploitation = 1.8 is outside [0, 1]"),
        ("1_x_____.8_____", "labels is not a number"),
        ("1_250000____.8_____", "not assumptions in the link's form"),  # a field short
        ("1__.2_________.8", "gives both an error rate and an agreement"),
        ("2_250000_____.8_____", "not assumptions in the link's form"),  # another version
    ],
)
def test_a_malformed_a_gives_a_note_and_the_rest_of_the_link_applies(value, reason):
    at = run_app({compare.LINK_KEY: value, "labels": "5000"})
    assert not at.exception
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert f"`{compare.LINK_KEY}`=" in note
    assert reason in note
    assert "nothing was pinned as A" in note
    assert compare.A_KEY not in at.session_state
    assert at.number_input(key="labels").value == 5000.0  # the rest of the link applies
    assert compare.LINK_KEY not in at.query_params  # the refused value leaves the link
    assert "A (pinned): P_align" not in traces(at)


def test_clear_a_drops_it_from_the_charts_and_the_link():
    at = run_app({compare.LINK_KEY: "1_250000_____.8_____"})
    assert compare.LINK_KEY in at.query_params
    at.sidebar.button(key="compare_clear").click().run()
    assert compare.A_KEY not in at.session_state
    assert compare.LINK_KEY not in at.query_params
    assert "A (pinned): P_align" not in traces(at)


def test_put_a_back_sets_the_sidebar_to_a():
    at = run_app({compare.LINK_KEY: "1_250000_____.8_____", "agreement": "0.8"})
    assert at.toggle(key=state.USE_AGREEMENT_KEY).value
    at.sidebar.button(key="compare_restore").click().run()
    assert at.number_input(key="labels").value == 250_000.0
    assert at.slider(key="exploitation").value == 0.8
    assert not at.toggle(key=state.USE_AGREEMENT_KEY).value  # A's quality is an error rate
    assert at.slider(key="error_rate").value == pytest.approx(core.DEFAULTS["error_rate"])
    assert any("equal to the sidebar" in c.value for c in at.sidebar.caption)


# --- named scenarios ----------------------------------------------------------------------------


def test_choosing_a_scenario_shows_its_sources_and_only_apply_sets_it():
    at = run_app()
    at.number_input(key="labels").set_value(3_000.0).run()
    at.selectbox(key=compare.SCENARIO_KEY).set_value("pessimistic").run()
    pessimistic = ASSUMPTION_SETS["pessimistic"]
    # Choosing shows the values and their provenance, and changes nothing.
    shown = " ".join(m.value for m in at.sidebar.markdown)
    for entry in pessimistic.entries:
        assert f"**{QUANTITIES[entry.name].label} = {entry.value:g}.** {entry.provenance}" in shown
    assert at.number_input(key="blind_spot").value == core.DEFAULTS["blind_spot"]
    assert any("holds the **Central** scenario" in c.value for c in at.sidebar.caption)

    at.sidebar.button(key="scenario_apply").click().run()
    assert not at.exception
    for name, value in pessimistic.values.items():
        widget = at.slider(key=name) if QUANTITIES[name].widget == "slider" else at.number_input(key=name)
        assert widget.value == pytest.approx(value, rel=1e-12), name
    assert at.number_input(key="labels").value == 3_000.0  # the programme is the user's
    assert at.slider(key="error_rate").value == pytest.approx(core.DEFAULTS["error_rate"])
    assert any("holds the **Pessimistic** scenario" in c.value for c in at.sidebar.caption)
    assert at.metric[0].value == headline_text(pessimistic.apply(Assumptions(labels=3_000.0)))


def test_the_extreme_scenarios_are_the_ends_of_the_uncertainty_pages_default_intervals():
    """Each optimistic and pessimistic value is an end of the interval the Uncertainty page puts
    around the central value (snapped to its widget's step), so the two say the same thing."""
    central = Assumptions().as_dict()
    for name in ("blind_spot", "fooled_rate", "footprint", "exploitation", "competitors_log10", "prior_bits"):
        low, high = uncertainty_view.default_widget_value(name, central)
        ends = {ASSUMPTION_SETS["optimistic"].values[name], ASSUMPTION_SETS["pessimistic"].values[name]}
        step = uncertainty_view.SPECS[name].step
        if name == "prior_bits":  # more bits help: optimistic is the high end, pessimistic the low
            assert ends == {low, high}
            continue
        for end in ends:
            assert min(abs(end - low), abs(end - high)) <= step, (name, end, low, high)


def test_the_method_section_lists_every_value_with_its_provenance():
    text = compare.method_section()
    for scenario in ASSUMPTION_SETS.values():
        assert f"**{scenario.title}.** {scenario.summary}" in text
        for entry in scenario.entries:
            assert f"- {QUANTITIES[entry.name].label} = {entry.value:g}: {entry.provenance}" in text
    assert f"`{compare.LINK_KEY}`" in text


# --- A's link text --------------------------------------------------------------------------------


def test_the_link_key_is_known_to_the_registry_and_the_link_check():
    assert compare.LINK_KEY in layout.SHARED_LINK_KEYS
    assert compare.LINK_KEY in state.page_link_keys()
    assert compare.LINK_KEY not in state.CONTROLS


def test_link_text_examples():
    # Each field empty at its default; the version first (hand-written from FIELDS' order).
    assert compare.FIELDS[:2] == ("labels", "error_rate")
    assert compare.link_text(Assumptions()) == ("1___________", None)
    assert compare.link_text(Assumptions(agreement=0.8)) == ("1___________.8", None)  # the 11th field
    most = Assumptions(labels=1e12, error_rate=0.1)
    assert compare.link_text(most) == ("1_1000000000000_.1_________", None)
    assert compare.link_text(None) == (None, None)
    assert compare.read_link("1___________.8") == Assumptions(agreement=0.8)


def _in_control(name: str) -> st.SearchStrategy:
    quantity = QUANTITIES[name]
    low = quantity.control_low if quantity.contains(quantity.control_low) else None
    high = quantity.control_high if quantity.contains(quantity.control_high) else None
    return s.for_quantity(name, low=low, high=high).filter(
        lambda v: quantity.control_low <= v <= quantity.control_high
    )


#: Any A the sidebar can hold: every value inside its control's bounds.
sidebar_assumptions = st.builds(
    Assumptions,
    **{name: _in_control(name) for name in compare.FIELDS if name != "agreement"},
    agreement=st.none() | _in_control("agreement"),
)


@settings(max_examples=300, deadline=None)
@given(sidebar_assumptions)
def test_any_a_fits_the_link_and_reads_back(a):
    text, digits = compare.link_text(a)
    assert text is not None
    assert len(text) <= state.MAX_LINK_VALUE
    back = compare.read_link(text)
    if digits is None:
        assert back == a
    else:  # rounded to fit: each value the link holds to `digits` significant figures
        held = a.as_dict()
        if a.agreement is not None:  # the error rate follows from the agreement, not from the link
            del held["error_rate"]
        for name, value in held.items():
            assert getattr(back, name) == pytest.approx(value, rel=10.0 ** (1 - digits)), name


def test_a_long_a_is_rounded_to_fit():
    # Every field at a 17-digit value: 10 × 18 characters is far past 100, so 6 figures are kept.
    a = Assumptions(
        labels=123456.78901234567, error_rate=0.12345678901234567, blind_spot=0.012345678901234567,
        fooled_rate=0.7654321098765432, footprint=0.05432109876543211, exploitation=0.6543210987654321,
        competitors_log10=21.234567890123456, prior_bits=1.2345678901234567, overlap=0.2345678901234567,
        target=0.9123456789012345,
    )  # fmt: skip
    text, digits = compare.link_text(a)
    assert digits == 6
    assert text.startswith("1_123457_.123457_.0123457_")
    assert compare.read_link(text).error_rate == 0.123457


def test_doctests():
    import doctest

    assert doctest.testmod(compare).failed == 0
