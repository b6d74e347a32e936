"""aliquant_core: probability of outer alignment from the quantity and quality of labels.

A pure NumPy/SciPy core (no I/O, no UI). See :mod:`aliquant_core.model` for the model and its
assumptions, :mod:`aliquant_core.solve` for what it would take to reach a target.
"""

from ._validation import RANGES, describe_range
from .curves import (
    BudgetSplit,
    CheapestProgramme,
    Curve,
    best_split,
    budget_curve,
    budget_split_curve,
    cheapest_programme,
    cost_law_curve,
    cost_law_price,
    pareto_frontier,
    redundancy_curve,
)
from .model import (
    REGIMES,
    AlignmentResult,
    agreement_from_error_rate,
    error_rate_from_agreement,
    p_align,
)
from .programme import (
    Allocation,
    Cost,
    Feasibility,
    MixtureResult,
    Programme,
    feasibility,
    mixture_p_align,
    programme_cost,
    programme_p_align,
    source_cost,
)
from .scenario import (
    SCHEMA_VERSION,
    Assumptions,
    Scenario,
    ScenarioError,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
    scenario_to_json,
)
from .simulate import (
    BradleyTerryResult,
    Estimate,
    SimulationResult,
    bradley_terry_check,
    simulate_mixture,
    simulate_p_align,
    wilson_interval,
)
from .solve import max_blind_spot, max_competitors_log10, max_error_rate, required_labels
from .sources import PRESETS, Source, redundant_error_rate
from .trajectory import DEFAULT_RATES, RATE_NOTES, Trajectory, TrajectoryRates, trajectory

__all__ = [
    "DEFAULT_RATES",
    "PRESETS",
    "RANGES",
    "RATE_NOTES",
    "REGIMES",
    "SCHEMA_VERSION",
    "AlignmentResult",
    "Allocation",
    "Assumptions",
    "BradleyTerryResult",
    "BudgetSplit",
    "CheapestProgramme",
    "Cost",
    "Curve",
    "Estimate",
    "Feasibility",
    "MixtureResult",
    "Programme",
    "Scenario",
    "ScenarioError",
    "SimulationResult",
    "Source",
    "Trajectory",
    "TrajectoryRates",
    "agreement_from_error_rate",
    "best_split",
    "bradley_terry_check",
    "budget_curve",
    "budget_split_curve",
    "cheapest_programme",
    "cost_law_curve",
    "cost_law_price",
    "describe_range",
    "error_rate_from_agreement",
    "feasibility",
    "max_blind_spot",
    "max_competitors_log10",
    "max_error_rate",
    "mixture_p_align",
    "p_align",
    "pareto_frontier",
    "programme_cost",
    "programme_p_align",
    "redundancy_curve",
    "redundant_error_rate",
    "required_labels",
    "scenario_from_dict",
    "scenario_from_json",
    "scenario_to_dict",
    "scenario_to_json",
    "simulate_mixture",
    "simulate_p_align",
    "source_cost",
    "trajectory",
    "wilson_interval",
]

__version__ = "0.1.0"
