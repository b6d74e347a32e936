"""Widgets and data shapes the pages share that Streamlit does not offer as they are needed.

:func:`arrow_table` hands ``st.dataframe`` and ``st.table`` a PyArrow table: given rows (a list of
dicts) or columns, Streamlit converts them through pandas on every rerun (0.5 ms for a five-row
table), while a PyArrow table it only serialises (0.03 ms).

:func:`whole_number_input` exists because Streamlit 1.67's integer ``st.number_input``, bound to
the link (``bind="query-params"``), turns a link value such as ``inf`` or ``1e400`` into its value
with ``int()``; the ``OverflowError`` escapes Streamlit's own checks, and the page fails with a
traceback (found by ``tests/test_fuzz_links.py``). Its float input rejects a non-finite value as
any out-of-range one: the control keeps its default, and the page's link check says so.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

__all__ = [
    "arrow_table",
    "markdown_table",
    "markdown_text",
    "one_line",
    "quote",
    "seed_input",
    "whole_number_input",
]

#: Characters that Markdown (and Streamlit's extensions: ``:red[...]``, ``$...$``) would read;
#: ``&`` too, so that an entity such as ``&lt;`` shows as typed.
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|~:$&")


def markdown_text(text: str) -> str:
    r"""``text`` with every Markdown-special character escaped, to show it as it is.

    Text from a link (a programme's name) must not become a link, an image or a colour.

    >>> print(markdown_text("![x](http://e.x) | 2*3 :red[y]"))
    \!\[x\]\(http\://e\.x\) \| 2\*3 \:red\[y\]
    """
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in one_line(str(text)))


def one_line(text: str) -> str:
    """``text`` with every line break and control character made a space.

    Any line ending (\\r, \\n, \\v, \\f, U+0085, U+2028, U+2029) would end a Markdown table row,
    list item or paragraph.
    """
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def quote(raw: str) -> str:
    """A raw URL value made safe to show in Markdown: one line, short, without backticks, in code.

    >>> quote("a`b")
    "`a'b`"
    """
    text = one_line(raw).replace("`", "'")  # a line break would end the note's list item
    text = text if len(text) <= 40 else text[:37] + "…"
    return f"`{text}`"


def markdown_table(rows: Sequence[Mapping[str, Any]], right: Sequence[str] = ()) -> str:
    r"""Rows (dicts with the same keys) as a Markdown table for ``st.markdown``, every cell escaped.

    A small table of text costs Streamlit one Markdown element (0.07 ms a rerun; ``st.table`` and
    ``st.dataframe`` convert and serialise an Arrow table every rerun, 0.5 to 1 ms). Columns named
    in ``right`` are right-aligned (numbers).

    >>> print(markdown_table([{"": "P_align", "1. A": "0.9"}], right=["1. A"]))
    |  | 1\. A |
    |:--|--:|
    | P\_align | 0\.9 |
    """
    if not rows:
        return ""
    columns = list(rows[0])
    lines = [
        "| " + " | ".join(markdown_text(c) for c in columns) + " |",
        "|" + "|".join("--:" if c in right else ":--" for c in columns) + "|",
    ]
    lines += ["| " + " | ".join(markdown_text(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def arrow_table(data: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]]) -> pa.Table | Any:
    """Rows (dicts) or columns (a dict of lists) as a PyArrow table, for ``st.dataframe``.

    A column that mixes types PyArrow cannot hold in one column (numbers and text, say) is left
    to Streamlit's own conversion: the data is returned as it came.
    """
    try:
        if isinstance(data, Mapping):
            return pa.Table.from_pydict({name: list(values) for name, values in data.items()})
        # Every key of every row is a column (PyArrow would take the first row's keys only).
        names = list(dict.fromkeys(name for row in data for name in row))
        return pa.Table.from_pydict({name: [row.get(name) for row in data] for name in names})
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return data


def whole_number_input(
    container,
    label: str,
    *,
    min_value: int,
    max_value: int,
    value: int,
    step: int,
    key: str,
    help: str,
    disabled: bool = False,
) -> int:
    """A number input for whole numbers, bound to the link under ``key``; its value as an ``int``.

    Shown without decimals; a value typed or linked between whole numbers is rounded to the
    nearest. A link written by an integer input (``3``) is read the same way.
    """
    number = container.number_input(
        label,
        min_value=float(min_value),
        max_value=float(max_value),
        value=float(value),
        step=float(step),
        format="%.0f",
        key=key,
        bind="query-params",
        disabled=disabled,
        help=help,
    )
    return round(number)


def seed_input(container, *, key: str, help: str) -> int:
    """A random generator's seed, 0 to 2³² − 1 (NumPy's range for a seed), default 0."""
    return whole_number_input(
        container, "Seed", min_value=0, max_value=2**32 - 1, value=0, step=1, key=key, help=help
    )
