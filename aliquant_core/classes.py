r"""Competitor classes: the :math:`K` competitors need not be alike.

The base model gives every one of the :math:`K` unaligned competitors the same footprint and
exploitation, so it cannot say the essay's central worry: *a few* competitors that differ from the
aligned policy only where evaluators are fooled, hidden among very many benign ones. A
:class:`CompetitorClass` has its own name, count :math:`\log_{10} K_c` (``competitors_log10``),
footprint :math:`f_c` and exploitation :math:`\chi_c`; the label quality (``error_rate``,
``fooled_rate``), the blind spot :math:`\sigma` and the prior bits :math:`b` are shared
(:data:`CLASS_SHARED_THREAT`). Per class (model brief)

.. math::

    h_c = \sigma + \chi_c(\min(1, \sigma/f_c) - \sigma), \quad
    q_c = (1 - h_c)(1 - \varepsilon) + h_c(1 - \varphi), \quad
    m_c = \operatorname{round}(f_c N), \\
    P_{1,c} = I_{q_c}(a_c, a_c),\ a_c = \lceil m_c/2 \rceil, \qquad
    K_{\text{eff},c} = \max(1, 10^{\log_{10} K_c}\, 2^{-b}),

and with every contest independent

.. math::

    P_\text{align} = \prod_c P_{1,c}^{K_{\text{eff},c}}
    = \exp\!\Big(-\sum_c e^{\ln K_{\text{eff},c} + \ln(-\ln P_{1,c})}\Big),

summed in log space (a log-sum-exp over classes), since each exponent spans hundreds of orders of
magnitude. The prior bits rule out the same share :math:`2^{-b}` of every class (evidence that
favours the aligned policy does so whatever the competitor). One class is the base model
exactly: the log-sum-exp of one term is that term, so every figure is reproduced to the last bit.

The shared-dataset range holds per class and overall: one dataset judges every competitor of every
class, and each "competitor loses" event increases with label correctness, so by Harris–FKG

.. math::

    \max\Big(0, 1 - \sum_c K_{\text{eff},c}(1 - P_{1,c})\Big) \le
    \prod_c P_{1,c}^{K_{\text{eff},c}} \le P_\text{align} \le \min_c P_{1,c}.

The class that *binds* is the one contributing most to misalignment, the largest
:math:`K_{\text{eff},c}(-\ln P_{1,c})`; its share of :math:`-\ln P_\text{align}` is reported per
class.
"""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import _math
from ._results import Result, plain
from ._types import ArrayLike, FloatArray, RegimeArray
from ._validation import check_range, resolve_error_rate
from .model import _align_from_logs, _log_neg_log, _regime, _single_logs, _small_log
from .quantities import (
    CLASS_QUANTITIES,
    DEFAULTS,
    THREAT,
    Assumptions,
    QuantityError,
    check,
    takes_assumptions,
)

__all__ = [
    "CLASS_QUANTITIES",
    "CLASS_SHARED_THREAT",
    "MAX_CLASSES",
    "MAX_CLASS_NAME",
    "TARGETED_FEW",
    "ClassResult",
    "ClassesResult",
    "ClassesSharedResult",
    "CompetitorClass",
    "check_classes",
    "classes_from_assumptions",
    "classes_p_align",
    "classes_shared_p_align",
    "targeted_few",
]

#: The threat quantities every class shares: the keywords beside ``classes=``.
CLASS_SHARED_THREAT = tuple(name for name in THREAT if name not in CLASS_QUANTITIES)

#: Most classes in one evaluation (a scenario, a share link, the explorer).
MAX_CLASSES = 20

#: Longest class name, in characters.
MAX_CLASS_NAME = 60

#: Exploitation of the "targeted few" preset: every difference where labelers are fooled.
_TARGETED_EXPLOITATION = 1.0

#: Competitors of the "targeted few" preset: a hundred.
_TARGETED_COMPETITORS_LOG10 = 2.0


def _class_name(name: Any) -> str:
    if not isinstance(name, str):
        raise QuantityError(f"a competitor class's name must be text; got {type(name).__name__}")
    text = name.strip()
    if not text or len(text) > MAX_CLASS_NAME:
        raise QuantityError(
            f"a competitor class's name must have 1 to {MAX_CLASS_NAME} characters; got {len(text)}"
        )
    if any(unicodedata.category(ch).startswith("C") for ch in text):
        raise QuantityError("a competitor class's name must not hold control characters")
    return text


@dataclass(frozen=True)
class CompetitorClass:
    """One class of competitors: a name, a count, a footprint and an exploitation of its own.

    Attributes
    ----------
    name : str
        Shown in tables and as the binding class; 1 to :data:`MAX_CLASS_NAME` characters.
    competitors_log10, footprint, exploitation : float
        :math:`\\log_{10} K_c`, :math:`f_c` and :math:`\\chi_c`, each a single number in its
        interval in :data:`aliquant_core.QUANTITIES` (defaults the table's).

    Raises
    ------
    QuantityError
        Naming the field and its interval, or the name's rule.

    Examples
    --------
    >>> CompetitorClass("targeted", competitors_log10=2, footprint=0.03, exploitation=1).threat
    {'competitors_log10': 2.0, 'footprint': 0.03, 'exploitation': 1.0}
    """

    name: str = "competitors"
    competitors_log10: float = DEFAULTS["competitors_log10"]
    footprint: float = DEFAULTS["footprint"]
    exploitation: float = DEFAULTS["exploitation"]

    def __post_init__(self):
        object.__setattr__(self, "name", _class_name(self.name))
        for quantity in CLASS_QUANTITIES:
            value = check(quantity, getattr(self, quantity))
            if value.ndim:
                raise QuantityError(
                    f"{quantity} of a competitor class must be a single number; got {value.size} values"
                )
            object.__setattr__(self, quantity, float(value))

    @property
    def threat(self) -> dict[str, float]:
        """The class's own quantities (:data:`CLASS_QUANTITIES`) by name."""
        return {quantity: getattr(self, quantity) for quantity in CLASS_QUANTITIES}

    def as_dict(self) -> dict[str, Any]:
        """``name`` and the class's quantities: a scenario's ``competitor_classes`` entry."""
        return {"name": self.name, **self.threat}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompetitorClass:
        """From a mapping keyed by ``name`` and :data:`CLASS_QUANTITIES` (missing ones take the table's
        defaults); any other key is a QuantityError naming the allowed ones."""
        if not isinstance(data, Mapping):
            raise QuantityError(f"a competitor class must be an object; got {type(data).__name__}")
        unknown = set(data) - {"name", *CLASS_QUANTITIES}
        if unknown:
            raise QuantityError(
                f"unknown key(s) {', '.join(sorted(map(str, unknown)))} in a competitor class; the keys are "
                f"name, {', '.join(CLASS_QUANTITIES)}"
            )
        return cls(**dict(data))


