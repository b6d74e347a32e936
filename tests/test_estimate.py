"""Label quality from the user's own labels (issue #16): reader, Dawid–Skene, σ from gold, CLI, page.

Where each expected value comes from is said at the check: small files counted by hand, Crowd-Kit
1.4.2's ``OneCoinDawidSkene`` (the oracle of the one-coin fit), simulation from the model's own
labelling process with known ε and σ, and ``scipy.stats.binom`` for the coverage test's acceptance
region.
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from crowdkit.aggregation import OneCoinDawidSkene
from hypothesis import example, given, settings
from hypothesis import strategies as hs
from scipy import stats
from streamlit.testing.v1 import AppTest

from aliquant_app import estimate_view as view
from aliquant_app import scenario_io, uncertainty_view
from aliquant_app.formatting import as_text
from aliquant_core import (
    AnnotationError,
    annotations_from_arrays,
    error_rate_from_agreement,
    estimate_quality,
    one_coin_dawid_skene,
    parse_annotations,
    parse_gold,
    simulate_annotations,
    with_gold,
)
from aliquant_core import annotations as annotations_module
from aliquant_core.cli import main
from aliquant_core.estimate import NO_GOLD_REASON

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
EXAMPLE, EXAMPLE_GOLD = ROOT / "examples" / "annotations.csv", ROOT / "examples" / "gold.csv"
PAGE = "pages/your_labels.py"

# --- reader -------------------------------------------------------------------------------------

#: Two items: x labelled A, A, B by a, b, c; y labelled B, B by a, b. Hand-coded below.
LONG = "item,annotator,choice\nx,a,A\nx,b,A\nx,c,B\ny,a,B\ny,b,B\n"


def codes(labels):
    return labels.item.tolist(), labels.annotator.tolist(), labels.choice.tolist(), labels.gold.tolist()


def test_long_csv_is_coded_in_order_of_first_appearance():
    labels = parse_annotations(LONG, name="f.csv")
    assert codes(labels) == ([0, 0, 0, 1, 1], [0, 1, 2, 0, 1], [0, 0, 1, 1, 1], [-1, -1])
    assert labels.item_ids == ("x", "y")
    assert labels.annotator_ids == ("a", "b", "c")
    assert (labels.n_items, labels.n_annotators, labels.n_labels, labels.n_gold) == (2, 3, 5, 0)


@pytest.mark.parametrize(
    ("a", "b"), [("A", "B"), ("a", "b"), ("0", "1"), ("chosen", "rejected"), (" Chosen ", "REJECTED")]
)
def test_every_choice_vocabulary_reads_the_same(a, b):
    text = LONG.replace(",A\n", f",{a}\n").replace(",B\n", f",{b}\n")
    assert codes(parse_annotations(text)) == codes(parse_annotations(LONG))


def test_json_lines_and_wide_layouts_read_the_same_labels():
    rows = [("x", "a", "A"), ("x", "b", "A"), ("x", "c", "B"), ("y", "a", "B"), ("y", "b", "B")]
    jsonl = "\n".join(json.dumps({"item": i, "annotator": w, "choice": c}) for i, w, c in rows) + "\n"
    wide = "item,a,b,c\nx,A,A,B\ny,B,B,\n"
    long = parse_annotations(LONG)
    for text in (jsonl, wide, jsonl.encode()):
        other = parse_annotations(text)
        assert codes(other) == codes(long)
    assert parse_annotations(wide).layout == "wide"


def test_json_lines_take_numbers_as_choices():
    text = '{"task": "x", "worker": "a", "label": 0}\n{"task": "x", "worker": "b", "label": 1}\n'
    assert parse_annotations(text).choice.tolist() == [0, 1]


def test_gold_column_and_gold_file_give_the_same_gold():
    with_column = "item,annotator,choice,gold\nx,a,A,A\nx,b,A,\nx,c,B,A\ny,a,B,\ny,b,B,\n"
    gold_file = "item,gold\nx,A\nz,B\n"  # z has no labels: ignored
    assert parse_annotations(with_column).gold.tolist() == [0, -1]
    assert parse_annotations(LONG, gold=gold_file).gold.tolist() == [0, -1]
    assert parse_annotations("item,a,b,gold\nx,A,B,B\n").gold.tolist() == [1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("item,annotator,choice\nx,a,A\nx,b,C\n", "line 3, column 'choice': 'C' is not a choice"),
        ("item,annotator,choice\nx,a,A\n,b,B\n", "line 3, column 'item': empty"),
        ("item,annotator,choice\nx,a,A\nx,a,B\n", "lines 2 and 3: one annotator labelled one item twice"),
        ("item,annotator,choice,gold\nx,a,A,A\nx,b,B,B\n", "line 3, column 'gold': a second, different gold"),
        ("who,annotator,choice\nx,a,A\n", "line 1: no item column"),
        ("item,a,b\nx,A,B\ny,,\n", "line 3: item has no label"),
        ("item,a,b\nx,A,Q\n", "line 2, column 'b': 'Q' is not a choice"),
        (
            '{"item": "x", "annotator": "a", "choice": "A"}\n{"item": "x", "annotator": "b"\n',
            "line 2: not JSON",
        ),
        ('{"item": "x", "annotator": "a"}\n', "no choice"),
        ("", "the file is empty"),
        (b"item,annotator,choice\nx,a,\xff\n", "not UTF-8"),
    ],
)
def test_malformed_files_are_refused_naming_line_and_column(text, message):
    with pytest.raises(AnnotationError, match=r"^f\.csv: ") as error:
        parse_annotations(text, name="f.csv")
    assert message in str(error.value)


def test_a_gold_file_applied_later_gives_what_one_read_gives():
    # with_gold(parse_annotations(labels), parse_gold(gold)) is parse_annotations(labels, gold=gold):
    # the gold file's choices replace the labels' own, items without labels are ignored.
    with_column = "item,annotator,choice,gold\nx,a,A,B\nx,b,A,\ny,a,B,\n"
    gold_file = "item,gold\nx,A\nz,B\n"
    together = parse_annotations(with_column, gold=gold_file)
    later = with_gold(parse_annotations(with_column), parse_gold(gold_file))
    assert parse_gold(gold_file) == {"x": 0, "z": 1}  # counted by hand
    assert later.gold.tolist() == together.gold.tolist() == [0, -1]
    assert parse_annotations(with_column).gold.tolist() == [1, -1]  # the file's own, replaced above
    example = parse_annotations(EXAMPLE.read_bytes(), name="annotations.csv")
    gold = parse_gold(EXAMPLE_GOLD.read_bytes(), name="gold.csv")
    both = parse_annotations(EXAMPLE.read_bytes(), name="annotations.csv", gold=EXAMPLE_GOLD.read_bytes())
    assert with_gold(example, gold).gold.tolist() == both.gold.tolist()
    with pytest.raises(AnnotationError, match="must be 0 or 1"):
        with_gold(example, {example.item_ids[0]: 2})


def test_gold_file_errors_name_the_gold_file():
    with pytest.raises(AnnotationError, match=r"^g.csv: line 3, column 'gold': item 'x' has two gold"):
        parse_annotations(LONG, gold="item,gold\nx,A\nx,B\n", gold_name="g.csv")


def test_limits_are_enforced(monkeypatch):
    big = "item,annotator,choice\n" + "x,a,A\n" * 10
    monkeypatch.setattr(annotations_module, "MAX_BYTES", len(big) - 1)
    with pytest.raises(AnnotationError, match=f"{len(big):,} bytes is over the limit"):
        parse_annotations(big)
    monkeypatch.setattr(annotations_module, "MAX_BYTES", 10_000_000)
    monkeypatch.setattr(annotations_module, "MAX_ROWS", 3)
    with pytest.raises(AnnotationError, match="more than 3 rows"):
        parse_annotations("item,annotator,choice\n" + "".join(f"x,w{i},A\n" for i in range(4)))
    monkeypatch.setattr(annotations_module, "MAX_ROWS", 500_000)
    monkeypatch.setattr(annotations_module, "MAX_ANNOTATORS", 2)
    with pytest.raises(AnnotationError, match="line 4, column 'annotator': more than 2 annotators"):
        parse_annotations("item,annotator,choice\nx,a,A\nx,b,A\nx,c,A\n")
    with pytest.raises(AnnotationError, match="3 annotator columns, over the limit of 2"):
        parse_annotations("item,a,b,c\nx,A,A,A\n")


# --- estimates ----------------------------------------------------------------------------------


def test_agreement_is_the_share_of_agreeing_pairs():
    # By hand: item x (A, A, B) has 3 pairs, 1 agreeing; item y (B, B) 1 pair, agreeing: a = 2/4.
    result = estimate_quality(parse_annotations(LONG), resamples=50)
    assert result.agreement.value == pytest.approx(0.5, abs=1e-15)
    assert result.error_rate_from_agreement.value == pytest.approx(0.5, abs=1e-15)  # (1 − √0)/2


def test_error_rate_from_agreement_uses_the_model_relation():
    labels = simulate_annotations(items=400, labelers_per_item=3, annotators=6, error_rate=0.2,
                                  blind_spot=0.0, seed=3)  # fmt: skip
    result = estimate_quality(labels, resamples=50)
    assert result.error_rate_from_agreement.value == pytest.approx(
        float(error_rate_from_agreement(result.agreement.value)), abs=1e-15
    )


def crowdkit_error_rates(labels):
    frame = pd.DataFrame(
        {"task": labels.item, "worker": labels.annotator, "label": labels.choice.astype(int)}
    )
    with warnings.catch_warnings():  # Crowd-Kit 1.4.2 uses pandas' inplace keywords, deprecated in pandas 3.1
        warnings.simplefilter("ignore")
        model = OneCoinDawidSkene(n_iter=100, tol=1e-5).fit(frame)
    return 1.0 - model.skills_.reindex(range(labels.n_annotators)).to_numpy(), len(model.loss_history_)


@pytest.mark.parametrize("seed", range(4))
def test_dawid_skene_agrees_with_crowd_kit(seed):
    """Crowd-Kit 1.4.2's OneCoinDawidSkene, same start (majority vote), iterations and tolerance."""
    rng = np.random.default_rng(seed)
    # Unequal annotators: each its own error rate, some nearly perfect, some poor; 2 to 5 labels an item.
    n_items, n_annotators = 300, 8
    truth = rng.integers(0, 2, n_items)
    eps = np.array([0.01, 0.05, 0.1, 0.15, 0.2, 0.3, 0.35, 0.45])
    mask = rng.random((n_items, n_annotators)) < rng.uniform(0.3, 0.6)
    mask[:, :2] = True  # at least two labels per item
    item, annotator = np.nonzero(mask)
    wrong = rng.random(item.size) < eps[annotator]
    labels = annotations_from_arrays(item, annotator, np.where(wrong, 1 - truth[item], truth[item]))
    expected, iterations = crowdkit_error_rates(labels)
    fit = one_coin_dawid_skene(labels)
    assert fit.iterations == iterations
    np.testing.assert_allclose(fit.error_rates, expected, rtol=0, atol=1e-6)


