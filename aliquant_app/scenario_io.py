"""Share link, scenario export and import: the sidebar's "Share and save" box.

The share link is the page's URL with the query string the bound widgets keep. Export writes the
sidebar's assumptions as the core's versioned scenario JSON (:mod:`aliquant_core.scenario`);
import reads one back. A file that the core refuses (invalid JSON, unknown keys, out-of-range
values, a newer version, too large) is reported with the core's message, which names what is
wrong, and nothing the user entered changes. The refusal is the core's one documented error type,
:class:`~aliquant_core.quantities.QuantityError` (``ScenarioError`` is one); the file's name and the
message, which may quote the file, are shown as text (:func:`~aliquant_app.formatting.as_text`), in
one line.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from aliquant_core import PRESETS, scenario
from aliquant_core.quantities import Assumptions, QuantityError
from aliquant_core.scenario import MAX_BYTES, Scenario, scenario_from_json, scenario_to_json

from . import estimate_view
from . import state as sidebar
from .formatting import as_text

__all__ = ["apply_preset", "apply_scenario", "export_text", "read_upload", "render", "show_message"]

UPLOAD_KEY = "scenario_upload"
_MESSAGE_KEY = "_aliquant_scenario_message"

#: Sidebar quantities a scenario file sets: every control but agreement, which a file holds as
#: its error rate.
_QUANTITIES = tuple(name for name in sidebar.CONTROLS if name != "agreement")


def export_text(assumptions: Assumptions, estimates: Mapping[str, Any] | None = None) -> str:
    """The scenario JSON of the sidebar's values (the core's canonical text), with the estimates
    from the user's labels that set its quality, where there are some (their numbers and provenance)."""
    values = {name: getattr(assumptions, name) for name in _QUANTITIES}
    return scenario_to_json(Scenario(assumptions=scenario.Assumptions(**values), estimates=estimates))


def apply_scenario(content: bytes, state: MutableMapping[str, Any]) -> tuple[bool, str]:
    """Read scenario bytes into ``state`` (the widgets' values); nothing changes if refused.

    Returns whether it was applied and a message for the user.
    """
    if len(content) > MAX_BYTES:
        return False, f"the file is over {MAX_BYTES // 1_000_000} MB; a scenario is a few kB"
    try:
        read = scenario_from_json(content)
    except QuantityError as error:  # the one documented refusal (ScenarioError is one): a bad file or value
        return False, str(error)
    for name in _QUANTITIES:
        control = sidebar.CONTROLS[name]
        # A file may hold what the table allows beyond a widget's bounds (footprint below 1e-4).
        value = float(getattr(read.assumptions, name))
        state[name] = min(max(value, control.control_low), control.control_high)
    state[sidebar.USE_AGREEMENT_KEY] = False
    state.pop("agreement", None)
    unused = []
    if read.sources or read.programmes:
        unused.append(f"{len(read.sources)} sources and {len(read.programmes)} programmes")
    if read.trajectory:
        unused.append("trajectory rates")
    if read.uncertainty:
        unused.append("uncertainty intervals")
    note = "Loaded the scenario's assumptions."
    if read.estimates is not None:
        state[estimate_view.APPLIED_KEY] = scenario.scenario_to_dict(read)["estimates"]
        note += f" Their label quality was {read.estimates['provenance']} (see the Your labels page)."
    if unused:
        note += " The sidebar does not hold its " + ", ".join(unused) + "; use them with the command line."
    return True, note


def read_upload(upload: Any, state: MutableMapping[str, Any]) -> None:
    """Apply an uploaded file (``name`` and ``getvalue()``) to ``state`` and keep the message to show.

    The message is kept as Markdown already escaped (:func:`~aliquant_app.formatting.as_text`): the
    file's name and the core's message, which may quote the file's text, are the user's, and shown
    as typed (a name such as ``[click](https://x)`` is not a link).
    """
    applied, message = apply_scenario(upload.getvalue(), state)
    text = message if applied else f"Could not read {upload.name}: {message}. Nothing was changed."
    state[_MESSAGE_KEY] = (applied, as_text(text))


def _on_upload() -> None:
    upload = st.session_state.get(UPLOAD_KEY)
    if upload is not None:
        read_upload(upload, st.session_state)


def show_message() -> None:
    """The last import's outcome, one line (success or error), if there is one."""
    message = st.session_state.get(_MESSAGE_KEY)
    if message:
        applied, text = message
        (st.success if applied else st.error)(text)


def share_link() -> str:
    """This page's URL with the current query string (None-safe outside a browser)."""
    base = st.context.url or ""
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if query else base


PRESET_KEY = "quality_preset"
#: Key of the "Share and save" expander (its open state; not part of the link).
SHARE_BOX_KEY = "share_box"


def apply_preset(name: str, state: MutableMapping[str, Any]) -> None:
    """Set the sidebar's label quality (error rate and blind spot) from a preset source."""
    source = PRESETS[name]
    state["error_rate"] = round(source.error_rate, 4)
    state["blind_spot"] = source.blind_spot
    state[sidebar.USE_AGREEMENT_KEY] = False
    state.pop("agreement", None)


def _on_preset() -> None:
    name = st.session_state.get(PRESET_KEY)
    if name:
        apply_preset(name, st.session_state)
        st.session_state[PRESET_KEY] = None


def render(assumptions: Assumptions) -> None:
    """Draw the preset, share and scenario controls in the sidebar."""
    st.sidebar.selectbox(
        "Fill label quality from a preset",
        options=list(PRESETS),
        index=None,
        format_func=lambda key: (
            f"{PRESETS[key].name} (ε {PRESETS[key].error_rate:.3f}, σ {PRESETS[key].blind_spot:g})"
        ),
        key=PRESET_KEY,
        on_change=_on_preset,
        placeholder="Choose a labelling source…",
        help="Sets the error rate and blind spot to a preset source's (their sources are on the Method "
        "page and in aliquant_core.sources.PRESETS); everything else stays as it is.",
    )
    # Built only while open (a stateful expander): otherwise its link, export and upload would be
    # four more elements in every rerun of every page.
    box = st.sidebar.expander("Share and save", icon=":material/share:", key=SHARE_BOX_KEY, on_change="rerun")
    if not box.open:
        return
    with box:
        st.caption("The link holds every setting: whoever opens it sees these numbers on this page.")
        st.code(share_link(), language=None, wrap_lines=True)
        st.download_button(
            "Export scenario (JSON)",
            data=export_text(assumptions, st.session_state.get(estimate_view.APPLIED_KEY)),
            file_name="aliquant-scenario.json",
            mime="application/json",
            key="scenario_export",
            icon=":material/download:",
            width="stretch",
            help="The versioned scenario file of aliquant_core.scenario; the command line reads it with "
            "--scenario, and Import below reads it back.",
        )
        st.file_uploader(
            "Import scenario",
            type=["json"],
            key=UPLOAD_KEY,
            on_change=_on_upload,
            max_upload_size=1,
            help="A scenario JSON file (at most 1 MB). A file that cannot be read is refused with the "
            "reason, and nothing you entered changes.",
        )
        show_message()