def targeted_few(blind_spot: float = DEFAULTS["blind_spot"], name: str = "targeted few") -> CompetitorClass:
    """The "targeted few" preset: 10² competitors whose footprint is the blind spot, exploitation 1.

    Each differs from the aligned policy only where labelers are fooled (:math:`h = 1`). A blind
    spot of 0 is outside the footprint's interval; the footprint is then the table's default.
    """
    footprint = float(blind_spot) if float(blind_spot) > 0.0 else DEFAULTS["footprint"]
    return CompetitorClass(name, _TARGETED_COMPETITORS_LOG10, footprint, _TARGETED_EXPLOITATION)


#: The "targeted few" preset at the table's blind spot (see :func:`targeted_few`).
TARGETED_FEW = targeted_few()


def check_classes(classes: Any) -> tuple[CompetitorClass, ...]:
    """``classes`` as a tuple of :class:`CompetitorClass` (mappings are read with ``from_dict``).

    Raises
    ------
    QuantityError
        For no class, more than :data:`MAX_CLASSES`, two with one name, or a bad class.
    """
    if isinstance(classes, CompetitorClass | Mapping | str) or not isinstance(classes, Sequence):
        raise QuantityError("classes must be a list of competitor classes")
    if not 1 <= len(classes) <= MAX_CLASSES:
        raise QuantityError(f"give 1 to {MAX_CLASSES} competitor classes; got {len(classes)}")
    checked = tuple(c if isinstance(c, CompetitorClass) else CompetitorClass.from_dict(c) for c in classes)
    names = [c.name for c in checked]
    if len(set(names)) != len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise QuantityError(f"two competitor classes are named {twice!r}; each needs its own name")
    return checked


def classes_from_assumptions(
    assumptions: Assumptions, extra: Sequence[CompetitorClass] = (), *, name: str = "competitors"
) -> tuple[CompetitorClass, ...]:
    """The assumptions' own class (its footprint, exploitation and count) first, then ``extra``."""
    first = CompetitorClass(name, **{q: getattr(assumptions, q) for q in CLASS_QUANTITIES})
    return check_classes((first, *extra))