def test_no_gold_leaves_sigma_unidentified_not_zero():
    labels = simulate_annotations(items=300, labelers_per_item=3, annotators=6, error_rate=0.1,
                                  blind_spot=0.2, seed=1)  # fmt: skip
    result = estimate_quality(labels, resamples=50)
    assert result.blind_spot is None
    assert result.blind_spot_reason == NO_GOLD_REASON
    assert "blind_spot" not in result.quantities()
    assert result.summary()["blind_spot"] is None


def test_blind_spot_estimator_removes_the_random_errors_on_gold():
    """σ̂ = (μ̂ − ε̂)/(1 − 2ε̂): on a large sample it is near σ, while μ̂ alone is near ε + σ(1 − 2ε)."""
    eps, sigma = 0.2, 0.1
    labels = simulate_annotations(items=20_000, labelers_per_item=3, annotators=20, error_rate=eps,
                                  blind_spot=sigma, gold_items=20_000, seed=7)  # fmt: skip
    result = estimate_quality(labels, resamples=50)
    mu = eps + sigma * (1 - 2 * eps)  # the Notes' expectation of the share of labels contradicting gold
    assert result.gold_error_share.value == pytest.approx(mu, abs=0.01)
    assert result.blind_spot.value == pytest.approx(sigma, abs=0.015)
    # The share of gold items whose majority is wrong is not σ: (1 − σ) ε₃ + σ (1 − ε₃), ε₃ = 0.104.
    eps3 = stats.binom.sf(1, 3, eps)
    assert result.gold_majority_wrong.value == pytest.approx(
        (1 - sigma) * eps3 + sigma * (1 - eps3), abs=0.01
    )


