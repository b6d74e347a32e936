"""Speed targets of the core, measured as ratios against a floor timed in the same run.

Targets
-------
1. ``p_align`` on a 200 x 200 grid of (labels N, error_rate ε) takes at most 2x one bare
   ``scipy.special.betainc`` call over the same 40,000 points: the floor is one exact binomial tail
   per point, ``betainc(a, a, x)`` with ``a = ceil(round(f·N)/2)`` and ``x = 1 − q`` as in the model.
   Issue #12: the target holds on any 200 x 200 grid within the brief's ranges, so nine grids
   (``grids()``): the full span N 1..1e12, ε 0..0.5 (default threat; competitors_log10 = 300; all
   labels informative), and grids that stress one path of ``_math.log_symmetric_tail`` each (realistic
   programmes N 1e3..1e7, ε 0.05..0.35; the same with all labels informative; ε near ½; N near 1e12;
   N near 1e12 with ε near ½; h near ½).
2. ``required_labels`` for 1,000 seeded random scenarios takes under 100 ms (its ratio against the
   betainc floor over 1,000 points, one tail per scenario at its answer, is reported for context).

Each measurement interleaves the candidate with its floor (alternating which runs first), with the
garbage collector off, over many repeats, in one process (each grid in a fresh interpreter, see
``fresh_grid``). Grid targets are judged on the ratio of the medians (issue #12); the ratio of
minima and the median of paired ratios are reported beside it.

A profile of ``p_align`` on the realistic grid follows: cProfile, and each piece of
``_math.log_symmetric_tail`` timed alone on the exact arguments ``p_align`` passes it (captured from
one instrumented call; minimum of interleaved repeats).

Usage::

    python benchmarks/bench_core.py            # table; exit status 1 if a target is missed
    python benchmarks/bench_core.py --json     # the same results as JSON on stdout

The environment is left as it is (threads, ``OPENBLAS_CORETYPE``...); the header records it.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import json
import os
import platform
import pstats
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy import special  # noqa: E402

import aliquant_core  # noqa: E402
from aliquant_core import _math, p_align, required_labels  # noqa: E402
from aliquant_core.quantities import DEFAULTS, THREAT  # noqa: E402
from benchmarks.timing import interleaved  # noqa: E402

GRID_SIZE = 200
GRID_RATIO_TARGET = 2.0
SCENARIOS = 1000
SCENARIO_SEED = 20240611
REQUIRED_LABELS_TARGET_S = 0.100
SCENARIO_SHARES = {"quantity_suffices": 850, "no_quantity_suffices": 130, "knife_edge": 20}

#: Environment variables that can change how NumPy/SciPy run (threads, BLAS kernels).
_ENV_PATTERN = re.compile(r"BLAS|OPENBLAS|OMP_|MKL|NVPL|NUMEXPR|VECLIB|THREAD|GOTO|NPY_|SCIPY")


# --------------------------------------------------------------------------------------------
# Environment


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _blas_info() -> dict:
    """Thread pools from threadpoolctl if installed, else NumPy's build configuration."""
    info: dict = {}
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        info["threadpoolctl"] = "not installed (BLAS below is NumPy's build configuration, not runtime)"
        try:
            config = np.show_config(mode="dicts")
            blas = config["Build Dependencies"]["blas"]
            info["numpy_blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
        except Exception as error:  # show_config's layout is not a stable API
            info["numpy_blas"] = f"unavailable ({error})"
        try:
            config = scipy.show_config(mode="dicts")
            blas = config["Build Dependencies"]["blas"]
            info["scipy_blas"] = {k: blas.get(k) for k in ("name", "version", "openblas configuration")}
        except Exception as error:
            info["scipy_blas"] = f"unavailable ({error})"
    else:
        info["threadpoolctl"] = [
            {k: pool.get(k) for k in ("user_api", "internal_api", "version", "num_threads", "architecture")}
            for pool in threadpool_info()
        ]
    return info


def _load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def _core_state() -> dict:
    """Commit, whether aliquant_core/ differs from it, and a hash of the core's sources as measured."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "aliquant_core").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    state = {"sources_sha256": digest.hexdigest()[:12]}
    try:
        git = ["git", "-C", str(ROOT)]
        state["commit"] = subprocess.run(
            [*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            [*git, "status", "--porcelain", "--", "aliquant_core"], capture_output=True, text=True, check=True
        ).stdout.split("\n")
        state["uncommitted_core_files"] = sorted(line[3:] for line in changed if line.strip())
    except (OSError, subprocess.CalledProcessError) as error:
        state["commit"] = f"unknown ({error})"
    return state


def environment() -> dict:
    env_vars = {k: v for k, v in sorted(os.environ.items()) if _ENV_PATTERN.search(k)}
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "aliquant_core": aliquant_core.__version__,
        "core_state": _core_state(),
        "platform": platform.platform(),
        "cpu_model": _cpu_model(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "load_average_1_5_15min": _load_average(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "<unset>"),
        "env": env_vars,
        "blas": _blas_info(),
    }


# --------------------------------------------------------------------------------------------
# Timing


def _summary(samples: list[float]) -> dict:
    return {"median_s": float(np.median(samples)), "min_s": float(np.min(samples)), "repeats": len(samples)}


def _ratios(candidate: list[float], floor: list[float]) -> dict:
    return {
        "ratio_median": float(np.median(candidate) / np.median(floor)),
        "ratio_min": float(np.min(candidate) / np.min(floor)),
        "ratio_paired_median": float(np.median(np.asarray(candidate) / np.asarray(floor))),
    }


# --------------------------------------------------------------------------------------------
# Inputs


def default_scenario() -> dict[str, float]:
    return {key: float(DEFAULTS[key]) for key in THREAT}


#: The full span of the brief's ranges, and the realistic programmes of issue #12.
FULL_SPAN = ((1.0, 1e12), (0.0, 0.5))
REALISTIC = ((1e3, 1e7), (0.05, 0.35))


def grids() -> dict[str, tuple[dict[str, float], tuple]]:
    """Name → (threat, (N range, ε range)); each stresses a different path of the tail.

    The full span is mostly cheap extreme tails; the realistic grid is mostly ``betainc``; all labels
    informative puts most points in the continued fraction; ε near ½ is ``betainc`` near the middle;
    N near 1e12 is the large-jury paths (continued fraction, and with ε near ½ the Edgeworth series);
    h near ½ (blind_spot 0.45, footprint 1) squeezes the margin at every ε.
    """
    base = default_scenario()
    informative = {**base, "blind_spot": 0.0, "footprint": 1.0}
    return {
        "default": (base, FULL_SPAN),
        "competitors_log10=300": ({**base, "competitors_log10": 300.0}, FULL_SPAN),
        "blind_spot=0, footprint=1": (informative, FULL_SPAN),
        "realistic: N 1e3–1e7, ε 0.05–0.35": (base, REALISTIC),
        "realistic, blind_spot=0, footprint=1": (informative, REALISTIC),
        "ε near ½: N 1e3–1e7, ε 0.45–0.5": (base, ((1e3, 1e7), (0.45, 0.5))),
        "N near 1e12: N 1e9–1e12, ε 0.05–0.35": (base, ((1e9, 1e12), (0.05, 0.35))),
        "N near 1e12, ε 0.49–0.5": (base, ((1e9, 1e12), (0.49, 0.5))),
        "h near ½: blind_spot 0.45, footprint 1, realistic N, ε": (
            {**base, "blind_spot": 0.45, "footprint": 1.0},
            REALISTIC,
        ),
    }


def grid_axes(span: tuple = FULL_SPAN) -> tuple[np.ndarray, np.ndarray]:
    """N log-spaced over span[0] as a column, ε linear over span[1] as a row."""
    (n_low, n_high), (e_low, e_high) = span
    labels = np.logspace(np.log10(n_low), np.log10(n_high), GRID_SIZE)[:, None]
    error_rate = np.linspace(e_low, e_high, GRID_SIZE)[None, :]
    return labels, error_rate


def floor_arguments(labels, error_rate, scenario) -> tuple[np.ndarray, np.ndarray]:
    """a = ceil(round(f·N)/2) and x = 1 − q for each point, computed as the model does."""
    labels, error_rate = np.broadcast_arrays(labels, error_rate)
    blind = _math.blind_share(scenario["blind_spot"], scenario["footprint"], scenario["exploitation"])
    fooled = scenario.get("fooled_rate", aliquant_core.DEFAULTS["fooled_rate"])
    x = _math.label_loss_prob(error_rate, blind, fooled)
    a = _math.jury_half(_math.informative_labels(labels, scenario["footprint"]))
    a, x = np.broadcast_arrays(a, x)
    return np.ascontiguousarray(a, dtype=float), np.ascontiguousarray(x, dtype=float)


def _tail_pieces() -> list[str]:
    """The pieces of _math.log_symmetric_tail present in this version of the core, in call order."""
    edgeworth = sorted(name for name in vars(_math) if "edgeworth" in name and callable(getattr(_math, name)))
    names = ["log_symmetric_tail", *edgeworth, "log_symmetric_tail_fraction", "_log_jury_pmf"]
    names.append("_lentz_beta_fraction")
    return [name for name in names if callable(getattr(_math, name, None))]


def _points(calls: list[tuple]) -> int:
    return sum(int(np.prod(np.broadcast_shapes(*(np.shape(arg) for arg in call)))) for call in calls)


def branch_counts(labels, error_rate, scenario, a: np.ndarray, x: np.ndarray) -> dict[str, int]:
    """Points per path of _math.log_symmetric_tail, read off one instrumented p_align call.

    Closed forms are the model's (m = 0 or q = ½: P₁ = ½; q = 1: P₁ = 1); the Edgeworth and
    continued-fraction counts are the sizes of the arrays the core passed to those functions; the
    rest keep SciPy's betainc.
    """
    captured = _captured_arguments(labels, error_rate, scenario)
    closed = int(((a == 0) | (x == 0.5) | (x == 0)).sum())
    edgeworth = sum(_points(calls) for name, calls in captured.items() if "edgeworth" in name)
    fraction = _points(captured.get("log_symmetric_tail_fraction", []))
    return {
        "closed form (m = 0, q = 1/2 or q = 1)": closed,
        "betainc": int(a.size) - closed - edgeworth - fraction,
        "edgeworth": edgeworth,
        "continued_fraction": fraction,
    }


def scenarios(seed: int = SCENARIO_SEED) -> dict[str, np.ndarray]:
    """1,000 scenarios spread over the brief's ranges; 850 with q > ½, 130 with q < ½, 20 with q = ½.

    error_rate ~ U(0, ½); footprint log-uniform on [1e-3, 1]; exploitation ~ U(0, 1); blind_spot 0
    with chance 0.3, else log-uniform on [1e-4, 1]; competitors_log10 ~ U(0, 300); prior_bits 0 with
    chance ½, else U(0, 1000); target = expit(U(−3, 12)), i.e. 0.05 to 0.999994. A pool is drawn and
    the first rows of each regime kept; the knife-edge rows get error_rate = ½.
    """
    rng = np.random.default_rng(seed)
    pool = 20 * SCENARIOS
    error_rate = rng.uniform(0.0, 0.5, pool)
    footprint = 10.0 ** rng.uniform(-3.0, 0.0, pool)
    exploitation = rng.uniform(0.0, 1.0, pool)
    blind_spot = np.where(rng.uniform(size=pool) < 0.3, 0.0, 10.0 ** rng.uniform(-4.0, 0.0, pool))
    # The fooled rate tied to 1 − ε, as the workload was drawn before φ was its own quantity: the
    # knife-edge rows (ε = ½) stay knife-edge.
    blind = _math.blind_share(blind_spot, footprint, exploitation)
    margin = _math.label_margin(error_rate, blind, 1.0 - error_rate)
    good = np.flatnonzero(margin > 0)[: SCENARIO_SHARES["quantity_suffices"]]
    bad = np.flatnonzero(margin < 0)[: SCENARIO_SHARES["no_quantity_suffices"]]
    used = np.zeros(pool, dtype=bool)
    used[good] = used[bad] = True
    knife = np.flatnonzero(~used)[: SCENARIO_SHARES["knife_edge"]]
    rows = np.concatenate([good, bad, knife])
    error_rate = error_rate.copy()
    error_rate[knife] = 0.5
    n = rows.size
    assert n == SCENARIOS, n
    return {
        "target": special.expit(rng.uniform(-3.0, 12.0, n)),
        "error_rate": error_rate[rows],
        "blind_spot": blind_spot[rows],
        "footprint": footprint[rows],
        "exploitation": exploitation[rows],
        "fooled_rate": 1.0 - error_rate[rows],
        "competitors_log10": rng.uniform(0.0, 300.0, n),
        "prior_bits": np.where(rng.uniform(size=n) < 0.5, 0.0, rng.uniform(0.0, 1000.0, n)),
    }


# --------------------------------------------------------------------------------------------
# Benchmarks


def bench_grid(name: str, scenario: dict, span: tuple, repeats: int) -> dict:
    labels, error_rate = grid_axes(span)
    a, x = floor_arguments(labels, error_rate, scenario)
    with np.errstate(all="ignore"):
        times = interleaved(
            {
                "floor": lambda: special.betainc(a, a, x),
                "p_align": lambda: p_align(labels, error_rate, **scenario),
            },
            repeats,
        )
    result = p_align(labels, error_rate, **scenario)
    values = np.asarray(result.p_align)
    ratios = _ratios(times["p_align"], times["floor"])
    faults = {
        "p_align": _page_faults(lambda: p_align(labels, error_rate, **scenario)),
        "floor": _page_faults(lambda: special.betainc(a, a, x)),
    }
    return {
        "name": name,
        "scenario": scenario,
        "labels_range": list(span[0]),
        "error_rate_range": list(span[1]),
        "points": int(a.size),
        "p_align": _summary(times["p_align"]),
        "floor": _summary(times["floor"]),
        **ratios,
        "target_ratio": GRID_RATIO_TARGET,
        "passed": ratios["ratio_median"] <= GRID_RATIO_TARGET,
        "branches": branch_counts(labels, error_rate, scenario, a, x),
        "page_faults_per_call": faults,
        "p_align_finite_in_0_1": bool(np.all(np.isfinite(values) & (values >= 0) & (values <= 1))),
    }


def _page_faults(call: Callable[[], object], calls: int = 5) -> float | None:
    """Minor page faults per call: memory the allocator handed back to the system and takes again."""
    try:
        import resource
    except ImportError:
        return None
    with np.errstate(all="ignore"):
        call()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(calls):
            call()
        return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def fresh_grid(name: str, repeats: int) -> dict:
    """:func:`bench_grid` in a new interpreter: every grid meets the allocator as a new process does.

    glibc gives the top of the heap back to the system when enough of it is free, and a call that
    allocates grid-sized arrays then page-faults them back in (about 1,500 faults, several ms, per
    ``p_align`` call on this machine). Whether that happens depends on what the process freed
    before: in one process it changed from one grid to the next. A process that has only imported
    the explorer's libraries (Streamlit, Plotly, pandas, PyArrow) still trims, so a new process is
    the state the explorer's map meets.
    """
    run = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--grid", name, "--repeats", str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


def bench_required_labels(repeats: int) -> dict:
    inputs = scenarios()
    target = inputs.pop("target")
    with np.errstate(all="ignore"):
        answer = np.asarray(required_labels(target, **inputs))
    # The floor: one exact tail per scenario at its answer (N = 1e12 where no quantity suffices).
    labels_at = np.where(np.isfinite(answer), answer, 1e12)
    a, x = floor_arguments(labels_at, inputs["error_rate"], inputs)
    x = np.minimum(x, 1.0 - x)  # the tail the model evaluates (the smaller side)
    with np.errstate(all="ignore"):
        times = interleaved(
            {
                "floor": lambda: special.betainc(a, a, x),
                "required_labels": lambda: required_labels(target, **inputs),
            },
            repeats,
        )
    finite = answer[np.isfinite(answer) & (answer > 0)]
    summary = _summary(times["required_labels"])
    return {
        "scenarios": SCENARIOS,
        "seed": SCENARIO_SEED,
        "regimes": dict(SCENARIO_SHARES),
        "required_labels": summary,
        "floor": _summary(times["floor"]),
        **_ratios(times["required_labels"], times["floor"]),
        "target_s": REQUIRED_LABELS_TARGET_S,
        "passed": summary["min_s"] < REQUIRED_LABELS_TARGET_S,
        "answers": {
            "zero": int((answer == 0).sum()),
            "infinite": int(np.isinf(answer).sum()),
            "finite_positive": int(finite.size),
            "median_of_finite_positive": float(np.median(finite)) if finite.size else None,
            "max_finite": float(finite.max()) if finite.size else None,
        },
    }


# --------------------------------------------------------------------------------------------
# Profile


class _Recorder:
    """Wraps a function of _math to record the arguments of each call (one instrumented run)."""

    def __init__(self, function):
        self.function = function
        self.calls: list[tuple] = []

        self.results: list = []

    def __call__(self, *args):
        self.calls.append(tuple(np.array(arg, copy=True) for arg in args))
        result = self.function(*args)
        self.results.append(np.array(result, copy=True))
        return result


class _SpecialProxy:
    """Stands in for scipy.special inside _math, recording betainc's arguments."""

    def __init__(self):
        self.betainc = _Recorder(special.betainc)

    def __getattr__(self, name):
        return getattr(special, name)


def _captured_arguments(labels, error_rate, scenario) -> dict[str, list[tuple]]:
    """The exact arguments p_align passes to each piece of the tail, from one instrumented call."""
    names = _tail_pieces()
    originals = {name: getattr(_math, name) for name in names}
    recorders = {name: _Recorder(function) for name, function in originals.items()}
    proxy = _SpecialProxy()
    try:
        for name, recorder in recorders.items():
            setattr(_math, name, recorder)
        _math.special = proxy
        with np.errstate(all="ignore"):
            p_align(labels, error_rate, **scenario)
    finally:
        for name, function in originals.items():
            setattr(_math, name, function)
        _math.special = special
    captured = {name: recorder.calls for name, recorder in recorders.items()}
    captured["betainc (inside log_symmetric_tail)"] = proxy.betainc.calls
    for name, recorder in recorders.items():
        captured[f"{name} results"] = recorder.results
    captured["betainc (inside log_symmetric_tail) results"] = proxy.betainc.results
    return captured


class _Replay:
    """Returns recorded results in order, standing in for a function."""

    def __init__(self, results: list):
        self.results = results
        self.position = 0

    def __call__(self, *args):
        result = self.results[self.position % len(self.results)]
        self.position += 1
        return result


class _SpecialReplay:
    """scipy.special inside _math, with betainc replaying recorded results."""

    def __init__(self, results: list):
        self.betainc = _Replay(results)

    def __getattr__(self, name):
        return getattr(special, name)


def _with_inner_stubbed(captured: dict, call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with betainc, the Edgeworth series and the continued fraction replaying results.

    What is left is log_symmetric_tail's own array work: masks, z, logs, gathers and scatters.
    """
    names = [name for name in _tail_pieces() if "edgeworth" in name or name == "log_symmetric_tail_fraction"]

    def run():
        originals = {name: getattr(_math, name) for name in names}
        try:
            for name in names:
                setattr(_math, name, _Replay(captured[f"{name} results"]))
            _math.special = _SpecialReplay(captured["betainc (inside log_symmetric_tail) results"])
            return call()
        finally:
            for name, function in originals.items():
                setattr(_math, name, function)
            _math.special = special

    return run


def _with_tail_stubbed(results: list, call: Callable[[], object]) -> Callable[[], object]:
    """``call`` with _math.log_symmetric_tail replaced by a stub returning its recorded results."""

    def run():
        original = _math.log_symmetric_tail
        answers = iter(results)
        _math.log_symmetric_tail = lambda *args: next(answers)
        try:
            return call()
        finally:
            _math.log_symmetric_tail = original

    return run


def _lentz_iterations(stats: pstats.Stats) -> int | None:
    """How many steps _lentz_beta_fraction ran over all its calls, from cProfile's call graph.

    Each step resets its ``change`` array once (``ndarray.fill``, which cProfile sees; the ufuncs
    doing the arithmetic it does not).
    """
    total = None
    for (_, _, function), entry in stats.stats.items():  # type: ignore[attr-defined]
        if "'fill'" in function:
            for (_, _, caller), counts in entry[4].items():
                if caller == "_lentz_beta_fraction":
                    total = (total or 0) + int(counts[1])
    return total


def _piece_rank(name: str) -> int:
    """Table order: floor, totals, then the tail's pieces from the outside in."""
    order = ("floor", "p_align, total", "p_align outside", "log_symmetric_tail own", "betainc")
    order += ("edgeworth", "log_symmetric_tail_fraction", "_log_jury_pmf", "_lentz_beta_fraction")
    for rank, prefix in enumerate(order):
        if name.startswith(prefix) or (prefix == "edgeworth" and prefix in name):
            return rank
    return 3  # log_symmetric_tail itself, before its own work


def profile_grid(scenario: dict, repeats: int, span: tuple = REALISTIC, top: int = 12) -> dict:
    labels, error_rate = grid_axes(span)
    a, x = floor_arguments(labels, error_rate, scenario)

    profiler = cProfile.Profile()
    with np.errstate(all="ignore"):
        profiler.enable()
        p_align(labels, error_rate, **scenario)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-12)  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    cprofile_top = [
        {
            "function": f"{Path(filename).name}:{line}({function})",
            "calls": int(entry[1]),
            "tottime_s": float(entry[2]),
            "cumtime_s": float(entry[3]),
            "share_of_total": float(entry[2] / total),
        }
        for (filename, line, function), entry in rows
    ]

    captured = _captured_arguments(labels, error_rate, scenario)
    pieces: dict[str, Callable[[], object]] = {
        "floor: betainc(a, a, x), all points": lambda: special.betainc(a, a, x),
        "p_align, total": lambda: p_align(labels, error_rate, **scenario),
        "p_align outside log_symmetric_tail (tail stubbed)": _with_tail_stubbed(
            captured["log_symmetric_tail results"], lambda: p_align(labels, error_rate, **scenario)
        ),
    }
    functions = {name: getattr(_math, name) for name in _tail_pieces()}
    functions = {
        "log_symmetric_tail": functions.pop("log_symmetric_tail"),
        "betainc (inside log_symmetric_tail)": special.betainc,
        **functions,
    }
    points = {}
    for name, function in functions.items():
        calls = captured[name]
        points[name] = _points(calls)
        if calls:
            pieces[name] = lambda f=function, cs=calls: [f(*c) for c in cs]
    tail_args = captured["log_symmetric_tail"]
    if tail_args:
        pieces["log_symmetric_tail own work (betainc, Edgeworth, fraction stubbed)"] = _with_inner_stubbed(
            captured, lambda: [_math.log_symmetric_tail(*c) for c in tail_args]
        )
    with np.errstate(all="ignore"):
        times = interleaved(pieces, repeats)
    # Minimum over repeats: the pieces are compared with each other, and the minimum is the
    # estimate least disturbed by other work on the machine.
    best = {name: float(np.min(samples)) for name, samples in times.items()}
    for name in functions:  # pieces p_align never called on this grid
        best.setdefault(name, 0.0)
    floor = best["floor: betainc(a, a, x), all points"]
    total_s = best["p_align, total"]
    breakdown = [
        {
            "piece": name,
            "points": points.get(name),
            "min_s": seconds,
            "share_of_p_align": seconds / total_s,
            "in_floor_units": seconds / floor,
        }
        for name, seconds in sorted(best.items(), key=lambda item: _piece_rank(item[0]))
    ]
    return {
        "scenario": scenario,
        "cprofile_total_s": float(total),
        "cprofile_top": cprofile_top,
        "lentz_iterations_run": _lentz_iterations(stats),
        "lentz_max_iterations": getattr(_math, "_CF_MAX_ITERATIONS", None),
        "breakdown": breakdown,
    }


def profile_required_labels(top: int = 8) -> dict:
    inputs = scenarios()
    target = inputs.pop("target")
    profiler = cProfile.Profile()
    with np.errstate(all="ignore"):
        profiler.enable()
        required_labels(target, **inputs)
        profiler.disable()
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-12)  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]  # type: ignore[attr-defined]
    tail_calls = sum(
        int(entry[1])
        for (_, _, function), entry in stats.stats.items()  # type: ignore[attr-defined]
        if function == "log_symmetric_tail"
    )
    return {
        "cprofile_total_s": float(total),
        "log_symmetric_tail_calls": tail_calls,
        "lentz_iterations_run": _lentz_iterations(stats),
        "cprofile_top": [
            {
                "function": f"{Path(filename).name}:{line}({function})",
                "calls": int(entry[1]),
                "tottime_s": float(entry[2]),
                "share_of_total": float(entry[2] / total),
            }
            for (filename, line, function), entry in rows
        ],
    }


