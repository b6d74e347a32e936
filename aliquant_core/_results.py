"""What every result object owns: its plain-Python view (``to_dict``), for JSON, caches and CSV."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

__all__ = ["Result", "plain"]


def plain(value: Any, *, json_safe: bool = False) -> Any:
    """``value`` as plain Python: NumPy scalars and arrays to floats, ints, strs and lists.

    Nested results become dicts; tuples become lists. With ``json_safe`` a non-finite float
    becomes None (JSON has no infinity: an infinite required quantity means "unreachable", and the
    caller's documentation says what None stands for).
    """
    if isinstance(value, Result):
        return value.to_dict(json_safe=json_safe)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name), json_safe=json_safe) for f in dataclasses.fields(value)}
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return plain(value[()], json_safe=json_safe)
        return [plain(item, json_safe=json_safe) for item in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if json_safe and not math.isfinite(value) else value
    if isinstance(value, list | tuple):
        return [plain(item, json_safe=json_safe) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v, json_safe=json_safe) for k, v in value.items()}
    return value


class Result:
    """Mixin for the core's frozen result dataclasses: ``to_dict()`` gives every field as plain Python.

    Used by the command line's ``--json``, the explorer's caches and its CSV exports, so no caller
    copies fields out by hand.
    """

    __slots__ = ()

    def to_dict(self, *, json_safe: bool = False) -> dict[str, Any]:
        """Every field by name as plain Python (:func:`plain`); ``json_safe`` maps ±inf and NaN to None."""
        return {
            f.name: plain(getattr(self, f.name), json_safe=json_safe)
            for f in dataclasses.fields(self)  # type: ignore[arg-type]
        }
