"""The named whole scenarios (aliquant_core.assumption_sets): values inside the table, provenance,
the central set equal to the table's defaults, and the checks that catch a set that breaks a rule.

Every test walks :data:`aliquant_core.ASSUMPTION_SETS`, so a new set is tested without a new test.
"""

from __future__ import annotations

import math

import pytest

from aliquant_core import ASSUMPTION_SETS, DEFAULTS, QUANTITIES, Assumptions, QuantityError, p_align
from aliquant_core.assumption_sets import SCENARIO_QUANTITIES, AssumptionSet, SetValue, _overlap
from aliquant_core.quantities import names_in

SETS = tuple(ASSUMPTION_SETS.values())
IDS = tuple(ASSUMPTION_SETS)


def test_the_sets_are_named_and_ordered_from_most_to_least_favourable():
    assert IDS == ("optimistic", "central", "pessimistic")
    # The threat and dependence groups of the table, nothing of the programme, quality or goal.
    assert names_in("threat", "dependence") == SCENARIO_QUANTITIES
    assert not {"labels", "error_rate", "agreement", "target"} & set(SCENARIO_QUANTITIES)


@pytest.mark.parametrize("scenario", SETS, ids=IDS)
def test_every_value_is_inside_its_quantity_and_its_sidebar_control(scenario):
    assert tuple(scenario.values) == SCENARIO_QUANTITIES
    for name, value in scenario.values.items():
        quantity = QUANTITIES[name]
        assert quantity.contains(value), (scenario.key, name, value)
        assert quantity.control_low <= value <= quantity.control_high, (scenario.key, name, value)
    assert scenario.title
    assert scenario.summary
    assert scenario.competitor_classes == ()  # room for classes, none yet


@pytest.mark.parametrize("scenario", SETS, ids=IDS)
def test_every_value_has_a_provenance_and_says_whether_it_is_a_judgement(scenario):
    for entry in scenario.entries:
        assert len(entry.provenance.strip()) > 20, (scenario.key, entry.name)
        if entry.judgement:
            # A judgement says so in its own words (the Method page shows the provenance as it is).
            assert entry.provenance.startswith(("Judgement", "Derived")), (scenario.key, entry.name)
        else:
            assert entry.value == DEFAULTS[entry.name], (scenario.key, entry.name)


def test_the_central_set_is_the_tables_defaults_with_the_tables_provenance():
    central = ASSUMPTION_SETS["central"]
    for entry in central.entries:
        assert entry.value == DEFAULTS[entry.name], entry.name
        assert QUANTITIES[entry.name].provenance in entry.provenance, entry.name
        assert not entry.judgement
    assert central.matches(Assumptions())


def test_the_overlap_follows_each_sets_threat_by_the_tables_rule():
    # The table's default overlap is this rule at the default σ, f and χ (quantities.py), 0.29.
    threat = (DEFAULTS["blind_spot"], DEFAULTS["footprint"], DEFAULTS["exploitation"])
    assert _overlap(*threat) == DEFAULTS["overlap"]
    for scenario in SETS:
        v = scenario.values
        assert v["overlap"] == _overlap(v["blind_spot"], v["footprint"], v["exploitation"]), scenario.key


def test_optimistic_and_pessimistic_lie_on_either_side_of_central():
    """Each judgement moves its quantity the helpful (or harmful) way: checked through the model, one
    quantity at a time from the central set, so a value on the wrong side fails here."""
    central = ASSUMPTION_SETS["central"].apply(Assumptions(labels=100_000.0))

    def at(**change):
        a = central.replace(**change)
        return float(p_align(a.labels, **a.quality, **a.threat).log10_single_failure)

    base = at()
    for name in ("blind_spot", "fooled_rate", "footprint", "exploitation"):
        good, bad = ASSUMPTION_SETS["optimistic"].values[name], ASSUMPTION_SETS["pessimistic"].values[name]
        # log10(1 − P₁): lower is better for the labels.
        assert at(**{name: good}) < base < at(**{name: bad}), name
    for name, better in (("competitors_log10", "lower"), ("prior_bits", "higher")):
        good, bad = ASSUMPTION_SETS["optimistic"].values[name], ASSUMPTION_SETS["pessimistic"].values[name]
        assert (good < DEFAULTS[name] <= bad) if better == "lower" else (good > DEFAULTS[name] >= bad), name


