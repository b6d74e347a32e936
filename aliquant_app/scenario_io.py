"""Share link, scenario export and import: the sidebar's "Share and save" box.

The share link is the page's URL with the query string the bound widgets keep. Export writes the
sidebar's assumptions as the core's versioned scenario JSON (:mod:`aliquant_core.scenario`);
import reads one back. A file that the core refuses (invalid JSON, unknown keys, out-of-range
values, a newer version, too large) is reported with the core's message, which names what is
wrong, and nothing the user entered changes. The refusal is the core's one documented error type,
:class:`~aliquant_core.quantities.QuantityError` (``ScenarioError`` is one); the file's name and the
message, which may quote the file, are shown as text (:func:`~aliquant_app.formatting.as_text`), in
one line. Too many sources or programmes are refused the same way.

An upload is read once, in the uploader's callback: its bytes are parsed and dropped, the file is
removed from Streamlit's upload store (which otherwise holds every file a session uploads until
the session ends), and the uploader is drawn again under a new key, empty. What stays is the
assumptions it set. Files a client uploads past the uploader (never read by a run) are dropped
too, beyond each session's newest :data:`MAX_SESSION_UPLOADS`: at the session's next run, and by
a sweeper thread every :data:`SWEEP_SECONDS` (for a client that never runs the page again).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import threading
import time
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any
from urllib.parse import urlencode

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner import get_script_run_ctx

from aliquant_core import PRESETS, scenario
from aliquant_core.quantities import Assumptions, QuantityError
from aliquant_core.scenario import MAX_BYTES, Scenario, scenario_from_json, scenario_to_json

from . import class_controls, estimate_view
from . import state as sidebar
from .formatting import as_text

__all__ = [
    "apply_preset",
    "apply_scenario",
    "export_text",
    "read_upload",
    "release_upload",
    "render",
    "show_message",
]

#: Key of the scenario uploader (the first one of a session; each import draws it again under
#: ``f"{UPLOAD_KEY}_{n}"``, empty, so that nothing holds the file read).
UPLOAD_KEY = "scenario_upload"
_UPLOAD_ROUND_KEY = "_aliquant_upload_round"
_MESSAGE_KEY = "_aliquant_scenario_message"
#: Uploaded files a session may hold in Streamlit's upload store between runs: one being
#: imported, and one more in flight.
MAX_SESSION_UPLOADS = 2

#: Sidebar quantities a scenario file sets: every control but agreement, which a file holds as
#: its error rate.
_QUANTITIES = tuple(name for name in sidebar.CONTROLS if name != "agreement")


def export_text(
    assumptions: Assumptions,
    estimates: Mapping[str, Any] | None = None,
    classes: Sequence[class_controls.Extra] = (),
) -> str:
    """The scenario JSON of the sidebar's values (the core's canonical text), with the estimates
    from the user's labels that set its quality, where there are some (their numbers and provenance),
    and the competitor classes added beside the sidebar's own, where there are some (the sidebar's
    class first)."""
    values = {name: getattr(assumptions, name) for name in _QUANTITIES}
    listed = class_controls.classes_for(values, classes) if classes else ()
    return scenario_to_json(
        Scenario(assumptions=scenario.Assumptions(**values), estimates=estimates, competitor_classes=listed)
    )


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
    # The file's classes are the whole set: its first is the sidebar's (set above), the rest added.
    state[class_controls.EXTRA_KEY] = tuple(
        (c.name[: class_controls.MAX_NAME], c.competitors_log10, c.footprint, c.exploitation)
        for c in read.competitor_classes[1 : 1 + class_controls.MAX_EXTRA]
    )
    note = "Loaded the scenario's assumptions."
    if len(read.competitor_classes) > 1:
        note += f" It has {len(read.competitor_classes)} competitor classes (see Competitor classes)."
    if read.estimates is not None:
        state[estimate_view.APPLIED_KEY] = scenario.scenario_to_dict(read)["estimates"]
        note += f" Their label quality was {read.estimates['provenance']} (see the Your labels page)."
    if unused:
        note += " The sidebar does not hold its " + ", ".join(unused) + "; use them with the command line."
    return True, note


def upload_key(state: MutableMapping[str, Any]) -> str:
    """The scenario uploader's current key (a new one after each import)."""
    round_ = state.get(_UPLOAD_ROUND_KEY, 0)
    return UPLOAD_KEY if round_ == 0 else f"{UPLOAD_KEY}_{round_}"


def _upload_store():
    """This session's id and Streamlit's in-memory upload store, or (None, None)."""
    ctx = get_script_run_ctx()
    store = getattr(ctx, "uploaded_file_mgr", None)
    if ctx is None or not isinstance(store, MemoryUploadedFileManager):
        return None, None
    return ctx.session_id, store


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library, another system)."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def _trim_heap() -> None:
    """Give freed heap memory back to the system after dropping uploaded files.

    A 1 MiB file is allocated on the C heap once glibc has raised its mmap threshold (after the
    first large free), and freeing it leaves the memory with the process: 150 files dropped kept
    the server's RSS 150 MB up (benchmarks/bench_upload_memory.py). About 1 ms; only called when
    files were dropped.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def release_upload(upload) -> None:
    """Drop an uploaded file from Streamlit's upload store (it is read) and close it."""
    session_id, store = _upload_store()
    if store is not None and hasattr(upload, "file_id"):
        store.remove_file(session_id=session_id, file_id=upload.file_id)
    if hasattr(upload, "close"):
        upload.close()


