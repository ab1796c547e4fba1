"""`fourules evaluate --explain`: the time to explain one application (in process).

    python benchmarks/bench_explain.py [--n 300]

Generated applications per year (benchmarks/generate.py); prints the median and p99 in
milliseconds, per outcome. The check page needs an explanation well under 100 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import applications

from fourules import Evaluator, get_plugin_manager
from fourules.evaluation.explain import explain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    ev = Evaluator(get_plugin_manager(load_entry_points=False))
    report: dict[str, object] = {}
    for year in ("2018", "2024"):
        apps = applications(args.n, year)
        explain(ev, apps[0], year)  # the solver's reading is built once, outside the clock
        times: dict[str, list[float]] = {}
        for app in apps:
            start = time.perf_counter()
            outcome = explain(ev, app, year)["outcome"]
            times.setdefault(outcome, []).append((time.perf_counter() - start) * 1000)
        report[year] = {
            outcome: {
                "applications": len(ms),
                "median_ms": round(statistics.median(ms), 1),
                "p99_ms": round(sorted(ms)[max(0, int(len(ms) * 0.99) - 1)], 1),
            }
            for outcome, ms in sorted(times.items())
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
