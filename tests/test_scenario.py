"""Scenario files: round trips, the documented example, refusals that name what is wrong, fuzzing."""

import copy
import dataclasses
import json
import math
import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aliquant_core import scenario as scenario_module
from aliquant_core.programme import Allocation, Programme
from aliquant_core.quantities import MODEL_GROUPS, QUANTITIES, Quantity, QuantityError, names_in
from aliquant_core.scenario import (
    MAX_BYTES,
    SCHEMA_VERSION,
    Assumptions,
    Scenario,
    ScenarioError,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
    scenario_to_json,
)
from aliquant_core.sources import PRESETS, Source
from aliquant_core.uncertainty import UNCERTAIN_QUANTITIES, _check_intervals

from . import strategies as qs

RATES = names_in("rate")
ASSUMPTION_KEYS = names_in(*MODEL_GROUPS)


def example_text() -> str:
    """The example document in the module docstring (the indented block after ``code-block``)."""
    block = scenario_module.__doc__.split(".. code-block:: json\n\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith("    "):
            break
        lines.append(line[4:])
    return "\n".join(lines).strip() + "\n"


def example_dict() -> dict:
    return json.loads(example_text())


def by_hand_error_rate(agreement: float) -> float:
    """The brief's ε = (1 − √(2a − 1)) / 2, written as the brief writes it."""
    return (1 - math.sqrt(2 * agreement - 1)) / 2


def refused(document) -> ScenarioError:
    """The error reading ``document`` (text, or a dict written out as JSON)."""
    text = document if isinstance(document, str) else json.dumps(document)
    with pytest.raises(ScenarioError) as info:
        scenario_from_json(text)
    return info.value


def with_(path: tuple, value) -> dict:
    """The example document with the value at ``path`` replaced (or deleted, for ``DELETE``)."""
    doc = example_dict()
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


DELETE = object()


# --- The documented example and the default scenario ---------------------------------------------


def test_documented_example_reads_as_documented():
    scenario = scenario_from_json(example_text())
    a = scenario.assumptions
    # agreement 0.726 is converted with the brief's formula: √0.452 = 0.67231, ε = 0.16385.
    assert a.error_rate == pytest.approx(by_hand_error_rate(0.726), rel=1e-14)
    assert a.error_rate == pytest.approx(0.163845, abs=1e-6)
    assert (a.labels, a.blind_spot, a.footprint, a.exploitation) == (200_000.0, 0.03, 0.05, 0.65)
    assert (a.competitors_log10, a.prior_bits, a.target) == (20.0, 0.0, 0.9)

    crowd, red_team = scenario.sources
    # The preset with its name and blind spot overridden; everything else is the preset's.
    assert crowd == PRESETS["crowdworkers"].with_(name="Screened crowd", blind_spot=0.04)
    assert crowd.sourced("blind_spot") == "assumption: screening removes a fifth of the crowd's"
    assert crowd.sourced("cost_per_label") == PRESETS["crowdworkers"].sourced("cost_per_label")
    assert red_team == Source("Red team", 0.1, 0.01, 8.0, 300.0, 6.0, 30.0)
    assert dict(red_team.provenance) == {"workforce": "assumption: one small team"}

    (programme,) = scenario.programmes
    assert programme.name == "Crowd plus red team"
    assert programme.aggregation == "weighted"
    assert programme.allocations == (
        Allocation(crowd, 150_000, 3),
        Allocation(red_team, 5000, 1),
        Allocation(PRESETS["ai_judge"], 1_000_000, 1),  # named by preset key
    )
    assert dict(scenario.trajectory) == {
        "generations": 8,
        "competitors_log10_per_generation": 1.5,
        "assistance_divisor_per_generation": 1.1,
    }
    assert isinstance(scenario.trajectory["generations"], int)
    assert dict(scenario.uncertainty) == {"labels": (50_000.0, 500_000.0), "blind_spot": (0.005, 0.1)}


def test_documented_example_round_trips_and_is_canonical():
    scenario = scenario_from_json(example_text())
    text = scenario_to_json(scenario)
    back = scenario_from_json(text)
    assert back == scenario
    assert scenario_to_json(back) == text  # stable: a second write gives the same text
    # Written in full: the preset override is written as values, agreement as error_rate.
    written = json.loads(text)
    assert "preset" not in written["sources"][0]
    assert "agreement" not in written["assumptions"]
    assert written["programmes"][0]["allocations"][2]["source"] == "ai_judge"


def test_default_scenario():
    scenario = Scenario()
    defaults = {name: QUANTITIES[name].default for name in ASSUMPTION_KEYS if name != "agreement"}
    assert scenario.assumptions.as_dict() == defaults
    assert (scenario.sources, scenario.programmes) == ((), ())
    assert dict(scenario.trajectory) == dict(scenario.uncertainty) == {}
    text = scenario_to_json(scenario)
    assert scenario_from_json(text) == scenario
    # A minimal document is the default scenario.
    assert scenario_from_json('{"aliquant_scenario": 1}') == scenario
    assert scenario_from_json(f'{{"aliquant_scenario": {SCHEMA_VERSION}}}') == scenario


def test_output_is_stable_and_in_a_fixed_order():
    text = scenario_to_json(scenario_from_json(example_text()))
    assert text.endswith("}\n")
    assert text.splitlines()[1] == '  "aliquant_scenario": 1,'
    assert list(json.loads(text)) == [
        "aliquant_scenario",
        "assumptions",
        "sources",
        "programmes",
        "trajectory",
        "uncertainty",
    ]
    # The table's order; label quality as error_rate.
    assert list(json.loads(text)["assumptions"]) == [n for n in ASSUMPTION_KEYS if n != "agreement"]
    # Keys given in another order give the same text.
    doc = example_dict()
    shuffled = {key: doc[key] for key in reversed(list(doc))}
    shuffled["assumptions"] = dict(reversed(list(doc["assumptions"].items())))
    assert scenario_to_json(scenario_from_dict(shuffled)) == text


def test_floats_keep_full_precision():
    awkward = 0.1 + 0.2  # 0.30000000000000004: needs 17 significant digits
    scenario = Scenario(Assumptions(blind_spot=awkward, labels=123456789.123456789))
    back = scenario_from_json(scenario_to_json(scenario))
    assert back.assumptions.blind_spot == awkward
    assert back.assumptions.labels == 123456789.123456789


def test_dict_api_and_methods_agree():
    scenario = scenario_from_json(example_text())
    assert scenario.to_dict() == scenario_to_dict(scenario)
    assert Scenario.from_dict(scenario.to_dict()) == scenario
    assert scenario.to_json() == scenario_to_json(scenario)
    assert Scenario.from_json(scenario.to_json().encode()) == scenario
    # The dict is plain JSON values.
    assert json.loads(json.dumps(scenario.to_dict())) == scenario.to_dict()


def test_scenario_is_immutable_hashable_and_picklable():
    scenario = scenario_from_json(example_text())
    assert hash(scenario) == hash(scenario_from_json(example_text()))
    assert pickle.loads(pickle.dumps(scenario)) == scenario
    assert copy.deepcopy(scenario) == scenario
    with pytest.raises(TypeError):
        scenario.trajectory["generations"] = 3
    assert scenario.with_(trajectory={"generations": 3}).trajectory == {"generations": 3}


def test_agreement_accepted_in_sources_and_intervals():
    doc = {
        "aliquant_scenario": 1,
        "sources": [
            {
                "name": "s",
                "agreement": 0.81,
                "blind_spot": 0.0,
                "cost_per_label": 0,
                "seconds_per_label": 1,
                "workforce": 1,
                "hours_per_week": 168,
            },
            {"preset": "experts", "agreement": 1.0},
        ],
        "uncertainty": {"agreement": {"low": 0.64, "high": 0.81}},
    }
    scenario = scenario_from_dict(doc)
    # a = 0.81: √0.62 = 0.787401, ε = 0.106299; a = 0.64: √0.28 = 0.529150, ε = 0.235425.
    assert scenario.sources[0].error_rate == pytest.approx(by_hand_error_rate(0.81), rel=1e-14)
    assert scenario.sources[0].error_rate == pytest.approx(0.106299, abs=1e-6)
    assert scenario.sources[1].error_rate == 0.0  # a = 1: no random error
    # The preset's error-rate citation no longer applies to an overridden error rate.
    assert scenario.sources[1].sourced("error_rate") == "assumption"
    assert scenario.sources[1].sourced("workforce") == PRESETS["experts"].sourced("workforce")
    # Higher agreement is lower error: the ends swap.
    low, high = scenario.uncertainty["error_rate"]
    assert low == pytest.approx(0.106299, abs=1e-6)
    assert high == pytest.approx(0.235425, abs=1e-6)


def test_file_source_shadows_a_preset_key():
    # A source of the file named like a preset key is the one a programme gets.
    own = Source("experts", 0.2, 0.1, 1.0, 10.0, 1.0, 10.0)
    scenario = Scenario(sources=(own,), programmes=(Programme((Allocation(own, 10),)),))
    assert scenario_from_json(scenario_to_json(scenario)) == scenario
    # The preset itself can still be used: it is written by its key only if no file source has it.
    preset = PRESETS["crowdworkers"]
    both = Scenario(sources=(own,), programmes=(Programme((Allocation(own, 10), Allocation(preset, 5))),))
    assert scenario_from_json(scenario_to_json(both)) == both


# --- Hypothesis round trip ------------------------------------------------------------------------

names = st.text(min_size=1, max_size=12).filter(lambda s: s.strip())
provenance_text = st.text(max_size=30)
positive = st.floats(min_value=1e-6, max_value=1e9)


def in_interval(q: Quantity):
    if q.whole:
        return st.integers(int(q.low), int(q.high))
    return st.floats(q.low, q.high, exclude_min=q.low_open, exclude_max=q.high_open, allow_subnormal=False)


@st.composite
def sources(draw, name):
    provenance_fields = draw(st.sets(st.sampled_from(scenario_module.SOURCE_FIELDS)))
    provenance = tuple(
        (field, draw(provenance_text))
        for field in scenario_module.SOURCE_FIELDS
        if field in provenance_fields
    )
    return Source(
        name,
        draw(qs.error_rate),
        draw(qs.rate),
        draw(st.floats(0.0, 1e6)),
        draw(positive),
        draw(positive),
        draw(st.floats(1e-3, 168.0)),
        provenance=provenance,
    )


@st.composite
def intervals(draw, name):
    q = QUANTITIES[name]
    low_open = q.low_open or q.uncertain == "log"
    ends = st.floats(q.low, q.high, exclude_min=low_open, exclude_max=q.high_open, allow_subnormal=False)
    return tuple(sorted((draw(ends), draw(ends))))


@st.composite
def scenarios(draw):
    assumptions = Assumptions(
        labels=draw(st.one_of(qs.labels_any.map(float), st.floats(0.0, 1e12))),
        error_rate=draw(qs.error_rate),
        blind_spot=draw(qs.rate),
        footprint=draw(qs.footprint),
        exploitation=draw(qs.rate),
        competitors_log10=draw(qs.competitors_log10),
        prior_bits=draw(qs.prior_bits),
        target=draw(qs.target),
    )
    # An own source named like a preset's key shadows it (the file refers to presets by key), and
    # an allocation to that preset is then refused (found by hypothesis: an own source "experts");
    # round trips are about valid scenarios.
    preset_names = set(PRESETS) | {preset.name for preset in PRESETS.values()}
    source_names = draw(st.lists(names.filter(lambda n: n not in preset_names), max_size=4, unique=True))
    own = [draw(sources(name)) for name in source_names]
    pool = own + list(PRESETS.values())
    programmes = []
    for _ in range(draw(st.integers(0, 3))):
        allocations = [
            Allocation(
                draw(st.sampled_from(pool)),
                draw(st.floats(0.0, 1e12)),
                draw(st.integers(1, 99)),
            )
            for _ in range(draw(st.integers(1, 4)))
        ]
        programmes.append(
            Programme(
                tuple(allocations), draw(st.sampled_from(["pooled", "weighted", "oracle"])), draw(st.text())
            )
        )
    trajectory = draw(st.fixed_dictionaries({}, optional={k: in_interval(QUANTITIES[k]) for k in RATES}))
    uncertainty = draw(st.fixed_dictionaries({}, optional={k: intervals(k) for k in UNCERTAIN_QUANTITIES}))
    return Scenario(assumptions, tuple(own), tuple(programmes), trajectory, uncertainty)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_random_scenarios_round_trip_exactly(scenario):
    text = scenario_to_json(scenario)
    back = scenario_from_json(text)
    assert back == scenario
    assert scenario_to_json(back) == text
    # Provenance is not part of Source equality: check it separately.
    for mine, theirs in zip(scenario.sources, back.sources, strict=True):
        assert mine.provenance == theirs.provenance
    for mine, theirs in zip(scenario.programmes, back.programmes, strict=True):
        for a, b in zip(mine.allocations, theirs.allocations, strict=True):
            assert dict(a.source.provenance) == dict(b.source.provenance)
    # What the file holds is what the uncertainty analysis accepts.
    assert _check_intervals(dict(back.uncertainty)) == dict(back.uncertainty)


# --- Refusals that name what is wrong ------------------------------------------------------------

VALID_KEYS = "(valid keys: "


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ((), 'unknown key "extra" in the scenario (valid keys: aliquant_scenario, assumptions,'),
        (("assumptions",), 'unknown key "extra" in assumptions (valid keys: labels, error_rate, agreement,'),
        (("sources", 1), 'unknown key "extra" in sources[1] (valid keys: preset, name,'),
        (
            ("sources", 1, "provenance"),
            'unknown key "extra" in sources[1].provenance (valid keys: error_rate,',
        ),
        (
            ("programmes", 0),
            'unknown key "extra" in programmes[0] (valid keys: name, aggregation, allocations)',
        ),
        (
            ("programmes", 0, "allocations", 2),
            'unknown key "extra" in programmes[0].allocations[2] (valid keys: source, labels, redundancy)',
        ),
        (("trajectory",), 'unknown key "extra" in trajectory (valid keys: generations,'),
        (("uncertainty",), 'unknown key "extra" in uncertainty (valid keys: labels, error_rate,'),
        (("uncertainty", "labels"), 'unknown key "extra" in uncertainty.labels (valid keys: low, high)'),
    ],
)
def test_unknown_keys_at_every_level(path, message):
    doc = example_dict()
    target = doc
    for key in path:
        target = target[key]
    target["extra"] = 1
    error = refused(doc)
    assert message in str(error)
    assert error.path == ".".join(p if isinstance(p, str) else f"[{p}]" for p in (*path, "extra")).replace(
        ".[", "["
    )


