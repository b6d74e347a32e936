"""Small Streamlit pieces the pages share. Unlike the views, these call ``st``: they draw."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import streamlit as st

from . import exports
from .chart_style import PLOTLY_CONFIG
from .csv_tables import NONFINITE

__all__ = ["csv_button", "draw_chart"]


def csv_button(where: Any, label: str, build: Callable[[], str], *, file_name: str, key: str, **more) -> None:
    """A download button for ``build()``'s CSV, written only when clicked (``on_click="ignore"``),
    and beside it a PNG button for each chart drawn this run whose data it holds
    (:data:`aliquant_app.exports.CHARTS`).

    ``where`` is ``st`` or a container; ``more`` goes to ``download_button`` (``help``, ``width``).
    The CSV is recorded for the page's "Download all" bundle, described by its ``help``.
    """
    about = more.get("help") or f"the data of {file_name}"
    help_text = f"{about}\n\nNon-finite values: {NONFINITE}." if "help" in more else None
    if help_text is not None:
        more = {**more, "help": help_text}
    where.download_button(
        label,
        data=build,
        file_name=file_name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key=key,
        **more,
    )
    charts = exports.record_csv(key, file_name, build, about)
    run = exports.current_run()
    if run is None or not exports.png_available():
        return
    for chart_key, chart in charts:
        where.download_button(
            chart.short,
            data=functools.partial(exports.png_bytes, run, chart_key),
            file_name=f"aliquant_{chart.stem}.png",
            mime="image/png",
            on_click="ignore",
            icon=":material/image:",
            key=f"{chart_key}_png",
            width=more.get("width", "content"),
            help=f"“{chart.title}” as a PNG, with the assumptions, the source and the share link "
            "(rendered on the server, a few seconds).",
        )


def draw_chart(figure: Any, key: str, *, where: Any = st, png: str | None = None) -> None:
    """Draw a Plotly figure at full width with the explorer's chart config, and record it for the
    PNG and bundle downloads (:mod:`aliquant_app.exports`).

    ``png`` names the chart's files (``aliquant_<png>.png``; default: its entry in
    :data:`aliquant_app.exports.CHARTS`). Where the server renders PNGs, plotly's own PNG button
    is removed: it cannot add the title, assumptions, source and link that the explorer's does.
    """
    chart = exports.record_chart(key, figure, png)
    config = PLOTLY_CONFIG
    if exports.png_available():
        config = {**config, "modeBarButtonsToRemove": [*config["modeBarButtonsToRemove"], "toImage"]}
    elif chart is not None or png is not None:
        stem = png if png is not None else chart.stem
        config = {
            **config,
            "toImageButtonOptions": {**config["toImageButtonOptions"], "filename": f"aliquant_{stem}"},
        }
    where.plotly_chart(figure, width="stretch", key=key, config=config)
