"""Regime flips (aliquant_core.fragility): each assumption's value at which q = ½.

The reference is the closed form, derived by hand from the model brief's
q − ½ = (1 − h)(½ − ε) − h(φ − ½) and h = σ + χ·(min(1, σ/f) − σ) (see regime_flips' Notes); the
core finds the flips by bisection on the sign of the margin it computes.
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


def _h(sigma, f, chi):
    return sigma + chi * (min(1.0, sigma / f) - sigma)


def closed_form(eps, sigma, phi, f, chi):
    """The flips by hand, NaN where none lies in the quantity's range."""
    h = _h(sigma, f, chi)
    out = {}
    out["error_rate"] = (0.5 - h * phi) / (1 - h) if h < 1 else math.nan
    out["fooled_rate"] = 0.5 + (1 - h) * (0.5 - eps) / h if h > 0 else math.nan
    h_star = (0.5 - eps) / (phi - eps) if phi != eps else math.nan
    denominator = min(1.0, sigma / f) - sigma
    out["exploitation"] = (h_star - sigma) / denominator if denominator > 0 else math.nan
    # σ: on the piece σ ≤ f, h = σ(1 + χ(1/f − 1)); on σ ≥ f, h = χ + σ(1 − χ).
    sigma_low = h_star / (1 + chi * (1 / f - 1))
    sigma_high = (h_star - chi) / (1 - chi) if chi < 1 else math.nan
    out["blind_spot"] = sigma_low if 0 <= sigma_low <= f else sigma_high if f <= sigma_high <= 1 else math.nan
    # f (for f ≥ σ): h = σ(1 − χ) + χσ/f.
    rest = h_star - sigma * (1 - chi)
    f_star = chi * sigma / rest if rest > 0 else math.nan
    out["footprint"] = f_star if sigma <= f_star <= 1 else math.nan
    for name, value in out.items():
        q = QUANTITIES[name]
        if not (q.low <= value <= q.high):
            out[name] = math.nan
    return out


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


@settings(max_examples=150, deadline=None)
@given(
    eps=for_quantity("error_rate", high=0.49),
    sigma=for_quantity("blind_spot", low=1e-4, high=0.9),
    phi=for_quantity("fooled_rate", low=0.01),
    f=for_quantity("footprint", low=1e-3),
    chi=for_quantity("exploitation", high=0.99),
)
def test_bisection_matches_the_closed_form(eps, sigma, phi, f, chi):
    flips = core.regime_flips(
        error_rate=eps, blind_spot=sigma, fooled_rate=phi, footprint=f, exploitation=chi
    )
    expected = closed_form(eps, sigma, phi, f, chi)
    for name, value in expected.items():
        got = float(flips.flips[name])
        if math.isnan(value) or math.isnan(got):
            # Only at the very end of a range may one find a flip the other does not (a root on the
            # boundary, to rounding).
            other = got if math.isnan(value) else value
            assert (
                math.isnan(other)
                or min(abs(other - QUANTITIES[name].low), abs(other - QUANTITIES[name].high)) < 1e-9
            ), (name, got, value)
        else:
            assert got == pytest.approx(value, rel=1e-9, abs=1e-12), name


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
