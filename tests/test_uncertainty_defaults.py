"""The Uncertainty page's default intervals and its tornado are about the sidebar's scenario.

Issue #14 point 9: the default intervals contain the sidebar's values, and the "which assumption
matters" chart is centred on the sidebar's P_align (the Overview's headline), not on the medians.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import aliquant_core as core
from aliquant_app import uncertainty_view as view
from aliquant_core.quantities import DEFAULTS, QUANTITIES

from .strategies import for_quantity

#: Any value the sidebar's widgets can hold (a footprint below its widget's 0.0001 cannot be set).
POINTS = st.fixed_dictionaries(
    {
        name: for_quantity(name, low=QUANTITIES[name].control_low, high=QUANTITIES[name].control_high)
        for name in view.SPECS
    }
)


@settings(max_examples=300, deadline=None)
@given(point=POINTS)
def test_every_default_interval_contains_the_sidebar_s_value(point):
    for name, spec in view.SPECS.items():
        low, high = view.model_interval(name, view.default_widget_value(name, point))
        x = point[name]
        # Labels are shown as log10 N on a 0.05 grid; a value below 1 label sits at the axis's end.
        if name == "labels":
            assert low <= max(x, 1.0) * (1 + 1e-9), (name, x)
            assert high >= max(x, 1.0) * (1 - 1e-9), (name, x)
        else:
            assert low - 1e-12 <= x <= high + 1e-12, (name, x, low, high, spec.step)


def test_the_tornado_is_centred_on_the_headline():
    point = {name: DEFAULTS[name] for name in (*view.SPECS, "target")}
    intervals = tuple(
        (name, *view.model_interval(name, view.default_widget_value(name, point)))
        for name, spec in view.SPECS.items()
        if spec.default_on
    )
    swings = view.run_tornado(intervals, tuple(point.items()))
    headline = float(core.p_align(**{k: point[k] for k in view.SPECS}).p_align)
    assert swings["base"] == headline  # 0.9039 at the defaults (tests/test_app.py)
    # The error rate has a bar of its own: ε over its default interval moves P_align.
    (bar,) = [b for b in swings["bars"] if b["name"] == "error_rate"]
    assert bar["swing"] > 0.5
    model = {k: v for k, v in point.items() if k != "target"}
    at_low = core.p_align(**{**model, "error_rate": bar["low"]}).p_align
    assert np.isclose(bar["p_align_at_low"], float(at_low))
