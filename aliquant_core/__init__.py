"""aliquant_core: probability of outer alignment from the quantity and quality of labels.

A pure NumPy/SciPy core (no I/O, no UI). See :mod:`aliquant_core.model` for the model and its
assumptions, :mod:`aliquant_core.solve` for what it would take to reach a target.
"""

from ._validation import RANGES, describe_range
from .model import (
    REGIMES,
    AlignmentResult,
    agreement_from_error_rate,
    error_rate_from_agreement,
    p_align,
)
from .solve import max_blind_spot, max_competitors_log10, max_error_rate, required_labels

__all__ = [
    "RANGES",
    "REGIMES",
    "AlignmentResult",
    "agreement_from_error_rate",
    "describe_range",
    "error_rate_from_agreement",
    "max_blind_spot",
    "max_competitors_log10",
    "max_error_rate",
    "p_align",
    "required_labels",
]

__version__ = "0.1.0"
