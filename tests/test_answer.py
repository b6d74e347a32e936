"""The Overview's plain answer (aliquant_app/answer.py and its place on the page).

Every number in the sentence comes from the core: the expected values here are the core's own
functions (p_align, required_labels, programme_cost, regime_flips) at the same inputs, or hand
arithmetic where stated.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import aliquant_core as core
from aliquant_app import answer, programmes_view
from aliquant_app.formatting import count
from aliquant_core import DEFAULTS, anchors


def run(link=None) -> AppTest:
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    if link:
        at.query_params = dict(link)
    return at.run()


def answer_of(at: AppTest) -> str:
    (box,) = [m.value for m in at.markdown if "labels of this quality" in m.value]
    return box


def yardsticks_of(at: AppTest) -> str:
    (line,) = [c.value for c in at.caption if "A few hundred hours" in c.value]
    return line


# --- words ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "misalign", "words"),
    [
        (0.9038, None, "90.4%"),
        (1.0, 3.2e-14, "practically certain"),  # never "1 − 3.2e-14" as the headline
        (0.0, None, "practically zero"),  # never "< 1e-308"
        (1.0 - 4.9e-4, 4.9e-4, "practically certain"),  # CERTAIN = 5e-4: it would print 100.0%
        (1.0 - 5.1e-4, 5.1e-4, "99.9%"),
        (4.9e-4, None, "practically zero"),
        (5.1e-4, None, "0.1%"),
    ],
)
def test_plain_probability(p, misalign, words):
    assert answer.plain_probability(p, misalign) == words


@given(st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=5), st.integers(0, 2))
def test_rounded_parts_add_up_to_the_rounded_total(parts, decimals):
    shown = answer.rounded_parts(parts, decimals)
    assert sum(shown) == pytest.approx(round(sum(parts), decimals), abs=1e-9)
    for x, y in zip(parts, shown, strict=True):
        assert abs(x - y) < 10.0**-decimals + 1e-9  # each within one unit of its own value


def test_loss_split_is_the_brief_s_two_terms():
    # At the defaults h = 0.4005 (test_fragility): (1 − h)ε = 0.5995 · 0.1638 = 9.82 points,
    # hφ = 0.4005 · 0.8362 = 33.49 points, 1 − q = 43.31%: shown as 10 + 33 = 43.
    split = answer.loss_split(0.1638, 0.4005, 0.8362)
    assert (split.random, split.blind, split.total) == (10.0, 33.0, 43.0)
    assert split.main_cause == "blind spots"
    assert answer.loss_split(0.3, 0.01, 0.9).main_cause == "random errors"


def test_flip_sentences_name_the_value_and_direction():
    assert answer.flip_sentence("exploitation", 0.65, 0.8245614, "no_quantity_suffices") == (
        "no quantity of labels suffices if competitors' exploitation of blind spots exceeds 0.825 (now 0.65)"
    )
    assert "less than 3.98% of situations" in answer.flip_sentence(
        "footprint", 0.05, 0.0398366, "no_quantity_suffices"
    )


# --- on the page: one set of numbers ----------------------------------------------------------------


def test_the_answer_at_the_defaults_is_the_core_s():
    at = run()
    assert not at.exception
    text = answer_of(at)
    result = core.p_align(DEFAULTS["labels"], error_rate=DEFAULTS["error_rate"])
    assert f"give a {answer.plain_probability(float(result.p_align))} chance" in text
    needed = float(core.required_labels(0.9, error_rate=DEFAULTS["error_rate"]))
    # One price everywhere: the labels for P* priced by the core's programme_cost at the page's
    # pricing source (the default, contractors: $1 and 60 s a label).
    cost = core.programme_cost(core.Programme((core.Allocation(core.PRESETS["contractors"], needed, 1),)))
    assert f"**{count(needed)}**: {programmes_view.dollars(float(cost.dollars))}" in text
    assert programmes_view.hours(float(cost.labeler_hours)) in text
    assert "priced as Trained contractors" in text
    # The split adds up as printed (43 = 33 + 10; test_loss_split_is_the_brief_s_two_terms).
    assert "43% of labels" in text
    assert "33 points from blind spots, 10 from random errors" in text
    # The most fragile assumption is the core's: blind spot, flipping at 0.5/13.35 = 3.75%.
    flips = core.regime_flips(error_rate=DEFAULTS["error_rate"])
    assert str(flips.most_fragile) == "blind_spot"
    assert "blind spots cover more than 3.75% of situations (now 3%)" in text
    assert "no published figure measures it" in text  # the table's source for σ is "assumption"


def test_the_essay_s_yardsticks():
    at = run()
    line = yardsticks_of(at)
    # 300 labeler-hours × 3600 s / 60 s a label (contractors) = 18,000 labels; the core's P_align
    # there is practically zero (q = 0.567 but 18,000·f = 900 informative labels against 10^20).
    n = anchors.FEW_HUNDRED_HOURS * 3600 / core.PRESETS["contractors"].seconds_per_label
    assert n == 18_000
    assert float(core.p_align(n, error_rate=DEFAULTS["error_rate"]).p_align) < answer.CERTAIN
    assert "≈ 18,000 labels at 60 s each" in line
    assert "give practically zero" in line
    # Cheapest preset, one label per item: each preset's required_labels × its price.
    best = min(
        (
            float(core.required_labels(0.9, error_rate=s.error_rate, blind_spot=s.blind_spot))
            * s.cost_per_label,
            s.name,
            float(core.required_labels(0.9, error_rate=s.error_rate, blind_spot=s.blind_spot)),
        )
        for s in core.PRESETS.values()
        if math.isfinite(float(core.required_labels(0.9, error_rate=s.error_rate, blind_spot=s.blind_spot)))
    )
    assert f"{count(best[2])} labels from {best[1]} at {programmes_view.dollars(best[0])}" in line
    # The Programmes page's optimiser, which also tries mixtures and redundancy, finds the same
    # cheapest route at the defaults (7,730 expert labels, $38,650).
    assert (best[1], best[2], best[0]) == ("Domain experts", 7730.0, 38650.0)
    # 100,000 labels against Anthropic HH's 161,000 ÷/× 100: within, and said to be about size only.
    assert "is within 2 orders of magnitude of RLHF" in line
    assert "size only" in line


def test_changing_the_pricing_source_reprices_the_answer_and_the_hours_line():
    at = run({"cost_source": core.PRESETS["experts"].name})
    text, line = answer_of(at), yardsticks_of(at)
    assert "priced as Domain experts" in text
    # Experts take 180 s a label: 300 h buy 6,000 labels.
    assert "≈ 6,000 labels at 180 s each" in line


def test_regimes_read_differently():
    at = run({"blind_spot": "0.2"})
    text = answer_of(at)
    assert "No number of labels of this quality reaches 90%" in text
    assert "make things worse" in text
    flips = core.regime_flips(error_rate=DEFAULTS["error_rate"], blind_spot=0.2)
    # Nearest on the log-odds scale here: φ* = ½ + (1 − h)(½ − ε)/h with h = 0.2 + 0.65·0.8 = 0.72:
    # ½ + 0.28·0.3362/0.72 = 0.6307.
    assert str(flips.most_fragile) == "fooled_rate"
    assert float(flips.flips["fooled_rate"]) == pytest.approx(0.5 + 0.28 * 0.3362 / 0.72, rel=1e-9)
    assert "enough labels would suffice if a blind spot fools a labeler less than 63.1% of the time" in text
    at = run({"labels": "3000000", "agreement": "0.8", "blind_spot": "0.01", "target": "0.99"})
    assert "make outer alignment practically certain" in answer_of(at)


# --- uncertainty beside the answer ----------------------------------------------------------------


def test_the_headline_has_its_90_percent_interval_and_the_unreachable_share():
    from aliquant_app import uncertainty_view as uview

    at = run()
    (spread,) = [m for m in at.metric if m.label == "90% interval, allowing for uncertainty"]
    # The Uncertainty page's default intervals around the defaults, its default draws and seed:
    # the same cached call, so the Overview and the Uncertainty page show one set of numbers.
    point = {name: DEFAULTS[name] for name in (*uview.SPECS, "target")}
    values = uview.interval_defaults(point)
    intervals = tuple(uview.chosen_intervals(values))
    summary = uview.uncertainty_summary(
        intervals, tuple(point.items()), round(uview.RUN_DEFAULTS["unc_draws"]), 0
    )
    levels = list(summary["quantile_levels"])
    low = summary["p_align_quantiles"][levels.index(0.05)]
    high = summary["p_align_quantiles"][levels.index(0.95)]
    assert spread.value == f"{answer.short_probability(low)} to {answer.short_probability(high)}"
    share = f"{summary['p_unreachable']:.0%}"
    assert any(f"reaches 90% in **{share}** of draws" in c.value for c in at.caption)


def test_without_intervals_the_overview_says_so_and_a_link_carries_them():
    from aliquant_app import uncertainty_view as uview

    off = {spec.toggle_key: "false" for spec in uview.SPECS.values() if spec.default_on}
    at = run(off)
    assert not [m for m in at.metric if m.label == "90% interval, allowing for uncertainty"]
    assert any("no assumption is given as an interval" in c.value for c in at.caption)
    # Only exploitation uncertain, 0.6 to 0.7: the interval is that one quantity's.
    one = {**off, "unc_exploitation_on": "true", "unc_exploitation": ["0.6", "0.7"]}
    at = run(one)
    assert not at.exception
    (spread,) = [m for m in at.metric if m.label == "90% interval, allowing for uncertainty"]
    point = {name: DEFAULTS[name] for name in (*uview.SPECS, "target")}
    summary = uview.uncertainty_summary(
        (("exploitation", 0.6, 0.7),), tuple(point.items()), round(uview.RUN_DEFAULTS["unc_draws"]), 0
    )
    levels = list(summary["quantile_levels"])
    low = summary["p_align_quantiles"][levels.index(0.05)]
    high = summary["p_align_quantiles"][levels.index(0.95)]
    assert spread.value == f"{answer.short_probability(low)} to {answer.short_probability(high)}"
    assert at.query_params["unc_exploitation"] == ["0.6", "0.7"]  # kept in the share link
    assert not at.warning  # no link note: these keys are the Overview's to read


@given(
    error_rate=st.floats(0, 0.5, allow_nan=False),
    blind_share=st.floats(0, 1, allow_nan=False),
    fooled_rate=st.floats(0, 1, allow_nan=False),
)
def test_the_loss_split_adds_up_to_the_rounded_loss(error_rate, blind_share, fooled_rate):
    """The two parts as printed add up to 1 − q = (1 − h)ε + hφ rounded on its own (model brief):
    rounding each part alone can print 34 + 10 for a loss of 43.2%."""
    split = answer.loss_split(error_rate, blind_share, fooled_rate)
    loss = 100.0 * ((1.0 - blind_share) * error_rate + blind_share * fooled_rate)
    assert split.random + split.blind == split.total == round(loss)
    assert abs(split.random - 100.0 * (1.0 - blind_share) * error_rate) < 1.0
