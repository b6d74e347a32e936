"""The Streamlit explorer, run headless with ``streamlit.testing.v1.AppTest``.

Every expected number comes from the core (``aliquant_core``) or its defaults, formatted with the
app's own formatter (``aliquant_app.formatting``, whose doctests pin the format); the tests check
that the page shows what the core computes for the sidebar's values, that share links set the
state, and that bad links fall back to the defaults with a visible note.
"""

from __future__ import annotations

import doctest
import math
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import aliquant_core as core
from aliquant_app import answer, formatting, layout, overview_view, programmes_view, state
from aliquant_core import QUANTITIES, anchors

from .plotly_spec import chart_spec

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("pages/overview.py", "pages/method.py")
#: The first run imports SciPy and Plotly; later runs take well under a second.
TIMEOUT = 60
#: The sidebar's defaults, error rate as the quality input (the table's defaults).
DEFAULT = core.Assumptions().as_dict()
THREAT = core.THREAT


def run_app(query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query_params:
        at.query_params = dict(query_params)
    return at.run()


def metric(at: AppTest, label: str) -> str:
    values = [m.value for m in at.metric if m.label == label]
    assert len(values) == 1, f"expected one metric {label!r}, found {[m.label for m in at.metric]}"
    return values[0]


#: The Overview's headline metric: its value in words a funder reads, the exact figure in its help.
HEADLINE = "Chance of outer alignment"


def headline(at: AppTest) -> str:
    """The headline's exact figure (``Exactly: P_align = … .`` in the metric's help)."""
    (m,) = [m for m in at.metric if m.label == HEADLINE]
    assert m.help.startswith("Exactly: P_align = "), m.help
    return m.help.removeprefix("Exactly: P_align = ").split(". ", 1)[0]


def plain_headline(at: AppTest) -> str:
    return metric(at, HEADLINE)


def answer_text(at: AppTest) -> str:
    """The Overview's plain answer (the first Markdown block in its bordered box)."""
    return " ".join(m.value for m in at.markdown if "labels of this quality" in m.value)


def settings(**changes: float) -> dict[str, float]:
    """The default scenario (from the table of quantities) with ``changes``, as core keywords."""
    values = {**DEFAULT, **changes}
    if "agreement" in changes:
        del values["error_rate"]
    return values


def core_result(values: dict[str, float]):
    """The core's p_align for ``values`` (the expected source of every headline)."""
    quality = {k: values[k] for k in ("error_rate", "agreement") if k in values}
    return core.p_align(values["labels"], **quality, **{k: values[k] for k in THREAT})


def core_required(values: dict[str, float]) -> float:
    quality = {k: values[k] for k in ("error_rate", "agreement") if k in values}
    return float(core.required_labels(values["target"], **quality, **{k: values[k] for k in THREAT}))


def log10_gap(result) -> float:
    """log10 K_eff·(1 − P₁) from the core's result: the Bonferroni bound's complement."""
    return float(result.effective_competitors_log10 + result.log10_single_failure)


def expected_headline(values: dict[str, float]) -> str:
    result = core_result(values)
    return formatting.probability(float(result.p_align), float(result.p_misalign), log10_gap(result))


def expected_plain_headline(values: dict[str, float]) -> str:
    """The headline's value as shown: the core's P_align in words (aliquant_app.answer)."""
    result = core_result(values)
    return answer.plain_probability(float(result.p_align), float(result.p_misalign))


def assert_shows_core(at: AppTest, values: dict[str, float]) -> None:
    """Headline and labels-for-target metrics equal the core's numbers for ``values``."""
    assert not at.exception
    assert headline(at) == expected_headline(values)
    result = core_result(values)
    assert plain_headline(at) == answer.plain_probability(float(result.p_align), float(result.p_misalign))
    needed = core_required(values)
    shown = "none suffice" if math.isinf(needed) else formatting.count(needed)
    assert metric(at, f"Labels for {100 * values['target']:g}%") == shown


def widget_values(at: AppTest) -> dict[str, float]:
    """Every sidebar quantity (error rate as the quality input) by its brief name."""
    numbers = ("labels", "blind_spot", "footprint", "prior_bits", "target")
    sliders = ("error_rate", "exploitation", "competitors_log10")
    return {k: at.number_input(key=k).value for k in numbers} | {k: at.slider(key=k).value for k in sliders}


# --- smoke --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_without_exception(page):
    at = run_app()
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception
    # The shared sidebar is on every page, one widget per quantity of the brief.
    keys = {w.key for w in (*at.sidebar.slider, *at.sidebar.number_input)}
    assert {"labels", "error_rate", *THREAT, "target"} <= keys
    at.run()  # a rerun on the same page keeps the entry script (sidebar) running too
    assert not at.exception
    assert at.number_input(key="labels").value == DEFAULT["labels"]


def test_every_model_quantity_has_a_sidebar_control_from_the_table():
    """Walk the table: each model quantity's widget has its key, label, bounds, default and help."""
    model = core.names_in(*core.MODEL_GROUPS)
    assert tuple(state.CONTROLS) == model
    drawn = {}
    for link in ({}, {state.USE_AGREEMENT_KEY: "true"}):  # agreement is drawn only when it is the input
        at = run_app(link)
        assert not at.exception
        drawn |= {w.key: w for w in (*at.sidebar.slider, *at.sidebar.number_input)}
    for name in model:
        q, widget = QUANTITIES[name], drawn[name]
        assert widget.type == ("slider" if q.widget == "slider" else "number_input"), name
        assert widget.label == q.label
        assert (widget.min, widget.max) == (q.control_low, q.control_high), name
        assert q.low <= q.control_low <= q.control_high <= q.high
        assert widget.value == q.default, name
        assert widget.step == q.step, name
        # Meaning, range, default with its provenance, and the share-link key.
        for part in (q.help, f"Default {q.default:g}", q.note, f"`{name}`"):
            assert part in widget.help, (name, part)
        assert ("an assumption" if q.is_assumption else q.source) in widget.help


# --- the headline follows the sidebar -----------------------------------------------------------


def test_default_headline_is_the_core_at_the_defaults():
    at = run_app()
    assert_shows_core(at, settings())
    # Pinned once by hand: the core's p_align at the DEFAULTS is 0.90387..., its bound 0.89893...
    assert headline(at) == plain_headline(at) == "90.4%"
    # The shared-dataset figure: aliquant_core.shared_p_align at the defaults (ρ = 0.29) is
    # 0.998544..., checked against direct summation in tests/test_shared_dataset.py.
    assert metric(at, "On one shared dataset") == "99.9%"
    assert "Exactly: 99.85%" in next(m for m in at.metric if m.label == "On one shared dataset").help
    assert any("at least 89.9%" in c.value for c in at.caption)
    assert "so more labels help" in answer_text(at)


@pytest.mark.parametrize("error_rate", [0.1, 0.05, 0.3])
def test_error_rate_slider_sets_headline(error_rate):
    at = run_app()
    at.slider(key="error_rate").set_value(error_rate).run()
    values = settings(error_rate=error_rate)
    assert_shows_core(at, values)
    result = core_result(values)
    gap = min(1.0, 10.0 ** min(0.0, log10_gap(result)))
    expected = formatting.probability(float(result.p_align_lower_bound), gap, log10_gap(result))
    assert any(f"Bonferroni bound {expected}" in c.proto.help for c in at.caption)
    plain = answer.plain_probability(float(result.p_align_lower_bound), gap)
    assert any(f"at least {plain}" in c.value for c in at.caption)
    shared = core.shared_p_align(**{k: v for k, v in values.items() if k != "target"})
    assert metric(at, "On one shared dataset") == answer.plain_probability(
        float(shared.p_align), float(shared.p_misalign)
    )


def test_labels_input_and_log_slider_set_headline():
    at = run_app()
    at.number_input(key="labels").set_value(20_000.0).run()
    assert_shows_core(at, settings(labels=20_000.0))
    # The log slider follows the exact input (log10 20,000 = 4.30 on its 0.05 grid)...
    assert at.slider(key="labels_log10").value == pytest.approx(math.log10(20_000), abs=0.025)
    # ...and sets it: 10^6.5 labels, rounded to a whole label.
    at.slider(key="labels_log10").set_value(6.5).run()
    assert at.number_input(key="labels").value == round(10**6.5)
    assert_shows_core(at, settings(labels=float(round(10**6.5))))


def test_tolerances_are_the_cores():
    at = run_app()
    at.slider(key="error_rate").set_value(0.12).run()
    v = settings(error_rate=0.12)
    shared = {k: v[k] for k in ("footprint", "exploitation", "prior_bits")}
    max_error = core.max_error_rate(
        v["target"],
        v["labels"],
        blind_spot=v["blind_spot"],
        competitors_log10=v["competitors_log10"],
        **shared,
    )
    max_blind = core.max_blind_spot(
        v["target"], v["labels"], 0.12, competitors_log10=v["competitors_log10"], **shared
    )
    max_k = core.max_competitors_log10(v["target"], v["labels"], 0.12, blind_spot=v["blind_spot"], **shared)
    assert metric(at, "Highest error rate") == formatting.share(float(max_error), 4)
    assert metric(at, "Largest blind spot") == formatting.share(float(max_blind), 4)
    assert metric(at, "Most competitors") == f"10^{float(max_k):,.1f}"


def test_verdicts_follow_the_regime():
    # h = σ + χ(min(1, σ/f) − σ) > ½ for σ = 0.2 at the default f and χ: the core says q < ½.
    at = run_app({"blind_spot": "0.2"})
    assert str(core_result(settings(blind_spot=0.2)).regime) == "no_quantity_suffices"
    assert "more labels of this quality make things worse" in answer_text(at)
    assert "No number of labels of this quality reaches 90%" in answer_text(at)
    assert metric(at, "Labels for 90%") == "none suffice"  # the core's required_labels is inf
    # ε = φ = ½: every label is a coin flip, inside blind spots or not: the core's knife edge.
    at = run_app({"error_rate": "0.5", "fooled_rate": "0.5"})
    assert str(core_result(settings(error_rate=0.5, fooled_rate=0.5)).regime) == "knife_edge"
    assert "labels are coin flips and more of them change nothing" in answer_text(at)
    assert_shows_core(at, settings(error_rate=0.5, fooled_rate=0.5))


def test_values_are_kept_across_pages():
    at = run_app()
    at.slider(key="error_rate").set_value(0.1).run()
    at.switch_page("pages/method.py").run()
    assert at.slider(key="error_rate").value == 0.1
    at.switch_page("pages/overview.py").run()
    assert_shows_core(at, settings(error_rate=0.1))


def test_reset_restores_the_defaults():
    at = run_app({"labels": "5000", "blind_spot": "0.1", "target": "0.99"})
    at.slider(key="error_rate").set_value(0.2).run()
    at.button(key="reset_defaults").click().run()
    assert not at.exception
    assert widget_values(at) == {k: DEFAULT[k] for k in widget_values(at)}
    assert_shows_core(at, settings())


# --- share links --------------------------------------------------------------------------------


def test_query_params_set_the_state():
    link = {"labels": "5000", "error_rate": "0.1", "blind_spot": "0.01", "target": "0.99"}
    at = run_app(link)
    assert at.number_input(key="labels").value == 5000.0
    assert at.slider(key="error_rate").value == 0.1
    assert at.number_input(key="blind_spot").value == 0.01
    assert_shows_core(at, settings(labels=5000.0, error_rate=0.1, blind_spot=0.01, target=0.99))
    assert not at.warning  # nothing was ignored
    assert at.query_params == link  # the URL still holds the state


def test_headline_keeps_its_digits_far_below_the_float_range():
    # 3 million labels at 80% agreement: the core's 1 − P_align underflows to 0, so the page writes
    # the complement from log10 K_eff·(1 − P₁), the core's effective_competitors_log10 plus
    # log10_single_failure.
    link = {"labels": "3000000", "agreement": "0.8", "blind_spot": "0.01", "target": "0.99"}
    at = run_app(link)
    values = settings(labels=3e6, agreement=0.8, blind_spot=0.01, target=0.99)
    assert float(core_result(values).p_misalign) == 0.0
    assert_shows_core(at, values)
    assert headline(at).startswith("1 − ")
    assert plain_headline(at) == "practically certain"


def test_agreement_link_uses_agreement_and_the_toggle_carries_it_over():
    at = run_app({"agreement": "0.8"})
    assert at.toggle(key="use_agreement").value is True
    assert at.slider(key="agreement").value == 0.8
    assert_shows_core(at, settings(agreement=0.8))  # the core converts agreement itself
    at.toggle(key="use_agreement").set_value(False).run()
    # The error rate the core derives from 80% agreement, to the slider's 4 decimals.
    carried = round(float(core.error_rate_from_agreement(0.8)), 4)
    assert at.slider(key="error_rate").value == carried
    assert at.query_params.get("error_rate") == str(carried)  # and it is in the share link
    assert_shows_core(at, settings(error_rate=carried))


def test_bad_query_params_give_defaults_a_note_and_a_clean_link():
    at = run_app({"error_rate": "banana", "labels": "1e99", "unknownkey": "3"})
    assert not at.exception
    assert at.slider(key="error_rate").value == DEFAULT["error_rate"]
    assert at.number_input(key="labels").value == DEFAULT["labels"]
    assert_shows_core(at, settings())
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert "`error_rate`=`banana`: not a number" in note
    assert "`labels`=`1e99`: outside [0, 1e12]" in note
    assert "`unknownkey`=`3`: not a setting" in note
    assert at.query_params == {}  # nothing left in the URL that the page did not use
    at.run()  # the note stays until dismissed
    assert any("ignored" in w.value for w in at.warning)
    at.button(key="dismiss_link_note").click().run()
    assert not any("ignored" in w.value for w in at.warning)


def beyond_each_end(name: str) -> list[str]:
    """Link values just outside ``name``'s interval in the table: an open end itself, else one past it."""
    q = QUANTITIES[name]
    ends = ((q.low, q.low_open, -1.0), (q.high, q.high_open, 1.0))
    return [str(end if is_open else end + past) for end, is_open, past in ends]


#: Link texts that no quantity takes, with why: each is given to the next quantity of LINKED in turn.
MALFORMED = [
    ("nan", "outside"),
    ("inf", "outside"),
    ("1e400", "outside"),
    ("", "not a number"),
    ("0x10", "not a number"),
    (["0.2", "0.3"], "given more than once"),
]
# ``labels`` carries the rest of each link below; its own bad values are in the test above.
LINKED = [name for name in state.CONTROLS if name != "labels"]


@pytest.mark.parametrize(
    ("key", "raw", "reason"),
    [(name, raw, "outside") for name in LINKED for raw in beyond_each_end(name)]
    + [(name, raw, reason) for name, (raw, reason) in zip(LINKED, MALFORMED, strict=False)]
    + [(state.USE_AGREEMENT_KEY, "maybe", "not `true` or `false`")],
)
def test_each_malformed_param_falls_back_to_its_default(key, raw, reason):
    at = run_app({key: raw, "labels": "20000"})
    assert not at.exception
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert f"`{key}`" in note
    assert reason in note
    assert at.number_input(key="labels").value == 20_000.0  # the rest of the link applies
    if key == "agreement":
        # A link that gives agreement makes agreement the input; a bad value falls back to its
        # default, InstructGPT's 72.6% (anchors), which the core converts itself.
        assert_shows_core(at, settings(labels=20_000.0, agreement=state.CONTROLS["agreement"].default))
    else:
        assert_shows_core(at, settings(labels=20_000.0))


def test_both_quality_inputs_in_a_link_use_one_and_say_so():
    at = run_app({"error_rate": "0.1", "agreement": "0.9"})
    assert at.slider(key="error_rate").value == 0.1
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert "`agreement`=`0.9`" in note
    assert "agreement" not in at.query_params
    assert_shows_core(at, settings(error_rate=0.1))


# --- chart, CSV, method page --------------------------------------------------------------------


def test_chart_is_svg_on_a_log_axis_with_the_anchors():
    at = run_app()
    (chart,) = at.get("plotly_chart")
    spec = chart_spec(chart)
    types = {trace.get("type", "scatter") for trace in spec["data"]}
    assert types == {"scatter"}  # never scattergl: no WebGL
    assert spec["layout"]["xaxis"]["type"] == "log"
    assert spec["layout"]["xaxis"]["range"][0] <= 0
    assert spec["layout"]["xaxis"]["range"][1] >= 12
    hovers = " ".join(str(t.get("hovertemplate", "")) for t in spec["data"])
    for pipeline in anchors.REFERENCE_PIPELINES:
        if pipeline.comparisons is not None:
            assert pipeline.name in hovers
    # InstructGPT is a range: 33,207 prompts × 6 to 36 comparisons (anchors).
    assert "InstructGPT: 199,242 to 1.2 million comparisons" in hovers
    notes = " ".join(a["text"] for a in spec["layout"]["annotations"])
    # The few-hundred-hours line runs at the pricing source's pace, as the cost row does: the
    # default, contractors, at 60 s a comparison (anchors), so 300 h = 18,000 comparisons.
    seconds = core.PRESETS[overview_view.DEFAULT_COST_SOURCE].seconds_per_label
    assert f"({seconds:g} s each)" in notes
    assert any("≈ 18,000 comparisons at 60 s each" in c.value for c in at.caption)
    lines = [t for t in spec["data"] if t.get("name") == "few hundred hours"]
    assert lines
    assert all(list(t["x"]) == [18_000.0, 18_000.0] for t in lines)  # 300 h × 3600 s / 60 s, drawn there
    (you,) = [t for t in spec["data"] if t.get("name") == "this programme"]
    assert you["x"] == [DEFAULT["labels"]]
    assert you["y"][0] == pytest.approx(float(core_result(settings()).p_align), rel=1e-12)


def test_csv_holds_the_cores_curve():
    labels = np.unique(np.round(np.logspace(0, 12, 50)))
    values = settings()
    result = core_result({**values, "labels": labels})
    curve = {
        "labels": labels.tolist(),
        "p_align": np.asarray(result.p_align).tolist(),
        "p_align_lower_bound": np.asarray(result.p_align_lower_bound).tolist(),
        "p_single": np.asarray(result.p_single).tolist(),
    }
    lines = overview_view.curve_csv(curve, values).splitlines()
    assert lines[0].split(",")[:4] == ["labels", "p_align", "p_align_lower_bound", "p_single"]
    assert len(lines) == 1 + len(labels)
    first = lines[1].split(",")
    assert float(first[1]) == float(np.asarray(result.p_align)[0])
    assert float(first[3]) == float(np.asarray(result.p_single)[0])  # the range's upper end, P₁
    assert float(first[lines[0].split(",").index("error_rate")]) == DEFAULT["error_rate"]


def test_the_page_offers_the_csv():
    at = run_app()
    (button,) = [b for b in at.main.get("download_button") if b.key.endswith("_csv")]
    # Written when clicked (a deferred download), by overview_view.chart_csv with the page's inputs.
    assert button.proto.deferred_file_id
    assert button.key == "overview_csv"
    threat = tuple(sorted((k, DEFAULT[k]) for k in THREAT))
    text = overview_view.chart_csv((("error_rate", DEFAULT["error_rate"]),), threat, {"target": 0.9})
    rows = text.splitlines()
    assert rows[0] == "labels,p_align,p_align_lower_bound,p_single,target"
    # One row per label count of the curve: np.unique(np.round(np.logspace(0, 12, 721))) has 661
    # (rounding to whole labels merges the near-equal counts at the low end).
    assert len(rows) == 1 + len(np.unique(np.round(np.logspace(0.0, 12.0, overview_view.CURVE_POINTS))))


COST = "Cost of 100,000 labels"


def test_the_programme_is_priced_as_the_chosen_source():
    at = run_app()
    # The default, contractors (anchors: InstructGPT-like, $1 and 60 s a comparison, 40 people ×
    # 40 h a week). By hand: 100,000 × $1 = $100,000; × 60 s / 3600 = 1,666.7 labeler-hours;
    # / 1,600 h a week = 1.04 weeks.
    assert (metric(at, COST), metric(at, "Labeler-hours"), metric(at, "Calendar weeks")) == (
        "$100,000",
        "1,667",
        "1",
    )
    at.selectbox(key="cost_source").set_value("experts").run()
    expert = core.programme_cost(core.Programme((core.Allocation(core.PRESETS["experts"], 1e5, 1),)))
    assert metric(at, COST) == programmes_view.dollars(float(expert.dollars))
    assert metric(at, "Labeler-hours") == programmes_view.hours(float(expert.labeler_hours), unit=False)
    assert metric(at, "Calendar weeks") == programmes_view.weeks(float(expert.calendar_weeks), unit=False)
    assert at.selectbox(key="cost_source").proto.query_param_key == "cost_source"  # in the link


def test_a_link_prices_the_programme_and_a_bad_source_is_noted():
    at = run_app({"cost_source": core.PRESETS["experts"].name})
    assert at.selectbox(key="cost_source").value == "experts"
    assert not at.warning
    at = run_app({"cost_source": "oracle"})
    assert at.selectbox(key="cost_source").value == overview_view.DEFAULT_COST_SOURCE
    assert any("`cost_source`=`oracle`" in w.value for w in at.warning)


def test_method_page_has_the_formulas_and_every_source():
    at = run_app()
    at.switch_page("pages/method.py").run()
    assert not at.exception
    latex = " ".join(e.value for e in at.latex)
    for formula in (r"\min(1, \sigma/f)", r"I_q(a, a)", r"K_\text{eff} = \max", r"P_1^{K_\text{eff}}"):
        assert formula in latex
    text = " ".join(m.value for m in at.markdown)
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in text.splitlines()}
    for name, q in QUANTITIES.items():  # one row per quantity of the table, from the table
        row = rows[f"`{name}`"]
        for part in (q.symbol, q.unit, q.help, q.range_text, f"{q.default:g}", q.note):
            assert part.replace("$", "\\$") in row, (name, part)  # "$" escaped: it would open a formula
        assert ("**assumption**" if q.is_assumption else q.source) in row
    for pipeline in anchors.REFERENCE_PIPELINES:
        assert pipeline.name in text
        assert pipeline.source in text
    assert "halves rounded up" in text
    assert "Generalisation beyond the training distribution" in text
    assert "Robustness" in text