# --- coverage by simulation ---------------------------------------------------------------------

SEEDS = 200
#: Chance that a correct 90% interval's coverage count falls outside the acceptance region.
FALSE_ALARM = 1e-3
LOW, HIGH = stats.binom.ppf(FALSE_ALARM / 2, SEEDS, 0.9), stats.binom.isf(FALSE_ALARM / 2, SEEDS, 0.9)
TRUE_EPS, TRUE_SIGMA = 0.15, 0.1


@pytest.fixture(scope="module")
def simulated_estimates():
    """200 datasets drawn from the model's labelling process (ε = 0.15, σ = 0.1): 1,000 items, 3 of 15
    labelers each, 250 gold items; each estimated with its own bootstrap seed."""
    out = []
    for seed in range(SEEDS):
        labels = simulate_annotations(items=1000, labelers_per_item=3, annotators=15, error_rate=TRUE_EPS,
                                      blind_spot=TRUE_SIGMA, gold_items=250, seed=seed)  # fmt: skip
        out.append(estimate_quality(labels, seed=seed))
    return out


def coverage(estimates, getter, truth):
    return sum(getter(result).contains(truth) for result in estimates)


def test_acceptance_region_is_the_binomial_one():
    # scipy.stats.binom(200, 0.9) (mean 180, sd 4.2): ppf(0.0005) = 165, isf(0.0005) = 192, and a
    # correct interval's count falls outside [165, 192] with chance cdf(164) + sf(192) ≤ 0.001.
    assert (LOW, HIGH) == (165, 192)
    outside = stats.binom.cdf(LOW - 1, SEEDS, 0.9) + stats.binom.sf(HIGH, SEEDS, 0.9)
    assert outside <= FALSE_ALARM


