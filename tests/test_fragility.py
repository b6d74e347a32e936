"""Regime flips (aliquant_core.fragility): each assumption's value at which q = ½.

The core solves each flip in closed form (regime_flips' Notes, derived from the model brief's
q − ½ = (1 − h)(½ − ε) − h(φ − ½) and h = σ + χ·(min(1, σ/f) − σ)); the slow reference here is
bisection on the sign of q − ½ as the core's p_align computes it, and the defaults are worked by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aliquant_core as core
from aliquant_core import fragility
from aliquant_core.quantities import DEFAULTS, QUANTITIES

from .strategies import for_quantity


def margin(**values: float) -> float:
    """q − ½ from the core's p_align (one label: q does not depend on N)."""
    return float(core.p_align(1, **values).label_win_prob) - 0.5


def bisection(name: str, values: dict[str, float], steps: int = 80) -> float:
    """The slow reference: bisection on the sign of the core's q − ½ over ``name``'s range, the
    other values held; NaN where the sign does not change between the range's ends."""
    q = QUANTITIES[name]
    low = math.nextafter(q.low, 1.0) if q.low_open else q.low
    high = math.nextafter(q.high, 0.0) if q.high_open else q.high
    at_low, at_high = margin(**{**values, name: low}), margin(**{**values, name: high})
    if (at_low > 0) == (at_high > 0) and at_low != 0 and at_high != 0:
        return math.nan
    rising = at_high > at_low
    for _ in range(steps):
        mid = 0.5 * (low + high)
        if (margin(**{**values, name: mid}) > 0) == rising:
            high = mid
        else:
            low = mid
    return 0.5 * (low + high)


def test_defaults_by_hand():
    # h = 0.03 + 0.65·(0.6 − 0.03) = 0.4005 at the table's σ, f, χ; φ = 0.8362, ε = 0.1638.
    flips = core.regime_flips(error_rate=0.1638)
    assert str(flips.regime) == "quantity_suffices"
    # ε* = (½ − 0.4005·0.8362)/(1 − 0.4005) = 0.275399...
    assert float(flips.flips["error_rate"]) == pytest.approx(0.27539933, rel=1e-7)
    # h* = (½ − 0.1638)/(0.8362 − 0.1638) = ½ exactly; σ* = ½/(1 + 0.65·19) = 0.0374532,
    # χ* = (½ − 0.03)/0.57 = 0.824561
    assert float(flips.flips["blind_spot"]) == pytest.approx(0.5 / 13.35, rel=1e-9)
    assert float(flips.flips["exploitation"]) == pytest.approx(0.47 / 0.57, rel=1e-9)
    # The figure: "no quantity suffices if exploitation exceeds 0.825" (to three places).
    assert round(float(flips.flips["exploitation"]), 3) == 0.825
    # φ* = ½ + 0.5995·0.3362/0.4005 = 1.0033 > 1: no fooled rate flips it.
    assert math.isnan(flips.flips["fooled_rate"])
    assert flips.beyond["fooled_rate"] == ""
    assert flips.distances["fooled_rate"] == math.inf
    # Nearest on the log-odds scale: logit(0.03745) − logit(0.03) = 0.2296 < f's 0.2379 < ε's 0.663.
    assert str(flips.most_fragile) == "blind_spot"
    assert float(flips.distances["blind_spot"]) == pytest.approx(
        math.log(0.0374532 / (1 - 0.0374532)) - math.log(0.03 / 0.97), rel=1e-5
    )
    assert all(
        flips.beyond[name] == "no_quantity_suffices" for name in ("error_rate", "blind_spot", "footprint")
    )


def test_past_the_flip_the_regime_changes_and_before_it_does_not():
    flips = core.regime_flips(error_rate=0.1638)
    for name in ("error_rate", "blind_spot", "footprint", "exploitation"):
        flip = float(flips.flips[name])
        step = 1e-6 * max(flip, 1e-3)
        rising = flip > float(flips.values[name])
        before, after = (flip - step, flip + step) if rising else (flip + step, flip - step)
        given = {"error_rate": 0.1638, name: before}
        assert str(core.p_align(1, **given).regime) == "quantity_suffices", name
        given[name] = after
        assert str(core.p_align(1, **given).regime) == str(flips.beyond[name]), name