def test_the_page_registry_lists_every_page_once_with_its_link_keys():
    scripts = [page.script for page in layout.PAGES]
    on_disk = sorted(f"pages/{path.name}" for path in (Path(APP).parent / "pages").glob("*.py"))
    assert sorted(scripts) == on_disk
    assert len(set(scripts)) == len(scripts)
    assert len({page.url_path for page in layout.PAGES}) == len(layout.PAGES)
    # Each page's link keys are its view's declaration; the sidebar's link check leaves them alone.
    views = {
        "pages/overview.py": "overview_view",
        "pages/map.py": "map_view",
        "pages/programmes.py": "programmes_view",
        "pages/over_time.py": "over_time_view",
        "pages/uncertainty.py": "uncertainty_view",
        "pages/simulation.py": "simulation_view",
        "pages/your_labels.py": "estimate_view",
    }
    for page in layout.PAGES:
        view = getattr(layout, views[page.script]) if page.script in views else None
        assert page.link_keys == (view.LINK_KEYS if view else ()), page.script
        assert dict(page.link_labels) == dict(getattr(view, "LINK_LABELS", {})), page.script
    shared = set(layout.SHARED_LINK_KEYS)  # keys every page carries (the pinned A), in no page's list
    assert state.page_link_keys() == {key for page in layout.PAGES for key in page.link_keys} | shared
    assert not shared & {key for page in layout.PAGES for key in page.link_keys}
    assert not state.page_link_keys() & set(state.CONTROLS)  # no page key shadows a sidebar quantity


def test_formatting_doctests():
    assert doctest.testmod(formatting).failed == 0
