"""Whole rounds: evaluation and allocation of 1 000, 10 000 and 100 000 generated applications.

    python benchmarks/bench_rounds.py [--sizes 1000 10000 100000]

Prints a JSON report: seconds, microseconds per application, peak memory (RSS high-water
mark of a fresh process per size) and how cost grows. Target (issue 3): 10 000
applications evaluated in under 1 s; linear growth.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

HERE = Path(__file__).parent


def measure(size: int, year: str) -> dict[str, float]:
    """One size in this process: called in a fresh subprocess so peak memory is its own."""
    from generate import applications

    from fourules import Evaluator, get_plugin_manager
    from fourules.rounds.allocation import allocate, make_budget
    from fourules.rounds.evaluation import evaluate_round
    from fourules.rounds.model import Round

    apps = applications(size, year)
    for i, app in enumerate(apps):  # the administration's own ranking, for the tie-break
        app["priority"] = 1 + i % 4
    ev = Evaluator(get_plugin_manager(load_entry_points=False))  # the built-ins: the core's cost
    ev.require(year)
    start = time.perf_counter()
    round_ = Round.model_validate({"year": year, "applications": apps})
    loaded = time.perf_counter()
    result = evaluate_round(round_, year, ev)
    evaluated = time.perf_counter()
    allocate(round_, result, ev.load_policy(year), make_budget(size * 200_000, None, None))
    allocated = time.perf_counter()
    return {
        "applications": size,
        "validate_s": round(loaded - start, 3),
        "evaluate_round_s": round(evaluated - loaded, 3),
        "allocate_s": round(allocated - evaluated, 3),
        "evaluate_us_per_application": round((evaluated - loaded) / size * 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--year", default="2024")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.year)))
        return
    rows = []
    for size in args.sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--year", args.year],
            check=True,
            capture_output=True,
            text=True,
        )
        rows.append(json.loads(done.stdout))
    base = rows[0]
    for row in rows:
        row["growth_vs_smallest"] = round(
            (row["evaluate_round_s"] / base["evaluate_round_s"])
            / (row["applications"] / base["applications"]),
            2,
        )
    print(json.dumps({"year": args.year, "sizes": rows}, indent=2))


if __name__ == "__main__":
    main()
