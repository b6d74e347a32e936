"""The first version's figures, reproduced by the fooled rate φ = 1 − ε (issue #17, point 1).

The first version of the model tied the chance that a label inside a blind spot prefers the worse
behaviour to 1 − ε; φ is now its own quantity, and φ = 1 − ε must give back every figure the first
version gave, to rounding. Each expected value below is the first version's output (commit
14a37b2, the last before φ) for the same call without ``fooled_rate``, printed by this file's
``__main__`` block run against that commit::

    git worktree add /tmp/old 14a37b2
    PYTHONPATH=/tmp/old python tests/test_first_version.py

which calls exactly :func:`cases` below (``fooled_rate`` is passed only where the core has it).
Only quantities the first version solved for at a fixed ε are compared: its ``max_error_rate``
moved φ with ε, which the new solver (φ held) answers a different question about; see
:func:`test_the_first_versions_max_error_rate_is_a_fixed_point`. Mixtures are compared where all
sources share one ε: φ is one threat quantity shared by every source, so sources of different ε
had different implicit fooled rates in the first version, which φ cannot express.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import aliquant_core as core

#: The first version's default threat (no fooled rate), as in commit 14a37b2's table.
DEFAULT_THREAT = {
    "blind_spot": 0.03,
    "footprint": 0.05,
    "exploitation": 0.65,
    "competitors_log10": 20.0,
    "prior_bits": 0.0,
}
DEFAULT_ERROR = 0.1638
DEFAULT_LABELS = 100_000.0

#: Single-source scenarios: (labels, ε, threat). The defaults, issue #17's h = 0.543 case (f = 1,
#: χ = 0, so h = σ; m = 5,000) at four error rates, the knife-edge h = ½, a blind spot the
#: competitor fills (χ = 1, σ/f > ½), redundancy-sized numbers, and no blind spot.
SINGLE = [
    (DEFAULT_LABELS, DEFAULT_ERROR, DEFAULT_THREAT),
    (30_000.0, DEFAULT_ERROR, DEFAULT_THREAT),
    *[
        (5000.0, e, {"blind_spot": 0.543, "footprint": 1.0, "exploitation": 0.0, "competitors_log10": 0.0})
        for e in (0.0, 0.1, 0.3, 0.45)
    ],
    (1000.0, 0.2, {"blind_spot": 0.5, "footprint": 1.0, "exploitation": 0.0, "competitors_log10": 3.0}),
    (2e6, 0.05, {"blind_spot": 0.02, "footprint": 0.03, "exploitation": 1.0, "competitors_log10": 40.0}),
    (1e5, 0.3, {"blind_spot": 0.01, "footprint": 0.2, "exploitation": 0.4, "competitors_log10": 100.0,
                "prior_bits": 50.0}),
    (500.0, 0.25, {"blind_spot": 0.0, "footprint": 0.5, "exploitation": 0.7, "competitors_log10": 2.0}),
]  # fmt: skip

#: Mixtures of sources that share one ε (labels, ε, σ per source, redundancy per source, aggregation).
#: "oracle" is what the first version called "weighted" (Nitzan–Paroush weights from q_s, renamed
#: by commit 766936d when reliability weights took the name); the __main__ block asks the first
#: version for it under its old name.
MIXTURES = [
    ([20_000.0, 3000.0], 0.16, [0.03, 0.015], [1, 3], "pooled"),
    ([20_000.0, 3000.0], 0.16, [0.03, 0.015], [1, 3], "oracle"),
    ([50_000.0, 10_000.0], 0.2, [0.05, 0.01], [3, 5], "oracle"),
    ([40_000.0], 0.25, [0.02], [5], "pooled"),
]

#: Compared fields: the probabilities and the tails that carry their accuracy near 1.
FIELDS = ("p_align", "p_misalign", "p_align_lower_bound", "p_single", "single_failure",
          "log10_single_failure", "label_win_prob")  # fmt: skip


def _phi(error_rate, has_phi):
    """The first version's fooled rate, passed where the core has the quantity."""
    return {"fooled_rate": 1.0 - error_rate} if has_phi else {}


