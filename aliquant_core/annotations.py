"""Reading the user's own comparison labels: pure parsing (text or bytes in, arrays out), no file I/O.

Two layouts, each as CSV or JSON Lines (one JSON object per line):

*long*, one row per label
    an item column, an annotator column and a choice column, and optionally a gold column (the
    expert's choice for that item; every row of one item must give the same gold, or leave it empty);
*wide*, one row per item (CSV only)
    an item column, one column per annotator (an empty cell: that annotator did not label the item),
    and optionally a gold column.

A choice is ``A``/``B``, ``0``/``1`` or ``chosen``/``rejected`` (any case): ``A``, ``0`` and
``chosen`` mean response A was preferred, ``B``, ``1`` and ``rejected`` that B was. Gold items may
come instead in a second file of the long layout's item and gold (or choice) columns.

Column names are matched without regard to case, spaces or dashes against the names in
:data:`ITEM_COLUMNS`, :data:`ANNOTATOR_COLUMNS`, :data:`CHOICE_COLUMNS` and :data:`GOLD_COLUMNS`.
Every error names the line and the column. Limits (:data:`MAX_BYTES`, :data:`MAX_ROWS`,
:data:`MAX_ANNOTATORS`) are checked before any work that grows with them.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np

from ._results import Result

__all__ = [
    "ANNOTATOR_COLUMNS",
    "CHOICE_COLUMNS",
    "GOLD_COLUMNS",
    "ITEM_COLUMNS",
    "MAX_ANNOTATORS",
    "MAX_BYTES",
    "MAX_ROWS",
    "AnnotationError",
    "Annotations",
    "annotations_from_arrays",
    "parse_annotations",
    "parse_gold",
    "with_gold",
]

#: Largest file read, in bytes (10 MB: about 400,000 labels in the long CSV layout).
MAX_BYTES = 10_000_000
#: Most labels (long layout: rows; wide layout: filled cells) in one file.
MAX_ROWS = 500_000
#: Most distinct annotators: the per-annotator fit and table grow with their number.
MAX_ANNOTATORS = 2_000

ITEM_COLUMNS = ("item", "item_id", "comparison", "comparison_id", "pair", "pair_id", "task", "task_id")
ANNOTATOR_COLUMNS = (
    "annotator", "annotator_id", "labeler", "labeler_id", "labeller", "labeller_id",
    "worker", "worker_id", "rater", "rater_id",
)  # fmt: skip
CHOICE_COLUMNS = ("choice", "label", "preference", "preferred", "answer")
GOLD_COLUMNS = ("gold", "gold_choice", "gold_label", "expert", "expert_choice")

#: Each accepted choice (lower case) → 0 (A preferred) or 1 (B preferred).
CHOICES = {"a": 0, "0": 0, "chosen": 0, "b": 1, "1": 1, "rejected": 1}
_CHOICE_TEXT = "A/B, 0/1 or chosen/rejected"


class AnnotationError(ValueError):
    """A file of labels that cannot be read; the message names the file, line and column."""


@dataclass(frozen=True, eq=False)
class Annotations(Result):
    """Pairwise comparison labels, coded as integer arrays.

    Attributes
    ----------
    item, annotator : ndarray of int
        Per label: index into :attr:`item_ids` and :attr:`annotator_ids`.
    choice : ndarray of int8
        Per label: 0 if it preferred response A, 1 if B.
    gold : ndarray of int8
        Per item: the expert's choice (0 or 1), or −1 where the item has none.
    item_ids, annotator_ids : tuple of str
        The names in the file, in order of first appearance.
    name : str
        Where the labels came from (a file name), for provenance.
    layout : str
        ``"long"`` or ``"wide"``.
    """

    item: np.ndarray
    annotator: np.ndarray
    choice: np.ndarray
    gold: np.ndarray
    item_ids: tuple[str, ...]
    annotator_ids: tuple[str, ...]
    name: str = "annotations"
    layout: str = "long"

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_annotators(self) -> int:
        return len(self.annotator_ids)

    @property
    def n_labels(self) -> int:
        return int(self.item.size)

    @property
    def n_gold(self) -> int:
        return int(np.count_nonzero(self.gold >= 0))


def annotations_from_arrays(item, annotator, choice, gold=None, *, name="annotations") -> Annotations:
    """:class:`Annotations` from integer codes (as a simulation draws them).

    ``item`` and ``annotator`` are non-negative integer codes, ``choice`` 0 or 1 per label,
    ``gold`` per item 0, 1 or −1 (none). Items are numbered 0 … max(item); each must have a label.
    Raises :class:`AnnotationError` for a label given twice by one annotator to one item.
    """
    item = np.asarray(item, dtype=np.int64)
    annotator = np.asarray(annotator, dtype=np.int64)
    choice = np.asarray(choice, dtype=np.int8)
    if not (item.shape == annotator.shape == choice.shape) or item.ndim != 1:
        raise AnnotationError("item, annotator and choice must be 1-d arrays of one length")
    if item.size == 0:
        raise AnnotationError(f"{name}: no labels")
    if item.min() < 0 or annotator.min() < 0 or not np.isin(choice, (0, 1)).all():
        raise AnnotationError("item and annotator codes must be ≥ 0 and choices 0 or 1")
    n_items, n_annotators = int(item.max()) + 1, int(annotator.max()) + 1
    if np.bincount(item, minlength=n_items).min() == 0:
        raise AnnotationError("every item code 0 … max(item) must have a label")
    gold_arr = np.full(n_items, -1, np.int8) if gold is None else np.asarray(gold, dtype=np.int8)
    if gold_arr.shape != (n_items,) or not np.isin(gold_arr, (-1, 0, 1)).all():
        raise AnnotationError(f"gold must hold one of −1, 0, 1 per item ({n_items} items)")
    _check_duplicates(item, annotator, n_annotators, None, name)
    return Annotations(
        item, annotator, choice, gold_arr,
        tuple(str(i) for i in range(n_items)), tuple(str(w) for w in range(n_annotators)), name,
    )  # fmt: skip


def _key(column: str) -> str:
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def _find(header: list[str], names: tuple[str, ...]) -> int | None:
    keys = [_key(column) for column in header]
    for name in names:
        if name in keys:
            return keys.index(name)
    return None


def _choice(value, where: str, column: str) -> int:
    text = str(value).strip().lower() if not isinstance(value, bool) else ""
    if isinstance(value, float) and value in (0.0, 1.0):
        text = str(int(value))
    code = CHOICES.get(text)
    if code is None:
        raise AnnotationError(f"{where}, column {column!r}: {value!r} is not a choice ({_CHOICE_TEXT})")
    return code


def _decode(data: bytes | str, name: str) -> str:
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_BYTES:
        raise AnnotationError(f"{name}: {size:,} bytes is over the limit of {MAX_BYTES:,} bytes")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise AnnotationError(f"{name}: not UTF-8 text (byte {error.start})") from None
    if not data.strip():
        raise AnnotationError(f"{name}: the file is empty")
    return data


def _records(text: str, name: str) -> tuple[list[str], list[tuple[int, list]], bool]:
    """Header, rows (line number, values) and whether the text is JSON Lines."""
    if text.lstrip().startswith("{"):
        header: list[str] = []
        rows: list[tuple[int, list]] = []
        objects = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as error:
                raise AnnotationError(f"{name}: line {number}: not JSON ({error.msg})") from None
            if not isinstance(obj, dict):
                raise AnnotationError(f"{name}: line {number}: not a JSON object")
            for key in obj:
                if key not in header:
                    header.append(key)
            objects.append((number, obj))
            if len(objects) > MAX_ROWS:
                raise AnnotationError(f"{name}: more than {MAX_ROWS:,} rows (the limit)")
        for number, obj in objects:
            rows.append((number, [obj.get(key) for key in header]))
        return header, rows, True
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            rows.append((reader.line_num, values))
            if len(rows) > MAX_ROWS:
                raise AnnotationError(f"{name}: more than {MAX_ROWS:,} rows (the limit)")
    except csv.Error as error:
        raise AnnotationError(f"{name}: line {reader.line_num}: not valid CSV ({error})") from None
    return header, rows, False


def _cell(values: list, index: int, where: str, column: str, *, required: bool):
    value = values[index] if index < len(values) else None
    empty = value is None or (isinstance(value, str) and not value.strip())
    if empty and required:
        raise AnnotationError(f"{where}, column {column!r}: empty")
    return None if empty else value


def _check_duplicates(item, annotator, n_annotators, lines, name) -> None:
    pair = item * max(n_annotators, 1) + annotator
    order = np.argsort(pair, kind="stable")
    repeated = np.flatnonzero(pair[order][1:] == pair[order][:-1])
    if repeated.size:
        first, second = order[repeated[0]], order[repeated[0] + 1]
        where = (
            f"lines {lines[first]} and {lines[second]}" if lines is not None else f"labels {first}, {second}"
        )
        raise AnnotationError(f"{name}: {where}: one annotator labelled one item twice")


def parse_gold(data: bytes | str, *, name: str = "gold") -> dict[str, int]:
    """Parse a gold file's content: each item's expert choice, 0 (A preferred) or 1 (B preferred).

    The file has an item column and a gold column (or a choice column); CSV or JSON Lines, within
    the same limits as a file of labels. Raises :class:`AnnotationError` naming the line and column
    of anything malformed.
    """
    return _gold_map(_decode(data, name), name)


def with_gold(annotations: Annotations, gold: Mapping[str, int]) -> Annotations:
    """``annotations`` with the gold choices of ``gold`` (item name → 0 or 1, as :func:`parse_gold`).

    A choice here replaces the item's gold choice in ``annotations``; items not labelled there are
    ignored. Lets a gold file that arrives after the labels be applied without reading them again.
    """
    gold_arr = annotations.gold.copy()
    index = {item: code for code, item in enumerate(annotations.item_ids)}
    for item, choice in gold.items():
        if item in index:
            if choice not in (0, 1):
                raise AnnotationError(f"gold choice of item {item!r} must be 0 or 1; got {choice!r}")
            gold_arr[index[item]] = choice
    return replace(annotations, gold=gold_arr)


def _gold_map(text: str, name: str) -> dict[str, int]:
    header, rows, _ = _records(text, name)
    item_col = _find(header, ITEM_COLUMNS)
    gold_col = _find(header, GOLD_COLUMNS)
    if gold_col is None:
        gold_col = _find(header, CHOICE_COLUMNS)
    if item_col is None or gold_col is None:
        raise AnnotationError(
            f"{name}: line 1: a gold file needs an item column (one of {', '.join(ITEM_COLUMNS)}) and a "
            f"gold column (one of {', '.join(GOLD_COLUMNS + CHOICE_COLUMNS)})"
        )
    gold: dict[str, int] = {}
    for number, values in rows:
        where = f"{name}: line {number}"
        item = str(_cell(values, item_col, where, header[item_col], required=True)).strip()
        code = _choice(
            _cell(values, gold_col, where, header[gold_col], required=True), where, header[gold_col]
        )
        if gold.setdefault(item, code) != code:
            raise AnnotationError(f"{where}, column {header[gold_col]!r}: item {item!r} has two gold choices")
    return gold


def parse_annotations(
    data: bytes | str,
    *,
    name: str = "annotations",
    gold: bytes | str | None = None,
    gold_name: str = "gold",
) -> Annotations:
    """Parse a file's content of comparison labels (layouts and choices in the module docstring).

    Parameters
    ----------
    data : bytes or str
        The file's content: CSV (long or wide layout) or JSON Lines (long layout).
    name : str
        The file's name, for messages and provenance.
    gold : bytes or str, optional
        A second file's content giving the gold choice of some items (item and gold columns).
        Gold items not among the labelled items are ignored; a gold choice here replaces one in ``data``.
    gold_name : str
        The gold file's name, for messages.

    Returns
    -------
    Annotations

    Raises
    ------
    AnnotationError
        For anything malformed (naming the file, line and column) or over a limit.
    """
    text = _decode(data, name)
    header, rows, is_jsonl = _records(text, name)
    if not rows:
        raise AnnotationError(f"{name}: no rows after the header")
    item_col = _find(header, ITEM_COLUMNS)
    annotator_col = _find(header, ANNOTATOR_COLUMNS)
    choice_col = _find(header, CHOICE_COLUMNS)
    gold_col = _find(header, GOLD_COLUMNS)
    if item_col is None:
        raise AnnotationError(f"{name}: line 1: no item column (one of {', '.join(ITEM_COLUMNS)})")
    item_index: dict[str, int] = {}
    annotator_index: dict[str, int] = {}
    items: list[int] = []
    annotators: list[int] = []
    choices: list[int] = []
    lines: list[int] = []
    gold_of: dict[int, tuple[int, int]] = {}  # item → (choice, line)

    def note_gold(code_item: int, values: list, where: str) -> None:
        if gold_col is None:
            return
        value = _cell(values, gold_col, where, header[gold_col], required=False)
        if value is None:
            return
        code = _choice(value, where, header[gold_col])
        seen = gold_of.setdefault(code_item, (code, 0))
        if seen[0] != code:
            raise AnnotationError(f"{where}, column {header[gold_col]!r}: a second, different gold choice")

    if annotator_col is not None and choice_col is not None:
        layout = "long"
        for number, values in rows:
            where = f"{name}: line {number}"
            item_name = str(_cell(values, item_col, where, header[item_col], required=True)).strip()
            who = str(_cell(values, annotator_col, where, header[annotator_col], required=True)).strip()
            code = _choice(_cell(values, choice_col, where, header[choice_col], required=True), where,
                           header[choice_col])  # fmt: skip
            code_item = item_index.setdefault(item_name, len(item_index))
            code_who = annotator_index.setdefault(who, len(annotator_index))
            if len(annotator_index) > MAX_ANNOTATORS:
                raise AnnotationError(
                    f"{where}, column {header[annotator_col]!r}: more than {MAX_ANNOTATORS:,} annotators "
                    "(the limit)"
                )
            items.append(code_item)
            annotators.append(code_who)
            choices.append(code)
            lines.append(number)
            note_gold(code_item, values, where)
    elif is_jsonl:
        missing = [
            what for what, col in (("annotator", annotator_col), ("choice", choice_col)) if col is None
        ]
        raise AnnotationError(
            f"{name}: line 1: JSON Lines need item, annotator and choice fields; no {missing[0]}"
        )
    else:
        layout = "wide"
        if choice_col is not None and annotator_col is None:
            raise AnnotationError(
                f"{name}: line 1: a choice column but no annotator column "
                f"(one of {', '.join(ANNOTATOR_COLUMNS)})"
            )
        columns = [i for i in range(len(header)) if i not in (item_col, gold_col, annotator_col)]
        if not columns:
            raise AnnotationError(f"{name}: line 1: no annotator columns (wide layout) and no choice column")
        if len(columns) > MAX_ANNOTATORS:
            raise AnnotationError(f"{name}: line 1: {len(columns):,} annotator columns, over the limit of "
                                  f"{MAX_ANNOTATORS:,}")  # fmt: skip
        for number, values in rows:
            where = f"{name}: line {number}"
            if len(values) > len(header):
                raise AnnotationError(f"{where}: {len(values)} cells but {len(header)} columns in the header")
            item_name = str(_cell(values, item_col, where, header[item_col], required=True)).strip()
            if item_name in item_index:
                raise AnnotationError(
                    f"{where}, column {header[item_col]!r}: item {item_name!r} has a second row"
                )
            code_item = item_index.setdefault(item_name, len(item_index))
            for column in columns:
                value = _cell(values, column, where, header[column], required=False)
                if value is None:
                    continue
                items.append(code_item)
                annotators.append(annotator_index.setdefault(header[column].strip(), len(annotator_index)))
                choices.append(_choice(value, where, header[column]))
                lines.append(number)
            if len(items) > MAX_ROWS:
                raise AnnotationError(f"{where}: more than {MAX_ROWS:,} labels (the limit)")
            note_gold(code_item, values, where)
        labelled = set(items)
        unlabelled = [i for i in range(len(item_index)) if i not in labelled]
        if unlabelled:
            raise AnnotationError(
                f"{name}: line {rows[unlabelled[0]][0]}: item has no label from any annotator"
            )
    if not items:
        raise AnnotationError(f"{name}: no labels")
    gold_arr = np.full(len(item_index), -1, np.int8)
    for code_item, (code, _) in gold_of.items():
        gold_arr[code_item] = code
    if gold is not None:
        for item_name, code in parse_gold(gold, name=gold_name).items():
            if item_name in item_index:
                gold_arr[item_index[item_name]] = code
    item_arr = np.asarray(items, dtype=np.int64)
    annotator_arr = np.asarray(annotators, dtype=np.int64)
    _check_duplicates(item_arr, annotator_arr, len(annotator_index), lines, name)
    return Annotations(
        item_arr,
        annotator_arr,
        np.asarray(choices, dtype=np.int8),
        gold_arr,
        tuple(item_index),
        tuple(annotator_index),
        name,
        layout,
    )
