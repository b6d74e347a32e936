"""The explorer's cached calls into the core, and the two bounded cache decorators they use.

Where a cached wrapper lives
----------------------------
One rule: a cached wrapper around the core lives here when more than one page uses it (through
the page script or its view module); a wrapper that only one page uses lives beside that user, in
the page's view module (``overview_view.curve``, ``map_view.grid``, ``over_time_view.run``,
``simulation_view.run_simulation``, ...). So this module holds the decorators and the calls that
several pages share. A wrapper converts the core's result to plain Python with the result's own
``to_dict()`` and changes none of its numbers.

The decorators
--------------
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
  as arguments; Streamlit's own hasher walks lists element by element (64 ms for the map's
  grid), so lists, tuples and dicts are keyed by their pickle instead (0.6 ms), here and in
  :func:`cached_data`. The builders take plain lists; the cached figure holds its long numeric
  data as NumPy arrays, which ``to_dict`` copies as blocks and Plotly sends base64-encoded (the
  map: ``to_dict`` 3.6 → 0.8 ms, 242 → 171 kB of JSON).

One key per call
----------------
Streamlit hashes a cached call's arguments one by one, twice each (its name, then its value), each
time through a new hasher and its per-thread stack: about 25 µs an argument, so 0.3 ms for a call
with a dozen keyword arguments, even when the value is in the cache. The Overview makes about 15
such calls on every rerun. So both decorators hand Streamlit one argument, ``key``: the pickle of
the call's arguments (:func:`_call_key`), which Streamlit hashes in one step; the arguments
themselves travel beside it under names that begin with ``_``, which Streamlit does not hash. A
call whose arguments do not pickle (none of the app's) is cached as before, argument by argument.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import inspect
import marshal
import pickle
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

import aliquant_core as core

__all__ = [
    "PROGRAMME_MODEL",
    "TTL",
    "DrawnFigure",
    "EstimatedSource",
    "Spec",
    "cached_data",
    "cached_figure",
    "evaluate",
    "evaluate_programme",
    "install_figure_json",
    "numeric_data_as_arrays",
    "programme",
    "programme_model",
    "source",
]

#: How long a cache entry that nobody uses is kept. An hour covers a meeting in which a shared link
#: is opened and discussed; after it, memory returns to the idle baseline.
TTL = datetime.timedelta(hours=1)

F = TypeVar("F", bound=Callable[..., Any])


def _pickled(value: Any) -> bytes:
    # Equal pickles mean equal values, so a shared key is never wrong; unequal pickles of equal
    # values (1 and 1.0, say) only cost a cache miss.
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


_FAST_HASH = {dict: _pickled, list: _pickled, tuple: _pickled}


def _call_key(names: tuple[str, ...], args: tuple, kwargs: dict[str, Any]) -> bytes:
    """The cache key of a call: the pickle of its arguments, leaving out those whose parameter
    name begins with ``_`` (Streamlit's rule). ``names``: the positional parameters' names.

    Keywords are keyed in name order: a page passing ``**quality, **threat`` and a chart passing the
    same values from sorted pairs make one call, not two. Equal keys mean equal arguments; equal
    arguments given differently (positionally or by name, 1 and 1.0) may give different keys,
    which only costs a miss.
    Raises what pickling raises (``pickle.PicklingError``, ``TypeError``, ...) for an argument
    that does not pickle.
    """
    if any(name.startswith("_") for name in names[: len(args)]) or any(k.startswith("_") for k in kwargs):
        args = (
            tuple(a for a, name in zip(args, names, strict=False) if not name.startswith("_"))
            + args[len(names) :]
        )
        kwargs = {k: v for k, v in kwargs.items() if not k.startswith("_")}
    return pickle.dumps((args, sorted(kwargs.items())), protocol=pickle.HIGHEST_PROTOCOL)


def _one_key(decorator: Callable[[Callable], Any], function: F) -> F:
    """``decorator(function)`` (a Streamlit cache), called with one hashed argument per call: the
    pickle of the call's arguments (see the module docstring, "One key per call")."""

    @functools.wraps(function)
    def keyed(key: bytes, _args: tuple, _kwargs: dict[str, Any]):
        return function(*_args, **_kwargs)

    cached_keyed = decorator(keyed)
    cached_plain = decorator(function)  # for arguments that do not pickle
    # Streamlit keys a function's cache by its module, name and source: ``keyed``'s is the
    # function's where its file can be read, but the wrapper's own code (the same for every
    # function) where not. So each key also starts with the function's own identity.
    origin = inspect.unwrap(function)
    try:
        source: str | bytes = inspect.getsource(origin)
    except (OSError, TypeError):  # no source file: its code object, constants and all
        source = marshal.dumps(origin.__code__)
    token = hashlib.blake2b(pickle.dumps((origin.__module__, origin.__qualname__, source)), digest_size=16)
    prefix = token.digest()
    names = tuple(
        name
        for name, parameter in inspect.signature(function).parameters.items()
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    )

    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            key = _call_key(names, args, kwargs)
        except Exception:  # an argument that does not pickle: Streamlit's own hashing
            return cached_plain(*args, **kwargs)
        return cached_keyed(key=prefix + key, _args=args, _kwargs=kwargs)

    def clear() -> None:
        """Empty this function's cache."""
        cached_keyed.clear()
        cached_plain.clear()

    call.clear = clear  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def cached_data(*, max_entries: int) -> Callable[[F], F]:
    """``st.cache_data`` bounded by ``max_entries`` and :data:`TTL`, without a spinner, keyed by one
    hash per call (:func:`_one_key`)."""
    decorator = st.cache_data(max_entries=max_entries, ttl=TTL, show_spinner=False, hash_funcs=_FAST_HASH)
    return functools.partial(_one_key, decorator)


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


class _Spec(dict):
    """A finished figure's dict (:meth:`DrawnFigure.to_dict`), which keeps its JSON once written.

    Attribute ``json``: ``(engine, text)``, Plotly's JSON of it as ``st.plotly_chart`` asks for it
    (:func:`install_figure_json`), written by that engine.
    """

    def __reduce__(self):
        return (dict, (dict(self),))  # a copy or a pickle is a plain dict, without the JSON


def _figure_json(original: Callable[..., str]) -> Callable[..., str]:
    """``plotly.io.to_json`` that writes a :class:`_Spec` once and then returns the same text."""

    def to_json(fig, validate=True, pretty=False, remove_uids=True, engine=None):
        if type(fig) is not _Spec or validate or pretty or not remove_uids or engine is not None:
            return original(fig, validate=validate, pretty=pretty, remove_uids=remove_uids, engine=engine)
        current = pio.json.config.default_engine
        kept = fig.__dict__.get("json")
        if kept is None or kept[0] != current:
            kept = (current, original(fig, validate=False, pretty=False, remove_uids=True))
            fig.json = kept
        return kept[1]

    to_json._aliquant_figure_json = True  # type: ignore[attr-defined]
    to_json.__wrapped__ = original  # type: ignore[attr-defined]
    return to_json


def install_figure_json() -> bool:
    """Make ``st.plotly_chart`` write a cached figure's JSON once, not on every rerun; once per process.

    ``st.plotly_chart`` turns a figure into its dict (a :class:`DrawnFigure` gives its kept one)
    and writes it with ``plotly.io.to_json(dict, validate=False)`` on every rerun: 0.8 ms for the
    Overview's chart, unchanged since the figure was built. This wraps ``plotly.io.to_json`` so
    that a DrawnFigure's dict is written once and its text kept beside it; every other figure or
    dict, or another option, is written as before. Returns whether it is (now) wrapped.
    """
    if getattr(pio.to_json, "_aliquant_figure_json", False):
        return True
    pio.to_json = _figure_json(pio.to_json)
    return True


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
        spec = _Spec(figure.to_dict())
        figure.__class__ = cls
        figure._spec = spec
        return figure

    @classmethod
    def from_spec(cls, spec: dict) -> DrawnFigure:
        """A DrawnFigure of a finished figure's dict (as ``to_dict`` gives it), kept as it is.

        Building Plotly's objects costs tens of milliseconds for a chart of twenty traces, and
        drawing needs only the dict, so they are built only if something reads the figure's
        attributes (``data``, ``layout``, ...), from the dict, on the first such read.
        """
        figure = cls.__new__(cls)
        figure.__dict__["_spec"] = _Spec(spec)
        figure.__dict__["_objects"] = False
        return figure

    def __getattr__(self, name: str):
        # Reached only when ordinary lookup fails: on a figure from from_spec whose Plotly objects
        # are not built yet. Build them once (their own attribute checks must not recurse here).
        state = self.__dict__
        if state.get("_objects", True):
            raise AttributeError(name)
        state["_objects"] = True
        go.Figure.__init__(self, self._spec)
        return getattr(self, name)

    def to_dict(self) -> dict:
        return self._spec

    def __reduce__(self):
        # A copy or a pickle is an ordinary figure built from the kept dict: free to change.
        return (go.Figure, (dict(self._spec),))

    def __copy__(self) -> go.Figure:
        return go.Figure(dict(self._spec))

    def __deepcopy__(self, memo) -> go.Figure:
        return go.Figure(dict(self._spec))


def cached_figure(*, max_entries: int = 32) -> Callable[[F], F]:
    """``st.cache_resource`` for a figure builder, bounded by ``max_entries`` and :data:`TTL`.

    The returned figure is shared by every caller with the same arguments: draw it, do not change
    it. Its long numeric data is in NumPy arrays (:func:`numeric_data_as_arrays`) and its dict is
    computed once (:class:`DrawnFigure`).
    """

    def decorate(builder: F) -> F:
        @functools.wraps(builder)
        def build(*args, **kwargs):
            figure = builder(*args, **kwargs)
            if isinstance(figure, DrawnFigure):  # finished by the builder (DrawnFigure.from_spec)
                return figure
            return DrawnFigure.freeze(numeric_data_as_arrays(figure))

        decorator = st.cache_resource(
            max_entries=max_entries, ttl=TTL, show_spinner=False, hash_funcs=_FAST_HASH
        )
        return _one_key(decorator, build)

    return decorate


# --- calls several pages share -----------------------------------------------------------------


#: Competitor classes added beside the sidebar's own, as plain tuples (see
#: :mod:`aliquant_app.class_controls`); empty for the one-class model.
Classes = tuple[tuple[str, float, float, float], ...]

_OWN = ("competitors_log10", "footprint", "exploitation")


def split_classes(threat: Mapping[str, float], classes: Classes) -> tuple[dict, tuple]:
    """The shared threat and the core's classes (the sidebar's first) for ``classes`` added."""
    from .class_controls import classes_for  # the sidebar's UI imports this module

    shared = {k: v for k, v in threat.items() if k not in _OWN}
    return shared, classes_for(threat, classes)


@cached_data(max_entries=256)
def evaluate(
    labels: float,
    *,
    error_rate: float | None = None,
    agreement: float | None = None,
    classes: Classes = (),
    **threat,
) -> dict:
    """:func:`aliquant_core.p_align` for one programme: its result's ``to_dict()``.

    With ``classes`` (added beside the sidebar's), :func:`aliquant_core.classes_p_align`: the same
    keys, ``p_align``, ``p_misalign``, ``p_align_lower_bound`` and ``regime`` over every class, the
    per-competitor ones (``p_single``, ``label_win_prob``, ...) the sidebar's class's; besides them
    ``classes`` (each class's figures), ``binding`` (the class contributing most to misalignment),
    ``p_align_one_contest`` and ``log10_gap``, log₁₀ Σ_c K_eff,c(1 − P₁,c) (the complement of the
    Bonferroni bound, and of P_align where that is tiny).
    """
    single = core.p_align(labels, error_rate, agreement=agreement, **threat).to_dict()
    single["log10_gap"] = single["effective_competitors_log10"] + single["log10_single_failure"]
    if not classes:
        return single
    shared, listed = split_classes(threat, classes)
    result = core.classes_p_align(labels, error_rate, agreement=agreement, classes=listed, **shared)
    out = result.to_dict()
    gap = [c["effective_competitors_log10"] + c["log10_single_failure"] for c in out["classes"]]
    with np.errstate(divide="ignore"):
        log10_gap = float(np.logaddexp.reduce(np.asarray(gap) * np.log(10.0)) / np.log(10.0))
    overall = ("p_align", "p_misalign", "p_align_lower_bound", "regime")
    return {
        **single,
        **{k: out[k] for k in overall},
        "classes": out["classes"],
        "binding": out["binding"],
        "p_align_one_contest": out["p_align_one_contest"],
        "log10_gap": log10_gap,
    }


@cached_data(max_entries=64)
def shared_dataset(
    labels: float,
    overlap: float,
    *,
    error_rate: float | None = None,
    agreement: float | None = None,
    classes: Classes = (),
    **threat,
) -> dict:
    """:func:`aliquant_core.shared_p_align` for one programme: its result's ``to_dict()``.

    With ``classes``, :func:`aliquant_core.classes_shared_p_align`'s: ``p_align`` is the product of
    the classes' shared-dataset figures (a lower bound on the whole), ``p_align_at_most`` the upper.
    """
    if not classes:
        return core.shared_p_align(
            labels, error_rate, agreement=agreement, overlap=overlap, **threat
        ).to_dict()
    shared, listed = split_classes(threat, classes)
    result = core.classes_shared_p_align(
        labels, error_rate, agreement=agreement, overlap=overlap, classes=listed, **shared
    )
    return result.to_dict()


#: The threat keywords a programme takes: all but ``blind_spot``, which each source brings.
PROGRAMME_MODEL = core.SHARED_THREAT


def programme_model(values: Mapping[str, float]) -> dict[str, float]:
    """The :data:`PROGRAMME_MODEL` keywords out of ``values`` (the sidebar's threat, or settings)."""
    return {name: float(values[name]) for name in PROGRAMME_MODEL}


#: A source estimated from the user's labels, as numbers (hashable, so cached calls key on them):
#: (name, error rate, blind spot or None where not identified, provenance); see :func:`source`.
EstimatedSource = tuple[str, float, float | None, str]
#: A programme for the core: (source, labels, redundancy) per source; the source a preset key or
#: an :data:`EstimatedSource`.
Spec = tuple[tuple[str | EstimatedSource, float, int], ...]


def source(key: str | EstimatedSource) -> core.Source:
    """The core's :class:`~aliquant_core.Source` of a :data:`Spec`'s source: a preset by its key, or
    one estimated from labels (:func:`aliquant_core.estimated_source`) from its numbers."""
    if isinstance(key, tuple):
        name, error_rate, blind_spot, provenance = key
        return core.estimated_source(error_rate, blind_spot, provenance, name=name)
    return core.PRESETS[key]


def programme(spec: Spec, aggregation: str, name: str = "") -> core.Programme:
    """The core's :class:`~aliquant_core.Programme` of a :data:`Spec`."""
    allocations = tuple(core.Allocation(source(p), n, r) for p, n, r in spec)
    return core.Programme(allocations, aggregation=aggregation, name=name)


@cached_data(max_entries=256)
def evaluate_programme(spec: Spec, aggregation: str, **model) -> dict:
    """:func:`aliquant_core.programme_p_align`, :func:`~aliquant_core.programme_cost` and
    :func:`~aliquant_core.feasibility` of one programme, as plain values.

    ``model``: the threat quantities but ``blind_spot`` (each source brings its own). Besides the
    result's and the cost's fields: ``label_win_prob`` per source, ``exact`` (all sources),
    ``log10_gap`` (log10 of K_eff·(1 − P₁)), ``labels`` and ``feasibility`` (None without labels).
    """
    chosen = programme(spec, aggregation)
    result = core.programme_p_align(chosen, **model)
    cost = core.programme_cost(chosen)
    feasible = None
    if chosen.labels > 0 and cost.labeler_hours > 0:
        feasible = core.feasibility(chosen.labels, float(cost.labeler_hours)).to_dict()
    return {
        **result.to_dict(),
        **cost.to_dict(),
        "log10_gap": float(result.effective_competitors_log10) + float(result.log10_single_failure),
        "label_win_prob": np.atleast_1d(result.label_win_prob).astype(float).tolist(),
        "exact": bool(np.all(result.exact)),
        "labels": chosen.labels,
        "feasibility": feasible,
    }