def check_shared(threat: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The shared threat (:data:`CLASS_SHARED_THREAT`), checked, with the table's defaults.

    Raises
    ------
    TypeError
        For a class quantity (each class has its own) or any other unknown keyword.
    """
    own = set(threat) & set(CLASS_QUANTITIES)
    if own:
        raise TypeError(
            f"{', '.join(sorted(own))} belong(s) to each competitor class, not beside classes=; the shared "
            f"threat is {', '.join(CLASS_SHARED_THREAT)}"
        )
    unknown = set(threat) - set(CLASS_SHARED_THREAT)
    if unknown:
        raise TypeError(
            f"unexpected keyword argument(s) {', '.join(sorted(unknown))}; the shared threat is "
            f"{', '.join(CLASS_SHARED_THREAT)}"
        )
    return {name: check(name, threat.get(name, DEFAULTS[name])) for name in CLASS_SHARED_THREAT}


# -- the arithmetic ---------------------------------------------------------------------------------


def _logsumexp(terms: Sequence[np.ndarray]) -> np.ndarray:
    """ln Σ exp(terms) over a sequence of broadcastable arrays; exactly the term when there is one."""
    return _logsumexp_argmax(terms)[0]


def _logsumexp_argmax(terms: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """ln Σ exp(terms) and the index of the largest term (the first on a tie), in one pass."""
    first = np.asarray(terms[0], dtype=float)
    if len(terms) == 1:
        return first, np.zeros(first.shape, dtype=int)
    top, index = first, np.zeros(np.broadcast_shapes(*(np.shape(t) for t in terms)), dtype=int)
    for i, term in enumerate(terms[1:], start=1):
        greater = term > top
        top = np.where(greater, term, top)
        index[np.broadcast_to(greater, index.shape)] = i
    finite = np.isfinite(top)
    every = bool(np.all(finite))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        shift = top if every else np.where(finite, top, 0.0)
        total = sum(np.exp(t - shift) for t in terms)
        out = shift + np.log(total)
    # Every term −inf: −inf; some term +inf: +inf (the subtraction made NaN there).
    return (out if every else np.where(finite, out, top)), index


class _ClassLogs:
    """One class's logs at the inputs' shape: what every solver and the result combine.

    Built from ln P₁ and ln(1 − P₁), or (:meth:`from_small`) from the smaller of the two and which
    one it is, the rest then computed only where it is needed.
    """

    def __init__(self, log_single, log_failure, log_k):
        self.log_single, self.log_failure, self.log_k = log_single, log_failure, log_k
        self._small = None

    @classmethod
    def from_small(cls, log_small, favourable, log_k) -> _ClassLogs:
        logs = cls.__new__(cls)
        logs.log_k, logs._small = log_k, (log_small, favourable)
        return logs

    def __getattr__(self, name):
        # ln P₁ and ln(1 − P₁) of a from_small, on first use.
        if name in ("log_single", "log_failure") and self.__dict__.get("_small") is not None:
            log_small, favourable = self._small
            log_large = np.log1p(-np.exp(log_small))
            self.log_single = np.where(favourable, log_large, log_small)
            self.log_failure = np.where(favourable, log_small, log_large)
            return self.__dict__[name]
        raise AttributeError(name)

    def failure_at(self, index) -> np.ndarray:
        """ln(1 − P₁) at the points ``index`` (a mask or indices of the flattened shape)."""
        if "log_failure" in self.__dict__ or self._small is None:
            return self.log_failure[index]
        log_small, favourable = self._small
        small, fav = log_small[index], favourable[index]
        return np.where(fav, small, np.log1p(-np.exp(small)))

    @functools.cached_property
    def exponent(self) -> np.ndarray:
        """ln(K_eff,c · (−ln P₁,c)), the class's term of ln(−ln P_align) (computed once).

        From the smaller log: ln(1 − P₁) itself where 1 − P₁ < e⁻⁴⁰ (−ln P₁ = 1 − P₁ to double
        precision), else ln(−ln P₁); operation for operation what
        :func:`aliquant_core.model._log_neg_log` gives.
        """
        if self._small is None:
            return self.log_k + _log_neg_log(self.log_failure, self.log_single)
        log_small, favourable = self._small
        with np.errstate(divide="ignore"):
            out = np.log(-log_small)  # ln(−ln P₁) where P₁ is the smaller
            out = np.where(favourable, log_small, out)  # ln(1 − P₁) where that is below e⁻⁴⁰
            wide = favourable & (log_small >= -40.0)
            if np.any(wide):
                out[wide] = np.log(-np.log1p(-np.exp(log_small[wide])))
        return self.log_k + out


def _class_inputs(shared, klass, error_rate):
    """Per class and independent of N: h, q, 1 − q, q − ½ and ln K_eff (each at its own shape)."""
    blind = _math.blind_share(shared["blind_spot"], klass["footprint"], klass["exploitation"])
    fooled = shared["fooled_rate"]
    return {
        "blind": blind,
        "win": _math.label_win_prob(error_rate, blind, fooled),
        "loss": _math.label_loss_prob(error_rate, blind, fooled),
        "margin": _math.label_margin(error_rate, blind, fooled),
        "log_k": _math.log_effective_competitors(klass["competitors_log10"], shared["prior_bits"]),
        "footprint": klass["footprint"],
    }


def _logs_at(inputs, labels, shape=None) -> tuple[_ClassLogs, np.ndarray]:
    """The class's logs at ``labels`` (any non-negative float, not range-checked) and m; at ``shape``
    if given."""
    informative = _math.informative_labels(labels, inputs["footprint"])
    log_small, favourable = _small_log(informative, inputs["loss"], inputs["win"], inputs["margin"])
    if shape is not None:
        log_small = np.broadcast_to(log_small, shape)
        favourable = np.broadcast_to(favourable, shape)
    return _ClassLogs.from_small(log_small, favourable, inputs["log_k"]), informative


def _misalignment_exponent(logs: Sequence[_ClassLogs]) -> np.ndarray:
    """ln(−ln P_align) = ln Σ_c K_eff,c(−ln P₁,c)."""
    return _logsumexp([c.exponent for c in logs])


def _failure_at(logs: _ClassLogs, shape, mask) -> np.ndarray:
    if logs._small is None:
        return np.broadcast_to(logs.log_failure, shape)[mask]
    return logs.failure_at(mask)


def _overall(logs: Sequence[_ClassLogs]):
    """P_align, 1 − P_align, the Bonferroni bound, ln(−ln P_align) and the binding class's index.

    For one class this is :func:`aliquant_core.model._align_from_logs` operation for operation.
    """
    exponent_total, index = _logsumexp_argmax([c.exponent for c in logs])
    exponent = np.minimum(exponent_total, 700.0)
    log_p_align = -np.exp(exponent)
    p_align = np.exp(log_p_align)
    p_misalign = -np.expm1(log_p_align)
    shape = p_align.shape
    bound = np.ones(shape)
    # Each union term ln K + ln(1 − P₁) is at most its exponent ln K + ln(−ln P₁) (−ln P ≥ 1 − P), so
    # the union is below e⁻⁴⁰ (bound 1 to double precision) wherever the exponents' sum is: only the
    # rest is summed.
    exponent_total = np.broadcast_to(exponent_total, shape)
    candidates = np.ones(shape, dtype=bool) if len(logs) == 1 else exponent_total >= -40.0 - 1e-09
    share = np.count_nonzero(candidates) / max(candidates.size, 1)
    if share > 0.25 and len(logs) > 1:  # gathering most points costs more than summing them all
        log_union = _logsumexp([c.log_k + _failure_at(c, shape, ...) for c in logs])
        counted = candidates & (log_union >= -40.0)
        bound[counted] = np.maximum(0.0, -np.expm1(np.minimum(log_union[counted], 700.0)))
    elif share > 0.0:
        terms = [
            np.broadcast_to(c.log_k, shape)[candidates] + _failure_at(c, shape, candidates) for c in logs
        ]
        log_union = _logsumexp(terms)
        counted = log_union >= -40.0
        values = np.ones(log_union.shape)
        values[counted] = np.maximum(0.0, -np.expm1(np.minimum(log_union[counted], 700.0)))
        bound[candidates] = values
    return p_align, p_misalign, bound, exponent_total, np.broadcast_to(index, shape)


# -- the result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassResult(Result):
    """One class's share of a :class:`ClassesResult`; every array has the inputs' broadcast shape.

    Attributes
    ----------
    name : str
        The class's name.
    competitors_log10, footprint, exploitation : float or ndarray
        Its own quantities.
    p_align : float or ndarray
        :math:`P_{1,c}^{K_{\\text{eff},c}}`: the data favours the aligned policy over every
        competitor of this class (contests independent).
    p_misalign : float or ndarray
        :math:`1 - P_{1,c}^{K_{\\text{eff},c}}` to full relative accuracy.
    p_align_lower_bound : float or ndarray
        The class's Bonferroni bound :math:`\\max(0, 1 - K_{\\text{eff},c}(1 - P_{1,c}))`.
    p_single : float or ndarray
        :math:`P_{1,c}`: against one competitor of the class; also the upper end of the class's
        shared-dataset range.
    single_failure, log10_single_failure : float or ndarray
        :math:`1 - P_{1,c}` and its log₁₀ (finite far below the float range).
    label_win_prob, blind_share, informative_labels : float or ndarray
        :math:`q_c`, :math:`h_c` and :math:`m_c`.
    effective_competitors_log10 : float or ndarray
        :math:`\\log_{10} K_{\\text{eff},c}`.
    misalignment_share : float or ndarray
        The class's share of :math:`-\\ln P_\\text{align}`,
        :math:`K_{\\text{eff},c}(-\\ln P_{1,c}) / \\sum_{c'} K_{\\text{eff},c'}(-\\ln P_{1,c'})`
        (NaN where no class contributes anything).
    regime : str or ndarray of str
        By the sign of :math:`q_c - \\tfrac12`.
    """

    name: str
    competitors_log10: FloatArray
    footprint: FloatArray
    exploitation: FloatArray
    p_align: FloatArray
    p_misalign: FloatArray
    p_align_lower_bound: FloatArray
    p_single: FloatArray
    single_failure: FloatArray
    log10_single_failure: FloatArray
    label_win_prob: FloatArray
    blind_share: FloatArray
    informative_labels: FloatArray
    effective_competitors_log10: FloatArray
    misalignment_share: FloatArray
    regime: RegimeArray


@dataclass(frozen=True)
class ClassesResult(Result):
    """Probability of outer alignment against several classes of competitors.

    Every overall field has the inputs' broadcast shape (NumPy scalars for scalar inputs).

    Attributes
    ----------
    p_align : float or ndarray
        :math:`\\prod_c P_{1,c}^{K_{\\text{eff},c}}`, every contest independent: the lower end of the
        shared-dataset range.
    p_misalign : float or ndarray
        :math:`1 - P_\\text{align}` to full relative accuracy.
    p_align_lower_bound : float or ndarray
        Bonferroni over every competitor of every class,
        :math:`\\max(0, 1 - \\sum_c K_{\\text{eff},c}(1 - P_{1,c}))`, true under any dependence.
    p_align_one_contest : float or ndarray
        :math:`\\min_c P_{1,c}`, the upper end of the shared-dataset range (every competitor
        judged on one contest: the hardest single competitor is what is left).
    misalignment_exponent : float or ndarray
        :math:`\\ln(-\\ln P_\\text{align}) = \\ln \\sum_c K_{\\text{eff},c}(-\\ln P_{1,c})`, resolved
        where :math:`P_\\text{align}` rounds to 0 or 1 (``-inf`` where it is exactly 1).
    binding : str or ndarray of str
        Name of the class contributing most to misalignment (the largest
        :math:`K_{\\text{eff},c}(-\\ln P_{1,c})`; the first class on a tie).
    binding_index : int or ndarray of int
        Its position in ``classes``.
    regime : str or ndarray of str
        ``"no_quantity_suffices"`` if any class has :math:`q_c < \\tfrac12` (that class drives
        :math:`P_\\text{align}` to 0 as labels grow), else ``"knife_edge"`` if any has
        :math:`q_c = \\tfrac12`, else ``"quantity_suffices"``.
    names : tuple of str
        The classes' names, in order.
    classes : tuple of ClassResult
        Per class, in the order given (built on first use).
    """

    p_align: FloatArray
    p_misalign: FloatArray
    p_align_lower_bound: FloatArray
    misalignment_exponent: FloatArray
    binding_index: Any
    regime: RegimeArray
    names: tuple[str, ...]
    _build: Any = field(default=None, repr=False, compare=False)
    _one_contest: Any = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def p_align_one_contest(self) -> FloatArray:
        """:math:`\\min_c P_{1,c}`, the upper end of the shared-dataset range (see the class notes)."""
        return self._one_contest()

    # Per class detail and the binding names are built on first use: a grid that needs only the
    # product (the explorer's map) does not pay for a dozen arrays per class.

    @functools.cached_property
    def classes(self) -> tuple[ClassResult, ...]:
        """Per class, in the order given (see :class:`ClassResult`)."""
        return self._build()

    @functools.cached_property
    def binding(self) -> RegimeArray:
        """Name of the class contributing most to misalignment (see the class notes)."""
        return np.asarray(np.asarray(self.names, dtype=str)[self.binding_index])[()]

    def to_dict(self, *, json_safe: bool = False) -> dict[str, Any]:
        """Every field, ``binding`` and ``classes`` (each class's :meth:`ClassResult.to_dict`), as plain
        Python."""
        out = {
            f.name: plain(getattr(self, f.name), json_safe=json_safe)
            for f in dataclasses.fields(self)
            if not f.name.startswith("_")
        }
        out["p_align_one_contest"] = plain(self.p_align_one_contest, json_safe=json_safe)
        out["binding"] = plain(self.binding, json_safe=json_safe)
        out["classes"] = [c.to_dict(json_safe=json_safe) for c in self.classes]
        return out

    def by_name(self, name: str) -> ClassResult:
        """The :class:`ClassResult` of the class called ``name``."""
        for c in self.classes:
            if c.name == name:
                return c
        raise KeyError(f"no competitor class named {name!r}; the classes are {', '.join(self.names)}")


def _worst_regime(margins: Sequence[np.ndarray], shape) -> np.ndarray:
    """The overall regime: the lowest sign of q_c − ½ over the classes."""
    sign = functools.reduce(np.minimum, [np.sign(m) for m in margins])
    return _regime(np.broadcast_to(sign, shape))


def _result(names, class_threats, prior_bits, logs, details) -> ClassesResult:
    """Assemble a :class:`ClassesResult` from each class's logs and details.

    ``details`` holds per class ``win`` (q), ``blind`` (h), ``informative`` (m), at the points'
    shape or with a sources axis last, and ``margin``, whose sign gives the class's regime.
    """
    p_align, p_misalign, bound, exponent_total, index = _overall(logs)
    shape = p_align.shape

    def build() -> tuple[ClassResult, ...]:
        return _class_results(names, class_threats, prior_bits, logs, details, exponent_total, shape)

    def one_contest():
        return np.broadcast_to(np.exp(functools.reduce(np.minimum, [c.log_single for c in logs])), shape)[()]

    return ClassesResult(
        p_align=p_align[()],
        p_misalign=p_misalign[()],
        p_align_lower_bound=bound[()],
        misalignment_exponent=exponent_total[()],
        binding_index=np.asarray(index)[()],
        regime=_worst_regime([d["margin"] for d in details], shape)[()],
        names=tuple(names),
        _build=build,
        _one_contest=one_contest,
    )


def _class_results(names, class_threats, prior_bits, logs, details, exponent_total, shape):
    """Each class's :class:`ClassResult` (see :func:`_result`)."""

    def at_shape(value):
        value = np.asarray(value)
        return (value if value.ndim > len(shape) else np.broadcast_to(value, shape))[()]

    per_class = []
    for name, klass, c, detail in zip(names, class_threats, logs, details, strict=True):
        c_align, c_misalign, c_bound = _align_from_logs(c.log_single, c.log_failure, c.log_k)
        if len(logs) == 1:
            share = np.where(np.isfinite(exponent_total), 1.0, np.nan) * np.ones(shape)
        else:
            with np.errstate(invalid="ignore"):
                share = np.exp(np.broadcast_to(c.exponent, shape) - exponent_total)
        per_class.append(
            ClassResult(
                name=name,
                **{q: at_shape(klass[q]) for q in CLASS_QUANTITIES},
                p_align=at_shape(c_align),
                p_misalign=at_shape(c_misalign),
                p_align_lower_bound=at_shape(c_bound),
                p_single=at_shape(np.exp(c.log_single)),
                single_failure=at_shape(np.exp(c.log_failure)),
                log10_single_failure=at_shape(c.log_failure / _math.LN10 + 0.0),
                label_win_prob=at_shape(detail["win"]),
                blind_share=at_shape(detail["blind"]),
                informative_labels=at_shape(detail["informative"]),
                effective_competitors_log10=at_shape(
                    np.maximum(0.0, klass["competitors_log10"] - prior_bits * _math.LOG10_2)
                ),
                misalignment_share=np.asarray(share)[()],
                regime=_regime(np.broadcast_to(detail["margin"], shape))[()],
            )
        )
    return tuple(per_class)


def _class_arrays(classes: Sequence[CompetitorClass]) -> list[dict[str, np.ndarray]]:
    return [{q: np.asarray(getattr(c, q), dtype=float) for q in CLASS_QUANTITIES} for c in classes]


def evaluate_classes(labels, error_rate, shared, class_threats, names) -> ClassesResult:
    """:func:`classes_p_align` on checked inputs; ``class_threats`` may hold arrays (uncertainty,
    trajectories), each class's values broadcasting against the rest."""
    shape = np.broadcast_shapes(
        np.shape(labels), np.shape(error_rate), *(np.shape(v) for v in shared.values()),
        *(np.shape(v) for k in class_threats for v in k.values()),
    )  # fmt: skip
    inputs = [_class_inputs(shared, k, error_rate) for k in class_threats]
    # Each log array at the inputs' shape, so the overall fields have it too.
    pairs = [_logs_at(inp, labels, shape) for inp in inputs]
    logs = [p[0] for p in pairs]
    informative = [p[1] for p in pairs]
    details = [
        {"win": inp["win"], "blind": inp["blind"], "informative": m, "margin": inp["margin"]}
        for inp, m in zip(inputs, informative, strict=True)
    ]
    return _result(names, class_threats, shared["prior_bits"], logs, details)


def combine_logs(names, class_threats, prior_bits, logs, details) -> ClassesResult:
    """A :class:`ClassesResult` from per-class ln P₁, ln(1 − P₁) and ln K_eff (``(log_single,
    log_failure, log_k)`` triples) computed elsewhere, e.g. by a programme's mixture."""
    return _result(names, class_threats, prior_bits, [_ClassLogs(*triple) for triple in logs], details)


@takes_assumptions
def classes_p_align(
    labels: ArrayLike,
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    classes: Sequence[CompetitorClass],
    **threat: ArrayLike,
) -> ClassesResult:
    r"""Probability of outer alignment against several classes of competitors.

    Also callable as ``classes_p_align(assumptions, classes=...)``: the assumptions give the labels,
    the label quality and the shared threat; their own footprint, exploitation and count are not
    used (the classes hold them; :func:`classes_from_assumptions` makes them the first class).

    Parameters
    ----------
    labels, error_rate, agreement : array_like
        As for :func:`aliquant_core.p_align`; all broadcast.
    classes : sequence of CompetitorClass
        1 to :data:`MAX_CLASSES` classes with distinct names (mappings keyed like
        :meth:`CompetitorClass.as_dict` are read too).
    **threat : array_like
        The shared threat (:data:`CLASS_SHARED_THREAT`: ``blind_spot``, ``fooled_rate``,
        ``prior_bits``), each defaulting to the table's. A class quantity here is a TypeError.

    Returns
    -------
    ClassesResult
        The product, the Bonferroni bound, the shared-dataset range's upper end, the binding class
        and each class's :class:`ClassResult`.

    Notes
    -----
    See the module notes. One class gives exactly :func:`aliquant_core.p_align`'s figures.

    Examples
    --------
    Two classes of one competitor each, every situation informative, no blind spot, three labels
    right with chance 0.8: each class's :math:`P_1 = 0.896`, so :math:`P_\text{align} = 0.896^2`.

    >>> one = CompetitorClass("a", competitors_log10=0, footprint=1)
    >>> two = CompetitorClass("b", competitors_log10=0, footprint=1)
    >>> round(float(classes_p_align(3, 0.2, classes=[one, two], blind_spot=0).p_align), 6)
    0.802816

    The targeted few bind: a hundred competitors that differ only inside blind spots beat
    :math:`10^{20}` benign ones.

    >>> r = classes_p_align(100_000, 0.1638, classes=[CompetitorClass(exploitation=0.3), TARGETED_FEW])
    >>> str(r.binding)
    'targeted few'
    """
    classes = check_classes(classes)
    shared = check_shared(threat)
    labels = check_range("labels", labels)
    error = resolve_error_rate(error_rate, agreement)
    return evaluate_classes(labels, error, shared, _class_arrays(classes), [c.name for c in classes])


# -- solvers over classes (the one-class case is the base model's own solver) ---------------------

#: Most rounds of the required-labels search when some class's labels favour its competitors.
_MAX_ROUNDS = 200

#: Bisection steps on ε or σ in [0, 1]: enough to reach adjacent doubles.
_BISECTION_STEPS = 100


def _flat(shape, inputs):
    return [{k: np.broadcast_to(v, shape).ravel() for k, v in inp.items()} for inp in inputs]


def _exponent_at(inp, labels, index):
    """ln(K_eff,c (−ln P₁,c)) for the points ``index`` of a flattened class at ``labels``."""
    sub = {k: v[index] for k, v in inp.items()}
    logs, _ = _logs_at(sub, labels)
    return logs.exponent


def _smallest_labels(gap, lo):
    """Smallest whole N > lo with gap(N, points) ≤ 0, gap non-increasing in N and gap(lo) > 0.

    ``inf`` where no float N does. The bracket grows by squaring, then shrinks geometrically
    while it spans more than a factor of four and by halves after.
    """
    points = np.arange(lo.size)
    hi = np.maximum(4.0, 2.0 * lo)
    result = np.full(lo.size, np.inf)
    growing = np.ones(lo.size, dtype=bool)
    while np.any(growing):
        idx = points[growing]
        met = gap(hi[idx], idx) <= 0.0
        growing[idx[met]] = False
        lo[idx[~met]] = hi[idx[~met]]
        with np.errstate(over="ignore"):
            hi[idx[~met]] = hi[idx[~met]] ** 2
        beyond = growing & ~np.isfinite(hi)
        growing &= ~beyond
        hi[beyond] = np.nan
    found = np.isfinite(hi)
    while True:
        open_ = found & (hi - lo > np.maximum(1.0, hi * 4e-16))
        if not np.any(open_):
            break
        idx = points[open_]
        low_, high_ = lo[idx], hi[idx]
        geometric = high_ > 4.0 * (low_ + 1.0)
        mid = np.where(geometric, np.floor(np.sqrt((low_ + 1.0) * high_)), np.floor((low_ + high_) / 2.0))
        mid = np.clip(mid, low_ + 1.0, high_ - 1.0)
        met = gap(mid, idx) <= 0.0
        hi[idx[met]] = mid[met]
        lo[idx[~met]] = mid[~met]
    result[found] = hi[found]
    return result


def required_labels_for(target, error_rate, shared, class_threats) -> np.ndarray:
    r"""Smallest N with :math:`\prod_c P_{1,c}^{K_{\text{eff},c}} \ge P^*`, on checked inputs.

    Classes whose labels favour the aligned policy (:math:`q_c > \tfrac12`) gain with every label;
    classes with :math:`q_c < \tfrac12` lose, so :math:`P_\text{align}` need not be monotone in N.
    Writing :math:`G(N)` and :math:`B(N)` for the two groups' sums of
    :math:`K_{\text{eff},c}(-\ln P_{1,c})` (:math:`G` non-increasing, :math:`B` non-decreasing;
    knife-edge classes in :math:`B`, constant), the target is :math:`G + B \le -\ln P^*`. From
    :math:`N_0 = 0`: no :math:`N < N_{k+1}`, the smallest :math:`N \ge N_k` with
    :math:`G(N) \le -\ln P^* - B(N_k)`, can meet it (there :math:`B(N) \ge B(N_k)`); if
    :math:`N_{k+1}` does, it is the answer, else repeat from it. :math:`B` only grows, so the
    answer is infinite once :math:`B(N_k) \ge -\ln P^*` or no class gains.
    """
    inputs = [_class_inputs(shared, k, error_rate) for k in class_threats]
    shape = np.broadcast_shapes(np.shape(target), *(np.shape(v) for inp in inputs for v in inp.values()))
    flat = _flat(shape, inputs)
    budget = np.broadcast_to(np.log(-np.log(target)), shape).ravel()
    size = budget.size
    gains = [inp["margin"] > 0.0 for inp in flat]

    def exponents(labels, index, which):
        terms = []
        for inp, gain in zip(flat, gains, strict=True):
            wanted = gain[index] if which == "gain" else (~gain[index] if which == "rest" else True)
            e = _exponent_at(inp, labels, index)
            terms.append(np.where(wanted, e, -np.inf))
        return _logsumexp(terms)

    everything = np.arange(size)
    result = np.full(size, np.inf)
    zero = np.zeros(size)
    free = exponents(zero, everything, "all") <= budget
    result[free] = 0.0
    any_gain = functools.reduce(np.logical_or, gains)
    active = everything[~free & any_gain]
    at = np.zeros(size)
    for _ in range(_MAX_ROUNDS):
        if active.size == 0:
            break
        rest = exponents(at[active], active, "rest")
        room = rest < budget[active]
        active = active[room]
        rest = rest[room]
        if active.size == 0:
            break
        with np.errstate(divide="ignore"):
            allowed = budget[active] + np.log1p(-np.exp(rest - budget[active]))

        def gap(labels, sub, active=active, allowed=allowed):
            return exponents(labels, active[sub], "gain") - allowed[sub]

        start = at[active].copy()
        met_now = gap(start, np.arange(active.size)) <= 0.0
        found = np.where(met_now, start, np.nan)
        if np.any(~met_now):
            found[~met_now] = _smallest_labels(_gap_subset(gap, np.flatnonzero(~met_now)), start[~met_now])
        reached = np.isfinite(found)
        done = np.zeros(active.size, dtype=bool)
        if np.any(reached):
            idx = np.flatnonzero(reached)
            ok = exponents(found[idx], active[idx], "all") <= budget[active[idx]]
            result[active[idx[ok]]] = found[idx[ok]]
            done[idx[ok]] = True
        at[active[reached]] = found[reached]
        active = active[reached & ~done]
    else:
        raise RuntimeError("required labels over classes did not settle; please report the inputs")
    return result.reshape(shape)


def _gap_subset(gap, subset):
    """``gap`` restricted to the points ``subset`` of its own."""
    return lambda labels, sub: gap(labels, subset[sub])


def _meets_at(flat_inputs, informative, budget, index, error_rate, blind):
    """Whether each point of ``index`` reaches its budget at the given ε and blind shares."""
    terms = []
    for inp, m, h in zip(flat_inputs, informative, blind, strict=True):
        e, hh, fooled = error_rate, h, inp["fooled"][index]
        win = _math.label_win_prob(e, hh, fooled)
        loss = _math.label_loss_prob(e, hh, fooled)
        margin = _math.label_margin(e, hh, fooled)
        log_single, log_failure = _single_logs(m[index], loss, win, margin)
        terms.append(inp["log_k"][index] + _log_neg_log(log_failure, log_single))
    return _logsumexp(terms) <= budget[index]


def _largest(meets, low, high, size):
    """Largest x in [low, high] with meets(x, points) (meets non-increasing in x): NaN if low fails."""
    everything = np.arange(size)
    lo = np.full(size, low)
    hi = np.full(size, high)
    result = np.full(size, np.nan)
    at_high = meets(hi, everything)
    at_low = meets(lo, everything)
    result[at_high] = high
    search = everything[at_low & ~at_high]
    passing, failing = lo[search], hi[search]
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (passing + failing)
        if not np.any((mid > passing) & (mid < failing)):
            break
        ok = meets(mid, search)
        passing = np.where(ok, mid, passing)
        failing = np.where(ok, failing, mid)
    result[search] = passing
    return result


def _tolerance_inputs(target, labels, shared, class_threats, extra=()):
    shape = np.broadcast_shapes(
        np.shape(target), np.shape(labels), *(np.shape(v) for v in shared.values()),
        *(np.shape(v) for k in class_threats for v in k.values()), *(np.shape(v) for v in extra),
    )  # fmt: skip
    flat = []
    informative = []
    for k in class_threats:
        f = np.broadcast_to(k["footprint"], shape).ravel()
        flat.append(
            {
                "footprint": f,
                "exploitation": np.broadcast_to(k["exploitation"], shape).ravel(),
                "fooled": np.broadcast_to(shared["fooled_rate"], shape).ravel(),
                "log_k": np.broadcast_to(
                    _math.log_effective_competitors(k["competitors_log10"], shared["prior_bits"]), shape
                ).ravel(),
            }
        )
        informative.append(_math.informative_labels(np.broadcast_to(labels, shape).ravel(), f))
    budget = np.broadcast_to(np.log(-np.log(target)), shape).ravel()
    return shape, flat, informative, budget


def max_error_rate_for(target, labels, shared, class_threats) -> np.ndarray:
    """Largest ε in [0, ½] meeting the target over every class (bisection; P_align falls with ε)."""
    shape, flat, informative, budget = _tolerance_inputs(target, labels, shared, class_threats)
    sigma = np.broadcast_to(shared["blind_spot"], shape).ravel()
    blind = [_math.blind_share(sigma, inp["footprint"], inp["exploitation"]) for inp in flat]

    def meets(error, index):
        return _meets_at(flat, informative, budget, index, error, [h[index] for h in blind])

    return _largest(meets, 0.0, 0.5, budget.size).reshape(shape)


def max_blind_spot_for(target, labels, error_rate, shared, class_threats) -> np.ndarray:
    """Largest σ in [0, 1] meeting the target over every class (bisection where φ > ε)."""
    shape, flat, informative, budget = _tolerance_inputs(target, labels, shared, class_threats, (error_rate,))
    error = np.broadcast_to(error_rate, shape).ravel()

    def meets(sigma, index):
        blind = [
            _math.blind_share(sigma, inp["footprint"][index], inp["exploitation"][index]) for inp in flat
        ]
        return _meets_at(flat, informative, budget, index, error[index], blind)

    result = _largest(meets, 0.0, 1.0, budget.size)
    # Where φ ≤ ε blind spots do not hurt: all (σ = 1) or nothing, as for one class.
    harmless = flat[0]["fooled"] <= error if flat else np.zeros(budget.size, dtype=bool)
    if np.any(harmless):
        index = np.flatnonzero(harmless)
        at_one = meets(np.ones(index.size), index)
        result[index] = np.where(at_one, 1.0, np.nan)
    return result.reshape(shape)


def max_competitors_log10_for(target, labels, error_rate, shared, class_threats, class_index) -> np.ndarray:
    r"""Largest :math:`\log_{10} K` of class ``class_index`` meeting the target, the others held.

    :math:`K_{\text{eff},i}(-\ln P_{1,i}) \le -\ln P^* - \sum_{c \ne i} K_{\text{eff},c}(-\ln P_{1,c})`.
    """
    inputs = [_class_inputs(shared, k, error_rate) for k in class_threats]
    logs = [_logs_at(inp, labels)[0] for inp in inputs]
    budget = np.log(-np.log(target))
    others = [c.exponent for i, c in enumerate(logs) if i != class_index]
    mine = logs[class_index]
    own = _log_neg_log(mine.log_failure, mine.log_single)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = _logsumexp(others) if others else np.asarray(-np.inf)
        room = np.where(rest < budget, budget + np.log1p(-np.exp(rest - budget)), np.nan)
        log_k_max = room - own
    result = log_k_max / _math.LN10 + shared["prior_bits"] * _math.LOG10_2
    return np.where(log_k_max >= 0.0, result, np.nan)


# -- the shared-dataset range over classes ----------------------------------------------------------


@dataclass(frozen=True)
class ClassesSharedResult(Result):
    r"""P_align against several classes judged on one dataset, and the range it lies in.

    Attributes
    ----------
    p_align : float or ndarray
        :math:`\prod_c P_c(\rho)`, each class's shared-dataset figure
        (:func:`aliquant_core.shared_p_align`) multiplied: a lower bound on the whole, since every
        class's "all its competitors lose" event increases with label correctness (Harris–FKG).
    p_misalign : float or ndarray
        :math:`1 - \prod_c P_c(\rho)`.
    p_align_at_most : float or ndarray
        :math:`\min_c P_c(\rho)`: the whole cannot beat its hardest class.
    p_align_independent : float or ndarray
        :math:`\prod_c P_{1,c}^{K_{\text{eff},c}}`, every contest independent (the lowest end).
    p_align_one_contest : float or ndarray
        :math:`\min_c P_{1,c}` (the highest end).
    p_align_any_dependence : float or ndarray
        Bonferroni over every competitor of every class.
    overlap : float or ndarray
        :math:`\rho`, the same within every class.
    classes : tuple of SharedDatasetResult
        Each class's own range, in order.
    names : tuple of str
        The classes' names.
    """

    p_align: FloatArray
    p_misalign: FloatArray
    p_align_at_most: FloatArray
    p_align_independent: FloatArray
    p_align_one_contest: FloatArray
    p_align_any_dependence: FloatArray
    overlap: FloatArray
    classes: tuple
    names: tuple[str, ...]


@takes_assumptions
def classes_shared_p_align(
    labels: ArrayLike,
    error_rate: ArrayLike | None = None,
    *,
    agreement: ArrayLike | None = None,
    overlap: ArrayLike,
    classes: Sequence[CompetitorClass],
    **threat: ArrayLike,
) -> ClassesSharedResult:
    r"""The shared-dataset range (:func:`aliquant_core.shared_p_align`) per class and overall.

    Parameters
    ----------
    labels, error_rate, agreement, classes, **threat
        As for :func:`classes_p_align`.
    overlap : array_like
        :math:`\rho` within each class (its range in :data:`aliquant_core.QUANTITIES`).

    Returns
    -------
    ClassesSharedResult

    Notes
    -----
    Within class :math:`c` the overlap model gives :math:`P_c(\rho)`. Across classes, each event
    "every competitor of class :math:`c` loses" increases with label correctness, so by Harris–FKG

    .. math:: \prod_c P_{1,c}^{K_{\text{eff},c}} \le \prod_c P_c(\rho) \le P_\text{align}
        \le \min_c P_c(\rho) \le \min_c P_{1,c}.

    One class gives :func:`aliquant_core.shared_p_align`'s figures.
    """
    from .shared_dataset import shared_p_align  # the shared-dataset model imports this module's

    classes = check_classes(classes)
    shared = check_shared(threat)
    error = resolve_error_rate(error_rate, agreement)
    per_class = [shared_p_align(labels, error, overlap=overlap, **shared, **c.threat) for c in classes]
    independent = classes_p_align(labels, error, classes=classes, **shared)
    with np.errstate(divide="ignore"):
        log_align = sum(np.log(np.asarray(r.p_align, dtype=float)) for r in per_class)
    p_align = np.exp(log_align)
    misalign = -np.expm1(log_align)
    if len(per_class) == 1:  # exactly the one class's own sums
        p_align, misalign = np.asarray(per_class[0].p_align), np.asarray(per_class[0].p_misalign)
    at_most = functools.reduce(np.minimum, [np.asarray(r.p_align) for r in per_class])
    return ClassesSharedResult(
        p_align=np.asarray(p_align)[()],
        p_misalign=np.asarray(misalign)[()],
        p_align_at_most=np.asarray(at_most)[()],
        p_align_independent=independent.p_align,
        p_align_one_contest=independent.p_align_one_contest,
        p_align_any_dependence=independent.p_align_lower_bound,
        overlap=per_class[0].overlap,
        classes=tuple(per_class),
        names=tuple(c.name for c in classes),
    )