def test_misspelt_assumption_is_named():
    error = refused({"aliquant_scenario": 1, "assumptions": {"labelz": 5}})
    assert str(error).startswith('unknown key "labelz" in assumptions (valid keys: labels, error_rate,')
    assert error.path == "assumptions.labelz"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("assumptions",), [], "assumptions must be an object; got a list"),
        (("assumptions", "labels"), "many", 'assumptions.labels must be a number; got "many"'),
        (("assumptions", "footprint"), True, "assumptions.footprint must be a number; got true"),
        (("assumptions", "target"), None, "assumptions.target must be a number; got null"),
        (("sources",), {}, "sources must be a list; got an object"),
        (("sources", 0), "crowdworkers", 'sources[0] must be an object; got "crowdworkers"'),
        (("sources", 1, "name"), 7, "sources[1].name must be a string; got 7"),
        (("sources", 1, "name"), " ", 'sources[1].name must be a non-empty string; got " "'),
        (("sources", 0, "preset"), 3, "sources[0].preset must be a string; got 3"),
        (("sources", 1, "workforce"), [6], "sources[1].workforce must be a number; got a list"),
        (("sources", 1, "provenance"), "cited", 'sources[1].provenance must be an object; got "cited"'),
        (
            ("sources", 1, "provenance", "workforce"),
            1,
            "sources[1].provenance.workforce must be a string; got 1",
        ),
        (("programmes", 0, "name"), False, "programmes[0].name must be a string; got false"),
        (("programmes", 0, "allocations"), {}, "programmes[0].allocations must be a list; got an object"),
        (
            ("programmes", 0, "allocations", 0, "source"),
            1,
            "programmes[0].allocations[0].source must be a string",
        ),
        (
            ("programmes", 0, "allocations", 0, "labels"),
            "1e5",
            'allocations[0].labels must be a number; got "1e5"',
        ),
        (("trajectory",), [1], "trajectory must be an object; got a list"),
        (("trajectory", "generations"), "8", 'trajectory.generations must be a whole number; got "8"'),
        (("uncertainty", "labels"), [1, 2], "uncertainty.labels must be an object; got a list"),
        (("uncertainty", "labels", "low"), "1", 'uncertainty.labels.low must be a number; got "1"'),
    ],
)
def test_wrong_types_are_named(path, value, message):
    error = refused(with_(path, value))
    assert message in str(error)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("assumptions", "labels"), -1, "assumptions.labels must be in [0, 1e12]; got -1"),
        (("assumptions", "labels"), 1e13, "assumptions.labels must be in [0, 1e12]; got 10000000000000.0"),
        (("assumptions", "agreement"), 0.4, "assumptions.agreement must be in [0.5, 1]; got 0.4"),
        (("assumptions", "footprint"), 0, "assumptions.footprint must be in (0, 1]; got 0"),
        (("assumptions", "target"), 1, "assumptions.target must be in (0, 1); got 1"),
        (
            ("assumptions", "competitors_log10"),
            301,
            "assumptions.competitors_log10 must be in [0, 300]; got 301",
        ),
        (("sources", 1, "blind_spot"), 1.5, "sources[1].blind_spot must be in [0, 1]; got 1.5"),
        (("sources", 1, "error_rate"), 0.6, "sources[1].error_rate must be in [0, 0.5]; got 0.6"),
        (("sources", 1, "cost_per_label"), -0.5, "sources[1].cost_per_label must be in [0, ∞); got -0.5"),
        (("sources", 1, "seconds_per_label"), 0, "sources[1].seconds_per_label must be in (0, ∞); got 0"),
        (("sources", 1, "hours_per_week"), 169, "sources[1].hours_per_week must be in (0, 168]; got 169"),
        (("sources", 0, "preset"), "interns", "sources[0].preset must be one of crowdworkers, contractors,"),
        (
            ("programmes", 0, "aggregation"),
            "mean",
            "programmes[0].aggregation must be one of pooled, weighted, oracle",
        ),
        (("programmes", 0, "allocations"), [], "programmes[0].allocations must list at least one allocation"),
        (
            ("programmes", 0, "allocations", 0, "redundancy"),
            0,
            "programmes[0].allocations[0].redundancy must be in [1, 99]; got 0",
        ),
        (
            ("programmes", 0, "allocations", 0, "redundancy"),
            2.5,
            "programmes[0].allocations[0].redundancy must be a whole number in [1, 99]; got 2.5",
        ),
        (("trajectory", "generations"), 51, "trajectory.generations must be in [1, 50]; got 51"),
        (("trajectory", "generations"), 0, "trajectory.generations must be in [1, 50]; got 0"),
        (
            ("trajectory", "footprint_factor_per_generation"),
            0,
            "trajectory.footprint_factor_per_generation must be in (0, 1]; got 0",
        ),
        (
            ("trajectory", "exploitation_gap_factor_per_generation"),
            1.1,
            "trajectory.exploitation_gap_factor_per_generation must be in [0, 1]; got 1.1",
        ),
        (
            ("trajectory", "blind_spot_factor_per_generation"),
            0.9,
            "trajectory.blind_spot_factor_per_generation must be in "
            f"{QUANTITIES['blind_spot_factor_per_generation'].range_text}; got 0.9",
        ),
        (
            ("trajectory", "assistance_divisor_per_generation"),
            0.5,
            "trajectory.assistance_divisor_per_generation must be in "
            f"{QUANTITIES['assistance_divisor_per_generation'].range_text}; got 0.5",
        ),
        (
            ("trajectory", "prior_bits_per_generation"),
            -1,
            "trajectory.prior_bits_per_generation must be in "
            f"{QUANTITIES['prior_bits_per_generation'].range_text}; got -1",
        ),
        (
            ("trajectory", "competitors_log10_per_generation"),
            -0.1,
            "trajectory.competitors_log10_per_generation must be in "
            f"{QUANTITIES['competitors_log10_per_generation'].range_text}; got -0.1",
        ),
        (("uncertainty", "blind_spot", "high"), 2, "uncertainty.blind_spot.high must be in [0, 1]; got 2"),
        (("uncertainty", "labels", "low"), 0, "uncertainty.labels.low must be in (0, 1e12]; got 0"),
        (
            ("uncertainty", "labels"),
            {"low": 9, "high": 3},
            "uncertainty.labels must have low ≤ high; got low 9.0, high 3.0",
        ),
        (("uncertainty", "labels"), {"low": 9}, 'uncertainty.labels is missing "high"'),
        (("uncertainty", "target"), {"low": 0.5, "high": 0.6}, 'unknown key "target" in uncertainty'),
    ],
)
def test_out_of_range_values_are_named(path, value, message):
    error = refused(with_(path, value))
    assert message in str(error)
    assert error.path is not None
    assert error.path.replace("[", ".").replace("]", "").startswith(".".join(str(p) for p in path[:2]))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (
            ("sources", 1, "name"),
            'sources[1] is missing "name" (needed unless the source starts from a preset)',
        ),
        (("sources", 1, "error_rate"), 'sources[1] is missing "error_rate" or "agreement"'),
        (("sources", 1, "workforce"), 'sources[1] is missing "workforce"'),
        (("programmes", 0, "allocations"), 'programmes[0] is missing "allocations"'),
        (("programmes", 0, "allocations", 1, "labels"), 'programmes[0].allocations[1] is missing "labels"'),
        (("programmes", 0, "allocations", 1, "source"), 'programmes[0].allocations[1] is missing "source"'),
    ],
)
def test_missing_required_keys_are_named(path, message):
    assert message in str(refused(with_(path, DELETE)))


