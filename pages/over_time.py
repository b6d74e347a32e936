"""Over time: the labels each capability generation needs, and how this programme fares."""

from __future__ import annotations

import functools
import math

import streamlit as st

from aliquant_app import class_controls, compare, exports, state
from aliquant_app import over_time_view as view
from aliquant_app.formatting import count, probability
from aliquant_app.layout import header
from aliquant_app.page_parts import csv_button, draw_chart
from aliquant_app.widgets import arrow_table
from aliquant_core.quantities import QUANTITIES

header(__file__)  # the title and the question this page answers (aliquant_app/layout.py)

assumptions = state.current()
quality, threat = assumptions.quality, assumptions.threat
n, target = assumptions.labels, assumptions.target


def rate_widgets(columns: int = 4) -> dict[str, float]:
    """One slider per rate of the table of quantities, in rows of ``columns``; values by name.

    The rows are one ``st.columns`` call whose columns each hold a slider of every row (sliders
    are of one height, so they line up): each ``st.columns`` call costs a rerun about 0.3 ms.
    """
    grid = st.columns(columns, vertical_alignment="top")
    values: dict[str, float] = {}
    for i, name in enumerate(view.RATE_KEYS):
        q = QUANTITIES[name]
        cast = int if q.whole else float
        values[name] = grid[i % columns].slider(
            q.label,
            min_value=cast(q.control_low),
            max_value=cast(q.control_high),
            value=cast(q.default),
            step=cast(q.step),
            format=q.fmt,
            key=name,
            help=f"{q.describe()}\n\n{q.provenance}\n\nShare-link key: `{name}`.",
            bind="query-params",
        )
    return values


with st.expander("Rates per capability generation", expanded=True, icon=":material/tune:"):
    rates = rate_widgets()
    st.caption(
        "Each generation the threat and the help move: log₁₀ K += Δ, f ×= φ_f, 1 − χ ×= γ, "
        "σ ×= β/α, b += Δb; the error rate, the fooled rate φ and the target stay fixed. Every "
        "default is an assumption (hover a slider's help for why). The URL holds these rates too."
    )

extra = class_controls.current()  # competitor classes added beside the sidebar's
data = view.run(rates, labels=n, **quality, **threat, target=target, classes=extra)
g = data["generation"]
last = g[-1]
first = data["first_unreachable_generation"]
needed = data["required_labels"]
p_last = data["p_align"][-1]
reachable = [i for i, v in enumerate(needed) if math.isfinite(v)]
meets = [i for i, p in enumerate(data["p_align"]) if p >= target]

top = st.columns(4, vertical_alignment="top")
top[0].metric(
    "No quantity suffices from",
    view.unreachable_text(first, last),
    help="The first generation whose labels for P* are infinite (the core's "
    "first_unreachable_generation): the blind share h has reached ½, so labels on the "
    "competitor's footprint favour it.",
)
top[1].metric(
    f"Labels for P* = {target:g} now",
    count(needed[0]),
    help="Generation 0: the sidebar's assumptions as they are (the Overview page's number).",
)
last_reachable = reachable[-1] if reachable else None
top[2].metric(
    f"Labels at generation {last_reachable}" if last_reachable is not None else "Labels, last reachable",
    count(needed[last_reachable]) if last_reachable is not None else "none",
    help="The labels for P* at the last generation where some quantity still suffices"
    + (f" (generation {last_reachable})." if last_reachable is not None else ": none does."),
)
top[3].metric(
    f"P_align at generation {last}",
    probability(p_last, data["p_misalign"][-1]),
    help=f"P_align of the sidebar's programme ({count(n)} labels at ε = {data['error_rate']:.4f}) "
    f"with the assumptions of generation {last}.",
)

h, q = data["blind_share"], data["label_win_prob"]
if not meets:
    programme_text = f"This programme's {count(n)} labels meet P* = {target:g} in no generation."
elif len(meets) == 1:
    programme_text = f"This programme's {count(n)} labels meet P* = {target:g} in generation {meets[0]} only."
elif len(meets) <= 6:
    listed = ", ".join(str(i) for i in meets[:-1]) + f" and {meets[-1]}"
    programme_text = f"This programme's {count(n)} labels meet P* = {target:g} in generations {listed}."
else:
    programme_text = (
        f"This programme's {count(n)} labels meet P* = {target:g} in {len(meets)} of {last + 1} generations."
    )
