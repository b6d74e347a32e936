"""Small Streamlit pieces the pages share. Unlike the views, these call ``st``: they draw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from .chart_style import PLOTLY_CONFIG

__all__ = ["csv_button", "draw_chart"]


def csv_button(where: Any, label: str, build: Callable[[], str], *, file_name: str, key: str, **more) -> None:
    """A download button for ``build()``'s CSV, written only when clicked (``on_click="ignore"``).

    ``where`` is ``st`` or a container; ``more`` goes to ``download_button`` (``help``, ``width``).
    """
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


def draw_chart(figure: Any, key: str, *, where: Any = st, png: str | None = None) -> None:
    """Draw a Plotly figure at full width with the explorer's chart config.

    ``png`` names the file of plotly's PNG button (``aliquant_<png>.png``; default ``aliquant``).
    """
    config = PLOTLY_CONFIG
    if png is not None:
        config = {
            **config,
            "toImageButtonOptions": {**config["toImageButtonOptions"], "filename": f"aliquant_{png}"},
        }
    where.plotly_chart(figure, width="stretch", key=key, config=config)
