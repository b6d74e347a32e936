"""Your labels: upload comparison labels, see the label quality they imply, and explore with it.

Reads the upload, calls the core through :func:`aliquant_app.estimate_view.estimate_upload` and
draws. One button sets the sidebar's error rate and blind spot from the estimates, and turns their
90% intervals on in the Uncertainty page. A file that cannot be read is refused with its line and
column, and changes nothing: the estimates shown and the sidebar keep their values.
"""

from __future__ import annotations

import streamlit as st

from aliquant_app import estimate_view as view
from aliquant_app import state, uncertainty_view
from aliquant_app.widgets import arrow_table
from aliquant_core import AnnotationError


def use_estimates(summary: dict) -> None:
    """Button callback: the sidebar's quality from the estimates, their intervals on the Uncertainty page."""
    quality = view.sidebar_values(summary)
    state.set_quality(quality)
    point = {**state.current().as_dict(), **quality}
    defaults = uncertainty_view.interval_defaults({name: point[name] for name in uncertainty_view.SPECS})
    uncertainty_view.INTERVALS.restore(st.session_state, defaults, st.query_params)
    uncertainty_view.INTERVALS.assign(st.session_state, view.interval_values(summary))
    st.session_state[view.APPLIED_KEY] = view.scenario_estimates(summary)


st.subheader("Your labels", anchor=False)
st.caption(
    "Upload your own pairwise comparison labels to see what they imply about label quality: the "
    "error rate ε and, with items checked by experts (gold), the blind-spot share σ. "
    f"CSV or JSON Lines, {view.LIMITS_TEXT}. One row per label with columns item, annotator and "
    "choice (A/B, 0/1 or chosen/rejected; chosen means A was preferred), optionally a gold column; "
    "or one row per item with a column per annotator. Gold choices may come in a second file "
    "(item and gold columns). The file is read for the estimate and not stored: only the numbers, "
    "and where they came from, are kept in your session."
)

upload, gold_upload = st.columns(2)
labels_file = upload.file_uploader(
    "Comparison labels", type=["csv", "jsonl", "json", "txt"], key="labels_upload"
)
gold_file = gold_upload.file_uploader(
    "Gold choices (optional)", type=["csv", "jsonl", "json", "txt"], key="gold_upload"
)
if labels_file is not None:
    try:
        summary = view.estimate_upload(
            labels_file.getvalue(),
            labels_file.name,
            None if gold_file is None else gold_file.getvalue(),
            "gold" if gold_file is None else gold_file.name,
        )
    except (AnnotationError, ValueError) as error:
        st.error(f"File refused; nothing was changed. {error}", icon=":material/block:")
    else:
        st.session_state[view.ESTIMATES_KEY] = summary

summary = st.session_state.get(view.ESTIMATES_KEY)
if summary is None:
    st.info(
        "No labels yet. Try the worked example in the repository: `examples/annotations.csv` with "
        "`examples/gold.csv` (600 items, 12 labelers, drawn with ε = 0.15 and σ = 0.05)."
    )
else:
    st.markdown(f"**{summary['provenance'][0].upper()}{summary['provenance'][1:]}.**")
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
    applied = st.session_state.get(view.APPLIED_KEY)
    if applied:
        st.caption(
            f"Last put in the sidebar: the quality {applied['provenance']}. The scenario export "
            "(sidebar, Share and save) carries these estimates and their provenance, not the labels."
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
