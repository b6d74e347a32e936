"""Your labels: upload comparison labels, see the label quality they imply, and explore with it.

Each upload is read once, in its uploader's callback (:func:`on_upload`): parsed and estimated
there (:func:`aliquant_app.estimate_view.read_labels`), removed from Streamlit's upload store, and
the uploader drawn again under a new key, empty; Session State keeps the parsed labels and gold
choices and the estimates, never the files. One button sets the sidebar's error rate and blind
spot from the estimates, and turns their 90% intervals on in the Uncertainty page. A file that
cannot be read is refused with its line and column (shown as text), and changes nothing: the
estimates shown and the sidebar keep their values.
"""

from __future__ import annotations

import streamlit as st

from aliquant_app import estimate_view as view
from aliquant_app import scenario_io, state, uncertainty_view
from aliquant_app.formatting import as_text
from aliquant_app.layout import header
from aliquant_app.widgets import arrow_table
from aliquant_core.annotations import MAX_BYTES

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)


def use_estimates(summary: dict) -> None:
    """Button callback: the sidebar's quality from the estimates, their intervals on the Uncertainty page."""
    quality = view.sidebar_values(summary)
    state.set_quality(quality)
    point = {**state.current().as_dict(), **quality}
    defaults = uncertainty_view.interval_defaults({name: point[name] for name in uncertainty_view.SPECS})
    uncertainty_view.INTERVALS.restore(st.session_state, defaults, st.query_params)
    uncertainty_view.INTERVALS.assign(st.session_state, view.interval_values(summary))
    st.session_state[view.APPLIED_KEY] = view.scenario_estimates(summary)


def on_upload(kind: str, key: str) -> None:
    """Uploader callback: read the file once (one byte past the limit is enough to refuse it),
    release it from the upload store, and draw the uploader again, empty, under a new key."""
    upload = st.session_state.get(key)
    if upload is None:
        return
    view.next_upload_key(kind, st.session_state)
    try:
        name, data = upload.name, upload.read(MAX_BYTES + 1)
    finally:
        scenario_io.release_upload(upload)
    view.read_labels(kind, name, data, st.session_state)


def forget_uploads() -> None:
    """Button callback: drop what the uploads were read into (the sidebar's values stay)."""
    for key in (view.INPUTS_KEY, view.ESTIMATES_KEY, view.MESSAGE_KEY):
        st.session_state.pop(key, None)


st.caption(
    "Upload your own pairwise comparison labels to see what they imply about label quality: the "
    "error rate ε and, with items checked by experts (gold), the blind-spot share σ. "
    f"CSV or JSON Lines, {view.LIMITS_TEXT}. One row per label with columns item, annotator and "
    "choice (A/B, 0/1 or chosen/rejected; chosen means A was preferred), optionally a gold column; "
    "or one row per item with a column per annotator. Gold choices may come in a second file "
    "(item and gold columns). Each file is read once and not kept: your session keeps the labels "
    "as parsed (to estimate again when gold choices arrive) and the estimates; the share link and "
    "the scenario file carry only the numbers and where they came from."
)

upload, gold_upload = st.columns(2)
uploaders = ((upload, "labels", "Comparison labels"), (gold_upload, "gold", "Gold choices (optional)"))
for column, kind, label in uploaders:
    key = view.upload_key(kind, st.session_state)
    column.file_uploader(
        label,
        type=["csv", "jsonl", "json", "txt"],
        key=key,
        on_change=on_upload,
        args=(kind, key),
        max_upload_size=int(MAX_BYTES // 1_000_000),
    )
inputs = st.session_state.get(view.INPUTS_KEY) or {}
held = []
if inputs.get("labels") is not None:
    labels = inputs["labels"]
    held.append(f"labels from {as_text(labels.name)} ({labels.n_labels:,} labels, {labels.n_items:,} items)")
if inputs.get("gold") is not None:
    held.append(f"gold choices from {as_text(inputs['gold_name'])} ({len(inputs['gold']):,} items)")
if held:
    note, clear = st.columns([5, 1], vertical_alignment="center")
    note.caption("In use: " + "; ".join(held) + ". A new upload of either replaces it.")
    clear.button(
        "Forget them",
        key="forget_labels",
        on_click=forget_uploads,
        help="Drops the labels, gold choices and estimates read here from your session. What the "
        "sidebar was set to, and the estimates it was set from, stay.",
    )
message = st.session_state.get(view.MESSAGE_KEY)
if message:
    accepted, text = message  # escaped when kept (estimate_view.read_labels)
    if accepted:
        st.success(text, icon=":material/check:")
    else:
        st.error(text, icon=":material/block:")

summary = st.session_state.get(view.ESTIMATES_KEY)
applied = st.session_state.get(view.APPLIED_KEY)
if applied:
    # Also from a share link or a scenario file, without the labels: only the numbers travel.
    # Say so when the sidebar no longer holds them (moved by hand since, or a link without them).
    source = view.estimated_source(applied)
    current = state.current()
    held = source is not None and current.error_rate == source[1] and (
        source[2] is None or current.blind_spot == source[2]
    )
    where = "In the sidebar" if held else "Applied earlier (the sidebar's values differ now)"
    st.markdown(
        f"**{where}: the label quality {as_text(applied['provenance'])}.** The share link and "
        "the scenario export (sidebar, Share and save) carry these estimates and their provenance, "
        "not the labels."
    )
    st.dataframe(arrow_table(view.applied_rows(applied)), hide_index=True, width="stretch")
if summary is None:
    st.info(
        "No labels yet. Try the worked example in the repository: `examples/annotations.csv` with "
        "`examples/gold.csv` (600 items, 12 labelers, drawn with ε = 0.15 and σ = 0.05)."
    )
else:
    st.markdown(f"**{as_text(summary['provenance'][0].upper() + summary['provenance'][1:])}.**")
    st.dataframe(arrow_table(view.estimates_rows(summary)), hide_index=True, width="stretch")
    if summary["blind_spot"] is None:
        st.warning(
            f"σ is {summary['blind_spot_reason']}. The button sets the error rate only; the "
            "sidebar's blind spot stays as it is.",
            icon=":material/visibility_off:",
        )
    st.button(
        "Use these estimates in the sidebar and the Uncertainty page",
        on_click=use_estimates,
        args=(summary,),
        key="use_label_estimates",
        type="primary",
        help="Sets the sidebar's error rate (and blind spot, where estimated) to the estimates, and "
        "turns their 90% intervals on as the Uncertainty page's intervals.",
    )
    with st.expander(f"Per annotator ({len(summary['annotators'])})"):
        st.dataframe(arrow_table(summary["annotators"]), hide_index=True, width="stretch")
    st.caption(
        "How: agreement is the share of agreeing pairs of labels on one item; the error rate is "
        "a one-coin Dawid–Skene fit (each annotator right with their own chance); σ = (μ − ε)/(1 − 2ε), "
        "with μ the share of labels on gold items that contradict gold: under the model's process "
        "(inside a blind spot each labeler is fooled with chance 1 − ε) that is consistent for σ, "
        "while the share of gold items whose majority is wrong is not σ (it counts random majority "
        "errors too). Intervals: bootstrap over items (400 resamples, seed 0). Details: "
        "`aliquant_core.estimate_quality`."
    )

state.check_page_link()