def test_both_error_rate_and_agreement_refused():
    doc = with_(("assumptions", "error_rate"), 0.1)
    assert "assumptions gives both error_rate and agreement; give exactly one" in str(refused(doc))
    doc = with_(("sources", 1, "agreement"), 0.8)
    assert "sources[1] gives both error_rate and agreement" in str(refused(doc))
    doc = with_(("uncertainty", "agreement"), {"low": 0.6, "high": 0.7})
    doc["uncertainty"]["error_rate"] = {"low": 0.1, "high": 0.2}
    assert "uncertainty gives both error_rate and agreement" in str(refused(doc))


def test_newer_version_refused_before_anything_else():
    doc = example_dict()
    doc["aliquant_scenario"] = 2
    doc["feature_of_version_2"] = {}
    error = refused(doc)
    assert str(error) == "scenario version 2 is newer than this aliquant reads (1); upgrade aliquant"
    assert error.path == "aliquant_scenario"


@pytest.mark.parametrize(
    ("version", "message"),
    [
        ("1", 'aliquant_scenario must be a whole number; got "1"'),
        (0, "aliquant_scenario must be in [1, ∞); got 0"),
        (1.5, "aliquant_scenario must be a whole number in [1, ∞); got 1.5"),
        (True, "aliquant_scenario must be a whole number; got true"),
    ],
)
def test_bad_version_refused(version, message):
    assert str(refused(with_(("aliquant_scenario",), version))) == message


