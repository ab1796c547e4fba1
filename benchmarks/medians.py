"""Timing a step run after run, for the benchmarks that print milliseconds."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed_ms(runs: int, step: Callable[[int], object]) -> dict[str, float]:
    """STEP(i) for i in range(RUNS), each timed: the median, min and max in milliseconds."""
    ms = []
    for i in range(runs):
        start = time.perf_counter()
        step(i)
        ms.append((time.perf_counter() - start) * 1000)
    return {
        "median_ms": round(statistics.median(ms), 1),
        "min_ms": round(min(ms), 1),
        "max_ms": round(max(ms), 1),
    }
