"""Read a drawn chart's Plotly spec back as plain lists.

The explorer's cached figures hold long numeric data as NumPy arrays, which Plotly sends as typed
arrays, ``{"dtype": "f8", "bdata": <base64>, "shape": "101, 120"}`` (the plotly.js typed-array
format; ``plotly.io.to_json`` writes it with ``numpy.ndarray.tobytes``). Tests compare numbers, so
this decodes them back to nested lists.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np


def decode_typed_arrays(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) >= {"dtype", "bdata"}:
            array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            if "shape" in value:
                array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
            return array.tolist()
        return {key: decode_typed_arrays(item) for key, item in value.items()}
    if isinstance(value, list):
        return [decode_typed_arrays(item) for item in value]
    return value


def chart_spec(chart) -> dict:
    """The spec of an AppTest ``plotly_chart`` element, typed arrays decoded to lists."""
    return decode_typed_arrays(json.loads(chart.proto.spec))