def cases(has_phi: bool) -> dict[str, list[float]]:
    """Every compared figure, by name, from the aliquant_core on the path."""
    out: dict[str, list[float]] = {}
    for i, (labels, eps, threat) in enumerate(SINGLE):
        result = core.p_align(labels, eps, **threat, **_phi(eps, has_phi))
        out[f"single{i}"] = [float(getattr(result, name)) for name in FIELDS]
        out[f"required{i}"] = [float(core.required_labels(0.9, eps, **threat, **_phi(eps, has_phi)))]
        others = {k: v for k, v in threat.items() if k != "blind_spot"}
        out[f"max_blind_spot{i}"] = [
            float(core.max_blind_spot(0.9, labels, eps, **others, **_phi(eps, has_phi)))
        ]
        out[f"max_competitors{i}"] = [
            float(
                core.max_competitors_log10(
                    0.9,
                    labels,
                    eps,
                    **{k: v for k, v in threat.items() if k != "competitors_log10"},
                    **_phi(eps, has_phi),
                )
            )
        ]
    for i, (labels, eps, sigma, r, aggregation) in enumerate(MIXTURES):
        result = core.mixture_p_align(
            labels,
            [eps] * len(labels),
            sigma,
            redundancy=r,
            aggregation=aggregation if has_phi else {"oracle": "weighted"}.get(aggregation, aggregation),
            method="exact",
            footprint=0.05,
            exploitation=0.6,
            competitors_log10=5.0,
            **_phi(eps, has_phi),
        )
        out[f"mixture{i}"] = [float(getattr(result, name)) for name in FIELDS[:-1]]
        out[f"mixture{i}"] += [float(q) for q in result.label_win_prob]
    # The trajectory of the default scenario under the default rates (φ held at 1 − ε).
    t = core.trajectory(labels=DEFAULT_LABELS, error_rate=DEFAULT_ERROR, target=0.9, **DEFAULT_THREAT,
                        **_phi(DEFAULT_ERROR, has_phi))  # fmt: skip
    out["trajectory_p_align"] = [float(x) for x in t.p_align]
    out["trajectory_required"] = [float(x) for x in t.required_labels]
    return out


