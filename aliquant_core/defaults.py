"""The default scenario, derived from :data:`aliquant_core.quantities.QUANTITIES` (kept for imports)."""

from __future__ import annotations

from dataclasses import dataclass

from .quantities import QUANTITIES, names_in

__all__ = ["DEFAULTS", "Default"]


@dataclass(frozen=True)
class Default:
    """A default value and where it comes from (``source`` is a citation or ``"assumption"``)."""

    value: float
    source: str
    note: str


DEFAULTS: dict[str, Default] = {
    name: Default(QUANTITIES[name].default, QUANTITIES[name].source, QUANTITIES[name].note)
    for name in names_in("programme", "quality", "threat", "goal")
    if name != "agreement"
}