@settings(max_examples=40, deadline=None)
@given(
    eps=for_quantity("error_rate", high=0.49),
    sigma=for_quantity("blind_spot", low=1e-4, high=0.9),
    phi=for_quantity("fooled_rate", low=0.01),
    f=for_quantity("footprint", low=1e-3),
    chi=for_quantity("exploitation", high=0.99),
)
def test_closed_forms_match_bisection_on_the_core_margin(eps, sigma, phi, f, chi):
    values = {"error_rate": eps, "blind_spot": sigma, "fooled_rate": phi, "footprint": f, "exploitation": chi}
    flips = core.regime_flips(**values)
    for name in fragility.FLIPPING:
        got, expected = float(flips.flips[name]), bisection(name, values)
        if math.isnan(got) or math.isnan(expected):
            # Only a root on the range's very end may be found by one and not the other (rounding).
            other = got if math.isnan(expected) else expected
            q = QUANTITIES[name]
            assert math.isnan(other) or min(abs(other - q.low), abs(other - q.high)) < 1e-9, (
                name,
                got,
                expected,
            )
        else:
            assert got == pytest.approx(expected, rel=1e-9, abs=1e-12), name


@settings(max_examples=40, deadline=None)
@given(eps=st.lists(for_quantity("error_rate"), min_size=2, max_size=4), chi=for_quantity("exploitation"))
def test_arrays_agree_with_scalars(eps, chi):
    flips = core.regime_flips(error_rate=np.asarray(eps), exploitation=chi)
    for i, e in enumerate(eps):
        one = core.regime_flips(error_rate=e, exploitation=chi)
        assert str(flips.most_fragile[i]) == str(one.most_fragile)
        for name in fragility.FLIPPING:
            np.testing.assert_equal(flips.flips[name][i], one.flips[name])


def test_with_no_blind_spot_nothing_but_the_error_rate_flips():
    # σ = 0: h = 0, so q − ½ = ½ − ε; only ε = ½ (the range's end) flips it, and no φ, f, χ can.
    flips = core.regime_flips(error_rate=0.2, blind_spot=0.0)
    assert float(flips.flips["error_rate"]) == pytest.approx(0.5)
    for name in ("fooled_rate", "footprint", "exploitation"):
        assert math.isnan(flips.flips[name]), name
    # σ itself still flips: from 0 (log-odds clipped at 1e-6) to where h reaches its h*.
    assert math.isfinite(flips.flips["blind_spot"])


def test_when_no_quantity_suffices_the_flips_say_what_would_rescue_it():
    flips = core.regime_flips(error_rate=0.1638, blind_spot=0.2)
    assert str(flips.regime) == "no_quantity_suffices"
    assert flips.beyond["blind_spot"] == "quantity_suffices"
    assert float(flips.flips["blind_spot"]) < 0.2


def test_out_of_range_input_is_refused_with_the_range():
    with pytest.raises(core.QuantityError, match=r"exploitation.*\[0, 1\]"):
        core.regime_flips(error_rate=0.1, exploitation=1.5)


def test_a_wrong_flip_would_be_caught():
    """The checks above fail for a flip off by a little: shift one and the regime test sees it."""
    flips = core.regime_flips(error_rate=0.1638)
    flip = float(flips.flips["exploitation"]) - 0.01  # a wrong answer
    assert str(core.p_align(1, error_rate=0.1638, exploitation=flip + 1e-6).regime) != "no_quantity_suffices"
    assert DEFAULTS["exploitation"] < flip


def test_the_command_line_reports_the_flips_of_the_binding_class(capsys):
    import json

    from aliquant_core.cli import main

    assert main(["evaluate", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = core.regime_flips(error_rate=DEFAULTS["error_rate"])
    assert data["regime_flips"]["most_fragile"] == str(expected.most_fragile) == "blind_spot"
    assert data["regime_flips"]["flips"]["blind_spot"] == float(expected.flips["blind_spot"])
    assert data["regime_flips"]["flips"]["fooled_rate"] is None  # NaN (no flip in range) is null
    assert main(["evaluate"]) == 0
    out = capsys.readouterr().out
    assert "Most fragile            blind_spot: no quantity suffices above 0.03745 (now 0.03)" in out
    # With the targeted few added they bind, and their flip is reported: footprint 0.03 = σ and
    # χ = 1 give h = σ/0.03, which reaches h* = ½ at σ = 0.015.
    assert main(["evaluate", "--json", "--class", "targeted-few"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["binding"] == data["regime_flips"]["class"] == "targeted few"
    assert data["regime_flips"]["flips"]["blind_spot"] == pytest.approx(0.015)
    assert data["regime_flips"]["beyond"]["blind_spot"] == "quantity_suffices"
