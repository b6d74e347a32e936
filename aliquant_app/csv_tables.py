"""How every CSV the explorer writes is written: one table, unique names, safe cells, one convention.

Each chart's and table's CSV is built by its view (``*_csv`` functions) through :func:`csv_text`,
so that every file follows the same rules:

- **One table per file**: a header row, then rows of the same width. The settings the data was
  computed with are repeated as columns (so a row read on its own says what it is).
- **Unique column names**: a setting whose name is already a data column is written
  ``setting_<name>`` (:func:`setting_names`); :func:`csv_text` refuses a header with a repeat.
- **No duplicate rows**: a row equal to one already written is not written again.
- **Numbers** in Python's shortest round-trip form (``repr``: ``0.1``, ``1e-300``), whole numbers
  of labels without a decimal point. **Non-finite values** (:data:`NONFINITE`): ``inf`` for an
  infinite value (labels required where no quantity suffices), an empty cell for a value that
  is not defined (NaN). Negative infinity does not occur in the explorer's data and is written
  as an empty cell too rather than as ``-inf``, which a spreadsheet reads as a broken formula.
- **Cells open cleanly in a spreadsheet**: a text cell that starts with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return (which spreadsheets read as a formula; a programme's name comes from
  the link) is written with a leading apostrophe, as OWASP's CSV-injection guidance says.
  Numbers are not text: ``-0.5`` stays a number.

Pure functions (no Streamlit): views import them.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["FORMULA_START", "NONFINITE", "cell", "csv_text", "setting_names", "settings_values"]

#: The convention for non-finite values, as stated in each CSV's line of the bundle's README.
NONFINITE = "infinite values are written `inf`; values that are not defined are left empty"
#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """One value as its CSV cell (before quoting).

    >>> [cell(x) for x in (0.1, 250000.0, 3, float("inf"), float("nan"), None, True, "=1+1", "-x")]
    ['0.1', '250000', '3', 'inf', '', '', '1', "'=1+1", "'-x"]
    """
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return "1" if value else "0"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        value = float(value)
        if math.isnan(value) or value == -math.inf:
            return ""
        if value == math.inf:
            return "inf"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def setting_names(settings: Iterable[str], columns: Iterable[str]) -> list[str]:
    """Column names for ``settings`` beside the data ``columns``: ``setting_<name>`` where they clash.

    >>> setting_names(["labels", "error_rate"], ["labels", "p_align"])
    ['setting_labels', 'error_rate']
    """
    taken = set(columns)
    return [f"setting_{name}" if name in taken else name for name in settings]


def settings_values(settings: Mapping[str, Any]) -> list[Any]:
    """The settings' values as cells (numbers as floats, text as it is)."""
    return [v if isinstance(v, str) else float(v) for v in settings.values()]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """One table as CSV text: ``header``, then each row once, every cell by :func:`cell`.

    Raises ``ValueError`` for a header with a repeated name or a row of another width (a bug
    in the view, never the user's input).

    >>> print(csv_text(["a", "b"], [[1, 0.5], [1, 0.5], [2, float("inf")]]), end="")
    a,b
    1,0.5
    2,inf
    """
    names = [cell(name) for name in header]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"repeated column names: {', '.join(repeated)}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(names)
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        cells = tuple(cell(value) for value in row)
        if len(cells) != len(names):
            raise ValueError(f"a row of {len(cells)} cells under {len(names)} columns")
        if cells in seen:
            continue
        seen.add(cells)
        writer.writerow(cells)
    return buffer.getvalue()
