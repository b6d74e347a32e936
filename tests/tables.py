"""Reading the Markdown tables the pages draw (``aliquant_app.widgets.markdown_table``)."""

from __future__ import annotations

import re

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def unescape(text: str) -> str:
    """Markdown text as it reads: each backslash-escaped punctuation character as itself."""
    return _ESCAPED.sub(r"\1", text)


def _cells(line: str) -> list[str]:
    # Split on the pipes that are not escaped.
    return [unescape(cell.strip()) for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def parse_markdown_table(text: str) -> list[dict[str, str]]:
    """The rows of the first Markdown table in ``text``, as dicts by column header."""
    lines = [line for line in text.splitlines() if line.lstrip().startswith("|")]
    if len(lines) < 2:
        raise ValueError(f"no Markdown table in {text[:80]!r}")
    header = _cells(lines[0])
    return [dict(zip(header, _cells(line), strict=True)) for line in lines[2:]]


def markdown_tables(elements) -> list[list[dict[str, str]]]:
    """Every Markdown table among AppTest's markdown ``elements``."""
    return [parse_markdown_table(e.value) for e in elements if e.value.lstrip().startswith("|")]
