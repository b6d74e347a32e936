"""What every benchmark script times with: the median of repeated runs of one call."""

from __future__ import annotations

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