def _drop_stray(store: MemoryUploadedFileManager, session_id: str, keep: int) -> int:
    """Remove ``session_id``'s oldest files in ``store`` beyond the newest ``keep``; how many."""
    files = store.file_storage.get(session_id)  # insertion order: the oldest first
    if not files or len(files) <= keep:
        return 0
    stray = list(files)[: len(files) - keep]
    for file_id in stray:
        store.remove_file(session_id=session_id, file_id=file_id)
    return len(stray)


def drop_stray_uploads(keep: int = MAX_SESSION_UPLOADS) -> int:
    """Remove this session's oldest uploaded files beyond the newest ``keep``; returns how many.

    The uploader's callback releases every file it reads, so a file still stored is one that a
    client sent without a run reading it (Streamlit keeps it until the session ends).
    """
    session_id, store = _upload_store()
    if store is None:
        return 0
    dropped = _drop_stray(store, session_id, keep)
    if dropped:
        _trim_heap()
    return dropped


def sweep_uploads(store: Any, keep: int = MAX_SESSION_UPLOADS) -> int:
    """:func:`drop_stray_uploads` for every session in ``store`` (Streamlit's upload store)."""
    if not isinstance(store, MemoryUploadedFileManager):
        return 0
    dropped = sum(_drop_stray(store, session_id, keep) for session_id in list(store.file_storage))
    if dropped:
        _trim_heap()
    return dropped


#: Seconds between sweeps of the upload store by the server's sweeper thread.
SWEEP_SECONDS = 10.0
_sweeper_lock = threading.Lock()
_sweeper: threading.Thread | None = None


def _sweep_forever() -> None:
    while True:
        time.sleep(SWEEP_SECONDS)
        if Runtime.exists():
            try:
                sweep_uploads(Runtime.instance().uploaded_file_mgr)
            except Exception:  # never let the sweeper die; the next sweep tries again
                logging.getLogger(__name__).exception("sweeping uploaded files failed")


def start_upload_sweeper() -> None:
    """Start, once per server process, a thread that sweeps the upload store every few seconds.

    A client that sends files and never runs the page again (or disconnects: Streamlit keeps a
    closed session, and its files, for two minutes) is not reached by the per-run sweep.
    """
    global _sweeper
    with _sweeper_lock:
        if _sweeper is None or not _sweeper.is_alive():
            _sweeper = threading.Thread(target=_sweep_forever, name="aliquant-upload-sweeper", daemon=True)
            _sweeper.start()


def read_upload(upload: Any, state: MutableMapping[str, Any]) -> None:
    """Apply an uploaded file (``name`` and ``read()``) to ``state`` and keep the message to show.

    The file is read once (one byte past :data:`MAX_BYTES` is enough to refuse it) and released.
    The message is kept as Markdown already escaped (:func:`~aliquant_app.formatting.as_text`): the
    file's name and the core's message, which may quote the file's text, are the user's, and shown
    as typed (a name such as ``[click](https://x)`` is not a link).
    """
    try:
        name = upload.name
        content = upload.read(MAX_BYTES + 1)
    finally:
        release_upload(upload)
    applied, message = apply_scenario(content, state)
    text = message if applied else f"Could not read {name}: {message}. Nothing was changed."
    state[_MESSAGE_KEY] = (applied, as_text(text))


def _on_upload(key: str) -> None:
    state = st.session_state
    upload = state.get(key)
    if upload is None:
        return
    # The next run draws an empty uploader under a new key; the old widget's state (this file) is
    # dropped at the end of that run, as the widget is not drawn again.
    state[_UPLOAD_ROUND_KEY] = state.get(_UPLOAD_ROUND_KEY, 0) + 1
    read_upload(upload, state)


def show_message() -> None:
    """The last import's outcome, one line (success or error), if there is one."""
    message = st.session_state.get(_MESSAGE_KEY)
    if message:
        applied, text = message
        (st.success if applied else st.error)(text)


def share_link() -> str:
    """This page's URL with the current query string (None-safe outside a browser)."""
    base = st.context.url or ""
    # Every value of a repeated key (one per competitor class), which to_dict() would drop.
    query = urlencode([(key, value) for key in st.query_params for value in st.query_params.get_all(key)])
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
    start_upload_sweeper()
    drop_stray_uploads()
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
            data=export_text(
                assumptions, st.session_state.get(estimate_view.APPLIED_KEY), class_controls.current()
            ),
            file_name="aliquant-scenario.json",
            mime="application/json",
            key="scenario_export",
            icon=":material/download:",
            width="stretch",
            help="The versioned scenario file of aliquant_core.scenario; the command line reads it with "
            "--scenario, and Import below reads it back.",
        )
        key = upload_key(st.session_state)
        st.file_uploader(
            "Import scenario",
            type=["json"],
            key=key,
            on_change=_on_upload,
            args=(key,),
            max_upload_size=1,
            help="A scenario JSON file (at most 1 MB). A file that cannot be read is refused with the "
            "reason, and nothing you entered changes.",
        )
        show_message()
