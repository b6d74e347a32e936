"""Competitor classes in the explorer (issue #17, point 2): the sidebar's expander, the share link's
``cls`` key, scenario import and export, and the Overview's headline over every class."""

from __future__ import annotations

import dataclasses
import json

import aliquant_core as core
from aliquant_app import class_controls, formatting, scenario_io
from aliquant_core import CompetitorClass

from .test_app import headline, metric, run_app

TARGETED = "targeted few~2~.03~1"


def expected(extra) -> core.ClassesResult:
    a = core.Assumptions()
    classes = class_controls.classes_for(a.threat, extra)
    return core.classes_p_align(a.labels, a.error_rate, classes=classes, **{
        k: v for k, v in a.threat.items() if k not in ("competitors_log10", "footprint", "exploitation")
    })  # fmt: skip


def test_a_link_with_classes_sets_the_headline_over_every_class():
    at = run_app({"cls": [TARGETED, "mild~10~.3~.1"]})
    assert not at.exception
    extra = (("targeted few", 2.0, 0.03, 1.0), ("mild", 10.0, 0.3, 0.1))
    assert at.session_state[class_controls.EXTRA_KEY] == extra
    result = expected(extra)
    assert headline(at) == formatting.probability(float(result.p_align), float(result.p_misalign), None)
    assert metric(at, "Labels for 90%") == "none suffice"  # the core's required_labels is inf
    assert at.query_params.get("cls") == [TARGETED, "mild~10~.3~.1"]  # the link keeps them
    # The answer explains the binding class: the targeted few, inside blind spots only (h = 1,
    # q = 1 − φ = 0.1638), so 84 of 100 labels on their footprint favour them, all from blind
    # spots (hφ = 0.8362; (1 − h)ε = 0).
    (text,) = [m.value for m in at.markdown if "labels of this quality" in m.value]
    assert "a competitor of the binding class, targeted few," in text
    assert "84% of labels" in text
    assert "84 points from blind spots, 0 from random errors" in text
    assert "No number of labels of this quality reaches 90%" in text


def test_without_classes_the_headline_is_unchanged():
    at = run_app()
    assert class_controls.LINK_KEY not in at.query_params
    assert headline(at) == formatting.probability(
        float(core.p_align(core.Assumptions()).p_align), float(core.p_align(core.Assumptions()).p_misalign),
        float(core.p_align(core.Assumptions()).effective_competitors_log10
              + core.p_align(core.Assumptions()).log10_single_failure),
    )  # fmt: skip


def test_bad_class_values_are_noted_and_the_rest_applies():
    at = run_app({"cls": ["x~400~.1~.5", "y~2~0~.5", "nonsense", TARGETED], "labels": "50000"})
    assert not at.exception
    assert at.session_state[class_controls.EXTRA_KEY] == (("targeted few", 2.0, 0.03, 1.0),)
    (note,) = [w.value for w in at.warning if "ignored" in w.value]
    assert "competitors_log10 must be in [0, 300]; got 400" in note
    assert "footprint must be in (0, 1]; got 0" in note
    assert "not name~log₁₀K~footprint~exploitation" in note
    assert at.number_input(key="labels").value == 50000


def test_link_values_round_trip():
    extra = (("deceptive ~ few", 1.5, 0.0123456789, 0.9), ("b", 0.0, 1.0, 0.0))
    texts = class_controls.link_texts(extra)
    assert all(len(t) <= class_controls.MAX_LINK_VALUE for t in texts)
    read = tuple(class_controls.read_link(t) for t in texts)
    assert read == (("deceptive - few", 1.5, 0.0123456789, 0.9), ("b", 0.0, 1.0, 0.0))


def test_scenario_export_and_import_carry_the_classes():
    a = core.Assumptions()
    extra = (("targeted few", 2.0, 0.03, 1.0),)
    text = scenario_io.export_text(a, None, extra)
    data = json.loads(text)
    assert [c["name"] for c in data["competitor_classes"]] == [class_controls.FIRST_NAME, "targeted few"]
    state: dict = {}
    applied, note = scenario_io.apply_scenario(text.encode(), state)
    assert applied
    assert "2 competitor classes" in note
    assert state[class_controls.EXTRA_KEY] == extra
    # A file without classes clears the added ones: a scenario is the whole set.
    applied, _ = scenario_io.apply_scenario(scenario_io.export_text(a).encode(), state)
    assert state[class_controls.EXTRA_KEY] == ()
    assert "competitor_classes" not in json.loads(scenario_io.export_text(a))