# --------------------------------------------------------------------------------------------
# Report


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f}"


def print_report(results: dict) -> None:
    env = results["environment"]
    print("## Environment")
    for key in (
        "date_utc",
        "python",
        "numpy",
        "scipy",
        "aliquant_core",
        "core_state",
        "platform",
        "cpu_model",
    ):
        print(f"{key}: {env[key]}")
    print(f"nproc: {env['nproc']} (os.cpu_count: {env['cpu_count']})")
    print(f"load average before measuring (1, 5, 15 min): {env['load_average_1_5_15min']}")
    print(f"OPENBLAS_CORETYPE: {env['OPENBLAS_CORETYPE']} (environment left as is)")
    print("threading/BLAS environment variables:", env["env"] or "none set")
    blas = env["blas"]
    if isinstance(blas.get("threadpoolctl"), list):
        print("threadpoolctl:")
        for pool in blas["threadpoolctl"]:
            print("  ", pool)
    else:
        print("threadpoolctl:", blas.get("threadpoolctl"))
        print("numpy BLAS:", blas.get("numpy_blas"))
        print("scipy BLAS:", blas.get("scipy_blas"))
    print(f"command: {results['command']}")
    print()

    print(
        f"## Target 1: p_align on a {GRID_SIZE}x{GRID_SIZE} grid, "
        f"at most {GRID_RATIO_TARGET:g}x the betainc floor"
    )
    print(
        "N log-spaced, error_rate linear, over each grid's ranges; times are min (median) of "
        f"{results['grids'][0]['p_align']['repeats']} interleaved repeats; target on the ratio of medians"
    )
    print()
    print("| grid | N | ε | p_align ms | floor ms | ratio (min) | ratio (median) | target | result |")
    print("|---|---|---|---|---|---|---|---|---|")
    for grid in results["grids"]:
        n_range = "–".join(f"{v:g}" for v in grid["labels_range"])
        e_range = "–".join(f"{v:g}" for v in grid["error_rate_range"])
        print(
            f"| {grid['name']} | {n_range} | {e_range} "
            f"| {_ms(grid['p_align']['min_s'])} ({_ms(grid['p_align']['median_s'])}) "
            f"| {_ms(grid['floor']['min_s'])} ({_ms(grid['floor']['median_s'])}) "
            f"| {grid['ratio_min']:.2f} | {grid['ratio_median']:.2f} | ≤ {grid['target_ratio']:g} "
            f"| {'pass' if grid['passed'] else 'FAIL'} |"
        )
    print()
    print("Points per path of log_symmetric_tail:")
    for grid in results["grids"]:
        print(
            f"  {grid['name']}: {grid['branches']}; finite in [0, 1]: {grid['p_align_finite_in_0_1']};"
            f" page faults per call {grid['page_faults_per_call']}"
        )
    print()

    req = results["required_labels"]
    print(
        f"## Target 2: required_labels for {req['scenarios']} scenarios, under {req['target_s'] * 1e3:.0f} ms"
    )
    print()
    print("| benchmark | time ms, min (median) | floor ms (1,000 points) | ratio (min) | target | result |")
    print("|---|---|---|---|---|---|")
    print(
        f"| required_labels | {_ms(req['required_labels']['min_s'])} "
        f"({_ms(req['required_labels']['median_s'])}) | {_ms(req['floor']['min_s'])} "
        f"| {req['ratio_min']:.0f} | < {req['target_s'] * 1e3:.0f} ms "
        f"| {'pass' if req['passed'] else 'FAIL'} |"
    )
    print(f"answers: {req['answers']}")
    print()

    prof = results["profile"]
    print("## Profile: p_align on the realistic grid (N 1e3–1e7, ε 0.05–0.35, default threat)")
    print()
    print("Each piece timed alone on the arguments p_align passed it; minimum of interleaved repeats;")
    print("floor units = time / the betainc floor over the grid.")
    print()
    print("| piece | points | min ms | share of p_align | floor units |")
    print("|---|---|---|---|---|")
    for row in prof["breakdown"]:
        points = "" if row["points"] is None else str(row["points"])
        print(
            f"| {row['piece']} | {points} | {_ms(row['min_s'])} | {row['share_of_p_align']:.0%} "
            f"| {row['in_floor_units']:.2f} |"
        )
    print()
    print(
        f"continued fraction: {prof['lentz_iterations_run']} steps run over all its calls "
        f"(maximum {prof['lentz_max_iterations']})"
    )
    print()
    print(f"cProfile, one call ({_ms(prof['cprofile_total_s'])} ms under the profiler), by own time:")
    for row in prof["cprofile_top"]:
        print(
            f"  {row['share_of_total']:6.1%}  {_ms(row['tottime_s']):>8} ms  {row['calls']:>5} calls  "
            f"{row['function']}"
        )
    print()
    rprof = results["profile_required_labels"]
    print(
        f"cProfile, required_labels ({_ms(rprof['cprofile_total_s'])} ms under the profiler): "
        f"{rprof['log_symmetric_tail_calls']} calls of log_symmetric_tail, "
        f"{rprof['lentz_iterations_run']} continued-fraction iterations in all"
    )
    for row in rprof["cprofile_top"]:
        print(
            f"  {row['share_of_total']:6.1%}  {_ms(row['tottime_s']):>8} ms  {row['calls']:>5} calls  "
            f"{row['function']}"
        )
    print()
    print("## Summary")
    for line in results["summary"]:
        print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    parser.add_argument("--repeats", type=int, default=41, help="timed repeats per measurement (default 41)")
    parser.add_argument("--grid", help=argparse.SUPPRESS)  # one grid's results as JSON (see fresh_grid)
    args = parser.parse_args(argv)
    if args.grid is not None:
        print(json.dumps(bench_grid(args.grid, *grids()[args.grid], args.repeats)))
        return 0

    command = "python benchmarks/bench_core.py" + "".join(f" {arg}" for arg in (argv or sys.argv[1:]))
    env = environment()
    if not args.json:
        # Versions and BLAS first, before anything is measured.
        print(
            f"numpy {env['numpy']}, scipy {env['scipy']}, python {env['python']}; "
            f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']}; threadpoolctl: "
            f"{'installed' if isinstance(env['blas'].get('threadpoolctl'), list) else 'not installed'}",
            flush=True,
        )
        print("measuring...", flush=True)
        print()

    grid_results = [fresh_grid(name, args.repeats) for name in grids()]
    req = bench_required_labels(args.repeats)
    prof = profile_grid(default_scenario(), max(11, args.repeats // 2))
    rprof = profile_required_labels()

    summary = [
        f"p_align grid '{grid['name']}': ratio {grid['ratio_median']:.2f} (target ≤ {GRID_RATIO_TARGET:g}): "
        f"{'pass' if grid['passed'] else 'FAIL'}"
        for grid in grid_results
    ]
    summary.append(
        f"required_labels x{SCENARIOS}: {_ms(req['required_labels']['min_s'])} ms "
        f"(target < {REQUIRED_LABELS_TARGET_S * 1e3:.0f} ms): {'pass' if req['passed'] else 'FAIL'}"
    )
    passed = all(grid["passed"] for grid in grid_results) and req["passed"]
    results = {
        "command": command,
        "environment": env,
        "grids": grid_results,
        "required_labels": req,
        "profile": prof,
        "profile_required_labels": rprof,
        "summary": summary,
        "passed": passed,
    }
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_report(results)
        print("all targets met" if passed else "TARGET MISSED")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