@pytest.mark.parametrize(
    ("name", "getter", "truth"),
    [
        ("error rate (Dawid–Skene)", lambda r: r.error_rate, TRUE_EPS),
        ("error rate from agreement", lambda r: r.error_rate_from_agreement, TRUE_EPS),
        ("blind spot", lambda r: r.blind_spot, TRUE_SIGMA),
    ],
)
def test_intervals_cover_the_truth_at_their_rate(simulated_estimates, name, getter, truth):
    covered = coverage(simulated_estimates, getter, truth)
    assert LOW <= covered <= HIGH, f"{name}: {covered} of {SEEDS} 90% intervals cover {truth}"


def test_per_annotator_intervals_cover_the_truth_at_their_rate(simulated_estimates):
    covered = sum(r.annotator_low[0] <= TRUE_EPS <= r.annotator_high[0] for r in simulated_estimates)
    assert LOW <= covered <= HIGH, f"annotator 0: {covered} of {SEEDS}"


@pytest.mark.parametrize(
    ("getter", "wrong"),
    [(lambda r: r.error_rate, TRUE_EPS + 0.02), (lambda r: r.blind_spot, TRUE_SIGMA + 0.05)],
)
def test_the_coverage_check_rejects_a_wrong_truth(simulated_estimates, getter, wrong):
    """The check can fail: a truth off by about one interval half-width is covered far too rarely."""
    assert not LOW <= coverage(simulated_estimates, getter, wrong) <= HIGH


# --- worked example and command line ------------------------------------------------------------


def test_example_files_are_what_the_script_writes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_example", ROOT / "scripts" / "make_example_annotations.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    assert (tmp_path / "annotations.csv").read_bytes() == EXAMPLE.read_bytes()
    assert (tmp_path / "gold.csv").read_bytes() == EXAMPLE_GOLD.read_bytes()


def test_cli_estimate_json_carries_numbers_and_provenance(capsys):
    status = main(["estimate", "--annotations", str(EXAMPLE), "--gold", str(EXAMPLE_GOLD), "--json"])
    out, err = capsys.readouterr()
    assert status == 0
    assert err == ""
    data = json.loads(out)
    labels = parse_annotations(EXAMPLE.read_bytes(), name="annotations.csv", gold=EXAMPLE_GOLD.read_bytes())
    expected = estimate_quality(labels)
    assert (
        data["provenance"]
        == expected.provenance
        == ("estimated from annotations.csv, 600 items, 12 labelers, 1,800 labels, 150 gold items")
    )
    assert data["error_rate"] == expected.error_rate.to_dict()
    assert data["blind_spot"] == expected.blind_spot.to_dict()
    assert data["quantities"] == {
        "error_rate": expected.error_rate.value,
        "blind_spot": expected.blind_spot.value,
    }
    assert len(data["annotators"]) == 12


def test_cli_estimate_without_gold_says_sigma_is_unidentified(capsys):
    status = main(["estimate", "--annotations", str(EXAMPLE)])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "blind spot σ" in out
    assert f"σ is {NO_GOLD_REASON}" in out


