"""What every benchmark script times with: the median of repeated runs of one call."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def median_time(func: Callable[[], object], repeats: int = 5, *, warm: bool = True) -> float:
    """Median wall time of ``repeats`` calls of ``func``, in seconds, after one untimed call if ``warm``.

    The median, not the mean: these machines are shared, and a run that loses its core for a moment
    should not move the figure.
    """
    if warm:
        func()  # caches and imports
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved(
    functions: dict[str, Callable[[], object]],
    repeats: int,
    warmup: int = 2,
    *,
    clock: Callable[[], int] = time.perf_counter_ns,
) -> dict[str, list[float]]:
    """Seconds per call of each function, run in alternating order, garbage collector off.

    ``clock`` is a nanosecond clock: wall time by default, ``time.process_time_ns`` for CPU time
    where the machine is shared (a floor and a candidate timed in the same run keep their ratio).
    """
    names = list(functions)
    for _ in range(warmup):
        for name in names:
            functions[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        for repeat in range(repeats):
            for name in names if repeat % 2 == 0 else reversed(names):
                start = clock()
                functions[name]()
                times[name].append((clock() - start) * 1e-9)
    finally:
        if enabled:
            gc.enable()
    return times