def test_the_headlines_span_the_regimes():
    """At the default programme (100,000 labels, ε 0.1638): optimistic practically certain, central
    0.9039 (the Overview's 90.4%), pessimistic no quantity suffices (q < ½)."""
    results = {
        key: p_align(1e5, **s.apply().quality, **s.apply().threat) for key, s in ASSUMPTION_SETS.items()
    }
    assert float(results["optimistic"].p_align) > 0.999999
    assert round(float(results["central"].p_align), 4) == 0.9039
    assert float(results["pessimistic"].label_win_prob) < 0.5
    assert str(results["pessimistic"].regime) == "no_quantity_suffices"


def test_apply_keeps_the_programme_its_quality_and_the_target():
    mine = Assumptions(labels=3_000.0, agreement=0.8, target=0.95)
    applied = ASSUMPTION_SETS["pessimistic"].apply(mine)
    assert (applied.labels, applied.agreement, applied.target) == (3_000.0, 0.8, 0.95)
    assert applied.blind_spot == 0.09
    assert ASSUMPTION_SETS["pessimistic"].matches(applied)
    assert not ASSUMPTION_SETS["central"].matches(applied)


# --- the checks catch a set that breaks a rule ----------------------------------------------------


def _entries(**changes):
    values = {**ASSUMPTION_SETS["central"].values, **changes}
    return tuple(SetValue(name, values[name], "Judgement: a test value.") for name in SCENARIO_QUANTITIES)


def test_a_value_outside_its_quantity_fails_on_construction():
    with pytest.raises(QuantityError, match="blind_spot must be in"):
        SetValue("blind_spot", 1.5, "Judgement: too big.")
    # Inside the interval (0, 1] but below the sidebar control's 1e-4: the sidebar could not show it.
    with pytest.raises(QuantityError, match="sidebar control"):
        SetValue("footprint", 1e-6, "Judgement: too small for the control.")
    with pytest.raises(QuantityError, match="not a quantity"):
        SetValue("blindspot", 0.1, "Judgement: a typo.")


def test_a_value_without_provenance_fails():
    with pytest.raises(ValueError, match="no provenance"):
        SetValue("blind_spot", 0.1, "  ")


def test_a_set_missing_or_reordering_a_quantity_fails():
    entries = _entries()
    with pytest.raises(ValueError, match="gives each of"):
        AssumptionSet("x", "X", "a test", entries[:-1])
    with pytest.raises(ValueError, match="gives each of"):
        AssumptionSet("x", "X", "a test", (entries[1], entries[0], *entries[2:]))
    assert AssumptionSet("x", "X", "a test", entries).values["blind_spot"] == DEFAULTS["blind_spot"]


def test_competitor_classes_are_checked_against_the_table():
    targeted = {
        "name": "targeted few",
        "competitors_log10": 2.0,
        "footprint": 0.03,
        "exploitation": 1.0,
        "provenance": "Judgement: issue 17's example.",
    }
    scenario = AssumptionSet("x", "X", "a test", _entries(), (targeted,))
    assert scenario.competitor_classes[0]["footprint"] == 0.03
    with pytest.raises(QuantityError, match="exploitation must be in"):
        AssumptionSet("x", "X", "a test", _entries(), ({**targeted, "exploitation": 1.2},))
    unsourced = {k: v for k, v in targeted.items() if k != "provenance"}
    with pytest.raises(ValueError, match="lacks provenance"):
        AssumptionSet("x", "X", "a test", _entries(), (unsourced,))


def test_the_sets_cannot_be_changed():
    with pytest.raises((TypeError, AttributeError)):
        ASSUMPTION_SETS["central"] = ASSUMPTION_SETS["pessimistic"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        ASSUMPTION_SETS["central"].entries[0].value = 0.5  # type: ignore[misc]
    assert math.isclose(ASSUMPTION_SETS["central"].values["blind_spot"], DEFAULTS["blind_spot"])