if first is not None:
    if first == 0:
        growth = "Already at generation 0 no quantity of labels of this quality reaches P*."
    else:
        growth = (
            f"Before then the labels needed for P* = {target:g} grow from {count(needed[0])} to "
            f"{count(needed[first - 1])} (generation {first - 1})."
        )
    cause = (
        f"the blind share reaches h = {h[first]:.3f} (σ = {data['blind_spot'][first]:.4f}, "
        f"f = {data['footprint'][first]:.4f}, χ = {data['exploitation'][first]:.3f}), so q = "
        f"{q[first]:.4f}"
        if h[first] >= 0.5
        else f"q = {q[first]:.4f}, and P_align stays below P* however many labels"
    )
    sentence = f"**From generation {first} on, no quantity suffices:** {cause}. {growth} {programme_text}"
else:
    sentence = (
        f"**Some quantity suffices in every generation up to {last}:** the blind share peaks at "
        f"h = {max(h):.3f} < ½. The labels needed for P* = {target:g} go from {count(needed[0])} to "
        f"{count(needed[-1])}. {programme_text}"
    )
st.markdown(sentence)

pinned = compare.pinned()  # the A of an A/B comparison: its trajectory with the same rates, beside B
versus = (
    None
    if pinned is None
    else view.run(
        rates, labels=pinned.labels, **pinned.quality, **pinned.threat, target=pinned.target, classes=extra
    )
)
figure = view.trajectory_figure(
    data, labels=n, target=target, versus=versus, versus_labels=None if pinned is None else pinned.labels
)
draw_chart(figure, "trajectory_chart")
compare.show_versus(assumptions)  # while A is pinned: the values that differ, and each headline
st.caption(
    "Shaded: generations where no quantity suffices (∞ labels). Past the crossing P_align of a fixed "
    "programme can creep back up as footprints shrink: fewer labels are informative, so the data "
    "drifts back toward a coin flip per competitor, never above ½^K_eff. P_align is P₁^K_eff throughout, "
    "the contests treated as independent: a lower bound when one dataset judges every competitor."
    + (f" Held at an end of their range: {', '.join(data['clipped'])}." if data["clipped"] else "")
)


def shown(name: str) -> list:
    """A table column: labels and P_align as the page writes them, the rest as numbers."""
    if name == "required_labels":
        return [count(v) for v in data[name]]
    if name == "p_align":
        return [probability(p, m) for p, m in zip(data[name], data["p_misalign"], strict=True)]
    if name == "regime":
        return [r.replace("_", " ") for r in data[name]]
    return data[name]


TRAJECTORY_CSV_HELP = (
    "The table's data at full precision, with the rates and the sidebar's settings as columns."
)
# The table is built only while its expander is open (the chart above shows the same numbers).
table_box = st.expander(
    "Every generation: the table and its CSV",
    icon=":material/table:",
    key="trajectory_box",
    on_change="rerun",
)
if table_box.open:
    with table_box:
        table = {header: shown(name) for name, header in view.COLUMNS.items()}
        number = st.column_config.NumberColumn
        st.dataframe(
            arrow_table(table),
            hide_index=True,
            width="stretch",
            height=min(36 * (len(g) + 1) + 3, 640),
            key="trajectory_table",
            column_config={
                "log₁₀ K": number(format="%.1f"),
                "footprint f": number(format="%.4f"),
                "exploitation χ": number(format="%.3f"),
                "blind spot σ": number(format="%.4f"),
                "prior bits b": number(format="%.1f"),
                "blind share h": number(format="%.3f"),
                "q": number(format="%.4f"),
                "Bonferroni bound": number(format="%.4g"),
            },
        )
        left, right = st.columns([4.2, 1], vertical_alignment="center")
        left.caption(
            "Evolved assumptions per generation, the labels a source of this quality needs for P*, "
            "and the fixed programme's P_align with its Bonferroni bound (the core's `trajectory`)."
        )
        csv_button(
            right,
            "CSV",
            functools.partial(view.trajectory_csv, data, rates, assumptions.as_dict()),
            file_name="aliquant_trajectory.csv",
            key="trajectory_csv",
            help=TRAJECTORY_CSV_HELP,
        )
else:  # the box closed: its CSV still goes in the page's "Download all" bundle
    exports.record_csv(
        "trajectory_csv",
        "aliquant_trajectory.csv",
        functools.partial(view.trajectory_csv, data, rates, assumptions.as_dict()),
        TRAJECTORY_CSV_HELP,
    )

# Last: the link's values for this page's controls that they did not take (see state.py).
state.check_page_link()
