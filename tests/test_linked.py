"""The linked store (aliquant_app.linked): values kept apart from their widgets, and in the link.

Plain dicts stand in for Session State and the query string, so each rule is checked without a
page; the pages' own tests (test_page_programmes.py, test_pages_uncertainty_simulation.py) check
the same rules through AppTest.
"""

from __future__ import annotations

import doctest

from hypothesis import given
from hypothesis import strategies as st

from aliquant_app import linked, widgets
from aliquant_app.linked import Field, LinkedStore, link_number, read_flag, read_number, read_range

STORE = LinkedStore(
    "_store",
    [
        Field("n", read_number(0, 1e12), lambda v: [link_number(v)]),
        Field("r", read_number(1, 25, whole=True), lambda v: [link_number(v)]),
        Field("on", read_flag, lambda v: ["true" if v else "false"]),
        Field("span", read_range(0, 1), lambda v: [link_number(x) for x in v]),
    ],
)
DEFAULTS = {"n": 1000.0, "r": 1.0, "on": False, "span": (0.25, 0.75)}


def test_doctests():
    assert doctest.testmod(linked).failed == 0
    assert doctest.testmod(widgets).failed == 0


def test_first_restore_takes_usable_link_values_and_notes_the_rest():
    state = {}
    link = {"n": ["5000"], "r": ["30"], "on": ["true"], "span": ["0.1"]}
    restored = STORE.restore(state, DEFAULTS, link)
    assert restored.values == {"n": 5000.0, "r": 1.0, "on": True, "span": (0.25, 0.75)}
    assert len(restored.notes) == 2
    assert "`r`=`30`: outside [1, 25]; kept the default 1" in restored.notes
    assert "`span`=`0.1`: not two numbers (low and high); kept the default 0.25, 0.75" in restored.notes
    # Later runs read the store, not the link.
    again = STORE.restore(state, DEFAULTS, {"n": ["7"]})
    assert again.values["n"] == 5000.0
    assert again.notes == []


def test_unset_fields_follow_their_defaults_and_set_ones_stay():
    state = {}
    STORE.restore(state, DEFAULTS, None)
    STORE.assign(state, {"n": 42.0})
    moved = {**DEFAULTS, "n": 1.0, "span": (0.5, 0.6)}
    values = STORE.restore(state, moved).values
    assert values["n"] == 42.0  # set: kept
    assert values["span"] == (0.5, 0.6)  # not set: followed the default
    STORE.forget(state, ["n"])
    assert STORE.restore(state, moved).values["n"] == 1.0


def test_hidden_fields_go_back_to_defaults_and_a_link_value_for_one_is_noted():
    state = {}
    restored = STORE.restore(state, DEFAULTS, {"r": ["3"]}, hidden={"r": "not shown"})
    assert restored.values["r"] == 1.0
    assert restored.notes == ["`r`=`3`: not shown"]
    STORE.assign(state, {"r": 5.0})
    assert STORE.restore(state, DEFAULTS, hidden={"r": "not shown"}).values["r"] == 1.0


def test_mount_seeds_missing_widgets_and_moves_stale_ones():
    state = {"n": 3.0, "r": 2.0}
    STORE.mount(state, {**DEFAULTS, "r": 2.0}, ["n", "r", "on"])
    assert state == {"n": 1000.0, "r": 2.0, "on": False}


def test_link_holds_exactly_the_values_off_their_defaults_and_writes_only_changes():
    class Params(dict):
        writes = 0

        def __setitem__(self, key, value):
            type(self).writes += 1
            super().__setitem__(key, value)

    params = Params({"n": ["5"], "other": ["x"]})
    values = {**DEFAULTS, "r": 3.0, "span": (0.1, 0.9)}
    wanted = STORE.wanted_link(values, DEFAULTS)
    assert wanted == {"r": ["3"], "span": ["0.1", "0.9"]}
    STORE.write_link(params, wanted)
    assert dict(params) == {"other": ["x"], "r": ["3"], "span": ["0.1", "0.9"]}
    writes = Params.writes
    STORE.write_link(params, wanted)  # nothing changed: nothing written
    assert Params.writes == writes


@given(
    n=st.floats(0, 1e12, allow_nan=False),
    r=st.integers(1, 25),
    on=st.booleans(),
    low=st.floats(0, 1),
    high=st.floats(0, 1),
)
def test_every_value_reads_back_from_its_link_text(n, r, on, low, high):
    values = {"n": n, "r": float(r), "on": on, "span": (low, high)}
    for key, field in STORE.fields.items():
        assert field.read(field.write(values[key])) == values[key]