def test_cli_estimate_refuses_a_bad_file_in_one_line(capsys, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("item,annotator,choice\nx,a,A\nx,b,maybe\n")
    status = main(["estimate", "--annotations", str(bad)])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err == (
        "aliquant: error: bad.csv: line 3, column 'choice': 'maybe' is not a choice "
        "(A/B, 0/1 or chosen/rejected)\n"
    )
    status = main(["estimate", "--annotations", str(tmp_path / "missing.csv")])
    assert status == 2
    assert "argument --annotations: cannot read" in capsys.readouterr().err


# --- the explorer's page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example_summary():
    return view.estimate_upload(
        EXAMPLE.read_bytes(), "annotations.csv", EXAMPLE_GOLD.read_bytes(), "gold.csv"
    )


def test_view_table_and_values_come_from_the_estimates(example_summary):
    rows = view.estimates_rows(example_summary)
    sigma = example_summary["blind_spot"]
    assert rows[-1]["value"] == f"{sigma['value']:.4f}"
    assert view.sidebar_values(example_summary) == {
        "error_rate": round(example_summary["error_rate"]["value"], 4),
        "blind_spot": round(sigma["value"], 4),
    }
    values = view.interval_values(example_summary)
    low, high = values["unc_error_rate"]
    # Snapped outwards to the widget's 0.001 grid: the interval shown contains the estimated one.
    assert low <= example_summary["error_rate"]["low"] < low + 0.001
    assert high - 0.001 < example_summary["error_rate"]["high"] <= high
    assert values["unc_blind_spot_low"] <= sigma["low"]
    assert values["unc_blind_spot_high"] >= sigma["high"]
    assert values["unc_error_rate_on"]
    assert values["unc_blind_spot_on"]


def test_view_without_gold_sets_the_error_rate_only():
    summary = view.estimate_upload(EXAMPLE.read_bytes(), "annotations.csv")
    assert set(view.sidebar_values(summary)) == {"error_rate"}
    assert set(view.interval_values(summary)) == {"unc_error_rate_on", "unc_error_rate"}
    assert view.estimates_rows(summary)[-1]["method"] == NO_GOLD_REASON


def test_view_refuses_a_bad_upload():
    with pytest.raises(AnnotationError, match="line 2"):
        view.estimate_upload(b"item,annotator,choice\nx,a,\n", "bad.csv")


def open_page():
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    return at.switch_page(PAGE).run()


def test_page_without_data_runs_and_invites_an_upload():
    at = open_page()
    assert not at.exception
    assert "No labels yet" in at.info[0].value


def test_page_button_sets_the_sidebar_and_the_uncertainty_intervals(example_summary):
    at = open_page()
    at.session_state[view.ESTIMATES_KEY] = example_summary
    at.run()
    assert not at.exception
    assert as_text(example_summary["provenance"][1:]) in at.markdown[0].value
    at.button(key="use_label_estimates").click().run()
    assert not at.exception
    expected = view.sidebar_values(example_summary)
    assert at.sidebar.slider(key="error_rate").value == expected["error_rate"]
    assert at.sidebar.number_input(key="blind_spot").value == expected["blind_spot"]
    at.switch_page("pages/uncertainty.py").run()
    assert not at.exception
    intervals = view.interval_values(example_summary)
    shown = uncertainty_view.summary(
        [("error_rate", *intervals["unc_error_rate"]),
         ("blind_spot", intervals["unc_blind_spot_low"], intervals["unc_blind_spot_high"])]
    )  # fmt: skip
    assert any(shown in caption.value for caption in at.caption), shown


def test_readme_shows_what_the_cli_prints_on_the_example(capsys):
    readme = (ROOT / "README.md").read_text()
    block = readme.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    main(["estimate", "--annotations", str(EXAMPLE), "--gold", str(EXAMPLE_GOLD)])
    printed = capsys.readouterr().out.splitlines()
    assert block[:-1] == printed[: len(block) - 1]
    assert block[-1].startswith(printed[len(block) - 1])


# --- the scenario file carries the numbers and their provenance ---------------------------------


def test_scenario_file_round_trips_the_estimates(example_summary):
    from aliquant_core.scenario import Scenario, scenario_from_json, scenario_to_json

    estimates = view.scenario_estimates(example_summary)
    written = scenario_to_json(Scenario(estimates=estimates))
    assert json.loads(written)["estimates"] == estimates  # every number as estimated, no labels
    assert scenario_from_json(written) == Scenario(estimates=estimates)
    assert "estimates" not in json.loads(scenario_to_json(Scenario()))  # optional: absent when not set


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"provenance": None}, "estimates.provenance must be a string"),
        ({"n_items": 2.5}, "estimates.n_items must be a whole number"),
        ({"error_rate": {"value": 0.1, "low": 0.2, "high": 0.1}}, "estimates.error_rate: low 0.2 is above"),
        (
            {"blind_spot": {"value": 0.1, "low": -0.1, "high": 0.2}},
            r"estimates.blind_spot.low must be a number in \[0, 1\]",
        ),
        ({"labels": [[0, 1]]}, 'unknown key "labels" in estimates'),
    ],
)
def test_scenario_file_refuses_bad_estimates(example_summary, change, message):
    from aliquant_core.scenario import Scenario, ScenarioError, scenario_from_dict, scenario_to_dict

    document = scenario_to_dict(Scenario(estimates=view.scenario_estimates(example_summary)))
    document["estimates"].update(change)
    with pytest.raises(ScenarioError, match=message):
        scenario_from_dict(document)


