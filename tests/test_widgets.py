"""Shapes the pages hand to Streamlit (aliquant_app.widgets): Arrow tables and escaped Markdown."""

from __future__ import annotations

import pyarrow as pa
import pytest

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
        {"": "name", "1. A|B": "![x](http://e.io/i.png) :red[y] $z$ *w* <b>v</b> `c` \\ # &lt;"},
        {"": "P_align", "1. A|B": "1 − 3.2e-14"},
    ]
    assert parse_markdown_table(markdown_table(rows)) == rows


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029"])
def test_a_line_break_in_a_cell_cannot_end_the_row(line_break):
    # CommonMark ends a line at \n, \r or \r\n; a table row that ends early breaks the table.
    rows = [{"": "name", "1. A": f"A{line_break}| Evil | row |"}]
    text = markdown_table(rows)
    assert len(text.splitlines()) == 3  # header, delimiter, one row (splitlines knows every break)
    # Each line-break character becomes a space (so \r\n becomes two).
    cell = "A" + " " * len(line_break) + "| Evil | row |"
    assert parse_markdown_table(text) == [{"": "name", "1. A": cell}]


def test_markdown_text_escapes_every_ascii_punctuation_markdown_reads():
    # CommonMark lets a backslash escape any ASCII punctuation; these are the ones that start a
    # construct in CommonMark, GitHub tables, or Streamlit's directives (:red[..], $..$), and &
    # (entities). Listed here from those specs, not from the implementation.
    readers = "\\`*_{}[]()<>#+-.!|~:$&"
    text = markdown_text(readers)
    assert text == "".join("\\" + c for c in readers)
    assert markdown_text("plain text, 3 words") == "plain text, 3 words"