def test_missing_version_refused():
    error = refused(with_(("aliquant_scenario",), DELETE))
    assert str(error).startswith('missing "aliquant_scenario"')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"aliquant_scenario": 1,\n  "assumptions": {\n    labels: 5}}',
            "invalid JSON at line 3 column 5: ",
        ),
        ('{"aliquant_scenario": 1,}', "invalid JSON at line 1 column 25: "),
        ("", "invalid JSON at line 1 column 1: Expecting value"),
        ('{"aliquant_scenario": 1} trailing', "invalid JSON at line 1 column 26: Extra data"),
        ("[" * 100_000, "invalid JSON: nested too deeply"),
        ('{"aliquant_scenario": ' + "9" * 5000 + "}", "invalid JSON: a number has too many digits"),
    ],
)
def test_invalid_json_refused_with_position(text, message):
    assert str(refused(text)).startswith(message)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_refused(constant):
    text = '{"aliquant_scenario": 1, "assumptions": {"blind_spot": ' + constant + "}}"
    error = refused(text)
    assert str(error) == f"assumptions.blind_spot must be a number; got {constant}"
    assert error.path == "assumptions.blind_spot"


def test_overflowing_number_refused():
    # 1e999 parses to an infinite float; it is refused as not finite.
    error = refused('{"aliquant_scenario": 1, "assumptions": {"prior_bits": 1e999}}')
    assert str(error) == "assumptions.prior_bits must be a finite number in [0, 1000]; got Infinity"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("[]", "a scenario must be a JSON object; got a list"),
        ('"scenario"', 'a scenario must be a JSON object; got "scenario"'),
        ("null", "a scenario must be a JSON object; got null"),
        ("3", "a scenario must be a JSON object; got 3"),
    ],
)
def test_document_must_be_an_object(document, message):
    assert str(refused(document)) == message


