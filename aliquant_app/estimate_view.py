"""Your labels: pure helpers of the page that estimates label quality from an uploaded file.

No ``st`` calls: the page (``pages/your_labels.py``) reads the upload and draws. The estimate is
the core's (:func:`aliquant_core.estimate_quality`), cached by the file's bytes. What the page keeps
in Session State (:data:`ESTIMATES_KEY`) is the estimates' plain summary, numbers and provenance,
never the data; a refused file leaves it, and the sidebar, as they were.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aliquant_core import estimate_quality, parse_annotations
from aliquant_core.annotations import MAX_ANNOTATORS, MAX_BYTES, MAX_ROWS
from aliquant_core.quantities import QUANTITIES

from . import uncertainty_view
from .calls import cached_data

__all__ = [
    "APPLIED_KEY",
    "ESTIMATES_KEY",
    "LIMITS_TEXT",
    "LINK_KEYS",
    "estimate_upload",
    "estimates_rows",
    "interval_values",
    "scenario_estimates",
    "sidebar_values",
]

#: Session State entry holding the last accepted file's estimates (a plain dict, see estimate_upload).
ESTIMATES_KEY = "_aliquant_label_estimates"
#: Session State entry holding the estimates put in the sidebar (:func:`scenario_estimates`), which
#: the scenario export writes and a scenario import restores.
APPLIED_KEY = "_aliquant_label_estimates_applied"
#: The page has no controls of its own in the share link (an upload cannot travel in a link).
LINK_KEYS: tuple[str, ...] = ()
LIMITS_TEXT = f"at most {MAX_BYTES / 1e6:g} MB, {MAX_ROWS:,} labels and {MAX_ANNOTATORS:,} annotators"

#: The rows of the estimates table: summary key, what it is.
_ROWS = (
    ("agreement", "Agreement a (pairs of labels on one item)"),
    ("error_rate_from_agreement", "Error rate implied by agreement, (1 − √(2a − 1))/2"),
    ("error_rate", "Error rate ε (one-coin Dawid–Skene, pooled)"),
    ("gold_error_share", "Labels contradicting gold (ε and σ together)"),
    ("gold_majority_wrong", "Gold items whose majority contradicts gold"),
    ("blind_spot", "Blind spot σ (from gold, separated from ε)"),
)


@cached_data(max_entries=4)
def estimate_upload(
    data: bytes, name: str, gold: bytes | None = None, gold_name: str = "gold"
) -> dict[str, Any]:
    """Parse and estimate an uploaded file: the estimates as plain Python, with their provenance.

    Raises :class:`aliquant_core.AnnotationError` (a ``ValueError``) for a file that cannot be read;
    the message names its line and column.
    """
    labels = parse_annotations(data, name=name, gold=gold, gold_name=gold_name)
    result = estimate_quality(labels)
    summary = result.summary()
    for key in ("gold_error_share", "gold_majority_wrong"):
        value = getattr(result, key)
        summary[key] = None if value is None else value.to_dict(json_safe=True)
    summary["quantities"] = result.quantities()
    summary["intervals"] = {key: list(ends) for key, ends in result.intervals().items()}
    summary["annotators"] = [
        {"annotator": who, "labels": int(n), "error rate": round(float(e), 4),
         "low": round(float(lo), 4), "high": round(float(hi), 4)}
        for who, n, e, lo, hi in zip(
            result.annotator_ids, result.annotator_labels, result.annotator_error_rate,
            result.annotator_low, result.annotator_high, strict=True,
        )
    ]  # fmt: skip
    return summary


def estimates_rows(summary: Mapping[str, Any]) -> list[dict[str, str]]:
    """The estimates table: one row per estimate, its value, 90% interval and method."""
    rows = []
    for key, label in _ROWS:
        value = summary.get(key)
        if value is None:
            why = summary["blind_spot_reason"] if key == "blind_spot" else "needs gold items"
            rows.append({"estimate": label, "value": "—", "90% interval": "—", "method": why})
            continue
        rows.append({
            "estimate": label,
            "value": f"{value['value']:.4f}",
            "90% interval": f"{value['low']:.4f} – {value['high']:.4f}",
            "method": value["method"],
        })  # fmt: skip
    return rows


def scenario_estimates(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The estimates as a scenario file's ``estimates`` section holds them: numbers and provenance."""
    return {key: summary[key] for key in _SCENARIO_KEYS if key in summary}


_SCENARIO_KEYS = (
    "provenance", "source", "n_items", "n_labelers", "n_labels", "n_gold", "confidence",
    "agreement", "error_rate_from_agreement", "error_rate", "blind_spot", "blind_spot_reason",
)  # fmt: skip


def _control_value(name: str, value: float) -> float:
    """``value`` as the sidebar's control of ``name`` takes it: inside its bounds, 4 decimals."""
    control = QUANTITIES[name]
    return round(min(control.control_high, max(control.control_low, float(value))), 4)


def sidebar_values(summary: Mapping[str, Any]) -> dict[str, float]:
    """The sidebar's quality from the estimates, by quantity name (σ only where identified)."""
    return {name: _control_value(name, value) for name, value in summary["quantities"].items()}


def interval_values(summary: Mapping[str, Any]) -> dict[str, Any]:
    """The Uncertainty page's controls for each estimated quantity: toggle on, ends from its interval.

    Ends are snapped outwards to the widget's step and kept inside its bounds, with at least one
    step between them.
    """
    values: dict[str, Any] = {}
    for name, (low, high) in summary["intervals"].items():
        spec = uncertainty_view.SPECS[name]
        steps_low = int((low - spec.low) // spec.step)
        steps_high = -int(-(high - spec.low) // spec.step)
        ends = [
            round(min(spec.high, max(spec.low, spec.low + k * spec.step)), 10)
            for k in (steps_low, steps_high)
        ]
        if ends[1] <= ends[0]:
            ends = [max(spec.low, round(ends[1] - spec.step, 10)), ends[1]]
            if ends[1] <= ends[0]:
                ends[1] = round(ends[0] + spec.step, 10)
        values[spec.toggle_key] = True
        if spec.widget == "range":
            values[spec.keys[0]] = (ends[0], ends[1])
        else:
            values[spec.keys[0]], values[spec.keys[1]] = ends
    return values
