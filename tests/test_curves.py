"""Quality–quantity curves, the best budget split, the cheapest programme, Pareto frontiers."""

import numpy as np
import pytest

from aliquant_core import p_align, required_labels
from aliquant_core.curves import (
    best_split,
    budget_curve,
    budget_split_curve,
    cheapest_programme,
    cost_law_curve,
    cost_law_price,
    pareto_frontier,
    redundancy_curve,
)
from aliquant_core.programme import Allocation, Programme, mixture_p_align, programme_p_align
from aliquant_core.quantities import DEFAULTS, THREAT, QuantityError
from aliquant_core.sources import PRESETS, redundant_error_rate, redundant_fooled_rate

MODEL = {"footprint": 0.05, "exploitation": 0.3, "competitors_log10": 20.0, "prior_bits": 0.0}
CROWD, EXPERT, JUDGE = PRESETS["crowdworkers"], PRESETS["experts"], PRESETS["ai_judge"]


def test_budget_split_curve_ends_are_single_sources():
    budget = 30_000.0
    curve = budget_split_curve(CROWD, EXPERT, budget, points=11, **MODEL)
    # Share 0: everything on the expert, ⌊30000/5⌋ = 6000 items; share 1: ⌊30000/0.3⌋ = 100000.
    np.testing.assert_array_equal(curve.labels[0], [0, 6000])
    np.testing.assert_array_equal(curve.labels[-1], [100_000, 0])
    assert curve.p_align[0] == float(
        p_align(6000, EXPERT.error_rate, blind_spot=EXPERT.blind_spot, **MODEL).p_align
    )
    assert curve.p_align[-1] == float(
        p_align(100_000, CROWD.error_rate, blind_spot=CROWD.blind_spot, **MODEL).p_align
    )
    assert np.all(curve.dollars <= budget + 1e-9)


def test_redundancy_curve_spends_the_budget_on_fewer_better_items():
    curve = redundancy_curve(PRESETS["contractors"], 30_000.0, redundancies=(1, 3, 9), **MODEL)
    # $1 a label: ⌊30000/r⌋ = 30000, 10000 and 3333 items.
    np.testing.assert_array_equal(curve.labels[:, 0], [30_000, 10_000, 3333])
    fooled = DEFAULTS["fooled_rate"]
    for r, n, p in zip((1, 3, 9), (30_000, 10_000, 3333), curve.p_align, strict=True):
        # The brief: a majority of r votes errs with ε_r outside blind spots and is fooled with φ_r
        # inside (the same majority formula). At r = 9 the two differ in the answer: 0 with φ_r,
        # 0.96 had the vote kept the single labeler's φ.
        eps = redundant_error_rate(PRESETS["contractors"].error_rate, r)
        phi = redundant_fooled_rate(fooled, r)
        assert p == pytest.approx(
            float(
                p_align(
                    n, eps, blind_spot=PRESETS["contractors"].blind_spot, **{**MODEL, "fooled_rate": phi}
                ).p_align
            )
        )


def test_cost_law_price_by_hand():
    # c(ε) = c_ref ((½ − ε)/(½ − ε_ref))^γ; contractors: c_ref = $1 at ε_ref = 0.16385. At ε = 0,
    # γ = 2: (0.5/0.33615)² = 2.2124 dollars (by hand: 0.5/0.336155 = 1.48741, squared 2.21239).
    ref = PRESETS["contractors"]
    assert cost_law_price(ref.error_rate, ref, 2.0) == pytest.approx(1.0)
    assert cost_law_price(0.0, ref, 2.0) == pytest.approx((0.5 / (0.5 - ref.error_rate)) ** 2)
    curve = cost_law_curve(ref, 1000.0, error_rates=[0.0, ref.error_rate], **MODEL)
    np.testing.assert_array_equal(
        curve.labels[:, 0], [np.floor(1000 / (0.5 / (0.5 - ref.error_rate)) ** 2), 1000]
    )


def test_budget_curve_scales_a_programme():
    programme = Programme((Allocation(CROWD, 1000), Allocation(EXPERT, 100)))  # $300 + $500 = $800
    curve = budget_curve(programme, [800.0, 8000.0], **MODEL)
    np.testing.assert_array_equal(curve.labels, [[1000, 100], [10000, 1000]])
    np.testing.assert_allclose(curve.dollars, [800.0, 8000.0])
    assert curve.p_align[0] == float(programme_p_align(programme, **MODEL).p_align)