def test_size_limit_counts_utf8_bytes():
    base = '{"aliquant_scenario": 1}'
    exactly = base + " " * (MAX_BYTES - len(base))
    assert scenario_from_json(exactly) == Scenario()  # 1,000,000 bytes: accepted
    error = refused(exactly + " ")
    assert str(error).startswith("scenario is too large: over 1,000,000 bytes (1 MB")
    # 600,000 "é" are 1.2 MB of UTF-8 although fewer than a million characters.
    name = "é" * 600_000
    assert "too large" in str(refused('{"aliquant_scenario": 1, "x": "' + name + '"}'))
    assert "too large" in str(refused_bytes(b" " * (MAX_BYTES + 1)))


def test_duplicate_keys_refused():
    error = refused('{"aliquant_scenario": 1, "assumptions": {"labels": 1, "labels": 2}}')
    assert str(error) == 'duplicate key "labels" in assumptions'
    error = refused('{"aliquant_scenario": 1, "aliquant_scenario": 1}')
    assert str(error) == 'duplicate key "aliquant_scenario" in the scenario'


def test_duplicate_source_names_refused():
    doc = example_dict()
    doc["sources"][1]["name"] = "Screened crowd"
    error = refused(doc)
    assert str(error) == (
        'sources[1].name "Screened crowd" is the name of an earlier source; source names must be unique'
    )
    # Two bare uses of one preset take its name twice.
    error = refused({"aliquant_scenario": 1, "sources": [{"preset": "experts"}, {"preset": "experts"}]})
    assert 'sources[1].name "Domain experts" is the name of an earlier source' in str(error)


