"""Input checks shared by the public functions, derived from the table of quantities."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ._math import error_rate_from_agreement
from .quantities import QUANTITIES, QuantityError, describe_range

__all__ = ["check_range", "resolve_error_rate"]


def check_range(name: str, value, *, whole: bool = False) -> np.ndarray:
    """Return ``value`` as a float array, or raise QuantityError naming ``name`` and its range.

    ``whole`` asks for whole numbers where the table does not (labels drawn one by one).
    """
    quantity = QUANTITIES[name]
    return (replace(quantity, whole=True) if whole else quantity).check(value)


def resolve_error_rate(error_rate, agreement) -> np.ndarray:
    """The error rate from exactly one of ``error_rate`` and ``agreement``."""
    if (error_rate is None) == (agreement is None):
        raise QuantityError(
            f"give exactly one of error_rate (in {describe_range('error_rate')}) and agreement "
            f"(in {describe_range('agreement')})"
        )
    if agreement is not None:
        return error_rate_from_agreement(check_range("agreement", agreement))
    return check_range("error_rate", error_rate)