def test_scenario_export_and_import_carry_the_applied_estimates(example_summary):
    from aliquant_app import scenario_io
    from aliquant_core import Assumptions

    estimates = view.scenario_estimates(example_summary)
    text = scenario_io.export_text(Assumptions(), estimates)
    state: dict = {}
    applied, note = scenario_io.apply_scenario(text.encode(), state)
    assert applied
    assert state[view.APPLIED_KEY] == estimates
    assert estimates["provenance"] in note


# --- properties -----------------------------------------------------------------------------------


@hs.composite
def label_sets(draw):
    """Small sets of labels: each (item, annotator) pair at most once, every item labelled."""
    n_items, n_annotators = draw(hs.integers(1, 6)), draw(hs.integers(1, 5))
    cells = draw(
        hs.dictionaries(
            hs.tuples(hs.integers(0, n_items - 1), hs.integers(0, n_annotators - 1)), hs.sampled_from("AB"),
            min_size=1, max_size=n_items * n_annotators,
        )
    )  # fmt: skip
    return sorted(cells.items())


@settings(max_examples=60, deadline=None)
@given(label_sets())
def test_long_csv_json_lines_and_wide_csv_read_alike(cells):
    long = "item,annotator,choice\n" + "".join(f"i{i},w{w},{c}\n" for (i, w), c in cells)
    jsonl = "".join(
        json.dumps({"item": f"i{i}", "annotator": f"w{w}", "choice": c}) + "\n" for (i, w), c in cells
    )
    items = sorted({i for (i, _), _ in cells})
    annotators = sorted({w for (_, w), _ in cells})
    table = dict(cells)
    wide = (
        "item,"
        + ",".join(f"w{w}" for w in annotators)
        + "\n"
        + "".join(f"i{i}," + ",".join(table.get((i, w), "") for w in annotators) + "\n" for i in items)
    )
    as_set = [
        {
            (p.item_ids[t], p.annotator_ids[w], int(c))
            for t, w, c in zip(p.item, p.annotator, p.choice, strict=True)
        }
        for p in (parse_annotations(long), parse_annotations(jsonl), parse_annotations(wide))
    ]
    expected = {(f"i{i}", f"w{w}", "AB".index(c)) for (i, w), c in cells}
    assert as_set == [expected] * 3


@settings(max_examples=60, deadline=None)
@given(label_sets(), hs.lists(hs.sampled_from("AB"), min_size=6, max_size=6))
def test_any_small_file_gives_ordered_intervals_or_a_clear_refusal(cells, gold):
    text = "item,annotator,choice\n" + "".join(f"i{i},w{w},{c}\n" for (i, w), c in cells)
    gold_text = "item,gold\n" + "".join(f"i{i},{g}\n" for i, g in enumerate(gold[:3]))
    labels = parse_annotations(text, gold=gold_text)
    if labels.n_labels == labels.n_items:  # the one refusal: no item with two labels
        with pytest.raises(ValueError, match="no item has two labels"):
            estimate_quality(labels, resamples=50)
        return
    result = estimate_quality(labels, resamples=50)
    for value in (result.agreement, result.error_rate_from_agreement, result.error_rate, result.blind_spot):
        if value is not None:
            assert 0.0 <= value.low <= value.high <= 1.0
            assert np.isfinite(value.value)
    assert np.all((result.annotator_low <= result.annotator_high) & (result.annotator_low >= 0))


# --- uploads are read once, in their callbacks ----------------------------------------------------


def upload(at, index, name, content):
    """Give the page's uploader ``index`` (0 labels, 1 gold) a file and run; the uploader's id."""
    uploader = at.main.get("file_uploader")[index]
    uploader.set_value((name, content, "text/csv"))
    at.run()
    assert not at.exception
    return uploader.proto.id


def held_files(at):
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    return [key for key in at.session_state if isinstance(at.session_state[key], UploadedFile)]


def test_uploads_are_read_once_released_and_gold_after_labels_is_applied(upload_stores, example_summary):
    at = open_page()
    first = upload(at, 0, "annotations.csv", EXAMPLE.read_bytes())
    # The run that read it had the file in its store, and released it; nothing holds it.
    assert upload_stores[-1].file_storage.get("test session id", {}) == {}
    assert not held_files(at)
    assert at.main.get("file_uploader")[0].proto.id != first  # drawn again, empty, under a new key
    assert at.main.get("file_uploader")[0].value is None
    alone = view.estimate_upload(EXAMPLE.read_bytes(), "annotations.csv")
    assert at.session_state[view.ESTIMATES_KEY] == alone
    # So the store holds nothing the page needs: scenario_io.drop_stray_uploads, which drops a
    # session's files beyond its newest two, has nothing of the page's to drop (before, the page
    # read the labels from the store on every run, and a third upload dropped them).
    # The gold file, after the labels: the estimate is the one of both files read together.
    upload(at, 1, "gold.csv", EXAMPLE_GOLD.read_bytes())
    assert upload_stores[-1].file_storage.get("test session id", {}) == {}
    assert not held_files(at)
    assert at.session_state[view.ESTIMATES_KEY] == example_summary
    assert as_text("gold.csv") in at.success[0].value


