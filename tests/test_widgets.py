"""Shapes the pages hand to Streamlit (aliquant_app.widgets): Arrow tables and escaped Markdown."""

from __future__ import annotations

import pyarrow as pa

from aliquant_app.widgets import arrow_table, markdown_table, markdown_text

from .tables import parse_markdown_table


def test_arrow_table_keeps_every_column_of_every_row():
    # PyArrow's from_pylist would take the first row's keys only and drop "b".
    table = arrow_table([{"a": 1}, {"a": 2, "b": "x"}])
    assert isinstance(table, pa.Table)
    assert table.to_pydict() == {"a": [1, 2], "b": [None, "x"]}


def test_arrow_table_leaves_what_arrow_cannot_hold_to_streamlit():
    rows = [{"n": 2**70}]  # beyond int64: PyArrow raises OverflowError
    assert arrow_table(rows) is rows
    mixed = [{"v": 1}, {"v": "one"}]  # a number and text in one column
    assert arrow_table(mixed) is mixed


def test_markdown_table_reads_back_cell_for_cell_whatever_the_text():
    rows = [
        {"": "name", "1. A|B": "![x](http://e.io/i.png) :red[y] $z$ *w* <b>v</b> `c` \\ #"},
        {"": "P_align", "1. A|B": "1 − 3.2e-14"},
    ]
    assert parse_markdown_table(markdown_table(rows)) == rows


def test_markdown_text_leaves_no_markdown_active():
    text = markdown_text("![x](http://e.io) [l](u) :red[y] $z$ <b>")
    # Every character Markdown or Streamlit's directives would read is backslash-escaped.
    for special in "![]():$<>":
        assert all(text[i - 1] == "\\" for i, c in enumerate(text) if c == special)