NAN, INF = math.nan, math.inf
#: The first version's figures (commit 14a37b2; printed by this file's __main__ block, see the module notes).
FIRST_VERSION = {
    "single0": [
        0.9038711368606905,
        0.09612886313930952,
        0.8989315235286723,
        1.0,
        1.0106847647132682e-21,
        -20.9953842809014,
        0.5669038000000001,
    ],
    "required0": [99890.0],
    "max_blind_spot0": [0.030003365197681476],
    "max_competitors0": [20.018062168394234],
    "single1": [
        0.0,
        1.0,
        0.0,
        0.99999990295171,
        9.704828995884602e-08,
        -7.013012112701996,
        0.5669038000000001,
    ],
    "required1": [99890.0],
    "max_blind_spot1": [0.023991763410191425],
    "max_competitors1": [6.035689979121063],
    "single2": [
        5.571841830714135e-10,
        0.9999999994428158,
        5.571841830714115e-10,
        5.571841830714115e-10,
        0.9999999994428158,
        -2.419820161790995e-10,
        0.45699999999999996,
    ],
    "required2": [INF],
    "max_blind_spot2": [0.49093835309526385],
    "max_competitors2": [NAN],
    "single3": [
        5.567980917798287e-07,
        0.9999994432019083,
        5.567980917798287e-07,
        5.567980917798287e-07,
        0.9999994432019083,
        -2.4181440611514615e-07,
        0.4656,
    ],
    "required3": [INF],
    "max_blind_spot3": [0.48867294136907974],
    "max_competitors3": [NAN],
    "single4": [
        0.007486204254775566,
        0.9925137957452245,
        0.007486204254775566,
        0.007486204254775566,
        0.9925137957452245,
        -0.0032634479155931443,
        0.4828,
    ],
    "required4": [INF],
    "max_blind_spot4": [0.47734588273815964],
    "max_competitors4": [NAN],
    "single5": [
        0.2715630063923013,
        0.7284369936076986,
        0.2715630063923013,
        0.2715630063923013,
        0.7284369936076986,
        -0.13760800671055512,
        0.49570000000000003,
    ],
    "required5": [INF],
    "max_blind_spot5": [0.40938353095263846],
    "max_competitors5": [NAN],
    "single6": [9.332636185028584e-302, 1.0, 0.0, 0.5, 0.5, -0.30102999566398114, 0.5],
    "required6": [INF],
    "max_blind_spot6": [0.4026533184139114],
    "max_competitors6": [NAN],
    "single7": [0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.3499999999999999],
    "required7": [INF],
    "max_blind_spot7": [0.014083627629322814],
    "max_competitors7": [NAN],
    "single8": [1.0, 0.0, 1.0, 1.0, 0.0, -676.3390405720979, 0.6896],
    "required8": [12493.0],
    "max_blind_spot8": [0.1256754929314356],
    "max_competitors8": [690.4132182427898],
    "single9": [
        0.9999999999999988,
        1.2027290480003667e-15,
        0.9999999999999988,
        1.0,
        1.2027290480003649e-17,
        -16.91983219993534,
        0.75,
    ],
    "required9": [65.0],
    "max_blind_spot9": [0.1806854657273377],
    "max_competitors9": [15.942510087428175],
    "mixture0": [
        0.9999999992670169,
        7.329831278365882e-10,
        0.9999999992670169,
        0.9999999999999927,
        7.32983128105219e-15,
        -14.13490602188702,
        0.5870400000000001,
        0.770914176,
    ],
    "mixture1": [
        0.9999999999999958,
        4.225027848830386e-15,
        0.9999999999999958,
        1.0,
        4.225027848830387e-20,
        -19.37417042409807,
        0.5870400000000001,
        0.770914176,
    ],
    "mixture2": [
        1.0,
        9.078051505080752e-81,
        1.0,
        1.0,
        9.07805150508067e-86,
        -85.04200735758029,
        0.40496,
        0.83244416,
    ],
    "mixture3": [
        1.0,
        5.873565408216225e-73,
        1.0,
        1.0,
        5.873565408216172e-78,
        -77.23109819056704,
        0.699828125,
    ],
    "trajectory_p_align": [0.9038711368606905, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    "trajectory_required": [99890.0, 327969.0, 5302350.0, INF, INF, INF, INF, INF, INF, INF, INF],
}

#: Every figure of :func:`cases` with the fooled rate φ = 1 − ε, computed once for the tests.
_NOW: dict[str, list[float]] = {}


def _now():
    if not _NOW:
        _NOW.update(cases(has_phi=True))
    return _NOW


@pytest.mark.parametrize("name", sorted(FIRST_VERSION))
def test_fooled_rate_one_minus_error_rate_reproduces_the_first_version(name):
    # Expected: the first version's output (FIRST_VERSION) for the same call. Measured agreement
    # when this test was written: at most 5.4e-16 relative (max_blind_spot at 1e5 labels, ε = 0.3).
    np.testing.assert_allclose(_now()[name], FIRST_VERSION[name], rtol=1e-12, atol=0, equal_nan=True)


def test_the_comparison_sees_the_fooled_rate():
    # The check above can fail: at the table's fooled rate (0.8362, not 1 − ε) issue #17's case
    # h = 0.543, ε = 0.45 no longer gives the first version's P₁ = 0.2716 (noisier labelers
    # helping), nor ε = 0 its 5.57e-10, nor the defaults' 30,000-label P₁ its figure.
    changed = {}
    for i in (2, 5):
        labels, eps, threat = SINGLE[i]
        changed[f"single{i}"] = [float(getattr(core.p_align(labels, eps, **threat), n)) for n in FIELDS]
    # The two halves of the case differ in the first version by the noise alone: P₁ rose 5e8-fold.
    assert FIRST_VERSION["single5"][3] / FIRST_VERSION["single2"][3] > 1e8
    for name, values in changed.items():
        with pytest.raises(AssertionError):
            np.testing.assert_allclose(values, FIRST_VERSION[name], rtol=1e-12, atol=0, equal_nan=True)
    # And at φ fixed, ε = 0.45 is now worse than ε = 0 (P₁ never rises with ε at fixed φ).
    assert changed["single5"][3] <= changed["single2"][3]


#: The first version's max_error_rate(0.9, N) at the default threat (commit 14a37b2), by N.
FIRST_MAX_ERROR_RATE = {1e5: 0.16395179814872207, 1e6: 0.3933052706657726}


@pytest.mark.parametrize(("labels", "answer"), sorted(FIRST_MAX_ERROR_RATE.items()))
def test_the_first_versions_max_error_rate_is_a_fixed_point(labels, answer):
    # The first version moved φ = 1 − ε with ε, so its solver answered a different question from
    # today's (φ held). Its answer ε* is where P_align(ε*, φ = 1 − ε*) = P*; holding φ at 1 − ε*,
    # today's solver must find the same ε* (P_align falls with ε at fixed φ, so it is the only
    # crossing). Measured: 0.16395179814872213 against 0.16395179814872207 at 1e5.
    found = core.max_error_rate(0.9, labels, fooled_rate=1.0 - answer, **DEFAULT_THREAT)
    assert float(found) == pytest.approx(answer, rel=1e-12, abs=0)


def test_the_first_versions_max_error_rate_of_one_half_is_gone():
    # Issue #17: at h = 0.543 the first version's max_error_rate answered ½ for a P₁ of 0.1 (more
    # noise only helped there; 14a37b2 prints 0.5). With φ at the table's default it is an error
    # rate below ½: P₁(ε = 0.1204) = 0.1 with labels fooled 83.62% of the time inside blind spots.
    threat = SINGLE[2][2]
    found = float(core.max_error_rate(0.1, 5000.0, **threat))
    assert found < 0.5
    assert float(core.p_align(5000.0, found, **threat).p_single) == pytest.approx(0.1, rel=1e-9)


if __name__ == "__main__":
    import json

    print(json.dumps(cases("fooled_rate" in core.DEFAULTS), indent=1))