def test_a_refused_upload_changes_nothing_and_is_shown_as_text(example_summary):
    at = open_page()
    at.session_state[view.ESTIMATES_KEY] = example_summary
    name = "[click](https://x).csv"
    upload(at, 0, name, b"item,annotator,choice\nx,a,\n")
    assert at.session_state[view.ESTIMATES_KEY] == example_summary
    (error,) = at.error
    assert error.value.startswith(as_text(name) + " refused; nothing was changed")
    assert "[click](https://x)" not in error.value  # escaped: not a link
    assert "line 2, column 'choice'" in error.value
    assert not held_files(at)


def test_read_labels_keeps_parsed_labels_not_bytes():
    state: dict = {}
    assert view.read_labels("gold", "gold.csv", EXAMPLE_GOLD.read_bytes(), state)
    assert view.ESTIMATES_KEY not in state  # no labels yet
    assert view.read_labels("labels", "annotations.csv", EXAMPLE.read_bytes(), state)
    kept = state[view.INPUTS_KEY]
    assert set(kept) == {"labels", "gold", "gold_name"}
    assert not any(isinstance(value, bytes | bytearray | str) and len(value) > 100 for value in kept.values())
    assert state[view.ESTIMATES_KEY]["n_gold"] == 150  # gold before labels is applied too
    assert not view.read_labels("gold", "g.csv", b"item,gold\nx,A\nx,B\n", state)
    assert state[view.INPUTS_KEY] is kept  # refused: as it was


# --- the share link carries the applied estimates -------------------------------------------------


def test_link_text_round_trips_the_applied_estimates(example_summary):
    applied = view.scenario_estimates(example_summary)
    text = view.link_text(applied)
    # The numbers as the sidebar takes them (4 decimals), read by hand off the example's summary.
    assert text == ("1_600_12_1800_150_90_.1422_.1278_.1599_.0528_.0084_.0942_annotations.csv")
    read = view.read_link(text)
    assert read["provenance"] == applied["provenance"]
    for key in ("n_items", "n_labelers", "n_labels", "n_gold", "confidence", "source"):
        assert read[key] == applied[key]
    for key in ("error_rate", "blind_spot"):
        for end in ("value", "low", "high"):
            assert read[key][end] == pytest.approx(applied[key][end], abs=5e-5)
    assert view.link_text(read) == text
    assert view.link_text(None) is None
    assert view.link_text({}) is None


@settings(max_examples=60, deadline=None)
@given(
    name=hs.text(min_size=1, max_size=200).filter(lambda n: n.strip()),
    values=hs.lists(hs.floats(0, 0.5), min_size=3, max_size=3).map(sorted),
    counts=hs.lists(hs.integers(0, 10**9 - 1), min_size=4, max_size=4),
    sigma=hs.booleans(),
)
@example(name="n" * 150 + ".csv", values=[-0.0, 0.123456, 0.5], counts=[10**9 - 1] * 4, sigma=True)
def test_any_applied_estimates_fit_the_link_and_read_back(name, values, counts, sigma):
    low, value, high = values
    estimate = {"value": value, "low": low, "high": high, "method": "m"}
    applied = {
        "provenance": "p", "source": name, "confidence": 0.9, "error_rate": estimate,
        "blind_spot": estimate if sigma else None,
        **dict(zip(("n_items", "n_labelers", "n_labels", "n_gold"), counts, strict=True)),
    }  # fmt: skip
    text = view.link_text(applied)
    assert len(text) <= 100  # state.MAX_LINK_VALUE: longer link values are refused
    read = view.read_link(text)
    assert view.link_text(read) == text
    assert (read["blind_spot"] is None) is not sigma
    assert read["error_rate"]["value"] == pytest.approx(value, abs=5e-5)