def test_programme_naming_an_unknown_source_refused():
    error = refused(with_(("programmes", 0, "allocations", 1, "source"), "Blue team"))
    assert str(error).startswith(
        'programmes[0].allocations[1].source "Blue team" is not a source in this file '
        '("Screened crowd", "Red team") or a preset (crowdworkers, contractors,'
    )
    assert error.path == "programmes[0].allocations[1].source"
    # A preset is named by its key, not its display name.
    assert "is not a source" in str(refused(with_(("programmes", 0, "allocations", 2, "source"), "AI judge")))


def test_not_utf8_refused():
    error = refused_bytes(b'{"aliquant_scenario": 1, "x": "\xff"}')
    # The 0xff follows 31 bytes of ASCII: offset 31, counting from 0.
    assert str(error) == "scenario is not UTF-8 text: the byte at offset 31 cannot be decoded"


def refused_bytes(data: bytes) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario_from_json(data)
    return info.value


def test_lone_surrogate_refused():
    error = refused('{"aliquant_scenario": 1, "sources": [{"preset": "experts", "name": "\\ud800"}]}')
    assert str(error) == "sources[0].name must be text without unpaired surrogates"


def test_not_text_refused():
    with pytest.raises(ScenarioError, match="scenario text must be a string; got 3"):
        scenario_from_json(3)


# --- The Python API is checked as the file is -----------------------------------------------------


def test_constructor_checks_what_the_file_checks():
    own = Source("A", 0.1, 0.0, 1.0, 1.0, 1.0, 1.0)
    with pytest.raises(ScenarioError, match=r"sources\[1\].name \"A\" is the name of an earlier source"):
        Scenario(sources=(own, own))
    stray = Source("Stray", 0.1, 0.0, 1.0, 1.0, 1.0, 1.0)
    with pytest.raises(
        ScenarioError,
        match=r"programmes\[0\].allocations\[0\].source \"Stray\" is neither one of the scenario's sources",
    ):
        Scenario(sources=(own,), programmes=(Programme((Allocation(stray, 1),)),))
    # Same name as a source of the scenario but other values: cannot be named in the file.
    with pytest.raises(ScenarioError, match="is neither one of"):
        Scenario(sources=(own,), programmes=(Programme((Allocation(own.with_(blind_spot=0.5), 1),)),))
    # A preset whose key is also the name of one of the scenario's own sources: the file would read
    # the own source in its place, so the message says which name to change.
    namesake = Source("crowdworkers", 0.2, 0.0, 1.0, 1.0, 1.0, 1.0)
    with pytest.raises(
        ScenarioError,
        match=r"is the preset \"crowdworkers\", but a source of this scenario is named \"crowdworkers\"",
    ):
        Scenario(sources=(namesake,), programmes=(Programme((Allocation(PRESETS["crowdworkers"], 1),)),))
    with pytest.raises(ScenarioError, match=r"trajectory.generations must be in \[1, 50\]; got 0"):
        Scenario(trajectory={"generations": 0})
    with pytest.raises(ScenarioError, match='unknown key "generation" in trajectory'):
        Scenario(trajectory={"generation": 3})
    with pytest.raises(ScenarioError, match=r"uncertainty.footprint must have low ≤ high"):
        Scenario(uncertainty={"footprint": (0.5, 0.1)})
    with pytest.raises(ScenarioError, match=r"uncertainty.footprint must be a pair \(low, high\)"):
        Scenario(uncertainty={"footprint": 0.5})
    # The assumptions are the table's one Assumptions, checked as it is.
    with pytest.raises(QuantityError, match=r"exploitation must be in \[0, 1\]; got 2"):
        Assumptions(exploitation=2)
    # Redundancy is checked against the table, as the file is: an Allocation refuses it already.
    with pytest.raises(QuantityError, match=r"redundancy must be a whole number in \[1, 99\]; got 100"):
        Allocation(own, 10, 100)
    bad_provenance = own.with_(provenance=(("colour", "blue"),))
    with pytest.raises(ScenarioError, match=r'unknown key "colour" in sources\[0\].provenance'):
        Scenario(sources=(bad_provenance,))


