"""The explorer's two cache decorators: one place for how big caches get and how long entries live.

Every cache in the app is one of these, so each is bounded twice: by ``max_entries`` (least recently
used entries go first) and by :data:`TTL` (an entry unused for that long is dropped), and nothing a
session does makes a cache grow without bound. Both caches are process-wide: viewers who open the
same shared link reuse each other's results.

- :func:`cached_data` wraps ``st.cache_data`` for the thin wrappers around the core: plain floats
  and lists in and out, copied on every hit (pickled), so callers may change what they get.
- :func:`cached_figure` wraps ``st.cache_resource`` for the figure builders. ``st.plotly_chart``
  re-validates a figure given as a dict (``go.Figure(**spec)``; 14 ms for the Overview's 20-trace
  chart) but only copies a ``go.Figure`` (``to_dict``, 1.2 ms), so the cache keeps the
  ``go.Figure`` itself and hands the same object to every caller: **callers must not change a
  cached figure** (the pages only draw it). Builders take the curves and grids of the wrappers
  above as arguments; Streamlit's own hasher walks lists element by element (64 ms for the map's
  grid), so lists, tuples and dicts are keyed by their pickle instead (0.6 ms), here and in
  :func:`cached_data`. The builders take plain lists; the cached figure holds its long numeric
  data as NumPy arrays, which ``to_dict`` copies as blocks and Plotly sends base64-encoded (the
  map: ``to_dict`` 3.6 → 0.8 ms, 242 → 171 kB of JSON).
"""

from __future__ import annotations

import datetime
import functools
import pickle
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import plotly.graph_objects as go
import streamlit as st

__all__ = ["TTL", "DrawnFigure", "cached_data", "cached_figure", "numeric_data_as_arrays"]

#: How long a cache entry that nobody uses is kept. An hour covers a meeting in which a shared link
#: is opened and discussed; after it, memory returns to the idle baseline.
TTL = datetime.timedelta(hours=1)

F = TypeVar("F", bound=Callable[..., Any])


def _pickled(value: Any) -> bytes:
    # Equal pickles mean equal values, so a shared key is never wrong; unequal pickles of equal
    # values (1 and 1.0, say) only cost a cache miss.
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


_FAST_HASH = {dict: _pickled, list: _pickled, tuple: _pickled}


def cached_data(*, max_entries: int) -> Callable[[F], F]:
    """``st.cache_data`` bounded by ``max_entries`` and :data:`TTL`, without a spinner."""
    return st.cache_data(max_entries=max_entries, ttl=TTL, show_spinner=False, hash_funcs=_FAST_HASH)


#: Trace data kept as arrays when numeric and at least this long (shorter data is not worth it).
_ARRAY_MIN_LENGTH = 16


def numeric_data_as_arrays(figure: go.Figure) -> go.Figure:
    """Put each trace's long numeric ``x``, ``y``, ``z`` and ``customdata`` in NumPy arrays, in place.

    Text, dates and mixed data stay as they are. Returns ``figure``.
    """
    for trace in figure.data:
        for name in ("x", "y", "z", "customdata"):
            value = getattr(trace, name, None)
            if isinstance(value, tuple) and len(value) >= _ARRAY_MIN_LENGTH:
                array = np.asarray(value)
                if array.dtype.kind in "fiu":
                    # Plotly skips an assignment equal to the current value, so clear it first.
                    trace[name] = None
                    trace[name] = array
    return figure


class DrawnFigure(go.Figure):
    """A finished figure whose ``to_dict`` is computed once and then returned as it is.

    ``st.plotly_chart`` calls ``to_dict`` on every rerun, and Plotly's ``to_dict`` deep-copies
    every trace (about 5 ms for each of the Programmes page's budget charts). A cached figure is
    not changed after it is built, so its dict is kept; it is shared, not copied, so nothing may
    change it either (``st.plotly_chart`` only serialises it).
    """

    _spec: dict

    @classmethod
    def freeze(cls, figure: go.Figure) -> DrawnFigure:
        """Turn ``figure`` into a DrawnFigure in place (no copy) and compute its dict."""
        spec = figure.to_dict()
        figure.__class__ = cls
        figure._spec = spec
        return figure

    def to_dict(self) -> dict:
        return self._spec

    def __reduce__(self):
        # A copy or a pickle is an ordinary figure built from the kept dict: free to change.
        return (go.Figure, (self._spec,))

    def __copy__(self) -> go.Figure:
        return go.Figure(self._spec)

    def __deepcopy__(self, memo) -> go.Figure:
        return go.Figure(self._spec)


def cached_figure(*, max_entries: int = 32) -> Callable[[F], F]:
    """``st.cache_resource`` for a figure builder, bounded by ``max_entries`` and :data:`TTL`.

    The returned figure is shared by every caller with the same arguments: draw it, do not change
    it. Its long numeric data is in NumPy arrays (:func:`numeric_data_as_arrays`) and its dict is
    computed once (:class:`DrawnFigure`).
    """

    def decorate(builder: F) -> F:
        @functools.wraps(builder)
        def build(*args, **kwargs):
            return DrawnFigure.freeze(numeric_data_as_arrays(builder(*args, **kwargs)))

        return st.cache_resource(max_entries=max_entries, ttl=TTL, show_spinner=False, hash_funcs=_FAST_HASH)(
            build
        )

    return decorate