GOOD_LINK = "1_600_12_1800_150_90_.1422_.1278_.1599_.0528_.0084_.0942_annotations.csv"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2" + GOOD_LINK[1:], "not estimates in the link's form"),
        (GOOD_LINK.replace("_annotations.csv", "_ "), "no file name"),
        ("1_600_12", "not estimates in the link's form"),
        (GOOD_LINK.replace("_600_", "_6e2_"), "n_items is not a whole number"),
        (GOOD_LINK.replace("_600_", "_-600_"), "n_items is not a whole number"),
        (GOOD_LINK.replace(".1422", "nan"), "error_rate is not three numbers"),
        (GOOD_LINK.replace(".1422", "inf"), "error_rate is not three numbers"),
        (GOOD_LINK.replace(".1422", ".6"), "error_rate is outside [0, 0.5]"),
        (GOOD_LINK.replace(".1278", ".2"), "error_rate: its interval is not ordered"),
        (GOOD_LINK.replace(".0084", ""), "blind_spot is not three numbers"),
        (GOOD_LINK.replace("_90_", "_100_"), "the confidence is not a percentage"),
        (GOOD_LINK + "x" * 40, "longer than 100 characters"),
    ],
)
def test_link_text_is_read_strictly(text, reason):
    assert view.read_link(GOOD_LINK)  # the unchanged text is read
    with pytest.raises(ValueError, match=re.escape(reason)):
        view.read_link(text)


def test_the_button_puts_the_estimates_in_the_link_and_the_link_brings_them_back(example_summary):
    at = open_page()
    assert "est" not in at.query_params  # no estimates applied: no key
    at.session_state[view.ESTIMATES_KEY] = example_summary
    at.run()
    assert "est" not in at.query_params
    at.button(key="use_label_estimates").click().run()
    text = at.query_params["est"]
    assert text == [GOOD_LINK] or text == GOOD_LINK
    link = {key: at.query_params[key] for key in at.query_params}

    opened = AppTest.from_file(APP, default_timeout=60)
    opened.query_params = link
    opened.run()
    assert not opened.exception
    assert not opened.warning  # nothing in the link was ignored
    applied = opened.session_state[view.APPLIED_KEY]
    assert applied["provenance"] == example_summary["provenance"]
    # The scenario export of the opened session carries them (the sidebar's Share and save box).
    exported = json.loads(scenario_io.export_text(opened.session_state["_aliquant_assumptions"], applied))
    assert exported["estimates"]["provenance"] == example_summary["provenance"]
    assert exported["estimates"]["blind_spot"]["value"] == pytest.approx(
        example_summary["blind_spot"]["value"], abs=5e-5
    )
    opened.switch_page(PAGE).run()
    assert as_text(example_summary["provenance"]) in opened.markdown[0].value
    assert opened.markdown[0].value.startswith("**In the sidebar:")  # the link holds the sidebar's ε, σ
    shown = opened.dataframe[0].value
    assert list(shown["estimate"]) == [view._ROWS[2][1], view._ROWS[-1][1]]  # ε and σ, as linked


def test_estimates_the_sidebar_no_longer_holds_are_said_to_be_earlier():
    # A link with the estimates but the table's ε (0.1638, not the estimated 0.1422): the page must
    # not claim the sidebar holds them.
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.query_params = {"est": GOOD_LINK}
    opened.run()
    opened.switch_page(PAGE).run()
    assert not opened.exception
    assert opened.markdown[0].value.startswith("**Applied earlier (the sidebar's values differ now):")


def test_a_file_name_from_the_link_is_shown_as_text():
    name = "[x](https://e).csv"
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.query_params = {"est": GOOD_LINK.replace("annotations.csv", name)}
    opened.run()
    opened.switch_page(PAGE).run()
    assert not opened.exception
    assert as_text(name) in opened.markdown[0].value
    assert "[x](https://e)" not in opened.markdown[0].value


def test_a_bad_link_value_is_ignored_with_a_note():
    opened = AppTest.from_file(APP, default_timeout=60)
    opened.query_params = {"est": GOOD_LINK.replace(".1422", ".6"), "labels": "5000"}
    opened.run()
    assert not opened.exception
    (note,) = opened.warning
    assert "`est`" in note.value
    assert "error_rate is outside [0, 0.5]" in note.value
    assert view.APPLIED_KEY not in opened.session_state
    assert "est" not in opened.query_params  # dropped from the link; the rest applies
    assert opened.number_input(key="labels").value == 5000


def test_forgetting_the_uploads_drops_them_and_keeps_the_applied_estimates(example_summary):
    at = open_page()
    upload(at, 0, "annotations.csv", EXAMPLE.read_bytes())
    at.button(key="use_label_estimates").click().run()
    at.button(key="forget_labels").click().run()
    assert not at.exception
    for key in (view.INPUTS_KEY, view.ESTIMATES_KEY, view.MESSAGE_KEY):
        assert key not in at.session_state
    assert at.session_state[view.APPLIED_KEY]["n_gold"] == 0  # the sidebar's source stays
    assert "No labels yet" in at.info[0].value