def test_the_expander_adds_the_targeted_few_and_removes_it():
    at = run_app()
    at.session_state["_aliquant_classes_box"] = True  # open the expander
    at.run()
    at.button(key="_aliquant_class_targeted").click().run()
    assert not at.exception
    assert at.session_state[class_controls.EXTRA_KEY] == (("targeted few", 2.0, 0.03, 1.0),)
    assert at.query_params.get("cls") in ([TARGETED], TARGETED)
    result = expected(at.session_state[class_controls.EXTRA_KEY])
    assert headline(at) == formatting.probability(float(result.p_align), float(result.p_misalign), None)
    at.button(key="_aliquant_class_remove_0").click().run()
    assert at.session_state[class_controls.EXTRA_KEY] == ()
    assert "cls" not in at.query_params


def test_one_class_from_the_expander_matches_the_core_class():
    c = CompetitorClass("mild", 10.0, 0.3, 0.1)
    assert class_controls.read_link(class_controls.link_texts([(c.name, *c.threat.values())])[0]) == (
        "mild", 10.0, 0.3, 0.1,
    )  # fmt: skip


def test_the_uncertainty_page_and_the_overview_draw_over_the_same_classes():
    """One set of numbers: the Overview's share of draws where no quantity suffices is the
    Uncertainty page's, and both are the core's uncertainty() over every class."""
    from aliquant_app import uncertainty_view as uview
    from aliquant_core.uncertainty import uncertainty

    at = run_app({"cls": [TARGETED]})
    a = core.Assumptions()
    point = {name: a.as_dict()[name] for name in (*uview.SPECS, "target")}
    intervals = {
        name: (low, high)
        for name, low, high in uview.chosen_intervals(uview.interval_defaults(point))
    }
    classes = class_controls.classes_for(a.threat, (("targeted few", 2.0, 0.03, 1.0),))
    draws = round(uview.RUN_DEFAULTS["unc_draws"])
    result = uncertainty(intervals, point, draws=draws, seed=0, classes=classes)
    # The targeted few's footprint stays 0.03 while σ is drawn: where σ < 0.03 their blind share
    # is σ/0.03 < 1 and q can pass ½, so not every draw is unreachable; most are.
    assert 0.5 < result.p_unreachable < 1.0
    assert any(f"reaches 90% in **{result.p_unreachable:.0%}** of draws" in c.value for c in at.caption)
    at.switch_page("pages/uncertainty.py").run()
    assert not at.exception
    assert metric(at, "No quantity suffices") == f"{result.p_unreachable:.1%}"


def test_over_time_follows_every_class():
    """Over time with the targeted few added: the core's trajectory over both classes."""
    from aliquant_app import over_time_view

    at = run_app({"cls": [TARGETED]})
    at.switch_page("pages/over_time.py").run()
    assert not at.exception
    a = core.Assumptions()
    classes = class_controls.classes_for(a.threat, (("targeted few", 2.0, 0.03, 1.0),))
    own = ("competitors_log10", "footprint", "exploitation")
    shared = {k: v for k, v in a.threat.items() if k not in own}
    expected = core.trajectory(
        labels=a.labels, error_rate=a.error_rate, target=a.target, classes=classes, **shared
    )
    # With the targeted few, no generation is reachable (q = 1 − φ < ½ for them from the start).
    assert expected.first_unreachable_generation == 0
    data = over_time_view.run(
        dataclasses.asdict(core.DEFAULT_RATES),
        labels=a.labels, error_rate=a.error_rate, target=a.target,
        classes=(("targeted few", 2.0, 0.03, 1.0),), **a.threat,
    )  # fmt: skip
    assert data["first_unreachable_generation"] == 0
    assert data["p_align"] == [float(x) for x in expected.p_align]


def test_many_long_names_are_shortened_in_the_link_and_the_numbers_kept():
    """Nineteen classes named in a non-Latin script, 30 characters each, would add about 8 KB to a
    share link (each character 9 to 12 when percent-encoded); the proxy's 12 KB header buffer holds
    the whole link only if the classes stay within class_controls.LINK_CHARS."""
    from urllib.parse import quote

    name = "分類" * 15  # 30 characters, 3 bytes each: 9 encoded characters each
    extra = tuple((f"{name}{i}"[: class_controls.MAX_NAME], 2.0 + i, 0.03, 1.0) for i in range(19))
    texts = class_controls.link_texts(extra)
    added = sum(len(f"&{class_controls.LINK_KEY}=") + len(quote(t, safe="")) for t in texts)
    assert added <= class_controls.LINK_CHARS
    read = [class_controls.read_link(t) for t in texts]
    assert [r[1:] for r in read] == [e[1:] for e in extra]  # every number exact
    assert len({r[0] for r in read}) == 19  # names still distinct
    # A few short names are written as given.
    few = (("targeted few", 2.0, 0.03, 1.0), ("mild", 10.0, 0.3, 0.1))
    names = [class_controls.read_link(t)[0] for t in class_controls.link_texts(few)]
    assert names == ["targeted few", "mild"]
