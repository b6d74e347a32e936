"""Every chart and table of the explorer offers its data as CSV, and every CSV is one clean table.

Each view (a page, or a section of it that is built when opened) is opened headlessly; its Plotly
charts are counted and its download buttons named. Then every CSV the view recorded for its
"Download all" bundle (:mod:`aliquant_app.exports`: the same callables its buttons hold) is built
and checked against the rules of :mod:`aliquant_app.csv_tables` (issue 14, point 5): one table,
unique column names, no duplicate rows, non-finite values written as documented, and cells that
open in a spreadsheet as values, never as formulas.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from aliquant_app import csv_tables, programmes_view

APP = str(Path(__file__).resolve().parent.parent / "app.py")
RUN_KEY = "_aliquant_export_run"  # where exports.share_bar keeps this run's record

SIM = "pages/simulation.py"
#: page, what opens the view (Session State a click sets), a button to press, its charts, its CSV
#: buttons' keys.
VIEWS = [
    ("pages/overview.py", {}, None, 1, ["overview_csv"]),
    ("pages/map.py", {}, None, 1, ["map_csv"]),
    ("pages/programmes.py", {}, None, 1, ["csv_comparison", "csv_budget"]),
    # The cheapest programme: its table (no chart), once searched.
    (
        "pages/programmes.py",
        {"prog_view": programmes_view.SECTIONS["cheapest"]},
        "cheap_go",
        0,
        ["csv_comparison", "csv_cheapest"],
    ),
    (
        "pages/programmes.py",
        {"prog_view": programmes_view.SECTIONS["split"]},
        None,
        1,
        ["csv_comparison", "csv_split"],
    ),
    ("pages/over_time.py", {"trajectory_box": True}, None, 1, ["trajectory_csv"]),
    # Both histograms' data: the quantiles and every draw.
    ("pages/uncertainty.py", {}, None, 2, ["unc_quantiles_csv", "unc_draws_csv"]),
    # The tornado and the Sobol chart share one file.
    ("pages/uncertainty.py", {"unc_view": "Which assumption matters"}, None, 2, ["unc_sensitivity_csv"]),
    (SIM, {}, None, 1, ["sim_formula_csv"]),
    (SIM, {"sim_view": "2. Fixed m against m ~ Binomial(N, f)"}, None, 1, ["sim_binomial_csv"]),
    # The Bradley–Terry learner: its chart and CSV once run (a small run: 50 datasets).
    (
        SIM,
        {"sim_view": "3. A Bradley–Terry reward model against counting", "sim_bt_trials": 50.0},
        "sim_bt_run",
        1,
        ["sim_bt_csv"],
    ),
]


def open_view(page: str, opened: dict, press: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(page)
    for key, value in opened.items():
        at.session_state[key] = value
    at.run()
    if press is not None:
        at.button(key=press).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check_csv(name: str, text: str) -> None:
    """One CSV against the rules of aliquant_app.csv_tables; fails naming the file and the cell."""
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, f"{name}: empty"
    header, body = rows[0], rows[1:]
    # Unique column names, none empty.
    repeated = sorted({c for c in header if header.count(c) > 1})
    assert not repeated, f"{name}: repeated columns {repeated}"
    assert all(header), f"{name}: an unnamed column in {header}"
    # One table: every row as wide as the header (no blank separator rows, no second header).
    for i, row in enumerate(body, start=2):
        assert len(row) == len(header), f"{name}: line {i} has {len(row)} cells under {len(header)} columns"
    # No duplicate rows.
    seen: dict[tuple, int] = {}
    for i, row in enumerate(body, start=2):
        assert tuple(row) not in seen, f"{name}: line {i} repeats line {seen[tuple(row)]}"
        seen[tuple(row)] = i
    for i, row in enumerate(rows, start=1):
        for column, cell in zip(header, row, strict=True):
            where = f"{name}: line {i}, column {column!r}: {cell!r}"
            value = number(cell)
            # Non-finite values as documented (csv_tables.NONFINITE): `inf`, or an empty cell.
            if value is not None and not math.isfinite(value):
                assert cell == "inf", where
            # Opens as a value: a cell a spreadsheet would read as a formula is a finite number.
            if cell.startswith(csv_tables.FORMULA_START):
                assert value is not None, where
                assert math.isfinite(value), where


@pytest.mark.parametrize(("page", "opened", "press", "charts", "csv_keys"), VIEWS)
def test_each_view_offers_its_charts_and_tables_as_clean_csv(page, opened, press, charts, csv_keys):
    at = open_view(page, opened, press)
    assert len(at.get("plotly_chart")) == charts
    buttons = [b for b in at.main.get("download_button") if b.key in csv_keys]
    assert sorted(b.key for b in buttons) == sorted(csv_keys)
    assert all(b.proto.deferred_file_id for b in buttons)  # each written when clicked
    run = at.session_state[RUN_KEY]
    # Every chart drawn is exported with a CSV of its data on the page.
    assert len(run.charts) == charts
    for chart, _ in run.charts.values():
        assert chart.csv_key in run.csvs, chart
    assert sorted(run.csvs) == sorted(csv_keys)
    for key, (file_name, build, about) in run.csvs.items():
        assert file_name.startswith("aliquant_"), file_name
        assert file_name.endswith(".csv"), file_name
        assert about, key  # the bundle's README line
        check_csv(file_name, build())


def test_the_csv_checks_catch_each_fault():
    # Each rule of check_csv fails on a file that breaks it (and passes a clean one).
    check_csv("clean", "labels,p_align,required_labels,name\n1,-0.5,inf,'=x\n2,,inf,a\n")
    faults = {
        "repeated": "labels,labels\n1,2\n",
        "two tables": "a,b\n1,2\n\nstatistic,value\n",
        "duplicate": "a,b\n1,2\n1,2\n",
        "nan": "a,b\n1,nan\n",
        "-inf": "a,b\n1,-inf\n",
        "Infinity": "a,b\n1,Infinity\n",
        "formula": "a,b\n1,=HYPERLINK(\"x\")\n",
        "at": "a,b\n1,@SUM(A1)\n",
        "plus": "a,+b\n1,2\n",
    }
    for what, text in faults.items():
        with pytest.raises(AssertionError):
            check_csv(what, text)


def test_names_from_a_link_cannot_become_formulas():
    # A programme's name comes from the link: a name that a spreadsheet would run is written as text.
    text = csv_tables.csv_text(["programme", "p_align"], [["=cmd|' /C calc'!A0", 0.5], ["-2+3", 1.0]])
    check_csv("names", text)
    assert text.splitlines()[1].startswith("'=cmd")
