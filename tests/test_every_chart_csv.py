"""Every chart of the explorer offers its data as CSV (issue: "Each chart's data downloads as CSV").

Each view (a page, or a section of it that is built when opened) is opened headlessly; its Plotly
charts are counted and its download buttons named. The learner's chart appears only after its
Run button, so it is checked in tests/test_pages_uncertainty_simulation.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app import programmes_view

APP = str(Path(__file__).resolve().parent.parent / "app.py")

#: page, what opens the view (Session State a click sets), its charts, its CSV buttons' keys.
VIEWS = [
    ("pages/overview.py", {}, 1, ["overview_csv"]),
    ("pages/map.py", {}, 1, ["map_csv"]),
    ("pages/programmes.py", {}, 1, ["csv_budget"]),
    ("pages/programmes.py", {"prog_view": programmes_view.SECTIONS["split"]}, 1, ["csv_split"]),
    ("pages/over_time.py", {"trajectory_box": True}, 1, ["trajectory_csv"]),
    # Both histograms' data: the quantiles and every draw.
    ("pages/uncertainty.py", {}, 2, ["unc_quantiles_csv", "unc_draws_csv"]),
    # The tornado and the Sobol chart share one file.
    ("pages/uncertainty.py", {"unc_view": "Which assumption matters"}, 2, ["unc_sensitivity_csv"]),
    ("pages/simulation.py", {}, 1, ["sim_formula_csv"]),
    ("pages/simulation.py", {"sim_view": "2. Fixed m against m ~ Binomial(N, f)"}, 1, ["sim_binomial_csv"]),
]


@pytest.mark.parametrize(("page", "opened", "charts", "csv_keys"), VIEWS)
def test_each_view_offers_its_charts_data_as_csv(page, opened, charts, csv_keys):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(page)
    for key, value in opened.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception
    assert len(at.get("plotly_chart")) == charts
    buttons = [b for b in at.main.get("download_button") if b.key in csv_keys]
    assert sorted(b.key for b in buttons) == sorted(csv_keys)
    assert all(b.proto.deferred_file_id for b in buttons)  # each written when clicked
