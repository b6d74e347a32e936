"""Input checks shared by the public functions: one message format, naming the valid range."""

from __future__ import annotations

import numpy as np

from ._math import error_rate_from_agreement

#: name → (lowest, highest, lowest excluded, highest excluded), as in the model brief.
RANGES: dict[str, tuple[float, float, bool, bool]] = {
    "labels": (0.0, 1e12, False, False),
    "error_rate": (0.0, 0.5, False, False),
    "agreement": (0.5, 1.0, False, False),
    "blind_spot": (0.0, 1.0, False, False),
    "footprint": (0.0, 1.0, True, False),
    "exploitation": (0.0, 1.0, False, False),
    "competitors_log10": (0.0, 300.0, False, False),
    "prior_bits": (0.0, 1000.0, False, False),
    "target": (0.0, 1.0, True, True),
}


def describe_range(name: str) -> str:
    """The valid range of ``name`` in interval notation, e.g. ``(0, 1]``."""
    low, high, low_open, high_open = RANGES[name]
    bounds = ", ".join(f"{bound:g}".replace("e+", "e") for bound in (low, high))
    return f"{'(' if low_open else '['}{bounds}{')' if high_open else ']'}"


def check_range(name: str, value, *, whole: bool = False) -> np.ndarray:
    """Return ``value`` as a float array, or raise ValueError naming ``name`` and its range."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in {describe_range(name)}; got {value!r}") from None
    low, high, low_open, high_open = RANGES[name]
    with np.errstate(invalid="ignore"):
        below = array <= low if low_open else array < low
        above = array >= high if high_open else array > high
        bad = ~np.isfinite(array) | below | above
    if np.any(bad):
        first = array[bad].flat[0] if array.ndim else array
        raise ValueError(f"{name} must be in {describe_range(name)}; got {first:g}")
    if whole and np.any(array != np.floor(array)):
        first = array[array != np.floor(array)].flat[0] if array.ndim else array
        raise ValueError(f"{name} must be a whole number in {describe_range(name)}; got {first:g}")
    return array


def resolve_error_rate(error_rate, agreement) -> np.ndarray:
    """The error rate from exactly one of ``error_rate`` and ``agreement``."""
    if (error_rate is None) == (agreement is None):
        raise ValueError("give exactly one of error_rate (in [0, 0.5]) and agreement (in [0.5, 1])")
    if agreement is not None:
        return error_rate_from_agreement(check_range("agreement", agreement))
    return check_range("error_rate", error_rate)
