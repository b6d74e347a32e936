"""Your labels: pure helpers of the page that estimates label quality from an uploaded file.

No ``st`` calls: the page (``pages/your_labels.py``) draws. An upload is read once, in its
uploader's callback (:func:`read_labels`): the labels file is parsed into
:class:`aliquant_core.Annotations` and a gold file into its gold choices, both kept in
:data:`INPUTS_KEY` (so a gold file that comes after the labels, or a second one, is applied without
reading the labels again), never the bytes. The estimate is computed there, once, and its plain
summary kept in :data:`ESTIMATES_KEY`; a refused file leaves both, and the sidebar, as they were.

The estimates put in the sidebar (:data:`APPLIED_KEY`) travel in the scenario file and in the
share link, as numbers and provenance, not data: one link key, :data:`LINK_KEY`, holds them in
a short text (:func:`link_text`) that :func:`read_link` parses strictly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, MutableMapping
from typing import Any

from aliquant_core import (
    AnnotationError,
    Annotations,
    estimate_quality,
    estimates_provenance,
    parse_annotations,
    parse_gold,
    with_gold,
)
from aliquant_core.annotations import MAX_ANNOTATORS, MAX_BYTES, MAX_ROWS
from aliquant_core.estimate import BOOTSTRAP, LINEARISED, NO_GOLD_REASON
from aliquant_core.quantities import QUANTITIES, QuantityError
from aliquant_core.scenario import Scenario

from . import uncertainty_view
from .calls import cached_data
from .formatting import as_text
from .linked import leave_to_page, link_values, write_link_values
from .widgets import quote

__all__ = [
    "APPLIED_KEY",
    "ESTIMATES_KEY",
    "INPUTS_KEY",
    "LIMITS_TEXT",
    "LINK_KEY",
    "LINK_KEYS",
    "MESSAGE_KEY",
    "SOURCE_NAME",
    "UPLOAD_KEYS",
    "applied_rows",
    "estimate_upload",
    "estimated_source",
    "estimates_rows",
    "interval_values",
    "link_text",
    "read_labels",
    "read_link",
    "restore_link",
    "scenario_estimates",
    "sidebar_values",
    "summarise",
    "upload_key",
    "write_link",
]

#: Session State entry holding the last accepted file's estimates (a plain dict, see summarise).
ESTIMATES_KEY = "_aliquant_label_estimates"
#: Session State entry holding the estimates put in the sidebar (:func:`scenario_estimates`), which
#: the scenario export writes, a scenario import restores, and the share link carries (:data:`LINK_KEY`).
APPLIED_KEY = "_aliquant_label_estimates_applied"
#: Session State entry holding what the uploads were parsed into: ``labels`` (an
#: :class:`~aliquant_core.Annotations`, without the gold file's choices), ``gold`` (item → choice)
#: and ``gold_name``. Never the files' bytes.
INPUTS_KEY = "_aliquant_label_inputs"
#: Session State entry holding the last upload's outcome: (accepted, Markdown already escaped).
MESSAGE_KEY = "_aliquant_label_message"
#: Session State entry counting each uploader's rounds (each upload draws it again, empty).
_ROUND_KEY = "_aliquant_label_upload_round"
#: The two uploaders' first keys, by kind.
UPLOAD_KEYS = {"labels": "labels_upload", "gold": "gold_upload"}
#: The share-link key of the applied estimates.
LINK_KEY = "est"
#: The page's link keys: the applied estimates, read at a session's first run whatever the page
#: (:func:`restore_link`, from the sidebar), so judged here, not by the page's link check.
LINK_KEYS: tuple[str, ...] = (LINK_KEY,)
leave_to_page(LINK_KEYS)
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


def summarise(labels: Annotations) -> dict[str, Any]:
    """The estimates of ``labels`` as plain Python, with their provenance (no labels)."""
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


@cached_data(max_entries=4)
def estimate_upload(
    data: bytes, name: str, gold: bytes | None = None, gold_name: str = "gold"
) -> dict[str, Any]:
    """Parse and estimate a file's content in one step (:func:`summarise`), as the CLI does.

    Raises :class:`aliquant_core.AnnotationError` (a ``ValueError``) for a file that cannot be read;
    the message names its line and column.
    """
    return summarise(parse_annotations(data, name=name, gold=gold, gold_name=gold_name))


def upload_key(kind: str, state: Mapping[str, Any]) -> str:
    """The current key of the uploader of ``kind`` (``labels`` or ``gold``): a new one after each upload."""
    round_ = (state.get(_ROUND_KEY) or {}).get(kind, 0)
    return UPLOAD_KEYS[kind] if round_ == 0 else f"{UPLOAD_KEYS[kind]}_{round_}"


def next_upload_key(kind: str, state: MutableMapping[str, Any]) -> None:
    """Move the uploader of ``kind`` to a new key (in its callback: the next run draws it empty)."""
    rounds = dict(state.get(_ROUND_KEY) or {})
    rounds[kind] = rounds.get(kind, 0) + 1
    state[_ROUND_KEY] = rounds


def read_labels(kind: str, name: str, data: bytes, state: MutableMapping[str, Any]) -> bool:
    """Read an uploaded file's content into ``state``: parsed, estimated, the bytes not kept.

    ``kind`` is ``labels`` (a file of comparison labels) or ``gold`` (gold choices). The labels are
    kept parsed, without the gold file's choices, so a gold file applied later (or replaced) needs
    no second read; the estimate is recomputed from them. A refused file changes nothing but the
    message, which names the file, line and column. The message (:data:`MESSAGE_KEY`) is kept as
    Markdown already escaped (:func:`~aliquant_app.formatting.as_text`): the file's name and the
    core's message, which may quote the file, are the user's. Returns whether it was accepted.
    """
    inputs = dict(state.get(INPUTS_KEY) or {})
    try:
        if kind == "labels":
            inputs["labels"] = parse_annotations(data, name=name)
        else:
            inputs["gold"], inputs["gold_name"] = parse_gold(data, name=name), name
        labels = inputs.get("labels")
        summary = None
        if labels is not None:
            gold = inputs.get("gold")
            summary = summarise(labels if gold is None else with_gold(labels, gold))
    except (AnnotationError, ValueError) as error:
        state[MESSAGE_KEY] = (False, as_text(f"{name} refused; nothing was changed. {error}"))
        return False
    state[INPUTS_KEY] = inputs
    if kind == "labels":
        note = f"Read {name}: {labels.n_labels:,} labels on {labels.n_items:,} items."
    else:
        note = f"Read {name}: gold choices for {len(inputs['gold']):,} items."
        note += " Upload the labels to estimate." if labels is None else ""
    if summary is not None:
        state[ESTIMATES_KEY] = summary
    state[MESSAGE_KEY] = (True, as_text(note))
    return True


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


#: The name of the labelling source estimated from the user's labels (the Programmes page's sources).
SOURCE_NAME = "Your labels"


def estimated_source(applied: Mapping[str, Any] | None) -> tuple[str, float, float | None, str] | None:
    """The labelling source the applied estimates make, as numbers (``aliquant_app.calls.EstimatedSource``).

    ``(name, error rate, blind spot, provenance)``: ε and σ as the sidebar takes them (4 decimals,
    inside its bounds), σ None where not identified (the core then takes the table's default, as
    an assumption). None without applied estimates.
    """
    if not applied or not isinstance(applied.get("error_rate"), Mapping):
        return None
    blind_spot = applied.get("blind_spot")
    return (
        SOURCE_NAME,
        _control_value("error_rate", applied["error_rate"]["value"]),
        _control_value("blind_spot", blind_spot["value"]) if isinstance(blind_spot, Mapping) else None,
        str(applied["provenance"]),
    )


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


# --- the share link -------------------------------------------------------------------------------

#: The link form's version, its first field.
_LINK_VERSION = "1"
#: Longest link text (as any link value, :data:`aliquant_app.state.MAX_LINK_VALUE`).
_LINK_MAX = 100
#: Most characters of the labels file's name kept in the link (the rest of the text is at most 76).
_LINK_NAME = 24
_COUNTS = ("n_items", "n_labelers", "n_labels", "n_gold")
_LINK_FIELDS = 13  # version, 4 counts, confidence, ε and its ends, σ and its ends, file name
_WHOLE = re.compile(r"\d{1,9}")
_NUMBER = re.compile(r"-?(?:\d+|\d*\.\d{1,6})")
_SIGMA_METHOD = BOOTSTRAP + " (with the ε above)"


def _short_number(value: float) -> str:
    """``value`` to 4 decimals, without a leading zero: ``.1422``, ``-.0123``, ``1``."""
    text = f"{float(value):.4f}".rstrip("0").rstrip(".")
    text = text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text
    return "0" if text in ("", "-", "-0") else text


def _short_name(name: str) -> str:
    """A file name of at most :data:`_LINK_NAME` characters: a long one keeps its end (its extension)."""
    name = " ".join(str(name).split())
    return name if len(name) <= _LINK_NAME else "…" + name[-(_LINK_NAME - 1) :]


def link_text(applied: Mapping[str, Any] | None) -> str | None:
    """The applied estimates as the share link holds them, or None when there are none.

    Thirteen fields joined by ``_``: the form's version (``1``); items, labelers, labels and gold
    items; the confidence in percent; ε and its interval's ends; σ and its ends (empty when not
    identified); the labels file's name (last, at most 24 characters). Numbers have 4 decimals,
    as the sidebar takes them; a count the record lacks is empty. At most 100 characters.

    >>> link_text({"source": "a.csv", "n_items": 600, "n_labelers": 12, "n_labels": 1800,
    ...            "n_gold": 0, "confidence": 0.9, "blind_spot": None,
    ...            "error_rate": {"value": 0.14220386, "low": 0.1278, "high": 0.15988}})
    '1_600_12_1800_0_90_.1422_.1278_.1599____a.csv'
    """
    if not applied or not isinstance(applied.get("error_rate"), Mapping):
        return None
    counts = ["" if applied.get(key) is None else str(int(applied[key])) for key in _COUNTS]
    confidence = applied.get("confidence")
    fields = [_LINK_VERSION, *counts, "" if confidence is None else f"{round(100 * float(confidence), 2):g}"]
    for key in ("error_rate", "blind_spot"):
        value = applied.get(key)
        fields += (
            [_short_number(value[end]) for end in ("value", "low", "high")]
            if isinstance(value, Mapping)
            else ["", "", ""]
        )
    fields.append(_short_name(applied.get("source") or ""))
    return "_".join(fields)


def _provenance(source: str, counts: Mapping[str, int | None]) -> str:
    if all(counts[key] is not None for key in _COUNTS):
        return estimates_provenance(source, *(counts[key] for key in _COUNTS))
    said = {"n_items": "items", "n_labelers": "labelers", "n_labels": "labels", "n_gold": "gold items"}
    given = [f"{counts[k]:,} {said[k]}" for k in _COUNTS if counts[k] is not None]
    return ", ".join([f"estimated from {source}", *given])


def read_link(text: str) -> dict[str, Any]:
    """The applied estimates from the link's text (:func:`link_text`); ``ValueError`` with the reason.

    Strict: exactly the thirteen fields, whole numbers where counts go, plain decimals where
    estimates go, ε in [0, 0.5] and every interval's ends ordered in [0, 1] (then the scenario
    file's own check of an estimates section, :class:`aliquant_core.Scenario`).
    """
    if len(text) > _LINK_MAX:
        raise ValueError(f"longer than {_LINK_MAX} characters")
    fields = text.split("_", _LINK_FIELDS - 1)
    if len(fields) != _LINK_FIELDS or fields[0] != _LINK_VERSION:
        raise ValueError("not estimates in the link's form (1_items_labelers_labels_gold_…)")
    counts: dict[str, int | None] = {}
    for key, raw in zip(_COUNTS, fields[1:5], strict=True):
        if raw and not _WHOLE.fullmatch(raw):
            raise ValueError(f"{key} is not a whole number")
        counts[key] = int(raw) if raw else None
    confidence: dict[str, float] = {}
    if fields[5]:
        if not _NUMBER.fullmatch(fields[5]) or not 0 < float(fields[5]) < 100:
            raise ValueError("the confidence is not a percentage in (0, 100)")
        confidence["confidence"] = float(fields[5]) / 100
    estimates = {}
    parts = (("error_rate", fields[6:9], LINEARISED), ("blind_spot", fields[9:12], _SIGMA_METHOD))
    for key, raw, method in parts:
        if key == "blind_spot" and raw == ["", "", ""]:
            estimates[key] = None
            continue
        if not all(_NUMBER.fullmatch(part) for part in raw):
            raise ValueError(f"{key} is not three numbers (estimate, low, high)")
        value, low, high = (float(part) for part in raw)
        if not (0 <= low <= high <= 1 and math.isfinite(value) and -1 <= value <= 1):
            raise ValueError(f"{key}: its interval is not ordered inside [0, 1]")
        if key == "error_rate" and not 0 <= value <= 0.5:
            raise ValueError("error_rate is outside [0, 0.5]")
        estimates[key] = {"value": value, "low": low, "high": high, "method": method}
    source = fields[12].strip()
    if not source:
        raise ValueError("no file name")
    record = {
        "provenance": _provenance(source, counts),
        "source": source,
        **{key: value for key, value in counts.items() if value is not None},
        **confidence,
        **estimates,
        "blind_spot_reason": ""
        if estimates["blind_spot"] is not None
        else (NO_GOLD_REASON if not counts["n_gold"] else "not identified from these labels"),
    }
    try:
        Scenario(estimates=record)
    except QuantityError as error:
        raise ValueError(str(error)) from None
    return record


def restore_link(state: MutableMapping[str, Any], params: Any) -> list[str]:
    """On a session's first run: the link's applied estimates into ``state``; notes on a refusal.

    ``params`` is ``st.query_params`` or a mapping of key → list of values. A value that
    :func:`read_link` refuses is noted (for the link note) and nothing is applied.
    """
    values = link_values(params, LINK_KEY)
    if not values:
        return []
    try:
        state[APPLIED_KEY] = read_link(values[-1])
    except ValueError as reason:
        return [f"{quote(LINK_KEY)}={quote(values[-1])}: {reason}; no estimates from labels were applied"]
    return []


def write_link(state: Mapping[str, Any], params: Any) -> None:
    """Make the link's :data:`LINK_KEY` hold the applied estimates (:func:`link_text`), or be absent.

    Only a change is written (each write sends the browser a message).
    """
    wanted = link_text(state.get(APPLIED_KEY))
    write_link_values(params, LINK_KEY, None if wanted is None else [wanted])


def applied_rows(applied: Mapping[str, Any]) -> list[dict[str, str]]:
    """The applied estimates' table (as :func:`estimates_rows`): those the record holds."""
    return [row for row in estimates_rows({"blind_spot_reason": "", **applied}) if row["value"] != "—"
            or row["estimate"] == _ROWS[-1][1]]  # fmt: skip