def test_trajectory_rates_dataclass_accepted():
    # Any dataclass with the rate names as fields (e.g. trajectory.TrajectoryRates) gives every rate.
    from dataclasses import make_dataclass

    rates = make_dataclass("Rates", [(name, float) for name in RATES])
    values = {name: 1.0 for name in RATES} | {"generations": 4}
    scenario = Scenario(trajectory=rates(**values))
    assert dict(scenario.trajectory) == values


def test_python_nan_refused():
    with pytest.raises(ScenarioError, match=r"assumptions\.target must be a finite number in .*; got NaN"):
        scenario_from_dict({"aliquant_scenario": 1, "assumptions": {"target": float("nan")}})


def test_scenario_error_is_a_quantity_error():
    error = refused(with_(("sources", 1, "blind_spot"), 1.5))
    assert isinstance(error, QuantityError)
    assert str(error) == "sources[1].blind_spot must be in [0, 1]; got 1.5"
    assert error.path == "sources[1].blind_spot"


def test_agreement_given_in_python_is_held_as_error_rate():
    # The file writes error_rate; a scenario holds that too, so it reads back equal.
    scenario = Scenario(Assumptions(agreement=0.726))
    assert scenario.assumptions.agreement is None
    assert scenario.assumptions.error_rate == Assumptions(agreement=0.726).error_rate
    assert scenario_from_json(scenario_to_json(scenario)) == scenario


# --- Drift fixes: the file refuses what the table (and the command line) refuses ------------------

REDUNDANCY_PATH = ("programmes", 0, "allocations", 0, "redundancy")


@pytest.mark.parametrize("text", ["1e300", "100", "1" + "0" * 200, "1.5", "0"])
def test_redundancy_outside_the_tables_interval_refused(text):
    # Was accepted up to any size (1e300 then printed a 300-digit dollar figure).
    doc = json.dumps(with_(REDUNDANCY_PATH, 3)).replace('"redundancy": 3', f'"redundancy": {text}')
    error = refused(doc)
    assert str(error).startswith("programmes[0].allocations[0].redundancy must be ")
    assert "in [1, 99]; got " in str(error)
    assert error.path == "programmes[0].allocations[0].redundancy"
    # The command line's --redundancy refuses the same values.
    from aliquant_core.cli import build_parser

    with pytest.raises(SystemExit):
        build_parser().parse_args(["simulate", "--redundancy", text])


def test_competitors_per_generation_beyond_300_refused():
    error = refused(with_(("trajectory", "competitors_log10_per_generation"), 500))
    assert str(error) == "trajectory.competitors_log10_per_generation must be in [0, 300]; got 500"


@pytest.mark.parametrize("name", RATES)
def test_every_rate_beyond_its_interval_refused(name):
    q = QUANTITIES[name]
    for value in (math.nextafter(q.low, -math.inf), math.nextafter(q.high, math.inf)):
        message = str(refused(with_(("trajectory", name), value)))
        assert message.startswith(f"trajectory.{name} must be ")
        assert q.range_text in message


# --- Every quantity the file accepts, walked from the table ---------------------------------------


def _in_source(name, value):
    return {"sources": [{"preset": "experts", name: value}]}


def _in_allocation(name, value):
    return {"programmes": [{"allocations": [{"source": "experts", "labels": 1, name: value}]}]}


def _places():
    """(path, the quantity whose interval applies, its ends to walk, a document with a value there)."""
    both = ("low", "high")
    for name in ASSUMPTION_KEYS:
        yield f"assumptions.{name}", QUANTITIES[name], both, lambda v, n=name: {"assumptions": {n: v}}
    for name in ("agreement", *scenario_module.SOURCE_FIELDS):
        yield f"sources[0].{name}", QUANTITIES[name], both, lambda v, n=name: _in_source(n, v)
    for name in ("labels", "redundancy"):
        path = f"programmes[0].allocations[0].{name}"
        yield path, QUANTITIES[name], both, lambda v, n=name: _in_allocation(n, v)
    for name in RATES:
        yield f"trajectory.{name}", QUANTITIES[name], both, lambda v, n=name: {"trajectory": {n: v}}
    for name in (*UNCERTAIN_QUANTITIES, "agreement"):
        q = QUANTITIES[name]
        # A log-normal interval needs its ends above 0; the other end is the default.
        ends = dataclasses.replace(q, low_open=q.low_open or q.uncertain == "log")
        for end, other in (("low", "high"), ("high", "low")):

            def document(v, n=name, end=end, other=other, default=q.default):
                return {"uncertainty": {n: {end: v, other: default}}}

            yield f"uncertainty.{name}.{end}", ends, (end,), document