@pytest.mark.parametrize("aggregation", ["pooled", "weighted"])
@pytest.mark.parametrize(("a", "b", "budget"), [(CROWD, EXPERT, 20_000.0), (JUDGE, EXPERT, 3_000.0)])
def test_best_split_against_brute_force(a, b, budget, aggregation):
    # Brute force: every share on a grid of 2,001, each evaluated with the same core.
    shares = np.linspace(0, 1, 2001)
    labels = np.stack(
        [np.floor(shares * budget / a.cost_per_label), np.floor((1 - shares) * budget / b.cost_per_label)], -1
    )
    brute = mixture_p_align(
        labels, [a.error_rate, b.error_rate], [a.blind_spot, b.blind_spot], aggregation=aggregation, **MODEL
    ).p_align
    split = best_split(a, b, budget, aggregation=aggregation, **MODEL)
    assert split.p_align >= brute.max() - 1e-9
    assert 0.0 <= split.share_a <= 1.0
    # Its reported labels are what that share buys, and its P_align is theirs.
    again = mixture_p_align(
        [split.labels_a, split.labels_b],
        [a.error_rate, b.error_rate],
        [a.blind_spot, b.blind_spot],
        aggregation=aggregation,
        **MODEL,
    )
    assert split.p_align == pytest.approx(float(again.p_align), abs=1e-15)


def test_cheapest_programme_against_brute_force_over_single_sources():
    sources = [CROWD, PRESETS["contractors"], EXPERT, JUDGE]
    target = 0.9
    answer = cheapest_programme(target, sources, redundancies=(1, 3, 5), **MODEL)
    # Brute force over single sources: required items × r × price for every source and r, each
    # labeler's ε and φ voted by a majority of r (ε_r and φ_r, the brief's redundancy rule).
    fooled = DEFAULTS["fooled_rate"]
    brute = min(
        float(
            required_labels(
                target,
                redundant_error_rate(s.error_rate, r),
                blind_spot=s.blind_spot,
                **{**MODEL, "fooled_rate": redundant_fooled_rate(fooled, r)},
            )
        )
        * r
        * s.cost_per_label
        for s in sources
        for r in (1, 3, 5)
    )
    assert answer.dollars <= brute + 1e-9
    assert answer.programme is not None
    reached = programme_p_align(answer.programme, **MODEL)
    assert float(reached.p_align) >= target
    assert answer.p_align >= target
    # Candidates are sorted cheapest first and include every single-source option.
    costs = [c for _, c in answer.candidates]
    assert costs == sorted(costs)
    assert len([n for n, _ in answer.candidates if "per item" in n]) == len(sources) * 3


def test_cheapest_programme_when_nothing_reaches():
    # Blind spots everywhere (χ = 1 and σ ≥ f put h at 1 for every source): q < ½, so nothing reaches.
    answer = cheapest_programme(0.9, [CROWD, JUDGE], footprint=0.01, exploitation=1.0, competitors_log10=5.0)
    assert answer.programme is None
    assert answer.dollars == np.inf


def test_pareto_frontier_by_hand():
    cost = [5.0, 1.0, 3.0, 2.0, 3.0, 6.0]
    p = [0.9, 0.2, 0.5, 0.6, 0.8, 0.85]
    # Cheapest first: 1 (0.2), 2 (0.6), 3 at 0.8 beats 3 at 0.5, 5 (0.9); 6 (0.85) is dominated by 5.
    np.testing.assert_array_equal(pareto_frontier(cost, p), [1, 3, 4, 0])


def test_threat_keywords_default_to_the_table_and_are_checked():
    # Expected: the same curve with every shared threat quantity given at the table's default.
    table = {name: DEFAULTS[name] for name in THREAT if name != "blind_spot"}
    plain = budget_split_curve(CROWD, EXPERT, 30_000.0, points=5)
    explicit = budget_split_curve(CROWD, EXPERT, 30_000.0, points=5, **table)
    np.testing.assert_array_equal(plain.p_align, explicit.p_align)
    with pytest.raises(QuantityError, match=r"footprint must be in \(0, 1\]; got 0"):
        best_split(CROWD, EXPERT, 1000.0, footprint=0.0)
    # Each source carries its own blind spot, so one for the whole curve is refused, as is a stranger.
    with pytest.raises(TypeError, match="blind_spot is each source's own"):
        redundancy_curve(CROWD, 1000.0, blind_spot=0.1)
    with pytest.raises(TypeError, match="colour"):
        cheapest_programme(0.9, [CROWD], colour=1.0)


def test_rows_and_allocation_rows_are_plain_views():
    curve = redundancy_curve(PRESETS["contractors"], 9000.0, redundancies=(1, 3), **MODEL)
    rows = curve.rows()
    assert [row["redundancy"] for row in rows] == [1.0, 3.0]
    assert rows[1] == {
        "redundancy": 3.0,
        "labels": [3000.0],
        "dollars": float(curve.dollars[1]),
        "labeler_hours": float(curve.labeler_hours[1]),
        "calendar_weeks": float(curve.calendar_weeks[1]),
        "p_align": float(curve.p_align[1]),
        "p_align_lower_bound": float(curve.p_align_lower_bound[1]),
        "regime": str(curve.regime[1]),
    }
    answer = cheapest_programme(0.9, [CROWD, EXPERT], redundancies=(1,), mixes=False, **MODEL)
    assert answer.allocation_rows() == [
        {"source": a.source.name, "labels": a.labels, "redundancy": a.redundancy}
        for a in answer.programme.allocations
    ]
    nothing = cheapest_programme(0.9, [CROWD, JUDGE], footprint=0.01, exploitation=1.0, competitors_log10=5.0)
    assert nothing.allocation_rows() is None
