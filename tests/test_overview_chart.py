"""The Overview's chart redrawn from a drawn chart's dict is the chart alignment_curve draws.

``overview_view.chart`` draws the first chart of each shape with ``alignment_curve`` (Plotly, about
50 ms) and later ones by replacing six traces' data in that chart's dict (under 1 ms). The
reference is the slow, obviously correct path: ``alignment_curve`` itself, for the same
arguments; the two must serialise to the same JSON, byte for byte (what the browser receives).
"""

from __future__ import annotations

import collections
import itertools
import logging

import pytest

import aliquant_core as core
from aliquant_app import calls
from aliquant_app import overview_view as ov
from aliquant_core.quantities import Assumptions

THREAT = dict(Assumptions().threat)


def _settings():
    # Error rates from perfect labels to coin flips (unreachable targets: no required-labels
    # marker), programmes below one label to the axis' end, targets from 0.5 to near 1, the
    # agreement input, and a threat with no competitors and no blind spot.
    for error_rate, labels, target in itertools.product(
        (0.0, 0.05, 0.1638, 0.3, 0.5), (0.0, 0.5, 1e5, 1e12), (0.5, 0.9, 0.999999)
    ):
        yield labels, target, {"error_rate": error_rate, **THREAT}
    yield 1e5, 0.9, {"agreement": 0.7, **THREAT}
    yield 2e4, 0.9, {"agreement": 0.9, **THREAT}
    yield 1e5, 0.9, {"error_rate": 0.2, **{**THREAT, "competitors_log10": 0.0, "blind_spot": 0.0}}
    yield 3e6, 0.9, {"error_rate": 0.25, **{**THREAT, "competitors_log10": 5.0, "blind_spot": 0.2}}


def _pinned(labels: float, error_rate: float) -> dict:
    """A pinned A's part of alignment_curve's arguments, as chart() builds it."""
    model = {"error_rate": error_rate, **THREAT}
    result = calls.evaluate(labels, **model)
    return {
        **{k: v for k, v in ov.curve(**model).items() if k in ("labels", "p_align")},
        "programme": (labels, result["p_align"], result["p_misalign"]),
    }


def test_a_redrawn_chart_is_the_chart_alignment_curve_draws():
    templates: dict = {}
    compared = 0
    for (labels, target, model), pinned in itertools.product(
        _settings(), (None, (2e5, 0.12), (5e3, 0.3))
    ):  # each setting alone, and beside a pinned A (two different ones)
        arguments = ov._chart_arguments(labels, target, model, ov.DEFAULT_COST_SOURCE)
        if pinned is not None:
            arguments["versus"] = _pinned(*pinned)
        drawn = ov._draw(arguments).to_dict()
        shape = ov._shape(arguments)
        if shape not in templates:
            templates[shape] = drawn  # drawn for other settings than the ones redrawn from it
            continue
        redrawn = ov._replaced(templates[shape], arguments)
        assert ov._same(redrawn, drawn), (labels, target, model)
        compared += 1
    # Both marker shapes (the required labels shown or not) and several targets were compared.
    assert len({shape[0] for shape in templates}) == 2
    assert len(templates) >= 6
    assert compared >= 3 * 55


@pytest.fixture
def fresh_redraw(monkeypatch):
    monkeypatch.setattr(ov, "_TEMPLATES", collections.OrderedDict())
    monkeypatch.setitem(ov._REDRAW, "on", True)


def _arguments(error_rate: float) -> dict:
    return ov._chart_arguments(1e5, 0.9, {"error_rate": error_rate, **THREAT}, ov.DEFAULT_COST_SOURCE)


def test_charts_are_redrawn_once_the_first_redraw_matched(fresh_redraw):
    first = ov._redrawn(**_arguments(0.16))  # drawn: the shape's template
    second = ov._redrawn(**_arguments(0.17))  # redrawn, and checked against alignment_curve
    third = ov._redrawn(**_arguments(0.18))  # redrawn only
    assert ov._REDRAW["on"]
    assert "_objects" not in first.__dict__
    assert "_objects" not in second.__dict__
    assert third.__dict__["_objects"] is False  # a DrawnFigure.from_spec, no Plotly objects yet
    assert ov._same(third.to_dict(), ov._draw(_arguments(0.18)).to_dict())
    # Reading its attributes builds them from the dict, once.
    names = [trace.name for trace in third.data]
    assert "this programme" in names
    assert third.__dict__["_objects"] is True
    assert isinstance(third, calls.DrawnFigure)
    assert third.to_dict()["data"][0]["name"] == names[0]


def test_a_redraw_that_differs_from_alignment_curve_turns_redrawing_off(fresh_redraw, monkeypatch, caplog):
    # As if alignment_curve had gained a trace that depends on the model and that _REDRAWN does
    # not replace: here the programme's marker is left out of _REDRAWN.
    monkeypatch.setattr(ov, "_REDRAWN", {k: v for k, v in ov._REDRAWN.items() if k != "this programme"})
    ov._redrawn(**_arguments(0.16))
    with caplog.at_level(logging.WARNING, logger=ov.__name__):
        checked = ov._redrawn(**_arguments(0.17))
    assert not ov._REDRAW["on"]
    assert "differs" in caplog.text
    for figure, rate in ((checked, 0.17), (ov._redrawn(**_arguments(0.18)), 0.18)):
        assert "_objects" not in figure.__dict__  # drawn by alignment_curve
        assert ov._same(figure.to_dict(), ov._draw(_arguments(rate)).to_dict())


def test_each_tolerance_is_solved_again_only_when_what_it_reads_changes(monkeypatch):
    # The error rate's own tolerance does not read the error rate: moving it re-solves the other two.
    solved = collections.Counter()
    for name in ("max_error_rate", "max_blind_spot", "max_competitors_log10"):
        original = getattr(core, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            solved[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(core, name, counting)
    for function in (ov.tolerances, ov._max_error_rate, ov._max_blind_spot, ov._max_competitors_log10):
        function.clear()
    target, labels = 0.9, 123_457.0  # values no other test uses
    results = [ov.tolerances(target, labels, error_rate=rate, **THREAT) for rate in (0.15, 0.16)]
    assert solved == {"max_error_rate": 1, "max_blind_spot": 2, "max_competitors_log10": 2}
    # The same numbers as the core's, called directly.
    others = {k: v for k, v in THREAT.items() if k != "blind_spot"}
    assert results[1]["max_error_rate"] == float(core.max_error_rate(target, labels, **THREAT))
    assert results[1]["max_blind_spot"] == float(core.max_blind_spot(target, labels, 0.16, **others))