PLACES = list(_places())


def test_the_walk_covers_every_quantity():
    assert {q.name for _, q, _, _ in PLACES} == set(QUANTITIES)


def _refused_at(path, q, read, value):
    with pytest.raises(ScenarioError) as info:
        read(value)
    assert str(info.value).startswith(f"{path} must be ")
    assert q.range_text in str(info.value)
    assert info.value.path == path


@pytest.mark.parametrize(("path", "q", "ends", "document"), PLACES, ids=[p[0] for p in PLACES])
def test_each_end_of_each_interval(path, q, ends, document):
    def read(value):
        return scenario_from_dict({"aliquant_scenario": 1, **document(value)})

    bounds = {"low": (q.low, q.low_open, -math.inf), "high": (q.high, q.high_open, math.inf)}
    for end, is_open, outward in (bounds[e] for e in ends):
        if is_open:
            _refused_at(path, q, read, end)
        else:
            read(end)  # a closed end is accepted
        if math.isfinite(end):
            _refused_at(path, q, read, math.nextafter(end, outward))
            if q.whole:
                _refused_at(path, q, read, end + math.copysign(1, outward))


@pytest.mark.parametrize("missing", [n for n in ASSUMPTION_KEYS if n != "agreement"])
def test_a_missing_assumption_reads_as_the_tables_default(missing):
    # Every other assumption at a value of its own (the top of its widget), not its default.
    given = {n: QUANTITIES[n].control_high for n in ASSUMPTION_KEYS if n not in ("agreement", missing)}
    assumptions = scenario_from_dict({"aliquant_scenario": 1, "assumptions": given}).assumptions
    assert getattr(assumptions, missing) == QUANTITIES[missing].default
    assert all(getattr(assumptions, n) == v != QUANTITIES[n].default for n, v in given.items())


# --- Fuzzing: nothing but ScenarioError -----------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

#: Values near the document's own, so fuzzing reaches deep checks and not only the first type check.
plausible = st.one_of(
    json_values,
    st.sampled_from([0, 1, -1, 0.5, 1.5, 50, 51, 1e12, 1e13, "", " ", "pooled", "crowdworkers", "Red team"]),
    st.sampled_from([{"low": 1, "high": 2}, {"low": 0.2, "high": 0.1}, {"preset": "experts"}, [], {}]),
)


def read_or_refuse(read, value):
    try:
        result = read(value)
    except ScenarioError:
        return
    assert isinstance(result, Scenario)
    assert scenario_from_json(scenario_to_json(result)) == result


@settings(max_examples=300, deadline=None)  # timing varies on a shared machine
@given(st.text())
def test_fuzz_random_text(text):
    read_or_refuse(scenario_from_json, text)


@settings(max_examples=300, deadline=None)  # timing varies on a shared machine
@given(st.binary())
def test_fuzz_random_bytes(data):
    read_or_refuse(scenario_from_json, data)


@settings(max_examples=300, deadline=None)  # timing varies on a shared machine
@given(json_values)
def test_fuzz_random_json_values(value):
    read_or_refuse(scenario_from_dict, value)
    read_or_refuse(scenario_from_json, json.dumps(value))
    read_or_refuse(scenario_from_dict, {"aliquant_scenario": 1, "assumptions": value})


def paths(value, prefix=()):
    """Every path into a JSON value, containers included."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


EXAMPLE_PATHS = list(paths(example_dict()))[1:]


@settings(max_examples=500, deadline=None)  # timing varies on a shared machine
@given(st.lists(st.tuples(st.sampled_from(EXAMPLE_PATHS), st.one_of(plausible, st.just(DELETE))), max_size=3))
def test_fuzz_mutated_example(mutations):
    doc = example_dict()
    for path, value in mutations:
        target = doc
        try:
            for key in path[:-1]:
                target = target[key]
            if value is DELETE:
                del target[path[-1]]
            else:
                target[path[-1]] = copy.deepcopy(value)  # sampled constants are shared
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed the path
    read_or_refuse(scenario_from_dict, doc)
    read_or_refuse(scenario_from_json, json.dumps(doc))


@settings(max_examples=300, deadline=None)  # timing varies on a shared machine
@given(st.sampled_from(EXAMPLE_PATHS), st.text(max_size=8))
def test_fuzz_added_keys(path, key):
    doc = example_dict()
    target = doc
    for step in path:
        target = target[step]
    if isinstance(target, dict):
        target[key] = 1
    read_or_refuse(scenario_from_dict, doc)
